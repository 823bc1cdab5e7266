"""Rows that reshape or index arrays: transpose, reshape, broadcast_to, expand_dims, getitem and the
indexed writes."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import CUSTOM, STATEMENT, _tsum, npx, primitive


# ---------------------------------------------------------------------------------- shape changes


def _transpose_abstract(x, axes, **_):
    if sorted(axes) != list(range(x.type.rank)):
        raise ShapeError(f"transpose axes {axes} do not match an array of dimension {x.type.rank}")
    return S.make(x.type.dtype, tuple(x.shape[a] for a in axes))


def _inverse_perm(axes):
    inv = [0] * len(axes)
    for k, a in enumerate(axes):
        inv[a] = k
    return tuple(inv)


primitive("transpose", _transpose_abstract, view=True, sources=(np.transpose, ".T", ".transpose"),
          params=("a", "axes"), defaults=(("axes", None),), readable=CUSTOM,
          vjp=lambda g, y, x, axes: (npx.transpose(g, axes=_inverse_perm(axes)),),
          jvp=lambda t, y, x, axes: npx.transpose(t[0], axes=axes))


def _reshape_abstract(x, shape, **_):
    if shape.type.kind != "tuple":
        raise AdjitTypeError("reshape takes a tuple of ints")
    dims = list(shape.value) if shape.value is not None else [None] * len(shape.type.elems)
    size = None if any(d is None for d in x.shape) else int(np.prod(x.shape, dtype=np.int64))
    if dims.count(-1) > 1:
        raise ShapeError("can only specify one unknown dimension (-1) in reshape")
    if -1 in dims:
        rest = [d for d in dims if d != -1]
        if size is not None and None not in rest:
            known = int(np.prod(rest, dtype=np.int64))
            if known == 0 or size % known:
                raise ShapeError(f"cannot reshape array of shape {tuple(x.shape)} into shape {tuple(dims)}")
            dims[dims.index(-1)] = size // known
        else:
            dims[dims.index(-1)] = None
    elif size is not None and None not in dims and int(np.prod(dims, dtype=np.int64)) != size:
        raise ShapeError(f"cannot reshape array of shape {tuple(x.shape)} into shape {tuple(dims)}")
    return S.make(x.type.dtype, tuple(dims))


primitive("reshape", _reshape_abstract, view=True, sources=(np.reshape, ".reshape"), nondiff_inputs=(1,),
          params=("a", "shape"), readable="{0}.reshape({1})", lowered="np.ascontiguousarray({0}).reshape({1})",
          # a number reshaped (np.reshape(s, (1, 1)), block_diag's number): its cotangent is a number, not a 0-d array
          vjp=lambda g, y, x, shape: (npx.sum(g, axis=tuple(range(g.rank)), keepdims=False) if x.type.kind == "scalar"
                                      else npx.reshape(g, x.shape), None),
          jvp=lambda t, y, x, shape: npx.reshape(t[0], shape))


def _broadcast_to_abstract(x, shape, **_):
    dims = tuple(shape.value) if shape.value is not None else (None,) * len(shape.type.elems)
    out = S.broadcast_shapes([x.shape, dims], "broadcast_to")
    if len(dims) < len(x.shape) or any(d is not None and o is not None and d != o for d, o in zip(dims, out)):
        raise ShapeError(f"cannot broadcast an array of shape {tuple(x.shape)} to shape {dims}")
    return S.make(x.type.dtype, dims)


primitive("broadcast_to", _broadcast_to_abstract, view=True, sources=(np.broadcast_to,), nondiff_inputs=(1,),
          params=("array", "shape"), readable=CUSTOM,
          vjp=lambda g, y, x, shape: (g, None),  # reverse/sweep.py sums g over the broadcast axes
          jvp=lambda t, y, x, shape: npx.broadcast_to(t[0], shape))


def _expand_dims_abstract(x, axis, **_):
    out = list(x.shape)
    for a in sorted(axis):
        out.insert(a, 1)
    return S.make(x.type.dtype, tuple(out))


primitive("expand_dims", _expand_dims_abstract, view=True, sources=(np.expand_dims,), params=("a", "axis"),
          readable=CUSTOM,
          vjp=lambda g, y, x, axis: (npx.sum(g, axis=tuple(range(g.rank)), keepdims=False) if x.type.kind == "scalar"
                                     else npx.reshape(g, x.shape),),
          jvp=lambda t, y, x, axis: npx.expand_dims(t[0], axis=axis))

# --------------------------------------------------------------------------------------- indexing
# An index is a tuple of items: ("int", k) | ("slice", k_start, k_stop, k_step) | ("none",),
# where each k is the position of an int input (None = omitted).


def _index_shape(x: Abstract, index: tuple, ints: list) -> tuple:
    def val(k):
        return None if k is None else ints[k - 1]

    consumed = sum(1 for it in index if it[0] != "none")
    if consumed > x.type.rank:
        raise ShapeError(f"too many indices for an array of dimension {x.type.rank}")
    shape, axis = [], 0
    for it in index:
        if it[0] == "none":
            shape.append(1)
            continue
        d = x.shape[axis]
        if it[0] == "int":
            i = val(it[1])
            if i is not None and d is not None and not -d <= i < d:
                raise ShapeError(f"index {i} is out of bounds for axis {axis} with size {d}")
        else:
            bounds = [val(k) for k in it[1:]]
            if d is None or any(k is not None and b is None for k, b in zip(it[1:], bounds)):
                shape.append(None)
            else:
                if bounds[2] == 0:
                    raise ShapeError("slice step cannot be zero")
                shape.append(len(range(*slice(*bounds).indices(d))))
        axis += 1
    shape.extend(x.shape[axis:])
    return tuple(shape)


def _getitem_abstract(x, *ints, index, **_):
    if x.type.kind == "tuple":  # static index into a tuple (x.shape[0])
        (it,) = index
        k = ints[it[1] - 1].value if it[0] == "int" else None
        if k is None:
            raise AdjitTypeError("a tuple can only be indexed by a constant int")
        n = len(x.type.elems)
        if not -n <= k < n:
            raise ShapeError(f"tuple index {k} out of range for a tuple of length {n}")
        t = x.type.elems[k]
        return Abstract(t, (), None if x.value is None else x.value[k])
    if x.type.kind != "array":
        raise AdjitTypeError(f"cannot index a {x.type}")
    shape = _index_shape(x, index, [i.value for i in ints])
    return S.make(x.type.dtype, shape)


def _getitem_vjp(g, y, x, *ints, index):
    if x.type.kind != "array":
        return (None,) * (1 + len(ints))
    squeeze = tuple(("int", len(ints) + 1) for it in index if it[0] == "none")
    if squeeze:  # drop the axes that None inserted: index g with 0 there
        zero = g.builder.const(0)
        g_items = tuple(("int", 1) if it[0] == "none" else ("slice", None, None, None)
                        for it in index if it[0] != "int")
        g = g.builder.emit_vars("getitem", (g, zero), {"index": g_items})
    index_no_none = tuple(it for it in index if it[0] != "none")
    base = npx.zeros_like(x)
    return (npx.index_add(base, g, *ints, index=_shift(index_no_none, 1)),) + (None,) * len(ints)


def _shift(index, by):
    """Renumber the int-input positions of an index when extra inputs come first."""
    return tuple((it[0],) + tuple(None if k is None else k + by for k in it[1:]) for it in index)


primitive("getitem", _getitem_abstract, view=True, vjp=_getitem_vjp, readable=CUSTOM,
          jvp=lambda t, y, x, *ints, index: x.builder.emit_vars("getitem", (t[0],) + ints, {"index": index}))


def _index_add_abstract(base, val, *ints, index, **_):
    if is_advanced(index):
        target = _advanced_shape(base, _shift(index, -1), ints)
    else:
        target = _index_shape(base, _shift(index, -1), [i.value for i in ints])
    out = S.broadcast_shapes([target, val.shape], "the value written and the region it is written into")
    lead = len(out) - len(target)
    if any(e != 1 for e in out[:lead]) or any(o is not None and t is not None and o != t
                                              for o, t in zip(out[lead:], target)):
        raise ShapeError(f"could not broadcast input array from shape {tuple(val.shape)} into shape {tuple(target)}",
                         hint="the value written must broadcast to the region it is written into (NumPy's "
                              "ValueError); index a region of that shape, or reduce the value")
    return Abstract(base.type, base.shape)


def _index_add_vjp(g, y, base, val, *ints, index):
    if is_advanced(index):  # np.add.at: each element of val (broadcast) adds into one place
        g_val = _sum_to(_region(g, ints, _shift(index, -1)), val.aval.shape)
        return (g, g_val) + (None,) * len(ints)
    return (g, g.builder.emit_vars("getitem", (g,) + ints, {"index": _shift(index, -1)})) + (None,) * len(ints)


primitive("index_add", _index_add_abstract, vjp=_index_add_vjp, readable=STATEMENT, effect="write",
          jvp=lambda t, y, base, val, *ints, index: _tsum(
              t[0], None if t[1] is None else
              npx.index_add(npx.zeros_like(base), t[1], *ints, index=index)))

def _sum_to(ct, shape: tuple):
    """Sum a cotangent over the axes along which a value of `shape` was broadcast to ct's shape."""
    out = ct.aval.shape
    lead = tuple(range(len(out) - len(shape)))
    # an axis of 1 is summed (a no-op when the region turns out 1 long); a known extent against a
    # region extent known only at run time is equal to it (the write checks it where it happens)
    stretched = tuple(len(lead) + k for k, d in enumerate(shape) if d == 1 and out[len(lead) + k] != 1)
    if any(d is None and out[len(lead) + k] not in (None, 1) for k, d in enumerate(shape)):
        # raised while the reverse sweep differentiates the write, at the write's line (its loc)
        raise ShapeError(f"a value whose extent is known only when the function runs written into a region of "
                         f"shape {tuple(out)}: it may be one element broadcast there or one per element, and the "
                         "gradient differs", ct.builder.loc,
                         hint="give the value a length known when the call is compiled (a slice with constant "
                         "bounds), or write exactly the region's extent")
    if stretched:
        ct = npx.sum(ct, axis=stretched, keepdims=True)
    if lead:
        ct = npx.sum(ct, axis=lead, keepdims=False)
    return ct


def _index_update_vjp(g, y, base, val, *ints, index):
    if is_advanced(index):
        return _put_vjp(g, y, base, val, *ints, index=index)
    region = g.builder.emit_vars("getitem", (g,) + ints, {"index": _shift(index, -1)})
    g_val = _sum_to(region, val.aval.shape)  # read the region before it is zeroed below
    g_base = npx.index_update(g, 0.0, *ints, index=index)
    return (g_base, g_val) + (None,) * len(ints)


def _index_update_jvp(t, y, base, val, *ints, index):
    if t[0] is None and t[1] is None:
        return None
    tb = npx.zeros_like(base) if t[0] is None else t[0]
    return npx.index_update(tb, 0.0 if t[1] is None else t[1], *ints, index=index)


# x[index] = val, as a new version of x (codegen writes in place when the old version is dead).
primitive("index_update", _index_add_abstract, vjp=_index_update_vjp, jvp=_index_update_jvp, readable=STATEMENT,
          effect="write")


# ------------------------------------------------------------------- advanced (integer-array) indexing
# An index holding integer arrays has ("array", k) items (k: the position of an int array input)
# beside ("int", k) items and full slices ("slice", None, None, None); the frontend takes any other
# slice first (a basic view), so these are the only three items gather, and index_add/index_update
# with an array item, see. NumPy's rules: int and array items are *advanced* indices, broadcast
# together to one shape B; B takes their place when they are adjacent, and goes first when a slice
# separates them. A gather is a copy (not a view). index_add with array items is np.add.at (a
# duplicate index adds each time); index_update is `x[idx] = v` (with duplicates, the last one
# written wins: generated loops write in C order), so `x[idx] += v` (read, add, write) adds once.


def is_advanced(index: tuple) -> bool:
    return any(it[0] == "array" for it in index)


def advanced_layout(rank: int, index: tuple) -> tuple:
    """(positions of the advanced items, whether they are adjacent)."""
    adv = [p for p, it in enumerate(index) if it[0] in ("int", "array")]
    return adv, adv == list(range(adv[0], adv[-1] + 1))


def advanced_output_order(rank: int, index: tuple, big: int) -> list:
    """NumPy's order of x[index]'s output axes, each ("b", j) (axis j of the index arrays'
    broadcast shape, of `big` axes) or ("x", a) (x's sliced axis a): the broadcast axes where the
    advanced items stand when they are adjacent, else first."""
    adv, adjacent = advanced_layout(rank, index)
    sliced = [("x", a) for a in range(rank) if index[a][0] == "slice"]
    bdims = [("b", j) for j in range(big)]
    if adjacent:
        return [d for d in sliced if d[1] < adv[0]] + bdims + [d for d in sliced if d[1] > adv[-1]]
    return bdims + sliced


def _advanced_shape(x: Abstract, index: tuple, idx: tuple) -> tuple:
    """The shape of x[index] by NumPy's advanced-indexing rules; idx: the index inputs (Abstracts)."""
    rank = x.type.rank
    if len(index) > rank:
        raise ShapeError(f"too many indices for array: array is {rank}-dimensional, but {len(index)} were indexed")
    shapes = []
    for axis, it in enumerate(index):
        if it[0] == "slice":
            continue
        a = idx[it[1] - 1]
        if a.type.kind not in ("scalar", "array") or a.type.dtype not in ("int64", "int32"):
            raise AdjitTypeError(f"arrays used as indices must be of integer type, not {a.type}")
        if it[0] == "int":
            i, d = a.value, x.shape[axis]
            if i is not None and d is not None and not -d <= i < d:
                raise ShapeError(f"index {i} is out of bounds for axis {axis} with size {d}")
        shapes.append(tuple(a.shape) if it[0] == "array" else ())
    b = S.broadcast_shapes(shapes, "shape mismatch: indexing arrays")
    adv, adjacent = advanced_layout(rank, index)
    sliced = [x.shape[a] for a in range(rank) if a >= len(index) or index[a][0] == "slice"]
    if adjacent:
        return tuple(x.shape[:adv[0]]) + b + tuple(x.shape[adv[-1] + 1:])
    return b + tuple(sliced)


def _region(g, ints, index):
    """g[index] (index relative to (g, *ints)): a gather when it holds an array."""
    return g.builder.emit_vars("gather" if is_advanced(index) else "getitem", (g,) + tuple(ints), {"index": index})


def _gather_abstract(x, *idx, index, **_):
    if x.type.kind != "array":
        raise AdjitTypeError(f"cannot index a {x.type} with an array")
    return S.make(x.type.dtype, _advanced_shape(x, index, idx))


def _put_vjp(g, y, base, val, *ints, index):
    """x[idx] = v: the cotangent of v is g where each element was written, for the element written
    last at a duplicated index only (the others were overwritten); x's is g zeroed there."""
    at = _shift(index, -1)
    region = _region(g, ints, at)
    order = npx.reshape(npx.arange(0, npx.size(region), 1), npx.shape(region))  # each element's number
    marks = npx.index_update(npx.full(npx.shape(base), -1), order, *ints, index=index)  # the last writer
    won = _region(marks, ints, at) == order
    g_val = _sum_to(npx.where(won, region, 0.0), val.aval.shape)
    return (npx.index_update(g, 0.0, *ints, index=index), g_val) + (None,) * len(ints)


# x[idx], x[:, rows, cols], x[i, idx]: a copy; its VJP adds g into zeros at idx, duplicates counted
primitive("gather", _gather_abstract, readable=CUSTOM,
          vjp=lambda g, y, x, *idx, index: (npx.index_add(npx.zeros_like(x), g, *idx, index=_shift(index, 1)),)
          + (None,) * len(idx),
          jvp=lambda t, y, x, *idx, index: x.builder.emit_vars("gather", (t[0],) + idx, {"index": index}))
