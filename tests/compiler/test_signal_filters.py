"""scipy.signal.detrend / savgol_filter / medfilt and scipy.ndimage.uniform_filter1d / uniform_filter
(frontend/filterforms.py): adjit's output array equals SciPy's (read back as the gradient of
sum(y * w) in w), its dtype SciPy's (y.dtype.itemsize joins the value), gradients against central
differences, and the options SciPy refuses or adjit does not write out are located errors. The
generated code runs as Python (run_grad); one test compiles."""
import warnings

import numpy as np
import pytest
import scipy.signal as sg
from scipy import ndimage

import adjit
from tests.conftest import check_against_fd, check_forward, fd_check, run_grad

R = np.random.default_rng(21)


def detrend(x, w, typ, axis):
    y = sg.detrend(x, axis=axis, type=typ)
    return np.sum(y * w) + y.dtype.itemsize


def savgol(x, w, window, order, deriv, mode, axis):
    y = sg.savgol_filter(x, window, order, deriv=deriv, delta=0.5, axis=axis, mode=mode, cval=0.25)
    return np.sum(y * w) + y.dtype.itemsize


def uniform1d(x, w, size, origin, mode, axis):
    y = ndimage.uniform_filter1d(x, size, axis=axis, mode=mode, cval=0.5, origin=origin)
    return np.sum(y * w) + y.dtype.itemsize


def uniform(x, w, size, origin, mode):
    y = ndimage.uniform_filter(x, size, mode=mode, origin=origin, cval=0.5)
    return np.sum(y * w) + y.dtype.itemsize


def uniform_axes(x, w):
    y = ndimage.uniform_filter(x, (4, 2), axes=(2, 0), mode=("wrap", "nearest"))
    return np.sum(y * w) + y.dtype.itemsize


def medfilt(x, w, k):
    y = sg.medfilt(x, k)
    return np.sum(y * w) + y.dtype.itemsize


def _matches(f, reference, x, *opts, grad=False):
    """adjit's y (the gradient in w), its dtype and value against SciPy's; with grad=True the gradient
    in x against central differences too."""
    w = R.standard_normal(np.shape(x))
    value, grads = run_grad(f, [x, w, *opts], (0, 1) if grad else (1,))
    y = reference(x, *opts)
    single = y.dtype == np.float32
    assert np.isclose(value, f(x, w, *opts), rtol=1e-5 if single else 1e-12), (f.__name__, x.dtype, opts)
    np.testing.assert_allclose(grads[-1], y, rtol=1e-5 if single else 1e-11, atol=1e-5 if single else 1e-12,
                               err_msg=f"{f.__name__} {x.shape} {x.dtype} {opts}")
    if grad:
        fd_check(f, [x, w, *opts], (0,), grads[:1])


def _refused(f, args, cls, *words):
    with pytest.raises(cls) as e:
        run_grad(f, args, (0,))
    assert e.value.loc is not None and e.value.loc.line > 0
    for word in words:
        assert word in str(e.value), str(e.value)
    return e.value


def test_detrend_matches_scipy():
    """linear and constant, every axis of 1-, 2- and 3-D data, N == 1 (zeros), float32 stays float32,
    ints become float64."""
    for shape in [(1,), (6,), (4, 1), (3, 5), (2, 3, 4)]:
        for typ in ("linear", "constant", "l", "c"):
            for axis in sorted({0, -1, len(shape) // 2}):
                x = R.standard_normal(shape) * 3 + np.arange(shape[-1])
                for dt in (np.float64, np.float32, np.int64) if typ in ("linear", "c") else (np.float64,):
                    _matches(detrend, lambda x, t, a: sg.detrend(x, axis=a, type=t), x.astype(dt), typ, axis)
    for typ, axis in (("linear", 0), ("constant", 1)):
        _matches(detrend, lambda x, t, a: sg.detrend(x, axis=a, type=t), R.standard_normal((5, 4)), typ, axis,
                 grad=True)


def detrend_pieces(x):
    return np.sum(sg.detrend(x, bp=[3]) ** 2)


def detrend_quadratic(x):
    return np.sum(sg.detrend(x, type="quadratic") ** 2)


def test_detrend_break_points_and_bad_type_are_located_errors():
    e = _refused(detrend_pieces, [R.standard_normal(8)], adjit.AdjitError, "break points")
    assert "np.concatenate" in (e.hint or "")
    _refused(detrend_quadratic, [R.standard_normal(8)], adjit.AdjitError, "'linear' or 'constant'")


@pytest.mark.parametrize("mode", ["interp", "mirror", "nearest", "constant", "wrap"])
def test_savgol_matches_scipy(mode):
    """Odd and even windows, deriv 0/1/2, n == window (even: all edge), windows longer than x where
    the mode pads, 1-D and 2-D along both axes."""
    ref = lambda x, *o: sg.savgol_filter(x, o[0], o[1], deriv=o[2], delta=0.5, axis=o[4], mode=o[3], cval=0.25)  # noqa: E731
    for n in (1, 4, 5, 9):
        x = R.standard_normal(n)
        for window, order, deriv in [(3, 1, 0), (4, 2, 1), (5, 2, 0), (5, 3, 2), (6, 3, 2), (7, 4, 1), (1, 0, 0)]:
            if mode != "interp" or window <= n:
                _matches(savgol, ref, x, window, order, deriv, mode, 0)
    X = R.standard_normal((5, 7))
    for axis in (0, 1):
        _matches(savgol, ref, X, 5, 2, 1, mode, axis, grad=axis == 1)
        _matches(savgol, ref, X, 4, 1, 0, mode, axis)


def test_savgol_dtypes_and_wide_windows():
    """float32 stays float32, ints become float64; a 51-point window (its edge matrices from a
    Chebyshev basis), polyorder 9 over 13 points (SciPy's own matrices), deriv with delta."""
    ref = lambda x, *o: sg.savgol_filter(x, o[0], o[1], deriv=o[2], delta=0.5, axis=o[4], mode=o[3], cval=0.25)  # noqa: E731
    X = R.standard_normal((3, 9))
    _matches(savgol, ref, X.astype(np.float32), 5, 2, 1, "interp", 1)
    _matches(savgol, ref, X.astype(np.float32), 4, 2, 0, "nearest", 0)
    _matches(savgol, ref, (X * 10).astype(np.int64), 5, 2, 1, "interp", 1)
    _matches(savgol, ref, R.standard_normal(60), 51, 3, 1, "interp", 0)
    _matches(savgol, ref, R.standard_normal(15), 13, 9, 0, "interp", 0)


def savgol_short(x):
    return np.sum(sg.savgol_filter(x, 7, 2) ** 2)


def savgol_long(x):
    return np.sum(sg.savgol_filter(x, 301, 2, mode="nearest") ** 2)


def savgol_order(x):
    return np.sum(sg.savgol_filter(x, 5, 5) ** 2)


def savgol_ill(x):
    return np.sum(sg.savgol_filter(x, 101, 20) ** 2)


def test_savgol_refusals_are_located():
    _refused(savgol_short, [R.standard_normal(5)], adjit.AdjitError, "window_length (7)", "ValueError")
    _refused(savgol_long, [R.standard_normal(5)], adjit.AdjitError, "at most 256")
    _refused(savgol_order, [R.standard_normal(9)], adjit.AdjitError, "polyorder must be less")
    _refused(savgol_ill, [R.standard_normal(120)], adjit.AdjitError, "ill-conditioned")


@pytest.mark.parametrize("mode", ["reflect", "mirror", "nearest", "wrap", "constant", "grid-wrap", "grid-mirror",
                                  "grid-constant"])
def test_uniform_filter1d_matches_scipy(mode):
    """Even and odd sizes at every valid origin, sizes past the length, both axes of 2-D data."""
    ref = lambda x, s, o, m, a: ndimage.uniform_filter1d(x, s, axis=a, mode=m, cval=0.5, origin=o)  # noqa: E731
    for n in (1, 3, 7):
        x = R.standard_normal(n)
        for size in (1, 2, 3, 4, 9):
            for origin in sorted({-(size // 2), 0, (size - 1) // 2}):
                _matches(uniform1d, ref, x, size, origin, mode, 0)
    X = R.standard_normal((4, 6))
    for axis in (0, 1):
        _matches(uniform1d, ref, X, 3, -1, mode, axis, grad=axis == 0)


def test_uniform_filter_matches_scipy():
    """Sizes, origins and modes per axis, sizes of 1 skipped (an origin there not checked, as SciPy),
    axes=, float32, a 257-point window (the running-sum form)."""
    ref = lambda x, s, o, m: ndimage.uniform_filter(x, s, mode=m, origin=o, cval=0.5)  # noqa: E731
    X = R.standard_normal((4, 5))
    for size, origin, mode in [(3, 0, "reflect"), ((2, 3), (0, 1), ("nearest", "constant")), ((1, 4), (-3, -2),
                               "wrap"), (1, 0, "mirror"), (2, -1, ("grid-wrap", "mirror"))]:
        _matches(uniform, ref, X, size, origin, mode)
    _matches(uniform, ref, R.standard_normal((2, 3, 4)), (2, 1, 3), 0, "reflect", grad=True)
    _matches(uniform, ref, X.astype(np.float32), 3, 0, "reflect")
    Y = R.standard_normal((5, 3, 6))
    _matches(uniform_axes, lambda x: ndimage.uniform_filter(x, (4, 2), axes=(2, 0), mode=("wrap", "nearest")), Y)
    ref1 = lambda x, s, o, m, a: ndimage.uniform_filter1d(x, s, axis=a, mode=m, cval=0.5, origin=o)  # noqa: E731
    _matches(uniform1d, ref1, R.standard_normal(300), 257, 3, "reflect", 0)
    _matches(uniform1d, ref1, R.standard_normal(30), 300, -7, "wrap", 0)


def uniform_of_ints(x):
    return np.sum(ndimage.uniform_filter1d(x.astype(np.int64), 3) * x)


def uniform_bad_origin(x):
    return np.sum(ndimage.uniform_filter1d(x, 3, origin=2))


def test_uniform_filter_refusals_are_located():
    _refused(uniform_of_ints, [R.standard_normal(6)], adjit.AdjitError, "int64")
    _refused(uniform_bad_origin, [R.standard_normal(6)], adjit.AdjitError, "invalid origin")


@pytest.mark.filterwarnings("ignore:kernel_size exceeds")
def test_medfilt_matches_scipy():
    """1-D and 2-D, kernels 1/3/5 and per axis, kernels past the extent (zero padding), ints and
    float32 keep their dtype; the gradient is the selected element's."""
    def ref(x, k):
        with warnings.catch_warnings():  # SciPy warns of a kernel past the extent (and zero-pads)
            warnings.simplefilter("ignore")
            return sg.medfilt(x, k)

    for x in (R.standard_normal(1), R.standard_normal(7), R.standard_normal((4, 5)),
              (R.standard_normal((4, 5)) * 10).astype(np.int64), R.standard_normal((4, 5)).astype(np.float32)):
        for k in (1, 3, 5) + (((3, 1), (5, 3)) if x.ndim == 2 else ()):
            _matches(medfilt, ref, x, k)
    _matches(medfilt, ref, R.standard_normal(9), 3, grad=True)
    _matches(medfilt, ref, R.standard_normal((4, 5)), (3, 3), grad=True)


def medfilt_even(x):
    return np.sum(sg.medfilt(x, 4) ** 2)


def test_medfilt_even_kernel_is_a_located_error():
    _refused(medfilt_even, [R.standard_normal(6)], adjit.AdjitError, "odd")


def smoothing_pipeline(x):
    """The filters together, as a denoising objective composes them."""
    t = sg.detrend(x)
    s = sg.savgol_filter(t, 5, 2, deriv=1)
    m = sg.medfilt(t, 3)
    u = ndimage.uniform_filter1d(t, 4, mode="nearest")
    return np.sum(s ** 2) + np.sum((m - u) ** 2) + np.sum(sg.detrend(x, type="constant") * u)


def test_filters_together_forward_mode():
    x = R.standard_normal(12) + np.linspace(0.0, 3.0, 12)
    check_against_fd(smoothing_pipeline, [x], (0,), compiled=False)
    check_forward(smoothing_pipeline, [x], (0,), compiled=False)


def smooth_edges(x):
    return np.sum(sg.savgol_filter(x, 3, 1) ** 2)


@pytest.mark.compiled
def test_savgol_compiled():
    """The 'interp' edges (a Chebyshev basis, matmul, tensordot) compiled with Numba."""
    check_against_fd(smooth_edges, [R.standard_normal(7)], (0,), compiled=True)
