"""Special functions composed of rows: scipy.special.logsumexp (with weights `b=`), softmax,
log_softmax (issue 12, item 4), multigammaln, polygamma(n, x) (n known when compiled: the digamma,
trigamma or polygamma row).

Each is shifted by the maximum along its axes, as SciPy computes it: m = max(x) (0 where that is
not finite, so an all -inf slice gives -inf, not nan), under `stop_gradient`. The shift cancels
exactly in the value, so the gradient through the rest is the exact one (softmax(x) for
logsumexp), and the maximum's own subgradient never enters it."""
from __future__ import annotations

import math

import numpy as np

from ...errors import AdjitTypeError, UnsupportedSyntaxError
from ...ir import Value
from ...primitives.table import Lazy
from ..values import _is_number as _number
from .base import FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS: dict = {
    "logsumexp": ((Lazy("scipy.special", "logsumexp"),), (),
                  "`log(sum(exp(a - m), axis, keepdims)) + m`, m the maximum under `stop_gradient` (0 where "
                  "not finite): `axis` (int, tuple or None), `keepdims`; weights `b=` (broadcast with `a`): "
                  "`log(sum(b exp(a - m))) + m`, a term with `b == 0` left out (nan where the sum is negative, as "
                  "SciPy); `return_sign=True`: `(log(abs(s)) + m, sign(s))`, s the weighted sum (-inf and 0 where "
                  "it is 0), the sign without a derivative"),
    "softmax": ((Lazy("scipy.special", "softmax"),), (), "`e / sum(e, axis, keepdims=True)`, `e = exp(x - m)`, m the maximum under "
                                   "`stop_gradient`: `axis` (int, tuple or None: all elements)"),
    "log_softmax": ((Lazy("scipy.special", "log_softmax"),), (), "`(x - m) - log(sum(exp(x - m), axis, keepdims=True))`, m the maximum "
                                           "under `stop_gradient`: `axis` (int, tuple or None)"),
    "multigammaln": ((Lazy("scipy.special", "multigammaln"),), (),
                     "`d (d - 1) / 4 log(pi) + sum(gammaln(a - j / 2) for j < d)`, `d` known when compiled"),
    "polygamma": ((Lazy("scipy.special", "polygamma"),), (),
                  "`polygamma(n, x)`, n an int known when compiled: the `digamma` row for 0, `trigamma` for 1, the "
                  "`polygamma` row above (float64 as SciPy's); d/dx `polygamma(n + 1, x)`"),
    "lambertw": ((Lazy("scipy.special", "lambertw"),), (),
                 "`lambertw(x, k)` of a real x, k = 0 or -1 known when compiled: a complex value whose real part "
                 "is the `lambertw0` / `lambertwm1` row and whose imaginary part is 0, where W is real (x >= -1/e; "
                 "-1/e <= x < 0 for k = -1: checked when the function runs, AssertionError elsewhere)"),
    "isnan": ((np.isnan, math.isnan), (), "`x != x` (bool, no gradient; math.isnan of a number)"),
    "isinf": ((np.isinf, math.isinf), (), "`abs(x) == inf` (bool, no gradient)"),
    "isfinite": ((np.isfinite, math.isfinite), (), "`abs(x) < inf`: false for inf and nan (bool, no gradient)"),
    "signbit": ((np.signbit,), (), "`copysign(1, x) < 0`: true for -0.0 and negative values (bool, no gradient)"),
}


class SpecialForms(FormsBase):
    def _predicate(self, label, args, kwargs, node):
        (x,) = self.bind_args(label, ("x",), args, kwargs, node)
        x = self._float_operand(x, node, label)
        if label.startswith("math.") and x.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"{label} takes a number (Python raises TypeError for an array)", node,
                           hint=f"np.{label[5:]}(x) tests each element")
        self.at(node)
        if x.type.dtype not in ("float32", "float64"):  # ints are never nan or inf
            return self.b.emit("eq" if label.endswith("isfinite") else "ne", [x, x])
        if label.endswith("isnan"):
            return self.b.emit("ne", [x, x])
        a = self.b.emit("abs", [x])
        return self.b.emit("eq" if label.endswith("isinf") else "lt", [a, self.value(math.inf, node)])

    def form_multigammaln(self, label, args, kwargs, node):
        a, d = self.bind_args(label, ("a", "d"), args, kwargs, node)
        d = self.static(d, node, "d")
        if not isinstance(d, int) or d < 1:
            raise self.err(AdjitTypeError, f"{label}: d must be a positive int known when the call is compiled", node)
        const = d * (d - 1) / 4.0 * math.log(math.pi)
        if _number(a):
            return const + sum(math.lgamma(a - j / 2.0) for j in range(d))
        a = self._float_operand(a, node, label)
        self.at(node)
        out = self.value(const, node)
        for j in range(d):
            out = self.b.emit("add", [out, self.b.emit("gammaln", [self.b.emit("sub", [a, self.value(j / 2.0, node)])])])
        return out

    def form_polygamma(self, label, args, kwargs, node):
        label = "scipy.special.polygamma"
        n, x = self.bind_args(label, ("n", "x"), args, kwargs, node)
        n = self.static(n, node, "n")
        if isinstance(n, float) and n.is_integer():
            n = int(n)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise self.err(AdjitTypeError, f"{label}: n must be a non-negative int known when the call is compiled",
                           node, hint="polygamma(k, x) for each order k written out")
        if _number(x):
            import scipy.special

            return float(scipy.special.polygamma(n, x))
        x = self._float_operand(x, node, label)
        self.at(node)
        if n == 0:  # SciPy: psi(x) in x's own float dtype, then float64
            y = self.b.emit("digamma", [x])
            return y if y.type.dtype == "float64" else self.b.emit("astype", [y], dtype="float64")
        if x.type.dtype != "float64":  # SciPy's polygamma is float64 for every input
            x = self.b.emit("astype", [x], dtype="float64")
        if n == 1:
            return self.b.emit("trigamma", [x])
        return self.b.emit("polygamma", [x], n=n)

    def form_lambertw(self, label, args, kwargs, node):
        """scipy.special.lambertw(z, k=0, tol=1e-8) of a real z: the real branch as a complex pair
        (SciPy returns complex128), z checked to lie where that branch is real."""
        from ..complexvals import ComplexPair, is_complex

        label = "scipy.special.lambertw"
        z, k, _tol = self.bind_args(label, ("z", "k", "tol"), args, kwargs, node, k=0, tol=1e-8)
        k = self.static(k, node, "k")
        if k not in (0, -1) or isinstance(k, bool):
            raise self.err(UnsupportedSyntaxError, f"{label}: only the real branches k = 0 and k = -1 are supported",
                           node, hint="lambertw(x) or lambertw(x, -1) of real x")
        if is_complex(z):
            raise self.err(UnsupportedSyntaxError, f"{label} of a complex value is not supported", node,
                           hint="lambertw of a real x (its real branches)")
        if _number(z):
            import scipy.special

            return complex(scipy.special.lambertw(z, k))
        x = self._float_operand(z, node, label)
        self.at(node)
        if x.type.dtype != "float64":  # SciPy's lambertw is complex128 for every input
            x = self.b.emit("astype", [x], dtype="float64")
        lo = self.b.emit("ge", [x, self.value(-math.exp(-1.0) * (1 + 1e-15), node)])
        ok = lo if k == 0 else self.b.emit("logical_and", [lo, self.b.emit("le", [x, self.value(0.0, node)])])
        if x.type.kind == "array":
            ok = self.numpy_form(np.all, [ok], {}, node)
        self.b.emit("check", [ok], msg=f"{label}(x, {k}) is complex here: adjit computes its real branch only, "
                                       + ("x >= -1/e" if k == 0 else "-1/e <= x <= 0"))
        return ComplexPair(self.b.emit("lambertw0" if k == 0 else "lambertwm1", [x]), None)

    def form_isnan(self, label, args, kwargs, node):
        return self._predicate(label, args, kwargs, node)

    def form_isinf(self, label, args, kwargs, node):
        return self._predicate(label, args, kwargs, node)

    def form_isfinite(self, label, args, kwargs, node):
        return self._predicate(label, args, kwargs, node)

    def form_signbit(self, label, args, kwargs, node):
        (x,) = self.bind_args(label, ("x",), args, kwargs, node)
        x = self._float_operand(x, node, label)
        self.at(node)
        if x.type.dtype not in ("float32", "float64"):
            return self.b.emit("lt", [x, self.b.const(0)])
        return self.b.emit("lt", [self.b.emit("copysign", [self.b.const(1.0), x]), self.b.const(0.0)])

    def _float_operand(self, x, node, label):
        x = self.value(x, node)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array or a number", node)
        return x

    def _max_shift(self, x: Value, axis, node) -> Value:
        """The maximum of x over `axis` (keepdims), 0 where it is not finite, under stop_gradient."""
        m = self._reduce("max", x, axis, True, node)
        finite = self.b.emit("logical_and", [self.b.emit("gt", [m, self.value(-math.inf, node)]),
                                              self.b.emit("lt", [m, self.value(math.inf, node)])])
        m = self.b.emit("where", [finite, m, self.value(0.0, node)])
        return self.b.emit("stop_gradient", [m])

    def _sum_exp(self, shifted: Value, axis, keepdims, node) -> Value:
        return self._reduce("sum", self.b.emit("exp", [shifted]), axis, keepdims, node)

    def form_logsumexp(self, label, args, kwargs, node):
        label = "scipy.special.logsumexp"
        a, axis, b, keepdims, return_sign = self.bind_args(
            label, ("a", "axis", "b", "keepdims", "return_sign"), args, kwargs, node,
            axis=None, b=None, keepdims=False, return_sign=False)
        return_sign = bool(self.static(return_sign, node, "return_sign"))
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        x = self._float_operand(a, node, label)
        if b is not None:  # SciPy leaves out the terms whose weight is 0 (an inf there never makes nan)
            w = self._float_operand(self.array_like(b, node), node, label)
            x = self.b.emit("where", [self.b.emit("eq", [w, self.value(0.0, node)]), self.value(-math.inf, node), x])
        m = self._max_shift(x, axis, node)
        e = self.b.emit("exp", [self.b.emit("sub", [x, m])])
        total = self._reduce("sum", e if b is None else self.b.emit("mul", [w, e]), axis, True, node)
        if return_sign:  # SciPy's (log|s|, sign(s)): a sum of signed weights may be negative, or 0 (-inf, 0)
            sign = self.call_value(np.sign, [total], {}, node)
            total = self.call_value(np.abs, [total], {}, node)
        out = self.b.emit("add", [self.b.emit("log", [total]), m])
        if not keepdims:  # drops the kept axes (each of extent 1): exact
            out = self._reduce("sum", out, axis, False, node)
            sign = self._reduce("sum", sign, axis, False, node) if return_sign else None
        return (out, sign) if return_sign else out

    def _axis_only(self, label, args, kwargs, node):
        x, axis = self.bind_args(label, ("x", "axis"), args, kwargs, node, axis=None)
        return self._float_operand(x, node, label), axis

    def form_softmax(self, label, args, kwargs, node):
        x, axis = self._axis_only("scipy.special.softmax", args, kwargs, node)
        e = self.b.emit("exp", [self.b.emit("sub", [x, self._max_shift(x, axis, node)])])
        return self.b.emit("div", [e, self._reduce("sum", e, axis, True, node)])

    def form_log_softmax(self, label, args, kwargs, node):
        x, axis = self._axis_only("scipy.special.log_softmax", args, kwargs, node)
        shifted = self.b.emit("sub", [x, self._max_shift(x, axis, node)])
        return self.b.emit("sub", [shifted, self.b.emit("log", [self._sum_exp(shifted, axis, True, node)])])
