"""The formulas of scipy.stats' distributions, standardized as SciPy writes them (its `_logpdf`,
`_cdf`, ... of z = (x - loc) / scale), for forms/distributions.py to wrap with SciPy's generic
rules: loc and scale, the support, invalid parameters.

Each formula is a function of an `Ops` (math that emits IR ops on values and folds Python numbers
when the call is compiled), z and the shape parameters. The formulas follow SciPy's own (same
branches, same special functions), so values agree to rounding, except where SciPy's generic
`log(pdf)` underflows (laplace's logpdf beyond |z| ~ 745 is finite here, -inf in SciPy) and
where a special function is composed of rows: `betaln(a, b) = gammaln(a) + gammaln(b) -
gammaln(a + b)` and t's `log(poch(df / 2, 1 / 2))` as a difference of `gammaln`s lose digits
when the parameters are large (relative error about 1e-16 times their size).

A `where` whose unchosen branch may be infinite or NaN (a log at 0, an exp that overflows) is fed
an operand replaced where it is not chosen, so that the branch's derivative is finite there and
the `where`'s zero cotangent stays zero: `xlog1py`, the two-branch `logcdf`/`logsf`, laplace's
cdf."""
from __future__ import annotations

import math

import numpy as np

from ...builder import Var

_INF = math.inf
_LOG_PI = math.log(math.pi)
_LN2 = math.log(2.0)
_LOG_2PI_HALF = 0.5 * math.log(2 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


def _special(name):
    import scipy.special  # a program calling scipy.stats has imported it

    return getattr(scipy.special, name)


_HOST = {"log": np.log, "log1p": np.log1p, "exp": np.exp, "expm1": np.expm1, "sqrt": np.sqrt, "abs": np.abs,
         "arctan": np.arctan, "arctan2": np.arctan2, "logaddexp": np.logaddexp, "mod": np.mod}


def _num(a) -> bool:
    return isinstance(a, (bool, int, float))


class Ops:
    """`o.log(v)` emits a `log` op when v is a `Var`, and computes `math.log(v)` now when it is a
    Python number; `where`, `or_`, `and_` pick at compile time on a Python bool."""

    def __init__(self, builder, label="scipy.special"):
        self.b, self.label = builder, label

    def __getattr__(self, prim: str):
        def apply(*args):
            if all(_num(a) for a in args):
                host = _HOST.get(prim) or _special(prim)
                with np.errstate(all="ignore"):
                    return float(host(*args))
            return self.b.emit_vars(prim, args, {})

        apply.__name__ = prim
        return apply

    def where(self, c, a, b):
        if isinstance(c, (bool, np.bool_)):
            chosen, other = (a, b) if c else (b, a)
            if _num(chosen) and isinstance(other, Var):  # keep the other branch's shape
                return self.b.emit_vars("where", (bool(c), a, b), {})
            return chosen
        return self.b.emit_vars("where", (c, a, b), {})

    def or_(self, *cs):
        out = False
        for c in cs:
            if c is True or out is True:
                return True
            out = c if out is False else (out if c is False else self.b.emit_vars("logical_or", (out, c), {}))
        return out

    def and_(self, a, c):
        if a is False or c is False:
            return False
        return c if a is True else a if c is True else self.b.emit_vars("logical_and", (a, c), {})

    @staticmethod
    def sub(a, b):
        """a - b, written `a + 0.5` rather than `a - -0.5` when b is a negative number."""
        return a + (-b) if _num(b) and b < 0 else a - b

    # ------------------------------------------------------------ special functions composed of rows
    def xlogy(self, c, z):
        """scipy.special.xlogy (a row); `c * log(z)` when c is a nonzero number."""
        if _num(c) and c != 0 and not _num(z):
            return self.log(z) if c == 1 else c * self.log(z)
        return self.__getattr__("xlogy")(c, z)

    def xlog1py(self, c, y):
        """scipy.special.xlog1py: c log1p(y), 0 where c == 0, d/dc = log1p(y) and d/dy = c / (1 + y).
        Where c == 0 and y == -1 (0 times -inf) it is xlogy(c, 1 + y): value 0, d/dy 0 and d/dc
        -inf, as xlogy's at (0, 0) (beta.logpdf(1, a, b=1) is -inf for every b > 1)."""
        if _num(c) and c == 0:
            return 0.0
        if _num(c) and not _num(y):
            return self.log1p(y) if c == 1 else c * self.log1p(y)
        at = self.and_(c == 0, y == -1)
        return self.where(at, self.xlogy(c, 1.0 + self.where(at, y, 0.0)), c * self.log1p(self.where(at, 0.0, y)))

    def _shape(self, v, name):
        """A shape operand computed at run time, through `no_derivative` naming it: the incomplete
        gamma and beta functions have no derivative in their shape parameters here."""
        if _num(v):
            return v
        return self.b.emit_vars("no_derivative", (v,), {"what": f"{self.label} with respect to `{name}`"})

    def gammainc(self, a, x, name="a"):
        return self.__getattr__("gammainc")(self._shape(a, name), x)

    def gammaincc(self, a, x, name="a"):
        return self.__getattr__("gammaincc")(self._shape(a, name), x)

    def betainc(self, a, b, x, names=("a", "b")):
        return self.__getattr__("betainc")(self._shape(a, names[0]), self._shape(b, names[1]), x)

    def betaincc(self, a, b, x, names=("a", "b")):
        return self.__getattr__("betaincc")(self._shape(a, names[0]), self._shape(b, names[1]), x)

    def betaln(self, a, b):
        if _num(a) and _num(b):
            return float(_special("betaln")(a, b))
        return self.gammaln(a) + self.gammaln(b) - self.gammaln(a + b)


# ---------------------------------------------------------------------------- continuous
class Continuous:
    """A continuous distribution: shape parameter names, the standardized support [lo, hi] (open
    when `open_`: the pdf is 0 on the bounds), a point inside it (where an x outside is evaluated,
    its value discarded), the median (for the two-branch logcdf/logsf), which shape parameters are
    invalid (SciPy's `_argcheck`: nan there), the formulas (method -> f(o, z, *shapes)) and a
    summary for docs/supported.md. `edges(o, *shapes)`, for a density that is a power of the
    distance u to a closed bound there (C u^p, the log-density -inf on the bound when p > 0), gives
    (bound, sign of u = sign * (z - bound), p, log C): pdf's one-sided derivative on the bound is
    then C p u^(p-1) (0, C or inf), which exp(log-density) would make 0 * inf."""

    def __init__(self, shapes, rules, doc, lo=-_INF, hi=_INF, open_=False, inside=None, median=None, bad=None,
                 edges=None):
        self.shapes, self.rules, self.doc, self.edges = shapes, rules, doc, edges
        self.lo, self.hi, self.open, self.inside, self.median = lo, hi, open_, inside, median
        self.bad = bad or (lambda o, *shapes: o.or_(*[s <= 0 for s in shapes]))

    @property
    def methods(self) -> tuple:
        have = set(self.rules) | ({"pdf"} if "logpdf" in self.rules else set())
        if {"cdf", "sf"} <= have:
            have |= {"logcdf", "logsf"}
        return tuple(m for m in ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf") if m in have)

    def rule(self, method):
        """f(o, z, *shapes) for a method, SciPy's generic one where the distribution has none."""
        if method in self.rules:
            return self.rules[method]
        if method == "pdf":
            return lambda o, z, *s: o.exp(self.rules["logpdf"](o, z, *s))
        cdf, sf, m = self.rules["cdf"], self.rules["sf"], self.median
        if m is None:  # the median known only as cdf = 1/2: SciPy's branches by the values
            return lambda o, z, *s: _by_value(o, method, cdf(o, z, *s), sf(o, z, *s))
        if method == "logcdf":  # SciPy: log(cdf) below the median, log1p(-sf) above
            return lambda o, z, *s: o.where(z < m, o.log(cdf(o, z, *s)), o.log1p(-sf(o, o.where(z < m, m, z), *s)))
        return lambda o, z, *s: o.where(z > m, o.log(sf(o, z, *s)), o.log1p(-cdf(o, o.where(z > m, m, z), *s)))


def _by_value(o, method, c, s):
    """SciPy's generic logcdf (log(cdf) below the median, log1p(-sf) above) and logsf (log1p(-cdf)
    below, log(sf) above), the median where cdf = 1/2; the unchosen branch's operand is 1/2."""
    low = c < 0.5
    if method == "logcdf":
        return o.where(low, o.log(o.where(low, c, 0.5)), o.log1p(-o.where(low, 0.5, s)))
    return o.where(low, o.log1p(-o.where(low, c, 0.5)), o.log(o.where(low, 0.5, s)))


def _norm_cdf(o, z):
    return o.erfc(z * -_SQRT1_2) * 0.5


def _norm_sf(o, z):
    return o.erfc(z * _SQRT1_2) * 0.5


_TAIL = -30.0  # below it log(ndtr) is the asymptotic series; |error| < 1e-15 relative either side
_TAIL_TERMS = (-1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0, 2027025.0)  # (-1)^k (2k - 1)!!


def _log_ndtr(o, z):
    """scipy.special.log_ndtr: log(cdf) below 0, log1p(-sf) above, and below -30 (where cdf
    underflows) -z^2/2 - log(-z) - log(2 pi)/2 + log1p(sum_k (-1)^k (2k-1)!! / z^(2k)) (SciPy's
    series), each branch on an operand kept in its own range."""
    tail = z < _TAIL
    zt = o.where(tail, z, _TAIL)
    u = 1.0 / (zt * zt)
    poly = _TAIL_TERMS[-1]
    for c in reversed(_TAIL_TERMS[:-1]):
        poly = c + u * poly
    far = o.log1p(u * poly) - zt * zt * 0.5 - o.log(-zt) - _LOG_2PI_HALF
    zc = o.where(tail, _TAIL, z)
    near = o.where(zc < 0, o.log(_norm_cdf(o, zc)), o.log1p(-_norm_sf(o, o.where(zc < 0, 0.0, zc))))
    return o.where(tail, far, near)


def _t_logpdf(o, z, df):
    if _num(df) and math.isinf(df):
        return z * z * -0.5 - _LOG_2PI_HALF
    return o.sub(o.gammaln((df + 1) * 0.5), o.gammaln(df * 0.5)) - 0.5 * (o.log(df) + _LOG_PI) \
        - (df + 1) * 0.5 * o.log1p(z * z / df)


def _t_cdf(o, z, df):
    """SciPy's stdtr: the tail P(|T| > |t|) = betainc(df/2, 1/2, df / (df + t^2)), written as
    betaincc(1/2, df/2, t^2 / (df + t^2)) where t^2 < df (accurate near 0), halved and mirrored.
    At t == 0, 0.5 + t pdf(0): there t^2 makes the composition |t|-like (its derivative 0 * inf)."""
    if _num(df) and math.isinf(df):
        return _norm_cdf(o, z)
    at0 = z == 0
    zs = o.where(at0, 1.0, z)
    t2 = zs * zs
    near = t2 < df
    far_x = o.where(near, 0.5, df / (df + t2))
    near_y = o.where(near, t2 / (df + t2), 0.5)
    tail = o.where(near, o.betaincc(0.5, df * 0.5, near_y, ("a", "df")), o.betainc(df * 0.5, 0.5, far_x, ("df", "b")))
    half = tail * 0.5
    pdf0 = o.exp(_t_logpdf(o, 0.0, df))
    return o.where(at0, 0.5 + z * pdf0, o.where(zs < 0, half, 1.0 - half))


def _log1mexp(o, t):
    """log(1 - exp(-t)) for t >= 0: log(-expm1(-t)) below log(2), log1p(-exp(-t)) above (each
    branch exact where the other loses digits; the unchosen branch's operand is log(2))."""
    small = t < _LN2
    return o.where(small, o.log(-o.expm1(-o.where(small, t, _LN2))), o.log1p(-o.exp(-o.where(small, _LN2, t))))


_GUMBEL_FAR = 80.0  # exp(-exp(80)) is 0 in float32 and float64: beyond it pdf, cdf and sf are constant


def _gumbel_in(o, u):
    """u = -z (gumbel_r) or z (gumbel_l) capped at 80, for pdf, cdf and sf: beyond it exp(u) may
    overflow and exp(-exp(u)) * exp(u) (their derivative) be 0 * inf, a NaN where the value is
    exactly 0 or 1 and the derivative 0."""
    return o.where(u > _GUMBEL_FAR, _GUMBEL_FAR, u)


def _laplace_cdf(o, z):
    """where(z > 0, 1 - exp(-z) / 2, exp(z) / 2), each exp on z replaced by 0 where its branch is not taken."""
    up = z > 0
    return o.where(up, 1.0 - 0.5 * o.exp(-o.where(up, z, 0.0)), 0.5 * o.exp(o.where(up, 0.0, z)))


def _lognorm_logpdf(o, z, s):
    lz = o.log(z)
    return -(lz * lz) / (2 * s * s) - o.log(s * z * math.sqrt(2 * math.pi))


CONTINUOUS = {
    "norm": Continuous((), {
        "logpdf": lambda o, z: z * z * -0.5 - _LOG_2PI_HALF,
        "cdf": lambda o, z: _norm_cdf(o, z), "sf": lambda o, z: _norm_sf(o, z),
        "logcdf": _log_ndtr, "logsf": lambda o, z: _log_ndtr(o, -z),
    }, "`-z ** 2 / 2 - log(2 pi) / 2`, cdf `erfc(-z / sqrt(2)) / 2`, sf `erfc(z / sqrt(2)) / 2`, logcdf "
       "SciPy's `log_ndtr` (below z = -30 its asymptotic series)", median=0.0),
    "cauchy": Continuous((), {
        "logpdf": lambda o, z: -_LOG_PI - o.log1p(z * z),
        "pdf": lambda o, z: 1.0 / math.pi / (1.0 + z * z),
        "cdf": lambda o, z: o.arctan2(1.0, -z) / math.pi, "sf": lambda o, z: o.arctan2(1.0, z) / math.pi,
    }, "`-log(pi) - log1p(z ** 2)`, cdf `arctan2(1, -z) / pi`", median=0.0),
    "halfcauchy": Continuous((), {
        "logpdf": lambda o, z: math.log(2.0 / math.pi) - o.log1p(z * z),
        "pdf": lambda o, z: 2.0 / math.pi / (1.0 + z * z),
        "cdf": lambda o, z: 2.0 / math.pi * o.arctan(z), "sf": lambda o, z: 2.0 / math.pi * o.arctan2(1.0, z),
    }, "`log(2 / pi) - log1p(z ** 2)` on z >= 0", lo=0.0, inside=1.0, median=1.0),
    "t": Continuous(("df",), {"logpdf": _t_logpdf, "cdf": _t_cdf, "sf": lambda o, z, df: _t_cdf(o, -z, df)},
                    "`gammaln((df + 1) / 2) - gammaln(df / 2) - log(df pi) / 2 - (df + 1) / 2 log1p(z ** 2 / df)`, cdf "
                    "SciPy's `stdtr` by `betainc`/`betaincc` (no derivative in `df`)", median=0.0),
    "laplace": Continuous((), {
        "logpdf": lambda o, z: -o.abs(z) - math.log(2.0),
        "pdf": lambda o, z: 0.5 * o.exp(-o.abs(z)),
        "cdf": lambda o, z: _laplace_cdf(o, z), "sf": lambda o, z: _laplace_cdf(o, -z),
    }, "`-abs(z) - log(2)` (finite where SciPy's `log(pdf)` underflows), cdf by the sign of z", median=0.0),
    "logistic": Continuous((), {
        "logpdf": lambda o, z: -z - 2.0 * o.logaddexp(0.0, -z),
        "cdf": lambda o, z: o.expit(z), "sf": lambda o, z: o.expit(-z),
        "logcdf": lambda o, z: -o.logaddexp(0.0, -z), "logsf": lambda o, z: -o.logaddexp(0.0, z),
    }, "`-z - 2 logaddexp(0, -z)`, cdf `expit(z)`, logcdf `-logaddexp(0, -z)`", median=0.0),
    "expon": Continuous((), {
        "logpdf": lambda o, z: -z, "pdf": lambda o, z: o.exp(-z),
        "cdf": lambda o, z: -o.expm1(-z), "sf": lambda o, z: o.exp(-z), "logsf": lambda o, z: -z,
    }, "`-z` on z >= 0, cdf `-expm1(-z)`", lo=0.0, inside=1.0, median=math.log(2.0)),
    "gamma": Continuous(("a",), {
        "logpdf": lambda o, z, a: o.sub(o.xlogy(a - 1.0, z) - z, o.gammaln(a)),
        "cdf": lambda o, z, a: o.gammainc(a, z), "sf": lambda o, z, a: o.gammaincc(a, z),
    }, "`xlogy(a - 1, z) - z - gammaln(a)` on z >= 0, cdf `gammainc(a, z)`, sf `gammaincc(a, z)` (no derivative "
       "in `a`)", lo=0.0, inside=1.0,
                        edges=lambda o, a: ((0.0, 1.0, a - 1.0, -o.gammaln(a)),)),
    "beta": Continuous(("a", "b"), {
        "logpdf": lambda o, z, a, b: o.sub(o.xlog1py(b - 1.0, -z) + o.xlogy(a - 1.0, z), o.betaln(a, b)),
        "cdf": lambda o, z, a, b: o.betainc(a, b, z), "sf": lambda o, z, a, b: o.betaincc(a, b, z),
    }, "`xlog1py(b - 1, -z) + xlogy(a - 1, z) - betaln(a, b)` on 0 <= z <= 1, `betaln` of `gammaln`s, cdf "
       "`betainc(a, b, z)`, sf `betaincc(a, b, z)` (no derivative in `a`, `b`)",
        lo=0.0, hi=1.0, inside=0.5,
        edges=lambda o, a, b: ((0.0, 1.0, a - 1.0, -o.betaln(a, b)), (1.0, -1.0, b - 1.0, -o.betaln(a, b)))),
    "chi2": Continuous(("df",), {
        "logpdf": lambda o, z, df: o.sub(o.xlogy(df * 0.5 - 1.0, z) - z * 0.5, o.gammaln(df * 0.5)) - df * (_LN2 * 0.5),
        "cdf": lambda o, z, df: o.gammainc(df * 0.5, z * 0.5, "df"),
        "sf": lambda o, z, df: o.gammaincc(df * 0.5, z * 0.5, "df"),
    }, "`xlogy(df / 2 - 1, z) - z / 2 - gammaln(df / 2) - df log(2) / 2` on z >= 0, cdf `gammainc(df / 2, z / 2)` "
       "(no derivative in `df`)", lo=0.0, inside=1.0,
        edges=lambda o, df: ((0.0, 1.0, df * 0.5 - 1.0, -o.gammaln(df * 0.5) - df * (_LN2 * 0.5)),)),
    "lognorm": Continuous(("s",), {
        "logpdf": _lognorm_logpdf,
        "cdf": lambda o, z, s: _norm_cdf(o, o.log(z) / s), "sf": lambda o, z, s: _norm_sf(o, o.log(z) / s),
        "logcdf": lambda o, z, s: _log_ndtr(o, o.log(z) / s), "logsf": lambda o, z, s: _log_ndtr(o, -o.log(z) / s),
    }, "`-log(z) ** 2 / (2 s ** 2) - log(s z sqrt(2 pi))` on z > 0, cdf (logcdf) the normal one of `log(z) / s`",
        lo=0.0, open_=True, inside=1.0),
    "invgamma": Continuous(("a",), {"logpdf": lambda o, z, a: o.sub(-(a + 1) * o.log(z), o.gammaln(a)) - 1.0 / z},
                           "`-(a + 1) log(z) - gammaln(a) - 1 / z` on z > 0", lo=0.0, open_=True, inside=1.0),
    "halfnorm": Continuous((), {
        "logpdf": lambda o, z: 0.5 * math.log(2.0 / math.pi) - z * z / 2.0,
        "pdf": lambda o, z: math.sqrt(2.0 / math.pi) * o.exp(-z * z / 2.0),
        "cdf": lambda o, z: o.erf(z * _SQRT1_2), "sf": lambda o, z: o.erfc(z * _SQRT1_2),
    }, "`log(2 / pi) / 2 - z ** 2 / 2` on z >= 0, cdf `erf(z / sqrt(2))`", lo=0.0, inside=1.0),
    "weibull_min": Continuous(("c",), {
        "logpdf": lambda o, z, c: o.log(c) + o.xlogy(c - 1.0, z) - z ** c,
        "cdf": lambda o, z, c: -o.expm1(-(z ** c)), "sf": lambda o, z, c: o.exp(-(z ** c)),
        "logcdf": lambda o, z, c: _log1mexp(o, z ** c), "logsf": lambda o, z, c: -(z ** c),
    }, "`log(c) + xlogy(c - 1, z) - z ** c` on z >= 0, cdf `-expm1(-z ** c)`, logsf `-z ** c` (d(z ** c)/dc is 0 "
       "at z = 0)", lo=0.0, inside=1.0, edges=lambda o, c: ((0.0, 1.0, c - 1.0, o.log(c)),)),
    "rayleigh": Continuous((), {
        "logpdf": lambda o, z: o.log(z) - 0.5 * z * z,
        "cdf": lambda o, z: -o.expm1(-0.5 * z * z), "sf": lambda o, z: o.exp(-0.5 * z * z),
        "logsf": lambda o, z: -0.5 * z * z,
    }, "`log(z) - z ** 2 / 2` on z >= 0, cdf `-expm1(-z ** 2 / 2)`", lo=0.0, inside=1.0,
        median=math.sqrt(2.0 * _LN2), edges=lambda o: ((0.0, 1.0, 1.0, 0.0),)),
    "gumbel_r": Continuous((), {
        "logpdf": lambda o, z: -z - o.exp(-z),
        "pdf": lambda o, z: o.exp(_gumbel_in(o, -z) - o.exp(_gumbel_in(o, -z))),
        "cdf": lambda o, z: o.exp(-o.exp(_gumbel_in(o, -z))), "sf": lambda o, z: -o.expm1(-o.exp(_gumbel_in(o, -z))),
        "logcdf": lambda o, z: -o.exp(-z),
    }, "`-z - exp(-z)`, cdf `exp(-exp(-z))`", median=-math.log(_LN2)),
    "gumbel_l": Continuous((), {
        "logpdf": lambda o, z: z - o.exp(z),
        "pdf": lambda o, z: o.exp(_gumbel_in(o, z) - o.exp(_gumbel_in(o, z))),
        "cdf": lambda o, z: -o.expm1(-o.exp(_gumbel_in(o, z))), "sf": lambda o, z: o.exp(-o.exp(_gumbel_in(o, z))),
        "logsf": lambda o, z: -o.exp(z),
    }, "`z - exp(z)`, cdf `-expm1(-exp(z))`", median=math.log(_LN2)),
    "lomax": Continuous(("c",), {
        "logpdf": lambda o, z, c: o.log(c) - (c + 1.0) * o.log1p(z),
        "cdf": lambda o, z, c: -o.expm1(-c * o.log1p(z)), "sf": lambda o, z, c: o.exp(-c * o.log1p(z)),
        "logcdf": lambda o, z, c: _log1mexp(o, c * o.log1p(z)), "logsf": lambda o, z, c: -c * o.log1p(z),
    }, "`log(c) - (c + 1) log1p(z)` on z >= 0, sf `exp(-c log1p(z))`", lo=0.0, inside=1.0),
    "uniform": Continuous((), {
        "logpdf": lambda o, z: 0.0 * z, "pdf": lambda o, z: 0.0 * z + 1.0,
        "cdf": lambda o, z: z, "sf": lambda o, z: 1.0 - z,
    }, "`0` on 0 <= z <= 1 (so `-log(scale)`), cdf `z`", lo=0.0, hi=1.0, inside=0.5),
}


# ---------------------------------------------------------------------------- discrete
class Discrete:
    """A discrete distribution: shape parameter names, the support's top (a function of the
    shapes; the bottom is `lo`, 0 but for geom), which shapes are data (no gradient: an integer count), which are
    invalid, and logpmf(o, k, *shapes). `edges(o, k, *shapes)`: where the pmf is C u^e in the
    distance u of a parameter to a bound of its range (poisson's mu at 0: mu^k / k!), tuples
    (shape index, bound, sign of u = sign * (shape - bound), a value inside, e, log C): pmf's
    derivative there is C e u^(e-1) (1 or 0 for e = 1 or more), which exp(logpmf) would make 0 * inf."""

    def __init__(self, shapes, logpmf, bad, doc, hi=lambda *s: _INF, data=(), edges=None, lo=0):
        self.shapes, self.logpmf, self.bad, self.doc, self.hi, self.data = shapes, logpmf, bad, doc, hi, data
        self.lo = lo  # the support's bottom (geom's 1)
        self.edges = edges
        self.methods = ("logpmf", "pmf")


def _binom_logpmf(o, k, n, p):
    return _log_comb(o, n, k) + o.xlogy(k, p) + o.xlog1py(n - k, -p)


def _log_comb(o, n, k):
    return o.gammaln(n + 1) - (o.gammaln(k + 1) + o.gammaln(n - k + 1))


def _not_integral(o, n):
    return o.mod(n, 1.0) > 0


DISCRETE = {
    "poisson": Discrete(("mu",), lambda o, k, mu: o.sub(o.xlogy(k, mu) - o.gammaln(k + 1), mu),
                        lambda o, mu: mu < 0, "`xlogy(k, mu) - gammaln(k + 1) - mu`",
                        edges=lambda o, k, mu: ((0, 0.0, 1.0, 1.0, k, -o.gammaln(k + 1)),)),
    "binom": Discrete(("n", "p"), _binom_logpmf,
                      lambda o, n, p: o.or_(n < 0, _not_integral(o, n), p < 0, p > 1),
                      "`gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + xlogy(k, p) + xlog1py(n - k, -p)` "
                      "(`n` data, no gradient)", hi=lambda o, n, p: n, data=("n",),
                      edges=lambda o, k, n, p: ((1, 0.0, 1.0, 0.5, k, _log_comb(o, n, k)),
                                                (1, 1.0, -1.0, 0.5, n - k, _log_comb(o, n, k)))),
    "bernoulli": Discrete(("p",), lambda o, k, p: o.xlogy(k, p) + o.xlog1py(1 - k, -p),
                          lambda o, p: o.or_(p < 0, p > 1), "`xlogy(k, p) + xlog1py(1 - k, -p)`",
                          hi=lambda o, p: 1.0,
                          edges=lambda o, k, p: ((0, 0.0, 1.0, 0.5, k, 0.0), (0, 1.0, -1.0, 0.5, 1 - k, 0.0))),
    "nbinom": Discrete(("n", "p"),
                       lambda o, k, n, p: o.sub(o.gammaln(n + k) - o.gammaln(k + 1), o.gammaln(n)) + n * o.log(p)
                       + o.xlog1py(k, -p),
                       lambda o, n, p: o.or_(n <= 0, p <= 0, p > 1),
                       "`gammaln(n + k) - gammaln(k + 1) - gammaln(n) + n log(p) + xlog1py(k, -p)`",
                       edges=lambda o, k, n, p: ((1, 1.0, -1.0, 0.5, k,
                                                  o.sub(o.gammaln(n + k) - o.gammaln(k + 1), o.gammaln(n))),)),
    "geom": Discrete(("p",), lambda o, k, p: o.xlog1py(k - 1, -p) + o.log(p), lambda o, p: o.or_(p <= 0, p > 1),
                     "`xlog1py(k - 1, -p) + log(p)` on k >= 1", lo=1),
}
