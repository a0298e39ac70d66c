"""Read Markdown study notes into the plain data and positions the YAML reader gives.

markdown-it finds the structure (front matter, headings, blockquotes, lists, images);
every value is then cut from the source lines themselves, so the model receives the
Markdown the author wrote, never rendered HTML, and validation errors point at the
Markdown file's lines.

The format, which also accepts notes written for Obsidian or GitHub:

- optional YAML front matter between ``---`` lines for the document fields;
- the title from the front matter, else the first heading if it is the only ``#``
  heading (in a card note, as the note was written before its cards were taken out), else
  the file name;
- text before the first section is the introduction; a note with no section is its
  introduction alone (the loader builds it without sections);
- the shallowest heading level left is the section level; deeper headings stay in text;
- ``> [!kind] Title`` callouts become definition, example, note, warning or deep-dive
  blocks, and a paragraph holding only ``![alt](src "caption")`` becomes a figure;
- sections titled "Key points", "Flashcards" or "FAQ" (in any supported language)
  hold ``- **Term** : text`` items, cards (``Q:``/``A:``, ``::``, ``:::``, ``?``,
  ``??``) and ``###`` questions.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from studygen.i18n import LABELS
from studygen.sources.callouts import callout_kind, misspelt_kind
from studygen.sources.markdown_cards import Card, CardReader, Part, face_text, indent
from studygen.sources.obsidian import prepare_note
from studygen.sources.yaml_source import Loc, Positions, YamlProblem, YamlResult, parse_yaml

_MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def _fold(title: str) -> str:
    """A heading reduced for comparison: case, hyphens, spacing and a final colon ignored."""
    return " ".join(title.replace("-", " ").casefold().rstrip(" :\u00a0\u202f").split())


def _titles(key: str, *names: str) -> dict[str, str]:
    """Folded section titles → ``key``: the names given and its label in every language."""
    labels = (table[key] for table in LABELS.values())
    return dict.fromkeys((_fold(name) for name in (*names, *labels)), key)


# Sections with these titles hold the key points, the flashcards or the FAQ.
_SPECIAL_SECTIONS = {
    **_titles("key_points", "Points clés", "Key points", "Punti chiave", "Puntos clave"),
    **_titles("key_points", "Das Wichtigste", "Wichtigste Punkte"),
    **_titles("flashcards", "Flashcards", "Flash cards", "Fiches", "Cartes", "Karteikarten"),
    **_titles("flashcards", "Tarjetas", "Schede"),
    **_titles("faq", "FAQ", "Questions fréquentes", "Frequently asked questions"),
}

_QUOTE_MARKER = re.compile(r"^ {0,3}> ?")
_CALLOUT = re.compile(r"\[!([^\]]+)\]([+-]?)(.*)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])")
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\\]|\\.)*)\]"
    r"\(\s*(?:<(?P<angled>[^<>\n]*)>|(?P<src>[^\s()]+(?:\([^\s()]*\)[^\s()]*)*))"
    r"(?:\s+(?:\"(?P<double>(?:[^\"\\]|\\.)*)\"|'(?P<single>(?:[^'\\]|\\.)*)'"
    r"|\((?P<paren>(?:[^()\\]|\\.)*)\)))?\s*\)",
    re.DOTALL,
)
_TERM_PATTERNS = (
    re.compile(r"\*\*(?P<term>[^*\n]+?)\s*:\s*\*\*\s*(?P<text>.*)", re.DOTALL),  # **Term :** text
    re.compile(r"\*\*(?P<term>[^\n]+?)\*\*\s*(?:::|[:—–]|-(?=\s))?\s*(?P<text>.*)", re.DOTALL),
    re.compile(r"(?P<term>[^\n]+?)\s*::\s*(?P<text>.*)", re.DOTALL),  # Term :: text
)

_MESSAGES = {
    "front matter": "the front matter must be `key: value` lines, such as `title: …`",
    "two titles": "this heading differs from the title in the front matter (line {other})"
    " — keep one, or write `##` to make it a section",
    "two intros": "the introduction is written twice: in the front matter (line {other})"
    " and before the first section — keep one",
    "not a list": '"{key}" in the front matter is not a list, so the body cannot add to it'
    " — write it as a list or remove it",
    "no term": "a definition needs its term on the marker line: `> [!definition] Term`",
    "not key points": "only a list of `- **Term** : text` items belongs in the key points section",
    "key point": "key point without a term — write it as `- **Term** : explanation`",
    "faq text": "text before the first question of the FAQ — start each question with a"
    " heading one level below the FAQ's (`### Question`), its answer below it",
    "no A": "`Q:` without an answer — add an `A: answer` line after the question",
    "no Q": "`A:` without a question — put a `Q: question` line before it",
    "empty Q": "`Q:` with no question — write the question after `Q:`",
    "empty A": "`A:` with no answer — write the answer after `A:`",
    "empty front": "nothing before `{sign}` — write the question, then `{sign}`, then the answer",
    "empty back": "nothing after `{sign}` — write the answer after `{sign}`",
    "empty above": "no question above the `{sign}` line — write the question on the lines above it",
    "empty below": "no answer below the `{sign}` line — write the answer on the lines below it",
    "tags": "a `Tags:` line must come right after the card it tags",
    "id": "an `ID:` line must come right after the card it names (or its `Tags:` line)",
    "not a card": "text in the flashcards section that is not a card — write `Q: question`"
    " then `A: answer`, `question::answer`, or the question, a line holding `?`, then the"
    " answer",
}


def parse_markdown(text: str, fallback_title: str) -> YamlResult:
    """Markdown study notes → the same plain data and positions the YAML reader gives."""
    # markdown-it counts lines after the same normalisation, so its maps match ours.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    note = prepare_note(text, lambda title: _fold(title) in _SPECIAL_SECTIONS)
    reader = _Reader(note.text, note.title_line)
    data = reader.document(fallback_title, note.cards)
    return YamlResult(data, reader.positions, reader.problems, note.warnings + reader.warnings)


def _level(heading: SyntaxTreeNode) -> int:
    return int(heading.tag[1:])


def _span(node: SyntaxTreeNode) -> tuple[int, int]:
    assert node.map is not None  # every block token of markdown-it has its lines
    return node.map


def _heading_text(heading: SyntaxTreeNode) -> str:
    return heading.children[0].content.strip() if heading.children else ""


def _callout(node: SyntaxTreeNode, lines: list[str]) -> re.Match[str] | None:
    """The ``[!kind] title`` marker opening a blockquote, if it is a callout."""
    if node.type != "blockquote":
        return None
    first = _QUOTE_MARKER.sub("", lines[_span(node)[0]], count=1).strip()
    return _CALLOUT.fullmatch(first)


def _lone_image(node: SyntaxTreeNode) -> Token | None:
    """The image token of a paragraph that holds one image and nothing else."""
    if node.type != "paragraph" or not node.children:
        return None
    inline = node.children[0].token
    parts = [
        token
        for token in (inline.children if inline else None) or []
        if token.type not in ("softbreak", "hardbreak")
        and not (token.type == "text" and not token.content.strip())
    ]
    return parts[0] if len(parts) == 1 and parts[0].type == "image" else None


def _unnamed_alt(reader: _Reader, block: dict[str, Any], line: int, col: int) -> str:
    """Alt text for a picture given none (``![](diagram.png)``, as notes pasted from the
    web or an editor often are): its caption, else its file name; a warning says so, so
    that ``check`` still asks for words that say what it shows."""
    name = block["src"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    alt = " ".join(block.get("caption", "").split()) or " ".join(re.split(r"[-_\s]+", name))
    alt = alt.strip() or "picture"
    reader.warnings.append(
        YamlProblem(
            line,
            col,
            f'picture without alt text: "{alt}" is read out instead — say what it '
            f"shows: ![what it shows]({block['src']})",
        )
    )
    return alt


class _Reader:
    """Walks the Markdown structure once, filling data, positions and problems."""

    def __init__(self, text: str, title_line: int | str | None = None) -> None:
        self.text = text
        self.title_line = title_line  # decided before cards were taken out, if they were
        self.lines = text.split("\n")
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        self.warnings: list[YamlProblem] = []
        self.lists: dict[str, list[Any]] = {}

    def put(self, loc: Loc, line: int, col: int) -> None:
        """Record where the value at ``loc`` was written (and its key, for a field)."""
        self.positions.values[loc] = (line, col)
        if isinstance(loc[-1], str):
            self.positions.keys[loc] = (line, col)

    def problem(self, line: int, col: int, name: str, **fields: object) -> None:
        """Collect a problem; reading goes on so that every problem is reported."""
        self.problems.append(YamlProblem(line, col, _MESSAGES[name].format(**fields)))

    def cut(
        self, numbers: Sequence[int], rows: Sequence[str] | None = None, head: bool = False
    ) -> Part:
        """The dedented, stripped text of source lines, and where it starts.

        ``rows`` are suffixes of those lines (markers removed) when given. With ``head``
        the first row is the rest of a marker line (``A: …``, ``- **Term** : …``), so it
        is dedented apart from the lines below it.
        """
        if rows is None:
            rows = [self.lines[n] for n in numbers]
        if head and rows:
            text = rows[0] + "\n" + textwrap.dedent("\n".join(rows[1:]))
        else:
            text = textwrap.dedent("\n".join(rows))
        for number, row in zip(numbers, rows, strict=True):
            if row.strip():
                line = self.lines[number]
                return Part(text.strip(), number + 1, len(line) - len(row.lstrip()) + 1)
        return Part("", (numbers[0] if numbers else 0) + 1, 1)

    def document(self, fallback_title: str, cards: Sequence[Card] = ()) -> dict[str, Any]:
        """The whole document as plain data; ``cards`` read elsewhere in the note come first."""
        nodes = SyntaxTreeNode(_MD.parse(self.text)).children
        data: dict[str, Any] = {}
        body_start = 0
        if nodes and nodes[0].type == "front_matter":
            data = self.front_matter(nodes[0])
            body_start = _span(nodes[0])[1]
            nodes = nodes[1:]
        front = dict(data)
        headings = [node for node in nodes if node.type == "heading"]
        title = self.title(data, headings, fallback_title)
        level = min((_level(h) for h in headings), default=0)
        sections = [h for h in headings if _level(h) == level]
        first_section = _span(sections[0])[0] if sections else len(self.lines)
        skipped = range(*_span(title)) if title is not None else range(0)
        self.intro(data, [n for n in range(body_start, first_section) if n not in skipped])
        for key in ("sections", "key_points", "flashcards", "faq"):
            self.lists[key] = list(front[key]) if isinstance(front.get(key), list) else []
        self.flashcards(list(cards))
        for index, heading in enumerate(sections):
            end = _span(sections[index + 1])[0] if index + 1 < len(sections) else len(self.lines)
            inside = [node for node in nodes if _span(heading)[1] <= _span(node)[0] < end]
            self.section(heading, inside, _span(heading)[1], end)
        self.merge(data, front)
        return data

    def front_matter(self, node: SyntaxTreeNode) -> dict[str, Any]:
        """The document fields written in the front matter, with their positions."""
        # The front matter starts on line 2. An empty first line, rather than
        # ``line_offset=1``, also puts the right line into messages that name another
        # line ("duplicate key … first at line 2", "… started at line 2").
        text = "\n" + node.content
        result = parse_yaml(text)
        self.problems += result.problems
        self.positions.values.update(result.positions.values)
        self.positions.keys.update(result.positions.keys)
        if result.data is None:
            return {}
        if not isinstance(result.data, dict):
            self.problem(2, 1, "front matter")
            return {}
        return result.data

    def title(
        self, data: dict[str, Any], headings: list[SyntaxTreeNode], fallback: str
    ) -> SyntaxTreeNode | None:
        """Set the title unless the front matter did; return the heading that is the title.

        The document's heading is its first heading when that is its only ``#`` one:
        several ``#`` headings are chapters (the habit of notes whose file name is the
        title). Notes often repeat the front matter's title as that heading; it is then
        no section, and must not contradict the front matter.
        """
        level_one = [h for h in headings if _level(h) == 1]
        heading = headings[0] if len(level_one) == 1 and headings[0] is level_one[0] else None
        if self.title_line is not None:  # a card note: the headings as written decide
            heading = next((h for h in headings if _span(h)[0] == self.title_line), None)
        if heading is None:
            data.setdefault("title", fallback)
            return None
        headings.remove(heading)
        line, col = self.heading_position(heading)
        written = data.get("title")
        if written is None:
            data["title"] = _heading_text(heading)
            self.put(("title",), line, col)
        elif isinstance(written, str) and written.strip() != _heading_text(heading):
            self.problem(line, col, "two titles", other=self.positions.of(("title",))[0])
        return heading

    def heading_position(self, heading: SyntaxTreeNode) -> tuple[int, int]:
        """Line and column of a heading's text."""
        line = _span(heading)[0]
        text = _heading_text(heading).split("\n")[0]
        col = self.lines[line].find(text) + 1 if text else 1
        return line + 1, max(col, 1)

    def intro(self, data: dict[str, Any], numbers: list[int]) -> None:
        """Text before the first section becomes the introduction."""
        part = self.cut(numbers)
        if not part.text:
            return
        if data.get("intro") is not None:
            self.problem(part.line, part.col, "two intros", other=self.positions.of(("intro",))[0])
            return
        data["intro"] = part.text
        self.put(("intro",), part.line, part.col)

    def merge(self, data: dict[str, Any], front: dict[str, Any]) -> None:
        """Put the lists read from the body after those of the front matter."""
        for key, items in self.lists.items():
            written = front.get(key)
            if written is not None and not isinstance(written, list):
                if items:
                    self.problem(*self.positions.of((key,)), "not a list", key=key)
            elif items or key == "sections" or key in front:
                data[key] = items

    def section(
        self, heading: SyntaxTreeNode, nodes: list[SyntaxTreeNode], start: int, end: int
    ) -> None:
        """One section of the body, or the key points, flashcards or FAQ it holds."""
        key = _SPECIAL_SECTIONS.get(_fold(_heading_text(heading)), "sections")
        line, col = self.heading_position(heading)
        if (key,) not in self.positions.values:
            self.put((key,), line, col)
        if key == "key_points":
            self.key_points(nodes)
        elif key == "flashcards":
            code = [node for node in nodes if node.type in ("fence", "code_block")]
            opaque = {number for node in code for number in range(*_span(node))}
            self.flashcards(CardReader(self, start, end, opaque).read())
        elif key == "faq":
            self.faq(nodes, start, end)
        else:
            loc: Loc = ("sections", len(self.lists["sections"]))
            self.put(loc, line, 1)
            self.put((*loc, "title"), line, col)
            self.put((*loc, "blocks"), line, 1)
            blocks = self.blocks(loc, nodes, start, end)
            self.lists["sections"].append({"title": _heading_text(heading), "blocks": blocks})

    def blocks(self, loc: Loc, nodes: list[SyntaxTreeNode], start: int, end: int) -> list[Any]:
        """Callouts and figures as blocks; every run of other content as one text block."""
        blocks: list[Any] = []
        gap = start
        for node in nodes:
            marker, image = _callout(node, self.lines), _lone_image(node)
            if marker is None and image is None:
                continue
            self.text_block(loc, blocks, range(gap, _span(node)[0]), nodes)
            block_loc = (*loc, "blocks", len(blocks))
            if marker is not None:
                blocks.append(self.callout(block_loc, node, marker))
            elif image is not None:
                blocks.append(self.image(block_loc, node, image))
            gap = _span(node)[1]
        self.text_block(loc, blocks, range(gap, end), nodes)
        return blocks

    def text_block(
        self, loc: Loc, blocks: list[Any], numbers: range, nodes: list[SyntaxTreeNode]
    ) -> None:
        """A text block of the lines between two other blocks, if Markdown content lies there.

        Lines holding no block are blank or link reference definitions, which alone
        would make an empty box.
        """
        part = self.cut(numbers)
        if not part.text or not any(_span(node)[0] in numbers for node in nodes):
            return
        block_loc = (*loc, "blocks", len(blocks))
        for at in (block_loc, (*block_loc, "kind"), (*block_loc, "text")):
            self.put(at, part.line, part.col)
        blocks.append({"kind": "text", "text": part.text})

    def callout(self, loc: Loc, node: SyntaxTreeNode, marker: re.Match[str]) -> dict[str, Any]:
        """A ``> [!kind] Title`` blockquote as a definition or callout block."""
        start, end = _span(node)
        first = self.lines[start]
        kind = callout_kind(marker.group(1))
        meant = misspelt_kind(marker.group(1))
        if meant:
            message = f'unknown callout kind "{marker.group(1)}" — did you mean "{meant}"?'
            self.warnings.append(YamlProblem(start + 1, first.find("[!") + 3, message))
        title = marker.group(3).strip()
        title_col = len(first.rstrip()) - len(title) + 1
        marker_col = first.find("[!") + 1
        body_lines = range(start + 1, end)
        rows = [_QUOTE_MARKER.sub("", self.lines[n], count=1) for n in body_lines]
        body = self.cut(body_lines, rows)
        if not body.text:
            body = Part("", start + 1, marker_col)
        self.put(loc, start + 1, marker_col)
        self.put((*loc, "kind"), start + 1, marker_col)
        self.put((*loc, "text"), body.line, body.col)
        block: dict[str, Any] = {"kind": kind}
        if kind == "definition":
            if not title:
                self.problem(start + 1, marker_col, "no term")
            block["term"] = title
            self.put((*loc, "term"), start + 1, title_col if title else marker_col)
        elif title:
            block["title"] = title
            self.put((*loc, "title"), start + 1, title_col)
        block["text"] = body.text
        return block

    def image(self, loc: Loc, node: SyntaxTreeNode, token: Token) -> dict[str, Any]:
        """A paragraph holding only ``![alt](src "caption")`` as an image block."""
        match = _IMAGE.fullmatch(node.children[0].content.strip())
        if match:
            src = match["angled"] if match["angled"] is not None else match["src"]
            alt, caption = match["alt"], match["double"] or match["single"] or match["paren"]
        else:  # a reference image ![alt][ref]: markdown-it has resolved and encoded it
            src = unquote(str(token.attrs.get("src", "")))
            alt, caption = token.content, str(token.attrs.get("title") or "")
        line = _span(node)[0]
        col = indent(self.lines[line])
        for at in (loc, *((*loc, key) for key in ("kind", "src", "alt", "caption"))):
            self.put(at, line + 1, col)
        # Alt text is read aloud as one phrase: line breaks inside it mean nothing.
        block = {"kind": "image", "src": src.strip(), "alt": " ".join(alt.split())}
        if caption and caption.strip():
            block["caption"] = caption.strip()
        if not block["alt"] and block["src"]:
            block["alt"] = _unnamed_alt(self, block, line + 1, col)
        return block

    def key_points(self, nodes: list[SyntaxTreeNode]) -> None:
        """``- **Term** : text`` list items as key points."""
        for node in nodes:
            if node.type in ("bullet_list", "ordered_list"):
                for item in node.children:
                    self.key_point(item)
            else:
                line = _span(node)[0]
                self.problem(line + 1, indent(self.lines[line]), "not key points")

    def key_point(self, item: SyntaxTreeNode) -> None:
        """One key point; a continuation paragraph of the item stays in its text."""
        start, end = _span(item)
        line = self.lines[start]
        first = _LIST_MARKER.sub("", line, count=1).lstrip()
        offset = len(line) - len(first)
        whole = first + "\n" + textwrap.dedent("\n".join(self.lines[start + 1 : end]))
        match = next((m for p in _TERM_PATTERNS if (m := p.fullmatch(whole))), None)
        if match is None or not match["term"].strip():
            self.problem(start + 1, offset + 1, "key point")
            return
        if match.start("text") <= len(first):
            text = Part(match["text"].strip(), start + 1, offset + match.start("text") + 1)
        else:
            text = self.cut(range(start + 1, end))
        loc: Loc = ("key_points", len(self.lists["key_points"]))
        self.put(loc, start + 1, offset + 1)
        self.put((*loc, "term"), start + 1, offset + match.start("term") + 1)
        self.put((*loc, "text"), text.line, text.col)
        self.lists["key_points"].append({"term": match["term"].strip(), "text": text.text})

    def flashcards(self, cards: list[Card]) -> None:
        """Add the cards of a flashcards section, with their positions."""
        for card in cards:
            loc: Loc = ("flashcards", len(self.lists["flashcards"]))
            self.put(loc, card.front.line, card.front.col)
            self.put((*loc, "front"), card.front.line, card.front.col)
            self.put((*loc, "back"), card.back.line, card.back.col)
            entry: dict[str, Any] = {
                "front": face_text(card.front.text),
                "back": face_text(card.back.text),
            }
            if card.id:
                entry["id"] = card.id.text
                self.put((*loc, "id"), card.id.line, card.id.col)
            if card.tags:
                entry["tags"] = [tag.text for tag in card.tags]
                self.put((*loc, "tags"), card.tags[0].line, card.tags[0].col)
                for number, tag in enumerate(card.tags):
                    self.put((*loc, "tags", number), tag.line, tag.col)
            self.lists["flashcards"].append(entry)

    def faq(self, nodes: list[SyntaxTreeNode], start: int, end: int) -> None:
        """Questions as headings one level below the section, each followed by its answer."""
        headings = [node for node in nodes if node.type == "heading"]
        level = min((_level(h) for h in headings), default=0)
        questions = [h for h in headings if _level(h) == level]
        before = self.cut(range(start, _span(questions[0])[0] if questions else end))
        if before.text:
            self.problem(before.line, before.col, "faq text")
        for index, heading in enumerate(questions):
            stop = _span(questions[index + 1])[0] if index + 1 < len(questions) else end
            answer = self.cut(range(_span(heading)[1], stop))
            line, col = self.heading_position(heading)
            if not answer.text:
                answer = Part("", line, col)
            loc: Loc = ("faq", len(self.lists["faq"]))
            self.put(loc, line, 1)
            self.put((*loc, "question"), line, col)
            self.put((*loc, "answer"), answer.line, answer.col)
            self.lists["faq"].append({"question": _heading_text(heading), "answer": answer.text})
