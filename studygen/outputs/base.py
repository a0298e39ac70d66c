"""The one interface every output implements, and what an output is given to work with.

An output turns a loaded source into one laid-out document: it says whether the source
has what it needs, then ``make`` returns the laid-out document with its warnings and
notes, or the reason it left itself out. Outputs never write files; ``build.py`` does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from studygen import pdf, templating, themes
from studygen.errors import Problem, SourceError

if TYPE_CHECKING:
    from studygen.config import BuildOptions
    from studygen.sources.loader import Source


@dataclass
class Made:
    """One laid-out output, its warnings and its notes; PDF bytes are made when written."""

    rendered: pdf.Rendered
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    """An optional output left out of this build, and why (a note, not an error)."""

    reason: str


class Output(Protocol):
    """A PDF studygen makes from one source."""

    name: str  # as --only and ``only`` in studygen.toml name it
    file_name: str  # build/<source stem>/<file_name>

    def wanted(self, source: Source) -> bool:
        """Whether ``source`` holds what this output prints."""

    def make(self, job: Job) -> Made | Skipped:
        """Lay out this output of ``job.source``; raise :class:`SourceError` on a problem."""


@dataclass
class Job:
    """One output of one source to make: the source, the options, and how to lay out HTML."""

    output: str
    source: Source
    options: BuildOptions
    engine: pdf.Engine

    def lay_out(self, context: dict[str, Any], template: str | None = None) -> pdf.Rendered:
        """Render the output's template with ``context`` and lay it out with its stylesheets."""
        name = template or self.output
        html = templating.render_html(name, context, self.options.templates, self.theme)
        return pdf.render_pdf(
            html,
            self.source.root,
            templating.stylesheets(name, self.options.templates, self.theme),
            self._roots(),
            self.identifier,
            self.options.pdf_variant,
            self.engine,
        )

    @property
    def theme(self) -> themes.Theme:
        """The theme of the build (``--theme``)."""
        return themes.for_options(self.options)

    @property
    def pages_reusable(self) -> bool:
        """Whether pages may be kept from one layout pass into the next and written in
        batches: only with studygen's own templates and themes (a project's may count
        across pages, with a Jinja loop or a CSS counter), and with the WeasyPrint release
        whose internals this was checked against."""
        builtin = themes.builtin_dir().resolve()
        own = any(
            theme.folder is not None and not theme.folder.resolve().is_relative_to(builtin)
            for theme in self.theme.chain()
        )
        return self.options.templates is None and not own and pdf.engine_known()

    @property
    def identifier(self) -> bytes:
        """The PDF's file identifier: stable for a source and an output, so builds repeat."""
        key = f"{self.source.path.name}:{self.output}"
        return hashlib.sha256(key.encode()).hexdigest()[:32].encode()

    def _roots(self) -> list[Path]:
        # Files a page may use: the source's folder, and a project's whole templates folder
        # (a theme's fonts and pictures sit beside its stylesheets).
        templates = self.options.templates
        roots = [self.source.root, *([templates.resolve()] if templates else [])]
        roots += themes.template_dirs(self.theme)  # a theme's fonts and pictures
        return roots + ([self.source.media] if self.source.media else [])  # --media pictures

    def check_refusals(self, rendered: pdf.Rendered) -> None:
        """Fail the source for every file or address the page asked for and was refused."""
        if rendered.refusals:
            raise SourceError(pdf.refusal_problems(self.source, rendered.refusals))

    def layout_warnings(self, rendered: pdf.Rendered) -> list[Problem]:
        """What WeasyPrint said while laying out, as warnings of the source."""
        return pdf.warning_problems(self.source, self.output, rendered.warnings)

    def check_pages(self, rendered: pdf.Rendered) -> None:
        """Refuse an output longer than ``max_pages``."""
        limit = self.options.max_pages
        if rendered.pages > limit:
            raise SourceError.single(
                self.source.path, 0, 0,
                f"the {self.output} has {rendered.pages} pages, over the limit of {limit} "
                "(max_pages in studygen.toml)",
            )  # fmt: skip
