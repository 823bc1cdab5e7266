"""The public API: grad / value_and_grad forms, wrt handling, result types, the seed's network
against the seed's own formulas, broadcasting, float32, caching and determinism."""
import numpy as np
import pytest

import adjit
import corpus
from conftest import fd_check


def seed_data(rng, batch=7, n_in=6, n_hidden=5, n_out=3, dtype=np.float64):
    W1 = rng.standard_normal((n_hidden, n_in)) * 0.5
    b1 = rng.standard_normal((n_hidden, 1)) * 0.1
    W2 = rng.standard_normal((n_out, n_hidden)) * 0.5
    b2 = rng.standard_normal((n_out, 1)) * 0.1
    x = rng.standard_normal((n_in, batch))
    t = rng.standard_normal((n_out, batch))
    return tuple(a.astype(dtype) for a in (W1, b1, W2, b2, x, t))


def seed_formulas(W1, b1, W2, b2, x, t):
    """The seed's hand-derived backward pass, for L = sum((y - t)^2)."""
    z1 = W1 @ x + b1
    h = np.tanh(z1)
    y = W2 @ h + b2
    dL_dy = 2 * (y - t)
    dW2 = dL_dy @ h.T                      # dL/dW2 = (dL/dy) . h^T
    db2 = dL_dy.sum(axis=1, keepdims=True)  # dL/db2 = dL/dy (summed over the batch)
    dh = W2.T @ dL_dy                      # dL/dh = W2^T . (dL/dy)
    dz1 = dh * (1 - np.tanh(z1) ** 2)      # dL/dz1 = dL/dh (.) sigma'(z1)
    dW1 = dz1 @ x.T                        # dL/dW1 = (dL/dz1) . x^T
    db1 = dz1.sum(axis=1, keepdims=True)   # dL/db1 = dL/dz1
    return dW1, db1, dW2, db2


def test_seed_network_matches_the_seeds_formulas(rng):
    args = seed_data(rng)
    g = adjit.grad(corpus.seed_loss, wrt=("W1", "b1", "W2", "b2"))
    for ours, seed in zip(g(*args), seed_formulas(*args)):
        assert ours.shape == seed.shape and ours.dtype == seed.dtype
        np.testing.assert_allclose(ours, seed, rtol=1e-12, atol=1e-14)
    fd_check(corpus.seed_loss, args, (0, 1, 2, 3), g(*args))


def test_seed_network_single_example_vector(rng):
    W1, b1, W2, b2, x, t = seed_data(rng)
    args = (W1, b1[:, 0], W2, b2[:, 0], x[:, 0].copy(), t[:, 0].copy())
    grads = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3))(*args)
    fd_check(corpus.seed_loss, args, (0, 1, 2, 3), grads)


def test_decorator_and_call_forms_agree(rng):
    args = seed_data(rng)

    @adjit.grad
    def f0(W1, b1, W2, b2, x, t):
        h = np.tanh(W1 @ x + b1)
        return np.sum((W2 @ h + b2 - t) ** 2)

    @adjit.grad(wrt=("W1",))
    def f1(W1, b1, W2, b2, x, t):
        h = np.tanh(W1 @ x + b1)
        return np.sum((W2 @ h + b2 - t) ** 2)

    a = f0(*args)
    (b,) = f1(*args)
    c = adjit.grad(corpus.seed_loss)(*args)
    d = adjit.grad(corpus.seed_loss, wrt="W1")(*args)
    e = adjit.grad(corpus.seed_loss, wrt=[0])(*args)[0]
    for other in (b, c, d, e):
        np.testing.assert_allclose(a, other, rtol=1e-13)
    assert isinstance(a, np.ndarray)


def test_value_and_grad_returns_value_and_tuple(rng):
    args = seed_data(rng)
    value, grads = adjit.value_and_grad(corpus.seed_loss, wrt=(0, "b2"))(*args)
    assert isinstance(value, float)
    assert value == pytest.approx(corpus.seed_loss(*args), rel=1e-13)
    assert len(grads) == 2 and grads[1].shape == args[3].shape


def test_negative_wrt_position_and_keyword_call(rng):
    args = seed_data(rng)
    g = adjit.grad(corpus.seed_loss, wrt=-1)
    kw = dict(zip(("W1", "b1", "W2", "b2", "x", "t"), args))
    np.testing.assert_allclose(g(**kw), g(*args))
    np.testing.assert_allclose(g(*args), -2 * (args[2] @ np.tanh(args[0] @ args[4] + args[1]) + args[3] - args[5]))


def test_python_floats_give_floats():
    g = adjit.grad(corpus.scalar_only, wrt=(0, 1))
    da, db = g(0.3, 1.7)
    assert type(da) is float and type(db) is float
    fd_check(corpus.scalar_only, (0.3, 1.7), (0, 1), (da, db))


def test_rebinding_tuple_unpacking_and_global_constant(rng):
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    grads = adjit.grad(corpus.rebinding, wrt=(0, 1))(x, y)
    fd_check(corpus.rebinding, (x, y), (0, 1), grads)


def test_calls_to_other_user_functions_are_differentiated_through(rng):
    x, w = rng.standard_normal(5), rng.standard_normal(5)
    grads = adjit.grad(corpus.helper_user, wrt=(0, 1))(x, w)
    fd_check(corpus.helper_user, (x, w), (0, 1), grads)


def test_unused_argument_gets_zero_gradient(rng):
    x, y = rng.standard_normal(3), rng.standard_normal(3)
    dx, dy = adjit.grad(corpus.unused_arg, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(dy, np.zeros(3))
    np.testing.assert_allclose(dx, 2.0)


def test_gradient_of_sum_is_a_fresh_writable_array(rng):
    x = rng.standard_normal((3, 4))
    g = adjit.grad(corpus.returns_param_sum)(x)
    assert g.flags.writeable and g.flags.c_contiguous and g.strides != (0, 0)
    g[0, 0] = 5.0
    np.testing.assert_array_equal(adjit.grad(corpus.returns_param_sum)(x), np.ones((3, 4)))


@pytest.mark.parametrize("xs,ys", [((3, 4), ()), ((3, 4), (4,)), ((3, 1), (1, 4)), ((3, 4), (3, 1)),
                                   ((2, 3, 4), (3, 1)), ((1, 4), (3, 4)), ((4,), (2, 3, 4))])
def test_broadcasting_adjoints_sum_over_broadcast_axes(rng, xs, ys):
    x = rng.standard_normal(xs)
    y = rng.standard_normal(ys) if ys else 0.37
    grads = adjit.grad(corpus.two_dtypes, wrt=(0, 1))(x, y)
    assert np.shape(grads[0]) == xs and np.shape(grads[1]) == ys
    fd_check(corpus.two_dtypes, (x, y), (0, 1), grads)


def test_keepdims_normalization(rng):
    x = rng.standard_normal((4, 5))
    fd_check(corpus.keepdims_norm, (x,), (0,), (adjit.grad(corpus.keepdims_norm)(x),))


def test_float32_inputs_give_float32_gradients(rng):
    args64 = seed_data(rng)
    args32 = tuple(a.astype(np.float32) for a in args64)
    g = adjit.value_and_grad(corpus.seed_loss, wrt=(0, 1, 2, 3))
    v32, g32 = g(*args32)
    v64, g64 = g(*args64)
    assert isinstance(v32, (float, np.floating))
    for a, b in zip(g32, g64):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-4)
    src = g.source(*args32)
    assert "np.float32(2)" in src or "np.float32(2.0)" in src  # weak constants stay float32


def test_mixed_float32_float64_promotes_like_numpy(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    y = rng.standard_normal((3, 4))
    dx, dy = adjit.grad(corpus.two_dtypes, wrt=(0, 1))(x, y)
    assert dx.dtype == np.float32 and dy.dtype == np.float64
    np.testing.assert_allclose(dx, y.astype(np.float32), rtol=1e-6)


def test_numpy_float64_scalar_is_not_weak():
    """np.float64 is a Python float subclass, but NumPy 2 promotes it as a float64 (not as a weak
    Python float): a float32 value times an np.float64 scalar is float64 (seed 9301's oracle check)."""
    def f(x, s):
        return np.sum(x.astype(np.float32)) * s

    x = np.array([0.1, 0.2, -0.3, 0.4])
    g = adjit.value_and_grad(f, wrt=(0, 1))
    v, (dx, ds) = g(x, np.float64(0.7))
    assert v == f(x, np.float64(0.7)) and np.asarray(v).dtype == np.float64
    v2, _ = g(x, 0.7)  # a Python float stays weak: float32, as in NumPy
    assert v2 == f(x, 0.7) and type(v2) is np.float32
    assert len(g.signatures) == 2


_S64 = np.float64(0.7)


def test_numpy_float64_constants_are_not_weak():
    """A global np.float64 or np.float64(...) written in the function is a NumPy scalar: with a
    float32 array the result is float64, as in NumPy."""
    def f(x):
        return np.sum(x * _S64) + np.float64(3) * x[0] + np.sum(x / np.float64(1.5))

    x = np.array([0.1, 0.2, -0.3], dtype=np.float32)
    v, dx = adjit.value_and_grad(f)(x)
    assert v == f(x) and np.asarray(v).dtype == np.float64 and dx.dtype == np.float32
    np.testing.assert_allclose(dx, [0.7 + 3 + 1 / 1.5, 0.7 + 1 / 1.5, 0.7 + 1 / 1.5], rtol=1e-6)


def test_one_specialization_per_signature(rng):
    g = adjit.grad(corpus.two_dtypes)
    g(rng.standard_normal((3, 4)), rng.standard_normal((3, 4)))
    g(rng.standard_normal((5, 6)), rng.standard_normal((5, 6)))  # same signature, new shapes
    assert len(g.signatures) == 1
    g(rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32))
    g(rng.standard_normal(4), rng.standard_normal(4))
    assert len(g.signatures) == 3


def test_generated_source_is_deterministic(rng):
    args = seed_data(rng)
    a = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3)).source(*args)
    b = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3)).source(*seed_data(np.random.default_rng(5)))
    assert a == b
    assert "dW2 = dy @ h.T" in a and "# h = np.tanh(W1 @ x + b1)" in a


def test_user_names_in_adjoint(rng):
    src = adjit.grad(corpus.seed_loss_named, wrt=(0, 1, 2, 3)).source(*seed_data(rng))
    for line in ("dz1 = dh * (1 - h * h)", "db1 = np.sum(dz1, axis=1, keepdims=True)", "dW1 = dz1 @ x.T",
                 "dh = W2.T @ dy"):
        assert line in src, src


def test_lowered_source_is_what_numba_compiles(rng):
    g = adjit.grad(corpus.seed_loss, wrt=(0, 1))
    low = g.source(*seed_data(rng), lowered=True)
    assert "numba.njit(cache=True" in low and "@_jit" in low


def test_adjoint_of_slice_of_rebound_name(rng):
    """Regression: both versions of z had adjoints named dz and the scatter read the new one."""
    x = rng.standard_normal(6)
    fd_check(corpus.slice_of_rebound, (x,), (0,), (adjit.grad(corpus.slice_of_rebound)(x),))


def test_reductions_of_scalars_and_zero_d_arrays():
    g = adjit.grad(corpus.sum_of_scalars, wrt=(0, 1))
    dx, dy = g(0.7, -1.3)
    fd_check(corpus.sum_of_scalars, (0.7, -1.3), (0, 1), (dx, dy))
    dx0, dy0 = g(np.array(0.7), np.array(-1.3))
    assert dx0 == pytest.approx(dx) and dy0 == pytest.approx(dy)


def test_fortran_and_strided_layouts(rng):
    g = adjit.grad(corpus.two_dtypes, wrt=(0, 1))
    x = np.asfortranarray(rng.standard_normal((4, 5)))
    y = rng.standard_normal((4, 10))[:, ::2]  # a strided view
    dx, dy = g(x, y)
    np.testing.assert_allclose(dx, y)
    np.testing.assert_allclose(dy, x)
    dx2, _ = g(np.ascontiguousarray(x), np.ascontiguousarray(y))
    np.testing.assert_allclose(dx2, dx)
    layouts = " | ".join(g.signatures)
    assert "x: f64[:,:] F" in layouts and "y: f64[:,:] A" in layouts and "x: f64[:,:] C" in layouts


def test_float32_value_stays_float32(rng):
    x = rng.standard_normal(4).astype(np.float32)
    v, _ = adjit.value_and_grad(corpus.returns_param_sum)(x)
    assert isinstance(v, np.float32)


def test_signature_names_the_broadcasts(rng):
    args = seed_data(rng)
    g = adjit.grad(corpus.seed_loss)
    g(*args)
    assert "broadcasts b1 along axis 1" in g.signatures[0]


def test_adjoint_ir_is_printable(rng):
    text = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3)).ir(*seed_data(rng), adjoint=True)
    assert "[adjoint]" in text and "%dW2." in text


def test_numpy_under_any_alias_and_creation_functions(rng):
    import corpus_alias

    x, w = rng.standard_normal(5), rng.standard_normal(5)
    grads = adjit.grad(corpus_alias.aliased, wrt=(0, 1))(x, w)
    fd_check(corpus_alias.aliased, (x, w), (0, 1), grads)


def test_arange_in_computations(rng):
    import corpus_alias

    x = rng.standard_normal(6)
    fd_check(corpus_alias.with_arange, (x,), (0,), (adjit.grad(corpus_alias.with_arange)(x),))


def test_stop_gradient_blocks_the_derivative_of_its_argument(rng):
    import corpus_alias

    x = rng.standard_normal(6)
    g = adjit.grad(corpus_alias.with_stop_gradient)(x)
    np.testing.assert_allclose(g, np.exp(x) / np.exp(x).sum(), rtol=1e-12)  # softmax: logsumexp's gradient
    src = adjit.grad(corpus_alias.with_stop_gradient).source(x)
    assert "m = stop_gradient(np.max(x))" in src and "from adjit import stop_gradient" in src


def test_parallel_gradient_matches_serial_and_is_deterministic(rng):
    x, w = rng.standard_normal(5000), rng.standard_normal(5000)
    serial = adjit.grad(corpus.long_elementwise_loss, wrt=(0, 1))(x, w)
    g = adjit.grad(corpus.long_elementwise_loss, wrt=(0, 1), parallel=True)
    first, second = g(x, w), g(x, w)
    for a, b, c in zip(serial, first, second):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(b, c)  # same bits run to run
    low = g.source(x, w, lowered=True)
    assert "numba.prange(" in low and "parallel=True" in low and "_CHUNKS" in low
    fd_check(corpus.long_elementwise_loss, (x[:20], w[:20]), (0, 1), adjit.grad(corpus.long_elementwise_loss, wrt=(0, 1))(x[:20], w[:20]))


def test_mixed_precision_matmul_promotes_like_numpy(rng):
    W = rng.standard_normal((3, 3)).astype(np.float32)
    x = rng.standard_normal((3, 2))
    dW, dx = adjit.grad(corpus.matmul_mismatch, wrt=(0, 1))(W, x)
    assert dW.dtype == np.float32 and dx.dtype == np.float64
    np.testing.assert_allclose(dW, np.ones((3, 2)) @ x.T, rtol=1e-6)
