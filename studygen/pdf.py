"""WeasyPrint: HTML → PDF bytes, with resource fetching confined to the project.

WeasyPrint is imported inside the functions that render, so ``studygen --help`` and
``studygen check`` start fast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from studygen.errors import BuildError

log = logging.getLogger(__name__)

_ALLOWED_DATA_TYPES = ("image/", "font/", "text/css", "application/font", "application/x-font")


@dataclass
class Rendered:
    """A laid-out document, its WeasyPrint warnings, and its PDF bytes once asked for."""

    document: Any
    warnings: list[str]
    identifier: bytes
    variant: str | None = None
    _pdf: bytes | None = None

    @property
    def pages(self) -> int:
        """Number of pages."""
        return len(self.document.pages)

    @property
    def pdf(self) -> bytes:
        """The PDF bytes (written on first use; what WeasyPrint logs then joins ``warnings``)."""
        if self._pdf is None:
            with captured_warnings() as warnings:
                self._pdf = write(self.document, self.identifier, self.variant)
            self.warnings.extend(warnings)
        return self._pdf


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


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


def confined_fetcher(roots: Sequence[Path]) -> Any:
    """A URL fetcher that serves only files inside ``roots`` and small ``data:`` resources."""
    from weasyprint.urls import URLFetcher

    resolved_roots = [root.resolve() for root in roots]

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                media = url[5:].split(",", 1)[0].split(";", 1)[0].lower()
                if not media.startswith(_ALLOWED_DATA_TYPES):
                    raise ValueError(f"data URI of type {media or 'text/plain'} refused")
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"refused to fetch {url}: studygen never uses the network")
            parts = urlsplit(url)
            if parts.netloc not in ("",):
                raise ValueError(f"refused to fetch {url}: remote file URL")
            target = Path(unquote(parts.path)).resolve()
            if not any(target.is_relative_to(root) for root in resolved_roots):
                raise ValueError(f"refused to fetch {url}: outside the project")
            if not target.is_file():
                raise ValueError(f"{url}: not a regular file")
            return super().fetch(target.as_uri(), headers)

    return ConfinedFetcher(timeout=5, allowed_protocols=("file", "data"))


def layout(
    html: str, base_url: Path, stylesheets: Sequence[Path], roots: Sequence[Path]
) -> tuple[Any, list[str]]:
    """Lay out ``html`` and return WeasyPrint's document and its warnings."""
    import weasyprint

    fetcher = confined_fetcher([*roots, *(s.parent for s in stylesheets)])
    with captured_warnings() as warnings:
        try:
            css = [weasyprint.CSS(filename=str(s), url_fetcher=fetcher) for s in stylesheets]
            document = weasyprint.HTML(
                string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=css)
        except RecursionError:
            raise BuildError("content is nested too deeply to lay out") from None
    return document, list(warnings)


def write(document: Any, identifier: bytes, variant: str | None = None) -> bytes:
    """The PDF bytes of a laid-out document: tagged, with a stable file identifier.

    ``variant`` is a PDF standard WeasyPrint knows (``pdf/ua-1``, ``pdf/a-3b``).
    """
    pdf = document.write_pdf(pdf_identifier=identifier, pdf_tags=True, pdf_variant=variant)
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(
    html: str,
    base_url: Path,
    stylesheets: Sequence[Path],
    roots: Sequence[Path],
    identifier: bytes,
    variant: str | None = None,
) -> Rendered:
    """Lay out HTML; the PDF is written when ``.pdf`` is first read."""
    document, warnings = layout(html, base_url, stylesheets, roots)
    return Rendered(document, warnings, identifier, variant)


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
