"""Reading sources: values kept as written, every problem reported with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygen.errors import SourceError
from studygen.load import load_source
from studygen.model import CalloutBlock, DefinitionBlock

GOOD = """\
title: Cours
lang: fr
sections:
  - title: Partie
    blocks:
      - kind: text
        text: Bonjour.
flashcards:
  - front: Année ?
    back: 1945
"""


def _load(tmp_path: Path, text: str, name: str = "s.yaml") -> object:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_source(path)


def _problems(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_source(path)
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def test_good_source_loads(tmp_path: Path) -> None:
    source = _load(tmp_path, GOOD)
    assert source.doc.title == "Cours"  # type: ignore[attr-defined]
    assert source.line_of("flashcards", 0, "back") == 10  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "written", ["1945", "1.10", "no", "012", "2026-11-28", "yes", "0x1F", "1e3", "~x"]
)
def test_scalars_stay_text_exactly_as_written(tmp_path: Path, written: str) -> None:
    source = _load(tmp_path, GOOD.replace("back: 1945", f"back: {written}"))
    assert source.doc.flashcards[0].back == written  # type: ignore[attr-defined]


def test_block_kinds_become_their_models(tmp_path: Path) -> None:
    text = GOOD.replace(
        "        text: Bonjour.\n",
        "        text: Bonjour.\n"
        "      - kind: definition\n        term: T\n        text: D\n"
        "      - kind: warning\n        text: W\n",
    )
    blocks = _load(tmp_path, text).doc.sections[0].blocks  # type: ignore[attr-defined]
    assert isinstance(blocks[1], DefinitionBlock)
    assert isinstance(blocks[2], CalloutBlock) and blocks[2].kind == "warning"


MALFORMED = [
    # (description, source text, expected "line:col: message" fragment)
    (
        "syntax: unclosed flow list",
        GOOD.replace("back: 1945", "back: [1945"),
        "11:1: YAML syntax error",
    ),
    ("syntax: bad indentation", GOOD.replace("    blocks:", "   blocks:"), "5:"),
    ("tab indentation", GOOD.replace("    blocks:", "\tblocks:"), "5:1: tab used for indentation"),
    (
        "duplicate key",
        GOOD.replace("lang: fr\n", "lang: fr\nlang: en\n"),
        '3:1: duplicate key "lang" (first at line 2)',
    ),
    (
        "unknown field with suggestion",
        GOOD.replace("sections:", "sectoins:"),
        'did you mean "sections"?',
    ),
    (
        "unknown field at its line",
        GOOD.replace("sections:", "sectoins:"),
        '3:1: unknown field "sectoins"',
    ),
    ("missing title", GOOD.replace("title: Cours\n", ""), 'missing required field "title"'),
    ("missing sections", GOOD.split("sections:")[0], 'missing required field "sections"'),
    (
        "empty sections",
        GOOD.split("sections:")[0] + "sections: []\n",
        "3:11: a study file needs at least one section",
    ),
    (
        "string where list goes",
        GOOD.replace("lang: fr", "lang: fr\nauthors: Moi"),
        "3:10: expected a list",
    ),
    (
        "list where text goes",
        GOOD.replace("back: 1945", "back: [a, b]"),
        "10:11: expected text, found a list",
    ),
    (
        "mapping where text goes",
        GOOD.replace("back: 1945", "back:\n      x: 1"),
        "expected text, found a mapping",
    ),
    ("empty text", GOOD.replace("back: 1945", 'back: "  "'), '10:11: empty text in "back"'),
    ("empty value", GOOD.replace("back: 1945", "back:"), "10:5: empty text"),
    (
        "unknown block kind",
        GOOD.replace("kind: text", "kind: txet"),
        '6:15: unknown block kind "txet" — valid kinds: text, definition',
    ),
    (
        "block without kind",
        GOOD.replace("      - kind: text\n        text", "      - text"),
        'block has no "kind"',
    ),
    (
        "definition without term",
        GOOD.replace("kind: text", "kind: definition"),
        '6:9: missing required field "term"',
    ),
    (
        "field of another kind",
        GOOD.replace("text: Bonjour.", "text: Bonjour.\n        term: T"),
        'unknown field "term"',
    ),
    (
        "invalid lang",
        GOOD.replace("lang: fr", "lang: français!"),
        '2:7: "français!" is not a language tag',
    ),
    ("anchor", GOOD.replace("title: Cours", "title: &t Cours"), "1:8: YAML anchors"),
    (
        "alias",
        GOOD.replace("back: 1945", "back: 1945\n  - front: &q Q\n    back: *q"),
        "YAML aliases",
    ),
    ("document is a list", "- a\n- b\n", "1:1: expected fields such as `title:`"),
    ("document is text", "hello\n", "1:1: expected fields such as `title:`"),
    ("python tag", GOOD.replace("title: Cours", "title: !!python/object:os.system x"), "YAML tag"),
    (
        "image missing",
        GOOD.replace(
            "kind: text\n        text: Bonjour.",
            "kind: image\n        src: fig/none.png\n        alt: A",
        ),
        '7:14: image "fig/none.png" not found',
    ),
    (
        "image outside",
        GOOD.replace(
            "kind: text\n        text: Bonjour.",
            "kind: image\n        src: ../x.png\n        alt: A",
        ),
        "lies outside the project folder",
    ),
    (
        "image absolute",
        GOOD.replace(
            "kind: text\n        text: Bonjour.",
            "kind: image\n        src: /etc/hosts\n        alt: A",
        ),
        "must be a path relative",
    ),
    ("two documents", GOOD + "---\ntitle: B\n", "YAML syntax error"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in MALFORMED], ids=[d for d, _, _ in MALFORMED]
)
def test_malformed_sources_report_position(tmp_path: Path, text: str, expected: str) -> None:
    problems = _problems(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("sections:", "sectoins:").replace("lang: fr", "lang: fr\nauthors: Moi")
    text += "flashcards2: []\n"
    problems = _problems(tmp_path, text)
    assert len(problems) >= 4, problems  # authors, sectoins, flashcards2, missing sections


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "1:1: the file is empty"),
        (b"   \n\n", "1:1: the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "this is a PDF"),
        (b"title: Caf\xe9\n", "1:11: not UTF-8: byte 0xE9 at offset 10"),
        (b"\x00\x01\x02binary", "binary file"),
    ],
)
def test_files_that_are_not_sources(tmp_path: Path, content: bytes, expected: str) -> None:
    assert any(expected in p for p in _problems(tmp_path, content)), _problems(tmp_path, content)


def test_unsupported_suffix(tmp_path: Path) -> None:
    assert any("unsupported file type" in p for p in _problems(tmp_path, GOOD, name="s.docx"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        load_source(tmp_path / "nope.yaml")
