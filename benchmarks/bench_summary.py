"""Key-points fitting benchmark: layout passes and seconds for 5, 20, 60 and 120 key points.

Usage: python benchmarks/bench_summary.py [--repeat 3]

Each key point is one short sentence (4 to 14 words, fixed seed). A pass is one
WeasyPrint layout: measuring passes lay the content out on a page too tall to overflow,
verifying passes on the real page. A deck that cannot fit on one page at 7 pt in three
columns ends with the "key points need N pages" error, after its measuring passes.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from studygen.config import BuildOptions
from studygen.errors import SourceError
from studygen.outputs import get
from studygen.outputs.base import Job, Made
from studygen.pdf import Engine
from studygen.sources.loader import load_source

WORDS = [
    "immune", "response", "cytokines", "antibodies", "lymphocytes", "regulate",
    "inflammation", "tissue", "vaccine", "transplant", "rejection", "therapy",
]  # fmt: skip


def make_source(folder: Path, count: int, seed: int = 11) -> Path:
    """A source with ``count`` key points."""
    rng = random.Random(seed)
    lines = ["title: Benchmark", "lang: en", "sections:", "  - title: S", "    blocks:"]
    lines += ["      - kind: text", "        text: x", "key_points:"]
    for number in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.choice([4, 6, 9, 14])))
        lines += [f"  - term: Point {number + 1}", f"    text: {text}."]
    path = folder / f"points{count}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path: Path, repeat: int) -> tuple[float, str, str]:
    """Median seconds, passes, and the outcome."""
    source = load_source(path)
    options = BuildOptions(verbose=True, summary_include=("key-points",))
    times, passes, outcome = [], "?", ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            made = get("key-points").make(Job("key-points", source, options, Engine()))
            assert isinstance(made, Made)
            note = made.notes[-1]
            passes = re.search(r"found in (\d+) layout passes", note)[1]  # type: ignore[index]
            outcome = re.search(r"at ([\d.]+ pt in \d columns?)", note)[1]  # type: ignore[index]
        except SourceError as exc:
            passes, outcome = "-", str(exc).split(": ", 1)[1][:40]
        times.append(time.perf_counter() - start)
    return statistics.median(times), passes, outcome


def main() -> None:
    """Print passes and seconds for each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'points':>6} {'passes':>7} {'median s':>9}  result")
        for count in (5, 20, 60, 120):
            seconds, passes, outcome = run(make_source(Path(tmp), count), args.repeat)
            print(f"{count:>6} {passes:>7} {seconds:>9.2f}  {outcome}")


if __name__ == "__main__":
    main()
