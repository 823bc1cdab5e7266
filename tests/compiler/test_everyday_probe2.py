"""A second probe of everyday NumPy and Python: sorted/max/min with `key=` (Python's stable order,
the first best item), any/all over generators, lists and arrays, functools.partial, np.fmod (C's
remainder: Numba's own integer np.fmod is wrong for negative operands, so ints are composed),
np.copysign, np.dstack, np.ascontiguousarray, math.isnan/isinf/isfinite/isclose, hasattr of an
array, np.put_along_axis/putmask/place statements, np.nanmedian/nanquantile/nanpercentile (a
gather per lane at the run-time count of non-NaN elements), np.<ufunc>.reduceat, loops writing
into the rows of an array in place (`for row in Y: row /= row.sum()`), writes through views
(`T[1][mask] = v`, `np.fill_diagonal(M[:3], v)`), recursion of nested functions,
scipy.interpolate.interp1d (linear, nearest, previous, next; bounds and fills), order="F"
reshapes, np.finfo, np.prod(x.shape), np.isscalar, str() of known ints as dict keys,
np.diag_indices_from, np.lexsort, len()/[] of the user's classes, np.poly1d / Polynomial objects
and polyder/polyint, np.unwrap, scipy.linalg.svd/qr, and the located
refusals that remain."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from tests.conftest import check_against_fd, check_forward, fd_check, run_grad
from tests.compiler import everyday_probe_corpus2 as C

RNG = np.random.default_rng(11)


def _vec(n=6):
    return RNG.uniform(0.2, 1.4, n) * np.array([1, -1, 1, 1, -1, 1, 1, -1][:n])


CASES = [
    (C.sorted_indices, lambda: [_vec()]),
    (C.sorted_abs_reverse, lambda: [_vec()]),
    (C.sorted_rows, lambda: [RNG.standard_normal((5, 3))]),
    (C.sorted_pairs_known, lambda: [_vec(3)]),
    (C.best_by_key, lambda: [_vec()]),
    (C.best_row, lambda: [RNG.standard_normal((4, 3))]),
    (C.any_all, lambda: [_vec()]),
    (C.stacking, lambda: [RNG.standard_normal((4, 4))]),
    (C.math_predicates, lambda: [_vec()]),
    (C.partials, lambda: [_vec()]),
    (C.has_attributes, lambda: [RNG.standard_normal((3, 4))]),
    (C.put_along, lambda: [RNG.standard_normal((4, 3))]),
    (C.put_mask, lambda: [RNG.standard_normal((4, 3)) * 2]),
    (C.sorted_numbers, lambda: [_vec(3)]),
    (C.nan_statistics, lambda: [RNG.standard_normal((5, 4))]),
    (C.segment_reductions, lambda: [RNG.standard_normal((4, 5))]),
    (C.normalize_rows_in_place, lambda: [RNG.standard_normal((4, 5))]),
    (C.rows_enumerated_in_place, lambda: [RNG.standard_normal((4, 3))]),
    (C.matrices_in_place, lambda: [RNG.standard_normal((4, 3))]),
    (C.interpolated, lambda: [_vec()]),
    (C.fortran_order, lambda: [RNG.standard_normal((4, 4))]),
    (C.shape_arithmetic, lambda: [RNG.standard_normal((3, 4))]),
    (C.index_tables, lambda: [RNG.standard_normal((4, 4))]),
    (C.string_keys, lambda: [_vec()]),
    (C.user_sequence, lambda: [_vec()]),
    (C.polynomials, lambda: [_vec()]),
    (C.unwrapped, lambda: [_vec()]),
    (C.scipy_factorizations, lambda: [RNG.standard_normal((4, 4)) + 2 * np.eye(4)]),
    (C.takes_and_repeats, lambda: [RNG.standard_normal((3, 4))]),
    (C.special_compositions, lambda: [_vec()]),
]
IDS = [f.__name__ for f, _ in CASES]
COMPILED = {"matrices_in_place", "interpolated"}  # the suite's budget: the others run the lowered module as Python


@pytest.mark.parametrize("fun,make", CASES, ids=IDS)
def test_everyday_idioms(fun, make):
    args = make()
    check_against_fd(fun, args, (0,), compiled=fun.__name__ in COMPILED)
    check_forward(fun, args, (0,), compiled=False)


def test_fmod_of_ints_is_cs_remainder_and_of_floats_differentiable():
    x, k = np.array([-1.3, 2.2, 0.5, -0.1]), np.array([5, -7, 9, -2])
    value, (g,) = run_grad(C.fmod_copysign, [x, k], (0,))
    assert np.isclose(value, C.fmod_copysign(x, k))
    compiled = adjit.value_and_grad(C.fmod_copysign, wrt=(0,))(x, k)
    assert np.isclose(compiled[0], C.fmod_copysign(x, k))
    np.testing.assert_allclose(compiled[1][0], g)
    fd_check(C.fmod_copysign, [x, k], (0,), (g,))


def test_sorted_with_a_nan_key_raises_where_python_order_is_undefined():
    x = np.array([0.3, np.nan, -1.0])
    with pytest.raises(ValueError, match="NaN"):
        run_grad(C.sorted_indices, [x], (0,))
    with pytest.raises(ValueError, match="NaN"):
        run_grad(C.sorted_numbers, [x], (0,))


def test_first_best_item_wins_ties_as_python():
    x = np.array([0.5, 0.9, 0.9, 0.1, 0.5, 0.2])
    value, (g,) = run_grad(C.best_by_key, [x], (0,))
    assert np.isclose(value, C.best_by_key(x))
    np.testing.assert_allclose(g, [1.0, 2.0, 0, 0, 0, 0])  # max: index 1 (first of the tie); min: index 0


def test_nan_order_statistics_match_numpy_with_all_nan_lanes():
    X = np.array([[np.nan, 1.0, 2.0], [np.nan, np.nan, 5.0], [np.nan, 3.0, -1.0], [np.nan, 0.5, 7.0]])

    def f(X):
        return (np.nansum(np.nanmedian(X, axis=0)) + 2 * np.nansum(np.nanpercentile(X, 35, axis=1, keepdims=True))
                + 3 * np.nanmedian(X) + np.nanquantile(X, 0.9))
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = f(X)
    value, (g,) = run_grad(f, [X], (0,))
    assert np.isclose(value, expected)
    fd_check(f, [X], (0,), (g,))


def test_row_views_written_in_a_loop_change_the_array_as_numpy():
    X = RNG.standard_normal((4, 5))
    for fun in (C.normalize_rows_in_place, C.rows_enumerated_in_place, C.matrices_in_place):
        assert np.isclose(run_grad(fun, [X[:, :3] if fun is not C.normalize_rows_in_place else X], (0,))[0],
                          fun(X[:, :3] if fun is not C.normalize_rows_in_place else X))


def test_a_nested_function_recursing_to_a_known_depth_is_unrolled():
    x = np.array([0.3, -0.2])
    value, (g,) = run_grad(C.nested_recursion, [x, 4], (0,))
    assert np.isclose(value, C.nested_recursion(x, 4))
    fd_check(C.nested_recursion, [x, 4], (0,), (g,))
    with pytest.raises(AdjitError, match="recurses deeper than 24"):
        adjit.grad(C.nested_recursion, wrt=(0,))(x, 30)


def test_interp1d_raises_outside_its_range_as_scipy():
    x = _vec()
    assert np.isclose(run_grad(C.interpolated_outside, [x, 0.3], (0,))[0], C.interpolated_outside(x, 0.3))
    with pytest.raises(ValueError, match="above the interpolation range"):
        run_grad(C.interpolated_outside, [x, 1.5], (0,))
    with pytest.raises(ValueError, match="below the interpolation range"):
        adjit.grad(C.interpolated_outside, wrt=(0,))(x, -0.5)


def test_reshape_in_fortran_order_is_numpys():
    """x.reshape(..., order="F") ignored the order (a silent wrong value: 204 for NumPy's 476)."""
    A = np.arange(16.0).reshape(4, 4) + 1

    def f(A):
        return np.sum(A.reshape(2, 8, order="F")[0] ** 2)
    assert run_grad(f, [A], (0,))[0] == f(A) == 476.0


def test_special_function_edges_are_scipys():
    import warnings

    x = np.array([-1.0, 0.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = C.special_edges(x)

    def total(x):
        return sum(np.sum(np.where(np.isfinite(p), p, 7.0) * (k + 1)) for k, p in enumerate(C.special_edges(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, _ = run_grad(total, [x], (0,))
    assert np.isclose(value, sum(np.sum(np.where(np.isfinite(p), p, 7.0) * (k + 1)) for k, p in enumerate(expected)))


def test_a_derivative_in_a_bessel_order_is_a_located_error():
    import scipy.special as sp

    def f(x):
        return np.sum(sp.jv(x[0] + 1.0, x) + sp.kv(2.0, x + 1.0))
    x = np.array([0.5, 1.5, 2.5])
    with pytest.raises(AdjitError, match="jv with respect to the order v"):
        run_grad(f, [x], (0,))

    def g(x):
        return np.sum(sp.jv(1.5, x) * sp.erfcx(x) + sp.ellipk(0.2 * x))
    assert np.isclose(run_grad(g, [x], (0,))[0], g(x))


def test_rounding_keeps_infinities_as_numpy():
    """np.floor/ceil/rint/round/trunc of +-inf gave NaN (inf // 1.0 is NaN in the generated code)."""
    x = np.array([1.5, np.inf, -np.inf, np.nan, -2.5])

    def f(x, w):
        r = np.stack([np.floor(x), np.ceil(x), np.rint(x), np.round(x, 1), np.trunc(x)])
        return np.sum(np.where(np.isfinite(r), r, 0.0) * w) + np.sum(np.isinf(r) * w) * 1e6 + np.sum(np.isnan(r) * w) * 1e3
    w = np.arange(25.0).reshape(5, 5) + 1
    assert run_grad(f, [x, w], (1,))[0] == f(x, w)


REFUSALS = [
    (C.refuse_interp_extrapolate_and_raise, "cannot extrapolate and raise at the same time"),
    (C.refuse_interp_one_point, "at least 2 entries"),
    (C.refuse_reshape_order, "reshape with order='K'"),
    (C.refuse_put_along_raveled, "axis=None"),
    (C.refuse_putmask_cycled, "NumPy cycles them over the masked places"),
    (C.refuse_reduceat_out_of_range, "index out of range"),
    (C.refuse_str_of_run_time, "str() of a value computed when the function runs"),
    (C.refuse_math_isnan_of_array, "math.isnan takes a number"),
    (C.refuse_repeat_counts, "repeats of 2 counts for 4 elements"),
    (C.refuse_spline_kind, "a spline is not supported"),
]


@pytest.mark.parametrize("fun,says", REFUSALS, ids=[f.__name__[7:] for f, _ in REFUSALS])
def test_located_refusals(fun, says):
    with pytest.raises(AdjitError) as e:
        run_grad(fun, [RNG.standard_normal((4, 4)) if "x" not in fun.__code__.co_varnames[:1] else _vec()], (0,))
    assert says in str(e.value) and e.value.loc is not None and "everyday_probe_corpus2.py" in str(e.value)


def test_try_except_linalg_error_takes_pythons_branch():
    """Refused until frontend/trystmt.py (1f55bcd): the branch Python takes, its derivative exact
    (0.5 logdet(A A^T + I) has the gradient (A A^T + I)^-1 A)."""
    A = RNG.standard_normal((4, 4))
    want = np.linalg.solve(A @ A.T + np.eye(4), A)
    value, (g,) = run_grad(C.guarded, (A,), (0,))
    assert np.isclose(value, C.guarded(A), rtol=1e-13)
    np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)
