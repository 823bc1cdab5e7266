"""The scalar tanh of generated sequential loops (runtime/scalarmath.py): within 2 ulp of the
correctly rounded value over the whole line, exact at the special values."""
from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from adjit.runtime import scalarmath


def _elementwise(f):
    """A compiled loop calling the scalar function f on each element (as generated loops do)."""
    @numba.njit(cache=False)
    def apply(v):
        out = np.empty_like(v)
        for k in range(v.shape[0]):
            out[k] = f(v[k])
        return out
    return apply


_apply = _elementwise(scalarmath.tanh)


def _ulps(got: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Error in units of the last place of float64, against long double."""
    ref = np.tanh(v.astype(np.longdouble))
    spacing = np.spacing(np.abs(ref.astype(np.float64)))
    return np.abs(got.astype(np.longdouble) - ref).astype(np.float64) / np.where(spacing > 0, spacing, 5e-324)


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 60, reason="needs an 80-bit long double reference")
def test_within_two_ulp_on_wide_ranges():
    rng = np.random.default_rng(0)
    v = np.concatenate([np.linspace(-40.0, 40.0, 400_001), rng.uniform(-1.0, 1.0, 200_000),
                        np.geomspace(1e-300, 1.0, 20_000), -np.geomspace(1e-300, 30.0, 20_000),
                        # around the branch points 0.625 and 22, ulp by ulp
                        0.625 + np.arange(-50, 50) * np.spacing(0.625), 22.0 + np.arange(-50, 50) * np.spacing(22.0)])
    assert np.max(_ulps(_apply(v), v)) <= 2.0


def test_special_values():
    v = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-310, np.inf, -np.inf, np.nan, 22.0, -22.0, 800.0])
    got = _apply(v)
    assert got[0] == 0.0 and math.copysign(1.0, got[0]) == 1.0
    assert got[1] == 0.0 and math.copysign(1.0, got[1]) == -1.0  # tanh(-0) = -0
    assert got[2] == 5e-324 and got[3] == -5e-324 and got[4] == 1e-310
    assert got[5] == 1.0 and got[6] == -1.0
    assert np.isnan(got[7])
    assert got[8] == 1.0 and got[9] == -1.0 and got[10] == 1.0


def test_float32_is_numbas_own_and_the_python_fallback_numpys():
    v32 = np.linspace(-3, 3, 101).astype(np.float32)
    got = _apply(v32)
    assert got.dtype == np.float32 and np.array_equal(got, _elementwise(np.tanh)(v32))  # libm's tanhf, as before
    assert scalarmath.tanh(0.5) == np.tanh(0.5)  # outside compiled code
