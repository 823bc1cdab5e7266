"""Batched tangents (JAX's vmap over forward mode): a pass over a forward-mode function
(compiler/forward.py's output) that carries K tangents at once, each tangent value with a leading
batch axis of K, so that the primal and the reverse sweep of a Hessian run once and each tangent
op is one batched op (matrix-vector products become matrix-matrix products).

Organised as JAX's batching interpreter (jax/_src/interpreters/batching.py): a value is batched
or not (JAX's `not_mapped`; the batch axis is always 0 here), and `RULES` holds one batching rule
per primitive, keyed by its name. A rule sees the op, its inputs (batched ones replaced by their
(K, ...) values) and which are batched, and emits ops whose result is the op's result for every
tangent, batched on axis 0:

- elementwise rows: the batch axis broadcasts against unbatched operands once a batched operand
  of lower rank than the result has ones inserted after its batch axis;
- reductions, cumsum, transpose, expand_dims, getitem, gather, index writes, concatenate and
  stack: their axes and indices shift by one (a full slice first);
- reshape and broadcast_to: the target shape gains K in front;
- matmul, outer and solve: the batched forms (a batched vector times a matrix is one product
  with the matrix transposed, a batched matrix is a stack).

Ops reading no batched value (the primal, the reverse sweep, the tangent code's primal factors)
stay as they are; control flow is decided by the primal, so branches and loops stay as they are,
with a batched value carried or yielded where either side is batched; a tape that receives a
batched value (a companion tape `<tape>_dot`) holds (K, ...) rows. An op reading a batched value
that has no rule, or a rule whose result has another shape than (K,) + the op's shape, raises
`Unbatchable`, and the caller (adjit/transforms.py) takes one product per tangent instead: never
a wrong derivative, never a new error."""
from __future__ import annotations

from .builder import Builder
from .errors import AdjitError
from .ir import Abstract, Block, For, Function, If, Op, Type, Value, While
from .primitives import PRIMITIVES
from .primitives.arrays import advanced_layout, is_advanced

# The largest batch: more tangents are taken in several calls of equal batches (a chunk of
# ceil(n / calls)). Each batched value and each row of a companion tape is K times the size of
# the unbatched one, so the batch also shrinks with the largest float argument (a proxy for the
# largest tangent, known before anything is lowered: K is part of the specialization's shapes).
MAX_BATCH = 128
ELEMENTS = 1 << 22  # K x the largest float argument's elements stays under this (32 MiB of float64)
TAPE_BYTES = 1 << 28  # a companion tape of a loop with a trip count known when compiled: at most 256 MiB


class Unbatchable(AdjitError):
    """An op this pass cannot batch (no rule, or an unexpected shape): take one tangent per call."""


def batch_size(n: int, largest: int) -> int:
    """K for n tangents when the largest float argument has `largest` elements: the fewest calls
    of at most the cap, in equal batches."""
    if n <= 1:
        return max(n, 1)
    cap = max(1, min(MAX_BATCH, ELEMENTS // max(1, largest)))
    calls = -(-n // cap)
    return -(-n // calls)


def _batched_aval(a: Abstract, k: int) -> Abstract:
    t = a.type
    return Abstract(Type("array", t.dtype, t.rank + 1), (k,) + tuple(a.shape))


class _Batcher:
    def __init__(self, fn: Function, k: int):
        self.fn, self.k = fn, k
        self.avals = fn.avals
        self.b = Builder(fn.avals, role="tangent")
        self.batched: set = set()  # ids of the old values that carry K tangents
        self.tapes: set = set()  # tapes whose rows are batched
        self.env: dict = {}  # old value id -> its batched value

    # -- which values are batched: a fixpoint over loops and tapes
    def analyse(self, block: Block) -> bool:
        changed = False

        def mark(v: Value) -> None:
            nonlocal changed
            if v.id not in self.batched:
                self.batched.add(v.id)
                changed = True

        def isb(v: Value) -> bool:
            return v.id in self.batched

        for node in block.ops:
            if isinstance(node, Op):
                if node.prim == "tape_push":
                    if isb(node.inputs[0]) and node.attrs["tape"] not in self.tapes:
                        self.tapes.add(node.attrs["tape"])
                        changed = True
                elif node.prim == "tape_pop":
                    if node.attrs["tape"] in self.tapes:
                        mark(node.out)
                elif any(isb(i) for i in node.inputs) and node.prim not in _UNBATCHED_RESULT:
                    for o in node.outputs:
                        mark(o)
            elif isinstance(node, If):
                if isb(node.cond):
                    raise Unbatchable("a branch condition reads a tangent")
                changed |= self.analyse(node.then_block) | self.analyse(node.else_block)
                for o, a, b in zip(node.outputs, node.then_yield, node.else_yield):
                    if isb(a) or isb(b):
                        mark(o)
            else:
                if isinstance(node, For) and any(isb(v) for v in (node.start, node.stop, node.step)):
                    raise Unbatchable("a loop's range reads a tangent")
                while True:  # the loop's carried values, to their own fixpoint
                    inner = False
                    for c, i, y in zip(node.carried, node.init, node.body_yield):
                        if (isb(i) or isb(y)) and not isb(c):
                            self.batched.add(c.id)
                            inner = True
                    if isinstance(node, While):
                        inner |= self.analyse(node.cond_block)
                        if isb(node.cond):
                            raise Unbatchable("a while condition reads a tangent")
                    inner |= self.analyse(node.body)
                    if not inner:
                        break
                    changed = True
                for c, o in zip(node.carried, node.outputs):
                    if isb(c):
                        mark(o)
        return changed

    # -- rewriting
    def isb(self, v: Value) -> bool:
        return v.id in self.env

    def new(self, v: Value) -> Value:
        return self.env.get(v.id, v)

    def fresh(self, old: Value) -> Value:
        """A new batched value standing for `old` (block parameters, branch and loop results)."""
        v = self.b.define(Value(old.hint), _batched_aval(self.avals[old.id], self.k))
        self.env[old.id] = v
        return v

    def shape_tuple(self, v: Value, lead: tuple = ()) -> Value:
        """lead + v's shape as a tuple value (a constant when the shape is known when compiled)."""
        shape = tuple(self.avals[v.id].shape)
        if None not in shape:
            return self.b.lift(tuple(lead) + shape)
        s = self.b.emit("shape", [v])
        items = [self.b.const(d) for d in lead]
        items += [self.b.emit("getitem", [s, self.b.const(j)], index=(("int", 1),)) for j in range(len(shape))]
        return self.b.emit("tuple", items)

    def spread(self, v: Value) -> Value:
        """An unbatched value as a batched one (a new array: it may be written into or recorded)."""
        a = self.avals[v.id]
        dtype = a.type.dtype if a.type.dtype in ("float32", "float64") else "float64"
        zeros = self.b.emit("zeros", [self.shape_tuple(v, (self.k,))], dtype=dtype)
        return self.b.emit("add", [zeros, v])

    def as_batched(self, old: Value) -> Value:
        return self.env[old.id] if self.isb(old) else self.spread(old)

    def lift_rank(self, v: Value, rank: int) -> Value:
        """A batched value whose unbatched rank is below `rank`: ones inserted after the batch axis."""
        r = v.type.rank - 1
        if r >= rank:
            return v
        return self.b.emit("expand_dims", [v], axis=tuple(range(1, 1 + rank - r)))

    def block(self, block: Block) -> list:
        out: list = []
        saved = self.b.ops
        self.b.ops = out
        try:
            for node in block.ops:
                if isinstance(node, Op):
                    self.op(node)
                elif isinstance(node, If):
                    self.if_(node)
                else:
                    self.loop(node)
        finally:
            self.b.ops = saved
        return out

    def op(self, op: Op) -> None:
        self.b.loc = op.loc
        if op.prim == "tape_push":
            if op.attrs["tape"] in self.tapes:
                v = self.as_batched(op.inputs[0])
                self.b.ops.append(Op("tape_push", [v], op.outputs, dict(op.attrs), op.loc, op.role))
            else:
                self.b.ops.append(op)
            return
        if op.prim == "tape_pop":
            if op.attrs["tape"] in self.tapes:
                v = Value(op.out.hint)
                self.b.define(v, _batched_aval(self.avals[op.out.id], self.k))
                self.b.ops.append(Op("tape_pop", [], [v], dict(op.attrs), op.loc, op.role))
                self.env[op.out.id] = v
            else:
                self.b.ops.append(op)
            return
        which = [self.isb(i) for i in op.inputs]
        if not any(which):
            self.b.ops.append(op)
            return
        rule = RULES.get(op.prim)
        if rule is None:
            raise Unbatchable(f"no batching rule for {op.prim}", op.loc)
        out = rule(self, op, [self.new(i) for i in op.inputs], which)
        old = self.avals[op.out.id]
        got = self.avals[out.id]
        if op.prim in _UNBATCHED_RESULT:  # its result keeps its value: the last op defines it
            last = self.b.ops[-1]
            if got.type != old.type or tuple(got.shape) != tuple(old.shape) or not isinstance(last, Op) \
                    or last.outputs[0] is not out:
                raise Unbatchable(f"the batching rule for {op.prim} gave {got.type}{got.shape}", op.loc)
            last.outputs = [op.out]
            return
        want = (self.k,) + tuple(old.shape)
        if tuple(got.shape) != want or got.type.dtype != old.type.dtype or got.type.rank != old.type.rank + 1:
            raise Unbatchable(f"the batching rule for {op.prim} gave {got.type} {got.shape}, not {want}", op.loc)
        if self.keep_hints and op.out.hint and out.hint is None:
            out.hint = op.out.hint
        self.env[op.out.id] = out

    def if_(self, node: If) -> None:
        self.b.loc = node.loc
        then_ops, else_ops = self.block(node.then_block), self.block(node.else_block)
        outputs = []
        for j, o in enumerate(node.outputs):
            if o.id not in self.batched:
                outputs.append(o)
                continue
            for ops, ys in ((then_ops, node.then_yield), (else_ops, node.else_yield)):
                ys[j] = self.b.into(ops, lambda y=ys[j]: self.as_batched(y))
            outputs.append(self.fresh(o))
        node.then_block.ops, node.else_block.ops = then_ops, else_ops
        node.outputs = outputs
        self.b.ops.append(node)

    def loop(self, node) -> None:
        self.b.loc = node.loc
        carried = []
        for j, c in enumerate(node.carried):
            if c.id in self.batched:
                node.init[j] = self.as_batched(node.init[j])
                carried.append(self.fresh(c))
            else:
                carried.append(c)
        node.carried = carried
        if isinstance(node, While):
            node.cond_block.ops = self.block(node.cond_block)
        body = self.block(node.body)
        outputs = []
        for j, o in enumerate(node.outputs):
            if o.id in self.batched:
                node.body_yield[j] = self.b.into(body, lambda y=node.body_yield[j]: self.as_batched(y))
                outputs.append(self.fresh(o))
            else:
                outputs.append(o)
        node.body.ops = body
        node.outputs = outputs
        self.b.ops.append(node)


# ------------------------------------------------------------------------------------ the rules

_UNBATCHED_RESULT = ("shape",)  # the primal shape of a batched value: not batched itself


def _attrs(op: Op) -> dict:
    return {k: v for k, v in op.attrs.items() if k != "bcast"}


def _rank(bt: _Batcher, old: Value) -> int:
    return bt.avals[old.id].type.rank


def _elementwise(bt: _Batcher, op: Op, ins: list, which: list) -> Value:
    rank = _rank(bt, op.out)
    ins = [bt.lift_rank(v, rank) if w else v for v, w in zip(ins, which)]
    return bt.b.emit(op.prim, ins, **_attrs(op))


def _same(bt: _Batcher, op: Op, ins: list, which: list) -> Value:
    """zeros_like, ones_like, pin_extent of a batched value: the same op on the batched value."""
    attrs = _attrs(op)
    if op.prim == "pin_extent":
        if which[1]:
            attrs["ref_axis"] = attrs["ref_axis"] + 1
        if which[0]:
            attrs["axis"] = attrs["axis"] + 1
        else:
            raise Unbatchable("pin_extent of an unbatched value against a batched one", op.loc)
    return bt.b.emit(op.prim, ins, **attrs)


def _axes(axis, rank: int):
    if axis is None:
        return tuple(range(1, rank + 1))
    if isinstance(axis, int):
        return (axis % rank if rank else axis) + 1
    return tuple((a % rank if rank else a) + 1 for a in axis)


def _reduce(bt: _Batcher, op: Op, ins: list, which: list) -> Value:
    attrs = _attrs(op)
    rank = _rank(bt, op.inputs[0])
    attrs["axis"] = _axes(attrs.get("axis"), rank)
    if op.prim == "cumsum" and not isinstance(attrs["axis"], int):
        raise Unbatchable("cumsum over the flattened array", op.loc)
    return bt.b.emit(op.prim, ins, **attrs)


def _transpose(bt, op, ins, which):
    return bt.b.emit("transpose", ins, axes=(0,) + tuple(a + 1 for a in op.attrs["axes"]))


def _expand_dims(bt, op, ins, which):
    out_rank = _rank(bt, op.out)
    return bt.b.emit("expand_dims", ins, axis=tuple(a % out_rank + 1 for a in op.attrs["axis"]))


def _target(bt: _Batcher, shape: Value) -> Value:
    """(K,) + a shape tuple value."""
    a = bt.avals[shape.id]
    if a.value is not None:
        return bt.b.lift((bt.k,) + tuple(a.value))
    items = [bt.b.const(bt.k)] + [bt.b.emit("getitem", [shape, bt.b.const(j)], index=(("int", 1),))
                                  for j in range(len(a.type.elems))]
    return bt.b.emit("tuple", items)


def _reshape(bt, op, ins, which):
    if which[1]:
        raise Unbatchable("a reshape to a shape read from a tangent", op.loc)
    return bt.b.emit("reshape", [ins[0], _target(bt, ins[1])])


def _broadcast_to(bt, op, ins, which):
    if which[1]:
        raise Unbatchable("a broadcast to a shape read from a tangent", op.loc)
    x = bt.lift_rank(ins[0], _rank(bt, op.out))
    return bt.b.emit("broadcast_to", [x, _target(bt, ins[1])])


def _shape(bt, op, ins, which):
    """The primal shape of a batched value (not batched): its shape without the batch axis."""
    a = bt.avals[op.out.id]
    if a.value is not None:
        return bt.b.lift(tuple(a.value))
    s = bt.b.emit("shape", ins)
    return bt.b.emit("tuple", [bt.b.emit("getitem", [s, bt.b.const(j + 1)], index=(("int", 1),))
                               for j in range(len(a.type.elems))])


_FULL = ("slice", None, None, None)


def _getitem(bt, op, ins, which):
    if any(which[1:]) or op.inputs[0].type.kind != "array":
        raise Unbatchable("an index read from a tangent", op.loc)
    return bt.b.emit(op.prim, ins, **{**_attrs(op), "index": (_FULL,) + tuple(op.attrs["index"])})


def _gather(bt, op, ins, which):
    if any(which[1:]):
        raise Unbatchable("an index read from a tangent", op.loc)
    index = (_FULL,) + tuple(op.attrs["index"])
    out = bt.b.emit("gather", ins, **{**_attrs(op), "index": index})
    adv, adjacent = advanced_layout(len(index), index)
    if adjacent:
        return out
    # advanced items separated by a slice go first (NumPy): the batch axis follows them
    rank = _rank(bt, op.out)
    sliced = sum(1 for it in op.attrs["index"] if it[0] == "slice") + _rank(bt, op.inputs[0]) - len(op.attrs["index"])
    lead = rank - sliced
    axes = (lead,) + tuple(range(lead)) + tuple(range(lead + 1, rank + 1))
    return bt.b.emit("transpose", [out], axes=axes)


def _index_write(bt, op, ins, which):
    """index_add / index_update (base, value, *ints): into the batched base at (:, index)."""
    if any(which[2:]):
        raise Unbatchable("an index read from a tangent", op.loc)
    index = (_FULL,) + tuple(op.attrs["index"])
    if is_advanced(index) and not advanced_layout(len(index), index)[1]:
        raise Unbatchable("an indexed write with advanced indices separated by a slice", op.loc)
    base = ins[0] if which[0] else bt.spread(op.inputs[0])
    val = ins[1]
    if which[1]:  # the region's rank, read off the unbatched write's region
        region = bt.b.emit("gather" if is_advanced(op.attrs["index"]) else "getitem",
                           [op.inputs[0]] + list(op.inputs[2:]),
                           index=tuple((it[0],) + tuple(None if k is None else k - 1 for k in it[1:])
                                       for it in op.attrs["index"]))
        bt.b.ops.pop()  # only its abstract value was wanted
        val = bt.lift_rank(val, bt.avals[region.id].type.rank)
    return bt.b.emit(op.prim, [base, val] + list(ins[2:]), **{**_attrs(op), "index": index})


def _joining(bt, op, ins, which):
    """concatenate / stack: every operand batched, the axis one further."""
    ins = [v if w else bt.spread(old) for v, w, old in zip(ins, which, op.inputs)]
    rank = _rank(bt, op.out)
    return bt.b.emit(op.prim, ins, **{**_attrs(op), "axis": op.attrs["axis"] % rank + 1})


def _seeded(rank: int) -> dict:
    return {"seeded": True} if rank == 2 else {}


def _matmul(bt, op, ins, which):
    """A batched factor whose rows are tangents (K, n) on the left of one matrix product is marked
    `seeded`: its lowering checks for rows of unit vectors or zeros, the unit tangents hessian and
    jacfwd pass, which stay so until an op mixes them (runtime/linalg.matmul_seeded)."""
    a, b = ins
    ra, rb = _rank(bt, op.inputs[0]), _rank(bt, op.inputs[1])
    if all(which):
        raise Unbatchable("a product of two tangents", op.loc)
    if which[0]:
        if ra == 1:
            if rb > 2:
                raise Unbatchable("a batched vector times a stack of matrices", op.loc)
            return bt.b.emit("matmul", [a, b], **_seeded(rb))  # (K, n) @ (n,) or (n, m): one product
        out_shape = tuple(bt.avals[op.out.id].shape)
        if ra == 2 and rb == 2 and None not in bt.avals[a.id].shape + out_shape:
            k, m, n = bt.avals[a.id].shape
            flat = bt.b.emit("reshape", [a, bt.b.lift((k * m, n))])  # K products as one
            prod = bt.b.emit("matmul", [flat, b], seeded=True)
            return bt.b.emit("reshape", [prod, bt.b.lift((k,) + out_shape)])
        return bt.b.emit("matmul", [bt.lift_rank(a, max(ra, rb)), b])
    if rb == 1:
        if ra == 1:
            return bt.b.emit("matmul", [b, a])  # the K dot products: (K, n) @ (n,)
        if ra == 2:
            return bt.b.emit("matmul", [b, bt.b.emit("transpose", [a], axes=(1, 0))], seeded=True)  # (A v)^T = v^T A^T
        raise Unbatchable("a stack of matrices times a batched vector", op.loc)
    if ra == 2 and rb == 2 and None not in bt.avals[b.id].shape + tuple(bt.avals[op.out.id].shape):
        # A @ B_k for every k: one product
        k, n, p = bt.avals[b.id].shape
        m = bt.avals[op.out.id].shape[0]
        flat = bt.b.emit("reshape", [bt.b.emit("transpose", [b], axes=(1, 0, 2)), bt.b.lift((n, k * p))])
        prod = bt.b.emit("reshape", [bt.b.emit("matmul", [a, flat]), bt.b.lift((m, k, p))])
        return bt.b.emit("transpose", [prod], axes=(1, 0, 2))
    return bt.b.emit("matmul", [a, bt.lift_rank(b, max(ra, rb))])


def _outer(bt, op, ins, which):
    if all(which):
        raise Unbatchable("an outer product of two tangents", op.loc)
    a, b = ins
    if which[0]:
        return bt.b.emit("mul", [bt.b.emit("expand_dims", [a], axis=(2,)), b])
    return bt.b.emit("mul", [bt.b.emit("expand_dims", [a], axis=(1,)), bt.b.emit("expand_dims", [b], axis=(1,))])


def _leading(bt, op, ins, which):
    """Rows that work on their last axes and keep any leading ones (diagonal, diag_embed): the
    batch axis is one more leading axis."""
    return bt.b.emit(op.prim, ins, **_attrs(op))


def _linrec(bt, op, ins, which):
    """s_k = b_k + a_k s_(k-1) along an axis (cumprod's rules): the coefficients spread to every tangent."""
    if which[0]:
        raise Unbatchable("a linear recurrence with batched coefficients", op.loc)
    return bt.b.emit("linrec", [bt.spread(op.inputs[0]), ins[1]],
                     **{**_attrs(op), "axis": _axes(op.attrs["axis"], _rank(bt, op.inputs[1]))})


def _solve(bt, op, ins, which):
    if which[0] or _rank(bt, op.inputs[1]) != 1:
        raise Unbatchable("a solve with a batched matrix or several right-hand sides", op.loc)
    x = bt.b.emit("solve", [ins[0], bt.b.emit("transpose", [ins[1]], axes=(1, 0))])
    return bt.b.emit("transpose", [x], axes=(1, 0))


def _cofactor_jvp(bt, op, ins, which):
    """det's second derivative along each of the tangents (runtime/linalg.cofactor_jvp takes a stack)."""
    if which[0]:
        raise Unbatchable("the cofactor matrix's derivative at a batched matrix", op.loc)
    return bt.b.emit(op.prim, ins, **_attrs(op))


RULES: dict = {name: _elementwise for name, p in PRIMITIVES.items() if p.elementwise}
RULES.update({
    "sum": _reduce, "mean": _reduce, "max": _reduce, "min": _reduce, "cumsum": _reduce,
    "transpose": _transpose, "expand_dims": _expand_dims, "reshape": _reshape, "broadcast_to": _broadcast_to,
    "shape": _shape, "zeros_like": _same, "ones_like": _same, "pin_extent": _same,
    "getitem": _getitem, "gather": _gather, "index_add": _index_write, "index_update": _index_write,
    "concatenate": _joining, "stack": _joining,
    "matmul": _matmul, "outer": _outer, "solve": _solve,
    "diagonal": _leading, "diag_embed": _leading, "linrec": _linrec, "cofactor_jvp": _cofactor_jvp,
})


def batch_tangents(fn: Function, n_tangents: int, k: int, passthrough: int = 0, unread: int = 0) -> Function:
    """fn (a forward-mode function whose last `n_tangents` parameters are tangents and whose
    results end with the tangents of the others, `forward.jvp(..., all_results=True)`, then the
    `passthrough` results it does not differentiate: has_aux's aux parts) with K tangents per call:
    each tangent parameter and tangent result with a leading axis of K. The first `unread`
    tangent results are zeros, so that what only they read is dead code: a Hessian reads the
    gradients' tangents, never the value's (whose row sums, a reduction per tangent, cost a
    scalar loop where the rest is vectorized).
    Raises Unbatchable when an op reading a tangent has no batching rule."""
    bt = _Batcher(fn, k)
    # Codegen gives a dead value's name to a new value of the same hint and type in straight-line
    # code, and since 60a2b01 a fused loop reads a view (x[:, None], x.T) through the name of the
    # array it views, even when that name was given to another value in between (a wrong value:
    # issue reported); batched values keep their hints only where names are never reused.
    bt.keep_hints = any(not isinstance(node, Op) for node in fn.body.ops)
    tangent_params = fn.params[len(fn.params) - n_tangents:]
    bt.batched = {p.id for p in tangent_params}
    while bt.analyse(fn.body):
        pass
    params = list(fn.params[:len(fn.params) - n_tangents]) + [bt.fresh(p) for p in tangent_params]
    _check_tapes(bt, fn)
    ops = bt.block(fn.body)
    n_primal = (len(fn.results) - passthrough) // 2
    results = []
    for j, r in enumerate(fn.results):
        if j < n_primal or j >= 2 * n_primal:  # a primal result, or an aux part
            results.append(r)
        elif j - n_primal < unread:  # zeros of the primal result's shape, for each tangent
            primal = fn.results[j - n_primal]
            dtype = bt.avals[primal.id].type.dtype
            results.append(bt.b.into(ops, lambda p=primal, d=dtype: bt.b.emit(
                "zeros", [bt.shape_tuple(p, (k,))], dtype=d if d in ("float32", "float64") else "float64")))
        else:
            results.append(bt.b.into(ops, lambda r=r: bt.as_batched(r)))
    out = Function(fn.name, params, list(fn.param_names), Block(ops), results, fn.filename, fn.firstline,
                   fn.result_loc, fn.avals)
    return out  # a loop carrying an unread tangent (a sum's) keeps it: passes/carried.py, run by the caller


def _check_tapes(bt: _Batcher, fn: Function) -> None:
    """A companion tape holds K times the rows of an unbatched one: refused (one tangent per call
    instead) when a loop whose trip count is known when compiled would record more than
    TAPE_BYTES on the batched tapes."""
    def trips(node) -> int | None:
        if not isinstance(node, For):
            return None
        vals = [bt.avals[v.id].value for v in (node.start, node.stop, node.step)]
        if any(v is None for v in vals) or vals[2] == 0:
            return None
        return len(range(*vals))

    def visit(block: Block, times: int) -> int:
        total = 0
        for node in block.ops:
            if isinstance(node, Op):
                if node.prim == "tape_push" and node.attrs["tape"] in bt.tapes:
                    a = bt.avals[node.inputs[0].id]
                    size = 1
                    for d in a.shape:
                        size *= d if d is not None else 1
                    total += times * size * bt.k * 8
            elif isinstance(node, If):
                total += max(visit(node.then_block, times), visit(node.else_block, times))
            else:
                t = trips(node)
                for inner in ([node.cond_block, node.body] if isinstance(node, While) else [node.body]):
                    total += visit(inner, times * (t if t is not None else 1))
        return total

    if visit(fn.body, 1) > TAPE_BYTES:
        raise Unbatchable("the batched tapes would be too large")
