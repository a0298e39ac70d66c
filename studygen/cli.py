"""Command line: parse options, call one function, turn a StudygenError into its exit code."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import typer

from studygen import __version__
from studygen.choices import CALIBRATION_DUPLEX, CUT_MARKS, DUPLEX_MODES, PAPERS, PDF_VARIANTS
from studygen.cli_help import Commands, Sections
from studygen.errors import StudygenError, printable
from studygen.outputs import NAMES as OUTPUTS
from studygen.terminal import TerminalReporter
from studygen.terminal import err as _err
from studygen.terminal import notices as _notices

app = typer.Typer(
    name="studygen",
    help="Turn one structured study file into print-ready PDFs: handout, flashcards, key points.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help (cli_help.py): ``--help`` does not import Rich
    cls=Commands,
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
    return typer.Option(flag, help=help_text, rich_help_panel=CARDS, case_sensitive=False)


def _summary(flag: str, help_text: str) -> Any:
    """An option listed under "Key-points sheet" in ``build --help``."""
    return typer.Option(flag, help=help_text, rich_help_panel=SUMMARY)


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


@app.command(cls=Sections)
def build(
    sources: SourcesArg = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder [default: build]")
    ] = None,
    only: Annotated[
        list[Output] | None,
        typer.Option(
            "--only",
            metavar="OUTPUT",
            help=f"Build only this output (repeatable): {', '.join(OUTPUTS)}.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    paper: Annotated[
        PaperName | None,
        typer.Option("--paper", help="Paper size [default: a4]", case_sensitive=False),
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="A folder of template overrides.")
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(
            "--theme",
            help="Theme: default, eco, large-print, dyslexia or a project's own "
            "(see `studygen themes`) [default: default]",
        ),
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
            help="Table of contents in the handout [default: with 3 sections or more]",
            rich_help_panel=HANDOUT,
            show_default=False,
        ),
    ] = None,
    link_addresses: Annotated[
        bool | None,
        typer.Option(
            "--link-addresses/--no-link-addresses",
            help="Print a link's address after its text [default: yes]",
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
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="Seconds one source may take [default: 300]."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Sources laid out at once [default: every usable core]."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild every output, even those up to date.")
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option("--shard", help="Build share K of N (K/N): one runner of a CI matrix."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print only problems, warnings and the summary line."),
    ] = False,
) -> None:
    """Build the handout, flashcards and key-points PDFs of each source."""
    flags = _flags(locals())
    reporter = TerminalReporter(quiet=quiet)
    report = _run(lambda: _run_build(sources, flags, reporter, write=True))
    reporter.close()
    _notices(report.notices)
    current = len(report.current_sources)
    total = len(report.built_sources) + len(report.failed_sources) + current
    summary = (
        f"{len(report.written)} PDF{'s' if len(report.written) != 1 else ''} from "
        f"{len(report.built_sources)} of {total} source{'s' if total != 1 else ''} "
        f"in {report.seconds:.1f} s"
    )
    if current:
        up_to_date = f"{len(report.up_to_date)} up to date"
        summary = f"{summary}; {up_to_date}" if report.written or not report.ok else (
            f"{up_to_date} ({current} source{'s' if current != 1 else ''}), nothing to build "
            f"in {report.seconds:.2f} s"
        )  # fmt: skip
    if report.ok and not report.written and current:
        typer.secho(summary, fg=typer.colors.GREEN)
    elif report.ok:
        typer.secho(f"built {summary}", fg=typer.colors.GREEN)
    else:
        _err(f"failed: {len(report.failed_sources)} source(s) with errors; built {summary}")
        raise typer.Exit(1)


def _flags(given: dict[str, Any]) -> dict[str, Any]:
    """The options given on the command line, as ``studygen.toml`` would write them."""
    flags = {name: given.get(name) for name in FLAG_NAMES}
    for name in ("paper", "pdf_variant", "duplex", "cut_marks"):
        flags[name] = _value(flags[name])
    flags["only"] = tuple(str(_value(o)) for o in given.get("only") or ())
    flags["tags"] = tuple(given.get("tags") or ())
    return flags


FLAG_NAMES = (
    "out", "only", "paper", "templates", "strict", "verbose", "pdf_variant", "toc", "separator",
    "card_separator", "cards", "card_size", "printer_margin", "duplex", "back_offset", "printer",
    "cut_marks", "tags", "cards_only", "summary_include", "summary_min_size", "front", "back",
    "header", "media", "lang", "timeout", "theme", "link_addresses", "jobs", "force", "shard",
)  # fmt: skip


def _run_build(
    sources: list[Path] | None, flags: dict[str, Any], reporter: Any, write: bool
) -> Any:
    """Resolve the options, find the sources, then build them (or check them)."""
    from studygen import build as build_module
    from studygen.config import resolve_options
    from studygen.outputs.flashcards import validate_card_options

    options = resolve_options(Path.cwd(), flags)
    for note in validate_card_options(options):
        reporter.note(note)
    paths = build_module.discover(list(sources or []), options)
    if write:
        return build_module.build(paths, options, reporter)
    return build_module.check(paths, options)


def check(**given: Any) -> None:
    """Validate sources without writing any PDF; report every problem found.

    It takes the layout options of build, so it checks what build would lay out.
    """
    sources, flags = given.get("sources"), _flags(given)
    report = _run(lambda: _run_build(sources, flags, TerminalReporter(quiet=True), False))
    _notices(report.notices)
    for problem in report.problems:
        _err(problem)
    for note in report.notes:
        typer.echo(f"note: {printable(note)}")
    if given.get("verbose"):
        for path in report.built_sources:
            typer.echo(f"ok {path}")
        for path in report.current_sources:
            typer.echo(f"ok {path} (unchanged since it was built)")
    if not report.ok:
        raise typer.Exit(1)


# ``check`` takes every option of ``build`` but where to write.
_BUILD_SIGNATURE = inspect.signature(build, eval_str=True)
check.__signature__ = _BUILD_SIGNATURE.replace(  # type: ignore[attr-defined]
    parameters=[p for n, p in _BUILD_SIGNATURE.parameters.items() if n not in ("out", "quiet")]
)
app.command(cls=Sections)(check)


@app.command()
def export(
    kind: Annotated[
        str, typer.Argument(metavar="FORMAT", help="anki (.apkg), csv, anki-txt or quizlet.")
    ],
    sources: Annotated[list[Path] | None, typer.Argument(help="Study files or folders.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
) -> None:
    """Export the flashcards of each source for Anki or Quizlet, into build/<stem>/."""
    from studygen.exporting import export_sources

    report = _run(lambda: export_sources(kind, list(sources or []), out))
    for line in report.lines:
        typer.echo(line)
    for problem in report.problems:
        _err(problem)
    if report.problems:
        raise typer.Exit(1)


# Commands around a build (themes, preview) live in their own module and join ``app``.
from studygen import commands as _commands  # noqa: E402,F401
from studygen.manifest_cli import clean, manifest_app  # noqa: E402  (commands after build's)

app.command()(clean)
app.add_typer(manifest_app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="studygen")


if __name__ == "__main__":  # pragma: no cover
    main()
