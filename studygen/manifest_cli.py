"""The commands about what a build left behind: ``clean``, ``manifest merge``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studygen.cli_help import Commands
from studygen.errors import StudygenError, printable
from studygen.terminal import err

manifest_app = typer.Typer(
    name="manifest",
    help="Work with build/manifest.json.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=Commands,
)


def clean(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder [default: build]")
    ] = None,
) -> None:
    """Remove the PDFs build/manifest.json lists, and the manifest; nothing else."""
    from studygen.config import resolve_options
    from studygen.manifest import clean as clean_folder

    try:
        options = resolve_options(Path.cwd(), {"out": out})
        removed, left = clean_folder(options.out)
    except StudygenError as exc:
        err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    for message in left:
        typer.echo(printable(message))
    typer.echo(f"removed {len(removed)} file{'s' if len(removed) != 1 else ''}")


@manifest_app.command()
def merge(
    manifests: Annotated[
        list[Path], typer.Argument(help="The manifests of the shards, e.g. shard-*/manifest.json.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the joined manifest.")
    ] = Path("build/manifest.json"),
) -> None:
    """Join the manifests of a sharded build (--shard K/N) into one."""
    from studygen.manifest import Manifest
    from studygen.write import write_atomic

    joined = Manifest()
    try:
        for path in manifests:
            joined.merge(Manifest.load(path))
        write_atomic(out, joined.to_json().encode())
    except StudygenError as exc:
        err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"wrote {out} ({len(joined.outputs)} outputs of {len(joined.sources)} sources)")
