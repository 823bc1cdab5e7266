"""Derivatives of any order from nested transformation objects (issue 13): hessian(hessian(f)),
jacfwd(jacrev(jacfwd(grad(f)))), jacobian(hessian(F)) of an array-valued F, ... to any depth,
each the exact derivative tensor JAX's definitions give.

Every nesting of hessian / jacobian / jacfwd / jacrev / grad (one int argnums each, no has_aux)
over a plain function f is one tensor (`chain`): the k-th derivative of f by the arguments
ks = [a_1, ..., a_k] (innermost first), of shape out.shape + x_a1.shape + ... + x_ak.shape, as JAX
nests it (hessian(g, a) = jacfwd(jacrev(g, a), a); the Jacobian of a scalar function is its
gradient; the mode of a Jacobian changes how, never what, it computes). `derivative` computes it
from what adjit compiles exactly:

- k = 1, 2: the Jacobian, and forward mode over the vjp (adjit/second.py), for any output;
- k = 3 of a scalar f: forward mode over the vjp of grad(f)'s code (second.py takes a gradient
  as its innermost function): one specialization, K tangents per call (adjit/batched.py);
- k >= 4 of a scalar f: the innermost derivative contracted with a unit vector w, psi(*args, w) =
  np.sum(grad(f, a_1)(*args) * w), a scalar function whose code calls the gradient (its code
  inlined: compiler/frontend/nested.py), so T[i, ...] = the (k-1)-th derivative of psi at w = e_i:
  one specialization per level, called x_a1.size times (the cost of k-3 levels of contractions);
- a function returning an array: each output element the same way, through
  phi(*args, u) = np.sum(f(*args) * u) at u = e_o.

The helpers psi and phi are source the frontend reads (`_helper`: registered in linecache, as
pickled source is), with f's own parameter names; `nested_source` shows them and the code. has_aux
or several argnums on a level of a nesting of order three or more, and a structured argument
beyond the third order, are an ArgumentError naming what is missing; a gradient whose code pops a
tape is the located error of reverse mode over it. `jvp` and `vjp` of a derivative object contract its own Jacobian (one order
more) with the tangents or the cotangent: exact, at the cost of that whole Jacobian; `grad` of one
with a scalar value is that vjp seeded with 1."""
from __future__ import annotations

import hashlib
import inspect
import keyword
import linecache
import re
import weakref

import numpy as np

from .compiler.errors import AdjitError, ArgumentError, Loc, render_diagnostic
from .compiler.jit.arguments import drawing_once


def _kinds():
    from .jacobian import _Jacobian
    from .hessians import _Hessian

    return _Jacobian, _Hessian


def is_gradient(f) -> bool:
    """An adjit.grad object (not value_and_grad, not has_aux): its code is transformed again."""
    return type(f).__name__ == "_Transformed" and not f._with_value and not f.has_aux


def _is_plain(f) -> bool:
    return (callable(f) and not isinstance(f, _kinds()) and not getattr(f, "__adjit_transform__", False)
            and getattr(f, "__adjit_custom__", None) is None and not isinstance(f, GradOfDerivative)
            and type(f).__name__ not in ("_Transformed", "PlainGrad"))


def _is_scalar(value) -> bool:
    return (isinstance(value, (float, np.floating)) or isinstance(value, np.ndarray) and value.ndim == 0
            and value.dtype.kind == "f")


def _one(k) -> bool:
    return isinstance(k, int) and not isinstance(k, bool)


def chain(t):
    """(f, ks, None) when t is a nesting of hessian / jacobian / grad objects over a plain function
    f (one int argnums each, no has_aux, no value): t(*args) is f's len(ks)-th derivative by the
    arguments ks, innermost first. (None, ks, (order, why)) where a level is none of these: the
    derivatives outside it, and the order the level would add."""
    Jacobian, Hessian = _kinds()
    ks: list = []
    while True:
        if type(t) is Hessian:
            if t.has_aux or not _one(t.k):
                return None, ks, (2, f"{t!r} has " + ("has_aux=True" if t.has_aux else f"argnums={t.k!r}"))
            ks, t = [t.k, t.k] + ks, t.f
        elif type(t) is Jacobian:
            if t.has_aux or not _one(t.argnums):
                return None, ks, (1, f"{t!r} has " + ("has_aux=True" if t.has_aux else f"argnums={t.argnums!r}"))
            ks, t = [t.argnums] + ks, t.f
        elif is_gradient(t) or isinstance(t, GradOfDerivative):
            wrt = _position(t)
            if wrt is None:
                return None, ks, (1, f"{t!r} has wrt={t.wrt!r}")
            ks, t = [wrt] + ks, (t.fun if is_gradient(t) else t.f)
        elif _is_plain(t):
            return t, ks, None
        else:
            return None, ks, None


def _position(g):
    """The one argument position a grad object differentiates by (its wrt a position, or a name
    of a plain function's parameter), else None."""
    if _one(g.wrt):
        return g.wrt
    if is_gradient(g) and isinstance(g.wrt, str):
        c = g._compiled
        if len(c.wrt) == 1 and not c.callee.prefix:
            return c.wrt[0]
    return None


def nested(t, args: tuple):
    """t(*args) for a nesting of order three or more (`chain`), else None (the caller's own path).
    A level that is not one int argnums without has_aux, in a nesting of order three or more: an
    ArgumentError naming it."""
    f, ks, problem = chain(t)
    if problem is not None and len(ks) + problem[0] >= 3:
        raise ArgumentError(f"{t!r}: a derivative of order {len(ks) + problem[0]} or more nests hessian, jacobian, "
                            f"jacfwd, jacrev and grad with one int argnums each and no has_aux, but {problem[1]}",
                            hint="give each level one argument position (call it once per argument), and has_aux "
                                 "to the outermost level only of a second derivative")
    if f is None or len(ks) < 3:
        return None
    try:
        return derivative(f, ks, tuple(args))
    except AdjitError as e:  # located in a helper adjit wrote: at f, with a note naming the helper
        if e.loc is None or not str(e.loc.filename).startswith("<adjit-higher"):
            raise
        note = render_diagnostic(f"in adjit's helper for the derivative of order {len(ks)} (grad of "
                                 f"{getattr(f, '__name__', 'f')} contracted with unit vectors, adjit/higher.py)",
                                 e.loc, kind="note")
        try:
            moved = type(e)(e.message, _def_loc(f), e.hint, e.notes + (note,))
        except TypeError:  # an error class with other parameters: as it was
            raise e from None
        raise moved from None


def _def_loc(f):
    """The place of f's def line (None when its source cannot be read)."""
    try:
        lines, first = inspect.getsourcelines(f)
        filename = inspect.getsourcefile(f) or f.__code__.co_filename
    except (OSError, TypeError, AttributeError):
        return None
    line = lines[0]
    return Loc(filename, first, len(line) - len(line.lstrip()), len(line.rstrip()), line)


_MADE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # f -> {key: grad object or helper}


def _made(f, key, make):
    """One grad object or helper per (f, key), so each is compiled once per process."""
    try:
        per = _MADE.setdefault(f, {})
    except TypeError:  # not weakly referable
        per = {}
    if key not in per:
        per[key] = make()
    return per[key]


def _gradient(f, k: int):
    from .api import grad

    return _made(f, ("grad", k), lambda: grad(f, wrt=k))


def _names(f, n: int) -> list:
    try:
        names = [p.name for p in inspect.signature(f).parameters.values()]
    except (TypeError, ValueError):
        names = []
    if len(names) != n or len(set(names)) != n or any(keyword.iskeyword(x) or x in ("np", "g", "w") for x in names):
        return [f"a{i}" for i in range(n)]
    return names


def _ident(f, suffix: str) -> str:
    base = re.sub(r"\W", "_", getattr(f, "__name__", "f")) or "f"
    return f"{base}_{suffix}" if base[0].isalpha() else f"f_{suffix}"


def _helper(f, g, n: int, what: str, name: str):
    """def name(*f's parameters, w): return np.sum(g(*parameters) * w), with g a closure cell: source
    the frontend reads (registered in linecache under a label unique to the text)."""
    params = ", ".join(_names(f, n))
    text = (f"def _adjit_{name}_factory(g):\n"
            f"    def {name}({params}, w):  # {what}\n"
            f"        return np.sum(g({params}) * w)\n"
            f"    return {name}\n")
    label = f"<adjit-higher {hashlib.sha256(text.encode()).hexdigest()[:16]}>"
    if label not in linecache.cache:
        linecache.cache[label] = (len(text), None, text.splitlines(keepends=True), label)
    scope = {"np": np, "__name__": __name__}
    exec(compile(text, label, "exec"), scope)  # noqa: S102 - adjit's own text, above
    return scope[f"_adjit_{name}_factory"](g)


def _unit(x, i: int):
    e = np.zeros(np.size(x))
    e[i] = 1.0
    return e.reshape(np.shape(x)) if isinstance(x, np.ndarray) else float(e[0])


def _refuse_structures(f, ks: list, args: tuple) -> None:
    for k in set(ks):
        x = args[k] if 0 <= k < len(args) else None
        if not (isinstance(x, (float, np.floating)) or isinstance(x, np.ndarray) and x.dtype.kind == "f"):
            raise ArgumentError(f"a derivative of order {len(ks)} of {getattr(f, '__name__', 'f')} by argument {k}: "
                                f"it takes float arrays and numbers there, not {type(x).__name__} (a structure is "
                                "differentiated up to the third order of a scalar function)",
                                hint="pass the leaves as separate array arguments")


def nested_source(t, args: tuple):
    """The generated code behind t(*args) for a nesting of order three or more, with first lines
    saying how it runs (as derivative() does), else None."""
    found = chain(t)
    if found[0] is None or len(found[1]) < 3:
        return None
    return _source(found[0], found[1], tuple(args))


def _source(f, ks: list, args: tuple) -> str:
    from .second import source

    name = getattr(f, "__name__", "f")
    head = f"# derivative of order {len(ks)} of {name} by arguments {tuple(ks)} (innermost first): "
    out = f(*args)
    if _is_scalar(out) or isinstance(out, (int, float)):
        if len(ks) == 3:
            return head + f"the Jacobian of the Jacobian of grad({name}), below\n" + source(
                _gradient(f, ks[0]), ks[1], ks[2], args, False, "a Jacobian of a Jacobian")
        x = args[ks[0]]
        psi = _made(f, ("psi", ks[0], len(args)), lambda: _helper(
            f, _gradient(f, ks[0]), len(args), f"g: grad({getattr(f, '__name__', 'f')}, {ks[0]}), contracted with w",
            _ident(f, f"d{ks[0]}")))
        return (head + f"grad({name}) contracted with each of the {int(np.size(x))} unit vectors w, below\n"
                + "".join(inspect.getsourcelines(psi)[0]) + _source(psi, ks[1:], args + (_unit(x, 0),)))
    phi = _made(f, ("phi", len(args)), lambda: _helper(
        f, f, len(args), f"g: {getattr(f, '__name__', 'f')}, its output contracted with w", _ident(f, "out")))
    return (head + f"each of the {np.size(out)} output elements, below\n" + "".join(inspect.getsourcelines(phi)[0])
            + _source(phi, ks, args + (_unit(np.asarray(out, dtype=float), 0),)))


def derivative(f, ks: list, args: tuple):
    """f's len(ks)-th derivative by the arguments ks (innermost first), as JAX nests it: shape
    out.shape + x_ks[0].shape + ... (see the module's docstring for how)."""
    from .jacobian import _Jacobian
    from .second import second_derivative

    if len(ks) == 1:
        return _Jacobian(f, ks[0], "auto")(*args)
    if len(ks) == 2:
        return second_derivative(f, ks[0], ks[1], args)
    out = f(*args)
    if _is_scalar(out) or isinstance(out, (int, float)):
        if len(ks) == 3:  # forward mode over the vjp of the gradient's code
            return second_derivative(_gradient(f, ks[0]), ks[1], ks[2], args)
        _refuse_structures(f, ks, args)
        psi = _made(f, ("psi", ks[0], len(args)), lambda: _helper(
            f, _gradient(f, ks[0]), len(args), f"g: grad({getattr(f, '__name__', 'f')}, {ks[0]}), contracted with w",
            _ident(f, f"d{ks[0]}")))
        x = args[ks[0]]
        parts = [derivative(psi, ks[1:], args + (_unit(x, i),)) for i in range(int(np.size(x)))]
        return np.stack([np.asarray(p) for p in parts]).reshape(np.shape(x) + np.shape(parts[0]))
    if not isinstance(out, np.ndarray) or out.dtype.kind != "f":
        raise ArgumentError(f"a derivative of order {len(ks)} of {getattr(f, '__name__', 'f')}, which returns "
                            f"{type(out).__name__}: it takes functions returning a float array or number",
                            hint="take the derivative of each array it returns, in a function returning that one")
    _refuse_structures(f, ks, args)
    phi = _made(f, ("phi", len(args)), lambda: _helper(
        f, f, len(args), f"g: {getattr(f, '__name__', 'f')}, its output contracted with w", _ident(f, "out")))
    parts = [derivative(phi, ks, args + (_unit(out, o),)) for o in range(out.size)]
    return np.stack([np.asarray(p) for p in parts]).reshape(out.shape + np.shape(parts[0]))


def _contract(J, t, rank: int):
    return np.tensordot(J, t, axes=rank)


def _arrays(what: str, values) -> None:
    for v in values:
        if v is not None and not (isinstance(v, (float, np.floating)) or isinstance(v, np.ndarray)
                                  and v.dtype.kind == "f"):
            raise ArgumentError(f"{what} of a Jacobian or a Hessian takes float arrays and numbers (one Jacobian "
                                f"contracted with them), not {type(v).__name__}",
                                hint="take jacfwd / jacrev of the Jacobian and contract it yourself")


def jvp_of_derivative(f, primals: tuple, tangents: tuple):
    """jvp(F, primals, tangents) for F a Jacobian or a Hessian: (F(*primals), sum over the tangents
    of jacfwd(F, k)(*primals) contracted with tangent k)."""
    from .jacobian import jacfwd

    if len(primals) != len(tangents):
        raise ArgumentError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    _arrays("jvp", tuple(primals) + tuple(tangents))
    out = f(*primals)
    _arrays("jvp", (out,))  # a structure returned (a structured argument): not contracted here
    dot = np.zeros(np.shape(out))
    for k, t in enumerate(tangents):
        if t is not None:
            dot = dot + _contract(jacfwd(f, argnums=k)(*primals), np.asarray(t), np.ndim(t))
    return out, (dot if isinstance(out, np.ndarray) else type(out)(dot))


def vjp_of_derivative(f, primals: tuple):
    """vjp(F, *primals) for F a Jacobian or a Hessian: (F(*primals), pullback) with pullback(ct) the
    contraction of ct with jacrev(F, k)(*primals) for each float argument k."""
    from .jacobian import jacrev

    _arrays("vjp", primals)
    out = f(*primals)
    _arrays("vjp", (out,))
    blocks = [jacrev(f, argnums=k)(*primals) for k in range(len(primals))]

    def pullback(ct):
        ct = np.asarray(ct, dtype=float)
        if ct.shape != np.shape(out):
            raise ArgumentError(f"the cotangent has shape {ct.shape}, but the output has shape {np.shape(out)}")
        return tuple(np.tensordot(ct, J, axes=ct.ndim) if isinstance(p, np.ndarray) else float(np.sum(ct * J))
                     for J, p in zip(blocks, primals))
    return out, pullback


class GradOfDerivative:
    """grad / value_and_grad of a Jacobian or a Hessian whose value is a scalar (a function of one
    scalar, as jax.grad(jax.jacobian(f)) takes it): the vjp above, seeded with 1."""

    __adjit_transform__ = True

    def __init__(self, f, wrt, with_value: bool):
        if not (isinstance(wrt, int) or isinstance(wrt, tuple) and all(isinstance(k, int) for k in wrt)):
            raise ArgumentError(f"grad of a Jacobian or a Hessian takes wrt as argument positions, not {wrt!r}")
        self.f, self.wrt, self.with_value = f, wrt, with_value
        self.__name__ = f"grad_{getattr(f, '__name__', 'f')}"

    @drawing_once  # a random generator argument: one draw for every derivative taken
    def __call__(self, *args):
        out, pull = vjp_of_derivative(self.f, args)
        if np.ndim(out) != 0:
            raise ArgumentError(f"grad of a Jacobian or a Hessian needs a scalar value, but it is of shape "
                                f"{np.shape(out)}", hint="take adjit.jacrev of it, or adjit.vjp")
        cts = pull(1.0)
        g = cts[self.wrt] if isinstance(self.wrt, int) else tuple(cts[k] for k in self.wrt)
        return (out, g) if self.with_value else g
