"""The cards of a Markdown flashcards section, in every convention students already use.

``Q:``/``A:`` pairs (the answer may run over several lines), ``question::answer``,
``question:::answer`` (a card each way), and the multi-line cards of Obsidian's
spaced-repetition plugin, whose question and answer a line holding ``?`` (or ``??``)
separates. A ``Tags: a, b`` line right after a card gives its tags, an ``ID: name`` line
its identity (the Anki note it is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

# French typography puts a (narrow) no-break space before the colon: `Q : …`.
_Q = re.compile(r"^[ \t]*[Qq][ \t\u00a0\u202f]*:(?!:)")
_A = re.compile(r"^[ \t]*[Aa][ \t\u00a0\u202f]*:(?!:)")
_TAGS = re.compile(r"^[ \t]*[Tt][Aa][Gg][Ss][ \t\u00a0\u202f]*:(?!:)")
_ID = re.compile(r"^[ \t]*(?:ID|Id|id)[ \t\u00a0\u202f]*:(?!:)[ \t]*(?=\S+[ \t]*$)")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
RULE_LINE = re.compile(  # a thematic break: ---, ***, ___
    r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$"
)
_BULLET = re.compile(r"^[-*+][ \t]+(?=\S)")


def face_text(text: str) -> str:
    """A card face as it prints: without rules (``---``) above or below its text, which
    separated the card from its neighbours in the note, and without the bullet of a face
    of one line (cards written as the items of a list)."""
    lines = text.split("\n")
    while lines and (not lines[0].strip() or RULE_LINE.match(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or RULE_LINE.match(lines[-1])):
        lines.pop()
    if len(lines) == 1:
        lines[0] = _BULLET.sub("", lines[0])
    return "\n".join(lines) or text


HASHTAGS_LINE = re.compile(r"^[ \t]*#[^\s#]+(?:[ \t]+#[^\s#]+)*[ \t]*$")
CODE_SPAN = re.compile(r"(`+).+?\1")
_CARD_SEPARATOR = re.compile(r":::|::")


@dataclass
class Part:
    """A value cut from the source, and where it starts (1-based)."""

    text: str
    line: int
    col: int


@dataclass
class _Side:
    """Source lines of one side of a card; ``head`` is the rest of its ``Q:``/``A:`` line."""

    numbers: list[int]
    head: str


@dataclass
class _QA:
    """A ``Q:``/``A:`` card being read."""

    question: _Side
    answer: _Side | None = None


@dataclass
class Card:
    """A finished card and its tags."""

    front: Part
    back: Part
    tags: list[Part] = field(default_factory=list)
    id: Part | None = None


def indent(line: str) -> int:
    """1-based column of the first character of a line that is not a space."""
    return len(line) - len(line.lstrip()) + 1


class Lines(Protocol):
    """What the card reader needs of the Markdown reader: its lines, cutting, problems."""

    lines: list[str]

    def cut(
        self, numbers: Sequence[int], rows: Sequence[str] | None = None, head: bool = False
    ) -> Part: ...

    def problem(self, line: int, col: int, name: str, **fields: object) -> None: ...


def card_separator(line: str) -> re.Match[str] | None:
    """The first ``:::`` or ``::`` of a line outside code spans (``std::vector`` is no card)."""
    masked = CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line)
    return _CARD_SEPARATOR.search(masked)


def _rest(marker: re.Pattern[str], line: str) -> str:
    """What follows a marker (``Q:``, ``A:``, ``Tags:``) on its line."""
    match = marker.match(line)
    return line[match.end() :] if match else line


class CardReader:
    """The cards of a flashcards section, read line by line in the order written.

    Conventions: ``Q:``/``A:`` (the answer runs on, over blank lines too, until something
    else begins), ``question::answer``, ``question:::answer`` (both ways), and
    multi-line cards whose question and answer a line holding ``?`` (or ``??``, both
    ways) separates. A ``Tags: a, b`` line right after a card gives its tags. Lines of
    code blocks are never taken for markers.
    """

    def __init__(self, reader: Lines, start: int, end: int, opaque: set[int]) -> None:
        self.reader = reader
        self.lines = reader.lines
        self.start, self.end = start, end
        self.opaque = opaque
        self.cards: list[Card] = []
        self.last: list[Card] = []  # the cards a `Tags:` line would belong to
        self.qa: _QA | None = None

    def read(self) -> list[Card]:
        """Every card of the section."""
        for chunk in self.chunks():
            if self.qa is not None:
                answer = self.qa.answer
                if answer is not None and not self.starts_card(chunk):
                    # Blank lines inside an answer: it goes on with the lines below.
                    answer.numbers += range(answer.numbers[-1] + 1, chunk[0])
                elif answer is not None or self.marker(chunk[0]) != "A":
                    self.close()
            self.chunk(chunk)
        self.close()
        return self.cards

    def chunks(self) -> list[list[int]]:
        """Runs of lines separated by blank lines (blank lines inside code do not count)."""
        chunks: list[list[int]] = [[]]
        for number in range(self.start, self.end):
            if self.lines[number].strip() or number in self.opaque:
                chunks[-1].append(number)
            elif chunks[-1]:
                chunks.append([])
        return [chunk for chunk in chunks if chunk]

    def marker(self, number: int) -> str | None:
        """What a line starts: a card, its answer, tags, a separator; None for content."""
        if number in self.opaque:
            return None
        line = self.lines[number]
        if _Q.match(line):
            return "Q"
        if _A.match(line):
            return "A"
        if _TAGS.match(line):
            return "tags"
        if _ID.match(line):
            return "id"
        if line.strip() in ("?", "??"):
            return "separator"
        if _HEADING_LINE.match(line) or HASHTAGS_LINE.match(line):
            return "skip"  # headings group cards; `#flashcards` tags a note for Obsidian
        if card_separator(line):
            return "inline"
        return None

    def starts_card(self, chunk: list[int]) -> bool:
        """Whether a run of lines begins something new rather than continuing an answer."""
        return self.marker(chunk[0]) is not None or any(
            self.marker(n) == "separator" for n in chunk
        )

    def chunk(self, chunk: list[int]) -> None:
        """Read the cards of one run of lines."""
        pending: list[int] = []  # lines that may be the question of a `?` card
        orphan = False  # lines after an `A:` without a question, already reported
        index = 0
        while index < len(chunk):
            number = chunk[index]
            kind = self.marker(number)
            if kind in ("Q", "A", "tags", "id", "inline", "skip"):
                self.stray(pending)
                pending, orphan = [], False
            if kind == "skip":
                self.close()
                self.last = []
            elif kind == "Q":
                self.close()
                self.qa = _QA(_Side([number], _rest(_Q, self.lines[number])))
            elif kind == "A":
                self.answer(number)
                orphan = self.qa is None
            elif kind == "tags":
                self.close()
                self.tags(number)
            elif kind == "id":
                self.close()
                self.identity(number)
            elif kind == "inline":
                self.close()
                self.inline(number)
            elif self.qa is not None:
                (self.qa.answer or self.qa.question).numbers.append(number)
            elif kind == "separator":
                index = self.multiline(chunk, index, pending)
                pending = []
                continue
            elif not orphan:
                pending.append(number)
            index += 1
        self.stray(pending)

    def answer(self, number: int) -> None:
        """An ``A:`` line: the answer of the open question, or a problem."""
        line = self.lines[number]
        if self.qa is not None and self.qa.answer is None:
            self.qa.answer = _Side([number], _rest(_A, line))
            return
        self.close()
        self.reader.problem(number + 1, indent(line), "no Q")

    def close(self) -> None:
        """Finish the open ``Q:``/``A:`` card."""
        qa, self.qa = self.qa, None
        if qa is None:
            return
        if qa.answer is None:
            number = qa.question.numbers[0]
            self.reader.problem(number + 1, indent(self.lines[number]), "no A")
            self.last = []
            return
        front, back = self.side(qa.question), self.side(qa.answer)
        self.make(front, back, False, ("empty Q", "empty A"))

    def side(self, side: _Side) -> Part:
        """The text of one side of a ``Q:``/``A:`` card."""
        rows = [side.head, *(self.lines[n] for n in side.numbers[1:])]
        part = self.reader.cut(side.numbers, rows, head=True)
        if not part.text:  # point just after the marker
            number = side.numbers[0]
            return Part("", number + 1, len(self.lines[number]) - len(side.head) + 1)
        return part

    def inline(self, number: int) -> None:
        """A ``question::answer`` or ``question:::answer`` line."""
        line = self.lines[number]
        separator = card_separator(line)
        assert separator is not None  # marker() said so
        question, answer = line[: separator.start()], line[separator.end() :]
        front = Part(question.strip(), number + 1, indent(question))
        back = Part(answer.strip(), number + 1, separator.end() + indent(answer))
        sign = separator.group()
        self.make(front, back, sign == ":::", ("empty front", "empty back"), sign=sign)

    def multiline(self, chunk: list[int], index: int, pending: list[int]) -> int:
        """A card whose question (``pending``) and answer a ``?`` line separates."""
        number = chunk[index]
        stop = index + 1
        while stop < len(chunk) and self.marker(chunk[stop]) is None:
            stop += 1
        nothing = Part("", number + 1, indent(self.lines[number]))
        question = self.reader.cut(pending) if pending else nothing
        answer = self.reader.cut(chunk[index + 1 : stop]) if stop > index + 1 else nothing
        sign = self.lines[number].strip()
        self.make(question, answer, sign == "??", ("empty above", "empty below"), sign=sign)
        return stop

    def make(
        self, front: Part, back: Part, both_ways: bool, empty: tuple[str, str], sign: str = ""
    ) -> None:
        """Add a card (and its reverse), or report its empty sides."""
        self.last = []
        for part, problem in zip((front, back), empty, strict=True):
            if not part.text:
                self.reader.problem(part.line, part.col, problem, sign=sign)
        if front.text and back.text:
            self.last = [Card(front, back)] + ([Card(back, front)] if both_ways else [])
            self.cards += self.last

    def tags(self, number: int) -> None:
        """A ``Tags: a, b`` line: tags of the card(s) just above."""
        line = self.lines[number]
        at = len(line) - len(_rest(_TAGS, line))
        tags = []
        for name in line[at:].split(","):
            tag = name.strip().lstrip("#").strip()
            if tag:
                tags.append(Part(tag, number + 1, at + name.index(tag) + 1))
            at += len(name) + 1
        if not self.last:
            self.reader.problem(number + 1, indent(line), "tags")
        for card in self.last:
            card.tags += tags

    def identity(self, number: int) -> None:
        """An ``ID: name`` line: the identity of the card just above (its first, if two ways)."""
        line = self.lines[number]
        match = _ID.match(line)
        assert match is not None
        if not self.last:
            self.reader.problem(number + 1, indent(line), "id")
        else:
            self.last[0].id = Part(line[match.end() :].strip(), number + 1, match.end() + 1)
        if len(self.last) > 1:
            self.last[1].id = Part(f"{line[match.end() :].strip()}-r", number + 1, match.end() + 1)

    def stray(self, pending: list[int]) -> None:
        """Report text that turned out to be no card."""
        if pending:
            part = self.reader.cut(pending)
            self.reader.problem(part.line, part.col, "not a card")
            self.last = []
