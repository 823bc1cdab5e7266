"""The reverse sweep's tape in compiled code: growable stacks (arrays that double when full), one
per recorded value. Generated code stores into the buffer directly and calls `grow` only when it
is full, so recording allocates O(log n) times, never once per iteration.

The copies are loops over elements, not slice assignments: Numba compiles an array assigned into a
slice (`grown[:n] = buf[:n]`) with its shape-mismatch error message, whose string formatting took
2.6 s of a process's first compile (issue 14); `_copy_rows` has no such path."""
from __future__ import annotations

import numba
import numpy as np

from .outline import out_of_line

_FIRST_CAPACITY = 64


@numba.njit(cache=True, nogil=True)
def _copy_rows(grown, buf, n):
    """grown[:n] = buf[:n] for arrays of one shape but the first extent, grown C-contiguous."""
    if n == 0:
        return
    row = buf.size // buf.shape[0]
    dst = grown.reshape(grown.size)
    src = np.ascontiguousarray(buf[:n]).reshape(n * row)
    for i in range(n * row):
        dst[i] = src[i]


@numba.njit(cache=True, nogil=True)
def grow_scalar(buf, n):
    """A buffer with room for more than n values, holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty(max(_FIRST_CAPACITY, 2 * n), buf.dtype)
    for i in range(n):
        grown[i] = buf[i]
    return grown


@numba.njit(cache=True, nogil=True)
def grow_array(buf, n, value, capacity):
    """A buffer of rows shaped like value with room for more than n rows (at least `capacity`,
    the trip count when it is known), holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity),) + value.shape, buf.dtype)
    _copy_rows(grown, buf, n)
    return grown


# Ragged tapes (a value whose extents may change between pushes): the generated code appends each
# entry's elements to one flat buffer and records (start, end, extent 0, ...) in a row of `rows`,
# both grown here when full; the copy itself is inlined (a call per push cost 4x its copy).
@numba.njit(cache=True, nogil=True)
def grow_rows(rows, n, capacity):
    """A ragged tape's entry rows with room for more than n entries (at least `capacity`, the trip
    count when it is known), holding rows[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity), rows.shape[1]), rows.dtype)
    _copy_rows(grown, rows, n)
    return grown


@numba.njit(cache=True, nogil=True)
def grow_flat(buf, n, need, capacity):
    """A ragged tape's flat buffer with room for at least `need` elements (doubled, or `capacity`:
    the trip count times this entry's size, when the trip count is known), holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty(max(_FIRST_CAPACITY, 2 * buf.shape[0], need, capacity), buf.dtype)
    for i in range(n):
        grown[i] = buf[i]
    return grown
