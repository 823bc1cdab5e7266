"""scipy.stats' distributions, composed of rows (issue 12: the finance programs write
`norm.cdf(d1)`, the Bayesian ones `cauchy.logpdf(tau, 0, 5)`, `gamma.logpdf(x, a, scale=th)`,
`poisson.logpmf(k, mu)`, `multivariate_normal.logpdf(X, m, S)`). The distribution object is
matched when a program calls one of its methods (a bound method is a new object at every
attribute access, so it is not in the table by identity), written `norm.logpdf`,
`scipy.stats.norm.logpdf` or `stats.norm.logpdf`; a frozen distribution (`norm(mu, s).logpdf(x)`)
is a compile-time `FrozenDistribution` holding its arguments.

A continuous distribution's methods follow SciPy's generic rules around the standardized
formulas of densities.py, with z = (x - loc) / scale: logpdf = f(z) - log(scale), pdf = f(z) /
scale; outside the support logpdf is -inf, pdf 0, cdf 0 or 1 (SciPy's closed support, open for
lognorm and invgamma), and f is evaluated at a point inside the support there. On a closed bound
the formula is used where its value is finite, so a derivative there is the one-sided one from
inside (`_dist_edges` where the pdf is a power of the distance to the bound); where the density is
infinite on the bound z = 0 (a shape below 1), logpdf's scale derivative is the finite one of
p log(x - loc) - p log(scale) (`_dist_pole`), never inf * 0. So neither value
nor gradient sees a log of a negative number; where a parameter computed at run time is invalid (scale <= 0, a shape parameter SciPy rejects) the
result is NaN, as SciPy's. A NaN x gives NaN. A discrete distribution's logpmf/pmf is -inf/0 off
the integers of its support; k (and binom's n) are data: no gradient flows to them.
`multivariate_normal.logpdf(x, mean, cov)` is Cholesky's: -(d log 2 pi + 2 sum(log diag L) +
|L^-1 (x - mean)|^2) / 2, for one point or rows of points (SciPy's squeeze), cov a matrix, a
vector (its diagonal) or a number; a matrix that is not positive definite raises LinAlgError."""
from __future__ import annotations

import math

import numpy as np

from ...builder import Var
from ...errors import AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ..values import _is_number
from .base import FormsBase
from .densities import CONTINUOUS, DISCRETE, Ops

_MVN = "multivariate_normal"
_RANDOM = ("rvs", "fit", "fit_loc_scale", "random_state")  # never computed once, when compiled
_QUANTILES = {"norm": ("ppf", "isf")}  # quantile methods: loc + scale * (+-ndtri(q)), `_dist_quantile`


def _row(name, dist) -> tuple:
    shapes = "".join(f", {s}" for s in dist.shapes)
    call = f"(x{shapes}, loc=0, scale=1)" if name in CONTINUOUS else f"(k{shapes}, loc=0)"
    tail = "" if name in CONTINUOUS else "; -inf off the integers of the support, `k` is data (no gradient)"
    quantiles = "".join(f", `{m}`" for m in _QUANTILES.get(name, ()))
    tail += f"; {quantiles[2:]} (q, loc=0, scale=1): `loc +- scale * ndtri(q)`" if quantiles else ""
    return ((), (), ", ".join(f"`{m}`" for m in dist.methods) + quantiles + f" {call}: {dist.doc}{tail}")


# spelling -> (the objects or method names it matches, what it lowers to); the objects are matched
# by `distribution_call`, not by identity
FORMS: dict = {"scipy.stats distributions": ((), (), (
    "written `norm.logpdf(...)`, `scipy.stats.norm.logpdf(...)`, `stats.norm.logpdf(...)`, positional or keyword "
    "as SciPy binds them; z = (x - loc) / scale, logpdf = f(z) - log(scale), pdf = exp(f(z)) / scale unless "
    "listed, logcdf/logsf as SciPy (`log(cdf)` below the median, `log1p(-sf)` above) unless listed. Outside the "
    "support: logpdf -inf, pdf 0, cdf 0 or 1 (f is evaluated at a point inside, so no NaN reaches the gradient); "
    "a parameter computed at run time that SciPy rejects (scale <= 0, a shape <= 0) gives NaN; NaN x gives NaN. "
    "Every argument a number: SciPy's value when compiled, for any method but `rvs` and `fit` (`norm.ppf(0.975)`). "
    "On a closed support's bound a derivative is the one-sided one from inside (expon.logpdf(0), uniform.cdf at its "
    "ends); where the log-density is -inf there (`gamma.pdf(0, 2.5)`) pdf is 0 with derivative C p u^(p-1) "
    "(0, C or inf) and logpdf -inf with derivative 0, as outside; pmf likewise where a parameter is on a bound of "
    "its range (`poisson.pmf(1, 0)`: derivative 1 in mu; logpmf -inf there with derivative 0)"))}
FORMS.update({f"scipy.stats.{name}": _row(name, dist) for name, dist in {**CONTINUOUS, **DISCRETE}.items()})
FORMS[f"scipy.stats.{_MVN}"] = ((), (), "`logpdf`, `pdf` (x, mean=None, cov=1): Cholesky's `-(d log(2 pi) + 2 sum(log(diag "
                                        "L)) + sum((L^-1 (x - mean)) ** 2)) / 2`, x one point or rows of points (SciPy's squeeze), cov a "
                                        "matrix, a vector (its diagonal) or a number; not `allow_singular=True`")
FORMS["scipy.stats frozen"] = ((), (), "`norm(loc, scale).logpdf(x)`, `gamma(a, scale=s).pdf(x)`, "
                                       "`multivariate_normal(mean, cov).logpdf(x)`: the call with the frozen "
                                       "arguments added")


def _supported() -> dict:
    return {**{n: d.methods + _QUANTILES.get(n, ()) for n, d in CONTINUOUS.items()},
            **{n: d.methods for n, d in DISCRETE.items()}, _MVN: ("logpdf", "pdf")}


def _name(obj):
    """The scipy.stats distribution `obj` is (norm, cauchy, multivariate_normal...), else None."""
    cls = type(obj)
    if not cls.__module__.startswith("scipy.stats") or not hasattr(obj, "logpdf") and not hasattr(obj, "logpmf"):
        return None
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) else cls.__name__.removesuffix("_gen").removesuffix("_frozen")


class FrozenDistribution:
    """`norm(mu, s)` while lowering: the distribution and the arguments its methods add."""

    def __init__(self, dist, args, kwargs):
        self.dist, self.args, self.kwargs = dist, tuple(args), dict(kwargs)

    def __getattr__(self, method):
        if method.startswith("__"):
            raise AttributeError(method)
        return _FrozenMethod(self, method)


class _FrozenMethod:
    def __init__(self, owner, name):
        self.__self__, self.__name__ = owner, name


class DistributionForms(FormsBase):
    def distribution_call(self, func, args, kwargs, node):
        """`norm.cdf(x, loc, scale)`, `cauchy.logpdf(...)`, `norm(mu, s)` and its methods lowered;
        None when func is not a scipy.stats distribution's."""
        owner = getattr(func, "__self__", None)
        if isinstance(owner, FrozenDistribution):
            points_only = func.__name__ in _supported().get(_name(owner.dist), ())
            if points_only and (len(args) + len(kwargs) > 1 or set(kwargs) - {"x", "k"}):
                raise self.err(ArgumentError, f"a frozen distribution's `{func.__name__}` takes the points only "
                               "(its parameters were given when it was frozen)", node)
            dist, args, kwargs = owner.dist, tuple(args) + tuple(kwargs.values()) + owner.args, owner.kwargs
        elif owner is not None and _name(owner) is not None:
            dist = owner
        elif _name(func) is not None:  # norm(mu, s): frozen
            self._dist_lookup(func, None, node)
            return FrozenDistribution(func, args, kwargs)
        else:
            return None
        method = getattr(func, "__name__", "")
        if method not in _RANDOM and all(_is_number(a) for a in list(args) + list(kwargs.values())):
            return self._dist_known(dist, method, args, kwargs, node)  # norm.ppf(0.975): SciPy's value, when compiled
        name, method = self._dist_lookup(dist, method, node)
        label = f"{name}.{method}"
        if name == _MVN:
            return self._dist_mvn(label, method, args, kwargs, node)
        spec = CONTINUOUS.get(name) or DISCRETE[name]
        first = "q" if method in _QUANTILES.get(name, ()) else "x" if name in CONTINUOUS else "k"
        names = (first,) + spec.shapes + (("loc", "scale") if name in CONTINUOUS else ("loc",))
        bound = self.bind_args(label, names, args, kwargs, node, loc=0, scale=1)
        if any(type(a).__name__ == "Masked" for a in bound):  # norm.cdf(x[mask]), binom.logpmf(k[sel], n[sel], p):
            filled, first = self.masked_fill(list(bound), node)  # elementwise on the selection (masks.py)
            out = self.distribution_call(getattr(dist, method), tuple(filled), {}, node)
            return self.masked_result(out, first, node)
        o = Ops(self.b, f"scipy.stats.{label}")
        ops = [self._dist_operand(a, node, label, name) for a in bound]
        if method in _QUANTILES.get(name, ()):
            out = self._dist_quantile(o, method, *ops)
        elif name in CONTINUOUS:
            out = self._dist_continuous(o, spec, method, *ops)
        else:
            out = self._dist_discrete(o, spec, method, ops[0], ops[1:-1], ops[-1])
        return out.value if isinstance(out, Var) else out

    def _dist_known(self, dist, method, args, kwargs, node):
        """A method called on numbers only (`norm.ppf(0.975)`, `t.logpdf(1.0, 3)`): SciPy's value, a
        number (or a tuple of numbers: `interval`) known when the call is compiled."""
        try:
            out = getattr(dist, method)(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - SciPy's own error, at the call
            raise self.err(ArgumentError, f"`{_name(dist)}.{method}` raised {type(e).__name__}: {e}", node) from None
        items = out if isinstance(out, tuple) else (out,)
        if not all(np.ndim(v) == 0 and np.isrealobj(v) for v in items):
            raise self.err(AdjitTypeError, f"`{_name(dist)}.{method}` of numbers gives {type(out).__name__}, not a "
                           "number", node, hint="call it on arrays or write the value out")
        return tuple(float(v) for v in items) if isinstance(out, tuple) else float(out)

    def _dist_lookup(self, dist, method, node):
        """(name, method) of a supported distribution and method; else a located error listing them."""
        name, supported = _name(dist), _supported()
        if name not in supported:
            raise self.err(UnsupportedSyntaxError, f"`scipy.stats.{name}` is not supported by adjit", node,
                           hint="supported distributions: " + ", ".join(supported) + "; or write its log-density "
                           "with NumPy and scipy.special functions")
        if method is not None and method not in supported[name]:
            raise self.err(UnsupportedSyntaxError, f"`{name}.{method}` is not supported by adjit", node,
                           hint=f"supported for {name}: " + ", ".join(f"{name}.{m}" for m in supported[name]))
        return name, method

    def _dist_operand(self, a, node, label, name):
        """A number stays a Python number (folded when compiled); an array or a scalar value is a
        float64 `Var` (SciPy computes in float64), ints kept for a discrete distribution's data."""
        if _is_number(a):
            return a.item() if hasattr(a, "item") else a
        if type(a).__name__ == "Masked":
            raise self.masked_value_error(node)
        v = self._build(a, node) if isinstance(a, tuple) else self.value(a, node)
        if v.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes arrays and numbers, not {v.type}", node)
        if v.type.dtype != "float64" and not (name in DISCRETE and v.type.dtype in ("int64", "int32")):
            v = self.b.emit("astype", [v], dtype="float64")
        return self.b.wrap(v)

    def _dist_continuous(self, o, spec, method, x, *rest):
        """SciPy's rv_continuous method around the standardized formula: z, the support, NaN for invalid parameters."""
        *shapes, loc, scale = rest
        z = x if _is_number(loc) and loc == 0 else x - loc
        unit = _is_number(scale) and scale == 1
        z = z if unit else z / scale
        f = spec.rule(method)
        lo, hi = spec.lo, spec.hi
        if method in ("logpdf", "pdf"):
            out_ = o.or_(*([z <= lo if spec.open else z < lo] if lo > -math.inf else []),
                         *([z >= hi if spec.open else z > hi] if hi < math.inf else []))
            edges = [] if spec.edges is None else self._dist_edges(o, spec, z, x, loc, scale, shapes)
            away = o.or_(out_, *[at for at, _ in edges])
            z, pole = self._dist_pole(o, spec, z, x, loc, scale, shapes) if method == "logpdf" else (z, 0.0)
            inner = f(o, o.where(away, spec.inside, z) if away is not False else z, *shapes) + pole
            if method == "logpdf":  # -inf on the bound, as outside: a zero derivative (a where over it stays finite)
                out_ = away
            for at, power in edges if method == "pdf" else ():
                inner = o.where(at, power, inner)
            if method == "logpdf":
                out = o.where(out_, -math.inf, inner if unit else o.sub(inner, o.log(scale)))
            else:
                out = o.where(out_, 0.0, inner if unit else inner / scale)
        else:
            low, high = {"cdf": (0.0, 1.0), "sf": (1.0, 0.0), "logcdf": (-math.inf, 0.0),
                         "logsf": (0.0, -math.inf)}[method]
            # on a closed support's bound the formula is used where its value there is finite: the
            # derivative is the one-sided one from inside (the pdf's), as for logpdf
            below = (z < lo if not spec.open and math.isfinite(low) else z <= lo) if lo > -math.inf else False
            above = (z > hi if not spec.open and math.isfinite(high) else z >= hi) if hi < math.inf else False
            inner = f(o, o.where(o.or_(below, above), spec.inside, z), *shapes) if spec.inside is not None \
                else f(o, z, *shapes)
            out = o.where(below, low, o.where(above, high, inner))
        bad = o.or_(*([] if _is_number(scale) and scale > 0 else [scale <= 0]), spec.bad(o, *shapes))
        return o.where(bad, math.nan, out)

    @staticmethod
    def _dist_quantile(o, method, q, loc, scale):
        """norm.ppf(q) = loc + scale ndtri(q), norm.isf(q) = loc - scale ndtri(q) (SciPy's): -inf/inf at
        q = 0 and 1, nan outside [0, 1] (ndtri's) and where scale <= 0."""
        z = o.ndtri(q)
        z = z if _is_number(scale) and scale == 1 else z * scale
        out = (z if _is_number(loc) and loc == 0 else loc + z) if method == "ppf" else \
            (-z if _is_number(loc) and loc == 0 else loc - z)
        return out if _is_number(scale) and scale > 0 else o.where(scale <= 0, math.nan, out)

    @staticmethod
    def _dist_edges(o, spec, z, x, loc, scale, shapes):
        """[(on the bound, C u^p)] for the pdf on a closed bound where the log-density is -inf (p > 0):
        value 0, the one-sided derivative C p u^(p-1) from inside (0, C or inf), none in C or p
        (the pdf is 0 there for every shape). On the bound z = 0 u is (x - loc) / scale with no
        derivative through scale: dz/dscale = -z / scale is 0 there, and inf * 0 would be NaN."""
        edges = []
        for bound, sign, p, logc in spec.edges(o, *shapes):
            at = o.and_(z == bound, p > 0)
            if at is False:
                continue
            if bound == 0 and isinstance(scale, Var):
                u = (x if _is_number(loc) and loc == 0 else x - loc) / o.stop_gradient(scale)
            else:
                u = z - bound if sign > 0 else bound - z
            u = o.where(at, u, 1.0)  # off the bound u may be negative: u ** p and its derivative NaN
            frozen = [o.stop_gradient(v) if isinstance(v, Var) else v for v in (p, o.exp(logc))]
            edges.append((at, u ** frozen[0] * frozen[1]))
        return edges

    @staticmethod
    def _dist_pole(o, spec, z, x, loc, scale, shapes):
        """(z, a term) for logpdf on the bound z = 0 where the density is infinite (p < 0:
        weibull_min and gamma with a shape below 1, chi2 with df < 2, beta with a < 1): there
        logpdf = p log(x - loc) - p log(scale) + ..., whose scale derivative -p / scale is finite,
        but dz/dscale = -z / scale is 0 and f'(z) infinite (inf * 0: NaN). On the pole z is read
        with no derivative through scale, and p (log(scale') - log(scale)) (zero in value, scale'
        the frozen scale) gives it the -p / scale the formula's log z would."""
        if spec.edges is None or not isinstance(scale, Var):
            return z, 0.0
        term = 0.0
        for bound, _, p, _ in spec.edges(o, *shapes):
            if bound != 0:
                continue
            pole = o.and_(z == 0.0, p < 0)
            if pole is False:
                continue
            frozen = o.stop_gradient(scale)
            u = (x if _is_number(loc) and loc == 0 else x - loc) / frozen
            z = o.where(pole, u, z)
            p = o.stop_gradient(p) if isinstance(p, Var) else p
            term = term + o.where(pole, p * (o.log(frozen) - o.log(scale)), 0.0)
        return z, term

    @staticmethod
    def _pmf_edges(o, spec, k, shapes):
        """[(shape index, on the bound, a value inside, C u^e)] for the pmf where a parameter computed at
        run time is on a bound of its range and the pmf is a positive power e of its distance u
        there (poisson.pmf(1, mu=0)): value 0, derivative C e u^(e-1) (C or 0), none in C or e."""
        edges = []
        for i, bound, sign, safe, e, logc in spec.edges(o, k, *shapes):
            s = shapes[i]
            if not isinstance(s, Var):
                continue
            at = o.and_(s == bound, e > 0)
            if at is False:
                continue
            u = o.where(at, s - bound if sign > 0 else bound - s, 1.0)
            e = o.where(at, e, 1.0) * 1.0  # a float exponent, 1 off the bound (u ** e never 0 ** -1)
            frozen = [o.stop_gradient(v) if isinstance(v, Var) else v for v in (e, o.exp(logc))]
            edges.append((i, at, safe, u ** frozen[0] * frozen[1]))
        return edges

    def _dist_discrete(self, o, spec, method, k, shapes, loc):
        """SciPy's rv_discrete logpmf/pmf: -inf/0 off the integers of the support, NaN for invalid parameters."""
        if not (_is_number(loc) and loc == 0):
            k = k - loc
        data = lambda v: o.stop_gradient(v) if isinstance(v, Var) and v.dtype == "float64" else v  # noqa: E731
        k = data(k)  # defined on integers only: no gradient
        shapes = [data(s) if n in spec.data else s for n, s in zip(spec.shapes, shapes)]
        hi = spec.hi(o, *shapes)
        fractional = o.mod(k, 1.0) > 0 if not (isinstance(k, Var) and k.dtype in ("int64", "int32")) else False
        off = o.or_(k < spec.lo, k > hi if not (_is_number(hi) and math.isinf(hi)) else False, fractional)
        kk = o.where(off, spec.lo, k)
        edges = self._pmf_edges(o, spec, kk, shapes) if spec.edges is not None else []
        inner = list(shapes)
        for i, at, safe, _ in edges:  # the parameter on its bound: read as a value inside there
            inner[i] = o.where(at, safe, inner[i])
        logp = spec.logpmf(o, kk, *inner)
        if method == "logpmf":  # -inf on the parameter's bound, as off the support: a zero derivative
            out = o.where(o.or_(off, *[at for _, at, _, _ in edges]), -math.inf, logp)
        else:
            pmf = o.exp(logp)
            for _, at, _, power in edges:
                pmf = o.where(at, power, pmf)
            out = o.where(off, 0.0, pmf)
        return o.where(spec.bad(o, *shapes), math.nan, out)

    # ---------------------------------------------------------------- multivariate normal
    def _dist_mvn(self, label, method, args, kwargs, node):
        """multivariate_normal.logpdf / pdf by Cholesky (SciPy's `_process_parameters` and squeeze)."""
        x, mean, cov, singular = self.bind_args(label, ("x", "mean", "cov", "allow_singular"), args, kwargs, node,
                                                mean=None, cov=1, allow_singular=False)
        if self.static(singular, node, "allow_singular"):
            raise self.err(UnsupportedSyntaxError, f"{label}: allow_singular=True is not supported", node,
                           hint="a positive definite cov (allow_singular=False): Cholesky's factor")
        b = self.b
        operands = (None if a is None else self._dist_operand(a, node, label, _MVN) for a in (x, mean, cov))
        x, mean, cov = (a.value if isinstance(a, Var) else a if a is None else self.value(a, node) for a in operands)
        rank = lambda v: 0 if v.type.kind == "scalar" else v.type.rank  # noqa: E731
        if mean is not None and rank(mean) > 1 or rank(cov) > 2 or rank(x) > 2:
            raise self.err(ShapeError, f"{label}: mean is a vector, cov at most 2-D, x one point or rows of points",
                           node, hint="reshape x to (-1, d) and the result back")
        d = (1 if mean is None or rank(mean) == 0 else self._shape(mean)[0]) if mean is not None or rank(cov) < 2 \
            else self._shape(cov)[0]
        if d is None:
            raise self.err(ShapeError, f"{label}: the dimension (mean's length) must be known when compiled", node)
        if rank(cov) == 1 and self._shape(cov)[0] not in (d, None):
            raise self.err(ShapeError, f"{label}: cov of shape {self._shape(cov)} (its diagonal) for dimension {d}",
                           node, hint="pass the mean: its length is the dimension (SciPy reads d = 1 without it)")
        if rank(cov) < 2:  # a number: cov * I; a vector: its diagonal
            eye = self.form_eye("np.eye", (d,), {}, node)
            cov = b.emit("mul", [cov, eye]) if rank(cov) == 0 else self.form_diag("np.diag", (cov,), {}, node)
        if self._shape(cov) != (d, d):
            raise self.err(ShapeError, f"{label}: cov of shape {self._shape(cov)} for a mean of length {d}", node)
        if rank(x) == 0 or rank(x) == 1 and d == 1:
            x = self._reshape(x, (-1, 1) if rank(x) == 1 else (1,))
        dev = x if mean is None else b.emit("sub", [x, self._reshape(mean, (d,)) if rank(mean) == 0 else mean])
        L = b.emit("cholesky", [cov])
        w = self.form_solve("np.linalg.solve", (L, b.emit("transpose", [dev], axes=(1, 0)) if rank(dev) == 2
                                                  else dev), {}, node)
        maha = self._reduce("sum", b.emit("mul", [w, w]), 0, False, node)
        logdet = self._reduce("sum", b.emit("log", [self.form_diagonal("np.diagonal", (L,), {}, node)]),
                              None, False, node)
        o = Ops(b)
        logp = (d * math.log(2 * math.pi) + b.wrap(logdet) * 2.0 + b.wrap(maha)) * -0.5
        out = (logp if method == "logpdf" else o.exp(logp)).value
        if rank(dev) == 2 and self._shape(dev)[0] == 1:  # SciPy squeezes one point to a number
            out = self._reshape(out, ())
        return out
