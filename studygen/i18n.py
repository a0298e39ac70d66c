"""Every label studygen prints, one table per language, plus quotation marks.

To add a language, copy the English table, translate its values and add it to
``LABELS`` (and to ``QUOTES`` if its quotation marks differ from English).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

EN = {
    "definitions": "Definitions",
    "clipped": "text cut: shorten this card",
    "definition": "Definition",
    "example": "Example",
    "note": "Note",
    "warning": "Warning",
    "deepdive": "Going further",
    "figure": "Figure",
    "faq": "Frequently asked questions",
    "key_points": "Key points",
    "contents": "Contents",
    "page": "Page",
    "page_of": "{page} / {pages}",
    "flashcards": "Flashcards",
    "question": "Question",
    "answer": "Answer",
    "by": "By",
}

FR = {
    "definitions": "Définitions",
    "clipped": "texte coupé : raccourcir cette fiche",
    "definition": "Définition",
    "example": "Exemple",
    "note": "Bon à savoir",
    "warning": "Attention",
    "deepdive": "Pour aller plus loin",
    "figure": "Figure",
    "faq": "Questions fréquentes",
    "key_points": "Points clés",
    "contents": "Sommaire",
    "page": "Page",
    "page_of": "{page} / {pages}",
    "flashcards": "Fiches",
    "question": "Question",
    "answer": "Réponse",
    "by": "Par",
}

DE = {
    "definitions": "Begriffe",
    "clipped": "Text abgeschnitten: Karte kürzen",
    "definition": "Definition",
    "example": "Beispiel",
    "note": "Gut zu wissen",
    "warning": "Achtung",
    "deepdive": "Zur Vertiefung",
    "figure": "Abbildung",
    "faq": "Häufige Fragen",
    "key_points": "Das Wichtigste",
    "contents": "Inhalt",
    "page": "Seite",
    "page_of": "{page} / {pages}",
    "flashcards": "Karteikarten",
    "question": "Frage",
    "answer": "Antwort",
    "by": "Von",
}

ES = {
    "definitions": "Definiciones",
    "clipped": "texto cortado: acorte esta tarjeta",
    "definition": "Definición",
    "example": "Ejemplo",
    "note": "Nota",
    "warning": "Atención",
    "deepdive": "Para saber más",
    "figure": "Figura",
    "faq": "Preguntas frecuentes",
    "key_points": "Puntos clave",
    "contents": "Índice",
    "page": "Página",
    "page_of": "{page} / {pages}",
    "flashcards": "Tarjetas",
    "question": "Pregunta",
    "answer": "Respuesta",
    "by": "Por",
}

IT = {
    "definitions": "Definizioni",
    "clipped": "testo tagliato: accorciare la scheda",
    "definition": "Definizione",
    "example": "Esempio",
    "note": "Da sapere",
    "warning": "Attenzione",
    "deepdive": "Per approfondire",
    "figure": "Figura",
    "faq": "Domande frequenti",
    "key_points": "Punti chiave",
    "contents": "Indice",
    "page": "Pagina",
    "page_of": "{page} / {pages}",
    "flashcards": "Schede",
    "question": "Domanda",
    "answer": "Risposta",
    "by": "Di",
}

LABELS: dict[str, dict[str, str]] = {"en": EN, "fr": FR, "de": DE, "es": ES, "it": IT}

# Primary and secondary quotation marks, as markdown-it's smartquotes expects them.
QUOTES: dict[str, list[str]] = {
    "en": ["“", "”", "‘", "’"],
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "de": ["„", "“", "‚", "‘"],
    "es": ["«", "»", "“", "”"],
    "it": ["«", "»", "“", "”"],
}


def primary_language(lang: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased: ``fr-CA`` → ``fr``."""
    return lang.split("-")[0].lower()


def has_labels(lang: str) -> bool:
    """Whether studygen has labels for this language."""
    return primary_language(lang) in LABELS


def labels_for(lang: str) -> dict[str, str]:
    """The labels of ``lang``, English for a language studygen does not know."""
    return LABELS.get(primary_language(lang), EN)


def quotes_for(lang: str) -> list[str]:
    """Quotation marks for ``lang`` (English ones by default)."""
    return QUOTES.get(primary_language(lang), QUOTES["en"])
