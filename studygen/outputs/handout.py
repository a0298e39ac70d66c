"""The course handout: numbered sections, figures, FAQ and key points, with navigation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studygen import pdf
from studygen.choices import CSS_PAGE_SIZES
from studygen.errors import SourceError
from studygen.i18n import labels_for
from studygen.model import Document, image_blocks
from studygen.outputs.base import Job, Made
from studygen.templating import common_context

if TYPE_CHECKING:
    from studygen.sources.loader import Source

TOC_MIN_SECTIONS = 3
ITEMS_PER_PAGE = 30  # blocks, key points, questions: a page holds about 20 short ones
CHARACTERS_PER_PAGE = 3000  # a full A4 page of the handout holds about 3,500


def context(
    doc: Document, paper: str, toc: bool | None = None, addresses: bool = True
) -> dict[str, Any]:
    """Sections with their figure numbers, and the table of contents, for the handout.

    ``toc=None`` puts a table of contents in documents of three sections or more.
    """
    figures = {(s, b): n for n, (s, b, _) in enumerate(image_blocks(doc), start=1)}
    sections = [
        {
            "number": s + 1,
            "section": section,
            "blocks": [
                {"block": block, "figure": figures.get((s, b))}
                for b, block in enumerate(section.blocks)
            ],
        }
        for s, section in enumerate(doc.sections)
    ]
    labels = labels_for(doc.lang)
    contents = [
        {"id": f"section-{s + 1}", "number": s + 1, "title": section.title}
        for s, section in enumerate(doc.sections)
    ]
    if doc.faq:
        contents.append({"id": "faq", "number": None, "title": labels["faq"]})
    if doc.key_points:
        contents.append({"id": "key-points", "number": None, "title": labels["key_points"]})
    if doc.links:
        contents.append({"id": "links", "number": None, "title": labels["links"]})
    if toc is None:
        toc = len(doc.sections) >= TOC_MIN_SECTIONS
    return {
        **common_context(doc),
        "page_size": CSS_PAGE_SIZES[paper],
        "sections": sections,
        "toc": contents if toc else [],
        "show_addresses": addresses,
    }


class Handout:
    """The handout: every section of the source, laid out in one pass."""

    name = "handout"
    file_name = "handout.pdf"

    def wanted(self, source: Source) -> bool:
        """A handout needs sections, or the text of a note that has none (a deck alone has
        neither)."""
        return bool(source.doc.sections or source.doc.intro)

    def make(self, job: Job) -> Made:
        """Lay out the handout; broken images and refused files fail the source."""
        source, options = job.source, job.options
        _check_length(source, options.max_pages)
        doc = source.doc
        rendered = job.lay_out(context(doc, options.paper, options.toc, options.link_addresses))
        problems = pdf.image_problems(source, rendered)
        problems += pdf.refusal_problems(source, rendered.refusals)
        if problems:
            raise SourceError(problems)
        job.check_pages(rendered)
        return Made(rendered, job.layout_warnings(rendered))


def _check_length(source: Source, max_pages: int) -> None:
    """Refuse, before any layout, a handout far longer than the page limit allows."""
    characters = len(source.doc.model_dump_json())
    doc = source.doc
    items = len(doc.key_points) + len(doc.faq) + sum(1 + len(s.blocks) for s in doc.sections)
    pages = max(characters // CHARACTERS_PER_PAGE, items // ITEMS_PER_PAGE)
    if pages > max_pages:
        raise SourceError.single(
            source.path, 1, 1,
            f"this source would make a handout of about {pages} "
            f"pages, over the limit of {max_pages} (max_pages in studygen.toml)",
        )  # fmt: skip


OUTPUT = Handout()
