"""The command line: exit codes, messages, what gets written and what does not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import MakeProject
from typer.testing import CliRunner

from studygen.cli import app

GOOD = """
    title: Bonne fiche
    lang: fr
    sections:
      - title: Partie
        blocks:
          - kind: text
            text: Un texte.
    key_points:
      - term: Point
        text: Un point clé.
    flashcards:
      - front: Question ?
        back: Réponse.
"""

BAD = """
    title: Mauvaise fiche
    sections:
      - title: Partie
        blocks:
          - kind: definition
            text: Il manque le terme.
"""


@pytest.fixture
def in_project(make_project: MakeProject) -> Path:
    project = make_project({"source/bonne.yaml": GOOD, "source/mauvaise.yaml": BAD})
    cwd = Path.cwd()
    os.chdir(project)
    yield project
    os.chdir(cwd)


def test_build_without_arguments_builds_source_folder(in_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    for name in ("handout", "flashcards", "key-points"):
        assert (in_project / "build" / "bonne" / f"{name}.pdf").is_file()
        assert f"wrote build/bonne/{name}.pdf" in result.output
    assert not (in_project / "build" / "mauvaise").exists()
    assert 'source/mauvaise.yaml:5:9: missing required field "term"' in result.output
    assert "Traceback" not in result.output
    assert "1 source(s) with errors" in result.output


def test_build_named_source_succeeds(in_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["build", "source/bonne.yaml", "--only", "key-points", "--out", "dist"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (in_project / "dist" / "bonne").iterdir()) == ["key-points.pdf"]
    assert "built 1 PDF from 1 of 1 source" in result.output


def test_malformed_yaml_gives_line_and_no_pdf(in_project: Path, runner: CliRunner) -> None:
    (in_project / "source" / "cassee.yaml").write_text("title: [Oups\nsections: []\n")
    result = runner.invoke(app, ["build", "source/cassee.yaml"])
    assert result.exit_code == 1
    assert "source/cassee.yaml:2:" in result.output
    assert "YAML syntax error" in result.output
    assert not (in_project / "build").exists()


def test_check_reports_without_writing(in_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "mauvaise.yaml:5:9" in result.output
    assert not (in_project / "build").exists()
    ok = runner.invoke(app, ["check", "source/bonne.yaml", "--verbose"])
    assert ok.exit_code == 0 and "ok source/bonne.yaml" in ok.output


def test_usage_errors_exit_2(in_project: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["build", "--paper", "a3"]).exit_code == 2
    assert runner.invoke(app, ["build", "--only", "poster"]).exit_code == 2


def test_no_source_folder_is_a_clear_error(make_project: MakeProject, runner: CliRunner) -> None:
    project = make_project({"notes.txt": "x"})
    cwd = Path.cwd()
    os.chdir(project)
    try:
        result = runner.invoke(app, ["build"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2  # a usage error: the command needs a source
    assert "no sources given and no source/ folder" in result.output


def test_config_file_sets_defaults_and_flags_win(in_project: Path, runner: CliRunner) -> None:
    (in_project / "studygen.toml").write_text(
        'paper = "letter"\nout = "printed"\nonly = ["key-points"]\n'
    )
    result = runner.invoke(app, ["build", "source/bonne.yaml"])
    assert result.exit_code == 0, result.output
    assert (in_project / "printed" / "bonne" / "key-points.pdf").is_file()
    from pypdf import PdfReader

    page = PdfReader(in_project / "printed" / "bonne" / "key-points.pdf").pages[0]
    assert float(page.mediabox.width) == pytest.approx(612, abs=0.5)
    result = runner.invoke(app, ["build", "source/bonne.yaml", "--paper", "a4"])
    page = PdfReader(in_project / "printed" / "bonne" / "key-points.pdf").pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.3, abs=0.5)


def test_config_file_typo_is_reported(in_project: Path, runner: CliRunner) -> None:
    (in_project / "studygen.toml").write_text('papper = "letter"\n')
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert 'unknown setting "papper" — did you mean "paper"?' in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("studygen ")


def test_reproducible_with_source_date_epoch(
    in_project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    runner.invoke(app, ["build", "source/bonne.yaml", "--out", "a"])
    runner.invoke(app, ["build", "source/bonne.yaml", "--out", "b"])
    for name in ("handout", "flashcards", "key-points"):
        first = (in_project / "a" / "bonne" / f"{name}.pdf").read_bytes()
        second = (in_project / "b" / "bonne" / f"{name}.pdf").read_bytes()
        assert first == second, name


def test_schema_matches_the_committed_file(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    committed = (Path(__file__).parent.parent / "schema" / "studygen.schema.json").read_text()
    assert result.output == committed, "run: studygen schema > schema/studygen.schema.json"
    assert '"sections"' in committed


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "studygen", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("studygen ")


def test_layouts_lists_every_preset(runner: CliRunner) -> None:
    result = runner.invoke(app, ["layouts"])
    assert result.exit_code == 0
    for name, per_sheet in [("a4-2x4", 8), ("a4-3x3", 9), ("a4-2x5", 10), ("letter-2x4", 8),
                            ("letter-2x5", 10), ("index-5x3", 1), ("a6", 1)]:  # fmt: skip
        line = next(line for line in result.output.splitlines() if line.startswith(name + " "))
        assert f" {per_sheet} " in line


def test_card_options_from_the_command_line(in_project: Path, runner: CliRunner) -> None:
    args = ["build", "source/bonne.yaml", "--only", "flashcards"]
    ok = runner.invoke(
        app, [*args, "--cards", "a4-3x3", "--duplex", "short-edge", "--back-offset", "1,-0.5"]
    )
    assert ok.exit_code == 0, ok.output
    manual = runner.invoke(app, [*args, "--duplex", "manual"])
    assert manual.exit_code == 0 and "print pages 1 (the fronts)" in manual.output
    assert runner.invoke(app, [*args, "--duplex", "sideways"]).exit_code == 2
    assert runner.invoke(app, [*args, "--cards", "a3-9x9"]).exit_code == 2
    too_big = runner.invoke(app, [*args, "--card-size", "300x20mm"])
    assert too_big.exit_code == 2 and "does not fit on A4" in too_big.output
    assert runner.invoke(app, [*args, "--back-offset", "1"]).exit_code == 2
    assert runner.invoke(app, [*args, "--cards-only", "2-1"]).exit_code == 2
    none = runner.invoke(app, [*args, "--tags", "absent"])
    assert none.exit_code == 1 and "no card matches" in none.output


def test_printer_settings_from_config(in_project: Path, runner: CliRunner) -> None:
    (in_project / "studygen.toml").write_text(
        'duplex = "short-edge"\n[printers.bureau]\nback_offset = [1.5, -0.5]\n'
    )
    from studygen.config import resolve_options

    options = resolve_options(in_project, {"printer": "bureau"})
    assert options.back_offset == (1.5, -0.5) and options.duplex == "short-edge"
    assert resolve_options(in_project, {"printer": "bureau", "back_offset": "0,0"}).back_offset == (
        0,
        0,
    )
    result = runner.invoke(app, ["build", "--printer", "maison"])
    assert (
        result.exit_code == 2 and 'printer "maison" is not in [printers] (bureau)' in result.output
    )


def test_calibrate_writes_a_two_page_sheet_and_never_overwrites_other_files(
    in_project: Path, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["calibrate", "--paper", "letter"])
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    reader = PdfReader(in_project / "calibration.pdf")
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.5)
    front = reader.pages[0].extract_text()
    assert "+10" in front and "-10" in front and "back_offset" in front
    assert runner.invoke(app, ["calibrate", "--paper", "letter"]).exit_code == 0  # its own file
    (in_project / "notes.pdf").write_bytes(b"%PDF-1.4 mine")
    refused = runner.invoke(app, ["calibrate", "--out", "notes.pdf"])
    # --out names a file studygen did not make: a usage error (choose another --out)
    assert refused.exit_code == 2 and "not a calibration sheet" in refused.output
    assert (in_project / "notes.pdf").read_bytes() == b"%PDF-1.4 mine"


def test_control_characters_in_content_never_reach_the_terminal(
    in_project: Path, runner: CliRunner
) -> None:
    (in_project / "source" / "mauvaise.yaml").write_text(
        'title: T\nlang: "\\e[31mrouge\\u202e"\nsections:\n  - title: S\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["build", "source/mauvaise.yaml"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert '2:7: "\\x1b[31mrouge\\u202e" is not a language tag' in result.output


# --- Where the command runs, and what it is given -----------------------------------------------


def test_a_subfolder_finds_the_project_settings(
    make_project: MakeProject, runner: CliRunner
) -> None:
    from pypdf import PdfReader

    project = make_project(
        {"studygen.toml": 'paper = "letter"\n', "source/bonne.yaml": GOOD, "notes/n.txt": "x"}
    )
    cwd = Path.cwd()
    os.chdir(project / "source")
    try:
        result = runner.invoke(app, ["build", "bonne.yaml", "--only", "handout"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    target = project / "build" / "bonne" / "handout.pdf"
    assert target.is_file() and not (project / "source" / "build").exists()
    assert "wrote ../build/bonne/handout.pdf (1 page)" in result.output  # relative to here
    width = PdfReader(target).pages[0].mediabox.width
    assert abs(float(width) - 612) < 1  # Letter, from the project's studygen.toml


def test_a_folder_builds_every_source_in_it(in_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "source/", "--only", "key-points"])
    assert result.exit_code == 1  # mauvaise.yaml has errors; bonne.yaml still builds
    assert (in_project / "build" / "bonne" / "key-points.pdf").is_file()
    assert "mauvaise.yaml" in result.output and "of 2 sources" in result.output


def test_quiet_prints_problems_and_the_summary_only(in_project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--quiet"])
    assert result.exit_code == 1
    assert "wrote" not in result.output and "mauvaise.yaml" in result.output
    assert "failed: 1 source(s) with errors" in result.output


def test_cards_on_other_paper_than_the_handout_are_said(
    in_project: Path, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["build", "source/bonne.yaml", "--cards", "letter-2x4"])
    assert result.exit_code == 0, result.output
    assert "letter-2x4 is laid out on Letter paper, the handout and key points on A4" in (
        result.output
    )


def test_check_takes_the_layout_options_of_build(in_project: Path, runner: CliRunner) -> None:
    ok = runner.invoke(
        app, ["check", "source/bonne.yaml", "--paper", "LETTER", "--cards", "a4-3x3"]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["check", "source/bonne.yaml", "--cards", "a4-9x9"])
    assert bad.exit_code == 2 and 'card layout "a4-9x9"' in bad.output
    assert not (in_project / "build").exists()
