"""Silent wrong results and internal errors found by the tenth semantics hunt (2026-12-03: views and
aliasing, dtypes, axes, data-dependent control flow, one compiled gradient called with arguments of
other shapes, dtypes and layouts, globals and closures changed between calls): each program against
NumPy's value and central differences, through the lowered module run as Python unless the
compiled code is the subject. Each failed on the code before its fix (docs/reliability.md)."""
import numpy as np
import pytest

import adjit
from tests.conftest import fd_check, run_grad


def _size_of_a_number(x):
    return x ** 2 * x.size + len(x.shape) * x


@pytest.mark.compiled
def test_size_and_shape_of_a_0d_argument_in_compiled_code():
    """A 0-d array argument is a number in the compiled code: `x.size` was rendered as the
    attribute, which Numba's float64 lacks (an internal error); its size is 1, its shape ()."""
    value, g = adjit.value_and_grad(_size_of_a_number)(np.array(0.7))
    assert np.isclose(value, 0.49) and np.isclose(g, 1.4)
