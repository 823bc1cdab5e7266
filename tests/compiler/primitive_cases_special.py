"""Test rows of the special primitives (merged into primitive_cases.CASES): primitive name -> list of
(function, args maker, wrt)."""
import math

import numpy as np
import scipy.special as sp
from scipy.special import expit, gammaln

from primitive_cases import R, normal, positive, away_from_zero  # noqa: F401


def inside(*shape):
    """In (-0.9, 0.9): the domain of arcsin, arccos, arctanh, away from its edges."""
    return R.uniform(-0.9, 0.9, shape)


def arcsin_(x, u): return np.sum(u * np.arcsin(x)) + math.asin(x[0] * 0.5)
def arccos_(x, u): return np.sum(u * np.arccos(x)) + math.acos(x[1, 2] * 0.5) * 2.0
def arcsinh_(x, u): return np.sum(u * np.arcsinh(x)) + math.asinh(x[0])
def arccosh_(x, u): return np.sum(u * np.arccosh(x)) + math.acosh(x[0] + 0.5)
def arctanh_(x, u): return np.sum(u * np.arctanh(x)) + math.atanh(x[2] * 0.5)
def asin_aliases(x, u): return np.sum(u * (np.asin(x) + np.acos(x) ** 2 + np.atanh(x) + np.asinh(x) + np.acosh(2 + x)))
def logaddexp_(a, b, u): return np.sum(u * np.logaddexp(a, b))
def logaddexp2_(a, b, u): return np.sum(u * np.logaddexp2(a, b))
def hypot_(a, b, u): return np.sum(u * np.hypot(a, b)) + math.hypot(a[0, 0], b[1])
def erf_(x, u): return np.sum(u * sp.erf(x)) + math.erf(x[0]) * 3.0
def erfc_(x, u): return np.sum(u * sp.erfc(x)) + math.erfc(x[1])
def gammaln_(x, u): return np.sum(u * gammaln(x)) + math.lgamma(x[0] + 0.3)
def gammaln_negative(x, u): return np.sum(u * sp.gammaln(x - 3.0))  # log|Gamma| on (-3, -1): non-integers
def expit_(x, u): return np.sum(u * expit(x)) + sp.expit(x[0, 1] * 0.3)
def logit_(p, u): return np.sum(u * sp.logit(p))
def xlogy_(x, y, u): return np.sum(u * sp.xlogy(x, y))
def mod_(x, y, u): return np.sum(u * np.mod(x, y)) + np.sum(u * (x % y)) + np.sum(np.remainder(x[0], y) * u[0])


def fmod_(x, y, u): return np.sum(u * np.fmod(x, y)) + np.sum(np.fmod(x[0], y) * u[0])


def copysign_(x, y, u): return np.sum(u * np.copysign(x, y)) + np.sum(u * np.copysign(y, x))


def erfcx_dawsn_(x, u): return np.sum(u * sp.erfcx(x)) + np.sum(u * sp.dawsn(x))
def elliptic_(m, u): return np.sum(u * sp.ellipk(m)) + np.sum(u * sp.ellipe(m))
def spence_(z, u): return np.sum(u * sp.spence(z))
def owens_t_(h, a, u): return np.sum(u * sp.owens_t(h, a))
def bessel_jy_(x, u): return np.sum(u * sp.jv(1.5, x)) + np.sum(u * sp.yv(0.7, x)) + np.sum(u * sp.jv(-2.0, x))
def bessel_ik_(x, u): return (np.sum(u * sp.iv(0.5, x)) + np.sum(u * sp.kv(2.3, x)) + np.sum(u * sp.ive(1.2, x))
                              + np.sum(u * sp.kve(0.4, x)))


def incinv_(y, u): return (np.sum(u * sp.gammaincinv(2.5, y)) + np.sum(u * sp.gammainccinv(0.7, y))
                           + np.sum(u * sp.betaincinv(2.0, 3.5, y)))


def incomplete_(a, x, u):
    """The incomplete gamma and beta functions (their shape operands through no_derivative) and
    scipy.special.factorial of floats; one program for the five rows (one compile)."""
    return np.sum(u * (sp.gammainc(a, x) + sp.gammaincc(a + 0.5, 2 * x) + sp.betainc(a, 1.5, x / 5)
                       + sp.betaincc(0.7, a, x / 4) + sp.factorial(x) * 0.1))


def digamma_(x, u): return np.sum(u * sp.digamma(x)) + sp.psi(x[0] - 2.5)  # psi is digamma (one object)
def polygamma_(x, u): return np.sum(u * (sp.polygamma(1, x) + sp.polygamma(2, x) * 0.3 + sp.polygamma(0, x[0])))
def erfinv_(x, u): return np.sum(u * (sp.erfinv(x) + sp.erfcinv(x * 0.5 + 1.0) ** 2))
def ndtri_(p, u): return np.sum(u * (sp.ndtri(p) + sp.ndtr(p * 3.0 - 1.5)))
def log_ndtr_(x, u): return np.sum(u * sp.log_ndtr(x)) + np.sum(sp.log_expit(x) * u)
def bessel_(x, u): return np.sum(u * (sp.i0(x) + sp.i0e(x) + sp.i1(x) + sp.i1e(x) * 2.0 + np.i0(x) * 0.5))
def bessel_jy_(x, u): return np.sum(u * (sp.j0(x) + sp.j1(x) * 2.0 + sp.y0(x) * 0.5 + sp.y1(x) * 0.25))
def bessel_k_(x, u): return np.sum(u * (sp.k0(x) + sp.k1(x) * 0.5 + sp.k0e(x) * 2.0 + sp.k1e(x)))
def bessel_j_at_zero(x): return np.sum(sp.j1(x) + sp.j0(x) * x)  # j1'(0) = 1/2
def bessel_at_zero(x): return np.sum(sp.i1(x) + sp.i1e(x) ** 2 + sp.i0e(x))  # i1'(0) = i1e'(0) = 1/2
def betaln_(a, b, u): return np.sum(u * sp.betaln(a, b))
def gamma_(x, u): return np.sum(u * sp.gamma(x)) + math.gamma(x[0] + 1.0)  # negative x too (between the poles)
def beta_(a, b, u): return np.sum(u * sp.beta(a, b))
def exp1_(x, u): return np.sum(u * sp.exp1(x))
def expi_(x, u): return np.sum(u * sp.expi(x))  # both signs of x (the principal value below 0)
def lambertw_(x, u): return np.sum(u * sp.lambertw(x).real) + np.sum(sp.lambertw(-0.3 * np.exp(-0.1 * x * x), -1).real)


def mod_args():
    """x between multiples of y (x / y + 1/2 an integer, plus a little): no jump within reach of
    the finite differences."""
    y = R.uniform(1.5, 2.5, 4)
    k = R.integers(-3, 4, (3, 4)).astype(float)
    return (k + 0.5 + R.uniform(-0.2, 0.2, (3, 4))) * y, y, normal(3, 4)


def xlogy_entropy(p):
    """An entropy, and xlogy(0, p) = 0, which contributes nothing (nor any gradient)."""
    q = p / np.sum(p)
    return -np.sum(sp.xlogy(q, q)) + np.sum(sp.xlogy(p * 0.0, p))


def with_zero(*shape):
    x = R.standard_normal(shape)
    x.flat[1] = 0.0
    return x


CASES: dict = {
    "arcsin": [(arcsin_, lambda: (inside(6), normal(6)), (0,))],
    "arccos": [(arccos_, lambda: (inside(3, 4), normal(3, 4)), (0,)),
               (asin_aliases, lambda: (R.uniform(0.2, 0.8, 5), normal(5)), (0,))],
    "arcsinh": [(arcsinh_, lambda: (normal(6) * 3, normal(6)), (0,))],
    "arccosh": [(arccosh_, lambda: (R.uniform(1.2, 4.0, 6), normal(6)), (0,))],
    "arctanh": [(arctanh_, lambda: (inside(6), normal(6)), (0,))],
    "logaddexp": [(logaddexp_, lambda: (normal(3, 4) * 3, normal(4) * 3, normal(3, 4)), (0, 1))],
    "logaddexp2": [(logaddexp2_, lambda: (normal(3, 4) * 3, normal(3, 1) * 3, normal(3, 4)), (0, 1))],
    "mod": [(mod_, mod_args, (0, 1))],
    "erfcx": [(erfcx_dawsn_, lambda: (normal(7) * 2, normal(7)), (0,))],
    "dawsn": [(erfcx_dawsn_, lambda: (normal(5) * 3, normal(5)), (0,))],
    "ellipk": [(elliptic_, lambda: (R.uniform(-2.0, 0.95, 6), normal(6)), (0,))],
    "ellipe": [(elliptic_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "spence": [(spence_, lambda: (R.uniform(0.1, 3.0, 6), normal(6)), (0,))],
    "owens_t": [(owens_t_, lambda: (normal(5) * 2, normal(5), normal(5)), (0, 1))],
    "jv": [(bessel_jy_, lambda: (R.uniform(0.3, 8.0, 6), normal(6)), (0,))],
    "yv": [(bessel_jy_, lambda: (R.uniform(0.3, 8.0, 6), normal(6)), (0,))],
    "iv": [(bessel_ik_, lambda: (R.uniform(0.2, 4.0, 6), normal(6)), (0,))],
    "kv": [(bessel_ik_, lambda: (R.uniform(0.2, 4.0, 6), normal(6)), (0,))],
    "ive": [(bessel_ik_, lambda: (R.uniform(0.2, 4.0, 6), normal(6)), (0,))],
    "kve": [(bessel_ik_, lambda: (R.uniform(0.2, 4.0, 6), normal(6)), (0,))],
    "gammaincinv": [(incinv_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "gammainccinv": [(incinv_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "betaincinv": [(incinv_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "fmod": [(fmod_, mod_args, (0, 1)), (fmod_, lambda: (lambda x, y, u: (-x, -y, u))(*mod_args()), (0, 1))],
    "copysign": [(copysign_, lambda: (away_from_zero(3, 4), away_from_zero(4), normal(3, 4)), (0,))],
    "hypot": [(hypot_, lambda: (away_from_zero(3, 4), normal(4), normal(3, 4)), (0, 1))],
    "erf": [(erf_, lambda: (normal(7) * 1.5, normal(7)), (0,))],
    "erfc": [(erfc_, lambda: (normal(7) * 1.5, normal(7)), (0,))],
    "gammaln": [(gammaln_, lambda: (R.uniform(0.05, 12.0, 8), normal(8)), (0,)),
                (gammaln_negative, lambda: (R.uniform(0.1, 0.9, 4) + np.array([0.0, 0.0, 1.0, 1.0]), normal(4)), (0,))],
    "expit": [(expit_, lambda: (normal(3, 4) * 4, normal(3, 4)), (0,))],
    "logit": [(logit_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    **{name: [(incomplete_, lambda: (np.array([0.6, 1.3, 2.5, 4.0]), R.uniform(0.2, 3.5, (3, 4)), normal(3, 4)), (1,))]
       for name in ("gammainc", "gammaincc", "betainc", "betaincc", "factorial", "no_derivative")},
    "digamma": [(digamma_, lambda: (R.uniform(0.2, 5.0, 6), normal(6)), (0,))],
    "trigamma": [(polygamma_, lambda: (R.uniform(0.3, 5.0, 6), normal(6)), (0,))],
    "polygamma": [(polygamma_, lambda: (R.uniform(0.3, 5.0, 6), normal(6)), (0,))],
    "erfinv": [(erfinv_, lambda: (inside(6), normal(6)), (0,))],
    "erfcinv": [(erfinv_, lambda: (inside(6), normal(6)), (0,))],
    "ndtri": [(ndtri_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "ndtr": [(ndtri_, lambda: (R.uniform(0.05, 0.95, 6), normal(6)), (0,))],
    "log_ndtr": [(log_ndtr_, lambda: (np.array([-45.0, -12.0, -1.5, 0.0, 2.0, 8.0]), normal(6)), (0,))],
    "log_expit": [(log_ndtr_, lambda: (normal(6) * 4, normal(6)), (0,))],
    **{name: [(bessel_, lambda: (normal(7) * 3, normal(7)), (0,)), (bessel_at_zero, lambda: (np.array([0.0, 0.7, -1.2]),), (0,))]
       for name in ("i0", "i0e", "i1", "i1e")},
    **{name: [(bessel_jy_, lambda: (R.uniform(0.2, 9.0, 7), normal(7)), (0,))] for name in ("y0", "y1")},
    **{name: [(bessel_jy_, lambda: (R.uniform(0.2, 9.0, 7), normal(7)), (0,)),
              (bessel_j_at_zero, lambda: (np.array([0.0, -1.5, 2.0]),), (0,))] for name in ("j0", "j1")},
    **{name: [(bessel_k_, lambda: (R.uniform(0.2, 6.0, 7), normal(7)), (0,))] for name in ("k0", "k1", "k0e", "k1e")},
    **{name: [(lambertw_, lambda: (np.array([-0.3, -0.05, 0.0, 0.4, 2.5, 30.0]), normal(6)), (0,))]
       for name in ("lambertw0", "lambertwm1")},
    "exp1": [(exp1_, lambda: (R.uniform(0.05, 6.0, 6), normal(6)), (0,))],
    "expi": [(expi_, lambda: (np.array([-3.0, -0.4, 0.2, 1.0, 2.5, 7.0]), normal(6)), (0,))],
    "gamma": [(gamma_, lambda: (np.array([-1.5, -0.4, 0.3, 1.0, 2.5, 6.2]), normal(6)), (0,))],
    "beta": [(beta_, lambda: (R.uniform(0.3, 5.0, (3, 4)), R.uniform(0.3, 5.0, 4), normal(3, 4)), (0, 1))],
    "betaln": [(betaln_, lambda: (R.uniform(0.3, 5.0, (3, 4)), R.uniform(0.3, 5.0, 4), normal(3, 4)), (0, 1))],
    "xlogy": [(xlogy_, lambda: (with_zero(3, 4), positive(4), normal(3, 4)), (0, 1)),
              (xlogy_entropy, lambda: (R.uniform(0.1, 1.0, 5),), (0,))],
}
