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


@numba.njit(cache=True, nogil=True)
def _take_flat(ws, state, n, dtype):
    """take's work for n elements, one dimension: compiled once per dtype, not per shape."""
    nbytes = n * np.empty(0, dtype).itemsize
    start = (state[0] + 63) // 64 * 64
    state[0] = start + nbytes
    if state[0] > state[1]:
        state[1] = state[0]
    if start + nbytes <= ws.size:
        return ws[start:start + nbytes].view(dtype)
    return np.empty(n, dtype)


@numba.njit(cache=True, nogil=True)
def take(ws, state, shape, dtype):
    """An uninitialized array of `shape` carved from the workspace `ws` (uint8), 64-byte aligned,
    at offset state[0]; state[1] records the most the call has needed, so the caller can give it a
    larger workspace next time. Falls back to np.empty while the workspace is too small."""
    n = 1
    for d in shape:
        n *= d
    return _take_flat(ws, state, n, dtype).reshape(shape)
