"""The ``export`` command's stages: discover the sources, load each, write its export.

Like ``build``, a source with errors is reported and skipped; the others still export,
and a failed export leaves no half-written file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studygen import confine, export
from studygen.build import discover
from studygen.config import resolve_options
from studygen.errors import SourceError, StudygenError, UsageError
from studygen.making import read_options
from studygen.sources.loader import load_source
from studygen.write import check_stems, output_path, write_atomic


@dataclass
class ExportReport:
    """What was written and what went wrong, line by line."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def export_sources(kind: str, sources: list[Path], out: Path | None) -> ExportReport:
    """Write the ``kind`` export of every source; never raises for a problem in one source."""
    kind = kind.lower()
    if kind not in export.FORMATS:
        raise UsageError(f'unknown export "{kind}" — choose one of {", ".join(export.FORMATS)}')
    options = resolve_options(Path.cwd(), {"out": out})
    paths = discover(sources, options)
    check_stems(paths)
    project = confine.project_root(options.config_file)
    escape = confine.escaping_link(options.out, project)
    if escape:
        raise UsageError(escape)
    report = ExportReport()
    for path in paths:
        try:
            source = load_source(path, options.max_source_bytes, read_options(options))
            if not source.doc.flashcards:
                report.lines.append(f"{path}: no flashcards to export, skipped")
                continue
            data = export.export_bytes(source, kind)
            target = output_path(options.out, path, export.file_name(source, kind))
            write_atomic(target, data, options.out)
            count = len(source.doc.flashcards)
            report.lines.append(f"wrote {target} ({count} card{'s' if count != 1 else ''})")
        except UsageError:
            raise
        except StudygenError as exc:
            problems = exc.problems if isinstance(exc, SourceError) else [exc]
            report.problems += [str(problem) for problem in problems]
    return report
