"""Formulas' outlines are drawn exactly as WeasyPrint draws them, only without re-reading."""

from __future__ import annotations

import base64
import importlib
import re
from typing import Any

import pytest

from studygen import formulas, svg_paths


class Recorder:
    """A stand-in for WeasyPrint's stream that keeps every drawing operation."""

    def __init__(self) -> None:
        self.operations: list[tuple[str, tuple[float, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: float) -> None:
            self.operations.append((name, tuple(round(a, 9) for a in args)))

        return record


class Node(dict[str, str]):
    """An SVG node as WeasyPrint's path drawing reads it."""

    def __init__(self, d: str) -> None:
        super().__init__(d=d)
        self.attrib = dict(self)
        from collections import deque

        self.vertices: deque[Any] = deque()


class Svg:
    inner_width = inner_height = 100.0

    def __init__(self) -> None:
        self.stream = Recorder()

    def point(self, x: str, y: str, font_size: float) -> tuple[float, float]:
        return float(x), float(y)


def _weasyprint(d: str) -> list[tuple[str, tuple[float, ...]]]:
    path = importlib.import_module("weasyprint.svg.path").path
    svg = Svg()
    path(svg, Node(d), 12.0)
    return svg.stream.operations


def _ours(d: str) -> list[tuple[str, tuple[float, ...]]]:
    found = svg_paths.commands(d)
    assert found is not None, d
    stream = Recorder()
    svg_paths.draw(stream, found)
    return stream.operations


def _formula_paths() -> list[str]:
    paths = []
    for tex in (r"\frac{1}{n^2}", r"\sum_{i=1}^{n} x_i", r"\sqrt{x^2+1}", r"\boxed{a \leq b}"):
        drawn = formulas.draw(tex, False)
        assert isinstance(drawn, formulas.Drawn)
        svg = base64.b64decode(drawn.uri.split(",", 1)[1]).decode()
        paths += re.findall(r' d="([^"]*)"', svg)
    return paths


@pytest.mark.parametrize(
    "d",
    [
        "M 0 0 L 10 0 L 10 10 Z",
        "M1,2L3,4Q5,6,7,8C1 2 3 4 5 6Z",
        "M 0 0 10 0 10 10 Z M 20 20 L 30 30",  # coordinates after a move are lines
        "M-1.5-2.5L.5.25",
        "M 1e1 2E-1 L 3 4",
    ],
)
def test_simple_paths_draw_the_same_operations(d: str) -> None:
    assert _ours(d) == _weasyprint(d)


def test_every_outline_of_real_formulas_draws_the_same_operations() -> None:
    paths = _formula_paths()
    assert len(paths) >= 10
    for d in paths:
        assert _ours(d) == _weasyprint(d), d[:80]


@pytest.mark.parametrize(
    "d", ["m 0 0 l 1 1", "M 0 0 A 5 5 0 0 1 10 10", "M 0 0 H 10", "M 0 0 L 1", "L 1 1", "M 1em 2"]
)
def test_other_paths_are_left_to_weasyprint(d: str) -> None:
    assert svg_paths.commands(d) is None
