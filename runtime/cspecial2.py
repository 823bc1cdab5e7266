"""Scalar kernels (float64) for runtime/special2.py: scipy.special's erfcx, dawsn, ellipk, ellipe,
spence, owens_t, the inverse incomplete gamma and beta functions and the Bessel functions of real
order jv, yv, iv, kv, ive, kve, SciPy's own
compiled code through scipy.special.cython_special's C entry points (bound by symbol name as
runtime/incomplete.py does, so the code that calls them is cached): SciPy's values, to the bit.
The fused functions' double specialization is __pyx_fuse_1 here (0 is the complex one)."""
from __future__ import annotations

import numba

from .incomplete import _bind

_c_erfcx = _bind("adjit_cs_erfcx", "__pyx_fuse_1erfcx", 1)
_c_dawsn = _bind("adjit_cs_dawsn", "__pyx_fuse_1dawsn", 1)
_c_ellipk = _bind("adjit_cs_ellipk", "ellipk", 1)
_c_ellipe = _bind("adjit_cs_ellipe", "ellipe", 1)
_c_spence = _bind("adjit_cs_spence", "__pyx_fuse_1spence", 1)
_c_owens_t = _bind("adjit_cs_owens_t", "owens_t", 2)
_c_gammaincinv = _bind("adjit_cs_gammaincinv", "gammaincinv", 2)
_c_gammainccinv = _bind("adjit_cs_gammainccinv", "gammainccinv", 2)
_c_betaincinv = _bind("adjit_cs_betaincinv", "__pyx_fuse_0betaincinv", 3)
_c_jv = _bind("adjit_cs_jv", "__pyx_fuse_1jv", 2)
_c_yv = _bind("adjit_cs_yv", "__pyx_fuse_1yv", 2)
_c_iv = _bind("adjit_cs_iv", "__pyx_fuse_1iv", 2)
_c_kv = _bind("adjit_cs_kv", "__pyx_fuse_1kv", 2)
_c_ive = _bind("adjit_cs_ive", "__pyx_fuse_1ive", 2)
_c_kve = _bind("adjit_cs_kve", "__pyx_fuse_1kve", 2)


@numba.njit(cache=True, nogil=True)
def erfcx_kernel(x):
    return _c_erfcx(x, 0)


@numba.njit(cache=True, nogil=True)
def dawsn_kernel(x):
    return _c_dawsn(x, 0)


@numba.njit(cache=True, nogil=True)
def ellipk_kernel(x):
    return _c_ellipk(x, 0)


@numba.njit(cache=True, nogil=True)
def ellipe_kernel(x):
    return _c_ellipe(x, 0)


@numba.njit(cache=True, nogil=True)
def spence_kernel(x):
    return _c_spence(x, 0)


@numba.njit(cache=True, nogil=True)
def owens_t_kernel(h, a):
    return _c_owens_t(h, a, 0)


@numba.njit(cache=True, nogil=True)
def jv_kernel(v, x):
    return _c_jv(v, x, 0)


@numba.njit(cache=True, nogil=True)
def yv_kernel(v, x):
    return _c_yv(v, x, 0)


@numba.njit(cache=True, nogil=True)
def iv_kernel(v, x):
    return _c_iv(v, x, 0)


@numba.njit(cache=True, nogil=True)
def kv_kernel(v, x):
    return _c_kv(v, x, 0)


@numba.njit(cache=True, nogil=True)
def ive_kernel(v, x):
    return _c_ive(v, x, 0)


@numba.njit(cache=True, nogil=True)
def kve_kernel(v, x):
    return _c_kve(v, x, 0)


@numba.njit(cache=True, nogil=True)
def gammaincinv_kernel(a, y):
    return _c_gammaincinv(a, y, 0)


@numba.njit(cache=True, nogil=True)
def gammainccinv_kernel(a, y):
    return _c_gammainccinv(a, y, 0)


@numba.njit(cache=True, nogil=True)
def betaincinv_kernel(a, b, y):
    return _c_betaincinv(a, b, y, 0)
