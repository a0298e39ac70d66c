"""Command line: parse options, call one function, turn StudygenError into exit code 1."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from studygen import __version__
from studygen.errors import ConfigError, StudygenError, printable

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


HANDOUT = "Handout"
DECKS = "Deck files (Anki, Quizlet, CSV)"
CARDS = "Flashcards"
SUMMARY = "Key-points sheet"


def _card(flag: str, help_text: str) -> Any:
    """An option listed under "Flashcards" in ``build --help``."""
    return typer.Option(flag, help=_literal(help_text), rich_help_panel=CARDS)


def _summary(flag: str, help_text: str) -> Any:
    """An option listed under "Key-points sheet" in ``build --help``."""
    return typer.Option(flag, help=_literal(help_text), rich_help_panel=SUMMARY)


def _literal(help_text: str) -> str:
    """Help text shown as written: Rich would take ``[default: 5]`` for markup and drop it."""
    return help_text.replace("[", "\\[")


class Duplex(str, Enum):
    """How the backs of the cards are printed."""

    long_edge = "long-edge"
    short_edge = "short-edge"
    fold = "fold"
    manual = "manual"
    none = "none"


class CutMarks(str, Enum):
    """Cut guides on the front pages."""

    corners = "corners"
    lines = "lines"
    none = "none"


class PdfVariant(str, Enum):
    """PDF standards WeasyPrint can write."""

    ua1 = "pdf/ua-1"
    a3b = "pdf/a-3b"


class PaperName(str, Enum):
    """Supported paper sizes."""

    a4 = "a4"
    letter = "letter"


def _err(message: str) -> None:
    lines = message.split("\n")  # studygen's own line breaks; content's are escaped
    typer.secho("\n".join(printable(line) for line in lines), err=True, fg=typer.colors.RED)


def _run(action: Callable[[], T]) -> T:
    """Run ``action``; a StudygenError becomes one message and exit code 1, never a traceback."""
    try:
        return action()
    except ConfigError as exc:  # a flag or setting with a wrong value: a usage error
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
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
    typer.Argument(
        help="Source files (default: every .yaml, .md, .txt, .tsv and .csv file in source/).",
        show_default=False,
    ),
]


@app.command()
def build(
    sources: SourcesArg = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help=_literal("Output folder [default: build]"))
    ] = None,
    only: Annotated[
        list[Output] | None,
        typer.Option("--only", help="Build only this output (repeatable).", show_default=False),
    ] = None,
    paper: Annotated[
        PaperName | None, typer.Option("--paper", help=_literal("Paper size [default: a4]"))
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="A folder of template overrides.")
    ] = None,
    strict: Annotated[
        bool | None, typer.Option("--strict/--no-strict", help="Treat warnings as errors.")
    ] = None,
    pdf_variant: Annotated[
        PdfVariant | None,
        typer.Option(
            "--pdf-variant",
            help="Write PDF/UA-1 (accessible) or PDF/A-3b (archival) files. "
            "Every PDF is tagged either way.",
        ),
    ] = None,
    toc: Annotated[
        bool | None,
        typer.Option(
            "--toc/--no-toc",
            help=_literal("Table of contents in the handout [default: with 3 sections or more]"),
            rich_help_panel=HANDOUT,
            show_default=False,
        ),
    ] = None,
    separator: Annotated[
        str | None,
        typer.Option(
            "--separator",
            help="Deck files: what separates a term from its definition "
            "(tab, comma, semicolon, or any text).",
            rich_help_panel=DECKS,
        ),
    ] = None,
    card_separator: Annotated[
        str | None,
        typer.Option(
            "--card-separator",
            help="Deck files: what separates cards (newline, blank-line, semicolon, or any text).",
            rich_help_panel=DECKS,
        ),
    ] = None,
    front: Annotated[
        str | None,
        typer.Option(
            "--front",
            help="Deck files: the column printed on the front (name or number).",
            rich_help_panel=DECKS,
        ),
    ] = None,
    back: Annotated[
        str | None,
        typer.Option(
            "--back",
            help="Deck files: the columns printed on the back, e.g. English,Pinyin.",
            rich_help_panel=DECKS,
        ),
    ] = None,
    header: Annotated[
        bool | None,
        typer.Option(
            "--header/--no-header",
            help="Deck files: the first row names the columns [default: when it looks so].",
            rich_help_panel=DECKS,
        ),
    ] = None,
    media: Annotated[
        Path | None,
        typer.Option(
            "--media",
            help="Deck files: the folder of their pictures (Anki's collection.media).",
            rich_help_panel=DECKS,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of sources that do not declare one [default: detected]."
        ),
    ] = None,
    cards: Annotated[
        str | None, _card("--cards", "Card layout preset (see `studygen layouts`).")
    ] = None,
    card_size: Annotated[
        str | None, _card("--card-size", "Custom card size, e.g. 63x88mm or 2.5x3.5in.")
    ] = None,
    printer_margin: Annotated[
        float | None, _card("--printer-margin", "Unprintable margin in mm [default: 5].")
    ] = None,
    duplex: Annotated[
        Duplex | None, _card("--duplex", "How the backs are printed [default: long-edge].")
    ] = None,
    back_offset: Annotated[
        str | None, _card("--back-offset", "Shift every back page by X,Y mm.")
    ] = None,
    printer: Annotated[
        str | None, _card("--printer", "Use a printer's settings from [printers.NAME].")
    ] = None,
    cut_marks: Annotated[
        CutMarks | None, _card("--cut-marks", "Cut guides [default: by layout].")
    ] = None,
    tags: Annotated[
        list[str] | None, _card("--tags", "Print only cards with this tag (repeatable).")
    ] = None,
    cards_only: Annotated[
        str | None, _card("--cards-only", "Print only these cards, e.g. 3,7-9.")
    ] = None,
    summary_include: Annotated[
        str | None,
        _summary(
            "--summary-include",
            "What the key-points sheet holds: key-points,definitions,faq "
            "[default: key-points,definitions].",
        ),
    ] = None,
    summary_min_size: Annotated[
        float | None,
        _summary(
            "--summary-min-size", "Smallest type on the key-points sheet, 6 to 12 pt [default: 7]."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
) -> None:
    """Build the handout, flashcards and key-points PDFs of each source."""
    from studygen import build as build_module
    from studygen.config import resolve_options
    from studygen.flashcards import validate_card_options

    def action() -> build_module.Report:
        options = resolve_options(
            Path.cwd(),
            out=out,
            only=tuple(o.value for o in only or ()),
            paper=paper.value if paper else None,
            templates=templates,
            strict=strict,
            verbose=verbose,
            pdf_variant=pdf_variant.value if pdf_variant else None,
            toc=toc,
            separator=separator,
            card_separator=card_separator,
            front=front,
            back=back,
            header=header,
            media=media,
            lang=lang,
            cards=cards,
            card_size=card_size,
            printer_margin=printer_margin,
            duplex=duplex.value if duplex else None,
            back_offset=back_offset,
            printer=printer,
            cut_marks=cut_marks.value if cut_marks else None,
            tags=tuple(tags or ()),
            cards_only=cards_only,
            summary_include=summary_include,
            summary_min_size=summary_min_size,
        )
        validate_card_options(options)
        paths = build_module.discover(list(sources or []), options)
        return build_module.build(paths, options, notify=_notify)

    report = _run(action)
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
    message = printable(message)
    if kind == "wrote":
        typer.echo(f"wrote {message}")
    elif kind == "problem":
        _err(message)
    elif kind == "warning":
        typer.secho(f"warning: {message}", err=True, fg=typer.colors.YELLOW)
    elif kind == "source-note":
        typer.echo(f"note: {message}")
    else:
        typer.echo(f"  {message}")


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
    for note in report.notes:
        typer.echo(f"note: {printable(note)}")
    if verbose:
        for path in report.built_sources:
            typer.echo(f"ok {path}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def layouts() -> None:
    """List the flashcard layout presets: card size and cards per sheet."""
    from studygen.cards import PRESETS

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
    paper: Annotated[PaperName, typer.Option("--paper", help="Paper size.")] = PaperName.a4,
    duplex: Annotated[
        Duplex, typer.Option("--duplex", help="long-edge or short-edge, as you will print.")
    ] = Duplex.long_edge,
) -> None:
    """Write a one-sheet PDF to measure your printer's front/back offset."""
    from studygen.calibrate import write_calibration

    def action() -> None:
        write_calibration(out, paper.value, duplex.value)

    _run(action)
    typer.echo(f"wrote {out}")
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="studygen")


if __name__ == "__main__":  # pragma: no cover
    main()
