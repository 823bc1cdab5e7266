"""Writing items of a Python list (issue 12): `xs[k] = v`, `xs[k] += v`, `xs[a:b] = [...]`.

A list literal, a comprehension or a list grown by `.append` outside loops is a compile-time tuple
while lowering (listmethods.py); a list appended to in a loop is an array of rows (lists.py). An
item write rebinds the list's name to the list with that item replaced, which is Python's meaning
when no other name, container or helper holds the same list and the write happens on every path:
so, as for the list methods, it is a located error where the list may escape or where the write
stands in a loop adjit does not unroll or under an `if` decided when the function runs. A loop
over a range of a length known when compiled whose body writes an item of a compile-time list is
unrolled (staticloops.py), so `for i in range(len(ws)): ws[i] = ws[i] / 2` goes through.

A write into the list a loop iterates over is refused unless it is the item the loop is at
(`for i, w in enumerate(ws): ws[i] = ...`): Python's loop would see a later item written ahead of
it, and adjit unrolls over the items the list had when the loop began."""
from __future__ import annotations

import ast

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .structures import is_struct


def written_lists(body: list) -> set:
    """Names written by `name[...] = v` or `name[...] op= v` among the statements (nested functions
    left out: their writes happen when they are called)."""
    out, stack = set(), list(body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(n))
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []
        for t in targets:
            for s in ast.walk(t):
                if isinstance(s, ast.Subscript) and isinstance(s.ctx, ast.Store):
                    while isinstance(s.value, ast.Subscript):  # hs[0][i] = v writes into the list hs
                        s = s.value
                    if isinstance(s.value, ast.Name):
                        out.add(s.value.id)
    return out


def _iterates(node, name: str) -> bool:
    """Whether a loop's iterable reads the items of the list `name` (`xs`, `enumerate(xs)`,
    `zip(xs, ys)`, `xs[1:]`), not only its length (`range(len(xs))`, fixed when the loop begins)."""
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return False
    return any(_iterates(c, name) for c in ast.iter_child_nodes(node))


class ListWrites:
    """A mixin of the Lowerer, a base of lists.ListBuilding (see the module docstring)."""

    def list_item_assign(self, target: ast.Subscript, val, node) -> bool:
        """`xs[k] = v` (or a slice) into a list that is a compile-time tuple or an array of rows;
        False when `xs` is neither (an array, a dict: lower.py's assign goes on)."""
        from .lists import BuiltList, _built, _holder_of

        if isinstance(target.value, ast.Subscript):
            return self._lw_chained(target, val, node)
        if not isinstance(target.value, ast.Name):
            return False
        name = target.value.id
        self.settle_comprehension(name, target)  # ys = [f(x) for x in xs]: Python's list of its items
        lst = self.env.get(name)
        what = f"`{name}[...] = ...`"
        if type(lst) is tuple and not is_struct(lst):
            if not self.is_list(lst):
                raise self.err(AdjitTypeError, "'tuple' object does not support item assignment (Python raises "
                               "TypeError)", target, hint=f"make '{name}' a list ([...]) or build a new tuple")
            self._lw_changeable(name, target, what)
            items = list(lst)
            if isinstance(target.slice, ast.Slice):
                bounds = [None if p is None else self._lm_index(self.expr(p), target, f"a slice of '{name}'")
                          for p in (target.slice.lower, target.slice.upper, target.slice.step)]
                if bounds[2] == 0:
                    raise self.err(ShapeError, "slice step cannot be zero (Python raises ValueError)", target)
                new = self._lm_items(val, target, f"assigning to a slice of '{name}'")
                try:
                    items[slice(*bounds)] = new
                except ValueError as e:
                    raise self.err(ShapeError, f"{e} (Python raises ValueError)", target) from None
            else:
                k = self._lw_position(name, target, len(items))
                items[k] = self._lw_in_place(items[k], val, target)
            self.env[name] = self.mark_list(tuple(items))
            return True
        if not _built(lst):
            return False
        if isinstance(target.slice, (ast.Slice, ast.Tuple)):
            raise self.err(UnsupportedSyntaxError, f"only one item of the list '{name}' at a time can be written "
                           f"(`{name}[k] = v`)", target, hint="write the items in a loop")
        self._lw_changeable(name, target, what)
        holder = _holder_of(self, lst)
        n = self.b.aval(lst.array).shape[0]
        k = self.expr(target.slice)
        if isinstance(k, Value) and (k.type.kind != "scalar" or k.type.dtype not in ("int64", "int32")):
            raise self.err(AdjitTypeError, f"list indices must be integers, not {k.type}", target.slice)
        if not isinstance(k, Value):
            k = self._lw_position(name, target, n) if n is not None else self._lm_index(k, target, what)
        if isinstance(val, Value) and self._lw_aug(target):
            val = self._lw_in_place(self.b.emit("getitem", [lst.array, self.value(k, target)], index=(("int", 1),)),
                                    val, target)
        item, seq = self.list_item_value(val, node, name)
        item = self.list_accept_item(holder, item, seq, node)
        self.at(target)
        rows = self.b.emit("index_update", [lst.array, item, self.value(k, target)], index=(("int", 2),))
        rows.hint = name
        self.list_hold(rows, item)
        self.env[name] = BuiltList(rows, name, seq=lst.seq, weak=lst.weak)
        return True

    def _lw_chained(self, target: ast.Subscript, val, node) -> bool:
        """`hs[k][j] = v`: into the array item k of a list (NumPy's write into that array object,
        which every other name for it sees: aliasing.py checks those reads), lowered through a
        hidden name for the item; into a list of lists, a located error."""
        inner = target.value
        if not isinstance(inner.value, ast.Name):
            return False
        name = inner.value.id
        self.settle_comprehension(name, target)
        lst = self.env.get(name)
        if type(lst) is not tuple or is_struct(lst) or isinstance(inner.slice, ast.Slice):
            return False
        if not self.is_list(lst) and not any(isinstance(e, Value) and e.type.kind == "array" for e in lst):
            return False
        k = self._lw_position(name, inner, len(lst))
        item = lst[k]
        if type(item) is tuple and self.is_list(item) and not is_struct(item) or type(item).__name__ == "BuiltList" \
                and getattr(item, "slots", None) is not None:  # grid[i][j] = v, a list of lists ([0.0] * m slots)
            return self._lw_nested_list(name, lst, k, item, target, val, node)
        if not (isinstance(item, Value) and item.type.kind == "array"):
            raise self.err(UnsupportedSyntaxError, f"writing into an item of the list '{name}' that is itself a list "
                           f"or a number (`{ast.unparse(target)} = ...`) is not supported", target,
                           hint=f"make '{name}' an array (np.zeros((n, m)) or np.full(...)) and write "
                                f"{name}[i, j] = v")
        key = f"<item {k} of {name}>"
        self.env[key] = item
        try:
            self.assign(ast.copy_location(ast.Subscript(value=ast.copy_location(ast.Name(key, ast.Load()), inner),
                                                        slice=target.slice, ctx=ast.Store()), target), val, node)
            new = self.env[key]
        finally:
            del self.env[key]
        new.hint = name
        items = list(lst)
        items[k] = new
        self.env[name] = self.mark_list(tuple(items)) if self.is_list(lst) else tuple(items)
        return True

    def _lw_nested_list(self, name, lst, k, item, target, val, node) -> bool:
        """`grid[i][j] = v` into a list item k that is itself a list: that list with item j replaced,
        and the outer list with item k replaced. Python changes the one inner list object, so where
        it may be held elsewhere (the same object twice in the list, `[[0.0] * 3] * 2`; a name or
        another container holding it, `row = grid[0]`) the located error stands."""
        def holds(v, depth=0):
            return v is item or depth < 4 and type(v) is tuple and any(holds(e, depth + 1) for e in v)
        shared = sum(e is item for e in lst) > 1 or any(
            n != name and holds(v) for n, v in self.env.items()) or any(holds(e) for e in lst if e is not item)
        if shared:
            raise self.err(UnsupportedSyntaxError, f"writing into an item of the list '{name}' that is itself a list "
                           f"held elsewhere too (`{ast.unparse(target)} = ...`): Python changes that one list "
                           "object, which every holder sees", target,
                           hint=f"build the rows separately ([[0.0] * m for _ in range(n)]) or make '{name}' an array "
                                f"and write {name}[i, j] = v")
        key = f"<item {k} of {name}>"
        self.env[key] = item
        try:
            self.assign(ast.copy_location(ast.Subscript(value=ast.copy_location(ast.Name(key, ast.Load()), target.value),
                                                        slice=target.slice, ctx=ast.Store()), target), val, node)
            new = self.env[key]
        finally:
            del self.env[key]
        items = list(lst)
        items[k] = new
        self.env[name] = self.mark_list(tuple(items)) if self.is_list(lst) else tuple(items)
        return True

    def _lw_aug(self, target) -> bool:
        st = self.stmt
        return isinstance(st, ast.AugAssign) and st.target is target

    def _lw_in_place(self, current, val, target):
        """`xs[k] += v` on an array item writes into that array, as NumPy's `+=` does (other names
        for it see the change: aliasing.py); a number item is rebound."""
        if self._lw_aug(target) and isinstance(current, Value) and current.type.kind == "array":
            return self.in_place_result(current, val, self.stmt)
        return val

    def _lw_position(self, name: str, target, n: int) -> int:
        k = self._lm_index(self.expr(target.slice), target, f"`{name}[k] = ...`")
        if not -n <= k < n:
            raise self.err(ShapeError, f"list assignment index {k} out of range for '{name}' of {n} items (Python "
                           "raises IndexError)", target)
        return k % n

    def _lw_changeable(self, name: str, target, what: str) -> None:
        """The list methods' checks (another name may hold it; a loop not unrolled; an `if` decided
        when the function runs), and no write into the list an enclosing loop iterates over other
        than at the loop's own position."""
        self._lm_changeable(name, target, what)
        parents = self._lm_parents()
        p = parents.get(id(target))
        while p is not None and p is not self.parsed.node:
            if isinstance(p, ast.For) and _iterates(p.iter, name):
                it, tg = p.iter, p.target
                own = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and \
                    len(it.args) == 1 and not it.keywords and isinstance(it.args[0], ast.Name) and \
                    it.args[0].id == name and isinstance(tg, ast.Tuple) and len(tg.elts) == 2 and \
                    isinstance(tg.elts[0], ast.Name) and isinstance(target.slice, ast.Name) and \
                    target.slice.id == tg.elts[0].id and not any(
                        isinstance(n, ast.Name) and n.id == tg.elts[0].id and isinstance(n.ctx, ast.Store)
                        for st in p.body for n in ast.walk(st))
                if not own:
                    raise self.err(UnsupportedSyntaxError, f"{what} writes into the list the loop at line "
                                   f"{p.lineno + self.parsed.firstline - 1} iterates over (Python's loop would see "
                                   "an item written ahead of it; adjit iterates over the items the list had when "
                                   "the loop began)", target,
                                   hint=f"build a new list in the loop ({name}_new.append(...)), or write "
                                        f"`for i, v in enumerate({name}): {name}[i] = ...`")
            p = parents.get(id(p))
