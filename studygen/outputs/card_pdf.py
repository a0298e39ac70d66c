"""One PDF written from sheets laid out in batches: each batch is drawn and tagged as soon as
it is laid out, then its boxes are dropped, and what it added to the PDF that nothing
changes later (its pages' content streams and structure elements) is kept as the bytes it
will be written as, so memory stays nearly flat whatever the deck's size. A structure
element is a Python dictionary of some 500 bytes for 100 bytes of PDF, and a deck has about
240 of them a card.

This is WeasyPrint's own PDF writer (``weasyprint.pdf.generate_pdf``) taken apart at the
page: the same resources, page dictionaries, links, tags, fonts, metadata and PDF
variants, in one file, each font subset once for the whole deck. What it cannot do across
batches: a link inside a card to an anchor in another batch (WeasyPrint warns and drops
it, as for any missing anchor).
"""

from __future__ import annotations

import io
from typing import Any

from studygen import collector, formula_pdf
from studygen.pdf import without_attachments

# 0.75 = 72 PDF points per inch / 96 CSS pixels per inch
SCALE = 0.75


class StreamedPdf:
    """A tagged PDF that pages are added to, batch by batch."""

    def __init__(self, identifier: bytes, variant: str | None) -> None:
        import pydyf
        from weasyprint import DEFAULT_OPTIONS
        from weasyprint.pdf import VARIANTS

        options = {**DEFAULT_OPTIONS, "pdf_identifier": identifier, "pdf_tags": True}
        options["pdf_variant"] = variant
        if variant:
            self.variant_function, properties = VARIANTS[variant]
            for key, value in tuple(options.items()):
                if value is None and key in properties:
                    options[key] = properties[key]
        self.options = options
        self.compress = not options["uncompressed_pdf"]
        self.pdf = pydyf.PDF()
        self.images: dict[str, Any] = {}
        self.fonts: dict[str, Any] = {}
        self.color_profiles: dict[str, Any] = {}
        self.formulas: set[tuple[int, tuple[float, ...]]] = set()
        self.names: list[Any] = []
        self.annotation_files: dict[str, Any] = {}
        self.streams: list[Any] = []
        self.pages: list[Any] = []  # WeasyPrint's pages, their boxes dropped once drawn
        self.annotations: list[Any] = []
        self.first: Any = None  # what the whole PDF takes from the first batch
        self.sealed = 0  # pdf.objects before this index are final, or kept as objects

    def _start(self, document: Any) -> None:
        """Colour spaces and profiles, shared resources, the structure tree's root."""
        from importlib.resources import files

        import pydyf
        from tinycss2.color5 import D50, D65
        from weasyprint.css import ColorProfile

        pdf, compress = self.pdf, self.compress
        self.first = (
            document.metadata, document.url_fetcher, document.font_config,
            document.output_intent,
        )  # fmt: skip
        self.color_profiles = document.color_profiles
        if self.options["output_intent"] == "srgb":  # PDF/A
            self.color_profiles["srgb"] = ColorProfile(
                (files("weasyprint.pdf") / "sRGB2014.icc").open("rb"), "sRGB2014.icc",
                "relative-colorimetric", (["r"], ["g"], ["b"]),
            )  # fmt: skip
        color_space = pydyf.Dictionary({
            name: pydyf.Array(("/Lab", pydyf.Dictionary({
                "WhitePoint": pydyf.Array(point),
                "Range": pydyf.Array((-125, 125, -125, 125)),
            })))
            for name, point in (("lab-d50", D50), ("lab-d65", D65))
        })  # fmt: skip
        for key, color_profile in self.color_profiles.items():
            profile = pydyf.Stream(
                [color_profile.content],
                pydyf.Dictionary({"N": len(color_profile.components)}),
                compress=compress,
            )
            pdf.add_object(profile)
            color_profile.pdf_reference = profile.reference
            color_space[key] = pydyf.Array(("/ICCBased", profile.reference))
        pdf.add_object(color_space)
        self.resources = pydyf.Dictionary({
            "ExtGState": pydyf.Dictionary(),
            "XObject": pydyf.Dictionary(),
            "Pattern": pydyf.Dictionary(),
            "Shading": pydyf.Dictionary(),
            "ColorSpace": color_space.reference,
        })  # fmt: skip
        pdf.add_object(self.resources)
        # The structure tree, as WeasyPrint's add_tags makes it, filled page by page.
        self.parent_tree = pydyf.Dictionary({"Nums": pydyf.Array()})
        pdf.add_object(self.parent_tree)
        root = pydyf.Dictionary(
            {"Type": "/StructTreeRoot", "ParentTree": self.parent_tree.reference}
        )
        pdf.add_object(root)
        self.structure = pydyf.Dictionary({
            "Type": "/StructElem", "S": "/Document", "K": pydyf.Array(), "P": root.reference,
        })  # fmt: skip
        pdf.add_object(self.structure)
        root["K"] = pydyf.Array([self.structure.reference])
        pdf.catalog["StructTreeRoot"] = root.reference
        if str(self.options["pdf_version"]) >= "2.0":
            namespace = pydyf.Dictionary(
                {"Type": "/Namespace", "NS": pydyf.String("http://iso.org/pdf2/ssn")}
            )
            pdf.add_object(namespace)
            root["Namespaces"] = pydyf.Array([namespace.reference])
            self.structure["NS"] = namespace.reference

    @collector.tuned()
    def add(self, document: Any) -> None:
        """Draw and tag every page of ``document``, then drop its boxes."""
        import pydyf
        from weasyprint.matrix import Matrix
        from weasyprint.pdf.anchors import add_annotations, add_forms, add_links, resolve_links
        from weasyprint.pdf.stream import Stream
        from weasyprint.pdf.tags import _build_box_tree

        if self.first is None:
            self._start(document)
            self.sealed = len(self.pdf.objects)  # the tree's root and Document element grow
        pdf = self.pdf
        for page, links_and_anchors in zip(
            document.pages, list(resolve_links(document.pages)), strict=True
        ):
            number = len(self.pages)
            tags: dict[Any, Any] = {}
            matrix = Matrix(SCALE, 0, 0, -SCALE, 0, page.height * SCALE)
            bleed = {side: value * SCALE for side, value in page.bleed.items()}
            left, top = -bleed["left"], -bleed["top"]
            right = left + SCALE * page.width + bleed["left"] + bleed["right"]
            bottom = top + SCALE * page.height + bleed["top"] + bleed["bottom"]
            rectangle = (
                left / SCALE, top / SCALE, (right - left) / SCALE, (bottom - top) / SCALE,
            )  # fmt: skip
            stream = Stream(
                self.fonts, rectangle, self.resources, self.images, tags,
                self.color_profiles, document.output_intent, compress=self.compress,
            )  # fmt: skip
            stream.transform(d=-1, f=(page.height * SCALE))
            pdf.add_object(stream)
            self.streams.append(stream)
            pdf_page = pydyf.Dictionary({
                "Type": "/Page", "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([left, top, right, bottom]),
                "Contents": stream.reference, "Resources": self.resources.reference,
                "Tabs": "/S", "StructParents": number,
            })  # fmt: skip
            pdf.add_page(pdf_page)
            add_links(links_and_anchors, matrix, pdf, pdf_page, self.names, tags)
            add_annotations(
                links_and_anchors[0], matrix, document, pdf, pdf_page,
                self.annotation_files, self.compress,
            )  # fmt: skip
            add_forms(
                page.forms, matrix, pdf, pdf_page, self.resources, stream,
                document.font_config.font_map,
            )  # fmt: skip
            page.paint(stream, SCALE)
            trim = [left + bleed["left"], top + bleed["top"]]
            trim += [right - bleed["right"], bottom - bleed["bottom"]]
            pdf_page["TrimBox"] = pydyf.Array(trim)
            pdf_page["BleedBox"] = pydyf.Array([
                trim[0] - min(10, bleed["left"]), trim[1] - min(10, bleed["top"]),
                trim[2] + min(10, bleed["right"]), trim[3] + min(10, bleed["bottom"]),
            ])  # fmt: skip
            # Tags now, while the boxes are here (WeasyPrint's add_tags, one page).
            page_numbers: dict[int, Any] = {}
            elements = _build_box_tree(
                page._page_box, self.structure, pdf, number, page_numbers,
                self.annotations, tags,
            )  # fmt: skip
            for element in elements:
                self.structure["K"].append(element.reference)
            self.parent_tree["Nums"].append(number)
            self.parent_tree["Nums"].append(
                pydyf.Array([ref for _, ref in sorted(page_numbers.items())])
            )
            self.formulas |= formula_pdf.formula_places(page._page_box, number)
            page._page_box = None  # drawn and tagged: the boxes can go
            self.pages.append(page)
        self._seal()

    def _seal(self) -> None:
        """Keep the batch's content streams and structure elements as their bytes.

        Formula figures are retagged first. Annotations, page dictionaries and the rest
        stay objects: the end of the PDF still changes some of them.
        """
        import pydyf

        formula_pdf.retag_formulas(self.pdf, self.formulas, self.pdf.objects[self.sealed :])
        objects = self.pdf.objects
        contents = {id(stream) for stream in self.streams}
        for index in range(self.sealed, len(objects)):
            found = objects[index]
            if id(found) in contents:
                objects[index] = _Sealed(found.number, found.data, stream=True)
            elif isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem":
                objects[index] = _Sealed(found.number, found.data, stream=False)
        self.streams = [objects[int(stream.number)] for stream in self.streams]
        self.sealed = len(objects)

    @collector.tuned()
    def finish(self) -> bytes:
        """The PDF bytes: outlines, metadata, fonts, structure tree, variant."""
        import pydyf
        from weasyprint import VERSION, Document
        from weasyprint.pdf import _use_references, _w3c_date_to_pdf
        from weasyprint.pdf.anchors import add_outlines
        from weasyprint.pdf.fonts import build_fonts_dictionary

        pdf = self.pdf
        metadata, fetcher, font_config, intent = self.first
        profiles = self.color_profiles
        document = Document(self.pages, metadata, fetcher, font_config, profiles, intent)
        add_outlines(pdf, document.make_bookmark_tree(SCALE, transform_pages=True))
        pdf.info["Producer"] = pydyf.String(f"WeasyPrint {VERSION}")
        for key, value in (
            ("Title", metadata.title),
            ("Author", ", ".join(metadata.authors or ())),
            ("Subject", metadata.description),
            ("Keywords", ", ".join(metadata.keywords or ())),
            ("Creator", metadata.generator),
        ):
            if value:
                pdf.info[key] = pydyf.String(value)
        for key, date, name in (
            ("CreationDate", metadata.created, "created"),
            ("ModDate", metadata.modified, "modified"),
        ):
            if date:
                pdf.info[key] = pydyf.String(_w3c_date_to_pdf(date, name))
        if metadata.lang:
            pdf.catalog["Lang"] = pydyf.String(metadata.lang)
        subset = not self.options["full_fonts"]
        fonts = build_fonts_dictionary(pdf, self.fonts, self.compress, subset, self.options)
        pdf.add_object(fonts)
        self.resources["Font"] = fonts.reference
        _use_references(pdf, self.resources, self.images, self.color_profiles)
        if self.names:
            names = pydyf.Array()
            for anchor in sorted(self.names):
                names.append(pydyf.String(anchor[0]))
                names.append(anchor[1])
            pdf.catalog.setdefault("Names", pydyf.Dictionary())
            pdf.catalog["Names"]["Dests"] = pydyf.Dictionary({"Names": names})
        start = len(self.pages)
        for i, (reference, annotation) in enumerate(self.annotations, start=start):
            self.parent_tree["Nums"].append(i)
            self.parent_tree["Nums"].append(reference)
            annotation["StructParent"] = i
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
        pdf.catalog.setdefault("Lang", pydyf.String())
        profile = profiles.get(intent) or profiles.get("device-cmyk")
        profile = profile or next(iter(profiles.values()), None)
        if profile is not None:
            variant = self.options["pdf_variant"] or ""
            intents = pydyf.Dictionary({
                "Type": "/OutputIntent", "S": "/GTS_PDFA1" if "pdf/a" in variant else "/GTS_PDFX",
                "OutputConditionIdentifier": pydyf.String(profile.name),
                "Info": pydyf.String(profile.name),
                "DestOutputProfile": profile.pdf_reference,
            })  # fmt: skip
            pdf.catalog["OutputIntents"] = pydyf.Array([intents])
        if self.options["pdf_variant"]:
            self.variant_function(pdf, document, self.streams, [], self.compress)
        output = io.BytesIO()
        options = self.options
        pdf.write(output, options["pdf_version"], options["pdf_identifier"], self.compress)
        return without_attachments(output.getvalue())


class _Sealed:
    """A finished object of the PDF, as bytes: what pydyf's ``PDF.write`` reads of an
    object (number, generation, free, offset, data, indirect, compressible), in slots, so
    a deck's hundred thousand of them take little room and pin no memory of their batch."""

    __slots__ = ("_stream", "data", "free", "generation", "number", "offset")

    def __init__(self, number: int, data: bytes, stream: bool) -> None:
        self.number, self.data, self._stream = number, data, stream
        self.generation, self.free, self.offset = 0, "n", 0

    @property
    def indirect(self) -> bytes:
        return b"%d 0 obj\n%s\nendobj" % (self.number, self.data)

    @property
    def compressible(self) -> bool:
        return not self._stream  # streams are never inside an object stream
