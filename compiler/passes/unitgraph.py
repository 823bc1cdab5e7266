"""Fusion's merging of groups (passes/fusion.py's second phase, `merge_groups`) and its unit
graph: which units (fused groups and lone ops) feed which, kept up to date as groups merge, with a
topological position per unit that bounds the reachability queries. Recomputing the graph from every op after each merge, and walking every
member's inputs per candidate pair, made fusion quadratic in the program's length (33 of 54 s
lowering a 300-statement gradient, issue 14); walking the whole graph below a unit for each
candidate pair made it cubic (heldout13's unrolled L-BFGS: minutes in `reaches`)."""
from __future__ import annotations

import bisect
import heapq
import itertools

from ..primitives import is_advanced


class UnitGraph:
    """Edges d -> u (u reads a value d computes, or the tape order puts u after d; never from a
    unit to itself), renamed as groups merge, and `pos`: a topological order of the units (every
    edge goes from a lower position to a higher one), repaired at each merge. A path a -> b then
    runs only through units positioned between a and b, which is all `reaches` walks."""

    def __init__(self, ops: list, unit, where: dict, pairs: list):
        self.data: dict = {}
        self.preds: dict = {}
        self.reads: dict = {}  # id(group) -> (ids its members read, ids its gathers read)
        first: dict = {}  # unit -> its first op's index (ties in the order)
        for n, op in enumerate(ops):
            u = unit(n)
            first.setdefault(u, n)
            for i in op.inputs:
                if i.id in where:
                    self._edge(unit(where[i.id]), u)
        for a, b in pairs:  # tape pushes and pops: lone ops, never members, so their units never change
            self._edge(unit(a), unit(b))
        self.pos = self._topological(first)

    def _edge(self, d, u) -> None:
        if d != u:
            self.data.setdefault(d, set()).add(u)
            self.preds.setdefault(u, set()).add(d)

    def _topological(self, first: dict) -> dict | None:
        """Kahn's order, earliest first op first; None if the graph has a cycle (then `reaches`
        walks without bounds, as it did before positions were kept)."""
        waiting = {u: len(self.preds.get(u, ())) for u in first}
        ready = [(n, k, u) for k, (u, n) in enumerate(first.items()) if not waiting[u]]
        key = {u: (n, k) for k, (u, n) in enumerate(first.items())}
        heapq.heapify(ready)
        pos: dict = {}
        while ready:
            _, _, u = heapq.heappop(ready)
            pos[u] = len(pos)
            for w in self.data.get(u, ()):
                waiting[w] -= 1
                if not waiting[w]:
                    heapq.heappush(ready, (*key[w], w))
        return pos if len(pos) == len(first) else None

    def merge(self, h, g) -> None:
        """Group h joins group g (no path of length >= 2 joins them): h's edges and reads become g's."""
        data, preds, hid, gid = self.data, self.preds, id(h), id(g)
        if self.pos is not None:
            self._reposition(hid, gid)
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
        gr[0].update(hr[0])
        gr[1].update(hr[1])
        del self.reads[hid]

    def _reposition(self, hid, gid) -> None:
        """Keep `pos` topological once h and g are one unit (g): of the units between them, those
        the earlier one reaches move after the merged unit, those reaching the later one before
        it, each set in its order, into the same positions (one is left unused)."""
        pos = self.pos
        a, b = (hid, gid) if pos[hid] < pos[gid] else (gid, hid)
        lo, hi = pos[a], pos[b]
        after = self._between(a, self.data, lo, hi)
        before = self._between(b, self.preds, lo, hi)
        if not after.isdisjoint(before):  # a longer path joins them: the caller's check failed
            self.pos = None
            return
        slots = sorted([pos[x] for x in after] + [pos[x] for x in before] + [lo, hi])
        seq = sorted(before, key=pos.__getitem__) + [gid] + sorted(after, key=pos.__getitem__)
        for x, p in zip(seq, slots):
            pos[x] = p
        del pos[hid]

    def _between(self, start, adj: dict, lo: int, hi: int) -> set:
        pos = self.pos
        seen: set = set()
        stack = [start]
        while stack:
            for y in adj.get(stack.pop(), ()):
                if y not in seen and lo < pos[y] < hi:
                    seen.add(y)
                    stack.append(y)
        return seen

    def reaches(self, a, b, skip_direct: bool) -> bool:
        """Whether a path a -> ... -> b exists (of length >= 2 if skip_direct): walked forward
        from a or backward from b, whichever starts from fewer units, through the units
        positioned between them."""
        pos = self.pos
        if pos is None:
            return _walk(self.data, a, b, skip_direct, None)
        if pos[a] >= pos[b]:
            return False
        if len(self.data.get(a, ())) <= len(self.preds.get(b, ())):
            return _walk(self.data, a, b, skip_direct, lambda y: pos[y] <= pos[b])
        return _walk(self.preds, b, a, skip_direct, lambda y: pos[y] >= pos[a])

    def far(self, a, among: list) -> set:
        """Of the units `among`, those a path of length >= 2 joins to a (either way)."""
        pos = self.pos
        lo = hi = None
        if pos is not None:
            lo, hi = min(pos[u] for u in among), max(pos[u] for u in among)
        out = set()
        for e, inside in ((self.data, None if hi is None else lambda y: pos[y] <= hi),
                          (self.preds, None if lo is None else lambda y: pos[y] >= lo)):
            stack = [y for x in e.get(a, ()) for y in e.get(x, ()) if inside is None or inside(y)]
            seen = set(stack)
            while stack:
                for y in e.get(stack.pop(), ()):
                    if y not in seen and (inside is None or inside(y)):
                        seen.add(y)
                        stack.append(y)
            out |= seen
        return out & set(among)

    def feeds(self, d, u) -> bool:
        """Whether an edge d -> u exists."""
        return u in self.data.get(d, ())

    def reads_of(self, g) -> tuple:
        got = self.reads.get(id(g))
        if got is None:
            got = self.reads[id(g)] = ({i.id for op in g.members for i in op.inputs
                                        if not (op.prim == "index_add" and i is op.inputs[0])},
                                       {i.id for op in g.members if op.prim in ("gather", "index_add")
                                        for k, i in enumerate(op.inputs) if op.prim == "gather" or k != 1},
                                       {op.inputs[0].id for op in g.members if op.prim == "index_add"
                                        and not is_advanced(op.attrs["index"])})
        return got

    def reads_reduction(self, src, dst) -> bool:
        """Whether dst reads a reduction or an np.add.at result of src (ready only after src's loop),
        or a gather in dst reads a value of src (a gather's operands are whole arrays; so are an
        np.add.at member's base and indices)."""
        read, gathered, bases = self.reads_of(dst)
        kinds = src.kinds
        if any(kinds[i] in ("reduce", "scatter") for i in read & kinds.keys()):
            return True
        # an add into a region whose base is another region add of src (`z[42:] += a; z[28:42] += b`):
        # both add into one buffer as the loop runs, in either order (additions commute)
        chained = bases & _row_adds(src) if not bases.isdisjoint(kinds.keys()) else set()
        return not (gathered - chained).isdisjoint(kinds.keys())


def _row_adds(g) -> set:
    """The results of g's adds into a region of slices and ints (passes/fusion.fusable_row_adds)."""
    return {op.out.id for op in g.members if op.prim == "index_add" and not is_advanced(op.attrs["index"])}


def _walk(e: dict, a, b, skip_direct: bool, inside) -> bool:
    """Whether a path a -> ... -> b exists in e (of length >= 2 if skip_direct) through units for
    which `inside` holds (all if None)."""
    stack = [x for x in e.get(a, ()) if not (skip_direct and x == b) and (inside is None or inside(x))]
    seen = set(stack)
    while stack:
        x = stack.pop()
        if x == b:
            return True
        for y in e.get(x, ()):
            if y not in seen and (inside is None or inside(y)):
                seen.add(y)
                stack.append(y)
    return False


FEW = 8  # candidates of a group checked one by one before walking the graph once for the rest


def merge_groups(ops: list, group_of: dict, gs: list, order_key: dict, chain: list, cap: int,
                 span: float = float("inf")) -> None:
    """fusion._fuse_segment's second phase: merge groups of one shape while the unit graph stays
    acyclic and a group has at most `cap` members (`chain`: the tape order's pairs of op
    indices). Each step merges the first pair that fits in scan order: the groups in program
    order, each against its producers first, then the other groups of its shape in program order
    (h joins g).

    A pair that does not fit keeps not fitting until one of its two groups grows (a merge of two
    other groups only contracts paths elsewhere; reads only grow), so no step rescans the groups
    before the last merge's place against anything but the group that grew there, and each group
    is scanned in full once (and again whenever it is the one that grew): the same merges, in the
    same order, as rescanning from the start after every merge, without its cubic cost
    (heldout13's unrolled L-BFGS spent minutes here, issue 14).

    (Over 80 lines: the scan's cursor, the grown group and the live list share their state.)"""
    where = {o.id: n for n, op in enumerate(ops) for o in op.outputs}
    index_of = {id(op): n for n, op in enumerate(ops)}

    def unit(n: int):
        g = group_of.get(n)
        return id(g) if g is not None else ("op", n)

    graph = UnitGraph(ops, unit, where, chain)
    rank = {id(g): k for k, g in enumerate(gs)}

    first = {id(g): order_key[id(g.members[0])] for g in gs if g.members}  # members are sorted at the end
    last = {id(g): order_key[id(g.members[-1])] for g in gs if g.members}  # (sorted by the caller)

    def key(g) -> tuple:
        return first[id(g)], rank[id(g)]

    live = sorted((g for g in gs if g.members), key=key)
    by_shape: dict = {}
    for g in live:
        by_shape.setdefault(g.shape, []).append(g)
    by_id = {id(g): g for g in live}
    grew: dict = {}

    def near(h, g) -> bool:  # within `span` of each other's members (program order)
        return max(last[id(g)], last[id(h)]) - min(first[id(g)], first[id(h)]) <= span

    def fits(h, g) -> bool:
        return not (len(g.members) + len(h.members) > cap or not near(h, g)
                    or graph.reaches(id(g), id(h), True) or graph.reaches(id(h), id(g), True)
                    or graph.reads_reduction(g, h) or graph.reads_reduction(h, g))

    def first_fit(h):
        producers = sorted((by_id[d] for d in graph.preds.get(id(h), ()) if d in by_id and by_id[d].shape == h.shape),
                           key=key)
        skip = {id(g) for g in producers} | {id(h)}
        candidates = itertools.chain(producers, (g for g in by_shape[h.shape] if id(g) not in skip))
        for g in itertools.islice(candidates, FEW):
            if fits(h, g):
                return g
        rest = [g for g in candidates if len(g.members) + len(h.members) <= cap and near(h, g)]
        far = graph.far(id(h), [id(g) for g in rest]) if rest else set()  # many: one walk each way for all
        for g in rest:
            if id(g) not in far and not (graph.reads_reduction(g, h) or graph.reads_reduction(h, g)):
                return g
        return None

    def drop(seq: list, g, k: tuple) -> None:
        n = bisect.bisect_left(seq, k, key=key)
        while seq[n] is not g:
            n += 1
        del seq[n]

    cursor = None  # every group before it was scanned, and fits nothing but perhaps `grown`
    grown = None
    while True:
        found = None
        if grown is not None:
            for h in live:
                if key(h) >= cursor:
                    break
                g = first_fit(h) if h is grown else grown if h.shape == grown.shape and fits(h, grown) else None
                if g is not None:
                    found = h, g
                    break
        if found is None:
            for h in live[0 if cursor is None else bisect.bisect_left(live, cursor, key=key):]:
                g = first_fit(h)
                if g is not None:
                    found = h, g
                    cursor = key(h)
                    break
        if found is None:
            break
        h, g = found
        for seq in (live, by_shape[g.shape]):
            drop(seq, h, key(h))
            drop(seq, g, key(g))
        graph.merge(h, g)
        for op in h.members:
            group_of[index_of[id(op)]] = g
        g.members += h.members
        g.kinds.update(h.kinds)
        h.members = []
        first[id(g)] = min(first[id(g)], first.pop(id(h)))
        last[id(g)] = max(last[id(g)], last.pop(id(h)))
        del by_id[id(h)]
        for seq in (live, by_shape[g.shape]):
            bisect.insort(seq, g, key=key)
        grown = grew[id(g)] = g
    for g in grew.values():
        if g.members:
            g.members.sort(key=lambda op: order_key[id(op)])
