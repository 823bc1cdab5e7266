"""Structured arguments (JAX's pytrees): dicts, lists, tuples, NamedTuples and dataclasses,
nested, of arrays and numbers. `flatten` splits one into its leaves (arrays and numbers, in a
fixed order) and a tree description that is hashable (part of a specialization key: types, keys,
field names, lengths); `unflatten` puts leaves back into that shape.

A tree description is a nested tuple:
  ("leaf",)                          an array or a number
  ("static", value)                  a str, None or a function: read at compile time, no leaf
  ("opaque", type name)              anything else (inside an object): an error where it is read
  ("dict", type, keys, children)     ("list", children)   ("tuple", children)
  ("namedtuple", cls, children)      ("dataclass", cls, names, children)
  ("object", cls, names, children)   a plain object's attributes (the self of a bound method)
  ("complex", dtype name)            a complex array or number: two float leaves, its real and
                                     imaginary parts (the compiler computes with complex values as
                                     pairs of real ones: compiler/frontend/complexvals.py)
"""
from __future__ import annotations

import dataclasses
import types
from collections import OrderedDict

import numpy as np

LEAF = ("leaf",)
_STATIC_TYPES = (str, type(None), types.FunctionType, types.BuiltinFunctionType, np.ufunc, type)


def is_leaf(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic, bool, int, float))


def is_complex(x) -> bool:
    """A complex array or number: an argument adjit splits into its real and imaginary parts."""
    return isinstance(x, complex) or isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "c"


def is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_structure(x) -> bool:
    """A container adjit flattens: dict, list, tuple (NamedTuple included) or dataclass instance."""
    return isinstance(x, (dict, list, tuple)) or (dataclasses.is_dataclass(x) and not isinstance(x, type))


def holds_arrays(x) -> bool:
    """A structure with an array somewhere inside (a list of numbers is not one, for the
    training tools: their flat containers hold arrays only)."""
    if isinstance(x, np.ndarray):
        return True
    if isinstance(x, dict):
        return any(holds_arrays(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(holds_arrays(v) for v in x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return any(holds_arrays(getattr(x, f.name)) for f in dataclasses.fields(x))
    return False


def _object_names(x, only=None) -> list:
    names = [n for n in vars(x) if not n.startswith("__")]
    return [n for n in names if only is None or n in only]


def flatten(x, objects: bool = False, only=None, _seen=None):
    """(leaves, tree, paths): the leaves of x in order, its tree description, and each leaf's path
    (a tuple of keys, indices and ("attr", name) entries). objects=True also reads a plain
    object's attributes (those in `only` at the top, when given); what cannot be read becomes an
    opaque node."""
    leaves, paths = [], []
    tree = _flatten(x, (), leaves, paths, objects, only, set() if _seen is None else _seen, 0)
    return leaves, tree, paths


def _flatten(x, path, leaves, paths, objects, only, seen, depth):
    if is_complex(x):  # two float leaves, contiguous copies of the parts
        part = np.float32 if np.asarray(x).dtype == np.complex64 else np.float64
        for k, p in enumerate(("real", "imag")):
            v = np.ascontiguousarray(getattr(np.asarray(x), p), dtype=part)
            leaves.append(v if v.ndim else (float(v) if isinstance(x, complex) else part(v)))
            paths.append(path + (("attr", p),))
        return ("complex", np.asarray(x).dtype.name)
    if is_leaf(x):
        leaves.append(x)
        paths.append(path)
        return LEAF
    if isinstance(x, _STATIC_TYPES):
        return ("static", x)
    if depth > 32 or id(x) in seen:
        return ("opaque", type(x).__name__)
    seen = seen | {id(x)}
    rec = lambda v, p: _flatten(v, path + (p,), leaves, paths, objects, None, seen, depth + 1)  # noqa: E731
    if isinstance(x, dict):
        keys = tuple(x)
        return ("dict", type(x), keys, tuple(rec(x[k], k) for k in keys))
    if is_namedtuple(x):
        return ("namedtuple", type(x), tuple(rec(v, ("attr", f)) for f, v in zip(type(x)._fields, x)))
    if isinstance(x, (list, tuple)):
        return ("list" if isinstance(x, list) else "tuple", tuple(rec(v, k) for k, v in enumerate(x)))
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        names = tuple(f.name for f in dataclasses.fields(x) if only is None or f.name in only)
        return ("dataclass", type(x), names, tuple(rec(getattr(x, n), ("attr", n)) for n in names))
    if objects and hasattr(x, "__dict__") and not isinstance(x, types.ModuleType) \
            and (type(x).__module__ or "").split(".")[0] not in ("numpy", "builtins"):
        names = tuple(_object_names(x, only))
        return ("object", type(x), names, tuple(rec(getattr(x, n), ("attr", n)) for n in names))
    return ("opaque", type(x).__qualname__)


def unflatten(tree, leaves, fill=None):
    """The structure `tree` describes with `leaves` in its leaf positions (an iterable, consumed
    in order); static entries keep their value, opaque ones become `fill`."""
    it = iter(leaves)
    return _build(tree, it, fill)


def _build(tree, it, fill):
    kind = tree[0]
    if kind == "leaf":
        return next(it)
    if kind == "complex":
        re, im = next(it), next(it)
        return None if re is None or im is None else np.asarray(re + 1j * im, dtype=tree[1])[()]
    if kind == "static":
        return tree[1]
    if kind == "opaque":
        return fill
    if kind == "dict":
        _, cls, keys, children = tree
        items = [(k, _build(c, it, fill)) for k, c in zip(keys, children)]
        return cls(items) if cls in (dict, OrderedDict) else dict(items)
    if kind in ("list", "tuple"):
        items = [_build(c, it, fill) for c in tree[1]]
        return items if kind == "list" else tuple(items)
    if kind == "namedtuple":
        return tree[1](*[_build(c, it, fill) for c in tree[2]])
    _, cls, names, children = tree  # dataclass or object: a new instance, fields set as they are
    obj = cls.__new__(cls)
    for n, c in zip(names, children):
        object.__setattr__(obj, n, _build(c, it, fill))
    return obj


def tree_leaves(tree) -> int:
    """How many leaves `tree` has."""
    kind = tree[0]
    if kind == "leaf":
        return 1
    if kind == "complex":
        return 2
    if kind in ("static", "opaque"):
        return 0
    return sum(tree_leaves(c) for c in tree[-1])


def describe(tree) -> str:
    """A short description for messages: dict('W1', 'b1'), list[3], Params(W, b)."""
    kind = tree[0]
    if kind == "leaf":
        return "an array or number"
    if kind == "complex":
        return f"a {tree[1]} array or number"
    if kind == "dict":
        return "dict(" + ", ".join(repr(k) for k in tree[2]) + ")"
    if kind in ("list", "tuple"):
        return f"{kind} of {len(tree[1])}"
    if kind in ("namedtuple",):
        return f"{tree[1].__name__}({', '.join(tree[1]._fields)})"
    if kind in ("dataclass", "object"):
        return f"{tree[1].__name__}({', '.join(tree[2])})"
    return kind


def path_text(name: str, path: tuple) -> str:
    """How the user writes the leaf at `path` of argument `name`: params["W1"], layers[0][1], p.W."""
    out = name
    for p in path:
        if isinstance(p, tuple) and len(p) == 2 and p[0] == "attr":
            out += f".{p[1]}"
        else:
            out += f"[{p!r}]"
    return out


def find_opaque(tree, path: tuple = ()):
    """(path, type name) of the first entry of `tree` that cannot be read, or None."""
    kind = tree[0]
    if kind == "opaque":
        return path, tree[1]
    if kind in ("leaf", "static", "complex"):
        return None
    if kind == "dict":
        keys = tree[2]
    elif kind in ("list", "tuple"):
        keys = range(len(tree[1]))
    elif kind == "namedtuple":
        keys = [("attr", f) for f in tree[1]._fields]
    else:
        keys = [("attr", n) for n in tree[2]]
    for k, c in zip(keys, tree[-1]):
        found = find_opaque(c, path + (k,))
        if found is not None:
            return found
    return None


def leaves_like(tree, x, what: str = "the tangent") -> list:
    """The entries of x at the leaf positions of `tree` (x has the structure `tree` describes;
    a None in place of a leaf or a subtree gives None for its leaves). ValueError when it differs."""
    out: list = []
    _like(tree, x, out, what)
    return out


def _like(tree, x, out, what):
    kind = tree[0]
    if kind == "leaf":
        out.append(x)
        return
    if kind == "complex":  # a complex tangent: its parts (None: none)
        out.extend([None, None] if x is None else [np.real(x), np.imag(x)])
        return
    if kind in ("static", "opaque"):
        return
    children = tree[-1]
    if x is None:
        out.extend([None] * sum(tree_leaves(c) for c in children))
        return
    if kind == "dict":
        if not isinstance(x, dict) or len(x) != len(tree[2]) or set(x) != set(tree[2]):  # any order, as JAX sorts
            raise ValueError(f"{what} must have the structure of its primal, {describe(tree)}, not {_brief(x)}")
        items = [x[k] for k in tree[2]]
    elif kind in ("list", "tuple", "namedtuple"):
        if not isinstance(x, (list, tuple)) or len(x) != len(children):
            raise ValueError(f"{what} must have the structure of its primal, {describe(tree)}, not {_brief(x)}")
        items = list(x)
    else:
        try:
            items = [getattr(x, n) for n in tree[2]]
        except AttributeError:
            raise ValueError(f"{what} must have the structure of its primal, {describe(tree)}") from None
    for c, v in zip(children, items):
        _like(c, v, out, what)


def _brief(x) -> str:
    if isinstance(x, dict):
        return "dict(" + ", ".join(repr(k) for k in x) + ")"
    if isinstance(x, (list, tuple)):
        return f"{type(x).__name__} of {len(x)}"
    return type(x).__name__
