"""Derivatives of order four and more from nested transformation objects (adjit/higher.py, issue
13): hessian(hessian(f)) and any nesting of hessian / jacobian / jacfwd / jacrev / grad, checked
against central differences of the third derivative (itself checked in test_third_order.py), the
nestings against each other, a function returning an array at the third order, and the located
errors for what does not nest."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, ArgumentError


def f(x):
    return np.sum(np.sin(x) * x[0]) + np.prod(x) ** 2


def g(x, y):
    return np.sum(np.exp(x * y[0])) * np.sum(y ** 3)


def F(x):
    return np.tanh(x) * x[1]


X = np.array([0.3, 0.5, 0.7])


def differences(D, x, eps=1e-5):
    """Central differences of D (any output shape) by x: shape D.shape + x.shape."""
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        cols.append((D(x + e) - D(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1)


def test_fourth_derivative_by_every_nesting():
    T4 = adjit.hessian(adjit.hessian(f))(X)
    assert T4.shape == (3,) * 4
    ref = differences(adjit.jacfwd(adjit.hessian(f)), X)
    assert np.max(np.abs(T4 - ref)) < 1e-8 * max(1.0, np.max(np.abs(ref)))
    text = adjit.hessian(adjit.hessian(f)).source(X)  # how it runs, then the code
    assert text.startswith("# derivative of order 4 of f") and "def f_d0(x, w):" in text and "def f_d0_grad(" in text
    for other in (adjit.jacfwd(adjit.jacfwd(adjit.hessian(f))), adjit.jacrev(adjit.jacfwd(adjit.jacrev(adjit.grad(f)))),
                  adjit.hessian(adjit.jacobian(adjit.grad(f))), adjit.jacfwd(adjit.hessian(adjit.grad(f)))):
        assert np.allclose(other(X), T4, rtol=1e-12, atol=1e-12)


def test_mixed_arguments_a_scalar_argument_and_an_array_valued_third_derivative():
    y = np.array([0.2, -0.4])
    inner = adjit.jacrev(adjit.hessian(g, 1), 0)  # (2, 2, 3)
    M = adjit.jacfwd(inner, 1)(X, y)
    assert M.shape == (2, 2, 3, 2)
    ref = differences(lambda yy: inner(X, yy), y)
    assert np.max(np.abs(M - ref)) < 1e-7 * max(1.0, np.max(np.abs(ref)))

    def h(a):
        return np.sin(a) * a ** 3
    assert np.isclose(adjit.hessian(adjit.hessian(h))(0.7), adjit.grad(adjit.grad(adjit.grad(adjit.grad(h))))(0.7),
                      rtol=1e-12)
    by_name = adjit.hessian(adjit.grad(g, wrt="y"), 1)(X, y)  # a grad object naming its argument
    assert np.allclose(by_name, adjit.jacfwd(adjit.hessian(g, 1), 1)(X, y), rtol=1e-12)
    T = adjit.jacfwd(adjit.hessian(F))(X)  # F returns an array: out.shape + x.shape * 3
    assert T.shape == (3,) * 4
    assert np.max(np.abs(T - differences(adjit.hessian(F), X))) < 1e-8


def test_what_does_not_nest_is_named():
    def with_aux(x):
        return np.sum(x ** 4), x
    with pytest.raises(ArgumentError, match="has_aux=True"):
        adjit.hessian(adjit.hessian(with_aux, has_aux=True))(X)
    with pytest.raises(ArgumentError, match=r"argnums=\(0, 1\)"):
        adjit.hessian(adjit.hessian(lambda a, b: np.sum(a ** 2 * b ** 2), argnums=(0, 1)))(X, X)
    with pytest.raises(ArgumentError, match="not dict"):
        adjit.hessian(adjit.hessian(lambda d: np.sum(d["a"] ** 4)))({"a": X})
    with pytest.raises(ArgumentError, match="hvp takes a scalar function"):
        adjit.hvp(adjit.hessian(f))(X, X)


def looped(x):
    h = x * 1.0
    for _ in range(2):
        h = np.tanh(h * x)
    return np.sum(h)


def test_a_taped_gradient_beyond_the_third_order_is_located_at_the_function():
    """Reverse mode cannot differentiate a tape again: the error adjit's helper meets is located at
    the user's function, with a note naming the helper."""
    with pytest.raises(AdjitError) as e:
        adjit.hessian(adjit.hessian(looped))(X)
    text = str(e.value)
    assert "test_higher_order.py:" in text.splitlines()[0] and "adjit's helper" in text
