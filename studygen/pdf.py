"""Everything that touches WeasyPrint: layout, PDF bytes, the confined URL fetcher, and
the reading of what WeasyPrint logs into problems at a source's lines.

WeasyPrint is imported inside the functions that lay out, so ``studygen --help`` starts
fast and a build that lays nothing out never imports it. One :class:`Engine` serves a
whole build: one font configuration (so ``@font-face`` rules of a project's or a theme's
stylesheets are honoured) and each stylesheet parsed once.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from studygen import collector, confine, stack
from studygen.errors import BuildError, ContentError, Problem
from studygen.images import raster_problem
from studygen.limits import svg_problem
from studygen.model import image_blocks
from studygen.sources.fonts import coverage_known

if TYPE_CHECKING:
    from studygen.sources.loader import Source

_ALLOWED_DATA_TYPES = ("image/", "font/", "text/css", "application/font", "application/x-font")


@dataclass
class Rendered:
    """A laid-out document, its WeasyPrint warnings, and its PDF bytes once asked for."""

    document: Any
    warnings: list[str]
    identifier: bytes
    variant: str | None = None
    fetcher: Any = None
    _pdf: bytes | None = None
    earlier_refusals: list[tuple[str, str]] = field(default_factory=list)
    formulas: bool = True  # whether the page holds formulas, to be tagged as such

    @property
    def refusals(self) -> list[tuple[str, str]]:
        """(URL, reason) of every resource the page asked for and was refused, once each."""
        found = self.fetcher.refusals if self.fetcher is not None else []
        return list(dict.fromkeys([*self.earlier_refusals, *found]))

    @property
    def pages(self) -> int:
        """Number of pages."""
        return len(self.document.pages)

    @property
    def pdf(self) -> bytes:
        """The PDF bytes (written on first use; what WeasyPrint logs then joins ``warnings``)."""
        if self._pdf is None:
            seen = len(self.fetcher.refusals) if self.fetcher is not None else 0
            with captured_warnings() as warnings:
                pdf = write(self.document, self.identifier, self.variant, self.formulas)
            # SVG images fetch what they name while being drawn, after layout.
            if self.fetcher is not None and len(self.fetcher.refusals) > seen:
                raise FetchRefused(list(dict.fromkeys(self.fetcher.refusals[seen:])))
            self.warnings.extend(warnings)
            self._pdf = pdf
        return self._pdf


# What WeasyPrint says about the machine rather than the content: a library that is missing
# makes builds slower, not wrong. Each is told once per run, never as a warning of a source.
_MACHINE_NOTICES = {
    "Using fontTools instead of HarfBuzz-Subset": (
        "HarfBuzz-Subset is not installed: fonts are subset with fontTools, which is slower "
        "(Debian and Ubuntu: apt install libharfbuzz-subset0)"
    ),
    "Please install HarfBuzz version 13+ with harfbuzz-vector": (
        "this HarfBuzz cannot draw colour emoji fonts (install HarfBuzz 13 or newer)"
    ),
}
_machine_notices: dict[str, None] = {}
_NOTDEF = ".notdef glyph rendered for Unicode string unsupported by fonts"


KNOWN_ENGINE = "70."  # the WeasyPrint release whose page boxes and PDF writer studygen reuses


def engine_known() -> bool:
    """Whether the installed WeasyPrint is the release whose internals studygen was checked
    against: flashcard faces put back into laid-out pages, and sheets written in batches.
    With another release those shortcuts are left out and every page is laid out again."""
    import weasyprint

    return str(weasyprint.__version__).startswith(KNOWN_ENGINE)


def machine_notices() -> list[str]:
    """What WeasyPrint said about this machine since the last call, once each."""
    found = list(_machine_notices)
    _machine_notices.clear()
    return found


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.missing: list[str] = []  # characters drawn as empty boxes

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(_NOTDEF):
            # one message per character: said once per source, with its line, before layout
            self.missing.extend(re.findall(r'"(.)"', message))
            return
        for start, notice in _MACHINE_NOTICES.items():
            if message.startswith(start):
                _machine_notices[notice] = None
                return
        self.messages.append(message)


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs (broken images, bad CSS) instead of letting it print."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous
    if handler.missing and not coverage_known():  # not found before layout: say it here
        shown = "".join(dict.fromkeys(handler.missing))
        handler.messages.append(f"no installed font can draw {shown}: they print as empty boxes")


MAX_DATA_URI = 2 * 1024 * 1024  # characters of one data: URI
MAX_RESOURCE_BYTES = 50 * 1024 * 1024  # one file an output uses: image, font, stylesheet


class FetchRefused(BuildError):
    """Content asked for files or URLs it may not use; every refusal is listed."""

    def __init__(self, refusals: list[tuple[str, str]]) -> None:
        self.refusals = refusals
        super().__init__("; ".join(f"{reason}: {url}" for url, reason in refusals))


def confined_fetcher(roots: Sequence[Path]) -> Any:
    """A URL fetcher that serves only regular files inside ``roots`` and small ``data:`` resources.

    Everything it refuses is remembered in ``.refusals``: WeasyPrint only logs failed
    fetches, so the caller checks the list (:attr:`Rendered.refusals`) and fails the build.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    resolved_roots = [root.resolve() for root in roots]

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        refusals: list[tuple[str, str]]
        served: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                return self._fetch(url, headers)
            except _Refused as refused:
                self.refusals.append((url[:200], str(refused)))
                raise ValueError(f"{refused}: {url[:200]}") from None  # WeasyPrint logs it

        def _fetch(self, url: str, headers: Any) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                if len(url) > MAX_DATA_URI:
                    raise _Refused(f"data URI over {MAX_DATA_URI // 1024 // 1024} MB refused")
                media = url[5:].split(",", 1)[0].split(";", 1)[0].lower()
                if not media.startswith(_ALLOWED_DATA_TYPES):
                    raise _Refused(f"data URI of type {media or 'text/plain'} refused")
                return super().fetch(url, headers)
            if scheme != "file":
                raise _Refused(
                    "refused to fetch a network address: studygen never uses the network"
                )
            if parts.netloc not in ("",):
                raise _Refused("refused a file URL naming a host")
            target = confine.resolve(Path(unquote(parts.path)))
            if target is None:
                raise _Refused("refused a symbolic link loop")
            if not any(target.is_relative_to(root) for root in resolved_roots):
                raise _Refused("refused a file outside the project")
            data = _read_regular_file(target)
            self.served.append(str(target))
            return URLFetcherResponse(target.as_uri(), data)

    fetcher = ConfinedFetcher(timeout=5, allowed_protocols=("file", "data"))
    fetcher.refusals = []
    fetcher.served = []  # the files it served, for the build's manifest
    return fetcher


class _Refused(ContentError):
    """A resource the fetcher will not serve; WeasyPrint only logs it, the list fails the build."""


def _read_regular_file(target: Path) -> bytes:
    """The bytes of a regular file, refusing devices, pipes, symlinks and huge files."""
    try:
        fd = os.open(
            target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError as exc:
        raise _Refused(f"cannot read the file ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Refused("refused a file that is not a regular file")
        if info.st_size > MAX_RESOURCE_BYTES:
            raise _Refused(f"refused a file over {MAX_RESOURCE_BYTES // 1024 // 1024} MB")
        data = handle.read(MAX_RESOURCE_BYTES + 1)
    if len(data) > MAX_RESOURCE_BYTES:
        raise _Refused(f"refused a file over {MAX_RESOURCE_BYTES // 1024 // 1024} MB")
    if confine.hard_linked(info) and not target.is_relative_to(_builtin()):
        raise _Refused(f"refused a file that {confine.HARD_LINK}")
    problem = raster_problem(target.name, data) or svg_problem(target.name, data)
    if problem:
        raise _Refused(problem)
    return data


def _builtin() -> Path:
    from studygen.templating import builtin_templates_dir

    return builtin_templates_dir().resolve()


class Engine:
    """What every layout of one build shares: fonts, and stylesheets parsed once each."""

    def __init__(self) -> None:
        self._font_config: Any = None
        self._sheets: dict[tuple[Path, tuple[Path, ...]], Sheet] = {}

    @property
    def font_config(self) -> Any:
        """WeasyPrint's font configuration, made on first use."""
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return self._font_config

    def stylesheet(self, path: Path, roots: Sequence[Path] = ()) -> Sheet:
        """A stylesheet parsed once per build; its fonts join the build's font configuration.

        Its ``@font-face`` files may come from its own folder and from ``roots``.
        """
        key = (path, tuple(roots))
        if key not in self._sheets:
            self._sheets[key] = _parsed(path, tuple(roots), self.font_config)
        return self._sheets[key]


@dataclass
class Sheet:
    """A parsed stylesheet, what WeasyPrint said while parsing it, and what it was refused."""

    css: Any
    warnings: list[str]
    refusals: list[tuple[str, str]]


# Stylesheets kept from one build to the next in a process (``watch``, a preview): by file,
# with the bytes they were parsed from. Only a sheet whose parsing fetched nothing and gave
# the font configuration no @font-face: the parsed rules then depend on its bytes alone.
_kept: dict[tuple[Path, tuple[Path, ...]], tuple[bytes, Sheet]] = {}
MAX_KEPT_SHEETS = 32


def _parsed(path: Path, roots: tuple[Path, ...], font_config: Any) -> Sheet:
    """``path`` parsed, or the sheet parsed earlier in this process from the same bytes."""
    import weasyprint

    data = _bytes(path) if engine_known() else None  # the release checked to share them
    key = (path, roots)
    kept = _kept.get(key)
    if data is not None and kept is not None and kept[0] == data:
        return kept[1]
    fetcher = confined_fetcher([path.parent, *roots])
    fonts = _FontFaces(font_config) if data is not None else None
    with captured_warnings() as warnings:
        css = weasyprint.CSS(
            filename=str(path), url_fetcher=fetcher, font_config=fonts or font_config
        )
    sheet = Sheet(css, list(warnings), list(fetcher.refusals))
    if (
        data is not None
        and fonts is not None
        and not (fonts.faces or fetcher.served or fetcher.refusals)
        and _bytes(path) == data  # not rewritten while it was parsed
    ):
        if key not in _kept and len(_kept) >= MAX_KEPT_SHEETS:
            _kept.pop(next(iter(_kept)))
        _kept[key] = (data, sheet)
    return sheet


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # WeasyPrint reports it


def forget_stylesheets() -> None:
    """Parse every stylesheet again from now on (tests, benchmarks)."""
    _kept.clear()


class _FontFaces:
    """A font configuration that counts the @font-face rules a stylesheet gives it."""

    def __init__(self, font_config: Any) -> None:
        self.font_config = font_config
        self.faces = 0

    def add_font_face(self, *args: Any, **kwargs: Any) -> Any:
        self.faces += 1
        return self.font_config.add_font_face(*args, **kwargs)


@stack.roomy
def layout(
    html: str,
    base_url: Path,
    stylesheets: Sequence[Path],
    roots: Sequence[Path],
    engine: Engine | None = None,
) -> tuple[Any, list[str], Any, list[tuple[str, str]]]:
    """Lay out ``html``; WeasyPrint's document, its warnings, the URL fetcher, CSS refusals."""
    import weasyprint

    from studygen import svg_paths

    svg_paths.install()  # formulas' outlines drawn without re-reading every point
    engine = engine or Engine()
    fetcher = confined_fetcher([*roots, *(s.parent for s in stylesheets)])
    sheets = [engine.stylesheet(s, roots) for s in stylesheets]
    with captured_warnings() as warnings, collector.tuned():
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=[sheet.css for sheet in sheets], font_config=engine.font_config)
        except RecursionError:
            raise BuildError("content is nested too deeply to lay out") from None
    parsing = [warning for sheet in sheets for warning in sheet.warnings]
    refused = [refusal for sheet in sheets for refusal in sheet.refusals]
    refused += confine.relative_links(document, base_url, list(roots))
    return document, parsing + list(warnings), fetcher, refused


@stack.roomy
def write(
    document: Any, identifier: bytes, variant: str | None = None, formulas: bool = True
) -> bytes:
    """The PDF bytes of a laid-out document: tagged, with a stable file identifier.

    ``variant`` is a PDF standard WeasyPrint knows (``pdf/ua-1``, ``pdf/a-3b``). Formulas
    are tagged as Formula elements, with their TeX as alternate text (``formulas=False``:
    the page has none, and its boxes are not searched for them).
    """
    from studygen import pdf_tags, pdf_writing
    from studygen.formula_pdf import tag_formulas

    pdf_writing.install()  # pydyf's costs that grow with the document, without changing a byte
    pdf_tags.install()  # structure elements written in fewer steps, the same bytes
    with collector.tuned():
        pdf = document.write_pdf(
            pdf_identifier=identifier,
            pdf_tags=True,
            pdf_variant=variant,
            finisher=tag_formulas if formulas else None,
        )
    assert isinstance(pdf, bytes)
    return without_attachments(pdf)


def without_attachments(pdf: bytes) -> bytes:
    """``pdf``, unless it carries embedded files: content never gets to embed any (a
    ``<link rel="attachment">`` would embed whole files)."""
    if b"/EmbeddedFile" in pdf or b"/FileAttachment" in pdf:
        raise BuildError("the output would carry embedded files — refused")
    return pdf


def render_pdf(
    html: str,
    base_url: Path,
    stylesheets: Sequence[Path],
    roots: Sequence[Path],
    identifier: bytes,
    variant: str | None = None,
    engine: Engine | None = None,
) -> Rendered:
    """Lay out HTML; the PDF is written when ``.pdf`` is first read."""
    document, warnings, fetcher, refused = layout(html, base_url, stylesheets, roots, engine)
    return Rendered(
        document, warnings, identifier, variant, fetcher, earlier_refusals=refused,
        formulas="data-formula" in html,
    )  # fmt: skip


def spliced(first: Rendered, second: Rendered, document: Any) -> Rendered:
    """``document``, made of pages of two layouts, with what both said and were refused."""
    return Rendered(
        document, [*first.warnings, *second.warnings], first.identifier, first.variant,
        _Fetchers(first.fetcher, second.fetcher),
        earlier_refusals=[*first.earlier_refusals, *second.earlier_refusals],
        formulas=first.formulas or second.formulas,
    )  # fmt: skip


class _Fetchers:
    """The refusals and files served of two layouts' URL fetchers, as one."""

    def __init__(self, *fetchers: Any) -> None:
        self.fetchers = [fetcher for fetcher in fetchers if fetcher is not None]

    @property
    def refusals(self) -> list[tuple[str, str]]:
        return [refusal for fetcher in self.fetchers for refusal in fetcher.refusals]

    @property
    def served(self) -> list[str]:
        return [path for fetcher in self.fetchers for path in fetcher.served]


def marked_boxes(document: Any, attribute: str) -> Iterator[tuple[int, str, Any]]:
    """(page index, value, box) for each box an element marked ``attribute`` made itself.

    Anonymous boxes that WeasyPrint wraps around an element's content share its element
    but not its tag, and are left out; absolutely placed boxes are included.
    """
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "element", None)
            if element is None or box.element_tag != element.tag:
                continue
            value = element.get(attribute)
            if value is not None:
                yield number, value, box


def overflow_ratios(document: Any, attribute: str = "data-fit") -> dict[str, float]:
    """For each box marked ``attribute``: the height its content needs over the height it has.

    The marked box has a fixed height; its content (a table that grows with its text)
    is measured against it.
    """
    ratios: dict[str, float] = {}
    for _, face, box in marked_boxes(document, attribute):
        if face in ratios or not getattr(box, "children", None):
            continue
        needed = sum(child.margin_height() for child in box.children)
        ratios[face] = needed / box.height if box.height else float("inf")
    return ratios


# --- What WeasyPrint says, turned into problems at the source's lines --------------------


def refusal_problems(source: Source, refusals: list[tuple[str, str]]) -> list[Problem]:
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


def image_problems(source: Source, rendered: Rendered) -> list[Problem]:
    """An image WeasyPrint could not decode is an error at the line of its ``src``."""
    where = {
        (source.root / block.src).resolve().as_uri(): (
            block.src,
            ("sections", s, "blocks", b, "src"),
        )
        for s, b, block in image_blocks(source.doc)
    }
    refused = {url for url, _ in rendered.refusals}  # reported at their line already
    problems = []
    for warning in dict.fromkeys(rendered.warnings):
        match = _FAILED_IMAGE.match(warning)
        if not match or match.group(1) in refused:
            continue
        url, reason = match.group(1), (match.group(2) or "").strip()
        src, loc = where.get(url, (url, ("sections",)))
        line, col = source.positions.value_of(loc)
        detail = f": {reason}" if reason else ": the file is not a valid image"
        problems.append(Problem(source.path, line, col, f'image "{src}" cannot be drawn{detail}'))
    return problems


def warning_problems(source: Source, output: str, messages: list[str]) -> list[Problem]:
    """WeasyPrint's own warnings (bad CSS, broken images) as warnings of the source, once each."""
    return [Problem(source.path, 0, 0, f"{output}: {m}") for m in dict.fromkeys(messages)]
