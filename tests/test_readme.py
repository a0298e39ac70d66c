"""Every studygen command and every studygen.toml the README shows works as written.

The commands run in order in a copy of the repository's sources and examples, as a reader
of a fresh clone would type them; installation commands (apt, pip, venv) are CI's job.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from studygen.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = [
    (README[: m.start()].count("\n") + 1, m.group(1), m.group(2))
    for m in re.finditer(r"```(\w*)\n(.*?)```", README, re.DOTALL)
]


def _commands() -> list[tuple[int, list[str]]]:
    """(README line, arguments) of every ``studygen`` command in the shell blocks."""
    found = []
    for start, language, body in BLOCKS:
        if language not in ("sh", "bash", "console"):
            continue
        for offset, line in enumerate(body.splitlines(), start=1):
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words[:1] == ["studygen"]:
                    found.append((start + offset, words[1:]))
    return found


COMMANDS = _commands()


def _clone(root: Path) -> Path:
    for folder in ("source", "examples"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 5
    assert any(args[:1] == ["new"] for _, args in COMMANDS)


def test_every_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    monkeypatch.chdir(_clone(tmp_path))
    for line, args in COMMANDS:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (
            f"README.md:{line}: studygen {' '.join(args)}\n{result.output}"
        )
    assert (tmp_path / "build" / "immunomodulation" / "handout.pdf").is_file()
    assert (tmp_path / "printed" / "photosynthesis" / "key-points.pdf").is_file()


@pytest.mark.parametrize(
    "block", [(line, body) for line, language, body in BLOCKS if language == "toml"], ids=str
)
def test_every_settings_example_is_valid(
    block: tuple[int, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    line, body = block
    monkeypatch.chdir(_clone(tmp_path))
    (tmp_path / "studygen.toml").write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["check", "source/photosynthesis.yaml"])
    assert result.exit_code == 0, f"README.md:{line}: this studygen.toml fails:\n{result.output}"
