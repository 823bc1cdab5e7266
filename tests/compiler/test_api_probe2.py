"""What benchmarks/api_probe2.py (everyday NumPy/SciPy calls with their keyword arguments) found
wrong or refused, pinned: values against NumPy/SciPy, gradients against central differences,
forward mode against reverse. The matrices are not symmetric where a call reads one part of its
argument (SciPy's `assume_a`, `lower`, NumPy's `upper`): the derivative must land on what is read."""
import numpy as np
import pytest

import adjit
import scipy.linalg as sla
import scipy.special as sp
from scipy import stats

from adjit.compiler.errors import AdjitError
from conftest import check_against_fd, check_forward, run_grad

R = np.random.default_rng(7)


def _lopsided(n=3, batch=()):
    """Positive definite in either triangle, but not symmetric."""
    M = R.standard_normal(batch + (n, n))
    S = M @ np.swapaxes(M, -1, -2) + n * np.eye(n)
    return np.triu(S) + 0.7 * np.tril(S, -1)


def scipy_solve_structures(S, y):
    out = 0.0
    for i, kind in enumerate(["sym", "pos", "her", "positive definite", "diagonal", "tridiagonal",
                              "upper triangular", "lower triangular", "gen", "banded"]):
        out = out + np.sum(sla.solve(S, y, assume_a=kind) * (i + 1)) \
            + np.sum(sla.solve(S, y, assume_a=kind, lower=True) ** 2) \
            + np.sum(sla.solve(S, y, assume_a=kind, transposed=True) * (i - 2))
    return out + np.sum(sla.solve(S, y) ** 2)


def scipy_inv_structures(S):
    return np.sum(sla.inv(S, assume_a="sym") * np.arange(9.0).reshape(3, 3)) \
        + np.sum(sla.inv(S, assume_a="pos", lower=True) ** 2) + np.sum(sla.inv(S, assume_a="upper triangular") ** 2) \
        + np.sum(sla.inv(S, assume_a="lower triangular") * 3) + np.sum(sla.inv(S, check_finite=False)) \
        + sla.det(S, check_finite=False)


def scipy_cholesky_upper(S):
    c, low = sla.cho_factor(S)
    w = np.arange(9.0).reshape(3, 3)
    return np.sum(np.triu(c) * w) + np.sum(sla.cholesky(S) * w) + np.sum(sla.cholesky(S, lower=True) * w) \
        + np.sum(sla.cho_solve((c, low), np.ones(3)) ** 2) + np.sum(sla.cho_solve(sla.cho_factor(S, lower=True), w))


def numpy_cholesky_upper(S, B):
    w = np.arange(9.0).reshape(3, 3)
    return np.sum(np.linalg.cholesky(S, upper=True) * w) + np.sum(np.linalg.cholesky(B, upper=True) ** 3) \
        + np.sum(np.linalg.cholesky(S) * w) + np.sum(np.linalg.cholesky(B, upper=False) * w)


def quantile_methods(x):
    out = 0.0
    for i, m in enumerate(["inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                           "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
                           "midpoint", "nearest"]):
        out = out + (i + 1) * (np.quantile(x, 0.3, method=m) + 2 * np.quantile(x, 0.5, method=m)
                               + 3 * np.quantile(x, 0.95, method=m) + np.percentile(x, 12.5, method=m))
    return out


def axis_tuples(T):
    w = np.arange(1.0, 4.0)
    return np.sum(np.median(T, axis=(0, 2)) * w) + np.sum(T * np.median(T, axis=(0, -1), keepdims=True)) \
        + np.sum(np.quantile(T, [0.2, 0.7], axis=(2, 0), method="nearest") * np.arange(6.0).reshape(2, 3)) \
        + np.sum(T * np.percentile(T, 30, axis=(1, 2), keepdims=True)) + np.sum(np.prod(T, axis=(0, 1)) ** 2) \
        + np.sum(np.multiply.reduce(T, axis=(0, 2)) * w) + np.sum(T * np.prod(T, axis=(1, 2), keepdims=True))


def var_mean_correction(A):
    m = np.mean(A, axis=1, keepdims=True)
    return np.sum(np.std(A, axis=1, mean=m)) + np.sum(np.var(A, axis=0, correction=1)) + np.std(A, correction=0.5) \
        + np.sum(np.var(A, axis=1, mean=m * 0.9, ddof=1))


def named_results(S, A):
    r = np.linalg.slogdet(S)
    e = np.linalg.eigh(S)
    u = np.linalg.svd(A, full_matrices=False)
    q = np.linalg.qr(A.T)
    return r.sign * r.logabsdet + np.sum(e.eigenvalues ** 2) + np.sum(e.eigenvectors[:, -1] ** 2 * np.arange(3.0)) \
        + np.sum(u.S ** 2) + np.sum(np.abs(u.U[:, 0] * u.Vh[0, :3])) + np.sum(np.abs(np.diag(q.R))) + np.sum(q.Q ** 2)


def arranging_lifted(A):
    left, right = np.hsplit(A, 2)
    top, rest = np.vsplit(A, [1])
    d = np.dsplit(A.reshape(3, 2, 2), 2)
    a, b = np.broadcast_arrays(A[:, :1], A[0])
    return np.sum(left * right) + np.sum(top ** 2) * np.sum(rest) + np.sum(np.hsplit(A[0], [1])[1] ** 2) \
        + np.sum(d[0] * d[1]) + np.sum(a * b * np.arange(12.0).reshape(3, 4)) + np.sum(np.positive(A) * A) \
        + np.sum(np.take(A, [5, -1, 13], axis=1, mode="wrap") * np.arange(9.0).reshape(3, 3)) \
        + np.sum(np.take(A, [-2, 1, 30], mode="clip") ** 2) + np.take(A[1], 9, mode="wrap")


def nanprod_axes(A):
    B = np.where(np.abs(A) > 1.2, np.nan, A)
    return np.sum(np.nanprod(B, axis=1) * np.arange(3.0)) + np.nanprod(B) + np.sum(np.nanprod(B, axis=(0, 1), keepdims=True))


def inserts_deletes(A):
    x = A[0]
    return np.sum(np.insert(x, [2], [1.0, 2.0]) * np.arange(6.0)) + np.sum(np.insert(x, [4, 1, 4], A[1, :3]) * np.arange(7.0)) \
        + np.sum(np.insert(x, [-1, 0], 0.5) * np.arange(6.0)) \
        + np.sum(np.insert(A, [1], A[:, :2], axis=1) * np.arange(18.0).reshape(3, 6)) \
        + np.sum(np.insert(A, [0, 3, 3], A[0], axis=0) ** 2 * np.arange(24.0).reshape(6, 4)) \
        + np.sum(np.insert(A, [1, 2], 7.0, axis=None) * np.arange(14.0)) \
        + np.sum(np.delete(A, slice(0, 1), axis=0) ** 2) + np.sum(np.delete(A, slice(None, None, 2), axis=1) * A[:, :2]) \
        + np.sum(np.delete(x, [True, False, True, False]) ** 2) + np.sum(np.delete(A, slice(None, None, -3)) * np.arange(8.0))


def norms_lifted(T):
    x = T[0, 0]
    return np.linalg.norm(x, ord=-1) + np.linalg.norm(x, -2) + np.linalg.norm(x, ord=-0.5) \
        + np.sum(np.linalg.vector_norm(T, axis=(0, 2), ord=3)) + np.sum(np.linalg.vector_norm(T, axis=(-1, 0)) ** 2) \
        + np.sum(T * np.linalg.vector_norm(T, axis=(1, 2), keepdims=True))


def scipy_lifted(x, p):
    q = np.abs(x) + 0.1
    return np.sum(sp.softplus(x) * np.arange(6.0)) + stats.entropy(q) + stats.entropy(q, q[::-1], base=2.0) \
        + np.sum(stats.entropy(q.reshape(2, 3), axis=1)) + np.sum(stats.zscore(x) * np.arange(6.0)) \
        + np.sum(stats.zscore(x.reshape(2, 3), axis=1, ddof=1) ** 3) + np.sum(sla.eigvalsh(np.outer(x[:3], x[:3]) + np.diag(q[:3]), lower=False) ** 2) \
        + np.sum(stats.geom.logpmf(np.array([1, 2, 5, 1, 3]), p)) + np.sum(stats.geom.pmf(np.array([1, 4]), p, loc=1))


def more_lifted(A, x):
    C = A[:, :3]
    T = np.stack([C, C ** 2, C[::-1]])
    pts, step = np.linspace(x[:2], x[2:4], 5, retstep=True)
    return np.sum(np.cross(T, T[::-1], axisa=0, axisb=-1, axisc=1) * np.arange(27.0).reshape(3, 3, 3)) \
        + np.sum(np.cross(C, C[::-1] ** 2, axis=0) ** 2) \
        + np.sum(np.quantile(A, np.array([0.2, 0.5, 0.9]), axis=1) * np.arange(9.0).reshape(3, 3)) \
        + np.sum(np.delete(A[0], np.array([True, False, True, False])) ** 2) \
        + np.sum(np.take_along_axis(A, np.argsort(A, axis=None), axis=None) * np.arange(12.0)) \
        + np.sum(np.polyfit(np.linspace(0.0, 1.0, 6), x, 2, w=np.linspace(1.0, 2.0, 6)) * np.array([1.0, 2.0, 3.0])) \
        + np.sum(pts * np.arange(10.0).reshape(5, 2)) + np.sum(step ** 2) \
        + np.sum(np.linspace(x[:3], x[3], 4, endpoint=False, axis=1) * np.arange(12.0).reshape(3, 4)) \
        + np.sum(np.linspace(0.0, x[:2], 3, axis=-1) ** 2)


def pinvs_of_a_triangle(S):
    w = np.arange(9.0).reshape(3, 3)
    return np.sum(np.linalg.pinv(S, hermitian=True) * w) + np.sum(sla.pinv(S, rtol=1e-10) * w) \
        + np.sum(sla.pinvh(S) * w) + np.sum(sla.pinvh(S, lower=False, atol=0.0) ** 2) + np.sum(sla.pinv(S[:, :2]) ** 2) \
        + np.sum(sla.lstsq(S[:, :2], S[:, 2])[0] ** 2) + np.sum(sla.lstsq(S, w, cond=1e-10, lapack_driver="gelss")[3])


CASES = [
    (scipy_solve_structures, lambda: [_lopsided(), R.standard_normal(3)], (0, 1)),
    (scipy_inv_structures, lambda: [_lopsided()], (0,)),
    (scipy_cholesky_upper, lambda: [_lopsided()], (0,)),
    (numpy_cholesky_upper, lambda: [_lopsided(), _lopsided(3, (2,))], (0, 1)),
    (quantile_methods, lambda: [R.permutation(np.linspace(-1.0, 1.3, 9)) + R.uniform(0, 0.05, 9)], (0,)),
    (axis_tuples, lambda: [R.uniform(0.5, 1.5, (2, 3, 4)) * R.choice([-1.0, 1.0], (2, 3, 4))], (0,)),
    (var_mean_correction, lambda: [R.standard_normal((3, 4))], (0,)),
    (arranging_lifted, lambda: [R.standard_normal((3, 4))], (0,)),
    (nanprod_axes, lambda: [R.standard_normal((3, 4))], (0,)),
    (inserts_deletes, lambda: [R.standard_normal((3, 4))], (0,)),
    (norms_lifted, lambda: [R.uniform(0.3, 1.2, (2, 3, 4)) * R.choice([-1.0, 1.0], (2, 3, 4))], (0,)),
    (scipy_lifted, lambda: [R.standard_normal(6), 0.3], (0, 1)),
    (more_lifted, lambda: [R.standard_normal((3, 4)), R.standard_normal(6)], (0, 1)),
    (pinvs_of_a_triangle, lambda: [_lopsided()], (0,)),
    (named_results, lambda: [_lopsided() + _lopsided().T, R.standard_normal((3, 4))], (0, 1)),
]


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_reads_what_the_library_reads(fun, make, wrt):
    args = make()
    check_against_fd(fun, args, wrt, compiled=False)
    check_forward(fun, args, wrt, compiled=False)


def inv_diagonal(S):
    return np.sum(sla.inv(S, assume_a="diagonal"))


def solve_unknown(S, y):
    return np.sum(sla.solve(S, y, assume_a="spd"))


def entropy_omit(x):
    return stats.entropy(np.abs(x) + 0.1, nan_policy="omit")


def lstsq_gelsy(S):
    return np.sum(sla.lstsq(S, np.ones(3), lapack_driver="gelsy")[0])


@pytest.mark.parametrize("fun,args,words", [
    (lstsq_gelsy, lambda: [_lopsided()], "lapack_driver='gelsy' is not supported"),
    (entropy_omit, lambda: [np.ones(3)], "nan_policy='propagate' and keepdims=False only"),
    (inv_diagonal, lambda: [_lopsided()], "assume_a='diagonal' is not supported"),
    (solve_unknown, lambda: [_lopsided(), np.ones(3)], "spd is not a recognized matrix structure"),
])
def test_located_refusals(fun, args, words):
    with pytest.raises(AdjitError, match=words) as e:
        run_grad(fun, args(), (0,))
    assert e.value.loc is not None and e.value.loc.line > 0


def loss_and_logdet(S):
    return np.sum(S ** 2), np.linalg.slogdet(S)


def spectrum(S):
    return np.linalg.eigh(S)


def test_named_results_are_numpys_when_returned():
    """A returned slogdet/eigh result is NumPy's NamedTuple, every field in it (a NamedTuple of
    values is a structure, not one value: an aux of (sign, logabsdet) once came back as its sign)."""
    S = np.array([[2.0, 0.3], [0.3, 1.0]])
    (value, aux), g = adjit.value_and_grad(loss_and_logdet, has_aux=True)(S)
    assert type(aux) is type(np.linalg.slogdet(S)) and np.allclose(tuple(aux), tuple(np.linalg.slogdet(S)))
    np.testing.assert_allclose(g, 2 * S)
    out, tangent = adjit.jvp(spectrum, (S,), (np.eye(2),))
    assert type(out) is type(np.linalg.eigh(S))
    np.testing.assert_allclose(out.eigenvalues, np.linalg.eigh(S).eigenvalues)
    np.testing.assert_allclose(tangent.eigenvalues, np.ones(2))


def ufunc_reduce_where_initial(x, m):
    return (np.sum(np.add.reduce(x, where=m) ** 2) + np.sum(np.maximum.reduce(x, axis=1, where=m, initial=-5.0) ** 2)
            + np.sum(np.minimum.reduce(x, axis=None, where=m, initial=10.0, keepdims=True))
            + np.sum(np.add.reduce(x, 1, initial=1.5, keepdims=True) * x)
            + np.sum(np.multiply.reduce(x, axis=0, initial=2.0) ** 2) + np.prod(x[0], initial=-1.5)
            + x.prod(axis=1, initial=0.5).sum() + np.sum(np.prod(x, axis=1, where=x > 0, initial=3.0))
            + np.prod(np.arange(1, 4), initial=2.5) + np.prod(x[1], 0, None, None, False, 3.0))


def test_ufunc_reduce_takes_where_and_initial():
    """np.add/multiply/maximum/minimum.reduce with where= and initial= (axis 0 by default, as a ufunc
    method's), np.prod's initial= (a factor, cast to the product's dtype: 2 for the ints' 2.5, as
    NumPy): NumPy's values, gradients against central differences, forward against reverse."""
    x, m = R.standard_normal((3, 4)), R.random((3, 4)) > 0.4
    check_against_fd(ufunc_reduce_where_initial, (x, m), (0,), compiled=False)
    check_forward(ufunc_reduce_where_initial, (x, m), (0,), compiled=False)


def fill_diagonal_wrap(x, v):
    A = np.outer(x, x[:3]) * 1.0  # tall, 7 x 3: the diagonal goes on after a blank row
    np.fill_diagonal(A, v, wrap=True)
    B = np.outer(x, x[:3]) * 1.0
    np.fill_diagonal(B, np.concatenate([x[:5], x[:1]]) * v, wrap=True)  # one value per place (6)
    C = np.outer(x[:3], x) * 1.0  # wide: wrap changes nothing
    np.fill_diagonal(C, v, wrap=True)
    return np.sum(A ** 2) + np.sum(B * x[:, None]) + np.sum(C ** 2)


def test_fill_diagonal_wraps_as_numpy():
    """np.fill_diagonal(a, v, wrap=True): NumPy's flat steps of m + 1 over the whole tall matrix,
    values against NumPy, gradients against central differences, forward against reverse; a value
    of another length than the places it fills stays a located error (NumPy would cycle it)."""
    args = (R.standard_normal(7), 0.7)
    check_against_fd(fill_diagonal_wrap, args, (0, 1), compiled=False)
    check_forward(fill_diagonal_wrap, args, (0, 1), compiled=False)

    def short(x):
        A = np.outer(x, x[:3]) * 1.0
        np.fill_diagonal(A, x[:4], wrap=True)
        return np.sum(A)

    with pytest.raises(AdjitError, match="hold 6 elements"):
        adjit.grad(short)(args[0])
