"""studygen preview: one PNG per page asked, beside the PDFs, drawn from the built PDF."""

from __future__ import annotations

import pypdfium2 as pdfium
from conftest import MakeProject
from PIL import Image
from typer.testing import CliRunner

from studygen.cli import app

SOURCE = """
title: Preview
sections:
  - title: First
    blocks:
      - kind: text
        text: |
          Some text on the first page.

          <div style="page-break-after: always"></div>
  - title: Second
    blocks:
      - kind: text
        text: Words on the second page.
key_points:
  - term: One
    text: A point.
"""


def test_preview_writes_one_picture_per_page_asked(project: MakeProject) -> None:
    folder = project({"source/p.yaml": SOURCE})
    result = CliRunner().invoke(
        app, ["preview", "source/p.yaml", "--pages", "1-3", "--dpi", "30", "--only", "handout"]
    )
    assert result.exit_code == 0, result.output
    out = folder / "build" / "p"
    pages = len(pdfium.PdfDocument(str(out / "handout.pdf")))
    pictures = sorted(out.glob("*.png"))
    assert [p.name for p in pictures] == [f"handout-{n}.png" for n in range(1, min(pages, 3) + 1)]
    with Image.open(pictures[0]) as image:  # A4 at 30 dpi
        width, height = image.size
        assert abs(width - 210 / 25.4 * 30) <= 1 and abs(height - 297 / 25.4 * 30) <= 1
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # something drawn
    assert not (out / "key-points-1.png").exists()


def test_preview_one_page_of_every_output(project: MakeProject) -> None:
    folder = project({"source/p.yaml": SOURCE})
    result = CliRunner().invoke(app, ["preview", "--pages", "1", "--dpi", "20"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (folder / "build" / "p").glob("*.png"))
    assert names == ["handout-1.png", "key-points-1.png"]
    assert "drew 2 pages" in result.output


def test_preview_refuses_bad_pages_and_dpi(project: MakeProject) -> None:
    folder = project({"source/p.yaml": SOURCE})
    for args in (["--pages", "3-1"], ["--pages", "one"], ["--dpi", "5000"]):
        result = CliRunner().invoke(app, ["preview", *args])
        assert result.exit_code == 2, (args, result.output)
    assert not (folder / "build").exists()
