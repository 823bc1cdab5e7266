"""Matrix products for generated code: one small cached function, so each module that calls it
links compiled code instead of compiling NumPy's dot again (about 0.15 s per call site, cold)."""
import numba


@numba.njit(cache=True, nogil=True)
def matmul(a, b):
    """a @ b for 1-D and 2-D float arrays of one dtype (BLAS through SciPy, as Numba's dot)."""
    return a @ b
