"""The worksheet a teacher hands out, and its answer key: the same pages, answers filled in.

The worksheet asks for the term of each definition of the handout, has a blank with a
writing line for each cloze gap (``{{c1::…}}``) of the source, and ruled space under each
question of the FAQ; a box at the top takes the pupil's name, class and date. The answer
key lays out the very same pages with each answer written on its line.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from studygen import cloze
from studygen.choices import CSS_PAGE_SIZES
from studygen.markup import markdown, markdown_inline, plain
from studygen.model import DefinitionBlock
from studygen.outputs.base import Job, Made
from studygen.outputs.handout import _check_length
from studygen.templating import common_context

if TYPE_CHECKING:
    from studygen.sources.loader import Source

# A gap stands in the text as one private-use character pair around its number while the
# Markdown is rendered; the blank (our HTML, never the content's) replaces it afterwards.
_OPEN, _CLOSE = "\ue020", "\ue021"
_GAP = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
CHARACTERS_PER_LINE = 70  # of a written answer on a ruled line of the A4 text width
MIN_LINES, MAX_LINES = 2, 8


def blank(answer: str, lang: str, key: bool, hint: str | None = None) -> Markup:
    """A writing line as long as ``answer`` needs; in the answer key, the answer on it."""
    width = max(7.0, min(30.0, 0.7 * len(plain(answer, lang)) + 3.0))
    inner = markdown_inline(answer, lang) if key else Markup("&#160;")
    html = Markup('<span class="blank" style="min-width: {:.1f}em">{}</span>').format(width, inner)
    if hint and hint.strip():
        html += Markup(' <span class="hint">({})</span>').format(markdown_inline(hint, lang))
    return html


def gapped(text: str, lang: str, key: bool) -> Markup:
    """A Markdown text with each cloze as a blank (the worksheet's) or its answer (the key's)."""
    gaps: list[tuple[str, str | None]] = []

    def number(match: re.Match[str]) -> str:
        gaps.append((match["answer"], match["hint"]))
        return f"{_OPEN}{len(gaps) - 1}{_CLOSE}"

    def fill(match: re.Match[str]) -> str:
        answer, hint = gaps[int(match[1])]
        return str(blank(answer, lang, key, hint))

    html = markdown(cloze.CLOZE.sub(number, text), lang)
    return Markup(_GAP.sub(fill, html))


def _lines(answer: str, lang: str) -> int:
    """Ruled lines under a question: enough for its answer written by hand, and one more."""
    needed = math.ceil(len(plain(answer, lang)) / CHARACTERS_PER_LINE) + 1
    return max(MIN_LINES, min(MAX_LINES, needed))


def exercises(source: Source, key: bool) -> dict[str, Any]:
    """The three exercises of a worksheet: terms to find, gaps to fill, questions."""
    doc, lang = source.doc, source.doc.lang
    blocks = [b for s in doc.sections for b in s.blocks if isinstance(b, DefinitionBlock)]
    definitions = [
        {"term": blank(block.term, lang, key), "text": gapped(block.text, lang, key)}
        for block in blocks
    ]
    # A definition's clozes are already gaps of the first exercise.
    gaps = [
        gapped(note.text, lang, key)
        for note in source.cloze_notes
        if not any(note.text in block.text for block in blocks)
    ]
    questions = [
        {
            "question": markdown_inline(entry.question, lang),
            "answer": markdown(cloze.reading(entry.answer), lang) if key else None,
            "lines": _lines(entry.answer, lang),
        }
        for entry in doc.faq
    ]
    return {"definitions": definitions, "gaps": gaps, "questions": questions}


class Worksheet:
    """The worksheet (``key=False``) or its answer key (``key=True``)."""

    def __init__(self, name: str, file_name: str, key: bool) -> None:
        self.name = name
        self.file_name = file_name
        self.key = key

    def wanted(self, source: Source) -> bool:
        """A worksheet needs definitions, clozes or questions to ask."""
        doc = source.doc
        has_definitions = any(
            isinstance(b, DefinitionBlock) for s in doc.sections for b in s.blocks
        )
        return has_definitions or bool(source.cloze_notes) or bool(doc.faq)

    def make(self, job: Job) -> Made:
        """Lay out the worksheet's pages; refused files fail the source."""
        source, options = job.source, job.options
        _check_length(source, options.max_pages)
        context = {
            **common_context(source.doc),
            **exercises(source, self.key),
            "page_size": CSS_PAGE_SIZES[options.paper],
            "key": self.key,
        }
        rendered = job.lay_out(context, "worksheet")
        job.check_refusals(rendered)
        job.check_pages(rendered)
        return Made(rendered, job.layout_warnings(rendered))


OUTPUT = Worksheet("worksheet", "worksheet.pdf", key=False)
