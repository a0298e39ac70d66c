"""Rows measured on the real command in fresh processes: peak memory, a build where nothing
changed, ``check``, ``--jobs 2`` beside a pure-CPU control, and start-up.

A child's CPU time counts every process it waited for (the pool's workers); its peak memory
is its own ``ru_maxrss`` (and its children's, if larger), as ``os.wait4`` reports it.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from figures import Figure, Settings, verdict
from timing import (
    REPO,
    Sample,
    describe,
    interleave,
    ratio_text,
    ratios,
    run_child,
    studygen_command,
)


def memory(settings: Settings) -> list[Figure]:
    """Peak RSS of ``studygen build --only flashcards`` on a large and a small deck."""
    from bench_flashcards import make_deck

    large, small = settings.size(1000, 100), settings.size(200, 25)
    peaks = {}
    for cards in (small, large):
        deck = make_deck(settings.folder, cards)
        command = studygen_command(
            "build", str(deck), "--only", "flashcards", "--jobs", "1", "--force", "-q",
            "-o", str(settings.folder / f"memory{cards}"),
        )  # fmt: skip
        sample = run_child(command, cwd=settings.folder)
        print(describe(f"build --only flashcards, {cards} cards", [sample]))
        print(f"  {'':34} CPU per card {sample.cpu / cards * 1000:.0f} ms")
        peaks[cards] = sample.rss
    per_card = (peaks[large] - peaks[small]) / (large - small)
    at_1000 = peaks[large] + per_card * (1000 - large)
    print(f"  {per_card:.2f} MiB more per card; at 1,000 cards: {at_1000:.0f} MiB"
          + (" (extrapolated)" if large != 1000 else ""))  # fmt: skip
    shown = f"{peaks[large]:.0f} MiB at {large:,} cards, {peaks[small]:.0f} MiB at {small}"
    shown += f", {per_card:.2f} MiB per card"
    if large != 1000:
        shown += f" (≈ {at_1000:.0f} MiB at 1,000 extrapolated)"
    flat = at_1000 <= 300 and peaks[large] <= 1.2 * peaks[small]
    return [Figure("memory (peak RSS, fresh process)", shown, "≤ 300 MiB at 1,000 cards, flat "
                   "in the deck's size", verdict(flat))]  # fmt: skip


def project(folder: Path, count: int) -> Path:
    """``count`` sources: copies of the two bundled examples under their own names."""
    source = folder / "source"
    shutil.copytree(REPO / "source" / "figures", source / "figures")
    examples = sorted((REPO / "source").glob("*.yaml"))
    for number in range(count):
        example = examples[number % len(examples)]
        shutil.copy(example, source / f"{example.stem}-{number:02}.yaml")
    return folder


def in_project(folder: Path, *args: str) -> Callable[[], Sample]:
    """A run of ``studygen ARGS`` in ``folder``, one process per call."""
    return lambda: run_child(studygen_command(*args, "--jobs", "1"), cwd=folder)


def rebuild(settings: Settings) -> list[Figure]:
    """A full build, a build where nothing changed, and ``check`` with and without changes."""
    count = settings.size(20, 2)
    folder = project(settings.folder / "rebuild", count)
    print(f"{count} sources (copies of the two bundled examples), every output, --jobs 1")
    in_project(folder, "build", "-q")()  # the manifest the no-change runs read
    samples = interleave(
        {
            "build --force (full build)": in_project(folder, "build", "-q", "--force"),
            "build (nothing changed)": in_project(folder, "build", "-q"),
            "check --force": in_project(folder, "check", "--force"),
            "check (nothing changed)": in_project(folder, "check"),
        },
        settings.rounds,
    )
    for name, measured in samples.items():
        print(describe(name, measured))
    full = samples["build --force (full build)"]
    unchanged = ratios(samples["build (nothing changed)"], full)
    check = ratios(samples["check --force"], full)
    check_unchanged = ratios(samples["check (nothing changed)"], full)
    print(f"  over the full build: no-change build {ratio_text(unchanged)}, "
          f"check --force {ratio_text(check)}, check (nothing changed) "
          f"{ratio_text(check_unchanged)}")  # fmt: skip
    return [
        Figure(f"no-change rebuild vs full build ({count} sources, CPU)", ratio_text(unchanged),
               "≤ 0.05×", verdict(statistics.median(unchanged) <= 0.05)),
        Figure("`check` vs `build` (both --force)", ratio_text(check), "—", "measured"),
        Figure("`check` on unchanged sources vs full build", ratio_text(check_unchanged),
               "unchanged sources skipped by the same cache",
               verdict(statistics.median(check_unchanged) <= 0.05)),
    ]  # fmt: skip


def spin(_: int) -> int:
    """About 0.3 s of pure-Python work."""
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return total


def control(tasks: int, jobs: int) -> Sample:
    """Wall and CPU time of ``tasks`` spins in ``jobs`` processes (1: in this process)."""
    start, cpu = time.perf_counter(), _cpu()
    if jobs == 1:
        for task in range(tasks):
            spin(task)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(spin, range(tasks)))
    return Sample(_cpu() - cpu, time.perf_counter() - start)


def _cpu() -> float:
    """CPU time of this process and of the children it has waited for (the pool's)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def jobs(settings: Settings) -> list[Figure]:
    """``--jobs 2`` against one process on handouts, beside a pure-CPU control: what the
    machine gives two processes at that moment is the ceiling of any pool."""
    count = settings.size(20, 4)
    folder = project(settings.folder / "jobs", count)
    print(f"{count} handouts, --force; control: {count} pure-Python tasks of about 0.3 s")

    def handouts(jobs: str) -> Callable[[], Sample]:
        args = ("build", "-q", "--force", "--only", "handout", "--jobs", jobs)
        return lambda: run_child(studygen_command(*args), cwd=folder)

    handouts("1")()  # warm the disk cache
    samples = interleave(
        {
            "handouts, --jobs 1": handouts("1"),
            "handouts, --jobs 2": handouts("2"),
            "control, 1 process": lambda: control(count, 1),
            "control, 2 processes": lambda: control(count, 2),
        },
        settings.rounds,
    )
    for name, measured in samples.items():
        print(describe(name, measured))

    def speedup(one: str, two: str) -> list[float]:
        pairs = zip(samples[one], samples[two], strict=True)
        return [a.wall / b.wall for a, b in pairs]

    pool = speedup("handouts, --jobs 1", "handouts, --jobs 2")
    cpu = speedup("control, 1 process", "control, 2 processes")
    print(f"  wall-time speed-up: --jobs 2 {ratio_text(pool)}, control {ratio_text(cpu)}")
    met = statistics.median(pool) >= 1.6
    if not met and statistics.median(cpu) < 1.6:
        outcome = "not measurable: the machine gave two processes less than 1.6×"
    else:
        outcome = verdict(met)
    return [Figure(f"`--jobs 2` vs one process, {count} sources (wall)",
                   f"{ratio_text(pool)}, pure-CPU control {ratio_text(cpu)}",
                   "≥ 1.6×, beside the control", outcome)]  # fmt: skip


def start_up(settings: Settings) -> list[Figure]:
    """CPU time of ``studygen --help`` against ``python -c "import weasyprint"``."""
    rounds = settings.size(10, 3) * max(1, settings.rounds // 3)
    samples = interleave(
        {
            "studygen --help": lambda: run_child(studygen_command("--help")),
            'python -c "import weasyprint"': lambda: run_child(
                [sys.executable, "-c", "import weasyprint"]
            ),
        },
        rounds,
    )
    for name, measured in samples.items():
        print(describe(name, measured))
    ratio = ratios(samples["studygen --help"], samples['python -c "import weasyprint"'])
    print(f"  studygen --help / import weasyprint: {ratio_text(ratio)} ({rounds} rounds)")
    return [Figure('`studygen --help` vs `python -c "import weasyprint"`', ratio_text(ratio),
                   "≤ 0.2×", verdict(statistics.median(ratio) <= 0.2))]  # fmt: skip


ROWS: dict[str, Callable[[Settings], list[Figure]]] = {
    "memory": memory,
    "rebuild": rebuild,
    "jobs": jobs,
    "start-up": start_up,
}
