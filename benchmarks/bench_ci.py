"""CI and scale: a build where nothing changed against a full build, and ``--jobs 2`` against
``--jobs 1`` beside a pure-CPU control measured in the same run.

Usage: python benchmarks/bench_ci.py [--rounds 3] [--sources 20]

Every figure is the wall time of the real command (``python -m studygen build``), so it
counts starting Python, reading the manifest and starting the worker processes. Rounds are
interleaved (one of each kind per round), and the table gives the median and the spread
(lowest–highest). The control runs the same number of pure-Python tasks serially and in two
processes: its ratio is what this machine gives two processes at that moment (others share
its cores), the ceiling for ``--jobs 2``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def project(folder: Path, count: int) -> Path:
    """``count`` sources: copies of the two bundled examples under their own names."""
    source = folder / "source"
    shutil.copytree(REPO / "source" / "figures", source / "figures")
    examples = sorted((REPO / "source").glob("*.yaml"))
    for number in range(count):
        example = examples[number % len(examples)]
        shutil.copy(example, source / f"{example.stem}-{number:02}.yaml")
    return folder


CPU: dict[str, list[float]] = {}


def studygen(folder: Path, *args: str) -> float:
    """Wall time of one ``studygen build`` in ``folder``; its CPU time (all its processes)
    goes to ``CPU`` under the same arguments."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764288000", "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "studygen", "build", "-q", *args],
        cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    CPU.setdefault(" ".join(args), []).append(cpu)
    return wall


def spin(_: int) -> int:
    """About 0.3 s of pure-Python work."""
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return total


def control(tasks: int, jobs: int) -> float:
    """Wall time of ``tasks`` spins in ``jobs`` processes (1: in this process)."""
    start = time.perf_counter()
    if jobs == 1:
        for task in range(tasks):
            spin(task)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(spin, range(tasks)))
    return time.perf_counter() - start


def line(what: str, times: list[float], cpu: list[float] | None) -> str:
    spent = f"   CPU {statistics.median(cpu):7.2f} s" if cpu else ""
    return (
        f"{what:36} wall {statistics.median(times):7.2f} s "
        f"({min(times):.2f}–{max(times):.2f}){spent}"
    )


FLAGS = {
    "full build (--force, --jobs 1)": ("--force", "--jobs", "1"),
    "no-change build (--jobs 1)": ("--jobs", "1"),
    "handouts, --jobs 1 (--force)": ("--force", "--jobs", "1", "--only", "handout"),
    "handouts, --jobs 2 (--force)": ("--force", "--jobs", "2", "--only", "handout"),
}


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sources", type=int, default=20)
    args = parser.parse_args()
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = project(Path(tmp), args.sources)
        studygen(folder, "--jobs", "1", "--only", "handout")  # warm the disk cache
        for _ in range(args.rounds):
            for what, flags in FLAGS.items():
                times.setdefault(what, []).append(studygen(folder, *flags))
            times.setdefault("control, 1 process", []).append(control(args.sources, 1))
            times.setdefault("control, 2 processes", []).append(control(args.sources, 2))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{args.sources} sources, {args.rounds} interleaved rounds, {os.cpu_count()} cores, "
          f"load average {load} at the end")  # fmt: skip
    for what, measured in times.items():
        print(line(what, measured, CPU.get(" ".join(FLAGS.get(what, ())))))

    def median(what: str) -> float:
        return statistics.median(times[what])

    no_change = median("no-change build (--jobs 1)") / median("full build (--force, --jobs 1)")
    jobs = median("handouts, --jobs 1 (--force)") / median("handouts, --jobs 2 (--force)")
    cpu = median("control, 1 process") / median("control, 2 processes")
    print(f"no-change build / full build: {no_change:.3f}×")
    print(f"--jobs 2 speed-up: {jobs:.2f}×   pure-CPU control speed-up: {cpu:.2f}×")


if __name__ == "__main__":
    main()
