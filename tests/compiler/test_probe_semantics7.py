"""Silent wrong results found by the seventh semantics hunt (2026-12-03: Python conversions of
NumPy scalars, signed zeros of np.maximum/np.minimum, singular determinants, hand-written norms,
aliasing across helpers, index writes with duplicates, data-dependent control flow, float32):
each program against NumPy's value and dtype, central differences and forward mode, through the
lowered module run as Python (no Numba compile: the suite's budget) unless the compiled code is the
subject. Each failed on the code before its fix (docs/reliability.md)."""
import numpy as np
import pytest

import adjit
from tests.conftest import check_against_fd, forward_check, run_grad


def _checked(fun, *args, fd=True, rtol=1e-12):
    value, grads = run_grad(fun, list(args), (0,))
    ref = fun(*args)
    assert np.asarray(value).dtype == np.asarray(ref).dtype, (np.asarray(value).dtype, np.asarray(ref).dtype)
    assert np.isclose(value, ref, rtol=rtol, atol=1e-12), (value, ref)
    if fd:
        check_against_fd(fun, list(args), (0,), compiled=False)
    forward_check(fun, list(args), (0,), grads, rtol=1e-9 if fd else 1e-5)


def float32_times_python_conversions(x):
    return np.sum(x * int(x[0] * 10)) + np.sum(x * float(x[1])) + np.sum(x * round(x[3] * 10))


def int32_plus_python_int(x):
    k = (x * 100).astype(np.int32)
    return np.sum(x * (k + int(x[0] * 7)).dtype.itemsize) + float(x[0]) + x[1]


def test_python_conversions_of_numpy_scalars_are_weak():
    """int(v), float(v) and round(v) of a NumPy scalar are Python numbers, weak under NEP 50: a
    float32 array times int(v) stays float32, an int32 array plus int(v) stays int32 (wrapping as
    NumPy's). adjit made them strong np.int64 / np.float64: float64 results where NumPy's are
    float32, and `(k32 + int(v)).dtype.itemsize` 8 where NumPy's is 4 (8.32 for NumPy's 4.16)."""
    x32 = np.array([0.31, -0.72, 0.55, 1.3, -0.4], dtype=np.float32)
    _checked(float32_times_python_conversions, x32, fd=False, rtol=1e-6)
    _checked(int32_plus_python_int, x32, fd=False, rtol=1e-6)
