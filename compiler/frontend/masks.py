"""Boolean-mask selections (issue 12: `x[mask]`, "boolean masks where the shape stays static").

`x[mask]` has a number of elements known only at run time, so it is not an array of adjit's IR.
It is lowered as a `Masked` selection (the values at x's own shape, and the mask broadcast to
it) as long as what the program does with it keeps the shape static, which is what programs do:

- elementwise arithmetic and NumPy functions with numbers, or with selections by the same mask:
  `(pred[obs] - y[obs]) ** 2`, `np.log(p[p > 0])` (the operands are `where(mask, x, 0.5)` first,
  so an unselected element, even a NaN, never reaches a value or a gradient);
- with an array holding one value per selected element, in C order (`x[mask] - u`, NumPy's
  pairing): u is *spread* to x's shape, added into zeros at `np.flatnonzero(mask)` (`mask_positions`:
  existing rows, an index array of run-time extent), so its gradient is the gather at those
  positions; the scatter checks at run time that u has one value per selected element or one
  value in all (ValueError otherwise, as NumPy). An array without the selected axis (`X[rows] * w`,
  w of X's row shape) broadcasts as it is;
- reductions: `np.sum`, `np.mean`, `np.max`, `np.min` and their methods, over everything (and
  over the selected rows, axis 0, when the mask selects rows of a 2-D array), as
  `sum(where(mask, v, 0))`, the mean divided by the number selected;
- writes: `x[mask] = v` (a number, an array of one value per selected element, or a selection by
  the same mask), `x[mask] += v`, as `x[...] = where(mask, v, x)`.

Anything else (`np.array(x[mask])`, `x[mask] @ W`, a selection by another mask) is a located error
with the `np.where` rewrite. The max or min of an empty selection is -inf or inf (NumPy raises)."""
from __future__ import annotations

import math

from .. import primitives as P
from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value

_FILL = 0.5  # what an unselected element reads as: inside the domain of log, sqrt, arcsin, 1/x, ...
_FULL = ("slice", None, None, None)
_HINT = "keep the shape: np.where(mask, x, 0.0) (or x * mask), then reduce; np.sum(x[mask]) is " \
        "np.sum(np.where(mask, x, 0))"


class Masked:
    """x[mask]: `values` at the full shape, `mask` (bool, that shape), `rows`: the mask's rank
    (it selects along the first `rows` axes), `select`: the mask as written (None: read off `mask`)."""

    def __init__(self, values: Value, mask: Value, rows: int, select: Value | None = None):
        self.values, self.mask, self.rows, self.select = values, mask, rows, select
        self.__name__ = "a boolean-mask selection"


class MaskedSelections:
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

    def _producer(self, v: Value):
        for op in reversed(self.b.ops[-400:]):
            if v in getattr(op, "outputs", ()):
                return op
        return None

    def mask_of(self, v) -> bool:
        return isinstance(v, Value) and v.type.kind == "array" and v.type.dtype == "bool"

    def masked_select(self, base, mask: Value, node) -> Masked:
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
        full = mask
        if k < base.type.rank:  # X[rows]: the mask broadcast along the trailing axes
            full = self.b.emit("expand_dims", [mask], axis=tuple(range(k, base.type.rank)))
            full = self.b.emit("broadcast_to", [full, self.b.emit("shape", [base])])
        return Masked(base, full, k, mask)

    def _masked_operands(self, args, node):
        """The values of masked and unmasked operands of an elementwise op, and the mask."""
        masks = [a.mask for a in args if isinstance(a, Masked)]
        mask = masks[0]
        if any(not self.same_mask(m, mask) for m in masks[1:]):
            raise self.err(UnsupportedSyntaxError, "combining selections by different boolean masks pairs their "
                           "elements by position, which depends on the data", node, hint=_HINT)
        out = []
        for a in args:
            if isinstance(a, Masked):
                out.append(self.b.emit("where", [mask, a.values, self.b.const(_FILL)]))
            else:
                v = self.value(a, node)
                if v.type.kind == "array":  # x[mask] - u: u's values paired with the selected ones
                    v = self.masked_spread(v, next(m for m in args if isinstance(m, Masked)), node)
                out.append(v)
        return out, mask

    def masked_elementwise(self, prim: str, args, node) -> Masked:
        if not P.PRIMITIVES[prim].elementwise:
            raise self.err(UnsupportedSyntaxError, f"`{prim}` of a boolean-mask selection: the selection's length "
                           "depends on the data", node, hint=_HINT)
        self.at(node)
        ins, mask = self._masked_operands(args, node)
        first = next(a for a in args if isinstance(a, Masked))
        return Masked(self.b.emit(prim, ins), mask, first.rows, first.select)

    def masked_reduce(self, prim: str, x: Masked, axis, keepdims, node):
        axis = self.static(axis, node, "axis")
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        rank = x.values.type.rank
        if axis not in (None, 0) or axis == 0 and x.rows != 1 or keepdims:
            raise self.err(UnsupportedSyntaxError, f"np.{prim} of a boolean-mask selection along an axis it does not "
                           "select, or with keepdims: the result's shape depends on the data", node, hint=_HINT)
        self.at(node)
        axes = tuple(range(rank)) if axis is None else (0,)
        if prim in ("max", "min"):
            fill = self.b.const(-math.inf if prim == "max" else math.inf)
            return self.b.emit(prim, [self.b.emit("where", [x.mask, x.values, fill])], axis=axes, keepdims=False)
        total = self.b.emit("sum", [self.b.emit("where", [x.mask, x.values, self.b.const(0.0)])], axis=axes,
                            keepdims=False)
        if prim == "sum":
            return total
        count = self.b.emit("sum", [self.b.emit("astype", [x.mask], dtype="float64")], axis=axes, keepdims=False)
        return self.b.emit("div", [total, count])  # NumPy's mean of an empty selection is nan too

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
        if row.elementwise and not kwargs and len(args) == len(row.params or args):
            return self.masked_elementwise(prim, args, node)
        raise self.err(UnsupportedSyntaxError, f"np.{prim} of a boolean-mask selection: the selection's length "
                       "depends on the data", node, hint=_HINT)

    def masked_write(self, base: Value, mask: Value, val, node) -> Value:
        """x[mask] = val: x[...] = where(mask, val, x), a write into x (its other names see it)."""
        if isinstance(val, Masked):
            if not self.same_mask(val.mask, self.masked_select(base, mask, node).mask):
                raise self.err(UnsupportedSyntaxError, "x[mask] = y[other_mask] pairs elements by position, which "
                               "depends on the data", node, hint=_HINT)
            new = val.values
        else:
            new = self.value(val, node)
            if new.type.kind == "array":  # x[mask] = u: u's values, in order, at the selected places
                new = self.masked_spread(new, self.masked_select(base, mask, node), node, assign=True)
        full = self.masked_select(base, mask, node).mask
        self.at(node)
        merged = self.b.emit("where", [full, new, base])
        if merged.type.dtype != base.type.dtype:
            merged = self.b.emit("astype", [merged], dtype=base.type.dtype)
        return self.b.emit("index_update", [base, merged], index=(_FULL,) * base.type.rank)

    def _selector(self, x: Masked) -> Value:
        """The mask as written (its rank: the selected axes), from a selection."""
        if x.select is not None:
            return x.select
        if x.rows == x.mask.type.rank:
            return x.mask
        bc = self._producer(x.mask)  # broadcast_to(expand_dims(mask), shape): masked_select
        ex = self._producer(bc.inputs[0]) if bc is not None and bc.prim == "broadcast_to" else None
        if ex is not None and ex.prim == "expand_dims" and ex.inputs[0].type.rank == x.rows:
            return ex.inputs[0]
        # made in another block: the mask is constant along the trailing axes, read it at their 0
        trailing = x.mask.type.rank - x.rows
        return self.b.emit("getitem", [x.mask, self.b.const(0)], index=(_FULL,) * x.rows + (("int", 1),) * trailing)

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

    def masked_spread(self, u: Value, x: Masked, node, assign: bool = False) -> Value:
        """u (an array) paired with the selection x as NumPy pairs them, as a value at x's full
        shape: u broadcast against the selection's shape (count, *trailing), count the number of
        True elements of the mask. An array without the selected axis broadcasts as it is; else u
        is scattered at the selected positions of a zero array (np.flatnonzero order), the scatter
        checking at run time that u's first extent is the count or 1 (NumPy's ValueError)."""
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
        if None in ushape:
            raise self.err(UnsupportedSyntaxError, "an array whose length is known only when the function runs, paired "
                           "with the elements a boolean mask selects", node,
                           hint="give it a length known when the call is compiled (an argument, or a slice with "
                           "constant bounds)")
        self.at(node)
        emit, const = self.b.emit, self.b.const
        pos = self.mask_positions(self._selector(x))
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

    def masked_value_error(self, node) -> Exception:
        return self.err(AdjitTypeError, "x[mask] (a boolean-mask selection) has a number of elements known only when "
                        "the function runs: reduce it (np.sum, np.mean, np.max, .sum()), or combine it elementwise "
                        "with numbers and selections by the same mask", node, hint=_HINT)
