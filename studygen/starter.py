"""``studygen new``: a commented starter study file that builds as it is."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from studygen.errors import StudygenError
from studygen.i18n import primary_language
from studygen.model import json_schema
from studygen.templating import builtin_templates_dir

FORMATS = {"yaml": "yaml", "md": "md"}
_NAME = re.compile(r"^\w[\w.-]*$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def write_starter(folder: Path, name: str, lang: str, fmt: str) -> list[Path]:
    """Write ``folder/NAME.yaml`` (or ``.md``) and the JSON Schema; return what was written.

    Nothing that exists is ever overwritten.
    """
    if fmt not in FORMATS:
        raise StudygenError(f'format "{fmt}" is not one of {", ".join(FORMATS)}')
    for suffix in (".yaml", ".yml", ".md"):
        name = name.removesuffix(suffix)
    if not _NAME.match(name):
        raise StudygenError(
            f'"{name}" cannot be a file name — use letters, digits, "-" and "_", such as cours-1'
        )
    if not _LANG.match(lang):
        raise StudygenError(f'"{lang}" is not a language tag — use a BCP 47 tag such as fr, en')
    target = folder / f"{name}.{FORMATS[fmt]}"
    taken = [p for p in folder.glob(f"{name}.*") if p.stem == name] if folder.is_dir() else []
    if taken:
        raise StudygenError(
            f"{taken[0]} already exists — studygen never overwrites a file; choose another name"
        )
    primary = primary_language(lang)
    starters = builtin_templates_dir() / "new"
    template = starters / f"{primary}.{fmt}"
    if not template.is_file():
        template = starters / f"en.{fmt}"
    title = name.replace("-", " ").replace("_", " ").strip().capitalize()
    text = (
        template.read_text(encoding="utf-8")
        .replace("{{NAME}}", name)
        .replace("{{TITLE}}", json.dumps(title, ensure_ascii=False))
        .replace("{{LANG}}", lang)
        .replace("{{DATE}}", date.today().isoformat())
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    written.append(target)
    schema = folder.parent / "schema" / "studygen.schema.json"
    if fmt == "yaml" and not schema.exists():
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(json_schema(), encoding="utf-8")
        written.append(schema)
    return written
