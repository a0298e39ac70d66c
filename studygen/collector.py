"""Python's garbage collector, tuned while WeasyPrint lays out and writes.

A layout makes hundreds of thousands of short-lived objects (boxes, styles, text runs), so
the collector's default first threshold (700 allocations) starts a collection every few
lines of text, and each older collection walks every object alive: the imported modules,
the source, and, while flashcard faces are fitted, the pages of the first pass. About a
tenth of a handout's CPU time and a fifth of a long deck's went there.

Inside ``tuned()`` what was alive before is frozen (``gc.freeze``: not walked, since it
outlives the layout anyway) and collections come less often; garbage in cycles is still
collected, so memory stays bounded. The settings are restored when the outermost block
ends. Nothing that is drawn depends on it: the PDF bytes are the same.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Collections of the youngest generation every 10,000 net allocations instead of 700; the
# older generations' factors stay about CPython's own. Measured on the 200-card deck of
# benchmarks/bench_flashcards.py: 10,000 to 50,000 give the same time; memory stays flat.
THRESHOLDS = (10_000, 10, 10)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def tuned() -> Iterator[None]:
    """Fewer collections, older objects frozen, for the block; blocks nest."""
    global _depth, _saved
    with _lock:
        _depth += 1
        if _depth == 1 and gc.isenabled():
            first, second, third = gc.get_threshold()
            _saved = (first, second, third)
            gc.freeze()
            gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                gc.unfreeze()
                _saved = None
