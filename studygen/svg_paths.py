"""Faster drawing of the SVG paths formulas are made of.

A formula is a picture of glyph outlines: 300 inline formulas hold about 120,000 path
points, and WeasyPrint 70 reads each point of an SVG ``d`` attribute with two regular
expressions and two unit conversions, which made formulas cost three times the text they
replace. The outlines studygen draws use absolute ``M``, ``L``, ``Q``, ``C`` and ``Z``
commands with plain numbers only; such a path is read here once (and remembered) and
drawn with the same stream operations WeasyPrint would make. Any other path, or a path
with markers (which need WeasyPrint's vertex list), is left to WeasyPrint.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SIMPLE = re.compile(r"[MLQCZ0-9.\s,+\-eE]*")
_TOKEN = re.compile(r"[MLQCZ]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0}

Commands = tuple[tuple[str, tuple[float, ...]], ...]


@lru_cache(maxsize=8192)
def commands(d: str) -> Commands | None:
    """The commands of a path made of absolute M, L, Q, C and Z only; None for any other."""
    if not _SIMPLE.fullmatch(d):
        return None
    found: list[tuple[str, tuple[float, ...]]] = []
    letter: str | None = None
    numbers: list[float] = []

    def flush() -> bool:
        if letter is None:
            return not numbers
        arity = _ARITY[letter]
        if arity == 0:
            found.append((letter, ()))
            return not numbers
        if not numbers or len(numbers) % arity:
            return False
        for start in range(0, len(numbers), arity):
            # coordinates after a move's first pair are lines, as SVG says
            name = "L" if letter == "M" and start else letter
            found.append((name, tuple(numbers[start : start + arity])))
        return True

    for token in _TOKEN.findall(d):
        if token in _ARITY:
            if not flush():
                return None
            letter, numbers = token, []
        else:
            numbers.append(float(token))
    if not flush() or not found or found[0][0] != "M":
        return None
    return tuple(found)


def draw(stream: Any, path: Commands) -> None:
    """Draw ``path`` on a WeasyPrint stream as WeasyPrint's own path drawing would."""
    stream.move_to(0, 0)
    x = y = 0.0
    start = (0.0, 0.0)
    drawn = False  # WeasyPrint closes a subpath only after a drawing command
    for letter, args in path:
        if letter == "M":
            x, y = args
            stream.move_to(x, y)
            start, drawn = (x, y), False
        elif letter == "L":
            x, y = args
            stream.line_to(x, y)
            drawn = True
        elif letter == "Q":
            x2, y2, x3, y3 = args
            stream.curve_to(
                x2 * 2 / 3 + x / 3, y2 * 2 / 3 + y / 3, x2 * 2 / 3 + x3 / 3, y2 * 2 / 3 + y3 / 3,
                x3, y3,
            )  # fmt: skip
            x, y, drawn = x3, y3, True
        elif letter == "C":
            stream.curve_to(*args)
            x, y, drawn = args[4], args[5], True
        elif drawn:  # Z
            stream.close()
            x, y = start


def install() -> None:
    """Use the fast drawing for simple paths in WeasyPrint's SVG renderer (once)."""
    from weasyprint import svg as svg_module

    original = svg_module.TAGS.get("path")
    if original is None or getattr(original, "studygen", False):
        return

    def path(svg: Any, node: Any, font_size: float) -> None:
        simple = commands(node.get("d", ""))
        if simple is None or any(name.startswith("marker") for name in node.attrib):
            original(svg, node, font_size)
        else:
            draw(svg.stream, simple)

    path.studygen = True  # type: ignore[attr-defined]
    svg_module.TAGS["path"] = path
