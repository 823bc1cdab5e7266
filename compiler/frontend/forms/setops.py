"""NumPy's set routines (np.unique, np.setdiff1d, np.intersect1d, np.union1d): arrays of a length known
only when the function runs, made of existing rows as NumPy computes them (arraysetops.py): the raveled
input sorted (a stable argsort, then a gather), the first element of each run of equal ones kept (NaNs
one run, NumPy's equal_nan), membership by broadcast equality (np.isin's), and the kept positions
gathered (masks.py's mask_positions, a cumulative count). A value gathered from a differentiated array
carries its derivative (the gather's VJP is a scatter-add); which elements are kept has none. The
force-density method's `free = np.setdiff1d(np.arange(n), fixed)` and a loop's `np.unique(labels)` in a
helper or a loop, where host.py cannot run them before the compiled code, are these.
scipy.stats.rankdata is here too: the ranks by pairwise comparisons along the axis (O(n^2), no derivative:
ranks are piecewise constant), NaN propagated as SciPy does."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, UnsupportedSyntaxError
from ...ir import Value
from ...primitives.table import Lazy
from .base import FormsBase

_FLOATS = ("float32", "float64")

FORMS: dict = {
    "unique": ((np.unique,), (), "the raveled array sorted (stable `argsort`, a `gather`), the first of each run of "
                                 "equal elements kept (NaNs one run unless `equal_nan=False`): an array of a length "
                                 "known only when the function runs, its gradient the scatter-add back; "
                                 "`return_index` (first occurrences), `return_inverse` (the input's shape), "
                                 "`return_counts`; `axis` must be None"),
    "setdiff1d": ((np.setdiff1d,), (), "`u[~isin(u, ar2)]` with `u = unique(ar1)` (`ar1` raveled, in its order, with "
                                       "`assume_unique`): ar1's dtype, a length known only when run"),
    "intersect1d": ((np.intersect1d,), (), "`u[isin(u, ar2)]` with `u = unique(ar1)` (sorted `ar1` with "
                                           "`assume_unique`), in the operands' common dtype; `return_indices` is a "
                                           "located error"),
    "rankdata": ((Lazy("scipy.stats", "rankdata"),), (),
                 "pairwise comparisons along the axis: `#(a_j < a_i)` plus ties as the method counts them ('average' "
                 "float64; 'min', 'max', 'dense', 'ordinal' int64, their input checked free of NaN when run); a NaN "
                 "makes its lane NaN ('propagate'); no derivative (ranks are piecewise constant)"),
    "union1d": ((np.union1d,), (), "`unique(concatenate([ravel(ar1), ravel(ar2)]))` in the common dtype"),
}


class SetForms(FormsBase):
    def _set_operand(self, x, node, label) -> Value:
        if type(x).__name__ == "Masked":  # np.unique(times[events == 1]): of the 1-D array NumPy makes
            x = self.selection_array(x, node)
        v = self.value(self.array_like(x, node), node)
        if v.type.kind not in ("array", "scalar") or v.type.kind == "array" and v.type.dtype not in (
                "bool", "int32", "int64", "float32", "float64"):
            raise self.err(AdjitTypeError, f"{label} takes arrays of numbers, not {v.type}", node)
        return self._ravel(v)

    def _set_common(self, a: Value, b: Value) -> tuple:
        """Both operands in NumPy's result type of the two (np.concatenate's)."""
        dt = np.result_type(np.dtype(a.type.dtype), np.dtype(b.type.dtype)).name
        cast = lambda v: v if v.type.dtype == dt else self.b.emit("astype", [v], dtype=dt)  # noqa: E731
        return cast(a), cast(b)

    def _set_take(self, v: Value, pos: Value) -> Value:
        return self.b.emit("gather", [v, pos], index=(("array", 1),))

    def _set_sort(self, v: Value) -> tuple:
        """(the permutation, v sorted): a stable argsort (bools as ints), then a gather."""
        key = v if v.type.dtype != "bool" else self.b.emit("astype", [v], dtype="int64")
        perm = self.b.emit("argsort", [key], axis=0)
        return perm, self._set_take(v, perm)

    def _set_first_of_runs(self, s: Value, equal_nan: bool = True) -> Value:
        """A bool mask over the sorted 1-D s: the first element of each run of equal elements (for
        s[i] == s[i - 1] NumPy's `s[1:] != s[:-1]`; two NaNs one run when equal_nan)."""
        emit, const = self.b.emit, self.b.const
        key = emit("stop_gradient", [s]) if s.type.dtype in _FLOATS else s
        prev = emit("concatenate", [emit("getitem", [key, const(1)], index=(("slice", None, 1, None),)),
                                    emit("getitem", [key, const(-1)], index=(("slice", None, 1, None),))], axis=0)
        first = emit("eq", [emit("arange", [const(0), emit("size", [key]), const(1)]), const(0)])
        differ = emit("ne", [key, prev])
        if key.type.dtype in _FLOATS and equal_nan:
            both_nan = emit("logical_and", [emit("ne", [key, key]), emit("ne", [prev, prev])])
            differ = emit("logical_and", [differ, emit("logical_not", [both_nan])])
        return emit("logical_or", [first, differ])

    def _set_unique(self, v: Value, equal_nan: bool = True) -> tuple:
        """(values, the sort's permutation, the kept positions in the sorted order, the first-of-run mask)."""
        perm, s = self._set_sort(v)
        keep = self._set_first_of_runs(s, equal_nan)
        pos = self.mask_positions(keep)
        return self._set_take(s, pos), perm, pos, keep

    def _set_member(self, a: Value, b: Value) -> Value:
        """np.isin(a, b) of 1-D arrays: any(a[:, None] == b) (no gradient)."""
        emit = self.b.emit
        sg = lambda v: emit("stop_gradient", [v]) if v.type.dtype in _FLOATS else v  # noqa: E731
        hit = emit("astype", [emit("eq", [emit("expand_dims", [sg(a)], axis=(1,)), sg(b)])], dtype="int64")
        return emit("gt", [emit("sum", [hit], axis=(1,), keepdims=False), self.b.const(0)])

    def form_unique(self, label, args, kwargs, node):
        ar, r_index, r_inverse, r_counts, axis, equal_nan, sort = self.bind_args(
            label, ("ar", "return_index", "return_inverse", "return_counts", "axis", "equal_nan", "sorted"),
            args, kwargs, node, return_index=False, return_inverse=False, return_counts=False, axis=None,
            equal_nan=True, sorted=True)
        if self.static(axis, node, "axis") is not None:
            raise self.err(UnsupportedSyntaxError, f"{label} with `axis` (unique rows or columns) is not supported",
                           node, hint="np.unique of the raveled values, or compare rows yourself")
        v = self._set_operand(ar, node, label)
        x = ar if isinstance(ar, Value) else v  # the input's shape, for return_inverse
        self.at(node)
        emit, const = self.b.emit, self.b.const
        values, perm, pos, keep = self._set_unique(v, bool(self.static(equal_nan, node, "equal_nan")))
        out = [values]
        if self.static(r_index, node, "return_index"):
            out.append(self._set_take(perm, pos))
        if self.static(r_inverse, node, "return_inverse"):
            rank = emit("sub", [emit("cumsum", [emit("astype", [keep], dtype="int64")], axis=0, reverse=False),
                                const(1)])
            inv = emit("zeros", [emit("tuple", [emit("size", [v])])], dtype="int64")
            inv = emit("index_update", [inv, rank, perm], index=(("array", 2),))
            if x.type.kind == "array" and x.type.rank > 1:
                inv = emit("reshape", [inv, emit("shape", [x])])
            out.append(inv)
        if self.static(r_counts, node, "return_counts"):
            end = emit("stack", [emit("size", [v])], axis=0)
            nxt = emit("concatenate", [emit("getitem", [pos, const(1)], index=(("slice", 1, None, None),)), end], axis=0)
            out.append(emit("sub", [nxt, pos]))
        return out[0] if len(out) == 1 else tuple(out)

    def form_setdiff1d(self, label, args, kwargs, node):
        a, b, assume_unique = self.bind_args(label, ("ar1", "ar2", "assume_unique"), args, kwargs, node,
                                             assume_unique=False)
        a, b = self._set_operand(a, node, label), self._set_operand(b, node, label)
        self.at(node)
        if not self.static(assume_unique, node, "assume_unique"):
            a = self._set_unique(a)[0]
        keep = self.b.emit("logical_not", [self._set_member(a, b)])
        return self._set_take(a, self.mask_positions(keep))

    def form_intersect1d(self, label, args, kwargs, node):
        a, b, assume_unique, r_indices = self.bind_args(label, ("ar1", "ar2", "assume_unique", "return_indices"),
                                                        args, kwargs, node, assume_unique=False, return_indices=False)
        if self.static(r_indices, node, "return_indices"):
            raise self.err(UnsupportedSyntaxError, f"{label} with `return_indices` is not supported", node,
                           hint="the positions of the common values: np.flatnonzero(np.isin(ar1, ar2))")
        a, b = self._set_common(self._set_operand(a, node, label), self._set_operand(b, node, label))
        self.at(node)
        a = self._set_sort(a)[1] if self.static(assume_unique, node, "assume_unique") else self._set_unique(a)[0]
        return self._set_take(a, self.mask_positions(self._set_member(a, b)))

    def form_union1d(self, label, args, kwargs, node):
        a, b = self.bind_args(label, ("ar1", "ar2"), args, kwargs, node)
        a, b = self._set_common(self._set_operand(a, node, label), self._set_operand(b, node, label))
        self.at(node)
        return self._set_unique(self.b.emit("concatenate", [a, b], axis=0))[0]

    def form_rankdata(self, label, args, kwargs, node):
        a, method, axis, nan_policy = self.bind_args(label, ("a", "method", "axis", "nan_policy"), args, kwargs, node,
                                                     method="average", axis=None, nan_policy="propagate")
        if method not in ("average", "min", "max", "dense", "ordinal"):
            raise self.err(AdjitTypeError, f'{label}: unknown method "{method}"', node)
        if nan_policy != "propagate":
            raise self.err(UnsupportedSyntaxError, f"{label}: nan_policy={nan_policy!r}", node,
                           hint="rank the finite values: x[np.isfinite(x)], or leave nan_policy='propagate'")
        if type(a).__name__ == "Masked":
            a = self.selection_array(a, node)
        x = self.value(self.array_like(a, node), node)
        emit, const = self.b.emit, self.b.const
        if x.type.kind == "scalar" or axis is None:
            x = self._ravel(x) if x.type.kind == "array" else emit("stack", [x], axis=0)
            axis = 0
        rank = x.type.rank
        ax = self._axis(axis, rank, node)
        if x.type.dtype == "bool" or x.type.dtype.startswith("int"):
            x = emit("astype", [x], dtype="int64")
        elif x.type.dtype not in _FLOATS:
            raise self.err(AdjitTypeError, f"{label} of {x.type.dtype} values", node)
        perm = tuple(d for d in range(rank) if d != ax) + (ax,)  # the ranked axis last, as SciPy swaps it
        back = tuple(perm.index(d) for d in range(rank))
        xl = emit("transpose", [x], axes=perm) if ax != rank - 1 else x
        xi, xj = emit("expand_dims", [xl], axis=(rank,)), emit("expand_dims", [xl], axis=(rank - 1,))

        def count(prim, extra=None):  # per i: the number of j with prim(a_j, a_i) (and extra)
            c = emit(prim, [xj, xi])
            if extra is not None:
                c = emit("logical_and", [c, extra])
            return emit("sum", [emit("astype", [c], dtype="int64")], axis=(rank,), keepdims=False)

        lt, eq = count("lt"), count("eq")
        if method == "average":
            out = emit("add", [emit("astype", [lt], dtype="float64"),
                               emit("mul", [const(0.5), emit("astype", [emit("add", [eq, const(1)])], dtype="float64")])])
        elif method == "min":
            out = emit("add", [lt, const(1)])
        elif method == "max":
            out = emit("add", [lt, eq])
        elif method == "ordinal":  # ties in order of position: the equal ones before i
            n = self._shape(xl)[rank - 1]
            n = const(n) if n is not None else emit("getitem", [emit("shape", [xl]), const(rank - 1)],
                                                    index=(("int", 1),))
            pos = emit("arange", [const(0), n, const(1)])
            before = emit("lt", [emit("expand_dims", [pos], axis=(0,)), emit("expand_dims", [pos], axis=(1,))])
            out = emit("add", [emit("add", [lt, count("eq", before)]), const(1)])
        else:  # dense: the distinct values below, each counted once (1 / its number of copies)
            ones = emit("div", [const(1.0), emit("astype", [eq], dtype="float64")])
            below = emit("where", [emit("lt", [xj, xi]), emit("expand_dims", [ones], axis=(rank - 1,)), const(0.0)])
            total = emit("sum", [below], axis=(rank,), keepdims=False)
            out = emit("add", [emit("astype", [emit("add", [total, const(0.5)])], dtype="int64"), const(1)])
        if x.type.dtype in _FLOATS:  # a NaN: SciPy's lane of NaN ('average'); the integer methods checked
            nan = emit("sum", [emit("astype", [emit("ne", [xl, xl])], dtype="int64")], axis=(rank - 1,), keepdims=True)
            has_nan = emit("gt", [nan, const(0)])
            if method == "average":
                out = emit("where", [has_nan, const(float("nan")), out])
            else:
                emit("check", [emit("eq", [emit("sum", [nan], axis=tuple(range(rank)), keepdims=False), const(0)])],
                     exc="ValueError", msg=f"{label}(method={method!r}) of an array holding NaN: SciPy returns floats "
                                           "(NaN) there and int64 ranks otherwise; adjit's result has one dtype: use "
                                           "method='average', or rank the finite values")
        return emit("transpose", [out], axes=back) if ax != rank - 1 else out
