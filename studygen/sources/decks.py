"""Flashcard decks kept outside studygen: Anki and Quizlet exports, CSV and TSV files.

Every format is first read into records (the line a record starts on and its fields)
with the standard library's ``csv`` reader; a layout then says which field is the
front, the back, the tags and the deck. Anki fields may hold HTML: it becomes Markdown
whose text prints exactly as written. Media an export leaves behind (images, sounds)
is dropped, with one warning for the whole deck.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass, field

from studygen.errors import ConfigError
from studygen.sources.deck_layout import (
    Layout,
    LayoutError,
    looks_like_header,
    named_layout,
    numbered_layout,
)
from studygen.sources.deck_records import Record, csv_records, sniff_delimiter
from studygen.sources.html_text import Pictures, escape_markdown, html_to_markdown, wrap
from studygen.sources.options import ReadOptions
from studygen.sources.yaml_source import YamlProblem

DECK_SUFFIXES = (".txt", ".tsv", ".csv")


@dataclass
class DeckCard:
    """One card of a deck: Markdown front and back, its tags and where its record starts."""

    front: str
    back: str
    tags: list[str]
    line: int
    guid: str | None = None


@dataclass
class Deck:
    """The cards of a deck file, its name if the file gives one, and what went wrong."""

    cards: list[DeckCard]
    name: str | None
    warnings: list[YamlProblem]
    problems: list[YamlProblem]
    # The languages the column names give the fronts and the backs (``German;French``).
    langs: tuple[str | None, str | None] = (None, None)
    # What the author cannot change in the deck (media an export left out): said, not failed.
    notes: list[YamlProblem] = field(default_factory=list)


def read_deck(
    text: str,
    suffix: str,
    separator: str | None = None,
    card_separator: str | None = None,
    options: ReadOptions | None = None,
    pictures: Pictures | None = None,
) -> Deck:
    """Flashcards from an Anki plain-text export, a Quizlet export, or a CSV/TSV deck.

    ``options`` choose the front and back columns and whether a header row is there;
    ``pictures`` turns a picture's file name and alt text into Markdown (alt text alone
    when it is not given).
    """
    choice = options or ReadOptions()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if card_separator is not None or (
        separator is not None and (suffix == ".txt" or len(separator) != 1 or separator in '"\n')
    ):
        separator = "\t" if separator is None else separator
        if card_separator is None:
            # Term and definition on lines of their own: cards are then a blank line apart.
            card_separator = "\n\n" if separator == "\n" else "\n"
        return _read_split(text, separator, card_separator)
    lines = [line + "\n" for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()
    headers = _read_headers(lines, lenient=suffix == ".txt")
    if headers.bad_separator:
        return Deck([], headers.deck, [], headers.problems)
    body = lines[headers.count :]
    delimiter = separator or headers.separator
    if delimiter is None:
        delimiter = "\t" if suffix == ".txt" else sniff_delimiter(body, suffix)
    records, problems = csv_records(body, headers.count + 1, delimiter)
    problems = headers.problems + problems
    try:
        layout, records, column_problems = _layout(headers, records, delimiter, choice)
    except LayoutError as exc:
        return Deck([], headers.deck, [], [*problems, YamlProblem(headers.count or 1, 1, str(exc))])
    problems += column_problems
    html = headers.html
    if html is None:
        html = suffix == ".txt" and _looks_like_html(records, layout)
    anki_tags = suffix == ".txt" or headers.count > 0
    builder = _DeckBuilder(layout, html, anki_tags, headers.tags, delimiter, pictures)
    builder.html_guessed = html and headers.html is None
    for record in records:
        builder.add(record)
    return builder.deck(headers.deck, problems)


# --- Quizlet exports with the separators the user chose --------------------------------


def _read_split(text: str, separator: str, card_separator: str) -> Deck:
    """Cards cut at ``card_separator``, each cut once at ``separator``: no quoting at all."""
    if not separator or not card_separator:
        raise ConfigError("the term and card separators must not be empty")
    if separator == card_separator:
        raise ConfigError("the term and card separators must differ")
    records = []
    line = 1
    for chunk in text.split(card_separator):
        body = chunk.lstrip("\n")
        start = line + len(chunk) - len(body)
        line += chunk.count("\n") + card_separator.count("\n")
        if not body.strip():
            continue
        front, found, back = body.partition(separator)
        records.append(Record(start, [front, back] if found else [front]))
    builder = _DeckBuilder(Layout(0, (1,)), False, False, [], separator)
    for record in records:
        builder.add(record)
    return builder.deck(None, [])


# --- Anki header lines ------------------------------------------------------------------

_SEPARATOR_NAMES = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
_SEPARATOR_WORDS = {
    "\t": "a tab",
    ",": "a comma",
    ";": "a semicolon",
    " ": "a space",
    "|": "a vertical bar",
    ":": "a colon",
    "\n": "a line break",
}
_ANKI_KEYS = frozenset(
    {"separator", "html", "tags", "columns", "notetype", "deck"}
    | {f"{name} column" for name in ("notetype", "deck", "tags", "guid")}
)
_HEADER_LINE = re.compile(r"#([^:\t\n]*):([^\n]*)\n?\Z")
_NUMBER = re.compile(r"\s*[0-9]{1,6}\s*")


@dataclass
class _Headers:
    """What the ``#key:value`` lines at the top of an Anki export say."""

    count: int = 0
    separator: str | None = None
    bad_separator: bool = False
    html: bool | None = None
    tags: list[str] = field(default_factory=list)
    columns: str | None = None
    deck: str | None = None
    # "tags", "deck", "notetype", "guid" → (0-based column, header line, column of the value)
    meta: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


def _read_headers(lines: list[str], lenient: bool) -> _Headers:
    """The header lines at the top; ``lenient`` also passes over other ``#`` lines."""
    headers = _Headers()
    for number, line in enumerate(lines, start=1):
        match = _HEADER_LINE.match(line)
        key = match.group(1).strip().lower() if match else ""
        if match is not None and key in _ANKI_KEYS:
            _header_value(headers, key, match.group(2), number, match.start(2) + 1)
        # Anki skips any other "#" line as a comment; a card's front may start with "#",
        # but its line then holds the separator.
        elif not (lenient and line.startswith("#") and (headers.separator or "\t") not in line):
            break
        headers.count = number
    return headers


def _header_value(headers: _Headers, key: str, value: str, line: int, col: int) -> None:
    """Record one header's value, or the problem with it."""
    if key == "separator":
        separator = _separator_named(value)
        if separator is None:
            headers.bad_separator = True
            message = (
                f'unknown separator "{value.strip()}" — use tab, comma, semicolon, space, '
                "pipe, colon or a single character"
            )
            headers.problems.append(YamlProblem(line, col, message))
        headers.separator = separator
    elif key == "html":
        if value.strip().lower() in ("true", "false"):
            headers.html = value.strip().lower() == "true"
        else:
            message = f'"#html:" must be true or false, not "{value.strip()}"'
            headers.problems.append(YamlProblem(line, col, message))
    elif key == "tags":
        headers.tags = value.split()
    elif key == "columns":
        headers.columns = value
    elif key == "deck":
        headers.deck = value.strip() or None
    elif key.endswith(" column"):
        if _NUMBER.fullmatch(value) and int(value) >= 1:
            headers.meta[key.removesuffix(" column")] = (int(value) - 1, line, col)
        else:
            message = f'"#{key}:" needs a column number (1 for the first), not "{value.strip()}"'
            headers.problems.append(YamlProblem(line, col, message))


def _separator_named(value: str) -> str | None:
    """The separator a ``#separator:`` value names: a name or the character itself."""
    name = value.strip().lower()
    if name in _SEPARATOR_NAMES:
        return _SEPARATOR_NAMES[name]
    if len(value) == 1 and value != '"' and (value.isprintable() or value == "\t"):
        return value
    return None


# --- Layout: which field holds what (deck_layout) ----------------------------------------


def _layout(
    headers: _Headers, records: list[Record], delimiter: str, choice: ReadOptions
) -> tuple[Layout, list[Record], list[YamlProblem]]:
    """The layout of the records, the records that are cards, and problems with the headers."""
    meta = {key: column for key, (column, _, _) in headers.meta.items()}
    names: list[str] = []
    if headers.columns is not None:
        try:
            names = next(csv.reader([headers.columns], delimiter=delimiter), [])
        except csv.Error:
            names = []
    elif (
        records
        and not headers.count
        and choice.header is not False
        and (choice.header or looks_like_header(records[0].fields))
    ):
        names, records = records[0].fields, records[1:]
    width = len(names) or max((len(record.fields) for record in records), default=0)
    problems = [
        YamlProblem(line, col, f"{key} column {column + 1} is beyond the {width} columns")
        for key, (column, line, col) in headers.meta.items()
        if width and column >= width
    ]
    if names:
        layout = named_layout(names, meta, choice.front, choice.back)
    else:
        layout = numbered_layout(meta, width, choice.front, choice.back)
    return layout, records, problems


# --- Cards from records --------------------------------------------------------------------

_SOUND = re.compile(r"\[sound:[^\]\n]*\]")
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_MARK = re.compile(
    r"</?(?:b|i|u|s|em|strong|br|div|p|span|font|ul|ol|li|sub|sup|code|pre|img|a|table|tr|td"
    r"|th|h[1-6]|hr|blockquote|strike|del|small|big|mark)\b[^<>]*>"
    r"|&(?:nbsp|amp|lt|gt|quot|#[0-9]+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
_CLOZE = re.compile(r"\{\{c\d+::(?P<answer>.*?)(?:::(?P<hint>.*?))?\}\}", re.DOTALL)
_TAG_LIST = re.compile(r"[,;]")


def _looks_like_html(records: list[Record], layout: Layout) -> bool:
    """True when a card field clearly holds HTML tags or entities."""
    return any(
        _HTML_MARK.search(value)
        for record in records
        for index, value in enumerate(record.fields)
        if index not in layout.meta
    )


_ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)


def _answer_only(value: str) -> str:
    """What follows ``<hr id=answer>``: Anki renders a back as the front, the rule, the answer."""
    parts = _ANSWER_RULE.split(value)
    return parts[-1]


class _DeckBuilder:
    """Turns records into cards, collecting problems and counting dropped media."""

    def __init__(
        self,
        layout: Layout,
        html: bool,
        anki_tags: bool,
        tags: list[str],
        separator: str,
        pictures: Pictures | None = None,
    ) -> None:
        self.layout = layout
        self.html = html
        self.anki_tags = anki_tags
        self.tags = tags
        self.pictures = pictures
        self.separator = _SEPARATOR_WORDS.get(separator, f'"{separator}"')
        self.cards: list[DeckCard] = []
        self.problems: list[YamlProblem] = []
        self.decks: list[str] = []
        self.html_guessed = False
        self.media = 0
        self.media_line = 0
        self.skipped = 0
        self.skipped_line = 0

    def add(self, record: Record) -> None:
        """Make a card of one record, or say why it is not one."""
        layout, fields = self.layout, record.fields
        if layout.front >= len(fields) or min(layout.backs) >= len(fields):
            self.problems.append(YamlProblem(record.line, 1, self._too_few(fields)))
            return
        front, front_media = self._text(fields[layout.front], record.line)
        back, back_media = self._back(fields, record.line)
        front, back = _cloze(front, back)
        if not front or not back:
            if (not front and front_media) or (not back and back_media):
                self.skipped += 1
                self.skipped_line = self.skipped_line or record.line
                return
            for side, text, index in (("front", front, layout.front), ("back", back, layout.back)):
                if not text:
                    message = f"empty {side}" + self._html_hint(fields[index])
                    self.problems.append(YamlProblem(record.line, 1, message))
            return
        guid = _field(fields, layout.guid)
        self.cards.append(DeckCard(front, back, self._tags(fields), record.line, guid or None))
        if layout.deck is not None and layout.deck < len(fields):
            self.decks.append(fields[layout.deck].strip())

    def _back(self, fields: list[str], line: int) -> tuple[str, int]:
        """The back: one field, or several, each under its column name."""
        parts: list[tuple[str, str]] = []
        media = 0
        for index, label in itertools.zip_longest(self.layout.backs, self.layout.labels):
            if index >= len(fields):
                continue
            value = _answer_only(fields[index]) if self.html else fields[index]
            text, lost = self._text(value, line)
            media += lost
            if text:
                parts.append((label or "", text))
        if len(parts) == 1 or not all(label for label, _ in parts):
            return "\n\n".join(text for _, text in parts), media
        return "\n\n".join(_labelled(label, text) for label, text in parts), media

    def _too_few(self, fields: list[str]) -> str:
        text_fields = sum(index not in self.layout.meta for index in range(len(fields)))
        if text_fields == 0:
            return "no card text in this record — expected a front and a back"
        return f"only one field — expected a front and a back separated by {self.separator}"

    def _html_hint(self, value: str) -> str:
        """Why a field with text came out empty, when HTML was only guessed."""
        if self.html_guessed and value.strip():
            return " once read as HTML — a first line #html:false keeps the text as written"
        return ""

    def _text(self, value: str, line: int) -> tuple[str, int]:
        """The Markdown of one field and how many media references it lost."""
        value, sounds = _SOUND.subn("", value)
        if self.html:
            text, images = html_to_markdown(value, self.pictures)
        else:
            text, images = _IMAGE.subn("", value)
        if sounds + images and not self.media:
            self.media_line = line
        self.media += sounds + images
        return text.strip(), sounds + images

    def _tags(self, fields: list[str]) -> list[str]:
        column = self.layout.tags
        value = fields[column] if column is not None and column < len(fields) else ""
        # Anki tags are space-separated; a spreadsheet cell may also list "a, b; c".
        parts = _TAG_LIST.split(value) if not self.anki_tags and _TAG_LIST.search(value) else None
        words = [part.strip() for part in (parts if parts is not None else value.split())]
        return list(dict.fromkeys(tag for tag in self.tags + words if tag))

    def deck(self, name: str | None, problems: list[YamlProblem]) -> Deck:
        """The deck: its cards, name, one media note at most, and every problem."""
        problems = sorted(problems + self.problems, key=lambda p: (p.line, p.col))
        if not self.cards and not problems:
            if self.skipped:
                cards = (
                    "the card has nothing"
                    if self.skipped == 1
                    else f"none of the {self.skipped} cards has anything"
                )
                message = (
                    f"{cards} to print: the export does not include its media "
                    "(pictures, sounds), and no picture has alt text — give the folder of "
                    "the pictures with --media (Anki's collection.media)"
                )
            else:
                message = (
                    "no flashcards found — expected cards with a front and a back separated "
                    f"by {self.separator}"
                )
            problems.append(YamlProblem(self.skipped_line or 1, 1, message))
        notes = []
        if self.media:
            notes.append(YamlProblem(self.media_line, 1, self._media_message()))
        if name is None and len(set(self.decks)) == 1 and self.decks[0]:
            name = self.decks[0]
        return Deck(self.cards, name, [], problems, self.layout.langs, notes)

    def _media_message(self) -> str:
        plural = "s" if self.media > 1 else ""
        message = (
            f"{self.media} media reference{plural} (pictures, sounds) not printed: the export "
            "does not include the media files (pictures print their alt text; --media DIR "
            "prints them from a folder)"
        )
        if self.skipped:
            cards = "1 card" if self.skipped == 1 else f"{self.skipped} cards"
            message += f"; {cards} left with nothing to print on one side skipped"
        return message


def _labelled(label: str, text: str) -> str:
    """A back field under its column name, printed small."""
    return f"<small>{_escape_label(label)}</small>\n{text}"


def _escape_label(label: str) -> str:
    return escape_markdown(" ".join(label.split()))


def _field(fields: list[str], column: int | None) -> str:
    """A meta field's text (a GUID), stripped; empty when the record has no such column."""
    return fields[column].strip() if column is not None and column < len(fields) else ""


def _cloze(front: str, back: str) -> tuple[str, str]:
    """An Anki cloze note as a card: blanks on the front, the answers and extra on the back."""
    if not _CLOZE.search(front):
        return front, back

    def blank(match: re.Match[str]) -> str:
        return f"&#91;{match['hint'] or '…'}&#93;"  # not \\[…\\], a displayed formula

    def answer(match: re.Match[str]) -> str:
        return wrap(match["answer"], "**")

    revealed = _CLOZE.sub(answer, front)
    return _CLOZE.sub(blank, front), f"{revealed}\n\n{back}" if back else revealed
