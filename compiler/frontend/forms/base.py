"""The forms' shared machinery: the mixin's helpers (shapes, extents, static axes, casts), the
entry points the Lowerer calls (`numpy_form`, `form_method`), and the Lowerer's `attribute`,
`method` and `subscript` extended for methods in METHODS, for `...`/`np.newaxis` in an index and
for a list literal indexed at a run-time position. A list or tuple literal where NumPy reads an
array is np.asarray of it here, in one place (`array_args`, for every form and primitive)."""
from __future__ import annotations

import ast
import builtins
import inspect

import numpy as np

from ..ufuncmethods import where_reduction
from ..structures import is_struct
from ..values import Method, _is_number
from ...errors import AdjitError, AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Abstract, Value

_FULL = ("slice", None, None, None)

# NumPy's names for the parameters it reads through np.asarray, the data (never a shape, an axis, a
# count or an option): a list or tuple there means np.asarray of it; _SEQUENCES take a sequence of
# such arrays (each item np.asarray'd); a *args parameter of these names takes arrays too
_DATA = frozenset({"a", "A", "x", "x1", "x2", "y", "b", "v", "m", "f", "ary", "arr", "array", "xp", "fp", "XA", "XB",
                   "indices", "condition", "a_min", "a_max", "weights", "prepend", "append", "operands", "arys", "xi"})
_SEQUENCES = frozenset({"arrays", "tup"})


def _linalg_results() -> dict:
    """NumPy's named results (SlogdetResult, EighResult, SVDResult, QRResult, EigResult) by the id of
    the np.linalg function that returns one; empty before NumPy 2."""
    global _LINALG_RESULTS
    if _LINALG_RESULTS is None:
        mod = getattr(np.linalg, "_linalg", None)
        pairs = (("slogdet", "SlogdetResult"), ("eigh", "EighResult"), ("svd", "SVDResult"), ("qr", "QRResult"),
                 ("eig", "EigResult"))
        _LINALG_RESULTS = {id(getattr(np.linalg, f)): getattr(mod, c) for f, c in pairs if hasattr(mod, c)}
    return _LINALG_RESULTS


_LINALG_RESULTS = None


class FormsBase:
    """Helpers and entry points; FUNCTIONS and METHODS are set on the composed class (forms/__init__)."""
    FUNCTIONS = staticmethod(dict)  # () -> {id(object): form name}
    METHODS: dict = {}

    # ---------------------------------------------------------------- helpers
    def _shape(self, v: Value) -> tuple:
        return tuple(self.b.avals[v.id].shape) if v.type.kind == "array" else ()

    def _rank(self, v: Value) -> int:
        return v.type.rank if v.type.kind == "array" else 0

    def _axis(self, axis, ndim, node, what="axis") -> int:
        axis = self.static(axis, node, what)
        if not isinstance(axis, int) or not -ndim <= axis < ndim:
            raise self.err(ShapeError, f"{what} {axis} is out of bounds for an array of dimension {ndim}", node)
        return axis % ndim

    def static_or_folded(self, x, node, what: str):
        """self.static(x), or for an array computed from constants only (np.cumsum of a list of sizes
        known when compiled) its numbers as a tuple (constfold.py)."""
        if isinstance(x, Value) and x.type.kind == "array":
            from ..constfold import folded

            value = folded(self.b, x)
            if value is not None:
                return tuple(np.asarray(value).tolist())
        return self.static(x, node, what)

    def known_items(self, v):
        """The numbers of a 1-D array written with constants (`np.array([0.25, 0.75])`, a `stack` of
        `const`s) as a tuple, else None."""
        if not isinstance(v, Value) or v.type.kind != "array" or v.type.rank != 1:
            return None
        producer = next((op for op in reversed(self.b.ops) if v in op.outputs), None)
        if producer is None or producer.prim != "stack":
            return None
        made_by = lambda x: next((op for op in reversed(self.b.ops) if x in op.outputs), None)  # noqa: E731
        items = []
        for x in producer.inputs:
            made, dtype = made_by(x), None
            while made is not None and made.prim == "astype":  # a literal cast to the array's dtype
                dtype = dtype or made.attrs["dtype"]
                made = made_by(made.inputs[0])
            if made is None or made.prim != "const" or not _is_number(made.attrs["value"]):
                return None
            items.append(made.attrs["value"] if dtype is None else np.dtype(dtype).type(made.attrs["value"]).item())
        return tuple(items)

    def _const_shape(self, dims) -> Value:
        return self.b.emit("tuple", [self.b.const(int(d)) for d in dims])

    def _reshape(self, x: Value, dims) -> Value:
        return self.b.emit("reshape", [x, self._const_shape(dims)])

    def _slice(self, x: Value, axis: int, start: int, stop: int) -> Value:
        index = (_FULL,) * axis + (("slice", 1, 2, None),)
        return self.b.emit("getitem", [x, self.b.const(start), self.b.const(stop)], index=index)

    def _extent(self, x: Value, axis: int, node, what: str) -> int:
        d = self._shape(x)[axis]
        if d is None:
            raise self.err(ShapeError, f"{what} needs the extent of axis {axis} when the call is compiled, and it "
                                       "is known only at run time here", node,
                           hint="slice with constant bounds, or write the slices out yourself")
        return d

    def _ravel(self, x: Value) -> Value:
        if x.type.kind == "scalar":
            return self.b.emit("stack", [x], axis=0)
        if self._rank(x) == 1:
            return x
        return self.b.emit("reshape", [x, self.value((-1,), None)])

    def outer_of_flat(self, operands: list) -> Value:
        """np.outer(a, b): NumPy flattens each operand first (a number is one element)."""
        flat = [self.b.emit("stack", [x], axis=0) if x.type.kind == "scalar" else
                x if x.type.kind != "array" or x.type.rank == 1 else self._ravel(x) for x in operands]
        return self.b.emit("outer", flat)

    def filled(self, prim: str, bound: tuple, node) -> Value:
        """np.zeros/np.ones(shape, dtype), np.full(shape, fill, dtype). Extents known when compiled
        stay known beside one known only at run time (a shape tuple's value is all or nothing):
        np.zeros((n, 3)) has extent 3, so that its row out[k] does."""
        shape, fill, dtype = bound if prim == "full" else (bound[0], None, bound[1])
        shape_v = self.value(shape if isinstance(shape, (tuple, Value)) else (shape,), node)
        if prim == "full":
            out = self.b.emit("full", [shape_v, self.value(fill, node)],
                              **({} if dtype is None else {"dtype": self.dtype(dtype, node)}))
        else:
            out = self.b.emit(prim, [shape_v], dtype=self.dtype(dtype, node))
        aval = self.b.aval(out)
        if type(shape) is not tuple or len(shape) != len(aval.shape) or None not in aval.shape:
            return out
        dims = tuple(d if d is not None else s if isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
                     else self.b.aval(s).value if isinstance(s, Value) and isinstance(self.b.aval(s).value, int) else None
                     for d, s in zip(aval.shape, shape))
        if dims != aval.shape:
            self.b.avals[out.id] = Abstract(aval.type, dims, aval.value)
        return out

    def _cast(self, x: Value, dtype, node) -> Value:
        if dtype is None:
            return x
        return self.b.emit("astype", [x], dtype=self.dtype(dtype, node))

    def _arrays(self, seq, node, what) -> list:
        """The operands of a join: a list or tuple of arrays (and numbers), or the rows of an array;
        an item that is a list is np.asarray of it (`np.concatenate([[0.0], x])`)."""
        if type(seq).__name__ in ("DeferredList", "BuiltList"):  # a list built in a loop: its rows
            seq = self.value(seq, node)
        if isinstance(seq, tuple):
            return [self.array_like(a, node) for a in seq]
        if isinstance(seq, Value) and seq.type.kind == "array":
            n = self._extent(seq, 0, node, what)
            return [self.b.emit("getitem", [seq, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
        raise self.err(AdjitTypeError, f"{what} takes a list or tuple of arrays", node)

    # ---------------------------------------------------------------- array-likes
    def array_like(self, x, node):
        """What np.asarray makes of x: a list or tuple literal of numbers and arrays (nested) is its
        array (forms/building.py's `_build`); anything else is its value."""
        if _listlike(x):
            return self._build(x, node)
        return self.value(x, node)

    def array_args(self, func, args, kwargs, node, params=None):
        """A NumPy or SciPy function's arguments with every list or tuple literal given where NumPy
        reads an array (the parameters named in _DATA, by the function's own signature or `params`,
        a primitive row's NumPy names) replaced by np.asarray of it: `np.tile([0.0, 1.0], (n, 1))`.
        Shapes, axes, counts and options (`(n, 1)` there) stay as written."""
        if not any(_listlike(a) or _tuple_value(a) or type(a) is tuple and any(_listlike(e) for e in a)
                   for a in list(args) + list(kwargs.values())) or func is np.block:
            return args, kwargs  # np.block's nested lists are its blocks (forms/common.py)
        names = _parameters(func, params)
        if names is None or (getattr(func, "__module__", None) or "numpy").split(".")[0] not in ("numpy", "scipy"):
            return args, kwargs  # Python's own functions (len, math.exp) take no list for an array
        star = next((n for n, kind in names if kind == inspect.Parameter.VAR_POSITIONAL), "")

        def convert(name, a):
            if name in _DATA and (_listlike(a) or _tuple_value(a)):  # np.prod(x.shape): of its ints
                return self._build(a, node)
            if name in _SEQUENCES and type(a) is tuple:
                return tuple(self._build(e, node) if _listlike(e) else e for e in a)
            return a

        positional = [n for n, kind in names if kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                         inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        out = [convert(positional[k] if k < len(positional) else star, a) for k, a in enumerate(args)]
        return out, {k: convert(k, a) for k, a in kwargs.items()}

    def list_item(self, items: tuple, node):
        """`xs[k]` of a list or tuple literal: Python's item when k is known when compiled; at an index
        computed when the function runs (`ext[s]` in a loop), item k of np.asarray(xs), which is the
        item itself when the items are of one kind (ints, floats, or arrays of one shape and dtype)."""
        k = self.expr(node.slice)
        known = k if _is_number(k) else self.static_int(k) if isinstance(k, Value) else None
        if known is not None and not isinstance(known, float):
            if not -len(items) <= int(known) < len(items):
                raise self.err(ShapeError, f"list index {int(known)} out of range (a list of {len(items)} items; "
                               "Python raises IndexError)", node)
            return items[int(known)]
        if not isinstance(k, Value) or k.type.kind != "scalar" or k.type.dtype not in ("int64", "int32"):
            raise self.err(AdjitTypeError, f"list indices must be integers, not {_kind(k)}", node.slice)
        kinds = {_kind(e) for e in items}
        if kinds == {"a list"} and all(_listlike(e) and len(e) == len(items[0]) and not any(map(_listlike, e))
                                       for e in items):  # SPANS[s] of tuples of one length: their items at s
            out = tuple(self._list_column_item(tuple(e[j] for e in items), k, node) for j in range(len(items[0])))
            return self.mark_list(out) if all(self.is_list(e) for e in items) else out
        return self._list_column_item(items, k, node)

    def _list_column_item(self, items: tuple, k: Value, node):
        kinds = {_kind(e) for e in items}
        if len(kinds) > 1 or "a list" in kinds:
            raise self.err(AdjitTypeError, "a list indexed at a position computed when the function runs must hold "
                           f"items of one kind (ints, floats, or arrays of one shape), not {', '.join(sorted(kinds))}",
                           node, hint="make it an array first (np.array(xs)) and index that")
        self.at(node)
        return self.b.emit("getitem", [self._build(items, node), k], index=(("int", 1),))

    # ---------------------------------------------------------------- entry points
    def numpy_form(self, func, args, kwargs, node):
        name = self.FUNCTIONS()[id(func)]
        args, kwargs = self.array_args(func, args, kwargs, node)
        label = "len()" if func is builtins.len else f"{_prefix(func)}{getattr(func, '__name__', name)}"
        try:
            out = getattr(self, f"form_{name}")(label, args, kwargs, node)
        except AdjitError as e:
            if e.loc is None:
                raise type(e)(f"{label}: {e.message}", self.loc(node), e.hint) from None
            raise
        named = _linalg_results().get(id(func))  # `res.logabsdet`, `r.eigenvalues`: NumPy 2's NamedTuple, as one
        if named is not None and type(out) is tuple and len(out) == len(named._fields):  # the function made
            from ..structvalues import StructTuple  # (structures.py: returned, it is NumPy's class)

            return StructTuple(list(out), label, named.__name__, tuple(named._fields), named)
        return out

    def form_method(self, m, args, kwargs, node):
        name = self.METHODS[m.name]
        return getattr(self, f"form_{name}")(f".{m.name}()", (m.obj,) + tuple(args), kwargs, node)

    def normalize_index(self, sl, base):
        """An index with `...` expanded into full slices and `np.newaxis` written as None, so that
        index_of reads it as NumPy does."""
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]

        def is_newaxis(e):
            if isinstance(e, ast.Attribute) and e.attr == "newaxis" or isinstance(e, ast.Name) and e.id == "newaxis":
                try:
                    return self.expr(e) is None
                except AdjitError:
                    return False
            return False

        changed = False
        for k, it in enumerate(items):
            if is_newaxis(it):
                items[k] = ast.copy_location(ast.Constant(None), it)
                changed = True
        ell = [k for k, it in enumerate(items) if isinstance(it, ast.Constant) and it.value is Ellipsis]
        if len(ell) > 1:
            raise self.err(UnsupportedSyntaxError, "an index can only have a single ellipsis ('...')", sl)
        if ell:
            masked = type(base).__name__ == "Masked"  # sel[..., 1] of a selection (maskaxes.py): its NumPy rank
            if all(isinstance(it, ast.Constant) and (it.value is None or it.value is Ellipsis) for it in items) and (
                    isinstance(base, Value) and base.type.kind == "scalar" or isinstance(base, (int, float, np.number))):
                return sl  # s[...], s[..., None] of a number: NumPy's arrays of it (indexing.py)
            if not masked and (not isinstance(base, Value) or base.type.kind != "array"):
                raise self.err(AdjitTypeError, "`...` indexes arrays only", sl)
            rank = base.ndim if masked else base.type.rank
            used = sum(1 for it in items if not (isinstance(it, ast.Constant) and (it.value is None or it.value is Ellipsis)))
            fill = rank - used
            if fill < 0:
                raise self.err(ShapeError, f"too many indices for an array of dimension {rank}", sl)
            k = ell[0]
            items[k:k + 1] = [ast.copy_location(ast.Slice(), items[k]) for _ in range(fill)]
            changed = True
        if not changed:
            return sl
        if not items:  # x[...] on a 0-d value: the whole array
            items = [ast.copy_location(ast.Slice(), sl)]
        if len(items) == 1 and not isinstance(sl, ast.Tuple):
            return items[0]
        return ast.copy_location(ast.Tuple(elts=items, ctx=ast.Load()), sl)

    # ---------------------------------------------------------------- the Lowerer's entry points, extended
    def attribute(self, base, node):
        if isinstance(base, Value) and base.type.kind == "array" and (node.attr in self.METHODS
                                                                     or node.attr == "nonzero"):
            return Method(node.attr, base)
        return super().attribute(base, node)

    def method(self, m, args, kwargs, node):
        if m.name == "nonzero" and not args and not kwargs:  # x.nonzero() is np.nonzero(x)
            return self.call_value(np.nonzero, [m.obj], {}, node)
        if kwargs.get("where") is not None and isinstance(m.obj, Value) \
                and where_reduction(getattr(np, m.name, None)):  # x.max(where=m, initial=0.0): calls.py
            return self.reduce_where(getattr(np, m.name), (m.obj,) + tuple(args), kwargs, node)
        if m.name in self.METHODS:
            self.at(node)
            return self.form_method(m, args, kwargs, node)
        return super().method(m, args, kwargs, node)

    def bool_list_index(self, node):
        """`x[[True, False, True]]`, `X[:, [True, False]]`: a list literal of bools in an index is a
        boolean mask to NumPy (a constant one): the node with each such list written np.array(list)."""
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if not any(isinstance(e, ast.List) and e.elts and all(isinstance(i, ast.Constant) and type(i.value) is bool
                                                               for i in e.elts) for e in items):
            return node
        self.env["<np.array>"] = np.array

        def fix(e):
            if isinstance(e, ast.List) and e.elts and all(isinstance(i, ast.Constant) and type(i.value) is bool
                                                          for i in e.elts):
                return ast.copy_location(ast.Call(ast.copy_location(ast.Name("<np.array>", ast.Load()), e), [e], []), e)
            return e

        sl = ast.copy_location(ast.Tuple([fix(e) for e in items], ast.Load()), node.slice) \
            if isinstance(node.slice, ast.Tuple) else fix(node.slice)
        return ast.copy_location(ast.Subscript(value=node.value, slice=sl, ctx=node.ctx), node)

    def subscript(self, node):
        """`x[..., k]`, `x[np.newaxis]`: the index rewritten as NumPy reads it, the base evaluated once;
        `xs[k]` of a list literal: list_item."""
        node = self.bool_list_index(node)
        if isinstance(node.value, ast.Name) and not isinstance(node.slice, (ast.Slice, ast.Tuple)):
            held = self.env.get(node.value.id)
            if node.value.id not in self.env and type(self.parsed.globals.get(node.value.id)) in (list, tuple):
                held = self.expr(node.value)  # a module-level table: SPANS[s]
            if _listlike(held):
                return self.list_item(held, node)
        if not isinstance(node.slice, ast.Tuple) and not _special(node.slice) or \
                isinstance(node.slice, ast.Tuple) and not any(_special(e) for e in node.slice.elts):
            return super().subscript(node)
        base = self.expr(node.value)
        sl = self.normalize_index(node.slice, base)
        key = f"<indexed at {node.lineno}:{node.col_offset}>"
        self.env[key] = base
        try:
            new = ast.copy_location(ast.Subscript(value=ast.copy_location(ast.Name(key, ast.Load()), node.value),
                                                  slice=sl, ctx=ast.Load()), node)
            return super().subscript(new)
        finally:
            del self.env[key]



def _listlike(x) -> bool:
    """A list or tuple literal NumPy would make an array of: numbers and values (arrays, numbers,
    tuple values), nested; never a structure argument, a string or None inside."""
    if type(x) is not tuple or not x or is_struct(x):
        return False
    return all(_listlike(e) or _is_number(e) or isinstance(e, Value) and e.type.kind in ("scalar", "array")
               for e in x)


def _tuple_value(x) -> bool:
    """A tuple value of numbers (`x.shape` with extents known only when run)."""
    return isinstance(x, Value) and x.type.kind == "tuple" and bool(x.type.elems) and all(
        e.kind == "scalar" for e in x.type.elems)


def _kind(x) -> str:
    """An item's kind, for a list indexed at a run-time position: its np.asarray row is the item."""
    if type(x) is tuple:
        return "a list"
    if isinstance(x, Value) and x.type.kind == "array":
        return f"arrays of {x.type}"
    dtype = x.type.dtype if isinstance(x, Value) else type(x).__name__
    return "floats" if dtype.startswith("float") else "ints" if dtype.startswith(("int", "bool")) else dtype


def _parameters(func, params=None):
    """[(name, kind)] of func's parameters: a primitive row's `params`, else the signature NumPy or
    SciPy declares (None without one)."""
    if params is not None:
        return [(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in params]
    try:
        return [(p.name, p.kind) for p in inspect.signature(func).parameters.values()]
    except (TypeError, ValueError):
        return None


def _special(e) -> bool:
    """`...` or (syntactically) np.newaxis in an index."""
    return (isinstance(e, ast.Constant) and e.value is Ellipsis) or \
        (isinstance(e, ast.Attribute) and e.attr == "newaxis") or (isinstance(e, ast.Name) and e.id == "newaxis")


def _prefix(func) -> str:
    """How a program names the function's module: np. for NumPy, scipy.linalg. for
    scipy.linalg._decomp_cholesky's functions."""
    mod = getattr(func, "__module__", None) or "numpy"
    if mod == "math":  # math.isnan, math.isclose: their errors name them as written
        return "math."
    if not mod.startswith("scipy"):
        return "np."
    public = []
    for part in mod.split("."):
        if part.startswith("_"):
            break
        public.append(part)
    return ".".join(public) + "."
