"""The one-page key-points sheet: what goes on it, and the largest type at which it fits.

How the size is found, in about one layout of the sheet, is in ``key_points_fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from studygen import pdf
from studygen.choices import PAPERS, SUMMARY_PARTS
from studygen.errors import BuildError, SourceError
from studygen.limits import MAX_KEY_POINT_ITEMS
from studygen.model import DefinitionBlock, Document
from studygen.outputs.base import Job, Made, Skipped
from studygen.outputs.key_points_fit import (
    COLUMN_GAP_MM,
    MAX_SIZE,
    MEASURE_PAGE_MM,
    MM_PER_PX,
    PAGE_MARGINS_MM,
    DoesNotFit,
    Form,
    Item,
    Layout,
    Measurement,
    Page,
    Paragraph,
    SummaryFit,
    Unit,
    candidates,
    fit_summary,
)
from studygen.templating import common_context

__all__ = ["DoesNotFit", "Item", "Layout", "Page", "candidates", "fit_summary", "gather"]

if TYPE_CHECKING:
    from studygen.sources.loader import Source


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


# --- Reading a measuring pass ------------------------------------------------------------------


def read_measurement(
    document: Any, size: float, form: Form, column: float, items: Sequence[Item]
) -> Measurement | None:
    """The :class:`Measurement` of a laid-out sheet: a measuring pass's block (marked
    ``data-measure="body"``) or the real page's columns. None when the header (marked
    ``data-measure="header"``) or the body cannot be found (a template that lost them)."""
    header = None
    sections: list[Any] = []
    pages = set()
    for number, name, box in pdf.marked_boxes(document, "data-measure"):
        if name == "header" and header is None:
            header = box.margin_height() * MM_PER_PX
        elif name == "body":
            sections += _sections(box)
            pages.add(number)
    measuring = bool(sections)
    if not sections:
        for number, name, box in pdf.marked_boxes(document, "class"):
            if "sheet-body" in name.split():
                sections += _sections(box)
                pages.add(number)
    if header is None or not sections:
        return None
    unique = {id(section): section for section in sections}  # columns repeat their sheet's tag
    sections = list(unique.values())
    blocks: list[tuple[Any, list[Any]]] = []  # element, its fragments (columns, pages)
    for section in sections:
        for child in section.children:
            element = getattr(child, "element", None)
            if blocks and element is not None and blocks[-1][0] is element:
                blocks[-1][1].append(child)
            else:
                blocks.append((element, [child]))
    order = _unit_items(items)
    units = []
    for number, (_, fragments) in enumerate(blocks):
        item, title = order[number] if number < len(order) else (None, number == len(order))
        height = sum(f.margin_height() for f in fragments) * MM_PER_PX
        margin = fragments[-1].margin_bottom * MM_PER_PX
        paragraphs = tuple(p for f in fragments for p in _paragraphs(f))
        units.append(Unit(item, title, height, margin, paragraphs))
    # A block that ends a column may have lost its bottom margin: give it back.
    margins = sorted(u.margin_bottom for u in units if u.item is not None)
    usual = margins[len(margins) // 2] if margins else 0.0
    units = [
        replace(u, height=u.height + usual - u.margin_bottom, margin_bottom=usual)
        if u.item is not None and u.margin_bottom < usual * 0.9
        else u
        for u in units
    ]
    body = sum(u.height for u in units)
    if len(pages) == 1 and blocks and (measuring or form[0] == 1):
        # one block on one page: its extent, margins collapsed
        first, last = blocks[0][1][0], blocks[-1][1][-1]
        body = (last.position_y + last.margin_height() - first.position_y) * MM_PER_PX
    return Measurement(size, form, column, header, body, tuple(units))


def _sections(box: Any) -> list[Any]:
    """The groups' sections inside ``box``, in order (in its columns, if it has any)."""
    return [d for d in box.descendants() if getattr(d, "element_tag", None) == "section"]


def _unit_items(items: Sequence[Item]) -> list[tuple[int | None, bool]]:
    """(item, is a title) for each block of the body in the template's order; after them
    come the links, a title first."""
    order: list[tuple[int | None, bool]] = []
    for group in SUMMARY_PARTS:
        indices = [i for i, item in enumerate(items) if item.group == group]
        if indices and group != "key-points":
            order.append((None, True))
        order += [(i, False) for i in indices]
    return order


def _paragraphs(box: Any) -> list[Paragraph]:
    """Every run of lines in ``box``: how many, how wide their text, how tall."""
    children = getattr(box, "children", None) or []
    lines = [c for c in children if type(c).__name__ == "LineBox"]
    if not lines:
        inside = [c for c in children if getattr(c, "children", None) and c.is_in_normal_flow()]
        return [p for child in inside for p in _paragraphs(child)]
    widths = []
    for line in lines:
        parts = [c for c in line.children if c.is_in_normal_flow()] or line.children
        if parts:
            left = min(c.position_x for c in parts)
            right = max(c.position_x + c.margin_width() for c in parts)
            widths.append(max(0.0, right - left) * MM_PER_PX)
        else:
            widths.append(0.0)
    height = sum(line.margin_height() for line in lines) * MM_PER_PX
    width = box.width * MM_PER_PX
    if width <= 0 or sum(widths) <= 0:
        return []
    return [Paragraph(len(lines), sum(widths), widths[-1], width, height / len(lines))]


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


def sheet_context(
    job: Job,
    layout: Layout,
    items: list[Item],
    height: float | None = None,
    widths: object = None,
) -> dict[str, Any]:
    """What the template gets for ``layout``: on the real page, or (``height``, ``widths``)
    on a measuring page."""
    paper = PAPERS[job.options.paper]
    page_box = {"width": paper.width, "height": height or paper.height, "margins": PAGE_MARGINS_MM}
    values = context_values(layout, items)
    return {**common_context(job.source.doc), **values, "page": page_box, "measure_widths": widths}


def fit_sheet(job: Job, items: list[Item]) -> SummaryFit:
    """Fit ``items`` on one page (raises :class:`DoesNotFit`)."""
    paper = PAPERS[job.options.paper]
    page = Page(paper.width, paper.height)

    def read(document: Any, size: float, form: Form, items: list[Item]) -> Measurement:
        width = page.column_width(form[0])
        measured = read_measurement(document, size, form, width, items)
        if measured is None:
            raise BuildError(
                'key-points template: no elements marked data-measure="header" and '
                '"body" to measure — keep the built-in template\'s data-measure marks'
            )
        return measured

    def measure(items: list[Item], size: float, form: Form) -> Measurement:
        columns, compact = form
        bodies = [(columns, page.column_width(columns), compact)]
        context = sheet_context(
            job, Layout(size, 1, compact=compact), items, MEASURE_PAGE_MM, bodies
        )
        return read(job.lay_out(context).document, size, form, items)

    def verify(items: list[Item], layout: Layout) -> tuple[pdf.Rendered | None, Measurement | None]:
        # The page's boxes are a measurement when it does not fit, or was laid out first.
        rendered = job.lay_out(sheet_context(job, layout, items))
        measured = read(rendered.document, layout.size, layout.form, items)
        return (rendered if rendered.pages == 1 else None), measured

    return fit_summary(items, page, job.options.summary_min_size, measure, verify)


def _make(job: Job) -> Made:
    source, options = job.source, job.options
    items = gather(source.doc, options.summary_include)
    least = job.theme.min_text_size
    if least is not None and least > MAX_SIZE:  # large print: the sheet reflows, never shrinks
        rendered = job.lay_out(sheet_context(job, Layout(least, 1), items))
        job.check_refusals(rendered)
        notes = [f"key points: {least:g} pt type for the theme, on {rendered.pages} page(s)"]
        return Made(rendered, job.layout_warnings(rendered), notes if options.verbose else [])
    try:
        fit = fit_sheet(job, items)
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
