"""The reverse sweep's tape in compiled code: growable stacks (arrays that double when full), one
per recorded value, so recording allocates O(log n) times, never once per iteration."""
from __future__ import annotations

import numba
import numpy as np

_FIRST_CAPACITY = 64


@numba.njit(cache=True, nogil=True)
def push_scalar(buf, n, value):
    """buf[n] = value, growing buf first when it is full; returns the (possibly new) buffer."""
    if n == buf.shape[0]:
        grown = np.empty(max(_FIRST_CAPACITY, 2 * n), buf.dtype)
        grown[:n] = buf[:n]
        buf = grown
    buf[n] = value
    return buf


@numba.njit(cache=True, nogil=True)
def push_array(buf, n, value):
    """buf[n] = value for an array value (a row of the tape); the first push fixes the row shape."""
    if n == buf.shape[0] or buf.shape[1:] != value.shape:
        grown = np.empty((max(_FIRST_CAPACITY, 2 * n),) + value.shape, buf.dtype)
        if n:
            grown[:n] = buf[:n]
        buf = grown
    buf[n] = value
    return buf
