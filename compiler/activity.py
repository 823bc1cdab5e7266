"""Activity analysis: which values depend on the differentiated inputs (varied) and which reach
the result (useful); only values that are both get derivatives."""
from __future__ import annotations

from .ir import Function, If, Op, walk
from .primitives import PRIMITIVES


def varied_values(fn: Function, seeds: set) -> set[int]:
    """Ids of float values that depend on the seed values (through branches and loops too)."""
    varied = set(seeds)
    varied_tapes: set = set()
    nodes = list(walk(fn.body))
    changed = True
    while changed:
        before = len(varied)
        for node in nodes:
            if isinstance(node, Op):
                p = PRIMITIVES[node.prim]
                if node.prim == "tape_push" and node.inputs[0].id in varied:
                    varied_tapes.add(node.attrs["tape"])
                elif node.prim == "tape_pop" and node.attrs["tape"] in varied_tapes and node.out.type.is_float:
                    varied.add(node.out.id)  # a value popped off a tape varies when the pushed one does
                elif p.differentiable and any(v.id in varied for k, v in enumerate(node.inputs)
                                              if k not in p.nondiff_inputs):
                    varied.update(o.id for o in node.outputs if o.type.is_float)
            elif isinstance(node, If):
                for o, a, b in zip(node.outputs, node.then_yield, node.else_yield):
                    if (a.id in varied or b.id in varied) and o.type.is_float:
                        varied.add(o.id)
            else:
                for c, i, y, o in zip(node.carried, node.init, node.body_yield, node.outputs):
                    if (i.id in varied or y.id in varied) and c.type.is_float:
                        varied.update((c.id, o.id))
        changed = len(varied) != before
    return varied


def activity(fn: Function, wrt: list[int]) -> set[int]:
    """Ids of values that depend on a `wrt` parameter AND reach the result: only they get adjoints."""
    varied = varied_values(fn, {fn.params[k].id for k in wrt})
    nodes = list(walk(fn.body))
    useful = {r.id for r in fn.results}
    changed = True
    while changed:
        before = len(useful)
        for node in reversed(nodes):
            if isinstance(node, Op):
                if any(o.id in useful for o in node.outputs):
                    useful.update(i.id for i in node.inputs)
            elif isinstance(node, If):
                for o, a, b in zip(node.outputs, node.then_yield, node.else_yield):
                    if o.id in useful:
                        useful.update((a.id, b.id))
            else:
                for c, i, y, o in zip(node.carried, node.init, node.body_yield, node.outputs):
                    if o.id in useful or c.id in useful:
                        useful.update((c.id, i.id, y.id, o.id))
        changed = len(useful) != before
    return varied & useful
