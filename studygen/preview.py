"""Pictures of pages: PNG files of a build's PDFs, beside them, for READMEs and reviews.

pypdfium2 (PDFium, the PDF engine of Chromium) draws the pages: the same pixels a
reader's browser would show, without a PDF viewer.
"""

from __future__ import annotations

import re
from pathlib import Path

from studygen.errors import ConfigError
from studygen.write import write_atomic

DEFAULT_DPI = 100
DPI_RANGE = (20, 600)


def parse_pages(text: str | None) -> tuple[int, int | None]:
    """``1-3`` → (1, 3), ``2`` → (2, 2), ``2-`` → (2, None): pages to draw, 1-based."""
    if text is None:
        return 1, None
    match = re.fullmatch(r"\s*(\d+)\s*(?:(-)\s*(\d*)\s*)?", text)
    if not match or int(match[1]) < 1:
        raise ConfigError(f'--pages "{text}": write a page or a range of pages, like 1-3')
    first = int(match[1])
    last = first if not match[2] else (int(match[3]) if match[3] else None)
    if last is not None and last < first:
        raise ConfigError(f'--pages "{text}": write a range low to high, like 1-3')
    return first, last


def check_dpi(dpi: int) -> int:
    """The resolution of the pictures, within what makes sense for a page."""
    low, high = DPI_RANGE
    if not low <= dpi <= high:
        raise ConfigError(f"--dpi {dpi}: use {low} to {high} dots per inch")
    return dpi


def pictures(pdf_path: Path, pages: tuple[int, int | None], dpi: int) -> list[Path]:
    """Write ``<name>-<page>.png`` beside ``pdf_path`` for each page asked that exists."""
    import pypdfium2 as pdfium

    first, last = pages
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        count = len(document)
        last = count if last is None else min(last, count)
        width = len(str(count))
        written = []
        for number in range(first, last + 1):
            image = document[number - 1].render(scale=dpi / 72).to_pil()
            target = pdf_path.with_name(f"{pdf_path.stem}-{number:0{width}d}.png")
            write_atomic(target, _png(image))
            written.append(target)
        return written
    finally:
        document.close()


def _png(image: object) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)  # type: ignore[attr-defined]
    return buffer.getvalue()
