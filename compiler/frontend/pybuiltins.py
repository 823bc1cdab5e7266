"""Python builtins over sequences that decide by comparing or testing items: `any`, `all`, and
`sorted`/`max`/`min` with `key=`; and `functools.partial` (made in the function or a global one of
constants): a call of it is the call of its function with the bound arguments first, lowered as a
call written out in full (so a partial of a helper, a lambda, a NumPy function or a class is what
calling that is).

Items are what the frontend has for a sequence: a tuple of values (a literal, an unrolled
comprehension, `range(n)` with n known when compiled), or a 1-D array (its elements). Each is
lowered to what Python computes, not to a NumPy approximation of it:

- `any(xs)` / `all(xs)`: the truth of each item (`v != 0` for a number, NaN is true) folded with
  `or` / `and`; a bool. Every item is evaluated (Python stops at the first deciding one; only an
  item whose evaluation raises could tell the difference).
- `max(xs, key=f)` / `min(xs, key=f)`: the first item whose key is largest (smallest) as Python's
  loop finds it (`f(x) > best` replaces the best, so a NaN key never replaces nor is replaced,
  except as the first): the winning position by a chain of `where`, the item read there.
- `sorted(xs, key=f, reverse=r)`: Python's stable order of the keys (equal keys keep their order,
  also with `reverse=True`): np.argsort(kind="stable") of the keys (negated for reverse), the items
  gathered in that order; a NaN key (where Python's order depends on its sort's internals) raises
  ValueError when the function runs. The gradient flows through the gather, as through np.sort.
"""
from __future__ import annotations

import ast
import builtins
import functools

import numpy as np

from ..errors import AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .forms.polynomials import PolyObject
from .interpolation import Interp1d, is_interp1d
from .splines import CubicSplineValue, is_cubic_spline
from .odes import is_solve_ivp, lower_solve_ivp
from .rootfinding import is_brentq
from .values import _is_number

_MISSING = object()


_UNSET = object()


class Partial:
    """functools.partial(func, *args, **kwargs) made in the function: its parts, lowered."""

    def __init__(self, func, args: tuple, kwargs: dict):
        self.func, self.args, self.kwargs = func, args, kwargs
        self.__name__ = f"functools.partial({getattr(func, '__name__', 'a function')}, ...)"


def _constant(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, complex, str)) or type(v) is tuple and all(map(_constant, v))


class SequenceBuiltins:
    """The Lowerer's any/all, keyed sorted/max/min and functools.partial."""

    @staticmethod
    def is_sequence_builtin(func, node) -> bool:
        if func is builtins.any or func is builtins.all or func is functools.partial or isinstance(func, Partial):
            return True
        if is_interp1d(func) or isinstance(func, Interp1d):  # scipy.interpolate.interp1d: interpolation.py
            return True
        if is_cubic_spline(func) or isinstance(func, CubicSplineValue):  # scipy.interpolate.CubicSpline: splines.py
            return True
        if is_brentq(func) or is_solve_ivp(func):  # scipy.optimize.brentq: rootfinding.py; solve_ivp: odes.py
            return True
        if func is str or func is np.isscalar:  # str(k), np.isscalar(v): decided when compiled
            return True
        if isinstance(func, PolyObject) or isinstance(getattr(func, "__self__", None), PolyObject):
            return True  # p(x), p.deriv() of a np.poly1d / Polynomial made here: forms/polynomials.py
        if isinstance(func, functools.partial):  # a global partial of constants
            return _constant(func.args) and all(map(_constant, func.keywords.values()))
        if (func is builtins.max or func is builtins.min) and any(k.arg == "default" for k in node.keywords):
            return True
        return (func is builtins.sorted or func is builtins.max or func is builtins.min) \
            and any(k.arg == "key" for k in node.keywords)

    def sequence_builtin(self, func, node: ast.Call):
        if func is builtins.any or func is builtins.all:
            return self._any_all(func, node)
        if func is functools.partial:
            if not node.args or any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords):
                raise self.err(UnsupportedSyntaxError, "functools.partial(func, *args, **kwargs) with the arguments "
                               "written out (no * or ** unpacking)", node)
            return Partial(self.expr(node.args[0]), tuple(self.expr(a) for a in node.args[1:]),
                           {k.arg: self.expr(k.value) for k in node.keywords})
        if is_interp1d(func) or isinstance(func, Interp1d):
            args, kwargs = self.call_args(node.args), self.call_keywords(node)
            self.at(node)
            return self.make_interp1d(args, kwargs, node) if is_interp1d(func) else \
                self.call_interp1d(func, args, kwargs, node)
        if is_brentq(func) or is_solve_ivp(func):
            args, kwargs = self.call_args(node.args), self.call_keywords(node)
            self.at(node)
            return self.lower_brentq(args, kwargs, node) if is_brentq(func) else lower_solve_ivp(self, args, kwargs, node)
        if is_cubic_spline(func) or isinstance(func, CubicSplineValue):
            args, kwargs = self.call_args(node.args), self.call_keywords(node)
            self.at(node)
            return self.make_cubic_spline(args, kwargs, node) if is_cubic_spline(func) else \
                self.call_cubic_spline(func, args, kwargs, node)
        if isinstance(func, (Partial, functools.partial)):
            return self._call_partial(func, node)
        if func is str or func is np.isscalar:
            return self._known_when_compiled(func, node)
        if isinstance(func, PolyObject) or isinstance(getattr(func, "__self__", None), PolyObject):
            args, kwargs = self.call_args(node.args), self.call_keywords(node)
            self.at(node)
            if isinstance(func, PolyObject):
                return self.poly_call(func, args, kwargs, node)
            return self.poly_method(func.__self__, func.__name__, args, kwargs, node)
        if any(k.arg == "default" for k in node.keywords):
            return self._with_default(func, node)
        return self._keyed(func, node)

    def _with_default(self, func, node):
        """`max(xs, default=d)` (min, with or without key=): Python's `max(xs) if xs else d`, the
        iterable evaluated once; only the branch taken runs (an empty list's max is never formed)."""
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.err(ArgumentError, f"Cannot specify a default for {func.__name__}() with multiple positional "
                           "arguments", node)
        hidden = f"_dflt{id(node)}"
        saved = self.env.get(hidden, _UNSET)
        self.env[hidden] = self.expr(node.args[0])

        def at(new):
            return ast.copy_location(new, node)

        default = next(k.value for k in node.keywords if k.arg == "default")
        items = at(ast.Name(hidden, ast.Load()))
        call = at(ast.Call(node.func, [items], [k for k in node.keywords if k.arg != "default"]))
        test = at(ast.Compare(at(ast.Call(at(ast.Name("len", ast.Load())), [items], [])), [ast.Gt()],
                              [at(ast.Constant(0))]))
        try:
            return self.expr(at(ast.IfExp(test, call, default)))
        finally:
            if saved is _UNSET:
                self.env.pop(hidden, None)
            else:
                self.env[hidden] = saved

    def _known_when_compiled(self, func, node):
        """str(v) of a number or string known when compiled (a loop counter of an unrolled loop, an
        option): Python's str; np.isscalar(v): True for a number (Python's or NumPy's), False for an
        array, decided on the value's kind."""
        what = "str()" if func is str else "np.isscalar"
        if len(node.args) != 1 or node.keywords:
            raise self.err(AdjitTypeError, f"{what} of one value here", node)
        v = self.expr(node.args[0])
        if func is np.isscalar:
            if isinstance(v, Value):
                return v.type.kind == "scalar"
            return bool(np.isscalar(v)) if v is None or isinstance(v, (str, bytes)) or _is_number(v) \
                else False
        if isinstance(v, Value):
            known = self.b.aval(v).value if v.type.kind == "scalar" else None
            if isinstance(known, (int, np.integer)) and not isinstance(known, bool) and v.type.dtype.startswith("int"):
                return str(int(known))
            raise self.err(UnsupportedSyntaxError, "str() of a value computed when the function runs (a string "
                           "cannot be a compiled value)", node, hint="build names from loop counters and options "
                           "known when compiled, e.g. f\"w{k}\" in an unrolled loop")
        if v is None or isinstance(v, (str, bool)) or _is_number(v):
            return str(v)
        raise self.err(AdjitTypeError, f"str() of {type(v).__name__} is not supported", node)

    def call_dunder(self, obj, method: str, node, args=()):
        """obj.method(*args) of an object of the user's class (len(obj): __len__), as written."""
        tag = f"_dunder{id(node)}"
        names = {f"{tag}_o": obj, **{f"{tag}_a{i}": a for i, a in enumerate(args)}}
        call = ast.Call(ast.Attribute(ast.Name(f"{tag}_o", ast.Load()), method, ast.Load()),
                        [ast.Name(f"{tag}_a{i}", ast.Load()) for i in range(len(args))], [])
        for n in ast.walk(call):
            ast.copy_location(n, node)
            n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        self.env.update(names)
        try:
            return self.call(call)
        finally:
            for n in names:
                self.env.pop(n, None)

    def _call_partial(self, p, node: ast.Call):
        """p(*a, **k): p.func(*p.args, *a, **{**p.kwargs, **k}), as a call written out in full."""
        kwargs = p.keywords if isinstance(p, functools.partial) else p.kwargs
        tag = f"_partial{id(node)}"
        names = {f"{tag}_f": p.func}
        names.update({f"{tag}_a{i}": v for i, v in enumerate(p.args)})
        given = {k.arg for k in node.keywords}
        names.update({f"{tag}_k_{k}": v for k, v in kwargs.items() if k not in given})

        def name(n):
            return ast.copy_location(ast.Name(n, ast.Load()), node)

        call = ast.copy_location(ast.Call(
            name(f"{tag}_f"), [name(f"{tag}_a{i}") for i in range(len(p.args))] + list(node.args),
            [ast.keyword(k, name(f"{tag}_k_{k}")) for k in kwargs if k not in given] + list(node.keywords)), node)
        for n in ast.walk(call):
            if hasattr(n, "lineno"):
                n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        saved = {n: self.env.get(n, _MISSING) for n in names}
        self.env.update(names)
        try:
            return self.call(call)
        finally:
            for n, v in saved.items():
                if v is _MISSING:
                    self.env.pop(n, None)
                else:
                    self.env[n] = v

    # -- items
    def _items_of(self, node: ast.Call, what: str):
        """The items of the call's one positional argument, as a `for` loop over it sees them: a
        tuple (unrolled: a list, a range, rows of an array, a dict's keys), or, over a sequence of
        run-time length, the array NumPy makes of them (rows first)."""
        arg = node.args[0]
        comp = arg if isinstance(arg, (ast.ListComp, ast.GeneratorExp)) else \
            self._over(ast.Name(f"_seq{id(node)}_v", ast.Load()), f"_seq{id(node)}_v", arg, arg)
        items = self.comprehension_items(comp)
        if items is None and isinstance(arg, ast.Call) and self.expr(arg.func) in (enumerate, zip):
            saved = getattr(self, "_rows_unrolled", False)  # pairs, which no array holds: rows of a known
            self._rows_unrolled = True  # count unrolled (comprehensions.static_sequence)
            try:
                items = self.comprehension_items(comp)
            finally:
                self._rows_unrolled = saved
        if items is None:  # of run-time length: the array NumPy makes of the items
            items = self.comprehension_loop(np.array, node, comp, label=what)
        return items

    @staticmethod
    def _over(elt, name: str, iterable, where):
        """The comprehension `[elt for name in iterable]`, located at `where`."""
        comp = ast.ListComp(elt, [ast.comprehension(ast.Name(name, ast.Store()), iterable, [], 0)])
        for n in ast.walk(comp):
            if n is not iterable and "lineno" in getattr(n, "_attributes", ()) and not hasattr(n, "lineno"):
                ast.copy_location(n, where)
                n.end_lineno, n.end_col_offset = where.end_lineno, where.end_col_offset
        return comp

    def _item_truth(self, v, node):
        if isinstance(v, (bool, int, float, np.generic)) or v is None:
            return bool(v)
        if isinstance(v, str):
            return bool(v)
        v = self.value(v, node)
        if v.type.kind != "scalar":
            raise self.err(AdjitTypeError, "the truth value of an array item is ambiguous", node,
                           hint="test it with np.any(...) or np.all(...)")
        return v if v.type.dtype == "bool" else self.b.emit("ne", [v, self.b.const(0)])

    # -- any, all
    def _any_all(self, func, node):
        what = f"{func.__name__}()"
        if len(node.args) != 1 or node.keywords:
            raise self.err(AdjitTypeError, f"{what} takes exactly one argument", node)
        items = self._items_of(node, what)
        self.at(node)
        if isinstance(items, Value):  # a 1-D array: NumPy's truth of each element is Python's
            return self.call_value(np.any if func is builtins.any else np.all, [items], {}, node)
        acc = func is builtins.all
        for item in items:
            t = self._item_truth(item, node)
            if isinstance(t, bool):
                if t != acc:  # a known deciding item: the answer, whatever the others are
                    return t
                continue
            acc = t if isinstance(acc, bool) else self.b.emit("logical_or" if func is builtins.any else "logical_and",
                                                              [acc, t])
        return acc

    def pairs_value(self, func, args, kwargs, node):
        """zip(...) or enumerate(...) used as a value (not a loop's iterable)."""
        if func is enumerate:
            return self.enumerate_value(args, kwargs, node)
        if set(kwargs) - {"strict"}:
            raise self.err(ArgumentError, f"zip() got an unexpected keyword argument '{next(iter(kwargs))}'", node)
        items = self.zip_value(args, node)
        if kwargs.get("strict") and any(len(s) != len(items) for s in self._zipped):  # Python 3.10's check
            raise self.err(ShapeError, "zip() arguments have different lengths (strict=True: Python's ValueError)", node)
        return items

    def zip_value(self, args, node):
        """zip(a, b, ...) used as a value (not a loop's iterable): the tuples of items, as many as
        the shortest sequence, each a tuple, list or array whose length is known when compiled."""
        seqs = []
        for a in args:
            if isinstance(a, (tuple, list)):
                seqs.append(list(a))
            elif isinstance(a, Value) and a.type.kind == "array" and a.type.rank >= 1 \
                    and self.b.aval(a).shape[0] is not None:
                seqs.append(self.unpack(a, self.b.aval(a).shape[0], node))
            else:
                raise self.err(UnsupportedSyntaxError, "zip() used as a value takes sequences whose lengths are known "
                               "when the call is compiled", node, hint="iterate over it in a for loop instead")
        self._zipped = seqs
        return self.mark_list(tuple(zip(*seqs)))

    def enumerate_value(self, args, kwargs, node):
        """enumerate(seq, start=0) used as a value (list(enumerate(x)), not a loop's iterable):
        the pairs (start + k, item k), Python ints and the items, for a sequence whose length is
        known when compiled, as zip's."""
        params = dict(zip(("iterable", "start"), args), **kwargs)
        if len(args) > 2 or set(params) - {"iterable", "start"} or "iterable" not in params:
            raise self.err(ArgumentError, "enumerate() takes an iterable and start=", node)
        start = params.get("start", 0)
        if not isinstance(start, int) or isinstance(start, bool):
            raise self.err(UnsupportedSyntaxError, "enumerate(..., start=) used as a value takes an int known when "
                           "the call is compiled", node, hint="iterate over it in a for loop instead")
        ones = self.zip_value((params["iterable"],), node)  # the items, each a 1-tuple: zip's checks
        return self.mark_list(tuple((start + k, item) for k, (item,) in enumerate(ones)))

    # -- keyed max, min, sorted
    def _keyed(self, func, node):
        """(Over 80 lines: the call's checks, then the items known when compiled (Python decides),
        of known count (the keys folded), or of run-time count (the keys as an array).)"""
        what = f"{func.__name__}(..., key=...)"
        kw = {k.arg: k.value for k in node.keywords}
        allowed = {"key", "reverse"} if func is builtins.sorted else {"key"}
        if None in kw or set(kw) - allowed:
            raise self.err(UnsupportedSyntaxError, f"{what}: only " + " and ".join(f"`{a}=`" for a in sorted(allowed))
                           + " are supported here", node, hint="compute the keys as an array and use np.argsort, "
                           "np.argmax or np.argmin")
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.err(UnsupportedSyntaxError, f"{what} of one iterable (not several arguments)", node,
                           hint="put the candidates in a list: max([a, b, c], key=f)")
        reverse = bool(self.static(self.expr(kw["reverse"]), node, "reverse")) if "reverse" in kw else False
        keyfn = self.expr(kw["key"])
        if keyfn is None:  # key=None: the items themselves
            return self.call(ast.copy_location(ast.Call(node.func, node.args,
                                                        [k for k in node.keywords if k.arg != "key"]), node))
        items = self._items_of(node, what)
        fname, hidden = f"_key{id(node)}_f", f"_key{id(node)}_items"
        saved = {n: self.env.get(n) for n in (fname, hidden)}
        self.env[fname], self.env[hidden] = keyfn, items
        try:
            elt = ast.Call(ast.Name(fname, ast.Load()), [ast.Name(f"_key{id(node)}_v", ast.Load())], [])
            comp = self._over(elt, f"_key{id(node)}_v", ast.Name(hidden, ast.Load()), kw["key"])
            if isinstance(items, tuple):
                keys = self.comprehension_items(comp)
            else:
                keys = self.comprehension_loop(np.array, node, comp, label=what)
        finally:
            for n, v in saved.items():
                if v is None:
                    self.env.pop(n, None)
                else:
                    self.env[n] = v
        if isinstance(items, tuple) and not items:
            if func is builtins.sorted:
                return self.mark_list(())
            raise self.err(AdjitTypeError, f"{func.__name__}() of an empty sequence", node)
        scalar_keys = keys if isinstance(keys, tuple) else ()
        bad = isinstance(keys, Value) and keys.type.rank != 1 or any(
            not (_is_number(k) or isinstance(k, Value) and k.type.kind == "scalar") for k in scalar_keys)
        if bad:
            raise self.err(UnsupportedSyntaxError, f"{what}: a key that is not one number (a tuple, an array, a "
                           "string)", node, hint="make the key one number, e.g. a weighted sum of the criteria")
        if isinstance(keys, tuple) and all(_is_number(k) for k in keys):  # the order is known: Python decides it
            order = sorted(range(len(items)), key=lambda i: keys[i], reverse=reverse)
            if func is builtins.sorted:
                return self.mark_list(tuple(items[i] for i in order))
            return items[(max if func is builtins.max else min)(range(len(items)), key=lambda i: keys[i])]
        self.at(node)
        emit, const = self.b.emit, self.b.const
        kv = self._build(keys, node) if isinstance(keys, tuple) else keys
        if kv.type.dtype == "bool":
            kv = emit("astype", [kv], dtype="int64")
        if _tuples(items):  # max(enumerate(x), key=lambda t: t[1]): each part of the pairs, chosen alike
            cols = [self._build(tuple(it[j] for it in items), node) for j in range(len(items[0]))]
            weak = [all(isinstance(it[j], (int, float)) for it in items) for j in range(len(cols))]
            if func is builtins.sorted:
                ranked = [self._sorted_by(c, kv, reverse, node) for c in cols]
                return self.mark_list(tuple(tuple(self._as_python_number(r[k], w) for r, w in zip(ranked, weak))
                                            for k in range(len(items))))
            best = self._best_index(func, keys, kv, node)
            return tuple(self._as_python_number(emit("getitem", [c, best], index=(("int", 1),)), w) for c, w in zip(cols, weak))
        arr = self._build(items, node) if isinstance(items, tuple) else items
        if func is builtins.sorted:
            return self._sorted_by(arr, kv, reverse, node)
        return emit("getitem", [arr, self._best_index(func, keys, kv, node)], index=(("int", 1),))

    def _best_index(self, func, keys, kv, node) -> Value:
        """The position of the first largest (max) or smallest (min) key, as Python compares."""
        emit, const = self.b.emit, self.b.const
        if isinstance(keys, tuple):  # a known count: Python's loop, unrolled
            best_k, best_i = self.value(keys[0], node), const(0)
            for i in range(1, len(keys)):
                k = self.value(keys[i], node)
                better = emit("gt" if func is builtins.max else "lt", [k, best_k])
                best_k, best_i = emit("where", [better, k, best_k]), emit("where", [better, const(i), best_i])
            return best_i
        # np.argmax of the keys, as Python compares: a NaN key wins only as the first
        first = emit("getitem", [kv, const(0)], index=(("int", 1),))
        far = const(-np.inf if func is builtins.max else np.inf)
        clean = emit("where", [emit("ne", [kv, kv]), far, kv])
        arg = self.call_value(np.argmax if func is builtins.max else np.argmin, [clean], {}, node)
        return emit("where", [emit("ne", [first, first]), const(0), arg])

    def _as_python_number(self, v: Value, weak: bool) -> Value:
        """A part chosen from Python numbers (enumerate's counts) is a Python number again: weak."""
        return self.b.emit("astype", [v], dtype=v.type.dtype, weak=True) if weak and not v.type.weak else v

    def _sorted_by(self, arr, kv, reverse, node):
        """The items (arr's rows) ordered by their keys kv, stably, as Python's sorted."""
        emit, const = self.b.emit, self.b.const
        nan = emit("sum", [emit("astype", [emit("ne", [kv, kv])], dtype="int64")], axis=(0,), keepdims=False)
        emit("check", [emit("eq", [nan, const(0)])], exc="ValueError",
             msg="sorted() with a NaN key: Python's order is not defined for it (adjit refuses to guess)")
        if reverse:  # stable: equal keys keep their order, as Python's reverse=True
            kv = emit("neg", [kv])
        order = self.call_value(np.argsort, [kv], {"kind": "stable"}, node)
        ranked = self.call_value(np.take, [arr, order], {"axis": 0}, node)
        n = self.b.aval(ranked).shape[0]
        if n is None:
            return self.as_list(ranked, node)
        return self.mark_list(tuple(emit("getitem", [ranked, const(k)], index=(("int", 1),)) for k in range(n)))


def _tuples(items) -> bool:
    """Items known when compiled that are tuples of one length (enumerate's or zip's pairs)."""
    return isinstance(items, tuple) and bool(items) and all(type(it) is tuple for it in items) \
        and len({len(it) for it in items}) == 1
