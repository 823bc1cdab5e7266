"""NumPy spellings written with what adjit has rules for, each with NumPy's semantics:
np.unravel_index / np.ravel_multi_index (index arithmetic, NumPy's range check when run),
np.insert / np.delete / np.resize (joins and slices at positions known when compiled),
np.argpartition / np.partition (a full sort is one of the partitions NumPy may return), and
np.vectorize (vectorize.py: the elementwise loop it stands for, a comprehension over the broadcast
elements)."""
from __future__ import annotations

import ast
import math

import numpy as np

from ..errors import AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..ir import Value
from . import signalforms
from .rowviews import alias_of
from .vectorize import Vectorized, VectorizeCalls
from .values import _is_number

_FUNCS = (np.unravel_index, np.ravel_multi_index, np.insert, np.delete, np.resize, np.argpartition, np.partition,
          np.vectorize)
# np.linalg's functions of a stack of matrices (..., M, N): unrolled over the stack when its count is known
# when compiled (NumPy's gufunc loop); solve's b is a stack of matrices unless it is 1-D
_STACKED = (np.linalg.inv, np.linalg.det, np.linalg.slogdet, np.linalg.solve, np.linalg.cholesky, np.linalg.eigh,
            np.linalg.eigvalsh, np.linalg.svd, np.linalg.qr, np.linalg.pinv, np.linalg.matrix_power)
MAX_STACK = 64
_LOOPED = (np.linalg.eigvalsh, np.linalg.det, np.linalg.inv, np.linalg.cholesky)  # larger stacks: a loop
_SERIES = {np.polynomial.polynomial.polyval: "poly", np.polynomial.chebyshev.chebval: "cheb",
           np.polynomial.legendre.legval: "leg", np.polynomial.hermite.hermval: "herm",
           np.polynomial.hermite_e.hermeval: "herme", np.polynomial.laguerre.lagval: "lag"}


def python_dtype(dtype: str) -> str:
    """The dtype of the Python number NumPy's .item()/.tolist() gives for an element of this dtype."""
    if dtype == "bool" or dtype.startswith("complex"):
        return "bool" if dtype == "bool" else "complex128"
    return "float64" if dtype.startswith("float") else "int64"


_DTYPE_REDUCTIONS = frozenset({"sum", "mean", "prod"})  # NumPy reductions taking dtype=
_INITIAL = frozenset({"sum", "max", "min"})  # and initial=


class MoreNumpy(VectorizeCalls):
    """The Lowerer's half for the spellings above."""

    @staticmethod
    def is_extra_numpy(func) -> bool:
        return any(func is f for f in _FUNCS) or isinstance(func, (np.vectorize, Vectorized)) \
            or any(func is f for f in _SERIES) or any(func is f for f in (math.floor, math.ceil, math.trunc)) \
            or signalforms.which(func) is not None or any(func is f for f in _STACKED)

    def extra_numpy(self, func, args, kwargs, node):
        call = lambda f, *a, **k: self.call_value(f, list(a), k, node)  # noqa: E731
        if any(func is f for f in _STACKED):
            return self._stacked_linalg(func, args, kwargs, node)
        kind = signalforms.which(func)
        if kind is not None:  # scipy.signal.lfilter, convolve, ndimage.gaussian_filter: signalforms.py
            return signalforms.lower(self, kind, func, args, kwargs, node)
        if func is np.vectorize:
            pyfunc, otypes = self.bind_args("np.vectorize", ("pyfunc", "otypes", "doc", "excluded", "cache",
                                                             "signature"), args, kwargs, node, otypes=None, doc=None,
                                            excluded=None, cache=False, signature=None)[:2]
            if kwargs.get("excluded") or kwargs.get("signature"):
                raise self.err(UnsupportedSyntaxError, "np.vectorize with excluded= or signature= is not supported",
                               node, hint="call the function in a comprehension over the elements")
            return Vectorized(pyfunc, otypes)
        if isinstance(func, (np.vectorize, Vectorized)):
            return self._vectorized_call(func, args, kwargs, node)
        kind = next((k for f, k in _SERIES.items() if func is f), None)
        if kind is not None:
            return self._series(kind, func, args, kwargs, node)
        if any(func is f for f in (math.floor, math.ceil, math.trunc)):  # Python's int of the rounded number
            if len(args) != 1 or kwargs:
                raise self.err(ArgumentError, f"math.{func.__name__}() takes one number", node)
            if _is_number(args[0]):
                return func(args[0])
            x = self.value(args[0], node)
            if x.type.kind != "scalar":
                raise self.err(AdjitTypeError, f"math.{func.__name__}() takes a number, not {x.type}", node,
                               hint=f"np.{func.__name__}(x) rounds an array elementwise")
            if x.type.dtype.startswith(("int", "uint", "bool")):  # a Python int: weak (NEP 50)
                return x if x.type.dtype == "int64" and x.type.weak else self.b.emit("astype", [x], dtype="int64", weak=True)
            return self.b.emit("astype", [call({"floor": np.floor, "ceil": np.ceil, "trunc": np.trunc}[func.__name__],
                                               x)], dtype="int64", weak=True)
        if func is np.argpartition or func is np.partition:
            a, _, axis = self.bind_args(f"np.{func.__name__}", ("a", "kth", "axis", "kind", "order"), args, kwargs,
                                        node, axis=-1, kind="introselect", order=None)[:3]
            return call(np.argsort if func is np.argpartition else np.sort, a, axis=axis)
        if func is np.unravel_index:
            return self._unravel(args, kwargs, node)
        if func is np.ravel_multi_index:
            return self._ravel_multi(args, kwargs, node)
        if func is np.resize:
            return self._resize(args, kwargs, node, call)
        if func is np.delete:
            return self._delete(args, kwargs, node, call)
        return self._insert(args, kwargs, node, call)

    # -- index arithmetic
    def _dims(self, shape, node, what: str) -> tuple:
        if isinstance(shape, Value) and shape.type.kind == "tuple" and self.b.avals[shape.id].value is not None:
            shape = tuple(self.b.avals[shape.id].value)  # x.shape: known when compiled
        dims = self.static(shape, node, what)
        dims = (dims,) if isinstance(dims, int) else dims
        if not isinstance(dims, tuple) or not all(isinstance(d, int) and d >= 0 for d in dims):
            raise self.err(AdjitTypeError, f"{what} must be a tuple of non-negative ints known when compiled", node)
        return dims

    def _check_range(self, idx: Value, size: int, node, msg: str) -> None:
        emit, const = self.b.emit, self.b.const
        bad = emit("logical_or", [emit("lt", [idx, const(0)]), emit("ge", [idx, const(size)])])
        if idx.type.kind == "array":
            bad = emit("gt", [emit("sum", [emit("astype", [bad], dtype="int64")], axis=tuple(range(idx.type.rank)),
                                   keepdims=False), const(0)])
        emit("check", [emit("logical_not", [bad])], exc="ValueError", msg=msg)

    def _unravel(self, args, kwargs, node):
        indices, shape, order = self.bind_args("np.unravel_index", ("indices", "shape", "order"), args, kwargs, node,
                                               order="C")
        dims = self._dims(shape, node, "np.unravel_index: shape")
        if order not in ("C", "F"):
            raise self.err(AdjitTypeError, "np.unravel_index: order must be 'C' or 'F' (known when compiled)", node)
        size = math.prod(dims)
        if _is_number(indices):
            try:
                return tuple(int(i) for i in np.unravel_index(indices, dims, order=order))
            except (ValueError, TypeError) as e:
                raise self.err(AdjitTypeError, f"np.unravel_index raises {type(e).__name__}: {e}", node) from None
        idx = self.array_like(indices, node) if isinstance(indices, tuple) else self.value(indices, node)
        if not idx.type.dtype.startswith(("int", "uint")):
            raise self.err(AdjitTypeError, f"np.unravel_index takes integer indices, not {idx.type}", node)
        self.at(node)
        self._check_range(idx, size, node, f"index out of bounds for array with size {size}")
        out, stride = [], 1
        for d in (reversed(dims) if order == "C" else dims):
            q = idx if stride == 1 else self.b.emit("floordiv", [idx, self.b.const(stride)])
            out.append(self.b.emit("mod", [q, self.b.const(max(d, 1))]))
            stride *= d
        return tuple(reversed(out)) if order == "C" else tuple(out)

    def _ravel_multi(self, args, kwargs, node):
        multi, dims, mode, order = self.bind_args("np.ravel_multi_index", ("multi_index", "dims", "mode", "order"),
                                                  args, kwargs, node, mode="raise", order="C")
        dims = self._dims(dims, node, "np.ravel_multi_index: dims")
        if mode != "raise" or order not in ("C", "F") or not isinstance(multi, tuple) or len(multi) != len(dims):
            raise self.err(UnsupportedSyntaxError, "np.ravel_multi_index(tuple of one index per dimension, dims) with "
                           "mode='raise' and order 'C' or 'F' is supported", node)
        if all(_is_number(i) for i in multi):
            return int(np.ravel_multi_index(multi, dims, order=order))
        strides, s = [], 1
        for d in (reversed(dims) if order == "C" else dims):
            strides.append(s)
            s *= d
        strides = strides[::-1] if order == "C" else strides
        self.at(node)
        out = None
        for i, d, st in zip(multi, dims, strides):
            v = self.value(i, node)
            self._check_range(v, d, node, "invalid entry in coordinates array")
            term = v if st == 1 else self.b.emit("mul", [v, self.b.const(st)])
            out = term if out is None else self.b.emit("add", [out, term])
        return out

    # -- joins at positions known when compiled
    def _resize(self, args, kwargs, node, call):
        a, shape = self.bind_args("np.resize", ("a", "new_shape"), args, kwargs, node)
        dims = self._dims(shape, node, "np.resize: new_shape")
        flat = call(np.ravel, self.array_like(a, node))
        n, total = self._shape(flat)[0], math.prod(dims)
        if n is None:
            raise self.err(UnsupportedSyntaxError, "np.resize of an array whose size is known only when the function "
                           "runs", node)
        if n == 0 or total == 0:
            return call(np.zeros, dims, dtype=flat.type.dtype)
        reps = -(-total // n)
        tiled = call(np.tile, flat, reps) if reps > 1 else flat
        return call(np.reshape, self._slice(tiled, 0, 0, total) if reps * n != total else tiled, dims)

    def _positions(self, obj, n: int, node, what: str) -> list:
        if type(obj).__name__ == "SliceValue":  # np.delete(x, slice(0, 2)) (indexing.py)
            return list(range(n))[slice(*(self.static(p, node, f"{what}: obj") for p in obj.parts))]
        obj = self.known_items(obj) or self.static(obj, node, f"{what}: obj")  # np.array([True, False, ...]) too
        if isinstance(obj, tuple) and obj and all(isinstance(i, (bool, np.bool_)) for i in obj):  # a mask of arr's extent
            if len(obj) != n:
                raise self.err(ArgumentError, f"{what}: boolean array argument obj to delete must be one dimensional "
                               f"and match the axis length of {n}", node)
            return [i for i, b in enumerate(obj) if b]
        items = [obj] if isinstance(obj, int) else (list(obj) if isinstance(obj, tuple) else None)
        if items is None or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            raise self.err(UnsupportedSyntaxError, f"{what}: obj must be an int or a list of ints known when "
                           "compiled", node, hint="use a boolean mask with np.where, or slices and np.concatenate")
        return items

    def _delete(self, args, kwargs, node, call):
        arr, obj, axis = self.bind_args("np.delete", ("arr", "obj", "axis"), args, kwargs, node, axis=None)
        x = self.array_like(arr, node)
        if axis is None:
            x, axis = call(np.ravel, x), 0
        axis = self._axis(axis, self._rank(x), node)
        n = self._extent(x, axis, node, "np.delete")
        drop = set()
        for i in self._positions(obj, n, node, "np.delete"):
            if not -n <= i < n:
                raise self.err(ArgumentError, f"np.delete: index {i} is out of bounds for axis {axis} with size {n} "
                               "(NumPy raises IndexError)", node)
            drop.add(i % n)
        runs, start = [], None
        for k in range(n + 1):
            keep = k < n and k not in drop
            if keep and start is None:
                start = k
            elif not keep and start is not None:
                runs.append((start, k))
                start = None
        parts = [self._slice(x, axis, a, b) for a, b in runs]
        if not parts:
            return self._slice(x, axis, 0, 0)
        return parts[0] if len(parts) == 1 else call(np.concatenate, tuple(parts), axis=axis)

    def _insert(self, args, kwargs, node, call):
        arr, obj, values, axis = self.bind_args("np.insert", ("arr", "obj", "values", "axis"), args, kwargs, node,
                                                axis=None)
        x = self.array_like(arr, node)
        if axis is None:
            x, axis = call(np.ravel, x), 0
        axis = self._axis(axis, self._rank(x), node)
        n = self._extent(x, axis, node, "np.insert")
        pos = self.static(obj, node, "np.insert: obj")
        if isinstance(pos, tuple) and pos and all(isinstance(i, int) and not isinstance(i, bool) for i in pos):
            return self._insert_many(x, list(pos), values, axis, n, node, call)
        if not isinstance(pos, int) or isinstance(pos, bool):
            raise self.err(UnsupportedSyntaxError, "np.insert at positions known when compiled (an int or a list of "
                           "ints) is supported", node, hint="join slices with np.concatenate")
        if not -n <= pos <= n:
            raise self.err(ArgumentError, f"np.insert: index {pos} is out of bounds for axis {axis} with size {n} "
                           "(NumPy raises IndexError)", node)
        pos = pos + n if pos < 0 else pos  # NumPy: a negative index counts from the end of arr (not of the result)
        v = self.array_like(values, node) if not _is_number(values) else values
        v = self.value(v, node)
        if v.type.dtype != x.type.dtype:
            v = self.b.emit("astype", [v], dtype=x.type.dtype)
        rank = self._rank(x)
        target = list(self._shape(x))
        if v.type.kind == "scalar":  # one slice of arr's shape, every element v
            target[axis] = 1
        else:
            vshape = list(self._shape(v))
            vshape = [1] * (rank - len(vshape)) + vshape  # np.array(values, ndmin=arr.ndim)
            if len(vshape) > rank:
                raise self.err(ArgumentError, "np.insert: values have more dimensions than arr", node)
            v = self._reshape(v, vshape) if self._rank(v) != rank else v
            v = call(np.moveaxis, v, 0, axis) if rank > 1 else v
            target[axis] = self._shape(v)[axis]
        if None in target:
            raise self.err(UnsupportedSyntaxError, "np.insert into an array whose shape is known only when the "
                           "function runs", node)
        v = call(np.broadcast_to, v, tuple(target))
        parts = [p for p in (self._slice(x, axis, 0, pos) if pos else None, v,
                             self._slice(x, axis, pos, n) if pos < n else None) if p is not None]
        return call(np.concatenate, tuple(parts), axis=axis)

    def _insert_many(self, x, pos: list, values, axis: int, n, node, call):
        """np.insert at a list of positions, as NumPy: values (at least arr's rank, broadcast to one slice
        per position along axis) go before those elements of arr, ties in the list's order."""
        for p in pos:
            if not -n <= p <= n:
                raise self.err(ArgumentError, f"np.insert: index {p} is out of bounds for axis {axis} with size {n} "
                               "(NumPy raises IndexError)", node)
        pos = [p + n if p < 0 else p for p in pos]
        v = self.value(self.array_like(values, node) if not _is_number(values) else values, node)
        if v.type.dtype != x.type.dtype:
            v = self.b.emit("astype", [v], dtype=x.type.dtype)
        rank, target = self._rank(x), list(self._shape(x))
        vshape = list(self._shape(v)) if v.type.kind == "array" else []
        if len(vshape) > rank:
            raise self.err(ArgumentError, "np.insert: values have more dimensions than arr", node)
        if v.type.kind == "array" and len(vshape) < rank:
            v = self._reshape(v, [1] * (rank - len(vshape)) + vshape)
        one = len(pos) == 1 and v.type.kind == "array"  # NumPy: a list of one inserts all of values' extent there
        target[axis] = self._shape(v)[axis] if one else len(pos)
        if None in target:
            raise self.err(UnsupportedSyntaxError, "np.insert into an array whose shape is known only when the "
                           "function runs", node)
        v = call(np.broadcast_to, v, tuple(target))
        parts, prev = [], 0
        for j in sorted(range(len(pos)), key=lambda j: pos[j]):  # stable: ties keep the list's order
            if pos[j] > prev:
                parts.append(self._slice(x, axis, prev, pos[j]))
            parts.append(v if len(pos) == 1 else self._slice(v, axis, j, j + 1))
            prev = pos[j]
        if prev < n:
            parts.append(self._slice(x, axis, prev, n))
        return call(np.concatenate, tuple(parts), axis=axis)

    # -- np.linalg over stacks of matrices
    def _looped_linalg(self, func, a, count, node):
        """np.linalg.<func> of a stack of more than MAX_STACK matrices (a band structure over a k-path
        of 200 points): `np.stack([func(flat[k]) for k in range(count)])` lowered as the user's
        comprehension would be (one loop, not count copies), reshaped to the stack's leading axes."""
        shape = self._shape(a)
        self._looped = getattr(self, "_looped", 0) + 1
        tag = f"_linalg_stack{self._looped}"
        names = {"a": self._reshape(a, (count,) + tuple(shape[-2:])), "f": func, "stack": np.stack, "range": range}
        for k, v in names.items():
            self.env[f"{tag}_{k}"] = v
        at = lambda n: ast.copy_location(n, node)  # noqa: E731
        load = lambda k: at(ast.Name(f"{tag}_{k}", ast.Load()))  # noqa: E731
        item = at(ast.Call(load("f"), [at(ast.Subscript(load("a"), load("k"), ast.Load()))], []))
        loop = ast.comprehension(at(ast.Name(f"{tag}_k", ast.Store())), at(ast.Call(load("range"), [at(ast.Constant(count))],
                                                                                     [])), [], 0)
        out = self.value(self.expr(at(ast.Call(load("stack"), [at(ast.ListComp(item, [loop]))], []))), node)
        return self._reshape(out, tuple(shape[:-2]) + tuple(self._shape(out)[1:]))

    def _stacked_linalg(self, func, args, kwargs, node):
        """np.linalg.<func> of a stack (..., M, N): the function of each matrix, stacked back (tuple
        results component by component), as NumPy's gufuncs loop; one matrix, and the closed forms
        of stacks of 2x2 and 3x3 matrices (det, inv, slogdet), go to the forms as before."""
        first = args[0] if args else next(iter(kwargs.values()), None)
        a = self.array_like(first, node) if isinstance(first, tuple) else first
        if not isinstance(a, Value) or a.type.kind != "array" or a.type.rank <= 2 or (
                func in (np.linalg.det, np.linalg.inv, np.linalg.slogdet) and self._shape(a)[-1] in (2, 3)
                and self._shape(a)[-1] == self._shape(a)[-2]):
            return self.call_value(func, list(args), kwargs, node)  # one matrix: its form or row as before
        label = f"np.linalg.{func.__name__}"
        shape = self._shape(a)
        lead = shape[:-2]
        count = math.prod(lead) if None not in lead else None
        if func is np.linalg.eigvalsh and count is not None and count > MAX_STACK and len(args) + len(kwargs) == 2 \
                and set(kwargs) <= {"UPLO"}:  # eigvalsh(a, UPLO='U') reads the upper triangle: a's last axes swapped
            uplo = self._option(args[1] if len(args) == 2 else kwargs["UPLO"], node, "UPLO")
            if uplo not in ("L", "U"):
                raise self.err(AdjitTypeError, f"np.linalg.eigvalsh: UPLO must be 'L' or 'U', not {uplo!r}", node)
            if uplo == "U":
                a = self.b.emit("transpose", [a], axes=tuple(range(a.type.rank - 2)) + (a.type.rank - 1, a.type.rank - 2))
            args, kwargs = (a,), {}
        if count is not None and count > MAX_STACK and len(args) == 1 and not kwargs and func in _LOOPED:
            return self._looped_linalg(func, a, count, node)
        if count is None or count > MAX_STACK:
            raise self.err(UnsupportedSyntaxError, f"{label} of a stack of {'a run-time number of' if count is None else count} "
                           f"matrices (adjit unrolls stacks of at most {MAX_STACK} known when compiled)", node,
                           hint="loop over the matrices: np.stack([f(A[k]) for k in range(n)])")
        self.at(node)
        flat = self._reshape(a, (count,) + tuple(shape[-2:]))
        mats = [self.b.emit("getitem", [flat, self.b.const(k)], index=(("int", 1),)) for k in range(count)]
        rest = list(args[1:])
        per_b = None
        if func is np.linalg.solve:
            bval = rest[0] if rest else kwargs.pop("b")
            rest = []
            b = self.array_like(bval, node) if isinstance(bval, tuple) else self.value(bval, node)
            if b.type.kind == "array" and b.type.rank >= 2:
                bshape = self._shape(b)
                b = self.b.emit("broadcast_to", [b, self._const_shape(tuple(lead) + tuple(bshape[-2:]))])
                bflat = self._reshape(b, (count,) + tuple(bshape[-2:]))
                per_b = [self.b.emit("getitem", [bflat, self.b.const(k)], index=(("int", 1),)) for k in range(count)]
            else:
                per_b = [b] * count
        outs = [self.call_value(func, [m] + ([per_b[k]] if per_b is not None else []) + rest, dict(kwargs), node)
                for k, m in enumerate(mats)]

        def join(items):
            items = [self.value(v, node) for v in items]
            stacked = self.b.emit("stack", items, axis=0)
            return self._reshape(stacked, tuple(lead) + tuple(self._shape(items[0])))
        if isinstance(outs[0], tuple):
            return tuple(join([o[i] for o in outs]) for i in range(len(outs[0])))
        return join(outs)

    # -- reductions as methods, and their dtype= and initial= (expressions.py)
    def reduction(self, prim, x, args, kwargs, node):
        names = ("axis", "dtype", "out", "keepdims")
        params = dict(zip(names, args))
        params.update(kwargs)
        initial = params.pop("initial", None) if prim in _INITIAL else None
        unknown = set(params) - {"axis", "keepdims"}
        dtype = params.get("dtype") if prim in _DTYPE_REDUCTIONS else None
        if unknown - {"dtype", "out"} or (params.get("dtype") is not None and dtype is None) \
                or params.get("out") is not None:
            raise self.err(UnsupportedSyntaxError, f"np.{prim}: only `axis`, `keepdims` and `dtype` (of a sum, "
                           "mean or product) are supported", node)
        out = self._reduce(prim, self._reduce_dtype(x, dtype, node), params.get("axis"), params.get("keepdims", False),
                           node)
        return out if initial is None else self._with_initial(prim, out, initial, node)

    def _with_initial(self, prim, out, initial, node):
        """np.max(x, initial=v) and friends: the reduction combined with the initial value, as NumPy
        starts it from there (max/min: a bound, sum: added), the initial cast to the reduction's
        dtype first as NumPy casts it (np.max(ints, initial=5.5) is 5, np.sum(float32, initial=
        np.float64(0.1)) float32): combining the two would promote instead."""
        dtype = out.type.dtype
        if _is_number(initial) and not isinstance(initial, bool) and isinstance(initial, int) \
                and dtype.startswith("int") and not np.iinfo(dtype).min <= initial <= np.iinfo(dtype).max:
            raise self.err(ArgumentError, f"initial={initial} is out of bounds for {dtype} (NumPy raises "
                           "OverflowError)", node)
        self.at(node)
        init = self.value(initial, node)
        if init.type.dtype != dtype:
            init = self.b.emit("astype", [init], dtype=dtype)
        combine = {"max": "maximum", "min": "minimum", "sum": "add"}[prim]
        return self.b.emit(combine, [out, init])

    def _reduce_dtype(self, x, dtype, node):
        """np.sum(x, dtype=d): NumPy accumulates in d, so x cast to d first (a float dtype only)."""
        if dtype is None:
            return x
        target = self.dtype(dtype, node)
        if not target.startswith("float"):
            raise self.err(UnsupportedSyntaxError, f"a reduction with dtype={target} (adjit accumulates in float32 or "
                           "float64)", node)
        x = self.value(x, node)
        return x if x.type.dtype == target else self.b.emit("astype", [x], dtype=target)

    # -- np.polynomial's *val: NumPy's own recurrences (Horner, Clenshaw) on the coefficients
    def _series(self, kind: str, func, args, kwargs, node):
        """polyval/chebval/legval/hermval/hermeval/lagval(x, c) of a 1-D c of a length known when
        compiled (a list of numbers or an array), the recurrence NumPy runs, term by term."""
        name = f"np.polynomial.{func.__module__.split('.')[-1]}.{func.__name__}"
        x, c, tensor = self.bind_args(name, ("x", "c", "tensor"), args, kwargs, node, tensor=True)
        if isinstance(c, tuple):
            items = list(c)
        else:
            cv = self.value(c, node)
            n = self.b.aval(cv).shape[0] if cv.type.kind == "array" and cv.type.rank == 1 else None
            if n is None and cv.type.kind == "array" and cv.type.rank == 1 and cv.type.dtype.startswith("float"):
                from . import libhelpers  # a length known only when the function runs: the recurrence's loop

                return self.inline(libhelpers.series, [kind, self.value(self.array_like(x, node) if isinstance(
                    x, tuple) else x, node), cv], {}, node)
            if n is None:
                raise self.err(UnsupportedSyntaxError, f"{name}: c must be a 1-D list or array of coefficients of a "
                               "length known when compiled", node)
            self.at(node)
            items = [self.b.emit("getitem", [cv, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
        if not items:
            raise self.err(ArgumentError, f"{name}: c must not be empty", node)
        if isinstance(x, tuple):
            x = self.array_like(x, node)
        add, sub, mul, div = (lambda a, b, op=op: self.binop(op, a, b, node) for op in (ast.Add, ast.Sub, ast.Mult,
                                                                                         ast.Div))
        c = items
        if kind == "poly":
            c0 = add(c[-1], mul(x, 0))
            for i in range(2, len(c) + 1):
                c0 = add(c[-i], mul(c0, x))
            return c0
        x2 = mul(x, 2) if kind in ("cheb", "herm") else x
        if len(c) <= 2:
            c0, c1 = c[0], (c[1] if len(c) == 2 else 0)
        else:
            nd, c0, c1 = len(c), c[-2], c[-1]
            for i in range(3, len(c) + 1):
                tmp = c0
                nd -= 1
                if kind == "cheb":
                    c0, c1 = sub(c[-i], c1), add(tmp, mul(c1, x2))
                elif kind == "leg":
                    c0, c1 = sub(c[-i], mul(c1, (nd - 1) / nd)), add(tmp, mul(mul(c1, x), (2 * nd - 1) / nd))
                elif kind == "herm":
                    c0, c1 = sub(c[-i], mul(c1, 2 * (nd - 1))), add(tmp, mul(c1, x2))
                elif kind == "herme":
                    c0, c1 = sub(c[-i], mul(c1, nd - 1)), add(tmp, mul(c1, x))
                else:  # lag
                    c0, c1 = sub(c[-i], div(mul(c1, nd - 1), nd)), add(tmp, div(mul(c1, sub(2 * nd - 1, x)), nd))
        last = {"cheb": x, "leg": x, "herm": x2, "herme": x, "lag": sub(1, x)}[kind]
        return add(c0, mul(c1, last))

    # -- methods
    def python_number(self, x: Value, node):
        """The number x as Python's number (x.item(), x.tolist() of a 0-d value): a float for any
        float dtype, an int for any integer dtype, weak under NEP 50 (x32 * x.item() is float32)."""
        if x.type.weak:
            return x
        self.at(node)
        return self.b.emit("astype", [x], dtype=python_dtype(x.type.dtype), weak=True)

    def tolist(self, x: Value, args, kwargs, node):
        """x.tolist(): the numbers as Python's nested lists (a 0-d value: the number)."""
        if args or kwargs:
            raise self.err(ArgumentError, ".tolist() takes no arguments", node)
        if x.type.kind != "array":
            return self.python_number(x, node)
        shape = self.b.aval(x).shape
        if x.type.rank == 1:  # Python's numbers: float32 items are floats (float64), weak under NEP 50
            want = python_dtype(x.type.dtype)
            if want != x.type.dtype:
                self.at(node)
                x = self.b.emit("astype", [x], dtype=want)
            lst = self.as_list(x, node)
            if lst.slots is not None:
                lst.slots.weak = True
            else:
                lst.weak = True
            return lst
        if shape[0] is None:
            raise self.err(UnsupportedSyntaxError, ".tolist() of a 2-D or higher array whose first extent is known "
                           "only when the function runs", node, hint="iterate over its rows")
        self.at(node)
        rows = [self.b.emit("getitem", [x, self.b.const(k)], index=(("int", 1),)) for k in range(shape[0])]
        return self.mark_list(tuple(self.tolist(r, (), {}, node) for r in rows))

    def method_statement(self, m, call: ast.Call, stmt) -> bool:
        """`x.sort(axis=-1)` and `x.fill(v)` as statements, for what they write into x: `x[...] =
        np.sort(x, ...)` and `x[...] = v`, lowered as those writes are (into the array x names,
        seen through its views, as NumPy's in-place methods are). False for other methods."""
        if m.name not in ("sort", "fill"):
            return False
        if m.name == "fill" and (len(call.args) != 1 or call.keywords):
            raise self.err(ArgumentError, ".fill() takes one value", call)
        at = lambda t: ast.copy_location(t, call)  # noqa: E731
        target = call.func.value
        if m.name == "fill":
            value = call.args[0]
        else:
            self.env["_adjit_np"] = np
            value = at(ast.Call(func=at(ast.Attribute(value=at(ast.Name(id="_adjit_np", ctx=ast.Load())), attr="sort",
                                                      ctx=ast.Load())), args=[target] + list(call.args),
                                keywords=call.keywords))
        where = at(ast.Subscript(value=target, slice=at(ast.Constant(value=Ellipsis)), ctx=ast.Store()))
        if isinstance(target, ast.Subscript) and not self.dict_item_target(target):  # Y[0].sort(): Y[0, ...] (a view)
            inner = list(target.slice.elts) if isinstance(target.slice, ast.Tuple) else [target.slice]
            if not all(self._basic_index(e) for e in inner):
                raise self.err(UnsupportedSyntaxError, f".{m.name}() of a selection that is not a view (NumPy would "
                               "change a temporary copy)", call, hint="assign the result of np.sort to a name")
            where = at(ast.Subscript(value=target.value, slice=at(ast.Tuple(elts=inner + [at(ast.Constant(
                value=Ellipsis))], ctx=ast.Load())), ctx=ast.Store()))
        ast.fix_missing_locations(where)
        ast.fix_missing_locations(value)
        self.assign(where, self.expr(value), value)
        return True

    def chained_write_target(self, target):
        """`A[i][j] = v` (and `A[i][j] += v`): the write `A[i, j] = v` NumPy's view A[i] makes, when
        every index before the last bracket is an int (a slice or an array there selects a view or
        a copy whose indices do not combine this way: a located error)."""
        inner = target.value
        if not isinstance(inner, ast.Subscript):
            return target
        inner = self.chained_write_target(inner)
        if not isinstance(inner.value, ast.Name):
            return target
        first = list(inner.slice.elts) if isinstance(inner.slice, ast.Tuple) else [inner.slice]
        if not all(not isinstance(e, ast.Slice) and self._int_like(e) for e in first):
            raise self.err(UnsupportedSyntaxError, "a write through a chained index whose first index is not an int "
                           "(`A[1:3][0] = v`, `A[idx][0] = v`: a view or a copy)", target,
                           hint="write one index: A[1, 0] = v")
        last = list(target.slice.elts) if isinstance(target.slice, ast.Tuple) else [target.slice]
        merged = ast.Subscript(value=inner.value, slice=ast.Tuple(elts=first + last, ctx=ast.Load()), ctx=ast.Store())
        return ast.fix_missing_locations(ast.copy_location(merged, target))

    def chained_mask_write(self, target, val, node) -> bool:
        """`A[i][mask] = v` (a boolean array in the last bracket, ints before it): NumPy writes through
        the view A[i]; lowered as `t = A[i]; t[mask] = v; A[i] = t` (the mask write of one array,
        whatever the mask's rank). False where it does not apply (chained_write_target then)."""
        inner = target.value
        if not isinstance(inner, ast.Subscript) or not isinstance(inner.value, ast.Name):
            return False
        last = list(target.slice.elts) if isinstance(target.slice, ast.Tuple) else [target.slice]
        first = list(inner.slice.elts) if isinstance(inner.slice, ast.Tuple) else [inner.slice]
        if any(isinstance(e, ast.Slice) for e in last) or not all(
                not isinstance(e, ast.Slice) and self._int_like(e) for e in first):
            return False
        masks = [v for v in (self.expr(e) for e in last) if isinstance(v, Value) and v.type.kind == "array"
                 and v.type.dtype == "bool"]
        if not masks or all(m.type.rank == 1 for m in masks) and len(last) == 1 and len(first) + 1 == \
                self.expr(inner.value).type.rank:
            return False  # one 1-D mask on the last axis: the merged index A[i, mask] is a plain mask write
        return self._write_through_copy(target, inner, val, node)

    def chained_view_write(self, target, val, node) -> bool:
        """`A[1:3][0] = v`, `A[::2][1:] *= 3`, `A[:, 1][2] = v` (a slice, or `...`/None, before the
        last bracket): NumPy writes through the view the first brackets make; lowered as `t = copy of
        A[1:3]; t[0] = v; A[1:3] = t` (a chain of views, one bracket at a time). False where an int
        index merges (chained_write_target) or an index array makes a copy (its error there)."""
        inner = target.value
        if not isinstance(inner, ast.Subscript):
            return False
        first = list(inner.slice.elts) if isinstance(inner.slice, ast.Tuple) else [inner.slice]
        if all(not isinstance(e, ast.Slice) and self._int_like(e) for e in first):
            deeper, below = inner.value, []  # W[:, 1:][2][0] = v: through the view W[:, 1:][2], itself written back
            while isinstance(deeper, ast.Subscript):
                below += list(deeper.slice.elts) if isinstance(deeper.slice, ast.Tuple) else [deeper.slice]
                deeper = deeper.value
            if below and any(isinstance(e, ast.Slice) or not self._int_like(e) for e in below) and self.is_view(inner):
                return self._write_through_copy(target, inner, val, node)
            return False
        if not all(isinstance(e, ast.Constant) and (e.value is None or e.value is Ellipsis) or self._basic_index(e)
                   for e in first):
            return False
        return self._write_through_copy(target, inner, val, node)

    def _write_through_copy(self, target, inner, val, node) -> bool:
        """`t = copy of inner; t[last] = val; inner = t`: a write through the view `inner` makes (NumPy's
        meaning), lowered one bracket at a time; False when inner is not an array."""
        view_value = self.expr(inner)
        if not isinstance(view_value, Value) or view_value.type.kind != "array":
            return False
        tmp = f"_view{id(target)}"
        self.env[tmp] = self.b.emit("astype", [view_value], dtype=view_value.type.dtype)  # a copy, written back
        self.b.__dict__.setdefault("written_back", {})[self.env[tmp].id] = view_value  # (aliasing.py)
        try:
            loc = lambda n: ast.fix_missing_locations(ast.copy_location(n, target))  # noqa: E731
            self.assign(loc(ast.Subscript(ast.Name(tmp, ast.Load()), target.slice, ast.Store())), val, node)
            self.assign(loc(ast.Subscript(inner.value, inner.slice, ast.Store())), self.env[tmp], node)
        finally:
            self.env.pop(tmp, None)
        return True

    def is_view(self, node) -> bool:
        """Whether `Y[index]` (node) is a view NumPy makes of the array Y: a basic index (slices, ints,
        `...`, None) selecting an array, not a number or a gather's copy; for `Y`, `np.asarray(Y)`,
        `Y.view()` (rowviews.alias_of), whether it is the array Y itself (not a converted copy)."""
        if not isinstance(node, ast.Subscript):
            y = self.env.get(alias_of(node))
            try:
                return isinstance(y, Value) and y.type.kind == "array" and self.b.into([], lambda: self.expr(node)) is y
            except Exception:  # noqa: BLE001 - not an alias this can tell: lowered as written
                return False
        if isinstance(node.value, ast.Subscript):  # Y[1][1:]: a view of a view of Y
            if not self.is_view(node.value):
                return False
        else:
            base = self.env.get(node.value.id) if isinstance(node.value, ast.Name) else None
            if not isinstance(base, Value) or base.type.kind != "array":
                return False
        elems = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        try:
            if not all(isinstance(e, ast.Constant) and (e.value is None or e.value is Ellipsis) or self._basic_index(e)
                       for e in elems):
                return False
            out = self.b.into([], lambda: self.expr(node))
        except Exception:  # noqa: BLE001 - not a view this can tell: lowered as written
            return False
        return isinstance(out, Value) and out.type.kind == "array"

    def _int_like(self, e) -> bool:
        v = self.expr(e)
        return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Value) and v.type.kind == "scalar" \
            and v.type.dtype.startswith(("int", "uint"))

    def _basic_index(self, e) -> bool:
        """An index element that makes a view (a slice, an int), not a gather."""
        if isinstance(e, ast.Slice):
            return True
        v = self.expr(e)
        return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Value) and v.type.kind == "scalar" \
            and v.type.dtype.startswith(("int", "uint"))
