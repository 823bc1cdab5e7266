"""Statistics, scans, sorting and polynomials (issue 12, item 4): np.cumsum, np.cumprod, np.sort,
np.argsort, np.var, np.std, np.median, np.diff, np.polyval, np.cross, np.inner, np.kron. Each against
central finite differences, forward mode against reverse mode, and the readable source, executed
as plain NumPy, against the compiled gradient; cumprod with zeros, sort with ties, float32, the
linear recurrence of cumprod's derivatives on its own, and the located errors."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from conftest import check_readable, family_tests, fd_check, forward_check, run_grad

R = np.random.default_rng(44)


def n(*shape):
    return R.standard_normal(shape)


def away(*shape):
    return R.uniform(0.5, 1.5, shape) * R.choice([-1.0, 1.0], shape)


# ------------------------------------------------------------------------------------ scans
def cumsum_forms(x, u): return np.sum(u * np.cumsum(x, axis=-1) ** 2) + np.sum(np.cumsum(x) ** 3) + np.sum(x.cumsum(0) * u)
def cumsum_3d(x): return np.sum(np.cumsum(x, axis=1) ** 2 * np.arange(4.0))
def cumsum_dtype(x): return np.sum(np.cumsum(x, dtype=np.float64) ** 2) + np.sum(np.cumsum(x[0], axis=0) ** 3)
def cumprod_forms(x, u): return np.sum(u * np.cumprod(x, axis=1)) + np.sum(np.cumprod(x) ** 2) + np.sum(x.cumprod(axis=0) * u)
def cumprod_zeros(x, u):
    y = x * np.array([[1.0, 0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 0.0]])
    return np.sum(u * np.cumprod(y, axis=1)) + np.sum(np.cumprod(y, axis=0) ** 2)
def cumprod_scalar(s, x): return np.sum(np.cumprod(s)) + np.sum(np.cumprod(x * s))

# ---------------------------------------------------------------------------------- sorting
def sort_forms(x, u): return np.sum(u * np.sort(x)) + np.sum(np.sort(x, axis=0) ** 3 * u) + np.sum(np.sort(x, axis=None) * np.arange(12.0))
def sort_3d(x): return np.sum(np.sort(x, axis=1) * np.arange(3.0)[:, None]) + np.sum(np.sort(x, kind="stable") ** 3)
def argsort_gather(x, u): return np.sum(u * x[np.argsort(x)]) + np.sum(x * np.argsort(x))
def top_k(x, w): return np.sum(np.sort(x)[-3:] * w)

# ------------------------------------------------------------------------------- statistics
def var_std(x, u): return np.sum(u * np.var(x, axis=0)) + np.std(x) + np.sum(x.var(axis=1, ddof=1) ** 2) + x.std(ddof=1)
def var_keepdims(x): return np.sum(np.std(x, axis=(0, 2), keepdims=True) * x) + np.sum(np.var(x, axis=-1, keepdims=True) ** 2)
def median_forms(x, u): return np.median(x) + np.sum(u * np.median(x, axis=1)) + np.sum(np.median(x, axis=0) ** 2)
def median_odd(x): return np.median(x) ** 2 + np.sum(np.median(x, axis=0, keepdims=True) * x) + np.sum(np.median(x, keepdims=True))
def median_dynamic(x, i): return np.median(x[i:]) + np.median(x[i + 1:]) ** 2
def diff_forms(x, u): return np.sum(u * np.diff(x)) + np.sum(np.diff(x, n=2, axis=0) ** 2) + np.sum(np.diff(x, 0) ** 2)
def polyval_forms(x, p): return np.sum(np.polyval(p, x) ** 2) + np.polyval([1.5, -2.0, 0.5], x[0]) + np.sum(np.polyval([2.0], x))
def polyval_coef(p, s): return np.polyval(p, s) ** 2 + np.polyval((p[0], 1.0, s), 0.7)
def cross_forms(a, b): return np.sum(np.cross(a, b) ** 2) + np.sum(np.cross(a[0], b[1]) * np.arange(3.0)) + np.sum(np.cross(a, b[2]) ** 3)
def inner_forms(a, b, c): return np.inner(a[0], b[0]) + np.sum(np.inner(a, b) ** 2) + np.sum(np.inner(c, a[1]) ** 2) + np.sum(np.inner(a, c) ** 2)
def kron_forms(a, b, v): return np.sum(np.kron(a, b) ** 2) + np.sum(np.kron(v, a[0]) ** 3) + np.sum(np.kron(a, v) * 0.5) + np.sum(np.kron(2.0, v) ** 2)


FORMS = [
    (cumsum_forms, lambda: (n(3, 4), n(3, 4)), (0,)),
    (cumsum_3d, lambda: (n(2, 3, 4),), (0,)),
    (cumsum_dtype, lambda: (n(3, 4),), (0,)),
    (cumprod_forms, lambda: (away(3, 4), n(3, 4)), (0,)),
    (cumprod_zeros, lambda: (away(3, 5), n(3, 5)), (0,)),
    (cumprod_scalar, lambda: (0.8, away(4)), (0, 1)),
    (sort_forms, lambda: (n(3, 4), n(3, 4)), (0,)),
    (sort_3d, lambda: (n(2, 3, 4),), (0,)),
    (argsort_gather, lambda: (n(6), n(6)), (0,)),
    (top_k, lambda: (n(7), n(3)), (0, 1)),
    (var_std, lambda: (n(3, 4), n(4)), (0,)),
    (var_keepdims, lambda: (n(2, 3, 4),), (0,)),
    (median_forms, lambda: (n(4, 6), n(4)), (0,)),
    (median_odd, lambda: (n(5, 3),), (0,)),
    (median_dynamic, lambda: (n(8), 2), (0,)),
    (diff_forms, lambda: (n(4, 5), n(4, 4)), (0,)),
    (polyval_forms, lambda: (n(5), n(4)), (0, 1)),
    (polyval_coef, lambda: (n(3), 0.6), (0, 1)),
    (cross_forms, lambda: (n(4, 3), n(4, 3)), (0, 1)),
    (inner_forms, lambda: (n(3, 4), n(2, 4), n(2, 2, 4)), (0, 1, 2)),
    (kron_forms, lambda: (n(2, 3), n(3, 2), n(3)), (0, 1, 2)),
]
IDS = [f.__name__ for f, _, _ in FORMS]


# every 6th case through the Numba-compiled entry point, the rest through the lowered module run as
# Python (conftest.family_tests; the suite's time budget)
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(FORMS, IDS)


@pytest.mark.parametrize("fun,make,wrt", FORMS, ids=IDS)
def test_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)


# -------------------------------------------------------------------------- exact and special cases
def weighted_cumprod(x, w): return np.sum(w * np.cumprod(x))


def test_cumprod_gradient_is_exact_with_zeros():
    """dx_k = sum_{i>=k} w_i prod_{j<=i, j!=k} x_j, no division: exact with one zero, two zeros, a zero first."""
    w = np.array([0.5, -1.0, 2.0, 0.25, 1.5])
    for x in (np.array([2.0, 0.0, 3.0, -1.0, 0.5]), np.array([0.0, 2.0, 0.0, 3.0, 1.0]),
              np.array([1.5, -2.0, 0.0, 0.0, 0.0]), np.zeros(5)):
        expected = np.array([sum(w[i] * np.prod([x[j] for j in range(i + 1) if j != k]) for i in range(k, 5))
                             for k in range(5)])
        g = adjit.grad(weighted_cumprod)(x, w)
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g, expected, rtol=1e-14, atol=1e-15)
        forward_check(weighted_cumprod, (x, w), (0,), (g,))


def weighted_sort(x, w): return np.sum(w * np.sort(x))
def symmetric_sort(x): return np.sum(np.sort(x) ** 2) + np.sum(np.sort(x, axis=0) ** 3)


def test_sort_with_ties_scatters_through_one_consistent_permutation():
    x = np.array([1.0, -2.0, 1.0, 3.0, -2.0, 1.0])
    w = np.arange(1.0, 7.0)
    g = adjit.grad(weighted_sort)(x, w)
    expected = np.empty(6)
    expected[np.argsort(x, kind="stable")] = w  # each element gets the weight of the place it sorts to
    np.testing.assert_array_equal(g, expected)
    assert sorted(g[x == 1.0]) == [3.0, 4.0, 5.0] and sorted(g[x == -2.0]) == [1.0, 2.0]
    # a function that does not care which of the tied elements goes first: finite differences agree
    y = np.array([[0.5, 0.5, -1.0], [2.0, 0.5, 0.5], [0.5, -1.0, 2.0]])
    gy = adjit.grad(symmetric_sort)(y)
    np.testing.assert_allclose(gy, 2 * y + 3 * y ** 2, rtol=1e-14)
    # the lowered (Numba) rendering and NumPy's stable argsort agree on ties
    ns: dict = {}
    exec(compile(adjit.grad(weighted_sort).source(x, w), "<readable>", "exec"), ns)
    np.testing.assert_array_equal(ns["weighted_sort_grad"](x, w)[1], g)


def test_sort_values_and_argsort_match_numpy_nan_last():
    def f(x):
        return np.sum(np.sort(x) * np.arange(5.0)) + np.sum(np.argsort(x) * 1.0)

    for x in (np.array([3.0, np.nan, -1.0, 2.0, np.inf]), np.array([2.0, 2.0, -np.inf, 0.0, -0.0])):
        assert np.isclose(adjit.value_and_grad(f)(x)[0], f(x), equal_nan=True)


def test_median_is_nan_when_a_lane_holds_one():
    def f(x):
        return np.sum(np.median(x, axis=1) * np.arange(1.0, 3.0))

    x = np.array([[1.0, np.nan, 3.0], [2.0, 0.5, 1.0]])
    value = adjit.value_and_grad(f)(x)[0]
    assert np.isnan(value) and np.isnan(f(x))


def cumprod_sq(x): return np.sum(np.cumprod(x, axis=1) ** 2) + np.sum(np.cumprod(x) * np.arange(6.0))


def test_second_order_through_cumprod():
    """The Hessian (forward over reverse) runs the JVP of cumprod's VJP: the linear recurrence's JVP."""
    x = away(2, 3)
    h = adjit.hessian(cumprod_sq)(x)
    grad = adjit.grad(cumprod_sq)
    eps = 1e-6
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        cols.append(((grad(x + e) - grad(x - e)) / (2 * eps)).reshape(-1))
    np.testing.assert_allclose(np.asarray(h).reshape(x.size, x.size), np.array(cols).T, rtol=1e-6, atol=1e-8)


def _linrec_numpy(a, b, axis, transpose):
    s = np.moveaxis(b.copy(), axis, 0)
    a = np.moveaxis(a, axis, 0)
    steps = range(s.shape[0] - 2, -1, -1) if transpose else range(1, s.shape[0])
    for k in steps:
        s[k] += a[k + 1] * s[k + 1] if transpose else a[k] * s[k - 1]
    return np.moveaxis(s, 0, axis)


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("lowered", [False, True])
def test_linrec_rules_on_their_own(transpose, lowered):
    """linrec has no user spelling: a function of (a, b) built as IR, its VJP (reverse sweep) and JVP
    (forward mode) against finite differences of a NumPy reference, in both renderings."""
    from adjit.compiler import codegen, forward, reverse
    from adjit.compiler.builder import Builder
    from adjit.compiler.ir import Abstract, Block, Function, Value, array_type
    from adjit.compiler.jit.modules import module_text
    from adjit.compiler.passes.pipeline import lower, optimize

    shape, axis = (3, 5), 1
    args = (away(*shape), n(*shape), n(*shape))

    def build():
        b = Builder()
        params = [b.define(Value(p), Abstract(array_type("float64", 2), shape)) for p in ("a", "b", "w")]
        s = b.emit("linrec", params[:2], axis=axis, transpose=transpose)
        out = b.emit("sum", [b.emit("mul", [params[2], b.emit("mul", [s, s])])], axis=(0, 1), keepdims=False)
        return Function("f", params, ["a", "b", "w"], Block(b.ops), [out], avals=b.avals), b

    def reference(a, bb, w):
        s = _linrec_numpy(a, bb, axis, transpose)
        return np.sum(w * s * s)

    def run(fn, name):
        fn = optimize(fn)
        r = codegen.render(lower(fn) if lowered else fn, name, lowered, name)
        text = module_text("linrec test", "", "k", [r.source], list(r.helpers), lowered).replace("cache=True", "cache=False")
        ns: dict = {}
        exec(compile(text, f"<{name}>", "exec"), ns)
        f = ns[name]
        if lowered:
            from adjit.compiler.jit import workspace_args
            return lambda *xs: f(*xs, *workspace_args(f))
        return f

    fn, b = build()
    value, ga, gb = run(reverse.value_and_grad(fn, b, [0, 1]), "f_grad")(*args)
    assert np.isclose(value, reference(*args), rtol=1e-12)
    fd_check(reference, args, (0, 1), (ga, gb))
    fn, b = build()
    ta, tb = n(*shape), n(*shape)
    value, tangent = run(forward.jvp(fn, b, [0, 1]), "f_jvp")(*args, ta, tb)
    assert np.isclose(tangent, np.sum(ga * ta) + np.sum(gb * tb), rtol=1e-10)


def test_float32_stays_float32():
    def f(x, u):
        return np.sum(u * np.cumsum(x, axis=1)) + np.sum(np.cumprod(x, axis=0) * u) + np.std(x) + np.median(x) + np.sum(np.sort(x) * u) + np.sum(np.var(x, axis=0))

    x, u = away(3, 4), n(3, 4)
    g64 = run_grad(f, (x, u), (0,))[1][0]  # float64 by the lowered module as Python: one Numba compile, float32's
    x32, u32 = x.astype(np.float32), u.astype(np.float32)
    value, g32 = adjit.value_and_grad(f)(x32, u32)
    assert g32.dtype == np.float32 and np.asarray(value).dtype == np.float32
    assert np.isclose(value, f(x32, u32), rtol=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-5)


def test_results_follow_numpy():
    def f(x, k):
        return (np.sum(np.cumsum(k)) + np.sum(np.argsort(x)) + np.median(k) + np.var(k) + np.sum(np.diff(k))
                + np.sum(np.sort(x) * x))

    x, k = n(5), np.array([3, 1, 2, 5])
    value, grad = adjit.value_and_grad(f, wrt=(0,))(x, k)
    assert np.isclose(value, f(x, k), rtol=1e-12)
    fd_check(f, (x, k), (0,), grad)


def test_lowered_source_has_no_unchecked_data_indices():
    args = (n(3, 4), n(3, 4))
    text = adjit.grad(sort_forms).source(*args, lowered=True)
    assert "_ix(" in text  # the permutation read from data is checked where it is used
    compile(text, "<lowered>", "exec")


# ------------------------------------------------------------------------------ located errors
def bad_sort_method(x):
    y = x.sort()  # (a bare `x.sort()` statement is refused when the function is parsed: it has no effect)
    return np.sum(y)


def bad_median_axes(x): return np.nanmedian(x, axis=(0, 1))  # np.median merges a tuple of axes (test_api_probe2.py)
def bad_cross_2d(x): return np.sum(np.cross(x, x))
def bad_diff_prepend(x): return np.sum(np.diff(x, prepend=0.0, out=x))
def bad_cumsum_out(x): return np.sum(np.cumsum(x, out=x))
def bad_sort_order(x): return np.sum(np.sort(x, order="a"))
def bad_polyval_2d(x): return np.sum(np.polyval(np.ones((2, 2)), x))
def bad_cumsum_axis(x): return np.sum(np.cumsum(x, axis=2))


@pytest.mark.parametrize("fun,arg,message", [
    (bad_sort_method, np.ones(3), "in-place method x.sort"),
    (bad_median_axes, np.ones((2, 3)), "a tuple of axes is not supported"),
    (bad_cross_2d, np.ones((4, 2)), "only 3-vectors"),
    (bad_diff_prepend, np.ones(3), "argument 'out' is not supported"),
    (bad_cumsum_out, np.ones(3), "`out=` is not supported"),
    (bad_sort_order, np.ones(3), "`order`"),
    (bad_polyval_2d, np.ones(3), "1-D array"),
    (bad_cumsum_axis, np.ones((2, 3)), "axis 2 is out of bounds"),
])
def test_unsupported_forms_are_located_errors(fun, arg, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(arg)
    assert info.value.loc is not None and info.value.loc.line > 0
