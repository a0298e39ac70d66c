"""The vocabularies of the command line and of ``studygen.toml``, each written once.

The command line's choices, the configuration's checks and the card geometry all read
them from here; the names of the outputs come from the registry in ``outputs/``.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Paper:
    """A sheet of paper in millimetres, as it comes out of the printer."""

    name: str
    width: float
    height: float


# Paper a whole build can be printed on (--paper).
PAPERS = {
    "a4": Paper("A4", 210.0, 297.0),
    "letter": Paper("Letter", 8.5 * MM_PER_INCH, 11 * MM_PER_INCH),
}
# Pages that only a card layout uses: the page is the card.
CARD_PAPERS = {
    **PAPERS,
    "a6": Paper("A6 landscape", 148.0, 105.0),
    "index-5x3": Paper("5 × 3 in index card", 5 * MM_PER_INCH, 3 * MM_PER_INCH),
}
# CSS page sizes of the handout, whose pages WeasyPrint sizes by name.
CSS_PAGE_SIZES = {"a4": "A4", "letter": "letter"}

# How the backs of the cards are printed (see outputs/card_geometry.py).
DUPLEX_MODES = ("long-edge", "short-edge", "fold", "manual", "none")
# The duplex modes a calibration sheet measures: the others print no back behind a front.
CALIBRATION_DUPLEX = ("long-edge", "short-edge")
# Cut guides on the front pages of the cards.
CUT_MARKS = ("corners", "lines", "none")
# PDF standards WeasyPrint writes; every PDF is tagged either way.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
# What the key-points sheet may hold, in the order it prints them.
SUMMARY_PARTS = ("key-points", "definitions", "faq")
DEFAULT_SUMMARY_PARTS = ("key-points", "definitions")
# The smallest type the key-points sheet may use (--summary-min-size), and its range.
DEFAULT_SUMMARY_MIN_SIZE = 7.0
SUMMARY_SIZES = (6.0, 12.0)
# Names for the separators of deck files (Quizlet lets people choose any text).
SEPARATOR_NAMES = {
    "tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "newline": "\n", "\\n": "\n",
    "blank-line": "\n\n", "pipe": "|", "dash": "-",
}  # fmt: skip
