"""Markdown study notes: the same data and positions as YAML, every problem with its line."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from studygen.model import Document
from studygen.sources.loader import load_source
from studygen.sources.markdown import parse_markdown
from studygen.sources.yaml_source import YamlResult

REPO = Path(__file__).resolve().parent.parent


def _parse(text: str, fallback: str = "notes") -> YamlResult:
    return parse_markdown(textwrap.dedent(text).lstrip("\n"), fallback)


def _ok(text: str) -> dict[str, Any]:
    """The data of a source that must have no problem."""
    result = _parse(text)
    assert result.problems == []
    assert isinstance(result.data, dict)
    return result.data


def _problems(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in _parse(text).problems]


def _blocks(body: str) -> list[dict[str, Any]]:
    """The blocks of the only section of a note whose section body is ``body``."""
    data = _ok("# T\n\n## S\n\n" + textwrap.dedent(body).lstrip("\n"))
    blocks: list[dict[str, Any]] = data["sections"][0]["blocks"]
    return blocks


def _cards(body: str) -> list[dict[str, Any]]:
    data = _ok("# T\n\n## S\n\nx\n\n## Flashcards\n\n" + textwrap.dedent(body).lstrip("\n"))
    cards: list[dict[str, Any]] = data["flashcards"]
    return cards


# --- title, introduction and sections -----------------------------------------------


def test_first_hash_heading_is_the_title_and_text_before_sections_the_intro() -> None:
    result = _parse(
        """
        # Photosynthèse

        Une introduction
        sur deux lignes.

        ## Phase claire

        Texte.
        """
    )
    assert result.data == {
        "title": "Photosynthèse",
        "intro": "Une introduction\nsur deux lignes.",
        "sections": [{"title": "Phase claire", "blocks": [{"kind": "text", "text": "Texte."}]}],
    }
    assert result.positions.of(("title",)) == (1, 3)
    assert result.positions.of(("intro",)) == (3, 1)
    assert result.positions.of(("sections", 0, "title")) == (6, 4)
    Document.model_validate(result.data)


def test_without_heading_title_the_file_name_is_the_title() -> None:
    data = _ok("Intro.\n\n## Partie\n\nTexte.\n")
    assert data["title"] == "notes"
    assert data["intro"] == "Intro."
    assert [s["title"] for s in data["sections"]] == ["Partie"]


def test_several_hash_headings_are_sections() -> None:
    data = _ok("# Un\n\nA.\n\n## Un bis\n\nB.\n\n# Deux\n\nC.\n")
    assert data["title"] == "notes"
    assert [s["title"] for s in data["sections"]] == ["Un", "Deux"]
    assert data["sections"][0]["blocks"] == [{"kind": "text", "text": "A.\n\n## Un bis\n\nB."}]


def test_notes_using_only_level_three_headings_get_sections() -> None:
    data = _ok(
        """
        ### Un

        A.

        #### Détail

        B.

        ### Deux

        C.
        """
    )
    assert [s["title"] for s in data["sections"]] == ["Un", "Deux"]
    assert data["sections"][0]["blocks"][0]["text"] == "A.\n\n#### Détail\n\nB."


def test_setext_headings_work() -> None:
    data = _ok("Titre\n=====\n\nIntro.\n\nPartie\n------\n\nTexte.\n")
    assert data["title"] == "Titre"
    assert data["sections"][0]["title"] == "Partie"


def test_section_without_content_has_no_blocks() -> None:
    assert _ok("# T\n\n## Vide\n\n## Pleine\n\nx\n")["sections"][0] == {
        "title": "Vide",
        "blocks": [],
    }


# --- front matter ---------------------------------------------------------------------


def test_front_matter_gives_the_fields_with_their_lines() -> None:
    result = _parse(
        """
        ---
        title: Cours
        lang: fr
        date: 2026-11-28
        authors: [A, B]
        ---

        ## Partie

        Texte.
        """
    )
    data = result.data
    assert data["title"] == "Cours" and data["lang"] == "fr"
    assert data["date"] == "2026-11-28"
    assert data["authors"] == ["A", "B"]
    assert [s["title"] for s in data["sections"]] == ["Partie"]
    assert result.positions.value_of(("lang",)) == (3, 7)
    assert result.positions.of(("authors", 1)) == (5, 14)


def test_front_matter_passes_unknown_keys_on_for_validation() -> None:
    data = _ok("---\ntitle: T\nautor: X\n---\n## S\n\nx\n")
    assert data["autor"] == "X"
    with pytest.raises(ValidationError, match="autor"):
        Document.model_validate(data)


def test_heading_repeating_the_front_matter_title_is_no_section() -> None:
    data = _ok("---\ntitle: Cours\n---\n# Cours\n\nIntro.\n\n## Partie\n\nx\n")
    assert data["title"] == "Cours" and data["intro"] == "Intro."
    assert [s["title"] for s in data["sections"]] == ["Partie"]


def test_heading_contradicting_the_front_matter_title_is_a_problem() -> None:
    assert _problems("---\ntitle: Cours\n---\n# Autre\n\n## Partie\n\nx\n") == [
        (
            4,
            "this heading differs from the title in the front matter (line 2) — keep one,"
            " or write `##` to make it a section",
        )
    ]


def test_front_matter_lists_come_before_those_of_the_body() -> None:
    result = _parse(
        """
        ---
        title: T
        sections:
          - title: Avant
            blocks: []
        flashcards:
          - front: f
            back: b
        ---
        ## Après

        x

        ## Fiches

        q::r
        """
    )
    data = result.data
    assert [s["title"] for s in data["sections"]] == ["Avant", "Après"]
    assert data["flashcards"] == [{"front": "f", "back": "b"}, {"front": "q", "back": "r"}]
    assert result.positions.of(("sections", 1, "title")) == (10, 4)
    assert result.positions.of(("flashcards", 1, "back")) == (16, 4)
    Document.model_validate(data)


def test_intro_written_twice_is_a_problem() -> None:
    assert _problems("---\nintro: Un\n---\nDeux\n\n## S\n\nx\n") == [
        (
            4,
            "the introduction is written twice: in the front matter (line 2) and before the"
            " first section — keep one",
        )
    ]


def test_front_matter_yaml_errors_point_at_the_markdown_lines() -> None:
    problems = _problems("---\ntitle: T\nauthors: [A\n---\n## S\n\nx\n")
    assert len(problems) == 1
    assert problems[0][0] == 3 and problems[0][1].startswith("YAML syntax error")
    assert problems[0][1].endswith("(while parsing a flow sequence started at line 3)")
    assert _problems("---\ntitle: T\ntitle: U\n---\n## S\n") == [
        (3, 'duplicate key "title" (first at line 2)')
    ]


def test_control_character_in_front_matter_is_a_problem() -> None:
    assert _problems("---\ntitle: a\x1fb\n---\n## S\n\nx\n") == [
        (2, "character U+001F is not allowed in YAML — remove it")
    ]


# --- blocks ---------------------------------------------------------------------------


def test_runs_of_content_between_callouts_are_text_blocks() -> None:
    blocks = _blocks(
        """
        Un paragraphe.

        - une liste
        - encore

        > [!note]
        > Remarque.

        Après.
        """
    )
    assert blocks == [
        {"kind": "text", "text": "Un paragraphe.\n\n- une liste\n- encore"},
        {"kind": "note", "text": "Remarque."},
        {"kind": "text", "text": "Après."},
    ]


def test_definition_callout_takes_its_term_from_the_marker_line() -> None:
    blocks = _blocks(
        """
        > [!definition] Photosynthèse
        > Synthèse de matière organique
        > grâce à la lumière.
        >
        > - une liste dans la définition
        >   sur deux lignes
        """
    )
    assert blocks == [
        {
            "kind": "definition",
            "term": "Photosynthèse",
            "text": "Synthèse de matière organique\ngrâce à la lumière.\n\n"
            "- une liste dans la définition\n  sur deux lignes",
        }
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("example", "example"),
        ("note", "note"),
        ("warning", "warning"),
        ("deepdive", "deepdive"),
        ("deep-dive", "deepdive"),
        ("aller-plus-loin", "deepdive"),
        ("details", "deepdive"),
        ("NOTE", "note"),
        ("Warning", "warning"),
        *((name, "note") for name in ("info", "tip", "hint", "important", "abstract")),
        *((name, "note") for name in ("summary", "tldr", "todo", "success", "check", "done")),
        *((name, "note") for name in ("quote", "cite", "question", "help", "faq")),
        *((name, "warning") for name in ("caution", "attention", "danger", "error")),
        *((name, "warning") for name in ("failure", "fail", "missing", "bug")),
        ("nimportequoi", "note"),
    ],
)
def test_callout_names_map_to_the_nearest_kind(name: str, kind: str) -> None:
    assert _blocks(f"> [!{name}] Titre\n> Corps.\n") == [
        {"kind": kind, "title": "Titre", "text": "Corps."}
    ]


@pytest.mark.parametrize("name", ["definition", "def", "DEF", "définition", "Définition"])
def test_definition_callout_names(name: str) -> None:
    assert _blocks(f"> [!{name}] Terme\n> Sens.\n")[0]["kind"] == "definition"


@pytest.mark.parametrize("sign", ["-", "+"])
def test_callout_fold_signs_are_accepted(sign: str) -> None:
    assert _blocks(f"> [!tip]{sign} Astuce\n> Corps.\n") == [
        {"kind": "note", "title": "Astuce", "text": "Corps."}
    ]


def test_callout_without_title_has_no_title_field() -> None:
    assert _blocks("> [!warning]\n> Attention.\n") == [{"kind": "warning", "text": "Attention."}]


def test_plain_blockquote_is_text() -> None:
    assert _blocks("> Une citation.\n> — Auteur\n") == [
        {"kind": "text", "text": "> Une citation.\n> — Auteur"}
    ]


def test_paragraph_holding_one_image_is_a_figure() -> None:
    blocks = _blocks(
        """
        ![Un schéma
        sur deux lignes](figures/schéma.svg "La légende")

        ![Sans légende](img/a.png)

        Voir ![icône](img/i.png) dans le texte.
        """
    )
    assert blocks == [
        {
            "kind": "image",
            "src": "figures/schéma.svg",
            "alt": "Un schéma sur deux lignes",
            "caption": "La légende",
        },
        {"kind": "image", "src": "img/a.png", "alt": "Sans légende"},
        {"kind": "text", "text": "Voir ![icône](img/i.png) dans le texte."},
    ]


def test_reference_image_is_a_figure() -> None:
    assert _blocks('![Schéma][s]\n\n[s]: figures/é.svg "Légende"\n') == [
        {"kind": "image", "src": "figures/é.svg", "alt": "Schéma", "caption": "Légende"}
    ]


def test_tables_and_inline_html_stay_as_written() -> None:
    body = (
        "| a | b |\n|---|:-:|\n| <b>x</b> | 2 |\n\n"
        "Du <span>HTML</span> en ligne.\n\n<div>\nbloc\n</div>"
    )
    assert _blocks(body) == [{"kind": "text", "text": body}]


def test_code_blocks_are_text_and_their_content_is_not_read() -> None:
    body = "```\n> [!note]\nQ: pas une fiche\n```"
    assert _blocks(body) == [{"kind": "text", "text": body}]


def test_cards_written_outside_the_flashcards_section_stay_text() -> None:
    data = _ok("# T\n\n## S\n\nQ: une question\nA: une réponse\n\nterme::sens\n")
    assert "flashcards" not in data
    assert data["sections"][0]["blocks"][0]["text"] == (
        "Q: une question\nA: une réponse\n\nterme::sens"
    )


# --- key points -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [
        "- **Terme** : Le texte.",
        "- **Terme**: Le texte.",
        "- **Terme** — Le texte.",
        "- **Terme** – Le texte.",
        "- **Terme :** Le texte.",
        "- Terme :: Le texte.",
        "* **Terme** : Le texte.",
        "1. **Terme** : Le texte.",
        "- **Terme**\u202f: Le texte.",
    ],
)
def test_key_point_variants(item: str) -> None:
    data = _ok(f"# T\n\n## S\n\nx\n\n## Points clés\n\n{item}\n")
    assert data["key_points"] == [{"term": "Terme", "text": "Le texte."}]


@pytest.mark.parametrize(
    "title",
    ["Key points", "Points-clés", "POINTS CLÉS", "Punti chiave", "Puntos clave", "Das Wichtigste"]
    + ["Wichtigste Punkte", "النقاط الرئيسية", "Key points:"],
)
def test_key_points_section_titles(title: str) -> None:
    data = _ok(f"# T\n\n## S\n\nx\n\n## {title}\n\n- **A** : b\n")
    assert data["key_points"] == [{"term": "A", "text": "b"}]
    assert len(data["sections"]) == 1


def test_key_point_continuation_lines_and_paragraphs_stay_in_its_text() -> None:
    result = _parse(
        """
        # T

        ## S

        x

        ## Key points

        - **Long** : un texte
          sur deux lignes.

          Un second paragraphe.
        - **Court** :
          à la ligne.
        """
    )
    assert result.data["key_points"] == [
        {"term": "Long", "text": "un texte\nsur deux lignes.\n\nUn second paragraphe."},
        {"term": "Court", "text": "à la ligne."},
    ]
    assert result.positions.of(("key_points", 0, "term")) == (9, 5)
    assert result.positions.of(("key_points", 0, "text")) == (9, 14)
    assert result.positions.of(("key_points", 1, "text")) == (14, 3)


def test_key_point_without_term_is_a_problem() -> None:
    problems = _problems("# T\n\n## S\n\nx\n\n## Points clés\n\n- **A** : b\n- pas de terme\n")
    assert problems == [(10, "key point without a term — write it as `- **Term** : explanation`")]


def test_key_points_section_holds_only_a_list() -> None:
    problems = _problems("# T\n\n## S\n\nx\n\n## Points clés\n\nUn paragraphe.\n\n- **A** : b\n")
    assert problems == [
        (9, "only a list of `- **Term** : text` items belongs in the key points section")
    ]


# --- flashcards -----------------------------------------------------------------------


def test_q_and_a_cards_with_multi_line_answers() -> None:
    assert _cards(
        """
        Q: Première question ?
        A: Une réponse
        sur deux lignes.

        Q: Deuxième ?
        A:
        - une liste
        - en réponse

        Un second paragraphe de réponse.
        Q: Troisième ?
        A: Courte.
        """
    ) == [
        {"front": "Première question ?", "back": "Une réponse\nsur deux lignes."},
        {
            "front": "Deuxième ?",
            "back": "- une liste\n- en réponse\n\nUn second paragraphe de réponse.",
        },
        {"front": "Troisième ?", "back": "Courte."},
    ]


def test_answer_after_a_blank_line_and_french_spacing() -> None:
    assert _cards("Q\u202f: Question ?\n\nA : Réponse.\n") == [
        {"front": "Question ?", "back": "Réponse."}
    ]


def test_double_colon_cards() -> None:
    assert _cards("Capitale de la France ?::Paris\nH2O:: eau\n") == [
        {"front": "Capitale de la France ?", "back": "Paris"},
        {"front": "H2O", "back": "eau"},
    ]


def test_triple_colon_gives_a_card_each_way() -> None:
    assert _cards("chien:::dog\n") == [
        {"front": "chien", "back": "dog"},
        {"front": "dog", "back": "chien"},
    ]


def test_double_colon_in_code_is_no_separator() -> None:
    assert _cards("Que contient `std::vector` ?::Des éléments contigus.\n") == [
        {"front": "Que contient `std::vector` ?", "back": "Des éléments contigus."}
    ]


def test_question_mark_line_separates_multi_line_cards() -> None:
    assert _cards(
        """
        Quelles sont les phases
        de la photosynthèse ?
        ?
        - la phase claire
        - la phase sombre

        Deux sens
        ??
        Deux directions
        """
    ) == [
        {
            "front": "Quelles sont les phases\nde la photosynthèse ?",
            "back": "- la phase claire\n- la phase sombre",
        },
        {"front": "Deux sens", "back": "Deux directions"},
        {"front": "Deux directions", "back": "Deux sens"},
    ]


def test_tags_lines_tag_the_cards_above() -> None:
    assert _cards(
        """
        Q: Un ?
        A: un
        Tags: définition, #bases

        deux:::two
        Tags: langues

        Trois ?
        ?
        trois
        Tags: x
        """
    ) == [
        {"front": "Un ?", "back": "un", "tags": ["définition", "bases"]},
        {"front": "deux", "back": "two", "tags": ["langues"]},
        {"front": "two", "back": "deux", "tags": ["langues"]},
        {"front": "Trois ?", "back": "trois", "tags": ["x"]},
    ]


def test_headings_of_a_flashcards_note_tag_its_cards() -> None:
    # The tag makes the note a card note: headings below the flashcards section tag cards.
    assert _cards("#flashcards\n\n### Chapitre 1\n\na::b\n\n### Chapitre 2\n\nc::d\n") == [
        {"front": "a", "back": "b", "tags": ["Chapitre 1"]},
        {"front": "c", "back": "d", "tags": ["Chapitre 2"]},
    ]


def test_headings_in_the_flashcards_section_of_an_untagged_note_are_ignored() -> None:
    assert _cards("### Chapitre 1\n\na::b\n\n### Chapitre 2\n\nc::d\n") == [
        {"front": "a", "back": "b"},
        {"front": "c", "back": "d"},
    ]


def test_mixed_conventions_end_a_q_and_a_answer() -> None:
    assert _cards("Q: q\nA: a\n\nx::y\n\nz\n?\nw\n") == [
        {"front": "q", "back": "a"},
        {"front": "x", "back": "y"},
        {"front": "z", "back": "w"},
    ]


@pytest.mark.parametrize(
    "title", ["Fiches", "Cartes", "Karteikarten", "Tarjetas", "Schede", "Flash cards", "بطاقات"]
)
def test_flashcards_section_titles(title: str) -> None:
    data = _ok(f"# T\n\n## S\n\nx\n\n## {title}\n\na::b\n")
    assert data["flashcards"] == [{"front": "a", "back": "b"}]


def test_card_positions_are_their_lines() -> None:
    result = _parse(
        """
        # T

        ## S

        x

        ## Fiches

        Q: question
        A: réponse
        Tags: t

        avant::après

        haut
        ?
        bas
        """
    )
    positions = result.positions
    assert positions.of(("flashcards", 0, "front")) == (9, 4)
    assert positions.of(("flashcards", 0, "back")) == (10, 4)
    assert positions.of(("flashcards", 0, "tags", 0)) == (11, 7)
    assert positions.of(("flashcards", 1, "back")) == (13, 8)
    assert positions.of(("flashcards", 2, "front")) == (15, 1)
    assert positions.of(("flashcards", 2, "back")) == (17, 1)


# --- FAQ ------------------------------------------------------------------------------


def test_faq_questions_are_headings_one_level_below() -> None:
    result = _parse(
        """
        # T

        ## S

        x

        ## FAQ

        ### Pourquoi ?

        Parce que.

        #### Détail

        Encore.

        ### Comment ?

        Ainsi.
        """
    )
    assert result.data["faq"] == [
        {"question": "Pourquoi ?", "answer": "Parce que.\n\n#### Détail\n\nEncore."},
        {"question": "Comment ?", "answer": "Ainsi."},
    ]
    assert result.positions.of(("faq", 1, "question")) == (17, 5)
    assert result.positions.of(("faq", 1, "answer")) == (19, 1)


@pytest.mark.parametrize(
    "title", ["Questions fréquentes", "Frequently asked questions", "Häufige Fragen", "faq"]
)
def test_faq_section_titles(title: str) -> None:
    data = _ok(f"# T\n\n## S\n\nx\n\n## {title}\n\n### Q ?\n\nR.\n")
    assert data["faq"] == [{"question": "Q ?", "answer": "R."}]


def test_text_before_the_first_faq_question_is_a_problem() -> None:
    assert _problems("# T\n\n## S\n\nx\n\n## FAQ\n\nAvant.\n\n### Q ?\n\nR.\n") == [
        (
            9,
            "text before the first question of the FAQ — start each question with a heading"
            " one level below the FAQ's (`### Question`), its answer below it",
        )
    ]


# --- problems and validation positions ------------------------------------------------


def test_every_problem_is_reported_with_its_line() -> None:
    text = """\
---
title: [T
---
## S

x

## Points clés

- pas de terme

## Fiches

Q: sans réponse
Q: suivie
A: d'une réponse

A: sans question

Q:
A: réponse sans question

::sans question

sans réponse::

Sans réponse
?

Du texte qui n'est pas une fiche.

## FAQ

Texte avant.

### Q ?

R.
"""
    problems = [(p.line, p.message.split(" — ")[0]) for p in parse_markdown(text, "x").problems]
    assert problems[0][0] == 2 and problems[0][1].startswith("YAML syntax error")
    assert problems[1:] == [
        (10, "key point without a term"),
        (14, "`Q:` without an answer"),
        (18, "`A:` without a question"),
        (20, "`Q:` with no question"),
        (23, "nothing before `::`"),
        (25, "nothing after `::`"),
        (28, "no answer below the `?` line"),
        (30, "text in the flashcards section that is not a card"),
        (34, "text before the first question of the FAQ"),
    ]


def test_definition_without_term_is_a_problem() -> None:
    assert _problems("# T\n\n## S\n\n> [!definition]\n> Sens.\n") == [
        (5, "a definition needs its term on the marker line: `> [!definition] Term`")
    ]


def test_tags_line_without_card_is_a_problem() -> None:
    assert _problems("# T\n\n## S\n\nx\n\n## Fiches\n\nTags: a\n") == [
        (9, "a `Tags:` line must come right after the card it tags")
    ]


def test_validation_errors_point_into_the_markdown() -> None:
    result = _parse("# T\n\n## S\n\n> [!note] Vide\n\n## FAQ\n\n### Sans réponse ?\n")
    with pytest.raises(ValidationError) as info:
        Document.model_validate(result.data)
    where = {
        tuple(p for p in err["loc"] if p not in ("note",)): err["msg"]
        for err in info.value.errors()
    }
    assert set(where) == {("sections", 0, "blocks", 0, "text"), ("faq", 0, "answer")}
    assert result.positions.value_of(("sections", 0, "blocks", 0, "text"))[0] == 5
    assert result.positions.value_of(("faq", 0, "answer"))[0] == 9


def test_no_section_leaves_sections_empty_for_validation() -> None:
    data = _ok("# Titre\n\nSeulement une introduction.\n")
    assert data == {"title": "Titre", "intro": "Seulement une introduction.", "sections": []}


def test_windows_line_endings_and_bom() -> None:
    data = parse_markdown("\ufeff# T\r\n\r\n## S\r\n\r\nx\r\ny\r\n", "n").data
    assert data["sections"][0]["blocks"] == [{"kind": "text", "text": "x\ny"}]


# --- the bundled example --------------------------------------------------------------


def _stripped(value: Any) -> Any:
    """A model as plain data, every string stripped (YAML block scalars end with a newline)."""
    if isinstance(value, BaseModel):
        return {
            "model": type(value).__name__,
            **{
                name: _stripped(getattr(value, name))
                for name in type(value).model_fields
                if name != "id"  # the ids loading derives, not the file's text
            },
        }
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    if isinstance(value, str):
        return value.strip()
    return value


def test_markdown_example_equals_the_yaml_example() -> None:
    markdown = parse_markdown(
        (REPO / "examples" / "immunomodulation.md").read_text(encoding="utf-8"), "immunomodulation"
    )
    assert markdown.problems == []
    # The figure lies next to the YAML example, not in examples/: validate the model
    # alone rather than through load.validate, which checks image files.
    from_markdown = _stripped(Document.model_validate(markdown.data))
    from_yaml = _stripped(load_source(REPO / "source" / "immunomodulation.yaml").doc)
    for name in Document.model_fields:
        assert from_markdown[name] == from_yaml[name], name
    assert len(from_markdown["flashcards"]) == 24
    assert all(card["tags"] for card in from_markdown["flashcards"])
