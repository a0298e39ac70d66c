"""Fitting passes for card faces: the largest type size at which each face fits its card."""

from __future__ import annotations

from collections.abc import Callable
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
    defaults: dict[str, float], minimum: float, measure: Measure, step: float = 0.5
) -> FaceFit:
    """Shrink each face that overflows until it fits, in a few passes whatever the deck size.

    ``measure(sizes, faces)`` lays out the faces named (all of them when ``faces`` is
    None) and returns, per face, the height its text needs over the height it has. The
    first pass lays out every face; later passes only the faces still being fitted. A
    face's next size comes from its own overflow (text area grows with the square of
    the type size); a last pass tries one step larger for every shrunk face, so each
    ends within ``step`` of the largest size that fits.
    """
    sizes = dict(defaults)
    ratios = measure(sizes, None)
    pending = {face: ratio for face, ratio in ratios.items() if ratio > _TOLERANCE}
    result = FaceFit(sizes, bool(pending), 1, 0)
    shrunk: set[str] = set()
    rounds = 0
    while pending:
        changed = [face for face in pending if sizes[face] > minimum]
        if not changed or rounds >= 6:
            break
        for face in changed:
            estimate = sizes[face] / pending[face] ** 0.5 * 0.985
            if rounds:  # the first estimate fell short: make sure every round progresses
                estimate = min(estimate, sizes[face] - step)
            sizes[face] = max(minimum, _quarter_down(estimate))
        shrunk.update(changed)
        ratios = measure(sizes, set(changed))
        result.partial_passes += 1
        rounds += 1
        stuck = {f: r for f, r in pending.items() if f not in changed}
        pending = {f: ratios[f] for f in changed if ratios[f] > _TOLERANCE} | stuck
    result.overflowing = pending
    larger = {
        face: min(defaults[face], sizes[face] + step)
        for face in shrunk
        if face not in pending and sizes[face] < defaults[face]
    }
    if larger:
        ratios = measure({**sizes, **larger}, set(larger))
        result.partial_passes += 1
        sizes.update({face: size for face, size in larger.items() if ratios[face] <= _TOLERANCE})
    return result


_TOLERANCE = 1.0005


def _quarter_down(size: float) -> float:
    return int(size * 4) / 4
