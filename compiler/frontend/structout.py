"""The differentiated function's structured result: a tuple, list, dict, NamedTuple or dataclass of
arrays and numbers, nested, as JAX's pytrees. The compiled code returns it as nested tuples of its
leaves (what compiler/jit/compiled._output_leaves and _split_aux take apart); its tree description
(runtime/trees.py's format, built here without importing the runtime; a float32 number's leaf is
("leaf", "float32")) goes with the lowered function as `out_tree`, and the transformations rebuild the structure from it (adjit/outputs.py)."""
from __future__ import annotations

import dataclasses

from ..errors import AdjitTypeError
from .structures import StructMap, StructObj, StructTuple, is_struct

LEAF = ("leaf",)


def structured_result(low, result, node):
    """(the result as one IR value, its tree description): nested `tuple` ops of the leaves' values,
    None and str entries kept in the tree alone (JAX's empty subtrees); (value, None) for an array
    or number. An object that is not a dataclass (a plain class, a global) is a located error."""
    if not (is_struct(result) or type(result) is tuple):
        return low.value(result, node), None

    def walk(x, label):
        if type(x).__name__ == "Slot":  # an attribute its methods change (procedures.py)
            x = low.struct_read(x, node)
        if x is None or isinstance(x, str):
            return None, ("static", x)
        if isinstance(x, StructMap):
            keys = tuple(x.items)
            parts = [walk(low.struct_read(x.items[k], node), f"{label}[{k!r}]") for k in keys]
            return _pack(low, parts, node), ("dict", getattr(x, "cls", dict), keys, tuple(t for _, t in parts))
        if isinstance(x, StructTuple):
            cls = getattr(x, "cls", None)
            if x.fields is not None and cls is None:
                raise low.err(AdjitTypeError, f"{label} is returned as a {x.kind}, whose class adjit does not know "
                              "here", node, hint="return a tuple or a dict of its fields")
            parts = [walk(low.struct_read(v, node), f"{label}[{i}]") for i, v in enumerate(x)]
            trees = tuple(t for _, t in parts)
            tree = ("namedtuple", cls, trees) if x.fields is not None else ("list" if x.kind == "list" else "tuple",
                                                                            trees)
            return _pack(low, parts, node), tree
        if isinstance(x, StructObj):
            if not (x.kind == "dataclass" or dataclasses.is_dataclass(x.cls)):
                raise low.err(AdjitTypeError, f"{x.__name__} is returned: a transformed function returns arrays and "
                              "numbers, or tuples, lists, dicts, NamedTuples and dataclasses of them, not an object "
                              "of a plain class", node, hint="return a dict, a NamedTuple or a dataclass of the "
                                                              "values, e.g. {'a': obj.a, 'b': obj.b}")
            names = [f.name for f in dataclasses.fields(x.cls) if f.name in x.items]
            parts = [walk(low.struct_read(x.items[n], node), f"{label}.{n}") for n in names]
            return _pack(low, parts, node), ("dataclass", x.cls, tuple(names), tuple(t for _, t in parts))
        if type(x) is tuple:  # `return a, b`; `return [a, b]` (a list, as NumPy tells them apart: expressions.py)
            parts = [walk(v, f"{label}[{i}]") for i, v in enumerate(x)]
            return _pack(low, parts, node), ("list" if low.is_list(x) else "tuple", tuple(t for _, t in parts))
        if is_struct(x):  # a view of a dict, super(): its own located error
            low.struct_as_value(x, node)
        low.refuse_complex_result(x)
        v = low.value(x, node)
        if v.type.kind == "scalar" and v.type.dtype == "float32":  # NumPy's float32 number, not a Python float
            return v, ("leaf", "float32")
        return v, LEAF

    value, tree = walk(result, "the result")
    return value, tree


def _pack(low, parts, node):
    """The `tuple` op of the parts that hold values (None and str entries have none)."""
    return low.b.emit("tuple", [v for v, _ in parts if v is not None])


class _Plain:
    """What structured_result needs of a Lowerer, for a result built outside one (a transformation
    transformed again: frontend/nested.lower_transformed), whose structures hold values only."""

    def __init__(self, b, loc, refusal: str):
        self.b, self.loc, self.refusal = b, loc, refusal

    def err(self, cls, msg, node, hint=None):
        return cls(msg, self.loc, hint)

    def value(self, x, node):
        from ..ir import Value
        from .values import _is_number

        if isinstance(x, Value):
            return x
        if _is_number(x):
            return self.b.const(float(x))
        raise AdjitTypeError(self.refusal, self.loc, hint="transform a gradient with respect to arrays and numbers")

    def struct_read(self, x, node):
        return x

    def is_list(self, x) -> bool:
        return False

    def refuse_complex_result(self, x) -> None:
        pass

    def struct_as_value(self, x, node):
        raise AdjitTypeError(self.refusal, self.loc, hint="transform a gradient with respect to arrays and numbers")


def transformed_result(b, result, loc, refusal: str):
    """structured_result for the result of a transformation transformed again (the gradient in its
    argument's structure, a tuple of them, (value, gradients), aux after them)."""
    return structured_result(_Plain(b, loc, refusal), result, None)


def holds_structure(x) -> bool:
    """A structure, or a tuple with one inside (a branch's `return {"a": ..., "b": ...}`)."""
    return is_struct(x) or type(x) is tuple and any(holds_structure(v) for v in x)


def joined_structures(low, cond, rt, re_, then_ops: list, else_ops: list, stmt):
    """`if c: return {"a": u, ...} else: return {"a": w, ...}`: the two branches' structures agree
    (the same dict keys in any order, the same NamedTuple or dataclass, tuples and lists of one
    length, None and str entries equal); each leaf becomes one output of the `if`, and the result is
    the then-branch's structure holding them. Another structure is a located error naming where."""
    from ..ir import Block, If, Value

    pairs: list = []

    def pair(a, b, where):
        a, b = (low.struct_read(v, stmt) if type(v).__name__ == "Slot" else v for v in (a, b))
        differ = low.err(AdjitTypeError, f"the branches of this `if` return different structures (at the result{where})",
                         stmt, hint="return the same keys, fields and lengths on every path")
        if a is None or isinstance(a, str) or b is None or isinstance(b, str):
            if not (a is b or isinstance(a, str) and a == b):
                raise differ
            return
        if isinstance(a, StructMap) or isinstance(b, StructMap):
            if not (isinstance(a, StructMap) and isinstance(b, StructMap)) or set(a.items) != set(b.items):
                raise differ
            for k in a.items:
                pair(a.items[k], b.items[k], f"{where}[{k!r}]")
            return
        if isinstance(a, StructObj) or isinstance(b, StructObj):
            if not (isinstance(a, StructObj) and isinstance(b, StructObj)) or a.cls is not b.cls \
                    or set(a.items) != set(b.items):
                raise differ
            for k in a.items:
                pair(a.items[k], b.items[k], f"{where}.{k}")
            return
        if isinstance(a, tuple) or isinstance(b, tuple):  # tuples, lists, NamedTuples
            if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b) \
                    or getattr(a, "cls", None) is not getattr(b, "cls", None) or low.is_list(a) != low.is_list(b):
                raise differ
            for i, (u, w) in enumerate(zip(a, b)):
                pair(u, w, f"{where}[{i}]")
            return
        pairs.append((a, b, where))

    pair(rt, re_, "")
    ty, ey, outs = [], [], []
    for a, b, where in pairs:
        (a, b), av = low.join(f"the result{where}", [a, b], [then_ops, else_ops], stmt)
        ty.append(a)
        ey.append(b)
        outs.append(low.b.define(Value(None), av))
    low.b.ops.append(If(cond, Block(then_ops), Block(else_ops), ty, ey, outs, low.loc(stmt)))
    leaves = iter(outs)

    def rebuild(a):
        a = low.struct_read(a, stmt) if type(a).__name__ == "Slot" else a
        if a is None or isinstance(a, str):
            return a
        if isinstance(a, StructMap):
            return StructMap({k: rebuild(v) for k, v in a.items.items()}, a.label, a.cls)
        if isinstance(a, StructObj):
            return StructObj({k: rebuild(v) for k, v in a.items.items()}, a.label, a.cls, a.kind)
        if isinstance(a, StructTuple):
            return StructTuple([rebuild(v) for v in a], a.label, a.kind, a.fields, a.cls)
        if type(a) is tuple:
            items = tuple(rebuild(v) for v in a)
            return low.mark_list(items) if low.is_list(a) else items
        return next(leaves)

    return rebuild(rt)


def replaced(low, p: StructTuple, args, kwargs: dict, node):
    """`p._replace(a=v)` of a NamedTuple: a new one of its class with those fields replaced (keyword
    arguments only, each a field), as Python makes it."""
    if args:
        raise low.err(AdjitTypeError, "_replace takes keyword arguments only (a field name each)", node)
    unknown = [k for k in kwargs if k not in p.fields]
    if unknown:
        raise low.err(AdjitTypeError, f"{p.__name__} has no field '{unknown[0]}' (its fields: "
                      f"{', '.join(p.fields)})", node)
    items = [kwargs.get(f, v) for f, v in zip(p.fields, p)]
    return StructTuple(items, f"{p.label}._replace(...)", p.kind, p.fields, p.cls)


def dict_returns_as_tuples(stmts: list, is_record=None):
    """(a copy of `stmts` in which each `return {"k": a, ...}` is `return a, ...`, the shape) when
    every `return` in them (inside branches and loops) returns a dict display of the same constant
    keys in the same order, or (`is_record(call)` true: a NamedTuple or dataclass class) a call of
    the same class with as many positional arguments and the same keywords, else None: a loop
    returning a structure hands back its values as a loop returning a tuple does (returns.py), and
    the return after the loop rebuilds it (dict_return_guard)."""
    import ast
    import copy

    def shape(v):
        if isinstance(v, ast.Dict) and v.keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                      for k in v.keys):
            keys = tuple(k.value for k in v.keys)
            return ("dict", keys) if len(set(keys)) == len(keys) else None
        if isinstance(v, ast.Call) and is_record is not None and (v.args or v.keywords) \
                and not any(isinstance(a, ast.Starred) for a in v.args) \
                and all(k.arg is not None for k in v.keywords) and is_record(v):
            return ("call", ast.dump(v.func), len(v.args), tuple(k.arg for k in v.keywords))
        return None

    found, first_call = [], None
    for node in (n for st in stmts for n in ast.walk(st)):
        if isinstance(node, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            return None  # a return of a nested function: not this loop's
        if isinstance(node, ast.Return):
            found.append(shape(node.value))
            if found[-1] is None:
                return None
            first_call = first_call or (node.value.func if found[-1][0] == "call" else None)
    if not found or len(set(found)) != 1:
        return None
    out = copy.deepcopy(stmts)
    for node in (n for st in out for n in ast.walk(st)):
        if isinstance(node, ast.Return):
            v = node.value
            elts = v.values if isinstance(v, ast.Dict) else list(v.args) + [k.value for k in v.keywords]
            node.value = ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), v)
    return out, (found[0] if found[0][0] == "dict" else ("call", first_call) + found[0][2:])


def dict_return_guard(guard, shape: tuple):
    """return_guard's `return v_0, v_1` (alone or under `if flag:`) as `return {"k0": v_0, ...}`
    (shape ("dict", keys)) or `return Cls(v_0, k1=v_1)` (shape ("call", Cls's node, positional
    count, keywords))."""
    import ast
    import copy

    ret = guard if isinstance(guard, ast.Return) else guard.body[0]
    elts = ret.value.elts
    if shape[0] == "dict":
        value = ast.Dict(keys=[ast.copy_location(ast.Constant(k), ret) for k in shape[1]], values=list(elts))
    else:
        _, func, n_pos, names = shape
        value = ast.Call(func=copy.deepcopy(func), args=list(elts[:n_pos]),
                         keywords=[ast.keyword(arg=k, value=e) for k, e in zip(names, elts[n_pos:])])
    ret.value = ast.fix_missing_locations(ast.copy_location(value, ret.value))
    return guard
