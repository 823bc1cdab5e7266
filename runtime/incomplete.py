"""Scalar kernels (float64) for runtime/special.py: the regularized incomplete gamma and beta
functions, SciPy's own compiled code called through scipy.special.cython_special's C entry points
(`get_cython_function_address`, as numba-scipy does, bound by symbol name so that the code
that calls them is cached), and factorials from a table.

`gammainc(a, x)` = P(a, x), `gammaincc(a, x)` = Q(a, x), `betainc(a, b, x)` = I_x(a, b) and
`betaincc(a, b, x)` = 1 - I_x(a, b) are scipy.special's to the bit (the same machine code: Cephes
for the gamma pair, Boost for the beta pair). `factorial(x)` is scipy.special.factorial(x,
exact=False): 0 for x < 0, k! for an integer k <= 170 (the float nearest the integer: a table of
`float(math.factorial(k))`, where SciPy's gamma(k + 1) is at times 1 ulp off), inf above, gamma(x + 1)
between integers; nan for nan.
`factorial_int(k)` is `float(math.factorial(k))`: ValueError for k < 0 as math.factorial,
OverflowError above 170 (where Python's int has no float)."""
from __future__ import annotations

import math

import llvmlite.binding
import numba
import numpy as np
from numba import types
from numba.extending import get_cython_function_address

def _bind(symbol: str, name: str, nargs: int):
    """The cython_special C function `name` as an external function Numba links by symbol (made
    known to LLVM here, at every import: compiled code that calls it stays cacheable, unlike a
    ctypes pointer, which Numba would freeze into the code as an address of this process)."""
    llvmlite.binding.add_symbol(symbol, get_cython_function_address("scipy.special.cython_special", name))
    return types.ExternalFunction(symbol, types.float64(*([types.float64] * nargs), types.intc))


# the fused functions' double specialization is __pyx_fuse_0 (float is __pyx_fuse_1); the last
# argument is Cython's __pyx_skip_dispatch
_c_gammainc = _bind("adjit_cs_gammainc", "gammainc", 2)
_c_gammaincc = _bind("adjit_cs_gammaincc", "gammaincc", 2)
_c_betainc = _bind("adjit_cs_betainc", "__pyx_fuse_0betainc", 3)
_c_betaincc = _bind("adjit_cs_betaincc", "__pyx_fuse_0betaincc", 3)


@numba.njit(cache=True, nogil=True)
def gammainc_kernel(a, x):
    return _c_gammainc(a, x, 0)


@numba.njit(cache=True, nogil=True)
def gammaincc_kernel(a, x):
    return _c_gammaincc(a, x, 0)


@numba.njit(cache=True, nogil=True)
def betainc_kernel(a, b, x):
    return _c_betainc(a, b, x, 0)


@numba.njit(cache=True, nogil=True)
def betaincc_kernel(a, b, x):
    return _c_betaincc(a, b, x, 0)


FACTORIALS = np.array([float(math.factorial(k)) for k in range(171)])


@numba.njit(cache=True, nogil=True)
def factorial_kernel(x):
    if x != x:
        return x
    if x < 0.0:
        return 0.0
    if x == math.floor(x):
        return FACTORIALS[int(x)] if x <= 170.0 else math.inf
    if x > 171.0:
        return math.inf
    return math.gamma(x + 1.0)


@numba.njit(cache=True, nogil=True)
def factorial_int_kernel(k):
    if k < 0:
        raise ValueError("factorial() not defined for negative values")
    if k > 170:
        raise OverflowError("int too large to convert to float")
    return FACTORIALS[k]
