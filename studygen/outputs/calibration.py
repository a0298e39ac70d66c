"""The calibration sheet: measure how far a printer's back side lands from its front.

Front: a cross at the centre of the page with two scales through it; back: the same
cross, at the same place. Held against the light, the back's cross shows on the
front's scales. The scales are labelled with the value to type as ``--back-offset``
(the shift that cancels the error), for the duplex mode the sheet was made for.

It is made from no source, so it is not in the registry of a source's outputs; the
``calibrate`` command writes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studygen import pdf, templating
from studygen.choices import CALIBRATION_DUPLEX, PAPERS
from studygen.errors import ContentError, UsageError
from studygen.write import write_atomic

RANGE_MM = 10
IDENTIFIER = b"studygen-calibration"
MARKER = b"/ID [(" + IDENTIFIER + b")"  # written uncompressed in the trailer
FILE_NAME = "calibration.pdf"


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


def lay_out(paper_name: str, duplex: str) -> pdf.Rendered:
    """The two pages of the sheet for ``paper_name`` and ``duplex``."""
    if duplex not in CALIBRATION_DUPLEX:
        raise UsageError(
            f"calibrate measures duplex printing: use {' or '.join(CALIBRATION_DUPLEX)}"
        )
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
    html = templating.render_html("calibration", context)
    css = templating.stylesheets("calibration", None)
    here = templating.builtin_templates_dir()
    return pdf.render_pdf(html, here, css, [here], IDENTIFIER)


def write_calibration(out: Path, paper_name: str, duplex: str) -> Path:
    """Write the sheet to ``out`` (or into it, when it is a folder); the path written.

    A file that is not an earlier calibration sheet is never overwritten.
    """
    target = out / FILE_NAME if out.is_dir() else out
    if target.exists() and (not target.is_file() or MARKER not in target.read_bytes()):
        raise UsageError(f"{target} exists and is not a calibration sheet — choose another --out")
    rendered = lay_out(paper_name, duplex)
    if rendered.refusals:  # the built-in templates ask for nothing outside themselves
        raise ContentError(f"calibration sheet: {rendered.refusals[0][1]}")
    write_atomic(target, rendered.pdf)
    return target
