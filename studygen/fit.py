"""Fitting passes: find the largest type size at which content fits its pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Fit(Generic[T]):
    """The chosen size, what was laid out at that size, and how many passes it took."""

    size: float
    result: T
    passes: int
    fits: bool


def largest_fitting(sizes: list[float], attempt: Callable[[float], tuple[T, bool]]) -> Fit[T]:
    """Binary search over ``sizes`` (largest first) for the largest size whose attempt fits.

    Returns the smallest size's attempt, with ``fits=False``, when nothing fits.
    """
    passes = 0
    best: tuple[float, T] | None = None
    low, high = 0, len(sizes) - 1  # indexes: 0 is the largest size
    while low <= high:
        middle = (low + high) // 2
        result, fits = attempt(sizes[middle])
        passes += 1
        if fits:
            best = (sizes[middle], result)
            high = middle - 1
        else:
            low = middle + 1
            if middle == len(sizes) - 1:
                return Fit(sizes[middle], result, passes, False)
    if best is None:  # pragma: no cover - the loop returns above when the smallest fails
        result, fits = attempt(sizes[-1])
        return Fit(sizes[-1], result, passes + 1, fits)
    return Fit(best[0], best[1], passes, True)
