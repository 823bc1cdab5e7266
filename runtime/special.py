"""Special functions for lowered generated code (imported there as `_special`): scipy.special's
erf, erfc, gammaln, digamma, trigamma (polygamma(1, x)), polygamma(n, x), expit, logit and xlogy,
which Numba does not provide; gammainc, gammaincc, betainc, betaincc and factorial (their kernels
in runtime/incomplete.py: SciPy's compiled code); digamma, erfinv, erfcinv, ndtri, ndtr, log_ndtr,
log_expit, i0, i0e, i1, i1e, betaln (SciPy's compiled code, runtime/cspecial.py), the real branches
of Lambert's W (lambertw0, lambertwm1: Halley's iteration), and
`factorial_int`, math.factorial's float.

Each is a plain Python function (SciPy's, so the lowered source also runs as Python) with a Numba
`overload`: on numbers the scalar kernel, on arrays a loop over the (broadcast) elements, the
result float32 for float32 inputs and float64 otherwise, as NumPy's ufuncs. The kernels compute in
float64. `trigamma` is a series (Numba has none): reflection below 0, the recurrence
psi1(x) = psi1(x + 1) + 1/x^2 up to x >= 10, then the asymptotic expansion."""
from __future__ import annotations

import math

import numba
import numpy as np
import scipy.special as _sp
from numba import types
from numba.extending import overload

from . import cspecial as _cs
from . import incomplete as _inc
from .running import bincount_index, running_max, running_min  # noqa: F401  (forms/common.py's lowered code)

# ----------------------------------------------------------------------------- scalar kernels (float64)


@numba.njit(cache=True, nogil=True)
def _erf(x):
    return math.erf(x)


@numba.njit(cache=True, nogil=True)
def _erfc(x):
    return math.erfc(x)


@numba.njit(cache=True, nogil=True)
def _gammaln(x):
    if x <= 0.0 and x == np.floor(x):  # a pole: scipy.special.gammaln gives inf
        return math.inf
    return math.lgamma(x)


@numba.njit(cache=True, nogil=True)
def _trigamma(x):
    if x != x:
        return x
    if x <= 0.0:
        r = x - np.round(x)
        if r == 0.0:  # a pole
            return math.inf
        # reflection: psi1(1 - x) + psi1(x) = pi^2 / sin^2(pi x)
        s = math.sin(math.pi * r)
        return math.pi * math.pi / (s * s) - _trigamma_pos(1.0 - x)
    return _trigamma_pos(x)


@numba.njit(cache=True, nogil=True)
def _trigamma_pos(x):
    acc = 0.0
    while x < 10.0:
        acc += 1.0 / (x * x)
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    # 1/x + 1/(2x^2) + sum of B_2k / x^(2k+1), k = 1..7
    series = inv * inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30 - inv2 * (
        5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))))
    return acc + inv + 0.5 * inv2 + series


@numba.njit(cache=True, nogil=True)
def _expit(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@numba.njit(cache=True, nogil=True)
def _logit(x):
    return math.log(x / (1.0 - x))


@numba.njit(cache=True, nogil=True)
def _xlogy(x, y):
    if x == 0.0 and y == y:  # scipy: 0 where x == 0 (unless y is nan)
        return 0.0
    return x * math.log(y)


# ----------------------------------------------------------------------------- the functions


def _result_dtype(*tys):
    """float32 when every floating operand is float32 (and there is one), as NumPy's ufuncs."""
    floats = [t.dtype if isinstance(t, types.Array) else t for t in tys]
    if floats and all(f == types.float32 for f in floats):
        return np.float32
    return np.float64


def _trigamma_py(x):
    return _sp.polygamma(1, x)


def _unary(name: str, kernel, py=None):
    py = py or getattr(_sp, name)

    def fn(x):
        return py(x)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"scipy.special.{name} on numbers and arrays (compiled by Numba inside generated code)."

    @overload(fn, jit_options={"nogil": True})
    def _fn(x):
        dt = _result_dtype(x)
        if isinstance(x, types.Array):
            def impl(x):
                out = np.empty(x.shape, dt)
                for idx in np.ndindex(x.shape):
                    out[idx] = kernel(np.float64(x[idx]))
                return out
            return impl
        if isinstance(x, (types.Float, types.Integer, types.Boolean)):
            return lambda x: dt(kernel(np.float64(x)))
        return None

    return fn


def _binary(name: str, kernel):
    py = getattr(_sp, name)

    def fn(x, y):
        return py(x, y)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"scipy.special.{name} on numbers and arrays, broadcast (compiled by Numba inside generated code)."

    @overload(fn, jit_options={"nogil": True})
    def _fn(x, y):
        dt = _result_dtype(x, y)
        if isinstance(x, types.Array) or isinstance(y, types.Array):
            def impl(x, y):
                a, b = np.broadcast_arrays(x, y)
                out = np.empty(a.shape, dt)
                for idx in np.ndindex(a.shape):
                    out[idx] = kernel(np.float64(a[idx]), np.float64(b[idx]))
                return out
            return impl
        if all(isinstance(t, (types.Float, types.Integer, types.Boolean)) for t in (x, y)):
            return lambda x, y: dt(kernel(np.float64(x), np.float64(y)))
        return None

    return fn


def _ternary(name: str, kernel):
    py = getattr(_sp, name)

    def fn(x, y, z):
        return py(x, y, z)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"scipy.special.{name} on numbers and arrays, broadcast (compiled by Numba inside generated code)."

    @overload(fn, jit_options={"nogil": True})
    def _fn(x, y, z):
        dt = _result_dtype(x, y, z)
        if any(isinstance(t, types.Array) for t in (x, y, z)):
            def impl(x, y, z):
                a, b, c = np.broadcast_arrays(x, y, z)
                out = np.empty(a.shape, dt)
                for idx in np.ndindex(a.shape):
                    out[idx] = kernel(np.float64(a[idx]), np.float64(b[idx]), np.float64(c[idx]))
                return out
            return impl
        if all(isinstance(t, (types.Float, types.Integer, types.Boolean)) for t in (x, y, z)):
            return lambda x, y, z: dt(kernel(np.float64(x), np.float64(y), np.float64(z)))
        return None

    return fn


def factorial_int(k):
    """float(math.factorial(k)) of an int (ValueError below 0, OverflowError above 170, as Python)."""
    return float(math.factorial(k))


@overload(factorial_int, jit_options={"nogil": True})
def _factorial_int(k):
    if isinstance(k, types.Integer):
        return lambda k: _inc.factorial_int_kernel(np.int64(k))
    return None


def polygamma(n, x):
    """scipy.special.polygamma(n, x) for an int n >= 1 (n = 0 is digamma), float64 as SciPy's."""
    return _sp.polygamma(n, x)


@overload(polygamma, jit_options={"nogil": True})
def _polygamma(n, x):
    if not isinstance(n, types.Integer):
        return None
    if isinstance(x, types.Array):
        def impl(n, x):
            out = np.empty(x.shape, np.float64)
            for idx in np.ndindex(x.shape):
                out[idx] = _cs.polygamma_kernel(n, np.float64(x[idx]))
            return out
        return impl
    if isinstance(x, (types.Float, types.Integer, types.Boolean)):
        return lambda n, x: _cs.polygamma_kernel(n, np.float64(x))
    return None


erf = _unary("erf", _erf)
erfc = _unary("erfc", _erfc)
_EM1 = -0.36787944117144233  # -1/e, the branch point of Lambert's W


@numba.njit(cache=True, nogil=True)
def _lambertw_halley(x, w):
    """Halley's iteration for w e^w = x from a first guess w (cubic convergence)."""
    for _ in range(64):
        ew = math.exp(w)
        f = w * ew - x
        if w + 1.0 == 0.0:
            return w
        step = f / (ew * (w + 1.0) - (w + 2.0) * f / (2.0 * w + 2.0))
        w -= step
        if abs(step) <= 4e-16 * (1.0 + abs(w)):
            break
    return w


@numba.njit(cache=True, nogil=True)
def _lambertw_log(lx, w):
    """Newton's iteration for w + log|w| = lx (w e^w = x with lx = log|x|, w of x's sign): where
    w e^w itself would overflow (W0 of x near the largest double) or underflow (W-1 of a subnormal
    x), the equation in logarithms has neither (quadratic convergence from log|x| - log|log|x||)."""
    for _ in range(64):
        step = (w + math.log(abs(w)) - lx) / (1.0 + 1.0 / w)
        w -= step
        if abs(step) <= 4e-16 * (1.0 + abs(w)):
            break
    return w


_EM1_TOL = _EM1 * (1.0 + 1e-15)  # within rounding of -1/e: W's real part -1 (forms/special.py's check)


@numba.njit(cache=True, nogil=True)
def _lambertw0(x):
    """The principal branch W0 of Lambert's W on x >= -1/e (NaN below: complex there; -1 within
    rounding of -1/e, as the check that lets such x through)."""
    if x != x or x == math.inf:
        return x
    if x < _EM1:
        return -1.0 if x >= _EM1_TOL else math.nan
    if x == 0.0:
        return x
    if x < -0.25:  # near the branch point: the series in p = sqrt(2 (e x + 1))
        p = math.sqrt(max(2.0 * (math.e * x + 1.0), 0.0))
        if p == 0.0:
            return -1.0
        w = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p
    elif x < 3.0:
        w = 0.5 * math.log1p(x)
    else:
        lx = math.log(x)
        w = lx - math.log(lx)
        if x > 1e300:  # w e^w and Halley's terms overflow near the largest double
            return _lambertw_log(lx, w)
    return _lambertw_halley(x, w)


@numba.njit(cache=True, nogil=True)
def _lambertwm1(x):
    """The lower branch W-1 of Lambert's W on -1/e <= x < 0 (-inf at 0, NaN elsewhere: complex;
    -1 within rounding of -1/e)."""
    if x != x:
        return x
    if x == 0.0:
        return -math.inf
    if x < _EM1:
        return -1.0 if x >= _EM1_TOL else math.nan
    if x > 0.0:
        return math.nan
    if x < -0.25:
        p = -math.sqrt(max(2.0 * (math.e * x + 1.0), 0.0))
        if p == 0.0:
            return -1.0
        w = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p
    else:
        l1 = math.log(-x)
        w = l1 - math.log(-l1)
        if x > -1e-300:  # e^w underflows (to a subnormal or 0) near x = 0: the logarithmic form
            return _lambertw_log(l1, w)
    return _lambertw_halley(x, w)


gammaln = _unary("gammaln", _gammaln)
digamma = _unary("digamma", _cs.psi_kernel)  # SciPy's own psi (the series above: trigamma's sibling)
trigamma = _unary("trigamma", _trigamma, _trigamma_py)
expit = _unary("expit", _expit)
logit = _unary("logit", _logit)
xlogy = _binary("xlogy", _xlogy)
gammainc = _binary("gammainc", _inc.gammainc_kernel)
gammaincc = _binary("gammaincc", _inc.gammaincc_kernel)
betainc = _ternary("betainc", _inc.betainc_kernel)
betaincc = _ternary("betaincc", _inc.betaincc_kernel)
factorial = _unary("factorial", _inc.factorial_kernel)
erfinv = _unary("erfinv", _cs.erfinv_kernel)
erfcinv = _unary("erfcinv", _cs.erfcinv_kernel)
ndtri = _unary("ndtri", _cs.ndtri_kernel)
ndtr = _unary("ndtr", _cs.ndtr_kernel)
log_ndtr = _unary("log_ndtr", _cs.log_ndtr_kernel)
log_expit = _unary("log_expit", _cs.log_expit_kernel)
i0 = _unary("i0", _cs.i0_kernel)
i0e = _unary("i0e", _cs.i0e_kernel)
i1 = _unary("i1", _cs.i1_kernel)
i1e = _unary("i1e", _cs.i1e_kernel)
j0 = _unary("j0", _cs.j0_kernel)
j1 = _unary("j1", _cs.j1_kernel)
y0 = _unary("y0", _cs.y0_kernel)
y1 = _unary("y1", _cs.y1_kernel)
k0 = _unary("k0", _cs.k0_kernel)
k1 = _unary("k1", _cs.k1_kernel)
k0e = _unary("k0e", _cs.k0e_kernel)
k1e = _unary("k1e", _cs.k1e_kernel)
exp1 = _unary("exp1", _cs.exp1_kernel)
expi = _unary("expi", _cs.expi_kernel)
gamma = _unary("gamma", _cs.gamma_kernel)
betaln = _binary("betaln", _cs.betaln_kernel)
beta = _binary("beta", _cs.beta_kernel)
# the real branches; from Python (the lowered module run as Python) the same kernels, per element
_lambertw0_py, _lambertwm1_py = (np.vectorize(k, otypes=[np.float64]) for k in (_lambertw0, _lambertwm1))
lambertw0 = _unary("lambertw0", _lambertw0, lambda x: _lambertw0_py(x)[()])
lambertwm1 = _unary("lambertwm1", _lambertwm1, lambda x: _lambertwm1_py(x)[()])

__all__ = ["erf", "erfc", "gammaln", "digamma", "trigamma", "expit", "logit", "xlogy", "gammainc", "gammaincc",
           "betainc", "betaincc", "factorial", "factorial_int", "polygamma", "erfinv", "erfcinv", "ndtri", "ndtr",
           "log_ndtr", "log_expit", "i0", "i0e", "i1", "i1e", "j0", "j1", "y0", "y1", "k0", "k1", "k0e", "k1e", "exp1", "expi", "gamma", "betaln", "beta", "lambertw0", "lambertwm1", "running_max", "running_min", "bincount_index"]

from .special2 import *  # noqa: E402,F401,F403  (erfcx, dawsn, ellipk, ellipe, spence, owens_t, Bessel of real order)
from .special2 import __all__ as _more  # noqa: E402

__all__ += _more
