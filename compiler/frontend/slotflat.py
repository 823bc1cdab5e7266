"""slotcheck.py's fast path: a `for` loop with a known trip count whose body touches lists only in
straight-line code (no branch or inner loop does) is checked for all its iterations at once, with
its integers as NumPy vectors over the iterations (an RTS smoother's 10^5-step sweeps in a few
milliseconds instead of a walk per iteration). Item s of a list the loop carries counts as written
at a read in iteration t, position p of the body when the list had it when the loop started, or a
write reached it at an earlier (iteration, position). Anything else (an index the vectors cannot
follow, a list made inside the loop, a list written that the loop does not carry) returns False:
the loop is walked iteration by iteration instead."""
from __future__ import annotations

import operator

import numpy as np

from ..ir import Op

_VEC = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "maximum": np.maximum, "minimum": np.minimum,
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq, "ne": operator.ne,
    "logical_and": np.logical_and, "logical_or": np.logical_or,
}
_INTS = ("int64", "int32", "bool")


def _defined(block, out: set) -> set:
    for node in block.ops:
        out.update(v.id for v in getattr(node, "outputs", ()))
        for b in ("then_block", "else_block", "cond_block", "body"):
            if hasattr(node, b):
                _defined(getattr(node, b), out)
    return out


def flat_loop(ck, node, trips: range) -> bool:
    """Check the loop `node` over `trips` at once (ck: the slotcheck._Checker); False when it
    cannot (the caller walks it then)."""
    body = ck.nodes_of(node.body)
    for n in body:
        if not isinstance(n, Op) and ck.relevant(n) or isinstance(n, Op) and n.prim == "zeros" and "list" in n.attrs:
            return False
    lists = {p.id: ck.cov[p.id] for p in node.carried if p.id in ck.cov}
    if any(c.n is None for c in lists.values()):
        return False
    flat = _Flat(ck, node, trips, lists)
    events = flat.events(body)
    if events is None:
        return False
    for p, y in zip(node.carried, node.body_yield):
        if p.id in lists and flat.chains.get(y.id) != p.id:
            return False  # the loop rebinds the list to another: walked instead
    if len(trips):
        flat.check(events, len(body) + 1)
    ck.steps += len(trips)
    flat.finish()
    return True


class _Flat:
    def __init__(self, ck, node, trips: range, lists: dict):
        self.ck, self.node, self.trips, self.lists = ck, node, trips, lists
        self.t = np.arange(len(trips), dtype=np.int64)
        self.defined = _defined(node.body, set())
        self.vec = {node.index.id: trips.start + trips.step * self.t}
        self.chains = {pid: pid for pid in lists}  # list version -> the carried list it is a version of
        top = {op.out.id: op for op in node.body.ops if isinstance(op, Op) and op.outputs}
        for p, y in zip(node.carried, node.body_yield):  # ints the loop carries: constant, or p + c each iteration
            k0 = ck.ival(p)
            if p.id in lists:
                continue
            self.vec[p.id] = None
            if k0 is None or isinstance(k0, bool):
                continue
            if y.id == p.id:
                self.vec[p.id] = k0
                continue
            op = top.get(y.id)
            if op is not None and op.prim in ("add", "sub") and op.inputs[0].id == p.id \
                    and op.inputs[1].id not in self.defined:
                c = ck.ival(op.inputs[1])
                if c is not None:
                    self.vec[p.id] = k0 + (c if op.prim == "add" else -c) * self.t

    def get(self, v):
        if v.id in self.vec:
            return self.vec[v.id]
        return None if v.id in self.defined else self.ck.ival(v)

    def events(self, body):
        """[(position, kind, list, items or None, op)]: the body's writes ("w"), row reads ("r") and
        whole uses ("u"), its ints evaluated over all iterations; None when they cannot be."""
        ck, out = self.ck, []
        for pos, op in enumerate(body):
            if not isinstance(op, Op):
                continue
            for k, v in enumerate(op.inputs):
                if v.id not in ck.listy or (v.id not in self.chains and v.id not in ck.cov):
                    continue
                chain = self.chains.get(v.id)
                if k == 0 and op.prim == "index_update":
                    idx = self.get(op.inputs[2]) if op.attrs.get("index") == (("int", 2),) else None
                    if chain is None or idx is None:
                        return None  # a write into a list the loop does not carry, or at an unknown item
                    out.append((pos, "w", chain, idx, op))
                    self.chains[op.out.id] = chain
                elif k == 0 and op.prim == "getitem" and op.attrs.get("index") == (("int", 1),):
                    idx = self.get(op.inputs[1])
                    if idx is None:
                        return None
                    out.append((pos, "r", chain if chain is not None else v.id, idx, op))
                elif op.prim not in ("shape", "size"):
                    out.append((pos, "u", chain if chain is not None else v.id, None, op))
            res = op.outputs[0] if op.outputs else None
            if res is not None and res.type is not None and res.type.kind == "scalar" and res.type.dtype in _INTS:
                value = _evaluate(op, [self.get(v) for v in op.inputs], ck)
                if value is not None:
                    self.vec[res.id] = value
        return out

    def check(self, events, P: int) -> None:
        """Every read's item written at an earlier (iteration, position) or before the loop."""
        T, t, big = len(self.trips), self.t, np.iinfo(np.int64).max
        self.first = {pid: np.full(c.n, big, dtype=np.int64) for pid, c in self.lists.items()}
        for pos, kind, chain, idx, op in events:
            if kind == "w":
                s, ok = _slots(np.broadcast_to(idx, (T,)), self.lists[chain].n)
                np.minimum.at(self.first[chain], s[ok], (t * P + pos)[ok])
        for pos, kind, chain, idx, op in events:
            carried = chain in self.lists
            c = self.lists[chain] if carried else self.ck.cov[chain]
            if kind == "w" or c.full:
                continue
            if c.n is None:
                self.fail(0, op, c, None)
            if kind == "u":
                if not (c.w | (self.first[chain] < pos) if carried else c.w).all():
                    self.fail(0, op, c, None)
                continue
            idx = np.broadcast_to(idx, (T,))
            s, ok = _slots(idx, c.n)
            s = np.where(ok, s, 0)
            covered = c.w[s] | ~ok
            if carried:
                covered |= self.first[chain][s] < t * P + pos
            if not covered.all():
                bad = int(np.argmin(covered))
                self.fail(bad, op, c, int(idx[bad]))

    def fail(self, t: int, op, c, k) -> None:
        ck, node = self.ck, self.node
        ck.where.append((node, node.index))
        ck.ints[node.index.id] = self.trips[t]
        try:
            ck.fail(op, c, k, whole=k is None and op.prim != "getitem")
        finally:
            ck.where.pop()

    def finish(self) -> None:
        """The items written by the loop, and its outputs."""
        ck, node = self.ck, self.node
        big = np.iinfo(np.int64).max
        for pid, c in self.lists.items():
            if len(self.trips):
                c.w |= self.first[pid] < big
                c.count = int(c.w.sum())
        for p, o, y in zip(node.carried, node.outputs, node.body_yield):
            ck.ints.pop(o.id, None)
            ck.cov.pop(o.id, None)
            if p.id in self.lists:
                ck.cov[o.id] = self.lists[p.id]
            elif len(self.trips) == 0:
                k = ck.ival(p)
                if k is not None:
                    ck.ints[o.id] = k
            elif self.vec.get(p.id) is not None:
                last = self.get(y)
                if last is not None:
                    ck.ints[o.id] = int(last[-1] if np.ndim(last) else last)


def _slots(idx, n: int):
    s = np.where(idx < 0, idx + n, idx)
    return s, (s >= 0) & (s < n)


def _evaluate(op, ins, ck):
    """An int op over vectors (or numbers); None when not known."""
    if op.prim == "const":
        v = op.attrs.get("value")
        return v if isinstance(v, (bool, int, np.integer)) else None
    if op.prim == "getitem" and op.inputs and op.inputs[0].type.kind == "tuple":
        return ck._tuple_item(op.inputs[0], ins[1]) if isinstance(ins[1], (int, np.integer)) else None
    if any(x is None for x in ins):
        return None
    if op.prim in _VEC and len(ins) == 2:
        return _VEC[op.prim](ins[0], ins[1])
    if op.prim in ("floordiv", "mod") and len(ins) == 2:
        if np.any(np.asarray(ins[1]) == 0):
            return None
        return ins[0] // ins[1] if op.prim == "floordiv" else ins[0] % ins[1]
    if op.prim == "neg" and len(ins) == 1:
        return -ins[0]
    if op.prim == "abs" and len(ins) == 1:
        return np.abs(ins[0])
    if op.prim == "logical_not" and len(ins) == 1:
        return np.logical_not(ins[0])
    if op.prim == "astype" and len(ins) == 1:
        return np.asarray(ins[0]).astype(bool if op.out.type.dtype == "bool" else np.int64)
    if op.prim == "where" and len(ins) == 3:
        return np.where(ins[0], ins[1], ins[2])
    return None
