"""What the readers need from the user: one small frozen value, given to ``load_source``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadOptions:
    """How to read sources, beyond what the files say themselves.

    ``separator`` and ``card_separator``: what deck files are split on (Quizlet's choices).
    ``front`` and ``back``: the deck columns printed on each face, by name or 1-based number.
    ``header``: whether a deck's first row names its columns (None: decided from its cells).
    ``media``: the folder of a deck's pictures (Anki's ``collection.media``), read only there.
    ``lang``: the language of sources that do not declare one (None: detected from the text).
    """

    separator: str | None = None
    card_separator: str | None = None
    front: str | None = None
    back: tuple[str, ...] = ()
    header: bool | None = None
    media: Path | None = None
    lang: str | None = None

    @property
    def separators(self) -> tuple[str | None, str | None]:
        """The term and card separators, as the deck reader takes them."""
        return self.separator, self.card_separator
