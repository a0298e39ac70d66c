"""Every malformed input a teacher or student can write: exact line, column and message."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_load import GOOD

from studygen.errors import SourceError
from studygen.sources.loader import load_source

BODY = "# T\n\n## S\n\nx\n\n"
IMAGE = "kind: image\n        src: {src}\n        alt: A"

# (description, file name, content, every problem expected as "line:col: message")
CASES: list[tuple[str, str, str | bytes, list[str]]] = [
    ("unclosed flow list", "s.yaml", GOOD.replace("back: 1945", "back: [1945"),
     ["11:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
      "(while parsing a flow sequence started at line 10)"]),
    ("bad indentation", "s.yaml", GOOD.replace("    blocks:", "   blocks:"),
     ["5:4: YAML syntax error: expected <block end>, but found '<block mapping start>' "
      "(while parsing a block collection started at line 4)"]),
    ("tab indentation", "s.yaml", GOOD.replace("    blocks:", "\tblocks:"),
     ["5:1: tab used for indentation — indent with spaces"]),
    ("duplicate key", "s.yaml", GOOD.replace("lang: fr\n", "lang: fr\nlang: en\n"),
     ['3:1: duplicate key "lang" (first at line 2)']),
    ("misspelt field", "s.yaml", GOOD.replace("sections:", "sectoins:"),
     ['1:1: missing required field "sections"',
      '3:1: unknown field "sectoins" — did you mean "sections"?']),
    ("missing title", "s.yaml", GOOD.replace("title: Cours\n", ""),
     ['1:1: missing required field "title"']),
    ("empty sections", "s.yaml", GOOD.split("sections:")[0] + "sections: []\n",
     ["3:11: a study file needs at least one section"]),
    ("text where a list goes", "s.yaml", GOOD.replace("lang: fr", "lang: fr\nauthors: Moi"),
     ['3:10: expected a list ("- item" lines or [a, b]), found the text "Moi"']),
    ("list where text goes", "s.yaml", GOOD.replace("back: 1945", "back: [a, b]"),
     ["10:11: expected text, found a list — quote it, or use `|` for multi-line text"]),
    ("mapping where text goes", "s.yaml", GOOD.replace("back: 1945", "back:\n      x: 1"),
     ["11:7: expected text, found a mapping (key: value lines) — quote it, or use `|` for "
      "multi-line text"]),
    ("blank text", "s.yaml", GOOD.replace("back: 1945", 'back: "  "'),
     ['10:11: empty text in "back"']),
    ("no value", "s.yaml", GOOD.replace("back: 1945", "back:"), ["10:5: empty text"]),
    ("unknown block kind", "s.yaml", GOOD.replace("kind: text", "kind: txet"),
     ['6:15: unknown block kind "txet" — valid kinds: text, definition, example, note, '
      "warning, deepdive, image"]),
    ("block without kind", "s.yaml",
     GOOD.replace("      - kind: text\n        text", "      - text"),
     ['6:9: block has no "kind" — valid kinds: text, definition, example, note, warning, '
      "deepdive, image"]),
    ("definition without term", "s.yaml", GOOD.replace("kind: text", "kind: definition"),
     ['6:9: missing required field "term"']),
    ("field of another kind", "s.yaml",
     GOOD.replace("text: Bonjour.", "text: Bonjour.\n        term: T"),
     ['7:9: unknown field "term" — allowed here: kind, text']),
    ("invalid language tag", "s.yaml", GOOD.replace("lang: fr", "lang: français!"),
     ['2:7: "français!" is not a language tag — use a BCP 47 tag such as fr, en, de-CH']),
    ("anchor", "s.yaml", GOOD.replace("title: Cours", "title: &t Cours"),
     ["1:8: YAML anchors (&name) are not allowed — write the text out"]),
    ("python tag", "s.yaml", GOOD.replace("title: Cours", "title: !!python/object:os.system x"),
     ['1:8: YAML tag "tag:yaml.org,2002:python/object:os.system" is not allowed']),
    ("a list, not fields", "s.yaml", "- a\n- b\n",
     ["1:1: expected fields such as `title:` and `sections:`, found a list"]),
    ("two documents", "s.yaml", GOOD + "---\ntitle: B\n",
     ["11:1: YAML syntax error: but found another document (expected a single document in "
      "the stream started at line 1)"]),
    ("control character", "s.yaml", GOOD.replace("Bonjour.", "Bon\x07jour"),
     ["7:18: character U+0007 is not allowed in YAML — remove it"]),
    ("lone surrogate escape", "s.yaml", GOOD.replace("Bonjour.", '"\\ud800"'),
     ["7:15: invalid \\u escape: a lone UTF-16 surrogate"]),
    ("image outside the project", "s.yaml",
     GOOD.replace("kind: text\n        text: Bonjour.", IMAGE.format(src="../x.png")),
     ['7:14: image "../x.png" lies outside the project folder']),
    ("image by absolute path", "s.yaml",
     GOOD.replace("kind: text\n        text: Bonjour.", IMAGE.format(src="/etc/hosts")),
     ['7:14: image "/etc/hosts" must be a path relative to the source file']),
    ("empty file", "s.yaml", b"  \n", ["1:1: the file is empty — start with a `title:` line"]),
    ("a PDF renamed", "s.yaml", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
     ["1:1: this is a PDF, not a study file in text form"]),
    ("not UTF-8", "s.yaml", b"title: Caf\xe9\n",
     ["1:11: not UTF-8: byte 0xE9 at offset 10 — save the file as UTF-8"]),
    ("Markdown: definition without term", "s.md", "# T\n\n## S\n\n> [!definition]\n> texte\n",
     ["5:3: a definition needs its term on the marker line: `> [!definition] Term`"]),
    ("Markdown: Q without A", "s.md", BODY + "## Flashcards\n\nQ: question ?\n",
     ["9:1: `Q:` without an answer — add an `A: answer` line after the question"]),
    ("Markdown: A without Q", "s.md", BODY + "## Flashcards\n\nA: réponse\n",
     ["9:1: `A:` without a question — put a `Q: question` line before it"]),
    ("Markdown: nothing after ::", "s.md", BODY + "## Flashcards\n\nquestion::\n",
     ["9:11: nothing after `::` — write the answer after `::`"]),
    ("Markdown: key point without term", "s.md", BODY + "## Key points\n\n- just text\n",
     ["9:3: key point without a term — write it as `- **Term** : explanation`"]),
    ("Markdown: text before the first FAQ question", "s.md",
     BODY + "## FAQ\n\nloose text\n\n### Q?\n\nA.\n",
     ["9:1: text before the first question of the FAQ — start each question with a heading "
      "one level below the FAQ's (`### Question`), its answer below it"]),
    ("Markdown: front matter syntax", "s.md", "---\ntitle: [a\n---\n\n## S\n\nx\n",
     ["2:10: YAML syntax error: expected ',' or ']', but got '<stream end>' "
      "(while parsing a flow sequence started at line 2)"]),
    ("Markdown: misspelt front matter field", "s.md",
     "---\ntitle: T\nsubtitel: x\n---\n\n## S\n\nx\n",
     ['3:1: unknown field "subtitel" — did you mean "subtitle"?']),
    ("Markdown: missing image", "s.md", "# T\n\n## S\n\n![alt](figures/none.png)\n",
     ['5:1: image "figures/none.png" not found (looked for {root}/figures/none.png)']),
    ("deck: one field", "d.txt", "a\tb\nseul\n",
     ["2:1: only one field — expected a front and a back separated by a tab"]),
    ("deck: empty back", "d.txt", "a\t\n", ["1:1: empty back"]),
    ("deck: unterminated quote", "d.csv", 'a,b\n"c,d\ne,f\n',
     ['2:1: unterminated quote: this field opens with " but never closes']),
    ("deck: unknown separator", "d.txt", "#separator:weird\na\tb\n",
     ['1:12: unknown separator "weird" — use tab, comma, semicolon, space, pipe, colon or a '
      "single character"]),
    ("deck: tags column beyond the columns", "d.txt", "#tags column:9\na\tb\n",
     ["1:14: tags column 9 is beyond the 2 columns"]),
    ("deck: empty", "d.csv", "\n\n", ["1:1: the file is empty"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_problem_is_reported_where_it_is(
    name: str, content: str | bytes, expected: list[str], tmp_path: Path
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_source(path)
    found = [str(p).removeprefix(f"{path}:") for p in info.value.problems]
    assert found == [e.format(root=tmp_path) for e in expected]


def test_the_table_is_long_enough() -> None:
    assert len(CASES) >= 30
