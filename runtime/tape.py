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


@numba.njit(cache=True, nogil=True)
def push_ragged(buf, rows, n, value, capacity):
    """Records `value`, whose extents may differ from one push to the next, as entry n of a ragged
    tape: its elements, in C order, appended to the flat buffer `buf`, and row n of `rows` set to
    (start, end, extent 0, extent 1, ...). Either array is grown (doubled; the first time to room
    for `capacity` entries like this one, the trip count when it is known) when full; returns both."""
    if n == rows.shape[0]:
        grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity), rows.shape[1]), rows.dtype)
        grown[:n] = rows[:n]
        rows = grown
    start = rows[n - 1, 1] if n > 0 else 0
    end = start + value.size
    if end > buf.shape[0]:
        more = np.empty(max(_FIRST_CAPACITY, 2 * buf.shape[0], end, capacity * value.size), buf.dtype)
        more[:start] = buf[:start]
        buf = more
    k = start
    for x in value.flat:
        buf[k] = x
        k += 1
    rows[n, 0] = start
    rows[n, 1] = end
    for a in range(value.ndim):
        rows[n, 2 + a] = value.shape[a]
    return buf, rows
