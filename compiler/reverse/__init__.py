"""Reverse mode on the IR: activity analysis, then an adjoint sweep that walks the primal program
backwards, applies each primitive's VJP rule and accumulates adjoints (`d<name>`).

Control flow: a branch is reversed by branching on the same condition; a loop by a loop running
backwards over the same iterations. Values the reverse sweep needs that live in a nested block
(a loop body, a branch) are recorded on a tape: a stack per value, pushed right after the value is
computed in the forward sweep and popped when the reverse sweep enters the matching block, so
only what the adjoint reads is kept (to-be-recorded analysis by demand). Loops carry their
adjoints backwards; values read inside a loop accumulate their adjoints across iterations.
"""
from .sweep import adjoint_name, unbroadcast, value_and_grad, vjp
from .control import clone_block

__all__ = ["adjoint_name", "clone_block", "unbroadcast", "value_and_grad", "vjp"]
