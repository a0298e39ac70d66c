"""The structure elements of a tagged PDF, written with fewer steps and the same bytes.

WeasyPrint 70 makes a PDF dictionary for every structure element (about 2,000 for an
8-page handout) and pydyf turns each into bytes twice: once for the PDF, once more to hash
every object for the file identifier. Here WeasyPrint's tagging (``weasyprint.pdf.tags``)
makes them of two subclasses of pydyf's dictionary and array that write each value by its
type, and, while a PDF is written, give the bytes of the first time again (the cache of
``pdf_writing``, which ``pdf.write`` installs first). The bytes are
pydyf's (``tests/test_pdf_tags.py`` writes varied documents both ways).

Only with the WeasyPrint release whose tagging was checked (:func:`pdf.engine_known`);
otherwise nothing is changed.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
    dictionary, array = _classes(pydyf)
    shim = types.SimpleNamespace(Dictionary=dictionary, Array=array, String=pydyf.String)
    _installed.update(tags=tags, pydyf=pydyf)
    tags.pydyf = shim


@contextmanager
def stock() -> Iterator[None]:
    """WeasyPrint's own tagging for the block (tests compare both)."""
    if not _installed:
        yield
        return
    tags = _installed["tags"]
    shim, tags.pydyf = tags.pydyf, _installed["pydyf"]
    try:
        yield
    finally:
        tags.pydyf = shim


def _classes(pydyf: Any) -> tuple[type, type]:
    """pydyf's Dictionary and Array, written the same, faster (and, while a PDF is
    written, a structure element's bytes made once: ``pdf_writing.once``)."""
    from studygen.pdf_writing import once

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
            if self.number is None:  # inside another object: written with it, once
                return self.serialised()
            return once(self, self.serialised)

        def serialised(self) -> bytes:
            data = b"".join([b"/" + value(k) + b" " + value(v) for k, v in self.items()])
            return b"<<" + data + b">>"

        @property
        def compressible(self) -> bool:
            return not self.generation

    class Array(pydyf.Array):  # type: ignore[misc]
        @property
        def data(self) -> bytes:
            return b"[" + b" ".join([value(child) for child in self]) + b"]"

    return Dictionary, Array
