"""Array allocation for generated code: small cached functions, so a generated module links
compiled code instead of compiling NumPy's empty/full again at every build (about 0.3 s of a cold
first call went to typing and compiling them)."""
import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def empty(shape, dtype):
    """np.empty(shape, dtype); shape is a tuple."""
    return np.empty(shape, dtype)


@numba.njit(cache=True, nogil=True)
def full(shape, value, dtype):
    """np.full(shape, value, dtype); shape is a tuple."""
    return np.full(shape, value, dtype)
