"""Themes: a folder of stylesheets and optional template overrides, with a small manifest.

A theme folder holds ``theme.toml`` (name, description, the theme it extends, and a few
settings), then files laid out like the built-in templates: ``common/theme.css`` styles
every output, ``<output>/theme.css`` one output (both added after the built-in styles),
and any template or stylesheet of the built-in set replaces it (``handout/handout.html.j2``).
The built-in themes live in ``templates/themes/``; a project's own in its ``themes/``
folder (beside ``studygen.toml``), or anywhere ``--theme path/to/folder`` names.
A project's templates folder (``--templates``) overrides any file of the theme it uses.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studygen import confine
from studygen.errors import ConfigError

if TYPE_CHECKING:
    from studygen.config import BuildOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT = "default"
MANIFEST = "theme.toml"
MANIFEST_KEYS = ("name", "description", "extends", "settings")
# What a theme may say about layout beyond its CSS: the card preset per paper, and the
# smallest body type (points) every output keeps to (the key points then reflow).
SETTINGS = ("cards", "min_text_size")
MAX_EXTENDS = 8


@dataclass(frozen=True)
class Theme:
    """A theme: its name, one-line description, folder, and the theme it extends."""

    name: str
    description: str
    folder: Path | None = None  # None: the default look, the built-in templates alone
    parent: Theme | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def chain(self) -> list[Theme]:
        """The themes with a folder, from the one this extends first to this one last."""
        found: list[Theme] = []
        theme: Theme | None = self
        while theme is not None:
            if theme.folder is not None:
                found.insert(0, theme)
            theme = theme.parent
        return found

    def setting(self, name: str) -> Any:
        """A setting of this theme, or of the nearest theme it extends that has it."""
        theme: Theme | None = self
        while theme is not None:
            if name in theme.settings:
                return theme.settings[name]
            theme = theme.parent
        return None

    @property
    def min_text_size(self) -> float | None:
        """The smallest body type in points this theme keeps to, if it sets one."""
        value = self.setting("min_text_size")
        return float(value) if value is not None else None


DEFAULT_THEME = Theme(DEFAULT, "the built-in look: colour accents, tinted callouts")


def builtin_dir() -> Path:
    """Where the built-in themes live (inside the templates shipped with studygen)."""
    from studygen.templating import builtin_templates_dir

    return builtin_templates_dir() / "themes"


def project_dir(options: BuildOptions) -> Path:
    """A project's own themes: ``themes/`` beside its settings file, or where the command runs."""
    base = options.config_file.parent if options.config_file else Path.cwd()
    return base / "themes"


def for_options(options: BuildOptions) -> Theme:
    """The theme a build uses (``--theme`` or ``theme`` in studygen.toml)."""
    if options.theme is None:
        return DEFAULT_THEME
    return find(options.theme, project_dir(options).absolute())


@lru_cache(maxsize=16)
def find(name: str, project_themes: Path | None = None, depth: int = 0) -> Theme:
    """The theme called ``name``: a project's, a built-in one, or a folder's path."""
    if name.lower() == DEFAULT:
        return DEFAULT_THEME
    if depth > MAX_EXTENDS:
        raise ConfigError(f'theme "{name}": themes extend each other in a loop')
    for folder in _candidates(name, project_themes):
        if (folder / MANIFEST).is_file():
            return _load(folder, project_themes, depth)
    folders = [builtin_dir(), *([project_themes] if project_themes is not None else [])]
    names = {p.name for f in folders if f.is_dir() for p in f.iterdir() if (p / MANIFEST).is_file()}
    known = ", ".join([DEFAULT, *sorted(names)])
    raise ConfigError(f'theme "{name}" not found — known themes: {known}')


def _candidates(name: str, project_themes: Path | None) -> list[Path]:
    if "/" in name or "\\" in name or name.startswith("."):
        return [Path(name).absolute()]
    found = [project_themes / name] if project_themes is not None else []
    return [*found, builtin_dir() / name.lower()]


def _load(folder: Path, project_themes: Path | None, depth: int) -> Theme:
    """Read and check a theme's manifest; its files are checked like a templates folder."""
    from studygen.templating import check_folder

    path = folder / MANIFEST
    check_folder(folder, "theme")
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    for key in manifest:
        if key not in MANIFEST_KEYS:
            raise ConfigError(f'{path}: unknown key "{key}" (known: {", ".join(MANIFEST_KEYS)})')
    name, description = manifest.get("name", folder.name), manifest.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str) or "\n" in description:
        raise ConfigError(f'{path}: "name" and "description" must be texts of one line')
    settings = manifest.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{path}: [settings] must be a table")
    _check_settings(path, settings)
    extends = manifest.get("extends", DEFAULT)
    if not isinstance(extends, str):
        raise ConfigError(f'{path}: "extends" must name a theme')
    parent = None if extends.lower() == DEFAULT else find(extends, project_themes, depth + 1)
    return Theme(name, description, confine.resolve(folder) or folder, parent or DEFAULT_THEME,
                 settings)  # fmt: skip


def _check_settings(path: Path, settings: dict[str, Any]) -> None:
    for key in settings:
        if key not in SETTINGS:
            raise ConfigError(f'{path}: unknown setting "{key}" (known: {", ".join(SETTINGS)})')
    size = settings.get("min_text_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, (int, float))
                             or not 6 <= size <= 40):  # fmt: skip
        raise ConfigError(f'{path}: "min_text_size" must be a number of points, 6 to 40')
    cards = settings.get("cards")
    if cards is not None and not (
        isinstance(cards, dict) and all(isinstance(v, str) for v in cards.values())
    ):
        raise ConfigError(f'{path}: "cards" must map a paper to a card layout, e.g. a4 = "a6"')


def available(project_themes: Path | None = None) -> list[Theme]:
    """Every theme a build can use: the built-in ones, then a project's own."""
    found = [DEFAULT_THEME]
    folders = sorted(builtin_dir().iterdir())
    if project_themes is not None and project_themes.is_dir():
        folders += sorted(project_themes.iterdir())
    for folder in folders:
        if (folder / MANIFEST).is_file():
            found.append(_load(folder, project_themes, 0))
    return found


def apply(options: BuildOptions) -> BuildOptions:
    """``options`` with the theme's card layout when neither flags nor settings chose one."""
    theme = for_options(options)
    presets = theme.setting("cards") or {}
    if options.cards is None and options.card_size is None and options.paper in presets:
        return options.but(cards=presets[options.paper])
    return options


def template_dirs(theme: Theme) -> list[Path]:
    """The theme's folders, the theme itself first, then those it extends."""
    return [t.folder for t in reversed(theme.chain()) if t.folder is not None]


def stylesheets(theme: Theme, output: str, overrides: Path | None) -> list[Path]:
    """The theme's own stylesheets for ``output``, after the built-in ones.

    Each theme of the chain adds its ``common/theme.css`` and ``<output>/theme.css``; a
    project's templates folder replaces those of the theme in use with its own files.
    """
    found = []
    chain = theme.chain()
    for layer in chain:
        for name in ("common/theme.css", f"{output}/theme.css"):
            places = [overrides, layer.folder] if layer is chain[-1] else [layer.folder]
            for folder in places:
                if folder is not None and (folder / name).is_file():
                    found.append(folder / name)
                    break
    return found
