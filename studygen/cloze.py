"""Cloze deletions: Anki's ``{{c1::answer}}`` / ``{{c1::answer::hint}}`` in any text.

Each cloze number of a text is one card: its front has the gap (``[…]`` or the hint),
its back the same sentence with the answer highlighted. Everywhere else (the handout,
the key points) the sentence reads normally. In card files, Obsidian's ``==highlight==``
is a cloze too, each highlight a card of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CLOZE = re.compile(r"\{\{c(?P<number>\d{1,3})::(?P<answer>.*?)(?:::(?P<hint>.*?))?\}\}", re.DOTALL)
HIGHLIGHT = re.compile(r"(?<![=\\])==(?=\S)(?P<answer>[^=\n]+?)(?<=\S)==(?!=)")


@dataclass(frozen=True)
class ClozeNote:
    """A text with clozes as Anki keeps it: one note, a card per number (the printed ones)."""

    id: str
    text: str
    extra: str = ""
    tags: tuple[str, ...] = ()
    cards: tuple[int, ...] = field(default=())  # indexes of its printed cards


# Square brackets as entities: ``[…]`` must never start a Markdown link or a ``\[`` formula.
OPEN, CLOSE = "&#91;", "&#93;"


def has_cloze(text: str) -> bool:
    """Whether ``text`` holds a cloze deletion."""
    return "{{c" in text and CLOZE.search(text) is not None


def numbers(text: str) -> list[int]:
    """The cloze numbers of ``text``, in order, each once."""
    return sorted({int(match["number"]) for match in CLOZE.finditer(text)})


def reading(text: str) -> str:
    """The text as it reads in a handout: every cloze replaced by its answer."""
    if "{{c" not in text:
        return text
    return CLOZE.sub(lambda match: match["answer"], text)


def front(text: str, number: int) -> str:
    """The text with cloze ``number`` as a gap (its hint, or ``…``), the others answered."""

    def gap(match: re.Match[str]) -> str:
        if int(match["number"]) != number:
            return match["answer"]
        return f"{OPEN}{(match['hint'] or '…').strip()}{CLOSE}"

    return CLOZE.sub(gap, text)


def back(text: str, number: int) -> str:
    """The text with the answer of cloze ``number`` highlighted."""

    def answer(match: re.Match[str]) -> str:
        if int(match["number"]) != number:
            return match["answer"]
        return f"<mark>{match['answer']}</mark>"

    return CLOZE.sub(answer, text)


def blank(text: str) -> str:
    """The text with every gap as a blank line to write on (a worksheet's)."""
    return CLOZE.sub(lambda m: "\\_" * max(8, min(24, len(m["answer"]) + 4)), text)


def answered(text: str) -> str:
    """The text with every answer highlighted (an answer key's)."""
    return CLOZE.sub(lambda match: f"<mark>{match['answer']}</mark>", text)


def from_highlights(text: str) -> str:
    """Obsidian's ``==highlight==`` clozes as Anki's, numbered in order of appearance."""
    if "==" not in text or has_cloze(text):
        return text
    counter = iter(range(1, 1000))
    return HIGHLIGHT.sub(lambda m: f"{{{{c{next(counter)}::{m['answer']}}}}}", text)
