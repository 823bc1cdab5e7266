"""SIMD transcendental kernels: accuracy against NumPy over wide ranges and special values, in
both dtypes, and the scalar fallback (forced with ADJIT_SIMD=off)."""
import os
import subprocess
import sys

import numpy as np
import pytest

from adjit.runtime import simd

# Input ranges where each function is finite and interesting, including the tails.
RANGES = {"exp": (-700, 700), "log": (1e-300, 1e300), "log1p": (-0.999, 1e10), "expm1": (-50, 700),
          "sin": (-1e4, 1e4), "cos": (-1e4, 1e4), "tan": (-1.5, 1.5), "tanh": (-30, 30),
          "sinh": (-700, 700), "cosh": (-700, 700), "arctan": (-1e6, 1e6)}
F32_RANGES = {"exp": (-87, 88), "log": (1e-37, 1e37), "expm1": (-50, 88), "sinh": (-88, 88), "cosh": (-88, 88),
              "log1p": (-0.999, 1e30)}
SPECIALS = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-20, -1e-20]
ULPS = {np.float64: 4, np.float32: 8}  # libmvec's documented bounds are 4 ulp; NumPy's own error adds to it


def ulp_error(got, ref, dtype):
    finite = np.isfinite(ref)
    spacing = np.spacing(np.abs(ref[finite]).astype(dtype)).astype(np.float64)
    return np.max(np.abs(got[finite].astype(np.float64) - ref[finite].astype(np.float64)) / spacing, initial=0.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(simd.FUNCTIONS))
def test_kernel_matches_numpy_over_a_wide_range(name, dtype):
    lo, hi = (F32_RANGES.get(name, RANGES[name]) if dtype == np.float32 else RANGES[name])
    rng = np.random.default_rng(0)
    if lo > 0:
        x = np.exp(rng.uniform(np.log(lo), np.log(hi), 20011))  # log-uniform over decades
    else:
        x = rng.uniform(lo, hi, 20011)
    x = x.astype(dtype)
    ref = getattr(np, name)(x)
    got = x.copy()
    getattr(simd, f"{name}_inplace")(got)
    assert got.dtype == dtype
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ref))
    assert ulp_error(got, ref, dtype) <= ULPS[dtype]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(simd.FUNCTIONS))
def test_kernel_special_values(name, dtype):
    with np.errstate(all="ignore"):
        x = np.array(SPECIALS * 3, dtype=dtype)  # long enough to go through the vector path
        ref = getattr(np, name)(x)
        got = x.copy()
        getattr(simd, f"{name}_inplace")(got)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    same = ~np.isnan(ref)
    assert ulp_error(got[same], ref[same], dtype) <= ULPS[dtype]
    np.testing.assert_array_equal(np.signbit(got[same & (ref == 0)]), np.signbit(ref[same & (ref == 0)]))
    np.testing.assert_array_equal(got[np.isinf(ref)], ref[np.isinf(ref)])


def test_tails_and_lengths_not_a_multiple_of_the_vector_width():
    for n in range(0, 40):
        x = np.linspace(-3, 3, n)
        got = x.copy()
        simd.tanh_inplace(got)
        np.testing.assert_allclose(got, np.tanh(x), rtol=1e-15, atol=1e-16)


def test_multidimensional_buffers():
    x = np.random.default_rng(1).standard_normal((7, 13))
    got = x.copy()
    simd.exp_inplace(got)
    np.testing.assert_allclose(got, np.exp(x), rtol=1e-15)


def test_scalar_fallback_is_forced_by_env_and_agrees():
    code = ("import numpy as np; from adjit.runtime import simd; x = np.linspace(-5, 5, 1001); y = x.copy(); "
            "simd.tanh_inplace(y); print(simd.ISA, float(np.max(np.abs(y - np.tanh(x)))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, ADJIT_SIMD="off"), check=True)
    isa, err = out.stdout.split()
    assert isa == "off" and float(err) < 1e-15


def test_detected_isa_is_reported():
    assert simd.ISA in ("avx512", "avx2", "off")
