"""Small programs for what the tenth held-out corpus (benchmarks/real_programs/heldout10.py) found
adjit refusing or getting wrong; each written as a NumPy user writes it. test_heldout10.py runs them."""
import numpy as np
from scipy.linalg import eigh, solve_banded

# ------------------------------------------- loops over sorted() of a global dict (a dosing event table)
DOSES = {
    "s2": [(0.0, 2.0, "bolus"), (1.5, 1.0, "infusion")],
    "s1": [(0.5, 3.0, "infusion")],
}
WEIGHTS = {"b": 3.0, "a": 2.0, "c": 0.5}


def sorted_global_dict_keys(x):
    t = np.linspace(0.0, 3.0, 7)
    total = 0.0
    for i, sid in enumerate(sorted(DOSES)):
        conc = np.zeros_like(t)
        for t0, amt, route in DOSES[sid]:
            dt = t - t0
            after = dt >= 0
            if route == "bolus":
                conc[after] += amt * np.exp(-x[0] * dt[after])
            else:
                conc[after] += amt / x[1] * (1.0 - np.exp(-x[1] * dt[after]))
        total += (i + 1) * np.sum(conc ** 2)
    return total


def sorted_global_dict_items(x):
    s = 0.0
    for k, (name, w) in enumerate(sorted(WEIGHTS.items())):
        s = s * x[k] + w * x[k] ** 2
    return s


# ------------------------------------------------------ scipy.linalg.eigh of a pencil (a v = w b v)
def eigh_pencil(x, B):
    A = np.outer(x, x) + np.diag(x ** 2)
    w, V = eigh(A, B + np.diag(x))
    return w[0] + 2 * w[-1] + np.sum(V[:, 0] ** 2) + np.sum(V[:, -1] * x) ** 2


def eigh_pencil_upper_subset(x, B):
    A = np.triu(np.outer(x, x + 1)) + np.diag(x)  # only its upper triangle is read (lower=False)
    w = eigh(A, B, lower=False, eigvals_only=True)
    w2, V2 = eigh(A, B, lower=False, subset_by_index=[1, 2])
    return np.sum(w * np.arange(1.0, 5.0)) + w2[1] + np.sum(V2[:, 0] ** 2)


# ------------------------------------------------------------------- scipy.linalg.solve_banded
def solve_banded_tridiagonal(d, rhs):
    n = len(d)
    ab = np.zeros((3, n))
    ab[0, 1:] = -0.5 * d[:-1]
    ab[1] = 2.0 + d ** 2
    ab[2, :-1] = -0.3 * d[1:]
    x = solve_banded((1, 1), ab, rhs)
    return np.sum(x ** 2) + x[0]


def solve_banded_two_rhs(ab, B):
    X = solve_banded((2, 1), ab, B)  # ab's corners outside the band are ignored (gradient 0 there)
    return np.sum(X * np.arange(X.size).reshape(X.shape))


# ------------------------------- a name first bound in a loop after `if ...: return` (Vincenty's iteration)
def vincenty_like(x, tol=1e-13, max_iter=50):
    lam = x[0]
    for _ in range(max_iter):
        s = np.sin(lam) * x[1]
        if s == 0:
            return 0.0
        c2 = 1 - s ** 2
        c2m = c2 * 0.5 if c2 != 0 else 0.0
        prev = lam
        lam = x[0] + 0.1 * np.sin(lam) * c2 + 0.01 * c2m
        if abs(lam - prev) < tol:
            break
    return lam * c2 + s * c2m


def _inner_loop_return(v):
    for k in range(len(v)):
        if v[k] > 100.0:
            return -1.0
    return v[0]


def bound_after_nested_return(x):
    for i in range(3):
        for j in range(2):
            if x[j] > 50.0:
                return x[0]
        y = x[i] * 2.0 + _inner_loop_return(x)
    return y * x[1]


# ------------------------------------------- np.polyfit of selections by one mask (a T60 from a decay curve)
def polyfit_decay_t60(h, fs=100.0):
    edc = np.cumsum(h[::-1] ** 2)[::-1]
    edc_db = 10.0 * np.log10(edc / edc[0])
    t = np.arange(len(h)) / fs
    sel = (edc_db <= -5.0) & (edc_db >= -15.0)
    slope, intercept = np.polyfit(t[sel], edc_db[sel], 1)
    return -60.0 / slope + 0.1 * intercept


def polyfit_quadratic_window(y, t):
    keep = (t > 0.2) & (t < 0.8)
    c = np.polyfit(t[keep], y[keep] ** 2, deg=2)
    return c[0] + 2 * c[1] - c[2] ** 2


# --------------------- break and return inside a loop over a list unrolled when compiled (a block spectrum)
BLOCKS = [(1.0, 0.1, 3), (2.0, 0.3, 2), (0.5, 0.5, 4)]


def block_growth_early_return(x, limit=50.0):
    a = x[0]
    N = 0.0
    hist = [a]
    while N < 20.0:
        for s, R, n in BLOCKS:
            for k in range(n):
                a = a + 0.01 * s * a ** x[1] / (1 - R)
                N += 1.0
                if a >= limit:
                    return 1e6 + a
            hist.append(a)
    return a + 0.1 * np.sum(np.array(hist))


def unrolled_break(x):
    total = 0.0
    for s, w in [(1.0, 2.0), (3.0, 0.5), (2.0, 1.0)]:
        if x[0] * s > 2.5:
            break
        total += w * x[1] * s
    return total


def unrolled_return(x):
    for s in (1.0, 2.0, 3.0):
        if x[0] * s > 2.5:
            return x[1] * s
        x = x * 1.1
    return np.sum(x)


# ----------------------------- a row assigned from the same array's column through their shared diagonal
def symmetric_border(g):
    n = len(g) + 1  # `n - 1` below is computed where it is written, twice
    G = np.zeros((n, n))
    G[:n - 1, :n - 1] = np.outer(g, g)
    G[:n - 1, n - 1] = -g            # homogeneity: the last column
    G[n - 1, :] = G[:, n - 1]        # symmetry: the last row from it (G[n-1, n-1] read into its own place)
    G[n - 1, n - 1] = g[0] * 3
    return np.sum(G * np.arange(16.0).reshape(4, 4))


def column_from_own_row(g):
    G = np.outer(g, g + 1)
    G[:, 1] = G[1, :]
    return np.sum(G * np.arange(9.0).reshape(3, 3))


# --------------------------------- a list built by .append joined with a literal (`np.array(hist + [a])`)
def appended_list_joined(x):
    a = x[0]
    hist_a = [a]
    N = 0.0
    while N < 5.0:
        a = a * x[1] + 0.1
        N += 1.0
        if a > 100.0:
            return np.sum(np.array(hist_a + [a])) * 2
        hist_a.append(a)
    return np.sum(np.array(hist_a + [a, 2 * a]) ** 2) + np.array([0.5 * a] + hist_a)[0]


def _banded_inputs():
    rng = np.random.default_rng(0)
    ab = rng.standard_normal((4, 6))
    ab[2] += 5.0
    return ab, rng.standard_normal((6, 2))


def _pencil_inputs():
    rng = np.random.default_rng(1)
    M = rng.standard_normal((4, 4))
    return np.array([0.3, -0.7, 1.1, 0.5]), M @ M.T + 4 * np.eye(4)


CASES = [
    (sorted_global_dict_keys, lambda: (np.array([0.7, 1.3]),), (0,)),
    (sorted_global_dict_items, lambda: (np.array([0.7, 1.3, -0.4]),), (0,)),
    (eigh_pencil, _pencil_inputs, (0, 1)),
    (eigh_pencil_upper_subset, _pencil_inputs, (0, 1)),
    (solve_banded_tridiagonal, lambda: (np.array([0.3, 1.2, -0.4, 0.8, 0.5]), np.array([1.0, -2.0, 0.5, 0.3, 2.0])),
     (0, 1)),
    (solve_banded_two_rhs, _banded_inputs, (0, 1)),
    (vincenty_like, lambda: (np.array([0.7, 0.9]),), (0,)),
    (bound_after_nested_return, lambda: (np.array([0.7, 0.9, -1.2]),), (0,)),
    (block_growth_early_return, lambda: (np.array([1.0, 1.2]),), (0,)),
    (block_growth_early_return, lambda: (np.array([20.0, 1.9]),), (0,)),
    (unrolled_break, lambda: (np.array([1.0, 2.0]),), (0,)),
    (unrolled_break, lambda: (np.array([0.5, 2.0]),), (0,)),
    (unrolled_return, lambda: (np.array([1.0, 2.0]),), (0,)),
    (unrolled_return, lambda: (np.array([0.5, 2.0]),), (0,)),
    (symmetric_border, lambda: (np.array([0.3, -0.5, 1.2]),), (0,)),
    (column_from_own_row, lambda: (np.array([0.3, -0.5, 1.2]),), (0,)),
    (appended_list_joined, lambda: (np.array([1.0, 1.3]),), (0,)),
    (appended_list_joined, lambda: (np.array([90.0, 1.3]),), (0,)),
    (polyfit_decay_t60, lambda: (np.exp(-np.arange(60.0) / 12.0) * (1.2 + np.sin(np.arange(60.0))),), (0,)),
    (polyfit_quadratic_window, lambda: (np.cos(np.linspace(0.0, 1.0, 13) * 3.0), np.linspace(0.0, 1.0, 13)), (0,)),
]
IDS = [f"{c[0].__name__}_{k}" for k, c in enumerate(CASES)]
