"""``studygen watch``: rebuild a source's outputs within a second of a save.

One process stays warm (WeasyPrint, fonts and templates loaded once). watchfiles reports
what changed; a source is rebuilt when it, or a file in its folder (a picture, a deck),
is saved; every source when a template, the theme or the settings change. Errors are
reported and the watch goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from studygen import themes
from studygen.build import build, discover
from studygen.config import BuildOptions, resolve_options
from studygen.errors import StudygenError

DEBOUNCE_MS = 150  # saves arrive in bursts (write, rename, touch): one rebuild for them all


def watched(sources: list[Path], options: BuildOptions) -> tuple[list[Path], list[Path]]:
    """(folders of the sources, folders and files that change every output)."""
    folders = sorted({source.parent.absolute() for source in sources})
    shared = [*themes.template_dirs(themes.for_options(options))]
    if options.templates is not None:
        shared.append(options.templates.absolute())
    if options.config_file is not None:
        shared.append(options.config_file.absolute())
    return folders, shared


def affected(changed: Iterable[Path], sources: list[Path], shared: list[Path]) -> list[Path]:
    """The sources to rebuild after ``changed``: all of them if something shared changed."""
    changed = [path.absolute() for path in changed]
    if any(path == place or path.is_relative_to(place) for path in changed for place in shared):
        return list(sources)
    named = {path for path in changed if path in {s.absolute() for s in sources}}
    if named:
        return [s for s in sources if s.absolute() in named]
    # a picture or a deck: the sources of its folder (and of the folders above it)
    return [s for s in sources if any(p.is_relative_to(s.parent.absolute()) for p in changed)]


def run(
    given: list[Path],
    flags: dict[str, Any],
    reporter: Any,
    say: Callable[[str], None],
    stop: Any = None,
) -> None:
    """Build every source once, then rebuild what each change touches until stopped."""
    import watchfiles

    options = resolve_options(Path.cwd(), flags)
    sources = [path.absolute() for path in discover(given, options)]
    out = options.out.absolute()
    _rebuild(sources, options, reporter, say)
    folders, shared = watched(sources, options)

    def wanted(change: watchfiles.Change, path: str) -> bool:
        target = Path(path)
        return watchfiles.DefaultFilter()(change, path) and not target.is_relative_to(out)

    paths = [*folders, *(p for p in shared if p.exists())]
    say(f"watching {len(sources)} source{'s' if len(sources) != 1 else ''} — Ctrl-C to stop")
    for changes in watchfiles.watch(
        *paths, watch_filter=wanted, debounce=DEBOUNCE_MS, step=50, stop_event=stop
    ):
        changed = [Path(path) for _, path in changes]
        if options.config_file is not None and options.config_file.absolute() in changed:
            try:  # new settings: read again; a broken file is reported, the old ones kept
                options = resolve_options(Path.cwd(), flags)
            except StudygenError as exc:
                reporter.problem(f"error: {exc}")
                continue
        todo = affected(changed, sources, shared)
        if todo:
            _rebuild(todo, options, reporter, say)


def _rebuild(
    sources: list[Path], options: BuildOptions, reporter: Any, say: Callable[[str], None]
) -> None:
    started = time.perf_counter()
    try:
        report = build([s for s in sources if s.exists()], options, reporter)
    except StudygenError as exc:  # a template or a setting: said, and the watch goes on
        reporter.problem(f"error: {exc}")
        return
    finally:
        reporter.close()
    seconds = time.perf_counter() - started
    state = "built" if report.ok else f"{len(report.failed_sources)} source(s) with errors;"
    say(f"{state} {len(report.written)} PDF(s) in {seconds:.1f} s — waiting for changes")
