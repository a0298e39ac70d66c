"""Room on Python's frame stack for WeasyPrint's recursion, so that it does not map and unmap
memory on every line it lays out.

CPython (3.11, 3.12, and 3.13 and 3.14 before their fixes of python/cpython#142183) keeps a
thread's frames in chunks of 16 KiB and gives a chunk back to the system (``munmap``) as
soon as the frame at its start returns. WeasyPrint lays out and draws by recursion, boxes in
boxes, a line at a time: a loop whose calls reach past the edge of a chunk maps a new chunk,
touches its pages and unmaps it, call after call. Where the edges fall depends on how deep
the stack already is, so the same document costs more or less depending on who calls it.
The bundled handout, laid out and written: about 5,000 page faults and 50 ms of system time
a build, against 250 faults and 10 ms in a roomy frame.

:func:`roomy` calls a function from a frame whose evaluation stack is sized at half a
megabyte: the interpreter gives that frame a chunk of 1 MiB to itself, and the frames of the
call, up to half a megabyte of them (more than a thousand of WeasyPrint's), follow it in the
same chunk. The stack part of the frame is never written to, so its pages are never touched;
the chunk is mapped once a call. Nothing that is drawn depends on it: the bytes are the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Slots of 8 bytes: a frame of 512 KiB, which the interpreter places at the start of a chunk
# of 1 MiB (the smallest power-of-two chunk that holds it and a margin of 1,000 slots).
STACK_SLOTS = 65_536


def roomy(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, called from a frame with room for its deepest calls in one chunk."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return function(*args, **kwargs)

    code = call.__code__
    if code.co_stacksize < STACK_SLOTS:  # never smaller than the compiler's own count
        call.__code__ = code.replace(co_stacksize=STACK_SLOTS)
    return functools.wraps(function)(call)
