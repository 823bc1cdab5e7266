"""Building and joining arrays: `np.array([[c, -s], [s, c]])`, `np.stack`, `np.concatenate`,
`np.hstack`, `np.vstack`, `np.column_stack`, `np.split`, `np.eye`, `np.tri`, `np.tril`, `np.triu`,
`np.diag`, `np.diagonal`, `np.trace`, `np.roll`, `np.linspace`, `np.full_like`."""
from __future__ import annotations

import math

import numpy as np

from ... import shapes as S
from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ..values import _is_number
from .base import _FULL, FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS = {
    "array": ((np.array, np.asarray, np.asanyarray, np.copy), (),
              "nested lists and tuples of arrays and numbers: `stack` per level (`np.array([[c, -s], [s, c]])`); "
              "of an array: a copy (`np.copy` too; `np.asarray`, `copy=None`/`False`: the array itself); "
              "`dtype=`: `astype`"),
    "stack": ((np.stack,), (), "`stack` (`axis`)"),
    "concatenate": ((np.concatenate,), (), "`concatenate` (`axis`, `axis=None`: of the raveled arrays)"),
    "hstack": ((np.hstack,), (), "`concatenate` on axis 1 (axis 0 for 1-D arrays)"),
    "vstack": ((np.vstack, getattr(np, "row_stack", np.vstack)), (), "`concatenate` on axis 0 of `atleast_2d`s"),
    "column_stack": ((np.column_stack,), (), "`concatenate` on axis 1, 1-D arrays as columns"),
    "dstack": ((np.dstack,), (), "`concatenate` on axis 2 of `atleast_3d`s"),
    "ascontiguousarray": ((np.ascontiguousarray, np.asfortranarray), (),
                          "`np.asarray` of at least one dimension (the array itself: adjit's arrays have no "
                          "memory order; `dtype=`: `astype`)"),
    "split": ((np.split, np.array_split), (),
              "slices (`getitem`, views) into a tuple: a number of sections or a list of indices, "
              "known when the call is compiled; unpack it (`a, b = np.split(x, 2)`)"),
    "hsplit": ((np.hsplit,), (), "`split` along axis 1 (axis 0 of a 1-D array)"),
    "vsplit": ((np.vsplit,), (), "`split` along axis 0 of an array of at least 2 dimensions"),
    "dsplit": ((np.dsplit,), (), "`split` along axis 2 of an array of at least 3 dimensions"),
    "broadcast_arrays": ((np.broadcast_arrays,), (), "a tuple of `broadcast_to` the common shape (shapes known "
                                                     "when compiled)"),
    "eye": ((np.eye, np.identity), (), "`arange(n)[:, None] + k == arange(m)`, cast to `dtype`"),
    "tri": ((np.tri,), (), "`arange(m) <= arange(n)[:, None] + k`, cast to `dtype`"),
    "tril": ((np.tril,), (), "`where(tri mask, x, 0)` over the last two axes"),
    "triu": ((np.triu,), (), "`where(tri mask, 0, x)` over the last two axes"),
    "diag": ((np.diag,), (), "`diag_embed` of a 1-D array, `diagonal` of a 2-D one"),
    "diagonal": ((np.diagonal,), ("diagonal",), "`diagonal` of the last two axes, after a `transpose` for "
                                                "`axis1`/`axis2`"),
    "trace": ((np.trace,), ("trace",), "`sum` of `diagonal`"),
    "roll": ((np.roll,), (), "`concatenate` of two slices (a shift known when the call is compiled; one known only "
                             "when it runs: a `gather` at `(arange(n) - shift) % n`); "
                             "`axis=None`: of the raveled array, reshaped back"),
    "linspace": ((np.linspace,), (), "`arange(num) * step + start` with the last element set to `stop` "
                                     "(NumPy's arithmetic): differentiable in `start` and `stop`; array endpoints: "
                                     "the samples along axis 0, then moved to `axis`"),
    "full_like": ((np.full_like,), (), "`full(x.shape, fill_value, dtype)`"),
}


class BuildingForms(FormsBase):
    # ---------------------------------------------------------------- building and joining
    def _build(self, obj, node):
        """np.array of a nested list/tuple: a stack per level (numbers and arrays alike)."""
        if isinstance(obj, tuple):
            if not obj:  # np.array([]): NumPy's empty float64 array (then cast to a dtype= given)
                return self.call_value(np.zeros, [(0,)], {}, node)
            items = [self._build(e, node) for e in obj]
            shapes = {tuple(self._shape(v)) for v in items}
            if len(shapes) > 1 and not any(None in sh for sh in shapes):
                raise self.err(ShapeError, "an array of a list whose items have different shapes ("
                               + ", ".join(str(sh) for sh in sorted(shapes)) + "): NumPy raises ValueError (an "
                               "inhomogeneous shape)", node, hint="give the items one shape, or join them with "
                               "np.concatenate")
            return self.b.emit("stack", items, axis=0)
        if isinstance(obj, Value) and obj.type.kind == "tuple":
            items = [self.b.emit("getitem", [obj, self.b.const(k)], index=(("int", 1),))
                     for k in range(len(obj.type.elems))]
            return self.b.emit("stack", items, axis=0)
        v = self.value(obj, node)
        if v.type.weak:  # a Python number in a list: NumPy's default dtype for it (1.0 -> float64)
            v = self.b.emit("astype", [v], dtype=v.type.dtype)
        return v

    def form_array(self, label, args, kwargs, node):
        if label == "np.copy":  # np.copy(a, order='K', subok=False): always a copy
            obj, _, _ = self.bind_args(label, ("a", "order", "subok"), args, kwargs, node, order="K", subok=False)
            dtype, copy = None, True
        else:
            obj, dtype, copy = self.bind_args(label, ("object", "dtype", "copy"), args, kwargs, node, dtype=None,
                                              copy=True if label == "np.array" else None)
        copy = self.static(copy, node, "copy")
        fresh = isinstance(obj, tuple) or (isinstance(obj, Value) and obj.type.kind == "tuple")
        x = self._build(obj, node) if fresh else self.value(obj, node)
        if x.type.kind == "scalar" and not fresh:
            x = self.b.emit("astype", [x], dtype=x.type.dtype)  # a 0-d array: a number of its dtype
        target = x.type.dtype if dtype is None else self.dtype(dtype, node)
        if copy is True and not fresh or target != x.type.dtype:
            return self.b.emit("astype", [x], dtype=target)  # a copy
        return x  # np.asarray, np.array(copy=None or False) of an array of that dtype: the array itself

    def form_stack(self, label, args, kwargs, node):
        seq, axis = self.bind_args(label, ("arrays", "axis"), args, kwargs, node, axis=0)
        xs = self._arrays(seq, node, label)
        if not xs:
            raise self.err(ShapeError, "need at least one array to stack", node)
        axis = self._axis(axis, self._rank(xs[0]) + 1, node)
        return self.b.emit("stack", xs, axis=axis)

    def _concat(self, xs, axis, node):
        if len(xs) == 1 and xs[0].type.kind == "array":
            return self.b.emit("astype", [xs[0]], dtype=xs[0].type.dtype)  # a copy
        return self.b.emit("concatenate", xs, axis=axis)

    def _run_time_rows(self, seq, node):
        """A list built in a loop (lists.py's BuiltList, a comprehension's DeferredList) as its array
        of rows (lowered once), and whether its count is known only when the function runs."""
        if type(seq).__name__ not in ("DeferredList", "BuiltList"):
            return seq, False
        rows = self.value(seq, node)
        return rows, rows.type.kind == "array" and self._shape(rows)[0] is None

    def _join_rows(self, rows, axis, node, label):
        """np.concatenate of the rows of `rows` (a count known only when run) along `axis` of a row:
        the list's axis moved there, then merged with it (`reshape` with -1)."""
        item = self._shape(rows)[1:]
        if axis is None:
            return self.b.emit("reshape", [rows, self.value((-1,), node)])
        if not item:
            raise self.err(ShapeError, "zero-dimensional arrays cannot be concatenated", node,
                           hint="np.array(xs) of a list of numbers")
        a = self._axis(axis, len(item), node)
        if any(d is None for k, d in enumerate(item) if k != a):
            raise self.err(ShapeError, f"{label} of a list of a length known only when the function runs needs its "
                                       "items' other extents when compiled", node)
        moved = self.b.emit("transpose", [rows], axes=tuple(range(1, a + 1)) + (0,) + tuple(range(a + 1, len(item) + 1)))
        return self.b.emit("reshape", [moved, self.value(tuple(-1 if k == a else d for k, d in enumerate(item)), node)])

    def form_concatenate(self, label, args, kwargs, node):
        seq, axis = self.bind_args(label, ("arrays", "axis"), args, kwargs, node, axis=0)
        seq, run_time = self._run_time_rows(seq, node)
        if run_time:  # [x] then feats.append(np.sin(2.0 ** k * x)) in a loop: the rows joined
            return self._join_rows(seq, None if axis is None else axis, node, label)
        xs = self._arrays(seq, node, label)
        if not xs:
            raise self.err(ShapeError, "need at least one array to concatenate", node)
        if axis is None:
            return self._concat([self._ravel(x) for x in xs], 0, node)
        if any(x.type.kind != "array" for x in xs):
            raise self.err(ShapeError, "zero-dimensional arrays cannot be concatenated", node,
                           hint="np.array([...]) builds an array from numbers")
        return self._concat(xs, self._axis(axis, self._rank(xs[0]), node), node)

    def form_hstack(self, label, args, kwargs, node):
        (seq,) = self.bind_args(label, ("tup",), args, kwargs, node)
        seq, run_time = self._run_time_rows(seq, node)
        if run_time:
            return self._join_rows(seq, 0 if self._rank(seq) <= 2 else 1, node, label) if self._rank(seq) > 1 else \
                self.b.emit("astype", [seq], dtype=seq.type.dtype)
        xs = self._arrays(seq, node, label)
        xs = [self._atleast(1, (x,), {}, node, label) for x in xs]
        return self._concat(xs, 0 if self._rank(xs[0]) == 1 else 1, node)

    def form_vstack(self, label, args, kwargs, node):
        (seq,) = self.bind_args(label, ("tup",), args, kwargs, node)
        seq, run_time = self._run_time_rows(seq, node)
        if run_time:  # rows of numbers: (L, 1); of 1-D arrays: the (L, n) array itself; else along axis 0
            if self._rank(seq) <= 2:
                return self.b.emit("reshape", [seq, self.value((-1, 1), node)]) if self._rank(seq) == 1 else \
                    self.b.emit("astype", [seq], dtype=seq.type.dtype)
            return self._join_rows(seq, 0, node, label)
        xs = [self._atleast(2, (x,), {}, node, label) for x in self._arrays(seq, node, label)]
        return self._concat(xs, 0, node)

    def form_column_stack(self, label, args, kwargs, node):
        (seq,) = self.bind_args(label, ("tup",), args, kwargs, node)
        xs = []
        for x in self._arrays(seq, node, label):
            if self._rank(x) < 2:
                x = self._atleast(1, (x,), {}, node, label)
                x = self.b.emit("expand_dims", [x], axis=(1,))
            xs.append(x)
        return self._concat(xs, 1, node)

    def form_dstack(self, label, args, kwargs, node):
        (seq,) = self.bind_args(label, ("tup",), args, kwargs, node)
        return self._concat([self._atleast(3, (x,), {}, node, label) for x in self._arrays(seq, node, label)], 2, node)

    def form_ascontiguousarray(self, label, args, kwargs, node):
        a, dtype = self.bind_args(label, ("a", "dtype"), args, kwargs, node, dtype=None)
        x = self.form_array("np.asarray", [a], {"dtype": dtype}, node)
        return self._atleast(1, (x,), {}, node, label) if x.type.kind != "array" or x.type.rank == 0 else x

    def form_split(self, label, args, kwargs, node):
        x, sections, axis = self.bind_args(label, ("ary", "indices_or_sections", "axis"), args, kwargs, node, axis=0)
        x = self.value(x, node)
        if x.type.kind != "array":
            raise self.err(ShapeError, f"{label} takes an array", node)
        axis = self._axis(axis, self._rank(x), node)
        n = self._extent(x, axis, node, label)
        sections = self.static_or_folded(sections, node, "the number of sections or the split indices")
        if isinstance(sections, int):
            if sections <= 0:
                raise self.err(ShapeError, "number sections must be larger than 0.", node)
            if label == "np.split" and n % sections:
                raise self.err(ShapeError, f"array split does not result in an equal division ({n} into "
                                           f"{sections})", node, hint="np.array_split allows unequal parts")
            each, extra = divmod(n, sections)
            sizes = [each + 1] * extra + [each] * (sections - extra)
            bounds = [sum(sizes[:k]) for k in range(sections + 1)]
            pairs = list(zip(bounds[:-1], bounds[1:]))
        else:
            cuts = [int(c) for c in sections]
            starts = [0] + cuts
            stops = cuts + [n]
            pairs = []
            for a, b in zip(starts, stops):  # Python slice semantics, as NumPy's split
                a, b, _ = slice(a, b).indices(n)
                pairs.append((a, max(a, b)))
        return tuple(self._slice(x, axis, a, b) for a, b in pairs)

    def _split_at(self, label, args, kwargs, node, axis: int, least: int):
        x, sections = self.bind_args(label, ("ary", "indices_or_sections"), args, kwargs, node)
        x = self.value(x, node)
        r = self._rank(x) if x.type.kind == "array" else 0
        if r < least:
            raise self.err(ShapeError, f"{label} only works on arrays of {least} or more dimensions", node)
        return self.form_split("np.split", (x, sections), {"axis": axis if r > 1 or axis == 0 else 0}, node)

    def form_hsplit(self, label, args, kwargs, node):
        return self._split_at(label, args, kwargs, node, 1, 1)

    def form_vsplit(self, label, args, kwargs, node):
        return self._split_at(label, args, kwargs, node, 0, 2)

    def form_dsplit(self, label, args, kwargs, node):
        return self._split_at(label, args, kwargs, node, 2, 3)

    def form_broadcast_arrays(self, label, args, kwargs, node):
        if self.static(kwargs.pop("subok", False), node, "subok") or kwargs:
            raise self.err(AdjitTypeError, f"{label}: only the arrays (and subok=False) are supported", node)
        vals = [self.value(a, node) for a in args]
        shapes = [self._shape(v) if v.type.kind == "array" else () for v in vals]
        if any(d is None for sh in shapes for d in sh):
            raise self.err(UnsupportedSyntaxError, f"{label}: the shapes must be known when the call is compiled", node)
        try:
            shape = np.broadcast_shapes(*shapes)
        except ValueError as e:
            raise self.err(ShapeError, f"{label}: {e}", node) from None
        return tuple(v if sh == shape else self.b.emit("broadcast_to", [v, self._const_shape(list(shape))])
                     for v, sh in zip(vals, shapes))

    def _iota(self, n, axis, ndim, node):
        """arange(n) laid along `axis` of an ndim-dimensional shape (extent 1 elsewhere)."""
        r = self.b.emit("arange", [self.value(0, node), self.value(n, node), self.value(1, node)])
        others = tuple(k for k in range(ndim) if k != axis)
        return self.b.emit("expand_dims", [r], axis=others) if others else r

    def _tri_mask(self, n, m, k, node):
        """Boolean (n, m): j <= i + k (NumPy's np.tri)."""
        i = self._iota(n, 0, 2, node)
        j = self._iota(m, 1, 2, node)
        return self.b.emit("le", [j, self.b.emit("add", [i, self.value(k, node)])])

    def _ints(self, node, **named):
        out = []
        for what, v in named.items():
            if v is None:
                out.append(None)
                continue
            if _is_number(v):
                if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
                    raise self.err(AdjitTypeError, f"{what} must be an integer", node)
                out.append(int(v))
            else:
                val = self.value(v, node)
                if val.type.kind != "scalar" or val.type.dtype not in ("int64", "int32"):
                    raise self.err(AdjitTypeError, f"{what} must be an integer", node)
                out.append(val)
        return out

    def form_eye(self, label, args, kwargs, node):
        if label == "np.identity":
            n, dtype = self.bind_args(label, ("n", "dtype"), args, kwargs, node, dtype=float)
            m, k = None, 0
        else:
            n, m, k, dtype = self.bind_args(label, ("N", "M", "k", "dtype"), args, kwargs, node, M=None, k=0, dtype=float)
        n, m, k = self._ints(node, N=n, M=m, k=k)
        m = n if m is None else m
        i = self._iota(n, 0, 2, node)
        j = self._iota(m, 1, 2, node)
        mask = self.b.emit("eq", [self.b.emit("add", [i, self.value(k, node)]), j])
        return self.b.emit("astype", [mask], dtype=self.dtype(dtype, node))

    def form_tri(self, label, args, kwargs, node):
        n, m, k, dtype = self.bind_args(label, ("N", "M", "k", "dtype"), args, kwargs, node, M=None, k=0, dtype=float)
        n, m, k = self._ints(node, N=n, M=m, k=k)
        m = n if m is None else m
        return self.b.emit("astype", [self._tri_mask(n, m, k, node)], dtype=self.dtype(dtype, node))

    def _triangle(self, label, args, kwargs, node, lower):
        x, k = self.bind_args(label, ("m", "k"), args, kwargs, node, k=0)
        x = self.value(x, node)
        if x.type.kind != "array":
            raise self.err(ShapeError, f"{label} takes an array of at least one dimension", node)
        (k,) = self._ints(node, k=k)
        shape = self._shape(x)
        n, m = shape[-2:] if len(shape) >= 2 else (shape[-1], shape[-1])

        def extent(d, axis):
            if d is not None:
                return d
            return self.b.emit("getitem", [self.b.emit("shape", [x]), self.b.const(axis)], index=(("int", 1),))

        n, m = extent(n, -2 if len(shape) >= 2 else -1), extent(m, -1)
        # np.tril: where(tri(n, m, k), x, 0); np.triu: where(tri(n, m, k - 1), 0, x)
        kk = k if lower else (k - 1 if isinstance(k, int) else self.b.emit("sub", [k, self.value(1, node)]))
        mask = self._tri_mask(n, m, kk, node)
        zero = self.b.emit("astype", [self.b.const(0)], dtype=x.type.dtype)
        return self.b.emit("where", [mask, x, zero] if lower else [mask, zero, x])

    def form_tril(self, label, args, kwargs, node):
        return self._triangle(label, args, kwargs, node, lower=True)

    def form_triu(self, label, args, kwargs, node):
        return self._triangle(label, args, kwargs, node, lower=False)

    def form_diag(self, label, args, kwargs, node):
        v, k = self.bind_args(label, ("v", "k"), args, kwargs, node, k=0)
        v = self.value(v, node)
        k = self.static(k, node, "k")
        if self._rank(v) == 1:
            return self.b.emit("diag_embed", [v], offset=int(k))
        if self._rank(v) == 2:
            return self.b.emit("diagonal", [v], offset=int(k))
        raise self.err(ShapeError, "Input must be 1- or 2-d.", node)

    def _diagonal(self, label, args, kwargs, node):
        x, offset, a1, a2 = self.bind_args(label, ("a", "offset", "axis1", "axis2"), args, kwargs, node,
                                       offset=0, axis1=0, axis2=1)
        x = self.value(x, node)
        n = self._rank(x)
        if n < 2:
            raise self.err(ShapeError, "diag requires an array of at least two dimensions", node)
        a1, a2 = self._axis(a1, n, node, "axis1"), self._axis(a2, n, node, "axis2")
        if a1 == a2:
            raise self.err(ShapeError, "axis1 and axis2 cannot be the same", node)
        if (a1, a2) != (n - 2, n - 1):
            perm = tuple(k for k in range(n) if k not in (a1, a2)) + (a1, a2)
            x = self.b.emit("transpose", [x], axes=perm)
        return self.b.emit("diagonal", [x], offset=int(self.static(offset, node, "offset")))

    def form_diagonal(self, label, args, kwargs, node):
        return self._diagonal(label, args, kwargs, node)

    def form_trace(self, label, args, kwargs, node):
        d = self._diagonal(label, args, kwargs, node)
        return self.b.emit("sum", [d], axis=(self._rank(d) - 1,), keepdims=False)

    def form_roll(self, label, args, kwargs, node):
        x, shift, axis = self.bind_args(label, ("a", "shift", "axis"), args, kwargs, node, axis=None)
        x = self.value(x, node)
        if isinstance(shift, Value) and shift.type.kind == "scalar" or \
                isinstance(shift, tuple) and any(isinstance(s, Value) for s in shift):
            return self._roll_run_time(x, shift, self.static(axis, node, "axis"), node, label)
        shift = self.static(shift, node, "shift")
        axis = self.static(axis, node, "axis")
        if axis is None:
            flat = self._roll(self._ravel(x), shift, 0, node, label)
            return self._reshape(flat, self._shape(x)) if self._rank(x) != 1 else flat
        shifts = (shift,) if isinstance(shift, int) else tuple(shift)
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        shifts, axes = self._roll_pairs(shifts, axes, node)
        total: dict = {}
        for s, a in zip(shifts, axes):
            a = self._axis(a, self._rank(x), node)
            total[a] = total.get(a, 0) + s
        out = x
        for a, s in total.items():
            out = self._roll(out, s, a, node, label)
        return out if out is not x else self.b.emit("astype", [x], dtype=x.type.dtype)

    def _roll_pairs(self, shifts: tuple, axes: tuple, node):
        """NumPy's pairing of np.roll's shifts with its axes (one of them broadcast to the other)."""
        if len(shifts) == 1:
            shifts = shifts * len(axes)
        if len(axes) == 1 and len(shifts) > 1:
            axes = axes * len(shifts)
        if len(shifts) != len(axes):
            raise self.err(ShapeError, "'shift' and 'axis' should be scalars or 1D sequences of the same length", node)
        return shifts, axes

    def _roll_run_time(self, x, shift, axis, node, label):
        """np.roll by shifts known only when the function runs (`C[i, 0]` of an int array): a
        gather along each axis at `(arange(n) - s) % n`."""
        shifts = shift if isinstance(shift, tuple) else (shift,)
        for s in shifts:
            if isinstance(s, Value) and (s.type.kind != "scalar" or s.type.dtype not in ("int64", "int32")) or \
                    not isinstance(s, Value) and not isinstance(s, (int, np.integer)):
                raise self.err(AdjitTypeError, f"{label}: a shift must be an int (or a tuple of ints)", node)
        if axis is None:
            flat = self._roll_run_time(self._ravel(x), shifts if len(shifts) > 1 else shifts[0], 0, node, label)
            return self._reshape(flat, self._shape(x)) if self._rank(x) != 1 else flat
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        shifts, axes = self._roll_pairs(shifts, axes, node)
        emit, const = self.b.emit, self.b.const
        total: dict = {}
        for s, a in zip(shifts, axes):
            a = self._axis(a, self._rank(x), node)
            total[a] = self.value(s, node) if a not in total else emit("add", [total[a], self.value(s, node)])
        out = x
        for a, s in total.items():
            n = self._extent(x, a, node, label)
            if n == 0:
                continue
            idx = emit("mod", [emit("sub", [emit("arange", [const(0), const(n), const(1)]), s]), const(n)])
            out = emit("gather", [out, idx], index=(_FULL,) * a + (("array", 1),))
        return out if out is not x else self.b.emit("astype", [x], dtype=x.type.dtype)

    def _roll(self, x, shift, axis, node, label):
        n = self._extent(x, axis, node, label)
        s = shift % n if n else 0
        if s == 0:
            return x
        return self.b.emit("concatenate", [self._slice(x, axis, n - s, n), self._slice(x, axis, 0, n - s)], axis=axis)

    def form_linspace(self, label, args, kwargs, node):
        start, stop, num, endpoint, retstep, dtype, axis = self.bind_args(
            label, ("start", "stop", "num", "endpoint", "retstep", "dtype", "axis"), args, kwargs, node,
            num=50, endpoint=True, retstep=False, dtype=None, axis=0)
        num = self.static(num, node, "num")
        endpoint = bool(self.static(endpoint, node, "endpoint"))
        retstep = bool(self.static(retstep, node, "retstep"))
        if not isinstance(num, int) or num < 0:
            raise self.err(ShapeError, f"Number of samples, {num}, must be non-negative.", node)
        start, stop = self.value(start, node), self.value(stop, node)
        shapes = [tuple(self._shape(v)) if v.type.kind == "array" else () for v in (start, stop)]
        if any(d is None for sh in shapes for d in sh):
            raise self.err(UnsupportedSyntaxError, f"{label} with array endpoints of shapes known only when the "
                           "function runs is not supported", node)
        try:
            r = len(np.broadcast_shapes(*shapes))  # array endpoints: the samples along a new axis 0, then `axis`
        except ValueError as e:
            raise self.err(ShapeError, f"{label}: {e}", node) from None
        dt = S.promote(start.type, stop.type, S.scalar_type("float64", True)).dtype
        if dtype is not None and self.dtype(dtype, node) not in ("float32", "float64"):
            raise self.err(UnsupportedSyntaxError, f"{label} with an integer dtype is not supported", node,
                           hint="np.floor(np.linspace(...)).astype(int)")
        div = num - 1 if endpoint else num
        delta = self.b.emit("sub", [stop, start])
        y = self.b.emit("astype", [self._iota(num, 0, 1 + r, node)], dtype=dt)
        step = self.b.emit("div", [delta, self.value(float(div), node)]) if div > 0 else None
        y = self.b.emit("add", [self.b.emit("mul", [y, step if step is not None else delta]), start])
        if endpoint and num > 1:
            last = stop if shapes[1] == tuple(self._shape(y)[1:]) else \
                self.b.emit("broadcast_to", [stop, self._const_shape(list(self._shape(y)[1:]))])
            y = self.b.emit("index_update", [y, last, self.b.const(-1)], index=(("int", 2),))
        ax = self._axis(self.static(axis, node, "axis"), 1 + r, node)
        if ax:  # NumPy's moveaxis(y, 0, axis)
            y = self.b.emit("transpose", [y], axes=tuple(range(1, ax + 1)) + (0,) + tuple(range(ax + 1, 1 + r)))
        if dtype is not None:
            y = self._cast(y, dtype, node)
        if retstep:
            return y, (step if step is not None else self.value(math.nan, node))
        return y

    def form_full_like(self, label, args, kwargs, node):
        x, fill, dtype = self.bind_args(label, ("a", "fill_value", "dtype"), args, kwargs, node, dtype=None)
        x = self.value(x, node)
        dt = x.type.dtype if dtype is None else self.dtype(dtype, node)
        if x.type.kind != "array":  # of a number: the fill, cast (NumPy's 0-d array's value)
            return self.b.emit("astype", [self.value(fill, node)], dtype=dt)
        shape = self.b.emit("shape", [x])
        out = self.b.emit("full", [shape, self.value(fill, node)], dtype=dt)
        return out

