"""Command line: parse options, call one function, turn StudygenError into exit code 1."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from studygen import __version__
from studygen.errors import StudygenError

app = typer.Typer(
    name="studygen",
    help="Turn one structured study file into print-ready PDFs: handout, flashcards, key points.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


class Output(str, Enum):
    """The outputs studygen can build."""

    handout = "handout"
    flashcards = "flashcards"
    key_points = "key-points"


class PaperName(str, Enum):
    """Supported paper sizes."""

    a4 = "a4"
    letter = "letter"


def _err(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)


def _run(action: Callable[[], T]) -> T:
    """Run ``action``; a StudygenError becomes one message and exit code 1, never a traceback."""
    try:
        return action()
    except StudygenError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"studygen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """studygen: study file in, print-ready PDFs out."""


SourcesArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Source files (default: every .yaml file in source/).", show_default=False),
]


@app.command()
def build(
    sources: SourcesArg = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder [default: build]")
    ] = None,
    only: Annotated[
        list[Output] | None,
        typer.Option("--only", help="Build only this output (repeatable).", show_default=False),
    ] = None,
    paper: Annotated[
        PaperName | None, typer.Option("--paper", help="Paper size [default: a4]")
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="A folder of template overrides.")
    ] = None,
    strict: Annotated[
        bool | None, typer.Option("--strict/--no-strict", help="Treat warnings as errors.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
) -> None:
    """Build the handout, flashcards and key-points PDFs of each source."""
    from studygen import build as build_module
    from studygen.config import resolve_options

    def action() -> build_module.Report:
        options = resolve_options(
            Path.cwd(),
            out=out,
            only=tuple(o.value for o in only or ()),
            paper=paper.value if paper else None,
            templates=templates,
            strict=strict,
            verbose=verbose,
        )
        paths = build_module.discover(list(sources or []), options)
        return build_module.build(paths, options, notify=_notify)

    report = _run(action)
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
    total = len(report.built_sources) + len(report.failed_sources)
    summary = (
        f"{len(report.written)} PDF{'s' if len(report.written) != 1 else ''} from "
        f"{len(report.built_sources)} of {total} source{'s' if total != 1 else ''} "
        f"in {report.seconds:.1f} s"
    )
    if report.ok:
        typer.secho(f"built {summary}", fg=typer.colors.GREEN)
    else:
        _err(f"failed: {len(report.failed_sources)} source(s) with errors; built {summary}")
        raise typer.Exit(1)


def _notify(kind: str, message: str) -> None:
    if kind == "wrote":
        typer.echo(f"wrote {message}")
    elif kind == "problem":
        _err(message)


@app.command()
def check(
    sources: SourcesArg = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
) -> None:
    """Validate sources without writing any PDF; report every problem found."""
    from studygen import build as build_module
    from studygen.config import resolve_options

    def action() -> build_module.Report:
        options = resolve_options(Path.cwd())
        paths = build_module.discover(list(sources or []), options)
        return build_module.check(paths, options)

    report = _run(action)
    for problem in report.problems:
        _err(problem)
    if verbose:
        for path in report.built_sources:
            typer.echo(f"ok {path}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the YAML source format (for editor completion)."""
    from studygen.model import json_schema

    typer.echo(json_schema())


def main() -> None:
    """Console-script entry point."""
    app(prog_name="studygen")


if __name__ == "__main__":  # pragma: no cover
    main()
