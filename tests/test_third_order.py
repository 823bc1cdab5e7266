"""Third derivatives from transformation objects (issue 13, adjit/higher.py): what JAX composes,
`jacfwd(hessian(f))`, `jacrev(hessian(f))`, `jacfwd(jacfwd(jacrev(f)))`, `hessian(grad(f))`,
`hessian(jacobian(f))`, `jvp` and `vjp` of a Hessian or a Jacobian, equal one third-derivative
tensor, checked against central differences of the Hessian in float64; a fourth derivative
(`hessian(hessian(f))`, once a located error) is test_higher_order.py's; here its diagonal against
the closed form."""
import numpy as np
import pytest

import adjit

R = np.random.default_rng(3)


def cubic(x):
    return np.sum(np.sin(x) * x ** 2) + x[0] * x[1] * x[2]


def third_by_differences(x, eps=1e-5):
    H = adjit.hessian(cubic)
    cols = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = eps
        cols.append((H(x + e) - H(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1)  # T[i, j, k] = d H[i, j] / d x[k]


def test_third_derivative_tensors_agree_with_differences_of_the_hessian():
    x = R.standard_normal(3)
    T = third_by_differences(x)
    T1 = adjit.jacfwd(adjit.hessian(cubic))(x)
    np.testing.assert_allclose(T1, T, rtol=1e-6, atol=1e-8)
    for other in (adjit.jacrev(adjit.hessian(cubic)), adjit.jacfwd(adjit.jacfwd(adjit.jacrev(cubic))),
                  adjit.hessian(adjit.grad(cubic)), adjit.hessian(adjit.jacobian(cubic))):
        np.testing.assert_allclose(other(x), T1, rtol=1e-12, atol=1e-12)
    v, u = R.standard_normal(3), R.standard_normal((3, 3))
    H, Hdot = adjit.jvp(adjit.hessian(cubic), (x,), (v,))
    np.testing.assert_allclose(H, adjit.hessian(cubic)(x), rtol=1e-14)
    np.testing.assert_allclose(Hdot, T1 @ v, rtol=1e-12, atol=1e-12)
    _, pull = adjit.vjp(adjit.hessian(cubic), x)
    np.testing.assert_allclose(pull(u)[0], np.einsum("ij,ijk->k", u, T1), rtol=1e-12, atol=1e-12)


def test_a_fourth_derivative_is_computed():
    x = np.array([0.3, -0.2, 0.9])
    T4 = adjit.hessian(adjit.hessian(cubic))(x)  # d4/dx^4 of sin(x) x^2 = (x^2 - 12) sin(x) - 8 x cos(x)
    assert T4.shape == (3,) * 4
    exact = (x ** 2 - 12) * np.sin(x) - 8 * x * np.cos(x)
    assert np.allclose([T4[i, i, i, i] for i in range(3)], exact, rtol=1e-12)
    T4[0, 0, 0, 0] = T4[1, 1, 1, 1] = T4[2, 2, 2, 2] = 0.0
    assert np.max(np.abs(T4)) < 1e-12  # the product x0 x1 x2 has no fourth derivative


def bump(x):
    return np.sin(x) * x ** 2


def test_grad_of_a_scalar_jacobian_and_hessian():
    x, e = 0.7, 1e-5
    d2 = adjit.jacobian(adjit.grad(bump))
    assert adjit.grad(adjit.jacobian(bump))(x) == pytest.approx(float(d2(x)), rel=1e-12)
    d3 = (adjit.hessian(bump)(x + e) - adjit.hessian(bump)(x - e)) / (2 * e)
    value, g = adjit.value_and_grad(adjit.hessian(bump))(x)
    assert value == pytest.approx(float(adjit.hessian(bump)(x)), rel=1e-14) and g == pytest.approx(float(d3), rel=1e-6)
