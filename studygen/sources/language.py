"""The language of a text that does not declare one, and language names in column headers.

Detection uses Lingua, which is accurate on short texts (a deck's fronts, a card's
back), limited to the languages below so that it loads quickly. A text too short or
too mixed to tell is left undecided rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from studygen.model import Document

# ISO 639-1 codes Lingua is asked to choose between: the languages studygen has labels
# for, and those most taught and written in schools and universities.
# Each one more makes loading slower (about 80 ms each) and close pairs harder to tell.
DETECTED = (
    "en", "fr", "de", "es", "it", "pt", "nl", "cs", "pl", "ru", "el", "ar", "he", "zh", "ja", "ko",
    "tr", "sv", "la",
)  # fmt: skip

_MIN_LETTERS = 16  # fewer letters than this say too little (four in Chinese or Japanese)
_MIN_IDEOGRAPHS = 4
_MIN_CONFIDENCE = 0.15
_MIN_LEAD = 1.3  # the likeliest language must be this many times likelier than the next

# Language names as column headers write them (in English, French, German, Spanish,
# Italian and the language itself) → ISO 639-1 code.
_NAMES = {
    "en": "english anglais englisch ingles inglese",
    "fr": "french francais franzosisch frances francese",
    "de": "german allemand deutsch aleman tedesco",
    "es": "spanish espagnol spanisch espanol castellano spagnolo",
    "it": "italian italien italienisch italiano",
    "pt": "portuguese portugais portugiesisch portugues portoghese",
    "nl": "dutch neerlandais niederlandisch nederlands holandes olandese",
    "cs": "czech tcheque tschechisch cestina checo ceco",
    "pl": "polish polonais polnisch polski polaco polacco",
    "ru": "russian russe russisch ruso russo русский",
    "el": "greek grec griechisch griego greco ελληνικα",
    "la": "latin latein latino",
    "ar": "arabic arabe arabisch arabo العربية",
    "he": "hebrew hebreu hebraisch hebreo ebraico עברית",
    "zh": "chinese chinois chinesisch chino cinese mandarin 中文 汉语 漢語 hanzi",
    "ja": "japanese japonais japanisch japones giapponese 日本語",
    "ko": "korean coreen koreanisch coreano 한국어",
    "tr": "turkish turc turkisch turco turkce",
    "sv": "swedish suedois schwedisch sueco svedese svenska",
}
LANGUAGE_OF_NAME = {name: code for code, names in _NAMES.items() for name in names.split()}

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_MARKUP = re.compile(r"`[^`\n]*`|\$[^$\n]*\$|https?://\S+|<[^>\n]*>|[*_#>\[\]()|\\~-]")


def fold_name(text: str) -> str:
    """A name folded for comparison: no case, no accents, no decoration."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.strip(" :?*#\t\n").split())


def language_of_name(name: str) -> str | None:
    """The language a column header names (``German``, ``Français``), if it names one."""
    return LANGUAGE_OF_NAME.get(fold_name(name))


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in DETECTED]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None if unclear."""
    text = _MARKUP.sub(" ", text)
    letters = len(_LETTERS.findall(text))
    if letters < _MIN_LETTERS and len(_IDEOGRAPHS.findall(text)) < _MIN_IDEOGRAPHS:
        return None
    values = _detector().compute_language_confidence_values(text[:20_000])
    if not values or values[0].value < _MIN_CONFIDENCE:
        return None
    if len(values) > 1 and values[0].value < _MIN_LEAD * values[1].value:
        return None
    return str(values[0].language.iso_code_639_1.name.lower())


def document_texts(doc: Document) -> Iterator[str]:
    """Every text a document prints, in reading order."""
    yield from (doc.title, doc.subtitle or "", doc.intro or "")
    for section in doc.sections:
        yield section.title
        for block in section.blocks:
            for name in ("term", "title", "text", "alt", "caption"):
                value = getattr(block, name, None)
                if isinstance(value, str):
                    yield value
    for point in doc.key_points:
        yield from (point.term, point.text)
    for card in doc.flashcards:
        yield from (card.front, card.back)
    for entry in doc.faq:
        yield from (entry.question, entry.answer)


def with_language(doc: Document, declared: bool, chosen: str | None) -> tuple[Document, list[str]]:
    """The document with the language of its text, and what was decided, in words.

    A declared ``lang`` stands. Otherwise ``chosen`` (``--lang``, or ``lang`` in
    studygen.toml) is the language, else the one the text is written in. Cards whose
    fronts and backs are in two languages (a vocabulary deck) have each face's language.
    """
    said: list[str] = []
    front, back = doc.front_lang, doc.back_lang
    cards = doc.flashcards
    if cards and front is None and back is None and not doc.sections:
        front = detect_language("\n".join(card.front for card in cards))
        back = detect_language("\n".join(card.back for card in cards))
    two = front is not None and back is not None and front != back
    update: dict[str, Any] = {}
    if two:
        update.update(front_lang=front, back_lang=back)
        said.append(f"cards in two languages: fronts {front}, backs {back}")
    if not declared:
        if chosen:
            lang, how = chosen, "as chosen by --lang or studygen.toml"
        elif two and back:
            lang, how = back, "the language of the backs"
        else:
            found = detect_language("\n".join(document_texts(doc)))
            lang = found or "en"
            how = "detected from the text" if found else "not detected, English assumed"
        update["lang"] = lang
        said.insert(0, f"language: {lang} ({how})")
    return (doc.model_copy(update=update) if update else doc), said
