"""`with` statements whose context managers change nothing adjit computes: np.errstate (NumPy's
floating-point warnings: compiled code raises none), np.printoptions, warnings.catch_warnings
(with warnings.simplefilter / filterwarnings calls inside it) and contextlib.nullcontext. Such a
`with` is its body, spliced in place when the function is parsed (the statements inside keep
their lines); any other `with` stays, and is a located error naming what is supported."""
from __future__ import annotations

import ast
import builtins
import contextlib
import warnings

import numpy as np

_NO_OP_MANAGERS = (np.errstate, np.printoptions, warnings.catch_warnings, contextlib.nullcontext)
_NO_OP_CALLS = (warnings.simplefilter, warnings.filterwarnings, warnings.resetwarnings, np.seterr)
SUPPORTED = "np.errstate(...), np.printoptions(...), warnings.catch_warnings() and contextlib.nullcontext()"


def resolve(node: ast.AST, globals_: dict):
    """The object a name or attribute chain names in the function's module (None if unknown)."""
    if isinstance(node, ast.Name):
        if node.id in globals_:
            return globals_[node.id]
        return getattr(builtins, node.id, None)
    if isinstance(node, ast.Attribute):
        base = resolve(node.value, globals_)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _no_op_with(stmt: ast.With, globals_: dict) -> bool:
    return all(isinstance(item.context_expr, ast.Call) and item.optional_vars is None
               and any(resolve(item.context_expr.func, globals_) is m for m in _NO_OP_MANAGERS)
               for item in stmt.items)


def _no_op_call(stmt: ast.stmt, globals_: dict) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
        and any(resolve(stmt.value.func, globals_) is f for f in _NO_OP_CALLS)


class _Splice(ast.NodeTransformer):
    def __init__(self, globals_: dict):
        self.globals = globals_

    def visit_With(self, node: ast.With):
        self.generic_visit(node)
        if not _no_op_with(node, self.globals):
            return node
        body = [s for s in node.body if not _no_op_call(s, self.globals)]
        return body or [ast.copy_location(ast.Pass(), node)]


def splice_no_op_withs(node: ast.FunctionDef, globals_: dict) -> None:
    """Replace, in place, each `with` of no-op context managers in `node` by its body."""
    if any(isinstance(n, ast.With) for n in ast.walk(node)):
        _Splice(globals_).visit(node)
