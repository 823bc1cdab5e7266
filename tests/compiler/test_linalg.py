"""Linear algebra (issue 12, item 4): batched `@`, np.einsum, np.tensordot, np.dot of stacks,
np.linalg.norm and the matrix functions (solve, inv, det, slogdet, cholesky, eigh, pinv). Each against
central finite differences in float64, forward mode against reverse mode, the readable source
executed as NumPy against the compiled gradient, float32, and the located errors of what is not
supported. The rows' own test rows are in primitive_cases_linalg.py."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from conftest import check_readable, family_tests, run_grad, run_jvp

R = np.random.default_rng(41)


def n(*shape):
    return R.standard_normal(shape)


def general(k):
    return R.standard_normal((k, k)) + k * np.eye(k)


def spd(k):
    b = R.standard_normal((k, k))
    return b @ b.T + np.diag(np.arange(1.0, k + 1.0))


# ------------------------------------------------------------------------------- batched matmul
def batched(a, b, v, u): return np.sum(u * np.tanh(a @ b)) + np.sum((b @ v) ** 2) + np.sum(np.matmul(v[:3], a) ** 3) + np.sum((a @ v[1:]) ** 2)
def batched_broadcast(a, b): return np.sum((a @ b) ** 2) + np.sum(np.dot(a, b[0]) ** 3)


# ---------------------------------------------------------------------------------------- einsum
def einsum_pairs(a, b, v):
    return (np.sum(np.einsum('ij,jk->ik', a, b) ** 2) + np.sum(np.einsum('ij,jk', a, b) * a[:, :2])
            + np.einsum('i,i', v, v) + np.sum(np.einsum('i,j->ij', v, v) ** 3) + np.sum(np.einsum('ij,j->i', b.T, v) ** 2)
            + np.einsum('ij,ij->', a, a) * 0.1 + np.sum(np.einsum('ki,kj->ij', a, a) ** 2))
def einsum_single(a, s):
    return (np.sum(np.einsum('ij->ji', a) * a.T ** 2) + np.einsum('ii', s) ** 2 + np.sum(np.einsum('ii->i', s) ** 3)
            + np.sum(np.einsum('ij->j', a) ** 2) + np.einsum('ij->', a) ** 2 + np.sum(np.einsum('ji', s) * s)
            + np.sum(np.einsum(',ij->ij', 0.5, a) ** 3) + np.sum(np.einsum('i,', s[0], 2.0) ** 2))
def einsum_batched(x, y, z):
    return (np.sum(np.einsum('bij,bjk->bik', x, y) ** 2) + np.sum(np.einsum('bij,bjk->ik', x, y) ** 3)
            + np.sum(np.einsum('ijk,jil->kl', x, y.transpose(1, 0, 2)) ** 2) + np.sum(np.einsum('bij,jk,bkl->bil', x, y[0], y) ** 2)
            + np.sum(np.einsum('...ij,...jk->...ik', x, y) * z) + np.sum(np.einsum('bij,bj->bi', x, x[:, 0]) ** 2))
def einsum_layouts(q, x, m):  # GMM's product and its kind: operands read as transposed and strided views
    xc = x[:, None, :] - m[None, :, :]
    return (np.sum(np.einsum("kij,nkj->nki", q, xc) ** 2) + np.sum(np.einsum("nki,kij->jkn", xc, q) * xc.T)
            + np.sum(np.einsum("nki,nkj->kji", xc, xc) * q))
def einsum_broadcast(p, q): return np.sum(np.einsum('ij,ij->ij', p, q) ** 2) + np.sum(np.einsum('i...,i', q, q[:, 0]) ** 3) + np.sum(np.einsum('ij,kj', p, q) ** 2)
def einsum_ints(a, k): return np.sum(np.einsum('ij,jk->ik', a, k.astype(np.float64))) + np.sum(np.einsum('ij,jk->ik', k, k)) * np.sum(a)


# ------------------------------------------------------------------------------ tensordot, dot
def tensordots(x, y, m):
    return (np.sum(np.tensordot(x, y, axes=1) ** 2) + np.tensordot(x, x, axes=3) + np.sum(np.tensordot(m, m, 1) ** 3)
            + np.sum(np.tensordot(x, x.transpose(1, 0, 2), axes=([1, 0], [0, 1])) ** 2) + np.sum(np.tensordot(m, x, axes=(0, 0)) ** 2)
            + np.sum(np.tensordot(x, y, 0) ** 2) * 0.01 + np.sum(np.dot(m, x.transpose(1, 0, 2)) ** 2) + np.sum(x.dot(y) ** 2))


# ----------------------------------------------------------------------------------------- norm
def norms(v, m):
    return (np.linalg.norm(v) + np.linalg.norm(v, 2) ** 2 + np.linalg.norm(v, 1) + np.linalg.norm(v, np.inf) * 2.0
            + np.linalg.norm(v, -np.inf) * 3.0 + np.linalg.norm(v, 3) + np.linalg.norm(v, ord=1.5)
            + np.linalg.norm(m) + np.linalg.norm(m, 'fro') ** 3 + np.linalg.norm(m, 1) + np.linalg.norm(m, np.inf) * 2.0
            + np.linalg.norm(m, -1) + np.linalg.norm(m, -np.inf))
def norms_axis(x, u):
    return (np.sum(u * np.linalg.norm(x, axis=(1, 2), keepdims=True)[:, 0, 0]) + np.sum(np.linalg.norm(x, axis=-1) ** 3)
            + np.sum(np.linalg.norm(x, ord=1, axis=0, keepdims=True) ** 2) + np.sum(np.linalg.norm(x, 'fro', (0, 2)) ** 2)
            + np.sum(np.linalg.norm(x, np.inf, axis=(2, 1)) ** 2) + np.sum(np.linalg.norm(x, 1, axis=(0, 1), keepdims=True)))


# ---------------------------------------------------------------------------- matrix functions
def gaussian_nll(mu, a, x):
    """-log N(x; mu, A A^T + I), by Cholesky."""
    cov = a @ a.T + np.eye(3)
    l = np.linalg.cholesky(cov)
    z = np.linalg.solve(l, x - mu)
    sign, logdet = np.linalg.slogdet(cov)
    return 0.5 * np.sum(z ** 2) + 0.5 * logdet + np.sum(np.log(np.abs(np.diag(l)))) * 0.1
def matrix_functions(a, b):
    s = a @ a.T + 3.0 * np.eye(3)
    w, v = np.linalg.eigh(s)
    return (np.sum(np.linalg.inv(a) ** 2) + np.linalg.det(a) + np.sum(np.linalg.solve(a, b) ** 2)
            + np.sum(np.linalg.solve(a, b[:, 0]) ** 3) + np.sum(w ** 2) + np.sum((v * w) @ v.T * b[:, :3])
            + np.sum(np.linalg.eigvalsh(s) * np.arange(3.0)))
def quadratic_form(a, x): return x @ np.linalg.solve(a.T @ a + np.eye(4), x) + np.trace(np.linalg.inv(a @ a.T + np.eye(4)))


def pseudo_inverse(a, b, y):
    """Least squares by the pseudo-inverse and by lstsq, a square matrix's pinv (its inverse), rcond and rtol."""
    w = np.linalg.pinv(a) @ y
    x, _, rank, s = np.linalg.lstsq(a, np.stack([y, y ** 2], axis=1), rcond=None)
    return (np.sum((a @ w - y) ** 2) + np.sum(w ** 2) + np.sum(np.sin(x)) + rank * np.sum(s ** 2) * 0.1
            + np.sum(np.linalg.lstsq(b, y[:3])[0] ** 2) + np.sum(np.linalg.pinv(b @ b.T + np.eye(3), rcond=1e-10) * b[:, :3])
            + np.sum(np.tanh(np.linalg.pinv(a.T, rtol=1e-12))))


FUNCTIONS = [
    (batched, lambda: (n(2, 3, 4), n(4, 5), n(5), n(2, 3, 5)), (0, 1, 2)),
    (batched_broadcast, lambda: (n(3, 1, 2, 4), n(2, 4, 3)), (0, 1)),
    (einsum_pairs, lambda: (n(3, 4), n(4, 2), n(4)), (0, 1, 2)),
    (einsum_single, lambda: (n(3, 4), n(3, 3)), (0, 1)),
    (einsum_batched, lambda: (n(2, 3, 3), n(2, 3, 3), n(2, 3, 3)), (0, 1)),
    (einsum_layouts, lambda: (n(2, 3, 3), n(4, 3), n(2, 3)), (0, 1, 2)),
    (einsum_broadcast, lambda: (n(1, 3), n(2, 3)), (0, 1)),
    (einsum_ints, lambda: (n(2, 3), np.arange(9).reshape(3, 3)), (0,)),
    (tensordots, lambda: (n(2, 3, 4), n(4, 2), n(2, 2)), (0, 1, 2)),
    (norms, lambda: (n(5), n(3, 4)), (0, 1)),
    (norms_axis, lambda: (n(2, 3, 4), n(2)), (0,)),
    (gaussian_nll, lambda: (n(3), n(3, 3), n(3)), (0, 1, 2)),
    (matrix_functions, lambda: (general(3), n(3, 4)), (0, 1)),
    (quadratic_form, lambda: (n(4, 4), n(4)), (0, 1)),
    (pseudo_inverse, lambda: (n(6, 3), n(3, 5), n(6)), (0, 1, 2)),
]
IDS = [f.__name__ for f, _, _ in FUNCTIONS]


# every 6th case through the Numba-compiled entry point, the rest through the lowered module run as
# Python (conftest.family_tests; the suite's time budget)
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(FUNCTIONS, IDS)


@pytest.mark.parametrize("fun,make,wrt", FUNCTIONS, ids=IDS)
def test_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)


def test_einsum_lowers_to_matmul_rows():
    text = adjit.grad(einsum_batched, wrt=(0, 1)).source(*FUNCTIONS[4][1]())
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert any("@" in line for line in code) and not any("np.einsum(" in line for line in code)


def test_batched_matmul_lowers_to_the_runtime_loop_of_blas_calls():
    text = adjit.grad(batched, wrt=(0, 1, 2)).source(*FUNCTIONS[0][1](), lowered=True)
    assert "_la.bmatmul(" in text and "_la.bmatvec(" in text and "_la.bvecmat(" in text


# -------------------------------------------------------------------------------------- float32
def float32_program(a, b, v):
    s = a @ a.T + 3.0 * np.eye(3, dtype=np.float32)
    w, q = np.linalg.eigh(s)
    return (np.sum(np.einsum('bij,jk->bik', b, a) ** 2) + np.linalg.norm(v) + np.sum(np.linalg.inv(s) * a)
            + np.linalg.slogdet(s)[1] + np.linalg.det(s) * 0.01 + np.sum(np.linalg.solve(s, v) ** 2)
            + np.sum(np.linalg.cholesky(s) ** 2) + np.sum(w) + np.sum(q ** 2 * a))


def test_float32_gradients_are_float32_and_match_float64():
    args64 = (general(3) * 0.3, n(2, 4, 3), n(3))
    args32 = tuple(x.astype(np.float32) for x in args64)
    value, grads = adjit.value_and_grad(float32_program, wrt=(0, 1, 2))(*args32)
    grads64 = run_grad(float32_program, args64, (0, 1, 2))[1]  # the lowered module as Python: one compile
    assert np.asarray(value).dtype == np.float32
    for g, g64 in zip(grads, grads64):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, g64, rtol=2e-3, atol=2e-3)


# ---------------------------------------------------------------------------- norm at zero
def norm_at_zero(x, y): return np.linalg.norm(x) + np.linalg.norm(y, axis=1).sum() + np.linalg.norm(y, 'fro') + np.linalg.norm(x, 3)


def test_norm_gradient_at_zero_is_the_subgradient_zero():
    x = np.zeros(4)
    y = np.array([[0.0, 0.0], [3.0, 4.0]])
    gx, gy = adjit.grad(norm_at_zero, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, np.zeros(4))
    np.testing.assert_allclose(gy, [[0.0, 0.0], [0.6 + 0.6, 0.8 + 0.8]])
    _, tangent = run_jvp(norm_at_zero, (x, y), (0, 1), (np.ones(4), np.ones((2, 2))))
    assert np.isfinite(tangent)


# ------------------------------------------------------------------------------ pseudo-inverse
def test_pinv_values_are_numpys_and_rank_deficient_derivatives_keep_the_rank():
    """pinv's cutoffs are NumPy's (rcond 1e-15, rtol=None: max(M, N) eps, a number); at a rank-2
    5x4 matrix the value is NumPy's and the derivative along a perturbation that keeps the rank
    (A -> A + t B C^T with A = B C^T, B 5x2) is the one-sided finite difference's. pinv jumps where
    the rank changes, so a gradient there is exact along such directions only (docs/supported.md)."""
    def f(a, t):
        return np.linalg.pinv(a + t * a @ np.diag([0.5, -1.0, 2.0, 0.3])) * np.linalg.pinv(a, rtol=None)[0, 0]

    b, c = n(5, 2), n(4, 2)
    low = b @ c.T  # rank 2
    for a in (n(5, 4), low):
        value = adjit.value_and_grad(lambda a: np.sum(np.linalg.pinv(a) ** 2))(a)[0]
        assert np.isclose(value, np.sum(np.linalg.pinv(a) ** 2), rtol=1e-10)
    _, tangent = run_jvp(f, (low, 0.0), (1,), (1.0,))
    fd = (f(low, 1e-6) - f(low, -1e-6)) / 2e-6  # a (I + t D) keeps the rank
    np.testing.assert_allclose(tangent, fd, rtol=1e-5, atol=1e-8)


def test_lstsq_is_numpys():
    a, y = n(6, 3), n(6, 2)
    want = np.linalg.lstsq(a, y)

    def f(a, y):
        x, _, rank, s = np.linalg.lstsq(a, y)
        return np.sum(x * np.arange(6.0).reshape(3, 2)) + rank + np.sum(s)

    assert np.isclose(adjit.value_and_grad(f)(a, y)[0], np.sum(want[0] * np.arange(6.0).reshape(3, 2)) + want[2]
                      + np.sum(want[3]), rtol=1e-12)


def bad_lstsq_residuals(a):
    x, res, rank, s = np.linalg.lstsq(a, np.ones(2))
    return np.sum(res)


def bad_pinv_hermitian(a): return np.sum(np.linalg.pinv(a, a[0, 0], hermitian=True))  # hermitian: test_api_probe2.py
def bad_pinv_both(a): return np.sum(np.linalg.pinv(a, 1e-10, rtol=1e-10))


# ------------------------------------------------------------------------------ located errors
def bad_inv_rect(a): return np.sum(np.linalg.inv(a))
def bad_solve_rank(a): return np.sum(np.linalg.solve(a, np.ones((3, 3, 2))))
def bad_einsum_output(a): return np.sum(np.einsum('ij->iq', a))
def bad_einsum_char(a): return np.sum(np.einsum('i1,jk', a, a))
def bad_einsum_count(a): return np.sum(np.einsum('ij,jk->ik', a))
def bad_einsum_rank(a): return np.sum(np.einsum('ijk->i', a))
def bad_einsum_list(a): return np.sum(np.einsum(a, [0, 1]))
def bad_einsum_extent(a): return np.sum(np.einsum('ij,ij->i', a, a.T))
def bad_norm_ord(a): return np.linalg.norm(a, 3)
def bad_eigh_uplo(a): return np.sum(np.linalg.eigh(a, 'X')[0])  # 'U' is lowered (tests/test_gaps_heldout18.py)
def bad_tensordot(a): return np.sum(np.tensordot(a, a, axes=([0, 1], [0])))
def bad_batch(a): return np.sum(a @ np.ones((3, 3, 2)))
def int_inv(a): return np.sum(np.linalg.inv(np.array([[2, 1], [1, 3]]))) * np.sum(a) + np.linalg.det(np.eye(2, dtype=int))


def test_int_matrices_are_inverted_in_floats_as_numpy_does():
    value, _ = adjit.value_and_grad(int_inv)(np.ones(2))
    assert np.isclose(value, int_inv(np.ones(2)), rtol=1e-14)


@pytest.mark.parametrize("fun,arg,message", [
    (bad_inv_rect, np.ones((2, 3)), "must be square"),
    (bad_solve_rank, np.eye(3), "b must be a 1-D or 2-D array"),
    (bad_einsum_output, np.ones((2, 3)), "output subscript 'q' does not appear"),
    (bad_einsum_char, np.ones((2, 2)), "invalid subscript '1'"),
    (bad_einsum_count, np.ones((2, 2)), "2 operand subscripts"),
    (bad_einsum_rank, np.ones((2, 2)), "has 2 dimensions, but its subscripts 'ijk' name 3"),
    (bad_einsum_list, np.ones((2, 2)), "subscripts as a string constant"),
    (bad_einsum_extent, np.ones((2, 3)), "could not be broadcast together"),
    (bad_norm_ord, np.ones((2, 2)), "invalid norm order 3 for matrices"),
    (bad_eigh_uplo, np.eye(2), "UPLO must be 'L' or 'U'"),
    (bad_tensordot, np.ones((2, 2)), "shape-mismatch for sum"),
    (bad_batch, np.ones((2, 2, 3)), "batch dimensions"),
    (bad_pinv_hermitian, np.eye(2), "rcond must be a constant"),
    (bad_pinv_both, np.eye(2), "can't be both set"),
    (bad_lstsq_residuals, np.eye(2), "np.linalg.lstsq's residuals"),
])
def test_unsupported_linear_algebra_is_a_located_error(fun, arg, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(arg)
    assert info.value.loc is not None and info.value.loc.line > 0
