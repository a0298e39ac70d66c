"""Untrusted content: no file outside the project, no network, no template code, no DoS."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, fork_server
from forkserver import ForkServer, running
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from studygen.cli import app
from studygen.pdf import confined_fetcher

BODY = "{% block body %}"  # where the handout template's page content starts

SECRET = "TOPSECRET-7f3a9c"


def png(width: int, height: int, level: int = 9) -> bytes:
    """A valid grey PNG; large sizes compress to almost nothing (a decompression bomb)."""
    import struct

    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(level)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png(4, 4))

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    assert _Counter.requests == [], f"studygen reached the network: {_Counter.requests}"


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A project folder, and secrets beside it (outside the project)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "secret.css").write_text(f'body::before {{ content: "{SECRET}" }}')
    (outside / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20"><text y="15">{SECRET}'
        "</text></svg>"
    )
    (outside / "secret.png").write_bytes(png(7, 7))
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    monkeypatch.chdir(project)
    return {"outside": outside, "project": project}


def pdf_bytes(path: Path) -> bytes:
    """Every byte a PDF holds, its compressed streams inflated."""
    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


def assert_no_leak(project: Path) -> None:
    """No PDF holds the secret, in its text, images, fonts or attachments."""
    for pdf in project.rglob("*.pdf"):
        reader = PdfReader(pdf)
        assert not reader.attachments, pdf
        text = "".join(page.extract_text() for page in reader.pages)
        assert SECRET not in text, pdf
        assert SECRET.encode() not in pdf_bytes(pdf), pdf
        for page in reader.pages:
            for image in page.images:
                assert image.image.size != (7, 7), f"{pdf}: the secret image was embedded"


def source_with(block: dict[str, Any] | None = None, text: str = "Texte.") -> str:
    blocks: list[dict[str, Any]] = [{"kind": "text", "text": text}]
    if block:
        blocks.append(block)
    return json.dumps({"title": "T", "lang": "fr", "sections": [{"title": "S", "blocks": blocks}]})


def image(src: str) -> dict[str, str]:
    return {"kind": "image", "src": src, "alt": "A"}


def build(*args: str) -> Any:
    return CliRunner().invoke(app, ["build", "--only", "handout", *args])


EXFILTRATION = {
    "raw html img": lambda o, s: source_with(text=f'<img src="file://{o}/secret.png">'),
    "raw html object": lambda o, s: source_with(text=f'<object data="file://{o}/secret.txt">'),
    "raw html relative img": lambda o, s: source_with(text='<img src="../../outside/secret.png">'),
    "raw html style url": lambda o, s: source_with(
        text=f'<p style="background: url(file://{o}/secret.png)">x</p>\n\n<b style="x">y</b>'
    ),
    "raw html table background": lambda o, s: source_with(
        text=f'<table background="file://{o}/secret.png"><tr><td>x</td></tr></table>'
    ),
    "raw html link network": lambda o, s: source_with(text=f'<a href="{s}/x">lien</a>'),
    "markdown image file url": lambda o, s: source_with(text=f"![x](file://{o}/secret.png)"),
    "markdown image dotdot": lambda o, s: source_with(text="![x](../../outside/secret.png)"),
    "markdown image encoded dotdot": lambda o, s: source_with(
        text="![x](%2e%2e/%2e%2e/outside/secret.png)"
    ),
    "markdown image absolute": lambda o, s: source_with(text=f"![x]({o}/secret.png)"),
    "markdown image network": lambda o, s: source_with(text=f"![x]({s}/x.png)"),
    "markdown link network": lambda o, s: source_with(text=f"[lien]({s}/page) et <{s}/a>"),
    "markdown data uri": lambda o, s: source_with(text="![x](data:image/svg+xml;base64,PHN2Zz4=)"),
    "image block dotdot": lambda o, s: source_with(image("../../outside/secret.png")),
    "image block absolute": lambda o, s: source_with(image(f"{o}/secret.png")),
    "image block localhost": lambda o, s: source_with(image(f"file://localhost{o}/secret.png")),
    "image block network": lambda o, s: source_with(image(f"{s}/x.png")),
    "image block svg secret": lambda o, s: source_with(image("../../outside/secret.svg")),
    "title html": lambda o, s: json.dumps(
        {"title": f'<img src="file://{o}/secret.png">', "sections": [{"title": "S"}]}
    ),
}


@pytest.mark.parametrize("payload", sorted(EXFILTRATION))
def test_content_cannot_read_outside_the_project_or_reach_the_network(
    payload: str, layout: dict[str, Path], server: str
) -> None:
    (layout["project"] / "source" / "s.yaml").write_text(
        EXFILTRATION[payload](layout["outside"], server)
    )
    result = build()
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert_no_leak(layout["project"])


def test_svg_inside_the_project_cannot_pull_files_or_urls(
    layout: dict[str, Path], server: str
) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="100" height="100">'
        f'<image href="file://{layout["outside"]}/secret.png" width="50" height="50"/>'
        f'<image xlink:href="{server}/svg.png" width="50" height="50"/>'
        f'<style>@import url("{server}/svg.css");</style></svg>'
    )
    (layout["project"] / "source" / "figure.svg").write_text(svg)
    (layout["project"] / "source" / "s.yaml").write_text(source_with(image("figure.svg")))
    result = build()
    assert result.exit_code == 1
    assert "refused" in result.output
    assert not (layout["project"] / "build").exists()


def test_symlinks_that_leave_the_project_are_refused(layout: dict[str, Path], server: str) -> None:
    source = layout["project"] / "source"
    (source / "link.png").symlink_to(layout["outside"] / "secret.png")
    (source / "s.yaml").write_text(source_with(image("link.png")))
    result = build()
    assert result.exit_code == 1 and "lies outside the project folder" in result.output
    (source / "s.yaml").unlink()
    (source / "evil.yaml").symlink_to(layout["outside"] / "secret.txt")
    result = build()
    assert result.exit_code == 1 and "outside the project" in result.output
    assert_no_leak(layout["project"])


THEME_PAYLOADS = {
    "attachment link": '<link rel="attachment" href="file://{o}/secret.txt">',
    "attachment anchor": '<a rel="attachment" href="file://{o}/secret.txt">x</a>',
    "base href": '<base href="file://{o}/"><img src="secret.png" alt="">',
    "embed": '<embed src="file://{o}/secret.svg">',
    "stylesheet import": '<style>@import url("file://{o}/secret.css");</style>',
    "font face": '<style>@font-face {{ font-family: X; src: url("{s}/font.ttf"); }}'
    " body {{ font-family: X }}</style>",
    "network image": '<img src="{s}/theme.png" alt="">',
}


@pytest.mark.parametrize("payload", sorted(THEME_PAYLOADS))
def test_a_projects_templates_cannot_read_outside_or_reach_the_network(
    payload: str, layout: dict[str, Path], server: str
) -> None:
    theme = layout["project"] / "theme" / "handout"
    theme.mkdir(parents=True)
    original = (REPO / "templates" / "handout" / "handout.html.j2").read_text()
    snippet = THEME_PAYLOADS[payload].format(o=layout["outside"], s=server)
    theme.joinpath("handout.html.j2").write_text(original.replace(BODY, BODY + snippet))
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    result = build("--templates", "theme")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert_no_leak(layout["project"])


def test_theme_symlink_out_of_the_project_is_refused(layout: dict[str, Path]) -> None:
    theme = layout["project"] / "theme" / "handout"
    theme.mkdir(parents=True)
    (theme / "handout.css").symlink_to(layout["outside"] / "secret.css")
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    result = build("--templates", "theme")
    # the project's templates folder is unsafe: a configuration error, no source builds
    assert result.exit_code == 2 and "outside the templates folder" in result.output


TEMPLATE_INJECTIONS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('id') }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ self._TemplateReference__context }}",
    "{{ doc.__class__.model_config }}",
    "{% include '/etc/passwd' %}",
]


@pytest.mark.parametrize("payload", TEMPLATE_INJECTIONS)
def test_template_code_is_sandboxed(payload: str, layout: dict[str, Path]) -> None:
    theme = layout["project"] / "theme" / "handout"
    theme.mkdir(parents=True)
    original = (REPO / "templates" / "handout" / "handout.html.j2").read_text()
    lines = original.splitlines()
    body = next(i for i, line in enumerate(lines) if line.startswith(BODY))
    lines.insert(body + 1, payload)
    theme.joinpath("handout.html.j2").write_text("\n".join(lines))
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    result = build("--templates", "theme")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(r"template (error|refused)", result.output), result.output
    if "include" not in payload:
        assert f"handout.html.j2:{body + 2}:" in result.output, result.output
    assert not (layout["project"] / "build").exists()


def test_content_is_never_template_code(layout: dict[str, Path]) -> None:
    text = "{{ 7 * 7 }} {% raw %}x{% endraw %} {{ ''.__class__ }}"
    (layout["project"] / "source" / "s.yaml").write_text(source_with(text=text))
    assert build().exit_code == 0
    printed = PdfReader(layout["project"] / "build/s/handout.pdf").pages[0].extract_text()
    assert "{{ 7 * 7 }}" in printed and "49" not in printed


# Denial of service: each ends within seconds, exit 1, nothing written.


Bounded = Callable[..., tuple[int, str, float]]


@pytest.fixture
def bounded_build(fork_servers: dict[int, ForkServer]) -> Bounded:
    """Run a build in a process of its own with a memory limit; return code, output, seconds."""
    server = fork_server(fork_servers, 3 << 30)

    def run(project: Path, *args: str, timeout: float = 60) -> tuple[int, str, float]:
        started = time.monotonic()
        code, output = server.run(project, ("build", *args), {}, timeout)
        return code, output, time.monotonic() - started

    return run


def _dos_cases(project: Path, outside: Path) -> dict[str, tuple[str, str]]:
    source = project / "source"
    os.mkfifo(source / "fifo.png")
    (source / "zero.png").symlink_to("/dev/zero")
    (source / "bomb.png").write_bytes(png(12000, 12000))
    big = "Un texte assez long pour remplir des pages. " * 60000
    nested = "> " * 400 + "profond\n\n" + "".join("  " * i + "- x\n" for i in range(300))
    alias = "title: &a T\nsections:\n  - title: *a\n"
    return {
        "fifo image": (source_with(image("fifo.png")), "not a regular file"),
        "dev zero": (source_with(image("zero.png")), "lies outside the project folder"),
        "decompression bomb": (source_with(image("bomb.png")), "too large to print"),
        "huge data uri": (
            source_with(text="![x](data:image/png;base64," + "A" * 3_000_000 + ")"),
            "with no space",
        ),
        "thousands of pages": (source_with(text=big), "over the limit of"),
        "deep markdown nesting": (source_with(text=nested), ""),
        "alias bomb": (alias, "YAML"),
    }


@pytest.mark.parametrize(
    "case",
    ["fifo image", "dev zero", "decompression bomb", "huge data uri", "thousands of pages",
     "deep markdown nesting", "alias bomb"],
)  # fmt: skip
def test_denial_of_service_inputs_fail_fast(
    case: str, layout: dict[str, Path], bounded_build: Bounded
) -> None:
    text, message = _dos_cases(layout["project"], layout["outside"])[case]
    (layout["project"] / "source" / "s.yaml").write_text(text)
    code, output, seconds = bounded_build(layout["project"])
    assert seconds < 30, f"{case} took {seconds:.0f} s"
    assert "Traceback" not in output, output
    if message:
        assert code == 1 and message in output, output
        assert not (layout["project"] / "build").exists()
    else:  # Markdown's own nesting limit: the rest is printed as text, promptly
        assert code == 0, output
        assert len(PdfReader(layout["project"] / "build/s/handout.pdf").pages) < 10


def test_html_nested_thousands_deep_fails_cleanly(
    layout: dict[str, Path], bounded_build: Bounded
) -> None:
    theme = layout["project"] / "theme" / "handout"
    theme.mkdir(parents=True)
    original = (REPO / "templates" / "handout" / "handout.html.j2").read_text()
    deep = "{% for i in range(3000) %}<div>{% endfor %}x"
    theme.joinpath("handout.html.j2").write_text(original.replace(BODY, BODY + deep))
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    code, output, seconds = bounded_build(layout["project"], "--templates", "theme")
    assert code == 1 and "nested too deeply" in output and seconds < 30, output
    assert not (layout["project"] / "build").exists()


def test_a_source_over_the_size_limit_is_not_read(
    layout: dict[str, Path], bounded_build: Bounded
) -> None:
    (layout["project"] / "studygen.toml").write_text("max_source_bytes = 1000000\n")
    (layout["project"] / "source" / "s.yaml").write_text(source_with(text="x" * 2_000_000))
    code, output, seconds = bounded_build(layout["project"])
    assert code == 1 and "over the 1 MB limit" in output and seconds < 30


# Output safety


def test_a_symlink_planted_in_the_output_folder_is_never_written_through(
    layout: dict[str, Path],
) -> None:
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    (layout["project"] / "build").mkdir()
    (layout["project"] / "build" / "s").symlink_to(layout["outside"])
    result = build()
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert sorted(p.name for p in layout["outside"].iterdir()) == [
        "secret.css", "secret.png", "secret.svg", "secret.txt",
    ]  # fmt: skip
    (layout["project"] / "build" / "s").unlink()
    (layout["project"] / "build" / "s").mkdir()
    (layout["project"] / "build" / "s" / "handout.pdf").symlink_to(layout["outside"] / "secret.txt")
    result = build()
    assert result.exit_code == 1
    assert (layout["outside"] / "secret.txt").read_text() == SECRET


def test_killed_builds_leave_the_old_pdf_or_the_new_one(
    layout: dict[str, Path], fork_servers: dict[int, ForkServer]
) -> None:
    server = fork_server(fork_servers)  # each build a process of its own, killed by its id
    project = layout["project"]
    text = "Un paragraphe de cours, assez long pour que l'écriture prenne du temps. " * 40
    sections = [{"title": f"Partie {n}", "blocks": [{"kind": "text", "text": text}]}
                for n in range(30)]  # fmt: skip
    (project / "source" / "s.yaml").write_text(json.dumps({"title": "T", "sections": sections}))
    command = ("build", "--only", "handout")
    assert server.run(project, command, {}, guard=120)[0] == 0
    folder = project / "build" / "s"
    target = folder / "handout.pdf"
    complete = len(PdfReader(target).pages)
    caught = 0
    for _ in range(8):
        if caught == 2:
            break
        # --force: the source is unchanged, and an up-to-date PDF would not be written again
        pid = server.start(project, (*command, "--force"), {}, guard=120)
        deadline = time.monotonic() + 60
        while running(pid) and time.monotonic() < deadline:
            if any(folder.glob(".handout.pdf.*.tmp")):  # the new PDF is being written
                with contextlib.suppress(ProcessLookupError):  # unless it has just ended
                    os.kill(pid, signal.SIGKILL)
                    caught += 1
                break
            time.sleep(0.0005)
        server.finish()
        assert target.read_bytes().rstrip().endswith(b"%%EOF")
        assert len(PdfReader(target).pages) == complete
    assert caught >= 1, "no build was caught while writing"


def test_concurrent_builds_do_not_corrupt_each_other(layout: dict[str, Path]) -> None:
    project = layout["project"]
    (project / "source" / "s.yaml").write_text(source_with(text="Texte. " * 2000))
    command = [sys.executable, "-m", "studygen", "build", "--only", "handout"]
    children = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(3)
    ]
    for child in children:
        assert child.wait(timeout=120) == 0, child.stdout.read() if child.stdout else ""
    reader = PdfReader(project / "build" / "s" / "handout.pdf")
    assert len(reader.pages) >= 1 and "Texte." in reader.pages[0].extract_text()
    assert [p.name for p in (project / "build" / "s").iterdir()] == ["handout.pdf"]


# The fetcher itself


SEGMENTS = st.sampled_from(["..", ".", "%2e%2e", "%2E.", "a", "figures", "secret.png", "", "//",
                            "link", "%2f", "..%2f", "~"])  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(SEGMENTS, min_size=1, max_size=8), host=st.sampled_from(["", "localhost"]))
def test_the_fetcher_never_serves_a_file_outside_the_project(
    parts: list[str], host: str, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    if not root.exists():
        (root / "figures").mkdir(parents=True)
        (root / "figures" / "ok.png").write_bytes(png(2, 2))
        (tmp_path / "secret.png").write_bytes(png(7, 7))
        (root / "link").symlink_to(tmp_path)
    fetcher = confined_fetcher([root])
    url = f"file://{host}{root}/" + "/".join(parts)
    try:
        response = fetcher.fetch(url)
    except Exception:  # noqa: BLE001 - refusing in any way is fine
        return
    served = Path(response.url.removeprefix("file://")).resolve()
    assert served.is_relative_to(root.resolve()), url


def test_outputs_are_named_after_files_and_never_leave_the_output_folder(
    layout: dict[str, Path],
) -> None:
    title = json.dumps({"title": "../../../outside/pwned", "sections": [{"title": "S"}]})
    (layout["project"] / "source" / "cours.yaml").write_text(title)
    (layout["project"] / "source" / "..yaml").write_text(source_with())
    result = build()
    assert result.exit_code == 1
    assert "cannot name an output folder after this file name" in result.output
    assert (layout["project"] / "build" / "cours" / "handout.pdf").is_file()
    built = sorted(p.name for p in (layout["project"] / "build").iterdir())
    assert built == ["cours", "manifest.json"]
    assert not list(layout["outside"].glob("pwned*"))


def test_a_huge_data_uri_in_a_template_is_refused(
    layout: dict[str, Path], bounded_build: Bounded
) -> None:
    theme = layout["project"] / "theme" / "handout"
    theme.mkdir(parents=True)
    original = (REPO / "templates" / "handout" / "handout.html.j2").read_text()
    huge = '<img alt="" src="data:image/png;base64,' + "A" * 3_000_000 + '">'
    theme.joinpath("handout.html.j2").write_text(original.replace(BODY, BODY + huge))
    (layout["project"] / "source" / "s.yaml").write_text(source_with())
    code, output, seconds = bounded_build(layout["project"], "--templates", "theme")
    assert code == 1 and "data URI over 2 MB refused" in output and seconds < 30, output
    assert not (layout["project"] / "build").exists()
