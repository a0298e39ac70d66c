"""One error hierarchy; ``cli.py`` is the only place that turns it into exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Control characters, line and paragraph separators, and bidirectional overrides: content
# quoted in a message must not move the cursor, colour the terminal or reorder the line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), on one line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class StudygenError(Exception):
    """An error a user can cause and fix: printed without a traceback, exit code 1."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file, at a 1-based line and column."""

    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            where = f"{self.path}"
        elif self.col <= 0:
            where = f"{self.path}:{self.line}"
        else:
            where = f"{self.path}:{self.line}:{self.col}"
        return printable(f"{where}: {self.message}")


class SourceError(StudygenError):
    """Every problem found in one source file (never empty)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line, p.col))
        if not self.problems:
            raise ValueError("SourceError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: Path, line: int, col: int, message: str) -> SourceError:
        """A source error with exactly one problem."""
        return cls([Problem(path, line, col, message)])


class BuildError(StudygenError):
    """An output could not be produced (layout impossible, renderer failure)."""


class ConfigError(StudygenError):
    """``studygen.toml`` or a command-line option holds an invalid value."""
