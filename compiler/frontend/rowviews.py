"""A loop over the rows of an array that writes into each row in place:

    for row in Y:                 for i, row in enumerate(Y):
        row /= row.sum()              row[i] = 0.0

In NumPy `row` is a view of `Y[k]`, so the write changes Y. adjit's arrays are values, so the loop
is rewritten, before it is lowered, into the loop NumPy's semantics stand for: over the index,
with every use of `row` in the body read and written as `Y[k]`:

    for _k in range(len(Y)):      for _k in range(len(Y)):
        Y[_k] /= Y[_k].sum()          i = _k; Y[_k][i] = 0.0

The rewrite applies only where it is exactly NumPy's meaning: Y a name bound to an array of two or
more dimensions (its rows are views; the items of a 1-D array are numbers, and `v += 1` rebinds
v), `row` never rebound in the body (`row = row / s` would make it a new array, no longer a view),
Y not rebound in the body, `row` not read after the loop (Python leaves it bound to the last row);
`break`/`continue` stay as written. Anything else is lowered as before,
where the aliasing check refuses a write through a view with a located error.
"""
from __future__ import annotations

import ast
import copy

from ..ir import Value

_INPLACE_CALLS = ("fill_diagonal", "copyto", "put_along_axis", "putmask", "place")
_INPLACE_METHODS = ("sort", "fill")


def _root(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node


def _writes_into(body, name: str) -> bool:
    """Whether the statements write into the array bound to `name` in place."""
    for n in (m for st in body for m in ast.walk(st)):
        if isinstance(n, ast.AugAssign):
            root = _root(n.target)
            if isinstance(root, ast.Name) and root.id == name:
                return True
        if isinstance(n, (ast.Assign, ast.AnnAssign)):
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                if isinstance(t, ast.Subscript) and isinstance(_root(t), ast.Name) and _root(t).id == name:
                    return True
        if isinstance(n, ast.Call):
            f = n.func
            if isinstance(f, ast.Attribute) and f.attr in _INPLACE_METHODS and isinstance(f.value, ast.Name) \
                    and f.value.id == name:
                return True
            if isinstance(f, ast.Attribute) and f.attr in _INPLACE_CALLS and n.args \
                    and isinstance(n.args[0], ast.Name) and n.args[0].id == name:
                return True
    return False


def _rebinds(body, name: str) -> bool:
    """Whether the statements bind `name` anew (an assignment, a loop or comprehension target, a
    def, a walrus, a with's as, an import): the rewrite would change what those mean."""
    for n in (m for st in body for m in ast.walk(st)):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)) and n.id == name:
            return True
        if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            args = n.args if not isinstance(n, ast.ClassDef) else None
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name:
                return True
            if args is not None and name in {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs}:
                return True
        if isinstance(n, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in n.names):
            return True
    return False


def _aug_targets(body, name: str) -> set:
    """The Name nodes that are AugAssign targets of `name` (`row /= s`: in place for an array row,
    not a rebinding)."""
    return {id(n.target) for st in body for n in ast.walk(st)
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name}


class _Replace(ast.NodeTransformer):
    def __init__(self, name: str, array: str, index: str):
        self.name, self.array, self.index = name, array, index

    def visit_Name(self, node):
        if node.id != self.name:
            return node
        sub = ast.Subscript(ast.Name(self.array, ast.Load()), ast.Name(self.index, ast.Load()), node.ctx)
        for n in ast.walk(sub):
            ast.copy_location(n, node)
            n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        return sub


def _loads(stmts, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for st in stmts for n in ast.walk(st))


def rewrite_row_loop(stmt: ast.For, env: dict, rest: list):
    """The loop over the index that `stmt` (a loop writing into the rows of an array in place)
    stands for; None where the rewrite does not apply (see the module docstring)."""
    it, target, start = stmt.iter, stmt.target, None
    counter = None
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" \
            and len(it.args) >= 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2 \
            and all(isinstance(e, ast.Name) for e in target.elts) and env.get("enumerate", enumerate) is enumerate:
        if len(it.args) == 2:
            start = it.args[1]
        elif it.keywords:
            if len(it.keywords) != 1 or it.keywords[0].arg != "start":
                return None
            start = it.keywords[0].value
        counter, target, it = target.elts[0].id, target.elts[1], it.args[0]
    if not isinstance(it, ast.Name) or not isinstance(target, ast.Name) or stmt.orelse:
        return None
    array, row = it.id, target.id
    value = env.get(array)
    if not isinstance(value, Value) or value.type.kind != "array" or value.type.rank < 2 or array == row:
        return None
    if not _writes_into(stmt.body, row) or _loads(rest, row):
        return None
    augs = _aug_targets(stmt.body, row)
    for n in (m for st in stmt.body for m in ast.walk(st)):
        if isinstance(n, ast.Name) and n.id == row and isinstance(n.ctx, (ast.Store, ast.Del)) and id(n) not in augs:
            return None
    if _rebinds([s for s in stmt.body], array) or counter == array:
        return None
    if _rebinds(stmt.body, row) and any(isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.Import,
                                                        ast.ImportFrom)) for st in stmt.body for n in ast.walk(st)):
        return None  # `row` a nested function's parameter or name: replacing it there would change that code
    index = f"_{row}_k"
    body = [_Replace(row, array, index).visit(copy.deepcopy(st)) for st in stmt.body]
    if counter is not None:
        value = ast.Name(index, ast.Load()) if start is None else \
            ast.BinOp(ast.Name(index, ast.Load()), ast.Add(), copy.deepcopy(start))
        body.insert(0, ast.Assign([ast.Name(counter, ast.Store())], value))
    length = ast.Call(ast.Name("len", ast.Load()), [ast.Name(array, ast.Load())], [])
    loop = ast.For(ast.Name(index, ast.Store()), ast.Call(ast.Name("range", ast.Load()), [length], []), body, [])
    for n in ast.walk(loop):
        if "lineno" in getattr(n, "_attributes", ()) and not hasattr(n, "lineno"):
            ast.copy_location(n, stmt)
            n.end_lineno, n.end_col_offset = stmt.end_lineno, stmt.end_col_offset
    ast.copy_location(loop, stmt)
    return loop
