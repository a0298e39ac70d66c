"""What the command line prints: errors, notices, and a build's progress and results."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from studygen.errors import printable


def err(message: str) -> None:
    """An error message in red on standard error; studygen's own line breaks are kept."""
    lines = message.split("\n")  # studygen's own line breaks; content's are escaped
    typer.secho("\n".join(printable(line) for line in lines), err=True, fg=typer.colors.RED)


def notices(notices: list[str]) -> None:
    """Say once what the machine lacks; it never fails a build or a check."""
    for notice in notices:
        typer.secho(f"notice: {notice}", err=True, fg=typer.colors.BLUE)


class TerminalReporter:
    """Prints what a build does: progress, written files, problems, warnings and notes.

    Progress shows only on a terminal, and not with ``--quiet``, which also leaves out the
    files written and the notes. Paths are shown relative to where the command runs.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._status: Any = None

    def progress(self, message: str) -> None:
        """What is being laid out now, on one line that the next replaces."""
        if self.quiet or not sys.stderr.isatty():
            return
        if self._status is None:
            from rich.console import Console

            self._status = Console(stderr=True).status(printable(message))
            self._status.start()
        else:
            self._status.update(printable(message))

    def close(self) -> None:
        """Remove the progress line."""
        if self._status is not None:
            self._status.stop()
            self._status = None

    def wrote(self, path: Path, pages: int) -> None:
        """``wrote build/x/handout.pdf (8 pages)``."""
        if not self.quiet:
            plural = "s" if pages != 1 else ""
            typer.echo(printable(f"wrote {_shown(path)} ({pages} page{plural})"))

    def problem(self, message: str) -> None:
        """An error, in red on standard error."""
        err(message)

    def warning(self, message: str) -> None:
        """A warning, in yellow on standard error."""
        typer.secho(f"warning: {printable(message)}", err=True, fg=typer.colors.YELLOW)

    def note(self, message: str) -> None:
        """Information, indented under what it is about."""
        if not self.quiet:
            typer.echo(f"  {printable(message)}")

    def source_note(self, message: str) -> None:
        """About a source, what its author cannot change; it never fails a build."""
        if not self.quiet:
            typer.echo(f"note: {printable(message)}")


def _shown(path: Path) -> str:
    """``path`` relative to where the command runs, as the user would type it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)
