"""Dead-code elimination: drop ops whose outputs nothing uses."""
from __future__ import annotations

from ..ir import Block, Function


def eliminate_dead_code(fn: Function) -> Function:
    live = {r.id for r in fn.results}
    kept = []
    for op in reversed(list(fn.ops())):
        if any(o.id in live for o in op.outputs):
            kept.append(op)
            live.update(i.id for i in op.inputs)
    fn.body = Block(list(reversed(kept)))
    return fn
