"""The orchestrator: sources → models → HTML → PDFs, one source at a time.

This is the only module that knows the order of the stages. A source with errors is
reported and skipped; the other sources still build. A source's PDFs are all laid
out before any is written, so a failing source leaves nothing half-done behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from studygen import pdf, render, summary
from studygen.cards import PAPERS
from studygen.config import BuildOptions
from studygen.errors import Problem, SourceError, StudygenError
from studygen.flashcards import make_flashcards
from studygen.i18n import unknown_language
from studygen.model import image_blocks
from studygen.sources.loader import SOURCE_SUFFIXES, Source, load_source
from studygen.sources.options import ReadOptions

log = logging.getLogger(__name__)


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
    notes: list[str] = field(default_factory=list)
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
        raise StudygenError(f"no source files ({', '.join(SOURCE_SUFFIXES)}) in {folder}/")
    return found


def build(sources: list[Path], options: BuildOptions, notify: Notify | None = None) -> Report:
    """Build every output of every source; never raises for a problem in one source."""
    started = time.perf_counter()
    report = Report()
    say = notify or (lambda kind, message: None)
    _check_stems(sources)
    for path in sources:
        try:
            made, warnings = _prepare(path, options, say)
            if options.strict and warnings:
                raise SourceError(warnings)
            for warning in warnings:
                report.warnings.append(str(warning))
                say("warning", str(warning))
            for name, output in made.items():
                target = output_path(options.out, path, name)
                write_atomic(target, output.pdf, options.out)
                pages = output.rendered.pages
                report.written.append(Written(target, pages))
                say("wrote", f"{target} ({pages} page{'s' if pages != 1 else ''})")
                for note in output.notes:
                    say("note", note)
            report.built_sources.append(path)
        except StudygenError as exc:
            _fail(report, path, exc, say)
    report.seconds = time.perf_counter() - started
    return report


def check(sources: list[Path], options: BuildOptions) -> Report:
    """Every check of ``build``, warnings counted as problems, without writing a file."""
    started = time.perf_counter()
    report = Report()
    for path in sources:
        try:
            _, warnings = _prepare(path, options, _keep_notes(report))
            if warnings:
                raise SourceError(warnings)
            report.built_sources.append(path)
        except StudygenError as exc:
            _fail(report, path, exc, lambda kind, message: None)
    report.seconds = time.perf_counter() - started
    return report


def read_options(options: BuildOptions) -> ReadOptions:
    """What the source readers need of the build options."""
    return ReadOptions(
        options.separator, options.card_separator, options.front, options.back,
        options.header, options.media, options.lang,
    )  # fmt: skip


def _keep_notes(report: Report) -> Notify:
    """Notes about sources (what their authors cannot change), kept for ``check`` to print."""

    def keep(kind: str, message: str) -> None:
        if kind == "source-note":
            report.notes.append(message)

    return keep


def _prepare(
    path: Path, options: BuildOptions, say: Notify
) -> tuple[dict[str, Output], list[Problem]]:
    """Read one source and make the PDF bytes of its outputs, in memory; and its warnings.

    Everything that can go wrong goes wrong here, before anything is written.
    """
    source = load_source(path, options.max_source_bytes, read_options(options))
    for note in source.notes:
        say("source-note", str(note))
    for detail in source.details if options.verbose else ():
        say("note", f"{path}: {detail}")
    made: dict[str, Output] = {}
    for name in options.only:
        try:
            output = _make(name, source, options)
        except _Skip as skip:
            say("note", f"{path}: {skip}")
            continue
        if output is None:
            say("note", f"{path}: no {name.replace('-', ' ')} in this source, skipped")
        else:
            made[name] = output
    for name, output in made.items():
        _write_pdf(source, name, output)
    warnings = _source_warnings(source)
    warnings += [w for output in made.values() for w in output.warnings]
    return made, warnings


def _fail(report: Report, path: Path, exc: StudygenError, say: Notify) -> None:
    report.failed_sources.append(path)
    messages = [str(p) for p in exc.problems] if isinstance(exc, SourceError) else [str(exc)]
    for message in messages:
        report.problems.append(message)
        say("problem", message)


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


class _Skip(Exception):
    """An optional output left out, with the reason (a note, not an error)."""


@dataclass
class Output:
    """One laid-out output, its warnings and notes; PDF bytes are made only when written."""

    rendered: pdf.Rendered
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pdf: bytes = b""


def _write_pdf(source: Source, name: str, output: Output) -> None:
    """Make the PDF bytes now, so that what WeasyPrint says while writing counts as a warning."""
    seen = len(output.rendered.warnings)
    try:
        output.pdf = output.rendered.pdf
    except pdf.FetchRefused as exc:
        raise SourceError(_refusal_problems(source, exc.refusals)) from None
    output.warnings += _weasyprint_warnings(source, name, output.rendered.warnings[seen:])


def _source_warnings(source: Source) -> list[Problem]:
    """Warnings about the source as a whole: a language without labels, dropped deck media."""
    warnings = list(source.warnings)
    message = unknown_language(source.doc.lang)
    if message is not None and ("lang",) in source.positions.values:
        line, col = source.positions.value_of(("lang",))
        warnings.append(Problem(source.path, line, col, message))
    return warnings


def _make(name: str, source: Source, options: BuildOptions) -> Output | None:
    """Lay out one output of one source."""
    if name == "flashcards" and not source.doc.flashcards:
        return None
    if name == "key-points" and not source.doc.key_points:
        return None
    if name == "handout" and not source.doc.sections:
        return None
    if name == "handout":
        _check_length(source, options.max_pages)
        rendered = _renderer(name, source, options)(
            render.handout_context(source.doc, options.paper, options.toc)
        )
        problems = _image_problems(source, rendered) + _refusal_problems(source, rendered.refusals)
        if problems:
            raise SourceError(problems)
        _check_pages(source, name, rendered, options.max_pages)
        return Output(rendered, _css_warnings(source, name, rendered))
    if name == "flashcards":
        sheets = make_flashcards(source, options, _renderer(name, source, options))
        _check_refusals(source, sheets.rendered)
        warnings = [*sheets.warnings]
        warnings += _css_warnings(source, name, sheets.rendered)
        notes = sheets.notes if options.verbose else sheets.notes[1:]
        return Output(sheets.rendered, warnings, notes)
    if source.kind == "deck":
        # A deck's terms make a key-points sheet when they fit on a page; a big deck is
        # still a good deck, so that sheet is then left out rather than failing the build.
        try:
            return _make_key_points(source, options)
        except SourceError as exc:
            raise _Skip(f"key points left out: {exc.problems[0].message}") from None
    return _make_key_points(source, options)


def _renderer(name: str, source: Source, options: BuildOptions) -> Callable[..., pdf.Rendered]:
    css = render.stylesheets(name, options.templates)
    # Files a page may use: the source's folder, and a project's whole templates folder
    # (a theme's fonts and pictures sit beside its stylesheets).
    roots = [source.root, *([options.templates.resolve()] if options.templates else [])]
    roots += [source.media] if source.media else []  # a deck's pictures (--media)
    identifier = hashlib.sha256(f"{source.path.name}:{name}".encode()).hexdigest()[:32].encode()

    def lay_out(context: dict[str, object]) -> pdf.Rendered:
        html = render.render_html(name, context, options.templates)
        return pdf.render_pdf(html, source.root, css, roots, identifier, options.pdf_variant)

    return lay_out


def _refusal_problems(source: Source, refusals: list[tuple[str, str]]) -> list[Problem]:
    """One problem per refused resource, at the first source line that names it."""
    try:
        lines = source.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    problems = []
    for url, reason in refusals:
        name = unquote(urlsplit(url).path).rsplit("/", 1)[-1] or url
        line = next((n for n, text in enumerate(lines, 1) if name and name in text), 0)
        shown = url if len(url) <= 80 else url[:77] + "…"
        problems.append(Problem(source.path, line, 0, f"{reason}: {shown}"))
    return problems


_FAILED_IMAGE = re.compile(r"Failed to load image at '([^']*)'(?::\s*(.*))?", re.DOTALL)


CHARACTERS_PER_PAGE = 3000  # a full A4 page of the handout holds about 3,500


def _check_length(source: Source, max_pages: int) -> None:
    """Refuse, before any layout, a handout far longer than the page limit allows."""
    characters = len(source.doc.model_dump_json())
    if characters > max_pages * CHARACTERS_PER_PAGE:
        raise SourceError.single(
            source.path, 1, 1,
            f"this source would make a handout of about {characters // CHARACTERS_PER_PAGE} "
            f"pages, over the limit of {max_pages} (max_pages in studygen.toml)",
        )  # fmt: skip


def _check_pages(source: Source, name: str, rendered: pdf.Rendered, max_pages: int) -> None:
    if rendered.pages > max_pages:
        raise SourceError.single(
            source.path, 0, 0,
            f"the {name} has {rendered.pages} pages, over the limit of {max_pages} "
            "(max_pages in studygen.toml)",
        )  # fmt: skip


def _check_refusals(source: Source, rendered: pdf.Rendered) -> None:
    if rendered.refusals:
        raise SourceError(_refusal_problems(source, rendered.refusals))


def _image_problems(source: Source, rendered: pdf.Rendered) -> list[Problem]:
    """An image WeasyPrint could not decode is an error at the line of its ``src``."""
    where = {
        (source.root / block.src).resolve().as_uri(): (
            block.src,
            ("sections", s, "blocks", b, "src"),
        )
        for s, b, block in image_blocks(source.doc)
    }
    problems = []
    for warning in dict.fromkeys(rendered.warnings):
        match = _FAILED_IMAGE.match(warning)
        if not match:
            continue
        url, reason = match.group(1), (match.group(2) or "").strip()
        src, loc = where.get(url, (url, ("sections",)))
        line, col = source.positions.value_of(loc)
        detail = f": {reason}" if reason else ": the file is not a valid image"
        problems.append(Problem(source.path, line, col, f'image "{src}" cannot be drawn{detail}'))
    return problems


def _css_warnings(source: Source, name: str, rendered: pdf.Rendered) -> list[Problem]:
    """WeasyPrint's own warnings while laying out (bad CSS, broken images), once each."""
    return _weasyprint_warnings(source, name, rendered.warnings)


def _weasyprint_warnings(source: Source, name: str, messages: list[str]) -> list[Problem]:
    return [Problem(source.path, 0, 0, f"{name}: {m}") for m in dict.fromkeys(messages)]


def _make_key_points(source: Source, options: BuildOptions) -> Output:
    """The one-page summary at the largest type that fits, or a clear error."""
    lay_out = _renderer("key-points", source, options)
    paper = PAPERS[options.paper]
    page = summary.Page(paper.width, paper.height)

    def context(
        items: list[summary.Item], layout: summary.Layout, height: float, widths: object
    ) -> dict[str, Any]:
        values = summary.context_values(layout, items)
        shared = render.key_points_context(source.doc)
        page_size = {"width": page.width, "height": height}
        return {**shared, **values, "page": page_size, "measure_widths": widths}

    def measure(items: list[summary.Item], size: float) -> tuple[dict[int, float], float]:
        layout = summary.Layout(size, 1)
        widths = summary.measure_widths(page)
        rendered = lay_out(context(items, layout, summary.MEASURE_PAGE_MM, widths))
        heights = summary.box_heights(rendered.document)
        return {c: heights[f"body-{c}"] for c in widths}, heights["header"]

    def verify(items: list[summary.Item], layout: summary.Layout) -> pdf.Rendered | None:
        rendered = lay_out(context(items, layout, page.height, None))
        return rendered if rendered.pages == 1 else None

    items = summary.gather(source.doc, options.summary_include)
    try:
        fit = summary.fit_summary(items, page, options.summary_min_size, measure, verify)
    except summary.DoesNotFit as exc:
        raise SourceError.single(source.path, source.line_of("key_points"), 0, str(exc)) from None
    notes = []
    if fit.dropped:
        left_out = ", ".join(f"{count} {group}" for group, count in fit.dropped.items())
        notes.append(f"key points: {left_out} left out for lack of room")
    if options.verbose:
        notes.append(
            f"key points: {len(fit.items)} items at {fit.layout.size:g} pt in "
            f"{fit.layout.columns} column{'s' if fit.layout.columns > 1 else ''}, "
            f"found in {fit.passes} layout passes"
        )
    _check_refusals(source, fit.rendered)
    return Output(fit.rendered, _css_warnings(source, "key-points", fit.rendered), notes)


def write_atomic(target: Path, data: bytes, out: Path | None = None) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place.

    Nothing below ``out`` may be a symbolic link: a link planted in the output folder
    would send the PDF (or the folder it goes in) somewhere else.
    """
    below = target.relative_to(out).parts if out is not None else (target.name,)
    base = out if out is not None else target.parent
    for depth in range(1, len(below) + 1):
        step = base.joinpath(*below[:depth])
        if step.is_symlink():
            raise StudygenError(f"{step} is a symbolic link — studygen will not write through it")
    target.parent.mkdir(parents=True, exist_ok=True)
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
