"""Reversing structured control flow: a branch by a branch on the same condition, a loop by a loop
running backwards over the same iterations (with sqrt(T) checkpointing for long `for` loops),
and the IR surgery they need (cloning blocks, moving tape pushes)."""
from __future__ import annotations

from ..errors import InternalCompilerError
from ..ir import (Abstract, Block, For, If, Op, Value, While, clone_block, inner_blocks, print_function, scalar_type,
                  walk)
from ..primitives import PRIMITIVES



def tape_name(prefix: str, hint, n: int) -> str:
    """A tape's name, unique per counter n: `_tape_h3`, or `_tape_v1_3` where the hint ends in a
    digit (`v1` + 3 and `v` + 13 would both read `_tape_v13`, two tapes under one name)."""
    hint = hint or "v"
    return f"{prefix}{hint}_{n}" if hint[-1].isdigit() else f"{prefix}{hint}{n}"

def adjoint_name(v: Value) -> str | None:
    """`dW2` for W2; temporaries' adjoints stay anonymous (codegen numbers them)."""
    return None if v.hint is None else "d" + v.hint


class _Scope:
    """One reverse block under construction, mirroring one forward block."""

    def __init__(self, forward: Block | None, ops: list):
        self.forward = forward
        self.ops = ops
        self.remap: dict[int, Value] = {}
        self.pops = 0  # pops are inserted at the start, in front of everything else


class ControlFlowReverse:
    """Mixin of sweep._Reverse: the reverse of If, For and While nodes."""

    def outer_adjoints(self, node, adj: dict) -> list:
        """Active values from outside a control node that its blocks read or yield: their adjoints
        change. A block that yields an outer value unchanged (`x = y` right before `break`, a
        branch that passes a value through) reads it as surely as an op does."""
        from ..ir import block_yields, free_values

        seen, out = set(), []
        extra = []
        if isinstance(node, For):
            extra = [node.index] + list(node.carried)
        elif isinstance(node, While):
            extra = list(node.carried)
        for b, ys in block_yields(node):
            inside = {o.id for n in walk(b) for o in n.outputs} | {v.id for v in extra}
            for n in walk(b):
                if isinstance(n, For):
                    inside.update([n.index.id] + [c.id for c in n.carried])
                elif isinstance(n, While):
                    inside.update(c.id for c in n.carried)
            passed = [y for y in ys if y.id not in inside]
            for v in free_values(b, extra) + passed:
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
            branches.append((ops, badj, scope))
        changed = [v for v in outer if any(b[1].get(v.id) is not adj.get(v.id) for b in branches)]
        if not changed:
            return
        then_y, else_y, outs = [], [], []
        for v in changed:
            ys = []
            for ops, badj, scope in branches:
                y = badj.get(v.id)
                if y is None:  # emitted into the branch: primal values it needs are the branch's
                    self.scopes.append(scope)
                    try:
                        y = self.with_ops(ops, lambda v=v: adj.get(v.id) or self.zero_like(v))
                    finally:
                        self.scopes.pop()
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
        Memory O(T/S + S) instead of O(T); one extra forward pass of time.

        (Over 80 lines: the forward sweep, the segment loop and its replay, and the reversal share
        the segment's bookkeeping values; split, each part would take most of them as arguments.)"""
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
                tape = tape_name("_ckpt_", c.hint, self.tapes)
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
def _strip_pushes(ops: list) -> list:
    out = []
    for n in ops:
        if isinstance(n, Op) and n.prim == "tape_push":
            continue
        for b in inner_blocks(n):
            b.ops = _strip_pushes(b.ops)
        out.append(n)
    return out


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


