"""Common NumPy functions a probe of everyday scientific code found missing (forms/common.py):
np.ptp, np.triu_indices_from, np.block, ufunc `.outer`, np.maximum/minimum.accumulate, np.bincount,
np.corrcoef, np.searchsorted, np.polyfit, np.linalg.qr. Values equal to NumPy's (ties, NaN, dtypes),
gradients against central finite differences, forward mode against reverse, located errors."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from conftest import family_tests, run_grad

R = np.random.default_rng(71)
IDX = np.array([0, 3, 3, 1, 0, 2, 2, 2, 3, 1, 0, 4])


def n(*shape):
    return R.standard_normal(shape)


def ranges_and_indices(x):
    A = x.reshape(4, 3)
    return np.ptp(x) * 2 + np.sum(np.arange(4.0) * np.ptp(A, axis=1)) + np.sum(np.ptp(A, axis=0, keepdims=True) ** 2) \
        + np.sum(np.arange(6.0) * A[np.triu_indices_from(A)]) + np.sum(A.T[np.tril_indices_from(A.T, -1)] ** 2)


def blocks(x):
    B = np.block([[x[:4].reshape(2, 2), x[4:8].reshape(2, 2)], [x[8:10].reshape(1, 2), x[10:].reshape(1, 2)]])
    return np.sum(np.arange(12.0).reshape(3, 4) * B) + np.sum(np.arange(13.0) * np.block([x[:5], 1.0, x[5:]])) \
        + np.sum(np.block([[x[:6].reshape(2, 3)], [x[6:9]]]) ** 2)


def outers(x):
    return np.sum(np.subtract.outer(x[:4], x[4:]) ** 2) + np.sum(np.multiply.outer(x[:3], x[3:6].reshape(3, 1))) \
        + np.sum(np.divide.outer(x[:2], x[2:5] + 3.0)) + np.sum(np.arange(12.0).reshape(3, 4) * np.maximum.outer(x[:3], x[3:7])) \
        + np.sum(np.add.outer(x, x) * np.less.outer(x, 0.1))


def running_extremes(x):
    A = x.reshape(3, 4)
    wealth = np.cumsum(x)
    return np.sum(np.arange(12.0) * np.maximum.accumulate(x)) + np.sum(A * np.minimum.accumulate(A, axis=1)) \
        + np.sum(np.arange(12.0).reshape(3, 4) * np.maximum.accumulate(A)) \
        + np.max(np.maximum.accumulate(wealth) - wealth) + np.sum(np.multiply.accumulate(A, axis=1))


def scatter_and_search(x):
    i = np.searchsorted(np.sort(x), np.array([-0.5, 0.0, 0.5]), side="right")
    return np.sum(np.bincount(IDX, weights=x, minlength=6) ** 2) + np.sum(np.bincount(IDX, minlength=5) * x[:5]) \
        + np.sum(np.arange(12.0)[i] * x[:3]) + x[np.searchsorted(np.arange(12.0), 3.0)]


def correlations(x):
    return np.sum(np.arange(9.0).reshape(3, 3) * np.corrcoef(x.reshape(3, 4))) \
        + np.sum(np.arange(4.0) * np.corrcoef(x.reshape(6, 2), rowvar=False).ravel())


def fits(y, x):
    return np.sum(np.arange(3.0) * np.polyfit(np.arange(12.0) / 4, y, 2)) + np.sum(np.polyfit(x, np.sin(x), 3) ** 2) \
        + np.sum(np.polyfit(y[:6], y.reshape(2, 6).T, 1))


def qr_least_squares(A, b):
    Q, R_ = np.linalg.qr(A)
    return np.sum(np.linalg.solve(R_, Q.T @ b) ** 2) + np.sum(np.linalg.qr(A[:3], mode="r") ** 2) \
        + np.sum(np.linalg.qr(A[:3], mode="complete")[0] * A[:3])


CASES = [
    (ranges_and_indices, lambda: (n(12),)),
    (blocks, lambda: (n(12),)),
    (outers, lambda: (n(12),)),
    (running_extremes, lambda: (n(12),)),
    (scatter_and_search, lambda: (n(12),)),
    (correlations, lambda: (n(12),)),
    (fits, lambda: (n(12), np.linspace(0.0, 2.0, 12) + R.uniform(0, 0.05, 12)), (0, 1)),
    (qr_least_squares, lambda: (n(5, 3), n(5)), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip=frozenset(IDS))


def values(x, idx):
    return (np.maximum.accumulate(x), np.minimum.accumulate(x), np.bincount(idx, minlength=4),
            np.bincount(idx, weights=x[:4], minlength=5), np.searchsorted(np.sort(x), x, side="left"),
            np.searchsorted(np.sort(x), x, side="right"), np.ptp(x))


@pytest.mark.compiled  # the runtime's helpers through Numba (its hash share no longer picks this module)
def test_values_and_dtypes_are_numpys():
    """Ties and NaN in the running extremes (a NaN propagates), counts int64 and weighted sums
    float64 (float32 weights too), NaN sorted last by searchsorted. Compiled (the family above runs
    the lowered modules as Python, where the runtime's helpers are NumPy's own)."""
    data = np.array([1.0, 3.0, 3.0, np.nan, 2.0, 5.0], dtype=np.float32)
    idx = np.array([0, 3, 3, 1])
    # the compiled forward alone: the values are what is checked (the suite's budget: the whole
    # value_and_grad entry compiled the reverse sweep too, about 2 s more)
    _, got = adjit.value_and_grad(lambda_free_values, has_aux=True).forward(data, idx)
    for a, b in zip(got, values(data, idx)):
        np.testing.assert_array_equal(a, b)
        assert np.ndim(b) == 0 or np.asarray(a).dtype == np.asarray(b).dtype


def covariances(x):
    return np.sum(np.corrcoef(x) ** 2) + np.sum(np.cov(x, rowvar=False)) + np.sum(np.cov(x[0]))


def covariances32(x):
    return np.sum(np.corrcoef(x, dtype=np.float32) ** 2) + np.sum(np.cov(x, dtype=np.float32))


def test_cov_and_corrcoef_of_float32_are_float64():
    """np.cov's result type is np.result_type(m, np.float64) unless dtype= is given (it was float32)."""

    x = np.array([[0.3, 0.55, 0.8], [0.25, 0.1, 0.9]], dtype=np.float32)
    for f, dt in ((covariances, np.float64), (covariances32, np.float32)):
        value, (g,) = run_grad(f, (x,), (0,))
        assert np.asarray(value).dtype == np.asarray(f(x)).dtype == dt and g.dtype == np.float32
        assert np.isclose(value, f(x), rtol=1e-13 if dt == np.float64 else 1e-6)


def lambda_free_values(x, idx):
    out = values(x, idx)
    return np.sum(np.where(np.isnan(x), 0.0, x)), out


def test_running_maximum_gradient_goes_to_the_first_element_attaining_it():
    def f(x): return np.sum(np.maximum.accumulate(x) * np.arange(1.0, 6.0))
    np.testing.assert_array_equal(adjit.grad(f)(np.array([1.0, 3.0, 3.0, 2.0, 4.0])), [1.0, 9.0, 0.0, 0.0, 5.0])


def bincount_run_time(w, idx):
    return np.sum(np.bincount(idx, weights=w, minlength=4) ** 2)


def test_bincount_checks_its_indices_when_it_runs():
    g = adjit.grad(bincount_run_time)
    np.testing.assert_array_equal(g(np.ones(3), np.array([0, 3, 1])), [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="minlength"):
        g(np.ones(3), np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="negative"):
        g(np.ones(3), np.array([0, -1, 1]))


def bincount_no_length(w, idx): return np.sum(np.bincount(idx, weights=w) ** 2)


def test_bincount_without_minlength_has_numpys_length_when_it_runs():
    g = adjit.grad(bincount_no_length)
    np.testing.assert_array_equal(g(np.ones(3), np.array([0, 1, 1])), [2.0, 4.0, 4.0])
    with pytest.raises(ValueError, match="negative"):
        g(np.ones(3), np.array([0, -1, 1]))


def qr_wide(A, b): return np.sum(np.linalg.qr(A.T)[1])
def searchsorted_sorter(A, b): return np.sum(np.searchsorted(b, A[0], sorter=np.argsort(b)))
def polyfit_full(A, b): return np.sum(np.polyfit(b, b, 1, full=True)[0])  # w= is NumPy's (test_api_probe2.py)


@pytest.mark.parametrize("fun,args,message", [
    (qr_wide, (n(5, 3), n(5)), r"wide matrix"),
    (searchsorted_sorter, (n(5, 3), n(5)), r"sorter"),
    (polyfit_full, (n(5, 3), n(5)), r"`full=True`"),
])
def test_unsupported_uses_are_located_errors(fun, args, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(*args)
    assert info.value.loc is not None and info.value.loc.line > 0
