"""The one-page key-points sheet: what goes on it, and the largest type at which it fits.

Fitting takes few passes. Pass 1 lays the content out once, in one column on a page
tall enough to hold it all, and measures its height. Text area grows with the square
of the type size and spreads over columns, so that one measurement predicts the height
of every (size, columns) candidate; the largest size that is predicted to fit is laid
out on the real page to verify it. Only a wrong prediction costs another pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studygen import pdf
from studygen.choices import PAPERS, SUMMARY_PARTS, SUMMARY_SIZES
from studygen.errors import BuildError, ContentError, SourceError
from studygen.limits import MAX_KEY_POINT_ITEMS
from studygen.model import DefinitionBlock, Document
from studygen.outputs.base import Job, Made, Skipped
from studygen.templating import common_context

if TYPE_CHECKING:
    from studygen.sources.loader import Source

PT_PER_MM = 72 / 25.4
MAX_SIZE = SUMMARY_SIZES[1]
SIZE_STEP = 0.25
COLUMN_GAP_MM = 7.0
MIN_COLUMN_EMS = 20.0  # a column narrower than this many ems reads badly
MEASURE_PAGE_MM = 3000.0
# margins of the page: top, right, bottom, left (the template sets them from these)
PAGE_MARGINS_MM = (16.0, 17.0, 15.0, 17.0)


@dataclass(frozen=True)
class Item:
    """One block of the sheet: a term (or question) and its text."""

    group: str  # "key-points", "definitions" or "faq"
    term: str
    text: str


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


def gather(doc: Document, include: tuple[str, ...]) -> list[Item]:
    """The items of the sheet, key points first, then definitions and FAQ if included."""
    items = [Item("key-points", p.term, p.text) for p in doc.key_points]
    if "definitions" in include:
        seen = {p.term.casefold() for p in doc.key_points}
        for section in doc.sections:
            for block in section.blocks:
                if isinstance(block, DefinitionBlock) and block.term.casefold() not in seen:
                    seen.add(block.term.casefold())
                    items.append(Item("definitions", block.term, block.text))
    if "faq" in include:
        items += [Item("faq", entry.question, entry.answer) for entry in doc.faq]
    return items


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


COMPACT_FROM = 10.0  # points: the compact form is tried at this size and below


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


Form = tuple[int, bool]  # columns, compact
Measure = Callable[[list[Item], float, "tuple[Form, ...] | None"], tuple[dict[Form, float], float]]
Verify = Callable[[list[Item], Layout], pdf.Rendered | None]
BALANCE = 1.05  # columns hold whole blocks, so the tallest is a little over the average
FAR = 1.2  # predicted over available at the smallest layout: refuse without measuring again
PROBE_CHARACTERS = 15_000  # more text than this: try the most compact layout alone first


@dataclass
class _Model:
    """Height of the content set in one column of each width, as a function of type size.

    Each measurement pass lays the content out once per column width (1, 2 and 3 columns)
    in one document. With one measured size, height is taken to grow with the square of
    the size (text area); with two, ``a·s + b·s²`` goes through both points, which also
    covers what grows only linearly (headings, spacing, short last lines).
    """

    points: dict[Form, list[tuple[float, float]]] = field(default_factory=dict)
    header: float = 0.0  # at MAX_SIZE

    def add(self, size: float, heights: dict[Form, float]) -> None:
        for form, height in heights.items():
            known = self.points.setdefault(form, [])
            known[:] = [p for p in known if p[0] != size][-1:] + [(size, height)]

    def column_height(self, layout: Layout) -> float:
        """Predicted height of the tallest column (mm)."""
        points = self.points[(layout.columns, layout.compact)]
        s = layout.size
        if len(points) == 1:
            ((s0, h0),) = points
            total = h0 * (s / s0) ** 2
        else:
            (s0, h0), (s1, h1) = points[-2:]
            b = (h0 / s0 - h1 / s1) / (s0 - s1)
            a = h0 / s0 - b * s0
            total = a * s + b * s * s
        return total / layout.columns * (BALANCE if layout.columns > 1 else 1.0)


@dataclass
class _Fitter:
    page: Page
    minimum: float
    model: _Model = field(default_factory=_Model)
    pessimism: float = 1.0

    def available(self, layout: Layout) -> float:
        return self.page.content_height - self.model.header * layout.size / MAX_SIZE

    def predicted(self, layout: Layout) -> float:
        return self.model.column_height(layout) * self.pessimism

    def choose(self, below: Layout | None = None) -> tuple[Layout, float] | None:
        """The best candidate predicted to fit (after ``below``), and its free height."""
        found = candidates(self.page, self.minimum)
        if below is not None:
            key = (below.size, below.columns, below.compact)
            rank = next(i for i, c in enumerate(found) if (c.size, c.columns, c.compact) == key)
            found = found[rank + 1 :]
        for layout in found:
            free = self.available(layout) - self.predicted(layout)
            if free >= self.available(layout) * 0.015:
                return layout, free
        return None

    def smallest(self) -> Layout:
        return candidates(self.page, self.minimum)[-1]

    def measure(
        self,
        measure: Measure,
        items: list[Item],
        size: float,
        forms: tuple[Form, ...] | None = None,
    ) -> None:
        heights, header = measure(items, size, forms)
        self.model.add(size, heights)
        self.model.header = header * MAX_SIZE / size


def fit_summary(
    items: list[Item], page: Page, minimum: float, measure: Measure, verify: Verify
) -> SummaryFit:
    """Find the largest type at which ``items`` fit one page; drop optional items if needed.

    ``measure(items, size, forms)`` lays the content out at ``size`` once per column width
    and form (all, or ``forms``) on a page too tall to overflow and returns
    ({(columns, compact): height}, header height) in mm;
    ``verify(items, layout)`` lays out on the real page and returns the rendering, or
    None when it does not fit on one page.
    """
    passes = 0
    dropped: dict[str, int] = {}
    if sum(len(i.term) + len(i.text) for i in items) > PROBE_CHARACTERS and all(
        i.group == "key-points" for i in items
    ):
        # Much more than a page holds: measure the most compact layout alone first, and
        # refuse at once if even it is far too long.
        probe = _Fitter(page, minimum)
        smallest = probe.smallest()
        probe.measure(measure, items, MAX_SIZE, ((smallest.columns, smallest.compact),))
        passes += 1
        if probe.predicted(smallest) > probe.available(smallest) * FAR:
            raise _does_not_fit(probe, items)
    while True:
        fitter = _Fitter(page, minimum)
        fitter.measure(measure, items, MAX_SIZE)
        passes += 1
        choice = fitter.choose()
        smallest = fitter.smallest()
        if choice is None and fitter.predicted(smallest) > fitter.available(smallest) * FAR:
            # Far too much even at the smallest size: the measurement at the largest size
            # underestimates small type (short last lines shrink less), so no second pass.
            if not any(i.group != "key-points" for i in items):
                raise _does_not_fit(fitter, items)
        elif choice is None or choice[0].size < MAX_SIZE:  # measure near the chosen size
            guess = choice[0] if choice else smallest
            fitter.measure(measure, items, guess.size)
            passes += 1
            choice = fitter.choose()
        smallest = fitter.smallest()
        if choice is None and fitter.predicted(smallest) < fitter.available(smallest) * 1.08:
            choice = (smallest, 0.0)  # a near miss: let the real page decide
        if choice is not None:
            break
        optional = [i for i in items if i.group != "key-points"]
        if not optional:
            raise _does_not_fit(fitter, items)
        # drop optional items from the end, as many as the measurement says are too many
        ratio = fitter.predicted(fitter.smallest()) / fitter.available(fitter.smallest())
        excess = min(len(optional), max(1, math.ceil(len(items) * (1 - 1 / ratio))))
        for item in optional[-excess:]:
            dropped[item.group] = dropped.get(item.group, 0) + 1
        items = [i for i in items if i not in optional[-excess:]]
    layout, free = choice
    layout.spread = _spread(free, layout, len(items))
    while True:
        rendered = verify(items, layout)
        passes += 1
        if rendered is not None:
            return SummaryFit(layout, rendered, passes, items, dropped)
        if layout.spread:  # the prediction was optimistic: first give back the extra space
            layout = Layout(layout.size, layout.columns, compact=layout.compact)
            continue
        if layout == fitter.smallest():
            raise _does_not_fit(fitter, items)
        fitter.pessimism *= 1.03  # a little pessimism, then the next candidate that fits
        layout, free = fitter.choose(below=layout) or (fitter.smallest(), 0.0)


def _spread(free: float, layout: Layout, count: int) -> float:
    """Extra space between items (ems) so that short content uses the page, not its top."""
    if layout.size < MAX_SIZE or count < 2:
        return 0.0
    rows = count if layout.columns == 1 else math.ceil(count / layout.columns)
    per_gap_mm = free * 0.8 / max(1, rows)
    return round(min(5.0, per_gap_mm * PT_PER_MM / layout.size), 2)


def _does_not_fit(fitter: _Fitter, items: list[Item]) -> DoesNotFit:
    smallest = fitter.smallest()
    pages = max(1.05, fitter.predicted(smallest) / fitter.available(smallest))
    remove = max(1, math.ceil(len(items) * (1 - 1 / pages)))
    return DoesNotFit(pages, fitter.minimum, remove, len(items))


def measure_widths(page: Page) -> dict[int, float]:
    """Column width (mm) for each column count, for the measuring pass."""
    return {columns: page.column_width(columns) for columns in (1, 2, 3)}


def context_values(layout: Layout, items: list[Item]) -> dict[str, Any]:
    """What the key-points template needs besides the document."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return {
        "size": layout.size,
        "columns": layout.columns,
        "spread": layout.spread,
        "groups": [(name, groups[name]) for name in SUMMARY_PARTS if name in groups],
        "column_gap": COLUMN_GAP_MM,
        "compact": layout.compact,
    }


MM_PER_PX = 25.4 / 96


def box_heights(document: Any, attribute: str = "data-measure") -> dict[str, float]:
    """Height (mm) of every box marked ``attribute``, its fragments on all pages added up."""
    heights: dict[str, float] = {}
    seen: set[tuple[int, str]] = set()
    for number, name, box in pdf.marked_boxes(document, attribute):
        if name and (number, name) not in seen:
            seen.add((number, name))
            heights[name] = heights.get(name, 0.0) + box.margin_height() * MM_PER_PX
    return heights


# --- The output ----------------------------------------------------------------------


class KeyPoints:
    """The one-page key-points sheet, at the largest type that fits."""

    name = "key-points"
    file_name = "key-points.pdf"

    def wanted(self, source: Source) -> bool:
        """The sheet needs key points (a deck's terms count as its key points)."""
        return bool(source.doc.key_points)

    def make(self, job: Job) -> Made | Skipped:
        """Fit the sheet; a deck too big for one page leaves it out rather than failing."""
        try:
            _check_count(job.source)
            return _make(job)
        except SourceError as exc:
            if job.source.kind != "deck":
                raise
            # A big deck is still a good deck: its terms just do not make a one-page sheet.
            return Skipped(f"key points left out: {exc.problems[0].message}")


def _check_count(source: Source) -> None:
    """More items than one page can hold are refused before any is measured."""
    count = len(source.doc.key_points)
    if count > MAX_KEY_POINT_ITEMS:
        raise SourceError.single(
            source.path,
            source.line_of("key_points"),
            0,
            f"{count} key points cannot fit on the one-page sheet (at most "
            f"{MAX_KEY_POINT_ITEMS}) — leave it out with --only",
        )


def _make(job: Job) -> Made:
    source, options = job.source, job.options
    paper = PAPERS[options.paper]
    page = Page(paper.width, paper.height)
    shared = common_context(source.doc)

    def context(items: list[Item], layout: Layout, height: float, widths: object) -> dict[str, Any]:
        page_box = {"width": page.width, "height": height, "margins": PAGE_MARGINS_MM}
        values = context_values(layout, items)
        return {**shared, **values, "page": page_box, "measure_widths": widths}

    def measure(
        items: list[Item], size: float, forms: tuple[Form, ...] | None
    ) -> tuple[dict[Form, float], float]:
        widths = measure_widths(page)
        chosen = forms or tuple((c, compact) for c in widths for compact in (False, True))
        bodies = [(c, widths[c], compact) for c, compact in chosen]
        rendered = job.lay_out(context(items, Layout(size, 1), MEASURE_PAGE_MM, bodies))
        heights = box_heights(rendered.document)
        try:
            found = {
                (c, compact): heights[f"body-{c}{'-compact' if compact else ''}"]
                for c, compact in chosen
            }
            return found, heights["header"]
        except KeyError as exc:
            raise BuildError(
                f"key-points template: no element marked data-measure={exc} to measure — "
                "keep the built-in template's data-measure marks"
            ) from None

    def verify(items: list[Item], layout: Layout) -> pdf.Rendered | None:
        rendered = job.lay_out(context(items, layout, page.height, None))
        return rendered if rendered.pages == 1 else None

    items = gather(source.doc, options.summary_include)
    least = job.theme.min_text_size
    if least is not None and least > MAX_SIZE:  # large print: the sheet reflows, never shrinks
        rendered = job.lay_out(context(items, Layout(least, 1), page.height, None))
        job.check_refusals(rendered)
        notes = [f"key points: {least:g} pt type for the theme, on {rendered.pages} page(s)"]
        return Made(rendered, job.layout_warnings(rendered), notes if options.verbose else [])
    try:
        fit = fit_summary(items, page, options.summary_min_size, measure, verify)
    except DoesNotFit as exc:
        raise SourceError.single(source.path, source.line_of("key_points"), 0, str(exc)) from None
    notes = []
    if fit.dropped:
        left_out = ", ".join(f"{count} {group}" for group, count in fit.dropped.items())
        notes.append(f"key points: {left_out} left out for lack of room")
    if options.verbose:
        columns = fit.layout.columns
        form = ", compact" if fit.layout.compact else ""
        notes.append(
            f"key points: {len(fit.items)} items at {fit.layout.size:g} pt in "
            f"{columns} column{'s' if columns > 1 else ''}{form}, "
            f"found in {fit.passes} layout passes"
        )
    job.check_refusals(fit.rendered)
    return Made(fit.rendered, job.layout_warnings(fit.rendered), notes)


OUTPUT = KeyPoints()
