"""Markdown → safe HTML fragments, with the typography of the document's language.

Raw HTML in content is reduced to a safe subset (``sources/html_subset.py``): no
style, class or outside resource from content reaches a PDF. Typography is applied
to text tokens only, so code spans, code blocks and link targets are never altered.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from studygen import cloze, formulas
from studygen.i18n import labels_for, primary_language, quotes_for
from studygen.sources.callouts import use_nested_callouts
from studygen.sources.html_subset import use_html_subset

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"

_FR_SPACE_BEFORE = re.compile(r"[ \t\u00a0\u202f]+([;:!?])")
_FR_GLUED_BEFORE = re.compile(r"(?<=[\w»)\]’”%])([;!?]+)")
_FR_GLUED_COLON = re.compile(r"(?<=[\w»)\]’”%]):(?=\s|$)")
_FR_OPEN_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_FR_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")
_ABBREVIATION_NUMBER = re.compile(r"\b(p|pp|fig|chap|vol|t|n°|no|art)\. +(?=\d)", re.IGNORECASE)
# Addresses written in running text: typography must not touch them (``?`` in a query).
_URL = re.compile(r"(?:(?:https?|ftp|mailto|file):|www\.)[^\s<>«»]*[^\s<>«».,;:!?)\]]")
_NUMBER_UNIT = re.compile(r"(\d) (%|‰|€|\$|°C|°|mg|kg|g|mL|ml|L|mm|cm|km|m|h|min|s|ans)(?!\w)")


# A verb and its inverted subject pronoun (``utilisent-ils``, ``aide-t-elle``, ``dit-on``)
# are never split at a line end: their hyphens become non-breaking hyphens (U+2011).
_FR_INVERSION = re.compile(
    r"(?<=\w)-(t-)?(?=(?:je|tu|il|ils|elle|elles|on|nous|vous|ce|le|la|les|lui|leur|moi|toi|y|en)\b)",
    re.IGNORECASE,
)
NBHY = "\u2011"  # non-breaking hyphen


def no_break_inversions(text: str) -> str:
    """``aide-t-elle`` → ``aide‑t‑elle``: a line never ends inside a verb–pronoun inversion."""
    if "-" not in text:  # the pattern starts with a look-behind: searched at every character
        return text
    return _FR_INVERSION.sub(lambda m: NBHY + (f"t{NBHY}" if m.group(1) else ""), text)


def french_spacing(text: str, glued_start: bool = False) -> str:
    """Narrow no-break spaces before ``; : ! ?`` and inside « guillemets », as French requires."""
    # Each pattern needs its sign: most text has none, and is not searched for them.
    colon = ":" in text
    if colon or ";" in text or "!" in text or "?" in text:
        text = _FR_SPACE_BEFORE.sub(NNBSP + r"\1", text)
        text = _FR_GLUED_BEFORE.sub(NNBSP + r"\1", text)
        if colon:
            text = _FR_GLUED_COLON.sub(NNBSP + ":", text)
        if glued_start and text[:1] in (";", "!", "?"):
            text = NNBSP + text
    if "«" in text:
        text = _FR_OPEN_GUILLEMET.sub("«" + NNBSP, text)
    if "»" in text:
        text = _FR_CLOSE_GUILLEMET.sub(NNBSP + "»", text)
    return text


def no_break_pairs(text: str) -> str:
    """Keep ``p. 3``, ``fig. 2`` and ``10 mg`` together on one line."""
    if "." in text:
        text = _ABBREVIATION_NUMBER.sub(lambda m: m.group(0).rstrip(" ") + NBSP, text)
    return _NUMBER_UNIT.sub(r"\1" + NNBSP + r"\2", text)


def _addresses(text: str) -> tuple[list[str], list[str]]:
    """The text between the addresses of ``text``, and the addresses (each has ``:`` or
    ``www.``; text with neither is not searched)."""
    if ":" not in text and "www." not in text:
        return [text], []
    return _URL.split(text), _URL.findall(text)


def _typography_rule(lang: str):  # type: ignore[no-untyped-def]
    french = primary_language(lang) == "fr"

    def typeset(text: str, glued: bool) -> str:
        text = no_break_pairs(text)
        return no_break_inversions(french_spacing(text, glued)) if french else text

    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type != "inline" or not token.children:
                continue
            previous = None
            in_autolink = False
            for child in token.children:
                if child.type == "link_open":
                    in_autolink = child.markup in ("autolink", "linkify")
                elif child.type == "link_close":
                    in_autolink = False
                elif child.type == "text" and not in_autolink:
                    glued = previous is not None and previous.type not in ("softbreak", "hardbreak")
                    parts, urls = _addresses(child.content)
                    out = [typeset(parts[0], glued)]
                    for url, part in zip(urls, parts[1:], strict=True):
                        out += [url, typeset(part, True)]
                    child.content = "".join(out)
                previous = child

    return rule


def _highlight_rule(state: StateCore) -> None:
    """Obsidian's ``==highlight==`` prints highlighted (``<mark>``), never with its signs."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = []
        for child in token.children:
            if child.type != "text" or "==" not in child.content:
                children.append(child)
                continue
            last = 0
            for match in cloze.HIGHLIGHT.finditer(child.content):
                for kind, content in (
                    ("text", child.content[last : match.start()]),
                    ("html_inline", "<mark>"),
                    ("text", match["answer"]),
                    ("html_inline", "</mark>"),
                ):
                    part = Token(kind, "", 0)
                    part.content = content
                    children.append(part)
                last = match.end()
            rest = Token("text", "", 0)
            rest.content = child.content[last:]
            children.append(rest)
        token.children = children


_OPENERS = frozenset({"strong_open", "em_open", "s_open", "link_open"})


def _space_into_element_rule(state: StateCore) -> None:
    """Move the space before an inline element inside it: ``pour <strong>régler`` becomes
    ``pour<strong> régler``, which prints the same.

    With automatic hyphenation, WeasyPrint breaks a line far too early when the only break
    opportunity at the end of the line lies right before an inline element: a paragraph
    got a line holding a single word. Inside the element's text, the same opportunity is
    handled like any other and lines fill as they should.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        for index, child in enumerate(children[:-1]):
            if child.type != "text" or not child.content.endswith(" "):
                continue
            following = index + 1
            while following < len(children) and children[following].type in _OPENERS:
                if children[following].markup in ("autolink", "linkify"):
                    break
                following += 1
            if following == index + 1 or following == len(children):
                continue
            target = children[following]
            if target.type == "text" and target.content:
                child.content = child.content[:-1]
                target.content = " " + target.content


_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    """Links and images content may use: relative paths, web and mail addresses.

    A web address is a link a reader may follow, never something studygen fetches
    (the PDF fetcher refuses the network); ``file:``, ``data:``, ``javascript:`` and
    every other scheme stay as plain text.
    """
    match = _SCHEME.match(url)
    if match is None:
        return not url.lstrip().startswith(("/", "\\"))
    return match.group(1).lower() in ("http", "https", "mailto")


TOP_HEADING = 3  # headings written in content sit below the section titles (h2)


def _heading_rule(state: StateCore) -> None:
    """Headings in content become h3, h4…: the levels used, in order, never skipping one.

    A text may use ``#`` or ``###`` for its first heading level; either way it nests
    under the section heading, and the outline and the tagged PDF keep a clean hierarchy.
    """
    levels = sorted({int(t.tag[1]) for t in state.tokens if t.type == "heading_open"})
    new = {level: f"h{min(6, TOP_HEADING + i)}" for i, level in enumerate(levels)}
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = new[int(token.tag[1])]


@lru_cache(maxsize=32)
def _parser(lang: str) -> MarkdownIt:
    options = {"html": False, "typographer": True, "quotes": quotes_for(lang), "linkify": False}
    md = MarkdownIt("commonmark", options).enable(
        ["replacements", "smartquotes", "table", "strikethrough"]
    )
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.core.ruler.push("studygen_typography", _typography_rule(lang))
    md.core.ruler.push("studygen_headings", _heading_rule)
    md.core.ruler.push("studygen_spaces", _space_into_element_rule)
    md.core.ruler.push("studygen_highlights", _highlight_rule)
    use_html_subset(md)  # raw HTML: only its safe subset is rendered
    use_nested_callouts(md, labels_for(lang))  # `> [!kind]` inside a text or a callout
    return md


# Formulas are taken out before Markdown runs and put back, typeset, after it
# (studygen/formulas.py): Markdown never sees, and never changes, their TeX.


def markdown(text: str, lang: str) -> Markup:
    """Render a Markdown text (block level) to safe HTML."""
    text, maths = formulas.protect(cloze.reading(text))
    return Markup(formulas.restore(_parser(lang).render(text), maths))


def markdown_inline(text: str, lang: str) -> Markup:
    """Render a one-line Markdown text (a title, a term) without a wrapping paragraph."""
    text, maths = formulas.protect(cloze.reading(text).strip())
    return Markup(formulas.restore(_parser(lang).renderInline(text), maths))


def plain(text: str, lang: str) -> str:
    """The text of a Markdown snippet with its typography, for PDF metadata and bookmarks."""
    text, maths = formulas.protect(cloze.reading(text).strip())
    html = _parser(lang).renderInline(text)
    return formulas.restore_text(_unescape(re.sub(r"<[^>]+>", "", html)), maths)


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)


def run_in(html: Markup, lead: Markup) -> Markup:
    """``lead`` set at the start of the first paragraph of ``html`` (a run-in heading).

    A text that does not open with a paragraph (a list, a table) gets ``lead`` in a
    paragraph of its own before it.
    """
    if html.startswith("<p>"):
        return Markup("<p>") + lead + Markup(" ") + Markup(html[3:])
    return Markup("<p>") + lead + Markup("</p>\n") + html
