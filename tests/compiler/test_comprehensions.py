"""Comprehensions and generators, conditional expressions, `and`/`or` with Python's short circuit,
the builtins sum/max/min over iterables, loops over list literals, and np.prod (issue 12: the
Python a scientist writes). Each against central finite differences, forward mode against
reverse mode, and the readable source executed as plain NumPy; then the located errors."""
import numpy as np
import pytest

import adjit
from conftest import check_against_fd, check_readable, family_tests, fd_check, run_grad

R = np.random.default_rng(11)


def n(*shape):
    return R.standard_normal(shape)


# --------------------------------------------------------------- comprehensions of run-time length
def gen_sum(x):
    return sum(x[i] ** 2 for i in range(len(x)))


def gen_sum_filtered(x):
    return np.sum([x[i] * x[i - 1] for i in range(1, x.shape[0]) if x[i] > 0])


def gen_mean_rows(x):
    return np.mean([np.sin(v) for v in x])


def gen_pairs(A):
    return sum(np.sum((A[i] - A[j]) ** 2) for i in range(A.shape[0]) for j in range(i + 1, A.shape[0]))


def list_to_array(x):
    ys = np.array([np.sin(v) * v for v in x])
    return np.sum(ys ** 2)


def deferred_list(x):
    ys = [np.sin(v) for v in x]
    zs = [x[i] * x[i - 1] for i in range(1, len(x))]
    x = x * 3.0  # the comprehension saw the old x, as Python's eager list does
    return np.sum(np.array(ys) ** 2) + sum(zs) + np.mean(ys) + np.sum(np.exp(zs)) + np.sum(x)


def zip_literal(x):
    return sum(w * v for w, v in zip([1.0, 2.0, 3.0], x[:3]))


# --------------------------------------------------------------- unrolled when compiled
def static_comp(x):
    return np.sum(np.array([x[k] * x[k + 1] for k in range(3)]))


def stack_powers(x):
    return np.sum(np.stack([x ** k for k in range(3)]) * np.array([[1.0], [2.0], [3.0]]))


def loop_over_list(A, x):
    layers = [A, A * 2.0]
    h = x[:3]
    for W in layers:
        h = np.tanh(W.T @ (W @ h))
    return np.sum(h)


def comp_over_list(A, x):
    Ws = [A, 0.5 * A]
    return sum(np.sum(np.tanh(W @ x[:3])) for W in Ws)


# --------------------------------------------------------------- conditional expressions, and/or
def ifexp(x):
    y = x if x[0] > 0 else -x
    return np.sum(y) + (1.0 if x[1] > 0 else x[1] ** 2)


def while_and(x):
    y = x.copy()
    i = 0
    while np.sum(y ** 2) > 1e-2 and i < 50:
        y = 0.5 * y
        i += 1
    return np.sum(y)


def while_and_index(x):
    i = 0
    s = 0.0
    while i < x.shape[0] and x[i] > -5:  # x[i] is read only while i is in range
        s += x[i] ** 2
        i += 1
    return s


def boolop_mixed(x):
    t = x[0] > 0 and x[1] > 0 or x[2] < 0
    return x[3] * 2 if t else x[4]


def builtins_fold(x):
    return sum((x[0], x[1])) * max(x[2], x[3], x[4]) + max([x[0], x[1]]) + min(x) + sum(x) + sum([x[0], 3.0])


# --------------------------------------------------------------- np.prod (exact with zeros)
def prod_all(x):
    return np.prod(x)


def prod_axes(A):
    return np.sum(np.prod(A, axis=1) ** 2) + np.sum(A.prod(axis=0, keepdims=True) * A) \
        + np.sum(np.prod(A, keepdims=True) * A)


def _zeros(A):
    A = A.copy()
    A.flat[::3] = 0.0
    return A


CASES = [
    (gen_sum, lambda: (n(5),), (0,)),  # 5 items: unrolled
    (gen_sum, lambda: (n(20),), (0,)),  # 20 items from a shape: a loop
    (gen_sum_filtered, lambda: (n(6),), (0,)),
    (gen_sum_filtered, lambda: (n(19),), (0,)),
    (gen_mean_rows, lambda: (n(5),), (0,)),
    (gen_pairs, lambda: (n(4, 3),), (0,)),
    (gen_pairs, lambda: (n(17, 2),), (0,)),
    (list_to_array, lambda: (n(5),), (0,)),
    (deferred_list, lambda: (n(5),), (0,)),
    (zip_literal, lambda: (n(5),), (0,)),
    (static_comp, lambda: (n(5),), (0,)),
    (stack_powers, lambda: (n(4),), (0,)),
    (loop_over_list, lambda: (0.3 * n(4, 3), n(5)), (0, 1)),  # not saturated: whatever draws the order gives
    (comp_over_list, lambda: (n(4, 3), n(5)), (0, 1)),
    (ifexp, lambda: (n(5),), (0,)),
    (while_and, lambda: (n(5),), (0,)),
    (while_and_index, lambda: (n(5),), (0,)),
    (boolop_mixed, lambda: (np.array([1.0, -1.0, -0.5, 0.3, 0.7]),), (0,)),
    (builtins_fold, lambda: (n(5),), (0,)),
    (prod_all, lambda: (n(5),), (0,)),
    (prod_all, lambda: (_zeros(n(7)),), (0,)),
    (prod_axes, lambda: (n(3, 4),), (0,)),
    (prod_axes, lambda: (_zeros(n(3, 4)),), (0,)),
]
IDS = [f"{c[0].__name__}-{k}" for k, c in enumerate(CASES)]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


@pytest.mark.parametrize("fun,make,wrt", CASES[::3], ids=IDS[::3])
def test_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)  # against the lowered gradient (time budget)


def test_short_circuit_skips_the_right_operand():
    """`i < n and x[i] > 0` must not read x[n]: the loop ends at the array's end, no IndexError."""
    x = np.array([1.0, 2.0, 3.0])
    assert np.allclose(adjit.grad(while_and_index)(x), 2 * x)


def test_both_branches_of_a_conditional_expression():
    for x in (np.array([1.0, 2.0, 0.0, 0.0, 0.0]), np.array([-1.0, -2.0, 0.0, 0.0, 0.0])):
        check_against_fd(ifexp, (x,), (0,))


# --------------------------------------------------------------- located errors
def list_concat(x):
    ys = [x[i] ** 2 for i in np.flatnonzero(x > 0)]  # a run-time length: its join is a located error
    return np.sum(ys + ys)


def list_concat_known_length(x):  # of a length known when compiled: Python's join (api_probe3), not `ys * 2`
    ys = [v ** 2 for v in x]
    return np.mean(ys + ys) + len(ys + ys) * x[0]


def comp_of_arrays_summed(A):
    return np.sum(sum(A[i] * 2.0 for i in range(A.shape[0])))


def max_of_gen(x):
    return max(v for v in x)


def ambiguous_and(x):
    return 1.0 if (x > 0 and x[0] > 0) else 0.0


@pytest.mark.parametrize("fun,arg,text", [
    (list_concat, n(3), "Python would join or repeat the list"),
    (ambiguous_and, n(3), "is ambiguous"),
], ids=["concat", "ambiguous-and"])
def test_located_errors(fun, arg, text):  # noqa: D103
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(arg)
    assert text in str(e.value)
    assert "test_comprehensions.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)


def test_join_of_a_comprehension_of_known_length():
    check_against_fd(list_concat_known_length, [n(3)], (0,), compiled=False)


def test_sum_of_array_items_over_a_loop():  # was a located error; the sum starts at zeros of the items' shape
    A = np.random.default_rng(4).standard_normal((20, 2))  # 20 rows: a loop, not unrolled
    value, (g,) = run_grad(comp_of_arrays_summed, (A,), (0,))
    assert np.isclose(value, comp_of_arrays_summed(A)) and np.allclose(g, 2.0)


def test_max_of_a_generator_over_an_array():  # was a located error; now the max of its items
    x = np.array([0.3, -1.2, 0.8])
    np.testing.assert_allclose(adjit.grad(max_of_gen)(x), [0.0, 0.0, 1.0])


def _mean_of_rows(x, W):
    return np.mean([x * w for w in W])


def _mean_filtered(x, W):
    return np.mean([np.sum(x * w) for w in W if w[0] > 0])


def _mean_enumerated(x, W):
    return np.mean([x * w[0] for k, w in enumerate(W)]) + np.size(2.0) + len(np.shape(x[0]))


@pytest.mark.parametrize("fun", [_mean_of_rows, _mean_filtered, _mean_enumerated])
def test_mean_of_a_comprehension_divides_by_its_elements(fun):
    """np.mean of a list of arrays is the mean of every element (it divided by the number of items:
    3x too large for rows of 3; found by the fuzzer, seeds 9102 and 9103)."""
    W = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.3, 0.1, 0.2]])
    x = np.array([0.1, 0.2, 0.6])
    value, (g,) = run_grad(fun, [x, W], (0,))
    assert np.isclose(value, fun(x, W), rtol=1e-13)
    fd_check(fun, [x, W], (0,), (g,))
