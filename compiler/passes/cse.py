"""Common-subexpression elimination: one op per (primitive, inputs, attributes); all ops are pure."""
from __future__ import annotations

from ..ir import Block, Function
from .rewrite import substitute


def eliminate_common_subexpressions(fn: Function) -> Function:
    seen: dict = {}
    replace: dict = {}
    kept = []
    for op in fn.ops():
        op.inputs = [replace.get(i.id, i) for i in op.inputs]
        key = (op.prim, tuple(i.id for i in op.inputs), repr(sorted(op.attrs.items())), op.out.type)
        if op.prim == "const":
            key += (type(op.attrs["value"]).__name__,)
        first = seen.get(key)
        if first is not None and len(op.outputs) == 1:
            replace[op.out.id] = first.out
            if first.out.hint is None:
                first.out.hint = op.out.hint
            continue
        seen[key] = op
        kept.append(op)
    fn.body = Block(kept)
    return substitute(fn, replace)
