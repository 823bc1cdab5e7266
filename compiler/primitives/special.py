"""Elementwise rows of the special and inverse functions: arcsin, arccos, the inverse hyperbolics,
logaddexp, hypot, erf/erfc, lgamma/gammaln, scipy.special's expit/logit/xlogy (issue 12, item 4).

NumPy's own ufuncs render as themselves (Numba has them for arrays and numbers). The functions
only SciPy has render as `scipy.special.<name>` in the readable source and as the runtime's
`_special.<name>` (runtime/special.py: a Numba overload on numbers and arrays) in the lowered one;
`math.erf`, `math.erfc`, `math.lgamma` are the same rows. `digamma` (= psi, d/dx gammaln),
`trigamma` and `polygamma(n, x)` (n known when compiled; forms/special.py) form a chain of
derivatives; erfinv, erfcinv, ndtri, ndtr, log_ndtr, log_expit, the exponential integrals exp1
and expi, the modified Bessel functions i0, i0e, i1, i1e (np.i0 too) and betaln call SciPy's
compiled code (runtime/cspecial.py).

Rules are written for their numerics: d/dx arcsinh = 1 / hypot(x, 1) (no overflow of x*x),
d/dx arccosh = 1 / (sqrt(x - 1) sqrt(x + 1)), (1 - x)(1 + x) for 1 - x^2; logaddexp's
d/dx1 = exp(x1 - z); hypot's d/dx = x / z, 0 at the origin (a subgradient); xlogy's d/dy is 0
where x == 0 (xlogy(0, y) = 0 for every y), its d/dx is log(y) everywhere (exact where y > 0;
a zero tangent of x contributes 0 in forward mode, also where log(y) = -inf)."""
from __future__ import annotations

import math

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Abstract
from .. import shapes as S
from .elementwise import _ew_float
from .table import Lazy, _tsum, npx, primitive

_LN2 = math.log(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _one_minus_sq(x):
    """1 - x^2 as (1 - x)(1 + x): accurate near |x| = 1."""
    return (1 - x) * (1 + x)


def _safe(z):
    """z, with 1 where z == 0: x / _safe(z) is 0 at the origin of hypot instead of 0/0."""
    return npx.where(z == 0, 1.0, z)


# ------------------------------------------------------------------------ inverse trigonometric
primitive("arcsin", _ew_float, elementwise=True, sources=(np.arcsin, math.asin), readable="np.arcsin({0})",
          vjp=lambda g, y, x: (g / npx.sqrt(_one_minus_sq(x)),),
          jvp=lambda t, y, x: t[0] / npx.sqrt(_one_minus_sq(x)))
primitive("arccos", _ew_float, elementwise=True, sources=(np.arccos, math.acos), readable="np.arccos({0})",
          vjp=lambda g, y, x: (-g / npx.sqrt(_one_minus_sq(x)),),
          jvp=lambda t, y, x: -t[0] / npx.sqrt(_one_minus_sq(x)))

# ------------------------------------------------------------------------ inverse hyperbolic
primitive("arcsinh", _ew_float, elementwise=True, sources=(np.arcsinh, math.asinh), readable="np.arcsinh({0})",
          vjp=lambda g, y, x: (g / npx.hypot(x, 1.0),),  # 1 / sqrt(x^2 + 1), x^2 never overflowing
          jvp=lambda t, y, x: t[0] / npx.hypot(x, 1.0))
primitive("arccosh", _ew_float, elementwise=True, sources=(np.arccosh, math.acosh), readable="np.arccosh({0})",
          vjp=lambda g, y, x: (g / (npx.sqrt(x - 1) * npx.sqrt(x + 1)),),
          jvp=lambda t, y, x: t[0] / (npx.sqrt(x - 1) * npx.sqrt(x + 1)))
primitive("arctanh", _ew_float, elementwise=True, sources=(np.arctanh, math.atanh), readable="np.arctanh({0})",
          vjp=lambda g, y, x: (g / _one_minus_sq(x),),
          jvp=lambda t, y, x: t[0] / _one_minus_sq(x))

# ------------------------------------------------------------------------ binary: logaddexp, hypot
# z = log(e^a + e^b): dz/da = e^(a - z) <= 1, never overflows
primitive("logaddexp", _ew_float, elementwise=True, sources=(np.logaddexp,), params=("x1", "x2"),
          readable="np.logaddexp({0}, {1})",
          vjp=lambda g, z, a, b: (g * npx.exp(a - z), g * npx.exp(b - z)),
          jvp=lambda t, z, a, b: _tsum(None if t[0] is None else t[0] * npx.exp(a - z),
                                       None if t[1] is None else t[1] * npx.exp(b - z)))
# z = log2(2^a + 2^b): dz/da = 2^(a - z)
primitive("logaddexp2", _ew_float, elementwise=True, sources=(np.logaddexp2,), params=("x1", "x2"),
          readable="np.logaddexp2({0}, {1})",
          vjp=lambda g, z, a, b: (g * npx.exp((a - z) * _LN2), g * npx.exp((b - z) * _LN2)),
          jvp=lambda t, z, a, b: _tsum(None if t[0] is None else t[0] * npx.exp((a - z) * _LN2),
                                       None if t[1] is None else t[1] * npx.exp((b - z) * _LN2)))
# z = sqrt(a^2 + b^2): dz/da = a / z (0 at the origin)
primitive("hypot", _ew_float, elementwise=True, sources=(np.hypot, math.hypot), params=("x1", "x2"),
          readable="np.hypot({0}, {1})",
          vjp=lambda g, z, a, b: (g * (a / _safe(z)), g * (b / _safe(z))),
          jvp=lambda t, z, a, b: _tsum(None if t[0] is None else t[0] * (a / _safe(z)),
                                       None if t[1] is None else t[1] * (b / _safe(z))))

# ------------------------------------------------------------------------ error function, log-gamma
primitive("erf", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "erf"), math.erf),
          readable="scipy.special.erf({0})", lowered="_special.erf({0})",
          vjp=lambda g, y, x: (g * (_TWO_OVER_SQRT_PI * npx.exp(-(x * x))),),
          jvp=lambda t, y, x: t[0] * (_TWO_OVER_SQRT_PI * npx.exp(-(x * x))))
primitive("erfc", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "erfc"), math.erfc),
          readable="scipy.special.erfc({0})", lowered="_special.erfc({0})",
          vjp=lambda g, y, x: (g * (-_TWO_OVER_SQRT_PI * npx.exp(-(x * x))),),
          jvp=lambda t, y, x: t[0] * (-_TWO_OVER_SQRT_PI * npx.exp(-(x * x))))
# log|Gamma(x)|: d/dx = digamma(x), for negative x too
primitive("gammaln", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "gammaln"), math.lgamma),
          readable="scipy.special.gammaln({0})", lowered="_special.gammaln({0})",
          vjp=lambda g, y, x: (g * npx.digamma(x),),
          jvp=lambda t, y, x: t[0] * npx.digamma(x))
# scipy.special.digamma (= psi, one object) and gammaln's derivative: SciPy's own psi; d/dx = trigamma
primitive("digamma", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "digamma"),),
          readable="scipy.special.digamma({0})", lowered="_special.digamma({0})",
          vjp=lambda g, y, x: (g * npx.trigamma(x),),
          jvp=lambda t, y, x: t[0] * npx.trigamma(x))
# polygamma(1, x), a series; d/dx = polygamma(2, x)
primitive("trigamma", _ew_float, elementwise=True,
          readable="scipy.special.polygamma(1, {0})", lowered="_special.trigamma({0})",
          vjp=lambda g, y, x: (g * npx.polygamma(x, n=2),),
          jvp=lambda t, y, x: t[0] * npx.polygamma(x, n=2))
# scipy.special.polygamma(n, x), n >= 2 known when compiled (forms/special.py: n = 0 digamma, 1 trigamma);
# float64 as SciPy's; d/dx = polygamma(n + 1, x)
primitive("polygamma", lambda x, **_: S.elementwise([x], S.scalar_type("float64", x.type.weak)), elementwise=True,
          readable="scipy.special.polygamma({n}, {0})", lowered="_special.polygamma({n}, {0})",
          vjp=lambda g, y, x, n: (g * npx.polygamma(x, n=n + 1),),
          jvp=lambda t, y, x, n: t[0] * npx.polygamma(x, n=n + 1))

# ------------------------------------------------------------------------ inverses of erf and of the normal cdf
def _sp(name):
    return Lazy("scipy.special", name)


def _row(name, vjp_factor, sources=None):
    """A unary scipy.special row, SciPy's compiled code; d/dx = vjp_factor(y, x)."""
    primitive(name, _ew_float, elementwise=True, sources=sources or (_sp(name),),
              readable=f"scipy.special.{name}({{0}})", lowered=f"_special.{name}({{0}})",
              vjp=lambda g, y, x: (g * vjp_factor(y, x),), jvp=lambda t, y, x: t[0] * vjp_factor(y, x))


# erfinv: sqrt(pi)/2 exp(y^2); erfcinv: minus that; ndtri (the normal quantile): sqrt(2 pi) exp(y^2 / 2)
_row("erfinv", lambda y, x: _SQRT_PI_OVER_TWO * npx.exp(y * y))
_row("erfcinv", lambda y, x: -_SQRT_PI_OVER_TWO * npx.exp(y * y))
_row("ndtri", lambda y, x: _SQRT_2PI * npx.exp(0.5 * (y * y)))
# ndtr: the normal density; log_ndtr: the density over ndtr, as exp of logs (no 0/0 in the far tail)
_row("ndtr", lambda y, x: npx.exp(-0.5 * (x * x) - _LOG_SQRT_2PI))
_row("log_ndtr", lambda y, x: npx.exp(-0.5 * (x * x) - _LOG_SQRT_2PI - y))
# log_expit(x) = -log(1 + e^-x): d/dx = 1 - expit(x) = expit(-x)
_row("log_expit", lambda y, x: npx.expit(-x))
# the exponential integrals: E1(x) = int_x^inf e^-t / t dt (x > 0; nan below, inf at 0, as SciPy's real
# E1), d/dx = -e^-x / x; Ei(x) = -PV int_-x^inf e^-t / t dt, d/dx = e^x / x
_row("exp1", lambda y, x: -npx.exp(-x) / x)
_row("expi", lambda y, x: npx.exp(x) / x)
# Gamma(x) (scipy.special.gamma, math.gamma): d/dx = Gamma(x) psi(x)
_row("gamma", lambda y, x: y * npx.digamma(x), sources=(_sp("gamma"), math.gamma))

# ------------------------------------------------------------------------ Lambert's W, its real branches
# scipy.special.lambertw(x, k).real for k = 0 (x >= -1/e) and k = -1 (-1/e <= x < 0), where W is real
# (forms/special.py checks x); dW/dx = W / (x (1 + W)) = 1 / (x + e^W): 1 at x = 0, inf at -1/e
def _lambertw_dx(w, x, k):
    """1 / (x + e^W); where that is 1/0 (the branch point -1/e, and x = 0 on W-1) the limit's sign:
    +inf on W0, -inf on W-1 (W-1 falls from -1 to -inf)."""
    d = x + npx.exp(w)
    return 1.0 / d if k == 0 else npx.where(d == 0.0, -math.inf, 1.0 / d)


for _k, _name in ((0, "lambertw0"), (-1, "lambertwm1")):
    primitive(_name, _ew_float, elementwise=True, readable=f"scipy.special.lambertw({{0}}, {_k}).real",
              lowered=f"_special.{_name}({{0}})",
              vjp=lambda g, w, x, _k=_k: (g * _lambertw_dx(w, x, _k),),
              jvp=lambda t, w, x, _k=_k: t[0] * _lambertw_dx(w, x, _k))

# ------------------------------------------------------------------------ modified Bessel functions
# i0' = i1; i1' = i0 - i1 / x (1/2 at 0); the scaled ones e^-|x| i_k(x): minus sign(x) times themselves
def _i1_over_x(x):
    return npx.where(x == 0, 0.5, npx.i1(x) / _safe(x))


def _i1e_over_x(x):
    return npx.where(x == 0, 0.5, npx.i1e(x) / _safe(x))


_row("i0", lambda y, x: npx.i1(x), sources=(_sp("i0"), np.i0))
_row("i0e", lambda y, x: npx.i1e(x) - npx.sign(x) * y)
_row("i1", lambda y, x: npx.i0(x) - _i1_over_x(x))
_row("i1e", lambda y, x: npx.i0e(x) - _i1e_over_x(x) - npx.sign(x) * y)

# the Bessel functions of the first and second kind and the modified ones of the second kind (x > 0 for
# y and k, as SciPy: nan below, inf/-inf at 0): j0' = -j1, j1' = j0 - j1 / x (1/2 at 0), y0' = -y1,
# y1' = y0 - y1 / x, k0' = -k1, k1' = -k0 - k1 / x; the scaled k_ne = e^x k_n: k0e' = k0e - k1e,
# k1e' = k1e - k0e - k1e / x
def _j1_over_x(x):
    return npx.where(x == 0, 0.5, npx.j1(x) / _safe(x))


_row("j0", lambda y, x: -npx.j1(x))
_row("j1", lambda y, x: npx.j0(x) - _j1_over_x(x))
_row("y0", lambda y, x: -npx.y1(x))
_row("y1", lambda y, x: npx.y0(x) - y / x)
_row("k0", lambda y, x: -npx.k1(x))
_row("k1", lambda y, x: -npx.k0(x) - y / x)
_row("k0e", lambda y, x: y - npx.k1e(x))
_row("k1e", lambda y, x: y - npx.k0e(x) - y / x)

# betaln(a, b) = log|B(a, b)|: d/da = digamma(a) - digamma(a + b)
primitive("betaln", _ew_float, elementwise=True, sources=(_sp("betaln"),), params=("a", "b"),
          readable="scipy.special.betaln({0}, {1})", lowered="_special.betaln({0}, {1})",
          vjp=lambda g, y, a, b: (g * (npx.digamma(a) - npx.digamma(a + b)),
                                  g * (npx.digamma(b) - npx.digamma(a + b))),
          jvp=lambda t, y, a, b: _tsum(None if t[0] is None else t[0] * (npx.digamma(a) - npx.digamma(a + b)),
                                       None if t[1] is None else t[1] * (npx.digamma(b) - npx.digamma(a + b))))

# beta(a, b) = Gamma(a) Gamma(b) / Gamma(a + b): d/da = beta (digamma(a) - digamma(a + b))
primitive("beta", _ew_float, elementwise=True, sources=(_sp("beta"),), params=("a", "b"),
          readable="scipy.special.beta({0}, {1})", lowered="_special.beta({0}, {1})",
          vjp=lambda g, y, a, b: (g * y * (npx.digamma(a) - npx.digamma(a + b)),
                                  g * y * (npx.digamma(b) - npx.digamma(a + b))),
          jvp=lambda t, y, a, b: _tsum(None if t[0] is None else t[0] * y * (npx.digamma(a) - npx.digamma(a + b)),
                                       None if t[1] is None else t[1] * y * (npx.digamma(b) - npx.digamma(a + b))))

# ------------------------------------------------------------------------ logistic, xlogy
# expit(x) = 1 / (1 + e^-x): y' = y (1 - y)
primitive("expit", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "expit"),),
          readable="scipy.special.expit({0})", lowered="_special.expit({0})",
          vjp=lambda g, y, x: (g * (y * (1 - y)),),
          jvp=lambda t, y, x: t[0] * (y * (1 - y)))
# logit(x) = log(x / (1 - x)): 1 / (x (1 - x))
primitive("logit", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "logit"),),
          readable="scipy.special.logit({0})", lowered="_special.logit({0})",
          vjp=lambda g, y, x: (g / (x * (1 - x)),),
          jvp=lambda t, y, x: t[0] / (x * (1 - x)))
# xlogy(x, y) = x log(y), 0 where x == 0: d/dx = log(y); d/dy = x / y, 0 where x == 0. A zero tangent of x
# adds 0, not 0 * log(0) = nan (gamma.logpdf(0, a=1) along x alone: the directional derivative is finite)
primitive("xlogy", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "xlogy"),), params=("x1", "x2"),
          readable="scipy.special.xlogy({0}, {1})", lowered="_special.xlogy({0}, {1})",
          vjp=lambda g, z, x, y: (g * npx.log(y), npx.where(x == 0, 0.0, g * (x / y))),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else npx.where(t[0] == 0, 0.0, t[0] * npx.log(y)),
                                       None if t[1] is None else npx.where(x == 0, 0.0, t[1] * (x / y))))


# ------------------------------------------------------------------------ no derivative known
def _no_derivative(what: str):
    raise UnsupportedSyntaxError(
        f"the derivative of {what} is not supported by adjit (it needs a series that adjit does not have)",
        hint="make that argument a constant or a value not computed from the differentiated arguments "
             "(adjit.stop_gradient(...) if its derivative is not wanted)")


# Identity in value: the operand of a function adjit has no derivative for with respect to it (gammainc's
# a). Its rules raise a located error where a derivative reaches it (a differentiated value flowing in,
# reverse or forward mode); never a silent zero, as stop_gradient would give.
primitive("no_derivative", lambda x, **_: Abstract(x.type, x.shape), elementwise=True,
          readable="{0:as_is}", lowered="{0:as_is}",
          vjp=lambda g, y, x, what: _no_derivative(what),
          jvp=lambda t, y, x, what: _no_derivative(what))


# ------------------------------------------------------------------------ incomplete gamma and beta
def _gamma_density(a, x):
    """x^(a-1) e^-x / Gamma(a) = d/dx gammainc(a, x), as exp of logs (xlogy: 1 at x = 0 for a = 1)."""
    return npx.exp(npx.xlogy(a - 1.0, x) - x - npx.gammaln(a))


def _beta_density(a, b, x):
    """x^(a-1) (1-x)^(b-1) / B(a, b) = d/dx betainc(a, b, x)."""
    return npx.exp(npx.xlogy(a - 1.0, x) + npx.xlogy(b - 1.0, 1.0 - x)
                   - (npx.gammaln(a) + npx.gammaln(b) - npx.gammaln(a + b)))


# P(a, x) and Q(a, x) = 1 - P: d/dx = +- the gamma density. The shape operand a reaches the row through a
# no_derivative (forms/special.py): its cotangent here, zero, only carries the error to it.
primitive("gammainc", _ew_float, elementwise=True, params=("a", "x"),
          readable="scipy.special.gammainc({0}, {1})", lowered="_special.gammainc({0}, {1})",
          vjp=lambda g, y, a, x: (g * 0.0, g * _gamma_density(a, x)),
          jvp=lambda t, y, a, x: None if t[1] is None else t[1] * _gamma_density(a, x))
primitive("gammaincc", _ew_float, elementwise=True, params=("a", "x"),
          readable="scipy.special.gammaincc({0}, {1})", lowered="_special.gammaincc({0}, {1})",
          vjp=lambda g, y, a, x: (g * 0.0, -g * _gamma_density(a, x)),
          jvp=lambda t, y, a, x: None if t[1] is None else -t[1] * _gamma_density(a, x))
# I_x(a, b) and 1 - I_x(a, b): d/dx = +- the beta density
primitive("betainc", _ew_float, elementwise=True, params=("a", "b", "x"),
          readable="scipy.special.betainc({0}, {1}, {2})", lowered="_special.betainc({0}, {1}, {2})",
          vjp=lambda g, y, a, b, x: (g * 0.0, g * 0.0, g * _beta_density(a, b, x)),
          jvp=lambda t, y, a, b, x: None if t[2] is None else t[2] * _beta_density(a, b, x))
primitive("betaincc", _ew_float, elementwise=True, params=("a", "b", "x"),
          readable="scipy.special.betaincc({0}, {1}, {2})", lowered="_special.betaincc({0}, {1}, {2})",
          vjp=lambda g, y, a, b, x: (g * 0.0, g * 0.0, -g * _beta_density(a, b, x)),
          jvp=lambda t, y, a, b, x: None if t[2] is None else -t[2] * _beta_density(a, b, x))

# ------------------------------------------------------------------------ factorials
# scipy.special.factorial(x) (exact=False): 0 below 0, gamma(x + 1) from 0 on: d/dx = y digamma(x + 1)
primitive("factorial", _ew_float, elementwise=True,
          readable="scipy.special.factorial({0})", lowered="_special.factorial({0})",
          vjp=lambda g, y, x: (npx.where(x < 0, 0.0, g * (y * npx.digamma(x + 1.0))),),
          jvp=lambda t, y, x: npx.where(x < 0, 0.0, t[0] * (y * npx.digamma(x + 1.0))))
# math.factorial(k) of an int known when the function runs, as a float (no derivative: k is an int)
primitive("factorial_int", _ew_float, elementwise=True, differentiable=False,
          readable="scipy.special.factorial({0})", lowered="_special.factorial_int({0})")  # readable: 0 below 0
