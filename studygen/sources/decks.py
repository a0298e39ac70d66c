"""Flashcard decks kept outside studygen: Anki and Quizlet exports, CSV and TSV files.

Every format is first read into records (the line a record starts on and its fields)
with the standard library's ``csv`` reader; a layout then says which field is the
front, the back, the tags and the deck. Anki fields may hold HTML: it becomes Markdown
whose text prints exactly as written. Media an export leaves behind (images, sounds)
is dropped, with one warning for the whole deck.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from studygen.errors import ConfigError
from studygen.sources.html_text import html_to_markdown, wrap
from studygen.sources.yaml_source import YamlProblem

DECK_SUFFIXES = (".txt", ".tsv", ".csv")


@dataclass
class DeckCard:
    """One card of a deck: Markdown front and back, its tags and where its record starts."""

    front: str
    back: str
    tags: list[str]
    line: int


@dataclass
class Deck:
    """The cards of a deck file, its name if the file gives one, and what went wrong."""

    cards: list[DeckCard]
    name: str | None
    warnings: list[YamlProblem]
    problems: list[YamlProblem]


def read_deck(
    text: str, suffix: str, separator: str | None = None, card_separator: str | None = None
) -> Deck:
    """Flashcards from an Anki plain-text export, a Quizlet export, or a CSV/TSV deck."""
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
        delimiter = "\t" if suffix == ".txt" else _sniff_delimiter(body, suffix)
    records, problems = _csv_records(body, headers.count + 1, delimiter)
    problems = headers.problems + problems
    if headers.count:
        layout, column_problems = _anki_layout(headers, records, delimiter)
        problems += column_problems
    else:
        layout, has_header_row = _guess_layout(records)
        records = records[1:] if has_header_row else records
    html = headers.html
    if html is None:
        html = suffix == ".txt" and _looks_like_html(records, layout)
    anki_tags = suffix == ".txt" or headers.count > 0
    builder = _DeckBuilder(layout, html, anki_tags, headers.tags, delimiter)
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
        records.append(_Record(start, [front, back] if found else [front]))
    builder = _DeckBuilder(_Layout(0, 1), False, False, [], separator)
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


# --- Records: csv.reader, with the line each record starts on ----------------------------

_SAMPLE_LINES = 30
_SAMPLE_CHARS = 16_000  # csv.Sniffer's regular expressions slow down on long samples


@dataclass
class _Record:
    """The fields of one record and the 1-based line it starts on."""

    line: int
    fields: list[str]


class _Lines:
    """The lines given to ``csv.reader``, noting when they run out."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = iter(lines)
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.exhausted = True
            raise


def _csv_records(
    lines: list[str], first: int, delimiter: str
) -> tuple[list[_Record], list[YamlProblem]]:
    """Non-blank records of ``lines`` (the file from line ``first`` on) and reading problems."""
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter, skipinitialspace=True)
    records: list[_Record] = []
    while True:
        start = first + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return records, []
        except csv.Error as exc:
            return records, [YamlProblem(start, 1, _unreadable(exc))]
        # A record only ever needs the line after it when a quoted field is still open.
        if source.exhausted:
            return records, [_open_quote(lines, fields[-1], first, reader.line_num)]
        if any(value.strip() for value in fields):
            records.append(_Record(start, fields))


def _unreadable(exc: csv.Error) -> str:
    """Why ``csv`` gave up on a record, in the user's terms."""
    if "field limit" in str(exc):
        limit = csv.field_size_limit()
        return f"a field starting here is over {limit} characters long — is a quote left open?"
    return f"cannot read this record: {exc}"


def _open_quote(lines: list[str], value: str, first: int, read: int) -> YamlProblem:
    """Where the quoted field that swallowed the end of the file opens."""
    # Each line from the opening one to the end gave the open field its newline, and
    # every quote inside it was written doubled.
    opening = max(1, read - value.count("\n") + 1)
    head = value.split("\n", 1)[0]
    written = len(lines[opening - 1].rstrip("\n"))
    col = max(1, written - len(head) - head.count('"'))
    message = 'unterminated quote: this field opens with " but never closes'
    return YamlProblem(first + opening - 1, col, message)


def _sniff_delimiter(lines: list[str], suffix: str) -> str:
    """Comma, semicolon or tab: what ``csv.Sniffer`` finds, if it splits the sample best."""
    candidates = "\t,;" if suffix == ".tsv" else ",;\t"
    sample = "".join(line for line in lines if line.strip())
    sample = "".join(sample.splitlines(keepends=True)[:_SAMPLE_LINES])[:_SAMPLE_CHARS]
    scores = {delimiter: _split_score(sample, delimiter) for delimiter in candidates}
    best = max(scores.values())
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed] == best:
        return sniffed
    return next(delimiter for delimiter in candidates if scores[delimiter] == best)


def _split_score(sample: str, delimiter: str) -> tuple[int, int]:
    """Records the delimiter splits in two or more, then how many share the usual width."""
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return (0, 0)
    widths = [len(row) for row in rows if any(value.strip() for value in row)]
    usual = Counter(widths).most_common(1)
    return (sum(width >= 2 for width in widths), usual[0][1] if usual else 0)


# --- Layout: which field holds what ------------------------------------------------------


def _plain_name(text: str) -> str:
    """A column name folded for comparison: no case, no accents, no decoration."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.strip(" :?*#\t\n").split())


_COLUMN_NAMES = {
    "front": "front, front side, recto, question, q, prompt, term, terme, termine, término, "
    "word, mot, wort, palabra, parola, concept, notion, begriff, vorderseite, frage, "
    "pregunta, domanda, anverso, fronte",
    "back": "back, back side, verso, answer, a, réponse, antwort, respuesta, risposta, "
    "definition, définition, definición, definizione, rückseite, reverso, retro, meaning, "
    "signification, sens, bedeutung, significado, significato, translation, traduction, "
    "übersetzung, traducción, traduzione, explanation, explication, erklärung",
    "tags": "tags, tag, étiquettes, étiquette, labels, label, keywords, mots-clés, mots clés, "
    "schlagwörter, schlagwort, stichwörter, etiquetas, etiqueta, etichette, etichetta, "
    "category, categories, catégorie, kategorie, categoría, categoria",
    "deck": "deck, deck name, paquet, stapel, mazo, mazzo",
}
_ROLE_OF_NAME = {
    _plain_name(name): role for role, names in _COLUMN_NAMES.items() for name in names.split(",")
}


@dataclass
class _Layout:
    """Which field of a record holds what (0-based); ``meta`` columns are never card text."""

    front: int
    back: int
    tags: int | None = None
    deck: int | None = None
    meta: frozenset[int] = frozenset()


def _column_roles(names: list[str]) -> dict[str, int]:
    """The first column named after each role."""
    roles: dict[str, int] = {}
    for index, name in enumerate(names):
        role = _ROLE_OF_NAME.get(_plain_name(name))
        if role and role not in roles:
            roles[role] = index
    return roles


def _layout_from(roles: dict[str, int], meta: set[int]) -> _Layout:
    """Named columns where named; the front and back otherwise take the first free columns."""
    taken = set(roles.values()) | meta

    def free() -> int:
        return next(index for index in itertools.count() if index not in taken)

    front = roles["front"] if "front" in roles else free()
    taken.add(front)
    back = roles["back"] if "back" in roles else free()
    tags, deck = roles.get("tags"), roles.get("deck")
    known = {index for index in (tags, deck) if index is not None}
    return _Layout(front, back, tags, deck, frozenset(meta | known))


def _guess_layout(records: list[_Record]) -> tuple[_Layout, bool]:
    """Honour a header row naming the columns; else front, back in the first two columns."""
    if records:
        roles = _column_roles([value.strip() for value in records[0].fields])
        if len(roles) >= 2 and ("front" in roles or "back" in roles):
            return _layout_from(roles, set()), True
    return _Layout(0, 1), False


def _anki_layout(
    headers: _Headers, records: list[_Record], delimiter: str
) -> tuple[_Layout, list[YamlProblem]]:
    """The layout the header lines describe; a column number beyond the columns is a problem."""
    names: list[str] = []
    if headers.columns is not None:
        try:
            names = next(csv.reader([headers.columns], delimiter=delimiter), [])
        except csv.Error:
            names = []
    meta = {key: column for key, (column, _, _) in headers.meta.items()}
    roles = {
        role: index
        for role, index in _column_roles(names).items()
        if index not in meta.values() and role in ("front", "back")
    }
    roles.update(meta)
    lowered = [name.strip().lower() for name in names]
    if "tags" not in roles and "tags" in lowered:
        roles["tags"] = lowered.index("tags")  # Anki's own name for the tags column
    width = len(names) or max((len(record.fields) for record in records), default=0)
    problems = [
        YamlProblem(line, col, f"{key} column {column + 1} is beyond the {width} columns")
        for key, (column, line, col) in headers.meta.items()
        if width and column >= width
    ]
    hidden = {index for role, index in roles.items() if role in ("notetype", "guid")}
    layout = _layout_from({k: v for k, v in roles.items() if k in _COLUMN_NAMES}, hidden)
    return layout, problems


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


def _looks_like_html(records: list[_Record], layout: _Layout) -> bool:
    """True when a card field clearly holds HTML tags or entities."""
    return any(
        _HTML_MARK.search(value)
        for record in records
        for index, value in enumerate(record.fields)
        if index not in layout.meta
    )


class _DeckBuilder:
    """Turns records into cards, collecting problems and counting dropped media."""

    def __init__(
        self, layout: _Layout, html: bool, anki_tags: bool, tags: list[str], separator: str
    ) -> None:
        self.layout = layout
        self.html = html
        self.anki_tags = anki_tags
        self.tags = tags
        self.separator = _SEPARATOR_WORDS.get(separator, f'"{separator}"')
        self.cards: list[DeckCard] = []
        self.problems: list[YamlProblem] = []
        self.decks: list[str] = []
        self.html_guessed = False
        self.media = 0
        self.media_line = 0
        self.skipped = 0

    def add(self, record: _Record) -> None:
        """Make a card of one record, or say why it is not one."""
        layout, fields = self.layout, record.fields
        if max(layout.front, layout.back) >= len(fields):
            self.problems.append(YamlProblem(record.line, 1, self._too_few(fields)))
            return
        front, front_media = self._text(fields[layout.front], record.line)
        back, back_media = self._text(fields[layout.back], record.line)
        front, back = _cloze(front, back)
        if not front or not back:
            if (not front and front_media) or (not back and back_media):
                self.skipped += 1
                return
            for side, text, index in (("front", front, layout.front), ("back", back, layout.back)):
                if not text:
                    message = f"empty {side}" + self._html_hint(fields[index])
                    self.problems.append(YamlProblem(record.line, 1, message))
            return
        self.cards.append(DeckCard(front, back, self._tags(fields), record.line))
        if layout.deck is not None and layout.deck < len(fields):
            self.decks.append(fields[layout.deck].strip())

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
            text, images = html_to_markdown(value)
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
        """The deck: its cards, name, one media warning at most, and every problem."""
        problems = sorted(problems + self.problems, key=lambda p: (p.line, p.col))
        if not self.cards and not problems:
            message = (
                "no flashcards found — expected cards with a front and a back separated "
                f"by {self.separator}"
            )
            problems.append(YamlProblem(1, 1, message))
        warnings = []
        if self.media:
            warnings.append(YamlProblem(self.media_line, 1, self._media_message()))
        if name is None and len(set(self.decks)) == 1 and self.decks[0]:
            name = self.decks[0]
        return Deck(self.cards, name, warnings, problems)

    def _media_message(self) -> str:
        plural = "s" if self.media > 1 else ""
        message = (
            f"dropped {self.media} media reference{plural} (images, sounds): "
            "the export does not include the media files"
        )
        if self.skipped:
            cards = "1 card" if self.skipped == 1 else f"{self.skipped} cards"
            message += f"; {cards} left with an empty side skipped"
        return message


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
