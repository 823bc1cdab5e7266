"""Elementwise rows: operators, comparisons, `where`/`clip`, unary math, casts."""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from ..ir import NONE_TYPE, Abstract, Type, scalar_type
from .table import _tsum, npx, primitive


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

primitive("add", _int_binop(lambda a, b: a + b), elementwise=True, sources=("+",),
          vjp=lambda g, z, x, y: (g, g),
          jvp=lambda t, z, x, y: _tsum(t[0], t[1]))
primitive("sub", _int_binop(lambda a, b: a - b), elementwise=True, sources=("-",),
          vjp=lambda g, z, x, y: (g, -g),
          jvp=lambda t, z, x, y: _tsum(t[0], None if t[1] is None else -t[1]))
primitive("mul", _int_binop(lambda a, b: a * b), elementwise=True, sources=("*", np.multiply),
          vjp=lambda g, z, x, y: (g * y, g * x),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] * y, None if t[1] is None else x * t[1]))
primitive("div", _ew_float, elementwise=True, sources=("/", np.divide, np.true_divide),
          vjp=lambda g, z, x, y: (g / y, g * (-z / y)),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] / y, None if t[1] is None else -t[1] * z / y))
primitive("floordiv", _int_binop(lambda a, b: a // b), elementwise=True, sources=("//",), differentiable=False)
primitive("mod", _int_binop(lambda a, b: a % b), elementwise=True, sources=("%",), differentiable=False)
primitive("pow", _ew, elementwise=True, sources=("**", np.power),
          vjp=lambda g, z, x, p: (g * (p * x ** (p - 1)), g * (npx.log(x) * z)),
          jvp=lambda t, z, x, p: _tsum(None if t[0] is None else t[0] * p * x ** (p - 1),
                                       None if t[1] is None else t[1] * npx.log(x) * z))
# Ties go to the first argument, in both columns, so VJP and JVP agree.
primitive("maximum", _ew, elementwise=True, sources=(np.maximum, max),
          vjp=lambda g, z, x, y: (npx.where(x >= y, g, 0.0), npx.where(x >= y, 0.0, g)),
          jvp=lambda t, z, x, y: npx.where(x >= y, _zero_if_none(t[0], x), _zero_if_none(t[1], y)))
primitive("minimum", _ew, elementwise=True, sources=(np.minimum, min),
          vjp=lambda g, z, x, y: (npx.where(x <= y, g, 0.0), npx.where(x <= y, 0.0, g)),
          jvp=lambda t, z, x, y: npx.where(x <= y, _zero_if_none(t[0], x), _zero_if_none(t[1], y)))


def _zero_if_none(t, like):
    return 0.0 if t is None else t


for _name, _src in (("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="), ("eq", "=="), ("ne", "!=")):
    primitive(_name, _ew_bool, elementwise=True, sources=(_src,), differentiable=False)
primitive("logical_and", _ew_bool, elementwise=True, sources=("&", np.logical_and), differentiable=False)
primitive("logical_or", _ew_bool, elementwise=True, sources=("|", np.logical_or), differentiable=False)
primitive("logical_not", _ew_bool, elementwise=True, sources=("~", np.logical_not), differentiable=False)
primitive("sign", _same, elementwise=True, sources=(np.sign,), differentiable=False)


def _where_abstract(c, a, b, **_):
    t = S.promote(a.type, b.type)
    return S.elementwise([c, a, b], t)


primitive("where", _where_abstract, elementwise=True, sources=(np.where,), nondiff_inputs=(0,),
          vjp=lambda g, z, c, a, b: (None, npx.where(c, g, 0.0), npx.where(c, 0.0, g)),
          jvp=lambda t, z, c, a, b: npx.where(c, _zero_if_none(t[1], a), _zero_if_none(t[2], b)))


def _clip_abstract(x, lo, hi, **_):
    return S.elementwise([x, lo, hi], S.promote(x.type, lo.type, hi.type))


primitive("clip", _clip_abstract, elementwise=True, sources=(np.clip,),
          vjp=lambda g, z, x, lo, hi: (npx.where(npx.logical_and(x >= lo, x <= hi), g, 0.0),
                                       npx.where(x < lo, g, 0.0), npx.where(x > hi, g, 0.0)),
          jvp=lambda t, z, x, lo, hi: _tsum(
              None if t[0] is None else npx.where(npx.logical_and(x >= lo, x <= hi), t[0], 0.0),
              None if t[1] is None else npx.where(x < lo, t[1], 0.0),
              None if t[2] is None else npx.where(x > hi, t[2], 0.0)))

# ----------------------------------------------------------------------------- elementwise: unary
# Each row: name, sources, VJP  g -> dx, JVP  dx -> dy;  y is the primal output, x the input.

primitive("neg", _same, elementwise=True, sources=("u-", np.negative),
          vjp=lambda g, y, x: (-g,), jvp=lambda t, y, x: -t[0])
primitive("exp", _ew_float, elementwise=True, sources=(np.exp, math.exp),
          vjp=lambda g, y, x: (g * y,), jvp=lambda t, y, x: t[0] * y)
primitive("log", _ew_float, elementwise=True, sources=(np.log, math.log),
          vjp=lambda g, y, x: (g / x,), jvp=lambda t, y, x: t[0] / x)
primitive("log1p", _ew_float, elementwise=True, sources=(np.log1p, math.log1p),
          vjp=lambda g, y, x: (g / (1 + x),), jvp=lambda t, y, x: t[0] / (1 + x))
primitive("expm1", _ew_float, elementwise=True, sources=(np.expm1, math.expm1),
          vjp=lambda g, y, x: (g * (y + 1),), jvp=lambda t, y, x: t[0] * (y + 1))
primitive("sqrt", _ew_float, elementwise=True, sources=(np.sqrt, math.sqrt),
          vjp=lambda g, y, x: (g * (0.5 / y),), jvp=lambda t, y, x: t[0] * (0.5 / y))
primitive("square", _ew, elementwise=True, sources=(np.square,),
          vjp=lambda g, y, x: (g * (2 * x),), jvp=lambda t, y, x: t[0] * (2 * x))
primitive("sin", _ew_float, elementwise=True, sources=(np.sin, math.sin),
          vjp=lambda g, y, x: (g * npx.cos(x),), jvp=lambda t, y, x: t[0] * npx.cos(x))
primitive("cos", _ew_float, elementwise=True, sources=(np.cos, math.cos),
          vjp=lambda g, y, x: (g * -npx.sin(x),), jvp=lambda t, y, x: t[0] * -npx.sin(x))
primitive("tan", _ew_float, elementwise=True, sources=(np.tan, math.tan),
          vjp=lambda g, y, x: (g * (1 + y * y),), jvp=lambda t, y, x: t[0] * (1 + y * y))
primitive("tanh", _ew_float, elementwise=True, sources=(np.tanh, math.tanh),
          vjp=lambda g, y, x: (g * (1 - y * y),), jvp=lambda t, y, x: t[0] * (1 - y * y))
primitive("sinh", _ew_float, elementwise=True, sources=(np.sinh, math.sinh),
          vjp=lambda g, y, x: (g * npx.cosh(x),), jvp=lambda t, y, x: t[0] * npx.cosh(x))
primitive("cosh", _ew_float, elementwise=True, sources=(np.cosh, math.cosh),
          vjp=lambda g, y, x: (g * npx.sinh(x),), jvp=lambda t, y, x: t[0] * npx.sinh(x))
primitive("arctan", _ew_float, elementwise=True, sources=(np.arctan, math.atan),
          vjp=lambda g, y, x: (g / (1 + x * x),), jvp=lambda t, y, x: t[0] / (1 + x * x))
primitive("abs", _same, elementwise=True, sources=(np.abs, np.absolute, abs, math.fabs),
          vjp=lambda g, y, x: (g * npx.sign(x),), jvp=lambda t, y, x: t[0] * npx.sign(x))


def _astype_abstract(x, dtype, **_):
    return S.make(dtype, x.shape)


primitive("astype", _astype_abstract, elementwise=True, sources=(".astype",),
          vjp=lambda g, y, x, dtype: (npx.astype(g, dtype=x.dtype),),
          jvp=lambda t, y, x, dtype: npx.astype(t[0], dtype=dtype))
