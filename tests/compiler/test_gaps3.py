"""The third batch of fuzzer gaps (corpus_gaps3.py): values and gradients from the lowered module run
as plain Python against NumPy and central differences (cheap: no Numba compile), and the located
errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import fd_check, run_grad, run_jvp

import corpus_gaps3 as C

_r = np.random.RandomState(3)
W = _r.randn(5, 3)
X3 = _r.randn(3)
A5 = np.array([0.3, -1.2, 0.9, 2.0, 0.5])
X4 = np.array([0.4, -2.0, 0.95, 3.0])  # no value at a's: the counts are constant near them

CASES = [
    (C.fold_deferred_list, (W, X3), (0, 1)),
    (C.fold_generator, (W, X3), (0, 1)),
    (C.walrus_static_filter, (X3,), (0,)),
    (C.walrus_run_time_filter, (np.array([0.3, 1.2, 0.9]),), (0,)),
    (C.walrus_carried, (np.array([[0.4, -1.0, 2.0, 0.5]]), X3), (0, 1)),
    (C.npbool_global, (X3,), (0,)),
    (C.npbool_closure, (X3,), (0,)),
    (C.searchsorted_sorter, (A5, X4), (0, 1)),
    (C.pad_statistics, (W[:3, :2].copy(),), (0,)),
    (C.pad_linear_ramp, (W[:3, :2].copy(),), (0,)),
    (C.pad_reflect_odd, (X3,), (0,)),
    # a filtered comprehension of run-time length is the list its loop builds (max, len, indexing,
    # iteration, np.array of it); the walrus inside keeps its last value, as in Python
    (C.fold_filtered, (W, X3), (0, 1)),
    (C.walrus_read_after_deferred, (X3,), (0,)),
    (C.filtered_list_used, (X3 * np.array([1.0, -1.0, 1.0]),), (0,)),
    (C.nested_pairs, (W[:4, :2].copy(),), (0,)),
    (C.stacked_filtered, (W,), (0,)),
    (C.max_default, (np.array([0.4, -1.3, 2.0, 0.8]),), (0,)),
    (C.scalar_newaxis, (X3,), (0,)),
    (C.ufunc_out, (W[:3, :].copy(),), (0,)),
    (C.bool_list_index, (W,), (0,)),  # a list literal of bools in an index: a constant mask  # out= of ufuncs, np.clip, np.matmul: out[...] = f(...)  # s[None], s[...] of a number: NumPy's arrays of one element
    (C.max_default, (np.array([-2.4, -1.3, -2.0]),), (0,)),  # every list empty: the defaults
    (C.tolist_float32, (X3, A5), (0,)),  # .tolist()/.item() of float32/int32: Python's float/int, weak
    (C.tolist_rows_float32, (X3, A5), (0,)),
    (C.enumerate_pairs, (X3,), (0,)),  # list(enumerate(x)); max/min/sorted(enumerate(x), key=...)
    (C.logaddexp_accumulate, (A5, W), (0, 1)),  # a running log-sum-exp, stable (linrec)
    (C.while_over_list, (X3,), (0,)),  # `while stack: stack.pop()` over a list of known length: unrolled
    (C.dict_kinds_and_sorted_lists, (X3,), (0,)),  # defaultdict(float), OrderedDict(), sorted(x.tolist())
    (C.list_of_array_popped, (X3,), (0,)),  # list(x[:3]).pop(), .insert, .reverse, .remove
    (C.starred_displays_and_empty, (X3,), (0,)),  # (*a, v), [*a, *b], np.array([])
]


@pytest.mark.parametrize("fun,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_value_and_gradient(fun, args, wrt):
    value, grads = run_grad(fun, args, wrt)
    expected = fun(*args)
    assert np.asarray(value).dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    fd_check(fun, args, wrt, grads)


@pytest.mark.parametrize("fun,match", [
    (C.fold_rows, "max\\(\\) of a 2-d array compares its rows"),
])
def test_located_refusals(fun, match):
    with pytest.raises(adjit.AdjitError, match=match):
        run_grad(fun, (W, X3), (0, 1))


def test_bool_list_index_of_another_length_is_an_error():
    with pytest.raises(adjit.ShapeError, match="boolean index of shape \\(2,\\) does not match"):
        run_grad(C.bool_list_index_short, (W,), (0,))


def test_ufunc_out_errors_are_numpys():
    with pytest.raises(adjit.AdjitTypeError, match="cannot cast the output from dtype\\('float64'\\) to dtype\\('int64'\\)"):
        run_grad(C.ufunc_out_cast, (X4,), (0,))
    with pytest.raises(adjit.AdjitError, match="out= an advanced-index copy"):  # NumPy writes into a temporary
        run_grad(C.ufunc_out_fancy, (X4,), (0,))
    with pytest.raises(adjit.AdjitError, match="out= must name an array or a view of one here"):
        run_grad(C.ufunc_out_expression, (X4,), (0,))
    with pytest.raises(adjit.AdjitTypeError, match="np.exp: out must be an array"):  # NumPy: TypeError
        run_grad(C.ufunc_out_number, (X4,), (0,))


def test_max_default_of_several_arguments_is_pythons_type_error():
    with pytest.raises(adjit.ArgumentError, match="Cannot specify a default for max\\(\\) with multiple"):
        run_grad(C.max_default_several, (X3,), (0,))


def test_max_of_an_empty_filtered_list_raises_as_python_does():
    with pytest.raises(ValueError):
        run_grad(C.fold_filtered, (-np.abs(W), X3), (0, 1))


def test_searchsorted_sorter_errors_are_numpys():
    with pytest.raises(ValueError, match="sorter.size must equal a.size"):
        run_grad(C.searchsorted_sorter_short, (A5, X4), (0, 1))
    with pytest.raises(ValueError, match="Sorter index out of range"):  # checked when the function runs
        run_grad(C.searchsorted_sorter_out_of_range, (A5, X4), (0, 1))


@pytest.mark.parametrize("fun", [C.pad_ramp_float32, C.pad_mean_int, C.pad_ramp_int, C.pad_constant_int],
                         ids=lambda f: f.__name__)
def test_pad_values_and_dtypes_are_numpys(fun):
    xi = np.arange(12).reshape(3, 4) * 3 - 7
    got, _ = run_jvp(fun, (X4, xi), (0,), (np.zeros(4),))
    expected = fun(X4, xi)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("fun,error,match", [
    (C.pad_stat_length_zero, ValueError, "stat_length of 0 yields no value for padding"),
    (C.pad_median, adjit.AdjitError, "mode='median' is not supported"),
    (C.pad_wrong_keyword, adjit.AdjitError, "unsupported keyword arguments for mode 'edge'"),
])
def test_pad_refusals(fun, error, match):
    with pytest.raises(error, match=match):
        run_grad(fun, (X3,), (0,))


@pytest.mark.parametrize("x", [[-np.inf, -1000.0, 3.0, 2.0], [-np.inf, -np.inf, 1.0, -np.inf], [1.0, np.inf, 2.0, -1.0],
                               [-1000.0, -1e300, -np.inf, 700.0], [1.0, np.nan, 2.0, 0.5], [800.0, -800.0, 801.0, 0.0]])
def test_logaddexp_accumulate_values_are_numpys(x):
    x = np.array(x)
    got, _ = run_jvp(C.logaddexp_accumulate_value, (x, 0), (0,), (np.zeros(4),))
    np.testing.assert_array_equal(got, np.logaddexp.accumulate(x))


@pytest.mark.parametrize("fun,error,match", [
    (C.zip_strict_lengths, adjit.ShapeError, "zip\\(\\) arguments have different lengths \\(strict=True"),
    (C.defaultdict_list, adjit.AdjitError, "defaultdict\\(\\) with a factory other than float, int, bool"),
    (C.while_list_too_long, adjit.AdjitError, "this `while` loop over a list runs more than 256 times"),
])
def test_python_containers_errors_are_located(fun, error, match):
    with pytest.raises(error, match=match) as e:
        run_grad(fun, (X3,), (0,))
    assert "corpus_gaps3.py" in str(e.value)
