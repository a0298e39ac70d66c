"""The worksheet and its answer key, read back from the PDFs a teacher prints.

One French source asks for them with ``outputs:``; the tests read its worksheet and key:
blanks where the terms and cloze answers were (answers absent from the worksheet, present
in the key, written on the same lines), ruled space under each question, the name, class
and date box, the labels. The smaller builds check how outputs are chosen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from studygen.cli import app
from tests.conftest import MakeProject
from tests.pdfread import Word, fold, page_texts, words

COURS = """\
# Cours de SVT — 3e, chapitre 4 (à rendre jeudi)
title: L'immunité
subject: SVT
level: 3e
lang: fr
outputs: [handout, worksheet, answer-key]
sections:
  - title: Les défenses de l'organisme
    blocks:
      - kind: text
        text: |
          Le corps se défend en permanence contre les micro-organismes.

          Les {{c1::anticorps}} sont produits par les {{c2::lymphocytes B::cellules}} ;
          ils neutralisent les {{c3::antigènes}}.
      - kind: definition
        term: Phagocytose
        text: |
          Ingestion d'un micro-organisme par une cellule, comme le
          {{c1::macrophage}}.
      - kind: definition
        term: "**Séropositivité**"
        text: Présence dans le sang d'anticorps dirigés contre un antigène donné.
  - title: La vaccination
    blocks:
      - kind: note
        text: >
          Un vaccin contient un antigène **rendu inoffensif** qui déclenche
          une {{c1::réponse mémoire}}.
faq:
  - question: Pourquoi faut-il parfois un rappel de vaccin ?
    answer: >
      Parce que la mémoire immunitaire s'affaiblit avec le temps ; le rappel relance
      la production de lymphocytes mémoire.
  - question: Les antibiotiques sont-ils efficaces contre les virus ?
    answer: Non. Ils agissent sur les bactéries seulement.
  - question: Qu'est-ce qu'une maladie auto-immune ?
    answer: |
      Une maladie où le système immunitaire attaque les cellules de l'organisme
      lui-même, comme dans le diabète de type 1.

      On la soigne souvent avec des immunosuppresseurs.
  - question: Comment le VIH affaiblit-il les défenses ?
    answer: Il détruit les lymphocytes T auxiliaires, qui coordonnent la réponse immunitaire.
  - question: Citez deux barrières naturelles contre les microbes.
    answer: La peau et les muqueuses (avec leur mucus et leurs cils).
flashcards:
  - front: Les {{c1::immunosuppresseurs}} diminuent les défenses.
    back: Utilisés après une greffe.
"""
ANSWERS = ("Les anticorps sont", "lymphocytes", "macrophage", "Phagocytose", "Séropositivité",
           "immunosuppresseurs", "réponse mémoire", "bactéries seulement")  # fmt: skip

NOTE_MD = """\
---
title: Photosynthesis
lang: en
outputs: [answer-key]
---

## Light and leaves

Plants capture light with {{c1::chlorophyll}}, mostly in their leaves.

> [!definition] Stomata
> Small pores on a leaf through which gases pass.

## FAQ

### Why are leaves green?

Chlorophyll reflects green light.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("worksheet")
    (folder / "source").mkdir()
    (folder / "source" / "immunite.yaml").write_text(COURS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    yield folder / "build" / "immunite"


def _rules(path: Path, page: int) -> set[tuple[int, int, int]]:
    """(left, right, y) of every horizontal rule or border of a page, in whole points."""
    with pdfplumber.open(path) as pdf:
        shapes = pdf.pages[page].rects + pdf.pages[page].lines
        return {
            (round(s["x0"]), round(s["x1"]), round(s["bottom"]))
            for s in shapes
            if s["x1"] - s["x0"] > 20
        }


def _word(path: Path, page: int, text: str) -> Word:
    found = [w for w in words(path, page) if w.text.startswith(text)]
    assert found, f"{text} not on page {page + 1} of {path.name}"
    return found[0]


def test_the_source_chooses_its_outputs(built: Path) -> None:
    names = sorted(p.name for p in built.iterdir())
    assert names == ["answer-key.pdf", "handout.pdf", "worksheet.pdf"]


def test_answers_are_blank_in_the_worksheet_and_written_in_the_key(built: Path) -> None:
    worksheet = " ".join(page_texts(built / "worksheet.pdf"))
    key = " ".join(page_texts(built / "answer-key.pdf"))
    for answer in ANSWERS:
        assert answer not in worksheet, answer
        assert answer in key, answer
    for shared in ("Ingestion d’un micro-organisme par une cellule", "diminuent les défenses",
                   "(cellules)", "parfois un rappel de vaccin"):  # fmt: skip
        assert shared in worksheet and shared in key, shared


def test_each_answer_sits_on_a_line_the_worksheet_draws_too(built: Path) -> None:
    worksheet, key = built / "worksheet.pdf", built / "answer-key.pdf"
    ruled = _rules(worksheet, 0)
    assert ruled <= _rules(key, 0)  # the key: the same pages, plus its red stamp
    for answer in ("Phagocytose", "macrophage", "anticorps", "immunosuppresseurs"):
        word = _word(key, 0, answer)
        under = [
            (left, right, y) for left, right, y in ruled
            if left <= word.x0 and word.x1 <= right and 0 < y - word.bottom < 6
        ]  # fmt: skip
        assert under, f"no writing line under {answer} in the worksheet"
        left, right, y = under[0]
        inside = [w for w in words(worksheet, 0) if left <= w.x0 < right and y - 14 < w.top < y]
        assert not inside, inside


def test_questions_have_ruled_lines_to_answer_on(built: Path) -> None:
    path = built / "worksheet.pdf"
    question = _word(path, 0, "Pourquoi")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        width = page.width
        bottoms = sorted(
            r["bottom"] for r in page.rects
            if r["x1"] - r["x0"] > width * 0.6
            and question.bottom < r["bottom"] < question.bottom + 100
        )  # fmt: skip
    # A border is drawn as two rectangles, its outer and inner edges, less than 1 pt apart.
    lines = [b for i, b in enumerate(bottoms) if i == 0 or b - bottoms[i - 1] > 2]
    assert len(lines) >= 3  # a two-line answer gets three lines
    gaps = {round(b - a) for a, b in zip(lines, lines[1:], strict=False)}
    assert all(22 <= gap <= 26 for gap in gaps), gaps  # 8.5 mm apart, room for handwriting


def test_the_name_class_and_date_box(built: Path) -> None:
    path = built / "worksheet.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        across = [ln for ln in page.lines if ln["top"] == ln["bottom"]]
        down = [ln for ln in page.lines if ln["x0"] == ln["x1"]]
    for label in ("NOM", "CLASSE", "DATE"):
        word = _word(path, 0, label)
        assert any(ln["top"] < word.top and ln["x0"] <= word.x0 <= ln["x1"] for ln in across)
        below = [ln["top"] - word.bottom for ln in across
                 if ln["top"] > word.bottom and ln["x0"] <= word.x0 <= ln["x1"]]  # fmt: skip
        assert below and min(below) > 15, label  # room to write a name
        assert any(ln["x0"] < word.x0 and ln["top"] <= word.top <= ln["bottom"] for ln in down)


def test_french_labels_and_the_key_says_so_on_every_page(built: Path) -> None:
    worksheet = page_texts(built / "worksheet.pdf")
    key = page_texts(built / "answer-key.pdf")
    assert worksheet[0].startswith("FICHE D’EXERCICES")
    for label in ("Exercice 1 — Définitions", "Textes à trous", "Répondez à chaque question"):
        assert label in worksheet[0]
    assert len(key) == len(worksheet) >= 2
    for text in key:
        assert "corrigé" in text.lower()
    assert not any("corrigé" in text.lower() for text in worksheet)


def test_a_markdown_front_matter_chooses_too(project: MakeProject, runner: CliRunner) -> None:
    project({"source/leaf.md": NOTE_MD})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("build/leaf").iterdir()) == ["answer-key.pdf"]
    text = fold(" ".join(page_texts(Path("build/leaf/answer-key.pdf"))))
    for expected in ("ANSWER KEY", "NAME", "CLASS", "DATE", "Exercise 1 — Definitions",
                     "Stomata", "chlorophyll", "Why are leaves green?",
                     "Chlorophyll reflects green light."):  # fmt: skip
        assert expected in text, expected


def test_only_worksheet_and_the_project_setting(project: MakeProject, runner: CliRunner) -> None:
    plain_note = NOTE_MD.replace("outputs: [answer-key]\n", "")
    project({"source/leaf.md": plain_note})
    assert runner.invoke(app, ["build", "--only", "worksheet"]).exit_code == 0
    assert sorted(p.name for p in Path("build/leaf").iterdir()) == ["worksheet.pdf"]
    text = " ".join(page_texts(Path("build/leaf/worksheet.pdf")))
    assert "WORKSHEET" in text and "chlorophyll" not in text and "Stomata" not in text

    Path("studygen.toml").write_text('outputs = ["flashcards", "answer-key"]\nout = "dist"\n')
    assert runner.invoke(app, ["build"]).exit_code == 0
    assert sorted(p.name for p in Path("dist/leaf").iterdir()) == [
        "answer-key.pdf",
        "flashcards.pdf",
    ]
    # --only wins over the project, and a source's outputs: over the project's.
    assert runner.invoke(app, ["build", "--only", "handout", "-o", "only"]).exit_code == 0
    assert sorted(p.name for p in Path("only/leaf").iterdir()) == ["handout.pdf"]
    Path("source/leaf.md").write_text(NOTE_MD.replace("[answer-key]", "[worksheet]"))
    assert runner.invoke(app, ["build", "-o", "own"]).exit_code == 0
    assert sorted(p.name for p in Path("own/leaf").iterdir()) == ["worksheet.pdf"]


def test_by_default_no_worksheet(project: MakeProject, runner: CliRunner) -> None:
    project({"source/leaf.md": NOTE_MD.replace("outputs: [answer-key]\n", "")})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("build/leaf").iterdir()) == ["flashcards.pdf", "handout.pdf"]


def test_an_unknown_output_in_a_source(project: MakeProject, runner: CliRunner) -> None:
    project({"source/leaf.md": NOTE_MD.replace("[answer-key]", "[answer-key, poster]")})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert "source/leaf.md:4:" in result.output and '"poster" is not an output' in result.output
    assert "Traceback" not in result.output and not Path("build/leaf").exists()


def test_a_source_without_exercises_leaves_the_worksheet_out(
    project: MakeProject, runner: CliRunner
) -> None:
    project({"source/bare.md": "# Bare\n\n## Part\n\nJust text.\n"})
    result = runner.invoke(app, ["build", "--only", "worksheet", "--only", "handout"])
    assert result.exit_code == 0, result.output
    assert "no worksheet in this source, skipped" in result.output
    assert sorted(p.name for p in Path("build/bare").iterdir()) == ["handout.pdf"]
