"""Formulas in a source and in its laid-out outputs: what cannot be typeset, what does not fit,
and how each formula is tagged in the PDF.

- :func:`source_problems`: every formula the renderer cannot read, at its ``file:line``
  (it is then printed as its TeX, as code, and ``--strict`` and ``check`` fail).
- :func:`layout_problems`: every formula shrunk under :data:`formulas.MIN_POINTS` to fit
  its column or card, or drawn past the edge of its card or page.
- :func:`tag_formulas`: WeasyPrint tags every ``<img>`` as a Figure; a finisher turns the
  structure elements of formulas into Formula elements, keeping their TeX as alternate text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from studygen import formulas
from studygen.errors import Problem
from studygen.sources.loader import Source

# Fields printed as they are, or never printed: no formula there.
_NOT_MARKDOWN = frozenset({"lang", "date", "src", "kind", "tags", "flashcards_from"})
PX_PER_PT = 4 / 3


def _texts(
    node: Any, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(location, text) of every Markdown text of a document."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if name not in _NOT_MARKDOWN:
                yield from _texts(getattr(node, name), (*loc, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, (*loc, index))
    elif isinstance(node, str):
        yield loc, node


_BLOCK_SCALAR = re.compile(r"[|>][+-]?[0-9]?[+-]?\s*(?:#.*)?$")


def _sites(source: Source) -> Iterator[tuple[Path, int, tuple[str | int, ...], formulas.Math]]:
    """(file, line, location, formula) of every formula in a source."""
    lines: dict[Path, list[str]] = {}
    for loc, text in _texts(source.doc):
        if "$" not in text and "\\" not in text and "[" not in text:
            continue
        try:
            path, line = source.where(*loc)
        except KeyError:
            path, line = source.path, 0
        if path.suffix.lower() in (".yaml", ".yml") and line:
            if path not in lines:
                lines[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            if line <= len(lines[path]) and _BLOCK_SCALAR.search(lines[path][line - 1]):
                line += 1  # a block scalar (``text: |``) starts on the next line
        for offset, math in formulas.formulas_in(text):
            yield path, line + offset if line else 0, loc, math


def _short(tex: str) -> str:
    tex = " ".join(tex.split())
    return tex if len(tex) <= 40 else tex[:39].rstrip() + "…"


def source_problems(source: Source) -> list[Problem]:
    """A problem for each formula that cannot be typeset, with the renderer's reason."""
    problems: dict[tuple[Path, int, str], Problem] = {}
    for path, line, _, math in _sites(source):
        drawn = formulas.draw(math.tex.strip(), math.display)
        if isinstance(drawn, formulas.FormulaError):
            message = f'formula "{_short(math.tex)}" cannot be typeset: {drawn}'
            problems.setdefault((path, line, message), Problem(path, line, 0, message))
    return list(problems.values())


def layout_problems(source: Source, output: str, document: Any) -> list[Problem]:
    """Formulas shrunk below the legible size to fit, or drawn past an edge, in one output."""
    where: dict[str, tuple[Path, int]] = {}
    for path, line, _, math in _sites(source):
        where.setdefault(" ".join(math.tex.split()), (path, line))
    if not where:  # no formula in the source: none in its pages either
        return []
    problems: list[Problem] = []
    in_faces: set[int] = set()
    for _, face, face_box in _marked(document, "data-fit"):
        number, side = face.split("-")
        size = face_box.style["font_size"] / PX_PER_PT
        path, line = source.where("flashcards", int(number) - 1, side)
        for box in _formula_boxes(face_box):
            in_faces.add(id(box))
            right = face_box.content_box_x() + face_box.width
            if _points(box) < formulas.MIN_POINTS or _right(box) > right + 0.5:
                tex = box.element.get("alt", "")
                offset = _line_in(source, ("flashcards", int(number) - 1, side), tex)
                message = (
                    f'card {number}: formula "{_short(tex)}" does not fit its card at '
                    f"{size:g} pt — break it over several lines or shorten it"
                )
                problems.append(Problem(path, line + offset, 0, message))
    for page_number, page in enumerate(document.pages):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in _formula_boxes(page_box):
            if id(box) in in_faces:
                continue
            points = _points(box)
            if points < formulas.MIN_POINTS or _right(box) > right + 0.5:
                tex = box.element.get("alt", "")
                path, line = where.get(tex, (source.path, 0))
                message = (
                    f'{output}: formula "{_short(tex)}" does not fit its column: shrunk to '
                    f"{points:.1f} pt on page {page_number + 1}, under {formulas.MIN_POINTS:g} "
                    "pt — break it over several lines or shorten it"
                )
                problems.append(Problem(path, line, 0, message))
    return problems


def _line_in(source: Source, loc: tuple[str | int, ...], tex: str) -> int:
    """Lines from the start of the text at ``loc`` to the formula ``tex``."""
    node: Any = source.doc
    for key in loc:
        node = node[key] if isinstance(key, int) else getattr(node, key)
    for offset, math in formulas.formulas_in(str(node)):
        if " ".join(math.tex.split()) == tex:
            return offset
    return 0


def _marked(document: Any, attribute: str) -> Iterator[tuple[int, str, Any]]:
    from studygen.pdf import marked_boxes

    return marked_boxes(document, attribute)


def _formula_boxes(box: Any) -> Iterator[Any]:
    for child in box.descendants(placeholders=True):
        element = getattr(child, "element", None)
        if (
            element is not None
            and child.element_tag == "img"
            and element.get("data-formula") is not None
            and getattr(child, "width", None) is not None
        ):
            yield child


def _points(box: Any) -> float:
    """The size the formula's text is printed at, after shrinking to fit, in points."""
    width_em = float(box.element.get("data-formula"))
    return float(box.width) / width_em / PX_PER_PT if width_em else 0.0


def _right(box: Any) -> float:
    return float(box.content_box_x() + box.width)


def tag_formulas(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: the Figure structure element of each formula becomes a Formula.

    WeasyPrint tags every ``<img>`` as a Figure with its ``alt`` as alternate text and its
    box as bounding box; the formulas' boxes are found by page and bounding box.
    """
    wanted: set[tuple[int, tuple[float, ...]]] = set()
    for number, page in enumerate(document.pages):
        wanted |= formula_places(page._page_box, number)
    retag_formulas(pdf, wanted)


def formula_places(page_box: Any, number: int) -> set[tuple[int, tuple[float, ...]]]:
    """(page number, bounding box) of each formula of one laid-out page."""
    wanted = set()
    for box in _formula_boxes(page_box):
        x, y = box.content_box_x(), box.content_box_y()
        wanted.add((number, _rounded((x, y, x + box.width, y + box.height))))
    return wanted


def retag_formulas(
    pdf: Any, wanted: set[tuple[int, tuple[float, ...]]], objects: Sequence[Any] | None = None
) -> None:
    """Make the Figure structure elements at the places ``wanted`` Formula elements (among
    ``objects``, by default all the PDF's)."""
    if not wanted:
        return
    pages = {str(reference): number for number, reference in enumerate(pdf.page_references)}
    for obj in pdf.objects if objects is None else objects:
        if not isinstance(obj, dict) or obj.get("S") != "/Figure" or "A" not in obj:
            continue
        bbox = obj["A"].get("BBox")
        page = pages.get(str(obj.get("Pg")))
        if bbox is not None and page is not None and (page, _rounded(bbox)) in wanted:
            obj["S"] = "/Formula"


def _rounded(values: Any) -> tuple[float, ...]:
    return tuple(round(float(v), 3) for v in values)
