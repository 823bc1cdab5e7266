"""Outer-product accumulation in a loop becomes one matrix product after it (lowered code only).

The reverse sweep of a recurrence accumulates weight gradients step by step,

    for k in ...:            dW = dW + outer(dz, h)        # m*p multiply-adds per step, from memory

which this pass rewrites to collect the rows instead and multiply once, with BLAS:

    A = zeros((T, m)); B = zeros((T, p))
    for k in ...:            A[r] = dz; B[r] = h           # r = the trip number
    dW = dW0 + A.T @ B

It applies to a `for` loop's carried value that the body uses only in `acc + outer(a, b)`, with that
sum as the value carried to the next trip and the outer product used nowhere else. The result is
the same sum in another order (BLAS's), so equal to the step-by-step one within rounding."""
from __future__ import annotations

from ..builder import Builder
from ..ir import Block, For, Function, Op, Value, inner_blocks, walk
from .rewrite import substitute, use_counts

_FLOATS = ("float32", "float64")


def hoist_outer_accumulations(fn: Function) -> Function:
    """Rewrite every matching loop of `fn` in place (call it on a copy); returns fn."""
    uses = use_counts(fn)
    replace: dict = {}
    # accumulators that start at zero, by id -> the op that makes them (their shape comes from it)
    zeros = {op.out.id: op for op in walk(fn.body) if isinstance(op, Op) and op.prim in ("zeros", "zeros_like")
             and (op.prim == "zeros_like" or op.inputs[0].type.kind == "tuple")}
    _visit(fn, fn.body, uses, replace, zeros)
    return substitute(fn, replace)


def _visit(fn: Function, block: Block, uses: dict, replace: dict, zeros: dict) -> None:
    out: list = []
    for node in block.ops:
        for b in inner_blocks(node):
            _visit(fn, b, uses, replace, zeros)
        if isinstance(node, For):
            before, after = _hoist(fn, node, uses, replace, zeros)
            out.extend(before)
            out.append(node)
            out.extend(after)
        else:
            out.append(node)
    block.ops = out


def _matches(fn: Function, loop: For, uses: dict) -> list:
    """(carried position, the add, the outer) for each accumulation this pass can hoist."""
    producer = {o.id: op for op in loop.body.ops if isinstance(op, Op) for o in op.outputs}
    found = []
    for j, (c, y) in enumerate(zip(loop.carried, loop.body_yield)):
        add = producer.get(y.id)
        if add is None or add.prim != "add" or c not in add.inputs or uses.get(y.id) != 1 or uses.get(c.id) != 1:
            continue
        other = [i for i in add.inputs if i is not c]
        outer = producer.get(other[0].id) if len(other) == 1 else None
        if outer is None or outer.prim != "outer" or uses.get(outer.out.id) != 1:
            continue
        t = c.type
        if t is None or t.kind != "array" or t.ndim != 2 or t.dtype not in _FLOATS:
            continue
        if any(i.type is None or i.type.rank != 1 or i.type.dtype != t.dtype for i in outer.inputs):
            continue
        if loop.init[j].type != t or "bcast" in add.attrs:
            continue
        found.append((j, add, outer))
    return found


def _hoist(fn: Function, loop: For, uses: dict, replace: dict, zeros: dict) -> tuple[list, list]:
    found = _matches(fn, loop, uses)
    if not found:
        return [], []
    before: list = []
    after: list = []
    body_tail: list = []
    b = Builder(avals=fn.avals, loc=loop.loc, role=loop.role)
    trips = b.into(before, lambda: b.emit("trip_count", [loop.start, loop.stop, loop.step], hint="_T"))
    # the trip number of this iteration: (k - start) // step
    row = b.into(body_tail, lambda: b.emit("floordiv", [b.emit("sub", [loop.index, loop.start]), loop.step],
                                           hint="_row"))
    drop_ops: set = set()
    drop_carried: set = set()
    new_carried, new_init, new_yield, new_out = [], [], [], []
    collected: dict = {}  # value id -> the loop output holding its rows
    for j, add, outer in found:
        b.loc = add.loc
        acc0, dt = loop.init[j], loop.carried[j].type.dtype

        def collectors():
            made = zeros.get(acc0.id)  # measure what the zeros were made from, so they can go
            if made is None:
                shape = b.emit("shape", [acc0])
            elif made.prim == "zeros":
                shape = made.inputs[0]
            else:
                shape = b.emit("shape", [made.inputs[0]])
            bufs = []
            for axis in (0, 1):
                d = b.emit("getitem", [shape, b.const(axis)], index=(("int", 1),))
                bufs.append(b.emit("zeros", [b.emit("tuple", [trips, d])], dtype=dt, hint="_rows"))
            return bufs

        starts = b.into(before, collectors)
        rows = []
        for src, buf0 in zip(outer.inputs, starts):
            if src.id in collected:  # the same vector already collected for another product
                rows.append(collected[src.id])
                continue
            carried = b.define(Value(buf0.hint), fn.avals[buf0.id])
            written = b.into(body_tail, lambda: b.emit("index_update", [carried, src, row], index=(("int", 2),),
                                                       hint="_rows"))
            out = b.define(Value(buf0.hint), fn.avals[buf0.id])
            new_carried.append(carried)
            new_init.append(buf0)
            new_yield.append(written)
            new_out.append(out)
            collected[src.id] = out
            rows.append(out)
        rows_a, rows_b = rows

        def product():
            g = b.emit("matmul", [b.emit("transpose", [rows_a], axes=(1, 0)), rows_b], hint=loop.outputs[j].hint)
            if acc0.id in zeros:  # nothing to add to
                return g
            return b.emit("add", [acc0, g], hint=loop.outputs[j].hint)

        replace[loop.outputs[j].id] = b.into(after, product)
        drop_ops.update({id(add), id(outer)})
        drop_carried.add(j)
    keep = [j for j in range(len(loop.carried)) if j not in drop_carried]
    loop.body.ops = [n for n in loop.body.ops if id(n) not in drop_ops] + body_tail
    loop.carried = [loop.carried[j] for j in keep] + new_carried
    loop.init = [loop.init[j] for j in keep] + new_init
    loop.body_yield = [loop.body_yield[j] for j in keep] + new_yield
    loop.outputs = [loop.outputs[j] for j in keep] + new_out
    return before, after
