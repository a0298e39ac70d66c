"""WeasyPrint called from a roomy frame: the same results, no memory mapped call after call."""

from __future__ import annotations

import resource
import sys

import pytest

from studygen import stack


def _down(depth: int) -> int:
    return 0 if depth == 0 else _down(depth - 1) + 1


def _loop(depth: int, times: int) -> int:
    return sum(_down(depth) for _ in range(times))


def _faults(action: object, *args: int) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    action(*args)  # type: ignore[operator]
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_a_roomy_call_gives_the_result_name_and_errors_of_the_function() -> None:
    def layout(pages: int, *, scale: float = 1.0) -> float:
        """Lay out."""
        if pages < 0:
            raise ValueError("no pages")
        return pages * scale

    roomy = stack.roomy(layout)
    assert roomy(3, scale=2.0) == 6.0
    assert roomy.__name__ == "layout" and roomy.__doc__ == "Lay out."
    with pytest.raises(ValueError, match="no pages"):
        roomy(-1)
    assert _down(300) == stack.roomy(_down)(300) == 300


def test_recursion_in_a_roomy_call_stays_in_one_chunk_of_frames() -> None:
    # Find the depth at which a loop of calls keeps crossing the edge of a chunk of frames:
    # there, an interpreter that frees each chunk as its first frame returns maps memory anew
    # on every call, each costing page faults.
    plain = {depth: _faults(_loop, depth, 100) for depth in range(1, 400)}
    depth = max(plain, key=plain.__getitem__)
    crossing = _faults(_loop, depth, 2_000)
    if crossing < 2_000:
        pytest.skip(f"Python {sys.version.split()[0]} keeps its chunks of frames: nothing to avoid")
    roomy = stack.roomy(_loop)
    roomy(depth, 10)  # the roomy frame's own chunk, mapped once a call
    assert _faults(roomy, depth, 2_000) < crossing / 20
