"""The notes and decks people already keep, built through the CLI and read back from the PDFs.

Fixtures in tests/data/inputs/ are written the way students and teachers write them:
Obsidian card notes with schedule comments, Anki exports, CSV vocabulary lists with and
without header rows, a course with inline HTML, sources that declare no language.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen import pdf
from studygen.cli import app
from studygen.sources import fonts
from studygen.sources.loader import load_source
from studygen.sources.options import ReadOptions
from tests.conftest import MakeProject
from tests.pdfread import page_texts

DATA = Path(__file__).parent / "data" / "inputs"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose source/ folder holds every fixture."""
    shutil.copytree(DATA, tmp_path / "source")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["build", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def _text(path: Path) -> str:
    return " ".join(page_texts(path))


def _cards_in(path: Path) -> int:
    """Cards on a flashcards PDF, counted from the "n / total" each front prints."""
    text = _text(path)
    total = int(text.split(" / ", 1)[1].split()[0])
    return total


# --- 1. Obsidian spaced-repetition notes ---------------------------------------------------


def test_a_file_of_obsidian_cards_builds_like_a_deck(inputs: Path) -> None:
    code, output = _build("source/maths-flashcards.md", "-v")
    assert code == 0, output
    assert "no handout in this source" in output
    assert "maths-flashcards.md:16:1: 1 Obsidian embed" in output
    cards = inputs / "build/maths-flashcards/flashcards.pdf"
    # 5 cards written, two of them reversed (::: and ??): 7 cards.
    assert _cards_in(cards) == 7
    text = _text(cards)
    for gone in ("SR:", "<!--", "[[", "]]", "??", "parabole.png"):
        assert gone not in text
    assert "Forme canonique d’un trinôme" in text or "Forme canonique d'un trinôme" in text
    assert "Paraboles" in text and "réciproquement" in text
    assert "maths/analyse" in text  # the deck the tag names
    points = _text(inputs / "build/maths-flashcards/key-points.pdf")
    assert "Théorème de Pythagore" in points and "SR:" not in points


def test_obsidian_cards_under_headings_leave_the_notes_as_a_handout(inputs: Path) -> None:
    code, output = _build("source/cellule.md")
    assert code == 0, output
    handout = _text(inputs / "build/cellule/handout.pdf")
    assert "voir Mitochondrie et le noyau" in handout
    for gone in ("[[", "::", "SR:", "Membrane", "Division", "?"):
        assert gone not in handout, gone
    cards = inputs / "build/cellule/flashcards.pdf"
    assert _cards_in(cards) == 5  # Mitose ::: counts twice
    text = _text(cards)
    assert "svt" in text and "Organites" in text and "Membrane" in text
    assert "contrôle les échanges" in text and "SR:" not in text


def test_schedule_comments_in_a_flashcards_section_are_dropped(tmp_path: Path) -> None:
    note = tmp_path / "fiches.md"
    note.write_text(
        "# Révisions\n\n## Cours\n\nDu texte.\n\n## Fiches\n\n"
        "Capitale de la France::Paris <!--SR:!2025-10-15,845,305-->\n\n"
        "Plus grand océan\n?\nLe Pacifique\n<!--SR:!2025-10-15,845,305-->\n"
    )
    cards = load_source(note).doc.flashcards
    assert [(c.front, c.back) for c in cards] == [
        ("Capitale de la France", "Paris"),
        ("Plus grand océan", "Le Pacifique"),
    ]


# --- 2, 3. Anki exports --------------------------------------------------------------------


def test_cards_in_plain_text_print_the_answer_once(inputs: Path) -> None:
    code, output = _build("source/cards-in-plain-text.txt")
    assert code == 0, output
    text = _text(inputs / "build/cards-in-plain-text/flashcards.pdf")
    assert text.count("capitale de l’Australie") + text.count("capitale de l'Australie") == 1
    assert "Canberra" in text and "gazeux" in text and "font-family" not in text
    points = _text(inputs / "build/cards-in-plain-text/key-points.pdf")
    assert points.count("Australie") == 1 and "Canberra" in points


def test_named_columns_print_every_meaningful_field_labelled(inputs: Path) -> None:
    code, output = _build("source/hanzi.txt")
    assert code == 0, output
    text = _text(inputs / "build/hanzi/flashcards.pdf")
    for expected in ("你好", "nǐ hǎo", "hello", "thank you", "PINYIN", "ENGLISH", "BREAKDOWN"):
        assert expected in text, expected
    for hidden in ("example.org", "say it first", "Hint", "Link"):
        assert hidden not in text, hidden
    assert "HSK1" in text  # tags print as tags


def test_front_and_back_columns_can_be_chosen(inputs: Path) -> None:
    code, output = _build("source/hanzi.txt", "--front", "English", "--back", "Hanzi,2")
    assert code == 0, output
    text = _text(inputs / "build/hanzi/flashcards.pdf")
    assert "student" in text and "学生" in text and "xuésheng" in text and "你 (you)" not in text
    code, output = _build("source/hanzi.txt", "--back", "Meaning")
    assert code == 1
    assert 'no column is named "Meaning" — the columns are: Hanzi, Pinyin' in output


# --- 4. Picture cards ----------------------------------------------------------------------


def test_picture_cards_print_their_alt_text_or_their_pictures(inputs: Path) -> None:
    code, output = _build("source/animaux.txt")
    assert code == 0, output
    assert "note: source/animaux.txt:6:1: 3 media references" in output
    assert "1 card left with nothing to print on one side skipped" in output
    text = _text(inputs / "build/animaux/flashcards.pdf")
    assert "un chat noir assis" in text and "le chien" in text and "oiseau" not in text
    media = inputs / "collection.media"
    media.mkdir()
    for name in ("chat-noir.png", "chien.png", "oiseau.png"):
        Image.new("RGB", (40, 30), (200, 60, 60)).save(media / name)
    code, output = _build("source/animaux.txt", "--media", str(media), "-o", "with-media")
    assert code == 0, output
    plain = PdfReader(inputs / "build/animaux/flashcards.pdf")
    assert sum(len(page.images) for page in plain.pages) == 0
    pdf = PdfReader(inputs / "with-media/animaux/flashcards.pdf")
    assert sum(len(page.images) for page in pdf.pages) >= 3
    assert "oiseau" in _text(inputs / "with-media/animaux/flashcards.pdf")


def test_media_pictures_stay_inside_the_media_folder(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "secret.png")
    deck = tmp_path / "d.txt"
    deck.write_text('#html:true\n<img src="../secret.png" alt="gone">\tback\n')
    source = load_source(deck, options=ReadOptions(media=tmp_path / "media"))
    assert source.doc.flashcards[0].front == "gone"


# --- 5. Header rows ------------------------------------------------------------------------


def test_header_rows_name_columns_and_header_less_files_keep_their_first_card(
    inputs: Path,
) -> None:
    code, output = _build("source/deutsch.csv", "source/espagnol.csv", "source/italiano.tsv", "-v")
    assert code == 0, output
    german = _text(inputs / "build/deutsch/flashcards.pdf")
    assert "German" not in german and "French" not in german
    assert _cards_in(inputs / "build/deutsch/flashcards.pdf") == 5
    assert _cards_in(inputs / "build/espagnol/flashcards.pdf") == 10
    assert "perro" in _text(inputs / "build/espagnol/flashcards.pdf")
    assert "Italiano" not in _text(inputs / "build/italiano/flashcards.pdf")
    assert "deutsch.csv: cards in two languages: fronts de, backs fr" in output
    assert "espagnol.csv: cards in two languages: fronts es, backs fr" in output
    code, output = _build("source/deutsch.csv", "--no-header", "-o", "forced")
    assert code == 0 and _cards_in(inputs / "forced/deutsch/flashcards.pdf") == 6


# --- 6. Inline HTML ------------------------------------------------------------------------


def test_inline_html_renders_its_safe_subset(inputs: Path) -> None:
    code, output = _build("source/cours-html.md", "--only", "handout")
    assert code == 0, output
    pdf = inputs / "build/cours-html/handout.pdf"
    pages = page_texts(pdf)
    text = " ".join(pages)
    for tag in ("<p", "<b>", "<br", "<a ", "<table", "<td", "<div", "<script", "<mark", "</"):
        assert tag not in text, tag
    assert "Cours de 5" in text and "Collège Jean Moulin" in text
    assert "Fraction Décimal" in text and "0,25" in text
    assert "alert" not in text and "Texte rouge" in text
    # The page-break div starts Partie 2 on a new page.
    assert "Partie 2" not in pages[0] and "Partie 2" in pages[1]
    # 3. and 4. stay 3. and 4.
    assert "3. On réduit" in text and "4. On compare" in text


# --- 7. Languages --------------------------------------------------------------------------


def test_undeclared_languages_are_detected_and_can_be_chosen(inputs: Path) -> None:
    code, output = _build("source/cours-sans-langue.yaml", "-v", "--only", "handout")
    assert code == 0, output
    assert "cours-sans-langue.yaml: language: fr (detected from the text)" in output
    text = _text(inputs / "build/cours-sans-langue/handout.pdf")
    assert "DÉFINITION" in text.upper()  # French labels
    pdf = PdfReader(inputs / "build/cours-sans-langue/handout.pdf")
    assert pdf.trailer["/Root"].get("/Lang") == "fr"
    code, output = _build("source/cours-sans-langue.yaml", "-v", "--lang", "de", "-o", "de")
    assert code == 0 and "language: de (as chosen" in output
    german = _text(inputs / "de/cours-sans-langue/handout.pdf")
    assert "DEFINITION" in german and "DÉFINITION" not in german.upper()


def test_each_face_of_a_two_language_deck_is_marked_with_its_language(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = load_source(inputs / "source/espagnol.csv")
    assert (source.doc.lang, source.doc.front_lang, source.doc.back_lang) == ("fr", "es", "fr")
    pages: list[str] = []
    render_pdf = pdf.render_pdf

    def keep(html: str, *args: object, **kwargs: object) -> pdf.Rendered:
        pages.append(html)
        return render_pdf(html, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_pdf", keep)
    code, output = _build("source/espagnol.csv", "--only", "flashcards")
    assert code == 0, output
    html = pages[-1]
    assert '<html lang="fr"' in html
    # Spanish fronts are hyphenated and typeset as Spanish, the French backs as French.
    assert html.count('class="question" lang="es"') == 10
    assert 'class="answer" lang=' not in html


# --- 8. Characters no font can draw ---------------------------------------------------------


def test_characters_no_font_draws_are_reported_once_with_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("needs the DejaVu fonts")
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><dir>{dejavu}</dir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    fonts._coverage.cache_clear()
    try:
        source = load_source(DATA / "hanzi.txt")
    finally:
        fonts._coverage.cache_clear()
    messages = [str(w) for w in source.warnings]
    assert len(messages) == 1
    assert messages[0].startswith(f"{DATA / 'hanzi.txt'}:5:1: no installed font can draw 你好")
    assert "fonts-noto-cjk" in messages[0]


# --- 9, 10. Markdown details, check ----------------------------------------------------------


def test_a_misspelt_callout_kind_is_a_warning_and_check_keeps_notes_apart(
    inputs: Path,
) -> None:
    (inputs / "source/note.md").write_text(
        "# Cellule\n\n## Partie\n\n> [!defintion] Cellule\n> Unité du vivant.\n\n"
        "> [!example] Exemple\n> Texte.\n> > [!warning] Attention\n> > Imbriqué.\n"
    )
    result = CliRunner().invoke(app, ["check", "source/note.md"])
    assert result.exit_code == 1
    assert 'note.md:5:5: unknown callout kind "defintion" — did you mean "definition"?' in (
        result.output
    )
    result = CliRunner().invoke(app, ["check", "source/animaux.txt"])
    assert result.exit_code == 0, result.output
    assert "note: source/animaux.txt:6:1: 3 media references" in result.output
    code, output = _build("source/note.md", "--only", "handout")
    text = _text(inputs / "build/note/handout.pdf")
    assert "[!warning]" not in text and "ATTENTION" in text.upper() and "Imbriqué" in text


def test_characters_no_font_draws_are_one_warning_through_the_whole_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rare = "\U00016a70\U00016a71\U00011f04"  # Tangsa, Kawi: no font of these machines has them
    fonts._coverage.cache_clear()
    if fonts.missing_glyphs(rare) is None:
        pytest.skip("an installed font draws the rare characters this test relies on")
    deck = "front\tback\nmot\tword\n" + "".join(f"{c} lettre\tletter {c}\n" for c in rare)
    (tmp_path / "rare.txt").write_text(deck, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, output = _build("rare.txt")
    assert code == 0, output
    assert output.count("no installed font can draw") == 1, output
    assert "rare.txt:3:1: no installed font can draw" in output
    assert ".notdef" not in output  # WeasyPrint's one message per character is not repeated


def test_obsidian_properties_in_capitals_and_highlighted_paragraphs_as_clozes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = (
        "---\ntags:\n  - flashcards/chimie\nDate: Sat Sep 13 2026\nCreated: 2026-09-13\n---\n"
        "# Les acides\n\n## Rappels\n\n"
        "Un acide est une espèce capable de ==céder un proton==, une base de ==le capter==.\n\n"
        "## Fiches\n\n"
        "Qu'est-ce qu'un acide fort ?\n?\nUn acide qui se dissocie ==totalement== dans l'eau.\n"
        "<!--SR:!2026-09-24,5,180-->\n"
    )
    (tmp_path / "acides.md").write_text(note, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, output = _build("acides.md", "--only", "handout", "--only", "flashcards")
    assert code == 0, output
    # Another tool's properties, not typos: a note; the tags that mark the cards are read.
    assert (
        "note: acides.md:4:1: front matter fields studygen does not use, ignored: Date, " in output
    )
    handout = _text(tmp_path / "build" / "acides" / "handout.pdf")
    assert "céder un proton" in handout and "==" not in handout
    cards = tmp_path / "build" / "acides" / "flashcards.pdf"
    assert "==" not in _text(cards)
    # In a #flashcards note a paragraph with highlights is a cloze card per highlight, as
    # the spaced-repetition plugin makes it: the gap on the front, the answer on the back.
    assert _cards_in(cards) == 3
    fronts = " ".join(page_texts(cards)[:1])
    assert fronts.count("[…]") == 2 and "céder un proton" in fronts and "le capter" in fronts
    (tmp_path / "acides.md").write_text(note.replace("Date:", "dat:"), encoding="utf-8")
    code, output = _build("acides.md")
    assert code == 1 and 'unknown field "dat" — did you mean "date"?' in output


def test_cards_separated_by_rules_build_like_a_deck_without_stray_rules(inputs: Path) -> None:
    # A note of cards only, as vaults keep them: a tag line, `___` between the cards,
    # schedule comments. The rules separated cards, so nothing is left for a handout.
    code, output = _build("source/software-lifecycle.md", "-v")
    assert code == 0, output
    assert "no handout in this source" in output
    cards = inputs / "build/software-lifecycle/flashcards.pdf"
    assert _cards_in(cards) == 5  # the ?? card counts twice
    text = _text(cards)
    assert "software-engineering" in text and "feasibility study" in text
    assert "doing nothing" in text and "___" not in text and "SR:" not in text
    assert not (inputs / "build/software-lifecycle/handout.pdf").exists()


def test_rules_beside_cards_go_and_other_rules_and_headings_stay(tmp_path: Path) -> None:
    note = tmp_path / "pipeline.md"
    note.write_text(
        "# Pipelines\n\n#flashcards/cpu\n\n## Stages\n\nSome text about stages.\n\n"
        "What is a stage?\n?\nA step of the cycle.\n\n---\n\n"
        "Fetch::Read the instruction\n\n***\n\n"
        "## Hazards\n\nA first paragraph.\n\n- - -\n\nA second one, kept apart.\n\n"
        "Forwarding\n---\n\nStall::Wait a cycle\n"
    )
    doc = load_source(note).doc
    assert [(c.front, c.back) for c in doc.flashcards] == [
        ("What is a stage?", "A step of the cycle."),
        ("Fetch", "Read the instruction"),
        ("Stall", "Wait a cycle"),
    ]
    stages, hazards, forwarding = doc.sections
    assert [block.text for block in stages.blocks] == ["Some text about stages."]  # type: ignore[union-attr]
    # A rule between two paragraphs stays; "Forwarding" underlined with --- stays a heading.
    (hazard_text,) = hazards.blocks
    assert hazard_text.text.split("\n\n") == [  # type: ignore[union-attr]
        "A first paragraph.", "- - -", "A second one, kept apart.",
    ]  # fmt: skip
    assert forwarding.title == "Forwarding"


def test_a_note_keeps_its_chapters_when_cards_empty_one_of_them(inputs: Path) -> None:
    # Two `#` chapters make the file name the title; the second chapter held only cards.
    # Taking them out must not make the first chapter the title (the note then had no
    # section and was refused). The table's block id (^addition-table) is not printed.
    code, output = _build("source/binary-operations.md")
    assert code == 0, output
    handout = _text(inputs / "build/binary-operations/handout.pdf")
    assert handout.startswith("binary-operations")
    assert "1 Addition" in handout and "carry" in handout
    assert "^addition-table" not in handout and "Subtraction" not in handout
    assert _cards_in(inputs / "build/binary-operations/flashcards.pdf") == 3


def test_a_note_without_sections_prints_its_text_or_says_it_has_nothing(
    make_project: MakeProject,
) -> None:
    tmp_path = make_project({
        "source/boolean.md": "---\ntags: [flashcards]\n---\n\n# Boolean algebra\n\n"
        "Write NOT A as A with a bar over it. ^not-a\n\n"
        "What is A + 1?\n?\n1\n<!--SR:!2026-11-30,3,250-->\n\n---\n\n"
        "A . 0::0\n",
        "source/index.md": "#flashcards\n\n## [[Logic gates]]\n\n## [[Half adder]]\n",
    })  # fmt: skip
    source = tmp_path / "source"
    result = CliRunner().invoke(app, ["build", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "needs at least one section" not in result.output
    handout = _text(tmp_path / "out/boolean/handout.pdf")
    assert "Boolean algebra" in handout and "with a bar over it." in handout
    assert "^not-a" not in handout and "What is A + 1" not in handout
    assert _cards_in(tmp_path / "out/boolean/flashcards.pdf") == 2
    # A note of links to other notes has nothing to print: every output says so.
    for output in ("handout", "flashcards", "key points"):
        assert f"index.md: no {output} in this source, skipped" in result.output
    assert not (tmp_path / "out/index").exists()


def test_a_remote_picture_is_one_error_at_its_line(tmp_path: Path) -> None:
    note = tmp_path / "gates.md"
    note.write_text(
        "# Gates\n\n## AND\n\nBoth inputs high:\n![](https://i.imgur.com/lggQl3Y.png)\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["build", str(note), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "imgur" in line]
    assert len(lines) == 1 and "gates.md:6:" in lines[0], result.output
    assert "refused to fetch a network address" in lines[0]


def test_list_item_cards_and_rules_print_as_faces_not_as_markup(inputs: Path) -> None:
    # Cards written as list items (`- front =:: back`), a rule straight above a card's
    # front, and an embed alone in a list item: the faces print without bullet or rule,
    # and the handout without an empty bullet.
    doc = load_source(inputs / "source/complexes.md").doc
    assert [(card.front, card.back) for card in doc.flashcards] == [
        ("$i^2$ =", "$-1$"),
        ("Partie réelle de $z$ =", "$a$"),
        ("Partie imaginaire de $z$ =", "$b$"),
        ("$(a+bi)(a-bi)$ =", "$$a^{2}+b^{2}$$"),
        ("Module de $z$ =", "$\\sqrt{a^{2}+b^{2}}$"),
    ]
    (polar,) = doc.sections
    assert polar.blocks[0].text == "- Le conjugué en image :"  # type: ignore[union-attr]
    code, output = _build("source/complexes.md")
    assert code == 0, output
    # A card whose answer is an embed cannot print: it goes, rather than its question
    # printing in the handout.
    assert "2 Obsidian embeds" in output
    assert "complexes.md:22:1: 1 card whose answer is an embed left out" in output
    cards = _text(inputs / "build/complexes/flashcards.pdf")
    assert "Partie réelle de" in cards and "•" not in cards
    handout = _text(inputs / "build/complexes/handout.pdf")
    assert "conjugué en image" in handout and "Propriétés du conjugué" not in handout


def test_obsidian_properties_are_a_note_that_never_fails_check(
    make_project: MakeProject,
) -> None:
    # A repository of vault notes runs `studygen check` in CI: Obsidian's own properties
    # must not fail it, and the tag that marks the cards is read, not called ignored.
    tmp_path = make_project({
        "source/cells.md": "---\ntags:\n  - biology\n  - flashcards\naliases: [Cell]\n"
        "created: 2024-03-01\n---\n\n"
        "# Cells\n\n## Membrane\n\nIt lets some molecules through.\n\n"
        "What does the membrane do?::It controls what enters and leaves the cell.\n",
        "source/cards.md": "---\ntags: [flashcards/biology]\n---\n\n"
        "Mitosis::One cell divides into two.\n",
    })  # fmt: skip
    source = tmp_path / "source"
    result = CliRunner().invoke(app, ["check", str(source)])
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "ignored: aliases, created" in result.output
    assert "warning" not in result.output and "cards.md" not in result.output
    strict = CliRunner().invoke(app, ["build", str(source), "--strict", "-o", str(tmp_path / "o")])
    assert strict.exit_code == 0, strict.output
    assert _cards_in(tmp_path / "o/cells/flashcards.pdf") == 1


def test_a_picture_without_alt_text_prints_and_check_asks_for_words(
    make_project: MakeProject,
) -> None:
    picture = Path(__file__).parent.parent / "source/figures/equilibre.svg"
    tmp_path = make_project({
        "source/attachments/Immune balance.svg": picture.read_bytes(),
        "source/note.md": "# Immunity\n\n## Balance\n\nActivation against tolerance.\n\n"
        "![](<attachments/Immune balance.svg>)\n\n## Again\n\n"
        '![](<attachments/Immune balance.svg> "Two forces in balance")\n',
    })  # fmt: skip
    source = tmp_path / "source"
    doc = load_source(source / "note.md").doc
    alts = [
        block.alt for section in doc.sections for block in section.blocks if block.kind == "image"
    ]  # type: ignore[union-attr]
    assert alts == ["Immune balance", "Two forces in balance"]
    built = CliRunner().invoke(app, ["build", str(source), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert 'note.md:7:1: picture without alt text: "Immune balance" is read out' in built.output
    assert (tmp_path / "out/note/handout.pdf").exists()
    checked = CliRunner().invoke(app, ["check", str(source)])
    assert checked.exit_code == 1 and "say what it shows" in checked.output
