"""The collector is tuned only while WeasyPrint works, and put back as it was."""

from __future__ import annotations

import gc

import pytest

from studygen import collector


def test_tuned_nests_and_restores() -> None:
    before = gc.get_threshold()
    with collector.tuned():
        assert gc.get_threshold() == collector.THRESHOLDS
        with collector.tuned():
            assert gc.get_threshold() == collector.THRESHOLDS
        assert gc.get_threshold() == collector.THRESHOLDS  # the inner block left it tuned
    assert gc.get_threshold() == before


def test_restored_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError), collector.tuned():
        raise ValueError("layout failed")
    assert gc.get_threshold() == before


def test_cycles_made_inside_are_still_collected() -> None:
    class Node:
        other: object

    with collector.tuned():
        for _ in range(50_000):  # ten times the first threshold
            first, second = Node(), Node()
            first.other, second.other = second, first
        alive = sum(isinstance(thing, Node) for thing in gc.get_objects())
    assert alive < 25_000  # most of the 100,000 were freed while the block ran


def test_left_alone_when_the_collector_is_off() -> None:
    gc.disable()
    try:
        with collector.tuned():
            assert not gc.isenabled()
            assert gc.get_threshold() != collector.THRESHOLDS
    finally:
        gc.enable()
