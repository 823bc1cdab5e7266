"""A cotangent accumulated item by item in a loop keeps its zeros through a product after the loop.

The reverse sweep of a loop that reads `l[i]` (under an `if`, `a if c else b`, or only for some i)
accumulates l's cotangent by index into zeros: `dl = zeros; for ...: dl[i] += g`, and after the
loop applies l's derivative, `dl / x` for `l = np.log(x)`. Where the loop never wrote, dl is an
exact zero, and 0 * inf is nan where the derivative is 0 (docs/guide.md, "Derivatives at kinks").
`distribute` (a simplify rule for mul and div in derivative code) moves the loop-invariant factor
into the accumulation, `dl[i] += g / x[i]`, so the places never written stay 0; a place written
with a computed zero still meets the inf (nan, never a silent 0), as simplify._masked_region does
for slices. It applies to a For or While result carried from zeros that the loop only updates by
basic index_adds (through ifs and nested loops), read once, by this product.

`covers_all` tells simplify._masked_region where its rule cannot matter: index_adds into zeros whose
regions, known when compiled, cover the whole array leave no place at zero (`Xcam[:, :2]` and
`Xcam[:, 2:3]` of a (n, 3) array), so the product stays one elementwise op over the array."""
from __future__ import annotations

import math

import numpy as np

from ..ir import Block, For, If, Op, Value, While
from ..primitives import PRIMITIVES

_COVER_CELLS = 1 << 16  # the largest mask (axes not wholly written by every region) covers_all builds


def covers_all(s, v: Value) -> bool:
    """Whether v, zeros with index_adds into it (basic indices), has every place written by one of
    them: its shape and every region known when compiled. False when unknown."""
    from ..primitives.arrays import is_advanced

    shape = tuple(s.avals[v.id].shape)
    if None in shape:
        return False
    regions = []
    while s.made_by(v, "zeros_like") is None and s.made_by(v, "zeros") is None:
        ia = s.made_by(v, "index_add")
        if ia is None or is_advanced(ia.attrs["index"]) or len(regions) > 8:
            return False
        ints = [s.avals[i.id].value for i in ia.inputs[2:]]
        axes = []
        for it in ia.attrs["index"]:  # positions count from the index_add's inputs: ints[k - 2]
            if it[0] == "none":
                continue
            if len(axes) >= len(shape):
                return False
            d = shape[len(axes)]
            vals = [None if k is None else ints[k - 2] for k in it[1:]]
            if any(k is not None and (not isinstance(x, (int, np.integer)) or isinstance(x, bool)) for k, x in zip(it[1:], vals)):
                return False
            if it[0] == "int":
                if not -d <= vals[0] < d:
                    return False
                axes.append(range(vals[0] % d, vals[0] % d + 1))
            elif it[0] == "slice" and vals[2] != 0:
                axes.append(range(*slice(*vals).indices(d)))
            else:
                return False
        regions.append(axes + [range(d) for d in shape[len(axes):]])
        v = ia.inputs[0]
    if not regions:
        return math.prod(shape) == 0
    partial = [a for a in range(len(shape)) if any(len(r[a]) != shape[a] for r in regions)]
    if math.prod(shape[a] for a in partial) > _COVER_CELLS:
        return False
    mask = np.zeros([shape[a] for a in partial], dtype=bool)
    for r in regions:
        mask[np.ix_(*[np.asarray(r[a], dtype=np.intp) for a in partial])] = True
    return bool(mask.all())


def _accumulator(node, j: int) -> list | None:
    """The index_adds (with their blocks) that update carried value j of the loop `node`, when they
    are all its body does with it (the chain: carried -> index_add -> ... -> yield, through ifs);
    None otherwise."""
    from ..primitives.arrays import is_advanced

    chain = {node.carried[j].id}
    found: list = []

    def visit(block: Block) -> bool:
        for op in block.ops:
            if isinstance(op, Op):
                ins = [v.id in chain for v in op.inputs]
                if not any(ins):
                    continue
                if op.prim != "index_add" or ins[1:] != [False] * (len(ins) - 1) or is_advanced(op.attrs["index"]):
                    return False
                chain.add(op.out.id)
                found.append((block, op))
            elif isinstance(op, If):
                if op.cond.id in chain or not (visit(op.then_block) and visit(op.else_block)):
                    return False
                for k, (a, b) in enumerate(zip(op.then_yield, op.else_yield)):
                    if (a.id in chain) != (b.id in chain):
                        return False
                    if a.id in chain:
                        chain.add(op.outputs[k].id)
            else:  # a nested loop: it may carry the accumulator (from its init), updating it the same way
                if isinstance(op, For) and any(v.id in chain for v in (op.start, op.stop, op.step)):
                    return False
                if any(v.id in chain for b in ([op.body] + ([op.cond_block] if isinstance(op, While) else []))
                       for v in _reads(b)):
                    return False
                for jj, v in enumerate(op.init):
                    if v.id in chain:
                        inner = _accumulator(op, jj)
                        if inner is None:
                            return False
                        found.extend(inner)
                        chain.add(op.outputs[jj].id)
        return True

    if isinstance(node, While) and any(v.id in chain for v in _reads(node.cond_block)):
        return None
    if not visit(node.body) or node.body_yield[j].id not in chain:
        return None
    if any(v.id in chain for k, v in enumerate(node.body_yield) if k != j):
        return None
    return found


def _reads(block: Block) -> list:
    from ..ir import block_yields, node_inputs, walk

    out = []
    for n in walk(block):
        out += node_inputs(n)
        for _, ys in block_yields(n):
            out += ys
    return out


def _defined_in(block: Block) -> set:
    from ..ir import walk

    out = set()
    for n in walk(block):
        out |= {v.id for v in n.outputs}
        if isinstance(n, For):
            out.add(n.index.id)
        if isinstance(n, (For, While)):
            out |= {v.id for v in n.carried}
    return out


def _before(s, node, d: Value) -> bool:
    """Whether d is defined before the loop `node`, moving the pure ops after it that compute d from
    values defined before it (the derivative's factor `0.5 / r` of np.sqrt, made after the reverse
    loop) to just before it. False, moving nothing, when that cannot be done."""
    at = next(i for i, x in enumerate(s.kept) if x is node)
    after = s.kept[at + 1:]
    made = {o.id: op for op in after if isinstance(op, Op) for o in op.outputs}
    if d.id in _defined_in(node.body) or any(d.id == o.id for o in node.outputs):
        return False
    if d.id not in made:
        return not any(d.id in _defined_in(Block([n])) for n in after)
    inside = _defined_in(Block([node])) | {o.id for o in node.outputs}  # the loop's own values and results
    need, order, stack = set(), [], [d]
    while stack:
        v = stack.pop()
        if v.id in inside:  # d computed from what the loop makes: it cannot move before it
            return False
        op = made.get(v.id)
        if op is None:
            if any(v.id in _defined_in(Block([n])) for n in after):  # a control node's result after the loop
                return False
            continue
        if id(op) in need:
            continue
        if PRIMITIVES[op.prim].effect is not None or len(need) > 8:
            return False
        need.add(id(op))
        stack.extend(op.inputs)
    moved = [op for op in after if id(op) in need]  # in their order
    s.kept[:] = s.kept[:at] + moved + [node] + [op for op in after if id(op) not in need]
    return True


def distribute(s, NOT_MINE):
    """loop-result * d (d * ..., ... / d) -> the loop with `g * d[I]` accumulated instead of `g`."""
    from ..primitives.arrays import _shift

    op = s.op
    if op.role == "primal":
        return NOT_MINE
    for k in ((0, 1) if op.prim == "mul" else (0,)):
        v, d = op.inputs[k], op.inputs[1 - k]
        if s.uses.get(v.id, 0) != 1 or v.type != op.out.type or v.type.kind != "array":
            continue
        if v.id in s.producer:  # an op's result, not a loop's (the scan below is per op: keep it rare)
            continue
        node = next((n for n in reversed(s.kept) if isinstance(n, (For, While)) and any(o is v for o in n.outputs)), None)
        if node is None:
            continue
        j = next(i for i, o in enumerate(node.outputs) if o is v)
        init = s.producer.get(node.init[j].id)
        if init is None or init.prim not in ("zeros_like", "zeros"):
            continue
        shape = tuple(s.avals[v.id].shape)
        if d.type.kind == "array" and (d.type != v.type or tuple(s.avals[d.id].shape) != shape or None in shape):
            continue
        adds = _accumulator(node, j)
        if not adds or not _before(s, node, d):  # d defined before the loop (loop-invariant, in scope there)
            continue
        plans = []
        for block, add in adds:  # check every one first: all or none are changed
            ints, index = list(add.inputs[2:]), _shift(add.attrs["index"], -1)
            try:
                region = PRIMITIVES["getitem"].abstract(s.avals[d.id], *[s.avals[i.id] for i in ints], index=index) \
                    if d.type.kind == "array" and index else s.avals[d.id]
                ins = [s.avals[add.inputs[1].id], region] if k == 0 else [region, s.avals[add.inputs[1].id]]
                prod = PRIMITIVES[op.prim].abstract(*ins)
                PRIMITIVES["index_add"].abstract(s.avals[add.inputs[0].id], prod, *[s.avals[i.id] for i in ints],
                                                 index=add.attrs["index"])
            except Exception:  # noqa: BLE001 - a combination a row refuses: leave the program as it is
                break
            plans.append((block, add, ints, index, region, prod))
        else:
            for block, add, ints, index, region, prod in plans:
                new = []
                r = d
                if d.type.kind == "array" and index:  # (an empty index: all of d)
                    r = Value(None, region.type)
                    s.avals[r.id] = region
                    new.append(Op("getitem", [d] + ints, [r], {"index": index}, add.loc, add.role))
                g = add.inputs[1]
                p = Value(None, prod.type)
                s.avals[p.id] = prod
                new.append(Op(op.prim, [g, r] if k == 0 else [r, g], [p], {}, add.loc, add.role))
                at = next(i for i, o in enumerate(block.ops) if o is add)
                block.ops[at:at] = new
                add.inputs[1] = p
            return v
    return NOT_MINE
