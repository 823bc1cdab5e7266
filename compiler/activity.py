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
    active = varied & useful
    _check_tuples(fn, active)
    return active


def _check_tuples(fn: Function, active: set) -> None:
    """A tuple value carries no derivative: a differentiated value packed into one and read back
    (a tuple carried around a loop, say) would get a zero gradient without a word. Refuse it where
    the tuple is built. (A helper's `return a, b` and tuple literals stay Python tuples in the
    frontend; the function's own results are not read back.)"""
    from .errors import UnsupportedSyntaxError

    results = {r.id for r in fn.results}
    read: set = set()  # values read back by a node other than a tuple (has_aux's split tuples are dead)
    packed: dict = {}  # value id -> the tuples it is packed into
    for node in walk(fn.body):
        if isinstance(node, Op) and node.prim == "tuple":
            for v in node.inputs:
                packed.setdefault(v.id, []).append(node.out.id)
        elif isinstance(node, Op):
            read.update(v.id for v in node.inputs)
        elif isinstance(node, If):
            read.update(v.id for v in (node.cond, *node.then_yield, *node.else_yield))
        else:
            read.update(v.id for v in (*node.init, *node.body_yield))
    changed = True
    while changed:  # a tuple inside a tuple that is read back is read back too
        changed = False
        for vid, outers in packed.items():
            if vid not in read and any(o in read for o in outers):
                read.add(vid)
                changed = True
    for node in walk(fn.body):
        if isinstance(node, Op) and node.prim == "tuple" and node.out.id not in results \
                and node.out.id in read and any(v.id in active for v in node.inputs):
            raise UnsupportedSyntaxError(
                "a value being differentiated is packed into a tuple that is then read back (a tuple carried "
                "around a loop or merged after an `if`): adjit cannot differentiate through the tuple", node.loc,
                hint="carry or merge the items as separate names: a, b = ..., not t = (a, b)")
