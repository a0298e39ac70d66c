"""Shared fixtures: temporary projects, and the bundled examples built once per session."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from forkserver import ForkServer
from hypothesis import settings
from typer.testing import CliRunner

from studygen.build import build, discover
from studygen.config import BuildOptions

# Property tests draw the same examples on every run, so CI never fails on luck;
# HYPOTHESIS_PROFILE=explore draws new ones (run it before a release).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "source"

MakeProject = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write ``{relative path: text}`` into a fresh project folder and return the folder."""

    def make(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def project(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> MakeProject:
    """make_project, with the working directory inside the project."""

    def make(files: dict[str, str | bytes]) -> Path:
        folder = make_project(files)
        monkeypatch.chdir(folder)
        return folder

    return make


@pytest.fixture
def runner() -> CliRunner:
    """Typer's test runner."""
    return CliRunner()


@pytest.fixture(scope="session")
def example_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled examples, so nothing is ever written inside the repository."""
    project = tmp_path_factory.mktemp("examples")
    shutil.copytree(EXAMPLES, project / "source")
    return project


def _build_examples(project: Path, paper: str) -> Path:
    out = project / f"build-{paper}"
    options = BuildOptions(out=out, paper=paper, source_dir=project / "source")
    report = build(discover([], options), options)
    assert report.ok, report.problems
    return out


@pytest.fixture(scope="session")
def built_a4(example_project: Path) -> Path:
    """The bundled examples built on A4."""
    return _build_examples(example_project, "a4")


@pytest.fixture(scope="session")
def built_letter(example_project: Path) -> Path:
    """The bundled examples built on Letter."""
    return _build_examples(example_project, "letter")


@pytest.fixture(scope="session")
def fork_servers() -> Iterator[dict[int, ForkServer]]:
    """One fork server per memory limit in this test worker (see ``forkserver.py``)."""
    servers: dict[int, ForkServer] = {}
    yield servers
    for server in servers.values():
        server.close()


def fork_server(servers: dict[int, ForkServer], memory_limit: int = 0) -> ForkServer:
    """The worker's server whose commands may map at most ``memory_limit`` bytes."""
    if memory_limit not in servers:
        servers[memory_limit] = ForkServer(memory_limit)
    return servers[memory_limit]
