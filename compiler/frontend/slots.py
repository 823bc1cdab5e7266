"""Placeholder lists filled by index (issue 12): `xs = [None] * n` (or `[0.0] * n`,
`[np.zeros(d)] * n`), `xs[k] = v` in any order, reads `xs[k]`, `xs[-1]`, and `np.array(xs)`,
`np.stack(xs)`, `sum(xs)`, `len(xs)`, iteration.

A list made by `[item] * n` is a `BuiltList` with a `_Slots` state: its items are the rows of an
array of n rows, which lives in the environment of the Lowerer that made the list under a hidden
name (`key`), so that branches merge it and loops carry it as they do any array (lists.py's loop
hook adds the hidden name to what a loop that may write the list carries). `xs[k] = v` is a row
write (`index_update`), `xs[k]` a row read, so gradients flow through the in-place-write rules.
Every name bound to the list is the same Python object, so `ys = xs; ys[0] = v` changes `xs` too,
as in Python. For `[None] * n` the items' shape and dtype are learnt from the first item written
(a loop that writes the first item is lowered once into a scratch block first, lists.py); the
array is made there, marked `list=<name>` so that the sharing check (aliasing.py) can prove, on
the finished IR, that every item read was written before (slotcheck.py). Items must have one
shape and dtype; a list literal of numbers as an item is its array, read back as a tuple.

Refused with a located error: writing into the list inside a function it was passed to (the write
would not reach the caller), `xs[a:b] = ...`, `xs[k] += v` when the items are arrays (Python adds
into the array object the slot holds, which other slots or names may hold too), None as an item,
an item whose shape differs from the others'."""
from __future__ import annotations

import ast

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Abstract, Value, scalar_type
from .values import Undefined

_FILL = "make the list from an item of the right shape (`xs = [np.zeros(d)] * n`), or write its first item " \
        "before the loop or `if`"


class _Slots:
    """The state of a list made by `[item] * n`: its rows live in `owner.env[key]` (absent until
    the first item of `[None] * n` is written)."""

    def __init__(self, owner, key: str, length, name: str):
        self.owner, self.key, self.length, self.name = owner, key, length, name
        self.item: Abstract | None = None  # one item's abstract value, once known
        self.seq = None  # the items are list literals of this length (read back as tuples)
        self.weak = False  # the items are Python numbers (read back as such)


class SlotLists:
    """The Lowerer's lists made by `[item] * n` (a base of lists.ListBuilding)."""

    # -- making one
    def binop(self, optype, left, right, node):
        """`[x] * n` (one item, n an int) makes a list of n slots (a tuple's `(x,) * n` is the tuple of n
        items: Python's tuples are not written item by item). A list of slots whose length is
        known when compiled joins (`+`) or repeats (`*`) as the tuple of its items; everything else
        with lists is pyvalues.py's (Expressions.binop)."""
        from .lists import BuiltList

        if optype is ast.Mult and (type(left) is tuple) != (type(right) is tuple):
            items, count = (left, right) if type(left) is tuple else (right, left)
            if len(items) == 1 and self.is_list(items) and not isinstance(count, bool) and (
                    isinstance(count, int) or isinstance(
                    count, Value) and count.type.kind == "scalar" and count.type.dtype in ("int64", "int32")):
                return self.repeated_list(items, count, node)
        if optype in (ast.Add, ast.Mult):
            left, right = (self.slot_items(x, node) if type(x) is BuiltList and x.slots is not None
                           and isinstance(x.slots.length, int) else x for x in (left, right))
        return super().binop(optype, left, right, node)

    def slot_items(self, lst, node) -> tuple:
        """The items of a list of slots (of a length known when compiled) as a tuple: `xs + [v]`."""
        self.at(node)
        rows = self.slot_rows(lst.slots, node)
        return tuple(self.slot_item(lst, self.b.emit("getitem", [rows, self.b.const(k)], index=(("int", 1),)), node)
                     for k in range(lst.slots.length))

    def repeated_list(self, items: tuple, count, node):
        from .lists import BuiltList

        n = self.static_int(count)
        if self.b.role != "primal":
            raise self.err(UnsupportedSyntaxError, "a list made by `[x] * n` inside a custom rule is not supported",
                           node, hint="use np.zeros((n, ...)) and write its rows")
        self.at(node)
        length = max(n, 0) if n is not None else count  # (a negative run-time n: np.zeros raises, Python gives [])
        name = self._made_list_name(node)
        slots = _Slots(self, self.list_hidden_name(f"_rows_{name}"), length, name)
        lst = BuiltList(None, name, slots)
        if items[0] is not None:  # [x] * n: every slot holds x (the same object, as in Python)
            item, seq = self.list_item_value(items[0], node, name)
            self.list_accept_item(slots, item, seq, node)
            rows = self.list_rows_zeros(length, slots.item, hint=name)
            full = self.b.emit("index_update", [rows, item], index=(("slice", None, None, None),))
            full.hint = name
            self.list_hold(full, item)
            self.env[slots.key] = full
        return lst

    def list_hidden_name(self, base: str) -> str:
        """A name for the environment that no name of the user's (nor another hidden one) has."""
        taken = getattr(self, "_hidden", None)
        if taken is None:
            taken = self._hidden = set()
        name = base
        while name in taken or name in self.env or name in self.parsed.param_names \
                or name in self.parsed.globals:
            name += "_"
        taken.add(name)
        return name

    def _made_list_name(self, node) -> str:
        st = self.stmt
        if isinstance(st, ast.Assign) and st.value is node and isinstance(st.targets[0], ast.Name):
            return st.targets[0].id
        return "list"

    def list_rows_zeros(self, count, item: Abstract, hint=None, **attrs) -> Value:
        """An array of `count` rows of zeros, each of the item's shape: that shape stays known when
        count is known only at run time (zeros' rule knows no dim of a partly known shape; a
        reshape by (-1, *item shape) does)."""
        dims = [self.b.const(int(d)) for d in item.shape]
        rows = self.b.emit("zeros", [self.b.emit("tuple", [self.value(count, None)] + dims)], dtype=item.type.dtype,
                           hint=hint, **attrs)
        if dims and any(d is None for d in self.b.aval(rows).shape[1:]):
            rows = self.b.emit("reshape", [rows, self.b.emit("tuple", [self.b.const(-1)] + dims)], hint=hint)
        return rows

    # -- items
    def list_item_value(self, raw, node, name: str) -> tuple:
        """(value, seq) of an item put into a list: a number or an array; a list literal of numbers
        or same-shape arrays is its array (seq: its length, read back as a tuple)."""
        from .lists import BuiltList

        if raw is None:
            raise self.err(AdjitTypeError, f"None as an item of '{name}' is not supported", node,
                           hint="write numbers or arrays into the list")
        seq = None
        if type(raw) is tuple:
            if any(type(e) is tuple for e in raw):
                raise self.err(UnsupportedSyntaxError, f"nested lists as items of '{name}' are not supported", node,
                               hint="put np.array([...]) into the list")
            seq, v = len(raw), self._build(raw, node)  # np.array of the literal (forms/building.py)
        elif isinstance(raw, BuiltList):
            v = raw.array
        else:
            v = self.value(raw, node)
        if v.type.kind not in ("scalar", "array"):
            raise self.err(AdjitTypeError, f"the items of '{name}' must be numbers or arrays, not {v.type}", node)
        return v, seq

    def list_accept_item(self, holder, v: Value, seq, node) -> Value:
        """v as an item of the list `holder` (a _Slots or lists._Rows): the first item fixes the
        items' shape and dtype; later ones must match (a Python number is cast to the dtype)."""
        av = self.b.aval(v)
        if holder.item is None:
            if v.type.kind == "array" and any(not isinstance(d, int) for d in av.shape):
                raise self.err(ShapeError, f"the items of '{holder.name}' must have a shape known when the call is "
                               f"compiled, not {tuple(av.shape)}", node)
            dtype = v.type.dtype
            holder.item = Abstract(scalar_type(dtype) if v.type.kind == "scalar" else v.type, tuple(av.shape))
            holder.seq, holder.weak = seq, v.type.kind == "scalar" and v.type.weak
            return v
        want = holder.item
        if v.type.kind != want.type.kind or tuple(av.shape) != tuple(want.shape):
            shape = lambda a: "a number" if a.type.kind == "scalar" else f"an array of shape {tuple(a.shape)}"  # noqa: E731
            raise self.err(ShapeError, f"the items of '{holder.name}' must all have one shape: this one is {shape(av)}, "
                           f"the first was {shape(want)}", node, hint="adjit keeps a list's items as the rows of one array")
        if (seq is None) != (holder.seq is None) or seq != holder.seq:
            raise self.err(AdjitTypeError, f"the items of '{holder.name}' must be all list literals of one length or "
                           "all arrays", node, hint="put np.array([...]) into the list every time")
        if v.type.dtype != want.type.dtype:
            castable = v.type.kind == "scalar" and v.type.weak and (v.type.dtype == "bool" or want.type.dtype.startswith(
                "float") or want.type.dtype.startswith("int") and v.type.dtype.startswith("int"))
            if not castable:
                hint = "start from a float: `[0.0] * n`" if want.type.dtype.startswith("int") and \
                    v.type.dtype.startswith("float") else "cast it: x.astype(...), or float(...)"
                raise self.err(AdjitTypeError, f"the items of '{holder.name}' must all have one dtype: this one is "
                               f"{v.type.dtype}, the first was {want.type.dtype}", node, hint=hint)
            v = self.b.emit("astype", [v], dtype=want.type.dtype)
        return v

    def list_row_write(self, rows: Value, raw, item: Value, index: Value, node) -> Value:
        """rows[index] = item; a list literal of numbers (`[C, D]`) written number by number, with
        no array made for it."""
        if type(raw) is tuple and item.type.kind == "array" and item.type.rank == 1 and all(
                not isinstance(e, tuple) and self.value(e, node).type.kind == "scalar" for e in raw):
            for j, e in enumerate(raw):
                e = self.value(e, node)
                if e.type.dtype != item.type.dtype or e.type.weak:
                    e = self.b.emit("astype", [e], dtype=item.type.dtype)
                rows = self.b.emit("index_update", [rows, e, index, self.b.const(j)], index=(("int", 2), ("int", 3)))
            return rows
        return self.b.emit("index_update", [rows, item, index], index=(("int", 2),))

    def list_hold(self, new: Value, item: Value) -> None:
        """The rows of `new` hold `item` itself, as Python's list does (aliasing.py's `held`)."""
        if item.type.kind == "array":
            self.b.__dict__.setdefault("holds", {})[new.id] = item

    # -- the rows
    def slot_rows(self, slots: _Slots, node=None) -> Value:
        """The array of a list's rows as its maker's environment has it now."""
        owner = slots.owner
        v = owner.env.get(slots.key)
        node = node if node is not None else owner.stmt
        if v is None:
            raise self.err(AdjitTypeError, f"the list '{slots.name}' is used before any item is written to it (its "
                           "items would be None)", node, hint=_FILL)
        if isinstance(v, Undefined):
            raise self.err(UnsupportedSyntaxError, f"the list '{slots.name}' gets its first item in only one branch "
                           "of an `if`, so adjit cannot learn its items' shape on the other", node, hint=_FILL)
        if v.hint is None or v.hint == slots.key:
            v.hint = slots.name
        return v

    def slot_item(self, lst, row: Value, node):
        """An item read back as what was written: a tuple for list literals, a Python number's type."""
        slots = lst.slots
        seq, weak = (slots.seq, slots.weak) if slots is not None else (lst.seq, lst.weak)
        if seq is not None and row.type.kind == "array":
            self.at(node)
            return tuple(self.b.emit("getitem", [row, self.b.const(j)], index=(("int", 1),)) for j in range(seq))
        if row.type.kind == "array":  # the item, a new value: a later write into the list does not change it
            self.at(node)
            item = self.b.emit("astype", [row], dtype=row.type.dtype)
            item.hint = row.hint
            self.b.__dict__.setdefault("holds", {})[item.id] = ("item", lst.name)  # never written into (aliasing.py)
            return item
        if weak and row.type.kind == "scalar" and not row.type.weak:
            self.at(node)
            out = self.b.emit("astype", [row], dtype=row.type.dtype)
            out.type = scalar_type(row.type.dtype, True)
            self.b.avals[out.id] = Abstract(out.type, ())
            return out
        return row

    # -- writing one
    def list_item_write(self, target: ast.Subscript, val, node) -> bool:
        """`xs[k] = v` into a list made by `[item] * n` (lower.py's assign); False for anything else."""
        from .lists import BuiltList

        if not isinstance(target.value, ast.Name):
            return False
        lst = self.env.get(target.value.id)
        if type(lst).__name__ == "StructMap":  # d["k"] = v into a dict made here: structures.py
            return self.dict_item_write(target, val, node)
        if type(lst) is not BuiltList or lst.slots is None:
            return False
        slots, name = lst.slots, target.value.id
        if slots.owner is not self:
            also = f" ('{slots.name}' where it was made)" if slots.name != name else ""
            raise self.err(UnsupportedSyntaxError, f"writing into the list '{name}'{also} inside a function other than "
                           "the one that made it is not supported", target,
                           hint="return the item and write it into the list where the list was made")
        if isinstance(target.slice, (ast.Slice, ast.Tuple)):
            raise self.err(UnsupportedSyntaxError, f"only one item of the list '{name}' at a time can be written "
                           f"(`{name}[k] = v`)", target, hint="write the items in a loop")
        st = self.stmt
        if isinstance(st, ast.AugAssign) and st.target is target and slots.item is not None \
                and slots.item.type.kind == "array":
            raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(st)}` changes in place the array the list item "
                           f"holds, which other items of '{name}' (or other names) may hold too: adjit cannot "
                           "tell which arrays NumPy would change", st,
                           hint=f"write a new array: {name}[k] = {name}[k] + v")
        index = self.value(self.expr(target.slice), target.slice)
        if index.type.kind != "scalar" or index.type.dtype not in ("int64", "int32"):
            raise self.err(AdjitTypeError, f"list indices must be integers, not {index.type}", target.slice)
        item, seq = self.list_item_value(val, node, name)
        item = self.list_accept_item(slots, item, seq, node)
        self.at(target)
        rows = self.env.get(slots.key)
        if rows is None:  # the first item of [None] * n: the rows are made here (lists.py made them before a loop)
            learning = getattr(self, "_learning", None)
            if learning is not None and slots in learning:
                learning.discard(slots)
            rows = self.list_rows_zeros(slots.length, slots.item, hint=slots.name, list=name)
            if learning is not None and not learning:
                from .lists import Learned

                raise Learned()
        else:
            rows = self.slot_rows(slots, target)
        new = self.b.emit("index_update", [rows, item, index], index=(("int", 2),))  # one item (slotcheck.py)
        new.hint = slots.name
        self.list_hold(new, item)
        self.env[slots.key] = new
        return True

    def slots_of_rows(self, x: Value, node):
        """list(x) of a 1-D array of known length: a list of slots holding its numbers, which
        `xs[k] = v` replaces as Python's list does."""
        from .lists import BuiltList

        self.at(node)
        name = self._made_list_name(node)
        n = self.b.aval(x).shape[0]
        slots = _Slots(self, self.list_hidden_name(f"_rows_{name}"), n, name)
        self.list_accept_item(slots, self.b.emit("getitem", [x, self.b.const(0)], index=(("int", 1),)), None, node)
        copy = self.b.emit("astype", [x], dtype=x.type.dtype, hint=name)  # the list's own numbers, not x's buffer
        self.env[slots.key] = copy
        return BuiltList(None, name, slots)

    def copy_of_slots(self, lst, func, node):
        """list(xs) (a new list of the same items) or tuple(xs) (their values now) of a list made
        by `[x] * n`."""
        from .lists import BuiltList

        slots = lst.slots
        self.at(node)
        rows = self.slot_rows(slots, node)
        copy = self.list_rows_zeros(slots.length, slots.item, list=slots.name)
        copy = self.b.emit("index_update", [copy, rows], index=(("slice", None, None, None),))
        self.b.__dict__.setdefault("holds", {})[copy.id] = ("copy", rows)  # the same items (aliasing.py)
        if func is tuple:
            return BuiltList(copy, slots.name, seq=slots.seq, weak=slots.weak)
        name = self._made_list_name(node)
        new = _Slots(self, self.list_hidden_name(f"_rows_{name}"), slots.length, name)
        new.item, new.seq, new.weak = slots.item, slots.seq, slots.weak
        self.env[new.key] = copy
        return BuiltList(None, name, new)

