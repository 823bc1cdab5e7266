"""Matrix products for generated code: small cached functions, so each module that calls them
links compiled code instead of compiling NumPy's dot again (about 0.15 s per call site, cold);
`bmatmul`, `bmatvec` and `bvecmat` are `@` on stacks of matrices (Numba's `@` takes 1-D and 2-D)."""
import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def matmul(a, b):
    """a @ b for 1-D and 2-D float arrays of one dtype (BLAS through SciPy, as Numba's dot)."""
    return a @ b


@numba.njit(cache=True, nogil=True)
def matmul_into(a, b, out):
    """a @ b written into `out` (C-contiguous, of the product's shape and dtype) and returned: the
    same BLAS call as `matmul` (Numba's np.dot(a, b, out), which `a @ b` itself makes into a new
    array), so the values are identical. Generated code passes an array carved from the call's
    workspace (runtime/alloc.take) for a product that dies with the call: a new array of a few
    MB each call faulted in fresh pages (1188 page faults per call of the seed network's gradient
    at batch 2048). An empty contraction is zeros, as NumPy's (BLAS refuses leading dimension 0)."""
    if out.size == 0:
        return out
    if a.shape[-1] == 0:
        out[...] = 0
        return out
    np.dot(a, b, out)
    return out


@numba.njit(cache=True, nogil=True)
def bmatmul(a, b):
    """a @ b for stacks of matrices (both at least 2-D, one dtype): the batch axes broadcast as in
    NumPy, each product one BLAS call."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    n, k, m = a.shape[-2], a.shape[-1], b.shape[-1]
    aa = np.broadcast_to(a, batch + (n, k))
    bb = np.broadcast_to(b, batch + (k, m))
    out = np.empty(batch + (n, m), dtype=a.dtype)
    for idx in np.ndindex(batch):
        p = np.ascontiguousarray(aa[idx]) @ np.ascontiguousarray(bb[idx])
        o = out[idx]
        for i in range(n):  # not out[idx] = p: Numba's slice assignment compiles a formatted error message (seconds)
            for j in range(m):
                o[i, j] = p[i, j]
    return out


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
