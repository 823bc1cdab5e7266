"""What a name can be bound to while lowering: an IR value, a static Python object (a number,
a module, a function), a method not yet called, or nothing on some paths."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Value


@dataclass
class Method:
    """`x.sum` before it is called."""

    name: str
    obj: Value


@dataclass
class Undefined:
    """A name bound on some paths only: using it is an error that says why."""

    name: str
    why: str


_UNDEFINED = object()


def _is_number(x) -> bool:
    return isinstance(x, (bool, int, float, np.integer, np.floating)) and not isinstance(x, np.ndarray)


def shape_arg(shape):
    """A shape argument as a tuple: `x.reshape(a * b)`, `np.broadcast_to(v, n)` take one int (a
    number, or an int value computed from shapes) for a shape of one dimension."""
    one = not isinstance(shape, (tuple, Value)) or isinstance(shape, Value) and shape.type.kind == "scalar"
    return (shape,) if one else shape


def _same_static(a, b) -> bool:
    return type(a) is type(b) and a == b


@dataclass(eq=False)
class LocalFunction:
    """A `def` (or a `lambda` bound to a name) inside the function being lowered: inlined where it
    is called, reading the enclosing names as they are at the call (as Python's closures do)."""

    node: object  # ast.FunctionDef
    defaults: dict  # parameter name -> value, evaluated where the def runs
    env: dict  # the enclosing environment, read at the call
    parsed: object  # the enclosing ParsedFunction (source lines, globals)
