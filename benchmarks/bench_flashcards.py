"""Flashcard benchmark: fitting against one layout + write, CPU per card, passes, memory.

Usage: python benchmarks/bench_flashcards.py [--rounds 3] [--cards 200] [--memory 200,1000]

Decks mix short, medium and long answers (a fixed seed), so some faces need shrinking and
a few cannot fit. Measured, in CPU time (interleaved rounds, medians):

- ``fitted``: the flashcards output as ``build`` makes it (fitting, final sheets, PDF bytes);
- ``one layout``: the same sheets laid out once at their fitted sizes and written, with
  WeasyPrint's own writer — the floor fitting is compared with (goal: at most 1.3×);
- ``ms per card``: the fitted output's CPU over the number of cards (goal: at most 50 ms);
- peak memory (``ru_maxrss``) of ``studygen build --only flashcards`` in a fresh process per
  deck size, through the real command line (goal: at most 300 MiB at 1,000 cards, flat).

Another benchmark imports :func:`measure` (one deck size) and :func:`peak_memory`.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = [
    "immune", "response", "cytokines", "antibodies", "lymphocytes", "regulate",
    "inflammation", "tissue", "vaccine", "transplant", "rejection", "therapy", "balance",
    "specific", "signal", "pathway",
]  # fmt: skip


def make_deck(folder: Path, cards: int, seed: int = 7) -> Path:
    """A deck whose answers are 5 to 150 words long."""
    rng = random.Random(seed)
    lines = ["title: Benchmark deck", "lang: en", "sections:", "  - title: S", "    blocks:"]
    lines += ["      - kind: text", "        text: x", "flashcards:"]
    for number in range(cards):
        words = rng.choice([5, 12, 30, 60, 90, 150])
        back = " ".join(rng.choice(WORDS) for _ in range(words))
        front = " ".join(rng.choice(WORDS) for _ in range(rng.choice([4, 10, 20])))
        lines += [f"  - front: {front} {number}?", f"    back: {back}.", "    tags: [bench]"]
    path = folder / f"deck{cards}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cpu(action: Any) -> tuple[float, Any]:
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def measure(cards: int = 200, rounds: int = 3) -> dict[str, Any]:
    """CPU seconds (medians of interleaved rounds) of the fitted flashcards output and of
    one layout + write of the same sheets, their ratio, ms per card and pass counts."""
    from studygen.config import BuildOptions
    from studygen.outputs import flashcards
    from studygen.outputs.base import Job
    from studygen.pdf import Engine
    from studygen.sources.loader import load_source

    with tempfile.TemporaryDirectory() as tmp:
        source = load_source(make_deck(Path(tmp), cards))
        options = BuildOptions(verbose=True)
        engine = Engine()

        def fitted() -> Any:
            made = flashcards.OUTPUT.make(Job("flashcards", source, options, engine))
            made.rendered.pdf  # noqa: B018 - the PDF bytes are part of the output
            return made

        made = fitted()  # warm-up; its fitted sizes are the floor's
        job = Job("flashcards", source, options, engine)
        plan = flashcards.plan_deck(job)
        sheets = flashcards.lay_out_sheets(job, plan)
        context = flashcards.context(source.doc, plan, sheets.sizes, frozenset(sheets.clipped))

        def one_layout() -> Any:
            rendered = job.lay_out(context)
            return rendered.pdf

        times: dict[str, list[float]] = {"fitted": [], "one": []}
        for _ in range(rounds):
            times["fitted"].append(_cpu(fitted)[0])
            times["one"].append(_cpu(one_layout)[0])
    fit, one = statistics.median(times["fitted"]), statistics.median(times["one"])
    return {
        "cards": cards,
        "fitted_s": fit,
        "one_layout_s": one,
        "ratio": fit / one,
        "ms_per_card": 1000 * fit / cards,
        "spread_fitted_s": max(times["fitted"]) - min(times["fitted"]),
        "note": made.notes[0] if made.notes else "",
        "clipped": sum("does not fit its card" in str(w) for w in made.warnings),
    }


def peak_memory(cards: int) -> float:
    """Peak resident memory in MiB of ``studygen build --only flashcards`` on a deck of
    ``cards`` cards, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "source").mkdir()
        make_deck(folder / "source", cards)
        script = (
            "import resource, sys\n"
            "from studygen.cli import app\n"
            "try:\n"
            "    app(['build', '--only', 'flashcards', '--quiet'])\n"
            "except SystemExit as exit:\n"
            "    assert not exit.code, exit.code\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=True
        )
        if not (folder / "build" / f"deck{cards}" / "flashcards.pdf").exists():
            raise RuntimeError(done.stdout + done.stderr)
        return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    """Print the table for one deck size, and peak memory per deck size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--memory", default="200,1000", help="deck sizes for peak memory")
    args = parser.parse_args()
    result = measure(args.cards, args.rounds)
    print(f"{result['cards']} cards: {result['note']}; {result['clipped']} faces clipped")
    print(
        f"fitted output {result['fitted_s']:.2f} s CPU (spread {result['spread_fitted_s']:.2f}), "
        f"one layout + write {result['one_layout_s']:.2f} s: {result['ratio']:.2f}× "
        f"(goal ≤ 1.3×); {result['ms_per_card']:.0f} ms CPU per card (goal ≤ 50)"
    )
    for cards in (int(n) for n in args.memory.split(",") if n):
        print(f"peak memory, {cards} cards, studygen build: {peak_memory(cards):.0f} MiB")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process: {own:.0f} MiB)")


if __name__ == "__main__":
    main()
