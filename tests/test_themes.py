"""Themes: each built-in theme builds every output of both examples, and its defining
property holds in the PDFs; a project's own theme, overrides and the themes command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLES, REPO
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen.cli import app

STEMS = ("immunomodulation", "photosynthesis")
OUTPUTS = ("handout", "flashcards", "key-points")
# What studygen draws: the teacher's own pictures and formulas keep their colours.
CONTENT_TAGS = ("Figure", "Formula")


def _build(folder: Path, *args: str) -> Path:
    out = folder / "out"
    sources = [str(folder / "source" / f"{stem}.yaml") for stem in STEMS]
    result = CliRunner().invoke(app, ["build", *sources, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


class Themed(dict[str, Path]):
    """Both examples built with a theme, through the command line: each theme once, when a
    test first asks for it (so a worker builds only the themes of the tests it runs)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, theme: str) -> Path:
        folder = self.factory.mktemp(theme)
        shutil.copytree(EXAMPLES, folder / "source")
        self[theme] = _build(folder, "--theme", theme)
        return self[theme]


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Themed:
    return Themed(tmp_path_factory)


def _pdfs(out: Path) -> Iterator[tuple[str, Path]]:
    for stem in STEMS:
        for output in OUTPUTS:
            path = out / stem / f"{output}.pdf"
            assert path.is_file(), path
            yield output, path


def _grey(colour: object) -> bool:
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    numbers = [float(v) for v in values if isinstance(v, (int, float))]
    if len(numbers) == 3:
        return max(numbers) - min(numbers) < 0.01
    if len(numbers) == 4:  # CMYK: grey has no cyan, magenta or yellow
        return max(numbers[:3]) < 0.01
    return True


def _lightness(colour: object) -> float:
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    numbers = [float(v) for v in values if isinstance(v, (int, float))]
    if len(numbers) == 4:
        return 1 - numbers[3]
    return sum(numbers) / len(numbers) if numbers else 0.0


def _ring(shape: dict[str, object], shapes: list[dict[str, object]]) -> bool:
    """Whether ``shape`` is one of the two rectangles of a border (drawn as an even-odd fill)."""
    edges = ("x0", "x1", "top", "bottom")
    return any(
        other is not shape
        and other["non_stroking_color"] == shape["non_stroking_color"]
        and all(abs(float(other[e]) - float(shape[e])) <= 3 for e in edges)  # type: ignore[arg-type]
        for other in shapes
    )


def _filled_behind_text(page: pdfplumber.page.Page) -> list[object]:
    """Fills studygen drew under some character, darker than light grey or coloured."""
    found = []
    shapes = [s for s in page.rects + page.curves if s.get("fill")]
    for shape in shapes:
        if shape.get("tag") in CONTENT_TAGS or _ring(shape, shapes):
            continue
        colour = shape["non_stroking_color"]
        if colour is None or (_grey(colour) and _lightness(colour) >= 0.85):
            continue
        for char in page.chars:
            x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
            if shape["x0"] < x < shape["x1"] and shape["top"] < y < shape["bottom"]:
                found.append((colour, char["text"]))
                break
    return found


def _eco_faults(path: Path) -> list[object]:
    faults: list[object] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            faults += _filled_behind_text(page)
            drawn = [*page.chars, *page.rects, *page.curves, *page.lines]
            for item in drawn:
                if item.get("tag") in CONTENT_TAGS:
                    continue
                for key in ("non_stroking_color", "stroking_color"):
                    if item.get(key) is not None and not _grey(item[key]):
                        faults.append((key, item[key], item.get("text")))
    return faults


def test_eco_prints_no_colour_and_no_dark_fill_behind_text(
    themed: dict[str, Path], built_a4: Path
) -> None:
    for output, path in _pdfs(themed["eco"]):
        assert _eco_faults(path) == [], (output, path)
    # The default look has colour and tinted callouts: the check can tell them apart.
    assert _eco_faults(built_a4 / "immunomodulation" / "handout.pdf")
    assert _eco_faults(built_a4 / "immunomodulation" / "key-points.pdf")


def _sizes(path: Path) -> list[float]:
    with pdfplumber.open(path) as pdf:
        return [c["size"] for page in pdf.pages for c in page.chars if c.get("tag") != "Figure"]


def test_large_print_has_no_body_glyph_under_16_pt(themed: dict[str, Path]) -> None:
    out = themed["large-print"]
    for stem in STEMS:
        for output in ("handout", "key-points"):
            sizes = _sizes(out / stem / f"{output}.pdf")
            assert sizes and min(sizes) >= 15.95, (stem, output, min(sizes))
        # Cards: the question and answer text at 16 pt or more, on A6 cards four to a sheet.
        cards = out / stem / "flashcards.pdf"
        with pdfplumber.open(cards) as pdf:
            page = pdf.pages[0]
            body = [c for c in page.chars if c["size"] > 9]  # the card number and tags are small
            assert body and min(c["size"] for c in body) >= 15.95
            cuts = sorted({round(line["top"]) for line in page.lines + page.rects})
            assert page.width == pytest.approx(595.3, abs=1)
        assert len(body) > 40, cuts
    # The key points reflow over more than one page rather than shrink.
    assert len(PdfReader(out / "immunomodulation" / "key-points.pdf").pages) > 1


def _fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


# WeasyPrint ends a hyphenated line with U+2010; a hyphen written in a word ("TNF-α") is "-".
HYPHENATED = re.compile(r"\w[\u2010\u00ad]$")


def _hyphenated_line_ends(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    return [line for line in lines if HYPHENATED.search(line.rstrip())]


@pytest.mark.skipif(
    subprocess.run(["fc-list", "OpenDyslexic"], capture_output=True, text=True).stdout == "",
    reason="the OpenDyslexic font is not installed (Debian: apt install fonts-opendyslexic)",
)
def test_dyslexia_uses_opendyslexic_without_hyphens_or_italics(
    themed: dict[str, Path], built_a4: Path
) -> None:
    for output, path in _pdfs(themed["dyslexia"]):
        fonts = _fonts(path)
        assert any("OpenDyslexic" in name for name in fonts), (output, fonts)
        assert not [f for f in fonts if re.search("Italic|Oblique", f)], (output, fonts)
        if output == "handout":
            assert _hyphenated_line_ends(path) == [], path
    # The default handout hyphenates and uses italics: the checks can fail.
    default = built_a4 / "immunomodulation" / "handout.pdf"
    assert _hyphenated_line_ends(default)
    assert [f for f in _fonts(default) if "Italic" in f]


def test_example_theme_embeds_its_font_and_overrides_one_block(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "source")
    shutil.copytree(REPO / "examples" / "themes", tmp_path / "themes")
    (tmp_path / "studygen.toml").write_text('theme = "classroom"\n', encoding="utf-8")
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        out = _build(tmp_path, "--only", "handout")
    finally:
        os.chdir(previous)
    handout = out / "photosynthesis" / "handout.pdf"
    assert any("Classroom-Display" in name for name in _fonts(handout))
    first = PdfReader(handout).pages[0].extract_text()
    assert first.lstrip().startswith("Name:") and "Photosynthesis" in first
    assert _eco_faults(handout) == []  # it extends eco


def test_project_templates_override_a_file_of_the_theme(project, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    folder = project(
        {
            "source/a.yaml": """
                title: Tiny
                sections:
                  - title: One
                    blocks:
                      - kind: text
                        text: Some words.
                """,
            "templates/common/theme.css": "html { color: #b00000; }\n",
        }
    )
    result = runner.invoke(app, ["build", "--theme", "eco", "--templates", "templates"])
    assert result.exit_code == 0, result.output
    handout = folder / "build" / "a" / "handout.pdf"
    assert _eco_faults(handout)  # the project's red replaced eco's black-only stylesheet


def test_themes_lists_builtin_and_project_themes(project, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    project(
        {
            "themes/mine/theme.toml": 'name = "mine"\ndescription = "my own look"\n',
            "themes/mine/common/theme.css": "h1 { color: black; }\n",
        }
    )
    result = runner.invoke(app, ["themes"])
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["default", "dyslexia", "eco", "large-print", "mine"]
    assert "my own look" in result.output


def test_unknown_theme_and_bad_manifest_are_usage_errors(project, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    project({"themes/bad/theme.toml": 'name = "bad"\ncolour = "red"\n', "source/x.md": "# X\n"})
    result = runner.invoke(app, ["build", "--theme", "ecoo"])
    assert result.exit_code == 2
    assert 'theme "ecoo" not found' in result.output and "eco" in result.output
    result = runner.invoke(app, ["build", "--theme", "bad"])
    assert result.exit_code == 2
    assert 'unknown key "colour"' in result.output


def test_a_theme_path_in_the_settings_stays_inside_the_project(
    project, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "theme.toml").write_text('name = "far"\n', encoding="utf-8")
    folder = project(
        {"source/x.md": "# X\n\n## One\n\nText.\n", "studygen.toml": f'theme = "{elsewhere}"\n'}
    )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert "outside the project" in result.output
    (folder / "studygen.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["build", "--theme", str(elsewhere)])  # typed: the user's choice
    assert result.exit_code == 0, result.output
