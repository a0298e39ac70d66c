"""The layout passes of flashcard sheets, and the sheets put together from them.

The first pass lays out every page at the default type sizes. A later pass lays out only
the faces being fitted, each at the very place it has on its sheet (same page size, same
position on the page), so the box it makes for a face is the box a full relayout would
make; a face's card then holds its text alone (the deck's name, the card's number and
tags do not change with its type size), unless it is shown clipped. The sheets are then
the first pass's pages with those boxes put in place of the faces whose size changed: no
face is laid out again at a size it was already laid out at, and each partial pass's
document is dropped as soon as its boxes are taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from studygen import pdf
from studygen.outputs.card_geometry import Cell, Plan, SheetPage
from studygen.outputs.face_fit import TOLERANCE

if TYPE_CHECKING:
    from studygen.outputs.base import Job
    from studygen.outputs.flashcards import Face

CARD_ATTRIBUTE = "data-card"  # on each card face's box: its face id, as ``data-fit``
FIT_ATTRIBUTE = "data-fit"  # on the box holding a face's text
# The template's context: the plan, each face's size, the faces shown clipped, and the
# faces whose cards hold their text only.
Context = Callable[
    [Plan, "dict[Face, float]", "frozenset[Face]", "frozenset[Face]"], "dict[str, Any]"
]


@dataclass
class Kept:
    """A face's box from a partial pass, and the size and clipping it was laid out with:
    its card's box when shown clipped (the card then says so), else its text's box."""

    size: float
    clipped: bool
    box: Any


class Passes:
    """Lays out the sheets of one plan: the whole plan once, then faces at their places."""

    def __init__(
        self, job: Job, plan: Plan, faces: dict[str, Face], least: float, context: Context
    ) -> None:
        self.job, self.plan, self.faces, self.least, self.context = (
            job, plan, faces, least, context,
        )  # fmt: skip
        self.places = {
            cell_face(cell): (page.kind, cell)
            for page in plan.pages
            for cell in page.cells
            if cell.index is not None
        }
        self.first: pdf.Rendered | None = None
        self.kept: dict[str, Kept] = {}
        self.said: list[pdf.Rendered] = []  # what partial passes said and were refused
        self.partial = 0
        self.pictured: set[str] = set()  # faces with a picture: its height does not scale

    def _ratios(self, document: Any) -> dict[str, float]:
        ratios = {}
        for face_id, (ratio, pictured) in fill_ratios(document).items():
            ratios[face_id] = ratio
            if pictured:
                self.pictured.add(face_id)
        return ratios

    def measure(self, sizes: dict[str, float], fitting: set[str] | None) -> dict[str, float]:
        """Lay out the faces named (every page when None); each one's needed / available."""
        if fitting is None:
            by_face = {self.faces[face_id]: size for face_id, size in sizes.items()}
            self.first = self.job.lay_out(
                self.context(self.plan, by_face, frozenset(), frozenset())
            )
            return self._ratios(self.first.document)
        wanted = {face_id: (sizes[face_id], sizes[face_id] <= self.least) for face_id in fitting}
        return self.lay_out_faces(wanted)

    def lay_out_faces(self, wanted: dict[str, tuple[float, bool]]) -> dict[str, float]:
        """One partial pass: each face at (size, clipped); keeps the boxes that may be final
        (the face fits, or it is at the smallest size and is shown clipped).

        A face not shown clipped is laid out as its text alone in its card: the card's
        other parts do not change with the type size, the first pass's stay.
        """
        self.partial += 1
        rendered = self.job.lay_out(self.context(*self._partial_plan(wanted)))
        ratios = self._ratios(rendered.document)
        for face_id, card in card_boxes(rendered.document):
            size, clipped = wanted[face_id]
            box = card if clipped else text_box(card)
            if (ratios[face_id] <= TOLERANCE or clipped) and box is not None:
                self.kept[face_id] = Kept(size, clipped, box)
        # Only the boxes taken stay: the rest of the document goes now.
        self.said.append(replace(rendered, document=None))
        return ratios

    def _partial_plan(
        self, wanted: dict[str, tuple[float, bool]]
    ) -> tuple[Plan, dict[Face, float], frozenset[Face], frozenset[Face]]:
        """Pages holding the faces ``wanted`` at their places, no two on one place."""
        pages: list[tuple[str, list[Cell], set[tuple[Any, ...]]]] = []
        for face_id in sorted(wanted, key=lambda f: self.faces[f]):
            kind, cell = self.places[self.faces[face_id]]
            place = (kind, cell.x, cell.y, cell.width, cell.height)
            free = next((page for page in pages if page[0] == kind and place not in page[2]), None)
            if free is None:
                free = (kind, [], set())
                pages.append(free)
            free[1].append(cell)
            free[2].add(place)
        sheet_pages = (SheetPage(kind, n, tuple(cells)) for n, (kind, cells, _) in enumerate(pages))
        plan = replace(self.plan, pages=tuple(sheet_pages))
        sizes = {self.faces[face_id]: size for face_id, (size, _) in wanted.items()}
        clipped = frozenset(self.faces[face_id] for face_id, (_, c) in wanted.items() if c)
        return plan, sizes, clipped, frozenset(sizes) - clipped

    def sheets(
        self, defaults: dict[str, float], sizes: dict[str, float], clipped: set[str]
    ) -> tuple[pdf.Rendered, int]:
        """The sheets with the fitted sizes, and the full layout passes this took (0 or 1).

        With a project's own templates or theme every page is laid out again (they may
        number what they print across pages), and so with a WeasyPrint release whose page
        boxes were not checked (``Job.pages_reusable``).
        """
        assert self.first is not None
        final = {face_id: (sizes[face_id], face_id in clipped) for face_id in self.faces}
        changed = {f for f, state in final.items() if state != (defaults[f], False)}
        if not changed:
            return self.first, 0
        if self.job.pages_reusable:
            redo = {
                f: final[f] for f in changed if f not in self.kept or self._state(f) != final[f]
            }
            if redo:  # laid out at its final size only while measured as clipped, or never
                self.lay_out_faces(redo)
            places = self._places(changed)
            if places is not None:
                return self._put(places), 0
        # Every page again: a project's templates or theme may number what they print across
        # pages, WeasyPrint's boxes may not be what was checked, or a face's text was not
        # placed in its card as studygen's stylesheet places it.
        by_face = {self.faces[face_id]: size for face_id, size in sizes.items()}
        shown = frozenset(self.faces[face_id] for face_id in clipped)
        return self.job.lay_out(self.context(self.plan, by_face, shown, frozenset())), 1

    def _places(self, changed: set[str]) -> list[tuple[int, Any, Any]] | None:
        """(page index, placeholder, box to put in it) of each face ``changed`` in the first
        pass's pages; None when one is missing."""
        assert self.first is not None
        places = []
        for number, page in enumerate(self.first.document.pages):
            for face_id, card in card_placeholders(page._page_box):
                if face_id not in changed:
                    continue
                kept = self.kept.get(face_id)
                if kept is None:
                    return None
                place = card if kept.clipped else text_placeholder(card._box)
                if place is None:
                    return None
                places.append((number, place, kept.box))
        return places

    def _put(self, places: list[tuple[int, Any, Any]]) -> pdf.Rendered:
        """The first pass's document with the boxes put in their places."""
        assert self.first is not None
        for _, placeholder, box in places:
            placeholder.set_laid_out_box(box)
        rendered = self.first
        for said in self.said:
            rendered = pdf.spliced(rendered, said, rendered.document)
        return _remade(rendered, {number for number, _, _ in places})

    def _state(self, face_id: str) -> tuple[float, bool]:
        kept = self.kept[face_id]
        return kept.size, kept.clipped


def cell_face(cell: Cell) -> Face:
    """The face a cell holds (``cell.index`` is not None)."""
    from studygen.outputs.flashcards import Face

    assert cell.index is not None
    return Face(cell.index, cell.face)


def card_placeholders(page_box: Any) -> Iterator[tuple[str, Any]]:
    """(face id, the placeholder WeasyPrint leaves in the page for it) of each card face."""
    for box in page_box.descendants():
        for child in getattr(box, "children", ()):
            face_id = _placed(child, CARD_ATTRIBUTE)
            if face_id is not None:
                yield face_id, child


def text_placeholder(card: Any) -> Any:
    """The placeholder WeasyPrint leaves in a card's box for the box of its text
    (``data-fit``, placed absolutely in the card), or None."""
    children = getattr(card, "children", ())
    return next((c for c in children if _placed(c, FIT_ATTRIBUTE) is not None), None)


def _placed(child: Any, attribute: str) -> str | None:
    """``attribute`` of the element whose own absolutely placed box ``child`` holds the
    place of, or None (not a placeholder, an anonymous box, or no such attribute)."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if not isinstance(child, AbsolutePlaceholder) or child.element is None:
        return None
    if child.element_tag != child.element.tag:
        return None
    value = child.element.get(attribute)
    return None if value is None else str(value)


def text_box(card: Any) -> Any:
    """The laid-out box of a card's text, or None."""
    placeholder = text_placeholder(card)
    return None if placeholder is None else placeholder._box


def card_boxes(document: Any) -> Iterator[tuple[str, Any]]:
    """(face id, laid-out box) of each card face of a document."""
    for page in document.pages:
        for face_id, placeholder in card_placeholders(page._page_box):
            yield face_id, placeholder._box


def _remade(rendered: pdf.Rendered, touched: set[int]) -> pdf.Rendered:
    """``rendered`` with the pages numbered ``touched``, whose boxes were changed, made
    again from their boxes, so their links and anchors follow the boxes."""
    from weasyprint.document import Page

    document = rendered.document
    pages = [
        Page(page._page_box) if number in touched else page
        for number, page in enumerate(document.pages)
    ]
    return replace(rendered, document=document.copy(pages))


def fill_ratios(document: Any) -> dict[str, tuple[float, bool]]:
    """For each card face: the height its text takes over the height it has (below 1 when
    it fits, however much room is left), and whether it holds a picture.

    A text that runs past the bottom of the page is cut there: only the lines above it are
    laid out, whatever the type size. The height of an overflowing text is then estimated
    from the share of its characters laid out (the lines' height grows with the text they
    hold), so that the next size tried is predicted from the whole text, not from what the
    page edge left.
    """
    from weasyprint.formatting_structure import boxes

    found: dict[str, tuple[float, bool]] = {}
    for _, face_id, body in pdf.marked_boxes(document, FIT_ATTRIBUTE):
        if face_id in found or not body.height:
            continue
        text = next(
            (box for box in body.descendants()
             if box.element is not None and box.element_tag == box.element.tag
             and box.element.get("class") in ("question", "answer")),
            None,
        )  # fmt: skip
        children = getattr(text, "children", None) or []
        if text is None or not children:
            found[face_id] = (0.0, False)
            continue
        top = min(child.position_y for child in children)
        bottom = max(child.position_y + child.margin_height() for child in children)
        pictured = any(isinstance(box, boxes.ReplacedBox) for box in text.descendants())
        ratio = (bottom - top) / body.height
        if ratio > TOLERANCE:  # overflowing: it may run past the page's end
            ratio *= _uncut_share(text)
        found[face_id] = (ratio, pictured)
    return found


_SPACE = re.compile(r"\s+")


def _uncut_share(text: Any) -> float:
    """The number of characters of the whole text over the number laid out (at least 1:
    a list marker or a hyphen adds characters of its own)."""
    from weasyprint.formatting_structure import boxes

    laid = sum(
        len(_SPACE.sub("", box.text))
        for box in text.descendants()
        if isinstance(box, boxes.TextBox)
    )
    whole = len(_SPACE.sub("", "".join(text.element.itertext())))
    return max(1.0, whole / laid) if laid else 1.0


def show_whole_lines(rendered: pdf.Rendered, face_ids: set[str]) -> pdf.Rendered:
    """``rendered`` with the text of the faces ``face_ids``, shown clipped, ending on the
    last line that fits whole in its box: the lines below, cut through by the box's edge
    or hidden, are taken out of the pages, so a line is never printed cut in half and
    the text the card cannot show is neither read out nor found by a search. The first
    line stays, whatever its height.

    Needs WeasyPrint's boxes as checked (:func:`pdf.engine_known`); else ``rendered`` as
    it is: the box's edge cuts the text where it falls.
    """
    document = rendered.document
    if not face_ids or document is None or not pdf.engine_known():
        return rendered
    touched = set()
    for number, face_id, body in pdf.marked_boxes(document, FIT_ATTRIBUTE):
        if face_id in face_ids:
            _keep_above(body, body.padding_box_y() + body.padding_height(), first=True)
            touched.add(number)
    return _remade(rendered, touched)  # the links of the lines taken out go with them


def _keep_above(box: Any, bottom: float, first: bool) -> bool:
    """Take out of ``box`` the lines that end below ``bottom`` and the boxes that start
    below it, unless ``first`` (no line met yet: the first line stays). Whether no line
    was met yet, after ``box``."""
    from weasyprint.formatting_structure import boxes

    kept = []
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            if child.position_y + child.height > bottom + 0.01 and not first:
                break
            first = False
        elif child.position_y >= bottom and not first:
            break
        else:
            first = _keep_above(child, bottom, first)
        kept.append(child)
    if isinstance(box, boxes.ParentBox):
        box.children = kept
    return first
