"""Lists built with `.append` (issue 12: "list building"): `xs = []`, `xs.append(x)` in a loop,
then `np.array(xs)`, `np.sum(xs)`, `xs[-1]`, `len(xs)`. Lists made by `[x] * n` and filled by
index are slots.py's; both are a `BuiltList`.

A list is a compile-time tuple of values (a list literal). Appended outside any loop it simply
grows. Appended to inside a loop it becomes an array with one row per item: before the loop the
frontend learns the item's shape (from an item written before the loop, or by lowering the loop's
body once into a scratch block that is thrown away), makes the array with the items so far in its
first rows, and lowers the loop with `xs.append(v)` a row write at a counter (`_Rows`), the array
and the counter carried by the loop under hidden names (a carry statement added to a copy of the
loop's body assigns them, so the loop carries them like any name). Inside the loop the list reads
as the rows written so far (`traj[-1]`, `len(traj)`); after it the name holds a `BuiltList`:
NumPy functions see the array, indexing and len() see the list. Appending to it again (after the
loop, or in another loop) copies its rows into a longer array first.

- Appended once per iteration at the top level of a `for` loop without break/continue: the array
  has exactly `len(items so far) + trip count` rows.
- Appended anywhere else (inside an `if`, an inner loop, a `while` loop, a loop with break or
  continue, several times per iteration): the count is known only when the function runs. The
  array grows: it starts with max(16, items so far + trip count + 1) rows (a `while` loop counts no
  trips), and an append that fills it makes one of twice the rows and copies the rows into it
  (`new[:n] = rows`, whose adjoint is a slice: the reverse sweep records two ints per append,
  never the array; the growth comes after the row write, so no view of the adjoint's rows is alive
  across it and the reverse sweep copies nothing outside the doublings). After the loop the list
  is the first n rows, an array whose length is a run-time extent (`rows[:n]`), so everything
  after it sees the length the loop produced.

A list literal of numbers as an item is its array (`out.append([C, D])`, written number by number;
read back as a tuple), so `np.array(out)` is 2-D as in NumPy."""
from __future__ import annotations

import ast
import collections

from ..errors import AdjitError, AdjitTypeError, InternalCompilerError, UnsupportedSyntaxError
from ..ir import Abstract, Value, array_type, scalar_type
from .control import LoopFrame
from .parse import _contains_jump, _contains_return, _walk
from .listmethods import MUTATING, READING, ListMethods
from .listwrites import ListWrites
from .slots import SlotLists
from .values import Undefined

_HINT = "preallocate: `xs = np.zeros((n, ...))` before the loop and `xs[i] = ...` inside it"


class BuiltList:
    """A list whose items are the rows of an array: built by .append in a loop (`array`), or made by
    `[x] * n` and filled by index (`slots`, slots.py: its rows live in the maker's environment)."""

    def __init__(self, array: Value | None, name: str, slots=None, seq=None, weak: bool = False, rows=None):
        self._array, self.name, self.slots, self.rows = array, name, slots, rows
        self.seq, self.weak = seq, weak  # items written as list literals of this length / as Python numbers
        if rows is not None:
            self.seq, self.weak = rows.seq, rows.weak
        self.__name__ = f"the list '{name}'"

    @property
    def array(self) -> Value:
        if self.slots is not None:
            return self.slots.owner.slot_rows(self.slots)
        if self.rows is not None:  # appended to in the loop being lowered: the rows written so far
            return self.rows.owner.rows_so_far(self.rows)
        return self._array


class Learned(Exception):
    """Raised inside the scratch lowering of a loop's body once every item it was run for is known."""


class _Rows:
    """A list appended to inside the loop being lowered: its rows so far are `owner.env[buf]`,
    their number `env[count]`, and, when it grows, the rows made `env[cap]` (hidden names)."""

    def __init__(self, owner, name: str, keys: tuple, holder, grow: bool):
        self.owner, self.name = owner, name
        self.buf, self.count, self.cap = keys
        self.item, self.seq, self.weak, self.grow = holder.item, holder.seq, holder.weak, grow

    def keys(self) -> list:
        return [self.buf, self.count] + ([self.cap] if self.grow else [])


class _Probe:
    """A list under the scratch lowering of a loop body: learns the first item appended."""

    def __init__(self, name: str):
        self.name, self.item, self.seq, self.weak = name, None, None, False
        self.count = 0  # the items it has in the scratch lowering
        self.__name__ = f"the list '{name}' before its first item"


def _appends(stmt) -> str | None:
    """The list name of a `name.append(value)` statement, else None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        f = stmt.value.func
        if isinstance(f, ast.Attribute) and f.attr == "append" and isinstance(f.value, ast.Name):
            return f.value.id
    return None




def _built(lst) -> bool:
    """A list whose items are an array's rows, no longer filled by a loop (nor made by [x] * n)."""
    return type(lst) is BuiltList and lst.slots is None and lst.rows is None


def _holder_of(low, lst: BuiltList) -> _Probe:
    """What a built list's items are, as a probe that has learnt them."""
    av = low.b.aval(lst.array)
    h = _Probe(lst.name)
    h.item = Abstract(scalar_type(av.type.dtype) if av.type.rank == 1 else array_type(av.type.dtype, av.type.rank - 1),
                     tuple(av.shape[1:]))
    h.seq, h.weak = lst.seq, lst.weak
    h.count = av.shape[0] if av.shape[0] is not None else 0
    return h


def _stored_bases(nodes) -> set:
    """Names written into by `name[...] = v` (or +=) among the nodes."""
    out = set()
    for n in nodes:
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)
    return out


_STACK = "keep a stack in an array with an int counter: buf = np.zeros(n); top = 0; push: buf[top] = v; top += 1; " \
         "pop: top -= 1; v = buf[top]"


class ListBuilding(ListWrites, ListMethods, SlotLists):
    """The Lowerer's lists built with `.append`, and (SlotLists) those made by `[x] * n`."""

    def probe_read_error(self, base: _Probe, node) -> Exception:
        return self.err(UnsupportedSyntaxError, f"{base.name}[...] is read in a loop where adjit does not yet know the "
                        "shape of its items (it learns it from the first item the loop appends, lowering the loop "
                        "once as a trial)", node, hint=f"give the list its first item before the loop ({base.name} = "
                        f"[x0]), or {_STACK}")

    def attribute(self, base, node):
        """`stack.pop()` of a list appended to in a loop (rainflow's stack): the located error naming an
        array stack, where the next hook's error would say only that it has no attribute 'pop'."""
        if (isinstance(base, _Probe) or isinstance(base, BuiltList) and base.slots is None) \
                and node.attr in MUTATING - {"append"} | {"sort"}:
            raise self.err(UnsupportedSyntaxError, f"list.{node.attr}() of the list '{base.name}', appended to in a "
                           "loop: adjit keeps such a list as the rows of an array that only grows (append, len, "
                           "indexing, iteration)", node, hint=_STACK)
        return super().attribute(base, node)

    def settle_comprehension(self, name: str, node) -> None:
        """`ys = [f(x) for x in xs]` about to be changed (`ys.append(v)`, `.extend`, `.insert`, ...):
        Python's list of its items. Over a sequence of a length known when compiled (an array of at
        most MAX_UNROLL_KNOWN rows too) its items unrolled, a list that is a tuple; else the array
        NumPy makes of it, a list of its rows (a BuiltList, which `.append` grows by a row)."""
        lst = self.env.get(name)
        if type(lst).__name__ != "DeferredList":
            return
        saved, self.env, self._rows_unrolled = self.env, dict(lst.env), True
        try:
            items = self.comprehension_items(lst.node)
        finally:
            self.env, self._rows_unrolled = saved, False
        if items is not None:
            self.env[name] = self.mark_list(items)
            return
        rows = self.deferred(lst, None, node)
        rows.hint = name
        self.env[name] = BuiltList(rows, name)

    def slots_as_literal(self, call) -> None:
        """`xs.pop()`, `.insert`, `.reverse`, `.remove`, `.clear` of a list of slots of a known length
        (`stack = list(x[:3])`, `ys = x.tolist()`): from here on the list of its items, as a list
        literal is (listmethods.py changes it as Python's list)."""
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.attr in (
                "pop", "insert", "reverse", "remove", "clear") and type(lst := self.env.get(f.value.id)) is \
                BuiltList and lst.slots is not None and isinstance(lst.slots.length, int):
            self.env[f.value.id] = self.mark_list(self.slot_items(lst, call))

    def list_append_statement(self, stmt) -> bool:
        """`xs.append(v)`: a row of a list filled in its loop, or a list that is a tuple grows; True
        when handled."""
        self.slots_as_literal(stmt.value)
        f = stmt.value.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.attr in MUTATING:
            self.settle_comprehension(f.value.id, stmt)  # ys = [... for ...]; ys.append(v)
        name = _appends(stmt)
        if name is None:  # xs.pop(), xs.insert(i, v), ... as a statement: listmethods.py
            f = stmt.value.func
            return isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.attr != "append" and \
                f.attr in MUTATING | READING and type(self.env.get(f.value.id)) is tuple and \
                self.is_list(self.env[f.value.id]) and (self.list_method_call(stmt.value) or True)  # not xs.sort()
        lst = self.env.get(name)
        call = stmt.value
        if isinstance(lst, BuiltList) and lst.rows is not None:
            lst = lst.rows
        if isinstance(lst, (_Probe, _Rows)) or type(lst) is tuple:
            if len(call.args) != 1 or call.keywords:
                raise self.err(AdjitTypeError, "list.append() takes exactly one argument", call)
        if isinstance(lst, _Probe):  # the scratch lowering of a loop body (learning the item)
            if lst.item is None:
                self.list_accept_item(lst, *self.list_item_value(self.expr(call.args[0]), call.args[0], name), call.args[0])
                self._list_learned(lst)
            lst.count += 1
            return True
        if isinstance(lst, _Rows):
            self._append_row(lst, call, stmt)
            return True
        if type(lst) is tuple:  # Python's list grows: listmethods.py (refused where another name may hold it)
            if self.is_list(lst):
                self.list_method_call(call)
            else:
                self.env[name] = lst + (self.expr(call.args[0]),)
            return True
        if _built(lst):  # outside a loop, to a list whose items are an array's rows: one row more
            if len(call.args) != 1 or call.keywords:
                raise self.err(AdjitTypeError, "list.append() takes exactly one argument", call)
            holder = _holder_of(self, lst)
            v = self.list_accept_item(holder, *self.list_item_value(self.expr(call.args[0]), call.args[0], name),
                                      call.args[0])
            self.at(stmt)
            old, m = self._rows_and_length(lst, stmt)
            rows = self._rows_from(old, m, self.b.emit("add", [m, self.b.const(1)]) if isinstance(m, Value) else m + 1,
                                   holder, stmt)
            rows = self.b.emit("index_update", [rows, v, self.value(m, stmt)], index=(("int", 2),))
            rows.hint = name
            self.list_hold(rows, v)
            self.env[name] = BuiltList(rows, name, seq=lst.seq, weak=lst.weak)
            return True
        if self._slots_grown(name, lst):  # list(x) filled by index, then grown (a loop's: loop_with_appends)
            return self.list_append_statement(stmt)
        if isinstance(lst, BuiltList):
            raise self.err(UnsupportedSyntaxError, "appending to a list made by `[x] * n` or list(x) that another "
                           "name also holds is not supported", stmt, hint=_HINT)
        return False

    def _slots_grown(self, name: str, lst) -> bool:
        """`t = list(x)` (items replaceable by index, slots.py) appended to: from here on a list of
        the rows as they stand (True), unless another name holds the same list (it would see the
        items appended) or a loop appending to it also writes its items (the located error follows)."""
        if type(lst) is not BuiltList or lst.slots is None or any(
                k != name and (v is lst or type(v) is BuiltList and v.slots is lst.slots) for k, v in self.env.items()):
            return False
        self.env[name] = BuiltList(lst.array, name, seq=lst.seq, weak=lst.weak)
        return True

    def _rows_and_length(self, lst: BuiltList, node) -> tuple:
        """A built list's array and its length (an int, or a value when known only at run time)."""
        old = lst.array
        m = self.b.aval(old).shape[0]
        if m is None:
            self.at(node)
            m = self.b.emit("getitem", [self.b.emit("shape", [old]), self.b.const(0)], index=(("int", 1),))
        return old, m

    def _rows_from(self, old: Value, m, count, holder, node) -> Value:
        """A new array of `count` rows, `old` (m rows) in its first ones; it holds what old holds."""
        rows = self.list_rows_zeros(count, holder.item)
        rows = self.b.emit("index_update", [rows, old, self.value(m, node)], index=(("slice", None, 2, None),))
        self.b.__dict__.setdefault("holds", {})[rows.id] = ("copy", old)  # the same items (aliasing.py)
        return rows

    def _list_learned(self, holder) -> None:
        learning = getattr(self, "_learning", None)
        if learning is not None:
            learning.discard(holder)
            if not learning:
                raise Learned()

    def _append_row(self, lst: _Rows, call, stmt) -> None:
        raw = self.expr(call.args[0])
        v, seq = self.list_item_value(raw, call.args[0], lst.name)
        v = self.list_accept_item(lst, v, seq, call.args[0])
        self.at(stmt)
        rows, n = self.value(self.env[lst.buf], stmt), self.value(self.env[lst.count], stmt)
        if rows.hint == lst.buf:
            rows.hint = lst.name
        new = self.list_row_write(rows, raw, v, n, stmt)
        new.hint = lst.name
        self.list_hold(new, v)  # Python's list holds v itself (aliasing.py)
        n = self.b.emit("add", [n, self.b.const(1)])
        if lst.grow:  # full now: a new array of twice the rows, the rows so far copied into it
            cap = self.value(self.env[lst.cap], stmt)
            full = self.b.emit("eq", [n, cap])
            new = self.select(full, lambda: self._rows_grown(lst, new, cap, n), lambda: new, stmt)
            new.hint = lst.name
            twice = self.b.emit("mul", [self.b.const(2), cap])
            self.env[lst.cap] = self.b.emit("where", [full, twice, cap])
        self.env[lst.buf], self.env[lst.count] = new, n

    def rows_so_far(self, lst: _Rows) -> Value:
        """The rows a list appended to in the loop being lowered has now: `rows[:n]`."""
        rows, n = self.value(self.env[lst.buf], self.stmt), self.value(self.env[lst.count], self.stmt)
        if rows.hint == lst.buf:
            rows.hint = lst.name
        return self.b.emit("getitem", [rows, n], index=(("slice", None, 1, None),))

    def _rows_grown(self, lst: _Rows, rows: Value, cap: Value, n: Value) -> Value:
        twice = self.b.emit("mul", [self.b.const(2), cap])
        new = self.list_rows_zeros(twice, lst.item)
        new = self.b.emit("index_update", [new, rows, n], index=(("slice", None, 2, None),))  # new[:n] = rows
        self.b.__dict__.setdefault("holds", {})[new.id] = ("copy", rows)  # the same items (aliasing.py)
        return new

    # -- loops that fill lists
    def loop_with_appends(self, stmt) -> bool:
        """A loop that appends to lists or writes items of lists made by `[x] * n`: lowered with
        each list's rows carried by the loop (see the module's docstring). False when it does
        neither (or holds a `return`: it comes back rewritten, loopvalues.py)."""
        if not isinstance(stmt, (ast.For, ast.While)) or _contains_return(stmt.body):
            return False
        self.lists_to_slots(stmt)  # vals = [0.0, 0.0]; while ...: vals[k] = v (loopvalues.py)
        nodes = [n for st in stmt.body for n in _walk(st)]
        rebound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        appended, inner = {}, []
        for node in nodes:
            name = _appends(node)
            if name is not None and name not in rebound:
                self.settle_comprehension(name, stmt)  # ys = [... for ...]; for ...: ys.append(v)
            if name is not None and name not in rebound:  # list(x) appended to in the loop: its rows first
                held = self.env.get(name)
                if name in _stored_bases(nodes) and type(held) is BuiltList and held.slots is not None:
                    raise self.err(UnsupportedSyntaxError, f"this loop both writes items of '{name}' (a list made "
                                   "by list(x) or [x] * n) and appends to it", node, hint=_HINT)
                self._slots_grown(name, held)
            lst = self.env.get(name) if name is not None else None
            if (type(lst) is tuple or _built(lst)) and name not in rebound:
                appended.setdefault(name, []).append(node)
            elif isinstance(lst, BuiltList) and lst.rows is not None and lst.rows not in inner:
                inner.append(lst.rows)  # an enclosing loop's list, appended to in this loop too
        slots = self._slots_written(_stored_bases(nodes), rebound)
        if not (appended or inner or slots):
            return False
        exact = {name for name, calls in appended.items() if isinstance(stmt, ast.For) and len(calls) == 1
                 and calls[0] in stmt.body and not _contains_jump(stmt.body)}
        probes = {name: _Probe(name) for name in appended}
        for name, probe in probes.items():  # the first item written before the loop tells the items' shape
            if _built(self.env[name]):  # appended to after the loop that built it: its rows come first
                probes[name] = probe = _holder_of(self, self.env[name])
            else:
                probe.count = len(self.env[name])
                if self.env[name]:
                    self.list_accept_item(probe, *self.list_item_value(self.env[name][0], stmt, name), stmt)
        self._learn_list_items(stmt, probes, [s for s in slots if s.item is None and s.key not in self.env])
        self.at(stmt)
        keys = [k for r in inner for k in r.keys()]
        for s in slots:
            keys.append(s.key)
            if s.key not in self.env:  # [None] * n, its first item written in this loop
                self.env[s.key] = self.list_rows_zeros(s.length, s.item, hint=s.name, list=s.name)
            self.slot_rows(s, stmt)  # refused here if only one branch of an `if` made its rows
        for name in appended:
            rows = self._start_rows(stmt, name, probes[name], grow=name not in exact)
            keys += rows.keys()
        carry = [ast.copy_location(ast.Assign(targets=[ast.Name(k, ast.Store())], value=ast.Name(k, ast.Load())),
                                   stmt.body[-1]) for k in keys]  # the hidden names: assigned, so carried
        for st in carry:
            ast.fix_missing_locations(st)
        before = dict(self.env)
        if isinstance(stmt, ast.For):
            self.lower_for(ast.copy_location(ast.For(target=stmt.target, iter=stmt.iter, body=stmt.body + carry,
                                                     orelse=[]), stmt))
        else:
            self.lower_while(ast.copy_location(ast.While(test=stmt.test, body=stmt.body + carry, orelse=[]), stmt))
        for name in appended:
            self._finish_rows(name, stmt)
        for name, v in before.items():  # `xs[k] = v` is no rebinding of xs: it still names the list
            if type(v) is BuiltList and v.slots in slots and name not in rebound and isinstance(self.env.get(name), Undefined):
                self.env[name] = v
        return True

    def _slots_written(self, stored: set, rebound: set) -> list:
        """The lists made by `[x] * n` here that a loop writing into `stored` names may write: those
        names bind, and every one when a name is bound inside the loop (it may be another name for one)."""
        mine = [v.slots for v in self.env.values() if type(v) is BuiltList and v.slots is not None
                and v.slots.owner is self]
        out = []
        for name in stored:
            v = self.env.get(name)
            if name in rebound or name not in self.env:
                out += mine
            elif type(v) is BuiltList and v.slots is not None and v.slots.owner is self:
                out.append(v.slots)
        return list(dict.fromkeys(out))

    def _learn_list_items(self, stmt, probes: dict, slots: list, starts=(True, False)) -> None:
        """The first item of each list (an appended one's probe, a `[None] * n`), from a scratch
        lowering of the loop's body (its ops are thrown away): with the index at the loop's start
        (`if k == 0: ... else: xs[k - 1]` takes its first branch), then, for what that did not
        reach (`if k > 0: out.append(v)`), with an index known only at run time (`starts`: which)."""
        learning = {p for p in probes.values() if p.item is None} | set(slots)
        saved, error = getattr(self, "_learning", None), None
        for at_start in (starts if isinstance(stmt, ast.For) else (False,)):
            missing = {h for h in learning if h.item is None}
            if not missing:
                return

            def first():
                self.env.update(probes)
                self._learning = set(missing)
                frame = LoopFrame(jumps=_contains_jump(stmt.body), brk="<trial break>", cont="<trial continue>")
                self.env[frame.brk] = self.env[frame.cont] = False
                if isinstance(stmt, ast.For):
                    start, _, _, bind, hint = self.iteration(stmt)
                    known = self.static_int(start)
                    bind((known if known is not None else self.value(start, stmt)) if at_start else
                         self.b.define(Value(hint), Abstract(scalar_type("int64", True), ())))
                self.lower_stmts(stmt.body, frame)
            try:
                self.trial_lowering(first)
            except Learned:
                pass
            except AdjitError as e:
                error = e
            finally:
                self._learning = saved
        for h in learning:
            if h.item is None:
                if error is not None:
                    raise error
                what = f"append to '{h.name}'" if isinstance(h, _Probe) else f"write an item of '{h.name}'"
                raise self.err(UnsupportedSyntaxError, f"the loop's body never reaches a statement that would {what}",
                               stmt, hint=_HINT)

    def _start_rows(self, stmt, name: str, probe: _Probe, grow: bool) -> _Rows:
        """The array a loop appends `name`'s items to, the initial items in its first rows."""
        initial = self.env[name]
        built = _built(initial)
        if built:
            old, first = self._rows_and_length(initial, stmt)
            items = []
        else:
            items = [self.list_accept_item(probe, *self.list_item_value(x, stmt, name), stmt) for x in initial]
            first = len(initial)
        self.at(stmt)
        count = self.value(first, stmt)
        if isinstance(stmt, ast.For):
            start, stop, step, _, _ = self.iteration(stmt)
            trips = self.b.emit("trip_count", [self.value(x, stmt) for x in (start, stop, step)])
            count = self.b.emit("add", [count, trips])
        if grow:  # room for one more row (a run-time extent from the start, as every grown array has)
            count = self.b.emit("maximum", [self.b.const(16), self.b.emit("add", [count, self.b.const(1)])])
        if built:
            rows = self._rows_from(old, first, count, probe, stmt)
        else:
            rows = self.list_rows_zeros(count, probe.item)
        for j, item in enumerate(items):  # the list's first items, as written before the loop
            rows = self.b.emit("index_update", [rows, item, self.b.const(j)], index=(("int", 2),))
            self.list_hold(rows, item)
        rows.hint = name
        keys = [self.list_hidden_name(f"_{w}_{name}") for w in ("rows", "len", "cap")]
        lst = _Rows(self, name, tuple(keys), probe, grow)
        self.env[lst.buf], self.env[lst.count] = rows, self.value(first, stmt)
        if grow:
            self.env[lst.cap] = count
        self.env[name] = BuiltList(None, name, rows=lst)
        return lst

    def _finish_rows(self, name: str, stmt) -> None:
        lst = self.env.get(name)
        if not isinstance(lst, BuiltList) or lst.rows is None:
            raise InternalCompilerError(f"the list '{name}' lost its rows after its loop")
        lst = lst.rows
        rows, n = self.env.pop(lst.buf), self.env.pop(lst.count)
        self.env.pop(lst.cap, None)
        if not isinstance(rows, Value):
            raise InternalCompilerError(f"the list '{name}' lost its array after its loop")
        rows.hint = name
        if lst.grow:  # the rows written: a run-time extent
            self.at(stmt)
            rows = self.b.emit("getitem", [rows, self.value(n, stmt)], index=(("slice", None, 1, None),))
        rows.hint = name
        self.env[name] = BuiltList(rows, name, seq=lst.seq, weak=lst.weak)

    # -- len(xs), list(xs), tuple(xs)
    def call(self, node):
        """len() of a list being filled (also before its first item); list(xs) and tuple(xs) of one
        are new lists of its items now (Python's copies); xs.pop(), xs.insert(...) ... of a list that
        is a compile-time tuple: listmethods.py."""
        if isinstance(node.func, ast.Name) and node.func.id == "dict" and self.expr(node.func) is dict or \
                isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and isinstance(node.func.value, ast.Name) \
                and type(self.env.get(node.func.value.id)).__name__ == "StructMap":
            return self.dict_call("copy" if isinstance(node.func, ast.Attribute) else dict, node)  # structures.py
        if (node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)) in (
                "defaultdict", "OrderedDict") and self.expr(node.func) in (collections.defaultdict, collections.OrderedDict):
            return self.dict_call(self.expr(node.func), node)  # defaultdict(float), OrderedDict(): structures.py
        self.slots_as_literal(node)  # stack = list(x[:3]); stack.pop()
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and (type(self.env.get(node.func.value.id)) is tuple or node.func.value.id not in self.env
                     and type(self.parsed.globals.get(node.func.value.id)) is list):  # CHAIN.index(k) of a global
            done = self.list_method_call(node)
            if done is not None or node.func.attr in ("pop", "insert", "extend", "reverse", "remove", "clear",
                                                      "append") and self.is_list(self.env.get(node.func.value.id)):
                return done
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("index", "count") \
                and isinstance(node.func.value, (ast.Call, ast.List, ast.Tuple)):  # list(D).index(k)
            done = self.list_method_call(node)
            if done is not None:
                return done
        if isinstance(node.func, ast.Name) and len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], ast.Name):
            lst = self.env.get(node.args[0].id)
            if isinstance(lst, _Probe) or type(lst) is BuiltList and (lst.slots or lst.rows) is not None:
                func = self.expr(node.func)
                if func is len:
                    if isinstance(lst, _Probe):
                        return lst.count
                    return lst.slots.length if lst.slots is not None else self.env[lst.rows.count]
                if (func is list or func is tuple) and lst.slots is not None:
                    return self.copy_of_slots(lst, func, node)
                if (func is list or func is tuple) and isinstance(lst, BuiltList):
                    self.at(node)
                    rows = lst.array
                    return BuiltList(self.b.emit("astype", [rows], dtype=rows.type.dtype), lst.name, seq=lst.seq,
                                     weak=lst.weak)
        return super().call(node)

    # -- reading
    def built_list_item(self, lst: BuiltList, node):
        """xs[k] (a row, read back as what was written) and xs[a:b] (a list of rows)."""
        if isinstance(node.slice, ast.Tuple):
            raise self.err(AdjitTypeError, f"list indices must be integers or slices, not tuple", node,
                           hint=f"index the array: np.array({lst.name})[...]")
        rows = lst.array if lst.slots is None else self.slot_rows(lst.slots, node)
        key = f"<list {lst.name}>"
        self.env[key] = rows
        try:
            out = self.subscript(ast.copy_location(ast.Subscript(value=ast.copy_location(ast.Name(key, ast.Load()), node),
                                                                 slice=node.slice, ctx=ast.Load()), node))
        finally:
            del self.env[key]
        slots = lst.slots
        if isinstance(node.slice, ast.Slice):
            return BuiltList(out, lst.name, seq=slots.seq if slots else lst.seq, weak=slots.weak if slots else lst.weak)
        return self.slot_item(lst, out, node)

    def as_list(self, x: Value, node=None) -> BuiltList:
        """list(x) of an array: its rows, as a list. Of a 1-D array of known length, a list of
        slots (slots.py: `xs[k] = v` replaces an item) holding its numbers: NumPy scalars, copies
        (a 2-D array's rows are views of it, which a later write into x changes: x's own rows)."""
        shape = self.b.aval(x).shape
        if node is None or self.b.role != "primal" or len(shape) != 1 or shape[0] is None:
            return BuiltList(x, "list(...)")
        return self.slots_of_rows(x, node)
