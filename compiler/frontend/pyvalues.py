"""Python values met while lowering, as Python and NumPy treat them (issue 12): operators with a
list or tuple operand (`[0] + [1, 0]` joins, `[0.0] * 3` repeats, `x.shape + (1,)` is a longer
shape, `[1.0, 2.0] * x` is NumPy's elementwise product with np.asarray of the list), and a call
of a pure NumPy, math or SciPy function that adjit has no rule for, with arguments that are all
known when the call is compiled (`math.factorial(k)` with k a default argument or a shape): it is
evaluated then, once, as Python would, and its result (a number, or a small array of numbers) is a
constant of the compiled code. A mixin (a base of expressions.Expressions)."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .structures import StructTuple, is_struct
from .values import _is_number


def _sequence(x):
    """What kind of list an operand is: "tuple" (a list or tuple literal, a tuple value such as a
    shape), "built" (a list made by .append or a comprehension of run-time length), or None."""
    if (type(x) is tuple and not is_struct(x)) or isinstance(x, Value) and x.type.kind == "tuple":
        return "tuple"
    if isinstance(x, StructTuple):  # a list, tuple or NamedTuple argument (or default): Python joins it
        return "tuple"
    if type(x).__name__ in ("DeferredList", "BuiltList"):
        return "built"
    return None


def _operand(x) -> str:
    if _sequence(x):
        return "a list"
    if isinstance(x, Value):
        return "an array" if x.type.kind == "array" else "a number"
    from .expressions import _describe

    return "a number" if _is_number(x) else _describe(x)


class PythonValues:
    """The Lowerer's Python values: operators on lists and tuples, library calls evaluated when
    the call is compiled."""

    def math_operand(self, func, x):
        """An operand of a function of Python's math module: a number becomes a Python float
        (math computes in double precision and returns a Python float, weak under NEP 50), so
        math.sqrt(x32[0]) * w64 is the double root and x32 * math.sin(v) stays float32."""
        if getattr(func, "__module__", None) != "math" or not isinstance(x, Value) or x.type.kind != "scalar" \
                or x.type.dtype.startswith("complex") or (x.type.dtype == "float64" and x.type.weak):
            return x
        return self.b.emit("astype", [x], dtype="float64", weak=True)

    def sequence_binop(self, optype, left, right, node):
        """An operator with a list or tuple operand, as Python and NumPy read it: against an array,
        NumPy's elementwise operator on np.asarray of the list (`[1.0, 2.0] * x`); two lists or
        tuples (a shape, `x.shape + (1,)`) joined by `+`; one repeated by `* n` (n an int known
        when compiled); anything else raises in Python, and is a located error here."""
        left, right = (self.known_length_items(x, node) for x in (left, right))
        kinds = [_sequence(left), _sequence(right)]
        other = right if kinds[0] else left
        if type(other).__name__ == "Masked":
            raise self.err(AdjitTypeError, "a list combined with a boolean-mask selection (x[mask]) is not supported",
                           node, hint="keep the shape: np.where(mask, x, 0.0), and combine the list with that")
        sym = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@"}.get(optype, "an operator")
        if not all(kinds) and isinstance(other, Value) and other.type.kind == "array":
            from .expressions import _BINOPS

            prim = _BINOPS.get(optype)
            if prim is None:
                raise self.err(UnsupportedSyntaxError, f"operator {optype.__name__} is not supported", node)
            operands = [self._build(x, node) if _sequence(x) else x for x in (left, right)]  # np.asarray of it
            self.at(node)
            return self.b.emit(prim, operands)
        if all(kinds) and optype is ast.Add and "built" not in kinds:
            out = self.sequence_items(left, node) + self.sequence_items(right, node)
            return self.mark_list(out) if self.is_list(left) or self.is_list(right) else out
        count = self.static_int(other) if isinstance(other, Value) else other
        if optype is ast.Mult and not all(kinds) and isinstance(count, int) and not isinstance(count, bool) \
                and "built" not in kinds:
            seq = left if kinds[0] else right
            out = self.sequence_items(seq, node) * count
            return self.mark_list(out) if self.is_list(seq) else out
        if all(kinds) and optype is ast.Add and all(type(x).__name__ in ("BuiltList", "tuple", "StructTuple")
                                                    or isinstance(x, Value) for x in (left, right)):
            return self.join_built(left, right, node)  # `hist + [a]`: the rows of both, in order
        if "built" in kinds:
            raise self.err(UnsupportedSyntaxError, f"`{sym}` on a list made by .append, by `[x] * n` or by a "
                           f"comprehension over a run-time length, and {_operand(other)}: Python would join or repeat "
                           "the list, and adjit keeps such a list as an array", node,
                           hint="join arrays: np.concatenate([np.array(xs), np.array(ys)]), or write the whole list "
                           "as a literal or a comprehension of a length known when compiled")
        if all(kinds):
            why = f"Python raises TypeError (unsupported operand type(s) for {sym}: 'list' and 'list')"
        elif isinstance(other, Value) and other.type.kind == "scalar" and optype is not ast.Mult:
            why = ("Python raises TypeError for a Python number there, and NumPy computes elementwise for a NumPy "
                   "scalar; adjit cannot tell which this is")
        elif optype is ast.Mult and (isinstance(count, float) or isinstance(other, Value)
                                     and other.type.dtype.startswith("float")):
            why = "Python raises TypeError (can't multiply sequence by non-int of type 'float')"
        elif optype is ast.Mult:
            why = "adjit repeats a list by an int known when the call is compiled, not one computed when it runs"
        else:
            why = f"Python raises TypeError (a list {sym} {_operand(other)})"
        raise self.err(AdjitTypeError, f"`{sym}` with a list or tuple operand: {why}", node,
                       hint="make it an array first: np.array([...]) (then NumPy computes elementwise), or join "
                       "arrays with np.concatenate")

    def join_built(self, left, right, node):
        """`xs + [a]`, `[a] + xs`, `xs + ys` with a list built by .append (its rows an array, of a
        length known only when run): Python's joined list, as the list of the rows of np.concatenate
        of the two arrays (np.asarray of a literal), so `np.array(xs + [a])` is NumPy's array."""
        from .lists import BuiltList

        parts = [x.array if isinstance(x, BuiltList) else self._build(x, node) for x in (left, right)]
        if parts[0].type.rank != parts[1].type.rank:
            raise self.err(AdjitTypeError, "joining a list of arrays with a list of numbers (or of arrays of another "
                           "rank): adjit keeps such a list as one array of rows", node,
                           hint="join arrays of one shape: np.concatenate([np.array(xs), np.array(ys)])")
        self.at(node)
        built = next(x for x in (left, right) if isinstance(x, BuiltList))
        return BuiltList(self.b.emit("concatenate", parts, axis=0), built.name, seq=built.seq,
                         weak=built.weak and all(_is_number(e) for x in (left, right) if type(x) is tuple for e in x))

    def sequence_items(self, x, node) -> tuple:
        """The items of a list or tuple literal, or of a tuple value (a shape), as a Python tuple."""
        if isinstance(x, tuple):  # a literal, or a list or tuple argument's items (a StructTuple)
            return tuple(x)
        self.at(node)
        return tuple(self.b.emit("getitem", [x, self.b.const(k)], index=(("int", 1),)) for k in range(len(x.type.elems)))


    # -- library calls evaluated when the call is compiled
    def library_when_compiled(self, func, args, kwargs, node, written):
        """`func(*args, **kwargs)` evaluated now, when func is a pure library function adjit has no
        rule for and every argument is known when the call is compiled; None when func is not pure
        (np.random, I/O, settings) or an argument is computed at run time."""
        if func is slice:  # inner = slice(20, n - 20): the slice object x[inner] indexes with (indexing.py)
            return self.slice_value(args, kwargs, node)
        if func is range and not kwargs:  # A[range(3), cols], np.array(range(n)): the ints as an array
            known = [_known(self, a) for a in args]
            if all(type(v) is int or isinstance(v, np.integer) for v in known):
                return self.compiled_constant(np.arange(*(int(v) for v in known)), node, written)
            return None
        if not _pure(func):
            return None
        known = [_known(self, a) for a in args]
        named = {k: _known(self, v) for k, v in kwargs.items()}
        if any(v is _UNKNOWN for v in known + list(named.values())):
            return None  # the caller's "not supported" error, with unsupported_hint
        try:
            out = func(*known, **named)
        except Exception as e:  # what Python would raise when the function runs
            raise self.err(AdjitTypeError, f"`{written}` raised {type(e).__name__} when adjit evaluated it while "
                           f"compiling: {e}", node) from None
        if isinstance(getattr(func, "__self__", None), str) and (isinstance(out, str) or type(out) is list and all(
                isinstance(e, str) for e in out)):  # name.upper(), key.split("_"): strings known when compiled
            return out if isinstance(out, str) else self.mark_list(tuple(out))
        return self.compiled_constant(out, node, written)

    def known_length_items(self, x, node):
        """A comprehension's list (`[v * 2 for v in x]`) whose length is known when compiled: its items
        as a Python list (joined by `+`, repeated by `* n` as Python does); anything else as it is."""
        if type(x).__name__ != "DeferredList":
            return x
        arr = self.deferred(x, None, node)
        n = self.b.aval(arr).shape[0] if isinstance(arr, Value) and arr.type.kind == "array" else None
        if n is None or arr.type.rank > 1 and not isinstance(x.node.elt, (ast.BinOp, ast.UnaryOp)):
            return x  # rows that may have been tuples (`[p for p in pairs]`): NumPy's array of them is not that list
        return self.mark_list(tuple(self.unpack(arr, n, node)))

    def unsupported_hint(self, func) -> str:
        """The hint of the error for a library function adjit has no rule for."""
        default = ("see docs/supported.md for the supported NumPy subset; write it with the supported functions, "
                   "in a plain Python helper if it is reused")
        module = getattr(func, "__module__", None) or ""
        if module.startswith(("scipy.integrate", "scipy.optimize")):  # a solver: its steps are not adjit's code
            return ("adjit differentiates the code it compiles, not SciPy's solvers (scipy.optimize.brentq excepted: "
                    "its root is differentiated implicitly; and solve_ivp's RK45, replayed): write the iteration as a loop "
                    "(a fixed-step RK4 integrator, Newton steps), which adjit differentiates exactly, or give the "
                    "solver a rule with @adjit.custom_vjp (docs/transformations.md has an implicit solver's)")
        if module.startswith("numpy.random") or type(getattr(func, "__self__", None)).__name__ == "Generator":
            return ("random numbers are drawn outside the differentiated function: draw them first "
                    "(eps = rng.standard_normal(n)) and pass them in as an argument (not in wrt)")
        if not _pure(func):
            return default
        return _HINTS.get(getattr(func, "__name__", ""), default) + ("; adjit evaluates such a call when the call is "
                                                                    "compiled when every argument is a number known "
                                                                    "then (a literal, a default argument, a shape)")

    def compiled_constant(self, out, node, written):
        """A result computed when compiling, as the compiled code's constant: a number, an array of
        at most MAX_CONSTANT numbers (its elements stacked), or a tuple of those."""
        if isinstance(out, (tuple, list)):
            return tuple(self.compiled_constant(x, node, written) for x in out)
        if isinstance(out, (bool, np.bool_)):
            return bool(out)
        if isinstance(out, (int, np.integer)):
            if not -2 ** 63 <= int(out) < 2 ** 63:
                raise self.err(AdjitTypeError, f"`{written}` is {out}, too large for an int64", node,
                               hint="compute it in floats: math.gamma(n + 1) for n!, or its log, math.lgamma(n + 1)")
            return out
        if isinstance(out, (float, np.floating)) and not isinstance(out, np.longdouble):
            return out
        if isinstance(out, (np.finfo, np.iinfo)):  # np.finfo(float).eps: its attributes are numbers
            return out
        if isinstance(out, np.ndarray) and out.dtype.kind in "biuf":
            if out.ndim == 0:
                return self.compiled_constant(out[()], node, written)
            if out.size == 0 or out.size > MAX_CONSTANT:
                raise self.err(AdjitTypeError, f"`{written}` is an array of {out.size} elements, computed when the "
                               f"call is compiled: adjit embeds at most {MAX_CONSTANT}", node,
                               hint="compute it outside the function and pass it as an argument")
            dtype = {"b": "bool", "i": "int64", "u": "int64"}.get(out.dtype.kind, out.dtype.name)
            dtype = dtype if dtype in ("bool", "int64", "int32", "float32", "float64") else "float64"
            x = self._build(_nested(out.tolist()), node)  # forms/building.py
            return x if x.type.dtype == dtype else self.b.emit("astype", [x], dtype=dtype)
        raise self.err(AdjitTypeError, f"`{written}` gives {type(out).__name__}, not a number or an array of numbers",
                       node, hint="compute it outside the function and pass it as an argument")


MAX_CONSTANT = 256  # elements of an array computed when compiling, embedded in the code
_UNKNOWN = object()
# NumPy's and SciPy's functions that are not pure: state, settings, randomness, files, printing
_IMPURE_MODULES = ("numpy.random", "numpy.testing", "numpy.lib._npyio", "numpy.lib.npyio", "numpy.lib.format",
                   "numpy.lib._datasource", "numpy.ctypeslib", "numpy.f2py", "numpy.distutils")
_IMPURE_NAMES = frozenset({"seterr", "seterrcall", "set_printoptions", "printoptions", "setbufsize", "errstate",
                           "save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt",
                           "fromfile", "fromregex", "tofile", "memmap", "open_memmap", "info", "show_config",
                           "show_runtime", "seed", "rvs", "random_state", "set_state", "get_state"})
_PURE_SCIPY = ("scipy.special", "scipy.stats", "scipy.linalg", "scipy.constants", "scipy.spatial", "scipy.signal",
               "scipy.fft", "scipy.interpolate", "scipy.integrate", "scipy.optimize")
_HINTS = {"factorial": "for log(k!) use scipy.special.gammaln(k + 1) (or math.lgamma(k + 1)), and np.exp of that "
                       "for k!"}


_STR_METHODS = frozenset({"startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit",
                          "replace", "format", "join", "find", "rfind", "index", "count", "isdigit", "isalpha",
                          "isalnum", "isspace", "islower", "isupper", "title", "capitalize", "partition",
                          "rpartition", "removeprefix", "removesuffix", "zfill", "center", "ljust", "rjust",
                          "casefold", "swapcase", "splitlines"})


def _pure(func) -> bool:
    """A function of math, NumPy or SciPy that computes its result from its arguments alone."""
    if isinstance(getattr(func, "__self__", None), str) and getattr(func, "__name__", "") in _STR_METHODS:
        return True  # name.startswith("w"), key.upper(), "{}_{}".format(a, b): Python's, on a known string
    mod = getattr(func, "__module__", None) or ("numpy" if isinstance(func, np.ufunc) else "")
    if getattr(func, "__name__", "") in _IMPURE_NAMES or any(mod.startswith(m) for m in _IMPURE_MODULES):
        return False
    if mod == "math" or mod == "numpy" or mod.startswith("numpy."):
        return True
    return any(mod == m or mod.startswith(m + ".") for m in _PURE_SCIPY)


def _known(low, x):
    """x as a Python value when it is known when the call is compiled (a number, a string, a
    dtype, None, a tuple of those; an int from a shape or an int argument), else _UNKNOWN."""
    if x is None or isinstance(x, (str, bool, int, float, np.generic, np.dtype)) or isinstance(x, type):
        return x
    if type(x) is tuple and not is_struct(x):
        items = tuple(_known(low, e) for e in x)
        return _UNKNOWN if any(e is _UNKNOWN for e in items) else items
    if isinstance(x, Value) and x.type.kind == "scalar":
        producer = next((op for op in reversed(low.b.ops) if x in op.outputs), None)
        if producer is not None and producer.prim == "const":
            return producer.attrs["value"]
        n = low.static_int(x)
        return _UNKNOWN if n is None else n
    return _UNKNOWN


def _nested(x):
    return tuple(_nested(e) for e in x) if isinstance(x, list) else x
