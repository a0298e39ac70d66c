"""Templates: the sandboxed Jinja environment (a project's overrides first, then the built-in
templates), the stylesheets of an output, and what every output's template receives.

Each output's template extends ``common/base.html.j2`` (head, metadata, language and
direction), so a project or a theme can override one block, or one file.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from studygen import __version__, confine, links, themes
from studygen.errors import BuildError, ConfigError
from studygen.i18n import direction, labels_for
from studygen.markup import markdown, markdown_inline, plain, run_in
from studygen.model import Document
from studygen.sandbox import BoundedSandbox
from studygen.themes import Theme

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_templates_dir() -> Path:
    """The templates shipped with studygen: inside the wheel, or at the top of a source checkout."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if (candidate / "handout").is_dir():
            return candidate
    raise BuildError("studygen's templates are missing from this installation — reinstall studygen")


def template_dirs(overrides: Path | None, theme: Theme | None = None) -> list[Path]:
    """Where templates and stylesheets are looked up, first match wins: the project's
    overrides, the theme (then the themes it extends), the built-in templates."""
    dirs = themes.template_dirs(theme) if theme is not None else []
    if overrides is None:
        return [*dirs, builtin_templates_dir()]
    overrides = overrides.absolute()
    check_folder(overrides)
    return [overrides, *dirs, builtin_templates_dir()]


MAX_TEMPLATE_FILES = 2000


@lru_cache(maxsize=16)
def check_folder(folder: Path, what: str = "templates") -> None:
    """A project's template (or theme) folder must exist and hold no link to files outside it."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: the {what} folder does not exist")
    root = confine.resolve(folder)
    if root is None:
        raise ConfigError(f"{folder}: the {what} folder is a symbolic link loop")
    try:
        for count, path in enumerate(folder.rglob("*")):
            if count >= MAX_TEMPLATE_FILES:
                raise ConfigError(
                    f"{folder}: over {MAX_TEMPLATE_FILES} files — is this a {what} folder?"
                )
            target = confine.resolve(path) if path.is_symlink() else path
            if target is None:
                raise ConfigError(f"{path} is a symbolic link loop")
            if not target.is_relative_to(root) and path.is_symlink():
                raise ConfigError(
                    f"{path} is a symbolic link to {target}, outside the {what} folder"
                )
    except OSError as exc:
        raise ConfigError(f"{folder}: cannot read the {what} folder: {exc.strerror}") from None


def environment(overrides: Path | None, theme: Theme | None = None) -> SandboxedEnvironment:
    """A sandboxed, autoescaping, strict Jinja environment over the template folders.

    ``builtin/<name>`` always names the built-in template, so an override of a file can
    extend the file it replaces and change one block.
    """
    return _environment(tuple(template_dirs(overrides, theme)))


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    builtin = jinja2.FileSystemLoader(str(builtin_templates_dir()))
    env = BoundedSandbox(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PrefixLoader({"builtin": builtin}),
                jinja2.FileSystemLoader([str(d) for d in dirs]),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["plain"] = plain
    env.filters["run_in"] = run_in
    env.filters["path_url"] = path_url
    env.filters["qr"] = links.qr_data_uri
    env.filters["addresses"] = links.with_addresses
    return env


def path_url(path: str) -> str:
    """A relative file path as a URL: ``a:b.png`` is a file, not an address with a scheme."""
    return quote(path, safe="/")


def stylesheets(output: str, overrides: Path | None, theme: Theme | None = None) -> list[Path]:
    """The CSS files of an output: the shared base, then the output's own, each overridable,
    then the theme's."""
    found = []
    for name in ("common/base.css", f"{output}/{output}.css"):
        for folder in template_dirs(overrides, theme):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    if theme is not None:
        found += themes.stylesheets(theme, output, overrides)
    return found


def render_html(
    output: str, context: dict[str, Any], overrides: Path | None = None, theme: Theme | None = None
) -> str:
    """Render ``<output>/<output>.html.j2`` with ``context``."""
    name = f"{output}/{output}.html.j2"
    env = environment(overrides, theme)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(
            f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise BuildError(f"{_where(exc, name)}: template error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise BuildError(f"{_where(exc, name)}: template refused by the sandbox: {exc}") from None
    except RecursionError as exc:
        where = _where(exc, name, first=True)
        raise BuildError(f"{where}: template error: it includes or extends itself") from None
    except OverflowError as exc:
        raise BuildError(f"{_where(exc, name)}: template refused by the sandbox: {exc}") from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        LookupError,
        ArithmeticError,
    ) as exc:
        # A template of the project's that calls what does not exist, or with the wrong values.
        raise BuildError(f"{_where(exc, name)}: template error: {exc}") from None


def _where(exc: BaseException, name: str, first: bool = False) -> str:
    """``file:line`` of the template line that failed (Jinja maps its frames to templates).

    With ``first``, the outermost template line: where an endless include began.
    """
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    for frame in frames if first else reversed(frames):
        if frame.filename.endswith((".j2", ".html", ".jinja")):
            return f"{frame.filename}:{frame.lineno}"
    return name


def common_context(doc: Document) -> dict[str, Any]:
    """What every output's template receives: the document, its language and metadata."""
    return {
        "doc": doc,
        "lang": doc.lang,
        "dir": direction(doc.lang),
        "labels": labels_for(doc.lang),
        "created": creation_date(),
        "generator": f"studygen {__version__}",
        "keywords": _keywords(doc),
    }


def _keywords(doc: Document) -> str:
    words = [w for w in (doc.subject, doc.level) if w]
    for card in doc.flashcards:
        words.extend(t for t in card.tags if t not in words)
    return ", ".join(words)


def creation_date() -> str:
    """ISO date-time of the build, or of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        moment = (
            datetime.fromtimestamp(int(epoch), tz=timezone.utc)
            if epoch and epoch.isdigit()
            else datetime.now(tz=timezone.utc).replace(microsecond=0)
        )
    except (OverflowError, OSError, ValueError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={epoch[:30] if epoch else ''} is not a date studygen can write "
            "(seconds since 1970, before the year 10000)"
        ) from None
    return moment.isoformat().replace("+00:00", "Z")
