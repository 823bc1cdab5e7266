"""Loop planning: the plan (passes/loopnest.LoopNest) of each fusion group's loop nest, made after
fusion (passes/fusion.py) and before workspace planning (passes/workspace.py), on the function the
lowered rendering then renders (codegen/loops.py names and prints each plan).

For each group, in program order:

- stages: which members leave the nest (`outputs`: read after it), which are computed once before
  the loop (`uniform`: every operand a scalar), and each looped member's stage: as early as its
  operands allow, then elementwise values as late as their users allow; a SIMD transcendental
  ends a stage. A nest with SIMD members and a last axis of MIN_STRIP_AXIS or more is strip-mined.
- extents: the arrays read element by element (`leaves`), the last stage reading each, those not
  aligned with the nest (broadcast or outer reads), and where each axis's extent is read.
- storage: outputs get an array, or take over the buffer of an aligned leaf nobody reads after the
  nest (same type and shape, owned by this call, not a view of something read later); values
  crossing a stage boundary get a strip buffer (strip-mined) or a full array; strip-mined SIMD
  outputs of rank > 1 are written through a flat view.
- reductions: identity, whether the result is a scalar, a partial per parallel chunk (over axis 0,
  top-level nests), a row-local accumulator (over the last axis of an array result), a mean.
- locals: a looped member used more than once, stored, or ending an inlined chain deeper than
  MAX_INLINE_DEPTH gets a scalar local; the others are inlined into their single user.

A nest is top-level when no user loop encloses it: with parallel=True it runs in chunks of axis 0.
"""
from __future__ import annotations

import dataclasses

from ..analysis import MAX_INLINE_DEPTH, Analysis, held_past_iteration
from ..ir import For, Function, Op, While, inner_blocks
from ..primitives import PRIMITIVES
from .loopnest import MIN_STRIP_AXIS, STRIP, LoopNest, Reduction, output_axes

_FLOATS = ("float32", "float64")


def plan_loops(fn: Function) -> Function:
    """`fn` with `nests`: group id -> LoopNest, for every fusion group (see the module docstring)."""
    if not fn.groups:
        return dataclasses.replace(fn, nests={})
    an = Analysis(fn, lowered=True)
    held = held_past_iteration(fn)
    nests: dict = {}

    def visit(block, depth: int) -> None:
        for node in block.ops:
            if isinstance(node, Op):
                gid = node.attrs.get("group")
                if gid is not None and gid not in nests:
                    nests[gid] = plan_nest(an, fn.groups[gid], depth == 0, held)
                continue
            inner = depth + (1 if isinstance(node, (For, While)) else 0)
            for b in inner_blocks(node):
                visit(b, inner)

    visit(fn.body, 0)
    return dataclasses.replace(fn, nests=nests)


def plan_nest(an: Analysis, g, top_level: bool, held: frozenset = frozenset()) -> LoopNest:
    """The plan of one fusion group `g` (passes/fusion.Group)."""
    nest = LoopNest(g.gid, tuple(g.shape), list(g.members), dict(g.kinds))
    nest.k_last = max(an.def_pos[op.out.id] for op in g.members)
    nest.facts = an  # the facts the plan was made from: later passes and the renderer reuse them
    # (np.add.at members write where their indices point: the loop never runs in parallel chunks)
    nest.top_level = top_level and "scatter" not in g.kinds.values()
    _plan_stages(an, nest)
    _plan_extents(an.fn, nest)
    _plan_storage(an, nest, held)
    for op in nest.members:
        if nest.kinds[op.out.id] == "reduce":
            nest.red[op.out.id] = _reduction(op, len(nest.shape))
    _plan_locals(nest)
    return nest


def _plan_stages(an: Analysis, nest: LoopNest) -> None:
    kind = nest.kinds
    nest.ids = {op.out.id for op in nest.members}
    for op in nest.members:
        for i in op.inputs:
            if i.id in nest.ids:
                nest.internal[i.id] = nest.internal.get(i.id, 0) + 1
    nest.outputs = {op.out.id for op in nest.members
                    if kind[op.out.id] == "reduce" or an.uses.get(op.out.id, 0) > nest.internal.get(op.out.id, 0)}
    for op in nest.members:
        operands = op.inputs[:1] if op.prim == "broadcast_to" else op.inputs
        if kind[op.out.id] != "reduce" and all(i.id in nest.uniform if i.id in nest.ids else i.type.rank == 0
                                               for i in operands):
            nest.uniform.add(op.out.id)
    nest.looped = [op for op in nest.members if op.out.id not in nest.uniform]
    avail: dict[int, int] = {}
    stage = nest.stage
    for op in nest.looped:
        s = max([avail.get(i.id, 0) for i in op.inputs if i.id in nest.ids], default=0)
        stage[op.out.id] = s
        avail[op.out.id] = s + (1 if kind[op.out.id] == "vector" else 0)
    users: dict[int, list] = {}
    for u in nest.looped:
        for i in {id(i): i for i in u.inputs}.values():
            users.setdefault(i.id, []).append(u)
    for op in reversed(nest.looped):
        if kind[op.out.id] == "elem":
            later = [stage[u.out.id] for u in users.get(op.out.id, ())]
            if later:
                stage[op.out.id] = max(stage[op.out.id], min(later))
    nest.nstages = 1 + max(stage.values(), default=-1)
    nest.vectors = [op for op in nest.looped if kind[op.out.id] == "vector"]
    nest.strip = STRIP if nest.vectors and nest.shape[-1] >= MIN_STRIP_AXIS else 0


def _plan_extents(fn: Function, nest: LoopNest) -> None:
    S = nest.shape
    sources: list = []  # (extent of axis k of shape, shape)
    explicit: dict = {}  # axis -> its extent, read off a gather's operands
    for op in nest.members:
        st = nest.stage.get(op.out.id, 0)
        for n, i in enumerate(op.inputs):
            if i.id in nest.ids or i.type is None or i.type.kind != "array":
                continue
            if op.prim == "broadcast_to" and n == 1 or op.prim == "index_add" and n != 1:
                continue  # (an np.add.at member's base and indices are not read at the loop index)
            nest.leaves[i.id] = i
            nest.reads_at[i.id] = max(nest.reads_at.get(i.id, 0), st)
            if op.prim in ("outer", "gather") or tuple(fn.avals[i.id].shape) != S:
                nest.misaligned.add(i.id)  # (a gather reads x and its index arrays elsewhere than at the loop index)
        if op.prim in ("gather", "index_add"):
            _plan_gather(fn, nest, op, explicit)
        if op.prim == "broadcast_to":
            sources.append((("index", op.inputs[1]), S))
        elif op.prim == "outer":
            sources.append((("outer", tuple(op.inputs)), S))
    sources = [(("shape", v), tuple(fn.avals[v.id].shape)) for v in nest.leaves.values()
               if not any(op.prim == "outer" and v in op.inputs for op in nest.members)] + sources
    for a in range(len(S)):
        found = None
        for (kind, v), shape in sources:
            k = a - (len(S) - len(shape))
            if k >= 0 and shape[k] == S[a]:
                found = (kind, v, k)
                break
        nest.dims.append(found if found is not None or S[a] == 1 else explicit.get(a))


def _plan_gather(fn: Function, nest: LoopNest, op: Op, explicit: dict) -> None:
    """A gather member x[index] (its result has the nest's shape), or an np.add.at member into x
    (its region has): the layout of the axes, which codegen reads (writes) x and reads the index
    arrays by, and an extent for each axis (x's, unless a slice with bounds cuts it, or an index
    array's)."""
    x = op.inputs[0]
    first = 1 if op.prim == "gather" else 2
    shapes = {k: tuple(fn.avals[op.inputs[k].id].shape) for k in range(first, len(op.inputs))}
    axes, bshape = output_axes(x.type.rank, tuple(op.attrs["index"]), shapes)
    nest.gathers[op.out.id] = (axes, bshape)
    full = tuple(op.attrs["index"]) + (("slice", None, None, None),) * x.type.rank
    for a, d in enumerate(axes):
        if d[0] == "x":
            if full[d[1]] == ("slice", None, None, None):
                explicit.setdefault(a, ("shape", x, d[1]))
            continue
        for k, shape in shapes.items():
            j = d[1] - (len(bshape) - len(shape))
            if j >= 0 and shape[j] == bshape[d[1]]:
                explicit.setdefault(a, ("shape", op.inputs[k], j))
                break


def _plan_storage(an: Analysis, nest: LoopNest, held: set) -> None:
    kind, stage = nest.kinds, nest.stage
    crossing = {i.id for op in nest.looped for i in op.inputs
                if i.id in stage and kind[i.id] == "elem" and stage[i.id] < stage[op.out.id]}
    stored = [op.out for op in nest.looped if kind[op.out.id] not in ("reduce", "scatter")
              and (op.out.id in nest.outputs or op.out.id in crossing or kind[op.out.id] == "vector")]
    # outputs a loop carries on (or the call returns) take dead buffers first: inside a loop the
    # others can live in arrays made once per call (passes/loopbuffers.py), these cannot
    outs = [v for v in stored if v.id in nest.outputs]
    reuse: dict = {}
    for v in [v for v in outs if v.id in held] + [v for v in outs if v.id not in held]:
        leaf = _reusable(an, nest, v, stage[v.id], set(l.id for l in reuse.values()))
        if leaf is not None:
            reuse[v.id] = leaf
    for v in stored:  # in program order
        if v.id in reuse:
            nest.storage[v.id] = "reuse"
            nest.reuse[v.id] = reuse[v.id]
        elif v.id in nest.outputs:
            nest.storage[v.id] = "array"
        else:
            nest.storage[v.id] = "strip" if nest.strip else "full"
    if nest.strip and len(nest.shape) > 1:
        nest.flat = {op.out.id for op in nest.vectors if op.out.id in nest.outputs}


def _reusable(an: Analysis, nest: LoopNest, v, st: int, taken: set):
    """An external array whose buffer output `v` may take over: same type and shape, owned (not an
    argument, view or tape row), read only element-aligned, in no later stage, dead after."""
    shape, k = an.fn.avals[v.id].shape, nest.k_last
    for leaf in nest.leaves.values():
        if leaf.id in taken or leaf.id in nest.misaligned or leaf.type != v.type:
            continue
        if tuple(an.fn.avals[leaf.id].shape) != tuple(shape) or nest.reads_at.get(leaf.id, 0) > st:
            continue
        if leaf.id in an.foreign or leaf.id in an.root or leaf.id in an.inlined:
            continue  # (an inlined leaf is an expression, not a buffer)
        if an.last_use.get(leaf.id, -1) > k:
            continue
        if any(r == leaf.id and an.last_use.get(m, -1) > k for m, r in an.root.items()):
            continue
        if any(o.id != leaf.id and leaf.id in _reads_views_of(an, o) for o in nest.leaves.values()):
            continue  # a view of it is read by this loop too: writing it would change what is read
        return leaf
    return None


def _reads_views_of(an: Analysis, v, depth: int = 0) -> set:
    """The buffers whose views reading v reads: v's own root, and, when v is an expression inlined
    where it is used (np.outer(a, W[0]) inside the loop), those of its inputs."""
    out = {an.root.get(v.id, v.id)}
    op = an.producer.get(v.id)
    if op is not None and v.id in an.inlined and depth < 8:
        for i in op.inputs:
            out |= _reads_views_of(an, i, depth + 1)
    return out


def _reduction(op: Op, R: int) -> Reduction:
    axes, v = op.attrs["axis"], op.out
    red = PRIMITIVES[op.prim].reduction
    init = red.identity
    if red.int_identity is not None and v.type.dtype not in _FLOATS:
        init = red.int_identity
        if op.inputs[0].type.dtype != v.type.dtype or v.type.dtype != "int64":  # int32 summed in int64,
            init = f"np.{v.type.dtype}({init})"  # uint8 in uint64: the start's type sets the sum's
    # a reduction over the last axis adds into a local along the innermost loop, then once into its
    # cell: a memory cell updated every iteration would keep the loop scalar
    return Reduction(op.prim, tuple(axes), bool(op.attrs["keepdims"]), init, v.type.rank == 0, 0 in axes,
                     (R - 1) in axes and v.type.rank > 0, bool(red.mean))


def _plan_locals(nest: LoopNest) -> None:
    """A member is held in a local when used more than once inside the nest (or not at all), stored,
    or when its inlined expression would nest deeper than MAX_INLINE_DEPTH; else it is inlined."""
    depth: dict = {}
    for op in nest.looped:
        v = op.out
        if nest.kinds[v.id] == "scatter":  # a statement, never a value read in the loop
            continue
        local = nest.internal.get(v.id, 0) != 1 or v.id in nest.storage
        d = 1 + max((depth.get(i.id, 0) for i in op.inputs), default=0)
        if not local and d > MAX_INLINE_DEPTH:
            local = True
        if local:
            nest.locals.add(v.id)
        depth[v.id] = 0 if local else d
