"""For loops that carry a compile-time Python value from one iteration to the next (issue 12): a
list that grows (`ext = [blank]; for c in label: ext += [c, blank]`, CTC's extended label
sequence), a tuple rebound from its own items (`p = (p[1], p[0] + p[1])`), a string or None
decided in one iteration and read in the next. Such a value is not an IR value: a loop lowered
once, as an IR `For`, cannot carry it (its body would read the value from before the loop in
every iteration, a silent wrong value). Such a loop is unrolled when the call is compiled, as a
loop over a structure is (structures.py), when it runs a number of times known then (a range with
bounds known when compiled, an array's rows of a known extent, zip/enumerate/reversed of those),
up to MAX_UNROLL iterations: the body is lowered once per iteration with the loop variable bound
to that iteration's item (a Python int for a range, as in Python). Otherwise, or with `break`,
`continue`, `return` or `else` in the loop, it is a located error with a rewrite.

The hook is `struct_for`, the first question lower_stmts asks of every `for` statement; this
mixin is a base of closures.LocalFunctions, so that it comes before structures.Structures in the
Lowerer's method order and hands every other loop on to it."""
from __future__ import annotations

import ast

from ..errors import AdjitError, AdjitTypeError, ShapeError, UnsupportedSyntaxError
from .parse import _contains_jump, _contains_return, _walk
from ..ir import Value
from .structures import StructMap, is_struct
from .structvalues import StructTuple
from .values import LocalFunction

MAX_UNROLL = 256  # iterations; the alternative is a located error, not a loop
_WRITING_CALLS = ("at", "copyto", "fill_diagonal", "put_along_axis", "putmask", "place", "sort", "fill")


def _static_kind(v) -> str | None:
    """What kind of compile-time Python value v is, when a loop cannot carry it as an IR value."""
    if type(v) is tuple and not is_struct(v):
        return "list"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "None"
    if is_struct(v) and type(v).__name__ in ("StructMap", "StructObj", "StructTuple"):
        return "structure"  # a dict, a record or an object rebound in the loop: its items are compile-time
    return None


def _stores(node, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in _walk(node))


def _loads(node, names: set) -> bool:
    """Whether `node` may read one of `names`: a load, `name += ...`, or a call of a nested function
    (which reads the enclosing names when it is called); nested functions' bodies count too."""
    return any(isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load) for n in ast.walk(node)) or \
        any(isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id in names
            for n in ast.walk(node))




def _record_display(e) -> bool:
    """A tuple or list display holding a string, a dict or another display (`("planar", (u, w))`):
    an item no array of rows can hold, whatever its parts' shapes."""
    return isinstance(e, (ast.Tuple, ast.List)) and any(
        isinstance(x, (ast.Tuple, ast.List, ast.Dict)) or isinstance(x, ast.Constant) and isinstance(x.value, str)
        for x in e.elts)


def carried(body: list, name: str, readers: frozenset = frozenset()) -> bool:
    """Whether the loop body rebinds `name` and may read, in an iteration, what the previous one
    bound: a read (or a call of one of `readers`, nested functions) that no plain assignment at the
    body's top level comes before."""
    if not any(_stores(st, name) for st in body):
        return False
    for st in body:
        if _loads(st, {name} | readers):
            return True
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and _stores(st, name) and not any(
                isinstance(t, ast.Subscript) for t in (st.targets if isinstance(st, ast.Assign) else [st.target])):
            return False  # bound before any read in this iteration
    return False


class StaticLoops:
    """The Lowerer's for loops carrying a compile-time Python value (see the module docstring)."""

    def struct_for(self, stmt: ast.For) -> bool:
        if self._never_runs(stmt):
            return True  # Python never runs its body (nor binds its target): nothing to lower
        readers = frozenset(n for n, v in self.env.items() if isinstance(v, LocalFunction))
        names = [n for n, v in self.env.items() if _static_kind(v) and carried(stmt.body, n, readers)]
        if not names and (self._keys_a_dict(stmt) or self._writes_a_list(stmt) or self._reads_growing_list(stmt)
                          or self._appends_other_kind(stmt) or self._appends_objects(stmt)
                          or self._indexes_words(stmt)) and not (
                _contains_jump(stmt.body) or _contains_return(stmt.body) or stmt.orelse):
            return self._unroll_keyed(stmt) or super().struct_for(stmt)
        if not names:
            return super().struct_for(stmt)
        name = names[0]
        kind = _static_kind(self.env[name])
        what = {"list": "a list (or tuple)", "string": "a string", "None": "None",
                "structure": "a dict, a record or an object"}[kind]
        hint = {"list": "preallocate an array before the loop (`ext = np.zeros(n, dtype=int)`) and write its items "
                        "(`ext[2 * i + 1] = c`), or join arrays with np.concatenate; a pair of values: carry its "
                        "items as separate names",
                "string": "decide it before the loop, or carry a number (a flag) instead",
                "None": "start it from a number or an array of the right shape before the loop",
                "structure": "write its items (d['w'] = ..., carried around the loop) instead of rebinding the name, "
                             "or carry the arrays as separate names"}[kind]
        if _contains_jump(stmt.body) or _contains_return(stmt.body) or stmt.orelse:
            raise self.err(UnsupportedSyntaxError, f"'{name}' is {what} that each iteration of this loop rebinds and "
                           "the next reads: adjit unrolls such a loop when the call is compiled, and break, continue, "
                           "return and else inside it are not supported", stmt, hint=hint)
        items = self.struct_sequence(stmt.iter)  # a list literal or a structure: its items (structures.py)
        if items is None:
            seq = self.loop_sequence(stmt.iter)  # a range, an array's rows, zip/enumerate/reversed (iteration.py)
            self.at(stmt)
            n = self.static_int(self.seq_length(seq, stmt.iter))
        else:
            n = len(items)
        if n is None or n > MAX_UNROLL:
            runs = "a number of times known only when the function runs" if n is None else f"{n} times"
            raise self.err(UnsupportedSyntaxError, f"'{name}' is {what} that each iteration of this loop rebinds and "
                           f"the next reads: adjit unrolls such a loop when it runs a number of times known when the "
                           f"call is compiled (at most {MAX_UNROLL}), and this one runs {runs}", stmt, hint=hint)
        for k in range(n):
            self.stmt = stmt
            self.at(stmt.target)
            item = items[k] if items is not None else self.seq_item(seq, k, stmt.iter)
            self.assign(stmt.target, item, stmt.target)
            self.lower_stmts(stmt.body, None)
        return True

    def _never_runs(self, stmt: ast.For) -> bool:
        """`for j in range(s):` with s a Python int 0 (an unrolled loop's first copy, `DP_A[0]` empty):
        a range of ints known when compiled that is empty, and no else clause."""
        it = stmt.iter
        if stmt.orelse or not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
                               and it.func.id not in self.env and 1 <= len(it.args) <= 3 and not it.keywords
                               and all(isinstance(a, (ast.Name, ast.Constant)) for a in it.args)):
            return False
        args = [self.env.get(a.id) if isinstance(a, ast.Name) else a.value for a in it.args]
        if not all(type(a) is int for a in args) or (len(args) == 3 and args[2] == 0):
            return False
        return len(range(*args)) == 0

    def sorted_struct_items(self, it):
        """`sorted(d.items())` / `sorted(d.keys())` of a dict argument (structures.py's loops): its
        (key, value) pairs or keys in the order of the keys, which are known when compiled
        (strings or numbers: quotes by maturity); None when `it` is not that."""
        inner = it.args[0] if len(it.args) == 1 and not it.keywords else None
        if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and not inner.args
                and inner.func.attr in ("items", "keys") and self._rooted_in_struct(inner.func.value)):
            return None
        view = self.expr(inner.func)
        if type(view).__name__ != "StructView" or not all(isinstance(k, (str, int, float)) for k in view.struct.items):
            return None
        try:
            keys = sorted(view.struct.items)
        except TypeError as e:
            raise self.err(AdjitTypeError, f"sorted(): {e} (Python's TypeError)", it) from None
        return [(k, view.struct.items[k]) for k in keys] if view.what == "items" else keys

    def _reads_growing_list(self, stmt: ast.For) -> bool:
        """Whether the body grows or shrinks a list known when compiled (`hist.append(s)`,
        `hist.pop(0)`) and reads it whole too (iterates it, passes it to a helper, tests it, takes
        its len(); an L-BFGS history): Python's list differs from one iteration to the next, so the
        loop is unrolled (lists.py's rows for appended items exist only after the loop; an item
        read by index, `xs[-1]`, stays lists.py's)."""
        body = ast.Module(body=stmt.body, type_ignores=[])
        changed, receivers, indexed = set(), set(), set()
        for n in ast.walk(body):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) \
                    and n.func.attr in ("append", "pop", "extend", "insert", "remove", "clear"):
                changed.add(n.func.value.id)
                receivers.add(id(n.func.value))
            elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name):
                indexed.add(id(n.value))
        changed = {c for c in changed if type(self.env.get(c)) is tuple and not is_struct(self.env[c])}
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in changed
                   and id(n) not in receivers and id(n) not in indexed for n in ast.walk(body))

    def _appends_other_kind(self, stmt: ast.For) -> bool:
        """Whether the body appends to a list known when compiled (`feats = [env, env ** 2]`) an item
        of another kind or shape than its items (a hinge column `h[:, None]` beside the covariates):
        no array of rows holds Python's list then, so the loop is unrolled and the list stays a list
        of its items. The appended item is learnt from a scratch lowering of the body (lists.py's),
        done only for such a list and a loop that could be unrolled."""
        from .lists import _Probe, _appends

        if _contains_jump(stmt.body) or _contains_return(stmt.body) or stmt.orelse:
            return False
        rebound = {n.id for n in _walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for n in _walk(stmt):  # `layers.append(("planar", (u, w, b)))`: a record no array of rows holds
            name = _appends(n) if isinstance(n, ast.Expr) else None
            if name is not None and name not in rebound and type(self.env.get(name)) is tuple and \
                    not is_struct(self.env[name]) and n.value.args and _record_display(n.value.args[0]):
                return True
        for name in dict.fromkeys(_appends(n) for n in _walk(stmt) if isinstance(n, ast.Expr)):
            items = self.env.get(name)
            if name is None or name in rebound or type(items) is not tuple or is_struct(items) or not items \
                    or not self.is_list(items) or not all(isinstance(e, Value) for e in items):
                continue
            kinds = {self._item_kind(e) for e in items}
            if len(kinds) > 1:
                return True
            probe = _Probe(name)
            probe.count = len(items)
            try:
                self._learn_list_items(stmt, {name: probe}, [], starts=(False,))  # any iteration's item
            except ShapeError:
                return True  # an item whose shape is known only per iteration (`x[k:]`): Python's items, unrolled
            except AdjitError:
                continue  # the loop's own lowering says what is wrong
            item = probe.item
            if item is not None and ((item.type.dtype, tuple(item.shape)) if item.type.kind == "array" else
                                     "number") not in kinds:
                return True
        return False

    def _indexes_words(self, stmt: ast.For) -> bool:
        """Whether the body indexes a list known when compiled that holds strings (`toks[i - 1]`, tokens of
        a text) by the loop variable: no array holds strings, so the loop is unrolled (its index an int)."""
        if not isinstance(stmt.target, ast.Name):
            return False
        var = stmt.target.id
        for n in ast.walk(ast.Module(body=stmt.body, type_ignores=[])):
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and \
                    any(isinstance(m, ast.Name) and m.id == var for m in ast.walk(n.slice)):
                items = self.env.get(n.value.id)
                if isinstance(items, tuple) and any(isinstance(e, str) for e in items):
                    return True
        return False

    def _appends_objects(self, stmt: ast.For) -> bool:
        """Whether the body appends an object of a class the user wrote (`combs.append(Comb(d, g))`): no
        array of rows holds objects, so the loop is unrolled and the list holds each object."""
        from .lists import _appends

        return any(_appends(n) is not None and n.value.args and self.makes_objects(n.value.args[0])
                   for n in _walk(stmt) if isinstance(n, ast.Expr))

    def _keys_a_dict(self, stmt: ast.For) -> bool:
        """Whether the body looks up a dict known when compiled by the loop variable (`for atom in
        range(n): kind = self.hetero.get(atom)`, `d[i]`): Python's key is the iteration's int."""
        if not isinstance(stmt.target, ast.Name):
            return False
        var = stmt.target.id
        for n in ast.walk(ast.Module(body=stmt.body, type_ignores=[])):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args \
                    and isinstance(n.args[0], ast.Name) and n.args[0].id == var:
                base = n.func.value
            elif isinstance(n, ast.Subscript) and any(isinstance(m, ast.Name) and m.id == var for m in ast.walk(n.slice)):
                base = n.value  # d[i], d[f"w{i}"], d["_".join(["w", str(i)])], d[(i, 0)]: a key made of the int
            else:
                continue
            if type(self._peek(base)).__name__ in ("StructMap", "dict"):
                return True
        return False

    def _writes_a_list(self, stmt: ast.For) -> bool:
        """Whether the body writes an item of a list that is a compile-time tuple or an array of
        rows (`ws[i] = ws[i] / 2`, listwrites.py): such a write needs the loop unrolled."""
        from .lists import _built
        from .listwrites import written_lists

        written = written_lists(stmt.body)
        for n in written:
            if type(self.env.get(n)).__name__ == "DeferredList":
                self.settle_comprehension(n, stmt)  # ys = [f(x) for x in xs]: Python's list of its items
        if any(type(v) is tuple and not is_struct(v) and self.is_list(v) or _built(v)
               for v in (self.env.get(n) for n in written)):
            return True
        return self._reads_mixed_items(stmt)

    def _reads_mixed_items(self, stmt: ast.For) -> bool:
        """Whether the body reads an item of a list or tuple known when compiled at a position made
        of the loop variable (`Ws[l] @ h`) and the items differ in kind or shape (a network's layers):
        no array holds them, so Python's item is taken in each iteration of the unrolled loop."""
        var = {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
        for n in ast.walk(ast.Module(body=stmt.body, type_ignores=[])):
            if not (isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and isinstance(n.ctx, ast.Load)
                    and any(isinstance(m, ast.Name) and m.id in var for m in ast.walk(n.slice))):
                continue
            items = self.env.get(n.value.id)
            if (type(items) is tuple and not is_struct(items) or type(items).__name__ == "StructTuple") and \
                    len(items) > 1 and len({self._item_kind(e) for e in items}) > 1:
                return True  # (a list argument's items too: thresholds per covariate, a layer per index)
            table = self.parsed.globals.get(n.value.id) if n.value.id not in self.env else None
            if type(table) in (list, tuple) and any(type(e) in (list, tuple) for e in table) and len(
                    {(type(e) in (list, tuple), len(e) if type(e) in (list, tuple) else 0) for e in table}) > 1:
                return True  # a ragged module-level table (Butcher's DP_A[s][j]): no array holds it
        return False

    def struct_subscript(self, base, node):
        """`parents[j]` of a list argument whose items are all numbers of one dtype at a position known
        only when the function runs (in a loop lowered once): one array holds the numbers and
        Python's item is its element (a position out of range raises as NumPy's indexing does; a
        negative one counts from the end). Not for array items: Python's item is the caller's array
        itself, which a write through it (`r = xs[k]; r[0] = v`) would change (structures.py's
        located error stands). Anything else: structures.py."""
        sl = node.slice
        if type(base).__name__ == "StructTuple" and len(base) and isinstance(sl, (ast.Name, ast.BinOp, ast.UnaryOp)) \
                and all(isinstance(e, Value) and e.type.kind == "scalar" for e in base) and len(
                    {e.type.dtype for e in base}) == 1:
            k = self.expr(sl)
            if isinstance(k, Value) and k.type.kind == "scalar" and k.type.dtype in ("int64", "int32") and \
                    self.b.aval(k).value is None:
                self.at(sl)
                return self.b.emit("getitem", [self.b.emit("stack", list(base), axis=0), k], index=(("int", 1),))
        rows = self._number_rows(base) if isinstance(sl, (ast.Name, ast.BinOp, ast.UnaryOp)) else None
        if rows is not None:  # `events[k][0]`, `t, dose = events[k]`: a list of (time, dose) tuples
            k = self.expr(sl)
            if isinstance(k, Value) and k.type.kind == "scalar" and k.type.dtype in ("int64", "int32") and \
                    self.b.aval(k).value is None:
                self.at(sl)
                cols = [self.b.emit("getitem", [self.b.emit("stack", list(col), axis=0), k], index=(("int", 1),))
                        for col in zip(*base)]
                first = base[0]
                return StructTuple(cols, f"{base.label}[{ast.unparse(sl)}]", first.kind, first.fields, first.cls)
        return super().struct_subscript(base, node)

    @staticmethod
    def _number_rows(base):
        """A list argument whose items are tuples of one length (and one NamedTuple class) of numbers,
        each position's numbers of one dtype: one array per position holds them (None otherwise)."""
        if type(base).__name__ != "StructTuple" or not len(base) or not all(
                type(e).__name__ == "StructTuple" and len(e) == len(base[0]) and e.cls is base[0].cls for e in base):
            return None
        if not len(base[0]) or not all(isinstance(v, Value) and v.type.kind == "scalar" for e in base for v in e):
            return None
        return base if all(len({v.type.dtype for v in col}) == 1 for col in zip(*base)) else None

    def _item_kind(self, e):
        """Items of one kind make an array (numbers, or arrays of one dtype and shape)."""
        if isinstance(e, Value) and e.type.kind == "array":
            return (e.type.dtype, tuple(self.b.aval(e).shape))
        if isinstance(e, (int, float)) or isinstance(e, Value) and e.type.kind == "scalar":
            return "number"
        return type(e).__name__ if isinstance(e, str) or e is None else id(e)

    def _peek(self, node):
        """A name or attribute chain's compile-time structure, read without lowering (None if not one)."""
        if isinstance(node, ast.Name):
            return self.env[node.id] if node.id in self.env else self.parsed.globals.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._peek(node.value)
            items = getattr(base, "items", None) if type(base).__name__ == "StructObj" else None
            return items.get(node.attr) if isinstance(items, dict) else None
        return None

    def _unroll_keyed(self, stmt: ast.For) -> bool:
        """The loop unrolled when it runs a number of times known when compiled (at most
        MAX_UNROLL), the loop variable a Python int in each copy of the body; False otherwise (an
        IR loop, where a key known only when it runs is the located error)."""
        items = self.struct_sequence(stmt.iter)
        if items is not None:
            return False  # a loop over a structure: unrolled already (structures.py)
        seq = self.loop_sequence(stmt.iter)
        self.at(stmt)
        n = self.static_int(self.seq_length(seq, stmt.iter))
        if n is None or n > MAX_UNROLL:
            return False
        unrolled = self.__dict__.setdefault("unrolled_fors", [])
        unrolled.append(stmt)  # (procedures.init_dict_item_write: straight-line through its copies)
        try:
            for k in range(n):
                self.stmt = stmt
                self.at(stmt.target)
                self.assign(stmt.target, self.seq_item(seq, k, stmt.iter), stmt.target)
                self.lower_stmts(stmt.body, None)
        finally:
            unrolled.pop()
        return True

    def dict_slots(self, body: list) -> tuple:
        """Before a loop: each item of a dict made in the function that the body writes by a
        constant key (`state["m"] = 0.9 * state["m"] + g`, `d["n"] += 1`) and that holds a number or
        an array moves into a hidden name of the environment (a procedures.Slot), which branches
        merge and the loop carries like any variable; reads go through it, and a copy of the dict
        takes its current value. Returns the hidden names of every dict item the body writes (the
        loop carries them)."""
        from .procedures import Slot

        keys = []
        stack = list(body)
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            stack.extend(ast.iter_child_nodes(n))
            targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _WRITING_CALLS:
                targets = [n.func.value if n.func.attr in ("sort", "fill") else n.args[0] if n.args else None]
            for t in targets:  # (np.add.at(d["m"], i, v), d["m"].sort(): structures.dict_item_call)
                while isinstance(t, ast.Subscript) and isinstance(t.value, ast.Subscript):
                    t = t.value  # d["h"][t] = v writes the item d["h"] (structures.dict_item_chain_write)
                if not (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant)):
                    continue
                d, key = self.env.get(t.value.id), t.slice.value
                if not isinstance(d, StructMap) or getattr(d, "made_by", None) is not self or key not in d.items:
                    continue
                v = d.items[key]
                if isinstance(v, Value) or isinstance(v, (int, float)) and not isinstance(v, bool):
                    slot_key = f"<dict@{id(d):x}>.{key}"
                    self.env[slot_key] = v
                    v = d.items[key] = Slot(slot_key, str(key))
                    d.slot_keys = getattr(d, "slot_keys", []) + [slot_key]  # procedures.loop_carried's
                if isinstance(v, Slot) and v.key not in keys:
                    keys.append(v.key)
        return tuple(keys)
