"""Flashcard sheets: choose the cards, place them for the duplex mode, fit each face's text.

Positions come from ``card_geometry`` (millimetres, computed here and handed to the
template as numbers); the type size of each face from ``face_fit``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from studygen import collector, formula_pdf, pdf
from studygen.choices import PAPERS
from studygen.errors import Problem, SourceError
from studygen.markup import plain
from studygen.model import Document
from studygen.outputs.base import Job, Made
from studygen.outputs.card_geometry import (
    COMPACT_FRAME,
    FRAME,
    Plan,
    is_compact,
    plan_sheets,
    resolve_layout,
)
from studygen.outputs.card_options import parse_selection
from studygen.outputs.card_passes import Passes, show_whole_lines
from studygen.outputs.card_pdf import StreamedPdf
from studygen.outputs.face_fit import fit_faces
from studygen.templating import common_context

if TYPE_CHECKING:
    from studygen.config import BuildOptions
    from studygen.sources.loader import Source

FRONT_SIZE = 13.5  # points: a question is read at arm's length
BACK_SIZE = 11.0
MIN_CARD_SIZE = 7.0


class Face(NamedTuple):
    """One side of one card: the card's 0-based index in the source, and the side."""

    card: int
    side: str  # "front" or "back"

    @property
    def id(self) -> str:
        """How the template marks this face for measuring (``data-fit``)."""
        return f"{self.card + 1}-{self.side}"

    @property
    def default_size(self) -> float:
        """Type size before fitting."""
        return FRONT_SIZE if self.side == "front" else BACK_SIZE


def context(
    doc: Document,
    plan: Plan,
    sizes: dict[Face, float] | None = None,
    clipped: frozenset[Face] = frozenset(),
    bodies: frozenset[Face] = frozenset(),
) -> dict[str, Any]:
    """Pages of placed card faces (millimetres), cut guides, and each face's type size.

    The faces ``bodies`` are being fitted: their cards hold their text only, without the
    deck's name, number and tags, whose boxes the first pass already has.
    """
    sizes = sizes or {}
    compact = is_compact(plan.layout)
    frame = COMPACT_FRAME if compact else FRAME
    pages = []
    slots: dict[tuple[float, float, float, float], str] = {}  # a card's place → its class
    type_sizes: dict[float, str] = {}  # a face's type size → its class
    for page in plan.pages:
        cells = []
        for cell in page.cells:
            face = None if cell.index is None else Face(cell.index, cell.face)
            size = sizes.get(face, face.default_size) if face else BACK_SIZE
            place = (cell.x, cell.y, cell.width, cell.height)
            cells.append(
                {
                    "slot": slots.setdefault(place, f"at{len(slots)}"),
                    "size_class": type_sizes.setdefault(size, f"pt{len(type_sizes)}"),
                    "x": cell.x,
                    "y": cell.y,
                    "width": cell.width,
                    "height": cell.height,
                    "face": cell.face,
                    "card": None if face is None else doc.flashcards[face.card],
                    "number": None if face is None else face.card + 1,
                    "id": None if face is None else face.id,
                    "size": size,
                    "body_height": frame.body_height(cell.height),
                    "clipped": face in clipped,
                    "body_only": face in bodies,
                }
            )
        pages.append({"kind": page.kind, "cells": cells, "marks": page.marks, "fold": page.fold})
    paper = plan.layout.paper
    return {
        **common_context(doc),
        "pages": pages,
        "total": len(doc.flashcards),
        "paper": {"width": paper.width, "height": paper.height},
        "compact": compact,
        "frame": frame,
        # Each place a card takes on a page, and each type size, once as a class: a
        # stylesheet parsed once instead of a style attribute on every card.
        "slots": [
            {"name": name, "x": x, "y": y, "width": w, "height": h,
             "body_height": frame.body_height(h)}
            for (x, y, w, h), name in slots.items()
        ],
        "type_sizes": [{"name": name, "size": size} for size, name in type_sizes.items()],
    }  # fmt: skip


def selected_indexes(source: Source, tags: tuple[str, ...], cards_only: str | None) -> list[int]:
    """0-based indexes of the cards to print: all, or those matching ``--tags``/``--cards-only``.

    A selection that matches no card of this source fails this source only.
    """
    doc = source.doc
    indexes = list(range(len(doc.flashcards)))
    if cards_only:
        chosen = set(parse_selection(cards_only, len(doc.flashcards)))
        indexes = [i for i in indexes if i in chosen]
    if tags:
        wanted = {t.casefold() for t in tags}
        indexes = [i for i in indexes if wanted & {t.casefold() for t in doc.flashcards[i].tags}]
    if not indexes:
        line = source.line_of("flashcards")
        message = "no card matches the selection (--tags / --cards-only)"
        raise SourceError.single(source.path, line, 0, message)
    return indexes


def validate_card_options(options: BuildOptions) -> list[str]:
    """Check the card options once, before any source is read (a usage error otherwise).

    Returns what the user should know: cards laid out on another paper than ``--paper``.
    """
    layout = resolve_layout(options.cards, options.card_size, options.paper, options.printer_margin)
    plan_sheets([0], layout, options.duplex, options.back_offset, options.cut_marks)
    if options.cards_only:
        parse_selection(options.cards_only, 10**6)
    paper = PAPERS[options.paper]
    if layout.paper.name != paper.name and layout.paper in PAPERS.values():
        return [
            f"cards: {layout.name} is laid out on {layout.paper.name} paper, the handout and "
            f"key points on {paper.name} (--paper {options.paper})"
        ]
    return []


@dataclass
class Sheets:
    """The laid-out sheets and how they were fitted."""

    rendered: pdf.Rendered
    plan: Plan
    full_passes: int
    partial_passes: int
    sizes: dict[Face, float]
    clipped: list[Face]


def plan_deck(job: Job) -> Plan:
    """Where every selected card goes, on how many pages (at most ``max_pages``)."""
    source, options = job.source, job.options
    layout = resolve_layout(options.cards, options.card_size, options.paper, options.printer_margin)
    indexes = selected_indexes(source, options.tags, options.cards_only)
    plan = plan_sheets(
        indexes, layout, options.duplex, options.back_offset, options.cut_marks,
        options.printer_margin,
    )  # fmt: skip
    if len(plan.pages) > options.max_pages:
        raise SourceError.single(
            source.path, source.line_of("flashcards"), 1,
            f"{len(indexes)} cards make {len(plan.pages)} pages of flashcards, over the limit "
            f"of {options.max_pages} (max_pages in studygen.toml)",
        )  # fmt: skip
    return plan


def lay_out_sheets(job: Job, plan: Plan | None = None) -> Sheets:
    """Fit every face of ``plan`` (the whole deck when None): one layout of every page,
    then passes over only the faces being fitted (``card_passes``)."""
    doc = job.source.doc
    plan = plan or plan_deck(job)
    faces = {
        face.id: face
        for page in plan.pages
        for cell in page.cells
        if cell.index is not None
        for face in (Face(cell.index, cell.face),)
    }
    # A theme may keep every face at a minimum size (large print): a face that does not
    # fit then is reported like any overflowing card.
    least = job.theme.min_text_size or MIN_CARD_SIZE
    defaults = {face_id: max(face.default_size, least) for face_id, face in faces.items()}

    def laid_out(
        plan: Plan, sizes: dict[Face, float], clipped: frozenset[Face], bodies: frozenset[Face]
    ) -> dict[str, Any]:
        return context(doc, plan, sizes, clipped, bodies)

    passes = Passes(job, plan, faces, least, laid_out)
    fit = fit_faces(defaults, least, passes.measure, pictured=passes.pictured)
    overflowing = set(fit.overflowing)
    rendered, whole = passes.sheets(defaults, fit.sizes, overflowing)
    rendered = show_whole_lines(rendered, overflowing)
    sizes = {faces[face_id]: size for face_id, size in fit.sizes.items()}
    clipped = sorted(faces[face_id] for face_id in fit.overflowing)
    return Sheets(rendered, plan, fit.full_passes + whole, passes.partial, sizes, clipped)


BATCH_PAGES = 30  # pages laid out, drawn and let go at a time: memory flat in the deck's size


@dataclass
class Written(pdf.Rendered):
    """Sheets laid out and written batch by batch: the PDF bytes, no document kept."""

    page_count: int = 0

    @property
    def pages(self) -> int:
        """Number of pages."""
        return self.page_count


def write_in_batches(
    job: Job, plan: Plan, batch: int | None = None
) -> tuple[Sheets, list[Problem]]:
    """Fit, lay out and write ``batch`` pages at a time into one PDF; each batch's boxes
    are dropped once drawn. Also returns the formulas that do not fit (read while the
    boxes are there)."""
    batch = batch or BATCH_PAGES
    stream = StreamedPdf(job.identifier, job.options.pdf_variant)
    whole = Sheets(pdf.Rendered(None, [], job.identifier), plan, 0, 0, {}, [])
    formulas: list[Problem] = []
    for start in range(0, len(plan.pages), batch):
        part = replace(plan, pages=plan.pages[start : start + batch])
        sheets = lay_out_sheets(job, part)
        rendered = sheets.rendered
        formulas += formula_pdf.layout_problems(job.source, job.output, rendered.document)
        with pdf.captured_warnings() as said:
            stream.add(rendered.document)
        rendered.warnings.extend(said)
        job.check_refusals(rendered)  # pictures refused while being drawn included
        whole.rendered = pdf.spliced(whole.rendered, replace(rendered, document=None), None)
        whole.full_passes += sheets.full_passes
        whole.partial_passes += sheets.partial_passes
        whole.sizes.update(sheets.sizes)
        whole.clipped += sheets.clipped
        del sheets, rendered
        if start + batch < len(plan.pages):  # the next batch's layout reuses the memory
            collector.release()
    with pdf.captured_warnings() as said:
        data = stream.finish()
    done = whole.rendered
    whole.rendered = Written(
        None, [*done.warnings, *said], job.identifier, job.options.pdf_variant, done.fetcher,
        data, done.earlier_refusals, page_count=len(plan.pages),
    )  # fmt: skip
    return whole, formulas


class Flashcards:
    """Double-sided flashcard sheets."""

    name = "flashcards"
    file_name = "flashcards.pdf"

    def wanted(self, source: Source) -> bool:
        """Flashcards need cards."""
        return bool(source.doc.flashcards)

    def make(self, job: Job) -> Made:
        """Lay out the sheets; a face that does not fit at the smallest size is a warning."""
        plan = plan_deck(job)
        formulas: list[Problem] = []
        if len(plan.pages) > BATCH_PAGES and job.pages_reusable:
            sheets, formulas = write_in_batches(job, plan)
        else:  # one layout; a project's templates or theme may count across pages
            sheets = lay_out_sheets(job, plan)
        job.check_refusals(sheets.rendered)
        warnings = [
            _overflow_problem(job.source, face, sheets.sizes[face]) for face in sheets.clipped
        ]
        warnings += job.layout_warnings(sheets.rendered) + formulas
        cards = len({cell.index for page in plan.pages for cell in page.cells} - {None})
        full = sheets.full_passes
        notes = []
        if job.options.verbose:
            notes.append(
                f"flashcards: {cards} cards, {_sheets(plan)}; text fitted in {full} full "
                f"layout pass{'es' if full > 1 else ''} and {sheets.partial_passes} partial"
                + (
                    f", in batches of {BATCH_PAGES} pages"
                    if sheets.rendered.document is None
                    else ""
                )
            )
        if job.options.cut_marks == "corners" and plan.cut_marks == "lines":
            notes.append(
                f"cut marks: {plan.layout.name} tiles the sheet edge to edge, leaving no margin "
                "for corner marks: lines along the card edges are drawn instead"
            )
        if plan.duplex == "manual":
            notes.append(manual_instructions(plan))
        return Made(sheets.rendered, warnings, notes)


def _sheets(plan: Plan) -> str:
    pages = len(plan.pages)
    sheets = pages if plan.duplex == "fold" else pages // 2
    return f"{sheets} sheet{'s' if sheets != 1 else ''} ({plan.layout.name}, {plan.duplex})"


def _overflow_problem(source: Source, face: Face, size: float) -> Problem:
    front = plain(source.doc.flashcards[face.card].front, source.doc.lang)
    excerpt = front if len(front) <= 28 else front[:27].rstrip() + "…"
    path, line = source.where("flashcards", face.card, face.side)
    return Problem(
        path,
        line,
        0,
        f'card {face.card + 1} ("{excerpt}") does not fit its card at {size:g} pt'
        f" — shorten its {face.side}",
    )


def manual_instructions(plan: Plan) -> str:
    """How to print double-sided on a printer without a duplex unit."""
    sheets = len(plan.pages) // 2
    fronts = f"1–{sheets}" if sheets > 1 else "1"
    backs = f"{sheets + 1}–{2 * sheets}" if sheets > 1 else "2"
    return (
        f"manual duplex: 1) print pages {fronts} (the fronts); "
        "2) take the printed stack as it comes out, without reordering it, turn it over like "
        "a book page and put it back in the paper tray; "
        f"3) print pages {backs} (the backs, last sheet first). "
        "Try it with one sheet first: if the answers come out upside down, turn the stack "
        "top to bottom instead."
    )


OUTPUT = Flashcards()
