"""Card options as people type them: sizes (``63x88mm``), card numbers (``3,7-9``) and the
back offset (``1.5,-0.5``), read into millimetres and indexes, or a usage error."""

from __future__ import annotations

import re

from studygen.choices import MM_PER_INCH
from studygen.errors import ConfigError

_SIZE_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)\s*$", re.IGNORECASE
)


def parse_size(text: str) -> tuple[float, float]:
    """``63x88mm``, ``6.3x8.8cm`` or ``2.5x3.5in`` → (width, height) in millimetres."""
    match = _SIZE_RE.match(text)
    if not match:
        raise ConfigError(f'card size "{text}" — write it like 63x88mm or 2.5x3.5in')
    factor = {"mm": 1.0, "cm": 10.0, "in": MM_PER_INCH}[match[3].lower()]
    width, height = float(match[1]) * factor, float(match[2]) * factor
    if width <= 0 or height <= 0:
        raise ConfigError(f'card size "{text}" must be larger than zero')
    return width, height


def parse_selection(text: str, total: int) -> list[int]:
    """``3,7-9`` → 0-based indexes [2, 6, 7, 8]; numbers are the cards' 1-based numbers."""
    chosen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not match:
            raise ConfigError(f'--cards-only "{text}": write card numbers like 3,7-9')
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        if last < first:
            raise ConfigError(f'--cards-only "{part}": write a range low to high, like 7-9')
        if first < 1 or last > total:
            raise ConfigError(f'--cards-only "{part}": the deck has cards 1 to {total}')
        chosen.update(range(first - 1, last))
    return sorted(chosen)


def parse_offset(text: str) -> tuple[float, float]:
    """``1.5,-0.5`` → (1.5, -0.5) millimetres."""
    try:
        x_text, y_text = text.split(",")
        offset = (float(x_text), float(y_text))
    except ValueError:
        raise ConfigError(
            f'back offset "{text}": write it as X,Y in millimetres, like 1.5,-0.5'
        ) from None
    if any(abs(v) > 20 for v in offset):
        raise ConfigError(
            f'back offset "{text}" is over 20 mm — measure again with `studygen calibrate`'
        )
    return offset
