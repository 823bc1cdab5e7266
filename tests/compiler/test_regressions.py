"""Issue 9's wrong gradients and internal errors, and their classes: each program's gradient equals
central differences, forward mode (JVP . v == v . grad) and the readable source run as NumPy;
what adjit cannot follow is a located error, never a different function."""
import numpy as np
import pytest

import adjit
import corpus_regressions as C
from adjit.compiler.errors import AdjitError, InternalCompilerError, UnsupportedSyntaxError
from conftest import check_against_fd, fd_check, forward_check, run_grad, run_jvp

R = np.random.default_rng(9)

CASES = [
    (C.rows_written_then_read, lambda: (R.uniform(0.5, 1.2, 3), R.uniform(0.1, 1.0, (2, 3))), (0, 1)),
    (C.rows_written_then_read_deeper, lambda: (R.uniform(-1, 1, 3), R.uniform(-1, 1, (3, 3))), (0, 1)),
    (C.columns_written_then_read, lambda: (R.uniform(0.5, 1.2, 2), R.uniform(0.1, 1.0, (2, 3))), (0, 1)),
    (C.view_carried_through_branch, lambda: (R.uniform(-1, 1, 3), R.uniform(-1, 1, (4, 3))), (0, 1)),
    (C.assign_before_break, lambda: (1.0, 1.5), (0, 1)),
    (C.assign_copy_before_break, lambda: (1.0, 1.5), (0, 1)),
    (C.assign_before_continue, lambda: (0.7, 1.3), (0, 1)),
    (C.assign_before_break_in_while, lambda: (0.4, 1.5), (0, 1)),
    (C.branch_passes_outer_value, lambda: (0.8, -1.2), (0, 1)),
    (C.loop_yields_outer_value, lambda: (0.8, 0.3), (0, 1)),
    (C.array_assign_before_break, lambda: (R.uniform(-1, 1, 4), 0.3), (0, 1)),
    (C.convolution, lambda: (R.standard_normal(3), R.standard_normal(8)), (0, 1)),
    (C.convolution_inplace, lambda: (R.standard_normal(3), R.standard_normal(8)), (0, 1)),
    (C.sliding_window, lambda: (R.standard_normal(7), R.standard_normal(3)), (0, 1)),
    (C.written_then_rebound_adjoint, lambda: (R.uniform(-1, 1, 3), R.uniform(-1, 1, (2, 3))), (0, 1)),
    (C.shift_along_one_axis, lambda: (R.standard_normal(5),), (0,)),
    (C.rows_shifted, lambda: (R.standard_normal((3, 3)),), (0,)),
    (C.view_read_after_possible_break, lambda: (R.standard_normal(3), R.standard_normal((4, 3))), (0, 1)),
]
IDS = [f.__name__ for f, _, _ in CASES]


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_gradient_is_exact(fun, make, wrt):
    args = make()
    g = adjit.grad(fun, wrt=wrt)
    grads = g(*args)
    fd_check(fun, args, wrt, grads)
    # the readable source is plain NumPy and computes the same gradient
    ns: dict = {}
    exec(compile(g.source(*args), "<readable>", "exec"), ns)
    readable = ns[fun.__name__ + "_grad"](*args)
    for a, b in zip(readable[1:], grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_forward_mode_agrees(fun, make, wrt):
    args = make()
    forward_check(fun, args, wrt, adjit.grad(fun, wrt=wrt)(*args), seed=3)


def test_outer_loop_count_above_one_and_inner_above_one_both_matter():
    """The first reproducer was right with one outer or one inner step: check both counts grow."""
    for steps in ((2, 3), (3, 2), (4, 4)):
        T, n = steps

        w = R.uniform(0.5, 1.1, 3)
        state = R.uniform(0.1, 1.0, (n, 3))
        g = adjit.grad(C.rows_written_then_read_deeper, wrt=(0, 1))(w, state)
        fd_check(C.rows_written_then_read_deeper, (w, state), (0, 1), g)


@pytest.mark.parametrize("fun", [C.view_read_after_base_written, C.second_name_read_after_inplace_add,
                                 C.view_carried_read_after_write])
def test_sharing_numpy_sees_is_followed(fun):
    """A view or second name read after its array is written in place is that part of the array
    (rowviews.rewrite_view_name, 2026-12-03 evening; these were located errors): NumPy's value and
    its gradient."""
    check_against_fd(fun, [R.uniform(-1, 1, (2, 3))], (0,), compiled=False)


@pytest.mark.parametrize("fun,line", [
    (C.view_merged_by_branch_then_base_written, "h[i] = h[i] + x"),
])
def test_sharing_numpy_would_see_is_a_located_error(fun, line):
    args = (R.uniform(-1, 1, (2, 3)),) if fun.__code__.co_argcount == 1 else (R.uniform(-1, 1, 3), R.uniform(-1, 1, (2, 3)))
    with pytest.raises(UnsupportedSyntaxError) as e:
        adjit.grad(fun)(*args)
    text = str(e.value)
    assert "corpus_regressions.py:" in text and line in text and "^" in text
    assert "would also change" in text and "NumPy would see the new values" in text and ".copy()" in text


def _cube(x):
    return x ** 3


def test_grad_of_grad_is_the_second_derivative_never_the_first():
    inner = adjit.grad(_cube)
    assert adjit.grad(inner)(3.0) == pytest.approx(18.0, rel=1e-14)  # not 27, the first derivative
    with pytest.raises(AdjitError) as e:  # the inner result is (value, gradient): not a scalar
        adjit.grad(adjit.value_and_grad(_cube))(3.0)
    assert not isinstance(e.value, InternalCompilerError) and "test_regressions.py:" in str(e.value)
    # a third derivative (issue 13): the second derivative's code differentiated again, never a lower one
    assert adjit.grad(adjit.grad(adjit.grad(_cube)))(3.0) == pytest.approx(6.0, rel=1e-14)


def _calls_a_gradient(x):
    return _cube_grad(x) * 2.0


_cube_grad = adjit.grad(_cube)


def test_calling_a_transformation_inside_differentiates_its_gradient():
    # once a located error; since issue 13 the gradient's code is inlined and differentiated again
    assert adjit.grad(_calls_a_gradient)(3.0) == pytest.approx(2 * 6 * 3.0, rel=1e-14)


def _two_runtime_extents(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x[i:] * x[:x.shape[0] - i])
    return s


def _windows(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x[i:i + 2] * x[i + 1:i + 3]) + np.sum(x[i:i + 1] * x[None, 1:])
    return s


def test_constant_width_windows_have_static_extents():
    x = np.arange(6.0) * 0.3
    fd_check(_windows, (x,), (0,), (adjit.grad(_windows)(x),))


def test_operands_of_two_runtime_extents_compile_for_equal_extents():
    """Once a located error, now compiled for equal extents and checked where used
    (tests/compiler/test_run_time_extents.py)."""
    x = np.arange(6.0) * 0.3
    fd_check(_two_runtime_extents, (x,), (0,), (adjit.grad(_two_runtime_extents)(x),))


def _conv_fixed_L(k, x):
    out = np.zeros(3)
    for j in range(k.shape[0]):
        out = out + k[j] * x[j:j + 3]
    return np.sum(out)


def test_slice_of_the_wrong_runtime_extent_raises_like_numpy():
    """x[3:6] of a 5-vector has 2 elements: NumPy cannot add it to 3; neither does adjit."""
    k, x = np.ones(4), np.arange(5.0)
    with pytest.raises(ValueError):
        _conv_fixed_L(k, x)
    with pytest.raises(ValueError):
        adjit.grad(_conv_fixed_L, wrt=(0, 1))(k, x)


def _window_writes(x, w):
    h = np.zeros(6)
    for i in range(4):
        h[i:i + 2] = h[i:i + 2] + w * x[i]
        h[i + 1:i + 2] = np.tanh(h[i + 1:i + 2])
    return np.sum(h * h)


def test_writes_into_windows_with_computed_bounds():
    """The region h[i:i + 2] has a run-time extent; the value written has a known one (or 1)."""
    rng = np.random.default_rng(5)
    x, w = rng.random(5), rng.random(2)
    fd_check(_window_writes, (x, w), (0, 1), adjit.grad(_window_writes, wrt=(0, 1))(x, w))


def test_a_row_assigned_from_its_own_column_is_refused():
    """NumPy copies W[:, -1] into W[1] in an order of its own (a 3x3 arange gives [2, 8, 8])."""
    W = np.arange(9.0).reshape(3, 3)
    W[1] = W[:, -1]
    assert list(W[1]) == [2.0, 8.0, 8.0]
    with pytest.raises(UnsupportedSyntaxError) as e:
        adjit.grad(C.row_from_own_column)(np.ones((3, 3)))
    assert "walks it along another axis" in str(e.value) and ".copy()" in str(e.value)


def test_float32_state_promoted_in_a_while_loop_forward_and_reverse():
    rng = np.random.default_rng(0)
    x, W, s = rng.uniform(-1, 1, 4).astype(np.float32), rng.uniform(-1, 1, (3, 4)).astype(np.float32), np.float32(0.3)
    grads = adjit.grad(C.float32_state_promoted_in_while, wrt=(0, 1, 2))(x, W, s)
    tangents = (rng.standard_normal(4).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32),
                np.float32(0.7))
    _, dot = run_jvp(C.float32_state_promoted_in_while, (x, W, s), (0, 1, 2), tangents, compiled=True)
    x6, W6 = x.astype(float), W.astype(float)
    eps = 1e-6
    fd = (C.float32_state_promoted_in_while(x6 + eps * tangents[0], W6 + eps * tangents[1], 0.3 + eps * 0.7)
          - C.float32_state_promoted_in_while(x6 - eps * tangents[0], W6 - eps * tangents[1], 0.3 - eps * 0.7)) / (2 * eps)
    rev = sum(float(np.sum(g * t)) for g, t in zip(grads, tangents))
    assert abs(dot - fd) < 1e-5 and abs(rev - fd) < 1e-5, (dot, rev, fd)


def test_carried_state_row_written():
    """Fuzzer case 008: two equal cotangents merged by CSE were taken over by two loop-carried
    adjoints as ONE array, so the in-place row write into dh1 also changed dW."""
    rng = np.random.default_rng(0)
    args = (rng.uniform(-1, 1, 3), rng.uniform(-1, 1, (2, 3)), float(rng.uniform(-1, 1)))
    fd_check(C.carried_state_row_written, args, (0,),
             (adjit.grad(C.carried_state_row_written, wrt=0)(*args),))


def test_likes_of_numbers_compile():
    x = np.array([1.0, 2.0, 3.0])
    g = adjit.grad(C.likes_of_numbers)(x)
    fd_check(C.likes_of_numbers, [x], [0], [g])


def test_add_at_of_itself_reads_the_values_before():
    x, W = np.array([0.1, 0.2, -0.3, 0.4]), np.ones((2, 4))
    value, grads = run_grad(C.add_at_of_itself, (x.copy(), W), (0,))
    assert np.isclose(value, C.add_at_of_itself(x.copy(), W))
    fd_check(lambda v: C.add_at_of_itself(v.copy(), W), [x], [0], grads)


def test_two_tapes_never_share_a_name():
    x, W, b = np.linspace(0.1, 0.5, 5), np.linspace(-1, 1, 25).reshape(5, 5), np.linspace(-1, 1, 5).reshape(5, 1)
    value, grads = run_grad(C.tapes_named_alike, (x.copy(), W, b), (0, 1, 2))
    assert np.isclose(value, C.tapes_named_alike(x.copy(), W, b))
    fd_check(lambda *a: C.tapes_named_alike(a[0].copy(), *a[1:]), [x, W, b], [0, 1, 2], grads)


def test_the_derivative_of_zero_to_a_power_in_the_power_is_zero():
    x = np.array([0.0, 0.5, 2.0])
    value, grads = run_grad(C.power_of_zero, (1.5, x), (0,))
    h = 1e-6
    assert np.isclose(grads[0], (C.power_of_zero(1.5 + h, x) - C.power_of_zero(1.5 - h, x)) / (2 * h), rtol=1e-7)
    _, tangent = run_jvp(C.power_of_zero, (1.5, x), (0,), (1.0,))
    assert np.isclose(tangent, grads[0], rtol=1e-12)


def test_the_branch_np_where_did_not_take_has_a_zero_gradient():
    p, x = np.array([0.0, 0.3, 0.7]), np.array([-1.0, 0.0, 2.0])
    with np.errstate(all="ignore"):
        value, grads = run_grad(C.branch_not_taken, (p, x), (0, 1))
        _, tangent = run_jvp(C.branch_not_taken, (p, x), (0, 1), (np.ones(3), np.ones(3)))
    np.testing.assert_allclose(grads[0], [0.0, -(np.log(0.3) + 1), -(np.log(0.7) + 1)])
    np.testing.assert_allclose(grads[1], [0.0, 0.0, np.log(2.0) + 0.5 / np.sqrt(1.6)])
    assert np.isclose(tangent, np.sum(grads[0]) + np.sum(grads[1]))


def _big_int_constants(x):
    return np.sum(x) * (2 ** 40) / 2.0 ** 40 + x[0] * 10 ** 20 / 1e20


def test_int_constants_past_int64_are_the_floats_python_multiplies_by():
    """`x[0] * 10 ** 20` reached the user as Numba's TypingError ('Int value is too large')."""
    import adjit

    x = np.array([0.5, -1.0, 2.0])
    value, grad = adjit.value_and_grad(_big_int_constants)(x)
    assert np.isclose(value, _big_int_constants(x), rtol=1e-15)
    np.testing.assert_allclose(grad, [2.0, 1.0, 1.0], rtol=1e-15)
