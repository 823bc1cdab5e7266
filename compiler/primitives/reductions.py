"""Reduction rows: sum, mean, max, min over static axes."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import CUSTOM, Reduction, _tsum, npx, primitive


# ------------------------------------------------------------------------------------ reductions


def _reduce_abstract(x, axis, keepdims, **_):
    if x.type.kind not in ("array", "scalar"):
        raise AdjitTypeError("reductions need an array argument")
    out_shape = S.reduced_shape(x.shape, axis, keepdims)
    t = x.type
    if x.type.dtype == "bool":
        t = scalar_type("int64")
    return S.make(t.dtype, out_shape)


def _sum_abstract(x, axis, keepdims, **_):
    """NumPy sums integers narrower than the platform int in the platform's (np.sum of int32 is
    int64, of uint8 uint64)."""
    out = _reduce_abstract(x, axis, keepdims)
    if out.type.dtype in ("uint8", "uint16", "uint32"):
        return S.make("uint64", out.shape)
    return S.make("int64", out.shape) if out.type.dtype in ("int8", "int16", "int32") else out


def _mean_abstract(x, axis, keepdims, **_):
    out = _reduce_abstract(x, axis, keepdims)
    return S.make(S.to_float(out.type).dtype, out.shape)


def _restore(g, x, axis, keepdims):
    """Bring a reduced value back to x's rank (keepdims form) so it broadcasts against x."""
    if keepdims or g.rank == 0 or not axis:
        return g
    return npx.expand_dims(g, axis=axis)


def _spread(g, x, axis, keepdims):
    if x.rank == 0:
        return g
    return npx.broadcast_to(_restore(g, x, axis, keepdims), x.shape)


def _count(x, axis):
    n = 1
    for a in axis:
        n = n * x.shape[a]
    return n


def _extremum_vjp(g, y, x, axis, keepdims):
    # Ties share the cotangent equally (as in PyTorch's amax and JAX's max).
    mask = x == _restore(y, x, axis, keepdims)
    ties = npx.sum(npx.astype(mask, dtype=x.dtype), axis=axis, keepdims=True)
    return (npx.where(mask, _restore(g, x, axis, keepdims) / ties, 0.0),)


def _extremum_jvp(t, y, x, axis, keepdims):
    mask = x == _restore(y, x, axis, keepdims)
    ties = npx.sum(npx.astype(mask, dtype=x.dtype), axis=axis, keepdims=keepdims)
    return npx.sum(npx.where(mask, t[0], 0.0), axis=axis, keepdims=keepdims) / ties


primitive("sum", _sum_abstract, sources=(np.sum, ".sum"), params=("a", "axis", "keepdims"), defaults=(("axis", None), ("keepdims", False)), readable=CUSTOM,
          reduction=Reduction("0.0", int_identity="0"),
          vjp=lambda g, y, x, axis, keepdims: (_spread(g, x, axis, keepdims),),
          jvp=lambda t, y, x, axis, keepdims: npx.sum(t[0], axis=axis, keepdims=keepdims))
primitive("mean", _mean_abstract, sources=(np.mean, ".mean"), params=("a", "axis", "keepdims"), defaults=(("axis", None), ("keepdims", False)), readable=CUSTOM,
          reduction=Reduction("0.0", mean=True),
          vjp=lambda g, y, x, axis, keepdims: (_spread(g, x, axis, keepdims) / _count(x, axis),),
          jvp=lambda t, y, x, axis, keepdims: npx.mean(t[0], axis=axis, keepdims=keepdims))
def _extremum_abstract(x, axis, keepdims, _name="maximum", **kw):
    if x.type.kind == "array" and any(x.shape[a] == 0 for a in axis if a < len(x.shape)):
        raise ShapeError(f"zero-size array to reduction operation {_name} which has no identity",
                         hint="NumPy raises this ValueError too: check the size before reducing")
    out = _reduce_abstract(x, axis, keepdims, **kw)
    return S.make("bool", out.shape) if x.type.dtype == "bool" else out  # np.max of booleans is a bool


primitive("max", functools.partial(_extremum_abstract, _name="maximum"), sources=(np.max, np.amax, ".max"),
          params=("a", "axis", "keepdims"), defaults=(("axis", None), ("keepdims", False)), readable=CUSTOM, reduction=Reduction("-np.inf", keep=">"),
          vjp=_extremum_vjp, jvp=_extremum_jvp)
primitive("min", functools.partial(_extremum_abstract, _name="minimum"), sources=(np.min, np.amin, ".min"),
          params=("a", "axis", "keepdims"), defaults=(("axis", None), ("keepdims", False)), readable=CUSTOM, reduction=Reduction("np.inf", keep="<"),
          vjp=_extremum_vjp, jvp=_extremum_jvp)
