"""Forward mode (JVP) on the IR: tangents `<name>_dot` pushed through each op with the JVP column
of the primitives table; branches yield tangents and loops carry them beside their values."""
from __future__ import annotations

from .builder import Builder, Var
from .errors import AdjitError, InternalCompilerError
from .ir import Abstract, Block, Function, If, Op, Value, While, clone_function, print_function
from .primitives import PRIMITIVES
from .activity import varied_values


class _Forward:
    def __init__(self, fn: Function, builder: Builder):
        self.fn = fn
        self.b = Builder(builder.avals, role="tangent")
        self.avals = builder.avals
        self.tangent_tapes: set = set()  # tapes whose values carry tangents on a companion tape

    def zero(self, v: Value) -> Value:
        if v.type.kind == "tuple":  # `return x * 2, xi + 1` with no tangent: a tuple of zero tangents
            items = [self.b.emit("getitem", [v, self.b.const(k)], index=(("int", 1),)) for k in range(len(v.type.elems))]
            return self.b.emit("tuple", [self.zero(e) for e in items])
        if v.type.kind == "array":
            return self.b.emit("zeros_like", [v], dtype=v.type.dtype)
        return self.b.const(0.0) if v.type.dtype == "float64" else self.b.emit("astype", [self.b.const(0.0)], dtype=v.type.dtype)

    def tangent_of(self, v: Value, tan: dict) -> Value:
        t = tan.get(v.id)
        return t if t is not None else self.zero(v)

    def fit(self, t: Value, like: Value) -> Value:
        """A tangent with exactly the shape and dtype of its primal value."""
        if self.avals[t.id].shape != self.avals[like.id].shape:
            t = self.b.emit("broadcast_to", [t, self.b.emit("shape", [like])])
        if t.type != like.type and like.type.kind in ("array", "scalar") and not (like.type.weak and t.type.dtype == like.type.dtype):
            t = self.b.emit("astype", [t], dtype=like.type.dtype)
        return t

    def block(self, block: Block, tan: dict) -> list:
        out = []
        for node in block.ops:
            saved = self.b.ops
            self.b.ops = out
            try:
                if isinstance(node, Op):
                    out.append(node)
                    self.op(node, tan)
                elif isinstance(node, If):
                    self.if_(node, tan)
                else:
                    self.loop(node, tan)
            finally:
                self.b.ops = saved
        return out

    def tape(self, op: Op, tan: dict) -> None:
        """Forward mode over a reverse sweep (a Hessian-vector product): a value pushed on a tape
        has its tangent pushed on a companion tape `<tape>_dot` right after it, and popped right
        after it, so the two stacks stay in step."""
        tape = op.attrs["tape"]
        self.b.loc = op.loc
        if op.prim == "tape_push":
            t = tan.get(op.inputs[0].id)
            if t is not None:
                self.b.emit("tape_push", [self.fit(t, op.inputs[0])], tape=tape + "_dot")
                self.tangent_tapes.add(tape)
        elif tape in self.tangent_tapes:
            v = self.b.define(Value(f"{op.out.hint or '_t'}_dot"), self.avals[op.out.id])
            self.b.ops.append(Op("tape_pop", [], [v], {"tape": tape + "_dot"}, op.loc, "tangent"))
            tan[op.out.id] = v

    def op(self, op: Op, tan: dict) -> None:
        if op.prim in ("tape_push", "tape_pop"):
            return self.tape(op, tan)
        pr = PRIMITIVES[op.prim]
        ins = [tan.get(i.id) if k not in pr.nondiff_inputs else None for k, i in enumerate(op.inputs)]
        if op.prim == "tuple" and any(t is not None for t in ins):  # `return a, b`: the tuple of tangents
            self.b.loc = op.loc
            tv = self.b.emit("tuple", [self.fit(t, i) if t is not None else self.zero(i) for t, i in zip(ins, op.inputs)])
            tan[op.out.id] = tv
            return
        if not pr.differentiable or all(t is None for t in ins):
            return
        if op.out.type.kind in ("array", "scalar") and not op.out.type.is_float:
            return  # an integer or boolean result (`x.astype(int)`, `int(x)`) is constant almost everywhere
        if pr.jvp is None:
            raise InternalCompilerError(f"primitive {op.prim} has no JVP rule", print_function(self.fn))
        self.b.loc = op.loc
        attrs = {k: v for k, v in op.attrs.items() if k != "bcast"}
        try:
            t = pr.jvp([None if x is None else Var(x, self.b) for x in ins], Var(op.out, self.b),
                       *[Var(i, self.b) for i in op.inputs], **attrs)
        except AdjitError as e:  # a rule's error is the op's: its line
            raise e.located(op.loc) from None
        if t is None:
            return
        tv = self.fit(t.value if isinstance(t, Var) else self.b.lift(t), op.out)
        if tv.hint is None or op.out.hint is not None and not any(tv is v for v in tan.values()):
            tv.hint = f"{op.out.hint or '_t'}_dot"  # never renames a tangent that another value owns
        tan[op.out.id] = tv

    def if_(self, node: If, tan: dict) -> None:
        self.b.loc = node.loc
        branches = []
        for block, ys in ((node.then_block, node.then_yield), (node.else_block, node.else_yield)):
            btan = dict(tan)
            ops = self.block(block, btan)
            branches.append((ops, btan, ys))
        extra_out = []
        for j, o in enumerate(node.outputs):
            if o.id not in self.varied:
                continue
            ys = []
            for ops, btan, yields in branches:
                saved = self.b.ops
                self.b.ops = ops
                ys.append(self.fit(self.tangent_of(yields[j], btan), o))
                self.b.ops = saved
            out = self.b.define(Value(f"{o.hint or '_t'}_dot"), Abstract(o.type, self.avals[o.id].shape))
            node.then_yield.append(ys[0])
            node.else_yield.append(ys[1])
            extra_out.append((o, out))
        node.then_block.ops, node.else_block.ops = branches[0][0], branches[1][0]
        for o, out in extra_out:
            node.outputs.append(out)
            tan[o.id] = out
        self.b.ops.append(node)

    def loop(self, node, tan: dict) -> None:
        self.b.loc = node.loc
        idx = [j for j, c in enumerate(node.carried) if c.id in self.varied]
        n = len(node.carried)
        params = []
        for j in idx:
            c = node.carried[j]
            node.init.append(self.fit(self.tangent_of(node.init[j], tan), node.init[j]))
            p = self.b.define(Value(f"{c.hint or '_t'}_dot"), Abstract(c.type, self.avals[c.id].shape))
            params.append(p)
        btan = dict(tan)
        for j, p in zip(idx, params):
            btan[node.carried[j].id] = p
        if isinstance(node, While):
            node.cond_block.ops = self.block(node.cond_block, btan)
        body = self.block(node.body, btan)
        saved = self.b.ops
        self.b.ops = body
        for j in idx:
            node.body_yield.append(self.fit(self.tangent_of(node.body_yield[j], btan), node.carried[j]))
        self.b.ops = saved
        node.body.ops = body
        node.carried.extend(params)
        for j in idx:
            o = node.outputs[j]
            out = self.b.define(Value(f"{o.hint or '_t'}_dot"), Abstract(o.type, self.avals[o.id].shape))
            node.outputs.append(out)
            tan[o.id] = out
        assert len(node.carried) == n + len(idx)
        self.b.ops.append(node)


def jvp(fn: Function, builder: Builder, wrt: list[int], all_results: bool = False, passthrough: int = 0) -> Function:
    """A new function taking (*params, *tangents of wrt params) and returning (result, result_dot);
    all_results=True: (*results, *their tangents), for forward mode over a function with several
    results (the gradient function: forward over reverse). passthrough: the last results of fn
    (has_aux's aux parts) are not differentiated, and come last, after the tangents."""
    fn = clone_function(fn)  # the function given stays untouched
    f = _Forward(fn, builder)
    tan: dict[int, Value] = {}
    tangent_params = []
    for k in wrt:
        p = fn.params[k]
        t = f.b.define(Value(f"{p.hint}_dot"), f.avals[p.id])
        tan[p.id] = t
        tangent_params.append(t)
    f.varied = varied_values(fn, {fn.params[k].id for k in wrt})
    ops = f.block(fn.body, tan)
    kept = list(fn.results[:len(fn.results) - passthrough])
    aux = list(fn.results[len(kept):])
    results = kept if all_results else kept[:1]
    saved = f.b.ops
    f.b.ops = ops
    f.b.loc = None
    tangents = [f.fit(f.tangent_of(r, tan), r) for r in results]
    f.b.ops = saved
    return Function(fn.name + "_jvp", fn.params + tangent_params, fn.param_names + [v.hint for v in tangent_params],
                    Block(ops), results + tangents + aux, fn.filename, fn.firstline, fn.result_loc, fn.avals)
