"""Files a source names: read as text, or found inside the project (or the media folder)."""

from __future__ import annotations

from pathlib import Path

from studygen import confine, limits
from studygen.errors import Problem, SourceError
from studygen.images import image_format_problem

YAML_SUFFIXES = (".yaml", ".yml")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


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
        if path.is_file() and confine.hard_linked(path.stat()):
            raise SourceError.single(path, 0, 0, confine.HARD_LINK)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError.single(path, 0, 0, "no such file") from None
    except OSError as exc:
        raise SourceError.single(path, 0, 0, f"cannot read: {exc.strerror}") from None
    if not data.strip():
        hint = " — start with a `title:` line" if path.suffix.lower() in YAML_SUFFIXES else ""
        raise SourceError.single(path, 1, 1, f"the file is empty{hint}")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if data.startswith(b"%PDF") or (b"\x00" in data[:4096] and not utf16):
        kind = "a PDF" if data.startswith(b"%PDF") else "a binary file"
        raise SourceError.single(path, 1, 1, f"this is {kind}, not a study file in text form")
    try:
        text = _decode(data)
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
    yaml = path.suffix.lower() in YAML_SUFFIXES
    found = limits.text_problems(text, yaml)
    if found:
        raise SourceError(Problem(path, line, col, message) for line, col, message in found)
    return text


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 with its byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def image_problem(root: Path, src: str) -> str | None:
    """Why ``src`` (relative to ``root``) cannot be used as an image, or None if it can."""
    target, problem = project_file(root, src, "image")
    return problem or image_format_problem(src, target)


def project_file(
    root: Path, name: str, what: str, suffixes: tuple[str, ...] = ()
) -> tuple[Path, str | None]:
    """The regular file ``name`` (relative to ``root``) names inside ``root``, or why not."""
    if "://" in name or name.startswith(("/", "\\")) or Path(name).is_absolute():
        return root, f'{what} "{name}" must be a path relative to the source file'
    found = confine.resolve(root / name)
    if found is None:
        return root, f'{what} "{name}" is a symbolic link loop'
    target = found
    if not target.is_relative_to(root):
        return root, f'{what} "{name}" lies outside the project folder'
    if suffixes and target.suffix.lower() not in suffixes:
        return root, f'{what} "{name}" must be a {", ".join(suffixes)} file'
    if not target.exists():
        return root, f'{what} "{name}" not found (looked for {target})'
    if not target.is_file():
        return root, f'{what} "{name}" is not a regular file'
    if confine.hard_linked(target.stat()):
        return root, f'{what} "{name}" {confine.HARD_LINK}'
    return target, None
