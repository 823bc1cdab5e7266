"""Forward mode (JVP) on the IR: tangents `<name>_dot` pushed through each op with the JVP column
of the primitives table."""
from __future__ import annotations

from .builder import Builder, Var
from .errors import InternalCompilerError
from .ir import Block, Function, Value, print_function
from .primitives import PRIMITIVES


def jvp(fn: Function, builder: Builder, wrt: list[int]) -> Function:
    """A new function taking (*params, *tangents of wrt params) and returning (result, result_dot)."""
    b = Builder(builder.avals, role="tangent")
    tangents: dict[int, Value] = {}
    tangent_params = []
    for k in wrt:
        p = fn.params[k]
        t = b.define(Value(f"{p.hint}_dot"), b.aval(p))
        tangents[p.id] = t
        tangent_params.append(t)
    ops = []
    for op in fn.ops():
        ops.append(op)
        pr = PRIMITIVES[op.prim]
        ins = [tangents.get(i.id) if k not in pr.nondiff_inputs else None for k, i in enumerate(op.inputs)]
        if not pr.differentiable or all(t is None for t in ins):
            continue
        if pr.jvp is None:
            raise InternalCompilerError(f"primitive {op.prim} has no JVP rule", print_function(fn))
        b.loc = op.loc
        start = len(b.ops)
        attrs = {k: v for k, v in op.attrs.items() if k != "bcast"}
        t = pr.jvp([None if x is None else Var(x, b) for x in ins], Var(op.out, b),
                   *[Var(i, b) for i in op.inputs], **attrs)
        if t is None:
            continue
        tv = t.value if isinstance(t, Var) else b.lift(t)
        if b.aval(tv).shape != b.aval(op.out).shape:
            tv = b.emit("broadcast_to", [tv, b.emit("shape", [op.out])])
        if tv.type.dtype != op.out.type.dtype and op.out.type.kind == "array":
            tv = b.emit("astype", [tv], dtype=op.out.type.dtype)
        tv.hint = f"{op.out.hint or '_t'}_dot"
        tangents[op.out.id] = tv
        ops.extend(b.ops[start:])
        del b.ops[start:]
    result = fn.results[0]
    t = tangents.get(result.id)
    if t is None:
        t = b.emit("zeros_like", [result], dtype=result.type.dtype) if result.type.kind == "array" else b.const(0.0)
        ops.extend(b.ops)
    return Function(fn.name + "_jvp", fn.params + tangent_params, fn.param_names + [v.hint for v in tangent_params],
                    Block(ops), [result, t], fn.filename, fn.firstline, fn.result_loc, fn.avals)
