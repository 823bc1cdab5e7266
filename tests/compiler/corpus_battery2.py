"""Programs for test_battery2.py: everyday NumPy/SciPy/Python constructs (a probe's second battery).
Functions adjit compiles live here, outside the test module."""
import collections
import math

import numpy as np
import scipy.integrate


def float_power(x):
    return np.sum(np.float_power(np.abs(x) + 0.5, 1.5) + np.float_power(2, x))


def ediff1d(x):
    return np.sum(np.ediff1d(x) ** 2) + np.sum(np.ediff1d(x.reshape(2, 3), to_begin=x[0], to_end=[1.0, 2.0]) ** 3)


def fsum_prod(x):
    return math.fsum([x[0], x[1] * 2, x[2], 0.1]) * math.prod([x[0], x[1], x[2]], start=2.0) + math.fsum(x)


def logaddexp_reduce(x):
    A = x.reshape(2, 3)
    return np.logaddexp.reduce(x) + np.sum(np.logaddexp2.reduce(A, axis=1) ** 2) + np.sum(np.logaddexp.reduce(A))


def rank_scaled(A):
    B = np.array([[1.0, 2.0], [2.0, 4.0]])
    return np.sum(A ** 2) * np.linalg.matrix_rank(A) + np.linalg.matrix_rank(B) * A[0, 0]


def simpson_odd(y):
    return scipy.integrate.simpson(y) + scipy.integrate.simpson(y, dx=0.5)


def simpson_even_x(y, x):
    return scipy.integrate.simpson(y, x=x) + scipy.integrate.simpson(y[:5], x=x[:5])


def simpson_2d(y, x):
    Y = y[:6].reshape(2, 3)
    return np.sum(scipy.integrate.simpson(Y, x=x[:3], axis=1) ** 2) + np.sum(scipy.integrate.simpson(Y, axis=0))


def isin_digitize(x):
    keep = np.isin(np.arange(6), [1, 3, 4])
    bins = np.array([-0.5, 0.0, 0.5])
    k = np.digitize(x, bins) + np.digitize(x, bins[::-1], right=True)
    return np.sum(np.where(keep, x, 0.0) * k) + np.sum(np.where(np.isin(k, [2], invert=True), x ** 2, 0.0))


def argwhere_computed(x):
    idx = np.argwhere(x > 0)
    return np.sum(x[idx[:, 0]] ** 2)


def choose(x):
    idx = np.array([0, 1, 2, 1, 0, 2])
    return np.sum(np.choose(idx, [x, x ** 2, 3.0]) * np.arange(6)) + np.sum(np.choose(idx + 1, [x, -x, x * 2],
                                                                                        mode="clip"))


def _sq(t):
    return t * t


def piecewise(x):
    y = np.piecewise(x, [x < 0, x >= 0.2], [lambda t: -t, _sq, 0.25])
    z = np.piecewise(x, [x < 0.1], [lambda t, s: s * np.sin(t), lambda t, s: s * t], 3.0)
    z = z + np.piecewise(x, x > 0.2, [np.cos, np.exp])
    return np.sum(y * np.arange(6)) + np.sum(z)


def _row_norm(r):
    return np.sqrt(np.sum(r ** 2))


def apply_along_axis(x):
    A = x.reshape(2, 3)
    a = np.apply_along_axis(_row_norm, 1, A)
    b = np.apply_along_axis(lambda c: c[::-1] * c[0], 0, A)
    return np.sum(a * np.array([1.0, 2.0])) + np.sum(b * np.arange(6.0).reshape(2, 3))


def namedtuple_inside(x):
    P = collections.namedtuple("P", "w b")
    p = P(x[0], b=x[1] * 2)
    return p.w * p.b + p[1]


CASES = [
    (float_power, "vec6", (0,)), (ediff1d, "vec6", (0,)), (fsum_prod, "vec6", (0,)),
    (logaddexp_reduce, "vec6", (0,)), (rank_scaled, "mat3", (0,)), (simpson_odd, "vec7", (0,)),
    (simpson_even_x, "pair", (0, 1)), (simpson_2d, "pair", (0, 1)), (isin_digitize, "vec6", (0,)),
    (argwhere_computed, "vec6", (0,)), (choose, "vec6", (0,)), (piecewise, "vec6", (0,)),
    (apply_along_axis, "vec6", (0,)), (namedtuple_inside, "vec6", (0,)),
]


def make(kind):
    rng = np.random.default_rng(7)
    if kind == "vec6":
        return (np.array([-0.7, 0.3, 0.15, -0.2, 0.9, 0.45]),)
    if kind == "vec7":
        return (rng.standard_normal(7),)
    if kind == "mat3":
        return (rng.standard_normal((3, 3)),)
    return (rng.standard_normal(6), np.cumsum(rng.uniform(0.2, 1.0, 6)))


# ---- values against NumPy/SciPy at the edges (no gradient asked of the constant parts)
def simpson_two_points(y):
    return scipy.integrate.simpson(y[:2], x=np.array([0.0, 0.3])) + scipy.integrate.simpson(y[:4], dx=0.3)


def simpson_repeated_x(y):
    return scipy.integrate.simpson(y[:3], x=np.array([0.0, 0.3, 0.3]))


def logaddexp_infinite(y):
    return np.exp(np.logaddexp.reduce(np.array([-np.inf, -np.inf]))) + np.logaddexp.reduce(np.array([y[0], -np.inf]))


def digitize_decreasing(y):
    return np.sum(np.digitize(y, np.array([1.0, 0.0, -1.0])) * y)


def digitize_not_monotonic(y):
    return np.sum(np.digitize(y, np.array([1.0, 2.0, -1.0])) * y)


def piecewise_ints(y):
    return np.sum(np.piecewise(np.arange(5), [np.arange(5) > 2], [lambda t: t * 1.5, 7.7])) * y[0]


def piecewise_not_elementwise(y):
    return np.sum(np.piecewise(y, [y > 0], [lambda t: t - np.mean(t)]))


def rank_tolerances(y):
    return np.linalg.matrix_rank(np.diag(y[:3]), tol=0.5) * y[0] + np.linalg.matrix_rank(y) + \
        np.linalg.matrix_rank(np.zeros((2, 3)))


def choose_wrap(y):
    return np.sum(np.choose(np.array([0, -1, 5]), [y[:3], y[2:5]], mode="wrap"))


def choose_negative(y):
    return np.sum(np.choose(np.array([0, -1]), [y[:2], y[2:4]]))


def ediff1d_ints(y):
    return np.sum(np.ediff1d(np.array([1, 4, 9]), to_begin=2)) * y[0]


def ediff1d_float_begin(y):
    return np.sum(np.ediff1d(np.array([1, 4, 9]), to_begin=2.5)) * y[0]


def argwhere_2d(y):
    return np.sum(np.argwhere(y.reshape(2, 3) > 0) * np.array([1, 10])) * y[0]


def apply_3d(y):
    return np.sum(np.apply_along_axis(np.sum, 0, y[:6].reshape(1, 2, 3) ** 2))


def fsum_cancelling(y):
    return math.fsum([1e16, 1.0, -1e16, y[0]]) + math.fsum([0.1] * 10)


EDGES = [simpson_two_points, simpson_repeated_x, logaddexp_infinite, digitize_decreasing, piecewise_ints,
         rank_tolerances, choose_wrap, ediff1d_ints, argwhere_2d, apply_3d, fsum_cancelling]


# ---- Python lists: methods and slices (listmethods.py)
def list_pop(x):
    xs = [x[0], x[1], x[2]]
    a = xs.pop()
    b = xs.pop(0)
    return a * b + xs[0] * len(xs)
def list_slice(x):
    s = sorted([x[0], x[1], x[2]])[:2]
    t = (x[0], x[1], x[2])[::-1]
    xs = [x[3], x[4], x[5]]
    return s[0] * s[1] + t[0] * 2 + np.sum(np.array(xs[1:])) + xs[::-1][0] * 3
def list_insert(x):
    xs = [x[0], x[1]]
    xs.insert(1, x[2])
    xs.extend([x[0], 3.0])
    xs.insert(-1, x[3])
    xs.extend(x[4:6])
    return xs[1] * xs[3] + xs[4] * xs[5] + xs[-1] + len(xs)
def list_index(x):
    ks = [3, 1, 4, 1]
    return x[ks.index(4, 1)] * ks.count(1) + x[ks[::-1][1]]
def list_built(x):
    xs = []
    xs.append(x[0])
    xs.append(x[1])
    ys = xs.copy()
    ys.pop()
    return xs[-1] * len(xs) + ys[-1] * len(ys)
def list_alias(x):
    xs = [x[0], x[1]]
    ys = xs
    xs.append(x[2])
    return np.sum(np.array(ys))
def list_alias_pop(x):
    xs = [x[0], x[1]]
    ys = xs
    xs.pop()
    return np.sum(np.array(ys))
def list_loop(x):
    xs = [x[0], x[1], x[2]]
    for i in range(2):
        xs.pop()
    return xs[0]
def list_branch(x):
    xs = [x[0], x[1], x[2]]
    if x[0] > 0:
        xs.pop()
    return xs[-1]
def _pop_arg(xs):
    xs.pop()
    return 1.0
def list_helper(x):
    xs = [x[0], x[1], x[2]]
    a = _pop_arg(xs)
    return xs[-1] * a
def list_index_run(x):
    xs = [x[0], x[1]]
    return xs.index(x[1])


LISTS = [list_pop, list_slice, list_insert, list_index, list_built]
LIST_ERRORS = [(list_alias, "another name"), (list_alias_pop, "another name"), (list_loop, "inside a loop"),
               (list_branch, "under an `if`"), (list_helper, "the caller passed in"),
               (list_index_run, "computed when the function runs")]


# ---- dicts made in the function, written with static keys (structures.py)
CFG = {"a": 1.0, "b": 2.0}
LEVELS = {"v": 0.5}
def dict_copy(x):
    levels = dict(LEVELS)
    levels["w"] = x[0] * 2
    d2 = {**levels}
    d2["w"] = d2["w"] + x[1]
    d3 = levels.copy()
    d3["new"] = x[2]
    d4 = dict(CFG, c=x[3])
    d4["a"] = x[4]
    return levels["w"] * d2["w"] + d3["new"] * len(d3) + d4["a"] * d4["c"] + d4["b"] + levels["v"]
def dict_unrolled(x):
    out = {}
    for k in ("a", "b"):
        out[k] = x[0] * len(k)
    for k, v in LEVELS.items():
        out[k] = v * x[1]
    return out["a"] + out["b"] + out["v"]
def dict_branch(x):
    d = dict(LEVELS)
    if x[0] > 0:
        d["v"] = x[1]
    return d["v"]
def dict_loop(x):
    d = dict(LEVELS)
    for i in range(3):
        d["v"] = d["v"] * x[i]
    return d["v"]
def dict_alias(x):
    d = dict(LEVELS)
    e = d
    d["v"] = x[0]
    return e["v"]
def dict_arg(x):
    LEVELS["v"] = x[0]
    return LEVELS["v"]
def dict_runtime_key(x):
    d = {0: x[0], 1: x[1]}
    k = int(x[2] > 0)
    d[k] = x[3]
    return d[0]
def _w(d, v):
    d["v"] = v
    return 1.0
def dict_helper(x):
    d = dict(LEVELS)
    a = _w(d, x[0])
    return d["v"]


# a dict's items written in a loop: carried (0df5502); an existing key written under a run-time if (4ced0ef)
DICTS = [dict_copy, dict_unrolled, dict_loop, dict_branch]
DICT_ERRORS = [(dict_alias, "another name"),
               (dict_arg, "read-only"), (dict_runtime_key, "must be a constant"), (dict_helper, "other than the one")]
