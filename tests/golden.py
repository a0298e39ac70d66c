"""SHA-256 of every output of the bundled examples under a few option sets.

The hashes in ``data/golden.json`` were recorded before the code was reorganised into
one module per output; ``test_golden.py`` asserts that the same commands still write
the same bytes. Run ``python tests/golden.py`` to record them again after a change
that is meant to alter the PDFs (and say in the commit which and why).

PDF bytes depend on WeasyPrint, pydyf, the font subsetter and the installed fonts, so
the hashes are kept with a fingerprint of those; on another machine the test skips.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json"
EPOCH = "1700000000"
SOURCES = ("immunomodulation.yaml", "photosynthesis.yaml")
# name → extra command-line options
OPTION_SETS: dict[str, list[str]] = {
    "default": [],
    "letter": ["--paper", "letter"],
    "a4-3x3-short-edge": ["--only", "flashcards", "--cards", "a4-3x3", "--duplex", "short-edge"],
    "fold": ["--only", "flashcards", "--duplex", "fold"],
    "pdf-ua-1": ["--pdf-variant", "pdf/ua-1"],
}


NAMED_FAMILIES = {
    "Noto Sans", "Noto Serif", "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono",
    "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Naskh Arabic", "Noto Serif Hebrew",
}  # fmt: skip


def fingerprint() -> dict[str, str]:
    """What the PDF bytes depend on besides studygen: library versions and fonts."""
    versions = {
        name: importlib.metadata.version(name) for name in ("weasyprint", "pydyf", "fonttools")
    }
    try:
        listed = subprocess.run(
            ["fc-list", "--format", "%{family[0]}|%{file}\n"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    # Only the families the templates name matter to these PDFs (see common/base.css).
    fonts = sorted(line for line in listed.splitlines() if line.split("|")[0] in NAMED_FAMILIES)
    harfbuzz = "harfbuzz-subset" if _has_harfbuzz_subset() else "fonttools"
    digest = hashlib.sha256("\n".join(fonts).encode()).hexdigest()
    return {**versions, "subsetter": harfbuzz, "fonts": digest[:16]}


def _has_harfbuzz_subset() -> bool:
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


# (folder, arguments, environment added) → exit code and output of ``studygen ARGUMENTS``
Run = Callable[[Path, list[str], dict[str, str]], tuple[int, str]]


def _subprocess(project: Path, args: list[str], env: dict[str, str]) -> tuple[int, str]:
    command = [sys.executable, "-m", "studygen.cli", *args]
    result = subprocess.run(command, cwd=project, env={**os.environ, **env},
                            capture_output=True, text=True, check=False)  # fmt: skip
    return result.returncode, result.stdout + result.stderr


def build_all(workdir: Path, run: Run = _subprocess) -> dict[str, str]:
    """Build every option set in a copy of the examples; ``{set/source/output: sha256}``.

    Each option set is one ``studygen build`` command in a process of its own (``run``).
    """
    project = workdir / "project"
    shutil.copytree(REPO / "source", project / "source")
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    hashes: dict[str, str] = {}
    for name, options in OPTION_SETS.items():
        out = project / f"out-{name}"
        sources = [str(project / "source" / s) for s in SOURCES]
        code, output = run(project, ["build", "--out", str(out), *options, *sources], env)
        assert code == 0, output
        for pdf in sorted(out.rglob("*.pdf")):
            key = f"{name}/{pdf.parent.name}/{pdf.name}"
            hashes[key] = hashlib.sha256(pdf.read_bytes()).hexdigest()
    return hashes


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        recorded = {"fingerprint": fingerprint(), "hashes": build_all(Path(folder))}
    GOLDEN.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {len(recorded['hashes'])} hashes in {GOLDEN}")
