"""Lowering expressions: names, operators, attributes, indexing, and calls of NumPy, math,
adjit and the user's own functions (inlined)."""
from __future__ import annotations

import ast
import sys
import builtins
import inspect
import math
import types

import numpy as np

from .npcompat import DEFINITIONS as NP2_DEFINITIONS, inline_definition
from .. import primitives as P
from ..errors import AdjitError, AdjitNameError, ArgumentError, UnsupportedSyntaxError
from ..ir import Value
from .calls import CallHelpers, where_reduction
from .captures import attribute_value, captured
from .fft import is_fft, lower_fft
from .maskblocks import square_call
from .parse import parse
from .trystmt import TRY_TESTS, try_test
from .forms import FUNCTIONS as FORM_FUNCTIONS
from .pyvalues import PythonValues, _sequence
from .structures import is_struct, is_user_object
from .morenumpy import _DTYPE_REDUCTIONS, _INITIAL  # np.sum(x, dtype=, initial=)
from .values import LocalFunction, Method, Undefined, _is_number, shape_arg


# -------------------------------------------------------------------------------------- lowering


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
           ast.MatMult: "matmul", ast.FloorDiv: "floordiv", ast.Mod: "mod",
           ast.BitAnd: "logical_and", ast.BitOr: "logical_or"}
_PY_BINOPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
              "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "floordiv": lambda a, b: a // b,
              "mod": lambda a, b: a % b}
_CMPOPS = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq", ast.NotEq: "ne"}
_PY_CMPOPS = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
              "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b}
_DTYPES = {np.float64: "float64", np.float32: "float32", float: "float64", np.int64: "int64",
           int: "int64", np.int32: "int32", bool: "bool", np.bool_: "bool"}
_SOURCES: list = []  # [map, modules of sources not imported when it was built]


def _sources() -> dict:
    """Source object id (or spelling) -> primitive; rebuilt when a module a Lazy source names
    (scipy.special) has been imported since."""
    if not _SOURCES or _SOURCES[1] and any(m in sys.modules for m in _SOURCES[1]):
        _SOURCES[:] = P.by_source()
    return _SOURCES[0]




def _shift_index(index: tuple, by: int) -> tuple:
    return tuple((it[0],) + tuple(None if k is None else k + by for k in it[1:]) for it in index)




_LIBRARIES = ("numpy", "scipy", "numba", "jax", "torch", "sklearn", "pandas", "math", "builtins")


def _library(func) -> bool:
    """A function of a library (compiled or Python): called by name, never inlined."""
    return (func.__module__ or "").split(".")[0] in _LIBRARIES


def _is_comb(func) -> bool:
    return func is math.comb or (getattr(func, "__name__", None) == "comb"
                                 and (getattr(func, "__module__", None) or "").startswith("scipy.special"))


MAX_RECURSION = 24  # nested inlined calls of one function (a recursion unrolled when compiled)
MAX_RECURSIVE_CALLS = 1024  # all its inlined recursive calls in one compile (a tree recursion: fib)


def _describe(x) -> str:
    if isinstance(x, types.ModuleType):
        return f"module '{x.__name__}'"
    mod = getattr(x, "__module__", None) or ("numpy" if isinstance(x, np.ufunc) else None)
    name = getattr(x, "__name__", None)
    if name:
        prefix = {"numpy": "np.", "math": "math."}.get(mod or "", "")
        if not prefix and mod and mod.startswith("numpy"):
            prefix = mod.replace("numpy", "np") + "."
        return f"{prefix}{name}"
    return type(x).__name__


class Expressions(CallHelpers, PythonValues):
    """The expression-level half of the Lowerer (operators on lists and library calls evaluated
    when compiled: pyvalues.py)."""

    def name(self, ident: str, node):
        if ident in self.env:
            val = self.env[ident]
            if isinstance(val, Undefined):
                raise self.err(AdjitNameError, f"'{ident}' {val.why}", node)
            return val
        fn = self.parsed.fn
        if fn.__closure__:
            free = dict(zip(fn.__code__.co_freevars, fn.__closure__))
            if ident in free:
                try:
                    return free[ident].cell_contents
                except ValueError:
                    pass
        if ident in self.parsed.globals:
            return self.parsed.globals[ident]
        if hasattr(builtins, ident) or ident in TRY_TESTS:  # TRY_TESTS: a try's LinAlgError tests (trystmt.py)
            return try_test(ident) if ident in TRY_TESTS else getattr(builtins, ident)
        raise self.err(AdjitNameError, f"name '{ident}' is not defined", node)

    def expr(self, node):
        """An expression's value: an IR value, or a Python value known when the call is compiled.

        (Over 80 lines: one branch per kind of expression node, each handing on to its module.)"""
        if isinstance(node, ast.Name):
            val = self.name(node.id, node)
            if isinstance(val, (np.ndarray, dict, list)) or (type(val) is tuple or is_user_object(val)) \
                    and node.id not in self.env:
                # a global array: captures.py; a global dict, list or tuple of records: structures.py
                return captured(self, node.id, node=node) if isinstance(val, np.ndarray) else \
                    self.plain_value(val, node.id)
            return val
        if isinstance(node, ast.Constant):
            if node.value is None or _is_number(node.value) or isinstance(node.value, str):
                return node.value  # a string: an option, compared and passed at compile time
            raise self.err(UnsupportedSyntaxError, f"{type(node.value).__name__} constants are not supported", node)
        if isinstance(node, (ast.Tuple, ast.List)):  # (*a, x): a's items spliced in, as in a call's arguments
            items = tuple(self.call_args(node.elts) if any(isinstance(e, ast.Starred) for e in node.elts)
                          else (self.expr(e) for e in node.elts))
            return self.mark_list(items) if isinstance(node, ast.List) else items  # a list: a tuple known to be one
        if isinstance(node, ast.BinOp):
            # a left-nested chain (a + b + c + ...) iteratively: a 1000-term sum needs no recursion
            spine = [node]
            while isinstance(spine[-1].left, ast.BinOp):
                spine.append(spine[-1].left)
            acc = self.expr(spine[-1].left)
            for n in reversed(spine):
                right = self.expr(n.right)
                self.at(n)
                acc = self.binop(type(n.op), acc, right, n)
            return acc
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            self.at(node)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.USub):
                if _is_number(operand):
                    return -operand
                if type(operand).__name__ == "Masked":
                    return self.masked_elementwise("neg", [operand], node)
                return self.b.emit("neg", [self.value(operand, node)])
            if isinstance(node.op, (ast.Not, ast.Invert)):
                if _is_number(operand):
                    return not operand
                if type(operand).__name__ == "Masked" and isinstance(node.op, ast.Invert):  # ~(h[m] == i): masks.py
                    return self.masked_elementwise("logical_not", [operand], node)
                return self.b.emit("logical_not", [self.value(operand, node)])
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1:  # a < b < c is (a < b) and (b < c), b evaluated once: Python's
                return self.chained_compare(node)  # short circuit (control.py)
            if isinstance(node.ops[0], (ast.In, ast.NotIn)):  # k in xs: membership.py
                return self.membership(node)
            left, right = self.expr(node.left), self.expr(node.comparators[0])
            static = self.static_compare(node, left, right)
            if static is not None:
                return static
            op = _CMPOPS.get(type(node.ops[0]))
            if op is None:
                raise self.err(UnsupportedSyntaxError, f"comparison {type(node.ops[0]).__name__} is not supported", node)
            if _is_number(left) and _is_number(right):  # Python numbers (an unrolled loop's index): Python's bool
                return bool(_PY_CMPOPS[op](left, right))
            if None not in (ks := (self.static_int(left), self.static_int(right))):  # ints known when compiled
                return bool(_PY_CMPOPS[op](*ks))  # (len(hist) > m, m an int argument): decided then, as range(m) is
            if type(left).__name__ == "Masked" or type(right).__name__ == "Masked":  # h[m] == i: masks.py
                return self.masked_elementwise(op, [left, right], node)
            self.at(node)
            return self.b.emit(op, [self.value(left, node), self.value(right, node)])
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value), node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Lambda):  # inlined where it is called (closures.py)
            return self.lambda_function(node)
        if isinstance(node, ast.IfExp):  # control.py
            return self.lower_ifexp(node)
        if isinstance(node, ast.BoolOp):
            return self.lower_boolop(node)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):  # comprehensions.py
            items = self.comprehension(node)
            return self.mark_list(items) if isinstance(node, ast.ListComp) and type(items) is tuple else items
        if isinstance(node, (ast.SetComp, ast.Set)):  # a set of numbers, for `in` tests: membership.py
            return self.set_display(node)
        if isinstance(node, (ast.Dict, ast.DictComp)):  # a dict of constant keys, read-only: structures.py
            return self.dict_display(node)
        if isinstance(node, ast.NamedExpr):  # (s := expr): bound, and its value
            val = self.expr(node.value)
            self.assign(node.target, val, node.value)
            return val
        if isinstance(node, ast.JoinedStr):  # an f-string of values known when compiled: a str (closures.py)
            text = self._fstring(node)
            if text is None:
                raise self.err(UnsupportedSyntaxError, "an f-string of a value known only when the function runs",
                               node, hint="format numbers known when compiled (shapes, options), or leave the "
                                          "string out of the differentiated function")
            return text
        what = {ast.DictComp: "dict comprehensions are not supported", ast.Dict: "dicts are not supported"}.get(
            type(node), f"{type(node).__name__} expressions are not supported")
        raise self.err(UnsupportedSyntaxError, what, node)

    def static_compare(self, node, left, right):
        """A comparison decided when the call is compiled: strings (options such as
        `activation == "relu"`), None and `is`/`in` between Python objects. None when it is not."""
        op = type(node.ops[0])
        if op in (ast.Eq, ast.NotEq):  # x.shape == (3,): shapes are known when compiled
            known = [x if type(x) is tuple and all(_is_number(e) for e in x) else self.b.aval(x).value
                     if isinstance(x, Value) and x.type.kind == "tuple" else None for x in (left, right)]
            if all(k is not None for k in known):
                return (tuple(known[0]) == tuple(known[1])) == (op is ast.Eq)
        py = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Is: lambda a, b: a is b,
              ast.IsNot: lambda a, b: a is not b, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
        texts = (str, type(None))
        if not (isinstance(left, texts) or isinstance(right, texts) or op in (ast.Is, ast.IsNot, ast.In, ast.NotIn)):
            return None
        if op in (ast.Is, ast.IsNot) and (left is None or right is None) and (isinstance(left, Value) or
                                                                             isinstance(right, Value)):
            return op is ast.IsNot  # `pi is None` of an array or a number given: never None
        if isinstance(left, Value) or isinstance(right, Value) or op not in py \
                or (isinstance(right, tuple) and any(isinstance(e, Value) for e in right)):
            what = "a string" if isinstance(left, str) or isinstance(right, str) else "`is`/`in`"
            raise self.err(UnsupportedSyntaxError, f"{what} comparison with a value computed at run time is not "
                           "supported", node, hint="compare strings and None with each other, at compile time; "
                           "compare numbers with ==, <, ...")
        return bool(py[op](left, right))

    def binop(self, optype, left, right, node):
        if _sequence(left) or _sequence(right):
            return self.sequence_binop(optype, left, right, node)
        prim = _BINOPS.get(optype)
        if prim is None:
            raise self.err(UnsupportedSyntaxError, f"operator {optype.__name__} is not supported", node)
        if type(left).__name__ == "Masked" or type(right).__name__ == "Masked":  # x[mask] * 2: masks.py
            return self.masked_elementwise(prim, [left, right], node)
        if _is_number(left) and _is_number(right) and prim in _PY_BINOPS:
            return _PY_BINOPS[prim](left, right)
        self.at(node)
        return self.b.emit(prim, [self.value(left, node), self.value(right, node)])

    def attribute(self, base, node):
        attr = node.attr
        if is_struct(base):  # p.W on a structured argument (structures.py)
            return self.struct_attribute(base, node)
        if type(base).__name__ == "Masked":  # x[mask].sum(): masks.py
            if attr in ("sum", "mean", "max", "min"):
                return Method(attr, base)
            raise self.masked_value_error(node)
        if isinstance(base := self.mask_index_value(base, node, only=True), Value):  # (np.nonzero(c)[0]).size
            self.at(node)
            if attr == "T":
                return self.b.emit("transpose", [base], axes=tuple(reversed(range(base.type.rank))))
            if attr == "shape":
                return self.b.emit("shape", [base])
            if attr == "size":
                return self.b.emit("size", [base])
            if attr == "ndim":
                return base.type.rank
            if attr == "dtype":
                return np.dtype(base.type.dtype)
            if attr in P.METHODS or attr in ("copy", "clip", "item", "tolist", "fill"):  # the rows' ".name" sources
                return Method(attr, base)
            raise self.err(UnsupportedSyntaxError, f"attribute .{attr} is not supported", node)
        state = self.b.__dict__.get("function_attributes")
        if state and (id(base), attr) in state:  # f.count set earlier in this call (lower.py)
            return state[(id(base), attr)]
        if isinstance(base, (types.ModuleType, type)) or base is np or hasattr(base, attr):
            try:
                found = getattr(base, attr)
            except AttributeError:
                pass
            else:
                return attribute_value(self, base, attr, found)  # mod.ARRAY, Model.TABLE, mod.MODEL: captures.py
        raise self.err(AdjitNameError, f"{_describe(base)} has no attribute '{attr}'", node)

    # -- calls
    def call(self, node: ast.Call):
        """A call, dispatched on what is called and on what it is given.

        (Over 80 lines: one dispatch per kind of callee or argument, in the order they must be tried.)"""
        func = self.expr(node.func)
        if self.takes_out(func, node):  # np.exp(x, out=y): inplace.py
            return self.out_call(func, node)
        if hasattr(func, "cache_info") and callable(getattr(func, "__wrapped__", None)):
            # functools.lru_cache / cache: called by Python when compiled when every argument is known then (what
            # the cache answers, a stale entry included, is what Python's call returns); else the function, inlined
            return self.cached_call(func, node)
        if func is map:
            return self.map_call(node)  # comprehensions.py
        np2 = NP2_DEFINITIONS.get(id(func))  # np.vecdot, np.linalg.matrix_norm, ...: npcompat.py's definition inlined
        func = np2 or func
        if func is getattr or func is hasattr:  # a name known when compiled: closures.py
            return self.getattr_call(func, node)
        if type(func).__name__ == "StructObj" and any("__call__" in vars(k) for k in func.cls.__mro__[:-1]):
            # model(x) of an object of the user's class: its __call__ method, inlined as any method
            method = ast.copy_location(ast.Attribute(value=node.func, attr="__call__", ctx=ast.Load()), node.func)
            return self.call(ast.copy_location(ast.Call(func=method, args=node.args, keywords=node.keywords), node))
        if type(func).__name__ == "StructView" and not node.args:  # d.values() used as a sequence: its items
            items = func.struct.items
            return self.mark_list(tuple({"items": list(items.items()), "keys": list(items),
                                         "values": list(items.values())}[func.what]))
        if func is set or func is frozenset:  # a set of numbers, for `in` tests: membership.py
            return self.set_call(func, node)
        if self.is_sequence_builtin(func, node):  # any, all, sorted/max/min(key=): pybuiltins.py
            return self.sequence_builtin(func, node)
        if node.args and isinstance(node.args[0], (ast.ListComp, ast.GeneratorExp)):  # comprehensions.py
            first = self.comprehension_arg(func, node.args[0])
            if first is None:  # over a sequence of run-time length: the loop it stands for
                return self.comprehension_loop(func, node)
            args = [first] + [self.expr(a) for a in node.args[1:]]
        else:
            args = self.call_args(node.args)
        if args and type(args[0]).__name__ == "BuiltList" and any(func is f for f in (np.array, np.asarray, np.stack)) \
                and len(args) == 1 and not node.keywords:
            return self.value(args[0], node)  # np.array(xs) of a list built by .append: its rows' array
        if args and type(args[0]).__name__ == "DeferredList" and self.consumes(func) and len(args) == 1 \
                and not node.keywords:  # ys = [f(x) for x in xs]; np.sum(ys): comprehensions.py
            return self.deferred(args[0], func, node)
        kwargs = self.call_keywords(node)  # f(x, k=v, **opts): calls.py
        self.at(node)
        if func is zip or func is enumerate:  # dict(zip(names, x[:2])), list(enumerate(x)): pairs (pybuiltins.py)
            return self.pairs_value(func, args, kwargs, node)
        if kwargs.get("where") is not None and where_reduction(func):  # np.max(x, where=m, initial=0): calls.py
            return self.reduce_where(func, args, kwargs, node)
        if any(type(a).__name__ == "SetValues" for a in list(args) + list(kwargs.values())):
            return self.set_used(func, args, node)  # len(s); anything else refused: membership.py
        if any(type(a).__name__ == "MaskedSquare" for a in list(args) + list(kwargs.values())):
            return square_call(self, func, args, kwargs, node)  # np.linalg.solve(K[np.ix_(m, m)], f[m]): maskblocks.py
        if isinstance(func, Method):
            return self.method(func, args, kwargs, node)
        if func is isinstance or func is type:  # decided when compiled: pytypes.py
            from .pytypes import lower_isinstance

            return lower_isinstance(self, func, args, kwargs, node)
        if func is builtins.sum or func is builtins.max or func is builtins.min:  # comprehensions.py
            return self.builtin_fold(func, args, kwargs, node)
        if (func is tuple or func is list) and len(args) == 1 and not kwargs:  # tuple(gen), list(x)
            x = args[0]
            if type(x) is tuple or type(x).__name__ in ("DeferredList", "BuiltList"):
                return self.mark_list(x) if func is list and type(x) is tuple else x
            if is_struct(x) and getattr(x, "kind", None) in ("list", "tuple", "dict"):  # list(g), list(d): its keys
                return self.mark_list(tuple(x)) if func is list else tuple(x)
            if isinstance(x, Value) and x.type.kind == "array" and x.type.rank >= 1:
                return self.as_list(x, node)  # the rows (lists.py)
            if isinstance(x, Value) and x.type.kind == "tuple":  # list(x.shape): its items
                items = self.sequence_items(x, node)
                return self.mark_list(items) if func is list else items
        if isinstance(func, types.MethodType) and isinstance(func.__self__, type) and not _library(func.__self__) \
                and isinstance(func.__func__, types.FunctionType):  # Model.unit(x), a classmethod: cls bound
            func = self.bound_method(func.__func__, func.__self__, node)
        if isinstance(func, LocalFunction):
            return self.inline_local(func, args, kwargs, node)
        if is_fft(func):  # np.fft as DFT products on complex pairs: fft.py
            return lower_fft(self, func, args, kwargs, node)
        if self.is_extra_numpy(func):  # np.unravel_index, np.insert, np.vectorize, ...: morenumpy.py
            return self.extra_numpy(func, args, kwargs, node)
        if self.is_more_numpy(func):  # np.select, np.nanstd, ...: calls.py
            return self.more_numpy(func, args, kwargs, node)
        if func is np.count_nonzero or func is np.diagflat:  # calls.py
            return self.count_or_diagflat(func, args, kwargs, node)
        if func is divmod or func is sorted or func is next or func is iter:  # calls.py
            return self.divmod_or_sorted(func, args, kwargs, node)
        if func is super and not args:
            return self.super_of(node)  # structures.py
        if isinstance(func, type) and not _library(func) and not issubclass(func, (np.generic, BaseException)):
            return self.instantiate(func, args, kwargs, node)  # Springs(k, 1.0): structures.py
        if getattr(func, "__adjit_custom__", None) is not None:  # adjit.custom_vjp / custom_jvp: custom_calls.py
            from .custom_calls import lower_custom_call

            return lower_custom_call(self, func.__adjit_custom__, args, kwargs, node)
        if any(type(a).__name__ == "Masked" for a in list(args) + list(kwargs.values())):
            lowered = self.masked_function(func, args, kwargs, node)  # len(x[mask]), np.dot, np.var: maskaxes.py
            if lowered is not None:
                return lowered
        if id(func) in FORM_FUNCTIONS():  # NumPy spellings lowered by composing rows (forms/)
            return self.numpy_form(func, args, kwargs, node)
        prim = _sources().get(id(func))
        if prim is not None and any(type(a).__name__ == "Masked" for a in list(args) + list(kwargs.values())):
            return self.masked_call(prim, args, kwargs, node)  # np.log(x[mask]): masks.py
        if prim is not None:  # a list where NumPy reads an array: np.asarray of it (forms/base.py)
            args, kwargs = self.array_args(func, args, kwargs, node, P.PRIMITIVES[prim].params)
            return self.prim_call(prim, func, args, kwargs, node)
        if (func is int or func is round) and args and not kwargs and len(args) <= (2 if func is round else 1):
            return self.int_or_round(func, args, node)
        if func in (float, np.float64, np.float32) and len(args) == 1 and not kwargs:
            if _is_number(args[0]):
                return float(args[0]) if func is float else func(args[0])
            x = self.value(args[0], node)  # float(v) is a Python float, weak under NEP 50 (x32 * float(v): float32)
            weak = func is float and x.type.kind == "scalar"
            return self.b.emit("astype", [x], dtype=_DTYPES[func], **({"weak": True} if weak else {}))
        if getattr(func, "__adjit_primitive__", None) == "stop_gradient":
            if len(args) != 1 or kwargs:
                raise self.err(ArgumentError, "stop_gradient takes one argument", node)
            return self.b.emit("stop_gradient", [self.value(args[0], node)])
        if getattr(func, "__adjit_transform__", None):  # adjit.grad(h) called here: its code inlined (nested.py)
            from .nested import lower_transform_call

            return lower_transform_call(self, func, args, kwargs, node)
        written = ast.unparse(node.func)
        if func is np.triu_indices or func is np.tril_indices:  # closures.py
            return self.tri_indices(func, args, kwargs, node, written)
        if np2 is not None:  # its check's ValueError located at the user's call (npcompat.py)
            return inline_definition(self, func, args, kwargs, node, written)
        if isinstance(func, types.FunctionType) and not _library(func):
            return self.inline(func, args, kwargs, node)
        if _is_comb(func):
            return self.comb(func, args, kwargs, node)
        if isinstance(getattr(func, "__self__", None), np.ufunc):  # np.add.reduce, np.multiply.accumulate
            return self.ufunc_method(func, args, kwargs, node)
        lowered = self.distribution_call(func, args, kwargs, node)  # scipy.stats.norm.cdf: forms/distributions.py
        if lowered is None:  # math.factorial(3): evaluated when compiled, as Python would (pyvalues.py)
            lowered = self.library_when_compiled(func, args, kwargs, node, written)
        if lowered is not None:
            return lowered
        # never NumPy's or SciPy's own Python source: the function as the user wrote it
        raise self.err(AdjitNameError, f"`{written}` is not supported by adjit"
                       + (f" ({_describe(func)})" if _describe(func).split(".")[-1] != written.split(".")[-1] else ""),
                       node.func, hint=self.unsupported_hint(func))

    def _reduce(self, prim, x, axis, keepdims, node):
        from ..shapes import normalize_axis

        if type(x).__name__ == "Masked":  # x[mask].sum(): masks.py
            return self.masked_reduce(prim, x, axis, keepdims, node)
        x = self.value(x, node)
        axis = self.static(axis, node, "axis")
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        try:
            axes = normalize_axis(axis, x.type.rank)
        except AdjitError as e:
            raise self.err(type(e), e.message, node) from None
        return self.b.emit(prim, [x], axis=axes, keepdims=keepdims)

    def transpose(self, x, axes, node):
        x = self.value(x, node)
        if axes is None:
            axes = tuple(reversed(range(x.type.rank)))
        axes = self.static(axes, node, "transpose axes")
        axes = tuple(a % x.type.rank for a in axes) if x.type.rank else ()
        return self.b.emit("transpose", [x], axes=axes)

    def bind_args(self, name, names, args, kwargs, node, **defaults):
        """A call's positional and keyword arguments by parameter name, defaults filled in; an unknown
        keyword or a missing argument is a located error naming the function."""
        if len(args) > len(names):
            raise self.err(ArgumentError, f"{name} takes at most {len(names)} arguments here", node)
        bound = dict(defaults)
        bound.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in names:
                raise self.err(UnsupportedSyntaxError, f"{name}: argument '{k}' is not supported", node)
            bound[k] = v
        missing = [n for n in names if n not in bound]
        if missing:
            raise self.err(ArgumentError, f"{name} is missing argument '{missing[0]}'", node)
        return [bound[n] for n in names]

    def prim_call(self, prim, func, args, kwargs, node):
        """A call of a primitive's NumPy source, its arguments bound by the row's parameter names.

        (Over 80 lines: the few rows whose NumPy signature differs from the row's take their own
        branch here, each a few lines.)"""
        row = P.PRIMITIVES[prim]

        def bind(*names, **defaults):
            """The call's arguments by the row's parameter names (`Primitive.params`), defaults filled in."""
            return self.bind_args(_describe(func), names, args, kwargs, node, **defaults)

        v = lambda x: self.value(x, node)  # noqa: E731
        if prim in P.REDUCTIONS:
            dtype = kwargs.pop("dtype", None) if prim in _DTYPE_REDUCTIONS else None
            initial = kwargs.pop("initial", None) if prim in _INITIAL else None
            x, axis, keepdims = bind(*row.params, **dict(row.defaults))
            if isinstance(x, tuple) or isinstance(x, Value) and x.type.kind == "tuple":
                x = self._build(x, node)  # np.sum([1, a * a, 2]): NumPy reduces np.array of the list
            out = self._reduce(prim, self._reduce_dtype(x, dtype, node), axis, keepdims, node)
            return out if initial is None else self._with_initial(prim, out, initial, node)
        if prim in ("maximum", "minimum") and func in (max, min):
            if len(args) != 2 or kwargs:
                raise self.err(UnsupportedSyntaxError, f"{func.__name__}() takes exactly two arguments here", node,
                               hint=f"use np.{func.__name__} for reductions")
        if prim == "clip":
            kwargs = {{"min": "a_min", "max": "a_max"}.get(k, k): v for k, v in kwargs.items()}  # NumPy 2.1's names
            x, lo, hi = bind(*row.params)
            if lo is None and hi is None:
                raise self.err(ArgumentError, "np.clip needs a_min or a_max", node)
            if lo is None:
                return self.b.emit("minimum", [v(x), v(hi)])
            if hi is None:
                return self.b.emit("maximum", [v(x), v(lo)])
            return self.b.emit("clip", [v(x), v(lo), v(hi)])
        if prim == "matmul":
            a, c = bind(*row.params)
            if func is np.dot and (_is_number(a) or _is_number(c) or v(a).type.rank == 0 or v(c).type.rank == 0):
                return self.b.emit("mul", [v(a), v(c)])
            return self.b.emit("matmul", [v(a), v(c)])
        if prim == "outer":  # NumPy's outer flattens each operand first (forms/base.py)
            return self.outer_of_flat([v(a) for a in bind(*row.params)])
        if prim == "transpose":
            x, axes = bind(*row.params, **dict(row.defaults))
            return self.transpose(x, axes, node)
        if prim == "reshape":
            order = kwargs.pop("order", "C")
            x, shape = bind(row.params[0], "newshape" if "newshape" in kwargs else row.params[1])
            return self.reshape_ordered(v(x), shape_arg(shape), order, node)  # forms/views.py
        if prim == "broadcast_to":
            x, shape = bind(*row.params)
            return self.b.emit("broadcast_to", [v(x), v(shape_arg(shape))])
        if prim == "expand_dims":
            x, axis = bind(*row.params)
            axis = self.static(axis, node, "axis")
            axis = (axis,) if isinstance(axis, int) else tuple(axis)
            nd = v(x).type.rank + len(axis)
            return self.b.emit("expand_dims", [v(x)], axis=tuple(sorted(a % nd for a in axis)))
        if prim == "arange":
            kw = dict(kwargs)
            dtype = kw.pop("dtype", None)
            if set(kw) - {"start", "stop", "step"} or not 1 <= len(args) + len(kw) <= 3:
                raise self.err(ArgumentError, "np.arange takes (stop), (start, stop) or (start, stop, step) here "
                               "(and dtype=)", node)
            if len(args) == 1 and not kw:
                start, stop, step = 0, args[0], 1
            else:
                named = dict(zip(("start", "stop", "step"), args), **kw)
                start, stop, step = named.get("start", 0), named.get("stop"), named.get("step", 1)
                if stop is None:
                    raise self.err(ArgumentError, "np.arange: stop is missing", node)
            out = self.b.emit("arange", [v(start), v(stop), v(step)])
            if dtype is not None:  # the count's values in the requested dtype (NumPy's for int bounds)
                dt = self.dtype(dtype, node)
                if not dt.startswith("float") and any(not isinstance(b, int) and not (
                        isinstance(b, Value) and b.type.dtype.startswith("int")) for b in (start, stop, step)):
                    raise self.err(UnsupportedSyntaxError, "np.arange of float bounds with an integer dtype", node,
                                   hint="np.arange(start, stop, step).astype(int)")
                out = self.b.emit("astype", [out], dtype=dt)
            return out
        if prim in ("zeros", "ones", "full"):  # forms/base.py
            return self.filled(prim, bind(*row.params, **dict(row.defaults)), node)
        if prim in ("zeros_like", "ones_like"):
            x, dtype = bind(*row.params, **dict(row.defaults))
            xv = v(x)
            return self.b.emit(prim, [xv], dtype=xv.type.dtype if dtype is None else self.dtype(dtype, node))
        if prim in ("shape", "size"):  # np.size(2.0) is 1, np.shape(2.0) is ()
            xv = v(bind(*row.params)[0])
            return self.b.emit(prim, [xv]) if xv.type.kind != "scalar" else (1 if prim == "size" else ())
        if func is math.log and len(args) == 2:
            raise self.err(UnsupportedSyntaxError, "math.log with a base is not supported; divide by math.log(base)", node)
        if func is np.where and len(args) == 1 and not kwargs:  # np.where(c): np.nonzero(c), an index (forms/arranging.py)
            return self.form_nonzero("np.where", args, {}, node)
        if func is np.where and len(args) != 3:
            raise self.err(UnsupportedSyntaxError, "np.where needs three arguments (condition, x, y)", node)
        arity = len(row.params)  # a plain call: the row's parameters, positionally
        if len(args) != arity or kwargs:
            raise self.err(ArgumentError, f"{_describe(func)} takes {arity} positional argument(s) here", node)
        if all(_is_number(a) for a in args) and isinstance(func, types.BuiltinFunctionType) and func.__module__ == "math":
            return func(*args)
        # a list where NumPy takes an array (np.exp([a, b])): np.array of it
        out = self.b.emit(row.name, [self._build(a, node) if isinstance(a, tuple) and not is_struct(a)
                                     else self.math_operand(func, v(a)) for a in args])  # np.sqrt(2.0): strong
        weak = out.type.kind == "scalar" and out.type.weak and isinstance(func, np.ufunc)
        return self.b.emit("astype", [out], dtype=out.type.dtype) if weak else out

    def mark_list(self, items: tuple) -> tuple:
        """Record that the Python tuple `items` stands for a list: NumPy indexes with a list as
        with an array (`x[[0, 2]]`, `idx = [0, 2]; x[idx]`: a gather), with a tuple as with
        several indices (`x[(0, 2)]` is `x[0, 2]`). Kept by identity (the tuple object itself)."""
        self.b.__dict__.setdefault("pylists", {})[id(items)] = items
        return items

    def is_list(self, x) -> bool:
        """Whether x is a list (a literal, a comprehension, list(...), list + list, or a list argument), not a tuple."""
        if is_struct(x):
            return getattr(x, "kind", None) == "list"
        return type(x) is tuple and self.b.__dict__.get("pylists", {}).get(id(x)) is x

    def call_args(self, nodes: list) -> list:
        """A call's positional arguments, `*t` spliced in: t a tuple or list of static length (a
        helper's `*params`, a list literal). Anything else starred is a located error."""
        out = []
        for a in nodes:
            if not isinstance(a, ast.Starred):
                out.append(self.expr(a))
                continue
            items = self.expr(a.value)
            if isinstance(items, Value) and items.type.kind == "array" and items.type.rank >= 1 \
                    and self.b.aval(items).shape[0] is not None:  # f(*x[:3]): the rows of a known extent
                items = self.unpack(items, self.b.aval(items).shape[0], a)
            if isinstance(items, Value) and items.type.kind == "tuple":  # f(*x.shape): its items
                items = self.sequence_items(items, a)
            if not isinstance(items, (tuple, list)):  # a tuple argument too (StructTuple): its items
                raise self.err(UnsupportedSyntaxError, f"`*{ast.unparse(a.value)}` in a call: adjit unpacks a "
                               "tuple or a list of fixed length here, not " + (
                    "an array" if isinstance(items, Value) else type(items).__name__), a,
                               hint="pass the items by name, or unpack a tuple: f(x, *(a, b))")
            out.extend(items)
        return out

    def inline(self, func, args, kwargs, node):
        """Calls of other plain Python functions are differentiated through by inlining them."""
        calls = self.b.__dict__.setdefault("recursive_calls", {})
        if func in self.stack:  # a recursion: every call is inlined, so bound the depth and the whole tree
            calls[func] = calls.get(func, 0) + 1
        if self.stack.count(func) >= MAX_RECURSION or calls.get(func, 0) > MAX_RECURSIVE_CALLS:
            what = f"deeper than {MAX_RECURSION} calls" if self.stack.count(func) >= MAX_RECURSION else \
                f"into more than {MAX_RECURSIVE_CALLS} calls"
            e = self.err(UnsupportedSyntaxError, f"{func.__name__} recurses {what} while adjit inlines it: a "
                         "recursion is unrolled when compiled, so its depth must be decided by values known then",
                         node, hint="recurse over a structure given as nested lists or tuples "
                         "(a tree), or over a depth that is a constant; or write it as a loop")
            e.recursion_of = func
            raise e
        callee = parse(func, helper=True)
        sig = inspect.signature(func)
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise self.err(ArgumentError, f"{func.__name__}(): {e}", node) from None
        bound.apply_defaults()
        sub = type(self)(callee, self.b, self.stack)
        star = callee.node.args.kwarg.arg if callee.node.args.kwarg is not None else None
        for name, val in bound.arguments.items():
            sub.env[name] = sub.made_dict(dict(val)) if name == star else val  # **kwargs: a dict made here
        outer_loc = self.b.loc
        try:
            result = sub.lower_body(callee.node.body)
        except AdjitError as e:  # say where the user's code called the function that failed
            if getattr(e, "recursion_of", None) is func and func in self.stack:
                raise  # one note for the outermost call of a recursion, not one per level
            raise e.called_from(self.loc(node), func.__name__) from None
        self.b.loc = outer_loc
        return result


