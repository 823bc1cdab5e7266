"""Outer-product accumulation in a loop becomes one matrix product after it (lowered code only).

The reverse sweep of a recurrence accumulates weight gradients step by step,

    for k in ...:            dW = dW + outer(dz, h)        # m*p multiply-adds per step, from memory

which this pass rewrites to collect the rows instead and multiply once, with BLAS:

    A = zeros((T, m)); B = zeros((T, p))
    for k in ...:            A[r] = dz; B[r] = h           # r = the trip number
    dW = dW0 + A.T @ B

It applies to a `for` loop's carried value that the body uses only in `acc + outer(a, b)`, with that
sum as the value carried to the next trip and the outer product used nowhere else. The result is
the same sum in another order (BLAS's), so equal to the step-by-step one within rounding.

Stacked layers (a layer loop inside a time loop) update a row of a 3-D accumulator instead,

    for t in ...:  for k in range(s, e, d):   dW[k] += outer(dz, x)

and `_hoist_nested` collects the vectors at [inner trip, outer trip] of two 3-D buffers and adds
A[j].T @ B[j] at row s + j*d after the loops, when the accumulator is read nowhere else in either
loop, the row is the inner loop's index itself, the inner range is the same at every outer trip
(computed before the outer loop from values made outside it), and the row is larger than
ROW_BYTES_UPDATED_IN_PLACE (smaller rows are updated as fast in place)."""
from __future__ import annotations

from ..builder import Builder
from ..ir import Abstract, Block, For, Function, Op, Value, inner_blocks, scalar_type, walk
from .rewrite import substitute, use_counts

_FLOATS = ("float32", "float64")
_ITEMSIZE = {"float32": 4, "float64": 8}


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
            before2, after2 = _hoist_nested(fn, node, uses, replace)
            out.extend(before + before2)
            out.append(node)
            out.extend(after + after2)
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


# --------------------------------------------------------- a row per index of an inner loop

# Rows of at most this many bytes stay updated in place: a rank-1 update of a row that fits a
# level-1 or -2 data cache runs about as fast as its share of the product after the loop, which
# also writes both vectors out and reads them back (LSTM benchmark, 2026-12-03, collected against
# in place: hidden 14, rows of 56 x 28 doubles, 12.5 KB: +3 % at 2 layers x 1024 steps, +4 % at
# 4 x 4096; hidden 32, 64 KB: -2 % and +4 %; hidden 64, 256 KB: -15 % and -7 %). Rows of extents
# known only when run are collected.
ROW_BYTES_UPDATED_IN_PLACE = 65536

# scalar ops that compute the same before the outer loop (no effects, no arrays, cannot raise);
# also an array's shape and an item of a tuple
_PURE_SCALAR = frozenset({"const", "add", "sub", "mul", "neg", "trip_count", "minimum", "maximum"})


def _nested_matches(fn: Function, loop: For, uses: dict) -> list:
    """(outer carried position, inner loop, inner carried position, the ops that update the row,
    the outer) for each accumulator the loop carries through an inner loop only to add, at the row
    the inner loop's index selects, the outer product of two vectors: `acc[k] += outer(a, b)` in
    `for k in range(...)` (index_add, as the reverse sweep writes it, or the index_update of
    acc[k] + outer(a, b), as the user's `+=` is), nothing else reading it in either loop."""
    loops = [n for n in loop.body.ops if isinstance(n, For)]
    found = []
    for jo, (c, y) in enumerate(zip(loop.carried, loop.body_yield)):
        t = c.type
        if uses.get(c.id) != 1 or uses.get(y.id) != 1 or t is None or t.kind != "array" or t.ndim != 3 \
                or t.dtype not in _FLOATS or loop.init[jo].type != t:
            continue
        inner = next((n for n in loops if any(i is c for i in n.init)), None)
        if inner is None or sum(i is c for i in inner.init) != 1:
            continue
        ji = next(k for k, i in enumerate(inner.init) if i is c)
        ci, yi = inner.carried[ji], inner.body_yield[ji]
        if inner.outputs[ji] is not y or uses.get(yi.id) != 1:
            continue
        made = {o.id: op for op in inner.body.ops if isinstance(op, Op) for o in op.outputs}
        update = _row_update(made.get(yi.id), ci, inner.index, made, uses)
        if update is None:
            continue
        outer = update[-1]
        if any(i.type is None or i.type.rank != 1 or i.type.dtype != t.dtype for i in outer.inputs):
            continue
        row = fn.avals[c.id].shape[1:]
        if all(isinstance(d, int) for d in row) and row[0] * row[1] * _ITEMSIZE[t.dtype] <= ROW_BYTES_UPDATED_IN_PLACE:
            continue
        found.append((jo, inner, ji, update[:-1], outer))
    return found


def _row_update(write, acc: Value, k: Value, made: dict, uses: dict):
    """(the ops, the outer last) when `write` adds an outer product into row k of acc and they are
    the only reads of acc and of the values between; else None."""
    row = (("int", 2),)
    if write is None or len(write.inputs) != 3 or write.inputs[0] is not acc or write.inputs[2] is not k \
            or tuple(write.attrs.get("index", ())) != row:
        return None
    if write.prim == "index_add" and uses.get(acc.id) == 1:
        ops = [write]
        term = write.inputs[1]
    elif write.prim == "index_update" and uses.get(acc.id) == 2:
        add = made.get(write.inputs[1].id)
        if add is None or add.prim != "add" or "bcast" in add.attrs or uses.get(add.out.id) != 1:
            return None
        got = [made.get(i.id) for i in add.inputs]
        reads = [n for n, op in enumerate(got) if op is not None and op.prim == "getitem" and op.inputs[0] is acc
                 and len(op.inputs) == 2 and op.inputs[1] is k and tuple(op.attrs.get("index", ())) == (("int", 1),)]
        if len(reads) != 1 or uses.get(got[reads[0]].out.id) != 1:
            return None
        ops = [write, add, got[reads[0]]]
        term = add.inputs[1 - reads[0]]
    else:
        return None
    outer = made.get(term.id)
    if outer is None or outer.prim != "outer" or uses.get(outer.out.id) != 1:
        return None
    return ops + [outer]


def _invariant(v: Value, loop: For, top: dict, inside: set, b: Builder, copies: dict):
    """v, or a copy computed before `loop` (appended to b's ops), when its value is the same at
    every iteration: made outside the loop, or by pure scalar ops of such values at the top of the
    loop's body (which runs them at every iteration); else None."""
    if v.id in copies:
        return copies[v.id]
    op = top.get(v.id)
    if op is None:
        inner = v.id in inside or v is loop.index or any(v is c for c in loop.carried)
        return None if inner else v
    kind = None if op.out.type is None else op.out.type.kind
    tuple_item = op.prim == "getitem" and op.inputs[0].type is not None and op.inputs[0].type.kind == "tuple"
    if not ((op.prim in _PURE_SCALAR or tuple_item) and kind == "scalar" or op.prim == "shape" and kind == "tuple"):
        return None
    if op.prim == "trip_count" and not _nonzero_number(b, op.inputs[2]):  # len(range(a, b, 0)) raises
        return None
    ins = [_invariant(i, loop, top, inside, b, copies) for i in op.inputs]
    if any(i is None for i in ins):
        return None
    copies[v.id] = b.emit(op.prim, ins, hint=v.hint, **{k: a for k, a in op.attrs.items() if k != "bcast"})
    return copies[v.id]


def _nonzero_number(b: Builder, v: Value) -> bool:
    a = b.avals.get(v.id)
    return a is not None and isinstance(a.value, int) and a.value != 0


def _inner_range(loop: For, inner: For, b: Builder):
    """(start, step, trips) of `inner` computed before `loop`, as ops appended to b's ops; None
    when its range may change from one iteration of `loop` to the next, or its step is not a
    nonzero number known when compiled (a trip count made before the loop must not raise)."""
    if not _nonzero_number(b, inner.step):
        return None
    top = {o.id: op for op in loop.body.ops if isinstance(op, Op) for o in op.outputs}
    inside = set()
    for node in walk(loop.body):
        inside.update(v.id for v in node.outputs)
        if isinstance(node, For):
            inside.update(v.id for v in [node.index] + list(node.carried))
        elif not isinstance(node, Op) and hasattr(node, "carried"):
            inside.update(v.id for v in node.carried)
    copies: dict = {}
    bounds = [_invariant(v, loop, top, inside, b, copies) for v in (inner.start, inner.stop, inner.step)]
    if any(v is None for v in bounds):
        return None
    s, e, st = bounds
    return s, st, b.emit("trip_count", [s, e, st], hint="_trips")


def _hoist_nested(fn: Function, loop: For, uses: dict, replace: dict) -> tuple[list, list]:
    """Each _nested_matches accumulator: the inner loop writes the two vectors into buffers A and
    B of shape (inner trips, outer trips, m or p) at [inner trip j, outer trip r] instead, and
    after the outer loop a loop over the inner trips adds A[j].T @ B[j] (one BLAS product) at the
    row start + j * step: the same sums in another order. The inner loop's range must be the same
    at every outer iteration, so the buffers can be made before the outer loop; when the outer
    loop runs no iteration, no row is touched (as before). Returns the ops before and after loop."""
    found = _nested_matches(fn, loop, uses)
    if not found:
        return [], []
    before: list = []
    after: list = []
    b = Builder(avals=fn.avals, loc=loop.loc, role=loop.role)
    ranges: dict = {}  # id(inner loop) -> (start, step, trips) before the outer loop, or None
    for _, inner, _, _, _ in found:
        if id(inner) not in ranges:
            tmp: list = []
            ranges[id(inner)] = got = b.into(tmp, lambda: _inner_range(loop, inner, b))
            if got is not None:
                before.extend(tmp)
    found = [f for f in found if ranges[id(f[1])] is not None]
    if not found:
        return [], []
    outer_trips = b.into(before, lambda: b.emit("trip_count", [loop.start, loop.stop, loop.step], hint="_T"))
    r_ops: list = []
    r = b.into(r_ops, lambda: b.emit("floordiv", [b.emit("sub", [loop.index, loop.start]), loop.step], hint="_row"))
    trip_of: dict = {}  # id(inner loop) -> its trip number j, computed at the top of its body
    for jo, inner, ji, update, outer in found:
        start, step, n_in = ranges[id(inner)]
        b.loc = update[0].loc
        if id(inner) not in trip_of:
            ops: list = []
            trip_of[id(inner)] = b.into(ops, lambda: b.emit(
                "floordiv", [b.emit("sub", [inner.index, inner.start]), inner.step], hint="_j"))
            inner.body.ops = ops + inner.body.ops
        j = trip_of[id(inner)]
        acc0 = loop.init[jo]

        def buffers():
            shape = b.emit("shape", [acc0])
            return [b.emit("zeros", [b.emit("tuple", [n_in, outer_trips, b.emit(
                "getitem", [shape, b.const(axis)], index=(("int", 1),))])], dtype=acc0.type.dtype, hint="_rows")
                for axis in (1, 2)]

        finals = []
        for src, buf0 in zip(outer.inputs, b.into(before, buffers)):
            aval = fn.avals[buf0.id]
            co, ci, oi, oo = (b.define(Value(buf0.hint), aval) for _ in range(4))
            written: list = []
            w = b.into(written, lambda: b.emit("index_update", [ci, src, j, r], index=(("int", 2), ("int", 3)),
                                               hint="_rows"))
            k = next(n for n, node in enumerate(inner.body.ops) if node is outer)
            inner.body.ops[k:k] = written
            for node, vals in ((inner, (co, ci, w, oi)), (loop, (buf0, co, oi, oo))):
                for lst, v in zip((node.init, node.carried, node.body_yield, node.outputs), vals):
                    lst.append(v)
            finals.append(oo)
        replace[loop.outputs[jo].id] = b.into(after, lambda: _add_rows(b, acc0, finals, start, step, n_in, outer_trips))
        drop = {id(op) for op in update + [outer]}
        inner.body.ops = [n for n in inner.body.ops if id(n) not in drop]
    # the accumulators leave both loops (the buffers were appended after every original position)
    for jo in sorted((f[0] for f in found), reverse=True):
        for lst in (loop.init, loop.carried, loop.body_yield, loop.outputs):
            del lst[jo]
    for inner in {id(f[1]): f[1] for f in found}.values():
        for ji in sorted((f[2] for f in found if f[1] is inner), reverse=True):
            for lst in (inner.init, inner.carried, inner.body_yield, inner.outputs):
                del lst[ji]
    loop.body.ops = r_ops + loop.body.ops
    return before, after


def _add_rows(b: Builder, acc0: Value, rows: list, start: Value, step: Value, n_in: Value, n_out: Value) -> Value:
    """`for j in range(n): acc[start + j * step] += rows[0][j].T @ rows[1][j]` from acc0, n the
    inner trips when the outer loop ran (n_out > 0), else 0; returns the accumulator after it."""
    n = b.emit("minimum", [n_in, b.emit("mul", [n_in, n_out])], hint="_trips")
    aval = b.avals[acc0.id]
    j = b.define(Value("_j"), Abstract(scalar_type("int64", True), ()))
    acc = b.define(Value(acc0.hint), aval)
    body: list = []

    def one_row():
        a, c = (b.emit("getitem", [v, j], index=(("int", 1),)) for v in rows)
        g = b.emit("matmul", [b.emit("transpose", [a], axes=(1, 0)), c])
        return b.emit("index_add", [acc, g, b.emit("add", [start, b.emit("mul", [j, step])])], index=(("int", 2),))

    out = b.into(body, one_row)
    result = b.define(Value(acc0.hint), aval)
    zero, one = b.const(0), b.const(1)
    b.ops.append(For(j, zero, n, one, [acc0], [acc], Block(body), [out], [result], b.loc, b.role))
    return result
