"""Small programs for what the thirteenth held-out corpus (benchmarks/real_programs/heldout13.py) found
adjit refusing; each written as a NumPy user writes it. test_heldout13.py runs them."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.polynomial import chebyshev, hermite, hermite_e, laguerre, legendre, polynomial
from scipy.special import logsumexp


# ------------------------------------------------ np.outer flattens its operands (an EKF's gain times a (1, n) row)
def outer_of_rows(k, h):
    H = np.array([[h[0], 2.0 * h[1], 0.0]])
    P = np.eye(3) - np.outer(k, H)
    return np.sum(P ** 2) + np.sum(np.outer(H.T, k.reshape(3, 1)) * 0.5) + np.sum(np.outer(k[0], h))


# ------------------------------------------------ sliding_window_view (im2col convolutions, moving windows)
def im2col_conv(x, W):
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(xp, (3, 3), axis=(1, 2))
    y = np.einsum("chwij,ocij->ohw", windows, W)
    moving = sliding_window_view(x[0, 0], 2)
    repeated = sliding_window_view(x[0], (2, 3), axis=(1, 1))
    return np.sum(np.tanh(y)) + np.sum(moving[:, ::-1] * moving) + np.sum(np.sin(repeated))


def all_axes_windows(x):
    z = sliding_window_view(x, window_shape=(2, 2))
    return np.sum(z.max(axis=(2, 3)) ** 2) + np.sum(z[:, :, 0, 1] * z[:, :, 1, 0])


# ------------------------------------------------ np.stack of a comprehension over an array's rows, axis=
def stacked_axis_minus_one(p, c):
    normal = np.stack([np.sum((p + 1e-3 * e - c) ** 2, axis=-1) for e in np.eye(3)], axis=-1)
    rows = np.stack([np.sin(p * e) for e in np.eye(3)], axis=1)
    first = np.stack([np.sin(p * e) for e in np.eye(3)], axis=-3)
    return np.sum(normal ** 2) + np.sum(rows * np.arange(3.0)[:, None]) + np.sum(first[1] * first[2])


# ------------------------------------------------ src, dst = np.nonzero(mask) of a computed mask (edge lists)
def nonzero_edge_list(pos, w):
    n = len(pos)
    d = np.sqrt(np.sum((pos[:, None] - pos[None]) ** 2, axis=-1) + np.eye(n))
    src, dst = np.nonzero((d < 1.5) & ~np.eye(n, dtype=bool))
    h = np.zeros((n, 2))
    np.add.at(h, dst, np.exp(-d[src, dst])[:, None] * w[src])
    cols = np.nonzero(d > 1.0)[1]
    i, j, k = np.nonzero(np.sin(pos[:, :, None] * pos[:, None, :]) > 0.1)
    return np.sum(h ** 2) + np.sum(w[cols] * 0.3) + np.sum(pos[i, j] * pos[i, k]) + len(src) * 0.01


# ------------------------------------------------ np.zeros((n, 3)) with n known only at run time keeps its 3
def chart_of_runtime_stacks(A, c):
    n = 4
    chart = np.zeros((n, n + 1, 3)) + c
    for span in range(2, n + 1):
        for i in range(n - span + 1):
            j = i + span
            scores = [logsumexp(A + chart[i, k][None, :, None] + chart[k, j][None, None, :], axis=(1, 2))
                      for k in range(i + 1, j)]
            chart[i, j] = logsumexp(np.stack(scores), axis=0)
    return chart[0, n, 0] + chart[1, 3, 2]


def runtime_rows_written(A, c):
    out = np.zeros((5, 3))
    for j in range(2, 5):
        s = np.zeros((j, 3))
        s[0] = A[0] * c
        s[j - 1] = A[j] ** 2
        out[j] = np.sum(s, axis=0) + np.full((j, 3), 0.5)[-1]
    return np.sum(out * c)


# ------------------------------------------------ a history list appended to, popped and read whole (L-BFGS)
def _two_loop(g, S, Y):
    q = g.copy()
    alphas = []
    for s, y in zip(reversed(S), reversed(Y)):
        a = (s @ q) / (y @ s)
        q = q - a * y
        alphas.append(a)
    gamma = (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) if S else 1.0
    r = gamma * q
    for (s, y), a in zip(zip(S, Y), reversed(alphas)):
        r = r + s * (a - (y @ r) / (y @ s))
    return r


def history_lists(w0, c, n_iter=5, m=2):
    w = w0.copy()
    S, Y = [], []
    g = np.tanh(w) * c
    for it in range(n_iter):
        w_new = w - 0.1 * _two_loop(g, S, Y)
        g_new = np.tanh(w_new) * c + w_new
        S.append(w_new - w)
        Y.append(g_new - g)
        if len(S) > m:  # m an int argument: decided when compiled, as range(n_iter) is
            S.pop(0)
            Y.pop(0)
        w, g = w_new, g_new
    return np.sum(w ** 2)


# ------------------------------------------------ an expression around a NumPy call adjit has no rule for, on data
def eigvals_of_data(a, W):
    M = W * a[0] / np.max(np.abs(np.linalg.eigvals(W)))
    return np.sum(np.tanh(M @ a))


# ------------------------------------------------ sorted(d.items()) of a dict argument with number keys (maturities)
def slices_by_maturity(raw, quotes, forwards):
    loss = 0.0
    for j, (T, sl) in enumerate(sorted(quotes.items())):
        a, b = raw[j]
        loss += np.sum((a * sl["strike"] / forwards[T] + b - sl["price"]) ** 2) * T
    for k in sorted(forwards.keys()):
        loss = loss + raw[0, 0] * forwards[k] * k
    return loss


# ------------------------------------------------ np.polynomial's *val of coefficients of a run-time length
def series_of_runtime_length(theta, xs):
    total = 0.0
    for n in range(5):
        e = np.zeros(n + 1)
        e[n] = 1.0
        e = e * theta[0] + theta[1]
        total = (total + np.sum(hermite_e.hermeval(xs, e) * theta[2]) + np.sum(chebyshev.chebval(xs, e))
                 + np.sum(legendre.legval(xs, e)) + np.sum(hermite.hermval(xs, e))
                 + np.sum(laguerre.lagval(xs, e) ** 2) + np.sum(polynomial.polyval(xs, e) * xs))
    return total


CASES = [
    (outer_of_rows, lambda: (np.array([0.3, -0.2, 0.5]), np.array([1.1, 0.4])), (0, 1)),
    (im2col_conv, lambda: (np.random.default_rng(0).standard_normal((2, 5, 6)),
                           np.random.default_rng(1).standard_normal((3, 2, 3, 3))), (0, 1)),
    (all_axes_windows, lambda: (np.random.default_rng(2).standard_normal((4, 5)),), (0,)),
    (stacked_axis_minus_one, lambda: (np.random.default_rng(3).standard_normal((5, 3)), np.array([0.1, 0.2, -0.3])),
     (0, 1)),
    (nonzero_edge_list, lambda: (np.random.default_rng(1).uniform(0, 2, (6, 3)),
                                 np.random.default_rng(4).standard_normal((6, 2))), (0, 1)),
    (chart_of_runtime_stacks, lambda: (np.random.default_rng(5).standard_normal((3, 3, 3)), np.array([0.1, 0.2, 0.3])),
     (0, 1)),
    (runtime_rows_written, lambda: (np.random.default_rng(6).standard_normal((5, 3)), np.array([0.1, 0.2, 0.3])),
     (0, 1)),
    (history_lists, lambda: (np.array([0.3, -0.5, 0.8]), np.array([1.0, 2.0, 0.5])), (0, 1)),
    (slices_by_maturity, lambda: (np.array([[0.1, 0.2], [0.3, 0.4]]),
                                  {0.5: dict(strike=np.array([1.0, 2.0]), price=np.array([0.3, 0.2])),
                                   0.25: dict(strike=np.array([1.5, 2.5]), price=np.array([0.1, 0.4]))},
                                  {0.25: 1.1, 0.5: 1.2}), (0,)),
    (series_of_runtime_length, lambda: (np.array([0.7, -0.3, 1.3]), np.linspace(-1.2, 1.5, 7)), (0, 1)),
    (eigvals_of_data, lambda: (np.random.default_rng(7).standard_normal(4), np.random.default_rng(8).standard_normal((4, 4))),
     (0,)),
]

IDS = [f"{c[0].__name__}_{k}" for k, c in enumerate(CASES)]
