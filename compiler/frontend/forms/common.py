"""Common NumPy functions a probe of everyday scientific code found missing, composed of rows:
np.ptp, np.triu_indices_from/np.tril_indices_from, np.block, the ufuncs' `.outer`, np.maximum/
np.minimum `.accumulate` (running extremes: the value is a gather of x at the position of the
running extreme, so the gradient goes to that element), np.bincount (a scatter-add of a length
known when compiled), np.corrcoef, np.searchsorted (counts of comparisons: an int result),
np.polyfit (NumPy's scaled Vandermonde least squares through `pinv`; of mask selections with zero rows) and np.linalg.qr (the
`qr_q`/`qr_r` rows, primitives/matfuncs.py)."""
from __future__ import annotations

import math

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from .base import FormsBase, _listlike

FORMS: dict = {
    "ptp": ((np.ptp,), (), "`max(a, axis, keepdims) - min(a, axis, keepdims)`"),
    "diag_indices_from": ((np.diag_indices_from,), (), "`np.diag_indices(n, ndim)` of an array whose extents are "
                                                       "equal (checked when run where not known when compiled)"),
    "lexsort": ((np.lexsort,), (), "stable `argsort` of the first key, then of each later key gathered in that "
                                   "order (the last key primary, as NumPy): int64, no gradient"),
    "triu_indices_from": ((np.triu_indices_from,), (), "`np.triu_indices(n, k, m)` of a 2-D array's shape (known "
                                                        "when compiled)"),
    "tril_indices_from": ((np.tril_indices_from,), (), "`np.tril_indices(n, k, m)` of a 2-D array's shape"),
    "block": ((np.block,), (), "nested lists of arrays and numbers: each made `ndim = max(depth, ndims)` "
                               "dimensional (leading 1s), the innermost lists joined along the last axis, the next "
                               "along the one before, ... (`concatenate`)"),
    "ufunc.outer": ((), (), "`np.subtract.outer(a, b)` (any two-operand ufunc adjit supports: add, subtract, "
                            "multiply, divide, maximum, minimum, power, the comparisons...): `f(a[..., None, ...], b)`, "
                            "shape `a.shape + b.shape`"),
    "ufunc.accumulate": ((), (), "`np.maximum.accumulate(x, axis=0)`, `np.minimum.accumulate`: a `gather` of x at the "
                                 "position of the running extreme (the first index attaining it; a NaN propagates), so "
                                 "the gradient goes to that element; `np.add.accumulate`/`np.multiply.accumulate` are "
                                 "`cumsum`/`cumprod`"),
    "bincount": ((np.bincount,), (), "`np.add.at(zeros(n), x, weights)` (float64; int64 counts without weights), n = "
                                     "`minlength` (or max(x) + 1 for x known when compiled); x is checked when the "
                                     "function runs: a negative index or one >= minlength raises ValueError (NumPy's "
                                     "result would be longer); without minlength, or with one known only when run "
                                     "(`len(u)`), NumPy's `max(max(x) + 1, minlength)`, a length known when run"),
    "corrcoef": ((np.corrcoef,), (), "the `cov` form over `sqrt(diag)` on both sides, clipped to [-1, 1] "
                                     "(`rowvar`)"),
    "searchsorted": ((np.searchsorted,), (), "`sum(a < v)` (`side='left'`) or `sum(a <= v)` (`'right'`) over a "
                                             "sorted 1-D `a` (NaN sorted last), per element of v: int64, no gradient"),
    "polyfit": ((np.polyfit,), (), "NumPy's least squares: the Vandermonde matrix (repeated products) with its "
                                   "columns scaled to unit norm, `pinv(lhs, rcond=len(x) eps) @ y` over the scale; "
                                   "differentiable in x and y (pinv's rules: exact while the rank is full); `w` "
                                   "weighs the rows of both (NumPy's); not `full`, `cov`. Of two 1-D selections by one mask (`np.polyfit(t[sel], "
                                   "y[sel], 1)`): the unselected rows zero, rcond from the number selected"),
    "qr": ((np.linalg.qr,), (), "`(qr_q(a), qr_r(a))` (mode 'reduced', 'r', or 'complete' of a square matrix) of a "
                                "2-D matrix at least as tall as wide (the QR adjoint needs full column rank)"),
}

_COMPARISONS = {"less": "lt", "less_equal": "le", "greater": "gt", "greater_equal": "ge", "equal": "eq",
                "not_equal": "ne"}
_ACCUMULATE = {("maximum", "accumulate"): ("running_max", "gt"), ("minimum", "accumulate"): ("running_min", "lt")}


class CommonForms(FormsBase):
    def _plain(self, x, node, label) -> Value:
        x = self.value(x, node)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array or a number", node)
        return x

    # ---------------------------------------------------------------- ptp, triangle indices
    def form_ptp(self, label, args, kwargs, node):
        a, axis, out, keepdims = self.bind_args(label, ("a", "axis", "out", "keepdims"), args, kwargs, node,
                                                axis=None, out=None, keepdims=False)
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        x = self._plain(self.array_like(a, node), node, label)
        if x.type.dtype == "bool":
            raise self.err(AdjitTypeError, f"{label} of a bool array (NumPy raises TypeError: boolean subtract)", node)
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        hi = self._reduce("max", x, axis, keepdims, node)
        return self.b.emit("sub", [hi, self._reduce("min", x, axis, keepdims, node)])

    def _tri_from(self, label, func, args, kwargs, node):
        arr, k = self.bind_args(label, ("arr", "k"), args, kwargs, node, k=0)
        x = self.value(arr, node)
        if self._rank(x) != 2:
            raise self.err(ShapeError, f"{label}: input array must be 2-d", node)
        n, m = (self._extent(x, a, node, label) for a in (0, 1))
        return self.tri_indices(func, (n, k, m), {}, node, label)

    def form_diag_indices_from(self, label, args, kwargs, node):
        (arr,) = self.bind_args(label, ("arr",), args, kwargs, node)
        x = self.value(arr, node)
        rank = self._rank(x)
        if rank < 2:
            raise self.err(ShapeError, f"{label}: input array must be at least 2-d", node)
        dims = [self._dim(x, a) for a in range(rank)]
        if all(isinstance(d, int) for d in dims) and len(set(dims)) > 1:
            raise self.err(ShapeError, f"{label}: All dimensions of input must be of equal length", node)
        for d in dims[1:]:
            if not (isinstance(d, int) and isinstance(dims[0], int)):
                self.b.emit("check", [self.b.emit("eq", [self.value(d, node), self.value(dims[0], node)])],
                            exc="ValueError", msg="All dimensions of input must be of equal length")
        r = self.b.emit("arange", [self.value(0, node), self.value(dims[0], node), self.value(1, node)])
        return (r,) * rank

    def form_lexsort(self, label, args, kwargs, node):
        keys, axis = self.bind_args(label, ("keys", "axis"), args, kwargs, node, axis=-1)
        if self.static(axis, node, "axis") not in (-1, 0):
            raise self.err(UnsupportedSyntaxError, f"{label} of 1-D keys (axis=-1)", node)
        if isinstance(keys, Value) and keys.type.kind == "array" and keys.type.rank == 2:
            n = self._dim(keys, 0)
            if not isinstance(n, int):
                raise self.err(UnsupportedSyntaxError, f"{label}: a number of keys known when compiled", node)
            keys = tuple(self.b.emit("getitem", [keys, self.b.const(k)], index=(("int", 1),)) for k in range(n))
        if not isinstance(keys, tuple) or not keys:
            raise self.err(AdjitTypeError, f"{label} takes a sequence of 1-D keys (the last is the primary one)", node)
        keys = [self.value(self.array_like(k, node), node) for k in keys]
        order = self.call_value(np.argsort, [keys[0]], {"kind": "stable"}, node)
        for k in keys[1:]:  # each later key sorts stably what the earlier ones ordered: the last decides first
            ranked = self.call_value(np.take, [k, order], {}, node)
            order = self.call_value(np.take, [order, self.call_value(np.argsort, [ranked], {"kind": "stable"},
                                                                     node)], {}, node)
        return order

    def form_triu_indices_from(self, label, args, kwargs, node):
        return self._tri_from(label, np.triu_indices, args, kwargs, node)

    def form_tril_indices_from(self, label, args, kwargs, node):
        return self._tri_from(label, np.tril_indices, args, kwargs, node)

    # ---------------------------------------------------------------- np.block
    def form_block(self, label, args, kwargs, node):
        (arrays,) = self.bind_args(label, ("arrays",), args, kwargs, node)
        if not _listlike(arrays):
            return self.b.emit("astype", [self._plain(arrays, node, label)], dtype=self.value(arrays, node).type.dtype)

        def depth(obj):
            if not _listlike(obj):
                return 0
            if not obj:
                raise self.err(ShapeError, f"{label}: lists cannot be empty", node)
            ds = {depth(e) for e in obj}
            if len(ds) > 1:
                raise self.err(ShapeError, f"{label}: list depths are mismatched", node)
            return ds.pop() + 1

        d = depth(arrays)

        def leaves(obj):
            return [v for e in obj for v in leaves(e)] if _listlike(obj) else [self._plain(obj, node, label)]

        ndim = max([d] + [self._rank(v) for v in leaves(arrays)])

        def join(obj, level):
            if not _listlike(obj):
                v = self._plain(obj, node, label)
                r = self._rank(v)
                if r < ndim:
                    v = self.b.emit("reshape", [v, self._const_shape((1,) * (ndim - r) + self._shape(v))]) \
                        if None not in self._shape(v) else self.b.emit("expand_dims", [v], axis=tuple(range(ndim - r)))
                return v
            parts = [join(e, level + 1) for e in obj]
            return self._concat(parts, ndim - d + level, node)

        return join(arrays, 0)

    # ---------------------------------------------------------------- ufunc methods
    def ufunc_form(self, func, args, kwargs, node):
        """np.<ufunc>.outer(a, b); np.maximum.accumulate / np.minimum.accumulate(x, axis=0)."""
        ufunc, method = func.__self__, func.__name__
        written = f"np.{ufunc.__name__}.{method}"
        if method == "outer":
            if ufunc.nin != 2 or len(args) != 2 or kwargs:
                raise self.err(UnsupportedSyntaxError, f"{written} takes two arrays here (no keywords)", node)
            a, b = (self.array_like(v, node) for v in args)
            if self._rank(b):
                a = self.b.emit("expand_dims", [self._plain(a, node, written)],
                                axis=tuple(range(self._rank(a), self._rank(a) + self._rank(b))))
            return self.apply_ufunc(ufunc, [a, b], node, written)
        prim, cmp = _ACCUMULATE[(ufunc.__name__, method)]
        x, axis, dtype, out = self.bind_args(written, ("array", "axis", "dtype", "out"), args, kwargs, node,
                                             axis=0, dtype=None, out=None)
        if dtype is not None or out is not None:
            raise self.err(UnsupportedSyntaxError, f"{written}: `dtype=` and `out=` are not supported", node)
        x = self._plain(self.array_like(x, node), node, written)
        if x.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written} of a number (NumPy: cannot accumulate on a scalar)", node)
        ax = self._axis(axis, self._rank(x), node)
        return self._running_extreme(x, ax, prim, cmp, node)

    def apply_ufunc(self, ufunc, operands, node, written):
        from ..expressions import _sources

        if ufunc.__name__ in _COMPARISONS:  # np.less.outer: the operators' rows
            a, b = (self._plain(v, node, written) for v in operands)
            return self.b.emit(_COMPARISONS[ufunc.__name__], [a, b])
        if id(ufunc) in self.FUNCTIONS():
            return self.numpy_form(ufunc, operands, {}, node)
        prim = _sources().get(id(ufunc))
        if prim is None:
            raise self.err(UnsupportedSyntaxError, f"`{written}` is not supported by adjit (np.{ufunc.__name__} is "
                           "not)", node)
        return self.prim_call(prim, ufunc, operands, {}, node)

    def _running_extreme(self, x: Value, ax: int, prim: str, cmp: str, node) -> Value:
        """x gathered along ax at the position of its running extreme: where x beats the running
        extreme before it (strictly; a NaN where there was none), the position starts over."""
        data = self.b.emit("stop_gradient", [x]) if x.type.dtype in ("float32", "float64") else x
        run = self.b.emit(prim, [data], axis=ax)
        fill = -math.inf if cmp == "gt" else math.inf
        if x.type.dtype not in ("float32", "float64"):
            info = np.iinfo(x.type.dtype) if x.type.dtype != "bool" else None
            if info is None:
                raise self.err(AdjitTypeError, "a running extreme of a bool array is not supported", node,
                               hint="x.astype(np.int64) first")
            fill = int(info.min if cmp == "gt" else info.max)
        if self._shape(x)[ax] == 0:
            return self.b.emit("astype", [x], dtype=x.type.dtype)
        first = self._slice(run, ax, 0, 1)
        edge = self.b.emit("where", [self.b.emit("eq", [first, first]), self.value(fill, node), first])
        stop = self._dim(run, ax)
        stop = self.b.emit("sub", [stop if isinstance(stop, Value) else self.value(stop, node), self.value(1, node)])
        before = self._concat([edge, self.b.emit("getitem", [run, self.b.const(0), stop],
                                                 index=(("slice", None, None, None),) * ax + (("slice", 1, 2, None),))],
                              ax, node)
        beats = self.b.emit(cmp, [data, before])
        if x.type.dtype in ("float32", "float64"):  # a NaN starts over where the run before it had none
            nan_here = self.b.emit("logical_and", [self.b.emit("ne", [data, data]), self.b.emit("eq", [before, before])])
            beats = self.b.emit("logical_or", [beats, nan_here])
        pos = self.b.emit("arange", [self.b.const(0), self._dim(x, ax) if isinstance(self._dim(x, ax), Value)
                                     else self.b.const(self._dim(x, ax)), self.b.const(1)])
        rank = self._rank(x)
        if rank > 1:
            pos = self.b.emit("expand_dims", [pos], axis=tuple(k for k in range(rank) if k != ax))
        start = self.b.emit("where", [beats, pos, self.value(0, node)])
        where_at = self.b.emit("running_max", [start], axis=ax)
        return self._gather_along(x, where_at, ax)

    def _gather_along(self, x: Value, idx: Value, axis: int) -> Value:
        """np.take_along_axis(x, idx, axis) for idx of x's shape (a gather; its VJP scatters back)."""
        rank = self._rank(x)
        if rank == 1:
            return self.b.emit("gather", [x, idx], index=(("array", 1),))
        ins, items = [x], []
        for k in range(rank):
            if k == axis:
                ins.append(idx)
            else:
                d = self._dim(x, k)
                ar = self.b.emit("arange", [self.b.const(0), d if isinstance(d, Value) else self.b.const(d),
                                            self.b.const(1)])
                ins.append(self.b.emit("expand_dims", [ar], axis=tuple(j for j in range(rank) if j != k)))
            items.append(("array", len(ins) - 1))
        return self.b.emit("gather", ins, index=tuple(items))

    # ---------------------------------------------------------------- bincount, searchsorted
    def form_bincount(self, label, args, kwargs, node):
        x, weights, minlength = self.bind_args(label, ("x", "weights", "minlength"), args, kwargs, node,
                                               weights=None, minlength=0)
        x = self.value(self.array_like(x, node), node)
        run_min = isinstance(minlength, Value) and minlength.type.kind == "scalar" and minlength.type.dtype in (
            "int64", "int32") and self.b.aval(minlength).value is None  # minlength=len(u), u of a run-time length
        minlength = minlength if run_min else self.static(minlength, node, "minlength")
        if not run_min and (not isinstance(minlength, int) or isinstance(minlength, bool) or minlength < 0):
            raise self.err(AdjitTypeError, f"{label}: minlength must be a non-negative int known when compiled", node)
        if x.type.kind != "array" or x.type.rank != 1:
            raise self.err(ShapeError, f"{label}: x must be a 1-D array of non-negative ints", node)
        known = self.b.aval(x).value
        if known is not None and not run_min:
            known = np.asarray(known)
            if known.size and known.min() < 0:
                raise self.err(ShapeError, f"{label}: 'list' argument must have no negative elements", node)
            n = max(minlength, int(known.max()) + 1 if known.size else 0)
        elif not run_min and minlength > 0:
            n = minlength
        else:  # NumPy's length max(max(x) + 1, minlength), known when the function runs
            n = None
        self.at(node)
        if n is None and x.type.dtype not in ("int64", "int32", "bool"):
            raise self.err(AdjitTypeError, f"{label}: x must hold non-negative ints, not {x.type.dtype}", node)
        idx = self.b.emit("bincount_index", [x], n=n if n is not None else 2 ** 62)  # (n None: x >= 0 checked)
        if n is None:
            emit = self.b.emit
            top = emit("max", [emit("concatenate", [emit("astype", [x], dtype="int64"),
                                                    emit("full", [self._const_shape((1,)), self.b.const(-1)],
                                                         dtype="int64")], axis=0)],
                       axis=(0,), keepdims=False)
            n = emit("add", [top, self.b.const(1)])
            if run_min or minlength:
                n = emit("maximum", [n, self.value(minlength, node)])
        if weights is None:
            val, dtype = self.b.emit("astype", [self.b.emit("eq", [x, x])], dtype="int64"), "int64"
        else:
            val, dtype = self.value(self.array_like(weights, node), node), "float64"
            if val.type.kind != "array" or val.type.rank != 1:
                raise self.err(ShapeError, f"{label}: weights must be a 1-D array of x's length", node)
            if (val.type.dtype != "float64"):  # NumPy adds the weights as doubles
                val = self.b.emit("astype", [val], dtype="float64")
            m, k = self._shape(val)[0], self._shape(x)[0]
            if m is not None and k is not None and m != k:
                raise self.err(ShapeError, f"{label}: The weights and list don't have the same length.", node)
        out = self.b.emit("zeros", [self._const_shape((n,)) if isinstance(n, int) else self.b.emit("tuple", [n])],
                          dtype=dtype)
        return self.b.emit("index_add", [out, val, idx], index=(("array", 2),))

    def form_searchsorted(self, label, args, kwargs, node):
        a, v, side, sorter = self.bind_args(label, ("a", "v", "side", "sorter"), args, kwargs, node,
                                            side="left", sorter=None)
        if sorter is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `sorter=` is not supported", node,
                           hint="sort first: np.searchsorted(np.sort(a), v)")
        if side not in ("left", "right"):
            raise self.err(AdjitTypeError, f"{label}: side must be 'left' or 'right', not {side!r}", node)
        a = self._plain(self.array_like(a, node), node, label)
        v = self._plain(self.array_like(v, node), node, label)
        if self._rank(a) != 1:
            raise self.err(ShapeError, f"{label}: a must be a 1-D array", node)
        a = self.b.emit("stop_gradient", [a]) if a.type.dtype in ("float32", "float64") else a
        v = self.b.emit("stop_gradient", [v]) if v.type.dtype in ("float32", "float64") else v
        rv = self._rank(v)
        ab = self.b.emit("expand_dims", [a], axis=tuple(range(rv))) if rv else a
        vb = self.b.emit("expand_dims", [v], axis=(rv,)) if rv else v
        # NaN sorts last: left counts a < v, and every non-NaN a for a NaN v; right counts a <= v, every a for NaN v
        hit = self.b.emit("lt" if side == "left" else "le", [ab, vb])
        if v.type.dtype in ("float32", "float64"):
            vnan = self.b.emit("ne", [vb, vb])
            extra = vnan if side == "right" else self.b.emit("logical_and", [vnan, self.b.emit("eq", [ab, ab])])
            hit = self.b.emit("logical_or", [hit, extra])
        return self._reduce("sum", self.b.emit("astype", [hit], dtype="int64"), rv, False, node)

    # ---------------------------------------------------------------- corrcoef, polyfit
    def form_corrcoef(self, label, args, kwargs, node):
        x, y, rowvar, _, _, dtype = self.bind_args(label, ("x", "y", "rowvar", "bias", "ddof", "dtype"), args, kwargs,
                                                   node, y=None, rowvar=True, bias=None, ddof=None, dtype=None)
        if y is not None:  # NumPy: the variables of x and of y together (np.concatenate of their 2-D forms)
            if not self.static(rowvar, node, "rowvar"):
                raise self.err(UnsupportedSyntaxError, f"{label}: `y` with rowvar=False is not supported", node,
                               hint="stack the variables first: np.corrcoef(np.hstack([x, y]), rowvar=False)")
            parts = [self.array_like(v, node) for v in (x, y)]
            parts = [p if self._rank(p) == 2 else self.b.emit("expand_dims", [p], axis=(0,)) for p in parts]
            x = self.b.emit("concatenate", parts, axis=0)
        c = self.form_cov("np.cov", (self.array_like(x, node),), {"rowvar": rowvar, "dtype": dtype}, node)
        if self._rank(c) == 0:  # one variable: c / c (1.0, nan for a constant one)
            return self.b.emit("div", [c, c])
        s = self.b.emit("sqrt", [self.b.emit("diagonal", [c], offset=0)])
        c = self.b.emit("div", [c, self.b.emit("expand_dims", [s], axis=(1,))])
        c = self.b.emit("div", [c, self.b.emit("expand_dims", [s], axis=(0,))])
        one = self.value(1.0, node)
        return self.b.emit("clip", [c, self.b.emit("neg", [one]), one])

    def form_polyfit(self, label, args, kwargs, node):
        from ..masks import Masked

        x, y, deg, rcond, full, w, cov = self.bind_args(label, ("x", "y", "deg", "rcond", "full", "w", "cov"), args,
                                                        kwargs, node, rcond=None, full=False, w=None, cov=False)
        if self.static(full, node, "full") or self.static(cov, node, "cov") is not False:
            raise self.err(UnsupportedSyntaxError, f"{label}: `full=True` and `cov=` are not supported", node,
                           hint="the residuals: np.linalg.lstsq(np.vander(x, deg + 1), y)")
        if w is not None and (isinstance(x, Masked) or isinstance(y, Masked)):
            raise self.err(UnsupportedSyntaxError, f"{label}: `w=` with selected points is not supported", node)
        deg = self.static(deg, node, "deg")
        if not isinstance(deg, int) or isinstance(deg, bool) or deg < 0:
            raise self.err(AdjitTypeError, f"{label}: deg must be a non-negative int known when compiled", node)

        if isinstance(x, Masked) or isinstance(y, Masked):
            return self._polyfit_selected(label, x, y, deg, rcond, node)
        x = self._plain(self.array_like(x, node), node, label)
        y = self._plain(self.array_like(y, node), node, label)
        if self._rank(x) != 1 or self._rank(y) not in (1, 2):
            raise self.err(AdjitTypeError, f"{label}: expected 1-D x and 1-D or 2-D y", node)
        n, m = self._shape(x)[0], self._shape(y)[0]
        if n is not None and m is not None and n != m:
            raise self.err(AdjitTypeError, f"{label}: expected x and y to have same length", node)
        if n is None:
            raise self.err(ShapeError, f"{label}: x's length is needed when compiled (NumPy's rcond)", node)
        xdt = x.type.dtype if x.type.dtype in ("float32", "float64") else "float64"  # NumPy's x + 0.0
        dt = "float64"  # np.vander promotes x's dtype with int: float64 whatever x's float dtype (NumPy's result)
        x, y = (v if v.type.dtype == dt else self.b.emit("astype", [v], dtype=dt) for v in (x, y))
        rcond = n * float(np.finfo(xdt).eps) if rcond is None else self.static(rcond, node, "rcond")
        self.at(node)
        cols = [self.b.emit("astype", [self.b.emit("eq", [x, x])], dtype=dt)]  # x ** 0 = 1 (NaN too, as vander)
        for _ in range(deg):
            cols.append(x if len(cols) == 1 else self.b.emit("mul", [cols[-1], x]))
        lhs = self.b.emit("stack", cols[::-1], axis=1)
        if w is not None:  # NumPy: the rows of the Vandermonde matrix and of y times w
            wv = self.b.emit("astype", [self._plain(self.array_like(w, node), node, label)], dtype=dt)
            wcol = self.b.emit("expand_dims", [wv], axis=(1,))
            lhs, y = self.b.emit("mul", [lhs, wcol]), self.b.emit("mul", [y, wv if self._rank(y) == 1 else wcol])
        scale = self.b.emit("sqrt", [self.b.emit("sum", [self.b.emit("mul", [lhs, lhs])], axis=(0,), keepdims=False)])
        lhs = self.b.emit("div", [lhs, scale])
        c = self.b.emit("matmul", [self.b.emit("pinv", [lhs, self.value(float(rcond), node)]), y])
        return self.b.emit("div", [c, scale if self._rank(y) == 1 else self.b.emit("expand_dims", [scale], axis=(1,))])

    def _polyfit_selected(self, label, x, y, deg, rcond, node):
        """np.polyfit(t[sel], y[sel], deg) of two 1-D selections by one mask: the same least squares
        with the unselected rows of the Vandermonde matrix and of y zero (they change neither its
        column scales nor its singular values, and pinv gives them zero weight), NumPy's default
        rcond from the number selected; no element selected is NumPy's TypeError when run."""
        from ..masks import Masked

        if not (isinstance(x, Masked) and isinstance(y, Masked) and self.same_selection(x, y)
                and x.values.type.rank == 1 and y.values.type.rank == 1):
            raise self.err(UnsupportedSyntaxError, f"{label} of boolean-mask selections: x and y must be 1-D "
                           "arrays selected by the same mask", node,
                           hint="np.polyfit(t[sel], y[sel], deg) with one mask sel, or select with np.flatnonzero")
        emit = self.b.emit
        dt = "float32" if x.values.type.dtype == y.values.type.dtype == "float32" else "float64"
        mask = x.mask
        xv, yv = (emit("where", [mask, v if v.type.dtype == dt else emit("astype", [v], dtype=dt), self.b.const(0.0)])
                  for v in (x.values, y.values))
        w = emit("astype", [mask], dtype=dt)
        count = emit("sum", [w], axis=(0,), keepdims=False)
        emit("check", [emit("gt", [count, self.b.const(0.0)])], exc="TypeError", msg="expected non-empty vector for x")
        self.at(node)
        cols = [emit("mul", [emit("astype", [emit("eq", [xv, xv])], dtype=dt), w])]  # x ** 0 on the selected rows
        for _ in range(deg):
            cols.append(xv if len(cols) == 1 else emit("mul", [cols[-1], xv]))
        lhs = emit("stack", cols[::-1], axis=1)
        scale = emit("sqrt", [emit("sum", [emit("mul", [lhs, lhs])], axis=(0,), keepdims=False)])
        lhs = emit("div", [lhs, scale])
        rc = emit("mul", [count, self.b.const(float(np.finfo(dt).eps))]) if rcond is None else \
            self.value(float(self.static(rcond, node, "rcond")), node)
        return emit("div", [emit("matmul", [emit("pinv", [lhs, rc]), yv]), scale])

    # ---------------------------------------------------------------- QR
    def form_qr(self, label, args, kwargs, node):
        label = "np.linalg.qr"
        a, mode = self.bind_args(label, ("a", "mode"), args, kwargs, node, mode="reduced")
        a = self._plain(self.array_like(a, node), node, label)
        if mode not in ("reduced", "complete", "r"):
            raise self.err(UnsupportedSyntaxError, f"{label}(a, mode={mode!r}) is not supported", node,
                           hint="mode='reduced' (the default), 'r', or 'complete' of a square matrix")
        if self._rank(a) != 2:
            raise self.err(ShapeError, f"{label} takes one 2-D matrix here (stacks: loop over the matrices)", node)
        if a.type.dtype not in ("float32", "float64"):
            a = self.b.emit("astype", [a], dtype="float64")
        m, n = (self._extent(a, k, node, label) for k in (0, 1))
        if m < n:
            raise self.err(UnsupportedSyntaxError, f"{label} of a wide matrix ({m} x {n}) is not supported (the "
                           "QR derivative adjit implements needs at least as many rows as columns)", node,
                           hint="factor the transpose (np.linalg.qr(a.T)) or use np.linalg.lstsq/pinv")
        if mode == "complete" and m != n:
            raise self.err(UnsupportedSyntaxError, f"{label}(a, mode='complete') of a non-square matrix is not "
                           "supported (the completed columns of Q are not unique)", node, hint="mode='reduced'")
        self.at(node)
        r = self.b.emit("qr_r", [a])
        return r if mode == "r" else (self.b.emit("qr_q", [a]), r)
