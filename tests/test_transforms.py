"""The AD family (issue 13): jvp, vjp, jacfwd/jacrev/jacobian, hvp, hessian, grad of grad and
jvp of grad. Each against central finite differences in float64 (second differences for the
Hessians), and against each other: jacfwd = jacrev, hvp = hessian @ v, <u, J v> = <J^T u, v>."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, ArgumentError, InternalCompilerError

R = np.random.default_rng(31)


def mlp(x, W, b):
    h = np.tanh(W @ x + b)
    return h * h[0] + np.sin(x[:3]).sum()


def loop_vec(x, a):
    y = x * 1.0
    for i in range(3):
        y = np.tanh(a * y + x[i])
        if np.sum(y) > 10.0:
            y = y * 0.5
    return y


def loss(x, W):
    s = 0.0
    h = x * 1.0
    for i in range(4):
        h = np.tanh(W @ h + x)
        s = s + np.sum(h ** 2) * (i + 1)
    return s + np.sum(np.exp(0.1 * x) * x[0])


def scalar_fn(x, y):
    return x ** 3 * y + np.sin(x * y)


def fd_jac(f, args, k, eps=1e-6):
    x = np.asarray(args[k], dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        up = list(args)
        dn = list(args)
        up[k] = x + e if x.ndim else float(x + e)
        dn[k] = x - e if x.ndim else float(x - e)
        cols.append(((np.asarray(f(*up)) - np.asarray(f(*dn))) / (2 * eps)).reshape(-1))
    out_shape = np.shape(f(*args))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(b))))


def mlp_args():
    return R.standard_normal(4), R.standard_normal((5, 4)) * 0.5, R.standard_normal(5)


# ------------------------------------------------------------------------------------ jvp / vjp
def test_jvp_vector_output_against_finite_differences():
    x, W, b = mlp_args()
    v = R.standard_normal(4)
    out, tan = adjit.jvp(mlp, (x, W, b), (v, None, None))
    np.testing.assert_allclose(out, mlp(x, W, b), rtol=1e-13)
    num = (mlp(x + 1e-6 * v, W, b) - mlp(x - 1e-6 * v, W, b)) / 2e-6
    assert rel(tan, num) < 1e-7
    # the decorator form and its source
    jf = adjit.jvp(mlp)
    out2, tan2 = jf((x, W, b), (v, None, None))
    np.testing.assert_allclose(tan2, tan, rtol=1e-14)
    assert "x_dot" in jf.source((x, W, b), (v, None, None))


def test_jvp_scalar_and_loops():
    x, a = R.standard_normal(4), 0.7
    out, tan = adjit.jvp(loop_vec, (x, a), (np.ones(4), 1.0))
    num = (loop_vec(x + 1e-6, a + 1e-6) - loop_vec(x - 1e-6, a - 1e-6)) / 2e-6
    assert rel(tan, num) < 1e-7


def test_vjp_any_output_shape_and_dot_product_test():
    x, W, b = mlp_args()
    out, pull = adjit.vjp(mlp, x, W, b)
    np.testing.assert_allclose(out, mlp(x, W, b), rtol=1e-13)
    u = R.standard_normal(out.shape)
    gx, gW, gb = pull(u)
    for k, g in enumerate((gx, gW, gb)):
        J = fd_jac(mlp, (x, W, b), k)
        assert rel(g, np.tensordot(u, J, axes=1)) < 1e-7
    # <u, J v> = <J^T u, v>
    vx, vW, vb = R.standard_normal(4), R.standard_normal((5, 4)), R.standard_normal(5)
    _, jv = adjit.jvp(mlp, (x, W, b), (vx, vW, vb))
    lhs = float(np.dot(u, jv))
    rhs = float(np.sum(gx * vx) + np.sum(gW * vW) + np.sum(gb * vb))
    assert abs(lhs - rhs) < 1e-12 * max(1.0, abs(lhs))
    assert "def mlp_vjp(x, W, b, dmlp):" in pull.source()  # the cotangent is the last argument


def test_vjp_through_loops_and_scalar_output():
    x = R.standard_normal(4)
    out, pull = adjit.vjp(loop_vec, x, 0.7)
    u = R.standard_normal(4)
    gx, ga = pull(u)
    assert rel(gx, np.tensordot(u, fd_jac(loop_vec, (x, 0.7), 0), axes=1)) < 1e-7
    assert abs(ga - float(np.dot(u, fd_jac(loop_vec, (x, 0.7), 1)))) < 1e-6
    s, pull = adjit.vjp(scalar_fn, 0.4, 1.3)
    gx, gy = pull(2.0)
    assert gx == pytest.approx(2 * (3 * 0.4 ** 2 * 1.3 + np.cos(0.52) * 1.3), rel=1e-12)


def test_vjp_and_jvp_refuse_mismatched_shapes():
    x, W, b = mlp_args()
    out, pull = adjit.vjp(mlp, x, W, b)
    with pytest.raises(ArgumentError, match="shape"):
        pull(np.ones(7))
    with pytest.raises(ArgumentError, match="shape"):
        adjit.jvp(mlp, (x, W, b), (np.ones(3), None, None))
    with pytest.raises(ArgumentError):
        adjit.jvp(mlp, (x, W, b), (None, None, None))


# ------------------------------------------------------------------------------------ Jacobians
def test_jacobians_agree_with_each_other_and_finite_differences():
    x, W, b = mlp_args()
    Jf = adjit.jacfwd(mlp)(x, W, b)
    Jr = adjit.jacrev(mlp)(x, W, b)
    assert Jf.shape == (5, 4)
    assert rel(Jf, Jr) < 1e-13
    assert rel(Jf, fd_jac(mlp, (x, W, b), 0)) < 1e-7
    JW = adjit.jacobian(mlp, argnums=1)(x, W, b)
    assert JW.shape == (5, 5, 4) and rel(JW, fd_jac(mlp, (x, W, b), 1)) < 1e-7


def _wide(x):  # 3 -> 300
    return np.outer(np.sin(x), np.arange(100.0)).ravel() * x[0]


def _narrow(x):  # 300 -> 2
    return np.array([np.sum(np.tanh(x)), np.sum(x ** 2)])


def test_jacobian_picks_the_cheaper_mode_and_says_so():
    x = R.standard_normal(3)
    src = adjit.jacobian(_wide).source(x)
    assert src.startswith("# jacobian: forward mode")
    assert rel(adjit.jacobian(_wide)(x), fd_jac(_wide, (x,), 0)) < 1e-7
    y = R.standard_normal(300)
    assert adjit.jacobian(_narrow).source(y).startswith("# jacobian: reverse mode")
    J = adjit.jacobian(_narrow)(y)
    assert J.shape == (2, 300) and rel(J, fd_jac(_narrow, (y,), 0)) < 1e-7


# ------------------------------------------------------------------------------- second order
def fd_hessian(f, args, k, eps=1e-4):
    g = adjit.grad(f, wrt=k)
    return fd_jac(lambda *a: g(*a), args, k, eps=eps)


def test_hvp_and_hessian_through_loops():
    x, W = R.standard_normal(4), R.standard_normal((4, 4)) * 0.4
    H = adjit.hessian(loss)(x, W)
    assert H.shape == (4, 4)
    assert rel(H, H.T) < 1e-12
    assert rel(H, fd_hessian(loss, (x, W), 0)) < 1e-6
    v = R.standard_normal(4)
    assert rel(adjit.hvp(loss)(x, W, v), H @ v) < 1e-12
    HW = adjit.hessian(loss, argnums=1)(x, W)
    assert HW.shape == (4, 4, 4, 4) and rel(HW.reshape(16, 16), HW.reshape(16, 16).T) < 1e-12
    assert "x_dot" in adjit.hvp(loss).source(x, W, v)
    text = adjit.hessian(loss).source(x, W)  # the value's tangent, a sum carried through the loop: not computed
    assert "4 tangents per call" in text and "h_dot" in text and "s_dot" not in text


SCALE = 2.0


def scaled_loss(x):
    return np.sum(np.tanh(x * SCALE) ** 2)


def test_hessian_fast_path_is_the_full_path():
    """A second call of the same plain-array signature goes straight to the batched entry with
    the unit tangents made once: the same bits as the full path, at new values too; after a
    global constant the code read changes, the full path again (compiled anew)."""
    global SCALE

    def exact(x, s):  # d2/dx2 tanh(s x)^2, on the diagonal
        t, c2 = np.tanh(s * x), 1 / np.cosh(s * x) ** 2
        return np.diag(2 * s * s * (c2 * c2 - 2 * t * t * c2))

    x = R.standard_normal(5)
    h, full = adjit.hessian(scaled_loss), adjit.hessian(scaled_loss)
    full.fast = False
    H = h(x)
    assert len(h._fast) == 1 and np.array_equal(h(x), H) and rel(H, exact(x, 2.0)) < 1e-12
    H2 = h(x * 1.1)
    assert np.array_equal(H2, full(x * 1.1)) and rel(H2, exact(x * 1.1, 2.0)) < 1e-12
    SCALE = 3.0
    try:
        assert rel(h(x), exact(x, 3.0)) < 1e-12
    finally:
        SCALE = 2.0


def test_seeded_product_is_blas_product():
    """runtime/linalg.matmul_seeded (a batched product whose left rows are tangents): rows of unit
    vectors or zeros pick b's rows, the values BLAS gives; a dense row, a 2.0, two ones in a row,
    or a non-finite b (0 * inf is nan) take the product."""
    from adjit.runtime.linalg import matmul_seeded

    b = R.standard_normal((4, 3))
    a = np.zeros((5, 4))
    a[0, 2] = a[1, 0] = a[3, 2] = a[4, 3] = 1.0  # row 2: zeros (a padded batch)
    assert np.array_equal(matmul_seeded(a, b), a @ b)
    assert np.array_equal(matmul_seeded(np.eye(4), b.T.copy().T), b)  # a transposed b (A.T)
    for i, j, x in ((2, 1, 0.5), (0, 3, 1.0), (1, 0, 2.0)):
        d = a.copy()
        d[i, j] = x
        assert rel(matmul_seeded(d, b), d @ b) < 1e-15
    bad = b.copy()
    bad[1, 1] = np.inf
    with np.errstate(invalid="ignore"):
        assert np.array_equal(np.isnan(matmul_seeded(a, bad)), np.isnan(a @ bad))


def test_hessian_and_jacobian_of_several_arguments():
    """argnums=(0, 1), as JAX: a tuple of Jacobians; the Hessian as blocks H[i][j] of shape
    x_i.shape + x_j.shape, the cross blocks against differences of the other gradient."""
    x, W = R.standard_normal(4), R.standard_normal((4, 4)) * 0.4
    (Hxx, HxW), (HWx, HWW) = adjit.hessian(loss, argnums=(0, 1))(x, W)
    assert rel(Hxx, adjit.hessian(loss)(x, W)) < 1e-12 and rel(HWW, adjit.hessian(loss, argnums=1)(x, W)) < 1e-12
    assert HxW.shape == (4, 4, 4) and HWx.shape == (4, 4, 4)
    assert rel(HxW, np.moveaxis(HWx, 2, 0)) < 1e-12  # symmetric
    gx = adjit.grad(loss, wrt=0)
    assert rel(HxW, fd_jac(lambda x, W: gx(x, W), (x, W), 1, eps=1e-5)) < 1e-6
    (a, b), (c, d) = adjit.hessian(scalar_fn, argnums=(0, 1))(0.4, 1.3)  # numbers give numbers
    assert isinstance(a, float) and b == pytest.approx(c, rel=1e-12)
    assert b == pytest.approx(adjit.grad(adjit.grad(scalar_fn), wrt=1)(0.4, 1.3), rel=1e-12)
    Jx, JW = adjit.jacobian(loop_vec, argnums=(0, 1))(x, 0.7)
    assert rel(Jx, adjit.jacobian(loop_vec)(x, 0.7)) < 1e-14
    assert rel(JW, fd_jac(loop_vec, (x, 0.7), 1)) < 1e-7
    with pytest.raises(ArgumentError):
        adjit.hessian(loss, argnums=(0, 0))


def test_grad_of_grad_scalar_and_mixed_partials():
    d2x = adjit.grad(adjit.grad(scalar_fn))(0.4, 1.3)
    x, y = 0.4, 1.3
    exact = 6 * x * y - y * y * np.sin(x * y)
    assert d2x == pytest.approx(exact, rel=1e-12)
    dxdy = adjit.grad(adjit.grad(scalar_fn, wrt=0), wrt=1)(x, y)
    assert dxdy == pytest.approx(3 * x * x + np.cos(x * y) - x * y * np.sin(x * y), rel=1e-12)
    v, g = adjit.value_and_grad(adjit.grad(scalar_fn))(x, y)
    assert v == pytest.approx(3 * x * x * y + np.cos(x * y) * y, rel=1e-12) and g == pytest.approx(exact, rel=1e-12)
    with pytest.raises(AdjitError) as e:  # the inner gradient of an array is not a scalar
        adjit.grad(adjit.grad(loss))(R.standard_normal(4), np.eye(4))
    assert not isinstance(e.value, InternalCompilerError) and "hessian" in str(e.value)


def test_jvp_of_grad_is_a_hessian_vector_product():
    x, W = R.standard_normal(4), R.standard_normal((4, 4)) * 0.4
    v = R.standard_normal(4)
    g, gdot = adjit.jvp(adjit.grad(loss), (x, W), (v, None))
    assert rel(g, adjit.grad(loss)(x, W)) < 1e-14
    assert rel(gdot, adjit.hessian(loss)(x, W) @ v) < 1e-12


# ------------------------------------------------------------------------------- inspection
def small(x, W):
    h = np.tanh(W @ x)
    return np.sum(h * h) + x[0] * np.sum(h)


def _golden_args():
    return np.linspace(-1.0, 1.0, 3), np.linspace(0.5, -0.5, 9).reshape(3, 3)


@pytest.mark.parametrize("kind", ["jvp", "vjp", "hvp"])
def test_generated_source_of_each_transformation_is_pinned(kind):
    """The tangent code, the pullback and the Hessian-vector product code (what hessian() runs)
    are product surfaces: golden files, and the CLI prints the same text."""
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent / "compiler"))
    from test_codegen import body, check_golden

    x, W = _golden_args()
    if kind == "jvp":
        text = adjit.jvp(small).source((x, W), (x, None))
    elif kind == "vjp":
        text = adjit.vjp(small, x, W, wrt=0)[1].source()
    else:
        text = adjit.hvp(small).source(x, W, x)
    check_golden(f"transform_{kind}.py.txt", body(text), f"{kind} source")
    assert "# h = np.tanh(W @ x)" in text  # the user's line as a comment


def test_cli_shows_each_transformation(capsys, tmp_path):
    from adjit.__main__ import main

    src = tmp_path / "prog.py"
    src.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.tanh(x) ** 2)\n")
    for kind, marker in (("jvp", "x_dot"), ("vjp", "def f_vjp(x, df)"), ("hvp", "dx_dot")):
        assert main(["show", f"{src}:f", "--args", "f64[3]", "--transform", kind]) == 0
        assert marker in capsys.readouterr().out


# ------------------------------------------------------------------------------------ has_aux
def with_aux(x, W):
    h = np.tanh(W @ x)
    loss = np.sum(h ** 2)
    return loss, h


def with_two_aux(x, W):
    h = np.tanh(W @ x)
    return np.sum(h ** 2), (h, np.max(h))


def test_has_aux_on_grad_value_and_grad_and_vjp():
    x, W = R.standard_normal(4), R.standard_normal((3, 4))
    g, aux = adjit.grad(with_aux, has_aux=True)(x, W)
    plain = adjit.grad(lambda_free_loss)(x, W)
    assert rel(g, plain) < 1e-14 and rel(aux, np.tanh(W @ x)) < 1e-14
    (v, aux2), (gx, gW) = adjit.value_and_grad(with_aux, wrt=(0, 1), has_aux=True)(x, W)
    assert v == pytest.approx(lambda_free_loss(x, W), rel=1e-14) and rel(gx, plain) < 1e-14
    assert gW.shape == W.shape and rel(aux2, aux) == 0
    g2, (h, m) = adjit.grad(with_two_aux, has_aux=True)(x, W)
    assert rel(g2, plain) < 1e-14 and m == pytest.approx(np.max(np.tanh(W @ x)))
    out, pull, aux3 = adjit.vjp(with_aux, x, W, has_aux=True)
    assert out == pytest.approx(v) and rel(aux3, aux) == 0
    assert rel(pull(1.0)[0], plain) < 1e-14
    with pytest.raises(AdjitError) as e:  # not a pair
        adjit.grad(lambda_free_loss, has_aux=True)(x, W)
    assert "has_aux" in str(e.value) and not isinstance(e.value, InternalCompilerError)


def lambda_free_loss(x, W):
    return np.sum(np.tanh(W @ x) ** 2)
