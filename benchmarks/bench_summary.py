"""Key-points fitting against one layout of the sheet it finds: layout passes and CPU time.

Usage: python benchmarks/bench_summary.py [--rounds 5]

For 5, 20, 40, 60 and 120 key points (one short sentence each, 4 to 14 words, fixed seed)
and the bundled examples (source/*.yaml, default options), each round fits the sheet
(every measuring and real-page layout, as ``build`` does) and then lays out the sheet it
found once more (``job.lay_out`` of the final context), in the same process. Rounds are
interleaved (every case once per round, after a warm-up round) and timed in CPU time;
the table shows medians and the spread of the ratio. A pass is one WeasyPrint layout.
120 points do not fit one A4 page at 7 pt: they end with the "key points need N pages"
error, and their "one layout" is the smallest layout (7 pt, 3 columns, compact) of all
the points, on the real page.

``fitting_ratio(count)`` gives one case's medians to another benchmark command.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from studygen.config import BuildOptions
from studygen.outputs.base import Job
from studygen.outputs.key_points import DoesNotFit, fit_sheet, gather, sheet_context
from studygen.outputs.key_points_fit import candidates
from studygen.pdf import Engine
from studygen.sources.loader import Source, load_source

REPO = Path(__file__).resolve().parent.parent
WORDS = [
    "immune", "response", "cytokines", "antibodies", "lymphocytes", "regulate",
    "inflammation", "tissue", "vaccine", "transplant", "rejection", "therapy",
]  # fmt: skip
COUNTS = (5, 20, 40, 60, 120)


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


@dataclass
class Case:
    """One source to fit, and what its rounds measured."""

    name: str
    job: Job
    fits: list[float] = field(default_factory=list)
    layouts: list[float] = field(default_factory=list)
    passes: int = 0
    outcome: str = ""

    def run(self) -> None:
        """Fit once, then lay out the sheet found once; CPU seconds of each."""
        items = gather(self.job.source.doc, self.job.options.summary_include)
        start = time.process_time()
        try:
            fit = fit_sheet(self.job, items)
            layout, items = fit.layout, fit.items
            self.passes = fit.passes
            form = ", compact" if layout.compact else ""
            self.outcome = f"{layout.size:g} pt, {layout.columns} col{form}"
        except DoesNotFit as exc:
            layout = _smallest(self.job)
            self.passes = 1  # refused after its measuring pass (see the module's docstring)
            self.outcome = f"refused: {exc.pages:.1f} pages at {exc.size:g} pt"
        self.fits.append(time.process_time() - start)
        start = time.process_time()
        self.job.lay_out(sheet_context(self.job, layout, items))
        self.layouts.append(time.process_time() - start)

    @property
    def ratios(self) -> list[float]:
        """Fitting over one layout, round by round."""
        return [fit / layout for fit, layout in zip(self.fits, self.layouts, strict=True)]


def _smallest(job: Job) -> object:
    from studygen.choices import PAPERS
    from studygen.outputs.key_points_fit import Page

    paper = PAPERS[job.options.paper]
    return candidates(Page(paper.width, paper.height), job.options.summary_min_size)[-1]


def case_for(name: str, source: Source, summary_include: tuple[str, ...] | None = None) -> Case:
    """A case with its own engine (one per build, as ``build`` makes)."""
    extra = {"summary_include": summary_include} if summary_include else {}
    options = BuildOptions(**extra)  # type: ignore[arg-type]
    return Case(name, Job("key-points", source, options, Engine()))


def run_rounds(cases: list[Case], rounds: int) -> None:
    """One warm-up round, then ``rounds`` interleaved rounds."""
    for case in cases:
        case.run()
        case.fits.clear()
        case.layouts.clear()
    for _ in range(rounds):
        for case in cases:
            case.run()


def fitting_ratio(count: int, rounds: int = 5) -> tuple[float, float, int]:
    """Median CPU seconds of fitting ``count`` key points, of one layout of the sheet found,
    and the layout passes fitting took."""
    with tempfile.TemporaryDirectory() as folder:
        source = load_source(make_source(Path(folder), count))
        case = case_for(f"{count} points", source, ("key-points",))
        run_rounds([case], rounds)
    return statistics.median(case.fits), statistics.median(case.layouts), case.passes


def main() -> None:
    """Print passes, medians and the ratio for every case."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            case_for(f"{count} points", load_source(make_source(Path(folder), count)),
                     ("key-points",))
            for count in COUNTS
        ]  # fmt: skip
        cases += [
            case_for(p.stem, load_source(p)) for p in sorted((REPO / "source").glob("*.yaml"))
        ]
        run_rounds(cases, args.rounds)
    print(f"CPU time, medians of {args.rounds} interleaved rounds")
    header = f"{'case':<18} {'result':<32} {'passes':>6} {'fit s':>7} {'1 layout s':>10}"
    print(f"{header} {'ratio':>6}  spread")
    for case in cases:
        ratios = case.ratios
        print(
            f"{case.name:<18} {case.outcome:<32} {case.passes:>6} "
            f"{statistics.median(case.fits):>7.3f} {statistics.median(case.layouts):>10.3f} "
            f"{statistics.median(ratios):>5.2f}×  {min(ratios):.2f}–{max(ratios):.2f}"
        )


if __name__ == "__main__":
    main()
