"""Selections along an axis through transposes, shapes and products (issue 12; masks.py holds the
selections themselves).

`x[mask]` is NumPy's array with one axis (the count axis) of a length known only at run time;
masks.py keeps it expanded at x's shape (`Masked`). What is lowered here is what padding the
unselected places with zeros computes exactly:

- `.T`, `np.transpose`, `.transpose()`, `np.swapaxes`: the values and the mask transposed, the
  selected axes moving with NumPy's count axis (`Masked.axis`);
- `.shape`, `len()`, `.ndim`, `.size`: the number selected is counted when the function runs;
- `A @ B`, `np.dot`, `np.matmul` (operands of at most 2 dimensions): the selected axis contracted
  in both operands, selected by the same mask (`Xtr.T @ Xtr`, `Xtr.T @ ytr`), is an ordinary
  array, `where(mask, A, 0) @ where(mask, B, 0)`; a selected axis left free (`Xtr @ w`, one row
  per selected row) is a selection again. A selected axis contracted with an array's axis
  (`Xtr.T @ u`) pairs u's rows with the selected ones, as NumPy does when their numbers agree: u is
  spread at their positions, the scatter checking when the function runs that u has one row per
  selected element (a ValueError otherwise; an axis of length 1 is a located error). Two selected axes in one result, or a selected axis contracted with a
  full axis of another selection, is a located error;
- `np.var`, `np.std` (`axis`, `ddof`, `keepdims`): the selection's mean, differences and sums;
- a basic index that leaves the count axis whole (`boxes[pos][:, 2]`): the same index of the
  values and the mask;
- `np.sort` of a 1-D selection, `np.bincount` of selections (the indices, the weights): of the
  arrays NumPy makes (masks.selection_array).

Attributes and methods of a selection reach this module through `attribute` and `method`
below. `np.transpose` and `np.matmul` are rows (masks.masked_call); `len`, `np.dot`,
`np.swapaxes`, `np.var` and `np.std` are forms, lowered by `masked_function` when the call
dispatch (expressions.py `call`) hands it a call with a selection among its arguments before the
forms take it; without that they are the usual located error."""
from __future__ import annotations

import math

import builtins

import numpy as np

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .maskblocks import square_attribute, square_binop, square_select
from .values import Method, _is_number

_FULL = ("slice", None, None, None)
_HINT = "keep the shape: np.where(mask, x, 0.0) (or x * mask), then reduce; np.sum(x[mask]) is " \
        "np.sum(np.where(mask, x, 0))"
_METHOD = "selection."  # a selection's methods, named apart from the forms' own (forms/base.py takes those)
# forms (forms/) that are elementwise in their array operands: a selection passes through them
_ELEMENTWISE_FORMS = frozenset(("floor", "ceil", "round", "rint", "trunc", "exp2", "log2", "log10", "sinc", "heaviside",
                                "fmax", "fmin", "nan_to_num", "isnan", "isinf", "isfinite", "polygamma"))
_METHODS = ("sum", "mean", "max", "min", "var", "std", "transpose", "swapaxes", "dot")


def _masked(x) -> bool:
    return type(x).__name__ == "Masked"


def _inverse(perm) -> tuple:
    inv = [0] * len(perm)
    for k, a in enumerate(perm):
        inv[a] = k
    return tuple(inv)


class SelectionAxes:
    """The Lowerer's selections along an axis (mixed into masks.MaskedSelections)."""

    # ------------------------------------------------------------ the Lowerer's entry points, extended
    def attribute(self, base, node):
        if _masked(base):
            return self.masked_attribute(base, node)
        if type(base).__name__ == "MaskedSquare":  # K_ff.T: maskblocks.py
            return square_attribute(self, base, node)
        return super().attribute(base, node)

    def binop(self, optype, left, right, node):
        if type(left).__name__ == "MaskedSquare" or type(right).__name__ == "MaskedSquare":  # K_ff @ u_f: maskblocks.py
            return square_binop(self, optype, left, right, node)
        return super().binop(optype, left, right, node)

    def method(self, m, args, kwargs, node):
        if _masked(m.obj) and m.name.startswith(_METHOD):
            return self.masked_method(m.name[len(_METHOD):], m.obj, args, kwargs, node)
        return super().method(m, args, kwargs, node)

    def masked_attribute(self, x, node):
        attr = node.attr
        if attr == "T":
            return self.masked_transpose(x, None, node)
        if attr == "shape":
            return self.selection_shape(x, node)
        if attr == "ndim":
            return x.ndim
        if attr == "size":
            size = None
            for d in self.selection_shape(x, node):
                size = d if size is None else (size * d if isinstance(size, int) and isinstance(d, int)
                                               else self.b.emit("mul", [self.value(size, node), self.value(d, node)]))
            return size
        if attr == "dtype":
            return np.dtype(x.values.type.dtype)
        if attr in _METHODS:
            return Method(_METHOD + attr, x)
        raise self.masked_value_error(node)

    def masked_method(self, name, x, args, kwargs, node):
        if name in ("sum", "mean", "max", "min"):
            return self.reduction(name, x, args, kwargs, node)
        if name == "transpose":
            if kwargs:
                raise self.err(UnsupportedSyntaxError, ".transpose() takes the axes only", node)
            return self.masked_transpose(x, args[0] if len(args) == 1 else (tuple(args) if args else None), node)
        return self.masked_function({"swapaxes": np.swapaxes, "var": np.var, "std": np.std, "dot": np.dot}[name],
                                    (x,) + tuple(args), kwargs, node)

    def masked_function(self, func, args, kwargs, node):
        """func (a NumPy function or len) called with a selection among its arguments, lowered;
        None when it is not one lowered here (the caller's usual error follows)."""
        if func is builtins.len and len(args) == 1 and not kwargs and _masked(args[0]):
            return self.selection_shape(args[0], node)[0]
        if func is np.shape and len(args) == 1 and not kwargs and _masked(args[0]):
            return self.selection_shape(args[0], node)
        if func is np.ndim and len(args) == 1 and not kwargs and _masked(args[0]):
            return args[0].ndim
        if func is np.transpose:
            x, axes = self.bind_args("np.transpose", ("a", "axes"), args, kwargs, node, axes=None)
            return self.masked_transpose(x, axes, node) if _masked(x) else None
        if func is np.swapaxes:
            x, a1, a2 = self.bind_args("np.swapaxes", ("a", "axis1", "axis2"), args, kwargs, node)
            if not _masked(x):
                return None
            a1, a2 = (self.static(a, node, "axis") for a in (a1, a2))
            if not all(isinstance(a, int) and -x.ndim <= a < x.ndim for a in (a1, a2)):
                raise self.err(ShapeError, f"np.swapaxes: axis {a1}, {a2} out of bounds for an array of dimension "
                               f"{x.ndim}", node)
            perm = list(range(x.ndim))
            perm[a1], perm[a2] = perm[a2], perm[a1]
            return self.masked_transpose(x, tuple(perm), node)
        if func is np.dot or func is np.matmul:
            label = "np.dot" if func is np.dot else "np.matmul"
            a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
            if func is np.dot and any(_is_number(v) or isinstance(v, Value) and v.type.kind == "scalar" for v in (a, b)):
                return self.masked_elementwise("mul", [a, b], node)  # np.dot with a number multiplies
            return self.masked_matmul(a, b, node, label)
        if (func is np.any or func is np.all) and args and _masked(args[0]) and len(args) == 1 and not kwargs:
            # np.any(h[m] == i): a max (min) of the selected truth values (0 for none selected: False, as
            # NumPy's any of an empty array; np.all of it is True: 1 for none selected)
            x, emit = args[0], self.b.emit
            truth = x.values if x.values.type.dtype == "bool" else emit("ne", [x.values, self.b.const(0)])
            fill = self.b.const(0.0 if func is np.any else 1.0)
            kept = emit("where", [x.mask, emit("astype", [truth], dtype="float64"), fill])
            r = self._reduce("max" if func is np.any else "min", kept, None, False, node)
            return self.b.emit("gt", [r, self.b.const(0.0)])
        if self.FUNCTIONS().get(id(func)) == "logsumexp" and args and _masked(args[0]) and len(args) == 1 \
                and kwargs.get("axis") is None and set(kwargs) <= {"axis"}:
            # logsumexp(x[mask]): of where(mask, x, -inf) (an unselected place adds exp(-inf) = 0)
            x = args[0]
            return self.numpy_form(func, (self.b.emit("where", [x.mask, x.values, self.b.const(-math.inf)]),), {}, node)
        if func is np.sort and args and _masked(args[0]):  # hard-negative mining: np.sort(loss[~pos])[::-1][:k]
            return self.numpy_form(func, (self.selection_array(args[0], node),) + tuple(args[1:]), kwargs, node)
        if func is np.bincount:  # np.bincount(b[ok], weights=w[ok], minlength=nb): of the arrays NumPy makes
            args = tuple(self.selection_array(a, node) if _masked(a) else a for a in args)
            kwargs = {k: self.selection_array(v, node) if _masked(v) else v for k, v in kwargs.items()}
            return self.numpy_form(func, args, kwargs, node)
        if self.FUNCTIONS().get(id(func)) in _ELEMENTWISE_FORMS:  # np.log10(x[mask]): on the filled values
            items = list(args) + list(kwargs.values())
            filled, first = self.masked_fill(items, node)
            out = self.numpy_form(func, tuple(filled[:len(args)]), dict(zip(kwargs, filled[len(args):])), node)
            return self.masked_result(out, first, node)
        if func is np.var or func is np.std:
            label = f"np.{func.__name__}"
            x, axis, dtype, out, ddof, keepdims = self.bind_args(
                label, ("a", "axis", "dtype", "out", "ddof", "keepdims"), args, kwargs, node,
                axis=None, dtype=None, out=None, ddof=0, keepdims=False)
            if not _masked(x) or dtype is not None or out is not None:
                return None
            return self.masked_var(x, axis, ddof, keepdims, node, std=func is np.std)
        return None

    # ------------------------------------------------------------------------------- shapes
    def _sel_dim(self, v: Value, a: int):
        """Extent a of v: an int when known when the call is compiled, else its value."""
        d = self.b.aval(v).shape[a]
        if d is not None:
            return int(d)
        return self.b.emit("getitem", [self.b.emit("shape", [v]), self.b.const(a)], index=(("int", 1),))

    def selected_count(self, select: Value) -> Value:
        """The number of True elements of a mask, an int when the function runs."""
        ones = self.b.emit("astype", [select], dtype="int64")
        count = self.b.emit("sum", [ones], axis=tuple(range(select.type.rank)), keepdims=False)
        count.hint = "count"
        return count

    def selection_shape(self, x, node) -> tuple:
        """NumPy's shape of the selection: the count where the selected axis stands."""
        self.at(node)
        count = self.selected_count(self._selector(x))
        return tuple(count if a == x.axis else self._sel_dim(x.values, self.expanded(x, a)[0]) for a in range(x.ndim))

    def _tuple(self, dims) -> Value:
        return self.b.emit("tuple", [d if isinstance(d, Value) else self.b.const(d) for d in dims])

    # --------------------------------------------------------------------------- transposes
    def _expanded_perm(self, x, axes) -> tuple:
        return tuple(e for a in axes for e in self.expanded(x, a))

    def masked_transpose(self, x, axes, node):
        """NumPy's transpose of the selection: the values and the mask transposed alike, the
        selected axes kept together where the count axis goes."""
        from .masks import Masked

        ndim = x.ndim
        axes = tuple(reversed(range(ndim))) if axes is None else self.static(axes, node, "transpose axes")
        axes = (axes,) if isinstance(axes, int) else tuple(axes)
        norm = tuple(a + ndim if isinstance(a, int) and a < 0 else a for a in axes)
        if sorted(norm) != list(range(ndim)):
            raise self.err(ShapeError, f"axes {axes} don't match an array of dimension {ndim}", node)
        if norm == tuple(range(ndim)):
            return x
        select = self._selector(x)
        perm = self._expanded_perm(x, norm)
        self.at(node)
        values = self.b.emit("transpose", [x.values], axes=perm)
        mask = self.b.emit("transpose", [x.mask], axes=perm)
        return Masked(values, mask, x.rows, select, perm.index(x.axis))

    def spread_at(self, u: Value, x, node, assign: bool = False) -> Value:
        """masks.masked_spread for a selection whose selected axes may stand anywhere: u's axes
        moved as the count axis moves to the front, spread there, and moved back."""
        if x.axis == 0:
            return self.masked_spread(u, x, node, assign)
        ndim = x.ndim
        if u.type.rank <= ndim - 1 - x.axis:
            return u  # it does not reach the selected axis: it broadcasts as it is
        if u.type.rank > ndim:
            raise self.err(ShapeError, f"an array of {u.type.rank} dimensions paired with a boolean-mask selection of "
                           f"{ndim}: the result's shape would depend on the data", node, hint=_HINT)
        emit = self.b.emit
        order = (x.axis,) + tuple(a for a in range(ndim) if a != x.axis)
        front = self.masked_transpose(x, order, node)
        self.at(node)
        if u.type.rank < ndim:
            u = emit("expand_dims", [u], axis=tuple(range(ndim - u.type.rank)))
        s = self.masked_spread(emit("transpose", [u], axes=order), front, node, assign)
        full = front.values.type.rank
        if s.type.rank < full:
            s = emit("expand_dims", [s], axis=tuple(range(full - s.type.rank)))
        return emit("transpose", [s], axes=_inverse(self._expanded_perm(x, order)))

    def selection_of_selection(self, x, k, node):
        """x[k] where x = v[m] and k (bool) = u[m] selects along x's count axis: NumPy's v[m][k] is
        v[m & k'], k' the full-shape booleans k is a selection of (they stand where m selects), so
        the result is again a selection of v, by the mask m & k'."""
        if k.values.type.dtype != "bool" or not self.same_selection(x, k) or x.axis != 0 or k.axis != 0 \
                or k.values.type.rank != k.rows:
            raise self.err(UnsupportedSyntaxError, "a boolean-mask selection indexed by a selection that is not a "
                           "boolean one by the same mask along its count axis", node, hint=_HINT)
        self.at(node)
        both = self.b.emit("logical_and", [self._selector(x), k.values])
        return self.reselect(x.values, both, x.rows, 0)

    def masked_subscript(self, x, node):
        """`boxes[pos][:, 2]`, `sel[..., 1:3]`, `sel[:, None]`: a basic index (ints, slices, None) of
        a selection that leaves its count axis whole (`:`) is the same index of its values and mask,
        a selection again; an index into the count axis depends on the data (the located error)."""
        import ast

        sl = node.slice
        if not isinstance(sl, (ast.Tuple, ast.Slice, ast.Constant)):
            sub = self.expr(sl)
            if type(sub).__name__ == "Masked":  # h[m][k] with k = (h[m] == i): a selection by both
                return self.selection_of_selection(x, sub, node)
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        ellipses = [k for k, e in enumerate(items) if isinstance(e, ast.Constant) and e.value is Ellipsis]
        nones = sum(1 for e in items if isinstance(e, ast.Constant) and e.value is None)  # np.newaxis: no axis used
        full = ast.Slice(lower=None, upper=None, step=None)
        if len(ellipses) > 1 or len(items) - len(ellipses) - nones > x.ndim:
            raise self.err(AdjitTypeError, f"too many indices for a selection of {x.ndim} dimensions", node)
        if ellipses:
            k = ellipses[0]
            items = items[:k] + [full] * (x.ndim - len(items) + 1 + nones) + items[k + 1:]
        items += [full] * (x.ndim - len(items) + nones)
        names, expanded, axis, used = [], [], None, 0  # axis: where the count axis lands in the values
        for k, e in enumerate(items):
            if isinstance(e, ast.Constant) and e.value is None:  # sel[:, None]: a new axis of length 1
                expanded.append(e)
                continue
            if used == x.axis:
                if not (isinstance(e, ast.Slice) and e.lower is None and e.upper is None and e.step is None):
                    raise self.err(UnsupportedSyntaxError, "indexing the count axis of a boolean-mask selection "
                                   "(`x[mask][0]`) reads an element whose place depends on the data", node, hint=_HINT)
                axis = sum(1 for f in expanded if not isinstance(f, ast.Name))  # the axes kept before it
                expanded += [full] * x.rows
                used += 1
                continue
            used += 1
            if isinstance(e, ast.Slice):
                expanded.append(e)
                continue
            v = self.expr(e)
            if k == 1 and x.rows == 1 and x.axis == 0 and x.ndim == 2 and len(items) == 2 and self.mask_of(v) \
                    and v.type.rank == 1:  # K[free][:, free]: the square block (maskblocks.py)
                return square_select(self, x.values, (self._selector(x), v), node)
            if not (isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Value) and v.type.kind == "scalar"
                    and v.type.dtype in ("int64", "int32")):
                raise self.err(UnsupportedSyntaxError, "a boolean-mask selection indexed by anything but ints, "
                               "slices and None outside its count axis", node, hint=_HINT)
            name = f"<selection index {k}>"
            self.env[name] = v
            names.append(name)
            expanded.append(ast.copy_location(ast.Name(name, ast.Load()), e))
        out = []
        try:
            for part, key in ((x.values, "<selection values>"), (x.mask, "<selection mask>")):
                self.env[key] = part
                index = ast.copy_location(ast.Tuple(expanded, ast.Load()), node)
                out.append(self.subscript(ast.copy_location(ast.Subscript(
                    value=ast.copy_location(ast.Name(key, ast.Load()), node), slice=index, ctx=ast.Load()), node)))
                del self.env[key]
        finally:
            for name in names:
                self.env.pop(name, None)
        return type(x)(out[0], out[1], x.rows, self._selector(x), axis)

    # ----------------------------------------------------------------------------- products
    def _flat(self, x):
        """The selection with its selected axes (a mask of several dimensions) made one, in C order."""
        from .masks import Masked

        if x.rows == 1:
            return x
        select = self._selector(x)
        rank, a, k = x.values.type.rank, x.axis, x.rows
        shape = self._tuple([self._sel_dim(x.values, d) for d in range(a)] + [-1]
                            + [self._sel_dim(x.values, d) for d in range(a + k, rank)])
        emit = self.b.emit
        flat = emit("reshape", [select, self._tuple([-1])])
        return Masked(emit("reshape", [x.values, shape]), emit("reshape", [x.mask, shape]), 1, flat, a)

    def _zeroed(self, x) -> Value:
        """The selection's values with zeros where nothing is selected."""
        return self.b.emit("where", [x.mask, x.values, self.b.const(0.0)])

    def _rows_at(self, u: Value, axis: int, x, node, label: str) -> Value:
        """u's axis `axis` paired with the selected elements of x (a flat selection), as NumPy pairs
        them when their numbers agree: u's rows added into zeros at the selected positions, the
        scatter checking when the function runs that there is one per selected element (ValueError)."""
        extent = self.b.aval(u).shape[axis]
        if extent is None:
            raise self.err(UnsupportedSyntaxError, f"{label} of the elements a boolean mask selects with an array "
                           "whose length is known only when the function runs", node,
                           hint="give it a length known when the call is compiled, or select it by the same mask")
        if extent == 1:  # the scatter would broadcast it
            raise self.err(ShapeError, f"{label} contracts the elements a boolean mask selects with an axis of length "
                           "1: NumPy raises unless exactly one element is selected", node,
                           hint="select both operands by the same mask: x[mask].T @ y[mask]")
        emit = self.b.emit
        moved = u if axis == 0 else emit("transpose", [u], axes=(1, 0))
        select = self._selector(x)
        rest = [self._sel_dim(moved, d) for d in range(1, moved.type.rank)]
        spread = emit("zeros", [self._tuple([self._sel_dim(select, 0)] + rest)], dtype=u.type.dtype)
        spread = emit("index_add", [spread, moved, self.mask_positions(select)],
                      index=(("array", 2),) + (_FULL,) * len(rest))
        spread.hint = "spread"
        return spread if axis == 0 else emit("transpose", [spread], axes=(1, 0))

    def masked_matmul(self, a, b, node, label: str = "`@`"):
        """a @ b with a selection among the operands (the module docstring): one case for each place
        the selected axis can stand in the two operands."""
        ops = []
        for x in (a, b):
            if _masked(x):
                x = self._flat(x)
                r = x.ndim
            else:
                r = 0 if _is_number(x) else self.value(x, node).type.rank
                if r == 0:
                    raise self.err(AdjitTypeError, f"{label}: an operand is a number; matmul takes arrays", node,
                                   hint="multiply by a number with *")
                x = self.value(x, node)
            if r > 2:
                raise self.err(UnsupportedSyntaxError, f"{label} of a boolean-mask selection with an array of {r} "
                               "dimensions (a stack of matrices)", node, hint=_HINT)
            ops.append((x, r))
        (A, ra), (B, rb) = ops
        self.at(node)
        emit = self.b.emit
        a_sum = _masked(A) and A.axis == ra - 1  # the selected axis is the one contracted
        b_sum = _masked(B) and B.axis == 0
        a_free, b_free = _masked(A) and not a_sum, _masked(B) and not b_sum
        if a_free and b_free:
            raise self.err(UnsupportedSyntaxError, f"{label} of two selections along axes it keeps: the result would "
                           "be selected along two axes", node,
                           hint="keep the full shape: zero the rows not selected (Zt = Z * obs[:, None]) and give "
                                "them 1 on the diagonal of what is inverted or factored (S = Zt @ P @ Zt.T + "
                                "np.diag(np.where(obs, h, 1.0)), v = np.where(obs, y - Z @ a, 0.0)): its determinant "
                                "and solves then see only the selected block (a Kalman filter with missing entries)")
        if a_sum and b_free or b_sum and a_free:
            raise self.err(ShapeError, f"{label} contracts the elements a boolean mask selects with a full axis of "
                           "another selection: NumPy raises unless their lengths agree, which depends on the data",
                           node, hint="select both operands' contracted axes with the same mask: x[mask].T @ y[mask]")
        if a_sum and b_sum:
            if not self.same_mask(self._selector(A), self._selector(B)):
                raise self.err(UnsupportedSyntaxError, f"{label} of selections by different boolean masks pairs their "
                               "elements by position, which depends on the data", node, hint=_HINT)
            return emit("matmul", [self._zeroed(A), self._zeroed(B)])
        if a_sum:  # x[mask].T @ u: u holds a row per selected element
            return emit("matmul", [self._zeroed(A), self._rows_at(B, 0, A, node, label)])
        if b_sum:
            return emit("matmul", [self._rows_at(A, ra - 1, B, node, label), self._zeroed(B)])
        if a_free:  # x[mask] @ w: a row per selected row
            return self._unflat(emit("matmul", [self._zeroed(A), B]), a, 0)
        out = emit("matmul", [A, self._zeroed(B)])  # w @ x[mask].T: a column per selected row
        return self._unflat(out, b, out.type.rank - 1)

    def _unflat(self, out: Value, x, axis: int):
        """The selection of `out` by x's mask along `axis`, its one selected axis (made by _flat)
        expanded back to the mask's axes, so that it pairs with other selections by that mask."""
        select = self._selector(x)
        if x.rows > 1:
            dims = [self._sel_dim(out, d) for d in range(axis)] + [self._sel_dim(select, d) for d in range(x.rows)] \
                + [self._sel_dim(out, d) for d in range(axis + 1, out.type.rank)]
            out = self.b.emit("reshape", [out, self._tuple(dims)])
        return self.reselect(out, select, x.rows, axis)

    # ---------------------------------------------------------------------------- moments
    def _arith(self, prim: str, args, node):
        if any(_masked(a) for a in args):
            return self.masked_elementwise(prim, list(args), node)
        return self.b.emit(prim, [self.value(a, node) for a in args])

    def masked_var(self, x, axis, ddof, keepdims, node, std: bool = False):
        """np.var / np.std of a selection: the sum of squared differences from its mean over the
        number selected less ddof (none below 0, as NumPy), over `axis`."""
        from .masks import Masked

        ddof = self.static(ddof, node, "ddof")
        mean = self.masked_reduce("mean", x, axis, True, node)
        d = self.masked_elementwise("sub", [x, mean], node)
        total = self.masked_reduce("sum", self.masked_elementwise("mul", [d, d], node), axis, keepdims, node)
        cdt = "float32" if x.values.type.dtype == "float32" else "float64"  # float32 stays float32, as NumPy's
        ones = Masked(self.b.emit("astype", [x.mask], dtype=cdt), x.mask, x.rows, x.select, x.axis)
        n = self.masked_reduce("sum", ones, axis, keepdims, node)
        denom = self._arith("maximum", [self._arith("sub", [n, float(ddof)], node), 0.0], node)
        var = self._arith("div", [total, denom], node)
        return self._arith("sqrt", [var], node) if std else var
