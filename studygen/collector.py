"""Python's garbage collector, tuned while WeasyPrint lays out and writes.

A layout makes hundreds of thousands of short-lived objects (boxes, styles, text runs), and
with the collector's default first threshold (700 allocations) a collection starts every few
lines of text, each one walking the young objects again and, every tenth, the older ones.
Inside ``tuned()`` the youngest generation is collected every 5,000 allocations and the
middle one every 5 of those: garbage in cycles is still collected, a little later. The
settings are restored when the outermost block ends. Nothing that is drawn depends on it:
the PDF bytes are the same.

Measured on the 200-card deck of benchmarks/bench_flashcards.py, one fresh process each,
median of 3 interleaved runs (CPU, peak memory): default 8.4 s, 149 MiB; (5000, 5, 10)
6.8 s, 150 MiB; (3000, 10, 10) 7.2 s, 153 MiB; (10000, 10, 10) 7.6 s, 178 MiB. Freezing
what was alive before a layout (``gc.freeze``) saved no more time and kept earlier garbage
until the block ended (400 cards: peak 298 MiB against 180); it is not done. Long decks
call ``release()`` between batches.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (5_000, 5, 10)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def tuned() -> Iterator[None]:
    """Fewer collections for the block; blocks nest."""
    global _depth, _saved
    with _lock:
        _depth += 1
        if _depth == 1 and gc.isenabled():
            first, second, third = gc.get_threshold()
            _saved = (first, second, third)
            gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None


def release() -> None:
    """Collect every generation now: the boxes and styles of a batch of pages just written
    are cycles that would otherwise wait for the next full collection."""
    gc.collect()
