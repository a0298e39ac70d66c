"""Formulas benchmark: a handout with 300 inline formulas against the same handout with each
formula replaced by plain words of the same length.

Usage: python benchmarks/bench_formulas.py [--repeat 3]

"cold" clears the formula cache before each build, so every formula is drawn again (the
first build of a process; ziamath and its font are loaded once, before timing); "warm"
keeps it, as a second output or a second build of the same source in one process does.
The ratio is what formulas cost over the same amount of text; aim: at most 1.5.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from timing import median_seconds

from studygen import formulas
from studygen.build import build
from studygen.config import BuildOptions

WORDS = "la suite converge vers sa limite quand n tend vers l'infini et reste bornée".split()  # noqa: SIM905
SHAPES = [
    "u_{{n+{k}}} = q\\,u_n",
    "\\frac{{{k}}}{{n^2}}",
    "\\sum_{{i=1}}^{{{k}}} x_i",
    "\\|u_{{{k}}}\\| \\leq M",
    "\\sqrt{{{k} + x^2}}",
    "\\lim_{{n \\to \\infty}} a_{{{k}}}",
    "e^{{-{k}t}}",
    "\\int_0^{{{k}}} f(t)\\,dt",
]


def make_sources(folder: Path, count: int = 300, seed: int = 5) -> tuple[Path, Path]:
    """The handout with ``count`` formulas, and the same with words instead."""
    rng = random.Random(seed)
    with_math, with_words = [], []
    for number in range(count):
        tex = SHAPES[number % len(SHAPES)].format(k=number)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.choice([6, 9, 14])))
        plain = ("x" * (len(tex) + 2))[: len(tex) + 2]
        with_math.append(f"{words} ${tex}$ {words}.")
        with_words.append(f"{words} {plain} {words}.")
    paths = []
    for name, sentences in (("formulas", with_math), ("words", with_words)):
        body = ["---", "title: Bench", "lang: fr", "---", ""]
        for section in range(10):
            body += [f"## Partie {section + 1}", ""]
            chunk = sentences[section * count // 10 : (section + 1) * count // 10]
            for start in range(0, len(chunk), 5):
                body += [" ".join(chunk[start : start + 5]), ""]
        path = folder / f"{name}.md"
        path.write_text("\n".join(body), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def main() -> None:
    """Print the median seconds of each build and the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    formulas.draw("x", False)  # load ziamath and its font once
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        math, words = make_sources(folder)
        options = BuildOptions(out=folder / "out", only=("handout",))

        def one(path: Path, cold: bool) -> None:
            if cold:
                formulas.draw.cache_clear()
            assert build([path], options).ok

        plain = median_seconds(lambda: one(words, False), args.repeat)
        cold = median_seconds(lambda: one(math, True), args.repeat)
        warm = median_seconds(lambda: one(math, False), args.repeat)
    print(f"{'handout, 300 formulas':<28} {'median s':>9} {'ratio':>6}")
    print(f"{'words instead of formulas':<28} {plain:>9.2f} {1:>6.2f}")
    print(f"{'formulas, cold cache':<28} {cold:>9.2f} {cold / plain:>6.2f}")
    print(f"{'formulas, warm cache':<28} {warm:>9.2f} {warm / plain:>6.2f}")


if __name__ == "__main__":
    main()
