"""Every card's identity, and cloze deletions made into cards, once a source is read.

A card's id is the ``id:`` its author gave (a deck's GUID column), otherwise it is
derived from the source's file name and the card's position: ``<stem>-<n>`` for the
n-th card of the source; ``<card id>-c<k>`` for cloze k of a card; ``<stem>-s<i>b<j>-c<k>``
(``-kp<i>``, ``-faq<i>``, ``-intro``, with ``-p<n>`` for a later paragraph) for cloze k of
a text of the handout. Editing a card's text keeps its id; moving it changes a derived id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

from studygen import cloze
from studygen.errors import Problem, SourceError
from studygen.model import Flashcard
from studygen.sources.yaml_source import Loc, Positions

if TYPE_CHECKING:
    from pathlib import Path

    from studygen.sources.loader import Source

MARKDOWN_SUFFIXES = (".md", ".markdown")


def stem_id(path: Path) -> str:
    """The file name as the start of derived ids: ASCII letters, digits and dashes."""
    text = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "card"


def identify(source: Source) -> Source:
    """The source with an id on every card and one card per cloze number; duplicates refused."""
    doc = source.doc
    stem = stem_id(source.path)
    made: list[tuple[Flashcard, Loc]] = []
    notes: list[cloze.ClozeNote] = []
    markdown = source.path.suffix.lower() in MARKDOWN_SUFFIXES
    for index, card in enumerate(doc.flashcards):
        base = card.id or f"{stem}-{index + 1}"
        loc: Loc = ("flashcards", index)
        front = cloze.from_highlights(card.front) if markdown else card.front
        back = cloze.from_highlights(card.back) if markdown else card.back
        found = cloze.numbers(front)
        if not found:
            made.append((card.model_copy(update={"id": base, "back": cloze.reading(back)}), loc))
            continue
        extra = cloze.reading(back)
        indexes = tuple(range(len(made), len(made) + len(found)))
        notes.append(cloze.ClozeNote(base, front, extra, tuple(card.tags), indexes))
        for number in found:
            answer = cloze.back(front, number) + (f"\n\n{extra}" if extra != front else "")
            update = {
                "front": cloze.front(front, number),
                "back": answer,
                "id": f"{base}-c{number}",
            }
            made.append((card.model_copy(update=update), loc))
    for text_id, paragraph, cards in _text_clozes(source, stem):
        notes.append(
            cloze.ClozeNote(
                text_id, paragraph, cards=tuple(range(len(made), len(made) + len(cards)))
            )
        )
        made += cards
    _check_unique(source, made)
    positions, origins = _positions(source, [loc for _, loc in made])
    doc = doc.model_copy(update={"flashcards": [card for card, _ in made]})
    return replace(source, doc=doc, positions=positions, origins=origins, cloze_notes=tuple(notes))


def _texts(source: Source) -> list[tuple[Loc, str, str]]:
    """(where, id part, text) of every handout text that may hold clozes."""
    doc = source.doc
    texts: list[tuple[Loc, str, str]] = []
    if doc.intro:
        texts.append((("intro",), "intro", doc.intro))
    for s, section in enumerate(doc.sections):
        for b, block in enumerate(section.blocks):
            text = getattr(block, "text", None)
            if isinstance(text, str):
                texts.append((("sections", s, "blocks", b, "text"), f"s{s + 1}b{b + 1}", text))
    for k, point in enumerate(doc.key_points):
        texts.append((("key_points", k, "text"), f"kp{k + 1}", point.text))
    for q, entry in enumerate(doc.faq):
        texts.append((("faq", q, "answer"), f"faq{q + 1}", entry.answer))
    return texts


def _text_clozes(source: Source, stem: str) -> list[tuple[str, str, list[tuple[Flashcard, Loc]]]]:
    """(note id, paragraph, its cards): a card per cloze number of every handout paragraph."""
    if source.kind == "deck":
        return []  # a card file's key points are its cards
    found = []
    for loc, part, text in _texts(source):
        if not cloze.has_cloze(text):
            continue
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
        for p, paragraph in enumerate(paragraphs, 1):
            where = part + (f"-p{p}" if p > 1 else "")
            made = []
            for number in cloze.numbers(paragraph):
                card = Flashcard(
                    front=cloze.front(paragraph, number),
                    back=cloze.back(paragraph, number),
                    id=f"{stem}-{where}-c{number}",
                )
                made.append((card, loc))
            if made:
                found.append((f"{stem}-{where}", paragraph, made))
    return found


def _check_unique(source: Source, made: list[tuple[Flashcard, Loc]]) -> None:
    """Two cards with one id would be one Anki note: every duplicate at its line."""
    first: dict[str, tuple[Path, int]] = {}
    problems = []
    for card, loc in made:
        assert card.id is not None
        id_loc = (*loc, "id") if loc[0] == "flashcards" else loc
        path, line = _where(source, id_loc)
        if card.id in first:
            other_path, other = first[card.id]
            at = f"line {other}" if other_path == path else f"{other_path}:{other}"
            problems.append(
                Problem(path, line, 1, f'card id "{card.id}" is already used at {at} — '
                        "give each card its own id")
            )  # fmt: skip
        else:
            first[card.id] = (path, line)
    if problems:
        raise SourceError(problems)


def _where(source: Source, loc: Loc) -> tuple[Path, int]:
    if loc[:2] in source.origins:
        return source.origins[loc[:2]]
    return source.path, source.positions.value_of(loc)[0]


def _positions(source: Source, locs: list[Loc]) -> tuple[Positions, dict[Loc, tuple[Path, int]]]:
    """Positions and origins of the cards at their new indexes, from where each was written."""
    old = source.positions
    values = {k: v for k, v in old.values.items() if k[:1] != ("flashcards",)}
    keys = {k: v for k, v in old.keys.items() if k[:1] != ("flashcards",)}
    origins = {k: v for k, v in source.origins.items() if k[:1] != ("flashcards",)}
    for key in ("flashcards",):
        if (key,) in old.values:
            values[(key,)] = old.values[(key,)]
        if (key,) in old.keys:
            keys[(key,)] = old.keys[(key,)]
    # each card's positions, found once (a deck of 20,000 cards is read in one pass)
    by_card: dict[tuple[int, Loc], list[tuple[Loc, tuple[int, int]]]] = {}
    for number, table in enumerate((old.values, old.keys)):
        for k, v in table.items():
            if len(k) >= 2 and k[0] == "flashcards":
                by_card.setdefault((number, k[:2]), []).append((k, v))
    for index, loc in enumerate(locs):
        new: Loc = ("flashcards", index)
        if loc[0] != "flashcards":
            for side in ("front", "back"):
                values[new + (side,)] = old.value_of(loc)
            values[new] = old.value_of(loc)
            continue
        for number, target in enumerate((values, keys)):
            for k, v in by_card.get((number, loc[:2]), ()):
                target[new + k[2:]] = v
        if loc in source.origins:
            origins[new] = source.origins[loc]
    return Positions(values, keys), origins
