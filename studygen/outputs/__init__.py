"""The outputs studygen makes from a source, one module each, and their registry.

Adding an output is adding its module (implementing :class:`base.Output`) and one line
here; ``--only``, ``only`` in studygen.toml and the build order come from this list.
Outputs in ``BY_DEFAULT`` are built unless told otherwise; the others only when ``--only``,
``only``, a source's ``outputs:`` or the project's ``outputs`` names them.
Modules are imported when an output is made, so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.outputs.base import Output

# output name → module that holds its ``OUTPUT``, in the order outputs are built
REGISTRY = {
    "handout": "studygen.outputs.handout",
    "flashcards": "studygen.outputs.flashcards",
    "key-points": "studygen.outputs.key_points",
    "worksheet": "studygen.outputs.worksheet",
    "answer-key": "studygen.outputs.answer_key",
}
NAMES = tuple(REGISTRY)
# What a build makes when neither the command, the project nor the source chooses.
BY_DEFAULT = ("handout", "flashcards", "key-points")


def selected(only: Sequence[str] | None, listed: Sequence[str] | None) -> tuple[str, ...]:
    """The outputs to build, in build order.

    ``only`` (``--only``, or ``only`` in studygen.toml) wins; otherwise the outputs ``listed``
    by the source (``outputs:``) or the project (``outputs`` in studygen.toml); otherwise
    those built by default.
    """
    chosen = only if only is not None else listed if listed is not None else BY_DEFAULT
    return tuple(name for name in NAMES if name in chosen)


def get(name: str) -> Output:
    """The output called ``name``."""
    output: Output = import_module(REGISTRY[name]).OUTPUT
    return output
