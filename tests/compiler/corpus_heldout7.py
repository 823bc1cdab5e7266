"""Small programs for what the seventh held-out corpus (benchmarks/real_programs/heldout7.py) found
adjit refusing; each written as a NumPy user writes it. test_heldout7.py runs them."""
from dataclasses import dataclass

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


# ------------------------------------------- methods and helpers that change arrays in place (TrueSkill)
class _Ratings:
    def __init__(self, n, s0):
        self.mu = np.full(n, 1.0)
        self.s2 = np.full(n, s0 ** 2)
        self.games = 0

    def win_prob(self, i, j, beta):
        return 0.5 * (1 + np.tanh((self.mu[i] - self.mu[j]) / np.sqrt(2 * beta ** 2 + self.s2[i] + self.s2[j])))

    def update(self, w, l, beta, tau=0.1):
        self.s2[w] = self.s2[w] + tau ** 2
        self.s2[l] += tau ** 2
        c = np.sqrt(2 * beta ** 2 + self.s2[w] + self.s2[l])
        v = 1 - self.win_prob(w, l, beta)
        self.mu[w] = self.mu[w] + self.s2[w] / c * v
        self.mu[l] -= self.s2[l] / c * v
        self.games += 1


def proc_method_updates_in_loop(log_beta, log_s0, matches):
    table = _Ratings(4, np.exp(log_s0))
    beta = np.exp(log_beta)
    nll = 0.0
    for m in range(matches.shape[0]):
        a, b, a_won = matches[m]
        p = table.win_prob(a, b, beta)
        if a_won == 1:
            nll = nll - np.log(p)
            table.update(a, b, beta)
        else:
            nll = nll - np.log(1 - p)
            table.update(b, a, beta)
    return nll / table.games + np.sum(table.mu ** 2) * 0.01


def _bump(x, k, v):
    x[k] += v
    x[k + 1] = x[k + 1] * v


def _scatter(acc, idx, w):
    np.add.at(acc, idx, w)


def proc_helper_writes_argument(a, v, idx):
    y = a * 2.0
    for k in range(3):
        _bump(y, k, v)
    acc = np.zeros(4)
    _scatter(acc, idx, a[:idx.shape[0]] * v)
    return np.sum(y ** 2) + np.sum(acc * np.arange(1.0, 5.0))


class _Oscillator:
    def __init__(self, x0, k):
        self.state = np.array([x0, 0.0])
        self.k = k
        self.t = 0.0

    def _force(self):
        return -self.k * self.state[0]

    def step(self, dt):
        if dt <= 0:
            return
        a = self._force()
        self.state = self.state + dt * np.array([self.state[1] + 0.5 * dt * a, a])
        self.t += dt

    def energy(self):
        return 0.5 * self.state[1] ** 2 + 0.5 * self.k * self.state[0] ** 2


def proc_method_rebinds_attribute(x0, k, n_steps=20):
    osc = _Oscillator(x0, k)
    for _ in range(n_steps):
        osc.step(0.05)
    osc.step(-1.0)
    return osc.energy() + osc.t * osc.state[0]


class _Kalman:
    def __init__(self, q, r):
        self.x = np.zeros(2)
        self.P = np.eye(2)
        self.F = np.array([[1.0, 1.0], [0.0, 1.0]])
        self.Q = q * np.eye(2)
        self.r = r
        self.nll = 0.0

    def predict(self):
        self.x = self.F @ self.x
        self.P = self.F @ self.P @ self.F.T + self.Q

    def update(self, z):
        S = self.P[0, 0] + self.r
        K = self.P[:, 0] / S
        innov = z - self.x[0]
        self.x += K * innov
        self.P -= np.outer(K, self.P[0])
        self.nll += 0.5 * (np.log(S) + innov ** 2 / S)


def proc_kalman_filter(log_q, log_r, zs):
    kf = _Kalman(np.exp(log_q), np.exp(log_r))
    for z in zs:
        kf.predict()
        kf.update(z)
    return kf.nll


@dataclass
class _Accumulator:
    total: np.ndarray
    count: int = 0

    def add(self, v, w=1.0):
        self.total[:] = self.total + w * v
        self.count += 1


def proc_dataclass_accumulates(x, w):
    acc = _Accumulator(np.zeros(3))
    for k in range(x.shape[0]):
        acc.add(x[k], w[k])
    acc.add(x[0] * x[1])
    return np.sum(acc.total ** 2) / acc.count


def proc_nested_def_writes(x):
    y = np.zeros(4)

    def put(i, v):
        if v < 0:
            return
        y[i] = v ** 2

    for i in range(4):
        put(i, x[i])
    return np.sum(y * x)


def mask_int_slice_mask_order(x, v):
    m = x[0, 0] > 0.5  # NumPy: an int and the mask apart (a slice between): the selected axis first
    y = x * 1.0
    y[1, :, m] = v * x[1, :, m]
    return np.sum((x[1, :, m] @ np.array([1.0, 2.0, 3.0])) ** 2) + np.sum(y ** 2)


class _ClippedStep:
    def __init__(self, w):
        self.w = w.copy()
        self.hits = 0.0

    def step(self, g, lr):
        if np.sum(g) > 0:  # decided when the function runs: both branches change self
            self.w -= lr * g
            self.hits += 1.0
        else:
            self.w[0] = self.w[0] * 0.5

    def loss(self, X):
        return np.sum((X @ self.w) ** 2)


def proc_method_branches_in_while(w0, lr, X):
    m = _ClippedStep(w0)
    k = 0
    while k < X.shape[0]:
        m.step(X[k] * np.sum(m.w), lr)
        k += 1
    return m.loss(X) + m.hits * np.sum(m.w)


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
    (proc_method_updates_in_loop, lambda: (np.log(1.5), np.log(2.0), np.array([[0, 1, 1], [2, 3, 0], [1, 2, 1], [3, 0, 1],
                                                                                [0, 2, 0], [1, 3, 1]])), (0, 1)),
    (proc_helper_writes_argument, lambda: (np.linspace(0.5, 1.5, 5), 0.7, np.array([0, 2, 2])), (0, 1)),
    (proc_method_rebinds_attribute, lambda: (1.0, 2.0), (0, 1)),
    (proc_kalman_filter, lambda: (np.log(0.1), np.log(0.5), np.array([0.1, 0.9, 2.2, 2.8, 4.1, 5.2])), (0, 1)),
    (proc_dataclass_accumulates, lambda: (np.linspace(0.1, 1.2, 12).reshape(4, 3), np.array([0.5, 1.0, 1.5, 2.0])),
     (0, 1)),
    (proc_nested_def_writes, lambda: (np.array([0.5, -0.3, 1.2, 0.8]),), (0,)),
    (mask_int_slice_mask_order, lambda: (np.array([[[0.9, 0.2, 0.7, 0.1], [0.3, 0.4, 0.5, 0.6], [0.8, 0.1, 0.2, 0.3]],
                                                   [[1.0, 2.0, 3.0, 4.0], [0.5, 1.5, 2.5, 3.5], [0.2, 0.4, 0.6, 0.8]]]),
                                         0.7), (0, 1)),
    (proc_method_branches_in_while, lambda: (np.array([0.3, 0.8, -0.2]), 0.1,
                                             np.array([[0.5, -0.2, 0.1], [-0.3, -0.4, 0.2], [0.2, 0.6, 0.1],
                                                       [-0.5, 0.1, -0.2]])), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
