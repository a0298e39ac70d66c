"""Flashcard fitting benchmark: layout passes and seconds for 24 and 200 cards.

Usage: python benchmarks/bench_flashcards.py [--repeat 3]

Decks mix short, medium and long answers (a fixed seed), so some faces need shrinking and
a few cannot fit. Fitting lays out the whole deck at most twice; the passes in between only
lay out the cards still being fitted, so the pass count does not grow with the deck and the
time grows about linearly (200 / 24 cards = 8.3×).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from studygen.config import BuildOptions
from studygen.outputs.base import Job
from studygen.outputs.flashcards import lay_out_sheets
from studygen.pdf import Engine
from studygen.sources.loader import load_source

WORDS = [
    "immune",
    "response",
    "cytokines",
    "antibodies",
    "lymphocytes",
    "regulate",
    "inflammation",
    "tissue",
    "vaccine",
    "transplant",
    "rejection",
    "therapy",
    "balance",
    "specific",
    "signal",
    "pathway",
]


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


def run(path: Path, repeat: int) -> tuple[float, int, int, int]:
    """Median seconds, full passes, partial passes and faces left overflowing."""
    source = load_source(path)
    options = BuildOptions()
    times, sheets = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        sheets = lay_out_sheets(Job("flashcards", source, options, Engine()))
        sheets.rendered.pdf  # noqa: B018 - include writing the PDF
        times.append(time.perf_counter() - start)
    assert sheets is not None
    return statistics.median(times), sheets.full_passes, sheets.partial_passes, len(sheets.clipped)


def main() -> None:
    """Print passes and seconds for each deck size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        print(f"{'cards':>6} {'full passes':>12} {'partial':>8} {'clipped':>8} {'median s':>9}")
        for cards in (24, 200):
            seconds, full, partial, clipped = run(make_deck(Path(tmp), cards), args.repeat)
            results[cards] = seconds
            print(f"{cards:>6} {full:>12} {partial:>8} {clipped:>8} {seconds:>9.2f}")
        print(f"time ratio 200 / 24 cards: {results[200] / results[24]:.1f} (cards: 8.3)")


if __name__ == "__main__":
    main()
