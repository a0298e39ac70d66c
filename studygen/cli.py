"""Command line: parse options, call one function, turn a StudygenError into its exit code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import typer

from studygen import __version__
from studygen.choices import CALIBRATION_DUPLEX, CUT_MARKS, DUPLEX_MODES, PAPERS, PDF_VARIANTS
from studygen.errors import StudygenError, printable
from studygen.outputs import NAMES as OUTPUTS

app = typer.Typer(
    name="studygen",
    help="Turn one structured study file into print-ready PDFs: handout, flashcards, key points.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


def _choices(name: str, values: Iterable[str]) -> Any:
    """A command-line choice over one of studygen's vocabularies (``choices.py``)."""
    return Enum(name, {value: value for value in values}, type=str)


def _value(choice: Any) -> str | None:
    """The text of a choice the command line was given (None when not given)."""
    return None if choice is None else str(getattr(choice, "value", choice))


if TYPE_CHECKING:  # the command line hands over the chosen text
    Output: TypeAlias = str
    PaperName: TypeAlias = str
    PdfVariant: TypeAlias = str
    Duplex: TypeAlias = str
    CutMarks: TypeAlias = str
    CalibrationDuplex: TypeAlias = str
else:
    Output = _choices("Output", OUTPUTS)
    PaperName = _choices("PaperName", PAPERS)
    PdfVariant = _choices("PdfVariant", PDF_VARIANTS)
    Duplex = _choices("Duplex", DUPLEX_MODES)
    CutMarks = _choices("CutMarks", CUT_MARKS)
    CalibrationDuplex = _choices("CalibrationDuplex", CALIBRATION_DUPLEX)


HANDOUT = "Handout"
DECKS = "Deck files (Anki, Quizlet, CSV)"
CARDS = "Flashcards"
SUMMARY = "Key-points sheet"


def _card(flag: str, help_text: str) -> Any:
    """An option listed under "Flashcards" in ``build --help``."""
    return typer.Option(flag, help=_literal(help_text), rich_help_panel=CARDS, case_sensitive=False)


def _summary(flag: str, help_text: str) -> Any:
    """An option listed under "Key-points sheet" in ``build --help``."""
    return typer.Option(flag, help=_literal(help_text), rich_help_panel=SUMMARY)


def _literal(help_text: str) -> str:
    """Help text shown as written: Rich would take ``[default: 5]`` for markup and drop it."""
    return help_text.replace("[", "\\[")


def _err(message: str) -> None:
    lines = message.split("\n")  # studygen's own line breaks; content's are escaped
    typer.secho("\n".join(printable(line) for line in lines), err=True, fg=typer.colors.RED)


def _run(action: Callable[[], T]) -> T:
    """Run ``action``; a StudygenError becomes one message and its exit code, no traceback.

    Usage and configuration errors exit with 2, errors in content with 1.
    """
    try:
        return action()
    except StudygenError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None


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
        typer.Option(
            "--only",
            help="Build only this output (repeatable).",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    paper: Annotated[
        PaperName | None,
        typer.Option("--paper", help=_literal("Paper size [default: a4]"), case_sensitive=False),
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
            case_sensitive=False,
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
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help=_literal("Seconds one source may take [default: 300].")),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
) -> None:
    """Build the handout, flashcards and key-points PDFs of each source."""
    from studygen import build as build_module
    from studygen.config import resolve_options
    from studygen.outputs.flashcards import validate_card_options

    def action() -> build_module.Report:
        flags = {
            "out": out,
            "only": tuple(_value(o) for o in only or ()),
            "paper": _value(paper),
            "templates": templates,
            "strict": strict,
            "verbose": verbose,
            "pdf_variant": _value(pdf_variant),
            "toc": toc,
            "separator": separator,
            "card_separator": card_separator,
            "cards": cards,
            "card_size": card_size,
            "printer_margin": printer_margin,
            "duplex": _value(duplex),
            "back_offset": back_offset,
            "printer": printer,
            "cut_marks": _value(cut_marks),
            "tags": tuple(tags or ()),
            "cards_only": cards_only,
            "summary_include": summary_include,
            "summary_min_size": summary_min_size,
            "timeout": timeout,
        }
        options = resolve_options(Path.cwd(), flags)
        validate_card_options(options)
        paths = build_module.discover(list(sources or []), options)
        return build_module.build(paths, options, TerminalReporter())

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


class TerminalReporter:
    """Prints what a build does: written files, problems, warnings and notes."""

    def wrote(self, path: Path, pages: int) -> None:
        """``wrote build/x/handout.pdf (8 pages)``."""
        plural = "s" if pages != 1 else ""
        typer.echo(printable(f"wrote {path} ({pages} page{plural})"))

    def problem(self, message: str) -> None:
        """An error, in red on standard error."""
        _err(message)

    def warning(self, message: str) -> None:
        """A warning, in yellow on standard error."""
        typer.secho(f"warning: {printable(message)}", err=True, fg=typer.colors.YELLOW)

    def note(self, message: str) -> None:
        """Information, indented under what it is about."""
        typer.echo(f"  {printable(message)}")


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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="studygen")


if __name__ == "__main__":  # pragma: no cover
    main()
