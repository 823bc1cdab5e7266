"""Arranging arrays, composed of rows (issue 12, item 4: what a probe of common programs found
missing): np.flip, np.take, np.take_along_axis, np.repeat, np.tile, np.pad (every mode but median,
empty and a function), np.meshgrid, np.linalg.matrix_power, np.linalg.multi_dot, np.trapezoid, scipy.integrate's
cumulative_trapezoid, and np.where(cond) /
np.nonzero(cond) as an index (the boolean-mask selection of masks.py). Counts, repeats and pad
widths must be known when the call is compiled."""
from __future__ import annotations

import ast

import numpy as np

from ...errors import AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ...primitives.table import Lazy
from .base import _FULL, FormsBase

FORMS: dict = {
    "flip": ((np.flip,), (), "a `getitem` with step -1 along `axis` (every axis for None)"),
    "fliplr": ((np.fliplr,), (), "`np.flip(m, axis=1)` (at least 2-D)"),
    "flipud": ((np.flipud,), (), "`np.flip(m, axis=0)` (at least 1-D)"),
    "rot90": ((np.rot90,), (), "NumPy's composition of `np.flip` and `np.transpose` of `axes` (`k` known when compiled)"),
    "take": ((np.take,), ("take",), "a `gather` (`axis=None`: of the raveled array; `mode='wrap'`/`'clip'`: the "
                                    "indices mod n / clipped into [0, n - 1] first)"),
    "take_along_axis": ((np.take_along_axis,), (), "a `gather` along `axis`, the other axes indexed by broadcast "
                                                   "aranges"),
    "repeat": ((np.repeat,), ("repeat",), "(a count per element known when compiled: a `gather` at NumPy's index table) `reshape(broadcast_to(expand_dims(x, axis + 1)))`: each element `repeats` "
                                          "times (an int known when compiled; `axis=None` ravels); counts known only when run (an int array "
                                          "argument): a `gather` at a table of run-time length (ends marked by np.add.at, then "
                                          "`cumsum`), a negative count a ValueError when run"),
    "tile": ((np.tile,), (), "`broadcast_to` of an expanded view, then `reshape` (`reps` known when compiled)"),
    "pad": ((np.pad,), (), "axis by axis as NumPy fills it: `concatenate` of the array with blocks of "
                           "`constant_values` (mode 'constant', one or a pair per axis), its edge slices ('edge'), "
                           "the `max`/`min`/`mean` of its first and last `stat_length` slices ('maximum', 'minimum', "
                           "'mean'; the reduction rows' tie rule) or NumPy's linspace from `end_values` to the edge "
                           "('linear_ramp'); 'reflect'/'symmetric'/'wrap' a gather by NumPy's own pad of the indices, "
                           "`reflect_type='odd'` NumPy's chunks `2 * edge - reflection`; an int or bool array padded "
                           "in float64 and cast back; widths known when compiled"),
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
                         "to -1 along axis k and 1 along the others (`K[np.ix_(dofs, dofs)] += ke`); of one boolean "
                         "mask twice, the square block it selects (`K[np.ix_(free, free)]`, also `K[free][:, free]`), "
                         "kept at K's shape for np.linalg.solve/det/slogdet/inv/cholesky, np.diag, @ and .T; of two "
                         "masks, a block for @ and .T; of a mask and an int array, a selection "
                         "(frontend/maskblocks.py)"),
    "diag_indices": ((np.diag_indices,), (), "the pair (arange(n), arange(n)) for `ndim=2` (`n` known when compiled)"),
    "interp": ((np.interp,), (), "the segment of each x found by counting the points of `xp` at or below it, then "
                                 "`fp[i] + (x - xp[i]) (fp[i+1] - fp[i]) / (xp[i+1] - xp[i])` (gathers); `left`/`right` "
                                 "outside (fp's ends by default); xp increasing, its length known when compiled; `period`: x "
                                 "and xp modulo it, xp sorted and wrapped one point onto each end, as NumPy"),
    "flatnonzero": ((np.flatnonzero,), (), "the positions of the nonzero elements of the raveled array, in order: an "
                                           "int64 array of a length known only when the function runs (each True "
                                           "element's `cumsum` rank says where its position goes)"),
    "nonzero": ((np.nonzero,), (), "only as an index: `x[np.nonzero(c)]`, `x[np.where(c)]` are `x[c]` "
                                   "(a boolean-mask selection)"),
}


class MaskIndex:
    """np.nonzero(c) / np.where(c): index arrays whose length depends on the data; as an index they
    select as the mask c does, anywhere else they are NumPy's arrays (masks.mask_index_value).
    `one`: np.nonzero(c)[0] of a 1-D c, the one array (not the tuple of it)."""

    def __init__(self, mask: Value, one: bool = False):
        self.mask, self.one = mask, one
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

    def form_fliplr(self, label, args, kwargs, node):
        (m,) = self.bind_args(label, ("m",), args, kwargs, node)
        m = self._array(m, node, label)
        if self._rank(m) < 2:
            raise self.err(ShapeError, f"{label}: the array must be at least 2-d", node)
        return self.form_flip("np.flip", (m,), {"axis": 1}, node)

    def form_flipud(self, label, args, kwargs, node):
        (m,) = self.bind_args(label, ("m",), args, kwargs, node)
        m = self._array(m, node, label)
        if self._rank(m) < 1:
            raise self.err(ShapeError, f"{label}: the array must be at least 1-d", node)
        return self.form_flip("np.flip", (m,), {"axis": 0}, node)

    def form_rot90(self, label, args, kwargs, node):
        """NumPy's own: k % 4 quarter turns in the plane of `axes` (from the first toward the second)."""
        m, k, axes = self.bind_args(label, ("m", "k", "axes"), args, kwargs, node, k=1, axes=(0, 1))
        m = self._array(m, node, label)
        k, axes = self.static(k, node, "k"), self.static(axes, node, "axes")
        rank = self._rank(m)
        if not isinstance(k, int) or len(axes) != 2 or rank < 2:
            raise self.err(AdjitTypeError, f"{label}: k an int and two axes known when compiled, an array of at least "
                           "2 dimensions", node)
        a0, a1 = (self._axis(a, rank, node) for a in axes)
        if a0 == a1:
            raise self.err(ShapeError, f"{label}: the axes must be different", node)
        k %= 4
        if k == 0:
            return m
        if k == 2:
            return self.form_flip("np.flip", (self.form_flip("np.flip", (m,), {"axis": a0}, node),), {"axis": a1}, node)
        perm = list(range(rank))
        perm[a0], perm[a1] = perm[a1], perm[a0]
        if k == 1:
            return self.b.emit("transpose", [self.form_flip("np.flip", (m,), {"axis": a1}, node)], axes=tuple(perm))
        return self.form_flip("np.flip", (self.b.emit("transpose", [m], axes=tuple(perm)),), {"axis": a1}, node)

    def form_take(self, label, args, kwargs, node):
        x, idx, axis, out, mode = self.bind_args(label, ("a", "indices", "axis", "out", "mode"), args, kwargs, node,
                                                 axis=None, out=None, mode="raise")
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out` is not supported", node)
        if mode not in ("raise", "wrap", "clip"):
            raise self.err(ShapeError, f"{label}: clipmode must be one of 'clip', 'raise', or 'wrap'", node)
        x = self._array(x, node, label)
        if isinstance(idx, tuple):  # x.take([0, 2]): the method's list is np.asarray'd as the function's
            idx = self.array_like(idx, node)
        axis = self.static(axis, node, "axis")
        if axis is None:
            x, axis = self._ravel(x), 0
        axis = self._axis(axis, self._rank(x), node)
        idx = self.value(idx, node)
        if idx.type.dtype not in ("int64", "int32"):
            raise self.err(AdjitTypeError, f"{label}: indices must be integers, not {idx.type}", node)
        if mode != "raise":  # NumPy's: 'wrap' i mod n (Python's, never negative), 'clip' into [0, n - 1]
            n = self.value(self._extent(x, axis, node, label), node)
            idx = self.b.emit("mod", [idx, n]) if mode == "wrap" else \
                self.b.emit("minimum", [self.b.emit("maximum", [idx, self.value(0, node)]),
                                        self.b.emit("sub", [n, self.value(1, node)])])
        if idx.type.kind == "scalar":
            return self._take(x, axis, idx)
        return self.b.emit("gather", [x, idx], index=(_FULL,) * axis + (("array", 1),))

    def form_take_along_axis(self, label, args, kwargs, node):
        x, idx, axis = self.bind_args(label, ("arr", "indices", "axis"), args, kwargs, node)
        x, idx = self._array(x, node, label), self._array(idx, node, label)
        if self.static(axis, node, "axis") is None:  # NumPy: of the flattened array, 1-D indices
            x, axis = self._ravel(x), 0
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
        axis = self.static(axis, node, "axis")
        if axis is None:
            x, axis = self._ravel(x), 0
        rank = self._rank(x)
        axis = self._axis(axis, rank, node)
        if isinstance(repeats, Value):  # counts known when run (np.repeat(ids, time)): a gather at a table (masks.py)
            table = self.repeat_table(repeats, self._extent(x, axis, node, label), node, label)
            return self.call_value(np.take, [x, table], {"axis": axis}, node)
        r = self.static(repeats, node, "repeats")
        if isinstance(r, tuple) and len(r) != 1:  # a count per element: a gather at the index table
            n = self._extent(x, axis, node, label)
            if len(r) != n or not all(isinstance(k, int) and k >= 0 for k in r):
                raise self.err(AdjitTypeError, f"{label}: repeats of {len(r)} counts for {n} elements along the axis "
                               "(NumPy raises ValueError)", node)
            table = np.repeat(np.arange(n), r)
            if table.size == 0:
                raise self.err(UnsupportedSyntaxError, f"{label} with every count 0 (an empty result)", node)
            return self.call_value(np.take, [x, self._build(tuple(int(k) for k in table), node)], {"axis": axis},
                                   node)
        r = r[0] if isinstance(r, tuple) else r
        if not isinstance(r, int) or r < 0:
            raise self.err(UnsupportedSyntaxError, f"{label}: repeats must be an int or a list of ints known when "
                           "compiled", node)
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
        """np.pad, axis by axis as NumPy fills it (each axis's pad from the array padded along the
        axes before it): constant, edge and the statistics as blocks concatenated to it, reflect /
        symmetric / wrap as a gather by NumPy's own pad of the indices (reflect_type='odd' as
        NumPy's chunks `2 * edge - reflection`), linear_ramp as NumPy's linspace from end_values to
        the edge. An int or bool array is padded in float64 and cast back (NumPy's assignment)."""
        if len(args) > 3:
            raise self.err(ArgumentError, f"{label} takes array, pad_width and mode; the rest by keyword", node)
        named = {k: v for k, v in kwargs.items() if k in ("array", "pad_width", "mode")}
        extra = {k: v if isinstance(v, str) or k == "constant_values" else self.static(v, node, k)
                 for k, v in kwargs.items() if k not in named}  # constant_values may be a run-time value
        x, width, mode = self.bind_args(label, ("array", "pad_width", "mode"), args, named, node, mode="constant")
        mode = mode if isinstance(mode, str) else self.static(mode, node, "mode")
        if mode not in _PAD_KWARGS:
            raise self.err(UnsupportedSyntaxError, f"{label}: mode={mode!r} is not supported ("
                           + ", ".join(repr(m) for m in _PAD_KWARGS) + ")", node)
        if set(extra) - set(_PAD_KWARGS[mode]):
            raise self.err(ArgumentError, f"{label}: unsupported keyword arguments for mode '{mode}': "
                           f"{set(extra) - set(_PAD_KWARGS[mode])}", node)
        x = self.value(x, node)
        dtype = x.type.dtype
        if dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        rank = self._rank(x)
        pairs = _widths(self.static(width, node, "pad_width"), rank)
        if pairs is None:
            raise self.err(UnsupportedSyntaxError, f"{label}: pad_width must be ints known when compiled", node)
        if any(w < 0 for p in pairs for w in p):
            raise self.err(ShapeError, f"{label}: index can't contain negative values", node)
        shape = [self._extent(x, k, node, label) for k in range(rank)]
        if mode != "constant" and 0 in shape:  # NumPy: only 'constant' extends an empty axis
            empty = [k for k in range(rank) if shape[k] == 0 and any(pairs[k])]
            if empty:
                raise self.err(ShapeError, f"{label}: can't extend empty axis {empty[0]} using modes other than "
                               "'constant' or 'empty'", node)
            mode = "constant"  # no element to take: the padded shape, empty
        if mode in ("reflect", "symmetric", "wrap"):
            odd = extra.get("reflect_type", "even") == "odd"
            x = self._pad_reflect(x, pairs, mode, odd, node, label)
        else:
            x = self._pad_blocks(x, pairs, mode, extra, dtype, node, label)
        return x if dtype in ("float32", "float64") else self.b.emit("astype", [x], dtype=dtype)

    def _pad_reflect(self, x, pairs, mode, odd, node, label):
        for axis, (before, after) in enumerate(pairs):
            n = self._extent(x, axis, node, label)
            if not (before or after):
                continue
            if odd and n > 1:
                x = self._pad_odd(x, axis, before, after, n, mode == "symmetric", node)
                continue
            idx = np.pad(np.arange(n), (before, after), mode=mode)  # (n == 1: the edge, as NumPy's legacy)
            x = self.call_value(np.take, [x, self._build(tuple(int(i) for i in idx), node)], {"axis": axis}, node)
        return x

    def _pad_odd(self, x, axis, left, right, n, include_edge, node):
        """NumPy's _set_reflect_both with method 'odd', chunk by chunk: each chunk `2 * edge - the
        reflected values` of what is filled so far (wider pads reflect the chunks before)."""
        e = 1 if include_edge else 0
        take = lambda a, idx: self.call_value(np.take, [a, self._build(tuple(idx), node)], {"axis": axis}, node)  # noqa: E731

        def odd(edge, chunk):
            return self.binop(ast.Sub, self.binop(ast.Mult, 2, edge, node), chunk, node)

        while left > 0 or right > 0:
            size = self._extent(x, axis, node, "np.pad")
            period = size // n * n if include_edge else (size - 1) // (n - 1) * (n - 1)
            parts = [None, x, None]
            if left > 0:
                k = min(period, left)
                parts[0] = odd(self._slice(x, axis, 0, 1), take(x, range(k - e, -e, -1)))
                left -= k
            if right > 0:
                k = min(period, right)
                parts[2] = odd(self._slice(x, axis, size - 1, size), take(x, range(size + e - 2, size + e - 2 - k, -1)))
                right -= k
            x = self.b.emit("concatenate", [p for p in parts if p is not None], axis=axis)
        return x

    def _pad_blocks(self, x, pairs, mode, extra, dtype, node, label):
        rank = self._rank(x)
        cvals = self._pad_cvals(extra.get("constant_values", 0.0), x, rank, node, label) if mode == "constant" \
            else None
        ends, strong = _number_pairs(extra.get("end_values", 0), rank, node, self, label, "end_values")
        lengths = _number_pairs(extra.get("stat_length"), rank, node, self, label, "stat_length")[0]
        for axis, (before, after) in enumerate(pairs):
            shape = [self._extent(x, k, node, label) for k in range(rank)]
            stats = self._pad_stats(x, axis, (before, after), lengths[axis], mode, dtype, node) \
                if mode in ("maximum", "minimum", "mean") else None
            parts = []
            for side, count, at_end in ((0, before, False), (1, after, True)):
                if count == 0:
                    parts.append(None)
                    continue
                block = self._const_shape(shape[:axis] + [count] + shape[axis + 1:])
                n = shape[axis]
                edge = self._slice(x, axis, n - 1, n) if at_end else self._slice(x, axis, 0, 1)
                if mode == "constant":
                    piece = self.b.emit("broadcast_to", [cvals[axis][side], block])
                elif mode == "edge":
                    piece = self.b.emit("broadcast_to", [edge, block])
                elif mode == "linear_ramp":
                    piece = self._pad_ramp(edge, ends[axis][side], count, axis, rank, at_end, dtype, strong, node)
                else:
                    piece = self.b.emit("broadcast_to", [stats[side], block])
                parts.append(piece)
            pieces = [p for p in (parts[0], x, parts[1]) if p is not None]
            if len(pieces) > 1:
                x = self.b.emit("concatenate", pieces, axis=axis)
        return x

    def _pad_stats(self, x, axis, widths, lengths, mode, dtype, node):
        """NumPy's _get_stats: the max, min or mean of the first (last) stat_length values along the
        axis (all of them by default), rounded for an integer array."""
        n = self._extent(x, axis, node, "np.pad")
        fn = {"maximum": np.max, "minimum": np.min, "mean": np.mean}[mode]
        left, right = (n if k is None or k > n else k for k in lengths)
        if (left == 0 or right == 0) and mode != "mean":
            raise self.err(ShapeError, "np.pad: stat_length of 0 yields no value for padding", node)
        if left == 0 or right == 0:
            raise self.err(UnsupportedSyntaxError, "np.pad: mode 'mean' with stat_length 0 (NumPy pads with the NaN "
                           "of an empty mean) is not supported", node, hint="give stat_length >= 1")

        def stat(a, b):
            v = self.call_value(fn, [self._slice(x, axis, a, b)], {"axis": axis, "keepdims": True}, node)
            return self.call_value(np.rint, [v], {}, node) if mode == "mean" and dtype.startswith(("int", "uint")) \
                else v
        first = stat(0, left)
        return (first, first) if left == right == n else (first, stat(n - right, n))

    def _pad_cvals(self, cval, x, rank, node, label):
        """constant_values as one (before, after) pair of values per axis, each cast to the array's
        dtype as NumPy's assignment casts it: a number or an array value for all, or pairs of them."""
        bad = self.err(ShapeError, f"{label}: constant_values must be one value or a pair per axis", node)
        if not isinstance(cval, tuple):  # one value (a number or a run-time scalar) for every side
            grid = [[cval]]
        elif all(isinstance(c, tuple) for c in cval) and len({len(c) for c in cval}) == 1:
            grid = [list(c) for c in cval]
        elif not any(isinstance(c, tuple) for c in cval):
            grid = [list(cval)]
        else:
            raise bad
        rows, cols = len(grid), len(grid[0]) if grid else 0
        flat = [c for row in grid for c in row]
        if len(flat) == 1:
            pairs = [(flat[0], flat[0])] * rank
        elif len(flat) == 2 and (rows, cols) != (2, 1):
            pairs = [tuple(flat)] * rank
        elif rows in (1, rank) and cols in (1, 2):  # NumPy's broadcast_to(x, (ndim, 2))
            pairs = [(grid[a if rows > 1 else 0][0], grid[a if rows > 1 else 0][-1]) for a in range(rank)]
        else:
            raise bad
        cast = {}

        def as_x(c):  # once per value
            if id(c) not in cast:
                v = self.value(c, node)
                if v.type.kind != "scalar":
                    raise self.err(ShapeError, f"{label}: constant_values must be numbers", node)
                cast[id(c)] = v if v.type.dtype == x.type.dtype else self.b.emit("astype", [v], dtype=x.type.dtype)
            return cast[id(c)]
        return [tuple(as_x(c) for c in p) for p in pairs]

    def _pad_ramp(self, edge, end, count, axis, rank, at_end, dtype, strong, node):
        """NumPy's linspace(end, edge, count, endpoint=False) along the axis (reversed after the
        array): `k * step + end`, or `k / count * delta + end` where any step is 0 (its branch for
        denormals, taken for the whole ramp); floored for an integer array. A float32 ramp from a
        NumPy scalar end value is computed in float64 and cast, as NumPy's linspace does."""
        k = self._build(tuple(float(i) for i in range(count)), node)
        k = self._reshape(k, [1] * axis + [count] + [1] * (rank - axis - 1))
        out = edge.type.dtype
        if out == "float32" and strong:
            edge = self.b.emit("astype", [edge], dtype="float64")
        elif out == "float32":
            k = self.b.emit("astype", [k], dtype="float32")
        delta = self.binop(ast.Sub, edge, end, node)
        step = self.binop(ast.Div, delta, count, node)
        zero = self.call_value(np.any, [self.b.emit("eq", [step, self.b.const(0.0)])], {}, node)
        by_step = self.binop(ast.Mult, k, step, node)
        by_delta = self.binop(ast.Mult, self.binop(ast.Div, k, count, node), delta, node)
        ramp = self.binop(ast.Add, self.b.emit("where", [zero, by_delta, by_step]), end, node)
        if dtype.startswith(("int", "uint")):
            ramp = self.call_value(np.floor, [ramp], {}, node)
        if ramp.type.dtype != out:
            ramp = self.b.emit("astype", [ramp], dtype=out)
        if at_end:
            ramp = self.call_value(np.flip, [ramp], {"axis": axis}, node)
        return ramp

    def form_meshgrid(self, label, args, kwargs, node):
        indexing = kwargs.pop("indexing", "xy")
        if set(kwargs) - {"sparse", "copy"}:
            raise self.err(UnsupportedSyntaxError, f"{label}: only `indexing`, `sparse` and `copy` are supported", node)
        sparse = bool(self.static(kwargs.get("sparse", False), node, "sparse"))
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
            if sparse:  # sparse=True: each input along its own axis, extent 1 elsewhere (a copy, as NumPy's)
                out.append(self.b.emit("astype", [e], dtype=e.type.dtype))
                continue
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
        values = [self._build(tuple(a), node) if isinstance(a, tuple) else self.value(a, node) for a in args]
        if len(values) == 2 and any(v.type.kind == "array" and v.type.dtype == "bool" for v in values) and all(
                v.type.kind == "array" and v.type.rank == 1 and v.type.dtype in ("bool", "int64", "int32") for v in values):
            from ..maskblocks import MaskGrid  # K[np.ix_(free, free)], K[np.ix_(free, fixed)]: the subscript takes it

            return MaskGrid(tuple(values))
        for k, v in enumerate(values):
            if v.type.kind != "array" or v.type.rank != 1 or v.type.dtype not in ("int64", "int32"):
                raise self.err(AdjitTypeError, f"{label} takes 1-D sequences of ints here, not {v.type}", node,
                               hint="np.ix_(mask, mask) of one boolean mask (a square block), or of int arrays")
            shape = tuple(-1 if j == k else 1 for j in range(len(args)))
            out.append(self.b.emit("reshape", [v, self.value(shape, node)]))
        return tuple(out)

    def form_diag_indices(self, label, args, kwargs, node):
        n, ndim = self.bind_args(label, ("n", "ndim"), args, kwargs, node, ndim=2)
        n, ndim = self.static(n, node, "n"), self.static(ndim, node, "ndim")
        r = self.b.emit("arange", [self.value(0, node), self.value(n, node), self.value(1, node)])
        return (r,) * ndim

    def form_interp(self, label, args, kwargs, node):
        x, xp, fp, left, right, period = self.bind_args(label, ("x", "xp", "fp", "left", "right", "period"), args,
                                                        kwargs, node, left=None, right=None, period=None)
        emit = self.b.emit
        x, xp, fp = (self.value(a, node) for a in (x, xp, fp))
        x, xp, fp = (a if a.type.dtype == "float64" else emit("astype", [a], dtype="float64")
                     for a in (x, xp, fp))  # float64 whatever the inputs' dtype, as NumPy's interp computes
        if self._rank(xp) != 1 or self._rank(fp) != 1:
            raise self.err(ShapeError, f"{label}: xp and fp must be 1-D", node)
        m = self._extent(xp, 0, node, label)
        if period is not None:  # NumPy's: x and xp modulo period, xp sorted, one point wrapped onto each end
            per, one = self.value(period, node), (lambda v: emit("stack", [v], axis=0))
            x, xp = emit("mod", [x, per]), emit("mod", [xp, per])
            order = emit("argsort", [xp], axis=0)
            xp, fp = (emit("gather", [a, order], index=(("array", 1),)) for a in (xp, fp))
            xp = emit("concatenate", [one(emit("sub", [self._take(xp, 0, m - 1), per])), xp,
                                      one(emit("add", [self._take(xp, 0, 0), per]))], axis=0)
            fp = emit("concatenate", [one(self._take(fp, 0, m - 1)), fp, one(self._take(fp, 0, 0))], axis=0)
            m, left, right = m + 2, None, None  # left and right are ignored, as NumPy's
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


_PAD_KWARGS = {"constant": ("constant_values",), "edge": (), "wrap": (), "reflect": ("reflect_type",),
               "symmetric": ("reflect_type",), "linear_ramp": ("end_values",), "maximum": ("stat_length",),
               "minimum": ("stat_length",), "mean": ("stat_length",)}


def _number_pairs(value, rank, node, lowerer, label, what):
    """NumPy's _as_pairs of a value known when compiled: one (before, after) pair per axis (None
    for every axis when the value is None), and whether NumPy hands them on as NumPy scalars (one
    value or one pair: float64 or int64, which make a float32 linear ramp computed in float64)
    rather than Python numbers (a pair per axis, by .tolist())."""
    if value is None:
        return [(None, None)] * rank, False
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf" or arr.ndim > 2:
            raise ValueError
        strong = arr.size == 1 or arr.size == 2 and arr.shape != (2, 1)
        if arr.size == 1:
            pairs = [(arr.ravel()[0].item(),) * 2] * rank
        elif strong:
            pairs = [tuple(v.item() for v in arr.ravel())] * rank
        else:
            pairs = [tuple(v.item() for v in row) for row in np.broadcast_to(arr, (rank, 2))]
    except ValueError:
        raise lowerer.err(ShapeError, f"{label}: {what} must be numbers known when compiled, one or a pair per axis",
                          node) from None
    if what == "stat_length" and any(v < 0 or not isinstance(v, int) for p in pairs for v in p):
        raise lowerer.err(ShapeError, f"{label}: stat_length must be non-negative ints", node)
    return pairs, strong


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
