"""Transformations inside the function being lowered (issue 13, nesting): a call of an adjit
`grad` or `value_and_grad` object, `dh(x)` with `dh = adjit.grad(h)`, becomes the gradient code of
`h` itself, inlined where it is called, so that the transformation of the caller (grad, jvp, hvp,
hessian, jacobian...) differentiates through it like through any other code.

The helper is lowered into IR of its own (parameters for the call's arrays and numbers, its static
arguments bound as constants), reverse mode makes its gradient IR, and that IR is copied into the
caller's block with the call's values in place of its parameters. Reverse mode belongs to the AD
layer, which this layer may not import: the driver (compiler/jit) puts it in `TRANSFORMS` before it
lowers a function. A gradient of a gradient (`adjit.grad(adjit.grad(h))` called inside, or
transformed at the top: `lower_transformed`) recurses: the inner gradient's code is the primal
code of the outer one, to any depth.

What the caller's transformation cannot differentiate again is a located error there, never a
wrong derivative: a gradient whose reverse sweep pops values off a tape (the helper has a loop
carrying a value it differentiates) is refused under reverse mode by the driver, which finds its
tapes through `NESTED_TAPES` (tape name -> (call location, helper name)) on the builder."""
from __future__ import annotations

import inspect

from ..builder import Builder
from ..errors import AdjitError, AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..ir import Abstract, Block, Function, Op, Value, clone_block, walk
from .aliasing import check_sharing
from .structout import transformed_result
from .structures import StructMap, StructObj, StructTuple, build
from .values import _is_number

TRANSFORMS: dict = {}  # "value_and_grad" -> fn(primal Function, Builder, wrt leaves) -> gradient Function


def spec_of(func):
    """What a transformation object tells the frontend (adjit/api.py `__adjit_nested__`), or None."""
    return getattr(func, "__adjit_nested__", None)


def lower_transform_call(low, func, args: list, kwargs: dict, node):
    """`func(*args, **kwargs)` for an adjit transformation `func`, in Lowerer `low`."""
    from .parse import nested_transform_error

    spec = spec_of(func)
    if spec is None and _factory(func):  # adjit.grad(h) made here, then called: made when compiled
        return _make_transform(low, func, args, kwargs, node)
    if spec is None:  # a custom function's plain-Python gradient, or a transformation adjit cannot inline
        e = nested_transform_error(func)
        raise low.err(UnsupportedSyntaxError, e.message, node.func, e.hint)
    call_loc = low.loc(node)
    base = spec["callee"]
    if base.prefix or base.kwargs:
        raise low.err(UnsupportedSyntaxError, f"{func!r} differentiates a functools.partial or a bound method; "
                      "called inside a compiled function, a gradient must be of a plain function", node.func,
                      hint="differentiate a def function and pass the bound arguments at the call")
    parsed = spec["parsed"]
    try:
        bound = inspect.signature(base.fn).bind(*args, **kwargs)
    except TypeError as e:
        raise low.err(ArgumentError, f"{parsed.name}(): {e}", node) from None
    bound.apply_defaults()
    values = [bound.arguments[n] for n in parsed.param_names]
    outer_loc = low.b.loc
    try:
        result = call_transform(low.b, spec, values, low.stack, call_loc)
    except AdjitError as e:
        raise (e if e.loc == call_loc else e.called_from(call_loc, _label(spec))) from None
    low.b.loc = outer_loc
    return result


def _factory(func) -> bool:
    """adjit.grad / adjit.value_and_grad themselves (adjit/api.py), not an object they made."""
    return getattr(func, "__module__", None) == "adjit.api" and getattr(func, "__name__", None) in ("grad", "value_and_grad")


_OPTIONS = ("wrt", "argnums", "has_aux")


def _make_transform(low, func, args: list, kwargs: dict, node):
    """`adjit.grad(h, argnums=1)` written inside the function, as JAX users write `jax.grad(h)(x)`:
    the object is made when the call is compiled (h and the options must be known then) and the
    call of it below inlines its gradient code as `dh(x)` with `dh = adjit.grad(h)` does."""
    import types

    def static(v) -> bool:
        return v is None or isinstance(v, (bool, int, str)) or isinstance(v, (tuple, list)) and all(map(static, v))

    name = f"adjit.{func.__name__}"
    fn = args[0] if len(args) == 1 else kwargs.get("f")
    if len(args) > 1 or not isinstance(fn, types.FunctionType) and not spec_of(fn):
        raise low.err(UnsupportedSyntaxError, f"{name}(...) made inside a compiled function takes a def function "
                      "(a global or closure name) and the options " + ", ".join(_OPTIONS), node,
                      hint="make the gradient outside (dh = adjit.grad(h)) and call dh inside")
    options = {k: v for k, v in kwargs.items() if k != "f"}
    bad = [k for k, v in options.items() if k not in _OPTIONS or not static(v)]
    if bad:
        raise low.err(UnsupportedSyntaxError, f"{name}(..., {bad[0]}=...) made inside a compiled function: its options "
                      f"must be constants known when the call is compiled ({', '.join(_OPTIONS)})", node,
                      hint="make the gradient outside (dh = adjit.grad(h, ...)) and call dh inside")
    try:
        return func(fn, **options)
    except AdjitError as e:
        raise low.err(type(e), e.message, node, e.hint) from None


def _label(spec) -> str:
    kind = "value_and_grad" if spec["with_value"] else "grad"
    return f"adjit.{kind}({spec['parsed'].name})"


def _fresh(b: Builder, v: Value) -> Value:
    return b.define(Value(v.hint), b.avals[v.id])


def _rebuild(x, f):
    """x with each IR value v replaced by f(v) (structures keep their shape; static entries stay)."""
    if isinstance(x, Value):
        return f(x)
    if isinstance(x, StructMap):
        return StructMap({k: _rebuild(v, f) for k, v in x.items.items()}, x.label, x.cls)
    if isinstance(x, StructTuple):
        return StructTuple([_rebuild(v, f) for v in x], x.label, x.kind, x.fields, x.cls)
    if isinstance(x, StructObj):
        return StructObj({k: _rebuild(v, f) for k, v in x.items.items()}, x.label, x.cls, x.kind)
    if type(x) is tuple:
        return tuple(_rebuild(v, f) for v in x)
    return x


def call_transform(b: Builder, spec, values: list, stack: tuple, call_loc):
    """The transformation `spec` applied to `values` (one per parameter of the innermost function:
    IR values, numbers, structures of them, static options), its code emitted into `b`; returns what
    the call returns: the gradient (a value, or a structure of values for a structured argument),
    a tuple of them for several `wrt`, (value, gradients) for value_and_grad, aux after them.

    (Over 80 lines: lowering the helper, transforming it, inlining its code and mapping its results
    back share the binding of parameters to values; each step is a commented block.)"""
    parsed = spec["parsed"]
    names = parsed.param_names
    wrt = list(spec["wrt"])
    inner = Builder(b.avals, role="primal")
    inner.loc = call_loc
    params: list = []  # the inner function's parameters, one per IR value among the arguments
    outer: list = []  # the caller's value for each parameter
    env_values = []
    for k, (name, x) in enumerate(zip(names, values)):
        if k in wrt and _is_number(x):
            if not isinstance(x, float):
                raise AdjitTypeError(f"argument '{name}' of {parsed.name}() is differentiated (wrt) but is the "
                                     f"integer {x!r}; it must be a float", call_loc, hint="pass a float (1.0, not 1)")
            outer_x = b.const(float(x))
            p = _fresh(b, outer_x)
            params.append(p)
            outer.append(outer_x)
            env_values.append(p)
            continue
        if isinstance(x, Value) and x.type.kind == "tuple" or (type(x) is tuple and any(
                isinstance(v, Value) and v.type.kind == "tuple" for v in x)):
            raise AdjitTypeError(f"argument '{name}' of {parsed.name}() is a tuple computed in the function; "
                                 "a gradient called inside a compiled function takes arrays, numbers, and the "
                                 "structures passed in as arguments", call_loc,
                                 hint="unpack the tuple and pass its items")

        def leaf(v, name=name):
            p = _fresh(b, v)
            params.append(p)
            outer.append(v)
            return p

        env_values.append(_rebuild(x, leaf))
    wrt_leaves = []
    start = 0
    for k, x in enumerate(env_values):  # the leaves of argument k are params[start:start + n]
        n = len(_leaves(x))
        if k in wrt:
            floats = [start + j for j, p in enumerate(_leaves(x)) if p.type.is_float]
            if isinstance(x, Value) and not x.type.is_float:
                raise AdjitTypeError(f"argument '{names[k]}' of {parsed.name}() is differentiated (wrt) but has type "
                                     f"{x.type}; it must be float32 or float64", call_loc,
                                     hint="pass floats (x.astype(np.float64)), or leave it out of wrt")
            if not floats:
                raise AdjitTypeError(f"argument '{names[k]}' of {parsed.name}() is differentiated (wrt) but holds no "
                                     "float array or number", call_loc,
                                     hint="pass floats (x.astype(np.float64)), or leave it out of wrt")
            wrt_leaves.extend(floats)
        start += n
    # the global and closure arrays the caller carries as parameters (captures.py): parameters of
    # the inner function too, after its arguments' leaves, never differentiated
    inner.captures, inner.captured_objects = {}, {}
    by_outer = {}
    for key, v in (getattr(b, "captures", None) or {}).items():
        p = _fresh(b, v)
        params.append(p)
        outer.append(v)
        inner.captures[key] = by_outer[v.id] = p
    for oid, v in (getattr(b, "captured_objects", None) or {}).items():
        if v.id in by_outer:
            inner.captured_objects[oid] = by_outer[v.id]
    result = _primal(inner, spec, env_values, stack, call_loc)
    results, n_aux, aux_struct = _split_results(inner, result, spec)
    fn = Function(parsed.name, params, [p.hint or f"p{j}" for j, p in enumerate(params)], Block(inner.ops), results,
                  parsed.filename, parsed.firstline, _result_loc(parsed), b.avals)
    check_sharing(fn, inner.inplace_of, inner.__dict__.get("holds"), inner.__dict__.get("opaque"),
                  inner.__dict__.get("written_back"), inner.__dict__.get("views_of"))
    transform = TRANSFORMS.get("value_and_grad")
    if transform is None:
        raise AdjitError("a gradient called inside a function is compiled by adjit's driver (adjit.grad, adjit.jvp...), "
                         "not by the frontend alone", call_loc)
    grad_fn = transform(fn, inner, wrt_leaves)
    mapping = {p.id: v for p, v in zip(grad_fn.params, outer)}
    body = clone_block(grad_fn.body, mapping, b.avals, role=b.role)
    _rename_tapes(b, body, call_loc, _label(spec))
    b.ops.extend(body.ops)
    # the derivative code has value semantics (checked as the user's code above): aliasing.py
    # reads it as opaque, reading its inputs here and making fresh arrays
    b.__dict__.setdefault("opaque", set()).update(id(n) for n in body.ops)
    out = [mapping.get(r.id, r) for r in grad_fn.results]
    value, grads, aux = out[0], out[1:1 + len(wrt_leaves)], out[1 + len(wrt_leaves):]
    by_leaf = dict(zip(wrt_leaves, grads))
    mine = {o.id for n in walk(body) for o in n.outputs}
    arg_of = [k for k, x in enumerate(env_values) for _ in _leaves(x)]
    for j, g in by_leaf.items():  # named for what they are: dh_dx, the derivative of h by x
        if g.id in mine:
            k = arg_of[j]
            leaf = names[k] if isinstance(env_values[k], Value) else (params[j].hint or names[k])
            g.hint = f"d{parsed.name}_d{leaf}"
    leaf_index = {p.id: j for j, p in enumerate(params)}
    per_arg = []
    for k in wrt:
        per_arg.append(_rebuild(env_values[k], lambda p: by_leaf.get(leaf_index[p.id])))
    g = per_arg[0] if spec["single"] else tuple(per_arg)
    if spec["has_aux"]:  # aux in its structure, its leaves the inlined code's values
        parts = iter(aux)
        aux = _rebuild(aux_struct, lambda v: next(parts))
        return ((value, aux), g) if spec["with_value"] else (g, aux)
    return (value, g) if spec["with_value"] else g


def _leaves(x) -> list:
    out = []
    _rebuild(x, lambda v: out.append(v) or v)
    return out


def _result_loc(parsed):
    ret = parsed.node.body[-1]
    return parsed.loc(getattr(ret, "value", None) or ret, ret)


def _primal(inner: Builder, spec, env_values: list, stack: tuple, call_loc):
    """The primal code of the transformation's function on `env_values`, in `inner`: the user's
    function lowered, or (a gradient of a gradient) the inner transformation's code."""
    fun_spec = spec_of(spec["fun"])
    if fun_spec is not None:
        return call_transform(inner, fun_spec, env_values, stack, call_loc)
    from .lower import Lowerer

    parsed = spec["parsed"]
    if parsed.fn in stack:
        raise UnsupportedSyntaxError(f"recursive call of {parsed.name} is not supported", call_loc)
    sub = Lowerer(parsed, inner, stack)
    sub.env.update(zip(parsed.param_names, env_values))
    return sub.lower_body(parsed.node.body)


def _lists(b: Builder, x):
    """x with each Python tuple that stands for a list (expressions.mark_list) a list structure, so
    that it stays a list through _rebuild (which makes new tuples)."""
    if type(x) is tuple:
        items = [_lists(b, v) for v in x]
        return StructTuple(items, "aux", "list") if b.__dict__.get("pylists", {}).get(id(x)) is x else tuple(items)
    if isinstance(x, StructMap):
        return StructMap({k: _lists(b, v) for k, v in x.items.items()}, x.label, x.cls)
    if isinstance(x, StructTuple):
        return StructTuple([_lists(b, v) for v in x], x.label, x.kind, x.fields, x.cls)
    if isinstance(x, StructObj):
        return StructObj({k: _lists(b, v) for k, v in x.items.items()}, x.label, x.cls, x.kind)
    return x


def _split_results(b: Builder, result, spec) -> tuple:
    """([value, *aux parts], number of aux parts, aux's structure of values): has_aux splits the pair
    (value, aux), aux's leaves its parts."""
    parsed = spec["parsed"]
    if not spec["has_aux"]:
        if not isinstance(result, Value) and not _is_number(result):
            raise AdjitTypeError(f"{parsed.name}() must return a scalar to be differentiated by grad, but it returns "
                                 f"{_what(result)}", _result_loc(parsed), hint="reduce the result to a scalar, e.g. "
                                 "with np.sum(...)")
        return [_as_value(b, result)], 0, False
    pair = _items(b, result)
    if pair is None or len(pair) != 2:
        raise AdjitTypeError("has_aux=True: the function must return a pair (value, aux)", _result_loc(parsed),
                             hint="return loss, aux")
    value, aux = pair
    items = _items(b, aux)
    aux = _lists(b, tuple(items) if items is not None else aux)  # a structure of values (a dict...): its leaves
    parts = [_as_value(b, p) for p in _leaves(aux)]
    if any(p.type.kind not in ("array", "scalar") for p in parts):
        raise AdjitTypeError("has_aux=True: aux must hold arrays and numbers (in tuples, lists, dicts, NamedTuples "
                             "or dataclasses)", _result_loc(parsed))
    return [_as_value(b, value)] + parts, len(parts), aux


def _what(x) -> str:
    if isinstance(x, (StructMap, StructTuple, StructObj)):
        return x.__name__ if hasattr(x, "__name__") else "a structure"
    if type(x) is tuple:
        return f"a tuple of {len(x)}"
    return type(x).__name__


def _as_value(b: Builder, x) -> Value:
    if isinstance(x, Value):
        return x
    if _is_number(x):
        return b.const(float(x))
    raise AdjitTypeError(f"expected an array or a number, got {_what(x)}", b.loc)


def _items(b: Builder, x):
    """The items of a tuple (a Python tuple, or an IR tuple value built by a `tuple` op), else None."""
    if type(x) is tuple:
        return list(x)
    if isinstance(x, Value) and x.type.kind == "tuple":
        producer = next((n for n in walk(Block(b.ops)) if isinstance(n, Op) and n.out is x and n.prim == "tuple"), None)
        if producer is not None:
            return list(producer.inputs)
    return None


def _rename_tapes(b: Builder, body: Block, call_loc, label: str) -> None:
    """The inlined gradient's tapes get names of their own (a helper called twice, or a caller with
    tapes of its own, never shares one), and the builder remembers where each came from."""
    count = getattr(b, "nested_count", 0)
    b.nested_count = count + 1
    known = getattr(b, "nested_tapes", None)
    if known is None:
        known = b.nested_tapes = {}
    for n in walk(body):
        if isinstance(n, Op) and n.prim in ("tape_push", "tape_pop"):
            tape = n.attrs["tape"]
            if not tape.endswith(f"__n{count}"):
                tape = n.attrs["tape"] = f"{tape}__n{count}"
            known.setdefault(tape, (call_loc, label))


def lower_transformed(spec, parsed, arg_avals: list, trees=None, names=None) -> tuple:
    """frontend.lower for a transformation transformed again (`adjit.grad(adjit.grad(f))` at the top,
    any depth): a Function of the innermost function's parameters (one per leaf) whose body is the
    inner transformation's code and whose result is what it returns."""
    b = Builder()
    names = list(parsed.param_names if names is None else names)
    params = [b.define(Value(name), av) for name, av in zip(names, arg_avals)]
    values = []
    if trees is None:
        for p, av in zip(params, arg_avals):
            values.append(av.value if isinstance(av.value, str) else p)
    else:
        leaves = iter(zip(params, arg_avals))
        for name, tree in zip(parsed.param_names, trees):
            if tree is None:
                p, av = next(leaves)
                values.append(av.value if isinstance(av.value, str) else p)
            else:
                values.append(build(tree[0], (p for p, _ in leaves), name))
    captured = getattr(parsed, "captures", ())  # (key, hidden parameter): captures.py's plan of the innermost
    if captured:  # function, whose arrays are the last parameters here; the inner code reads them (call_transform)
        b.captures = {key: params[names.index(hidden)] for key, hidden in captured}
        b.captured_objects = {id(obj): b.captures[key] for key, obj in parsed.captured_now()}
        values = values[:len(values) - len(captured)]
    loc = parsed.loc(parsed.node)
    b.loc = loc
    result = call_transform(b, spec, values, (), loc)
    result_loc = _result_loc(parsed)
    b.loc = result_loc
    result, out_tree = transformed_result(b, result, loc, f"{_label(spec)} returns {_what(result)} here, which cannot "
                                          "be transformed again")  # a structure: nested tuples (structout.py)
    if result.hint is None or any(result is p for p in params):
        result.hint = result.hint or parsed.name
    fn = Function(parsed.name, params, names, Block(b.ops), [result], parsed.filename, parsed.firstline, result_loc,
                  b.avals, out_tree=out_tree)
    return fn, b
