"""Shapes and views: `len(x)`, `np.ndim`, `.ravel()`, `.flatten()`, `np.swapaxes`, `np.moveaxis`,
`np.squeeze`, `np.atleast_1d/2d/3d`. Each is a view where NumPy's is (made of view rows), a copy
where NumPy's is."""
from __future__ import annotations

import builtins

import numpy as np

from ... import shapes as S
from ...errors import AdjitError, AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from .base import _FULL, FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
# spelling -> (the NumPy objects or method names it matches, what it lowers to); read by the
# Lowerer (FUNCTIONS, METHODS below) and by docs/gen_supported.py
FORMS = {
    "len": ((builtins.len,), (), "`x.shape[0]`"),
    "ndim": ((np.ndim,), (), "the rank, a constant (as `x.ndim`)"),
    "ravel": ((np.ravel,), ("ravel",), "`reshape(x, (-1,))` (a view)"),
    "flatten": ((), ("flatten",), "`reshape(x, (-1,))`, copied"),
    "swapaxes": ((np.swapaxes,), ("swapaxes",), "`transpose` (a view)"),
    "moveaxis": ((np.moveaxis,), (), "`transpose` (a view)"),
    "squeeze": ((np.squeeze,), ("squeeze",), "`reshape` (a view); every axis of extent 1, or `axis`"),
    "atleast_1d": ((np.atleast_1d,), (), "`reshape` / `stack` of a number"),
    "atleast_2d": ((np.atleast_2d,), (), "`expand_dims` / `stack` of a number"),
    "atleast_3d": ((np.atleast_3d,), (), "`expand_dims` / `stack` of a number"),
    "sliding_window_view": ((np.lib.stride_tricks.sliding_window_view,), (),
                            "per windowed axis a `gather` at `arange(n - w + 1)[:, None] + arange(w)` (the window "
                            "axis moved last, in `axis` order): a copy, read-only as NumPy's view is; the gradient "
                            "adds each window's cotangent back where it was read"),
}


def _moveaxis_order(ndim, source, destination):
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tuple(order)



class ViewForms(FormsBase):
    # ---------------------------------------------------------------- shapes and views
    def form_len(self, label, args, kwargs, node):
        if len(args) != 1 or kwargs:
            raise self.err(ArgumentError, "len() takes exactly one argument", node)
        (x,) = args
        if type(x).__name__ in ("BuiltList", "DeferredList"):  # a list built in a loop: its rows
            x = self.value(x, node)
        if isinstance(x, (tuple, str)):  # a str: an option or an f-string known when compiled
            return len(x)
        if type(x).__name__ == "MaskIndex":  # len(np.nonzero(c)[0]): the count, known when run
            x = self.value(x, node)
        if isinstance(x, Value) and x.type.kind == "tuple":
            return len(x.type.elems)
        if type(x).__name__ == "StructObj" and any("__len__" in vars(k) for k in x.cls.__mro__[:-1]):
            return self.call_dunder(x, "__len__", node)  # len(obj) of the user's class (pybuiltins.py)
        if not isinstance(x, Value) or x.type.kind != "array":
            raise self.err(AdjitTypeError, "len() of an unsized object (a number)", node)
        d = self._shape(x)[0]
        if d is not None:
            return d
        return self.b.emit("getitem", [self.b.emit("shape", [x]), self.b.const(0)], index=(("int", 1),))

    def form_ndim(self, label, args, kwargs, node):
        (x,) = self.bind_args(label, ("a",), args, kwargs, node)
        return self._rank(self.value(x, node))

    def _in_order(self, label, x, order, node):
        """x as its elements are read in `order`: Fortran's (first index fastest) is C's order of
        the transpose with the axes reversed."""
        if order not in ("C", "K", "A", "F"):
            raise self.err(UnsupportedSyntaxError, f"{label}: order={order!r} (C or F)", node)
        x = self.value(x, node)
        if order == "F" and x.type.kind == "array" and x.type.rank > 1:
            return self.b.emit("transpose", [x], axes=tuple(reversed(range(x.type.rank))))
        return x

    def reshape_ordered(self, x, shape, order, node):
        """x.reshape(shape, order=...): order='F' fills the new shape first index fastest, i.e. the
        C reshape of the reversed-axes transposes (NumPy's definition)."""
        if order in ("C", "A"):
            return self.b.emit("reshape", [x, self.value(shape, node)])
        if order != "F" or not isinstance(shape, tuple):
            raise self.err(UnsupportedSyntaxError, f"reshape with order={order!r}" + (
                "" if order != "F" else " and a shape computed when the function runs"), node,
                hint="order='C' or 'F' with a shape known when compiled")
        t = self._in_order("reshape", x, "F", node)
        y = self.b.emit("reshape", [t, self.value(tuple(reversed(shape)), node)])
        rank = self.b.aval(y).shape
        return self.b.emit("transpose", [y], axes=tuple(reversed(range(len(rank))))) if len(rank) > 1 else y

    def form_ravel(self, label, args, kwargs, node):
        x, order = self.bind_args(label, ("a", "order"), args, kwargs, node, order="C")
        return self._ravel(self._in_order(label, x, order, node))

    def form_flatten(self, label, args, kwargs, node):
        x, order = self.bind_args(label, ("a", "order"), args, kwargs, node, order="C")
        x = self._in_order(label, x, order, node)
        # always a copy (a reshape of a 2-D x is a view: writes into it changed x for the sharing check)
        return self.b.emit("astype", [self._ravel(x)], dtype=x.type.dtype)

    def form_swapaxes(self, label, args, kwargs, node):
        x, a1, a2 = self.bind_args(label, ("a", "axis1", "axis2"), args, kwargs, node)
        x = self.value(x, node)
        n = self._rank(x)
        a1, a2 = self._axis(a1, n, node, "axis1"), self._axis(a2, n, node, "axis2")
        perm = list(range(n))
        perm[a1], perm[a2] = perm[a2], perm[a1]
        return self.b.emit("transpose", [x], axes=tuple(perm))

    def form_moveaxis(self, label, args, kwargs, node):
        x, src, dst = self.bind_args(label, ("a", "source", "destination"), args, kwargs, node)
        x = self.value(x, node)
        n = self._rank(x)
        src, dst = self.static(src, node, "source"), self.static(dst, node, "destination")
        src = (src,) if isinstance(src, int) else tuple(src)
        dst = (dst,) if isinstance(dst, int) else tuple(dst)
        if len(src) != len(dst):
            raise self.err(ShapeError, "`source` and `destination` arguments must have the same number of elements",
                           node)
        src = tuple(self._axis(a, n, node, "source") for a in src)
        dst = tuple(self._axis(a, n, node, "destination") for a in dst)
        if len(set(src)) != len(src) or len(set(dst)) != len(dst):
            raise self.err(ShapeError, "repeated axis in `source` or `destination`", node)
        return self.b.emit("transpose", [x], axes=_moveaxis_order(n, src, dst))

    def form_squeeze(self, label, args, kwargs, node):
        x, axis = self.bind_args(label, ("a", "axis"), args, kwargs, node, axis=None)
        x = self.value(x, node)
        shape = self._shape(x)
        if axis is None:
            if None in shape:
                raise self.err(ShapeError, f"{label} without `axis` needs every extent when the call is compiled",
                               node, hint="name the axes: np.squeeze(x, axis=1)")
            axes = tuple(k for k, d in enumerate(shape) if d == 1)
        else:
            axis = self.static(axis, node, "axis")
            try:
                axes = S.normalize_axis(axis, len(shape))
            except AdjitError as e:
                raise self.err(type(e), e.message, node) from None
            for a in axes:
                if shape[a] != 1:
                    raise self.err(ShapeError, "cannot select an axis to squeeze out which has size not equal to "
                                               f"one (axis {a} has extent {shape[a]})", node)
        if not axes:
            return x
        rest = tuple(d for k, d in enumerate(shape) if k not in axes)
        if not rest:  # every axis: the one element
            return self.b.emit("getitem", [x, self.b.const(0)], index=(("int", 1),) * len(shape))
        if None in rest:
            full = (_FULL,) * len(shape)
            index = tuple(("int", 1) if k in axes else full[k] for k in range(len(shape)))
            return self.b.emit("getitem", [x, self.b.const(0)], index=index)
        return self._reshape(x, rest)

    def form_sliding_window_view(self, label, args, kwargs, node):
        x, window, axis, subok, writeable = self.bind_args(
            label, ("x", "window_shape", "axis", "subok", "writeable"), args, kwargs, node, axis=None, subok=False,
            writeable=False)
        if writeable:
            raise self.err(UnsupportedSyntaxError, f"{label}: writeable=True (a view written through) is not supported",
                           node, hint="write into the array itself")
        x = self.value(x, node)
        if x.type.kind != "array":
            raise self.err(AdjitTypeError, f"{label} takes an array", node)
        window = self.static(window, node, "window_shape")
        window = (window,) if isinstance(window, int) else tuple(window)
        axis = self.static(axis, node, "axis")
        rank = self._rank(x)
        if axis is None:
            if len(window) != rank:
                raise self.err(ShapeError, f"Since axis is `None`, must provide window_shape for all dimensions of "
                               f"`x`; got {len(window)} window_shape elements and `x.ndim` is {rank}.", node)
            axis = tuple(range(rank))
        axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if len(axis) != len(window):
            raise self.err(ShapeError, f"Must provide matching length window_shape and axis; got {len(window)} "
                           f"window_shape elements and {len(axis)} axes elements.", node)
        if any(not isinstance(w, (int, np.integer)) or w < 0 for w in window):
            raise self.err(ShapeError, "`window_shape` cannot contain negative values", node)
        out, n_out = x, rank
        for w, a in zip(window, axis):
            a = self._axis(a, rank, node)
            n = self._extent(out, a, node, label)
            if n < w:
                raise self.err(ShapeError, "window shape cannot be larger than input array shape", node)
            starts = self._iota(n - w + 1, 0, 2, node)
            idx = self.b.emit("add", [starts, self._iota(int(w), 1, 2, node)])  # (n - w + 1, w) positions read
            out = self.b.emit("gather", [out, idx], index=(_FULL,) * a + (("array", 1),))
            order = [k for k in range(n_out + 1) if k != a + 1] + [a + 1]  # the window axis last
            out = self.b.emit("transpose", [out], axes=tuple(order))
            n_out += 1
        # NumPy's result is a view of x: a later write into x is seen through it (aliasing.py)
        self.b.__dict__.setdefault("views_of", {})[out.id] = x
        return out

    def _atleast(self, nd, args, kwargs, node, label):
        if kwargs or not args:
            raise self.err(ArgumentError, f"{label} takes one or more arrays", node)
        out = []
        for a in args:
            x = self.value(a, node)
            if x.type.kind == "scalar":
                x = self.b.emit("stack", [x], axis=0)
            r = self._rank(x)
            if nd == 2 and r == 1:
                x = self.b.emit("expand_dims", [x], axis=(0,))
            elif nd == 3 and r == 1:
                x = self.b.emit("expand_dims", [x], axis=(0, 2))
            elif nd == 3 and r == 2:
                x = self.b.emit("expand_dims", [x], axis=(2,))
            out.append(x)
        return out[0] if len(out) == 1 else tuple(out)

    def form_atleast_1d(self, label, args, kwargs, node):
        return self._atleast(1, args, kwargs, node, label)

    def form_atleast_2d(self, label, args, kwargs, node):
        return self._atleast(2, args, kwargs, node, label)

    def form_atleast_3d(self, label, args, kwargs, node):
        return self._atleast(3, args, kwargs, node, label)

