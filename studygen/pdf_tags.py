"""The structure elements of a tagged PDF, written with fewer steps and the same bytes.

WeasyPrint 70 makes a PDF dictionary for every structure element (about 2,000 for an
8-page handout) and pydyf turns each into bytes twice: once for the PDF, once more to hash
every object for the file identifier. Here WeasyPrint's tagging (``weasyprint.pdf.tags``)
makes them of two subclasses of pydyf's dictionary and array that write each value by its
type, and, while a PDF is written, give the bytes of the first time again. The bytes are
pydyf's (``tests/test_pdf_tags.py`` writes varied documents both ways).

Only with the WeasyPrint release whose tagging was checked (:func:`pdf.engine_known`);
otherwise nothing is changed.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# While a PDF is written: the bytes of each structure element (with it, so no id is reused).
_written: dict[int, tuple[Any, bytes]] | None = None
_installed: dict[str, Any] = {}


def install() -> None:
    """Make WeasyPrint's tagging use the classes below (once; WeasyPrint 70 only)."""
    if _installed:
        return
    import pydyf
    from weasyprint.pdf import tags

    from studygen.pdf import engine_known

    if not engine_known() or tags.pydyf is not pydyf:
        return
    dictionary, array, to_bytes = _classes(pydyf)
    shim = types.SimpleNamespace(Dictionary=dictionary, Array=array, String=pydyf.String)
    write = pydyf.PDF.write

    def write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        global _written
        outer, _written = _written, {}
        try:
            return write(self, *args, **kwargs)
        finally:
            _written = outer

    _installed.update(tags=tags, pydyf=pydyf, write=write, to_bytes=to_bytes)
    tags.pydyf = shim
    pydyf.PDF.write = write_once


@contextmanager
def stock() -> Iterator[None]:
    """WeasyPrint's own tagging for the block (tests compare both)."""
    if not _installed:
        yield
        return
    tags, pydyf = _installed["tags"], _installed["pydyf"]
    shim, patched = tags.pydyf, pydyf.PDF.write
    tags.pydyf, pydyf.PDF.write = pydyf, _installed["write"]
    try:
        yield
    finally:
        tags.pydyf, pydyf.PDF.write = shim, patched


def _classes(pydyf: Any) -> tuple[type, type, Any]:
    """pydyf's Dictionary and Array, written the same, faster."""
    to_bytes = pydyf._to_bytes

    def value(item: Any) -> bytes:
        kind = type(item)
        if kind is bytes:
            return item  # type: ignore[no-any-return]
        if kind is str or kind is int:
            return str(item).encode("ascii")  # what pydyf writes for them
        if kind is Dictionary or kind is Array:
            return item.data  # type: ignore[no-any-return]
        return to_bytes(item)  # type: ignore[no-any-return]

    class Dictionary(pydyf.Dictionary):  # type: ignore[misc]
        @property
        def data(self) -> bytes:
            written = _written
            if written is not None:
                found = written.get(id(self))
                if found is not None:
                    return found[1]
            data = b"".join([b"/" + value(k) + b" " + value(v) for k, v in self.items()])
            data = b"<<" + data + b">>"
            if written is not None and self.number is not None:
                written[id(self)] = (self, data)
            return data

        @property
        def compressible(self) -> bool:
            return not self.generation

    class Array(pydyf.Array):  # type: ignore[misc]
        @property
        def data(self) -> bytes:
            return b"[" + b" ".join([value(child) for child in self]) + b"]"

    return Dictionary, Array, to_bytes
