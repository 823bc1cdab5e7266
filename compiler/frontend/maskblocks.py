"""The block boolean masks select on both axes of a matrix (heldout18: finite elements with supports):
`K[np.ix_(free, free)]`, `K[free][:, free]`, and with two masks `K[np.ix_(free, ~free)]` (prescribed
displacements). `K[np.ix_(free, fixed)]` with `fixed` an int array is the selection by free of the rows of
K[:, fixed] (`K[np.ix_(fixed, free)]`: of the columns of K[fixed]), an ordinary selection (masks.py).

NumPy's block has as many rows as the mask has True elements, known only when the function runs.
It is kept at K's own shape (`MaskedSquare`: the values and the 1-D masks), and what it is used for
is lowered on the *padded* matrix, which has K's entries where both the row and the column are
selected and the identity elsewhere. Reordered to put the selected indices first, the padded matrix
is diag(K_ff, I), so

- `np.linalg.solve(K_ff, b[free])` is the selection by `free` of solve(padded, where(free, b, 0))
  (the unselected unknowns are 0);
- `np.linalg.det`/`slogdet(K_ff)` are those of the padded matrix (the identity block adds det 1);
- `np.linalg.inv(K_ff)`, `np.linalg.cholesky(K_ff)` are blocks again: the padded matrix's inverse or
  factor restricted to the selected rows and columns (an unselected index's row and column of the
  factor are those of the identity, whatever the order);
- `K_ff @ x[free]`, `K_ff @ M_ff`, `K_ff.T`, `np.diag(K_ff)` (a selection), and `+ - * /` with a
  number or a block by the same mask are the same operations on the zero-padded values; so are the
  products of a block by two masks (`K_fc @ u[~free]`: a selection by free), whose solves and
  factorizations are refused (whether it is square depends on the data).

Each is exact, value and derivative (the where's adjoint sends nothing to unselected entries).
Anything else with such a block is a located error naming the full-shape rewrite. Functions of the
Lowerer (`self`), called from the dispatch points in indexing.py, expressions.py, maskaxes.py and
lower.py, not a mixin."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value

HINT = ("keep the full shape: Kp = np.where(free[:, None] & free[None, :], K, np.eye(n)); "
        "u = np.linalg.solve(Kp, np.where(free, f, 0.0)) (u is 0 where not free; det and cholesky of Kp are "
        "those of the block)")


class MaskGrid:
    """np.ix_ of 1-D boolean arrays: the masks, for the subscript that takes them."""

    def __init__(self, masks: tuple):
        self.masks = masks
        self.__name__ = "np.ix_ of boolean arrays"


class MaskedSquare:
    """K[np.ix_(m, n)]: K's values at its own shape (2-D), the 1-D row mask `select` and column mask `cols`
    (the same mask for the square block of K[np.ix_(free, free)])."""

    def __init__(self, values: Value, select: Value, cols: Value | None = None):
        self.values, self.select = values, select
        self.cols = select if cols is None else cols
        self.__name__ = "a square block selected by a boolean mask on both axes" if self.cols is select else \
            "a block selected by boolean masks on both axes"


def is_grid(x) -> bool:
    return type(x).__name__ == "MaskGrid"


def is_square(x) -> bool:
    return type(x).__name__ == "MaskedSquare"


def _square(self, x: MaskedSquare) -> bool:
    return x.cols is x.select or self.same_mask(x.cols, x.select)


def square_select(self, base, masks, node):
    """base[np.ix_(m0, m1)] (or base[m0][:, m1]) of a 2-D array: a block by two masks (one mask: the square
    block), or with one axis an int array a selection along the other (K[np.ix_(free, fixed)] is K[:, fixed][free])."""
    base = self.value(base, node)
    if len(masks) != 2 or base.type.kind != "array" or base.type.rank != 2:
        raise self.err(UnsupportedSyntaxError, "np.ix_ of boolean arrays selects a number of elements known only when "
                       "the function runs: adjit takes the block of a matrix it selects (K[np.ix_(free, free)])", node,
                       hint=HINT)
    shape = self.b.aval(base).shape
    for k, m in enumerate(masks):
        d = self.b.aval(m).shape[0]
        if m.type.dtype == "bool" and d is not None and shape[k] is not None and d != shape[k]:
            raise self.err(ShapeError, f"boolean index of shape {(d,)} does not match the indexed array's extent "
                           f"{shape[k]} along axis {k}", node)
    m0, m1 = masks
    self.at(node)
    if m1.type.dtype != "bool":  # K[np.ix_(free, fixed)]: the rows of K[:, fixed] that free selects
        return self.masked_select(self.call_value(np.take, [base, m1], {"axis": 1}, node), m0, node)
    if m0.type.dtype != "bool":  # K[np.ix_(fixed, free)]: the columns of K[fixed] that free selects
        return self.reselect(self.call_value(np.take, [base, m0], {"axis": 0}, node), m1, 1, 1)
    # a copy, as NumPy's fancy index is: a later write into base is not a write into the block
    values = self.b.emit("astype", [base], dtype=base.type.dtype)
    return MaskedSquare(values, m0) if self.same_mask(m0, m1) else MaskedSquare(values, m0, m1)


def _both(self, x: MaskedSquare) -> Value:
    emit = self.b.emit
    return emit("logical_and", [emit("expand_dims", [x.select], axis=(1,)), emit("expand_dims", [x.cols], axis=(0,))])


def _padded(self, x: MaskedSquare, node, label: str) -> Value:
    """The values where both indices are selected, the identity elsewhere (a square block only)."""
    if not _square(self, x):
        raise self.err(UnsupportedSyntaxError, f"{label} of a block selected by two different boolean masks: "
                       "whether it is square depends on the data", node, hint=HINT)
    emit = self.b.emit
    n = self._extent(x.values, 0, node, label)
    r = emit("arange", [self.value(0, node), self.value(n, node), self.value(1, node)])
    eye = emit("eq", [emit("expand_dims", [r], axis=(1,)), emit("expand_dims", [r], axis=(0,))])
    return emit("where", [_both(self, x), x.values, emit("astype", [eye], dtype=x.values.type.dtype)])


def _zero(self, x: MaskedSquare) -> Value:
    return self.b.emit("where", [_both(self, x), x.values, self.b.const(0.0)])


def _rows(self, b, mask: Value, node, label: str) -> Value:
    """b[m] (a selection along its first axis by the block's mask m), zero where not selected."""
    if not (type(b).__name__ == "Masked" and b.rows == 1 and b.axis == 0 and b.values.type.rank in (1, 2)
            and self.same_mask(self._selector(b), mask)):
        raise self.err(ShapeError, f"{label} of a block selected by a boolean mask with an operand not selected by "
                       "the same mask: NumPy pairs them only when their lengths agree, which depends on the data",
                       node, hint="select the other operand's rows with the same mask (f[free]), or " + HINT)
    return self._zeroed(b)


def _transposed(self, x: MaskedSquare) -> MaskedSquare:
    return MaskedSquare(self.b.emit("transpose", [x.values], axes=(1, 0)), x.cols, x.select)


def square_call(self, func, args, kwargs, node):
    """func called with a block among its arguments (the module docstring), or the located error."""
    label = {np.linalg.solve: "np.linalg.solve", np.linalg.det: "np.linalg.det", np.linalg.slogdet: "np.linalg.slogdet",
             np.linalg.inv: "np.linalg.inv", np.linalg.cholesky: "np.linalg.cholesky", np.diag: "np.diag",
             np.matmul: "np.matmul", np.dot: "np.dot", np.transpose: "np.transpose"}.get(func)
    if label is None or kwargs:
        name = getattr(func, "__name__", "this function")
        raise self.err(UnsupportedSyntaxError, f"{name} of a block selected by a boolean mask on both axes: adjit "
                       "takes np.linalg.solve, det, slogdet, inv, cholesky, np.diag, @ and .T of it", node, hint=HINT)
    if func is np.linalg.solve:
        a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
        if not is_square(a):
            raise self.err(ShapeError, f"{label}'s right-hand side is a block selected by a boolean mask on both "
                           "axes, its matrix is not", node, hint=HINT)
        matrix = _padded(self, a, node, label)
        if is_square(b):  # solve(K_ff, M_fg): a block by (free, g)
            if not self.same_mask(b.select, a.cols):
                raise self.err(ShapeError, f"{label} of blocks selected by different boolean masks pairs their "
                               "elements by position, which depends on the data", node, hint=HINT)
            return MaskedSquare(self.call_value(func, [matrix, _zero(self, b)], {}, node), a.select, b.cols)
        out = self.call_value(func, [matrix, _rows(self, b, a.cols, node, label)], {}, node)
        return self.reselect(out, a.select, 1, 0)
    if func in (np.matmul, np.dot):
        a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
        return square_matmul(self, a, b, node)
    (x,) = self.bind_args(label, ("a",), args, kwargs, node) if func is not np.diag else (args[0],)
    if func is np.diag and len(args) != 1 or not is_square(x):
        raise self.err(UnsupportedSyntaxError, f"{label} of a block selected by a boolean mask: one argument",
                       node, hint=HINT)
    if func is np.transpose:
        return _transposed(self, x)
    if func is np.diag:
        if not _square(self, x):
            raise self.err(UnsupportedSyntaxError, f"{label} of a block selected by two different boolean masks",
                           node, hint=HINT)
        return self.reselect(self.b.emit("diagonal", [x.values], offset=0), x.select, 1, 0)
    out = self.call_value(func, [_padded(self, x, node, label)], {}, node)  # det, slogdet, inv, cholesky
    return MaskedSquare(out, x.select) if func in (np.linalg.inv, np.linalg.cholesky) else out


def square_matmul(self, a, b, node):
    """K_ff @ x[free], K_fc @ u[~free], K_ff @ M_ff, x[free] @ K_ff: products of the zero-padded values."""
    emit = self.b.emit
    if is_square(a) and is_square(b):
        if not self.same_mask(a.cols, b.select):
            raise self.err(UnsupportedSyntaxError, "`@` of blocks selected by different boolean masks pairs their "
                           "elements by position, which depends on the data", node, hint=HINT)
        return MaskedSquare(emit("matmul", [_zero(self, a), _zero(self, b)]), a.select, b.cols)
    if is_square(a):
        out = emit("matmul", [_zero(self, a), _rows(self, b, a.cols, node, "`@`")])
        return self.reselect(out, a.select, 1, 0)
    if type(a).__name__ == "Masked" and a.values.type.rank == 1:  # u_f @ K_ff: a selection along the columns
        out = emit("matmul", [_rows(self, a, b.select, node, "`@`"), _zero(self, b)])
        return self.reselect(out, b.cols, 1, 0)
    raise self.err(ShapeError, "`@` of a block selected by a boolean mask with an operand not selected by the same "
                   "mask: NumPy pairs them only when their lengths agree, which depends on the data", node, hint=HINT)


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.MatMult: "matmul"}
_ELEMENTWISE = ("add", "sub", "mul", "div")


def square_binop(self, optype, left, right, node):
    """K_ff @ ..., 2.0 * K_ff, K_ff + M_ff (same masks), or the located error."""
    prim = _BINOPS.get(optype)
    if prim == "matmul":
        return square_matmul(self, left, right, node)
    sq = left if is_square(left) else right
    other = right if sq is left else left

    def scalar(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, Value) and v.type.kind == "scalar"

    if prim in _ELEMENTWISE and (scalar(other) or is_square(other) and self.same_mask(other.select, sq.select)
                                 and self.same_mask(other.cols, sq.cols)):
        vals = [x.values if is_square(x) else self.value(x, node) for x in (left, right)]
        return MaskedSquare(self.b.emit(prim, vals), sq.select, sq.cols)
    raise self.err(UnsupportedSyntaxError, "this operator on a block selected by a boolean mask on both axes: adjit "
                   "takes @, and + - * / with a number or a block by the same masks", node, hint=HINT)


def square_attribute(self, x: MaskedSquare, node):
    if node.attr == "T":
        return _transposed(self, x)
    raise self.err(UnsupportedSyntaxError, f"`.{node.attr}` of a block selected by a boolean mask on both axes: its "
                   "shape is known only when the function runs", node, hint=HINT)


def square_value_error(self, node) -> Exception:
    return self.err(AdjitTypeError, "a block selected by a boolean mask on both axes (K[np.ix_(free, free)]) has a "
                    "shape known only when the function runs: adjit takes np.linalg.solve, det, slogdet, inv, "
                    "cholesky, np.diag, @ and .T of it", node, hint=HINT)
