"""One error hierarchy, and the one way messages reach the user.

Every error studygen raises on purpose is a :class:`StudygenError` and carries its exit
code: a :class:`UsageError` (an option, a setting, the project's layout: the command
itself has to change) exits with 2 wherever it is raised; a :class:`ContentError` (a
source, a template, an image: what the command was given has to change) exits with 1.
``cli.py`` is the only place that turns them into exit codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Control characters, line and paragraph separators, and bidirectional overrides: content
# quoted in a message must not move the cursor, colour the terminal or reorder the line.
# Zero-width and directional marks too: they hide or reorder what a message shows.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), on one line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class StudygenError(Exception):
    """An error a user can cause and fix: printed without a traceback."""

    exit_code = 1


class UsageError(StudygenError):
    """The command cannot run as given: a wrong option, setting or project layout (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """``studygen.toml`` or a command-line option holds an invalid value (exit 2)."""


class ContentError(StudygenError):
    """What the command was given cannot be built: a source, a template, a picture (exit 1)."""


class BuildError(ContentError):
    """An output could not be produced (layout impossible, a template that fails)."""


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


MAX_PROBLEMS = 20  # shown for one source; the rest are counted


class SourceError(ContentError):
    """Every problem found in one source file (never empty); past 20, the rest are counted."""

    def __init__(self, problems: Iterable[Problem], unread: int = 0) -> None:
        found = sorted(problems, key=lambda p: (str(p.path), p.line, p.col))
        if not found:
            raise ValueError("SourceError needs at least one problem")
        self.problems = found[:MAX_PROBLEMS]
        more = len(found) - len(self.problems) + unread
        if more > 0:
            self.problems.append(Problem(found[0].path, 0, 0, f"… and {more} more problems"))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: Path, line: int, col: int, message: str) -> SourceError:
        """A source error with exactly one problem."""
        return cls([Problem(path, line, col, message)])


class Reporter(Protocol):
    """Where a build tells what it does; the command line prints it, tests may collect it."""

    def progress(self, message: str) -> None:
        """What is being done now (shown on a terminal, replaced by the next)."""

    def wrote(self, path: Path, pages: int) -> None:
        """A PDF was written."""

    def problem(self, message: str) -> None:
        """An error that failed a source."""

    def warning(self, message: str) -> None:
        """Something the author should look at; an error under ``--strict``."""

    def note(self, message: str) -> None:
        """Information: what was left out and why, how a layout was found."""

    def source_note(self, message: str) -> None:
        """About a source, what its author cannot change (media left out of an export)."""


class Silent:
    """A reporter that keeps nothing."""

    def progress(self, message: str) -> None:
        """Say nothing."""

    def wrote(self, path: Path, pages: int) -> None:
        """Say nothing."""

    def problem(self, message: str) -> None:
        """Say nothing."""

    def warning(self, message: str) -> None:
        """Say nothing."""

    def note(self, message: str) -> None:
        """Say nothing."""

    def source_note(self, message: str) -> None:
        """Say nothing."""


class Collected:
    """A reporter that keeps what it is told, in order (for tests and other front ends)."""

    def __init__(self) -> None:
        self.written: list[tuple[Path, int]] = []
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.progressed: list[str] = []

    def progress(self, message: str) -> None:
        """Keep the message."""
        self.progressed.append(message)

    def wrote(self, path: Path, pages: int) -> None:
        """Keep the path and page count."""
        self.written.append((path, pages))

    def problem(self, message: str) -> None:
        """Keep the message."""
        self.problems.append(message)

    def warning(self, message: str) -> None:
        """Keep the message."""
        self.warnings.append(message)

    def note(self, message: str) -> None:
        """Keep the message."""
        self.notes.append(message)

    def source_note(self, message: str) -> None:
        """Keep the message with the notes."""
        self.notes.append(message)
