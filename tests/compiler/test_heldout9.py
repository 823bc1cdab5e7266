"""What the ninth held-out corpus found (benchmarks/real_programs/heldout9.py): its constructs as
small programs (corpus_heldout9.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests, run_grad

from corpus_heldout9 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first compiles; the rest run lowered


def _where_nan_square(z):
    x = (1 - 16 * z) ** 0.25
    return np.sum(np.where(z < 0, x * x, z))


def test_where_branch_not_taken_stays_zero_through_sums_and_scaling():
    """The gradient of the branch np.where did not take is 0 even where its derivative is nan: the
    cotangent `where(c, g, 0)` was summed (`x * x`: 2 * where) or scaled by a constant before it met
    the nan derivative, which gave nan (1.0 exact) before the simplifier carried the where through."""
    with np.errstate(invalid="ignore"):
        _, (g,) = run_grad(_where_nan_square, (np.array([-0.5, 0.3]),), (0,))
    assert np.allclose(g, [-8.0 / 3.0, 1.0])


def _reduceat_negative_index(x):
    idx = np.array([-1, 3]) + np.sum(x > 100)
    return np.sum(np.add.reduceat(x, idx))


def test_reduceat_run_time_index_out_of_range_raises_as_numpy():
    """NumPy raises IndexError for an index below 0 or at/after the extent (a negative one does not wrap)."""
    with pytest.raises(IndexError):
        run_grad(_reduceat_negative_index, (np.arange(6.0),), (0,))


def _spline_periodic(y):
    from scipy.interpolate import CubicSpline
    return np.sum(CubicSpline(np.arange(4.0), y, bc_type="periodic")(np.array([0.5, 1.5])))


def _spline_decreasing(y):
    from scipy.interpolate import CubicSpline
    return np.sum(CubicSpline(np.array([0.0, 2.0, 1.0, 3.0]) * y[0], y)(np.array([0.5, 1.5])))


def test_cubic_spline_refusals_and_errors():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_spline_periodic)(np.array([1.0, 2.0, 0.5, 1.0]))
    assert "bc_type='periodic'" in str(e.value) and "test_heldout9.py" in str(e.value)
    with pytest.raises(ValueError, match="strictly increasing"):
        run_grad(_spline_decreasing, (np.array([1.0, 2.0, 0.5, 1.0]),), (0,))


def _brentq_of_lambda(x):
    from scipy.optimize import brentq
    return brentq(lambda t: t - x[0], -5.0, 5.0)


def test_brentq_of_a_lambda_is_a_located_error():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_brentq_of_lambda)(np.array([0.5, 1.0]))
    assert "not a module-level def" in str(e.value) and "test_heldout9.py" in str(e.value)
