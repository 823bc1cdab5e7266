"""`in` / `not in` and sets of numbers (issue 12; compiler/frontend/membership.py): over tuples,
lists, ranges, arrays and comprehensions, as conditions of `if`, `while` and comprehension
filters; `set(...)` and set comprehensions kept as the values they hold, `len` of a set exact.
Gradients against central finite differences, forward mode against reverse mode; what a set
cannot be used for here is a located error."""
import numpy as np
import pytest

import adjit
from conftest import family_tests, run_grad

R = np.random.default_rng(23)


def neural_ode(W, x0, t_obs, y_obs, dt, n_steps):
    """A neural ODE fitted at observation times: the observed steps as a set."""
    obs_steps = set(int(round(t / dt)) for t in t_obs)
    x = x0
    total = 0.0
    k = 0
    for step in range(n_steps):
        x = x + dt * np.tanh(W @ x)
        if step + 1 in obs_steps:
            total = total + np.sum((x - y_obs[k]) ** 2)
            k += 1
    return total


def _ode_inputs():
    t_obs = np.array([0.5, 1.0, 1.0, 2.0])  # a repeated time: the set holds it once
    return 0.5 * R.standard_normal((3, 3)), R.standard_normal(3), t_obs, R.standard_normal((3, 3)), 0.1, 20


def literals(x, n):
    """A tuple, a list and ranges (a float key too: 0.5 is in no range of ints)."""
    s = 0.0
    for i in range(n):
        if i in (1, 3, 4):
            s = s + x[i] ** 2
        elif i not in [0, 2]:
            s = s + np.sin(x[i])
        if i in range(1, n, 3):
            s = s + x[i] ** 3
        if i - 4 not in range(5, -3, -2):
            s = s + x[i] * 0.5
        if x[i] * 0.0 + 0.5 in range(-10, 10):
            s = s + 100.0
    return s


def arrays(x, idx):
    """An array (NumPy's `(xs == k).any()`), a `while` condition, a comprehension's filter and a list
    made by a comprehension."""
    s = 0.0
    for i in range(x.shape[0]):
        if i in idx:
            s = s + x[i] ** 3
    k = 0
    while k not in idx:
        s = s + x[k]
        k += 1
    doubled = [2 * j for j in idx]
    return s + sum(x[i] ** 2 for i in range(x.shape[0]) if i in doubled)


def sets(x, idx):
    """Sets from a comprehension, an array, a range, a literal and a list; len() counts distinct
    values."""
    a = {int(j) * 2 for j in idx}
    b = set(idx)
    c = set(range(2, 6))
    d = {1, 5}
    e = frozenset([3, 3, 4])
    s = 0.0
    for i in range(x.shape[0]):
        if i in a:
            s = s + x[i]
        if i in b:
            s = s + x[i] ** 2
        if i in c or i in d or i in e:
            s = s + np.exp(x[i])
    sizes = len(a) + 10 * len(b) + 100 * len(c) + 1000 * len(d) + 10000 * len(e) + 100000 * len(set())
    return s * sizes


def selection(x):
    """`k in x[mask]`: among the selected elements only."""
    y = np.round(x * 2.0) / 2.0
    s = np.sum(x ** 2)
    if 0.5 in y[y > 0]:
        s = s * 2.0
    if -0.5 not in y[y > 0]:
        s = s + np.sum(x)
    return s


IDX = np.array([2, 5, 5, 7])
CASES = [
    (neural_ode, _ode_inputs, (0, 1)),
    (literals, lambda: (R.standard_normal(12), 12)),
    (arrays, lambda: (R.standard_normal(12), IDX)),
    (sets, lambda: (R.standard_normal(12), IDX)),
    (selection, lambda: (np.array([0.51, -0.52, 1.3, 0.2, -1.1]),)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS)


def count_distinct(x, v):
    s = set(v)
    return x * len(s)


@pytest.mark.parametrize("v", [np.array([3.0, 1.0, 3.0, np.nan, np.nan, -0.0, 0.0]), np.array([2.0]),
                               np.zeros(0)], ids=["dups-nans-zeros", "one", "empty"])
def test_len_of_a_set_counts_distinct_values(v):
    """As Python: equal values once (0.0 and -0.0 too), each NaN of an array on its own."""
    value, _ = run_grad(count_distinct, (1.0, v), (0,))
    assert value == count_distinct(1.0, v)


def iterate(x, idx):
    s = 0.0
    for i in set(idx):
        s = s + x[i]
    return s


def summed(x, idx):
    return x[0] * sum(set(idx))


def union(x, idx):
    return x[0] * (1 in set(idx) | {1})


def rows(x, idx):
    return x[0] * (3 in set(idx.reshape(2, 2)))


def filtered(x, idx):
    return x[0] * (3 in {j for j in idx if j > 2})


def array_key(x, idx):
    return x[0] * (x in (1.0, 2.0))


def added(x, idx):
    t = 0.0
    for i in range(3):
        s = set(idx)
        s.add(i)
        if 3 in s:
            t = t + x[i]
    return t


def list_of_arrays(x, idx):
    xs = []
    for i in range(3):
        xs.append(x * i)
    return x[0] * (2.0 in xs)


@pytest.mark.parametrize("fun,text", [
    (iterate, "for loops run over"),
    (summed, "sum() of a set"),
    (union, "a set (a set of numbers is kept for `in` tests and len() only)"),
    (rows, "set() of a 2-d array"),
    (filtered, "a set built by a filtered or nested comprehension"),
    (array_key, "`in` of an array in a list or tuple"),
    (added, "has no attribute 'add'"),
    (list_of_arrays, "`in` over a list of arrays"),
], ids=["iterate", "sum", "union", "rows", "filtered", "array-key", "add", "list-of-arrays"])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun).source(np.arange(5.0), np.array([1, 2, 2, 4]))
    assert text in str(e.value) and "test_membership.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)


def test_static_membership_is_decided_when_compiled():
    def f(x, act="tanh"):
        if act in ("tanh", "relu") and 2 in range(4) and 5 not in {1, 2}:
            return np.sum(np.tanh(x))
        return np.sum(x)

    src = adjit.grad(f).source(np.ones(3), "tanh")
    assert "np.tanh" in src and "range" not in src


def test_keys_of_a_dict_argument():
    def f(p, x):
        s = np.sum(p["W"] * x)
        if "b" in p:
            s = s + np.sum(p["b"])
        if "c" not in p:
            s = s * 2.0
        return s

    src = adjit.grad(f).source({"W": np.ones(3), "b": np.ones(3)}, np.arange(3.0))
    assert src.count("np.sum(") >= 2 and "2.0" in src  # both branches decided when compiled, taken
