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


def numpy_scalar_const(x):
    """A number as the constant NumPy 2 promotes it as (NEP 50): a Python number is weak (it takes
    the array's dtype); a NumPy scalar is strong where that changes a result's dtype with adjit's
    dtypes: np.int32(3) or np.int64(3) times a float32 array is float64 in NumPy, and np.uint32's
    values are int64's. int8/int16/uint8/uint16 and float16 promote with bool, int32, int64,
    float32 and float64 as a Python number does, so they become one (adjit has no such dtype)."""
    if not isinstance(x, np.generic) or isinstance(x, (np.float32, np.float64, np.int32, np.int64)):
        return x
    if isinstance(x, (np.uint32, np.uint64)):
        return np.int64(x) if x <= np.iinfo(np.int64).max else np.float64(x)  # uint64 + int64 is float64 in NumPy
    return x.item()


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
