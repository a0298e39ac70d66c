"""Readers of study files, one module per input format, and the loader that picks one.

``yaml_source`` (YAML), ``markdown`` and ``markdown_cards`` (Markdown study files and
their flashcard conventions), ``decks`` and ``html_text`` (Anki, Quizlet, CSV and TSV
decks) each turn a file into plain data with the line and column of every value;
``loader`` validates that data into the model (:class:`studygen.model.Document`), and
reports every problem with its position.
"""
