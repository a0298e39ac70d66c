"""The project's boundary: which paths a build may read from and write to.

The project is the folder of ``studygen.toml`` (or the folder the command runs in). A
path the user types on the command line is theirs to choose; a symbolic link met on
the way, if it lies inside the project, must lead back inside it. Paths written in the
project's own files (``studygen.toml``, sources) never leave it.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit


def resolve(path: Path) -> Path | None:
    """``path`` with every symbolic link followed; None for a link loop or an unreadable path."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return None


def project_root(config_file: Path | None) -> Path:
    """The project folder: the settings file's folder, else the working directory."""
    folder = config_file.parent if config_file is not None else Path.cwd()
    return resolve(folder.absolute()) or folder.absolute()


def escaping_link(path: Path, project: Path) -> str | None:
    """Why ``path`` passes through a link of the project that leads outside it, or None.

    Every step of the path as written is looked at: a symbolic link that lies inside the
    project must point inside it; one that lies outside (a path the user typed, such as
    ``/home/me/notes``) is the user's own choice.
    """
    full = path if path.is_absolute() else Path.cwd() / path
    current = Path(full.anchor)
    for part in full.parts[1:]:
        current = current / part
        if not current.is_symlink():
            continue
        home = resolve(current.parent)
        if home is None or not home.is_relative_to(project):
            continue
        target = resolve(current)
        if target is None:
            return f"{shown(current)} is a symbolic link loop"
        if not target.is_relative_to(project):
            return (
                f"{shown(current)} is a symbolic link to {target}, outside the project "
                "— studygen does not follow it"
            )
    return None


def through(path: Path, escape: str) -> str:
    """A message about ``path`` from what :func:`escaping_link` found on its way."""
    own = f"{shown(path if path.is_absolute() else Path.cwd() / path)} is a "
    if escape.startswith(own):
        return (
            "is a "
            + escape.removeprefix(own).replace(" — studygen does not follow it", "")
            + (" — copy the file instead")
        )
    return "passes through " + escape.replace(" is a ", ", a ", 1)


def shown(path: Path) -> str:
    """``path`` as the user would type it from where the command runs."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def inside(path: Path, base: Path) -> str | None:
    """Why ``path`` (written in a file of the project at ``base``) leaves the project, or None."""
    target = resolve(path if path.is_absolute() else base / path)
    root = resolve(base)
    if target is None or root is None:
        return f'"{path}" is a symbolic link loop'
    if not target.is_relative_to(root):
        return (
            f'"{path}" lies outside the project ({root}) — only a path given on the '
            "command line may"
        )
    return None


def hard_linked(info: os.stat_result) -> bool:
    """A regular file with another name: that name may lie outside the project."""
    return info.st_nlink > 1


HARD_LINK = (
    "is a hard link (the same file has another name, perhaps outside the project) — "
    "copy the file instead"
)


def relative_links(document: Any, base: Path, roots: list[Path]) -> list[tuple[str, str]]:
    """Make every ``file:`` link of a laid-out document relative to ``base``; list the others.

    WeasyPrint makes a relative link absolute (``file:///home/…``), which would publish
    the machine's folders and break byte-identical builds. A link into the project
    becomes relative again; a link that leaves the project is refused.
    """
    refused: list[tuple[str, str]] = []
    real_base = resolve(base) or base
    real_roots = [resolve(root) or root for root in roots]
    for page in document.pages:
        for index, link in enumerate(page.links):
            kind, target, *rest = link
            if kind != "external" or not str(target).lower().startswith("file:"):
                continue
            parts = urlsplit(target)
            path = resolve(Path(unquote(parts.path)))
            if path is None or not any(path.is_relative_to(r) for r in real_roots):
                written = os.path.relpath(unquote(parts.path), real_base)
                refused.append((written, "link to a file outside the project refused"))
                continue
            relative = posixpath.join(*Path(os.path.relpath(path, real_base)).parts)
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            page.links[index] = (kind, quote(relative) + fragment, *rest)
    return refused
