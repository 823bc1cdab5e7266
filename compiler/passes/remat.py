"""Recompute instead of store (fusion's last step): when a later fusion group reads elementwise
values of an earlier one, the ops computing them are copied into the later group, so those values
are never written to memory (passes/fusion.py calls `rematerialize`).

The scan visits (producer group, reader group) pairs in program order and copies at the first pair
that can; a copy into h changes only what h reads and what a cone of h's own values reaches, so the
pairs found with nothing to copy stay settled unless they involve h, and the scan resumes at the
earliest group that can have an unsettled pair. The tables (where each value is made, its users,
each group's places and readers) are updated in place by each copy, never rebuilt: a program making
thousands of copies (a long straight-line function, issue 14) costs time linear in its copies."""
from __future__ import annotations

import bisect
import dataclasses

from ..ir import Op, Value

MAX_CONE = 32  # at most this many ops recomputed in one consumer group


def elementwise_positions(op: Op) -> range | tuple:
    """The inputs a loop member reads at the loop index: a gather none (it reads its operands where
    its indices point), an np.add.at member its value only (it writes its base where they point)."""
    if op.prim == "gather":
        return ()
    if op.prim == "index_add":
        return (1,)
    return range(len(op.inputs))


def elementwise_operands(op: Op) -> list:
    return [op.inputs[k] for k in elementwise_positions(op)]


class _Tables:
    """where each value is made, who reads it, each group's places in ops and the groups reading
    it elementwise (`readers`; an entry a copy made stale only costs a visit finding nothing) and
    the groups it reads from (`sources`), kept up to date op by op."""

    def __init__(self, ops: list, group_of: dict):
        self.ops, self.group_of = ops, group_of
        self.where = {o.id: n for n, op in enumerate(ops) for o in op.outputs}
        self.users: dict[int, list] = {}
        self.places: dict = {}
        self.readers: dict = {}
        self.sources: dict = {}
        for n, op in enumerate(ops):
            self._read(n, op)

    def _read(self, n: int, op: Op) -> None:
        where, group_of = self.where, self.group_of
        for i in op.inputs:
            if i.id in where:
                self.users.setdefault(i.id, []).append(n)
        h = group_of.get(n)
        if h is None:
            return
        for i in elementwise_operands(op):
            g = group_of.get(where.get(i.id, -1))
            if g is not None and g is not h:
                self.readers.setdefault(id(g), {})[id(h)] = h
                self.sources.setdefault(id(h), {})[id(g)] = g

    def append(self, op: Op) -> None:
        n = len(self.ops) - 1  # op was appended to ops
        for o in op.outputs:
            self.where[o.id] = n
        self._read(n, op)
        self.places.setdefault(id(self.group_of[n]), []).append(n)

    def replace(self, n: int, old: Op, new: Op) -> None:
        for i in old.inputs:
            if i.id in self.where:
                self.users[i.id].remove(n)
        self._read(n, new)


def rematerialize(ctx: dict, ops: list, group_of: dict, gs: list, order_key: dict, retired: list,
                  max_members: int) -> list:
    """Copy the ops computing elementwise values a later group reads (back to values that stay
    stored anyway: SIMD results, values read elsewhere, arguments) into that group. Members left
    without users are dropped. Returns the new op list (group_of is rebuilt).

    (Over 80 lines: one scan whose copy and rewire steps share its tables.)"""
    uses, avals = ctx["uses"], ctx["avals"]
    t = _Tables(ops, group_of)
    where, users = t.where, t.users
    for n, op in enumerate(ops):
        if group_of.get(n) is not None:
            t.places.setdefault(id(group_of[n]), []).append(n)

    def okey(g) -> float:  # members stay sorted: a group's first member orders it
        return order_key[id(g.members[0])]

    live = sorted((g for g in gs if g.members), key=okey)
    settled: set = set()  # (id(g), id(h)) visited with nothing copied
    involving: dict = {}  # id(group) -> the settled pairs naming it
    start = 0
    while True:
        copied = None
        for g in live[start:]:
            def anchor(v: Value) -> bool:
                n = where.get(v.id)
                if n is None or group_of.get(n) is not g or g.kinds.get(v.id) != "elem":
                    return True
                us = users.get(v.id, [])
                return uses.get(v.id, 0) > len(us) or any(group_of.get(u) is None for u in us)

            for h in sorted(t.readers.get(id(g), {}).values(), key=okey):
                pair = (id(g), id(h))
                if h.shape != g.shape or pair in settled:
                    continue
                settled.add(pair)
                involving.setdefault(id(g), set()).add(pair)
                involving.setdefault(id(h), set()).add(pair)
                reads = [n for n in t.places[id(h)] if elementwise_operands(ops[n])]
                targets = list({i.id: i for n in reads for i in elementwise_operands(ops[n])
                                if i.id in where and group_of.get(where[i.id]) is g and not anchor(i)}.values())
                if not targets:
                    continue
                cone: list = []
                ok: dict[int, bool] = {}

                def visit(v: Value, depth: int = 0) -> bool:
                    if anchor(v):
                        return True
                    if v.id not in ok:
                        if depth > MAX_CONE:  # a longer chain than a cone may hold: refused either way
                            return False
                        op = ops[where[v.id]]
                        ok[v.id] = False  # (no cycles in SSA; set before recursing all the same)
                        ok[v.id] = op.prim != "outer" and (all(anchor(i) for i in op.inputs) if op.prim == "gather"
                                                           else all(visit(i, depth + 1) for i in op.inputs))
                        if ok[v.id]:
                            cone.append(v)
                    return ok[v.id]

                if (not all([visit(v) for v in targets]) or len(cone) > MAX_CONE
                        or len(h.members) + len(cone) > max_members):
                    continue
                at = bisect.bisect_left(live, okey(h), key=okey)  # h leaves the order: its first member may change
                while live[at] is not h:
                    at += 1
                del live[at]
                _copy(ops, group_of, h, cone, reads, targets, t, ctx, order_key, retired)
                copied = g, h
                break
            if copied:
                break
        if copied is None:
            break
        g, h = copied
        for pair in involving.pop(id(h), ()):  # a copy into h: its pairs are open again
            settled.discard(pair)
            other = pair[0] if pair[1] == id(h) else pair[1]
            involving.get(other, set()).discard(pair)
        bisect.insort(live, h, key=okey)
        # every pair before the scan's place is settled but those naming h: resume at the first
        # group that has one (h, a group h reads from) or at the place of the copy
        first = min([okey(g), okey(h)] + [okey(s) for s in t.sources.get(id(h), {}).values() if s.members])
        start = bisect.bisect_left(live, first, key=okey)
    return _drop_unread(ops, group_of, uses)


def _copy(ops: list, group_of: dict, h, cone: list, reads: list, targets: list, t: _Tables, ctx: dict,
          order_key: dict, retired: list) -> None:
    """Copy the cone's ops into h and make h's reads of the targets read the copies."""
    uses, avals, where = ctx["uses"], ctx["avals"], t.where
    first = min(order_key[id(ops[n])] for n in reads if any(i in targets for i in ops[n].inputs))
    mapping: dict[int, Value] = {}
    for k, v in enumerate(cone):
        op = ops[where[v.id]]
        nv = Value(v.hint, v.type)
        avals[nv.id] = avals[v.id]
        new = dataclasses.replace(op, inputs=[mapping.get(i.id, i) for i in op.inputs], outputs=[nv])
        for i in new.inputs:
            uses[i.id] = uses.get(i.id, 0) + 1
        mapping[v.id] = nv
        ops.append(new)
        order_key[id(new)] = first - 0.5 + 0.4 * k / len(cone)
        group_of[len(ops) - 1] = h
        h.members.append(new)
        h.kinds[nv.id] = "elem"
        t.append(new)
    for n in reads:
        op = ops[n]
        at = elementwise_positions(op)
        if any(op.inputs[k].id in mapping for k in at):
            for k in at:
                i = op.inputs[k]
                if i.id in mapping:
                    uses[i.id] -= 1
                    uses[mapping[i.id].id] = uses.get(mapping[i.id].id, 0) + 1
            new = dataclasses.replace(op, inputs=[mapping.get(i.id, i) if k in at else i
                                                  for k, i in enumerate(op.inputs)])
            order_key[id(new)] = order_key[id(op)]
            retired.append(op)
            h.members[h.members.index(op)] = new
            ops[n] = new
            t.replace(n, op, new)
    h.members.sort(key=lambda op: order_key[id(op)])


def _drop_unread(ops: list, group_of: dict, uses: dict) -> list:
    """Drop the group members nothing reads any more (group_of renumbered)."""
    while True:
        read = {i.id for op in ops for i in op.inputs}
        dead = [n for n, op in enumerate(ops) if group_of.get(n) is not None and op.out.id not in read
                and uses.get(op.out.id, 0) == 0]
        if not dead:
            return ops
        for n in dead:
            g = group_of[n]
            g.members = [m for m in g.members if m is not ops[n]]
            for i in ops[n].inputs:
                uses[i.id] = uses.get(i.id, 0) - 1
        gone = set(dead)
        keep = [n for n in range(len(ops)) if n not in gone]
        remap = {n: k for k, n in enumerate(keep)}
        new_group_of = {remap[n]: g for n, g in group_of.items() if n in remap}
        group_of.clear()
        group_of.update(new_group_of)
        ops = [ops[n] for n in keep]
