"""Build options: defaults < studygen.toml / [tool.studygen] < flags.

One pydantic model, :class:`BuildOptions`, checks every value wherever it comes from;
each message names where the value was written (the settings file, or the command
line). Unknown settings are refused with the nearest known name.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo

from studygen import confine
from studygen.choices import (
    CUT_MARKS,
    DEFAULT_SUMMARY_MIN_SIZE,
    DEFAULT_SUMMARY_PARTS,
    DUPLEX_MODES,
    PAPERS,
    PDF_VARIANTS,
    SEPARATOR_NAMES,
    SUMMARY_PARTS,
    SUMMARY_SIZES,
)
from studygen.errors import ConfigError
from studygen.limits import DEFAULT_TIMEOUT
from studygen.outputs import NAMES as OUTPUTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


# --- One check per kind of value: a converted value, or ValueError with the message ----


def _path(value: Any, info: ValidationInfo) -> Path:
    """A path; written in a settings file, it is relative to that file's folder."""
    if not isinstance(value, (str, Path)):
        raise ValueError(f'"{info.field_name}" must be a path')
    path = Path(value)
    base = (info.context or {}).get("base")
    if base is not None:  # written in the project's settings file: it stays in the project
        outside = confine.inside(path, base)
        if outside:
            raise ValueError(f'"{info.field_name}" = {outside}')
    return base / path if base is not None and not path.is_absolute() else path


def _one_of(choices: tuple[str, ...], what: str) -> BeforeValidator:
    def check(value: Any) -> str:
        text = str(value).lower()
        if text not in choices:
            raise ValueError(f'{what} "{value}" is not one of {", ".join(choices)}')
        return text

    return BeforeValidator(check)


def _outputs(value: Any, info: ValidationInfo) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError(f'"{info.field_name}" must be a list of outputs ({", ".join(OUTPUTS)})')
    for item in items:
        if item not in OUTPUTS:
            raise ValueError(f'output "{item}" is not one of {", ".join(OUTPUTS)}')
    return tuple(o for o in OUTPUTS if o in items)


def _separator(value: Any, info: ValidationInfo) -> str:
    text = SEPARATOR_NAMES.get(str(value).lower(), str(value))
    if not text:
        raise ValueError(f'"{info.field_name}" must not be empty')
    return text


def _flag(value: Any, info: ValidationInfo) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f'"{info.field_name}" must be true or false')
    return value


def _text(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f'"{info.field_name}" must be a text')
    return str(value)


def _number(low: float, high: float, unit: str) -> BeforeValidator:
    def check(value: Any, info: ValidationInfo) -> float:
        number = not isinstance(value, bool) and isinstance(value, (int, float))
        if not number or not low <= value <= high:
            raise ValueError(f'"{info.field_name}" must be a number of {unit}, {low:g} to {high:g}')
        return float(value)

    return BeforeValidator(check)


def _count(unit: str) -> BeforeValidator:
    def check(value: Any, info: ValidationInfo) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f'"{info.field_name}" must be a positive number of {unit}')
        return value

    return BeforeValidator(check)


def _offset(value: Any) -> tuple[float, float]:
    from studygen.outputs.card_options import parse_offset

    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2:
        value = f"{value[0]},{value[1]}"
    try:
        return parse_offset(str(value))
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def _texts(value: Any, info: ValidationInfo) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f'"{info.field_name}" must be a list of texts')
    return tuple(str(v) for v in value)


def _summary_parts(value: Any) -> tuple[str, ...]:
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, (list, tuple)):
        raise ValueError(f'"summary_include" must list some of {", ".join(SUMMARY_PARTS)}')
    chosen = {str(p).strip() for p in parts if str(p).strip()}
    for part in sorted(chosen - set(SUMMARY_PARTS)):
        raise ValueError(f'summary part "{part}" is not one of {", ".join(SUMMARY_PARTS)}')
    return tuple(k for k in SUMMARY_PARTS if k in chosen or k == "key-points")


PRINTER_KEYS = ("back_offset",)


def _printers(value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("[printers] must hold one table per printer name")
    for name, settings in value.items():
        for key in settings:
            if key not in PRINTER_KEYS:
                close = difflib.get_close_matches(str(key), PRINTER_KEYS, n=1)
                known = ", ".join(PRINTER_KEYS)
                hint = f'did you mean "{close[0]}"?' if close else f"known: {known}"
                raise ValueError(f'unknown setting "{key}" in [printers.{name}] — {hint}')
    return value


def _column(value: Any) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise ValueError('"front" must be a column name or number')
    return str(value).strip()


def _columns(value: Any) -> tuple[str, ...]:
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, (list, tuple)):
        raise ValueError('"back" must be column names or numbers, e.g. "2,3"')
    chosen = tuple(str(part).strip() for part in parts if str(part).strip())
    if not chosen:
        raise ValueError('"back" must name at least one column')
    return chosen


def _folder(value: Any, info: ValidationInfo) -> Path:
    path = _path(value, info)
    if not path.is_dir():
        raise ValueError(f'{info.field_name} folder "{value}" does not exist')
    return path


def _theme(value: Any, info: ValidationInfo) -> str:
    """A theme's name, or its folder's path; written in a settings file, inside the project."""
    text = _text(value, info)
    base = (info.context or {}).get("base")
    if base is not None and ("/" in text or "\\" in text or text.startswith(".")):
        outside = confine.inside(Path(text), base)
        if outside:
            raise ValueError(f'"theme" = {outside}')
        return str(base / text)
    return text


def _shard(value: Any) -> tuple[int, int]:
    if isinstance(value, tuple) and len(value) == 2:
        return value
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(value))
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f'shard "{value}" must be K/N with 1 <= K <= N, e.g. 2/4')
    return int(match[1]), int(match[2])


def _jobs(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 256:
        raise ValueError('"jobs" must be a number of processes, 1 to 256')
    return value


def _language(value: Any) -> str:
    from studygen.model import _LANG_RE

    if not isinstance(value, str) or not _LANG_RE.match(value):
        raise ValueError(f'lang "{value}" is not a language tag — use fr, en, de-CH…')
    return value


PathValue = Annotated[Path, BeforeValidator(_path)]
OptionalPath = Annotated[Path | None, BeforeValidator(_path)]
Flag = Annotated[bool, BeforeValidator(_flag)]
OptionalFlag = Annotated[bool | None, BeforeValidator(_flag)]
Text = Annotated[str | None, BeforeValidator(_text)]
Separator = Annotated[str | None, BeforeValidator(_separator)]


class BuildOptions(BaseModel):
    """Everything that shapes a build, after merging defaults, settings file and flags."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    out: PathValue = Path("build")
    # None: what the source's ``outputs:``, else the project's ``outputs``, else the registry's
    # defaults choose (outputs.selected); a list given here wins over them.
    only: Annotated[tuple[str, ...] | None, BeforeValidator(_outputs)] = None
    outputs: Annotated[tuple[str, ...] | None, BeforeValidator(_outputs)] = None
    paper: Annotated[str, _one_of(tuple(PAPERS), "paper")] = "a4"
    templates: OptionalPath = None
    theme: Annotated[str | None, BeforeValidator(_theme)] = None
    strict: Flag = False
    source_dir: PathValue = Path("source")
    max_source_bytes: Annotated[int, _count("bytes")] = 20 * 1024 * 1024
    max_pages: Annotated[int, _count("pages")] = 500
    verbose: Flag = False
    cards: Text = None
    card_size: Text = None
    printer_margin: Annotated[float, _number(0, 30, "millimetres")] = 5.0
    duplex: Annotated[str, _one_of(DUPLEX_MODES, "duplex")] = "long-edge"
    back_offset: Annotated[tuple[float, float], BeforeValidator(_offset)] = (0.0, 0.0)
    cut_marks: Annotated[str | None, _one_of(CUT_MARKS, "cut marks")] = None
    printer: Text = None
    printers: Annotated[dict[str, dict[str, Any]], BeforeValidator(_printers)] = {}
    tags: Annotated[tuple[str, ...], BeforeValidator(_texts)] = ()
    cards_only: Text = None
    summary_include: Annotated[tuple[str, ...], BeforeValidator(_summary_parts)] = (
        DEFAULT_SUMMARY_PARTS
    )
    summary_min_size: Annotated[float, _number(*SUMMARY_SIZES, "points")] = DEFAULT_SUMMARY_MIN_SIZE
    toc: OptionalFlag = None
    link_addresses: Flag = True
    separator: Separator = None
    card_separator: Separator = None
    pdf_variant: Annotated[str | None, _one_of(PDF_VARIANTS, "PDF variant")] = None
    # How sources are read: deck columns, header rows, pictures, language (see sources/).
    front: Annotated[str | None, BeforeValidator(_column)] = None
    back: Annotated[tuple[str, ...], BeforeValidator(_columns)] = ()
    header: OptionalFlag = None
    media: Annotated[Path | None, BeforeValidator(_folder)] = None
    lang: Annotated[str | None, BeforeValidator(_language)] = None
    timeout: Annotated[float, _number(1, 86400, "seconds")] = DEFAULT_TIMEOUT
    # How a build runs, never what it makes (see build_cache.py, workers.py).
    jobs: Annotated[int | None, BeforeValidator(_jobs)] = None  # None: every usable core
    force: Flag = False
    shard: Annotated[tuple[int, int] | None, BeforeValidator(_shard)] = None
    config_file: Path | None = None

    def but(self, **changes: Any) -> BuildOptions:
        """A copy with ``changes``, checked like any other value."""
        return merge(self, changes, "options")


# Settings only the command line gives: they are about one run, not about the project.
COMMAND_LINE_ONLY = frozenset({"verbose", "tags", "cards_only", "force", "shard"})
FILE_KEYS = frozenset(BuildOptions.model_fields) - COMMAND_LINE_ONLY - {"config_file"}
COMMAND_LINE_KEYS = frozenset(BuildOptions.model_fields) - {"printers", "config_file"}


def merge(
    options: BuildOptions,
    values: dict[str, Any],
    where: str,
    base: Path | None = None,
    known: frozenset[str] = COMMAND_LINE_KEYS | FILE_KEYS,
) -> BuildOptions:
    """``options`` with ``values`` checked and applied; every message names ``where``."""
    names = {}
    for key in values:
        name = key.replace("-", "_")
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f' — did you mean "{close[0]}"?' if close else ""
            raise ConfigError(f'{where}: unknown setting "{key}"{hint}')
        names[name] = values[key]
    try:
        checked = BuildOptions.model_validate(names, context={"base": base})
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_message(exc)}") from None
    return options.model_copy(update={name: getattr(checked, name) for name in names})


def _message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    if cause is not None:
        return str(cause)
    return f'"{".".join(str(p) for p in error["loc"])}": {error["msg"]}'


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The project's settings, found the way git, ruff and pytest find theirs.

    From ``start`` upward, the nearest folder holding a ``studygen.toml``, or a
    ``pyproject.toml`` with a ``[tool.studygen]`` table, is the project; the search stops
    at the top of a git repository.
    """
    for folder in (start, *start.parents):
        toml_path = folder / "studygen.toml"
        if toml_path.is_file():
            return toml_path, _read_toml(toml_path)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("studygen")
            if isinstance(table, dict):
                return pyproject, table
        if (folder / ".git").exists():
            break
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        table: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return table
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def resolve_options(cwd: Path, flags: dict[str, Any] | None = None) -> BuildOptions:
    """Merge defaults, the project's settings file and the flags that were given (not None).

    Paths in the settings file are relative to its folder; paths on the command line
    are relative to where the command runs.
    """
    options = BuildOptions()
    found = find_config(cwd)
    if found:
        path, table = found
        root = path.parent
        if root.resolve() != cwd.resolve():  # run from a subfolder: the project's own folders
            below = {name: Path(os.path.relpath(root / getattr(options, name), cwd))
                     for name in ("out", "source_dir")}  # fmt: skip
            options = options.model_copy(update=below)
        options = merge(options, table, confine.shown(path), root, FILE_KEYS)
        options = options.model_copy(update={"config_file": path})
    given = {k: v for k, v in (flags or {}).items() if v is not None and v != ()}
    options = merge(options, given, "command line", None, COMMAND_LINE_KEYS)
    from studygen import themes

    return themes.apply(_apply_printer(options, "back_offset" in given))


def _apply_printer(options: BuildOptions, offset_given: bool) -> BuildOptions:
    """A named printer's settings (``[printers.NAME]``) apply unless a flag says otherwise."""
    if options.printer is None:
        return options
    settings = options.printers.get(options.printer)
    if settings is None:
        known = ", ".join(sorted(options.printers)) or "none defined"
        raise ConfigError(f'printer "{options.printer}" is not in [printers] ({known})')
    if "back_offset" in settings and not offset_given:
        where = f"[printers.{options.printer}]"
        options = merge(options, {"back_offset": settings["back_offset"]}, where)
    return options
