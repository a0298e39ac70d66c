"""The key-points sheet finds its type size in few layouts, and that size is still the largest
that fits: the same content one step larger, in any column count and form, takes two pages."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, MakeProject
from pypdf import PdfReader
from test_summary import body_size, cheat_sheet, points_source, with_long_definitions

from studygen.build import build
from studygen.choices import PAPERS
from studygen.config import BuildOptions
from studygen.errors import Collected
from studygen.outputs.base import Job
from studygen.outputs.key_points import context_values, gather
from studygen.outputs.key_points_fit import (
    MAX_SIZE,
    PAGE_MARGINS_MM,
    PT_PER_MM,
    SIZE_STEP,
    Form,
    Item,
    Layout,
    Measurement,
    Page,
    candidates,
    estimate,
    fill,
    fit_summary,
)
from studygen.pdf import Engine
from studygen.sources.loader import load_source
from studygen.templating import common_context

# content → (passes at most, smallest size it may get)
CASES = {
    "short": (points_source(5), 2, 12.0),
    "eighteen": (points_source(18), 1, 9.0),
    "cheat-sheet": (cheat_sheet(45), 2, 7.5),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def fitted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, str]:
    """One sheet built with ``--verbose``: its case, its PDF and the note on its fitting."""
    name = request.param
    project = tmp_path_factory.mktemp(name)
    (project / "s.yaml").write_text(CASES[name][0], encoding="utf-8")
    said = Collected()
    options = BuildOptions(out=project / "out", only=("key-points",), verbose=True)
    report = build([project / "s.yaml"], options, said)
    assert report.ok, report.problems
    note = next(n for n in said.notes if "layout passes" in n)
    return name, project / "out" / "s" / "key-points.pdf", note


def test_the_size_is_found_in_at_most_two_layouts(fitted: tuple[str, Path, str]) -> None:
    name, path, note = fitted
    passes = int(re.search(r"found in (\d+) layout passes", note)[1])  # type: ignore[index]
    assert passes <= CASES[name][1], note
    assert len(PdfReader(path).pages) == 1
    assert body_size(path) >= CASES[name][2] - 0.01, note


def test_one_step_larger_does_not_fit_on_one_page(fitted: tuple[str, Path, str]) -> None:
    """Lay the same content out one step larger, in every column count and form the sheet
    may use at that size: each PDF has two pages."""
    name, path, note = fitted
    size = body_size(path)
    source = load_source(path.parent.parent.parent / "s.yaml")
    items = gather(source.doc, ("key-points", "definitions"))
    paper = PAPERS["a4"]
    every = candidates(Page(paper.width, paper.height), 7.0)
    larger = [c for c in every if size + 0.01 < c.size <= size + SIZE_STEP + 0.01]
    if size >= 12 - 0.01:
        assert not larger  # nothing is larger than 12 pt
        return
    assert larger, size
    job = Job("key-points", source, BuildOptions(), Engine())
    page = {"width": paper.width, "height": paper.height, "margins": PAGE_MARGINS_MM}
    for layout in larger:
        context = {**common_context(source.doc), **context_values(layout, items), "page": page}
        pdf = job.lay_out({**context, "measure_widths": None}).pdf
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        assert pages > 1, f"{name}: {layout} fits one page, but {note}"


def test_a_sheet_that_fits_at_once_is_laid_out_once_more_at_most(
    make_project: MakeProject,
) -> None:
    """Definitions dropped for room: the sheet still fits one page after a few passes."""
    project = make_project({"s.yaml": with_long_definitions(10, 40)})
    said = Collected()
    options = BuildOptions(out=project / "out", only=("key-points",), verbose=True)
    assert build([project / "s.yaml"], options, said).ok
    left_out = next(n for n in said.notes if "left out for lack of room" in n)
    dropped = int(re.search(r"(\d+) definitions", left_out)[1])  # type: ignore[index]
    note = next(n for n in said.notes if "layout passes" in n)
    assert int(re.search(r"found in (\d+) layout", note)[1]) <= 4, note  # type: ignore[index]
    reader = PdfReader(project / "out" / "s" / "key-points.pdf")
    assert len(reader.pages) == 1
    text_on_page = reader.pages[0].extract_text()
    assert f"Term {39 - dropped}" in text_on_page and f"Term {40 - dropped}" not in text_on_page


def test_the_bundled_example_is_found_in_one_layout(tmp_path: Path) -> None:
    """The example's one-column sheet: the page laid out first is the sheet."""
    said = Collected()
    options = BuildOptions(out=tmp_path / "out", only=("key-points",), verbose=True)
    report = build([EXAMPLES / "immunomodulation.yaml"], options, said)
    assert report.ok, report.problems
    note = next(n for n in said.notes if "layout passes" in n)
    assert "at 11.75 pt in 1 column" in note and "found in 1 layout passes" in note, note


WORDS = "immune response cytokines antibodies lymphocytes regulate inflammation tissue".split()  # noqa: SIM905


def _points(count: int) -> list[Item]:
    return [
        Item("key-points", f"Point {n + 1}",
             " ".join(WORDS[(n + k) % len(WORDS)] for k in range((8, 14, 22)[n % 3])) + ".")
        for n in range(count)
    ]  # fmt: skip


def _fit(count: int, factor: float) -> tuple[list[tuple[str, float, Form]], Layout, bool]:
    """Fit ``count`` points whose true heights are ``factor`` times the estimate's: the
    passes (M: measuring, P: real page), the layout found, and whether it is the largest
    that truly fits."""
    page = Page(210, 297)
    calls: list[tuple[str, float, Form]] = []

    def truth(items: list[Item], size: float, form: Form, spread: float = 0.0) -> Measurement:
        guess = estimate(items, size, form, page)
        extra = spread * size / PT_PER_MM  # the spread's margin below each item
        units = tuple(
            replace(u, height=u.height * factor + extra, margin_bottom=u.margin_bottom + extra)
            for u in guess.units
        )
        body = guess.body * factor + extra * len(units)
        return replace(guess, units=units, body=body, estimated=False)

    def measure(items: list[Item], size: float, form: Form) -> Measurement:
        calls.append(("M", size, form))
        return truth(items, size, form)

    def verify(items: list[Item], layout: Layout) -> tuple[Any, Measurement]:
        calls.append(("P", layout.size, layout.form))
        measured = truth(items, layout.size, layout.form, layout.spread)
        return ("the page" if fill(measured, layout, page).fits else None), measured

    items = _points(count)
    fitted = fit_summary(items, page, 7.0, measure, verify)
    found = fitted.layout
    if count < 2:
        assert found.spread == 0
    elif found.size == MAX_SIZE and found.columns == 1:  # the spread of the content as it is
        measured = truth(items, found.size, found.form)
        rows_mm = (page.content_height - measured.header - measured.body) * 0.8 / count
        assert found.spread == round(min(5.0, rows_mm * PT_PER_MM / found.size), 2), found
    every = candidates(page, 7.0)
    better = every[: [(c.size, c.form) for c in every].index((found.size, found.form))]
    largest = not any(fill(truth(items, b.size, b.form), b, page).fits for b in better)
    return calls, found, largest


@pytest.mark.parametrize("count", [14, 18, 25, 30, 40, 45])
@pytest.mark.parametrize("factor", [0.94, 0.97, 1.0, 1.03, 1.06])
def test_the_largest_layout_that_fits_is_found_whatever_the_estimate(
    count: int, factor: float
) -> None:
    """Content taller or shorter than estimated: the layout found is the largest that fits,
    in few layouts, and the last layout is the sheet."""
    calls, found, largest = _fit(count, factor)
    assert largest, (calls, found)
    assert calls[-1][0] == "P" and len(calls) <= 3, calls


def test_a_clear_estimate_lays_the_sheet_out_once() -> None:
    calls, found, _ = _fit(40, 1.0)
    assert calls == [("P", 8.25, (2, True))]  # no measuring pass: the page was the sheet
    calls, found, _ = _fit(40, 1.03)  # taller than estimated: the first page overflows
    assert calls == [("P", 8.25, (2, True)), ("P", 8.0, (2, True))], calls


def test_a_page_of_one_column_that_might_fit_is_laid_out_first() -> None:
    """Two columns by the estimate, one column within its doubt: the one column, which
    comes first and costs what a measuring pass does, is laid out first."""
    calls, found, _ = _fit(25, 0.97)
    assert calls == [("P", 10.0, (1, True))] and found.form == (1, True)
    calls, found, _ = _fit(25, 1.03)  # it did not fit: its boxes were the measurement
    assert calls == [("P", 10.0, (1, True)), ("P", 10.0, (2, True))], calls


def test_the_estimate_counts_wide_characters_as_a_whole_em() -> None:
    """Chinese, Japanese and Korean text takes about twice the lines of as many Latin letters:
    the first page guessed for such a sheet is then the right one."""
    page = Page(210, 297)

    def lines(text: str) -> int:
        measured = estimate([Item("key-points", "T", text)], 10.0, (1, False), page)
        return measured.units[0].paragraphs[1].lines

    latin, chinese, korean = lines("a" * 600), lines("免疫" * 300), lines("면역" * 300)
    assert 1.8 <= chinese / latin <= 2.4 and korean == chinese, (latin, chinese, korean)


@pytest.mark.parametrize(
    ("count", "factor", "passes"),
    [(1, 1.0, ["P"]), (4, 1.0, ["P"]), (4, 2.5, ["P", "P"]), (10, 1.0, ["M", "P"])],
)
def test_a_short_sheet_is_laid_out_first_when_its_spread_is_certain(
    count: int, factor: float, passes: list[str]
) -> None:
    """At 12 pt the space left sets the spread between items: one item has none, and
    content far shorter than the page the most there is, so its page is laid out at once and
    checked against its boxes; when they call for less (content taller than estimated), the
    page is laid out again with the spread they call for. Otherwise it is measured first."""
    calls, found, largest = _fit(count, factor)
    assert [kind for kind, _, _ in calls] == passes, calls
    assert found.size == MAX_SIZE and found.columns == 1 and largest
    if count == 1:
        assert found.spread == 0
    elif passes == ["P"]:
        assert found.spread == 5.0
    else:  # _fit checked it is what the content as it is calls for
        assert 0 < found.spread < 5.0, found
