"""The calibration sheet: measure how far a printer's back side lands from its front.

Front: a cross at the centre of the page with two scales through it; back: the same
cross, at the same place. Held against the light, the back's cross shows on the
front's scales. The scales are labelled with the value to type as ``--back-offset``
(the shift that cancels the error), for the duplex mode the sheet was made for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studygen import pdf, render
from studygen.build import write_atomic
from studygen.cards import PAPERS
from studygen.errors import StudygenError

RANGE_MM = 10
IDENTIFIER = b"studygen-calibration"
MARKER = b"/ID [(" + IDENTIFIER + b")"  # written uncompressed in the trailer


def scale_ticks(duplex: str) -> dict[str, list[dict[str, Any]]]:
    """Tick offsets (mm from the centre, right and down positive) with their labels."""
    # long-edge: the back's X appears mirrored, so the reading right of centre is the
    # correction; its Y appears as is, so the correction is minus the reading.
    x_sign, y_sign = (1, -1) if duplex == "long-edge" else (-1, 1)
    ticks: dict[str, list[dict[str, Any]]] = {"x": [], "y": []}
    for mm in range(-RANGE_MM, RANGE_MM + 1):
        for axis, sign in (("x", x_sign), ("y", y_sign)):
            label = sign * mm
            ticks[axis].append(
                {"at": mm, "major": mm % 5 == 0, "label": f"{label:+d}" if label else "0"}
            )
    return ticks


def write_calibration(out: Path, paper_name: str, duplex: str) -> None:
    """Write the two-page calibration PDF to ``out`` (refusing to overwrite other files)."""
    if duplex not in ("long-edge", "short-edge"):
        raise StudygenError("calibrate measures duplex printing: use long-edge or short-edge")
    if out.exists() and MARKER not in out.read_bytes():
        raise StudygenError(f"{out} exists and is not a calibration sheet — choose another --out")
    paper = PAPERS[paper_name]
    context = {
        "lang": "en",
        "paper": {"width": paper.width, "height": paper.height, "name": paper.name},
        "centre": {"x": paper.width / 2, "y": paper.height / 2},
        "ticks": scale_ticks(duplex),
        "duplex": duplex,
        "title": "studygen calibration sheet",
        "corners": [(20.0, 20.0), (paper.width - 20.0, 20.0), (20.0, paper.height - 20.0),
                    (paper.width - 20.0, paper.height - 20.0)],
    }  # fmt: skip
    html = render.render_html("calibration", context)
    css = render.stylesheets("calibration", None)
    here = render.builtin_templates_dir()
    rendered = pdf.render_pdf(html, here, css, [here], IDENTIFIER)
    write_atomic(out, rendered.pdf)
