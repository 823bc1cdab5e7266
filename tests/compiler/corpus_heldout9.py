"""Small programs for what the ninth held-out corpus (benchmarks/real_programs/heldout9.py) found
adjit refusing or getting wrong; each written as a NumPy user writes it. test_heldout9.py runs them."""
import math

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.linalg import solve_continuous_lyapunov, solve_discrete_lyapunov, solve_sylvester
from scipy.optimize import brentq


# ------------------------------------------- a tuple returned inside a loop (power iteration, fixed points)
def _dominant(K, tol=1e-12, max_iter=500):
    w = np.ones(K.shape[0]) / K.shape[0]
    lam = 1.0
    for it in range(max_iter):
        w_new = K @ w
        lam_new = w_new.sum()
        w_new /= lam_new
        if abs(lam_new - lam) < tol * lam_new:
            return lam_new, w_new
        w, lam = w_new, lam_new
    return lam, w


def tuple_return_power_iteration(a):
    K = np.array([[a[0], a[1], 0.1], [a[2], a[3], 0.2], [0.3, 0.1, a[0]]])
    lam, w = _dominant(K)
    return lam + np.sum(w ** 2)


def _babylonian(x, tol=1e-13):
    y = x
    while True:
        y_new = 0.5 * (y + x / y)
        if abs(y_new - y) < tol:
            return y_new, 2 * y_new
        y = y_new


def _first_negative(x):
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            if x[i] * x[j] < 0:
                return x[i], x[j] * 2
    return x[0], x[-1]


def tuple_return_while_true(x):
    a, b = _babylonian(x[0])
    c, d = _first_negative(x)
    return a * b + x[1] * a + c * d


def _newton_scalar(x, tol=1e-13):
    y = 1.0
    while True:
        step = (y * y - x) / (2 * y)
        y -= step
        if abs(step) < tol:
            return y


def _pair_in_loop(x):
    for i in range(3):
        if x[i] > 0.0:
            return x[i], x
    return x[0], x


def tuple_return_pair_with_array(x):
    a, b = _pair_in_loop(x)
    return a * np.sum(b)


def while_true_return_scalar(x):
    return _newton_scalar(x[0]) * x[1]


# ------------------------------------------- np.where: nan in the branch not taken, its cotangent summed
def where_nan_branch_summed(z):
    with np.errstate(invalid="ignore"):
        x = (1 - 16 * z) ** 0.25
        unstable = 2 * np.log((1 + x) / 2) + np.log((1 + x ** 2) / 2) - 2 * np.arctan(x) + np.pi / 2
    return np.sum(np.where(z < 0, unstable, -5 * z))


def where_nan_branch_square(z):
    with np.errstate(invalid="ignore"):
        x = (1 - 16 * z) ** 0.25
        y = -np.sqrt(-z)
    return np.sum(np.where(z < 0, x * x - x, z ** 2)) + np.sum(np.where(z > 0, 0.0, -y * 3 - y))


# ------------------------------------------- iterating over a string known when compiled (a character model)
TEXT = "the cat sat. a dog"
VOCAB = sorted(set(TEXT))
CHAR_TO_ID = {ch: i for i, ch in enumerate(VOCAB)}


def string_iteration_char_ids(E, text=TEXT):
    ids = [CHAR_TO_ID[ch] for ch in text]
    s = 0.0
    for t in range(len(ids) - 1):
        s += np.sum(E[ids[t]] * E[ids[t + 1]])
    vowels = 0
    for ch in "aeiou":
        if ch in text:
            vowels += 1
    return s * vowels + sum(E[CHAR_TO_ID[c], 0] for c in text if c != " ")


# ------------------------------------------- a run-time choice between two lists (NASA polynomials' ranges)
NASA_LIKE = {"CO2": ([2.36, 8.98e-3, -7.1e-6], [3.86, 4.41e-3, -2.2e-6]),
             "N2": ([3.30, 1.41e-3, -3.96e-6], [2.93, 1.49e-3, -5.7e-7])}


def _coefficients(species, T):
    low, high = NASA_LIKE[species]
    return np.array(low if T < 1000.0 else high)


def conditional_list_choice(T):
    total = 0.0
    for species, n in (("CO2", 1.0), ("N2", 3.76)):
        for t in T:
            a = _coefficients(species, t)
            total = total + n * (a[0] + a[1] * t / 2 + a[2] * t ** 2 / 3) * t
    lo, hi = (T[1], 2.0) if T[1] > T[0] else (3.0, T[0])
    return total + lo * hi


# ------------------------------------------- window functions longer than what is embedded (a spectrum)
def windowed_spectrum(y, beta, n_fft=300):
    frame = y[-n_fft:] * np.hanning(n_fft) + y[:n_fft] * np.hamming(n_fft) * 0.5
    spec = np.abs(np.fft.rfft(frame)) ** 2
    taper = np.blackman(n_fft) + np.bartlett(n_fft) + np.kaiser(n_fft, beta) + np.hanning(1)
    return np.sum(np.log(spec + 1e-3)) + np.sum(taper * y[:n_fft])


# ------------------------------------------- np.<ufunc>.reduceat with indices computed in the function (months)
DAYS_PER_MONTH = [3, 2, 4]


def reduceat_run_time_indices(x, years=2):
    starts = np.cumsum([0] + DAYS_PER_MONTH * years)[:-1]
    monthly = np.add.reduceat(x, starts)
    idx = np.array([0, 4, 4, 2, 7]) + np.sum(x > 100)  # a repeated and a decreasing index: single items
    A = x[:16].reshape(8, 2)
    return (np.sum(monthly ** 2) + np.sum(np.add.reduceat(x, idx) * np.arange(5))
            + np.sum(np.maximum.reduceat(A, idx[:3], axis=0) ** 2) + np.sum(np.multiply.reduceat(A.T, idx[:3], axis=1))
            + np.sum(np.minimum.reduceat(x, idx[:2])))


# ------------------------------------------- scipy.interpolate.CubicSpline made and called in the function
def cubic_spline_background(y, x, q):
    s = CubicSpline(x, y)
    total = np.sum(s(q) ** 2) + np.sum(s(q, 1)) + np.sum(s(q, nu=2) * 0.1)
    total += np.sum(CubicSpline(x[:3], y[:3])(q)) + np.sum(CubicSpline(x[:2], y[:2])(q) * q)
    total += np.sum(CubicSpline(x, y, bc_type="natural")(q) ** 2)
    total += np.sum(CubicSpline(x, y, bc_type=((1, 0.5), (2, -1.0)))(q))
    total += np.sum(CubicSpline(x, np.stack([y, y ** 2], axis=1))(q)[:, 1])
    return total + np.nansum(CubicSpline(x, y, extrapolate=False)(q))


# ------------------------------------------- continue in a loop over a list unrolled when compiled (reflections)
REFLECTIONS = [((1, 1, 1), 8), ((2, 0, 0), 6), ((2, 2, 0), 12), ((3, 1, 1), 24)]


def continue_in_unrolled_loop(x, cut=3.5):
    y = np.expand_dims(x[0] * 0.0, 0)  # np.expand_dims of a number: a (1,) array
    for (h, k, l), m in REFLECTIONS:
        d = x[0] / math.sqrt(h * h + k * k + l * l)
        if h == 3:
            continue
        if d < x[1]:
            y = y + 1.0
            continue
        elif d > cut:
            y = y * 2
        y = y + (d * m) ** 2
    return np.sum(y)


# ------------------------------------------- Lyapunov and Sylvester equations (H2 norms, Gramians)
def lyapunov_h2(K):
    A = np.array([[0.0, 1.0, 0.0], [-2.0, -0.3, 0.5], [0.1, 0.0, -1.0]])
    B = np.array([[0.0], [1.0], [0.2]])
    A_cl = A - B @ K.reshape(1, -1)
    P = solve_continuous_lyapunov(A_cl, -np.eye(3))
    D = solve_discrete_lyapunov(0.3 * A_cl, np.outer(K, K) + np.eye(3))
    X = solve_sylvester(A_cl, -np.diag(K) - 2 * np.eye(3), np.arange(9.0).reshape(3, 3))
    return np.trace(P) + np.sum(D * A) + np.sum(X ** 2)


# ------------------------------------------- scipy.optimize.brentq: a root in a bracket, differentiated implicitly
def _kepler(E, M, e):
    return E - e * np.sin(E) - M


def _cubic(x, p):
    return x ** 3 + p[0] * x - p[1]


def brentq_roots(p):
    E = brentq(_kepler, 0.0, 2 * np.pi, args=(p[0], p[1]), xtol=1e-14)
    x = brentq(_cubic, -5.0, 5.0, args=(p,))
    y = brentq(_kepler, p[0] - 1.0, p[0] + 1.0, (p[0] * 0.5, 0.3))
    return E ** 2 + np.sin(x) * p[1] + y


CASES = [
    (tuple_return_power_iteration, lambda: (np.array([1.0, 0.5, 0.3, 2.0]),), (0,)),
    (tuple_return_while_true, lambda: (np.array([2.0, 0.7, -0.4, 1.1]),), (0,)),
    (tuple_return_pair_with_array, lambda: (np.array([-0.5, 0.7, 1.2]),), (0,)),
    (while_true_return_scalar, lambda: (np.array([2.0, 0.7]),), (0,)),
    (string_iteration_char_ids, lambda: (np.sin(np.arange(22.0)).reshape(11, 2),), (0,)),
    (conditional_list_choice, lambda: (np.array([800.0, 1200.0]),), (0,)),
    (windowed_spectrum, lambda: (np.sin(np.arange(320.0) * 0.3) + 0.1 * np.cos(np.arange(320.0)), 3.0), (0, 1)),
    (reduceat_run_time_indices, lambda: (np.sin(np.arange(18.0)) + 1.5,), (0,)),
    (cubic_spline_background, lambda: (np.sin(np.array([0.0, 0.7, 1.5, 2.0, 3.1, 4.0])) + 0.3,
                                       np.array([0.0, 0.7, 1.5, 2.0, 3.1, 4.0]),
                                       np.array([-0.5, 0.1, 0.3, 1.4, 2.2, 3.9, 4.6])), (0, 1, 2)),
    (continue_in_unrolled_loop, lambda: (np.array([5.6, 2.5]),), (0,)),
    (lyapunov_h2, lambda: (np.array([1.0, 2.0, 0.5]),), (0,)),
    (brentq_roots, lambda: (np.array([1.3, 0.4]),), (0,)),
    (where_nan_branch_summed, lambda: (np.array([-0.5, -0.1, 0.3, 0.05, -0.02]),), (0,)),
    (where_nan_branch_square, lambda: (np.array([-0.5, -0.1, 0.3, 0.05, -0.02]),), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
