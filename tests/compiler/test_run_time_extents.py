"""Operands whose extents along an axis are known only when the program runs (slices with bounds
computed from a loop index or from data): compiled for equal extents, checked where they are used
(builder._pin_run_time_extents, the pin_extent row), NumPy's ValueError when they differ."""
import numpy as np
import pytest

from conftest import family_tests, fd_check, run_grad


def autocorrelation(x, L=4):
    s = 0.0
    for lag in range(1, L):
        s = s + np.sum(x[lag:] * x[:-lag]) ** 2
    return s


def binomial_weights(x):
    s = 0.0
    for i in range(1, x.shape[0]):
        j = np.arange(i + 1)
        s = s + np.sum(x[: i + 1] * 0.5 ** j * 0.9 ** (i - j))
    return s


def shrinking_tree(s0, n=6):
    v = np.maximum(s0 * 1.1 ** np.arange(n) - 1.0, 0.0) + s0
    for i in range(n - 1, 0, -1):
        v = 0.97 * (0.55 * v[1:i + 1] + 0.45 * v[:i])
    return v[0]


def american_put(S0, sigma, K=1.0, T=1.0, N=12, r=0.05):
    """A binomial tree for an American put: the carried values shrink by one each step."""
    dt = T / N
    u = np.exp(sigma * np.sqrt(dt))
    d = 1 / u
    p = (np.exp(r * dt) - d) / (u - d)
    j = np.arange(N + 1)
    V = np.maximum(K - S0 * u ** j * d ** (N - j), 0.0)
    for i in range(N - 1, -1, -1):
        j = np.arange(i + 1)
        V = np.exp(-r * dt) * (p * V[1:] + (1 - p) * V[:-1])
        V = np.maximum(V, K - S0 * u ** j * d ** (i - j))
    return V[0]


def data_bounds(x, y, ab):
    a, b = ab[0], ab[1]
    return np.sum(x[a:] * y[b:] + np.sin(x[a:]))


CASES = [
    (autocorrelation, lambda: [np.linspace(0.1, 1.0, 9), 4]),
    (binomial_weights, lambda: [np.linspace(0.2, 1.1, 7)]),
    (shrinking_tree, lambda: [1.3, 6]),
    (american_put, lambda: [1.05, 0.3, 1.0, 1.0, 12, 0.05], (0, 1)),
    (data_bounds, lambda: [np.linspace(0.1, 1.0, 8), np.linspace(1.0, 2.0, 8), np.array([2, 2])], (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient, test_forward = family_tests(CASES, IDS, every=6)


def test_extents_that_differ_raise_numpys_value_error():
    """The check is the lowered module's (what Numba compiles; run here as Python, calling the
    compiled runtime/bounds.pinned)."""
    x = np.linspace(0.1, 1.0, 8)
    for ab in ([2, 3], [2, 7]):  # 6 against 5, and 6 against 1 (NumPy would broadcast the 1: adjit refuses)
        with pytest.raises(ValueError, match="could not be broadcast together"):
            run_grad(data_bounds, [x, x, np.array(ab)], (0, 1))


def top_k_usage(L, k=2):
    """A run-time slice bound (k is an argument) feeding np.bincount: x == x of one value of run-time
    extent is elementwise on equal extents (it was refused as two extents that may differ)."""
    E = L.shape[1]
    topk = np.argsort(L, axis=1)[:, -k:]
    frac = np.bincount(topk.ravel(), minlength=E) / topk.size
    return np.sum(frac * L.mean(axis=0))


def test_one_value_of_run_time_extent_with_itself():
    L = np.random.default_rng(0).standard_normal((6, 4))
    value, grads = run_grad(top_k_usage, (L, 2), (0,))
    assert np.isclose(value, top_k_usage(L))
    fd_check(top_k_usage, [L], [0], grads)
