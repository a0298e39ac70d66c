"""Reading flashcard decks: Anki and Quizlet exports, CSV and TSV files as people keep them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studygen.errors import ConfigError
from studygen.markup import markdown
from studygen.sources.decks import DECK_SUFFIXES, Deck, DeckCard, read_deck

DATA = Path(__file__).parent / "data" / "decks"
NBSP = "\u00a0"


def _read(name: str, separator: str | None = None, card_separator: str | None = None) -> Deck:
    path = DATA / name
    return read_deck(path.read_text(encoding="utf-8"), path.suffix, separator, card_separator)


def _cards(deck: Deck) -> list[tuple[str, str, list[str], int]]:
    assert not deck.problems, deck.problems
    return [(card.front, card.back, card.tags, card.line) for card in deck.cards]


def _problems(deck: Deck) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.message) for p in deck.problems]


def _field(html: str) -> str:
    """The Markdown an Anki HTML field becomes."""
    deck = read_deck(f"#html:true\nfront\t{html}\n", ".txt")
    assert not deck.problems, deck.problems
    return deck.cards[0].back


# --- Anki plain-text exports ---------------------------------------------------------------


def test_anki_export_with_every_header_line() -> None:
    deck = _read("anki_biology.txt")
    assert deck.name == "Biologie::Cellule"
    assert _cards(deck) == [
        (
            "What is the **powerhouse** of the cell?",
            "The *mitochondrion*  \n(see ATP)",
            ["bio::cell", "exam"],
            7,
        ),
        (f"Formula{NBSP}of water", "H2O & 2 \\* 3 \\* 4 \\<tag\\>", ["chem"], 8),
        ("Pronounce *cellule*", "/sɛ.lyl/", ["fr"], 10),
        (
            "Steps of **mitosis**\n\n1. prophase\n2. metaphase",
            'Four "phases", in order',
            ["bio::cell"],
            11,
        ),
        ("Safe?", "Yes, see the guide", [], 13),
        (
            "The &#91;…&#93; holds the &#91;molecule&#93;",
            "The **nucleus** holds the **DNA**",
            ["bio::cell"],
            15,
        ),
    ]


def test_anki_media_make_one_note_for_the_whole_deck() -> None:
    # The author of a deck cannot add the media an export left out: a note, not a warning.
    deck = _read("anki_biology.txt")
    assert deck.warnings == [] and len(deck.notes) == 1
    warning = deck.notes[0]
    assert (warning.line, warning.col) == (9, 1)
    assert "4 media references (pictures, sounds) not printed" in warning.message
    assert "2 cards left with nothing to print on one side skipped" in warning.message
    for card in deck.cards:
        assert "sound:" not in card.front + card.back and "img" not in card.front + card.back


def test_anki_html_prints_as_written_once_rendered() -> None:
    deck = _read("anki_biology.txt")
    water = markdown(deck.cards[1].back, "en")
    assert "H2O &amp; 2 * 3 * 4 &lt;tag&gt;" in water
    assert "<em>" not in water
    safe = markdown(deck.cards[4].front + deck.cards[4].back, "en")
    assert "alert" not in safe and "color:red" not in safe and "example.org" not in safe
    steps = markdown(deck.cards[3].front, "en")
    assert "<ol>" in steps and "<li>prophase</li>" in steps


def test_anki_semicolon_export_without_html() -> None:
    deck = _read("anki_histoire.txt")
    assert deck.name == "Histoire de France"
    assert deck.warnings == []
    assert _cards(deck) == [
        ("Année de la prise de la Bastille ?", "1789", ["histoire", "révolution"], 6),
        (
            "Devise de la République ; en trois mots",
            "Liberté, égalité, fraternité",
            ["histoire"],
            7,
        ),
        ("Qui a écrit *Les Misérables* ?", "Victor Hugo", ["littérature"], 8),
        ("Que veut dire <br> en HTML ?", "un saut de ligne", ["html"], 9),
    ]


def test_txt_without_header_lines_is_tab_separated_plain_text() -> None:
    deck = read_deck("a,b\tc;d\n", ".txt")
    assert _cards(deck) == [("a,b", "c;d", [], 1)]


def test_html_is_recognised_without_an_html_header() -> None:
    deck = read_deck("<b>Bonjour</b>\tHello<br>Hi\nA &amp; B\tboth\n", ".txt")
    assert _cards(deck) == [("**Bonjour**", "Hello  \nHi", [], 1), ("A & B", "both", [], 2)]


def test_html_false_keeps_tags_and_entities_as_written() -> None:
    deck = read_deck("#html:false\n<b>x</b>\tA &amp; B\n", ".txt")
    assert _cards(deck) == [("<b>x</b>", "A &amp; B", [], 2)]


def test_every_separator_name_and_a_literal_character() -> None:
    for name, line in [
        ("tab", "q\ta"),
        ("comma", "q,a"),
        ("semicolon", "q;a"),
        ("space", "q a"),
        ("pipe", "q|a"),
        ("colon", "q:a"),
        ("Comma", "q,a"),
        ("^", "q^a"),
        ("\t", "q\ta"),
    ]:
        deck = read_deck(f"#separator:{name}\n{line}\n", ".txt")
        assert _cards(deck) == [("q", "a", [], 2)], name


def test_columns_header_names_the_tags_column() -> None:
    text = "#separator:tab\n#columns:Front\tBack\tTags\nq\ta\tx y::z\n"
    assert _cards(read_deck(text, ".txt")) == [("q", "a", ["x", "y::z"], 3)]


def test_columns_header_names_front_and_back_in_any_order() -> None:
    text = "#separator:comma\n#columns:Back,Front\nanswer,question\n"
    assert _cards(read_deck(text, ".txt")) == [("question", "answer", [], 3)]


def test_global_tags_header_applies_to_every_card() -> None:
    text = "#separator:tab\n#tags:imported bio\n#tags column:3\nq\ta\tbio cell\n"
    assert _cards(read_deck(text, ".txt")) == [("q", "a", ["imported", "bio", "cell"], 4)]


def test_deck_and_notetype_names_and_other_comment_lines() -> None:
    text = "#separator:tab\n#deck:Langues::Allemand\n#notetype:Basic\n# exported today\nq\ta\n"
    deck = read_deck(text, ".txt")
    assert deck.name == "Langues::Allemand"
    assert _cards(deck) == [("q", "a", [], 5)]


def test_deck_column_with_several_decks_gives_no_name() -> None:
    text = "#separator:tab\n#deck column:1\nA\tq\ta\nB\tq2\ta2\n"
    deck = read_deck(text, ".txt")
    assert deck.name is None
    assert [card.front for card in deck.cards] == ["q", "q2"]


def test_extra_note_fields_are_ignored() -> None:
    text = "#separator:tab\n#notetype column:1\nVocab\tHund\tdog\tDer Hund bellt.\n"
    assert _cards(read_deck(text, ".txt")) == [("Hund", "dog", [], 3)]


def test_quoted_anki_field_spanning_lines_starts_at_its_first_line() -> None:
    text = 'one\t1\n"two\nlines"\t"2, ""quoted"""\nthree\t3\n'
    assert _cards(read_deck(text, ".txt")) == [
        ("one", "1", [], 1),
        ("two\nlines", '2, "quoted"', [], 2),
        ("three", "3", [], 4),
    ]


def test_a_front_may_start_with_a_hash() -> None:
    deck = read_deck("#1 cause\theart disease\n", ".txt")
    assert _cards(deck) == [("#1 cause", "heart disease", [], 1)]
    deck = read_deck("#separator:comma\n# exported today\n#hashtag,mot-dièse\n", ".txt")
    assert _cards(deck) == [("#hashtag", "mot-dièse", [], 3)]


def test_anki_cloze_with_back_extra() -> None:
    text = "#separator:tab\nParis is the {{c1::capital}} of France\tSince 508\n"
    assert _cards(read_deck(text, ".txt")) == [
        (
            "Paris is the &#91;…&#93; of France",
            "Paris is the **capital** of France\n\nSince 508",
            [],
            2,
        )
    ]


# --- HTML in Anki fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b>bold</b> and <strong>strong</strong>", "**bold** and **strong**"),
        ("<i>it</i> and <em>em</em>", "*it* and *em*"),
        ("<u>under</u>lined", "underlined"),
        ("one<br>two<br/>three", "one  \ntwo  \nthree"),
        ("Line 1<div>Line 2</div><div><br></div><div>Line 4</div>", "Line 1  \nLine 2\n\nLine 4"),
        ("<p>first</p><p>second</p>", "first\n\nsecond"),
        ("<ul><li>a</li><li>b</li></ul>after", "- a\n- b\n\nafter"),
        ("<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol>", "1. a\n2. b\n   - c"),
        ("H<sub>2</sub>O, E = mc<sup>2</sup>", "H2O, E = mc2"),
        ("<code>a*b</code> or <code>x `y`</code>", "`a*b` or `` x `y` ``"),
        ("a&nbsp;b &lt;i&gt; &amp; &quot;q&quot;", f"a{NBSP}b \\<i\\> & " + '"q"'),
        ('<span style="color:red">red</span> <font color="blue">blue</font>', "red blue"),
        ('<a href="https://example.org">the text</a>', "the text"),
        ("before<script>alert(1)</script><style>p {}</style>after", "beforeafter"),
        ("<b>bold <i>both</i> </b>plain", "**bold *both*** plain"),
        ("<b>one<div>two</div></b>", "**one**  \n**two**"),
        ("<h2>Title</h2>text", "**Title**\n\ntext"),
        ("<s>old</s> new", "~~old~~ new"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("x <![if !supportLists]>y<![endif]>", "x y"),
    ],
)
def test_html_becomes_markdown(html: str, expected: str) -> None:
    assert _field(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("2 * 3 * 4", "2 \\* 3 \\* 4"),
        ("snake_case", "snake\\_case"),
        ("[link](x)", "&#91;link&#93;(x)"),
        ("# not a title", "\\# not a title"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("&lt;http://x.org&gt;", "\\<http://x.org\\>"),
        ("back\\slash `tick`", "back\\\\slash \\`tick\\`"),
        ("$5 or $x$", "\\$5 or \\$x\\$"),
        ("&amp;copy;", "\\&copy;"),
    ],
)
def test_text_from_html_is_escaped(html: str, expected: str) -> None:
    escaped = _field(html)
    assert escaped == expected
    rendered = markdown(escaped, "en")
    assert "<a " not in rendered and "<h" not in rendered and "<li>" not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered


def test_escaped_text_renders_as_written() -> None:
    rendered = markdown(_field("2 * 3 * 4 &lt;b&gt; # [x] _y_"), "en")
    assert "2 * 3 * 4 &lt;b&gt; # [x] _y_" in rendered


# --- Quizlet exports ------------------------------------------------------------------------


def test_quizlet_export_tab_and_new_line() -> None:
    assert _cards(_read("quizlet.txt")) == [
        ("photosynthesis", "the process by which plants make food from light", [], 1),
        ("mitochondrion", "the powerhouse of the cell", [], 2),
        ("2 * 3", "6", [], 3),
    ]


def test_quizlet_export_with_custom_separators() -> None:
    assert _cards(_read("quizlet_custom.txt", "-", ";")) == [
        ("der Hund", "the dog", [], 1),
        ("die Katze", "the cat", [], 1),
        ("das Haus", "the house,\na building", [], 2),
        ("der Baum", "the tree", [], 3),
    ]


def test_quizlet_term_and_definition_on_lines_cards_apart() -> None:
    text = "term one\ndefinition one\n\n\nterm two\ndefinition\non two lines\n"
    assert _cards(read_deck(text, ".txt", "\n", "\n\n")) == [
        ("term one", "definition one", [], 1),
        ("term two", "definition\non two lines", [], 5),
    ]


def test_quizlet_separator_string_with_default_card_separator() -> None:
    text = "chien - dog\nchat - cat\n"
    assert _cards(read_deck(text, ".txt", " - ")) == [
        ("chien", "dog", [], 1),
        ("chat", "cat", [], 2),
    ]


def test_quizlet_card_without_separator_is_a_problem() -> None:
    deck = read_deck("a-b;c;d-e", ".txt", "-", ";")
    assert [card.front for card in deck.cards] == ["a", "d"]
    assert _problems(deck) == [
        (1, 1, 'only one field — expected a front and a back separated by "-"')
    ]


def test_line_separator_defaults_to_cards_a_blank_line_apart() -> None:
    deck = read_deck("chien\ndog\n\nchat\ncat\n", ".txt", "\n")
    assert _cards(deck) == [("chien", "dog", [], 1), ("chat", "cat", [], 4)]


def test_empty_separator_arguments_are_refused() -> None:
    with pytest.raises(ConfigError, match="empty"):  # the user chose them: a usage error
        read_deck("a\tb", ".txt", "")
    with pytest.raises(ConfigError, match="differ"):
        read_deck("a\tb", ".txt", ";", ";")


# --- CSV and TSV --------------------------------------------------------------------------


def test_csv_comma_header_quotes_new_line_and_crlf() -> None:
    assert _cards(_read("english.csv")) == [
        ("Capital of France, the country", "Paris", ["geo", "europe"], 2),
        ("What is 2 + 2?", "Four\n(written 4)", ["math"], 3),
        ('He said "hi"', "a greeting", ["lang", "speech"], 6),
    ]


def test_csv_semicolon_from_french_excel_without_header() -> None:
    assert _cards(_read("francais_excel.csv")) == [
        ("Capitale de l'Italie ?", "Rome", [], 1),
        ("Valeur approchée de pi", "3,14", [], 2),
        ("Deux-points ; point-virgule", "ponctuation", [], 3),
    ]


def test_tsv_with_french_header() -> None:
    deck = _read("cellule.tsv")
    assert _cards(deck) == [
        ("Qu'est-ce qu'une cellule ?", "L'unité de base du vivant", ["bio", "cellule"], 2),
        ("Combien de chromosomes chez l'humain ?", "46", ["bio", "génétique"], 3),
    ]
    assert deck.name is None and deck.warnings == []


@pytest.mark.parametrize(
    "header",
    [
        "Tags;Answer;Question",
        "Schlagwörter;Rückseite;Vorderseite",
        "étiquettes;Verso;Recto",
        "Etiquetas;Respuesta;Pregunta",
        "Etichette;Risposta;Domanda",
        "TAGS;Antwort;Frage",
        "tags;Definition;Term",
        "Tags;Définition;Terme",
    ],
)
def test_csv_header_columns_in_any_order(header: str) -> None:
    deck = read_deck(f"{header}\nx y;the answer;the question\n", ".csv")
    assert _cards(deck) == [("the question", "the answer", ["x", "y"], 2)]


def test_csv_header_with_unknown_extra_column_and_deck_column() -> None:
    text = "Source,Question,Answer,Deck\nbook,q1,a1,Chemistry\nweb,q2,a2,Chemistry\n"
    deck = read_deck(text, ".csv")
    assert deck.name == "Chemistry"
    assert _cards(deck) == [("q1", "a1", [], 2), ("q2", "a2", [], 3)]


def test_csv_without_header_keeps_the_first_row() -> None:
    text = "Paris,France\nRome,Italy\n"
    assert _cards(read_deck(text, ".csv")) == [("Paris", "France", [], 1), ("Rome", "Italy", [], 2)]


def test_csv_spaces_blank_lines_trailing_column_and_bom() -> None:
    text = "\ufeffFront , Back,\n\n  q1 ,  a1  ,\n\n\n q2,a2,\n"
    assert _cards(read_deck(text, ".csv")) == [("q1", "a1", [], 3), ("q2", "a2", [], 6)]


def test_csv_tab_delimiter_is_detected() -> None:
    text = 'q1\t"a1, with a comma"\nq2\ta2; b2\n'
    assert _cards(read_deck(text, ".csv")) == [
        ("q1", "a1, with a comma", [], 1),
        ("q2", "a2; b2", [], 2),
    ]


def test_csv_fields_are_markdown_as_written() -> None:
    deck = read_deck("Front,Back\n*Emphasis*,`code` and 2 * 3\n", ".csv")
    assert _cards(deck) == [("*Emphasis*", "`code` and 2 * 3", [], 2)]


def test_csv_media_references_are_dropped_with_one_note() -> None:
    text = 'q1,a1 [sound:a.mp3]\nq2,"<img src=""x.png"">"\nq3,[sound:b.mp3] a3\n'
    deck = read_deck(text, ".csv")
    assert _cards(deck) == [("q1", "a1", [], 1), ("q3", "a3", [], 3)]
    assert [(w.line, w.col) for w in deck.notes] == [(1, 1)]
    assert "3 media references (pictures, sounds) not printed" in deck.notes[0].message
    assert "1 card left with nothing to print on one side skipped" in deck.notes[0].message


def test_csv_delimiter_can_be_forced() -> None:
    assert _cards(read_deck("a;b,c\n", ".csv", ",")) == [("a;b", "c", [], 1)]


def test_anki_header_lines_in_a_csv_file() -> None:
    text = "#separator:comma\n#html:true\nq,<b>a</b>\n"
    assert _cards(read_deck(text, ".csv")) == [("q", "**a**", [], 3)]


# --- Problems: every one, with its line -----------------------------------------------------


def test_record_with_one_field() -> None:
    deck = read_deck("a\tb\nc\td\ne\tf\nf\tg\ng\th\nh\ti\njust a term\n", ".txt")
    assert len(deck.cards) == 6
    assert _problems(deck) == [
        (7, 1, "only one field — expected a front and a back separated by a tab")
    ]


def test_record_with_one_field_in_a_csv() -> None:
    deck = read_deck("q1;a1\nq2;a2\nlonely\n", ".csv")
    assert _problems(deck) == [
        (3, 1, "only one field — expected a front and a back separated by a semicolon")
    ]


def test_anki_record_with_only_meta_columns_and_one_field() -> None:
    text = "#separator:tab\n#guid column:1\n#deck column:2\nabc\tDeck\tfront only\n"
    deck = read_deck(text, ".txt")
    assert _problems(deck) == [
        (4, 1, "only one field — expected a front and a back separated by a tab")
    ]


def test_empty_front_and_empty_back_with_their_lines() -> None:
    deck = read_deck("q\ta\n\tanswer\nquestion\t  \n", ".txt")
    assert _problems(deck) == [(2, 1, "empty front"), (3, 1, "empty back")]


def test_field_emptied_by_html_is_a_problem_not_media() -> None:
    deck = read_deck("#html:true\nq\t<div><br></div>\n", ".txt")
    assert _problems(deck) == [(2, 1, "empty back")]
    assert deck.warnings == []


def test_field_emptied_by_guessed_html_says_how_to_keep_it() -> None:
    deck = read_deck("<br>\tthe line break tag\n", ".txt")
    assert _problems(deck) == [
        (
            1,
            1,
            "empty front once read as HTML — a first line #html:false keeps the text as written",
        )
    ]
    deck = read_deck("#html:false\n<br>\tthe line break tag\n", ".txt")
    assert _cards(deck) == [("<br>", "the line break tag", [], 2)]


def test_unterminated_quote_reports_where_it_opens() -> None:
    deck = read_deck('a\tb\nc\t"d\ne\tf\ng\th\n', ".txt")
    assert [card.front for card in deck.cards] == ["a"]
    assert _problems(deck) == [
        (2, 3, 'unterminated quote: this field opens with " but never closes')
    ]


def test_unterminated_quote_after_a_multi_line_field_and_headers() -> None:
    text = '#separator:comma\n"x\ny",1\n"p\nq",  "r ""s""\nt\n'
    deck = read_deck(text, ".txt")
    assert [card.front for card in deck.cards] == ["x\ny"]
    assert _problems(deck) == [
        (5, 6, 'unterminated quote: this field opens with " but never closes')
    ]


def test_unknown_separator() -> None:
    deck = read_deck("#separator:hash\na#b\n", ".txt")
    assert deck.cards == []
    assert _problems(deck) == [
        (
            1,
            12,
            'unknown separator "hash" — use tab, comma, semicolon, space, pipe, colon '
            "or a single character",
        )
    ]


def test_tags_column_beyond_the_columns() -> None:
    deck = read_deck("#separator:tab\n#tags column:5\nq\ta\tt\n", ".txt")
    assert _problems(deck) == [(2, 14, "tags column 5 is beyond the 3 columns")]


def test_bad_header_values() -> None:
    deck = read_deck("#html:maybe\n#tags column:two\nq\ta\n", ".txt")
    assert _problems(deck) == [
        (1, 7, '"#html:" must be true or false, not "maybe"'),
        (2, 14, '"#tags column:" needs a column number (1 for the first), not "two"'),
    ]


@pytest.mark.parametrize("suffix", DECK_SUFFIXES)
@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "#separator:tab\n#html:true\n"])
def test_empty_deck_is_one_problem_at_line_1(text: str, suffix: str) -> None:
    deck = read_deck(text, suffix)
    assert deck.cards == []
    assert [(p.line, p.col) for p in deck.problems] == [(1, 1)]
    assert deck.problems[0].message.startswith("no flashcards found")


def test_deck_of_media_only_cards_is_empty() -> None:
    deck = read_deck("[sound:a.mp3]\tthe sound\n", ".txt")
    assert len(deck.notes) == 1
    assert _problems(deck) == [
        (
            1,
            1,
            "the card has nothing to print: the export does not include its media (pictures, "
            "sounds), and no picture has alt text — give the folder of the pictures with "
            "--media (Anki's collection.media)",
        )
    ]


def test_every_problem_is_reported() -> None:
    text = "Front,Back\nq1,a1\n,a2\nq3\nq4,\nq5,a5\n"
    deck = read_deck(text, ".csv")
    assert [card.line for card in deck.cards] == [2, 6]
    assert [(line, message.split(" —")[0]) for line, _, message in _problems(deck)] == [
        (3, "empty front"),
        (4, "only one field"),
        (5, "empty back"),
    ]


# --- Whatever the text, a Deck comes back ---------------------------------------------------

_DECKISH = st.text(
    alphabet=st.sampled_from(list('abc \t\n\r,;:"#<>/&*[]{}\\`|$-=.1') + ["\u00a0", "é", "\ufeff"])
    | st.characters(),
    max_size=300,
)
_HEADER = st.sampled_from(
    [
        "",
        "#separator:tab\n",
        "#separator:comma\n#html:true\n",
        "#html:true\n#tags column:3\n",
        "#separator:;\n#columns:Front;Back;Tags\n#deck column:4\n",
        "#guid column:1\n#notetype column:2\n",
        "Front,Back,Tags\n",
    ]
)
_HTMLISH = st.lists(
    st.sampled_from(
        ["<b>", "</b>", "<i>", "<br>", "<div>", "</div>", "<ul>", "<li>", "</ol>", "<code>",
         "</code>", "<script>", "</script>", "<img src=x>", "[sound:a.mp3]", "&nbsp;", "&lt;",
         "<![x[", "{{c1::", "::", "}}", "\t", "\n", '"', "a", " ", "*", "1.", "-"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


def _check(deck: Deck) -> None:
    assert isinstance(deck, Deck)
    for card in deck.cards:
        assert isinstance(card, DeckCard)
        assert card.front.strip() and card.back.strip()
        assert all(tag.strip() for tag in card.tags)
        assert card.line >= 1
    assert deck.cards or deck.problems
    assert len(deck.warnings) <= 1
    for problem in deck.problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message


@settings(max_examples=300, deadline=None)
@given(
    header=_HEADER,
    body=_DECKISH | _HTMLISH,
    suffix=st.sampled_from(DECK_SUFFIXES),
)
def test_any_text_gives_a_deck(header: str, body: str, suffix: str) -> None:
    _check(read_deck(header + body, suffix))


@settings(max_examples=100, deadline=None)
@given(
    body=_DECKISH,
    separator=st.sampled_from([None, "-", " - ", ",", "\n", "::"]),
    card_separator=st.sampled_from([None, ";", "\n\n", "\n", "|"]),
)
def test_any_text_with_custom_separators_gives_a_deck(
    body: str, separator: str | None, card_separator: str | None
) -> None:
    if separator == card_separator:
        return
    _check(read_deck(body, ".txt", separator, card_separator))
