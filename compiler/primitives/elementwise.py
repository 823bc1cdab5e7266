"""Elementwise rows: operators, comparisons, `where`/`clip`, unary math, casts."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import CUSTOM, _tsum, npx, primitive


# ------------------------------------------------------------------------------ abstract helpers


def _ew(*args, **_):
    return S.elementwise(list(args))


def _ew_float(*args, **_):
    t = S.to_float(S.promote(*(a.type for a in args)))
    return S.elementwise(list(args), t)


def _ew_bool(*args, **_):
    return S.elementwise(list(args), S.scalar_type("bool", all(a.type.weak for a in args)))


def _same(x, **_):
    return x if x.value is None else Abstract(x.type, x.shape)


def _int_binop(fn):
    """Elementwise rule that also folds known Python ints (shape arithmetic)."""

    def rule(a, b, **_):
        out = S.elementwise([a, b])
        if out.type.kind == "scalar" and a.value is not None and b.value is not None and out.type.dtype != "float64":
            return Abstract(out.type, (), fn(a.value, b.value))
        return out

    return rule


# ---------------------------------------------------------------------------- elementwise: binary

primitive("add", _int_binop(lambda a, b: a + b), elementwise=True, sources=("+", np.add), params=("x1", "x2"), readable="{0} + {1}",
          vjp=lambda g, z, x, y: (g, g),
          jvp=lambda t, z, x, y: _tsum(t[0], t[1]))
primitive("sub", _int_binop(lambda a, b: a - b), elementwise=True, sources=("-", np.subtract), params=("x1", "x2"), readable="{0} - {1}",
          vjp=lambda g, z, x, y: (g, -g),
          jvp=lambda t, z, x, y: _tsum(t[0], None if t[1] is None else -t[1]))
primitive("mul", _int_binop(lambda a, b: a * b), elementwise=True, sources=("*", np.multiply), params=("x1", "x2"), 
          readable="{0} * {1}",
          vjp=lambda g, z, x, y: (g * y, g * x),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] * y, None if t[1] is None else x * t[1]))
primitive("div", _ew_float, elementwise=True, sources=("/", np.divide, np.true_divide), params=("x1", "x2"), readable="{0} / {1}",
          vjp=lambda g, z, x, y: (g / y, g * (-z / y)),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] / y, None if t[1] is None else -t[1] * z / y))
primitive("floordiv", _int_binop(lambda a, b: a // b), elementwise=True, sources=("//", np.floor_divide), readable="{0} // {1}",
          params=("x1", "x2"), differentiable=False)
# x % y = x - y * floor(x / y): d/dx = 1, d/dy = -floor(x / y) = -(x - z) / y, almost everywhere
primitive("mod", _int_binop(lambda a, b: a % b), elementwise=True, sources=("%", np.mod, np.remainder), readable="{0} % {1}",
          params=("x1", "x2"),
          vjp=lambda g, z, x, y: (g, -g * ((x - z) / y)),
          jvp=lambda t, z, x, y: _tsum(t[0], None if t[1] is None else -t[1] * ((x - z) / y)))
def _np_fmod(a, b):
    with np.errstate(all="ignore"):
        return np.fmod(a, b).item()  # ints stay ints; fmod(k, 0) is 0, as NumPy's


# np.fmod of floats (the form in frontend/forms/everyday.py composes it of ints: Numba's integer
# np.fmod is wrong for negative operands): the remainder of C's fmod (the sign of x1): x - y * trunc(x / y), the same derivatives
primitive("fmod", _int_binop(_np_fmod), elementwise=True, sources=(), readable="np.fmod({0}, {1})",
          params=("x1", "x2"),
          vjp=lambda g, z, x, y: (g, -g * ((x - z) / y)),
          jvp=lambda t, z, x, y: _tsum(t[0], None if t[1] is None else -t[1] * ((x - z) / y)))
# np.copysign(x1, x2) = |x1| with x2's sign bit: d/dx1 = z / x1 (exactly +-1) where x1 != 0, 0 at 0
# (as |x|'s rule); none in x2
primitive("copysign", _ew_float, elementwise=True, sources=(np.copysign, math.copysign), params=("x1", "x2"),
          readable="np.copysign({0}, {1})", nondiff_inputs=(1,),
          vjp=lambda g, z, x, y: (g * npx.where(x == 0, 0.0, z / x), None),
          jvp=lambda t, z, x, y: None if t[0] is None else t[0] * npx.where(x == 0, 0.0, z / x))


def _pow_dx(x, p):
    """d(x ** p)/dx = p x^(p-1), 0 where p == 0 (x ** 0 is 1 everywhere, also at x = 0, where
    p x^(p-1) is 0 * inf). An exponent known when compiled keeps its type (x ** 3: 3 * x ** 2,
    integer powers); one known only at run time (a loop index k) is raised as a float, since
    compiled code raises ZeroDivisionError for 0.0 ** -1 with an integer exponent."""
    known = p.aval.value if hasattr(p, "aval") else p
    if isinstance(known, (int, float)) and not isinstance(known, bool) and p.type.kind == "scalar":
        if known == 0:
            return npx.zeros_like(x) if x.type.kind == "array" else x * 0.0
        if known == 1:  # 1 everywhere (x ** 0 is 1, nan ** 0 too): no x ** 0 left in the code
            return 1.0
        return p * x ** (p - 1) if known >= 1 else p * x ** (p - 1.0)
    return npx.where(p == 0, 0.0, p * x ** (p - 1.0))


def _pow_dp(x):
    """log(x), the factor of d(x ** p)/dp = log(x) x^p, as 0 where x == 0: 0 ** p is 0 for every
    p > 0, so its derivative in p is 0 (JAX's rule), where log(0) * 0 would be NaN."""
    return npx.log(npx.where(x == 0.0, 1.0, x))


primitive("pow", _ew, elementwise=True, sources=("**", np.power, pow, math.pow), params=("x1", "x2"), readable="{0} ** {1}",
          vjp=lambda g, z, x, p: (g * _pow_dx(x, p), g * (_pow_dp(x) * z)),
          jvp=lambda t, z, x, p: _tsum(None if t[0] is None else t[0] * _pow_dx(x, p),
                                       None if t[1] is None else t[1] * _pow_dp(x) * z))
# Ties go to the first argument, in both columns, so VJP and JVP agree. The value at a tie is the
# second's, as NumPy's (np.maximum(0.0, -0.0) is -0.0; runtime/scalarmath.py: Numba's gives the first)
primitive("maximum", _ew, elementwise=True, sources=(np.maximum, max), params=("x1", "x2"), readable="np.maximum({0}, {1})",
          scalar="_sm.maximum({0}, {1})",
          vjp=lambda g, z, x, y: (npx.where(x >= y, g, 0.0), npx.where(x >= y, 0.0, g)),
          jvp=lambda t, z, x, y: npx.where(x >= y, _zero_if_none(t[0], x), _zero_if_none(t[1], y)))
primitive("minimum", _ew, elementwise=True, sources=(np.minimum, min), params=("x1", "x2"), readable="np.minimum({0}, {1})",
          scalar="_sm.minimum({0}, {1})",
          vjp=lambda g, z, x, y: (npx.where(x <= y, g, 0.0), npx.where(x <= y, 0.0, g)),
          jvp=lambda t, z, x, y: npx.where(x <= y, _zero_if_none(t[0], x), _zero_if_none(t[1], y)))


def _zero_if_none(t, like):
    return 0.0 if t is None else t


for _name, _src in (("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="), ("eq", "=="), ("ne", "!=")):
    primitive(_name, _ew_bool, elementwise=True, sources=(_src,), readable="{0} " + _src + " {1}",
              params=("x1", "x2"), differentiable=False)
primitive("logical_and", _ew_bool, elementwise=True, sources=("&", np.logical_and), params=("x1", "x2"), 
          readable="np.logical_and({0}, {1})", differentiable=False)
primitive("logical_or", _ew_bool, elementwise=True, sources=("|", np.logical_or), params=("x1", "x2"), 
          readable="np.logical_or({0}, {1})", differentiable=False)
primitive("logical_not", _ew_bool, elementwise=True, sources=("~", np.logical_not), readable="np.logical_not({0})",
          differentiable=False)
primitive("sign", _same, elementwise=True, sources=(np.sign,), readable="np.sign({0})", differentiable=False)


def _where_abstract(c, a, b, **_):
    t = S.promote(a.type, b.type)
    return S.elementwise([c, a, b], t)


primitive("where", _where_abstract, elementwise=True, sources=(np.where,), nondiff_inputs=(0,),
          params=("condition", "x", "y"), readable="np.where({0}, {1}, {2})",
          scalar="{1} if {0:as_is} else {2}",  # Numba's np.where of scalars is a 0-d array
          vjp=lambda g, z, c, a, b: (None, npx.where(c, g, 0.0), npx.where(c, 0.0, g)),
          jvp=lambda t, z, c, a, b: npx.where(c, _zero_if_none(t[1], a), _zero_if_none(t[2], b)))


def _clip_abstract(x, lo, hi, **_):
    return S.elementwise([x, lo, hi], S.promote(x.type, lo.type, hi.type))


# Where a_min > a_max the result is a_max (NumPy's rule), and so is the derivative. The scalar form
# (runtime/scalarmath.clip, each operand read once) keeps x where the result equals it
# (np.clip(-0.0, 0.0, 1) is -0.0 in NumPy); a NaN anywhere gives NaN, as np.minimum/np.maximum do
primitive("clip", _clip_abstract, elementwise=True, sources=(np.clip,), params=("a", "a_min", "a_max"),
          readable="np.clip({0}, {1}, {2})",
          scalar="_sm.clip({0}, {1}, {2})",  # runtime/scalarmath.py
          vjp=lambda g, z, x, lo, hi: (npx.where(npx.logical_and(x >= lo, x <= hi), g, 0.0),
                                       npx.where(npx.logical_and(x < lo, lo <= hi), g, 0.0),
                                       npx.where(npx.logical_or(x > hi, lo > hi), g, 0.0)),
          jvp=lambda t, z, x, lo, hi: _tsum(
              None if t[0] is None else npx.where(npx.logical_and(x >= lo, x <= hi), t[0], 0.0),
              None if t[1] is None else npx.where(npx.logical_and(x < lo, lo <= hi), t[1], 0.0),
              None if t[2] is None else npx.where(npx.logical_or(x > hi, lo > hi), t[2], 0.0)))

# ----------------------------------------------------------------------------- elementwise: unary
# Each row: name, sources, VJP  g -> dx, JVP  dx -> dy;  y is the primal output, x the input.

primitive("neg", _same, elementwise=True, sources=("u-", np.negative), readable="-{0:as_is}",
          vjp=lambda g, y, x: (-g,), jvp=lambda t, y, x: -t[0])
primitive("exp", _ew_float, elementwise=True, sources=(np.exp, math.exp),
          readable="np.exp({0})", simd="exp",
          vjp=lambda g, y, x: (g * y,), jvp=lambda t, y, x: t[0] * y)
primitive("log", _ew_float, elementwise=True, sources=(np.log, math.log),
          readable="np.log({0})", simd="log",
          vjp=lambda g, y, x: (g / x,), jvp=lambda t, y, x: t[0] / x)
primitive("log1p", _ew_float, elementwise=True, sources=(np.log1p, math.log1p),
          readable="np.log1p({0})", simd="log1p",
          vjp=lambda g, y, x: (g / (1 + x),), jvp=lambda t, y, x: t[0] / (1 + x))
primitive("expm1", _ew_float, elementwise=True, sources=(np.expm1, math.expm1),
          readable="np.expm1({0})", simd="expm1",
          vjp=lambda g, y, x: (g * (y + 1),), jvp=lambda t, y, x: t[0] * (y + 1))
primitive("sqrt", _ew_float, elementwise=True, sources=(np.sqrt, math.sqrt),
          readable="np.sqrt({0})",
          vjp=lambda g, y, x: (g * (0.5 / y),), jvp=lambda t, y, x: t[0] * (0.5 / y))
# the real cube root (negative x too): d/dx = 1 / (3 y²), inf at 0 as sqrt's 1 / (2 y)
primitive("cbrt", _ew_float, elementwise=True, sources=(np.cbrt,) + ((math.cbrt,) if hasattr(math, "cbrt") else ()),
          readable="np.cbrt({0})",
          vjp=lambda g, y, x: (g / (3 * (y * y)),), jvp=lambda t, y, x: t[0] / (3 * (y * y)))
primitive("square", _ew, elementwise=True, sources=(np.square,),
          readable="np.square({0})",
          vjp=lambda g, y, x: (g * (2 * x),), jvp=lambda t, y, x: t[0] * (2 * x))
primitive("sin", _ew_float, elementwise=True, sources=(np.sin, math.sin),
          readable="np.sin({0})", simd="sin",
          vjp=lambda g, y, x: (g * npx.cos(x),), jvp=lambda t, y, x: t[0] * npx.cos(x))
primitive("cos", _ew_float, elementwise=True, sources=(np.cos, math.cos),
          readable="np.cos({0})", simd="cos",
          vjp=lambda g, y, x: (g * -npx.sin(x),), jvp=lambda t, y, x: t[0] * -npx.sin(x))
primitive("tan", _ew_float, elementwise=True, sources=(np.tan, math.tan),
          readable="np.tan({0})", simd="tan",
          vjp=lambda g, y, x: (g * (1 + y * y),), jvp=lambda t, y, x: t[0] * (1 + y * y))
primitive("tanh", _ew_float, elementwise=True, sources=(np.tanh, math.tanh),
          readable="np.tanh({0})", simd="tanh", scalar="_sm.tanh({0})",  # runtime/scalarmath.py
          vjp=lambda g, y, x: (g * (1 - y * y),), jvp=lambda t, y, x: t[0] * (1 - y * y))
primitive("sinh", _ew_float, elementwise=True, sources=(np.sinh, math.sinh),
          readable="np.sinh({0})", simd="sinh",
          vjp=lambda g, y, x: (g * npx.cosh(x),), jvp=lambda t, y, x: t[0] * npx.cosh(x))
primitive("cosh", _ew_float, elementwise=True, sources=(np.cosh, math.cosh),
          readable="np.cosh({0})", simd="cosh",
          vjp=lambda g, y, x: (g * npx.sinh(x),), jvp=lambda t, y, x: t[0] * npx.sinh(x))
primitive("arctan", _ew_float, elementwise=True, sources=(np.arctan, math.atan),
          readable="np.arctan({0})", simd="atan",
          vjp=lambda g, y, x: (g / (1 + x * x),), jvp=lambda t, y, x: t[0] / (1 + x * x))
# arctan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)
primitive("arctan2", _ew_float, elementwise=True, sources=(np.arctan2, math.atan2), params=("x1", "x2"),
          readable="np.arctan2({0}, {1})",
          vjp=lambda g, z, y, x: (g * (x / (x * x + y * y)), g * (-y / (x * x + y * y))),
          jvp=lambda t, z, y, x: _tsum(None if t[0] is None else t[0] * (x / (x * x + y * y)),
                                       None if t[1] is None else t[1] * (-y / (x * x + y * y))))
primitive("abs", _same, elementwise=True, sources=(np.abs, np.absolute, np.fabs, abs, math.fabs),
          readable="np.abs({0})",
          vjp=lambda g, y, x: (g * npx.sign(x),), jvp=lambda t, y, x: t[0] * npx.sign(x))


def _astype_abstract(x, dtype, weak=False, **_):
    """weak: Python's int()/float()/round() of a number, a Python number (weak under NEP 50)."""
    return S.make(dtype, x.shape, weak)


primitive("astype", _astype_abstract, elementwise=True, sources=(".astype",), readable=CUSTOM,
          scalar="np.{dtype}({0:as_is})",
          vjp=lambda g, y, x, dtype, **_: (npx.astype(g, dtype=x.dtype),),
          jvp=lambda t, y, x, dtype, **_: npx.astype(t[0], dtype=dtype))
