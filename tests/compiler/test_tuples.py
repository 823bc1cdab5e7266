"""Helpers that return several values, and tuples merged after an `if` (found by the held-out
corpus: `u, v = h(b)` with `def h(b): return 2.0 * b, b` gave a gradient of exactly 0, the tuple
packed into a value that carried no derivative). A helper's `return a, b` stays a Python tuple;
branches returning or assigning tuples merge item by item."""
import numpy as np
import pytest

import adjit
from conftest import family_tests, fd_check, run_grad

R = np.random.default_rng(61)


def two(b):
    return 2.0 * b, b


def as_list(b):
    return [2.0 * b, b ** 2]


def unpacked(b):
    u, v = two(b)
    return u + 3 * v


def indexed(b):
    r = two(b)
    return r[0] * r[1]


def from_list(b):
    u, v = as_list(b)
    return u * v


def differences(a):
    return a[:, 1:] - a[:, :-1], 2.0 * a[:, 1:]


def arrays(U, A):
    dx, dy = differences(A)
    return np.sum((dx * U + dy) ** 2)


def branchy(b):
    if b > 0:
        return b * 2, b ** 2
    return -b, b * 3


def through_branches(b):
    u, v = branchy(b)
    return u * v


def rhs(s, i):
    return -0.5 * s * i, 0.5 * s * i - 0.1 * i


def sir(s0, i0):
    s, i = s0, i0
    for t in range(5):
        ds, di = rhs(s, i)
        s, i = s + 0.1 * ds, i + 0.1 * di
    return s * i


def merged(x):
    if x[0] > 0:
        t = (x[1] * 2, x[2])
    else:
        t = (x[2], x[1] * 3)
    return t[0] * t[1]


CASES = [
    (unpacked, lambda: (0.3,), (0,)),
    (indexed, lambda: (0.3,), (0,)),
    (from_list, lambda: (0.3,), (0,)),
    (arrays, lambda: (R.standard_normal((4, 5)), R.standard_normal((4, 6))), (0, 1)),
    (through_branches, lambda: (0.3,), (0,)),
    (through_branches, lambda: (-0.3,), (0,)),
    (sir, lambda: (0.9, 0.1), (0, 1)),
    (merged, lambda: (np.array([0.5, 0.2, 0.7]),), (0,)),
    (merged, lambda: (np.array([-0.5, 0.2, 0.7]),), (0,)),
]
IDS = [f"{c[0].__name__}-{k}" for k, c in enumerate(CASES)]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


def test_the_reported_case_is_not_zero():
    assert adjit.grad(lambda b: two(b)[0])(0.3) == pytest.approx(2.0)


def carried(x):
    t = (x[0], x[1])
    for k in range(3):
        t = (t[0] * x[2], t[1] + t[0])
    return t[0] + t[1]


def carried_runtime(x, n):
    t = (x[0], x[1])
    for k in range(n[0]):
        t = (t[0] * x[2], t[1] + t[0])
    return t[0] + t[1]


def test_a_tuple_carried_around_a_loop_is_unrolled_or_a_located_error_that_says_so():
    """A loop of a trip count known when compiled is unrolled (frontend/staticloops.py); one known
    only at run time cannot carry a tuple."""
    x = np.array([0.5, 0.2, 0.7])
    value, (g,) = run_grad(carried, (x,), (0,))
    assert value == pytest.approx(carried(x))
    fd_check(carried, (x,), (0,), (g,))
    with pytest.raises(adjit.AdjitError, match="unrolls such a loop when it runs a number of times known") as e:
        adjit.grad(carried_runtime)(x, np.array([3]))
    assert "test_tuples.py:" in str(e.value)


def _none_carried_by_while(x):
    prev = None
    s = 0.0
    i = 0
    while i < 3:
        if prev is not None:
            s = s + prev * x[i]
        prev = x[i]
        i += 1
    return s


def _pair_carried_by_while(x):
    pair = (x[0], x[1])
    k = 0
    while k < 3:
        pair = (pair[1], pair[0] + pair[1])
        k += 1
    return pair[0] * pair[1]


@pytest.mark.parametrize("fun,name", [(_none_carried_by_while, "prev"), (_pair_carried_by_while, "pair")])
def test_a_python_value_a_while_loop_carries_is_a_located_error(fun, name):
    """Each iteration reads what the previous one bound: the value before the loop must never be
    read in every iteration instead (it was: 0.0 for NumPy's 8.0)."""
    with pytest.raises(adjit.UnsupportedSyntaxError, match=f"'{name}' is .* that each iteration of this `while` loop"):
        adjit.grad(fun)(np.array([1.0, 2.0, 3.0]))


def _shape_slices(A):
    B = np.zeros(A.shape[:-1] + (2,))
    B[..., 0] = A[..., 0]
    B[..., 1] = A.sum(axis=-1)
    D = A.reshape(*A.shape[:2], 2, 2)
    s = A.shape
    shp = list(s[1:])
    shp[0] = 1
    return np.sum(B ** 2) + np.sum(D[..., 0, :]) + np.sum(np.ones(shp) * A[0]) + len(s[::-1]) + s[-2:][0] * np.sum(A[0])


def test_a_shape_sliced_and_listed_is_pythons_tuple():
    """`x.shape[:-1] + (2,)` was 'Slice expressions are not supported', `list(x.shape)` 'list is not
    supported'; they are Python's tuple slice and list of the shape's ints."""
    A = np.random.default_rng(3).standard_normal((2, 3, 4))
    value, grads = run_grad(_shape_slices, (A,), (0,))
    assert np.isclose(value, _shape_slices(A), rtol=1e-12)
    fd_check(_shape_slices, (A,), (0,), grads)
