"""runtime/linalg.py's products: the formulation `_product_into` chooses (the transposed BLAS call
for `X.T @ G` with a long contraction and a tall result) gives what NumPy gives, into a new array
or a given one, and every other product is Numba's own call."""
import numba
import numpy as np
import pytest

from adjit.runtime import linalg as L


@numba.njit(cache=True)
def _numba_product(a, b):
    return a @ b


@pytest.mark.parametrize("m,n,k", [(96, 8, 600), (96, 24, 600), (96, 8, 300), (8, 96, 600), (40, 0, 600),
                                   (0, 8, 600), (40, 8, 0)])
def test_transposed_operand_products(m, n, k):
    """a = X.T (Numba's 'F' layout) times a C-ordered b: the first row takes the transposed
    formulation (k >= 512, m >= 4 n), the others Numba's call; both give NumPy's values, C-ordered."""
    rng = np.random.default_rng(m + n + k)
    X, G = rng.standard_normal((k, m)), rng.standard_normal((k, n))
    want = np.ascontiguousarray(X.T) @ G
    new = L.matmul(X.T, G)
    into = L.matmul_into(X.T, G, np.full((m, n), np.nan))
    assert new.shape == (m, n) and new.flags.c_contiguous
    np.testing.assert_allclose(new, want, rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(into, new)
    # the seed network's products: the same bits as Numba's own call
    np.testing.assert_allclose(new, _numba_product(X.T, G), rtol=1e-14, atol=1e-14)


def test_products_match_numbas_own_call():
    """The transposed formulation (the first pairs) and Numba's call (the others: other layouts, a
    vector, a non-contiguous view, float32, which keeps Numba's call) give Numba's own `@`: to the
    rounding of the sum (OpenBLAS's kernels for A.T @ B and (B.T @ A).T block the sum alike on an
    Intel AVX-512 machine, bit for bit, but not on an AMD AVX2 one: 2e-13 relative)."""
    rng = np.random.default_rng(5)
    A, B, v = rng.standard_normal((700, 90)), rng.standard_normal((700, 10)), rng.standard_normal(700)
    for a, b in ((A.T, B), (B.T, A), (A.T, v), (v, A), (A.T.copy(), B), (A[::2].T, B[::2]),
                 (A.T.astype(np.float32), B.astype(np.float32))):
        got, want = L.matmul(a, b), _numba_product(a, b)
        scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
        np.testing.assert_array_less(np.abs(got - want), 64 * np.finfo(got.dtype).eps * scale + 1e-300)


def test_batched_products_read_strided_operands_where_they_lie():
    """bmatmul_into (bmatmul's) calls BLAS on each batch slice where it lies (a transposed view, a
    slice of a stack in another axis order, a broadcast operand, a reversed batch axis), copies the
    slices BLAS cannot read (no unit stride, a broadcast row), and writes into a transposed or
    unreadable `out`; products of at most SMALL_PRODUCT multiplications are loops (the fifth pair
    and the last); every case is np.matmul's. All operands are 3-D views (one signature each)."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((7, 3, 4))  # (n, k, d): GMM's xc
    q = rng.standard_normal((3, 4, 4))[:, ::-1][::-1]  # reversed views: negative strides
    big = rng.standard_normal((3, 8, 9))
    cases = [(q, x.transpose(1, 2, 0)), (x.transpose(1, 2, 0), x.transpose(1, 0, 2)),
             (q.transpose(0, 2, 1), x.transpose(1, 2, 0)), (big[:, :, ::2], big[:, 3:, :]), (big[:, ::2, ::3], big[:, ::3, :5]),
             (np.lib.stride_tricks.as_strided(big[:, 0, :4], (3, 5, 4), (big.strides[0], 0, 8)), x.transpose(1, 2, 0)),
             (big[:, :, :0], big[:, :0, :]), (big[:, :1, :4], x.transpose(1, 2, 0)[:, :, :1])]
    for a, b in cases:
        want = np.matmul(a, b)
        for order in ((1, 2, 0), (2, 0, 1)):  # out a transposed view of the array wanted, row- or column-wise
            z = np.full(tuple(want.shape[p] for p in order), np.nan)
            view = z.transpose(np.argsort(order))
            assert L.bmatmul_into(a, b, view) is not None
            np.testing.assert_allclose(view, want, rtol=1e-13, atol=1e-13)
    out = np.full((3, 4, 2, 9, 2), np.nan)[:, :, 0, :, 0]  # no unit stride: the products copied in
    L.bmatmul_into(q, big[:, :4, :], out)
    np.testing.assert_allclose(out, np.matmul(q, big[:, :4, :]), rtol=1e-13, atol=1e-13)
