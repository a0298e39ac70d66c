"""What an image file really is, before WeasyPrint is asked to decode it."""

from __future__ import annotations

from pathlib import Path

# Raster formats WeasyPrint decodes, by their first bytes; SVG is recognised by its root tag.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
MAX_IMAGE_PIXELS = 50_000_000


def image_format_problem(src: str, target: Path) -> str | None:
    """Why the file at ``target`` is not an image studygen can print, or None."""
    try:
        with target.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        return f'image "{src}" cannot be read: {exc.strerror}'
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        kind = "WebP"
    else:
        kind = next((k for sig, k in _SIGNATURES.items() if head.startswith(sig)), "")
    if not kind:
        text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
        if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
            return None
        return f'image "{src}" is not an SVG, PNG, JPEG, GIF or WebP file'
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(target) as image:
            width, height = image.size
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        return f'image "{src}" is a damaged {kind} file ({exc})'
    except Image.DecompressionBombError:
        return f'image "{src}" is too large to print ({kind}, over {MAX_IMAGE_PIXELS} pixels)'
    if width * height > MAX_IMAGE_PIXELS:
        return (
            f'image "{src}" is too large to print: {width} × {height} pixels '
            f"(at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels)"
        )
    return None
