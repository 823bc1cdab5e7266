"""Workspace planning: which of the planned loop nests' new arrays (passes/loopnest.py: storage
'array' and 'full') come from the call's workspace and which are new arrays (`nest.alloc`).

The workspace is a byte buffer the caller keeps between calls (compiler/jit/workspace.py; the
generated code carves arrays from it with runtime/alloc.take), so large temporaries do not fault in
fresh pages on every call (2x at 10^7 elements). An array may come from it only when it cannot
outlive the call: no result of the function lives in its buffer, directly, through a view or an
in-place write (compiler/analysis.py's `root`), or through an output that took its buffer over
(storage 'reuse'). A function with control flow takes none (liveness is not tracked around loops
and branches). A function whose nests take nothing from the workspace has no workspace parameters.

A matrix product's result (`matmul` of operands of at most 2 dimensions, not a number) is such a
new array too: when it cannot outlive the call, the op gets `attrs["workspace"] = True` and codegen
writes the product into an array taken from the workspace (runtime/linalg.matmul_into), where
Numba's `@` would allocate a new one every call. Its buffer is followed like a nest's: a nest that
takes it over (storage 'reuse'), its views and in-place writes.
"""
from __future__ import annotations

import dataclasses

from ..analysis import facts_of, returned_values
from ..ir import Function, Op


def plan_workspace(fn: Function) -> Function:
    """A copy of `fn` whose nests have `alloc` filled: value id -> 'workspace' | 'new'; a product
    whose result dies with the call is marked `attrs["workspace"] = True` (on fn's own op: the
    lowering passes run on a copy of the function)."""
    products = [op for op in fn.body.ops if isinstance(op, Op) and op.prim == "matmul"
                and op.out.type.kind == "array" and max(v.type.rank for v in op.inputs) <= 2]
    if not fn.nests and not products:
        return fn
    an = facts_of(fn, lowered=True)
    buffer_of: dict = {op.out.id: op.out.id for op in products}  # value id -> the value whose new array it lives in
    sites: list = []
    for nest in fn.nests.values():  # program order: a buffer is allocated before it is taken over
        for op in nest.members:
            v = op.out
            where = nest.storage.get(v.id)
            if where == "reuse" and nest.reuse[v.id].id in buffer_of:
                buffer_of[v.id] = buffer_of[nest.reuse[v.id].id]
            elif where in ("array", "full"):
                buffer_of[v.id] = v.id
                sites.append((nest.gid, v.id))
    escaping = set()
    results = returned_values(fn)  # a tuple's items too (jvp of a tuple returned)
    for r in results:
        for vid in (r.id, an.root.get(r.id, r.id)):
            if vid in buffer_of:
                escaping.add(buffer_of[vid])
    for vid, rid in an.root.items():  # a view or in-place version of a buffer
        if rid in buffer_of:
            buffer_of.setdefault(vid, buffer_of[rid])
    for r in results:
        if r.id in buffer_of:
            escaping.add(buffer_of[r.id])
    alloc: dict = {}
    for gid, vid in sites:
        alloc.setdefault(gid, {})[vid] = "new" if an.has_control_flow or vid in escaping else "workspace"
    for op in products:
        if not an.has_control_flow and op.out.id not in escaping:
            op.attrs["workspace"] = True
    nests = {gid: dataclasses.replace(nest, alloc=alloc.get(gid, {})) for gid, nest in fn.nests.items()}
    return dataclasses.replace(fn, nests=nests)

