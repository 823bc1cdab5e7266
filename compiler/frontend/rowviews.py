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


def _writes_through(body, name: str, depth: int = 0) -> bool:
    """Whether the statements write into `name`'s array, directly or through a view of it bound to
    another name (`part = row[1:]` then `part[:] = v`), to a few levels."""
    if _writes_into(body, name):
        return True
    for j, st in enumerate(body):
        if depth < 3 and isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and isinstance(st.value, ast.Subscript) and isinstance(_root(st.value), ast.Name) \
                and _root(st.value).id == name and _writes_through(body[j + 1:], st.targets[0].id, depth + 1):
            return True
    return False


def reshape_of_name(node) -> str | None:
    """`Y.reshape(s)`, `Y.ravel()` (C order) of a name Y: Y, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("reshape", "ravel") \
            and isinstance(node.func.value, ast.Name) and all(
                k.arg == "order" and isinstance(k.value, ast.Constant) and k.value.value == "C" for k in node.keywords):
        return node.func.value.id
    return None


def fresh_c_order(name: str, before: list, fresh) -> bool:
    """Whether the statements `before` (of one block, in order) last bind `name` by `name = <call>`
    with fresh(<call>) (a new C-order array: x.copy(), np.zeros(...)), writing it since only in place
    (`Y[i] = v`, `Y += d`): its reshape is then a view. False where a later statement binds it anew or
    the binding is not in this block (a loop's, a branch's)."""
    for st in reversed(before):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == name:
            return fresh(st.value)
        if _rebinds([st], name, _aug_targets([st], name)):
            return False
    return False


def _chain(node):
    """`Y[a][b:c]`, `Y.T`, `Y[1:].T`, `Y.reshape(s)`: (the root name Y, the names in every index and
    argument), or None if not a chain of subscripts, transposes and reshapes of a name."""
    names = set()
    if reshape_of_name(node) is not None:
        names, node = _names(node) - {reshape_of_name(node)}, node.func.value
    while isinstance(node, ast.Subscript) or isinstance(node, ast.Attribute) and node.attr == "T":
        names |= _names(node.slice) if isinstance(node, ast.Subscript) else set()
        node = node.value
    return (node.id, names) if isinstance(node, ast.Name) else None


def _rebinds(body, name: str, skip=()) -> bool:
    """Whether the statements bind `name` anew (an assignment, a loop or comprehension target, a
    def, a walrus, a with's as, an import): the rewrite would change what those mean. `skip`: ids
    of Name nodes that are not bindings (an array's `Y += d`, in place)."""
    for n in (m for st in body for m in ast.walk(st)):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)) and n.id == name and id(n) not in skip:
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


class _ReplaceName(ast.NodeTransformer):
    """Every use of the name `name` replaced by a copy of `expr` (with the use's context)."""

    def __init__(self, name: str, expr):
        self.name, self.expr = name, expr

    def visit_Name(self, node):
        if node.id != self.name:
            return node
        sub = copy.deepcopy(self.expr)
        sub.ctx = node.ctx
        if isinstance(node.ctx, ast.Store) and isinstance(sub, (ast.Attribute, ast.Call)):  # r += 1 of r = B.T,
            sub.ctx = ast.Load()  # B.reshape(-1): written as B.T[...] += 1 (lower.py's transposed_write)
            sub = ast.Subscript(sub, ast.Constant(Ellipsis), ast.Store())
        for n in ast.walk(sub):
            ast.copy_location(n, node)
            n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        return sub


def _names(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def alias_of(value) -> str | None:
    """`Y`, `np.asarray(Y)`, `np.array(Y, copy=None)`, `Y.view()`: the name Y of the array this may
    be (is_view decides: the lowered value must be Y's own)."""
    if isinstance(value, ast.Name):
        return value.id
    no_copy = all(k.arg == "copy" and isinstance(k.value, ast.Constant) and k.value.value in (None, False)
                  for k in value.keywords) if isinstance(value, ast.Call) else False
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        f = value.func  # np.asarray(Y), np.array(Y, copy=None): Y itself where no conversion is needed
        if f.attr in ("asarray", "array") and isinstance(f.value, ast.Name) and f.value.id in ("np", "numpy") \
                and len(value.args) == 1 and isinstance(value.args[0], ast.Name) and no_copy \
                and (value.keywords or f.attr == "asarray"):
            return value.args[0].id
        if f.attr == "view" and not value.args and not value.keywords and isinstance(f.value, ast.Name):
            return f.value.id
    return None


def rewrite_view_name(stmt, rest: list, is_view) -> list | None:
    """`v = Y[1:3]` (a basic index: a view of Y) or `v = Y.T` followed by writes into v (`v[0] = 0.0`, `v *= 2`,
    `v.fill(1)`): the statements after it with every use of v read and written as `Y[1:3]`, which is
    NumPy's meaning while neither Y, v nor a name in the index is bound anew; None where that does
    not hold (lowered as written: the aliasing check then refuses a write through the view with a
    located error). `is_view(value_node)` tells whether the value is an array view (the lowerer's
    types); the rewritten part ends at the first statement binding Y or an index name anew, and v
    must not be used from there on (unless that statement binds v anew, from values not naming it)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    alias = alias_of(stmt.value)  # `B = A`, `B = np.asarray(A)`: B is A itself, read and written as A
    if alias is None and not (isinstance(stmt.value, (ast.Subscript, ast.Attribute, ast.Call)) and _chain(stmt.value) is not None):
        return None
    v, (y, index_names) = stmt.targets[0].id, (alias, set()) if alias else _chain(stmt.value)  # Y[1][1:]: of Y
    # writes through v, or writes into Y in place (`Y[0] = 0`, `Y += d`) with v read: v is Y[index]
    written = lambda body: _writes_through(body, v) or _writes_into(body, y) and _loads(body, v)  # noqa: E731
    if v == y or v in index_names or not written(rest):
        return None
    guarded = index_names | {y}
    aug_y = _aug_targets(rest, y)  # `Y += d` of the array Y: a write in place, not a binding
    end = len(rest)
    for j, st in enumerate(rest):
        if any(_rebinds([st], n, aug_y if n == y else ()) for n in guarded):
            end = j
            break
        if isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == v for t in st.targets):
            if v in _names(st.value):
                return None
            end = j
            break
    region, after = rest[:end], rest[end:]
    if after and _loads(after, v) and not (isinstance(after[0], ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == v for t in after[0].targets) and v not in _names(after[0].value)):
        return None  # v read where Y or the index changed: its view is not Y[index] there
    augs = _aug_targets(region, v)
    for n in (m for st in region for m in ast.walk(st)):
        if isinstance(n, ast.Name) and n.id == v and isinstance(n.ctx, (ast.Store, ast.Del)) and id(n) not in augs:
            return None
        if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.Import, ast.ImportFrom)) and \
                v in _names(n) | {getattr(n, "name", None)}:
            return None
    if not written(region) or not is_view(stmt.value):
        return None
    by = ast.copy_location(ast.Name(alias, ast.Load()), stmt.value) if alias else stmt.value
    return [_ReplaceName(v, by).visit(copy.deepcopy(st)) for st in region] + after


def _syntactic_view(node, env: dict, ints: set) -> bool:
    """Whether `Y[index]` is a view of Y by its syntax alone, for a loop's body before it is lowered:
    Y an array before the loop, each index a slice, `...`, None, or an int (a literal, the loop's
    counter, an int known before the loop, arithmetic of those), fewer ints than Y has axes."""
    if not isinstance(node, ast.Subscript):  # a second name (`g = h`): decided when the body is lowered
        return False
    base = env.get(node.value.id) if isinstance(node.value, ast.Name) else None
    if not isinstance(base, Value) or base.type.kind != "array":
        return False

    def int_expr(e) -> bool:
        if isinstance(e, ast.Constant):
            return isinstance(e.value, int) and not isinstance(e.value, bool)
        if isinstance(e, ast.Name):
            v = env.get(e.id)
            return e.id in ints or isinstance(v, int) and not isinstance(v, bool) or \
                isinstance(v, Value) and v.type.kind == "scalar" and v.type.dtype.startswith(("int", "uint"))
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
            return int_expr(e.operand)
        return isinstance(e, ast.BinOp) and isinstance(e.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)) and \
            int_expr(e.left) and int_expr(e.right)

    elems = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    n_ints = 0
    for e in elems:
        if isinstance(e, ast.Slice):
            if not all(p is None or int_expr(p) for p in (e.lower, e.upper, e.step)):
                return False
        elif isinstance(e, ast.Constant) and (e.value is None or e.value is Ellipsis):
            continue
        elif int_expr(e):
            n_ints += 1
        else:
            return False
    return n_ints < base.type.rank


def rewrite_loop_views(stmt: ast.For, env: dict, rest: list):
    """A `for` loop whose body binds a view (`r = B[i]`) and writes into it: the loop with the body
    rewritten by rewrite_view_name (before the loop's carried names are found, so that B is carried);
    None where nothing is rewritten. The view name must not be read after the loop (Python leaves it
    bound to the last view)."""
    ints = {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
    if not isinstance(stmt.iter, ast.Call) or not isinstance(stmt.iter.func, ast.Name) or \
            stmt.iter.func.id not in ("range", "enumerate"):
        return None
    if stmt.iter.func.id == "enumerate":
        tg = stmt.target
        if not (isinstance(tg, ast.Tuple) and len(tg.elts) == 2 and isinstance(tg.elts[0], ast.Name)):
            return None
        ints = {tg.elts[0].id}
    body, changed = list(stmt.body), False
    for k, st in enumerate(body):
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)) \
                or _loads(rest, st.targets[0].id) or any(_rebinds(body, n) for n in ints):
            continue
        after = rewrite_view_name(st, body[k + 1:], lambda node: _syntactic_view(node, env, ints))
        if after is not None:
            body, changed = body[:k + 1] + after, True
    if not changed:
        return None
    loop = ast.For(stmt.target, stmt.iter, body, stmt.orelse)
    ast.copy_location(loop, stmt)
    loop.end_lineno, loop.end_col_offset = stmt.end_lineno, stmt.end_col_offset
    return loop
