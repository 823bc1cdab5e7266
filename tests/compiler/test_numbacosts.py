"""compiler/jit/numbacosts.py: Numba's costly shape-mismatch message for an array-to-array slice
assignment is replaced at the process's first compile; the error is the same ValueError, carrying
both shapes."""
import numba
import numpy as np
import pytest

from adjit.compiler.jit import numbacosts


@numba.njit
def _assign(a, b):
    a[1:3] = b
    return a


def test_a_slice_assignment_of_another_shape_raises_with_both_shapes():
    numbacosts.install()
    np.testing.assert_array_equal(_assign(np.zeros(5), np.ones(2)), [0.0, 1.0, 1.0, 0.0, 0.0])
    assert numbacosts._APPLIED  # the compile above applied it
    with pytest.raises(ValueError) as caught:
        _assign(np.zeros(5), np.ones(3))
    assert caught.value.args == (numbacosts.MESSAGE, (2,), (3,))
