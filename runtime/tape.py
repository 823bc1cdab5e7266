"""The reverse sweep's tape in compiled code: growable stacks (arrays that double when full), one
per recorded value. Generated code stores into the buffer directly and calls `grow` only when it
is full, so recording allocates O(log n) times, never once per iteration."""
from __future__ import annotations

import numba
import numpy as np

_FIRST_CAPACITY = 64


@numba.njit(cache=True, nogil=True)
def grow_scalar(buf, n):
    """A buffer with room for more than n values, holding buf[:n]."""
    grown = np.empty(max(_FIRST_CAPACITY, 2 * n), buf.dtype)
    grown[:n] = buf[:n]
    return grown


@numba.njit(cache=True, nogil=True)
def grow_array(buf, n, value, capacity):
    """A buffer of rows shaped like value with room for more than n rows (at least `capacity`,
    the trip count when it is known), holding buf[:n]."""
    grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity),) + value.shape, buf.dtype)
    for i in range(n):
        grown[i] = buf[i]
    return grown
