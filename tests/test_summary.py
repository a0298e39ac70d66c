"""The key-points sheet: exactly one page, the largest type that fits, or a clear error."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLES, MakeProject
from pdfread import PT_PER_MM

from studygen.build import build, check
from studygen.config import BuildOptions
from studygen.errors import Collected
from studygen.outputs.key_points import gather
from studygen.sources.loader import load_source

WORDS = "immune response cytokines antibodies lymphocytes regulate inflammation tissue".split()  # noqa: SIM905


def points_source(count: int, lang: str = "en", extra: str = "") -> str:
    lines = ["title: Summary test", f"lang: {lang}", "sections:", "  - title: S", "    blocks:"]
    lines += ["      - kind: text", "        text: x", "key_points:"]
    for n in range(count):
        length = (8, 14, 22)[n % 3]
        text = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(length))
        lines += [f"  - term: Point {n + 1}", f"    text: {text.capitalize()}."]
    return "\n".join(lines) + "\n" + extra


def with_long_definitions(points: int, definitions: int) -> str:
    """``points_source(points)`` whose section holds ``definitions`` definitions of twenty
    sentences each, in place of its text: optional items that the sheet may drop."""
    blocks = "".join(
        f"      - kind: definition\n        term: Term {n}\n"
        f"        text: {'A long definition. ' * 20}\n"
        for n in range(definitions)
    )
    return points_source(points).replace("      - kind: text\n        text: x\n", blocks)


def body_size(path: Path) -> float:
    """The type size of the key points' text (the serif font), in points."""
    with pdfplumber.open(path) as pdf:
        sizes = [c["size"] for c in pdf.pages[0].chars if "Serif" in c["fontname"]]
    return max(sizes)


def assert_inside_printable_area(path: Path, margin_mm: float = 10) -> None:
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        limit = margin_mm * PT_PER_MM
        for char in page.chars:
            assert char["x0"] >= limit and char["top"] >= limit, char["text"]
            assert char["x1"] <= page.width - limit, char["text"]
            assert char["bottom"] <= page.height - limit, char["text"]


def build_points(
    project: Path, paper: str = "a4", out: str = "out", **options: object
) -> tuple[bool, list[str], Path]:
    opts = BuildOptions(out=project / out, only=("key-points",), paper=paper, **options)  # type: ignore[arg-type]
    report = build([project / "s.yaml"], opts)
    return report.ok, report.problems, project / out / "s" / "key-points.pdf"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_one_page_or_a_clear_error_and_type_never_grows(
    paper: str, make_project: MakeProject
) -> None:
    counts = [1, 4, 10, 18, 28, 45, 120] if paper == "a4" else [2, 16, 120]
    previous = 99.0
    outcomes = []
    for count in counts:
        project = make_project({"s.yaml": points_source(count)})
        ok, problems, path = build_points(project, paper, out=f"out{count}")
        if ok:
            assert_inside_printable_area(path)
            size = body_size(path)
            assert 7 - 0.01 <= size <= 12 + 0.01
            assert size <= previous + 0.01, (count, size, previous)
            previous = size
            outcomes.append("fits")
        else:
            assert not path.exists()
            assert len(problems) == 1
            expected = rf"s\.yaml:8: key points need \d+\.\d pages at 7 pt: shorten or remove about \d+ of {count} items"  # noqa: E501
            assert re.search(expected, problems[0]), problems[0]
            previous = 0.0  # once it does not fit, more content never fits
            outcomes.append("error")
    assert outcomes[0] == "fits" and outcomes[-1] == "error"
    assert outcomes == sorted(outcomes, key=lambda o: o == "error")


def test_short_content_is_large_and_uses_the_page(make_project: MakeProject) -> None:
    project = make_project({"s.yaml": points_source(4)})
    ok, _, path = build_points(project)
    assert ok and body_size(path) == pytest.approx(12, abs=0.01)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        bottom = max(c["bottom"] for c in page.chars)
    assert bottom > page.height * 0.6  # spread down the page, not bunched at the top


def test_bundled_example_fills_two_thirds_of_the_page(built_a4: Path) -> None:
    for stem in ("immunomodulation", "photosynthesis"):
        path = built_a4 / stem / "key-points.pdf"
        assert_inside_printable_area(path)
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            top = min(c["top"] for c in page.chars)
            bottom = max(c["bottom"] for c in page.chars)
        printable = page.height - 31 * PT_PER_MM
        assert (bottom - top) / printable >= 2 / 3, stem


def test_definitions_are_gathered_by_default_and_faq_on_request(make_project: MakeProject) -> None:
    doc = load_source(EXAMPLES / "immunomodulation.yaml").doc
    default = gather(doc, ("key-points", "definitions"))
    assert [i.group for i in default].count("key-points") == len(doc.key_points)
    terms = [i.term for i in default if i.group == "definitions"]
    assert "Vaccin" in terms and "Immunomodulation" not in terms  # already a key point
    with_faq = gather(doc, ("key-points", "faq"))
    assert [i.group for i in with_faq].count("faq") == len(doc.faq)
    assert not [i for i in with_faq if i.group == "definitions"]


def test_summary_include_faq_reaches_the_pdf(make_project: MakeProject) -> None:
    extra = "faq:\n  - question: Is this on the sheet?\n    answer: Only when asked for.\n"
    project = make_project({"s.yaml": points_source(3, extra=extra)})
    ok, _, path = build_points(project, summary_include=("key-points", "faq"))
    assert ok
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text() or ""
    assert "Is this on the sheet?" in text and "FREQUENTLY ASKED QUESTIONS" in text.upper()


def test_optional_items_are_dropped_before_key_points_fail(make_project: MakeProject) -> None:
    project = make_project({"s.yaml": with_long_definitions(6, 60)})
    options = BuildOptions(out=project / "out", only=("key-points",))
    said = Collected()
    report = build([project / "s.yaml"], options, said)
    notes = said.notes
    assert report.ok
    assert any("definitions left out for lack of room" in n for n in notes)
    with pdfplumber.open(project / "out" / "s" / "key-points.pdf") as pdf:
        assert len(pdf.pages) == 1
        assert "Point 6" in (pdf.pages[0].extract_text() or "")


def test_long_unbreakable_strings_stay_on_the_page(make_project: MakeProject) -> None:
    url = "https://example.org/" + "a" * 180
    chemical = "Methylenedioxy" * 12
    text = points_source(2).replace("    text: ", f"    text: See {url} and {chemical} ", 1)
    project = make_project({"s.yaml": text})
    ok, _, path = build_points(project)
    assert ok
    assert_inside_printable_area(path)


def test_check_reports_the_same_error_without_writing(make_project: MakeProject) -> None:
    project = make_project({"s.yaml": points_source(150)})
    report = check([project / "s.yaml"], BuildOptions(only=("key-points",)))
    assert not report.ok and "key points need" in report.problems[0]
    assert not (project / "out").exists()


def test_french_sheet_is_labelled_in_french(built_a4: Path) -> None:
    with pdfplumber.open(built_a4 / "immunomodulation" / "key-points.pdf") as pdf:
        text = pdf.pages[0].extract_text() or ""
    assert "POINTS CLÉS" in text and "DÉFINITIONS" in text


# --- The compact form: a cheat sheet before smaller type ----------------------------------

TWELVE = "la réponse immunitaire dépend des cytokines produites par les lymphocytes activés".split()  # noqa: SIM905


def cheat_sheet(count: int) -> str:
    """``count`` key points of twelve words each, the way a student lists them."""
    lines = ["title: Fiche", "lang: fr", "sections:", "  - title: S", "    blocks:"]
    lines += ["      - kind: text", "        text: x", "key_points:"]
    for n in range(count):
        words = [TWELVE[(n * 5 + k) % len(TWELVE)] for k in range(12)]
        lines += [f"  - term: Notion {n + 1}", f"    text: {' '.join(words).capitalize()}."]
    return "\n".join(lines) + "\n"


def column_bottoms(path: Path) -> list[float]:
    """The lowest text of each column of the sheet (points from the top)."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        chars = [c for c in page.chars if c["top"] > 40 * PT_PER_MM]
        middle = page.width / 2
        return [
            max(c["bottom"] for c in chars if (c["x0"] < middle) == left) for left in (True, False)
        ]


@pytest.mark.parametrize(("count", "floor"), [(60, 7.0), (40, 7.5)])
def test_a_long_list_runs_terms_in_before_shrinking(
    count: int, floor: float, make_project: MakeProject
) -> None:
    project = make_project({"s.yaml": cheat_sheet(count)})
    said = Collected()
    options = BuildOptions(out=project / "out", only=("key-points",), verbose=True)
    report = build([project / "s.yaml"], options, said)
    assert report.ok, report.problems
    path = project / "out" / "s" / "key-points.pdf"
    assert_inside_printable_area(path)
    assert body_size(path) >= floor - 0.01
    assert any("compact" in note for note in said.notes), said.notes
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text() or ""
    # the term and the start of its text share a line: "12. Notion 12 La réponse…"
    assert len(re.findall(r"\d+\. ?Notion \d+ \w", text)) >= count * 0.9, text
    left, right = column_bottoms(path)
    line_height = body_size(path) * 1.27
    assert abs(left - right) <= 3.5 * line_height, (left, right)  # about one item apart


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_one_column_is_the_pages_own_flow(columns: int) -> None:
    """A sheet of one column is not a multi-column box (WeasyPrint would lay its single
    column out three times to balance it); a sheet of more columns is."""
    from studygen import pdf
    from studygen.outputs.base import Job
    from studygen.outputs.key_points import Layout, sheet_context

    source = load_source(EXAMPLES / "immunomodulation.yaml")
    job = Job("key-points", source, BuildOptions(), pdf.Engine())
    items = gather(source.doc, ("key-points", "definitions"))
    rendered = job.lay_out(sheet_context(job, Layout(8.0, columns), items))
    assert rendered.pages == 1
    bodies = [box for _, name, box in pdf.marked_boxes(rendered.document, "class")
              if "sheet-body" in name.split()]  # fmt: skip
    children = [child for child in bodies[0].children if child.is_in_normal_flow()]
    tags = [getattr(child, "element_tag", None) for child in children]
    if columns == 1:
        assert len(bodies) == 1
        assert tags == ["section", "section"]  # key points, definitions
    else:  # the body, then its column boxes (copies of it), which hold the sections
        assert children == bodies[1:] and 1 < len(children) <= columns


def test_short_lists_keep_the_usual_form(make_project: MakeProject) -> None:
    project = make_project({"s.yaml": cheat_sheet(8)})
    ok, _, path = build_points(project)
    assert ok and body_size(path) >= 11
    with pdfplumber.open(path) as pdf:
        lines = (pdf.pages[0].extract_text() or "").splitlines()
    assert "1 Notion 1" in lines  # the term on its own line, after its number badge


def test_far_too_much_is_refused_after_one_measuring_pass() -> None:
    from studygen.outputs.key_points_fit import (
        DoesNotFit,
        Item,
        Measurement,
        Page,
        Unit,
        fit_summary,
    )

    def measure(items: list[Item], size: float, form: tuple[int, bool]) -> Measurement:
        calls.append((size, form))
        units = tuple(Unit(n, False, 9.0 * size / 12, 1.0) for n in range(len(items)))
        return Measurement(size, form, 54.0, 20.0, sum(u.height for u in units), units)

    def verify(*_: object) -> tuple[None, None]:
        raise AssertionError("nothing is laid out on the real page")

    calls: list[tuple[float, object]] = []
    long = [Item("key-points", f"T{n}", "a long text " * 8) for n in range(400)]
    with pytest.raises(DoesNotFit, match="key points need") as refused:
        fit_summary(long, Page(210, 297), 7.0, measure, verify)
    assert calls == [(7.0, (3, True))]  # the most compact layout alone, measured once
    assert refused.value.total == 400 and refused.value.pages > 2
