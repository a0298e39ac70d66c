"""The largest type at which the key points fit one page, found in about one layout.

A layout of a sheet in columns costs two to four layouts of its content: WeasyPrint
balances columns by laying them out again. A sheet of one column is the page's own flow,
laid out once. Fitting adds little to the layout of the sheet it finds:

1. An estimate from the length of the text (characters per line at each column width)
   picks the layout likely to win: its size, its columns and its form.
2. Below the largest type, the real page of that layout is laid out at once when it is
   cheap (one column) or the estimate is clear (it fits with room, and nothing better
   does): its boxes give the height of every item and the lines of every paragraph at
   that width. If it fits, and nothing better is predicted to, it is the sheet: one
   layout. Otherwise, one measuring pass lays the content out once, at that size, in a
   single block as wide as one column of that layout (no columns: nothing to balance),
   on a page too tall to overflow; at the largest type it sets the space between items.
3. From those, each item's height at a nearby size follows (its lines counted again at
   the width the new size leaves), and placing whole items into columns, as WeasyPrint
   does, says which layouts fit. Forms not measured are predicted by the estimate,
   corrected by what the measurement showed; one that might win is measured as well.
4. The winner is laid out on the real page: that layout is the sheet. Only a wrong
   prediction costs another.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from studygen.choices import SUMMARY_SIZES
from studygen.errors import ContentError

if TYPE_CHECKING:
    from studygen import pdf

PT_PER_MM = 72 / 25.4
MM_PER_PX = 25.4 / 96
MAX_SIZE = SUMMARY_SIZES[1]
MEASURE_PAGE_MM = 3000.0  # the measuring pass's page: taller than any content it measures
SIZE_STEP = 0.25
COLUMN_GAP_MM = 7.0
MIN_COLUMN_EMS = 20.0  # a column narrower than this many ems reads badly
COMPACT_FROM = 10.0  # points: the compact form is tried at this size and below
# margins of the page: top, right, bottom, left (the template sets them from these)
PAGE_MARGINS_MM = (16.0, 17.0, 15.0, 17.0)
BALANCE = 1.05  # columns hold whole blocks, so the tallest is a little over the average
FAR = 1.2  # estimated over available at the smallest layout: measure that layout first
MAX_MEASURES = 3  # measuring passes before the real page decides
NEAR_STEPS = 2  # a measurement predicts this many size steps either side of its own
DOUBT = 0.05  # how far off the estimate may be, as a share of the page's height
CLEAR = 0.01  # room by which the estimate is clear enough to lay a page of columns out first
MAX_SPREAD = 5.0  # ems: the most space added between items of short content


@dataclass(frozen=True)
class Item:
    """One block of the sheet: a term (or question) and its text."""

    group: str  # "key-points", "definitions" or "faq"
    term: str
    text: str


Form = tuple[int, bool]  # columns, compact


@dataclass
class Layout:
    """A candidate: type size, columns, form, and extra space between items (ems).

    The compact form runs each term in before its text, on the same line, with tighter
    spacing and the number as plain text: a printed cheat sheet's form, used when space
    is tight rather than shrinking the type further.
    """

    size: float
    columns: int
    spread: float = 0.0
    compact: bool = False

    @property
    def form(self) -> Form:
        """Columns and form, without the size."""
        return (self.columns, self.compact)


@dataclass
class Page:
    """The page's printable box for the content, in millimetres."""

    width: float
    height: float

    @property
    def content_width(self) -> float:
        """Width between the side margins."""
        return self.width - PAGE_MARGINS_MM[1] - PAGE_MARGINS_MM[3]

    @property
    def content_height(self) -> float:
        """Height between the top and bottom margins."""
        return self.height - PAGE_MARGINS_MM[0] - PAGE_MARGINS_MM[2]

    def column_width(self, columns: int) -> float:
        """Width of one column, millimetres."""
        return (self.content_width - (columns - 1) * COLUMN_GAP_MM) / columns


def candidates(page: Page, minimum: float) -> list[Layout]:
    """Every layout worth trying, best first: larger type, then the usual form before the
    compact one (at the same size), then fewer columns."""
    found = []
    steps = int(round((MAX_SIZE - minimum) / SIZE_STEP))
    for step in range(steps + 1):
        size = MAX_SIZE - step * SIZE_STEP
        for compact in (False, True) if size <= COMPACT_FROM else (False,):
            for columns in (1, 2, 3):
                if page.column_width(columns) * PT_PER_MM >= MIN_COLUMN_EMS * size or columns == 1:
                    found.append(Layout(size, columns, compact=compact))
    return found


# --- What a measurement knows ------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """The lines of one paragraph as measured (millimetres)."""

    lines: int
    text: float  # width of the text of all its lines, added up
    last: float  # width of the text of its last line
    width: float  # width the lines had
    line_height: float


@dataclass(frozen=True)
class Unit:
    """A block the columns hold whole: an item, a group's title with its first item, a link."""

    item: int | None  # index of its item in the sheet's list; None for a title or a link
    title: bool  # a group's title: it goes with the block after it
    height: float  # margin box, millimetres
    margin_bottom: float  # dropped when the block ends a column
    paragraphs: tuple[Paragraph, ...] = ()

    def at(self, ratio: float, column: float, measured: float) -> float:
        """Height at ``ratio`` times the measured type size, in a column ``column`` wide
        (it was measured in one ``measured`` wide)."""
        height = self.height
        for p in self.paragraphs:
            width = column - (measured - p.width) * ratio  # indents are in ems
            lines = p.lines
            stretch = ratio * p.width / width if width > 0 else 1.0  # text over line
            if width > 0 and stretch != 1:
                # Full lines end with the space their next word did not fit in, about as
                # wide in ems whatever the column; the last line may take a whole line.
                if p.lines > 1:
                    waste = p.width - (p.text - p.last) / (p.lines - 1)
                else:
                    waste = 0.9 * p.line_height
                full = 1 - max(0.0, waste) * ratio / width
                over = (p.text * ratio - width) / (width * min(max(full, 0.5), 1.0))
                lines = 1 + max(0, math.ceil(over - 1e-6))
                lines = max(lines, p.lines) if stretch > 1 else min(lines, p.lines)
            height += (lines - p.lines) * p.line_height
        return height * ratio


@dataclass(frozen=True)
class Measurement:
    """The content laid out at ``size`` in one column of the width ``form`` has."""

    size: float
    form: Form
    column: float  # width of the measured block, millimetres
    header: float  # height of the sheet's header with its margin
    body: float  # height of the whole block
    units: tuple[Unit, ...]
    estimated: bool = False  # from text lengths, not from a layout

    def without(self, dropped: set[int]) -> Measurement:
        """The same content less the items ``dropped`` (a title with none left goes too)."""
        if not dropped:
            return self
        kept = [u for u in self.units if u.item is None or u.item not in dropped]
        units = tuple(u for i, u in enumerate(kept) if not u.title or _titled(kept, i))
        left = {id(u) for u in units}
        body = self.body - sum(u.height for u in self.units if id(u) not in left)
        return replace(self, units=units, body=body)


def _titled(units: Sequence[Unit], index: int) -> bool:
    """A title is kept when a block follows it before the next title."""
    following = units[index + 1 : index + 2]
    return bool(following) and not following[0].title


Measure = Callable[[list[Item], float, Form], Measurement]
Tried = tuple["pdf.Rendered | None", Layout]  # a real page (None: over one page), its layout
Verify = Callable[[list[Item], Layout], "tuple[pdf.Rendered | None, Measurement | None]"]


@dataclass
class Fill:
    """How a layout's content lands in its columns."""

    fits: bool
    tallest: float  # tallest column, millimetres
    columns_needed: float  # columns of the page's height the content needs (fractional)
    available: float  # height of the columns on the page


def fill(measured: Measurement, layout: Layout, page: Page, slack: float = 0.0) -> Fill:
    """Place the measured blocks, grown or shrunk to ``layout.size``, into its columns.

    Blocks go down one column until the next does not fit, then to the top of the next
    column, as WeasyPrint fills columns when everything may not fit; a title never ends a
    column (its ``break-after: avoid``). ``slack`` (mm) is kept free for uncertainty.
    """
    ratio = layout.size / measured.size
    column = page.column_width(layout.columns)
    available = page.content_height - measured.header * ratio - slack
    blocks: list[tuple[float, float]] = []
    pending = 0.0
    for number, unit in enumerate(measured.units):
        height = unit.at(ratio, column, measured.column)
        if unit.title and number + 1 < len(measured.units):
            pending += height  # a title goes with the block after it
            continue
        blocks.append((pending + height, unit.margin_bottom * ratio))
        pending = 0.0
    columns, used, tallest = 1, 0.0, 0.0
    for height, margin in blocks:
        if used and used + height - margin > available:
            columns, used = columns + 1, 0.0
        used += height
        tallest = max(tallest, used - margin)
    total = sum(height for height, _ in blocks)
    fits = columns <= layout.columns and tallest <= available
    return Fill(fits, tallest, total / max(available, 1.0), available)


# --- The estimate from text lengths --------------------------------------------------------

EM_PER_CHARACTER = {"term": 0.55, "text": 0.48}


def _ems(text: str, per_character: float) -> float:
    """How wide ``text`` is in ems: ideographs, kana and other wide characters take a whole
    em each, the others ``per_character``."""
    wide = sum(1 for c in text if c >= "\u1100" and unicodedata.east_asian_width(c) in "WF")
    return wide + (len(text) - wide) * per_character


def estimate(items: list[Item], size: float, form: Form, page: Page) -> Measurement:
    """What a measuring pass would find, from the number of characters in each item."""
    columns, compact = form
    column = page.column_width(columns)
    mm_per_em = size / PT_PER_MM
    units = []
    title = Unit(None, True, 2.2 * mm_per_em, 0.0)
    group = "key-points"
    for index, item in enumerate(items):
        if item.group != group:
            group = item.group
            units.append(title)
        indent = 2.1 * mm_per_em if group == "key-points" and not compact else 0.0
        width = column - indent
        term = _ems(item.term, EM_PER_CHARACTER["term"]) * 1.04 * mm_per_em
        text = _ems(item.text, EM_PER_CHARACTER["text"]) * mm_per_em
        if compact:
            lines = [(term + text, 1.27)]
            margin = 0.3
        else:
            lines = [(term, 1.04 * 1.25), (text, 1.38)]
            margin = 0.85 + 0.2
        paragraphs = []
        height = margin * mm_per_em
        for length, line_ems in lines:
            count = max(1, math.ceil(length / (width * 0.93)))
            last = length - (count - 1) * width * 0.93
            paragraphs.append(Paragraph(count, length, last, width, line_ems * mm_per_em))
            height += count * line_ems * mm_per_em
        units.append(Unit(index, False, height, margin * mm_per_em, tuple(paragraphs)))
    body = sum(u.height for u in units)
    header = 6.5 * mm_per_em
    return Measurement(size, form, column, header, body, tuple(units), estimated=True)


# --- Fitting ---------------------------------------------------------------------------------


@dataclass
class SummaryFit:
    """The verified layout, its rendering and how it was found."""

    layout: Layout
    rendered: pdf.Rendered
    passes: int
    items: list[Item]
    dropped: dict[str, int] = field(default_factory=dict)


class DoesNotFit(ContentError):
    """Even at the minimum size in three columns the key points need more than a page."""

    def __init__(self, pages: float, size: float, remove: int, total: int) -> None:
        self.pages, self.size, self.remove, self.total = pages, size, remove, total
        super().__init__(
            f"key points need {pages:.1f} pages at {size:g} pt: "
            f"shorten or remove about {remove} of {total} items"
        )


@dataclass
class _Fitter:
    """What is known about the content: measurements per form, and the estimate's error."""

    items: list[Item]
    page: Page
    minimum: float
    measure: Measure
    measured: dict[Form, Measurement] = field(default_factory=dict)
    correction: float = 1.0  # measured over estimated height
    dropped: set[int] = field(default_factory=set)
    passes: int = 0
    slack: float = 0.0  # mm kept free after a prediction proved wrong on the real page
    estimates: dict[tuple[Any, ...], Measurement] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.layouts = candidates(self.page, self.minimum)

    def basis(self, layout: Layout) -> Measurement:
        """The measurement that predicts ``layout``: its form's, or the corrected estimate."""
        known = self.measured.get(layout.form)
        if known is None:  # the same form in other columns: its lines at the new width
            near = [m for m in self.measured.values() if m.form[1] == layout.compact]
            known = min(near, key=lambda m: abs(m.size - layout.size), default=None)
        if known is not None:
            return known.without(self.dropped)
        key = (layout.form, frozenset(self.dropped), self.correction)
        if key not in self.estimates:  # one per form: sizes follow from its lines
            guess = estimate(self.items, MAX_SIZE, layout.form, self.page)
            guess = guess.without(self.dropped)
            units = tuple(replace(u, height=u.height * self.correction) for u in guess.units)
            self.estimates[key] = replace(guess, units=units, body=guess.body * self.correction)
        return self.estimates[key]

    def fill(self, layout: Layout) -> Fill:
        basis = self.basis(layout)
        steps = 0.0 if basis.estimated else abs(basis.size - layout.size) / SIZE_STEP
        steps += 1.0 if basis.form != layout.form and not basis.estimated else 0.0
        slack = 0.002 * steps * self.page.content_height  # trust fades with distance
        return fill(basis, layout, self.page, slack + self.slack)

    def best(self) -> Layout | None:
        """The best layout predicted to fit."""
        return next((c for c in self.layouts if self.fill(c).fits), None)

    def learn(self, layout: Layout) -> None:
        """Measure ``layout``'s form at its size."""
        kept = [i for i in range(len(self.items)) if i not in self.dropped]
        measured = self.measure([self.items[i] for i in kept], layout.size, layout.form)
        self.passes += 1
        self.adopt(measured, kept)

    def adopt(self, measured: Measurement, items: Sequence[int]) -> None:
        """Keep what a layout of the real page showed (``items``: the indices laid out)."""
        units = tuple(
            replace(u, item=items[u.item]) if u.item is not None else u for u in measured.units
        )
        measured = replace(measured, units=units)
        guess = estimate(self.items, measured.size, measured.form, self.page)
        self.correction = measured.body / max(guess.without(self.dropped).body, 1e-6)
        self.measured[measured.form] = measured

    def choose(self, tried: dict[tuple[float, Form], Tried]) -> Layout | None:
        """The best layout that fits on the real page, or is predicted to."""
        for layout in self.layouts:
            key = (layout.size, layout.form)
            if key in tried:
                if tried[key][0] is not None:
                    return layout
            elif self.fill(layout).fits:
                return layout
        return None

    def instead_of_measuring(self, layout: Layout) -> Layout | None:
        """The real page to lay out instead of measuring ``layout``, whose form was not
        measured near its size; None to measure. The page's boxes tell what a measuring pass
        would (every item's height at its width), and the page may be the sheet.

        A page of one column costs what a measuring pass does: the one column at the size
        and form of ``layout`` is laid out when it might fit by the estimate (it would win).
        A page of columns costs two to four measuring passes, WeasyPrint laying them out
        again to balance them: it is laid out first only when nothing was laid out yet and
        the estimate is clear, ``layout`` fitting with room and every better one not.
        At the largest type the space left sets the spread between items: the page of one
        column is laid out first only when the spread is certain: none for a single item, the
        most there is for content far shorter than the page (checked against its boxes).
        """
        if layout.size >= MAX_SIZE:
            count = len(self.items) - len(self.dropped)
            certain = self.certain_spread(layout, count) is not None
            return layout if layout.columns == 1 and certain else None
        if layout.columns == 1:
            return layout
        height = self.page.content_height
        single = Layout(layout.size, 1, compact=layout.compact)
        hopeful = fill(self.basis(single), single, self.page, -DOUBT * height)
        if self.basis(single).estimated and hopeful.fits:
            return single
        if self.passes or not self.basis(layout).estimated:
            return None
        if not fill(self.basis(layout), layout, self.page, CLEAR * height).fits:
            return None
        better = self.layouts[: self.layouts.index(layout)]
        if any(fill(self.basis(b), b, self.page, -CLEAR * height).fits for b in better):
            return None
        return layout

    def certain_spread(self, layout: Layout, count: int) -> float | None:
        """The spread between ``count`` items at the largest type that no measurement
        could change: none for a single item, the most there is for content far shorter
        than the page (by the estimate, with the content taller by twice the doubt); None
        when only a measurement can tell."""
        if count < 2:
            return 0.0
        if _spread(self, layout, count, 1 + 2 * DOUBT) >= MAX_SPREAD:
            return MAX_SPREAD
        return None

    def worth_measuring(self, layout: Layout) -> Layout | None:
        """What to measure before laying out ``layout`` on the real page: ``layout`` itself
        when its form was not measured near its size (at the largest type, at its size: the
        space left sets the spread), or a better layout in a form not measured that the
        estimate says might fit."""
        if self.passes >= MAX_MEASURES:
            return None
        known = self.basis(layout)
        if known.estimated or abs(known.size - layout.size) > NEAR_STEPS * SIZE_STEP:
            return layout
        if layout.size == MAX_SIZE and (known.size, known.form) != (layout.size, layout.form):
            return layout
        for better in self.layouts[: self.layouts.index(layout)]:
            if self.basis(better).estimated and better.size <= layout.size + SIZE_STEP:
                hopeful = fill(
                    self.basis(better), better, self.page, -DOUBT * self.page.content_height
                )
                if hopeful.fits:
                    return better
        return None


def fit_summary(
    items: list[Item], page: Page, minimum: float, measure: Measure, verify: Verify
) -> SummaryFit:
    """Find the largest type at which ``items`` fit one page; drop optional items if needed.

    ``measure(items, size, form)`` lays the content out at ``size`` in one block as wide as
    a column of ``form`` and returns the :class:`Measurement`; ``verify(items, layout)``
    lays out on the real page and returns the rendering (None when it does not fit on one
    page) and what the layout showed (a :class:`Measurement` of the real page, or None:
    then a page laid out first is not used as a measurement).
    """
    fitter = _Fitter(items, page, minimum, measure)
    smallest = fitter.layouts[-1]
    if fitter.fill(smallest).columns_needed > smallest.columns * FAR:
        fitter.learn(smallest)  # far too much, by the estimate: measure the last resort
    tried: dict[tuple[float, Form], Tried] = {}
    while True:
        choice = fitter.choose(tried)
        if choice is None:
            known = fitter.measured.get(smallest.form)
            if known is None or known.size != smallest.size:
                fitter.learn(smallest)
            elif _drop(fitter, smallest):
                tried.clear()  # other items: what was tried says nothing more
            else:
                raise _does_not_fit(fitter, smallest)
            continue
        key = (choice.size, choice.form)
        kept = [i for i in range(len(items)) if i not in fitter.dropped]
        rendered, layout = tried.get(key, (None, choice))
        if rendered is not None:
            dropped: dict[str, int] = {}
            for index in sorted(fitter.dropped):
                dropped[items[index].group] = dropped.get(items[index].group, 0) + 1
            return SummaryFit(layout, rendered, fitter.passes, [items[i] for i in kept], dropped)
        doubt = fitter.worth_measuring(choice)
        page_first = fitter.instead_of_measuring(choice) if doubt is choice else None
        if doubt is not None and page_first is None:
            fitter.learn(doubt)
            continue
        if page_first is not None:  # the real page is the measurement, and maybe the sheet
            choice, key = page_first, (page_first.size, page_first.form)
        layout = replace(choice)
        certain = None
        if page_first is not None and layout.size >= MAX_SIZE:
            certain = fitter.certain_spread(layout, len(kept))
        layout.spread = _spread(fitter, layout, len(kept)) if certain is None else certain
        rendered, measured = verify([items[i] for i in kept], layout)
        fitter.passes += 1
        if page_first is not None and layout.spread:  # the spread its own boxes call for?
            if measured is not None:
                fitter.adopt(_unspread(measured, layout.spread), kept)
                if rendered is not None and _spread(fitter, layout, len(kept)) == layout.spread:
                    tried[key] = (rendered, layout)
            continue  # else laid out again, with the spread measured
        if rendered is None and layout.spread:  # optimistic: give back the extra space
            layout.spread = 0.0
            rendered, measured = verify([items[i] for i in kept], layout)
            fitter.passes += 1
        tried[key] = (rendered, layout)
        if measured is not None and not layout.spread and (rendered is None or page_first):
            fitter.adopt(measured, kept)
        elif rendered is None:
            fitter.slack += 0.005 * page.content_height  # a little pessimism


def _drop(fitter: _Fitter, smallest: Layout) -> bool:
    """Leave out optional items from the end, as few as the smallest layout needs."""
    optional = [
        i for i, item in enumerate(fitter.items)
        if item.group != "key-points" and i not in fitter.dropped
    ]  # fmt: skip
    measured = fitter.measured[smallest.form]
    for count in range(1, len(optional) + 1):
        dropped = fitter.dropped | set(optional[-count:])
        if fill(measured.without(dropped), smallest, fitter.page).fits:
            fitter.dropped = dropped
            return True
    if optional:
        fitter.dropped |= set(optional)
        return True
    return False


def _spread(fitter: _Fitter, layout: Layout, count: int, taller: float = 1.0) -> float:
    """Extra space between items (ems) so that short content uses the page, not its top
    (``taller``: with the content that many times as tall, the header too)."""
    if layout.size < MAX_SIZE or count < 2:
        return 0.0
    basis = fitter.basis(layout)
    ratio = layout.size / basis.size
    available = fitter.page.content_height - basis.header * ratio * taller
    height = basis.body * ratio**2 / layout.columns * (BALANCE if layout.columns > 1 else 1.0)
    rows = count if layout.columns == 1 else math.ceil(count / layout.columns)
    per_gap_mm = (available - height * taller) * 0.8 / max(1, rows)
    return round(min(MAX_SPREAD, max(0.0, per_gap_mm) * PT_PER_MM / layout.size), 2)


def _unspread(measured: Measurement, spread: float) -> Measurement:
    """What a page laid out with ``spread`` ems more below each item measures without it."""
    if not spread:
        return measured
    extra = spread * measured.size / PT_PER_MM
    units = tuple(
        u if u.title else replace(u, height=u.height - extra, margin_bottom=u.margin_bottom - extra)
        for u in measured.units
    )
    body = measured.body - extra * sum(1 for u in measured.units if not u.title)
    return replace(measured, units=units, body=body)


def _does_not_fit(fitter: _Fitter, smallest: Layout) -> DoesNotFit:
    needed = fitter.fill(smallest).columns_needed * BALANCE / smallest.columns
    pages = max(1.05, needed)
    total = len(fitter.items) - len(fitter.dropped)
    remove = max(1, math.ceil(total * (1 - 1 / pages)))
    return DoesNotFit(pages, fitter.minimum, remove, total)
