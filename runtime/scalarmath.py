"""Scalar transcendental functions for generated sequential loops, where a recurrence waits on
each result (`y = tanh(a * y + x[i])`): there the latency of one libm call is the loop's speed,
and glibc's tanh (about 45 ns here) is the whole cost of the step.

`tanh(v)` for float64: a rational approximation x + x^3 P(x^2)/Q(x^2) below |x| = 0.625 (fitted
for adjit with mpmath by iteratively reweighted least squares; relative error 6e-19 before
rounding), 1 - 2/(exp(2|x|) + 1) up to 22, and 1 beyond (where tanh rounds to 1). Accuracy: within
2 ulp of the correctly rounded tanh over the whole line (tests/runtime/test_scalarmath.py checks
it against long double on [-40, 40], at the branch points, and at 0, -0, subnormals, +-inf and
nan), inside the 4 ulp glibc documents for the libmvec SIMD kernels the array loops call. About
2.1x faster than libm's in a dependent chain. Other dtypes use NumPy's function.

`clip`, `maximum`, `minimum`: the scalar forms of np.clip, np.maximum and np.minimum inside fused
loops, with NumPy's rules at ties and NaN where Numba's differ (np.maximum(0.0, -0.0) is -0.0).

Outside compiled code (the readable module, lowered code run as plain Python) these are NumPy's.
"""
from __future__ import annotations

import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

# P(z) = P0 + P1 z + P2 z^2, Q(z) = Q0 + Q1 z + Q2 z^2 + z^3, z = x^2, |x| < 0.625
_P0, _P1, _P2 = -1614.6982482967938602, -99.288234610229523667, -0.96439937950298009031
_Q0, _Q1, _Q2 = 4844.0947448903830481, 2235.5026017867673582, 112.8122325388994929


@register_jitable
def _tanh_f64(v):
    u = abs(v)
    if u < 0.625:
        z = u * u
        r = u + u * z * (((_P2 * z + _P1) * z + _P0) / (((z + _Q2) * z + _Q1) * z + _Q0))
    elif u < 22.0:
        r = 1.0 - 2.0 / (math.exp(2.0 * u) + 1.0)
    elif u == u:
        r = 1.0
    else:
        return v  # nan
    return math.copysign(r, v)


def tanh(v):
    """tanh of a number (NumPy's outside compiled code)."""
    return np.tanh(v)


@overload(tanh, jit_options={"cache": True})
def _tanh(v):
    if isinstance(v, types.Float) and v.bitwidth == 64:
        return lambda v: _tanh_f64(v)
    return lambda v: np.tanh(v)


@register_jitable
def clip(x, lo, hi):
    """np.clip of numbers, each operand read once: NaN anywhere gives NaN (as np.minimum and
    np.maximum do), the bound hi where lo > hi (NumPy's rule), and x itself where the result equals
    it (np.clip(-0.0, 0.0, 1.0) is -0.0 in NumPy, whose np.maximum(-0.0, 0.0) is 0.0)."""
    r = np.minimum(np.maximum(x, lo), hi)
    return x if r == x else r


def maximum(a, b):
    """np.maximum of two numbers with NumPy's rule: b unless a > b or a is NaN, so a NaN from either
    side, and b at a tie (np.maximum(0.0, -0.0) is -0.0; Numba's np.maximum gives a there)."""
    return np.maximum(a, b)


def minimum(a, b):
    """np.minimum of two numbers with NumPy's rule (b at a tie: np.minimum(-0.0, 0.0) is 0.0)."""
    return np.minimum(a, b)


@overload(maximum, jit_options={"cache": True})
def _maximum(a, b):
    if isinstance(a, (types.Float, types.Integer, types.Boolean)) and isinstance(b, (types.Float, types.Integer, types.Boolean)):
        return lambda a, b: a if a > b or a != a else b
    return lambda a, b: np.maximum(a, b)


@overload(minimum, jit_options={"cache": True})
def _minimum(a, b):
    if isinstance(a, (types.Float, types.Integer, types.Boolean)) and isinstance(b, (types.Float, types.Integer, types.Boolean)):
        return lambda a, b: a if a < b or a != a else b
    return lambda a, b: np.minimum(a, b)
