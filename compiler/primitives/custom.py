"""The rows of user-defined derivative rules (`adjit.custom_vjp`, `adjit.custom_jvp`, issue 13).

A call of a custom function inside a differentiated function is lowered by the frontend
(`frontend/custom_calls.py`) to the primal computation (the user's `fwd`, or the function itself)
followed by one of these rows, an identity on its input 0 (the primal result) that marks where the
user's rule applies:

  custom_vjp_call(out, *residuals, *args; rule, nres, tree)   its VJP lowers `bwd(residuals, g)`
  custom_jvp_call(out, *args; rule)                           its JVP lowers `jvp(primals, tangents)`

With `nondiff_argnums`, `args` are the differentiated arguments, the nondiff ones that are values
follow them (read by the rules, no derivative), and `nondiff` (position, "value" or "static",
index or key into STATICS) says where each nondiff argument goes: first in the rules' calls.

Input 0 never carries a derivative (the rule replaces the derivative of the primal computation);
the residuals get no cotangent (as in JAX). `rule` is the key of the rule object in `RULES`;
the function objects stay out of the IR (attributes are printed, compared and copied). Lowering a
user's Python function needs the frontend, which this layer may not import: the frontend puts its
two lowerings in `HOOKS` when it first lowers a custom call, before any of these ops exists.
A custom_jvp's rule under reverse mode is transposed (its tangent part, linear in the tangents:
frontend/custom_calls.py and reverse/transpose.py), as JAX does; a custom_vjp under forward mode
is a located error at the call."""
from __future__ import annotations

from ..errors import AdjitTypeError, InternalCompilerError
from ..ir import Abstract
from .table import primitive

RULES: dict = {}  # key -> rule object (adjit.custom: .kind "vjp" / "jvp", .fun, .fwd, .bwd, .jvp_rule)
HOOKS: dict = {}  # "vjp" / "jvp" / "transpose" -> the frontend's lowering of the user's rule into a builder


def register(rule) -> str:
    """A key for `rule`, the same in every process for the same program (it is printed in the IR,
    which keys the cache): the function's name and place, numbered apart from other rule objects
    made there (a factory's closures)."""
    for key, r in RULES.items():
        if r is rule:
            return key
    code = getattr(rule.fun, "__code__", None)
    place = f"{getattr(rule.fun, '__qualname__', 'f')}@{getattr(code, 'co_filename', '?').rsplit('/', 1)[-1]}:" \
            f"{getattr(code, 'co_firstlineno', 0)}"
    k = 0
    while f"{place}#{k}" in RULES:
        k += 1
    RULES[f"{place}#{k}"] = rule
    return f"{place}#{k}"


def register_static(x) -> str:
    """A key for a static argument of a custom function given by `nondiff_argnums` (a function, a
    string, a tuple of ints...), printed in the IR like a rule's: a function by its name and place,
    anything else by its repr, numbered apart from other objects of the same description."""
    code = getattr(x, "__code__", None)
    place = f"{getattr(x, '__qualname__', 'f')}@{code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}" \
        if code is not None else repr(x)
    cells = getattr(x, "__closure__", None)
    if cells:  # a factory's closures apart by what they captured (the key prints in the IR, the cache's key)
        place += "[" + ", ".join(_cell(c) for c in cells) + "]"
    k = 0
    while f"{place}#{k}" in STATICS and STATICS[f"{place}#{k}"] is not x and not _same(STATICS[f"{place}#{k}"], x):
        k += 1
    STATICS[f"{place}#{k}"] = x
    return f"{place}#{k}"


def _cell(c) -> str:
    try:
        v = c.cell_contents
    except ValueError:
        return "?"
    if hasattr(v, "tobytes"):  # an array: its contents, not NumPy's abbreviated repr
        import hashlib

        return f"array:{hashlib.sha256(v.tobytes()).hexdigest()[:12]}"
    return repr(v) if not callable(v) else getattr(v, "__qualname__", "fn")


def _same(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(a == b) and getattr(a, "__code__", None) is None
    except Exception:
        return False


STATICS: dict = {}  # key -> a static nondiff argument (register_static)


def _nondiff(layout: tuple, values: tuple) -> list:
    """The nondiff arguments, in position order: a Var for a value one (the op's inputs after the
    others), the object itself for a static one."""
    return [values[i] if kind == "value" else STATICS[i] for _, kind, i in layout]


def _n_values(layout: tuple) -> int:
    return sum(1 for _, kind, _ in layout if kind == "value")


def _identity_abstract(out, *rest, **attrs):
    return Abstract(out.type, out.shape)


def _hook(kind: str):
    hook = HOOKS.get(kind)
    if hook is None:
        raise InternalCompilerError(f"custom_{kind}_call without the frontend's lowering hook")
    return hook


def _custom_vjp_vjp(g, y, out, *rest, rule, nres, tree, nondiff=()):
    m = _n_values(nondiff)
    args, extra = rest[nres:len(rest) - m], rest[len(rest) - m:]
    cts = _hook("vjp")(RULES[rule], g, rest[:nres], tree, args, _nondiff(nondiff, extra))
    return (None,) + (None,) * nres + tuple(cts) + (None,) * m


def _custom_vjp_jvp(tangents, y, *inputs, rule, nres, tree, nondiff=()):
    f = RULES[rule]
    err = AdjitTypeError(f"{f.__name__} is an adjit.custom_vjp function: it has a reverse-mode rule only, so "
                         "forward mode (jvp, jacfwd) cannot differentiate it",
                         y.builder.loc, hint=f"differentiate it in reverse mode (grad, vjp, jacrev; hvp, hessian and "
                         f"grad of grad differentiate its gradient), or make {f.__name__} an adjit.custom_jvp function, "
                         "whose rule forward mode uses")
    err.reverse_only = True  # adjit.jacobian's automatic mode takes reverse mode instead (transforms.py)
    raise err


def _custom_jvp_vjp(g, y, out, *rest, rule, nondiff=()):
    m = _n_values(nondiff)
    args, extra = rest[:len(rest) - m], rest[len(rest) - m:]
    return (None,) + tuple(_hook("transpose")(RULES[rule], g, args, _nondiff(nondiff, extra))) + (None,) * m


def _custom_jvp_jvp(tangents, y, out, *rest, rule, nondiff=()):
    m = _n_values(nondiff)
    args, extra = rest[:len(rest) - m], rest[len(rest) - m:]
    return _hook("jvp")(RULES[rule], y, args, tangents[1:1 + len(args)], _nondiff(nondiff, extra))


# Internal rows: no spelling matches them (tests/compiler/primitive_cases.py lists them in INTERNAL;
# tests/test_custom_rules.py differentiates programs that produce them).
primitive("custom_vjp_call", _identity_abstract, _custom_vjp_vjp, _custom_vjp_jvp, nondiff_inputs=(0,),
          params=("out",), view=True, readable="{0:as_is}")
primitive("custom_jvp_call", _identity_abstract, _custom_jvp_vjp, _custom_jvp_jvp, nondiff_inputs=(0,),
          params=("out",), view=True, readable="{0:as_is}")
