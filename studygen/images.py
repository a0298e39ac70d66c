"""What an image file really is, before WeasyPrint is asked to decode it."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO

# Raster formats WeasyPrint decodes, by their first bytes; SVG is recognised by its root tag.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
MAX_IMAGE_PIXELS = 50_000_000


def raster_kind(head: bytes) -> str:
    """``PNG``, ``JPEG``, ``GIF`` or ``WebP`` from a file's first bytes, else ``""``."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP"
    return next((k for sig, k in _SIGNATURES.items() if head.startswith(sig)), "")


def image_format_problem(src: str, target: Path) -> str | None:
    """Why the file at ``target`` is not an image studygen can print, or None."""
    try:
        with target.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        return f'image "{src}" cannot be read: {exc.strerror}'
    kind = raster_kind(head)
    if not kind:
        text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
        if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
            return _svg_problem(src, target)
        return f'image "{src}" is not an SVG, PNG, JPEG, GIF or WebP file'
    return _decoding_problem(src, kind, target)


def _svg_problem(src: str, target: Path) -> str | None:
    from studygen.limits import svg_problem

    try:
        return svg_problem(src, target.read_bytes())
    except OSError as exc:
        return f'image "{src}" cannot be read: {exc.strerror}'


def raster_problem(src: str, data: bytes) -> str | None:
    """Why ``data``, if it is a raster image, cannot be printed (damaged, too large); else None."""
    kind = raster_kind(data)
    return _decoding_problem(src, kind, io.BytesIO(data)) if kind else None


def _decoding_problem(src: str, kind: str, file: Path | BinaryIO) -> str | None:
    """Pillow reads the header (size) and checks the file without decoding its pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
        with image:
            width, height = image.size
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        return f'image "{src}" is a damaged {kind} file ({exc})'
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f'image "{src}" is too large to print ({kind}, over {MAX_IMAGE_PIXELS} pixels)'
    if width * height > MAX_IMAGE_PIXELS:
        return (
            f'image "{src}" is too large to print: {width} × {height} pixels '
            f"(at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels)"
        )
    return None
