"""studygen watch: rebuilds after a save, reports an error without exiting, stops on Ctrl-C.

The watch runs in a subprocess; every wait is bounded and polls the files it expects.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, MakeProject
from pypdf import PdfReader

SOURCE = """\
title: {title}
sections:
  - title: One
    blocks:
      - kind: text
        text: Some words.
"""
LIMIT = 60.0  # seconds: far over a rebuild, so only a watch that never rebuilds fails


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + LIMIT
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {LIMIT:g} s"
        time.sleep(0.1)


def _title(pdf: Path) -> str:
    try:
        return str(PdfReader(pdf).metadata.title)
    except Exception:  # written in the meantime: read it on the next poll
        return ""


def test_watch_rebuilds_after_a_save_and_survives_an_error(make_project: MakeProject) -> None:
    folder = make_project({"source/a.yaml": SOURCE.format(title="First")})
    pdf = folder / "build" / "a" / "handout.pdf"
    log = folder / "watch.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "studygen", "watch", "--only", "handout"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _until(lambda: "watching 1 source" in log.read_text(), "first build")
        assert _title(pdf) == "First"
        (folder / "source" / "a.yaml").write_text(SOURCE.format(title="Second"))
        _until(lambda: _title(pdf) == "Second", "rebuild after a save")

        (folder / "source" / "a.yaml").write_text("title: [broken\n")
        _until(lambda: "a.yaml:2:1: YAML syntax error" in log.read_text(), "error reported")
        assert process.poll() is None  # still watching
        assert _title(pdf) == "Second"  # the last good PDF is left as it was

        (folder / "source" / "a.yaml").write_text(SOURCE.format(title="Third"))
        _until(lambda: _title(pdf) == "Third", "rebuild after the fix")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, log.read_text()
    assert "Traceback" not in log.read_text()
