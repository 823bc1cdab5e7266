"""np.nancumsum and np.nancumprod (a fuzz campaign's refusal, 2026-12-03 evening): NaN counts as 0
(as 1 for the product), no gradient flows to it; ints pass through. Run as Python (no Numba compile)."""
import numpy as np

from conftest import check_against_fd, run_grad


def nan_scans(x):
    y = np.where(x > 0.9, np.nan, x)
    return np.sum(np.nancumsum(y) * np.arange(6.0)) + np.sum(np.nancumprod(y.reshape(2, 3), axis=1))


def int_scan(x):
    return np.sum(np.nancumsum(np.arange(6)) * x)


def test_nan_scans_are_numpys():
    x = np.linspace(0.2, 1.4, 6)
    check_against_fd(nan_scans, [x], (0,), compiled=False)
    check_against_fd(int_scan, [x], (0,), compiled=False)
    value, (g,) = run_grad(nan_scans, (x,), (0,))
    assert np.all(g[x > 0.9] == 0.0)
