"""Reverse mode on the IR: activity analysis, then an adjoint sweep that walks the primal ops
backwards, applies each primitive's VJP rule and accumulates adjoints (`d<name>`)."""
from __future__ import annotations

from .builder import Builder, Var
from .errors import AdjitTypeError, InternalCompilerError
from .ir import Block, Function, Op, Value, print_function
from .primitives import PRIMITIVES


def activity(fn: Function, wrt: list[int]) -> set[int]:
    """Ids of values that depend on a `wrt` parameter AND reach the result: only they get adjoints."""
    varied = {fn.params[k].id for k in wrt}
    for op in fn.ops():
        p = PRIMITIVES[op.prim]
        if not p.differentiable:
            continue
        if any(v.id in varied for k, v in enumerate(op.inputs) if k not in p.nondiff_inputs):
            for o in op.outputs:
                if o.type.is_float:
                    varied.add(o.id)
    useful = {r.id for r in fn.results}
    for op in reversed(list(fn.ops())):
        if any(o.id in useful for o in op.outputs):
            useful.update(i.id for i in op.inputs)
    return varied & useful


def unbroadcast(b: Builder, ct: Var, op: Op, k: int, target: Value) -> Var:
    """Sum a cotangent of an elementwise op's output down to the shape of its k-th input."""
    bcast = op.attrs.get("bcast")
    if bcast is None:
        return ct
    axes = bcast[k]
    if axes is None:
        raise InternalCompilerError("broadcast pattern unknown at reverse time", print_function_safe(op))
    lead, stretched = axes
    if stretched:
        ct = b.emit_vars("sum", (ct,), {"axis": stretched, "keepdims": True})
    if lead:
        ct = b.emit_vars("sum", (ct,), {"axis": lead, "keepdims": False})
    return ct


def print_function_safe(op: Op) -> str:
    return f"{op.prim}({', '.join(map(repr, op.inputs))}) attrs={op.attrs}"


def adjoint_name(v: Value) -> str | None:
    """`dW2` for W2; temporaries' adjoints stay anonymous (codegen numbers them)."""
    return None if v.hint is None else "d" + v.hint


def value_and_grad(fn: Function, builder: Builder, wrt: list[int]) -> Function:
    """A new function returning (result, d<wrt_0>, d<wrt_1>, ...): forward sweep then reverse sweep."""
    result = fn.results[0]
    rt = result.type
    if not (rt.kind == "scalar" or (rt.kind == "array" and rt.ndim == 0)):
        raise AdjitTypeError(f"the function must return a scalar to be differentiated, but it returns {rt}",
                             fn.result_loc, hint="reduce the result to a scalar, e.g. with np.sum(...)")
    if not rt.is_float:
        raise AdjitTypeError(f"the result has type {rt}; only float results can be differentiated", fn.result_loc)
    active = activity(fn, wrt)
    b = Builder(builder.avals, role="adjoint")
    adjoints: dict[int, Value] = {}

    if result.id in active:
        b.loc = fn.result_loc
        seed = b.const(1.0) if rt.dtype == "float64" else b.emit("astype", [b.const(1.0)], dtype=rt.dtype)
        seed.hint = adjoint_name(result)
        adjoints[result.id] = seed

    for op in reversed(list(fn.ops())):
        if op.out.id not in active or op.out.id not in adjoints:
            continue
        p = PRIMITIVES[op.prim]
        if p.vjp is None:
            raise InternalCompilerError(f"primitive {op.prim} has no VJP rule", print_function(fn))
        b.loc = op.loc
        g = Var(adjoints[op.out.id], b)
        args = [Var(i, b) for i in op.inputs]
        attrs = {k: v for k, v in op.attrs.items() if k != "bcast"}
        cts = p.vjp(g, Var(op.out, b), *args, **attrs)
        if len(cts) != len(op.inputs):
            raise InternalCompilerError(f"VJP of {op.prim} returned {len(cts)} cotangents for {len(op.inputs)} inputs")
        for k, (inp, ct) in enumerate(zip(op.inputs, cts)):
            if ct is None or inp.id not in active or k in p.nondiff_inputs:
                continue
            if not isinstance(ct, Var):
                ct = Var(b.lift(ct), b)
            ct = unbroadcast(b, ct, op, k, inp)
            prev = adjoints.get(inp.id)
            new = ct.value if prev is None else b.emit("add", [prev, ct.value])
            if new.hint is None or prev is not None:
                new.hint = adjoint_name(inp)
            adjoints[inp.id] = new

    b.loc = None
    grads = []
    for k in wrt:
        p = fn.params[k]
        g = adjoints.get(p.id)
        if g is None:  # the result does not depend on this argument
            g = b.emit("zeros_like", [p], dtype=p.type.dtype) if p.type.kind == "array" else b.const(0.0)
        elif g.type.dtype != p.type.dtype and p.type.kind == "array":
            g = b.emit("astype", [g], dtype=p.type.dtype)
        elif p.type.kind == "array" and b.aval(g).shape != b.aval(p).shape:
            g = b.emit("broadcast_to", [g, b.emit("shape", [p])])
        g.hint = g.hint if g.hint and g.hint != adjoint_name(result) else adjoint_name(p)
        grads.append(g)
    out = Function(fn.name + "_grad", fn.params, fn.param_names, Block(list(fn.body.ops) + b.ops),
                   [result] + grads, fn.filename, fn.firstline, fn.result_loc, fn.avals)
    return out
