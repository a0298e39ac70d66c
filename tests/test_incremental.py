"""build/manifest.json, builds that skip what has not changed, --jobs, --shard, clean."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import MakeProject
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen.cli import app

EPOCH = "1764288000"
CELL = """
    title: Cellule
    lang: fr
    sections:
      - title: Organites
        blocks:
          - kind: text
            text: La mitochondrie produit l'ATP.
          - kind: image
            src: figures/cellule.svg
            alt: Une cellule et son noyau.
    flashcards:
      - front: Où est produit l'ATP ?
        back: Dans la mitochondrie.
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 60" width="100" height="60">'
    '<ellipse cx="50" cy="30" rx="45" ry="25" fill="none" stroke="{colour}"/>'
    '<circle cx="50" cy="30" r="8" fill="{colour}"/></svg>'
)


def plain(title: str) -> str:
    """A small study file: one section, no pictures."""
    return f"title: {title}\nlang: fr\nsections:\n  - title: Partie\n    blocks:\n" \
           f"      - kind: text\n        text: Le texte de {title}.\n"  # fmt: skip


@pytest.fixture
def cells(project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of two sources, one with a picture, built reproducibly."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return project({
        "source/cellule.yaml": CELL, "source/figures/cellule.svg": SVG.format(colour="green"),
        "source/atome.yaml": plain("Atome"),
    })  # fmt: skip


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def sums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_manifest_describes_every_pdf_written(cells: Path) -> None:
    run("build", "--jobs", "1")
    data = json.loads((cells / "build/manifest.json").read_text(encoding="utf-8"))
    records = {(r["source"], r["output"]): r for r in data["outputs"]}
    handout = records[("source/cellule.yaml", "handout")]
    pdf = cells / "build" / handout["file"]
    assert handout["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert handout["bytes"] == pdf.stat().st_size
    assert handout["pages"] == len(PdfReader(pdf).pages)
    assert handout["options"]["paper"] == "a4"
    inputs = handout["inputs"]
    assert (
        inputs["source"] == hashlib.sha256((cells / "source/cellule.yaml").read_bytes()).hexdigest()
    )
    assert list(inputs["files"]) == ["source/figures/cellule.svg"]
    assert inputs["fonts"] and inputs["templates"] and "weasyprint" in inputs["engine"]
    # key points are wanted by no source here: recorded as left out, with the reason
    assert "skipped" in records[("source/atome.yaml", "key-points")]
    written = {r["file"] for r in data["outputs"] if "file" in r}
    assert written == {"atome/handout.pdf", "cellule/handout.pdf", "cellule/flashcards.pdf"}


def test_nothing_changed_nothing_laid_out(cells: Path) -> None:
    run("build")
    before = {p: p.stat().st_mtime_ns for p in (cells / "build").rglob("*.pdf")}
    output = run("build")
    assert "3 up to date (2 sources), nothing to build" in output
    assert "wrote" not in output
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert "ok source/atome.yaml (unchanged since it was built)" in run("check", "-v")


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        ("picture", {"cellule"}),
        ("source", {"atome"}),
        ("option", {"atome", "cellule"}),
        ("deleted pdf", {"cellule"}),
        ("theme", {"atome", "cellule"}),
    ],
)
def test_what_changed_is_rebuilt_and_nothing_else(
    cells: Path, change: str, rebuilt: set[str]
) -> None:
    (cells / "theme/handout").mkdir(parents=True)
    run("build", "--templates", "theme")
    args = ["build", "--templates", "theme"]
    if change == "picture":
        (cells / "source/figures/cellule.svg").write_text(SVG.format(colour="red"))
    elif change == "source":
        (cells / "source/atome.yaml").write_text(plain("Atome et noyau"))
    elif change == "option":
        args += ["--paper", "letter"]
    elif change == "deleted pdf":
        (cells / "build/cellule/flashcards.pdf").unlink()
    else:
        (cells / "theme/handout/extra.css").write_text("p { color: #222; }")
    output = run(*args)
    assert {
        line.split("/")[1] for line in output.splitlines() if line.startswith("wrote")
    } == rebuilt
    assert "up to date" in output if rebuilt != {"atome", "cellule"} else "up to date" not in output
    assert "up to date" in run(*args)  # and then it is current again


def test_force_rebuilds_to_the_same_bytes(cells: Path) -> None:
    run("build")
    first = sums(cells / "build")
    output = run("build", "--force")
    assert output.count("wrote") == 3
    assert sums(cells / "build") == first


def test_check_fails_again_on_warnings_of_an_unchanged_source(project: MakeProject) -> None:
    project({"source/x.yaml": plain("X").replace("lang: fr", "lang: tlh")})
    first = run("build", "--only", "handout")
    assert "warning:" in first and "tlh" in first
    again = run("build", "--only", "handout")
    assert "1 up to date" in again and "tlh" in again  # said again, not laid out again
    assert "tlh" in run("check", "--only", "handout", code=1)


def test_jobs_write_the_same_bytes_in_the_same_order(
    project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    files = {f"source/s{i}.yaml": plain(f"Source {i}") for i in range(4)}
    files["source/s2.yaml"] = "title: [cassé\n"
    root = project(files)
    one = run("build", "--jobs", "1", "--only", "handout", "--out", "one", code=1)
    two = run("build", "--jobs", "2", "--only", "handout", "--out", "two", code=1)
    assert sums(root / "one") == sums(root / "two")
    assert one.replace("one/", "") == two.replace("two/", "").replace(
        two.splitlines()[-1], one.splitlines()[-1]
    )  # the same lines in the same order; only the time differs
    assert "source/s2.yaml:2:1: YAML syntax error" in two


def test_the_time_budget_holds_in_a_worker(project: MakeProject) -> None:
    slow = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    project({
        "source/lent.yaml": plain("Lent") + "key_points:\n  - term: a\n    text: b\n",
        "source/vite.yaml": plain("Vite"), "theme/key-points/key-points.html.j2": slow,
    })  # fmt: skip
    output = run("build", "--jobs", "2", "--timeout", "2", "--templates", "theme", code=1)
    assert "source/lent.yaml: did not finish in 2 s" in output
    assert "wrote build/vite/handout.pdf" in output


def test_shards_build_each_source_once_and_the_same_bytes(
    project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = project({f"source/s{i}.yaml": plain(f"Source {i}") for i in range(6)})
    run("build", "--only", "handout", "--out", "whole")
    for part in (1, 2, 3):
        run("build", "--only", "handout", "--shard", f"{part}/3", "--out", f"shard{part}")
    built = [p.parent.name for part in (1, 2, 3) for p in (root / f"shard{part}").glob("*/*.pdf")]
    assert sorted(built) == [f"s{i}" for i in range(6)]  # every source, exactly once
    joined = {}
    for part in (1, 2, 3):
        joined.update(sums(root / f"shard{part}"))
        joined.pop("manifest.json")
    whole = sums(root / "whole")
    whole.pop("manifest.json")
    assert joined == whole
    assert len(list((root / "shard1").glob("*/*.pdf"))) == 2  # a third of the sources each
    run("manifest", "merge", *(f"shard{p}/manifest.json" for p in (1, 2, 3)), "-o", "joined.json")
    assert (root / "joined.json").read_bytes() == (root / "whole/manifest.json").read_bytes()


def test_the_manifest_is_the_same_bytes_in_another_folder(
    cells: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("build", "--only", "handout")
    other = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(cells / "source", other / "source")
    monkeypatch.chdir(other)
    run("build", "--only", "handout")
    assert (other / "build/manifest.json").read_bytes() == (
        cells / "build/manifest.json"
    ).read_bytes()


def test_clean_removes_only_what_the_manifest_lists(cells: Path) -> None:
    run("build")
    (cells / "build/notes.txt").write_text("mine")
    (cells / "build/atome/handout.pdf").write_bytes(b"%PDF- edited by hand")
    output = run("clean")
    assert "left build/atome/handout.pdf: it changed since studygen wrote it" in output
    assert "removed 3 files" in output  # two PDFs and the manifest
    left = sorted(p.relative_to(cells).as_posix() for p in (cells / "build").rglob("*"))
    assert left == ["build/atome", "build/atome/handout.pdf", "build/notes.txt"]
    assert "nothing studygen built is listed" in run("clean")


def test_a_manifest_naming_files_outside_is_refused(cells: Path) -> None:
    run("build", "--only", "handout")
    path = cells / "build/manifest.json"
    data = json.loads(path.read_text())
    data["outputs"][0]["file"] = "../source/atome.yaml"
    path.write_text(json.dumps(data))
    assert "leads out of build/" in run("clean", code=2)
    assert (cells / "source/atome.yaml").is_file()


def test_the_release_workflow_builds_shards_and_publishes_the_manifest() -> None:
    from ruamel.yaml import YAML

    path = Path(__file__).resolve().parent.parent / ".github/workflows/release.yml"
    workflow = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert workflow["on"]["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    assert jobs["build"]["needs"] == "check" and jobs["release"]["needs"] == "build"
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    steps = {step.get("name"): step.get("run", "") for step in jobs["build"]["steps"]}
    build_step = steps["Build this runner's share of the sources"]
    assert (
        "SOURCE_DATE_EPOCH" in build_step and '--shard "${{ matrix.shard }}/$SHARDS"' in build_step
    )
    assert "studygen check" in str(jobs["check"]["steps"])
    release = " ".join(step.get("run", "") for step in jobs["release"]["steps"])
    assert "studygen manifest merge" in release and "gh release create" in release
    assert "release/manifest.json" in release


def test_pages_kept_from_the_first_pass_are_the_bytes_of_a_full_relayout(
    project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    long_back = "Une réponse longue qui ne tient pas à la taille par défaut. " * 9
    cards = "".join(
        f"  - front: Question {n} ?\n    back: {long_back if n == 3 else f'Réponse {n}.'}\n"
        for n in range(1, 13)
    )
    root = project({"source/deck.yaml": plain("Paquet") + "flashcards:\n" + cards})
    (root / "theme/flashcards").mkdir(parents=True)  # a theme: every page laid out again
    said = run("build", "--only", "flashcards", "--out", "kept", "-v")
    assert "1 full layout pass and" in said  # the pages without a shrunk face were kept
    run("build", "--only", "flashcards", "--out", "whole", "--templates", "theme")
    kept = (root / "kept/deck/flashcards.pdf").read_bytes()
    assert kept == (root / "whole/deck/flashcards.pdf").read_bytes()
    reader = PdfReader(root / "kept/deck/flashcards.pdf")
    assert len(reader.pages) == 4 and "Question 12" in reader.pages[2].extract_text()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--jobs", "0"), '"jobs" must be a number of processes, 1 to 256'),
        (("--shard", "3/2"), 'shard "3/2" must be K/N with 1 <= K <= N'),
        (("--shard", "un"), 'shard "un" must be K/N'),
    ],
)
def test_wrong_jobs_or_shard_is_a_usage_error(
    cells: Path, flags: tuple[str, str], message: str
) -> None:
    assert message in run("build", *flags, code=2)
    assert not (cells / "build").exists()


def test_a_manifest_edited_by_hand_only_makes_the_build_start_over(cells: Path) -> None:
    run("build", "--only", "handout")
    path = cells / "build/manifest.json"
    data = json.loads(path.read_text())
    del data["outputs"][0]["sha256"]
    data["outputs"][1]["file"] = "../../elsewhere.pdf"
    path.write_text(json.dumps(data))
    assert run("build", "--only", "handout").count("wrote") == 2
    path.write_text("{not json")
    assert run("build", "--only", "handout", "--jobs", "1").count("wrote") == 2
    assert "2 up to date" in run("build", "--only", "handout")
