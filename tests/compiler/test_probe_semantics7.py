"""Silent wrong results found by the seventh semantics hunt (2026-12-03: Python conversions of
NumPy scalars, signed zeros of np.maximum/np.minimum, singular determinants, hand-written norms,
aliasing across helpers, index writes with duplicates, data-dependent control flow, float32):
each program against NumPy's value and dtype, central differences and forward mode, through the
lowered module run as Python (no Numba compile: the suite's budget) unless the compiled code is the
subject. Each failed on the code before its fix (docs/reliability.md)."""
import math

import numpy as np
import pytest

import adjit
from tests.conftest import check_against_fd, forward_check, run_grad


def _checked(fun, *args, fd=True, rtol=1e-12):
    value, grads = run_grad(fun, list(args), (0,))
    ref = fun(*args)
    assert np.asarray(value).dtype == np.asarray(ref).dtype, (np.asarray(value).dtype, np.asarray(ref).dtype)
    assert np.isclose(value, ref, rtol=rtol, atol=1e-12), (value, ref)
    if fd:
        check_against_fd(fun, list(args), (0,), compiled=False)
    forward_check(fun, list(args), (0,), grads, rtol=1e-9 if fd else 1e-5)


def float32_times_python_conversions(x):
    return np.sum(x * int(x[0] * 10)) + np.sum(x * float(x[1])) + np.sum(x * round(x[3] * 10))


def int32_plus_python_int(x):
    k = (x * 100).astype(np.int32)
    return np.sum(x * (k + int(x[0] * 7)).dtype.itemsize) + float(x[0]) + x[1]


def test_python_conversions_of_numpy_scalars_are_weak():
    """int(v), float(v) and round(v) of a NumPy scalar are Python numbers, weak under NEP 50: a
    float32 array times int(v) stays float32, an int32 array plus int(v) stays int32 (wrapping as
    NumPy's). adjit made them strong np.int64 / np.float64: float64 results where NumPy's are
    float32, and `(k32 + int(v)).dtype.itemsize` 8 where NumPy's is 4 (8.32 for NumPy's 4.16)."""
    x32 = np.array([0.31, -0.72, 0.55, 1.3, -0.4], dtype=np.float32)
    _checked(float32_times_python_conversions, x32, fd=False, rtol=1e-6)
    _checked(int32_plus_python_int, x32, fd=False, rtol=1e-6)


def maximum_minimum_of_signed_zeros(x):
    z = np.maximum(0.0, -0.0 * x[0])
    w = np.minimum(-0.0, 0.0 * x[0])
    y = np.maximum(x * 0.0, -x * 0.0) + np.minimum(-x * 0.0, x * 0.0)
    return np.copysign(1.0, z) * x[1] + np.copysign(1.0, w) * x[2] + np.sum(np.copysign(1.0, y) * x)


def relu_of_nan_and_zeros(v):
    return np.sum(np.isnan(np.maximum(v, 0.0))) + np.sum(np.copysign(1.0, np.minimum(v[1:], 0.0)) * v[1:])


@pytest.mark.compiled
def test_maximum_minimum_tie_is_numpys_second_operand():
    """np.maximum(0.0, -0.0) is -0.0 in NumPy (the second operand at a tie), np.minimum(-0.0, 0.0)
    is 0.0; Numba's compiled np.maximum gives the first: copysign of the result was +1 where NumPy's
    is -1 (-2.0 for NumPy's 2.0 in a probe), in fused loops and on scalars. The derivative's tie
    convention (the first argument) is unchanged."""
    x = np.array([1.0, -2.0, 3.0, 0.5, -0.25])
    value, grad = adjit.value_and_grad(maximum_minimum_of_signed_zeros)(x)
    assert value == maximum_minimum_of_signed_zeros(x)
    nan_in = np.array([np.nan, 1.0, -0.0, 0.0])
    assert adjit.value_and_grad(relu_of_nan_and_zeros)(nan_in)[0] == relu_of_nan_and_zeros(nan_in)


def det_of_singular(A, x):
    B = np.diag(x - 0.3) @ (np.eye(3) + np.outer(x, x[::-1]))  # singular at x[0] == 0.3
    return np.linalg.det(A) + np.linalg.det(A * x[0]) ** 2 + np.linalg.det(B + A * 0.0) * x[1]


def det_then_more(A):
    return np.linalg.det(A) * A[0, 1] + np.linalg.det(A @ A)


def test_det_gradient_of_a_singular_matrix():
    """The derivative of np.linalg.det is the cofactor matrix det(A) inv(A).T, finite where A is
    singular; adjit computed it through inv, so a differentiated det of a singular matrix raised
    LinAlgError when run (NumPy's det itself is 0 there). Now runtime/linalg.cofactor: exact (a rank
    n-1 matrix has a rank-1 cofactor, lower rank 0), checked against central differences; forward
    mode too; and the Hessian (cofactor's own rule) at a regular matrix."""
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, 1.5, 2.0]])
    x = np.array([0.3, -1.2, 0.7])
    for M in (A, np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]), np.zeros((3, 3))):
        value, grads = run_grad(det_of_singular, [M, x], (0, 1))
        assert np.isclose(value, det_of_singular(M, x), atol=1e-12)
        check_against_fd(det_of_singular, [M, x], (0, 1), compiled=False)
        forward_check(det_of_singular, [M, x], (0, 1), grads)
    minors = [[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(A, i, 0), j, 1)) for j in range(3)] for i in range(3)]
    assert np.allclose(adjit.grad(det_of_singular)(A, x), minors, rtol=1e-14, atol=1e-14)  # the cofactors
    R = np.random.default_rng(2).standard_normal((3, 3))
    H = adjit.hessian(det_then_more)(R).reshape(9, 9)
    g = adjit.grad(det_then_more)
    E = np.eye(9).reshape(9, 3, 3) * 1e-6
    Hn = np.array([((g(R + e) - g(R - e)) / 2e-6).ravel() for e in E]).T
    assert np.abs(H - Hn).max() < 1e-7 * np.abs(Hn).max()


def hand_written_norms(X):
    d = X[0] - X[1]
    return (np.sqrt(np.sum(d ** 2)) + np.sqrt(np.mean(X ** 2, axis=1)).sum() + np.sqrt(d @ d)
            + (np.sum(np.square(X)) / 2.0) ** 0.5 + np.sum(np.sqrt(X[0] ** 2 + X[2] * X[2])) + np.sum(X))


def pairwise_norms(P):
    S = np.sum((P[0] - P[2]) ** 2)  # 0 here, its root taken inside the loop
    s = 0.0
    for i in range(P.shape[0]):
        for j in range(P.shape[0]):
            d = P[i] - P[j]
            s = s + math.sqrt(d @ d) + np.sqrt(S) * j
    return s


def not_a_sum_of_squares(x, c):
    return np.sum(np.cbrt(x) ** 3) + np.sqrt(c[0] * np.sum(x ** 2)) + np.sum(np.sqrt(np.abs(x)))


def test_hand_written_norm_at_zero_has_the_norms_subgradient():
    """np.sqrt(np.sum(d ** 2)) (np.mean, d @ d, ** 0.5, a ** 2 + b ** 2) at d == 0 had a nan
    gradient (sqrt's inf times the square's 0) where np.linalg.norm gives its subgradient 0 and
    central differences 0: an adaptive integrator's error norm exactly 0 at one step made every
    gradient nan (heldout12's lotka_volterra_dopri_adaptive). A sum of squares of real values is 0
    only where each squared value is, so 0 is sound there; sqrt of anything else keeps its inf."""
    X = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    Y = np.array([[0.3, -0.4, 0.0], [0.3, -0.4, 0.0], [0.0, 0.0, 0.0]])
    for M in (X, Y, Y + np.arange(9.0).reshape(3, 3) * 0.1):
        value, grads = run_grad(hand_written_norms, [M], (0,))
        assert np.isfinite(grads[0]).all() and value == hand_written_norms(M)
        check_against_fd(hand_written_norms, [M], (0,), compiled=False)
        forward_check(hand_written_norms, [M], (0,), grads)
    P = np.array([[0.0, 1.0], [0.5, -0.2], [0.0, 1.0]])
    check_against_fd(pairwise_norms, [P], (0,), compiled=False)
    grads = run_grad(not_a_sum_of_squares, [np.array([0.0, 1.0]), np.array([0.0])], (0, 1))[1]
    assert np.isnan(grads[0][0]) and grads[1][0] == np.inf  # d/dx cbrt(x) ** 3 at 0 is not made 0; d/dc is inf


SRC = np.array([0, 1, 2, 0])
DST = np.array([1, 2, 0, 2])


def edge_terms(X):
    a = X[SRC]
    b = X[DST]
    d = a[:, :2] - b[:, :2]
    return np.sum(np.sum(d ** 2, axis=1) * a[:, 2] * b[:, 3]) + np.sum((a[:, 0] - b[:, 1]) ** 2)


@pytest.mark.compiled
def test_two_gathers_of_one_array_read_through_views():
    """`a = X[src]; b = X[dst]` read through column views (edges of a graph, pairs of atoms) was an
    internal error (IR verification: a value used before its definition) since 936dfd9: the
    scatter-into-gradient rewrite of the second gather took its base for one defined outside the
    block, while it was the first rewrite's last write, placed later (passes/scatter.py)."""
    X = np.array([[0.31, 1.23, 0.72, 0.13], [0.46, 0.91, 0.27, 0.64], [0.83, 0.07, 0.58, 0.36]])
    check_against_fd(edge_terms, [X], (0,))


def math_functions_of_float32(x, w):
    return (math.sqrt(x[0]) * np.sum(w) + math.exp(x[1]) * w[0] + np.sum(x * math.log(x[2]))
            + np.sum(x * math.floor(x[1] * 3)) + np.sum(w * math.ceil(x[0])))


def test_math_functions_compute_in_double_and_return_python_floats():
    """math.sqrt(v) of an np.float32 element is a Python float computed in double precision (weak
    under NEP 50): math.sqrt(x32[0]) * w64 was computed in float32 (2.888745368 for Python's
    2.888745331); math.floor/ceil of a number are Python ints (x32 * math.floor(v) float32)."""
    x32 = np.array([0.37, 1.21, 0.74], dtype=np.float32)
    w = np.array([0.5, -1.5, 2.25])
    value, _ = run_grad(math_functions_of_float32, [x32, w], (1,))
    assert value == math_functions_of_float32(x32, w) and type(value) is type(math_functions_of_float32(x32, w))


def scaled_by_default_buffer(x, buf=np.ones(3)):
    buf *= 2.0
    return np.sum(buf * x)


def test_a_write_into_a_default_array_is_refused():
    """`def f(x, buf=np.ones(3)): buf *= 2.0`: a call without buf doubles the default array itself,
    so NumPy's second call gives twice the first (-0.8 after -0.4); adjit's compiled function worked
    on a copy (-0.4 every time), silently. A located error now, as for a module-level array."""
    with pytest.raises(adjit.AdjitError, match="default array of 'buf'"):
        adjit.grad(scaled_by_default_buffer)(np.array([0.3, -1.2, 0.7]))


def signbits(x):
    return np.sum(np.signbit(np.round(x * 0.1)) * x) + np.sum(np.signbit(np.maximum(x * 0.0, -x * 0.0)) * x)


def test_signbit():
    """np.signbit (was 'not supported'): true for -0.0 (np.round(-0.3) is -0.0) and negatives."""
    _checked(signbits, np.array([-3.0, 2.0, -0.0, 0.0, -12.0]), fd=False)
