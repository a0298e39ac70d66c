"""Every label studygen prints, one table per language, plus quotation marks.

To add a language, copy the English table, translate its values and add it to
``LABELS`` (and to ``QUOTES`` if its quotation marks differ from English).
"""

from __future__ import annotations

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
    "links": "Links",
    "contents": "Contents",
    "flashcards": "Flashcards",
    "worksheet": "Worksheet",
    "answer_key": "Answer key",
    "name": "Name",
    "class": "Class",
    "date": "Date",
    "exercise": "Exercise",
    "gaps": "Fill in the blanks",
    "questions": "Questions",
    "find_terms": "Write the term that each definition describes.",
    "fill_gaps": "Fill in each blank with the missing word.",
    "answer_questions": "Answer each question on the lines.",
}

FR = {
    "definitions": "Définitions",
    "clipped": "texte coupé\u202f: raccourcir cette fiche",
    "definition": "Définition",
    "example": "Exemple",
    "note": "Bon à savoir",
    "warning": "Attention",
    "deepdive": "Pour aller plus loin",
    "figure": "Figure",
    "faq": "Questions fréquentes",
    "key_points": "Points clés",
    "links": "Liens",
    "contents": "Sommaire",
    "flashcards": "Fiches",
    "worksheet": "Fiche d’exercices",
    "answer_key": "Corrigé",
    "name": "Nom",
    "class": "Classe",
    "date": "Date",
    "exercise": "Exercice",
    "gaps": "Textes à trous",
    "questions": "Questions",
    "find_terms": "Retrouvez le terme que chaque définition décrit.",
    "fill_gaps": "Complétez chaque blanc par le mot qui manque.",
    "answer_questions": "Répondez à chaque question sur les lignes.",
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
    "links": "Links",
    "contents": "Inhalt",
    "flashcards": "Karteikarten",
    "worksheet": "Arbeitsblatt",
    "answer_key": "Lösungen",
    "name": "Name",
    "class": "Klasse",
    "date": "Datum",
    "exercise": "Aufgabe",
    "gaps": "Lückentext",
    "questions": "Fragen",
    "find_terms": "Schreibe den Begriff auf, den jede Definition beschreibt.",
    "fill_gaps": "Fülle jede Lücke mit dem fehlenden Wort.",
    "answer_questions": "Beantworte jede Frage auf den Linien.",
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
    "links": "Enlaces",
    "contents": "Índice",
    "flashcards": "Tarjetas",
    "worksheet": "Ficha de ejercicios",
    "answer_key": "Solucionario",
    "name": "Nombre",
    "class": "Clase",
    "date": "Fecha",
    "exercise": "Ejercicio",
    "gaps": "Completa los huecos",
    "questions": "Preguntas",
    "find_terms": "Escribe el término que describe cada definición.",
    "fill_gaps": "Completa cada hueco con la palabra que falta.",
    "answer_questions": "Responde a cada pregunta en las líneas.",
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
    "links": "Link",
    "contents": "Indice",
    "flashcards": "Schede",
    "worksheet": "Scheda di esercizi",
    "answer_key": "Soluzioni",
    "name": "Nome",
    "class": "Classe",
    "date": "Data",
    "exercise": "Esercizio",
    "gaps": "Completa gli spazi",
    "questions": "Domande",
    "find_terms": "Scrivi il termine descritto da ciascuna definizione.",
    "fill_gaps": "Completa ogni spazio con la parola mancante.",
    "answer_questions": "Rispondi a ogni domanda sulle righe.",
}

AR = {
    "definitions": "تعريفات",
    "clipped": "نص مقطوع: اختصر هذه البطاقة",
    "definition": "تعريف",
    "example": "مثال",
    "note": "ملاحظة",
    "warning": "تنبيه",
    "deepdive": "للتعمق أكثر",
    "figure": "الشكل",
    "faq": "أسئلة شائعة",
    "key_points": "النقاط الرئيسية",
    "links": "روابط",
    "contents": "المحتويات",
    "flashcards": "بطاقات",
    "worksheet": "ورقة عمل",
    "answer_key": "الإجابات النموذجية",
    "name": "الاسم",
    "class": "القسم",
    "date": "التاريخ",
    "exercise": "تمرين",
    "gaps": "املأ الفراغات",
    "questions": "أسئلة",
    "find_terms": "اكتب المصطلح الذي يصفه كل تعريف.",
    "fill_gaps": "املأ كل فراغ بالكلمة الناقصة.",
    "answer_questions": "أجب عن كل سؤال على الأسطر.",
}

HE = {
    "definitions": "הגדרות",
    "clipped": "הטקסט נחתך: יש לקצר את הכרטיס",
    "definition": "הגדרה",
    "example": "דוגמה",
    "note": "לתשומת לב",
    "warning": "אזהרה",
    "deepdive": "להרחבה",
    "figure": "איור",
    "faq": "שאלות נפוצות",
    "key_points": "נקודות עיקריות",
    "links": "קישורים",
    "contents": "תוכן העניינים",
    "flashcards": "כרטיסיות",
    "worksheet": "דף עבודה",
    "answer_key": "פתרונות",
    "name": "שם",
    "class": "כיתה",
    "date": "תאריך",
    "exercise": "תרגיל",
    "gaps": "השלמת חסר",
    "questions": "שאלות",
    "find_terms": "כתבו את המונח שכל הגדרה מתארת.",
    "fill_gaps": "השלימו כל רווח במילה החסרה.",
    "answer_questions": "ענו על כל שאלה על השורות.",
}

LABELS: dict[str, dict[str, str]] = {
    "en": EN, "fr": FR, "de": DE, "es": ES, "it": IT, "ar": AR, "he": HE,
}  # fmt: skip

# Languages written right to left: the document gets dir="rtl".
RTL = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})

# Primary and secondary quotation marks, as markdown-it's smartquotes expects them.
QUOTES: dict[str, list[str]] = {
    "en": ["“", "”", "‘", "’"],
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "de": ["„", "“", "‚", "‘"],
    "es": ["«", "»", "“", "”"],
    "it": ["«", "»", "“", "”"],
    "ar": ["«", "»", "“", "”"],
    "he": ["“", "”", "‘", "’"],
}


def primary_language(lang: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased: ``fr-CA`` → ``fr``."""
    return lang.split("-")[0].lower()


def has_labels(lang: str) -> bool:
    """Whether studygen has labels for this language."""
    return primary_language(lang) in LABELS


def direction(lang: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if primary_language(lang) in RTL else "ltr"


def unknown_language(lang: str) -> str | None:
    """The warning for a language studygen has no labels for, or None."""
    if has_labels(lang):
        return None
    known = ", ".join(sorted(LABELS))
    return f'no labels for language "{lang}": English labels used (studygen has {known})'


def labels_for(lang: str) -> dict[str, str]:
    """The labels of ``lang``, English for a language studygen does not know."""
    return LABELS.get(primary_language(lang), EN)


def quotes_for(lang: str) -> list[str]:
    """Quotation marks for ``lang`` (English ones by default)."""
    return QUOTES.get(primary_language(lang), QUOTES["en"])
