"""The calibration sheet's scales read as the offset to type, for each duplex mode."""

from __future__ import annotations

from studygen.outputs.calibration import scale_ticks


def _label(ticks: list[dict[str, object]], at: int) -> str:
    return str(next(t["label"] for t in ticks if t["at"] == at))


def test_long_edge_scales() -> None:
    # Long edge: the back's X is mirrored when seen from the front, its Y is not. A back
    # printed 2 mm too far left (in its own frame) shows 2 mm to the right: shift it +2.
    # A back printed 3 mm too low shows 3 mm lower: shift it up, -3.
    ticks = scale_ticks("long-edge")
    assert _label(ticks["x"], 2) == "+2"
    assert _label(ticks["y"], 3) == "-3"
    assert _label(ticks["x"], 0) == "0"


def test_short_edge_scales() -> None:
    # Short edge: the back's Y is mirrored, its X is not.
    ticks = scale_ticks("short-edge")
    assert _label(ticks["x"], 2) == "-2"
    assert _label(ticks["y"], 3) == "+3"


def test_scales_cover_ten_millimetres_each_way() -> None:
    ticks = scale_ticks("long-edge")
    assert [t["at"] for t in ticks["x"]] == list(range(-10, 11))
    assert sum(1 for t in ticks["x"] if t["major"]) == 5
