"""Inputs an attacker would try: each ends with its one-line message and exit code, in bounded
time and memory, touching no file outside the output folder and leaving no partial output.

Every case runs ``studygen`` in a process of its own under a memory limit and a wall-clock
guard (the guard only stops a runaway test; what is asserted is the message): forked from
one server per test worker that has set the limit and imported studygen (``forkserver.py``).
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, fork_server
from forkserver import ForkServer
from pypdf import PdfReader
from test_security import png

MEMORY_LIMIT = 3 << 30  # bytes a child build may map
GUARD = 120  # seconds before a child build is stopped: the test then fails


def study(text: str = "Texte.", **extra: Any) -> str:
    """A YAML study file (JSON is YAML) with one section holding ``text``."""
    blocks: list[dict[str, Any]] = [{"kind": "text", "text": text}, *extra.pop("blocks", [])]
    data = {"title": "T", "lang": "fr", "sections": [{"title": "S", "blocks": blocks}], **extra}
    return json.dumps(data, ensure_ascii=False, indent=1)


def image(src: str) -> dict[str, str]:
    return {"kind": "image", "src": src, "alt": "A"}


def svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">{body}</svg>'


def use_bomb(levels: int = 8, fan: int = 10) -> str:
    """``<use>`` elements referring to the level below, ``fan`` times each: fan**levels shapes."""
    parts = ['<g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    return svg("<defs>" + "".join(parts) + f'</defs><use href="#l{levels}"/>')


def data_png_svg(width: int, height: int, count: int = 4) -> str:
    import base64

    data = base64.b64encode(png(width, height, 9)).decode()
    images = "".join(f'<image width="10" height="10" href="data:image/png;base64,{data}"/>' * count)
    return svg(images)


Setup = Callable[[Path, Path], None]


@dataclass
class Case:
    """One input: the files of the project, how studygen is run, and what it must say."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    args: tuple[str, ...] = ("build",)
    code: int = 1
    message: str = ""  # a regular expression the output must match
    setup: Setup | None = None  # symbolic and hard links (project, outside)
    env: dict[str, str] = field(default_factory=dict)
    built: tuple[str, ...] = ()  # PDFs that must exist afterwards (the other sources go on)


def link(name: str, target: str) -> Setup:
    """``project/name`` → ``target`` (``{o}`` is the folder outside the project)."""

    def make(project: Path, outside: Path) -> None:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            path.rmdir()
        path.symlink_to(target.format(o=outside))

    return make


def hard_link(name: str, target: str) -> Setup:
    def make(project: Path, outside: Path) -> None:
        (outside / target).write_text(study("Secret."))
        os.link(outside / target, project / name)

    return make


def hard_linked_image(project: Path, outside: Path) -> None:
    (outside / "p.png").write_bytes(png(9, 9))
    os.link(outside / "p.png", project / "source/p.png")


THEME = "theme/handout/handout.html.j2"
KP_THEME = "theme/key-points/key-points.html.j2"
TEMPLATE = (REPO / "templates/handout/handout.html.j2").read_text(encoding="utf-8")


def template_with(code: str) -> str:
    """The built-in handout template with ``code`` on the line after ``{% block body %}``."""
    return TEMPLATE.replace("{% block body %}", "{% block body %}\n" + code, 1)


BODY_LINE = TEMPLATE[: TEMPLATE.index("{% block body %}")].count("\n") + 2
OK = {"source/ok.yaml": study()}  # a sound source beside the bad one: it must still build
OK_PDF = ("build/ok/handout.pdf",)

CASES: dict[str, Case] = {
    # --- disclosure --------------------------------------------------------------------
    "source folder is a link outside": Case(
        setup=link("source", "{o}/src"), code=2,
        message=r"source is a symbolic link to .*/outside/src, outside the project",
    ),
    "command-line path through a linked folder": Case(
        files=OK, setup=link("linkdir", "{o}"),
        args=("build", "linkdir/notes.csv", "source/ok.yaml", "--only", "handout"),
        message=r"linkdir/notes.csv: passes through linkdir, a symbolic link to .*outside",
        built=OK_PDF,
    ),
    "source_dir in studygen.toml outside": Case(
        files={"studygen.toml": 'source_dir = "{o}/src"'}, code=2,
        message=r'studygen.toml: "source_dir" = ".*/outside/src" lies outside the project',
    ),
    "templates in studygen.toml outside": Case(
        files={**OK, "studygen.toml": 'templates = "../outside"'}, code=2,
        message=r'"templates" = "../outside" lies outside the project',
    ),
    "templates = / in studygen.toml": Case(
        files={**OK, "studygen.toml": 'templates = "/"'}, code=2,
        message=r'"templates" = "/" lies outside the project',
    ),
    "out in studygen.toml outside": Case(
        files={**OK, "studygen.toml": 'out = "{o}/pdf"'}, code=2,
        message=r'"out" = ".*/outside/pdf" lies outside the project',
    ),
    "out escaping through ..": Case(
        files={**OK, "studygen.toml": 'out = "../outside"'}, code=2,
        message=r'"out" = "../outside" lies outside the project',
    ),
    "build folder is a link outside": Case(
        files=OK, setup=link("build", "{o}"), code=2,
        message=r"build is a symbolic link to .*/outside, outside the project",
    ),
    "hard-linked source": Case(
        files=OK, setup=hard_link("source/h.yaml", "h.yaml"),
        message=r"source/h.yaml: is a hard link .* copy the file instead", built=OK_PDF,
    ),
    "hard-linked image": Case(
        files={**OK, "source/s.yaml": study(blocks=[image("p.png")])},
        setup=hard_linked_image,
        message=r'source/s.yaml:\d+:\d+: image "p.png" is a hard link', built=OK_PDF,
    ),
    "relative link leaving the project": Case(
        files={**OK, "source/s.yaml": study("Voir\n[n](../../../../etc/passwd).")},
        message=r"source/s.yaml:\d+: link to a file outside the project refused: .*etc/passwd",
        built=OK_PDF,
    ),
    # --- tracebacks become messages --------------------------------------------------
    "only = 5": Case(files={**OK, "studygen.toml": "only = 5"}, code=2,
                     message=r'"only" must be a list of outputs'),
    "summary_include = 5": Case(files={**OK, "studygen.toml": "summary_include = 5"}, code=2,
                                message=r'"summary_include" must list'),
    "max_source_bytes = true": Case(files={**OK, "studygen.toml": "max_source_bytes = true"},
                                    code=2, message=r'"max_source_bytes" must be a positive'),
    "timeout = 0": Case(files={**OK, "studygen.toml": "timeout = 0"}, code=2,
                        message=r'"timeout" must be a number of seconds'),
    "unknown key under [printers.NAME]": Case(
        files={**OK, "studygen.toml": "[printers.b12]\nback_ofset = [1, 2]"}, code=2,
        message=r'unknown setting "back_ofset" in \[printers.b12\] — did you mean "back_offset"',
    ),
    "--out names a file": Case(
        files={**OK, "taken": "x"}, args=("build", "--out", "taken", "--only", "handout"), code=2,
        message=r"cannot write taken/ok/handout.pdf: taken is a file, not a folder",
    ),
    "out/<stem> is a file": Case(
        files={**OK, "build/ok": "x"}, args=("build", "--only", "handout"), code=2,
        message=r"cannot write build/ok/handout.pdf: build/ok is a file, not a folder",
    ),
    "template divides by zero": Case(
        files={**OK, THEME: template_with("{{ 1/0 }}")}, args=("build", "--templates", "theme"),
        message=rf"theme/handout/handout.html.j2:{BODY_LINE}: template error: division by zero",
    ),
    "template range(10**6)": Case(
        files={**OK, THEME: template_with("{% for i in range(10**6) %}{% endfor %}")},
        args=("build", "--templates", "theme"),
        message=rf"handout.html.j2:{BODY_LINE}: template refused by the sandbox: Range too big",
    ),
    "template includes itself": Case(
        files={**OK, THEME: template_with("{% include 'handout/handout.html.j2' %}")},
        args=("build", "--templates", "theme"),
        message=r"theme/handout/handout.html.j2:\d+: template error: it includes or extends itself",
    ),
    "template extends itself": Case(
        files={**OK, THEME: "{% extends 'handout/handout.html.j2' %}"},
        args=("build", "--templates", "theme"),
        message=r"handout.html.j2:1: template error: it includes or extends itself",
    ),
    "YAML nested 2,000 deep (block)": Case(
        files={**OK, "source/s.yaml": "title: T\nx:\n" + "".join(
            " " * (i + 1) + "- a:\n" for i in range(2000))},
        message=r"source/s.yaml:\d+:1: nested more than 100 levels deep", built=OK_PDF,
    ),
    "YAML nested 50,000 deep (flow)": Case(
        files={**OK, "source/s.yaml": "title: T\nx: " + "[" * 50000 + "]" * 50000},
        message=r"source/s.yaml:2:104: nested more than 100 levels deep", built=OK_PDF,
    ),
    "YAML nested 100,000 deep (flow mappings)": Case(
        files={**OK, "source/s.yaml": "title: T\nx: " + "{a: " * 100000 + "}" * 100000},
        message=r"source/s.yaml:2:\d+: nested more than 100 levels deep", built=OK_PDF,
    ),
    "SOURCE_DATE_EPOCH out of range": Case(
        files=OK, env={"SOURCE_DATE_EPOCH": "99999999999999999999"}, code=2,
        message=r"SOURCE_DATE_EPOCH=99999999999999999999 is not a date studygen can write",
    ),
    "calibrate --out an existing folder": Case(
        files={"sheets/keep.txt": "x"}, args=("calibrate", "--out", "sheets"), code=0,
        message=r"wrote sheets/calibration.pdf", built=("sheets/calibration.pdf",),
    ),
    "image that is a link loop": Case(
        files={**OK, "source/s.yaml": study(blocks=[image("loop.png")])},
        setup=link("source/loop.png", "loop.png"),
        message=r'source/s.yaml:\d+:\d+: image "loop.png" is a symbolic link loop', built=OK_PDF,
    ),
    "source that is a link loop": Case(
        files=OK, setup=link("source/loop.yaml", "loop.yaml"),
        message=r"source/loop.yaml: .*symbolic link loop", built=OK_PDF,
    ),
    "templates folder with a link loop": Case(
        files={**OK, "theme/common/x.css": ""}, setup=link("theme/loop", "loop"),
        args=("build", "--templates", "theme"), code=2,
        message=r"theme/loop is a symbolic link loop",
    ),
    "--templates / on the command line": Case(
        files=OK, args=("build", "--templates", "/"), code=2,
        message=r"/: (over 2000 files|cannot read the templates folder)",
    ),
    # --- time and memory -------------------------------------------------------------
    "100,000-character word in a paragraph": Case(
        files={**OK, "source/s.yaml": study("Début " + "Q" * 100_000 + " fin.")},
        message=r"source/s.yaml:\d+:\d+: a word of 10000\d characters with no space "
        r"\(at most 1000\)",
        built=OK_PDF,
    ),
    "100,000-character word in a card's back": Case(
        files={**OK, "source/d.csv": "terme,déf\nmot," + "ab" * 50_000 + "\n"},
        message=r"source/d.csv:2:1: a word of 100004 characters", built=OK_PDF,
    ),
    "100,000-character word in a key point": Case(
        files={**OK, "source/k.md": "# T\n\n## Points clés\n\n- **Mot** : " + "z" * 100_000},
        message=r"source/k.md:5:13: a word of 100000 characters", built=OK_PDF,
    ),
    "50,000 emphasis marks": Case(
        files={**OK, "source/e.md": "# T\n\n## S\n\n" + "*_a " * 25_000 + "\n"},
        message=r"source/e.md:5:1: 50000 emphasis marks \(\* and _\) in one paragraph",
        built=OK_PDF,
    ),
    "SVG <use> eight levels deep, ten each": Case(
        files={**OK, "source/s.yaml": study(blocks=[image("b.svg")]), "source/b.svg": use_bomb()},
        message=r'source/s.yaml:\d+:\d+: image "b.svg": its <use> references would draw',
        built=OK_PDF,
    ),
    "SVG <use> referring to itself": Case(
        files={**OK, "source/s.yaml": study(blocks=[image("r.svg")]),
               "source/r.svg": svg('<g id="me"><use href="#me"/></g>')},
        message=r'image "r.svg": SVG element "me" refers to itself', built=OK_PDF,
    ),
    "SVG holding data: PNGs of 169 megapixels": Case(
        files={**OK, "source/s.yaml": study(blocks=[image("p.svg")]),
               "source/p.svg": data_png_svg(13000, 13000)},
        message=r'image "p.svg \(an image inside it\)" is too large to print', built=OK_PDF,
    ),
    "2,000 key points for the one-page sheet": Case(
        files={**OK, "source/k.yaml": study(
            key_points=[{"term": f"T{i}", "text": f"point {i}"} for i in range(2_000)])},
        args=("build", "--only", "key-points"),
        message=r"source/k.yaml:\d+: 2000 key points cannot fit on the one-page sheet",
    ),
    "6,000 key points in a handout of at most 100 pages": Case(
        files={**OK, "studygen.toml": "max_pages = 100", "source/k.yaml": study(
            key_points=[{"term": f"T{i}", "text": f"point {i}"} for i in range(6_000)])},
        args=("build", "--only", "handout"),
        message=r"source/k.yaml:1:1: this source would make a handout of about 200 pages, "
        "over the limit of 100",
        built=OK_PDF,
    ),
    "max_pages raised for a 20,000-card deck": Case(
        files={**OK, "studygen.toml": "max_pages = 1000000",
               "source/d.tsv": "".join(f"q{i}\tr{i}\n" for i in range(20_000))},
        args=("build", "--only", "flashcards", "--only", "handout"),
        message=r"max_pages 1000000 lowered to 500: what half of the memory available holds"
        r"[\s\S]*source/d.tsv:1:1: 20000 cards make 5000 pages of flashcards, over the limit "
        r"of 500", built=OK_PDF,
    ),
    "20,000 unknown keys": Case(
        files={**OK, "source/u.yaml": "title: T\nsections:\n - title: S\n   blocks: []\n"
               + "".join(f"k{i}: v\n" for i in range(20_000))},
        message=r"source/u.yaml:5:1: unknown field \"k0\"[\s\S]*… and 19980 more problems",
        built=OK_PDF,
    ),
    "1,000,000 unknown keys": Case(
        files={**OK, "source/u.yaml": "title: T\n" + "".join(
            f"k{i}: v\n" for i in range(1_000_000))},
        message=r"source/u.yaml:200001:1: over 200000 lines of YAML: split the file",
        built=OK_PDF,
    ),
    "1,000,000 unknown keys on one line": Case(
        files={**OK, "source/u.yaml": "title: T\nx: {" + ", ".join(
            f"k{i}: v" for i in range(1_000_000)) + "}\n"},
        message=r"source/u.yaml:2:\d+: over 200000 values in \[ \] or \{ \}", built=OK_PDF,
    ),
    "template string of 3 GB": Case(
        files={**OK, THEME: template_with("{{ 'x' * 3 * 10**9 }}")},
        args=("build", "--templates", "theme"),
        message=rf"handout.html.j2:{BODY_LINE}: template refused by the sandbox: a value of "
        "3000000000 characters",
    ),
    "template doubling a string with ~": Case(
        files={**OK, THEME: template_with(
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}")},
        args=("build", "--templates", "theme"), message=r"template refused by the sandbox",
    ),
    "template with two nested range(100000) loops": Case(
        files={**OK, KP_THEME: "{% for i in range(100000) %}{% for j in range(100000) %}"
               "{% endfor %}{% endfor %}",
               "source/s.yaml": study(key_points=[{"term": "a", "text": "b"}])},
        # 6 s: the harmless source must finish within the budget on a loaded machine too
        args=("build", "--templates", "theme", "--timeout", "6", "--only", "key-points",
              "--only", "handout"),
        message=r"source/s.yaml: did not finish in 6 s", built=OK_PDF,
    ),
    # --- smaller -----------------------------------------------------------------------
    "UTF-16 file with a byte-order mark": Case(
        files={"source/u.yaml": "\ufeff".encode("utf-16-le") + study().encode("utf-16-le")},
        args=("build", "--only", "handout"), code=0, message=r"wrote build/u/handout.pdf",
        built=("build/u/handout.pdf",),
    ),
    "zero-width and directional marks in a message": Case(
        files={**OK, "source/z.yaml": "title: T\nsec\u200btions\u202e: []\n"},
        message=r'unknown field "sec\\u200btions\\u202e"', built=OK_PDF,
    ),
    "image named a:b.png": Case(
        files={"source/s.yaml": study(blocks=[image("a:b.png")]), "source/a:b.png": png(20, 20)},
        args=("build", "--only", "handout"), code=0, built=("build/s/handout.pdf",),
    ),
}  # fmt: skip


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below ``root`` but ``skip``, with its size and modification time."""
    found = {}
    for folder, names, files in os.walk(root):
        if Path(folder) == skip or skip in Path(folder).parents:
            continue
        for name in files:
            info = os.lstat(Path(folder) / name)
            found[str(Path(folder, name).relative_to(root))] = (info.st_size, info.st_mtime_ns)
        for name in names:
            if Path(folder) / name != skip:
                found[str(Path(folder, name).relative_to(root))] = (0, 0)
    return found


Run = Callable[[Path, tuple[str, ...], dict[str, str]], tuple[int, str]]


@pytest.fixture
def run(fork_servers: dict[int, ForkServer]) -> Run:
    """``run(project, args, env)`` → exit code and output of ``studygen ARGS`` in ``project``."""
    server = fork_server(fork_servers, MEMORY_LIMIT)
    return lambda project, args, env: server.run(project, args, env, GUARD)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name: str, tmp_path: Path, run: Run) -> None:
    case = CASES[name]
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "source").mkdir(parents=True)
    (outside / "src").mkdir(parents=True)
    (outside / "src" / "secret.yaml").write_text(study("Secret."))
    (outside / "notes.csv").write_text("secret,SECRET\n")
    for relative, content in case.files.items():
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content.replace("{o}", str(outside)), encoding="utf-8")
    if case.setup:
        case.setup(project, outside)
    before = snapshot(tmp_path, project / "build")
    code, output = run(project, case.args, case.env)
    assert "Traceback" not in output, output
    assert code == case.code, output
    assert re.search(case.message, output), output
    errors = [line for line in output.splitlines() if line.startswith(("error", "source", "/"))]
    assert all(len(line) < 400 for line in errors), "a message longer than one line"
    for pdf in case.built:
        assert PdfReader(project / pdf).pages, pdf
    after = snapshot(tmp_path, project / "build")
    touched = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert touched <= {f"project/{p}" for p in case.built} | {"project/sheets"}, touched
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    pdfs = {str(p.relative_to(project)) for p in project.rglob("*.pdf")}
    assert pdfs == set(case.built), pdfs


# --- the disk fails while writing: simulated, in this process -----------------------------


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (errno.ENOSPC, "cannot write build/ok/handout.pdf: the disk is full"),
        (errno.EROFS, "cannot write build/ok/handout.pdf: read-only file system — is the folder"),
    ],
)
def test_a_failing_disk_is_one_message(
    failure: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from studygen.cli import app

    (tmp_path / "source").mkdir()
    (tmp_path / "source/ok.yaml").write_text(study())
    monkeypatch.chdir(tmp_path)

    def fail(fd: int) -> None:
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(os, "fsync", fail)
    result = CliRunner().invoke(app, ["build", "--only", "handout"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert [p.name for p in (tmp_path / "build").rglob("*") if p.is_file()] == []


def test_links_inside_the_project_stay_relative(tmp_path: Path, run: Run) -> None:
    """A relative link is written as it was, not as this machine's absolute path."""
    project = tmp_path / "project"
    (project / "source/notes").mkdir(parents=True)
    (project / "source/notes/plus.md").write_text("# Plus\n")
    (project / "source/s.yaml").write_text(study("Voir [la suite](notes/plus.md#fin)."))
    code, output = run(project, ("build", "--only", "handout"), {})
    assert code == 0, output
    reader = PdfReader(project / "build/s/handout.pdf")
    targets = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert targets == ["notes/plus.md#fin"]
    assert str(tmp_path).encode() not in (project / "build/s/handout.pdf").read_bytes()


def test_cards_from_any_reader_face_the_word_limit(tmp_path: Path) -> None:
    """A reader that is not a text file (no raw scan) still cannot pass a 100,000-char word."""
    from studygen.errors import SourceError
    from studygen.making import _check_words
    from studygen.model import Flashcard
    from studygen.sources.loader import load_source

    (tmp_path / "d.csv").write_text("un,deux\ntrois,quatre\n")
    source = load_source(tmp_path / "d.csv")
    cards = [*source.doc.flashcards[:1], Flashcard(front="x", back="b" * 100_000, tags=[])]
    doc = source.doc.model_copy(update={"flashcards": cards})
    with pytest.raises(SourceError) as caught:
        _check_words(type(source)(source.path, doc, source.positions, "deck", source.origins))
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'd.csv'}:2: a word of 100000 characters with no space (at most 1000): "
        "break it up, or link to it"
    ]


def test_an_image_named_with_a_colon_is_printed(tmp_path: Path, run: Run) -> None:
    """``a:b.png`` is a file beside the source, not an address with the scheme ``a:``."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source/a:b.png").write_bytes(png(30, 20))
    (tmp_path / "source/s.yaml").write_text(study(blocks=[image("a:b.png")]))
    code, output = run(tmp_path, ("build", "--only", "handout"), {})
    assert code == 0, output
    images = PdfReader(tmp_path / "build/s/handout.pdf").pages[0].images
    assert [i.image.size for i in images] == [(30, 20)]
