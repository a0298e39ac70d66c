"""Watch benchmark: what a save costs in `studygen watch`'s warm process against a fresh
`studygen build`, and what each theme costs over the default look.

Usage: python benchmarks/bench_watch.py [--repeat 3]

The warm rebuild is what `watch` does after a save (the same process: WeasyPrint, fonts
and templates already loaded); the cold build is a new process, as `studygen build` is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

from studygen import themes
from studygen.build import build
from studygen.config import BuildOptions

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "source" / "photosynthesis.yaml"
EXAMPLE = REPO / "source" / "immunomodulation.yaml"


def main() -> None:
    """Print medians and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as out:
        options = BuildOptions(out=Path(out), only=("handout",))
        warm = median_seconds(lambda: build([SMALL], options), repeat)
        command = [sys.executable, "-m", "studygen", "build", str(SMALL), "--only", "handout",
                   "--out", out, "--quiet"]  # fmt: skip
        cold = median_seconds(lambda: subprocess.run(command, check=True), repeat)
        print(f"handout of photosynthesis: warm rebuild {warm:.2f} s, fresh build {cold:.2f} s, "
              f"ratio {cold / warm:.1f}×")  # fmt: skip
        base = median_seconds(lambda: build([EXAMPLE], BuildOptions(out=Path(out))), repeat)
        print(f"every output of immunomodulation, default: {base:.2f} s")
        for theme in ("eco", "large-print", "dyslexia"):
            themed = themes.apply(BuildOptions(out=Path(out), theme=theme))  # its card layout
            seconds = median_seconds(lambda t=themed: build([EXAMPLE], t), repeat)  # type: ignore[misc]
            print(f"  {theme}: {seconds:.2f} s ({seconds / base:.2f}× default)")


if __name__ == "__main__":
    main()
