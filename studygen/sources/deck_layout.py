"""Which field of a deck's records goes where: the front, the back, tags, deck names.

Columns are known by their names when the deck gives them (an Anki ``#columns:`` line,
or a first row of column names such as ``German;French`` or ``Term,Definition``). The
first column that carries meaning is the front; the back holds the other meaningful
fields, in order, each labelled with its column name when there are several. Tags,
deck names, hints, links and ids are never printed as card text. ``--front`` and
``--back`` choose the columns by name or number instead.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from studygen.sources.language import fold_name, language_of_name


def _names(text: str) -> set[str]:
    return {fold_name(name) for name in text.split(",")}


_ROLES = {
    "front": _names(
        "front, front side, recto, question, q, prompt, term, terme, termine, término, word, "
        "mot, wort, palabra, parola, concept, notion, begriff, vorderseite, frage, pregunta, "
        "domanda, anverso, fronte, vocabulary, vocabulaire, vokabel, expression, hanzi, kanji"
    ),
    "back": _names(
        "back, back side, verso, answer, a, réponse, antwort, respuesta, risposta, definition, "
        "définition, definición, definizione, rückseite, reverso, retro, meaning, "
        "signification, sens, bedeutung, significado, significato, translation, traduction, "
        "übersetzung, traducción, traduzione, explanation, explication, erklärung"
    ),
    "tags": _names(
        "tags, tag, étiquettes, étiquette, labels, label, keywords, mots-clés, mots clés, "
        "schlagwörter, schlagwort, stichwörter, etiquetas, etiqueta, etichette, etichetta, "
        "category, categories, catégorie, kategorie, categoría, categoria"
    ),
    "deck": _names("deck, deck name, paquet, stapel, mazo, mazzo"),
    # Columns that help a program, not a reader: never printed.
    "hidden": _names(
        "hint, hints, indice, indices, hinweis, pista, link, links, url, lien, liens, source, "
        "sources, quelle, audio, sound, son, ton, media, image, picture, id, guid, note id, "
        "notetype, note type, sort field, created, modified, due, interval, ease"
    ),
    # Columns that carry meaning without naming a side: a header row may hold them.
    "other": _names(
        "pinyin, romaji, reading, lecture, aussprache, pronunciation, prononciation, "
        "pronunciación, ipa, phonetics, phonétique, breakdown, example, examples, exemple, "
        "exemples, beispiel, beispiele, ejemplo, ejemplos, esempio, note, notes, remarque, "
        "context, contexte, kontext, extra, comment, commentaire, gender, genre, genus, "
        "plural, pluriel, mehrzahl, part of speech, nature, wortart, level, niveau"
    ),
}


def role_of(name: str) -> str | None:
    """What a column name says the column holds (``lang:xx`` for a language name)."""
    folded = fold_name(name)
    for role, names in _ROLES.items():
        if folded in names:
            return role
    language = language_of_name(name)
    return f"lang:{language}" if language else None


@dataclass
class Layout:
    """Which fields (0-based) hold what; ``meta`` fields are never card text.

    ``backs`` are printed on the back in order, each labelled with its name in
    ``labels`` when more than one has text; ``langs`` are the languages the column
    names give the front and the back.
    """

    front: int
    backs: tuple[int, ...]
    tags: int | None = None
    deck: int | None = None
    meta: frozenset[int] = frozenset()
    labels: tuple[str, ...] = ()
    langs: tuple[str | None, str | None] = (None, None)
    names: list[str] = field(default_factory=list)
    guid: int | None = None

    @property
    def back(self) -> int:
        """The first back field."""
        return self.backs[0]

    @property
    def text_fields(self) -> tuple[int, ...]:
        """Every field printed on a card."""
        return (self.front, *self.backs)


class LayoutError(ValueError):
    """A ``--front``/``--back`` choice that names no column."""


def looks_like_header(cells: list[str]) -> bool:
    """Whether a first row names its columns rather than holding a card."""
    names = [cell.strip() for cell in cells if cell.strip()]
    if len(names) < 2:
        return False
    roles = [role_of(name) for name in names]
    sides = [r for r in roles if r in ("front", "back") or (r or "").startswith("lang:")]
    if all(roles) and sides:
        return True
    # Two side names (Term, Definition) and other columns of the user's own.
    return len({r for r in roles if r in ("front", "back")}) == 2


def named_layout(
    names: list[str],
    meta: dict[str, int],
    front: str | None = None,
    back: tuple[str, ...] = (),
) -> Layout:
    """The layout of records whose columns have these names (Anki's meta columns apart)."""
    roles = [role_of(name) for name in names]
    hidden = {index for index, role in enumerate(roles) if role in ("hidden", "tags", "deck")}
    hidden |= {index for key, index in meta.items() if key in ("notetype", "guid", "tags", "deck")}
    tags = meta.get("tags", roles.index("tags") if "tags" in roles else None)
    deck = meta.get("deck", roles.index("deck") if "deck" in roles else None)
    text = [index for index in range(len(names)) if index not in hidden]
    if front is not None:
        front_index = choose(front, names)
    elif "front" in roles and roles.index("front") not in hidden:
        front_index = roles.index("front")
    else:
        front_index = text[0] if text else 0
    if back:
        backs = tuple(choose(name, names) for name in back)
    else:
        backs = tuple(index for index in text if index != front_index) or (front_index + 1,)
    labels = tuple(names[index].strip() if index < len(names) else "" for index in backs)
    langs = (_lang(roles, front_index), _lang(roles, backs[0]) if len(backs) == 1 else None)
    meta_fields = frozenset(hidden - {front_index, *backs})
    layout = Layout(front_index, backs, tags, deck, meta_fields, labels, langs, names)
    return replace(layout, guid=meta.get("guid"))


def numbered_layout(
    meta: dict[str, int], width: int, front: str | None = None, back: tuple[str, ...] = ()
) -> Layout:
    """The layout of records whose columns have no names: front and back the first free."""
    hidden = {index for key, index in meta.items() if key in ("notetype", "guid", "tags", "deck")}
    taken = set(hidden)

    def free() -> int:
        return next(index for index in itertools.count() if index not in taken)

    front_index = choose(front, [], width) if front is not None else free()
    taken.add(front_index)
    backs = tuple(choose(name, [], width) for name in back) if back else (free(),)
    meta_fields = frozenset(hidden - {front_index, *backs})
    layout = Layout(front_index, backs, meta.get("tags"), meta.get("deck"), meta_fields)
    return replace(layout, guid=meta.get("guid"))


def _lang(roles: list[str | None], index: int) -> str | None:
    role = roles[index] if index < len(roles) else None
    return role.removeprefix("lang:") if role and role.startswith("lang:") else None


def choose(wanted: str, names: list[str], width: int = 0) -> int:
    """The 0-based column ``wanted`` names: a column name, or a number from 1."""
    text = wanted.strip()
    if text.isdigit() and int(text) >= 1:
        return int(text) - 1
    folded = [fold_name(name) for name in names]
    if fold_name(text) in folded:
        return folded.index(fold_name(text))
    if not names:
        raise LayoutError(
            f'no column is named "{text}": this deck does not name its columns — '
            f"give a number from 1{f' to {width}' if width else ''}"
        )
    known = ", ".join(name.strip() for name in names)
    raise LayoutError(f'no column is named "{text}" — the columns are: {known}')
