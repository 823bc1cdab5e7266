"""Lists built with `.append` (issue 12: "list building"): `xs = []`, `xs.append(x)` once per
iteration of a `for` loop, then `np.array(xs)`, `np.sum(xs)`, `xs[-1]`, `len(xs)`.

A list is a compile-time tuple of values (a list literal). Appended outside any loop it simply
grows. Appended at the top level of a `for` loop's body it becomes an array with one row per
item: before the loop the frontend learns the item's shape (it lowers the body once in a scratch
block that is thrown away), allocates `(len(initial items) + trip count, *item shape)` with the
initial items in its first rows, and lowers the loop with `xs.append(v)` rewritten as
`xs[k] = v; k += 1`. After the loop the name holds a `BuiltList`: NumPy functions see the array,
indexing and len() see the list, and an operator (`xs + ys`, which Python would join) is refused.

A list appended inside an `if`, a `while` loop, a loop with break/continue, or a loop nested in
the one that owns the list has a length known only at run time: a located error with the rewrite.
The loop may not read the list it appends to (the rows not yet written would be zeros)."""
from __future__ import annotations

import ast

from ..errors import AdjitTypeError, InternalCompilerError, UnsupportedSyntaxError
from ..ir import Value
from .parse import _contains_jump, _contains_return, assigned_names

_HINT = "preallocate: `xs = np.zeros((n, ...))` before the loop and `xs[i] = ...` inside it"


class BuiltList:
    """A list filled by `.append` in a loop: its items are the rows of `array`."""

    def __init__(self, array: Value, name: str):
        self.array, self.name = array, name
        self.__name__ = f"the list '{name}'"


class _Probe:
    """A list under a scratch lowering of a loop body: records the first item appended."""

    def __init__(self, name: str, items: tuple):
        self.name, self.items, self.item = name, items, None


def _appends(stmt) -> str | None:
    """The list name of a `name.append(value)` statement, else None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        f = stmt.value.func
        if isinstance(f, ast.Attribute) and f.attr == "append" and isinstance(f.value, ast.Name):
            return f.value.id
    return None


def _walk(node):
    """ast.walk, not into nested functions."""
    yield node
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk(child)


class ListBuilding:
    """The Lowerer's lists built with `.append`."""

    def list_append_statement(self, stmt) -> bool:
        """`xs.append(v)` outside the loops the loop rewrite handles: a list that is a tuple grows;
        True when handled."""
        name = _appends(stmt)
        if name is None:
            return False
        lst = self.env.get(name)
        call = stmt.value
        if isinstance(lst, _Probe):  # the scratch lowering of a loop body (learning the item)
            if lst.item is None:
                lst.item = self.value(self.expr(call.args[0]), call.args[0]) if len(call.args) == 1 else None
            return True
        if type(lst) is tuple:
            if len(call.args) != 1 or call.keywords:
                raise self.err(AdjitTypeError, "list.append() takes exactly one argument", call)
            self.env[name] = lst + (self.expr(call.args[0]),)
            return True
        if isinstance(lst, BuiltList):
            raise self.err(UnsupportedSyntaxError, f"appending to '{name}' after the loop that built it is not "
                           "supported", stmt, hint=_HINT)
        return False

    def loop_with_appends(self, stmt) -> bool:
        """A for loop whose body appends to lists: lowered with each list as an array (see the
        module's docstring). False when the loop appends to no list."""
        if not isinstance(stmt, (ast.For, ast.While)):
            return False
        top = {}
        for k, st in enumerate(stmt.body):
            name = _appends(st)
            if name is not None and type(self.env.get(name)) is tuple:
                if name in top:
                    raise self.err(UnsupportedSyntaxError, f"'{name}' is appended to twice in one iteration", st,
                                   hint=_HINT)
                top[name] = k
        rebound = assigned_names(stmt.body)
        for node in _walk(stmt):
            if isinstance(node, ast.Expr) and node not in stmt.body or isinstance(node, ast.Expr) and isinstance(stmt, ast.While):
                name = _appends(node)
                if name is not None and type(self.env.get(name)) is tuple and name not in rebound:
                    where = "a `while` loop" if isinstance(stmt, ast.While) else "a branch or an inner loop"
                    raise self.err(UnsupportedSyntaxError, f"'{name}' is appended to inside {where}: its length is "
                                   "known only when the function runs", node, hint=_HINT)
        if not top or isinstance(stmt, ast.While):
            return False
        if _contains_jump(stmt.body) or _contains_return(stmt.body) or stmt.orelse:
            raise self.err(UnsupportedSyntaxError, "a loop that appends to a list cannot use break, continue or "
                           "else: the list's length would be known only when the function runs", stmt, hint=_HINT)
        for name, k in top.items():
            reads = [n for st in stmt.body for n in _walk(st) if isinstance(n, ast.Name) and n.id == name]
            if len(reads) > 1 or name in rebound:
                raise self.err(UnsupportedSyntaxError, f"the loop that appends to '{name}' also reads or rebinds it: "
                               "only `.append` is supported inside the loop", stmt, hint=_HINT)
        self._lower_appending_loop(stmt, top)
        return True

    def _item_avals(self, stmt, names) -> dict:
        """The abstract value of the first item each list gets, from a scratch lowering of the
        loop's first iteration (its ops are thrown away)."""
        saved_ops, saved_env, saved_stmt = self.b.ops, self.env, self.stmt
        self.b.ops, self.env = [], dict(saved_env)
        probes = {n: _Probe(n, self.env[n]) for n in names}
        self.env.update(probes)
        try:
            start, _, _, bind, _ = self.iteration(stmt)
            bind(self.value(start, stmt))
            self.lower_stmts(stmt.body, None)
        finally:
            self.b.ops, self.env, self.stmt = saved_ops, saved_env, saved_stmt
        for n, p in probes.items():
            if p.item is None:
                raise self.err(UnsupportedSyntaxError, f"the loop's first iteration does not append to '{n}'", stmt,
                               hint=_HINT)
        return {n: self.b.aval(p.item) for n, p in probes.items()}

    def _lower_appending_loop(self, stmt, top: dict) -> None:
        avals = self._item_avals(stmt, top)
        self.at(stmt)
        start, stop, step, _, _ = self.iteration(stmt)
        trips = self.b.emit("trip_count", [self.value(x, stmt) for x in (start, stop, step)])
        body = list(stmt.body)
        counters = {}
        for name, k in top.items():
            av = avals[name]
            if av.type.kind not in ("scalar", "array") or any(not isinstance(d, int) for d in av.shape):
                raise self.err(AdjitTypeError, f"the items appended to '{name}' must be numbers or arrays of a shape "
                               f"known when the call is compiled, not {av.type}", stmt.body[k], hint=_HINT)
            initial = self.env[name]
            dtype = "float64" if av.type.dtype in ("float64", "int64", "int32", "bool") else av.type.dtype
            count = self.b.emit("add", [self.b.const(len(initial)), trips])
            shape = self.b.emit("tuple", [count] + [self.b.const(d) for d in av.shape])
            buf = self.b.emit("zeros", [shape], dtype=dtype)
            for j, item in enumerate(initial):  # the list's first items, as written before the loop
                buf = self.b.emit("index_update", [buf, self.value(item, stmt), self.b.const(j)],
                                  index=(("int", 2),))
            buf.hint = name
            counter = f"_len_{name}"
            while counter in self.env or counter in self.parsed.param_names:
                counter += "_"
            counters[name] = counter
            self.env[name] = buf
            self.env[counter] = self.b.const(len(initial))
            call = stmt.body[k].value
            if len(call.args) != 1 or call.keywords:
                raise self.err(AdjitTypeError, "list.append() takes exactly one argument", call)
            at = lambda new: ast.copy_location(new, stmt.body[k])  # noqa: E731
            row = at(ast.Subscript(value=at(ast.Name(name, ast.Load())), slice=at(ast.Name(counter, ast.Load())),
                                   ctx=ast.Store()))
            row.adjit_holds = True  # the row holds the item itself, as Python's list does (aliasing.py)
            write = at(ast.Assign(targets=[row], value=call.args[0]))
            bump = at(ast.AugAssign(target=at(ast.Name(counter, ast.Store())), op=ast.Add(),
                                    value=at(ast.Constant(1))))
            body[body.index(stmt.body[k])] = [write, bump]
        flat = []
        for st in body:
            flat.extend(st if isinstance(st, list) else [st])
        for st in flat:
            ast.fix_missing_locations(st)
        loop = ast.copy_location(ast.For(target=stmt.target, iter=stmt.iter, body=flat, orelse=[]), stmt)
        self.lower_for(loop)
        for name in top:
            arr = self.env[name]
            self.env.pop(counters[name], None)
            if not isinstance(arr, Value):
                raise InternalCompilerError(f"the list '{name}' lost its array after its loop")
            self.env[name] = BuiltList(arr, name)

    def built_list_item(self, lst: BuiltList, node):
        """xs[k] (a row) and xs[a:b] (a list of rows) of a list built by .append."""
        key = f"<list {lst.name}>"
        self.env[key] = lst.array
        try:
            out = self.subscript(ast.copy_location(ast.Subscript(value=ast.copy_location(ast.Name(key, ast.Load()), node),
                                                                 slice=node.slice, ctx=ast.Load()), node))
        finally:
            del self.env[key]
        if isinstance(node.slice, ast.Slice):
            return BuiltList(out, lst.name)
        return out

    def as_list(self, x: Value) -> BuiltList:
        """list(x) of an array: its rows, as a list."""
        return BuiltList(x, "list(...)")
