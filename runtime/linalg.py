"""Matrix products for generated code: small cached functions, so each module that calls them
links compiled code instead of compiling NumPy's dot again (about 0.15 s per call site, cold);
`bmatmul`, `bmatvec` and `bvecmat` are `@` on stacks of matrices (Numba's `@` takes 1-D and 2-D),
`bmatmul_into` writes the product into a given array of any strides (a transposed view): one BLAS
call per product, each slice read and written where it lies (blas.gemm with its leading dimension).

Which BLAS call a product makes. Numba's `@` always writes a C-ordered result, so BLAS (column
major) computes its transpose: for C = A @ B (m x n, contraction k) the call's M is n, the result's
row length. The other formulation, C.T = B.T @ A.T written as an (n, m) C array, has M = m and needs
a transposing copy into the C result. `_product_into` takes it for one layout only, where it was
measured faster here (SciPy's OpenBLAS 0.3.30, SkylakeX kernels, 1 thread, float64): A a transposed C array
(Numba's 'F' layout, the `X.T @ G` of a weight gradient), B C-ordered, a long contraction k >= 512
and m >= 4 n: the seed network's dW1 = X.T @ dz (784 x 128, k = batch) at batch 2048 took
12.5 ms one way and 9.7 ms the other, copy included (the same call with M and N swapped: NT with
M = 128 vs M = 784); at batch 256 (k = 256) the two were within 2 %. For the other layouts the
measurements disagreed from shape to shape (and the default was as fast or faster for the products
of the seed networks), so they keep Numba's call. Both formulations sum each element over k in
the same order: the seed network's products come out the same bits either way; of the other shapes
tried, one (k = 4096) differed by 6e-16 relative, where OpenBLAS blocks the contraction
differently (tests/runtime/test_linalg_runtime.py).

`cofactor(a)`: det(a) inv(a).T, np.linalg.det's derivative, exact for singular matrices too;
`cofactor_jvp(a, t)`: its derivative along t (det's second), without a division either."""
import numba
import numpy as np
from numba.core import types
from numba.extending import overload

from .blas import dot_into as _dot_into
from .blas import gemm as _gemm
from .blas import takes
from .plainjit import njit_plain

LONG_K, TALL = 512, 4  # the transposed formulation: contraction at least LONG_K, m at least TALL * n
SMALL_PRODUCT = 64  # a batched product of at most this many multiplications per matrix is a loop


def _product_into(a, b, out):
    """out[...] = a @ b through BLAS (typed by the overload below); out is C-ordered."""
    raise NotImplementedError("called from compiled code only")


def _new_product(a, b):
    """a @ b as a new C-ordered array (typed by the overload below)."""
    raise NotImplementedError("called from compiled code only")


def _transposed_layouts(a, b) -> bool:
    """The case measured (float64 only: float32 calls other kernels, not measured)."""
    return (isinstance(a, types.Array) and isinstance(b, types.Array) and a.ndim == 2 and b.ndim == 2
            and a.layout == "F" and b.layout == "C" and a.dtype == types.float64 and b.dtype == types.float64)


@overload(_product_into, jit_options={"nogil": True})
def _product_into_typed(a, b, out):
    if not _transposed_layouts(a, b):
        def plain(a, b, out):
            _dot_into(a, b, out)
        return plain

    def chosen(a, b, out):
        m, k = a.shape
        n = b.shape[1]
        if k >= LONG_K and n >= 1 and m >= TALL * n:
            t = np.empty((n, m), out.dtype)
            _dot_into(b.T, a.T, t)  # (A @ B).T as a C array: BLAS's M is m
            for j0 in range(0, n, 32):  # out = t.T, in 32 x 32 tiles
                j1 = min(j0 + 32, n)
                for i0 in range(0, m, 32):
                    i1 = min(i0 + 32, m)
                    for i in range(i0, i1):
                        for j in range(j0, j1):
                            out[i, j] = t[j, i]
        else:
            _dot_into(a, b, out)
    return chosen


@overload(_new_product, jit_options={"nogil": True})
def _new_product_typed(a, b):
    if not _transposed_layouts(a, b):
        # Numba's `a @ b` (dot_2_mm/mv/vm: a new array, zeros for an empty contraction, else
        # np.dot into it), its BLAS call made by blas.dot_into where that takes the operands
        if not takes(a, b):
            return lambda a, b: a @ b
        if a.ndim == 2 and b.ndim == 2:
            return lambda a, b: _dot_into(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype))
        if a.ndim == 2:
            return lambda a, b: _dot_into(a, b, np.empty(a.shape[0], a.dtype))
        return lambda a, b: _dot_into(a, b, np.empty(b.shape[1], a.dtype))

    def chosen(a, b):
        out = np.empty((a.shape[0], b.shape[1]), a.dtype)
        if out.size == 0 or a.shape[1] == 0:
            return _dot_into(a, b, out)  # zeros, as Numba's `@`
        _product_into(a, b, out)
        return out
    return chosen


def _two_matrices(args) -> bool:
    """Whether a product's operand types are two 2-D arrays: a matrix-matrix product is called by
    symbol from generated code (runtime/plainjit.py); a matrix-vector one, a recurrent step's
    product inside a loop, stays linked and inlined (a call costs 10-15 ns more there)."""
    return len(args) >= 2 and all(getattr(a, "ndim", 0) == 2 for a in args[:2])


@njit_plain(apart=_two_matrices)
def matmul(a, b):
    """a @ b for 1-D and 2-D float arrays of one dtype (BLAS through SciPy, as Numba's dot; the
    formulation `_product_into` chooses)."""
    return _new_product(a, b)


@njit_plain(apart=_two_matrices)
def matmul_seeded(a, b):
    """a @ b for two matrices, a's rows batched tangents (compiler/batching.py marks the product):
    when every row of a is a unit vector or zeros (the unit tangents of hessian and jacfwd, until
    an op mixes them) and b is finite, b's rows it picks, zeros for a zero row: BLAS's sums of one
    product 1 * b[j, c] and zeros, without the multiply-adds (b's -0.0 stays -0.0 where BLAS's
    sum gives 0.0). Else, or for a non-finite b (0 * inf is nan), the product. A dense row fails
    the test at its first element off a unit vector."""
    k, n = a.shape
    picks = np.empty(k, np.int64)
    for i in range(k):
        picks[i] = -1
        for j in range(n):
            e = a[i, j]
            if e != 0:
                if e != 1 or picks[i] >= 0:
                    return _new_product(a, b)
                picks[i] = j
    for j in range(b.shape[0]):
        for c in range(b.shape[1]):
            if not np.isfinite(b[j, c]):
                return _new_product(a, b)
    out = np.zeros((k, b.shape[1]), a.dtype)
    for i in range(k):
        if picks[i] >= 0:
            out[i, :] = b[picks[i], :]
    return out


@njit_plain(apart=True)  # called by symbol from generated code (runtime/plainjit.py)
def matmul_into(a, b, out):
    """a @ b written into `out` (C-contiguous, of the product's shape and dtype) and returned: the
    same BLAS call as `matmul` (Numba's np.dot(a, b, out), which `a @ b` itself makes into a new
    array, or the formulation `_product_into` chooses), so the values are identical. Generated code passes an array carved from the call's
    workspace (runtime/alloc.take) for a product that dies with the call: a new array of a few
    MB each call faulted in fresh pages (1188 page faults per call of the seed network's gradient
    at batch 2048). An empty contraction is zeros, as NumPy's (BLAS refuses leading dimension 0).
    The BLAS call itself is made by runtime/blas.dot_into (Numba's call, cheaper to compile)."""
    if out.size == 0:
        return out
    _product_into(a, b, out)  # zeros for an empty contraction (blas.dot_into, or Numba's np.dot)
    return out


@numba.njit(cache=True, nogil=True)
def _blas_layout(e0, e1, s0, s1, item):
    """How BLAS can read an (e0, e1) matrix whose byte strides are (s0, s1): (0, ld) row by row
    (unit stride along its rows), (1, ld) column by column, (-1, 0) neither (a copy is needed): a
    stride of 0 (a broadcast axis), a negative one, or overlapping rows. An axis of extent 1 takes any
    stride."""
    if e1 <= 1 or s1 == item:
        if e0 <= 1:
            return 0, max(1, e1)
        if s0 % item == 0 and s0 // item >= max(1, e1):
            return 0, s0 // item
    if e0 <= 1 or s0 == item:
        if e1 <= 1:
            return 1, max(1, e0)
        if s1 % item == 0 and s1 // item >= max(1, e0):
            return 1, s1 // item
    return -1, 0


@numba.njit(cache=True, nogil=True)
def _offset(idx, strides):
    """The byte offset of the batch index idx (its first len(idx) strides)."""
    o = 0
    for ax in range(len(idx)):
        o += idx[ax] * strides[ax]
    return o


@numba.njit(cache=True, nogil=True)
def _slice_where_blas_reads(a, idx, layout, ld, scratch):
    """(address, layout, leading dimension) of the matrix a[idx] for BLAS: where it lies, or, for a
    layout BLAS cannot read (-1), its copy into `scratch` (of the matrix's shape), row by row."""
    if layout >= 0:
        return np.intp(a.ctypes.data) + _offset(idx, a.strides), layout, ld
    s = a[idx]
    for i in range(scratch.shape[0]):
        for j in range(scratch.shape[1]):
            scratch[i, j] = s[i, j]
    return np.intp(scratch.ctypes.data), 0, scratch.shape[1]


@numba.njit(cache=True, nogil=True)
def _products(aa, bb, out):
    """out[i] = aa[i] @ bb[i] for each batch index i (aa and bb broadcast to out's batch shape, k > 0,
    out addressable by BLAS): one BLAS call per product on the slices where they lie, each operand
    read row- or column-wise with its leading dimension (a transposed view, a slice of a stack in
    another axis order: no copy); an operand slice BLAS cannot read is copied first. Products of at
    most SMALL_PRODUCT multiplications are a loop (a BLAS call costs 100-200 ns): its sums may
    differ from BLAS's in the last bits."""
    batch = out.shape[:-2]
    m, k, n = aa.shape[-2], aa.shape[-1], bb.shape[-1]
    item = out.itemsize
    la, lda = _blas_layout(m, k, aa.strides[-2], aa.strides[-1], item)
    lb, ldb = _blas_layout(k, n, bb.strides[-2], bb.strides[-1], item)
    lc, ldc = _blas_layout(m, n, out.strides[-2], out.strides[-1], item)
    if max(m, n, k, lda, ldb, ldc) > 2 ** 31 - 1:
        raise OverflowError("array size too large to fit in C int")
    sa = np.empty((m, k) if la < 0 else (0, 0), aa.dtype)  # a slice's copy (row by row) where needed
    sb = np.empty((k, n) if lb < 0 else (0, 0), bb.dtype)
    if m * n * k <= SMALL_PRODUCT:  # a few multiplications: a loop costs less than the BLAS call
        zero = np.zeros(1, out.dtype)[0]
        for idx in np.ndindex(batch):
            x, y, z = aa[idx], bb[idx], out[idx]
            for i in range(m):
                for j in range(n):
                    acc = zero
                    for l in range(k):
                        acc += x[i, l] * y[l, j]
                    z[i, j] = acc
        return 0
    for idx in np.ndindex(batch):
        pa, xl, xld = _slice_where_blas_reads(aa, idx, la, lda, sa)
        pb, yl, yld = _slice_where_blas_reads(bb, idx, lb, ldb, sb)
        pc = np.intp(out.ctypes.data) + _offset(idx, out.strides)
        if lc == 0:  # C row by row is C.T column by column: C.T = B.T A.T
            _gemm(out, yl == 1, xl == 1, n, m, k, pb, yld, pa, xld, pc, ldc)
        else:
            _gemm(out, xl == 0, yl == 0, m, n, k, pa, xld, pb, yld, pc, ldc)
    return sa.size + sb.size  # the copies stay alive until every call has read them


@numba.njit(cache=True, nogil=True)
def bmatmul_into(a, b, out):
    """a @ b for stacks of matrices written into `out` (of the product's shape, any strides: a
    transposed view of the array the caller wants the product in; not overlapping a or b) and
    returned. The batch axes broadcast as in NumPy; each product is one BLAS call on the operands
    where they lie."""
    batch = out.shape[:-2]
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    if b.shape[-2] != k or out.shape[-2] != m or out.shape[-1] != n:
        raise ValueError("matmul: mismatch in the core dimensions of the operands or the output")
    aa = np.broadcast_to(a, batch + (m, k))
    bb = np.broadcast_to(b, batch + (k, n))
    if out.size == 0:
        return out
    if k == 0:  # an empty contraction: zeros, as NumPy's
        for idx in np.ndindex(out.shape):
            out[idx] = 0
        return out
    lc = _blas_layout(m, n, out.strides[-2], out.strides[-1], out.itemsize)[0]
    if lc >= 0:  # (out[::1]: typed as any layout, as tmp's below: one _products per dtype and rank)
        _products(aa, bb, out[::1])
        return out
    tmp = np.empty(out.shape, out.dtype)  # BLAS cannot write out where it lies: a C array, copied
    _products(aa, bb, tmp[::1])
    for idx in np.ndindex(out.shape):
        out[idx] = tmp[idx]
    return out


@numba.njit(cache=True, nogil=True)
def bmatmul(a, b):
    """a @ b for stacks of matrices (both at least 2-D, one at least 3-D, one dtype) as a new
    C-ordered array: the batch axes broadcast as in NumPy, each product one BLAS call."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return bmatmul_into(a, b, np.empty(batch + (a.shape[-2], b.shape[-1]), dtype=a.dtype))


@numba.njit(cache=True, nogil=True)
def bmatvec(a, v):
    """a @ v for a stack of matrices a and a vector v: the product with the column v, squeezed."""
    out = bmatmul(a, np.ascontiguousarray(v).reshape(v.shape[0], 1))
    return out.reshape(out.shape[:-1])


@numba.njit(cache=True, nogil=True)
def bvecmat(v, b):
    """v @ b for a vector v and a stack of matrices b: the product with the row v, squeezed."""
    out = bmatmul(np.ascontiguousarray(v).reshape(1, v.shape[0]), b)
    return out.reshape(out.shape[:-2] + out.shape[-1:])


@numba.njit(cache=True, nogil=True)
def pivot_rows(lu, k):
    """Partial pivoting at column k (LAPACK's getrf): the row p >= k of largest |lu[p, k]| (the
    first of ties) swapped with row k in place; returns p."""
    p = k
    for i in range(k + 1, lu.shape[0]):
        if abs(lu[i, k]) > abs(lu[p, k]):
            p = i
    if p != k:
        for j in range(lu.shape[1]):
            lu[k, j], lu[p, j] = lu[p, j], lu[k, j]
    return p


@numba.njit(cache=True, nogil=True)
def cofactor(a):
    """The cofactor matrix of the square matrix a, det(a) inv(a).T, the derivative of np.linalg.det,
    exact where a is singular too (inv would raise there). P a = L U with partial pivoting (a zero
    pivot column is skipped: |L| <= 1, no division by 0); adj(a) = det(P) adj(U) inv(L) P, and adj(U)
    is built over U's leading blocks without dividing by a pivot: adj(U_k) = [[u_kk adj(U_k-1),
    -adj(U_k-1) u], [0, det(U_k-1)]]. The result is adj(a).T."""
    n = a.shape[0]
    lu = a.copy()
    perm = np.arange(n)
    sign = 1.0
    for k in range(n):
        p = pivot_rows(lu, k)
        if p != k:
            perm[k], perm[p] = perm[p], perm[k]
            sign = -sign
        piv = lu[k, k]
        for i in range(k + 1, n):
            l = lu[i, k] / piv if piv != 0 else lu[i, k] * 0  # a zero pivot: the column below is 0
            lu[i, k] = l
            for j in range(k + 1, n):
                lu[i, j] -= l * lu[k, j]
    adj = np.zeros_like(lu)
    d = 1.0  # det(U_k-1)
    for k in range(n):
        mu = lu[k, k]
        for i in range(k):
            s = 0.0
            for j in range(i, k):
                s += adj[i, j] * lu[j, k]
            adj[i, k] = -s
            for j in range(i, k):
                adj[i, j] *= mu
        adj[k, k] = d
        d *= mu
    for j in range(n - 2, -1, -1):  # adj(U) inv(L): solve X L = adj(U), L unit lower triangular
        for k in range(j + 1, n):
            l = lu[k, j]
            if l != 0:
                for i in range(n):
                    adj[i, j] -= adj[i, k] * l
    out = np.empty_like(lu)
    for k in range(n):
        for i in range(n):
            out[perm[k], i] = sign * adj[i, k]
    return out


@numba.njit(cache=True, nogil=True)
def cofactor_jvp(a, t):
    """The derivative of cofactor(a) along t (t of shape (..., n, n): along each matrix), det's
    second derivative, exact where a is singular too (no division). With a = U S V^T (SVD) and
    sigma = det(U V^T), cofactor(U (S + X) V^T) = sigma U cofactor(S + X) V^T, and at the diagonal
    S the cofactor's derivative along X is -X_ji P_ij off the diagonal and sum_(k != i) X_kk P_ik
    on it, P_ij the product of the singular values other than s_i and s_j. The map is its own
    adjoint: cofactor_jvp(a, g) is also the cofactor's VJP."""
    n = a.shape[0]
    u, s, vh = np.linalg.svd(np.ascontiguousarray(a))
    sigma = np.linalg.det(u) * np.linalg.det(vh)
    p = np.zeros((n, n), a.dtype)  # P with a zero diagonal
    for i in range(n):
        for j in range(n):
            if i != j:
                q = 1.0
                for m in range(n):
                    if m != i and m != j:
                        q *= s[m]
                p[i, j] = q
    ut, v = np.ascontiguousarray(u.T), np.ascontiguousarray(vh.T)
    ts = np.ascontiguousarray(t).reshape((-1, n, n))
    out = np.empty_like(ts)
    for b in range(ts.shape[0]):
        x = ut @ np.ascontiguousarray(ts[b]) @ v
        d = np.empty((n, n), a.dtype)
        for i in range(n):
            w = 0.0
            for j in range(n):
                d[i, j] = -x[j, i] * p[i, j]
                w += p[i, j] * x[j, j]
            d[i, i] = w
        out[b] = sigma * (u @ d @ vh)
    return out.reshape(t.shape)
