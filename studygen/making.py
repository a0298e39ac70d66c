"""One source made: read it, lay out each selected output, make the PDF bytes; all but writing.

Everything that can go wrong with a source goes wrong here, before anything is written;
``attempt`` turns it into plain data (``workers.Outcome``) that ``build.py`` reports and
writes in the order of the sources, whichever process made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studygen import confine, formula_pdf, limits, outputs, pdf, workers
from studygen.config import BuildOptions
from studygen.errors import Problem, Reporter, SourceError, StudygenError, UsageError, printable
from studygen.i18n import unknown_language
from studygen.outputs.base import Job, Made, Skipped
from studygen.sources.loader import Source, load_source
from studygen.sources.options import ReadOptions
from studygen.templating import template_dirs
from studygen.write import output_path


@dataclass
class Prepared:
    """The outputs of one source, laid out and with their PDF bytes, ready to write."""

    made: dict[str, tuple[Made, bytes]]
    warnings: list[Problem]
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # outputs left out, and why
    used: list[str] = field(default_factory=list)  # files read with the source (decks)


def attempt(
    path: Path, options: BuildOptions, engine: pdf.Engine, write: bool, live: Reporter | None
) -> workers.Outcome:
    """Everything but writing, for one source: its outcome, never an exception."""
    recorder = workers.Recorder(live)
    outcome = workers.Outcome(path)
    try:
        escape = confine.escaping_link(path, confine.project_root(options.config_file))
        if escape:
            raise SourceError.single(path, 0, 0, confine.through(path, escape))
        with limits.deadline(options.timeout):
            prepared = prepare(path, options, engine, recorder)
        outcome.notes = prepared.notes
        if prepared.warnings and (options.strict or not write):
            raise SourceError(prepared.warnings)
        outcome.warnings = [str(warning) for warning in prepared.warnings]
        for name, (made, data) in prepared.made.items():
            target = output_path(options.out, path, outputs.get(name).file_name)
            served = made.rendered.fetcher.served if made.rendered.fetcher else []
            outcome.products.append(workers.Product(
                name, target.relative_to(options.out).as_posix(), data, made.rendered.pages,
                list(made.notes), [p for p in served if not _template_file(p, options)],
            ))  # fmt: skip
        outcome.skipped, outcome.used = prepared.skipped, prepared.used
    except UsageError as exc:
        outcome.fatal = exc  # the command itself is wrong: no other source would build
    except (limits.TimedOut, MemoryError) as exc:
        message = (
            f"{path}: did not finish in {options.timeout:g} s (timeout in studygen.toml, "
            "or --timeout)"
            if isinstance(exc, limits.TimedOut)
            else f"{path}: ran out of memory"
        )
        outcome.problems.append(printable(message))
    except StudygenError as exc:
        problems = exc.problems if isinstance(exc, SourceError) else [exc]
        outcome.problems += [str(problem) for problem in problems]
    outcome.said = recorder.said
    outcome.notices = pdf.machine_notices()
    return outcome


def _template_file(path: str, options: BuildOptions) -> bool:
    """A file of the templates or the theme: the manifest hashes those folders whole."""
    return any(
        Path(path).is_relative_to(folder.resolve()) for folder in template_dirs(options.templates)
    )


def prepare(path: Path, options: BuildOptions, engine: pdf.Engine, reporter: Reporter) -> Prepared:
    """Read one source and make the PDF bytes of its outputs, in memory; and its warnings.

    Everything that can go wrong goes wrong here, before anything is written.
    """
    source = load_source(path, options.max_source_bytes, read_options(options))
    _check_words(source)
    for detail in source.details if options.verbose else ():
        reporter.note(f"{path}: {detail}")
    laid_out: dict[str, Made] = {}
    skipped: dict[str, str] = {}
    listed = options.outputs if source.doc.outputs is None else source.doc.outputs
    for name in outputs.selected(options.only, listed):
        output = outputs.get(name)
        if not output.wanted(source):
            skipped[name] = f"no {name.replace('-', ' ')} in this source"
            reporter.note(f"{path}: {skipped[name]}, skipped")
            continue
        reporter.progress(f"{path}: {name}")
        made = output.make(Job(name, source, options, engine))
        if isinstance(made, Skipped):
            skipped[name] = made.reason
            reporter.note(f"{path}: {made.reason}")
        else:
            laid_out[name] = made
    finished = {name: (made, _pdf_bytes(source, name, made)) for name, made in laid_out.items()}
    warnings = _source_warnings(source)
    warnings += [w for made in laid_out.values() for w in made.warnings]
    # Formulas: those that cannot be typeset, and those too wide for their column or card.
    warnings += formula_pdf.source_problems(source)
    for name, made in laid_out.items():
        if made.rendered.document is not None:  # else read while it was written in batches
            warnings += formula_pdf.layout_problems(source, name, made.rendered.document)
    used = sorted({str(origin) for origin, _ in source.origins.values()})
    return Prepared(finished, warnings, [str(n) for n in source.notes], skipped, used)


def read_options(options: BuildOptions) -> ReadOptions:
    """What the source readers need of the build options."""
    return ReadOptions(
        options.separator, options.card_separator, options.front, options.back,
        options.header, options.media, options.lang,
    )  # fmt: skip


def _pdf_bytes(source: Source, name: str, made: Made) -> bytes:
    """Make the PDF bytes now, so that what WeasyPrint says while writing counts as a warning."""
    seen = len(made.rendered.warnings)
    try:
        data = made.rendered.pdf
    except pdf.FetchRefused as exc:
        raise SourceError(pdf.refusal_problems(source, exc.refusals)) from None
    made.warnings += pdf.warning_problems(source, name, made.rendered.warnings[seen:])
    return data


def _check_words(source: Source) -> None:
    """Cards and key points read from any file (not only text files) face the word limit too."""
    doc = source.doc
    texts: list[tuple[tuple[str | int, ...], str]] = [
        (("flashcards", i, side), getattr(card, side))
        for i, card in enumerate(doc.flashcards)
        for side in ("front", "back")
    ]
    texts += [(("key_points", i), f"{p.term} {p.text}") for i, p in enumerate(doc.key_points)]
    problems = [
        Problem(*source.where(*loc), 0, f"a word of {length} characters with no space "
                f"(at most {limits.MAX_WORD}): break it up, or link to it")
        for loc, length in limits.long_words(texts)
    ]  # fmt: skip
    if problems:
        raise SourceError(problems)


def _source_warnings(source: Source) -> list[Problem]:
    """Warnings about the source as a whole: a language without labels, dropped deck media."""
    warnings = list(source.warnings)
    message = unknown_language(source.doc.lang)
    if message is not None and ("lang",) in source.positions.values:
        line, col = source.positions.value_of(("lang",))
        warnings.append(Problem(source.path, line, col, message))
    return warnings
