"""Transposing a user's forward-mode rule: an `adjit.custom_jvp` function under reverse mode
(issue 13), as JAX transposes a JVP rule that is linear in its tangents.

The frontend (frontend/custom_calls.py) lowers the rule `jvp(primals, tangents)` into a function
T(primals..., tangents...) -> tangent_out; reverse mode seeded with the output's cotangent `ct`
gives ct . dT/dtangents, which is the rule's transpose because T is linear in the tangents: its
Jacobian in them does not depend on them, so the cotangent code must not read them. That is
checked, never assumed: a rule whose tangent part is not linear is a located error, from two
sides: (1) a tangent reaches an op whose derivative is zero or undefined, or an integer or
boolean value (a comparison, `np.sign`, `np.floor`, a branch or loop on a tangent): piecewise
constant, so reverse mode would see a zero where the rule's output jumps; (2) the transposed code
reads a tangent (`t * t`, `np.sin(t)`: the rule's derivative in the tangents changes with them)."""
from __future__ import annotations

from ..errors import AdjitTypeError
from ..ir import For, Function, If, Op, While, inner_blocks, node_inputs, walk
from ..primitives import PRIMITIVES

# ops that read only their input's shape (or build a tuple): a tangent there is not a nonlinearity
_SHAPE_ONLY = frozenset({"zeros_like", "ones_like", "shape", "size", "tuple", "zeros", "ones", "check"})
# a custom function applied to a tangent: its input 0 is its plain body's result, whose derivative its
# rule replaces (transposed in turn, and checked there)
_CUSTOM = frozenset({"custom_jvp_call", "custom_vjp_call"})
_PIECEWISE = frozenset({"mod", "fmod", "floordiv", "no_derivative", "stop_gradient", "sign", "copysign"})


def transpose_linear(fn: Function, builder, wrt: list, what: str, eliminate_dead_code) -> Function:
    """fn(*params) -> tangent_out, linear in the params `wrt` (the tangents): a Function of fn's
    params and a last parameter `ct` (tangent_out's cotangent), returning one cotangent per `wrt`
    param (None where the output does not depend on it), dead code removed by the driver's
    `eliminate_dead_code` (passes/dce.py: reverse mode never imports the passes, tests/test_layering.py).
    `what` names the rule for the located error a nonlinear one gets."""
    from .sweep import vjp

    seeds = {fn.params[k].id for k in wrt}
    _check_structure(fn, seeds, what)
    g = vjp(fn, builder, list(wrt))
    seeds = {g.params[k].id for k in wrt}  # vjp works on a clone of fn: its own parameters
    out = Function(g.name, g.params, g.param_names, g.body, list(g.results[1:]), g.filename, g.firstline,
                   g.result_loc, g.avals)
    _static_shapes(out, builder, depends_on(out, seeds))
    eliminate_dead_code(out)
    tainted = depends_on(out, seeds)
    if any(r.id in tainted for r in out.results):
        forward = {p.id for p in out.params} | {o.id for n in walk(out.body) if n.role == "primal" for o in n.outputs}
        reads = [n for n in walk(out.body) if n.role != "primal" and n.loc is not None
                 and any(v.id in tainted and v.id in forward for v in node_inputs(n))]
        rule = fn.name.removesuffix("_transposed")  # the rule's own line first, then a rule it calls
        op = next((n for n in reads if n.loc.func == rule), reads[0] if reads else None)
        raise AdjitTypeError(f"{what} is not linear in its tangents, so reverse mode cannot transpose it: the "
                             "derivative of its tangent output changes with the tangents",
                             op.loc if op is not None else fn.result_loc,
                             hint="a JVP rule returns J(x) @ t: products of a tangent with primal values, sums, "
                                  "slices and reshapes of tangents; write a custom_vjp rule for anything else")
    results = [None if _zeros_of_param(out, r) else r for r in out.results]
    out.results = [r for r in results if r is not None]
    eliminate_dead_code(out)  # the zeros of a tangent the output does not read are gone
    out.results = results
    return out


def _static_shapes(fn: Function, builder, tainted: set) -> None:
    """`shape(v)` of a tangent value v (a reduction's VJP broadcasts to it) becomes the constant
    tuple of v's static shape, so that the code computing v is dead; with a dimension known only at
    run time it stays (the driver maps the tangents to their primals, of the same shapes)."""
    from ..builder import Builder

    for n in list(walk(fn.body)):
        if not isinstance(n, Op) or n.prim != "shape" or n.inputs[0].id not in tainted:
            continue
        dims = fn.avals[n.inputs[0].id].shape
        if not all(isinstance(d, int) for d in dims):
            continue
        b = Builder(fn.avals)
        b.loc = n.loc
        made = b.lift(tuple(dims))
        last = b.ops[-1]
        last.outputs = [n.out]
        del fn.avals[made.id]
        n.prim, n.inputs, n.attrs = "tuple", list(last.inputs), {}
        _insert_before(fn.body, n, b.ops[:-1])


def _insert_before(block, node, ops: list) -> bool:
    for k, n in enumerate(block.ops):
        if n is node:
            block.ops[k:k] = ops
            return True
        if any(_insert_before(inner, node, ops) for inner in inner_blocks(n)):
            return True
    return False


def _zeros_of_param(fn: Function, r) -> bool:
    """r is `zeros_like(p)` of a parameter: the cotangent of a tangent the output does not read."""
    params = {p.id for p in fn.params}
    return any(isinstance(n, Op) and n.out is r and n.prim == "zeros_like" and n.inputs[0].id in params
               for n in walk(fn.body))


def _check_structure(fn: Function, seeds: set, what: str) -> None:
    """(1) above: a tangent into a piecewise-constant op, an integer or boolean, or control flow."""
    tainted = depends_on(fn, seeds)
    for n in walk(fn.body):
        reads = [v for v in node_inputs(n) if v.id in tainted]
        if (isinstance(n, If) and n.cond.id in tainted or isinstance(n, While) and n.cond.id in tainted
                or isinstance(n, For) and any(v.id in tainted for v in (n.start, n.stop, n.step))):
            _nonlinear(fn, n, what, "it branches or loops on a tangent")
        if not isinstance(n, Op) or not reads or n.prim in _SHAPE_ONLY:
            continue
        p = PRIMITIVES[n.prim]
        bad_position = n.prim not in _CUSTOM and any(n.inputs[k].id in tainted for k in p.nondiff_inputs
                                                     if k < len(n.inputs))
        if n.prim in _PIECEWISE or not p.differentiable or bad_position or any(
                o.type is not None and o.type.kind in ("array", "scalar") and not o.type.is_float for o in n.outputs):
            _nonlinear(fn, n, what, f"a tangent reaches {n.prim}, whose result is piecewise constant in it")


def _nonlinear(fn: Function, node, what: str, why: str):
    raise AdjitTypeError(f"{what} is not linear in its tangents, so reverse mode cannot transpose it: {why}",
                         node.loc or fn.result_loc,
                         hint="a JVP rule returns J(x) @ t: products of a tangent with primal values, sums, "
                              "slices and reshapes of tangents; write a custom_vjp rule for anything else")


def depends_on(fn: Function, seeds: set) -> set:
    """Ids of the values of fn that depend on the seed values in any way (data, a branch's condition,
    a loop's bounds, a tape), not only differentiably as activity.varied_values."""
    tainted = set(seeds)
    tapes: set = set()
    nodes = list(walk(fn.body))
    changed = True
    while changed:
        before = len(tainted) + len(tapes)
        for n in nodes:
            if isinstance(n, Op):
                if n.prim == "tape_pop" and n.attrs["tape"] in tapes:
                    tainted.add(n.out.id)
                if any(i.id in tainted for i in n.inputs):
                    if n.prim == "tape_push":
                        tapes.add(n.attrs["tape"])
                    elif n.prim not in _SHAPE_ONLY or n.prim == "tuple":
                        tainted.update(o.id for o in n.outputs)
            elif isinstance(n, If):
                control = n.cond.id in tainted
                for o, a, b in zip(n.outputs, n.then_yield, n.else_yield):
                    if control or a.id in tainted or b.id in tainted:
                        tainted.add(o.id)
            else:
                control = (any(v.id in tainted for v in (n.start, n.stop, n.step)) if isinstance(n, For)
                           else n.cond.id in tainted)
                if control and isinstance(n, For):
                    tainted.add(n.index.id)
                for c, i, y, o in zip(n.carried, n.init, n.body_yield, n.outputs):
                    if control or i.id in tainted or y.id in tainted:
                        tainted.update((c.id, o.id))
        changed = len(tainted) + len(tapes) != before
    return tainted
