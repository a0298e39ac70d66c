"""Characters no installed font can draw, found before layout, said once per source.

Fontconfig (which WeasyPrint draws with) lists the characters of every installed font;
a character outside all of them would print as an empty box.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from functools import lru_cache

# What to install for a script, by the start of its characters' Unicode names.
_PACKAGES = (
    (("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH"),
     "the Noto CJK fonts (Debian: fonts-noto-cjk; macOS and Windows: Noto Sans CJK)"),
    (("ARABIC", "HEBREW", "DEVANAGARI", "BENGALI", "THAI", "ARMENIAN", "GEORGIAN", "ETHIOPIC"),
     "the Noto fonts of this script (Debian: fonts-noto-core)"),
)  # fmt: skip
_OTHER = "a font that has them (Debian: fonts-noto-core, fonts-noto-extra)"
_SHOWN = 12


@lru_cache(maxsize=1)
def _coverage() -> tuple[list[int], list[int]] | None:
    """Sorted, merged (starts, ends) of the code points installed fonts cover."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        listed = subprocess.run(
            [program, "--format", "%{charset}\n"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = []
    for part in listed.split():
        first, _, last = part.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    if not ranges:
        return None
    ranges.sort()
    starts, ends = [ranges[0][0]], [ranges[0][1]]
    for start, end in ranges[1:]:
        if start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _drawable(char: str, coverage: tuple[list[int], list[int]]) -> bool:
    starts, ends = coverage
    point = ord(char)
    at = bisect.bisect_right(starts, point) - 1
    return at >= 0 and point <= ends[at]


def coverage_known() -> bool:
    """Whether the characters of the installed fonts could be listed (fontconfig's fc-list)."""
    return _coverage() is not None


def missing_glyphs(text: str) -> tuple[str, str] | None:
    """The characters of ``text`` no installed font draws, and what to say about them."""
    coverage = _coverage()
    if coverage is None:
        return None
    missing = [
        char
        for char in dict.fromkeys(text)
        if not char.isspace()
        # controls and format characters draw nothing; marks are drawn with their base
        and unicodedata.category(char) not in ("Cc", "Cf", "Cs")
        and unicodedata.category(char)[0] not in "MZ"
        and not _drawable(char, coverage)
    ]
    if not missing:
        return None
    shown = "".join(missing[:_SHOWN]) + ("…" if len(missing) > _SHOWN else "")
    count = f"{len(missing)} character{'s' if len(missing) != 1 else ''}"
    return (
        "".join(missing),
        f"no installed font can draw {shown} ({count}, first on this line): they would print "
        f"as empty boxes — install {_package(missing)}",
    )


def _package(characters: list[str]) -> str:
    for char in characters:
        name = unicodedata.name(char, "")
        for prefixes, package in _PACKAGES:
            if name.startswith(prefixes):
                return package
    return _OTHER
