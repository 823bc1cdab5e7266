"""The compile-time values of structures (structures.py): a list or tuple argument's items
(StructTuple), a dict's (StructMap), an object's attributes (StructObj), what cannot be read
(Opaque), d.items()/keys()/values() (StructView), super() (SuperOf); which objects are the user's
(is_user_object) and the structure of a flattened argument's tree (build)."""
from __future__ import annotations

import sys
import types

import numpy as np

from .complexvals import ComplexPair


class StructTuple(tuple):
    """A list, tuple or NamedTuple argument (or a part of one): a Python tuple of its items, so
    a constant index, len(), unpacking and np.stack(p) work as on a tuple; `fields` names a
    NamedTuple's items."""

    def __new__(cls, items, label: str, kind: str, fields=None, klass=None):
        self = super().__new__(cls, items)
        self.label, self.kind, self.fields, self.cls = label, kind, fields, klass  # cls: a NamedTuple's class
        self.__name__ = f"the {kind} '{label}'"
        return self

    __eq__ = object.__eq__  # two structures are the same only if they are one (if/else merges)
    __ne__ = object.__ne__
    __hash__ = object.__hash__


class StructMap(tuple):
    """A dict argument: a Python tuple of its keys (iterating, `in`, len() and unpacking see the
    keys, as for a dict), its values in `items`."""

    def __new__(cls, items: dict, label: str, klass=dict):
        self = super().__new__(cls, tuple(items))
        self.items, self.label, self.kind, self.cls = items, label, "dict", klass
        self.__name__ = f"the dict '{label}'"
        return self

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


class StructObj:
    """A dataclass argument, or a bound method's self: its attributes by name; `cls` its class."""

    def __init__(self, items: dict, label: str, cls, kind: str):
        self.items, self.label, self.cls, self.kind = items, label, cls, kind
        self.__name__ = f"'{label}' (a {cls.__name__})"


class Opaque:
    """An attribute that is neither an array, a number, a str, None, a function nor a structure
    of those: reading it is the error."""

    def __init__(self, label: str, typename: str):
        self.label, self.typename = label, typename
        self.__name__ = f"'{label}' (a {typename})"


class StructView:
    """`params.items` / `.keys` / `.values` before the call: only a for loop's iterable."""

    def __init__(self, struct: StructMap, what: str):
        self.struct, self.what = struct, what
        self.__name__ = f"{struct.label}.{what}"


class SuperOf:
    """`super()` in a method of an object made in the function: attributes looked up after `cls`
    in the object's class's MRO, methods bound to the object."""

    def __init__(self, obj: StructObj, cls):
        self.obj, self.cls = obj, cls
        self.__name__ = f"super() of {obj.label}"


STRUCTS = (StructTuple, StructMap, StructObj, Opaque, StructView, SuperOf)


def is_struct(x) -> bool:
    return isinstance(x, STRUCTS)


def is_user_object(v) -> bool:
    """An instance of a class the user wrote (not a library's, a function, a class or a module):
    a global or closure one is read as a structure of its attributes (plain_value)."""
    d = getattr(v, "__dict__", None)
    if not isinstance(d, dict) or isinstance(v, (type, types.ModuleType, np.ndarray, np.generic)):
        return False
    if callable(v) and not isinstance(getattr(type(v), "__call__", None), types.FunctionType):
        return False  # a function, a partial, a builtin; an object whose class defines __call__ is one (layer(x))
    if type(v) is types.SimpleNamespace or type(v).__qualname__ == "Namespace" and type(v).__module__ == "argparse":
        return True  # a bag of settings and arrays (cfg.W, args.lr): read as a user's object is
    module = (getattr(type(v), "__module__", None) or "").split(".")[0]
    return module not in ("numpy", "scipy", "numba", "jax", "torch", "sklearn", "pandas", "builtins", "adjit") \
        and module not in getattr(sys, "stdlib_module_names", ())  # a logging.Logger is Python's, not the user's


def build(tree, leaves, label: str):
    """The compile-time structure of `tree` (runtime/trees.py) with `leaves` (an iterator of
    Values) in its leaf positions."""
    kind = tree[0]
    if kind == "leaf":
        return next(leaves)
    if kind == "complex":  # a complex argument's two real leaves: a pair (complexvals.py)
        return ComplexPair(next(leaves), next(leaves))
    if kind == "static":
        return tree[1]
    if kind == "opaque":
        return Opaque(label, tree[1])
    if kind == "dict":
        _, _, keys, children = tree
        return StructMap({k: build(c, leaves, f"{label}[{k!r}]") for k, c in zip(keys, children)}, label, tree[1])
    if kind in ("list", "tuple"):
        return StructTuple([build(c, leaves, f"{label}[{k}]") for k, c in enumerate(tree[1])], label, kind)
    if kind == "namedtuple":
        cls, children = tree[1], tree[2]
        fields = tuple(cls._fields)
        return StructTuple([build(c, leaves, f"{label}.{f}") for f, c in zip(fields, children)], label,
                           cls.__name__, fields, cls)
    _, cls, names, children = tree
    return StructObj({n: build(c, leaves, f"{label}.{n}") for n, c in zip(names, children)}, label, cls, kind)
