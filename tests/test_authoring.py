"""Authoring: Markdown and deck sources end to end, flashcards_from, new, check, and fuzzing."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, REPO, MakeProject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import page_texts
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen.cli import app
from studygen.errors import SourceError
from studygen.sources.loader import load_source

ANKI = """\
#separator:tab
#html:true
#tags column:3
Capitale de la France ?\tParis\tgéo
Formule de l'eau ?\tH<sub>2</sub>O <img src="eau.png">\tchimie
Son du mot ?\t[sound:mot.mp3]Bonjour\tlangue
"""

# studygen new


@pytest.mark.parametrize(
    ("lang", "fmt"), [("fr", "yaml"), ("en", "md"), ("fr", "md"), ("de", "yaml")]
)
def test_new_writes_a_starter_that_builds(
    lang: str, fmt: str, project: MakeProject, runner: CliRunner
) -> None:
    root = project({})
    result = runner.invoke(app, ["new", "cours-1", "--lang", lang, "--format", fmt])
    assert result.exit_code == 0, result.output
    path = root / "source" / f"cours-1.{fmt}"
    assert f"wrote source/cours-1.{fmt}" in result.output
    text = path.read_text(encoding="utf-8")
    assert "#" in text.splitlines()[0] or text.startswith("---")
    built = runner.invoke(app, ["build", "--strict"])
    assert built.exit_code == 0, built.output
    for name in ("handout", "flashcards", "key-points"):
        assert (root / "build" / "cours-1" / f"{name}.pdf").is_file()
    assert load_source(path).doc.lang == lang
    if fmt == "yaml":
        assert (root / "schema" / "studygen.schema.json").is_file()


def test_new_never_overwrites(project: MakeProject, runner: CliRunner) -> None:
    root = project({"source/cours.md": "# Mine\n"})
    result = runner.invoke(app, ["new", "cours"])
    assert result.exit_code == 1
    assert "already exists — studygen never overwrites" in result.output
    assert (root / "source/cours.md").read_text() == "# Mine\n"
    assert not (root / "source/cours.yaml").exists()
    bad = runner.invoke(app, ["new", "../dehors"])
    assert bad.exit_code == 1 and "cannot be a file name" in bad.output
    assert not (root.parent / "dehors.yaml").exists()


# Markdown sources


def test_markdown_example_builds_like_the_yaml_one(project: MakeProject, runner: CliRunner) -> None:
    root = project({})
    shutil.copytree(REPO / "examples", root / "examples")  # as a clone has it, figure beside it
    result = runner.invoke(app, ["build", "--strict", "examples/immunomodulation.md"])
    assert result.exit_code == 0, result.output
    yaml_doc = load_source(EXAMPLES / "immunomodulation.yaml").doc
    pages = page_texts(root / "build/immunomodulation/handout.pdf")
    assert len(pages) >= 5
    outline = [o.title for o in PdfReader(root / "build/immunomodulation/handout.pdf").outline[1]
               if not isinstance(o, list)]  # fmt: skip
    assert len([t for t in outline if t]) >= len(yaml_doc.sections)
    cards = PdfReader(root / "build/immunomodulation/flashcards.pdf")
    assert len(cards.pages) == 6


def test_markdown_errors_point_into_the_markdown_file(
    project: MakeProject, runner: CliRunner
) -> None:
    text = (
        "---\ntitle: Cours\nlang: fr\nsectoins: 1\n---\n\n"
        "## Partie\n\nTexte.\n\n## Fiches\n\nQ: Sans réponse ?\n"
    )
    project({"source/cours.md": text})
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert 'source/cours.md:4:1: unknown field "sectoins"' in result.output
    assert "source/cours.md:13:" in result.output


# Decks


def test_an_anki_deck_builds_on_its_own(project: MakeProject, runner: CliRunner) -> None:
    root = project({"source/vocabulaire.txt": ANKI})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    # One note per deck: its author cannot add the media the export left out.
    assert result.output.count("note:") == 1 and "media" in result.output
    assert "warning:" not in result.output
    assert "no handout" in result.output
    text = " ".join(page_texts(root / "build/vocabulaire/flashcards.pdf"))
    for expected in ("Capitale de la France", "Paris", "H2O", "Bonjour"):
        assert expected in text
    points = " ".join(page_texts(root / "build/vocabulaire/key-points.pdf"))
    assert "Capitale de la France" in points and "Paris" in points
    # Neither --strict nor check fails on what the deck's author cannot change.
    strict = runner.invoke(app, ["build", "--strict", "-o", "strict"])
    assert strict.exit_code == 0 and "note:" in strict.output and "media" in strict.output
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 0 and "note: source/vocabulaire.txt:" in check.output


def test_flashcards_from_adds_a_deck_to_a_study_file(
    project: MakeProject, runner: CliRunner
) -> None:
    source = {
        "title": "Cours",
        "lang": "fr",
        "sections": [{"title": "Partie", "blocks": [{"kind": "text", "text": "Texte."}]}],
        "flashcards": [{"front": "Première ?", "back": "Oui."}],
        "flashcards_from": "decks/ch1.csv",
    }
    csv = 'front,back,tags\n"Deuxième, vraiment ?","Oui,\nsur deux lignes",a b\r\n'
    root = project({"source/cours.yaml": json.dumps(source), "source/decks/ch1.csv": csv})
    result = runner.invoke(app, ["build", "--only", "flashcards"])
    assert result.exit_code == 0, result.output
    doc = load_source(root / "source/cours.yaml").doc
    assert [c.front for c in doc.flashcards] == ["Première ?", "Deuxième, vraiment ?"]
    assert doc.flashcards[1].tags == ["a", "b"]
    assert len(PdfReader(root / "build/cours/flashcards.pdf").pages) == 2


@pytest.mark.parametrize(
    ("deck", "files", "message"),
    [
        ("../dehors.csv", {"dehors.csv": "a,b\n"}, 'deck "../dehors.csv" lies outside the project'),
        ("/etc/passwd", {}, 'deck "/etc/passwd" must be a path relative to the source file'),
        ("decks/absent.txt", {}, 'deck "decks/absent.txt" not found'),
        ("cours.yaml", {}, 'deck "cours.yaml" must be a .txt, .tsv, .csv file'),
    ],
)
def test_flashcards_from_is_confined_to_the_project(
    deck: str, files: dict[str, str], message: str, make_project: MakeProject,
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner,
) -> None:  # fmt: skip
    text = "title: Cours\nsections:\n  - title: Partie\nflashcards_from: " + json.dumps(deck) + "\n"
    root = make_project({"project/source/cours.yaml": text, **files})
    monkeypatch.chdir(root / "project")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert f"source/cours.yaml:4:18: {message}" in result.output
    assert not (root / "project" / "build").exists()


def test_errors_in_a_deck_point_at_the_deck(project: MakeProject, runner: CliRunner) -> None:
    text = "title: Cours\nsections:\n  - title: Partie\nflashcards_from: d.tsv\n"
    project({"source/cours.yaml": text, "source/d.tsv": "a\tb\nseule\n"})
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "source/d.tsv:2:" in result.output


# check


def test_check_is_quiet_on_success_and_verbose_on_request(
    project: MakeProject, runner: CliRunner
) -> None:
    project({"source/vocabulaire.txt": "Capitale de la France ?\tParis\n"})
    quiet = runner.invoke(app, ["check"])
    assert quiet.exit_code == 0 and quiet.output == ""
    loud = runner.invoke(app, ["check", "--verbose"])
    assert loud.exit_code == 0 and "ok source/vocabulaire.txt" in loud.output


# Arbitrary text never produces a traceback


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def _document(draw: Any) -> dict[str, Any]:
    block_kind = draw(st.sampled_from(["text", "definition", "note", "warning", "example"]))
    block: dict[str, Any] = {"kind": block_kind, "text": draw(TEXT)}
    if block_kind == "definition":
        block["term"] = draw(TEXT)
    elif block_kind != "text":
        block["title"] = draw(TEXT)
    return {
        "title": draw(TEXT),
        "subtitle": draw(TEXT),
        "lang": draw(st.sampled_from(["fr", "en", "de", "ar", draw(TEXT)])),
        "intro": draw(TEXT),
        "sections": [{"title": draw(TEXT), "blocks": [block]}],
        "key_points": [{"term": draw(TEXT), "text": draw(TEXT)}],
        "flashcards": [{"front": draw(TEXT), "back": draw(TEXT), "tags": [draw(TEXT)]}],
        "faq": [{"question": draw(TEXT), "answer": draw(TEXT)}],
    }


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_arbitrary_text_in_every_field_builds_or_fails_clearly(
    data: st.DataObject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _document(data.draw)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "source").mkdir(parents=True)
    (folder / "source" / "s.yaml").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(app, ["build"])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert len(list((folder / "build" / "s").glob("*.pdf"))) == 3
    else:
        assert not (folder / "build" / "s").exists()
        assert all(line.startswith(("source/s.yaml", "error", "failed", "warning", "  "))
                   for line in result.output.splitlines())  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400), suffix=st.sampled_from([".md", ".yaml", ".txt", ".csv"]))
def test_arbitrary_files_load_or_fail_with_positions(
    text: str, suffix: str, tmp_path: Path
) -> None:
    path = tmp_path / f"s{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_source(path)
    except SourceError as exc:
        assert all(p.path in (path,) or p.path.parent == tmp_path for p in exc.problems)
        assert all("\n" not in p.message for p in exc.problems)


def test_quizlet_separators_chosen_on_the_command_line_or_in_settings(
    project: MakeProject, runner: CliRunner
) -> None:
    deck = (REPO / "tests/data/decks/quizlet_custom.txt").read_text(encoding="utf-8")
    root = project({"source/deutsch.txt": deck})
    result = runner.invoke(
        app, ["build", "--only", "flashcards", "--separator", "-", "--card-separator", ";"]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(root / "build/deutsch/flashcards.pdf"))
    for word in ("der Hund", "the dog", "die Katze", "the house", "a building", "the tree"):
        assert word in text
    (root / "studygen.toml").write_text('separator = "dash"\ncard_separator = "semicolon"\n')
    assert runner.invoke(app, ["check"]).exit_code == 0
    (root / "studygen.toml").write_text('separator = ""\n')
    assert runner.invoke(app, ["check"]).exit_code == 2


def test_real_looking_decks_build(project: MakeProject, runner: CliRunner) -> None:
    files = {
        f"source/{p.name}": p.read_text(encoding="utf-8")
        for p in (REPO / "tests/data/decks").iterdir()
        if p.name != "quizlet_custom.txt"
    }
    root = project(files)
    result = runner.invoke(app, ["build", "--only", "flashcards"])
    assert result.exit_code == 0, result.output
    for name in files:
        assert (root / "build" / Path(name).stem / "flashcards.pdf").is_file(), name


def test_the_readme_markdown_example_builds(project: MakeProject, runner: CliRunner) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("````markdown\n", 1)[1].split("````", 1)[0]
    root = project({"source/exemple.md": example})
    shutil.copytree(EXAMPLES / "figures", root / "source" / "figures")
    result = runner.invoke(app, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    doc = load_source(root / "source/exemple.md").doc
    assert [s.title for s in doc.sections] == ["Comprendre l'immunomodulation"]
    kinds = [b.kind for b in doc.sections[0].blocks]
    assert kinds == ["text", "definition", "example", "image"]
    assert len(doc.key_points) == 1 and len(doc.faq) == 1
    assert [c.front for c in doc.flashcards][:2] == [
        "Qu'est-ce qu'un immunomodulateur ?",
        "Question sur une ligne",
    ]
    assert len(doc.flashcards) == 5  # Q/A, ::, ::: (two cards), and the ? card


def test_check_finds_what_only_laying_out_the_handout_reveals(
    project: MakeProject, runner: CliRunner
) -> None:
    broken = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect'
    text = (
        "# Cours\n\n## Partie\n\n![Un schéma](schema.svg)\n\nVoir ![](http://example.org/a.png).\n"
    )
    root = project({"source/cours.md": text, "source/schema.svg": broken})
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert 'source/cours.md:5:1: image "schema.svg" cannot be drawn' in result.output
    assert not (root / "build").exists()
    (root / "source/schema.svg").write_text(broken + "/></svg>")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "source/cours.md:7: refused to fetch a network address" in result.output


def test_a_card_from_a_deck_that_does_not_fit_is_reported_at_the_deck_line(
    project: MakeProject, runner: CliRunner
) -> None:
    text = "title: Cours\nsections:\n  - title: Partie\nflashcards_from: decks/d.tsv\n"
    deck = "Première ?\tOui.\nDeuxième ?\t" + "mot " * 600 + "\n"
    project({"source/cours.yaml": text, "source/decks/d.tsv": deck})
    result = runner.invoke(app, ["build", "--only", "flashcards"])
    assert result.exit_code == 0
    # The course is in French (found from its text): French spacing before "?".
    assert 'source/decks/d.tsv:2: card 2 ("Deuxième\u202f?") does not fit its card' in result.output


def test_obsidian_front_matter_builds_and_typos_are_still_caught(
    project: MakeProject, runner: CliRunner
) -> None:
    note = (
        "---\ntags: [biologie]\naliases: [Mitose]\ncreated: 2026-10-01\n---\n"
        "# La mitose\n\nUne division.\n\n## Les phases\n\n> [!tip] Astuce\n> Retenir PMAT.\n"
    )
    root = project({"source/note.md": note})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert (
        "source/note.md:2:1: front matter fields studygen does not use, ignored: "
        "tags, aliases, created" in result.output
    )
    doc = load_source(root / "source/note.md").doc
    assert doc.title == "La mitose" and doc.sections[0].blocks[0].kind == "note"
    (root / "source/note.md").write_text(note.replace("tags:", "titel: X\ntags:"))
    typo = runner.invoke(app, ["check"])
    assert typo.exit_code == 1
    assert 'source/note.md:2:1: unknown field "titel" — did you mean "title"?' in typo.output
