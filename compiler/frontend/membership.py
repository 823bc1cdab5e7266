"""Membership tests and sets of numbers (issue 12: the Python a scientist writes).

- `k in xs` / `k not in xs`, a condition anywhere (`if`, `while`, a comprehension's filter):
  over a tuple or list of numbers, `(k == x0) | (k == x1) | ...` (Python's `in` on a sequence);
  over `range(a, b, s)`, `a <= k < b and (k - a) % s == 0` (for s < 0 the bounds swap), which is
  Python's answer for ints and floats alike; over an array (or a list made by a comprehension),
  NumPy's `(xs == k).any()`; over a boolean-mask selection, the same among the selected elements.
  Decided when the call is compiled when everything is known then.
- `set(...)`, `frozenset(...)`, `{... for t in ts}` and `{a, b}` of numbers: a `SetValues` that
  keeps the values it holds (an array, a tuple or a range) and nothing else: duplicates and order
  do not change a membership test, so `step in obs_steps` is the test above. `len(s)` is exact
  (the number of distinct values: the values sorted, plus one per change between neighbours);
  anything else a set could do (iterating over it, set algebra, sum or max of it) is a located
  error, never a count or an order that could be wrong.
"""
from __future__ import annotations

import ast

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .values import _is_number

_USE = "a set of numbers is kept for `in` tests and len() only"


class SetValues:
    """set(...) of numbers, as what it holds: `held` is a tuple (numbers, scalar values), a 1-D
    array value, or a `Span` (a range)."""

    def __init__(self, held):
        self._held = held
        self.__name__ = f"a set ({_USE})"


class Span:
    """range(start, stop, step) written in the source: each bound an int or an int value."""

    def __init__(self, start, stop, step):
        self.bounds = (start, stop, step)


def _is_range(held) -> bool:
    return isinstance(held, Span)


class Membership:
    """The Lowerer's `in` / `not in` and its sets."""

    # ------------------------------------------------------------------ membership
    def membership(self, node: ast.Compare):
        """`left in right` / `left not in right`: a Python bool when decided when compiled, else a
        scalar bool value."""
        left = self.expr(node.left)
        right_node = node.comparators[0]
        held = self._range_of(right_node)
        if held is None:
            held = self._held(self.expr(right_node), right_node, for_test=True)
        found = self._contains(held, left, node)
        if isinstance(node.ops[0], ast.NotIn):
            if isinstance(found, bool):
                return not found
            self.at(node)
            return self.b.emit("logical_not", [found])
        return found

    def _range_of(self, node):
        """A Span for a `range(...)` call written in the source, else None."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"):
            return None
        if self.name("range", node.func) is not range:
            return None
        if node.keywords or not 1 <= len(node.args) <= 3 or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(UnsupportedSyntaxError, "range() takes 1 to 3 positional arguments", node)
        args = [self.expr(a) for a in node.args]
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        for x in (start, stop, step):
            t = x.type if isinstance(x, Value) else None
            if not (isinstance(x, int) and not isinstance(x, bool) or t is not None and t.kind == "scalar"
                    and t.dtype in ("int64", "int32")):
                raise self.err(AdjitTypeError, "range() arguments must be integers", node)
        if self._known(step) == 0:
            raise self.err(AdjitTypeError, "range() arg 3 must not be zero", node)
        return Span(start, stop, step)

    def _known(self, x):
        """x as a Python number when it is known when compiled, else None."""
        if _is_number(x):
            return x
        if isinstance(x, Value) and x.type.kind == "scalar":
            v = self.b.aval(x).value
            return v if _is_number(v) else None
        return None

    def _held(self, x, node, for_test: bool = False):
        """What a container holds, as a tuple, a 1-D or (for `in` on an array, any) array value, or
        a range; a located error for what is not a container of numbers."""
        if isinstance(x, SetValues):
            return x._held
        if type(x).__name__ == "Masked" and for_test:
            return x
        if type(x).__name__ in ("DeferredList", "BuiltList"):  # a list made in a loop: its array
            x = self.value(x, node)
            if x.type.rank != 1:
                raise self.err(AdjitTypeError, "`in` over a list of arrays: Python compares the number with each "
                               "array, whose truth value is ambiguous", node, hint="test the arrays with np.any(a == k)")
        if isinstance(x, tuple):  # a list or tuple; a dict argument's keys; a list argument's items
            return x
        if isinstance(x, Value) and x.type.kind == "tuple":
            known = self.b.aval(x).value
            if known is not None:
                return tuple(known)
            return tuple(self.b.emit("getitem", [x, self.b.const(k)], index=(("int", 1),))
                         for k in range(len(x.type.elems)))
        if isinstance(x, Value) and x.type.kind == "array":
            return x
        if isinstance(x, str) and for_test:
            return x
        what = x.type if isinstance(x, Value) else getattr(x, "__name__", type(x).__name__)
        raise self.err(AdjitTypeError, f"`in` needs a list, a tuple, a range, a set or an array, not {what}"
                       if for_test else f"set() takes a list, a tuple, a range, a comprehension or a 1-D array of "
                       f"numbers, not {what}", node)

    def _contains(self, held, left, node):
        if isinstance(held, str) or (isinstance(held, tuple)
                                     and not isinstance(left, Value)
                                     and not any(isinstance(e, Value) for e in held)):
            try:
                return left in held  # strings, None and numbers known when compiled: Python's answer
            except TypeError as e:
                raise self.err(AdjitTypeError, f"`in`: {e}", node) from None
        if type(held).__name__ == "Masked":  # k in x[mask]: among the selected elements
            k = self._scalar_key(left, node, "a boolean-mask selection")
            self.at(node)
            hit = self.b.emit("logical_and", [held.mask, self.b.emit("eq", [held.values, k])])
            return self._any(hit)
        if isinstance(held, Value):  # NumPy: (xs == k).any()
            if isinstance(left, str) or left is None:
                return False  # NumPy compares a number array with a string or None as all False
            k = self.value(left, node)
            if k.type.kind not in ("scalar", "array"):
                raise self.err(AdjitTypeError, f"`in` of {k.type} in an array", node)
            self.at(node)
            return self._any(self.b.emit("eq", [held, k]))
        if _is_range(held):
            return self._in_range(held.bounds, left, node)
        k = self._scalar_key(left, node, "a list or tuple")
        self.at(node)
        found = None
        for e in held:
            if isinstance(e, str) or e is None:
                continue  # a number is never equal to a string or None
            ev = self.value(e, node)
            if ev.type.kind != "scalar":
                raise self.err(AdjitTypeError, "`in` over a list or tuple holding arrays: Python compares the number "
                               "with each array, whose truth value is ambiguous", node,
                               hint="test the arrays with np.any(a == k)")
            eq = self.b.emit("eq", [k, ev])
            found = eq if found is None else self.b.emit("logical_or", [found, eq])
        return False if found is None else found

    def _scalar_key(self, left, node, where: str) -> Value:
        k = self.value(left, node)
        if k.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"`in` of an array in {where}: Python compares the array with each "
                           "element, whose truth value is ambiguous", node,
                           hint="test elementwise with np.isin-like comparisons: np.any(a[:, None] == b, axis=1)")
        return k

    def _any(self, hits: Value) -> Value:
        counts = self.b.emit("astype", [hits], dtype="int64")
        total = self.b.emit("sum", [counts], axis=tuple(range(counts.type.rank)), keepdims=False)
        return self.b.emit("gt", [total, self.b.const(0)])

    def _in_range(self, bounds, left, node):
        start, stop, step = bounds
        known = [self._known(v) for v in (start, stop, step)]
        lk = self._known(left) if not isinstance(left, bool) else int(left)
        if lk is not None and None not in known:
            return lk in range(*known)
        k = self._scalar_key(left, node, "a range")
        self.at(node)
        if k.type.dtype == "bool":  # True in range(2): True == 1
            k = self.b.emit("astype", [k], dtype="int64")
        emit = self.b.emit
        a, b, s = (self.value(v, node) for v in (start, stop, step))
        ge, lt = (lambda x, y: emit("ge", [x, y])), (lambda x, y: emit("lt", [x, y]))
        if known[2] is not None:  # the step's sign known: Python's range takes [a, b) or (b, a]
            inside = emit("logical_and", [ge(k, a), lt(k, b)]) if known[2] > 0 else \
                emit("logical_and", [emit("gt", [k, b]), emit("le", [k, a])])
        else:
            up = emit("logical_and", [emit("gt", [s, self.b.const(0)]), emit("logical_and", [ge(k, a), lt(k, b)])])
            down = emit("logical_and", [lt(s, self.b.const(0)),
                                        emit("logical_and", [emit("gt", [k, b]), emit("le", [k, a])])])
            inside = emit("logical_or", [up, down])
        if known[2] in (1, -1) and k.type.dtype in ("int64", "int32", "bool"):
            return inside  # an int inside the bounds is on a step of 1 (a float need not be: 0.5)
        on_step = emit("eq", [emit("mod", [emit("sub", [k, a]), s]), self.b.const(0)])
        return emit("logical_and", [inside, on_step])

    # ------------------------------------------------------------------ sets
    def set_call(self, func, node: ast.Call) -> SetValues:
        """set(...) / frozenset(...) of numbers."""
        name = func.__name__
        if node.keywords or len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(UnsupportedSyntaxError, f"{name}() takes at most one iterable here", node)
        if not node.args:
            return SetValues(())
        return self._set_of(node.args[0], node)

    def set_display(self, node) -> SetValues:
        """`{a, b, c}` and `{f(t) for t in ts}`."""
        if isinstance(node, ast.Set):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise self.err(UnsupportedSyntaxError, "*items in a set display are not supported", node)
            return self._checked(tuple(self.expr(e) for e in node.elts), node)
        return self._set_of(node, node)

    def _set_of(self, arg, node) -> SetValues:
        held = self._range_of(arg)
        if held is not None:
            return SetValues(held)
        if isinstance(arg, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            items = self.comprehension(arg)
            if type(items).__name__ == "DeferredList":  # over a sequence of run-time length: np.array of it
                if any(g.ifs for g in arg.generators) or len(arg.generators) > 1:
                    raise self.err(UnsupportedSyntaxError, "a set built by a filtered or nested comprehension over a "
                                   "sequence whose length is known only when the function runs", arg,
                                   hint="keep every item, mapping the ones to leave out to a value never tested "
                                   "(np.where(cond, item, -1)), or test the condition where the set is used")
                items = self.value(items, arg)
            return self._checked(items, arg)
        return self._checked(self._held(self.expr(arg), arg), arg)

    def _checked(self, held, node) -> SetValues:
        """The values of a set: numbers (Python's sets hold hashable items; arrays are not)."""
        if isinstance(held, SetValues):
            return held
        if isinstance(held, Value) and held.type.kind == "tuple":
            held = self._held(held, node)
        if isinstance(held, tuple):
            for e in held:
                if not (_is_number(e) or isinstance(e, str) or e is None
                        or isinstance(e, Value) and e.type.kind == "scalar"):
                    raise self.err(AdjitTypeError, f"a set of {e.type if isinstance(e, Value) else type(e).__name__}: "
                                   "a set holds numbers here (an array is unhashable)", node)
            return SetValues(held)
        if isinstance(held, Value) and held.type.kind == "array":
            if held.type.rank != 1:
                raise self.err(AdjitTypeError, f"set() of a {held.type.rank}-d array iterates over its rows, which are "
                               "unhashable arrays (Python raises)", node, hint="set(x.ravel()) holds its elements")
            return SetValues(held)
        raise self.err(AdjitTypeError, f"set() takes numbers, not {held}", node)

    def set_used(self, func, args: list, node):
        """A set passed to a function: len() counts its distinct values; anything else is refused."""
        if func is len and len(args) == 1 and isinstance(args[0], SetValues):
            return self._set_len(args[0]._held, node)
        written = ast.unparse(node.func) if isinstance(node, ast.Call) else getattr(func, "__name__", "a call")
        raise self.err(UnsupportedSyntaxError, f"{written}() of a set: {_USE}", node,
                       hint="keep the values in an array (np.array([...])) to sum, sort or iterate over them")

    def _set_len(self, held, node):
        if _is_range(held):
            bounds = held.bounds
            known = [self._known(v) for v in bounds]
            if None not in known:
                return len(range(*known))
            self.at(node)
            return self.b.emit("trip_count", [self.value(v, node) for v in bounds])
        others = 0
        if isinstance(held, tuple):
            if not any(isinstance(e, Value) for e in held):
                return len(set(held))
            others = len({e for e in held if isinstance(e, str) or e is None})
            held = self._build(tuple(e for e in held if not isinstance(e, str) and e is not None), node)
        self.at(node)
        emit = self.b.emit
        x = held if held.type.dtype != "bool" else emit("astype", [held], dtype="int64")
        s = self._sorted(x, 0)  # equal values are neighbours (NaNs last, each unequal to the next)
        later = emit("getitem", [s, self.b.const(1)], index=(("slice", 1, None, None),))
        earlier = emit("getitem", [s, self.b.const(-1)], index=(("slice", None, 1, None),))
        changes = emit("sum", [emit("astype", [emit("ne", [later, earlier])], dtype="int64")], axis=(0,),
                       keepdims=False)
        nonempty = emit("astype", [emit("gt", [emit("size", [x]), self.b.const(0)])], dtype="int64")
        count = emit("add", [changes, nonempty])
        return emit("add", [count, self.b.const(others)]) if others else count
