"""Linear algebra rows: matmul (and dot), outer."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import CUSTOM, _tsum, npx, primitive


# -------------------------------------------------------------------------------- linear algebra


def _matmul_abstract(x, y, **_):
    if x.type.rank not in (1, 2) or y.type.rank not in (1, 2):
        raise AdjitTypeError(
            f"@ / matmul / dot takes 1-D and 2-D arrays here, got {x.type.rank}-D and {y.type.rank}-D",
            hint="for batched products write a loop or reshape to 2-D")
    t = S.promote(x.type, y.type)
    if t.dtype not in ("float32", "float64"):
        raise AdjitTypeError(f"@ / matmul / dot needs float arrays, got {x.type.dtype} and {y.type.dtype}",
                             hint="convert with .astype(np.float64)")
    k1 = x.shape[-1]
    k2 = y.shape[0]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError(f"matmul: inner dimensions differ: {tuple(x.shape)} @ {tuple(y.shape)}")
    return S.make(t.dtype, tuple(x.shape[:-1]) + tuple(y.shape[1:]))


def _matmul_vjp(g, z, x, y):
    if x.rank == 2 and y.rank == 2:
        return g @ y.T, x.T @ g
    if x.rank == 2:  # matrix @ vector
        return npx.outer(g, y), x.T @ g
    if y.rank == 2:  # vector @ matrix
        return y @ g, npx.outer(x, g)
    return g * y, g * x  # dot of two vectors


primitive("matmul", _matmul_abstract, sources=("@", np.matmul, np.dot), vjp=_matmul_vjp, params=("a", "b"),
          readable="{0} @ {1}", lowered=CUSTOM,  # the cached runtime product (runtime/linalg.py)
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] @ y, None if t[1] is None else x @ t[1]))


def _outer_abstract(x, y, **_):
    if x.type.rank != 1 or y.type.rank != 1:
        raise AdjitTypeError("np.outer takes two 1-D arrays here")
    return S.make(S.promote(x.type, y.type).dtype, (x.shape[0], y.shape[0]))


primitive("outer", _outer_abstract, sources=(np.outer,), params=("a", "b"), readable="np.outer({0}, {1})",
          lowered=CUSTOM,  # Numba needs one dtype: the narrower operand cast
          vjp=lambda g, z, x, y: (g @ y, x @ g),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else npx.outer(t[0], y),
                                       None if t[1] is None else npx.outer(x, t[1])))
