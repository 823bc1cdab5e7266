"""Boolean-mask selections (issue 12; compiler/frontend/masks.py): `x[mask]` in elementwise
arithmetic and reductions, `x[mask] = v`, `x[mask] += v`, row masks, np.isnan/isinf/isfinite.
Against central finite differences, forward mode against reverse mode; unselected elements
(NaN, or outside a function's domain) never reach a value or a gradient; what would need the
selection as an array is a located error."""
import numpy as np
import pytest
from scipy.stats import norm

import adjit
from conftest import family_tests

R = np.random.default_rng(41)


def n(*shape):
    return R.standard_normal(shape)


def nan_targets():
    Y = n(20, 3)
    Y[R.random((20, 3)) < 0.25] = np.nan
    return 0.3 * n(4, 3), n(20, 4), Y


def masked_regression(W, X, Y):
    pred = X @ W
    observed = ~np.isnan(Y)
    return np.mean((pred[observed] - Y[observed]) ** 2)


def reductions(x):
    pos = x > 0
    return np.sum(np.log(x[pos])) + x[x < 0].sum() + np.max(x[pos]) + np.mean(x[x > -0.5] ** 2) \
        + np.min(-x[pos] * 2.0)


def writes(x):
    y = x.copy()
    y[y < 0] = 0.0
    y[y > 1] *= 2.0
    z = x * 1.0
    z[x > 0.5] = x[x > 0.5] ** 2
    return np.sum(y ** 2) + np.sum(z)


def row_mask(X):
    keep = X[:, 0] > 0
    return np.sum(X[keep] ** 2) + np.sum(X[keep].mean(axis=0)) + np.sum(np.sum(X[keep], axis=0) ** 2)


def predicates(x):
    y = np.where(np.isfinite(x), x, 0.0) + np.where(np.isinf(x), 1.0, 0.0)
    return np.sum(y ** 2) + np.sum(x[np.isfinite(x) & (x > 0)])


def _with_infinities():
    x = n(8)
    x[2] = np.inf
    x[5] = -np.inf
    return x


def _away_from_edges(size):
    """Values not within 1e-3 of the masks' thresholds (-0.5, 0, 0.5, 1): no element changes sides
    within reach of the finite differences."""
    x = R.uniform(-1.8, 1.8, size)
    for t in (-0.5, 0.0, 0.5, 1.0):
        x[np.abs(x - t) < 1e-3] += 0.01
    return x


def normal_of_selection(W):
    """scipy.stats.norm's methods are elementwise on a selection too (the fuzzing helper found them
    refused)."""
    V = W * 1.0
    V[V > 0.3] = norm.cdf(V[V > 0.3])
    return np.sum(norm.sf(W[W < 0.2])) + np.sum(V ** 2)


CASES = [
    (masked_regression, nan_targets, (0,)),
    (reductions, lambda: (_away_from_edges(12),), (0,)),
    (writes, lambda: (_away_from_edges(12),), (0,)),
    (row_mask, lambda: (n(9, 3),), (0,)),
    (normal_of_selection, lambda: (_away_from_edges(12).reshape(3, 4) * 0.8 + 0.013,), (0,)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs"})


def test_unselected_nans_never_reach_the_gradient():
    W, X, Y = nan_targets()
    value, g = adjit.value_and_grad(masked_regression)(W, X, Y)
    assert np.isfinite(value) and np.all(np.isfinite(g))
    assert value == pytest.approx(masked_regression(W, X, Y), rel=1e-12)


def test_predicates_on_infinities():
    x = _with_infinities()
    assert adjit.value_and_grad(predicates)(x)[0] == pytest.approx(predicates(x), rel=1e-12)


def as_array(x):
    return np.sum(np.array(x[x > 0]))


def other_mask(x):
    return np.sum(x[x > 0] * x[x < 1])


def with_full_array(x):
    return np.sum(x[x > 0] * x)


def assign_array(x):
    y = x.copy()
    y[y > 0] = x[:3]
    return np.sum(y)


@pytest.mark.parametrize("fun,text", [
    (as_array, "has a number of elements known only when the function runs"),
    (other_mask, "different boolean masks"),
    (with_full_array, "an array combined with a boolean-mask selection"),
    (assign_array, "x[mask] = array"),
], ids=["as-array", "other-mask", "full-array", "assign-array"])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(n(6))
    assert text in str(e.value) and "test_masks.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)
