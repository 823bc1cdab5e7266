"""scipy.interpolate.interp1d made in the function and called there, lowered as SciPy computes it:

    f = interp1d(t, y, kind="linear", axis=-1, bounds_error=None, fill_value=np.nan,
                 assume_sorted=False)
    f(t_new)

- the points sorted first unless `assume_sorted` (a stable argsort of t, y gathered along `axis`);
- `kind="linear"` (or 1, "slinear"): SciPy's `lo = clip(searchsorted(t, t_new), 1, n - 1) - 1`,
  `y_lo + (y_hi - y_lo) / (t_hi - t_lo) * (t_new - t_lo)`, which is also its extrapolation;
  differentiable in y, t and t_new;
- `"previous"`/`"zero"`, `"next"`, `"nearest"` (the midpoints' searchsorted, as SciPy): the
  gathered values (no gradient in t_new, a gather's in y);
- outside [t[0], t[-1]]: ValueError when the function runs (`bounds_error`, SciPy's default
  unless `fill_value="extrapolate"`), else `fill_value` (a number, or a pair below/above), or the
  linear formula for "extrapolate";
- the result's shape is SciPy's: y's shape with `axis` replaced by t_new's shape.
Splines (`"quadratic"`, `"cubic"`, ints above 1) are located errors naming np.interp and a rewrite.
"""
from __future__ import annotations

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value

_KINDS = {"linear": "linear", 1: "linear", "slinear": "linear", "previous": "previous", "zero": "previous",
          0: "previous", "next": "next", "nearest": "nearest"}


def is_interp1d(func) -> bool:
    return isinstance(func, type) and func.__name__ == "interp1d" and \
        (getattr(func, "__module__", "") or "").startswith("scipy.interpolate")


class Interp1d:
    """An interp1d made in the function: its sorted points and options, lowered."""

    def __init__(self, t, y, axis, kind, bounds_error, fill, extrapolate):
        self.t, self.y, self.axis, self.kind = t, y, axis, kind
        self.bounds_error, self.fill, self.extrapolate = bounds_error, fill, extrapolate
        self.__name__ = "an interp1d object"


class Interpolation:
    """The Lowerer's scipy.interpolate.interp1d."""

    def make_interp1d(self, args, kwargs, node) -> Interp1d:
        t, y, kind, axis, _copy, bounds_error, fill, assume_sorted = self.bind_args(
            "interp1d", ("x", "y", "kind", "axis", "copy", "bounds_error", "fill_value", "assume_sorted"), args, kwargs,
            node, kind="linear", axis=-1, copy=True, bounds_error=None, fill_value=np.nan, assume_sorted=False)
        kind = kind if isinstance(kind, str) else self.static(kind, node, "kind")
        if kind not in _KINDS:
            raise self.err(UnsupportedSyntaxError, f"interp1d(kind={kind!r}): a spline is not supported", node,
                           hint="kind='linear' (np.interp for 1-D data), or write the spline's formula")
        kind = _KINDS[kind]
        t, y = self.value(self.array_like(t, node), node), self.value(self.array_like(y, node), node)
        if t.type.kind != "array" or t.type.rank != 1 or y.type.kind != "array":
            raise self.err(AdjitTypeError, "interp1d takes a 1-D x and an array y", node)
        axis = self._axis(axis, y.type.rank, node)
        extrapolate = isinstance(fill, str)
        if extrapolate and fill != "extrapolate":
            raise self.err(AdjitTypeError, f"interp1d: fill_value={fill!r} (a number, a pair or 'extrapolate')", node)
        if extrapolate and kind != "linear":
            raise self.err(UnsupportedSyntaxError, f"interp1d(kind={kind!r}, fill_value='extrapolate')", node,
                           hint="kind='linear', or clip the new points into the range first")
        bounds_error = (not extrapolate) if bounds_error is None else bool(self.static(bounds_error, node,
                                                                                       "bounds_error"))
        if extrapolate and bounds_error:
            raise self.err(AdjitTypeError, "interp1d: cannot extrapolate and raise at the same time (SciPy raises "
                           "ValueError)", node, hint="drop bounds_error=True, or fill_value='extrapolate'")
        n = self._dim(t, 0)
        if isinstance(n, int) and n < 2:
            raise self.err(AdjitTypeError, "interp1d: x and y arrays must have at least 2 entries (SciPy raises "
                           "ValueError)", node)
        if not isinstance(n, int):
            self.b.emit("check", [self.b.emit("ge", [n, self.b.const(2)])], exc="ValueError",
                        msg="x and y arrays must have at least 2 entries")
        if t.type.dtype not in ("float32", "float64"):
            t = self.b.emit("astype", [t], dtype="float64")
        if y.type.dtype not in ("float32", "float64"):
            y = self.b.emit("astype", [y], dtype="float64")
        if not self.static(assume_sorted, node, "assume_sorted"):
            order = self.call_value(np.argsort, [t], {"kind": "stable"}, node)
            t = self.call_value(np.take, [t, order], {}, node)
            y = self.call_value(np.take, [y, order], {"axis": axis}, node)
        fills = fill if isinstance(fill, tuple) else (fill, fill)
        if not extrapolate and len(fills) != 2:
            raise self.err(AdjitTypeError, "interp1d: fill_value a number or a (below, above) pair", node)
        return Interp1d(t, y, axis, kind, bounds_error, None if extrapolate else fills, extrapolate)

    def call_interp1d(self, f: Interp1d, args, kwargs, node):
        if len(args) != 1 or kwargs:
            raise self.err(AdjitTypeError, "an interp1d object takes the new points", node)
        q = self.value(self.array_like(args[0], node), node)
        if q.type.dtype not in ("float32", "float64"):
            q = self.b.emit("astype", [q], dtype="float64")
        emit, const = self.b.emit, self.b.const
        t, y, ax = f.t, f.y, f.axis
        n = self._dim(t, 0)
        last = const(n - 1) if isinstance(n, int) else emit("sub", [n, const(1)])
        trailing = y.type.rank - ax - 1
        qrank = q.type.rank if q.type.kind == "array" else 0

        def along(v):  # a value of q's shape, broadcast against the result (y's trailing axes)
            return emit("expand_dims", [v], axis=tuple(range(qrank, qrank + trailing))) if trailing else v

        def gather(idx):
            return self.call_value(np.take, [y, idx], {"axis": ax}, node)

        if f.kind == "linear":
            hi = self.call_value(np.clip, [self.call_value(np.searchsorted, [t, q], {}, node), const(1), last], {},
                                 node)
            lo = emit("sub", [hi, const(1)])
            t_lo, t_hi = (self.call_value(np.take, [t, i], {}, node) for i in (lo, hi))
            y_lo, y_hi = gather(lo), gather(hi)
            slope = emit("div", [emit("sub", [y_hi, y_lo]), along(emit("sub", [t_hi, t_lo]))])
            out = emit("add", [emit("mul", [slope, along(emit("sub", [q, t_lo]))]), y_lo])
        else:
            if f.kind == "nearest":
                mids = emit("div", [emit("add", [self._lane(t, 0, 1, None), self._lane(t, 0, None, -1)]),
                                    const(2.0)])
                idx = self.call_value(np.searchsorted, [mids, q], {"side": "left"}, node)
            elif f.kind == "previous":
                idx = emit("sub", [self.call_value(np.searchsorted, [t, q], {"side": "right"}, node), const(1)])
            else:
                idx = self.call_value(np.searchsorted, [t, q], {"side": "left"}, node)
            out = gather(self.call_value(np.clip, [idx, const(0), last], {}, node))
        if f.extrapolate:
            return out
        first = self.call_value(np.take, [t, const(0)], {}, node)
        end = self.call_value(np.take, [t, last], {}, node)
        below, above = emit("lt", [q, first]), emit("gt", [q, end])
        if f.bounds_error:
            for bad, side in ((below, "below the interpolation range's minimum"),
                              (above, "above the interpolation range's maximum")):
                if q.type.kind == "array":
                    bad = self.call_value(np.any, [bad], {}, node)
                emit("check", [emit("logical_not", [bad])], exc="ValueError", msg=f"A value in x_new is {side} value.")
            return out
        lo_fill, hi_fill = (self.value(v, node) for v in f.fill)
        out = self.call_value(np.where, [along(below), lo_fill, out], {}, node)
        return self.call_value(np.where, [along(above), hi_fill, out], {}, node)
