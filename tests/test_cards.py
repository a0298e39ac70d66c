"""Card sheet geometry: grid, centring and the long-edge mirror."""

from __future__ import annotations

import pytest

from studygen.cards import PRESETS, cut_lines, plan_sheets


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_grid_is_centred_and_on_the_page(name: str) -> None:
    layout = PRESETS[name]
    x0, y0 = layout.origin
    x_end, y_end = layout.cell(layout.rows - 1, layout.columns - 1)
    assert x0 >= 0 and y0 >= 0
    assert x_end + layout.card_width == pytest.approx(layout.paper.width - x0)
    assert y_end + layout.card_height == pytest.approx(layout.paper.height - y0)


def test_a4_default_is_2_by_4_cards_of_105_by_74_mm() -> None:
    layout = PRESETS["a4-2x4"]
    assert (layout.columns, layout.rows, layout.card_width, layout.card_height) == (2, 4, 105, 74)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_back_of_each_card_lands_behind_its_front_after_long_edge_flip(name: str) -> None:
    layout = PRESETS[name]
    pages = plan_sheets(19, layout)
    assert [p.face for p in pages] == ["front", "back"] * 3
    for front, back in zip(pages[::2], pages[1::2], strict=True):
        backs = {c.index: c for c in back.cells if c.index is not None}
        for cell in front.cells:
            if cell.index is None:
                continue
            flipped_x = layout.paper.width - backs[cell.index].x - layout.card_width
            assert flipped_x == pytest.approx(cell.x, abs=1e-9)
            assert backs[cell.index].y == pytest.approx(cell.y, abs=1e-9)


def test_last_sheet_is_partly_filled_with_empty_cells() -> None:
    pages = plan_sheets(10, PRESETS["a4-2x4"])
    last_front = pages[2]
    assert [c.index for c in last_front.cells] == [8, 9, None, None, None, None, None, None]


def test_cut_lines_skip_the_page_edges() -> None:
    layout = PRESETS["a4-2x4"]
    vertical = [line for line in cut_lines(layout) if line.x1 == line.x2]
    assert [line.x1 for line in vertical] == [105.0]
    horizontal = [line for line in cut_lines(layout) if line.y1 == line.y2]
    assert [line.y1 for line in horizontal] == [
        74.5,
        148.5,
        222.5,
    ]  # outer edges 0.5 mm from the page edge
