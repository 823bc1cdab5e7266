"""Rows along an axis: cumulative sums and products, sorting (issue 12, item 4).

Each row works along one axis (an int, normalized by the frontend; `axis=None`, NumPy's raveled
array, is a reshape first). The frontend's forms (compiler/frontend/forms/statistics.py) bind
NumPy's calls to these rows; codegen/scans.py renders them (NumPy in the readable rendering,
generated loop nests in the lowered one: Numba's np.cumsum / np.cumprod take no axis).

- `cumsum`: its VJP is the reversed cumulative sum of g (the row's `reverse` attribute: the sum
  from each element to the end of its lane), its JVP the cumulative sum of the tangent.
- `cumprod`: an exact VJP that never divides by x (so zeros in x are fine), O(n) per lane:
      dx_k = E_k * S_k,  E_k = prod_{j<k} x_j (the exclusive product: y shifted by one, 1 first),
                         S_k = sum_{i>=k} g_i prod_{k<j<=i} x_j,  i.e.  S_k = g_k + x_{k+1} S_{k+1},
  the second a first-order linear recurrence run backwards: the `linrec` row below.
- `linrec(a, b)`: s_0 = b_0, s_k = b_k + a_k s_{k-1} along the axis (a_0 unused); with
  `transpose=True` the transposed system, run backwards: s_{n-1} = b_{n-1}, s_k = b_k + a_{k+1} s_{k+1}.
  Each is the other's VJP in b (s = L^-1 b, L lower bidiagonal with -a on the subdiagonal), so
  linrec is differentiable to any order and cumprod's derivatives stay exact.
- `argsort`: a stable sort's permutation (int64, not differentiable). `np.sort` is a form:
  argsort, then a gather along the axis (primitives/arrays.py), so its VJP is a scatter-add of g
  back through the permutation. Ties: the stable order (NumPy's own default sort is not stable;
  any consistent permutation gives the same sorted values).
"""
from __future__ import annotations

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from .table import CUSTOM, _tsum, npx, primitive

_FULL = ("slice", None, None, None)


def _check_axis(x, axis, name):
    if x.type.kind != "array" or x.type.rank == 0:
        raise AdjitTypeError(f"{name} needs an array of at least one dimension")
    if not isinstance(axis, int) or not 0 <= axis < x.type.rank:
        raise ShapeError(f"axis {axis} is out of bounds for an array of dimension {x.type.rank}")


def _scan_abstract(x, axis, reverse=False, _name="cumsum", **_):
    _check_axis(x, axis, _name)
    dtype = x.type.dtype
    if dtype in ("bool", "int8", "int16", "int32"):
        dtype = "int64"  # NumPy accumulates small ints in the platform int
    elif dtype in ("uint8", "uint16", "uint32"):
        dtype = "uint64"
    return S.make(dtype, tuple(x.shape))


def _lane(v, axis, start, stop):
    """v[..., start:stop, ...] along axis (None: omitted bound)."""
    ins = [v]
    item = ["slice", None, None, None]
    for pos, bound in ((1, start), (2, stop)):
        if bound is not None:
            ins.append(bound)
            item[pos] = len(ins) - 1
    return v.builder.emit_vars("getitem", tuple(ins), {"index": (_FULL,) * axis + (tuple(item),)})


def _shift_down(v, axis, fill):
    """[fill, v_0, ..., v_{n-2}] along axis (fill: 0 or 1, in v's dtype)."""
    first = _lane(v, axis, 0, 1)
    pad = npx.ones_like(first) if fill == 1 else npx.zeros_like(first)
    return npx.concatenate(pad, _lane(v, axis, None, -1), axis=axis)


def _shift_up(v, axis):
    """[v_1, ..., v_{n-1}, 0] along axis."""
    return npx.concatenate(_lane(v, axis, 1, None), npx.zeros_like(_lane(v, axis, 0, 1)), axis=axis)


# ------------------------------------------------------------------------------------ cumsum


primitive("cumsum", _scan_abstract, sources=(np.cumsum, ".cumsum"), params=("a", "axis"), defaults=(("axis", None),),
          readable=CUSTOM,
          vjp=lambda g, y, x, axis, reverse=False: (npx.cumsum(g, axis=axis, reverse=not reverse),),
          jvp=lambda t, y, x, axis, reverse=False: npx.cumsum(t[0], axis=axis, reverse=reverse))


# ----------------------------------------------------------------------------------- cumprod


def _cumprod_vjp(g, y, x, axis):
    # dx_k = (prod_{j<k} x_j) * S_k with S_k = g_k + x_{k+1} S_{k+1}: no division, exact with zeros
    return (_shift_down(y, axis, 1) * npx.linrec(x, g, axis=axis, transpose=True),)


def _cumprod_jvp(t, y, x, axis):
    # y'_k = x'_k prod_{j<k} x_j + x_k y'_{k-1}
    return npx.linrec(x, t[0] * _shift_down(y, axis, 1), axis=axis, transpose=False)


primitive("cumprod", lambda x, axis, **kw: _scan_abstract(x, axis, _name="cumprod"), sources=(np.cumprod, ".cumprod"),
          params=("a", "axis"), defaults=(("axis", None),), readable=CUSTOM, vjp=_cumprod_vjp, jvp=_cumprod_jvp)


# ---------------------------------------------------------------------- linear recurrence


def _linrec_abstract(a, b, axis, transpose=False, **_):
    _check_axis(b, axis, "linrec")
    if a.type.kind != "array" or tuple(a.shape) != tuple(b.shape):
        raise ShapeError(f"linrec: coefficients of shape {tuple(a.shape)} for terms of shape {tuple(b.shape)}")
    dtype = np.result_type(np.dtype(a.type.dtype), np.dtype(b.type.dtype), np.float32).name
    return S.make(dtype, tuple(b.shape))


def _linrec_vjp(g, s, a, b, axis, transpose):
    gb = npx.linrec(a, g, axis=axis, transpose=not transpose)
    if not transpose:  # s_k = b_k + a_k s_{k-1}: da_k = gb_k s_{k-1}
        ga = gb * _shift_down(s, axis, 0)
    else:  # s_{k-1} = b_{k-1} + a_k s_k: da_k = gb_{k-1} s_k
        ga = _shift_down(gb, axis, 0) * s
    return ga, gb


def _linrec_jvp(t, s, a, b, axis, transpose):
    ta, tb = t
    if ta is None:
        drive = tb
    elif not transpose:  # s'_k = b'_k + a'_k s_{k-1} + a_k s'_{k-1}
        drive = _tsum(tb, ta * _shift_down(s, axis, 0))
    else:  # s'_k = b'_k + a'_{k+1} s_{k+1} + a_{k+1} s'_{k+1}
        drive = _tsum(tb, _shift_up(ta * s, axis))
    if drive is None:
        return None
    return npx.linrec(a, drive, axis=axis, transpose=transpose)


# Internal (the VJP and JVP of cumprod): no spelling a user writes.
primitive("linrec", _linrec_abstract, params=("a", "b"), readable=CUSTOM, vjp=_linrec_vjp, jvp=_linrec_jvp)


# ------------------------------------------------------------------------------------ argsort


def _argsort_abstract(x, axis, **_):
    _check_axis(x, axis, "argsort")
    if x.type.dtype == "bool":
        raise AdjitTypeError("argsort of a bool array is not supported", hint="cast it: x.astype(np.int64)")
    return S.make("int64", tuple(x.shape))


# A stable sort's permutation along axis (np.argsort(x, axis, kind='stable')); NaNs go last.
primitive("argsort", _argsort_abstract, sources=(np.argsort, ".argsort"), differentiable=False,
          params=("a", "axis"), defaults=(("axis", -1),), readable=CUSTOM)


# ------------------------------------------------------------------------------------ running extremes
def _running_abstract(x, axis, **_):
    _check_axis(x, axis, "np.maximum.accumulate")
    return S.make(x.type.dtype, tuple(x.shape))


# np.maximum.accumulate / np.minimum.accumulate along axis, on data only (forms/common.py: the
# positions of the running extremes; the value is a gather of x there, which carries the gradient)
primitive("running_max", _running_abstract, differentiable=False, params=("x",),
          readable="np.maximum.accumulate({0}, axis={axis})", lowered="_special.running_max({0}, {axis})")
primitive("running_min", _running_abstract, differentiable=False, params=("x",),
          readable="np.minimum.accumulate({0}, axis={axis})", lowered="_special.running_min({0}, {axis})")


def _bincount_index_abstract(x, n, **_):
    if x.type.kind != "array" or x.type.rank != 1 or x.type.dtype not in ("int64", "int32", "int16", "int8",
                                                                              "uint8", "uint16", "uint32"):
        raise AdjitTypeError("np.bincount takes a 1-D array of non-negative ints",
                             hint="x.astype(np.int64) of a float array holding integers")
    return S.make(x.type.dtype, tuple(x.shape))


# np.bincount's indices x, checked 0 <= x < n when the function runs (runtime/running.py): ValueError else
primitive("bincount_index", _bincount_index_abstract, differentiable=False, view=True, params=("x",),
          readable="{0:as_is}", lowered="_special.bincount_index({0:as_is}, {n})")
