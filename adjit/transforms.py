"""The AD family beyond grad: jvp, vjp, hvp and jvp of grad, with JAX's signatures and return
conventions (structured arguments as JAX's pytrees); the Jacobians are jacobian.py's, hessian is
hessians.py's, both re-exported here. grad of grad is api.py's: the inner gradient's code
transformed again (compiler/frontend/nested.py).

Each is a compiled transformation of the user's function, built from three IR transformations
(compiler/jit/compiled.CompiledFunction modes): forward mode ("jvp"), reverse mode with a
cotangent argument ("vjp", any result shape) and forward over reverse ("grad_jvp": the gradient
and its directional derivative, which is a Hessian-vector product). Jacobians and Hessians call
one compiled specialization once per basis vector (forward mode: per input element; reverse
mode: per output element), so each is compiled once whatever its size."""
from __future__ import annotations

import weakref
from typing import Callable

import numpy as np

from .compiler.errors import AdjitTypeError, ArgumentError
from .compiler.jit import CompiledFunction, pickling
from .compiler.jit.guards import holds as guards_hold
from .compiler.jit.arguments import (Flat, as_result, drawing_once, float_arguments, gradients, n_arguments,
                                     n_gradients, refuse_structures, tangent_leaves)
from .runtime.trees import flatten, is_structure, unflatten
from . import outputs

_COMPILED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _compiled(fun: Callable, wrt, mode: str, wrt_fwd=None, has_aux: bool = False) -> CompiledFunction:
    """One CompiledFunction per (function, mode, wrt), so repeated calls reuse its specializations."""
    if getattr(fun, "__adjit_custom__", None) is not None:  # a custom function itself: custom.py
        from .custom import refuse

        raise refuse(fun, {"jvp": "jvp", "vjp": "vjp", "grad_jvp": "hvp / hessian"}.get(mode, mode))
    key = (mode, repr(wrt), repr(wrt_fwd), has_aux)
    try:
        per = _COMPILED.setdefault(fun, {})
    except TypeError:  # not weakly referable: no memo
        per = {}
    c = per.get(key)
    if c is None:
        c = per[key] = CompiledFunction(fun, wrt, mode, wrt_fwd=wrt_fwd, has_aux=has_aux)
    return c


def _float_positions(args: tuple) -> list[int]:
    return float_arguments(args)  # a structure counts when it holds a float (jit/arguments.py)


def _like(t, primal, what: str):
    """A tangent or cotangent as the compiled code reads it: the primal's shape and dtype exactly
    (the generated loops are specialized to the primal's shapes: a mismatch is refused here). A
    complex one for a real primal is refused too: the cast would drop its imaginary part (JAX
    raises for the dtype mismatch)."""
    if np.iscomplexobj(t) and not np.iscomplexobj(primal):
        raise ArgumentError(f"{what} is complex ({np.asarray(t).dtype}), but its primal is real "
                            f"({np.asarray(primal).dtype}): the imaginary part would be dropped",
                            hint="differentiate the real and imaginary parts as two real tangents (two calls)")
    if isinstance(primal, np.ndarray):
        t = np.asarray(t)
        if t.shape != primal.shape:
            raise ArgumentError(f"{what} has shape {t.shape}, but it must have the shape of its primal, {primal.shape}")
        return np.ascontiguousarray(t, dtype=primal.dtype)
    if np.ndim(t) != 0:
        raise ArgumentError(f"{what} has shape {np.shape(t)}, but its primal is a scalar")
    return primal.dtype.type(t) if isinstance(primal, np.generic) else float(t)


def _result(x, like):
    """A derivative in the form of its primal: arrays stay arrays, Python floats give floats."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(like, (np.generic, np.ndarray)):
        return np.asarray(like).dtype.type(x)
    return float(x)


def _snapshot(args):
    """The bound arguments with their arrays copied: a pullback keeps the point it was taken at even
    when the caller writes into an argument afterwards (a training loop updating W in place)."""
    copied = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    if isinstance(args, Flat):
        out = Flat(copied)
        out.__dict__.update(args.__dict__)
        return out
    return tuple(copied)


def _out(x, dtype: str):
    return np.float32(x) if dtype == "float32" and not isinstance(x, np.ndarray) else x


# ------------------------------------------------------------------------------------ jvp and vjp

def jvp(f: Callable, primals=None, tangents=None, has_aux: bool = False):
    """Forward mode: `jvp(f, primals, tangents) -> (f(*primals), J @ tangents)`, as jax.jvp.

    `primals` and `tangents` are tuples with one entry per argument of f; a tangent of None leaves
    that argument undifferentiated (integer arguments must have None). The output may have any
    shape, or be a tuple of them (the tangent then has its structure). `jvp(f)` is the decorator
    form: a function of (primals, tangents). has_aux=True: f returns (out, aux), and jvp returns
    (out, tangent, aux), aux not differentiated."""
    if primals is None and tangents is None:
        return _JvpOf(f, has_aux)
    if isinstance(f, (_Jacobian, _Hessian)) and not has_aux:  # a third derivative (adjit/higher.py)
        from .higher import jvp_of_derivative

        return jvp_of_derivative(f, tuple(primals), tuple(tangents))
    if getattr(f, "__adjit_custom__", None) is not None:  # its rule, as plain Python: custom.py
        from .custom import plain_jvp_call

        if has_aux:
            raise ArgumentError("jvp(..., has_aux=True) of a custom function itself is not supported: it returns "
                                "one array or number", hint="call the custom function inside a function that "
                                "returns (out, aux), and take the jvp of that one")
        return plain_jvp_call(f, primals, tangents)
    c, args, extra = _jvp_compiled(f, primals, tangents, has_aux)
    spec = c._spec_for(args)
    out = spec.entry(*args, *extra)
    tree = spec.out_tree  # a structured result: its structure, for the value and the tangent (outputs.py)
    if has_aux:  # (value, tangent, *aux parts): transforms passes the aux parts through, last
        value, tangent = (outputs.restore(_out(o, spec.result_dtype), outputs.value_tree(tree)) for o in out[:2])
        return value, tangent, outputs.aux_of(out[2:], tree)
    if c.mode == "grad_jvp":  # jvp of grad: (the gradients, their directional derivatives)
        m = n_gradients(args, c.wrt)  # structures: one per float leaf, given back in their structure
        grads = gradients(args, c.wrt, out[1:1 + m])
        dots = gradients(args, c.wrt, out[2 + m:2 + 2 * m])
        return (grads[0], dots[0]) if c.single else (grads, dots)
    return tuple(outputs.restore(_out(o, spec.result_dtype), tree) for o in out[:2])


def linearize(f: Callable, *primals, has_aux: bool = False):
    """As jax.linearize: `(f(*primals), f_jvp)` with `f_jvp(*tangents) = J @ tangents` at `primals`
    (one tangent per primal, in its structure; None for an integer one); has_aux=True: `(out,
    f_jvp, aux)`. Each f_jvp call runs the compiled jvp (no residuals kept) at copies of the primals
    taken now, so writing into them afterwards does not move the point, as in JAX."""
    primals = tuple(_copy_tree(p) for p in primals)
    zeros = tuple(_zeros_like_tree(p) if _float_leaf(p) or _tree(p) is not None else None for p in primals)
    found = jvp(f, primals, zeros, has_aux=has_aux)

    def f_jvp(*tangents):
        if len(tangents) != len(primals):
            raise ArgumentError(f"linearize: {len(primals)} primals but {len(tangents)} tangents; give one tangent "
                                "per primal (None for one not differentiated)")
        return jvp(f, primals, tangents, has_aux=has_aux)[1]
    return (found[0], f_jvp, found[2]) if has_aux else (found[0], f_jvp)


def _copy_tree(x):
    t = _tree(x)
    if t is None:
        return x.copy() if isinstance(x, np.ndarray) else x
    return unflatten(t[1], [leaf.copy() if isinstance(leaf, np.ndarray) else leaf for leaf in t[0]])


def _jvp_compiled(f, primals, tangents, has_aux: bool = False):
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ArgumentError(f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per "
                            "argument (None for one not differentiated)")
    inner = getattr(f, "__adjit_grad_of__", None)
    wrt = tuple(k for k, t in enumerate(tangents) if t is not None)
    if not wrt:
        raise ArgumentError("jvp: every tangent is None; give a tangent for at least one argument")
    rest = _rest_of(inner.fun if inner is not None else f)
    if rest is not None and len(tangents) > rest[0]:  # the extra arguments' tangents: the tuple *rest's
        k, name = rest
        wrt = tuple(w for w in wrt if w < k) + ((name,) if any(t is not None for t in tangents[k:]) else ())
        tangents = tangents[:k] + (tuple(tangents[k:]),)
    if inner is not None and (has_aux or inner.has_aux):  # grad(f, has_aux=True): its code, aux with it
        inner = None  # (frontend/nested.py), in forward mode: aux's tangent too, as jax.jvp gives it
    if inner is not None:  # jvp of grad: forward over reverse
        c = _compiled(inner.fun, inner.wrt, "grad_jvp", wrt_fwd=wrt)
    else:
        c = _compiled(f, wrt, "jvp", has_aux=has_aux)
    args = c._bind(primals, {})
    fwd = c.wrt_fwd if inner is not None else c.wrt  # positions among the bound arguments (a method's self first)
    extra = tangent_leaves(args, fwd, _bound(c, args, tangents), _like)  # a structure's tangent: one per float leaf
    return c, args, extra


def _rest_of(f):
    """(position among the caller's arguments, name) of `*rest` when f takes one: its extra
    arguments are one parameter, a tuple (frontend/parse.py), so JAX's per-argument tangents and
    cotangents past the named parameters are that tuple's items. None otherwise."""
    from .compiler.frontend.parse import parse
    from .compiler.jit.arguments import callee_of

    try:
        callee = callee_of(f)
        parsed = parse(callee.fn)
    except Exception:  # noqa: BLE001 - the transformation itself reports it, located
        return None
    if parsed.star is None or parsed.star[0] is None:
        return None
    return parsed.star[0] - len(callee.prefix), parsed.param_names[parsed.star[0]]


def _skip(c) -> int:
    """How many bound arguments come before the caller's own: functools.partial's positional
    arguments, a bound method's self (jit/arguments.Callee.prefix)."""
    return len(c.callee.prefix)


def _bound(c, args, per_argument) -> list:
    """Per-argument values given in the caller's positions (tangents, vectors), placed at the
    bound arguments' positions (None elsewhere)."""
    out = [None] * n_arguments(args)
    skip = _skip(c)
    for i, t in enumerate(per_argument):
        out[skip + i] = t
    return out


class _JvpOf:
    """`jvp(f)`: a function of (primals, tangents), with `.source(primals, tangents)`; pickled as f."""

    def __init__(self, f: Callable, has_aux: bool = False):
        self.f, self.has_aux = f, has_aux
        self.__name__ = f"jvp_{getattr(f, '__name__', 'f')}"

    def __call__(self, primals, tangents):
        return jvp(self.f, primals, tangents, has_aux=self.has_aux)

    def source(self, primals, tangents) -> str:
        from .compiler.jit.arguments import unconsumed

        primals = unconsumed(tuple(primals), {})[0]  # the caller's random generators are not drawn from
        return _jvp_compiled(self.f, primals, tangents, self.has_aux)[0].source(*primals)

    def __reduce__(self):
        return pickling.reduce(self, _JvpOf, (self.f, self.has_aux))


@drawing_once  # a random generator argument: the primal and the pullback of the same draw
def vjp(f: Callable, *primals, wrt=None, has_aux: bool = False):
    """Reverse mode: `vjp(f, *primals) -> (f(*primals), pullback)`, as jax.vjp. `pullback(ct)`
    takes a cotangent of the output's shape (any shape) and returns a tuple with one cotangent per
    argument (None for integer arguments, or for those left out of `wrt`). The pullback reruns
    the compiled forward sweep with the reverse sweep (no residuals are kept between calls).
    has_aux=True: f returns (out, aux), and vjp returns (out, pullback, aux)."""
    if isinstance(f, (_Jacobian, _Hessian)) and not has_aux and wrt is None:  # adjit/higher.py
        from .higher import vjp_of_derivative

        return vjp_of_derivative(f, primals)
    if getattr(f, "__adjit_custom__", None) is not None:  # its rule, as plain Python: custom.py
        from .custom import plain_vjp_call

        return plain_vjp_call(f, primals, wrt, has_aux)
    first = _compiled(f, 0 if wrt is None else wrt, "vjp", has_aux=has_aux)  # binds, resolves wrt
    args = first._bind(primals, {})
    skip = _skip(first)  # a method's self, partial's positional arguments: bound before the caller's own
    rest = _rest_of(f) if wrt is None else None  # *rest: the extra primals' cotangents are its tuple's
    if rest is not None and len(primals) > rest[0]:
        return _vjp_rest(f, primals, rest, has_aux)
    own = range(skip, skip + len(primals))  # not partial's keywords, nor the values computed or read before
    # the call (host.py, captures.py): one cotangent per primal given, as jax.vjp
    wrt_pos = tuple(k for k in _float_positions(args) if k in own) if wrt is None else tuple(first.wrt)
    if not wrt_pos:
        raise AdjitTypeError("vjp: no argument is a float, so nothing can be differentiated")
    names = first.parsed.param_names  # *rest's position is a name's (arguments.resolve_wrt)
    c = _compiled(f, tuple(k - skip if first.parsed.star is None else names[k] for k in wrt_pos), "vjp",
                  has_aux=has_aux)
    args = _snapshot(args)  # the pullback reruns the forward sweep: at these values, as jax.vjp linearizes
    spec = c._spec_for(args)
    out = spec.forward(*args)
    aux, tree = None, spec.out_tree  # a structured result: rebuilt in its structure (outputs.py)
    if has_aux:
        out, *aux = out
        aux, tree = outputs.aux_of(aux, tree), outputs.value_tree(tree)
    out = outputs.restore(_out(out, spec.result_dtype), tree)
    n_out = len(outputs.leaves(out))  # a structure returned (nested): one cotangent per leaf, in its structure

    def pullback(ct):
        if outputs.is_structured(out):
            cts = outputs.cotangent_leaves(ct, out, _like)
        else:
            cts = [_like(ct, out if isinstance(out, np.ndarray) else np.asarray(out).dtype.type(out), "the cotangent")]
        res = spec.entry(*args, *cts)
        n = n_gradients(args, wrt_pos)  # structures: in their structure (jit/arguments.py)
        grads = dict(zip(wrt_pos, gradients(args, wrt_pos, res[n_out:n_out + n])))
        return tuple(grads.get(k) for k in own)

    pullback.source = lambda: c.source(*args)
    return (out, pullback, aux) if has_aux else (out, pullback)


def _vjp_rest(f, primals, rest, has_aux: bool):
    """vjp of a function taking *rest, called with extra arguments: the named parameters' and the
    tuple's, one cotangent per primal as jax.vjp (the tuple's unpacked in place)."""
    k, name = rest
    named = tuple(i for i in float_arguments(primals[:k]))
    extra = [i for i, p in enumerate(primals[k:]) if float_arguments((p,))]
    got = vjp(f, *primals, wrt=named + ((name,) if extra else ()), has_aux=has_aux)
    pull = got[1]

    def pullback(ct):
        grads = pull(ct)
        tail = grads[k] if extra else ()
        tail = tuple(tail) + (None,) * (len(primals) - k - len(tail))
        return tuple(grads[:k]) + tuple(t if i in extra else None for i, t in enumerate(tail))

    pullback.source = pull.source
    return (got[0], pullback) + tuple(got[2:])


# ------------------------------------------------------------------------------------ Jacobians

def _argnums(argnums) -> int:
    if not isinstance(argnums, int) or isinstance(argnums, bool):
        raise ArgumentError(f"argnums must be one argument position here, not {argnums!r}",
                            hint="call it once per argument")
    return argnums


def positional(f: Callable, args: tuple, kwargs: dict, what: str) -> tuple:
    """`args` with `kwargs` put at their places in f's signature (defaults filled up to the last one
    given), as jax.jacobian and jax.hessian pass keyword arguments through: undifferentiated,
    argnums counting positions. A keyword-only parameter or **kwargs has no position: an error."""
    if not kwargs:
        return args
    import inspect

    target = f
    while not inspect.isroutine(target) and callable(getattr(target, "f", None)):  # jacobian(hessian(f))...
        target = target.f
    try:
        bound = inspect.signature(target).bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise ArgumentError(f"{what}(f)(...): {e}") from None
    bound.apply_defaults()
    if bound.kwargs:
        raise ArgumentError(f"{what}(f)(...) passes keyword arguments at their positions in f's signature, and "
                            f"{', '.join(sorted(bound.kwargs))} has none (keyword-only, or **kwargs)",
                            hint=f"close over it: {what}(lambda x: f(x, name=value))(x)")
    return tuple(bound.args)


def _argnums_or_tuple(argnums):
    """One argument position, or a tuple of distinct ones (JAX: a tuple of results, one per position)."""
    if isinstance(argnums, (tuple, list)):
        out = tuple(_argnums(k) for k in argnums)
        if not out or len(set(out)) != len(out):
            raise ArgumentError(f"argnums must name each argument once, not {argnums!r}")
        return out
    return _argnums(argnums)


def _basis(x):
    """Unit vectors in the shape and dtype of x, one per element."""
    a = np.asarray(x)
    for i in range(a.size):
        e = np.zeros(a.size, dtype=a.dtype if a.dtype.kind == "f" else np.float64)
        e[i] = 1
        yield e.reshape(a.shape) if isinstance(x, np.ndarray) else e[0]


def _groups(args, ks) -> list:
    """(leaves, tree or None) of each bound argument position in ks."""
    groups = []
    for k in ks:
        if isinstance(args, Flat):
            first, count = args.spans[k]
            groups.append((list(args[first:first + count]), args.trees[k]))
        else:
            groups.append(([args[k]], None))
    return groups


def _float_leaf(x) -> bool:
    return isinstance(x, float) or (isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f")


def _tree(x):
    """(leaves, tree) of a structured argument (runtime/trees.py), or None for an array or number."""
    if not is_structure(x):
        return None
    leaves, tree, _ = flatten(x)
    return leaves, tree


def _n_elements(x) -> int:
    """How many numbers a Jacobian differentiates with respect to: a structure's float leaves'."""
    t = _tree(x)
    if t is None:
        return int(np.size(x))
    return sum(int(np.size(leaf)) for leaf in t[0] if _float_leaf(leaf))


def _zeros_like_tree(x):
    t = _tree(x)
    if t is None:
        return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0
    leaves, tree = t
    return unflatten(tree, [np.zeros_like(l) if isinstance(l, np.ndarray) else 0.0 if _float_leaf(l) else None
                            for l in leaves])


# ------------------------------------------------------------------------------- second order

def _grad_jvp(f: Callable, wrt: int, wrt_fwd: int, args: tuple, v):
    """(value, gradient wrt `wrt`, its directional derivative along v on argument `wrt_fwd`); a
    structured argument's gradient and derivative come back in its structure, v in the structure
    of argument `wrt_fwd`."""
    c = _compiled(f, (wrt,), "grad_jvp", wrt_fwd=(wrt_fwd,))
    args = c._bind(args, {})
    spec = c._spec_for(args)
    tangents = [None] * n_arguments(args)
    tangents[c.wrt_fwd[0]] = v  # the bound position (after a method's self)
    out = spec.entry(*args, *tangent_leaves(args, c.wrt_fwd, tangents, _hvp_like))
    m = n_gradients(args, c.wrt)
    return out[0], gradients(args, c.wrt, out[1:1 + m])[0], gradients(args, c.wrt, out[2 + m:2 + 2 * m])[0]


def _hvp_like(t, primal, what: str):
    return _like(t, primal, what.replace("the tangent of argument", "the vector v for argument"))


def hvp(f: Callable, argnums: int = 0) -> Callable:
    """`hvp(f)(*args, v)`: the Hessian of scalar f with respect to argument `argnums`, times v,
    without forming the Hessian (forward mode over the reverse sweep: about the cost of 2-3
    gradients). For a structured argument, v and the result have its structure. argnums=(0, 1):
    v is a tuple with one vector per argument, and the result the tuple (H00 v0 + H01 v1,
    H10 v0 + H11 v1), from one call of one specialization."""
    return _Hvp(f, _argnums_or_tuple(argnums))


def _fast_key(values: tuple):
    """What the specialization of a call whose arguments are all plain arrays depends on (as
    arguments._shape_key, with the dtype itself: its byte order too), or None."""
    key = []
    for a in values:
        if type(a) is not np.ndarray:
            return None
        flags = a.flags
        key.append((a.shape, a.dtype, flags.c_contiguous, flags.f_contiguous))
    return tuple(key)


class _Hvp:
    """hvp(f): `(*args, v) -> H v`, with `.source(*args)`; pickled as f and argnums. A call whose
    arguments and v are plain arrays of a signature seen before goes straight to the specialization
    found then, while the global and closure constants it read are unchanged (`_fast`; `fast =
    False` on an instance: the full path every call)."""

    fast = True

    def __init__(self, f: Callable, k: int):
        self.f, self.k = f, k
        self.__name__ = f"hvp_{getattr(f, '__name__', 'f')}"
        self._c = None  # the compiled forward over reverse, one argument (found once: _compiled's lookup)
        self._fast: dict = {}  # _fast_key of (*args, v) -> the specialization (a plain function's arrays only)

    def __call__(self, *args_and_v):
        if self._fast:  # plain arrays (no random generator to draw once from)
            key = _fast_key(args_and_v)
            found = self._fast.get(key) if key is not None else None
            if found is not None:  # the global and closure constants it was built with unchanged, else the full
                spec, g = found  # path (it compiles again, and remembers the new one)
                if self._c._guards is g and guards_hold(g):
                    return spec.entry(*args_and_v)[3]  # H v, an array of v's shape
                self._fast.pop(key, None)
        return self._call(*args_and_v)

    @drawing_once  # a random generator argument: the gradient and its derivative of the same draw
    def _call(self, *args_and_v):
        *args, v = args_and_v
        if not isinstance(self.k, tuple):
            c = self._c
            if c is None:
                if isinstance(self.f, (_Jacobian, _Hessian)):  # its value is an array: JAX's hvp-like jvp
                    raise ArgumentError(f"hvp takes a scalar function, and {self.f!r} returns a derivative array",
                                        hint="its derivative along v: adjit.jvp(that, (x,), (v,)); all of it: "
                                             "adjit.jacfwd(that)")
                c = self._c = _compiled(self.f, (self.k,), "grad_jvp", wrt_fwd=(self.k,))
            given = tuple(args)
            args = c._bind(given, {})
            if isinstance(args, Flat):  # a structure: v and H v in its structure
                return _grad_jvp(self.f, self.k, self.k, tuple(args_and_v[:-1]), v)[2]
            x = args[c.wrt_fwd[0]]  # an array or number (the bound position, after a method's self)
            if not (type(v) is np.ndarray and type(x) is np.ndarray and v.shape == x.shape and v.dtype == x.dtype
                    and v.flags.c_contiguous):  # else as the compiled code reads it, or the error (_like)
                v = _hvp_like(v, x, f"the tangent of argument {c.wrt_fwd[0] - _skip(c)}")
            # (value, gradient, value_dot, gradient_dot): H v is the gradient's directional derivative
            spec = c._spec_for(args)
            if self.fast and args is given and v is args_and_v[-1] and c._guards is not None:  # bound as given:
                key = _fast_key(args_and_v)  # plain arrays, no partial, no host values (jit/compiled._plain_call)
                if key is not None:
                    if len(self._fast) > 64:
                        self._fast.clear()
                    self._fast[key] = (spec, c._guards)
            return as_result(spec.entry(*args, v)[3], x)
        ks = self.k  # several arguments: the gradient by all of them, along (v0, v1, ...) at once
        if not isinstance(v, (tuple, list)) or len(v) != len(ks):
            raise ArgumentError(f"hvp with argnums={ks!r}: v must be a tuple of {len(ks)} vectors, one per argument "
                                f"(each of its argument's shape), not {type(v).__name__}"
                                + (f" of {len(v)}" if isinstance(v, (tuple, list)) else ""))
        c = _compiled(self.f, ks, "grad_jvp", wrt_fwd=ks)
        args = c._bind(tuple(args), {})
        tangents = [None] * n_arguments(args)
        for k, vk in zip(c.wrt_fwd, v):  # bound positions (after a method's self)
            tangents[k] = vk
        out = c._spec_for(args).entry(*args, *tangent_leaves(args, c.wrt_fwd, tangents, _hvp_like))
        m = n_gradients(args, c.wrt)
        return tuple(gradients(args, c.wrt, out[2 + m:2 + 2 * m]))

    def source(self, *args) -> str:
        ks = self.k if isinstance(self.k, tuple) else (self.k,)
        return _compiled(self.f, ks, "grad_jvp", wrt_fwd=ks).source(*args[:-1] if len(args) > 1 else args)

    def __reduce__(self):
        return pickling.reduce(self, _Hvp, (self.f, self.k))


def grad_of_grad_forward(inner, outer_wrt: list, single: bool, with_value: bool, args: tuple):
    """grad(grad(f)) by forward over reverse, one Hessian-vector product per element of the outer
    `wrt`: what api._Transformed falls back to when the inner gradient's code pops values off a
    tape (a loop carrying a differentiated value), which reverse mode cannot differentiate again.
    The inner gradient is a scalar: one scalar argument of f."""
    c_in = inner._compiled
    wrt_in = c_in.wrt[0]
    refuse_structures(c_in.parsed, args, "grad of grad")
    value, grads = None, []
    for k in outer_wrt:
        x = args[k]
        parts = []
        for e in _basis(x):
            _, g, gdot = _grad_jvp(inner.fun, wrt_in, k, args, e)
            value = g
            parts.append(float(gdot))
        if value is None:  # x has no elements
            value = _grad_jvp(inner.fun, wrt_in, k, args, np.zeros_like(x))[1]
        d = np.asarray(parts, dtype=np.asarray(x).dtype).reshape(np.shape(x))
        grads.append(_result(d if isinstance(x, np.ndarray) else d[()], x))
    grads = grads[0] if single else tuple(grads)
    return (value, grads) if with_value else grads


# Transformations the frontend refuses to compile inside a differentiated function or to transform
# again, with a located error (frontend/parse.nested_transform_error); grad objects nest (api.py).
from .jacobian import _Jacobian, jacfwd, jacobian, jacrev  # noqa: E402 - it builds on jvp and vjp, above
from .hessians import _Hessian, hessian  # noqa: E402 - it builds on the forward over reverse, above

for _f in (jvp, vjp, jacobian, jacfwd, jacrev, hvp, hessian, _JvpOf, _Jacobian, _Hvp, _Hessian):
    _f.__adjit_transform__ = True
for _f in (_JvpOf, _Jacobian, _Hvp, _Hessian):  # <adjit.hvp of loss>, in messages
    _f.__repr__ = lambda self: f"<adjit.{self.__name__.split('_')[0]} of " \
        f"{getattr(getattr(self, 'f', None), '__qualname__', self.__name__.split('_', 1)[-1])}>"
del _f
