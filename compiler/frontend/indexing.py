"""Indexing: `x[i]`, slices, windows `x[i:i + c]` (their extent proven when compiled), integer
arrays (gathers), a tuple of index arrays (`x[np.triu_indices(n, 1)]`), ranges as index arrays, and
the hand-off of boolean masks to masks.py. A mixin of the Lowerer; the indexing rows are in
primitives/arrays.py."""
from __future__ import annotations

import ast

import numpy as np

from .. import primitives as P
from ..errors import AdjitError, AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .structures import is_struct
from .values import _is_number
from .expressions import _describe
from .gridindex import is_index_trick, lower_index_trick
from .maskblocks import HINT as BLOCK_HINT, square_select


class SliceValue:
    """`slice(lo, hi, step)` bound to a name (`inner = slice(20, n - 20)`, then `x[inner]`): its
    bounds as lowered (numbers, values or None), indexing as `x[lo:hi:step]` does."""

    def __init__(self, parts: tuple):
        self.parts = parts
        self.__name__ = "a slice"


class Indexing:
    """The Lowerer's subscripts."""

    def subscript(self, node):
        base = self.expr(node.value)
        sl = node.slice
        if isinstance(sl, ast.Subscript) and isinstance(base, Value) and base.type.kind == "array" and \
                self._masked_index(sl):  # x[idx[mask]] is x[idx][mask]: a selection (masks.py)
            inner = ast.copy_location(ast.Subscript(value=node.value, slice=sl.value, ctx=ast.Load()), node)
            inner.end_lineno, inner.end_col_offset = node.end_lineno, node.end_col_offset
            outer = ast.copy_location(ast.Subscript(value=inner, slice=sl.slice, ctx=ast.Load()), node)
            outer.end_lineno, outer.end_col_offset = node.end_lineno, node.end_col_offset
            return self.subscript(outer)
        if type(base).__name__ == "DeferredList" and not isinstance(sl, (ast.Slice, ast.Tuple)):
            base = self.deferred(base, None, node)  # ys = [f(v) for v in xs]; ys[k]: a row of NumPy's array of it
        if isinstance(sl, ast.Tuple) and not sl.elts and (isinstance(base, (int, float, np.number)) and not isinstance(
                base, bool) or isinstance(base, Value) and base.type.kind in ("scalar", "array")):
            return base  # a[()]: a 0-d array's element, or the whole array (NumPy's view reads the same values)
        scalar = _is_number(base) and not isinstance(base, bool) or isinstance(base, Value) and base.type.kind == "scalar"
        items = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        if scalar and items and all(isinstance(e, ast.Constant) and (e.value is None or e.value is Ellipsis)
                                    for e in items) and sum(e.value is Ellipsis for e in items) <= 1:
            n = sum(e.value is None for e in items)  # s[None], s[None, None], s[...]: NumPy's arrays of one element
            if n == 0:
                return base
            self.at(node)
            return self.b.emit("expand_dims", [self.value(base, node)], axis=tuple(range(n)))
        if is_struct(base):  # p["W"], layers[0] on a structured argument (structures.py)
            return self.struct_subscript(base, node)
        if type(base).__name__ == "BuiltList":  # a list built by .append in a loop: lists.py
            return self.built_list_item(base, node)
        if isinstance(base, tuple) and not isinstance(sl, ast.Slice):  # A[s][j] of a ragged table: forms/base.py
            return self.list_item(base, node)
        if isinstance(base, tuple):
            k = self.static(self.expr(sl), sl, "a tuple index")
            return base[k]
        if is_index_trick(base):  # np.mgrid[0:3, 0:4], np.r_[0.0, x]: gridindex.py
            return lower_index_trick(self, base, node)
        if type(base).__name__ == "MaskIndex" and base.one:  # idx = np.where(c)[0]; idx[0], idx[1:]: its positions
            base = self.mask_index_value(base, node)
        elif type(base).__name__ == "MaskIndex" and base.mask.type.rank == 1 and self.static_int(self.expr(sl)) in (0, -1):
            return type(base)(base.mask, one=True)  # np.where(c)[0] of a 1-D c: the one array, selecting as c does
        if type(base).__name__ == "MaskIndex" and not isinstance(sl, ast.Slice):  # np.nonzero(adj)[1]: one axis's
            k = self.static(self.expr(sl), sl, "a tuple index")
            rank = base.mask.type.rank
            if not isinstance(k, (int, np.integer)) or not -rank <= k < rank:
                raise self.err(AdjitTypeError, f"np.nonzero(...) gives {rank} index arrays: index {k!r} is out of range",
                               node)
            self.at(node)
            return self.nonzero_arrays(base.mask, node)[k]
        if type(base).__name__ == "Masked":  # boxes[pos][:, 2]: maskaxes.py
            return self.masked_subscript(base, node)
        if not isinstance(base, Value):
            if type(base).__name__ == "_Probe":  # in the trial lowering of the loop appending its first item
                raise self.probe_read_error(base, node)  # lists.py
            raise self.err(AdjitTypeError, f"cannot index {_describe(base)}", node,
                           hint=BLOCK_HINT if type(base).__name__ == "MaskedSquare" else None)
        if base.type.kind == "tuple":
            k = self.static(self.expr(sl), sl, "a tuple index")
            self.at(node)
            return self.b.emit("getitem", [base, self.b.const(k)], index=(("int", 1),))
        if isinstance(sl, ast.Tuple):  # x[i, mask], x[:, mask]: maskmix.py
            mixed = self.mixed_mask_read(base, node)
            if mixed is not None:
                return mixed
        mask, sl = self.mask_index(sl)
        if type(mask).__name__ == "MaskGrid":  # K[np.ix_(free, free)]: maskblocks.py
            return square_select(self, base, mask.masks, node)
        if mask is not None:  # x[mask]: masks.py
            return self.masked_select(base, mask, node)
        try:
            index, ints = self.index_of(sl)
        finally:
            self.env.pop("<index>", None)
        self.at(node)
        if P.is_advanced(index):
            src, a_index, a_ints, _, _ = self.split_advanced(base, index, ints)
            return self.b.emit("gather", [src] + a_ints, index=a_index)
        out = self.b.emit("getitem", [base] + ints, index=index)
        return self.window_extent(out, sl, index, node)

    def _masked_index(self, sl) -> bool:
        """Whether the index expression is a boolean-mask selection (idx[mask]); never an error."""
        try:
            return type(self.expr(sl)).__name__ == "Masked"
        except AdjitError:
            return False

    def mask_index(self, sl):
        """(mask, None) when the index is one boolean array; else (None, the index to read), the
        index evaluated here bound to a hidden name when it was an expression that could have been
        a mask (a comparison, ~, &, |, ^, a call, an attribute such as `M.T`), so that it is
        evaluated once."""
        if isinstance(sl, ast.Name):
            v = self.env.get(sl.id)
            if type(v).__name__ == "MaskIndex":  # idx = np.nonzero(c); x[idx]
                return v.mask, None
            return (v, sl) if self.mask_of(v) or type(v).__name__ == "MaskGrid" else (None, sl)
        if isinstance(sl, ast.Call) and isinstance(sl.func, ast.Name) and sl.func.id == "range":
            return None, sl  # x[range(a, b)]: index_of reads it as np.arange
        if isinstance(sl, ast.Subscript):  # x[picked[e]]: a row of a boolean array is a mask
            v = self.expr(sl)  # (else the index is read again as written: a subscript has no effects,
            return (v, None) if self.mask_of(v) else (None, sl)  # and the read here is dead code)
        maybe = isinstance(sl, (ast.Compare, ast.Call, ast.BoolOp, ast.Attribute)) or isinstance(sl, ast.UnaryOp) \
            and isinstance(sl.op, (ast.Invert, ast.Not)) or isinstance(sl, ast.BinOp) and \
            isinstance(sl.op, (ast.BitAnd, ast.BitOr, ast.BitXor))
        if not maybe:
            return None, sl
        v = self.expr(sl)
        if type(v).__name__ == "MaskIndex":  # x[np.nonzero(c)], x[np.where(c)]: x[c]
            v = v.mask
        if self.mask_of(v) or type(v).__name__ == "MaskGrid":
            return v, None
        if isinstance(sl, ast.Attribute) and not isinstance(v, Value):
            return None, sl  # x[p.k], x[np.newaxis]: a Python object, read again as the index it is
        self.env["<index>"] = v
        return None, ast.copy_location(ast.Name("<index>", ast.Load()), sl)

    def split_advanced(self, base: Value, index: tuple, ints: list, copy: bool = False) -> tuple:
        """An index holding an int array as (base with the index's slices taken, the advanced part):
        gather and the indexed writes see only full slices, ints and arrays (primitives/arrays.py).
        copy=True: the sliced region is a copy (a write into it is written back by the caller)."""
        full = ("slice", None, None, None)
        if all(it[0] != "slice" or it == full for it in index):
            return base, index, ints, None, None
        b_index, b_ints, a_index, a_ints = [], [], [], []

        def b_int(k):
            b_ints.append(ints[k - 1])
            return len(b_ints)

        for it in index:
            if it[0] == "slice":
                b_index.append(("slice",) + tuple(None if k is None else b_int(k) for k in it[1:]))
                a_index.append(full)
            else:
                a_ints.append(ints[it[1] - 1])
                a_index.append((it[0], len(a_ints)))
                b_index.append(full)
        src = self.b.emit("getitem", [base] + b_ints, index=tuple(b_index))
        if copy:
            src = self.b.emit("astype", [src], dtype=src.type.dtype)
        return src, tuple(a_index), a_ints, tuple(b_index), b_ints


    def _known_int(self, e):
        try:
            v = self.expr(e)
        except Exception:
            return None
        if isinstance(v, Value):
            v = self.b.avals[v.id].value
        return int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else None

    def _affine(self, e):
        """An index bound as (the text of its run-time part, a constant offset): `i + 2` is
        (i, 2), `n - 1 + i`... only sums and differences with constants on the right."""
        if isinstance(e, ast.BinOp) and isinstance(e.op, (ast.Add, ast.Sub)):
            c = self._known_int(e.right)
            if c is not None:
                inner = self._affine(e.left)
                if inner is not None:
                    return inner[0], inner[1] + (c if isinstance(e.op, ast.Add) else -c)
            c = self._known_int(e.left) if isinstance(e.op, ast.Add) else None
            if c is not None:  # `1 + 4 * s`: the constant on the left
                inner = self._affine(e.right)
                if inner is not None:
                    return inner[0], inner[1] + c
        c = self._known_int(e) if isinstance(e, (ast.Constant, ast.UnaryOp)) else None
        if c is not None:
            return None, c
        return ast.dump(e), 0

    def window_extent(self, out: Value, sl, index: tuple, node) -> Value:
        """`x[a:a + c]` with a constant c is a window of c elements: give it that static extent,
        checked where it is taken (NumPy would clip a window running past the end, making a
        shorter array that nothing of extent c can combine with)."""
        aval = self.b.avals[out.id] if out.type.kind == "array" else None
        if aval is None or None not in aval.shape:
            return out
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        dims = list(aval.shape)
        axis = 0
        changed = False
        for it, spec in zip(items, index):
            if spec[0] == "int":
                continue
            if spec[0] == "slice" and isinstance(it, ast.Slice) and it.step is None and it.lower is not None \
                    and it.upper is not None and dims[axis] is None:
                lo, hi = self._affine(it.lower), self._affine(it.upper)
                if lo is not None and hi is not None and lo[0] is not None and lo[0] == hi[0] \
                        and hi[1] - lo[1] >= 0:
                    dims[axis] = hi[1] - lo[1]
                    changed = True
            axis += 1
        if not changed or None in dims:
            return out
        # NumPy clips a window that runs past the end (the last, partial batch of X[i:i + B]); adjit's
        # extent c is then wrong: a ValueError naming the window, before anything reads it
        got = [self.b.emit("getitem", [self.b.emit("shape", [out]), self.b.const(j)], index=(("int", 1),))
               for j, d in enumerate(aval.shape) if d is None and dims[j] is not None]
        want = [dims[j] for j, d in enumerate(aval.shape) if d is None and dims[j] is not None]
        text = ast.unparse(node) if isinstance(node, ast.AST) else "the window"
        msg = str(self.err(UnsupportedSyntaxError, f"the window {text} runs past the end of its array, where NumPy "
                           f"gives fewer elements; adjit gives a window x[a:a + c] the extent c", node)).splitlines()[0]
        for g, c in zip(got, want):
            self.b.emit("check", [self.b.emit("eq", [g, self.b.const(c)])], exc="ValueError",
                        msg=msg + " (a last, partial window: slice it as x[a:min(a + c, n)], whose extent is "
                                  "known when the function runs)")
        shape = self.b.emit("tuple", [self.b.const(d) for d in dims])
        return self.b.emit("reshape", [out, shape])

    def index_of(self, sl) -> tuple:
        """An index expression as (index spec, int values); see primitives' getitem."""
        named = self.env.get(sl.id) if isinstance(sl, ast.Name) else None
        if type(named) is tuple and not self.is_list(named) or is_struct(named) and getattr(named, "kind", "") == "tuple":
            # iu = np.triu_indices(n, 1); x[iu]: a tuple of index arrays indexes as x[iu[0], iu[1]]
            parts = self.env[sl.id]
            keys = [f"<{sl.id}[{k}]>" for k in range(len(parts))]
            self.env.update(zip(keys, parts))
            try:
                return self.index_of(ast.copy_location(ast.Tuple(elts=[ast.copy_location(ast.Name(k, ast.Load()), sl)
                                                                        for k in keys], ctx=ast.Load()), sl))
            finally:
                for k in keys:
                    del self.env[k]
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        for k, e in enumerate(items):  # x[range(n), range(n)]: a range as an index is np.arange's array
            if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "range" \
                    and self.name("range", e.func) is range:
                self.env["<np.arange>"] = np.arange
                items[k] = ast.copy_location(ast.Call(func=ast.copy_location(ast.Name("<np.arange>", ast.Load()), e.func),
                                                      args=e.args, keywords=e.keywords), e)
        items = [self._slice_object(e) for e in items]  # inner = slice(20, n - 20); x[inner]
        ints: list = []
        index = []
        arrays: list = []

        def int_input(e, array_ok=False):
            raw = self.expr(e)
            if array_ok and self.is_list(raw):
                if not raw:
                    raise self.err(UnsupportedSyntaxError, "an empty list as an index is not supported", e,
                                   hint="index with an int array of the right length")
                raw = self._build(tuple(raw), e)  # x[[0, 2]], x[idx] of a list: np.asarray of it (a gather)
            if array_ok and type(raw).__name__ == "Masked":  # x[rows, labels[pos]]: masks.py
                raw = self.selection_as_index(raw, e)
            v = self.value(raw, e)
            if v.type.kind in ("scalar", "array") and v.type.dtype in ("int16", "int8", "uint8", "uint16", "uint32",
                                                                      "uint64"):  # NumPy indexes with any int
                v = self.b.emit("astype", [v], dtype="int64")
            if v.type.kind == "array" and array_ok and v.type.dtype in ("int64", "int32"):
                arrays.append(len(ints))  # integer-array (advanced) indexing: primitives/arrays.py
            elif v.type.kind != "scalar" or v.type.dtype not in ("int64", "int32"):
                if v.type.kind == "array" and v.type.dtype == "bool" and array_ok:
                    raise self.err(UnsupportedSyntaxError, "indexing with a boolean mask (`x[mask]`) is not supported: "
                                   "the result's shape depends on the data", e,
                                   hint="keep the shape with np.where(mask, x, 0) (or x * mask), and reduce that")
                if v.type.kind == "array" and array_ok:
                    raise self.err(AdjitTypeError, f"arrays used as indices must be of integer type, not {v.type}", e)
                if v.type.kind == "array":
                    raise self.err(UnsupportedSyntaxError, "an array as a slice bound is not supported", e)
                if v.type.kind == "tuple" and isinstance(e, ast.List):
                    raise self.err(UnsupportedSyntaxError, "a list as an index (`x[[0, 2]]`) is not supported", e,
                                   hint="pass the indices as an int array argument, or use np.arange")
                raise self.err(AdjitTypeError, f"array indices must be integers, not {v.type}", e)
            ints.append(v)
            return len(ints)

        for it in items:
            if isinstance(it, ast.Slice):
                index.append(("slice",) + tuple(None if e is None else int_input(e) for e in (it.lower, it.upper, it.step)))
            elif isinstance(it, ast.Constant) and it.value is None:
                index.append(("none",))
            elif isinstance(it, ast.Constant) and it.value is Ellipsis:
                raise self.err(UnsupportedSyntaxError, "`...` in an index is not supported", it)
            else:
                k = int_input(it, array_ok=True)
                index.append(("array" if k - 1 in arrays else "int", k))
        if arrays and any(it[0] == "none" for it in index):
            raise self.err(UnsupportedSyntaxError, "None (np.newaxis) in an index together with an index array is "
                           "not supported", sl, hint="index first, then add the axis: np.expand_dims(x[idx], axis)")
        return tuple(index), ints

    def slice_value(self, args, kwargs, node) -> SliceValue:
        """Python's `slice(stop)`, `slice(start, stop[, step])` of ints (known when compiled or not) or None."""
        if kwargs or not 1 <= len(args) <= 3:
            raise self.err(AdjitTypeError, "slice() takes 1 to 3 positional arguments", node)
        parts = (None, args[0], None) if len(args) == 1 else tuple(args) + (None,) * (3 - len(args))
        for a in parts:
            if a is not None and not (isinstance(a, (int, np.integer)) and not isinstance(a, bool) or isinstance(
                    a, Value) and a.type.kind == "scalar" and a.type.dtype in ("int64", "int32")):
                raise self.err(AdjitTypeError, f"slice() bounds must be ints or None, not {_describe(a)}", node)
        return SliceValue(parts)

    def _slice_object(self, e):
        """An index item that is a slice object (a name bound to one, or a `slice(...)` call): the
        `lo:hi:step` it stands for, its bounds under hidden names; any other item as it is."""
        if isinstance(e, ast.Name) and isinstance(self.env.get(e.id), SliceValue):
            parts = self.env[e.id].parts
        elif isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "slice" \
                and e.func.id not in self.env and self.name("slice", e.func) is slice:
            parts = self.slice_value([self.expr(a) for a in e.args], {k.arg: k.value for k in e.keywords}, e).parts
        else:
            return e
        names = []
        for j, v in enumerate(parts):
            if v is None:
                names.append(None)
                continue
            key = f"<slice {id(e)} {j}>"
            self.env[key] = v
            names.append(ast.copy_location(ast.Name(key, ast.Load()), e))
        return ast.copy_location(ast.Slice(*names), e)
