"""Exports: a source's cards as files for other tools, into ``build/<stem>/``.

``anki`` writes an ``.apkg`` deck (genanki): one note per card, its GUID the card's id,
the deck and note-type ids derived from the title, so that importing a new export updates
the notes already imported and keeps their review history. ``csv``, ``anki-txt`` and
``quizlet`` write text files (one line per printed card).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studygen.cloze import CLOZE, ClozeNote
from studygen.markup import markdown, markdown_inline
from studygen.model import Flashcard
from studygen.sources.loader import Source

FORMATS = {"anki": "apkg", "csv": "csv", "anki-txt": "txt", "quizlet": "quizlet.txt"}
_CSS = (
    ".card { font-family: sans-serif; font-size: 20px; text-align: center; }\n"
    "mark { background: #ffe86b; }"
)


@dataclass(frozen=True)
class Exported:
    """One file an export wrote, and how many cards it holds."""

    file_name: str
    cards: int


def file_name(source: Source, kind: str) -> str:
    """``<stem>.apkg``, ``<stem>.csv``, ``<stem>.txt`` or ``<stem>.quizlet.txt``."""
    return f"{source.path.stem}.{FORMATS[kind]}"


def export_bytes(source: Source, kind: str) -> bytes:
    """The bytes of one export of ``source``."""
    if kind == "anki":
        return _apkg(source)
    cards = source.doc.flashcards
    if kind == "csv":
        return _csv(cards)
    if kind == "anki-txt":
        return _anki_txt(source)
    return _quizlet(cards)


def stable_id(*parts: str) -> int:
    """A 31-bit id from text: the same deck or note type on every export, on every machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _html(text: str, lang: str) -> str:
    """The Markdown of a card as the HTML Anki shows (no newline: one field, one line)."""
    return str(markdown(text, lang)).strip().replace("\n", "")


def _plain(text: str) -> str:
    """A card's text on one line: no tags, no entities, no newlines."""
    text = re.sub(r"<[^>]+>", "", text.replace("&#91;", "[").replace("&#93;", "]"))
    return " ".join(html.unescape(text).split())


def _tag(tag: str) -> str:
    return "_".join(tag.split())  # Anki and Quizlet tags have no spaces


def _csv(cards: list[Flashcard]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["front", "back", "tags", "id"])
    for card in cards:
        front = card.front.replace("&#91;", "[").replace("&#93;", "]")
        writer.writerow([front, card.back, " ".join(_tag(t) for t in card.tags), card.id])
    return out.getvalue().encode("utf-8")


def _anki_txt(source: Source) -> bytes:
    doc = source.doc
    lines = [
        "#separator:tab", "#html:true", "#notetype:Basic", f"#deck:{_plain(doc.title)}",
        "#guid column:1", "#tags column:4",
    ]  # fmt: skip
    for card in doc.flashcards:
        fields = [
            card.id or "", _html(card.front, doc.front_lang or doc.lang),
            _html(card.back, doc.back_lang or doc.lang), " ".join(_tag(t) for t in card.tags),
        ]  # fmt: skip
        lines.append("\t".join(field.replace("\t", " ") for field in fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _quizlet(cards: list[Flashcard]) -> bytes:
    return "".join(f"{_plain(c.front)}\t{_plain(c.back)}\n" for c in cards).encode("utf-8")


def _apkg(source: Source) -> bytes:
    import genanki  # type: ignore[import-untyped]  # imported here: only exports need it

    doc = source.doc
    title = _plain(doc.title)
    basic = genanki.Model(
        stable_id("studygen basic", title), "studygen Basic", fields=[{"name": "Front"},
        {"name": "Back"}, {"name": "Id"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
        css=_CSS,
    )  # fmt: skip
    cloze_model = genanki.Model(
        stable_id("studygen cloze", title), "studygen Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}, {"name": "Id"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        css=_CSS, model_type=genanki.Model.CLOZE,
    )  # fmt: skip
    deck = genanki.Deck(stable_id("studygen deck", title), title)
    lang = doc.lang
    in_notes = {index for note in source.cloze_notes for index in note.cards}
    for index, card in enumerate(doc.flashcards):
        if index in in_notes:
            continue
        front = _html(card.front, doc.front_lang or lang)
        back = _html(card.back, doc.back_lang or lang)
        tags = [_tag(t) for t in card.tags]
        deck.add_note(genanki.Note(basic, [front, back, card.id or ""], tags=tags, guid=card.id))
    for note in source.cloze_notes:
        deck.add_note(_cloze_note(genanki, cloze_model, note, lang))
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "deck.apkg"
        # The notes' modification time is now: Anki updates a note it has when the
        # imported one is newer. Only ids identify a note, never the time.
        genanki.Package(deck).write_to_file(str(target))
        return target.read_bytes()


def _cloze_note(genanki: object, model: object, note: ClozeNote, lang: str) -> object:
    """One cloze note: Anki makes its cards from the numbers, as the printed ones."""
    extra = _html(note.extra, lang) if note.extra else ""
    # Markdown renders the text with each cloze held as a placeholder, put back after.
    found: list[re.Match[str]] = []

    def hold(match: re.Match[str]) -> str:
        found.append(match)
        return f"STUDYGENCLOZE{len(found) - 1}X"

    text = _html(CLOZE.sub(hold, note.text), lang)
    for number, match in enumerate(found):
        hint = f"::{match['hint']}" if match["hint"] else ""
        answer = str(markdown_inline(match["answer"], lang))
        text = text.replace(
            f"STUDYGENCLOZE{number}X", f"{{{{c{match['number']}::{answer}{hint}}}}}"
        )
    tags = [_tag(t) for t in note.tags]
    return genanki.Note(model, [text, extra, note.id], tags=tags, guid=note.id)  # type: ignore[attr-defined]
