"""Everyday NumPy functions composed of rows (issue 12, item 4: what a probe of common programs
found missing): rounding (np.floor, np.ceil, np.round/np.around/np.rint, np.trunc, np.fix: their
gradient is zero almost everywhere, through `floordiv`), np.exp2/log2/log10, np.sinc,
np.heaviside, np.fmax/np.fmin, np.nan_to_num, np.nansum/nanmean/nanmax/nanmin, np.all/np.any,
np.argmax/np.argmin (a stable `argsort`: the first index among ties, as NumPy, or the first NaN), np.average."""
from __future__ import annotations

import math

import numpy as np

from ...errors import AdjitTypeError, UnsupportedSyntaxError
from ...ir import Value
from .base import FormsBase

_MAX = float(np.finfo(np.float64).max)

FORMS: dict = {
    "floor": ((np.floor,), (), "`x // 1.0` (gradient 0)"),
    "ceil": ((np.ceil,), (), "`-((-x) // 1.0)` (gradient 0)"),
    "round": ((np.round, np.around), ("round",), "half to even, as NumPy: `floor(x s + 0.5)`, one less on an odd "
                                                "tie, over s = 10 ** decimals, a 0 with x's sign (gradient 0)"),
    "rint": ((np.rint,), (), "the `round` form with 0 decimals"),
    "trunc": ((np.trunc, np.fix), (), "`floor` of positive, `ceil` of negative values (gradient 0)"),
    "exp2": ((np.exp2,), (), "`2.0 ** x`"),
    "reciprocal": ((np.reciprocal,), (), "`1.0 / x` (of floats; NumPy's integer reciprocal is refused)"),
    "modf": ((np.modf,), (), "`(x - trunc(x), trunc(x))`: the fraction keeps x's sign (gradient 1, 0)"),
    "divmod": ((np.divmod,), (), "`(x1 // x2, x1 % x2)`"),
    "fmod": ((np.fmod, math.fmod), (), "C's remainder, of x1's sign: the `fmod` row of floats (gradient 1 and "
                                    "`-trunc(x1 / x2)`); of ints `r = x1 % x2`, less x2 where r != 0 and the signs "
                                    "differ; `math.fmod` of numbers, a float as Python's"),
    "log2": ((np.log2,), (), "`log(x) / log(2)`"),
    "log10": ((np.log10,), (), "`log(x) / log(10)`"),
    "sinc": ((np.sinc,), (), "`sin(pi x) / (pi x)`, 1 at 0 (gradient 0 there)"),
    "heaviside": ((np.heaviside,), (), "`where(x > 0, 1, where(x == 0, h0, 0))` (gradient 0)"),
    "fmax": ((np.fmax,), (), "`maximum`, the other operand where one is NaN"),
    "fmin": ((np.fmin,), (), "`minimum`, the other operand where one is NaN"),
    "nan_to_num": ((np.nan_to_num,), (), "`where` NaN -> `nan` (0), inf -> `posinf`, -inf -> `neginf` (the "
                                         "largest finite float by default)"),
    "nansum": ((np.nansum,), (), "`sum(where(isnan(x), 0, x))` (`axis`, `keepdims`)"),
    "nanmean": ((np.nanmean,), (), "`nansum` over the count of non-NaN elements"),
    "nanprod": ((np.nanprod,), (), "the `prod` form of `where(isnan(x), 1, x)` (`axis`, `keepdims`)"),
    "positive": ((np.positive,), (), "the operand itself, as `+x`"),
    "nanmax": ((np.nanmax,), (), "`max(where(isnan(x), -inf, x))`"),
    "nanmin": ((np.nanmin,), (), "`min(where(isnan(x), inf, x))`"),
    "all": ((np.all,), ("all",), "`min(x != 0) > 0` (`axis`, `keepdims`): a bool"),
    "any": ((np.any,), ("any",), "`max(x != 0) > 0` (`axis`, `keepdims`): a bool"),
    "argmax": ((np.argmax,), ("argmax",), "a stable `argsort` of `-x`, its first entry along `axis` (NumPy's "
                                          "first index among ties; int64, no gradient; of a mask, the first True)"),
    "argmin": ((np.argmin,), ("argmin",), "a stable `argsort` of `x`, its first entry along `axis`"),
    "nanargmax": ((np.nanargmax,), (), "`argmax` of `where(isnan(x), -inf, x)`"),
    "nanargmin": ((np.nanargmin,), (), "`argmin` of `where(isnan(x), inf, x)`"),
    "average": ((np.average,), (), "`sum(x * w, axis) / sum(w, axis)`, or `mean` without `weights`; `returned=True` also gives the sum of the weights (the count without them), as NumPy"),
    "isclose": ((np.isclose,), (), "`(abs(a - b) <= atol + rtol * abs(b)) & isfinite(b) | (a == b)` "
                                   "(infinities equal to themselves only), `| (isnan(a) & isnan(b))` with `equal_nan`: bool, no gradient"),
    "isclose_math": ((math.isclose,), (), "`a == b or (abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), abs_tol) "
                                          "and both finite)`, Python's (bool, no gradient)"),
    "allclose": ((np.allclose,), (), "`all(isclose(a, b, rtol, atol, equal_nan))`: a bool"),
}


class EverydayForms(FormsBase):
    def _operand(self, x, node, label) -> Value:
        x = self.value(x, node)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array or a number", node)
        if x.type.dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        return x

    def _one(self, label, args, kwargs, node, *extra, **defaults):
        bound = self.bind_args(label, ("x",) + extra + ("out",), args, kwargs, node, out=None, **defaults)
        if bound[-1] is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        return [self._operand(bound[0], node, label)] + list(bound[1:-1])

    def _floor(self, x):
        """floor(x) as x // 1.0, and x itself where x is infinite (inf // 1.0 is NaN; np.floor(inf) is inf)."""
        emit = self.b.emit
        return emit("where", [emit("eq", [emit("abs", [x]), self.b.const(math.inf)]), emit("stop_gradient", [x]),
                              emit("floordiv", [x, self.b.const(1.0)])])

    # -- rounding
    def form_floor(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        return self._floor(x)

    def form_ceil(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        return self.b.emit("neg", [self._floor(self.b.emit("neg", [x]))])

    def form_round(self, label, args, kwargs, node):
        x, decimals = self._one(label, args, kwargs, node, "decimals", decimals=0)
        decimals = self.static(decimals, node, "decimals")
        scale = 10.0 ** decimals
        y = x if decimals == 0 else self.b.emit("mul", [x, self.b.const(scale)])
        r = self._floor(self.b.emit("add", [y, self.b.const(0.5)]))
        tie = self.b.emit("eq", [self.b.emit("sub", [r, y]), self.b.const(0.5)])
        odd = self.b.emit("eq", [self.b.emit("mod", [r, self.b.const(2.0)]), self.b.const(1.0)])
        r = self.b.emit("where", [self.b.emit("logical_and", [tie, odd]), self.b.emit("sub", [r, self.b.const(1.0)]), r])
        if r.type.dtype.startswith("float"):  # a value rounded to 0 keeps its sign: np.round(-0.3) is -0.0
            r = self.b.emit("copysign", [r, y])
        return r if decimals == 0 else self.b.emit("div", [r, self.b.const(scale)])

    def form_rint(self, label, args, kwargs, node):
        return self.form_round(label, args[:1], {k: v for k, v in kwargs.items() if k == "out"}, node)

    def form_trunc(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        down = self._floor(x)
        up = self.b.emit("neg", [self._floor(self.b.emit("neg", [x]))])
        return self.b.emit("where", [self.b.emit("ge", [x, self.b.const(0.0)]), down, up])

    def form_modf(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        whole = self.form_trunc(label, [x], {}, node)
        return self.b.emit("sub", [x, whole]), whole

    def form_divmod(self, label, args, kwargs, node):
        a, b, out = self.bind_args(label, ("x1", "x2", "out"), args, kwargs, node, out=None)
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        a, b = self.value(a, node), self.value(b, node)  # ints stay ints, as NumPy's divmod keeps them
        return self.b.emit("floordiv", [a, b]), self.b.emit("mod", [a, b])

    def form_fmod(self, label, args, kwargs, node):
        a, b, out = self.bind_args(label, ("x1", "x2", "out"), args, kwargs, node, out=None)
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        a, b = self.value(a, node), self.value(b, node)
        emit = self.b.emit
        if label.startswith("math"):  # Python's fmod: of numbers, always a float
            if a.type.kind != "scalar" or b.type.kind != "scalar":
                raise self.err(AdjitTypeError, f"{label} of an array (Python raises TypeError)", node, hint="np.fmod")
            a, b = (v if v.type.dtype == "float64" else emit("astype", [v], dtype="float64") for v in (a, b))
        if a.type.dtype.startswith("float") or b.type.dtype.startswith("float"):
            return emit("fmod", [a, b])
        if a.type.dtype == "bool" or b.type.dtype == "bool":
            raise self.err(UnsupportedSyntaxError, f"{label} of booleans", node, hint="cast them to int first")
        r = emit("mod", [a, b])  # Python's floor remainder, b's sign; C's takes a's
        zero = self.b.const(0)
        flip = emit("logical_and", [emit("ne", [r, zero]), emit("ne", [emit("lt", [a, zero]), emit("lt", [b, zero])])])
        return emit("where", [flip, emit("sub", [r, b]), r])

    def form_reciprocal(self, label, args, kwargs, node):
        x, out = self.bind_args(label, ("x", "out"), args, kwargs, node, out=None)
        if out is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` is not supported", node)
        x = self.value(x, node)  # its own dtype (_one would make ints float, where NumPy's truncates)
        if not x.type.dtype.startswith("float"):
            raise self.err(UnsupportedSyntaxError, f"{label} of integers (NumPy's truncates: 0 for |x| > 1)", node,
                           hint="1.0 / x")
        return self.b.emit("div", [self.b.const(1.0), x])

    # -- elementwise
    def form_exp2(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        return self.b.emit("pow", [self.b.const(2.0), x])

    def _log_base(self, label, args, kwargs, node, base):
        (x,) = self._one(label, args, kwargs, node)
        return self.b.emit("div", [self.b.emit("log", [x]), self.b.const(math.log(base))])

    def form_log2(self, label, args, kwargs, node):
        return self._log_base(label, args, kwargs, node, 2.0)

    def form_log10(self, label, args, kwargs, node):
        return self._log_base(label, args, kwargs, node, 10.0)

    def form_sinc(self, label, args, kwargs, node):
        (x,) = self._one(label, args, kwargs, node)
        zero = self.b.emit("eq", [x, self.b.const(0.0)])
        px = self.b.emit("mul", [self.b.emit("where", [zero, self.b.const(1.0), x]), self.b.const(math.pi)])
        return self.b.emit("where", [zero, self.b.const(1.0), self.b.emit("div", [self.b.emit("sin", [px]), px])])

    def form_heaviside(self, label, args, kwargs, node):
        x, h0 = self._one(label, args, kwargs, node, "x2")
        h0 = self.b.emit("stop_gradient", [self.value(h0, node)])
        at0 = self.b.emit("where", [self.b.emit("eq", [x, self.b.const(0.0)]), h0, self.b.const(0.0)])
        return self.b.emit("where", [self.b.emit("gt", [x, self.b.const(0.0)]), self.b.const(1.0), at0])

    def _nan_pick(self, label, args, kwargs, node, prim):
        a, b = self._one(label, args, kwargs, node, "x2")
        b = self._operand(b, node, label)
        both = self.b.emit(prim, [a, b])
        out = self.b.emit("where", [self.b.emit("ne", [b, b]), a, both])
        return self.b.emit("where", [self.b.emit("ne", [a, a]), b, out])

    def form_fmax(self, label, args, kwargs, node):
        return self._nan_pick(label, args, kwargs, node, "maximum")

    def form_fmin(self, label, args, kwargs, node):
        return self._nan_pick(label, args, kwargs, node, "minimum")

    def form_nan_to_num(self, label, args, kwargs, node):
        x, copy, nan, posinf, neginf = self.bind_args(label, ("x", "copy", "nan", "posinf", "neginf"), args, kwargs,
                                                      node, copy=True, nan=0.0, posinf=None, neginf=None)
        x = self._operand(x, node, label)
        hi = self.value(_MAX if posinf is None else posinf, node)
        lo = self.value(-_MAX if neginf is None else neginf, node)
        out = self.b.emit("where", [self.b.emit("eq", [x, self.b.const(math.inf)]), hi, x])
        out = self.b.emit("where", [self.b.emit("eq", [x, self.b.const(-math.inf)]), lo, out])
        return self.b.emit("where", [self.b.emit("ne", [x, x]), self.value(nan, node), out])

    # -- reductions
    def _reduce_args(self, label, args, kwargs, node):
        x, axis, dtype, out, keepdims = self.bind_args(label, ("a", "axis", "dtype", "out", "keepdims"), args, kwargs,
                                                       node, axis=None, dtype=None, out=None, keepdims=False)
        if out is not None or dtype is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: `out=` and `dtype=` are not supported", node)
        return self._operand(x, node, label), axis, keepdims

    def form_nansum(self, label, args, kwargs, node):
        x, axis, keepdims = self._reduce_args(label, args, kwargs, node)
        clean = self.b.emit("where", [self.b.emit("ne", [x, x]), self.b.const(0.0), x])
        return self._reduce("sum", clean, axis, keepdims, node)

    def form_nanprod(self, label, args, kwargs, node):
        x, axis, keepdims = self._reduce_args(label, args, kwargs, node)
        clean = self.b.emit("where", [self.b.emit("ne", [x, x]), self.b.const(1.0), x])
        return self.form_prod(label, (clean,), {"axis": axis, "keepdims": keepdims}, node)

    def form_positive(self, label, args, kwargs, node):
        (x,) = self.bind_args(label, ("x",), args, kwargs, node)
        x = self.value(x, node)
        if x.type.dtype == "bool":
            raise self.err(AdjitTypeError, f"{label}: the numpy boolean positive, the `+` operator, is not supported",
                           node)
        return x

    def form_nanmean(self, label, args, kwargs, node):
        x, axis, keepdims = self._reduce_args(label, args, kwargs, node)
        isnum = self.b.emit("eq", [x, x])
        total = self._reduce("sum", self.b.emit("where", [isnum, x, self.b.const(0.0)]), axis, keepdims, node)
        count = self._reduce("sum", self.b.emit("astype", [isnum], dtype="float64"), axis, keepdims, node)
        return self.b.emit("div", [total, count])

    def _nan_extreme(self, label, args, kwargs, node, prim, fill):
        x, axis, keepdims = self._reduce_args(label, args, kwargs, node)
        clean = self.b.emit("where", [self.b.emit("ne", [x, x]), self.b.const(fill), x])
        return self._reduce(prim, clean, axis, keepdims, node)

    def form_nanmax(self, label, args, kwargs, node):
        return self._nan_extreme(label, args, kwargs, node, "max", -math.inf)

    def form_nanmin(self, label, args, kwargs, node):
        return self._nan_extreme(label, args, kwargs, node, "min", math.inf)

    def _truth(self, label, args, kwargs, node, prim):
        x, axis, out, keepdims = self.bind_args(label, ("a", "axis", "out", "keepdims"), args, kwargs, node,
                                                axis=None, out=None, keepdims=False)
        x = self.value(x, node)
        nonzero = self.b.emit("ne", [x, self.b.const(0)]) if x.type.dtype != "bool" else x
        r = self._reduce(prim, self.b.emit("astype", [nonzero], dtype="float64"), axis, keepdims, node)
        return self.b.emit("gt", [r, self.b.const(0.0)])

    def form_isclose(self, label, args, kwargs, node):
        a, b, rtol, atol, equal_nan = self.bind_args(label, ("a", "b", "rtol", "atol", "equal_nan"), args, kwargs,
                                                     node, rtol=1e-05, atol=1e-08, equal_nan=False)
        a, b = self.value(a, node), self.value(b, node)
        rtol, atol = self.value(rtol, node), self.value(atol, node)
        self.at(node)
        near = self.b.emit("le", [self.b.emit("abs", [self.b.emit("sub", [a, b])]),
                                  self.b.emit("add", [atol, self.b.emit("mul", [rtol, self.b.emit("abs", [b])])])])
        finite = self.b.emit("lt", [self.b.emit("abs", [b]), self.value(math.inf, node)])  # NumPy: & isfinite(b)
        out = self.b.emit("logical_or", [self.b.emit("logical_and", [near, finite]),
                                         self.b.emit("eq", [a, b])])  # inf == inf
        if self.static(equal_nan, node, "equal_nan"):
            both = self.b.emit("logical_and", [self.b.emit("ne", [a, a]), self.b.emit("ne", [b, b])])
            out = self.b.emit("logical_or", [out, both])
        return out

    def form_isclose_math(self, label, args, kwargs, node):
        if args[2:]:
            raise self.err(AdjitTypeError, f"{label} takes two numbers; rel_tol and abs_tol are keywords", node)
        a, b, rtol, atol = self.bind_args(label, ("a", "b", "rel_tol", "abs_tol"), args, kwargs, node,
                                          rel_tol=1e-09, abs_tol=0.0)
        a, b, rtol, atol = (self.value(v, node) for v in (a, b, rtol, atol))
        if a.type.kind != "scalar" or b.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"{label} takes numbers (Python raises TypeError for an array)", node,
                           hint="np.isclose(a, b) compares arrays elementwise")
        emit, inf = self.b.emit, self.value(math.inf, node)
        self.at(node)
        diff = emit("abs", [emit("sub", [a, b])])
        tol = emit("maximum", [emit("mul", [rtol, emit("maximum", [emit("abs", [a]), emit("abs", [b])])]), atol])
        finite = emit("logical_and", [emit("lt", [emit("abs", [a]), inf]), emit("lt", [emit("abs", [b]), inf])])
        return emit("logical_or", [emit("eq", [a, b]), emit("logical_and", [emit("le", [diff, tol]), finite])])

    def form_allclose(self, label, args, kwargs, node):
        return self._truth("np.all", [self.form_isclose(label, args, kwargs, node)], {}, node, "min")

    def form_all(self, label, args, kwargs, node):
        return self._truth(label, args, kwargs, node, "min")

    def form_any(self, label, args, kwargs, node):
        return self._truth(label, args, kwargs, node, "max")

    def _arg_extreme(self, label, args, kwargs, node, negate):
        x, axis, out, keepdims = self.bind_args(label, ("a", "axis", "out", "keepdims"), args, kwargs, node,
                                                axis=None, out=None, keepdims=False)
        x = self.value(x, node)
        if x.type.kind != "array":
            return 0
        flat, ax = self._along(x, axis, node, label)
        if flat.type.dtype == "bool":  # np.argmax(mask): the first True, as of the mask's 0s and 1s
            flat = self.b.emit("astype", [flat], dtype="int64")
        key = self.b.emit("neg", [flat]) if negate else flat
        first = self._take(self.b.emit("argsort", [key], axis=ax), ax, 0)
        if flat.type.dtype in ("float32", "float64"):  # NumPy's answer is the first NaN, where there is one
            nan = self.b.emit("ne", [flat, flat])
            nan_first = self.b.emit("astype", [self.b.emit("logical_not", [nan])], dtype="float64")
            first_nan = self._take(self.b.emit("argsort", [nan_first], axis=ax), ax, 0)
            any_nan = self.b.emit("gt", [self._reduce("max", self.b.emit("astype", [nan], dtype="float64"), ax,
                                                      False, node), self.b.const(0.0)])
            first = self.b.emit("where", [any_nan, first_nan, first])
        if self.static(keepdims, node, "keepdims"):
            return self.b.emit("expand_dims", [first], axis=(ax,)) if axis is not None else first
        return first

    def form_argmax(self, label, args, kwargs, node):
        return self._arg_extreme(label, args, kwargs, node, True)

    def form_argmin(self, label, args, kwargs, node):
        return self._arg_extreme(label, args, kwargs, node, False)

    def _nan_arg(self, label, args, kwargs, node, negate):
        args = list(args)
        x = self.value(args[0] if args else kwargs.pop("a"), node)
        if x.type.kind == "array" and x.type.dtype.startswith("float"):
            fill = self.b.const(-math.inf if negate else math.inf)
            x = self.b.emit("where", [self.b.emit("ne", [x, x]), fill, x])
        return self._arg_extreme(label, [x] + args[1:], kwargs, node, negate)

    def form_nanargmax(self, label, args, kwargs, node):
        return self._nan_arg(label, args, kwargs, node, True)

    def form_nanargmin(self, label, args, kwargs, node):
        return self._nan_arg(label, args, kwargs, node, False)

    def form_average(self, label, args, kwargs, node):
        x, axis, weights, returned, keepdims = self.bind_args(
            label, ("a", "axis", "weights", "returned", "keepdims"), args, kwargs, node,
            axis=None, weights=None, returned=False, keepdims=False)
        returned = self.static(returned, node, "returned")
        x = self._operand(x, node, label)
        if weights is None:
            avg = self._reduce("mean", x, axis, keepdims, node)
            if not returned:
                return avg
            ones = self.b.emit("broadcast_to", [self.b.const(1.0), self.b.emit("shape", [x])])
            return avg, self._reduce("sum", ones, axis, keepdims, node)  # (avg, the count), NumPy's pair
        w = self._operand(weights, node, label)
        if self._rank(w) != self._rank(x):
            if axis is None or self._rank(w) != 1:
                raise self.err(UnsupportedSyntaxError, f"{label}: weights of another shape need an `axis`", node)
            ax = self._axis(axis, self._rank(x), node)
            w = self.b.emit("expand_dims", [w], axis=tuple(k for k in range(self._rank(x)) if k != ax))
        num = self._reduce("sum", self.b.emit("mul", [x, w]), axis, keepdims, node)
        den = self._reduce("sum", self.b.emit("broadcast_to", [w, self.b.emit("shape", [x])]), axis, keepdims, node)
        avg = self.b.emit("div", [num, den])
        return (avg, den) if returned else avg  # returned=True: (avg, the sum of the weights)
