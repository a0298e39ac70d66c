"""Reading sources: YAML, Markdown and deck files, and how reading scales with size.

Usage: python benchmarks/bench_load.py [--repeat 20]

Reports median times to read and validate the French example in YAML and in Markdown (the
same document), a generated deck of 2,000 cards in each deck format, and how a deck 10×
longer scales (10 = linear). Ratios, not absolute times, are what hold on a noisy machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import tempfile
from pathlib import Path

from timing import median_seconds

from studygen.sources.loader import load_source

REPO = Path(__file__).resolve().parent.parent


def deck(folder: Path, cards: int, kind: str) -> Path:
    """A generated deck of ``cards`` cards: Anki with headers, Quizlet, or CSV with quotes."""
    rows = [
        (f"Question {n}: what is <b>term {n}</b>?", f"Answer {n},\nover two lines")
        for n in range(cards)
    ]
    if kind == "anki":
        lines = ["#separator:tab", "#html:true", "#tags column:3"]
        lines += [f'{q}\t"{a}"\tbio::cell' for q, a in rows]
        path, text = folder / f"anki{cards}.txt", "\n".join(lines) + "\n"
    elif kind == "quizlet":
        path = folder / f"quizlet{cards}.txt"
        text = "".join(f"{q}\t{a.replace(chr(10), ' ')}\n" for q, a in rows)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["front", "back", "tags"])
        writer.writerows((q, a, "x") for q, a in rows)
        path, text = folder / f"deck{cards}.csv", buffer.getvalue()
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    """Run the measurements and print a small table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    yaml_path = REPO / "source" / "immunomodulation.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(REPO / "source" / "figures", folder / "figures")
        md_path = folder / "immunomodulation.md"
        md_path.write_text((REPO / "examples" / "immunomodulation.md").read_text("utf-8"))
        t_yaml = median_seconds(lambda: load_source(yaml_path), args.repeat)
        t_md = median_seconds(lambda: load_source(md_path), args.repeat)
        print(f"{'what':44} {'median ms':>10}")
        print(f"{'read French example, YAML':44} {t_yaml * 1000:10.1f}")
        print(f"{'read French example, Markdown':44} {t_md * 1000:10.1f}")
        print(f"{'ratio Markdown / YAML':44} {t_md / t_yaml:10.2f}")
        for kind in ("anki", "quizlet", "csv"):
            small, large = deck(folder, 200, kind), deck(folder, 2000, kind)
            t_small = median_seconds(lambda p=small: load_source(p), args.repeat)
            t_large = median_seconds(lambda p=large: load_source(p), max(3, args.repeat // 4))
            print(f"{'read 2,000-card deck, ' + kind:44} {t_large * 1000:10.1f}")
            label = f"ratio 2,000 / 200 cards, {kind} (10 = linear)"
            print(f"{label:44} {t_large / t_small:10.2f}")


if __name__ == "__main__":
    main()
