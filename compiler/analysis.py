"""Facts about a function's IR that planning (passes/loopplan.py, passes/workspace.py) and rendering
(codegen) share, computed once per function by `Analysis(fn, lowered)`:

- positions: every node numbered in program order (`def_pos`, `loop_range` of each loop);
- uses: how many times each value is read (`uses`), by whom (`user_of`: one op or several), and
  when last (`last_use`: a use inside a loop lasts until the loop ends; an input of an inlined
  expression lives until the expression's user);
- inlining: which values render as expressions inside their single user (`inlined`), the rest
  being named statements (`inlinable`, cut at MAX_INLINE_DEPTH);
- buffers: which writes happen in place (`inplace`), which arrays share a buffer (`root`: value
  -> the value owning the buffer), which buffers belong to the caller or are read-only views
  (`foreign`), which views are copied before an in-place write (`copy_views`).

The lowered rendering (`lowered=True`) inlines differently from the readable one: single-use
elementwise values fuse into their consumer's loop across statements."""
from __future__ import annotations

from .ir import For, Function, Op, Value, While, block_yields, node_inputs, walk
from .primitives import PRIMITIVES, REDUCTIONS, SIMD, WRITES

MAX_INLINE_DEPTH = 24  # operators nested in one generated expression before a value gets a name
SIMD_FUNCTIONS = tuple(SIMD)  # the primitives with a libmvec kernel (their rows' `simd`)
VIEW_PRIMS = frozenset(name for name, p in PRIMITIVES.items() if p.view)
_REDUCTIONS = REDUCTIONS
_VIEW_PRIMS = VIEW_PRIMS
_EXPRESSION_ONLY = {"const"}


class Analysis:
    """Positions, uses, liveness, inlining and buffer sharing of one function (see the module
    docstring). codegen's emitter is one (it renders with these facts); the planning passes make
    their own on the lowered function they plan, which is the function the emitter then renders."""

    def __init__(self, fn: Function, lowered: bool):
        self.fn = fn
        self.lowered = lowered
        self.uses: dict[int, int] = {}
        self.last_use: dict[int, int] = {}
        self.producer: dict[int, Op] = {}
        self.def_pos: dict[int, int] = {}
        self.user_of: dict[int, Op] = {}
        self.block_of: dict[int, int] = {}  # value id -> id of the block whose op defines it
        self.has_control_flow = any(not isinstance(n, Op) for n in walk(fn.body))
        self._pos = 0
        self._raw_uses: list = []  # (value, position, loop stack)
        self.loop_range: dict[int, tuple] = {}
        for p in fn.params:
            self.def_pos[p.id] = -1
        self._number(fn.body, ())
        end = self._pos
        for r in returned_values(fn):  # a tuple's items too: they outlive the call as the results do
            self._raw_uses.append((r, end, ()))
        for v, q, loops in self._raw_uses:
            self.uses[v.id] = self.uses.get(v.id, 0) + 1
        self.written = {n.inputs[0].id for n in walk_ops(fn.body) if n.prim in WRITES}
        # An inlined expression is evaluated where its user is: its inputs live until then.
        self.inlined = {op.out.id for op in walk_ops(fn.body) if self.inlinable(op)}
        self._limit_depth()
        for v, q, loops in self._raw_uses:
            q = self._effective(v, q, loops)
            self.last_use[v.id] = max(self.last_use.get(v.id, -1), q)
        # uses by an inlined op happen where its (single) user is
        for op in reversed(list(walk_ops(fn.body))):
            if op.out.id in self.inlined:
                at = self.last_use.get(op.out.id, self.def_pos[op.out.id])
                for i in op.inputs:
                    self.last_use[i.id] = max(self.last_use.get(i.id, -1), at)
        self.foreign: set = {p.id for p in fn.params}
        self.copy_views: set = set()
        self._plan_buffers()

    def _number(self, block, loops: tuple) -> None:
        for node in block.ops:
            pos = self._pos
            self._pos += 1
            for v in node_inputs(node):
                self._raw_uses.append((v, pos, loops))
            if isinstance(node, Op):
                for o in node.outputs:
                    self.producer[o.id] = node
                    self.def_pos[o.id] = pos
                    self.block_of[o.id] = id(block)
                for i in node.inputs:
                    self.user_of[i.id] = node if self.user_of.get(i.id) is None else _MANY
                continue
            for v in node_inputs(node):
                self.user_of[v.id] = _MANY
            inner_loops = loops + (id(node),) if isinstance(node, (For, While)) else loops
            if isinstance(node, For):
                for v in [node.index] + list(node.carried):
                    self.def_pos[v.id] = pos
            if isinstance(node, While):
                for v in node.carried:
                    self.def_pos[v.id] = pos
            for b, ys in block_yields(node):
                self._number(b, inner_loops)
                q = self._pos
                for y in ys:
                    self._raw_uses.append((y, q, inner_loops))
                    self.user_of[y.id] = _MANY
            end = self._pos
            self._pos += 1
            self.loop_range[id(node)] = (pos, end)
            for o in node.outputs:
                self.def_pos[o.id] = end

    def _effective(self, v: Value, q: int, loops: tuple) -> int:
        """A use inside a loop of a value defined outside it lasts until the loop ends."""
        d = self.def_pos.get(v.id, -1)
        for lid in loops:  # outermost first
            start, end = self.loop_range.get(lid, (q, q))
            if d < start:
                return max(q, end)
        return q

    # ---------------------------------------------------------------- naming and inlining
    def inlinable(self, op: Op) -> bool:
        v = op.out
        if "group" in op.attrs:
            return False  # a member of a fused loop: the group decides (codegen/loops.py)
        if op.prim in _EXPRESSION_ONLY:
            return True
        if self.uses.get(v.id, 0) != 1 or any(v is r for r in self.fn.results):
            return False
        # The readable rendering keeps every named value and every statement; the lowered one fuses
        # a single-use elementwise value into its consumer's loop across statements (same block).
        if self.lowered and op.prim == "outer" and op.inputs[0].type.dtype != op.inputs[1].type.dtype:
            return False  # a whole np.outer call (mixed dtypes): a statement, never re-evaluated per element
        fuse_across = self.lowered and (PRIMITIVES[op.prim].elementwise or op.prim == "outer") and not self.vector_math(op)
        if v.hint is not None and not fuse_across:
            return False
        if op.prim in ("index_add", "index_update", "zeros_like", "zeros", "ones", "ones_like", "full"):
            return False
        user = self.user_of.get(v.id)
        if user is None or user is _MANY or user.role != op.role or user.prim in ("index_add", "index_update", "tape_push"):
            return False
        if self.block_of.get(user.out.id) != self.block_of.get(v.id):
            return False
        if op.prim in ("tape_pop", "tape_push", "index_update", "trip_count"):
            return False
        if op.prim in _VIEW_PRIMS and op.inputs[0].id in self.written:
            return False  # a read of an array written in place stays where it is, before the write
        if not fuse_across and (user.loc.stmt if user.loc else None) != (op.loc.stmt if op.loc else None):
            return False
        if self.lowered:
            # Lowered code fuses elementwise trees into the loop of their consumer; anything else
            # (BLAS calls, views, allocations) is its own statement.
            into_loop = self.loopable(user) and (PRIMITIVES[user.prim].elementwise or user.prim in _REDUCTIONS)
            fusable = PRIMITIVES[op.prim].elementwise or op.prim in ("broadcast_to", "outer")
            if self.vector_math(op):
                return False  # its own loop: the argument, then one SIMD pass over the buffer
            return into_loop if fusable else not self.loopable(user) and user.prim != "broadcast_to"
        return True

    def _limit_depth(self) -> None:
        """An inlined chain deeper than MAX_INLINE_DEPTH is cut by naming a value: a 1000-term sum
        renders as statements of bounded depth (Python's parser, compile() and the emitters recurse
        on expression depth)."""
        depth: dict[int, int] = {}
        for op in walk_ops(self.fn.body):
            d = 1 + max((depth.get(i.id, 0) for i in op.inputs if i.id in self.inlined), default=0)
            if op.out.id in self.inlined and d > MAX_INLINE_DEPTH:
                self.inlined.discard(op.out.id)
                d = 0
            depth[op.out.id] = d

    def vector_math(self, op: Op) -> bool:
        """A transcendental over a float array: computed by a libmvec kernel (runtime/simd.py)."""
        return (self.lowered and op.prim in SIMD_FUNCTIONS and op.out.type is not None
                and op.out.type.kind == "array" and op.out.type.dtype in ("float32", "float64"))

    def loopable(self, op: Op) -> bool:
        """Whether the lowered rendering turns this op into an explicit loop nest (needs every
        shape in its tree to be known, which a specialization with concrete shapes gives)."""
        if not self.lowered or op.out.type is None:
            return False
        p = PRIMITIVES[op.prim]
        if op.prim in _REDUCTIONS:
            x = op.inputs[0]
            compares = PRIMITIVES[op.prim].reduction.keep is not None  # its NaN test needs floats
            if x.type.kind != "array" or x.type.dtype not in ("float32", "float64") and compares:
                return False
        elif op.prim == "outer":
            pass  # out[i, j] = a[i] * b[j]: a loop nest, fused with its consumer
        elif not p.elementwise or op.prim == "astype" and op.out.type.kind == "scalar":
            return False
        if op.out.type.kind not in ("array", "scalar"):
            return False
        return all(d is not None for v in [op.out, *op.inputs] for d in self.fn.avals[v.id].shape)

    # ---------------------------------------------------------------- buffers
    def _plan_buffers(self) -> None:
        """Which array writes happen in place and which views must be materialized: a write
        reuses its base's buffer when nothing else that shares the buffer is read afterwards.
        One pass in program order, so every view of a buffer is known when a write to it is planned."""
        root: dict[int, int] = {}
        members: dict[int, list] = {}
        self.root = root
        self.inplace: set = set()

        def find(vid: int) -> int:
            return root.get(vid, vid)

        for node in walk(self.fn.body):
            if not isinstance(node, Op):
                continue
            if node.prim in ("tape_pop", "broadcast_to"):  # tape rows and read-only broadcast views
                self.foreign.add(node.out.id)
            if node.prim in _VIEW_PRIMS and node.out.type.kind == "array":  # element reads are copies
                if node.inputs[0].id in self.foreign:  # a view of a read-only or caller's array
                    self.foreign.add(node.out.id)
                r = find(node.inputs[0].id)
                root[node.out.id] = r
                members.setdefault(r, []).append(node.out.id)
                continue
            if node.prim not in ("index_update", "index_add"):
                continue
            base = node.inputs[0]
            p = self.def_pos[node.out.id]
            r = find(base.id)
            if r in self.foreign or base.id in self.foreign or self.last_use.get(base.id, -1) > p:
                continue
            others = [m for m in members.get(r, []) + [r] if m != base.id]
            live = [m for m in others if self.def_pos.get(m, -1) < p and self.last_use.get(m, -1) > p]
            views = [m for m in live if m in root and self.producer.get(m) is not None
                     and self.producer[m].prim in _VIEW_PRIMS]
            if len(views) != len(live):
                continue
            self.copy_views.update(views)  # a view still read after the write gets its own copy
            self.inplace.add(node.out.id)
            root[node.out.id] = r
            members.setdefault(r, []).append(node.out.id)

    def _is_view(self, v: Value) -> bool:
        """Whether an array value lives in memory of another array (a view, or a write into one)."""
        op = self.producer.get(v.id)
        while op is not None and op.prim in ("index_update", "index_add") and op.out.id in self.inplace:
            op = self.producer.get(op.inputs[0].id)
        return op is not None and op.prim in _VIEW_PRIMS and op.out.type.kind == "array"

    def _shared(self, v: Value, at: int) -> bool:
        """Whether an array's buffer may be read or written elsewhere after position `at`."""
        r = self.root.get(v.id, v.id)
        if r in self.foreign or v.id in self.foreign:
            return True
        if self.last_use.get(v.id, -1) > at:
            return True
        return any(self.last_use.get(m, -1) > at for m, rr in self.root.items() if rr == r and m != v.id) or (
            r != v.id and self.last_use.get(r, -1) > at)


def facts_of(fn: Function, lowered: bool) -> Analysis:
    """The analysis the loop plans of `fn` were made from (passes/loopplan.py keeps it on each
    nest) when it is of these very blocks, else a new one: a lowered function is analysed once,
    for its planning passes and its rendering (0.4 s for a 2000-term expression's gradient). The
    facts are as current as the plans: both go stale if the IR is changed after planning."""
    an = next((n.facts for n in fn.nests.values()), None)
    if an is not None and an.lowered == lowered and an.fn.body is fn.body and an.fn.results is fn.results:
        return an
    return Analysis(fn, lowered)


_MANY = object()  # a value with several users (or a control-flow user): never inlined


def walk_ops(block):
    for node in walk(block):
        if isinstance(node, Op):
            yield node


def returned_values(fn: Function) -> list:
    """The results and, for a tuple returned (nested), its items: what the caller gets."""
    tuples = {op.out.id: op for op in fn.body.ops if isinstance(op, Op) and op.prim == "tuple"}
    out, todo = [], list(fn.results)
    while todo:
        v = todo.pop(0)
        out.append(v)
        if v.id in tuples:
            todo.extend(tuples.pop(v.id).inputs)
    return out


def held_past_iteration(fn: Function) -> set:
    """Value ids yielded by a block, handed to a control node, or returned: what outlives the loop
    iteration (or branch) that made it."""
    held = {v.id for v in returned_values(fn)}
    for node in walk(fn.body):
        if not isinstance(node, Op):
            held.update(v.id for v in node_inputs(node))
            for _, ys in block_yields(node):
                held.update(v.id for v in ys)
    return held
