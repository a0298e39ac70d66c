"""Laying sources out in this process, or in a pool of worker processes (``--jobs``).

The work on one source ends in an :class:`Outcome`: plain data — the PDF bytes, and
every message in the order it was said — so ``build.py`` writes and reports outcomes in
the order of the sources whichever process made them, and ``--jobs 4`` writes the same
bytes as ``--jobs 1``. Workers are forked on Linux (one WeasyPrint import, shared with
the parent), started afresh elsewhere; each keeps one font configuration for all its
sources. The time budget per source (``limits.deadline``) runs in the worker that lays it
out.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studygen.errors import UsageError

if TYPE_CHECKING:
    from studygen.config import BuildOptions
    from studygen.errors import Reporter


@dataclass
class Product:
    """One PDF of a source, ready to write: its name, where it goes, its bytes."""

    name: str
    file: str  # below the output folder, with forward slashes
    data: bytes
    pages: int
    notes: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # files the layout read


@dataclass
class Outcome:
    """What the work on one source came to; ``problems`` not empty means it failed."""

    path: Path
    said: list[tuple[str, str]] = field(default_factory=list)  # (reporter method, text)
    products: list[Product] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # output left out: why
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # files the source read (decks)
    notices: list[str] = field(default_factory=list)  # about the machine
    fatal: UsageError | None = None  # the command itself is wrong: raised again by the build


class Recorder:
    """A reporter that keeps what is said for later, in order; progress may be shown now."""

    def __init__(self, live: Reporter | None = None) -> None:
        self.live = live
        self.said: list[tuple[str, str]] = []

    def progress(self, message: str) -> None:
        """Shown at once when the work runs in the process that prints."""
        if self.live is not None:
            self.live.progress(message)

    def wrote(self, path: Path, pages: int) -> None:
        """Never called while preparing."""

    def problem(self, message: str) -> None:
        """Kept."""
        self.said.append(("problem", message))

    def warning(self, message: str) -> None:
        """Kept."""
        self.said.append(("warning", message))

    def note(self, message: str) -> None:
        """Kept."""
        self.said.append(("note", message))

    def source_note(self, message: str) -> None:
        """Kept."""
        self.said.append(("source_note", message))


def usable_cores() -> int:
    """The cores this process may run on (a CI runner's share, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


Work = Callable[[Path, "BuildOptions", Any, bool, "Reporter | None"], Outcome]
_worker: dict[str, Any] = {}


def run(
    paths: list[Path],
    options: BuildOptions,
    write: bool,
    work: Work,
    engine: Any,
    live: Reporter,
) -> Iterator[Outcome]:
    """The outcome of each source, in the order of ``paths``.

    With one job (or one source) the work runs here, sharing ``engine``; otherwise in a
    pool of ``options.jobs`` processes (every usable core by default).
    """
    jobs = min(options.jobs or usable_cores(), len(paths))
    if jobs <= 1:
        for path in paths:
            yield work(path, options, engine, write, live)
        return
    fork = forks()
    if fork:  # imported once here, shared by every worker forked from this process
        import weasyprint  # noqa: F401
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start, initargs=(options, write, work)
    ) as pool:
        results = pool.map(_lay_out, paths)
        done = 0
        while done < len(paths):
            try:
                outcome = next(results)
            except BrokenProcessPool:
                # The system ended a worker (out of memory): the sources left fail, no others.
                ended = "the process laying it out was ended by the system (out of memory?)"
                for path in paths[done:]:
                    yield Outcome(path, problems=[f"{path}: {ended}"])
                return
            done += 1
            live.progress(f"laid out {done} of {len(paths)} sources on {jobs} processes")
            yield outcome


def forks() -> bool:
    """Whether workers are forked: on Linux; macOS's system libraries are not safe to fork
    once loaded, and Windows cannot."""
    return sys.platform.startswith("linux")


def _start(options: BuildOptions, write: bool, work: Work) -> None:
    """In each worker: the build's options, and one engine for all its sources."""
    from studygen import pdf

    _worker.update(options=options, write=write, work=work, engine=pdf.Engine())


def _lay_out(path: Path) -> Outcome:
    work: Work = _worker["work"]
    return work(path, _worker["options"], _worker["engine"], _worker["write"], None)
