"""Rows that build and join arrays: concatenate, stack (of arrays or of scalars: `np.array([a, b])`),
and the diagonal of a matrix with its adjoint, the embedding of a vector as a diagonal.

Everything else of NumPy's joining and building vocabulary (np.hstack, np.vstack, np.split, np.roll,
np.eye, np.tri, np.tril, np.triu, np.trace, np.linspace, ...) is lowered by the frontend
(compiler/frontend/forms/) into these rows and the others."""
from __future__ import annotations

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from .table import CUSTOM, npx, primitive


def _strong_dtype(avals) -> str:
    """The dtype NumPy gives an array built from these operands: Python numbers count as
    float64 / int64 / bool (np.array([1.0, 2]) is float64), as np.result_type of arrays."""
    return np.result_type(*[np.dtype(a.type.dtype) for a in avals]).name


def _same_extent(dims, what):
    known = {d for d in dims if d is not None}
    if len(known) > 1:
        raise ShapeError(f"{what}: all the input array dimensions except the joining axis must match "
                         f"exactly, but they are {sorted(known)}")
    return known.pop() if known else None


# -------------------------------------------------------------------------------- concatenate


def _concatenate_abstract(*xs, axis, **_):
    if not xs:
        raise ShapeError("need at least one array to concatenate")
    if any(x.type.kind != "array" for x in xs):
        raise ShapeError("zero-dimensional arrays cannot be concatenated")
    rank = xs[0].type.rank
    if any(x.type.rank != rank for x in xs):
        raise ShapeError("all the input arrays must have the same number of dimensions, but they have "
                         f"{[x.type.rank for x in xs]}")
    if not 0 <= axis < rank:
        raise ShapeError(f"axis {axis} is out of bounds for an array of dimension {rank}")
    shape = []
    for k in range(rank):
        dims = [x.shape[k] for x in xs]
        if k == axis:
            shape.append(None if None in dims else sum(dims))
        else:
            shape.append(_same_extent(dims, "np.concatenate"))
    return S.make(_strong_dtype(xs), tuple(shape))


def _extent(x, axis):
    """x's extent along axis: a constant when known, else read from its shape at run time."""
    d = x.aval.shape[axis]
    return d if d is not None else x.shape[axis]


def _concatenate_vjp(g, y, *xs, axis):
    out, start = [], 0
    for x in xs:
        stop = start + _extent(x, axis)
        index = (("slice", None, None, None),) * axis + (("slice", 1, 2, None),)
        out.append(g.builder.emit_vars("getitem", (g, start, stop), {"index": index}))
        start = stop
    return tuple(out)


def _zero_tangents(t, xs):
    return [npx.zeros_like(x) if tk is None else tk for tk, x in zip(t, xs)]


primitive("concatenate", _concatenate_abstract, sources=(np.concatenate,), params=("arrays", "axis"),
          defaults=(("axis", 0),), readable=CUSTOM,
          vjp=_concatenate_vjp,
          jvp=lambda t, y, *xs, axis: npx.concatenate(*_zero_tangents(t, xs), axis=axis))


# ------------------------------------------------------------------------------------- stack


def _stack_abstract(*xs, axis, **_):
    if not xs:
        raise ShapeError("need at least one array to stack")
    kinds = {x.type.kind for x in xs}
    if not kinds <= {"array", "scalar"}:
        raise AdjitTypeError("np.stack / np.array take arrays and numbers")
    ranks = {x.type.rank if x.type.kind == "array" else 0 for x in xs}
    if len(ranks) > 1:
        raise ShapeError("all input arrays must have the same shape (they have different dimensions)")
    rank = ranks.pop()
    if not 0 <= axis <= rank:
        raise ShapeError(f"axis {axis} is out of bounds for an array of dimension {rank + 1}")
    inner = tuple(_same_extent([x.shape[k] for x in xs], "np.stack") for k in range(rank))
    return S.make(_strong_dtype(xs), inner[:axis] + (len(xs),) + inner[axis:])


def _stack_vjp(g, y, *xs, axis):
    index = (("slice", None, None, None),) * axis + (("int", 1),)
    return tuple(g.builder.emit_vars("getitem", (g, k), {"index": index}) for k in range(len(xs)))


def _stack_jvp(t, y, *xs, axis):
    ts = []
    for tk, x in zip(t, xs):
        if tk is None:  # a zero tangent of x's kind and dtype
            tk = npx.zeros_like(x) if x.type.kind == "array" else y.builder.emit_vars("astype", (0.0,), {"dtype": x.dtype})
        ts.append(tk)
    return npx.stack(*ts, axis=axis)


primitive("stack", _stack_abstract, sources=(np.stack,), params=("arrays", "axis"), defaults=(("axis", 0),),
          readable=CUSTOM, vjp=_stack_vjp, jvp=_stack_jvp)


# ---------------------------------------------------------------------------- diagonals


def _diag_len(n, m, k):
    if n is None or m is None:
        return None
    return max(0, min(n - max(-k, 0), m - max(k, 0)))


def _diagonal_abstract(x, offset, **_):
    if x.type.kind != "array" or x.type.rank < 2:
        raise ShapeError("diag requires an array of at least two dimensions")
    n, m = x.shape[-2:]
    return S.make(x.type.dtype, tuple(x.shape[:-2]) + (_diag_len(n, m, offset),))


def _diagonal_vjp(g, y, x, offset):
    n, m = x.aval.shape[-2:]
    if n is None or m is None:
        raise ShapeError("the gradient of a diagonal needs the matrix's extent when the call is compiled")
    return (npx.diag_embed(g, offset=offset, rows=n, cols=m),)


# the diagonal (offset k) of the last two axes, NumPy's np.diagonal(x, k, -2, -1): a (read-only) view
primitive("diagonal", _diagonal_abstract, sources=(np.diagonal,), params=("a", "offset"),
          defaults=(("offset", 0),), view=True, readable=CUSTOM,
          vjp=_diagonal_vjp,
          jvp=lambda t, y, x, offset: npx.diagonal(t[0], offset=offset))


def _diag_embed_abstract(v, offset, rows=None, cols=None, **_):
    if v.type.kind != "array":
        raise ShapeError("np.diag takes a 1-D or 2-D array")
    L = v.shape[-1]
    if rows is None:  # np.diag(v, k): the square matrix of side len(v) + |k|
        rows = cols = None if L is None else L + abs(offset)
    elif L is not None and _diag_len(rows, cols, offset) != L:
        raise ShapeError(f"a diagonal of {L} elements does not fit a ({rows}, {cols}) matrix at offset {offset}")
    return S.make(v.type.dtype, tuple(v.shape[:-1]) + (rows, cols))


# a vector (the last axis) laid along diagonal k of a zero matrix: np.diag(v, k) for a 1-D v
primitive("diag_embed", _diag_embed_abstract, sources=(np.diag,), params=("v", "k"), defaults=(("k", 0),),
          readable=CUSTOM,
          vjp=lambda g, y, v, offset, rows=None, cols=None: (npx.diagonal(g, offset=offset),),
          jvp=lambda t, y, v, offset, rows=None, cols=None: npx.diag_embed(t[0], offset=offset, rows=rows,
                                                                          cols=cols))
