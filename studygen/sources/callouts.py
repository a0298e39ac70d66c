"""Callouts (``> [!kind] Title``): their kinds, misspelt kinds, and callouts inside callouts.

Obsidian's and GitHub's callout names map onto studygen's block kinds; other names make
notes. A name close to a known one (``defintion``) is probably a typo, worth a warning.
Callouts nested in a callout's text are rendered as callouts too, by a markdown-it rule.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

CALLOUT_KINDS = {
    name: kind
    for kind, names in {
        "note": "note info tip hint important abstract summary tldr todo success check done"
        " quote cite question help faq",
        "warning": "warning caution attention danger error failure fail missing bug",
        "example": "example exemple",
        "deepdive": "deepdive aller-plus-loin details",
        "definition": "definition def définition",
    }.items()
    for name in names.split()
}
_MARKER = re.compile(r"\[!([^\]\s]+)\]([+-]?)[ \t]*(.*)")


def _key(name: str) -> str:
    return "-".join(name.casefold().replace("_", " ").split())


def callout_kind(name: str) -> str:
    """The block kind of a callout name; names studygen does not know become notes."""
    key = _key(name)
    return CALLOUT_KINDS.get(key) or CALLOUT_KINDS.get(key.replace("-", ""), "note")


def misspelt_kind(name: str) -> str | None:
    """The known callout name an unknown one is probably a typo of, if any."""
    key = _key(name)
    if key in CALLOUT_KINDS or key.replace("-", "") in CALLOUT_KINDS:
        return None
    close = difflib.get_close_matches(key, list(CALLOUT_KINDS), n=1, cutoff=0.8)
    return close[0] if close else None


def _nested_rule(state: StateCore) -> None:
    """Mark blockquotes that open with ``[!kind] Title`` as callouts, their marker removed."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-2]):
        if token.type != "blockquote_open" or tokens[index + 1].type != "paragraph_open":
            continue
        inline = tokens[index + 2]
        children = inline.children or []
        first = children[0] if children else None
        match = _MARKER.fullmatch(first.content) if first and first.type == "text" else None
        if match is None:
            continue
        rest = 1
        while rest < len(children) and children[rest].type not in ("softbreak", "hardbreak"):
            rest += 1
        title_tokens, inline.children = children[1:rest], children[rest + 1 :]
        title = match[3] + "".join(t.content for t in title_tokens if t.type == "text")
        token.meta = {"callout": callout_kind(match[1]), "title": title.strip()}
        depth = 0
        for later in tokens[index:]:
            depth += later.nesting if later.type.startswith("blockquote") else 0
            if later.type == "blockquote_close" and depth == 0:
                later.meta = {"callout": token.meta["callout"]}
                break
        if not inline.children:
            tokens[index + 1].hidden = tokens[index + 3].hidden = True


def use_nested_callouts(md: MarkdownIt, labels: dict[str, str]) -> None:
    """Render callouts written inside text (a callout in a callout) as callouts."""
    rules: dict[str, Any] = getattr(md.renderer, "rules", {})
    default_open = rules.get("blockquote_open")
    default_close = rules.get("blockquote_close")

    def rule(default: Callable[..., str] | None, opening: bool) -> Callable[..., str]:
        def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
            meta = tokens[idx].meta or {}
            kind = meta.get("callout")
            if kind is None:
                if default is not None:
                    return default(tokens, idx, options, env)
                return str(self.renderToken(tokens, idx, options, env))
            if not opening:
                return "</aside>\n"
            title = meta.get("title", "")
            shown = f'<span class="callout-title"> — {escape(title)}</span>' if title else ""
            label = escape(labels.get(kind, kind))
            return f'<aside class="callout {kind}">\n<p class="label">{label}{shown}</p>\n'

        return render

    md.core.ruler.push("studygen_nested_callouts", _nested_rule)
    md.add_render_rule("blockquote_open", rule(default_open, True))
    md.add_render_rule("blockquote_close", rule(default_close, False))
