"""Lists the way scientists build them (issue 12; compiler/frontend/lists.py, slots.py, slotcheck.py):
`.append` in any loop (a `for` loop's top level: one row per iteration; inside an `if`, an inner
loop or a `while` loop: a growing array whose final length is a run-time extent), reading the list
while appending to it, and placeholder lists `[None] * n` filled by index in any order. Against
central finite differences, forward mode against reverse mode, and the located errors of what
adjit refuses (an item that may be read before it is written, items of different shapes, writes
that NumPy would see through the list and adjit would not)."""
import re

import numpy as np
import pytest

import adjit
from adjit.compiler.jit import CompiledFunction
from conftest import check_against_fd, check_readable, family_tests, fd_check, run_grad

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


def lotka(k, C0, D0, t_end):
    """The issue's integrator: appended in a `while` loop, its length known only when it runs."""
    out = []
    C, D = C0, D0
    t = 0.0
    dt = 0.1
    while t < t_end:
        C = C - dt * k * C * D
        D = D + dt * k * C * D
        out.append([C, D])
        t += dt
    traj = np.array(out)
    return np.sum(traj ** 2) + out[-1][0] + len(out) * 0.5 + traj[-1, 1]


def appended_in_branch(X):
    out = []
    for i in range(X.shape[0]):
        if X[i, 0] > 0:
            out.append(X[i] * 2.0)
    return np.sum(np.array(out) ** 2)


def appended_in_inner_loop(X):
    out = []
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > -0.5:
                out.append(X[i, j] * (i + 1))
    return np.sum(np.array(out) ** 2) + np.mean(out)


def read_while_appending(A, x0):
    traj = [x0]
    err = 0.0
    for i in range(24):  # past the first growth (16 rows) when it grows
        x = traj[-1]
        traj.append(x + 0.1 * np.tanh(A @ x))
        err = err + np.sum(x ** 2) * len(traj)
    return err + np.sum(np.stack(traj) ** 2) + np.sum(traj[3])


def first_append_guarded(X):
    out = []
    for i in range(X.shape[0]):
        if len(out) > 0:
            out.append(out[-1] * 0.5 + X[i])
        else:
            out.append(X[i])
    return np.sum(np.array(out) ** 2)


def appended_again(X):
    out = []
    for i in range(3):
        out.append(X[i] * 2.0)
    for j in range(3, 6):  # a second loop: the first one's rows come first
        if X[j, 0] > -1.0:
            out.append(X[j] ** 2)
    out.append(X[0] * 3.0)  # and after the loops
    k = 0
    while k < 2:
        out.append(out[-1] * 0.5)
        k += 1
    rows = list(X)  # the rows of an array, as a list
    rows.append(X[1] * 2)
    return np.sum(np.array(out) ** 2) + len(out) + np.sum(np.array(rows) ** 2)


def rts_smoother(q, r, obs, A, H):
    """The issue's Rauch-Tung-Striebel smoother: placeholder lists filled forward, then backward."""
    n = len(obs)
    d = A.shape[0]
    xs = [None] * n
    Ps = [None] * n
    x = np.zeros(d)
    P = np.eye(d)
    for k in range(n):
        x = A @ x
        P = A @ P @ A.T + q * np.eye(d)
        S = H @ P @ H.T + r
        K = P @ H.T / S
        x = x + K * (obs[k] - H @ x)
        P = P - np.outer(K, H @ P)
        xs[k] = x
        Ps[k] = P
    xs_s = [None] * n
    xs_s[-1] = xs[-1]
    for k in range(n - 2, -1, -1):
        Pp = A @ Ps[k] @ A.T + q * np.eye(d)
        G = Ps[k] @ A.T @ np.linalg.inv(Pp)
        xs_s[k] = xs[k] + G @ (xs_s[k + 1] - A @ xs[k])
    return np.sum((np.array(xs_s) @ H - obs) ** 2)


def filled_forward(X):
    n = X.shape[0]
    xs = [None] * n
    xs[0] = np.tanh(X[0])
    for k in range(1, n):
        xs[k] = np.tanh(0.5 * xs[k - 1] + X[k])
    return np.sum(np.array(xs) ** 2) + np.sum(xs[-1]) + sum(xs)[1]


def first_branch_reads_nothing(X):
    n = len(X)
    xs = [None] * n
    for k in range(n):
        if k == 0:
            prev = np.zeros(3)
        else:
            prev = xs[k - 1]
        xs[k] = np.sin(prev + X[k])
        prev = prev * 2.0  # a read item is a value of its own: rebinding the slot does not change it
    total = 0.0
    for x in xs:
        total = total + np.sum(x * x)
    return total + np.sum(prev)


def numbers_by_index(X):
    n = X.shape[0]
    ys = [0.0] * n
    for k in range(n):
        ys[k] = np.sum(X[k] ** 2)
    ys[2] += 1.5
    return sum(ys) * ys[1] + max(ys)


def written_in_both_branches(X):
    xs = [None] * X.shape[0]
    for k in range(X.shape[0]):
        if X[k, 0] > 0:
            xs[k] = X[k] * 2.0
        else:
            xs[k] = X[k] ** 2
    return np.sum(np.stack(xs))


def filled_by_while(X):
    n = X.shape[0]
    xs = [None] * n
    k = 0
    while k < n:
        xs[k] = X[k, 0] * X[k, 1]
        k += 1
    return np.sum(np.array(xs) ** 2)


def length_at_run_time(X, T):
    n = int(T * 2.0)
    xs = [None] * n
    for k in range(n - 1, -1, -1):
        xs[k] = np.sum(X[k % 5] ** 2) * k
    return np.sum(np.array(xs) ** 2)


def copies_and_aliases(X):
    xs = [None] * 2
    ys = xs  # the same list
    ys[0] = X[0]
    xs[1] = X[1]
    zs = list(xs)  # a new list of the same items
    t = tuple(xs)
    zs[0] = X[2] * 3.0
    xs[1] = X[3] * 5.0
    return np.sum(np.array(ys)) + 2 * np.sum(np.array(zs)) + 3 * np.sum(t[1]) + len(zs)


def filled_slots(X):
    xs = [np.zeros(3)] * 4  # every slot the same array until rebound
    xs[1] = X[1] * 2
    return np.sum(np.array(xs) ** 2) + np.sum(xs[0]) + np.sum(xs[1])


def helper_reads(X):
    def total(lst):
        return np.sum(np.array(lst)) + lst[0][1]
    xs = [None] * 3
    for k in range(3):
        xs[k] = X[k] * X[k + 1]
    return total(xs) + len(xs)


CASES = [  # the first compiled with Numba (a growing list), the rest run as the lowered module
    (appended_in_branch, lambda: (n(6, 3),), (0,)),
    (filled_forward, lambda: (n(6, 3),), (0,)),
    (oscillator, lambda: (np.array([1.3, 0.2]), n(12)), (0,)),
    (trajectory, lambda: (n(5, 3),), (0,)),
    (grown_outside_loops, lambda: (n(4, 3),), (0,)),
    (nested_rows, lambda: (n(4, 3),), (0,)),
    (over_rows, lambda: (n(5, 3),), (0,)),
    (lotka, lambda: (0.7, 1.0, 0.5, 2.05), (0, 1, 2)),
    (appended_in_inner_loop, lambda: (n(6, 3),), (0,)),
    (read_while_appending, lambda: (n(3, 3) * 0.5, n(3)), (0, 1)),
    (first_append_guarded, lambda: (n(5, 3),), (0,)),
    (appended_again, lambda: (n(6, 3),), (0,)),
    (rts_smoother, lambda: (0.1, 0.5, n(12), np.array([[1.0, 0.1], [0.0, 0.9]]), np.array([1.0, 0.3])), (0, 1, 3, 4)),
    (first_branch_reads_nothing, lambda: (n(6, 3),), (0,)),
    (numbers_by_index, lambda: (n(6, 3),), (0,)),
    (written_in_both_branches, lambda: (n(6, 3),), (0,)),
    (filled_by_while, lambda: (n(6, 3),), (0,)),
    (length_at_run_time, lambda: (n(5, 3), 4.3), (0,)),
    (copies_and_aliases, lambda: (n(4, 3),), (0,)),
    (filled_slots, lambda: (n(4, 3),), (0,)),
    (helper_reads, lambda: (n(4, 3),), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, every=len(CASES))


@pytest.mark.parametrize("fun", [rts_smoother, lotka, read_while_appending], ids=lambda f: f.__name__)
def test_readable_source_agrees(fun):
    make, wrt = next((c[1], c[2]) for c in CASES if c[0] is fun)
    check_readable(fun, make(), wrt, compiled=False)


def test_growing_list_records_no_array_per_iteration():
    """The reverse sweep of a growing list records two ints per append, never the rows (which would
    make it quadratic), and copies no adjoint array outside the doubling steps."""
    src = adjit.grad(lotka, wrt=(0,)).source(0.7, 1.0, 0.5, 2.05)
    tape = next(line for line in src.splitlines() if "tape per iteration" in line)
    assert "ragged" not in tape and "f64[" not in tape, tape
    reverse = src.split("--- reverse sweep ---")[1]
    assert len(re.findall(r"= \w+\.copy\(\)", reverse)) == 1, reverse  # `dout[:n]`'s copy where it doubled


def test_a_long_sweep_is_checked_at_once():
    """10^5 items written forward then backward: every read proven written without a walk per
    iteration (slotflat.py), and a read one item ahead found at its first iteration."""
    X = n(100000, 2)
    CompiledFunction(filled_forward_2d, (0,), mode="value_and_grad").ir(X)
    with pytest.raises(adjit.AdjitError, match=r"reads item 2 of 'ys', which may not be written yet, when k = 1 "):
        CompiledFunction(one_ahead, (0,), mode="value_and_grad").ir(X)


def filled_forward_2d(X):
    n = X.shape[0]
    xs = [None] * n
    xs[0] = X[0]
    for k in range(1, n):
        xs[k] = 0.9 * xs[k - 1] + X[k]
    ys = [None] * n
    ys[-1] = xs[-1]
    for k in range(n - 2, -1, -1):
        ys[k] = xs[k] + 0.5 * (ys[k + 1] - xs[k])
    return np.sum(np.array(ys) ** 2)


def one_ahead(X):
    n = X.shape[0]
    ys = [None] * n
    ys[0] = X[0]
    for k in range(1, n):
        ys[k] = ys[k - 1] * 0.5 + ys[k + 1]
    return np.sum(np.array(ys))


# -- refused, with a located error
def read_ahead(X):
    n = X.shape[0]
    xs = [None] * n
    xs[0] = X[0]
    for k in range(1, n):
        xs[k] = X[k] + xs[k + 1]
    return np.sum(np.array(xs))


def partly_filled(X):
    n = X.shape[0]
    xs = [None] * n
    for k in range(n - 1):
        xs[k] = X[k] * 2
    return np.sum(np.array(xs))


def filled_where_data_says(X):
    xs = [None] * X.shape[0]
    for k in range(X.shape[0]):
        if X[k, 0] > 0:
            xs[k] = X[k] * 2
    return np.sum(np.array(xs))


def index_from_data(X):
    xs = [None] * 4
    for k in range(4):
        if k != 2:
            xs[k] = X[k]
    return np.sum(xs[int(X[0, 0] > 0) * 2])


def read_before_any_write(X):
    xs = [None] * 3
    for k in range(3):
        xs[k] = xs[k - 1] + X[k]
    return np.sum(np.array(xs))


def added_into_item(X):
    xs = [np.zeros(3)] * 3  # one array in every slot: += would change them all
    xs[0] += X[0]
    return np.sum(np.array(xs))


def _put(lst, k, v):
    lst[k] = v
    return 0.0


def written_in_helper(X):
    xs = [None] * 2
    a = _put(xs, 0, X[0]) + _put(xs, 1, X[1])
    return np.sum(np.array(xs)) + a


def held_array_written(X):
    h = X[0] * 1.0
    xs = [None] * 2
    xs[0] = h
    xs[1] = X[1] * 1.0
    h[0] = 5.0  # the list holds h itself
    return np.sum(np.array(xs))


def item_written(X):
    xs = [None] * 2
    xs[0] = X[0] * 1.0
    xs[1] = X[1] * 1.0
    r = xs[0]
    r[0] = 5.0  # writes into the array the list holds
    return np.sum(np.array(xs)) + np.sum(r)


def held_through_growth(X):
    h = X[0] * 1.0
    out = [h]
    i = 0
    while i < 20:  # the rows are copied into a larger array on the way
        out.append(X[i % 4] * 1.0)
        i += 1
    h[0] = 5.0
    return np.sum(np.array(out))


def shapes_differ(X):
    xs = [None] * 2
    xs[0] = X[0]
    xs[1] = X[1, :2]
    return np.sum(np.array(xs))


def ints_then_floats(X):
    xs = [0] * 3
    xs[1] = X[0, 0]
    return np.sum(np.array(xs))


def first_item_in_one_branch(X):
    xs = [None] * 2
    if X[0, 0] > 0:
        xs[0] = X[0]
    xs[1] = X[1]
    return np.sum(np.array(xs))


def repeated(X):
    out = []
    for i in range(X.shape[0]):
        out.append(X[i, 0])
    return np.sum(out * 2)


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
    check_against_fd(copies_then_write, (n(4, 3),), (0,), compiled=False)
    check_against_fd(fresh_each_iteration, (n(4, 3),), (0,), compiled=False)


@pytest.mark.parametrize("fun,text", [
    (read_ahead, "reads item 2 of 'xs', which may not be written yet, when k = 1 in the loop at line"),
    (partly_filled, "'xs' is used whole here, but item 3 of it may not be written yet"),
    (filled_where_data_says, "'xs' is used whole here, but item 0 of it may not be written yet"),
    (index_from_data, "adjit cannot tell which item of 'xs' this reads"),
    (read_before_any_write, "the list 'xs' is used before any item is written to it"),
    (added_into_item, "changes in place the array the list item holds"),
    (written_in_helper, "writing into the list 'lst' ('xs' where it was made) inside a function other than"),
    (held_array_written, "NumPy would see the new values there"),
    (item_written, "writing into an item read from the list 'xs' is not supported"),
    (held_through_growth, "NumPy would see the new values there"),
    (shapes_differ, "the items of 'xs' must all have one shape"),
    (ints_then_floats, "the items of 'xs' must all have one dtype"),
    (first_item_in_one_branch, "gets its first item in only one branch of an `if`"),
    (repeated, "Python would join or repeat the list"),
    (same_buffer, "NumPy would see the new values there"),
    (views_then_write, "NumPy would see the new values there"),
    (rows_then_write, "NumPy would see the new values there"),
    (named_view_then_write, "NumPy would see the new values there"),
    (written_after_append, "NumPy would see the new values there"),
])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(n(4, 3))
    assert text in str(e.value) and "test_lists.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)


def _appended_by_helper(X):
    ys = []
    for row in X:
        ys.append(np.sum(row ** 2))
    return ys


def _joins_a_returned_list(X):
    ys = _appended_by_helper(X)
    zs = ys + ys  # Python joins: never elementwise
    return np.sum(np.array(zs) ** 2)


def _uses_a_returned_list(X):
    ys = _appended_by_helper(X)
    return np.sum(np.array(ys)) * len(ys)


def test_a_list_a_helper_returns_stays_a_list():
    """A helper's `return ys` handed its caller the rows' array: `ys + ys` added elementwise (59.97
    for Python's 29.99). Now the caller holds the list: joining it is Python's join (the rows of
    np.concatenate, heldout10), using it works."""
    X = np.arange(6.0).reshape(3, 2) * 0.3
    value, grads = run_grad(_joins_a_returned_list, [X], (0,))
    assert np.isclose(value, _joins_a_returned_list(X))
    fd_check(_joins_a_returned_list, (X,), (0,), grads)
    value, grads = run_grad(_uses_a_returned_list, [X], (0,))
    assert np.isclose(value, _uses_a_returned_list(X))
    fd_check(_uses_a_returned_list, (X,), (0,), grads)


def _comprehension_over_built_list(X):
    ys = []
    for row in X:
        ys.append(row * 3.0)
    return np.sum(np.array([y[1] for y in ys]) ** 2) + sum(np.sum(y) for y in ys)


def test_a_comprehension_runs_over_a_built_list():
    X = np.arange(6.0).reshape(3, 2) * 0.3
    check_against_fd(_comprehension_over_built_list, [X], (0,), compiled=False)
