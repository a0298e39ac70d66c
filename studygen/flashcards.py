"""Flashcard sheets: choose the cards, place them for the duplex mode, fit each face's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studygen import pdf, render
from studygen.cards import Plan, parse_selection, plan_sheets, resolve_layout
from studygen.config import BuildOptions
from studygen.errors import ConfigError, Problem, SourceError
from studygen.fit import fit_faces
from studygen.markup import plain
from studygen.model import Document
from studygen.sources.loader import Source


@dataclass
class Sheets:
    """The laid-out flashcard PDF and what the user should know about it."""

    rendered: pdf.Rendered
    plan: Plan
    full_passes: int
    partial_passes: int
    sizes: dict[str, float]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def selected_indexes(doc: Document, tags: tuple[str, ...], cards_only: str | None) -> list[int]:
    """0-based indexes of the cards to print: all, or those matching ``--tags``/``--cards-only``."""
    indexes = list(range(len(doc.flashcards)))
    if cards_only:
        chosen = set(parse_selection(cards_only, len(doc.flashcards)))
        indexes = [i for i in indexes if i in chosen]
    if tags:
        wanted = {t.casefold() for t in tags}
        indexes = [i for i in indexes if wanted & {t.casefold() for t in doc.flashcards[i].tags}]
    if not indexes:
        raise ConfigError("no card matches the selection (--tags / --cards-only)")
    return indexes


def validate_card_options(options: BuildOptions) -> None:
    """Check the card options once, before any source is read (a usage error otherwise)."""
    layout = resolve_layout(options.cards, options.card_size, options.paper, options.printer_margin)
    plan_sheets([0], layout, options.duplex, options.back_offset, options.cut_marks)
    if options.cards_only:
        parse_selection(options.cards_only, 10**6)


def make_flashcards(
    source: Source, options: BuildOptions, lay_out: Callable[[dict[str, Any]], pdf.Rendered]
) -> Sheets:
    """Plan the sheets, then fit every face in a few layout passes over the whole deck."""
    doc = source.doc
    layout = resolve_layout(options.cards, options.card_size, options.paper, options.printer_margin)
    indexes = selected_indexes(doc, options.tags, options.cards_only)
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
    defaults = {}
    for index in indexes:
        defaults[render.face_id(index, "front")] = render.FRONT_SIZE
        defaults[render.face_id(index, "back")] = render.BACK_SIZE
    first: list[pdf.Rendered] = []

    def measure(sizes: dict[str, float], faces: set[str] | None) -> dict[str, float]:
        if faces is None:
            rendered = lay_out(render.flashcards_context(doc, plan, sizes))
            first.append(rendered)
        else:  # only the cards being fitted, on plain sheets: faces fit the same anywhere
            cards = sorted({int(face.split("-")[0]) - 1 for face in faces})
            subset = plan_sheets(cards, plan.layout, "none", cut_marks="none")
            rendered = lay_out(render.flashcards_context(doc, subset, sizes))
        return pdf.overflow_ratios(rendered.document)

    fit = fit_faces(defaults, render.MIN_CARD_SIZE, measure)
    rendered = first[0]
    clipped = frozenset(fit.overflowing)
    if fit.changed:
        rendered = lay_out(render.flashcards_context(doc, plan, fit.sizes, clipped))
    warnings = [
        _overflow_problem(source, face, fit.sizes[face])
        for face in sorted(clipped, key=lambda f: (int(f.split("-")[0]), f))
    ]
    full = fit.full_passes + (1 if fit.changed else 0)
    notes = [
        f"flashcards: {len(indexes)} cards, {_sheets(plan)}; text fitted in {full} full "
        f"layout pass{'es' if full > 1 else ''} and {fit.partial_passes} partial"
    ]
    if plan.duplex == "manual":
        notes.append(manual_instructions(plan))
    return Sheets(rendered, plan, full, fit.partial_passes, fit.sizes, warnings, notes)


def _sheets(plan: Plan) -> str:
    pages = len(plan.pages)
    sheets = pages if plan.duplex == "fold" else pages // 2
    return f"{sheets} sheet{'s' if sheets != 1 else ''} ({plan.layout.name}, {plan.duplex})"


def _overflow_problem(source: Source, face: str, size: float) -> Problem:
    number_text, side = face.split("-")
    index = int(number_text) - 1
    front = plain(source.doc.flashcards[index].front, source.doc.lang)
    excerpt = front if len(front) <= 28 else front[:27].rstrip() + "…"
    path, line = source.where("flashcards", index, "front" if side == "front" else "back")
    return Problem(
        path,
        line,
        0,
        f'card {number_text} ("{excerpt}") does not fit its card at {size:g} pt'
        f" — shorten its {side}",
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
