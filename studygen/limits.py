"""Bounds on the work one source may cause, checked before anything is laid out.

Each limit protects the machine from one kind of input that would otherwise run for
minutes or take gigabytes: a word that cannot be broken, a paragraph of emphasis
marks, YAML nested thousands deep, an SVG whose ``<use>`` references multiply, more
pages than memory can hold, and, as a last resort, a time budget per source.
"""

from __future__ import annotations

import base64
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

MAX_WORD = 1000  # characters without a space: layout cost grows with the square of it
MAX_EMPHASIS_MARKS = 10_000  # * and _ in one paragraph
MAX_NESTING = 100  # YAML levels: [ and { brackets, or indentation steps
MAX_INDENT = 400  # columns of indentation before a YAML line
MAX_YAML_LINES = 200_000  # lines (or values in [ ] and { }) of one YAML file
MAX_SVG_SHAPES = 100_000  # elements an SVG draws once its <use> references are expanded
MAX_KEY_POINT_ITEMS = 1000  # items on the one-page key-points sheet
PAGE_MEMORY = 4 * 1024 * 1024  # bytes a laid-out page may take, to cap max_pages by memory
MIN_PAGE_CAP = 500  # what max_pages may always reach, whatever the memory
DEFAULT_TIMEOUT = 300.0  # seconds one source may take

Loc = tuple[str | int, ...]
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_YAML_STRUCTURE = re.compile(r"\n[ \-]*|[\[\]{},]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def text_problems(text: str, yaml: bool = False) -> list[tuple[int, int, str]]:
    """(line, col, message) of every part of a source's text that would take too long."""
    found: list[tuple[int, int, str]] = []
    for match in _LONG_WORD.finditer(text):
        line, col = _position(text, match.start())
        found.append(
            (
                line,
                col,
                f"a word of {match.end() - match.start()} characters with no space "
                f"(at most {MAX_WORD}): break it up, or link to it",
            )
        )
        if len(found) >= 5:
            break
    start = 0
    for separator in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = separator.start() if separator else len(text)
        paragraph = text[start:end]
        marks = paragraph.count("*") + paragraph.count("_")
        if marks > MAX_EMPHASIS_MARKS:
            line, col = _position(text, start)
            found.append(
                (
                    line,
                    col,
                    f"{marks} emphasis marks (* and _) in one paragraph, "
                    f"at most {MAX_EMPHASIS_MARKS}",
                )
            )
        start = separator.end() if separator else len(text)
    if yaml:
        found += nesting_problems(text)
    return found


def long_words(texts: Iterable[tuple[Loc, str]]) -> Iterator[tuple[Loc, int]]:
    """(where, length) of each text holding a word over :data:`MAX_WORD` characters."""
    for where, text in texts:
        match = _LONG_WORD.search(text)
        if match:
            yield where, match.end() - match.start()


def nesting_problems(text: str) -> list[tuple[int, int, str]]:
    """YAML nested deeper, or holding more values, than anyone writes by hand: where it is."""
    depth = 0
    line = 1
    line_start = 0
    items = 0
    for match in _YAML_STRUCTURE.finditer(text):
        char, index = match.group(), match.start()
        if char[0] == "\n":
            line += 1
            line_start = index + 1
            indent = len(char) - 1
            if indent > MAX_INDENT:
                return [(line, 1, _too_deep())]
            if line > MAX_YAML_LINES:
                return [(line, 1, f"over {MAX_YAML_LINES} lines of YAML: split the file")]
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return [(line, index - line_start + 1, _too_deep())]
        elif char in "]}":
            depth = max(0, depth - 1)
        elif depth:  # a comma inside [ ] or { }
            items += 1
            if items > MAX_YAML_LINES:
                col = index - line_start + 1
                return [
                    (line, col, f"over {MAX_YAML_LINES} values in [ ] or {{ }}: split the file")
                ]
    return []


def _too_deep() -> str:
    return f"nested more than {MAX_NESTING} levels deep"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- SVG: elements drawn once <use> references are expanded, and the images inside ------

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def svg_problem(name: str, data: bytes) -> str | None:
    """Why an SVG would take too long or too much memory to draw, or None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if not head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) or b"<svg" not in data:
        return None
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return None  # WeasyPrint reports a broken image itself
    elements = list(root.iter())
    if len(elements) > MAX_SVG_SHAPES:
        return f'image "{name}" has {len(elements)} SVG elements (at most {MAX_SVG_SHAPES})'
    ids = {str(element.get("id")): element for element in elements if element.get("id")}
    weights: dict[int, int] = {}
    try:
        total = _weight(root, ids, weights, set())
    except _SelfReference as exc:
        return f'image "{name}": SVG element "{exc}" refers to itself'
    except RecursionError:
        return f'image "{name}": SVG nested too deeply to draw'
    if total > MAX_SVG_SHAPES:
        return f'image "{name}": its <use> references would draw over {MAX_SVG_SHAPES} shapes'
    return _embedded_images(name, elements)


class _SelfReference(Exception):
    pass


def _weight(element: Any, ids: dict[str, Any], weights: dict[int, int], path: set[int]) -> int:
    key = id(element)
    if key in weights:
        return weights[key]
    if key in path:
        raise _SelfReference(element.get("id") or element.tag.removeprefix(_SVG))
    path.add(key)
    total = 1
    for child in element:
        total += _weight(child, ids, weights, path)
        if total > MAX_SVG_SHAPES:
            break
    if element.tag == f"{_SVG}use":
        href = element.get("href") or element.get(_XLINK_HREF) or ""
        target = ids.get(href[1:]) if href.startswith("#") else None
        if target is not None:
            total += _weight(target, ids, weights, path)
    path.discard(key)
    weights[key] = min(total, MAX_SVG_SHAPES + 1)
    return weights[key]


def _embedded_images(name: str, elements: list[Any]) -> str | None:
    """``data:`` images inside an SVG face the same pixel limit as image files."""
    from studygen.images import raster_problem

    for element in elements:
        href = element.get("href") or element.get(_XLINK_HREF) or ""
        if not href.lower().startswith("data:") or "," not in href:
            continue
        header, payload = href[5:].split(",", 1)
        try:
            data = base64.b64decode(payload) if header.endswith(";base64") else b""
        except ValueError:
            continue
        problem = raster_problem(f"{name} (an image inside it)", data)
        if problem:
            return problem
    return None


# --- Pages: a project may raise max_pages, never past what memory holds ------------------


def machine_pages() -> int:
    """The most pages one output may have here: half the memory available (or allowed)."""
    available = 0
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as handle:
            for row in handle:
                if row.startswith("MemAvailable:"):
                    available = int(row.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 100 * MIN_PAGE_CAP
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit != resource.RLIM_INFINITY:
            available = min(available, limit) if available else limit
    except (ImportError, ValueError, OSError):
        pass
    if not available:
        return 100 * MIN_PAGE_CAP
    return max(MIN_PAGE_CAP, available // 2 // PAGE_MEMORY)


# --- Time: one budget per source ------------------------------------------------------


class TimedOut(BaseException):
    """A source ran past its time budget (a BaseException: no ``except Exception`` stops it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`TimedOut` in this thread after ``seconds`` (a no-op where signals lack)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
