"""The order of the stages: discover the sources, load each, make its outputs, write them.

This is the only module that knows that order. A source with errors is reported and
skipped; the other sources still build. A source's PDFs are all laid out, and their
bytes made, before any is written, so a failing source leaves nothing half-done behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from studygen import confine, limits, manifest, pdf, workers
from studygen.config import BuildOptions
from studygen.errors import (
    Reporter,
    Silent,
    StudygenError,
    UsageError,
)
from studygen.making import attempt
from studygen.sources.loader import SOURCE_SUFFIXES
from studygen.templating import template_dirs
from studygen.write import check_stems, write_atomic


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
