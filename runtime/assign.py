"""What lowered code calls to write an array into a region of another (compiler/codegen/gather.py's
region_helper): `unshared(region, v)` is v, or a copy of v when their memory may overlap, so that
an element loop writing the region reads v as it was before the write, as NumPy's assignment does.

Generated code writes `x[1:n] = v` / `x[1:n] += v` element by element, not by Numba's array setitem:
Numba compiles that with a shape-mismatch message formatted at run time (str of each extent, join),
2.6-4 s of CPU the first time a process compiles one, never cached across processes (issue 14)."""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _span(a):
    """(first byte, one past the last byte) that a's elements occupy; a must not be empty."""
    lo = np.int64(a.ctypes.data)
    hi = lo
    for d in range(a.ndim):
        step = (a.shape[d] - 1) * a.strides[d]
        if step < 0:
            lo += step
        else:
            hi += step
    return lo, hi + a.itemsize


@numba.njit(cache=True, nogil=True)
def overlaps(a, b):
    """Whether the byte ranges of a's and b's elements intersect (NumPy's may_share_memory bound)."""
    if a.size == 0 or b.size == 0:
        return False
    alo, ahi = _span(a)
    blo, bhi = _span(b)
    return alo < bhi and blo < ahi


@numba.njit(cache=True, nogil=True)
def unshared(region, v):
    """v, or a copy of v when it may share memory with region."""
    if overlaps(region, v):
        return v.copy()
    return v
