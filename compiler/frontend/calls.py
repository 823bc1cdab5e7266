"""Calls the Lowerer's `Expressions.call` hands on: int()/round() of numbers, `math.comb`, and an
array's methods (`x.sum()`, `x.reshape(...)`, `x.clip(...)`, `x.item()`). A mixin of Expressions
(split from expressions.py); the ufunc methods and the reductions' where= are its base,
ufuncmethods.py."""
from __future__ import annotations

import ast
import math
import sys

import numpy as np

from .. import primitives as P
from ..errors import AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .iterators import CompileIter, iterate, named_generator
from .structout import replaced
from .ufuncmethods import UfuncMethods, where_reduction  # noqa: F401 (expressions.py imports it from here)
from .values import Method, _is_number, shape_arg


def _signal(name):
    try:
        import scipy.signal

        return getattr(scipy.signal, name)
    except ImportError:  # pragma: no cover
        return None


class CallHelpers(UfuncMethods):
    def int_or_round(self, func, args, node):
        """int(x) (toward zero), round(x[, ndigits]) (half to even) of a number: Python's own if known
        when compiled; else no gradient, a Python int, weak (NEP 50: x32 * int(v) is float32)."""
        if all(_is_number(a) for a in args):
            return func(*args)
        x = self.value(args[0], node)
        if x.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"{func.__name__}() of an array: only numbers convert", node,
                           hint="use x.astype(int) or np.round(x) for arrays")
        if func is int:
            return x if x.type.dtype == "int64" and x.type.weak else self.b.emit("astype", [x], dtype="int64", weak=True)
        if len(args) == 2 and args[1] is not None:
            return self.form_round("round()", (x, args[1]), {}, node)
        r = self.form_round("round()", (x,), {}, node)
        return self.b.emit("astype", [r], dtype="int64", weak=True)

    def next_or_iter(self, func, args, kwargs, node):
        """iter(xs) and next(xs[, default]) of a sequence known when compiled (a generator over a
        list with conditions decided then, a dict's keys, a tuple): next() of a generator expression
        written in the call is its first item; iter(xs), and a generator bound to a name, are
        iterators that next() advances (iterators.py)."""
        from .structures import StructMap

        if kwargs or not 1 <= len(args) <= (2 if func is next else 1):
            raise self.err(ArgumentError, f"{func.__name__}() takes " + ("an iterator and an optional default"
                                                                         if func is next else "one iterable") + " here",
                           node)
        items = args[0]
        if isinstance(items, StructMap):
            items = tuple(items.items)  # a dict's keys, in order
        if isinstance(items, CompileIter) or isinstance(items, tuple) and (func is iter or named_generator(self, node)):
            return iterate(self, func, items, args, node)  # an iterator advanced by next() (iterators.py)
        if not isinstance(items, tuple):
            raise self.err(UnsupportedSyntaxError, f"{func.__name__}() of a sequence whose items are known only when "
                           "the function runs", node, hint="index it: xs[0], or np.argmax(mask) for the first match")
        if items:
            return self.struct_read(items[0], node)
        if len(args) == 2:
            return args[1]
        raise self.err(AdjitTypeError, "next() of an empty sequence: Python raises StopIteration", node)

    def call_keywords(self, node) -> dict:
        """A call's keyword arguments; `**opts` spliced in, opts a dict whose keys are known when
        compiled (a helper's **kwargs, a config dict); a key given twice is Python's TypeError."""
        from .structures import StructMap

        kwargs = {}
        for kw in node.keywords:
            items = {kw.arg: self.expr(kw.value)} if kw.arg is not None else self.expr(kw.value)
            if kw.arg is None:
                if not isinstance(items, StructMap) or not all(isinstance(k, str) for k in items.items):
                    raise self.err(UnsupportedSyntaxError, "`**` in a call takes a dict with str keys known when "
                                   "compiled here", kw.value, hint="pass the arguments by name")
                items = {k: self.struct_read(v, kw.value) for k, v in items.items.items()}  # a loop-carried item: its value
            for k, v in items.items():
                if k in kwargs:
                    raise self.err(ArgumentError, f"got multiple values for keyword argument '{k}' (Python "
                                   "raises TypeError)", node)
                kwargs[k] = v
        return kwargs

    def comb(self, func, args, kwargs, node):
        """math.comb / scipy.special.comb(n, k): a number when both are known when compiled; with n
        known and k computed at run time (a loop index), a table of the n + 1 coefficients indexed
        by k (checked in range)."""
        from .expressions import _describe

        if len(args) != 2 or set(kwargs) - {"exact"}:
            raise self.err(ArgumentError, f"{_describe(func)} takes n and k here", node)
        n, k = args
        if all(isinstance(a, int) or _is_number(a) and float(a).is_integer() for a in (n, k)):
            return math.comb(int(n), int(k)) if int(k) >= 0 else 0
        n = self.static(n, node, "n of comb(n, k)")
        if not isinstance(n, int) or n < 0 or n > 1000:
            raise self.err(AdjitTypeError, "comb(n, k): n must be a non-negative int known when the call is compiled",
                           node)
        kv = self.value(k, node)
        table = self._build(tuple(float(math.comb(n, j)) for j in range(n + 1)), node)
        if func is not math.comb and kv.type.kind == "array" and kv.type.dtype in ("int64", "int32") \
                and not self.static(kwargs.get("exact", False), node, "exact"):
            # scipy.special.comb(n, ks) of an int array (Pascal's row: comb(n, np.arange(n + 1))): elementwise
            self.at(node)
            inside = self.b.emit("logical_and", [self.b.emit("ge", [kv, self.b.const(0)]),
                                                 self.b.emit("le", [kv, self.b.const(n)])])
            at = self.b.emit("clip", [kv, self.b.const(0), self.b.const(n)])
            got = self.call_value(np.take, [table, at], {}, node)
            return self.b.emit("where", [inside, got, self.b.const(0.0)])
        if kv.type.kind != "scalar" or kv.type.dtype not in ("int64", "int32"):
            raise self.err(AdjitTypeError, f"comb(n, k): k must be an int, not {kv.type}"
                           + (" (scipy.special.comb takes an array of ints k, math.comb does not)"
                              if func is math.comb and kv.type.kind == "array" else ""), node)
        zero = self.b.const(0)
        got = self.b.emit("getitem", [table, self.b.emit("maximum", [kv, zero])], index=(("int", 1),))
        return self.b.emit("where", [self.b.emit("ge", [kv, zero]), got, self.b.const(0.0)])  # comb(n, -1) = 0

    def method(self, m: Method, args, kwargs, node):
        x = m.obj
        if m.name == "get" and type(x).__name__ == "StructMap":  # d.get(key, default) of a dict structure
            if not 1 <= len(args) <= 2 or kwargs:
                raise self.err(ArgumentError, "dict.get takes a key and an optional default", node)
            key = args[0]
            if not (key is None or isinstance(key, (str, tuple)) or _is_number(key)):
                key = self.static(key, node, "the key of dict.get")  # a run-time key: the located error
            return self.struct_read(x.items[key], node) if key in x.items else (args[1] if len(args) > 1 else None)
        if m.name == "_replace" and type(x).__name__ == "StructTuple":  # p._replace(a=v) of a NamedTuple: structout.py
            return replaced(self, x, args, kwargs, node)
        if m.name == "tolist":  # Python's (nested) list of the numbers: morenumpy.py
            return self.tolist(x, args, kwargs, node)
        if m.name in P.REDUCTIONS:
            return self.reduction(m.name, x, args, kwargs, node)
        if m.name == "reshape":  # x.reshape(2, 8, order="F"): forms/views.py
            if set(kwargs) - {"order", "shape"} or "shape" in kwargs and args:
                raise self.err(ArgumentError, "x.reshape takes the shape and order=", node)
            shape = kwargs["shape"] if "shape" in kwargs else args[0] if len(args) == 1 else tuple(args)
            return self.reshape_ordered(x, shape_arg(shape),  # x.reshape(a * b): one computed int
                                        kwargs.get("order", "C"), node)
        if m.name == "transpose":
            axes = args[0] if len(args) == 1 else (tuple(args) if args else None)
            return self.transpose(x, axes, node)
        if m.name == "astype":
            target = self.dtype(args[0] if args else kwargs.get("dtype"), node)
            copy = kwargs.get("copy", args[4] if len(args) > 4 else True)
            if not self.static(copy, node, "copy") and target == x.type.dtype and x.type.kind == "array":
                return x  # astype(same dtype, copy=False): NumPy returns the array itself
            return self.b.emit("astype", [x], dtype=target)
        if m.name == "copy":  # a new value: writes into it are not writes into x
            return self.b.emit("astype", [x], dtype=x.type.dtype)
        if m.name == "clip":  # x.clip(lo, hi), x.clip(lo), x.clip(max=hi): np.clip
            kwargs = {{"min": "a_min", "max": "a_max"}.get(k, k): v for k, v in kwargs.items()}
            if not args and "a_min" not in kwargs:
                kwargs["a_min"] = None
            if len(args) < 2 and "a_max" not in kwargs:
                kwargs["a_max"] = None
            return self.prim_call("clip", np.clip, (x,) + tuple(args), kwargs, node)
        if m.name == "item" and not args and not kwargs:  # x.item(): the one element, as a number
            if x.type.kind == "scalar":  # Python's number (weak under NEP 50): morenumpy.py
                return self.python_number(x, node)
            if any(d != 1 for d in self.b.aval(x).shape):
                raise self.err(AdjitTypeError, "x.item() of an array of more than one element (NumPy raises); "
                               "index it instead", node)
            return self.python_number(self.b.emit("getitem", [x] + [self.b.const(0)] * x.type.rank,
                                                  index=tuple(("int", k + 1) for k in range(x.type.rank))), node)
        if m.name == "item" and not kwargs:  # x.item(k) of the flat (C-order) index, x.item(i, j), x.item((i, j))
            index = tuple(args[0]) if len(args) == 1 and isinstance(args[0], tuple) else tuple(args)
            base = self.prim_call("reshape", np.reshape, (x, -1), {}, node) if len(index) == 1 else x
            if len(index) != base.type.rank:
                raise self.err(AdjitTypeError, f"x.item() of {len(index)} indices for an array of "
                               f"{x.type.rank} dimensions (NumPy raises)", node)
            names = [f"_item{id(node)}_{k}" for k in range(len(index) + 1)]
            self.env.update(zip(names, (base,) + index))
            try:
                sub = ast.Subscript(ast.Name(names[0], ast.Load()), ast.Tuple(
                    [ast.Name(n, ast.Load()) for n in names[1:]], ast.Load()), ast.Load())
                return self.python_number(self.expr(ast.fix_missing_locations(ast.copy_location(sub, node))), node)
            finally:
                for n in names:
                    self.env.pop(n, None)
        raise self.err(UnsupportedSyntaxError, f"method .{m.name}() is not supported", node)

    def divmod_or_sorted(self, func, args, kwargs, node):
        """divmod(a, b): (a // b, a % b), Python's numbers when both are known when compiled.
        sorted(xs) of a list or tuple of numbers (reverse= known when compiled): Python's sorted
        when every item is known, else the items of np.sort of their array (exact gradient through
        the permutation, as np.sort), as a list."""
        import ast

        if func is next or func is iter:  # of a sequence known when compiled
            return self.next_or_iter(func, args, kwargs, node)
        if func is divmod:
            if len(args) != 2 or kwargs:
                raise self.err(ArgumentError, "divmod() takes two arguments", node)
            a, b = args
            if _is_number(a) and _is_number(b):
                return divmod(a, b)
            return self.binop(ast.FloorDiv, a, b, node), self.binop(ast.Mod, a, b, node)
        if len(args) != 1 or set(kwargs) - {"reverse"}:
            raise self.err(UnsupportedSyntaxError, "sorted() of one list, with reverse= at most (no key=)", node,
                           hint="sort an array with np.sort, or np.argsort for a key")
        reverse = bool(self.static(kwargs.get("reverse", False), node, "reverse"))
        xs, weak = args[0], False
        if type(xs).__name__ == "BuiltList":  # sorted(x.tolist()), sorted(list(x)): its items' array
            weak = xs.slots.weak if xs.slots is not None else xs.weak  # Python's numbers stay Python's
            xs = xs.array
        if type(xs).__name__ == "StructMap":  # sorted(d): a dict's keys, known when compiled
            xs = tuple(xs.items)
        if isinstance(xs, tuple) and xs and all(isinstance(x, str) for x in xs):
            return self.mark_list(tuple(sorted(xs, reverse=reverse)))
        if isinstance(xs, tuple) and all(_is_number(x) for x in xs):
            return self.mark_list(tuple(sorted(xs, reverse=reverse)))
        if isinstance(xs, tuple) and xs and all(_known_item(x) for x in xs):  # sorted(d.items()) of a global dict
            return self.mark_list(tuple(sorted(xs, reverse=reverse)))
        if isinstance(xs, tuple) and xs and all(type(t) is tuple and not self.is_list(t) and len(t) == len(xs[0]) > 0
                                                and all(_is_number(v) or isinstance(v, Value) and v.type.kind == "scalar"
                                                        for v in t) for t in xs):
            return self._sorted_tuples(xs, reverse, node)  # sorted(zip(a, b)): Python's order of tuples
        if isinstance(xs, tuple):
            xs = self._build(xs, node)
        n = self.b.aval(xs).shape[0] if isinstance(xs, Value) and xs.type.kind == "array" and xs.type.rank == 1 else None
        if n is None:
            raise self.err(UnsupportedSyntaxError, "sorted() of a list or tuple of numbers, or of a 1-D array of a "
                           "length known when the call is compiled", node, hint="np.sort(x) sorts an array")
        if xs.type.dtype.startswith(("float", "complex")):  # NumPy puts NaN last; Python's order is undefined
            emit = self.b.emit
            nan = emit("sum", [emit("astype", [emit("ne", [xs, xs])], dtype="int64")], axis=(0,), keepdims=False)
            emit("check", [emit("eq", [nan, self.b.const(0)])], exc="ValueError",
                 msg="sorted() of numbers with a NaN: Python's order is not defined for it (adjit refuses to guess)")
        arr = self.numpy_form(np.sort, [xs], {}, node)
        items = [self.b.emit("getitem", [arr, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
        if weak:
            items = [self.b.emit("astype", [v], dtype=v.type.dtype, weak=True) for v in items]
        return self.mark_list(tuple(reversed(items)) if reverse else tuple(items))

    def _sorted_tuples(self, xs: tuple, reverse: bool, node):
        """sorted() of tuples of numbers (`sorted(zip(scores, x))`): Python compares them item by item,
        so the order is stable argsorts by the last item, then each earlier one (the first decides);
        reverse= the ascending order reversed (equal tuples are equal values). A NaN is refused."""
        cols = [self._build(tuple(t[j] for t in xs), node) for j in range(len(xs[0]))]
        emit = self.b.emit
        perm = None
        for col in reversed(cols):
            if col.type.dtype.startswith("float"):
                nan = emit("sum", [emit("astype", [emit("ne", [col, col])], dtype="int64")], axis=(0,), keepdims=False)
                emit("check", [emit("eq", [nan, self.b.const(0)])], exc="ValueError",
                     msg="sorted() of tuples holding a NaN: Python's order is not defined for it (adjit refuses to guess)")
            key = col if perm is None else self.call_value(np.take, [col, perm], {}, node)
            order = self.call_value(np.argsort, [key], {"kind": "stable"}, node)
            perm = order if perm is None else self.call_value(np.take, [perm, order], {}, node)
        cols = [self.call_value(np.take, [c, perm], {}, node) for c in cols]
        items = [tuple(emit("getitem", [c, self.b.const(k)], index=(("int", 1),)) for c in cols) for k in range(len(xs))]
        return self.mark_list(tuple(reversed(items)) if reverse else tuple(items))

    def count_or_diagflat(self, func, args, kwargs, node):
        """np.count_nonzero(a, axis=None, keepdims=False): the sum of a != 0 as int64 (a number
        without an axis). np.diagflat(v, k=0): np.diag of v raveled."""
        names = ("a", "axis", "keepdims") if func is np.count_nonzero else ("v", "k")
        bound = self.bind_args(f"np.{func.__name__}", names, args, kwargs, node,
                               **({"axis": None, "keepdims": False} if func is np.count_nonzero else {"k": 0}))
        x = self.value(bound[0], node)
        if func is np.diagflat:
            flat = self.b.emit("reshape", [x, self.value((-1,), node)]) if x.type.kind == "array" else x
            return self.numpy_form(np.diag, [flat], {"k": bound[1]}, node)
        nz = self.b.emit("astype", [self.b.emit("ne", [x, self.b.const(0)])], dtype="int64")
        return self._reduce("sum", nz, bound[1], bound[2], node)

    @staticmethod
    def is_more_numpy(func) -> bool:
        if any(func is f for f in (np.select, np.nanvar, np.nanstd, np.radians, np.deg2rad, np.degrees, np.rad2deg,
                                   math.radians, math.degrees, np.append, np.searchsorted)):
            return True
        module = getattr(func, "__module__", None) or type(getattr(func, "__self__", None)).__module__ or ""
        scipy_ufunc = isinstance(func, np.ufunc) and func.__name__ == "xlog1py"  # (a ufunc names no module)
        if not module.startswith("scipy") and not scipy_ufunc:  # scipy is imported only for a program that
            return False  # calls it (test_startup.py)
        # such a function came from its module, imported already (importing scipy.stats and .signal here cost
        # GMM's first call, which calls scipy.special.logsumexp, about 0.6 s)
        loaded = [getattr(sys.modules.get(m), a, None) for m, a in (("scipy.special", "xlog1py"), (
            "scipy.linalg", "eigh"), ("scipy.signal", "convolve2d"), ("scipy.signal", "correlate2d"))]
        stats = sys.modules.get("scipy.stats")
        return any(f is not None and func is f for f in loaded) or stats is not None and \
            getattr(func, "__self__", None) is stats.dirichlet and getattr(func, "__name__", "") == "logpdf"

    def more_numpy(self, func, args, kwargs, node):
        """np.select, np.nanvar/np.nanstd, scipy.special.xlog1py, scipy.linalg.eigh of one matrix,
        scipy.stats.dirichlet.logpdf: written with the functions adjit has rules for."""
        if func is np.searchsorted:  # (before SciPy is imported: test_startup.py)
            return self.searchsorted_sorter(func, args, kwargs, node)
        import scipy.linalg
        import scipy.special
        import scipy.stats

        call = lambda f, *a, **k: self.call_value(f, list(a), k, node)  # noqa: E731
        if any(func is f for f in (np.radians, np.deg2rad, np.degrees, np.rad2deg, math.radians, math.degrees)):
            if len(args) != 1 or kwargs:
                raise self.err(ArgumentError, f"{func.__name__}() takes one argument here", node)
            factor = math.pi / 180.0 if func in (np.radians, np.deg2rad, math.radians) else 180.0 / math.pi
            if _is_number(args[0]):
                return float(args[0]) * factor
            return self.binop(ast.Mult, args[0], factor, node)
        if func is _signal("convolve2d") or func is _signal("correlate2d"):
            return self._conv2d(func, args, kwargs, node)
        if func is np.append:  # np.concatenate of the two raveled (axis=None), or along axis
            arr, values, axis = self.bind_args("np.append", ("arr", "values", "axis"), args, kwargs, node, axis=None)
            if axis is None:
                parts = [call(np.ravel, self.value(p, node) if not isinstance(p, tuple) else self._build(p, node))
                         for p in (arr, values)]
                return call(np.concatenate, tuple(parts))
            return call(np.concatenate, (arr, values), axis=axis)
        if func is np.select:
            conds, choices, default = self.bind_args("np.select", ("condlist", "choicelist", "default"), args,
                                                     kwargs, node, default=0)
            if not isinstance(conds, tuple) or not isinstance(choices, tuple) or len(conds) != len(choices):
                raise self.err(AdjitTypeError, "np.select takes two lists of the same length", node)
            out = default
            for c, v in reversed(list(zip(conds, choices))):  # the first true condition wins
                out = call(np.where, c, v, out)
            parts = (*choices, default)  # NumPy promotes the choices and default at once: with a float32
            if isinstance(out, Value) and all(isinstance(p, Value) or _is_number(p) for p in parts):  # choice,
                from ..shapes import promote  # Python numbers stay weak where a nested where makes float64
                dt = promote(*(self.value(p, node).type for p in parts)).dtype
                if out.type.dtype != dt:
                    out = self.b.emit("astype", [out], dtype=dt)
            return out
        if func is np.nanvar or func is np.nanstd:
            name = f"np.{func.__name__}"
            x, axis, ddof, keepdims = self.bind_args(name, ("a", "axis", "ddof", "keepdims"), args, kwargs, node,
                                                     axis=None, ddof=0, keepdims=False)
            x = self.value(x, node)
            ok = call(np.logical_not, call(np.isnan, x))
            count = call(np.sum, ok, axis=axis, keepdims=True)
            mean = call(np.divide, call(np.sum, call(np.where, ok, x, 0.0), axis=axis, keepdims=True), count)
            dev = call(np.where, ok, self.binop(ast.Sub, x, mean, node), 0.0)
            ss = call(np.sum, self.binop(ast.Mult, dev, dev, node), axis=axis, keepdims=keepdims)
            n = call(np.sum, ok, axis=axis, keepdims=keepdims)
            var = self.binop(ast.Div, ss, self.binop(ast.Sub, n, ddof, node), node)
            return call(np.sqrt, var) if func is np.nanstd else var
        if func is scipy.special.xlog1py:
            a, b = self.bind_args("scipy.special.xlog1py", ("x", "y"), args, kwargs, node)
            zero = self.b.emit("eq", [self.value(a, node), self.b.const(0.0)])
            return call(np.where, zero, 0.0, self.binop(ast.Mult, a, call(np.log1p, b), node))
        if func is scipy.linalg.eigh:
            return self.scipy_eigh(args, kwargs, node)
        if getattr(func, "__self__", None) is scipy.stats.dirichlet and func.__name__ == "logpdf":
            x, alpha = self.bind_args("scipy.stats.dirichlet.logpdf", ("x", "alpha"), args, kwargs, node)
            terms = self.binop(ast.Mult, self.binop(ast.Sub, alpha, 1.0, node), call(np.log, x), node)
            return self.binop(ast.Sub, self.binop(ast.Add, call(np.sum, terms), call(
                scipy.special.gammaln, call(np.sum, alpha)), node), call(np.sum, call(scipy.special.gammaln, alpha)),
                node)
        raise self.err(UnsupportedSyntaxError, f"{func.__name__} is not supported here", node)

    def scipy_eigh(self, args, kwargs, node):
        """scipy.linalg.eigh(a, b=None, lower=True, eigvals_only=False, subset_by_index=None, type=1):
        the pencil a v = w b v as LAPACK's sygvd reduces it: b = L L^T (cholesky), eigh of
        C = L^-1 a L^-T, v = L^-T u (so v^T b v = 1, SciPy's normalization). `a` is read from its
        lower triangle (`lower=True`) or its upper, as SciPy reads it; subset_by_index=[lo, hi] (known
        when compiled) keeps those eigenpairs."""
        import scipy.linalg

        label = "scipy.linalg.eigh"
        names = ("a", "b", "lower", "eigvals_only", "overwrite_a", "overwrite_b", "type", "check_finite",
                 "subset_by_index", "subset_by_value", "driver")
        a, b, lower, only, _, _, kind, _, subset, by_value, _ = self.bind_args(
            label, names, args, kwargs, node, b=None, lower=True, eigvals_only=False, overwrite_a=False,
            overwrite_b=False, type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None)
        call = lambda f, *a_, **k: self.call_value(f, list(a_), k, node)  # noqa: E731
        lower = bool(self.static(lower, node, "lower"))
        only = bool(self.static(only, node, "eigvals_only"))
        if self.static(kind, node, "type") != 1 or by_value is not None:
            raise self.err(UnsupportedSyntaxError, f"{label}: type=1 (a v = w b v) without subset_by_value is "
                           "supported", node, hint="np.linalg.eigh of the reduced matrix, then select the values")
        a = self.value(a, node)
        if not lower:  # read a's upper triangle: np.linalg.eigh reads the lower one of a.T
            a = call(np.transpose, a)
        if b is not None:
            L = call(np.linalg.cholesky, b if lower else call(np.transpose, b))  # of b's lower (upper) triangle
            a = self.binop(ast.Add, call(np.tril, a), call(np.transpose, call(np.tril, a, -1)), node)  # that of a
            half = call(scipy.linalg.solve_triangular, L, a, lower=True)  # L^-1 a
            a = call(scipy.linalg.solve_triangular, L, call(np.transpose, half), lower=True)  # L^-1 a L^-T
        w, u = call(np.linalg.eigh, a)
        if b is not None:
            u = call(scipy.linalg.solve_triangular, L, u, trans="T", lower=True)
        if subset is not None:
            lo, hi = (int(self.static(v, node, "subset_by_index")) for v in subset)
            n = self._extent(w, 0, node, label)
            if not 0 <= lo <= hi < n:
                raise self.err(ShapeError, f"{label}: subset_by_index [{lo}, {hi}] is outside [0, {n - 1}]", node)
            w, u = self._slice(w, 0, lo, hi + 1), self._slice(u, 1, lo, hi + 1)
        return w if only else (w, u)

    def searchsorted_sorter(self, func, args, kwargs, node):
        """np.searchsorted(a, v, side, sorter=idx): NumPy's binary search over a[sorter] (which
        NumPy requires sorted), so the searchsorted form (forms/common.py) of the gather a[sorter];
        sorter's length and range are NumPy's errors (ValueError), its values checked when run."""
        a, v, side, sorter = self.bind_args("np.searchsorted", ("a", "v", "side", "sorter"), args, kwargs, node,
                                            side="left", sorter=None)
        if sorter is None:
            return self.numpy_form(func, args, kwargs, node)
        a, sorter = self.array_like(a, node), self.array_like(sorter, node)
        if a.type.kind != "array" or a.type.rank != 1:
            raise self.err(AdjitTypeError, "np.searchsorted: a must be a 1-D array", node)
        if sorter.type.kind != "array" or sorter.type.rank != 1 or not sorter.type.dtype.startswith(("int", "uint")):
            raise self.err(AdjitTypeError, "np.searchsorted: sorter must be a 1-D array of ints (the indices that "
                           f"sort a, np.argsort(a)), not {sorter.type}", node)
        n, k = self.b.aval(a).shape[0], self.b.aval(sorter).shape[0]
        if isinstance(n, int) and isinstance(k, int) and n != k:
            raise self.err(ShapeError, "np.searchsorted: sorter.size must equal a.size", node)
        self.at(node)
        emit, const = self.b.emit, self.b.const
        size = emit("getitem", [emit("shape", [a]), const(0)], index=(("int", 1),))
        if not (isinstance(n, int) and isinstance(k, int)):  # extents known only when run
            ksize = emit("getitem", [emit("shape", [sorter]), const(0)], index=(("int", 1),))
            emit("check", [emit("eq", [size, ksize])], exc="ValueError", msg="sorter.size must equal a.size")
        out = emit("logical_or", [emit("lt", [sorter, const(0)]), emit("ge", [sorter, size])])
        bad = emit("sum", [emit("astype", [out], dtype="int64")], axis=(0,), keepdims=False)
        emit("check", [emit("eq", [bad, const(0)])], exc="ValueError", msg="Sorter index out of range.")
        return self.numpy_form(func, [emit("gather", [a, sorter], index=(("array", 1),)), v],
                               {"side": side}, node)

    def _conv2d(self, func, args, kwargs, node):
        """scipy.signal.convolve2d / correlate2d(in1, in2, mode, boundary, fillvalue=0) for a kernel
        of a shape known when compiled: the sum over the kernel's entries of each entry times a
        shifted window of in1 padded as `boundary` says (np.pad's constant, symmetric or wrap), then
        cropped as `mode` says (scipy's centring)."""
        label = f"scipy.signal.{func.__name__}"
        a, k, mode, boundary, fill = self.bind_args(label, ("in1", "in2", "mode", "boundary", "fillvalue"), args,
                                                    kwargs, node, mode="full", boundary="fill", fillvalue=0)
        a, k = self.value(a, node), self.value(k, node)
        if a.type.rank != 2 or k.type.rank != 2 or None in self.b.aval(a).shape or None in self.b.aval(k).shape:
            raise self.err(UnsupportedSyntaxError, f"{label} of 2-D arrays of shapes known when compiled", node)
        (H, W), (kh, kw) = self.b.aval(a).shape, self.b.aval(k).shape
        if kh * kw > 400 or mode not in ("full", "same", "valid") or boundary not in ("fill", "symm", "wrap"):
            raise self.err(UnsupportedSyntaxError, f"{label}: a kernel of at most 400 entries, mode 'full', 'same' or "
                           "'valid', boundary 'fill', 'symm' or 'wrap' are supported", node)
        if mode == "valid" and (kh > H or kw > W):
            raise self.err(UnsupportedSyntaxError, f"{label}: mode='valid' with a kernel larger than the input", node)
        call = lambda f, *x, **kw_: self.call_value(f, list(x), kw_, node)  # noqa: E731
        pad = {"fill": {"mode": "constant", "constant_values": fill}, "symm": {"mode": "symmetric"},
               "wrap": {"mode": "wrap"}}[boundary]
        P = call(np.pad, a, ((kh - 1, kh - 1), (kw - 1, kw - 1)), **pad)
        Hf, Wf = H + kh - 1, W + kw - 1
        r0, c0, Ho, Wo = {"full": (0, 0, Hf, Wf), "same": ((kh - 1) // 2, (kw - 1) // 2, H, W),
                          "valid": (kh - 1, kw - 1, H - kh + 1, W - kw + 1)}[mode]
        flip = func is _signal("correlate2d")
        if flip and mode == "same":  # scipy centres a correlation the other way for an even kernel extent
            r0, c0 = kh // 2, kw // 2
        out = None
        for m in range(kh):
            for n in range(kw):
                w = self.b.emit("getitem", [k, self.b.const(kh - 1 - m if flip else m),
                                            self.b.const(kw - 1 - n if flip else n)], index=(("int", 1), ("int", 2)))
                r, c = kh - 1 - m + r0, kw - 1 - n + c0
                window = self._slice(self._slice(P, 0, r, r + Ho), 1, c, c + Wo)
                term = self.binop(ast.Mult, w, window, node)
                out = term if out is None else self.binop(ast.Add, out, term, node)
        return out


def _known_item(x) -> bool:
    """A Python value known when compiled that Python's sorted() orders: a string, a number, or a
    tuple of those (the (key, value) pairs of a global dict's items())."""
    if isinstance(x, str) or _is_number(x) and not isinstance(x, bool):
        return True
    return type(x) is tuple and all(_known_item(e) for e in x)
