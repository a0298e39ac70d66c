"""Structure elements written by studygen/pdf_tags.py: byte for byte what WeasyPrint's own
tagging writes, for documents with every kind of element (tables with headers, figures,
formulas, links, lists, callouts, Chinese, Japanese and Korean text), in each PDF variant."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from studygen import outputs, pdf, pdf_tags
from studygen.config import BuildOptions
from studygen.outputs.base import Job, Made
from studygen.sources.loader import load_source

MIXED = """\
---
title: Zellen und 細胞
lang: de
links:
  - title: Quiz
    url: https://quiz.example.org/zelle?stufe=2
---

# Aufbau

Jede Zelle hat eine **Membran** ([Kursseite](https://schule.example.org/zellen/)) und
einen Kern: $E = mc^2$. 細胞は生命の基本単位です。세포는 생명의 기본 단위이다.

| Teil | Aufgabe | Größe |
|---|---|---|
| Membran | Grenze | 10 nm |
| Kern | Steuerung | 6 µm |

<table><tr><th scope="row">Zeile</th><td>Wert</td><td rowspan="2">zwei Zeilen</td></tr>
<tr><th scope="row">Nächste</th><td colspan="1">Wert</td></tr></table>

1. Erstens
   - eingebettet
   - noch einer
2. Zweitens

> [!definition] Membran
> Eine dünne Schicht um die Zelle.

$$
\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}
$$

# Kernpunkte

- Die Membran begrenzt die Zelle.
- Der Kern steuert sie.

# Karteikarten

Q: Was umgibt eine Zelle?
A: Ihre Membran.
"""

SOURCES = [
    REPO / "source" / "immunomodulation.yaml",
    REPO / "source" / "photosynthesis.yaml",
    REPO / "tests" / "data" / "formulas" / "suites.md",
    REPO / "tests" / "data" / "inputs" / "cours-html.md",
    REPO / "tests" / "data" / "links" / "cells.md",
    REPO / "tests" / "data" / "inputs" / "hanzi.txt",
]


def _pdf(path: Path, output: str, variant: str | None) -> bytes | None:
    source = load_source(path)
    maker = outputs.get(output)
    if not maker.wanted(source):
        return None
    options = BuildOptions(pdf_variant=variant) if variant else BuildOptions()
    made = maker.make(Job(output, source, options, pdf.Engine()))
    assert isinstance(made, Made)
    return made.rendered.pdf


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "zellen.md"
    path.write_text(textwrap.dedent(MIXED), encoding="utf-8")
    return path


@pytest.mark.parametrize("variant", [None, "pdf/ua-1", "pdf/a-3b"])
@pytest.mark.parametrize("output", ["handout", "key-points", "flashcards"])
def test_tags_are_written_as_weasyprint_writes_them(
    variant: str | None, output: str, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    compared = 0
    for path in [mixed, *SOURCES] if variant is None else [mixed, SOURCES[0]]:
        fast = _pdf(path, output, variant)
        assert pdf_tags._installed, "the faster structure elements were not installed"
        with pdf_tags.stock():
            stock = _pdf(path, output, variant)
        assert fast == stock, f"{path.name} {output} {variant}"
        compared += fast is not None
    assert compared >= 1


def test_tags_of_a_table_with_headers_and_formulas_are_there(mixed: Path) -> None:
    """The documents compared above hold what the faster path writes differently."""
    data = _pdf(mixed, "handout", None)
    assert data is not None
    import zlib

    streams = [part.split(b"endstream")[0] for part in data.split(b"stream\n")[1:]]
    text = b"".join(_inflate(zlib, stream) for stream in streams)
    for tag in (b"/S /Table", b"/S /TH", b"/S /TD", b"/Headers [", b"/S /Formula", b"/S /L",
                b"/S /Link", b"/RowSpan 2"):  # fmt: skip
        assert tag in text, tag


def _inflate(zlib: object, stream: bytes) -> bytes:
    import zlib as module

    try:
        return module.decompress(stream.strip(b"\r\n"))
    except module.error:
        return b""


def test_another_weasyprint_keeps_its_own_tagging(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydyf
    from weasyprint.pdf import tags

    with pdf_tags.stock():
        monkeypatch.setattr(pdf_tags, "_installed", {})
        monkeypatch.setattr(pdf, "engine_known", lambda: False)
        pdf_tags.install()
        assert tags.pydyf is pydyf
        assert not pdf_tags._installed
