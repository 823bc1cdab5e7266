"""Views whose base or self is written after them (2026-12-03 evening): `A = np.zeros((2, 3));
r = A.ravel(); r[1] = x[0]` gave 3.3 where NumPy gives 3.4 (gradient 1 for NumPy's 2), silently:
host.py ran `r = A.ravel()` (a method without a rule of its own there) before the compiled code, so
r was a view of the prologue's A, not the compiled code's, and the write was lost. Such a line now
stays in the compiled code, where aliasing.py rejects the write at its place (NumPy's sharing);
`np.lib.stride_tricks.sliding_window_view(A, w)` (lowered as a gather) lives in A's buffers, so a
later write into A is rejected too. Lowered only, or run as Python (no Numba compile)."""
import numpy as np
import pytest

from adjit.compiler.errors import UnsupportedSyntaxError
from adjit.compiler.jit.compiled import CompiledFunction
from conftest import check_against_fd

W = np.linspace(1.0, 2.0, 6)


def ravel_then_write(x):
    A = np.zeros((2, 3))
    r = A.ravel()
    r[1] = x[0]
    return np.sum(A) + np.sum(x)


def ravel_then_base_written(x):
    A = np.zeros((2, 3))
    r = A.ravel()
    A[0, 1] = x[0] ** 2
    return np.sum(r * W) + np.sum(x)


def ravel_written_in_a_loop(x):
    A = np.zeros((2, 3))
    r = A.ravel()
    for i in range(3):
        r[i] = x[i] ** 2
    return np.sum(A * W.reshape(2, 3))


def argument_raveled_and_written(x):
    r = x.ravel()
    r[0] = 5.0
    return np.sum(x * W)


def _flat(a):
    return a.ravel()


def helper_view_written(x):
    A = np.zeros((2, 3))
    r = _flat(A)  # a helper of the user's returning a view of its argument
    r[1] = x[0] ** 2
    return np.sum(A * W.reshape(2, 3)) + np.sum(x)


def window_then_base_written(x):
    A = np.zeros(6)
    v = np.lib.stride_tricks.sliding_window_view(A, 2)
    A[0] = x[0] ** 2
    return np.sum(v) + np.sum(x)


@pytest.mark.parametrize("fun", [argument_raveled_and_written, window_then_base_written, helper_view_written])
def test_a_write_seen_through_a_view_is_a_located_error(fun):
    x = np.linspace(0.1, 1.0, 6)
    c = CompiledFunction(fun, (0,))
    with pytest.raises(UnsupportedSyntaxError, match="would also change") as err:
        c._lower(c._bind((x,), {}))  # (the global W: a captured argument)
    assert "test_views_written_later.py:" in str(err.value)


def flatten_then_write(x):
    A = np.zeros((2, 3))
    r = A.flatten()  # a copy in NumPy
    r[1] = x[0]
    return np.sum(A) + np.sum(r * x)


def window_read_before_the_write(x):
    A = x * 2.0
    v = np.lib.stride_tricks.sliding_window_view(A, 2)
    s = np.sum(v ** 2)
    A[0] = 1.0
    return s + np.sum(A)


@pytest.mark.parametrize("fun", [flatten_then_write, window_read_before_the_write,
                                 ravel_then_write, ravel_then_base_written, ravel_written_in_a_loop])
def test_copies_and_reads_before_the_write_stay_exact(fun):
    """The ravel of a new C-order array (np.zeros) is a view NumPy writes through: since the
    api_probe3 fixes (rowviews.fresh_c_order) those three are lowered as NumPy's meaning, exactly
    (they were located errors; never the lost write of before). An argument's ravel (its layout
    known only when called) and a helper's view stay located errors above."""
    check_against_fd(fun, [np.linspace(0.1, 1.0, 6)], (0,), compiled=False)
