"""Records of a deck file: ``csv.reader``'s fields, with the line each record starts on."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from studygen.sources.yaml_source import YamlProblem

_SAMPLE_LINES = 30
_SAMPLE_CHARS = 16_000  # csv.Sniffer's regular expressions slow down on long samples


@dataclass
class Record:
    """The fields of one record and the 1-based line it starts on."""

    line: int
    fields: list[str]


class _Lines:
    """The lines given to ``csv.reader``, noting when they run out."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = iter(lines)
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.exhausted = True
            raise


def csv_records(
    lines: list[str], first: int, delimiter: str
) -> tuple[list[Record], list[YamlProblem]]:
    """Non-blank records of ``lines`` (the file from line ``first`` on) and reading problems."""
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter, skipinitialspace=True)
    records: list[Record] = []
    while True:
        start = first + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return records, []
        except csv.Error as exc:
            return records, [YamlProblem(start, 1, _unreadable(exc))]
        # A record only ever needs the line after it when a quoted field is still open.
        if source.exhausted:
            return records, [_open_quote(lines, fields[-1], first, reader.line_num)]
        if any(value.strip() for value in fields):
            records.append(Record(start, fields))


def _unreadable(exc: csv.Error) -> str:
    """Why ``csv`` gave up on a record, in the user's terms."""
    if "field limit" in str(exc):
        limit = csv.field_size_limit()
        return f"a field starting here is over {limit} characters long — is a quote left open?"
    return f"cannot read this record: {exc}"


def _open_quote(lines: list[str], value: str, first: int, read: int) -> YamlProblem:
    """Where the quoted field that swallowed the end of the file opens."""
    # Each line from the opening one to the end gave the open field its newline, and
    # every quote inside it was written doubled.
    opening = max(1, read - value.count("\n") + 1)
    head = value.split("\n", 1)[0]
    written = len(lines[opening - 1].rstrip("\n"))
    col = max(1, written - len(head) - head.count('"'))
    message = 'unterminated quote: this field opens with " but never closes'
    return YamlProblem(first + opening - 1, col, message)


def sniff_delimiter(lines: list[str], suffix: str) -> str:
    """Comma, semicolon or tab: what ``csv.Sniffer`` finds, if it splits the sample best."""
    candidates = "\t,;" if suffix == ".tsv" else ",;\t"
    sample = "".join(line for line in lines if line.strip())
    sample = "".join(sample.splitlines(keepends=True)[:_SAMPLE_LINES])[:_SAMPLE_CHARS]
    scores = {delimiter: _split_score(sample, delimiter) for delimiter in candidates}
    best = max(scores.values())
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed] == best:
        return sniffed
    return next(delimiter for delimiter in candidates if scores[delimiter] == best)


def _split_score(sample: str, delimiter: str) -> tuple[int, int]:
    """Records the delimiter splits in two or more, then how many share the usual width."""
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return (0, 0)
    widths = [len(row) for row in rows if any(value.strip() for value in row)]
    usual = Counter(widths).most_common(1)
    return (sum(width >= 2 for width in widths), usual[0][1] if usual else 0)
