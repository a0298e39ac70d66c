"""Card sheet geometry: presets, custom sizes, every duplex mode, cut guides."""

from __future__ import annotations

import pytest

from studygen.errors import ConfigError
from studygen.outputs.card_geometry import (
    DUPLEX_MODES,
    MM_PER_INCH,
    PRESETS,
    CardLayout,
    Cell,
    Line,
    custom_layout,
    cut_guides,
    plan_sheets,
)
from studygen.outputs.card_options import parse_offset, parse_selection, parse_size


def flipped(cell: Cell, layout: CardLayout, duplex: str) -> tuple[float, float]:
    """Where a back cell lands on the front side once the sheet is turned over."""
    paper = layout.paper
    if duplex == "short-edge":
        return cell.x, paper.height - cell.y - cell.height
    if duplex == "fold":  # folded along the horizontal middle line
        return cell.x, paper.height - cell.y - cell.height
    return paper.width - cell.x - cell.width, cell.y


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_on_the_page(name: str) -> None:
    layout = PRESETS[name]
    x0, y0 = layout.origin
    width, height = layout.grid_size
    assert x0 >= -1e-9 and y0 >= -1e-9
    assert x0 + width <= layout.paper.width + 1e-9
    assert y0 + height <= layout.paper.height + 1e-9


def test_preset_sizes() -> None:
    a4 = PRESETS["a4-2x4"]
    assert (a4.columns, a4.rows, a4.card_width, a4.card_height) == (2, 4, 105, 74)
    avery = PRESETS["letter-2x5"]
    assert avery.card_width == pytest.approx(3.5 * MM_PER_INCH)
    assert avery.card_height == pytest.approx(2 * MM_PER_INCH)
    assert avery.origin == pytest.approx((0.75 * MM_PER_INCH, 0.5 * MM_PER_INCH))
    index = PRESETS["index-5x3"]
    assert (index.paper.width, index.paper.height) == pytest.approx((127, 76.2))
    assert PRESETS["a6"].per_sheet == 1


@pytest.mark.parametrize("duplex", DUPLEX_MODES)
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_back_lands_behind_its_front(name: str, duplex: str) -> None:
    layout = PRESETS[name]
    if duplex == "fold" and layout.per_sheet == 1:
        with pytest.raises(ConfigError, match="fold needs room"):
            plan_sheets(list(range(5)), layout, duplex)
        return
    plan = plan_sheets(list(range(19)), layout, duplex)
    fronts = {
        c.index: c for p in plan.pages for c in p.cells if c.face == "front" and c.index is not None
    }
    backs = {
        c.index: c for p in plan.pages for c in p.cells if c.face == "back" and c.index is not None
    }
    assert sorted(fronts) == sorted(backs) == list(range(19))
    for index, front in fronts.items():
        x, y = flipped(backs[index], plan.layout, duplex)
        assert x == pytest.approx(front.x, abs=1e-6), (name, duplex, index)
        assert y == pytest.approx(front.y, abs=1e-6), (name, duplex, index)


def test_page_order_by_duplex_mode() -> None:
    layout = PRESETS["a4-2x4"]
    cards = list(range(20))  # three sheets
    assert [p.kind for p in plan_sheets(cards, layout, "long-edge").pages] == ["front", "back"] * 3
    manual = plan_sheets(cards, layout, "manual").pages
    assert [(p.kind, p.sheet) for p in manual] == [
        ("front", 0), ("front", 1), ("front", 2), ("back", 2), ("back", 1), ("back", 0),
    ]  # fmt: skip
    none = plan_sheets(cards, layout, "none").pages
    assert [(p.kind, p.sheet) for p in none] == [
        ("front", 0), ("front", 1), ("front", 2), ("back", 0), ("back", 1), ("back", 2),
    ]  # fmt: skip
    fold = plan_sheets(cards, layout, "fold").pages
    assert all(p.kind == "fold" and p.fold is not None for p in fold)
    assert len(fold) == 5  # 4 cards (2 × 2) per folded page


def test_back_offset_moves_every_back_and_no_front() -> None:
    layout = PRESETS["a4-2x4"]
    plain = plan_sheets(list(range(8)), layout)
    shifted = plan_sheets(list(range(8)), layout, back_offset=(1.5, -0.5))
    for before, after in zip(plain.pages, shifted.pages, strict=True):
        for a, b in zip(before.cells, after.cells, strict=True):
            dx, dy = (1.5, -0.5) if a.face == "back" else (0, 0)
            assert (b.x - a.x, b.y - a.y) == pytest.approx((dx, dy))


def test_last_sheet_leaves_empty_cells_on_both_faces() -> None:
    plan = plan_sheets(list(range(10)), PRESETS["a4-2x4"])
    front, back = plan.pages[2], plan.pages[3]
    assert [c.index for c in front.cells] == [8, 9, None, None, None, None, None, None]
    assert sorted(c.index for c in back.cells if c.index is not None) == [8, 9]


def test_selection_keeps_card_numbers() -> None:
    plan = plan_sheets([2, 6, 7, 8], PRESETS["a4-2x4"])
    assert [c.index for c in plan.pages[0].cells if c.index is not None] == [2, 6, 7, 8]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("63x88mm", (63, 88)),
        ("6.3 x 8.8 cm", (63, 88)),
        ("2.5x3.5in", (63.5, 88.9)),
        ("85×54mm", (85, 54)),
    ],
)
def test_parse_size(text: str, expected: tuple[float, float]) -> None:
    assert parse_size(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["63x88", "big", "0x10mm", "10mm"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_size(text)


def test_custom_layout_fits_inside_printer_margin_and_centres() -> None:
    layout = custom_layout("63x88mm", "a4", printer_margin=5, gutter=4)
    assert (layout.columns, layout.rows) == (3, 3)
    x0, y0 = layout.origin
    width, height = layout.grid_size
    assert x0 >= 5 and y0 >= 5
    assert x0 == pytest.approx(210 - x0 - width) and y0 == pytest.approx(297 - y0 - height)
    letter = custom_layout("2.5x3.5in", "letter", printer_margin=5, gutter=4)
    assert (letter.columns, letter.rows) == (3, 2)


def test_custom_layout_that_does_not_fit_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="does not fit on A4"):
        custom_layout("300x88mm", "a4", printer_margin=5)


def _inside(line: Line, x0: float, y0: float, x1: float, y1: float) -> bool:
    return all(x0 - 1e-6 <= x <= x1 + 1e-6 for x in (line.x1, line.x2)) and all(
        y0 - 1e-6 <= y <= y1 + 1e-6 for y in (line.y1, line.y2)
    )


def _crosses_card(line: Line, layout: CardLayout) -> bool:
    for row in range(layout.rows):
        for column in range(layout.columns):
            x, y = layout.cell(row, column)
            if (
                max(line.x1, line.x2) > x + 0.01
                and min(line.x1, line.x2) < x + layout.card_width - 0.01
                and max(line.y1, line.y2) > y + 0.01
                and min(line.y1, line.y2) < y + layout.card_height - 0.01
            ):
                return True
    return False


@pytest.mark.parametrize("name", ["a4-3x3", "a4-2x5"])
def test_corner_marks_are_printable_and_never_on_a_card(name: str) -> None:
    layout = PRESETS[name]
    marks = cut_guides(layout, "corners", printer_margin=5)
    assert marks
    paper = layout.paper
    for mark in marks:
        assert _inside(mark, 5, 5, paper.width - 5, paper.height - 5), mark
        assert not _crosses_card(mark, layout), mark
    # every card edge has a mark pointing at it
    xs = {round(m.x1, 3) for m in marks if m.x1 == m.x2}
    for column in range(layout.columns):
        x, _ = layout.cell(0, column)
        assert round(x, 3) in xs and round(x + layout.card_width, 3) in xs


def test_lines_run_along_card_edges_only() -> None:
    layout = PRESETS["a4-2x4"]
    lines = cut_guides(layout, "lines")
    assert [line.x1 for line in lines if line.x1 == line.x2] == [105.0]
    assert [line.y1 for line in lines if line.y1 == line.y2] == [74.5, 148.5, 222.5]
    assert cut_guides(layout, "none") == []


def test_parse_selection_and_offset() -> None:
    assert parse_selection("3,7-9", 24) == [2, 6, 7, 8]
    assert parse_selection(" 1 , 1-2 ", 24) == [0, 1]
    for bad in ("0", "5-3", "30", "x"):
        with pytest.raises(ConfigError):
            parse_selection(bad, 24)
    assert parse_offset("1.5,-0.5") == (1.5, -0.5)
    for bad in ("1.5", "a,b", "50,0"):
        with pytest.raises(ConfigError):
            parse_offset(bad)
