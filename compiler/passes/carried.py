"""Loop-carried values nothing reads: dead-code elimination keeps every carried value of a loop
(passes/dce.py: the body computes each yield every iteration), so a carried value whose result
after the loop is never read, and which inside the loop feeds only its own next value, still
costs its whole chain each iteration. batching.batch_tangents makes such chains when a Hessian's
batched code does not compute the value's tangent (its `unread` results; adjit/batched.py runs this
pass on what it returns) (a sum of per-tangent row sums carried through
the loop: `s_dot` of `s = s + np.sum(h * h)`); `drop_unread_carried` removes them.

A slot i of a loop is dropped when its output is read nowhere in the function and its carried
value is not live in the loop's blocks once slot i's own yield is not a root: the other yields,
a while's condition and every op with an effect (tape pushes) are. Liveness is conservative: a
nested branch or loop that is live, or has an effect, reads everything its blocks read."""
from __future__ import annotations

from ..ir import For, Function, Op, While, block_yields, inner_blocks, node_inputs, walk
from ..primitives import SIDE_EFFECTS
from .dce import eliminate_dead_code


def _reads(node) -> set:
    """Every value id a node reads, its nested blocks and their yields included."""
    out = {v.id for v in node_inputs(node)}
    for b, ys in block_yields(node):
        out.update(y.id for y in ys)
        for n in walk(b):
            out.update(v.id for v in node_inputs(n))
            for _, inner in block_yields(n):
                out.update(y.id for y in inner)
    return out


def _effect(node) -> bool:
    if isinstance(node, Op):
        return node.prim in SIDE_EFFECTS
    return any(isinstance(n, Op) and n.prim in SIDE_EFFECTS for b in inner_blocks(node) for n in walk(b))


def _live_in(block, roots: set) -> set:
    live = set(roots)
    for node in reversed(block.ops):
        if _effect(node) or any(o.id in live for o in node.outputs):
            live |= _reads(node)
    return live


def _prune(loop, read_anywhere: set) -> bool:
    n = len(loop.carried)
    dead = {i for i in range(n) if loop.outputs[i].id not in read_anywhere}
    while dead:
        roots = {loop.body_yield[i].id for i in range(n) if i not in dead}
        live = _live_in(loop.body, roots)
        if isinstance(loop, While):
            live |= _live_in(loop.cond_block, {loop.cond.id} | live)
        kept = {i for i in dead if loop.carried[i].id in live}
        if not kept:
            break
        dead -= kept
    if not dead:
        return False
    keep = [i for i in range(n) if i not in dead]
    for name in ("init", "carried", "body_yield", "outputs"):
        setattr(loop, name, [getattr(loop, name)[i] for i in keep])
    return True


def drop_unread_carried(fn: Function) -> Function:
    """fn with the unread carried slots of its loops (at any depth) removed, in place, then the
    code only they read dropped (passes/dce.py)."""
    fn = eliminate_dead_code(fn)  # what reads a loop's result only to make a dead value is gone first
    changed = True
    while changed:
        changed = False
        read_anywhere = {r.id for r in fn.results}
        for node in walk(fn.body):
            read_anywhere |= _reads(node)
        for node in list(walk(fn.body)):
            if isinstance(node, (For, While)) and _prune(node, read_anywhere):
                changed = True
                break  # the reads changed: recompute them
        if changed:
            fn = eliminate_dead_code(fn)
    return fn
