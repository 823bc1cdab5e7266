"""Silent wrong results found by the third adversarial hunt (2026-12-02) over the constructs added
in the two days before it: each program against NumPy/SciPy (value), central differences
(gradient) and forward mode, through the lowered module run as Python (no Numba compile: the
suite's budget). Each failed on the code before its fix (docs/reliability.md)."""
import functools

import numpy as np
import scipy.linalg as sla

from tests.conftest import check_against_fd, check_forward, run_grad


def _checked(fun, *args):
    check_against_fd(fun, list(args), (0,), compiled=False)
    check_forward(fun, list(args), (0,), compiled=False)


def _weighted(T):
    return np.sum(T * np.arange(T.size).reshape(T.shape))


def toeplitz_of_rows(C):
    return _weighted(sla.toeplitz(C)) + _weighted(sla.toeplitz(C, np.array([9.0, 1.0, 2.0, 3.0])))


def circulant_of_rows(C):
    return _weighted(sla.circulant(C))


def toeplitz_broadcast_batches(c):
    return _weighted(sla.toeplitz(c.reshape(2, 1, 3), np.arange(20.0).reshape(5, 4)))


def test_toeplitz_and_circulant_of_a_2d_argument_are_batches_as_in_scipy():
    """SciPy 1.17 reads a 2-D c (and r) of toeplitz/circulant as a batch of vectors, (2, 3) ->
    (2, 3, 3): adjit raveled it into one 6x6 matrix (toeplitz: 0.92 where SciPy gives -8.17)."""
    C = np.random.default_rng(0).standard_normal((2, 3))
    _checked(toeplitz_of_rows, C)
    _checked(circulant_of_rows, C)
    _checked(toeplitz_broadcast_batches, C)


def initial_of_another_dtype(x):
    k = np.arange(4).reshape(2, 2)
    return (x[0] * np.max(k, initial=5.5) + x[1] * np.sum(k, initial=0.5) + x[2] * np.min(k, initial=-1.7)
            + np.sum(x[:2] * k.max(axis=0, initial=2.5)))


def test_a_reduction_casts_its_initial_to_its_own_dtype():
    """np.max(ints, initial=5.5) is 5 (NumPy casts the initial to the reduction's dtype): adjit
    combined the two and promoted (5.5; the test program: 4.21 for NumPy's 3.86)."""
    _checked(initial_of_another_dtype, np.array([0.3, -1.2, 0.8, 2.0]))


def number_reshaped(x, s):
    sm = sla.block_diag(x[:2], s, 0.5)
    return _weighted(np.tanh(sm)) + np.sum(np.reshape(s * x[2], (1, 1)) * x[:2]) + np.sum(np.reshape(s, (1, 1, 1)))


def test_a_number_reshaped_has_a_number_for_cotangent_and_a_readable_source():
    """Internal errors (fuzz seed 9901, the hunt's features profile): reshaping a number (a Python
    float argument, block_diag's 0.5) gave a 0-d cotangent read through `s.shape` (Numba: no
    attribute 'shape' of float64; the lowered module run as Python: AttributeError), and the
    readable source wrote `0.5.reshape(...)`."""
    from tests.conftest import check_readable

    args = [np.array([0.3, -1.2, 0.8]), 0.7]
    check_against_fd(number_reshaped, args, (0, 1), compiled=False)
    check_forward(number_reshaped, args, (0, 1), compiled=False)
    check_readable(number_reshaped, args, (0, 1), compiled=False)


def host_line_after_an_argument_changed_in_place(x, W):
    x += 0.5
    p = np.random.default_rng(53).permutation(x.shape[0])
    return np.sum(x * W[0]) + np.sum(x[p] * np.arange(3))


def host_line_reading_an_alias_written_in_place(x):
    d = np.array([3.0, 1.0, 2.0])
    e = d
    d += 1.0
    u = np.unique(e)
    return np.sum(x * u)


def test_a_line_numpy_runs_first_never_changes_an_argument_twice():
    """host.py ran `x += 0.5` (the closure of a line it hoists, read for x's shape) on the caller's
    array before the compiled code, which added 0.5 again: 7.5 for NumPy's 4.5, the argument
    changed, a second call 10.5. An augmented assignment to a name is NumPy's in-place write: such
    a line stays in the compiled code (here a located error); a line reading an alias of an array
    changed by `+=` sees the change."""
    import pytest

    import adjit

    x, W = np.array([0.1, 0.2, 0.3]), np.arange(6.0).reshape(2, 3)
    with pytest.raises(adjit.AdjitError):
        adjit.value_and_grad(host_line_after_an_argument_changed_in_place, wrt=(0, 1))(x, W)
    assert np.array_equal(x, [0.1, 0.2, 0.3])
    value, _ = run_grad(host_line_reading_an_alias_written_in_place, [x], (0,))
    assert np.isclose(value, host_line_reading_an_alias_written_in_place(x))


def complex_quotients(x):
    z = (x[0] + 1j * x[1]) * 1e300
    w = z / ((x[2] + 1j * x[3]) * 1e300)
    v = x[:2] + 1j * x[2:]
    u = (x[1:3] - 2j) / v + 1.0 / v + (3 + 4j) / (v * v) + v / (1e-200 + 1e-200j) * 1e-200 + v / (1j * x[2:])
    return w.real + w.imag + np.sum(u.real * np.arange(2) + u.imag ** 2)


def test_complex_division_does_not_square_the_divisor():
    """(a + bi) / (c + di) formed c*c + d*d, which overflows past 1e154 (and underflows below
    1e-154): nan where NumPy's quotient (Smith's method) is finite (w above: nan for NumPy's -1.17)."""
    _checked(complex_quotients, np.array([0.3, -0.8, 0.5, 0.9]))


def vectorized_int_or_float(x):
    f = np.vectorize(lambda a: round(a) if a > 0 else a)
    return np.sum(f(x) * np.arange(x.shape[0]))


def vectorized_bool_or_float(x):
    def g(a):
        if a < 2:
            return a > 0
        return a
    return np.sum(np.vectorize(g)(x) * np.arange(x.shape[0]))


def vectorized_same_dtype_on_every_path(x):
    f = np.vectorize(lambda a: round(a) if a > 0 else int(a * 3))
    return np.sum(f(x) * x)


def test_vectorize_of_a_function_whose_paths_return_other_dtypes_is_located():
    """np.vectorize without otypes gives its result the dtype of the first element's result: a
    function returning round(a) (an int) on one path and a float on another makes an int array when
    the first element takes the int path. adjit promoted every path to float (0.3 for NumPy's 3.7;
    a bool path: 9.9 for 6.7); only int literals were refused."""
    import pytest

    import adjit

    x = np.array([0.7, -1.3, 2.6, -0.2, 1.5, -2.5])
    for f in (vectorized_int_or_float, vectorized_bool_or_float):
        with pytest.raises(adjit.AdjitError, match="otypes"):
            run_grad(f, [x], (0,))
    value, grads = run_grad(vectorized_same_dtype_on_every_path, [x], (0,))
    assert np.isclose(value, vectorized_same_dtype_on_every_path(x))


def isin_nothing(x):
    return np.sum(np.isin(np.arange(x.shape[0]), []) * x) + np.sum(np.isin(x, [], invert=True) * x)


def test_isin_of_an_empty_list():
    """np.isin(a, []) read the empty list as an array of a run-time extent: the lowered module read
    index 0 of it (IndexError), Numba failed to type np.ascontiguousarray(()) (internal errors)."""
    _checked(isin_nothing, np.array([0.7, -1.3, 2.6]))


def diff_joined_with_nothing(x):
    return np.sum(np.diff(x, prepend=[], append=[]) * np.arange(x.shape[0] - 1)) + np.sum(np.diff(x, append=[]) ** 2)


def test_diff_with_an_empty_prepend():
    """np.diff(x, prepend=[]) joins nothing (NumPy's asanyarray([]) is (0,)): the empty list was a
    tuple value concatenated with x (internal TypeError: data type '' not understood)."""
    _checked(diff_joined_with_nothing, np.array([0.7, -1.3, 2.6, 0.4]))


def _doubled(a):
    return a * 2.0


def _scaled(a):
    return a * SCALE_H3


def _weighted_by(c, a):
    return a * c + OFFSET_H3


SCALE_H3 = 2.0
OFFSET_H3 = 0.5
VECTORIZED_H3 = np.vectorize(_doubled)
SCALED_H3 = np.vectorize(_scaled)
PARTIAL_H3 = functools.partial(_weighted_by, 3.0)


def reads_a_global_vectorized_function(x):
    return np.sum(VECTORIZED_H3(x) * x) + np.sum(SCALED_H3(x)) + np.sum(PARTIAL_H3(x))


def test_a_global_vectorized_function_rebound_between_calls_is_seen():
    """A global np.vectorize object (an object of a library's class) was taken for a library
    function by jit/guards.py, so neither rebinding it nor changing a global its function reads made
    the compiled code stale-checked: 3.56 for NumPy's 5.34 after `VECTORIZED = np.vectorize(triple)`;
    a global functools.partial's function and bound arguments were not followed either (3.56 for
    8.90 after a global its function reads changed)."""
    from adjit.compiler.jit.guards import holds, snapshot

    global VECTORIZED_H3, SCALE_H3, OFFSET_H3
    guards = snapshot(reads_a_global_vectorized_function)
    assert holds(guards)
    old = VECTORIZED_H3
    try:
        VECTORIZED_H3 = np.vectorize(_scaled)
        assert not holds(guards)
        VECTORIZED_H3 = old
        assert holds(guards)
        SCALE_H3 = 5.0
        assert not holds(guards)
        SCALE_H3 = 2.0
        assert holds(guards)
        OFFSET_H3 = 1.5  # a global the function of a global functools.partial reads
        assert not holds(guards)
    finally:
        VECTORIZED_H3, SCALE_H3, OFFSET_H3 = old, 2.0, 0.5


def spectrum_of_a_constant_kernel(x):
    F = np.fft.rfft(np.arange(8.0))
    G = np.fft.rfft(np.array([0.5, 0.25, 0.25]), n=8)
    return np.sum(F.real * x[:5]) + np.sum((F * G).imag * x[3:])


def test_a_line_adjit_lowers_is_not_run_by_numpy_first():
    """host.py ran `F = np.fft.rfft(<data>)` before the compiled code (it did not know np.fft has
    rules, fft.py), and its complex result could not be handed over: a located refusal of a program
    adjit compiles."""
    _checked(spectrum_of_a_constant_kernel, np.linspace(-1.0, 1.0, 8))


def host_line_after_asarray_of_an_argument_changed(x, W):
    y = np.asarray(x)
    y += 1.0
    p = np.random.default_rng(3).permutation(y.shape[0])
    return np.sum(y[p] * W[0])


def host_line_after_reshape_of_an_argument_written(x, W):
    y = np.reshape(x, (3,))
    y[0] = y[0] + 5.0
    p = np.random.default_rng(3).permutation(y.shape[0])
    return np.sum(y[p] * W[0])


def test_a_line_numpy_runs_first_never_writes_through_np_asarray_of_an_argument():
    """host.py's view analysis saw `x.reshape(...)` but not `np.asarray(x)` / `np.reshape(x, s)`
    (x itself, or a view of it): the prologue ran `y = np.asarray(x); y += 1.0` on the caller's
    array and the compiled code added 1.0 again (6.6 for NumPy's 3.6; 10.6 for 5.6), x changed."""
    import pytest

    import adjit

    for f in (host_line_after_asarray_of_an_argument_changed, host_line_after_reshape_of_an_argument_written):
        x, W = np.array([0.1, 0.2, 0.3]), np.ones((2, 3))
        with pytest.raises(adjit.AdjitError):
            adjit.value_and_grad(f, wrt=(1,))(x, W)
        assert np.array_equal(x, [0.1, 0.2, 0.3])


def along_rows_int_or_float(X):
    def f(r):
        if r[0] > 0:
            return int(r[0] * 3)
        return r[0] * 3
    return np.sum(np.apply_along_axis(f, 1, X) * np.arange(X.shape[0])) + X[0, 0]


def test_apply_along_axis_of_a_function_whose_paths_return_other_dtypes_is_located():
    """np.apply_along_axis gives its result the dtype of the first slice's result (an int array when
    the first row takes the int path, truncating the rest): adjit promoted every path (6.1 for
    NumPy's 6.7)."""
    import pytest

    import adjit

    X = np.array([[0.7, -1.3, 2.6], [-0.2, 1.5, -2.5], [1.1, 0.4, -0.9]])
    with pytest.raises(adjit.AdjitError, match="first slice"):
        run_grad(along_rows_int_or_float, [X], (0,))
