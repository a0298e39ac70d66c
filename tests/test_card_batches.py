"""Flashcard sheets laid out and written in batches, and faces fitted in few passes.

A long deck is laid out, drawn and let go a batch of pages at a time (memory stays flat);
the PDF must be what one layout of the whole deck gives: the same pages, text and
positions, each font once, tags, links and formulas, and the same bytes twice.
Faces being fitted are laid out alone at their places and put into the first pass's
pages: the bytes must be those of a full relayout.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen import formula_pdf, pdf
from studygen.cli import app
from studygen.outputs import card_pdf, flashcards
from studygen.outputs.face_fit import fit_faces

EPOCH = "1764288000"
LONG = "La réponse développe le mécanisme de la photosynthèse et ses deux phases. "


def deck(cards: int) -> str:
    """A deck of short, long and too long answers, a formula, a link and a list."""
    lines = ["title: Paquet", "lang: fr", "sections:", "  - title: Partie", "    blocks:"]
    lines += ["      - kind: text", "        text: Le cours.", "flashcards:"]
    for n in range(1, cards + 1):
        back = {
            0: "Réponse courte.",
            1: LONG * 10,  # fits a few points smaller
            2: LONG * 30,  # does not fit even at the smallest size
            3: "L'énergie vaut $E = mc^2$ (voir [la fiche](https://example.org/fiche)). "
            + LONG * 8,
            4: "- un\n      - deux\n      - trois",
        }[n % 5]
        lines += [f"  - front: Question {n} ?", "    back: |", f"      {back}", "    tags: [bio]"]
    return "\n".join(lines) + "\n"


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 20-card deck built in one layout, in batches of 2 pages (twice), and with
    a theme folder (every page laid out again at the fitted sizes)."""
    root = tmp_path_factory.mktemp("batches")
    (root / "source").mkdir()
    (root / "source/deck.yaml").write_text(deck(20), encoding="utf-8")
    (root / "theme/flashcards").mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        common = ("build", "--only", "flashcards", "--jobs", "1", "-v")
        said = {"one": run(*common, "--out", "one")}
        run(*common, "--out", "pdfa-one", "--pdf-variant", "pdf/a-3b")
        patch.setattr(flashcards, "BATCH_PAGES", 2)
        said["batched"] = run(*common, "--out", "batched")
        run(*common, "--out", "again")
        run(*common, "--out", "pdfa-batched", "--pdf-variant", "pdf/a-3b")
        patch.setattr(card_pdf.StreamedPdf, "_seal", _retag_only)
        patch.setattr(card_pdf, "write", _pydyf_write)
        run(*common, "--out", "unsealed")
        run(*common, "--out", "pdfa-unsealed", "--pdf-variant", "pdf/a-3b")
        patch.undo()
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(flashcards, "BATCH_PAGES", 2)
        said["theme"] = run(*common, "--out", "theme", "--templates", "theme")
        patch.setattr(flashcards, "show_whole_lines", lambda rendered, _: rendered)
        patch.setattr(flashcards, "BATCH_PAGES", 40)  # one layout, as "one"
        run(*common, "--out", "uncut")
        patch.setattr(pdf, "engine_known", lambda: False)
        said["unknown"] = run(*common, "--out", "unknown")
    paths = {
        name: root / name / "deck/flashcards.pdf"
        for name in (
            "one",
            "batched",
            "again",
            "pdfa-one",
            "pdfa-batched",
            "unknown",
            "unsealed",
            "pdfa-unsealed",
            "uncut",
        )
    }
    paths["theme"] = root / "theme/deck/flashcards.pdf"
    assert "in batches of 2 pages" in said["batched"] and "in batches" not in said["one"]
    assert "in batches" not in said["unknown"]
    assert (
        said["one"].count("does not fit its card")
        == 4
        == said["batched"].count("does not fit its card")
    )
    return paths


def test_batches_give_the_pages_text_and_positions_of_one_layout(built: dict[str, Path]) -> None:
    with pdfplumber.open(built["one"]) as one, pdfplumber.open(built["batched"]) as batched:
        assert len(one.pages) == len(batched.pages) == 6
        for a, b in zip(one.pages, batched.pages, strict=True):
            assert a.extract_text() == b.extract_text()
            chars = [(c["text"], round(c["x0"], 2), round(c["top"], 2), c["size"]) for c in a.chars]
            assert chars == [
                (c["text"], round(c["x0"], 2), round(c["top"], 2), c["size"]) for c in b.chars
            ]
            assert len(a.lines) == len(b.lines)  # cut marks
    assert "Question 20" in PdfReader(built["batched"]).pages[4].extract_text()


def test_batches_make_one_tagged_pdf_with_each_font_once(built: dict[str, Path]) -> None:
    reader = PdfReader(built["batched"])
    fonts = {
        str(font.get_object()["/BaseFont"]): font.get_object().indirect_reference
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    one = PdfReader(built["one"])
    one_fonts = {
        str(font.get_object()["/BaseFont"])
        for page in one.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert set(fonts) == one_fonts  # the same subsets, each embedded once
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    assert root["/MarkInfo"]["/Marked"] and str(root["/Lang"]) == "fr"
    assert [page["/StructParents"] for page in reader.pages] == list(range(6))
    kinds = _structure_kinds(tree["/K"][0].get_object())
    assert {"/Formula", "/Link", "/L", "/P"} <= kinds
    links = [a.get_object() for p in reader.pages for a in p.get("/Annots", ())]
    assert any(link["/A"]["/URI"] == "https://example.org/fiche" for link in links)
    assert reader.metadata == one.metadata and reader.metadata.title == "Paquet — Fiches"


def test_batches_map_every_marked_content_and_link_through_a_parent_tree_of_leaves(
    built: dict[str, Path],
) -> None:
    """A long deck's parent tree has a leaf a page (and one for the links): every page's
    marked contents and every link reach their structure elements through it."""
    from pdfcheck import _parent_tree, ua_problems

    reader = PdfReader(built["batched"])
    tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()
    limits = [list(kid.get_object()["/Limits"]) for kid in tree["/Kids"]]
    assert limits[:6] == [[n, n] for n in range(6)] and limits[6][0] == 6  # 6 pages, links
    problems = ua_problems(built["batched"])
    assert not [p for p in problems if "marked content" in p or "structure tree" in p]
    parents = _parent_tree(reader)
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", ())]
    assert links and all(
        parents[int(link["/StructParent"])].get_object()["/S"] == "/Link" for link in links
    )
    assert _parent_tree(PdfReader(built["one"])).keys() == parents.keys()


def _structure_kinds(element: object, depth: int = 0) -> set[str]:
    found: set[str] = set()
    if isinstance(element, dict) and "/S" in element:
        found.add(str(element["/S"]))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            found |= _structure_kinds(kid.get_object() if hasattr(kid, "get_object") else kid)
    return found


def test_batches_keep_the_pdf_variant(built: dict[str, Path]) -> None:
    one, batched = PdfReader(built["pdfa-one"]), PdfReader(built["pdfa-batched"])
    assert sorted(batched.trailer["/Root"]) == sorted(one.trailer["/Root"])
    intent = batched.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert (
        intent["/S"] == "/GTS_PDFA1"
        and b"pdfaid" in batched.trailer["/Root"]["/Metadata"].get_object().get_data()
    )
    assert batched.pdf_header == one.pdf_header and len(batched.pages) == len(one.pages)


def test_batched_builds_repeat_byte_for_byte(built: dict[str, Path]) -> None:
    assert built["batched"].read_bytes() == built["again"].read_bytes()


def _retag_only(self: card_pdf.StreamedPdf, _: Any, __: Any, formulas: set[Any]) -> None:
    formula_pdf.retag_formulas(self.pdf, formulas)


def _pydyf_write(
    pdf: Any, output: Any, version: Any, identifier: Any, compress: bool, _: Any
) -> None:
    pdf.write(output, version, identifier, compress)


def test_batches_kept_as_bytes_are_the_bytes_of_batches_kept_as_objects(
    built: dict[str, Path],
) -> None:
    """Each batch's content streams and structure elements are kept as their bytes once
    drawn, and written without copies (memory): the PDF is the one pydyf writes from the
    objects at the end."""
    assert built["batched"].read_bytes() == built["unsealed"].read_bytes()
    assert built["pdfa-batched"].read_bytes() == built["pdfa-unsealed"].read_bytes()


def test_faces_put_into_the_first_pass_are_the_bytes_of_a_full_relayout(
    built: dict[str, Path],
) -> None:
    # shrunk, clipped (with its mark), pictured and linked faces taken from partial passes
    assert built["one"].read_bytes() == built["theme"].read_bytes()


def test_another_weasyprint_release_lays_every_page_out_again_with_the_same_result(
    built: dict[str, Path],
) -> None:
    # no box put back, no batch, clipped faces cut where the box's edge falls: the safe
    # path gives the same sheets
    assert built["unknown"].read_bytes() == built["uncut"].read_bytes()


def test_a_measured_fill_proves_a_step_larger_cannot_fit() -> None:
    """Text needs (size / size it fits at)² of its box: once a face fits with its box nearly
    full, no step-larger pass is needed; a face with a picture still gets one."""
    fits_at = {"1-back": 10.2, "2-back": 8.2, "3-back": 9.3}
    calls: list[set[str] | None] = []

    def measure(sizes: dict[str, float], faces: set[str] | None) -> dict[str, float]:
        calls.append(faces)
        return {f: (sizes[f] / fits_at[f]) ** 2 for f in (sizes if faces is None else faces)}

    fit = fit_faces(dict.fromkeys(fits_at, 11.0), 7.0, measure)
    # 3-back fits at its first guess, its box nearly full: done. The others' first guesses
    # overflow by a hair; each fits a quarter point below, which ends it.
    assert fit.partial_passes == 2 and calls[2] == {"1-back", "2-back"}
    for face, size in fit.sizes.items():
        assert size <= fits_at[face] and fits_at[face] - size <= 0.5
    calls.clear()
    pictured = fit_faces(dict.fromkeys(fits_at, 11.0), 7.0, measure, pictured={"3-back"})
    assert pictured.partial_passes == 2 and calls[2] == {"1-back", "2-back", "3-back"}
    assert pictured.sizes == fit.sizes


def test_a_text_cut_at_the_page_end_still_shrinks_quickly() -> None:
    """A text longer than the page measures the same at every size (it is cut where the page
    ends); the prediction then goes from the smallest size tried."""
    calls: list[set[str] | None] = []

    def measure(sizes: dict[str, float], faces: set[str] | None) -> dict[str, float]:
        calls.append(faces)
        return {"1-back": min(1.2, (sizes["1-back"] / 5.0) ** 2)}

    fit = fit_faces({"1-back": 11.0}, 7.0, measure)
    assert fit.sizes["1-back"] == 7.0 and fit.overflowing and len(calls) <= 4
    assert math.isclose(fit.overflowing["1-back"], 1.2)


def test_a_theme_cannot_embed_files_in_sheets_written_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal of embedded files holds for batches as for one layout: a theme's
    flashcard template that adds an attachment link fails the build, and writes no PDF."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source/deck.yaml").write_text(deck(20), encoding="utf-8")
    (tmp_path / "source/notes.dat").write_text("carnet", encoding="utf-8")
    theme = tmp_path / "themes/joint"
    (theme / "flashcards").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "joint"\n', encoding="utf-8")
    (theme / "flashcards/flashcards.html.j2").write_text(
        '{% extends "builtin/flashcards/flashcards.html.j2" %}{% block body %}{{ super() }}'
        '<a rel="attachment" href="notes.dat">notes</a>{% endblock %}',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(flashcards, "BATCH_PAGES", 2)
    result = CliRunner().invoke(
        app, ["build", "--only", "flashcards", "--jobs", "1", "--theme", "joint", "-v"]
    )
    assert result.exit_code == 1, result.output
    assert "embedded files — refused" in result.output
    assert not (tmp_path / "build/deck/flashcards.pdf").exists()


def test_a_project_theme_numbering_pages_gets_one_layout_not_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project's theme may count across pages (here a CSS page counter): its sheets are
    laid out as one document, so the count runs over the whole deck."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source/deck.yaml").write_text(deck(20), encoding="utf-8")
    theme = tmp_path / "themes/numbered"
    (theme / "flashcards").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "numbered"\n', encoding="utf-8")
    (theme / "flashcards/theme.css").write_text(
        '@page { @bottom-center { content: "feuille " counter(page) " sur " counter(pages) } }',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(flashcards, "BATCH_PAGES", 2)
    said = run("build", "--only", "flashcards", "--jobs", "1", "--theme", "numbered", "-v")
    assert "in batches" not in said
    pages = PdfReader(tmp_path / "build/deck/flashcards.pdf").pages
    assert len(pages) > 2
    assert f"feuille {len(pages)} sur {len(pages)}" in pages[-1].extract_text()


def test_a_text_cut_at_the_page_end_is_measured_from_its_whole_length(tmp_path: Path) -> None:
    """A long answer on the sheet's bottom row runs past the page's end, where WeasyPrint
    stops laying it out: its measured fill is estimated from its whole text, as long as the
    same answer's on the rows above, so the next size tried is predicted from all of it."""
    from studygen.config import BuildOptions
    from studygen.outputs.base import Job
    from studygen.outputs.card_passes import fill_ratios
    from studygen.sources.loader import load_source

    lines = ["title: Paquet", "lang: fr", "sections:", "  - title: Partie", "    blocks:"]
    lines += ["      - kind: text", "        text: Le cours.", "flashcards:"]
    lines += [f"  - front: Question {n} ?\n    back: {LONG * 15}" for n in range(1, 9)]
    (tmp_path / "deck.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    job = Job("flashcards", load_source(tmp_path / "deck.yaml"), BuildOptions(), pdf.Engine())
    plan = flashcards.plan_deck(job)
    rendered = job.lay_out(flashcards.context(job.source.doc, plan))
    backs = {face: ratio for face, (ratio, _) in fill_ratios(rendered.document).items()}
    backs = {face: ratio for face, ratio in backs.items() if face.endswith("-back")}
    bottom = max(
        (cell.y, flashcards.Face(cell.index, cell.face).id)
        for page in plan.pages if page.kind == "back" for cell in page.cells
    )[1]  # fmt: skip
    page_height = rendered.document.pages[1].height
    assert len(backs) == 8 and min(backs.values()) > 1.5  # each overflows its card
    cut = [
        box for _, face, box in pdf.marked_boxes(rendered.document, "data-fit") if face == bottom
    ][0]
    assert cut.position_y + cut.height * 1.5 > page_height  # its text does reach the page end
    assert math.isclose(backs[bottom], min(backs.values()), rel_tol=0.1)
    assert math.isclose(backs[bottom], max(backs.values()), rel_tol=0.1)


def test_faces_whose_text_is_not_placed_in_their_card_get_every_page_laid_out_again(
    built: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A face being fitted is laid out as its text alone, whose box is then put into its
    card in the first pass; when that box cannot be found (a stylesheet that does not place
    the text absolutely in its card), every page is laid out again, with the same result."""
    from studygen.outputs import card_passes

    (tmp_path / "source").mkdir()
    (tmp_path / "source/deck.yaml").write_text(deck(20), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(card_passes, "text_placeholder", lambda card: None)
    said = run("build", "--only", "flashcards", "--jobs", "1", "-v")
    assert "text fitted in 2 full layout passes" in said
    assert (tmp_path / "build/deck/flashcards.pdf").read_bytes() == built["one"].read_bytes()


def _sample_pdf(info: bool) -> Any:
    """A small pydyf PDF: streams, dictionaries that can be kept, and a page."""
    import pydyf

    document = pydyf.PDF()
    for n in range(12):
        if n % 4 == 0:
            document.add_object(pydyf.Stream([b"BT /F1 12 Tf (%d) Tj ET" % n], compress=True))
        else:
            element = pydyf.Dictionary({"Type": "/StructElem", "S": "/P", "K": n})
            element["T"] = pydyf.String(f"élément (n° {n})")
            document.add_object(element)
    document.add_page(pydyf.Dictionary({"Type": "/Page", "MediaBox": pydyf.Array((0, 0, 9, 9))}))
    if info:
        document.info["Title"] = pydyf.String("Fiches")
    return document


@pytest.mark.parametrize("version", [b"1.4", "1.7", None, "2.0"])
@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("identifier", [b"id-1", True, False])
@pytest.mark.parametrize("info", [True, False])
def test_the_pdf_writer_writes_pydyfs_bytes_with_objects_kept_apart(
    version: Any, compress: bool, identifier: Any, info: bool
) -> None:
    """Long decks are written by card_pdf.write, which reads kept structure elements one
    page at a time: the file is the one pydyf writes, object stream or not."""
    import io

    expected = io.BytesIO()
    _sample_pdf(info).write(expected, version, identifier, compress)
    document, stored = _sample_pdf(info), card_pdf._Stored()
    for first, last in ((0, 6), (6, 10), (10, 16)):  # three pages' worth, kept apart
        kept = []
        for number in range(first, last):
            found = document.objects[number]
            if isinstance(found, dict) and found.get("Type") == "/StructElem":
                kept.append((number, found.data))
                document.objects[number] = card_pdf.STORED
        stored.add(kept)
    assert len(stored) == 9
    written = io.BytesIO()
    card_pdf.write(document, written, version, identifier, compress, stored)
    assert written.getvalue() == expected.getvalue()
    assert PdfReader(io.BytesIO(written.getvalue())).pages[0].mediabox.width == 9


def _clipped_lines_below_text(path: Path) -> list[str]:
    """Characters of the faces shown clipped that reach below their text's box, which ends
    1.5 mm above the top of the "text cut" mark (the tags beside it on its line left out):
    a line cut through by the box's edge, or text hidden under the mark (drawn, clipped
    away, but still in the PDF's text)."""
    gap = 1.5 * 72 / 25.4
    found = []
    with pdfplumber.open(path) as document:
        for page in document.pages:
            for mark in (c for c in page.chars if c["text"] == "✂"):
                found += [
                    c["text"] for c in page.chars
                    if "Bold" not in c["fontname"] and abs(c["x0"] - mark["x0"]) < 130
                    and 2 < mark["top"] - c["top"] < 250 and c["bottom"] > mark["top"] - gap
                ]  # fmt: skip
    return found


def test_a_card_shown_clipped_ends_on_a_whole_line(built: dict[str, Path]) -> None:
    """A face that does not fit at the smallest size shows the lines that fit whole, and
    the text it cannot show is not in the PDF (nor read out, nor found by a search)."""
    assert _clipped_lines_below_text(built["one"]) == []
    assert _clipped_lines_below_text(built["batched"]) == []
    assert len(_clipped_lines_below_text(built["uncut"])) > 100  # the box's edge alone
