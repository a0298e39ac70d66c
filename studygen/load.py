"""Source readers: a study file on disk → a validated :class:`Source`, or every problem in it."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from studygen.errors import Problem, SourceError
from studygen.model import BLOCK_KINDS, Document, ImageBlock
from studygen.yamlsource import Loc, Positions, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
SOURCE_SUFFIXES = YAML_SUFFIXES
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A validated study file: its path, its model, and where each value was written."""

    path: Path
    doc: Document
    positions: Positions

    @property
    def root(self) -> Path:
        """The project folder of this source: files it names must lie inside it."""
        return self.path.resolve().parent

    def line_of(self, *loc: str | int) -> int:
        """1-based line where the value at ``loc`` was written."""
        return self.positions.of(tuple(loc))[0]


def load_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read, parse and validate one source; raise :class:`SourceError` listing every problem."""
    text = read_text(path, max_bytes)
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise SourceError.single(
            path, 0, 0, f'unsupported file type "{path.suffix}" — use .yaml or .yml'
        )
    result = parse_yaml(text)
    problems = [Problem(path, p.line, p.col, p.message) for p in result.problems]
    if problems:
        raise SourceError(problems)
    return validate(path, result.data, result.positions)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text, refusing what is not a UTF-8 text file of reasonable size."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SourceError.single(path, 0, 0, "not a regular file")
        if size > max_bytes:
            raise SourceError.single(
                path, 0, 0, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError.single(path, 0, 0, "no such file") from None
    except OSError as exc:
        raise SourceError.single(path, 0, 0, f"cannot read: {exc.strerror}") from None
    if not data.strip():
        raise SourceError.single(path, 1, 1, "the file is empty — start with a `title:` line")
    if data.startswith(b"%PDF") or b"\x00" in data[:4096]:
        kind = "a PDF" if data.startswith(b"%PDF") else "a binary file"
        raise SourceError.single(path, 1, 1, f"this is {kind}, not a study file in text form")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SourceError.single(
            path,
            line,
            col,
            f"not UTF-8: byte 0x{data[exc.start]:02X} at offset {exc.start}"
            " — save the file as UTF-8",
        ) from None


def validate(path: Path, data: Any, positions: Positions) -> Source:
    """Turn plain data into a :class:`Source`, translating every validation error."""
    if not isinstance(data, dict):
        found = "nothing" if data is None else _describe(data)
        raise SourceError.single(
            path, 1, 1, f"expected fields such as `title:` and `sections:`, found {found}"
        )
    try:
        doc = Document.model_validate(data)
    except ValidationError as exc:
        problems = [_translate(path, data, positions, err) for err in exc.errors()]
        raise SourceError(_dedupe(problems)) from None
    source = Source(path, doc, positions)
    file_problems = list(_check_files(source))
    if file_problems:
        raise SourceError(file_problems)
    return source


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.col, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    return f'the text "{_clip(str(value))}"'


def _clip(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _data_loc(data: Any, loc: tuple[str | int, ...]) -> tuple[Loc, Any]:
    """Drop the discriminator tags pydantic puts in error paths; return the value found there."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(part, str) and isinstance(current, dict) and part not in current:
            if current.get("kind") == part:
                continue  # a union tag, not a key
            current = None
        else:
            current = _child(current, part)
        path.append(part)
    return tuple(path), current


def _child(container: Any, part: str | int) -> Any:
    if isinstance(container, dict):
        return container.get(part)
    if isinstance(container, list) and isinstance(part, int) and part < len(container):
        return container[part]
    return None


def _translate(path: Path, data: Any, positions: Positions, err: Any) -> Problem:
    kind = err["type"]
    loc, value = _data_loc(data, tuple(err["loc"]))
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else None
    line, col = positions.value_of(loc) if value is not None else positions.of(loc)
    if kind == "missing":
        line, col = positions.value_of(loc[:-1])
        message = f'missing required field "{name}"'
    elif kind == "extra_forbidden":
        line, col = positions.of(loc)
        allowed = _fields_at(tuple(err["loc"])[:-1])
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else "allowed here: " + ", ".join(allowed)
        message = f'unknown field "{name}" — {hint}'
    elif kind == "string_type":
        message = (
            "empty text"
            if value is None
            else f"expected text, found {_describe(value)}"
            " — quote it, or use `|` for multi-line text"
        )
    elif kind == "list_type":
        message = f'expected a list ("- item" lines or [a, b]), found {_describe(value)}'
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected fields (key: value lines), found {_describe(value)}"
    elif kind == "union_tag_invalid":
        line, col = positions.value_of((*loc, "kind"))
        message = f'unknown block kind "{err["ctx"]["tag"]}" — valid kinds: ' + ", ".join(
            BLOCK_KINDS
        )
    elif kind == "union_tag_not_found":
        message = 'block has no "kind" — valid kinds: ' + ", ".join(BLOCK_KINDS)
    elif kind == "too_short" and name == "sections":
        message = "a study file needs at least one section"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        if value is not None and message == "empty text" and name:
            message = f'empty text in "{name}"'
    else:
        message = str(err["msg"])
    return Problem(path, line, col, message)


def _fields_at(loc: tuple[str | int, ...]) -> list[str]:
    """The field names allowed by the model that owns the mapping at pydantic path ``loc``."""
    annotation: Any = Document
    for part in loc:
        annotation = _unwrap(annotation, part)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return _strip(field.annotation) if field else None
    if isinstance(annotation, list):  # a union of models, selected by its tag
        for member in annotation:
            kind = member.model_fields["kind"].annotation
            if part in typing.get_args(kind):
                return member
        return None
    return annotation  # a list index: stay on the item type


def _strip(annotation: Any) -> Any:
    """Reduce list[X] / X | None / Annotated[...] to X (a union of models to a list of them)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin is list:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
            else:
                return [_strip(m) for m in members]
        else:
            return annotation


def _check_files(source: Source) -> Iterator[Problem]:
    """Images must exist inside the source's folder."""
    for s, section in enumerate(source.doc.sections):
        for b, block in enumerate(section.blocks):
            if isinstance(block, ImageBlock):
                line, col = source.positions.value_of(("sections", s, "blocks", b, "src"))
                problem = image_problem(source.root, block.src)
                if problem:
                    yield Problem(source.path, line, col, problem)


def image_problem(root: Path, src: str) -> str | None:
    """Why ``src`` (relative to ``root``) cannot be used as an image, or None if it can."""
    if "://" in src or src.startswith(("/", "\\")) or Path(src).is_absolute():
        return f'image "{src}" must be a path relative to the source file'
    target = (root / src).resolve()
    if not target.is_relative_to(root):
        return f'image "{src}" lies outside the project folder'
    if not target.is_file():
        return f'image "{src}" not found (looked for {target})'
    return _image_format_problem(src, target)


# Raster formats WeasyPrint decodes, by their first bytes; SVG is recognised by its root tag.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
MAX_IMAGE_PIXELS = 50_000_000


def _image_format_problem(src: str, target: Path) -> str | None:
    """Why the file at ``target`` is not an image studygen can print, or None."""
    try:
        with target.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        return f'image "{src}" cannot be read: {exc.strerror}'
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        kind = "WebP"
    else:
        kind = next((k for sig, k in _SIGNATURES.items() if head.startswith(sig)), "")
    if not kind:
        text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
        if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
            return None
        return f'image "{src}" is not an SVG, PNG, JPEG, GIF or WebP file'
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(target) as image:
            width, height = image.size
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        return f'image "{src}" is a damaged {kind} file ({exc})'
    except Image.DecompressionBombError:
        return f'image "{src}" is too large to print ({kind}, over {MAX_IMAGE_PIXELS} pixels)'
    if width * height > MAX_IMAGE_PIXELS:
        return (
            f'image "{src}" is too large to print: {width} × {height} pixels '
            f"(at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels)"
        )
    return None
