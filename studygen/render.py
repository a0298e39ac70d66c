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
from studygen.cards import CardLayout, cut_lines, plan_sheets
from studygen.errors import BuildError
from studygen.i18n import labels_for
from studygen.markup import markdown, markdown_inline, plain
from studygen.model import Document, ImageBlock

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_templates_dir() -> Path:
    """The templates shipped with studygen: inside the wheel, or at the top of a source checkout."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if (candidate / "handout").is_dir():
            return candidate
    raise BuildError("studygen's templates are missing from this installation — reinstall studygen")


def template_dirs(overrides: Path | None) -> list[Path]:
    """Where templates and stylesheets are looked up, first match wins."""
    dirs = [overrides] if overrides is not None else []
    return [*dirs, builtin_templates_dir()]


@lru_cache(maxsize=8)
def environment(overrides: Path | None) -> SandboxedEnvironment:
    """A sandboxed, autoescaping, strict Jinja environment over the template folders."""
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
        raise BuildError(f"{name}: template error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise BuildError(f"{name}: template refused by the sandbox: {exc}") from None


# Contexts: what each template receives. Geometry and numbering are computed here,
# so templates only loop and print.

PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _common(doc: Document, paper: str) -> dict[str, Any]:
    return {
        "doc": doc,
        "lang": doc.lang,
        "labels": labels_for(doc.lang),
        "page_size": PAGE_SIZES[paper],
        "created": creation_date(),
        "generator": f"studygen {__version__}",
        "keywords": _keywords(doc),
    }


def handout_context(doc: Document, paper: str) -> dict[str, Any]:
    """Sections with their figure numbers, for the handout template."""
    figures: dict[tuple[int, int], int] = {}
    for s, section in enumerate(doc.sections):
        for b, block in enumerate(section.blocks):
            if isinstance(block, ImageBlock):
                figures[(s, b)] = len(figures) + 1
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
    return {**_common(doc, paper), "sections": sections}


def flashcards_context(doc: Document, layout: CardLayout) -> dict[str, Any]:
    """Pages of placed cards (millimetres), cut lines and card numbers."""
    total = len(doc.flashcards)
    pages = [
        {
            "face": page.face,
            "sheet": page.sheet + 1,
            "cells": [
                {
                    "x": cell.x,
                    "y": cell.y,
                    "width": cell.width,
                    "height": cell.height,
                    "card": None if cell.index is None else doc.flashcards[cell.index],
                    "number": None if cell.index is None else cell.index + 1,
                }
                for cell in page.cells
            ],
        }
        for page in plan_sheets(total, layout)
    ]
    return {
        **_common(doc, layout.paper.name),
        "pages": pages,
        "total": total,
        "paper": {"width": layout.paper.width, "height": layout.paper.height},
        "cut_lines": cut_lines(layout),
    }


def key_points_context(doc: Document, paper: str, size: float) -> dict[str, Any]:
    """The key points at one type size (points)."""
    return {**_common(doc, paper), "size": size}


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
