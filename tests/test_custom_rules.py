"""adjit.custom_vjp and adjit.custom_jvp (issue 13): user-given derivative rules, compiled and fused
inside a differentiated function, run as plain Python when the custom function is transformed
itself. Every derivative against central finite differences in float64 (or, where the naive one
is NaN, against the exact value), forward against reverse where both apply; mode mismatches and
malformed rules are located errors."""
from functools import partial
from typing import NamedTuple

import numpy as np
import pytest
import scipy.linalg
import scipy.optimize

import adjit
from adjit.compiler.errors import AdjitError, AdjitTypeError, ShapeError
from adjit.runtime.gradcheck import numerical_gradient, relative_error

R = np.random.default_rng(13)


def fd(fun, args, k, eps=1e-6):
    return numerical_gradient(fun, tuple(args), k, eps=eps)


def close(a, b, rtol=1e-6):
    assert relative_error(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) < rtol, (a, b)


# ---------------------------------------------------------------- a numerically better rule

@adjit.custom_vjp
def log1pexp(x):
    return np.log(1 + np.exp(x))


def log1pexp_fwd(x):
    return log1pexp(x), x


def log1pexp_bwd(x, g):
    return (g / (1 + np.exp(-x)),)  # sigmoid(x): 1 at x = 1000, where exp(x) / (1 + exp(x)) is inf / inf


log1pexp.defvjp(log1pexp_fwd, log1pexp_bwd)


def softplus_loss(x):
    return np.sum(log1pexp(x) * 0.5)


def naive_softplus_loss(x):
    return np.sum(np.log(1 + np.exp(x)) * 0.5)


def test_a_better_rule_gives_exact_gradients_where_the_naive_one_gives_nan():
    x = np.array([-3.0, -0.5, 0.2, 1.7, 4.0])
    g = adjit.grad(softplus_loss)(x)
    close(g, fd(softplus_loss, (x,), 0))
    close(g, 0.5 / (1 + np.exp(-x)), 1e-14)
    big = np.array([1000.0, -1000.0, 0.0])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(adjit.grad(naive_softplus_loss)(big)[0])
    np.testing.assert_allclose(adjit.grad(softplus_loss)(big), [0.5, 0.0, 0.25], rtol=1e-15)


@adjit.custom_vjp
def safe_norm(x):
    return np.sqrt(np.sum(x * x))


def safe_norm_fwd(x):
    n = safe_norm(x)
    return n, (x, n)


def safe_norm_bwd(res, g):
    x, n = res
    return (g * x / np.where(n == 0.0, 1.0, n),)  # the subgradient 0 at the origin


safe_norm.defvjp(safe_norm_fwd, safe_norm_bwd)


def norm_loss(x, w):
    return safe_norm(x * w) + np.sum(x)


def test_safe_norm_at_zero_and_elsewhere():
    x, w = R.standard_normal(4), R.uniform(0.5, 2, 4)
    gx, gw = adjit.grad(norm_loss, wrt=(0, 1))(x, w)
    close(gx, fd(norm_loss, (x, w), 0))
    close(gw, fd(norm_loss, (x, w), 1))
    gx0 = adjit.grad(norm_loss)(np.zeros(4), w)
    np.testing.assert_array_equal(gx0, np.ones(4))


# ---------------------------------------------------------------- residuals, and the generated source

@adjit.custom_vjp
def expsin(x, y):
    return np.exp(x) * np.sin(y)


def expsin_fwd(x, y):
    e, s = np.exp(x), np.sin(y)
    return e * s, (e, s, np.cos(y))


def expsin_bwd(res, g):
    e, s, c = res
    return (g * e * s, g * e * c)


expsin.defvjp(expsin_fwd, expsin_bwd)


def expsin_loss(x, y, u):
    z = expsin(x, y)
    return np.sum(u * np.tanh(z))


def test_a_rule_with_residuals_and_the_value_is_fwds_output():
    x, y, u = R.standard_normal(5) * 0.5, R.standard_normal(5), R.standard_normal(5)
    value, (gx, gy) = adjit.value_and_grad(expsin_loss, wrt=(0, 1))(x, y, u)
    assert np.isclose(value, expsin_loss(x, y, u), rtol=1e-13)
    close(gx, fd(expsin_loss, (x, y, u), 0))
    close(gy, fd(expsin_loss, (x, y, u), 1))


def test_the_generated_source_shows_the_users_bwd_lines():
    args = (R.standard_normal(3), R.standard_normal(3), R.standard_normal(3))
    src = adjit.grad(expsin_loss, wrt=(0, 1)).source(*args)
    reverse = src.split("--- reverse sweep ---")[1]
    assert "# in expsin_bwd(): return (g * e * s, g * e * c)" in reverse
    assert "--- forward sweep ---" in src and "np.cos(y)" in src
    lowered = adjit.grad(expsin_loss, wrt=(0, 1)).source(*args, lowered=True)
    compile(lowered, "<lowered>", "exec")


# ---------------------------------------------------------------- inside loops (residuals on tapes)

@adjit.custom_vjp
def cube_tanh(z):
    return np.tanh(z) ** 3


def cube_tanh_fwd(z):
    t = np.tanh(z)
    return t * t * t, t


def cube_tanh_bwd(t, g):
    return (g * 3.0 * t * t * (1.0 - t * t),)


cube_tanh.defvjp(cube_tanh_fwd, cube_tanh_bwd)


def rnn_loss(W, h0, xs):
    h = h0
    for i in range(xs.shape[0]):
        h = cube_tanh(W @ h + xs[i])
        if np.sum(h) > 1.0:
            h = h * 0.5
    return np.sum(h * h)


def test_a_rule_inside_a_loop_reads_its_residuals_from_tapes():
    W, h0, xs = R.standard_normal((3, 3)), R.standard_normal(3), R.standard_normal((6, 3))
    g = adjit.grad(rnn_loss, wrt=(0, 1))
    gW, gh = g(W, h0, xs)
    close(gW, fd(rnn_loss, (W, h0, xs), 0))
    close(gh, fd(rnn_loss, (W, h0, xs), 1))
    assert "_tape" in g.source(W, h0, xs)
    gW2, _ = adjit.grad(rnn_loss, wrt=(0, 1), checkpoint=2)(W, h0, xs)
    close(gW2, gW, 1e-12)


# ---------------------------------------------------------------- residuals of any structure

class Saved(NamedTuple):
    x: np.ndarray
    cos: np.ndarray


@adjit.custom_vjp
def scaled_sin(x, y):
    return np.sin(x) * y


def scaled_sin_fwd(x, y):  # a dict holding a NamedTuple, a list, a number and a None: JAX's pytrees
    return np.sin(x) * y, {"saved": Saved(x, np.cos(x)), "ys": [y, 2.0], "note": None}


def scaled_sin_bwd(res, g):
    s = res["saved"]
    y, two = res["ys"]
    return (g * s.cos * y, g * np.sin(s.x) * two / 2.0)


scaled_sin.defvjp(scaled_sin_fwd, scaled_sin_bwd)


def scaled_sin_loop(x, y):
    total = 0.0
    for k in range(3):  # residuals taped per iteration
        total = total + np.sum(scaled_sin(x * k, y) ** 2)
    return total


def test_residuals_in_dicts_namedtuples_and_lists():
    x, y = R.standard_normal(3), R.standard_normal(3)
    gx, gy = adjit.grad(scaled_sin_loop, wrt=(0, 1))(x, y)
    close(gx, fd(scaled_sin_loop, (x, y), 0))
    close(gy, fd(scaled_sin_loop, (x, y), 1))
    _, pull = adjit.vjp(scaled_sin, x, y)  # transformed itself: plain Python, the same rule
    close(pull(np.ones(3))[1], np.sin(x), 1e-14)
    # jacobian with several argnums picks reverse mode for a custom_vjp caller (its output too)
    Jx, Jy = adjit.jacobian(scaled_sin_times_x, argnums=(0, 1))(x, y)
    close(Jx, adjit.jacrev(scaled_sin_times_x)(x, y), 1e-14)
    close(Jy, np.diag(np.sin(x) * x), 1e-14)


def scaled_sin_times_x(x, y):
    return scaled_sin(x, y) * x


# ---------------------------------------------------------------- nondiff_argnums, as JAX's

def babylon(a, x):
    return 0.5 * (x + a / x)


@partial(adjit.custom_vjp, nondiff_argnums=(0,))
def sqrt_fixed_point(f, a, x0):  # f: a function, passed first to the rules
    x = x0
    for _ in range(60):
        x = f(a, x)
    return x


def sqrt_fixed_point_fwd(f, a, x0):
    x = sqrt_fixed_point(f, a, x0)
    return x, (a, x)


def sqrt_fixed_point_bwd(f, res, g):  # x = f(a, x): u = g / (1 - df/dx), da = u df/da
    a, x = res
    u = g / (1 - 0.5 * (1 - a / (x * x)))
    return (u * 0.5 / x, 0.0 * x)  # one cotangent per argument besides f


sqrt_fixed_point.defvjp(sqrt_fixed_point_fwd, sqrt_fixed_point_bwd)


@partial(adjit.custom_jvp, nondiff_argnums=(1,))
def power(x, n):
    return x ** n


@power.defjvp
def power_jvp(n, primals, tangents):
    (x,), (t,) = primals, tangents
    return x ** n, n * x ** (n - 1) * t


def sqrt_loss(a):
    return np.sum(np.sin(sqrt_fixed_point(babylon, a * a + 1.0, np.ones(3))))


def power_loss(x):
    return np.sum(power(np.cos(x), 3) * x)


def test_nondiff_argnums_a_function_and_an_integer():
    a = R.standard_normal(3)
    g = adjit.grad(sqrt_loss)(a)
    np.testing.assert_allclose(g, np.cos(np.sqrt(a * a + 1)) * a / np.sqrt(a * a + 1), rtol=1e-12)
    x = R.standard_normal(3)
    close(adjit.grad(power_loss)(x), fd(power_loss, (x,), 0))  # the jvp rule transposed, n passed first
    _, t = adjit.jvp(power_loss, (x,), (np.ones(3),))
    assert t == pytest.approx(np.sum(adjit.grad(power_loss)(x)), rel=1e-12)
    out, pull = adjit.vjp(sqrt_fixed_point, babylon, 4.0, 1.0)  # transformed itself: plain Python, f a None
    assert out == pytest.approx(2.0) and pull(1.0)[0] is None and pull(1.0)[1] == pytest.approx(0.25)
    with pytest.raises(adjit.ArgumentError):
        adjit.custom_jvp(power_jvp, nondiff_argnums=(5,))


# ---------------------------------------------------------------- implicit solvers

@adjit.custom_vjp
def cubic_root(a, b):
    """The real root x of x^3 + a x - b = 0 (a > 0), by Newton's method from x = b / a."""
    x = b / a
    for _ in range(40):
        x = x - (x * x * x + a * x - b) / (3 * x * x + a)
    return x


def cubic_root_fwd(a, b):
    x = cubic_root(a, b)
    return x, (x, a)


def cubic_root_bwd(res, g):
    x, a = res
    u = g / (3 * x * x + a)  # implicit function theorem: dF/dx u = g
    return (-u * x, u)       # dF/da = x, dF/db = -1


cubic_root.defvjp(cubic_root_fwd, cubic_root_bwd)


def cubic_loss(a, b):
    return np.sum(np.sin(cubic_root(a * a + 0.5, b)))


def test_an_implicit_newton_solver_with_its_implicit_function_theorem_rule():
    a, b = R.standard_normal(4), R.standard_normal(4) * 2
    ga, gb = adjit.grad(cubic_loss, wrt=(0, 1))(a, b)
    close(ga, fd(cubic_loss, (a, b), 0))
    close(gb, fd(cubic_loss, (a, b), 1))
    src = adjit.grad(cubic_loss, wrt=(0, 1)).source(a, b)
    assert "in cubic_root_bwd(): u = g / (3 * x * x + a)" in src


@adjit.custom_vjp
def fixed_point(W, b):
    """x = tanh(W x + b), by fixed-point iteration (W contractive)."""
    x = np.zeros(b.shape[0])
    for _ in range(80):
        x = np.tanh(W @ x + b)
    return x


def fixed_point_fwd(W, b):
    x = fixed_point(W, b)
    return x, (W, x)


def fixed_point_bwd(res, g):
    W, x = res
    d = 1.0 - x * x
    v = np.linalg.solve((np.eye(x.shape[0]) - d[:, None] * W).T, g)  # (I - D W)^T v = g
    dz = d * v
    return (np.outer(dz, x), dz)


fixed_point.defvjp(fixed_point_fwd, fixed_point_bwd)


def deq_loss(W, b, u):
    return np.sum(u * fixed_point(0.3 * W, b))


def test_a_fixed_point_solver_with_a_linear_solve_in_its_rule():
    W, b, u = R.standard_normal((4, 4)) / 2, R.standard_normal(4), R.standard_normal(4)
    gW, gb = adjit.grad(deq_loss, wrt=(0, 1))(W, b, u)
    close(gW, fd(deq_loss, (W, b, u), 0))
    close(gb, fd(deq_loss, (W, b, u), 1))


def deq_out(b, W):
    return fixed_point(0.3 * W, b)


def test_vjp_and_jacrev_of_a_function_calling_a_custom_rule():
    W, b = R.standard_normal((4, 4)) / 2, R.standard_normal(4)
    J = adjit.jacrev(deq_out)(b, W)
    for i in range(4):
        np.testing.assert_allclose(J[i], fd(lambda b, W: deq_out(b, W)[i], (b, W), 0), rtol=1e-6, atol=1e-9)
    out, pull = adjit.vjp(deq_out, b, W)
    ct = R.standard_normal(4)
    np.testing.assert_allclose(pull(ct)[0], ct @ J, rtol=1e-10)


# ---------------------------------------------------------------- custom_jvp under forward mode

@adjit.custom_jvp
def softplus(x):
    return np.log(1 + np.exp(x))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1 + np.exp(-x))


def softplus_twice(x):
    return softplus(x) * 1.0


def softplus_sum(x):
    return np.sum(softplus_out(x, 2.0))


def softplus_out(x, s):
    return np.tanh(softplus(x * s)) * s


def test_custom_jvp_under_forward_mode():
    x, s = R.standard_normal(5), 1.3
    v = R.standard_normal(5)
    out, tangent = adjit.jvp(softplus_out, (x, s), (v, None))
    np.testing.assert_allclose(out, softplus_out(x, s), rtol=1e-13)
    J = np.stack([fd(lambda x, s: softplus_out(x, s)[i], (x, s), 0) for i in range(5)])
    np.testing.assert_allclose(tangent, J @ v, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(adjit.jacfwd(softplus_out)(x, s), J, rtol=1e-6, atol=1e-9)
    _, ts = adjit.jvp(softplus_out, (x, s), (None, 1.0))
    h = 1e-6
    np.testing.assert_allclose(ts, (softplus_out(x, s + h) - softplus_out(x, s - h)) / (2 * h), rtol=1e-6, atol=1e-9)
    big = np.array([1000.0, -1000.0])
    _, t = adjit.jvp(softplus_twice, (big,), (np.ones(2),))
    np.testing.assert_array_equal(t, [1.0, 0.0])
    src = adjit.jvp(softplus_out).source((x, s), (v, None))
    assert "in softplus_jvp(): return softplus(x), t / (1 + np.exp(-x))" in src


# ---------------------------------------------------------------- transformed itself: plain Python

@adjit.custom_vjp
def brent_root(a, b):
    """The root of x^3 + a x - b in [-10, 10], by SciPy (which adjit does not compile)."""
    return scipy.optimize.brentq(lambda x: x ** 3 + a * x - b, -10.0, 10.0, xtol=1e-14)


def brent_root_fwd(a, b):
    x = brent_root(a, b)
    return x, (x, a)


brent_root.defvjp(brent_root_fwd, cubic_root_bwd)


def test_top_level_rules_run_as_plain_python_calling_scipy():
    a, b = 1.7, 0.9
    ga, gb = adjit.grad(brent_root, wrt=(0, 1))(a, b)
    close(ga, fd(brent_root, (a, b), 0), 1e-6)
    close(gb, fd(brent_root, (a, b), 1), 1e-6)
    value, g = adjit.value_and_grad(brent_root, wrt="b")(a, b)
    assert value == brent_root(a, b) and g == gb and isinstance(g, float)
    assert "plain Python" in adjit.grad(brent_root).source(a, b)
    out, pull = adjit.vjp(brent_root, a, b)
    assert pull(2.0) == pytest.approx((2 * ga, 2 * gb), rel=1e-14)


@adjit.custom_vjp
def expm(A):
    return scipy.linalg.expm(A)


def expm_fwd(A):
    return scipy.linalg.expm(A), A


def expm_bwd(A, G):
    return (scipy.linalg.expm_frechet(A.T, G, compute_expm=False),)  # the adjoint of the Frechet derivative


expm.defvjp(expm_fwd, expm_bwd)


def test_top_level_vjp_and_jacrev_of_scipy_expm():
    A = R.standard_normal((3, 3)) * 0.5
    J = adjit.jacrev(expm)(A)
    assert J.shape == (3, 3, 3, 3)
    for i in range(3):
        for j in range(3):
            np.testing.assert_allclose(J[i, j], fd(lambda A: expm(A)[i, j], (A,), 0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(adjit.jacobian(expm)(A), J, rtol=1e-14)
    G = R.standard_normal((3, 3))
    (dA,) = adjit.vjp(expm, A)[1](G)
    np.testing.assert_allclose(dA, np.einsum("ij,ijkl->kl", G, J), rtol=1e-12)


@pytest.mark.filterwarnings("ignore:overflow encountered in exp")  # softplus itself, at 1000; its rule does not
def test_top_level_custom_jvp():
    x = np.array([0.3, -2.0, 1000.0])
    v = np.array([1.0, 2.0, 3.0])
    out, t = adjit.jvp(softplus, (x,), (v,))
    np.testing.assert_allclose(t, v / (1 + np.exp(-x)), rtol=1e-15)
    # grad of a scalar custom_jvp function: the rule transposed numerically (one JVP per input element)
    assert adjit.grad(softplus)(1000.0) == 1.0
    np.testing.assert_allclose(adjit.jacfwd(softplus)(x), np.diag(1 / (1 + np.exp(-x))), rtol=1e-15)


# ---------------------------------------------------------------- located errors

def _here(e: AdjitError, text: str):
    msg = str(e)
    assert "test_custom_rules.py:" in msg, msg
    assert text in msg, msg
    return msg


def test_custom_vjp_under_forward_mode_is_a_located_error():
    x, s = R.standard_normal(3), 0.5
    for call in (lambda: adjit.jvp(softplus_loss, (x,), (x,)), lambda: adjit.jacfwd(expsin_loss)(x, x, x)):
        with pytest.raises(AdjitTypeError) as e:
            call()
        msg = _here(e.value, "custom_vjp function: it has a reverse-mode rule only")
        assert "custom_jvp" in msg  # the hint names the fix
    with pytest.raises(AdjitTypeError) as e:
        adjit.jvp(expm, (x,), (x,))
    _here(e.value, "reverse-mode rule only")
    del s
    # forward over reverse (hvp, hessian) differentiates the gradient's code, bwd's lines included, as
    # JAX does (passes/spent.py): 0.5 sigmoid(x) differentiated, 0.5 sigmoid(x) (1 - sigmoid(x))
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(adjit.hessian(softplus_loss)(x), np.diag(0.5 * sig * (1 - sig)), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(adjit.hvp(softplus_loss)(x, x), 0.5 * sig * (1 - sig) * x, rtol=1e-13)


def test_custom_jvp_under_reverse_mode_transposes_its_rule():
    """As JAX (tests/test_custom_jvp_reverse.py has the rest): reverse mode equals forward mode."""
    x, u = R.standard_normal(3), R.standard_normal(3)
    g = adjit.grad(softplus_sum)(x)
    assert adjit.jvp(softplus_sum, (x,), (u,))[1] == pytest.approx(g @ u, rel=1e-12)
    close(g, fd(softplus_sum, (x,), 0))


@adjit.custom_vjp
def no_rule(x):
    return x * 2.0


def no_rule_loss(x):
    return np.sum(no_rule(x))


def test_a_rule_never_given_is_a_located_error():
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(no_rule_loss)(np.ones(2))
    msg = _here(e.value, "whose rule was never given")
    assert "no_rule.defvjp(" in msg and "return np.sum(no_rule(x))" in msg
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(no_rule)(1.0)
    _here(e.value, "whose rule was never given")


@adjit.custom_vjp
def two_args(x, y):
    return x * y


def two_args_fwd(x, y):
    return x * y, (x, y)


def two_args_bwd_short(res, g):
    x, y = res
    return (g * y,)


def two_args_bwd_shape(res, g):
    x, y = res
    return (np.sum(g * y), g * x)


def two_args_loss(x, y):
    return np.sum(two_args(x, y))


def test_bwd_with_the_wrong_number_or_shapes_of_cotangents_is_a_located_error():
    x, y = np.ones(3), np.ones(3)
    two_args.defvjp(two_args_fwd, two_args_bwd_short)
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(two_args_loss)(x, y)
    msg = _here(e.value, "two_args_bwd_short returned 1 cotangent(s), but two_args() takes 2 argument(s)")
    assert "return (g * y,)" in msg and "return np.sum(two_args(x, y))" in msg  # the rule's line, the call's note
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(two_args, wrt=1)(1.0, 2.0)
    _here(e.value, "returned 1 cotangent(s)")
    two_args.defvjp(two_args_fwd, two_args_bwd_shape)
    with pytest.raises(ShapeError) as e:
        adjit.grad(two_args_loss)(x, y)
    msg = _here(e.value, "the cotangent of argument 0 of two_args() is a scalar, but it must be of shape (3,)")
    assert "return (np.sum(g * y), g * x)" in msg
    with pytest.raises(ShapeError) as e:
        adjit.vjp(two_args, x, y)[1](np.ones(3))
    _here(e.value, "has shape ()")


def two_fwd_bad(x, y):
    return x * y


def test_fwd_not_returning_a_pair_is_a_located_error():
    two_args.defvjp(two_fwd_bad, two_args_bwd_short)
    with pytest.raises(AdjitTypeError) as e:
        adjit.grad(two_args_loss)(np.ones(3), np.ones(3))
    _here(e.value, "two_fwd_bad must return a pair (out, residuals)")


def test_second_derivatives_of_a_custom_function_itself_are_located_errors():
    for call in (lambda: adjit.hessian(brent_root)(1.0, 2.0), lambda: adjit.grad(adjit.grad(brent_root))(1.0, 2.0)):
        with pytest.raises(AdjitTypeError) as e:
            call()
        _here(e.value, "brent_root")


@adjit.custom_vjp
def branchy(x, c):
    return x * x * c


def branchy_fwd(x, c):
    y = x * x * c
    return y, (x, y, c)


def branchy_bwd(res, g):
    x, y, c = res
    s = 0.0
    for i in range(2):
        s = s + 1.0
    if np.sum(y) > 0:
        d = g * s * x * c
    else:
        d = g * 2.0 * x * c
    return (d, None)


branchy.defvjp(branchy_fwd, branchy_bwd)


def branchy_loss(x, c):
    y = branchy(x, c)
    y[0] = 0.0  # a write into the output, which is also a residual: the residual keeps its value
    z = branchy(x, 3)
    return np.sum(y * np.sin(x)) + np.sum(z)


def test_a_rule_with_a_loop_and_a_branch_and_a_write_into_the_output():
    x, c = np.linspace(-1, 1, 5), 1.5
    g = adjit.grad(branchy_loss)(x, c)
    close(g, fd(branchy_loss, (x, c), 0))
    src = adjit.grad(branchy_loss).source(x, c)
    assert src.count("--- reverse sweep ---") == 1  # the rule's loop and branch belong to the reverse sweep
