"""Source readers: a study file on disk → a validated :class:`Source`, or every problem in it."""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union
from urllib.parse import quote, unquote

from pydantic import BaseModel, ValidationError

from studygen import confine
from studygen.cloze import ClozeNote
from studygen.errors import MAX_PROBLEMS, Problem, SourceError
from studygen.images import image_format_problem
from studygen.model import BLOCK_KINDS, Document, Flashcard, KeyPoint, image_blocks
from studygen.sources.card_ids import identify
from studygen.sources.decks import DECK_SUFFIXES, Deck, read_deck
from studygen.sources.files import (
    DEFAULT_MAX_BYTES,
    YAML_SUFFIXES,
    image_problem,
    project_file,
    read_text,
)
from studygen.sources.fonts import missing_glyphs
from studygen.sources.html_text import Pictures, escape_markdown
from studygen.sources.language import document_texts, with_language
from studygen.sources.markdown import parse_markdown
from studygen.sources.obsidian import card_tags
from studygen.sources.options import ReadOptions
from studygen.sources.yaml_source import Loc, Positions, YamlProblem, parse_yaml

MARKDOWN_SUFFIXES = (".md", ".markdown")
SOURCE_SUFFIXES = YAML_SUFFIXES + MARKDOWN_SUFFIXES + DECK_SUFFIXES
__all__ = ["DEFAULT_MAX_BYTES", "SOURCE_SUFFIXES", "Source", "load_source", "read_text"]


@dataclass(frozen=True)
class Source:
    """A validated study file: its path, its model, and where each value was written.

    ``kind`` is ``study`` for YAML and Markdown files, ``deck`` for a deck of cards read
    directly. Cards imported from deck files have their file and line in ``origins``.
    """

    path: Path
    doc: Document
    positions: Positions
    kind: str = "study"
    origins: dict[Loc, tuple[Path, int]] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    details: tuple[str, ...] = ()
    media: Path | None = None
    cloze_notes: tuple[ClozeNote, ...] = ()  # the notes of the cloze cards, for exports

    @property
    def root(self) -> Path:
        """The project folder of this source: files it names must lie inside it."""
        return self.path.absolute().parent.resolve()

    def line_of(self, *loc: str | int) -> int:
        """1-based line where the value at ``loc`` was written."""
        return self.positions.of(tuple(loc))[0]

    def where(self, *loc: str | int) -> tuple[Path, int]:
        """The file and line where the value at ``loc`` was written (a deck's, for its cards)."""
        for length in range(len(loc), 0, -1):
            if loc[:length] in self.origins:
                return self.origins[loc[:length]]
        return self.path, self.line_of(*loc)


def load_source(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, options: ReadOptions | None = None
) -> Source:
    """Read, parse and validate one source; raise :class:`SourceError` listing every problem.

    ``options`` say what the files do not: deck separators and columns, the folder of
    a deck's pictures, the language of sources that do not declare one.
    """
    options = options or ReadOptions()
    source = _load(path, max_bytes, options)
    declared = ("lang",) in source.positions.values
    doc, said = with_language(source.doc, declared, options.lang)
    source = identify(replace(source, doc=doc, details=(*source.details, *said)))
    missing = missing_glyphs("\n".join(document_texts(doc)))
    if missing is not None:
        characters, message = missing
        line = _line_holding(path, characters[0])
        source = replace(source, warnings=(*source.warnings, Problem(path, line, 1, message)))
    return source


def _line_holding(path: Path, character: str) -> int:
    """The first line of the file that holds ``character`` (0 if none does)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((number for number, line in enumerate(lines, 1) if character in line), 0)


def _load(path: Path, max_bytes: int, options: ReadOptions) -> Source:
    """The source as its file says, before its language is found."""
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        known = ", ".join(SOURCE_SUFFIXES)
        raise SourceError.single(path, 0, 0, f'unsupported file type "{path.suffix}" — use {known}')
    real = confine.resolve(path)
    if real is None:
        raise SourceError.single(path, 0, 0, "is a symbolic link loop")
    if path.is_symlink() and not real.is_relative_to(path.absolute().parent.resolve()):
        raise SourceError.single(
            path, 0, 0, "is a symbolic link to a file outside its folder — copy the file instead"
        )
    text = read_text(path, max_bytes)
    if options.media is not None and not options.media.is_dir():
        raise SourceError.single(path, 0, 0, f"--media {options.media}: no such folder")
    if suffix in DECK_SUFFIXES:
        return load_deck(path, text, options)
    try:
        result = (
            parse_markdown(text, path.stem) if suffix in MARKDOWN_SUFFIXES else parse_yaml(text)
        )
    except RecursionError:
        raise SourceError.single(path, 1, 1, "nested too deeply to read") from None
    ignored: list[Problem] = []
    foreign: list[Problem] = []  # another tool's properties: a note, never a failed check
    if suffix in MARKDOWN_SUFFIXES and isinstance(result.data, dict):
        foreign = _drop_foreign_fields(path, result.data, result.positions)
    if result.problems:
        found = _problems(path, result.problems)
        if suffix in MARKDOWN_SUFFIXES and isinstance(result.data, dict):
            # A Markdown file's structure problems leave the rest readable: report both.
            try:
                validate(path, result.data, result.positions)
            except SourceError as exc:
                seen = {(p.line, p.col) for p in found}
                found += [p for p in exc.problems if (p.line, p.col) not in seen]
        raise SourceError(_dedupe(found))
    ignored += _problems(path, getattr(result, "warnings", []))
    if suffix in MARKDOWN_SUFFIXES and _cards_only(result.data):
        source = _card_note(path, result.data, result.positions)
    elif suffix in MARKDOWN_SUFFIXES and _without_sections(result.data):
        source = _sectionless_note(path, result.data, result.positions)
    else:
        source = validate(path, result.data, result.positions)
    if ignored:
        source = replace(source, warnings=(*source.warnings, *ignored))
    if foreign:
        source = replace(source, notes=(*source.notes, *foreign))
    if source.doc.flashcards_from:
        source = _import_decks(source, max_bytes, options)
    return source


def _cards_only(data: Any) -> bool:
    """A Markdown file that holds cards and nothing to make a handout of."""
    return (
        isinstance(data, dict)
        and data.get("sections") == []
        and bool(data.get("flashcards"))
        and not data.get("intro")
    )


def _card_note(path: Path, data: dict[str, Any], positions: Positions) -> Source:
    """A Markdown file of cards only, built like a deck: its cards, and its terms as key points."""
    data = dict(data)
    data["sections"] = [{"title": "-", "blocks": []}]  # validated, then left out
    if not data.get("key_points"):
        data["key_points"] = [
            {"term": card["front"], "text": card["back"]} for card in data["flashcards"]
        ]
        for index in range(len(data["flashcards"])):
            positions.values[("key_points", index)] = positions.of(("flashcards", index))
    source = validate(path, data, positions)
    doc = source.doc.model_copy(update={"sections": []})
    return replace(source, doc=doc, kind="deck")


def _without_sections(data: Any) -> bool:
    """A Markdown note with no section: text under its title only, or nothing to print
    (an index of links to other notes, an empty note)."""
    return isinstance(data, dict) and data.get("sections") == []


def _sectionless_note(path: Path, data: dict[str, Any], positions: Positions) -> Source:
    """A Markdown note without sections: its text is the handout's introduction, and a
    note with nothing to print makes no output (each output says so) instead of failing."""
    data = dict(data)
    data["sections"] = [{"title": "-", "blocks": []}]  # validated, then left out
    source = validate(path, data, positions)
    return replace(source, doc=source.doc.model_copy(update={"sections": []}))


def _drop_foreign_fields(path: Path, data: dict[str, Any], positions: Positions) -> list[Problem]:
    """Front matter fields of other tools (Obsidian's tags, aliases…): left out, with a note
    (a vault keeps them for Obsidian: they never fail ``check`` or ``--strict``).

    A name close to one of studygen's fields stays, so that a typo is still an error. A
    capitalised name (Obsidian's ``Date``, ``Title``…) is another tool's property: studygen's
    fields are all lower case.
    """
    known = list(Document.model_fields)
    foreign = [
        key
        for key in data
        if key not in known
        and (key[:1].isupper() or not difflib.get_close_matches(key, known, n=1, cutoff=0.75))
    ]
    values = {key: data.pop(key) for key in foreign}
    # Tags that mark a note's cards for the spaced-repetition plugin are read: not ignored.
    foreign = [key for key in foreign if not (key == "tags" and card_tags(values[key]))]
    if not foreign:
        return []
    line, col = positions.of((foreign[0],))
    names = ", ".join(foreign)
    message = f"front matter fields studygen does not use, ignored: {names}"
    return [Problem(path, line, col, message)]


def _problems(path: Path, found: list[YamlProblem]) -> list[Problem]:
    return [Problem(path, p.line, p.col, p.message) for p in found]


def load_deck(path: Path, text: str, options: ReadOptions | None = None) -> Source:
    """A deck file built on its own: its cards, and its terms as the key points."""
    options = options or ReadOptions()
    deck = _read_deck(path, text, options)
    cards, positions, origins = _deck_cards(path, deck, 0)
    title = deck.name or path.stem
    key_points = [KeyPoint(term=card.front, text=card.back) for card in cards]
    doc = Document.model_construct(
        title=title, subtitle=None, lang="en", subject=None, level=None, authors=[], date=None,
        intro=None, sections=[], key_points=key_points, flashcards=cards, flashcards_from=[],
        faq=[],
    )  # fmt: skip
    for index in range(len(cards)):
        line = origins[("flashcards", index)][1]
        positions.values[("key_points", index)] = (line, 1)
    warnings = tuple(_problems(path, deck.warnings))
    notes = tuple(_problems(path, deck.notes))
    front, back = deck.langs
    if front or back:
        doc = doc.model_copy(update={"front_lang": front, "back_lang": back})
    media = options.media.resolve() if options.media else None
    return Source(path, doc, positions, "deck", {}, warnings, notes, (), media)


def _read_deck(path: Path, text: str, options: ReadOptions) -> Deck:
    deck = read_deck(
        text, path.suffix.lower(), *options.separators, options, _pictures(path, options)
    )
    if deck.problems:
        raise SourceError(_problems(path, deck.problems))
    return deck


def _deck_cards(
    path: Path, deck: Deck, first: int
) -> tuple[list[Flashcard], Positions, dict[Loc, tuple[Path, int]]]:
    """Validated cards of a deck, numbered from ``first``, with where each was written."""
    cards, problems = [], []
    positions = Positions()
    origins: dict[Loc, tuple[Path, int]] = {}
    for offset, card in enumerate(deck.cards):
        index = first + offset
        try:
            cards.append(Flashcard(front=card.front, back=card.back, tags=card.tags, id=card.guid))
        except ValidationError as exc:
            for err in exc.errors():
                side = str(err["loc"][0]) if err["loc"] else "card"
                problems.append(Problem(path, card.line, 1, f"card {offset + 1}: empty {side}"))
            continue
        origins[("flashcards", index)] = (path, card.line)
        for side in ("front", "back"):
            positions.values[("flashcards", index, side)] = (card.line, 1)
    if problems:
        raise SourceError(problems)
    return cards, positions, origins


def _pictures(path: Path, options: ReadOptions) -> Pictures | None:
    """Pictures read from the ``--media`` folder, confined to it as images are to a project."""
    if options.media is None:
        return None
    root = options.media.resolve()
    base = path.absolute().parent.resolve()

    def picture(src: str, alt: str) -> str | None:
        target, problem = project_file(root, unquote(src), "picture")
        if problem or image_format_problem(src, target):
            return None
        where = quote(os.path.relpath(target, base).replace(os.sep, "/"))
        return f"![{escape_markdown(alt)}](<{where}>)"

    return picture


def _import_decks(source: Source, max_bytes: int, options: ReadOptions) -> Source:
    """Append the cards of every ``flashcards_from`` deck, each confined to the project."""
    cards = list(source.doc.flashcards)
    origins = dict(source.origins)
    warnings = list(source.warnings)
    notes = list(source.notes)
    problems: list[Problem] = []
    for number, name in enumerate(source.doc.flashcards_from):
        line, col = source.positions.values.get(
            ("flashcards_from", number)
        ) or source.positions.value_of(("flashcards_from",))
        target, reason = project_file(source.root, name, "deck", DECK_SUFFIXES)
        if reason:
            problems.append(Problem(source.path, line, col, reason))
            continue
        shown = source.path.parent / name  # messages name the deck as the source does
        try:
            deck = _read_deck(shown, read_text(target, max_bytes), options)
            found, _, where = _deck_cards(shown, deck, len(cards))
        except SourceError as exc:
            problems += exc.problems
            continue
        cards += found
        origins.update(where)
        warnings += _problems(shown, deck.warnings)
        notes += _problems(shown, deck.notes)
    if problems:
        raise SourceError(problems)
    doc = source.doc.model_copy(update={"flashcards": cards})
    media = options.media.resolve() if options.media else None
    return replace(
        source, doc=doc, origins=origins, warnings=tuple(warnings), notes=tuple(notes), media=media
    )


def validate(path: Path, data: Any, positions: Positions) -> Source:
    """Turn plain data into a :class:`Source`, translating every validation error."""
    if not isinstance(data, dict):
        found = "nothing" if data is None else _describe(data)
        raise SourceError.single(
            path, 1, 1, f"expected fields such as `title:` and `sections:`, found {found}"
        )
    try:
        doc = Document.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        shown = errors[: 5 * MAX_PROBLEMS]  # a million unknown keys: the first ones, counted
        problems = [_translate(path, data, positions, err) for err in shown]
        raise SourceError(_dedupe(problems), len(errors) - len(shown)) from None
    source = Source(path, doc, positions)
    file_problems = list(_check_files(source))
    if file_problems:
        raise SourceError(file_problems)
    return source


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.col, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    return f'the text "{_clip(str(value))}"'


def _clip(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _data_loc(data: Any, loc: tuple[str | int, ...]) -> tuple[Loc, Any]:
    """Drop the discriminator tags pydantic puts in error paths; return the value found there."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(part, str) and isinstance(current, dict) and part not in current:
            if current.get("kind") == part:
                continue  # a union tag, not a key
            current = None
        else:
            current = _child(current, part)
        path.append(part)
    return tuple(path), current


def _child(container: Any, part: str | int) -> Any:
    if isinstance(container, dict):
        return container.get(part)
    if isinstance(container, list) and isinstance(part, int) and part < len(container):
        return container[part]
    return None


def _translate(path: Path, data: Any, positions: Positions, err: Any) -> Problem:
    kind = err["type"]
    loc, value = _data_loc(data, tuple(err["loc"]))
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else None
    line, col = positions.value_of(loc) if value is not None else positions.of(loc)
    if kind == "missing":
        line, col = positions.value_of(loc[:-1])
        message = f'missing required field "{name}"'
    elif kind == "extra_forbidden":
        line, col = positions.of(loc)
        allowed = _fields_at(tuple(err["loc"])[:-1])
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else "allowed here: " + ", ".join(allowed)
        message = f'unknown field "{name}" — {hint}'
    elif kind == "string_type":
        message = (
            "empty text"
            if value is None
            else f"expected text, found {_describe(value)}"
            " — quote it, or use `|` for multi-line text"
        )
    elif kind == "list_type":
        message = f'expected a list ("- item" lines or [a, b]), found {_describe(value)}'
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected fields (key: value lines), found {_describe(value)}"
    elif kind == "union_tag_invalid":
        line, col = positions.value_of((*loc, "kind"))
        message = f'unknown block kind "{err["ctx"]["tag"]}" — valid kinds: ' + ", ".join(
            BLOCK_KINDS
        )
    elif kind == "union_tag_not_found":
        message = 'block has no "kind" — valid kinds: ' + ", ".join(BLOCK_KINDS)
    elif kind == "too_short" and name == "sections":
        message = "a study file needs at least one section"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        if value is not None and message == "empty text" and name:
            message = f'empty text in "{name}"'
    else:
        message = str(err["msg"])
    return Problem(path, line, col, message)


def _fields_at(loc: tuple[str | int, ...]) -> list[str]:
    """The field names allowed by the model that owns the mapping at pydantic path ``loc``."""
    annotation: Any = Document
    for part in loc:
        annotation = _unwrap(annotation, part)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return annotation  # a list index: stay on the item type
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return _strip(field.annotation) if field else None
    if isinstance(annotation, list):  # a union of models, selected by its tag
        for member in annotation:
            kind = member.model_fields["kind"].annotation
            if part in typing.get_args(kind):
                return member
        return None
    return annotation  # a list index: stay on the item type


def _strip(annotation: Any) -> Any:
    """Reduce list[X] / X | None / Annotated[...] to X (a union of models to a list of them)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin is list:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
            else:
                return [_strip(m) for m in members]
        else:
            return annotation


def _check_files(source: Source) -> Iterator[Problem]:
    """Images must exist inside the source's folder."""
    for s, b, block in image_blocks(source.doc):
        line, col = source.positions.value_of(("sections", s, "blocks", b, "src"))
        problem = image_problem(source.root, block.src)
        if problem:
            yield Problem(source.path, line, col, problem)
