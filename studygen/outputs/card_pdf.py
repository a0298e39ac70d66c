"""One PDF written from sheets laid out in batches: each batch is drawn and tagged as soon as
it is laid out, then its boxes are dropped, and what each page added to the PDF that nothing
changes later (its content stream, its structure elements, its leaf of the parent tree) is
kept as the bytes it will be written as, so memory stays nearly flat whatever the deck's
size. A structure element is a Python dictionary of some 500 bytes for 70 bytes of PDF,
and a deck has about 50 of them a card.

This is WeasyPrint's own PDF writer (``weasyprint.pdf.generate_pdf``) taken apart at the
page: the same resources, page dictionaries, links, tags, fonts, metadata and PDF
variants, in one file, each font subset once for the whole deck, written by :func:`write`
byte for byte as pydyf would. What it cannot do across batches: a link inside a card to an
anchor in another batch (WeasyPrint warns and drops it, as for any missing anchor). The
structure's parent tree is a number tree with a leaf a page, not one list.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from array import array
from collections.abc import Iterator
from math import ceil, log
from typing import Any, BinaryIO

from studygen import collector, formula_pdf, stack
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
        self.names: list[Any] = []
        self.annotation_files: dict[str, Any] = {}
        self.streams: list[Any] = []
        self.pages: list[Any] = []  # WeasyPrint's pages, their boxes dropped once drawn
        self.annotations: list[Any] = []
        self.first: Any = None  # what the whole PDF takes from the first batch
        self.sealed = 0  # pdf.objects before this index are final, or kept as objects
        self.stored = _Stored()  # the structure elements of the pages drawn

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
        # A number tree with a leaf a page, each leaf final once its page is drawn, rather
        # than one list of every marked content of the deck (megabytes to write at once).
        self.parent_tree = pydyf.Dictionary({"Kids": pydyf.Array()})
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

    @stack.roomy
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
            marked = pydyf.Array([ref for _, ref in sorted(page_numbers.items())])
            leaf = self._parent_leaf(number, number, [number, marked])
            formulas = formula_pdf.formula_places(page._page_box, number)
            page._page_box = None  # drawn and tagged: the boxes can go
            self.pages.append(page)
            self._seal(stream, leaf, formulas)

    def _parent_leaf(self, first: int, last: int, numbers: list[Any]) -> Any:
        """A leaf of the structure's parent tree: keys ``first`` to ``last``."""
        import pydyf

        leaf = pydyf.Dictionary({
            "Limits": pydyf.Array((first, last)), "Nums": pydyf.Array(numbers),
        })  # fmt: skip
        self.pdf.add_object(leaf)
        self.parent_tree["Kids"].append(leaf.reference)
        return leaf

    def _seal(self, stream: Any, leaf: Any, formulas: set[tuple[int, tuple[float, ...]]]) -> None:
        """Keep the page just drawn as bytes: its content ``stream`` as its own, its
        structure elements and its ``leaf`` of the parent tree joined and compressed, the
        figures at the places of ``formulas`` retagged first.

        Annotations, page dictionaries and the rest stay objects: the end of the PDF still
        changes some of them.
        """
        import pydyf

        objects = self.pdf.objects
        formula_pdf.retag_formulas(self.pdf, formulas, objects[self.sealed :])
        elements: list[tuple[int, bytes]] = []
        for index in range(self.sealed, len(objects)):
            found = objects[index]
            if found is stream:
                objects[index] = self.streams[-1] = _Sealed(index, found.data)
            elif found is leaf or (
                isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem"
            ):
                elements.append((index, found.data))
                objects[index] = STORED
        self.stored.add(elements)
        self.sealed = len(objects)

    @stack.roomy
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
        start, links = len(self.pages), []
        for i, (reference, annotation) in enumerate(self.annotations, start=start):
            links += [i, reference]
            annotation["StructParent"] = i
        if links:
            self._parent_leaf(start, start + len(self.annotations) - 1, links)
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
        write(pdf, output, options["pdf_version"], options["pdf_identifier"], self.compress,
              self.stored)  # fmt: skip
        return without_attachments(output.getvalue())


class _Sealed:
    """A finished stream of the PDF, as bytes: what a PDF writer reads of an object, in
    slots, so a deck's pages take little room and pin no memory of their batch."""

    __slots__ = ("data", "number")

    generation, free, compressible = 0, "n", False  # streams are never in an object stream

    def __init__(self, number: int, data: bytes) -> None:
        self.number, self.data = number, data


class _Stored:
    """PDF objects kept as bytes, a page at a time: each page's joined and compressed
    (zlib's fastest level: structure elements shrink about sevenfold), their numbers and
    where each ends in the page's bytes in compact arrays. The 50,000 structure elements of
    a 1,000-card deck take 0.5 MB (3.5 MB of PDF; some 25 MB as dictionaries)."""

    def __init__(self) -> None:
        self.parts: list[tuple[bytes, array[int], array[int]]] = []

    def add(self, objects: list[tuple[int, bytes]]) -> None:
        """Keep ``objects`` (number, bytes), in increasing order of number, each after
        every object kept before."""
        if not objects:
            return
        numbers, ends = array("L", (number for number, _ in objects)), array("L")
        end = 0
        for _, data in objects:
            end += len(data)
            ends.append(end)
        blob = zlib.compress(b"".join(data for _, data in objects), 1)
        self.parts.append((blob, numbers, ends))

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        """Every object kept, (number, bytes), in increasing order: one page unpacked at a
        time."""
        for blob, numbers, ends in self.parts:
            joined = memoryview(zlib.decompress(blob))
            start = 0
            for number, end in zip(numbers, ends, strict=True):
                yield number, bytes(joined[start:end])
                start = end

    def __len__(self) -> int:
        return sum(len(numbers) for _, numbers, _ in self.parts)


class _StoredObject:
    """What stands in ``PDF.objects`` for an object kept in a :class:`_Stored`."""

    __slots__ = ()
    generation, free, compressible = 0, "n", True


STORED = _StoredObject()


def write(
    pdf: Any, output: BinaryIO, version: Any, identifier: Any, compress: bool, stored: _Stored
) -> None:
    """Write ``pdf`` to ``output``, byte for byte as pydyf's ``PDF.write`` would, taking the
    objects that are :data:`STORED` from ``stored``, one page at a time.

    Unlike ``PDF.write``, the bytes of each object are made once, the file identifier is
    hashed as the objects go by instead of from a copy of all their bytes, and the object
    stream is compressed as its objects are read, so writing a long deck adds little to
    its memory.
    """
    import pydyf

    version = pydyf._to_bytes(version or b"1.7")
    if identifier not in (False, True, None):
        identifier = pydyf._to_bytes(identifier)
    if pdf.info:
        pdf.add_object(pdf.info)
    objects = pdf.objects
    offsets = array("L", [0]) * (len(objects) + 2)  # and the two streams to come
    position = 0

    def line(content: bytes) -> None:
        nonlocal position
        output.write(content + b"\n")
        position += len(content) + 1

    def indirect(number: int, generation: int, data: bytes) -> None:
        offsets[number] = position
        line(b"%d %d obj\n%s\nendobj" % (number, generation, data))

    def identifiers() -> tuple[bytes, bytes]:
        """The file identifier's two halves: the one given (or the hash), the hash of every
        object's bytes (read by now)."""
        hashed = digest.hexdigest().encode()
        first = hashed if identifier is True else identifier
        return pydyf.String(first).data, pydyf.String(hashed).data

    def every(compressible: bool = False) -> Iterator[tuple[int, Any, bytes]]:
        """(number, object, bytes) of each object in use, in order; of those that can go
        into an object stream only, if ``compressible``."""
        kept = iter(stored)
        for number, found in enumerate(objects):
            if found.free == "f" or (compressible and not found.compressible):
                continue
            if found is STORED:
                kept_number, data = next(kept)
                assert kept_number == number, (kept_number, number)
            else:
                data = found.data
            yield number, found, data

    line(b"%PDF-" + version)
    line(b"%\xf0\x9f\x96\xa4")
    digest = hashlib.md5(usedforsecurity=False)  # pydyf's file identifier
    if version >= b"1.5" and compress:
        # Objects that cannot be compressed first, then one object stream for the others,
        # headed by the number and offset of each: the stream's objects are read twice
        # (once for their lengths) rather than kept.
        head, start, count = bytearray(), 0, 0
        for number, found, data in every():
            digest.update(data)
            if found.compressible:
                head += b"%d %d " % (number, start)
                start += len(data) + 1
                count += 1
            else:
                indirect(number, found.generation, data)
        del head[-1:]
        first = len(head) + 1
        packer = zlib.compressobj(level=9)
        packed = bytearray(packer.compress(bytes(head)))
        del head
        for _, _, data in every(compressible=True):
            packed += packer.compress(b"\n" + data)
        packed += packer.flush()
        extra = pydyf.Dictionary({
            "Type": "/ObjStm", "N": count, "First": first,
            "Filter": "/FlateDecode", "Length": len(packed),
        })  # fmt: skip
        object_stream = _Sealed(
            len(objects), b"\n".join((extra.data, b"stream", packed, b"endstream"))
        )
        del packed
        pdf.add_object(object_stream)
        digest.update(object_stream.data)
        indirect(object_stream.number, 0, object_stream.data)
        # The cross-reference stream, its own entry last.
        most = max(max(found.generation for found in objects), count)
        sizes = (1, ceil(log(position + 1, 256)), ceil(log(most + 1, 256)))
        table, index = bytearray(), 0

        def entry(kind: int, field: int, last: int) -> None:
            table.extend(kind.to_bytes(sizes[0], "big"))
            table.extend(field.to_bytes(sizes[1], "big"))
            table.extend(last.to_bytes(sizes[2], "big"))

        for number, found in enumerate(objects):
            if found.compressible:
                entry(2, object_stream.number, index)
                index += 1
            else:
                entry(int(bool(number)), offsets[number], found.generation)
        entry(1, position, 0)
        extra = pydyf.Dictionary({
            "Type": "/XRef", "Index": pydyf.Array((0, len(objects) + 1)),
            "W": pydyf.Array(sizes), "Size": len(objects) + 1, "Root": pdf.catalog.reference,
        })  # fmt: skip
        if pdf.info:
            extra["Info"] = pdf.info.reference
        if identifier:
            extra["ID"] = pydyf.Array(identifiers())
        xref_stream = pydyf.Stream([bytes(table)], extra, compress)
        pdf.add_object(xref_stream)
        xref_position = position
        indirect(xref_stream.number, 0, xref_stream.data)
    else:
        for number, found, data in every():
            digest.update(data)
            indirect(number, found.generation, data)
        xref_position = position
        line(b"xref")
        line(b"0 %d" % len(objects))
        for number, found in enumerate(objects):
            line(b"%010d %05d %s " % (offsets[number], found.generation, found.free.encode()))
        line(b"trailer")
        line(b"<<")
        line(b"/Size %d" % len(objects))
        line(b"/Root " + pdf.catalog.reference)
        if pdf.info:
            line(b"/Info " + pdf.info.reference)
        if identifier:
            line(b"/ID [%s %s]" % identifiers())
        line(b">>")
    line(b"startxref")
    line(b"%d" % xref_position)
    line(b"%%EOF")
