"""User-defined derivative rules, with JAX's API: `adjit.custom_vjp` (a reverse-mode rule: fwd and
bwd) and `adjit.custom_jvp` (a forward-mode rule).

Called inside a differentiated function, a custom function's rule is compiled with it: the
frontend (compiler/frontend/custom_calls.py) inlines `fwd` (or the function itself) and AD inlines
the user's `bwd` into the reverse sweep (or `jvp` into the tangent code), where the generated
source shows its lines. Transformed itself (`adjit.grad(f)(x)` on the custom function), its rule
runs as plain Python, not compiled: f, fwd and bwd may then call anything (SciPy, an iterative
solver adjit cannot compile), and only their results are checked."""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .compiler.errors import AdjitError, AdjitTypeError, ArgumentError, ShapeError


class _Custom:
    """What custom_vjp and custom_jvp share: calling it calls the function."""

    kind = ""
    fwd = bwd = jvp_rule = None

    def __init__(self, fun, nondiff_argnums=()):
        if not callable(fun):
            raise ArgumentError(f"adjit.custom_{self.kind} decorates a function, not {fun!r}")
        self.fun = fun
        self.nondiff = _positions(fun, nondiff_argnums, self.kind)
        functools.update_wrapper(self, fun)

    @property
    def __adjit_custom__(self):
        """The frontend recognizes a custom function by this attribute (the rule object itself)."""
        return self

    def __call__(self, *args, **kwargs):
        return self.fun(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<adjit.custom_{self.kind} {getattr(self.fun, '__qualname__', self.fun)}>"

    def __reduce__(self):
        """Pickled as its function and rules (by reference, or their source: compiler/jit/pickling.py)."""
        from .compiler.jit import pickling

        return pickling.reduce(self, _rebuild_custom, (type(self), self.fun, self.fwd, self.bwd, self.jvp_rule,
                                                        self.nondiff))


def _positions(fun, nondiff_argnums, kind: str) -> tuple:
    """JAX's nondiff_argnums (an int or a sequence of them) as sorted positions of fun's parameters."""
    items = nondiff_argnums if isinstance(nondiff_argnums, (tuple, list)) else (nondiff_argnums,)
    if not items:
        return ()
    n = len(inspect.signature(fun).parameters)
    out = set()
    for k in items:
        if not isinstance(k, int) or isinstance(k, bool) or not -n <= k < n:
            raise ArgumentError(f"adjit.custom_{kind}(..., nondiff_argnums={nondiff_argnums!r}) of "
                                f"{getattr(fun, '__name__', fun)!r}: {k!r} is not an argument position (it takes {n})")
        out.add(k % n)
    return tuple(sorted(out))


def _rebuild_custom(cls, fun, fwd, bwd, jvp_rule, nondiff=()):
    rule = cls(fun, nondiff)
    rule.fwd, rule.bwd, rule.jvp_rule = fwd, bwd, jvp_rule
    return rule


class custom_vjp(_Custom):
    """A function with a user-given reverse-mode rule, as jax.custom_vjp:

        @adjit.custom_vjp
        def f(x, y): ...
        def f_fwd(x, y): return f(x, y), (x, y)        # (output, residuals)
        def f_bwd(res, g): x, y = res; return (g * y, g * x)   # one cotangent per argument (None: zero)
        f.defvjp(f_fwd, f_bwd)

    `custom_vjp(f, nondiff_argnums=(0,))`: those arguments (a function, an option) are passed
    first to bwd, which returns cotangents for the others, as JAX's.

    Inside a differentiated function, fwd and bwd are compiled (they must be in adjit's subset);
    the residuals are arrays and numbers in any structure (tuples, lists, dicts, NamedTuples,
    dataclasses, nested), as JAX's pytrees."""

    kind = "vjp"

    def defvjp(self, fwd, bwd) -> None:
        for what, fn in (("fwd", fwd), ("bwd", bwd)):
            if not callable(fn):
                raise ArgumentError(f"{self.__name__}.defvjp: {what} must be a function, not {fn!r}")
        self.fwd, self.bwd = fwd, bwd


class custom_jvp(_Custom):
    """A function with a user-given forward-mode rule, as jax.custom_jvp:

        @adjit.custom_jvp
        def g(x): ...
        @g.defjvp
        def g_jvp(primals, tangents): (x,), (t,) = primals, tangents; return g(x), 2 * t

    Forward mode (jvp, jacfwd) uses the rule; reverse mode transposes it (it must be linear in
    the tangents, which is checked). `g.defjvps(d0, d1, ...)`, as JAX's: one function per
    argument, `d_i(t_i, ans, *primals)` its part of the output tangent (None: none)."""

    kind = "jvp"

    def defjvp(self, jvp):
        if not callable(jvp):
            raise ArgumentError(f"{self.__name__}.defjvp: the rule must be a function, not {jvp!r}")
        self.jvp_rule = jvp
        return jvp

    def defjvps(self, *jvps) -> None:
        n = len(inspect.signature(self.fun).parameters) - len(self.nondiff)
        if len(jvps) != n or not all(j is None or callable(j) for j in jvps):
            raise ArgumentError(f"{self.__name__}.defjvps takes one function (or None) per differentiated argument "
                                f"({n}), got {len(jvps)}: {jvps!r}")
        self.jvp_rule = _jvps_rule(self, tuple(jvps), len(self.nondiff))


def _jvps_rule(f, jvps: tuple, n_nondiff: int):
    """defjvps' functions as one defjvp rule: the output tangent is the sum of each argument's part
    (compiled like a rule written by hand: frontend/custom_calls.py)."""
    if n_nondiff:
        raise ArgumentError(f"{f.__name__}.defjvps with nondiff_argnums is not supported: use defjvp")

    def jvps_rule(primals, tangents):
        ans = f(*primals)
        t_out = None
        for d, t in zip(jvps, tangents):
            if d is not None:
                part = d(t, ans, *primals)
                t_out = part if t_out is None else t_out + part
        return ans, t_out
    return jvps_rule


# ------------------------------------------------------------------- transformed at top level (plain Python)

def _loc(fn):
    """Where fn is defined, for a located error (None when its source cannot be read)."""
    try:
        from .compiler.frontend.parse import parse

        parsed = parse(fn)
        return parsed.loc(parsed.node)
    except Exception:
        return None


def _bind(rule, args: tuple, kwargs: dict) -> tuple:
    try:
        bound = inspect.signature(rule.fun).bind(*args, **kwargs)
    except TypeError as e:
        raise ArgumentError(f"{rule.__name__}(): {e}") from None
    bound.apply_defaults()
    return tuple(bound.args)


def _wrt(rule, wrt) -> tuple:
    names = list(inspect.signature(rule.fun).parameters)
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in names:
                raise ArgumentError(f"wrt names '{w}', which is not a parameter of {rule.__name__}{tuple(names)}")
            w = names.index(w)
        if not isinstance(w, int) or not -len(names) <= w < len(names):
            raise ArgumentError(f"wrt {w!r} is not an argument position of {rule.__name__}")
        out.append(w % len(names))
    return tuple(out)


def _is_float(x) -> bool:
    return np.asarray(x).dtype.kind == "f"


def _like(x, primal):
    """A derivative in the form of its primal (array, NumPy scalar or Python float)."""
    if isinstance(primal, np.ndarray):
        return np.asarray(x, dtype=primal.dtype)
    if isinstance(primal, np.generic):
        return primal.dtype.type(x)
    return float(x)


def _missing(rule):
    if rule.kind == "vjp" and (rule.fwd is None or rule.bwd is None):
        raise AdjitTypeError(f"{rule.__name__} is an adjit.custom_vjp function whose rule was never given",
                             _loc(rule.fun), hint=f"call {rule.__name__}.defvjp({rule.__name__}_fwd, "
                             f"{rule.__name__}_bwd) after defining it")
    if rule.kind == "jvp" and rule.jvp_rule is None:
        raise AdjitTypeError(f"{rule.__name__} is an adjit.custom_jvp function whose rule was never given",
                             _loc(rule.fun), hint=f"decorate its rule with @{rule.__name__}.defjvp")


def plain_fwd(rule, args: tuple):
    """(out, residuals) from the user's fwd, checked."""
    _missing(rule)
    pair = rule.fwd(*args)
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise AdjitTypeError(f"{rule.fwd.__name__} must return a pair (out, residuals), as {rule.__name__}'s "
                             "forward rule", _loc(rule.fwd))
    return pair[0], pair[1]


def plain_bwd(rule, res, ct, args: tuple) -> list:
    """One cotangent per argument (None for an int argument), from the user's bwd, checked."""
    nd = getattr(rule, "nondiff", ())
    cts = rule.bwd(*[args[k] for k in nd], res, ct)
    if nd:  # one cotangent per differentiated argument: None for the nondiff ones
        if isinstance(cts, (tuple, list)) and len(cts) == len(args) - len(nd):
            it = iter(cts)
            cts = tuple(None if k in nd else next(it) for k in range(len(args)))
        else:
            got = f"{len(cts)} cotangent(s)" if isinstance(cts, (tuple, list)) else "a non-tuple"
            raise AdjitTypeError(f"{rule.bwd.__name__} returned {got}, but {rule.__name__}() takes "
                                 f"{len(args) - len(nd)} argument(s) besides its nondiff_argnums: one cotangent each",
                                 _loc(rule.bwd))
    n = len(args)
    if not isinstance(cts, (tuple, list)) or len(cts) != n:
        got = "a non-tuple" if not isinstance(cts, (tuple, list)) else f"{len(cts)} cotangent(s)"
        raise AdjitTypeError(f"{rule.bwd.__name__} returned {got}, but {rule.__name__}() takes {n} argument(s): it "
                             f"must return a tuple of {n} cotangent(s), one per argument", _loc(rule.bwd),
                             hint="return (g * dy_dx,) for one argument; None for an argument with no derivative")
    out = []
    for k, (c, a) in enumerate(zip(cts, args)):
        if k in nd or not _is_float(a):
            out.append(None)
            continue
        if c is None:
            c = np.zeros_like(a, dtype=np.asarray(a).dtype)
        if np.shape(c) != np.shape(a):
            raise ShapeError(f"the cotangent of argument {k} of {rule.__name__}() has shape {np.shape(c)}, but it "
                             f"must have the shape of its primal, {np.shape(a)}", _loc(rule.bwd),
                             hint="return exactly one value per primal, of its shape and not broadcast")
        out.append(_like(c, a))
    return out


def plain_jvp(rule, args: tuple, tangents: tuple):
    """(out, tangent of out) from the user's jvp rule, zeros for the tangents given as None."""
    _missing(rule)
    tans = tuple(None if k in getattr(rule, "nondiff", ()) else
                 np.zeros_like(a, dtype=np.asarray(a).dtype if _is_float(a) else np.float64) if t is None else t
                 for k, (a, t) in enumerate(zip(args, tangents)))
    tans = tuple(t if t is None or isinstance(a, np.ndarray) else (float(t) if not isinstance(a, np.generic) else t)
                 for a, t in zip(args, tans))
    nd = getattr(rule, "nondiff", ())
    pair = rule.jvp_rule(*[args[k] for k in nd], tuple(a for k, a in enumerate(args) if k not in nd),
                         tuple(t for k, t in enumerate(tans) if k not in nd))
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise AdjitTypeError(f"{rule.jvp_rule.__name__} must return a pair (out, tangent_out), as {rule.__name__}'s "
                             "forward-mode rule", _loc(rule.jvp_rule))
    out, tdot = pair
    if np.shape(tdot) != np.shape(out):
        raise ShapeError(f"the tangent of {rule.__name__}()'s output has shape {np.shape(tdot)}, but the output has "
                         f"shape {np.shape(out)}", _loc(rule.jvp_rule))
    return out, tdot


def _basis(x):
    a = np.asarray(x, dtype=np.asarray(x).dtype if _is_float(x) else np.float64)
    for i in range(a.size):
        e = np.zeros(a.size, dtype=a.dtype)
        e[i] = 1
        yield i, (e.reshape(a.shape) if isinstance(x, np.ndarray) else _like(e[0], x))


def plain_vjp(rule, args: tuple, wrt: tuple):
    """(out, pullback) with pullback(ct) -> one cotangent per argument, None outside `wrt`. A
    custom_jvp rule is transposed numerically: one JVP per element of the differentiated arguments."""
    if rule.kind == "vjp":
        out, res = plain_fwd(rule, args)

        def pullback(ct):
            cts = plain_bwd(rule, res, ct, args)
            return tuple(c if k in wrt else None for k, c in enumerate(cts))
        return out, pullback
    out = _missing(rule) or rule(*args)
    columns = {}
    for k in wrt:
        if not _is_float(args[k]) or k in rule.nondiff:
            continue
        cols = []
        for _, e in _basis(args[k]):
            tangents = tuple(e if j == k else None for j in range(len(args)))
            cols.append(np.asarray(plain_jvp(rule, args, tangents)[1]))
        columns[k] = cols

    def pullback(ct):
        res = [None] * len(args)
        for k, cols in columns.items():
            flat = np.array([float(np.sum(np.asarray(ct) * c)) for c in cols])
            res[k] = _like(flat.reshape(np.shape(args[k])) if isinstance(args[k], np.ndarray) else flat[0], args[k])
        return tuple(res)
    return out, pullback


class PlainGrad:
    """grad / value_and_grad of a custom function itself: its rule run as plain Python, not compiled."""

    __adjit_transform__ = True

    def __init__(self, rule, wrt, with_value: bool, has_aux: bool):
        if has_aux:
            raise ArgumentError(f"has_aux is not supported for the custom_{rule.kind} function {rule.__name__} "
                                "differentiated by itself")
        self.rule, self.with_value, self.wrt = rule, with_value, wrt
        self.positions = _wrt(rule, wrt)
        if set(self.positions) & set(rule.nondiff):
            raise ArgumentError(f"{rule.__name__}: wrt names an argument in its nondiff_argnums "
                                f"{rule.nondiff}, which has no derivative")
        self.single = not isinstance(wrt, (tuple, list))
        self.fun = rule.fun
        self.__name__ = rule.__name__
        self.__wrapped__ = rule

    def __call__(self, *args, **kwargs):
        args = _bind(self.rule, args, kwargs)
        for k in self.positions:
            if not _is_float(args[k]):
                raise AdjitTypeError(f"argument {k} of {self.rule.__name__} is differentiated (wrt) but is not a float",
                                     _loc(self.rule.fun), hint="pass floats, or leave it out of wrt")
        out, pullback = plain_vjp(self.rule, args, self.positions)
        if np.ndim(out) != 0 or not _is_float(out):
            raise AdjitTypeError(f"{self.rule.__name__} must return a float scalar to be differentiated by grad, but "
                                 f"it returns shape {np.shape(out)}", _loc(self.rule.fun),
                                 hint="use adjit.vjp or adjit.jacobian for a function with an array output")
        cts = pullback(np.ones_like(out) if isinstance(out, np.ndarray) else _like(1.0, out))
        grads = tuple(cts[k] for k in self.positions)
        grads = grads[0] if self.single else grads
        return (out, grads) if self.with_value else grads

    def source(self, *args, **kwargs) -> str:
        what = "fwd and bwd" if self.rule.kind == "vjp" else "its jvp rule, once per input element"
        return (f"# {self.rule.__name__} is an adjit.custom_{self.rule.kind} function differentiated by itself: "
                f"{what} run as plain Python (NumPy), not compiled\n")

    def __repr__(self) -> str:
        return f"<adjit.{'value_and_grad' if self.with_value else 'grad'} of {self.rule!r} (plain Python)>"

    def __reduce__(self):
        from .compiler.jit import pickling

        return pickling.reduce(self, PlainGrad, (self.rule, self.wrt, self.with_value, False))


def plain_grad(f, wrt, with_value: bool, has_aux: bool = False):
    """api._decorate's hook: grad of a custom function (its rule, in Python), or a located refusal
    of grad of such a gradient."""
    if isinstance(f, PlainGrad):
        raise AdjitTypeError(f"grad of the gradient of the custom_{f.rule.kind} function {f.rule.__name__} is not "
                             "supported: its rule runs as plain Python", _loc(f.rule.fun),
                             hint="write the second derivative by hand, or differentiate a function adjit compiles")
    return PlainGrad(f.__adjit_custom__, wrt, with_value, has_aux)


def plain_jvp_call(f, primals, tangents):
    """transforms.jvp's hook for a custom function transformed itself."""
    rule = f.__adjit_custom__
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ArgumentError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    if rule.kind == "vjp":
        raise AdjitTypeError(f"{rule.__name__} is an adjit.custom_vjp function: it has a reverse-mode rule only, so "
                             "forward mode (jvp, jacfwd) cannot differentiate it", _loc(rule.fun),
                             hint="use adjit.vjp or adjit.jacrev, or make it an adjit.custom_jvp function")
    return plain_jvp(rule, _bind(rule, primals, {}), tangents)


def plain_vjp_call(f, primals, wrt=None, has_aux: bool = False):
    """transforms.vjp's hook for a custom function transformed itself."""
    rule = f.__adjit_custom__
    if has_aux:
        raise ArgumentError(f"has_aux is not supported for the custom function {rule.__name__} transformed itself")
    args = _bind(rule, primals, {})
    positions = tuple(k for k, a in enumerate(args) if _is_float(a)) if wrt is None else _wrt(rule, wrt)
    return plain_vjp(rule, args, positions)


def refuse(f, what: str) -> AdjitError:
    rule = f.__adjit_custom__
    what = {"vjp_jvp": "a second derivative (hessian, jacfwd(jacfwd(...)), ...)", "grad_jvp": "hvp or hessian"}.get(
        what, f"adjit.{what}")  # the user's words, not the internal mode's name
    return AdjitTypeError(f"{what} of the custom_{rule.kind} function {rule.__name__} itself is not supported: "
                          "its rule runs as plain Python, and it has no second derivatives", _loc(rule.fun),
                          hint=f"call {rule.__name__} inside a function adjit compiles, or use grad, vjp and jvp")
