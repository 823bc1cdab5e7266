"""Small programs for what the twelfth held-out corpus (benchmarks/real_programs/heldout12.py) and the
list of constructs left from earlier sessions found adjit refusing or getting wrong; each written as a
NumPy user writes it. test_heldout12.py runs them."""
import numpy as np


# ------------------------------------------------ reductions with where= (and initial= for max/min)
def masked_max_min(x, w):
    m = x > 0.2
    return (np.max(x * w, where=m, initial=-np.inf) + np.min(x, where=m, initial=5.0)
            + np.sum(np.max(np.outer(x, w), axis=1, where=np.outer(x, w) > 0, initial=-1.0)))


def masked_rows_keepdims(X):
    colmin = X.min(axis=0, where=X < 0.5, initial=0.3, keepdims=True)
    return np.sum(colmin ** 2) + np.sum(X.max(axis=1, where=X > 0, initial=0.0) * X[:, 0])


def masked_prod_any_all(x, w):
    p = np.prod(x + 1.5, where=w > 0)
    gate = np.any(x > 0.6, where=w > 0) + np.all(x > -1.0, where=w < 0.5)
    return p * (1.0 + gate) + x.prod(where=x < 0.8)


def masked_var_std(X):
    return np.sum(np.std(X, axis=0, where=X > -0.5)) + np.var(X, where=X > 0, ddof=1) + X.std(where=X < 0.65)


def masked_nan_reductions(x, w):
    y = np.where(w < 0, np.nan, x)
    return (np.nansum(y ** 2, where=x < 0.8) + np.nanmean(y, where=x > -1.0)
            + np.nanmax(y * w, where=x < 0.8, initial=0.0) + x.mean(where=x > 0) + x.sum(where=w > 0))


# ------------------------------------ index()/count() of a list made in the expression (Eyring's surfaces)
SURFACES = {"floor": 180.0, "walls": 320.0, "seating": 140.0}


def index_of_listed_dict(x, w):
    seat = list(SURFACES).index("seating")
    y = x.copy()
    y[seat] = np.minimum(x[seat] + w[0], 0.99)
    return (np.sum(y * np.array(list(SURFACES.values()))) + x[tuple(SURFACES).index("walls")] * w[1]
            + x[sorted(SURFACES).count("floor")] + x[["a", "b"].index("b")])


# ------------------------------------------- scipy.special.logsumexp(..., return_sign=True): signed weights
def signed_logsumexp(x, w):
    from scipy.special import logsumexp

    s, sgn = logsumexp(x, b=w, return_sign=True)
    rows, signs = logsumexp(np.outer(x, w), axis=1, b=w - 0.5, return_sign=True, keepdims=True)
    return s * sgn + np.sum(rows * signs) + logsumexp(x, return_sign=True)[0]


# ------------- a name first assigned in a while loop surely entered, read after it (active-set dispatch)
def active_set_while(a, b, demand=6.0, max_iter=20):
    free = np.ones(len(a), dtype=bool)
    p = np.zeros(len(a))
    it = 0
    while it < max_iter:
        lam = (demand - np.sum(p[~free]) + np.sum(b[free] / a[free])) / np.sum(1.0 / a[free])
        p_try = (lam - b) / a
        too_high = free & (p_try > 2.0)
        if not np.any(too_high):
            break
        p[too_high] = 2.0
        free = free & ~too_high
        it += 1
    return np.sum(np.where(free, (lam - b) / a, p) ** 2) + lam


def tolerance_while(x):
    err = 1.0
    y = x.copy()
    while err > 1e-10:
        z = 0.5 * (y + x / y)
        err = np.max(np.abs(z - y))
        y = z
    return np.sum(z * x)


# ---------------- a ragged module-level table read at loop positions (a Runge-Kutta Butcher tableau)
TABLEAU_A = [[], [0.5], [0.0, 0.75], [2 / 9, 1 / 3, 4 / 9]]
TABLEAU_B = np.array([2 / 9, 1 / 3, 4 / 9, 0.0])


def butcher_stages(y, theta, h=0.1):
    for step in range(3):
        k = []
        for s in range(4):
            yi = y.copy()
            for j in range(s):
                yi = yi + h * TABLEAU_A[s][j] * k[j]
            k.append(np.array([theta[0] * yi[0] - theta[1] * yi[0] * yi[1], theta[1] * yi[0] * yi[1] - yi[1]]))
        y = y + h * TABLEAU_B @ np.array(k)
    return np.sum(y ** 2)


def ragged_rows_in_order(x):
    total = 0.0
    for s in range(1, 4):
        for j in range(s):
            total = total + TABLEAU_A[s][j] * x[j] ** (s + 1)
    for j in range(0):  # never runs: Python neither runs nor binds it
        total = total + TABLEAU_A[0][j]
    return total


# ------------------------------------ grid[i][j] = v into a list of lists; a[()] of a 0-d array, x[()] = v
def nested_list_grid(x):
    grid = [[0.0, 0.0], [0.0, 0.0]]
    for i in range(2):
        for j in range(2):
            grid[i][j] = x[i] * x[j]
    grid[1][0] += x[2]
    rows = [[0.0] * 3 for _ in range(2)]
    rows[1][2] = x[0] ** 2
    slots = [[0.0] * 3, [1.0] * 3]
    slots[0][1] = x[1] * 3.0
    return grid[0][1] + grid[1][1] * grid[1][0] + np.sum(np.array(rows) * x) + np.sum(np.array(slots) * x)


def empty_tuple_index(x):
    total = np.asarray(np.sum(x ** 2))
    y = np.zeros(3)
    y[()] = x * 2.0
    return total[()] * 2.0 + np.sum(x[()] * y)


# ----------------------------- items of a list known when compiled written inside a while loop (one object)
def list_items_in_while(x):
    vals = [0.0, 0.0, 0.0]
    k = 0
    while k < 3:
        vals[k] = x[k] * (k + 1)
        k += 1
    rows = [np.zeros(2), np.ones(2)]
    s = 0.0
    while s < 2.0:
        rows[k % 2] = rows[k % 2] + x[:2] * x[2]
        s += 0.7
        k += 1
    best = [x[0] + 1.0, 0.0]
    err = 1.0
    while err > 1e-10:
        new = 0.5 * (best[0] + x[1] / best[0])
        err = abs(new - best[0])
        best[0] = new
        best[1] += 1.0
    return vals[0] + vals[1] * vals[2] + np.sum(rows[0] * rows[1]) + best[0] * best[1]


# ----------------------------------------------- a view of a view, written (NumPy changes the base array)
def view_of_view_writes(x):
    A = np.zeros((3, 3))
    row = A[1]
    part = row[1:]
    part[:] = x[:2]
    W = np.outer(x, x)
    u = W[:, 1:]
    t = u[2]
    t[0] = x[0] * 5.0
    B = np.ones((4, 3))
    top = B[:2]
    r = top[1]
    r *= x
    return (np.sum(A * A) + A[1, 2] + np.sum(W * x[:, None]) + np.sum(u) + np.sum(B ** 2) + np.sum(top)
            + np.sum(part) + np.sum(t))


# -------------------- xs.sort() of a list (it was silently left unsorted); list(x).sort(); key= and reverse=
def list_sort_in_place(x):
    vals = [x[2], x[0], x[1] * 2.0]
    vals.sort(reverse=True)
    rows = list(x)
    rows.sort()
    keyed = [x[2], x[0], x[1]]
    keyed.sort(key=lambda v: (v - 0.45) ** 2)
    return vals[0] - vals[2] * 3.0 + rows[0] * rows[-1] + rows[1] + keyed[0] * 2.0 + keyed[-1]


# ---------------------------- d.update(...) and d.setdefault(k, v) as statements on a dict made in the function
def dict_update_setdefault(x):
    d = {"a": x[0], "b": x[1]}
    d.update({"a": x[2] * 2.0, "c": x[0]})
    d.update(b=x[1] ** 2)
    defaults = {"lr": 0.1, "w": x[0]}
    cfg = {"w": x[1]}
    cfg.setdefault("lr", 0.5)
    cfg.setdefault("w", 9.0)
    opts = {"lr": 0.2}
    opts.update(defaults)
    return d["a"] + d["b"] * d["c"] + cfg["w"] * cfg["lr"] + opts["w"] * opts["lr"]


# ------------------------------------------- sorted(zip(a, b)): tuples in Python's order (item by item)
def sorted_pairs(x):
    pairs = sorted(zip(x, x ** 2))
    y = np.array([1.0, 0.0, 1.0, 0.0])
    ranked = sorted(zip(y, x), reverse=True)  # ties in y broken by x
    return pairs[0][1] + pairs[-1][0] * 3.0 + sum(p[1] * (k + 1) for k, p in enumerate(ranked))


CASES = [
    (masked_max_min, lambda: (np.array([0.5, -0.3, 0.9, 0.1]), np.array([1.5, 0.7, -0.4, 2.0])), (0, 1)),
    (masked_rows_keepdims, lambda: (np.array([[0.5, -0.3, 0.9], [0.1, 0.7, -0.2], [0.35, 0.6, 0.25]]),), (0,)),
    (masked_prod_any_all, lambda: (np.array([0.5, -0.3, 0.9, 0.1]), np.array([1.5, 0.7, -0.4, 0.2])), (0,)),
    (masked_var_std, lambda: (np.array([[0.5, -0.3, 0.9], [0.1, 0.7, -0.2], [0.35, -0.6, 0.25]]),), (0,)),
    (masked_nan_reductions, lambda: (np.array([0.5, -0.3, 0.9, 0.1]), np.array([1.5, -0.7, 0.4, 0.2])), (0, 1)),
]

CASES += [
    (sorted_pairs, lambda: (np.array([0.5, 0.3, 0.9, 0.2]),), (0,)),
    (dict_update_setdefault, lambda: (np.array([0.5, 0.3, 0.9]),), (0,)),
    (list_sort_in_place, lambda: (np.array([0.5, 0.3, 0.9]),), (0,)),
    (view_of_view_writes, lambda: (np.array([0.5, -0.3, 0.9]),), (0,)),
    (list_items_in_while, lambda: (np.array([0.5, 0.3, 0.9]),), (0,)),
    (nested_list_grid, lambda: (np.array([0.5, -0.3, 0.9]),), (0,)),
    (empty_tuple_index, lambda: (np.array([0.5, -0.3, 0.9]),), (0,)),
    (butcher_stages, lambda: (np.array([1.2, 0.8]), np.array([1.1, 0.6])), (0, 1)),
    (ragged_rows_in_order, lambda: (np.array([0.3, -0.5, 0.9]),), (0,)),
    (active_set_while, lambda: (np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0, 5.0])), (0, 1)),
    (tolerance_while, lambda: (np.array([1.5, 2.0, 0.7]),), (0,)),
    (signed_logsumexp, lambda: (np.array([0.3, -0.5, 0.9]), np.array([1.0, -2.5, 0.4])), (0, 1)),
    (index_of_listed_dict, lambda: (np.array([0.3, 0.5, 0.6]), np.array([0.2, 1.5])), (0, 1)),
]

IDS = [f"{c[0].__name__}_{k}" for k, c in enumerate(CASES)]
