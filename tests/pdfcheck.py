"""Machine-checkable parts of PDF/UA-1 and PDF/A-3b, read with pypdf.

veraPDF, the reference validator, is a Java application that none of the registries
this project installs from carries; these checks cover the rules of both standards that
can be decided by reading the file (the Matterhorn protocol's machine checks for
structure, language, fonts, figures, links and metadata; PDF/A's identification,
output intent and embedding rules). Each function returns a list of problems, empty
when the file passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def xmp(reader: pypdf.PdfReader) -> str:
    """The document's XMP metadata packet, or an empty string."""
    metadata = reader.trailer["/Root"].get("/Metadata")
    return _resolve(metadata).get_data().decode("utf-8") if metadata else ""


def fonts(reader: pypdf.PdfReader) -> Iterator[tuple[str, DictionaryObject]]:
    """(name, font dictionary) of every font used on any page, descendants included."""
    seen: set[int] = set()
    for page in reader.pages:
        resources = _resolve(page.get("/Resources")) or {}
        for ref in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(ref)
            if id(font) in seen:
                continue
            seen.add(id(font))
            yield str(font.get("/BaseFont")), font
            for descendant in font.get("/DescendantFonts", []):
                yield str(_resolve(descendant).get("/BaseFont")), _resolve(descendant)


def font_problems(reader: pypdf.PdfReader) -> list[str]:
    """Fonts that are not embedded (Type 3 fonts carry their glyphs and are fine)."""
    problems = []
    for name, font in fonts(reader):
        if font.get("/Subtype") in ("/Type0", "/Type3"):
            continue
        descriptor = _resolve(font.get("/FontDescriptor"))
        if descriptor is None or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            problems.append(f"font {name} is not embedded")
    return problems


def _struct_elements(reader: pypdf.PdfReader) -> Iterator[DictionaryObject]:
    """Structure elements in reading order (depth first)."""

    def walk(node: Any) -> Iterator[DictionaryObject]:
        kids = _resolve(_resolve(node).get("/K"))
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            kid = _resolve(kid)
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                yield kid
                yield from walk(kid)

    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is not None:
        yield from walk(root)


def _parent_tree(reader: pypdf.PdfReader) -> dict[int, Any]:
    """The structure tree's ParentTree: StructParents key → structure element(s)."""
    root = _resolve(reader.trailer["/Root"].get("/StructTreeRoot"))
    found: dict[int, Any] = {}
    stack = [root.get("/ParentTree")] if root is not None else []
    while stack:
        node = _resolve(stack.pop())
        if node is None:
            continue
        nums = _resolve(node.get("/Nums", []))
        for key, value in zip(nums[::2], nums[1::2], strict=True):
            found[int(key)] = _resolve(value)
        stack.extend(node.get("/Kids", []))
    return found


def _marked_ids(reader: pypdf.PdfReader) -> Iterator[tuple[int, int | None]]:
    """(page index, MCID) of each marked-content sequence; MCID None for text drawn unmarked."""
    for index, page in enumerate(reader.pages):
        depth = 0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
                if operator == b"BDC" and isinstance(operands[1], dict) and "/MCID" in operands[1]:
                    yield index, int(operands[1]["/MCID"])
            elif operator == b"EMC":
                depth -= 1
            elif operator in TEXT_OPERATORS and depth <= 0:
                yield index, None


def ua_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a PDF/UA-1 file, as far as reading it can tell."""
    reader = pypdf.PdfReader(path)
    catalog = reader.trailer["/Root"]
    problems = []
    if 'pdfuaid:part="1"' not in xmp(reader) and "<pdfuaid:part>1<" not in xmp(reader):
        problems.append("XMP metadata does not identify PDF/UA-1 (pdfuaid:part)")
    if "<dc:title>" not in xmp(reader):
        problems.append("XMP metadata has no dc:title")
    if not str(catalog.get("/Lang", "")).strip():
        problems.append("no document language (/Lang)")
    if _resolve(catalog.get("/MarkInfo", {})).get("/Marked") not in (True, "true"):
        problems.append("not marked as tagged (/MarkInfo /Marked)")
    if str(_resolve(catalog.get("/ViewerPreferences", {})).get("/DisplayDocTitle")) not in (
        "True",
        "true",
    ):
        problems.append("viewer does not display the document title (/DisplayDocTitle)")
    elements = list(_struct_elements(reader))
    if not elements:
        problems.append("no structure tree")
    problems += font_problems(reader)
    levels = [int(str(e["/S"])[2:]) for e in elements if re.fullmatch(r"/H[1-6]", str(e["/S"]))]
    if levels and levels[0] != 1:
        problems.append(f"first heading is H{levels[0]}, not H1")
    for figure in (e for e in elements if e["/S"] in ("/Figure", "/Formula")):
        if not str(figure.get("/Alt", figure.get("/ActualText", ""))).strip():
            problems.append("a figure has no alternate text")
    parents = _parent_tree(reader)
    orphans, untagged = set(), set()
    for index, mcid in _marked_ids(reader):
        if mcid is None:
            untagged.add(index + 1)
            continue
        mapped = parents.get(int(reader.pages[index].get("/StructParents", -1)), [])
        if mcid is None or mcid >= len(mapped) or not isinstance(_resolve(mapped[mcid]), dict):
            orphans.add(index + 1)
    if untagged:
        problems.append(f"pages {sorted(untagged)}: text drawn outside marked content")
    if orphans:
        problems.append(f"pages {sorted(orphans)}: marked content missing from the structure tree")
    for index, page in enumerate(reader.pages):
        annotations = [_resolve(a) for a in page.get("/Annots", [])]
        if annotations and page.get("/Tabs") != "/S":
            problems.append(f"page {index + 1}: annotations without /Tabs /S")
        for annotation in annotations:
            if annotation.get("/Subtype") == "/Link" and "/StructParent" not in annotation:
                problems.append(f"page {index + 1}: a link outside the structure tree")
    return problems


def pdfa_problems(path: Path, part: int = 3) -> list[str]:
    """What keeps ``path`` from being a PDF/A-``part``b file, as far as reading it can tell."""
    reader = pypdf.PdfReader(path)
    catalog = reader.trailer["/Root"]
    metadata = xmp(reader)
    problems = []
    if f'pdfaid:part="{part}"' not in metadata:
        problems.append(f"XMP metadata does not identify PDF/A-{part} (pdfaid:part)")
    if 'pdfaid:conformance="B"' not in metadata:
        problems.append("XMP metadata does not give conformance level B")
    intents = [_resolve(i) for i in _resolve(catalog.get("/OutputIntents", []))]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        problems.append("no PDF/A output intent with an ICC profile")
    if reader.is_encrypted:
        problems.append("encrypted")
    if "/ID" not in reader.trailer:
        problems.append("no file identifier (/ID)")
    if "/JavaScript" in _resolve(catalog.get("/Names", {})) or "/OpenAction" in catalog:
        problems.append("JavaScript or an open action")
    info_title = (reader.metadata or {}).get("/Title")
    if info_title and f">{info_title}<" not in metadata:
        problems.append("document title differs between the Info dictionary and XMP")
    problems += font_problems(reader)
    return problems
