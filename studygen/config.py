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
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
# Names for the separators of deck files (Quizlet lets people choose any).
_SEPARATORS = {
    "tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "newline": "\n", "\\n": "\n",
    "blank-line": "\n\n", "pipe": "|", "dash": "-",
}  # fmt: skip


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
    max_pages: int = 500
    verbose: bool = False
    cards: str | None = None
    card_size: str | None = None
    printer_margin: float = 5.0
    duplex: str = "long-edge"
    back_offset: tuple[float, float] = (0.0, 0.0)
    cut_marks: str | None = None
    printer: str | None = None
    printers: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    tags: tuple[str, ...] = ()
    cards_only: str | None = None
    summary_include: tuple[str, ...] = ("key-points", "definitions")
    summary_min_size: float = 7.0
    toc: bool | None = None
    separator: str | None = None
    card_separator: str | None = None
    front: str | None = None
    back: tuple[str, ...] = ()
    header: bool | None = None
    media: Path | None = None
    lang: str | None = None
    pdf_variant: str | None = None
    config_file: Path | None = field(default=None, compare=False)


_FILE_KEYS = {
    "out", "only", "paper", "templates", "strict", "source_dir", "max_source_bytes", "max_pages",
    "cards", "card_size", "printer_margin", "duplex", "back_offset", "cut_marks", "printer",
    "printers", "summary_include", "summary_min_size", "toc", "pdf_variant",
    "separator", "card_separator", "front", "back", "header", "media", "lang",
}  # fmt: skip


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
    options = _apply(options, given, "command line", base=cwd)
    return _apply_printer(options, "back_offset" in given)


def _apply_printer(options: BuildOptions, offset_given: bool) -> BuildOptions:
    """A named printer's settings (``[printers.NAME]``) apply unless a flag says otherwise."""
    if options.printer is None:
        return options
    settings = options.printers.get(options.printer)
    if settings is None:
        known = ", ".join(sorted(options.printers)) or "none defined"
        raise ConfigError(f'printer "{options.printer}" is not in [printers] ({known})')
    if "back_offset" in settings and not offset_given:
        offset = _coerce(
            "back_offset", settings["back_offset"], f"[printers.{options.printer}]", Path()
        )
        options = replace(options, back_offset=offset)
    return options


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
    if name in ("front", "back", "header", "media", "lang"):
        return _coerce_reading(name, value, where, base)
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
    if name == "pdf_variant":
        value = str(value).lower()
        if value not in PDF_VARIANTS:
            raise ConfigError(
                f'{where}: PDF variant "{value}" is not one of {", ".join(PDF_VARIANTS)}'
            )
        return value
    if name in ("separator", "card_separator"):
        text = _SEPARATORS.get(str(value).lower(), str(value))
        if not text:
            raise ConfigError(f'{where}: "{name}" must not be empty')
        return text
    if name in ("strict", "verbose", "toc"):
        if not isinstance(value, bool):
            raise ConfigError(f'{where}: "{name}" must be true or false')
        return value
    if name in ("cards", "card_size", "printer", "cards_only"):
        return str(value)
    if name == "duplex":
        from studygen.cards import DUPLEX_MODES

        if value not in DUPLEX_MODES:
            raise ConfigError(f'{where}: duplex "{value}" is not one of {", ".join(DUPLEX_MODES)}')
        return value
    if name == "cut_marks":
        from studygen.cards import CUT_MARKS

        if value not in CUT_MARKS:
            raise ConfigError(f'{where}: cut marks "{value}" is not one of {", ".join(CUT_MARKS)}')
        return value
    if name == "printer_margin":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 30:
            raise ConfigError(f'{where}: "printer_margin" must be a number of millimetres, 0 to 30')
        return float(value)
    if name == "back_offset":
        from studygen.cards import parse_offset

        if isinstance(value, (list, tuple)) and len(value) == 2:
            value = f"{value[0]},{value[1]}"
        try:
            return parse_offset(str(value))
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    if name == "tags":
        return tuple(value)
    if name == "summary_include":
        parts = value.split(",") if isinstance(value, str) else list(value)
        chosen = {str(p).strip() for p in parts if str(p).strip()}
        known = ("key-points", "definitions", "faq")
        for part in chosen - set(known):
            raise ConfigError(f'{where}: summary part "{part}" is not one of {", ".join(known)}')
        return tuple(k for k in known if k in chosen or k == "key-points")
    if name == "summary_min_size":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 6 <= value <= 12:
            raise ConfigError(f'{where}: "summary_min_size" must be between 6 and 12 (points)')
        return float(value)
    if name == "printers":
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise ConfigError(f"{where}: [printers] must hold one table per printer name")
        return value
    if name in ("max_source_bytes", "max_pages"):
        if not isinstance(value, int) or value <= 0:
            raise ConfigError(f'{where}: "{name}" must be a positive number of bytes')
        return value
    return value


def _coerce_reading(name: str, value: Any, where: str, base: Path) -> Any:
    """The settings that say how sources are read (columns, header row, media, language)."""
    if name == "front":
        if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
            raise ConfigError(f'{where}: "front" must be a column name or number')
        return str(value).strip()
    if name == "back":
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, (list, tuple)):
            raise ConfigError(f'{where}: "back" must be column names or numbers, e.g. "2,3"')
        chosen = tuple(str(part).strip() for part in parts if str(part).strip())
        if not chosen:
            raise ConfigError(f'{where}: "back" must name at least one column')
        return chosen
    if name == "header":
        if not isinstance(value, bool):
            raise ConfigError(f'{where}: "header" must be true or false')
        return value
    if name == "media":
        if not isinstance(value, (str, Path)):
            raise ConfigError(f'{where}: "media" must be a path')
        path = Path(value)
        path = path if path.is_absolute() or where == "command line" else base / path
        if not path.is_dir():
            raise ConfigError(f'{where}: media folder "{value}" does not exist')
        return path
    from studygen.model import _LANG_RE

    if not isinstance(value, str) or not _LANG_RE.match(value):
        raise ConfigError(f'{where}: lang "{value}" is not a language tag — use fr, en, de-CH…')
    return value
