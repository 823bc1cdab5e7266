"""Common-subexpression elimination: one op per (primitive, inputs, attributes); all ops are pure.
Values of an enclosing block are reused inside nested blocks, never the other way round."""
from __future__ import annotations

from ..ir import Block, Function, Op, inner_blocks
from ..primitives import IMPURE as _IMPURE  # writes and tape ops (their rows' `effect`): never merged
from .rewrite import substitute, substitute_node


def _cse(block: Block, seen: dict, replace: dict) -> None:
    kept = []
    for node in block.ops:
        substitute_node(node, replace)
        if isinstance(node, Op) and len(node.outputs) == 1 and node.prim not in _IMPURE:
            key = (node.prim, tuple(i.id for i in node.inputs), repr(sorted(node.attrs.items())), node.out.type)
            if node.prim == "const":
                key += (type(node.attrs["value"]).__name__,)
            first = seen.get(key)
            if first is not None:
                replace[node.out.id] = first.out
                if first.out.hint is None:
                    first.out.hint = node.out.hint
                continue
            seen[key] = node
        for b in inner_blocks(node):
            _cse(b, dict(seen), replace)
        substitute_node(node, replace)
        kept.append(node)
    block.ops = kept


def eliminate_common_subexpressions(fn: Function) -> Function:
    replace: dict = {}
    _cse(fn.body, {}, replace)
    return substitute(fn, replace)
