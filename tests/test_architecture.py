"""The shape of the code: outputs behind one interface, one vocabulary, one error hierarchy,
configuration checked by one model, and fonts of a project's stylesheets honoured."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MakeProject
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen import outputs
from studygen.choices import CUT_MARKS, DUPLEX_MODES, PAPERS, PDF_VARIANTS
from studygen.cli import app
from studygen.config import BuildOptions, resolve_options
from studygen.errors import ConfigError, ContentError, SourceError, UsageError
from studygen.outputs.base import Made, Skipped
from studygen.outputs.card_geometry import COMPACT_FRAME, FRAME, PRESETS, is_compact
from studygen.outputs.face_fit import fit_faces
from studygen.outputs.flashcards import Face

SOURCE = """\
title: Cours
lang: fr
sections:
  - title: Partie
    blocks:
      - kind: text
        text: Un texte court pour la page.
flashcards:
  - front: Question ?
    back: Réponse.
key_points:
  - term: Terme
    text: Ce qu'il faut retenir.
"""


# --- Registry and interface ----------------------------------------------------------------


def test_every_registered_output_implements_the_interface() -> None:
    assert outputs.NAMES == ("handout", "flashcards", "key-points", "worksheet", "answer-key")
    assert outputs.BY_DEFAULT == ("handout", "flashcards", "key-points")
    for name in outputs.NAMES:
        output = outputs.get(name)
        assert output.name == name
        assert output.file_name == f"{name}.pdf"
        assert callable(output.wanted) and callable(output.make)


def test_command_line_choices_come_from_the_registry_and_the_vocabularies() -> None:
    runner = CliRunner()
    help_text = runner.invoke(app, ["build", "--help"], terminal_width=200).output
    for word in (*outputs.NAMES, *PAPERS, *DUPLEX_MODES, *CUT_MARKS, *PDF_VARIANTS):
        assert word in help_text, word


def test_choices_ignore_case(project: MakeProject, runner: CliRunner) -> None:
    project({"source/s.yaml": SOURCE})
    result = runner.invoke(app, ["build", "--paper", "A4", "--only", "Handout"])
    assert result.exit_code == 0, result.output
    assert Path("build/s/handout.pdf").is_file() and not Path("build/s/flashcards.pdf").exists()


def test_an_output_can_leave_itself_out(make_project: MakeProject) -> None:
    folder = make_project({"deck.txt": "".join(f"t{n}\t{'mot ' * 60}\n" for n in range(120))})
    from studygen.outputs.base import Job
    from studygen.pdf import Engine
    from studygen.sources.loader import load_source

    source = load_source(folder / "deck.txt")
    made = outputs.get("key-points").make(Job("key-points", source, BuildOptions(), Engine()))
    assert isinstance(made, Skipped) and made.reason.startswith("key points left out: ")
    assert not isinstance(made, Made)


# --- Exit codes ----------------------------------------------------------------------------


def test_usage_and_configuration_errors_exit_with_2(
    project: MakeProject, runner: CliRunner
) -> None:
    folder = project({"notes.txt": "x"})
    no_sources = runner.invoke(app, ["build"])
    assert no_sources.exit_code == 2 and "no source/ folder" in no_sources.output
    fold = runner.invoke(app, ["calibrate", "--duplex", "fold"])
    assert fold.exit_code == 2 and not (folder / "calibration.pdf").exists()
    (folder / "source").mkdir()
    (folder / "source" / "s.yaml").write_text(SOURCE, encoding="utf-8")
    bad_cards = runner.invoke(app, ["build", "--cards", "a4-9x9"])
    assert bad_cards.exit_code == 2 and 'card layout "a4-9x9" is not one of' in bad_cards.output
    (folder / "studygen.toml").write_text("paper = 5\n", encoding="utf-8")
    paper = runner.invoke(app, ["build"])
    assert paper.exit_code == 2, paper.output
    assert 'studygen.toml: paper "5" is not one of a4, letter' in paper.output
    assert "Traceback" not in paper.output and not (folder / "build").exists()
    (folder / "studygen.toml").write_text('templates = "missing"\n', encoding="utf-8")
    missing = runner.invoke(app, ["build"])
    assert missing.exit_code == 2 and "the templates folder does not exist" in missing.output


def test_a_content_error_exits_with_1(project: MakeProject, runner: CliRunner) -> None:
    project({"source/s.yaml": SOURCE.replace("title: Cours\n", "title: [Cours\n")})
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1 and "source/s.yaml:2:5: YAML syntax error" in result.output
    assert "Traceback" not in result.output


def test_every_error_carries_its_exit_code() -> None:
    assert ConfigError("x").exit_code == UsageError("x").exit_code == 2
    assert ContentError("x").exit_code == 1
    assert SourceError.single(Path("s.yaml"), 1, 1, "x").exit_code == 1


# --- Configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("paper = 5", 'paper "5" is not one of a4, letter'),
        ("papper = 'a4'", 'unknown setting "papper" — did you mean "paper"?'),
        ("max_pages = 0", '"max_pages" must be a positive number of pages'),
        ("max_source_bytes = -1", '"max_source_bytes" must be a positive number of bytes'),
        ("strict = 'yes'", '"strict" must be true or false'),
        ("printer_margin = 40", '"printer_margin" must be a number of millimetres, 0 to 30'),
        ("summary_min_size = 3", '"summary_min_size" must be a number of points, 6 to 12'),
        ("only = ['handout', 'poster']", 'output "poster" is not one of handout, flashcards'),
        ("duplex = 'sideways'", 'duplex "sideways" is not one of long-edge'),
        ("back_offset = [40, 0]", 'back offset "40,0" is over 20 mm'),
        ("verbose = true", 'unknown setting "verbose"'),
        ("out = 5", '"out" must be a path'),
        ("[printers]\nbureau = 3", "[printers] must hold one table per printer name"),
    ],
)
def test_settings_are_checked_with_the_file_named(
    tmp_path: Path, toml: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "studygen.toml").write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        resolve_options(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'studygen.toml'}: "), error.value
    monkeypatch.chdir(tmp_path)  # named as the user would type it from where they stand
    with pytest.raises(ConfigError, match=r"^studygen\.toml: "):
        resolve_options(tmp_path)
    assert message in str(error.value)


def test_paths_in_settings_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "studygen.toml").write_text('out = "site/pdf"\npaper = "LETTER"\n')
    options = resolve_options(tmp_path, {"source_dir": Path("elsewhere")})
    assert options.out == tmp_path / "site" / "pdf" and options.paper == "letter"
    assert options.source_dir == Path("elsewhere")  # a flag: relative to where the command runs
    assert options.config_file == tmp_path / "studygen.toml"
    assert options.but(toc=False).toc is False
    with pytest.raises(ConfigError, match='^options: "toc" must be true or false'):
        options.but(toc="no")


# --- Fonts of a project's stylesheets ---------------------------------------------------------


def _renamed_font(target: Path, family: str) -> None:
    """A copy of an installed font whose names are all ``family``."""
    from fontTools.ttLib import TTFont

    try:
        found = subprocess.run(
            ["fc-match", "--format", "%{file}", "DejaVu Sans"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("fontconfig's fc-match is not installed: no font file to copy")
    if not found.endswith((".ttf", ".otf")):
        pytest.skip(f"no TrueType font to copy ({found!r})")
    font = TTFont(found)
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = family
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


def test_a_font_face_in_a_project_stylesheet_is_embedded(
    project: MakeProject, runner: CliRunner
) -> None:
    folder = project({"source/s.yaml": SOURCE})
    theme = folder / "theme"
    _renamed_font(theme / "fonts" / "themed.ttf", "ThemedFace")
    builtin = Path(__file__).resolve().parent.parent / "templates" / "common" / "base.css"
    (theme / "common").mkdir(parents=True)
    shutil.copy(builtin, theme / "common" / "base.css")
    with (theme / "common" / "base.css").open("a", encoding="utf-8") as css:
        css.write(
            '\n@font-face { font-family: "ThemedFace"; src: url("../fonts/themed.ttf"); }\n'
            'html, .text { font-family: "ThemedFace"; }\n'
        )
    result = runner.invoke(app, ["build", "--templates", "theme", "--only", "handout", "--strict"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(folder / "build" / "s" / "handout.pdf")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(name.endswith("+ThemedFace") for name in fonts), fonts


# --- Face fitting, without WeasyPrint ----------------------------------------------------------


def _measure_by_area(fits_at: dict[str, float], calls: list[set[str] | None]):  # type: ignore[no-untyped-def]
    """A layout stand-in: a face's text needs (size / size it fits at)² of its box."""

    def measure(sizes: dict[str, float], faces: set[str] | None) -> dict[str, float]:
        calls.append(faces)
        names = sizes if faces is None else faces
        return {face: (sizes[face] / fits_at[face]) ** 2 for face in names}

    return measure


def test_each_face_ends_within_a_step_of_the_largest_size_that_fits() -> None:
    fits_at = {"1-front": 20.0, "1-back": 9.3, "2-back": 7.6, "3-back": 10.9}
    defaults = {"1-front": 13.5, "1-back": 11.0, "2-back": 11.0, "3-back": 11.0}
    calls: list[set[str] | None] = []
    fit = fit_faces(defaults, 7.0, _measure_by_area(fits_at, calls))
    assert fit.changed and not fit.overflowing
    assert fit.sizes["1-front"] == 13.5  # fitted at its default: never touched
    for face in ("1-back", "2-back", "3-back"):
        assert fit.sizes[face] <= fits_at[face] + 1e-9
        assert fits_at[face] - fit.sizes[face] <= 0.5 + 1e-9, (face, fit.sizes[face])
    assert calls[0] is None and all(c is not None and "1-front" not in c for c in calls[1:])
    assert fit.full_passes == 1 and fit.partial_passes == len(calls) - 1 <= 7


def test_a_face_that_cannot_fit_is_reported_at_the_minimum() -> None:
    calls: list[set[str] | None] = []
    fit = fit_faces({"1-back": 11.0}, 7.0, _measure_by_area({"1-back": 4.0}, calls))
    assert fit.sizes["1-back"] == 7.0
    assert fit.overflowing["1-back"] == pytest.approx((7.0 / 4.0) ** 2)


def test_nothing_to_fit_takes_one_pass() -> None:
    calls: list[set[str] | None] = []
    fit = fit_faces({"1-front": 13.5}, 7.0, _measure_by_area({"1-front": 30.0}, calls))
    assert not fit.changed and calls == [None] and fit.sizes == {"1-front": 13.5}


# --- Card frame and faces ----------------------------------------------------------------------


def test_card_frames_leave_room_for_the_text_on_every_preset() -> None:
    for layout in PRESETS.values():
        frame = COMPACT_FRAME if is_compact(layout) else FRAME
        body = frame.body_height(layout.card_height)
        assert body >= 0.6 * layout.card_height, layout.name
        assert frame.body_top > frame.meta_top and frame.body_bottom > frame.tags_bottom
    assert is_compact(PRESETS["a4-2x5"]) and not is_compact(PRESETS["a4-2x4"])
    assert FRAME.body_height(74.0) == pytest.approx(74.0 - 20.5)


def test_face_ids_name_the_card_and_side() -> None:
    assert Face(0, "front").id == "1-front" and Face(11, "back").id == "12-back"
    assert sorted([Face(2, "front"), Face(0, "front"), Face(2, "back")]) == [
        Face(0, "front"),
        Face(2, "back"),
        Face(2, "front"),
    ]


# --- A missing optional library is said once, about the machine --------------------------------


def test_missing_harfbuzz_subset_is_one_notice_not_a_content_warning(
    project: MakeProject, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # as on a bare machine
    folder = project({})
    shutil.copytree(Path(__file__).resolve().parent.parent / "source", folder / "source")
    (folder / "source" / "immunomodulation.yaml").unlink()  # one source has fonts enough
    built = runner.invoke(app, ["build", "--strict"])
    assert built.exit_code == 0, built.output
    assert built.output.count("HarfBuzz-Subset is not installed") == 1, built.output
    assert "warning" not in built.output
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 0, checked.output
    assert checked.output.count("notice: HarfBuzz-Subset") == 1
