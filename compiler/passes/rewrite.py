"""Helpers shared by the passes: substituting values throughout a function, nested blocks included."""
from __future__ import annotations

from ..ir import Block, For, Function, If, Op, While, block_yields, inner_blocks, node_inputs, walk


def resolve(v, replace: dict):
    while v.id in replace:
        v = replace[v.id]
    return v


def substitute_node(node, replace: dict) -> None:
    """Point a node's inputs and yields at replacements (not its nested blocks' ops)."""
    r = lambda v: resolve(v, replace)  # noqa: E731
    if isinstance(node, Op):
        node.inputs = [r(i) for i in node.inputs]
    elif isinstance(node, If):
        node.cond = r(node.cond)
        node.then_yield = [r(y) for y in node.then_yield]
        node.else_yield = [r(y) for y in node.else_yield]
    elif isinstance(node, For):
        node.start, node.stop, node.step = r(node.start), r(node.stop), r(node.step)
        node.init = [r(i) for i in node.init]
        node.body_yield = [r(y) for y in node.body_yield]
    elif isinstance(node, While):
        node.init = [r(i) for i in node.init]
        node.cond = r(node.cond)
        node.body_yield = [r(y) for y in node.body_yield]


def substitute_block(block: Block, replace: dict) -> None:
    for node in block.ops:
        substitute_node(node, replace)
        for b in inner_blocks(node):
            substitute_block(b, replace)


def substitute(fn: Function, replace: dict) -> Function:
    """Replace uses of values (by id) with other values, in every block and in the results."""
    if not replace:
        return fn
    substitute_block(fn.body, replace)
    fn.results = [resolve(r, replace) for r in fn.results]
    return fn


def use_counts(fn: Function) -> dict:
    """How many times each value (by id) is read: by nodes, block yields and the results."""
    uses: dict[int, int] = {}
    for node in walk(fn.body):
        for v in node_inputs(node):
            uses[v.id] = uses.get(v.id, 0) + 1
        for _, ys in block_yields(node):
            for y in ys:
                uses[y.id] = uses.get(y.id, 0) + 1
    for r in fn.results:
        uses[r.id] = uses.get(r.id, 0) + 1
    return uses
