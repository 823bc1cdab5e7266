"""The pass pipeline run on every generated function, with the IR verifier after each pass."""
from __future__ import annotations

from ..ir import Function, verify
from .cse import eliminate_common_subexpressions
from .dce import eliminate_dead_code
from .simplify import simplify

PIPELINE = (simplify, eliminate_common_subexpressions, simplify, eliminate_dead_code)


def optimize(fn: Function) -> Function:
    verify(fn)
    for p in PIPELINE:
        fn = verify(p(fn))
    return fn
