"""Rows of the tape, array creation, ints and tuples."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import CUSTOM, STATEMENT, _tsum, npx, primitive


def _tape_push_abstract(v, tape, **_):
    return Abstract(NONE_TYPE, ())


def _tape_pop_abstract(tape, like, **_):
    return like


def _trip_count_abstract(start, stop, step, **_):
    vals = [start.value, stop.value, step.value]
    n = len(range(*vals)) if None not in vals and vals[2] != 0 else None
    return Abstract(scalar_type("int64", True), (), n)


# The reverse sweep's tape: a stack per recorded value, pushed in the forward sweep and popped
# in the reverse sweep (side effects: never merged or removed by the passes).
primitive("tape_push", _tape_push_abstract, differentiable=False, readable=STATEMENT, effect="tape")
primitive("tape_pop", _tape_pop_abstract, differentiable=False, readable=STATEMENT, effect="tape")
# `assert cond, msg` on a value known only when the function runs (frontend/closures.py): raises
# AssertionError(msg) where Python would; never removed, merged or moved past a write.
primitive("check", lambda cond, **_: Abstract(NONE_TYPE, ()), differentiable=False, readable=STATEMENT, effect="check")
primitive("trip_count", _trip_count_abstract, differentiable=False, readable="len(range({0}, {1}, {2}))")

# ------------------------------------------------------------------------------------- creation


def _fill_abstract(shape, dtype="float64", **_):
    if shape.type.kind == "tuple":
        dims = tuple(shape.value) if shape.value is not None else (None,) * len(shape.type.elems)
    else:
        dims = (shape.value,)
    if any(d is not None and d < 0 for d in dims):
        raise ShapeError(f"negative dimensions are not allowed: {dims}")
    return S.make(dtype, dims)


def _like_abstract(x, dtype=None, **_):
    return S.make(dtype or x.type.dtype, x.shape)


def _full_abstract(shape, fill, dtype=None, **_):
    out = _fill_abstract(shape, dtype or S.promote(fill.type).dtype)
    return out


def _arange_abstract(start, stop, step, **_):
    vals = [start.value, stop.value, step.value]
    for v in (start, stop, step):
        if v.type.kind != "scalar" or v.type.dtype == "bool":
            raise AdjitTypeError("np.arange takes numbers (start, stop, step)")
    if vals[2] == 0:
        raise ShapeError("np.arange: the step cannot be zero")
    if all(v.type.dtype in ("int64", "int32") for v in (start, stop, step)):
        n = len(range(*vals)) if None not in vals else None
        return S.make("int64", (n,))
    # float arguments: NumPy's length, ceil((stop - start) / step), and its dtype
    n = None if None in vals else max(0, math.ceil((vals[1] - vals[0]) / vals[2]))
    return S.make(S.promote(start.type, stop.type, step.type).dtype, (n,))


def _stop_gradient_abstract(x, **_):
    return Abstract(x.type, x.shape)


primitive("arange", _arange_abstract, sources=(np.arange,), differentiable=False, params=("start", "stop", "step"),
          readable=CUSTOM)
# Identity in the forward sweep; no derivative flows through it (as jax.lax.stop_gradient).
primitive("stop_gradient", _stop_gradient_abstract, elementwise=True, differentiable=False,
          readable="stop_gradient({0:as_is})", lowered="{0:as_is}")
# `x[lag:] * x[:-lag]`: two operands whose extent along an axis is known only at run time. The
# builder (builder._pin_shapes) compiles the line for equal extents and checks them where the value
# is used: input 0 itself (a view of it), after checking that its extent along `axis` is input 1's
# along `ref_axis` (runtime/bounds.pinned: NumPy's broadcast ValueError otherwise).
primitive("pin_extent", lambda x, ref, **_: Abstract(x.type, x.shape), view=True, nondiff_inputs=(1,), params=("x", "ref"),
          readable="{0:as_is}", lowered="_bounds.pinned({0:as_is}, {1:as_is}.shape[{ref_axis}], {axis})",
          vjp=lambda g, y, x, ref, axis, ref_axis: (g, None),
          jvp=lambda t, y, x, ref, axis, ref_axis: t[0])
# np.linalg.svd(A) (full_matrices=True) of a matrix whose row count is known only at run time:
# adjit takes the thin factors, which are the full ones' for a matrix at least as tall as wide;
# input 0 itself, checked to be so where it is used (runtime/bounds.tall: a ValueError otherwise).
primitive("require_tall", lambda x, **_: Abstract(x.type, x.shape), view=True, params=("x",),
          readable="{0:as_is}", lowered="_bounds.tall({0:as_is})",
          vjp=lambda g, y, x: (g,), jvp=lambda t, y, x: t[0])
primitive("zeros", _fill_abstract, sources=(np.zeros, np.empty), differentiable=False, params=("shape", "dtype"), defaults=(("dtype", float),), 
          readable="np.zeros({0}, dtype=np.{dtype})", lowered="_alloc.full({0}, 0, np.{dtype})")
primitive("ones", _fill_abstract, sources=(np.ones,), differentiable=False, params=("shape", "dtype"), defaults=(("dtype", float),), 
          readable="np.ones({0}, dtype=np.{dtype})", lowered="_alloc.full({0}, 1, np.{dtype})")
primitive("zeros_like", _like_abstract, sources=(np.zeros_like, np.empty_like), differentiable=False,
          params=("a", "dtype"), defaults=(("dtype", None),), readable=CUSTOM)
primitive("ones_like", _like_abstract, sources=(np.ones_like,), differentiable=False, params=("a", "dtype"), defaults=(("dtype", None),), readable=CUSTOM)
primitive("full", _full_abstract, sources=(np.full,), nondiff_inputs=(0,), readable=CUSTOM,
          params=("shape", "fill_value", "dtype"), defaults=(("dtype", None),),
          vjp=lambda g, y, shape, fill, dtype=None: (None, npx.sum(g, axis=tuple(range(g.rank)), keepdims=False)),
          jvp=lambda t, y, shape, fill, dtype=None: npx.full(shape, t[1], dtype=y.dtype))

# ------------------------------------------------------------------------------ ints and tuples


def _shape_abstract(x, **_):
    n = x.type.rank
    elems = (scalar_type("int64", True),) * n
    value = tuple(x.shape) if all(d is not None for d in x.shape) else None
    return Abstract(Type("tuple", elems=elems), (), value)


def _tuple_abstract(*items, **_):
    value = tuple(i.value for i in items) if all(i.value is not None for i in items) else None
    return Abstract(Type("tuple", elems=tuple(i.type for i in items)), (), value)


def _size_abstract(x, **_):
    known = all(d is not None for d in x.shape)
    return Abstract(scalar_type("int64", True), (), int(np.prod(x.shape, dtype=np.int64)) if known else None)


def _const_abstract(value, **_):
    if isinstance(value, bool):
        return Abstract(scalar_type("bool", True), (), value)
    if isinstance(value, int):
        return Abstract(scalar_type("int64", True), (), value)
    if isinstance(value, float) and not isinstance(value, np.generic):  # np.float64 is a float, but not weak
        return Abstract(scalar_type("float64", True), (), value)
    if isinstance(value, np.generic):
        return Abstract(scalar_type(value.dtype.name, False), (), value.item())
    if value is None:
        return Abstract(NONE_TYPE, (), None)
    raise AdjitTypeError(f"unsupported constant {value!r}")


primitive("shape", _shape_abstract, sources=(".shape", np.shape), differentiable=False, params=("a",),
          readable="{0}.shape")
primitive("size", _size_abstract, sources=(".size", np.size), differentiable=False, params=("a",),
          readable="{0}.size")
primitive("tuple", _tuple_abstract, differentiable=False, readable=CUSTOM)
primitive("const", _const_abstract, differentiable=False, readable=CUSTOM)
