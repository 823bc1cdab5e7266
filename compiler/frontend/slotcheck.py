"""Every item of a list made by `[None] * n` that the function reads was written before (issue 12).

Python would hand the user None for an item never written, and adjit's rows would hold zeros: so
the frontend proves, on the finished IR of the function, that no read can reach an unwritten item,
and refuses the program with a located error where it cannot. slots.py marks the array of such a
list (`zeros(..., list=<name>)`); its versions are that array and everything a row write
(`index_update` at one int index), a branch or a loop
makes of it (a copy, `list(xs)`, is a new list with the items written). A row read (`getitem` at one int index) needs its item written; any other use (NumPy
of the whole list, iteration, a slice) needs every item written.

The proof is an abstract interpretation with the integers the function computes: loop indices,
shapes and int arithmetic are evaluated as they will be at run time, so that `xs[-1] = x` then
`for k in range(n - 2, -1, -1): xs[k] = f(xs[k + 1])` is followed item by item. Each list keeps the
set of items written (a flag per item when its length is known when the call is compiled). A loop
whose trip count is known is walked iteration by iteration (within a budget of op visits); an
`if` whose condition is known takes its branch, one that depends on data walks both and keeps the
items both wrote. Where integers depend on data (a `while` loop's counter, an index read from an
array) the loop's body is walked once from the items written when the loop starts, intersected
with what one iteration leaves (a fixpoint), which may refuse a correct program but never accepts
a read of an unwritten item. A list whose length is known only at run time is tracked as all or
nothing: `for k in range(n)` (or `range(n - 1, -1, -1)`) writing `xs[k]` fills it."""
from __future__ import annotations

import operator

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import For, Function, If, Op, While
from .slotflat import flat_loop

_BUDGET = 4_000_000  # op visits spent walking loops iteration by iteration, per function
_INT_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "maximum": max, "minimum": min,
    "floordiv": lambda a, b: a // b if b else None, "mod": lambda a, b: a % b if b else None,
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq,
    "ne": operator.ne, "logical_and": lambda a, b: bool(a) and bool(b), "logical_or": lambda a, b: bool(a) or bool(b),
}
_UNARY = {"neg": operator.neg, "abs": abs, "logical_not": operator.not_}
_HINT = "write every item before reading it (fill the list in a loop over range(n) first), or make it from an " \
        "item of the right shape: `xs = [np.zeros(d)] * n`"


class _Cov:
    """The items of one list written so far: a flag per item (`w`) when its length n is known when
    compiled, else all or nothing (`all_sym`); `sym`: index values (ids) written in this pass."""

    __slots__ = ("name", "n", "w", "count", "all_sym", "sym", "nval")

    def __init__(self, name: str, n, nval=None):
        self.name, self.n, self.nval = name, n, nval
        self.w = np.zeros(n, dtype=bool) if n is not None else None
        self.count, self.all_sym, self.sym = 0, False, set()

    @property
    def full(self) -> bool:
        return self.count == self.n if self.n is not None else self.all_sym

    def copy(self) -> "_Cov":
        c = _Cov.__new__(_Cov)
        c.name, c.n, c.nval, c.count, c.all_sym, c.sym = self.name, self.n, self.nval, self.count, self.all_sym, set(self.sym)
        c.w = None if self.w is None else self.w.copy()
        return c

    def slot(self, k: int):
        """The item index k reads (NumPy's wrap of negative indices); None outside the list."""
        if self.n is None:
            return None
        s = k + self.n if k < 0 else k
        return s if 0 <= s < self.n else None

    def set(self, s: int) -> None:
        if not self.w[s]:
            self.w[s] = True
            self.count += 1

    def first_missing(self):
        return None if self.w is None else int(np.argmin(self.w))

    def same(self, other) -> bool:
        if other is None:
            return self.full
        if self.n is None:
            return self.all_sym == other.all_sym
        return self.count == other.count and bool(np.array_equal(self.w, other.w))


def _meet(a, b):
    """The items written on both paths (None: not a list, every item there)."""
    if a is None or b is None:
        return (b if a is None else a).copy() if (a is not None or b is not None) else None
    c = a.copy()
    c.sym = a.sym & b.sym
    if a.n is None or b.n is None or a.n != b.n:
        c.w, c.n, c.count = None, None, 0
        c.all_sym = a.full and b.full
        return c
    c.w = a.w & b.w
    c.count = int(c.w.sum())
    return c


def _made(v, producer) -> bool:
    """Whether v is the array a list of slots was made as (`zeros(..., list=...)`)."""
    op = producer.get(v.id)
    return op is not None and op.prim == "zeros" and "list" in op.attrs


def _fresh(c):
    """c at the start of a loop's iteration: the index values written belong to another pass."""
    if c is None:
        return None
    c = c.copy()
    c.sym = set()
    return c


def check_slots(fn: Function) -> None:
    """Raise a located error where a read may reach an item of a `[None] * n` list never written."""
    allocs = [op for op in _ops(fn.body) if op.prim == "zeros" and "list" in op.attrs]
    if allocs:
        _Checker(fn).block(fn.body)


def _ops(block):
    for node in block.ops:
        if isinstance(node, Op):
            yield node
        elif isinstance(node, If):
            yield from _ops(node.then_block)
            yield from _ops(node.else_block)
        else:
            if isinstance(node, While):
                yield from _ops(node.cond_block)
            yield from _ops(node.body)


def _nodes(block):
    """Every op and control node in a block, nested ones included."""
    for node in block.ops:
        yield node
        if isinstance(node, If):
            yield from _nodes(node.then_block)
            yield from _nodes(node.else_block)
        elif isinstance(node, (For, While)):
            if isinstance(node, While):
                yield from _nodes(node.cond_block)
            yield from _nodes(node.body)


class _Checker:
    def __init__(self, fn: Function):
        self.avals = fn.avals
        self.cov: dict = {}  # value id -> _Cov of the list that value is a version of
        self.ints: dict = {}  # value id -> its int (or bool) in the pass being walked
        self.producer = {op.out.id: op for op in _ops(fn.body) if op.outputs}
        self.silent = 0  # walks whose only purpose is a fixpoint: no errors
        self.steps = 0
        self.where: list = []  # (loop, index value) of the loops walked iteration by iteration
        self._uses: dict = {}
        self._nodes: dict = {}
        self.listy = self._possible_lists(fn)

    # -- which values may be versions of a list
    def _possible_lists(self, fn) -> set:
        out = {op.out.id for op in _ops(fn.body) if op.prim == "zeros" and "list" in op.attrs}
        changed = True
        while changed:
            changed = False

            def add(v):
                nonlocal changed
                if v.id not in out:
                    out.add(v.id)
                    changed = True
            for node in _nodes(fn.body):
                if isinstance(node, Op):
                    if node.inputs and node.inputs[0].id in out and (node.prim == "index_update" or node.prim ==
                                                                     "reshape" and _made(node.inputs[0], self.producer)):
                        add(node.out)
                elif isinstance(node, If):
                    for a, b, o in zip(node.then_yield, node.else_yield, node.outputs):
                        if a.id in out or b.id in out:
                            add(o)
                else:
                    for i, p, y, o in zip(node.init, node.carried, node.body_yield, node.outputs):
                        if i.id in out or y.id in out:
                            add(p)
                            add(o)
        return out

    def uses(self, node) -> tuple:
        """(ids of the values a control node's blocks read, whether a list is made inside)."""
        key = id(node)
        if key not in self._uses:
            ids, made = set(), False
            blocks = [node.then_block, node.else_block] if isinstance(node, If) else \
                ([node.cond_block] if isinstance(node, While) else []) + [node.body]
            for b in blocks:
                for n in _nodes(b):
                    if isinstance(n, Op):
                        ids.update(v.id for v in n.inputs)
                        made |= n.prim == "zeros" and "list" in n.attrs
                    elif isinstance(n, If):
                        ids.update(v.id for v in n.then_yield + n.else_yield + [n.cond])
                    else:
                        ids.update(v.id for v in list(n.init) + list(n.body_yield))
            if isinstance(node, If):
                ids.update(v.id for v in node.then_yield + node.else_yield)
            else:
                ids.update(v.id for v in node.body_yield)
            self._uses[key] = (ids, made)
        return self._uses[key]

    def relevant(self, node) -> bool:
        ids, made = self.uses(node)
        return made or any(not c.full for vid, c in self.cov.items() if vid in ids)

    # -- integers
    def ival(self, v):
        if v.id in self.ints:
            return self.ints[v.id]
        av = self.avals.get(v.id)
        if av is not None and av.type.kind == "scalar" and isinstance(av.value, (bool, int, np.integer)) \
                and (av.type.dtype in ("int64", "int32", "bool")):
            return av.value if isinstance(av.value, bool) else int(av.value)
        return None

    def evaluate(self, op) -> None:
        out = op.out
        self.ints.pop(out.id, None)
        if out.type is None or out.type.kind != "scalar" or out.type.dtype not in ("int64", "int32", "bool"):
            return
        ins = [self.ival(v) for v in op.inputs]
        value = None
        if op.prim == "const":
            value = op.attrs.get("value")
        elif op.prim == "getitem" and op.inputs and op.inputs[0].type.kind == "tuple" and ins[1] is not None:
            value = self._tuple_item(op.inputs[0], ins[1])
        elif None in ins:
            return
        elif op.prim in _INT_OPS and len(ins) == 2:
            value = _INT_OPS[op.prim](*ins)
        elif op.prim in _UNARY and len(ins) == 1:
            value = _UNARY[op.prim](ins[0])
        elif op.prim == "astype" and len(ins) == 1:
            value = bool(ins[0]) if out.type.dtype == "bool" else int(ins[0])
        elif op.prim == "where" and len(ins) == 3:
            value = ins[1] if ins[0] else ins[2]
        elif op.prim == "trip_count" and ins[2] != 0:
            value = len(range(*ins))
        if isinstance(value, (bool, int, np.integer)):
            self.ints[out.id] = value if isinstance(value, bool) else int(value)

    def _tuple_item(self, t, k):
        av = self.avals.get(t.id)
        if av is not None and isinstance(av.value, tuple) and -len(av.value) <= k < len(av.value):
            v = av.value[k]
            return v if isinstance(v, int) else None
        op = self.producer.get(t.id)
        if op is not None and op.prim == "tuple" and -len(op.inputs) <= k < len(op.inputs):
            return self.ival(op.inputs[k])
        return None

    def same_int(self, a, b, depth: int = 0) -> bool:
        """Whether two int values are equal whatever the run-time values (the same computation)."""
        if a is b or a.id == b.id:
            return True
        ka, kb = self.ival(a), self.ival(b)
        if ka is not None and kb is not None:
            return ka == kb
        pa, pb = self.producer.get(a.id), self.producer.get(b.id)
        if depth > 6 or pa is None or pb is None or pa.prim != pb.prim or pa.attrs != pb.attrs \
                or len(pa.inputs) != len(pb.inputs) or pa.prim not in ("add", "sub", "mul", "getitem", "shape", "maximum"):
            return False
        return all(x.id == y.id or x.type.kind == "scalar" and self.same_int(x, y, depth + 1)
                   for x, y in zip(pa.inputs, pb.inputs))

    # -- the walk
    def nodes_of(self, block) -> list:
        """The nodes of a block the walk needs: control nodes, list ops and int arithmetic."""
        key = id(block)
        if key not in self._nodes:
            keep = []
            for node in block.ops:
                out = node.outputs[0] if isinstance(node, Op) and node.outputs else None
                if not isinstance(node, Op) or node.prim == "zeros" and "list" in node.attrs \
                        or any(v.id in self.listy for v in node.inputs) or out is not None and out.type is not None \
                        and out.type.kind == "scalar" and out.type.dtype in ("int64", "int32", "bool"):
                    keep.append(node)
            self._nodes[key] = keep
        return self._nodes[key]

    def block(self, block) -> None:
        for node in self.nodes_of(block):
            if isinstance(node, Op):
                self.op(node)
            elif isinstance(node, If):
                self.branch(node)
            elif isinstance(node, For):
                self.loop(node)
            else:
                self.loop(node)

    def op(self, op) -> None:
        self.steps += 1
        if op.prim == "zeros" and "list" in op.attrs:
            n = self.avals[op.out.id].shape[0]
            shape_op = self.producer.get(op.inputs[0].id)
            nval = shape_op.inputs[0] if shape_op is not None and shape_op.prim == "tuple" else None
            self.cov[op.out.id] = _Cov(op.attrs["list"], n if isinstance(n, int) else None, nval)
            return
        if op.prim == "index_update" and op.attrs.get("index") == (("slice", None, None, None),) \
                and op.inputs[1].id in self.cov and op.inputs[0].id in self.cov:  # list(xs): a copy
            self.cov[op.out.id] = self.cov[op.inputs[1].id].copy()
            return
        for k, v in enumerate(op.inputs):
            if v.id not in self.listy:
                continue
            c = self.cov.get(v.id)
            if c is None:
                continue
            if k == 0 and op.prim == "index_update":
                if op.attrs.get("index") == (("int", 2),):
                    self.write(c, op.inputs[2])
                self.cov[op.out.id] = c
            elif k == 0 and op.prim == "getitem" and op.attrs.get("index") == (("int", 1),):
                self.read(c, op.inputs[1], op)
            elif k == 0 and op.prim == "reshape" and _made(v, self.producer):  # the rows' item shape kept (slots.py)
                self.cov[op.out.id] = c
            elif op.prim not in ("shape", "size"):
                if not c.full:
                    self.fail(op, c, None, whole=True)
        if op.outputs:
            self.evaluate(op)

    def write(self, c: _Cov, index) -> None:
        k = self.ival(index)
        if k is None:
            c.sym.add(index.id)
            return
        s = c.slot(k)
        if s is not None:
            c.set(s)

    def read(self, c: _Cov, index, op) -> None:
        if c.full or index.id in c.sym:
            return
        k = self.ival(index)
        if k is not None and c.n is not None:
            s = c.slot(k)
            if s is None or c.w[s]:
                return  # outside the list: NumPy's IndexError, checked at run time
        self.fail(op, c, k)

    def fail(self, op, c: _Cov, k, whole: bool = False) -> None:
        if self.silent:
            return
        at = "".join(f", when {idx.hint or 'the index'} = {self.ints.get(idx.id)} in the loop at line {loop.loc.line}"
                     for loop, idx in self.where[-1:] if loop.loc is not None)
        if whole:
            miss = c.first_missing()
            what = f"'{c.name}' is used whole here, but " + (f"item {miss} of it" if miss is not None else "some items") \
                + " may not be written yet"
        elif k is not None and c.n is not None:
            what = f"this reads item {c.slot(k)} of '{c.name}', which may not be written yet"
        else:
            what = f"adjit cannot tell which item of '{c.name}' this reads, and some items may not be written by then"
        raise UnsupportedSyntaxError(f"{what}{at} (Python's list would hold None there)", op.loc, _HINT)

    # -- branches
    def branch(self, node) -> None:
        c = self.ival(node.cond)
        if c is not None:
            blk, ys = (node.then_block, node.then_yield) if c else (node.else_block, node.else_yield)
            self.block(blk)
            self.bind(node.outputs, ys)
            return
        ids, _ = self.uses(node)
        outer = {vid: cv for vid, cv in self.cov.items() if vid in ids and not cv.full}
        results = []
        for blk, ys in ((node.then_block, node.then_yield), (node.else_block, node.else_yield)):
            self.cov.update({vid: cv.copy() for vid, cv in outer.items()})
            self.block(blk)
            results.append([(self.cov.get(y.id) if y.id in self.listy else None, self.ival(y)) for y in ys])
        self.cov.update(outer)
        for o, (ct, it), (ce, ie) in zip(node.outputs, *results):
            self.cov.pop(o.id, None)
            if o.id in self.listy and (ct is not None or ce is not None):
                self.cov[o.id] = _meet(ct, ce)
            self.ints.pop(o.id, None)
            if it is not None and it == ie:
                self.ints[o.id] = it

    def bind(self, targets, sources) -> None:
        """targets take the states of sources (a parallel copy)."""
        states = [(self.cov.get(s.id) if s.id in self.listy else None, self.ival(s)) for s in sources]
        for t, (c, k) in zip(targets, states):
            self.cov.pop(t.id, None)
            self.ints.pop(t.id, None)
            if c is not None:
                self.cov[t.id] = c
            if k is not None:
                self.ints[t.id] = k

    # -- loops
    def loop(self, node) -> None:
        self.bind(node.carried, node.init)
        self.fresh(node.carried)
        if not self.relevant(node):
            for p in node.carried:
                self.ints.pop(p.id, None)
            self.bind(node.outputs, node.carried)
            return
        is_for = isinstance(node, For)
        trips = None
        if is_for:
            bounds = [self.ival(v) for v in (node.start, node.stop, node.step)]
            if None not in bounds and bounds[2] != 0:
                trips = range(*bounds)
            else:
                return self.unknown_loop(node)
        if is_for and flat_loop(self, node, trips):
            return
        t = 0
        while True:
            if self.steps > _BUDGET:
                return self.unknown_loop(node)
            if is_for:
                if t >= len(trips):
                    break
                self.ints[node.index.id] = trips[t]
            else:
                self.block(node.cond_block)
                c = self.ival(node.cond)
                if c is None:
                    return self.unknown_loop(node)
                if not c:
                    break
            self.where.append((node, node.index if is_for else None))
            try:
                self.block(node.body)
            finally:
                self.where.pop()
            self.bind(node.carried, node.body_yield)
            self.fresh(node.carried)
            t += 1
        self.bind(node.outputs, node.carried)

    def fresh(self, params) -> None:
        """At an iteration's start: the index values written belong to another pass."""
        for p in params:
            c = self.cov.get(p.id)
            if c is not None and c.sym:
                c.sym = set()

    def unknown_loop(self, node) -> None:
        """A loop whose remaining iterations are not known: its body walked from the items written
        at the start of every iteration (those written when it starts, met with what an iteration
        leaves: a fixpoint, walked silently), then once more with errors on."""
        entry = {p.id: self.cov[p.id] for p in node.carried if p.id in self.cov}
        state = dict(entry)
        self.silent += 1
        for _ in range(4):
            self.walk_once(node, state)
            ends = {p.id: _meet(entry[p.id], self.cov.get(y.id) if y.id in self.listy else None)
                    for p, y in zip(node.carried, node.body_yield) if p.id in entry}
            settled = all(state[k].same(ends[k]) for k in state)
            state = ends
            if settled:
                break
        else:  # nothing proven about these lists inside the loop
            state = {k: _Cov(c.name, c.n, c.nval) for k, c in entry.items()}
        self.silent -= 1
        self.walk_once(node, state)
        swept = self.swept(node) if isinstance(node, For) else set()
        for p, o in zip(node.carried, node.outputs):
            self.ints.pop(o.id, None)
            self.cov.pop(o.id, None)
            if p.id in state:
                c = _fresh(state[p.id])
                if p.id in swept:  # every item written
                    c.all_sym = True
                    if c.w is not None:
                        c.w[:] = True
                        c.count = c.n
                self.cov[o.id] = c

    def walk_once(self, node, state: dict) -> None:
        for p in node.carried:
            self.ints.pop(p.id, None)
            self.cov.pop(p.id, None)
            if p.id in state:
                self.cov[p.id] = _fresh(state[p.id])
        if isinstance(node, For):
            self.ints.pop(node.index.id, None)
        else:
            self.block(node.cond_block)
        self.block(node.body)

    def swept(self, node: For) -> set:
        """The list parameters of a `for k in range(n)` (or range(n - 1, -1, -1)) loop that writes
        item k of a list of length n at the top of its body on every iteration: full after it."""
        out = set()
        step = self.ival(node.step)
        for p, y in zip(node.carried, node.body_yield):
            c = self.cov.get(p.id)
            if c is None or c.nval is None:
                continue
            n = c.nval
            if step == 1 and self.ival(node.start) == 0:
                covers = self.same_int(node.stop, n)
            elif step == -1 and self.ival(node.stop) == -1:
                start = self.producer.get(node.start.id)
                covers = start is not None and start.prim == "sub" and self.ival(start.inputs[1]) == 1 \
                    and self.same_int(start.inputs[0], n)
            else:
                covers = False
            if not covers:
                continue
            v, written = y, False  # follow the list's versions back from the yield through top-level writes
            top = {op.out.id: op for op in node.body.ops if isinstance(op, Op) and op.outputs}
            while v.id != p.id and v.id in top and top[v.id].prim == "index_update":
                op = top[v.id]
                written |= op.attrs.get("index") == (("int", 2),) and op.inputs[2].id == node.index.id
                v = op.inputs[0]
            if written and v.id == p.id:
                out.add(p.id)
        return out
