"""Regressions found by an adversarial review of the day's features (silent wrong values first)."""
import numpy as np
import pytest

import review_today_corpus as R
from conftest import run_grad
from adjit.runtime.gradcheck import numerical_gradient, relative_error

V = np.array([0.1, 0.5, 0.9, 0.3])


@pytest.mark.parametrize("fun", [R.outer_else_inner_else_break, R.inner_else_return, R.for_else_in_while_else])
@pytest.mark.parametrize("t", [0.25, 0.7, 0.95, 3.0])
def test_loop_else_break_or_return_in_an_inner_loops_else(fun, t):
    value, (g,) = run_grad(fun, (V.copy(), t), (0,))
    assert np.isclose(value, fun(V.copy(), t), rtol=1e-12, atol=0)
    assert relative_error(g, numerical_gradient(fun, (V.copy(), t), 0, eps=1e-6)) < 1e-6


def test_gumbel_far_tails_have_finite_gradients():
    x = np.array([-800.0, -85.0, -30.0, 0.4, 3.0])
    value, grads = run_grad(R.gumbel_far_tails, (x, 0.2, 1.1), (0, 1, 2))
    assert np.isclose(value, R.gumbel_far_tails(x, 0.2, 1.1), rtol=1e-12)
    for k, g in zip((0, 1, 2), grads):
        assert np.all(np.isfinite(g))
        assert relative_error(g, numerical_gradient(R.gumbel_far_tails, (x, 0.2, 1.1), k, eps=1e-6)) < 1e-6


def test_lambertw_at_the_ends_of_the_doubles_and_the_branch_point():
    import mpmath

    em1 = -np.exp(-1.0)
    x = np.array([1e308, 5e307, 1e301, np.nextafter(em1, -1.0), 2.5])
    y = np.array([-5e-324, -1e-320, -1e-301, np.nextafter(em1, -1.0), -0.1])
    value, (gx, gy) = run_grad(R.lambertw_extremes, (x, y), (0, 1))
    exact = sum(float(mpmath.lambertw(mpmath.mpf(v))) for v in x[[0, 1, 2, 4]]) - 1.0 \
        + sum(float(mpmath.re(mpmath.lambertw(mpmath.mpf(v), -1))) for v in y[[0, 1, 2, 4]]) - 1.0
    assert np.isclose(value, exact, rtol=1e-14)
    assert np.allclose(gx[[0, 1, 2, 4]], 1.0 / (x[[0, 1, 2, 4]] + np.exp(np.real(
        [complex(mpmath.lambertw(mpmath.mpf(v))) for v in x[[0, 1, 2, 4]]]))), rtol=1e-12)
