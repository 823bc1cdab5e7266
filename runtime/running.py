"""Run-time helpers of compiler/frontend/forms/common.py's lowered code, re-exported by
runtime/special.py (the `_special` module generated code imports):

- `running_max(x, axis)` / `running_min(x, axis)`: np.maximum.accumulate / np.minimum.accumulate
  along axis (a NaN propagates, as np.maximum's). The forms use them on data only (the running
  extremes' positions); the value itself is then a gather of x, which carries the gradient.
- `bincount_index(idx, n)`: idx itself, checked to hold indices 0 <= i < n (np.bincount's
  ValueError for a negative index; an index >= minlength would make NumPy's result longer than the
  compiled one)."""
from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload


def running_max(x, axis):
    """np.maximum.accumulate(x, axis) (plain Python: NumPy's)."""
    return np.maximum.accumulate(x, axis=axis)


def running_min(x, axis):
    """np.minimum.accumulate(x, axis) (plain Python: NumPy's)."""
    return np.minimum.accumulate(x, axis=axis)


def _running(greater: bool):
    def impl(x, axis):
        pre, n, post = 1, x.shape[axis], 1
        for k in range(x.ndim):
            if k < axis:
                pre *= x.shape[k]
            elif k > axis:
                post *= x.shape[k]
        a = np.ascontiguousarray(x).reshape((pre, n, post))
        out = np.empty((pre, n, post), x.dtype)
        for i in range(pre):
            for k in range(post):
                if n > 0:
                    out[i, 0, k] = a[i, 0, k]
                for j in range(1, n):
                    prev, v = out[i, j - 1, k], a[i, j, k]
                    if prev != prev or v != v:  # NaN propagates (np.maximum)
                        out[i, j, k] = prev if prev != prev else v
                    elif (v > prev) if greater else (v < prev):
                        out[i, j, k] = v
                    else:
                        out[i, j, k] = prev
        return out.reshape(x.shape)
    return impl


@overload(running_max, jit_options={"nogil": True})
def _running_max(x, axis):
    if isinstance(x, types.Array):
        return _running(True)
    return None


@overload(running_min, jit_options={"nogil": True})
def _running_min(x, axis):
    if isinstance(x, types.Array):
        return _running(False)
    return None


class BincountIndex(ValueError):
    """np.bincount's index out of the compiled range: BincountIndex(index, minlength)."""

    def __str__(self) -> str:
        if len(self.args) != 2:
            return super().__str__()
        i, n = self.args
        if i < 0:
            return "'list' argument must have no negative elements"
        return (f"np.bincount: index {i} is not below minlength={n}: NumPy's result would be longer than the "
                "one adjit compiled (its length is minlength); pass a minlength above the largest index")


def bincount_index(idx, n):
    """idx, checked: 0 <= i < n for each i (plain Python)."""
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise BincountIndex(int(bad), int(n))
    return idx


@overload(bincount_index, jit_options={"nogil": True})
def _bincount_index(idx, n):
    if isinstance(idx, types.Array):
        def impl(idx, n):
            for i in idx.ravel():
                if i < 0 or i >= n:
                    raise BincountIndex(i, n)
            return idx
        return impl
    return None
