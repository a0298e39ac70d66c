"""Build options: defaults < studygen.toml / [tool.studygen] < flags (None = not given)."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from studygen.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

OUTPUTS = ("handout", "flashcards", "key-points")
PAPERS = ("a4", "letter")


@dataclass(frozen=True)
class BuildOptions:
    """Everything that shapes a build, after merging defaults, config file and flags."""

    out: Path = Path("build")
    only: tuple[str, ...] = OUTPUTS
    paper: str = "a4"
    templates: Path | None = None
    strict: bool = False
    source_dir: Path = Path("source")
    max_source_bytes: int = 20 * 1024 * 1024
    verbose: bool = False
    config_file: Path | None = field(default=None, compare=False)


_FILE_KEYS = {"out", "only", "paper", "templates", "strict", "source_dir", "max_source_bytes"}


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The project's settings: ``studygen.toml``, else ``[tool.studygen]`` in ``pyproject.toml``."""
    toml_path = start / "studygen.toml"
    if toml_path.is_file():
        return toml_path, _read_toml(toml_path)
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("studygen")
        if isinstance(table, dict):
            return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        table: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return table
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def resolve_options(cwd: Path, **flags: Any) -> BuildOptions:
    """Merge defaults, the project's config file and the flags that were given (not None)."""
    options = BuildOptions()
    found = find_config(cwd)
    if found:
        path, table = found
        options = replace(_apply(options, table, str(path), base=path.parent), config_file=path)
    given = {k: v for k, v in flags.items() if v is not None and v != ()}
    return _apply(options, given, "command line", base=cwd)


def _apply(options: BuildOptions, values: dict[str, Any], where: str, base: Path) -> BuildOptions:
    changes: dict[str, Any] = {}
    known = {f.name for f in fields(BuildOptions)}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in known or (where != "command line" and name not in _FILE_KEYS):
            close = difflib.get_close_matches(name, sorted(_FILE_KEYS), n=1)
            hint = f' — did you mean "{close[0]}"?' if close else ""
            raise ConfigError(f'{where}: unknown setting "{key}"{hint}')
        changes[name] = _coerce(name, value, where, base)
    return replace(options, **changes)


def _coerce(name: str, value: Any, where: str, base: Path) -> Any:
    if name in ("out", "templates", "source_dir"):
        if not isinstance(value, (str, Path)):
            raise ConfigError(f'{where}: "{name}" must be a path')
        path = Path(value)
        return path if path.is_absolute() or where == "command line" else base / path
    if name == "paper":
        value = str(value).lower()
        if value not in PAPERS:
            raise ConfigError(f'{where}: paper "{value}" is not one of {", ".join(PAPERS)}')
        return value
    if name == "only":
        items = [value] if isinstance(value, str) else list(value)
        for item in items:
            if item not in OUTPUTS:
                raise ConfigError(f'{where}: output "{item}" is not one of {", ".join(OUTPUTS)}')
        return tuple(o for o in OUTPUTS if o in items)
    if name in ("strict", "verbose"):
        if not isinstance(value, bool):
            raise ConfigError(f'{where}: "{name}" must be true or false')
        return value
    if name == "max_source_bytes":
        if not isinstance(value, int) or value <= 0:
            raise ConfigError(f'{where}: "{name}" must be a positive number of bytes')
        return value
    return value
