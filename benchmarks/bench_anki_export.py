"""A 1,000-card Anki export, read and built: seconds per card.

Usage: python benchmarks/bench_anki_export.py [--cards 1000] [--repeat 3]

The deck is written as Anki's "Cards in Plain Text" export writes it: HTML fields, the
back repeating the front before ``<hr id=answer>``, multi-line quoted answers, no
declared language. Reports the median time to read it (reading, columns, HTML, language
detection) and to build its flashcards and key points through the CLI, per card, and
how reading scales from a deck 10× smaller (10 = linear).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds

from studygen.sources.loader import load_source

REPO = Path(__file__).resolve().parent.parent


def export(folder: Path, cards: int) -> Path:
    """A plain-text export of ``cards`` French biology cards."""
    lines = []
    for n in range(cards):
        front = f"Quel est le rôle de l'organite n°{n} dans la <b>cellule</b> ?"
        back = (
            f"{front}<hr id=answer>Il assure la fonction {n} :<br>"
            "<ul><li>synthèse des protéines</li><li>transport vers la membrane</li></ul>"
        )
        lines.append(f'"{front}"\t"{back.replace(chr(34), chr(34) * 2)}"')
    path = folder / f"export{cards}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_seconds(path: Path, out: Path) -> float:
    """Wall time of ``studygen build`` (flashcards and key points) on one deck."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "studygen", "build", str(path), "-o", str(out)]
    command += ["--only", "flashcards", "--only", "key-points"]
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True, cwd=path.parent)
    return time.perf_counter() - start


def main() -> None:
    """Run the measurements and print a small table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        large = export(folder, args.cards)
        small = export(folder, max(1, args.cards // 10))
        source = load_source(large)
        assert len(source.doc.flashcards) == args.cards
        assert "<hr" not in source.doc.flashcards[0].back
        t_small = median_seconds(lambda: load_source(small), args.repeat)
        t_read = median_seconds(lambda: load_source(large), args.repeat)
        builds = [build_seconds(large, folder / f"out{n}") for n in range(args.repeat)]
        t_build = sorted(builds)[len(builds) // 2]
        print(f"{'what':46} {'median':>10} {'per card':>12}")
        print(f"{f'read {args.cards}-card export':46} {t_read:9.2f}s {t_read / args.cards:11.5f}s")
        print(f"{'build flashcards + key points (CLI)':46} {t_build:9.2f}s "
              f"{t_build / args.cards:11.5f}s")  # fmt: skip
        print(f"{'reading: 10x the cards costs':46} {t_read / t_small:9.1f}x")


if __name__ == "__main__":
    main()
