"""Silent wrong results and internal errors found by the adversarial probe of the afternoon's
constructs (2026-12-02, evening: list item writes, named views, NumPy 2 spellings, cdist/pdist,
shape slices, unrolled loops with break/return): each program against NumPy's value, central
differences and forward mode, through the lowered module run as Python (no Numba compile: the
suite's budget), one compiled. Each failed on the code before its fix (docs/reliability.md)."""
import numpy as np

import adjit
from tests.conftest import check_against_fd, check_forward, run_grad


def _checked(fun, *args):
    value, _ = run_grad(fun, list(args), (0,))
    assert np.isclose(value, fun(*args), rtol=1e-12, atol=1e-12), (value, fun(*args))
    check_against_fd(fun, list(args), (0,), compiled=False)
    check_forward(fun, list(args), (0,), compiled=False)


def index_list_chosen_by_data(X):
    idx = [0, 1]
    if X[0, 0] > 0:
        idx = [2, 1]
    return np.sum(X[idx] * np.arange(3.0))


def list_chosen_by_data_then_written(x):
    hs = [x[0], x[1]]
    if x[2] > 0:
        hs = [x[1], x[0]]
    hs[0] = hs[0] * 3
    return hs[0] + 2 * hs[1]


def item_written_before_an_early_return(x):
    hs = [x[0], x[1], x[2]]
    for i, h in enumerate(hs):
        hs[i] = h * 3
        if hs[i] > 2.0:
            return hs[i] + np.sum(x)
    return hs[0] + hs[1] + hs[2]


def test_a_list_merged_by_an_if_stays_a_list():
    """A list rebound on one path of an `if` decided when the function runs came out of the join
    as a tuple: `X[idx]` read one element (X[2, 1]) where NumPy gathers rows (4.5 for NumPy's 8.0),
    and an item write after it (or after an unrolled loop's early return, whose later items run
    under a flag) was refused as a tuple's ("Python raises TypeError")."""
    X = np.arange(12.0).reshape(4, 3) / 5 + 0.1
    _checked(index_list_chosen_by_data, X)
    _checked(index_list_chosen_by_data, -X)
    x = np.array([0.3, -0.8, 0.5, 0.9])
    _checked(list_chosen_by_data_then_written, x)
    _checked(item_written_before_an_early_return, x)
    _checked(item_written_before_an_early_return, x * 3)
    value, grad = adjit.value_and_grad(index_list_chosen_by_data)(X)
    assert np.isclose(value, index_list_chosen_by_data(X))


def vecdot_of_complex_vectors(x):
    a = x[:3] + 1j * x[3:]
    v = np.vecdot(a, x[3:] - 2j * x[:3]) + np.linalg.vecdot(a, a * 2)
    return v.real + 2 * v.imag


def unstacked_rows(X):
    a, b, c = np.unstack(X)
    p, q = np.unstack(X, axis=-1)
    return np.sum(a * b) + np.sum(c) + np.sum(p * q * np.arange(3.0))


def test_numpy2_vecdot_conjugates_and_unstack_unpacks():
    """np.vecdot / np.linalg.vecdot conjugate the first operand (NumPy's sum(conj(x1) * x2)): the
    definition left it out (-1.77 for NumPy's -7.85 with complex vectors); `a, b, c =
    np.unstack(X)` was 'cannot unpack the list', and errors inside the inlined definitions were
    located in adjit's npcompat.py, not at the user's call."""
    _checked(vecdot_of_complex_vectors, np.array([0.3, -0.8, 0.5, 0.9, 1.2, -0.4]))
    _checked(unstacked_rows, np.array([[0.3, -0.8], [0.9, 1.2], [0.7, 0.1]]))


def minkowski_infinity(X):
    from scipy.spatial.distance import cdist, pdist
    return np.sum(cdist(X, X[::-1] * 2, metric="minkowski", p=np.inf) * np.arange(16.0).reshape(4, 4)) + \
        np.sum(pdist(X, "minkowski", p=np.inf) * np.arange(6.0))


def single_precision_distances(X):
    from scipy.spatial.distance import cdist, pdist
    D = cdist(X.astype(np.float32), X[:2].astype(np.float32) + 0.1)
    return float(np.sum(D * 1e3 * np.arange(8.0).reshape(4, 2))) + D.dtype.itemsize + pdist(X[:2].astype(np.float32)).dtype.itemsize


def test_cdist_pdist_as_scipy_defines_them():
    """metric='minkowski', p=np.inf is SciPy's Chebyshev distance (adjit took sum(|d| ** inf) ** 0:
    105.0 for SciPy's 243.9); float32 observations give float64 distances, SciPy computing in
    double precision (adjit kept float32: 4 bytes, and the values to float32's rounding)."""
    X = np.array([[0.3, -0.8, 0.5], [0.9, 1.2, -0.4], [0.7, 0.1, -1.3], [-0.6, 0.25, 0.45]])
    _checked(minkowski_infinity, X)
    value, _ = run_grad(single_precision_distances, [X], (0,))
    assert np.isclose(value, single_precision_distances(X), rtol=1e-13, atol=0.0)


def reshaped_by_a_computed_length(X):
    a, b = X.shape
    flat = X.reshape(a * b) + np.reshape(X, a * b, order="F") + np.broadcast_to(X[0, 0], a * b)
    return np.sum(flat * np.arange(a * b))


def test_a_shape_of_one_computed_int():
    """`x.reshape(a * b)` with `a, b = x.shape` (an int computed when compiled from shapes, not a
    Python int) was 'reshape takes a tuple of ints'; np.reshape and np.broadcast_to the same."""
    _checked(reshaped_by_a_computed_length, np.arange(12.0).reshape(4, 3) / 7 - 0.5)


def comprehension_over_repeated_slots(x):
    hs = [x[:3]] * 3
    ys = [h * (k + 1) for k, h in enumerate(hs)]
    j = int(x[3] > 0)
    return np.sum(ys[j] * ys[-1]) + np.sum(ys[0])


def test_an_item_of_a_comprehension_lowered_where_used():
    """`ys = [f(h) for h in hs]` over `hs = [v] * n` is lowered where it is used (a list of
    run-time length for the lowerer); `ys[k]` was 'cannot index a list built by a comprehension':
    it is row k of NumPy's array of it (a slice `ys[1:]` stays refused: list + list joins)."""
    x = np.array([0.3, -0.8, 0.5, 0.9, 1.2, -0.4])
    _checked(comprehension_over_repeated_slots, x)
    _checked(comprehension_over_repeated_slots, -x)


def nan_where_the_mask_is_zero(x):
    y = np.where(x > 0, x, 0.0) * np.sqrt(x)
    return np.sum(np.isnan(y) * x) + np.nansum(y) + np.sum(np.isnan(-np.where(x > 0, 0.0, np.log(x))))


def test_a_value_keeps_nan_where_np_where_put_a_zero():
    """The simplifier's rules that keep np.where's zero through a product (where(c, a, 0) * d ->
    where(c, a * d, 0)), a sum and a negation, made for the zero cotangent of the branch not taken,
    rewrote values too: NumPy's 0 * nan is nan (sqrt of a negative), counted by np.isnan (2.69 for
    NumPy's 1.49). Values keep NumPy's arithmetic; derivatives are still masked."""
    x = np.array([0.3, -0.8, 0.5, 0.9, 1.2, -0.4])
    with np.errstate(invalid="ignore", divide="ignore"):
        _checked(nan_where_the_mask_is_zero, x)
        value, _ = adjit.value_and_grad(nan_where_the_mask_is_zero)(x)
        assert np.isclose(value, nan_where_the_mask_is_zero(x))


def nan_to_num_of_a_product(x):
    y = np.where(x > 0.4, np.nan, x)
    return np.sum(np.nan_to_num(y * x, nan=0.5)) + np.sum(np.isnan(y ** 2) * x)


def test_the_zero_of_nested_wheres_reaches_a_product():
    """np.nan_to_num's cotangent is three nested np.where's with a zero each; the rule that keeps a
    where's zero through a product placed the inner product unsimplified, so the innermost
    where(isnan, 0, 1) * y made 0 * nan = nan: the gradient nan where NumPy's function has the
    derivative 0."""
    with np.errstate(invalid="ignore"):
        _checked(nan_to_num_of_a_product, np.array([0.3, -0.8, 0.5, 0.9, 1.2, -0.4]))


def loop_over_a_sorted_local_dict(X):
    D = {"b": 2.0, "a": 1.0, "c": 3.0}
    acc = 0.0
    for k in sorted(D):
        acc = acc * D[k] + np.sum(X) * D[k]
    for k, v in sorted(D.items()):
        X = X * v
    return acc + np.sum(X) + sorted(D.values())[0]


def test_sorted_of_a_local_dict_display_is_lowered():
    """`for k in sorted(D)` over a dict display made in the function (constant keys, never written)
    was run by NumPy first (host.py: sorted of a local name), and the compiled code cannot take its
    list of strings: a located refusal of what adjit computes for a global dict (bc6d8f2)."""
    _checked(loop_over_a_sorted_local_dict, np.array([[0.3, -0.8, 0.5], [0.9, 1.2, -0.4]]))


def row_from_own_column_by_one_index(X):
    A = np.outer(X[0], X[1]) + np.eye(3)
    k = 1
    A[k] = A[:, k]
    A[:, 2] = A[2]
    return np.sum(A * np.arange(9.0).reshape(3, 3))


def test_a_row_from_its_own_column_written_as_a_k():
    """`A[k] = A[:, k]` is `A[k, :] = A[:, k]` (allowed since 0843152: the one shared element is
    read into its own place); written without `, :` it was the located refusal of other pairs."""
    _checked(row_from_own_column_by_one_index, np.array([[0.3, -0.8, 0.5], [0.9, 1.2, -0.4]]))
