"""HTML from flashcard apps (Anki fields) → Markdown that prints its text as written.

Bold, italics, line breaks, paragraphs and lists become Markdown; everything else is
reduced to its text, with Markdown's special characters escaped; scripts and styles
are dropped, and media (images, sounds) are counted so the caller can say so once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from studygen.formulas import find_math

Pictures = Callable[[str, str], "str | None"]
"""(file name, alt text) → the Markdown that prints the picture, or None if it is not there."""

_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "strike": "~~", "del": "~~"}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPHS = frozenset({"p", "blockquote", "pre", "table", "hr", "dl"}) | _HEADINGS
_LINES = frozenset({"div", "tr", "dt", "dd", "section", "article", "header", "footer", "center"})
_CELLS = frozenset({"td", "th"})
_DROPPED = frozenset({"script", "style", "template"})
_MEDIA = frozenset({"img", "audio", "video", "object", "embed"})
_MARKED_SECTION = re.compile(r"<!\[[^<>]*?\]>")
_NUMBER = re.compile(r"\s*[0-9]{1,6}\s*")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_SPECIAL = re.compile(r"[\\`*_\[\]<>~|$]|&(?=#?[0-9A-Za-z]+;)")
# ``\\[`` would open a displayed formula: brackets are written as character references.
_ESCAPES = {"[": "&#91;", "]": "&#93;"}
_BLOCK_START = re.compile(r"^\s*(?:[-+=#]|[0-9]{1,9}[.)])")
_LIST_ITEM = re.compile(r"\s*(?:-|[0-9]{1,9}\.) ")
_LINE_PARTS = re.compile(r"(\s*(?:(?:-|[0-9]{1,9}\.) )?)(\s*)(.*?)(\s*)\Z")


def html_to_markdown(html: str, pictures: Pictures | None = None) -> tuple[str, int]:
    """Markdown that prints the text of an HTML field as written, and its lost media count.

    A picture prints as ``pictures`` makes it, else as its alt text (what it shows).
    """
    # Word's <![if …]> sections would trip html.parser; they hold no text.
    html = _MARKED_SECTION.sub("", html).replace("<![", "&lt;![")
    parser = _HtmlToMarkdown(pictures)
    parser.feed(html)
    parser.close()
    return parser.markdown(), parser.media


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as markup, so ``text`` prints as written."""
    text = _SPECIAL.sub(lambda match: _ESCAPES.get(match[0], "\\" + match[0]), text)
    return _BLOCK_START.sub(lambda match: match[0][:-1] + "\\" + match[0][-1], text)


def _escape_outside_formulas(text: str) -> str:
    """Escape Markdown around Anki's formulas (``\\(…\\)``, ``[$]…[/$]``…), not their TeX.

    Anki typesets only these; a ``$`` in a field is a dollar, and is escaped.
    """
    parts, last = [], 0
    for math in find_math(text, dollars=False):
        parts += [escape_markdown(text[last : math.start]), text[math.start : math.end]]
        last = math.end
    parts.append(escape_markdown(text[last:]))
    return "".join(parts)


def wrap(text: str, marker: str) -> str:
    """``text`` in emphasis markers, line by line, keeping spaces and list markers outside."""
    out = []
    for line in text.split("\n"):
        match = _LINE_PARTS.match(line)
        if match is None or not match[3]:
            out.append(line)
            continue
        prefix, lead, core, trail = match.groups()
        out.append(f"{prefix}{lead}{marker}{core}{marker}{trail}")
    return "\n".join(out)


def _code_span(text: str) -> str:
    """``text`` as a code span, fenced by more backticks than it holds."""
    text = text.replace("\n", " ")
    core = text.strip()
    if not core:
        return text
    fence = "`" * (max((len(run) for run in re.findall(r"`+", core)), default=0) + 1)
    pad = " " if core.startswith("`") or core.endswith("`") else ""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{fence}{pad}{core}{pad}{fence}{trail}"


def _tidy(text: str) -> str:
    """Markdown lines: blank runs made one, other line ends made hard breaks."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if out and out[-1]:
                out.append("")
            continue
        if out and out[-1] and not _LIST_ITEM.match(line):
            out[-1] += "  "
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


@dataclass
class _Frame:
    """Output of an element still open: emphasis or code wraps it when it closes."""

    tag: str
    marker: str
    parts: list[str] = field(default_factory=list)


@dataclass
class _List:
    """An open list: its kind, the next number, and the indentation of its items."""

    ordered: bool
    number: int
    indent: str
    width: int = 2


class _HtmlToMarkdown(HTMLParser):
    """Anki field HTML → Markdown: emphasis, lines, lists and code kept, the rest as text."""

    def __init__(self, pictures: Pictures | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.pictures = pictures
        self.media = 0
        self._frames = [_Frame("", "")]
        self._lists: list[_List] = []
        self._skip = 0
        self._fresh_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open markup, break lines, start list items; count and drop media."""
        if tag in _DROPPED:
            self._skip += 1
        if self._skip:
            return
        if tag == "img":
            self._picture(dict(attrs))
        elif tag in _MEDIA:
            self.media += 1
        elif self._frames[-1].marker == "`":
            if tag == "br":
                self._emit(" ")
        elif tag == "br":
            self._emit("\n")
        elif tag in _EMPHASIS or tag == "code":
            self._open(tag, _EMPHASIS.get(tag, "`"))
        elif tag in ("ul", "ol"):
            self._start_list(tag == "ol", dict(attrs).get("start"))
        elif tag == "li":
            self._item()
        elif tag in _PARAGRAPHS:
            self._break(paragraph=True)
            if tag in _HEADINGS:
                self._open(tag, "**")
        elif tag in _LINES:
            self._break(paragraph=False)
        elif tag in _CELLS and not self._at_line_start():
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        """Close markup and blocks."""
        if tag in _DROPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if any(frame.tag == tag for frame in self._frames[1:]):
            self._close(tag)
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
            self._break(paragraph=True)
        elif tag in _PARAGRAPHS:
            self._break(paragraph=True)
        elif tag in _LINES or tag == "li":
            self._break(paragraph=False)

    def handle_data(self, data: str) -> None:
        """Text, its white space collapsed as HTML does, escaped unless inside code."""
        if self._skip:
            return
        text = _SPACES.sub(" ", data)
        if self._at_line_start() or self._tail(1) == " ":
            text = text.lstrip(" ")
        if text and self._frames[-1].marker != "`":
            text = _escape_outside_formulas(text)
        if text:
            self._emit(text)

    def markdown(self) -> str:
        """The Markdown written so far, open elements closed."""
        while len(self._frames) > 1:
            self._close(self._frames[-1].tag)
        return _tidy("".join(self._frames[0].parts))

    def _picture(self, attrs: dict[str, str | None]) -> None:
        """The picture itself when its file is given, else its alt text."""
        src, alt = (attrs.get("src") or "").strip(), " ".join((attrs.get("alt") or "").split())
        shown = self.pictures(src, alt) if self.pictures and src else None
        if shown is not None:
            self._emit(shown)
            return
        self.media += 1
        if alt:
            if not self._at_line_start() and self._tail(1) != " ":
                self._emit(" ")
            self._emit(escape_markdown(alt))

    def _emit(self, text: str) -> None:
        self._frames[-1].parts.append(text)
        self._fresh_item = False

    def _tail(self, size: int) -> str:
        """The last ``size`` characters written, across open elements."""
        tail = ""
        for frame in reversed(self._frames):
            for part in reversed(frame.parts):
                tail = part + tail
                if len(tail) >= size:
                    return tail[-size:]
        return tail

    def _at_line_start(self) -> bool:
        return self._fresh_item or self._tail(1) in ("", "\n")

    def _break(self, paragraph: bool) -> None:
        """End the current line, or the paragraph (a line only, inside a list)."""
        tail = self._tail(2)
        if self._fresh_item or not tail:
            return
        if paragraph and not self._lists:
            if tail != "\n\n":
                self._emit("\n" if tail.endswith("\n") else "\n\n")
        elif not tail.endswith("\n"):
            self._emit("\n")

    def _open(self, tag: str, marker: str) -> None:
        # Nested same emphasis (<b><b>) would double the markers into a different markup.
        if any(frame.marker == marker for frame in self._frames):
            marker = ""
        self._frames.append(_Frame(tag, marker))

    def _close(self, tag: str) -> None:
        """Close ``tag`` and the elements left open inside it."""
        while len(self._frames) > 1:
            frame = self._frames.pop()
            text = "".join(frame.parts)
            if frame.marker == "`":
                text = _code_span(text)
            elif frame.marker:
                text = wrap(text, frame.marker)
            self._frames[-1].parts.append(text)
            if frame.tag == tag:
                return

    def _start_list(self, ordered: bool, start: str | None) -> None:
        self._break(paragraph=True)
        outer = self._lists[-1] if self._lists else None
        indent = outer.indent + " " * outer.width if outer else ""
        number = int(start) if start and _NUMBER.fullmatch(start) else 1
        self._lists.append(_List(ordered, number, indent))

    def _item(self) -> None:
        if not self._lists:
            self._lists.append(_List(False, 1, ""))
        if self._fresh_item:
            self._emit("\n")
        self._break(paragraph=False)
        current = self._lists[-1]
        marker = f"{current.number}. " if current.ordered else "- "
        current.number += 1
        current.width = len(marker)
        self._emit(current.indent + marker)
        self._fresh_item = True
