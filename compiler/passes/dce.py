"""Dead-code elimination: drop ops (and whole branches or loops) whose outputs nothing uses."""
from __future__ import annotations

from ..ir import Block, Function, If, Op, While, block_yields, inner_blocks, node_inputs, walk
from ..primitives import SIDE_EFFECTS


def _sweep(block: Block, live: set) -> None:
    """Keep the nodes of `block` that produce something in `live`; adds what they read to `live`."""
    kept = []
    for node in reversed(block.ops):
        effect = _has_effects(node)
        if not effect and not any(o.id in live for o in node.outputs):
            continue
        kept.append(node)
        if isinstance(node, Op):
            live.update(i.id for i in node.inputs)
            continue
        live.update(v.id for v in node_inputs(node))
        if isinstance(node, If):
            for b, ys in block_yields(node):
                live.update(y.id for y in ys)
                _sweep(b, live)
        else:  # a loop keeps all its carried values: the body must compute every yield each time
            body_live = {y.id for y in node.body_yield}
            if isinstance(node, While):
                body_live.add(node.cond.id)
            changed = True
            while changed:  # values read inside the loop stay live around it
                before = len(body_live)
                body_live |= live
                trial = set(body_live)
                if isinstance(node, While):
                    _sweep(_copy(node.cond_block), trial)
                _sweep(_copy(node.body), trial)
                body_live |= trial
                changed = len(body_live) != before
            if isinstance(node, While):
                _sweep(node.cond_block, body_live)
            _sweep(node.body, body_live)
            live |= body_live
    block.ops = list(reversed(kept))


def _has_effects(node) -> bool:
    if isinstance(node, Op):
        return node.prim in SIDE_EFFECTS
    return any(isinstance(n, Op) and n.prim in SIDE_EFFECTS for b in inner_blocks(node) for n in walk(b))


def _copy(block: Block) -> Block:
    return Block(list(block.ops))


def eliminate_dead_code(fn: Function) -> Function:
    """Also drops recordings nobody reads: a tape whose popped value is dead loses its push too."""
    while True:
        live = {r.id for r in fn.results}
        _sweep(fn.body, live)
        popped = {n.attrs["tape"] for n in walk(fn.body) if isinstance(n, Op) and n.prim == "tape_pop"}
        dead_pops = {n.attrs["tape"] for n in walk(fn.body)
                     if isinstance(n, Op) and n.prim == "tape_pop" and n.out.id not in live}
        pushed = {n.attrs["tape"] for n in walk(fn.body) if isinstance(n, Op) and n.prim == "tape_push"}
        unused = dead_pops | (pushed - popped)
        if not unused:
            return fn
        _drop_tapes(fn.body, unused)


def _drop_tapes(block: Block, tapes: set) -> None:
    block.ops = [n for n in block.ops if not (isinstance(n, Op) and n.prim in ("tape_push", "tape_pop")
                                              and n.attrs["tape"] in tapes)]
    for n in block.ops:
        for b in inner_blocks(n):
            _drop_tapes(b, tapes)
