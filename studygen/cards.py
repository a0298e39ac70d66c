"""Flashcard sheet geometry, computed in millimetres and handed to the template as numbers.

A sheet is a front page and a back page. On the back page each card sits where the
printer's flip puts the back of its front: with a long-edge flip the columns are
mirrored, so card (row, col) is printed at (row, columns - 1 - col).
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Paper:
    """A sheet of paper, portrait, in millimetres."""

    name: str
    width: float
    height: float


PAPERS = {
    "a4": Paper("a4", 210.0, 297.0),
    "letter": Paper("letter", 8.5 * MM_PER_INCH, 11 * MM_PER_INCH),
}


@dataclass(frozen=True)
class CardLayout:
    """A grid of equal cards centred on a page."""

    name: str
    paper: Paper
    card_width: float
    card_height: float
    columns: int
    rows: int
    gutter: float = 0.0

    @property
    def per_sheet(self) -> int:
        """Cards on one sheet."""
        return self.columns * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        """Top-left corner of the grid, so that the grid is centred on the page."""
        width = self.columns * self.card_width + (self.columns - 1) * self.gutter
        height = self.rows * self.card_height + (self.rows - 1) * self.gutter
        return ((self.paper.width - width) / 2, (self.paper.height - height) / 2)

    def cell(self, row: int, column: int) -> tuple[float, float]:
        """Top-left corner of the card at ``(row, column)``."""
        x0, y0 = self.origin
        return (
            x0 + column * (self.card_width + self.gutter),
            y0 + row * (self.card_height + self.gutter),
        )


PRESETS = {
    # 2 × 4 cards of 105 × 74 mm (A7-like) tile an A4 page; cut along the lines.
    "a4-2x4": CardLayout("a4-2x4", PAPERS["a4"], 105.0, 74.0, 2, 4),
    # 2 × 4 cards of 4.25 × 2.75 in tile a Letter page the same way.
    "letter-2x4": CardLayout(
        "letter-2x4", PAPERS["letter"], 4.25 * MM_PER_INCH, 2.75 * MM_PER_INCH, 2, 4
    ),
}
DEFAULT_LAYOUT = {"a4": "a4-2x4", "letter": "letter-2x4"}


@dataclass(frozen=True)
class Cell:
    """One card position on one page; ``index`` is the card's 0-based index, or None if empty."""

    x: float
    y: float
    width: float
    height: float
    index: int | None


@dataclass(frozen=True)
class SheetPage:
    """One printed page: the fronts or the backs of one sheet."""

    face: str  # "front" or "back"
    sheet: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CutLine:
    """A straight cut guide across the page, in millimetres."""

    x1: float
    y1: float
    x2: float
    y2: float


def plan_sheets(count: int, layout: CardLayout) -> list[SheetPage]:
    """Front page then back page for each sheet, backs mirrored for a long-edge flip."""
    pages: list[SheetPage] = []
    sheets = max(1, -(-count // layout.per_sheet))
    for sheet in range(sheets):
        fronts, backs = [], []
        for row in range(layout.rows):
            for column in range(layout.columns):
                index = sheet * layout.per_sheet + row * layout.columns + column
                card = index if index < count else None
                x, y = layout.cell(row, column)
                fronts.append(Cell(x, y, layout.card_width, layout.card_height, card))
                bx, by = layout.cell(row, layout.columns - 1 - column)
                backs.append(Cell(bx, by, layout.card_width, layout.card_height, card))
        pages.append(SheetPage("front", sheet, tuple(fronts)))
        pages.append(SheetPage("back", sheet, tuple(backs)))
    return pages


def cut_lines(layout: CardLayout) -> list[CutLine]:
    """Lines along every card edge, across the whole page, except those on the page's own edge."""
    paper = layout.paper
    xs: set[float] = set()
    ys: set[float] = set()
    for column in range(layout.columns):
        x, _ = layout.cell(0, column)
        xs.update({round(x, 3), round(x + layout.card_width, 3)})
    for row in range(layout.rows):
        _, y = layout.cell(row, 0)
        ys.update({round(y, 3), round(y + layout.card_height, 3)})
    lines = [CutLine(x, 0.0, x, paper.height) for x in sorted(xs) if 0.5 < x < paper.width - 0.5]
    lines += [CutLine(0.0, y, paper.width, y) for y in sorted(ys) if 0.5 < y < paper.height - 0.5]
    return lines
