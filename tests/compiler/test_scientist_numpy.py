"""Constructs found by the real-programs corpus (benchmarks/real_programs/, issue 12): unpacking an
array into names, np.stack of a comprehension of arrays, NumPy's ufunc spellings (np.add, ...),
a tuple of index arrays as one index (x[np.triu_indices(n, 1)]), scipy.stats.norm's methods,
np.cov, np.quantile/np.percentile (q known when compiled or computed at run time), comb(n, k)
with k a loop index, float floor division and remainder (values and gradients), ranges as index
arrays, np.convolve/np.correlate, and scipy.linalg's cho_factor/cho_solve/cholesky/
solve_triangular/solve/inv/det. Each against
central finite differences and forward mode against reverse mode."""
import math

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
from scipy.linalg import cho_factor, cho_solve, cholesky, solve_triangular
from scipy.special import comb, multigammaln
from scipy.stats import norm

import adjit
from conftest import family_tests

R = np.random.default_rng(23)


def n(*shape):
    return R.standard_normal(shape)


def unpack_exp(theta):
    a, b, c = np.exp(theta)
    return a * b + c ** 2


def unpack_rows(X, pairs):
    s = 0.0
    for (i, j), w in zip(pairs, np.arange(5.0)):
        s += w * np.sum((X[i] - X[j]) ** 2)
    return s


def _lower(v):
    M = np.zeros((3, 3))
    M[0, 0] = np.exp(v[0])
    M[1, 1] = np.exp(v[1])
    M[2, 2] = np.exp(v[2])
    M[1, 0] = v[0] * v[1]
    return M


def stack_of_matrices(X):
    Ls = np.stack([_lower(r) for r in X])
    return np.sum(Ls ** 2) + np.sum(np.array([r * 2 for r in X]) * X)


def ufunc_spellings(Y):
    s = np.sum(np.square(Y), 1)
    num = 1 / (1 + np.add(np.add(-2 * np.dot(Y, Y.T), s).T, s))
    return np.sum(np.log(num)) + np.sum(np.subtract(Y, 1.0) ** 2) + np.sum(np.multiply(Y, np.true_divide(Y, 3.0)))


def pair_energy(X):
    d = X[:, None, :] - X[None, :, :]
    r2 = np.sum(d ** 2, axis=-1)
    iu = np.triu_indices(X.shape[0], 1)
    inv6 = 1.0 / r2[iu] ** 3
    M = np.zeros_like(r2)
    M[iu] = inv6
    return np.sum(4 * (inv6 ** 2 - inv6)) + np.sum(M @ M)


def normal_distribution(x):
    return np.sum(x * norm.cdf(x) - 0.3 * norm.cdf(x - 0.2, loc=0.1, scale=2.0)) + np.sum(norm.pdf(x)) \
        + np.sum(norm.logpdf(x, 0.5, 1.5)) + np.sum(scipy.stats.norm.sf(x)) + np.sum(norm.logcdf(x))


def covariance(X):
    return np.sum(np.cov(X, rowvar=False) ** 2) + np.sum(np.cov(X.T, bias=True)) + np.cov(X[:, 0])


def quantiles(x, X):
    return np.quantile(x, 0.3) + np.sum(np.quantile(X, [0.1, 0.5, 0.9], axis=0)) + np.percentile(x, 75) \
        + np.sum(np.quantile(X, 0.25, axis=1, keepdims=True) * X) + np.quantile(x, 1.0)


def quantile_at_argument(x, alpha=0.95):
    return np.quantile(x, alpha) + np.percentile(x, 100 * alpha - 10)


def bernstein(ctrl, t):
    m = len(ctrl) - 1
    curve = np.zeros((len(t), 2))
    for k in range(m + 1):
        basis = comb(m, k) * t ** k * (1 - t) ** (m - k)
        curve += basis[:, None] * ctrl[k]
    return np.sum(curve ** 2) + math.comb(5, 2)


def floor_and_remainder(x, y):
    return np.sum((x // 1.0) * x) + np.sum(x % y * x) + np.sum(np.floor_divide(x, 2) * y) + np.sum(np.remainder(x, 1.5))


def range_indices(Y):
    num = Y @ Y.T
    num[range(Y.shape[0]), range(Y.shape[0])] = 0.0
    return np.sum(num ** 2) + np.sum(Y[range(2, 6)] ** 2) + np.sum(Y[range(0, 8, 2), 1])


def convolutions(a, v):
    h = np.tanh(np.convolve(a, v, mode="valid"))
    return np.sum(h ** 2) + np.sum(np.convolve(a, v) ** 2) + np.sum(np.convolve(v, a, "same") * np.arange(20.0)) \
        + np.sum(np.correlate(a, v) ** 2) + np.sum(np.correlate(a, v, "full") * np.arange(23.0))


def _sq_dist(A, B):
    return np.sum(A ** 2, 1)[:, None] + np.sum(B ** 2, 1)[None, :] - 2 * A @ B.T


def gp_scikit_style(log_params, X, y):
    ls, sf2, sn2 = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    K = sf2 * np.exp(-0.5 * _sq_dist(X, X) / ls ** 2) + sn2 * np.eye(X.shape[0])
    c, low = cho_factor(K, lower=True)
    alpha = cho_solve((c, low), y)
    return 0.5 * y.dot(alpha) + np.log(np.diag(c)).sum() + 0.5 * len(y) * np.log(2 * np.pi)


def scipy_matrix_functions(lp, X, y):
    K = np.exp(lp[0]) * np.exp(-_sq_dist(X, X)) + np.eye(6)
    U = cholesky(K)  # SciPy's default: the upper factor
    c, low = cho_factor(K)
    z = solve_triangular(U, y, trans="T") + solve_triangular(U.T, y, lower=True, unit_diagonal=True)
    return np.sum(z ** 2) + np.sum(cho_solve((c, low), y)) + scipy.linalg.det(K) + np.sum(scipy.linalg.inv(K)) \
        + np.sum(scipy.linalg.solve(K, y))


def lu_transient(x, A0):
    """An implicit time stepper factoring once (scipy.linalg.lu_factor) and solving every step."""
    lu, piv = scipy.linalg.lu_factor(A0 + np.diag(x))
    v = np.ones(x.shape[0])
    for _ in range(3):
        v = scipy.linalg.lu_solve((lu, piv), v * x)
    return np.sum(v ** 2) + np.sum(scipy.linalg.lu_solve((lu, piv), x, trans=1))


def lu_factors_read(x, A0):
    lu, piv = scipy.linalg.lu_factor(A0 + np.diag(x))
    return np.sum(np.log(np.abs(np.diag(lu))))


def test_reading_lu_factors_is_a_located_error():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(lu_factors_read)(np.full(3, 2.0), np.eye(3))
    assert "adjit keeps the factored matrix for lu_solve only" in str(e.value) and e.value.loc is not None


def running_index(d, icf):
    """ADBench's GMM keeps a running index on a function object while it builds L column by column."""
    running_index.k = d

    def column(i):
        m = d - i - 1
        col = np.concatenate([np.zeros(i + 1), icf[running_index.k:running_index.k + m]])
        running_index.k += m
        return col

    return np.stack([column(i) for i in range(d)], -1)


def function_state(icf):
    L = running_index(4, icf)
    rows = np.stack(tuple(icf[:4] * k for k in range(3)))
    return np.sum(L ** 2) + np.sum(rows) + multigammaln(np.exp(icf[0]) + 2.0, 3) + multigammaln(3.5, 2)


def _between_multiples(*shape):
    """Values whose quotients by 1, 1.5, 2 and y stay away from integers (no jump within reach of
    the finite differences)."""
    return np.array([0.31, 3.7, -2.2, 5.35, -0.77, 2.6])[:shape[0]]


CASES = [
    (unpack_exp, lambda: (n(3),), (0,)),
    (unpack_rows, lambda: (n(4, 3), R.integers(0, 4, (5, 2))), (0,)),
    (stack_of_matrices, lambda: (n(4, 3),), (0,)),
    (ufunc_spellings, lambda: (n(5, 3),), (0,)),
    (pair_energy, lambda: (n(5, 3) * 2,), (0,)),
    (normal_distribution, lambda: (n(7),), (0,)),
    (covariance, lambda: (n(6, 3),), (0,)),
    (quantiles, lambda: (n(9), n(6, 3)), (0, 1)),
    (quantile_at_argument, lambda: (n(20), 0.95), (0,)),
    (bernstein, lambda: (n(4, 2), np.linspace(0, 1, 15)), (0, 1)),
    (floor_and_remainder, lambda: (_between_multiples(6), np.full(6, 7.9)), (0, 1)),
    (range_indices, lambda: (n(8, 2),), (0,)),
    (function_state, lambda: (n(10),), (0,)),
    (convolutions, lambda: (n(20), n(4)), (0, 1)),
    (gp_scikit_style, lambda: (np.array([0.1, -0.2, -1.0]), n(6, 2), n(6)), (0, 1, 2)),
    (scipy_matrix_functions, lambda: (np.array([0.1, -0.2, -1.0]), n(6, 2), n(6)), (0, 1, 2)),
    (lu_transient, lambda: (np.array([2.0, 3.0, 4.0]), n(3, 3)), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


def test_floor_division_of_floats_by_one_is_floor():
    """x // 1.0 once simplified to x (the int identity applied to floats): a wrong value."""
    def f(x):
        return np.sum(x // 1.0) + np.sum(np.mod(x, 1.0))
    x = np.array([0.5, -1.5, 2.25])
    assert adjit.value_and_grad(f)(x)[0] == pytest.approx(f(x), abs=1e-12)


def test_unpacking_an_array_of_another_length_is_a_located_error():
    def f(theta):
        a, b = theta
        return a * b
    with pytest.raises(adjit.AdjitTypeError, match="cannot unpack an array of length 3 into 2 names") as e:
        adjit.grad(f)(np.ones(3))
    assert "test_scientist_numpy.py:" in str(e.value)


def _lstsq_residuals(A, b):
    return np.sum(np.linalg.lstsq(A, b, rcond=None)[1])


def test_a_value_adjit_does_not_compute_says_why():
    with pytest.raises(adjit.AdjitNameError) as e:
        adjit.grad(_lstsq_residuals)(np.eye(3), np.ones(3))
    assert "'residuals' is np.linalg.lstsq's residuals" in str(e.value) and e.value.loc is not None
