"""The order of the stages: discover the sources, load each, make its outputs, write them.

This is the only module that knows that order. A source with errors is reported and
skipped; the other sources still build. A source's PDFs are all laid out, and their
bytes made, before any is written, so a failing source leaves nothing half-done behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from studygen import confine, formula_pdf, limits, outputs, pdf
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
    engine = pdf.Engine()
    for path in sources:
        try:
            escape = confine.escaping_link(path, project)
            if escape:
                raise SourceError.single(path, 0, 0, confine.through(path, escape))
            with limits.deadline(options.timeout):
                prepared = prepare(path, options, engine, reporter)
            for note in prepared.notes:
                report.notes.append(note)
                reporter.source_note(note)
            if prepared.warnings and (options.strict or not write):
                raise SourceError(prepared.warnings)
            for warning in prepared.warnings:
                report.warnings.append(str(warning))
                reporter.warning(str(warning))
            if write:
                _write(path, prepared, options, report, reporter)
            report.built_sources.append(path)
        except UsageError:
            raise  # the command itself is wrong: no other source would build either
        except (limits.TimedOut, MemoryError) as exc:
            report.failed_sources.append(path)
            message = (
                f"{path}: did not finish in {options.timeout:g} s (timeout in studygen.toml, "
                "or --timeout)"
                if isinstance(exc, limits.TimedOut)
                else f"{path}: ran out of memory"
            )
            report.problems.append(printable(message))
            reporter.problem(printable(message))
        except StudygenError as exc:
            report.failed_sources.append(path)
            problems = exc.problems if isinstance(exc, SourceError) else [exc]
            for problem in problems:
                report.problems.append(str(problem))
                reporter.problem(str(problem))
    report.notices = pdf.machine_notices()
    report.seconds = time.perf_counter() - started
    return report


def prepare(path: Path, options: BuildOptions, engine: pdf.Engine, reporter: Reporter) -> Prepared:
    """Read one source and make the PDF bytes of its outputs, in memory; and its warnings.

    Everything that can go wrong goes wrong here, before anything is written.
    """
    source = load_source(path, options.max_source_bytes, read_options(options))
    _check_words(source)
    for detail in source.details if options.verbose else ():
        reporter.note(f"{path}: {detail}")
    laid_out: dict[str, Made] = {}
    listed = options.outputs if source.doc.outputs is None else source.doc.outputs
    for name in outputs.selected(options.only, listed):
        output = outputs.get(name)
        if not output.wanted(source):
            reporter.note(f"{path}: no {name.replace('-', ' ')} in this source, skipped")
            continue
        reporter.progress(f"{path}: {name}")
        made = output.make(Job(name, source, options, engine))
        if isinstance(made, Skipped):
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
    return Prepared(finished, warnings, [str(note) for note in source.notes])


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


def _write(
    path: Path, prepared: Prepared, options: BuildOptions, report: Report, reporter: Reporter
) -> None:
    for name, (made, data) in prepared.made.items():
        target = output_path(options.out, path, outputs.get(name).file_name)
        write_atomic(target, data, options.out)
        pages = made.rendered.pages
        report.written.append(Written(target, pages))
        reporter.wrote(target, pages)
        for note in made.notes:
            reporter.note(note)


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
