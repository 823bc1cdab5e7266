"""Rows of scipy.special functions computed by SciPy's own compiled code (runtime/special2.py):
erfcx, dawsn, ellipk, ellipe, spence, owens_t, and the Bessel functions of a real order v, jv, yv,
iv, kv and the scaled ive, kve. The order reaches a Bessel row through a `no_derivative` op
(frontend/forms/special_more.py), so a derivative in v is a located error, never a silent zero.

Derivatives (DLMF 7.10, 7.5, 19.4, 10.6, 10.29):
erfcx' = 2x erfcx - 2/sqrt(pi); dawsn' = 1 - 2x dawsn; K'(m) = (E - (1 - m) K) / (2m (1 - m)),
pi/8 at 0; E'(m) = (E - K) / (2m), -pi/8 at 0; spence'(z) = log(z) / (1 - z), -1 at 1;
T(h, a): d/dh = -phi(h) erf(a h / sqrt 2) / 2, d/da = exp(-h^2 (1 + a^2) / 2) / (2 pi (1 + a^2));
J_v' = (J_v-1 - J_v+1) / 2 (Y the same), I_v' = (I_v-1 + I_v+1) / 2, K_v' = -(K_v-1 + K_v+1) / 2,
ive = iv e^-|x|: ive' = (ive_v-1 + ive_v+1) / 2 - sign(x) ive; kve = kv e^x: kve' = kve - (kve_v-1 +
kve_v+1) / 2."""
from __future__ import annotations

import math

from .elementwise import _ew_float
from .table import Lazy, _tsum, npx, primitive

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _safe(z, at):
    return npx.where(z == at, 0.5 if at != 0.5 else 0.25, z)


def _unary(name, factor):
    primitive(name, _ew_float, elementwise=True, sources=(Lazy("scipy.special", name),),
              readable=f"scipy.special.{name}({{0}})", lowered=f"_special.{name}({{0}})",
              vjp=lambda g, y, x: (g * factor(y, x),), jvp=lambda t, y, x: t[0] * factor(y, x))


def _ellipk_slope(y, m):
    safe = npx.where(m * (1.0 - m) == 0.0, 0.5, m)
    return npx.where(m == 0.0, math.pi / 8.0, (npx.ellipe(safe) - (1.0 - safe) * npx.ellipk(safe))
                     / (2.0 * safe * (1.0 - safe)))


def _ellipe_slope(y, m):
    safe = npx.where(m == 0.0, 0.5, m)
    return npx.where(m == 0.0, -math.pi / 8.0, (npx.ellipe(safe) - npx.ellipk(safe)) / (2.0 * safe))


def _spence_slope(y, z):
    safe = npx.where(z == 1.0, 0.5, z)
    return npx.where(z == 1.0, -1.0, npx.log(safe) / (1.0 - safe))


_unary("erfcx", lambda y, x: 2.0 * x * y - _TWO_OVER_SQRT_PI)
_unary("dawsn", lambda y, x: 1.0 - 2.0 * x * y)
_unary("ellipk", _ellipk_slope)
_unary("ellipe", _ellipe_slope)
_unary("spence", _spence_slope)


def _owens_dh(h, a):
    return -0.5 * _INV_SQRT_2PI * npx.exp(-0.5 * h * h) * npx.erf(a * h / math.sqrt(2.0))


def _owens_da(h, a):
    q = 1.0 + a * a
    return npx.exp(-0.5 * h * h * q) / (2.0 * math.pi * q)


primitive("owens_t", _ew_float, elementwise=True, sources=(Lazy("scipy.special", "owens_t"),), params=("h", "a"),
          readable="scipy.special.owens_t({0}, {1})", lowered="_special.owens_t({0}, {1})",
          vjp=lambda g, y, h, a: (g * _owens_dh(h, a), g * _owens_da(h, a)),
          jvp=lambda t, y, h, a: _tsum(None if t[0] is None else t[0] * _owens_dh(h, a),
                                       None if t[1] is None else t[1] * _owens_da(h, a)))


def _bessel(name, slope):
    """A Bessel row f(v, x): v carries no derivative (it arrives through no_derivative: its
    cotangent, zero, only carries that op's error); d/dx = slope(y, v, x)."""
    primitive(name, _ew_float, elementwise=True, params=("v", "x"),
              readable=f"scipy.special.{name}({{0}}, {{1}})", lowered=f"_special.{name}({{0}}, {{1}})",
              vjp=lambda g, y, v, x: (g * 0.0, g * slope(y, v, x)),
              jvp=lambda t, y, v, x: None if t[1] is None else t[1] * slope(y, v, x))


_bessel("jv", lambda y, v, x: 0.5 * (npx.jv(v - 1.0, x) - npx.jv(v + 1.0, x)))
_bessel("yv", lambda y, v, x: 0.5 * (npx.yv(v - 1.0, x) - npx.yv(v + 1.0, x)))
_bessel("iv", lambda y, v, x: 0.5 * (npx.iv(v - 1.0, x) + npx.iv(v + 1.0, x)))
_bessel("kv", lambda y, v, x: -0.5 * (npx.kv(v - 1.0, x) + npx.kv(v + 1.0, x)))
_bessel("ive", lambda y, v, x: 0.5 * (npx.ive(v - 1.0, x) + npx.ive(v + 1.0, x)) - npx.sign(x) * y)
_bessel("kve", lambda y, v, x: y - 0.5 * (npx.kve(v - 1.0, x) + npx.kve(v + 1.0, x)))


# the inverses of the regularized incomplete gamma and beta functions in y (the shapes through
# no_derivative): x = P^-1(a, y), dx/dy = 1 / P'(x) = exp(gammaln(a) - xlogy(a - 1, x) + x); Q^-1 the
# negative; x = I^-1_y(a, b), dx/dy = exp(betaln(a, b) - xlogy(a - 1, x) - xlog1py(b - 1, -x))
def _gamma_inv_slope(x, a):
    return npx.exp(npx.gammaln(a) - npx.xlogy(a - 1.0, x) + x)


def _beta_inv_slope(x, a, b):
    return npx.exp(npx.betaln(a, b) - npx.xlogy(a - 1.0, x) - npx.xlogy(b - 1.0, 1.0 - x))


for _name, _sign in (("gammaincinv", 1.0), ("gammainccinv", -1.0)):
    primitive(_name, _ew_float, elementwise=True, params=("a", "y"),
              readable=f"scipy.special.{_name}({{0}}, {{1}})", lowered=f"_special.{_name}({{0}}, {{1}})",
              vjp=lambda g, x, a, y, s=_sign: (g * 0.0, s * g * _gamma_inv_slope(x, a)),
              jvp=lambda t, x, a, y, s=_sign: None if t[1] is None else s * t[1] * _gamma_inv_slope(x, a))
primitive("betaincinv", _ew_float, elementwise=True, params=("a", "b", "y"),
          readable="scipy.special.betaincinv({0}, {1}, {2})", lowered="_special.betaincinv({0}, {1}, {2})",
          vjp=lambda g, x, a, b, y: (g * 0.0, g * 0.0, g * _beta_inv_slope(x, a, b)),
          jvp=lambda t, x, a, b, y: None if t[2] is None else t[2] * _beta_inv_slope(x, a, b))
