"""Jinja environment (a project's overrides first, then the built-in templates) → HTML strings."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from studygen import __version__
from studygen.cards import Plan
from studygen.errors import BuildError
from studygen.i18n import direction, labels_for
from studygen.markup import markdown, markdown_inline, plain
from studygen.model import Document, image_blocks

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_templates_dir() -> Path:
    """The templates shipped with studygen: inside the wheel, or at the top of a source checkout."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if (candidate / "handout").is_dir():
            return candidate
    raise BuildError("studygen's templates are missing from this installation — reinstall studygen")


def template_dirs(overrides: Path | None) -> list[Path]:
    """Where templates and stylesheets are looked up, first match wins."""
    if overrides is None:
        return [builtin_templates_dir()]
    overrides = overrides.absolute()
    _check_overrides(overrides)
    return [overrides, builtin_templates_dir()]


@lru_cache(maxsize=8)
def _check_overrides(folder: Path) -> None:
    """A project's template folder must exist and hold no link to files outside it."""
    if not folder.is_dir():
        raise BuildError(f"{folder}: the templates folder does not exist")
    root = folder.resolve()
    for path in folder.rglob("*"):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise BuildError(
                f"{path} is a symbolic link to {path.resolve()}, outside the templates folder"
            )


def environment(overrides: Path | None) -> SandboxedEnvironment:
    """A sandboxed, autoescaping, strict Jinja environment over the template folders."""
    return _environment(overrides.absolute() if overrides is not None else None)


@lru_cache(maxsize=8)
def _environment(overrides: Path | None) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(overrides)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["plain"] = plain
    return env


def stylesheets(output: str, overrides: Path | None) -> list[Path]:
    """The CSS files of an output: the shared base, then the output's own, each overridable."""
    found = []
    for name in ("common/base.css", f"{output}/{output}.css"):
        for folder in template_dirs(overrides):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def render_html(output: str, context: dict[str, Any], overrides: Path | None = None) -> str:
    """Render ``<output>/<output>.html.j2`` with ``context``."""
    name = f"{output}/{output}.html.j2"
    env = environment(overrides)
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
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        # A template of the project's that calls what does not exist, or with the wrong values.
        raise BuildError(f"{_where(exc, name)}: template error: {exc}") from None


def _where(exc: BaseException, name: str) -> str:
    """``file:line`` of the template line that failed (Jinja maps its frames to templates)."""
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".j2", ".html", ".jinja")):
            return f"{frame.filename}:{frame.lineno}"
    return name


# Contexts: what each template receives. Geometry and numbering are computed here,
# so templates only loop and print.

PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _common(doc: Document) -> dict[str, Any]:
    return {
        "doc": doc,
        "lang": doc.lang,
        "dir": direction(doc.lang),
        "labels": labels_for(doc.lang),
        "created": creation_date(),
        "generator": f"studygen {__version__}",
        "keywords": _keywords(doc),
    }


TOC_MIN_SECTIONS = 3


def handout_context(doc: Document, paper: str, toc: bool | None = None) -> dict[str, Any]:
    """Sections with their figure numbers, and the table of contents, for the handout.

    ``toc=None`` puts a table of contents in documents of three sections or more.
    """
    figures = {(s, b): n for n, (s, b, _) in enumerate(image_blocks(doc), start=1)}
    sections = [
        {
            "number": s + 1,
            "section": section,
            "blocks": [
                {"block": block, "figure": figures.get((s, b))}
                for b, block in enumerate(section.blocks)
            ],
        }
        for s, section in enumerate(doc.sections)
    ]
    labels = labels_for(doc.lang)
    contents = [
        {"id": f"section-{s + 1}", "number": s + 1, "title": section.title}
        for s, section in enumerate(doc.sections)
    ]
    if doc.faq:
        contents.append({"id": "faq", "number": None, "title": labels["faq"]})
    if doc.key_points:
        contents.append({"id": "key-points", "number": None, "title": labels["key_points"]})
    if toc is None:
        toc = len(doc.sections) >= TOC_MIN_SECTIONS
    return {
        **_common(doc),
        "page_size": PAGE_SIZES[paper],
        "sections": sections,
        "toc": contents if toc else [],
    }


FRONT_SIZE = 13.5  # points: a question is read at arm's length
BACK_SIZE = 11.0
MIN_CARD_SIZE = 7.0
# Millimetres of a card taken by its margins, the meta line and the tags (see flashcards.css).
CARD_FRAME = 20.5
CARD_FRAME_COMPACT = 14.5


def face_id(index: int, face: str) -> str:
    """The id of one card face, as the template marks it for measuring."""
    return f"{index + 1}-{face}"


def flashcards_context(
    doc: Document,
    plan: Plan,
    sizes: dict[str, float] | None = None,
    clipped: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Pages of placed card faces (millimetres), cut guides, and each face's type size."""
    sizes = sizes or {}
    total = len(doc.flashcards)
    compact = plan.layout.card_height < 60 or plan.layout.card_width < 70
    pages = []
    for page in plan.pages:
        cells = []
        for cell in page.cells:
            card = None if cell.index is None else doc.flashcards[cell.index]
            face = None if cell.index is None else face_id(cell.index, cell.face)
            default = FRONT_SIZE if cell.face == "front" else BACK_SIZE
            cells.append(
                {
                    "x": cell.x,
                    "y": cell.y,
                    "width": cell.width,
                    "height": cell.height,
                    "face": cell.face,
                    "card": card,
                    "number": None if cell.index is None else cell.index + 1,
                    "id": face,
                    "size": sizes.get(face or "", default),
                    "body_height": cell.height - (CARD_FRAME_COMPACT if compact else CARD_FRAME),
                    "clipped": face in clipped,
                }
            )
        pages.append({"kind": page.kind, "cells": cells, "marks": page.marks, "fold": page.fold})
    paper = plan.layout.paper
    return {
        **_common(doc),
        "pages": pages,
        "total": total,
        "paper": {"width": paper.width, "height": paper.height},
        "compact": compact,
    }


def key_points_context(doc: Document) -> dict[str, Any]:
    """What every key-points layout shares; summary.py adds size, columns and items."""
    return _common(doc)


def _keywords(doc: Document) -> str:
    words = [w for w in (doc.subject, doc.level) if w]
    for card in doc.flashcards:
        words.extend(t for t in card.tags if t not in words)
    return ", ".join(words)


def creation_date() -> str:
    """ISO date-time of the build, or of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        if epoch and epoch.isdigit()
        else datetime.now(tz=timezone.utc).replace(microsecond=0)
    )
    return moment.isoformat().replace("+00:00", "Z")
