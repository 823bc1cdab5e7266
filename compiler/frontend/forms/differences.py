"""np.gradient and np.histogram, as NumPy computes them (forms: rows of the primitives table
composed). np.gradient: second-order central differences inside, one-sided differences of order
edge_order at the ends, along every axis or `axis=`, with a spacing per axis that is a number or the
coordinates along it. np.histogram: the bin of each value by `searchsorted` on NumPy's edges, the
counts (or weights) added by `bincount`; a gradient reaches the weights and, through the edges of
`density=True`, the range."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from .base import FormsBase

FORMS = {
    "unwrap": ((np.unwrap,), (), "NumPy's algorithm: the differences along `axis` brought into [-period/2, "
                                 "period/2) where they are at least `discont`, the corrections cumulated (a "
                                 "`stop_gradient`: piecewise constant) and added to `p[1:]`; floats"),
    "gradient": ((np.gradient,), (), "second-order central differences inside, one-sided at the ends (`edge_order` "
                                     "1 or 2), along every axis or `axis=` (a tuple for more than one), a spacing per "
                                     "axis: a number or the coordinates (NumPy's non-uniform weights)"),
    "histogram": ((np.histogram,), (), "`bins` a number known when compiled (edges `linspace(lo, hi, bins + 1)` over "
                                       "`range` or the data's min and max) or the edges; each value's bin by "
                                       "`searchsorted(edges, a, 'right') - 1` (the last edge closed, values outside "
                                       "left out), counts or `weights` added by `bincount`, `density=` divided by "
                                       "the total and the widths"),
}


class DifferenceForms(FormsBase):
    """The Lowerer's np.gradient."""

    def form_gradient(self, label, args, kwargs, node):
        """np.gradient(f, *varargs, axis=None, edge_order=1) as NumPy computes it: second-order
        central differences inside, one-sided differences of order edge_order (1 or 2) at the ends;
        a spacing per axis, a number or the coordinates along it (non-uniform weights, used for any
        coordinate array: NumPy's shortcut for evenly spaced ones has the same value, and off it,
        where a differentiated coordinate moves, the general weights are NumPy's own)."""
        if set(kwargs) - {"axis", "edge_order"}:
            raise self.err(UnsupportedSyntaxError, f"{label} takes f, spacings, axis= and edge_order=", node)
        order = self.static(kwargs.get("edge_order", 1), node, "edge_order")
        if order not in (1, 2):
            raise self.err(AdjitTypeError, f"{label}: 'edge_order' greater than 2 not supported (NumPy raises)", node)
        f = self._array(args[0], node, label)
        if f.type.dtype not in ("float32", "float64"):
            f = self.b.emit("astype", [f], dtype="float64")
        rank = self._rank(f)
        axis = self.static(kwargs.get("axis"), node, "axis")
        axes = tuple(range(rank)) if axis is None else tuple(a % rank for a in (axis if isinstance(axis, tuple)
                                                                               else (axis,)))
        spacing = list(args[1:])
        if len(spacing) == 1 and len(axes) > 1:
            spacing = spacing * len(axes)
        if not spacing:
            spacing = [1.0] * len(axes)
        if len(spacing) != len(axes):
            raise self.err(AdjitTypeError, f"{label}: invalid number of arguments (one spacing, or one per axis; "
                           "NumPy raises TypeError)", node)
        outs = [self._gradient_axis(f, a, self.value(h, node), order, node, label) for a, h in zip(axes, spacing)]
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _gradient_axis(self, f, axis, h, order, node, label):
        emit, const = self.b.emit, self.b.const
        n = self._extent(f, axis, node, label)
        if n < order + 1:
            raise self.err(ShapeError, f"{label}: shape of an axis is too small to calculate a numerical gradient, "
                           f"at least (edge_order + 1) = {order + 1} elements are required (NumPy raises)", node)
        sl = lambda a, b: self._slice(f, axis, a, b)  # noqa: E731
        add, sub, mul, div = (lambda x, y, p=p: emit(p, [x, y]) for p in ("add", "sub", "mul", "div"))
        if h.type.kind == "scalar":
            if order == 1:
                first, last = div(sub(sl(1, 2), sl(0, 1)), h), div(sub(sl(n - 1, n), sl(n - 2, n - 1)), h)
            else:
                first = div(add(sub(mul(sl(1, 2), const(2.0)), mul(sl(0, 1), const(1.5))), mul(sl(2, 3), const(-0.5))), h)
                last = div(add(sub(mul(sl(n - 1, n), const(1.5)), mul(sl(n - 2, n - 1), const(2.0))),
                               mul(sl(n - 3, n - 2), const(0.5))), h)
            parts = [first] + ([div(mul(sub(sl(2, n), sl(0, n - 2)), const(0.5)), h)] if n > 2 else []) + [last]
            return emit("concatenate", parts, axis=axis)
        if self._rank(h) != 1 or self._extent(h, 0, node, label) != n:
            raise self.err(ShapeError, f"{label}: when 1-D, a spacing must match the length of its axis ({n}; NumPy "
                           "raises ValueError)", node)
        if h.type.dtype not in ("float32", "float64"):
            h = emit("astype", [h], dtype="float64")
        others = tuple(a for a in range(self._rank(f)) if a != axis)
        along = lambda c: emit("expand_dims", [c], axis=others) if others else c  # noqa: E731
        dx = sub(self._slice(h, 0, 1, n), self._slice(h, 0, 0, n - 1))  # the n - 1 steps
        d = lambda a, b: self._slice(dx, 0, a, b)  # noqa: E731

        def three(d1, d2, fa, fb, fc, wa, wb, wc):  # wa fa + wb fb + wc fc, the weights of steps d1, d2
            return add(add(mul(along(wa(d1, d2)), fa), mul(along(wb(d1, d2)), fb)), mul(along(wc(d1, d2)), fc))

        s12 = lambda d1, d2: add(d1, d2)  # noqa: E731
        parts = []
        if order == 1:
            parts.append(div(sub(sl(1, 2), sl(0, 1)), along(d(0, 1))))
        else:
            parts.append(three(d(0, 1), d(1, 2), sl(0, 1), sl(1, 2), sl(2, 3),
                               lambda a, b: div(emit("neg", [add(add(a, a), b)]), mul(a, s12(a, b))),
                               lambda a, b: div(s12(a, b), mul(a, b)),
                               lambda a, b: div(emit("neg", [a]), mul(b, s12(a, b)))))
        if n > 2:
            parts.append(three(d(0, n - 2), d(1, n - 1), sl(0, n - 2), sl(1, n - 1), sl(2, n),
                               lambda a, b: div(emit("neg", [b]), mul(a, s12(a, b))),
                               lambda a, b: div(sub(b, a), mul(a, b)),
                               lambda a, b: div(a, mul(b, s12(a, b)))))
        if order == 1:
            parts.append(div(sub(sl(n - 1, n), sl(n - 2, n - 1)), along(d(n - 2, n - 1))))
        else:
            parts.append(three(d(n - 3, n - 2), d(n - 2, n - 1), sl(n - 3, n - 2), sl(n - 2, n - 1), sl(n - 1, n),
                               lambda a, b: div(b, mul(a, s12(a, b))),
                               lambda a, b: div(emit("neg", [s12(a, b)]), mul(a, b)),
                               lambda a, b: div(add(add(b, b), a), mul(b, s12(a, b)))))
        return emit("concatenate", parts, axis=axis)

    def form_unwrap(self, label, args, kwargs, node):
        p, discont, axis, period = self.bind_args(label, ("p", "discont", "axis", "period"), args, kwargs, node,
                                                  discont=None, axis=-1, period=2 * np.pi)
        x = self.value(self.array_like(p, node), node)
        if x.type.kind != "array" or x.type.dtype not in ("float32", "float64"):
            raise self.err(AdjitTypeError, f"{label} of a float array here", node,
                           hint="x.astype(float) first (NumPy's integer unwrap has its own rounding)")
        ax = self._axis(axis, x.type.rank, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        period = self.value(period, node)
        high = emit("div", [period, v(2.0)])
        discont = high if discont is None else emit("maximum", [self.value(discont, node), high])
        self.at(node)
        dd = self.call_value(np.diff, [x], {"axis": ax}, node)
        ddmod = emit("sub", [emit("mod", [emit("add", [dd, high]), period]), high])
        ddmod = emit("where", [emit("logical_and", [emit("eq", [ddmod, emit("neg", [high])]), emit("gt", [dd, v(0.0)])]),
                               high, ddmod])
        corr = emit("where", [emit("lt", [emit("abs", [dd]), discont]), v(0.0), emit("sub", [ddmod, dd])])
        corr = emit("stop_gradient", [emit("astype", [corr], dtype=x.type.dtype)])
        moved = emit("add", [self._lane(x, ax, 1, None), self.call_value(np.cumsum, [corr], {"axis": ax}, node)])
        return emit("concatenate", [self._lane(x, ax, None, 1), moved], axis=ax)

    def form_histogram(self, label, args, kwargs, node):
        a, bins, rng, density, weights = self.bind_args(label, ("a", "bins", "range", "density", "weights"), args,
                                                        kwargs, node, bins=10, range=None, density=None, weights=None)
        call, emit = (lambda f, *xs, **kw: self.call_value(f, list(xs), kw, node)), self.b.emit
        a = call(np.ravel, self._array(a, node, label))
        if a.type.dtype not in ("float32", "float64"):
            a = emit("astype", [a], dtype="float64")
        nb = self.static(bins, node, "bins") if not isinstance(bins, Value) or bins.type.kind == "scalar" else None
        if nb is not None:
            if not isinstance(nb, int) or isinstance(nb, bool) or nb < 1:
                raise self.err(AdjitTypeError, f"{label}: `bins` should be a positive integer (NumPy raises)", node)
            if rng is None:  # the data's range, widened by 0.5 both ways when it is one value (NumPy)
                lo, hi = call(np.min, a), call(np.max, a)
                same = emit("eq", [lo, hi])
                lo = emit("where", [same, emit("sub", [lo, self.b.const(0.5)]), lo])
                hi = emit("where", [same, emit("add", [hi, self.b.const(0.5)]), hi])
            else:
                lo, hi = (self.value(r, node) for r in rng)
            edges = call(np.linspace, lo, hi, nb + 1)
        else:
            edges = self._array(bins, node, label)
            if self._rank(edges) != 1:
                raise self.err(ShapeError, f"{label}: `bins` must be 1d, when an array (NumPy raises)", node)
            nb = self._extent(edges, 0, node, label) - 1
        if edges.type.dtype not in ("float32", "float64"):
            edges = emit("astype", [edges], dtype="float64")
        first, last = (emit("getitem", [edges, self.b.const(k)], index=(("int", 1),)) for k in (0, nb))
        idx = emit("sub", [call(np.searchsorted, edges, a, side="right"), self.b.const(1)])
        idx = emit("where", [emit("eq", [a, last]), self.b.const(nb - 1), idx])  # the last bin is closed
        inside = emit("logical_and", [emit("ge", [a, first]), emit("le", [a, last])])
        idx = emit("where", [inside, idx, self.b.const(0)])
        w = self.b.const(1.0) if weights is None else call(np.ravel, self._array(weights, node, label))
        w = emit("where", [inside, w, self.b.const(0.0)])
        hist = call(np.bincount, idx, weights=w, minlength=nb)
        if density:
            widths = call(np.diff, edges)
            hist = emit("div", [hist, emit("mul", [call(np.sum, hist), widths])])
        elif weights is None:
            hist = emit("astype", [hist], dtype="int64")  # NumPy's counts are ints
        return hist, edges
