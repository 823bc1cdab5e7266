"""Scalar kernels (float64) for runtime/special.py: scipy.special's inverse error functions, the
normal distribution's ndtr/log_ndtr/ndtri, log_expit, the exponential integrals exp1 and expi,
gamma and beta,
the modified Bessel functions i0, i0e, i1, i1e, k0, k0e, k1, k1e, the Bessel functions j0, j1, y0, y1,
betaln and psi (digamma), SciPy's own compiled code called through
scipy.special.cython_special's C entry points (bound by symbol name as runtime/incomplete.py does,
so the code that calls them is cached): the same values as SciPy's, to the bit. And polygamma(n, x)
for n >= 1, which cython_special does not export: the recurrence up to x >= 10 + n, then the
asymptotic series, as `_trigamma` in runtime/special.py (within a few ulps of SciPy's
`(-1)^(n+1) n! zeta(n + 1, x)`)."""
from __future__ import annotations

import math

import numba

from .incomplete import _bind

_c_erfinv = _bind("adjit_cs_erfinv", "__pyx_fuse_0erfinv", 1)
_c_erfcinv = _bind("adjit_cs_erfcinv", "erfcinv", 1)
_c_ndtri = _bind("adjit_cs_ndtri", "ndtri", 1)
_c_ndtr = _bind("adjit_cs_ndtr", "__pyx_fuse_1ndtr", 1)
_c_log_ndtr = _bind("adjit_cs_log_ndtr", "__pyx_fuse_1log_ndtr", 1)
_c_log_expit = _bind("adjit_cs_log_expit", "__pyx_fuse_0log_expit", 1)
_c_i0 = _bind("adjit_cs_i0", "i0", 1)
_c_i0e = _bind("adjit_cs_i0e", "i0e", 1)
_c_i1 = _bind("adjit_cs_i1", "i1", 1)
_c_i1e = _bind("adjit_cs_i1e", "i1e", 1)
_c_betaln = _bind("adjit_cs_betaln", "betaln", 2)
_c_psi = _bind("adjit_cs_psi", "__pyx_fuse_1psi", 1)
_c_exp1 = _bind("adjit_cs_exp1", "__pyx_fuse_1exp1", 1)  # the double specialization (0 is complex)
_c_expi = _bind("adjit_cs_expi", "__pyx_fuse_1expi", 1)
_c_gamma = _bind("adjit_cs_gamma", "__pyx_fuse_1gamma", 1)  # the double specialization (0 is complex)
_c_beta = _bind("adjit_cs_beta", "beta", 2)
_c_j0 = _bind("adjit_cs_j0", "j0", 1)
_c_j1 = _bind("adjit_cs_j1", "j1", 1)
_c_y0 = _bind("adjit_cs_y0", "y0", 1)
_c_y1 = _bind("adjit_cs_y1", "y1", 1)
_c_k0 = _bind("adjit_cs_k0", "k0", 1)
_c_k1 = _bind("adjit_cs_k1", "k1", 1)
_c_k0e = _bind("adjit_cs_k0e", "k0e", 1)
_c_k1e = _bind("adjit_cs_k1e", "k1e", 1)


@numba.njit(cache=True, nogil=True)
def erfinv_kernel(x):
    return _c_erfinv(x, 0)


@numba.njit(cache=True, nogil=True)
def erfcinv_kernel(x):
    return _c_erfcinv(x, 0)


@numba.njit(cache=True, nogil=True)
def ndtri_kernel(x):
    return _c_ndtri(x, 0)


@numba.njit(cache=True, nogil=True)
def ndtr_kernel(x):
    return _c_ndtr(x, 0)


@numba.njit(cache=True, nogil=True)
def log_ndtr_kernel(x):
    return _c_log_ndtr(x, 0)


@numba.njit(cache=True, nogil=True)
def log_expit_kernel(x):
    return _c_log_expit(x, 0)


@numba.njit(cache=True, nogil=True)
def exp1_kernel(x):
    return _c_exp1(x, 0)


@numba.njit(cache=True, nogil=True)
def expi_kernel(x):
    return _c_expi(x, 0)


@numba.njit(cache=True, nogil=True)
def gamma_kernel(x):
    return _c_gamma(x, 0)


@numba.njit(cache=True, nogil=True)
def beta_kernel(a, b):
    return _c_beta(a, b, 0)


@numba.njit(cache=True, nogil=True)
def i0_kernel(x):
    return _c_i0(x, 0)


@numba.njit(cache=True, nogil=True)
def i0e_kernel(x):
    return _c_i0e(x, 0)


@numba.njit(cache=True, nogil=True)
def i1_kernel(x):
    return _c_i1(x, 0)


@numba.njit(cache=True, nogil=True)
def i1e_kernel(x):
    return _c_i1e(x, 0)


@numba.njit(cache=True, nogil=True)
def j0_kernel(x):
    return _c_j0(x, 0)


@numba.njit(cache=True, nogil=True)
def j1_kernel(x):
    return _c_j1(x, 0)


@numba.njit(cache=True, nogil=True)
def y0_kernel(x):
    return _c_y0(x, 0)


@numba.njit(cache=True, nogil=True)
def y1_kernel(x):
    return _c_y1(x, 0)


@numba.njit(cache=True, nogil=True)
def k0_kernel(x):
    return _c_k0(x, 0)


@numba.njit(cache=True, nogil=True)
def k1_kernel(x):
    return _c_k1(x, 0)


@numba.njit(cache=True, nogil=True)
def k0e_kernel(x):
    return _c_k0e(x, 0)


@numba.njit(cache=True, nogil=True)
def k1e_kernel(x):
    return _c_k1e(x, 0)


@numba.njit(cache=True, nogil=True)
def betaln_kernel(a, b):
    return _c_betaln(a, b, 0)


@numba.njit(cache=True, nogil=True)
def psi_kernel(x):
    return _c_psi(x, 0)


# B_2k / (2k)!, k = 1..9
_B2K = (1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160, -691.0 / 1307674368000,
        1.0 / 74724249600, -3617.0 / 10670622842880000, 43867.0 / 5109094217170944000)


@numba.njit(cache=True, nogil=True)
def polygamma_kernel(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! sum_k 1/(x + k)^(n+1), n >= 1."""
    if x != x:
        return x
    sign = 1.0 if n % 2 == 1 else -1.0
    if x <= 0.0 and x == math.floor(x):  # a pole: SciPy's zeta(n + 1, x) is inf there
        return sign * math.inf
    m = n + 1
    acc = 0.0
    while x < 10.0 + n:
        acc += 1.0 / x ** m
        x += 1.0
    # sum_{k >= x} 1/k^m ~ x^(1-m)/(m-1) + x^-m/2 + sum_j B_2j/(2j)! (m)_(2j-1) x^(-m-2j+1)
    inv = 1.0 / x
    inv2 = inv * inv
    term = inv ** m  # x^-m
    tail = 0.0
    rising = float(m)  # m (m+1) ... (m + 2j - 2)
    p = term * inv  # x^(-m-1)
    for j in range(9):
        tail += _B2K[j] * rising * p
        rising *= (m + 2 * j + 1) * (m + 2 * j + 2)
        p *= inv2
    s = acc + inv ** (m - 1) / (m - 1) + 0.5 * term + tail
    return sign * math.gamma(n + 1.0) * s
