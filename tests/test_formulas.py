"""Formulas: found wherever authors write them, typeset as vector paths, sized with the text,
never cut, reported at their line when broken or too wide."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import REPO, MakeProject
from pdfcheck import ua_problems
from pdfread import PT_PER_MM, page_texts

from studygen.build import build, check
from studygen.config import BuildOptions
from studygen.formulas import find_math
from studygen.markup import markdown
from studygen.outputs.card_geometry import PRESETS

DATA = REPO / "tests" / "data" / "formulas"
TEX_LEFT = re.compile(r"\\[A-Za-z]+|\$\$|\^\{|_\{|\\\(|\\\[|\[/?\$")


def _tex(text: str) -> list[tuple[str, bool]]:
    return [(m.tex, m.display) for m in find_math(text)]


# --- Finding formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["5 $", "$5", "10 $ et 20 $", "coûte $5, puis 10 $.", "\\$x\\$", "`$x$`", "$ x$"]
)
def test_money_and_code_are_not_formulas(text: str) -> None:
    assert find_math(text) == []


def test_every_delimiter_and_the_tex_untouched() -> None:
    text = "a $\\|u\\|$ b \\(x_1 * y_2\\) c \\[\\dfrac{a}{b}\\] [$]\\,k[/$] [$$]\\\\[/$$] $$e$$"
    assert _tex(text) == [
        ("\\|u\\|", False),
        ("x_1 * y_2", False),
        ("\\dfrac{a}{b}", True),
        ("\\,k", False),
        ("\\\\", True),
        ("e", True),
    ]


def test_display_blocks_after_a_line_in_lists_and_quotes() -> None:
    text = "Soit\n$$\na \\\\\nb\n$$\n- item\n  $$\n  c\n  $$\n> [!note]\n> $$\n> d_1\n> $$"
    assert [t.strip() for t, _ in _tex(text)] == ["a \\\\\nb", "c", "d_1"]
    assert all(display for _, display in _tex(text))


def test_markdown_never_changes_tex_and_display_blocks_are_formulas() -> None:
    html = markdown("| a | b |\n|---|---|\n| $\\|v\\|$ | $a_1*b_2*c$ |\n\nTexte\n$$x$$\n", "fr")
    assert 'alt="\\|v\\|"' in html and 'alt="a_1*b_2*c"' in html
    assert "<em>" not in html and "$" not in html and html.count("<td>") == 2
    assert '<span class="formula-display">' in html


# --- The maths course, built ----------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("course")
    for name in ("suites.md", "anki-physique.txt"):
        shutil.copy(DATA / name, project / name)
    options = BuildOptions(out=project / "build", pdf_variant="pdf/ua-1", strict=False)
    sources = [project / "suites.md", project / "anki-physique.txt"]
    report = build(sources, options)
    assert report.ok, report.problems
    assert not [w for w in report.warnings if "formula" in w], report.warnings
    return project / "build"


OUTPUTS = ["suites/handout", "suites/flashcards", "suites/key-points", "anki-physique/flashcards"]


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_tex_left_in_the_text_and_formulas_are_tagged(course: Path, output: str) -> None:
    path = course / f"{output}.pdf"
    text = " ".join(page_texts(path))
    assert not TEX_LEFT.findall(text), TEX_LEFT.findall(text)
    assert ua_problems(path) == []
    import pypdf
    from pdfcheck import _struct_elements

    formulas = [e for e in _struct_elements(pypdf.PdfReader(path)) if e["/S"] == "/Formula"]
    assert formulas and all(str(e["/Alt"]).strip() for e in formulas)


def test_money_and_code_are_kept_as_written(course: Path) -> None:
    text = " ".join(page_texts(course / "suites/handout.pdf"))
    assert "coûtent 5 $ l’unité, ou 10 $ et 20 $ le lot (prix en $5" in text
    assert "Le code $x$ reste du code, et $ reste un dollar." in text
    anki = " ".join(page_texts(course / "anki-physique/flashcards.pdf"))
    assert "25 $ et 10 $ de port" in anki


def _curves(page: Any) -> list[dict[str, float]]:
    """Filled shapes: the glyphs of formulas (cut lines and rules are flat)."""
    return [c for c in page.curves if c["x1"] - c["x0"] > 0.1 and c["bottom"] - c["top"] > 0.1]


def test_formulas_are_vector_paths_inside_the_text_column(course: Path) -> None:
    with pdfplumber.open(course / "suites/handout.pdf") as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            left = min(w["x0"] for w in words) - 1
            right = max(w["x1"] for w in words) + 1
            curves = _curves(page)
            assert len(curves) > 20
            assert all(left <= c["x0"] and c["x1"] <= right for c in curves)
        # The boxed definition, far wider than the column, is shrunk into it.
        boxed = [r for r in pdf.pages[1].rects if r["width"] > 200]
        assert boxed and all(left <= r["x0"] and r["x1"] <= right for r in boxed)


def test_formulas_on_both_faces_lie_inside_their_cards(course: Path) -> None:
    layout = PRESETS["a4-2x4"]
    cells = [
        tuple(v * PT_PER_MM for v in (*layout.cell(r, c), layout.card_width, layout.card_height))
        for r in range(layout.rows)
        for c in range(layout.columns)
    ]
    for deck in ("suites", "anki-physique"):
        with pdfplumber.open(course / f"{deck}/flashcards.pdf") as pdf:
            for page in pdf.pages[:2]:
                curves = _curves(page)
                assert curves, f"{deck}: no formula drawn on page {page.page_number}"
                for c in curves:
                    assert any(
                        x <= c["x0"] and c["x1"] <= x + w and y <= c["top"] and c["bottom"] <= y + h
                        for x, y, w, h in cells
                    )


def test_an_inline_formula_sits_on_the_baseline_at_the_text_size(
    project: MakeProject,
) -> None:
    folder = project(
        {"base.md": "# Base\n\n## One\n\nSome text $x$ between words, and $\\sum x$ here.\n"}
    )
    options = BuildOptions(out=folder / "out", only=("handout",))
    assert build([folder / "base.md"], options).ok
    with pdfplumber.open(folder / "out/base/handout.pdf") as pdf:
        page = pdf.pages[0]
        text = next(c for c in page.chars if c["text"] == "S" and c["size"] < 12)
        baseline = page.height - text["matrix"][5]
        x = min(_curves(page), key=lambda c: c["x0"])  # the first formula: an italic x
        assert abs(x["bottom"] - baseline) < 1.0
        # An x of the math font is about as tall as the text's x.
        text_x = next(c for c in page.chars if c["text"] == "x")
        assert 0.8 < (x["bottom"] - x["top"]) / (text["size"] * 0.53) < 1.25
        assert text_x["size"] == text["size"]


# --- Problems, at their line ------------------------------------------------------------------


BROKEN = """\
---
title: Formules à problèmes
lang: fr
---

## Section

Une formule cassée : $\\frac{a$ au milieu, et $x^$.

$$
\\foo{x} + 1
$$

## Fiches

Q: Une somme trop large ?
A: $A_WIDE_SUM$
"""
""


WIDE_SUM = " + ".join(f"a_{{{k}}}" for k in range(1, 25))


def test_broken_and_too_wide_formulas_are_named_at_their_line(project: MakeProject) -> None:
    folder = project({"cours.md": BROKEN.replace("A_WIDE_SUM", WIDE_SUM)})
    options = BuildOptions(out=folder / "out")
    report = build([folder / "cours.md"], options)
    assert report.ok  # the PDFs still build: broken formulas print as code
    found = "\n".join(report.warnings)
    assert 'cours.md:8: formula "\\frac{a" cannot be typeset: a { is never closed' in found
    assert 'cours.md:8: formula "x^" cannot be typeset: missing superscript' in found
    assert 'cours.md:10: formula "\\foo{x} + 1" cannot be typeset: unknown command \\foo' in found
    assert "cours.md:17: card 1: formula" in found and "does not fit its card at 11 pt" in found
    text = " ".join(page_texts(folder / "out/cours/handout.pdf"))
    assert "\\frac{a" in text and "\\foo{x} + 1" in text  # shown as code, whole
    with pdfplumber.open(folder / "out/cours/handout.pdf") as pdf:
        code = [c for c in pdf.pages[0].chars if "Mono" in c["fontname"]]
        assert code and max(c["x1"] for c in code) < pdf.pages[0].width
    strict = build([folder / "cours.md"], BuildOptions(out=folder / "strict", strict=True))
    assert not strict.ok and not (folder / "strict").exists()
    checked = check([folder / "cours.md"], options)
    assert not checked.ok and any("cannot be typeset" in p for p in checked.problems)


def test_yaml_fields_and_their_lines(project: MakeProject) -> None:
    folder = project(
        {
            "c.yaml": """\
            title: Chimie
            lang: fr
            sections:
              - title: Énergie $E = mc^2$
                blocks:
                  - kind: definition
                    term: Masse molaire $M$
                    text: |
                      On a $n = \\dfrac{m}{M}$.

                      Et $\\frac{1}{$ cassé.
            key_points:
              - term: Quantité $n$
                text: $n = \\dfrac{m}{M}$
            """
        }
    )
    report = build([folder / "c.yaml"], BuildOptions(out=folder / "out"))
    assert report.ok
    assert [w for w in report.warnings if "formula" in w] == [
        f'{folder / "c.yaml"}:11: formula "\\frac{{1}}{{" cannot be typeset: a {{ is never closed'
    ]
    for name in ("handout", "key-points"):
        text = " ".join(page_texts(folder / f"out/c/{name}.pdf"))
        assert "$" not in text and "dfrac" not in text
