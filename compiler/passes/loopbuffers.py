"""Loop temporaries allocated once per call (lowered rendering only; after passes/workspace.py).

A fused loop nest inside a user loop (a layer step of a recurrent cell) writes its outputs and
stage values into new arrays, and strip-mined nests their strip buffers: allocated and freed again
at every iteration (12 arrays of 14 elements per layer step of the LSTM benchmark, each a call
into Numba's allocator). When such an array's shape is known when compiled and nothing holds its
buffer past the iteration that filled it, one array made before the loops serves every iteration:
this pass marks it `alloc[v] = 'hoisted'` (passes/loopnest.LoopNest.alloc) and codegen/loops.py
allocates it at the top of the function.

Past the iteration means: any value sharing its buffer (compiler/analysis.py's `root`: views and
in-place writes; a later nest's output that takes the buffer over, storage 'reuse') yielded by a
loop or branch, handed to a loop as its initial value, returned, or used by an op that might keep
a reference (anything but a fused loop's element reads, a tape push, which copies, a write of it
into another array, a matrix product, a reduction or an op with a number as result). A view that
crosses is copied there, so it does not count. Such a buffer keeps a new array per iteration. Strip buffers never leave their nest: always hoisted inside loops.

A matrix product in a loop body (a layer's W[l] @ x) whose result so dies is marked
`attrs["hoisted"] = True`: codegen writes it into an array made at the top of the function
(runtime/linalg.matmul_into, the same BLAS call as `@`), where `@` made a new array per iteration.
So are np.zeros / np.ones (filled again: runtime/alloc.refill; the adjoint of a gather or of a
slice starts from zeros every step) and np.concatenate of vectors (a generated `_concat<n>_into`).
The copy codegen makes of a view before an in-place write into its base (analysis.copy_views:
`dh[l].copy()` before `dh[l] = 0.0` in a reverse layer step) goes into an array made once
(`attrs["hoisted_copy"]`, runtime/alloc.copy_into<rank>) when the view is only read: by fused
loops, readers, as numbers, or into other arrays, never viewed, written or held past the iteration.

Fused loop nests' outputs that a loop carries on take over a dead operand's buffer first
(passes/loopplan.py): `dby = dby + dlogits` in a loop writes dby in place and dlogits, which dies
in the iteration, into an array made once, not the other way round.
"""
from __future__ import annotations

import dataclasses

from ..analysis import VIEW_PRIMS, facts_of, held_past_iteration, walk_ops
from ..ir import Function, Op, block_yields
from ..primitives import PRIMITIVES, REDUCTIONS

# ops that read an array's elements and keep no reference to it (beyond fused loop members)
_READERS = frozenset({"tape_push", "matmul", "dot", "outer", "concatenate", "copy", "inner", "vdot"}) | frozenset(REDUCTIONS)


def hoist_loop_buffers(fn: Function) -> Function:
    """`fn` with the loop nests' hoistable arrays marked (see the module docstring)."""
    inside = _nests_inside_loops(fn)
    if not inside and not _ops_inside_loops(fn, lambda op: _product(fn, op) or _fills(fn, op, None)):
        return fn
    an = facts_of(fn, lowered=True)
    held = held_past_iteration(fn)
    members: dict = {}  # buffer root -> value ids living in it
    for vid, r in an.root.items():
        members.setdefault(r, set()).add(vid)
    for nest in fn.nests.values():  # program order: a buffer is made before it is taken over
        for vid, leaf in nest.reuse.items():
            r = an.root.get(leaf.id, leaf.id)
            members.setdefault(r, {r}).add(vid)
            members.setdefault(vid, set()).add(r)
    users: dict = {}
    for op in walk_ops(fn.body):
        for i in op.inputs:
            users.setdefault(i.id, []).append(op)
    for op in _products_inside_loops(fn):
        if _dies_in_its_iteration(an, op.out.id, members, users, held):
            op.attrs["hoisted"] = True  # (fn's own op: the lowering passes run on a copy)
    for op in _ops_inside_loops(fn, lambda op: _fills(fn, op, an)):
        if op.out.id in an.copy_views:
            if op.out.id not in held and _only_read(op.out.id, users):
                op.attrs["hoisted_copy"] = True
        elif _dies_in_its_iteration(an, op.out.id, members, users, held):
            op.attrs["hoisted"] = True
    nests = {}
    for gid, nest in fn.nests.items():
        if gid not in inside:
            continue
        alloc = dict(nest.alloc)
        for vid, where in nest.storage.items():
            if where == "strip":
                alloc[vid] = "hoisted"
            elif where in ("array", "full") and _dies_in_its_iteration(an, vid, members, users, held):
                alloc[vid] = "hoisted"
        if alloc != nest.alloc:
            nests[gid] = dataclasses.replace(nest, alloc=alloc)
    return dataclasses.replace(fn, nests={**fn.nests, **nests}) if nests else fn


def _nests_inside_loops(fn: Function) -> set:
    """The ids of the nests whose members sit in a loop body (at any depth)."""
    out: set = set()

    def visit(block, in_loop: bool) -> None:
        for node in block.ops:
            if isinstance(node, Op):
                gid = node.attrs.get("group")
                if gid is not None and in_loop:
                    out.add(gid)
                continue
            loop = in_loop or not hasattr(node, "then_block")  # For and While bodies (and a While's test)
            for b, _ in block_yields(node):
                visit(b, loop)

    visit(fn.body, False)
    return out


def _products_inside_loops(fn: Function) -> list:
    """The matrix products (operands of at most 2 dimensions, an array result of a shape known
    when compiled) in loop bodies, at any depth."""
    return _ops_inside_loops(fn, lambda op: _product(fn, op))


def _product(fn: Function, op: Op) -> bool:
    return op.prim == "matmul" and op.out.type.kind == "array" and max(v.type.rank for v in op.inputs) <= 2 \
        and _static(fn, op.out)


def _fills(fn: Function, op: Op, an) -> bool:
    """An op outside fused loops that makes a new array of a shape known when compiled, which an
    array made once can hold: np.zeros / np.ones, np.concatenate of vectors of the result's dtype,
    or (with `an`) a view codegen copies before an in-place write into its base (copy_views)."""
    if "group" in op.attrs or op.out.type is None or op.out.type.kind != "array" or not _static(fn, op.out):
        return False
    if op.prim in ("zeros", "ones"):
        return True
    if op.prim == "concatenate":
        return all(v.type.kind == "array" and v.type.rank == 1 and v.type.dtype == op.out.type.dtype
                   for v in op.inputs)
    return an is not None and op.out.id in an.copy_views and op.out.type.rank <= 3


def _ops_inside_loops(fn: Function, pred) -> list:
    """The ops in loop bodies, at any depth, for which pred(op) holds."""
    out: list = []

    def visit(block, in_loop: bool) -> None:
        for node in block.ops:
            if isinstance(node, Op):
                if in_loop and pred(node):
                    out.append(node)
                continue
            loop = in_loop or not hasattr(node, "then_block")
            for b, _ in block_yields(node):
                visit(b, loop)

    visit(fn.body, False)
    return out


def _static(fn: Function, v) -> bool:
    a = fn.avals.get(v.id)
    return a is not None and a.shape is not None and all(isinstance(d, int) for d in a.shape)


def _dies_in_its_iteration(an, vid: int, members: dict, users: dict, held: set) -> bool:
    """Whether no value sharing vid's buffer outlives the iteration that made it (module docstring)."""
    todo, seen = [vid], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        todo.append(an.root.get(v, v))
        todo.extend(members.get(an.root.get(v, v), ()))
        todo.extend(members.get(v, ()))
    for v in seen:
        if v in held and not _copied_when_held(an, v):
            return False
        for op in users.get(v, ()):
            if op.out.id in seen or an.root.get(op.out.id) in seen:
                continue  # a view or in-place write of it: checked as a member
            if not _reads_elements(op, v):
                return False
    return True


def _only_read(vid: int, users: dict) -> bool:
    """Whether every use of vid reads its elements and keeps no reference: no view of it, no
    write into it (the copy of a view codegen makes before an in-place write into its base)."""
    return all(_reads_elements(op, vid) for op in users.get(vid, ()))


def _reads_elements(op: Op, vid: int) -> bool:
    """Whether op only reads vid's elements, keeping no reference to its buffer."""
    if "group" in op.attrs or op.prim in _READERS:
        return True  # a fused loop's element reads, or a reader
    if op.out.type is not None and op.out.type.kind == "scalar":
        return True  # a number read from it
    if op.prim in ("index_update", "index_add") and op.inputs[0].id != vid:
        return True  # written into another array: copied
    return PRIMITIVES[op.prim].elementwise and op.prim not in ("stop_gradient", "astype") \
        and op.out.type is not None and op.out.type.kind == "array"  # a new value from its elements


def _copied_when_held(an, vid: int) -> bool:
    """Whether v is a view (or an in-place write into one): the generated code copies a view that
    a loop or branch yields, a loop starts from or the function returns (codegen/control.py
    assign_phis, emitter.render_results), so its buffer stays behind."""
    op = an.producer.get(vid)
    while op is not None and op.prim in ("index_update", "index_add") and op.out.id in an.inplace:
        op = an.producer.get(op.inputs[0].id)
    return op is not None and op.prim in VIEW_PRIMS and op.out.type.kind == "array"
