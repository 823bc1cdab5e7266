"""NumPy's index tricks, `np.mgrid[0:3, 0:4]`, `np.ogrid[...]`, `np.r_[0.0, x, 1:3]`, `np.c_[a, b]`:
a subscript of an object that builds an array. Each is lowered as the NumPy calls it stands for
(`arange`, or `linspace` for a complex step `0:1:5j`; `meshgrid(..., indexing="ij")` stacked;
`concatenate`), so what those calls support (and refuse) carries over, with NumPy's dtypes: a grid of
int bounds is int, one with a float bound or a complex step is float."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Value

_NP = "__adjit_np"  # a hidden name bound to numpy while the synthesized calls are lowered
TRICKS = (np.mgrid, np.ogrid, np.r_, np.c_)


def is_index_trick(base) -> bool:
    return any(base is t for t in TRICKS)


def lower_index_trick(low, base, node: ast.Subscript):
    """The array (or, for np.ogrid, the tuple of arrays) `base[...]` builds."""
    name = {id(np.mgrid): "np.mgrid", id(np.ogrid): "np.ogrid", id(np.r_): "np.r_", id(np.c_): "np.c_"}[id(base)]
    items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    hidden: list = []
    saved = low.env.get(_NP, None)
    low.env[_NP] = np
    try:
        if base is np.mgrid or base is np.ogrid:
            return _grid(low, base is np.mgrid, name, items, node)
        return _join(low, base is np.c_, name, items, node, hidden)
    finally:
        for h in hidden:
            low.env.pop(h, None)
        if saved is None:
            low.env.pop(_NP, None)
        else:
            low.env[_NP] = saved


def _call(fn: str, args: list, node, **keywords) -> ast.Call:
    call = ast.Call(func=ast.Attribute(value=ast.Name(id=_NP, ctx=ast.Load()), attr=fn, ctx=ast.Load()), args=args,
                    keywords=[ast.keyword(arg=k, value=v) for k, v in keywords.items()])
    for n in ast.walk(call):
        if not hasattr(n, "lineno") or getattr(n, "lineno", None) is None:
            ast.copy_location(n, node)
            n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
    return call


def _const(v, node) -> ast.AST:
    if isinstance(v, tuple):
        return ast.copy_location(ast.Tuple(elts=[_const(e, node) for e in v], ctx=ast.Load()), node)
    return ast.copy_location(ast.Constant(value=v), node)


def _count(step) -> ast.AST | None:
    """For a complex step (`5j`, `n * 1j`, `1j * n`), the AST of the number of points; else None."""
    if isinstance(step, ast.Constant) and isinstance(step.value, complex):
        return _const(int(abs(step.value)), step)
    if isinstance(step, ast.BinOp) and isinstance(step.op, ast.Mult):
        for a, b in ((step.left, step.right), (step.right, step.left)):
            if isinstance(b, ast.Constant) and b.value == 1j:
                return a
    return None


def _range(low, name: str, sl: ast.AST, node) -> tuple:
    """(the AST of one axis' values, whether it is float) for a slice of an index trick."""
    if not isinstance(sl, ast.Slice):
        raise low.err(UnsupportedSyntaxError, f"{name}[...] takes slices `start:stop:step` here", sl,
                      hint="np.mgrid[0:3, 0:4], np.mgrid[0:1:5j] (5 points)")
    start = sl.lower if sl.lower is not None else _const(0, sl)
    if sl.upper is None:
        raise low.err(UnsupportedSyntaxError, f"{name}[...]: a slice needs a stop", sl)
    num = _count(sl.step) if sl.step is not None else None
    if num is not None:
        return _call("linspace", [start, sl.upper, num], sl), True
    args = [start, sl.upper] + ([sl.step] if sl.step is not None else [])
    floats = any(isinstance(v, float) or (isinstance(v, Value) and v.type.is_float) for v in map(low.expr, args))
    return _call("arange", args, sl), floats


def _grid(low, dense: bool, name: str, items: list, node):
    axes = [_range(low, name, it, node) for it in items]
    floats = any(f for _, f in axes)
    calls = [_call("asarray", [a], node, dtype=_const("float64", node)) if floats else a for a, _ in axes]
    if len(calls) == 1:
        return low.expr(calls[0])
    if dense:
        grids = _call("meshgrid", calls, node, indexing=_const("ij", node))
        return low.expr(_call("stack", [grids], node))
    out = []
    for k, c in enumerate(calls):
        shape = tuple(-1 if j == k else 1 for j in range(len(calls)))
        out.append(low.expr(_call("reshape", [c, _const(shape, node)], node)))
    return tuple(out)


def _join(low, columns: bool, name: str, items: list, node, hidden: list):
    parts = []
    for k, it in enumerate(items):
        if isinstance(it, ast.Constant) and isinstance(it.value, str):
            raise low.err(UnsupportedSyntaxError, f"{name}[...] with a string directive is not supported", it,
                          hint="np.concatenate / np.stack with an explicit axis")
        if isinstance(it, ast.Slice):
            part, _ = _range(low, name, it, node)
        else:
            h = f"__adjit_item{len(hidden)}"
            hidden.append(h)
            low.env[h] = low.expr(it)
            part = _call("atleast_1d", [ast.copy_location(ast.Name(id=h, ctx=ast.Load()), it)], it)
        if columns:
            v = low.env[hidden[-1]] if not isinstance(it, ast.Slice) else None
            rank = v.type.rank if isinstance(v, Value) and v.type.kind == "array" else 0
            if rank <= 1:
                part = _call("reshape", [part, _const((-1, 1), node)], it)
        parts.append(part)
    seq = ast.copy_location(ast.List(elts=parts, ctx=ast.Load()), node)
    return low.expr(_call("concatenate", [seq], node, axis=_const(-1 if columns else 0, node)))
