"""Array allocation for generated code: small cached functions, so a generated module links
compiled code instead of compiling NumPy's empty/full again at every build (about 0.3 s of a cold
first call went to typing and compiling them).

Generated code passes shapes of constants (`_alloc.full((56,), 0, np.float64)`), which Numba types
as literals (`UniTuple(Literal[int](56), 1)`) and, calling a plain njit function, compiles (and
caches) a copy per distinct value: 0.3-1.7 s each on a cold first call. These functions are typed
on their arguments' plain types instead (runtime/plainjit.njit_plain): one copy per rank and dtype."""
import numpy as np

from .plainjit import njit_plain


@njit_plain
def empty(shape, dtype):
    """np.empty(shape, dtype); shape is a tuple."""
    return np.empty(shape, dtype)


@njit_plain
def full(shape, value, dtype):
    """np.full(shape, value, dtype); shape is a tuple."""
    return np.full(shape, value, dtype)


@njit_plain
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


@njit_plain
def take(ws, state, shape, dtype):
    """An uninitialized array of `shape` carved from the workspace `ws` (uint8), 64-byte aligned,
    at offset state[0]; state[1] records the most the call has needed, so the caller can give it a
    larger workspace next time. Falls back to np.empty while the workspace is too small."""
    n = 1
    for d in shape:
        n *= d
    return _take_flat(ws, state, n, dtype).reshape(shape)
