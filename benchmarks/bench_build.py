"""Build-time benchmark: medians of repeated builds, and ratios that hold on a noisy machine.

Usage: python benchmarks/bench_build.py [--repeat 5]

Reports, for the bundled French example, the median wall time of each output, the time of
`studygen check` (every check of a build, layout by WeasyPrint included, without writing a
file: about the time of a build), and how the handout scales with its length
(a generated handout 10× longer should cost about 10×, not more), and what the handout's
table of contents and the PDF/UA-1 and PDF/A-3b variants cost over a plain tagged handout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

from studygen.build import build
from studygen.config import BuildOptions

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "source" / "immunomodulation.yaml"


def long_source(folder: Path, sections: int) -> Path:
    """A generated source with ``sections`` sections of text and callouts."""
    paragraph = (
        "Immunomodulation adjusts the immune response, strengthening it against infection "
        "or damping it when it harms healthy tissue. " * 6
    )
    lines = ["title: Long handout", "lang: en", "sections:"]
    for number in range(sections):
        lines += [
            f"  - title: Section {number + 1}",
            "    blocks:",
            "      - kind: text",
            f"        text: {paragraph}",
            "      - kind: definition",
            "        term: Term",
            f"        text: {paragraph[:200]}",
            "      - kind: note",
            f"        text: {paragraph[:300]}",
        ]
    path = folder / f"long{sections}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    """Run the measurements and print a small table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print(f"{'what':40} {'median s':>9}")
        for name in ("handout", "flashcards", "key-points"):
            options = BuildOptions(out=out, only=(name,))
            seconds = median_seconds(lambda o=options: build([EXAMPLE], o), args.repeat)
            print(f"{'build ' + name + ' (French example)':40} {seconds:9.3f}")
        check = median_seconds(
            lambda: subprocess.run(
                [sys.executable, "-m", "studygen", "check", str(EXAMPLE)], check=True
            ),
            args.repeat,
        )
        print(f"{'studygen check (new process)':40} {check:9.3f}")
        short = long_source(out, 5)
        longer = long_source(out, 50)
        options = BuildOptions(out=out, only=("handout",))
        t_short = median_seconds(lambda: build([short], options), args.repeat)
        t_long = median_seconds(lambda: build([longer], options), args.repeat)
        print(f"{'handout, 5 sections':40} {t_short:9.3f}")
        print(f"{'handout, 50 sections':40} {t_long:9.3f}")
        print(f"{'ratio 50 / 5 sections (10 = linear)':40} {t_long / t_short:9.2f}")
        pages = build([longer], options).written[0].pages
        print(f"{'pages of the 50-section handout':40} {pages:9d}")
        print(f"{'handout pages per second':40} {pages / t_long:9.1f}")
        variants = {
            "no table of contents": options.but(toc=False),
            "pdf/ua-1": options.but(pdf_variant="pdf/ua-1"),
            "pdf/a-3b": options.but(pdf_variant="pdf/a-3b"),
        }
        example = BuildOptions(out=out, only=("handout",))
        with_toc = median_seconds(lambda: build([EXAMPLE], example), args.repeat)
        without = median_seconds(lambda: build([EXAMPLE], example.but(toc=False)), args.repeat)
        print(f"{'ratio no table of contents / default (ex.)':40} {without / with_toc:9.2f}")
        for label, variant in variants.items():
            seconds = median_seconds(lambda v=variant: build([longer], v), args.repeat)
            print(f"{'ratio ' + label + ' / default':40} {seconds / t_long:9.2f}")


if __name__ == "__main__":
    main()
