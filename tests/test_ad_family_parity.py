"""What benchmarks/ad_family_probe.py (adjit's AD family against JAX on code written as JAX users
write it) found, pinned without JAX: the expected values, shapes and structures are written here.
"""
import sys

import numpy as np

import adjit
from adjit.compiler.jit import guards

SIG = 2.0


def h_scaled(x):
    return np.sum(x ** 2) * SIG


dh_scaled = adjit.grad(h_scaled)


def uses_dh_scaled(x):
    return np.sum(dh_scaled(x) * x)


def test_a_grad_helper_reading_a_changed_global_is_not_stale():
    """grad(f) where f calls dh = grad(h) and h reads the global SIG: after SIG changed, the
    compiled code kept the old SIG (the guards took the grad object by identity and never read
    h's globals): a silently wrong gradient. d/dx sum(2 SIG x * x) = 4 SIG x."""
    global SIG
    x = np.array([1.0, -2.0])
    g = adjit.grad(uses_dh_scaled)
    try:
        assert np.array_equal(g(x), 8.0 * x)
        SIG = 3.0
        assert np.array_equal(g(x), 12.0 * x)
    finally:
        SIG = 2.0


@adjit.custom_jvp
def soft(x):
    return np.log1p(np.exp(x))


@soft.defjvp
def soft_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return soft(x), t * SIG / (SIG + SIG * np.exp(-x))


def uses_soft(x):
    return np.sum(soft(x) * x)


def test_the_guard_walk_follows_a_custom_functions_rules_not_adjits_own_code():
    """snapshot() walked a custom_jvp object as any global object: into adjit's class, its methods'
    globals and adjit's module dicts, which a background compile thread changes ('RuntimeError:
    dictionary changed size during iteration' from grad(f), one cold run in three). It takes the
    object by identity and follows its function and rules (their globals: SIG here)."""
    adjit_spaces = {id(vars(m)) for name, m in list(sys.modules.items()) if name.startswith("adjit")}
    snap = guards.snapshot(uses_soft)
    assert not [n for space, n, _ in snap if id(space) in adjit_spaces]
    names = {n for _, n, _ in snap}
    assert {"soft", "jvp_rule", "SIG"} <= names


def cubes(x, y):
    return np.sum(x ** 3 * y), x * y


def inline_grad(x, y):
    gx, gy = adjit.grad(cubes, argnums=(0, 1), has_aux=True)(x, y)[0]
    return np.sum(gx * x) + np.sum(gy)


def inline_value_and_grad(x):
    v, g = adjit.value_and_grad(h_scaled)(x)
    return v * np.sum(g)


def inline_lambda(x):
    return np.sum(adjit.grad(lambda u: np.sum(u ** 2))(x))


def test_jax_style_grad_made_and_called_inside_a_function():
    """jax.grad(h)(x) written inside the function, as JAX users write it, was an
    UnsupportedSyntaxError (only dh = adjit.grad(h) made outside nested). By hand:
    gx = 3 x^2 y, gy = x^3, so inline_grad = sum(3 x^3 y + x^3), d/dx = 9 x^2 y + 3 x^2,
    d/dy = 3 x^3; inline_value_and_grad = SIG sum(x^2) * 2 SIG sum(x), d/dx = 2 SIG^2 (2 x sum(x) + sum(x^2))."""
    x, y = np.array([0.5, -1.5]), np.array([2.0, 0.25])
    gx, gy = adjit.grad(inline_grad, argnums=(0, 1))(x, y)
    assert np.allclose(gx, 9 * x ** 2 * y + 3 * x ** 2, rtol=1e-14) and np.allclose(gy, 3 * x ** 3, rtol=1e-14)
    expect = 2 * SIG ** 2 * (2 * x * np.sum(x) + np.sum(x ** 2))
    assert np.allclose(adjit.grad(inline_value_and_grad)(x), expect, rtol=1e-14)
    try:
        adjit.grad(inline_lambda)(x)
    except adjit.UnsupportedSyntaxError as e:
        assert e.loc is not None and e.loc.line == inline_lambda.__code__.co_firstlineno + 1
        assert "def function" in e.message and "dh = adjit.grad(h)" in e.hint
    else:
        raise AssertionError("a lambda made inside has no source of its own to compile")


def branchy(x, W):
    h = x
    for _ in range(2):
        h = np.tanh(W @ h)
    if np.sum(x) > 0:
        return np.sum(x ** 3) + np.sum(h)
    return np.sum(np.exp(x))


def test_jacrev_of_a_gradient_that_pops_a_tape_takes_forward_mode():
    """jacrev(grad(f)) (JAX users' spelling of the Hessian) was a TapedGradientError when f's gradient
    pops a tape (a loop, an early return): reverse mode cannot differentiate a tape again. The same
    Jacobian comes from forward mode, as grad(grad(f)) already does. On the second branch the
    Hessian is diag(exp(x)), by hand; argnums=(0, 1) and mode="rev" take the same way."""
    x, W = np.array([-0.5, 0.25, -1.0]), np.eye(3) * 0.5
    H = adjit.jacrev(adjit.grad(branchy))(x, W)
    assert H.shape == (3, 3) and np.allclose(H, np.diag(np.exp(x)), rtol=1e-14, atol=0)
    Hxx, HxW = adjit.jacobian(adjit.grad(branchy), argnums=(0, 1), mode="rev")(x, W)
    assert np.allclose(Hxx, H, rtol=1e-14, atol=0) and HxW.shape == (3, 3, 3) and not HxW.any()


GAIN = 2.0


class Scaled:
    scale = 2.0

    def __init__(self, w):
        self.w = w

    def gain(self):
        return GAIN

    def loss(self, x):
        return np.sum(x ** 3 * self.w) * self.scale * self.gain()

    def __call__(self, x):
        return self.loss(x)


def test_a_bound_methods_class_attribute_or_helper_global_changed_is_not_stale():
    """grad(model.loss) compiles self.scale (a class attribute) and what self.gain() reads in; after
    Scaled.scale = 3.0 (or GAIN = 3.0) the gradient kept 2.0: the guards never looked at self's
    class, and the front key (the disk cache's first lookup) did not describe it, so even a
    rebuilt specialization found the old module. By hand: d/dx = 3 x^2 w scale GAIN."""
    global GAIN
    m, x = Scaled(np.array([1.0, 0.5])), np.array([0.5, -1.0])
    g, gc = adjit.grad(m.loss), adjit.grad(m)
    try:
        assert np.allclose(g(x), 12 * x ** 2 * m.w, rtol=1e-14)
        Scaled.scale = 3.0
        assert np.allclose(g(x), 18 * x ** 2 * m.w, rtol=1e-14)
        assert np.allclose(gc(x), 18 * x ** 2 * m.w, rtol=1e-14)
        GAIN = 3.0
        assert np.allclose(g(x), 27 * x ** 2 * m.w, rtol=1e-14)
    finally:
        Scaled.scale, GAIN = 2.0, 2.0


@adjit.custom_jvp
def sin_times(x, y):
    return np.sin(x) * y


sin_times.defjvps(lambda t, ans, x, y: np.cos(x) * y * t, lambda t, ans, x, y: np.sin(x) * t)


def sin_times_loss(x, y):
    return np.sum(sin_times(x, y) ** 2)


def test_custom_jvp_defjvps_as_jax():
    """JAX's per-argument form f.defjvps(d0, d1) was an AttributeError. By hand, with s = sin(x) y:
    jvp = cos(x) y tx + sin(x) ty; the loss's gradient 2 s cos(x) y and 2 s sin(x) (its rule
    transposed, compiled)."""
    x, y = np.array([0.3, 0.6]), np.array([1.5, -0.5])
    tx, ty = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    out, t = adjit.jvp(sin_times, (x, y), (tx, ty))
    assert np.allclose(out, np.sin(x) * y) and np.allclose(t, np.cos(x) * y * tx + np.sin(x) * ty, rtol=1e-14)
    s = np.sin(x) * y
    gx, gy = adjit.grad(sin_times_loss, argnums=(0, 1))(x, y)
    assert np.allclose(gx, 2 * s * np.cos(x) * y, rtol=1e-14) and np.allclose(gy, 2 * s * np.sin(x), rtol=1e-14)
    try:
        sin_times.defjvps(lambda t, ans, x, y: t)
    except adjit.ArgumentError as e:
        assert "one function (or None) per differentiated argument (2)" in str(e)
    else:
        raise AssertionError("defjvps with one function for two arguments")


def test_linearize_as_jax():
    """jax.linearize had no adjit counterpart (AttributeError when ported). (out, f_jvp), f_jvp
    taking one tangent per primal, at copies of the primals (a later write does not move it);
    has_aux: (out, f_jvp, aux). By hand: d(x^2 y) = 2 x y tx + x^2 ty."""
    x, y = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    out, f_jvp = adjit.linearize(lambda a, b: a ** 2 * b, x, y)
    assert np.array_equal(out, x ** 2 * y)
    tx, ty = np.array([1.0, 0.5]), np.array([-1.0, 2.0])
    expect_x, expect_y = 2 * x * y * tx, x ** 2 * ty
    x[:] = 7.0
    assert np.allclose(f_jvp(tx, ty), expect_x + expect_y, rtol=1e-14)
    assert np.allclose(f_jvp(tx, None), expect_x, rtol=1e-14)
    out, f_jvp, aux = adjit.linearize(lambda a: (np.sum(a ** 3), {"n": a * 2.0}), np.array([1.0, 2.0]), has_aux=True)
    assert out == 9.0 and np.array_equal(aux["n"], [2.0, 4.0]) and f_jvp(np.array([1.0, 1.0])) == 15.0


@adjit.custom_vjp
def clipped_scale(x, lo):
    return x * lo


def _clipped_fwd(x, lo):
    return x * lo, (lo, x)


def _clipped_bwd(res, g):
    lo, x = res
    return (np.clip(g * lo, -1.0, 1.0), np.sum(g * x))


clipped_scale.defvjp(_clipped_fwd, _clipped_bwd)


def clipped_loss(a):
    return clipped_scale(a, 1.3) ** 2 * a


def test_a_custom_vjp_rule_applies_once_its_code_is_differentiated_again():
    """grad(grad(f)) of a function calling a custom_vjp with a clipped gradient applied the rule
    again to fwd's output in the second pass: 2.352 at a = 0.4 where JAX (and central differences
    of adjit's own first gradient) give 4.056; hessian / hvp of it were located errors (JAX answers).
    As JAX: the gradient G(a) = clip(2 (lo a) a lo, -1, 1) + (lo a)^2 is differentiated as code:
    G' = 6 lo^2 a below the clip, 2 lo^2 a above it (a = 0.8)."""
    lo = 1.3
    gg = adjit.grad(adjit.grad(clipped_loss))
    assert np.isclose(gg(0.4), 6 * lo ** 2 * 0.4, rtol=1e-14) and np.isclose(gg(0.8), 2 * lo ** 2 * 0.8, rtol=1e-14)
    assert np.isclose(adjit.hessian(clipped_loss)(0.4), 6 * lo ** 2 * 0.4, rtol=1e-14)
    x = np.array([0.4, 0.8])
    H = adjit.hessian(lambda v: np.sum(clipped_loss(v)))(x)
    assert np.allclose(H, np.diag([6 * lo ** 2 * 0.4, 2 * lo ** 2 * 0.8]), rtol=1e-14, atol=0)


def looped(x, W):
    h = x
    for _ in range(2):
        h = np.tanh(W @ h)
    if np.sum(h) > 0:
        return np.sum(h ** 2)
    return np.sum(h)


d_looped = adjit.grad(looped)


def looped_penalty(x, W):
    return looped(x, W) + np.sum(d_looped(x, W) ** 2)


def test_grad_through_a_gradient_helper_that_pops_a_tape_takes_forward_mode():
    """A gradient penalty whose helper has a loop and a branch (JAX differentiates it) was a
    TapedGradientError: reverse mode cannot differentiate a tape again. grad / value_and_grad of a
    plain function called positionally take forward mode (the Jacobian of a scalar function is its
    gradient): checked against central differences, in the structure grad gives."""
    x, W = np.array([0.3, -0.4]), np.array([[0.8, -0.3], [0.5, 0.9]])
    v, (gx, gW) = adjit.value_and_grad(looped_penalty, argnums=(0, 1))(x, W)
    assert np.isclose(v, looped_penalty(x, W), rtol=1e-14) and gx.shape == (2,) and gW.shape == (2, 2)
    e = 1e-6
    for k, g in ((0, gx), (1, gW)):
        for i in np.ndindex(g.shape):
            a, b = [x.copy(), W.copy()], [x.copy(), W.copy()]
            a[k][i] += e
            b[k][i] -= e
            assert np.isclose(g[i], (looped_penalty(*a) - looped_penalty(*b)) / (2 * e), rtol=1e-6, atol=1e-8)
