"""Fusion's unit graph (passes/fusion.py `_merge`): which units (fused groups and lone ops) feed
which, kept up to date as groups merge. Recomputing it from every op after each merge, and
walking every member's inputs per candidate pair, made fusion quadratic in the program's length
(33 of 54 s lowering a 300-statement gradient, issue 14)."""
from __future__ import annotations


class UnitGraph:
    """Data edges d -> u (u reads a value d computes; never from a unit to itself), renamed as
    groups merge, and the tape order's edges (few, recomputed: they may loop on a unit)."""

    def __init__(self, ops: list, unit, where: dict, pairs: list):
        self.unit, self.pairs = unit, pairs
        self.data: dict = {}
        self.preds: dict = {}
        self.reads: dict = {}  # id(group) -> (ids its members read, ids its gathers read)
        for n, op in enumerate(ops):
            u = unit(n)
            for i in op.inputs:
                if i.id in where:
                    d = unit(where[i.id])
                    if d != u:
                        self.data.setdefault(d, set()).add(u)
                        self.preds.setdefault(u, set()).add(d)

    def edges(self) -> dict:
        """unit -> the units it feeds (data and tape order), as they stand."""
        e = {d: set(us) for d, us in self.data.items()} if self.pairs else self.data
        for a, b in self.pairs:
            e.setdefault(self.unit(a), set()).add(self.unit(b))
        return e

    def merge(self, h, g) -> None:
        """Group h joins group g: h's edges and reads become g's."""
        data, preds, hid, gid = self.data, self.preds, id(h), id(g)
        for u in data.pop(hid, set()):
            preds[u].discard(hid)
            if u != gid:
                data.setdefault(gid, set()).add(u)
                preds[u].add(gid)
        for d in preds.pop(hid, set()):
            data[d].discard(hid)
            if d != gid:
                data[d].add(gid)
                preds.setdefault(gid, set()).add(d)
        gr, hr = self.reads_of(g), self.reads_of(h)
        self.reads[gid] = (gr[0] | hr[0], gr[1] | hr[1])

    def reads_of(self, g) -> tuple:
        got = self.reads.get(id(g))
        if got is None:
            got = self.reads[id(g)] = ({i.id for op in g.members for i in op.inputs},
                                       {i.id for op in g.members if op.prim in ("gather", "index_add")
                                        for k, i in enumerate(op.inputs) if op.prim == "gather" or k != 1})
        return got

    def reads_reduction(self, src, dst) -> bool:
        """Whether dst reads a reduction or an np.add.at result of src (ready only after src's loop),
        or a gather in dst reads a value of src (a gather's operands are whole arrays; so are an
        np.add.at member's base and indices)."""
        read, gathered = self.reads_of(dst)
        kinds = src.kinds
        return any(kinds[i] in ("reduce", "scatter") for i in read & kinds.keys()) or not gathered.isdisjoint(kinds.keys())


def reaches(e: dict, a, b, skip_direct: bool) -> bool:
    """Whether a path a -> ... -> b exists in e (of length >= 2 if skip_direct)."""
    stack = [x for x in e.get(a, ()) if not (skip_direct and x == b)]
    seen = set(stack)
    while stack:
        x = stack.pop()
        if x == b:
            return True
        for y in e.get(x, ()):
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return False
