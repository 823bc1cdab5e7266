"""Constant folding and algebraic simplification: no `g * 1.0`, no `x ** 1`, `x ** 2` -> `x * x`,
no casts to the dtype a value already has, no broadcast to the shape it already has.

The rewrites are a table, RULES: primitive name -> its rule. A rule looks at one op (its inputs
already replaced, the constants it reads known) and returns what the op becomes: None (keep it),
a Value (the op goes and its result is that value), or an Op (the op is replaced by that one)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..ir import Block, Function, Op, Value, inner_blocks, scalar_type
from ..primitives import PRIMITIVES, REDUCTIONS
from .rewrite import substitute, substitute_node, use_counts

_FOLD = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
         "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a}


def _const(op: Op | None, producer: dict | None = None):
    if op is not None and op.prim == "const":
        return op.attrs["value"]
    if op is not None and op.prim == "broadcast_to" and producer is not None:
        return _const(producer.get(op.inputs[0].id))  # a broadcast constant is the constant everywhere
    return None


class _Site:
    """What a rule sees: the op, the constants its inputs are (None where not constant), the
    producers and abstract values so far, and a way to put new ops before the op."""

    def __init__(self, op: Op, avals: dict, producer: dict, kept: list, uses: dict | None = None):
        self.op, self.avals, self.producer, self.kept = op, avals, producer, kept
        self.uses = uses or {}  # reads of each value when the pass started
        self.consts = [_const(producer.get(i.id), producer) for i in op.inputs]

    def same(self, a: Value, b: Value) -> bool:
        """a can stand for b: same type and (as far as known) the same shape."""
        return a.type == b.type and self.avals[a.id].shape == self.avals[b.id].shape

    def made_by(self, v: Value, prim: str) -> Op | None:
        p = self.producer.get(v.id)
        return p if p is not None and p.prim == prim else None

    def const(self, value, type_) -> Value:
        """A new constant op, placed before the op being rewritten."""
        v = Value(None, type_)
        self.avals[v.id] = PRIMITIVES["const"].abstract(value=value)
        self.place(Op("const", [], [v], {"value": value}, self.op.loc, self.op.role))
        return v

    def place(self, new: Op) -> None:
        self.kept.append(new)
        for o in new.outputs:
            self.producer[o.id] = new

    def rebuild(self, prim: str, inputs: list, attrs: dict | None = None) -> Op:
        """The op's result, computed by another primitive."""
        return Op(prim, inputs, [self.op.out], {} if attrs is None else attrs, self.op.loc, self.op.role)


def _number(c) -> bool:
    return c is not None and isinstance(c, (int, float)) and not isinstance(c, bool)


def _is(c, k) -> bool:
    """The constant c is the number k, and not a bool (True == 1 in Python)."""
    return c == k and not isinstance(c, bool)


# ------------------------------------------------------------------------------------ the rules
# Each returns None (keep), a Value (use it instead) or an Op (replace); NOT_MINE lets the next
# rule of the same primitive try.

NOT_MINE = object()


def _fold(s: _Site):
    """Arithmetic on Python-number constants is done now (when it raises, the op stays)."""
    op = s.op
    if not (op.inputs and all(_number(c) for c in s.consts) and op.out.type.weak):
        return NOT_MINE
    try:
        value = _FOLD[op.prim](*s.consts)
    except (ZeroDivisionError, OverflowError):
        return None
    if not isinstance(value, (int, float)):
        return None
    out = op.out
    s.avals[out.id] = PRIMITIVES["const"].abstract(value=value)
    out.type = s.avals[out.id].type
    return Op("const", [], [out], {"value": value}, op.loc, op.role)


def _identity(position: int, unit, allow_bool: bool):
    """`x op unit` (or `unit op x`) is x, where the result has x's type and shape."""
    def rule(s: _Site):
        c, other = s.consts[position], s.op.inputs[1 - position]
        if c == unit and (allow_bool or not isinstance(c, bool)) and s.same(other, s.op.out) \
                and not (unit == 0 and _moves_a_zero(s, c)):
            return other
        return NOT_MINE
    return rule


def _moves_a_zero(s: _Site, c) -> bool:
    """`x + 0.0` (or `0 + x`) changes x = -0.0 into +0.0 and `x - (-0.0)` does too (IEEE; NumPy
    computes them so): a floating-point value the program computes keeps such an op, since the sign
    of a zero decides np.arctan2, np.angle and a complex log or sqrt on their branch cut (and
    1 / x). x + (-0.0) and x - 0.0 are x for every x; the sweeps' derivatives never read the sign."""
    if s.op.role != "primal" or s.op.out.type.dtype not in ("float32", "float64"):
        return False
    negative = isinstance(c, float) and math.copysign(1.0, c) < 0
    return negative if s.op.prim == "sub" else not negative


def _integer_only(rule):
    """rule, where the result is an integer (x // 1 is x for ints only: 2.5 // 1 is 2.0)."""
    def only(s: _Site):
        return rule(s) if s.op.out.type.dtype in ("int64", "int32") else NOT_MINE
    return only


def _add_twice(s: _Site):
    """(a + v) + v -> a + 2 * v: v is then read once, so it can fuse into the sum's loop."""
    op = s.op
    inner = s.made_by(op.inputs[0], "add")
    if op.out.type.dtype == "bool" or inner is None or inner.inputs[1] is not op.inputs[1] or not s.same(op.inputs[0], op.out):
        return NOT_MINE
    two = s.const(2, scalar_type("int64", True))
    twice = Value(None, op.inputs[1].type)
    s.avals[twice.id] = s.avals[op.inputs[1].id]
    s.place(Op("mul", [two, op.inputs[1]], [twice], {}, op.loc, op.role))
    return s.rebuild("add", [inner.inputs[0], twice], op.attrs)


def _add_self(s: _Site):
    """v + v -> 2 * v (not for bools: NumPy's `b + b` is `b | b`, which is b)."""
    if s.op.inputs[0] is not s.op.inputs[1] or s.op.out.type.dtype == "bool":
        return NOT_MINE
    return s.rebuild("mul", [s.const(2, scalar_type("int64", True)), s.op.inputs[0]])


def _square(s: _Site):
    """x ** 2 -> x * x (where that keeps x's dtype)."""
    op = s.op
    if _is(s.consts[1], 2) and op.out.type.dtype == op.inputs[0].type.dtype:
        return s.rebuild("mul", [op.inputs[0], op.inputs[0]])
    return NOT_MINE


def _double_negation(s: _Site):
    inner = s.made_by(s.op.inputs[0], "neg")
    return inner.inputs[0] if inner is not None else NOT_MINE


def _fold_cast(s: _Site):
    """A constant cast to a (non-weak) scalar dtype is a constant of that dtype."""
    op = s.op
    if s.consts[0] is not None and op.out.type.kind == "scalar" and not op.out.type.weak:
        return Op("const", [], [op.out], {"value": np.dtype(op.attrs["dtype"]).type(s.consts[0])}, op.loc, op.role)
    return NOT_MINE


def _same_cast(s: _Site):
    x = s.op.inputs[0]
    return x if x.type == s.op.out.type and s.same(x, s.op.out) else NOT_MINE


def _same_broadcast(s: _Site):
    x = s.op.inputs[0]
    return x if "bcast" not in s.op.attrs and s.same(x, s.op.out) else NOT_MINE


def _reduce_nothing(s: _Site):
    """A reduction over no axis is its argument."""
    x = s.op.inputs[0]
    return x if not s.op.attrs["axis"] and s.same(x, s.op.out) else NOT_MINE


def _transpose_of_product(s: _Site):
    """(A @ B).T -> B.T @ A.T for matrices, when nothing else reads A @ B: the product comes out
    C-contiguous (BLAS takes the transposed operands as flags), where the transposed product was a
    Fortran-order view the caller copied (a weight gradient dW = (x.T @ dz).T becomes dz.T @ x)."""
    op = s.op
    m = s.made_by(op.inputs[0], "matmul")
    if (m is None or op.attrs.get("axes") not in (None, (1, 0)) or s.uses.get(m.out.id, 0) != 1
            or any(v.type.rank != 2 for v in m.inputs) or m.out.type.rank != 2):
        return NOT_MINE

    def transposed(v: Value) -> Value:
        t = s.made_by(v, "transpose")
        if t is not None and t.attrs.get("axes") in (None, (1, 0)) and t.inputs[0].type.rank == 2:
            return t.inputs[0]
        out = Value(None, v.type)
        s.avals[out.id] = PRIMITIVES["transpose"].abstract(s.avals[v.id], axes=(1, 0))
        s.place(Op("transpose", [v], [out], {"axes": (1, 0)}, op.loc, op.role))
        return out

    a, b = m.inputs
    return s.rebuild("matmul", [transposed(b), transposed(a)])


def _masked_product(s: _Site):
    """where(c, g, 0) * d -> where(c, g * d, 0) (also d * where(...) and where(...) / d): a place
    np.where did not choose keeps its zero whatever d holds there. The reverse sweep gives the
    branch not taken a zero cotangent, which its rules then multiply by a local derivative that
    may be inf or nan there (`np.where(x > 0, np.log(x), 0.0)`: 1/x at x = 0; `np.sqrt` of a
    negative): 0 * inf is nan, where the derivative is 0."""
    if s.op.role == "primal":  # a value keeps NumPy's 0 * nan = nan (and -0.0): only derivatives are masked
        return NOT_MINE
    op = s.op
    for k in ((0, 1) if op.prim == "mul" else (0,)):
        w = s.made_by(op.inputs[k], "where")
        if w is None:
            continue
        c, a, b = w.inputs
        za, zb = (_is(_const(s.producer.get(v.id), s.producer), 0) for v in (a, b))
        if za == zb:
            continue
        live, zero, other = (b if za else a), (a if za else b), op.inputs[1 - k]
        ins = [live, other] if k == 0 else [other, live]
        try:
            ab = PRIMITIVES[op.prim].abstract(*[s.avals[v.id] for v in ins])
        except Exception:  # noqa: BLE001 - a combination the row refuses: leave the op as it is
            return NOT_MINE
        if ab.type.kind == "array" and ab.type != op.out.type:  # a scalar (`where(c, -1.0, 0.0) * 2`): the
            return NOT_MINE                                          # where below must give the op's type
        prod = Value(op.out.hint, ab.type)
        s.avals[prod.id] = ab
        prod = _place_simplified(s, Op(op.prim, ins, [prod], {}, op.loc, op.role))  # a where inside: its zero too
        branches = [zero, prod] if za else [prod, zero]
        try:
            out = PRIMITIVES["where"].abstract(*[s.avals[v.id] for v in [c] + branches])
        except Exception:  # noqa: BLE001
            return NOT_MINE
        if out.type != op.out.type or tuple(out.shape) != tuple(s.avals[op.out.id].shape):
            return NOT_MINE
        return s.rebuild("where", [c] + branches)
    return NOT_MINE


def _masked_region(s: _Site):
    """index_add(zeros, g, *ints, index=I) * d -> index_add(zeros, g * d[I], *ints, index=I) (also
    d * ..., ... / d; nested index_adds region by region): the cotangent of a slice or an element
    (`np.log(x)[1:]`, `l[2]`) is zero outside the region read, and stays zero there whatever d
    holds (1/x of np.log at x = 0: 0 * inf is nan where the derivative is 0), as np.where's branch
    not taken does (_masked_product). Inside the region the product is computed as before, so a
    computed zero times inf is still nan. Derivative code only; basic indices (not gathers); not
    where the regions cover the whole array (loopmask.covers_all: no zero left to keep)."""
    if s.op.role == "primal":
        return NOT_MINE
    op = s.op
    from ..primitives.arrays import is_advanced, _shift
    from .loopmask import covers_all

    out_aval = s.avals[op.out.id]
    for k in ((0, 1) if op.prim == "mul" else (0,)):
        d = op.inputs[1 - k]
        d_aval = s.avals[d.id]
        if d.type.kind == "array" and (d.type != op.out.type or tuple(d_aval.shape) != tuple(out_aval.shape)
                                       or None in tuple(out_aval.shape)):
            continue

        def region_product(v, depth=0):
            """v * d (or v / d) with v zeros or index_adds into zeros: the product region by region,
            or None."""
            if v.type != op.out.type or tuple(s.avals[v.id].shape) != tuple(out_aval.shape) or depth > 8:
                return None
            if s.made_by(v, "zeros_like") is not None or s.made_by(v, "zeros") is not None:
                return v
            ia = s.made_by(v, "index_add")
            if ia is None or is_advanced(ia.attrs["index"]):
                return None
            base = region_product(ia.inputs[0], depth + 1)
            if base is None:
                return None
            g, ints = ia.inputs[1], list(ia.inputs[2:])
            region = d
            if d.type.kind == "array" and ia.attrs["index"]:  # d where the index_add writes (all of it: d)
                index = _shift(ia.attrs["index"], -1)
                try:
                    ab = PRIMITIVES["getitem"].abstract(d_aval, *[s.avals[i.id] for i in ints], index=index)
                except Exception:  # noqa: BLE001
                    return None
                region = Value(None, ab.type)
                s.avals[region.id] = ab
                s.place(Op("getitem", [d] + ints, [region], {"index": index}, op.loc, op.role))
            ins = [g, region] if k == 0 else [region, g]
            try:
                ab = PRIMITIVES[op.prim].abstract(*[s.avals[x.id] for x in ins])
            except Exception:  # noqa: BLE001
                return None
            prod = Value(None, ab.type)
            s.avals[prod.id] = ab
            prod = _place_simplified(s, Op(op.prim, ins, [prod], {}, op.loc, op.role))
            out = Value(op.out.hint, op.out.type)
            try:
                s.avals[out.id] = PRIMITIVES["index_add"].abstract(s.avals[base.id], s.avals[prod.id],
                                                                   *[s.avals[i.id] for i in ints], index=ia.attrs["index"])
            except Exception:  # noqa: BLE001
                return None
            s.place(Op("index_add", [base, prod] + ints, [out], dict(ia.attrs), op.loc, op.role))
            return out

        if s.made_by(op.inputs[k], "index_add") is None or covers_all(s, op.inputs[k]):  # no zero left
            continue
        found = region_product(op.inputs[k])
        if found is not None:
            return found
    return NOT_MINE


def _loop_distribute(s: _Site):
    """loop-result * d with the loop accumulating item by item from zeros: passes/loopmask.py."""
    from .loopmask import distribute

    return distribute(s, NOT_MINE)


def _place_simplified(s: _Site, new: Op) -> Value:
    """Place an op a rule made, simplified by the rules first (the product of a where nested in a
    where: `where(c2, 0, where(c1, 0, g)) * d`, nan_to_num's cotangent), its result's value."""
    for _ in range(4):
        rule = RULES.get(new.prim)
        result = rule(_Site(new, s.avals, s.producer, s.kept, s.uses)) if rule is not None else None
        if isinstance(result, Value):
            return result
        if not isinstance(result, Op):
            break
        new = result
    s.place(new)
    return new.out


def _zero(s: _Site, v: Value) -> bool:
    return _is(_const(s.producer.get(v.id), s.producer), 0)


def _masked_sum(s: _Site):
    """where(c, a1, b1) + where(c, a2, b2) -> where(c, a1 + a2, b1 + b2) for one condition c (also
    `-`): the reverse sweep adds the cotangents a value gets from its uses, and the zero np.where put
    where it did not choose must stay a where through that sum, so that the product by a derivative
    that is inf or nan there keeps its zero (_masked_product; `2 log(x) - arctan(x)` of an x that is
    nan where np.where did not choose it). Exact elementwise: both sides choose alike."""
    if s.op.role == "primal":  # a value keeps NumPy's 0 * nan = nan (and -0.0): only derivatives are masked
        return NOT_MINE
    op = s.op
    w0, w1 = (s.made_by(v, "where") for v in op.inputs)
    if w0 is None or w1 is None:
        return NOT_MINE
    if w0.inputs[0] is not w1.inputs[0]:
        return _mask_union(s, w0, w1)
    plans = []
    for x, y in ((w0.inputs[1], w1.inputs[1]), (w0.inputs[2], w1.inputs[2])):
        if _zero(s, y):
            plans.append((x, None))
        elif _zero(s, x) and op.prim == "add":
            plans.append((y, None))
        else:
            ins = [x, y] if not _zero(s, x) else [y]
            prim = op.prim if len(ins) == 2 else "neg"
            try:
                ab = PRIMITIVES[prim].abstract(*[s.avals[v.id] for v in ins])
            except Exception:  # noqa: BLE001 - a combination the row refuses: leave the op as it is
                return NOT_MINE
            plans.append((prim, ins, ab))
    avals = [p[2] if len(p) == 3 else s.avals[p[0].id] for p in plans]
    try:
        out = PRIMITIVES["where"].abstract(s.avals[w0.inputs[0].id], *avals)
    except Exception:  # noqa: BLE001
        return NOT_MINE
    if out.type != op.out.type or tuple(out.shape) != tuple(s.avals[op.out.id].shape):
        return NOT_MINE
    branches = []
    for p in plans:
        if len(p) == 2:
            branches.append(p[0])
            continue
        prim, ins, ab = p
        v = Value(op.out.hint, ab.type)
        s.avals[v.id] = ab
        s.place(Op(prim, ins, [v], {}, op.loc, op.role))
        branches.append(v)
    return s.rebuild("where", [w0.inputs[0]] + branches)


def _mask_union(s: _Site, w0: Op, w1: Op):
    """where(c0, a, 0) + where(c1, 0, b) with two conditions -> where(c0 | ~c1, <the sum>, 0): zero
    where neither chose (as the sum is there), a where for _masked_product to keep through the
    product by a derivative that is inf or nan there (np.fmax's cotangent: where(b != b, g, 0) +
    where(a >= b, g, 0); `np.fmax(np.log(x), -2.0)` at x = 0 was nan, its derivative 0)."""
    op = s.op
    if op.out.type.dtype not in ("float32", "float64"):
        return NOT_MINE
    masks = []
    for w in (w0, w1):
        c, a, b = w.inputs
        za, zb = _zero(s, a), _zero(s, b)
        if za == zb:
            return NOT_MINE
        masks.append((c, za))
    try:
        for k, (c, negate) in enumerate(masks):
            if negate:  # the zero is where c holds: the live places are ~c
                m = Value(None, c.type)
                s.avals[m.id] = PRIMITIVES["logical_not"].abstract(s.avals[c.id])
                s.place(Op("logical_not", [c], [m], {}, op.loc, op.role))
                c = m
            masks[k] = c
        mask = Value(None, PRIMITIVES["logical_or"].abstract(*[s.avals[m.id] for m in masks]).type)
        s.avals[mask.id] = PRIMITIVES["logical_or"].abstract(*[s.avals[m.id] for m in masks])
        zero = s.const(0.0, scalar_type("float64", True))
        out = PRIMITIVES["where"].abstract(s.avals[mask.id], s.avals[op.out.id], s.avals[zero.id])
    except Exception:  # noqa: BLE001 - a combination the rows refuse: leave the op as it is
        return NOT_MINE
    if out.type != op.out.type or tuple(out.shape) != tuple(s.avals[op.out.id].shape):
        return NOT_MINE
    s.place(Op("logical_or", masks, [mask], {}, op.loc, op.role))
    total = Value(op.out.hint, op.out.type)
    s.avals[total.id] = s.avals[op.out.id]
    s.place(Op(op.prim, list(op.inputs), [total], dict(op.attrs), op.loc, op.role))
    return s.rebuild("where", [mask, total, zero])


def _masked_transpose(s: _Site):
    """where(c, a, 0).T -> where(c.T, a.T, 0) in derivative code (c and a of the where's shape):
    a cotangent np.where masked, transposed (`np.where(X.T > 0, l.T, 0)`), stays a where for the
    rules that follow (_masked_sum, _masked_product)."""
    op = s.op
    w = s.made_by(op.inputs[0], "where")
    if op.role == "primal" or w is None or op.out.type.dtype not in ("float32", "float64"):
        return NOT_MINE
    c, a, b = w.inputs
    za, zb = _zero(s, a), _zero(s, b)
    shape = tuple(s.avals[w.out.id].shape)
    live = b if za else a
    if za == zb or None in shape or any(tuple(s.avals[v.id].shape) not in (shape, ()) for v in (c, live)):
        return NOT_MINE
    parts = []
    for v in (c, live):
        if not s.avals[v.id].shape:  # a number: the same transposed
            parts.append(v)
            continue
        ab = PRIMITIVES["transpose"].abstract(s.avals[v.id], **op.attrs)
        t = Value(None, ab.type)
        s.avals[t.id] = ab
        s.place(Op("transpose", [v], [t], dict(op.attrs), op.loc, op.role))
        parts.append(t)
    zero = a if za else b
    return s.rebuild("where", [parts[0], zero, parts[1]] if za else [parts[0], parts[1], zero])


def _masked_negation(s: _Site):
    """-where(c, a, 0) -> where(c, -a, 0) (and with the zero first): the zero np.where put where it
    did not choose stays a where for the rules that follow (_masked_product, _masked_sum)."""
    if s.op.role == "primal":  # a value keeps NumPy's 0 * nan = nan (and -0.0): only derivatives are masked
        return NOT_MINE
    op = s.op
    w = s.made_by(op.inputs[0], "where")
    if w is None:
        return NOT_MINE
    c, a, b = w.inputs
    za, zb = _zero(s, a), _zero(s, b)
    if za == zb:
        return NOT_MINE
    live = b if za else a
    ab = PRIMITIVES["neg"].abstract(s.avals[live.id])
    branches = [a, None] if za else [None, b]
    try:
        avals = [ab if v is None else s.avals[v.id] for v in branches]
        out = PRIMITIVES["where"].abstract(s.avals[c.id], *avals)
    except Exception:  # noqa: BLE001
        return NOT_MINE
    if out.type != op.out.type or tuple(out.shape) != tuple(s.avals[op.out.id].shape):
        return NOT_MINE
    v = Value(op.out.hint, ab.type)
    s.avals[v.id] = ab
    s.place(Op("neg", [live], [v], {}, op.loc, op.role))
    return s.rebuild("where", [c] + [v if x is None else x for x in branches])


def _first(*rules: Callable) -> Callable:
    """The first rule that applies decides."""
    def rule(s: _Site):
        for r in rules:
            result = r(s)
            if result is not NOT_MINE:
                return result
        return None
    return rule


RULES: dict[str, Callable] = {
    "add": _first(_fold, _identity(1, 0, False), _identity(0, 0, False), _add_twice, _add_self, _masked_sum),
    "sub": _first(_fold, _identity(1, 0, False), _masked_sum),
    "mul": _first(_fold, _identity(1, 1, True), _identity(0, 1, True), _masked_product, _masked_region,
                  _loop_distribute),
    "div": _first(_fold, _identity(1, 1, True), _masked_product, _masked_region, _loop_distribute),
    "floordiv": _first(_integer_only(_identity(1, 1, False))),  # x // 1.0 is floor(x), not x
    "pow": _first(_fold, _identity(1, 1, True), _square),
    "neg": _first(_fold, _double_negation, _masked_negation),
    "astype": _first(_fold_cast, _same_cast),
    "broadcast_to": _first(_same_broadcast),
    "transpose": _first(_transpose_of_product, _masked_transpose),
    **{r: _first(_reduce_nothing) for r in REDUCTIONS},
}


# ------------------------------------------------------------------------------------ the pass

def simplify(fn: Function) -> Function:
    avals = fn.avals
    producer: dict[int, Op] = {}
    replace: dict[int, Value] = {}
    _simplify_block(fn.body, avals, producer, replace, use_counts(fn))
    return substitute(fn, replace)


def _simplify_block(block: Block, avals: dict, producer: dict, replace: dict, uses: dict) -> None:
    kept: list = []
    for op in block.ops:
        substitute_node(op, replace)
        if not isinstance(op, Op):
            for b in inner_blocks(op):
                _simplify_block(b, avals, producer, replace, uses)
            substitute_node(op, replace)
            kept.append(op)
            continue
        result = None
        for _ in range(4):  # an op a rule made is simplified in turn (v + v -> 2 * v, then its own rules)
            rule = RULES.get(op.prim)
            result = rule(_Site(op, avals, producer, kept, uses)) if rule is not None else None
            if not isinstance(result, Op):
                break
            op = result
        if isinstance(result, Value):  # the op goes; its result is an existing value
            if result.hint is None:
                result.hint = op.out.hint
            replace[op.out.id] = result
            # which takes over the op's readers (a rule asking `uses` of it later, loopmask.distribute's
            # single-use test, must count them: a loop's accumulator distributed into twice was wrong)
            uses[result.id] = (uses.get(result.id, 0) + uses.get(op.out.id, 0)
                               - sum(1 for i in op.inputs if i.id == result.id))
            continue
        if PRIMITIVES[op.prim].elementwise and op.out.type.kind == "array":
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
