"""Rows measured in this process: one output made through its public entry point
(``outputs.get(name).make(Job(...))``, then its PDF bytes) against bare WeasyPrint laying out
and writing the same final HTML and stylesheets, rounds interleaved, CPU time.

"studygen" counts what a build spends on that output: reading the source, every layout
pass, the PDF bytes (tagged). "bare" is ``HTML(string=...).write_pdf(stylesheets=...)``.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from capture import Captured, capturing, floor
from figures import Figure, Settings, verdict
from timing import REPO, Sample, describe, interleave, ratio_text, ratios, spread, timed

from studygen import outputs, pdf, stack
from studygen.config import BuildOptions
from studygen.outputs.base import Job, Made
from studygen.sources.loader import load_source

EXAMPLE = REPO / "source" / "immunomodulation.yaml"


def make(path: Path, name: str, options: BuildOptions) -> Callable[[], object]:
    """What a build does for one output of one source, writing aside: read, lay out, PDF."""

    def run() -> None:
        # A build as the command line makes it, in a process of its own: no stylesheet kept
        # parsed from an earlier round (``watch`` and previews keep them; bare WeasyPrint
        # parses them every round too).
        pdf.forget_stylesheets()
        source = load_source(path)
        made = outputs.get(name).make(Job(name, source, options, pdf.Engine()))
        if not isinstance(made, Made):
            raise RuntimeError(f"{name} skipped: {made}")
        made.rendered.pdf  # noqa: B018 - the PDF bytes are part of the cost

    return run


@dataclass
class Versus:
    """studygen and bare WeasyPrint on one output, round by round, and what was laid out;
    with bare WeasyPrint also called from a roomy frame (``studygen.stack``) when asked."""

    studygen: list[Sample]
    bare: list[Sample]
    captured: Captured
    roomy: list[Sample] | None = None

    @property
    def ratios(self) -> list[float]:
        """CPU time of studygen over bare WeasyPrint, per round."""
        return ratios(self.studygen, self.bare)

    @property
    def ratio(self) -> float:
        """The median of the per-round ratios."""
        return statistics.median(self.ratios)

    @property
    def roomy_ratios(self) -> list[float]:
        """CPU time of studygen over bare WeasyPrint in a roomy frame, per round (none
        when it was not measured)."""
        return [] if self.roomy is None else ratios(self.studygen, self.roomy)


def versus(
    path: Path,
    name: str,
    options: BuildOptions,
    settings: Settings,
    rounds: int | None = None,
    roomy: bool = False,
) -> Versus:
    """Capture one run (it also warms up), then interleave studygen and the floor (and the
    floor called from a roomy frame, if ``roomy``), ``rounds`` rounds (the settings')."""
    run = make(path, name, options)
    with capturing() as captured:
        run()
    bare = floor(captured.final())
    actions = {"studygen": lambda: timed(run), "bare": lambda: timed(bare)}
    bare()  # warm-up
    if roomy:
        roomy_bare = stack.roomy(bare)
        roomy_bare()  # warm-up
        actions["roomy"] = lambda: timed(roomy_bare)
    samples = interleave(actions, rounds or settings.rounds)
    result = Versus(samples["studygen"], samples["bare"], captured, samples.get("roomy"))
    print(describe(f"studygen {name}", result.studygen))
    print(describe("bare WeasyPrint, final HTML", result.bare))
    if result.roomy is not None:
        print(describe("bare WeasyPrint, roomy frame", result.roomy))
    print(f"  {captured.summary()}")
    print(f"  studygen / bare: {ratio_text(result.ratios)}")
    if result.roomy is not None:
        print(f"  studygen / bare in a roomy frame: {ratio_text(result.roomy_ratios)}")
    return result


HANDOUT_ROUNDS = 9  # a build of half a second: more rounds for a goal 10 % away


def handout(settings: Settings) -> list[Figure]:
    """The bundled French example's handout against bare WeasyPrint, called as any program
    calls it and from a roomy frame as studygen calls it (``studygen.stack``: on Python
    versions that map and unmap chunks of frames at the edge, what is left is the work)."""
    print(f"handout of {EXAMPLE.name}, default options")
    rounds = settings.rounds if settings.quick else max(settings.rounds, HANDOUT_ROUNDS)
    result = versus(EXAMPLE, "handout", BuildOptions(), settings, rounds, roomy=True)
    roomy = ratio_text(result.roomy_ratios)
    shown = f"{ratio_text(result.ratios)}; {roomy} against bare in a roomy frame"
    return [
        Figure(
            "handout, studygen vs bare WeasyPrint `write_pdf` on the same HTML and CSS",
            shown, "≤ 1.10×, tags kept", verdict(result.ratio <= 1.10),
        )
    ]  # fmt: skip


WORDS = [
    "cell", "membrane", "protein", "enzyme", "nucleus", "ribosome", "energy", "signal",
    "transport", "gene", "division", "osmosis", "diffusion", "receptor",
]  # fmt: skip


def fitting_deck(folder: Path, cards: int, seed: int = 3) -> Path:
    """A deck of short cards: every face fits at its default size, one layout pass."""
    rng = random.Random(seed)
    lines = ["title: Short cards", "lang: en", "sections:", "  - title: Cells", "    blocks:"]
    lines += ["      - kind: text", "        text: Cards only.", "flashcards:"]
    for number in range(cards):
        front = " ".join(rng.choice(WORDS) for _ in range(rng.choice([2, 3, 5])))
        back = " ".join(rng.choice(WORDS) for _ in range(rng.choice([4, 8, 14])))
        lines += [f"  - front: What links {front} ({number + 1})?", f"    back: {back}."]
    path = folder / f"short{cards}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flashcards_one_pass(settings: Settings) -> list[Figure]:
    """Flashcards whose faces all fit at once: the fitting machinery's fixed cost."""
    cards = settings.size(48, 24)
    print(f"flashcards, {cards} short cards (every face fits at its default size)")
    result = versus(fitting_deck(settings.folder, cards), "flashcards", BuildOptions(), settings)
    layouts = len(result.captured.layouts)
    passes = f"{layouts} layout{'s' if layouts != 1 else ''}"
    return [
        Figure(
            "flashcards with one fitting pass", f"{ratio_text(result.ratios)}, {passes}",
            "≤ 1.10×", verdict(result.ratio <= 1.10),
        )
    ]  # fmt: skip


def deck(settings: Settings) -> list[Figure]:
    """The mixed deck of bench_flashcards.py: fitting and the final layout against one
    layout and write of the final sheets; the cost per card."""
    from bench_flashcards import make_deck

    cards = settings.size(200, 48)
    print(f"flashcards, {cards}-card mixed deck of bench_flashcards.py (answers of 5–150 words)")
    result = versus(make_deck(settings.folder, cards), "flashcards", BuildOptions(), settings)
    per_card = [sample.cpu / cards * 1000 for sample in result.studygen]
    print(f"  CPU per card: {statistics.median(per_card):.0f} ms")
    label = f"{cards}-card deck" + (" (quick: 200 in the full run)" if settings.quick else "")
    return [
        Figure(
            f"{label}: fitting + final layout vs one layout + write",
            f"{ratio_text(result.ratios)}; {result.captured.summary()}",
            "≤ 1.3× one layout + write", verdict(result.ratio <= 1.3),
        ),
        Figure(
            "cost per card", f"{spread(per_card, ' ms', 0)} CPU",
            "≤ 50 ms per card", verdict(statistics.median(per_card) <= 50),
        ),
    ]  # fmt: skip


def key_points(settings: Settings) -> list[Figure]:
    """The key-points sheet of the bundled example and of 60 generated points: fitting
    against one layout and write of the final sheet."""
    from bench_summary import make_source

    figures = []
    for label, path in (
        (f"the key points of {EXAMPLE.name}", EXAMPLE),
        ("60 generated points of bench_summary.py", make_source(settings.folder, 60)),
    ):
        print(f"key-points sheet, {label}")
        result = versus(path, "key-points", BuildOptions(), settings)
        figures.append(
            Figure(
                f"key-points sheet ({label}): fitting vs one layout + write of the final sheet",
                f"{ratio_text(result.ratios)}; {result.captured.summary()}",
                "≤ 1.5× one layout", verdict(result.ratio <= 1.5),
            )
        )  # fmt: skip
    return figures


def table_of_contents(settings: Settings) -> list[Figure]:
    """The bundled example's handout with and without its table of contents."""
    print(f"handout of {EXAMPLE.name}: with a table of contents (--toc) and without (--no-toc)")
    with_toc, without = (
        make(EXAMPLE, "handout", BuildOptions(toc=True)),
        make(EXAMPLE, "handout", BuildOptions(toc=False)),
    )
    with_toc(), without()  # warm-up
    samples = interleave(
        {"--toc": lambda: timed(with_toc), "--no-toc": lambda: timed(without)}, settings.rounds
    )
    for name, measured in samples.items():
        print(describe(f"handout {name}", measured))
    share = [1 - 1 / ratio for ratio in ratios(samples["--toc"], samples["--no-toc"])]
    shown = spread([100 * part for part in share], " %", 0)
    print(f"  table of contents: {shown} of the handout's CPU time")
    return [
        Figure("table of contents", f"{shown} of the handout", "measure and take what is "
               "cheap", "measured"),
    ]  # fmt: skip


ROWS: dict[str, Callable[[Settings], list[Figure]]] = {
    "handout": handout,
    "flashcards": flashcards_one_pass,
    "deck": deck,
    "key-points": key_points,
    "toc": table_of_contents,
}
