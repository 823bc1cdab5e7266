"""A boolean mask among ints and slices in one index: `c[s, constrained] = cash[constrained]`,
`x[mask, j]`, `x[:, mask] = 0.0`, `np.sum(x[i, mask])`.

NumPy reads `x[i, mask]` (one 1-D boolean array, every other item an int or a slice) as the basic
index with a full slice in the mask's place, `x[i, :]` (a view), selected by the mask along the
axis that slice keeps (the number of slices before it): `x[i][mask]`, `x[:, j][mask]`, and for
`x[:, mask]` the columns. NumPy counts the ints as advanced indices too: when a slice stands
between an int and the mask (`x[1, :, mask]`) the selected axis comes first in the result (a
transpose of the view, read and written so). A write writes the selected elements of that view, so the array: here
the view's values are read, written as a `x[mask] = v` write (masks.py) along that axis, and
written back (`x[i, :] = new`), which is what NumPy's array holds after it. A mask along an axis
other than the view's first takes a number (or the same selection) as the written value; an array
of values there is a located error (its pairing with the selected elements is by position).

A mask among index arrays (`logp[idx, labels[idx]]` of `idx = np.where(m)[0]`, `x[m, cols]`) is
NumPy's advanced index of the mask's positions (np.flatnonzero) and the arrays, paired element by
element: read as that gather (`_joint_index`); written, a located error."""
from __future__ import annotations

import ast

from ..errors import AdjitError, ShapeError, UnsupportedSyntaxError
from ..ir import Value

_MAYBE = (ast.Name, ast.Compare, ast.Call, ast.BoolOp, ast.Attribute, ast.Subscript, ast.UnaryOp, ast.BinOp)


class _Joint:
    """A mask among index arrays: the index rewritten with integer arrays (`_joint_index`)."""

    def __init__(self, index):
        self.index = index


class MixedMaskIndex:
    """The Lowerer's indexes mixing one boolean mask with ints and slices (module docstring)."""

    def _mixed_mask(self, sl, node, read: bool = False):
        """(the basic index with `:` in the mask's place, as AST; the mask; the axis it selects
        along in that view) for an index tuple holding exactly one 1-D boolean array among ints
        and slices; None for any other index (its items evaluated here are bound to hidden
        names, so nothing is evaluated twice when it is one)."""
        if not isinstance(sl, ast.Tuple) or len(sl.elts) < 2 or \
                not any(isinstance(e, _MAYBE) for e in sl.elts):
            return None
        if any(isinstance(e, ast.Starred) or isinstance(e, ast.Constant) and (e.value is None or e.value is Ellipsis)
               for e in sl.elts):
            return None
        values = {}
        for k, e in enumerate(sl.elts):
            if isinstance(e, _MAYBE) and not isinstance(e, ast.Slice):
                try:
                    v = self.expr(e)
                except AdjitError:
                    return None  # the index's own path says what is wrong with it
                if type(v).__name__ == "MaskIndex":
                    v = v.mask
                values[k] = v
        masks = [k for k, v in values.items() if self.mask_of(v)]
        if not masks:
            return None
        if len(masks) > 1 or values[masks[0]].type.rank != 1:
            raise self.err(UnsupportedSyntaxError, "several boolean masks in one index, or a mask of more than one "
                           "dimension among other indices, select elements whose number depends on the data",
                           sl.elts[masks[1] if len(masks) > 1 else masks[0]],
                           hint="combine the masks into one (m1[:, None] & m2[None, :]) and use np.where(m, x, 0.0)")
        p = masks[0]
        for k, v in values.items():
            if k != p and (type(v).__name__ == "Masked" or isinstance(v, Value) and v.type.kind == "array"):
                if read:  # x[idx, labels[idx]] of idx = np.where(m)[0]: NumPy pairs the arrays
                    return _Joint(self._joint_index(sl, values, p))
                raise self.err(UnsupportedSyntaxError, "a boolean mask together with an index array in one index "
                               "is not supported", sl.elts[k],
                               hint="index with the array first, then select: x[idx][:, mask]")
        elts = []
        for k, e in enumerate(sl.elts):
            if k == p:
                elts.append(ast.copy_location(ast.Slice(), e))
            elif k in values:
                key = f"<mixed index {id(sl)} {k}>"
                self.env[key] = values[k]
                elts.append(ast.copy_location(ast.Name(key, ast.Load()), e))
            else:
                elts.append(e)
        basic = ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), sl)
        axis = sum(isinstance(e, ast.Slice) for e in sl.elts[:p])
        # NumPy counts the ints as advanced indices too: when a slice stands between one and the
        # mask (x[1, :, mask]) the selected axis comes first in the result, else at the mask's place
        advanced = [k for k, e in enumerate(sl.elts) if not isinstance(e, ast.Slice)]
        front = any(isinstance(sl.elts[k], ast.Slice) for k in range(advanced[0], advanced[-1]))
        return basic, values[p], axis, front

    def _joint_index(self, sl, values: dict, p: int):
        """The index with the mask as the positions of its True elements and each selection as
        the array NumPy makes (`x[np.flatnonzero(m), labels[m]]`): integer arrays of a run-time
        length, which NumPy broadcasts together, as the gather does (bounds checked)."""
        elts = []
        for k, e in enumerate(sl.elts):
            if k not in values:
                elts.append(e)
                continue
            v = values[k]
            if k == p:
                self.at(e)
                v = self.mask_positions(v)
            elif type(v).__name__ == "Masked":
                v = self.selection_array(v, e)
            key = f"<joint index {id(sl)} {k}>"
            self.env[key] = v
            elts.append(ast.copy_location(ast.Name(key, ast.Load()), e))
        return ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), sl)

    def _mixed_view(self, base_node, basic, mask: Value, axis: int, node) -> Value:
        """x[i, :] (the view the mask selects from), its extent along `axis` checked against the mask's."""
        view = self.subscript(ast.copy_location(ast.Subscript(value=base_node, slice=basic, ctx=ast.Load()), node))
        n_view, n_mask = self.b.aval(view).shape[axis], self.b.aval(mask).shape[0]
        if n_view is not None and n_mask is not None and n_view != n_mask:
            raise self.err(ShapeError, f"boolean index did not match indexed array along axis {axis}; size of axis is "
                           f"{n_view} but size of corresponding boolean axis is {n_mask} (NumPy raises IndexError)", node)
        return view

    def mixed_mask_read(self, base: Value, node):
        """x[i, mask], x[mask, j], x[:, mask]: the selection, or None for any other index."""
        found = self._mixed_mask(node.slice, node, read=True)
        if found is None:
            return None
        if isinstance(found, _Joint):
            key = f"<mixed base {id(node)}>"
            self.env[key] = base
            try:
                return self.subscript(ast.copy_location(ast.Subscript(
                    value=ast.copy_location(ast.Name(key, ast.Load()), node.value), slice=found.index,
                    ctx=ast.Load()), node))
            finally:
                del self.env[key]
        basic, mask, axis, front = found
        key = f"<mixed base {id(node)}>"
        self.env[key] = base
        try:
            view = self._mixed_view(ast.copy_location(ast.Name(key, ast.Load()), node.value), basic, mask, axis, node)
        finally:
            del self.env[key]
        self.at(node)
        if front and axis:  # x[1, :, mask]: the selected axis first
            rank = view.type.rank
            view = self.b.emit("transpose", [view], axes=(axis,) + tuple(a for a in range(rank) if a != axis))
            axis = 0
        return self.reselect(view, mask, 1, axis)

    def mixed_mask_write(self, target, val, node) -> bool:
        """`x[i, mask] = v` (and `+=`, which reads the selection first): True when written."""
        found = self._mixed_mask(target.slice, target)
        if found is None:
            return False
        basic, mask, axis, front = found
        view = self._mixed_view(target.value, basic, mask, axis, target)
        perm = None
        if front and axis:  # y[1, :, m] = v: the selection as read (its selected axis first), written back
            rank = view.type.rank
            perm = (axis,) + tuple(a for a in range(rank) if a != axis)
            self.at(node)
            view = self.b.emit("transpose", [view], axes=perm)
            axis = 0
        sel = self.reselect(view, mask, 1, axis)
        if type(val).__name__ == "Masked":  # x[i, m] += v, x[i, m] = 2 * x[i, m]: the same selection
            if not (self.same_mask(val.mask, sel.mask) or self.same_selection(val, sel)):
                raise self.err(UnsupportedSyntaxError, "the selection written pairs elements by position with "
                               "another selection, which depends on the data", node,
                               hint="write np.where(mask, values, x) at the full shape")
            new = val.values
        else:
            new = self.value(val, node)
            if new.type.kind == "array" and new.type.rank > 0:
                if self._view_of(new, self.expr(target.value)):
                    raise self.err(UnsupportedSyntaxError, "the value written into the elements a boolean mask "
                                   "selects is a view of the array written; NumPy copies it element by element into "
                                   "the array it reads", node, hint="write a copy of the value: `... = <expression>.copy()`")
                if axis:
                    raise self.err(UnsupportedSyntaxError, f"an array written into the elements a boolean mask "
                                   f"selects along axis {axis}: NumPy pairs its values with them by position, which "
                                   "depends on the data", node,
                                   hint="write a number, or np.where(mask, values, x) at the full shape")
                new = self.masked_spread(new, sel, node, assign=True)  # u's values in order at the selected places
        self.at(node)
        new = self.b.emit("where", [sel.mask, new, view])
        if new.type.dtype != view.type.dtype:
            new = self.b.emit("astype", [new], dtype=view.type.dtype)
        if perm is not None:
            new = self.b.emit("transpose", [new], axes=tuple(perm.index(a) for a in range(len(perm))))
        write = ast.copy_location(ast.Subscript(value=target.value, slice=basic, ctx=ast.Store()), target)
        self.assign(write, new, node)  # x[i, :] = the view written: NumPy's array after the write
        return True
