"""A custom_jvp function under reverse mode (issue 13): as in JAX, grad, vjp, jacrev and hessian of
a function calling a `@adjit.custom_jvp` function transpose its rule, which is linear in the
tangents (compiler/reverse/transpose.py). Derivatives against central differences in float64 and
forward mode (which runs the rule itself); a rule that is not linear in its tangents is a located
error at the line where it stops being linear; the transposed rule's lines are pinned by a golden."""
import sys
from pathlib import Path

import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitTypeError
from adjit.runtime.gradcheck import numerical_gradient, relative_error

R = np.random.default_rng(31)


def close(a, b, rtol=1e-6):
    assert relative_error(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) < rtol, (a, b)


@adjit.custom_jvp
def softplus(x):
    return np.log(1 + np.exp(x))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1 + np.exp(-x))


@adjit.custom_jvp
def matvec(W, v, n):
    return (W @ v) * n


@matvec.defjvp
def matvec_jvp(primals, tangents):
    (W, v, n), (tW, tv, _) = primals, tangents
    acc = np.zeros_like(W[:, 0])  # a loop over the tangent: transposed as a loop
    for k in range(2):
        acc = acc + tv[k:k + 1] * W[:, k]
    return (W @ v) * n, (tW @ v + acc + W[:, 2:] @ tv[2:]) * n


@adjit.custom_jvp
def safe_norm(x):
    return np.sqrt(np.sum(x * x))


@safe_norm.defjvp
def safe_norm_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    n = np.sqrt(np.sum(x * x))
    return n, np.sum(x * t) / np.where(n > 0, n, 1.0)


def layers(W, v):
    """Called in a loop, inside a helper, with an integer argument."""
    for k in range(3):
        v = np.tanh(matvec(W, softplus(v) - 0.5, 2))
    return np.sum(v * v) + safe_norm(v) * 0.1


def test_grad_vjp_hessian_through_the_transposed_rule():
    W, v = R.standard_normal((4, 4)) * 0.5, R.standard_normal(4)
    grad = adjit.grad(layers, wrt=(0, 1))  # one object: a caller of a custom function is lowered once per object
    gW, gv = grad(W, v)
    close(gW, numerical_gradient(layers, (W, v), 0), 1e-6)
    close(gv, numerical_gradient(layers, (W, v), 1), 1e-6)
    value, pull = adjit.vjp(layers, W, v)
    dW, dv = pull(2.0)
    assert value == pytest.approx(layers(W, v), rel=1e-12)
    close(dv, 2 * gv, 1e-12)
    close(dW, 2 * gW, 1e-12)
    H = adjit.hessian(layers, argnums=1)(W, v)
    close(H, H.T, 1e-10)
    ref = np.stack([numerical_gradient(lambda v: grad(W, v)[1][i], (v,), 0) for i in range(4)])
    close(H, ref, 1e-5)
    u = R.standard_normal(4)
    # forward mode runs the rule itself: the two modes agree (the dot-product test)
    _, t = adjit.jvp(layers, (W, v), (None, u))
    assert t == pytest.approx(gv @ u, rel=1e-10)


def chain(x):
    return softplus(softplus(x * x)) * 3.0


def test_grad_of_grad_of_a_scalar_through_the_rule():
    x = 0.7
    d2 = adjit.grad(adjit.grad(chain))(x)
    h = 1e-5
    g = adjit.grad(chain)
    assert d2 == pytest.approx((g(x + h) - g(x - h)) / (2 * h), rel=1e-7)
    assert adjit.grad(adjit.grad(adjit.grad(chain)))(x) == pytest.approx(
        (adjit.grad(adjit.grad(chain))(x + h) - adjit.grad(adjit.grad(chain))(x - h)) / (2 * h), rel=1e-6)


def vector_out(x):
    return softplus(x) * x


def test_jacobians_of_an_array_result():
    x = R.standard_normal(3)
    J = adjit.jacrev(vector_out)(x)
    close(J, adjit.jacfwd(vector_out)(x), 1e-12)
    close(J, np.diag(1 / (1 + np.exp(-x)) * x + np.log1p(np.exp(x))), 1e-12)


def softplus_loss(x):
    return np.sum(np.tanh(softplus(x * 2.0)))


def test_the_transposed_rule_in_the_reverse_sweep_is_pinned():
    sys.path.insert(0, str(Path(__file__).parent / "compiler"))
    from test_codegen import body, check_golden

    text = adjit.grad(softplus_loss).source(np.linspace(-1.0, 1.0, 3))
    check_golden("transform_custom_jvp_reverse.py.txt", body(text), "grad through a custom_jvp rule")
    assert "# in softplus_jvp(): return softplus(x), t / (1 + np.exp(-x))" in text
    assert "dx = _d0 / (1 + np.exp(-_t0))" in text  # the rule's tangent line, transposed


# ---------------------------------------------------------------- rules that are not linear in the tangents

@adjit.custom_jvp
def squared_tangent(x):
    return x * x


@squared_tangent.defjvp
def squared_tangent_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return x * x, 2 * x * t + t * t


@adjit.custom_jvp
def abs_tangent(x):
    return x * 1.0


@abs_tangent.defjvp
def abs_tangent_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return x * 1.0, np.where(t > 0, t, -t)


@adjit.custom_jvp
def sign_tangent(x):
    return x * 1.0


@sign_tangent.defjvp
def sign_tangent_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return x * 1.0, np.sign(t) + t


def uses(f):
    return lambda x: np.sum(np.sin(f(x)))


@pytest.mark.parametrize("f,line", [(squared_tangent, "t * t"), (abs_tangent, "t > 0"), (sign_tangent, "np.sign(t)")])
def test_a_rule_not_linear_in_its_tangents_is_a_located_error(f, line):
    loss = uses(f)
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(loss)(np.ones(3))
    msg = str(e.value)
    assert "is not linear in its tangents, so reverse mode cannot transpose it" in msg, msg
    assert "test_custom_jvp_reverse.py:" in msg and line in msg, msg
    assert "note: in the forward-mode rule of" in msg  # and where it is called
    # forward mode runs the rule as given
    adjit.jvp(loss, (np.ones(3),), (np.ones(3),))


@adjit.custom_jvp
def flip(x):
    return x[::-1] * 1.0


@flip.defjvp
def flip_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return x[::-1] * 1.0, t[::-1] * 1.0


@adjit.custom_jvp
def sin_flipped(x):
    return np.sin(x)[::-1]


@sin_flipped.defjvp
def sin_flipped_jvp(primals, tangents):  # a linear custom function of the tangent: transposed in turn
    (x,), (t,) = primals, tangents
    return np.sin(x)[::-1], flip(np.cos(x) * t)


@adjit.custom_jvp
def softplus_of_tangent(x):
    return x * 2.0


@softplus_of_tangent.defjvp
def softplus_of_tangent_jvp(primals, tangents):  # a nonlinear one: refused
    (x,), (t,) = primals, tangents
    return x * 2.0, softplus(t)


def test_a_custom_function_applied_to_a_tangent_inside_a_rule():
    x = R.standard_normal(4)
    loss = uses(sin_flipped)
    close(adjit.grad(loss)(x), numerical_gradient(loss, (x,), 0), 1e-6)
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(uses(softplus_of_tangent))(x)
    assert "rule of softplus_of_tangent() is not linear in its tangents" in str(e.value)
