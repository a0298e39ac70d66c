"""The performance table of docs/performance.md in one command: every figure measured in the
same run, against its goal.

Usage: python benchmarks/run.py [--quick] [--rounds N] [--only ROW ...]

Rows (``--only``): handout, flashcards, deck, memory, key-points, rebuild, jobs, start-up,
toc. Each prints what it measured (CPU and wall time, median and lowest–highest of
interleaved rounds, peak memory of fresh processes, layout passes), then the table
sums them up with each goal met or not. A row that fails prints its error and the others
go on. ``--quick`` shrinks the inputs (a 48-card deck for 200, decks of 100 and 25 cards
for 1,000 and 200, a few sources for 20) and runs one round: a smoke run of a few
minutes whose ratios are indicative only.

Ratios are CPU time over CPU time, round by round, except the ``--jobs`` speed-up (wall
time, beside a pure-CPU control measured in the same rounds). In-process rows make one
output through ``studygen.outputs`` and compare it with bare WeasyPrint laying out and
writing the same final HTML and stylesheets (the floor, measured in the same rounds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout's studygen

from figures import Figure, Settings  # noqa: E402
from timing import load_average, machine  # noqa: E402

ORDER = ("handout", "flashcards", "deck", "memory", "key-points", "rebuild", "jobs", "start-up",
         "toc")  # fmt: skip


def rows() -> dict[str, Callable[[Settings], list[Figure]]]:
    """Every row by name, in the issue's order."""
    import layout_rows
    import process_rows

    found = {**layout_rows.ROWS, **process_rows.ROWS}
    return {name: found[name] for name in ORDER}


def quick(figure: Figure) -> Figure:
    """A figure of a quick run: small inputs, one round; its goal is judged on a full run."""
    if figure.verdict in ("met", "not met"):
        return replace(figure, verdict=f"{figure.verdict} (quick run)")
    return figure


def table(figures: list[Figure]) -> str:
    """The Markdown table of every figure."""
    lines = ["| figure | measured | goal | verdict |", "|---|---|---|---|"]
    lines += [f"| {f.figure} | {f.measured} | {f.goal} | {f.verdict} |" for f in figures]
    return "\n".join(lines)


def main() -> None:
    """Measure the chosen rows and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, one round")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3; quick 1)")
    parser.add_argument("--only", action="append", choices=ORDER, metavar="ROW",
                        help=f"measure only this row (repeatable): {', '.join(ORDER)}")  # fmt: skip
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    started = time.perf_counter()
    mode = "quick" if args.quick else "full"
    plural = "s" if rounds != 1 else ""
    print(f"studygen benchmarks, {mode} run, {rounds} interleaved round{plural}; "
          f"load average {load_average()} at the start")  # fmt: skip
    for line in machine():
        print(line)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, row in rows().items():
            if args.only and name not in args.only:
                continue
            print()
            folder = Path(tmp) / name
            folder.mkdir()
            try:
                measured = row(Settings(args.quick, rounds, folder))
                figures += [quick(figure) for figure in measured] if args.quick else measured
            except Exception as exc:  # noqa: BLE001 - one failing row never stops the others
                where = traceback.extract_tb(exc.__traceback__)[-1]
                message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                place = f"{Path(where.filename).name}:{where.lineno}"
                print(f"  row {name} failed: {message} ({place})")
                figures.append(Figure(name, "—", "—", f"failed: {message[:120]}"))
    minutes = (time.perf_counter() - started) / 60
    print(f"\nload average {load_average()} at the end; {minutes:.1f} minutes in all\n")
    print(table(figures))


if __name__ == "__main__":
    main()
