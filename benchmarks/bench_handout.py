"""The handout against bare WeasyPrint, start-up against importing WeasyPrint, and what the
table of contents costs: ratios measured in one run, in CPU time, over interleaved rounds.

Usage: python benchmarks/bench_handout.py [--rounds 5]

- :func:`handout_vs_bare`: the whole ``studygen build --only handout`` path, in this process
  (reading the YAML, Jinja, the confined fetcher, layout, the tagged PDF, the manifest, the
  write), against bare WeasyPrint, ``HTML(string=...).write_pdf()``, on the very HTML and
  stylesheets studygen laid out (caught on their way into ``pdf.layout``), untagged and tagged.
  On the bundled examples and on a generated handout ten times the length of a 5-section one.
- :func:`help_vs_import`: ``studygen --help`` against ``python -c "import weasyprint"``, CPU
  time of the child processes.
- :func:`toc_cost`: the handout with and without its table of contents (``--no-toc``), and
  how many pages WeasyPrint laid out for each (pages laid out again for the page numbers).

Each round runs every variant once, in turn; the figures are medians, with the spread
(lowest–highest) beside them: other work on the machine moves single runs by 20 % and more,
so the pages WeasyPrint laid out are counted too (they do not move).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "source").glob("*.yaml"))
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

from bench_build import long_source  # noqa: E402

from studygen import pdf  # noqa: E402
from studygen.build import build  # noqa: E402
from studygen.config import BuildOptions  # noqa: E402


def cpu_seconds(action: Callable[[], object]) -> float:
    """CPU time (user and system) of one call, in this process.

    The garbage of earlier calls is collected first: otherwise a call pays for collecting
    what another left behind (0.15 s of a 0.5 s handout, measured).
    """
    gc.collect()
    start = time.process_time()
    action()
    return time.process_time() - start


def child_cpu_seconds(command: list[str]) -> float:
    """CPU time of one child process, from start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def interleaved(actions: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Each action once per round, in turn, after one warm-up round; the times of each."""
    for action in actions.values():
        action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            times[name].append(action())
    return times


def summary(times: list[float]) -> dict[str, float]:
    """Median, lowest and highest."""
    return {"median": statistics.median(times), "low": min(times), "high": max(times)}


@contextmanager
def caught_layouts() -> Iterator[list[tuple[str, Path, list[Path]]]]:
    """The HTML, base folder and stylesheets of every ``pdf.layout`` call in the block."""
    caught: list[tuple[str, Path, list[Path]]] = []
    original = pdf.layout

    def layout(html: str, base_url: Path, stylesheets: Any, *args: Any, **kwargs: Any) -> Any:
        caught.append((html, base_url, list(stylesheets)))
        return original(html, base_url, stylesheets, *args, **kwargs)

    pdf.layout = layout  # type: ignore[assignment]
    try:
        yield caught
    finally:
        pdf.layout = original  # type: ignore[assignment]


def bare_write_pdf(html: str, base_url: Path, stylesheets: list[Path], tags: bool) -> bytes:
    """What a user of WeasyPrint alone would write for the same page."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url.resolve().as_uri() + "/")
    sheets = [weasyprint.CSS(filename=str(path)) for path in stylesheets]
    data = document.write_pdf(stylesheets=sheets, pdf_tags=tags)
    assert isinstance(data, bytes)
    return data


def _sources(folder: Path) -> list[Path]:
    """The bundled examples, and a generated handout ten times as long as a 5-section one."""
    return [*EXAMPLES, long_source(folder, 50)]


def handout_vs_bare(rounds: int = 5) -> dict[str, dict[str, Any]]:
    """Per source: CPU seconds of studygen's handout and of bare WeasyPrint, and the ratios."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for source in _sources(folder):
            options = BuildOptions(out=folder / "out", only=("handout",), jobs=1, force=True)
            with caught_layouts() as caught:
                report = build([source], options)
            assert report.ok and len(caught) == 1, report.problems
            html, base, sheets = caught[0]

            def studygen(s: Path = source, o: BuildOptions = options) -> float:
                pdf.forget_stylesheets()  # a build of its own, as the command line's
                return cpu_seconds(lambda: build([s], o))

            def bare(tags: bool, h: str = html, b: Path = base, c: list[Path] = sheets) -> float:
                return cpu_seconds(lambda: bare_write_pdf(h, b, c, tags))

            times = interleaved(
                {
                    "bare": lambda: bare(False),
                    "bare tagged": lambda: bare(True),
                    "studygen": studygen,
                },
                rounds,
            )
            medians = {name: statistics.median(values) for name, values in times.items()}
            results[source.name] = {
                "pages": report.written[0].pages,
                "seconds": {name: summary(values) for name, values in times.items()},
                "studygen / bare": medians["studygen"] / medians["bare"],
                "studygen / bare tagged": medians["studygen"] / medians["bare tagged"],
                "bare tagged / bare": medians["bare tagged"] / medians["bare"],
            }
    return results


def help_vs_import(rounds: int = 10) -> dict[str, Any]:
    """CPU seconds of ``studygen --help`` and of importing WeasyPrint, each a new process."""
    python = sys.executable
    times = interleaved(
        {
            "studygen --help": lambda: child_cpu_seconds([python, "-m", "studygen", "--help"]),
            "import weasyprint": lambda: child_cpu_seconds([python, "-c", "import weasyprint"]),
            "python -c pass": lambda: child_cpu_seconds([python, "-c", "pass"]),
        },
        rounds,
    )
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "seconds": {name: summary(values) for name, values in times.items()},
        "help / import weasyprint": medians["studygen --help"] / medians["import weasyprint"],
    }


@contextmanager
def counted_pages() -> Iterator[list[int]]:
    """How many times WeasyPrint laid out a page in the block (first layout and again)."""
    import weasyprint.layout.page as page_layout

    count = [0]
    original = page_layout.remake_page

    def remake_page(*args: Any) -> Any:
        count[0] += 1
        return original(*args)

    page_layout.remake_page = remake_page
    try:
        yield count
    finally:
        page_layout.remake_page = original


def toc_cost(rounds: int = 5) -> dict[str, dict[str, Any]]:
    """Per source: CPU seconds with and without the table of contents, and pages laid out."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for source in _sources(folder):
            with_toc = BuildOptions(out=folder / "out", only=("handout",), jobs=1, force=True)
            variants = {"with": with_toc.but(toc=True), "without": with_toc.but(toc=False)}
            laid_out = {}
            for name, options in variants.items():
                with counted_pages() as count:
                    report = build([source], options)
                laid_out[name] = {"pages": report.written[0].pages, "pages laid out": count[0]}
            times = interleaved(
                {
                    name: lambda s=source, o=options: cpu_seconds(lambda: build([s], o))
                    for name, options in variants.items()
                },
                rounds,
            )
            medians = {name: statistics.median(values) for name, values in times.items()}
            results[source.name] = {
                **{f"{name} table of contents": laid_out[name] for name in variants},
                "seconds": {name: summary(values) for name, values in times.items()},
                "share of the handout": 1 - medians["without"] / medians["with"],
            }
    return results


def _seconds(figures: dict[str, float]) -> str:
    return f"{figures['median']:.3f} s ({figures['low']:.3f}–{figures['high']:.3f})"


def main() -> None:
    """Measure the three and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("handout: studygen against bare WeasyPrint write_pdf (CPU time)")
    for name, result in handout_vs_bare(args.rounds).items():
        seconds = result["seconds"]
        print(f"  {name} ({result['pages']} pages)")
        for variant, figures in seconds.items():
            print(f"    {variant:22} {_seconds(figures)}")
        print(f"    studygen / bare          {result['studygen / bare']:.2f}×")
        print(f"    studygen / bare tagged   {result['studygen / bare tagged']:.2f}×")
        print(f"    bare tagged / bare       {result['bare tagged / bare']:.2f}×")
    start = help_vs_import(2 * args.rounds)
    print("start-up (CPU time of the process)")
    for variant, figures in start["seconds"].items():
        print(f"    {variant:22} {_seconds(figures)}")
    print(f"    help / import weasyprint {start['help / import weasyprint']:.2f}×")
    print("table of contents")
    for name, result in toc_cost(args.rounds).items():
        with_, without = result["with table of contents"], result["without table of contents"]
        print(
            f"  {name}: {result['share of the handout']:.0%} of the handout; pages laid out "
            f"{with_['pages laid out']} for {with_['pages']} pages with it, "
            f"{without['pages laid out']} for {without['pages']} without"
        )
        for variant, figures in result["seconds"].items():
            print(f"    {variant + ' it':22} {_seconds(figures)}")


if __name__ == "__main__":
    main()
