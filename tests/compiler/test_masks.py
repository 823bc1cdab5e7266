"""Boolean-mask selections (issue 12; compiler/frontend/masks.py): `x[mask]` in elementwise
arithmetic and reductions, `x[mask] = v`, `x[mask] += v`, row masks, np.isnan/isinf/isfinite;
`x[mask] = u` / `x[mask] += u` / `x[mask] - u` with u an array of one value per selected element
(scattered at np.flatnonzero(mask), the count checked at run time: ValueError, as NumPy);
selections along an axis through `.T`, `@`, `.shape`, reductions over other axes and var/std
(maskaxes.py), as in k-fold cross-validated ridge regression.
Against central finite differences, forward mode against reverse mode; unselected elements
(NaN, or outside a function's domain) never reach a value or a gradient; what would need the
selection as an array is a located error."""
import numpy as np
import pytest
from scipy.stats import norm

import adjit
from conftest import check_against_fd, family_tests, run_grad

R = np.random.default_rng(41)


def n(*shape):
    return R.standard_normal(shape)


def nan_targets():
    Y = n(20, 3)
    Y[R.random((20, 3)) < 0.25] = np.nan
    return 0.3 * n(4, 3), n(20, 4), Y


def masked_regression(W, X, Y):
    pred = X @ W
    observed = ~np.isnan(Y)
    return np.mean((pred[observed] - Y[observed]) ** 2)


def reductions(x):
    pos = x > 0
    return np.sum(np.log(x[pos])) + x[x < 0].sum() + np.max(x[pos]) + np.mean(x[x > -0.5] ** 2) \
        + np.min(-x[pos] * 2.0)


def writes(x):
    y = x.copy()
    y[y < 0] = 0.0
    y[y > 1] *= 2.0
    z = x * 1.0
    z[x > 0.5] = x[x > 0.5] ** 2
    return np.sum(y ** 2) + np.sum(z)


def row_mask(X):
    keep = X[:, 0] > 0
    return np.sum(X[keep] ** 2) + np.sum(X[keep].mean(axis=0)) + np.sum(np.sum(X[keep], axis=0) ** 2)


def predicates(x):
    y = np.where(np.isfinite(x), x, 0.0) + np.where(np.isinf(x), 1.0, 0.0)
    return np.sum(y ** 2) + np.sum(x[np.isfinite(x) & (x > 0)])


def _with_infinities():
    x = n(8)
    x[2] = np.inf
    x[5] = -np.inf
    return x


def _away_from_edges(size):
    """Values not within 1e-3 of the masks' thresholds (-0.5, 0, 0.5, 1): no element changes sides
    within reach of the finite differences."""
    x = R.uniform(-1.8, 1.8, size)
    for t in (-0.5, 0.0, 0.5, 1.0):
        x[np.abs(x - t) < 1e-3] += 0.01
    return x


def normal_of_selection(W):
    """scipy.stats.norm's methods are elementwise on a selection too (the fuzzing helper found them
    refused)."""
    V = W * 1.0
    V[V > 0.3] = norm.cdf(V[V > 0.3])
    return np.sum(norm.sf(W[W < 0.2])) + np.sum(V ** 2)


def poisson_energy(u, img, mask):
    """Gradient-domain image blending: the masked pixels are the unknowns u, in C order."""
    img = img.copy()
    img[mask] = u
    gx = img[:, 1:] - img[:, :-1]
    gy = img[1:, :] - img[:-1, :]
    return np.sum(gx ** 2) + np.sum(gy ** 2)


def poisson_inputs(count=None):
    mask = np.zeros((5, 6), dtype=bool)
    mask[1:4, 2:5] = True
    mask[4, 0] = True
    if count is not None:  # another number selected, the same shapes
        mask[:] = False
        mask.flat[:count] = True
    return R.standard_normal(10), n(5, 6), mask


def array_updates(x, u, w):
    """`+=` and `*` with one value per selected element, and a single value that broadcasts."""
    y = x * 1.0
    y[x > 0] += u * 2.0
    y[x < -0.5] = w
    return np.sum(np.sin(y)) + np.sum((x[x > 0] - u) ** 2)


def _updates_inputs():
    x = _away_from_edges(9)
    return x, n(int(np.sum(x > 0))), n(1)


def row_updates(X, U, w):
    """A row mask: U holds the selected rows; w (one row) broadcasts along them."""
    keep = X[:, 0] > 0
    Y = X * 1.0
    Y[keep] = U
    Y[X[:, 1] > 0] *= w
    return np.sum(Y ** 2 * np.arange(1.0, 4.0))


def _rows_inputs():
    X = n(7, 3)
    return X, n(int(np.sum(X[:, 0] > 0)), 3), n(3)


def selection_before_loop(X, U):
    """A row selection made before a loop, passed through norm.cdf, paired with U inside it."""
    chosen = norm.cdf(X[X[:, 0] > 0])
    s = 0.0
    for i in range(3):
        s = s + np.sum((chosen - U * i) ** 2)
    return s


def ridge_cv(log_lam, feat_scale, X, y):
    """k-fold cross-validated ridge regression (benchmarks/real_programs/heldout.py ridge_cv_error)."""
    Xs = X * feat_scale
    n, p = Xs.shape
    err = 0.0
    for test_idx in np.array_split(np.arange(n), 3):
        train = np.ones(n, dtype=bool)
        train[test_idx] = False
        Xtr, ytr = Xs[train], y[train]
        w = np.linalg.solve(Xtr.T @ Xtr + np.exp(log_lam) * np.eye(p), Xtr.T @ ytr)
        err += np.sum((Xs[test_idx] @ w - y[test_idx]) ** 2) + np.mean((Xtr @ w - ytr) ** 2)
    return err / n


def _ridge_inputs():
    X = n(12, 3)
    return 0.2, 1.0 + 0.1 * n(3), X, X @ np.array([1.0, -0.5, 0.3]) + 0.3 * n(12)


def selection_products(X, w):
    """Rows selected (a NaN in an unselected row reaches nothing): transposes, products contracting
    the selection or keeping it, the count, reductions over the kept axis, a selection by a 2-D
    mask made one axis."""
    X = np.where(X[:, 1:2] > 1.0, np.nan, X)
    keep = ~np.isnan(X[:, 0])
    A = X[keep]
    r = A @ w  # one value per selected row
    S = np.stack([X, X ** 2], axis=-1)[X > 0]  # (count, 2)
    return (np.sum(A.T @ A) / A.shape[0] + np.sum(np.transpose(A) @ r) + np.sum(w @ A.T) + np.sum(r ** 2)
            + np.sum(np.sum(A, axis=1) ** 2) + np.sum(A.mean(axis=1, keepdims=True) * A) + np.sum(A.T.max(axis=0))
            + np.sum(np.sin(A.T) * w[:, None]) + np.sum(A.T * r) + np.sum(np.matmul(S.T, S)) + np.sum((S @ w[:2]) ** 2))


def selection_moments(X):
    A = X[X[:, 0] > 0]
    return A.var() + np.sum(A.std(axis=0)) + np.sum(A.var(axis=1, ddof=1)) + np.sum(A.T.std(axis=1, keepdims=True)) \
        + np.sum(A.std(axis=1, keepdims=True) * A) + X[X > 0.3].var()


def rows_paired(X, U):
    """U holds one row per selected row: contracted with the selection."""
    A = X[X[:, 0] > 0]
    return np.sum((A.T @ U) ** 2) + np.sum(U[:, 0] @ A)


def transposed_mask(B, u, M):
    """A mask written as an attribute expression (`M.T`), read and written."""
    C = B * 1.0
    C[M.T] = u
    return np.sum(C ** 2 * B) + np.sum(B[M.T] ** 3)


def _transposed_inputs():
    M = R.random((3, 4)) > 0.5
    return n(4, 3), n(int(M.sum())), M


def row_of_mask(t0s, arrivals, picked):
    """The mask a row of a 2-D boolean array, per loop step (picks of arrivals per event)."""
    total = 0.0
    for e in range(arrivals.shape[0]):
        r = (arrivals[e] - t0s[e])[picked[e]]
        total = total + np.sum(np.sqrt(r ** 2 + 0.01)) + np.sum(arrivals[e][picked[e]] * t0s[e])
    return total


def gather_of_selected(theta, x):
    """x[idx[mask]] is x[idx][mask]: index arrays selected by a mask, then gathered (Rasch with
    missing responses)."""
    idx = np.repeat(np.arange(3), 2)
    observed = ~np.isnan(x)
    eta = theta[idx[observed]]
    return np.sum(x[observed] * eta - np.logaddexp(0.0, eta))


def ratings_by_period(r, rd, home, away, score, period):
    """Glicko-style: selections of int data (h = home[in_t]) compared, negated, reduced with
    np.any, selected again by a selection (h[mine]: a selection by both masks), used as indices
    (an array of run-time length), and paired with a selection by the same mask."""
    loss = 0.0
    for t in range(2):
        in_t = period == t
        h, a, s = home[in_t], away[in_t], score[in_t]
        p = 1.0 / (1.0 + np.exp(-(r[h] - r[a]) / np.sqrt(1.0 + rd[h] ** 2)))
        loss = loss - np.sum(s * np.log(p) + (1 - s) * np.log(1 - p))
        for i in range(3):
            mine = (h == i) | (a == i)
            if not np.any(mine) or np.all(~mine):
                continue
            opp = np.where(h[mine] == i, a[mine], h[mine])
            s_i = np.where(h[mine] == i, s[mine], 1 - s[mine])
            loss = loss + np.sum((s_i - 0.5) * r[opp]) * 0.01
    return loss


def _ratings_inputs():
    home, away = np.array([0, 1, 2, 0, 1, 2]), np.array([1, 2, 0, 2, 0, 1])
    return (n(3), np.abs(n(3)) + 0.5, home, away, np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0]),
            np.array([0, 0, 1, 1, 1, 0]))


CASES = [
    (poisson_energy, poisson_inputs, (0, 1)),
    (gather_of_selected, lambda: (n(3), np.array([1.0, np.nan, 0.0, 1.0, np.nan, 1.0])), (0,)),
    (row_of_mask, lambda: (n(3), n(3, 5), R.random((3, 5)) > 0.4), (0, 1)),
    (masked_regression, nan_targets, (0,)),
    (reductions, lambda: (_away_from_edges(12),), (0,)),
    (writes, lambda: (_away_from_edges(12),), (0,)),
    (row_mask, lambda: (n(9, 3),), (0,)),
    (normal_of_selection, lambda: (_away_from_edges(12).reshape(3, 4) * 0.8 + 0.013,), (0,)),
    (array_updates, _updates_inputs, (0, 1, 2)),
    (row_updates, _rows_inputs, (0, 1, 2)),
    (selection_before_loop, lambda: _rows_inputs()[:2], (0, 1)),
    (ridge_cv, _ridge_inputs, (0, 1, 2, 3)),
    (selection_products, lambda: (n(9, 3), n(3)), (0, 1)),
    (selection_moments, lambda: (n(8, 3),), (0,)),
    (rows_paired, lambda: _rows_inputs()[:2], (0, 1)),
    (transposed_mask, _transposed_inputs, (0, 1)),
    (ratings_by_period, _ratings_inputs, (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, skip={"held_out_constructs", "array_updates"})


def test_unselected_nans_never_reach_the_gradient():
    W, X, Y = nan_targets()
    value, g = adjit.value_and_grad(masked_regression)(W, X, Y)
    assert np.isfinite(value) and np.all(np.isfinite(g))
    assert value == pytest.approx(masked_regression(W, X, Y), rel=1e-12)


def test_predicates_on_infinities():
    x = _with_infinities()
    assert adjit.value_and_grad(predicates)(x)[0] == pytest.approx(predicates(x), rel=1e-12)


def as_array(x):
    return np.sum(np.array(x[x > 0]))


def other_mask(x):
    return np.sum(x[x > 0] * x[x < 1])


def assign_matrix(x):
    y = x.copy()
    y[y > 0] = np.ones((2, 3))
    return np.sum(y)


def paired_matrix(x):
    return np.sum(x[x > 0] * np.ones((2, 3)))


def assign_run_time_length(x):
    y = x.copy()
    y[y > 0] = x[:int(np.sum(x > 0))]
    return np.sum(y)


@pytest.mark.parametrize("fun,text", [
    (as_array, "has a number of elements known only when the function runs"),
    (other_mask, "different boolean masks"),
    (assign_matrix, "requires a 0 or 1-dimensional input"),
    (paired_matrix, "an array of 2 dimensions paired with a boolean-mask selection of 1"),
    (assign_run_time_length, "length is known only when the function runs"),
], ids=["as-array", "other-mask", "assign-matrix", "paired-matrix", "run-time-length"])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(n(6))
    assert text in str(e.value) and "test_masks.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)


def test_array_assignment_counts_are_checked_when_run():
    """u must hold one value per selected element (or one value): NumPy's ValueError otherwise, from
    the lowered module (what Numba compiles: its scatter checks the count) and the readable source
    alike; never a read or write out of bounds."""

    u, img, mask = poisson_inputs(count=12)  # 12 selected, 10 values
    with pytest.raises(ValueError):
        poisson_energy(u, img, mask)
    with pytest.raises(ValueError, match="broadcast"):
        run_grad(poisson_energy, (u, img, mask), (0, 1))
    ns: dict = {}
    exec(compile(adjit.grad(poisson_energy, wrt=(0, 1)).source(u, img, mask), "<readable>", "exec"), ns)
    with pytest.raises(ValueError):
        ns["poisson_energy_grad"](u, img, mask)
    _, img0, none = poisson_inputs(count=0)  # nothing selected: one value broadcasts to none, as in NumPy
    value, (du, dimg) = run_grad(poisson_energy, (n(1), img0, none), (0, 1))
    assert value == pytest.approx(poisson_energy(n(1), img0, none)) and du.tolist() == [0.0]


def both_kept(X): A = X[X[:, 0] > 0]; return np.sum(A @ A.T)  # noqa: E702
def transposes_crossed(X): A = X[X[:, 0] > 0]; return np.sum(A.T @ A.T)  # noqa: E702
def with_transpose(X): A = X[X[:, 0] > 0]; return np.sum(A * A.T)  # noqa: E702
def with_one_row(X): A = X[X[:, 0] > 0]; return np.sum(A.T @ np.ones((1, 2)))  # noqa: E702
def by_two_masks(X): return np.sum(X[X[:, 0] > 0].T @ X[X[:, 1] > 0])


@pytest.mark.parametrize("fun,text", [
    (both_kept, "selected along two axes"),
    (transposes_crossed, "with a full axis of another selection"),
    (with_transpose, "with its transpose"),
    (with_one_row, "an axis of length 1"),
    (by_two_masks, "different boolean masks"),
], ids=["both-kept", "crossed", "with-transpose", "one-row", "two-masks"])
def test_located_errors_of_products(fun, text):
    """What NumPy computes only when counts happen to agree, or with two selected axes."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(n(6, 3))
    assert text in str(e.value) and "test_masks.py:" in str(e.value)


def test_contraction_with_an_array_checks_its_length_when_run():
    """x[mask].T @ X: X's rows paired with the selected ones, checked when the function runs (a
    ValueError unless there is one per selected element, as NumPy), never a silent result."""

    def full_rows(X):
        return np.sum(X[X[:, 0] > 0].T @ X)

    X = n(7, 3)
    X[:, 0] = np.where(np.arange(7) < 4, 1.0, -1.0)  # 4 selected of 7
    with pytest.raises(ValueError):
        full_rows(X)
    with pytest.raises(ValueError):
        run_grad(full_rows, (X,), (0,))


def run_time_length_write(x, y, idx):
    z = x * 1.0
    z[idx] = y[:int(np.sum(x > 3.5))]
    return np.sum(z ** 2)


def test_write_of_a_run_time_length_is_located():
    """The reverse sweep cannot tell whether y[:k] was one value broadcast or one per place: the
    error points at the write (it had no file and line)."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(run_time_length_write, wrt=(0, 1))(np.arange(5.0), np.ones(3), np.array([1, 3]))
    assert "test_masks.py:" in str(e.value) and "z[idx] = y[:int(np.sum(x > 3.5))]" in str(e.value)


def _calls_reach_selections() -> bool:
    import inspect

    from adjit.compiler.frontend.expressions import Expressions

    return "masked_function" in inspect.getsource(Expressions.call)


def selection_functions(X, w):
    A = X[X[:, 0] > 0]
    return (np.var(A) + np.sum(np.std(A, axis=0, ddof=1)) + len(A) * 0.1 + np.sum(np.dot(A.T, A))
            + np.sum(np.dot(A, w) ** 2) + np.sum(np.swapaxes(A, 0, 1) @ A) + np.sum(np.dot(A, 2.0)))


@pytest.mark.skipif(not _calls_reach_selections(), reason="needs the masked_function hook in Expressions.call")
def test_numpy_functions_of_selections():
    """len, np.dot, np.swapaxes, np.var, np.std: the forms' functions, called with a selection."""

    check_against_fd(selection_functions, (n(8, 3), n(3)), (0, 1), compiled=False)


def _mask_write_from_own_view(x):
    mk = np.array([True, False, True, True, False])
    h = x * 1.0
    h[mk] = h[::-1][:3]
    return np.sum(h ** 3)


def test_a_masked_write_of_a_view_of_its_target_is_a_located_error():
    """NumPy copies element by element from a view into the array it reads: 0.386 where adjit gave
    0.349 with no error (found by the fuzzing helper); as for an int index, a located error."""
    with pytest.raises(adjit.UnsupportedSyntaxError) as e:
        adjit.grad(_mask_write_from_own_view)(np.linspace(0.1, 0.5, 5))
    assert "is a view of 'h' itself" in str(e.value) and e.value.loc is not None


def paired_gather(x, idx):
    return np.sum(x[x > 0] * x[idx])


def test_a_run_time_length_paired_with_a_selection_is_checked_when_run():
    """x[idx] (a gather of run-time length) paired with x[x > 0]: one value per selected element,
    checked when the function runs; one value that NumPy would broadcast raises instead (its
    gradient would be the sum, which the scatter's reverse cannot tell apart)."""
    x = np.array([0.5, -1.0, 2.0, 3.0])
    value, grads = run_grad(paired_gather, (x, np.array([0, 2, 3])), (0,))
    assert np.isclose(value, paired_gather(x, np.array([0, 2, 3])))
    np.testing.assert_allclose(grads[0], [0.5 * 2, 0.0, 2.0 * 2, 3.0 * 2])  # sum of the squares of the selected
    with pytest.raises(ValueError):  # two values for three selected: NumPy's ValueError too
        run_grad(paired_gather, (x, np.array([1, 2])), (0,))
    value, grads = run_grad(paired_gather, (x, np.array([1])), (0,))  # one value (its length known when
    assert np.isclose(value, paired_gather(x, np.array([1])))            # compiled) broadcasts, as NumPy's
    np.testing.assert_allclose(grads[0], [-1.0, 5.5, -1.0, -1.0])


def broadcast_one_of_run_time_length(x):
    return np.sum(x[x > 0] * x[np.flatnonzero(x > 2.5)])


def test_one_value_of_run_time_length_is_not_broadcast_silently():
    with pytest.raises(ValueError, match="one value per selected element"):
        run_grad(broadcast_one_of_run_time_length, (np.array([0.5, -1.0, 2.0, 3.0]),), (0,))


def float32_moments(x, d):
    return np.sum(x * np.mean(d[d > 0.2])) + np.std(d[d > 0.2]) * x[0]


def test_moments_of_a_float32_selection_stay_float32():
    x, d = np.array([0.5, 0.6], np.float32), np.array([0.1, 0.3, 0.7, 0.9], np.float32)
    value, grads = run_grad(float32_moments, (x, d), (0,))
    assert value.dtype == np.float32 and grads[0].dtype == np.float32 and value == float32_moments(x, d)


def logsumexp_of_selection(x):
    from scipy.special import logsumexp
    keep = np.abs(np.arange(5) - np.argmax(x)) > 1
    return logsumexp(x[keep]) + logsumexp(x[x > 0.2])


def test_logsumexp_of_a_selection():
    x = np.array([0.1, 0.5, 2.0, 0.3, -0.4])
    value, grads = run_grad(logsumexp_of_selection, (x,), (0,))
    assert np.isclose(value, logsumexp_of_selection(x))
    from scipy.special import softmax
    want = np.zeros(5)
    want[[0, 4]] += softmax(x[[0, 4]])
    want[x > 0.2] += softmax(x[x > 0.2])
    np.testing.assert_allclose(grads[0], want)
