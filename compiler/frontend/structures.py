"""Structured parameters at compile time: a dict, list, tuple, NamedTuple or dataclass argument
(or a bound method's self) is flattened by the driver into leaves, each an ordinary parameter
(compiler/jit/arguments.py); here the parameter's name is bound to a compile-time structure of
those leaves' values, so that `p["W"]`, `p.W`, `p[0]`, `len(p)`, unpacking and `for item in p`
(unrolled when the call is compiled) resolve while lowering. Structures are read-only.

The tree descriptions are runtime/trees.py's nested tuples (read here, not imported: the
frontend stands below the runtime)."""
from __future__ import annotations

import ast
import collections

import numpy as np
import types
import builtins

from ..errors import AdjitError, AdjitNameError, AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .iterators import rest_of
from .parse import _contains_jump, _contains_return
from .returns import has_own_break, loaded_after, not_flag, unrolled_breaks, without_continue
from .structvalues import (STRUCTS, Opaque, StructMap, StructObj, StructTuple, StructView,  # noqa: F401
                          SuperOf, build, is_struct, is_user_object)  # (the frontend imports them from here)


def _leaf_hint(x, text: str) -> None:
    if isinstance(x, Value) and x.hint is None:
        x.hint = text


def _dataclass_default(cls, name: str):
    """A dataclass field's default as its __init__ takes it now (its __defaults__, as Python
    reads them at the call), a default_factory's product, or dataclasses.MISSING."""
    import dataclasses
    import inspect

    p = inspect.signature(cls.__init__).parameters.get(name)
    if p is None or p.default is inspect.Parameter.empty:
        return dataclasses.MISSING
    if p.default is getattr(dataclasses, "_HAS_DEFAULT_FACTORY", object()):
        return next(d.default_factory for d in dataclasses.fields(cls) if d.name == name)()
    return p.default


def _static_key(key) -> bool:
    """A dict key known when compiled: a str, a number, or a tuple of them (`counts[(w1, w2)]`)."""
    return isinstance(key, (str, bool, int, float)) or type(key) is tuple and all(_static_key(k) for k in key)


class Structures:
    """The Lowerer's half for structured parameters (subscript, attribute and for-loop hooks)."""

    def dict_display(self, node: ast.Dict):
        """`{"lr": 0.1, "W": W}`, `{**base, "k": v}`, `{k: v for ...}`: a dict of constant keys made by this
        call (subscripts, `in`, len, `.items()` loops resolve when the call is compiled; items written by
        dict_item_write)."""
        items = {}
        if isinstance(node, ast.DictComp):  # {k: v for ...}: the pairs of the list comprehension [(k, v) for ...]
            pairs = ast.copy_location(ast.ListComp(ast.copy_location(ast.Tuple([node.key, node.value], ast.Load()),
                                                                     node), node.generators), node)
            got = self.expr(pairs)
            if type(got) is not tuple and not isinstance(got, tuple):
                raise self.err(UnsupportedSyntaxError, "a dict comprehension over a sequence whose length is known "
                               "only when the function runs is not supported", node)
            for pair in got:
                key = pair[0] if isinstance(pair[0], (str, int, float, bool, tuple)) and not isinstance(pair[0], Value) \
                    else self.static(pair[0], node, "a key of a dict")
                items[key] = pair[1]
            return self.made_dict(items)  # made here: writable, as a display is
        for k, v in zip(node.keys, node.values):
            if k is None:  # {**other}
                other = self.expr(v)
                if not isinstance(other, StructMap):
                    raise self.err(AdjitTypeError, "`**` in a dict display takes a dict", v)
                items.update(other.items)
                continue
            key = self.expr(k)
            if not isinstance(key, (str, int, float, bool, tuple)) or isinstance(key, Value):
                key = self.static(key, k, "a key of a dict")
            items[key] = self.expr(v)
        return self.made_dict(items)

    def made_dict(self, items: dict, default=None) -> StructMap:
        """A dict made by this call of the function (a display, dict(d), d.copy()): its items may be
        written with keys known when compiled (dict_item_write). An item another dict keeps in a
        loop-carried name (dict_slots) is copied as its current value."""
        items = {k: self.struct_read(v, None) if type(v).__name__ == "Slot" else v for k, v in items.items()}
        d = StructMap(items, "the dict")
        d.made_by, d.default = self, default  # default: a defaultdict's factory (float, int, bool)
        return d

    def dict_call(self, func, node):
        """dict(d), dict(d, k=v), dict(k=v, ...), d.copy() of a dict of keys known when compiled: a new
        dict made here (Python's shallow copy)."""
        if func == "copy":
            if node.args or node.keywords:
                raise self.err(AdjitTypeError, "dict.copy() takes no arguments", node)
            return self.made_dict(dict(self.expr(node.func.value).items))
        default, args = None, list(node.args)
        if func is collections.defaultdict:  # defaultdict(float): a missing key reads (and adds) factory()
            default = self.expr(args.pop(0)) if args else None
            if default not in (None, float, int, bool, complex):
                raise self.err(UnsupportedSyntaxError, "defaultdict() with a factory other than float, int, bool or "
                               "complex", node, hint="give the dict its entries, or write d.get(k, 0.0)")
        if len(args) > 1 or any(isinstance(a, ast.Starred) for a in args):
            raise self.err(AdjitTypeError, "dict() takes at most one positional argument here", node)
        node = ast.copy_location(ast.Call(node.func, args, node.keywords), node)
        items = {}
        if node.args:
            src = self.expr(node.args[0])
            if isinstance(src, StructMap):
                items.update(src.items)
            elif type(src) is tuple and all(type(p) is tuple and len(p) == 2 for p in src):
                for k, v in src:
                    items[k if isinstance(k, (str, int, float, bool)) else self.static(k, node, "a key of a dict")] = v
            else:
                raise self.err(AdjitTypeError, "dict() of a dict, or of (key, value) pairs known when compiled", node)
        for kw in node.keywords:
            if kw.arg is None:
                other = self.expr(kw.value)
                if not isinstance(other, StructMap):
                    raise self.err(AdjitTypeError, "`**` in dict() takes a dict", kw.value)
                items.update(other.items)
            else:
                items[kw.arg] = self.expr(kw.value)
        return self.made_dict(items, default)

    def dict_item_write(self, target, val, node) -> bool:
        """`d["k"] = v` into a dict made by this call of the function (a display, dict(d), d.copy()):
        the name bound to a new dict with that item, the key known when compiled. Refused (located)
        where another name may hold the dict, in a loop lowered once, under an `if` decided when the
        function runs. False for a dict argument (read-only: lower.py's error)."""
        name = target.value.id
        base = self.env[name]
        if getattr(base, "made_by", None) is not self:
            if getattr(base, "made_by", None) is not None:
                raise self.err(UnsupportedSyntaxError, f"writing into the dict '{name}' inside a function other than "
                               "the one that made it (Python's caller would see the write)", target,
                               hint="return the new value and write it where the dict was made, or copy it first: "
                                    f"{name} = dict({name})")
            return False
        if isinstance(target.slice, ast.Slice):
            raise self.err(AdjitTypeError, "a dict is indexed by a key, not a slice", target)
        key = self.expr(target.slice)
        if isinstance(key, Value) or not isinstance(key, (str, int, float, bool, tuple)):
            key = self.static(key, target.slice, "a key of a dict written")
        slot = base.items.get(key)
        if type(slot).__name__ == "Slot":  # written in a loop: the loop carries the item (dict_slots)
            self._lm_changeable(name, target, f"{name}[{key!r}] = ...", paths=False, params=False)
            if isinstance(val, Value) and val.hint is None:
                val.hint = f"{name}_{key}" if isinstance(key, str) and key.isidentifier() else name
            self.env[slot.key] = val
            return True
        self._lm_changeable(name, target, f"{name}[{key!r}] = ...", params=False)
        items = dict(base.items)
        items[key] = val
        self.env[name] = self.made_dict(items, base.default)
        return True

    def dict_item_chain_write(self, target, val, node) -> bool:
        """`d["m"][i] = v`, `d["m"][1:] *= 2`, `d["a"]["m"][0] = v`: a write into the array a dict made in
        the function holds, as NumPy's (a write into that array, which another name for it sees:
        aliasing.py): `t = d["m"]; t[i] = v; d["m"] = t` (dict_item_write). False for anything else."""
        inner = target.value
        if not isinstance(inner.value, (ast.Name, ast.Subscript)) or isinstance(inner.slice, ast.Slice):
            return False
        try:
            holder = self.expr(inner.value)
        except AdjitError:
            return False
        if not isinstance(holder, StructMap) or getattr(holder, "made_by", None) is None:
            return False
        item = self.expr(inner)
        if not isinstance(item, Value) or item.type.kind != "array":
            return False
        loc = lambda n: ast.fix_missing_locations(ast.copy_location(n, target))  # noqa: E731
        new = self._through_item(item, lambda tmp: self.assign(
            loc(ast.Subscript(ast.Name(tmp, ast.Load()), target.slice, ast.Store())), val, node))
        self.assign(loc(ast.Subscript(inner.value, inner.slice, ast.Store())), new, node)
        return True

    def _through_item(self, item, write):
        """What `write(name)` leaves bound to `name`, a temporary name for the dict's array `item`
        (the write runs as it would on a plain array; the caller binds the result to the item)."""
        tmp = f"_item{id(item)}"
        self.env[tmp] = item
        try:
            write(tmp)
            return self.env[tmp]
        finally:
            self.env.pop(tmp, None)

    def dict_item_call(self, func, call, stmt) -> bool:
        """np.add.at(d["m"], idx, v), np.copyto(d["m"], v), np.fill_diagonal, np.put_along_axis, ... as
        statements on the array a dict made in the function holds (or an object's dict item): the call
        on that array, as NumPy's write into it, then the item the written array. False otherwise."""
        inplace = func is np.fill_diagonal or func is np.copyto or self.is_inplace_numpy(func) or (
            getattr(func, "__name__", None) == "at" and isinstance(getattr(func, "__self__", None), np.ufunc))
        if not inplace or not call.args or not self.dict_item_target(call.args[0]):
            return False
        item = self.expr(call.args[0])
        if not isinstance(item, Value) or item.type.kind != "array":
            return False
        loc = lambda n: ast.fix_missing_locations(ast.copy_location(n, stmt))  # noqa: E731
        new = self._through_item(item, lambda tmp: self.call_statement(
            loc(ast.Expr(ast.Call(call.func, [ast.Name(tmp, ast.Load())] + list(call.args[1:]), call.keywords)))))
        self.assign(loc(ast.Subscript(call.args[0].value, call.args[0].slice, ast.Store())), new, call)
        return True

    def plain_dict(self, d: dict, label: str):
        """A global or closure dict (a configuration): read as a dict argument is, its numbers and
        strings compile-time constants (compiled.py compiles again when one changes: guards.py)."""
        return self.plain_value(d, label)

    def plain_value(self, v, label: str):
        """A global or closure dict, list or tuple (LIGHTS = [{"pos": ..., "power": 2.0}, ...]): a
        dict read as a dict argument is, a list as a list literal (a tuple known to be a list), a
        tuple as a tuple, nested; numbers and strings are compile-time constants (guards.py)."""
        if type(v) in (dict, collections.Counter, collections.OrderedDict):  # a Counter reads 0 at a missing key
            return StructMap({k: self.plain_value(x, f"{label}[{k!r}]") for k, x in v.items()}, label, type(v))
        if type(v) is list:
            return self.mark_list(tuple(self.plain_value(x, f"{label}[{k}]") for k, x in enumerate(v)))
        if type(v) is tuple:
            return tuple(self.plain_value(x, f"{label}[{k}]") for k, x in enumerate(v))
        if isinstance(v, np.ndarray) and v.dtype.kind in "biuf" and 0 < v.size:  # an array in a global container:
            return self.compiled_constant(v, getattr(self, "stmt", None), label)  # a constant (guards.py: by value)
        if is_user_object(v):  # a module-level instance (MOLECULES = [Molecule(...), ...]): its attributes, read-only
            return self._global_object(v, label)
        return v

    def _global_object(self, v, label: str) -> StructObj:
        """A global or closure object as a structure of its attributes; one that refers back to
        an object being read (a parent link), or that adjit cannot embed (a large array), is a
        located error where it is read, not where the object is named."""
        seen = self.b.__dict__.setdefault("objects_reading", set())
        if id(v) in seen:
            return Opaque(label, f"{type(v).__name__} that refers back to an object holding it")
        seen.add(id(v))
        try:
            items = {}
            for k, x in vars(v).items():
                try:
                    items[k] = self.plain_value(x, f"{label}.{k}")
                except AdjitError as e:
                    items[k] = Opaque(f"{label}.{k}", f"value adjit cannot embed ({e.message.split(': ', 1)[-1]})")
            return StructObj(items, label, type(v), "global")
        finally:
            seen.discard(id(v))

    def struct_read(self, x, node):
        if type(x).__name__ == "Slot":  # an attribute its methods change: procedures.py
            return self.slot_value(x, node)
        if isinstance(x, Opaque):
            raise self.err(AdjitTypeError, f"{x.label} is a {x.typename}, which adjit cannot read: it reads "
                           "arrays, numbers, str, None, functions, and dicts, lists, tuples, NamedTuples and "
                           "dataclasses of them", node, hint="pass what the function needs as an argument")
        return x

    def struct_subscript(self, base, node):
        """p["W"], p[0], p[-1], p[1:]: resolved when the call is compiled."""
        sl = node.slice
        if isinstance(base, StructMap):
            key = self.expr(sl)
            if not isinstance(key, str) and not _static_key(key):
                key = self.static(key, sl, "a key of a dict argument")
            if key not in base.items and getattr(base, "default", None) is not None:  # a defaultdict's missing key
                value = base.default()  # read adds it, as Python's __missing__
                if isinstance(node.value, ast.Name) and self.env.get(node.value.id) is base:
                    self.env[node.value.id] = self.made_dict({**base.items, key: value}, base.default)
                return value
            if key not in base.items and base.cls is collections.Counter:
                return 0  # Counter.__missing__: 0, and the key is not added
            if key not in base.items:
                raise self.err(AdjitNameError, f"{base.label} has no key {key!r} (its keys: "
                               f"{', '.join(repr(k) for k in base.items)})", node)
            return self.struct_read(base.items[key], node)
        if isinstance(base, StructTuple):
            if isinstance(sl, ast.Slice):
                bounds = [None if e is None else self.static(self.expr(e), e, "a slice bound of a list argument")
                          for e in (sl.lower, sl.upper, sl.step)]
                kind = base.kind if base.fields is None else "tuple"
                return StructTuple(tuple(base)[slice(*bounds)], f"{base.label}[{ast.unparse(sl)}]", kind)
            k = self.expr(sl)
            if isinstance(k, str):
                raise self.err(AdjitTypeError, f"{base.label} is a {base.kind} argument: index it with an integer, "
                               f"not {k!r}", sl)
            if isinstance(k, Value) and self.b.aval(k).value is None:
                raise self.err(AdjitTypeError, f"{base.label} is a {base.kind} argument, indexed only with a "
                               "constant (its items may differ in shape and type)", sl,
                               hint=f"loop over it: `for item in {base.label}` is unrolled when the call is compiled")
            k = self.static(k, sl, f"an index of {base.label}")
            if not isinstance(k, int) or not -len(base) <= k < len(base):
                raise self.err(AdjitTypeError, f"index {k!r} is out of range for {base.label}, a {base.kind} "
                               f"of {len(base)}", node)
            return self.struct_read(base[k], node)
        if type(base).__name__ == "StructObj" and any("__getitem__" in vars(k) for k in base.cls.__mro__[:-1]):
            key = self.expr(sl) if not isinstance(sl, ast.Slice) else self.expr(
                ast.copy_location(ast.Call(ast.Name("slice", ast.Load()), [e or ast.Constant(None) for e in (
                    sl.lower, sl.upper, sl.step)], []), sl))
            return self.call_dunder(base, "__getitem__", node, (key,))  # obj[k] of the user's class (pybuiltins.py)
        raise self.err(AdjitTypeError, f"cannot index {base.__name__}", node)

    def struct_attribute(self, base, node):
        """p.W on a NamedTuple, a dataclass or a method's self; params.items() in a for loop."""
        attr = node.attr
        if isinstance(base, SuperOf):
            mro = base.obj.cls.__mro__
            for c in mro[mro.index(base.cls) + 1:]:
                if attr in c.__dict__ and isinstance(c.__dict__[attr], types.FunctionType):
                    method = self.bound_method(c.__dict__[attr], base.obj, node)
                    if attr == "__init__" and getattr(base.obj, "building", None):
                        self._as_init(method, base.obj)
                    return method
            raise self.err(AdjitNameError, f"{base.__name__} has no method '{attr}'", node)
        if isinstance(base, StructObj):
            if attr in base.items:
                return self.struct_read(base.items[attr], node)
            return self.class_attribute(base, attr, node)
        if isinstance(base, StructTuple) and base.fields is not None and attr in base.fields:
            return self.struct_read(base[base.fields.index(attr)], node)
        if isinstance(base, StructTuple) and base.fields is not None and attr == "_replace":  # calls.py, structout.py
            from .values import Method
            return Method("_replace", base)
        if isinstance(base, StructMap) and attr in ("items", "keys", "values"):
            return StructView(base, attr)
        if isinstance(base, StructMap) and attr == "get":  # d.get(key, default): calls.py
            from .values import Method

            return Method("get", base)
        raise self.err(AdjitNameError, f"{base.__name__} has no attribute '{attr}'", node,
                       hint="read a dict's entries as p['name']" if isinstance(base, StructMap) else None)

    def class_attribute(self, base: StructObj, attr: str, node):
        """An attribute of self's class: a number or str constant, or a method (inlined, self bound)."""
        try:
            value = getattr(base.cls, attr)
        except AttributeError:
            raise self.err(AdjitNameError, f"{base.__name__} has no attribute '{attr}'", node) from None
        if isinstance(value, (int, float, str)) or value is None:
            return value
        if isinstance(value, np.ndarray):  # self.TABLE of a class attribute array: read when the function runs
            from .captures import ClassAttributes, captured

            found = captured(self, attr, ClassAttributes.of(ClassAttributes.owner(base.cls, attr)))
            if found is not None:
                return found
        import types

        raw = next((c.__dict__[attr] for c in base.cls.__mro__ if attr in c.__dict__), None)
        if isinstance(raw, staticmethod):  # model.helper(x): no self
            return value
        if isinstance(raw, classmethod) and isinstance(raw.__func__, types.FunctionType):  # cls bound to the class
            return self.bound_method(raw.__func__, base.cls, node)
        if isinstance(value, types.FunctionType):
            return self.bound_method(value, base, node)
        if isinstance(raw, property) and isinstance(raw.fget, types.FunctionType):  # @property: its getter, inlined
            return self.inline_local(self.bound_method(raw.fget, base, node), [], {}, node)
        raise self.err(AdjitTypeError, f"{base.label}.{attr} is a {type(value).__name__}, which adjit cannot "
                       "read", node, hint="read arrays and numbers stored on the object, and call its methods")

    def bound_method(self, fn, base: StructObj, node):
        """self.helper: the method's def, inlined where it is called with self bound (closures.py)."""
        import copy

        from .parse import parse
        from .values import LocalFunction

        parsed = parse(fn, helper=True)
        fdef = copy.copy(parsed.node)
        fdef.args = copy.copy(fdef.args)
        self_name = fdef.args.args[0].arg if fdef.args.args else None
        if self_name is None:
            raise self.err(AdjitTypeError, f"{fn.__qualname__} takes no self", node)
        fdef.args.args = fdef.args.args[1:]
        names = [a.arg for a in parsed.node.args.args]
        defaults = dict(zip(names[len(names) - len(fn.__defaults__ or ()):], fn.__defaults__ or ()))
        defaults.update(fn.__kwdefaults__ or {})
        # the classes a `class` statement of the function made: a method naming one (`Base.apply(self, v)`)
        made = {n: c for n, c in getattr(self, "_local_classes", {}).items() if n not in parsed.globals}
        return LocalFunction(fdef, defaults, {**made, self_name: base}, parsed)

    def struct_as_value(self, x, node) -> None:
        """A structure used as one value: a list or tuple of ints is a shape; anything else is
        where NumPy would have converted it with np.asarray, which adjit does not do."""
        ints = ("int64", "int32")
        if isinstance(x, StructTuple) and all(isinstance(e, int) or (isinstance(e, Value) and e.type.kind == "scalar"
                                                                      and e.type.dtype in ints) for e in x):
            return
        what = x.__name__
        stmt = getattr(self, "stmt", None)
        if isinstance(node, ast.Return) or (isinstance(stmt, ast.Return) and node is stmt.value):  # the result
            raise self.err(AdjitTypeError, f"{what} is returned: a transformed function returns an array, a number, "
                           "or a tuple (or list) of them, nested; dicts, NamedTuples and dataclasses as results "
                           "are not supported yet", node, hint="return a tuple of the values, e.g. "
                           "(out['a'], out['b'])")
        raise self.err(AdjitTypeError, f"{what} is used here as one array; adjit takes NumPy arrays and numbers "
                       "where NumPy would convert a structure with np.asarray", node,
                       hint="pass np.asarray(...) as the argument, or combine its entries here (np.stack(p), "
                            "p['W'] ...)")

    # -- writes
    def instantiate(self, cls, args, kwargs, node):
        """`Springs(k, 1.0)` of a class the user wrote, made inside the function: a dataclass or a
        NamedTuple from its fields; another class by inlining its `__init__` with self bound to a
        structure its straight-line `self.name = value` statements fill (a write under an `if` or
        in a loop, or in another method, is the read-only error: compile-time attributes cannot
        follow run-time control flow). Methods are then inlined with self bound, as for a bound
        method argument."""
        import dataclasses

        label = f"a {cls.__name__}"
        if dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields")):
            fields = [f.name for f in dataclasses.fields(cls) if f.init] if dataclasses.is_dataclass(cls) \
                else list(cls._fields)
            if len(args) > len(fields):
                raise self.err(AdjitTypeError, f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were "
                               "given", node)
            items = dict(zip(fields, args))
            for k, v in kwargs.items():
                if k not in fields or k in items:
                    raise self.err(AdjitTypeError, f"{cls.__name__}() got an unexpected or repeated argument '{k}'", node)
                items[k] = v
            for f in fields:
                if f not in items:
                    default = (getattr(cls, "_field_defaults", {}).get(f, dataclasses.MISSING)
                               if not dataclasses.is_dataclass(cls) else _dataclass_default(cls, f))
                    if default is dataclasses.MISSING:
                        raise self.err(AdjitTypeError, f"{cls.__name__}() missing argument '{f}'", node)
                    items[f] = self.plain_value(default, f"{cls.__name__}().{f}")  # a factory's array: a constant
            if dataclasses.is_dataclass(cls):
                obj = StructObj(items, label, cls, "dataclass")
                self.slotify(obj)  # the fields its methods change (procedures.py)
                return obj
            return StructTuple([items[f] for f in fields], label, cls.__name__, tuple(fields), cls)
        init = cls.__dict__.get("__init__") or next((c.__dict__["__init__"] for c in cls.__mro__[1:]
                                                     if "__init__" in c.__dict__), None)
        obj = StructObj({}, label, cls, "object")
        if init is None or init is object.__init__:
            if args or kwargs:
                raise self.err(AdjitTypeError, f"{cls.__name__}() takes no arguments", node)
            return obj
        if not isinstance(init, types.FunctionType):
            raise self.err(AdjitTypeError, f"{cls.__name__} has an __init__ adjit cannot read", node,
                           hint="build the object outside the function and pass it (or its arrays) as an argument")
        func = self.bound_method(init, obj, node)
        obj.building = []
        self._as_init(func, obj)
        try:
            self.inline_local(func, args, kwargs, node)
        finally:
            obj.building = None
        self.slotify(obj)  # the attributes its methods change: names the lowering follows (procedures.py)
        return obj

    def _as_init(self, func, obj) -> None:
        """An __init__ inlined while `obj` is built: it returns a number nobody reads, and its
        top-level statements may set attributes (struct_attribute_write)."""
        done = ast.copy_location(ast.Return(value=ast.copy_location(ast.Constant(0.0), func.node)), func.node)
        func.node.body = list(func.node.body) + [done]
        obj.building.append(func.node)

    def super_of(self, node):
        """`super()` inside a method of an object made in the function (SuperOf)."""
        fn = self.parsed.fn
        first = fn.__code__.co_varnames[0] if fn.__code__.co_argcount else None  # self (bound_method drops it)
        me = self.env.get(first) if first else None
        owner = None if not isinstance(me, StructObj) else next(
            (c for c in me.cls.__mro__ if any(getattr(v, "__code__", None) is fn.__code__ for v in c.__dict__.values())),
            None)
        if owner is None:
            raise self.err(UnsupportedSyntaxError, "super() outside a method of an object adjit reads", node)
        return SuperOf(me, owner)

    def struct_attribute_write(self, target, base, val) -> None:
        """`self.k = k` at the top level of the `__init__` of an object made inside the function
        (instantiate); anything else on a structure is read-only."""
        if self.slot_attribute_write(target, base, val):  # self.n = v of a changeable attribute: procedures.py
            return
        inits = getattr(base, "building", None) or ()
        init = self.stack[-1] if self.stack and any(self.stack[-1] is i for i in inits) else None
        if init is not None and any(target in ast.walk(st) for st in init.body if isinstance(st, (ast.Assign, ast.AnnAssign))):
            base.items[target.attr] = val
            return
        raise self.struct_write_error(target, base)

    def struct_write_error(self, target, base) -> Exception:
        if getattr(base, "kind", None) == "global":
            return self.err(UnsupportedSyntaxError, f"{base.__name__} is an object made outside the function "
                            "(a global or closure value), read-only inside a differentiated function: Python "
                            "would change it for every later call", target,
                            hint="bind the new value to a local name, or make the object inside the function")
        if getattr(base, "kind", None) == "object":
            return self.err(UnsupportedSyntaxError, f"{base.__name__} is made in the function: only the straight-line "
                            "`self.name = value` statements of its __init__ set its attributes", target,
                            hint="set every attribute in __init__ (not under an if or in a loop), and bind new values "
                                 "to local names in the other methods")
        return self.err(UnsupportedSyntaxError, f"{base.__name__} is an argument, read-only inside a "
                        "differentiated function", target,
                        hint="bind the new value to a new name (W = params['W'] * 2), or build the new "
                             "structure outside the function")

    # -- for loops over structures: unrolled
    def _global_sequence(self, node) -> bool:
        """Whether the name is a global or closure list or tuple (read by plain_value)."""
        try:
            return type(self.name(node.id, node)) in (list, tuple)
        except AdjitNameError:
            return False

    def _rooted_in_struct(self, node) -> bool:
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if not isinstance(node, ast.Name):
            return False
        if node.id in self.env:
            return is_struct(self.env[node.id])
        try:
            found = self.name(node.id, node)
            return type(found) is dict or is_user_object(found)  # a global dict or object (plain_value)
        except AdjitNameError:
            return False

    def _rows_when_compiled(self, node):
        """The rows of an array of a length known when compiled (zipped with a list of records: the
        loop is unrolled), or None."""
        v = self.expr(node)
        if isinstance(v, Value) and v.type.kind == "array" and v.type.rank >= 1 and self.b.aval(v).shape[0] is not None:
            return [self.b.emit("getitem", [v, self.b.const(k)], index=(("int", 1),))
                    for k in range(self.b.aval(v).shape[0])]
        return None

    def struct_sequence(self, it):
        """The items of a loop over a structure (a list), or None when `it` is not one."""
        if (rest := rest_of(self, it)) is not None:  # `for b in it:` of it = iter(...): the items not yet taken
            return rest
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "zip", "reversed") \
                and self.name(it.func.id, it.func) is getattr(builtins, it.func.id):
            args = [a for a in it.args]
            parts = [self.struct_sequence(a) for a in args[:1 if it.func.id == "enumerate" else None]]
            if all(p is None for p in parts):
                return None
            if any(p is None for p in parts):
                numbers = all(isinstance(e, (int, float, Value)) and not isinstance(e, bool) or
                              isinstance(e, Value) and e.type.kind == "scalar" for p in parts if p is not None for e in p)
                if numbers and not any(self._rooted_in_struct(a) for a in args):
                    return None  # a list literal of numbers zipped with an array: an index loop
                parts = [p if p is not None else self._rows_when_compiled(a) for p, a in zip(parts, args)]
                if any(p is None for p in parts):
                    raise self.err(UnsupportedSyntaxError, "zip() of a structure or a list of records with something "
                                   "whose length is known only when the function runs is not supported (such a loop "
                                   "is unrolled when the call is compiled)", it)
            if it.func.id == "reversed":
                return list(reversed(parts[0]))
            if it.func.id == "zip":
                return list(zip(*parts))
            start = self.expr(args[1]) if len(args) > 1 else (self.expr(it.keywords[0].value) if it.keywords else 0)
            start = self.static(start, it, "enumerate's start")
            return [(start + k, v) for k, v in enumerate(parts[0])]
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args and not it.keywords \
                and self._rooted_in_struct(it.func.value):
            view = self.expr(it.func)
            if isinstance(view, StructView):
                items = view.struct.items
                return {"items": list(items.items()), "keys": list(items), "values": list(items.values())}[view.what]
            return None
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "sorted" \
                and self.name("sorted", it.func) is sorted:  # sorted(d) of a dict's keys, strings: unrolled
            if (keyed := self.sorted_struct_items(it)) is not None:  # sorted(d.items()) of a dict argument
                return keyed
            seq = self.expr(it)
            if type(seq) is tuple and seq and all(isinstance(e, str) or type(e) is tuple and e and isinstance(e[0], str)
                                                  for e in seq):
                return list(seq)  # (or sorted(d.items()): its (key, value) pairs)
            return None
        if isinstance(it, ast.Constant) and isinstance(it.value, str) or isinstance(it, ast.Name) and \
                isinstance(self.env.get(it.id, self.parsed.globals.get(it.id)), str):
            return list(self.expr(it))  # a string known when compiled: its characters, unrolled
        if isinstance(it, (ast.List, ast.Tuple)) or isinstance(it, ast.Name) and (
                type(self.env.get(it.id)) is tuple or it.id not in self.env and self._global_sequence(it)):
            return list(self.expr(it))  # a list or tuple built in the function: unrolled like a structure
        if isinstance(it, ast.Subscript) and isinstance(it.slice, ast.Slice) and isinstance(it.value, ast.Name) and \
                type(self.env.get(it.value.id)) is tuple and type(seq := self.expr(it)) is tuple:
            return list(seq)  # `for W, b in params[:-1]:` of a list built here: its items, as the list's own
        if isinstance(it, (ast.Name, ast.Attribute, ast.Subscript)) and self._rooted_in_struct(it):
            seq = self.expr(it)
            if isinstance(seq, StructMap):
                return list(seq.items)
            if isinstance(seq, StructTuple) or type(seq) is tuple:  # self.bonds: a list the object holds
                return list(seq)
        return None

    def struct_for(self, stmt: ast.For) -> bool:
        """`for W, b in layers:` over a structure argument: the body lowered once per item, when the
        call is compiled (the items may differ in shape and type). False when not over one."""
        items = self.struct_sequence(stmt.iter)
        if items is None:
            return False
        body = stmt.body
        if _contains_jump(body) and not has_own_break(body) and not _contains_return(body) and not stmt.orelse:
            body = without_continue(body)  # `if c: continue` then `rest`: `if c: pass else: rest` (returns.py)
        brk = None  # its own breaks (a return's too: returns.py) as a flag guarding what follows (returns.py)
        if has_own_break(body) and not _contains_return(body) and not stmt.orelse and not {
                n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)} & loaded_after(self.parsed.node, stmt):
            self._unrolled = getattr(self, "_unrolled", 0) + 1
            brk, body = f"_broke_unrolled{self._unrolled}", unrolled_breaks(body, f"_broke_unrolled{self._unrolled}")
            self.env[brk] = False
        if _contains_jump(body) or _contains_return(body) or stmt.orelse:
            raise self.err(UnsupportedSyntaxError, "a loop over a list, a tuple or a structure argument is unrolled "
                           "when the call is compiled: break, return and else inside it are not supported", stmt,
                           hint="loop over range(...) and index arrays, or move the return after the loop")
        unrolled = self.__dict__.setdefault("unrolled_fors", [])
        unrolled.append(stmt if body is stmt.body and brk is None else None)  # (procedures.init_dict_item_write)
        try:
            for k, item in enumerate(items):
                self.stmt = stmt
                self.at(stmt)
                for x in self.struct_read_all(item, stmt.iter):
                    pass
                self.assign(stmt.target, item, stmt.target)
                self.lower_stmts(body if brk is None or k == 0 else [not_flag(brk, body, stmt)], None)
        finally:
            unrolled.pop()
        return True

    def struct_read_all(self, item, node):
        if isinstance(item, tuple) and not isinstance(item, (StructTuple, StructMap)):
            for x in item:
                yield self.struct_read(x, node)
        else:
            yield self.struct_read(item, node)
