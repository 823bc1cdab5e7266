"""Scatter-adds straight into the gradient (lowered rendering only): the adjoint of a gather
`x[idx]` read through views (`c = cams[obs[:, 0]]; c[:, 3:6], c[:, 9]`) is a zeros array of the
gathered shape, each view's cotangent added into its region, then one `np.add.at(dx, idx, Z)`.
This pass adds each region's cotangent into dx directly, through the composed index
(`np.add.at(dx, (idx, slice(3, 6)), v)`): no array of the gathered shape, no second pass over it.

The pattern, in one block: Z0 = zeros/zeros_like of the region's static shape; Z_k =
index_add(Z_{k-1}, v_k, index I_k) with int and slice items only, each Z read once (by the next
write); F = index_add(D, Z_n, index J) with array items (and ints and full slices). It becomes
D_k = index_add(D_{k-1}, v_k, index J∘I_k) in place of each Z_k, D_n standing for F's result.

Exact by construction, up to the order of the additions (each element of dx receives the same
terms, added in another order): J∘I_k selects, for each element of v_k, the element of D that
the element of Z it was added into went to. Composition is done only when it is exact and the
composed index lays its axes out as v_k's region was (NumPy's rule that separated advanced
items put their axes first could reorder them); items on the index arrays' axes must be full
slices. The indices read from data are checked where they are used, as before (codegen/gather.py).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..analysis import walk_ops
from ..ir import Block, For, Function, If, Op, Value, While
from ..primitives import advanced_output_order, is_advanced
from .rewrite import substitute, use_counts

_FULL = ("slice", None, None, None)
_ZEROS = ("zeros", "zeros_like")


def scatter_into_gradients(fn: Function) -> Function:
    """The rewrite of the module docstring, in every block (nested ones included)."""
    uses = use_counts(fn)
    replace: dict = {}
    body = _block(fn, fn.body, uses, replace)
    if not replace:
        return fn
    return substitute(dataclasses.replace(fn, body=body), replace)


def _block(fn: Function, block: Block, uses: dict, replace: dict) -> Block:
    ops = []
    for node in block.ops:
        if isinstance(node, If):
            node = dataclasses.replace(node, then_block=_block(fn, node.then_block, uses, replace),
                                       else_block=_block(fn, node.else_block, uses, replace))
        elif isinstance(node, For):
            node = dataclasses.replace(node, body=_block(fn, node.body, uses, replace))
        elif isinstance(node, While):
            node = dataclasses.replace(node, cond_block=_block(fn, node.cond_block, uses, replace),
                                       body=_block(fn, node.body, uses, replace))
        ops.append(node)
    while True:
        new = _rewrite_one(fn, ops, uses, replace)
        if new is None:
            return Block(ops)
        ops = new


def _rewrite_one(fn: Function, ops: list, uses: dict, replace: dict):
    """The block's op list with one pattern rewritten, or None when none is left."""
    pos = {o.id: n for n, node in enumerate(ops) if isinstance(node, Op) for o in node.outputs}
    for n, f in enumerate(ops):
        if not (isinstance(f, Op) and f.prim == "index_add" and is_advanced(f.attrs["index"])):
            continue
        chain = _chain(ops, pos, uses, f)
        if chain is None:
            continue
        d = f.inputs[0]  # F's base, as an earlier rewrite of this block left it (two gathers of one x)
        while d.id in replace:
            d = replace[d.id]
        plan = _plan(fn, ops, pos, uses, f, chain, d)
        if plan is None:
            continue
        writes, d0_move = plan
        # each write where its Z_k was, or later, once its index arrays are computed (an index read
        # again in the reverse sweep may be computed just before F), the writes in their order
        after: dict = {}
        slot = -1
        for op in chain[1:]:
            w = writes[id(op)]
            slot = max([slot, pos[op.out.id]] + [pos.get(i.id, -1) for i in w.inputs[2:]])
            after.setdefault(slot, []).append(w)
        drop = {id(op) for op in chain} | {id(f)}
        out = []
        for k, node in enumerate(ops):
            if d0_move is not None and node is d0_move:
                pass
            elif node is chain[0]:
                if d0_move is not None:
                    out.append(d0_move)
            elif id(node) not in drop:
                out.append(node)
            out.extend(after.get(k, ()))
        last = writes[id(chain[-1])]
        replace[f.out.id] = last.out
        for op in chain + [f]:
            for i in op.inputs:
                uses[i.id] = uses.get(i.id, 0) - 1
        for w in writes.values():
            for i in w.inputs:
                uses[i.id] = uses.get(i.id, 0) + 1
        uses[last.out.id] = uses.pop(f.out.id, 0)
        return out
    return None


def _chain(ops: list, pos: dict, uses: dict, f: Op):
    """[Z0 (zeros), Z1, ..., Zn] (the basic-index adds into zeros that F adds into its base), or None."""
    z = f.inputs[1]
    if z.type is None or z.type.kind != "array" or uses.get(z.id, 0) != 1 or any(i is z for i in f.inputs[2:]):
        return None
    chain = []
    while True:
        n = pos.get(z.id)
        if n is None:
            return None
        op = ops[n]
        if op.prim in _ZEROS:
            chain.append(op)
            break
        if op.prim != "index_add" or any(it[0] not in ("int", "slice") for it in op.attrs["index"]):
            return None
        if op.out.type != op.inputs[0].type:
            return None
        chain.append(op)
        z = op.inputs[0]
        if uses.get(z.id, 0) != 1 or any(i is z for i in op.inputs[1:]):
            return None
    chain.reverse()
    return chain if len(chain) > 1 else None


def _plan(fn: Function, ops: list, pos: dict, uses: dict, f: Op, chain: list, d: Value):
    """({id(Z_k op): D_k op}, the op defining D to move up to Z0's place or None), or None when
    the composition is not exact. d is F's base D: the last write of an earlier rewrite when D was
    another gather's F (then defined where that rewrite put it, which Z0 must follow)."""
    avals = fn.avals
    z = f.inputs[1]
    if d.type is None or d.type.kind != "array" or d.type != f.out.type or z.type.dtype != d.type.dtype:
        return None
    rank = d.type.rank
    J = tuple(f.attrs["index"]) + (_FULL,) * (rank - len(f.attrs["index"]))
    if any(it[0] == "slice" and it != _FULL for it in J) or any(it[0] not in ("slice", "int", "array") for it in J):
        return None
    dshape = avals[d.id].shape
    shapes = [tuple(avals[f.inputs[it[1]].id].shape) for it in J if it[0] == "array"]
    if any(s is None for sh in shapes for s in sh) or any(s is None for s in dshape):
        return None
    b = np.broadcast_shapes(*shapes)
    order = advanced_output_order(rank, J, len(b))  # Z's axes
    region = tuple(b[a[1]] if a[0] == "b" else dshape[a[1]] for a in order)
    if tuple(avals[z.id].shape) != region or tuple(avals[chain[0].out.id].shape) != region:
        return None
    # D must exist before Z0: defined earlier (or outside the block), or a zeros to move up there
    z0_at = pos[chain[0].out.id]
    d0_move = None
    if pos.get(d.id, -1) > z0_at:
        dop = ops[pos[d.id]]
        if dop.prim not in _ZEROS or uses.get(d.id, 0) != 1 or any(pos.get(i.id, -1) > z0_at for i in dop.inputs):
            return None
        d0_move = dop
    writes = {}
    prev = d
    for op in chain[1:]:
        I = tuple(op.attrs["index"]) + (_FULL,) * (len(order) - len(op.attrs["index"]))
        if len(I) != len(order):
            return None
        val = op.inputs[1]
        if val.type is None or val.type.dtype != d.type.dtype:
            return None
        inputs = [prev, val]

        def take(k):
            if k is None:
                return None
            inputs.append(op.inputs[k])
            return len(inputs) - 1

        on_x = {}
        for it, ax in zip(I, order):
            if ax[0] == "b":
                if it != _FULL:
                    return None
            else:
                on_x[ax[1]] = it
        composed = []
        for a, it in enumerate(J):
            if it[0] == "array" or it[0] == "int":
                k = len(inputs)
                inputs.append(f.inputs[it[1]])
                composed.append((it[0], k))
            else:
                sub = on_x[a]
                composed.append((sub[0],) + tuple(take(k) for k in sub[1:]))
        composed = tuple(composed)
        want = [ax for it, ax in zip(I, order) if it[0] != "int"]
        got = advanced_output_order(rank, composed, len(b))
        if got != want:
            return None
        if any(pos.get(i.id, -1) >= pos[f.out.id] for i in inputs[2:]):
            return None
        out = Value(f.out.hint, f.out.type)
        avals[out.id] = avals[f.out.id]
        w = Op("index_add", inputs, [out], {**f.attrs, "index": composed}, op.loc, op.role)
        writes[id(op)] = w
        prev = out
    return writes, d0_move


# ------------------------------------------------------------------ scatter-adds as loop members
def fusable_scatters(fn: Function) -> dict:
    """The index_add ops (np.add.at) that may be members of a fused loop (passes/fusion.py), by
    result id, with the region's shape (the loop's): each element of the value adds into the
    gradient where the indices point, in the loop that computes it. Only into a buffer nothing
    else sees: the chain of writes back to a zeros, each version read once (by the next write),
    so the write is in place and its order among the chain's writes is all that matters; the
    value of the region's static shape (no broadcasting), of the buffer's float dtype; slice
    bounds known when compiled."""
    producer = {o.id: op for op in walk_ops(fn.body) for o in op.outputs}
    uses = use_counts(fn)
    out = {}
    for op in walk_ops(fn.body):
        if op.prim != "index_add" or not is_advanced(op.attrs["index"]):
            continue
        region = _member_region(fn, op)
        if region is None:
            continue
        base, ok = op.inputs[0], True
        while ok:
            p = producer.get(base.id)
            ok = uses.get(base.id, 0) == 1 and p is not None
            if not ok or p.prim in _ZEROS:
                break
            ok = p.prim == "index_add" and p.inputs[0].type == base.type
            base = p.inputs[0]
        if ok:
            out[op.out.id] = region
    return out


def _member_region(fn: Function, op: Op):
    """The static shape of the region op writes, when op qualifies as a loop member, else None."""
    d, v = op.inputs[0], op.inputs[1]
    avals = fn.avals
    if d.type is None or d.type.kind != "array" or d.type.dtype not in ("float32", "float64") or d.type != op.out.type:
        return None
    if v.type is None or v.type.kind != "array" or v.type.dtype != d.type.dtype:
        return None
    rank = d.type.rank
    dshape = avals[d.id].shape
    index = tuple(op.attrs["index"]) + (_FULL,) * (rank - len(op.attrs["index"]))
    if len(index) != rank or any(s is None for s in dshape):
        return None
    shapes, extents = [], {}
    for a, it in enumerate(index):
        if it[0] == "array":
            shapes.append(tuple(avals[op.inputs[it[1]].id].shape))
        elif it[0] == "slice":
            bounds = [None if k is None else avals[op.inputs[k].id].value for k in it[1:]]
            if any(k is not None and not isinstance(b, int) for k, b in zip(it[1:], bounds)) or bounds[2] == 0:
                return None
            extents[a] = len(range(*slice(*bounds).indices(dshape[a])))
        elif it[0] != "int":
            return None
    if any(s is None for sh in shapes for s in sh):
        return None
    if all(it[0] == "slice" for it in index):  # x[a:b] += v: the slices' extents
        region = tuple(extents[a] for a in range(rank))
        return region if tuple(avals[v.id].shape) == region else None
    b = np.broadcast_shapes(*shapes)
    region = tuple(b[x[1]] if x[0] == "b" else extents[x[1]] for x in advanced_output_order(rank, index, len(b)))
    return region if tuple(avals[v.id].shape) == region else None
