"""Exports read back as their tools read them: the .apkg imported by Anki's own library."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studygen.cli import app

STUDY = Path(__file__).parent / "data" / "study"


def export(folder: Path, kind: str) -> Path:
    result = CliRunner().invoke(
        app, ["export", kind, str(folder / "immunosuppression.yaml"), "--out", str(folder / "b")]
    )
    assert result.exit_code == 0, result.output
    return folder / "b" / "immunosuppression"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(STUDY / "immunosuppression.yaml", tmp_path)
    return tmp_path


def test_csv_quotes_newlines(folder: Path) -> None:
    text = (export(folder, "csv") / "immunosuppression.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["front", "back", "tags", "id"]
    assert rows[1] == [
        "Qu'est-ce qu'un immunomodulateur ?",
        "Une substance qui modifie la réponse immunitaire.",
        "définition",
        "immuno-def",
    ]
    assert rows[2][1].endswith("\n\nUtilisée après une greffe.") and rows[2][3].endswith("-c1")
    assert len(rows) == 7


def test_anki_txt_and_quizlet(folder: Path) -> None:
    out = export(folder, "anki-txt")
    lines = (out / "immunosuppression.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:6] == [
        "#separator:tab", "#html:true", "#notetype:Basic", "#deck:Immunomodulation",
        "#guid column:1", "#tags column:4",
    ]  # fmt: skip
    assert lines[6].split("\t")[0] == "immuno-def" and lines[6].endswith("\tdéfinition")
    assert all(len(line.split("\t")) == 4 for line in lines[6:])
    out = export(folder, "quizlet")
    pairs = (out / "immunosuppression.quizlet.txt").read_text(encoding="utf-8").splitlines()
    assert pairs[1] == (
        "La ciclosporine inhibe la […].\t"
        "La ciclosporine inhibe la calcineurine. Utilisée après une greffe."
    )
    assert len(pairs) == 6


def _import(collection: object, apkg: Path) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS

    # Anki's default updates a note when the import is newer; two exports within one
    # second are not, so the test asks for "Update notes: Always" (Anki's import dialog).
    options = ImportAnkiPackageOptions(
        with_scheduling=True, update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    )
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    collection.import_anki_package(request)  # type: ignore[attr-defined]


def test_apkg_imports_into_anki_and_updates_in_place(folder: Path) -> None:
    collection_module = pytest.importorskip("anki.collection")
    collection = collection_module.Collection(str(folder / "collection.anki2"))
    try:
        apkg = export(folder, "anki") / "immunosuppression.apkg"
        _import(collection, apkg)
        notes = {
            collection.get_note(n).guid: collection.get_note(n) for n in collection.find_notes("")
        }
        # 2 basic notes, 1 cloze note from a card, 2 from the handout's texts
        assert set(notes) == {
            "immuno-def", "immunosuppression-3", "immunosuppression-2",
            "immunosuppression-s1b1", "immunosuppression-s1b2",
        }  # fmt: skip
        assert collection.card_count() == 6  # as many as printed
        first = notes["immuno-def"]
        assert first.fields[0] == "<p>Qu’est‑ce qu’un immunomodulateur\u202f?</p>"
        assert first.tags == ["définition"]
        cloze = notes["immunosuppression-s1b1"]
        assert "{{c2::immunosuppresseurs::classe de médicaments}}" in cloze.fields[0]
        assert collection.decks.by_name("Immunomodulation") is not None
        note_id = first.id
        source = folder / "immunosuppression.yaml"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("modifie la réponse", "règle la réponse"), "utf-8")
        # Anki keeps a note whose modification time (whole seconds) equals the one it has:
        # an edit is exported at least a second later, as any real edit is.
        started = int(time.time())
        while int(time.time()) == started:
            time.sleep(0.05)
        _import(collection, export(folder, "anki") / "immunosuppression.apkg")
        assert collection.note_count() == 5
        again = collection.get_note(note_id)
        assert again.guid == "immuno-def"
        assert again.fields[1] == "<p>Une substance qui règle la réponse immunitaire.</p>"
    finally:
        collection.close()
