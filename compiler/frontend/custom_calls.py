"""Calls of `adjit.custom_vjp` / `adjit.custom_jvp` functions inside a differentiated function, and
the lowering of the user's rules where AD applies them (issue 13).

At the call, `f(x, y)` with a custom_vjp `f` becomes the user's `fwd(x, y)`, inlined like any helper,
giving (out, residuals), then `custom_vjp_call(out, *residuals, *args)` (primitives/custom.py), an
identity whose VJP the reverse sweep applies: it lowers `bwd(residuals, g)` into the reverse sweep,
line by line with the user's source lines, the residuals (any structure of arrays and numbers)
read as any primal value there (taped inside loops). A custom_jvp `g(x)` is `g`'s own body, then `custom_jvp_call(out, *args)`, whose JVP
lowers `jvp((x,), (x_dot,))` into the tangent code; under reverse mode, its VJP is the rule's tangent
part transposed (reverse/transpose.py checks that it is linear in the tangents). Inside its own rules, a custom function is its
plain body (`f_fwd` may call `f`). The rules are checked where they are lowered: fwd returns a pair,
bwd one cotangent per argument of f with that argument's shape, jvp a pair whose tangent has the
output's shape; each mismatch is a located error at the rule's `return`, with a note at the call.
Arguments in `nondiff_argnums` are passed first to the rules, as JAX passes them."""
from __future__ import annotations

import ast
import inspect

from .. import primitives as P
from ..builder import Builder, Var
from ..errors import AdjitError, AdjitTypeError, ArgumentError, Loc, ShapeError, render_diagnostic
from ..ir import Block, Function, Op, Value, clone_block, free_values, walk
from .parse import parse
from .structures import StructMap, StructObj, StructTuple, build, is_struct
from .values import _is_number

_ACTIVE: list = []  # the rules being lowered: inside them, their own function is its plain body


def lower_custom_call(low, rule, args: list, kwargs: dict, node):
    """`f(*args, **kwargs)` for a custom function f (its `__adjit_custom__` is `rule`), in Lowerer `low`."""
    P.custom.HOOKS.setdefault("vjp", _apply_bwd)
    P.custom.HOOKS.setdefault("jvp", _apply_jvp)
    P.custom.HOOKS.setdefault("transpose", _apply_transposed_jvp)
    name = rule.__name__
    if rule in _ACTIVE:  # f called inside its own fwd / jvp rule: the plain function
        return low.inline(rule.fun, args, kwargs, node)
    try:
        bound = inspect.signature(rule.fun).bind(*args, **kwargs)
    except TypeError as e:
        raise low.err(ArgumentError, f"{name}(): {e}", node) from None
    bound.apply_defaults()
    if bound.kwargs:
        raise low.err(ArgumentError, f"{name}(): keyword-only parameters are not supported in a custom_{rule.kind} "
                      "function", node, hint="make them ordinary parameters")
    primals = list(bound.args)
    nondiff = getattr(rule, "nondiff", ())
    for k, a in enumerate(primals):
        if k in nondiff:  # nondiff_argnums: any value (a function, an option), passed first to the rules
            continue
        if not (isinstance(a, Value) and a.type.kind in ("array", "scalar")) and not _is_number(a):
            raise low.err(AdjitTypeError, f"argument {k} of the custom_{rule.kind} function {name}() must be an array "
                          "or a number here", node, hint="pass tuples and options through a closure, or as globals")
    if rule.kind == "vjp" and (rule.fwd is None or rule.bwd is None):
        raise low.err(AdjitTypeError, f"{name} is an adjit.custom_vjp function whose rule was never given", node.func,
                      hint=f"call {name}.defvjp({name}_fwd, {name}_bwd) after defining it")
    if rule.kind == "jvp" and rule.jvp_rule is None:
        raise low.err(AdjitTypeError, f"{name} is an adjit.custom_jvp function whose rule was never given", node.func,
                      hint=f"decorate its rule with @{name}.defjvp")
    key = P.custom.register(rule)
    call_loc = low.loc(node)
    _ACTIVE.append(rule)
    try:
        if rule.kind == "vjp":
            result, ret_loc = lower_function(low.b, rule.fwd, primals, call_loc, f"the forward rule of {name}()",
                                             low.stack)
            pair = _items(low.b, result)
            if pair is None or len(pair) != 2:
                raise _at_rule(AdjitTypeError(f"{rule.fwd.__name__} must return a pair (out, residuals), as "
                                              f"{name}'s forward rule", ret_loc,
                                              "return f(x), (x, ...): the output and what bwd needs"),
                               call_loc, f"the forward rule of {name}()")
            out, res = pair
        else:
            out = low.inline(rule.fun, primals, {}, node)
    finally:
        _ACTIVE.pop()
    if not isinstance(out, Value) or out.type.kind not in ("array", "scalar"):
        if _is_number(out):
            out = low.value(out, node)
        else:
            raise low.err(AdjitTypeError, f"the custom_{rule.kind} function {name}() must return one array or number "
                          "here (a tuple of outputs is not supported)", node, hint="split it into one custom "
                          "function per output")
    arg_values = [low.value(a, node) for k, a in enumerate(primals) if k not in nondiff]
    extra, layout = [], []  # nondiff arguments: values after the others, static ones by key (primitives/custom.py)
    for k in nondiff:
        a = primals[k]
        if isinstance(a, Value) and a.type.kind in ("array", "scalar") or _is_number(a):
            layout.append((k, "value", len(extra)))
            extra.append(low.value(a, node))
        else:
            layout.append((k, "static", P.custom.register_static(a)))
    more = {"nondiff": tuple(layout)} if layout else {}
    low.at(node)
    if rule.kind == "jvp":
        return low.b.emit("custom_jvp_call", [out] + arg_values + extra, rule=key, **more)
    leaves: list = []
    tree = _flatten(low, res, leaves, node)
    return low.b.emit("custom_vjp_call", [out] + leaves + arg_values + extra, rule=key, nres=len(leaves), tree=tree,
                      **more)


def _values(nondiff: list) -> list:
    """The nondiff arguments as the rules take them: IR values (from Vars) and static objects."""
    return [a.value if isinstance(a, Var) else a for a in nondiff]


def _flatten(low, res, leaves: list, node):
    """Residuals, any structure of arrays and numbers (tuples, lists, dicts, NamedTuples, dataclasses,
    nested, as JAX's pytrees), as leaves; their structure as runtime/trees.py's description (None
    and str entries kept in it, with no leaf), rebuilt for bwd by structures.build."""
    if type(res).__name__ == "Slot":  # an attribute its methods change (procedures.py)
        res = low.struct_read(res, node)
    if res is None or isinstance(res, str):
        return ("static", res)
    if isinstance(res, StructMap):
        keys = tuple(res.items)
        return ("dict", getattr(res, "cls", None) or dict, keys,
                tuple(_flatten(low, low.struct_read(res.items[k], node), leaves, node) for k in keys))
    if isinstance(res, StructTuple) and res.fields is not None:
        children = tuple(_flatten(low, low.struct_read(v, node), leaves, node) for v in res)
        if res.cls is None:
            return ("tuple", children)
        return ("namedtuple", res.cls, children)
    if isinstance(res, StructObj):
        names = tuple(res.items)
        return ("dataclass", res.cls, names,
                tuple(_flatten(low, low.struct_read(res.items[n], node), leaves, node) for n in names))
    items = _items(low.b, res)
    if items is not None:
        kind = "list" if isinstance(res, list) or (isinstance(res, StructTuple) and res.kind == "list") else "tuple"
        return (kind, tuple(_flatten(low, r, leaves, node) for r in items))
    if is_struct(res):  # a view of a dict, super(): its own located error
        low.struct_as_value(res, node)
    leaves.append(low.value(res, node))
    return ("leaf",)


def _unflatten(tree, leaves: list):
    return build(tree, iter(leaves), "the residuals")


def _items(b, x):
    """A Python tuple, or a tuple value's elements; None for anything else."""
    if isinstance(x, (tuple, list)):
        return list(x)
    if isinstance(x, Value) and x.type.kind == "tuple":
        return [b.emit("getitem", [x, b.const(k)], index=(("int", 1),)) for k in range(len(x.type.elems))]
    return None


def _at_rule(e: AdjitError, call_loc: Loc, what: str) -> AdjitError:
    note = render_diagnostic(f"in {what}, for the call here", call_loc, kind="note")
    return type(e)(e.message, e.loc, e.hint, e.notes + (note,))


def lower_function(b, func, args: list, call_loc: Loc, what: str, stack: tuple = ()):
    """Lower the Python function `func` called with `args` (IR values, numbers, tuples) into builder
    `b`, as a helper call is inlined: (its result, the location of its final `return`). A final
    `return (a, None)` keeps its Python tuple (None: a zero cotangent)."""
    from .lower import Lowerer

    try:
        callee = parse(func)
    except AdjitError as e:
        raise _at_rule(e, call_loc, what) from None
    try:
        bound = inspect.signature(func).bind(*args)
    except TypeError as e:
        raise _at_rule(ArgumentError(f"{func.__name__}(): {e}", callee.loc(callee.node), f"{what} is called "
                                     f"with {len(args)} argument(s)"), call_loc, what) from None
    bound.apply_defaults()
    body = callee.node.body
    last = body[-1] if body and isinstance(body[-1], ast.Return) and body[-1].value is not None else None

    class _RuleLowerer(Lowerer):
        def value(self, x, node):
            if last is not None and node is last.value and self.parsed is callee:
                return x  # the final return's Python object, Nones and tuples kept
            return super().value(x, node)

    sub = _RuleLowerer(callee, b, stack)
    sub.env.update(bound.arguments)
    outer_loc = b.loc
    start = len(b.ops)
    try:
        result = sub.lower_body(body)
    except AdjitError as e:
        raise _at_rule(e, call_loc, what) from None
    b.loc = outer_loc
    for n in walk(Block(b.ops[start:])):  # the rule's branches and loops belong to the sweep it is lowered in
        if not isinstance(n, Op):
            n.role = b.role
    return result, callee.loc(last if last is not None else callee.node)


def _check_like(b, ct, want: tuple, ret_loc: Loc, call_loc: Loc, what: str, whose: str):
    """A cotangent (or tangent) with exactly the shape `want` (its primal's), as a Var; None stays None."""
    if ct is None:
        return None
    if _is_number(ct):
        ct = b.const(float(ct))
    if not isinstance(ct, Value) or ct.type.kind not in ("array", "scalar"):
        raise _at_rule(AdjitTypeError(f"{whose} must be an array or a number (or None for zero)", ret_loc),
                       call_loc, what)
    got = b.avals[ct.id].shape
    if len(got) != len(want) or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
        show = lambda s: "a scalar" if not s else "of shape (" + ", ".join("?" if d is None else str(d) for d in s) + \
            ("," if len(s) == 1 else "") + ")"  # noqa: E731
        raise _at_rule(ShapeError(f"{whose} is {show(got)}, but it must be {show(want)}, like its primal",
                                  ret_loc, "return exactly one value per primal, of its shape and not broadcast"),
                       call_loc, what)
    return Var(ct, b)


def _apply_bwd(rule, g: Var, residuals: tuple, tree, args: tuple, nondiff: list = ()) -> list:
    """The VJP of custom_vjp_call: `bwd(residuals, g)` lowered into the reverse sweep's builder;
    one cotangent (a Var, or None) per argument of the custom function."""
    b = g.builder
    call_loc = b.loc
    name, bwd = rule.__name__, rule.bwd
    what = f"the reverse-mode rule of {name}()"
    res = _unflatten(tree, [r.value for r in residuals])
    _ACTIVE.append(rule)
    try:
        result, ret_loc = lower_function(b, bwd, _values(nondiff) + [res, g.value], call_loc, what)
    finally:
        _ACTIVE.pop()
    cts = _items(b, result)
    n = len(args)
    if cts is None or len(cts) != n:
        got = "an array" if cts is None else f"{len(cts)}"
        takes = f"{n} argument(s)" + (" besides its nondiff_argnums" if nondiff else "")
        raise _at_rule(AdjitTypeError(f"{bwd.__name__} returned {got}{'' if cts is None else ' cotangent(s)'}, but "
                                      f"{name}() takes {takes}: it must return a tuple of {n} cotangent(s), "
                                      "one per argument", ret_loc,
                                      "return (g * dy_dx,) for one argument; None for an argument with no derivative"),
                       call_loc, what)
    return [_check_like(b, ct, a.aval.shape, ret_loc, call_loc, what,
                        f"the cotangent of argument {k} of {name}()") if a.type.is_float else None
            for k, (ct, a) in enumerate(zip(cts, args))]


def _zero_like(b, v: Value) -> Value:
    if v.type.kind == "array":
        return b.emit("zeros_like", [v], dtype=v.type.dtype if v.type.is_float else "float64")
    zero = b.const(0.0)
    return b.emit("astype", [zero], dtype=v.type.dtype) if v.type.dtype == "float32" else zero


def _apply_jvp(rule, y: Var, args: tuple, tangents: list, nondiff: list = ()):
    """The JVP of custom_jvp_call: `jvp(primals, tangents)` lowered into the tangent code (zeros
    for the arguments without a tangent); the tangent of the output, or None."""
    b = y.builder
    call_loc = b.loc
    what = f"the forward-mode rule of {rule.__name__}()"
    primals = tuple(a.value for a in args)
    tans = tuple(t.value if t is not None else _zero_like(b, p) for t, p in zip(tangents, primals))
    return _rule_tangent(b, rule, _values(nondiff) + [primals, tans], y.aval.shape, call_loc, what)[0]


def _rule_tangent(b, rule, arguments: list, shape, call_loc, what):
    """The user's JVP rule lowered into `b` on `arguments` (nondiff values, primals, tangents): its
    tangent output, checked to be a pair's second item of the output's shape, and the location of
    the rule's return."""
    name, jvp = rule.__name__, rule.jvp_rule
    _ACTIVE.append(rule)
    try:
        result, ret_loc = lower_function(b, jvp, arguments, call_loc, what)
    finally:
        _ACTIVE.pop()
    pair = _items(b, result)
    if pair is None or len(pair) != 2:
        raise _at_rule(AdjitTypeError(f"{jvp.__name__} must return a pair (out, tangent_out), as {name}'s "
                                      "forward-mode rule", ret_loc), call_loc, what)
    return _check_like(b, pair[1], shape, ret_loc, call_loc, what, f"the tangent of {name}()'s output"), ret_loc


def _apply_transposed_jvp(rule, g: Var, args: tuple, nondiff: list = ()) -> list:
    """The VJP of custom_jvp_call, as JAX's: the rule's tangent output, a function of the primals and
    the tangents linear in the tangents, lowered into IR of its own and transposed by reverse mode
    seeded with `g` (reverse/transpose.py, through the driver's TRANSFORMS), then its code inlined
    into the reverse sweep; one cotangent (a Var, or None) per argument."""
    from .nested import TRANSFORMS, _rename_tapes

    b = g.builder
    call_loc = b.loc
    name, jvp = rule.__name__, rule.jvp_rule
    what = f"the forward-mode rule of {name}()"
    transpose = TRANSFORMS.get("transpose")
    if transpose is None:
        raise AdjitError(f"reverse mode through {name}() is compiled by adjit's driver", call_loc)
    positions = getattr(rule, "nondiff", ())
    every = list(inspect.signature(rule.fun).parameters)
    names = [n for k, n in enumerate(every) if k not in positions]
    inner = Builder(b.avals, role="primal")
    inner.loc = call_loc
    primals = [inner.define(Value(names[k] if k < len(names) else f"p{k}"), a.aval) for k, a in enumerate(args)]
    fixed = [a for a in nondiff if isinstance(a, Var)]  # nondiff values: parameters, never differentiated
    fixed_names = [every[k] for k, a in zip(positions, nondiff) if isinstance(a, Var)]
    fixed_params = [inner.define(Value(n), a.aval) for n, a in zip(fixed_names, fixed)]
    params_of = dict(zip(map(id, fixed), fixed_params))
    rule_nondiff = [params_of[id(a)] if isinstance(a, Var) else a for a in nondiff]
    tangents = [inner.define(Value(f"{p.hint}_dot"), a.aval) if a.type.is_float else None
                for p, a in zip(primals, args)]
    tans = tuple(t if t is not None else _zero_like(inner, p) for t, p in zip(tangents, primals))
    t_out, ret_loc = _rule_tangent(inner, rule, rule_nondiff + [tuple(primals), tans], g.aval.shape, call_loc,
                                   what)
    if t_out is None:
        return [None] * len(args)
    floats = [t for t in tangents if t is not None]
    params = primals + fixed_params + floats
    callee = parse(jvp)
    fn = Function(f"{jvp.__name__}_transposed", params, [p.hint for p in params], Block(inner.ops), [t_out.value],
                  callee.filename, callee.firstline, ret_loc, b.avals)
    try:
        lin = transpose(fn, inner, list(range(len(primals) + len(fixed), len(params))), what)
    except AdjitError as e:
        raise _at_rule(e, call_loc, what) from None
    used = {v.id for v in free_values(lin.body)} | {r.id for r in lin.results if r is not None}
    mapping = {lin.params[-1].id: g.value}  # the cotangent parameter
    floats = [a for a in args if a.type.is_float]
    for p, a in zip(lin.params, list(args) + fixed + floats):  # only the primals the transposed code reads (else taped
        if p.id in used:  # for nothing); a tangent read for its shape alone (a dimension known at run time
            mapping[p.id] = a.value  # only: transpose.py) reads its primal, of the same shape
    body = clone_block(lin.body, mapping, b.avals, role=b.role)
    _rename_tapes(b, body, call_loc, f"the transposed rule of {name}()")
    b.ops.extend(body.ops)
    mine = {o.id for n in walk(body) for o in n.outputs}
    cts = iter(lin.results)
    out = []
    for p, t in zip(primals, tangents):
        ct = next(cts) if t is not None else None
        ct = None if ct is None else mapping.get(ct.id, ct)
        if ct is not None and ct.id in mine:
            ct.hint = f"d{p.hint}"  # the cotangent of the custom function's argument, as bwd's are named
        out.append(None if ct is None else Var(ct, b))
    return out
