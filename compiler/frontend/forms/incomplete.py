"""scipy.special's regularized incomplete gamma and beta functions and the factorials (issue 12):
rows of primitives/special.py called with their operands checked.

`gammainc(a, x)`, `gammaincc(a, x)`, `betainc(a, b, x)`, `betaincc(a, b, x)` are differentiable
in x (the gamma or beta density); their derivative in a shape parameter (a, b) needs a series
adjit does not have, so a shape operand computed at run time passes through a `no_derivative` op
naming it: a derivative reaching it is a located error, never a zero. `math.factorial(k)` of an
int k known only when the function runs is `float(math.factorial(k))` (ValueError for k < 0 and
OverflowError above 170 when it runs, as Python's conversion of the int); `scipy.special.factorial(n)`
is SciPy's `exact=False` one (0 below 0, gamma(n + 1), differentiable in a float n). With every
argument a number each is its library's value when compiled (`math.factorial(5)` the int 120)."""
from __future__ import annotations

import math

from ...errors import AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ...primitives.table import Lazy
from ..values import _is_number
from .base import FormsBase

_SP = "scipy.special"
FORMS: dict = {
    "gammainc": ((Lazy(_SP, "gammainc"),), (), "`gammainc(a, x)`, SciPy's (Cephes) compiled code; d/dx "
                 "`x ** (a - 1) exp(-x) / gamma(a)`; a derivative in `a` is a located error"),
    "gammaincc": ((Lazy(_SP, "gammaincc"),), (), "`gammaincc(a, x)` = 1 - gammainc, SciPy's code; d/dx minus "
                  "gammainc's; a derivative in `a` is a located error"),
    "betainc": ((Lazy(_SP, "betainc"),), (), "`betainc(a, b, x)`, SciPy's (Boost) compiled code; d/dx "
                "`x ** (a - 1) (1 - x) ** (b - 1) / beta(a, b)`; a derivative in `a` or `b` is a located error"),
    "betaincc": ((Lazy(_SP, "betaincc"),), (), "`betaincc(a, b, x)` = 1 - betainc, SciPy's code; a derivative "
                 "in `a` or `b` is a located error"),
    "factorial": ((math.factorial, Lazy(_SP, "factorial")), (),
                  "`math.factorial(k)`, k an int known when the function runs: `float(math.factorial(k))` (a table: "
                  "exact as Python's float of the int; ValueError for k < 0, OverflowError above 170); "
                  "`scipy.special.factorial(n)` (exact=False): 0 below 0, `gamma(n + 1)`, d/dn `factorial(n) "
                  "digamma(n + 1)`; numbers only: the library's value when compiled"),
}


class IncompleteForms(FormsBase):
    def _incomplete(self, label, prim, names, args, kwargs, node):
        bound = self.bind_args(label, names, args, kwargs, node)
        if all(_is_number(v) for v in bound):
            import scipy.special

            return float(getattr(scipy.special, prim)(*bound))
        ops = []
        for name, v in zip(names, bound):
            v = self.value(v, node)
            if v.type.kind not in ("array", "scalar") or v.type.dtype == "bool":
                raise self.err(AdjitTypeError, f"{label} takes arrays and numbers, not {v.type} for `{name}`", node)
            if name != "x" and not _is_number(self.b.aval(v).value):
                v = self.b.emit("no_derivative", [v], what=f"{label} with respect to `{name}`")
            ops.append(v)
        self.at(node)
        return self.b.emit(prim, ops)

    def form_gammainc(self, label, args, kwargs, node):
        return self._incomplete("scipy.special.gammainc", "gammainc", ("a", "x"), args, kwargs, node)

    def form_gammaincc(self, label, args, kwargs, node):
        return self._incomplete("scipy.special.gammaincc", "gammaincc", ("a", "x"), args, kwargs, node)

    def form_betainc(self, label, args, kwargs, node):
        return self._incomplete("scipy.special.betainc", "betainc", ("a", "b", "x"), args, kwargs, node)

    def form_betaincc(self, label, args, kwargs, node):
        return self._incomplete("scipy.special.betaincc", "betaincc", ("a", "b", "x"), args, kwargs, node)

    def form_factorial(self, label, args, kwargs, node):
        if not label.startswith("scipy"):  # math.factorial (a builtin: _prefix reads no module)
            label = "math.factorial"
            (k,) = self.bind_args(label, ("n",), args, kwargs, node)
            if _is_number(k):
                try:
                    return math.factorial(k)
                except (TypeError, ValueError) as e:
                    raise self.err(ArgumentError, f"math.factorial({k!r}) raised {type(e).__name__}: {e}", node) from None
            k = self.value(k, node)
            if k.type.kind != "scalar" or k.type.dtype not in ("int64", "int32"):
                raise self.err(AdjitTypeError, f"math.factorial takes an int, not {k.type} (Python raises TypeError)",
                               node, hint="scipy.special.factorial(x) for a float or an array (gamma(x + 1))")
            self.at(node)
            return self.b.emit("factorial_int", [k])
        n, exact = self.bind_args("scipy.special.factorial", ("n", "exact", "extend"), args, kwargs, node,
                                  exact=False, extend="zero")[:2]
        if _is_number(n) and not isinstance(n, bool):
            import scipy.special

            exact = bool(self.static(exact, node, "exact"))
            out = scipy.special.factorial(n, exact=exact)
            return int(out) if exact else float(out)  # exact=True: SciPy's int
        if self.static(exact, node, "exact"):
            raise self.err(UnsupportedSyntaxError, "scipy.special.factorial(n, exact=True) of a value known only when "
                           "the function runs is not supported (Python ints)", node, hint="exact=False: floats, "
                           "exact up to 170! as the float nearest it")
        n = self.value(n, node)
        if n.type.kind not in ("array", "scalar") or n.type.dtype == "bool":
            raise self.err(AdjitTypeError, f"scipy.special.factorial takes arrays and numbers, not {n.type}", node)
        self.at(node)
        return self.b.emit("factorial", [n])
