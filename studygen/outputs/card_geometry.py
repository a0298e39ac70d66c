"""Flashcard sheet geometry, computed in millimetres and handed to the template as numbers.

A *layout* is a grid of equal cards on a page. A *plan* places every card's front and
back on pages according to the duplex mode, so that after the flip that mode implies
each back lies exactly behind its front:

- ``long-edge``: the sheet turns like a book page; back columns are mirrored.
- ``short-edge``: the sheet turns top over bottom; back rows are mirrored.
- ``fold``: one-sided; fronts on the top half, backs mirrored across the fold line.
- ``manual``: all fronts, then all backs (long-edge mirrored) in reverse sheet order,
  for printers without a duplex unit.
- ``none``: all fronts, then all backs (long-edge mirrored), for a print shop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from studygen.choices import CARD_PAPERS, CUT_MARKS, DUPLEX_MODES, MM_PER_INCH, Paper
from studygen.errors import ConfigError
from studygen.outputs.card_options import parse_size

DEFAULT_PRINTER_MARGIN = 5.0
DEFAULT_GUTTER = 4.0
MARK_LENGTH = 4.0  # corner cut marks, millimetres
MARK_CLEARANCE = 1.0  # space between a mark and the card it points at


@dataclass(frozen=True)
class CardLayout:
    """A grid of equal cards, centred on the page unless an origin is given."""

    name: str
    paper: Paper
    card_width: float
    card_height: float
    columns: int
    rows: int
    gutter: float = 0.0
    description: str = ""
    cut_marks: str | None = None  # the layout's default; None: by gutter
    fixed_origin: tuple[float, float] | None = None

    @property
    def per_sheet(self) -> int:
        """Cards on one sheet."""
        return self.columns * self.rows

    @property
    def grid_size(self) -> tuple[float, float]:
        """Width and height of the whole grid."""
        return (
            self.columns * self.card_width + (self.columns - 1) * self.gutter,
            self.rows * self.card_height + (self.rows - 1) * self.gutter,
        )

    @property
    def origin(self) -> tuple[float, float]:
        """Top-left corner of the grid."""
        if self.fixed_origin is not None:
            return self.fixed_origin
        width, height = self.grid_size
        return ((self.paper.width - width) / 2, (self.paper.height - height) / 2)

    def cell(self, row: int, column: int) -> tuple[float, float]:
        """Top-left corner of the card at ``(row, column)``."""
        x0, y0 = self.origin
        return (
            x0 + column * (self.card_width + self.gutter),
            y0 + row * (self.card_height + self.gutter),
        )

    @property
    def default_cut_marks(self) -> str:
        """Corner marks when there is a gutter to cut, lines along the edges when cards touch."""
        if self.cut_marks:
            return self.cut_marks
        return "corners" if self.gutter > 0 else "lines"


def _inches(value: float) -> float:
    return value * MM_PER_INCH


PRESETS = {
    layout.name: layout
    for layout in (
        CardLayout(
            "a4-2x4",
            CARD_PAPERS["a4"],
            105.0,
            74.0,
            2,
            4,
            description="A7-like cards tiling the page; the A4 default",
        ),
        CardLayout(
            "a4-3x3",
            CARD_PAPERS["a4"],
            63.0,
            88.0,
            3,
            3,
            gutter=4.0,
            description="playing-card size (63 × 88 mm)",
        ),
        CardLayout(
            "a4-2x5",
            CARD_PAPERS["a4"],
            85.0,
            54.0,
            2,
            5,
            gutter=2.0,
            description="credit-card size (85 × 54 mm)",
        ),
        CardLayout(
            "a4-2x2",
            CARD_PAPERS["a4"],
            105.0,
            148.5,
            2,
            2,
            description="A6 cards, four to the page: room for large print",
        ),
        CardLayout(
            "letter-2x4",
            CARD_PAPERS["letter"],
            _inches(4.25),
            _inches(2.75),
            2,
            4,
            description="4.25 × 2.75 in cards tiling the page; the Letter default",
        ),
        CardLayout(
            "letter-2x2",
            CARD_PAPERS["letter"],
            _inches(4.25),
            _inches(5.5),
            2,
            2,
            description="4.25 × 5.5 in cards, four to the page: room for large print",
        ),
        CardLayout(
            "letter-2x5",
            CARD_PAPERS["letter"],
            _inches(3.5),
            _inches(2),
            2,
            5,
            description="Avery 5371/8371 business cards (3.5 × 2 in, 0.75 in side margins)",
            cut_marks="none",
            fixed_origin=(_inches(0.75), _inches(0.5)),
        ),
        CardLayout(
            "index-5x3",
            CARD_PAPERS["index-5x3"],
            _inches(5),
            _inches(3),
            1,
            1,
            description="the page is a 5 × 3 in index card: print on card stock",
            cut_marks="none",
        ),
        CardLayout(
            "a6",
            CARD_PAPERS["a6"],
            148.0,
            105.0,
            1,
            1,
            description="one card per A6 page (landscape)",
            cut_marks="none",
        ),
    )
}
DEFAULT_LAYOUT = {"a4": "a4-2x4", "letter": "letter-2x4"}


def custom_layout(
    size: str, paper_name: str, printer_margin: float, gutter: float = DEFAULT_GUTTER
) -> CardLayout:
    """As many cards of ``size`` as fit inside the printer's margin, with a gutter, centred."""
    width, height = parse_size(size)
    paper = CARD_PAPERS[paper_name]
    usable_w = paper.width - 2 * printer_margin
    usable_h = paper.height - 2 * printer_margin
    columns = math.floor((usable_w + gutter) / (width + gutter) + 1e-9)
    rows = math.floor((usable_h + gutter) / (height + gutter) + 1e-9)
    if columns < 1 or rows < 1:
        raise ConfigError(
            f"a {width:g} × {height:g} mm card does not fit on {paper.name} "
            f"({paper.width:g} × {paper.height:g} mm) inside a {printer_margin:g} mm printer margin"
        )
    name = f"custom {width:g}x{height:g}mm on {paper_name}"
    return CardLayout(name, paper, width, height, columns, rows, gutter=gutter)


def resolve_layout(
    preset: str | None, card_size: str | None, paper: str, printer_margin: float
) -> CardLayout:
    """The layout named by ``--cards`` or ``--card-size``, or the paper's default preset."""
    if card_size:
        return custom_layout(card_size, paper, printer_margin)
    name = preset or DEFAULT_LAYOUT[paper]
    if name not in PRESETS:
        raise ConfigError(f'card layout "{name}" is not one of {", ".join(PRESETS)}')
    return PRESETS[name]


@dataclass(frozen=True)
class CardFrame:
    """Where the parts of a card sit, in millimetres from its edges.

    The template places the deck line, the text and the tags from these numbers (the
    stylesheet only styles them), and fitting measures the text against ``body_height``.
    """

    inset: float  # left and right, for every part
    meta_top: float  # the deck name and card number
    body_top: float  # the text
    body_bottom: float  # below the text: the tags or the "text cut" mark
    tags_bottom: float

    def body_height(self, card_height: float) -> float:
        """Height left for the text on a card ``card_height`` tall."""
        return card_height - self.body_top - self.body_bottom


FRAME = CardFrame(inset=7.5, meta_top=6.0, body_top=10.5, body_bottom=10.0, tags_bottom=5.5)
COMPACT_FRAME = CardFrame(inset=4.5, meta_top=3.5, body_top=7.5, body_bottom=7.0, tags_bottom=3.2)


def is_compact(layout: CardLayout) -> bool:
    """Small cards get narrower margins around their text."""
    return layout.card_height < 60 or layout.card_width < 70


@dataclass(frozen=True)
class Cell:
    """One card face on one page; ``index`` is the card's 0-based index in the source."""

    x: float
    y: float
    width: float
    height: float
    index: int | None
    face: str  # "front" or "back"


@dataclass(frozen=True)
class Line:
    """A straight line on the page, in millimetres."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class SheetPage:
    """One printed page: card faces, cut guides and, in fold mode, the fold line."""

    kind: str  # "front", "back" or "fold"
    sheet: int
    cells: tuple[Cell, ...]
    marks: tuple[Line, ...] = ()
    fold: Line | None = None


@dataclass(frozen=True)
class Plan:
    """Every page of a flashcard PDF, and how it was laid out."""

    layout: CardLayout
    duplex: str
    pages: tuple[SheetPage, ...]
    cut_marks: str = "none"  # the cut guides drawn (corner marks need a margin to sit in)


def plan_sheets(
    indexes: list[int],
    layout: CardLayout,
    duplex: str = "long-edge",
    back_offset: tuple[float, float] = (0.0, 0.0),
    cut_marks: str | None = None,
    printer_margin: float = DEFAULT_PRINTER_MARGIN,
) -> Plan:
    """Place the cards ``indexes`` (0-based, in print order) on pages for ``duplex``."""
    if duplex not in DUPLEX_MODES:
        raise ConfigError(f'duplex mode "{duplex}" is not one of {", ".join(DUPLEX_MODES)}')
    marks_style = cut_marks or layout.default_cut_marks
    if duplex == "fold":
        return _plan_fold(indexes, layout, marks_style, printer_margin)
    per_sheet = layout.per_sheet
    marks = tuple(cut_guides(layout, marks_style, printer_margin))
    if marks_style == "corners" and not marks and layout.per_sheet > 1:
        # Cards that tile the sheet edge to edge leave no margin for corner marks.
        marks_style = "lines"
        marks = tuple(cut_guides(layout, marks_style, printer_margin))
    fronts: list[SheetPage] = []
    backs: list[SheetPage] = []
    for sheet in range(max(1, math.ceil(len(indexes) / per_sheet))):
        front_cells, back_cells = [], []
        for row in range(layout.rows):
            for column in range(layout.columns):
                slot = sheet * per_sheet + row * layout.columns + column
                card = indexes[slot] if slot < len(indexes) else None
                x, y = layout.cell(row, column)
                front_cells.append(Cell(x, y, layout.card_width, layout.card_height, card, "front"))
                back_row, back_column = _flip(row, column, layout, duplex)
                bx, by = layout.cell(back_row, back_column)
                back_cells.append(
                    Cell(
                        bx + back_offset[0],
                        by + back_offset[1],
                        layout.card_width,
                        layout.card_height,
                        card,
                        "back",
                    )
                )
        fronts.append(SheetPage("front", sheet, tuple(front_cells), marks))
        backs.append(SheetPage("back", sheet, tuple(back_cells)))
    if duplex in ("long-edge", "short-edge"):
        pages = [page for pair in zip(fronts, backs, strict=True) for page in pair]
    elif duplex == "manual":
        pages = fronts + backs[::-1]
    else:
        pages = fronts + backs
    return Plan(layout, duplex, tuple(pages), marks_style)


def _flip(row: int, column: int, layout: CardLayout, duplex: str) -> tuple[int, int]:
    """Where the back of ``(row, column)`` is printed on the back page."""
    if duplex == "short-edge":
        return layout.rows - 1 - row, column
    return row, layout.columns - 1 - column


def _plan_fold(
    indexes: list[int], layout: CardLayout, marks_style: str, printer_margin: float
) -> Plan:
    """Fronts on the top half, backs mirrored across the horizontal fold line."""
    paper = layout.paper
    half = paper.height / 2
    tiles = layout.gutter == 0 and layout.fixed_origin is None
    margin = 0.0 if tiles else printer_margin
    gap = 0.0 if tiles else max(layout.gutter, 2.0) / 2  # keep cards off the fold line
    rows = math.floor((half - margin - gap + layout.gutter) / (layout.card_height + layout.gutter))
    rows = min(rows, layout.rows)
    if rows < 1:
        raise ConfigError(
            f"--duplex fold needs room for a card's front and back on one page; "
            f"{layout.name} holds only one card face per page — use --duplex long-edge"
        )
    x0 = layout.cell(0, 0)[0]
    grid_h = rows * layout.card_height + (rows - 1) * layout.gutter
    y0 = half - gap - grid_h  # the block of fronts sits just above the fold
    half_layout = replace(layout, rows=rows, fixed_origin=(x0, y0))
    per_page = half_layout.per_sheet
    marks = tuple(cut_guides(half_layout, marks_style, printer_margin, bottom_limit=half))
    fold = Line(0.0, half, paper.width, half)
    pages = []
    for sheet in range(max(1, math.ceil(len(indexes) / per_page))):
        cells = []
        for row in range(rows):
            for column in range(layout.columns):
                slot = sheet * per_page + row * layout.columns + column
                card = indexes[slot] if slot < len(indexes) else None
                x, y = half_layout.cell(row, column)
                cells.append(Cell(x, y, layout.card_width, layout.card_height, card, "front"))
                mirrored_y = paper.height - y - layout.card_height
                cells.append(
                    Cell(x, mirrored_y, layout.card_width, layout.card_height, card, "back")
                )
        pages.append(SheetPage("fold", sheet, tuple(cells), marks, fold))
    return Plan(half_layout, "fold", tuple(pages), marks_style)


def cut_guides(
    layout: CardLayout,
    style: str,
    printer_margin: float = DEFAULT_PRINTER_MARGIN,
    bottom_limit: float | None = None,
) -> list[Line]:
    """Cut guides for a front page: lines along card edges, or marks in the margins."""
    if style not in CUT_MARKS:
        raise ConfigError(f'cut marks "{style}" is not one of {", ".join(CUT_MARKS)}')
    if style == "none":
        return []
    paper = layout.paper
    xs = sorted({round(x, 4) for c in range(layout.columns) for x in _edges(layout, 0, c, "x")})
    ys = sorted({round(y, 4) for r in range(layout.rows) for y in _edges(layout, r, 0, "y")})
    if style == "lines":
        bottom = paper.height if bottom_limit is None else bottom_limit
        lines = [Line(x, 0.0, x, bottom) for x in xs if 0.5 < x < paper.width - 0.5]
        lines += [Line(0.0, y, paper.width, y) for y in ys if 0.5 < y < bottom - 0.5]
        return lines
    # Corner marks: short ticks in the outer margins on the extension of every card edge,
    # inside the printable area and never on a card.
    grid_left, grid_top = layout.origin
    grid_w, grid_h = layout.grid_size
    grid_right, grid_bottom = grid_left + grid_w, grid_top + grid_h
    lo, hi = printer_margin, paper.width - printer_margin
    top_lo = printer_margin
    bottom_hi = (paper.height if bottom_limit is None else bottom_limit) - (
        printer_margin if bottom_limit is None else 1.0
    )
    marks: list[Line] = []
    for x in xs:
        start = max(top_lo, grid_top - MARK_CLEARANCE - MARK_LENGTH)
        if grid_top - MARK_CLEARANCE - start >= 1.5:
            marks.append(Line(x, start, x, grid_top - MARK_CLEARANCE))
        end = min(bottom_hi, grid_bottom + MARK_CLEARANCE + MARK_LENGTH)
        if end - grid_bottom - MARK_CLEARANCE >= 1.5:
            marks.append(Line(x, grid_bottom + MARK_CLEARANCE, x, end))
    for y in ys:
        start = max(lo, grid_left - MARK_CLEARANCE - MARK_LENGTH)
        if grid_left - MARK_CLEARANCE - start >= 1.5:
            marks.append(Line(start, y, grid_left - MARK_CLEARANCE, y))
        end = min(hi, grid_right + MARK_CLEARANCE + MARK_LENGTH)
        if end - grid_right - MARK_CLEARANCE >= 1.5:
            marks.append(Line(grid_right + MARK_CLEARANCE, y, end, y))
    if layout.gutter >= 2 * MARK_CLEARANCE + 1:
        marks += _gutter_marks(layout)
    return marks


def _gutter_marks(layout: CardLayout) -> list[Line]:
    """Short ticks across the gutters, on the extension of the card edges they separate."""
    marks = []
    inset = MARK_CLEARANCE / 2
    for row in range(layout.rows):
        for column in range(layout.columns - 1):  # vertical gutters: mark horizontal edges
            x, y = layout.cell(row, column)
            start, end = (
                x + layout.card_width + inset,
                x + layout.card_width + layout.gutter - inset,
            )
            marks += [
                Line(start, y, end, y),
                Line(start, y + layout.card_height, end, y + layout.card_height),
            ]
    for row in range(layout.rows - 1):  # horizontal gutters: mark vertical edges
        for column in range(layout.columns):
            x, y = layout.cell(row, column)
            start, end = (
                y + layout.card_height + inset,
                y + layout.card_height + layout.gutter - inset,
            )
            marks += [
                Line(x, start, x, end),
                Line(x + layout.card_width, start, x + layout.card_width, end),
            ]
    return marks


def _edges(layout: CardLayout, row: int, column: int, axis: str) -> tuple[float, float]:
    x, y = layout.cell(row, column)
    if axis == "x":
        return (x, x + layout.card_width)
    return (y, y + layout.card_height)
