"""Python's list methods and slices on lists and tuples that are compile-time tuples (a literal, a
comprehension unrolled, `sorted(...)`, a list grown by `.append` outside loops): `xs.pop()`,
`xs.pop(i)`, `xs.insert(i, v)`, `xs.extend(ys)`, `xs.index(v)`, `xs.count(v)`, `xs.copy()`,
`xs.reverse()`, `xs.remove(v)`, `xs.clear()`, and `xs[a:b:c]` (bounds known when compiled).

A list is a Python tuple while lowering, bound to its name; Python's list is one object every name
for it shares. A method that changes the list rebinds the name to the new tuple, which is Python's
meaning only when no other name, container or helper holds the same list and the change happens
on every path: so the change is refused (a located error) where the list may escape (`ys = xs`,
`[xs, ...]`, `{"k": xs}`, passed to a helper of yours, a parameter of the function or helper) or
where it stands inside a loop or an `if` decided when the function runs."""
from __future__ import annotations

import ast
import types

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .structures import is_struct
from .values import LocalFunction, _is_number

MUTATING = frozenset({"pop", "insert", "extend", "reverse", "remove", "clear", "append"})
READING = frozenset({"index", "count", "copy"})
_SAFE_PARENTS = (ast.Attribute, ast.Subscript, ast.BinOp, ast.Compare, ast.UnaryOp, ast.Return, ast.Starred,
                 ast.FormattedValue, ast.Expr, ast.comprehension, ast.For, ast.BoolOp)
_HINT = "make an array (np.array(xs)) and index or np.concatenate it, or build a new list: ys = xs[:k] + [v]"


def _parents(fn_node) -> dict:
    out = {}
    for n in ast.walk(fn_node):
        for c in ast.iter_child_nodes(n):
            out[id(c)] = n
    return out


_ITERATORS = ("reversed", "zip", "enumerate")
_READERS = ("len", "sum", "max", "min", "any", "all", "sorted", "list", "tuple")


def _only_reads(fn, k: int) -> bool:
    """Whether the helper `fn`'s k-th positional parameter is only read: never rebound, never
    returned, stored, aliased, passed on (but to len/sum/... or iterated through reversed/zip/
    enumerate), never read inside a nested function or lambda. Conservative: False when unsure."""
    from .hostlift import _helper_source

    node = _helper_source(fn)
    if node is None or node.args.vararg is not None or k >= len(node.args.posonlyargs + node.args.args):
        return False
    name = (node.args.posonlyargs + node.args.args)[k].arg
    parents = _parents(node)
    nested = {id(m) for d in ast.walk(node) if d is not node and isinstance(d, (ast.FunctionDef, ast.Lambda))
              for m in ast.walk(d)}
    for m in ast.walk(node):
        if not (isinstance(m, ast.Name) and m.id == name):
            continue
        if not isinstance(m.ctx, ast.Load) or id(m) in nested:
            return False
        p, child = parents.get(id(m)), m
        while isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id in _ITERATORS and child in p.args:
            p, child = parents.get(id(p)), p  # zip(reversed(p), ...): read only where a loop iterates it
        if child is not m:
            if not (isinstance(p, ast.For) and p.iter is child or isinstance(p, ast.comprehension) and p.iter is child):
                return False
            continue
        if isinstance(p, ast.Subscript) and p.value is m and isinstance(p.ctx, ast.Load) or \
                isinstance(p, (ast.If, ast.While, ast.IfExp)) and p.test is m or \
                isinstance(p, ast.UnaryOp) and isinstance(p.op, ast.Not) or isinstance(p, ast.Compare) or \
                isinstance(p, (ast.For, ast.comprehension)) and p.iter is m or \
                isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id in _READERS and m in p.args:
            continue
        return False
    return True


class ListMethods:
    """A mixin of the Lowerer, a base of lists.ListBuilding (see the module docstring)."""

    def _lm_parents(self) -> dict:
        cache = self.b.__dict__.setdefault("list_parents", {})
        key = id(self.parsed.node)
        if key not in cache:
            cache[key] = (self.parsed.node, _parents(self.parsed.node))
        return cache[key][1]

    def _lm_known_call(self, func_node) -> bool:
        """Whether a call's function is a library function or builtin (it neither keeps nor changes
        a list it is given), resolved by name when compiled."""
        try:
            f = self.expr(func_node) if isinstance(func_node, (ast.Name, ast.Attribute)) else None
        except Exception:  # noqa: BLE001 - unresolvable: count it as a helper of the user's
            return False
        if f is None or isinstance(f, LocalFunction) or type(f).__name__ == "Method":
            return False
        if isinstance(f, types.FunctionType):
            return (f.__module__ or "").split(".")[0] in ("numpy", "scipy", "math", "builtins")
        return isinstance(f, (types.BuiltinFunctionType, type)) or callable(f) and not isinstance(f, type(self))

    def _lm_helper_reads(self, call, arg) -> bool:
        """Whether a helper of the user's, given the list as a positional argument, only reads it
        (two_loop(g, s_hist, y_hist) of an L-BFGS): it keeps no reference once it returns."""
        try:
            f = self.expr(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
        except Exception:  # noqa: BLE001 - unresolvable: it may keep the list
            return False
        return isinstance(f, types.FunctionType) and _only_reads(f, call.args.index(arg))

    def _lm_changeable(self, name: str, node, what: str, paths: bool = True, params: bool = True) -> None:
        """Refuse a change of the list `name` that Python would make to an object other names may
        see (a name, container or call that may keep it, written before the change), or (`paths`) on
        a path decided when the function runs (see the module docstring)."""
        fdef = self.parsed.node
        if params and name in self.parsed.param_names:
            raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}' the caller passed in (Python "
                           "changes the caller's list too; adjit's lists are values)", node, hint=_HINT)
        parents = self._lm_parents()
        for n in ast.walk(fdef):  # `ys = xs` (or `ys = cfg["lst"]`, `ys = obj.items`, `ys = helper(xs)`) before
            # the change: ys is another name of an object something else holds; changing it through ys changes that one too
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and (n.lineno, n.col_offset) < (
                    node.lineno, node.col_offset) and self._lm_shared_value(n.value):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}', bound at line "
                                   f"{n.lineno + self.parsed.firstline - 1} to an object another name holds too "
                                   "(Python's list or dict is one object; adjit's are values)", node,
                                   hint=f"make '{name}' a copy first ({name} = list(...), dict(...) or .copy())")
        for n in ast.walk(fdef):  # `for ys in [xs]: ys.append(v)`: ys is an item the sequence iterated holds too
            if isinstance(n, (ast.For, ast.comprehension)) and (n.target.lineno, n.target.col_offset) < (
                    node.lineno, node.col_offset) and any(isinstance(t, ast.Name) and t.id == name
                                                          for t in ast.walk(n.target)):
                raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}', bound at line "
                               f"{n.target.lineno + self.parsed.firstline - 1} by a `for` to an item of the sequence "
                               "it iterates over (Python's list is one object the sequence holds too; adjit's "
                               "lists are values)", node, hint=f"build a new list ({name} = {name} + [v]) and "
                               "collect the new lists, or make arrays")
        for n in ast.walk(fdef):
            if not (isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)) or \
                    (n.lineno, n.col_offset) >= (node.lineno, node.col_offset):
                continue  # a read after the change sees the changed list, as Python's would
            p = parents.get(id(n))
            if isinstance(p, ast.Call):
                if n in p.args and (self._lm_known_call(p.func) or self._lm_helper_reads(p, n)):
                    continue
            elif isinstance(p, ast.keyword):
                call = parents.get(id(p))
                if isinstance(call, ast.Call) and self._lm_known_call(call.func):
                    continue
            elif isinstance(p, _SAFE_PARENTS) or isinstance(p, ast.While) and p.test is n:  # `while xs:` reads it
                continue
            raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}', which another name, container "
                           f"or function may also hold (line {n.lineno + self.parsed.firstline - 1}: Python's list is "
                           "one object; adjit's lists are values)", node, hint=_HINT)
        if not paths:
            return
        stmt, p = node, parents.get(id(node))
        while p is not None and p is not fdef:
            if isinstance(p, ast.For) and stmt in p.body and self._lm_unrolled(p) or \
                    isinstance(p, ast.While) and id(p) in getattr(self, "unrolled_whiles", ()):
                pass  # a loop unrolled when compiled: its body lowered once per item (per pass), in order
            elif isinstance(p, (ast.For, ast.While, ast.AsyncFor)) and stmt not in getattr(p, "orelse", []) or \
                    isinstance(p, (ast.comprehension, ast.ListComp, ast.GeneratorExp, ast.Lambda)):
                raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}' inside a loop (adjit lowers "
                               "the loop once; its lists are compile-time values)", node,
                               hint="preallocate an array before the loop and write its items, or build a list "
                                    "with .append (an array of rows)")
            if isinstance(p, (ast.If, ast.IfExp)) and not self._lm_static_test(p.test):
                raise self.err(UnsupportedSyntaxError, f"{what} changes '{name}' under an `if` decided when "
                               "the function runs", node, hint="change it on both paths alike, or use np.where on "
                                                               "an array")
            stmt, p = p, parents.get(id(p))

    def _lm_shared_value(self, value) -> bool:
        """Whether an assigned value may be an object another name or container holds: a name, an
        item or attribute (not a slice `xs[a:b]`, a new list), or what a helper of the user's returns
        when it is given a list (`def g(l): return l`)."""
        if isinstance(value, ast.Subscript):
            return not isinstance(value.slice, ast.Slice)
        if isinstance(value, ast.Call) and not self._lm_known_call(value.func):
            return any(isinstance(a, ast.Name) and type(self.env.get(a.id)) is tuple
                       for a in list(value.args) + [k.value for k in value.keywords])
        return isinstance(value, (ast.Name, ast.Attribute))

    def binop(self, optype, left, right, node):
        """`xs += ys` and `xs *= n` on a list change the list in place (Python's `list.__iadd__`):
        refused, as the methods are, where another name may hold it (`ys = xs; ys += [v]` changes
        xs too). A tuple's `t += (v,)` makes a new tuple: rebinding is Python's meaning there."""
        if isinstance(node, ast.AugAssign) and node.value is not None and isinstance(node.target, ast.Name) \
                and optype in (ast.Add, ast.Mult) and type(left) is tuple and self.is_list(left):
            name = node.target.id
            self._lm_changeable(name, node, f"`{name} {'+' if optype is ast.Add else '*'}= ...`", paths=False)
        return super().binop(optype, left, right, node)

    def _lm_unrolled(self, loop: ast.For) -> bool:
        """Whether the loop being lowered is unrolled when compiled (over a structure, or carrying a
        compile-time value): its target is bound to a Python value, never an IR value (an index
        loop's target is an int value)."""
        names = [n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)]
        return bool(names) and all(n in self.env for n in names) and \
            any(not isinstance(self.env[n], Value) for n in names)

    def _lm_static_test(self, test) -> bool:
        try:
            v = self.b.into([], lambda: self.expr(test))
        except Exception:  # noqa: BLE001 - not decidable now: decided when the function runs
            return False
        return not isinstance(v, Value) and (v is None or isinstance(v, (bool, int, float, str)))

    # ---------------------------------------------------------------- the methods
    def list_method_call(self, node):
        """`xs.method(...)` of a list that is a compile-time tuple: its value (None for a change),
        the name rebound for a change; None when it is not one."""
        f = node.func
        if not (isinstance(f, ast.Attribute) and f.attr in MUTATING | READING):
            return None
        base_node = f.value
        if isinstance(base_node, ast.Name):
            xs = self.env.get(base_node.id)
            if xs is None and f.attr in READING:  # CHAIN.index(name) of a global list: read only
                glob = self.parsed.globals.get(base_node.id)
                if type(glob) is list and all(isinstance(v, (str, int, float, bool)) for v in glob):
                    xs = self.mark_list(tuple(glob))
        elif f.attr in ("index", "count") and (isinstance(base_node, (ast.List, ast.Tuple)) or isinstance(
                base_node, ast.Call) and isinstance(base_node.func, ast.Name) and base_node.func.id in
                ("list", "tuple", "sorted") and base_node.func.id not in self.env):
            xs = self.expr(base_node)  # list(SURFACES).index("seating"), tuple(D).count(k): read only
            if type(xs) is not tuple or is_struct(xs):
                return None
            args = [self.expr(a) for a in node.args]
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise self.err(AdjitTypeError, f"{f.attr}() takes no keyword or starred arguments here", node)
            return self._lm_read(f.attr, xs, args, node, f"{ast.unparse(base_node)}.{f.attr}()")
        else:
            return None
        if type(xs) is not tuple or is_struct(xs) or not self.is_list(xs):
            return None
        name, what = base_node.id, f"{name_of(base_node)}.{f.attr}()"
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise self.err(UnsupportedSyntaxError, f"{what} with *args or **kwargs", node)
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            raise self.err(AdjitTypeError, f"{what} takes no keyword arguments", node)
        m = f.attr
        if m in READING:
            return self._lm_read(m, xs, args, node, what)
        self._lm_changeable(name, node, what, paths=m != "append")
        items = list(xs)
        out = None
        if m == "pop":
            if len(args) > 1:
                raise self.err(AdjitTypeError, f"pop expected at most 1 argument, got {len(args)}", node)
            if not items:
                raise self.err(ShapeError, "pop from empty list (Python raises IndexError)", node)
            k = self._lm_index(args[0], node, what) if args else -1
            if not -len(items) <= k < len(items):
                raise self.err(ShapeError, "pop index out of range (Python raises IndexError)", node)
            out = items.pop(k)
        elif m == "insert":
            if len(args) != 2:
                raise self.err(AdjitTypeError, f"insert expected 2 arguments, got {len(args)}", node)
            items.insert(self._lm_index(args[0], node, what), args[1])
        elif m == "append":
            if len(args) != 1:
                raise self.err(AdjitTypeError, "list.append() takes exactly one argument", node)
            items.append(args[0])
        elif m == "extend":
            if len(args) != 1:
                raise self.err(AdjitTypeError, f"{what} takes exactly one argument", node)
            items.extend(self._lm_items(args[0], node, what))
        elif m == "reverse" or m == "clear":
            if args:
                raise self.err(AdjitTypeError, f"{what} takes no arguments", node)
            items = items[::-1] if m == "reverse" else []
        elif m == "remove":
            if len(args) != 1:
                raise self.err(AdjitTypeError, f"{what} takes exactly one argument", node)
            del items[self._lm_find(items, args[0], node, what)]
        self.env[name] = self.mark_list(tuple(items))
        return out

    def dict_method_statement(self, stmt) -> bool:
        """`d.update({...})`, `d.update(other)`, `d.update(k=v)` and `d.setdefault(k, v)` as statements on a
        dict known when compiled: the item writes `d[k] = v` they stand for (one per key, in order),
        lowered as written ones are (refused where another name holds the dict). False otherwise."""
        call = stmt.value
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr in ("update", "setdefault") and isinstance(f.value, ast.Name)
                and type(self.env.get(f.value.id)).__name__ == "StructMap" and self.env[f.value.id].kind == "dict"):
            return False
        name, d = f.value.id, self.env[f.value.id]
        at = lambda n: ast.fix_missing_locations(ast.copy_location(n, stmt))  # noqa: E731
        pairs = []  # (key node, value node)
        if f.attr == "setdefault":
            if not 1 <= len(call.args) <= 2 or call.keywords:
                raise self.err(AdjitTypeError, "setdefault expected 1 or 2 arguments", call)
            key = self.expr(call.args[0])
            if not (isinstance(key, (str, int, float, bool)) and not isinstance(key, Value)):
                key = self.static(key, call.args[0], "the key of dict.setdefault")
            if key not in d.items:
                pairs.append((call.args[0], call.args[1] if len(call.args) == 2 else at(ast.Constant(None))))
        else:
            if len(call.args) > 1:
                raise self.err(AdjitTypeError, f"update expected at most 1 argument, got {len(call.args)}", call)
            for a in call.args:
                if isinstance(a, ast.Dict) and None not in a.keys:
                    pairs += list(zip(a.keys, a.values))
                    continue
                other = self.expr(a)
                if type(other).__name__ != "StructMap":
                    raise self.err(UnsupportedSyntaxError, f"{name}.update() of something other than a dict known "
                                   "when compiled", a, hint=f"write the items: {name}[k] = v")
                pairs += [(at(ast.Constant(k)), at(ast.Subscript(a, at(ast.Constant(k)), ast.Load()))) for k in other.items]
            pairs += [(at(ast.Constant(k.arg)), k.value) for k in call.keywords if k.arg is not None]
            if any(k.arg is None for k in call.keywords):
                raise self.err(UnsupportedSyntaxError, f"{name}.update(**other)", call, hint=f"{name}.update(other)")
        self.lower_stmts([at(ast.Assign(targets=[at(ast.Subscript(at(ast.Name(name, ast.Load())), k, ast.Store()))],
                                        value=v)) for k, v in pairs], None)
        return True

    def _lm_read(self, m, xs, args, node, what):
        if m == "copy":
            if args:
                raise self.err(AdjitTypeError, f"{what} takes no arguments", node)
            return self.mark_list(tuple(list(xs)))
        if m == "count":
            if len(args) != 1:
                raise self.err(AdjitTypeError, f"{what} takes exactly one argument", node)
            self._lm_static_items(xs, args[0], node, what)
            return list(xs).count(args[0])
        if not 1 <= len(args) <= 3:
            raise self.err(AdjitTypeError, f"index expected 1 to 3 arguments, got {len(args)}", node)
        bounds = [self._lm_index(a, node, what) for a in args[1:]]
        items = list(xs)
        lo = slice(*([bounds[0]] if bounds else [0]) + (bounds[1:] or [None])).indices(len(items))
        k = self._lm_find(items[lo[0]:lo[1]], args[0], node, what)
        return k + lo[0]

    def _lm_static_items(self, items, v, node, what) -> None:
        def static(e):  # numbers and strings known when compiled (names of species, options)
            return _is_number(e) or isinstance(e, str)

        if not static(v) or not all(static(e) for e in items):
            raise self.err(UnsupportedSyntaxError, f"{what} compares values computed when the function runs (the "
                           "items and the value must be numbers known when compiled)", node,
                           hint="compare an array: np.flatnonzero(np.array(xs) == v)[0], or np.sum(np.array(xs) == v)")

    def _lm_find(self, items, v, node, what) -> int:
        self._lm_static_items(items, v, node, what)
        for k, e in enumerate(items):
            if e is v or e == v:
                return k
        raise self.err(ShapeError, f"{what}: {v!r} is not in list (Python raises ValueError)", node)

    def _lm_index(self, k, node, what) -> int:
        if isinstance(k, Value):
            known = self.static_int(k) if k.type.kind == "scalar" else None
            if known is None:
                raise self.err(UnsupportedSyntaxError, f"{what} at a position computed when the function runs", node,
                               hint=_HINT)
            k = known
        if isinstance(k, bool) or not isinstance(k, int) and not (hasattr(k, "__index__") and _is_number(k)):
            raise self.err(AdjitTypeError, f"{what}: list indices must be integers, not {type(k).__name__}", node)
        return int(k)

    def _lm_items(self, v, node, what) -> list:
        if type(v) is tuple and not is_struct(v):
            return list(v)
        if is_struct(v) and getattr(v, "kind", None) in ("list", "tuple"):
            return list(v)
        if isinstance(v, Value) and v.type.kind == "array" and v.type.rank >= 1:
            n = self.b.aval(v).shape[0]
            if n is None:
                raise self.err(UnsupportedSyntaxError, f"{what} of an array of a length known only when the function "
                               "runs", node, hint=_HINT)
            return [self.b.emit("getitem", [v, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
        if isinstance(v, str):
            return list(v)
        raise self.err(AdjitTypeError, f"{what} takes a list, tuple or array of a known length here", node,
                       hint=_HINT)

    # ---------------------------------------------------------------- slices
    def subscript(self, node):
        """`xs[a:b:c]` of a list or tuple that is a compile-time tuple: Python's slice (a list of a
        list, a tuple of a tuple), the bounds known when compiled."""
        if not isinstance(node.slice, ast.Slice):
            return super().subscript(node)
        if isinstance(node.value, (ast.Attribute, ast.Subscript)) or isinstance(node.value, ast.Name) and \
                type(self.env.get(node.value.id)) is not tuple:
            try:  # `x.shape[:-1]`, `s[1:]` of a shape: a tuple value sliced as Python slices a tuple
                peek = self.b.into([], lambda: self.expr(node.value))
            except Exception:  # noqa: BLE001 - not a tuple this can tell: indexed as before
                peek = None
            if not (isinstance(peek, Value) and peek.type.kind == "tuple"):
                return super().subscript(node)
            base = self.sequence_items(self.expr(node.value), node)
        else:
            base = self.expr(node.value)
        if type(base) is not tuple or is_struct(base):
            key = f"<sliced at {node.lineno}:{node.col_offset}>"
            self.env[key] = base
            try:
                return super().subscript(ast.copy_location(ast.Subscript(
                    value=ast.copy_location(ast.Name(key, ast.Load()), node.value), slice=node.slice,
                    ctx=ast.Load()), node))
            finally:
                del self.env[key]
        bounds = []
        for part in (node.slice.lower, node.slice.upper, node.slice.step):
            v = None if part is None else self.expr(part)
            if v is not None:
                v = self._lm_index(v, node, "a slice of a list")
            bounds.append(v)
        if bounds[2] == 0:
            raise self.err(ShapeError, "slice step cannot be zero (Python raises ValueError)", node)
        out = base[slice(*bounds)]
        return self.mark_list(tuple(list(out))) if self.is_list(base) else out


def name_of(node) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)

