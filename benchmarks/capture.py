"""What studygen asked WeasyPrint to do, seen from WeasyPrint's public API: every layout
(``HTML.render``) with its HTML, stylesheets and pages, and which pages were written
(``Document.write_pdf``). Nothing of studygen's internals is assumed, so the counts hold
whatever the outputs do inside.

``floor`` then lays out and writes the final HTML with bare WeasyPrint, the least any tool
on WeasyPrint could spend on that document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Layout:
    """One WeasyPrint layout: the HTML and stylesheets it was given, and its page count."""

    html: str
    base_url: str | None
    sheets: list[dict[str, Any]]  # keyword arguments that make each stylesheet again
    pages: int


@dataclass
class Captured:
    """Every layout of a run, and for each PDF written, how many of its pages each made."""

    layouts: list[Layout] = field(default_factory=list)
    written: list[Counter[int]] = field(default_factory=list)

    @property
    def pages_laid_out(self) -> int:
        """Pages of every layout, summed."""
        return sum(layout.pages for layout in self.layouts)

    @property
    def pages_written(self) -> int:
        """Pages of every PDF written."""
        return sum(sum(counts.values()) for counts in self.written)

    def final(self) -> list[Layout]:
        """The layouts whose HTML makes what was written: for each PDF, the layout of its
        pages if one made them all; a layout of as many pages that gave it most of them
        (pages kept from an earlier pass, a few laid out again); else every layout it took
        pages from (sheets laid out in batches)."""
        chosen: list[Layout] = []
        for counts in self.written:
            total = sum(counts.values())
            main, _ = counts.most_common(1)[0]
            if self.layouts[main].pages == total:
                chosen.append(self.layouts[main])
            else:
                chosen += [self.layouts[index] for index in sorted(counts)]
        return chosen

    def summary(self) -> str:
        """``7 layouts (2 of the whole document), 112 pages laid out for 50 written``."""
        whole = sum(1 for layout in self.layouts if layout.pages >= self.pages_written)
        count = len(self.layouts)
        return (
            f"{count} layout{'s' if count != 1 else ''} ({whole} of the whole document), "
            f"{self.pages_laid_out} pages laid out for {self.pages_written} written"
        )


# The leading parameters of weasyprint.HTML and weasyprint.CSS, in order.
_KEYS = ("guess", "filename", "url", "file_obj", "string", "encoding", "base_url")


@contextmanager
def capturing() -> Iterator[Captured]:
    """Record every layout and every PDF written while the block runs."""
    import weasyprint
    from weasyprint.document import Document

    # studygen keeps stylesheets parsed in one build for the next ones in the same process:
    # forgotten here, each is parsed again while the block runs, and recorded for the floor.
    from studygen.pdf import forget_stylesheets

    forget_stylesheets()
    captured = Captured()
    originals = {
        (weasyprint.HTML, "__init__"): weasyprint.HTML.__init__,
        (weasyprint.HTML, "render"): weasyprint.HTML.render,
        (weasyprint.CSS, "__init__"): weasyprint.CSS.__init__,
        (Document, "write_pdf"): Document.write_pdf,
    }

    def html_init(self: Any, *args: Any, **kwargs: Any) -> None:
        given = {**dict(zip(_KEYS, args, strict=False)), **kwargs}
        self._bench_source = (given.get("string", given.get("guess")), given.get("base_url"))
        originals[(weasyprint.HTML, "__init__")](self, *args, **kwargs)

    def css_init(self: Any, *args: Any, **kwargs: Any) -> None:
        given = {**dict(zip(_KEYS, args, strict=False)), **kwargs}
        self._bench_source = {k: given[k] for k in _KEYS if given.get(k) is not None}
        originals[(weasyprint.CSS, "__init__")](self, *args, **kwargs)

    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        document = originals[(weasyprint.HTML, "render")](self, *args, **kwargs)
        html, base_url = getattr(self, "_bench_source", (None, None))
        sheets = [getattr(s, "_bench_source", {}) for s in kwargs.get("stylesheets") or ()]
        index = len(captured.layouts)
        captured.layouts.append(Layout(html, base_url, sheets, len(document.pages)))
        for page in document.pages:  # on the box: a page may be made again from it
            page._page_box._bench_layout = index
        return document

    def write_pdf(self: Any, *args: Any, **kwargs: Any) -> Any:
        captured.written.append(_sources(self.pages))
        return originals[(Document, "write_pdf")](self, *args, **kwargs)

    replacements: dict[tuple[Any, str], Callable[..., Any]] = {
        (weasyprint.HTML, "__init__"): html_init,
        (weasyprint.HTML, "render"): render,
        (weasyprint.CSS, "__init__"): css_init,
        (Document, "write_pdf"): write_pdf,
    }
    # Long flashcard decks are drawn batch by batch into one PDF (studygen's card_pdf),
    # without Document.write_pdf: each batch added counts towards the PDF it finishes.
    try:
        from studygen.outputs.card_pdf import StreamedPdf
    except ImportError:
        pass
    else:
        batches: Counter[int] = Counter()
        originals[(StreamedPdf, "add")] = StreamedPdf.add
        originals[(StreamedPdf, "finish")] = StreamedPdf.finish

        def add(self: Any, document: Any) -> Any:
            batches.update(_sources(document.pages))
            return originals[(StreamedPdf, "add")](self, document)

        def finish(self: Any) -> Any:
            captured.written.append(Counter(batches))
            batches.clear()
            return originals[(StreamedPdf, "finish")](self)

        replacements[(StreamedPdf, "add")] = add
        replacements[(StreamedPdf, "finish")] = finish
    for (owner, name), function in replacements.items():
        setattr(owner, name, function)
    try:
        yield captured
    finally:
        for (owner, name), function in originals.items():
            setattr(owner, name, function)
    if not captured.written:
        raise RuntimeError("no PDF was written")
    if any(-1 in counts for counts in captured.written):
        raise RuntimeError("a PDF was written with pages of no recorded layout")


def _sources(pages: Any) -> Counter[int]:
    """How many of ``pages`` each recorded layout made (-1: none recorded)."""
    return Counter(getattr(page._page_box, "_bench_layout", -1) for page in pages)


def floor(layouts: list[Layout]) -> Callable[[], object]:
    """Bare WeasyPrint on the same HTML and stylesheets: ``HTML(string).write_pdf()``, one
    font configuration, every stylesheet parsed, no tags, no URL fetcher of
    studygen's (``HTML.write_pdf`` is ``render`` then ``Document.write_pdf``)."""

    def run() -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        for layout in layouts:
            if layout.html is None:
                raise RuntimeError("a layout's HTML was not given as a string")
            sheets = [weasyprint.CSS(font_config=fonts, **sheet) for sheet in layout.sheets]
            html = weasyprint.HTML(string=layout.html, base_url=layout.base_url)
            document = html.render(stylesheets=sheets, font_config=fonts)
            if len(document.pages) != layout.pages:  # not the same document: say so
                raise RuntimeError(
                    f"bare WeasyPrint made {len(document.pages)} pages of a layout of "
                    f"{layout.pages}: the HTML or stylesheets were not all captured"
                )
            document.write_pdf()

    return run
