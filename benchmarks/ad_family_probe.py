"""adjit's AD family against JAX (x64) on code written the way JAX users write it.

    python benchmarks/ad_family_probe.py            # every case: a table, exit 1 on any mismatch
    python benchmarks/ad_family_probe.py hess       # the cases whose name contains the word

Each program below is written once with NumPy as ``np``; its JAX twin is the same code over
globals in which ``np`` is ``jax.numpy`` (``twin``), so both sides run the same function. A case
applies one transformation (or a nesting) on both sides and compares what a user sees: the
structure (tuple / list / dict keys / NamedTuple / dataclass), each leaf's shape, dtype and
numbers (rtol 1e-9 in float64, 1e-5 in float32). Cases marked ``fd`` also check adjit against
central differences in float64. Expected-error cases check that adjit raises a located
``AdjitError`` saying what is wrong. Differences adjit documents on purpose
(docs/transformations.md#where-the-results-differ-from-jaxs) are listed in ``KNOWN``.

A script, not a test: JAX is a benchmark dependency. tests/test_ad_family_parity.py pins what the
probe found, without JAX. tests/fuzz/jax_oracle.py is the older, wider sweep (208 cases).
"""
from __future__ import annotations

import dataclasses
import functools
import sys
import time
import traceback
import types
from typing import NamedTuple

import numpy as np
import scipy.special

import adjit

import jax
import jax.numpy as jnp
import jax.scipy.special

jax.config.update("jax_enable_x64", True)


# --- the programs (NumPy as np) -----------------------------------------------------------------

class Params(NamedTuple):
    W: object
    b: object


@dataclasses.dataclass
class Layer:
    W: object
    b: object


jax.tree_util.register_dataclass(Layer, data_fields=["W", "b"], meta_fields=[])


def mlp_loss(params, x, y):
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out - y) ** 2)


def loss_with_metrics(params, x, y):
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    err = out - y
    loss = (err ** 2).mean()
    return loss, {"mae": np.abs(err).mean(), "pred": out}


def nested_loss(p, x):
    enc = np.tanh(x @ p["enc"]["W"] + p["enc"]["b"])
    dec = enc @ p["dec"]["W"].T
    return np.sum(dec ** 2) + 0.1 * sum(np.sum(w ** 2) for w in p["reg"])


def nt_loss(p, x):
    return np.sum(np.sin(p.W @ x + p.b) ** 2)


def dc_loss(layer, x):
    return np.sum(np.logaddexp(0.0, layer.W @ x + layer.b))


def list_loss(ws, x):
    h = x
    for w in ws:
        h = np.tanh(w @ h)
    return h.sum()


def tuple_loss(wb, x):
    W, b = wb
    return np.dot(W @ x + b, W @ x + b)


def two_args(x, y):
    return np.sum(np.sin(x) * np.cos(y)) + np.dot(x, y) ** 2


def mat_in_mat_out(W):
    return np.tanh(W @ W.T) * W[:, :1]


def mat_two(A, B):
    return (A @ B).T ** 2 * np.exp(A[0, :2])[:, None]


def mat_scalar(W):
    return np.sum(np.log1p(W ** 2)) + np.trace(W @ W.T) * W[0, 1]


def mat_scalar2(W, V):
    return np.sum((W @ V) ** 3) + np.sum(np.cos(W)) * np.sum(V)


def tuple_out(x, y):
    return np.sin(x) * y[0], np.sum(x ** 2) * y, x[:2] @ y[:2]


def dict_out(x):
    return {"lin": 2.0 * x, "sq": np.sum(x * x), "pair": (np.cos(x), x[1:] - x[:-1])}


def vec_fn(x):
    return np.cumsum(np.sin(x)) * x[::-1]


def scalar_fn(x):
    return np.sum(np.exp(-x ** 2) * np.sqrt(1.0 + x ** 2))


def float_fn(a):
    return a ** 3 * np.sin(a) + np.log(a)


def two_floats(a, b):
    return a * np.exp(b) + b ** 2 * a ** 3


def kw_fn(x, y, scale=2.0, shift=0.0):
    return scale * np.sum((x - shift) ** 2 * y)


def int_idx_fn(x, idx):
    return np.sum(x[idx] ** 2) + np.sum(x * idx.shape[0])


def gather_dup(x, idx):
    return np.sum(np.sin(x[idx]) * np.arange(idx.shape[0]))


def reductions(X):
    m = X.mean(axis=0, keepdims=True)
    v = X.var(axis=0)
    return np.sum((X - m) ** 2 / (v + 1.0)) + np.max(X, axis=1).sum() + np.linalg.norm(X)


def broadcasting(X, b, c):
    return np.sum(np.tanh(X + b[:, None]) * c) + np.sum(X * c)


def linalg_fn(A, x):
    S = A @ A.T + 3.0 * np.eye(A.shape[0])
    sol = np.linalg.solve(S, x)
    sign, logdet = np.linalg.slogdet(S)
    return np.dot(sol, x) + logdet + np.sum(np.linalg.inv(S)[0])


def einsum_fn(A, B):
    return np.einsum("ij,jk->ik", A, B).sum() + np.einsum("ij,ij->", A, A) * np.tensordot(A, A, axes=2)


def shape_ops(x):
    M = x.reshape(2, 3)
    T = np.concatenate([M, M[:, ::-1] ** 2], axis=1)
    S = np.stack([T, np.sin(T)], axis=1)
    return np.transpose(S, (2, 0, 1)).reshape(-1)[::2] * np.where(x[0] > 0, 1.5, -0.5)


def where_fn(x):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x) + 1.0), x ** 3))


def method_style(x, W):
    return (W.dot(x) ** 2).sum() + x.T.dot(x) * x.max() + W.T.sum(axis=0).prod()


def h_energy(x):
    return np.sum(x ** 3) + np.prod(np.cos(x))


dh_energy = adjit.grad(h_energy)


def uses_grad_helper(x):
    return np.sum(dh_energy(x) ** 2) + h_energy(x)


def uses_inline_grad(x):
    return np.sum(adjit.grad(h_energy)(x) * x)


def uses_vag_helper(x):
    v, g = adjit.value_and_grad(h_energy)(x)
    return v * np.sum(g)


@adjit.custom_vjp
def clip_grad(x, lo):
    return x * lo


def clip_grad_fwd(x, lo):
    return x * lo, (lo, x)


def clip_grad_bwd(res, g):
    lo, x = res
    return (np.clip(g * lo, -1.0, 1.0), np.sum(g * x))


clip_grad.defvjp(clip_grad_fwd, clip_grad_bwd)


def uses_clip_grad(x, lo):
    return np.sum(clip_grad(x, lo) ** 2)


@adjit.custom_jvp
def safe_log1pexp(x):
    return np.log1p(np.exp(x))


@safe_log1pexp.defjvp
def safe_log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return safe_log1pexp(x), t / (1.0 + np.exp(-x))


def uses_safe(x):
    return np.sum(safe_log1pexp(2.0 * x) * x)


@adjit.custom_jvp
def bessel_i0(x):
    return scipy.special.i0(x)


@bessel_i0.defjvp
def bessel_i0_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return scipy.special.i0(x), scipy.special.i1(x) * t


@adjit.custom_vjp
def erf_scaled(x):
    return scipy.special.erf(x) * 3.0


def erf_scaled_fwd(x):
    return scipy.special.erf(x) * 3.0, x


def erf_scaled_bwd(x, g):
    return (g * 3.0 * 2.0 / np.sqrt(np.pi) * np.exp(-x ** 2),)


erf_scaled.defvjp(erf_scaled_fwd, erf_scaled_bwd)


@functools.partial(adjit.custom_vjp, nondiff_argnums=(0,))
def apply_scaled(f, x):
    return f(x) * 2.0


def apply_scaled_fwd(f, x):
    return f(x) * 2.0, x


def apply_scaled_bwd(f, x, g):
    return (g * 2.0 * np.cos(x),)


apply_scaled.defvjp(apply_scaled_fwd, apply_scaled_bwd)


def uses_apply_scaled(x):
    return np.sum(apply_scaled(np.sin, x) ** 2)


class Model:
    scale = 1.0

    def __init__(self, W, b):
        self.W, self.b = W, b

    def loss(self, x):
        return np.sum(np.tanh(self.W @ x + self.b) ** 2) * self.scale

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)


def zero_d_fn(x):
    return np.sin(x) * x ** 2


def keepdims_out(x):
    return (x ** 2).sum(keepdims=True)


def f32_fn(x):
    return np.sum(np.tanh(x) * 2.0) + np.float32(0.5) * np.sum(x * x)


def f32_vec(x, W):
    return np.tanh(W @ x)


def int_scaled(x, n):
    return np.sum(x ** n)


def star_args(*xs):
    return sum(np.sum(np.sin(x) * (i + 1.0)) for i, x in enumerate(xs))


def star_kwargs(x, **kw):
    return np.sum(x ** 2 * kw["w"]) + kw["c"]


def make_loss(X):
    def loss(w):
        return np.sum(np.tanh(X @ w) ** 2)
    return loss


SCALE = 2.0


def h_global(x):
    return np.sum(np.sin(x) * SCALE)


dh_global = adjit.grad(h_global)


def uses_h_global(x):
    return np.sum(dh_global(x) * x)


@adjit.grad
def decorated_grad(x):
    return np.sum(x ** 3)


def int_leaf_loss(p, x):
    return np.sum(p["W"] @ x) * p["n"]


def list_floats(v):
    return v[0] * v[1] ** 2 + np.sin(v[2])


def dc_out(x):
    return Layer(np.outer(x, x), np.sum(np.sin(x)))


def nt_out(x, y):
    return Params(x * y, np.sum(x) * y)


def tuple_out_scalar_loss(p):
    return np.sum(p[0] ** 2) * p[1], p[0] * 3.0


def matmul_scalar(x):
    return x @ x + np.sin(x) @ np.cos(x)


def f64_to_f32(x):
    return np.float32(np.sum(x ** 2))


def list_in_mat_out(ws):
    return ws[0] @ ws[1].T


@adjit.custom_jvp
def sin_times(x, y):
    return np.sin(x) * y


try:
    sin_times.defjvps(lambda t, ans, x, y: np.cos(x) * y * t, lambda t, ans, x, y: np.sin(x) * t)
except AttributeError:  # adjit before de9602b had no defjvps: its cases then fail (the probe's "before" run)
    pass


def uses_sin_times(x, y):
    return np.sum(sin_times(x, y) ** 2)


def f32_promote(x):
    return np.sum(x * np.float64(1.5)) + np.sum(x.astype(np.float64) ** 2)


def f32_weak(x):
    return np.sum(x * 1.5 + 2) / x.shape[0]


def clip_grad_scalar(a):
    return clip_grad(a, 1.3) ** 2 * a


@adjit.custom_jvp
def surrogate(x):
    return np.sin(x)


@surrogate.defjvp
def surrogate_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return surrogate(x), 2.0 * np.cos(x) * t   # not sin's derivative: a surrogate gradient


def uses_surrogate(x):
    return np.sum(surrogate(x) * x)


def surrogate_scalar(a):
    return surrogate(a) * a


def uses_grad_of_clip(x):
    return np.sum(adjit.grad(uses_clip_grad)(x, 1.7) * x)


def uses_grad_in_loop(x):
    s = 0.0
    for k in range(3):
        s = s + np.sum(clip_grad(x * (k + 1.0), 0.9) ** 2)
    return s


# op sweep: each run through grad, hessian, jacfwd and jacrev of its gradient
def op_prod_zero(x):
    return np.prod(x) + np.sum(np.cumprod(x))


def op_where_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x)), x * 0.5))


def op_softmax(x):
    e = np.exp(x - np.max(x))
    p = e / e.sum()
    return np.sum(p * np.log(p)) + np.logaddexp(x[0], x[1])


def op_norms(X):
    return np.sum(np.linalg.norm(X, axis=0)) + np.std(X) + np.var(X, axis=1, ddof=1).sum()


def op_linalg(A):
    S = A.T @ A + np.eye(A.shape[1])
    return np.linalg.det(S) + np.trace(np.linalg.inv(S)) + np.sum(np.linalg.eigvalsh(S) ** 2)


def op_einsum_diag(A):
    return np.sum(np.einsum("ii->i", A) ** 2) + np.einsum("ij,jk,ki->", A, A, A)


def op_trig(x):
    return np.sum(np.arctan2(x, 1.0 + x ** 2) + np.hypot(x, 2.0) + np.expm1(x) * np.log1p(x ** 2))


def op_sort(x):
    s = np.sort(x)
    return np.sum(s * np.arange(1.0, x.shape[0] + 1)) + np.max(x) * np.min(x)


def op_power(x, y):
    return np.sum(np.abs(x) ** y + x ** 2 / (1.0 + y ** 2))


def op_index(X):
    return np.sum(X[1:, ::2] ** 2) + np.sum(X[[0, 2, 0], 1]) * X[-1, -1] + np.sum(np.triu(X) * np.tril(X.T))


def op_concat(x):
    y = np.concatenate([x, x[:2] * 3.0, np.sin(x)])
    z = np.stack([y, y ** 2])
    return np.sum(np.roll(z, 1, axis=1) * z) + np.sum(np.flip(y) * y) + np.sum(np.diff(y) ** 2)


def op_loop(x, W):
    h = x
    for _ in range(3):
        h = np.tanh(W @ h) + 0.5 * h
    return np.sum(h ** 2)


def op_branch(x):
    s = np.sum(x)
    if s > 0:
        return np.sum(x ** 3) * s
    return np.sum(np.exp(x))


def op_clip_minmax(x):
    return np.sum(np.clip(x, -0.5, 0.7) ** 2 + np.maximum(x, 0.1) * np.minimum(x, 0.3))


def op_mean_keepdims(X):
    m = X.mean(axis=1, keepdims=True)
    return np.sum((X - m) ** 2 / X.shape[1]) + np.sum(np.mean(X ** 3, axis=(0, 1)))


def op_outer_kron(x):
    return np.sum(np.outer(x, x[::-1]) ** 2) + np.sum(np.kron(x[:2], x[2:4]) * x[:4])


def op_cumsum2d(X):
    return np.sum(np.cumsum(X, axis=1) * np.cumsum(X[::-1], axis=0))


d_op_loop = adjit.grad(op_loop)


def loop_penalty(x, W):
    return op_loop(x, W) + np.sum(d_op_loop(x, W) ** 2)


# --- the JAX twins --------------------------------------------------------------------------------

_JG = None


def _jax_globals():
    g = dict(globals())
    g["np"] = jnp
    me = sys.modules[__name__]
    for name, val in list(globals().items()):
        if isinstance(val, types.FunctionType) and val.__module__ == me.__name__ and not name.startswith("_"):
            g[name] = types.FunctionType(val.__code__, g, name, val.__defaults__, val.__closure__)
    g["adjit"] = jax
    g["dh_energy"] = jax.grad(g["h_energy"])
    g["dh_global"] = jax.grad(g["h_global"])
    g["d_op_loop"] = jax.grad(g["op_loop"])

    cg = jax.custom_vjp(lambda x, lo: x * lo)
    cg.defvjp(lambda x, lo: (x * lo, (lo, x)),
              lambda res, gg: (jnp.clip(gg * res[0], -1.0, 1.0), jnp.sum(gg * res[1])))
    g["clip_grad"] = cg

    sl = jax.custom_jvp(lambda x: jnp.log1p(jnp.exp(x)))

    @sl.defjvp
    def _sl(primals, tangents):
        (x,), (t,) = primals, tangents
        return sl(x), t / (1.0 + jnp.exp(-x))
    g["safe_log1pexp"] = sl

    bi = jax.custom_jvp(lambda x: jax.scipy.special.i0(x))

    @bi.defjvp
    def _bi(primals, tangents):
        (x,), (t,) = primals, tangents
        return jax.scipy.special.i0(x), jax.scipy.special.i1(x) * t
    g["bessel_i0"] = bi

    es = jax.custom_vjp(lambda x: jax.scipy.special.erf(x) * 3.0)
    es.defvjp(lambda x: (jax.scipy.special.erf(x) * 3.0, x),
              lambda x, gg: (gg * 3.0 * 2.0 / jnp.sqrt(jnp.pi) * jnp.exp(-x ** 2),))
    g["erf_scaled"] = es

    aps = jax.custom_vjp(lambda f, x: f(x) * 2.0, nondiff_argnums=(0,))
    aps.defvjp(lambda f, x: (f(x) * 2.0, x), lambda f, x, gg: (gg * 2.0 * jnp.cos(x),))
    g["apply_scaled"] = aps

    sg = jax.custom_jvp(lambda x: jnp.sin(x))

    @sg.defjvp
    def _sg(primals, tangents):
        (x,), (t,) = primals, tangents
        return sg(x), 2.0 * jnp.cos(x) * t
    g["surrogate"] = sg

    st = jax.custom_jvp(lambda x, y: jnp.sin(x) * y)
    st.defjvps(lambda t, ans, x, y: jnp.cos(x) * y * t, lambda t, ans, x, y: jnp.sin(x) * t)
    g["sin_times"] = st
    return g


def twin(f):
    """The JAX twin of a program (or of a lambda / partial written over the programs)."""
    global _JG
    if _JG is None:
        _JG = _jax_globals()
    if isinstance(f, functools.partial):
        return functools.partial(twin(f.func), *f.args, **f.keywords)
    if isinstance(f, (adjit.custom_vjp, adjit.custom_jvp)) or type(f).__module__.startswith("adjit"):
        return _JG[f.__name__]
    return types.FunctionType(f.__code__, _JG, f.__name__, f.__defaults__, f.__closure__)


# --- comparison ----------------------------------------------------------------------------------

def compare(a, j, path="out"):
    if isinstance(j, tuple) and hasattr(j, "_fields"):
        if type(a).__name__ != type(j).__name__:
            return [f"{path}: {type(a).__name__} vs JAX {type(j).__name__}"]
        return [p for k in j._fields for p in compare(getattr(a, k), getattr(j, k), f"{path}.{k}")]
    if dataclasses.is_dataclass(j):
        if type(a) is not type(j):
            return [f"{path}: {type(a).__name__} vs JAX {type(j).__name__}"]
        return [p for fl in dataclasses.fields(j)
                for p in compare(getattr(a, fl.name), getattr(j, fl.name), f"{path}.{fl.name}")]
    if isinstance(j, (tuple, list)):
        if type(a) is not type(j):
            return [f"{path}: {type(a).__name__} vs JAX {type(j).__name__} (len {len(j)})"]
        if len(a) != len(j):
            return [f"{path}: len {len(a)} vs JAX {len(j)}"]
        return [p for i, (u, v) in enumerate(zip(a, j)) for p in compare(u, v, f"{path}[{i}]")]
    if isinstance(j, dict):
        if not isinstance(a, dict) or set(a) != set(j):
            return [f"{path}: {type(a).__name__} {sorted(a) if isinstance(a, dict) else ''} vs JAX dict {sorted(j)}"]
        return [p for k in j for p in compare(a[k], j[k], f"{path}[{k!r}]")]
    if j is None:
        return [] if a is None else [f"{path}: {type(a).__name__} vs JAX None"]
    if a is None or isinstance(a, (tuple, list, dict)):
        return [f"{path}: {type(a).__name__} vs JAX array {np.shape(j)}"]
    ja, aa = np.asarray(j), np.asarray(a)
    if aa.shape != ja.shape:
        return [f"{path}: shape {aa.shape} vs JAX {ja.shape}"]
    probs = []
    if ja.dtype == jax.dtypes.float0:
        return probs
    if aa.dtype != ja.dtype:
        probs.append(f"{path}: dtype {aa.dtype} vs JAX {ja.dtype}")
    tol = 1e-5 if ja.dtype == np.float32 else 1e-9
    if not np.allclose(aa.astype(np.float64), ja.astype(np.float64), rtol=tol, atol=tol):
        err = np.max(np.abs(aa.astype(np.float64) - ja.astype(np.float64)))
        probs.append(f"{path}: VALUES differ (max abs {err:.3g})")
    return probs


def fd_grad(f, args, argnum=0, h=1e-6):
    """Central differences of scalar f by args[argnum] (a float64 array or float)."""
    args = list(args)
    x = np.array(args[argnum], dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        args[argnum] = xp if x.ndim else float(xp)
        fp = f(*args)
        args[argnum] = xm if x.ndim else float(xm)
        fm = f(*args)
        g[i] = (fp - fm) / (2 * h)
    return g


def fd_jac(f, args, argnum=0, h=1e-6):
    """Central differences of array-valued f: out.shape + x.shape."""
    args = list(args)
    x = np.array(args[argnum], dtype=np.float64)
    cols = []
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        args[argnum] = xp
        fp = np.asarray(f(*args))
        args[argnum] = xm
        cols.append((fp - np.asarray(f(*args))) / (2 * h))
    J = np.stack(cols, axis=-1)
    return J.reshape(J.shape[:-1] + x.shape)


# --- cases -----------------------------------------------------------------------------------------

CASES = []   # (name, adjit thunk, jax thunk, fd thunk or None, expect: None or "error:<words>")


def case(name, adj, jx, fd=None, expect=None):
    CASES.append((name, adj, jx, fd, expect))


def both(name, mk, fd=None):
    """mk(T, F): T is adjit or jax, F maps a program to its twin."""
    case(name, lambda: mk(adjit, lambda f: f), lambda: mk(jax, twin), fd)


def build_cases():
    rng = np.random.default_rng(42)
    r = rng.standard_normal
    x3, x4, y4, x6, C35 = r(3), r(4), r(4), r(6), r((3, 5))
    W34, V42, W33 = r((3, 4)), r((4, 2)), r((3, 3))
    Xb, Yb = r((5, 3)), r((5, 2))
    params = {"W1": r((3, 4)), "b1": r(4), "W2": r((4, 2)), "b2": r(2)}
    nested = {"enc": {"W": r((3, 4)), "b": r(4)}, "dec": {"W": r((2, 4))}, "reg": [r(3), r(2)]}
    nt = Params(r((3, 4)), r(3))
    layer = Layer(r((3, 4)), r(3))
    ws = [r((3, 3)) * 0.5, r((3, 3)) * 0.5]
    x32, W32 = x4.astype(np.float32), W34.astype(np.float32)
    idx = np.array([0, 2, 2, 3, 0])
    model = Model(W34, r(3))

    # grad, argnums, wrt, value_and_grad
    both("grad_default", lambda T, F: T.grad(F(scalar_fn))(x4), fd=lambda: fd_grad(scalar_fn, (x4,)))
    both("grad_argnums1", lambda T, F: T.grad(F(two_args), argnums=1)(x4, y4), fd=lambda: fd_grad(two_args, (x4, y4), 1))
    both("grad_argnums_tuple", lambda T, F: T.grad(F(two_args), argnums=(0, 1))(x4, y4))
    both("grad_argnums_tuple1", lambda T, F: T.grad(F(two_args), argnums=(1,))(x4, y4))
    case("grad_wrt_name", lambda: adjit.grad(two_args, wrt="y")(x4, y4), lambda: jax.grad(twin(two_args), argnums=1)(x4, y4))
    case("grad_wrt_names", lambda: adjit.grad(two_args, wrt=("y", "x"))(x4, y4),
         lambda: jax.grad(twin(two_args), argnums=(1, 0))(x4, y4))
    both("vag_params", lambda T, F: T.value_and_grad(F(mlp_loss))(params, Xb, Yb),
         fd=None)
    both("vag_has_aux_train", lambda T, F: T.value_and_grad(F(loss_with_metrics), has_aux=True)(params, Xb, Yb))
    both("grad_has_aux", lambda T, F: T.grad(F(loss_with_metrics), has_aux=True)(params, Xb, Yb))
    both("grad_kwargs", lambda T, F: T.grad(F(kw_fn))(x4, y4, scale=3.0, shift=0.5),
         fd=lambda: fd_grad(lambda a: kw_fn(a, y4, scale=3.0, shift=0.5), (x4,)))
    both("vag_argnums_tuple_kw", lambda T, F: T.value_and_grad(F(kw_fn), argnums=(0, 1))(x4, y4, shift=0.25))

    # pytrees
    both("grad_nested_dict", lambda T, F: T.grad(F(nested_loss))(nested, Xb))
    both("grad_namedtuple", lambda T, F: T.grad(F(nt_loss))(nt, x4))
    both("grad_dataclass", lambda T, F: T.grad(F(dc_loss))(layer, x4))
    both("grad_list", lambda T, F: T.grad(F(list_loss))(ws, x3))
    both("grad_tuple", lambda T, F: T.grad(F(tuple_loss))((W34, x3), x4))
    both("jvp_nested_dict", lambda T, F: T.jvp(F(nested_loss), (nested, Xb),
                                                (jax.tree_util.tree_map(lambda a: 0.5 * a, nested), np.ones_like(Xb))))
    both("vjp_namedtuple", lambda T, F: T.vjp(F(nt_loss), nt, x4)[1](1.0))
    both("jacobian_dataclass", lambda T, F: T.jacobian(F(dc_loss))(layer, x4))
    both("hessian_namedtuple", lambda T, F: T.hessian(F(nt_loss))(nt, x4))

    # jvp
    both("jvp_scalar_out", lambda T, F: T.jvp(F(scalar_fn), (x4,), (y4,)))
    both("jvp_array_out", lambda T, F: T.jvp(F(vec_fn), (x4,), (y4,)))
    both("jvp_two_primals", lambda T, F: T.jvp(F(two_args), (x4, y4), (y4, x4)))
    both("jvp_tuple_out", lambda T, F: T.jvp(F(tuple_out), (x4, y4), (y4, x4)))
    both("jvp_dict_out", lambda T, F: T.jvp(F(dict_out), (x4,), (y4,)))
    both("jvp_has_aux", lambda T, F: T.jvp(F(loss_with_metrics), (params, Xb, Yb),
                                           (params, np.zeros_like(Xb), np.zeros_like(Yb)), has_aux=True))
    both("jvp_pyfloat", lambda T, F: T.jvp(F(float_fn), (1.3,), (1.0,)))
    both("jvp_matrix", lambda T, F: T.jvp(F(mat_in_mat_out), (W34,), (W34 * 0.3,)))

    # vjp
    both("vjp_array_out", lambda T, F: T.vjp(F(vec_fn), x4)[1](y4))
    both("vjp_matrix_out", lambda T, F: T.vjp(F(mat_two), W34, V42)[1](np.ones((2, 3))))
    both("vjp_tuple_out", lambda T, F: T.vjp(F(tuple_out), x4, y4)[1]((x4, y4, 2.0)))
    both("vjp_dict_out", lambda T, F: T.vjp(F(dict_out), x4)[1]({"lin": y4, "sq": 0.5, "pair": (x4, y4[:3])}))
    both("vjp_out_value", lambda T, F: T.vjp(F(tuple_out), x4, y4)[0])
    both("vjp_has_aux", lambda T, F: (lambda o, p, a: (o, p(1.0), a))(*T.vjp(F(loss_with_metrics), params, Xb, Yb, has_aux=True)))

    # Jacobians: out.shape + in.shape
    for jn in ("jacfwd", "jacrev", "jacobian"):
        both(f"{jn}_mat_mat", lambda T, F, jn=jn: getattr(T, jn)(F(mat_in_mat_out))(W34),
             fd=lambda: fd_jac(mat_in_mat_out, (W34,)))
        both(f"{jn}_argnums_tuple", lambda T, F, jn=jn: getattr(T, jn)(F(mat_two), argnums=(0, 1))(W34, V42))
        both(f"{jn}_tuple_out", lambda T, F, jn=jn: getattr(T, jn)(F(tuple_out))(x4, y4))
        both(f"{jn}_shape_ops", lambda T, F, jn=jn: getattr(T, jn)(F(shape_ops))(x6),
             fd=lambda: fd_jac(shape_ops, (x6,)))
    both("jacfwd_dict_out", lambda T, F: T.jacfwd(F(dict_out))(x4))
    both("jacrev_callable_obj", lambda T, F: T.jacrev(model if T is adjit else twin_model(model))(x4))

    # Hessians, hvp, nestings
    both("hessian_matrix", lambda T, F: T.hessian(F(mat_scalar))(W34))
    both("hessian_matrix_argnums", lambda T, F: T.hessian(F(mat_scalar2), argnums=(0, 1))(W34, V42))
    both("hessian_params", lambda T, F: T.hessian(F(mlp_loss))(params, Xb, Yb))
    both("hessian_reductions", lambda T, F: T.hessian(F(reductions))(Xb))
    both("hessian_broadcasting", lambda T, F: T.hessian(F(broadcasting), argnums=(0, 1))(Xb.T, x3, C35))
    both("hessian_linalg", lambda T, F: T.hessian(F(linalg_fn))(W33, x3))
    both("hessian_einsum", lambda T, F: T.hessian(F(einsum_fn), argnums=(0, 1))(W34, V42))
    both("hessian_where", lambda T, F: T.hessian(F(where_fn))(x4))
    both("hessian_method_style", lambda T, F: T.hessian(F(method_style), argnums=(0, 1))(x4, W34))
    case("hvp", lambda: adjit.hvp(mat_scalar)(W34, W34 * 0.1),
         lambda: jax.jvp(jax.grad(twin(mat_scalar)), (W34,), (W34 * 0.1,))[1])
    case("hvp_dict", lambda: adjit.hvp(mlp_loss)(params, Xb, Yb, params),
         lambda: jax.jvp(lambda p: jax.grad(twin(mlp_loss))(p, Xb, Yb), (params,), (params,))[1])
    both("grad_grad", lambda T, F: T.grad(T.grad(F(float_fn)))(1.3))
    both("grad_grad_mixed", lambda T, F: T.grad(T.grad(F(two_floats), argnums=0), argnums=1)(0.4, 0.9))
    both("jvp_grad", lambda T, F: T.jvp(T.grad(F(mat_scalar)), (W34,), (W34,)))
    both("jvp_grad_dict", lambda T, F: T.jvp(T.grad(F(mlp_loss)), (params, Xb, Yb),
                                             (params, np.zeros_like(Xb), np.zeros_like(Yb))))
    both("jacfwd_jacrev", lambda T, F: T.jacfwd(T.jacrev(F(vec_fn)))(x4))
    both("jacrev_jacfwd_mat", lambda T, F: T.jacrev(T.jacfwd(F(mat_scalar)))(W34))
    both("grad_calls_grad_helper", lambda T, F: T.grad(F(uses_grad_helper))(x4),
         fd=lambda: fd_grad(uses_grad_helper, (x4,)))
    both("grad_calls_inline_grad", lambda T, F: T.grad(F(uses_inline_grad))(x4),
         fd=lambda: fd_grad(uses_inline_grad, (x4,)))
    both("grad_calls_vag_helper", lambda T, F: T.grad(F(uses_vag_helper))(x4))
    both("hessian_calls_grad_helper", lambda T, F: T.hessian(F(uses_grad_helper))(x3))

    # custom rules
    both("grad_custom_vjp", lambda T, F: T.grad(F(uses_clip_grad), argnums=(0, 1))(x4 * 3, 1.7))
    both("grad_custom_jvp", lambda T, F: T.grad(F(uses_safe))(x4))
    both("jvp_custom_jvp", lambda T, F: T.jvp(F(uses_safe), (x4,), (y4,)))
    both("hessian_custom_jvp", lambda T, F: T.hessian(F(uses_safe))(x4))
    both("grad_custom_vjp_nondiff", lambda T, F: T.grad(F(uses_apply_scaled))(x4))
    both("vjp_custom_vjp_scipy", lambda T, F: T.vjp(F(erf_scaled), x4)[1](y4))
    both("grad_custom_vjp_scipy_sum", lambda T, F: T.grad(lambda x: F(erf_scaled)(x).sum())(x4) if T is jax
         else T.grad(erf_sum)(x4))
    both("jvp_custom_jvp_scipy", lambda T, F: T.jvp(F(bessel_i0), (x4,), (y4,)))
    both("jacfwd_custom_jvp_scipy", lambda T, F: T.jacfwd(F(bessel_i0))(x4))
    both("jacrev_custom_vjp_scipy", lambda T, F: T.jacrev(F(erf_scaled))(x4))

    # partial, methods, lambdas
    both("grad_partial_pos", lambda T, F: T.grad(functools.partial(F(two_args), x4))(y4))
    both("grad_partial_kw", lambda T, F: T.grad(functools.partial(F(kw_fn), scale=0.5, shift=1.0))(x4, y4))
    both("jacobian_partial", lambda T, F: T.jacobian(functools.partial(F(mat_two), W34))(V42))
    both("grad_bound_method", lambda T, F: T.grad(model.loss if T is adjit else twin_model(model).loss)(x4))
    both("hessian_bound_method", lambda T, F: T.hessian(model.loss if T is adjit else twin_model(model).loss)(x4))
    case("grad_lambda", lambda: adjit.grad(lambda x: np.sum(np.sin(x) ** 2))(x4),
         lambda: jax.grad(lambda x: jnp.sum(jnp.sin(x) ** 2))(x4))
    A = W33

    case("grad_lambda_closure", lambda: adjit.grad(lambda v: np.sum((A @ v) ** 2))(x3),
         lambda: jax.grad(lambda v: jnp.sum((A @ v) ** 2))(x3))
    case("jvp_lambda_two_args", lambda: adjit.jvp(lambda a, b: a * np.exp(b), (x4, y4), (y4, x4)),
         lambda: jax.jvp(lambda a, b: a * jnp.exp(b), (x4, y4), (y4, x4)))

    # dtypes, Python floats, 0-d arrays
    both("grad_f32", lambda T, F: T.grad(F(f32_fn))(x32))
    both("vag_f32", lambda T, F: T.value_and_grad(F(f32_fn))(x32))
    both("jacfwd_f32", lambda T, F: T.jacfwd(F(f32_vec))(x32, W32))
    both("jacrev_f32_W", lambda T, F: T.jacrev(F(f32_vec), argnums=1)(x32, W32))
    both("hessian_f32", lambda T, F: T.hessian(F(f32_fn))(x32))
    both("vjp_f32", lambda T, F: T.vjp(F(f32_vec), x32, W32)[1](np.ones(3, np.float32)))
    both("jvp_f32", lambda T, F: T.jvp(F(f32_vec), (x32, W32), (x32, W32)))
    both("grad_pyfloat", lambda T, F: T.grad(F(float_fn))(1.3))
    both("vag_pyfloat", lambda T, F: T.value_and_grad(F(two_floats), argnums=(0, 1))(0.4, 0.9))
    both("grad_0d", lambda T, F: T.grad(F(zero_d_fn))(np.array(0.8)))
    both("grad_f32_scalar", lambda T, F: T.grad(F(zero_d_fn))(np.float32(0.8)))
    both("jacfwd_0d", lambda T, F: T.jacfwd(F(vec_fn))(np.array([0.8])))
    both("hessian_pyfloat", lambda T, F: T.hessian(F(two_floats), argnums=(0, 1))(0.4, 0.9))
    both("grad_keepdims_out", lambda T, F: T.grad(F(keepdims_out))(x4))   # JAX: not a scalar

    # integer inputs
    both("grad_int_array", lambda T, F: T.grad(F(scalar_fn))(np.arange(4)))
    both("grad_int_scalar", lambda T, F: T.grad(F(float_fn))(2))
    both("vag_int", lambda T, F: T.value_and_grad(F(scalar_fn))(np.arange(3)))
    both("jacfwd_int", lambda T, F: T.jacfwd(F(vec_fn))(np.arange(3)))
    both("jacrev_int", lambda T, F: T.jacrev(F(vec_fn))(np.arange(3)))
    both("hessian_int", lambda T, F: T.hessian(F(scalar_fn))(np.arange(3)))
    both("grad_int_other_arg", lambda T, F: T.grad(F(int_idx_fn))(x4, idx), fd=lambda: fd_grad(int_idx_fn, (x4, idx)))
    both("grad_gather_dup", lambda T, F: T.grad(F(gather_dup))(x4, idx), fd=lambda: fd_grad(gather_dup, (x4, idx)))
    both("hessian_gather_dup", lambda T, F: T.hessian(F(gather_dup))(x4, idx))
    both("grad_int_exponent", lambda T, F: T.grad(F(int_scaled))(x4, 3))
    case("hvp_int", lambda: adjit.hvp(scalar_fn)(np.arange(3), np.ones(3)),
         lambda: jax.jvp(jax.grad(twin(scalar_fn)), (np.arange(3),), (np.ones(3),))[1])

    # more conventions
    both("grad_star_args", lambda T, F: T.grad(F(star_args))(x4, y4))
    both("grad_star_args_tuple", lambda T, F: T.grad(F(star_args), argnums=(0, 1))(x4, y4))
    both("grad_star_kwargs", lambda T, F: T.grad(F(star_kwargs))(x4, w=y4, c=1.0))
    case("grad_closure_factory", lambda: adjit.grad(make_loss(Xb))(x3),
         lambda: jax.grad(twin(make_loss)(Xb))(x3))
    g_global = adjit.grad(uses_h_global)  # one object called before and after (a new one compiles anew)
    case("grad_helper_global_changed", lambda: _changed(lambda: g_global(x4)),
         lambda: _changed(lambda: jax.grad(twin(uses_h_global))(x4)))
    case("grad_method_class_attr_changed", lambda: _changed_class(lambda mm: adjit.grad(mm.loss)(x4)),
         lambda: _changed_class(lambda mm: jax.grad(twin_model(mm).loss)(x4)))
    case("grad_method_class_attr_changed_same_object", lambda: _changed_class(lambda mm: _same_object_grad(mm, x4)),
         lambda: _changed_class(lambda mm: jax.grad(twin_model(mm).loss)(x4)))
    case("decorated_grad", lambda: decorated_grad(x4), lambda: jax.grad(lambda x: jnp.sum(x ** 3))(x4))
    both("grad_int_leaf_dict", lambda T, F: T.grad(F(int_leaf_loss))({"W": W34, "n": 3}, x4))
    both("grad_list_of_floats", lambda T, F: T.grad(F(list_floats))([0.5, 1.5, -0.3]))
    both("jvp_list_primals", lambda T, F: T.jvp(F(two_args), [x4, y4], [y4, x4]))
    both("jvp_tangent_dtype_mismatch", lambda T, F: T.jvp(F(scalar_fn), (x4,), (x32,)))
    both("grad_argnums_past_positional", lambda T, F: T.grad(F(two_args), argnums=1)(x4, y=y4))
    both("vjp_wrong_ct_shape", lambda T, F: T.vjp(F(vec_fn), x4)[1](x3))
    both("grad_bool_input", lambda T, F: T.grad(F(scalar_fn))(np.array([True, False])))
    both("jacobian_pyfloat", lambda T, F: T.jacobian(F(float_fn))(1.3))
    both("hessian_f32_0d", lambda T, F: T.hessian(F(zero_d_fn))(np.float32(0.8)))
    both("jacfwd_pyfloat_vec_out", lambda T, F: T.jacfwd(F(tuple_out), argnums=1)(x4, y4))
    both("vag_f32_value_dtype", lambda T, F: T.value_and_grad(F(f32_fn))(x32)[0])

    # structures in and out of every transformation
    both("jacfwd_dataclass_out", lambda T, F: T.jacfwd(F(dc_out))(x3))
    both("jacrev_dataclass_out", lambda T, F: T.jacrev(F(dc_out))(x3))
    both("jvp_dataclass_in", lambda T, F: T.jvp(F(dc_loss), (layer, x4), (layer, y4)))
    both("vjp_namedtuple_out", lambda T, F: T.vjp(F(nt_out), x4, y4)[1](Params(y4, x4)))
    both("jacobian_namedtuple_out_tuple_args", lambda T, F: T.jacobian(F(nt_out), argnums=(0, 1))(x4, y4))
    both("hessian_namedtuple_args", lambda T, F: T.hessian(F(nt_loss), argnums=(0, 1))(nt, x4))
    both("hessian_tuple_out", lambda T, F: T.hessian(F(tuple_out))(x4, y4))
    both("jacobian_list_in_mat_out", lambda T, F: T.jacobian(F(list_in_mat_out))([W34, W34 * 0.5]))
    both("grad_has_aux_tuple_param", lambda T, F: T.grad(F(tuple_out_scalar_loss), has_aux=True)((x4, 1.5)))
    both("vjp_has_aux_struct", lambda T, F: (lambda o, p, a: (o, p(2.0), a))(
        *T.vjp(F(loss_with_metrics), params, Xb, Yb, has_aux=True)))
    both("grad_matmul_scalar", lambda T, F: T.grad(F(matmul_scalar))(x4))
    both("hessian_matmul_scalar", lambda T, F: T.hessian(F(matmul_scalar))(x4))
    both("grad_f32_result_f64_input", lambda T, F: T.value_and_grad(F(f64_to_f32))(x4))
    both("jvp_pyfloat_tangent_for_array", lambda T, F: T.jvp(F(scalar_fn), (x4,), (1.0,)))

    both("grad_argnums_list", lambda T, F: T.grad(F(two_args), argnums=[0, 1])(x4, y4))
    both("jacfwd_argnums_negative", lambda T, F: T.jacfwd(F(mat_two), argnums=-1)(W34, V42))
    both("hessian_argnums_negative", lambda T, F: T.hessian(F(two_args), argnums=-1)(x4, y4))
    both("vag_f32_promoted", lambda T, F: T.value_and_grad(F(f32_promote))(x32))
    both("vag_f32_weak", lambda T, F: T.value_and_grad(F(f32_weak))(x32))
    both("jvp_f32_promoted", lambda T, F: T.jvp(F(f32_promote), (x32,), (x32,)))

    both("grad_grad_custom_vjp", lambda T, F: T.grad(T.grad(F(clip_grad_scalar)))(0.4))
    both("hessian_custom_vjp", lambda T, F: T.hessian(F(uses_clip_grad))(x4, 1.7))   # JAX raises too
    both("jacrev_jacrev_custom_vjp", lambda T, F: T.jacrev(T.jacrev(F(uses_clip_grad)))(x4, 1.7))

    both("grad_surrogate_jvp", lambda T, F: T.grad(F(uses_surrogate))(x4))
    both("hessian_surrogate_jvp", lambda T, F: T.hessian(F(uses_surrogate))(x4))
    both("grad_grad_surrogate_jvp", lambda T, F: T.grad(T.grad(F(surrogate_scalar)))(0.4))
    both("jacrev_jacrev_surrogate_jvp", lambda T, F: T.jacrev(T.jacrev(F(uses_surrogate)))(x4))
    both("jacfwd_jacfwd_surrogate_jvp", lambda T, F: T.jacfwd(T.jacfwd(F(surrogate)))(x4))

    both("grad_of_grad_helper_custom_vjp", lambda T, F: T.grad(F(uses_grad_of_clip))(x4 * 0.3))
    both("hessian_custom_vjp_in_loop", lambda T, F: T.hessian(F(uses_grad_in_loop))(x4 * 0.3))
    both("jvp_grad_custom_vjp_in_loop", lambda T, F: T.jvp(T.grad(F(uses_grad_in_loop)), (x4 * 0.3,), (y4,)))

    both("grad_penalty_taped_helper", lambda T, F: T.value_and_grad(F(loop_penalty), argnums=(0, 1))(x3, W33 * 0.5))

    # jax.linearize, custom_jvp.defjvps
    both("linearize_vec", lambda T, F: (lambda o, fj: (o, fj(y4)))(*T.linearize(F(vec_fn), x4)))
    both("linearize_two", lambda T, F: (lambda o, fj: (o, fj(y4, x4)))(*T.linearize(F(two_args), x4, y4)))
    both("linearize_dict_aux", lambda T, F: (lambda o, fj, a: (o, fj(params, Xb, Yb), a))(
        *T.linearize(F(loss_with_metrics), params, Xb, Yb, has_aux=True)))
    both("jvp_defjvps", lambda T, F: T.jvp(F(sin_times), (x4, y4), (y4, x4)))
    both("grad_defjvps", lambda T, F: T.grad(F(uses_sin_times), argnums=(0, 1))(x4, y4))
    both("hessian_defjvps", lambda T, F: T.hessian(F(uses_sin_times))(x4, y4))

    # op sweep: grad (with central differences), hessian, jacfwd(grad), jacrev(grad)
    xz = np.array([0.7, 0.0, -1.2, 0.4])   # a zero: prod's gradient must not divide by it
    sweep = [(op_prod_zero, (xz,)), (op_where_sqrt, (x4,)), (op_softmax, (x4,)), (op_norms, (Xb,)),
             (op_linalg, (W34,)), (op_einsum_diag, (W33,)), (op_trig, (x4,)), (op_sort, (x4,)),
             (op_power, (x4, np.abs(y4) + 0.5)), (op_index, (r((5, 5)),)), (op_concat, (x4,)),
             (op_loop, (x3, W33 * 0.5)), (op_branch, (x4,)), (op_clip_minmax, (x4,)),
             (op_mean_keepdims, (Xb,)), (op_outer_kron, (x6,)), (op_cumsum2d, (r((3, 4)),))]
    for fn, args in sweep:
        nm = fn.__name__[3:]
        both(f"op_{nm}_grad", lambda T, F, fn=fn, args=args: T.grad(F(fn))(*args),
             fd=lambda fn=fn, args=args: fd_grad(fn, args))
        both(f"op_{nm}_hessian", lambda T, F, fn=fn, args=args: T.hessian(F(fn))(*args))
        both(f"op_{nm}_jacfwd_grad", lambda T, F, fn=fn, args=args: T.jacfwd(T.grad(F(fn)))(*args))
        both(f"op_{nm}_jacrev_grad", lambda T, F, fn=fn, args=args: T.jacrev(T.grad(F(fn)))(*args))

    # error cases: adjit must raise a located AdjitError saying what is wrong
    case("jvp_of_custom_vjp", lambda: adjit.jvp(uses_clip_grad, (x4, 1.7), (y4, 0.0)), None,
         expect="error:custom_vjp|jvp|forward")
    case("jacfwd_of_custom_vjp", lambda: adjit.jacfwd(uses_clip_grad)(x4, 1.7), None,
         expect="error:custom_vjp|forward")
    case("jvp_custom_vjp_itself", lambda: adjit.jvp(erf_scaled, (x4,), (y4,)), None,
         expect="error:custom_vjp|forward")
    case("grad_exec_function", lambda: adjit.grad(exec_fn())(x4), None, expect="error:source")
    case("grad_nonscalar", lambda: adjit.grad(vec_fn)(x4), None, expect="error:scalar")


def _changed(run):
    """run() before and after the global SCALE that a grad helper reads changes (JAX reads it anew)."""
    global SCALE
    twin(h_global)  # (_JG made)
    first = run()
    SCALE = _JG["SCALE"] = 3.0
    try:
        return first, run()
    finally:
        SCALE = _JG["SCALE"] = 2.0


def _same_object_grad(mm, x, _made={}):
    """One grad object of mm.loss, called before and after the class attribute changes."""
    g = _made.setdefault(id(mm), adjit.grad(mm.loss))
    return g(x)


def _changed_class(run):
    """run(model) before and after a class attribute its method reads changes."""
    mm = Model(np.eye(3, 4), np.ones(3))
    first = run(mm)
    Model.scale = 3.0
    try:
        return first, run(mm)
    finally:
        Model.scale = 1.0


def erf_sum(x):
    return erf_scaled(x).sum()


def exec_fn():
    ns = {"np": np}
    exec("def typed(x):\n    return np.sum(x ** 2)\n", ns)
    return ns["typed"]


def twin_model(m):
    cls = type("ModelJ", (), {"loss": twin(Model.loss), "__call__": twin(Model.__call__), "scale": Model.scale})
    o = cls()
    o.W, o.b = m.W, m.b
    return o


# The differences adjit makes on purpose (docs/transformations.md#where-the-results-differ-from-jaxs).
KNOWN = {
    "grad_int_leaf_dict": "an integer leaf of a structure gets None as its gradient (JAX raises TypeError)",
    "jvp_tangent_dtype_mismatch": "a tangent of another dtype is cast to its primal's, as vjp casts a cotangent "
                                  "(JAX raises)",
    "grad_argnums_past_positional": "adjit's argnums count f's parameters, so argnums=1 with y=y given by keyword "
                                    "differentiates y (JAX's count the call's positional arguments: it raises)",
    "grad_star_args": "argnums=0 on def f(*xs) is refused with a located ArgumentError (name it: wrt='xs'); JAX "
                      "counts the call's arguments",
    "grad_star_args_tuple": "the same, argnums=(0, 1)",
    "jacfwd_jacfwd_surrogate_jvp": "a second derivative of a custom function itself (its rule runs as plain Python) "
                                   "is a located error saying to call it inside a compiled function",
}
TRACEBACKS = {}   # internal errors' tracebacks, printed at the end


# --- main ------------------------------------------------------------------------------------------

def run_case(name, adj, jx, fd, expect):
    if expect:
        words = expect.split(":", 1)[1].split("|")
        try:
            adj()
        except adjit.AdjitError as e:
            msg = str(e)
            missing = [w for w in words if w.lower() not in msg.lower()]
            located = e.loc is not None
            if missing and len(missing) == len(words):
                return "FAIL", f"AdjitError without {words}: {msg.splitlines()[0][:140]}"
            if not located:
                return "FAIL", f"not located: {msg.splitlines()[0][:140]}"
            return "ok", f"located AdjitError: {msg.splitlines()[0][:110]}"
        except Exception as e:  # noqa: BLE001
            return "FAIL", f"internal {type(e).__name__}: {str(e)[:140]}"
        return "FAIL", "no error raised"
    jerr = aerr = None
    try:
        jres = jx()
    except Exception as e:  # noqa: BLE001
        jerr = e
    try:
        ares = adj()
    except adjit.AdjitError as e:
        aerr = e
    except Exception as e:  # noqa: BLE001
        TRACEBACKS[name] = traceback.format_exc()
        return "FAIL", f"internal {type(e).__name__}: {str(e).splitlines()[0][:160]}"
    if aerr is not None:
        if jerr is not None:
            return "ok", f"both raise (adjit {type(aerr).__name__}{'' if aerr.loc else ', no location'})"
        return "GAP", f"adjit {type(aerr).__name__}: {str(aerr).splitlines()[0][:160]}"
    if jerr is not None:
        return "FAIL", f"adjit answers, JAX raises {type(jerr).__name__}: {str(jerr).splitlines()[0][:110]}"
    probs = compare(ares, jres)
    if fd is not None:
        exp = fd()
        got = np.asarray(ares, dtype=np.float64)
        if got.shape != exp.shape or not np.allclose(got, exp, rtol=1e-6, atol=1e-6):
            probs.append("VALUES differ from central differences")
    return ("FAIL", "; ".join(probs)) if probs else ("ok", "fd ok" if fd else "")


def main(argv):
    build_cases()
    words = argv[1:]
    tally = {"ok": 0, "known": 0, "GAP": 0, "FAIL": 0}
    t0 = time.time()
    bad = []
    for name, adj, jx, fd, expect in CASES:
        if words and not any(w in name for w in words):
            continue
        t = time.time()
        status, msg = run_case(name, adj, jx, fd, expect)
        if status != "ok" and name in KNOWN:
            status, msg = "known", KNOWN[name]
        tally[status] += 1
        if status in ("GAP", "FAIL"):
            bad.append(name)
        print(f"{name:32s} {status:5s} {time.time() - t:6.2f}s  {msg}", flush=True)
    for name, tb in TRACEBACKS.items():
        print(f"\n--- {name}: internal error ---\n{tb}")
    n = sum(tally.values())
    print(f"\n{n} cases: {tally['ok']} agree, {tally['known']} known, {tally['GAP']} gap, "
          f"{tally['FAIL']} FAIL ({time.time() - t0:.0f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
