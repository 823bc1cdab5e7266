"""The reverse sweep: activity, adjoints op by op with the VJP rules, the augmented forward sweep
with its tape pushes, and `value_and_grad`. Branches and loops are reversed by control.py."""
from __future__ import annotations

from ..activity import activity
from ..builder import Builder, Var
from ..errors import AdjitError, AdjitTypeError, InternalCompilerError
from ..ir import (Abstract, Block, For, Function, If, Op, Value, While, clone_function, inner_blocks, print_function,
                  walk)
from ..primitives import PRIMITIVES
from .control import ControlFlowReverse, _insert_before_loops, _Scope, _strip_pushes, adjoint_name, clone_block, tape_name  # noqa: F401

_COMPANIONS = {"sin": "cos", "cos": "sin"}  # derivative partners computed in the same forward step

# ------------------------------------------------------------------------------------ activity


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


class _AdjointBuilder(Builder):
    """The reverse sweep's builder: `zeros_like(x)` of a value x that would have to be recorded
    just for its shape (a slice's VJP) becomes `zeros` of x's static shape, so x is not taped."""

    def emit_vars(self, prim: str, args, attrs: dict):
        if prim in ("zeros_like", "ones_like") and len(args) == 1 and isinstance(args[0], _LazyVar):
            x = args[0]
            rev = getattr(x._resolve, "__self__", None)
            shape = self.avals[x._primal.id].shape
            if (x._value is None and rev is not None and rev.would_record(x._primal)
                    and all(isinstance(d, int) for d in shape)):
                dtype = attrs.get("dtype") or x.dtype
                prim = "zeros" if prim == "zeros_like" else "ones"
                return Var(self.emit(prim, [self.lift(tuple(shape))], dtype=dtype), self)
        return super().emit_vars(prim, args, attrs)


# cheap elementwise ops on arrays whose result the reverse sweep recomputes from their recorded
# inputs rather than record it too (see _remat_plan)
_REMAT_ARRAY = frozenset({"add", "sub", "mul", "div", "neg", "astype", "square"})


class _Reverse(ControlFlowReverse):
    def __init__(self, fn: Function, builder: Builder, wrt: list[int], checkpoint=None, remat: frozenset = frozenset()):
        self.fn = fn
        self.checkpoint = checkpoint
        self.before: dict = {}  # id(node) -> ops to place before it in the forward sweep
        self.body_prefix: dict = {}  # id(loop) -> ops to place at the start of its body
        self.replays: list = []  # (checkpointed loop, its replay loop in the reverse sweep)
        self.avals = builder.avals
        self.wrt = wrt
        self.active = activity(fn, wrt)
        self.b = _AdjointBuilder(self.avals, role="adjoint")
        self.remat = remat  # ids of nested array values recomputed in the reverse sweep (_remat_plan)
        self.recorded: list = []  # the values recorded on tapes, in order
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
        if v.id in self.remat or self._rematerializable(node, v):
            # cheap arithmetic is recomputed from its (recorded or outer) inputs, not recorded
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
        self.recorded.append(v)
        tape = tape_name("_tape_", v.hint, self.tapes)
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

    def would_record(self, v: Value) -> bool:
        """Whether reading v in the reverse sweep now would record it on a new tape."""
        if any(v.id in scope.remap for scope in self.scopes):
            return False
        block = self.def_block.get(v.id)
        if block is None or block is self.fn.body:
            return False
        node = self.def_node.get(v.id)
        if isinstance(node, Op) and node.prim == "const":
            return False
        return not (v.id in self.remat or self._rematerializable(node, v))

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
            from ..primitives import _shift

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
        try:
            cts = p.vjp(g, _LazyVar(op.out, self.b, self.primal), *args, **attrs)
        except AdjitError as e:  # a rule's error is the op's: its line
            raise e.located(op.loc) from None
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

    def run(self, seed_param: bool = False, n_out: int = 1) -> Function:
        """seed_param: the result's cotangent is a new last parameter (a vector-Jacobian product
        for any result shape) instead of 1.0 (the gradient of a scalar). n_out: the first n_out
        results are the leaves of a structured result (a tuple returned), each float one seeded
        by a parameter of its own, in order (vjp of a structured output)."""
        fn = self.fn
        result = fn.results[0]
        rt = result.type
        seed_value = None
        seeds = []  # (result leaf, its cotangent parameter)
        if seed_param:
            if n_out == 1 and not rt.is_float:
                raise AdjitTypeError(f"the result has type {rt}; only float results can be differentiated", fn.result_loc)
            taken = set(fn.param_names)
            for i, r in enumerate(fn.results[:n_out]):
                if not r.type.is_float:
                    continue
                name = "ct" if n_out == 1 else (adjoint_name(r) if r.hint else None) or f"ct_{i}"
                while name in taken:
                    name = "_" + name
                taken.add(name)
                seeds.append((r, self.b.define(Value(name), self.avals[r.id])))
            if not seeds:
                raise AdjitTypeError(f"the result has type {rt}: no part of it is a float, so it has no derivative",
                                     fn.result_loc)
            seed_value = seeds[0][1]
            rt = seeds[0][0].type
        elif not (rt.kind == "scalar" or (rt.kind == "array" and rt.ndim == 0)):
            hint = "reduce the result to a scalar, e.g. with np.sum(...)"
            if rt.kind == "tuple":  # (loss, extras): JAX's convention
                hint += "; to return more values beside the loss, use grad(f, has_aux=True) and return (loss, aux)"
            elif rt.kind == "array":
                hint += "; for the derivative of every element use adjit.jacobian(f), or adjit.vjp(f, x) for a pullback"
            err = AdjitTypeError(f"the function must return a scalar to be differentiated, but it returns {rt}",
                                 fn.result_loc, hint=hint)
            err.not_scalar = True  # adjit.hessian takes the Hessian of every element instead (adjit/second.py)
            raise err
        if not rt.is_float:
            raise AdjitTypeError(f"the result has type {rt}; only float results can be differentiated", fn.result_loc)
        self._pending_inits: list = []
        adj: dict[int, Value] = {}
        top = _Scope(fn.body, self.b.ops)
        self.scopes.append(top)
        if n_out > 1 and seed_param:  # each leaf's cotangent; a leaf returned twice gets both
            self.b.loc = fn.result_loc
            for r, seed in seeds:
                if r.id in self.active:
                    self.accumulate(adj, r, seed)
        elif result.id in self.active:
            self.b.loc = fn.result_loc
            if seed_value is not None:
                seed = seed_value
            else:
                seed = self.b.const(1.0) if rt.dtype == "float64" else self.emit("astype", [self.b.const(1.0)], dtype=rt.dtype)
            seed.hint = adjoint_name(result) or seed.hint  # a parameter keeps a name (has_aux: an unnamed value)
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
        aux = list(fn.results[n_out:])  # has_aux: the other results ride along, after the gradients
        if seed_value is not None:
            cts = [seed for _, seed in seeds]
            return Function(fn.name + "_vjp", fn.params + cts, fn.param_names + [c.hint for c in cts],
                            Block(forward.ops + self.b.ops), list(fn.results[:n_out]) + grads + aux, fn.filename,
                            fn.firstline, fn.result_loc, fn.avals)
        return Function(fn.name + "_grad", fn.params, fn.param_names, Block(forward.ops + self.b.ops),
                        [result] + grads + aux, fn.filename, fn.firstline, fn.result_loc, fn.avals)

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
    return _reverse(fn, builder, wrt, checkpoint, False)  # fn itself stays untouched


def vjp(fn: Function, builder: Builder, wrt: list[int], checkpoint=None, n_out: int = 1) -> Function:
    """A new function taking (*params, ct) and returning (result, ct . d result/d<wrt_0>, ...):
    the vector-Jacobian product with a cotangent `ct` of the result's shape (any shape). n_out > 1:
    the first n_out results are a structured result's leaves, one cotangent parameter per float
    leaf, and the function returns (*leaves, *gradients, *aux)."""
    return _reverse(fn, builder, wrt, checkpoint, True, n_out)


def _reverse(fn: Function, builder: Builder, wrt: list[int], checkpoint, seed_param: bool,
             n_out: int = 1) -> Function:
    """Reverse mode in two runs when a loop records arrays: the first finds what the VJP rules read
    and so would be recorded, `_remat_plan` picks the recorded arrays that are cheap elementwise
    functions of other recorded (or outer) values, and the second run recomputes those in the
    reverse sweep instead of recording them (a sigmoid gate 1/(1+exp(-z)): only exp(-z) is taped)."""
    first = _Reverse(clone_function(fn), builder, wrt, checkpoint)
    order = _value_order(first.fn)  # before the run adds its tape pushes
    out = first.run(seed_param=seed_param, n_out=n_out)
    if checkpoint is not None or not any(v.type.kind == "array" for v in first.recorded):
        return out
    plan = _remat_plan(first)
    if not plan:
        return out
    clone = clone_function(fn)
    ids = dict(zip(order, _value_order(clone)))  # the same values in the second clone
    return _Reverse(clone, builder, wrt, checkpoint, frozenset(ids[k] for k in plan)).run(seed_param=seed_param,
                                                                                          n_out=n_out)


def _remat_plan(rev: "_Reverse") -> set:
    """Recorded arrays computed by a cheap elementwise op whose array inputs are all recorded
    anyway (or recomputed by this plan, or outer values no write touches): recomputing them adds
    no tape and costs one pass over a row, where recording costs a copy in and a copy out."""
    recorded = {v.id for v in rev.recorded}
    plan: set = set()

    def available(i: Value) -> bool:
        if i.type is None or i.type.kind != "array":
            return True  # scalars: recorded or recomputed as before, at a scalar's cost
        block = rev.def_block.get(i.id)
        if block is None or block is rev.fn.body:
            return i.id not in rev.written
        return i.id in recorded or i.id in plan

    changed = True
    while changed:
        changed = False
        for v in rev.recorded:
            node = rev.def_node.get(v.id)
            if (v.id in plan or v.type.kind != "array" or not isinstance(node, Op) or node.prim not in _REMAT_ARRAY
                    or len(node.outputs) != 1 or node.inputs[0].id in rev.written):
                continue
            if all(available(i) for i in node.inputs):
                plan.add(v.id)
                changed = True
    return plan


def _value_order(fn: Function) -> list:
    """Every value id of fn in a fixed order (two clones of one function list theirs alike)."""
    out = [p.id for p in fn.params]
    for node in walk(fn.body):
        out.extend(o.id for o in node.outputs)
        if isinstance(node, For):
            out.extend([node.index.id] + [c.id for c in node.carried])
        if isinstance(node, While):
            out.extend(c.id for c in node.carried)
    return out
