"""Lists built with `.append` (issue 12, "list building"; compiler/frontend/lists.py): appended once
per iteration of a for loop they become an array with one row per item; appended outside loops
they grow as Python lists do. Against central finite differences, forward mode against reverse
mode, and the located errors of what has a length known only at run time."""
import numpy as np
import pytest

import adjit
from conftest import check_against_fd, family_tests

R = np.random.default_rng(31)


def n(*shape):
    return R.standard_normal(shape)


def oscillator(params, observed):
    k, c = params
    x, v = 1.0, 0.0
    xs = []
    for t in range(len(observed)):
        a = -k * x - c * v
        x = x + 0.05 * v
        v = v + 0.05 * a
        xs.append(x)
    xs = np.array(xs)
    return np.sum((xs - observed) ** 2)


def trajectory(X):
    h = X[0]
    hs = [h]  # an initial item: the first row
    losses = []
    for i in range(1, X.shape[0]):
        h = np.tanh(h * 0.5 + X[i])
        hs.append(h)
        losses.append(np.sum(h ** 2))
    H = np.stack(hs)
    return np.sum(H ** 2) + sum(losses) + np.mean(losses) + hs[-1][0] + len(hs) + np.sum(hs[1:]) + max(losses)


def grown_outside_loops(X):
    out = []
    out.append(X[0])
    out.append(X[1] * 2)
    return np.sum(np.array(out) ** 2)


def nested_rows(X):
    rows = []
    for i in range(X.shape[0]):
        row = []
        for j in range(X.shape[1]):
            row.append(X[i, j] * (i + j))
        rows.append(np.array(row))
    return np.sum(np.array(rows) ** 2)


def over_rows(X):
    norms = []
    for r in X:
        norms.append(np.sqrt(np.sum(r ** 2)))
    return np.sum(np.log(norms))


CASES = [
    (oscillator, lambda: (np.array([1.3, 0.2]), n(12)), (0,)),
    (trajectory, lambda: (n(5, 3),), (0,)),
    (grown_outside_loops, lambda: (n(4, 3),), (0,)),
    (nested_rows, lambda: (n(4, 3),), (0,)),
    (over_rows, lambda: (n(5, 3),), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


def appended_in_branch(X):
    out = []
    for i in range(X.shape[0]):
        if X[i, 0] > 0:
            out.append(X[i])
    return np.sum(np.array(out))


def appended_in_while(X):
    out = []
    i = 0
    while i < X.shape[0]:
        out.append(X[i, 0])
        i += 1
    return np.sum(np.array(out))


def read_while_appending(X):
    out = [X[0, 0]]
    for i in range(1, X.shape[0]):
        out.append(out[-1] * X[i, 0])
    return np.sum(np.array(out))


def joined(X):
    out = []
    for i in range(X.shape[0]):
        out.append(X[i, 0])
    return np.sum(out + out)


def same_buffer(X):
    """Python's list holds h twice; the writes into h show through both (found by the fuzzing
    helper: adjit's rows were copies, a silent wrong value)."""
    h = np.zeros(3)
    ys = []
    for i in range(2):
        h[i] = X[i, 0]
        ys.append(h)
    return np.sum(np.array(ys))


def views_then_write(X):
    ys = []
    for i in range(2):
        ys.append(X[i])
    X[0] = 3.0 * X[1]
    return np.sum(np.stack(ys))


def copies_then_write(X):
    Z = X * 1.0  # (not X itself: the finite differences call this function on their own copies)
    ys = []
    for i in range(2):
        ys.append(Z[i].copy())
    Z[0] = 3.0 * Z[1]
    return np.sum(np.stack(ys)) + np.sum(Z)


def rows_then_write(X):
    Z = X * 1.0
    ys = []
    for row in Z:  # each row a view of Z
        ys.append(row)
    Z[0] = 0.0
    return np.sum(np.stack(ys))


def named_view_then_write(X):
    Z = X * 1.0
    ys = []
    for i in range(2):
        r = Z[i]
        ys.append(r)
    Z[0] = 0.0
    return np.sum(np.stack(ys))


def written_after_append(X):
    ys = []
    for i in range(2):
        h = np.zeros(2)
        ys.append(h)
        h[0] = X[i, 0]  # the list shows this write
    return np.sum(np.array(ys) ** 2)


def fresh_each_iteration(X):
    ys = []
    for i in range(3):
        h = np.zeros(2)
        h[0] = X[i, 0]  # written before it is appended, a new array every iteration: no sharing
        ys.append(h)
    return np.sum(np.array(ys) ** 2)


def test_appended_copies_and_fresh_arrays_are_not_refused():
    check_against_fd(copies_then_write, (n(4, 3),), (0,))
    check_against_fd(fresh_each_iteration, (n(4, 3),), (0,))


@pytest.mark.parametrize("fun,text", [
    (same_buffer, "NumPy would see the new values there"),
    (views_then_write, "NumPy would see the new values there"),
    (rows_then_write, "NumPy would see the new values there"),
    (named_view_then_write, "NumPy would see the new values there"),
    (written_after_append, "NumPy would see the new values there"),
    (appended_in_branch, "is appended to inside a branch or an inner loop"),
    (appended_in_while, "is appended to inside a `while` loop"),
    (read_while_appending, "also reads or rebinds it"),
    (joined, "Python would join or repeat the list"),
], ids=["same-buffer", "views", "rows", "named-view", "after-append", "branch", "while", "read", "join"])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(n(4, 3))
    assert text in str(e.value) and "test_lists.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)
