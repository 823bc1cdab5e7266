"""Arranging arrays, composed of rows (issue 12, item 4: what a probe of common programs found
missing): np.flip, np.take, np.take_along_axis, np.repeat, np.tile, np.pad (constant and edge),
np.meshgrid, np.linalg.matrix_power, np.linalg.multi_dot, np.trapezoid, scipy.integrate's
cumulative_trapezoid, and np.where(cond) /
np.nonzero(cond) as an index (the boolean-mask selection of masks.py). Counts, repeats and pad
widths must be known when the call is compiled."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ...primitives.table import Lazy
from .base import _FULL, FormsBase

FORMS: dict = {
    "flip": ((np.flip,), (), "a `getitem` with step -1 along `axis` (every axis for None)"),
    "take": ((np.take,), (), "a `gather` (`axis=None`: of the raveled array)"),
    "take_along_axis": ((np.take_along_axis,), (), "a `gather` along `axis`, the other axes indexed by broadcast "
                                                   "aranges"),
    "repeat": ((np.repeat,), ("repeat",), "`reshape(broadcast_to(expand_dims(x, axis + 1)))`: each element `repeats` "
                                          "times (an int known when compiled; `axis=None` ravels)"),
    "tile": ((np.tile,), (), "`broadcast_to` of an expanded view, then `reshape` (`reps` known when compiled)"),
    "pad": ((np.pad,), (), "`concatenate` of the array with blocks of `constant_values` (mode 'constant') or of "
                           "its edge slices (mode 'edge'), axis by axis; widths known when compiled"),
    "meshgrid": ((np.meshgrid,), (), "`broadcast_to` of each 1-D input laid along its axis (`indexing` 'xy' "
                                     "or 'ij')"),
    "matrix_power": ((np.linalg.matrix_power,), (), "repeated squaring with `matmul` (`inv` first for a negative "
                                                    "power; `n` known when compiled)"),
    "multi_dot": ((np.linalg.multi_dot,), (), "`matmul` left to right"),
    "trapezoid": (tuple(f for f in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)) if f is not None)
                  + (Lazy("scipy.integrate", "trapezoid"),), (), "`sum((y[1:] + y[:-1]) * dx / 2)` along `axis` "
                  "(`dx` a number, or `x` sample points: 1-D, or y's shape)"),
    "cumulative_trapezoid": ((Lazy("scipy.integrate", "cumulative_trapezoid"),), (),
                             "`cumsum((y[1:] + y[:-1]) * dx / 2)` along `axis` (`dx` a number, or `x` sample "
                             "points: 1-D, or y's shape); `initial=0` puts a 0 first (SciPy takes only 0 or None)"),
    "vander": ((np.vander,), (), "`stack` of the powers `x ** k` along the last axis (`N` known when compiled, "
                                 "`increasing`)"),
    "ix_": ((np.ix_,), (), "one int index array per sequence, shaped to broadcast as an open mesh: item k `reshape`d "
                         "to -1 along axis k and 1 along the others (`K[np.ix_(dofs, dofs)] += ke`)"),
    "diag_indices": ((np.diag_indices,), (), "the pair (arange(n), arange(n)) for `ndim=2` (`n` known when compiled)"),
    "gradient": ((np.gradient,), (), "central differences inside, one-sided at the ends (`edge_order=1`), along "
                                     "every axis (a tuple for more than one), spacing a number"),
    "cdist": ((Lazy("scipy.spatial.distance", "cdist"),), (), "`sqrt(sum((a[:, None] - b[None]) ** 2, -1))` "
                                                             "(metric 'euclidean', or 'sqeuclidean' without the sqrt)"),
    "interp": ((np.interp,), (), "the segment of each x found by counting the points of `xp` at or below it, then "
                                 "`fp[i] + (x - xp[i]) (fp[i+1] - fp[i]) / (xp[i+1] - xp[i])` (gathers); `left`/`right` "
                                 "outside (fp's ends by default); xp increasing, its length known when compiled"),
    "flatnonzero": ((np.flatnonzero,), (), "the positions of the nonzero elements of the raveled array, in order: an "
                                           "int64 array of a length known only when the function runs (each True "
                                           "element's `cumsum` rank says where its position goes)"),
    "nonzero": ((np.nonzero,), (), "only as an index: `x[np.nonzero(c)]`, `x[np.where(c)]` are `x[c]` "
                                   "(a boolean-mask selection)"),
}


class MaskIndex:
    """np.nonzero(c) / np.where(c): index arrays whose length depends on the data, usable only as
    an index, where they select as the mask c does."""

    def __init__(self, mask: Value):
        self.mask = mask
        self.__name__ = "np.nonzero(...) (index arrays whose length depends on the data)"


class ArrangingForms(FormsBase):
    def _array(self, x, node, label) -> Value:
        x = self.value(x, node)
        if x.type.kind != "array":
            raise self.err(AdjitTypeError, f"{label} takes an array", node)
        return x

    def form_flip(self, label, args, kwargs, node):
        x, axis = self.bind_args(label, ("m", "axis"), args, kwargs, node, axis=None)
        x = self._array(x, node, label)
        axis = self.static(axis, node, "axis")
        rank = self._rank(x)
        axes = range(rank) if axis is None else [self._axis(a, rank, node) for a in
                                                 (axis if isinstance(axis, tuple) else (axis,))]
        index = [_FULL] * rank
        for a in axes:
            index[a] = ("slice", None, None, 1)
        return self.b.emit("getitem", [x, self.b.const(-1)], index=tuple(index))

    def form_take(self, label, args, kwargs, node):
        x, idx, axis, out, mode = self.bind_args(label, ("a", "indices", "axis", "out", "mode"), args, kwargs, node,
                                                 axis=None, out=None, mode="raise")
        if out is not None or mode != "raise":
            raise self.err(UnsupportedSyntaxError, f"{label}: `out` and `mode` are not supported", node)
        x = self._array(x, node, label)
        axis = self.static(axis, node, "axis")
        if axis is None:
            x, axis = self._ravel(x), 0
        axis = self._axis(axis, self._rank(x), node)
        idx = self.value(idx, node)
        if idx.type.dtype not in ("int64", "int32"):
            raise self.err(AdjitTypeError, f"{label}: indices must be integers, not {idx.type}", node)
        if idx.type.kind == "scalar":
            return self._take(x, axis, idx)
        return self.b.emit("gather", [x, idx], index=(_FULL,) * axis + (("array", 1),))

    def form_take_along_axis(self, label, args, kwargs, node):
        x, idx, axis = self.bind_args(label, ("arr", "indices", "axis"), args, kwargs, node)
        x, idx = self._array(x, node, label), self._array(idx, node, label)
        rank = self._rank(x)
        if self._rank(idx) != rank:
            raise self.err(ShapeError, f"{label}: indices must have the array's number of dimensions", node)
        axis = self._axis(axis, rank, node)
        ins, items = [x], []
        for k in range(rank):
            if k == axis:
                ins.append(idx)
            else:
                n = self._extent(x, k, node, label)
                ins.append(self._iota(n, k, rank, node))
            items.append(("array", len(ins) - 1))
        return self.b.emit("gather", ins, index=tuple(items))

    def form_repeat(self, label, args, kwargs, node):
        x, repeats, axis = self.bind_args(label, ("a", "repeats", "axis"), args, kwargs, node, axis=None)
        x = self.value(x, node)
        r = self.static(repeats, node, "repeats")
        if not isinstance(r, int) or r < 0:
            raise self.err(UnsupportedSyntaxError, f"{label}: repeats must be one int known when compiled", node)
        axis = self.static(axis, node, "axis")
        if axis is None:
            x, axis = self._ravel(x), 0
        rank = self._rank(x)
        axis = self._axis(axis, rank, node)
        shape = [self._extent(x, k, node, label) for k in range(rank)]
        e = self.b.emit("expand_dims", [x], axis=(axis + 1,))
        e = self.b.emit("broadcast_to", [e, self._const_shape(shape[:axis + 1] + [r] + shape[axis + 1:])])
        return self._reshape(e, shape[:axis] + [shape[axis] * r] + shape[axis + 1:])

    def form_tile(self, label, args, kwargs, node):
        x, reps = self.bind_args(label, ("A", "reps"), args, kwargs, node)
        x = self.value(x, node)
        reps = self.static(reps, node, "reps")
        reps = reps if isinstance(reps, tuple) else (reps,)
        rank = max(self._rank(x), len(reps))
        shape = [1] * (rank - self._rank(x)) + [self._extent(x, k, node, label) for k in range(self._rank(x))]
        reps = (1,) * (rank - len(reps)) + tuple(reps)
        x = self._reshape(x, shape)
        # (r0, s0, r1, s1, ...): each axis preceded by its repeat count, then merged
        e = self._reshape(x, [d for s in shape for d in (1, s)])
        e = self.b.emit("broadcast_to", [e, self._const_shape([d for r, s in zip(reps, shape) for d in (r, s)])])
        return self._reshape(e, [r * s for r, s in zip(reps, shape)])

    def form_pad(self, label, args, kwargs, node):
        x, width, mode, cval = self.bind_args(label, ("array", "pad_width", "mode", "constant_values"), args, kwargs,
                                              node, mode="constant", constant_values=0.0)
        x = self.value(x, node)
        if x.type.dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
            raise self.err(UnsupportedSyntaxError, f"{label}: mode={mode!r} is not supported ('constant', 'edge', "
                           "'reflect', 'symmetric', 'wrap')", node)
        rank = self._rank(x)
        width = self.static(width, node, "pad_width")
        pairs = _widths(width, rank)
        if pairs is None:
            raise self.err(UnsupportedSyntaxError, f"{label}: pad_width must be ints known when compiled", node)
        if mode in ("reflect", "symmetric", "wrap"):  # a gather along each axis, by NumPy's own pad of the indices
            for axis, (before, after) in enumerate(pairs):
                if before or after:
                    n = self._extent(x, axis, node, label)
                    idx = np.pad(np.arange(n), (before, after), mode=mode)
                    x = self.call_value(np.take, [x, self._build(tuple(int(i) for i in idx), node)], {"axis": axis},
                                        node)
            return x
        cval = self.value(cval, node)
        for axis, (before, after) in enumerate(pairs):
            shape = [self._extent(x, k, node, label) for k in range(rank)]
            parts = []
            for count, at_end in ((before, False), (after, True)):
                if count == 0:
                    parts.append(None)
                    continue
                block = shape[:axis] + [count] + shape[axis + 1:]
                if mode == "constant":
                    piece = self.b.emit("broadcast_to", [cval, self._const_shape(block)])
                else:
                    edge = self._slice(x, axis, shape[axis] - 1, shape[axis]) if at_end else self._slice(x, axis, 0, 1)
                    piece = self.b.emit("broadcast_to", [edge, self._const_shape(block)])
                parts.append(piece)
            pieces = [p for p in (parts[0], x, parts[1]) if p is not None]
            if len(pieces) > 1:
                x = self.b.emit("concatenate", pieces, axis=axis)
        return x

    def form_meshgrid(self, label, args, kwargs, node):
        indexing = kwargs.pop("indexing", "xy")
        if set(kwargs) - {"sparse", "copy"} or kwargs.get("sparse"):
            raise self.err(UnsupportedSyntaxError, f"{label}: only `indexing` is supported", node)
        xs = [self.value(a, node) for a in args]
        if any(self._rank(v) != 1 for v in xs):
            raise self.err(ShapeError, f"{label} takes 1-D arrays", node)
        n = [self._extent(v, 0, node, label) for v in xs]
        if indexing == "xy" and len(xs) >= 2:
            n[0], n[1] = n[1], n[0]
        out = []
        for k, v in enumerate(xs):
            axis = (1 if k == 0 else 0 if k == 1 else k) if indexing == "xy" and len(xs) >= 2 else k
            e = self.b.emit("expand_dims", [v], axis=tuple(a for a in range(len(xs)) if a != axis))
            out.append(self.b.emit("broadcast_to", [e, self._const_shape(n)]))
        return tuple(out)

    def form_matrix_power(self, label, args, kwargs, node):
        a, k = self.bind_args(label, ("a", "n"), args, kwargs, node)
        a = self._array(a, node, label)
        k = self.static(k, node, "n")
        if not isinstance(k, int):
            raise self.err(UnsupportedSyntaxError, f"{label}: n must be an int known when compiled", node)
        size = self._extent(a, self._rank(a) - 1, node, label)
        if k == 0:
            return self.b.emit("broadcast_to", [self.form_eye("np.eye", (size,), {}, node), self.b.emit("shape", [a])])
        base = self.b.emit("inv", [a]) if k < 0 else a
        result, k = None, abs(k)
        while k:  # repeated squaring
            if k & 1:
                result = base if result is None else self.b.emit("matmul", [result, base])
            k >>= 1
            if k:
                base = self.b.emit("matmul", [base, base])
        return result

    def form_multi_dot(self, label, args, kwargs, node):
        (arrays,) = self.bind_args(label, ("arrays",), args, kwargs, node)
        ms = self._arrays(arrays, node, label)
        out = ms[0]
        for m in ms[1:]:
            out = self.b.emit("matmul", [out, m])
        return out

    def _trapezoids(self, label, y, x, dx, axis, node):
        """The areas (y[k+1] + y[k]) (x[k+1] - x[k]) / 2 along `axis` (np.trapezoid, SciPy's
        cumulative_trapezoid), and the axis."""
        y = self._array(y, node, label)
        if y.type.dtype not in ("float32", "float64"):
            y = self.b.emit("astype", [y], dtype="float64")
        rank = self._rank(y)
        axis = self._axis(axis, rank, node)
        n = self._extent(y, axis, node, label)
        mid = self.b.emit("add", [self._slice(y, axis, 1, n), self._slice(y, axis, 0, n - 1)])
        if x is None:
            step = self.value(dx, node)
        else:
            xv = self._array(x, node, label)
            if self._rank(xv) not in (1, rank):
                raise self.err(ShapeError, f"{label}: x must be 1-D or have y's {rank} dimensions", node)
            xaxis = 0 if self._rank(xv) == 1 else axis
            m = self._extent(xv, xaxis, node, label)
            if m != n:
                raise self.err(ShapeError, f"{label}: x has {m} points along the axis and y {n}", node)
            step = self.b.emit("sub", [self._slice(xv, xaxis, 1, m), self._slice(xv, xaxis, 0, m - 1)])
            if rank > 1 and self._rank(xv) == 1:
                step = self.b.emit("expand_dims", [step], axis=tuple(k for k in range(rank) if k != axis))
        return self.b.emit("mul", [self.b.emit("mul", [mid, step]), self.b.const(0.5)]), axis

    def form_flatnonzero(self, label, args, kwargs, node):
        (a,) = self.bind_args(label, ("a",), args, kwargs, node)
        a = self.value(a, node)
        if a.type.kind != "array" or a.type.rank == 0:
            a = self.b.emit("reshape", [a, self.b.emit("tuple", [self.b.const(1)])]) if a.type.kind == "scalar" else a
        mask = a if a.type.dtype == "bool" else self.b.emit("ne", [a, self.b.const(0)])
        self.at(node)
        return self.mask_positions(mask)

    def form_trapezoid(self, label, args, kwargs, node):
        y, x, dx, axis = self.bind_args(label, ("y", "x", "dx", "axis"), args, kwargs, node, x=None, dx=1.0, axis=-1)
        half, axis = self._trapezoids(label, y, x, dx, axis, node)
        return self.b.emit("sum", [half], axis=(axis,), keepdims=False)

    def form_cumulative_trapezoid(self, label, args, kwargs, node):
        y, x, dx, axis, initial = self.bind_args(label, ("y", "x", "dx", "axis", "initial"), args, kwargs, node,
                                                 x=None, dx=1.0, axis=-1, initial=None)
        initial = self.static(initial, node, "initial")
        if initial is not None and initial != 0:
            raise self.err(AdjitTypeError, f"{label}: `initial` must be `None` or `0`", node)
        half, axis = self._trapezoids(label, y, x, dx, axis, node)
        out = self.b.emit("cumsum", [half], axis=axis, reverse=False)
        if initial is None:
            return out
        emit, const = self.b.emit, self.b.const
        dims = [const(1) if k == axis else const(d) if d is not None else
                emit("getitem", [emit("shape", [out]), const(k)], index=(("int", 1),))
                for k, d in enumerate(self._shape(out))]
        return emit("concatenate", [emit("zeros", [emit("tuple", dims)], dtype=out.type.dtype), out], axis=axis)

    def form_vander(self, label, args, kwargs, node):
        x, N, increasing = self.bind_args(label, ("x", "N", "increasing"), args, kwargs, node, N=None,
                                          increasing=False)
        x = self._array(x, node, label)
        if x.type.dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        N = self._extent(x, 0, node, label) if N is None else self.static(N, node, "N")
        powers = [self.b.emit("pow", [x, self.b.const(k)]) if k > 1 else
                  (x if k == 1 else self.b.emit("ones_like", [x], dtype=x.type.dtype)) for k in range(N)]
        if not self.static(increasing, node, "increasing"):
            powers = powers[::-1]
        return self.b.emit("stack", powers, axis=1)

    def form_ix_(self, label, args, kwargs, node):
        if kwargs:
            raise self.err(UnsupportedSyntaxError, f"{label} takes sequences only", node)
        out = []
        for k, a in enumerate(args):
            v = self._build(tuple(a), node) if isinstance(a, tuple) else self.value(a, node)
            if v.type.kind != "array" or v.type.rank != 1 or v.type.dtype not in ("int64", "int32"):
                raise self.err(AdjitTypeError, f"{label} takes 1-D sequences of ints here, not {v.type}", node,
                               hint="a boolean sequence: np.ix_(np.flatnonzero(mask), ...) with the mask known "
                                    "when compiled")
            shape = tuple(-1 if j == k else 1 for j in range(len(args)))
            out.append(self.b.emit("reshape", [v, self.value(shape, node)]))
        return tuple(out)

    def form_diag_indices(self, label, args, kwargs, node):
        n, ndim = self.bind_args(label, ("n", "ndim"), args, kwargs, node, ndim=2)
        n, ndim = self.static(n, node, "n"), self.static(ndim, node, "ndim")
        r = self.b.emit("arange", [self.value(0, node), self.value(n, node), self.value(1, node)])
        return (r,) * ndim

    def form_gradient(self, label, args, kwargs, node):
        if kwargs.get("edge_order", 1) != 1 or "axis" in kwargs or len(args) > 2:
            raise self.err(UnsupportedSyntaxError, f"{label}: only a number spacing and edge_order=1 are supported",
                           node)
        f = self._array(args[0], node, label)
        if f.type.dtype not in ("float32", "float64"):
            f = self.b.emit("astype", [f], dtype="float64")
        h = self.value(args[1] if len(args) == 2 else 1.0, node)
        if h.type.kind != "scalar":
            raise self.err(UnsupportedSyntaxError, f"{label}: the spacing must be one number here", node)
        outs = []
        for axis in range(self._rank(f)):
            n = self._extent(f, axis, node, label)
            if n < 2:
                raise self.err(ShapeError, f"{label}: each axis needs at least 2 points", node)
            first = self.b.emit("sub", [self._slice(f, axis, 1, 2), self._slice(f, axis, 0, 1)])
            last = self.b.emit("sub", [self._slice(f, axis, n - 1, n), self._slice(f, axis, n - 2, n - 1)])
            parts = [first]
            if n > 2:
                mid = self.b.emit("sub", [self._slice(f, axis, 2, n), self._slice(f, axis, 0, n - 2)])
                parts.append(self.b.emit("mul", [mid, self.b.const(0.5)]))
            parts.append(last)
            d = self.b.emit("concatenate", parts, axis=axis)
            outs.append(self.b.emit("div", [d, h]))
        return outs[0] if len(outs) == 1 else tuple(outs)

    def form_cdist(self, label, args, kwargs, node):
        a, b, metric = self.bind_args(label, ("XA", "XB", "metric"), args, kwargs, node, metric="euclidean")
        if metric not in ("euclidean", "sqeuclidean"):
            raise self.err(UnsupportedSyntaxError, f"{label}: metric={metric!r} is not supported", node)
        a, b = self._array(a, node, label), self._array(b, node, label)
        diff = self.b.emit("sub", [self.b.emit("expand_dims", [a], axis=(1,)), self.b.emit("expand_dims", [b], axis=(0,))])
        sq = self.b.emit("sum", [self.b.emit("mul", [diff, diff])], axis=(2,), keepdims=False)
        # the derivative 0 at a distance 0 (cdist(X, X)'s diagonal is 0 whatever X is), as np.linalg.norm
        return sq if metric == "sqeuclidean" else self._safe_root(sq, 2)

    def form_interp(self, label, args, kwargs, node):
        x, xp, fp, left, right, period = self.bind_args(label, ("x", "xp", "fp", "left", "right", "period"), args,
                                                        kwargs, node, left=None, right=None, period=None)
        if period is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `period` is not supported", node)
        emit = self.b.emit
        x, xp, fp = (self.value(a, node) for a in (x, xp, fp))
        x, xp, fp = (a if a.type.dtype in ("float32", "float64") else emit("astype", [a], dtype="float64")
                     for a in (x, xp, fp))
        if self._rank(xp) != 1 or self._rank(fp) != 1:
            raise self.err(ShapeError, f"{label}: xp and fp must be 1-D", node)
        m = self._extent(xp, 0, node, label)
        if m < 2:
            raise self.err(ShapeError, f"{label}: xp needs at least two points here", node)
        scalar = x.type.kind == "scalar"
        if scalar:  # one point: as an array of one
            x = emit("stack", [x], axis=0)
        # i: the number of points of xp at or below x, less one, kept inside [0, m - 2]
        xe = emit("expand_dims", [x], axis=(self._rank(x),))
        count = emit("sum", [emit("astype", [emit("ge", [xe, xp])], dtype="int64")], axis=(self._rank(x),),
                     keepdims=False)
        i = emit("minimum", [emit("maximum", [emit("sub", [count, self.b.const(1)]), self.b.const(0)]),
                             self.b.const(m - 2)])
        j = emit("add", [i, self.b.const(1)])
        at = lambda a, k: emit("gather", [a, k], index=(("array", 1),)) if k.type.kind == "array" \
            else self._take(a, 0, k)  # noqa: E731
        x0, x1, f0, f1 = at(xp, i), at(xp, j), at(fp, i), at(fp, j)
        y = emit("add", [f0, emit("mul", [emit("div", [emit("sub", [x, x0]), emit("sub", [x1, x0])]),
                                          emit("sub", [f1, f0])])])
        lo = self._take(fp, 0, 0) if left is None else self.value(left, node)
        hi = self._take(fp, 0, m - 1) if right is None else self.value(right, node)
        y = emit("where", [emit("lt", [x, self._take(xp, 0, 0)]), lo, y])
        y = emit("where", [emit("gt", [x, self._take(xp, 0, m - 1)]), hi, y])
        return self._take(y, 0, 0) if scalar else y

    def form_nonzero(self, label, args, kwargs, node):
        (c,) = self.bind_args(label, ("a",), args, kwargs, node)
        c = self.value(c, node)
        if c.type.kind != "array":
            raise self.err(AdjitTypeError, f"{label} of a number", node)
        mask = c if c.type.dtype == "bool" else self.b.emit("ne", [c, self.b.const(0)])
        return MaskIndex(mask)


def _widths(width, rank):
    """NumPy's pad_width forms as ((before, after),) * rank, or None."""
    if isinstance(width, int):
        return [(width, width)] * rank
    if isinstance(width, tuple) and len(width) == 2 and all(isinstance(w, int) for w in width):
        return [tuple(width)] * rank
    if isinstance(width, tuple) and len(width) == 1 and isinstance(width[0], tuple):
        return [tuple(width[0])] * rank
    if isinstance(width, tuple) and len(width) == rank and all(isinstance(w, tuple) and len(w) == 2 for w in width):
        return [tuple(w) for w in width]
    return None
