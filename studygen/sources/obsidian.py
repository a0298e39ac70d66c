"""Notes written in Obsidian, and the cards of its spaced-repetition plugin.

In every Markdown file: the plugin's schedule comments (``<!--SR:!2025-10-15,845,305-->``)
and block ids (``^15c42b`` ending a line) are dropped, ``[[target|alias]]`` prints as its
alias (``[[target]]`` as its target), and ``![[embeds]]`` are left out with one warning. A
note tagged ``#flashcards`` or ``#flashcards/deck`` (in its text or its front matter
``tags``) has its cards read wherever the plugin reads them: ``question::answer``,
``question:::answer`` (both ways), and a question and answer around a line holding ``?``
(``??``: both ways), each card a run of lines without a blank line. The cards' tags are the
deck the tag names and the headings above them. The lines they used are blanked (never
removed), so the rest of the note reads as a study file with its line numbers unchanged; so
are the rules (``---``, ``***``, ``___``) that separated a card from what is around it,
which would otherwise print as lines across a page with nothing between them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from studygen import cloze
from studygen.sources.markdown_cards import (
    CODE_SPAN,
    HASHTAGS_LINE,
    RULE_LINE,
    Card,
    Part,
    card_separator,
    indent,
)
from studygen.sources.yaml_source import YamlProblem

_SCHEDULE = re.compile(r"[ \t]*<!--SR:[^\n]*?-->")
# A list item with nothing left in it (its embed was left out).
_BARE_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])?[ \t]*$")
# A block's id, for links to it from other notes: `^id` ending a line, after a space or alone.
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^[A-Za-z0-9-]+[ \t]*$")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_CARD_TAG = re.compile(r"(?:^|(?<=\s))#flashcards(?:/(?P<deck>[^\s#]+))?(?=\s|$)", re.IGNORECASE)
_FRONT_MATTER_TAG = re.compile(r"^#?flashcards(?:/(?P<deck>\S+))?$", re.IGNORECASE)


@dataclass
class Prepared:
    """A note's text made ready for the Markdown reader, and what was found in it."""

    lines: list[str]
    cards: list[Card] = field(default_factory=list)
    warnings: list[YamlProblem] = field(default_factory=list)
    # The line of the note's title heading, decided on the note as written before cards
    # and the headings left empty by them were blanked ("untitled": no heading is the
    # title; None: not decided here).
    title_line: int | str | None = None

    @property
    def text(self) -> str:
        """The text left for the Markdown reader."""
        return "\n".join(self.lines)


def _link_text(match: re.Match[str]) -> str:
    """What a wikilink prints: its alias, else its target (``note#part`` as ``note > part``)."""
    if match[1]:
        return ""
    alias = (match[3] or "").strip()
    if alias:
        return alias
    target = match[2].strip()
    page, _, heading = target.partition("#")
    heading = heading.lstrip("^")
    return f"{page} > {heading}" if page and heading else page or heading


def _outside_code(line: str, change: re.Pattern[str], replace: object) -> tuple[str, int]:
    """``line`` with ``change`` replaced outside its code spans, and the count replaced."""
    out, count, at = [], 0, 0
    for span in CODE_SPAN.finditer(line):
        part, found = change.subn(replace, line[at : span.start()])  # type: ignore[call-overload]
        out += [part, span.group()]
        count += found
        at = span.end()
    part, found = change.subn(replace, line[at:])  # type: ignore[call-overload]
    return "".join([*out, part]), count + found


def _code_lines(lines: list[str]) -> set[int]:
    """Line numbers (0-based) inside fenced code blocks, fences included."""
    inside: set[int] = set()
    fence = ""
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            inside.add(number)
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = ""
        elif match:
            fence = match[1]
            inside.add(number)
    return inside


def _front_matter_end(lines: list[str]) -> int:
    """The first line after the front matter (0 when there is none)."""
    if lines and lines[0].strip() == "---":
        for number in range(1, len(lines)):
            if lines[number].strip() in ("---", "..."):
                return number + 1
    return 0


def _front_matter_deck(lines: list[str], end: int) -> str | None:
    """The deck of a ``flashcards`` tag in the front matter ("" for the tag alone)."""
    values: list[str] = []
    in_tags = False
    for line in lines[1 : end - 1]:
        key = re.match(r"^(tags|tag)\s*:\s*(.*)$", line)
        if key:
            in_tags = True
            values += re.split(r"[\s,\[\]\"']+", key[2])
        elif in_tags and re.match(r"^\s+-\s*", line):
            values += re.split(r"[\s,\"']+", line.strip()[1:])
        else:
            in_tags = False
    for value in values:
        match = _FRONT_MATTER_TAG.match(value.strip())
        if match:
            return match["deck"] or ""
    return None


def card_tags(value: object) -> bool:
    """Whether a front matter ``tags`` value holds the spaced-repetition plugin's tag."""
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and _FRONT_MATTER_TAG.match(v.strip()) for v in values)


def prepare_note(text: str, untagging: Callable[[str], bool] = lambda title: False) -> Prepared:
    """Drop schedule comments and embeds, print wikilinks, and read the cards of a card note.

    Headings for which ``untagging`` is true (a "Flashcards" section) tag no card.
    """
    lines = text.split("\n")
    code = _code_lines(lines)
    start = _front_matter_end(lines)
    embeds, first_embed = 0, 0
    embedded: set[int] = set()  # lines that held an embed
    for number in range(start, len(lines)):
        if number in code:
            continue
        line = _BLOCK_ID.sub("", _SCHEDULE.sub("", lines[number]))
        line, links = _outside_code(line, _WIKILINK, _link_text)
        dropped = len(re.findall(r"!\[\[", lines[number])) if links else 0
        if dropped and not embeds:
            first_embed = number + 1
        embeds += dropped
        if dropped:
            embedded.add(number)
        if dropped and _BARE_ITEM.match(line):  # a list item that held only the embed
            line = ""
        lines[number] = line.rstrip() if line != lines[number] else line
    prepared = Prepared(lines)
    if embeds:
        plural = "s" if embeds > 1 else ""
        message = (
            f"{embeds} Obsidian embed{plural} (![[…]]) left out: embedded notes and pictures "
            "are not printed — write ![alt](picture.png) to print a picture"
        )
        prepared.warnings.append(YamlProblem(first_embed, 1, message))
    deck = _front_matter_deck(lines, start) if start else None
    tagged = deck is not None or any(
        _CARD_TAG.search(lines[n]) for n in range(start, len(lines)) if n not in code
    )
    if tagged:
        note = _CardNote(prepared, code, start, deck, untagging, embedded)
        note.read()
        if note.pictured:
            count = len(note.pictured)
            message = (
                f"{count} card{'s' if count > 1 else ''} whose answer is an embed left out "
                "with it — write ![alt](picture.png) to print the picture"
            )
            prepared.warnings.append(YamlProblem(note.pictured[0], 1, message))
        prepared.title_line = "untitled" if note.title is None else note.title
    return prepared


class _CardNote:
    """Reads the cards of a note tagged for the spaced-repetition plugin."""

    def __init__(
        self,
        prepared: Prepared,
        code: set[int],
        start: int,
        deck: str | None,
        untagging: Callable[[str], bool],
        embedded: set[int],
    ) -> None:
        self.prepared = prepared
        self.untagging = untagging
        self.lines = prepared.lines
        self.code = code
        self.start = start
        self.deck = deck or ""
        self.headings: list[tuple[int, str]] = []
        self.title = self._title_heading()
        self.used: set[int] = set()  # lines of the cards read
        self.embedded = embedded  # lines whose embeds were left out
        self.pictured: list[int] = []  # lines of cards left out: their answer was an embed

    def _all_headings(self) -> list[tuple[int, int]]:
        """(line, level) of every heading outside code."""
        return [
            (n, len(m[1]))
            for n in range(self.start, len(self.lines))
            if n not in self.code and (m := _HEADING.match(self.lines[n]))
        ]

    def _title_heading(self) -> int | None:
        """The line of the note's title: its first heading, if the only ``#`` one."""
        headings = self._all_headings()
        level_one = [n for n, level in headings if level == 1]
        return headings[0][0] if headings and level_one == [headings[0][0]] else None

    def read(self) -> None:
        chunk: list[int] = []
        for number in range(self.start, len(self.lines) + 1):
            line = self.lines[number] if number < len(self.lines) else ""
            heading = None if number in self.code else _HEADING.match(line)
            if number in self.code or (line.strip() and not heading):
                if self._tag_line(number):
                    continue
                chunk.append(number)
                continue
            self._chunk(chunk)
            chunk = []
            if heading and number != self.title:
                level = len(heading[1])
                self.headings = [(lv, t) for lv, t in self.headings if lv < level]
                self.headings.append((level, (heading[2] or "").strip()))
        self._blank_card_rules()
        self._blank_empty_headings()

    def _tag_line(self, number: int) -> bool:
        """A line of tags only: a ``#flashcards/deck`` tag names the deck of the cards below."""
        line = self.lines[number]
        if number in self.code or not HASHTAGS_LINE.match(line):
            return False
        match = _CARD_TAG.search(line)
        if match:
            self.deck = match["deck"] or ""
        self.lines[number] = ""
        return True

    def _chunk(self, chunk: list[int]) -> None:
        """The cards of a run of lines: one around a ``?`` line, or ``::`` lines."""
        if not chunk or any(n in self.code for n in chunk):
            return
        if not any(
            self.lines[n].strip() in ("?", "??") or card_separator(self.lines[n]) for n in chunk
        ):
            self._highlight_clozes(chunk)
            return
        for index, number in enumerate(chunk):
            sign = self.lines[number].strip()
            if sign in ("?", "??"):
                above, below = chunk[:index], chunk[index + 1 :]
                front, back = self._cut(above), self._cut(below)
                if front.text and back.text:
                    self._add(front, back, sign == "??", chunk)
                elif front.text and not below and number + 1 in self.embedded:
                    self._picture_answer(chunk)
                return
        for number in chunk:
            line = self.lines[number]
            separator = card_separator(line)
            if separator is None:
                continue
            question, answer = line[: separator.start()], line[separator.end() :]
            front = Part(question.strip(), number + 1, indent(question))
            back = Part(answer.strip(), number + 1, separator.end() + indent(answer))
            if front.text and back.text:
                self._add(front, back, separator.group() == ":::", [number])
            elif front.text and not back.text and number in self.embedded:
                self._picture_answer([number])

    def _highlight_clozes(self, chunk: list[int]) -> None:
        """A paragraph with ``==highlights==`` is a cloze card in a tagged note, as the
        plugin makes it by default: each highlight becomes a numbered cloze, so the handout
        reads the paragraph as written and each highlight makes a card of its own."""
        if any(cloze.has_cloze(self.lines[n]) for n in chunk):
            return  # the author numbered the clozes already
        counter = iter(range(1, 1000))

        def numbered(match: re.Match[str]) -> str:
            return f"{{{{c{next(counter)}::{match['answer']}}}}}"

        for number in chunk:
            self.lines[number] = _outside_code(self.lines[number], cloze.HIGHLIGHT, numbered)[0]

    def _cut(self, numbers: list[int]) -> Part:
        if not numbers:
            return Part("", 0, 0)
        text = textwrap.dedent("\n".join(self.lines[n] for n in numbers)).strip()
        first = self.lines[numbers[0]]
        return Part(text, numbers[0] + 1, indent(first))

    def _add(self, front: Part, back: Part, both_ways: bool, numbers: list[int]) -> None:
        names = [self.deck] if self.deck else []
        names += [title for _, title in self.headings if title and not self.untagging(title)]
        tags = [Part(name, front.line, front.col) for name in dict.fromkeys(names)]
        self.prepared.cards.append(Card(front, back, list(tags)))
        if both_ways:
            self.prepared.cards.append(Card(back, front, list(tags)))
        for number in numbers:
            self.lines[number] = ""
        self.used.update(numbers)

    def _picture_answer(self, numbers: list[int]) -> None:
        """A card whose answer was only an embed, left out: it cannot be printed, and its
        question alone would print in the handout."""
        self.pictured.append(numbers[0] + 1)
        for number in numbers:
            self.lines[number] = ""
        self.used.update(numbers)

    def _blank_card_rules(self) -> None:
        """Rules next to a card (only blank lines between) separated it from the rest."""
        rules = [
            n
            for n in range(self.start, len(self.lines))
            if n not in self.code
            and n not in self.used
            and RULE_LINE.match(self.lines[n])
            and not self._underline(n)
        ]
        beside = [n for n in rules if self._card_beside(n, -1) or self._card_beside(n, 1)]
        for number in beside:
            self.lines[number] = ""

    def _underline(self, number: int) -> bool:
        """A ``---`` under a line of text makes that line a heading: it is no rule."""
        above = self.lines[number - 1] if number > self.start else ""
        return self.lines[number].strip().startswith("-") and bool(above.strip())

    def _card_beside(self, number: int, step: int) -> bool:
        """Whether the first line from ``number`` on (up or down) that is not blank held a card."""
        number += step
        while self.start <= number < len(self.lines):
            if number in self.used:
                return True
            if self.lines[number].strip():
                return False
            number += step
        return False

    def _blank_empty_headings(self) -> None:
        """Headings with nothing left below them but cards are no sections."""
        headings = self._all_headings()
        heading_lines = {n for n, _ in headings}
        for index, (number, level) in enumerate(headings):
            end = next((n for n, lv in headings[index + 1 :] if lv <= level), len(self.lines))
            content = any(
                self.lines[n].strip() for n in range(number + 1, end) if n not in heading_lines
            )
            if not content and number != self.title:
                self.lines[number] = ""
