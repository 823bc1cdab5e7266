"""Batched tangents for adjit.hessian (compiler/batching.py): the Hessian with K tangents per call
equals the one-hvp-per-element Hessian and second finite differences, on programs that exercise
each batching rule (elementwise, reductions with axes, slices, gathers and indexed writes,
broadcasting, reshapes and transposes, matmul in its vector and matrix forms, concatenate and
stack, loops with tapes, while loops, branches). Both paths run as the lowered module executed as
plain Python (no Numba compile per program: the suite's budget); two tests go through
adjit.hessian itself, compiled: a batched program and one that falls back."""
from __future__ import annotations

import re

import numpy as np
import pytest

import adjit
from adjit import batched
from adjit.compiler import batching
from adjit.compiler.jit import CompiledFunction, workspace_args


def _lowered(c, args):
    text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(*args, lowered=True), flags=re.M)
    assert n == 1
    ns: dict = {"__name__": "adjit_test_lowered_hessian"}
    exec(compile(text, "<lowered hessian>", "exec"), ns)
    return ns[c.entry_name]


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def batched_hessian(fun, args, k=None, readable=False):
    """H (n, n) of fun by argument 0 from the batched module, K tangents per call (lowered, as
    Python; readable=True: the readable NumPy rendering, which no lowering pass touches)."""
    x = args[0]
    n = int(np.size(x))
    k = k or n
    c = batched._BatchedGradJvp(fun, (0,), k)
    if readable:
        ns: dict = {}
        exec(compile(c.source(*args), "<readable hessian>", "exec"), ns)
        f = ns[c.entry_name]
    else:
        f = _lowered(c, args)
    cols = []
    for first in range(0, n, k):
        count = min(k, n - first)
        e = np.zeros((k, n))
        e[np.arange(count), first + np.arange(count)] = 1
        out = f(*_copies(args), np.ascontiguousarray(e.reshape((k,) + np.shape(x)), dtype=np.asarray(x).dtype),
                *([] if readable else workspace_args(f)))
        assert np.shape(out[3]) == (k,) + np.shape(x)
        cols.append(np.asarray(out[3]).reshape(k, -1)[:count])
    return np.concatenate(cols).T


def hvp_hessian(fun, args):
    """H (n, n) by one hvp per element (the path batching replaces), lowered, as Python."""
    x = args[0]
    c = CompiledFunction(fun, (0,), "grad_jvp", wrt_fwd=(0,))
    f = _lowered(c, args)
    cols = []
    for i in range(int(np.size(x))):
        e = np.zeros(np.size(x))
        e[i] = 1
        t = e.reshape(np.shape(x)) if isinstance(x, np.ndarray) else float(e[0])
        cols.append(np.asarray(f(*_copies(args), t, *workspace_args(f))[3]).reshape(-1))
    return np.stack(cols, axis=-1)


def fd_hessian(fun, args, h=1e-4):
    x = np.asarray(args[0], dtype=np.float64)
    n = x.size

    def f(y):
        return float(fun(y.reshape(x.shape), *args[1:]))

    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            v = x.reshape(-1)
            H[i, j] = H[j, i] = (f(v + ei + ej) - f(v + ei - ej) - f(v - ei + ej) + f(v - ei - ej)) / (4 * h * h)
    return H


# ------------------------------------------------------------------------------------ programs

def elementwise(x):
    return np.sum(np.tanh(x) * np.exp(0.3 * x) + np.sin(x) ** 2 / (1.0 + x * x)) + np.sum(x) ** 2


def matvec(x, A):
    h = np.tanh(A @ x)
    return np.sum(h * h) + x @ x * 0.5 + (A.T @ h) @ x


def matrix_arg(X, A, C):
    Y = np.tanh(A @ X)  # A (4, 3) @ batched X (3, 2): a stack of products
    Z = Y @ C  # batched Y (4, 2) @ C (2, 5): K products as one
    return np.sum(Z ** 2) + np.sum(X.T @ X)


def loop_tapes(p, A):
    h = p * 1.0
    s = 0.0
    for k in range(3):
        h = np.tanh(A @ h + 0.1 * p)
        s = s + np.sum(h * h) * (k + 1)
    return s + 0.01 * np.sum(p ** 4)


def while_loop(x):
    i = 0
    y = x
    while i < 3:
        y = np.sin(y) + 0.5 * x
        i += 1
    return np.sum(y * y)


def branches(x):
    if x[0] > 0:
        y = x * x * x
    else:
        y = np.sin(x)
    s = 0.0
    for i in range(3):
        if x[i] > 0.2:
            s = s + x[i] ** 3
        else:
            s = s - np.cos(x[i])
    return np.sum(y) + s


def reductions(X):
    a = np.sum(np.tanh(X), axis=0) ** 2
    b = np.mean(X ** 3, axis=1, keepdims=True)
    c = np.max(X * X, axis=1)
    return np.sum(a) + np.sum(b * X) + np.sum(c ** 2)


def slicing(x):
    d = x[1:] * x[:-1]
    e = x[::2] ** 2
    return np.sum(d * d) + np.sum(e) * x[0] + x[-1] ** 3


def matrix_slices(X):
    return np.sum(X[:, 1] ** 3) + np.sum(X[0] * X[-1]) + np.sum(np.tanh(X[1:, :2]))


def broadcasting(x):
    M = x[:, None] * x[None, :]
    return np.sum(np.tanh(M)) + np.sum(np.outer(x, x ** 2)) + np.sum(x * 2.0 + 1.0)


def reshapes(X):
    Y = X.reshape(2, 6).T
    return np.sum(np.tanh(Y @ Y.T)) + np.sum(np.transpose(X) ** 3)


def joining(x):
    y = np.concatenate([x, x ** 2])
    z = np.stack([np.sin(x), x * x], axis=1)
    return np.sum(y * y) + np.sum(z[:, 0] * z[:, 1])


def gathers(x, idx):
    return np.sum(x[idx] ** 3) + np.sum(x[idx] * x[::-1][idx])


def writes(x):
    y = np.zeros(6)
    y[1:4] = x[:3] ** 2
    y[0] = x[3] * x[4]
    y[4:] += np.sin(x[3:])
    return np.sum(y * y)


def diagonals(X):
    return np.trace(X @ X) + np.sum(np.diag(np.diagonal(X) ** 2) @ X) + np.sum(np.diag(X[0]) ** 3)


def products(x):
    return np.sum(np.cumprod(np.sin(x) + 1.5) ** 2) + np.prod(x[:3])


def scalar_chain(x):
    s = 0.0
    for k in range(4):
        s = s + np.sin(x[k]) * x[(k + 1) % 4]
    return s * s


def one_sided(x):
    if x[0] > 0:
        y = x ** 3
    else:
        y = np.zeros(4)  # this branch yields no tangent: the batched one is spread to zeros
    z = np.zeros(4)
    for i in range(4):
        if x[i] > 0.5:
            z[i] = x[i] * x[0]
    return np.sum(y) + np.sum(x * x) + np.sum(z)


R = np.random.default_rng(7)
X5 = R.standard_normal(5) * 0.7
A45 = R.standard_normal((4, 5)) * 0.5
CASES = [
    (elementwise, lambda: (X5.copy(),)),
    (matvec, lambda: (X5.copy(), A45.copy())),
    (matrix_arg, lambda: (R.standard_normal((3, 2)) * 0.5, R.standard_normal((4, 3)) * 0.5,
                          R.standard_normal((2, 5)) * 0.5)),
    (loop_tapes, lambda: (X5.copy(), R.standard_normal((5, 5)) * 0.4)),
    (while_loop, lambda: (X5.copy(),)),
    (branches, lambda: (np.array([0.5, -0.3, 0.9, 0.1]),)),
    (reductions, lambda: (R.standard_normal((3, 4)) * 0.6,)),
    (slicing, lambda: (X5.copy(),)),
    (matrix_slices, lambda: (R.standard_normal((3, 4)) * 0.6,)),
    (broadcasting, lambda: (X5.copy(),)),
    (reshapes, lambda: (R.standard_normal((3, 4)) * 0.5,)),
    (joining, lambda: (X5.copy(),)),
    (gathers, lambda: (X5.copy(), np.array([0, 2, 2, 4, 1]))),
    (writes, lambda: (X5.copy(),)),
    (scalar_chain, lambda: (np.array([0.3, -0.8, 1.1, 0.4]),)),
    (diagonals, lambda: (R.standard_normal((3, 3)) * 0.6,)),
    (products, lambda: (X5.copy(),)),
    (one_sided, lambda: (np.array([0.7, -0.3, 0.9, 0.1]),)),
    (one_sided, lambda: (np.array([-0.7, -0.3, 0.9, 0.1]),)),
]
IDS = [f.__name__ for f, _ in CASES[:-1]] + ["one_sided_else"]


@pytest.mark.parametrize("fun,make", CASES, ids=IDS)
def test_batched_equals_hvps_and_finite_differences(fun, make):
    args = make()
    H = batched_hessian(fun, args)
    np.testing.assert_allclose(H, hvp_hessian(fun, args), rtol=1e-10, atol=1e-12)
    fd = fd_hessian(fun, args)
    assert np.max(np.abs(H - fd)) <= 1e-5 * max(1.0, np.max(np.abs(fd)))


@pytest.mark.parametrize("prim,name,k", [("xlogy", "xlogy_entropy", 0), ("arctan2", "arctan2_", 1),
                                         ("sum", "sum_tuple", 0), ("det", "det_", 0)])
def test_primitive_rows_lowered_equals_readable(prim, name, k):
    """Rows of the primitives table (tests/compiler/primitive_cases.py): the lowered batched module
    equals the readable one and second differences (xlogy_entropy and arctan2_ were wrong when
    batched values kept their hints in straight-line code: a fused loop read a view through a
    name given to another value since)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "compiler"))  # as tests/compiler's modules import it
    import primitive_cases as P

    fun, make = next((r[0], r[1]) for r in P.CASES[prim] if r[0].__name__ == name)
    args = make()
    if k:  # arctan2_(y, x, u) by x: x first
        args, row = (args[1], args[0], args[2]), fun

        def fun(x, y, u):
            return row(y, x, u)
    H = batched_hessian(fun, args)
    np.testing.assert_allclose(H, batched_hessian(fun, args, readable=True), rtol=1e-10, atol=1e-12)
    fd = fd_hessian(fun, args)
    assert np.max(np.abs(H - fd)) <= 1e-5 * max(1.0, np.max(np.abs(fd)))


def test_batches_smaller_than_n_and_padded():
    """K < n: two calls, the last one padded with zero tangents."""
    args = (X5.copy(), A45.copy())
    np.testing.assert_allclose(batched_hessian(matvec, args, k=3), hvp_hessian(matvec, args), rtol=1e-10, atol=1e-12)


def test_batch_size():
    assert batching.batch_size(100, 10_000) == 100
    assert batching.batch_size(1280, 100_352) <= batching.ELEMENTS // 100_352
    assert batching.batch_size(300, 10) == 100  # three equal calls of at most MAX_BATCH
    assert batching.batch_size(1, 10) == 1


def _filled(x):
    return np.sum(np.full(3, x[0]) * x ** 2)  # np.full of a differentiated value: no batching rule


def test_no_rule_is_refused_with_unbatchable():
    c = batched._BatchedGradJvp(_filled, (0,), 3)
    with pytest.raises(batching.Unbatchable, match="no batching rule for full"):
        c.source(np.ones(3))


def test_public_hessian_batched_and_fallback():
    """Through adjit.hessian, compiled: a matrix-vector program is batched, one with np.full of a
    differentiated value falls back to one hvp per element, and both give the Hessian."""
    args = (X5.copy(), A45.copy())
    H = adjit.hessian(matvec)(*args)
    assert batched.BATCHED["last"].startswith("batched: 1 call(s) of 5 tangents")
    np.testing.assert_allclose(H, fd_hessian(matvec, args), rtol=1e-6, atol=1e-6)
    x = np.array([0.3, -0.5, 0.8])
    H = adjit.hessian(_filled)(x)
    assert "no batching rule for full" in batched.BATCHED["last"]
    np.testing.assert_allclose(H, fd_hessian(_filled, (x,)), rtol=1e-6, atol=1e-6)


# -------------------------------------------------------------------------------------- jacfwd

def vector_out(x, A):
    h = np.tanh(A @ x)
    return np.concatenate([h * x[:4], np.cumsum(np.sin(x))])


def matrix_out(X):
    return np.tanh(X.T @ X) + X[0] * X[:, 1:2]


@pytest.mark.parametrize("fun,make", [(vector_out, lambda: (X5.copy(), A45.copy())),
                                      (matrix_out, lambda: (R.standard_normal((3, 3)) * 0.5,))],
                         ids=["vector_out", "matrix_out"])
def test_jacfwd_batched_equals_jvps(fun, make):
    args = make()
    x = args[0]
    n = x.size
    f = _lowered(batched._BatchedGradJvp(fun, (0,), n, "jacfwd"), args)
    out = f(*_copies(args), np.eye(n).reshape((n,) + x.shape), *workspace_args(f))
    J = np.moveaxis(np.asarray(out[1]), 0, -1).reshape(np.shape(out[0]) + x.shape)
    c = CompiledFunction(fun, (0,), "jvp")
    g = _lowered(c, args)
    for i in range(n):
        e = np.zeros(n)
        e[i] = 1
        col = g(*_copies(args), e.reshape(x.shape), *workspace_args(g))[1]
        np.testing.assert_allclose(J.reshape(-1, n)[:, i], np.asarray(col).reshape(-1), rtol=1e-12, atol=1e-14)


def test_companion_tapes_over_the_budget_are_refused(monkeypatch):
    """A loop with a known trip count whose batched tapes would exceed TAPE_BYTES: Unbatchable (the
    caller tries a quarter of K, then one hvp per element)."""
    monkeypatch.setattr(batching, "TAPE_BYTES", 1000)
    args = (R.standard_normal(7), R.standard_normal((7, 7)) * 0.4)  # shapes no other test compiles
    with pytest.raises(batching.Unbatchable, match="tapes would be too large"):
        batched._BatchedGradJvp(loop_tapes, (0,), 7).source(*args)
