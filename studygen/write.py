"""Where outputs go, and how they get there: atomically, never through a symbolic link.

A PDF is written to a temporary file beside its target, flushed to disk, then renamed
into place, so a reader never sees half a file and a failed write leaves the old one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from studygen.errors import ContentError, UsageError


def output_path(out: Path, source: Path, file_name: str) -> Path:
    """``<out>/<source stem>/<file_name>``: named after the file, never after its title."""
    stem = source.stem
    if not stem or stem.startswith(".") or os.sep in stem or (os.altsep and os.altsep in stem):
        raise ContentError(f"{source}: cannot name an output folder after this file name")
    return out / stem / file_name


def check_stems(sources: list[Path]) -> None:
    """Two sources with the same stem would write to the same folder: refuse the build."""
    seen: dict[str, Path] = {}
    for path in sources:
        if path.stem in seen and seen[path.stem].resolve() != path.resolve():
            raise ContentError(
                f"{path} and {seen[path.stem]} would both write to build/{path.stem}/ — rename one"
            )
        seen[path.stem] = path


def write_atomic(target: Path, data: bytes, out: Path | None = None) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place.

    Nothing below ``out`` may be a symbolic link: a link planted in the output folder
    would send the PDF (or the folder it goes in) somewhere else.
    """
    below = target.relative_to(out).parts if out is not None else (target.name,)
    base = out if out is not None else target.parent
    for depth in range(1, len(below) + 1):
        step = base.joinpath(*below[:depth])
        if step.is_symlink():
            raise ContentError(f"{step} is a symbolic link — studygen will not write through it")
    for folder in (*reversed(target.parent.parents), target.parent):
        if folder.exists() and not folder.is_dir():
            raise WriteError(f"cannot write {target}: {folder} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp_name).replace(target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


class WriteError(UsageError):
    """The output folder cannot take the PDF (a file in the way, read-only, full): exit 2."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{(exc.strerror or 'not allowed').lower()} — is the folder read-only?"
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
