"""Idioms found by probing everyday NumPy programs: loops over itertools.product / combinations /
permutations and np.ndindex / np.ndenumerate (unrolled when short, a loop over index tables
otherwise), np.unravel_index / ravel_multi_index, np.insert / delete / resize, np.partition /
argpartition, np.vectorize, functools.reduce over an array, and a function that ends in `raise`
after its returns (was an internal AttributeError)."""
import numpy as np
import pytest

import adjit
from tests.conftest import check_against_fd, check_forward, fd_check, run_grad
from tests.compiler import everyday_probe_corpus as C

RNG = np.random.default_rng(7)


def _checked(fun, args, compiled: bool):
    """Gradient against central differences (compiled with Numba or the lowered module run as
    Python) and forward mode against reverse."""
    check_against_fd(fun, args, (0,), compiled=compiled)
    check_forward(fun, args, (0,), compiled=False)
CASES = [
    (C.pairs_of_values, lambda: [RNG.standard_normal(6)]),
    (C.pairs_of_values, lambda: [RNG.standard_normal(40)]),  # 780 pairs: a loop over the index table
    (C.pairs_of_rows, lambda: [RNG.standard_normal((9, 3))]),
    (C.ordered_pairs, lambda: [RNG.standard_normal(4)]),
    (C.ordered_pairs_loop, lambda: [RNG.standard_normal(12)]),
    (C.pairs_with_replacement, lambda: [RNG.standard_normal(11)]),
    (C.triples, lambda: [RNG.standard_normal(5)]),
    (C.grid_product, lambda: [RNG.standard_normal((7, 9))]),
    (C.product_repeat, lambda: [RNG.standard_normal(4)]),
    (C.product_in_comprehension, lambda: [RNG.standard_normal(3)]),
]
IDS = ["pairs6", "pairs40", "pair_rows", "perm_genexpr", "perm_loop", "cwr", "triples", "grid", "repeat", "comp"]


@pytest.mark.parametrize("fun,make", CASES, ids=IDS)
def test_itertools_loops(fun, make):
    _checked(fun, make(), compiled=fun is C.pairs_of_rows)


def test_itertools_over_an_int_argument():
    x = RNG.standard_normal(6)
    assert np.isclose(adjit.grad(C.pairs_up_to)(x, 4)[0], sum(x[1:4]))


def test_raise_after_the_returns():
    x = np.array([1.0, -2.0, 3.0])
    g = adjit.grad(C.penalty)
    np.testing.assert_allclose(g(x), 2 * x)
    np.testing.assert_allclose(g(x, mode="l1"), np.sign(x))
    with pytest.raises(ValueError, match="unknown mode bad"):
        g(x, "bad")


MORE = [
    (C.peak_value, lambda: [RNG.standard_normal((3, 4))]),
    (C.unravel_many, lambda: [RNG.standard_normal((3, 4))]),
    (C.insert_columns, lambda: [RNG.standard_normal((3, 4))]),
    (C.insert_flat, lambda: [RNG.standard_normal(5)]),
    (C.delete_rows, lambda: [RNG.standard_normal((4, 3))]),
    (C.resized, lambda: [RNG.standard_normal(3)]),
    (C.partitioned, lambda: [RNG.standard_normal(6)]),
    (C.vectorized_helper, lambda: [RNG.standard_normal(5)]),
    (C.vectorized_lambda, lambda: [RNG.standard_normal((3, 4))]),
    (C.vectorized_global, lambda: [2 * RNG.standard_normal(6)]),
    (C.vectorized_helper, lambda: [RNG.standard_normal(200)]),  # a loop filling the array
    (C.fold_rows, lambda: [RNG.standard_normal(6)]),
    (C.over_ndindex, lambda: [RNG.standard_normal((3, 4))]),
    (C.over_ndenumerate, lambda: [RNG.standard_normal((5, 6))]),
]
MORE_IDS = ["unravel", "unravel_many", "insert_axis", "insert_flat", "delete", "resize", "partition", "vz_def",
            "vz_lambda", "vz_global", "vz_long", "reduce", "ndindex", "ndenumerate"]


@pytest.mark.parametrize("fun,make", MORE, ids=MORE_IDS)
def test_more_numpy_spellings(fun, make):
    _checked(fun, make(), compiled=fun is C.vectorized_global)


def test_unravel_index_out_of_range_raises_as_numpy():
    def f(X, k):
        i, j = np.unravel_index(k, X.shape)
        return X[i, j]
    with pytest.raises(ValueError):  # run by NumPy before the compiled code (frontend/host.py): its error
        adjit.grad(f)(np.ones((2, 3)), 6)


PYTHON = [
    (C.validated, lambda: [RNG.standard_normal(4)]),
    (C.guarded_loop, lambda: [RNG.standard_normal(5)]),
    (C.quiet_blocks, lambda: [RNG.standard_normal(5)]),
    (C.sorted_in_place, lambda: [RNG.standard_normal((3, 4))]),
    (C.filled, lambda: [RNG.standard_normal(5)]),
    (C.as_lists, lambda: [RNG.standard_normal((3, 2))]),
    (C.sparse_grid, lambda: [RNG.standard_normal(5)]),
    (C.sums_in_float64, lambda: [RNG.standard_normal(5)]),
    (C.sorted_keys, lambda: [RNG.standard_normal(3)]),
    (C.orthogonal_series, lambda: [RNG.standard_normal(6)]),
]
PYTHON_IDS = ["raise_if", "raise_loop", "with", "sort_stmt", "fill", "tolist", "sparse_grid", "dtype", "sorted_keys",
              "series"]


@pytest.mark.parametrize("fun,make", PYTHON, ids=PYTHON_IDS)
def test_everyday_python_forms(fun, make):
    _checked(fun, make(), compiled=fun is C.validated)  # the check's raise, compiled


def test_raise_on_a_run_time_path_raises_there():
    g = adjit.grad(C.validated)
    with pytest.raises(ValueError, match="non-finite"):
        g(np.array([1.0, np.nan]))
    with pytest.raises(RuntimeError, match="diverged"):
        adjit.grad(C.guarded_loop)(np.array([1.0, 200.0, 3.0]))
    with pytest.raises(adjit.AdjitError, match="built-in exceptions"):  # a user's class: a located refusal
        adjit.grad(C.custom_raise)(np.ones(3))


def test_sort_of_a_copy_made_by_a_gather_is_refused():
    def f(X):
        Y = X.copy()
        Y[[0, 1]].sort()  # NumPy sorts a temporary copy: Y unchanged
        return np.sum(Y)
    with pytest.raises(adjit.AdjitError, match="not a view"):
        adjit.grad(f)(np.ones((3, 2)))


LIBRARY = [
    (C.string_options, lambda: [RNG.standard_normal(3)]),
    (C.rounding_to_ints, lambda: [RNG.standard_normal(4) + 0.1]),
    (C.unary_zoo, lambda: [RNG.uniform(0.1, 0.3, 5) * np.array([1, -1, 1, -1, 1])]),
    (C.reductions_with_initial, lambda: [RNG.standard_normal(5)]),
    (C.iir_filtered, lambda: [RNG.standard_normal(30)]),
    (C.smoothed, lambda: [RNG.standard_normal((6, 7))]),
    (C.convolved, lambda: [RNG.standard_normal((5, 8))]),
    (C.differences_with_edges, lambda: [RNG.standard_normal((3, 4))]),
    (C.int_divmod, lambda: [RNG.standard_normal(3)]),
]
LIBRARY_IDS = ["str_methods", "math_floor", "unary_zoo", "initial", "lfilter", "gaussian_filter", "signal_convolve",
               "diff_edges", "int_divmod"]


@pytest.mark.parametrize("fun,make", LIBRARY, ids=LIBRARY_IDS)
def test_library_spellings(fun, make):
    _checked(fun, make(), compiled=fun is C.iir_filtered)


def test_vectorize_dtype_as_numpy_decides_it():
    x = np.array([-1.0, 2.0, 3.0])
    with pytest.raises(adjit.AdjitError, match="otypes"):  # NumPy: an int array when x[0] < 0 (truncated squares)
        adjit.grad(C.vectorized_int_trap)(x)
    value, grads = run_grad(C.vectorized_with_otypes, [x], (0,))
    assert np.isclose(value, C.vectorized_with_otypes(x))
    fd_check(C.vectorized_with_otypes, [x], (0,), grads)


def _insert_cases():
    r = np.random.default_rng(3)
    out = []
    for pos in (-6, -2, -1, 0, 2, 6):  # arr of 6: NumPy's negative positions count from arr's end
        out += [(r.standard_normal(6), pos, 7.5, None), (r.standard_normal(6), pos, r.standard_normal(2), None)]
    for axis, n in ((0, 3), (1, 4)):
        for pos in (-n, -1, 0, n):
            out += [(r.standard_normal((3, 4)), pos, 0.5, axis),
                    (r.standard_normal((3, 4)), pos, r.standard_normal(4 if axis == 0 else 3), axis)]
    return out


@pytest.mark.parametrize("x,pos,v,axis", _insert_cases())
def test_insert_matches_numpy(x, pos, v, axis):
    value, grads = run_grad(C.insert_at, [x, pos, v, axis], (0,) if np.ndim(v) == 0 else (0, 2))
    assert np.isclose(value, C.insert_at(x, pos, v, axis), rtol=1e-13)
    fd_check(C.insert_at, [x, pos, v, axis], (0,) if np.ndim(v) == 0 else (0, 2), grads)


@pytest.mark.parametrize("pos,axis", [(0, None), (-1, None), ((0, 2, -1), None), (1, 0), (-1, 1), ((0, 3), 1)])
def test_delete_matches_numpy(pos, axis):
    x = np.random.default_rng(4).standard_normal((3, 4))
    value, grads = run_grad(C.delete_at, [x, pos, axis], (0,))
    assert np.isclose(value, C.delete_at(x, pos, axis), rtol=1e-13)
    fd_check(C.delete_at, [x, pos, axis], (0,), grads)


@pytest.mark.parametrize("m,n", [(9, 3), (9, 4), (4, 9), (5, 1)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_scipy_convolutions_match_scipy(m, n, mode):
    r = np.random.default_rng(m * 10 + n)
    x, k = r.standard_normal(m), r.standard_normal(n)
    for which in (0, 1, 2):  # convolve, correlate, fftconvolve (in2 longer than in1 too: SciPy's `same` is in1's size)
        value, grads = run_grad(C.scipy_convolution, [x, k, mode, which], (0, 1))
        assert np.isclose(value, C.scipy_convolution(x, k, mode, which), rtol=1e-12)
        if which == 1:
            fd_check(C.scipy_convolution, [x, k, mode, which], (0, 1), grads)


def test_gaussian_filter_modes_match_scipy():
    X = np.random.default_rng(9).standard_normal((5, 7))
    value, grads = run_grad(C.gaussian_modes, [X], (0,))
    assert np.isclose(value, C.gaussian_modes(X), rtol=1e-12)
    fd_check(C.gaussian_modes, [X], (0,), grads)


def test_linalg_of_stacks_of_matrices():
    A = np.random.default_rng(11).standard_normal((4, 4))
    value, grads = run_grad(C.stacked_linalg, [A], (0,))
    assert np.isclose(value, C.stacked_linalg(A), rtol=1e-11)
    fd_check(C.stacked_linalg, [A], (0,), grads, rtol=1e-5)


@pytest.mark.parametrize("m,n", [(3, 4), (4, 3), (2, 5)])
def test_structured_matrices_match_scipy(m, n):
    """toeplitz, circulant, hankel, block_diag; the sizes also decide a conditional expression on
    M.size when compiled (the branch Python does not take would not reshape)."""
    r = np.random.default_rng(m * n)
    c, rr = r.standard_normal(m), r.standard_normal(n)
    value, grads = run_grad(C.structured_matrices, [c, rr], (0, 1))
    assert np.isclose(value, C.structured_matrices(c, rr), rtol=1e-13)
    fd_check(C.structured_matrices, [c, rr], (0, 1), grads)


def test_chained_index_writes():
    """A[i][j] = v writes A[i, j] (A[i] is a view); through a slice, A[1:3][0] = v writes A[1] (the
    view's first row), as NumPy does (it was a located refusal)."""
    x = np.array([0.3, -0.7, 1.1])
    for f in (C.chained_writes, C.chained_write_through_a_slice):
        value, grads = run_grad(f, [x], (0,))
        assert np.isclose(value, f(x))
        fd_check(f, [x], (0,), grads)


@pytest.mark.parametrize("fun,args,message", [
    (C.bad_reciprocal_int, (np.ones(3),), "of integers"),
    (C.bad_floor_array, (np.ones(3),), "takes a number"),
    (C.bad_insert_list, (np.ones(3),), "obj must be a constant"),
    (C.bad_vectorize_signature, (np.ones(3),), "signature="),
    (C.bad_gaussian_runtime_sigma, (np.ones((3, 3)), 1.0), "sigma must be a constant"),
    (C.bad_lfilter_2d, (np.ones((3, 3)),), "1-D signal"),
], ids=["reciprocal_int", "floor_array", "insert_list", "vectorize_signature", "gaussian_sigma", "lfilter_2d"])
def test_refusals_are_located(fun, args, message):
    with pytest.raises(adjit.AdjitError, match=message):
        adjit.grad(fun)(*args)
