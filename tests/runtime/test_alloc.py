"""runtime/alloc.py: generated code passes shapes of constants, and the allocation helpers are
compiled once per rank and dtype for them, not once per constant (counted by their signatures)."""
import numba
import numpy as np
from numba.core import types

from adjit.runtime import alloc


@numba.njit
def _two_constant_shapes(ws, state):
    a = alloc.full((56,), 0, np.float64)
    b = alloc.full((57,), 1, np.float64)
    c = alloc.empty((3, 4), np.float64)
    d = alloc.take(ws, state, (5, 2), np.float64)
    d[:] = 2.0
    return a.sum() + b.sum() + c.shape[0] * c.shape[1] + d.sum()


def _literal(t) -> bool:
    return isinstance(t, types.Literal) or any(_literal(e) for e in getattr(t, "types", ()))


def test_constant_shapes_share_one_compiled_helper():
    ws, state = np.zeros(4096, np.uint8), np.zeros(2, np.int64)
    assert _two_constant_shapes(ws, state) == 57.0 + 12 + 20.0
    for helper in (alloc.full, alloc.empty, alloc.take):
        assert helper.signatures, helper
        assert not any(_literal(t) for sig in helper.signatures for t in sig), helper.signatures
    assert (types.UniTuple(types.int64, 1), types.int64, types.NumberClass(types.float64)) in alloc.full.signatures
    assert state[1] >= 80  # the workspace carved the 5 x 2 float64 array
