"""Boolean-mask selections (issue 12: `x[mask]`, "boolean masks where the shape stays static").

`x[mask]` has a number of elements known only at run time, so it is not an array of adjit's IR.
It is lowered as a `Masked` selection (the values at x's own shape, and the mask broadcast to
it) as long as what the program does with it keeps the shape static, which is what programs do.
A selection is NumPy's array of shape (count, *trailing) with its selected axis kept *expanded*:
the mask's axes stand where the count axis stands (first, or elsewhere once transposed, `axis`),
and an operation is lowered where padding the unselected places with zeros gives NumPy's result:

- elementwise arithmetic and NumPy functions with numbers, or with selections by the same mask:
  `(pred[obs] - y[obs]) ** 2`, `np.log(p[p > 0])` (the operands are `where(mask, x, 0.5)` first,
  so an unselected element, even a NaN, never reaches a value or a gradient);
- with an array holding one value per selected element, in C order (`x[mask] - u`, NumPy's
  pairing): u is *spread* to x's shape, added into zeros at `np.flatnonzero(mask)` (`mask_positions`:
  existing rows, an index array of run-time extent), so its gradient is the gather at those
  positions; the scatter checks at run time that u has one value per selected element or one
  value in all (ValueError otherwise, as NumPy). An array without the selected axis (`X[rows] * w`,
  w of X's row shape) broadcasts as it is;
- reductions: `np.sum`, `np.mean`, `np.max`, `np.min` and their methods, over everything, over
  the selected axis (`sum(where(mask, v, 0))`, the mean divided by the number selected), or over
  another axis (a selection again, one value per selected row); `np.var`/`np.std` composed of them;
- writes: `x[mask] = v` (a number, an array of one value per selected element, or a selection by
  the same mask), `x[mask] += v`, as `x[...] = where(mask, v, x)`;
- `.T`, `np.transpose`, `np.swapaxes`, `.shape`, `len`, `@`/`np.dot`/`np.matmul`: maskaxes.py;
- `np.polyfit(t[sel], y[sel], deg)` of two 1-D selections by one mask: forms/common.py;
- what needs the elements in order (a 1-D selection of ints as an index, `np.sort`): the array
  NumPy makes, `x[np.flatnonzero(mask)]`, of a length known only when the function runs.

Anything else (`np.array(x[mask])`, a selection by another mask) is a located error with the
`np.where` rewrite. The max or min of an empty selection is -inf or inf (NumPy raises)."""
from __future__ import annotations

import math
import weakref

import numpy as np

from .. import primitives as P
from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .maskaxes import _FULL, _HINT, SelectionAxes

_FILL = 0.5  # what an unselected element reads as: inside the domain of log, sqrt, arcsin, 1/x, ...
# a selection's full mask -> (where its selected axes stand, the mask as written): a Masked built
# from another's mask (forms/distributions.py: Masked(out, x.mask, x.rows)) keeps both
_LAYOUT: "weakref.WeakKeyDictionary[Value, tuple]" = weakref.WeakKeyDictionary()


class Masked:
    """x[mask]: `values` at the full shape, `mask` (bool, that shape), `rows`: the mask's rank
    (it selects along `rows` axes, from `axis` on: 0 unless transposed), `select`: the mask as
    written (None: read off `mask`). NumPy's array is `values` with those axes replaced by one of
    the number of True elements, `ndim` axes."""

    def __init__(self, values: Value, mask: Value, rows: int, select: Value | None = None, axis: int | None = None):
        known_axis, known_select = _LAYOUT.get(mask, (0, None))
        self.axis = known_axis if axis is None else axis
        self.values, self.mask, self.rows = values, mask, rows
        self.select = known_select if select is None else select
        if self.axis or self.select is not None:
            _LAYOUT[mask] = (self.axis, self.select)
        self.__name__ = "a boolean-mask selection"

    @property
    def ndim(self) -> int:
        return self.values.type.rank - self.rows + 1


class MaskedSelections(SelectionAxes):
    """The Lowerer's boolean-mask selections."""

    def same_mask(self, a: Value, b: Value, depth: int = 0) -> bool:
        """a and b are the same mask: one value, or the same op of the same operands (`z[x > 0] =
        x[x > 0] ** 2` evaluates `x > 0` twice)."""
        if a is b:
            return True
        if depth > 4:
            return False
        pa, pb = self._producer(a), self._producer(b)
        try:
            if pa is None or pb is None or pa.prim != pb.prim or pa.attrs != pb.attrs or len(pa.inputs) != len(pb.inputs):
                return False
        except (ValueError, TypeError):  # attrs holding arrays
            return False
        if pa.prim == "const":
            return pa.attrs == pb.attrs
        return all(self.same_mask(x, y, depth + 1) for x, y in zip(pa.inputs, pb.inputs))

    def same_selection(self, a: Masked, b: Masked) -> bool:
        """a and b select by the same mask, their selected axes paired by NumPy's broadcasting
        (the same place counted from the last axis)."""
        if a.rows != b.rows or a.values.type.rank - a.axis != b.values.type.rank - b.axis:
            return False
        return self.same_mask(a.mask, b.mask) or self.same_mask(self._selector(a), self._selector(b))

    def _producer(self, v: Value):
        for op in reversed(self.b.ops[-400:]):
            if v in getattr(op, "outputs", ()):
                return op
        return None

    def mask_of(self, v) -> bool:
        return isinstance(v, Value) and v.type.kind == "array" and v.type.dtype == "bool"

    def masked_select(self, base, mask: Value, node) -> Masked:
        if type(mask).__name__ == "MaskGrid":  # K[np.ix_(m, m)] = v, K[np.ix_(m, m)] += v
            from .maskblocks import HINT
            raise self.err(UnsupportedSyntaxError, "writing into the block np.ix_ of boolean arrays selects",
                           node, hint="write np.where(m[:, None] & m[None, :], new, K) into K; " + HINT)
        base = self.value(base, node)
        bshape, mshape = self.b.aval(base).shape, self.b.aval(mask).shape
        if base.type.kind != "array" or mask.type.rank > base.type.rank:
            raise self.err(ShapeError, f"a boolean index of {mask.type.rank} dimensions for an array of "
                           f"{base.type.rank}", node)
        k = mask.type.rank
        if any(a is not None and b is not None and a != b for a, b in zip(mshape, bshape[:k])):
            raise self.err(ShapeError, f"boolean index of shape {tuple(mshape)} does not match the indexed array's "
                           f"leading extents {tuple(bshape[:k])}", node)
        self.at(node)
        return self.reselect(base, mask, k, 0)

    def reselect(self, values: Value, select: Value, rows: int, axis: int) -> Masked:
        """The selection by `select` (the mask as written, `rows` axes) of values whose selected
        axes stand from `axis` on: the mask broadcast along the other axes."""
        rank = values.type.rank
        others = tuple(a for a in range(rank) if not axis <= a < axis + rows)
        full = select
        if others:  # X[rows]: the mask broadcast along the trailing axes
            full = self.b.emit("expand_dims", [select], axis=others)
            full = self.b.emit("broadcast_to", [full, self.b.emit("shape", [values])])
        return Masked(values, full, rows, select, axis)

    def _masked_operands(self, args, node):
        """The values of masked and unmasked operands of an elementwise op, and the first selection."""
        sels = [a for a in args if isinstance(a, Masked)]
        first = sels[0]
        for other in sels[1:]:
            if other.rows == first.rows and other.axis != first.axis and other.ndim == first.ndim \
                    and self.same_mask(self._selector(other), self._selector(first)):
                raise self.err(ShapeError, "pairing a selection with its transpose pairs the selected elements with "
                               "another axis: NumPy raises unless their lengths agree, which depends on the data",
                               node, hint=_HINT)
            if not self.same_selection(other, first):
                raise self.err(UnsupportedSyntaxError, "combining selections by different boolean masks pairs their "
                               "elements by position, which depends on the data", node, hint=_HINT)
        out = []
        for a in args:
            if isinstance(a, Masked):  # the fill keeps an int or bool selection's dtype (an index: h[m])
                dt = a.values.type.dtype
                fill = _FILL if dt.startswith("float") else True if dt == "bool" else 1
                out.append(self.b.emit("where", [a.mask, a.values, self.b.const(fill)]))
            else:
                v = self.value(a, node)
                if v.type.kind == "array":  # x[mask] - u: u's values paired with the selected ones
                    v = self.spread_at(v, first, node)
                out.append(v)
        return out, first

    def masked_fill(self, items, node):
        """Operands of an elementwise function (a form, a distribution's method) with selections
        among them: each selection its values at full shape (`where(mask, x, 0.5)`), an array
        spread to it as `x[mask] - u` pairs them, anything else (numbers, static options) as it
        is; and the first selection. The caller wraps the result with `masked_result`."""
        sels = [a for a in items if isinstance(a, Masked)]
        filled, first = self._masked_operands(sels, node)
        filled = iter(filled)
        out = []
        for a in items:
            if isinstance(a, Masked):
                out.append(next(filled))
            elif isinstance(a, Value) and a.type.kind == "array":
                out.append(self.spread_at(a, first, node))
            else:
                out.append(a)
        return out, first

    def masked_result(self, out, first: Masked, node) -> Masked:
        """An elementwise function's result on filled operands, as the selection it is."""
        if not isinstance(out, Value) or out.type.kind != "array" or out.type.rank < first.values.type.rank:
            raise self.masked_value_error(node)
        if tuple(self.b.aval(out).shape) == tuple(self.b.aval(first.mask).shape):
            return Masked(out, first.mask, first.rows, first.select, first.axis)
        return self.reselect(out, self._selector(first), first.rows, out.type.rank - (first.values.type.rank - first.axis))

    def masked_elementwise(self, prim: str, args, node):
        if prim == "matmul":  # x[mask].T @ y[mask]: maskaxes.py
            return self.masked_matmul(args[0], args[1], node)
        if not P.PRIMITIVES[prim].elementwise:
            raise self.err(UnsupportedSyntaxError, f"`{prim}` of a boolean-mask selection: the selection's length "
                           "depends on the data", node, hint=_HINT)
        self.at(node)
        ins, first = self._masked_operands(args, node)
        out = self.b.emit(prim, ins)
        shape, full = self.b.aval(out).shape, self.b.aval(first.mask).shape
        if tuple(shape) == tuple(full) and None not in full or all(
                a.mask is first.mask if isinstance(a, Masked) else not isinstance(a, Value) or a.type.kind != "array"
                for a in args):
            return Masked(out, first.mask, first.rows, first.select, first.axis)
        # broadcast to another shape (X[rows] - X[rows].mean(axis=1, keepdims=True)): the mask again
        return self.reselect(out, self._selector(first), first.rows, out.type.rank - (first.values.type.rank - first.axis))

    def _count_axes(self, x: Masked, axis, node) -> tuple[tuple, bool]:
        """The axes of x's values that reducing NumPy's axes `axis` reduces, and whether the
        selected axis is one of them."""
        ndim = x.ndim
        if axis is None:
            return tuple(range(x.values.type.rank)), True
        axes = axis if isinstance(axis, tuple) else (axis,)
        try:
            logical = sorted({int(a) + ndim if a < 0 else int(a) for a in axes})
        except (TypeError, ValueError):
            raise self.err(AdjitTypeError, "axis must be an int or a tuple of ints", node) from None
        if any(not 0 <= a < ndim for a in logical) or len(logical) != len(axes):
            raise self.err(ShapeError, f"axis {axis} is out of bounds (or repeated) for an array of dimension {ndim}",
                           node)
        return tuple(e for a in logical for e in self.expanded(x, a)), x.axis in logical

    def expanded(self, x: Masked, a: int) -> list:
        """The axes of x's values that NumPy's axis a of the selection stands for."""
        if a < x.axis:
            return [a]
        if a == x.axis:
            return list(range(x.axis, x.axis + x.rows))
        return [a + x.rows - 1]

    def masked_reduce(self, prim: str, x: Masked, axis, keepdims, node):
        """Over the selected axis (or everything): an array, the unselected elements left out; over
        other axes only: a selection again, one value per selected row."""
        axis = self.static(axis, node, "axis")
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        axes, over_count = self._count_axes(x, axis, node)
        self.at(node)
        emit, const = self.b.emit, self.b.const
        if not over_count:
            inner = emit("where", [x.mask, x.values, const(0.0)])  # an unselected row's NaN reaches nothing
            out = emit(prim, [inner], axis=axes, keepdims=keepdims)
            moved = 0 if keepdims else sum(1 for a in axes if a < x.axis)
            return self.reselect(out, self._selector(x), x.rows, x.axis - moved)
        if prim in ("max", "min"):
            fill = const(-math.inf if prim == "max" else math.inf)
            out = emit(prim, [emit("where", [x.mask, x.values, fill])], axis=axes, keepdims=False)
        else:
            out = emit("sum", [emit("where", [x.mask, x.values, const(0.0)])], axis=axes, keepdims=False)
            if prim == "mean":  # NumPy's mean of an empty selection is nan too
                cdt = "float32" if x.values.type.dtype == "float32" else "float64"  # NumPy's mean keeps float32
                count = emit("sum", [emit("astype", [x.mask], dtype=cdt)], axis=axes, keepdims=False)
                out = emit("div", [out, count])
        if keepdims:  # one axis of 1 for each of NumPy's reduced axes
            kept = sorted({a if a < x.axis else max(x.axis, a - x.rows + 1) for a in axes})
            if out.type.rank == 0:  # a number: an array of ones' shape holding it (Numba expands arrays only)
                ones = emit("tuple", [const(1)] * len(kept))
                return emit("add", [emit("zeros", [ones], dtype=out.type.dtype), out])
            out = emit("expand_dims", [out], axis=tuple(kept))
        return out

    def masked_call(self, prim: str, args, kwargs, node):
        """A primitive called with a selection among its arguments."""
        row = P.PRIMITIVES[prim]
        if prim in P.REDUCTIONS:
            names = ("a", "axis", "dtype", "out", "keepdims")
            params = dict(zip(names, args))
            params.update(kwargs)
            if not isinstance(params.get("a"), Masked) or set(params) - {"a", "axis", "keepdims"}:
                raise self.err(UnsupportedSyntaxError, f"np.{prim} of a boolean-mask selection takes `axis` and "
                               "`keepdims` only", node, hint=_HINT)
            return self.masked_reduce(prim, params["a"], params.get("axis"), params.get("keepdims", False), node)
        if prim == "clip":  # np.clip(x[mask], 0, None): one bound may be None, as for arrays
            kwargs = {{"min": "a_min", "max": "a_max"}.get(k, k): v for k, v in kwargs.items()}
            x, lo, hi = self.bind_args("np.clip", row.params, args, kwargs, node, a_min=None, a_max=None)
            if lo is None and hi is None:
                raise self.err(AdjitTypeError, "np.clip needs a_min or a_max", node)
            if lo is None or hi is None:
                return self.masked_elementwise("minimum" if lo is None else "maximum", [x, hi if lo is None else lo], node)
            return self.masked_elementwise("clip", [x, lo, hi], node)
        if prim in ("transpose", "matmul"):  # np.transpose(x[mask]), np.matmul: maskaxes.py
            return self.masked_function(np.transpose if prim == "transpose" else np.matmul, args, kwargs, node)
        if row.elementwise and not kwargs and len(args) == len(row.params or args):
            return self.masked_elementwise(prim, args, node)
        raise self.err(UnsupportedSyntaxError, f"np.{prim} of a boolean-mask selection: the selection's length "
                       "depends on the data", node, hint=_HINT)

    def masked_write(self, base: Value, mask: Value, val, node) -> Value:
        """x[mask] = val: x[...] = where(mask, val, x), a write into x (its other names see it)."""
        target = self.masked_select(base, mask, node)
        if isinstance(val, Masked):
            # x[mask] += v passes the selection's full mask: the same elements, pairing elementwise
            if not (self.same_mask(val.mask, target.mask) or self.same_selection(val, target)):
                raise self.err(UnsupportedSyntaxError, "x[mask] = y[other_mask] pairs elements by position, which "
                               "depends on the data", node, hint=_HINT)
            new = val.values
        else:
            new = self.value(val, node)
            if new.type.kind == "array" and self._view_of(new, base):
                name = base.hint or "the array"
                raise self.err(UnsupportedSyntaxError, f"the value written into '{name}[mask]' is a view of '{name}' "
                               "itself; NumPy copies it element by element into the array it reads, so the result "
                               "depends on the order it copies in", node,
                               hint="write a copy of the value: `... = <expression>.copy()`")
            if new.type.kind == "array":  # x[mask] = u: u's values, in order, at the selected places
                new = self.masked_spread(new, target, node, assign=True)
        self.at(node)
        merged = self.b.emit("where", [target.mask, new, base])
        if merged.type.dtype != base.type.dtype:
            merged = self.b.emit("astype", [merged], dtype=base.type.dtype)
        return self.b.emit("index_update", [base, merged], index=(_FULL,) * base.type.rank)

    def _view_of(self, v: Value, base: Value) -> bool:
        """Whether v is base, or a view of (or an in-place write into) it, in this block."""
        from .aliasing import _derived_from

        return _derived_from(v, base, {o.id: op for op in self.b.ops if hasattr(op, "prim") for o in op.outputs})

    def _selector(self, x: Masked) -> Value:
        """The mask as written (its rank: the selected axes), from a selection."""
        if x.select is not None:
            return x.select
        if x.rows == x.mask.type.rank:
            return x.mask
        bc = self._producer(x.mask)  # broadcast_to(expand_dims(mask), shape): reselect
        ex = self._producer(bc.inputs[0]) if bc is not None and bc.prim == "broadcast_to" else None
        if ex is not None and ex.prim == "expand_dims" and ex.inputs[0].type.rank == x.rows:
            return ex.inputs[0]
        # made in another block: the mask is constant along the other axes, read it at their 0
        index = tuple(_FULL if x.axis <= a < x.axis + x.rows else ("int", 1) for a in range(x.mask.type.rank))
        return self.b.emit("getitem", [x.mask, self.b.const(0)], index=index)

    def mask_positions(self, mask: Value) -> Value:
        """np.flatnonzero(mask): the positions of the True elements in C order, an int64 array of
        run-time extent, made of existing rows: each True element's rank among them (a cumulative
        count) says where its position goes; the others go to one spare slot past the end."""
        emit, const = self.b.emit, self.b.const
        flat = emit("reshape", [mask, emit("tuple", [const(-1)])]) if mask.type.rank != 1 else mask
        ones = emit("astype", [flat], dtype="int64")
        count = emit("sum", [ones], axis=(0,), keepdims=False)
        rank = emit("sub", [emit("cumsum", [ones], axis=0, reverse=False), const(1)])
        slot = emit("where", [flat, rank, count])
        pos = emit("zeros", [emit("tuple", [emit("add", [count, const(1)])])], dtype="int64")
        every = emit("arange", [const(0), emit("size", [flat]), const(1)])
        pos = emit("index_update", [pos, every, slot], index=(("array", 2),))
        pos = emit("getitem", [pos, count], index=(("slice", None, 1, None),))
        pos.hint = "selected"
        return pos

    def mask_index_value(self, x, node, only: bool = False):
        """np.nonzero(c) (forms/arranging.MaskIndex) where it is not an index: NumPy's tuple of int64
        arrays, or the one array of np.nonzero(c)[0] (its length known when run: len(), .size, idx[0],
        arithmetic). only=True: anything else, and the tuple form, are returned as they are."""
        if type(x).__name__ != "MaskIndex" or only and not x.one:
            return x
        self.at(node)
        if x.one:
            return self.mask_positions(x.mask)
        return self.b.emit("tuple", self.nonzero_arrays(x.mask, node))

    def repeat_table(self, repeats: Value, n: int, node, label: str) -> Value:
        """np.repeat(np.arange(n), repeats) of counts known only when run (an int, or one per element):
        a table of run-time length, each element's index `repeats[i]` times; np.take of it is
        np.repeat. A 1 is added at each element's end (np.add.at into zeros one longer than the
        total), and the running count of ends passed is the element a position belongs to. A
        negative count raises ValueError when run, as NumPy."""
        emit, const = self.b.emit, self.b.const
        c = self.value(repeats, node)
        if not n:  # an extent known only when run (or none): not taken here
            raise self.err(UnsupportedSyntaxError, f"{label}: counts known only when run need an axis whose length is "
                           "known when the call is compiled (and not 0)", node)
        if c.type.dtype not in ("int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64", "bool") \
                or c.type.rank > 1 or c.type.rank == 1 and self._shape(c)[0] not in (1, n, None):
            raise self.err(AdjitTypeError, f"{label}: repeats must be an int or one int per element along the axis "
                           f"({n}), not {c.type}", node)
        c = emit("astype", [c], dtype="int64")
        if c.type.rank == 0 or self._shape(c)[0] == 1:
            c = emit("broadcast_to", [emit("reshape", [c, emit("tuple", [const(-1)])]), emit("tuple", [const(n)])])
        elif self._shape(c)[0] is None:
            size = emit("getitem", [emit("shape", [c]), const(0)], index=(("int", 1),))
            emit("check", [emit("eq", [size, const(n)])], exc="ValueError",
                 msg=f"{label}: operands could not be broadcast (one count per element along the axis)")
        emit("check", [emit("ge", [emit("min", [c], axis=(0,), keepdims=False), const(0)])], exc="ValueError",
             msg=f"{label}: repeats may not contain negative values")
        ends = emit("cumsum", [c], axis=0, reverse=False)
        total = emit("sum", [c], axis=(0,), keepdims=False)
        marks = emit("zeros", [emit("tuple", [emit("add", [total, const(1)])])], dtype="int64")
        marks = emit("index_add", [marks, emit("ones_like", [c]), ends], index=(("array", 2),))
        table = emit("cumsum", [marks], axis=0, reverse=False)
        return emit("getitem", [table, total], index=(("slice", None, 1, None),))

    def nonzero_arrays(self, mask: Value, node) -> list:
        """np.nonzero(mask) as NumPy gives it: one int64 index array per axis, the coordinates of the
        True elements in C order (mask_positions unravelled by the mask's extents; a run-time count)."""
        shape = self._shape(mask)
        if None in shape:
            raise self.err(ShapeError, "np.nonzero: the mask's shape is needed when compiled", node)
        pos = self.mask_positions(mask)
        cols, stride = [], 1
        for d in reversed(shape):
            q = pos if stride == 1 else self.b.emit("floordiv", [pos, self.b.const(stride)])
            cols.append(q if len(shape) == 1 else self.b.emit("mod", [q, self.b.const(d)]))
            stride *= d
        return cols[::-1]

    def masked_spread(self, u: Value, x: Masked, node, assign: bool = False) -> Value:
        """u (an array) paired with the selection x (its selected axes first) as NumPy pairs them,
        as a value at x's full shape: u broadcast against the selection's shape (count, *trailing),
        count the number of True elements of the mask. An array without the selected axis, or
        with one row, broadcasts as it is; else u is scattered at the selected positions of a zero
        array (np.flatnonzero order), the scatter checking at run time that u's first extent is
        the count or 1 (NumPy's ValueError)."""
        full = x.mask
        rank, k = full.type.rank, x.rows
        trailing = rank - k
        ushape = self.b.aval(u).shape
        if assign and k == rank and u.type.rank > 1:
            raise self.err(AdjitTypeError, "NumPy boolean array indexing assignment requires a 0 or 1-dimensional "
                           f"input, input has {u.type.rank} dimensions", node, hint="pass u.ravel()")
        if u.type.rank <= trailing:
            return u  # X[rows] * w, X[rows] = w: w broadcasts along the selected rows
        if u.type.rank > trailing + 1:
            raise self.err(ShapeError, f"an array of {u.type.rank} dimensions paired with a boolean-mask selection of "
                           f"{trailing + 1}: the result's shape would depend on the data", node, hint=_HINT)
        if ushape[0] == 1:  # one row (a mean with keepdims): it broadcasts along the selected rows
            self.at(node)
            return self.b.emit("getitem", [u, self.b.const(0)], index=(("int", 1),) + (_FULL,) * trailing)
        if ushape[0] is None and assign:
            raise self.err(UnsupportedSyntaxError, "an array whose length is known only when the function runs, "
                           "assigned to the elements a boolean mask selects", node,
                           hint="give it a length known when the call is compiled (an argument, or a slice with "
                           "constant bounds)")
        self.at(node)
        emit, const = self.b.emit, self.b.const
        pos = self.mask_positions(self._selector(x))
        if ushape[0] is None:  # known only at run time (rd[h], h = home[in_t]): one value per selected
            # element, checked there; NumPy would also broadcast one value, whose gradient is the sum,
            # which the scatter's reverse cannot tell from one per element: that case raises instead
            n_u = emit("getitem", [emit("shape", [u]), const(0)], index=(("int", 1),))
            n_pos = emit("getitem", [emit("shape", [pos]), const(0)], index=(("int", 1),))
            emit("check", [emit("eq", [n_u, n_pos])], exc="ValueError",
                 msg="an array of a length known only when the function runs, paired with a boolean-mask selection, "
                     "must hold one value per selected element (adjit does not broadcast one value here)")
        shape = emit("shape", [full])
        dims = [emit("getitem", [shape, const(a)], index=(("int", 1),)) for a in range(rank)]
        n = dims[0]
        for d in dims[1:k]:
            n = emit("mul", [n, d])
        spread = emit("zeros", [emit("tuple", [n] + dims[k:])], dtype=u.type.dtype)
        # np.add.at into zeros (the positions are distinct: each adds once), whose gradient is the
        # plain gather at the positions
        spread = emit("index_add", [spread, u, pos], index=(("array", 2),) + (_FULL,) * trailing)
        spread.hint = "spread"
        return emit("reshape", [spread, shape])

    def selection_as_index(self, x: Masked, node) -> Value:
        """`labels[pos]` used as an index (`onehot[np.flatnonzero(pos), labels[pos]] = 1`): a 1-D
        selection of ints as the int array NumPy makes (selection_array)."""
        if x.values.type.dtype not in ("int64", "int32"):
            raise self.masked_value_error(node)
        return self.selection_array(x, node)

    def selection_array(self, x: Masked, node) -> Value:
        """A 1-D selection as the array NumPy makes, `x[np.flatnonzero(mask)]`: a gather of a
        length known only when the function runs (its gradient the scatter-add back), for what
        needs the elements in order (an index, np.sort)."""
        if x.rows != 1 or x.axis != 0 or x.values.type.rank != 1:
            raise self.masked_value_error(node)
        self.at(node)
        return self.b.emit("gather", [x.values, self.mask_positions(self._selector(x))], index=(("array", 1),))

    def masked_value_error(self, node) -> Exception:
        return self.err(AdjitTypeError, "x[mask] (a boolean-mask selection) has a number of elements known only when "
                        "the function runs: reduce it (np.sum, np.mean, np.max, .sum()), or combine it elementwise "
                        "with numbers and selections by the same mask", node, hint=_HINT)
