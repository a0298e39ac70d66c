"""Card identity (explicit, from a deck's GUID column, derived from the position) and clozes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studygen.cli import app
from studygen.cloze import back, from_highlights, front, numbers, reading
from studygen.sources.loader import load_source
from tests.conftest import MakeProject
from tests.pdfread import page_texts

STUDY = Path(__file__).parent / "data" / "study"


def cards(path: Path) -> list[tuple[str | None, str, str]]:
    source = load_source(path)
    return [(c.id, c.front, c.back) for c in source.doc.flashcards]


def test_cloze_texts() -> None:
    text = "Les {{c1::corticoïdes}} et les {{c2::immunosuppresseurs::une classe}}."
    assert numbers(text) == [1, 2]
    assert reading(text) == "Les corticoïdes et les immunosuppresseurs."
    assert front(text, 2) == "Les corticoïdes et les &#91;une classe&#93;."
    assert back(text, 1) == "Les <mark>corticoïdes</mark> et les immunosuppresseurs."
    assert from_highlights("a ==b== c ==d==") == "a {{c1::b}} c {{c2::d}}"
    assert from_highlights("x == y and a==b") == "x == y and a==b"


def test_yaml_ids_and_clozes() -> None:
    found = cards(STUDY / "immunosuppression.yaml")
    ids = [card_id for card_id, _, _ in found]
    assert ids == [
        "immuno-def", "immunosuppression-2-c1", "immunosuppression-3",
        "immunosuppression-s1b1-c1", "immunosuppression-s1b1-c2", "immunosuppression-s1b2-c1",
    ]  # fmt: skip
    _, cloze_front, cloze_back = found[1]
    assert cloze_front == "La ciclosporine inhibe la &#91;…&#93;."
    assert cloze_back.startswith("La ciclosporine inhibe la <mark>calcineurine</mark>.")
    assert "Utilisée après une greffe." in cloze_back
    assert found[4][1].endswith(
        "les &#91;classe de médicaments&#93; freinent la réponse adaptative."
    )


def test_ids_survive_text_edits(tmp_path: Path) -> None:
    edited = tmp_path / "immunosuppression.yaml"
    text = (STUDY / "immunosuppression.yaml").read_text(encoding="utf-8")
    edited.write_text(text.replace("anticorps monoclonal", "anticorps anti-CD20"), "utf-8")
    before, after = cards(STUDY / "immunosuppression.yaml"), cards(edited)
    assert [c[0] for c in before] == [c[0] for c in after]
    assert before[2][1] != after[2][1]


def test_markdown_id_lines_and_highlight_clozes() -> None:
    found = cards(STUDY / "revision.md")
    assert [c[0] for c in found] == ["geo-paris", "revision-2-c1", "revision-2-c2", "revision-3"]
    assert found[2][1] == "The mitochondria is the &#91;…&#93; of the cell."
    assert found[2][2].startswith("The mitochondria is the <mark>powerhouse</mark> of the cell.")


def test_deck_guid_column_is_the_id(make_project: MakeProject) -> None:
    folder = make_project(
        {"deck.txt": "#separator:tab\n#html:true\n#guid column:1\nAb$x{9\tFront one\tBack one\n"
         "\tFront two\tBack two\n"}
    )  # fmt: skip
    assert [c[0] for c in cards(folder / "deck.txt")] == ["Ab$x{9", "deck-2"]


def test_check_reports_duplicate_ids(make_project: MakeProject) -> None:
    folder = make_project(
        {"dup.yaml": """
            title: Doubles
            sections:
              - title: A
            flashcards:
              - front: a
                back: b
                id: x1
              - front: c
                back: d
              - front: e
                back: f
                id: x1
              - front: g
                back: h
                id: dup-2
            """}
    )  # fmt: skip
    result = CliRunner().invoke(app, ["check", str(folder / "dup.yaml")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "card id" in line]
    assert any(line.endswith('dup.yaml:12:1: card id "x1" is already used at line 7 — give each '
                             "card its own id") for line in lines), lines  # fmt: skip
    assert any(':15:1: card id "dup-2" is already used at line 8' in line for line in lines), lines
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cloze")
    shutil.copy(STUDY / "immunosuppression.yaml", folder)
    result = CliRunner().invoke(
        app, ["build", str(folder / "immunosuppression.yaml"), "--out", str(folder / "build"),
              "--only", "flashcards", "--only", "handout", "--quiet"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder / "build" / "immunosuppression"


def test_cards_print_their_id_and_gap(built: Path) -> None:
    pages = page_texts(built / "flashcards.pdf")
    assert "immuno-def" in pages[0] and "immunosuppression-2-c1" in pages[0]
    assert "La ciclosporine inhibe la […]." in pages[0]
    assert "[classe de" in pages[0]
    assert "{{c" not in "".join(pages)


def test_handout_reads_clozes_normally(built: Path) -> None:
    text = " ".join(" ".join(page_texts(built / "handout.pdf")).split())
    assert "Les corticoïdes freinent" in text and "une immunité active" in text
    assert "{{" not in text and "[…]" not in text
