"""Read YAML text into plain data (every scalar kept as the text written) with positions.

ruamel.yaml's composer gives a node tree that remembers where each node starts; we
build the Python data ourselves instead of letting a constructor guess types, so
``back: 1.10`` stays "1.10", ``no`` stays "no" and ``2026-11-28`` stays a string.
Duplicate keys, anchors and aliases are refused here with their line.

The tree is composed by ruamel.yaml's C parser (ruamel.yaml.clib, libyaml) when it is
installed: ten times faster, with the same lines and columns. A file it refuses, or whose
tree holds anything the conversion refuses, is read again by the pure-Python parser, so
every message is the one that parser gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import ruamel.yaml.parser
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

Loc = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_YAML_11_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks to libyaml, not to YAML 1.2
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S")  # what may be an anchor: libyaml's nodes forget them
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _STANDARD_TAG_PREFIX + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


@dataclass
class Positions:
    """1-based (line, col) of each value and of each mapping key, by data path."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc) -> tuple[int, int]:
        """Best position for a path: its key if known, else its value, else its parent."""
        while True:
            if loc in self.keys:
                return self.keys[loc]
            if loc in self.values:
                return self.values[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def value_of(self, loc: Loc) -> tuple[int, int]:
        """Position of the value at ``loc`` (falls back like :meth:`of`)."""
        return self.values.get(loc) or self.of(loc)


@dataclass
class YamlProblem:
    """A YAML-level problem, 1-based position."""

    line: int
    col: int
    message: str


@dataclass
class YamlResult:
    """Plain data, positions and the problems met on the way."""

    data: Any
    positions: Positions
    problems: list[YamlProblem]
    warnings: list[YamlProblem] = field(default_factory=list)


def _pos(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def tab_problems(text: str) -> list[YamlProblem]:
    """Lines indented with a tab: YAML forbids them, and the parser's message is obscure."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(
                YamlProblem(
                    number, indent.index("\t") + 1, "tab used for indentation — indent with spaces"
                )
            )
    return problems


def parse_yaml(text: str, line_offset: int = 0) -> YamlResult:
    """Compose ``text`` and convert it to plain data, collecting every problem."""
    problems = tab_problems(text)
    if problems:
        return YamlResult(None, Positions(), _shift(problems, line_offset))
    fast = _fast(text)
    if fast is not None:
        return _shifted(fast, line_offset)
    try:
        root = YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as exc:
        return YamlResult(None, Positions(), _shift([_syntax_problem(exc)], line_offset))
    except ReaderError as exc:  # a control character: YAML refuses them anywhere
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        message = f"character U+{exc.character:04X} is not allowed in YAML — remove it"
        return YamlResult(None, Positions(), _shift([YamlProblem(line, col, message)], line_offset))
    converter = _Converter()
    data = converter.convert(root, ()) if root is not None else None
    return _shifted(YamlResult(data, converter.positions, converter.problems), line_offset)


def _fast(text: str) -> YamlResult | None:
    """The data of ``text`` composed by the C parser; None when it is not installed, or on
    anything to report (the pure-Python parser then reads the file and words the messages)."""
    yaml = YAML(typ="safe", pure=False)
    if yaml.Parser is ruamel.yaml.parser.Parser:  # ruamel.yaml.clib is not installed
        return None
    if _YAML_11_BREAKS.search(text) or ("&" in text and _ANCHOR.search(text)):
        return None
    try:
        root = yaml.compose(text)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any refusal is worded by the pure-Python parser
        return None
    converter = _Converter()
    data = converter.convert(root, ()) if root is not None else None
    if converter.problems or converter.empty_values:  # an empty value's position differs
        return None
    return YamlResult(data, converter.positions, [])


def _shifted(result: YamlResult, offset: int) -> YamlResult:
    """``result`` with every line moved down by ``offset`` (front matter after its fence)."""
    if not offset:
        return result
    positions = Positions(
        {k: (v[0] + offset, v[1]) for k, v in result.positions.values.items()},
        {k: (v[0] + offset, v[1]) for k, v in result.positions.keys.items()},
    )
    return YamlResult(result.data, positions, _shift(result.problems, offset))


def _shift(problems: list[YamlProblem], offset: int) -> list[YamlProblem]:
    return [YamlProblem(p.line + offset, p.col, p.message) for p in problems]


def _syntax_problem(exc: MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
    if exc.context and exc.context_mark is not None and exc.problem:
        message += f" ({exc.context} started at line {exc.context_mark.line + 1})"
    return YamlProblem(line, col, message)


class _Converter:
    def __init__(self) -> None:
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        self._seen: set[int] = set()
        self.empty_values = 0  # ``key:`` with nothing after it

    def convert(self, node: Node, loc: Loc) -> Any:
        line, col = _pos(node)
        if id(node) in self._seen:
            self.problems.append(
                YamlProblem(line, col, "YAML aliases (*name) are not allowed — write the text out")
            )
            return None
        self._seen.add(id(node))
        if getattr(node, "anchor", None):
            self.problems.append(
                YamlProblem(line, col, "YAML anchors (&name) are not allowed — write the text out")
            )
        tag = node.tag or ""
        if tag not in _ALLOWED_TAGS and tag not in ("", "!"):
            self.problems.append(YamlProblem(line, col, f'YAML tag "{tag}" is not allowed'))
            return None
        self.positions.values[loc] = (line, col)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*loc, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if not node.style and node.value in _NULLS:  # plain: None (pure parser) or "" (C)
            self.empty_values += node.value == ""
            return None
        return self._text(str(node.value), line, col)

    def _text(self, value: str, line: int, col: int) -> str:
        """Escapes such as "\\ud83d\\ude00" give UTF-16 halves: join them, refuse lone ones."""
        if not _SURROGATE.search(value):
            return value
        joined = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if "\ufffd" in joined and "\ufffd" not in value:
            self.problems.append(
                YamlProblem(line, col, "invalid \\u escape: a lone UTF-16 surrogate")
            )
        return joined

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_pos = _pos(key_node)
            if key_node.tag == _STANDARD_TAG_PREFIX + "merge":
                self.problems.append(YamlProblem(*key_pos, "YAML merge keys (<<) are not allowed"))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(YamlProblem(*key_pos, "a key must be a plain name"))
                continue
            key = str(key_node.value)
            if key in result:
                first = self.positions.keys[loc + (key,)]
                self.problems.append(
                    YamlProblem(*key_pos, f'duplicate key "{key}" (first at line {first[0]})')
                )
                continue
            self.positions.keys[loc + (key,)] = key_pos
            result[key] = self.convert(value_node, (*loc, key))
        return result
