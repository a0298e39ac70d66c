"""Flashcard PDFs read back as a printer sees them: each preset × duplex mode, to 0.5 mm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from conftest import MakeProject
from pdfread import PT_PER_MM

from studygen.build import build
from studygen.config import BuildOptions
from studygen.errors import Collected, ConfigError
from studygen.outputs.card_geometry import DUPLEX_MODES, PRESETS, CardLayout, plan_sheets

TOLERANCE_MM = 0.5
CARDS = 7  # enough for a partly filled sheet on every preset


def deck(cards: int = CARDS, back: str = "Answer {n}.", extra: str = "") -> str:
    lines = ["title: Deck", "lang: en", "sections:", "  - title: S", "    blocks:"]
    lines += ["      - kind: text", "        text: x", "flashcards:"]
    for n in range(1, cards + 1):
        lines += [
            f"  - front: Question {n}?",
            f"    back: {back.format(n=n)}",
            f"    tags: [tag{n % 3}]",
        ]
    return "\n".join(lines) + "\n" + extra


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    def contains(self, x: float, y: float, slack: float = 0.2) -> bool:
        return self.x0 - slack <= x <= self.x1 + slack and self.y0 - slack <= y <= self.y1 + slack


@dataclass(frozen=True)
class Face:
    page: int
    right: float  # right edge of the "n / N" label, mm
    top: float  # top of the label, mm


def faces(path: Path) -> tuple[dict[int, Face], dict[int, Face], list[tuple[float, float]]]:
    """Front and back label of every card, found from the question/answer text beside it."""
    fronts: dict[int, Face] = {}
    backs: dict[int, Face] = {}
    sizes = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            sizes.append((float(page.width), float(page.height)))
            labels = page.search(r"(\d+) / (\d+)", regex=True)
            for side, pattern, found in (
                ("front", r"Question (\d+)\?", fronts),
                ("back", r"Answer (\d+)\.", backs),
            ):
                for match in page.search(pattern, regex=True):
                    card = int(match["groups"][0])
                    mine = [m for m in labels if int(m["groups"][0]) == card]
                    label = min(
                        mine,
                        key=lambda m: abs(m["top"] - match["top"]) + abs(m["x1"] - match["x1"]),
                    )
                    assert card not in found, f"card {card} {side} printed twice"
                    found[card] = Face(number, label["x1"] / PT_PER_MM, label["top"] / PT_PER_MM)
    return fronts, backs, sizes


def front_rects(layout: CardLayout, duplex: str) -> list[Rect]:
    """Where the preset says the fronts are (for fold: the top half of the page)."""
    grid = plan_sheets([0], layout, duplex).layout
    return [
        Rect(x, y, x + grid.card_width, y + grid.card_height)
        for row in range(grid.rows)
        for column in range(grid.columns)
        for x, y in [grid.cell(row, column)]
    ]


def flip(rect: Rect, layout: CardLayout, duplex: str) -> Rect:
    """Where the back of ``rect`` must be printed for the sheet to turn as ``duplex`` implies."""
    width, height = layout.paper.width, layout.paper.height
    if duplex in ("short-edge", "fold"):
        return Rect(rect.x0, height - rect.y1, rect.x1, height - rect.y0)
    return Rect(width - rect.x1, rect.y0, width - rect.x0, rect.y1)


def build_deck(project: Path, **options: object) -> Path:
    opts = BuildOptions(out=project / "out", only=("flashcards",), **options)  # type: ignore[arg-type]
    report = build([project / "deck.yaml"], opts)
    assert report.ok, report.problems
    return project / "out" / "deck" / "flashcards.pdf"


@pytest.mark.parametrize("duplex", DUPLEX_MODES)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_back_lands_behind_front(preset: str, duplex: str, make_project: MakeProject) -> None:
    layout = PRESETS[preset]
    project = make_project({"deck.yaml": deck()})
    if duplex == "fold" and layout.per_sheet == 1:
        options = BuildOptions(out=project / "out", cards=preset, duplex=duplex)
        with pytest.raises(ConfigError, match="fold needs room"):  # a usage error: exit 2
            build([project / "deck.yaml"], options)
        assert not (project / "out").exists()
        return
    path = build_deck(project, cards=preset, duplex=duplex)
    fronts, backs, sizes = faces(path)
    # exact paper size on every page
    for width, height in sizes:
        assert width / PT_PER_MM == pytest.approx(layout.paper.width, abs=0.1)
        assert height / PT_PER_MM == pytest.approx(layout.paper.height, abs=0.1)
    assert sorted(fronts) == sorted(backs) == list(range(1, CARDS + 1))
    rects = front_rects(layout, duplex)
    for card in fronts:
        front, back = fronts[card], backs[card]
        rect = next(r for r in rects if r.contains(front.right, front.top))
        behind = flip(rect, layout, duplex)
        # the back's label sits in the flipped card exactly as the front's sits in its card
        assert back.right - behind.x0 == pytest.approx(front.right - rect.x0, abs=TOLERANCE_MM), (
            card
        )
        assert back.top - behind.y0 == pytest.approx(front.top - rect.y0, abs=TOLERANCE_MM), card
        if duplex in ("long-edge", "short-edge"):
            assert back.page == front.page + 1
        elif duplex == "fold":
            assert back.page == front.page


def test_page_order_of_manual_and_print_shop_modes(make_project: MakeProject) -> None:
    project = make_project({"deck.yaml": deck(cards=20)})  # 3 sheets of 8
    fronts, backs, _ = faces(build_deck(project, duplex="manual"))
    assert {f.page for f in fronts.values()} == {0, 1, 2}
    assert backs[1].page == 5 and backs[17].page == 3  # last sheet's backs first
    fronts, backs, _ = faces(build_deck(project, duplex="none"))
    assert backs[1].page == 3 and backs[17].page == 5


def test_back_offset_shifts_every_back_by_exactly_that(make_project: MakeProject) -> None:
    project = make_project({"deck.yaml": deck()})
    _, plain, _ = faces(build_deck(project))
    fronts_shifted, shifted, _ = faces(build_deck(project, back_offset=(1.5, -0.75)))
    for card in plain:
        assert shifted[card].right - plain[card].right == pytest.approx(1.5, abs=0.05)
        assert shifted[card].top - plain[card].top == pytest.approx(-0.75, abs=0.05)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_all_text_inside_its_card_and_the_printable_area(
    preset: str, make_project: MakeProject
) -> None:
    long_back = "A long answer that goes on. " * 12  # needs shrinking on the small cards
    project = make_project({"deck.yaml": deck(cards=3, back=long_back + " Answer {n}.")})
    layout = PRESETS[preset]
    report = build([project / "deck.yaml"], BuildOptions(out=project / "out", cards=preset))
    assert report.ok and not report.warnings, report.warnings
    path = project / "out" / "deck" / "flashcards.pdf"
    rects = front_rects(layout, "long-edge")
    allowed = rects + [flip(r, layout, "long-edge") for r in rects]
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                x0, x1 = char["x0"] / PT_PER_MM, char["x1"] / PT_PER_MM
                top, bottom = char["top"] / PT_PER_MM, char["bottom"] / PT_PER_MM
                assert any(r.contains(x0, top) and r.contains(x1, bottom) for r in allowed), char[
                    "text"
                ]
                assert x0 >= 4.5 and top >= 4.5, (char["text"], x0, top)
                assert x1 <= layout.paper.width - 4.5 and bottom <= layout.paper.height - 4.5


def test_long_text_shrinks_to_fit_and_overflow_is_reported(make_project: MakeProject) -> None:
    medium = "Short words in a longer answer that needs smaller type to fit on the card. " * 4
    huge = "An answer far too long for any card. " * 80
    text = (
        deck(cards=3, back="{n}")
        .replace("back: 2", f"back: {medium}")
        .replace("back: 3", f"back: {huge}")
    )
    project = make_project({"deck.yaml": text})
    said = Collected()
    options = BuildOptions(out=project / "out", only=("flashcards",), verbose=True)
    report = build([project / "deck.yaml"], options, said)
    assert report.ok
    assert len(report.warnings) == 1
    assert re.search(
        r"deck\.yaml:\d+: card 3 \(\"Question 3\?\"\) does not fit its card at 7 pt",
        report.warnings[0],
    )
    with pdfplumber.open(project / "out" / "deck" / "flashcards.pdf") as pdf:
        back = pdf.pages[1]
        sizes = {}
        for card in (1, 2, 3):
            label = back.search(rf"{card} / 3")[0]
            region = back.crop(
                (0, label["top"], back.width, min(back.height, label["top"] + 74 * PT_PER_MM))
            )
            body = [
                c["size"]
                for c in region.chars
                if c["size"] > 6.6 and c["fontname"].endswith("Serif")
            ]
            sizes[card] = max(body)
        assert sizes[1] == pytest.approx(11, abs=0.01)  # short: the default size
        assert 7 < sizes[2] < 11  # shrunk, but not to the minimum
        assert sizes[3] == pytest.approx(7, abs=0.01)
        warning = "".join(c["text"] for c in back.chars if c["fontname"].endswith("Sans-Bold"))
        assert "text cut: shorten this card" in warning
    assert any("full layout pass" in message for message in said.notes)


def test_strict_and_check_turn_overflow_into_an_error(make_project: MakeProject) -> None:
    huge = "An answer far too long for any card. " * 80
    project = make_project({"deck.yaml": deck(cards=2, back=huge)})
    strict = BuildOptions(out=project / "out", strict=True)
    report = build([project / "deck.yaml"], strict)
    assert not report.ok and "does not fit its card at 7 pt" in report.problems[0]
    assert not (project / "out").exists()
    from studygen.build import check

    checked = check([project / "deck.yaml"], BuildOptions())
    assert not checked.ok and "card 1" in checked.problems[0]


def test_selection_keeps_numbers(make_project: MakeProject) -> None:
    project = make_project({"deck.yaml": deck(cards=9)})
    fronts, backs, _ = faces(build_deck(project, cards_only="2,5-6"))
    assert sorted(fronts) == [2, 5, 6]
    with pdfplumber.open(project / "out" / "deck" / "flashcards.pdf") as pdf:
        assert "5 / 9" in (pdf.pages[0].extract_text() or "")
    fronts, _, _ = faces(build_deck(project, tags=("tag0",)))
    assert sorted(fronts) == [3, 6, 9]


def test_two_hundred_cards_build(make_project: MakeProject) -> None:
    backs = ["Yes.", "A medium answer of a dozen words or so, to vary things a bit."]
    text = deck(cards=200, back="Answer {n}. " + backs[1])
    project = make_project({"deck.yaml": text})
    fronts, backs_found, sizes = faces(build_deck(project))
    assert len(fronts) == len(backs_found) == 200
    assert len(sizes) == 50
