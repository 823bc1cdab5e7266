"""Regressions from a hunt for silent wrong values in NumPy semantics the fuzzer covers thinly
(aliasing, dtypes, non-differentiable points, shapes, control flow on data, Python semantics)."""
import numpy as np
import pytest

import adjit
import review_semantics_corpus as R
from adjit.compiler.errors import AdjitError
from conftest import check_against_fd, check_forward, run_grad

X = np.linspace(-2.3, 2.9, 6)


@pytest.mark.parametrize("fun", [R.bool_add_self, R.bool_add_two, R.bool_add_inplace, R.bool_elements_add,
                                 R.bool_count_sum, R.compare_of_compares, R.astype_int_tangent, R.max_of_booleans])
def test_boolean_arithmetic_comparisons_and_integer_casts(fun):
    check_against_fd(fun, (X.copy(),), (0,), compiled=False)
    check_forward(fun, (X.copy(),), (0,), compiled=False)


def test_boolean_add_compiled_with_numba():
    # Numba's True + True is 2: the compiled loop must compute NumPy's `or`
    value, g = adjit.value_and_grad(R.bool_add_two)(X.copy())
    assert np.isclose(value, R.bool_add_two(X.copy()), rtol=1e-12)
    assert np.allclose(g, 2.0)


@pytest.mark.parametrize("a,b", [(1.5, 2.0), (-1.0, 7.0), (0.5, -3.0)])
def test_python_bools_add_as_ints(a, b):
    value, grads = run_grad(R.python_bools_add, (a, b), (0, 1))
    assert np.isclose(value, R.python_bools_add(a, b), rtol=1e-12)


def test_boolean_subtract_is_refused_as_numpy_does():
    with pytest.raises(TypeError):
        R.bool_subtract(X.copy())
    with pytest.raises(AdjitError, match="boolean subtract"):
        run_grad(R.bool_subtract, (X.copy(),), (0,))


@pytest.mark.parametrize("fun", [R.list_alias_iadd, R.list_alias_imul, R.list_item_iadd, R.list_for_target_append,
                                 R.list_helper_returns_its_argument])
def test_a_list_changed_through_another_name_is_refused(fun):
    # these computed the list before the change (e.g. -0.6 for Python's 3.4): now a located error
    with pytest.raises(AdjitError, match="changes"):
        run_grad(fun, (X.copy(),), (0,))


def test_a_list_of_its_own_still_grows_in_place():
    check_against_fd(R.list_iadd_fresh, (X.copy(),), (0,), compiled=False)


def test_int32_arithmetic_wraps_as_numpy_does_once_compiled():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns of the overflow it wraps
        expected = R.int32_wraps(X.copy())
        value, g = adjit.value_and_grad(R.int32_wraps)(X.copy())
    assert np.isclose(value, expected, rtol=1e-12)
    k = np.array([2**30, 2**30, 5, 6, 7, 8], dtype=np.int32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.allclose(g, 2 * (k + k).astype(float) + (k * 4).astype(float))


@pytest.mark.parametrize("x", [np.array([0.7, np.nan, 1.6, -2.5, 0.3]), np.array([0.7, 0.2, np.nan, -2.5, np.nan]),
                               np.array([0.7, 0.2, 1.6, -2.5, 0.3])])
def test_argmax_and_argmin_answer_the_first_nan(x):
    value, _ = run_grad(R.argmax_nan, (x.copy(),), (0,))
    np.testing.assert_equal(value, R.argmax_nan(x.copy()))


@pytest.mark.parametrize("x", [np.array([0.7, np.nan, 1.6, -2.5, 0.3]), np.array([np.nan, 0.7, 1.6, -2.5, 0.3])])
def test_python_max_and_min_skip_nan_as_python_compares(x):
    value, _ = run_grad(R.python_max_min_nan, (x.copy(),), (0,))
    np.testing.assert_equal(value, R.python_max_min_nan(x.copy()))


def test_python_max_and_min_gradients():
    check_against_fd(R.python_max_min_nan, (X[:5].copy(),), (0,), compiled=False)
    check_forward(R.python_max_min_nan, (X[:5].copy(),), (0,), compiled=False)


def test_quantile_of_a_lane_with_nan_is_nan():
    x = np.array([0.7, np.nan, 1.6, -2.5, 0.3])
    value, _ = run_grad(R.quantile_nan, (x.copy(),), (0,))
    assert np.isnan(value) and np.isnan(R.quantile_nan(x.copy()))
    check_against_fd(R.quantile_nan, (X[:5].copy() + 2.5,), (0,), compiled=False)


def test_invert_of_integers_and_python_bools():
    check_against_fd(R.invert_integers, (X.copy(),), (0,), compiled=False)


def test_scalar_where_casts_its_branches_to_the_result():
    # the lowered module run as Python raised NumPy's TypeError (bool - bool) and ValueError (int ** -7)
    check_against_fd(R.scalar_where_branch_types, (X.copy() + 0.05,), (0,), compiled=False)
    check_forward(R.scalar_where_branch_types, (X.copy() + 0.05,), (0,), compiled=False)


@pytest.mark.parametrize("fun", [R.reversed_self_accumulation, R.row_from_its_reverse,
                                 R.transposed_cotangent_into_its_reverse])
def test_an_element_loop_reads_an_overlapping_value_as_it_was(fun):
    # the gradient of x + x[::-1] against a constant array was [0.2, -2, 2.7, ...] for [-0.1, -0.9, 2, ...]
    x = np.linspace(-1.3, 2.2, 9) if fun is R.transposed_cotangent_into_its_reverse else X.copy()
    check_against_fd(fun, (x,), (0,), compiled=fun is R.reversed_self_accumulation)
    check_forward(fun, (x,), (0,), compiled=False)


def test_a_numpy_float_ufunc_of_booleans_is_refused():
    # NumPy computes np.sin(mask) in float16: adjit's float64 value differed in the fourth digit
    assert np.sin(X > 0).dtype == np.float16
    with pytest.raises(AdjitError, match="float16"):
        run_grad(R.sin_of_a_mask, (X.copy(),), (0,))


def test_a_sum_of_int32_is_int64_as_in_numpy():
    # np.sum(k32) was typed int32: `t + t` wrapped to -2.1e9 where NumPy has 2.1e9
    import warnings

    x = X[:4].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value, (g,) = run_grad(R.int32_sums_in_int64, (x,), (0,))
        expected = R.int32_sums_in_int64(x)
    assert np.isclose(value, expected, rtol=1e-15)
    assert g[0] == 2 * (2**30 + 11) and g[2] == 4 * (2**30 + 11)
