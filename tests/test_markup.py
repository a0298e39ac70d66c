"""Markdown rendering and the typography of each language."""

from __future__ import annotations

import re

from studygen.markup import NBSP, NNBSP, markdown, markdown_inline, plain


def test_raw_html_is_reduced_to_a_safe_subset() -> None:
    html = markdown('<img src="x" onerror="alert(1)"> <b style="color: red">gras</b>', "en")
    assert "<img" not in html and "onerror" not in html and "style" not in html
    assert "<b>gras</b>" in html


def test_french_spacing_before_high_punctuation() -> None:
    html = markdown("Pourquoi ? Parce que : voilà ; bravo !", "fr")
    for mark in "?:;!":
        assert f"{NNBSP}{mark}" in html
        assert f" {mark}" not in html


def test_french_spacing_added_when_author_glued_punctuation() -> None:
    assert plain("Vraiment?", "fr") == f"Vraiment{NNBSP}?"
    assert plain("*Vraiment*?", "fr") == f"Vraiment{NNBSP}?"


def test_french_guillemets_and_apostrophe() -> None:
    assert (
        plain('« Bien » et "cité" c\'est', "fr")
        == f"«{NNBSP}Bien{NNBSP}» et «{NNBSP}cité{NNBSP}» c’est"
    )


def test_french_rules_leave_code_urls_and_times_alone() -> None:
    html = markdown("Voir `a : b`, http://exemple.org/a:b et 10:30.", "fr")
    assert "<code>a : b</code>" in html
    assert "http://exemple.org/a:b" in html
    assert "10:30" in html


def test_english_has_curly_quotes_and_no_space_before_question_mark() -> None:
    text = plain('He said "why?" and it\'s fine?', "en")
    assert text == "He said “why?” and it’s fine?"
    assert NNBSP not in text


def test_page_number_pairs_do_not_break() -> None:
    assert f"p.{NBSP}3" in plain("voir p. 3", "fr")
    assert f"10{NNBSP}mg" in plain("10 mg", "en")


def test_inline_markdown_has_no_paragraph() -> None:
    assert str(markdown_inline("*Terme*", "fr")) == "<em>Terme</em>"


def test_typography_leaves_addresses_alone() -> None:
    html = markdown("Voir https://exemple.org/page?a=1;b=2 et <https://x.org/q?r=1> ?", "fr")
    assert "https://exemple.org/page?a=1;b=2 et" in html
    assert ">https://x.org/q?r=1</a>" in html
    assert html.rstrip().endswith(f"</a>{NNBSP}?</p>")
    assert plain("Lien : www.exemple.fr/x?y.", "fr") == f"Lien{NNBSP}: www.exemple.fr/x?y."


def test_mathematics_is_typeset_and_never_retouched_by_typography() -> None:
    html = markdown("Soit $f(x): y?$ ! Mais 5$ et 6$ ?", "fr")
    assert html.count('<img class="formula"') == 1 and 'alt="f(x): y?"' in html
    assert f"6${NNBSP}?" in html and f">{NNBSP}!" in html
    block = markdown("$$\na < b\n$$", "fr")
    assert '<span class="formula-display"><img class="formula"' in block
    assert 'alt="a &lt; b"' in block


def test_content_headings_nest_under_the_section_without_skipping_levels() -> None:
    html = markdown("# Un\n\ntexte\n\n### Trois\n\n## Deux", "fr")
    assert [int(n) for n in re.findall(r"<h(\d)>", html)] == [3, 5, 4]
    assert markdown("###### Seul", "en").startswith("<h3>")
