"""The outputs studygen makes from a source, one module each, and their registry.

Adding an output is adding its module (implementing :class:`base.Output`) and one line
here; ``--only``, ``only`` in studygen.toml and the build order come from this list.
Modules are imported when an output is made, so the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studygen.outputs.base import Output

# output name → module that holds its ``OUTPUT``, in the order outputs are built
REGISTRY = {
    "handout": "studygen.outputs.handout",
    "flashcards": "studygen.outputs.flashcards",
    "key-points": "studygen.outputs.key_points",
}
NAMES = tuple(REGISTRY)


def get(name: str) -> Output:
    """The output called ``name``."""
    output: Output = import_module(REGISTRY[name]).OUTPUT
    return output
