"""NumPy calls made as statements for what they write, lowered as the index assignment NumPy
documents them as (so views of the array see the write, and the gradient is an assignment's):

- `np.put_along_axis(a, idx, v, axis)`: `a[I_0, ..., idx, ..., I_{r-1}] = v`, each other I_j the
  column `arange(a.shape[j])` shaped to broadcast along axis j (NumPy's own definition); a repeated
  index keeps the last value written, as NumPy's. `axis=None` (of the raveled array) is refused.
- `np.putmask(a, mask, v)`: `a[...] = where(mask, v, a)`, for `v` a number or an array of a's
  shape (NumPy's values at the same positions); a shorter `v` (cycled by NumPy) is refused.
- `np.place(a, mask, v)` with a number `v`: the same.
- `out=` of a ufunc (`np.exp(x, out=x)`, `np.add(a, b, out=a)`, `np.sin(x, out=buf[0])`, with
  `where=m` too), of np.dot and np.clip, as a statement or a value: `out[...] = f(...)` (NumPy
  broadcasts the result into out's shape and casts within its kind), then out's new value.
"""
from __future__ import annotations

import ast

import numpy as np

from ..errors import AdjitError, AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .expressions import _shift_index


def _located(node, where):
    for n in ast.walk(node):
        if "lineno" in getattr(n, "_attributes", ()):
            ast.copy_location(n, where)
            n.end_lineno, n.end_col_offset = where.end_lineno, where.end_col_offset
    return node


class InPlaceNumpy:
    """The Lowerer's np.put_along_axis, np.putmask and np.place statements."""

    @staticmethod
    def takes_out(func, call: ast.Call) -> bool:
        """A call whose result NumPy writes into its `out=` argument (out_call)."""
        return any(k.arg == "out" for k in call.keywords) and (
            isinstance(func, np.ufunc) or func is np.dot or func is np.clip)

    def out_call(self, func, call: ast.Call):
        """`f(..., out=o)` (o a name or a view of one; a one-item tuple too): `o[...] = f(...)` (with
        `where=m`: `np.where(m, f(...), o)`, o kept where m is False), then o's new value, which NumPy
        returns. A result NumPy cannot cast into o (casting='same_kind') is NumPy's error."""
        written = ast.unparse(call.func)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise self.err(UnsupportedSyntaxError, f"{written}(..., out=...) with its arguments written out", call)
        kw = {k.arg: k.value for k in call.keywords}
        target = kw.pop("out")
        if isinstance(target, ast.Tuple) and len(target.elts) == 1:
            target = target.elts[0]
        if not isinstance(target, (ast.Name, ast.Subscript, ast.Attribute)):
            raise self.err(UnsupportedSyntaxError, f"{written}: out= must name an array or a view of one here",
                           target, hint=f"o = np.empty(...); {written}(..., out=o)")
        where = kw.pop("where", None) if isinstance(func, np.ufunc) else None
        value = self.value(self.expr(_located(ast.Call(call.func, list(call.args), [
            ast.keyword(arg=k, value=v) for k, v in kw.items()]), call)), call)
        base = self.expr(target)
        if not isinstance(base, Value) or base.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written}: out must be an array", target)
        if not np.can_cast(np.dtype(value.type.dtype), np.dtype(base.type.dtype), casting="same_kind"):
            raise self.err(AdjitTypeError, f"{written}: cannot cast the output from dtype('{value.type.dtype}') to "
                           f"dtype('{base.type.dtype}') with casting rule 'same_kind' (NumPy's UFuncTypeError)", call)
        if where is not None:
            self.at(call)
            value = self.call_value(np.where, [self.value(self.expr(where), where), value, base], {}, call)
        if isinstance(target, ast.Subscript):  # out=a[k]: a view (basic index), written as a[k] = ...
            if not self._view_index(target.slice):  # NumPy would write into a copy that a never sees
                raise self.err(UnsupportedSyntaxError, f"{written}: out= an advanced-index copy (NumPy writes into a "
                               "temporary the array never sees)", target, hint="index the result instead")
            store = _located(ast.Subscript(target.value, target.slice, ast.Store()), call)
        else:
            store = _located(ast.Subscript(target, ast.Constant(Ellipsis), ast.Store()), call)
        self.assign(store, value, call)
        return self.expr(target)

    def _view_index(self, sl) -> bool:
        """An index of ints, slices, None and `...` only (a view in NumPy, never a copy)."""
        for item in sl.elts if isinstance(sl, ast.Tuple) else [sl]:
            if isinstance(item, ast.Slice) or isinstance(item, ast.Constant) and (
                    item.value is None or item.value is Ellipsis):
                continue
            v = self.expr(item)
            if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool) or isinstance(v, Value) and
                    v.type.kind == "scalar" and v.type.dtype.startswith(("int", "uint"))):
                return False
        return True

    def refuse_global_target(self, func, call: ast.Call, written: str) -> None:
        """An in-place call (np.add.at, np.copyto, np.fill_diagonal, np.putmask, out=, x.sort()) whose array is a
        module's (or closure's) array or a view of one, by any name: NumPy keeps the write, adjit's compiled code
        works on a copy; the located error `G[i] = v` gets (lower.py)."""
        from .values import Method

        at = getattr(func, "__name__", None) == "at" and isinstance(getattr(func, "__self__", None), np.ufunc)
        if isinstance(func, Method) and isinstance(call.func, ast.Attribute):
            target = call.func.value
        elif func is np.fill_diagonal or func is np.copyto or at or self.is_inplace_numpy(func):
            target = call.args[0] if call.args else None
        else:
            target = next((k.value for k in call.keywords if k.arg == "out"), None)
        held = getattr(self.b, "captures", None) or {}
        if not isinstance(target, ast.Name) or not held:
            return
        try:
            v = self.expr(target)  # a name: the array it holds (a capture's parameter, read or passed on)
        except AdjitError:
            return  # the call's own lowering says what is wrong
        v = self.b.view_of.get(v.id, v) if isinstance(v, Value) else v
        g = next((k[2] if len(k) > 2 else target.id for k, c in held.items() if c is v), None)
        if g is not None:
            raise self.err(UnsupportedSyntaxError, f"`{written}(...)` changes in place the array '{g}' of the module "
                           "(or of an enclosing function): NumPy keeps the change for the next call and for the code "
                           "that reads it after the call, adjit's compiled function works on a copy, so the results "
                           "would differ", call, hint=f"work on a copy under another name: {g}_work = {g}.copy()")

    @staticmethod
    def is_inplace_numpy(func) -> bool:
        return func is np.put_along_axis or func is np.putmask or func is np.place

    def inplace_numpy(self, func, call: ast.Call, written: str) -> None:
        names = ("arr", "indices", "values", "axis") if func is np.put_along_axis else \
            ("a", "mask", "values" if func is np.putmask else "vals")
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise self.err(UnsupportedSyntaxError, f"{written} with its arguments written out", call)
        nodes = dict(zip(names, call.args))
        nodes.update({k.arg: k.value for k in call.keywords})
        if set(nodes) != set(names):
            raise self.err(AdjitTypeError, f"{written} takes " + ", ".join(names), call)
        target = nodes[names[0]]
        if not isinstance(target, ast.Name):
            raise self.err(UnsupportedSyntaxError, f"{written} writes into an array named here", target,
                           hint=f"{written}(a, ...) with `a` a name")
        base = self.expr(target)
        if not isinstance(base, Value) or base.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written} writes into an array", target)
        tag = f"_inplace{id(call)}"
        hidden: dict = {}

        def name(key, value):
            hidden[f"{tag}_{key}"] = value
            return ast.Name(f"{tag}_{key}", ast.Load())

        rank = base.type.rank
        if func is np.put_along_axis:
            axis = self.static(self.expr(nodes["axis"]), call, "axis")
            if axis is None:
                raise self.err(UnsupportedSyntaxError, f"{written} with axis=None (of the raveled array)", call,
                               hint="write into a.ravel() through an index: flat = a.reshape(-1); flat[idx] = v")
            if not isinstance(axis, int) or not -rank <= axis < rank:
                raise self.err(AdjitTypeError, f"{written}: axis {axis} is out of range for a {rank}-d array", call)
            axis %= rank
            idx = self.value(self.expr(nodes["indices"]), nodes["indices"])
            if idx.type.kind != "array" or idx.type.rank != rank or not idx.type.dtype.startswith(("int", "uint")):
                raise self.err(AdjitTypeError, f"{written}: the indices must be an integer array of the array's "
                               f"{rank} dimensions (NumPy's rule)", nodes["indices"])
            self.at(call)
            items = []
            for j in range(rank):
                if j == axis:
                    items.append(name("idx", idx))
                    continue
                extent = self.b.emit("getitem", [self.b.emit("shape", [base]), self.b.const(j)], index=(("int", 1),))
                grid = self.call_value(np.arange, [extent], {}, call)
                shape = tuple(-1 if i == j else 1 for i in range(rank))
                items.append(name(f"grid{j}", self.b.emit("reshape", [grid, self.value(shape, call)])))
            index = ast.Tuple(items, ast.Load()) if rank > 1 else items[0]
            value = self.expr(nodes["values"])
        else:
            mask = self.value(self.expr(nodes["mask"]), nodes["mask"])
            v = self.value(self.expr(nodes[names[2]]), nodes[names[2]])
            if v.type.kind == "array" and (func is np.place or self.b.aval(v).shape != self.b.aval(base).shape):
                raise self.err(UnsupportedSyntaxError, f"{written} with values that are not a number"
                               + ("" if func is np.place else " or an array of the array's shape")
                               + " (NumPy cycles them over the masked places)", nodes[names[2]],
                               hint="a[...] = np.where(mask, v, a) with v of a's shape")
            self.at(call)
            index = ast.Constant(Ellipsis)
            value = self.call_value(np.where, [mask, v, base], {}, call)
        sub = _located(ast.Subscript(ast.Name(target.id, ast.Load()), index, ast.Store()), call)
        self.env.update(hidden)
        try:
            self.assign(sub, value, call)
        finally:
            for n in hidden:
                self.env.pop(n, None)

    def fill_diagonal(self, base: Value, val: Value, call, written) -> Value:
        """NumPy's fill_diagonal: a[i, i, ...] = v for i < min(shape), v a number or one value per
        diagonal element. wrap=True of a tall matrix (n > m) goes on as NumPy's flat steps of m + 1
        do: after a blank row, from column 0 again (positions p = 0, m + 1, ... < n m: row p // m,
        column p % m)."""
        shape = self.b.aval(base).shape
        rank = base.type.rank
        if rank < 2 or None in shape or (rank > 2 and len(set(shape)) > 1):
            raise self.err(AdjitTypeError, f"{written} needs a 2-D array (or one with equal extents) of a shape "
                           "known when the call is compiled", call)
        wrap = bool(call.keywords and self.static(self.expr(call.keywords[0].value), call, "wrap"))
        k = min(shape)
        if wrap and rank == 2 and shape[0] > shape[1]:
            n = len(range(0, shape[0] * shape[1], shape[1] + 1))
            if val.type.kind == "array" and (val.type.rank != 1 or self.b.aval(val).shape[0] not in (n, None)):
                raise self.err(AdjitTypeError, f"{written}: the value must be a number or hold {n} elements "
                               "(NumPy would repeat a shorter one)", call.args[1])
            pos = self.b.emit("arange", [self.value(v, call) for v in (0, shape[0] * shape[1], shape[1] + 1)])
            rows, cols = (self.call_value(f, [pos, shape[1]], {}, call) for f in (np.floor_divide, np.remainder))
            return self.b.emit("index_update", [base, val, rows, cols], index=_shift_index((("array", 1), ("array", 2)), 1))
        if val.type.kind == "array" and (val.type.rank != 1 or self.b.aval(val).shape[0] not in (k, None)):
            raise self.err(AdjitTypeError, f"{written}: the value must be a number or hold {k} elements "
                           "(NumPy would repeat a shorter one)", call.args[1])
        idx = self.b.emit("arange", [self.value(0, call), self.value(k, call), self.value(1, call)])
        index = tuple(("array", 1 + j) for j in range(rank))
        new = self.b.emit("index_update", [base, val] + [idx] * rank, index=_shift_index(index, 1))
        return new

    def copy_into(self, base: Value, val: Value, call, written) -> Value:
        """np.copyto(dst, src): dst[...] = src, cast to dst's dtype."""
        if val.type.dtype != base.type.dtype:
            if base.type.dtype not in ("float32", "float64") and val.type.dtype in ("float32", "float64"):
                raise self.err(AdjitTypeError, f"{written} casts floats into an array of {base.type.dtype}; "
                               "NumPy raises here (same-kind casting)", call)
            val = self.b.emit("astype", [val], dtype=base.type.dtype)
        if base.type.rank == 0:
            return val
        index = tuple(("slice", None, None, None) for _ in range(base.type.rank))
        return self.b.emit("index_update", [base, val], index=index)
