"""Links: the QR codes printed from a source's ``links`` decode back to their addresses, and
the handout prints a link's address after its text when the text does not show it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp
from conftest import MakeProject
from typer.testing import CliRunner

from studygen.cli import app

DATA = Path(__file__).parent / "data" / "links"
QUIZ = "https://quiz.example.org/cell?level=2&lang=en"
VIDEO = "https://video.example.net/watch/AbC123"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Markdown example with links (front matter), built once."""
    folder = tmp_path_factory.mktemp("links")
    shutil.copytree(DATA, folder / "source")
    out = folder / "out"
    result = CliRunner().invoke(app, ["build", str(folder / "source"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "cells"


def _decoded(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    found = []
    for page in document:
        image = page.render(scale=200 / 72).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


@pytest.mark.parametrize("output", ["handout", "key-points"])
def test_qr_codes_decode_to_their_addresses(built: Path, output: str) -> None:
    assert sorted(_decoded(built / f"{output}.pdf")) == sorted([QUIZ, VIDEO])
    with pdfplumber.open(built / f"{output}.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        links = [a["uri"] for page in pdf.pages for a in page.annots if a.get("uri")]
        images = [i for page in pdf.pages for i in page.images]
    assert "Online quiz on the cell" in text and QUIZ in text.replace("\n", "")
    assert QUIZ in links and VIDEO in links  # the title stays clickable
    assert images == []  # the codes are vector drawings, not pictures


def test_handout_prints_an_address_after_a_link_whose_text_differs(built: Path) -> None:
    with pdfplumber.open(built / "handout.pdf") as pdf:
        text = pdf.pages[0].extract_text().replace("\n", " ")
        uris = [a["uri"] for a in pdf.pages[0].annots if a.get("uri")]
    assert "course page (school.example.org/biology/cells)" in text
    assert "next section." in text  # a link inside the document gets no address
    assert "https://school.example.org/biology/cells/" in uris


def test_no_link_addresses_turns_them_off(project: MakeProject) -> None:
    folder = project({"source/cells.md": (DATA / "cells.md").read_text(encoding="utf-8")})
    args = ["build", "--only", "handout", "--no-link-addresses"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with pdfplumber.open(folder / "build" / "cells" / "handout.pdf") as pdf:
        text = pdf.pages[0].extract_text().replace("\n", " ")
    assert "course page or" in text and "(school.example.org" not in text


def test_a_link_that_is_not_a_web_address_is_refused(project: MakeProject) -> None:
    project(
        {
            "source/bad.yaml": """
                title: Bad
                sections:
                  - title: One
                    blocks: []
                links:
                  - title: Local file
                    url: file:///etc/passwd
                """
        }
    )
    result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 1
    assert "bad.yaml:7" in result.output and "https://" in result.output
    assert not Path("build/bad").exists()
