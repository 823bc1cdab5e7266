"""Procedures: helpers and methods that change arrays in place and return nothing, called as
statements (`table.update(a, b, beta)`, `bump(y, k, v)`), as NumPy runs them.

Python passes objects: a helper that writes into an array it is given (`x[k] += v`, `x += v`,
np.add.at(x, ...)) or into an attribute of an object (`self.mu[i] = v`, `self.sigma2 = new`,
`self.count += 1`) changes what its caller sees. adjit's arrays are values, so the frontend follows
the objects instead:

- An object made in the function (a class the user wrote, built by inlining its `__init__`,
  structures.py) whose class changes attributes outside `__init__` keeps those attributes in
  hidden names of the lowering environment (a `Slot` in the object stands for each): a write is a
  write of that name, so `if` branches merge it and loops carry it like any variable. An inlined
  call receives the caller's current values and hands its final values back (copy in, copy out).
- A helper's parameter written in place and never rebound hands its final value back to the
  caller's name (or the object's attribute) it was given, as a write into that array (so a view
  of it read later is the located aliasing error, aliasing.py); given anything else that other
  names may see (a slice, a view), the write is a located error.
- A helper with no `return <value>` is lowered as a procedure: a bare `return` ends it (the rest
  of its body moves into the `else` of the `if` it stands in); a `return` inside a loop of a
  procedure is a located error.
"""
from __future__ import annotations

import ast
import copy
import re

from ..errors import AdjitError, AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value

_IN_PLACE_CALLS = ("fill_diagonal", "copyto", "at", "sort", "fill")


class Slot:
    """An attribute of an object made in the function that its methods may change: its value is
    the lowering environment's `key`."""

    def __init__(self, key: str, attr: str):
        self.key, self.attr = key, attr


def _written_attrs(cls) -> set:
    """The attribute names any method of `cls` (but __init__) writes (`x.a = v`, `x.a[i] = v`,
    `x.a += v`), read from their source; None when a source cannot be read."""
    import inspect
    import textwrap
    import types

    out: set = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, fn in vars(klass).items():
            if not isinstance(fn, types.FunctionType) or name.startswith("__") and name.endswith("__") \
                    and name != "__call__":  # __init__ builds it; a dataclass's __eq__, __repr__ have no source
                continue
            try:
                node = ast.parse(textwrap.dedent(inspect.getsource(fn.__code__)))
            except (OSError, TypeError, SyntaxError):
                return None
            out |= _stored_attrs(node)
    return out


def _stored_attrs(node) -> set:
    out = set()
    for n in ast.walk(node):
        t = n
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store):
            while isinstance(t, ast.Subscript):
                t = t.value
        if isinstance(t, ast.Attribute) and (isinstance(n.ctx, ast.Store) if hasattr(n, "ctx") else False):
            out.add(t.attr)
        if isinstance(n, ast.AugAssign):
            t = n.target
            while isinstance(t, ast.Subscript):
                t = t.value
            if isinstance(t, ast.Attribute):
                out.add(t.attr)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _IN_PLACE_CALLS + (
                "put_along_axis", "putmask", "place"):  # np.add.at(self.state["m"], i, v), self.x[0].sort()
            t = n.func.value if n.func.attr in ("sort", "fill") else n.args[0] if n.args else None
            while isinstance(t, ast.Subscript):
                t = t.value
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
                out.add(t.attr)
    return out


def is_procedure(body: list) -> bool:
    """No `return <value>` anywhere in the body (nested functions aside)."""
    def walk(n):
        yield n
        if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            return
        for c in ast.iter_child_nodes(n):
            yield from walk(c)

    return not any(isinstance(n, ast.Return) and n.value is not None and not (
        isinstance(n.value, ast.Constant) and n.value.value is None) for st in body for n in walk(st))


def _closure_writes(fdef) -> set:
    """Names a nested def writes into (`y[i] = v`, `y[i] += v`) without binding them: the
    enclosing function's arrays, as Python finds them."""
    from .parse import assigned_names

    params = {a.arg for a in ast.walk(fdef.args) if isinstance(a, ast.arg)}
    bound = set(params)
    written = set()
    for n in ast.walk(fdef):
        if n is fdef:
            continue
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(
            n, (ast.AnnAssign, ast.AugAssign, ast.For, ast.NamedExpr)) else []
        for t in targets:
            if isinstance(t, ast.Name):
                bound.add(t.id)
            elif isinstance(t, (ast.Tuple, ast.List)):
                bound |= {m.id for m in ast.walk(t) if isinstance(m, ast.Name)}
    written = assigned_names(fdef.body) - bound
    return written


def _inplace_params(fdef) -> set:
    """The parameters a def writes into in place (`x[k] = v`, `x[k] += v`, `x += v`, np.add.at(x, ...))."""
    params = {a.arg for a in fdef.args.args + fdef.args.kwonlyargs}
    out = set()
    for n in ast.walk(fdef):
        t = n.target if isinstance(n, ast.AugAssign) else None
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) or t is not None:
            r = t if t is not None else n
            while isinstance(r, ast.Subscript):
                r = r.value
            if isinstance(r, ast.Name):
                out.add(r.id)
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and \
                isinstance(n.func, ast.Attribute) and n.func.attr in _IN_PLACE_CALLS:
            out.add(n.args[0].id)
    return out & params


def _is_slot(k) -> bool:
    return isinstance(k, str) and k.startswith("<") and ">." in k and "@" in k


def _argument_for(p: str, positional: list, call: ast.Call):
    """The argument expression of `call` bound to the callee's parameter p, or None (a default)."""
    for k in call.keywords:
        if k.arg == p:
            return k.value
    if p not in positional or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    pos = positional.index(p)
    return call.args[pos] if pos < len(call.args) else None


def _held_slot_keys(v, depth: int = 0) -> list:
    """The slots of an object, or of the objects a list, tuple or dict holds (`combs = [Comb(d, g) for
    ...]`, then `for c in combs: c.process(x)` in a loop: the loop carries every comb's slots)."""
    keys = list(getattr(v, "slot_keys", None) or ())
    if depth < 3 and isinstance(v, (tuple, list)):
        for item in (getattr(v, "items", {}).values() if type(v).__name__ == "StructMap" else v):
            keys += _held_slot_keys(item, depth + 1)
    return keys


def _has_return(st) -> bool:
    return any(isinstance(n, ast.Return) for n in ast.walk(st))


class Procedures:
    """The Lowerer's procedures and changeable objects (module docstring)."""

    # -- objects whose attributes change
    def slotify(self, obj) -> None:
        """After an object's __init__: the attributes its methods may change become slots."""
        attrs = _written_attrs(obj.cls)
        if attrs is None or not attrs:
            return
        held = []
        for attr, v in list(obj.items.items()):
            if attr in attrs and (isinstance(v, Value) or isinstance(v, (int, float)) and not isinstance(v, bool)):
                key = f"<{obj.cls.__name__}@{id(obj):x}>.{attr}"
                self.env[key] = v
                obj.items[attr] = Slot(key, attr)
            elif attr in attrs and type(v).__name__ == "StructMap" and getattr(v, "made_by", None) is not None:
                held += self._slotify_dict(obj, attr, v)  # self.state["mean"] = v in a method
        obj.changeable = attrs
        obj.slot_keys = [s.key for s in obj.items.values() if isinstance(s, Slot)] + held

    def _slotify_dict(self, obj, attr: str, d) -> list:
        """A dict made in the function, held by an attribute its methods write into (`self.state["m"] =
        v`): each item holding a number or an array becomes a slot (the dict's items, so every name for
        the dict reads the current value, as Python's shared dict). Returns the hidden names."""
        keys = []
        for k, v in list(d.items.items()):
            if isinstance(v, Value) or isinstance(v, (int, float)) and not isinstance(v, bool):
                key = f"<{obj.cls.__name__}@{id(obj):x}>.{attr}[{k!r}]"
                self.env[key] = v
                d.items[k] = Slot(key, f"{attr}[{k!r}]")
                keys.append(key)
        d.slot_keys = getattr(d, "slot_keys", []) + keys
        # with the items another object holding the same dict made slots first (its loops carry them too)
        return list(dict.fromkeys(keys + [v.key for v in d.items.values() if isinstance(v, Slot)]))

    def slot_value(self, slot: Slot, node):
        if slot.key not in self.env:
            raise self.err(UnsupportedSyntaxError, f"the attribute '{slot.attr}' of an object whose methods change it "
                           "is read where adjit does not follow the object (a function made before the object, a "
                           "comprehension, a lambda)", node, hint="pass the attribute's value as an argument")
        return self.env[slot.key]

    def _slot_of(self, node):
        """The Slot `obj.attr` (an ast.Attribute) names, or None."""
        if not isinstance(node, ast.Attribute):
            return None
        try:
            base = self.expr(node.value)
        except AdjitError:
            return None
        items = getattr(base, "items", None)
        if type(base).__name__ != "StructObj" or not isinstance(items, dict):
            return None
        s = items.get(node.attr)
        return s if isinstance(s, Slot) else None

    def slot_target(self, target, val):
        """`obj.attr[i] = v` of a changeable attribute: the write of its hidden name, else target; None
        when written here (`self.state["m"] = v`: init_dict_item_write, or the dict item's slot)."""
        if self.init_dict_item_write(target, val):
            return None
        base = target
        chain = []
        while isinstance(base, ast.Subscript):
            chain.append(base)
            base = base.value
        slot = self._slot_of(base)
        if slot is None and chain:  # obj.d["k"] = v, obj.d["k"][i] = v: an item of a dict the object holds
            slot = self._dict_item_slot(base, chain.pop())
        if slot is None:
            return target
        if not chain:  # self.state["m"] = v: the item's hidden name
            return self.slot_item_write(slot.key, val)
        new = ast.copy_location(ast.Name(slot.key, ast.Load()), base)
        for sub in reversed(chain):
            new = ast.copy_location(ast.Subscript(value=new, slice=sub.slice, ctx=sub.ctx), sub)
        return new

    def _dict_item_slot(self, base, sub):
        """The Slot of `obj.attr[key]` (key a constant) for a dict made in the function (_slotify_dict),
        or None; a key the dict does not hold, a located error (a new key: Python's dict grows)."""
        if not isinstance(base, ast.Attribute) or isinstance(sub.slice, ast.Slice):
            return None
        try:
            d = self.expr(base)
        except AdjitError:
            return None
        if type(d).__name__ != "StructMap":
            return None
        key = self.expr(sub.slice)
        if isinstance(key, Value) or not isinstance(key, (str, int, float, bool, tuple)):
            key = self.static(key, sub.slice, "a key of a dict written")
        if not getattr(d, "slot_keys", None):
            raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(sub)} = ...` writes into a dict an attribute holds: "
                           "adjit follows such writes in the methods of an object made in the function (outside "
                           "__init__), and in the straight-line statements (or loops unrolled when compiled) of the __init__ that "
                           "made the dict, not under an `if` decided when the function runs",
                           sub, hint=f"in __init__, make the dict with all its items at once ({ast.unparse(base)} = "
                                     f"{{{key!r}: ..., ...}}, or a dict comprehension); elsewhere, write it in a "
                                     "method of the object")
        item = d.items.get(key)
        if item is None:
            raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(sub)} = ...` adds the key {key!r} to a dict an "
                           "object holds: adjit follows writes of the keys it had when the object was made", sub,
                           hint=f"give the dict every key in __init__ ({base.attr} = {{..., {key!r}: 0.0}})")
        return item if isinstance(item, Slot) else None

    def init_dict_item_write(self, target, val) -> bool:
        """`self.state["m"] = v` at the top level of the `__init__` building the object, into a dict made
        in that `__init__` (`self.state = {}` before): the dict's item, as Python's dict, one object for
        every name holding it (a straight-line statement of the one lowering of this __init__)."""
        attr = target.value
        if not (isinstance(attr, ast.Attribute) and isinstance(attr.value, ast.Name)) or \
                isinstance(target.slice, ast.Slice) or not self.stack:
            return False
        obj = self.env.get(attr.value.id)
        init = self.stack[-1]
        if not any(init is i for i in (getattr(obj, "building", None) or ())) or not self._straight_line(init.body,
                                                                                                        target):
            return False
        d = obj.items.get(attr.attr)
        if type(d).__name__ != "StructMap" or getattr(d, "made_by", None) is not self:
            return False
        key = self.expr(target.slice)
        if isinstance(key, Value) or not isinstance(key, (str, int, float, bool, tuple)):
            key = self.static(key, target.slice, "a key of a dict written")
        item = d.items.get(key)
        if isinstance(item, Slot):  # an item a loop of this __init__ carried (staticloops.dict_slots)
            self.env[item.key] = val
        else:
            d.items[key] = val
        return True

    def _straight_line(self, body: list, target) -> bool:
        """Whether target is in an assignment at the top level of body, or of a `for` in it that is
        being unrolled (each copy lowered in turn, staticloops/structures), nested so."""
        unrolled = [f for f in self.__dict__.get("unrolled_fors", ()) if f is not None]
        for st in body:
            if isinstance(st, (ast.Assign, ast.AnnAssign)) and any(target is n for n in ast.walk(st)):
                return True
            if isinstance(st, ast.For) and any(st is f for f in unrolled) and self._straight_line(st.body, target):
                return True
        return False

    def slot_item_write(self, key: str, val) -> None:
        """`obj.d["k"] = v`: the hidden name of that dict item (_dict_item_slot)."""
        if isinstance(val, Value) and val.hint is None:
            val.hint = "_".join(w for w in re.split(r"\W+", key.rsplit(".", 1)[-1]) if w) or None
        self.env[key] = val

    def slot_attribute_write(self, target, base, val) -> bool:
        """`obj.attr = v` of a changeable attribute (outside __init__ too): True when written."""
        s = base.items.get(target.attr) if isinstance(getattr(base, "items", None), dict) else None
        if not isinstance(s, Slot):
            return False
        if isinstance(val, Value) and val.hint is None:
            val.hint = target.attr
        self.env[s.key] = val
        return True

    # -- loops carry the slots and the arrays helpers may write into
    def loop_carried(self, body: list, extra: tuple = ()) -> list:
        slots = tuple(k for k in self._objects_slots(body) if k in self.env and (isinstance(self.env[k], Value) or
                      isinstance(self.env[k], (int, float)) and not isinstance(self.env[k], bool)))
        return super().loop_carried(body, tuple(extra) + slots + self._passed_to_helpers(body))

    def _objects_slots(self, body: list) -> list:
        """The slots of the objects the loop body names (or a def it calls names): what it may change."""
        from .values import LocalFunction

        names = {n.id for st in body for n in ast.walk(st) if isinstance(n, ast.Name)}
        for n in list(names):
            f = self.env.get(n)
            if isinstance(f, LocalFunction):  # a def of ours reading an object: one level
                names |= {m.id for m in ast.walk(f.node) if isinstance(m, ast.Name)}
                names |= {k for k, v in f.env.items() if hasattr(v, "slot_keys")} if isinstance(f.env, dict) else set()
        out = []
        for n in names:
            out.extend(_held_slot_keys(self.env.get(n)))
        return out

    def _passed_to_helpers(self, body: list) -> tuple:
        """Arrays the loop body passes (by name) to a helper, method or def of the user's that
        writes into that parameter in place (read from its source); a write adjit does not see
        this way is the located error of _check_followed."""
        import types

        from .expressions import _library
        from .values import LocalFunction

        out = []
        for st in body:
            for n in ast.walk(st):
                if not isinstance(n, ast.Call) or not isinstance(n.func, (ast.Name, ast.Attribute)):
                    continue
                try:
                    func = self.b.into([], lambda n=n: self.expr(n.func))
                except Exception:  # noqa: BLE001 - a name bound only inside the loop: not followed here
                    continue
                if isinstance(func, LocalFunction):
                    fdef = func.node
                    out.extend(m for m in _closure_writes(fdef) if isinstance(self.env.get(m), Value))
                elif isinstance(func, types.FunctionType) and not _library(func):
                    try:
                        from .parse import parse

                        fdef = parse(func, helper=True).node
                    except AdjitError:
                        continue
                else:
                    continue
                written = _inplace_params(fdef)
                positional = [a.arg for a in fdef.args.args]
                for p in written:
                    arg = _argument_for(p, positional, n)
                    if isinstance(arg, ast.Name) and isinstance(self.env.get(arg.id), Value):
                        out.append(arg.id)
        return tuple(out)

    def lower_for(self, stmt) -> None:
        before = dict(self.env)
        super().lower_for(stmt)
        self._check_followed(before, stmt)

    def lower_while(self, stmt, counter=None) -> None:
        before = dict(self.env)
        super().lower_while(stmt, counter)
        self._check_followed(before, stmt)

    def _check_followed(self, before: dict, stmt) -> None:
        """A value the loop's body changed (a helper's write into an argument, an object's
        attribute) that the loop did not carry: a located error, never the value before it."""
        body = getattr(self, "last_body_env", None) or {}
        for k, v in before.items():
            if isinstance(v, Value) and self.env.get(k) is v and k in body and body[k] is not v \
                    and isinstance(body[k], Value):
                what = f"the attribute '{k.split('.')[-1]}' of an object" if _is_slot(k) else f"'{k}'"
                raise self.err(UnsupportedSyntaxError, f"this loop changes {what} through a call or a view adjit "
                               "does not follow around the loop", stmt,
                               hint="assign the new value in the loop (x = helper(x)), call the helper by its name "
                                    "with the array's name as the argument, or write through the array's own name "
                                    "(B[i] *= 2 for a view r = B[i] read after the loop)")

    # -- calls: copy in, copy out
    def inline(self, func, args, kwargs, node):
        outer = self._calling()
        try:
            result = super().inline(func, args, kwargs, node)
        finally:
            out = self._returned(outer)
        return self._called(out, result, node)

    def inline_local(self, func, args, kwargs, node):
        here = func.env is self.env or func.parsed is self.parsed  # a def of this function: its names are ours
        outer = self._calling(_closure_writes(func.node) & set(self.env) if here else ())
        try:
            result = super().inline_local(func, args, kwargs, node)
        finally:
            out = self._returned(outer)
        return self._called(out, result, node)

    def _calling(self, shared=()):
        """Before an inlined call: the caller's slots for the callee's body (procedure_entry), and
        `shared`: the caller's arrays a def of its own writes into (`y[i] = v`, y not rebound)."""
        state = self.b.__dict__
        outer = state.get("slots_in")
        state["slots_in"] = {k: v for k, v in self.env.items() if _is_slot(k) or k in shared}
        return outer

    def _returned(self, outer):
        state = self.b.__dict__
        out = state.pop("slots_out", None)
        state.pop("slots_in", None)
        if outer is not None:
            state["slots_in"] = outer
        return out

    def _called(self, out, result, node):
        """After it: the callee's slots and the arrays it wrote in place, the caller's."""
        if out is not None:
            slots, params, positional = out
            self.env.update(slots)
            self._write_back(params, positional, node)
        return result

    def procedure_entry(self, body: list) -> bool:
        """At the start of an inlined body: the caller's slots (True when this is such a body)."""
        pending = self.b.__dict__.pop("slots_in", None)
        if pending is None:
            return False
        if not is_procedure(body):
            bare = next((n for st in body for n in ast.walk(st) if isinstance(n, ast.Return) and n.value is None),
                        None)
            if bare is not None:
                raise self.err(AdjitTypeError, "this helper returns a value on some paths and None on others",
                               bare, hint="return a value on every path (or none on any)")
        self.env.update(pending)
        self._shared = [k for k in pending if not _is_slot(k)]
        self._param_values = {p: self.env.get(p) for p in self.parsed.param_names}
        return True

    def procedure_exit(self) -> None:
        """At the end of an inlined body: its slots and the arguments it wrote in place."""
        slots = {k: v for k, v in self.env.items() if _is_slot(k) or k in getattr(self, "_shared", ())}
        positional = [a.arg for a in self.parsed.node.args.args]
        self.b.__dict__["slots_out"] = (slots, self._written_params(), positional)

    def _written_params(self) -> dict:
        """param -> (its value when called, its final value) for arrays written in place."""
        node = self.parsed.node
        inplace, rebound = set(), {}
        for n in ast.walk(node):
            if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.NamedExpr)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                for t in targets:
                    for m in ast.walk(t):
                        if isinstance(m, ast.Subscript) and isinstance(m.ctx, ast.Store):
                            r = m
                            while isinstance(r, ast.Subscript):
                                r = r.value
                            if isinstance(r, ast.Name):
                                inplace.add(r.id)
                    if isinstance(t, ast.Name):
                        (inplace.add(t.id) if isinstance(n, ast.AugAssign) else rebound.setdefault(t.id, n))
                    elif isinstance(t, (ast.Tuple, ast.List)):
                        for m in ast.walk(t):
                            if isinstance(m, ast.Name):
                                rebound.setdefault(m.id, n)
            if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and (
                    isinstance(n.func, ast.Attribute) and n.func.attr in _IN_PLACE_CALLS):
                inplace.add(n.args[0].id)  # np.fill_diagonal(x, v), np.add.at(x, i, v)
        out = {}
        for p, v0 in getattr(self, "_param_values", {}).items():
            if not isinstance(v0, Value) or v0.type.kind != "array":
                continue
            v1 = self.env.get(p)
            if v1 is v0 or not isinstance(v1, Value):
                continue  # (changed and never rebound: written in place, here or by a helper it passed p to)
            if p in rebound and p not in inplace:
                continue  # a new array under the name: the caller's is untouched
            if p in rebound:
                raise self.err(UnsupportedSyntaxError, f"'{p}' is written into in place (which the caller's array "
                               "would see) and also rebound in this helper: which of its writes reach the caller "
                               "depends on their order", rebound[p],
                               hint=f"copy it first under another name ({p}_new = {p}.copy()) and return that")
            out[p] = (v0, v1)
        return out

    def _write_back(self, params: dict, positional: list, node) -> None:
        """The caller's names (or attributes) given the arrays a helper wrote in place: the written values."""
        if not params:
            return
        if not isinstance(node, ast.Call):
            raise self.err(UnsupportedSyntaxError, "a helper that writes into an array it is given, called "
                           "here, is not followed by adjit", node, hint="return the new array and assign it")
        for p, (v0, v1) in params.items():
            arg = _argument_for(p, positional, node)
            if arg is None:
                continue  # a default: nobody else holds it
            slot = self._slot_of(arg) if isinstance(arg, ast.Attribute) else None
            if isinstance(arg, ast.Name) and self.env.get(arg.id) is v0:
                new = self._written(v0, v1, node)
                new.hint = arg.id
                self.env[arg.id] = new
            elif slot is not None and self.env.get(slot.key) is v0:
                new = self._written(v0, v1, node)
                new.hint = slot.attr
                self.env[slot.key] = new
            elif isinstance(arg, (ast.Call, ast.BinOp, ast.UnaryOp, ast.List, ast.Tuple)) and not (
                    isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                    and arg.func.attr in ("reshape", "ravel", "view", "transpose", "swapaxes", "squeeze")):
                continue  # a new array made for the call: nobody else sees the write
            else:
                raise self.err(UnsupportedSyntaxError, f"this call writes into the array it passes as '{p}' "
                               f"(`{ast.unparse(arg)}`), which other names may share (a slice, a view, an attribute "
                               "adjit does not follow)", arg,
                               hint="bind the array to a name first, pass the name, and use the name after the call")

    def _written(self, v0: Value, v1: Value, node) -> Value:
        """The caller's array after the helper's writes: v1, which lives in v0's buffer (an in-place
        write's result: aliasing.py follows every other name for v0 from there)."""
        return v1

    # -- procedure bodies
    def procedure_body(self, body: list) -> list:
        """The body with its bare `return`s removed: what follows an `if` that may return moves
        into its branches."""
        out = []
        for k, st in enumerate(body):
            if isinstance(st, ast.Return):
                return out
            if isinstance(st, ast.If) and _has_return(st):
                rest = body[k + 1:]
                new = copy.copy(st)
                new.body = self.procedure_body(list(st.body) + rest) or [ast.copy_location(ast.Pass(), st)]
                new.orelse = self.procedure_body(list(st.orelse) + rest)
                out.append(new)
                return out
            if isinstance(st, (ast.For, ast.While)) and _has_return(st):
                raise self.err(UnsupportedSyntaxError, "`return` inside a loop of a helper that returns no value",
                               st, hint="use `break` (and a flag), or return a value")
            out.append(st)
        return out

    # -- statements that call a helper for what it does
    def call_statement(self, stmt: ast.Expr) -> None:
        from .values import LocalFunction
        import types

        from .expressions import _library

        call = stmt.value
        try:
            func = self.expr(call.func)
        except AdjitError:
            func = None
        if isinstance(func, LocalFunction) or isinstance(func, types.FunctionType) and not _library(func):
            self.expr(call)  # inlined: its writes reach the caller (copy out); its result unused
            return None
        return super().call_statement(stmt)
