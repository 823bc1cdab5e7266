"""More of scipy.special, composed of rows as SciPy defines the functions (values as SciPy's to
rounding; gradients by the rows' rules):

- aliases of NumPy's functions: `expm1`, `log1p`, `exp2`, `exp10`, `cbrt`, `round` (half to even);
- `rgamma` (1 / gamma), `exprel` ((e^x - 1) / x, 1 at 0), `loggamma` (real), `binom` (where the three
  gamma arguments are positive; elsewhere, where SciPy has special cases, ValueError when run);
- information measures: `entr`, `rel_entr`, `kl_div` (their inf and 0 cases as SciPy's), computed on
  safe operands where a case does not apply, so that no NaN of an unused branch reaches a gradient;
- robust losses: `huber`, `pseudo_huber`;
- Box-Cox: `boxcox`, `boxcox1p`, `inv_boxcox`, `inv_boxcox1p` (`lmbda == 0` as SciPy's log/exp case);
- orthogonal polynomials of an integer degree known when compiled: `eval_legendre`, `eval_hermite`,
  `eval_hermitenorm`, `eval_chebyt`, `eval_chebyu`, `eval_laguerre`, by their three-term recurrences;
- distribution functions: `stdtr`, `chdtr`/`chdtrc`, `gdtr`/`gdtrc` (scipy.stats' forms), `pdtr`/`pdtrc`
  (`gammaincc`/`gammainc` of floor(k) + 1), `bdtr` (`betainc` of floor(k)).
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import UnsupportedSyntaxError
from ...primitives.table import Lazy
from .base import FormsBase


def _sp(name):
    return Lazy("scipy.special", name)


FORMS: dict = {
    "sp_expm1": ((_sp("expm1"),), (), "`np.expm1`"),
    "sp_log1p": ((_sp("log1p"),), (), "`np.log1p`"),
    "sp_exp2": ((_sp("exp2"),), (), "`np.exp2`"),
    "sp_exp10": ((_sp("exp10"),), (), "`10.0 ** x`"),
    "sp_cbrt": ((_sp("cbrt"),), (), "`np.cbrt`"),
    "sp_round": ((_sp("round"),), (), "`np.rint` (half to even)"),
    "rgamma": ((_sp("rgamma"),), (), "`1 / gamma(z)` (0 at the poles)"),
    "loggamma": ((_sp("loggamma"),), (), "of a real x: `gammaln(x)` for x > 0, NaN otherwise (SciPy's real loggamma)"),
    "sp_binom": ((_sp("binom"),), (), "`1 / ((n + 1) beta(n - k + 1, k + 1))` for finite n > -1, k > -1, n - k > -1 "
                                      "(NaN propagates); elsewhere ValueError when run, where SciPy has special cases"),
    "exprel": ((_sp("exprel"),), (), "`expm1(x) / x`, 1 at 0 (gradient 0 there: the branch)"),
    "entr": ((_sp("entr"),), (), "`-xlogy(x, x)` for x >= 0, -inf below"),
    "rel_entr": ((_sp("rel_entr"),), (), "`x log(x / y)` for x, y > 0; 0 for x = 0 <= y; inf otherwise"),
    "kl_div": ((_sp("kl_div"),), (), "`x log(x / y) - x + y` for x, y > 0; y for x = 0 <= y; inf otherwise"),
    "huber": ((_sp("huber"),), (), "`r^2 / 2` where |r| <= delta, `delta (|r| - delta / 2)` beyond; inf for "
                                   "delta < 0"),
    "pseudo_huber": ((_sp("pseudo_huber"),), (), "`delta^2 (sqrt(1 + (r / delta)^2) - 1)`; 0 for delta = 0, "
                                                 "inf below"),
    "boxcox": ((_sp("boxcox"),), (), "`expm1(lmbda log(x)) / lmbda`, `log(x)` for lmbda = 0"),
    "boxcox1p": ((_sp("boxcox1p"),), (), "`expm1(lmbda log1p(x)) / lmbda`, `log1p(x)` for lmbda = 0"),
    "inv_boxcox": ((_sp("inv_boxcox"),), (), "`exp(log1p(lmbda y) / lmbda)`, `exp(y)` for lmbda = 0"),
    "inv_boxcox1p": ((_sp("inv_boxcox1p"),), (), "`expm1(log1p(lmbda y) / lmbda)`, `expm1(y)` for lmbda = 0"),
    "eval_legendre": ((_sp("eval_legendre"),), (), "the recurrence (k + 1) P_k+1 = (2k + 1) x P_k - k P_k-1, an "
                                                   "int degree known when compiled (these six: ValueError when "
                                                   "run at x = +-inf for degrees above 2, where SciPy's algorithms "
                                                   "give +-inf or NaN case by case)"),
    "eval_hermite": ((_sp("eval_hermite"),), (), "H_k+1 = 2x H_k - 2k H_k-1"),
    "eval_hermitenorm": ((_sp("eval_hermitenorm"),), (), "He_k+1 = x He_k - k He_k-1"),
    "eval_chebyt": ((_sp("eval_chebyt"),), (), "T_k+1 = 2x T_k - T_k-1"),
    "eval_chebyu": ((_sp("eval_chebyu"),), (), "U_k+1 = 2x U_k - U_k-1"),
    "eval_laguerre": ((_sp("eval_laguerre"),), (), "(k + 1) L_k+1 = (2k + 1 - x) L_k - k L_k-1"),
    "bessel_v": (tuple(_sp(n) for n in ("jv", "yv", "iv", "kv", "ive", "kve")), (),
                 "the row of the same name (SciPy's compiled code) with the order v through `no_derivative`: "
                 "differentiable in x; a derivative in v is a located error"),
    "incinv": (tuple(_sp(n) for n in ("gammaincinv", "gammainccinv", "betaincinv")), (),
               "the row of the same name (SciPy's compiled code) with the shapes through `no_derivative`: "
               "differentiable in y (1 / the density at the result)"),
    "stdtr": ((_sp("stdtr"),), (), "`scipy.stats.t.cdf(t, df)`"),
    "chdtr": ((_sp("chdtr"),), (), "`scipy.stats.chi2.cdf(x, v)`"),
    "chdtrc": ((_sp("chdtrc"),), (), "`scipy.stats.chi2.sf(x, v)`"),
    "gdtr": ((_sp("gdtr"),), (), "`scipy.stats.gamma.cdf(x, b, scale=1 / a)`"),
    "gdtrc": ((_sp("gdtrc"),), (), "`scipy.stats.gamma.sf(x, b, scale=1 / a)`"),
    "pdtr": ((_sp("pdtr"),), (), "`gammaincc(floor(k) + 1, m)`"),
    "pdtrc": ((_sp("pdtrc"),), (), "`gammainc(floor(k) + 1, m)`"),
    "bdtr": ((_sp("bdtr"),), (), "`betainc(n - floor(k), floor(k) + 1, 1 - p)`"),
}

_RECURRENCES = {  # (P_0, P_1 as (a, b): a + b x, and P_k+1 = (c1(k) + c2(k) x) P_k - c3(k) P_k-1)
    "eval_legendre": ((1.0, 0.0), (0.0, 1.0), lambda k: (0.0, (2 * k + 1) / (k + 1), k / (k + 1))),
    "eval_hermite": ((1.0, 0.0), (0.0, 2.0), lambda k: (0.0, 2.0, 2.0 * k)),
    "eval_hermitenorm": ((1.0, 0.0), (0.0, 1.0), lambda k: (0.0, 1.0, float(k))),
    "eval_chebyt": ((1.0, 0.0), (0.0, 1.0), lambda k: (0.0, 2.0, 1.0)),
    "eval_chebyu": ((1.0, 0.0), (0.0, 2.0), lambda k: (0.0, 2.0, 1.0)),
    "eval_laguerre": ((1.0, 0.0), (1.0, -1.0), lambda k: ((2 * k + 1) / (k + 1), -1.0 / (k + 1), k / (k + 1))),
}


class MoreSpecialForms(FormsBase):
    def _spx_float(self, x, node):
        x = self.value(self.array_like(x, node), node)
        return x if x.type.dtype in ("float32", "float64") else self.b.emit("astype", [x], dtype="float64")

    def _spx_args(self, label, names, args, kwargs, node):
        vals = self.bind_args(label, names, args, kwargs, node)
        return [self._spx_float(v, node) for v in vals]

    def _spx_call(self, name, args, node):
        import scipy.special as sp
        return self.call_value(getattr(sp, name) if not callable(name) else name, args, {}, node)

    def _spx_alias(self, label, args, kwargs, node, func):
        (x,) = self._spx_args(label, ("x",), args, kwargs, node)
        return self.call_value(func, [x], {}, node)

    def form_sp_expm1(self, label, args, kwargs, node):
        return self._spx_alias(label, args, kwargs, node, np.expm1)

    def form_sp_log1p(self, label, args, kwargs, node):
        return self._spx_alias(label, args, kwargs, node, np.log1p)

    def form_sp_exp2(self, label, args, kwargs, node):
        return self._spx_alias(label, args, kwargs, node, np.exp2)

    def form_sp_cbrt(self, label, args, kwargs, node):
        return self._spx_alias(label, args, kwargs, node, np.cbrt)

    def form_sp_round(self, label, args, kwargs, node):
        return self._spx_alias(label, args, kwargs, node, np.rint)

    def form_sp_exp10(self, label, args, kwargs, node):
        (x,) = self._spx_args(label, ("x",), args, kwargs, node)
        return self.b.emit("pow", [self.value(10.0, node), x])

    def form_rgamma(self, label, args, kwargs, node):
        (z,) = self._spx_args(label, ("z",), args, kwargs, node)
        emit = self.b.emit
        pole = emit("logical_and", [emit("le", [z, self.value(0.0, node)]),
                                    emit("eq", [z, self.call_value(np.floor, [z], {}, node)])])
        return self._spx_where(pole, self.value(0.0, node), emit("div", [self.value(1.0, node),
                                                                        self._spx_call("gamma", [z], node)]))

    def form_loggamma(self, label, args, kwargs, node):
        (x,) = self._spx_args(label, ("z",), args, kwargs, node)
        pos = self.b.emit("gt", [x, self.value(0.0, node)])
        val = self._spx_call("gammaln", [self._spx_safe(pos, x, node)], node)
        at_zero = self._spx_where(self.b.emit("eq", [x, self.value(0.0, node)]), self.value(math.inf, node),
                                  self.value(math.nan, node))
        return self._spx_where(pos, val, at_zero)

    def form_sp_binom(self, label, args, kwargs, node):
        n, k = self._spx_args(label, ("n", "k"), args, kwargs, node)
        emit, one = self.b.emit, self.value(1.0, node)
        b = self._spx_call("beta", [emit("add", [emit("sub", [n, k]), one]), emit("add", [k, one])], node)
        out = emit("div", [one, emit("mul", [emit("add", [n, one]), b])])
        m1, inf = self.value(-1.0, node), self.value(math.inf, node)
        inside = emit("logical_and", [emit("logical_and", [emit("gt", [n, m1]), emit("gt", [k, m1])]),
                                      emit("logical_and", [emit("gt", [emit("sub", [n, k]), m1]), emit("lt", [n, inf])])])
        ok = emit("logical_or", [inside, emit("logical_or", [emit("ne", [n, n]), emit("ne", [k, k])])])
        if ok.type.kind == "array":
            ok = self.call_value(np.all, [ok], {}, node)
        emit("check", [ok], exc="ValueError", msg="scipy.special.binom(n, k) outside finite n > -1, k > -1, n - k > -1 "
                                                  "is not supported by adjit (SciPy's special cases there)")
        return out

    def form_exprel(self, label, args, kwargs, node):
        (x,) = self._spx_args(label, ("x",), args, kwargs, node)
        emit = self.b.emit
        zero = emit("eq", [x, self.value(0.0, node)])
        safe = emit("where", [zero, self.value(1.0, node), x])
        out = emit("where", [zero, self.value(1.0, node), emit("div", [self.call_value(np.expm1, [safe], {}, node),
                                                                       safe])])
        return emit("where", [emit("eq", [x, self.value(math.inf, node)]), self.value(math.inf, node), out])

    def _spx_where(self, cond, a, b):
        return self.b.emit("where", [cond, a, b])

    def _spx_nan(self, out, node, *xs):
        """out, NaN where any of xs is NaN (SciPy's functions propagate a NaN operand)."""
        emit = self.b.emit
        bad = None
        for x in xs:
            b = emit("ne", [x, x])
            bad = b if bad is None else emit("logical_or", [bad, b])
        return emit("where", [bad, self.value(math.nan, node), out])

    def _spx_domain(self, out, bad, node):
        """out, NaN where `bad` (SciPy's special functions return NaN outside their domain)."""
        return self.b.emit("where", [bad, self.value(math.nan, node), out])

    def _spx_safe(self, ok, x, node):
        return self._spx_where(ok, x, self.value(1.0, node))

    def form_entr(self, label, args, kwargs, node):
        (x,) = self._spx_args(label, ("x",), args, kwargs, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        pos = emit("gt", [x, v(0.0)])
        s = self._spx_safe(pos, x, node)
        val = emit("neg", [emit("mul", [s, emit("log", [s])])])
        return self._spx_nan(self._spx_where(pos, val, self._spx_where(emit("eq", [x, v(0.0)]), v(0.0),
                                                                       v(-math.inf))), node, x)

    def _spx_divergence(self, label, args, kwargs, node, kl: bool):
        x, y = self._spx_args(label, ("x", "y"), args, kwargs, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        ok = emit("logical_and", [emit("gt", [x, v(0.0)]), emit("gt", [y, v(0.0)])])
        sx, sy = self._spx_safe(ok, x, node), self._spx_safe(ok, y, node)
        val = emit("mul", [sx, emit("log", [emit("div", [sx, sy])])])
        if kl:
            val = emit("add", [emit("sub", [val, sx]), sy])
        edge = emit("logical_and", [emit("eq", [x, v(0.0)]), emit("ge", [y, v(0.0)])])
        at_edge = self._spx_where(edge, y if kl else v(0.0), v(math.inf))  # kl: y where x = 0 <= y
        return self._spx_nan(self._spx_where(ok, val, at_edge), node, x, y)

    def form_rel_entr(self, label, args, kwargs, node):
        return self._spx_divergence(label, args, kwargs, node, False)

    def form_kl_div(self, label, args, kwargs, node):
        return self._spx_divergence(label, args, kwargs, node, True)

    def form_huber(self, label, args, kwargs, node):
        d, r = self._spx_args(label, ("delta", "r"), args, kwargs, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        a = emit("abs", [r])
        inner = emit("mul", [v(0.5), emit("mul", [r, r])])
        outer = emit("mul", [d, emit("sub", [a, emit("mul", [v(0.5), d])])])
        val = self._spx_where(emit("le", [a, d]), inner, outer)
        return self._spx_where(emit("lt", [d, v(0.0)]), v(math.inf), val)

    def form_pseudo_huber(self, label, args, kwargs, node):
        """SciPy's: inf for delta < 0; 0 for delta == 0 or r == 0; else delta^2 expm1(log1p((r / delta)^2) / 2)."""
        d, r = self._spx_args(label, ("delta", "r"), args, kwargs, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        zero = emit("logical_or", [emit("eq", [d, v(0.0)]), emit("eq", [r, v(0.0)])])
        sd = self._spx_safe(emit("logical_not", [zero]), d, node)
        q = emit("div", [r, sd])
        val = emit("mul", [emit("mul", [sd, sd]), self.call_value(np.expm1, [emit("mul", [v(0.5), self.call_value(
            np.log1p, [emit("mul", [q, q])], {}, node)])], {}, node)])
        return self._spx_where(emit("lt", [d, v(0.0)]), v(math.inf), self._spx_where(zero, v(0.0), val))

    def _spx_boxcox(self, label, args, kwargs, node, inverse: bool, one_p: bool):
        """SciPy's _boxcox.pxd, its thresholds included: boxcox is log(x) for |lmbda| < 1e-19;
        boxcox1p log1p(x) there and where |log1p(x)| < 1e-289; inv_boxcox exp(y) for lmbda == 0;
        inv_boxcox1p expm1(y) for lmbda == 0 and y itself where |lmbda y| < 1e-154."""
        x, lam = self._spx_args(label, ("y" if inverse else "x", "lmbda"), args, kwargs, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        alam = emit("abs", [lam])
        if not inverse:
            base = self.call_value(np.log1p if one_p else np.log, [x], {}, node)
            small = emit("lt", [alam, v(1e-19)])
            if one_p:
                small = emit("logical_or", [small, emit("logical_and", [emit("lt", [emit("abs", [base]), v(1e-289)]),
                                                                        emit("lt", [alam, v(1e273)])])])
            sl = self._spx_safe(emit("logical_not", [small]), lam, node)
            return self._spx_where(small, base, emit("div", [self.call_value(np.expm1, [emit("mul", [sl, base])], {},
                                                                             node), sl]))
        zero = emit("eq", [lam, v(0.0)])
        sl = self._spx_safe(emit("logical_not", [zero]), lam, node)
        arg = emit("div", [self.call_value(np.log1p, [emit("mul", [sl, x])], {}, node), sl])
        at_zero = self.call_value(np.expm1 if one_p else np.exp, [x], {}, node)
        out = self._spx_where(zero, at_zero, self.call_value(np.expm1 if one_p else np.exp, [arg], {}, node))
        if one_p:
            tiny = emit("logical_and", [emit("logical_not", [zero]), emit("lt", [emit("abs", [emit("mul", [lam, x])]),
                                                                                   v(1e-154)])])
            out = self._spx_where(tiny, x, out)
        return out

    def form_boxcox(self, label, args, kwargs, node):
        return self._spx_boxcox(label, args, kwargs, node, False, False)

    def form_boxcox1p(self, label, args, kwargs, node):
        return self._spx_boxcox(label, args, kwargs, node, False, True)

    def form_inv_boxcox(self, label, args, kwargs, node):
        return self._spx_boxcox(label, args, kwargs, node, True, False)

    def form_inv_boxcox1p(self, label, args, kwargs, node):
        return self._spx_boxcox(label, args, kwargs, node, True, True)

    def _spx_orthogonal(self, label, args, kwargs, node):
        n, x = self.bind_args(label, ("n", "x"), args, kwargs, node)
        n = self.static(n, node, "n")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise self.err(UnsupportedSyntaxError, f"{label}: the degree n must be an int >= 0 known when compiled",
                           node, hint="SciPy's non-integer degrees go through hyp2f1, which adjit does not have")
        x = self._spx_float(x, node)
        emit, v = self.b.emit, (lambda c: self.value(c, node))
        if n > 2:  # SciPy's algorithms give +-inf or NaN at +-inf case by case: not guessed
            finite = emit("logical_not", [emit("eq", [emit("abs", [x]), v(math.inf)])])
            emit("check", [self.call_value(np.all, [finite], {}, node) if finite.type.kind == "array" else finite],
                 exc="ValueError", msg=f"scipy.special.{label.split('.')[-1]} at an infinite x is not supported by adjit")
        p0c, p1c, step = _RECURRENCES[label.split(".")[-1]]
        zero = emit("mul", [x, v(0.0)])  # the result has x's shape
        prev = emit("add", [zero, v(p0c[0])])
        if n == 0:
            return prev
        cur = emit("add", [v(p1c[0]), emit("mul", [v(p1c[1]), x])])
        for k in range(1, n):
            c1, c2, c3 = step(k)
            factor = emit("mul", [v(c2), x]) if c1 == 0.0 else emit("add", [v(c1), emit("mul", [v(c2), x])])
            prev, cur = cur, emit("sub", [emit("mul", [factor, cur]), emit("mul", [v(c3), prev])])
        return cur

    def form_eval_legendre(self, label, args, kwargs, node):
        return self._spx_orthogonal(label, args, kwargs, node)

    form_eval_hermite = form_eval_hermitenorm = form_eval_chebyt = form_eval_chebyu = form_eval_laguerre = \
        form_eval_legendre

    def form_bessel_v(self, label, args, kwargs, node):
        v, x = self.bind_args(label, ("v", "x"), args, kwargs, node)
        v, x = self._spx_float(v, node), self._spx_float(x, node)
        self.at(node)
        order = self.b.emit("no_derivative", [v], what=f"{label} with respect to the order v")
        return self.b.emit(label.split(".")[-1], [order, x])

    def form_incinv(self, label, args, kwargs, node):
        name = label.split(".")[-1]
        names = ("a", "b", "y") if name == "betaincinv" else ("a", "y")
        vals = [self._spx_float(v, node) for v in self.bind_args(label, names, args, kwargs, node)]
        self.at(node)
        shapes = [self.b.emit("no_derivative", [v], what=f"{label} with respect to its shape parameter {n}")
                  for v, n in zip(vals[:-1], names)]
        return self.b.emit(name, shapes + [vals[-1]])

    def _spx_dist(self, dist, method, args, kwargs, node):
        import scipy.stats as st
        return self.distribution_call(getattr(getattr(st, dist), method), tuple(args), kwargs, node)

    def form_stdtr(self, label, args, kwargs, node):
        df, t = self.bind_args(label, ("df", "t"), args, kwargs, node)
        return self._spx_dist("t", "cdf", [t, df], {}, node)

    def form_chdtr(self, label, args, kwargs, node):
        v_, x = self.bind_args(label, ("v", "x"), args, kwargs, node)
        x = self._spx_float(x, node)
        out = self._spx_dist("chi2", "cdf" if label.endswith("chdtr") else "sf", [x, v_], {}, node)
        return self._spx_domain(out, self.b.emit("lt", [x, self.value(0.0, node)]), node)  # NaN below 0, as SciPy

    form_chdtrc = form_chdtr

    def form_gdtr(self, label, args, kwargs, node):
        a, b, x = self.bind_args(label, ("a", "b", "x"), args, kwargs, node)
        scale = self.b.emit("div", [self.value(1.0, node), self._spx_float(a, node)])
        x = self._spx_float(x, node)
        out = self._spx_dist("gamma", "cdf" if label.endswith("gdtr") else "sf", [x, b], {"scale": scale}, node)
        return self._spx_domain(out, self.b.emit("lt", [x, self.value(0.0, node)]), node)

    form_gdtrc = form_gdtr

    def form_pdtr(self, label, args, kwargs, node):
        k, m = self._spx_args(label, ("k", "m"), args, kwargs, node)
        a = self.b.emit("add", [self.call_value(np.floor, [k], {}, node), self.value(1.0, node)])
        out = self._spx_call("gammaincc" if label.endswith("pdtr") else "gammainc", [a, m], node)
        emit, zero = self.b.emit, self.value(0.0, node)
        return self._spx_domain(out, emit("logical_or", [emit("lt", [k, zero]), emit("lt", [m, zero])]), node)

    form_pdtrc = form_pdtr

    def form_bdtr(self, label, args, kwargs, node):
        k, n, p = self._spx_args(label, ("k", "n", "p"), args, kwargs, node)
        fk = self.call_value(np.floor, [k], {}, node)
        a = self.b.emit("sub", [n, fk])
        b = self.b.emit("add", [fk, self.value(1.0, node)])
        out = self._spx_call("betainc", [a, b, self.b.emit("sub", [self.value(1.0, node), p])], node)
        emit, zero, one = self.b.emit, self.value(0.0, node), self.value(1.0, node)
        bad = emit("logical_or", [emit("logical_or", [emit("lt", [p, zero]), emit("gt", [p, one])]),
                                  emit("logical_or", [emit("lt", [fk, zero]), emit("gt", [fk, n])])])
        return self._spx_domain(out, bad, node)
