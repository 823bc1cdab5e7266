"""A custom_vjp rule is the derivative of the code it is called in, once: the gradient reverse mode
makes keeps `custom_vjp_call` markers in its forward sweep (identities on the fwd's output), and a
transformation of that gradient (grad of grad, a gradient called inside a differentiated function,
forward over reverse: hvp, hessian, jvp(grad), jacfwd(jacrev)) must differentiate fwd's and bwd's
code as ordinary code, as JAX does. Applying the rule again there gave a wrong second derivative
wherever bwd is not the derivative of fwd's code (a clipped or straight-through gradient), and made
forward over reverse a located error. `spend(fn)` drops the markers: each one's value is its input
0, the fwd's output."""
from __future__ import annotations

from ..ir import Function, Op, inner_blocks
from .rewrite import substitute


def spend(fn: Function) -> Function:
    replace: dict = {}

    def drop(block) -> None:
        kept = []
        for node in block.ops:
            if isinstance(node, Op) and node.prim == "custom_vjp_call":
                replace[node.out.id] = node.inputs[0]
                continue
            for b in inner_blocks(node):
                drop(b)
            kept.append(node)
        block.ops = kept

    drop(fn.body)
    return substitute(fn, replace)
