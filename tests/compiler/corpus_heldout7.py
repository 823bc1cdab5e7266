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


# ------------------------------------------- a seeded generator made in a helper (NIMFA's network)
def _network(n, p_within=0.4, p_between=0.1, seed=11):
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 2
    prob = np.where(group[:, None] == group[None, :], p_within, p_between)
    upper = np.triu(rng.uniform(size=(n, n)) < prob, k=1)
    return (upper | upper.T).astype(float), group


def rng_helper_network(log_beta, frac, n=8):
    A, group = _network(n)
    s = 1 - frac[group]
    p = np.full(n, 0.1)
    for _ in range(5):
        p = p + 0.1 * (np.exp(log_beta) * s * (1 - p) * (A @ p) - p)
    return np.sum(p ** 2)


def _noise(n, scale=0.1, seed=3):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(n)


def rng_helper_in_expression(x):
    return np.sum((x + _noise(x.shape[0])) ** 2) + np.sum(x * _noise(len(x), seed=4))


def _init_weights(shape):
    return _noise(shape[0] * shape[1], scale=0.5).reshape(shape)


def rng_helper_nested(x, k=3):
    W = _init_weights((k, x.shape[0]))
    return np.sum(np.tanh(W @ x) ** 2)


def rng_comprehension_of_draws(x):
    rng = np.random.default_rng(7)
    w = np.array([rng.uniform() for _ in range(x.shape[0])])
    return np.sum(x ** 2 * w) + np.sum(x * np.array([rng.normal() for _ in range(3)]))


def _legacy_noise(n):
    np.random.seed(0)
    return np.random.uniform(0.5, 1.5, n)


def rng_helper_legacy_seed(x):
    return np.sum(np.log(x * _legacy_noise(x.size)))


# ------------------------------------------- a boolean mask among ints and slices (EGM's borrowing limit)
def mask_row_write_in_loop(c, a_grid, m_endo):
    c_new = np.empty_like(c)
    for s in range(c.shape[0]):
        cash = 1.03 * a_grid + c[s, -1]
        c_new[s] = np.interp(cash, m_endo[s], c[s])
        constrained = cash < m_endo[s, 0] + 0.5
        c_new[s, constrained] = cash[constrained]
    return np.sum(c_new ** 2)


def mask_row_scalar_and_augassign(x, v):
    y = x * 1.0
    m = x[0] > 0.5
    y[1, m] = v
    y[2, ~m] += v * x[0, ~m]
    return np.sum(y ** 2) + np.sum(x[1, m] ** 3) * v


def mask_column_write(x, v):
    y = np.sin(x)
    rows = x[:, 1] > 0.5
    y[rows, 2] = v * x[rows, 0]
    y[:, x[0] < 0.5] = 2 * v
    return np.sum(y ** 2) + np.mean(x[rows, 2]) + np.sum(x[:, x[1] > 0.4] ** 2)


def mask_cols_by_loop_index(W0, b):
    W = W0.copy()
    total = 0.0
    for i in range(W.shape[0]):
        keep = W[i] > b
        total = total + np.sum(W[i, keep] * b) - np.mean(W[i, ~keep] ** 2)
        W[i, keep] = W[i, keep] - b
    return total + np.sum(W ** 2)


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
    (rng_helper_network, lambda: (np.log(0.5), np.array([0.2, 0.4])), (0, 1)),
    (rng_helper_in_expression, lambda: (np.linspace(0.1, 1.0, 5),), (0,)),
    (rng_helper_nested, lambda: (np.linspace(-1.0, 1.0, 4),), (0,)),
    (rng_comprehension_of_draws, lambda: (np.linspace(0.2, 1.2, 3),), (0,)),
    (rng_helper_legacy_seed, lambda: (np.linspace(0.2, 1.2, 4),), (0,)),
    (mask_row_write_in_loop, lambda: (np.array([[1.0, 1.2, 1.5, 2.0, 2.6], [1.4, 1.7, 2.0, 2.5, 3.1]]),
                                      np.linspace(0.0, 2.0, 5), np.array([[0.9, 1.5, 2.4, 3.0, 4.2],
                                                                           [1.2, 1.9, 2.6, 3.3, 4.6]])), (0, 1, 2)),
    (mask_row_scalar_and_augassign, lambda: (np.array([[0.3, 0.7, 0.9, 0.2], [1.0, 2.0, 3.0, 4.0],
                                                       [0.6, 0.2, 1.5, 0.8]]), 0.3), (0, 1)),
    (mask_column_write, lambda: (np.array([[0.3, 0.7, 0.9], [1.0, 2.0, 3.0], [0.6, 0.2, 1.5], [0.1, 0.9, 0.4]]), 0.3),
     (0, 1)),
    (mask_cols_by_loop_index, lambda: (np.array([[0.3, 0.7, 0.9, 0.2], [1.0, 0.25, 3.0, 0.45]]), 0.5), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
