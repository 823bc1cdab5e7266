"""Small programs for what the seventh held-out corpus (benchmarks/real_programs/heldout7.py) found
adjit refusing; each written as a NumPy user writes it. test_heldout7.py runs them."""
import numpy as np
from scipy.special import erfc


# ------------------------------------------- a list built by a comprehension, then appended to (VarPro)
def _peak(t, c, s):
    return np.exp(-0.5 * ((t - c) / s) ** 2)


def comp_then_append_loop(centers, log_s, t):
    order = np.argsort(centers)
    cols = [_peak(t, centers[i], np.exp(log_s[i])) for i in order]
    span = (t - t.min()) / (t.max() - t.min())
    for p in range(3):
        cols.append(span ** p)
    Phi = np.column_stack(cols)
    return np.sum(Phi @ np.arange(1.0, Phi.shape[1] + 1) ** 2)


def comp_then_append_stack(x, w):
    feats = [w[k] * x ** k for k in range(3)]
    feats.append(np.sin(x))
    return np.sum(np.stack(feats, axis=1) ** 2)


def comp_extend_insert(x, w):
    rows = [x * wi for wi in w]
    rows.extend([x ** 2, np.cos(x)])
    rows.insert(0, np.ones_like(x))
    rows.insert(-1, x * w[0])
    A = np.array(rows)
    return np.sum(A.T @ A) + len(rows)


def comp_list_copy(x, a):
    base = [np.exp(a * k) * x for k in range(2)]
    more = list(base)
    more.append(a * x)
    return np.sum(np.vstack(base)) + np.sum(np.vstack(more) ** 2) + 10 * len(base)


def comp_long_rows_append(X, w):
    feats = [np.tanh(row * w) for row in X]  # 20 rows: not unrolled, the array of its rows
    feats.append(w)
    feats.append(w ** 2)
    F = np.array(feats)
    return np.sum(F ** 2) + F[-1] @ F[0]


def comp_pop_reverse(x):
    terms = [x ** (k + 1) / (k + 1) for k in range(4)]
    last = terms.pop()
    terms.reverse()
    return np.sum(np.column_stack(terms) * np.arange(1.0, 4.0)) + np.sum(last)


def _rand(n, seed):
    return np.random.default_rng(seed).standard_normal(n)


CASES = [
    (comp_then_append_loop, lambda: (np.array([3.1, 2.5, 6.0]), np.log([0.2, 0.15, 0.3]), np.linspace(0, 8, 25)),
     (0, 1)),
    (comp_then_append_stack, lambda: (np.linspace(0.1, 1.0, 6), np.array([0.5, -1.0, 2.0])), (0, 1)),
    (comp_extend_insert, lambda: (np.linspace(-0.5, 1, 5), np.array([0.3, 0.7, -0.2])), (0, 1)),
    (comp_list_copy, lambda: (np.linspace(0.2, 1.0, 4), 0.3), (0, 1)),
    (comp_long_rows_append, lambda: (_rand(60, 1).reshape(20, 3), np.array([0.4, -0.3, 0.8])), (0, 1)),
    (comp_pop_reverse, lambda: (np.linspace(0.5, 1.5, 5),), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
