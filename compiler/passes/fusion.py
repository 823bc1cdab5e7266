"""Loop fusion: group elementwise ops, and the reductions that consume them, into one loop nest each.

Runs on the optimized IR of the lowered rendering (the readable one keeps one statement per line).
A *group* is a set of ops iterating over one shape S (every member's result has shape S, or, for a
reduction, its argument has): elementwise ops, `broadcast_to` and `outer` (indexed reads), SIMD
transcendentals (a stage boundary: the emitter strip-mines the loop and calls the vector kernel on
each chunk), reductions (accumulated inside the loop, ready after it), and the np.add.at writes
passes/scatter.py's `fusable_scatters` allows and the in-place adds into a row of an array
(`dW[l] += np.outer(dz, x)`) `fusable_row_adds` allows (over their region; their base and indices
are whole arrays, never members; their result, like a reduction's, is ready after the loop).

The pass does not change what is computed. It returns a copy of the function whose blocks are
reordered so each group's members are contiguous, with `attrs["group"] = gid` on every member and
`fn.groups[gid]` describing the group. Ordering is only changed between *barriers*: control flow
and in-place writes (but the np.add.at members) keep their place, and ops only move within the
stretch between two of them.
Tape pushes and pops move with their operands but never past each other.

Grouping is greedy in program order. An op joins an earlier group of the same shape unless that
would create a cycle: it may not read a reduction of that group (ready only after the loop), nor
anything computed outside the group from the group's values. Among the groups it can join it
prefers one that produces its operands, then the latest sibling over the same shape (multi-output
fusion: two loops over the same arrays become one pass). A group holds at most MAX_MEMBERS ops."""
from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass, field

from ..analysis import VIEW_PRIMS, Analysis
from ..ir import Block, For, Function, If, Op, Value, While, inner_blocks
from ..primitives import PRIMITIVES, REDUCTIONS, SIMD, WRITES, is_advanced
from .gatherviews import views_into_gathers
from .scatter import _member_region, fusable_scatters
from .remat import elementwise_operands, rematerialize
from .rewrite import use_counts
from .unitgraph import merge_groups

VECTOR_FUNCTIONS = tuple(SIMD)  # transcendentals with a SIMD kernel (their rows' `simd`)
BARRIERS = tuple(sorted(WRITES))  # in-place writes keep their place
# tape pushes and pops may move within a stretch like other ops, but keep their order among themselves
ORDERED = ("tape_push", "tape_pop")
_FLOATS = ("float32", "float64")
# recomputed in every group that reads it rather than stored (when its operands are at hand there)
CHEAP = ("add", "sub", "mul", "neg", "broadcast_to", "astype", "eq", "ne", "lt", "le", "gt", "ge",
         "where", "maximum", "minimum", "abs", "sign", "stop_gradient", "square", "gather")
# at most this many members in one group: its loop's innermost body holds about as many scalar
# statements, which no later pass can cut, and LLVM's time on one loop body grows faster than its
# size (a 1000-term expression fused whole took 805 s in LLVM; docs/performance.md, issue 14)
MAX_MEMBERS = 512
# nor members further apart than this in the stretch's program order (op positions): a group is
# placed after all its inputs are made, so one spanning a long stretch keeps every array it reads
# alive until then (the accumulation chain of an input's adjoint, `dw = dw + da_k * 0.5`, read in
# a quarter of a 1000-statement function: one loop reading 250 arrays at the end). Benchmark
# workloads' groups span at most 82 positions, the held-out programs' 1341.
MAX_SPAN = 1500


@dataclass
class Group:
    """One fused loop nest: iteration shape, members in emission order, and each member's kind
    ('elem': a value per element; 'vector': a SIMD transcendental; 'reduce': an accumulation)."""

    gid: int
    shape: tuple
    members: list = field(default_factory=list)
    kinds: dict = field(default_factory=dict)  # value id -> kind

    def reductions(self) -> list:
        return [op for op in self.members if self.kinds[op.out.id] == "reduce"]


def member_kind(fn: Function, op: Op, scatters: dict | None = None) -> tuple | None:
    """(kind, iteration shape) if `op` can be a member of a fused loop, else None. `scatters`:
    the np.add.at writes that may be members (passes/scatter.fusable_scatters), kind 'scatter'."""
    if not isinstance(op, Op) or len(op.outputs) != 1 or op.out.type is None:
        return None
    p, out = op.prim, op.out
    if p == "index_add":
        region = (scatters or {}).get(out.id)
        return None if region is None else ("scatter", region)

    def concrete(v) -> bool:
        a = fn.avals.get(v.id)
        return a is not None and all(d is not None for d in a.shape)

    if p in REDUCTIONS:
        x = op.inputs[0]
        if x.type is None or x.type.kind != "array" or not concrete(x) or not concrete(out):
            return None
        if PRIMITIVES[p].reduction.keep is not None and x.type.dtype not in _FLOATS:  # a NaN test: floats
            return None
        if out.type.kind not in ("array", "scalar"):
            return None
        return "reduce", tuple(fn.avals[x.id].shape)
    if out.type.kind != "array" or not concrete(out):
        return None
    if p == "outer":
        if any(i.type.rank != 1 for i in op.inputs) or any(i.type.dtype != out.type.dtype for i in op.inputs):
            return None
    elif p == "broadcast_to":
        pass
    elif p == "gather":  # x[idx] read where the loop reads it (codegen/loops.py): no gathered copy
        if op.inputs[0].type.kind != "array" or any(it[0] not in ("slice", "int", "array") for it in op.attrs["index"]):
            return None
    elif not PRIMITIVES[p].elementwise:
        return None
    if not all(concrete(i) for i in op.inputs if i.type is not None and i.type.kind == "array"):
        return None
    kind = "vector" if p in VECTOR_FUNCTIONS and out.type.dtype in _FLOATS else "elem"
    return kind, tuple(fn.avals[out.id].shape)


def fuse(fn: Function) -> Function:
    """A copy of `fn` with its fusion groups formed (see the module docstring)."""
    fn = views_into_gathers(fn)
    groups: dict[int, Group] = {}
    uses = use_counts(fn)
    avals = dict(fn.avals)
    row_adds = fusable_row_adds(fn)
    scatters = {**fusable_scatters(fn), **row_adds}
    ctx = {"groups": groups, "uses": uses, "avals": avals, "fn": fn, "scatters": scatters, "row_adds": row_adds}
    body = _fuse_block(ctx, fn.body)
    return dataclasses.replace(fn, body=body, groups=groups, avals=avals)


def fusable_row_adds(fn: Function) -> dict:
    """The in-place adds into a row or region of an array (`dW[l] += np.outer(dz, x)`,
    `db[l] += dz`, `dz[3 * H:] += dg`: index_add with int and slice items) that may be members of
    the loop computing their value, by result id, with the region's shape: each element is added
    where it is computed, so the value (an outer product, an elementwise chain) is never stored.
    Adds into slices of one array (the adjoint of a join or of gates cut from one product) chain:
    each one's base is the previous one's result, and one loop may hold them all
    (passes/unitgraph.py: additions commute).

    Only when the write happens in place (compiler/analysis.py's `inplace`: nothing reads the
    array as it was), its value is computed in the same block by an op that can be a loop member,
    of the region's static shape and the array's float dtype (passes/scatter._member_region), and
    no other op of the block reads the array's buffer but through the write's result (a read of
    an older version, or a view of one, could be moved past the write by fusion's reordering);
    another such add into the buffer reads it only as its base."""
    blocks = []

    def collect(block) -> None:
        if any(isinstance(n, Op) and n.prim == "index_add" and not is_advanced(n.attrs["index"]) for n in block.ops):
            blocks.append(block)
        for n in block.ops:
            for b in inner_blocks(n):
                collect(b)

    collect(fn.body)
    if not blocks:
        return {}
    an = Analysis(fn, lowered=True)
    out = {}
    for block in blocks:
        producer = {o.id: n for n in block.ops if isinstance(n, Op) for o in n.outputs}
        for k, w in enumerate(block.ops):
            if not (isinstance(w, Op) and w.prim == "index_add") or is_advanced(w.attrs["index"]):
                continue
            base, value = w.inputs[0], w.inputs[1]
            if w.out.id not in an.inplace or an.root.get(value.id, value.id) == an.root.get(base.id, base.id):
                continue  # (`dy[::-1] += dy`: the value is the buffer written)
            made = producer.get(w.inputs[1].id)
            kind = member_kind(fn, made) if made is not None else None
            if kind is None or kind[0] not in ("elem", "vector"):
                continue
            region = _member_region(fn, w)
            if region is not None and _reads_only_through(an, block.ops, k):
                out[w.out.id] = region
    return out


def _rows_after_values(ops: list, row_adds: dict) -> list:
    """`ops` with each row add of `row_adds` moved up to just after the last op computing one of
    its inputs, so an in-place write of another array between them (a barrier) does not keep it
    out of its value's loop. Legal: no op it moves past reads its array (_reads_only_through)."""
    if not any(isinstance(n, Op) and n.out.id in row_adds for n in ops):
        return ops
    out: list = []
    at: dict = {}  # value id -> position in out of the node defining it
    for node in ops:
        if isinstance(node, Op) and node.out.id in row_adds:
            k = max((at.get(i.id, -1) for i in node.inputs), default=-1) + 1
            out.insert(k, node)
            at = {o.id: n for n, m in enumerate(out) for o in getattr(m, "outputs", ())}
            continue
        out.append(node)
        for o in getattr(node, "outputs", ()):
            at[o.id] = len(out) - 1
    return out


def _reads_only_through(an: Analysis, ops: list, k: int) -> bool:
    """Whether no op of `ops` but the write ops[k] reads the buffer it writes, except through the
    write's result (its views and later in-place writes)."""
    w = ops[k]
    r = an.root.get(w.inputs[0].id, w.inputs[0].id)
    newer = {w.out.id}
    for n, node in enumerate(ops):
        if node is w or not isinstance(node, Op):
            continue
        if n > k and node.inputs and node.inputs[0].id in newer and (node.prim in VIEW_PRIMS or node.prim in WRITES):
            newer.update(o.id for o in node.outputs)
        if node.prim == "index_add" and not is_advanced(node.attrs["index"]) and node.out.id in an.inplace:
            ins = node.inputs[1:]  # another add into the buffer, in place: adds commute, only its value is read
        else:
            ins = node.inputs
        if any(an.root.get(i.id, i.id) == r and i.id not in newer for i in ins):
            return False
    return True


def _fuse_block(ctx: dict, block: Block) -> Block:
    out: list = []
    segment: list = []
    for node in _rows_after_values(block.ops, ctx["row_adds"]):
        if isinstance(node, Op) and (node.prim not in BARRIERS or node.out.id in ctx["scatters"]):
            segment.append(node)
            continue
        out.extend(_fuse_segment(ctx, segment))
        segment = []
        out.append(_copy_control(ctx, node))
    out.extend(_fuse_segment(ctx, segment))
    return Block(out)


def _copy_control(ctx: dict, node):
    if isinstance(node, Op):
        return node
    if isinstance(node, If):
        return dataclasses.replace(node, then_block=_fuse_block(ctx, node.then_block),
                                   else_block=_fuse_block(ctx, node.else_block))
    if isinstance(node, For):
        return dataclasses.replace(node, body=_fuse_block(ctx, node.body))
    if isinstance(node, While):
        return dataclasses.replace(node, cond_block=_fuse_block(ctx, node.cond_block),
                                   body=_fuse_block(ctx, node.body))
    assert not inner_blocks(node)
    return node


def _fuse_segment(ctx: dict, ops: list) -> list:
    """Group a stretch of barrier-free ops, then order it so every group is contiguous.

    1. Consumers first (reverse order): an op joins the group of its users when all of them are
       in one group of its shape (nothing new is stored). A cheap op read by several groups, whose
       operands come from outside them, is copied into each (recomputed, never stored).
    2. Groups of one shape are merged, producer into consumer first, then siblings, whenever that
       keeps the order acyclic: a value flowing between them stops being stored, and arrays both
       read are read once.

    (Over 80 lines: the two phases share the group tables and the acyclicity check's state.)"""
    if not ops:
        return []
    fn, groups, uses = ctx["fn"], ctx["groups"], ctx["uses"]
    ops = _shapes_from_operands(fn, list(ops), uses)
    kinds = [member_kind(fn, op, ctx["scatters"]) for op in ops]
    where = {o.id: n for n, op in enumerate(ops) for o in op.outputs}
    users: dict[int, list] = {}
    for n, op in enumerate(ops):
        for i in op.inputs:
            if i.id in where:
                users.setdefault(i.id, []).append(n)
    group_of: dict[int, Group] = {}  # op index -> group
    new_groups: list[Group] = []
    order_key = {id(op): float(n) for n, op in enumerate(ops)}  # program order; copies just before their users
    retired: list = []
    lowest: dict = {}  # id(group) -> the first place in ops of its members
    top: dict = {}  # id(group) -> its last member's order key (the op that made it: consumers come first)

    def new_group(n: int) -> Group:
        g = Group(-1, kinds[n][1])  # numbered once merged
        new_groups.append(g)
        return g

    for n in reversed(range(len(ops))):
        if kinds[n] is None:
            continue
        kind, shape = kinds[n]
        v = ops[n].out
        us = users.get(v.id, [])
        outside = uses.get(v.id, 0) > len(us)
        targets = {id(group_of.get(u)): group_of.get(u) for u in us}
        target = None
        if any(v not in elementwise_operands(ops[u]) for u in us):
            pass  # a gather (np.add.at) reads (writes) where its indices point: arrays, never loop members
        elif kind not in ("reduce", "scatter") and not outside and us and len(targets) == 1:
            g = next(iter(targets.values()))
            if (g is not None and g.shape == shape and len(g.members) < MAX_MEMBERS
                    and top[id(g)] - order_key[id(ops[n])] <= MAX_SPAN):
                target = g
        elif (kind == "elem" and ops[n].prim in CHEAP and not outside and len(us) > 1 and None not in targets.values()
              and all(g.shape == shape and len(g.members) < MAX_MEMBERS for g in targets.values())
              and not any(i.id in where and kinds[where[i.id]] is not None for i in ops[n].inputs)):
            # recompute in each consumer group: copies for all but the first
            first, *rest = sorted(targets.values(), key=lambda g: lowest[id(g)])
            for g in rest:
                copy_v = Value(v.hint, v.type)
                ctx["avals"][copy_v.id] = ctx["avals"][v.id]
                copy_op = dataclasses.replace(ops[n], outputs=[copy_v])
                for u in us:
                    if group_of.get(u) is g:
                        user = ops[u]
                        replaced = dataclasses.replace(user, inputs=[copy_v if i is v else i for i in user.inputs])
                        order_key[id(replaced)] = order_key[id(user)]
                        retired.append(user)  # kept alive: order_key is keyed by id()
                        g.members[g.members.index(user)] = replaced
                        ops[u] = replaced
                        g.kinds[copy_v.id] = kind
                ops.append(copy_op)
                order_key[id(copy_op)] = min(order_key[id(ops[u])] for u in us if group_of.get(u) is g) - 0.5
                kinds.append((kind, shape))
                where[copy_v.id] = len(ops) - 1
                group_of[len(ops) - 1] = g
                g.members.append(copy_op)
                g.kinds[copy_v.id] = kind
                lowest[id(g)] = min(lowest[id(g)], len(ops) - 1)
            target = first
        if target is None:
            target = new_group(n)
            top[id(target)] = order_key[id(ops[n])]
        target.members.append(ops[n])
        target.kinds[v.id] = kind
        group_of[n] = target
        lowest[id(target)] = min(lowest.get(id(target), n), n)

    for g in new_groups:
        g.members.sort(key=lambda op: order_key[id(op)])
    merge_groups(ops, group_of, new_groups, order_key, _chain(ops), MAX_MEMBERS, MAX_SPAN)  # passes/unitgraph.py
    ops = rematerialize(ctx, ops, group_of, new_groups, order_key, retired, MAX_MEMBERS)  # passes/remat.py
    unit_of = {}
    live = [g for g in new_groups if g.members]
    live.sort(key=lambda g: order_key[id(g.members[0])])
    for g in live:
        g.gid = len(groups)
        groups[g.gid] = g
    for n in range(len(ops)):
        g = group_of.get(n)
        unit_of[n] = g.gid if g is not None else -1 - n
    return _schedule(ops, unit_of, groups, order_key)


def _shapes_from_operands(fn: Function, ops: list, uses: dict) -> list:
    """`shape(v)` of an elementwise result reads the shape of an operand with the same shape
    instead, so v need not be stored just to be measured."""
    producer = {o.id: op for op in ops for o in op.outputs}
    out = []
    for op in ops:
        if op.prim == "shape" and op.inputs[0].id in producer:
            v = op.inputs[0]
            shape = fn.avals[v.id].shape
            while v.id in producer and PRIMITIVES[producer[v.id].prim].elementwise:
                same = [i for i in producer[v.id].inputs if i.type is not None and i.type.kind == "array"
                        and fn.avals[i.id].shape == shape]
                if not same:
                    break
                v = same[0]
            if v is not op.inputs[0]:
                uses[op.inputs[0].id] -= 1
                uses[v.id] = uses.get(v.id, 0) + 1
                op = dataclasses.replace(op, inputs=[v])
        out.append(op)
    return out


def _chain(ops: list) -> list:
    """(earlier, later) index pairs that keep the tape pushes and pops of a stretch in order."""
    idx = [n for n, op in enumerate(ops) if op.prim in ORDERED]
    return list(zip(idx, idx[1:]))


def _schedule(ops: list, unit_of: dict, groups: dict, order_key: dict) -> list:
    """Topological order of the units (groups and lone ops), earliest original position first."""
    members: dict[int, list] = {}
    for n, op in enumerate(ops):
        members.setdefault(unit_of[n], []).append(n)
    producer_unit = {o.id: unit_of[n] for n, op in enumerate(ops) for o in op.outputs}
    deps: dict[int, set] = {u: set() for u in members}
    users: dict[int, set] = {u: set() for u in members}
    for n, op in enumerate(ops):
        u = unit_of[n]
        for i in op.inputs:
            d = producer_unit.get(i.id)
            if d is not None and d != u:
                deps[u].add(d)
                users[d].add(u)
    for a, b in _chain(ops):
        deps[unit_of[b]].add(unit_of[a])
        users[unit_of[a]].add(unit_of[b])
    waiting = {u: len(d) for u, d in deps.items()}
    first = {u: min(order_key[id(ops[n])] for n in ns) for u, ns in members.items()}
    ready = [(first[u], u) for u, c in waiting.items() if c == 0]
    heapq.heapify(ready)
    order: list = []
    while ready:
        _, u = heapq.heappop(ready)
        ms = [ops[n] for n in members[u]]
        if u >= 0:
            g = groups[u]
            tagged = []
            for op in g.members:  # already in dependence order
                new = dataclasses.replace(op, attrs={**op.attrs, "group": u})
                tagged.append(new)
            g.members = tagged
            order.extend(tagged)
        else:
            order.extend(ms)
        for w in users[u]:
            waiting[w] -= 1
            if waiting[w] == 0:
                heapq.heappush(ready, (first[w], w))
    if len(order) != len(ops):
        raise AssertionError("fusion produced a cyclic schedule")
    return order
