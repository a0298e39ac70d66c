"""The commands around a build: card layouts, the calibration sheet, starter files, the
schema, the themes available, and pictures of pages (``preview``).

They join the command line of ``cli.py`` (its ``app``), which stays the one place where
errors become exit codes.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from studygen.cli import (
    CalibrationDuplex,
    Output,
    PaperName,
    SourcesArg,
    _flags,
    _run,
    _run_build,
    _value,
    app,
)
from studygen.terminal import TerminalReporter
from studygen.terminal import err as _err
from studygen.terminal import notices as _notices


@app.command()
def layouts() -> None:
    """List the flashcard layout presets: card size and cards per sheet."""
    from studygen.outputs.card_geometry import PRESETS

    typer.echo(
        f"{'layout':<12} {'paper':<22} {'card (mm)':<14} {'grid':<6} {'per sheet':>9}  description"
    )
    for layout in PRESETS.values():
        size = f"{layout.card_width:.1f} × {layout.card_height:.1f}"
        grid = f"{layout.columns}×{layout.rows}"
        typer.echo(
            f"{layout.name:<12} {layout.paper.name:<22} {size:<14} {grid:<6} "
            f"{layout.per_sheet:>9}  {layout.description}"
        )
    typer.echo(
        "custom: --card-size WxH(mm|cm|in) on --paper, inside --printer-margin (default 5 mm)"
    )


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the sheet.")] = Path(
        "calibration.pdf"
    ),
    paper: Annotated[
        PaperName, typer.Option("--paper", help="Paper size.", case_sensitive=False)
    ] = "a4",
    duplex: Annotated[
        CalibrationDuplex,
        typer.Option(
            "--duplex", help="long-edge or short-edge, as you will print.", case_sensitive=False
        ),
    ] = "long-edge",
) -> None:
    """Write a one-sheet PDF to measure your printer's front/back offset."""
    from studygen.outputs.calibration import write_calibration

    def action() -> Path:
        return write_calibration(out, str(_value(paper)), str(_value(duplex)))

    written = _run(action)
    typer.echo(f"wrote {written}")
    typer.echo(
        "Print it double-sided at 100 % (no fit to page), hold the sheet against a window with "
        "the front facing you, and read where the back's cross lies on the front's scales. "
        "Put the two numbers in studygen.toml: back_offset = [X, Y], or pass --back-offset X,Y."
    )


class Format(str, Enum):
    """Source formats ``studygen new`` can write."""

    yaml = "yaml"
    md = "md"


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="File name of the new source, e.g. cours-1.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the document.")] = "fr",
    fmt: Annotated[Format, typer.Option("--format", help="YAML or Markdown.")] = Format.yaml,
) -> None:
    """Write a commented starter study file in source/ that builds as it is."""
    from studygen.config import resolve_options
    from studygen.starter import write_starter

    def action() -> list[Path]:
        options = resolve_options(Path.cwd())
        return write_starter(options.source_dir, name, lang, fmt.value)

    written = _run(action)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"build it with: studygen build {written[0]}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the YAML source format (for editor completion)."""
    from studygen.model import json_schema

    typer.echo(json_schema())


@app.command()
def themes() -> None:
    """List the themes a build can use (--theme NAME), with what each looks like."""
    from studygen import themes as themes_module
    from studygen.config import resolve_options

    def action() -> list[themes_module.Theme]:
        options = resolve_options(Path.cwd())
        return themes_module.available(themes_module.project_dir(options))

    found = _run(action)
    width = max(len(theme.name) for theme in found)
    for theme in found:
        typer.echo(f"{theme.name:<{width}}  {theme.description}")


@app.command()
def preview(
    sources: SourcesArg = None,
    pages: Annotated[
        str | None, typer.Option("--pages", help="Pages to draw, e.g. 1-3 or 2 [default: all].")
    ] = None,
    dpi: Annotated[int, typer.Option("--dpi", help="Dots per inch of the pictures.")] = 100,
    only: Annotated[
        list[Output] | None,
        typer.Option("--only", help="Draw only this output (repeatable).", case_sensitive=False),
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Theme of the build.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    paper: Annotated[str | None, typer.Option("--paper", help="Paper size.")] = None,
) -> None:
    """Build, then write PNG pictures of the pages beside the PDFs (build/<stem>/<output>-N.png)."""
    from studygen import preview as preview_module

    asked = _run(lambda: preview_module.parse_pages(pages))
    _run(lambda: preview_module.check_dpi(dpi))
    given: dict[str, Any] = {"out": out, "theme": theme, "only": only, "paper": paper}
    flags = _flags(given)
    flags["only"] = tuple(str(_value(o)) for o in only or ()) or None
    reporter = TerminalReporter(quiet=True)
    report = _run(lambda: _run_build(sources, flags, reporter, write=True))
    reporter.close()
    _notices(report.notices)
    count = 0
    for written in report.written:
        for picture in preview_module.pictures(written.path, asked, dpi):
            typer.echo(f"wrote {picture}")
            count += 1
    if not report.ok:
        _err(f"failed: {len(report.failed_sources)} source(s) with errors")
        raise typer.Exit(1)
    typer.secho(f"drew {count} page{'s' if count != 1 else ''}", fg=typer.colors.GREEN)


@app.command()
def watch(
    sources: SourcesArg = None,
    only: Annotated[
        list[Output] | None,
        typer.Option("--only", help="Build only this output (repeatable).", case_sensitive=False),
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Theme of the build.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="A folder of template overrides.")
    ] = None,
) -> None:
    """Build, then rebuild a source's PDFs each time it, a picture, a template or the theme
    is saved. Errors are reported and the watch goes on; Ctrl-C stops it."""
    from studygen import watch as watch_module

    given: dict[str, Any] = {"out": out, "theme": theme, "templates": templates}
    flags = _flags(given)
    flags["only"] = tuple(str(_value(o)) for o in only or ()) or None
    reporter = TerminalReporter(quiet=False)
    try:
        _run(lambda: watch_module.run(list(sources or []), flags, reporter, typer.echo))
    except KeyboardInterrupt:
        reporter.close()
        typer.echo("stopped")
