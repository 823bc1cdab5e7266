"""Everyday Python and NumPy in a differentiated function (test_everyday_python.py)."""
import functools

import numpy as np

SCALE = 2.0


@functools.lru_cache(maxsize=None)
def _coef(n):
    return float(n) * SCALE


@functools.cache
def _basis(n):
    return np.arange(n) * 0.5


def cached_helpers(x):
    """functools.lru_cache / cache helpers: the function they cache, inlined."""
    return _coef(3) * np.sum(x * _basis(3))


def fstrings(x):
    """f-strings of values known when compiled: a str (a key, a length, an option)."""
    label = f"{x.shape[0]}-items"
    table = {f"w{k}": float(k + 1) for k in range(3)}
    return np.sum(x) * len(label) + table[f"w{x.ndim}"] * x[0]


def closeness(x, y):
    """np.isclose / np.allclose: bool, no gradient; branches on them."""
    if np.allclose(x, 0.0):
        return 0.0
    near = np.isclose(x, y, atol=0.05)
    total = np.sum(np.where(near, 0.0, (x - y) ** 2))
    if np.isclose(x[0], y[0], rtol=0.5) and not np.allclose(x, y, equal_nan=True):
        total = total + x[0]
    return total


def seeded_draws(mu, log_sigma):
    """A generator seeded inside the function (the VAE's fixed eps): NumPy draws, before the
    compiled code, the same numbers on every call."""
    rng = np.random.default_rng(42)
    eps = rng.standard_normal((50, mu.size))
    u = rng.uniform(size=mu.shape)
    z = mu + np.exp(log_sigma) * eps
    return np.mean(np.sum(z ** 2, axis=1)) + np.sum(u * mu)


def close_to_infinity(x):
    """np.isclose against an infinite b: True only where a is that infinity (NumPy's & isfinite(b))."""
    b = np.array([x[0], np.inf, -np.inf])
    if np.allclose(x, b):
        return np.sum(x)
    return np.sum(x ** 2) + np.sum(np.where(np.isclose(x, b), 1.0, 0.0))


COUNTS = np.array([1, 2])


def two_outputs(x):
    """A tuple returned: forward mode's tangent is the tuple of the parts' tangents (zeros for an
    int part; it was an internal error, and one fix made every part's tangent zero)."""
    return x * 2, x + 1, COUNTS + 1


def turns(A):
    """np.rot90 (every k), np.fliplr, np.flipud: NumPy's arrangement, and their gradient."""
    W = np.arange(A.size, dtype=float).reshape(A.shape)
    return sum(np.sum(np.rot90(A, k) * np.rot90(W, k) ** 2) * (k + 2) for k in (-1, 1, 2, 3)) \
        + np.sum(np.fliplr(A) * W) + np.sum(np.flipud(A) * W ** 2) + np.sum(np.rot90(A, 1, axes=(1, 0)) * W.T)


def nan_aware(x, y):
    z = np.where(x > 0.8, np.nan, x)
    return x[np.nanargmax(z)] * 2.0 + x[np.nanargmin(z)] + np.corrcoef(x, y)[0, 1] + np.vdot(x, y)


def reductions_where(x):
    m = x > 0.3
    return np.sum(x ** 2, where=m) + np.mean(x, where=m) + np.sum(np.mean(np.stack([x, x ** 2]), axis=1, where=m))


def zips_and_stars(x):
    d = dict(zip(["a", "b", "c"], x[:3]))
    pairs = list(zip(x, x[::-1]))
    return d["a"] * d["c"] + sum(u * v for u, v in pairs) + _three(*x[:3])


def _three(a, b, c):
    return a * b - c


def draws_inside_expressions(mu, log_sigma):
    """The generator's method calls inside expressions that read differentiated values: lifted out
    and drawn by NumPy before the compiled code, in the order Python calls them."""
    rng = np.random.default_rng(7)
    z = mu + np.exp(log_sigma) * rng.standard_normal((20, mu.size))
    return np.mean(np.sum(z ** 2, axis=1)) + np.sum(mu * rng.uniform(size=mu.size)) - rng.normal() * log_sigma[0]


CHAIN = ["U", "Th", "Ra"]
RATES = {("U", "Th"): 0.5, ("Th", "Ra"): 0.25}


def species_chain(x):
    """list.index / list.count of a global list of names with a loop variable of an unrolled loop."""
    t = 0.0
    for (parent, daughter), r in RATES.items():
        i, j = CHAIN.index(parent), CHAIN.index(daughter)
        t = t + r * x[i] * x[j] + CHAIN.count("Ra") * x[0]
    return t
