"""Jinja's sandbox with bounds on size: a template may not build a value the machine cannot hold.

Jinja's own sandbox stops a template from reaching Python's internals and caps
``range`` at 100,000 items. It does not stop ``{{ 'x' * 3 * 10**9 }}``, ``10 ** 10 ** 10``
or a string doubled in a loop. Here every ``*``, ``**``, ``+``, ``%`` and ``~`` is
checked before (or, for ``~``, right after) it builds its value, and so is every
number handed to a filter or a method (``'x'|center(10**9)``). How long a template
may run is bounded by the time budget of its source (``limits.deadline``).
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any

from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment

MAX_VALUE = 10_000_000  # characters of a string, items of a list
MAX_POWER_BITS = 100_000  # bits of an integer ``a ** b`` may make


def _too_big(size: int) -> SecurityError:
    return SecurityError(f"a value of {size} characters or items, over {MAX_VALUE}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sized, count in ((left, right), (right, left)):
            if (
                isinstance(sized, Sized)
                and isinstance(count, int)
                and len(sized) * count > MAX_VALUE
            ):
                raise _too_big(len(sized) * count)
    elif operator == "+":
        if (
            isinstance(left, Sized)
            and isinstance(right, Sized)
            and len(left) + len(right) > MAX_VALUE
        ):
            raise _too_big(len(left) + len(right))
    elif operator == "**":
        big = isinstance(left, int) and isinstance(right, int) and abs(left) > 1
        if big and right * abs(left).bit_length() > MAX_POWER_BITS:
            raise SecurityError(f"{left} ** {right} is too large a number")
    elif operator == "%" and isinstance(left, str):
        values = right if isinstance(right, tuple) else (right,)
        _check_arguments(values, {})


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and abs(value) > MAX_VALUE:
            raise SecurityError(f"the number {value} is over {MAX_VALUE}, refused as an argument")


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs)  # the value filtered is not a size
        return function(*args, **kwargs)

    for marker in ("jinja_pass_arg",):
        if hasattr(function, marker):
            setattr(bounded, marker, getattr(function, marker))
    return bounded


def bounded_concat(value: Any) -> Any:
    """The result of ``~``, refused once it is too long (it at most doubles each step)."""
    if isinstance(value, Sized) and len(value) > MAX_VALUE:
        raise _too_big(len(value))
    return value


class _Generator(CodeGenerator):
    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(SandboxedEnvironment):
    """A sandboxed environment whose operators, filters and calls cannot build huge values."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _Generator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bounded_concat = bounded_concat
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Check the size of what ``left operator right`` would make, then make it."""
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Refuse a huge number as an argument (``'x'.center(10**9)``), then call."""
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)
