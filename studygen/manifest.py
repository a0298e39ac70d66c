"""``build/manifest.json``: what every output was made from, and whether it is still current.

For each PDF the manifest names its source, the options that shaped it, its pages, size
and SHA-256, studygen's version, and the hashes of everything it was made from: the
source's bytes, the files it used (pictures, decks, media), the templates and theme,
the layout engine, and the fonts installed. A build reads it to skip what has not
changed; a release job attaches it beside the PDFs. It holds no dates and no absolute
paths, so two builds of the same commit write the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studygen import __version__, confine
from studygen.errors import UsageError
from studygen.templating import builtin_templates_dir
from studygen.write import write_atomic

if TYPE_CHECKING:
    from studygen.config import BuildOptions

FILE_NAME = "manifest.json"
FORMAT = 1
# Options about how a build runs or where things go, never about what a PDF holds.
NOT_SHAPING = frozenset(
    {"out", "source_dir", "verbose", "timeout", "config_file", "max_source_bytes", "max_pages",
     "jobs", "force", "shard", "only", "printer", "printers"}
)  # fmt: skip
FONT_FOLDERS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "/etc/fonts", "/Library/Fonts", "~/Library/Fonts", "/System/Library/Fonts",
)  # fmt: skip
MISSING = "missing"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, or ``missing`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return MISSING
    return digest.hexdigest()


def _tree_digest(folders: list[Path]) -> str:
    """One hash of every file's name and bytes in ``folders`` (templates, a theme)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """A fingerprint of the installed fonts: every font file's path, size and time."""
    digest = hashlib.sha256()
    for folder in FONT_FOLDERS:
        root = Path(folder).expanduser()
        for top, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                try:
                    info = (Path(top) / name).stat()
                except OSError:
                    continue
                digest.update(f"{top}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The layout engine's versions: another WeasyPrint can lay the same page out otherwise."""
    found = []
    for package in ("weasyprint", "pydyf", "tinycss2", "ziamath"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


@dataclass
class Context:
    """What every source of one build shares: the project, the options, templates, fonts."""

    project: Path
    out: Path
    options: dict[str, Any]
    templates: str
    fonts: str
    engine: str = field(default_factory=engine_version)

    @classmethod
    def of(cls, options: BuildOptions) -> Context:
        """The context of a build with ``options``."""
        project = confine.project_root(options.config_file)
        folders = [builtin_templates_dir()]
        if options.templates is not None:
            folders.insert(0, options.templates.absolute())
        return cls(project, options.out, shaping(options, project), _tree_digest(folders),
                   fonts_digest())  # fmt: skip

    def key(self, path: Path) -> str:
        """How the manifest names a file: relative to the project, with forward slashes."""
        absolute = path.absolute()
        try:
            return absolute.relative_to(self.project).as_posix()
        except ValueError:
            resolved = confine.resolve(absolute) or absolute
            try:
                return resolved.relative_to(self.project).as_posix()
            except ValueError:
                return absolute.as_posix()

    def keys(self, paths: list[str], source: str) -> list[str]:
        """The manifest's names of the files a source used, but the source itself."""
        return [name for name in map(self.key, map(Path, paths)) if name != source]

    def inputs(self, path: Path, used: list[str]) -> dict[str, Any]:
        """The hashes of everything an output of ``path`` was made from."""
        files = {name: sha256_file(self.project / name) for name in sorted(set(used))}
        return {"source": sha256_file(path), "files": files, "templates": self.templates,
                "fonts": self.fonts, "engine": self.engine}  # fmt: skip


def shaping(options: BuildOptions, project: Path) -> dict[str, Any]:
    """The options that shape what a PDF holds, as JSON values (paths from the project)."""
    values = options.model_dump(mode="json", exclude=set(NOT_SHAPING))
    for name in ("templates", "media"):
        if values.get(name) is not None:
            path = Path(getattr(options, name)).absolute()
            inside = path.is_relative_to(project)
            values[name] = (path.relative_to(project) if inside else path).as_posix()
    return dict(sorted(values.items()))


@dataclass
class Manifest:
    """The records of one output folder: PDFs made, outputs left out, and what was said."""

    outputs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path, name: str = FILE_NAME) -> Manifest:
        """The manifest in ``out``; empty when there is none or it cannot be read."""
        try:
            return cls.load(out / name)
        except UsageError:
            return cls()

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; a UsageError saying why when it is not one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise UsageError(f"{path}: not a manifest of this studygen (format {FORMAT})")
            outputs = {(r["source"], r["output"]): r for r in data["outputs"]}
            return cls(outputs, dict(data["sources"]))
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UsageError(f"{path}: not a studygen manifest") from None

    def to_json(self) -> str:
        """The manifest's text: sorted, indented, the same bytes for the same build."""
        records = sorted(self.outputs.values(), key=lambda r: (r["source"], r["output"]))
        data = {"format": FORMAT, "studygen": __version__, "outputs": records,
                "sources": dict(sorted(self.sources.items()))}  # fmt: skip
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def write(self, out: Path) -> None:
        """Write the manifest into ``out``, atomically."""
        write_atomic(out / FILE_NAME, self.to_json().encode(), out)

    def forget(self, key: str, outputs: tuple[str, ...] | None) -> None:
        """Drop the records of these outputs of source ``key`` (all when None: rebuilt)."""
        names = outputs if outputs is not None else self._recorded(key)
        for name in names:
            self.outputs.pop((key, name), None)

    def _recorded(self, key: str) -> list[str]:
        """The outputs recorded for source ``key``."""
        return [name for source, name in self.outputs if source == key]

    def record(self, context: Context, path: Path, result: Any) -> None:
        """Record what a build of ``path`` made (a ``workers.Outcome`` that succeeded)."""
        key = context.key(path)
        used = context.keys(result.used, key)
        common = {"source": key, "studygen": __version__, "options": context.options}
        for product in result.products:
            self.outputs[(key, product.name)] = {
                **common, "output": product.name, "file": product.file, "pages": product.pages,
                "bytes": len(product.data), "sha256": hashlib.sha256(product.data).hexdigest(),
                "inputs": context.inputs(path, used + context.keys(product.used, key)),
            }  # fmt: skip
        for name, reason in result.skipped.items():
            self.outputs[(key, name)] = {**common, "output": name, "skipped": reason,
                                         "inputs": context.inputs(path, used)}  # fmt: skip
        self.sources[key] = {"warnings": list(result.warnings), "notes": list(result.notes)}

    def current(
        self, context: Context, path: Path, only: tuple[str, ...] | None
    ) -> list[str] | None:
        """The files of ``path``'s outputs when every one in ``only`` is up to date, else None.

        With ``only`` None, the outputs the source chose last time (its ``outputs:`` or the
        project's, which are part of what the records hold) are the ones checked.
        """
        try:
            return self._current(context, path, only)
        except (KeyError, TypeError, AttributeError, ValueError, UsageError):  # edited by hand
            return None

    def _current(
        self, context: Context, path: Path, only: tuple[str, ...] | None
    ) -> list[str] | None:
        key = context.key(path)
        names = only if only is not None else self._recorded(key)
        if not names:
            return None
        files = []
        for name in names:
            record = self.outputs.get((key, name))
            if record is None or record.get("studygen") != __version__:
                return None
            if record.get("options") != context.options:
                return None
            inputs = record.get("inputs", {})
            if inputs != context.inputs(path, list(inputs.get("files", {}))):
                return None
            if "skipped" in record:
                continue
            target = listed_file(context.out, record["file"])
            if target.is_symlink() or sha256_file(target) != record["sha256"]:
                return None
            files.append(record["file"])
        return files

    def merge(self, other: Manifest) -> None:
        """Join another manifest's records (a shard's) into this one."""
        self.outputs.update(other.outputs)
        self.sources.update(other.sources)


def listed_file(out: Path, name: str) -> Path:
    """The file a record names, refused if the name would lead out of ``out``."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts:
        raise UsageError(f"{out / FILE_NAME}: the file name {name!r} leads out of {out}/")
    return out / name


def clean(out: Path) -> tuple[list[Path], list[str]]:
    """Remove the PDFs the manifest in ``out`` lists, then the manifest: nothing else.

    A PDF changed since it was built is left where it is, and said. Returns the files
    removed and what was left.
    """
    manifest_path = out / FILE_NAME
    if not manifest_path.is_file():
        return [], [f"no {manifest_path}: nothing studygen built is listed there"]
    manifest = Manifest.read(out)
    removed: list[Path] = []
    left: list[str] = []
    listed = [(listed_file(out, r["file"]), r) for r in manifest.outputs.values() if "file" in r]
    for target, record in listed:
        if target.is_symlink() or not target.is_file():
            continue
        if sha256_file(target) != record["sha256"]:
            left.append(f"left {target}: it changed since studygen wrote it")
            continue
        target.unlink()
        removed.append(target)
        folder = target.parent
        if folder != out and not any(folder.iterdir()):
            folder.rmdir()
    manifest_path.unlink()
    removed.append(manifest_path)
    return removed, left


def share(keys: list[str], part: int, count: int) -> set[str]:
    """The sources shard ``part`` of ``count`` builds: every ``count``-th of them in the order
    of their names, so N runners build every source once and within one source of each other."""
    return set(sorted(set(keys))[part - 1 :: count])
