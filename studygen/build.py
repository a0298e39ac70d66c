"""The order of the stages: discover the sources, load each, make its outputs, write them.

This is the only module that knows that order. A source with errors is reported and
skipped; the other sources still build. A source's PDFs are all laid out, and their
bytes made, before any is written, so a failing source leaves nothing half-done behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from studygen import confine, formula_pdf, limits, manifest, outputs, pdf, workers
from studygen.config import BuildOptions
from studygen.errors import (
    Problem,
    Reporter,
    Silent,
    SourceError,
    StudygenError,
    UsageError,
    printable,
)
from studygen.i18n import unknown_language
from studygen.outputs.base import Job, Made, Skipped
from studygen.sources.loader import SOURCE_SUFFIXES, Source, load_source
from studygen.sources.options import ReadOptions
from studygen.templating import template_dirs
from studygen.write import check_stems, output_path, write_atomic


@dataclass
class Written:
    """One PDF written to disk."""

    path: Path
    pages: int


@dataclass
class Report:
    """What happened to every source; ``cli.py`` prints it."""

    written: list[Written] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed_sources: list[Path] = field(default_factory=list)
    built_sources: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about sources, that never fail them
    notices: list[str] = field(default_factory=list)  # about the machine, once per run
    current_sources: list[Path] = field(default_factory=list)  # nothing changed: not laid out
    up_to_date: list[Path] = field(default_factory=list)  # their PDFs
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every source built."""
        return not self.failed_sources


def discover(sources: list[Path], options: BuildOptions) -> list[Path]:
    """The sources named (a folder stands for the sources in it), or every source file in
    the project's ``source/`` folder."""
    if not sources:
        folder = options.source_dir
        escape = confine.escaping_link(folder, confine.project_root(options.config_file))
        if escape:
            raise UsageError(escape)
        if not folder.is_dir():
            raise UsageError(f"no sources given and no {folder}/ folder here — name a source file")
        return _sources_in(folder)
    found: list[Path] = []
    for path in sources:
        found += _sources_in(path) if path.is_dir() else [path]
    return found


def _sources_in(folder: Path) -> list[Path]:
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES)
    if not found:
        raise UsageError(f"no source files ({', '.join(SOURCE_SUFFIXES)}) in {folder}/")
    return found


@dataclass
class Prepared:
    """The outputs of one source, laid out and with their PDF bytes, ready to write."""

    made: dict[str, tuple[Made, bytes]]
    warnings: list[Problem]
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # outputs left out, and why
    used: list[str] = field(default_factory=list)  # files read with the source (decks)


def build(sources: list[Path], options: BuildOptions, reporter: Reporter | None = None) -> Report:
    """Build every output of every source; never raises for a problem in one source."""
    return _run(sources, options, reporter or Silent(), write=True)


def check(sources: list[Path], options: BuildOptions) -> Report:
    """Every check of ``build``, warnings counted as problems, without writing a file."""
    return _run(sources, options, Silent(), write=False)


def _run(sources: list[Path], options: BuildOptions, reporter: Reporter, write: bool) -> Report:
    started = time.perf_counter()
    report = Report()
    check_stems(sources)
    template_dirs(options.templates)  # a missing or unsafe templates folder stops the build
    project = confine.project_root(options.config_file)
    escape = confine.escaping_link(options.out, project) if write else None
    if escape:
        raise UsageError(escape)
    # A project may raise max_pages, never past what this machine's memory holds.
    cap = limits.machine_pages()
    if options.max_pages > cap:
        reporter.note(
            f"max_pages {options.max_pages} lowered to {cap}: what half of the memory available "
            f"holds, at {limits.PAGE_MEMORY // 2**20} MB a page"
        )
        options = options.model_copy(update={"max_pages": cap})
    context = manifest.Context.of(options)
    if options.shard is not None:
        mine = manifest.share([context.key(p) for p in sources], *options.shard)
        sources = [path for path in sources if context.key(path) in mine]
    known = manifest.Manifest.read(options.out)
    stale = []
    for path in sources:
        files = None if options.force else known.current(context, path, options.only)
        if files is None:
            stale.append(path)
            continue
        report.current_sources.append(path)
        report.up_to_date += [options.out / name for name in files]
        _replay(known.sources.get(context.key(path), {}), path, report, reporter, write)
    outcomes = workers.run(stale, options, write, attempt, pdf.Engine(), reporter)
    notices: dict[str, None] = {}
    changed = False
    try:
        for outcome in outcomes:
            if outcome.fatal is not None:
                raise outcome.fatal
            _apply(outcome, options, report, reporter, write)
            notices.update(dict.fromkeys(outcome.notices))
            if write and not outcome.problems:
                known.forget(context.key(outcome.path), options.only)
                known.record(context, outcome.path, outcome)
                changed = True
    finally:
        if changed or (write and options.shard and not sources):  # an empty share too
            # what was written so far, even when the command stops
            known.write(options.out)
    report.notices = list(dict.fromkeys([*notices, *pdf.machine_notices()]))
    report.seconds = time.perf_counter() - started
    return report


def _replay(
    record: dict[str, list[str]], path: Path, report: Report, reporter: Reporter, write: bool
) -> None:
    """An up-to-date source says again what its build said; ``check`` fails on its warnings."""
    for note in record.get("notes", []):
        report.notes.append(note)
        reporter.source_note(note)
    for warning in record.get("warnings", []):
        (report.warnings if write else report.problems).append(warning)
        (reporter.warning if write else reporter.problem)(warning)
    if not write and record.get("warnings"):
        report.current_sources.remove(path)
        report.failed_sources.append(path)


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


def _apply(
    outcome: workers.Outcome, options: BuildOptions, report: Report, reporter: Reporter, write: bool
) -> None:
    """Report a source's outcome and write its PDFs, in the order of the sources."""
    path = outcome.path
    for method, text in outcome.said:
        getattr(reporter, method)(text)
    for note in outcome.notes:
        report.notes.append(note)
        reporter.source_note(note)
    if not outcome.problems:
        for warning in outcome.warnings:
            report.warnings.append(warning)
            reporter.warning(warning)
        try:
            for product in outcome.products if write else ():
                target = options.out / product.file
                write_atomic(target, product.data, options.out)
                report.written.append(Written(target, product.pages))
                reporter.wrote(target, product.pages)
                for note in product.notes:
                    reporter.note(note)
        except UsageError:
            raise
        except StudygenError as exc:
            outcome.problems = [str(exc)]
    if outcome.problems:
        report.failed_sources.append(path)
        for problem in outcome.problems:
            report.problems.append(problem)
            reporter.problem(problem)
    else:
        report.built_sources.append(path)


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
