"""The bundled examples, built end to end and read back as a reader and a printer see them."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLES
from pdfread import PT_PER_MM, page_sizes, page_texts
from pypdf import PdfReader

from studygen.outputs.card_geometry import PRESETS
from studygen.sources.loader import load_source

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
FRENCH = EXAMPLES / "immunomodulation.yaml"
ENGLISH = EXAMPLES / "photosynthesis.yaml"


def squash(text: str) -> str:
    """Compare texts the way they print: no whitespace, no Markdown marks, straight quotes."""
    text = re.sub(r"^\s*[-*+]\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`#•\s\u00ad‐\u2011-]", "", text)
    for curly, straight in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"')):
        text = text.replace(curly, straight)
    return text.replace("...", "…")


@pytest.mark.parametrize("stem", ["immunomodulation", "photosynthesis"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_output_is_written_on_the_right_paper(
    stem: str, paper: str, built_a4: Path, built_letter: Path
) -> None:
    out = built_a4 if paper == "a4" else built_letter
    expected = A4 if paper == "a4" else LETTER
    for name in ("handout", "flashcards", "key-points"):
        sizes = page_sizes(out / stem / f"{name}.pdf")
        assert sizes, name
        for width, height in sizes:
            assert width == pytest.approx(expected[0], abs=0.5)
            assert height == pytest.approx(expected[1], abs=0.5)


@pytest.mark.parametrize("source", [FRENCH, ENGLISH], ids=["fr", "en"])
def test_handout_has_every_section_title_in_order(source: Path, built_a4: Path) -> None:
    doc = load_source(source).doc
    text = squash(" ".join(page_texts(built_a4 / source.stem / "handout.pdf")))
    position = 0
    for section in doc.sections:
        found = text.find(squash(section.title), position)
        assert found >= 0, f"section {section.title!r} missing or out of order"
        position = found + 1


def test_handout_has_page_numbers_and_metadata(built_a4: Path) -> None:
    path = built_a4 / "immunomodulation" / "handout.pdf"
    texts = page_texts(path)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {len(texts)}" in text
    reader = PdfReader(path)
    assert reader.metadata.title == "Immunomodulation"
    assert reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def _faces(path: Path, layout_name: str) -> dict[tuple[int, int, int], str]:
    """Text of every card cell: (page, row, column) → text, cropped to the cell."""
    layout = PRESETS[layout_name]
    cells = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for row in range(layout.rows):
                for column in range(layout.columns):
                    x, y = layout.cell(row, column)
                    box = (
                        x * PT_PER_MM,
                        y * PT_PER_MM,
                        (x + layout.card_width) * PT_PER_MM,
                        (y + layout.card_height) * PT_PER_MM,
                    )
                    cells[(number, row, column)] = page.within_bbox(box).extract_text() or ""
    return cells


@pytest.mark.parametrize(
    ("source", "paper", "layout_name"),
    [(FRENCH, "a4", "a4-2x4"), (ENGLISH, "a4", "a4-2x4"), (FRENCH, "letter", "letter-2x4")],
)
def test_each_answer_is_printed_behind_its_question(
    source: Path, paper: str, layout_name: str, built_a4: Path, built_letter: Path
) -> None:
    out = built_a4 if paper == "a4" else built_letter
    cards = load_source(source).doc.flashcards
    layout = PRESETS[layout_name]
    faces = _faces(out / source.stem / "flashcards.pdf", layout_name)
    pages = max(key[0] for key in faces) + 1
    assert pages == 2 * -(-len(cards) // layout.per_sheet)
    for index, card in enumerate(cards):
        sheet, slot = divmod(index, layout.per_sheet)
        row, column = divmod(slot, layout.columns)
        front = faces[(2 * sheet, row, column)]
        back = faces[(2 * sheet + 1, row, layout.columns - 1 - column)]  # long-edge flip
        assert squash(card.front) in squash(front), (index + 1, front)
        assert squash(card.back) in squash(back), (index + 1, back)
        number = f"{index + 1} / {len(cards)}"
        assert number in front and number in back


def test_the_french_example_has_24_cards(built_a4: Path) -> None:
    assert len(load_source(FRENCH).doc.flashcards) == 24
    text = " ".join(page_texts(built_a4 / "immunomodulation" / "flashcards.pdf"))
    assert "24 / 24" in text


@pytest.mark.parametrize("source", [FRENCH, ENGLISH], ids=["fr", "en"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_key_points_fit_exactly_one_page(
    source: Path, paper: str, built_a4: Path, built_letter: Path
) -> None:
    out = built_a4 if paper == "a4" else built_letter
    path = out / source.stem / "key-points.pdf"
    texts = page_texts(path)
    assert len(texts) == 1
    readings = [squash(t) for t in column_texts(path)]
    doc = load_source(source).doc
    for point in doc.key_points:
        assert any(squash(point.term) in r and squash(point.text) in r for r in readings), (
            point.term
        )


def column_texts(path: Path) -> list[str]:
    """The page read as 1, 2 and 3 columns, each column top to bottom."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        readings = []
        for columns in (1, 2, 3):
            width = page.width / columns
            parts = [
                page.crop((k * width, 0, (k + 1) * width, page.height)).extract_text() or ""
                for k in range(columns)
            ]
            readings.append(" ".join(parts))
        return readings


FR_LABELS = [
    "Définition",
    "Exemple",
    "Bon à savoir",
    "Attention",
    "Pour aller plus loin",
    "Questions fréquentes",
    "Points clés",
]
EN_LABELS = [
    "Definition",
    "Example",
    "Note",
    "Warning",
    "Going further",
    "Frequently asked questions",
    "Key points",
]


@pytest.mark.parametrize(
    ("source", "labels", "foreign"),
    [(FRENCH, FR_LABELS, EN_LABELS), (ENGLISH, EN_LABELS, FR_LABELS)],
    ids=["fr", "en"],
)
def test_labels_follow_the_language(
    source: Path, labels: list[str], foreign: list[str], built_a4: Path
) -> None:
    text = " ".join(page_texts(built_a4 / source.stem / "handout.pdf")).casefold()
    for label in labels:
        assert label.casefold() in text, label
    for label in ("Bon à savoir", "Pour aller plus loin", "Going further", "Frequently asked"):
        if label in foreign:
            assert label.casefold() not in text, label


def test_french_typography_reaches_the_pdf(built_a4: Path) -> None:
    reader = PdfReader(built_a4 / "immunomodulation" / "handout.pdf")
    raw = "".join(page.extract_text() for page in reader.pages)
    assert "\u202f?" in raw and "\u202f:" in raw and "«\u202f" in raw
    assert " ?" not in raw and " :" not in raw
    assert "’" in raw and "'" not in raw
    english = "".join(
        p.extract_text() for p in PdfReader(built_a4 / "photosynthesis" / "handout.pdf").pages
    )
    assert "\u202f?" not in english and "\u202f:" not in english and "?" in english
