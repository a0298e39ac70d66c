"""Typography a reader sees: lines that fill, French inversions kept whole, cut guides drawn."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
from conftest import REPO, MakeProject
from typer.testing import CliRunner

from studygen.cli import app
from studygen.markup import NBHY, markdown

INTRO = (
    "  Notre système immunitaire doit trouver un juste milieu : assez actif pour éliminer les\n"
    "  microbes et les cellules anormales, mais assez retenu pour épargner nos propres\n"
    "  tissus. Lorsque cet équilibre se rompt, la médecine peut intervenir pour **régler\n"
    "  l'intensité de la réponse immunitaire**, dans un sens ou dans l'autre.\n"
)


def _lines(path: Path, page: int = 0) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return (pdf.pages[page].extract_text() or "").splitlines()


def test_a_line_before_bold_text_is_filled_with_the_fallback_fonts(
    project: MakeProject, runner: CliRunner
) -> None:
    """With DejaVu (Noto absent), a paragraph once kept one word alone on a line before bold."""
    text = "title: Immunité\nlang: fr\nintro: |\n" + INTRO
    text += "sections:\n  - title: Partie\n    blocks:\n      - kind: text\n        text: Suite.\n"
    folder = project({"source/s.yaml": text})
    theme = folder / "theme" / "common"
    theme.mkdir(parents=True)
    css = (REPO / "templates" / "common" / "base.css").read_text(encoding="utf-8")
    css = css.replace('"Noto Sans", ', "").replace('"Noto Serif", ', "")
    (theme / "base.css").write_text(css, encoding="utf-8")
    result = runner.invoke(app, ["build", "--only", "handout", "--templates", "theme"])
    assert result.exit_code == 0, result.output
    lines = _lines(folder / "build" / "s" / "handout.pdf")
    start = next(i for i, line in enumerate(lines) if line.startswith("Notre système"))
    paragraph = lines[start : next(i for i, line in enumerate(lines) if "autre." in line) + 1]
    assert len(paragraph) >= 3
    for line in paragraph[:-1]:
        assert len(line.split()) > 3, paragraph  # no line holds a single stranded word


def test_space_before_an_inline_element_moves_inside_it() -> None:
    html = str(markdown("intervenir pour **régler** et [lire](a.md) ou `code`", "fr"))
    assert "pour<strong> régler</strong>" in html
    assert 'et<a href="a.md"> lire</a>' in html
    assert "ou <code>code</code>" in html  # code keeps its own text


def test_french_inversions_are_never_broken_at_their_hyphen(
    project: MakeProject, runner: CliRunner
) -> None:
    questions = [
        "Comment les cellules dendritiques utilisent-elles les antigènes présentés",
        "Pourquoi la réponse immunitaire adaptative aide-t-elle la mémoire cellulaire",
        "Dans quelles conditions les lymphocytes régulateurs freinent-ils l'inflammation",
        "Que mesure-t-on quand les anticorps neutralisants apparaissent-ils dans le sang",
    ]
    cards = "".join(f"  - front: {q} ?\n    back: {q.lower()} ?\n" for q in questions * 3)
    folder = project(
        {
            "source/s.yaml": "title: Inversions\nlang: fr\nsections:\n  - title: P\n"
            "    blocks:\n      - kind: text\n        text: x\nflashcards:\n" + cards
        }
    )
    result = runner.invoke(app, ["build", "--only", "flashcards", "--cards", "a4-2x5"])
    assert result.exit_code == 0, result.output
    path = folder / "build" / "s" / "flashcards.pdf"
    with pdfplumber.open(path) as pdf:
        words = [w["text"] for page in pdf.pages for w in page.extract_words()]
    inversions = [w for w in words if NBHY in w]
    # each inversion printed whole on its line, never cut after a hyphen or before a pronoun
    assert len(inversions) >= 4 * 3 * 2, inversions
    for word in words:
        assert not word.endswith(("-", NBHY)) and not word.startswith(NBHY), word
    assert not any(re.fullmatch(r"t?-?(elles?|ils?|on)", w) for w in words)
    assert str(markdown("Aide-t-elle ? Dit-on. Peut-être. Jean-Louis.", "fr")).count(NBHY) == 3
    assert NBHY not in str(markdown("Does it help-out? He said-it.", "en"))


def test_corner_marks_on_an_edge_to_edge_layout_become_lines(
    project: MakeProject, runner: CliRunner
) -> None:
    folder = project({})
    shutil.copytree(REPO / "source", folder / "source")
    args = [
        "build",
        "source/immunomodulation.yaml",
        "--only",
        "flashcards",
        "--cut-marks",
        "corners",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "tiles the sheet edge to edge" in result.output and "lines" in result.output
    with pdfplumber.open(folder / "build" / "immunomodulation" / "flashcards.pdf") as pdf:
        front = pdf.pages[0]
        guides = [r for r in front.rects if min(r["width"], r["height"]) < 1.5]
        guides += list(front.lines)
    assert len(guides) >= 3  # one line between the columns, three between the four rows


def test_typography_skips_only_text_its_patterns_cannot_match() -> None:
    """Text without a pattern's sign is left unsearched; the result is what every pattern
    applied to every text gives."""
    import random

    from studygen import markup

    def unchecked(text: str, glued: bool) -> str:
        text = markup._ABBREVIATION_NUMBER.sub(lambda m: m.group(0).rstrip(" ") + "\u00a0", text)
        text = markup._NUMBER_UNIT.sub(r"\1" + markup.NNBSP + r"\2", text)
        text = markup._FR_SPACE_BEFORE.sub(markup.NNBSP + r"\1", text)
        text = markup._FR_GLUED_BEFORE.sub(markup.NNBSP + r"\1", text)
        text = markup._FR_GLUED_COLON.sub(markup.NNBSP + ":", text)
        if glued and text[:1] in (";", "!", "?"):
            text = markup.NNBSP + text
        text = markup._FR_OPEN_GUILLEMET.sub("«" + markup.NNBSP, text)
        text = markup._FR_CLOSE_GUILLEMET.sub(markup.NNBSP + "»", text)
        return markup._FR_INVERSION.sub(lambda m: NBHY + (f"t{NBHY}" if m.group(1) else ""), text)

    pieces = [*"ab tT-:;!?«»., 05\u00a0\u202f", "p. ", "fig. ", " mg", "-t-elle", "-on", "’", ")"]
    pieces += ["https://exemple.org/a?b=1", "www.exemple.fr", "mailto:a@b.fr", " : ", "%;"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        glued = rng.random() < 0.5
        fast = markup.no_break_inversions(markup.french_spacing(markup.no_break_pairs(text), glued))
        assert fast == unchecked(text, glued), text
        assert markup._addresses(text) == (markup._URL.split(text), markup._URL.findall(text))
