"""Everyday NumPy, SciPy and Python calls composed of rows (a probe's second battery):
np.float_power, np.ediff1d, math.fsum (a compensated sum), math.prod, np.logaddexp.reduce /
np.logaddexp2.reduce (a stable log-sum-exp), np.linalg.matrix_rank (an int through the singular
values and NumPy's tolerance), scipy.integrate.simpson (SciPy's composite rule, Cartwright's
correction for the last interval of an even count), np.isin and np.digitize (no gradient),
np.argwhere of a value computed in the function, np.choose (a gather), np.piecewise (nested
`where`s, later conditions winning), np.apply_along_axis (the helper called on each 1-D slice,
unrolled) and collections.namedtuple (the class made by Python when the call is compiled)."""
from __future__ import annotations

import ast
import collections
import math

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ...primitives.table import Lazy
from ..values import LocalFunction, _is_number
from .base import FormsBase, _listlike

_FLOATS = ("float32", "float64")
MAX_ITEMS = 256  # items of math.fsum / math.prod of an array, slices of np.apply_along_axis: unrolled

FORMS: dict = {
    "float_power": ((np.float_power,), (), "`x1 ** x2` in float64 (both operands cast first)"),
    "ediff1d": ((np.ediff1d,), (), "`concatenate([to_begin, a[1:] - a[:-1], to_end])` of the raveled array, in its "
                                   "dtype"),
    "fsum": ((math.fsum,), (), "the items summed with error-free transformations (three cascades of TwoSum, then a "
                               "plain sum: Python's correctly rounded sum except for sums cancelling below ~1e-32 of "
                               "their terms); gradient 1 per item; a list, tuple or 1-D array of known length"),
    "math_prod": ((math.prod,), (), "`start * x0 * x1 * ...` left to right (Python's operators; arrays of one shape "
                                    "multiply elementwise)"),
    "ufunc.reduce (logaddexp)": ((), (), "`np.logaddexp.reduce(x, axis=0)`: `m + log(sum(exp(x - m)))`, m the max "
                                         "along the axis (a constant for the gradient; 0 where it is not finite); "
                                         "`np.logaddexp2.reduce` in base 2"),
    "matrix_rank": ((np.linalg.matrix_rank,), (), "`count_nonzero(S > tol)` of the singular values (`svd_s`) of a "
                                                  "2-D matrix, tol = `S.max() * max(M, N) * eps` or NumPy's "
                                                  "`tol`/`rtol`; `int(any(A != 0))` below 2-D: an int, no gradient"),
    "simpson": ((Lazy("scipy.integrate", "simpson"),), (), "SciPy's composite Simpson rule along `axis` (`x` or "
                                                          "`dx`), for an even count Simpson on the first N-1 points "
                                                          "plus Cartwright's correction of the last interval (SciPy "
                                                          ">= 1.11)"),
    "isin": ((np.isin,), (), "`any(element[..., None] == ravel(test_elements), -1)` (`invert`): bool, no gradient"),
    "digitize": ((np.digitize,), (), "`np.searchsorted(bins, x, side)` for increasing bins, `len(bins) - "
                                     "searchsorted(bins[::-1], x, side)` for decreasing ones (decided when the function "
                                     "runs; bins neither: ValueError): int64, no gradient"),
    "argwhere": ((np.argwhere,), (), "of a value computed in the function: `np.flatnonzero(a)` unravelled into "
                                     "(count, ndim) int64 coordinates (a run-time count); of data only, NumPy's, before "
                                     "the compiled code"),
    "choose": ((np.choose,), (), "a `gather` of `stack(broadcast(choices))` at `a` (mode 'raise': an index out of "
                                 "range raises IndexError; 'wrap', 'clip'): the gradient goes to the chosen array"),
    "piecewise": ((np.piecewise,), (), "`y = zeros_like(x)`, then `y = where(cond_k, f_k(where(cond_k, x, 0.5)), y)` in "
                                       "order (later conditions win; an extra function is the otherwise case): f_k a "
                                       "lambda, helper or ufunc computing elementwise, or a constant; in x's dtype"),
    "apply_along_axis": ((np.apply_along_axis,), (), "`func1d` called on each 1-D slice along `axis` (unrolled, at most "
                                                     f"{MAX_ITEMS} slices of shapes known when compiled), the results "
                                                     "stacked in their place: a scalar or an array of one shape"),
    "namedtuple": ((collections.namedtuple,), (), "the class made by Python when the call is compiled (`typename`, "
                                                  "`field_names`, `defaults` known then), then a NamedTuple"),
}

_ELEMENTWISE_EXTRA = frozenset({"astype", "broadcast_to", "stop_gradient", "const", "where"})


class AssortedForms(FormsBase):
    def _float(self, x, node, label, dtype="float64") -> Value:
        x = self.value(self.array_like(x, node), node)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array or a number", node)
        return x if x.type.dtype == dtype else self.b.emit("astype", [x], dtype=dtype)

    # ---------------------------------------------------------------- float_power, ediff1d
    def form_float_power(self, label, args, kwargs, node):
        a, b, out = self.bind_args(label, ("x1", "x2", "out"), args, kwargs, node, out=None)
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        a, b = self._float(a, node, label), self._float(b, node, label)
        self.at(node)
        return self.b.emit("pow", [a, b])

    def form_ediff1d(self, label, args, kwargs, node):
        ary, to_end, to_begin = self.bind_args(label, ("ary", "to_end", "to_begin"), args, kwargs, node,
                                               to_end=None, to_begin=None)
        x = self._ravel(self.value(self.array_like(ary, node), node))
        dt = x.type.dtype
        if dt == "bool":
            raise self.err(AdjitTypeError, f"{label} of a bool array (NumPy raises TypeError: boolean subtract)", node)
        n = self._extent(x, 0, node, label)
        self.at(node)
        parts = [self.b.emit("sub", [self._slice(x, 0, 1, n), self._slice(x, 0, 0, n - 1)])] if n > 1 else \
            [self.b.emit("astype", [self._slice(x, 0, 0, 0)], dtype=dt)]
        for end, extra in ((False, to_begin), (True, to_end)):
            if extra is None:
                continue
            e = self._ravel(self.value(self.array_like(extra, node), node))
            if not np.can_cast(np.dtype(e.type.dtype), np.dtype(dt), casting="same_kind"):
                raise self.err(AdjitTypeError, f"{label}: dtype of `{'to_end' if end else 'to_begin'}` must be "
                               f"compatible with input `ary` under the `same_kind` rule.", node)
            e = e if e.type.dtype == dt else self.b.emit("astype", [e], dtype=dt)
            parts = parts + [e] if end else [e] + parts
        return self._concat(parts, 0, node)

    # ---------------------------------------------------------------- math.fsum, math.prod
    def _py_items(self, seq, node, label) -> list:
        """The items of a list, tuple or 1-D array (of a length known when compiled)."""
        if type(seq).__name__ in ("BuiltList", "DeferredList"):
            seq = self.value(seq, node)
        if isinstance(seq, tuple):
            return list(seq)
        if isinstance(seq, Value) and seq.type.kind == "array":
            n = self._extent(seq, 0, node, label)
            if n > MAX_ITEMS:
                raise self.err(UnsupportedSyntaxError, f"{label} of an array of {n} items (at most {MAX_ITEMS} are "
                               "unrolled)", node, hint="np.sum(x) / np.prod(x)")
            return [self._take(seq, 0, k) for k in range(n)]
        raise self.err(AdjitTypeError, f"{label} takes a list, tuple or array here", node)

    def form_fsum(self, label, args, kwargs, node):
        label = "math.fsum"
        (seq,) = self.bind_args(label, ("seq",), args, kwargs, node)
        items = self._py_items(seq, node, label)
        if all(_is_number(v) for v in items):
            return math.fsum(items)
        xs = []
        for v in items:
            v = self.value(v, node)
            if v.type.kind != "scalar":
                raise self.err(AdjitTypeError, f"{label} takes numbers (must be real number, not an array)", node)
            xs.append(v if v.type.dtype == "float64" else self.b.emit("astype", [v], dtype="float64"))
        self.at(node)
        emit = self.b.emit
        for _ in range(3):  # VecSum (Ogita, Rump, Oishi): the same exact sum, its error terms moved down
            for k in range(1, len(xs)):
                a, b = xs[k - 1], xs[k]
                s = emit("add", [b, a])
                bb = emit("sub", [s, b])
                err = emit("add", [emit("sub", [b, emit("sub", [s, bb])]), emit("sub", [a, bb])])
                xs[k - 1], xs[k] = err, s
        total = xs[0]
        for v in xs[1:-1]:
            total = emit("add", [total, v])
        return emit("add", [total, xs[-1]]) if len(xs) > 1 else total

    def form_math_prod(self, label, args, kwargs, node):
        label = "math.prod"
        if len(args) != 1 or set(kwargs) - {"start"}:
            raise self.err(AdjitTypeError, f"{label} takes one iterable (and start=)", node)
        items = self._py_items(args[0], node, label)
        out = kwargs.get("start", 1)
        if all(_is_number(v) for v in items + [out]):
            return math.prod(items, start=out)
        for v in items:
            out = self.binop(ast.Mult, out, v, node)
        return out

    # ---------------------------------------------------------------- np.logaddexp.reduce
    def logaddexp_reduce(self, func, args, kwargs, node):
        two = func.__self__ is np.logaddexp2
        written = f"np.{func.__self__.__name__}.reduce"
        x, axis, dtype, out, keepdims = self.bind_args(written, ("array", "axis", "dtype", "out", "keepdims"), args,
                                                       kwargs, node, axis=0, dtype=None, out=None, keepdims=False)
        if dtype is not None or out is not None:
            raise self.err(UnsupportedSyntaxError, f"{written}: `dtype=` and `out=` are not supported", node)
        x = self.value(self.array_like(x, node), node)
        if x.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written} of a number (NumPy: cannot reduce a 0-d array)", node)
        if x.type.dtype not in _FLOATS:
            x = self.b.emit("astype", [x], dtype="float64")
        axis = self.static(axis, node, "axis")
        axes = tuple(range(self._rank(x))) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(self._axis(a, self._rank(x), node) for a in axes)
        if any(self._shape(x)[a] == 0 for a in axes):
            raise self.err(ShapeError, f"{written} over an empty axis (NumPy gives -inf)", node)
        keep = bool(self.static(keepdims, node, "keepdims"))
        self.at(node)
        emit = self.b.emit
        m = emit("stop_gradient", [emit("max", [x], axis=axes, keepdims=True)])
        finite = emit("lt", [emit("abs", [m]), self.b.const(math.inf)])  # not inf, not NaN
        m = emit("where", [finite, m, self.b.const(0.0)])
        d = emit("sub", [x, m])
        e = emit("pow", [self.b.const(2.0), d]) if two else emit("exp", [d])
        s = emit("sum", [e], axis=axes, keepdims=True)
        r = emit("div", [emit("log", [s]), self.b.const(math.log(2.0))]) if two else emit("log", [s])
        r = emit("add", [m, r])
        if not keep:  # the reduced axes (of extent 1 now) dropped: a sum over them (a number for all axes)
            r = emit("sum", [r], axis=axes, keepdims=False)
        return r

    def logaddexp_accumulate(self, func, args, kwargs, node):
        """np.logaddexp.accumulate (and logaddexp2's): y_k = log(exp(y_(k-1)) + exp(x_k)) along the
        axis, kept stable with the running maximum m_k: y_k = m_k + log(S_k), where S_k = sum over
        j <= k of exp(x_j - m_k) is the linear recurrence S_k = exp(x_k - m_k) + exp(m_(k-1) - m_k)
        S_(k-1) (the linrec row, exact to any order; the factor never exceeds 1). m is held
        constant (y does not depend on it), as in logaddexp.reduce. Infinities and NaN give
        NumPy's values (a gradient where the value is infinite is nan, as d(-inf)/dx is)."""
        two = func.__self__ is np.logaddexp2
        written = f"np.{func.__self__.__name__}.accumulate"
        x, axis, dtype, out = self.bind_args(written, ("array", "axis", "dtype", "out"), args, kwargs, node,
                                             axis=0, dtype=None, out=None)
        if dtype is not None or out is not None:
            raise self.err(UnsupportedSyntaxError, f"{written}: `dtype=` and `out=` are not supported", node)
        x = self.value(self.array_like(x, node), node)
        if x.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written} of a number (NumPy: cannot accumulate on a scalar)", node)
        if x.type.dtype not in _FLOATS:
            x = self.b.emit("astype", [x], dtype="float64")
        axis = self.static(axis, node, "axis")
        if not isinstance(axis, int):
            raise self.err(AdjitTypeError, f"{written}: accumulate takes one axis (an int)", node)
        axis = self._axis(axis, self._rank(x), node)
        self.at(node)
        emit, const = self.b.emit, self.b.const
        exp = (lambda v: emit("pow", [const(2.0), v])) if two else (lambda v: emit("exp", [v]))  # noqa: E731
        m = emit("stop_gradient", [self.ufunc_form(np.maximum.accumulate, (x,), {"axis": axis}, node)])
        finite = emit("lt", [emit("abs", [m]), const(math.inf)])  # not +-inf, not NaN
        m = emit("where", [finite, m, const(0.0)])
        prev, prev_finite = (self.call_value(np.roll, [v], {"shift": 1, "axis": axis}, node) for v in (m, finite))
        # m_(k-1) = -inf: S_(k-1) = 0, and m_(k-1) = inf: S_k = inf either way; a factor 1 keeps both
        a = emit("where", [prev_finite, exp(emit("sub", [prev, m])), const(1.0)])
        s = emit("linrec", [a, exp(emit("sub", [x, m]))], axis=axis, transpose=False)
        r = emit("div", [emit("log", [s]), const(math.log(2.0))]) if two else emit("log", [s])
        return emit("add", [m, r])

    # ---------------------------------------------------------------- matrix_rank
    def form_matrix_rank(self, label, args, kwargs, node):
        label = "np.linalg.matrix_rank"
        A, tol, hermitian, rtol = self.bind_args(label, ("A", "tol", "hermitian", "rtol"), args, kwargs, node,
                                                 tol=None, hermitian=False, rtol=None)
        if tol is not None and rtol is not None:
            raise self.err(AdjitTypeError, f"{label}: `tol` and `rtol` can't be both set.", node)
        a = self.value(self.array_like(A, node), node)
        self.at(node)
        a = self.b.emit("stop_gradient", [a]) if a.type.dtype in _FLOATS else a
        if self._rank(a) < 2:
            nz = self.b.emit("ne", [a, self.b.const(0)])
            anyv = self._reduce("max", self.b.emit("astype", [nz], dtype="int64"), None, False, node)
            return anyv
        if self._rank(a) > 2:
            raise self.err(UnsupportedSyntaxError, f"{label} of a stack of matrices is not supported", node,
                           hint="loop over the matrices")
        if a.type.dtype not in _FLOATS:
            a = self.b.emit("astype", [a], dtype="float64")
        s = self.b.emit("svd_s", [a])
        if tol is None:
            if rtol is None:
                shape = self._shape(a)
                if None in shape:
                    raise self.err(ShapeError, f"{label}: the matrix's shape is needed when compiled", node)
                rtol = max(shape) * float(np.finfo(a.type.dtype).eps)
            top = self._reduce("max", self.b.emit("maximum", [s, self.b.const(0.0)]), None, False, node) \
                if self._shape(s)[0] != 0 else self.b.const(0.0)
            limit = self.b.emit("mul", [top, self.value(rtol, node)])
        else:
            limit = self.value(tol, node)
        above = self.b.emit("astype", [self.b.emit("gt", [s, limit])], dtype="int64")
        return self._reduce("sum", above, None, False, node)

    # ---------------------------------------------------------------- scipy.integrate.simpson
    def _step(self, x, axis, start, stop, step=2):
        idx = (("slice", None, None, None),) * axis + (("slice", 1, 2, 3),)
        return self.b.emit("getitem", [x, self.b.const(start), self.b.const(stop), self.b.const(step)], index=idx)

    def _safe_div(self, num, den):
        nz = self.b.emit("ne", [den, self.b.const(0.0)])
        q = self.b.emit("div", [num, self.b.emit("where", [nz, den, self.b.const(1.0)])])
        return self.b.emit("where", [nz, q, self.b.const(0.0)])

    def form_simpson(self, label, args, kwargs, node):
        label = "scipy.integrate.simpson"
        if len(args) > 2:
            raise self.err(AdjitTypeError, f"{label} takes y and x positionally (dx=, axis= by keyword)", node)
        y, x, dx, axis = self.bind_args(label, ("y", "x", "dx", "axis"), args, kwargs, node, x=None, dx=1.0, axis=-1)
        y = self.value(self.array_like(y, node), node)
        if y.type.kind != "array":
            raise self.err(ShapeError, f"{label} of a number (tuple index out of range)", node)
        if y.type.dtype not in _FLOATS:
            y = self.b.emit("astype", [y], dtype="float64")
        rank = self._rank(y)
        ax = self._axis(axis, rank, node)
        N = self._extent(y, ax, node, label)
        if x is not None:
            x = self._float(x, node, label)
            if self._rank(x) == 1 and rank > 1:
                x = self.b.emit("expand_dims", [x], axis=tuple(k for k in range(rank) if k != ax))
            elif self._rank(x) != rank:
                raise self.err(ShapeError, f"{label}: If given, shape of x must be 1-D or the same as y.", node)
            if self._shape(x)[ax] != N:
                raise self.err(ShapeError, f"{label}: If given, length of x along axis must be the same as y.", node)
        self.at(node)
        emit, c = self.b.emit, self.b.const
        if N < 2:
            raise self.err(ShapeError, f"{label} of fewer than 2 points along the axis", node)

        def basic(stop):  # _basic_simpson(y, 0, stop, x, dx, axis)
            y0, y1, y2 = (self._step(y, ax, k, stop + k) for k in range(3))
            if x is None:
                t = emit("add", [emit("add", [y0, emit("mul", [c(4.0), y1])]), y2])
                return emit("mul", [emit("sum", [t], axis=(ax,), keepdims=False), emit("div", [self.value(dx, node),
                                                                                                  c(3.0)])])
            h = emit("sub", [self._slice(x, ax, 1, N), self._slice(x, ax, 0, N - 1)])
            h0, h1 = self._step(h, ax, 0, stop), self._step(h, ax, 1, stop + 1)
            hsum, hprod = emit("add", [h0, h1]), emit("mul", [h0, h1])
            r = self._safe_div(h0, h1)
            t0 = emit("mul", [y0, emit("sub", [c(2.0), self._safe_div(c(1.0), r)])])
            t1 = emit("mul", [y1, emit("mul", [hsum, self._safe_div(hsum, hprod)])])
            t2 = emit("mul", [y2, emit("sub", [c(2.0), r])])
            t = emit("mul", [emit("div", [hsum, c(6.0)]), emit("add", [emit("add", [t0, t1]), t2])])
            return emit("sum", [t], axis=(ax,), keepdims=False)

        def last(k):
            return self._take(y, ax, N - k)

        def spacing(k):  # the k-th spacing from the end, along the axis (x's own shape)
            return emit("sub", [self._take(x, ax, N - k), self._take(x, ax, N - k - 1)])

        if N % 2 == 1:
            return basic(N - 2)
        if N == 2:
            step = self.value(dx, node) if x is None else spacing(1)
            return emit("mul", [emit("mul", [c(0.5), step]), emit("add", [last(1), last(2)])])
        result = basic(N - 3)
        if x is None:
            h0 = h1 = self._float(dx, node, label)
        else:
            h0, h1 = spacing(2), spacing(1)
        sq1 = emit("mul", [h1, h1])
        alpha = self._safe_div(emit("add", [emit("mul", [c(2.0), sq1]), emit("mul", [c(3.0), emit("mul", [h0, h1])])]),
                               emit("mul", [c(6.0), emit("add", [h1, h0])]))
        beta = self._safe_div(emit("add", [sq1, emit("mul", [c(3.0), emit("mul", [h0, h1])])]), emit("mul", [c(6.0), h0]))
        eta = self._safe_div(emit("mul", [sq1, h1]), emit("mul", [emit("mul", [c(6.0), h0]), emit("add", [h0, h1])]))
        corr = emit("sub", [emit("add", [emit("mul", [alpha, last(1)]), emit("mul", [beta, last(2)])]),
                            emit("mul", [eta, last(3)])])
        return emit("add", [result, corr])

    # ---------------------------------------------------------------- isin, digitize
    def form_isin(self, label, args, kwargs, node):
        el, test, _, invert, kind = self.bind_args(label, ("element", "test_elements", "assume_unique", "invert",
                                                           "kind"), args, kwargs, node, assume_unique=False,
                                                   invert=False, kind=None)
        a = self.value(self.array_like(el, node), node)
        empty = isinstance(test, (tuple, list)) and len(test) == 0  # np.isin(a, []): NumPy's float64 (0,)
        t = None if empty else self._ravel(self.value(self.array_like(test, node), node))
        self.at(node)
        if a.type.dtype in _FLOATS:
            a = self.b.emit("stop_gradient", [a])
        if t is not None and t.type.dtype in _FLOATS:
            t = self.b.emit("stop_gradient", [t])
        if empty or self._shape(t)[0] == 0:
            out = self.b.emit("ne", [a, a]) if a.type.dtype not in _FLOATS else \
                self.b.emit("logical_and", [self.b.emit("eq", [a, a]), self.b.emit("ne", [a, a])])
            return self.b.emit("logical_not", [out]) if self.static(invert, node, "invert") else out
        ra = self._rank(a)
        ab = self.b.emit("expand_dims", [a], axis=(ra,)) if ra else a
        hit = self.b.emit("astype", [self.b.emit("eq", [ab, t])], dtype="int64")
        out = self.b.emit("gt", [self.b.emit("max", [hit], axis=(ra,), keepdims=False), self.b.const(0)])
        return self.b.emit("logical_not", [out]) if self.static(invert, node, "invert") else out

    def form_digitize(self, label, args, kwargs, node):
        x, bins, right = self.bind_args(label, ("x", "bins", "right"), args, kwargs, node, right=False)
        right = bool(self.static(right, node, "right"))
        b = self.value(self.array_like(bins, node), node)
        if self._rank(b) != 1:
            raise self.err(ShapeError, f"{label}: bins must be a 1-D array (object too deep for desired array)", node)
        n = self._extent(b, 0, node, label)
        side = "left" if right else "right"
        call = lambda f, *a, **k: self.call_value(f, list(a), k, node)  # noqa: E731
        inc = call(np.searchsorted, b, x, side=side)
        if n < 2:
            return inc
        self.at(node)
        rev = self.b.emit("getitem", [b, self.b.const(-1)], index=(("slice", None, None, 1),))
        dec = self.b.emit("sub", [self.b.const(n), call(np.searchsorted, rev, x, side=side)])
        step = self.b.emit("sub", [self._slice(b, 0, 1, n), self._slice(b, 0, 0, n - 1)])
        up = self.b.emit("min", [self.b.emit("astype", [self.b.emit("ge", [step, self.b.const(0)])], dtype="int64")],
                         axis=(0,), keepdims=False)
        down = self.b.emit("min", [self.b.emit("astype", [self.b.emit("le", [step, self.b.const(0)])], dtype="int64")],
                           axis=(0,), keepdims=False)
        up, down = (self.b.emit("gt", [v, self.b.const(0)]) for v in (up, down))
        self.b.emit("check", [self.b.emit("logical_or", [up, down])],
                    msg="np.digitize: bins must be monotonically increasing or decreasing")
        return self.b.emit("where", [up, inc, dec])

    # ---------------------------------------------------------------- argwhere, choose
    def form_argwhere(self, label, args, kwargs, node):
        (a,) = self.bind_args(label, ("a",), args, kwargs, node)
        a = self.value(self.array_like(a, node), node)
        if self._rank(a) == 0:
            raise self.err(UnsupportedSyntaxError, f"{label} of a 0-d value is not supported", node,
                           hint="np.argwhere(np.atleast_1d(a))")
        shape = self._shape(a)
        if None in shape:
            raise self.err(ShapeError, f"{label}: the array's shape is needed when compiled", node)
        self.at(node)
        mask = a if a.type.dtype == "bool" else self.b.emit("ne", [a, self.b.const(0)])
        pos = self.mask_positions(mask)
        cols, stride = [], 1
        for d in reversed(shape):
            q = pos if stride == 1 else self.b.emit("floordiv", [pos, self.b.const(stride)])
            cols.append(self.b.emit("mod", [q, self.b.const(d)]))
            stride *= d
        return self.b.emit("stack", cols[::-1], axis=1)

    def form_choose(self, label, args, kwargs, node):
        a, choices, out, mode = self.bind_args(label, ("a", "choices", "out", "mode"), args, kwargs, node,
                                               out=None, mode="raise")
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        if not isinstance(mode, str) or mode not in ("raise", "wrap", "clip"):
            raise self.err(AdjitTypeError, f"{label}: clipmode must be one of 'clip', 'raise', or 'wrap'", node)
        idx = self.value(self.array_like(a, node), node)
        if idx.type.dtype not in ("int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "bool"):
            raise self.err(AdjitTypeError, f"{label}: a must be an array of ints (Cannot cast array data from "
                           f"{idx.type.dtype} to int64 according to the rule 'safe')", node)
        cs = self._arrays(choices, node, label)
        n = len(cs)
        if n == 0:
            raise self.err(ShapeError, f"{label}: choices must not be empty", node)
        self.at(node)
        dt = np.result_type(*[np.dtype(v.type.dtype) for v in cs]).name
        cs = [v if v.type.dtype == dt else self.b.emit("astype", [v], dtype=dt) for v in cs]
        idx = idx if idx.type.dtype == "int64" else self.b.emit("astype", [idx], dtype="int64")
        from ...shapes import broadcast_shapes

        shape = broadcast_shapes([self._shape(v) for v in cs + [idx]], "operands")
        if None in shape:
            raise self.err(ShapeError, f"{label}: the broadcast shape is needed when compiled", node)
        full = self._const_shape(shape)
        cs = [self.b.emit("broadcast_to", [v, full]) for v in cs]
        idx = self.b.emit("broadcast_to", [idx, full])
        if mode == "wrap":
            idx = self.b.emit("mod", [idx, self.b.const(n)])
        elif mode == "clip":
            idx = self.b.emit("minimum", [self.b.emit("maximum", [idx, self.b.const(0)]), self.b.const(n - 1)])
        else:  # a negative index raises (a gather would wrap it): n is out of range
            idx = self.b.emit("where", [self.b.emit("lt", [idx, self.b.const(0)]), self.b.const(n), idx])
        if not shape:
            return self.b.emit("gather", [self.b.emit("stack", cs, axis=0), idx], index=(("array", 1),))
        stacked = self.b.emit("stack", cs, axis=0)
        return self._take(self._gather_along(stacked, self.b.emit("expand_dims", [idx], axis=(0,)), 0), 0, 0)

    # ---------------------------------------------------------------- piecewise
    def _elementwise_only(self, ops, source: Value) -> bool:
        """Whether the ops lowered from a function applied to `source` compute each element of their
        result from the same element of it (elementwise rows, casts, broadcasts)."""
        from ...primitives import PRIMITIVES

        derived = {source.id}
        for op in ops:
            if not any(v.id in derived for v in op.inputs):
                continue
            row = PRIMITIVES.get(op.prim)
            if row is None or not (row.elementwise or op.prim in _ELEMENTWISE_EXTRA) or getattr(op, "blocks", None):
                return False
            derived.update(v.id for v in op.outputs)
        return True

    def _call_fn(self, f, args, kwargs, node, label):
        if isinstance(f, LocalFunction) or callable(f):
            return self.call_value(f, list(args), dict(kwargs), node)
        raise self.err(AdjitTypeError, f"{label}: {f!r} is not callable", node)

    def form_piecewise(self, label, args, kwargs, node):
        if len(args) < 3:
            raise self.err(AdjitTypeError, f"{label} takes x, condlist and funclist", node)
        x, condlist, funclist, extra = args[0], args[1], args[2], args[3:]
        x = self.value(self.array_like(x, node), node)
        if _listlike(condlist) and all(_listlike(c) or isinstance(c, Value) or isinstance(c, (bool, np.bool_))
                                       for c in condlist) and not (self._rank(x) > 0 and all(
                                           isinstance(c, (bool, np.bool_)) for c in condlist)):
            conds = list(condlist)
        else:
            conds = [condlist]
        funcs = list(funclist) if isinstance(funclist, tuple) else [funclist]
        if len(funcs) not in (len(conds), len(conds) + 1):
            raise self.err(ShapeError, f"{label}: with {len(conds)} condition(s), either {len(conds)} or "
                           f"{len(conds) + 1} functions are expected", node)
        self.at(node)
        shape = self._const_shape(self._shape(x)) if x.type.kind == "array" and None not in self._shape(x) else None
        cs = []
        for c in conds:
            c = self.value(self.array_like(c, node), node)
            cs.append(c if c.type.dtype == "bool" else self.b.emit("ne", [c, self.b.const(0)]))
        if len(funcs) == len(cs) + 1:
            anyc = cs[0]
            for c in cs[1:]:
                anyc = self.b.emit("logical_or", [anyc, c])
            cs.append(self.b.emit("logical_not", [anyc]))
        dt = x.type.dtype
        y = self.b.emit("mul", [x, self.b.const(0)]) if dt != "bool" else self.b.emit("ne", [x, x])
        y = self.b.emit("stop_gradient", [y]) if dt in _FLOATS else y
        fill = self.b.const(0.5 if dt in _FLOATS else 0 if dt != "bool" else False)
        for c, f in zip(cs, funcs):
            if shape is not None and self._shape(c) != self._shape(x):
                c = self.b.emit("broadcast_to", [c, shape])
            if _is_number(f) or isinstance(f, Value):
                v = self.value(f, node)
            else:
                arg = self.b.emit("where", [c, x, fill])
                start = len(self.b.ops)
                v = self.value(self._call_fn(f, (arg,) + tuple(extra), kwargs, node, label), node)
                if self._rank(x) and not self._elementwise_only(self.b.ops[start:], arg):
                    raise self.err(UnsupportedSyntaxError, f"{label}: function {len([1 for _ in cs[:cs.index(c)]])} "
                                   "does not compute elementwise (NumPy calls it on the selected elements only, "
                                   "x[cond], which adjit keeps at x's shape)", node,
                                   hint="write the pieces with np.where(cond, f(x), ...) yourself, with the "
                                        "reductions computed on the selection you mean")
            v = v if v.type.dtype == dt else self.b.emit("astype", [v], dtype=dt)
            y = self.b.emit("where", [c, v, y])
        return y

    # ---------------------------------------------------------------- apply_along_axis
    def form_apply_along_axis(self, label, args, kwargs, node):
        if len(args) < 3:
            raise self.err(AdjitTypeError, f"{label} takes func1d, axis and arr", node)
        f, axis, arr, extra = args[0], args[1], args[2], tuple(args[3:])
        x = self.value(self.array_like(arr, node), node)
        if self._rank(x) == 0:
            raise self.err(ShapeError, f"{label}: axis {axis} is out of bounds for array of dimension 0", node)
        rank = self._rank(x)
        ax = self._axis(axis, rank, node)
        shape = self._shape(x)
        if None in shape:
            raise self.err(ShapeError, f"{label}: the array's shape is needed when compiled", node)
        outer = [d for k, d in enumerate(shape) if k != ax]
        count = int(np.prod(outer)) if outer else 1
        if count > MAX_ITEMS or count == 0:
            raise self.err(UnsupportedSyntaxError, f"{label} over {count} slices (1 to {MAX_ITEMS} are unrolled)",
                           node, hint="write the loop, or the function on the whole array along an axis "
                                      "(np.sum(x ** 2, axis=1))")
        self.at(node)
        moved = self.b.emit("transpose", [x], axes=tuple(k for k in range(rank) if k != ax) + (ax,)) \
            if ax != rank - 1 else x
        rows = self._reshape(moved, (count, shape[ax]))

        def lower():
            results = []
            for k in range(count):
                r = self.value(self._call_fn(f, (self._take(rows, 0, k),) + extra, kwargs, node, label), node)
                if results and (self._shape(r) != self._shape(results[0]) or r.type.dtype != results[0].type.dtype):
                    if self._shape(r) != self._shape(results[0]):
                        raise self.err(ShapeError, f"{label}: func1d returned arrays of different shapes", node)
                    r = self.b.emit("astype", [r], dtype=results[0].type.dtype)
                results.append(r)
            return results
        # NumPy's result takes the first slice's result dtype: a func1d whose paths return other dtypes
        # is refused (vectorize.py)
        results = self.one_result_dtype(f, lower, label, "slice", node,
                                        "return the same type on every path (a float: float(...))")
        res_shape = self._shape(results[0])
        if None in res_shape:
            raise self.err(ShapeError, f"{label}: func1d's result needs a shape known when compiled", node)
        out = self._reshape(self.b.emit("stack", results, axis=0), tuple(outer) + res_shape)
        # the result's axes go where `axis` was: outer[:ax] + res + outer[ax:]
        nr = len(res_shape)
        if nr and ax < len(outer):
            perm = tuple(range(ax)) + tuple(range(len(outer), len(outer) + nr)) + tuple(range(ax, len(outer)))
            out = self.b.emit("transpose", [out], axes=perm)
        return out

    # ---------------------------------------------------------------- collections.namedtuple
    def form_namedtuple(self, label, args, kwargs, node):
        label = "collections.namedtuple"
        values = list(args) + list(kwargs.values())
        if any(isinstance(v, Value) for v in values) or any(type(v) is tuple and any(isinstance(e, Value) for e in v)
                                                            for v in values):
            raise self.err(AdjitTypeError, f"{label}'s arguments must be known when the call is compiled", node)
        kwargs = dict(kwargs)
        kwargs.setdefault("module", self.parsed.globals.get("__name__"))
        try:
            return collections.namedtuple(*args, **kwargs)
        except (TypeError, ValueError) as e:
            raise self.err(AdjitTypeError, f"{label}: {type(e).__name__}: {e}", node) from None
