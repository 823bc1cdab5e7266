"""Small programs for what the sixth held-out corpus (benchmarks/real_programs/heldout6.py) found
adjit refusing; each written as the corpus wrote it. test_heldout6.py runs them."""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.integrate import cumulative_trapezoid, trapezoid
from scipy.stats import binom, norm


# ---------------------------------------------------------- a helper returns a selection (van Genuchten)
def _mualem(se, ks, n, tortuosity=0.5):
    m = 1.0 - 1.0 / n
    return ks * se ** tortuosity * (1.0 - (1.0 - se ** (1.0 / m)) ** m) ** 2


def helper_returns_selection(x, h, n):
    k = _mualem(x[h < 0], 2.0, n)
    return np.mean(np.log10(k) ** 2)


def _scale(v, s):
    return v * s


def helper_selection_reduced(x, h):
    return np.sum(_scale(x[h > 0], 3.0) ** 2) + np.log2(x[h < 0]).sum()


# ---------------------------------------------------------- scipy.stats methods of selections (psychometric)
def binom_of_selections(p, k, n, cond):
    nll = 0.0
    for c in range(3):
        sel = cond == c
        nll -= binom.logpmf(k[sel], n[sel], p[sel]).sum()
    return nll


def norm_logpdf_selection_scale(x, mu, y):
    keep = y > 0
    return -norm.logpdf(y[keep], loc=mu[keep] * x[keep], scale=np.exp(x[keep])).sum()


# ---------------------------------------------------------- scipy.integrate (supernova distances)
def cumtrapz_initial(y, x):
    chi = cumulative_trapezoid(1.0 / np.sqrt(y), x, initial=0.0)
    return np.sum(np.interp(np.array([0.3, 0.7, 1.1]), x, chi) ** 2)


def cumtrapz_axis0_dx(y, x):
    return np.sum(np.sin(cumulative_trapezoid(y, dx=0.25, axis=0)))


def trapezoid_scipy_2d_x(y, x):
    return trapezoid(y ** 2, x=np.tile(x, (y.shape[0], 1)), axis=1).sum()


# ---------------------------------------------------------- np.roll by shifts read from an int array (D2Q9)
C_VECS = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, 1], [-1, -1], [1, -1]])


def roll_run_time_shifts(f):
    out = 0.0
    for i in range(9):
        g = np.roll(f, shift=(C_VECS[i, 0], C_VECS[i, 1]), axis=(0, 1))
        out += np.sum(g * np.cos(f)) * (i + 1)
    return out + np.sum(np.roll(f, -3 * C_VECS[3, 0]) * f ** 2) + np.sum(np.roll(f, C_VECS[5, 1], axis=None) * f)


# ---------------------------------------------------------- list(array), items replaced (Holt-Winters)
def list_of_array_items_written(y, params):
    alpha, gamma = params
    seasonals = list(y[:4] - y[:4].mean())
    level = y[0]
    sse = 0.0
    for t in range(len(y)):
        s = seasonals[t % 4]
        err = y[t] - level - s
        sse += err ** 2
        new_level = alpha * (y[t] - s) + (1 - alpha) * level
        seasonals[t % 4] = gamma * (y[t] - new_level) + (1 - gamma) * s
        level = new_level
    return sse + sum(seasonals) ** 2


# ---------------------------------------------------------- records returned by helpers (Black-Litterman)
class Posterior(NamedTuple):
    mean: np.ndarray
    cov: np.ndarray


@dataclass
class Moments:
    mean: np.ndarray
    scale: float


def _posterior(S, b):
    M = np.linalg.inv(S + np.eye(len(b)))
    return Posterior(M @ b, S + M)


def _moments(x):
    return Moments(x.mean(axis=0), float(x.std()))


def helper_returns_records(S, b):
    post = _posterior(S @ S.T, b)
    w = np.linalg.solve(post.cov, post.mean)
    m = _moments(S)
    return np.sum(w ** 2) + np.sum(m.mean * m.scale)


# ---------------------------------------------------------- a loop over a comprehension of records (coils)
class Coil(NamedTuple):
    radius: float
    z: float
    current: float


def loop_over_comprehension_of_records(radii, zs, currents):
    coils = [Coil(r, z, i) for r, z, i in zip(radii, zs, currents)]
    probe = np.linspace(-0.5, 0.5, 5)
    field = np.zeros_like(probe)
    for coil in coils:
        field += coil.current * coil.radius ** 2 / (coil.radius ** 2 + (probe - coil.z) ** 2) ** 1.5
    return np.std(field) / np.mean(field)


# ---------------------------------------------------------- np.flatnonzero; an inner loop's index (CJS)
def flatnonzero_first_last(x, hist):
    chi = np.ones(5)
    for t in range(3, -1, -1):
        chi[t] = (1 - x[t]) + x[t] * 0.5 * chi[t + 1]
    ll = 0.0
    for i in range(hist.shape[0]):
        seen = np.flatnonzero(hist[i])
        first, last = seen[0], seen[-1]
        for t in range(first, last):
            ll += np.log(x[t]) if hist[i, t + 1] else np.log(1 - x[t])
        ll += np.log(chi[last]) * len(seen)
    return -ll


# ---------------------------------------------------------- columns of selections, selections as indices (GIoU)
def selection_columns_and_index(d, logits, labels):
    pos = labels >= 0
    a = d[pos]
    w = np.clip(a[:, 2] - a[:, 0], 0, None)
    h = a[..., 3] - a[:, 1]
    onehot = np.zeros_like(logits)
    onehot[np.flatnonzero(pos), labels[pos]] = 1.0
    p = 1 / (1 + np.exp(-logits))
    per = -np.sum(onehot * np.log(p) + (1 - onehot) * np.log(1 - p), axis=1)
    n = max(int(pos.sum()), 1)
    hard = np.sort(per[~pos])[::-1][: 2 * n]
    return np.sum(w * h) + hard.sum() + per[pos].sum()


def _rng():
    return np.random.default_rng(6)


CASES = [
    (cumtrapz_axis0_dx, lambda: (_rng().standard_normal((4, 3)), None), (0,)),
    (helper_returns_selection, lambda: (np.linspace(0.1, 0.9, 6), np.array([-1., 2, -3, -4, 5, -0.5]),
                                        np.float64(1.7)), (0, 2)),
    (helper_selection_reduced, lambda: (np.linspace(0.2, 1.4, 6), np.array([-1., 2, -3, 4, 5, -1])), (0,)),
    (binom_of_selections, lambda: (np.linspace(0.2, 0.8, 9), np.array([3, 1, 4, 1, 5, 9, 2, 6, 5]),
                                   np.full(9, 10), np.arange(9) % 3), (0,)),
    (norm_logpdf_selection_scale, lambda: (_rng().standard_normal(7), _rng().uniform(1, 2, 7),
                                           np.array([1., -1, 2, 0.5, -3, 1, 1])), (0, 1)),
    (cumtrapz_initial, lambda: (np.linspace(1.0, 3.0, 12), np.linspace(0.0, 1.2, 12)), (0,)),
    (roll_run_time_shifts, lambda: (_rng().standard_normal((4, 5)),), (0,)),
    (helper_returns_records, lambda: (_rng().standard_normal((3, 3)), _rng().standard_normal(3)), (0, 1)),
    (list_of_array_items_written, lambda: (_rng().uniform(1, 2, 10), np.array([0.4, 0.3])), (0, 1)),
    (loop_over_comprehension_of_records, lambda: (np.array([1.0, 1.2]), np.array([-0.5, 0.6]),
                                                  np.array([2.0, 1.5])), (0, 1, 2)),
    (flatnonzero_first_last, lambda: (np.array([0.6, 0.7, 0.4, 0.8, 0.6]),
                                      np.array([[0, 1, 0, 1, 1], [1, 0, 0, 1, 0], [0, 0, 1, 0, 0]])), (0,)),
    (selection_columns_and_index, lambda: (_rng().standard_normal((8, 4)), _rng().standard_normal((8, 3)),
                                           np.array([1, -1, 0, 2, -1, -1, 1, -1])), (0, 1)),
    (trapezoid_scipy_2d_x, lambda: (_rng().standard_normal((3, 5)), np.cumsum(np.full(5, 0.3))), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
