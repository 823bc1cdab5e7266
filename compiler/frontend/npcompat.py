"""NumPy 2's array-API spellings (issue 12), written with the NumPy adjit lowers: a call of one of
these NumPy objects is lowered by inlining the definition below (adjit's own source, never NumPy's),
as a helper of the user's would be. Each follows NumPy's documented meaning; what it does not cover
is a located error from the definition's check.

`np.matrix_transpose`, `np.vecdot`, `np.cumulative_sum`/`np.cumulative_prod` (with
`include_initial`), `np.unstack`, `np.astype`, and `np.linalg.matrix_norm`, `vector_norm`,
`vecdot`, `trace`, `diagonal`, `outer`, `matmul`, `cross`, `matrix_transpose`, `svdvals`,
`tensordot`."""
from __future__ import annotations

import sys

import numpy as np


def matrix_transpose(x):
    return np.swapaxes(x, -1, -2)


def vecdot(x1, x2, axis=-1):
    return np.sum(np.conj(x1) * x2, axis=axis)  # NumPy conjugates the first operand (complex vectors)


def _cumulative(x, axis, dtype, include_initial, prod):
    if axis is None:
        if np.ndim(x) != 1:
            raise ValueError("axis must be given for an array of more than one dimension")
        axis = 0
    if prod:
        y = np.cumprod(x, axis=axis) if dtype is None else np.cumprod(x, axis=axis, dtype=dtype)
    else:
        y = np.cumsum(x, axis=axis) if dtype is None else np.cumsum(x, axis=axis, dtype=dtype)
    if include_initial:  # the empty sum (0) or product (1) first along the axis
        first = np.ones_like(np.sum(y, axis=axis)) if prod else np.zeros_like(np.sum(y, axis=axis))
        y = np.concatenate([np.expand_dims(first, axis), y], axis=axis)
    return y


def cumulative_sum(x, axis=None, dtype=None, include_initial=False):
    return _cumulative(x, axis, dtype, include_initial, False)


def cumulative_prod(x, axis=None, dtype=None, include_initial=False):
    return _cumulative(x, axis, dtype, include_initial, True)


def unstack(x, axis=0):
    y = np.moveaxis(x, axis, 0)
    return tuple(y[i] for i in range(np.shape(y)[0]))  # items known when compiled: `a, b = np.unstack(X)`


def astype(x, dtype, copy=True):
    return np.asarray(x).astype(dtype)


def matrix_norm(x, keepdims=False, ord="fro"):
    return np.linalg.norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def vector_norm(x, axis=None, keepdims=False, ord=2):
    if axis is None:
        n = np.linalg.norm(np.ravel(x), ord=ord)
        return np.reshape(n, (1,) * np.ndim(x)) if keepdims else n
    if isinstance(axis, tuple) and len(axis) != 1:  # the norm of the vectors those axes hold, raveled
        nd = np.ndim(x)
        axes = tuple(sorted(a % nd for a in axis))
        rest = tuple(k for k in range(nd) if k not in axes)
        y = np.transpose(x, rest + axes)
        y = np.reshape(y, np.shape(y)[:len(rest)] + (-1,))
        n = np.linalg.norm(y, ord=ord, axis=-1)
        return np.expand_dims(n, axes) if keepdims else n
    return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def trace(x, offset=0, dtype=None):
    return np.trace(x, offset=offset, axis1=-2, axis2=-1)


def diagonal(x, offset=0):
    return np.diagonal(x, offset=offset, axis1=-2, axis2=-1)


def outer(x1, x2):
    return np.outer(x1, x2)


def matmul(x1, x2):
    return np.matmul(x1, x2)


def cross(x1, x2, axis=-1):
    if axis == -1:
        return np.cross(x1, x2)
    return np.cross(x1, x2, axis=axis)


def svdvals(x):
    return np.linalg.svd(x, compute_uv=False)


def tensordot(x1, x2, axes=2):
    return np.tensordot(x1, x2, axes=axes)


_SPELLINGS = [(np, "matrix_transpose", matrix_transpose), (np, "vecdot", vecdot),
              (np, "cumulative_sum", cumulative_sum), (np, "cumulative_prod", cumulative_prod),
              (np, "unstack", unstack), (np, "astype", astype),
              (np.linalg, "matrix_norm", matrix_norm), (np.linalg, "vector_norm", vector_norm),
              (np.linalg, "vecdot", vecdot), (np.linalg, "trace", trace), (np.linalg, "diagonal", diagonal),
              (np.linalg, "outer", outer), (np.linalg, "matmul", matmul), (np.linalg, "cross", cross),
              (np.linalg, "matrix_transpose", matrix_transpose), (np.linalg, "svdvals", svdvals),
              (np.linalg, "tensordot", tensordot)]
def inline_definition(low, func, args, kwargs, node, written: str):
    """The definition inlined at the user's call; its check's ValueError, and an error adjit raises
    inside the definition (this file is not the user's), a located error at the call."""
    from ..errors import AdjitError, InternalCompilerError, ShapeError

    try:
        return low.inline(func, args, kwargs, node)
    except ValueError as e:
        raise low.err(ShapeError, f"{written}: {e}", node) from None
    except AdjitError as e:
        if isinstance(e, InternalCompilerError) or e.loc is None or e.loc.filename != __file__:
            raise
        raise low.err(type(e), f"{written}: {e.message}", node, hint=e.hint) from None


class _Definitions(dict):
    """id(NumPy's object) -> the definition inlined for it (the spellings this NumPy has); SciPy's
    (scipycompat.py) join once their module is imported (adjit never imports SciPy itself)."""

    scipy_pending = True

    def get(self, key, default=None):
        if self.scipy_pending and "scipy" in sys.modules:
            self._add_scipy()
        return dict.get(self, key, default)

    def _add_scipy(self):
        names = ("scipy.special", "scipy.stats", "scipy.linalg")
        if not any(m in sys.modules for m in names):
            return
        from . import scipycompat

        for mod, name, impl in scipycompat.SPELLINGS:
            if mod in sys.modules and hasattr(sys.modules[mod], name):
                self[id(getattr(sys.modules[mod], name))] = impl
        self.scipy_pending = not all(m in sys.modules for m in names)


DEFINITIONS = _Definitions({id(getattr(mod, name)): impl for mod, name, impl in _SPELLINGS if hasattr(mod, name)})
