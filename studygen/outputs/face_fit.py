"""Fitting passes for card faces: the largest type size at which each face fits its card."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field


@dataclass
class FaceFit:
    """Per-face type sizes after fitting, and what still overflows at the minimum size."""

    sizes: dict[str, float]
    changed: bool  # False: every face fitted at its default size in the first pass
    full_passes: int
    partial_passes: int
    overflowing: dict[str, float] = field(default_factory=dict)  # face → needed / available


Measure = Callable[[dict[str, float], "set[str] | None"], dict[str, float]]


def fit_faces(
    defaults: dict[str, float],
    minimum: float,
    measure: Measure,
    step: float = 0.5,
    pictured: Collection[str] = (),
) -> FaceFit:
    """Shrink each face that overflows until it fits, in a few passes whatever the deck size.

    ``measure(sizes, faces)`` lays out the faces named (all of them when ``faces`` is
    None) and returns, per face, the height its text needs over the height it has. The
    first pass lays out every face; later passes only the faces still being fitted. A
    face's next size is predicted from what was measured of it (the height its text needs
    grows with a power of the type size between 1 and 3, learnt from two measurements): the
    first guess is the size where the text would just fit, to the nearest quarter point, so
    that it either fits with its box nearly full or overflows just above the size that
    fits. A face is done when it fits and a size ``step`` larger is known not to: measured
    to overflow, or proven to by the height needed at the size that fits (the text needs
    at least as many lines at a larger size, each taller). So each face ends within
    ``step`` of the largest size that fits, and the "one step larger" pass happens only
    for faces whose measurement leaves the question open. A picture keeps its height
    whatever the type size: for the faces ``pictured`` (read after the first pass) nothing
    is proven, a step larger is always tried.
    """
    sizes = dict(defaults)
    ratios = measure(sizes, None)
    fits: dict[str, tuple[float, float]] = {}  # the largest size found to fit, its ratio
    over: dict[str, list[tuple[float, float]]] = {}  # sizes found too large, smallest last
    for face, ratio in ratios.items():
        if ratio > TOLERANCE:
            over[face] = [(sizes[face], ratio)]
    result = FaceFit(sizes, bool(over), 1, 0)
    todo = _next_sizes(over, fits, minimum, step, pictured)
    while todo and result.partial_passes < _MAX_PASSES:
        sizes.update(todo)
        ratios = measure(sizes, set(todo))
        result.partial_passes += 1
        for face, size in todo.items():
            if ratios[face] <= TOLERANCE:
                fits[face] = (size, ratios[face])
            else:
                over[face].append((size, ratios[face]))
        todo = _next_sizes(over, fits, minimum, step, pictured)
    for face, tried in over.items():
        if face in fits:
            sizes[face] = fits[face][0]
        else:  # does not fit even at the smallest size tried
            sizes[face] = tried[-1][0]
            result.overflowing[face] = tried[-1][1]
    return result


_MAX_PASSES = 7
TOLERANCE = 1.0005


def _next_sizes(
    over: dict[str, list[tuple[float, float]]],
    fits: dict[str, tuple[float, float]],
    minimum: float,
    step: float,
    pictured: Collection[str],
) -> dict[str, float]:
    """The size to lay out each face at next, for the faces not yet done."""
    todo = {}
    for face, tried in over.items():
        high, high_ratio = tried[-1]
        if face not in fits:
            if high <= minimum:
                continue  # cannot fit: shown clipped at the smallest size
            # The size where it would just fit: to the nearest quarter point at first, then
            # (its first guess overflowed) the quarter below.
            estimate = _predict(tried, 1.0)
            guess = _quarter_near(estimate) if len(tried) == 1 else _quarter_down(estimate)
            todo[face] = max(minimum, min(guess, high - 0.25))
            continue
        low, low_ratio = fits[face]
        # The text needs at least as many lines at a larger size, each taller: no size
        # above ``proven`` can fit.
        proven = low * TOLERANCE / low_ratio if low_ratio > 0 and face not in pictured else high
        if min(high, proven) - low <= step + 1e-9:
            continue
        estimate = _predict([*tried, (low, low_ratio)], 1.0)
        larger = max(low + 0.25, min(_quarter_down(estimate), high - 0.25, proven))
        if larger < high:
            todo[face] = larger
    return todo


def _predict(points: list[tuple[float, float]], margin: float) -> float:
    """The size at which the text would just fit, from (size, ratio) measurements: the
    needed height taken as growing with size ** power, the power learnt from the two
    measurements nearest the fit (2, text area, when only one was made)."""
    # A text longer than the page is cut at the page's end: the same ratio at two sizes.
    # The smaller size then counts, its ratio a lower bound.
    near = sorted(points, key=lambda p: (abs(math.log(p[1])), p[0]))[:2]
    size, ratio = near[0]
    power = 2.0
    if len(near) == 2 and near[1][0] != size:
        other, other_ratio = near[1]
        learnt = math.log(ratio / other_ratio) / math.log(size / other)
        power = min(3.0, max(1.0, learnt))
    return float(size / ratio ** (1 / power) * margin)


def _quarter_down(size: float) -> float:
    return int(size * 4) / 4


def _quarter_near(size: float) -> float:
    return round(size * 4) / 4
