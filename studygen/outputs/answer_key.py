"""The answer key: the worksheet's pages with every answer filled in (see worksheet.py)."""

from __future__ import annotations

from studygen.outputs.worksheet import Worksheet

OUTPUT = Worksheet("answer-key", "answer-key.pdf", key=True)
