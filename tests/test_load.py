"""Reading sources: values kept as written, every problem reported with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygen.errors import SourceError
from studygen.model import CalloutBlock, DefinitionBlock
from studygen.sources.loader import load_source

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


# Malformed inputs, each with its exact position and message: see test_errors.py.


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


REPO = Path(__file__).resolve().parent.parent
TRICKY = [
    GOOD,
    "title: T\nsubtitle:\nsections: []\n",  # an empty value: its position is the next token
    "title: &t T\nsections: []\n",  # an anchor, which the C parser's nodes forget
    "title: a\x85b: c\n",  # a line break to YAML 1.1 only
    "title: R&D & co\nnotes: |\n  line\n\n  more\nn: [1, 'two', \"3\"]\nd: 2026-11-28\n",
    'title: "\\ud83d\\ude00 \\u00e9"\n',
    "title: x\r\nlang: fr\r\n",
]


@pytest.mark.parametrize(
    "text",
    [*TRICKY, *(p.read_text(encoding="utf-8") for p in sorted((REPO / "source").glob("*.yaml")))],
)
def test_the_c_parser_reads_as_the_pure_python_parser(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studygen.sources import yaml_source

    fast = yaml_source.parse_yaml(text)
    monkeypatch.setattr(yaml_source, "_fast", lambda _text: None)
    pure = yaml_source.parse_yaml(text)
    assert (fast.data, fast.positions, fast.problems) == (pure.data, pure.positions, pure.problems)
