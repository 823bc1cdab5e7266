"""scipy.spatial.distance: pdist, cdist (every metric of _METRICS) and squareform (forms/spatial.py), and cdist(X, X), whose
diagonal distance 0 has the derivative 0 (not inf * 0 = NaN)."""
import numpy as np
import scipy.linalg
from scipy.spatial.distance import cdist, pdist, squareform

from conftest import family_tests


def kernel_of_pdist(X):
    return np.sum(np.exp(-squareform(pdist(X))) ** 2) + np.sum(pdist(X, "cityblock") ** 2) \
        + np.sum(pdist(X, metric="sqeuclidean")) + np.sum(pdist(X, "chebyshev"))


def condensed_again(X):
    D = squareform(pdist(X))
    return np.sum(squareform(D, checks=False) ** 3)


def gp_with_cdist(X, y):
    K = np.exp(-cdist(X, X)) + 0.1 * np.eye(X.shape[0])
    return y @ scipy.linalg.solve(K, y)


def kriging(log_range, angle, coords, z):
    c, s = np.cos(angle), np.sin(angle)
    scaled = coords @ np.array([[c, s], [-s, c]]).T / np.array([1.0, 2.0])  # anisotropic: the angle matters
    K = np.exp(-squareform(pdist(scaled)) / np.exp(log_range)) + 0.1 * np.eye(len(z))
    cf = scipy.linalg.cho_factor(K, lower=True)
    return z @ scipy.linalg.cho_solve(cf, z) + 2 * np.sum(np.log(np.diag(cf[0])))


def every_metric(X, Y):
    """cdist and pdist with every metric (SciPy's definitions: minkowski's p, correlation centres rows)."""
    s = 0.0
    for m in ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine", "correlation"):
        s = s + np.sum(cdist(X, Y, m) * np.arange(1.0, 11.0).reshape(5, 2)) + np.sum(pdist(X, metric=m) ** 2)
    return s + np.sum(cdist(X, Y, "minkowski", p=3)) + np.sum(pdist(X, "minkowski", p=1.5))


_X = lambda: np.random.default_rng(0).standard_normal((5, 2))  # noqa: E731
CASES = [
    (kernel_of_pdist, lambda: [_X()]),
    (condensed_again, lambda: [_X()]),
    (gp_with_cdist, lambda: [_X(), np.linspace(-1, 1, 5)]),
    (kriging, lambda: [0.2, 0.3, _X(), np.linspace(-1, 1, 5)], (0, 1)),
    (every_metric, lambda: [_X() + 0.1, np.array([[0.3, -0.2], [1.1, 0.4]])], (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient, test_forward = family_tests(CASES, IDS, every=6)



def _bad_metric(X):
    return np.sum(pdist(X, "jensenshannon"))


def _checked_square(X):
    return np.sum(squareform(cdist(X, X)))


def test_located_errors():
    import pytest

    import adjit

    with pytest.raises(adjit.UnsupportedSyntaxError, match="metric='jensenshannon' is not supported") as e:
        adjit.grad(_bad_metric)(_X())
    assert "test_spatial.py" in str(e.value) and "hint: supported:" in str(e.value)
    with pytest.raises(adjit.UnsupportedSyntaxError, match="symmetric with a zero diagonal") as e:
        adjit.grad(_checked_square)(_X())
    assert "checks=False" in str(e.value)
