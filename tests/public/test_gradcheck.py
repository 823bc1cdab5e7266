"""adjit.check_grad: per-argument relative errors against central differences, and a report."""
import numpy as np

import adjit
import gradcheck_cases as G
from adjit.runtime.gradcheck import numerical_gradient, relative_error


def test_report_lists_every_argument_and_passes():
    rng = np.random.default_rng(0)
    report = adjit.check_grad(G.smooth, rng.standard_normal(5), rng.standard_normal(5), wrt=(0, 1))
    assert report.ok and bool(report)
    assert report.names == ["x", "w"] and len(report.errors) == 2
    assert report.max_error < 1e-8
    text = str(report)
    assert "x" in text and "w" in text and "ok" in text and "FAILED" not in text


def test_decorated_function_uses_its_own_wrt():
    report = adjit.check_grad(G.decorated, np.linspace(0, 1, 4), np.ones(4))
    assert report.names == ["w"] and report.ok


def test_a_kink_at_the_evaluation_point_is_reported_as_a_failure():
    """At x = 0, |x| has no derivative: finite differences say 0, the subgradient sign(0) = 0 too,
    but at x = 1e-7 (inside the difference step) they disagree, and the report must say so."""
    report = adjit.check_grad(G.kinked, np.array([1e-7, 1.0]), eps=1e-6)
    assert not report.ok
    assert "FAILED" in str(report)


def test_relative_error_is_scale_aware():
    assert relative_error(np.array([1.0, 1e-12]), np.array([1.0, 0.0])) < 1e-11
    assert relative_error(np.array([1.0]), np.array([1.1])) > 0.05
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_numerical_gradient_of_a_quadratic_is_exact():
    a = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda v: float(np.sum(v * v)), (a,), 0)
    np.testing.assert_allclose(g, 2 * a, rtol=1e-8)


def test_numerical_gradient_of_a_transposed_argument():
    """An F-ordered argument (A.T) is perturbed, not a copy of it: the gradient is not zero."""
    import numpy as np

    from adjit.runtime.gradcheck import numerical_gradient

    A = np.arange(6.0).reshape(2, 3).T
    g = numerical_gradient(lambda a: float(np.sum(a ** 2)), (A,), 0)
    np.testing.assert_allclose(g, 2 * A, rtol=1e-6)
