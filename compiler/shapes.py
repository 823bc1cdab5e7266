"""Shape and dtype rules shared by the primitives table: broadcasting, promotion, axis normalization.

Dims may be None (unknown); every rule works on partly known shapes, and on concrete shapes it is
the check that runs before compiled code does.
"""
from __future__ import annotations

import numpy as np

from .errors import AdjitTypeError, ShapeError
from .ir import Abstract, Type, array_type, scalar_type

_KIND_ORDER = {"b": 0, "i": 1, "u": 1, "f": 2}


def dtype_kind(dtype: str) -> str:
    return np.dtype(dtype).kind


def promote(*types: Type) -> Type:
    """NumPy 2 (NEP 50) promotion: Python scalars are weak and take the array's dtype."""
    for t in types:  # the frontend makes arrays of lists; this is what reaches a rule otherwise
        if t.kind not in ("scalar", "array"):
            raise AdjitTypeError(f"a {t} where an array or a number is expected",
                                 hint="make it an array first: np.array(...)")
    strong = [t.dtype for t in types if not t.weak]
    weak = [t.dtype for t in types if t.weak]
    if strong:
        dt = np.result_type(*strong).name
        weak_kind = max((_KIND_ORDER[dtype_kind(w)] for w in weak), default=0)
        if weak_kind > _KIND_ORDER[dtype_kind(dt)]:
            dt = "float64" if weak_kind == 2 else "int64"
        return scalar_type(dt, False)
    kind = max(_KIND_ORDER[dtype_kind(w)] for w in weak)
    return scalar_type({0: "bool", 1: "int64", 2: "float64"}[kind], True)


def to_float(t: Type) -> Type:
    """Result type of a float-valued function (exp, tanh, /) of t: ints become float64."""
    if t.dtype in ("float32", "float64"):
        return t
    return scalar_type("float64", t.weak)


def broadcast_shapes(shapes: list, what: str = "operands") -> tuple:
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for k in range(ndim):
        dims = [s[len(s) - ndim + k] for s in shapes if len(s) - ndim + k >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ShapeError(
                f"{what} could not be broadcast together with shapes "
                + " ".join(str(tuple(s)) for s in shapes),
                hint="NumPy broadcasting aligns trailing dimensions; a (n,) bias needs shape (n, 1) to add to columns",
            )
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def broadcast_axes(in_shape: tuple, out_shape: tuple):
    """Axes (in output coordinates) along which an input of in_shape is broadcast to out_shape:
    (leading axes it lacks, size-1 axes that were stretched). None where a dim is unknown."""
    lead = len(out_shape) - len(in_shape)
    stretched = []
    for k, d in enumerate(in_shape):
        o = out_shape[lead + k]
        if d == 1 and o != 1:
            if o is None:
                return None
            stretched.append(lead + k)
        elif d is None and o != 1:
            return None
    return (tuple(range(lead)), tuple(stretched))


def elementwise(args: list, out_type: Type | None = None, what: str = "operands") -> Abstract:
    shape = broadcast_shapes([a.shape for a in args], what)
    t = out_type if out_type is not None else promote(*(a.type for a in args))
    if shape:
        return Abstract(array_type(t.dtype, len(shape)), shape)
    return Abstract(scalar_type(t.dtype, t.weak and all(a.type.weak for a in args)), ())


def normalize_axis(axis, ndim: int, what: str = "axis") -> tuple:
    """None -> all axes; int or tuple, negative allowed -> sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ShapeError(f"{what} {a} is out of bounds for an array of dimension {ndim}")
        a = int(a) % ndim if ndim else 0
        if a in out:
            raise ShapeError(f"repeated {what} {a}")
        out.append(a)
    return tuple(sorted(out))


def reduced_shape(shape: tuple, axes: tuple, keepdims: bool) -> tuple:
    if keepdims:
        return tuple(1 if k in axes else d for k, d in enumerate(shape))
    return tuple(d for k, d in enumerate(shape) if k not in axes)


def make(dtype: str, shape: tuple, weak: bool = False, value=None) -> Abstract:
    if shape:
        return Abstract(array_type(dtype, len(shape)), tuple(shape), value)
    return Abstract(scalar_type(dtype, weak), (), value)
