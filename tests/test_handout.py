"""The handout as a reader holds it: navigation, language, figures, and PDF quality."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pyphen
import pytest
from conftest import EXAMPLES, MakeProject
from pdfcheck import font_problems, fonts, pdfa_problems, ua_problems
from pdfread import PT_PER_MM, page_texts, words
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen.cli import app
from studygen.i18n import LABELS
from studygen.markup import plain
from studygen.sources.loader import load_source

FRENCH = EXAMPLES / "immunomodulation.yaml"
ENGLISH = EXAMPLES / "photosynthesis.yaml"


def source(**fields: Any) -> str:
    """A source file's text; JSON is YAML, and keeps generated content free of quoting traps."""
    document = {"title": "Document", "lang": "fr", **fields}
    return json.dumps(document, ensure_ascii=False, indent=1)


def section(title: str, *texts: str, **extra: Any) -> dict[str, Any]:
    """A section of text blocks."""
    return {"title": title, "blocks": [{"kind": "text", "text": t} for t in texts], **extra}


def build(runner: CliRunner, *args: str) -> Any:
    """``studygen build`` through the command line."""
    return runner.invoke(app, ["build", "--only", "handout", *args])


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    reader = PdfReader(path)
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


# Structure and navigation


def test_outline_titles_are_the_section_titles(built_a4: Path) -> None:
    doc = load_source(FRENCH).doc
    marks = outline(built_a4 / "immunomodulation" / "handout.pdf")
    assert marks[0][:2] == (1, "Immunomodulation")
    second = [title for level, title, _ in marks if level == 2]
    expected = [plain(s.title, "fr") for s in doc.sections]
    assert second == [*expected, "Questions fréquentes", "Points clés"]
    questions = [title for level, title, _ in marks if level == 3]
    assert questions == [plain(entry.question, "fr") for entry in doc.faq]
    texts = PdfReader(built_a4 / "immunomodulation" / "handout.pdf").pages
    for level, title, page in marks:
        if level == 2:  # the bookmark leads to the page where the heading is printed
            assert title in texts[page].extract_text(), title


def test_table_of_contents_gives_the_right_pages_and_links(built_a4: Path) -> None:
    path = built_a4 / "immunomodulation" / "handout.pdf"
    pages = {title: page + 1 for level, title, page in outline(path) if level == 2}
    reader = PdfReader(path)
    first = reader.pages[0].extract_text()
    assert "Sommaire" in first
    for title, page in pages.items():
        line = next(ln for ln in first.splitlines() if ln.startswith(title[:25]) or title in ln)
        assert re.search(rf"\. {page}$", line.strip()), (title, line)
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    internal = [a for a in links if "/Dest" in a or a.get("/A", {}).get("/S") == "/GoTo"]
    assert len(internal) >= len(pages)


def test_toc_is_automatic_from_three_sections_and_can_be_forced(
    project: MakeProject, runner: CliRunner
) -> None:
    two = source(sections=[section("Un", "Texte."), section("Deux", "Texte.")])
    three = source(sections=[section(n, "Texte.") for n in ("Un", "Deux", "Trois")])
    root = project({"source/two.yaml": two, "source/three.yaml": three})
    assert build(runner).exit_code == 0
    first = {s: page_texts(root / "build" / s / "handout.pdf")[0] for s in ("two", "three")}
    assert "Sommaire" not in first["two"] and "Sommaire" in first["three"]
    assert build(runner, "--no-toc", "source/three.yaml").exit_code == 0
    assert "Sommaire" not in page_texts(root / "build" / "three" / "handout.pdf")[0]
    assert build(runner, "--toc", "source/two.yaml").exit_code == 0
    assert "Sommaire" in page_texts(root / "build" / "two" / "handout.pdf")[0]


def test_running_header_and_footer_on_every_page(built_a4: Path) -> None:
    path = built_a4 / "immunomodulation" / "handout.pdf"
    count = len(PdfReader(path).pages)
    height = 841.89
    for index in range(count):
        page_words = words(path, index)
        header = " ".join(w.text for w in page_words if w.bottom < 22 * PT_PER_MM)
        footer = " ".join(w.text for w in page_words if w.top > height - 20 * PT_PER_MM)
        assert footer == f"{index + 1} / {count}"
        if index == 0:
            assert header == ""  # the title block is the first page's header
        else:
            assert header.startswith("Immunomodulation")


def long_text(seed: int, sentences: int) -> str:
    """Plain French-looking prose of a given length, different for every seed."""
    words_ = ["immunité", "réponse", "cellule", "anticorps", "tissu", "équilibre", "défense"]
    out = []
    for n in range(sentences):
        chosen = [words_[(seed * 7 + n * 3 + k) % len(words_)] for k in range(12)]
        out.append(" ".join(chosen).capitalize() + ".")
    return " ".join(out)


def test_callouts_stay_whole_and_headings_never_end_a_page(
    project: MakeProject, runner: CliRunner
) -> None:
    sections = []
    for n in range(14):
        blocks = [{"kind": "text", "text": long_text(n, 4 + n % 5)}]
        blocks.append(
            {"kind": "note", "text": f"Débutnote{n} {long_text(n + 1, 3 + n % 4)} Finnote{n}"}
        )
        sections.append({"title": f"Chapitre{n}", "blocks": blocks})
    root = project({"source/long.yaml": source(sections=sections)})
    assert build(runner).exit_code == 0
    path = root / "build" / "long" / "handout.pdf"
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 5, "the test needs page breaks to mean anything"
        where: dict[str, int] = {}
        for index, page in enumerate(pdf.pages):
            body = [w for w in page.extract_words() if 20 * PT_PER_MM < w["top"] < 270 * PT_PER_MM]
            for word in body:
                where.setdefault(word["text"], index)
            lowest = max(w["bottom"] for w in body)
            for word in body:
                if word["text"].startswith("Chapitre"):
                    assert word["bottom"] < lowest - 20, f"{word['text']} ends page {index + 1}"
    for n in range(14):
        assert where[f"Débutnote{n}"] == where[f"Finnote{n}"], f"note {n} split"


# Language and typography


def test_every_language_has_every_label() -> None:
    for lang, table in LABELS.items():
        assert table.keys() == LABELS["en"].keys(), lang
        assert all(value.strip() for value in table.values()), lang


def test_unknown_language_warns_with_its_line_and_falls_back_to_english(
    project: MakeProject, runner: CliRunner
) -> None:
    text = source(lang="sw", sections=[section("Utangulizi", "Maandishi.")], faq=[
        {"question": "Swali?", "answer": "Jibu."}
    ])  # fmt: skip
    root = project({"source/sw.yaml": text})
    result = build(runner)
    assert result.exit_code == 0
    assert 'source/sw.yaml:3:10: no labels for language "sw": English labels used' in result.output
    assert "Frequently asked questions" in " ".join(page_texts(root / "build/sw/handout.pdf"))
    strict = build(runner, "--strict", "--out", "strict")
    assert strict.exit_code == 1 and not (root / "strict").exists()


def test_french_faq_questions_get_a_narrow_space_and_english_ones_do_not(built_a4: Path) -> None:
    for stem, lang in (("immunomodulation", "fr"), ("photosynthesis", "en")):
        doc = load_source(EXAMPLES / f"{stem}.yaml").doc
        pages = PdfReader(built_a4 / stem / "handout.pdf").pages
        text = "".join(p.extract_text() for p in pages).replace("\u2010\n", "")
        for entry in doc.faq:
            ending = plain(entry.question, lang).rstrip(" ?\u202f")[-12:]
            printed = re.search(re.escape(ending) + r"(\s?)\?", text.replace("\n", " "))
            assert printed, entry.question
            assert printed.group(1) == ("\u202f" if lang == "fr" else ""), entry.question


HYPHENATION = {
    "fr": "Les immunomodulateurs thérapeutiques transforment considérablement "
    "l’accompagnement des hypersensibilités médicamenteuses chroniques. ",
    "fr-FR": "Les immunosuppresseurs administrés quotidiennement diminuent "
    "progressivement l’inflammation des articulations douloureuses. ",
    "de": "Immunmodulatorische Behandlungsmöglichkeiten verändern Krankheitsverläufe "
    "chronischer Autoimmunerkrankungen grundlegend. ",
}


@pytest.mark.parametrize("lang", sorted(HYPHENATION))
def test_text_is_hyphenated_at_the_break_points_of_its_language(
    lang: str, project: MakeProject, runner: CliRunner
) -> None:
    # A narrow column (a two-column table) makes line ends, and so hyphens, frequent.
    paragraph = HYPHENATION[lang] * 3
    table = f"| {paragraph} | {paragraph} |\n|---|---|\n| {paragraph} | {paragraph} |\n"
    text = source(lang=lang, sections=[section("Un", paragraph * 2, table)])
    root = project({"source/h.yaml": text})
    assert build(runner).exit_code == 0
    raw = PdfReader(root / "build/h/handout.pdf").pages[0].extract_text()
    breaks = re.findall(r"(\w+)\u2010\n(\w+)", raw)
    assert len(breaks) >= 3, "too few words hyphenated at line ends"
    dictionary = pyphen.Pyphen(lang=lang.replace("-", "_"))
    for head, tail in breaks:
        word = head + tail
        assert len(head) in dictionary.positions(word.lower()), (head, tail)


RTL = {
    "ar": ("المناعة", "مقدمة", "جهاز المناعة يحمي الجسم من الميكروبات.", "ما هي المناعة؟"),
    "he": ("חסינות", "מבוא", "מערכת החיסון מגינה על הגוף מפני חיידקים.", "מהי חסינות?"),
}


@pytest.mark.parametrize("lang", sorted(RTL))
def test_right_to_left_languages_are_laid_out_from_the_right(
    lang: str, project: MakeProject, runner: CliRunner
) -> None:
    title, heading, body, question = RTL[lang]
    text = source(
        title=title,
        lang=lang,
        sections=[section(heading, body)],
        faq=[{"question": question, "answer": body}],
    )
    root = project({f"source/{lang}.yaml": text})
    result = build(runner)
    assert result.exit_code == 0 and "warning" not in result.output
    path = root / f"build/{lang}/handout.pdf"
    assert PdfReader(path).trailer["/Root"]["/Lang"] == lang
    right_margin = 595.28 - 22 * PT_PER_MM
    page_words = words(path, 0)
    title = next(w for w in page_words if w.top < 60 * PT_PER_MM and w.x1 > 300)
    assert title.x1 == pytest.approx(right_margin, abs=2)
    assert LABELS[lang]["faq"] in PdfReader(path).pages[0].extract_text()


def test_science_letters_print_in_an_embedded_font(project: MakeProject, runner: CliRunner) -> None:
    letters = "α β γ δ μ λ Ω — Straße, Größe, niño, ¿qué?, ça, œuvre"
    root = project({"source/g.yaml": source(lang="de", sections=[section("Zeichen", letters)])})
    assert build(runner).exit_code == 0
    path = root / "build/g/handout.pdf"
    assert all(part in PdfReader(path).pages[0].extract_text() for part in letters.split())
    assert not font_problems(PdfReader(path))
    names = {name for name, _ in fonts(PdfReader(path))}
    assert names and all(re.match(r"/[A-Z]{6}\+(Noto|DejaVu)", n) for n in names), names


# Images and figures


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""
    row = b"\x00" + b"\x80" * width
    data = zlib.compress(row * height)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def figure_source(src: str) -> str:
    image = {"kind": "image", "src": src, "alt": "Une bande grise", "caption": "Bande *large*"}
    return source(
        lang="fr", sections=[section("Un", "Avant."), {"title": "Deux", "blocks": [image]}]
    )


def jpeg(width: int, height: int) -> bytes:
    """A valid grey JPEG of the given size."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("L", (width, height), 128).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_figures_are_numbered_scaled_and_tagged(
    kind: str, project: MakeProject, runner: CliRunner
) -> None:
    data = png(3000, 300) if kind == "png" else jpeg(3000, 300)
    root = project(
        {"source/f.yaml": figure_source(f"img/bande.{kind}"), f"source/img/bande.{kind}": data}
    )
    assert build(runner).exit_code == 0
    path = root / "build/f/handout.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        (image,) = page.images
        text_width = (210 - 44) * PT_PER_MM
        assert image["x1"] - image["x0"] == pytest.approx(text_width, abs=1)
        assert image["x0"] == pytest.approx(22 * PT_PER_MM, abs=1)
        figures = [e for e in _elements(pdf.structure_tree) if e["type"] == "Figure"]
        captions = [e for e in _elements(pdf.structure_tree) if e["type"] == "Caption"]
        assert [f.get("alt_text") for f in figures] == ["Une bande grise"]
        (caption,) = captions
        ids = set(_mcids(caption))
        tagged = "".join(c["text"] for c in page.chars if c.get("mcid") in ids)
        assert tagged.replace("\u202f", " ") == "Figure 1 — Bande large"


def _elements(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for element in tree:
        out.append(element)
        out += _elements(element.get("children", []))
    return out


def _mcids(element: dict[str, Any]) -> list[int]:
    return [*element.get("mcids", []), *(m for c in element.get("children", []) for m in _mcids(c))]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, 'image "img/x.png" not found'),
        (b"not an image at all", 'image "img/x.png" is not an SVG, PNG, JPEG, GIF or WebP file'),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, 'image "img/x.png" is a damaged PNG file'),
        (png(1, 1)[:40], 'image "img/x.png" is a damaged PNG file'),
    ],
    ids=["missing", "not-an-image", "garbage-png", "truncated-png"],
)
def test_bad_images_are_errors_at_their_line(
    project: MakeProject, runner: CliRunner, content: bytes | None, message: str
) -> None:
    files: dict[str, str | bytes] = {"source/f.yaml": figure_source("img/x.png")}
    if content is not None:
        files["source/img/x.png"] = content
    root = project(files)
    result = build(runner)
    assert result.exit_code == 1
    line = next(i for i, ln in enumerate(figure_source("x").splitlines(), 1) if '"src"' in ln)
    assert f"source/f.yaml:{line}:" in result.output and message in result.output
    assert not (root / "build").exists()


def test_an_svg_that_cannot_be_drawn_is_an_error(project: MakeProject, runner: CliRunner) -> None:
    broken = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect'
    root = project({"source/f.yaml": figure_source("x.svg"), "source/x.svg": broken})
    result = build(runner)
    assert result.exit_code == 1
    assert 'image "x.svg" cannot be drawn' in result.output
    assert not (root / "build").exists()


# PDF quality


def test_metadata_reaches_the_pdf(
    project: MakeProject, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")  # 2025-11-28 00:00:00 UTC
    text = source(
        title="Photosynthèse",
        subject="Biologie végétale",
        level="Seconde",
        authors=["A. Martin", "B. Durand"],
        sections=[section("Un", "Texte.")],
        flashcards=[{"front": "Q ?", "back": "R.", "tags": ["chloroplaste", "lumière"]}],
    )
    root = project({"source/m.yaml": text})
    assert build(runner).exit_code == 0
    reader = PdfReader(root / "build/m/handout.pdf")
    meta = reader.metadata
    assert meta.title == "Photosynthèse"
    assert meta.author == "A. Martin, B. Durand"
    assert meta.subject == "Biologie végétale"
    assert meta["/Keywords"] == "Biologie végétale, Seconde, chloroplaste, lumière"
    assert meta["/CreationDate"] == "D:20251128000000Z"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_default_handout_is_tagged(built_a4: Path) -> None:
    reader = PdfReader(built_a4 / "immunomodulation" / "handout.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert str(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]).lower() == "true"
    assert not font_problems(reader)


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_pdf_variants_pass_the_validator(
    variant: str, project: MakeProject, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    root = project({"source/immunomodulation.yaml": FRENCH.read_text(encoding="utf-8")})
    (root / "source/figures").mkdir()
    for figure in (EXAMPLES / "figures").iterdir():
        (root / "source/figures" / figure.name).write_bytes(figure.read_bytes())
    result = runner.invoke(app, ["build", "--pdf-variant", variant])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    for name in ("handout", "flashcards", "key-points"):
        path = root / "build/immunomodulation" / f"{name}.pdf"
        assert ua_problems(path) == [] if variant == "pdf/ua-1" else pdfa_problems(path) == []
    again = runner.invoke(app, ["build", "--pdf-variant", variant, "--only", "handout", "-o", "b"])
    assert again.exit_code == 0
    first = (root / "build/immunomodulation/handout.pdf").read_bytes()
    assert (root / "b/immunomodulation/handout.pdf").read_bytes() == first


def test_unknown_pdf_variant_is_a_usage_error(project: MakeProject, runner: CliRunner) -> None:
    project({"source/a.yaml": source(sections=[section("Un", "Texte.")])})
    result = runner.invoke(app, ["build", "--pdf-variant", "pdf/x-4"])
    assert result.exit_code == 2


def test_a_hundred_page_handout_builds(project: MakeProject, runner: CliRunner) -> None:
    sections = [
        section(f"Chapitre {n}", *(long_text(n + k, 9) for k in range(7))) for n in range(1, 56)
    ]
    root = project({"source/big.yaml": source(title="Gros", sections=sections)})
    result = build(runner)
    assert result.exit_code == 0, result.output
    path = root / "build/big/handout.pdf"
    document = pdfium.PdfDocument(str(path))  # reads 100 pages' text far sooner than pypdf
    assert len(document) >= 100
    for number, page in enumerate(document, start=1):
        text = page.get_textpage().get_text_range().rstrip()
        assert text.endswith(f"{number} / {len(document)}"), (number, text[-40:])
    assert [t for level, t, _ in outline(path) if level == 2] == [
        f"Chapitre {n}" for n in range(1, 56)
    ]


def test_toc_and_pdf_variant_from_project_settings(project: MakeProject, runner: CliRunner) -> None:
    three = source(sections=[section(n, "Texte.") for n in ("Un", "Deux", "Trois")])
    settings = 'toc = false\npdf_variant = "pdf/a-3b"\n'
    root = project({"source/three.yaml": three, "studygen.toml": settings})
    assert build(runner).exit_code == 0
    path = root / "build/three/handout.pdf"
    assert "Sommaire" not in page_texts(path)[0]
    assert pdfa_problems(path) == []
    (root / "studygen.toml").write_text('pdf_variant = "pdf/a-9z"\n')
    result = build(runner)
    assert result.exit_code == 2 and 'PDF variant "pdf/a-9z" is not one of' in result.output


def test_no_paragraph_leaves_a_single_line_alone_at_a_page_break(tmp_path: Path) -> None:
    from weasyprint.formatting_structure.boxes import BlockBox, LineBox

    from studygen import pdf, templating
    from studygen.outputs import handout
    from studygen.sources.loader import load_source

    sections = [
        section(f"Chapitre {n}", *(long_text(n * 5 + k, 2 + (n * 3 + k) % 7) for k in range(4)))
        for n in range(12)
    ]
    path = tmp_path / "w.yaml"
    path.write_text(source(sections=sections), encoding="utf-8")
    doc = load_source(path).doc
    html = templating.render_html("handout", handout.context(doc, "a4"))
    css = templating.stylesheets("handout", None)
    document, *_ = pdf.layout(html, tmp_path, css, [tmp_path])
    assert len(document.pages) >= 6
    fragments: dict[int, list[int]] = {}  # paragraph element → lines on each page it spans
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, BlockBox) and box.element_tag == "p":
                lines = sum(1 for child in box.children if isinstance(child, LineBox))
                fragments.setdefault(id(box.element), []).append(lines)
    split = [counts for counts in fragments.values() if len(counts) > 1]
    assert split, "the test needs paragraphs that cross a page break"
    for counts in split:
        assert min(counts) >= 2, counts
