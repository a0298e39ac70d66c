"""Timing shared by the benchmarks: medians of repeated runs, CPU and wall time of calls and
of child processes (with their peak memory), interleaved rounds, and the machine they ran on."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (after one warm-up call)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class Sample:
    """One run: CPU seconds (user + system), wall seconds, peak memory in MiB (0: not known)."""

    cpu: float
    wall: float
    rss: float = 0.0


def timed(action: Callable[[], object]) -> Sample:
    """CPU and wall time of one call in this process (garbage collected before)."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    action()
    return Sample(time.process_time() - cpu, time.perf_counter() - wall)


def child_env() -> dict[str, str]:
    """The environment of a child process: this checkout's studygen, fixed dates."""
    return {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1764288000"}


# Started by a small Python of its own: a child forked from this large process would carry
# this process's memory into its ru_maxrss (Linux keeps the high-water mark across exec).
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
code = os.waitstatus_to_exitcode(status)
print(json.dumps([code, cpu, wall, usage.ru_maxrss, errors.decode(errors="replace")[-2000:]]))
"""


def run_child(command: Sequence[str], cwd: Path | None = None) -> Sample:
    """CPU time (the process and every process it waited for), wall time and peak RSS of
    one fresh child process; a failing command raises with the end of what it printed."""
    launcher = [sys.executable, "-S", "-c", _LAUNCHER, *command]
    done = subprocess.run(launcher, cwd=cwd, env=child_env(), capture_output=True, check=True)
    code, cpu, wall, maxrss, errors = json.loads(done.stdout)
    if code != 0:
        tail = errors.strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(command[1:])} exited {code}: {tail}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    return Sample(cpu, wall, maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024))


def studygen_command(*args: str) -> list[str]:
    """``studygen ARGS`` run by this Python, from this checkout."""
    return [sys.executable, "-m", "studygen", *args]


def interleave(actions: dict[str, Callable[[], Sample]], rounds: int) -> dict[str, list[Sample]]:
    """``rounds`` rounds of every action, one of each per round, so that a slower moment of
    the machine falls on every kind of run alike."""
    samples: dict[str, list[Sample]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            samples[name].append(action())
    return samples


def spread(values: Sequence[float], unit: str = " s", digits: int = 2) -> str:
    """``median unit (lowest–highest)``; the spread only when there are several values."""
    middle = f"{statistics.median(values):.{digits}f}{unit}"
    if len(values) < 2:
        return middle
    return f"{middle} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def describe(name: str, samples: Sequence[Sample]) -> str:
    """One line: CPU and wall time (median, spread) and peak memory if known."""
    line = (
        f"  {name:34} CPU {spread([s.cpu for s in samples]):22} "
        f"wall {spread([s.wall for s in samples]):22}"
    )
    if any(s.rss for s in samples):
        line += f" peak {spread([s.rss for s in samples], ' MiB', 0)}"
    return line.rstrip()


def ratios(top: Sequence[Sample], bottom: Sequence[Sample]) -> list[float]:
    """CPU ratio of each round's two runs (interleaved: round by round)."""
    return [a.cpu / b.cpu for a, b in zip(top, bottom, strict=True) if b.cpu]


def ratio_text(values: Sequence[float]) -> str:
    """``1.21× (1.15–1.30)``: the median of the per-round ratios and their spread."""
    return spread(values, "×", 3 if statistics.median(values) < 0.1 else 2)


def machine() -> list[str]:
    """What the numbers depend on: cores, load, Python, WeasyPrint and its font subsetting."""
    lines = [
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores "
        f"({len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'} usable), "
        f"Python {platform.python_version()}",
    ]
    try:
        import weasyprint
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        subsetting = (
            "fonts subset with HarfBuzz"
            if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
            else "fonts subset with fontTools (no HarfBuzz-Subset: slower)"
        )
    except Exception as exc:  # noqa: BLE001 - the description says what it could not find
        lines.append(f"WeasyPrint: {exc}")
    else:
        lines.append(f"WeasyPrint {weasyprint.__version__}, {subsetting}")
    return lines


def load_average() -> str:
    """The load average over 1, 5 and 15 minutes."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())
