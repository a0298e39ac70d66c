"""What every row of the table returns: a figure, what it measured, its goal, and whether
the goal is met; and the settings every row reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """How much to measure: ``quick`` shrinks the inputs, ``rounds`` interleaved rounds."""

    quick: bool
    rounds: int
    folder: Path  # a temporary folder for generated sources and outputs

    def size(self, full: int, quick: int) -> int:
        """An input's size in this mode."""
        return quick if self.quick else full


@dataclass(frozen=True)
class Figure:
    """One line of the table."""

    figure: str
    measured: str
    goal: str
    verdict: str  # "met", "not met", or what stands in for them ("measured", "failed: …")


def verdict(met: bool) -> str:
    """``met`` or ``not met``."""
    return "met" if met else "not met"
