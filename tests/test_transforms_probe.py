"""Regressions found by the adversarial probe of the AD family (issue 13, 2026-12-02): each case
a JAX user writes, checked against central finite differences in float64 or the closed form."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, InternalCompilerError

R = np.random.default_rng(13)


def fd_jac(f, args, k, eps=1e-6):
    """Central differences of f (any output shape) by argument k: shape out.shape + x.shape."""
    args = list(args)
    x = np.array(args[k], dtype=float)
    out = np.asarray(f(*args), dtype=float)
    J = np.zeros(out.shape + x.shape)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        args[k] = xp
        fp = np.asarray(f(*args), dtype=float)
        args[k] = xm
        J[(Ellipsis,) + idx] = (fp - np.asarray(f(*args), dtype=float)) / (2 * eps)
    return J


def layer(x, W):
    return np.tanh(W @ x) * 2.0


def test_pullback_keeps_the_point_it_was_taken_at():
    """A pullback reran the forward sweep on the caller's arrays, so writing into an argument
    after vjp (a training loop updating W in place) silently changed the derivative."""
    x, W = R.standard_normal(3), R.standard_normal((4, 3))
    x0, W0 = x.copy(), W.copy()
    out, pull = adjit.vjp(layer, x, W)
    x[:] = 0.0
    W *= 3.0
    u = R.standard_normal(4)
    dx, dW = pull(u)
    assert np.allclose(dx, u @ fd_jac(layer, (x0, W0), 0), rtol=1e-7, atol=1e-9)
    assert np.allclose(dW, np.tensordot(u, fd_jac(layer, (x0, W0), 1), axes=1), rtol=1e-7, atol=1e-9)
    p = {"W": W0.copy(), "x": x0.copy()}  # a structure's leaves too
    out, pull = adjit.vjp(lambda p: layer(p["x"], p["W"]), p)
    p["x"][:] = 1.0
    (dp,) = pull(u)
    assert np.allclose(dp["x"], dx, rtol=1e-12)


def test_vjp_has_aux_with_unnamed_results():
    """`return np.sin(x), np.sum(x)` under vjp(has_aux=True) crashed in codegen (the cotangent
    parameter took the unnamed result's name, None)."""
    def f(x):
        return np.sin(x), np.sum(x)

    x = R.standard_normal(3)
    out, pull, aux = adjit.vjp(f, x, has_aux=True)
    assert np.allclose(out, np.sin(x)) and aux == pytest.approx(np.sum(x))
    assert np.allclose(pull(np.arange(3.0))[0], np.arange(3.0) * np.cos(x), rtol=1e-14)


def test_lambda_reading_an_enclosing_function_s_names():
    """A lambda with free variables (a local helper or value of the function around it) was
    refused as 'the file was changed after it was imported'."""
    def h(x):
        return x * 2.0

    k = 3.0
    f = lambda x: np.sum(h(x) * k)  # noqa: E731
    assert np.allclose(adjit.grad(f)(np.ones(2)), 6.0)


@adjit.custom_vjp
def softplus(x):
    return np.log1p(np.exp(x))


def softplus_fwd(x):
    return softplus(x), x


def softplus_bwd(x, g):
    return (g / (1 + np.exp(-x)),)


softplus.defvjp(softplus_fwd, softplus_bwd)


def test_jacobian_auto_takes_reverse_mode_for_a_custom_vjp_inside():
    """jacobian's automatic mode picked forward mode (n <= m) and raised the custom_vjp function's
    forward-mode error, where reverse mode works; jacfwd still raises it."""
    def f(x):
        return softplus(x) * x

    x = R.standard_normal(4)
    J = adjit.jacobian(f)(x)
    assert np.allclose(J, fd_jac(f, (x,), 0), rtol=1e-7, atol=1e-9)
    assert "reverse mode (forward mode cannot" in adjit.jacobian(f).source(x).splitlines()[0]
    with pytest.raises(AdjitError, match="reverse-mode rule only") as e:
        adjit.jacfwd(f)(x)
    assert not isinstance(e.value, InternalCompilerError)
