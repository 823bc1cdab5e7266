"""The reverse sweep's tape in compiled code: growable stacks (arrays that double when full), one
per recorded value. Generated code stores a scalar into the buffer directly and calls `grow_scalar`
only when it is full, and pushes an array's row by `push_row<r>` (inlined: the same branch and a
copy loop), so recording allocates O(log n) times, never once per iteration. A row push is a call
rather than the branch and copy loop written out in the generated function because Numba's SSA
pass costs each block once per reassigned variable: a hundred row pushes written out in one loop
body made 600 blocks and a RecursionError (issue 14).

The copies are loops over elements, not slice assignments: Numba compiles an array assigned into a
slice (`grown[:n] = buf[:n]`) with its shape-mismatch error message, whose string formatting took
2.6 s of a process's first compile (issue 14); `_copy_rows` has no such path. All are typed on
their arguments' plain types (runtime/plainjit.py): a count that starts at 0 is not compiled for
the literal 0 as well."""
from __future__ import annotations

import numpy as np
from numba.extending import overload

from .alloc import _flat
from .outline import PAD, address, inline_here, keep_alive, keep_apart, out_of_line, part, row_at  # noqa: F401 (generated code calls them)
from .plainjit import njit_plain

_FIRST_CAPACITY = 64


@njit_plain
def _copy_rows(grown, buf, n):
    """grown[:n] = buf[:n] for C-ordered arrays of one shape but the first extent: the first n
    rows are the first n * row elements of each (flat views: Numba's reshape and
    ascontiguousarray compiled in about a second)."""
    if n == 0:
        return
    _copy_prefix(grown, buf, n * (buf.size // buf.shape[0]))


def _copy_prefix(dst, src, count):
    """The first `count` elements of src, in C order, written over dst's (typed by the overload below)."""
    raise NotImplementedError("called from compiled code only")


@overload(_copy_prefix, jit_options={"nogil": True})
def _copy_prefix_typed(dst, src, count):
    if dst.layout == "C" and src.layout == "C":  # every tape: made by alloc.empty or grown here
        def flat(dst, src, count):
            d, s = _flat(dst), _flat(src)
            for i in range(count):
                d[i] = s[i]
        return flat

    def general(dst, src, count):
        d, s = dst.reshape(dst.size), np.ascontiguousarray(src).reshape(src.size)
        for i in range(count):
            d[i] = s[i]
    return general


@njit_plain
def grow_scalar(buf, n):
    """A buffer with room for more than n values, holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty(max(_FIRST_CAPACITY, 2 * n), buf.dtype)
    for i in range(n):
        grown[i] = buf[i]
    return grown


@njit_plain
def grow_array(buf, n, value, capacity):
    """A buffer of rows shaped like value with room for more than n rows (at least `capacity`,
    the trip count when it is known), holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity),) + value.shape, buf.dtype)
    _copy_rows(grown, buf, n)
    return grown


@njit_plain
def push_row1(buf, n, value, capacity):
    """buf (grown when full, to `capacity` rows at least) with row n a copy of the 1-D value."""
    inline_here()
    if n == buf.shape[0]:
        buf = grow_array(buf, n, value, capacity)
    for j0 in range(value.shape[0]):
        buf[n, j0] = value[j0]
    return buf


@njit_plain
def push_row2(buf, n, value, capacity):
    """push_row1 for a 2-D value."""
    inline_here()
    if n == buf.shape[0]:
        buf = grow_array(buf, n, value, capacity)
    for j0 in range(value.shape[0]):
        for j1 in range(value.shape[1]):
            buf[n, j0, j1] = value[j0, j1]
    return buf


@njit_plain
def push_row3(buf, n, value, capacity):
    """push_row1 for a 3-D value."""
    inline_here()
    if n == buf.shape[0]:
        buf = grow_array(buf, n, value, capacity)
    for j0 in range(value.shape[0]):
        for j1 in range(value.shape[1]):
            for j2 in range(value.shape[2]):
                buf[n, j0, j1, j2] = value[j0, j1, j2]
    return buf


# Ragged tapes (a value whose extents may change between pushes): the generated code appends each
# entry's elements to one flat buffer and records (start, end, extent 0, ...) in a row of `rows`,
# both grown here when full; the copy itself is inlined (a call per push cost 4x its copy).
@njit_plain
def grow_rows(rows, n, capacity):
    """A ragged tape's entry rows with room for more than n entries (at least `capacity`, the trip
    count when it is known), holding rows[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty((max(_FIRST_CAPACITY, 2 * n, capacity), rows.shape[1]), rows.dtype)
    _copy_rows(grown, rows, n)
    return grown


@njit_plain
def grow_flat(buf, n, need, capacity):
    """A ragged tape's flat buffer with room for at least `need` elements (doubled, or `capacity`:
    the trip count times this entry's size, when the trip count is known), holding buf[:n]."""
    out_of_line()  # the growth path stays a call: it is taken O(log n) times
    grown = np.empty(max(_FIRST_CAPACITY, 2 * buf.shape[0], need, capacity), buf.dtype)
    for i in range(n):
        grown[i] = buf[i]
    return grown
