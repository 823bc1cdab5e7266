"""Nesting (issue 13): a grad-decorated helper called inside a differentiated function (its
gradient code inlined and differentiated again), grad of grad of grad..., and what cannot be
differentiated again (a taped loop under reverse mode) as located errors. Checked in
float64 against central second differences of the inner gradient, against hessian / hvp, and
against closed forms."""
import math

import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, InternalCompilerError, UnsupportedSyntaxError

R = np.random.default_rng(13)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(b))))


def fd_grad(f, args, k, eps=1e-5):
    """Central differences of f (any output shape) along each element of args[k]."""
    x = np.asarray(args[k], dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        up, dn = list(args), list(args)
        up[k] = x + e if x.ndim else float(x + e)
        dn[k] = x - e if x.ndim else float(x - e)
        cols.append(((np.asarray(f(*up)) - np.asarray(f(*dn))) / (2 * eps)).reshape(-1))
    out_shape = np.shape(f(*args))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


# ------------------------------------------------------------------ a grad helper called inside
def cubes(x):
    return np.sum(x ** 3)


d_cubes = adjit.grad(cubes)


def uses_d_cubes(x):
    return np.sum(d_cubes(x) * x)


def energy(x, W):
    h = np.tanh(W @ x)
    return np.sum(h * h) + 0.5 * np.sum(np.sin(x) * x)


d_energy = adjit.grad(energy)  # with respect to x
d_energy_W = adjit.grad(energy, wrt="W")
vg_energy = adjit.value_and_grad(energy, wrt=(0, 1))


def projected(x, W, v):
    return np.sum(d_energy(x, W) * v)  # = v . grad energy: its gradient is H v


def projected_kw(x, W, v):
    return np.sum(d_energy(W=W, x=x) * v)  # keyword arguments, out of order


def both(x, W):
    e, (gx, gW) = vg_energy(x, W)
    return e + np.sum(gx ** 2) + np.sum(gW * W)


def through_plain(x, W):
    return np.sum(plain_helper(x, W) ** 2)


def plain_helper(x, W):  # not transformed itself: a plain function calling a gradient
    return d_energy(x, W) * 2.0 + x


def descent(x, W):
    for _ in range(3):  # three gradient steps, differentiated through
        x = x - 0.1 * d_energy(x, W)
    return energy(x, W)


def test_grad_of_a_function_calling_a_grad_helper():
    x = np.array([0.5, -1.2, 2.0])
    assert rel(adjit.grad(uses_d_cubes)(x), 9 * x ** 2) < 1e-14  # d/dx sum(3x^2 x)
    text = adjit.grad(uses_d_cubes).source(x)
    assert "dcubes_dx" in text and "# in cubes(): return np.sum(x ** 3)" in text


def test_helper_gradient_against_second_differences_and_hvp():
    x, W, v = R.standard_normal(4), R.standard_normal((3, 4)) * 0.5, R.standard_normal(4)
    g = adjit.grad(projected)(x, W, v)
    assert rel(g, fd_grad(lambda x: np.sum(d_energy(x, W) * v), (x,), 0)) < 1e-8  # second differences
    assert rel(g, adjit.hvp(energy)(x, W, v)) < 1e-12
    assert rel(g, adjit.hessian(energy)(x, W) @ v) < 1e-12
    assert rel(adjit.grad(projected_kw)(x, W, v), g) < 1e-14
    # the mixed partial: d/dW of v . grad_x energy
    gW = adjit.grad(projected, wrt="W")(x, W, v)
    assert rel(gW, fd_grad(lambda W: np.sum(d_energy(x, W) * v), (W,), 0)) < 1e-8


def test_value_and_grad_helper_and_a_plain_function_in_between():
    x, W = R.standard_normal(4), R.standard_normal((3, 4)) * 0.5
    for f in (both, through_plain):
        g = adjit.grad(f, wrt=(0, 1))(x, W)
        assert rel(g[0], fd_grad(f, (x, W), 0)) < 1e-7, f.__name__
        assert rel(g[1], fd_grad(f, (x, W), 1)) < 1e-7, f.__name__
        v, _ = adjit.value_and_grad(f)(x, W)
        assert v == pytest.approx(f(x, W), rel=1e-13)


def test_gradient_steps_in_a_loop_differentiated_through():
    x, W = R.standard_normal(4), R.standard_normal((3, 4)) * 0.5
    gx, gW = adjit.grad(descent, wrt=(0, 1))(x, W)
    assert rel(gx, fd_grad(descent, (x, W), 0)) < 1e-7
    assert rel(gW, fd_grad(descent, (x, W), 1)) < 1e-7


def test_other_transformations_of_a_function_calling_a_grad_helper():
    x, W, v = R.standard_normal(4), R.standard_normal((3, 4)) * 0.5, R.standard_normal(4)
    u = R.standard_normal(4)
    out, tan = adjit.jvp(projected, (x, W, v), (u, None, None))
    assert out == pytest.approx(projected(x, W, v), rel=1e-13)
    assert tan == pytest.approx(float(adjit.grad(projected)(x, W, v) @ u), rel=1e-12)
    H = adjit.hessian(projected)(x, W, v)  # third derivatives of energy along v
    assert rel(H, fd_grad(lambda x: adjit.grad(projected)(x, W, v), (x,), 0)) < 1e-7
    assert rel(adjit.hvp(projected)(x, W, v, u), H @ u) < 1e-12
    J = adjit.jacobian(d_energy)(x, W)  # the Hessian, as the Jacobian of the gradient
    assert rel(J, adjit.hessian(energy)(x, W)) < 1e-12
    assert rel(adjit.jacrev(d_energy)(x, W), J) < 1e-12
    _, pull = adjit.vjp(d_energy, x, W)
    assert rel(pull(u)[0], J.T @ u) < 1e-12


def with_aux(x):
    return np.sum(np.exp(x)), x * 2.0


d_with_aux = adjit.grad(with_aux, has_aux=True)


def uses_aux(x):
    g, aux = d_with_aux(x)
    return np.sum(g * aux)


vg_with_aux = adjit.value_and_grad(with_aux, has_aux=True)


def uses_value_and_aux(x):
    (v, aux), g = vg_with_aux(x)
    return v * np.sum(g * aux)


def test_has_aux_helper():
    x = R.standard_normal(3)
    assert rel(adjit.grad(uses_aux)(x), fd_grad(uses_aux, (x,), 0)) < 1e-8  # d/dx sum(2 x e^x)
    assert rel(adjit.grad(uses_aux)(x), 2 * np.exp(x) * (1 + x)) < 1e-14
    assert rel(adjit.grad(uses_value_and_aux)(x), fd_grad(uses_value_and_aux, (x,), 0)) < 1e-8


def loss(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum(h ** 2)


d_loss = adjit.grad(loss)


def grad_norm(params, x):  # a gradient penalty: the gradient comes back as a dict
    g = d_loss(params, x)
    return np.sum(g["W"] ** 2) + np.sum(g["b"] ** 2)


def test_structured_arguments_through_a_grad_helper():
    p = {"W": R.standard_normal((3, 4)) * 0.5, "b": R.standard_normal(3)}
    x = R.standard_normal(4)
    g = adjit.grad(grad_norm)(p, x)
    assert set(g) == {"W", "b"}
    for k in p:
        def f(a, k=k):
            q = dict(p)
            q[k] = a
            return grad_norm(q, x)

        assert rel(g[k], fd_grad(f, (p[k],), 0)) < 1e-7, k
    gx = adjit.grad(grad_norm, wrt=1)(p, x)
    assert rel(gx, fd_grad(lambda x: grad_norm(p, x), (x,), 0)) < 1e-7


def layers_loss(layers, x):
    for W, b in layers:
        x = np.tanh(W @ x + b)
    return np.sum(x ** 2)


d_layers = adjit.grad(layers_loss)


def layers_penalty(layers, x):  # a list of (W, b) tuples: the gradient comes back as one
    total = 0.0
    grads = d_layers(layers, x)
    for dW, db in grads:
        total = total + np.sum(dW ** 2) + np.sum(db ** 2)
    return total


def test_a_list_of_tuples_through_a_grad_helper():
    layers = [(R.standard_normal((3, 3)) * 0.5, R.standard_normal(3)) for _ in range(2)]
    x = R.standard_normal(3)
    g = adjit.grad(layers_penalty)(layers, x)
    assert isinstance(g, list) and all(isinstance(t, tuple) for t in g)
    for i in range(2):
        for j in range(2):
            def f(a, i=i, j=j):
                new = [list(t) for t in layers]
                new[i][j] = a
                return layers_penalty([tuple(t) for t in new], x)

            assert rel(g[i][j], fd_grad(f, (layers[i][j],), 0)) < 1e-7, (i, j)


def taped(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(np.sin(x * s + x))
    return s


d_taped = adjit.grad(taped)


def uses_taped(x):
    return np.sum(d_taped(x) ** 2)


def test_a_taped_helper_gradient_is_refused_under_reverse_mode_and_works_forward():
    x, v = np.array([0.3, 0.7]), np.array([1.0, -0.5])
    # grad of the caller takes forward mode (the Jacobian of a scalar function; ad_family_probe)
    assert rel(adjit.grad(uses_taped)(x), fd_grad(uses_taped, (x,), 0)) < 1e-7
    for call in (lambda: adjit.hvp(uses_taped)(x, v),):
        with pytest.raises(UnsupportedSyntaxError) as e:
            call()
        text = str(e.value)
        assert "records values on a tape" in text and "d_taped(x)" in text and "^" in text
        assert "test_nesting.py:" in text and "adjit.jvp" in text
    out, tan = adjit.jvp(uses_taped, (x,), (v,))  # forward mode follows the tape (companion tape)
    assert tan == pytest.approx(float(fd_grad(uses_taped, (x,), 0) @ v), rel=1e-7)


def taped_times_w(x, W):
    return np.sum(d_taped(x)) * np.sum(W ** 2)


def test_a_taped_helper_gradient_outside_what_is_differentiated_is_fine():
    x, W = np.array([0.3, 0.7]), R.standard_normal((2, 2))
    gW = adjit.grad(taped_times_w, wrt=1)(x, W)  # the tape does not depend on W: nothing to reverse again
    assert rel(gW, 2 * W * np.sum(d_taped(x))) < 1e-13
    gx = adjit.grad(taped_times_w, wrt=0)(x, W)  # through the tape: by forward mode
    assert rel(gx, fd_grad(taped_times_w, (x, W), 0)) < 1e-7
    with pytest.raises(UnsupportedSyntaxError, match="records values on a tape"):  # a keyword argument: no fallback
        adjit.grad(taped_times_w, wrt=0)(x, W=W)


def test_wrong_calls_of_a_grad_helper_are_located():
    def non_scalar(x):
        return x * 2.0

    d_non_scalar = adjit.grad(non_scalar)

    def calls_non_scalar(x):
        return np.sum(d_non_scalar(x))

    def wrong_arity(x):
        return np.sum(d_cubes(x, x))

    def int_wrt(x):
        return d_scalar(3) * x

    for f, words in ((calls_non_scalar, "scalar"), (wrong_arity, "argument"), (int_wrt, "integer")):
        with pytest.raises(AdjitError) as e:
            adjit.grad(f)(np.ones(3) if f is not int_wrt else 1.0)
        assert not isinstance(e.value, InternalCompilerError) and words in str(e.value), f.__name__
        assert "test_nesting.py:" in str(e.value)


def _scalar(x):
    return x ** 3


d_scalar = adjit.grad(_scalar)


def sin_x(x):
    return np.sum(np.sin(x) * x)


d_sin_x = adjit.grad(sin_x)


def squares_of_d_sin_x(x):
    return np.sum(d_sin_x(x) ** 2)


d_squares = adjit.grad(squares_of_d_sin_x)  # a gradient of a function that calls a gradient


def uses_d_squares(x):
    return np.sum(d_squares(x) * x)


def test_helpers_calling_helpers_to_depth_three():
    x = np.array([0.3, -0.8, 1.1])
    g = adjit.grad(uses_d_squares)(x)
    assert rel(g, fd_grad(uses_d_squares, (x,), 0)) < 1e-8
    H = adjit.hessian(uses_d_squares)(x)  # forward over reverse over two inlined gradients
    assert rel(H, fd_grad(adjit.grad(uses_d_squares), (x,), 0)) < 1e-7


# ------------------------------------------------------------------ grad of grad of grad
def quartic(x):
    return x ** 4


def sine(x):
    return np.sin(x)


def composite(x, y):
    return np.exp(0.5 * x) * y + x * np.log(y) + np.tanh(x * y)


@pytest.mark.parametrize("f, derivatives", [
    (quartic, [lambda x: 4 * x ** 3, lambda x: 12 * x ** 2, lambda x: 24 * x, lambda x: 24.0]),
    (sine, [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin]),
])
def test_derivatives_to_depth_four_against_closed_forms(f, derivatives):
    g = f
    for depth, exact in enumerate(derivatives, 1):
        g = adjit.grad(g)
        for x in (0.7, -1.3):
            assert g(x) == pytest.approx(exact(x), rel=1e-12, abs=1e-12), (f.__name__, depth, x)
    assert "def quartic_grad_grad_grad_grad(x)" in adjit.grad(adjit.grad(adjit.grad(adjit.grad(quartic)))).source(0.7) \
        or f is not quartic


def test_third_derivatives_of_a_composite_and_mixed_partials():
    x, y = 0.4, 1.7
    d3x = adjit.grad(adjit.grad(adjit.grad(composite)))(x, y)
    t = np.tanh(x * y)
    s2 = 1 - t * t  # sech^2
    # d^3/dx^3: exp(0.5x) y / 8 + y^3 d^2/du^2 sech^2(u) = y^3 (-2 sech^2 (sech^2 - 2 tanh^2))... by FD of the exact d2
    d2 = lambda x: 0.25 * np.exp(0.5 * x) * y - 2 * y * y * np.tanh(x * y) * (1 - np.tanh(x * y) ** 2)  # noqa: E731
    exact3 = 0.125 * np.exp(0.5 * x) * y - 2 * y ** 3 * s2 * (s2 - 2 * t * t)
    assert d2(x) == pytest.approx(adjit.grad(adjit.grad(composite))(x, y), rel=1e-12)
    assert d3x == pytest.approx(exact3, rel=1e-12)
    # d^3 / dx dy dx (mixed), against differences of the compiled second derivative
    dxy = adjit.grad(adjit.grad(adjit.grad(composite), wrt=1))
    e = 1e-5
    d2xy = adjit.grad(adjit.grad(composite), wrt=1)
    assert dxy(x, y) == pytest.approx((d2xy(x + e, y) - d2xy(x - e, y)) / (2 * e), rel=1e-8)
    v, g = adjit.value_and_grad(adjit.grad(adjit.grad(composite)))(x, y)
    assert v == pytest.approx(d2(x), rel=1e-12) and g == pytest.approx(exact3, rel=1e-12)


def test_grad_of_grad_compiles_once():
    g2 = adjit.grad(adjit.grad(composite))
    g2(0.3, 1.1)
    g2(0.5, 1.4)
    assert len(g2.signatures) == 1


def test_grad_of_grad_of_an_array_function_by_jvp_and_jacobian():
    x = R.standard_normal(3)
    H = adjit.jacobian(adjit.grad(cubes))(x)
    assert rel(H, np.diag(6 * x)) < 1e-14
    x, y = 0.4, 1.7  # jvp of a second derivative: the third along the tangent
    d2, d3 = adjit.jvp(adjit.grad(adjit.grad(composite)), (x, y), (1.0, 0.0))
    assert d2 == pytest.approx(adjit.grad(adjit.grad(composite))(x, y), rel=1e-14)
    assert d3 == pytest.approx(adjit.grad(adjit.grad(adjit.grad(composite)))(x, y), rel=1e-12)
    with pytest.raises(AdjitError) as e:  # the inner gradient of an array is not a scalar: located
        adjit.grad(adjit.grad(cubes))(R.standard_normal(3))
    assert not isinstance(e.value, InternalCompilerError) and "hessian" in str(e.value)
    assert "test_nesting.py:" in str(e.value)


def test_grad_of_grad_through_a_taped_loop_falls_back_to_forward_over_reverse():
    def looped(x, y):
        s = x
        for _ in range(3):
            s = np.sin(s * y) + x
        return s

    x, y, e = 0.4, 1.3, 1e-5
    g = adjit.grad(looped)
    d2 = adjit.grad(adjit.grad(looped))(x, y)
    assert d2 == pytest.approx((g(x + e, y) - g(x - e, y)) / (2 * e), rel=1e-7)
    assert adjit.grad(adjit.grad(looped))(x + 0.1, y) == pytest.approx((g(x + 0.1 + e, y) - g(x + 0.1 - e, y)) / (2 * e),
                                                                  rel=1e-7)  # the same signature: decided once
    with pytest.raises(UnsupportedSyntaxError) as err:  # a third derivative needs reverse over it: refused
        adjit.grad(adjit.grad(adjit.grad(looped)))(x, y)
    assert "records values on a tape" in str(err.value) and "test_nesting.py:" in str(err.value)


def lgamma(x):
    return math.lgamma(x)


def test_derivatives_of_gammaln_are_the_polygamma_chain():
    from scipy.special import polygamma

    assert adjit.grad(adjit.grad(lgamma))(1.5) == pytest.approx(polygamma(1, 1.5), rel=1e-12)  # trigamma
    assert adjit.grad(adjit.grad(adjit.grad(lgamma)))(1.5) == pytest.approx(polygamma(2, 1.5), rel=1e-12)


# ------------------------------------------------------------------ inspection
@pytest.mark.parametrize("kind", ["helper", "third"])
def test_generated_source_of_nesting_is_pinned(kind):
    """The two new generated forms: a caller of a grad helper (the helper's gradient code inlined,
    then reversed) and a third derivative (f_grad_grad, reversed once more)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "compiler"))
    from test_codegen import body, check_golden

    if kind == "helper":
        text = adjit.grad(projected).source(np.linspace(-1, 1, 4), np.linspace(0.5, -0.5, 12).reshape(3, 4),
                                            np.ones(4))
        assert "# in energy(): h = np.tanh(W @ x)" in text and "denergy_dx" in text
    else:
        text = adjit.grad(adjit.grad(adjit.grad(composite))).source(0.4, 1.7)
        assert "def composite_grad_grad_grad(x, y)" in text
    check_golden(f"transform_nested_{kind}.py.txt", body(text), f"nested {kind} source")


# ------------------------------------------------------------------ what does not nest
def calls_hessian(x):
    return np.sum(_hessian_of_cubes(x))


def calls_jvp(x):
    return adjit.jvp(cubes, (x,), (x,))[1]


def makes_a_gradient(x):
    g = adjit.grad(cubes)
    return np.sum(g(x))


_hessian_of_cubes = adjit.hessian(cubes)


def test_transformations_that_do_not_nest_are_located_errors():
    x = np.array([0.3, 0.5])
    calls = [(lambda: adjit.grad(calls_hessian)(x), "<adjit.hessian of cubes>", "_hessian_of_cubes(x)"),
             (lambda: adjit.grad(calls_jvp)(x), "adjit.jvp", "adjit.jvp(cubes"),
             (lambda: adjit.grad(adjit.hvp(cubes))(x, x), "<adjit.hvp of cubes>", "def cubes(x):"),
             (lambda: adjit.grad(adjit.jvp(cubes))((x,), (x,)), "<adjit.jvp of cubes>", "def cubes(x):")]
    for call, what, where in calls:
        with pytest.raises(UnsupportedSyntaxError) as e:
            call()
        text = str(e.value)
        assert what in text and "only adjit.grad and adjit.value_and_grad objects nest" in text, text
        assert where in text and "test_nesting.py:" in text, text
    # adjit.grad(cubes) made inside (as JAX users write jax.grad(h)(x)) nests since ad_family_probe:
    # d/dx sum(3 x^2) = 6 x
    assert np.allclose(adjit.grad(makes_a_gradient)(x), 6 * x, rtol=1e-14)


# ------------------------------------------- NumPy's sharing inside a gradient called inside
def _appends_fresh(x):
    ys = []
    for t in range(3):
        z = x * (t + 1.0)
        z[0] = z[0] + x[1]
        ys.append(z)
    return np.sum(np.array(ys) ** 3)


def _appends_then_writes(x):
    ys = []
    z = x * 1.0
    for t in range(3):
        ys.append(z)
        z[0] = z[0] + x[1]  # the list holds z itself: NumPy's list sees the write
    return np.sum(np.array(ys) ** 2)


_d_fresh, _d_writes = adjit.grad(_appends_fresh), adjit.grad(_appends_then_writes)


def _calls_fresh(x):
    return np.sum(_d_fresh(x) * x)


def _calls_writes(x):
    return np.sum(_d_writes(x) * x)


def test_lists_inside_a_gradient_called_inside_are_checked_as_the_users_code():
    """The called gradient's list appends are checked for sharing like the user's own code (a
    hazard there is the same located error), and its derivative code, which has value semantics,
    is not checked again as if it were NumPy (it was refused: `writing into 'dys'`)."""
    x = np.array([0.5, 1.5])
    value, g = adjit.value_and_grad(_calls_fresh)(x)
    assert np.isclose(value, _calls_fresh(x))
    assert rel(g, fd_grad(_calls_fresh, [x], 0)) < 1e-6
    with pytest.raises(UnsupportedSyntaxError) as e:
        adjit.grad(_calls_writes)(x)
    assert "writing into 'z' would also change ys" in str(e.value) and e.value.loc.line > 0
