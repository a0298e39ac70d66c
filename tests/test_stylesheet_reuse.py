"""Stylesheets parsed in one build are kept for the next builds of the process (``watch``, a
preview), by their bytes: the same PDF as a fresh parse, a changed file parsed again, and a
stylesheet that gives fonts (@font-face) or fetches files parsed for every build."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from conftest import REPO
from pypdf import PdfReader

from studygen import pdf
from studygen.config import BuildOptions
from studygen.outputs.base import Job
from studygen.outputs.handout import OUTPUT as HANDOUT
from studygen.sources.loader import load_source

HTML = '<html lang="en"><body><h1>Cells</h1><p class="note">A cell divides.</p></body></html>'
CLASSROOM = REPO / "examples" / "themes" / "classroom"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    pdf.forget_stylesheets()
    yield
    pdf.forget_stylesheets()


def _pdf(folder: Path, sheet: Path) -> bytes:
    rendered = pdf.render_pdf(HTML, folder, [sheet], [folder], b"0" * 32, engine=pdf.Engine())
    return rendered.pdf


def _page_size(data: bytes) -> tuple[float, float]:
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def _fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_handout_from_kept_stylesheets_is_the_pdf_of_a_fresh_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    source = load_source(REPO / "source" / "photosynthesis.yaml")

    def handout() -> bytes:
        made = HANDOUT.make(Job("handout", source, BuildOptions(), pdf.Engine()))
        return made.rendered.pdf

    first = handout()
    sheets = [pdf.Engine().stylesheet(path) for path in _handout_sheets()]
    assert all(
        pdf.Engine().stylesheet(p) is s for p, s in zip(_handout_sheets(), sheets, strict=True)
    )
    assert handout() == first  # laid out with the kept sheets
    pdf.forget_stylesheets()
    assert handout() == first


def _handout_sheets() -> list[Path]:
    from studygen import templating

    return templating.stylesheets("handout", None)


def test_a_stylesheet_changed_between_builds_is_parsed_again(tmp_path: Path) -> None:
    sheet = tmp_path / "page.css"
    sheet.write_text("@page { size: 100mm 150mm }\n", encoding="utf-8")
    assert _page_size(_pdf(tmp_path, sheet)) == (283, 425)
    kept = pdf.Engine().stylesheet(sheet)
    assert pdf.Engine().stylesheet(sheet) is kept
    sheet.write_text("@page { size: 120mm 150mm }\n", encoding="utf-8")
    assert _page_size(_pdf(tmp_path, sheet)) == (340, 425)
    assert pdf.Engine().stylesheet(sheet) is not kept


def test_a_stylesheet_giving_fonts_is_parsed_for_every_build(tmp_path: Path) -> None:
    """@font-face rules join the build's own font configuration: such a sheet is never
    kept, and every build embeds the font."""
    theme = CLASSROOM / "common" / "theme.css"
    roots = [CLASSROOM]
    first = pdf.Engine().stylesheet(theme, roots)
    assert pdf.Engine().stylesheet(theme, roots) is not first
    heading = tmp_path / "heading.css"
    heading.write_text('h1 { font-family: "Classroom Display"; font-weight: 700 }\n')
    for _ in range(2):
        rendered = pdf.render_pdf(
            HTML, tmp_path, [theme, heading], roots, b"0" * 32, engine=pdf.Engine()
        )
        assert any("Classroom-Display" in name for name in _fonts(rendered.pdf))


def test_a_stylesheet_that_fetches_a_file_is_parsed_for_every_build(tmp_path: Path) -> None:
    (tmp_path / "colours.css").write_text("h1 { color: #c00000 }\n", encoding="utf-8")
    sheet = tmp_path / "main.css"
    sheet.write_text('@import "colours.css";\n', encoding="utf-8")
    first = pdf.Engine().stylesheet(sheet)
    assert pdf.Engine().stylesheet(sheet) is not first
    assert b"0.752941 0 0 rg" in _uncompressed(_pdf(tmp_path, sheet))


def _uncompressed(data: bytes) -> bytes:
    reader = PdfReader(BytesIO(data))
    return b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]


def test_with_another_weasyprint_every_build_parses_its_stylesheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "engine_known", lambda: False)
    sheet = tmp_path / "page.css"
    sheet.write_text("@page { size: 100mm 150mm }\n", encoding="utf-8")
    assert pdf.Engine().stylesheet(sheet) is not pdf.Engine().stylesheet(sheet)
    assert _page_size(_pdf(tmp_path, sheet)) == (283, 425)
