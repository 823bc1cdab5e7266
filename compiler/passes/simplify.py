"""Constant folding and algebraic simplification: no `g * 1.0`, no `x ** 1`, `x ** 2` -> `x * x`,
no casts to the dtype a value already has, no broadcast to the shape it already has."""
from __future__ import annotations

import numpy as np

from ..ir import Block, Function, Op, Value, inner_blocks, scalar_type
from ..primitives import PRIMITIVES
from .rewrite import substitute, substitute_node

_FOLD = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
         "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a}


def _const(op: Op | None, producer: dict | None = None):
    if op is not None and op.prim == "const":
        return op.attrs["value"]
    if op is not None and op.prim == "broadcast_to" and producer is not None:
        return _const(producer.get(op.inputs[0].id))  # a broadcast constant is the constant everywhere
    return None


def simplify(fn: Function) -> Function:
    avals = fn.avals
    producer: dict[int, Op] = {}
    replace: dict[int, Value] = {}
    _simplify_block(fn.body, avals, producer, replace)
    return substitute(fn, replace)


def _simplify_block(block: Block, avals: dict, producer: dict, replace: dict) -> None:
    kept: list = []

    def same(a: Value, b: Value) -> bool:
        """a can stand for b: same type and (as far as known) the same shape."""
        return a.type == b.type and avals[a.id].shape == avals[b.id].shape

    def use(old: Value, new: Value):
        if new.hint is None:
            new.hint = old.hint
        replace[old.id] = new

    for op in block.ops:
        substitute_node(op, replace)
        if not isinstance(op, Op):
            for b in inner_blocks(op):
                _simplify_block(b, avals, producer, replace)
            substitute_node(op, replace)
            kept.append(op)
            continue
        consts = [_const(producer.get(i.id), producer) for i in op.inputs]
        out = op.out
        p = op.prim
        # fold arithmetic on Python-number constants
        if p in _FOLD and op.inputs and all(c is not None and isinstance(c, (int, float)) and not isinstance(c, bool)
                                            for c in consts) and out.type.weak:
            try:
                value = _FOLD[p](*consts)
            except (ZeroDivisionError, OverflowError):
                value = None
            if value is not None and isinstance(value, (int, float)):
                op = Op("const", [], [out], {"value": value}, op.loc, op.role)
                avals[out.id] = PRIMITIVES["const"].abstract(value=value)
                out.type = avals[out.id].type
        elif p == "astype" and consts[0] is not None and out.type.kind == "scalar" and not out.type.weak:
            value = np.dtype(op.attrs["dtype"]).type(consts[0])
            op = Op("const", [], [out], {"value": value}, op.loc, op.role)
        elif p == "mul" and consts[1] == 1 and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p == "mul" and consts[0] == 1 and same(op.inputs[1], out):
            use(out, op.inputs[1]); continue
        elif p == "floordiv" and consts[1] == 1 and not isinstance(consts[1], bool) and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p == "div" and consts[1] == 1 and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p in ("add", "sub") and consts[1] == 0 and not isinstance(consts[1], bool) and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p == "add" and consts[0] == 0 and not isinstance(consts[0], bool) and same(op.inputs[1], out):
            use(out, op.inputs[1]); continue
        elif p == "pow" and consts[1] == 1 and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p == "pow" and consts[1] == 2 and not isinstance(consts[1], bool) and out.type.dtype == op.inputs[0].type.dtype:
            op = Op("mul", [op.inputs[0], op.inputs[0]], [out], {}, op.loc, op.role)
        elif (p == "add" and producer.get(op.inputs[0].id) is not None and producer[op.inputs[0].id].prim == "add"
              and producer[op.inputs[0].id].inputs[1] is op.inputs[1] and same(op.inputs[0], out)):
            # (a + v) + v  ->  a + 2 * v: v is then read once, so it can fuse into the sum's loop
            inner = producer[op.inputs[0].id]
            two = Value(None, scalar_type("int64", True))
            avals[two.id] = PRIMITIVES["const"].abstract(value=2)
            kept.append(Op("const", [], [two], {"value": 2}, op.loc, op.role))
            producer[two.id] = kept[-1]
            twice = Value(None, op.inputs[1].type)
            avals[twice.id] = avals[op.inputs[1].id]
            kept.append(Op("mul", [two, op.inputs[1]], [twice], {}, op.loc, op.role))
            producer[twice.id] = kept[-1]
            op = Op("add", [inner.inputs[0], twice], [out], op.attrs, op.loc, op.role)
        elif p == "add" and op.inputs[0] is op.inputs[1]:
            two = Value(None, scalar_type("int64", True))
            avals[two.id] = PRIMITIVES["const"].abstract(value=2)
            kept.append(Op("const", [], [two], {"value": 2}, op.loc, op.role))
            producer[two.id] = kept[-1]
            op = Op("mul", [two, op.inputs[0]], [out], {}, op.loc, op.role)
        elif p == "neg" and producer.get(op.inputs[0].id) is not None and producer[op.inputs[0].id].prim == "neg":
            use(out, producer[op.inputs[0].id].inputs[0]); continue
        elif p == "astype" and op.inputs[0].type == out.type and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p == "broadcast_to" and "bcast" not in op.attrs and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        elif p in ("sum", "mean", "max", "min") and not op.attrs["axis"] and same(op.inputs[0], out):
            use(out, op.inputs[0]); continue
        if isinstance(op, Op) and PRIMITIVES[op.prim].elementwise and op.out.type.kind == "array":
            _drop_redundant_broadcasts(op, producer, avals)
        for o in op.outputs:
            producer[o.id] = op
        kept.append(op)
    block.ops = kept


def _drop_redundant_broadcasts(op: Op, producer: dict, avals: dict) -> None:
    """`np.broadcast_to(v, s) * x` is `v * x` when the op broadcasts to s anyway."""
    from ..shapes import broadcast_shapes

    out_shape = avals[op.out.id].shape
    if any(d is None for d in out_shape):
        return
    for k, v in enumerate(op.inputs):
        b = producer.get(v.id)
        if b is None or b.prim != "broadcast_to" or avals[v.id].shape != out_shape:
            continue
        trial = list(op.inputs)
        trial[k] = b.inputs[0]
        try:
            if broadcast_shapes([avals[t.id].shape for t in trial]) == out_shape:
                op.inputs = trial
        except Exception:
            pass
