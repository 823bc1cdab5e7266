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


# ------------------------------------------------ the "Not yet" list of docs/transformations.md

def two_outputs(x, W):
    h = np.tanh(W @ x)
    return h, (np.sum(h ** 2), x * 3.0)


def test_vjp_of_a_tuple_returned_takes_a_cotangent_in_its_structure():
    x, W = R.standard_normal(2), R.standard_normal((3, 2))
    out, pull = adjit.vjp(two_outputs, x, W)
    assert isinstance(out, tuple) and isinstance(out[1], tuple) and out[0].shape == (3,)
    u = (R.standard_normal(3), (2.0, R.standard_normal(2)))

    def scalar(x, W):  # <u, f(x, W)>
        h, (s, y) = two_outputs(x, W)
        return u[0] @ h + u[1][0] * s + u[1][1] @ y

    dx, dW = pull(u)
    assert np.allclose(dx, fd_jac(scalar, (x, W), 0), rtol=1e-7, atol=1e-9)
    assert np.allclose(dW, fd_jac(scalar, (x, W), 1), rtol=1e-7, atol=1e-9)
    with pytest.raises(adjit.ArgumentError, match="structure of the output"):
        pull((u[0], 2.0))
    v = R.standard_normal(2)  # <u, J v> = <J^T u, v>, J v by forward mode in the output's structure
    _, (th, (ts, ty)) = adjit.jvp(two_outputs, (x, W), (v, None))
    assert abs(u[0] @ th + u[1][0] * ts + u[1][1] @ ty - dx @ v) < 1e-12


def test_jacobian_of_a_tuple_returned_nests_as_jax():
    """One Jacobian per item of the output (outside), the argument's structure inside; jacfwd,
    jacrev and jacobian agree; has_aux gives (J, aux)."""
    x, W = R.standard_normal(2), R.standard_normal((3, 2))
    Jf = adjit.jacfwd(two_outputs)(x, W)
    Jr = adjit.jacrev(two_outputs)(x, W)
    Jh = fd_jac(lambda x, W: two_outputs(x, W)[0], (x, W), 0)
    Js = fd_jac(lambda x, W: two_outputs(x, W)[1][0], (x, W), 0)
    for J in (Jf, Jr):
        assert J[0].shape == (3, 2) and J[1][0].shape == (2,) and J[1][1].shape == (2, 2)
        assert np.allclose(J[0], Jh, rtol=1e-7, atol=1e-9) and np.allclose(J[1][0], Js, rtol=1e-7, atol=1e-9)
        assert np.allclose(J[1][1], 3 * np.eye(2))
    p = {"W": W, "n": 2}  # a structured argument inside each item; an int leaf: None

    def g(p, x):
        return np.tanh(p["W"] @ x) * p["n"], np.sum(p["W"])

    (JW, Js2) = adjit.jacrev(g)(p, x)
    assert JW["n"] is None and JW["W"].shape == (3, 3, 2) and Js2["W"].shape == (3, 2)
    assert np.allclose(Js2["W"], 1.0) and np.allclose(adjit.jacfwd(g)(p, x)[0]["W"], JW["W"], rtol=1e-12)

    def with_aux(x, W):
        h = np.tanh(W @ x)
        return h, np.max(h)

    for jac in (adjit.jacfwd, adjit.jacrev, adjit.jacobian):
        J, aux = jac(with_aux, has_aux=True)(x, W)
        assert np.allclose(J, Jh, rtol=1e-7, atol=1e-9) and aux == pytest.approx(np.max(np.tanh(W @ x)))
    (Jx, JW2), aux = adjit.jacobian(with_aux, argnums=(0, 1), has_aux=True)(x, W)
    assert Jx.shape == (3, 2) and JW2.shape == (3, 3, 2) and aux == pytest.approx(np.max(np.tanh(W @ x)))
    assert adjit.jacobian(lambda x: x * 2.0)(np.zeros(0)).shape == (0, 0)  # was an IndexError


def test_has_aux_on_jvp_and_hessian():
    def f(x, W):
        h = np.tanh(W @ x)
        return np.sum(h ** 2) + np.sum(x ** 3), (h, 3)

    x, W = R.standard_normal(2), R.standard_normal((3, 2))
    v = R.standard_normal(2)
    out, t, (h, three) = adjit.jvp(f, (x, W), (v, None), has_aux=True)
    value = lambda x, W: f(x, W)[0]  # noqa: E731
    assert out == pytest.approx(value(x, W)) and three == 3 and np.allclose(h, np.tanh(W @ x))
    assert t == pytest.approx(float(fd_jac(value, (x, W), 0) @ v), rel=1e-7)
    H, (h2, _) = adjit.hessian(f, has_aux=True)(x, W)
    grad_x = lambda x, W: adjit.grad(value)(x, W)  # noqa: E731
    assert np.allclose(H, fd_jac(grad_x, (x, W), 0), rtol=1e-6, atol=1e-8) and np.allclose(h2, h)
    assert "batched tangents" in adjit.hessian(f, has_aux=True).source(x, W).splitlines()[0]  # aux passed through
    with pytest.raises(AdjitError, match="has_aux"):  # the gradient is no pair (out, aux); as JAX, an error
        adjit.jvp(adjit.grad(value), (x, W), (v, None), has_aux=True)


def test_hvp_with_several_arguments():
    def f(x, y):
        return np.sum(np.sin(x)) * np.sum(y ** 3) + np.sum(x * x) * np.sum(y)

    x, y = R.standard_normal(3), R.standard_normal(2)
    vx, vy = R.standard_normal(3), R.standard_normal(2)
    (Hxx, Hxy), (Hyx, Hyy) = adjit.hessian(f, argnums=(0, 1))(x, y)
    hx, hy = adjit.hvp(f, argnums=(0, 1))(x, y, (vx, vy))
    assert np.allclose(hx, Hxx @ vx + Hxy @ vy, rtol=1e-12) and np.allclose(hy, Hyx @ vx + Hyy @ vy, rtol=1e-12)
    with pytest.raises(adjit.ArgumentError, match="tuple of 2 vectors"):
        adjit.hvp(f, argnums=(0, 1))(x, y, vx)


def test_results_of_a_tuple_returned_do_not_share_a_buffer_between_calls():
    """jvp of a function returning a tuple: from the second call on, the tangent tuple's arrays
    came from the call's workspace (the planner took only the results themselves, not a tuple's
    items, as outliving the call), so every result kept shared one buffer: the last call's values."""
    x, W = R.standard_normal(2), R.standard_normal((3, 2))
    got = [adjit.jvp(two_outputs, (x, W), (np.eye(2)[i % 2], None))[1][0] for i in range(4)]
    J = fd_jac(lambda x, W: two_outputs(x, W)[0], (x, W), 0)
    for i, t in enumerate(got):
        assert np.allclose(t, J[:, i % 2], rtol=1e-7, atol=1e-9)
    outs = [adjit.vjp(two_outputs, x * (i + 1), W)[0][0] for i in range(3)]  # the primal's tuple too
    assert all(np.allclose(o, np.tanh(W @ (x * (i + 1))), rtol=1e-14) for i, o in enumerate(outs))


class Layer:
    def __init__(self, W):
        self.W = W

    def out(self, x):
        return np.tanh(self.W @ x)

    def loss(self, x, b):
        return np.sum(np.tanh(self.W @ x + b) ** 2)


def test_bound_methods_and_partials_under_every_transformation():
    """jvp, vjp, jacfwd/jacrev and hessian/hvp of a bound method (self bound before the caller's
    arguments) put tangents and vectors at the caller's positions, not the bound ones: they were
    refused ('the tangent of argument 0 must have the structure of its primal, Layer(W)'; vjp:
    'wrt=1: out() takes 1 arguments'), and a positional functools.partial checked each tangent
    against the partial's argument. vjp gives one cotangent per primal given, as jax.vjp."""
    import functools

    m = Layer(R.standard_normal((3, 3)) * 0.7)
    x, b = R.standard_normal(3), R.standard_normal(3)
    J = fd_jac(m.out, (x,), 0)
    assert np.allclose(adjit.jvp(m.out, (x,), (np.ones(3),))[1], J @ np.ones(3), rtol=1e-7, atol=1e-9)
    pull = adjit.vjp(m.out, x)[1]
    assert len(pull(np.ones(3))) == 1 and np.allclose(pull(np.ones(3))[0], np.ones(3) @ J, rtol=1e-7, atol=1e-9)
    assert np.allclose(adjit.jacfwd(m.out)(x), J, rtol=1e-7, atol=1e-9)
    assert np.allclose(adjit.jacrev(m.out)(x), J, rtol=1e-7, atol=1e-9)
    H = adjit.hessian(m.loss)(x, b)
    assert np.allclose(H, fd_jac(adjit.grad(m.loss), (x, b), 0), rtol=1e-6, atol=1e-8)
    hx, hb = adjit.hvp(m.loss, argnums=(0, 1))(x, b, (np.ones(3), np.zeros(3)))
    assert np.allclose(hx, H @ np.ones(3), rtol=1e-10)
    y = R.standard_normal(2)  # a positional partial whose bound argument has another shape
    pf = functools.partial(lambda y, x: np.sum(np.tanh(x * np.sum(y)) ** 2), y)
    assert np.allclose(adjit.hvp(pf)(x, np.ones(3)), fd_jac(adjit.grad(pf), (x,), 0) @ np.ones(3),
                       rtol=1e-6, atol=1e-8)
    assert len(adjit.vjp(functools.partial(m.loss, b=b), x)[1](1.0)) == 1  # partial's keyword: no cotangent


GLOBAL_SCALE = np.array([0.3, 0.5, -0.2])


def reads_a_global(t):
    return np.sum(np.sin(GLOBAL_SCALE * t) * t)


def test_grad_of_grad_reads_global_and_closure_arrays():
    """grad(grad(f)) of an f reading a global array (or a closure's), and a gradient helper reading
    one called inside a compiled function, were refused ('the global array ... is read in a way adjit
    does not follow'): nested code planned no captures. They are read again on every call."""
    global GLOBAL_SCALE
    gg = adjit.grad(adjit.grad(reads_a_global))

    def second(t, e=1e-4):
        return (reads_a_global(t + e) - 2 * reads_a_global(t) + reads_a_global(t - e)) / e ** 2

    assert gg(0.7) == pytest.approx(second(0.7), rel=1e-6)
    assert gg(0.7) == pytest.approx(adjit.hessian(reads_a_global)(0.7), rel=1e-12)
    saved = GLOBAL_SCALE
    try:
        GLOBAL_SCALE = np.array([0.2, 0.1, 0.3, 0.4])  # rebound, another shape
        assert gg(0.7) == pytest.approx(second(0.7), rel=1e-6)
    finally:
        GLOBAL_SCALE = saved
    A = np.array([0.5, -0.4])

    def closure(t):
        return np.sum(np.cos(A * t) * t)

    d = adjit.grad(closure)

    def caller(t):  # a gradient helper reading a closure array, inlined into the caller's code
        return d(t) * t

    assert adjit.grad(adjit.grad(closure))(0.3) == pytest.approx(adjit.hessian(closure)(0.3), rel=1e-12)
    e = 1e-6
    assert adjit.grad(caller)(0.3) == pytest.approx((caller(0.3 + e) - caller(0.3 - e)) / (2 * e), rel=1e-7)


def test_custom_rule_with_nondiff_argnums_as_jax_writes_it():
    """`@functools.partial(adjit.custom_vjp, nondiff_argnums=(1,))`, as JAX code writes it, was a
    Python TypeError from the constructor, then a located refusal; it is supported since 7bc4e61:
    the nondiff argument goes first to bwd, which returns cotangents for the others."""
    import functools

    @functools.partial(adjit.custom_vjp, nondiff_argnums=(1,))
    def scaled(x, n):
        return x * n

    def fwd(x, n):
        return scaled(x, n), None

    def bwd(n, res, g):
        return (g * n,)

    scaled.defvjp(fwd, bwd)

    def loss(x):
        return np.sum(scaled(x, 3) ** 2)

    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(adjit.grad(loss)(x), 2 * 9 * x, rtol=1e-14)


def test_grad_takes_jax_argnums():
    """`adjit.grad(f, argnums=1)`, as JAX code writes it, was a Python TypeError; argnums is wrt."""
    def f(x, y):
        return np.sum(np.sin(x) * y ** 2)

    x, y = R.standard_normal(3), R.standard_normal(3)
    assert np.allclose(adjit.grad(f, argnums=1)(x, y), 2 * y * np.sin(x), rtol=1e-14)
    v, (gx, gy) = adjit.value_and_grad(f, argnums=(0, 1))(x, y)
    assert np.allclose(gx, np.cos(x) * y ** 2, rtol=1e-14) and np.allclose(gy, 2 * y * np.sin(x), rtol=1e-14)
    with pytest.raises(adjit.AdjitError, match="not both"):
        adjit.grad(f, wrt=1, argnums=0)


def test_complex_tangent_of_a_real_argument_is_refused():
    """A complex tangent, cotangent or hvp vector for a real primal was cast to float, dropping its
    imaginary part with only NumPy's ComplexWarning (JAX raises for the dtype mismatch)."""
    x, c = R.standard_normal(2), np.array([1.0 + 2j, 0.5 - 1j])
    with pytest.raises(adjit.AdjitError, match="imaginary part"):
        adjit.jvp(layer, (x, np.eye(2)), (c, None))
    with pytest.raises(adjit.AdjitError, match="imaginary part"):
        adjit.vjp(layer, x, np.eye(2))[1](c)
    with pytest.raises(adjit.AdjitError, match="imaginary part"):
        adjit.hvp(lambda a: np.sum(np.sin(a) ** 2))(x, c)
    with pytest.raises(adjit.AdjitError, match="imaginary part"):
        adjit.jvp(lambda a: np.sin(a), (0.3,), (1j,))
