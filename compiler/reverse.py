"""Reverse mode on the IR: activity analysis, then an adjoint sweep that walks the primal program
backwards, applies each primitive's VJP rule and accumulates adjoints (`d<name>`).

Control flow: a branch is reversed by branching on the same condition; a loop by a loop running
backwards over the same iterations. Values the reverse sweep needs that live in a nested block
(a loop body, a branch) are recorded on a tape: a stack per value, pushed right after the value is
computed in the forward sweep and popped when the reverse sweep enters the matching block, so
only what the adjoint reads is kept (to-be-recorded analysis by demand). Loops carry their
adjoints backwards; values read inside a loop accumulate their adjoints across iterations.
"""
from __future__ import annotations

from .activity import activity
from .builder import Builder, Var
from .errors import AdjitTypeError, InternalCompilerError
from .ir import (Abstract, Block, For, Function, If, Op, Value, While, inner_blocks, print_function,
                 scalar_type, walk)
from .primitives import PRIMITIVES


_COMPANIONS = {"sin": "cos", "cos": "sin"}  # derivative partners computed in the same forward step

# ------------------------------------------------------------------------------------ activity


def adjoint_name(v: Value) -> str | None:
    """`dW2` for W2; temporaries' adjoints stay anonymous (codegen numbers them)."""
    return None if v.hint is None else "d" + v.hint


# --------------------------------------------------------------------------------- the transform


class _LazyVar(Var):
    """A primal value seen by a VJP rule; resolved (and so taped, if need be) only when read."""

    __slots__ = ("_primal", "_resolve", "_value")

    def __init__(self, primal: Value, builder: Builder, resolve):
        self._primal = primal
        self._resolve = resolve
        self._value = None
        self.builder = builder

    @property
    def value(self) -> Value:
        if self._value is None:
            self._value = self._resolve(self._primal)
        return self._value

    @property
    def type(self):
        return self._primal.type

    @property
    def rank(self) -> int:
        return self._primal.type.rank

    @property
    def dtype(self) -> str:
        return self._primal.type.dtype

    @property
    def aval(self) -> Abstract:
        return self.builder.avals[self._primal.id]


class _Scope:
    """One reverse block under construction, mirroring one forward block."""

    def __init__(self, forward: Block | None, ops: list):
        self.forward = forward
        self.ops = ops
        self.remap: dict[int, Value] = {}
        self.pops = 0  # pops are inserted at the start, in front of everything else


class _Reverse:
    def __init__(self, fn: Function, builder: Builder, wrt: list[int], checkpoint=None):
        self.fn = fn
        self.checkpoint = checkpoint
        self.before: dict = {}  # id(node) -> ops to place before it in the forward sweep
        self.body_prefix: dict = {}  # id(loop) -> ops to place at the start of its body
        self.replays: list = []  # (checkpointed loop, its replay loop in the reverse sweep)
        self.avals = builder.avals
        self.wrt = wrt
        self.active = activity(fn, wrt)
        self.b = Builder(self.avals, role="adjoint")
        self.scopes: list[_Scope] = []
        self.def_block: dict[int, Block] = {}
        self.def_node: dict[int, object] = {}
        self.pushes: dict[int, list] = {}  # id(forward node or block) -> push ops to insert after it
        self.tapes = 0
        self._index_defs(fn.body, None)
        self.written = {n.inputs[0].id for n in walk(fn.body) if isinstance(n, Op) and n.prim in ("index_update", "index_add")}
        self._companions: dict = {}

    def _index_defs(self, block: Block, _parent) -> None:
        for node in block.ops:
            for o in node.outputs:
                self.def_block[o.id] = block
                self.def_node[o.id] = node
            if isinstance(node, For):
                for v in [node.index] + list(node.carried):
                    self.def_block[v.id] = node.body
                    self.def_node[v.id] = None
            if isinstance(node, While):  # recorded at the start of the body, which runs once per iteration
                for v in node.carried:
                    self.def_block[v.id] = node.body
                    self.def_node[v.id] = None
            for b in inner_blocks(node):
                self._index_defs(b, node)

    # ---------------------------------------------------------------- emitting
    def emit(self, prim: str, inputs: list, hint=None, **attrs) -> Value:
        return self.b.emit(prim, inputs, hint, **attrs)

    def with_ops(self, ops: list, fn):
        return self.b.into(ops, fn)

    # ---------------------------------------------------------------- primal values in the reverse sweep
    def primal(self, v: Value) -> Value:
        """The value v, as the reverse code at the current point can read it (popping it from a
        tape if it was computed in a nested block)."""
        for scope in reversed(self.scopes):
            if v.id in scope.remap:
                return scope.remap[v.id]
        block = self.def_block.get(v.id)
        if block is None or block is self.fn.body:
            return v
        node = self.def_node.get(v.id)
        if isinstance(node, Op) and node.prim == "const":  # constants are re-emitted, never recorded
            value = self.b.const(node.attrs["value"])
            if value.type != v.type:
                value = self.emit("astype", [value], dtype=v.type.dtype)
            return value
        if self._rematerializable(node, v):
            # cheap scalar arithmetic is recomputed from its (recorded or outer) inputs, not recorded
            self._remat_depth += 1
            try:
                ins = [self.primal(i) for i in node.inputs]
            finally:
                self._remat_depth -= 1
            loc = self.b.loc
            self.b.loc = node.loc
            value = self.emit(node.prim, ins, v.hint, **node.attrs)
            self.b.loc = loc
            self.scopes[-1].remap[v.id] = value
            return value
        scope = next((s for s in self.scopes if s.forward is block), None)
        if scope is None:
            raise InternalCompilerError(f"{v!r} is read outside the block that defines it", print_function(self.fn))
        self.tapes += 1
        tape = f"_tape_{v.hint or 'v'}{self.tapes}"
        loc = self.b.loc
        self.b.loc = None
        done = self.b.define(Value(None), PRIMITIVES["tape_push"].abstract(self.avals[v.id], tape=tape))
        push = Op("tape_push", [v], [done], {"tape": tape}, None, "primal")
        key = id(self.def_node[v.id]) if self.def_node[v.id] is not None else id(block)
        self.pushes.setdefault(key, []).append(push)
        popped = Value(v.hint)
        self.b.define(popped, Abstract(self.avals[v.id].type, self.avals[v.id].shape))
        scope.ops.insert(scope.pops, Op("tape_pop", [], [popped], {"tape": tape}, None, "adjoint"))
        scope.pops += 1
        self.b.loc = loc
        scope.remap[v.id] = popped
        return popped

    _REMAT = frozenset({"add", "sub", "mul", "div", "neg", "astype", "lt", "le", "gt", "ge", "eq", "ne",
                        "floordiv", "mod", "logical_and", "logical_or", "logical_not", "getitem",
                        "shape", "size", "tuple"})
    _remat_depth = 0

    def _rematerializable(self, node, v: Value) -> bool:
        if isinstance(node, Op) and node.prim == "getitem" and v.type.kind == "array":
            base = node.inputs[0]  # a view of an argument no write touches: free to take again
            return base.id not in self.written and base in self.fn.params
        if isinstance(node, Op) and node.prim in ("shape", "size"):  # shapes never change in a loop
            return True
        if isinstance(node, Op) and node.prim == "getitem" and node.inputs[0].type.kind == "tuple":
            return True
        if not isinstance(node, Op) or node.prim not in self._REMAT or v.type.kind != "scalar":
            return False
        if self._remat_depth >= 4:
            return False
        if node.prim == "getitem":  # only reads of arrays that no write can have changed since
            base = node.inputs[0]
            return base.type.kind == "array" and base.id not in self.written and \
                self.def_block.get(base.id, self.fn.body) is self.fn.body
        return True

    def zero_like(self, v: Value) -> Value:
        if v.type.kind == "array":
            return self.emit("zeros_like", [self.primal(v)], dtype=v.type.dtype)
        return self.emit("astype", [self.b.const(0.0)], dtype=v.type.dtype) if not v.type.weak else self.b.const(0.0)

    def cast_like(self, ct: Value, v: Value) -> Value:
        """An adjoint contribution in the dtype of the value it is the adjoint of."""
        if ct.type.kind == "array" and v.type.kind == "array" and ct.type.dtype != v.type.dtype:
            return self.emit("astype", [ct], dtype=v.type.dtype)
        if ct.type.kind == "scalar" and v.type.kind == "scalar" and ct.type.dtype != v.type.dtype:
            return self.emit("astype", [ct], dtype=v.type.dtype)
        return ct

    def accumulate(self, adj: dict, v: Value, ct: Value) -> None:
        ct = self.cast_like(ct, v)
        prev = adj.get(v.id)
        scatter = self._fresh_scatter(ct) if prev is not None else None
        if scatter is not None:  # prev + (zeros with g at idx)  ==  prev with g added at idx
            new = self.emit("index_add", [prev] + scatter.inputs[1:], **scatter.attrs)
        else:
            new = ct if prev is None else self.emit("add", [prev, ct])
        if new.hint is None or prev is not None:
            new.hint = adjoint_name(v)
        adj[v.id] = new

    def _fresh_scatter(self, ct: Value):
        """The index_add that made ct, if ct is zeros with a cotangent added into one region."""
        ops = self.b.ops
        for k in range(len(ops) - 1, max(-1, len(ops) - 8), -1):
            op = ops[k]
            if isinstance(op, Op) and ct in op.outputs:
                if op.prim != "index_add" or op.inputs[0].type.kind != "array":
                    return None
                base = next((b for b in ops[max(0, k - 8):k] if isinstance(b, Op) and op.inputs[0] in b.outputs), None)
                if base is not None and base.prim == "zeros_like" and self.avals[base.out.id].shape == self.avals[ct.id].shape:
                    return op
                return None
        return None

    # ---------------------------------------------------------------- blocks
    def reverse_block(self, block: Block, adj: dict) -> None:
        for node in reversed(block.ops):
            if isinstance(node, Op):
                self.reverse_op(node, adj)
            elif isinstance(node, If):
                self.reverse_if(node, adj)
            elif isinstance(node, For):
                self.reverse_for(node, adj)
            elif isinstance(node, While):
                self.reverse_while(node, adj)

    def reverse_op(self, op: Op, adj: dict) -> None:
        if op.out.id not in self.active or op.out.id not in adj:
            return
        base = op.inputs[0] if op.inputs else None
        if (op.prim == "getitem" and base.type.kind == "array" and base.id in adj and base.id in self.active
                and all(it[0] != "none" for it in op.attrs["index"])):
            # a read of x[idx] adds its cotangent into dx at idx, in place: no zeros, no copy of x
            self.b.loc = op.loc
            from .primitives import _shift

            new = self.emit("index_add", [adj[base.id], adj[op.out.id]] + [self.primal(i) for i in op.inputs[1:]],
                            index=_shift(op.attrs["index"], 1))
            new.hint = adjoint_name(base)
            adj[base.id] = new
            return
        p = PRIMITIVES[op.prim]
        if p.vjp is None:
            raise InternalCompilerError(f"primitive {op.prim} has no VJP rule", print_function(self.fn))
        self.b.loc = op.loc
        if op.prim in _COMPANIONS and self.def_block.get(op.out.id) is not self.fn.body:
            return self.reverse_with_companion(op, adj)
        g = Var(adj[op.out.id], self.b)
        args = [_LazyVar(i, self.b, self.primal) for i in op.inputs]
        attrs = {k: v for k, v in op.attrs.items() if k != "bcast"}
        cts = p.vjp(g, _LazyVar(op.out, self.b, self.primal), *args, **attrs)
        if len(cts) != len(op.inputs):
            raise InternalCompilerError(f"VJP of {op.prim} returned {len(cts)} cotangents for {len(op.inputs)} inputs")
        for k, (inp, ct) in enumerate(zip(op.inputs, cts)):
            if ct is None or inp.id not in self.active or k in p.nondiff_inputs:
                continue
            ct = ct if isinstance(ct, Var) else Var(self.b.lift(ct), self.b)
            ct = unbroadcast(self.b, ct, op, k)
            self.accumulate(adj, inp, ct.value)

    def reverse_with_companion(self, op: Op, adj: dict) -> None:
        """sin in a loop: its derivative cos(x) is computed in the forward sweep right beside it
        (where the pair becomes one sincos call) and recorded, instead of a second libm call in
        the reverse sweep; likewise cos with sin."""
        x = op.inputs[0]
        companion = self._companions.get(op.out.id)
        if companion is None:
            prim = _COMPANIONS[op.prim]
            out = self.b.define(Value(None), PRIMITIVES[prim].abstract(self.avals[x.id]))
            companion = Op(prim, [x], [out], {}, op.loc, "primal")
            self.pushes.setdefault(id(op), []).append(companion)
            self.def_block[out.id] = self.def_block[op.out.id]
            self.def_node[out.id] = companion
            self._companions[op.out.id] = companion
        d = self.primal(companion.out)
        g = adj[op.out.id]
        ct = self.emit("mul", [g, d]) if op.prim == "sin" else self.emit("mul", [g, self.emit("neg", [d])])
        if x.id in self.active:
            self.accumulate(adj, x, ct)

    def outer_adjoints(self, node, adj: dict) -> list:
        """Active values from outside a control node that its blocks read: their adjoints change."""
        from .ir import free_values

        seen, out = set(), []
        for b in inner_blocks(node):
            extra = []
            if isinstance(node, For):
                extra = [node.index] + list(node.carried)
            elif isinstance(node, While):
                extra = list(node.carried)
            for v in free_values(b, extra):
                if v.id in self.active and v.id not in seen and v.type.is_float:
                    seen.add(v.id)
                    out.append(v)
        return out

    def reverse_if(self, node: If, adj: dict) -> None:
        live = [(o, a, b) for o, a, b in zip(node.outputs, node.then_yield, node.else_yield)
                if o.id in self.active and o.id in adj]
        if not live:
            return
        self.b.loc = node.loc
        cond = self.primal(node.cond)
        outer = self.outer_adjoints(node, adj)
        branches = []
        for block, k in ((node.then_block, 1), (node.else_block, 2)):
            ops: list = []
            scope = _Scope(block, ops)
            self.scopes.append(scope)
            badj = dict(adj)
            saved = self.b.ops
            self.b.ops = ops
            for o, ty, ey in live:
                y = ty if k == 1 else ey
                if y.id in self.active:
                    self.accumulate(badj, y, adj[o.id])
            self.reverse_block(block, badj)
            self.b.ops = saved
            self.scopes.pop()
            branches.append((ops, badj))
        changed = [v for v in outer if any(b[1].get(v.id) is not adj.get(v.id) for b in branches)]
        if not changed:
            return
        then_y, else_y, outs = [], [], []
        for v in changed:
            ys = []
            for ops, badj in branches:
                y = badj.get(v.id)
                if y is None:
                    y = self.with_ops(ops, lambda v=v: adj.get(v.id) or self.zero_like(v))
                ys.append(y)
            ys = self.unify(ys, [branches[0][0], branches[1][0]])
            strong = next((y.type for y in ys if not y.type.weak), ys[0].type)
            out = self.b.define(Value(adjoint_name(v)), Abstract(strong, self.avals[ys[0].id].shape))
            then_y.append(ys[0])
            else_y.append(ys[1])
            outs.append(out)
            adj[v.id] = out
        self.b.ops.append(If(cond, Block(branches[0][0]), Block(branches[1][0]), then_y, else_y, outs, node.loc,
                             "adjoint"))

    def unify(self, vals: list, blocks: list) -> list:
        """Give values merged by a branch or a loop one type (weak Python floats become float64)."""
        types = {v.type for v in vals}
        if len(types) == 1 or len({(t.kind, t.dtype, t.rank) for t in types}) == 1:
            return vals
        strong = [v.type for v in vals if not v.type.weak]
        target = strong[0] if strong else vals[0].type
        out = []
        for v, blk in zip(vals, blocks):
            if v.type != target:
                v = self.with_ops(blk, lambda v=v: self.emit("astype", [v], dtype=target.dtype))
            out.append(v)
        if len({v.type for v in out}) != 1:
            raise InternalCompilerError("adjoints merged at a branch or loop have different types: "
                                        + ", ".join(str(v.type) for v in out), print_function(self.fn))
        return out

    def loop_plan(self, node, adj: dict):
        """What a loop's reverse carries: adjoints of its carried values, then accumulators of the
        outer values its body reads. None when no adjoint reaches the loop."""
        live = [j for j, o in enumerate(node.outputs) if o.id in self.active]
        carried_active = [j for j in live if node.carried[j].id in self.active or node.body_yield[j].id in self.active]
        if not any(node.outputs[j].id in adj for j in carried_active):
            return None
        kinds = [("carried", j) for j in carried_active] + [("outer", v) for v in self.outer_adjoints(node, adj)]
        names = [adjoint_name(node.carried[w]) if k == "carried" else adjoint_name(w) for k, w in kinds]
        return kinds, names

    def reverse_iterations(self, node, kinds: list, names: list, inits: list, k_hi: Value, k_lo: Value,
                           index_of) -> list:
        """Emit `for k in range(k_hi - 1, k_lo - 1, -1): <reverse of the body>` carrying `inits`;
        returns the loop's outputs (one per entry of kinds)."""
        k_first = self.emit("sub", [k_hi, self.b.const(1)])
        k_stop = self.emit("sub", [k_lo, self.b.const(1)])
        k = self.b.define(Value("_k"), Abstract(scalar_type("int64", True), ()))
        params = [self.b.define(Value(n), Abstract(i.type, self.avals[i.id].shape)) for n, i in zip(names, inits)]
        body_ops: list = []
        scope = _Scope(node.body, body_ops)
        self.scopes.append(scope)
        saved = self.b.ops
        self.b.ops = body_ops
        badj: dict = {}
        index_of(scope, k)
        for (kind, what), prm in zip(kinds, params):
            if kind == "outer":
                badj[what.id] = prm
        for (kind, what), prm in zip(kinds, params):
            if kind == "carried":
                y = node.body_yield[what]
                if y.id in self.active:
                    self.accumulate(badj, y, prm)
        self.reverse_block(node.body, badj)
        yields = []
        for (kind, what), prm in zip(kinds, params):
            if kind == "carried":
                c = node.carried[what]
                y = badj.get(c.id)
                yields.append(y if y is not None else self.zero_like(c))
            else:
                yields.append(badj.get(what.id, prm))
        self.b.ops = saved
        self.scopes.pop()
        fixed = []
        for prm, y in zip(params, yields):
            if y.type != prm.type and y.type.kind == prm.type.kind == "scalar" and y.type.dtype == prm.type.dtype:
                prm.type = y.type  # a Python float accumulator that became float64: same machine type
                self.avals[prm.id] = Abstract(y.type, ())
            if y.type != prm.type:
                y = self.with_ops(body_ops, lambda y=y, prm=prm: self.emit("astype", [y], dtype=prm.type.dtype))
                if prm.type.weak:
                    y.type = prm.type
            fixed.append(y)
        outs = [self.b.define(Value(n), Abstract(p.type, self.avals[p.id].shape)) for n, p in zip(names, params)]
        minus_one = self.b.const(-1)
        self.b.ops.append(For(k, k_first, k_stop, minus_one, inits, params, Block(body_ops), fixed, outs, node.loc,
                              "adjoint"))
        return outs

    def loop_inits(self, node, kinds: list, adj: dict) -> list:
        inits = []
        for kind, what in kinds:
            v = node.outputs[what] if kind == "carried" else what
            inits.append(adj.get(v.id) or self.zero_like(v))
        return inits

    def finish_loop(self, node, kinds: list, outs: list, adj: dict) -> None:
        for (kind, what), out in zip(kinds, outs):  # accumulators first: they already hold adj[v]
            if kind == "outer":
                adj[what.id] = out
        for (kind, what), out in zip(kinds, outs):
            if kind == "carried":
                init = node.init[what]
                if init.id in self.active:
                    self.accumulate(adj, init, out)

    def reverse_loop(self, node, adj: dict, trips: Value, index_of) -> None:
        """The shared reverse of For and While: a loop over the iterations in reverse order."""
        plan = self.loop_plan(node, adj)
        if plan is None:
            return
        kinds, names = plan
        self.b.loc = node.loc
        inits = self.loop_inits(node, kinds, adj)
        outs = self.reverse_iterations(node, kinds, names, inits, trips, self.b.const(0), index_of)
        self.finish_loop(node, kinds, outs, adj)

    def reverse_for(self, node: For, adj: dict) -> None:
        self.b.loc = node.loc
        if not any(o.id in adj and o.id in self.active for o in node.outputs):
            return
        if self.checkpoint and self.def_block.get(node.outputs[0].id) is self.fn.body and node.outputs:
            return self.reverse_for_checkpointed(node, adj)
        start, stop, step = (self.primal(v) for v in (node.start, node.stop, node.step))
        trips = self.emit("trip_count", [start, stop, step])

        def index_of(scope: _Scope, k: Value):
            scope.remap[node.index.id] = self.emit("add", [start, self.emit("mul", [k, step])], hint=node.index.hint)

        self.reverse_loop(node, adj, trips, index_of)

    # ---------------------------------------------------------------- checkpointing
    def reverse_for_checkpointed(self, node: For, adj: dict) -> None:
        """sqrt(T)-segment checkpointing: the forward sweep keeps only the carried state at the start
        of every segment of S iterations; the reverse sweep, segment by segment from the last,
        restores that state, replays the segment forward recording its tape, then reverses it.
        Memory O(T/S + S) instead of O(T); one extra forward pass of time."""
        plan = self.loop_plan(node, adj)
        if plan is None:
            return
        kinds, names = plan
        start, stop, step = node.start, node.stop, node.step
        # T and S are computed just before the loop in the forward sweep (the reverse reads them)
        pre: list = []

        def sizes():
            trips = self.emit("trip_count", [start, stop, step], hint="_T")
            if self.checkpoint == "sqrt":
                root = self.emit("sqrt", [self.emit("astype", [trips], dtype="float64")])
                seg = self.emit("add", [self.emit("astype", [root], dtype="int64"), self.b.const(1)], hint="_S")
            else:
                seg = self.b.const(int(self.checkpoint))
                seg.hint = "_S"
            return trips, seg

        trips, seg = self.with_ops(pre, sizes)
        for op in pre:
            op.role = "primal"
        self.before.setdefault(id(node), []).extend(pre)
        # forward: at the start of each segment, record the carried state
        carried = [node.carried[j] for j in range(len(node.carried))]
        tapes = []
        snap: list = []

        def snapshot():
            k = self.emit("floordiv", [self.emit("sub", [node.index, start]), step])
            first = self.emit("eq", [self.emit("mod", [k, seg]), self.b.const(0)])
            pushes = []
            for c in carried:
                self.tapes += 1
                tape = f"_ckpt_{c.hint or 'v'}{self.tapes}"
                tapes.append((tape, c))
                done = self.b.define(Value(None), PRIMITIVES["tape_push"].abstract(self.avals[c.id], tape=tape))
                pushes.append(Op("tape_push", [c], [done], {"tape": tape}, None, "primal"))
            return If(first, Block(pushes), Block([]), [], [], [], node.loc)

        cond_if = self.with_ops(snap, snapshot)
        for op in snap:
            op.role = "primal"
        self.body_prefix[id(node)] = snap + [cond_if]
        # reverse: segments from the last to the first
        self.b.loc = node.loc
        inits = self.loop_inits(node, kinds, adj)
        nseg = self.emit("floordiv", [self.emit("sub", [self.emit("add", [trips, seg]), self.b.const(1)]), seg])
        s_idx = self.b.define(Value("_segment"), Abstract(scalar_type("int64", True), ()))
        params = [self.b.define(Value(n), Abstract(i.type, self.avals[i.id].shape)) for n, i in zip(names, inits)]
        seg_ops: list = []
        saved = self.b.ops
        self.b.ops = seg_ops
        state = []
        for tape, c in tapes:
            v = self.b.define(Value(c.hint), Abstract(c.type, self.avals[c.id].shape))
            seg_ops.append(Op("tape_pop", [], [v], {"tape": tape}, None, "adjoint"))
            state.append(v)
        k0 = self.emit("mul", [s_idx, seg])
        k1 = self.emit("minimum", [trips, self.emit("add", [k0, seg])])
        # replay the segment forward with its tape (the body is cloned in once the tape is known)
        replay_index = self.b.define(Value(node.index.hint), Abstract(node.index.type, ()))
        replay_params = [self.b.define(Value(c.hint), Abstract(c.type, self.avals[c.id].shape)) for c in carried]
        replay_outs = [self.b.define(Value(c.hint), Abstract(c.type, self.avals[c.id].shape)) for c in carried]
        i0 = self.emit("add", [start, self.emit("mul", [k0, step])])
        i1 = self.emit("add", [start, self.emit("mul", [k1, step])])
        replay = For(replay_index, i0, i1, step, state, replay_params, Block([]), list(replay_params), replay_outs,
                     node.loc, "replay")
        seg_ops.append(replay)
        self.replays.append((node, replay))
        local = {}
        for (kind, what), prm in zip(kinds, params):
            v = node.outputs[what] if kind == "carried" else what
            local[v.id] = prm

        def index_of(scope: _Scope, k: Value):
            scope.remap[node.index.id] = self.emit("add", [start, self.emit("mul", [k, step])], hint=node.index.hint)

        seg_inits = [local[(node.outputs[w] if kd == "carried" else w).id] for kd, w in kinds]
        outs_inner = self.reverse_iterations(node, kinds, names, seg_inits, k1, k0, index_of)
        self.b.ops = saved
        outs = [self.b.define(Value(n), Abstract(p.type, self.avals[p.id].shape)) for n, p in zip(names, params)]
        minus_one = self.b.const(-1)
        last = self.emit("sub", [nseg, self.b.const(1)])
        self.b.ops.append(For(s_idx, last, minus_one, minus_one, inits, params, Block(seg_ops), outs_inner, outs,
                              node.loc, "adjoint"))
        self.finish_loop(node, kinds, outs, adj)

    def reverse_while(self, node: While, adj: dict) -> None:
        if not any(o.id in adj and o.id in self.active for o in node.outputs):
            return
        self.b.loc = node.loc
        trips = self.primal(self.trip_counter(node))
        self.reverse_loop(node, adj, trips, lambda scope, k: None)

    def trip_counter(self, node: While) -> Value:
        """Count the iterations of a while loop in the forward sweep (an extra carried value)."""
        if hasattr(node, "_trips"):
            return node._trips
        av = Abstract(scalar_type("int64", True), ())
        zero = Op("const", [], [self.b.define(Value(None), PRIMITIVES["const"].abstract(value=0))], {"value": 0})
        param = self.b.define(Value("_trip"), av)
        one = Op("const", [], [self.b.define(Value(None), PRIMITIVES["const"].abstract(value=1))], {"value": 1})
        nxt = Op("add", [param, one.out], [self.b.define(Value("_trip"), av)], {})
        out = self.b.define(Value("_trips"), av)
        node.body.ops = [one] + node.body.ops + [nxt]
        node.init.append(zero.out)
        node.carried.append(param)
        node.body_yield.append(nxt.out)
        node.outputs.append(out)
        self.def_block[param.id] = node.cond_block
        self.def_node[param.id] = None
        self.def_block[out.id] = self.def_block.get(node.outputs[0].id, self.fn.body)
        self.def_node[out.id] = node
        self._pending_inits.append((node, zero))
        node._trips = out
        return out

    # ---------------------------------------------------------------- the whole function
    def run(self) -> Function:
        fn = self.fn
        result = fn.results[0]
        rt = result.type
        if not (rt.kind == "scalar" or (rt.kind == "array" and rt.ndim == 0)):
            raise AdjitTypeError(f"the function must return a scalar to be differentiated, but it returns {rt}",
                                 fn.result_loc, hint="reduce the result to a scalar, e.g. with np.sum(...)")
        if not rt.is_float:
            raise AdjitTypeError(f"the result has type {rt}; only float results can be differentiated", fn.result_loc)
        self._pending_inits: list = []
        adj: dict[int, Value] = {}
        top = _Scope(fn.body, self.b.ops)
        self.scopes.append(top)
        if result.id in self.active:
            self.b.loc = fn.result_loc
            seed = self.b.const(1.0) if rt.dtype == "float64" else self.emit("astype", [self.b.const(1.0)], dtype=rt.dtype)
            seed.hint = adjoint_name(result)
            adj[result.id] = seed
        self.reverse_block(fn.body, adj)
        self.b.loc = None
        grads = []
        for k in self.wrt:
            p = fn.params[k]
            g = adj.get(p.id)
            if g is None:  # the result does not depend on this argument
                g = self.emit("zeros_like", [p], dtype=p.type.dtype) if p.type.kind == "array" else self.b.const(0.0)
            elif g.type.dtype != p.type.dtype and p.type.kind == "array":
                g = self.emit("astype", [g], dtype=p.type.dtype)
            g.hint = g.hint if g.hint and g.hint != adjoint_name(result) else adjoint_name(p)
            grads.append(g)
        forward = self.augmented_forward(fn.body)
        return Function(fn.name + "_grad", fn.params, fn.param_names, Block(forward.ops + self.b.ops),
                        [result] + grads, fn.filename, fn.firstline, fn.result_loc, fn.avals)

    def augmented_forward(self, block: Block) -> Block:
        """The primal program with tape pushes after the values the reverse sweep pops."""
        self._insert_pushes(block)
        if self._pending_inits:
            block.ops = _insert_before_loops(block.ops, self._pending_inits)
        for node, replay in self.replays:
            # the replay runs the body with its tape; the forward loop itself records only checkpoints
            mapping = {node.index.id: replay.index}
            mapping.update((c.id, p) for c, p in zip(node.carried, replay.carried))
            replay.body = clone_block(node.body, mapping, self.avals, role="replay")
            replay.body_yield = [mapping.get(y.id, y) for y in node.body_yield]
            node.body.ops = self.body_prefix[id(node)] + _strip_pushes(node.body.ops)
        if self.before:
            out = []
            for n in block.ops:
                out.extend(self.before.get(id(n), []))
                out.append(n)
            block.ops = out
        return block

    def _insert_pushes(self, block: Block) -> None:
        out = []

        def place(ops: list) -> None:  # an inserted op (a companion) may have pushes of its own
            for extra in ops:
                out.append(extra)
                place(self.pushes.get(id(extra), []))

        place(self.pushes.get(id(block), []))
        for node in block.ops:
            out.append(node)
            place(self.pushes.get(id(node), []))
            for b in inner_blocks(node):
                self._insert_pushes(b)
        block.ops = out


def _strip_pushes(ops: list) -> list:
    out = []
    for n in ops:
        if isinstance(n, Op) and n.prim == "tape_push":
            continue
        for b in inner_blocks(n):
            b.ops = _strip_pushes(b.ops)
        out.append(n)
    return out


def clone_block(block: Block, mapping: dict, avals: dict, role: str | None = None) -> Block:
    """A copy of a block with fresh values for everything it defines (mapping: old id -> value)."""

    def fresh(v: Value) -> Value:
        nv = Value(v.hint, v.type)
        avals[nv.id] = avals[v.id]
        mapping[v.id] = nv
        return nv

    def m(v: Value) -> Value:
        return mapping.get(v.id, v)

    ops = []
    for node in block.ops:
        if isinstance(node, Op):
            ins = [m(i) for i in node.inputs]
            outs = [fresh(o) for o in node.outputs]
            ops.append(Op(node.prim, ins, outs, dict(node.attrs), node.loc, role or node.role))
        elif isinstance(node, If):
            cond = m(node.cond)
            tb = clone_block(node.then_block, mapping, avals, role)
            ty = [m(y) for y in node.then_yield]
            eb = clone_block(node.else_block, mapping, avals, role)
            ey = [m(y) for y in node.else_yield]
            ops.append(If(cond, tb, eb, ty, ey, [fresh(o) for o in node.outputs], node.loc, role or node.role))
        elif isinstance(node, For):
            start, stop, step, init = m(node.start), m(node.stop), m(node.step), [m(i) for i in node.init]
            idx = fresh(node.index)
            carried = [fresh(c) for c in node.carried]
            body = clone_block(node.body, mapping, avals, role)
            ys = [m(y) for y in node.body_yield]
            ops.append(For(idx, start, stop, step, init, carried, body, ys, [fresh(o) for o in node.outputs],
                           node.loc, role or node.role))
        elif isinstance(node, While):
            init = [m(i) for i in node.init]
            carried = [fresh(c) for c in node.carried]
            cb = clone_block(node.cond_block, mapping, avals, role)
            cond = m(node.cond)
            body = clone_block(node.body, mapping, avals, role)
            ys = [m(y) for y in node.body_yield]
            w = While(init, carried, cb, cond, body, ys, [fresh(o) for o in node.outputs], node.loc, role or node.role)
            ops.append(w)
    return Block(ops)


def _insert_before_loops(ops: list, pending: list) -> list:
    """Place each while loop's trip-counter initial value just before the loop (in any block)."""
    by_node = {id(node): zero for node, zero in pending}

    def fix(block_ops: list) -> list:
        out = []
        for node in block_ops:
            if id(node) in by_node:
                out.append(by_node[id(node)])
            for b in inner_blocks(node):
                b.ops = fix(b.ops)
            out.append(node)
        return out

    return fix(ops)


def unbroadcast(b: Builder, ct: Var, op: Op, k: int) -> Var:
    """Sum a cotangent of an elementwise op's output down to the shape of its k-th input."""
    bcast = op.attrs.get("bcast")
    if bcast is None:
        return ct
    axes = bcast[k]
    if axes is None:
        raise InternalCompilerError(f"broadcast pattern of {op.prim} unknown at reverse time")
    lead, stretched = axes
    if stretched:
        ct = b.emit_vars("sum", (ct,), {"axis": stretched, "keepdims": True})
    if lead:
        ct = b.emit_vars("sum", (ct,), {"axis": lead, "keepdims": False})
    return ct


def value_and_grad(fn: Function, builder: Builder, wrt: list[int], checkpoint=None) -> Function:
    """A new function returning (result, d<wrt_0>, d<wrt_1>, ...): forward sweep then reverse sweep.
    checkpoint="sqrt" (or a segment length) reverses top-level for loops with checkpointing."""
    return _Reverse(fn, builder, wrt, checkpoint).run()
