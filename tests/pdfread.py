"""Read PDFs the way a reader or a printer sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pypdf import PdfReader

PT_PER_MM = 72 / 25.4


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) of every page, in points."""
    reader = PdfReader(path)
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def page_texts(path: Path) -> list[str]:
    """The text of each page, whitespace folded (line breaks and hyphenation joined)."""
    with pdfplumber.open(path) as pdf:
        return [fold(page.extract_text() or "") for page in pdf.pages]


def fold(text: str) -> str:
    """Fold whitespace and rejoin words hyphenated at line ends, for comparing with sources."""
    text = re.sub(r"(\w)[-‐]\n(\w)", r"\1\2", text)
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Word:
    """A word and its box, in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def words(path: Path, page_number: int) -> list[Word]:
    """The words of one page (0-based) with their positions."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_number]
        return [
            Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
            for w in page.extract_words(keep_blank_chars=False)
        ]
