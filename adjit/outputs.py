"""Structured outputs of the transformations: a function returning a tuple (or list) of arrays and
numbers, nested. The compiled code returns such a result as nested tuples; vjp's pullback takes
its cotangent in the same structure (one leaf per output leaf, flattened in order as
compiler/jit/compiled._output_leaves flattens the result), and the Jacobians nest as JAX's do:
the output's structure outside, the argument's inside."""
from __future__ import annotations

import numpy as np

from .compiler.errors import ArgumentError


def is_structured(out) -> bool:
    return isinstance(out, (tuple, list))


def leaves(out) -> list:
    """The leaves of a (nested) tuple or list, in order; an array or number is its own leaf."""
    if is_structured(out):
        return [x for item in out for x in leaves(item)]
    return [out]


def rebuild(like, items):
    """`like`'s (nested) tuple structure with its leaves replaced by `items`, in order."""
    it = iter(items)

    def build(x):
        return tuple(build(i) for i in x) if is_structured(x) else next(it)

    return build(like)


def describe(out) -> str:
    if is_structured(out):
        return "(" + ", ".join(describe(x) for x in out) + ("," if len(out) == 1 else "") + ")"
    return f"array{np.shape(out)}" if isinstance(out, np.ndarray) else "number"


def is_float(x) -> bool:
    return np.asarray(x).dtype.kind == "f"


def cotangent_leaves(ct, out, like) -> list:
    """The cotangent's leaves for the float leaves of the structured output `out`, each as the
    compiled code reads it (`like`: transforms._like); a leaf for an integer output must be None
    or zeros (it has no derivative, as JAX's float0)."""
    def flat(c, o, path):
        if is_structured(o):
            if not is_structured(c) or len(c) != len(o):
                raise ArgumentError(f"the cotangent must have the structure of the output, {describe(out)}; "
                                    f"at output{path} it has {describe(c) if c is not None else 'None'}")
            return [x for i, (ci, oi) in enumerate(zip(c, o)) for x in flat(ci, oi, f"{path}[{i}]")]
        return [(c, o, path)]

    cts = []
    for c, o, path in flat(ct, out, ""):
        if not is_float(o):
            if c is not None and np.any(np.asarray(c) != 0):
                raise ArgumentError(f"output{path} is an integer, which has no derivative: its cotangent must be "
                                    "None or zeros")
            continue
        if c is None:
            c = np.zeros_like(o) if isinstance(o, np.ndarray) else 0.0
        cts.append(like(c, o, f"the cotangent of output{path}"))
    return cts
