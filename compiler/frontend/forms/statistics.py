"""Statistics, scans, sorting and polynomials: np.cumsum, np.cumprod, np.sort, np.argsort (the rows of
primitives/scans.py, bound here: `axis=None` ravels first), and forms composed of rows: np.var,
np.std, np.median, np.diff, np.polyval, np.cross, np.inner, np.kron (issue 12, item 4).

np.sort is argsort (stable) then a gather along the axis (the other axes indexed by broadcast
aranges), so its gradient is a scatter-add of g back through the permutation. np.median is the
middle element of the sorted lane, or the mean of the two middle ones."""
from __future__ import annotations

import math
import numpy as np

from ... import shapes as S
from ...errors import AdjitError, AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from .base import _FULL, FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS: dict = {
    "cumsum": ((np.cumsum,), ("cumsum",), "`cumsum` along `axis` (`axis=None`: of the raveled array); `dtype`: "
                                          "a cast first"),
    "cumprod": ((np.cumprod,), ("cumprod",), "`cumprod` along `axis` (`axis=None`: of the raveled array); exact "
                                             "gradient with zeros in the input"),
    "nancumsum": ((np.nancumsum,), (), "`cumsum` of `where(isnan(x), 0, x)` (a NaN counts as zero, no gradient there)"),
    "nancumprod": ((np.nancumprod,), (), "`cumprod` of `where(isnan(x), 1, x)` (a NaN counts as one, no gradient there)"),
    "prod": ((np.prod,), ("prod",), "the last element of `cumprod` along `axis` (`axis=None`: of the raveled "
                                    "array; a tuple of axes: moved last and merged into one; `keepdims`; `initial=` a "
                                    "factor): the gradient is exact with zeros in the input"),
    "quantile": ((np.quantile,), (), "`sort`, then NumPy's linear interpolation between the two order statistics "
                                     "around `q * (n - 1)` (`q` a number or a list known when the call is compiled, "
                                     "`axis` None, an int or a tuple (merged into one), `keepdims`; the lane's "
                                     "extent known when compiled); every NumPy `method`, its position NumPy's "
                                     "quantile of `0..n-1` (q known when compiled)"),
    "percentile": ((np.percentile,), (), "the `quantile` form at `q / 100`"),
    "cov": ((np.cov,), (), "`Xc @ Xc.T / (N - ddof)`, Xc the variables (rows, or columns with `rowvar=False`) "
                           "minus their means; `bias`, `ddof`; `y` (more variables); `fweights`, `aweights` (NumPy's "
                           "weighted mean and divisor); one variable gives its variance"),
    "argsort": ((np.argsort,), ("argsort",), "`argsort`, a stable sort's permutation (int64, no gradient)"),
    "sort": ((np.sort,), ("sort",), "`argsort` then a `gather` along `axis` (`axis=None`: of the raveled array): "
                                    "the gradient scatters back through the permutation; the in-place method "
                                    "`x.sort()` is refused (use `np.sort`)"),
    "var": ((np.var,), ("var",), "`sum((x - mean(x, keepdims=True)) ** 2) / (n - ddof)` (`axis`, `keepdims`, "
                                 "`ddof` or `correction`; `mean=` the caller's mean, used as given)"),
    "std": ((np.std,), ("std",), "`sqrt` of the `var` form"),
    "median": ((np.median,), (), "`sort`, then the middle element or the mean of the two middle ones "
                                 "(`axis` None, an int or a tuple, merged into one, `keepdims`); NaN when the "
                                 "lane holds one"),
    "nanmedian": ((np.nanmedian,), (), "`sort` (NaNs last), then the middle of the lane's first `c` elements, c "
                                       "the count of non-NaN ones when the function runs (`axis` None or an int, "
                                       "`keepdims`): a gather per lane; NaN for an all-NaN lane, as NumPy"),
    "nanquantile": ((np.nanquantile, np.nanpercentile), (),
                    "the `quantile` form over each lane's first `c` sorted elements (c its non-NaN count when the "
                    "function runs; `q` a number known when compiled, `/ 100` for nanpercentile)"),
    "diff": ((np.diff,), (), "`x[1:] - x[:-1]` along `axis`, `n` times (`prepend`/`append` joined along `axis` first)"),
    "polyval": ((np.polyval,), (), "Horner's scheme, `y = y * x + p[k]`, for `p` a list or a 1-D array of known "
                                   "length"),
    "cross": ((np.cross,), (), "`stack` of the three products of components along the last axis (3-vectors; "
                               "`axisa`/`axisb`/`axisc`/`axis`: moved there first, and the result's moved back)"),
    "inner": ((np.inner,), (), "`matmul` over the last axes (reshapes for more than two dimensions)"),
    "kron": ((np.kron,), (), "`expand_dims` of both, a broadcast multiply, and a `reshape`"),
}

_QUANTILE_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                     "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
                     "midpoint", "nearest")


class StatisticsForms(FormsBase):
    # ---------------------------------------------------------------- helpers
    def _dim(self, x: Value, axis: int):
        """x's extent along axis: an int when known, else an int value read at run time."""
        d = self._shape(x)[axis]
        if d is not None:
            return d
        shape = self.b.emit("shape", [x])
        return self.b.emit("getitem", [shape, self.b.const(axis)], index=(("int", 1),))

    def _take(self, x: Value, axis: int, k) -> Value:
        """x[..., k, ...] along axis (k an int or an int value)."""
        k = self.b.const(k) if isinstance(k, int) else k
        return self.b.emit("getitem", [x, k], index=(_FULL,) * axis + (("int", 1),))

    def _lane(self, x: Value, axis: int, start, stop) -> Value:
        """x[..., start:stop, ...] along axis (None: an omitted bound)."""
        ins, item = [x], ["slice", None, None, None]
        for pos, bound in ((1, start), (2, stop)):
            if bound is not None:
                ins.append(self.b.const(bound))
                item[pos] = len(ins) - 1
        return self.b.emit("getitem", ins, index=(_FULL,) * axis + (tuple(item),))

    def _array_arg(self, x, node, label) -> Value:
        x = self.value(x, node)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array, not a {x.type}", node)
        return x

    def _along(self, x: Value, axis, node, label):
        """(x, axis): axis=None ravels x (NumPy's flattened array); an int axis is normalized."""
        axis = self.static(axis, node, "axis")
        if axis is None:
            return self._ravel(x), 0
        if not isinstance(axis, int):
            raise self.err(UnsupportedSyntaxError, f"{label}: `axis` must be an int or None", node)
        if self._rank(x) == 0:
            raise self.err(ShapeError, f"axis {axis} is out of bounds for array of dimension 0", node)
        return x, self._axis(axis, self._rank(x), node)

    def _over_axes(self, form, names, label, args, kwargs, node, **extra):
        """form(..., axis=a tuple of axes) as NumPy computes it: those axes moved to the end and merged
        into one (a lane of their elements), reduced along it, then kept as axes of 1 (keepdims)."""
        bound = dict(zip(names, args))
        bound.update(kwargs)
        x = self._array_arg(bound["a"], node, label)
        rank, shape = self._rank(x), self._shape(x)
        axes = sorted(self._axis(a, rank, node) for a in self.static(bound["axis"], node, "axis"))
        if len(set(axes)) != len(axes) or not axes:
            raise self.err(ShapeError if axes else UnsupportedSyntaxError,
                           f"{label}: {'repeated axis' if axes else 'an empty tuple of axes is not supported'}", node)
        if any(not isinstance(d, int) for d in shape):
            raise self.err(UnsupportedSyntaxError, f"{label}: a tuple of axes needs the shape known when the call is "
                           "compiled", node, hint="reshape the axes into one first")
        keep = [k for k in range(rank) if k not in axes]
        lane = self.b.emit("transpose", [x], axes=tuple(keep + axes))
        lane = self._reshape(lane, tuple(shape[k] for k in keep) + (math.prod(shape[k] for k in axes),))
        keepdims = bool(self.static(bound.pop("keepdims", False), node, "keepdims"))
        bound.update(a=lane, axis=-1)
        out = form(label, (), bound, node, **extra)
        if keepdims:  # a sequence q leads with its axis
            lead = self._rank(out) - len(keep)
            out = self.b.emit("expand_dims", [out], axis=tuple(a + lead for a in axes))
        return out

    def _no_out(self, label, out, node):
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node,
                            hint="assign the result instead")

    # ---------------------------------------------------------------- scans and sorting
    def _scan(self, prim, label, args, kwargs, node, nan_fill=None):
        x, axis, dtype, out = self.bind_args(label, ("a", "axis", "dtype", "out"), args, kwargs, node,
                                             axis=None, dtype=None, out=None)
        self._no_out(label, out, node)
        x = self._array_arg(x, node, label)
        if nan_fill is not None and x.type.dtype in ("float32", "float64"):  # np.nancumsum: NaN as 0 (1)
            x = self.b.emit("where", [self.b.emit("ne", [x, x]), self._cast(self.b.const(nan_fill), x.type.dtype, node), x])
        if dtype is not None:
            x = self._cast(x, dtype, node)
        x, axis = self._along(x, axis, node, label)
        attrs = {"reverse": False} if prim == "cumsum" else {}
        return self.b.emit(prim, [x], axis=axis, **attrs)

    def form_cumsum(self, label, args, kwargs, node):
        return self._scan("cumsum", label, args, kwargs, node)

    def form_cumprod(self, label, args, kwargs, node):
        return self._scan("cumprod", label, args, kwargs, node)

    def form_nancumsum(self, label, args, kwargs, node):
        return self._scan("cumsum", label, args, kwargs, node, nan_fill=0.0)

    def form_nancumprod(self, label, args, kwargs, node):
        return self._scan("cumprod", label, args, kwargs, node, nan_fill=1.0)

    def form_prod(self, label, args, kwargs, node):
        """The product along an axis: the last element of the running product, whose gradient
        (cumprod's rule) stays exact where the input holds zeros (g * prod / x would divide by 0);
        initial= a factor, cast to the product's dtype first as NumPy casts it."""
        if len(args) > 5 or kwargs.get("initial") is not None:
            initial = args[5] if len(args) > 5 else kwargs["initial"]
            p = self.value(self.form_prod(label, args[:5], {k: v for k, v in kwargs.items() if k != "initial"}, node), node)
            init = self.value(initial, node)
            return self.b.emit("mul", [p, init if init.type.dtype == p.type.dtype else self.b.emit(
                "astype", [init], dtype=p.type.dtype)])
        kwargs = {k: v for k, v in kwargs.items() if k != "initial"}  # (initial=None)
        x, axis, dtype, out, keepdims = self.bind_args(label, ("a", "axis", "dtype", "out", "keepdims"), args, kwargs,
                                                       node, axis=None, dtype=None, out=None, keepdims=False)
        self._no_out(label, out, node)
        x = self._array_arg(x, node, label)
        if dtype is not None:
            x = self._cast(x, dtype, node)
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        rank = self._rank(x)
        if isinstance(axis, tuple):
            return self._over_axes(self.form_prod, ("a", "axis", "dtype"), label, (x,), {"axis": axis,
                                   "keepdims": keepdims}, node)
        if rank == 0:
            return x
        flat, ax = self._along(x, axis, node, label)
        n = self._dim(flat, ax)
        if isinstance(n, int) and n == 0:
            raise self.err(ShapeError, f"{label} of an empty array (NumPy returns 1.0) is not supported", node)
        last = self.b.const(-1)
        p = self._take(self.b.emit("cumprod", [flat], axis=ax), ax, last)
        if keepdims and axis is None:  # a number: as an array of `rank` axes of 1
            p = self.b.emit("stack", [p], axis=0)
            return self.b.emit("expand_dims", [p], axis=tuple(range(rank - 1))) if rank > 1 else p
        return self.b.emit("expand_dims", [p], axis=(ax,)) if keepdims else p

    def form_quantile(self, label, args, kwargs, node, scale=1.0):
        x, q, axis, out, overwrite, method, keepdims = self.bind_args(
            label, ("a", "q", "axis", "out", "overwrite_input", "method", "keepdims"), args, kwargs, node,
            axis=None, out=None, overwrite_input=False, method="linear", keepdims=False)
        self._no_out(label, out, node)
        if isinstance(axis, tuple):
            names = ("a", "q", "axis", "out", "overwrite_input", "method", "keepdims")
            return self._over_axes(self.form_quantile, names, label, args, kwargs, node, scale=scale)
        if method not in _QUANTILE_METHODS:
            raise self.err(ShapeError, f"{label}: '{method}' is not a valid method. Use one of: {_QUANTILE_METHODS}",
                           node)
        q = self.known_items(q) or q  # np.array([0.25, 0.75])
        if isinstance(q, Value) and q.type.kind == "scalar" and method != "linear":
            raise self.err(UnsupportedSyntaxError, f"{label}: method={method!r} with q computed when the function "
                           "runs is not supported", node, hint="q known when the call is compiled, or method='linear'")
        if isinstance(q, Value) and q.type.kind == "scalar":  # q computed at run time (an argument)
            qs = [q if scale == 1.0 else self.b.emit("div", [q, self.value(scale, node)])]
            many = False
        else:
            qs = self.static(q, node, "q")
            many = isinstance(qs, tuple)
            qs = [float(v) / scale for v in (qs if many else (qs,))]
        if any(not isinstance(v, Value) and not 0.0 <= v <= 1.0 for v in qs):
            raise self.err(ShapeError, f"{label}: q must be in [0, {'100' if scale != 1.0 else '1'}]", node)
        x = self._array_arg(x, node, label)
        rank = self._rank(x)
        flat, ax = self._along(x, axis, node, label)
        if flat.type.dtype not in ("float32", "float64") or many:  # a sequence q: NumPy's float64 array joins in
            flat = self.b.emit("astype", [flat], dtype="float64") if flat.type.dtype != "float64" else flat
        n = self._dim(flat, ax)
        if not isinstance(n, int):
            raise self.err(UnsupportedSyntaxError, f"{label}: the extent along the axis must be known when the call "
                           "is compiled", node)
        if n == 0:
            raise self.err(ShapeError, f"{label} of an empty array", node)
        s = self._sorted(flat, ax)
        last = self._take(s, ax, n - 1)
        nan = self.b.emit("ne", [last, last])  # NaNs sort last: a lane holding one has the quantile NaN (NumPy)
        outs = []
        for v in qs:
            if isinstance(v, Value):
                outs.append(self.b.emit("where", [nan, last, self._quantile_at(s, ax, n, v, node)]))
                continue
            # NumPy's virtual index of the method: its quantile of 0, 1, ..., n-1 (lo + gamma)
            pos = v * (n - 1) if method == "linear" else float(np.quantile(np.arange(float(n)), v, method=method))
            lo = min(int(math.floor(pos)), n - 1)
            hi, frac = min(lo + 1, n - 1), pos - lo
            a = self._take(s, ax, lo)
            r = a if frac == 0.0 or hi == lo else \
                self.b.emit("add", [a, self.b.emit("mul", [self.b.emit("sub", [self._take(s, ax, hi), a]),
                                                           self.value(frac, node)])])
            r = self.b.emit("where", [nan, last, r])
            if keepdims:
                if axis is None:
                    r = self.b.emit("stack", [r], axis=0)
                    r = self.b.emit("expand_dims", [r], axis=tuple(range(rank - 1))) if rank > 1 else r
                else:
                    r = self.b.emit("expand_dims", [r], axis=(ax,))
            outs.append(r)
        return self.b.emit("stack", outs, axis=0) if many else outs[0]

    def _quantile_at(self, s, ax, n, q, node):
        """The linear quantile of the sorted lanes s at a q known only at run time: the order
        statistics around q (n - 1), found at run time (clamped to the lane), interpolated."""
        emit, v = self.b.emit, (lambda a: self.value(a, node))
        q = emit("minimum", [emit("maximum", [emit("astype", [q], dtype="float64"), v(0.0)]), v(1.0)])
        pos = emit("mul", [q, v(float(n - 1))])
        lo_f = emit("floordiv", [pos, v(1.0)])
        lo = emit("minimum", [emit("astype", [lo_f], dtype="int64"), v(n - 1)])
        hi = emit("minimum", [emit("add", [lo, v(1)]), v(n - 1)])
        a = self._take(s, ax, lo)
        frac = emit("sub", [pos, lo_f])
        return emit("add", [a, emit("mul", [emit("sub", [self._take(s, ax, hi), a]), frac])])

    def form_percentile(self, label, args, kwargs, node):
        return self.form_quantile(label, args, kwargs, node, scale=100.0)

    def form_cov(self, label, args, kwargs, node):
        """np.cov: a second set of variables `y` joins m's rows (NumPy's concatenate); fweights and
        aweights weight the observations (NumPy's formula: the weighted mean, and the divisor
        w_sum - ddof, or w_sum - ddof * sum(w * aweights) / w_sum with aweights); one variable gives
        a number (NumPy's squeeze)."""
        m, y, rowvar, bias, ddof, fw, aw, dtype = self.bind_args(
            label, ("m", "y", "rowvar", "bias", "ddof", "fweights", "aweights", "dtype"), args, kwargs, node,
            y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, dtype=None)
        rowvar, bias, ddof = (self.static(a, node, k) for a, k in ((rowvar, "rowvar"), (bias, "bias"), (ddof, "ddof")))
        X = self._cov_rows(m, rowvar, dtype, node, label)
        if y is not None:
            X = self.b.emit("concatenate", [X, self._cov_rows(y, rowvar, dtype, node, label)], axis=0)
        ddof = (0 if bias else 1) if ddof is None else ddof
        emit, n = self.b.emit, self._dim(X, 1)
        w = a = None
        if fw is not None:
            w = self._array_arg(fw, node, label)
            if w.type.dtype not in ("int64", "int32", "int16", "int8", "uint8", "bool"):
                raise self.err(AdjitTypeError, f"{label}: fweights must be integer", node)
            w = emit("astype", [w], dtype="float64")
        if aw is not None:
            a = self._array_arg(aw, node, label)
            a = emit("astype", [a], dtype="float64") if a.type.dtype != "float64" else a
            w = a if w is None else emit("mul", [w, a])
        if w is None:
            Xc = emit("sub", [X, emit("mean", [X], axis=(1,), keepdims=True)])
            C = emit("matmul", [Xc, emit("transpose", [Xc], axes=(1, 0))])
            denom = self.value(n - ddof, node) if isinstance(n, int) else emit("sub", [n, self.value(ddof, node)])
        else:
            if self._rank(w) != 1:
                raise self.err(ShapeError, f"{label}: the weights must be 1-D", node)
            w_sum = emit("sum", [w], axis=(0,), keepdims=False)
            Xc = emit("sub", [X, emit("div", [emit("sum", [emit("mul", [X, w])], axis=(1,), keepdims=True), w_sum])])
            C = emit("matmul", [emit("mul", [Xc, w]), emit("transpose", [Xc], axes=(1, 0))])
            denom = emit("sub", [w_sum, self.value(float(ddof), node)]) if a is None else emit("sub", [w_sum, emit(
                "div", [emit("mul", [self.value(float(ddof), node), emit("sum", [emit("mul", [w, a])], axis=(0,),
                                                                                    keepdims=False)]), w_sum])])
        C = emit("div", [C, denom])
        return self._take(self._take(C, 0, 0), 0, 0) if self._dim(X, 0) == 1 else C

    def _cov_rows(self, m, rowvar, dtype, node, label):
        """np.cov's m (or y) as a 2-D array of variables by rows, float64 unless dtype says."""
        X = self._array_arg(m, node, label)
        if dtype is not None:
            X = self._cast(X, dtype, node)
        elif X.type.dtype != "float64":  # NumPy: np.result_type(m, np.float64), so float32 data gives float64
            X = self.b.emit("astype", [X], dtype="float64")
        rank = self._rank(X)
        if rank > 2:
            raise self.err(ShapeError, f"{label}: m has more than 2 dimensions", node)
        if rank == 0:
            raise self.err(ShapeError, f"{label} of a number", node)
        if rank == 2 and not rowvar:
            X = self.b.emit("transpose", [X], axes=(1, 0))
        return self.b.emit("expand_dims", [X], axis=(0,)) if rank == 1 else X

    def _sort_args(self, label, args, kwargs, node):
        x, axis, kind, order, stable = self.bind_args(label, ("a", "axis", "kind", "order", "stable"), args, kwargs,
                                                      node, axis=-1, kind=None, order=None, stable=None)
        kind = self.static(kind, node, "kind") if not isinstance(kind, str) else kind
        if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
            raise self.err(UnsupportedSyntaxError, f"{label}: unknown kind {kind!r}", node)
        if order is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `order` (structured arrays) is not supported", node)
        x = self._array_arg(x, node, label)
        return self._along(x, axis, node, label)

    def form_argsort(self, label, args, kwargs, node):
        x, axis = self._sort_args(label, args, kwargs, node)
        return self.b.emit("argsort", [x], axis=axis)

    def _sorted(self, x: Value, axis: int) -> Value:
        """x sorted along axis: argsort, then a gather (a copy; its VJP scatters g back): forms/common.py's
        take_along_axis."""
        return self._gather_along(x, self.b.emit("argsort", [x], axis=axis), axis)

    def form_sort(self, label, args, kwargs, node):
        if label == ".sort()":
            raise self.err(UnsupportedSyntaxError, "the in-place method x.sort() is not supported", node,
                           hint="use the sorted copy: x = np.sort(x)")
        x, axis = self._sort_args(label, args, kwargs, node)
        return self._sorted(x, axis)

    # ---------------------------------------------------------------- statistics
    def _count(self, x: Value, axes: tuple):
        """The number of elements over axes: an int when known, else an int value."""
        n = 1
        for a in axes:
            d = self._dim(x, a)
            if isinstance(n, int) and isinstance(d, int):
                n *= d
            else:
                n = self.b.emit("mul", [self.value(n, None), self.value(d, None)])
        return n

    def _var(self, label, args, kwargs, node):
        x, axis, dtype, out, ddof, keepdims, given_mean, correction = self.bind_args(
            label, ("a", "axis", "dtype", "out", "ddof", "keepdims", "mean", "correction"), args, kwargs, node,
            axis=None, dtype=None, out=None, ddof=None, keepdims=False, mean=None, correction=None)
        self._no_out(label, out, node)
        x = self._array_arg(x, node, label)
        if dtype is not None:
            x = self._cast(x, dtype, node)
        if ddof is not None and correction is not None:  # NumPy 2's array-API name for ddof
            raise self.err(ShapeError, f"{label}: ddof and correction can't be provided simultaneously.", node)
        ddof = self.static(correction if ddof is None else ddof, node, "ddof") or 0
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        try:
            axes = S.normalize_axis(self.static(axis, node, "axis"), self._rank(x))
        except AdjitError as e:
            raise self.err(type(e), e.message, node) from None
        if x.type.dtype == "bool":
            x = self.b.emit("astype", [x], dtype="float64")
        # `mean=`: the caller's mean (its shape that of keepdims=True), used as given (NumPy 2)
        mean = self.b.emit("mean", [x], axis=axes, keepdims=True) if given_mean is None else self.value(given_mean, node)
        d = self.b.emit("sub", [x, mean])
        total = self.b.emit("sum", [self.b.emit("mul", [d, d])], axis=axes, keepdims=keepdims)
        n = self._count(x, axes)
        if isinstance(n, int):
            denom = self.b.const(float(max(n - ddof, 0)))
        else:
            denom = self.b.emit("astype", [self.b.emit("sub", [n, self.value(ddof, node)])], dtype="float64")
            if x.type.dtype == "float32" or (total.type.dtype == "float32"):
                denom = self.b.emit("astype", [denom], dtype="float32")
        return self.b.emit("div", [total, denom])

    def form_var(self, label, args, kwargs, node):
        return self._var(label, args, kwargs, node)

    def form_std(self, label, args, kwargs, node):
        return self.b.emit("sqrt", [self._var(label, args, kwargs, node)])

    def form_median(self, label, args, kwargs, node):
        x, axis, out, overwrite, keepdims = self.bind_args(
            label, ("a", "axis", "out", "overwrite_input", "keepdims"), args, kwargs, node,
            axis=None, out=None, overwrite_input=False, keepdims=False)
        self._no_out(label, out, node)
        x = self._array_arg(x, node, label)
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        rank = self._rank(x)
        if isinstance(axis, tuple):
            return self._over_axes(self.form_median, ("a", "axis"), label, (x,), {"axis": axis, "keepdims": keepdims},
                                   node)
        flat, ax = self._along(x, axis, node, label)
        if flat.type.dtype not in ("float32", "float64"):
            flat = self.b.emit("astype", [flat], dtype="float64")
        s = self._sorted(flat, ax)
        n = self._dim(s, ax)
        if isinstance(n, int):
            if n == 0:
                raise self.err(ShapeError, f"{label} of an empty array (NumPy returns NaN with a warning)", node)
            last = self._take(s, ax, n - 1)
            if n % 2:
                m = self._take(s, ax, n // 2)
            else:
                m = self.b.emit("div", [self.b.emit("add", [self._take(s, ax, n // 2 - 1), self._take(s, ax, n // 2)]),
                                        self.b.const(2.0)])
        else:  # both middles: the same element when n is odd ((a + a) / 2 == a)
            one, two = self.b.const(1), self.b.const(2)
            lo = self.b.emit("floordiv", [self.b.emit("sub", [n, one]), two])
            hi = self.b.emit("floordiv", [n, two])
            last = self._take(s, ax, self.b.emit("sub", [n, one]))
            m = self.b.emit("div", [self.b.emit("add", [self._take(s, ax, lo), self._take(s, ax, hi)]),
                                    self.b.const(2.0)])
        m = self.b.emit("where", [self.b.emit("ne", [last, last]), last, m])  # NaNs sort last
        if keepdims:
            if axis is None:  # a number: as an array of `rank` axes of 1
                if rank == 0:
                    return m
                m = self.b.emit("stack", [m], axis=0)
                return self.b.emit("expand_dims", [m], axis=tuple(range(rank - 1))) if rank > 1 else m
            m = self.b.emit("expand_dims", [m], axis=(ax,))
        return m

    # ---------------------------------------------------------------- ignoring NaNs
    def _nan_lanes(self, label, x, axis, node):
        """(sorted lanes, their non-NaN counts kept as an axis of 1 (int64), axis, x's rank)."""
        x = self._array_arg(x, node, label)
        if isinstance(axis, tuple):
            raise self.err(UnsupportedSyntaxError, f"{label}: a tuple of axes is not supported", node,
                           hint="reshape the axes into one first")
        rank = self._rank(x)
        flat, ax = self._along(x, axis, node, label)
        if flat.type.dtype not in ("float32", "float64"):
            flat = self.b.emit("astype", [flat], dtype="float64")
        ok = self.b.emit("astype", [self.b.emit("eq", [flat, flat])], dtype="int64")
        count = self.b.emit("sum", [ok], axis=(ax,), keepdims=True)
        return self._sorted(flat, ax), count, ax, rank

    def _lane_pick(self, s, pos, ax):
        """The lanes' elements at int positions `pos` (an axis of 1 at ax), clamped into the lane."""
        pos = self.b.emit("maximum", [pos, self.b.const(0)])
        return self._gather_along(s, pos, ax)

    def _nan_finish(self, r, axis, ax, rank, keepdims):
        if keepdims:
            return r if axis is not None or rank == 1 else self.b.emit("reshape", [r, self._const_shape((1,) * rank)])
        return self._take(r, ax, 0)

    def form_nanmedian(self, label, args, kwargs, node):
        x, axis, out, overwrite, keepdims = self.bind_args(
            label, ("a", "axis", "out", "overwrite_input", "keepdims"), args, kwargs, node,
            axis=None, out=None, overwrite_input=False, keepdims=False)
        self._no_out(label, out, node)
        s, c, ax, rank = self._nan_lanes(label, x, axis, node)
        one, two = self.b.const(1), self.b.const(2)
        lo = self._lane_pick(s, self.b.emit("floordiv", [self.b.emit("sub", [c, one]), two]), ax)
        hi = self._lane_pick(s, self.b.emit("floordiv", [c, two]), ax)  # an all-NaN lane: NaN + NaN
        m = self.b.emit("div", [self.b.emit("add", [lo, hi]), self.b.const(2.0)])
        return self._nan_finish(m, self.static(axis, node, "axis"), ax, rank, bool(self.static(keepdims, node, "keepdims")))

    def form_nanquantile(self, label, args, kwargs, node):
        x, q, axis, out, overwrite, method, keepdims = self.bind_args(
            label, ("a", "q", "axis", "out", "overwrite_input", "method", "keepdims"), args, kwargs, node,
            axis=None, out=None, overwrite_input=False, method="linear", keepdims=False)
        self._no_out(label, out, node)
        if method != "linear":
            raise self.err(UnsupportedSyntaxError, f"{label}: method={method!r} is not supported (only 'linear')", node)
        q = self.static(q, node, "q")
        if not isinstance(q, (int, float)):
            raise self.err(UnsupportedSyntaxError, f"{label}: q one number known when the call is compiled", node,
                           hint="one call per quantile")
        q = float(q) / (100.0 if label.endswith("percentile") else 1.0)
        if not 0.0 <= q <= 1.0:
            raise self.err(ShapeError, f"{label}: q must be in [0, {'100' if label.endswith('percentile') else '1'}]",
                           node)
        s, c, ax, rank = self._nan_lanes(label, x, axis, node)
        emit = self.b.emit
        last = emit("maximum", [emit("sub", [c, self.b.const(1)]), self.b.const(0)])
        pos = emit("mul", [emit("astype", [last], dtype="float64"), self.b.const(q)])
        lo_f = emit("floordiv", [pos, self.b.const(1.0)])
        lo = emit("astype", [lo_f], dtype="int64")
        hi = emit("minimum", [emit("add", [lo, self.b.const(1)]), last])
        a = self._lane_pick(s, lo, ax)
        r = emit("add", [a, emit("mul", [emit("sub", [self._lane_pick(s, hi, ax), a]), emit("sub", [pos, lo_f])])])
        return self._nan_finish(r, self.static(axis, node, "axis"), ax, rank, bool(self.static(keepdims, node, "keepdims")))

    # ---------------------------------------------------------------- differences, polynomials, products
    def form_diff(self, label, args, kwargs, node):
        x, n, axis, prepend, append = self.bind_args(label, ("a", "n", "axis", "prepend", "append"), args, kwargs,
                                                     node, n=1, axis=-1, prepend=None, append=None)
        x = self._array_arg(x, node, label)
        if prepend is not None or append is not None:  # NumPy joins them along axis first (a number: broadcast)
            ax = self._axis(axis, self._rank(x), node)

            def edge(extra):
                if isinstance(extra, tuple) and not extra:  # [] is np.asanyarray([]): shape (0,), joins nothing
                    if self._rank(x) != 1:
                        raise self.err(ShapeError, "all the input array dimensions except for the concatenation "
                                       "axis must match exactly (np.diff's prepend/append of [] and a "
                                       f"{self._rank(x)}-D array: NumPy raises ValueError)", node)
                    return None
                e = self.array_like(extra, node) if isinstance(extra, tuple) else self.value(extra, node)
                if self._rank(e) == 0:
                    shape = list(self._shape(x))
                    shape[ax] = 1
                    e = self.b.emit("broadcast_to", [e, self._const_shape(shape)])
                return e
            parts = [p for p in ([edge(prepend)] if prepend is not None else []) + [x]
                     + ([edge(append)] if append is not None else []) if p is not None]
            if len(parts) > 1:
                x = self.b.emit("concatenate", parts, axis=ax)
        n = self.static(n, node, "n")
        if not isinstance(n, int) or n < 0:
            raise self.err(ShapeError, f"order must be non-negative but got {n!r}", node)
        if self._rank(x) == 0:
            raise self.err(ShapeError, "diff requires input that is at least one dimensional", node)
        if x.type.dtype == "bool":
            raise self.err(AdjitTypeError, f"{label} of a bool array is not supported", node,
                           hint="NumPy's is `!=` of neighbours: write x[1:] != x[:-1]")
        axis = self._axis(axis, self._rank(x), node)
        for _ in range(n):
            x = self.b.emit("sub", [self._lane(x, axis, 1, None), self._lane(x, axis, None, -1)])
        return x

    def form_polyval(self, label, args, kwargs, node):
        p, x = self.bind_args(label, ("p", "x"), args, kwargs, node)
        if isinstance(p, tuple):  # a list: NumPy makes it an array first (Python floats become float64)
            if not p:
                raise self.err(ShapeError, f"{label} of an empty coefficient list", node)
            p = self.b.emit("stack", [self.value(c, node) for c in p], axis=0)
        p = self.value(p, node)
        if self._rank(p) != 1:
            raise self.err(ShapeError, f"{label}: the coefficients must be a list or a 1-D array", node)
        count = self._extent(p, 0, node, label)
        x = self.value(x, node)
        if x.type.kind == "array":
            y = self.b.emit("zeros_like", [x], dtype=x.type.dtype)
        else:
            y = None
        for k in range(count):
            c = self._take(p, 0, k)
            y = c if y is None else self.b.emit("add", [self.b.emit("mul", [y, x]), c])
        if y is None:
            return self.b.const(0.0)
        return y

    def form_cross(self, label, args, kwargs, node):
        a, b, axa, axb, axc, axis = self.bind_args(label, ("a", "b", "axisa", "axisb", "axisc", "axis"), args, kwargs,
                                                   node, axisa=-1, axisb=-1, axisc=-1, axis=None)
        if axis is not None:  # NumPy: axis sets all three
            axa = axb = axc = axis
        a, b = self.value(a, node), self.value(b, node)
        comps = []
        for v, ax in ((a, axa), (b, axb)):
            if self._rank(v) == 0:
                raise self.err(ShapeError, f"{label}: the arguments must be arrays of 3-vectors", node)
            v = self._to_last(v, self._axis(self.static(ax, node, "axis"), self._rank(v), node))
            d = self._shape(v)[-1]
            if d != 3:
                raise self.err(ShapeError, f"{label}: incompatible dimensions for cross product (the last axis "
                                           f"has extent {d}; only 3-vectors are supported)", node,
                               hint="pad 2-vectors with a zero third component")
            r = self._rank(v)
            comps.append([self._take(v, r - 1, k) for k in range(3)])
        (a0, a1, a2), (b0, b1, b2) = comps

        def det(p, q, r, s):
            return self.b.emit("sub", [self.b.emit("mul", [p, q]), self.b.emit("mul", [r, s])])

        c = [det(a1, b2, a2, b1), det(a2, b0, a0, b2), det(a0, b1, a1, b0)]
        out = self.b.emit("stack", c, axis=self._rank(c[0]))
        axc = self._axis(self.static(axc, node, "axisc"), self._rank(out), node)
        if axc == self._rank(out) - 1:
            return out
        r = self._rank(out)  # the components' axis moved from the end to axisc
        return self.b.emit("transpose", [out], axes=tuple(range(axc)) + (r - 1,) + tuple(range(axc, r - 1)))

    def _to_last(self, v, ax):
        r = self._rank(v)
        return v if ax == r - 1 else self.b.emit("transpose", [v], axes=tuple(k for k in range(r) if k != ax) + (ax,))

    def form_inner(self, label, args, kwargs, node):
        a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
        a, b = self.value(a, node), self.value(b, node)
        ra, rb = self._rank(a), self._rank(b)
        if ra == 0 or rb == 0:
            return self.b.emit("mul", [a, b])
        da, db = self._shape(a)[-1], self._shape(b)[-1]
        if da is not None and db is not None and da != db:
            raise self.err(ShapeError, f"{label}: shapes {self._shape(a)} and {self._shape(b)} not aligned: "
                                       f"{da} (dim {ra - 1}) != {db} (dim {rb - 1})", node)
        lead_a, lead_b = self._shape(a)[:-1], self._shape(b)[:-1]
        if ra > 2:
            a = self._reshape(a, (-1, self._extent(a, ra - 1, node, label)))
        if rb > 2:
            b = self._reshape(b, (-1, self._extent(b, rb - 1, node, label)))
        bt = self.b.emit("transpose", [b], axes=(1, 0)) if self._rank(b) == 2 else b
        out = self.b.emit("matmul", [a, bt])
        if ra > 2 or rb > 2:
            for k, d in enumerate(lead_a + lead_b):
                if d is None:
                    raise self.err(ShapeError, f"{label} needs the extents of the leading axes when the call is "
                                               "compiled, and one is known only at run time here", node)
            out = self._reshape(out, lead_a + lead_b)
        return out

    def form_kron(self, label, args, kwargs, node):
        a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
        a, b = self.value(a, node), self.value(b, node)
        ra, rb = self._rank(a), self._rank(b)
        if ra == 0 or rb == 0:
            return self.b.emit("mul", [a, b])
        r = max(ra, rb)
        if ra < r:
            a = self.b.emit("expand_dims", [a], axis=tuple(range(r - ra)))
        if rb < r:
            b = self.b.emit("expand_dims", [b], axis=tuple(range(r - rb)))
        dims = [self._extent(a, k, node, label) * self._extent(b, k, node, label) for k in range(r)]
        wide_a = self.b.emit("expand_dims", [a], axis=tuple(2 * k + 1 for k in range(r)))
        wide_b = self.b.emit("expand_dims", [b], axis=tuple(2 * k for k in range(r)))
        return self._reshape(self.b.emit("mul", [wide_a, wide_b]), dims)
