"""Helpers shared by the passes: substituting values throughout a function."""
from __future__ import annotations

from ..ir import Function


def substitute(fn: Function, replace: dict) -> Function:
    """Replace uses of values (by id) with other values, in ops and results."""
    if not replace:
        return fn

    def resolve(v):
        while v.id in replace:
            v = replace[v.id]
        return v

    for op in fn.ops():
        op.inputs = [resolve(i) for i in op.inputs]
    fn.results = [resolve(r) for r in fn.results]
    return fn
