"""The HTML people write inside Markdown, reduced to a safe subset before it reaches a PDF.

Paragraphs, line breaks, emphasis, ``sup``/``sub``/``mark``/``small``, lists, tables,
relative pictures and web links are kept; ``<a name=…>`` anchors are dropped; a
``<div style="page-break-after: always">`` becomes a page break; every other element is
reduced to its text, and scripts and styles to nothing. No attribute that styles
(``style``, ``class``, ``align``, ``width``…) is kept. Blocks go through nh3 (the Python
binding of the ammonia sanitiser); inline tags, which Markdown hands over one by one,
are matched and balanced here within their paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

INLINE_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "s", "del", "ins", "sup", "sub", "mark", "small", "kbd"}
)
VOID_TAGS = frozenset({"br", "wbr"})
BLOCK_TAGS = (
    INLINE_TAGS
    | VOID_TAGS
    | {"p", "div", "span", "blockquote", "pre", "code", "hr", "ul", "ol", "li", "dl", "dt", "dd"}
    | {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "center", "figure", "figcaption"}
)
_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_PAGE_BREAK = re.compile(
    r"<div\b[^>]*\bstyle\s*=\s*(?:\"[^\"]*|'[^']*|[^\s>]*)"
    r"(?:page-break-(?:after|before)\s*:\s*always|break-(?:after|before)\s*:\s*page)"
    r"[^>]*>\s*(?:</div\s*>)?",
    re.IGNORECASE,
)
_PLACEHOLDER = "\ue000studygen-page-break\ue000"
PAGE_BREAK_HTML = '<div class="page-break"></div>'
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>\Z", re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_OL_START = re.compile(r'<ol start="([0-9]{1,9})">')


def _counter(start: str) -> str:
    """What makes a list start at ``start``: WeasyPrint ignores ``<ol start>`` itself.

    The style is studygen's, made of a number only: content never writes it.
    """
    number = int(start)
    return f' start="{number}" style="counter-reset: list-item {number - 1}"'


def _keep(element: str, attribute: str, value: str) -> str | None:
    """Pictures only from inside the project (relative paths); links only to the web."""
    if element == "img" and attribute == "src":
        text = value.strip()
        if ":" in text.split("/", 1)[0] or text.startswith(("/", "\\")):
            return None
    if element == "ol" and attribute == "start" and not value.strip().isdigit():
        return None
    return value


def sanitise_block(html: str) -> str:
    """A block of HTML (a table, a centred paragraph…) reduced to the safe subset."""
    html = _PAGE_BREAK.sub(_PLACEHOLDER, html)
    clean = nh3.clean(
        html,
        tags=set(BLOCK_TAGS),
        clean_content_tags={"script", "style", "template", "title", "noscript"},
        attributes=_ATTRIBUTES,
        attribute_filter=_keep,
        strip_comments=True,
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
    )
    # Headings written in HTML sit below the section titles, as Markdown's do.
    clean = _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + 2)}", clean)
    clean = clean.replace("<center>", "<div>").replace("</center>", "</div>")
    clean = _OL_START.sub(lambda m: f"<ol{_counter(m[1])}>", clean)
    return clean.replace(_PLACEHOLDER, PAGE_BREAK_HTML)


def _inline_rule(state: StateCore) -> None:
    """Keep the allowed inline tags of each paragraph, balanced; drop every other tag.

    A paragraph left with nothing (an ``<a name=…></a>`` anchor alone) is no paragraph.
    """
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        if not any(child.type == "html_inline" for child in token.children):
            continue
        _balance(token.children)
        empty = all(
            (child.type == "html_inline" and not child.content)
            or (child.type in ("text", "softbreak") and not child.content.strip())
            for child in token.children
        )
        if empty and 0 < index < len(tokens) - 1 and tokens[index - 1].type == "paragraph_open":
            tokens[index - 1].hidden = tokens[index + 1].hidden = True
            token.children = []


def _balance(children: list[Token]) -> None:
    open_tags: list[Token] = []
    for child in children:
        if child.type != "html_inline":
            continue
        match = _TAG.match(child.content.strip())
        name = match[2].lower() if match else ""
        closing = bool(match and match[1])
        child.content = ""
        if name in VOID_TAGS and not closing:
            child.content = f"<{name}>"
        elif name in INLINE_TAGS and not closing:
            child.content = f"<{name}>"
            child.meta = {"tag": name}
            open_tags.append(child)
        elif name in INLINE_TAGS and any(t.meta.get("tag") == name for t in open_tags):
            while open_tags:
                opened = open_tags.pop()
                child.content += f"</{opened.meta['tag']}>"
                if opened.meta["tag"] == name:
                    break
    if open_tags:
        closer = Token("html_inline", "", 0)
        closer.content = "".join(f"</{t.meta['tag']}>" for t in reversed(open_tags))
        children.append(closer)


def _render_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return sanitise_block(tokens[idx].content)


def _render_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return tokens[idx].content


def _render_ordered_list(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    """``3.`` starts a list at 3 in the PDF too."""
    start = str(tokens[idx].attrGet("start") or "")
    tokens[idx].attrs.pop("start", None)
    opened = str(self.renderToken(tokens, idx, options, env))
    return opened.replace("<ol", "<ol" + _counter(start), 1) if start.isdigit() else opened


def use_html_subset(md: MarkdownIt) -> None:
    """Let ``md`` read raw HTML and render only the safe subset of it."""
    md.options["html"] = True
    md.add_render_rule("ordered_list_open", _render_ordered_list)
    md.core.ruler.push("studygen_html_subset", _inline_rule)
    md.add_render_rule("html_block", _render_block)
    md.add_render_rule("html_inline", _render_inline)
