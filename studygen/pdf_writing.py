"""Two costs of pydyf, WeasyPrint's PDF writer, that grow with a document, taken away without
changing a byte of the PDF (``tests/test_golden.py`` holds the bytes).

- Page references: WeasyPrint's tags ask for the list of the pages' references for every
  element they make, and pydyf makes the list anew each time, so the tags of a long handout
  took time growing with the square of its pages. The list is kept while the pages stay
  the same.
- The file identifier: to make its second half, pydyf hashes the bytes of every object once
  more, and a stream's bytes are compressed again (zlib, level 9) each time they are asked
  for. While a PDF is written, each stream is compressed once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The bytes of each stream while a PDF is written (with the stream, so no id is reused).
_written: dict[int, tuple[Any, bytes]] | None = None


def once(obj: Any, make: Callable[[], bytes]) -> bytes:
    """The bytes ``make()`` gives for ``obj``: made once while a PDF is written (pydyf's
    ``PDF.write``, once :func:`install` has run), each time they are asked for otherwise."""
    if _written is None:
        return make()
    found = _written.get(id(obj))
    if found is None:
        found = _written[id(obj)] = (obj, make())
    return found[1]


def install() -> None:
    """Patch pydyf's page references and stream bytes (once)."""
    import pydyf

    listed = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(listed, property) or not isinstance(
        getattr(pydyf.Stream, "data", None), property
    ):
        return  # another pydyf: left as it is
    if getattr(listed.fget, "studygen", False):
        return
    references = listed.fget
    assert references is not None
    stream_bytes = pydyf.Stream.data
    write = pydyf.PDF.write

    def page_references(self: Any) -> Any:
        kids = self.pages["Kids"]
        key = (id(kids), len(kids))
        kept = self.__dict__.get("_studygen_page_references")
        if kept is None or kept[0] != key:
            kept = (key, references(self))
            self.__dict__["_studygen_page_references"] = kept
        return kept[1]

    def data(self: Any) -> bytes:
        return bytes(once(self, lambda: stream_bytes.fget(self)))

    def write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        global _written
        _written = {}
        try:
            return write(self, *args, **kwargs)
        finally:
            _written = None

    page_references.studygen = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)
    pydyf.Stream.data = property(data)
    pydyf.PDF.write = write_once
