"""The orchestrator: sources → models → HTML → PDFs, one source at a time.

This is the only module that knows the order of the stages. A source with errors is
reported and skipped; the other sources still build. A source's PDFs are all laid
out before any is written, so a failing source leaves nothing half-done behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studygen import pdf, render
from studygen.cards import DEFAULT_LAYOUT, PRESETS
from studygen.config import BuildOptions
from studygen.errors import BuildError, Problem, SourceError, StudygenError
from studygen.fit import largest_fitting
from studygen.load import SOURCE_SUFFIXES, Source, load_source

log = logging.getLogger(__name__)

KEY_POINT_SIZES = [12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0]


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
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every source built."""
        return not self.failed_sources


Notify = Callable[[str, str], None]


def discover(sources: list[Path], options: BuildOptions) -> list[Path]:
    """The sources named, or every source file in the project's ``source/`` folder."""
    if sources:
        return sources
    folder = options.source_dir
    if not folder.is_dir():
        raise StudygenError(f"no sources given and no {folder}/ folder here — name a source file")
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES)
    if not found:
        raise StudygenError(f"no source files (.yaml) in {folder}/")
    return found


def build(sources: list[Path], options: BuildOptions, notify: Notify | None = None) -> Report:
    """Build every output of every source; never raises for a problem in one source."""
    started = time.perf_counter()
    report = Report()
    say = notify or (lambda kind, message: None)
    _check_stems(sources)
    for path in sources:
        try:
            source = load_source(path, options.max_source_bytes)
            outputs = {name: _make(name, source, options, report) for name in options.only}
            if options.strict and report.warnings:
                raise BuildError(f"{path}: warnings are errors with --strict")
            for name, (data, pages) in outputs.items():
                target = output_path(options.out, path, name)
                write_atomic(target, data)
                report.written.append(Written(target, pages))
                say("wrote", f"{target} ({pages} page{'s' if pages != 1 else ''})")
            report.built_sources.append(path)
        except SourceError as exc:
            report.failed_sources.append(path)
            for problem in exc.problems:
                report.problems.append(str(problem))
                say("problem", str(problem))
        except StudygenError as exc:
            report.failed_sources.append(path)
            report.problems.append(str(exc))
            say("problem", str(exc))
    report.seconds = time.perf_counter() - started
    return report


def check(sources: list[Path], options: BuildOptions) -> Report:
    """Validate sources without laying anything out."""
    report = Report()
    for path in sources:
        try:
            load_source(path, options.max_source_bytes)
            report.built_sources.append(path)
        except SourceError as exc:
            report.failed_sources.append(path)
            report.problems.extend(str(p) for p in exc.problems)
    return report


def _check_stems(sources: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for path in sources:
        if path.stem in seen and seen[path.stem].resolve() != path.resolve():
            raise StudygenError(
                f"{path} and {seen[path.stem]} would both write to build/{path.stem}/ — rename one"
            )
        seen[path.stem] = path


def output_path(out: Path, source: Path, output: str) -> Path:
    """``<out>/<source stem>/<output>.pdf``: named after the file, never after its title."""
    stem = source.stem
    if not stem or stem.startswith(".") or os.sep in stem or (os.altsep and os.altsep in stem):
        raise StudygenError(f"{source}: cannot name an output folder after this file name")
    return out / stem / f"{output}.pdf"


def _make(name: str, source: Source, options: BuildOptions, report: Report) -> tuple[bytes, int]:
    """Lay out one output of one source; returns its PDF bytes and page count."""
    roots = [source.root]
    css = render.stylesheets(name, options.templates)
    identifier = hashlib.sha256(f"{source.path.name}:{name}".encode()).hexdigest()[:32].encode()

    def lay_out(context: dict[str, object]) -> pdf.Rendered:
        html = render.render_html(name, context, options.templates)
        rendered = pdf.render_pdf(html, source.root, css, roots, identifier)
        for warning in rendered.warnings:
            message = f"{source.path}: {name}: {warning}"
            if message not in report.warnings:
                report.warnings.append(message)
        return rendered

    if name == "handout":
        rendered = lay_out(render.handout_context(source.doc, options.paper))
    elif name == "flashcards":
        layout = PRESETS[DEFAULT_LAYOUT[options.paper]]
        rendered = lay_out(render.flashcards_context(source.doc, layout))
    else:
        fit = largest_fitting(
            KEY_POINT_SIZES,
            lambda size: _one_page(
                lay_out(render.key_points_context(source.doc, options.paper, size))
            ),
        )
        if not fit.fits:
            raise SourceError(
                [
                    Problem(
                        source.path,
                        source.line_of("key_points"),
                        0,
                        f"the key points do not fit on one page even at {fit.size:g} pt"
                        " — shorten them",
                    )
                ]
            )
        rendered = fit.result
    return rendered.pdf, rendered.pages


def _one_page(rendered: pdf.Rendered) -> tuple[pdf.Rendered, bool]:
    return rendered, rendered.pages == 1


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        raise StudygenError(f"{target} is a symbolic link — studygen will not write through it")
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp_name).replace(target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
