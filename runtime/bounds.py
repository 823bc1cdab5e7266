"""What the lowered code's bounds checks call and raise (compiler/codegen/bounds.py).

Compiled code raises the exceptions with numbers only and Python formats the message: building the string
inside Numba (`str(i)` and concatenation) would add about three seconds to every cold compile."""
from __future__ import annotations

import numba

from .preload import njit_signatures


class IndexOutOfBounds(IndexError):
    """NumPy's IndexError for an integer index: IndexOutOfBounds(index, size, axis)."""

    def __str__(self) -> str:
        if len(self.args) != 3:
            return super().__str__()
        index, size, axis = self.args
        return f"index {index} is out of bounds for axis {axis} with size {size}"


class ExtentMismatch(ValueError):
    """A row of run-time extent written element by element where a row of another extent goes:
    ExtentMismatch(extent, destination extent)."""

    def __str__(self) -> str:
        if len(self.args) != 2:
            return super().__str__()
        m, n = self.args
        return f"could not broadcast input array of extent {m} into extent {n}"


class ExtentsDiffer(ValueError):
    """Two operands of one elementwise line whose extents along an axis are known only at run time,
    which adjit compiled for equal extents: ExtentsDiffer(extent, other extent)."""

    def __str__(self) -> str:
        if len(self.args) != 2:
            return super().__str__()
        m, n = self.args
        return (f"operands could not be broadcast together: extents {m} and {n} along one axis (adjit compiles "
                "a line whose operands' extents are known only when it runs for equal extents)")


@numba.njit(cache=True, nogil=True)
def tall(x):
    """x, checked to have at least as many rows as columns (compiler/primitives/creation.py's
    require_tall: np.linalg.svd with full_matrices=True, taken as the thin SVD)."""
    if x.shape[0] < x.shape[1]:
        raise ValueError("np.linalg.svd(full_matrices=True) of a matrix with fewer rows than columns: adjit "
                         "compiled it for a matrix at least as tall as wide (its Vh rows beyond the row count are "
                         "not unique); pass full_matrices=False")
    return x


@numba.njit(cache=True, nogil=True)
def pinned(x, n, axis):
    """x, checked to have extent n along axis (compiler/primitives/creation.py's pin_extent)."""
    if x.shape[axis] != n:
        raise ExtentsDiffer(x.shape[axis], n)
    return x


# One compiled version each (explicit int64 signatures, cached on disk): generated code calls them
# with literal constants, which would otherwise compile a specialization per distinct constant.
# Compiled when this module is imported (a generated module imports it), so they are loaded through
# runtime/preload.py: from Numba's cache without Numba's target refresh, which a process whose
# gradients are all cached would otherwise pay here alone (about 0.4 s of CPU).
_I = "int64"


@njit_signatures(f"void({_I}, {_I}, {_I}, {_I}, {_I}, {_I}, {_I})", nogil=True)
def in_bounds_over(start, stop, step, a, c, n, axis):
    """a * i + c, checked as an index into an axis of size n for every i of range(start, stop, step):
    an affine function is extreme at the first and the last index the range takes."""
    trips = len(range(start, stop, step))
    if trips > 0:
        end = start + (trips - 1) * step
        first = a * start + c
        last = a * end + c
        # where a * i + c could overflow int64 it is not monotone: check every index (wrapped, as the
        # loop computes it) instead
        big = abs(float(a)) * max(abs(float(start)), abs(float(end))) + abs(float(c)) >= 4.0e18
        if big or first >= n or first < -n or last >= n or last < -n:
            for i in range(start, stop, step):  # report the index NumPy would have stopped at
                k = a * i + c
                if k >= n or k < -n:
                    raise IndexOutOfBounds(k, n, axis)


@njit_signatures(f"{_I}({_I}, {_I}, {_I})", nogil=True)
def ix(i, n, axis):
    """i, checked as an index into an axis of size n (negative i counts from the end)."""
    if i >= n or i < -n:
        raise IndexOutOfBounds(i, n, axis)  # NumPy's message, formatted in Python
    return i


@njit_signatures(f"void({_I}, {_I})", nogil=True)
def same_extent(m, n):
    """A row of extent m written element by element where one of extent n goes."""
    if m != n:
        raise ExtentMismatch(m, n)
