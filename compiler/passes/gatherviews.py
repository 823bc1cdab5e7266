"""Views of a gathered array as gathers of views (lowered rendering, run by passes/fusion.py's
`fuse` first): `g[:, 3:6]` of g = x[idx] becomes `x[:, 3:6][idx]`, so each such gather joins the
fused loop that reads it (codegen/loops.py reads x where idx points) and no gathered row is
copied; the adjoint's `zeros_like` of a gather becomes zeros of its static shape, so the zeros do
not keep the gathered copy alive."""
from __future__ import annotations

import dataclasses

from ..analysis import walk_ops
from ..ir import Abstract, Block, For, Function, If, Op, Type, Value, While, array_type, block_yields, node_inputs, \
    scalar_type, walk
from .loopnest import output_axes
from .rewrite import use_counts


def views_into_gathers(fn: Function) -> Function:
    """`g[:, 3:6]` of a gather g = x[idx] becomes `x[:, 3:6][idx]` (a view of x, then a gather of
    the view's shape) when every reader of the view is a loop member: each such gather then joins
    the fused loop that reads it (codegen/loops.py reads x where idx points), so no gathered row is
    copied; g itself goes when nothing else reads it. Only slices and ints on x's own axes move
    (an item on the index arrays' axes, or a None, leaves the view as it is)."""
    producer = {op.out.id: op for op in walk_ops(fn.body) if len(op.outputs) == 1}
    readers: dict[int, list] = {}
    for node in walk(fn.body):
        for v in node_inputs(node):
            readers.setdefault(v.id, []).append(node)
        for _, ys in block_yields(node):
            for y in ys:
                readers.setdefault(y.id, []).append(None)
    for r in fn.results:
        readers.setdefault(r.id, []).append(None)
    avals = dict(fn.avals)
    changed = []

    def rewrite(op: Op):
        if not op.inputs or op.inputs[0].id not in producer:
            return None
        g = producer[op.inputs[0].id]
        if op.prim == "zeros_like" and g.prim == "gather":
            return _zeros_of_shape(avals, op)
        if op.prim != "getitem":
            return None
        if g.prim != "gather" or g.out.type is None or g.out.type.kind != "array":
            return None
        us = readers.get(op.out.id, [])
        from .fusion import member_kind  # (fusion imports this module)

        if not us or any(not isinstance(u, Op) or member_kind(fn, u) is None for u in us):
            return None
        return _view_into_gather(fn, avals, op, g)

    def block(b: Block) -> Block:
        out = []
        for node in b.ops:
            if isinstance(node, Op):
                new = rewrite(node)
                if new is not None:
                    out.extend(new)
                    changed.append(node)
                    continue
                out.append(node)
                continue
            if isinstance(node, If):
                node = dataclasses.replace(node, then_block=block(node.then_block), else_block=block(node.else_block))
            elif isinstance(node, For):
                node = dataclasses.replace(node, body=block(node.body))
            elif isinstance(node, While):
                node = dataclasses.replace(node, cond_block=block(node.cond_block), body=block(node.body))
            out.append(node)
        return Block(out)

    body = block(fn.body)
    if not changed:
        return fn
    fn = dataclasses.replace(fn, body=body, avals=avals)
    while True:  # gathers nothing reads any more
        uses = use_counts(fn)
        dead = {id(op) for op in walk_ops(fn.body) if op.prim == "gather" and uses.get(op.out.id, 0) == 0}
        if not dead:
            return fn
        fn = dataclasses.replace(fn, body=_drop(fn.body, dead))


def _drop(b: Block, dead: set) -> Block:
    out = []
    for node in b.ops:
        if isinstance(node, Op):
            if id(node) not in dead:
                out.append(node)
            continue
        if isinstance(node, If):
            node = dataclasses.replace(node, then_block=_drop(node.then_block, dead), else_block=_drop(node.else_block, dead))
        elif isinstance(node, For):
            node = dataclasses.replace(node, body=_drop(node.body, dead))
        elif isinstance(node, While):
            node = dataclasses.replace(node, cond_block=_drop(node.cond_block, dead), body=_drop(node.body, dead))
        out.append(node)
    return Block(out)


def _view_into_gather(fn: Function, avals: dict, view: Op, g: Op):
    """[x[items on x's axes], gather of it] computing view = g[items], or None (see views_into_gathers)."""
    x, gidx = g.inputs[0], tuple(g.attrs["index"])
    xa, ya = fn.avals.get(x.id), fn.avals.get(view.out.id)
    if x.type is None or x.type.kind != "array" or xa is None or ya is None:
        return None
    rank = x.type.rank
    if any(it[0] not in ("slice", "array") for it in gidx) or len(gidx) > rank:
        return None
    gidx = gidx + (("slice", None, None, None),) * (rank - len(gidx))
    shapes = {k: tuple(fn.avals[g.inputs[k].id].shape) for k in range(1, len(g.inputs))}
    axes, _ = output_axes(rank, gidx, shapes)
    items = tuple(view.attrs["index"])
    if any(it[0] not in ("slice", "int") for it in items) or len(items) > len(axes):
        return None
    items = items + (("slice", None, None, None),) * (len(axes) - len(items))
    on_x: dict[int, tuple] = {}
    for it, d in zip(items, axes):
        if d[0] == "b":
            if it != ("slice", None, None, None):
                return None
        else:
            on_x[d[1]] = it
    if all(it == ("slice", None, None, None) for it in on_x.values()):
        return None  # nothing to move
    x_items = tuple(("slice", None, None, None) if gidx[a][0] == "array" else on_x[a] for a in range(rank))
    kept = [a for a in range(rank) if x_items[a][0] != "int"]  # x's axes left in the view
    new_gidx = tuple(gidx[a] for a in kept)
    # the gather of the view must lay its axes out as the view of the gather did
    new_axes, _ = output_axes(len(kept), new_gidx, shapes)
    want = [d for it, d in zip(items, axes) if not (d[0] == "x" and on_x[d[1]][0] == "int")]
    if [d if d[0] == "b" else ("x", kept[d[1]]) for d in new_axes] != want:
        return None
    ints = list(view.inputs[1:])
    vshape = []
    for a in kept:
        if gidx[a][0] == "array":
            vshape.append(xa.shape[a])
        else:
            vshape.append(ya.shape[want.index(("x", a))])  # (the view's axes: those of ints gone)
    vx = Value(None, array_type(x.type.dtype, len(kept)))
    avals[vx.id] = Abstract(vx.type, tuple(vshape))
    sub = dataclasses.replace(view, prim="getitem", inputs=[x] + ints, outputs=[vx], attrs={"index": x_items})
    gather = dataclasses.replace(g, inputs=[vx] + list(g.inputs[1:]), outputs=[view.out],
                                 attrs={**g.attrs, "index": new_gidx}, loc=view.loc, role=view.role)
    return [sub, gather]


def _zeros_of_shape(avals: dict, op: Op):
    """zeros_like(g) of a gather g as np.zeros of g's shape known when compiled (the adjoint's
    zeros do not keep the gathered copy alive), or None."""
    shape = avals[op.inputs[0].id].shape
    if any(d is None for d in shape):
        return None
    ops, dims = [], []
    for d in shape:
        c = Value(None, scalar_type("int64", True))
        avals[c.id] = Abstract(c.type, (), int(d))
        ops.append(Op("const", [], [c], {"value": int(d)}, op.loc, op.role))
        dims.append(c)
    t = Value(None, Type("tuple", elems=tuple(c.type for c in dims)))
    avals[t.id] = Abstract(t.type, (), tuple(int(d) for d in shape))
    ops.append(Op("tuple", dims, [t], {}, op.loc, op.role))
    dtype = op.attrs.get("dtype") or op.out.type.dtype
    ops.append(Op("zeros", [t], [op.out], {"dtype": dtype}, op.loc, op.role))
    return ops
