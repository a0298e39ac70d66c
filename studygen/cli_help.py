"""How ``--help`` is shown: plain text, options under headings, commands with their whole line.

The command line keeps Typer's plain help (``rich_markup_mode=None``), so ``studygen --help``
starts without importing Rich and its Markdown and syntax renderers: the options of a
command keep their headings (``Handout``, ``Flashcards``…, what ``rich_help_panel`` names),
and each command is listed with its whole first sentence, wrapped rather than cut.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup


class Sections(TyperCommand):
    """A command whose ``--help`` lists its options under headings."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            heading = "Arguments" if param.param_type_name == "argument" else "Options"
            heading = getattr(param, "rich_help_panel", None) or heading
            sections.setdefault(heading, []).append(record)
        for heading, records in sections.items():
            with formatter.section(heading):
                formatter.write_dl(records)


class Commands(TyperGroup):
    """A group whose ``--help`` gives each command's first sentence whole, wrapped."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
