"""THE table of primitives: how each is written in source, its shape/dtype rule, whether it is
elementwise, and its VJP and JVP rules side by side. Rules read like the seed:
`tanh: g * (1 - y * y)`. Adding a primitive = adding one entry here + its test row.

Rules are traced, not parsed: they run on `Var` proxies (see builder.py) whose operators and the
`npx` namespace emit IR ops, so static attributes (axes, keepdims) stay plain Python values.
A VJP rule takes (g, y, *inputs, **attrs) and returns one cotangent per input (None = no
contribution); a JVP rule takes (tangents, y, *inputs, **attrs), tangents holding None for zero.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import shapes as S
from .errors import AdjitTypeError, ShapeError
from .ir import NONE_TYPE, Abstract, Type, scalar_type


class _RuleNamespace:
    """`npx.tanh(x)` inside a rule emits a `tanh` op into the builder that owns `x`."""

    def __getattr__(self, prim: str) -> Callable:
        def emit(*args, **attrs):
            builder = next(a.builder for a in args if hasattr(a, "builder"))
            return builder.emit_vars(prim, args, attrs)

        emit.__name__ = prim
        return emit


npx = _RuleNamespace()


@dataclass(frozen=True)
class Primitive:
    name: str
    abstract: Callable  # (args: list[Abstract], **attrs) -> Abstract
    vjp: Callable | None = None
    jvp: Callable | None = None
    elementwise: bool = False
    sources: tuple = ()  # Python objects (np.tanh, math.tanh) and method names (".sum") it matches
    differentiable: bool = True
    nondiff_inputs: tuple = ()  # input positions that never carry a derivative (shapes, conditions)
    view: bool = False  # NumPy returns a view of input 0 (when the result is an array): writes show through


PRIMITIVES: dict[str, Primitive] = {}


def primitive(name: str, abstract: Callable, vjp=None, jvp=None, **kw) -> Primitive:
    p = Primitive(name, abstract, vjp, jvp, **kw)
    PRIMITIVES[name] = p
    return p


def _tsum(*terms):
    """Sum of the tangent terms that are not None (None = structurally zero)."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


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

# ------------------------------------------------------------------------------------ reductions


def _reduce_abstract(x, axis, keepdims, **_):
    if x.type.kind not in ("array", "scalar"):
        raise AdjitTypeError("reductions need an array argument")
    out_shape = S.reduced_shape(x.shape, axis, keepdims)
    t = x.type
    if x.type.dtype == "bool":
        t = scalar_type("int64")
    return S.make(t.dtype, out_shape)


def _mean_abstract(x, axis, keepdims, **_):
    out = _reduce_abstract(x, axis, keepdims)
    return S.make(S.to_float(out.type).dtype, out.shape)


def _restore(g, x, axis, keepdims):
    """Bring a reduced value back to x's rank (keepdims form) so it broadcasts against x."""
    if keepdims or g.rank == 0 or not axis:
        return g
    return npx.expand_dims(g, axis=axis)


def _spread(g, x, axis, keepdims):
    if x.rank == 0:
        return g
    return npx.broadcast_to(_restore(g, x, axis, keepdims), x.shape)


def _count(x, axis):
    n = 1
    for a in axis:
        n = n * x.shape[a]
    return n


def _extremum_vjp(g, y, x, axis, keepdims):
    # Ties share the cotangent equally (as in PyTorch's amax and JAX's max).
    mask = x == _restore(y, x, axis, keepdims)
    ties = npx.sum(npx.astype(mask, dtype=x.dtype), axis=axis, keepdims=True)
    return (npx.where(mask, _restore(g, x, axis, keepdims) / ties, 0.0),)


def _extremum_jvp(t, y, x, axis, keepdims):
    mask = x == _restore(y, x, axis, keepdims)
    ties = npx.sum(npx.astype(mask, dtype=x.dtype), axis=axis, keepdims=keepdims)
    return npx.sum(npx.where(mask, t[0], 0.0), axis=axis, keepdims=keepdims) / ties


primitive("sum", _reduce_abstract, sources=(np.sum, ".sum"),
          vjp=lambda g, y, x, axis, keepdims: (_spread(g, x, axis, keepdims),),
          jvp=lambda t, y, x, axis, keepdims: npx.sum(t[0], axis=axis, keepdims=keepdims))
primitive("mean", _mean_abstract, sources=(np.mean, ".mean"),
          vjp=lambda g, y, x, axis, keepdims: (_spread(g, x, axis, keepdims) / _count(x, axis),),
          jvp=lambda t, y, x, axis, keepdims: npx.mean(t[0], axis=axis, keepdims=keepdims))
def _extremum_abstract(x, axis, keepdims, _name="maximum", **kw):
    if x.type.kind == "array" and any(x.shape[a] == 0 for a in axis if a < len(x.shape)):
        raise ShapeError(f"zero-size array to reduction operation {_name} which has no identity",
                         hint="NumPy raises this ValueError too: check the size before reducing")
    return _reduce_abstract(x, axis, keepdims, **kw)


primitive("max", functools.partial(_extremum_abstract, _name="maximum"), sources=(np.max, np.amax, ".max"),
          vjp=_extremum_vjp, jvp=_extremum_jvp)
primitive("min", functools.partial(_extremum_abstract, _name="minimum"), sources=(np.min, np.amin, ".min"),
          vjp=_extremum_vjp, jvp=_extremum_jvp)

# -------------------------------------------------------------------------------- linear algebra


def _matmul_abstract(x, y, **_):
    if x.type.rank not in (1, 2) or y.type.rank not in (1, 2):
        raise AdjitTypeError(
            f"@ / matmul / dot takes 1-D and 2-D arrays here, got {x.type.rank}-D and {y.type.rank}-D",
            hint="for batched products write a loop or reshape to 2-D")
    t = S.promote(x.type, y.type)
    if t.dtype not in ("float32", "float64"):
        raise AdjitTypeError(f"@ / matmul / dot needs float arrays, got {x.type.dtype} and {y.type.dtype}",
                             hint="convert with .astype(np.float64)")
    k1 = x.shape[-1]
    k2 = y.shape[0]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError(f"matmul: inner dimensions differ: {tuple(x.shape)} @ {tuple(y.shape)}")
    return S.make(t.dtype, tuple(x.shape[:-1]) + tuple(y.shape[1:]))


def _matmul_vjp(g, z, x, y):
    if x.rank == 2 and y.rank == 2:
        return g @ y.T, x.T @ g
    if x.rank == 2:  # matrix @ vector
        return npx.outer(g, y), x.T @ g
    if y.rank == 2:  # vector @ matrix
        return y @ g, npx.outer(x, g)
    return g * y, g * x  # dot of two vectors


primitive("matmul", _matmul_abstract, sources=("@", np.matmul, np.dot), vjp=_matmul_vjp,
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] @ y, None if t[1] is None else x @ t[1]))


def _outer_abstract(x, y, **_):
    if x.type.rank != 1 or y.type.rank != 1:
        raise AdjitTypeError("np.outer takes two 1-D arrays here")
    return S.make(S.promote(x.type, y.type).dtype, (x.shape[0], y.shape[0]))


primitive("outer", _outer_abstract, sources=(np.outer,),
          vjp=lambda g, z, x, y: (g @ y, x @ g),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else npx.outer(t[0], y),
                                       None if t[1] is None else npx.outer(x, t[1])))

# ---------------------------------------------------------------------------------- shape changes


def _transpose_abstract(x, axes, **_):
    if sorted(axes) != list(range(x.type.rank)):
        raise ShapeError(f"transpose axes {axes} do not match an array of dimension {x.type.rank}")
    return S.make(x.type.dtype, tuple(x.shape[a] for a in axes))


def _inverse_perm(axes):
    inv = [0] * len(axes)
    for k, a in enumerate(axes):
        inv[a] = k
    return tuple(inv)


primitive("transpose", _transpose_abstract, view=True, sources=(np.transpose, ".T", ".transpose"),
          vjp=lambda g, y, x, axes: (npx.transpose(g, axes=_inverse_perm(axes)),),
          jvp=lambda t, y, x, axes: npx.transpose(t[0], axes=axes))


def _reshape_abstract(x, shape, **_):
    if shape.type.kind != "tuple":
        raise AdjitTypeError("reshape takes a tuple of ints")
    dims = list(shape.value) if shape.value is not None else [None] * len(shape.type.elems)
    size = None if any(d is None for d in x.shape) else int(np.prod(x.shape, dtype=np.int64))
    if dims.count(-1) > 1:
        raise ShapeError("can only specify one unknown dimension (-1) in reshape")
    if -1 in dims:
        rest = [d for d in dims if d != -1]
        if size is not None and None not in rest:
            known = int(np.prod(rest, dtype=np.int64))
            if known == 0 or size % known:
                raise ShapeError(f"cannot reshape array of shape {tuple(x.shape)} into shape {tuple(dims)}")
            dims[dims.index(-1)] = size // known
        else:
            dims[dims.index(-1)] = None
    elif size is not None and None not in dims and int(np.prod(dims, dtype=np.int64)) != size:
        raise ShapeError(f"cannot reshape array of shape {tuple(x.shape)} into shape {tuple(dims)}")
    return S.make(x.type.dtype, tuple(dims))


primitive("reshape", _reshape_abstract, view=True, sources=(np.reshape, ".reshape"), nondiff_inputs=(1,),
          vjp=lambda g, y, x, shape: (npx.reshape(g, x.shape), None),
          jvp=lambda t, y, x, shape: npx.reshape(t[0], shape))


def _broadcast_to_abstract(x, shape, **_):
    dims = tuple(shape.value) if shape.value is not None else (None,) * len(shape.type.elems)
    out = S.broadcast_shapes([x.shape, dims], "broadcast_to")
    if len(dims) < len(x.shape) or any(d is not None and o is not None and d != o for d, o in zip(dims, out)):
        raise ShapeError(f"cannot broadcast an array of shape {tuple(x.shape)} to shape {dims}")
    return S.make(x.type.dtype, dims)


primitive("broadcast_to", _broadcast_to_abstract, view=True, sources=(np.broadcast_to,), nondiff_inputs=(1,),
          vjp=lambda g, y, x, shape: (g, None),  # reverse/sweep.py sums g over the broadcast axes
          jvp=lambda t, y, x, shape: npx.broadcast_to(t[0], shape))


def _expand_dims_abstract(x, axis, **_):
    out = list(x.shape)
    for a in sorted(axis):
        out.insert(a, 1)
    return S.make(x.type.dtype, tuple(out))


primitive("expand_dims", _expand_dims_abstract, view=True, sources=(np.expand_dims,),
          vjp=lambda g, y, x, axis: (npx.reshape(g, x.shape),),
          jvp=lambda t, y, x, axis: npx.expand_dims(t[0], axis=axis))

# --------------------------------------------------------------------------------------- indexing
# An index is a tuple of items: ("int", k) | ("slice", k_start, k_stop, k_step) | ("none",),
# where each k is the position of an int input (None = omitted).


def _index_shape(x: Abstract, index: tuple, ints: list) -> tuple:
    def val(k):
        return None if k is None else ints[k - 1]

    consumed = sum(1 for it in index if it[0] != "none")
    if consumed > x.type.rank:
        raise ShapeError(f"too many indices for an array of dimension {x.type.rank}")
    shape, axis = [], 0
    for it in index:
        if it[0] == "none":
            shape.append(1)
            continue
        d = x.shape[axis]
        if it[0] == "int":
            i = val(it[1])
            if i is not None and d is not None and not -d <= i < d:
                raise ShapeError(f"index {i} is out of bounds for axis {axis} with size {d}")
        else:
            bounds = [val(k) for k in it[1:]]
            if d is None or any(k is not None and b is None for k, b in zip(it[1:], bounds)):
                shape.append(None)
            else:
                if bounds[2] == 0:
                    raise ShapeError("slice step cannot be zero")
                shape.append(len(range(*slice(*bounds).indices(d))))
        axis += 1
    shape.extend(x.shape[axis:])
    return tuple(shape)


def _getitem_abstract(x, *ints, index, **_):
    if x.type.kind == "tuple":  # static index into a tuple (x.shape[0])
        (it,) = index
        k = ints[it[1] - 1].value if it[0] == "int" else None
        if k is None:
            raise AdjitTypeError("a tuple can only be indexed by a constant int")
        n = len(x.type.elems)
        if not -n <= k < n:
            raise ShapeError(f"tuple index {k} out of range for a tuple of length {n}")
        t = x.type.elems[k]
        return Abstract(t, (), None if x.value is None else x.value[k])
    if x.type.kind != "array":
        raise AdjitTypeError(f"cannot index a {x.type}")
    shape = _index_shape(x, index, [i.value for i in ints])
    return S.make(x.type.dtype, shape)


def _getitem_vjp(g, y, x, *ints, index):
    if x.type.kind != "array":
        return (None,) * (1 + len(ints))
    squeeze = tuple(("int", len(ints) + 1) for it in index if it[0] == "none")
    if squeeze:  # drop the axes that None inserted: index g with 0 there
        zero = g.builder.const(0)
        g_items = tuple(("int", 1) if it[0] == "none" else ("slice", None, None, None)
                        for it in index if it[0] != "int")
        g = g.builder.emit_vars("getitem", (g, zero), {"index": g_items})
    index_no_none = tuple(it for it in index if it[0] != "none")
    base = npx.zeros_like(x)
    return (npx.index_add(base, g, *ints, index=_shift(index_no_none, 1)),) + (None,) * len(ints)


def _shift(index, by):
    """Renumber the int-input positions of an index when extra inputs come first."""
    return tuple((it[0],) + tuple(None if k is None else k + by for k in it[1:]) for it in index)


primitive("getitem", _getitem_abstract, view=True, vjp=_getitem_vjp,
          jvp=lambda t, y, x, *ints, index: x.builder.emit_vars("getitem", (t[0],) + ints, {"index": index}))


def _index_add_abstract(base, val, *ints, index, **_):
    target = _index_shape(base, _shift(index, -1), [i.value for i in ints])
    S.broadcast_shapes([target, val.shape], "index_add")
    return Abstract(base.type, base.shape)


def _index_add_vjp(g, y, base, val, *ints, index):
    return (g, g.builder.emit_vars("getitem", (g,) + ints, {"index": _shift(index, -1)})) + (None,) * len(ints)


primitive("index_add", _index_add_abstract, vjp=_index_add_vjp,
          jvp=lambda t, y, base, val, *ints, index: _tsum(
              t[0], None if t[1] is None else
              npx.index_add(npx.zeros_like(base), t[1], *ints, index=index)))

def _sum_to(ct, shape: tuple):
    """Sum a cotangent over the axes along which a value of `shape` was broadcast to ct's shape."""
    axes = S.broadcast_axes(tuple(shape), ct.aval.shape)
    if axes is None:
        raise ShapeError("cannot tell statically how a value was broadcast into an array region")
    lead, stretched = axes
    if stretched:
        ct = npx.sum(ct, axis=stretched, keepdims=True)
    if lead:
        ct = npx.sum(ct, axis=lead, keepdims=False)
    return ct


def _index_update_vjp(g, y, base, val, *ints, index):
    region = g.builder.emit_vars("getitem", (g,) + ints, {"index": _shift(index, -1)})
    g_val = _sum_to(region, val.aval.shape)  # read the region before it is zeroed below
    g_base = npx.index_update(g, 0.0, *ints, index=index)
    return (g_base, g_val) + (None,) * len(ints)


def _index_update_jvp(t, y, base, val, *ints, index):
    if t[0] is None and t[1] is None:
        return None
    tb = npx.zeros_like(base) if t[0] is None else t[0]
    return npx.index_update(tb, 0.0 if t[1] is None else t[1], *ints, index=index)


# x[index] = val, as a new version of x (codegen writes in place when the old version is dead).
primitive("index_update", _index_add_abstract, vjp=_index_update_vjp, jvp=_index_update_jvp)


def _tape_push_abstract(v, tape, **_):
    return Abstract(NONE_TYPE, ())


def _tape_pop_abstract(tape, like, **_):
    return like


def _trip_count_abstract(start, stop, step, **_):
    vals = [start.value, stop.value, step.value]
    n = len(range(*vals)) if None not in vals and vals[2] != 0 else None
    return Abstract(scalar_type("int64", True), (), n)


# The reverse sweep's tape: a stack per recorded value, pushed in the forward sweep and popped
# in the reverse sweep (side effects: never merged or removed by the passes).
primitive("tape_push", _tape_push_abstract, differentiable=False)
primitive("tape_pop", _tape_pop_abstract, differentiable=False)
primitive("trip_count", _trip_count_abstract, differentiable=False)
SIDE_EFFECTS = frozenset({"tape_push", "tape_pop"})

# ------------------------------------------------------------------------------------- creation


def _fill_abstract(shape, dtype="float64", **_):
    if shape.type.kind == "tuple":
        dims = tuple(shape.value) if shape.value is not None else (None,) * len(shape.type.elems)
    else:
        dims = (shape.value,)
    if any(d is not None and d < 0 for d in dims):
        raise ShapeError(f"negative dimensions are not allowed: {dims}")
    return S.make(dtype, dims)


def _like_abstract(x, dtype=None, **_):
    return S.make(dtype or x.type.dtype, x.shape)


def _full_abstract(shape, fill, dtype=None, **_):
    out = _fill_abstract(shape, dtype or S.promote(fill.type).dtype)
    return out


def _arange_abstract(start, stop, step, **_):
    vals = [start.value, stop.value, step.value]
    for v in (start, stop, step):
        if v.type.dtype not in ("int64", "int32"):
            raise AdjitTypeError("np.arange takes integer arguments here")
    n = len(range(*vals)) if None not in vals and vals[2] != 0 else None
    return S.make("int64", (n,))


def _stop_gradient_abstract(x, **_):
    return Abstract(x.type, x.shape)


primitive("arange", _arange_abstract, sources=(np.arange,), differentiable=False)
# Identity in the forward sweep; no derivative flows through it (as jax.lax.stop_gradient).
primitive("stop_gradient", _stop_gradient_abstract, elementwise=True, differentiable=False)
primitive("zeros", _fill_abstract, sources=(np.zeros, np.empty), differentiable=False)
primitive("ones", _fill_abstract, sources=(np.ones,), differentiable=False)
primitive("zeros_like", _like_abstract, sources=(np.zeros_like, np.empty_like), differentiable=False)
primitive("ones_like", _like_abstract, sources=(np.ones_like,), differentiable=False)
primitive("full", _full_abstract, sources=(np.full,), nondiff_inputs=(0,),
          vjp=lambda g, y, shape, fill, dtype=None: (None, npx.sum(g, axis=tuple(range(g.rank)), keepdims=False)),
          jvp=lambda t, y, shape, fill, dtype=None: npx.full(shape, t[1], dtype=y.dtype))

# ------------------------------------------------------------------------------ ints and tuples


def _shape_abstract(x, **_):
    n = x.type.rank
    elems = (scalar_type("int64", True),) * n
    value = tuple(x.shape) if all(d is not None for d in x.shape) else None
    return Abstract(Type("tuple", elems=elems), (), value)


def _tuple_abstract(*items, **_):
    value = tuple(i.value for i in items) if all(i.value is not None for i in items) else None
    return Abstract(Type("tuple", elems=tuple(i.type for i in items)), (), value)


def _size_abstract(x, **_):
    known = all(d is not None for d in x.shape)
    return Abstract(scalar_type("int64", True), (), int(np.prod(x.shape, dtype=np.int64)) if known else None)


def _const_abstract(value, **_):
    if isinstance(value, bool):
        return Abstract(scalar_type("bool", True), (), value)
    if isinstance(value, int):
        return Abstract(scalar_type("int64", True), (), value)
    if isinstance(value, float):
        return Abstract(scalar_type("float64", True), (), value)
    if isinstance(value, np.generic):
        return Abstract(scalar_type(value.dtype.name, False), (), value.item())
    if value is None:
        return Abstract(NONE_TYPE, (), None)
    raise AdjitTypeError(f"unsupported constant {value!r}")


primitive("shape", _shape_abstract, sources=(".shape", np.shape), differentiable=False)
primitive("size", _size_abstract, sources=(".size", np.size), differentiable=False)
primitive("tuple", _tuple_abstract, differentiable=False)
primitive("const", _const_abstract, differentiable=False)


def lookup(name: str) -> Primitive:
    return PRIMITIVES[name]


def by_source() -> dict:
    """Map from each source spelling (object id or string) to its primitive name."""
    table: dict[Any, str] = {}
    for p in PRIMITIVES.values():
        for s in p.sources:
            key = s if isinstance(s, str) else id(s)
            table.setdefault(key, p.name)
    return table


DIFFERENTIABLE = tuple(name for name, p in PRIMITIVES.items() if p.differentiable)
