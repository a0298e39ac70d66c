"""Formulas: TeX between ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` (and Anki's ``[$]…[/$]``,
``[$$]…[/$$]``) typeset as vector SVG pictures in every output.

Before Markdown sees a text, every formula in it is swapped for one private-use character
(:func:`protect`), so Markdown never changes TeX (backslashes, ``\\|`` in tables, ``_`` and
``*``) and a ``$$`` block is a formula wherever it stands. After Markdown, each character
becomes the formula's picture (:func:`restore`).

ziamath turns TeX into SVG paths drawn with its own math font (STIX Two Math), in pure
Python. Each distinct formula is drawn once per process, at a reference size, and placed
with its width and baseline offset in ``em``, so it takes the size of the text around it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape

INK = "#1d2327"  # the text colour of the templates (--ink in base.css)
REFERENCE_SIZE = 12.0  # points: formulas are drawn at this size, then sized in em
MATH_SCALE = 1.06  # STIX Two Math looks a little small beside Noto Serif at the same size
MARGIN = 0.4  # points of room around the ink, so no glyph edge is cut
MIN_POINTS = 6.0  # a formula shrunk to fit its column is still legible at this size

# One private-use character stands for each formula while Markdown runs.
_FIRST = 0xF0000
_LAST = 0xFFFFD
_PLACEHOLDER = re.compile(f"[{chr(_FIRST)}-{chr(_LAST)}]")

_FENCE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(`{3,}|~{3,})")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_BLANK_LINE = re.compile(r"\n[ \t>]*\n")
# Other delimiters: opening, closing, displayed.
_PAIRS: tuple[tuple[str, str, bool], ...] = (
    ("\\(", "\\)", False),
    ("\\[", "\\]", True),
    ("[$$]", "[/$$]", True),
    ("[$]", "[/$]", False),
)


@dataclass(frozen=True)
class Math:
    """One formula found in a text: where it stands, its TeX, and whether it is displayed."""

    start: int
    end: int
    tex: str
    display: bool


def find_math(text: str, dollars: bool = True) -> list[Math]:
    """Every formula of a Markdown text, in order; code spans and fenced code are skipped.

    ``dollars=False`` finds only the other delimiters (Anki's, in its HTML fields, where
    a dollar is a dollar).

    ``$`` opens a formula only when a non-space follows it and closes one only after a
    non-space and before a non-digit, so ``5 $``, ``$5`` and ``10 $ et 20 $`` stay money.
    """
    found: list[Math] = []
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return found  # every delimiter holds one of these: most texts have no formula
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if (i == 0 or text[i - 1] == "\n") and (fence := _FENCE.match(text, i)):
            i = _after_fence(text, i, fence.group(1))
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = text.find("`" * run, i + run)
            while close != -1 and text[close + run : close + run + 1] == "`":
                close = text.find("`" * run, close + run + 1)
            i = close + run if close != -1 else i + run
            continue
        pair = (
            next((p for p in _PAIRS if text.startswith(p[0], i)), None) if char in "\\[" else None
        )
        if pair is not None:
            close = text.find(pair[1], i + len(pair[0]))
            tex = text[i + len(pair[0]) : close] if close != -1 else ""
            if tex.strip() and (pair[2] or not _BLANK_LINE.search(tex)):
                end = close + len(pair[1])
                found.append(Math(i, end, _clean(text, i, tex), pair[2]))
                i = end
                continue
        if char == "\\":
            i += 2  # an escaped character: ``\$`` is a dollar, ``\\`` a backslash
            continue
        if char == "$" and dollars:
            math = _dollars(text, i)
            if math is not None:
                found.append(math)
                i = math.end
                continue
            i += 2 if text.startswith("$$", i) else 1
            continue
        i += 1
    return found


def _after_fence(text: str, start: int, marker: str) -> int:
    """Where the text goes on after the fenced code block opening at ``start``."""
    line_end = text.find("\n", start)
    pos = len(text) if line_end == -1 else line_end + 1
    closing = re.compile(
        rf"^[ \t]*(?:>[ \t]?)*[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$"
    )
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        if closing.match(text[pos:end]):
            return end
        pos = end + 1
    return len(text)


def _dollars(text: str, i: int) -> Math | None:
    """The ``$…$`` or ``$$…$$`` formula opening at ``i``, if it is one."""
    if text.startswith("$$", i):
        close = text.find("$$", i + 2)
        tex = text[i + 2 : close] if close != -1 else ""
        if not tex.strip():
            return None
        return Math(i, close + 2, _clean(text, i, tex), True)
    after = text[i + 1 : i + 2]
    if not after or after.isspace():
        return None
    j = i + 1
    while True:
        close = text.find("$", j)
        if close == -1:
            return None
        tex = text[i + 1 : close]
        if _BLANK_LINE.search(tex):
            return None
        escaped = (len(tex) - len(tex.rstrip("\\"))) % 2 == 1
        if not escaped and not tex[-1:].isspace() and not text[close + 1 : close + 2].isdigit():
            return Math(i, close + 1, tex, False) if tex else None
        j = close + 1


def _clean(text: str, start: int, tex: str) -> str:
    """TeX of a multi-line formula inside a blockquote, without the ``>`` of each line."""
    line_start = text.rfind("\n", 0, start) + 1
    if "\n" not in tex or not _QUOTE_PREFIX.match(text[line_start:start]):
        return tex
    first, *rest = tex.split("\n")
    return "\n".join([first, *(_QUOTE_PREFIX.sub("", line, count=1) for line in rest)])


def protect(text: str) -> tuple[str, list[Math]]:
    """``text`` with each formula replaced by one private-use character, and the formulas."""
    text = _PLACEHOLDER.sub("\ufffd", text)
    maths = find_math(text)[: _LAST - _FIRST]
    parts, last = [], 0
    for number, math in enumerate(maths):
        parts += [text[last : math.start], chr(_FIRST + number)]
        last = math.end
    parts.append(text[last:])
    return "".join(parts), maths


_TAG = re.compile(r"(<[^>]*>)")


def restore(html: str, maths: list[Math]) -> str:
    """Rendered HTML with each placeholder replaced by its formula (its TeX inside a tag)."""
    if not maths:
        return html
    parts = _TAG.split(html)
    for index, part in enumerate(parts):
        if index % 2:  # inside a tag: an attribute gets the TeX as text
            parts[index] = _PLACEHOLDER.sub(
                lambda m: escape(_math_at(maths, m).tex, quote=True), part
            )
        else:
            parts[index] = _PLACEHOLDER.sub(lambda m: formula_html(_math_at(maths, m)), part)
    return "".join(parts)


def restore_text(text: str, maths: list[Math]) -> str:
    """Plain text with each placeholder replaced by its TeX (bookmarks, metadata)."""
    return _PLACEHOLDER.sub(lambda m: _math_at(maths, m).tex.strip(), text) if maths else text


def _math_at(maths: list[Math], match: re.Match[str]) -> Math:
    index = ord(match.group()) - _FIRST
    return maths[index] if index < len(maths) else Math(0, 0, "\ufffd", False)


@dataclass(frozen=True)
class Drawn:
    """A formula drawn as SVG: its data URI and its size in em of the surrounding text."""

    uri: str
    width: float
    height: float
    depth: float  # below the baseline


class FormulaError(Exception):
    """TeX the renderer cannot draw; the message is the reason, for the author."""


@lru_cache(maxsize=4096)
def draw(tex: str, display: bool) -> Drawn | FormulaError:
    """The SVG of one formula, drawn once per process; or why it cannot be drawn."""
    import xml.etree.ElementTree as ElementTree

    from ziamath.config import config
    from ziamath.zmath import Latex

    config.svg2 = False  # plain paths: no <symbol>/<use> for the SVG reader
    config.precision = 2  # hundredths of a point at 12 pt: shorter paths, drawn faster
    tex = tex.strip()
    problem = check_tex(tex)
    if problem:
        return FormulaError(problem)
    try:
        math = Latex(tex, size=REFERENCE_SIZE, inline=not display, color=INK, margin=0)
        unknown = _unknown_command(math.mathmlstr())
        if unknown:
            return FormulaError(unknown)
        svg = math.svgxml()
    except Exception as exc:  # noqa: BLE001 - the renderer's reason is shown to the author
        return FormulaError(_reason(exc))
    x, y, width, height = (float(v) for v in svg.attrib["viewBox"].split())
    x, y, width, height = x - MARGIN, y - MARGIN, width + 2 * MARGIN, height + 2 * MARGIN
    svg.attrib["viewBox"] = f"{x:.3f} {y:.3f} {width:.3f} {height:.3f}"
    svg.attrib["width"], svg.attrib["height"] = f"{width:.3f}", f"{height:.3f}"
    data = ElementTree.tostring(svg, encoding="unicode").encode()
    uri = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    em = REFERENCE_SIZE / MATH_SCALE
    return Drawn(uri, width / em, height / em, (y + height) / em)


_COMMAND = re.compile(r"\\[A-Za-z]+")
_UNSUPPORTED = {"\\ce": "mhchem's \\ce is not supported — write the formula with \\mathrm{H_2O}"}


def check_tex(tex: str) -> str | None:
    """A reason the TeX is broken that the renderer would not notice, or None."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex, re.DOTALL):
        if match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
            if depth < 0:
                return "a } closes a brace that was never opened"
    if depth > 0:
        return "a { is never closed"
    for command in _COMMAND.findall(tex):
        if command in _UNSUPPORTED:
            return _UNSUPPORTED[command]
    return None


_ECHOED = re.compile(r"<m(?:i|o|text)[^>]*>(\\[A-Za-z]+)</m(?:i|o|text)>")


def _unknown_command(mathml: str) -> str | None:
    """The renderer prints commands it does not know as text: name the first one."""
    match = _ECHOED.search(mathml)
    return f"unknown command {match.group(1)}" if match else None


def _reason(exc: Exception) -> str:
    """A short reason from the renderer's exception: its message, or its name in words."""
    message = str(exc).strip()
    if message and len(message) < 120:
        return message
    name = type(exc).__name__.removesuffix("Error")
    if name == "Assertion":
        return "the formula is incomplete (a brace, an argument or an \\end is missing)"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().replace("super script", "superscript")
    return words or "the formula cannot be read"


def formula_html(math: Math) -> str:
    """The HTML of one formula: an SVG picture sized in em, or its TeX as code if broken."""
    tex = math.tex.strip()
    drawn = draw(tex, math.display)
    alt = escape(" ".join(tex.split()), quote=True)
    if isinstance(drawn, FormulaError):
        kind = "formula-error display" if math.display else "formula-error"
        return f'<code class="{kind}">{escape(tex)}</code>'
    img = (
        f'<img class="formula" src="{drawn.uri}" alt="{alt}" data-formula="{drawn.width:.4f}" '
        f'style="width: {drawn.width:.4f}em; vertical-align: {-drawn.depth:.4f}em">'
    )
    return f'<span class="formula-display">{img}</span>' if math.display else img


def formulas_in(text: str) -> Iterator[tuple[int, Math]]:
    """(0-based line within ``text``, formula) for each formula of a text."""
    for math in find_math(text):
        yield text.count("\n", 0, math.start), math
