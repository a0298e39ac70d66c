"""Pydantic models of the source format: what a study file may contain."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("empty text")
    return value


def _lang_tag(value: str) -> str:
    if not _LANG_RE.match(value):
        raise ValueError(
            f'"{value}" is not a language tag — use a BCP 47 tag such as fr, en, de-CH'
        )
    return value


Text = Annotated[str, AfterValidator(_non_empty)]
"""A non-empty Markdown text."""

_CARD_ID_RE = re.compile(r"^[^\s]{1,100}$")


def _card_id(value: str | None) -> str | None:
    if value is not None and not _CARD_ID_RE.match(value):
        raise ValueError(
            f'"{value}" is not a card id — use up to 100 characters without spaces, '
            "such as immuno-12"
        )
    return value


def _output_names(value: list[str] | None) -> list[str] | None:
    from studygen.outputs import NAMES

    for name in value or ():
        if name not in NAMES:
            raise ValueError(f'"{name}" is not an output — use some of {", ".join(NAMES)}')
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TextBlock(_Model):
    """Free Markdown: paragraphs, lists, tables, emphasis."""

    kind: Literal["text"]
    text: Text


class DefinitionBlock(_Model):
    """A term and its definition."""

    kind: Literal["definition"]
    term: Text
    text: Text


CalloutKind = Literal["example", "note", "warning", "deepdive"]


class CalloutBlock(_Model):
    """An example, note, warning or deep-dive box with an optional title."""

    kind: CalloutKind
    title: Text | None = None
    text: Text


class ImageBlock(_Model):
    """A figure: an image file relative to the source, its alt text and a caption."""

    kind: Literal["image"]
    src: Text
    alt: Text
    caption: Text | None = None


Block = Annotated[
    Union[TextBlock, DefinitionBlock, CalloutBlock, ImageBlock],  # noqa: UP007
    Field(discriminator="kind"),
]
BLOCK_KINDS = ("text", "definition", "example", "note", "warning", "deepdive", "image")


class Section(_Model):
    """A numbered section of the handout."""

    title: Text
    blocks: list[Block] = Field(default_factory=list)


class KeyPoint(_Model):
    """One entry of the key-points summary."""

    term: Text
    text: Text


class Flashcard(_Model):
    """A question on the front, its answer on the back."""

    front: Text
    back: Text
    tags: list[Text] = Field(default_factory=list)
    id: Annotated[
        str | None,
        AfterValidator(_card_id),
        Field(description="The card's identity: its Anki note GUID, printed on the card."),
    ] = None


class FaqEntry(_Model):
    """A frequently asked question and its answer."""

    question: Text
    answer: Text


_WEB_ADDRESS = re.compile(r"(?i)https?://[^\s/?#]+[^\s]*")
MAX_LINK_LENGTH = 400  # a QR code of 400 characters still scans from a printed page


def _web_address(value: str) -> str:
    if not _WEB_ADDRESS.fullmatch(value):
        raise ValueError("a link must be a web address starting with https:// or http://")
    if len(value) > MAX_LINK_LENGTH:
        raise ValueError(f"a link of over {MAX_LINK_LENGTH} characters makes an unreadable QR code")
    return value


class Link(_Model):
    """An address that goes with the course (a quiz, a video): printed with its QR code."""

    title: Text
    url: Annotated[str, AfterValidator(_web_address)]


class Document(_Model):
    """A whole study file."""

    title: Text
    subtitle: Text | None = None
    lang: Annotated[str, AfterValidator(_lang_tag)] = "en"
    front_lang: Annotated[
        str | None,
        AfterValidator(lambda v: v if v is None else _lang_tag(v)),
        Field(description="Language of the cards' fronts, when it differs from lang."),
    ] = None
    back_lang: Annotated[
        str | None,
        AfterValidator(lambda v: v if v is None else _lang_tag(v)),
        Field(description="Language of the cards' backs, when it differs from lang."),
    ] = None
    subject: Text | None = None
    level: Text | None = None
    authors: list[Text] = Field(default_factory=list)
    date: Text | None = None
    intro: Text | None = None
    sections: Annotated[list[Section], Field(min_length=1)]
    key_points: list[KeyPoint] = Field(default_factory=list)
    flashcards: list[Flashcard] = Field(default_factory=list)
    flashcards_from: Annotated[
        list[Text], BeforeValidator(_one_or_many, json_schema_input_type=Union[str, list[str]])  # noqa: UP007
    ] = Field(
        default_factory=list,
        description="Deck files (Anki or Quizlet export, CSV, TSV) whose cards follow these.",
    )
    faq: list[FaqEntry] = Field(default_factory=list)
    links: list[Link] = Field(
        default_factory=list,
        description="Addresses printed with a QR code in the handout and on the key points.",
    )
    outputs: Annotated[
        list[Text] | None,
        BeforeValidator(_one_or_many, json_schema_input_type=Union[str, list[str]]),  # noqa: UP007
        AfterValidator(_output_names),
        Field(description="What a build makes of this source unless --only says otherwise."),
    ] = None


def image_blocks(doc: Document) -> Iterator[tuple[int, int, ImageBlock]]:
    """(section index, block index, block) of every figure, in reading order."""
    for s, section in enumerate(doc.sections):
        for b, block in enumerate(section.blocks):
            if isinstance(block, ImageBlock):
                yield s, b, block


def json_schema() -> str:
    """The JSON Schema of the source format, as editors expect it."""
    schema = _scalars_are_text(Document.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "studygen study file"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _scalars_are_text(node: Any) -> Any:
    """Let editors accept ``back: 1945`` or ``back: no``: studygen reads every scalar as text."""
    if isinstance(node, dict):
        node = {key: _scalars_are_text(value) for key, value in node.items()}
        if node.get("type") == "string" and "enum" not in node and "const" not in node:
            node["type"] = ["string", "number", "boolean"]
        return node
    if isinstance(node, list):
        return [_scalars_are_text(item) for item in node]
    return node
