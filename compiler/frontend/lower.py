"""The Lowerer: one parsed function's statements into typed IR in a Builder, with its environment
of names; control flow and expressions live in the two mixins beside this module."""
from __future__ import annotations

import ast
import types
from typing import Any

import numpy as np

from .. import primitives as P
from ..builder import Builder
from ..errors import AdjitNameError, AdjitTypeError, Loc, UnsupportedSyntaxError
from ..ir import NONE_TYPE, Abstract, Block, Function, Value
from .aliasing import check_sharing
from .boolops import BoolOps
from .comprehensions import Comprehensions, DeferredList
from .bitwise import IntegerBits
from .complexcalls import ComplexCalls
from .complexvals import ComplexValues, is_complex
from .lists import BuiltList, ListBuilding
from .structout import structured_result
from .masks import Masked, MaskedSelections
from .maskmix import MixedMaskIndex
from .procedures import Procedures, is_procedure
from .pybuiltins import SequenceBuiltins
from .inplace import InPlaceNumpy
from .interpolation import Interpolation
from .splines import Splines
from .rootfinding import RootFinding
from .membership import Membership
from .morenumpy import MoreNumpy
from .control import ControlFlow, LoopFrame
from .closures import LocalFunctions
from .iteration import Iteration
from .structures import Structures, build, is_struct
from .loopvalues import LoopValues
from .returns import rewrite_loop_else
from .rowviews import fresh_c_order, reshape_of_name, rewrite_loop_views, rewrite_row_loop, rewrite_view_name
from .expressions import _DTYPES, Expressions, _describe, _shift_index
from .indexing import Indexing
from .forms import NumpyForms
from .values import _is_number, numpy_scalar_const
from .parse import ParsedFunction, _contains_jump, _contains_return


def _chained_names(stmt: ast.Assign) -> list:
    """`a = b = value` as `b = value; a = b`: one object under two names, so that a write through either
    is seen through the other as in NumPy (rowviews.py's rewrite of `a = b`; the aliasing check otherwise)."""
    last = stmt.targets[-1]
    out = [ast.Assign([last], stmt.value)] + [ast.Assign([t], ast.Name(last.id, ast.Load())) for t in stmt.targets[:-1]]
    for n in (m for st in out for m in ast.walk(st)):
        if "lineno" in n._attributes and not hasattr(n, "lineno"):  # the new nodes: the statement's place
            ast.copy_location(n, stmt)
            n.end_lineno, n.end_col_offset = stmt.end_lineno, stmt.end_col_offset
    return out


class Lowerer(Procedures, SequenceBuiltins, InPlaceNumpy, Interpolation, Splines, RootFinding, ComplexValues, ComplexCalls, IntegerBits, MoreNumpy, NumpyForms, ControlFlow, BoolOps, Comprehensions, ListBuilding, MaskedSelections, MixedMaskIndex, Membership, LoopValues, Iteration, LocalFunctions, Structures,
              Indexing, Expressions):
    """Lowers one parsed function's body into `builder`, binding parameters to given values."""

    def __init__(self, parsed: ParsedFunction, builder: Builder, stack: tuple = ()):
        self.parsed = parsed
        self.b = builder
        self.params: list = []
        self.env: dict[str, Any] = {}
        self.stack = stack + (parsed.fn,)
        self.stmt: ast.AST | None = None

    # -- helpers
    def loc(self, node) -> Loc:
        return self.parsed.loc(node, self.stmt)

    def err(self, cls, msg, node, hint=None):
        return cls(msg, self.loc(node), hint)

    def at(self, node):
        self.b.loc = self.loc(node)

    def value(self, x, node) -> Value:
        """An operand as an IR value (numbers become constants)."""
        if isinstance(x, Value):
            return x
        if _is_number(x):
            if type(x) is int and not -2 ** 63 <= x < 2 ** 63:  # past int64: the float Python's int * float makes
                return self.b.const(float(x))
            return self.b.const(numpy_scalar_const(x))
        if isinstance(x, DeferredList):  # a list built by a comprehension: NumPy's array of it
            return self.deferred(x, None, node)
        if isinstance(x, BuiltList):  # a list built by .append in a loop: its rows (lists.py)
            return x.array
        if isinstance(x, Masked):
            raise self.masked_value_error(node)
        if type(x).__name__ in ("MaskedSquare", "MaskGrid"):  # K[np.ix_(free, free)] as a value: maskblocks.py
            from .maskblocks import square_value_error
            raise square_value_error(self, node)
        if type(x).__name__ == "MaskIndex":  # np.nonzero(c) used as a value: NumPy's int64 arrays (masks.py)
            return self.mask_index_value(x, node)
        if is_struct(x):
            self.struct_as_value(x, node)  # a list of ints as a shape; else a located error (structures.py)
        if isinstance(x, tuple):
            return self.b.emit("tuple", [self.value(e, node) for e in x])
        if is_complex(x):  # complexvals.py keeps a complex value as a pair; no rule takes one
            raise self.err(AdjitTypeError, "a complex value is used where adjit needs a real one (adjit computes "
                           "with complex numbers as pairs of real arrays, and this operation has no expansion)",
                           node, hint="take .real, .imag, np.abs(...) or np.angle(...) first, or use an operation "
                                      "adjit expands for complex values (docs/guide.md)")
        if type(x).__name__ == "Undefined":  # lstsq(...)[1]: say why it has no value (values.Undefined)
            raise self.err(AdjitNameError, f"'{x.name}' {x.why}", node)
        if type(x).__name__ == "LocalFunction":  # a lambda or nested def kept as a value (in a list)
            raise self.err(UnsupportedSyntaxError, "a function defined in the function is used as a value here "
                           "(adjit inlines such functions where they are called by name)", node,
                           hint="call a module-level function with the varying part as an argument, or keep "
                                "the parameters in a list and call one function: [f(v, p) for p in params]")
        raise self.err(AdjitTypeError, f"{_describe(x)} cannot be used as a value here", node)

    def static(self, x, node, what: str):
        """A compile-time constant: a number, None, or a tuple of them."""
        if x is None or _is_number(x):
            return x.item() if isinstance(x, np.generic) else x
        if isinstance(x, tuple):
            return tuple(self.static(e, node, what) for e in x)
        if isinstance(x, Value):
            producer = next((op for op in reversed(self.b.ops) if x in op.outputs), None)
            if producer is not None and producer.prim == "const":
                return producer.attrs["value"]
            known = self.b.avals[x.id].value
            if x.type.kind == "scalar" and isinstance(known, (int, np.integer)) and not isinstance(known, bool):
                return int(known)  # an int argument or a shape: known when the call is compiled
        raise self.err(AdjitTypeError, f"{what} must be a constant", node,
                       hint="use a literal or a global constant, not a value computed at run time")

    def dtype(self, x, node) -> str:
        if isinstance(x, str):
            try:
                return np.dtype(x).name
            except TypeError:
                pass
        if x in _DTYPES:
            return _DTYPES[x]
        if isinstance(x, np.dtype):
            return x.name
        raise self.err(AdjitTypeError, f"unsupported dtype {x!r}", node)

    # -- statements
    def lower_body(self, body: list) -> Value:
        helper = self.procedure_entry(body)  # an inlined body: the caller's objects (procedures.py)
        if helper and is_procedure(body):  # returns no value: lowered for what it writes
            self.lower_stmts(self.procedure_body(body))
            self.procedure_exit()
            return None
        result = self.lower_stmts(body)
        if result is None:
            raise self.err(AdjitTypeError, "the function must end with `return <scalar>`", self.parsed.node)
        if helper:
            self.procedure_exit()
        return result

    def lower_stmts(self, stmts: list, loop: "LoopFrame | None" = None):
        """Lower a statement list into the current block; the result value if it always returns."""
        for k, stmt in enumerate(stmts):
            self.stmt = stmt
            if loop is not None and loop.jumps and k > 0 and _contains_jump(stmts[:k]):
                # statements after a possible break/continue run only if neither happened
                self.lower_guarded(stmts[k:], loop)
                return None
            if isinstance(stmt, ast.Return):
                self.at(stmt)
                result = self.expr(stmt.value)
                if type(result) is tuple and result:  # `return a, b` from a helper: a Python tuple, unpacked
                    return result                     # by its caller (a tuple value would carry no derivative)
                if isinstance(result, BuiltList):  # a helper's `return ys`: still a list for its caller (ys + ys
                    # joins), its rows fixed here (a `[None] * n` list's rows live in this Lowerer's names)
                    return BuiltList(result.array, result.name, seq=result.seq, weak=result.weak)
                if type(result).__name__ in ("DeferredList", "ComplexPair", "Masked", "MaskedSquare", "LocalFunction") \
                        or is_struct(result):  # a LocalFunction: a helper's closure (`return act`), called later
                    return result  # for the caller: a comprehension, a complex pair (complexvals.py), a selection
                    # (masks.py), a dataclass, NamedTuple or object the helper made (structures.py)
                return self.value(result, stmt.value)
            if isinstance(stmt, (ast.For, ast.While)) and stmt.orelse:  # a loop's `else:` (returns.py)
                self._loop_elses = getattr(self, "_loop_elses", 0) + 1
                return self.lower_stmts(rewrite_loop_else(stmt, f"_broke{self._loop_elses}") + stmts[k + 1:], loop)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) > 1 and all(isinstance(t, ast.Name) for t in stmt.targets):
                return self.lower_stmts(_chained_names(stmt) + stmts[k + 1:], loop)  # a = b = np.zeros(3): b, then a = b
            if isinstance(stmt, ast.Assign) and (after := rewrite_view_name(stmt, stmts[k + 1:], lambda n: self.view_of_name(n, stmts[:k]))) is not None:
                return self.lower_stmts([stmt] + after, loop)  # `v = Y[1:3]; v[0] = 0`: as Y[1:3] (rowviews.py)
            if isinstance(stmt, ast.For) and (views := rewrite_loop_views(stmt, self.env, stmts[k + 1:])) is not None:
                stmt = self.stmt = views  # `for i in range(n): r = B[i]; r *= 2`: as B[i] (rowviews.py)
            if isinstance(stmt, ast.For) and (rows := rewrite_row_loop(stmt, self.env, stmts[k + 1:])) is not None:
                stmt = self.stmt = rows  # `for row in Y: row /= ...`: over Y's index (rowviews.py)
            if isinstance(stmt, ast.For) and _contains_return(stmt.body) and self.struct_sequence(stmt.iter) is not None:
                return self.lower_loop_returning(stmt, stmts[k + 1:], loop)  # unrolled, its return a flag and a break
            if isinstance(stmt, ast.For) and self.struct_for(stmt):  # over a structure: unrolled (structures.py)
                continue
            if isinstance(stmt, (ast.For, ast.While)) and self.loop_with_appends(stmt):  # xs.append: lists.py
                continue
            if isinstance(stmt, (ast.For, ast.While)) and _contains_return(stmt.body):
                return self.lower_loop_returning(stmt, stmts[k + 1:], loop)  # loopvalues.py
            if isinstance(stmt, ast.If):
                if _contains_return(stmt.body) or _contains_return(stmt.orelse):
                    return self.lower_if_returning(stmt, stmts[k + 1:])
                self.lower_if(stmt, stmt.body, stmt.orelse, loop)
            elif isinstance(stmt, ast.For):
                self.lower_for(stmt)
            elif isinstance(stmt, ast.While):
                self.lower_while(stmt)
            elif isinstance(stmt, (ast.Break, ast.Continue)):
                flag = loop.brk if isinstance(stmt, ast.Break) else loop.cont
                self.env[flag] = True
            elif isinstance(stmt, ast.Assign):
                val = self.expr(stmt.value)
                for target in stmt.targets:
                    self.assign(target, val, stmt.value)
            elif isinstance(stmt, ast.AnnAssign):
                if stmt.value is not None:
                    self.assign(stmt.target, self.expr(stmt.value), stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                self.lower_augassign(stmt)
            elif isinstance(stmt, ast.FunctionDef):  # closures.py
                self.env[stmt.name] = self.local_function(stmt)
            elif isinstance(stmt, ast.ClassDef):  # made by Python when compiled: closures.py
                self.env[stmt.name] = self.local_class(stmt)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assert, ast.Raise)):  # closures.py
                self.python_statement(stmt)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                if not self.list_append_statement(stmt):  # xs.append(v) outside loops: lists.py
                    self.call_statement(stmt)  # np.fill_diagonal(a, v): closures.py
        return None

    def lower_augassign(self, stmt: ast.AugAssign) -> None:
        if self.complex_augassign(stmt):  # z += w on a complex array: its parts (complexvals.py)
            return
        if isinstance(stmt.target, ast.Subscript):
            current = self.subscript(stmt.target)
        elif isinstance(stmt.target, ast.Name):
            current = self.name(stmt.target.id, stmt.target)
        elif isinstance(stmt.target, ast.Attribute):  # f.counter += n on a function object: its state
            current = self.expr(stmt.target)
        else:
            raise self.err(UnsupportedSyntaxError, "unsupported augmented assignment target", stmt.target)
        rhs = self.expr(stmt.value)
        self.at(stmt)
        new = self.binop(type(stmt.op), current, rhs, stmt)
        if isinstance(stmt.target, ast.Subscript) and isinstance(current, Value) and current.type.kind == "array" \
                and current.type.rank > 0 and isinstance(new, Value):  # k[1:] += v: NumPy's ufunc into the view
            self.same_kind(current, new, stmt)
        if isinstance(current, Masked) and isinstance(stmt.target, ast.Subscript) and isinstance(
                stmt.target.slice, ast.Tuple):  # x[i, mask] += v: maskmix.py
            self.assign(stmt.target, new, stmt)
            return
        if isinstance(current, Masked) and isinstance(stmt.target, ast.Subscript):  # x[mask] += v: masks.py
            name = stmt.target.value.id
            self.env[name] = self.masked_write(self.env[name], current.mask, new, stmt)
            self.env[name].hint = name
            return
        if isinstance(current, Value) and current.type.kind == "array" and (
                isinstance(stmt.target, (ast.Name, ast.Attribute)) or self.dict_item_target(stmt.target)):
            held = getattr(self.b, "captures", None) or {}
            g = next((k[2] if len(k) > 2 else stmt.target.id for k, c in held.items() if c is current), None)
            if g is not None:  # M = G; M += v: into the module's array G (the located error of G[i] = v)
                raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(stmt)}` changes in place the array '{g}' of the "
                               "module (or of an enclosing function), through a name for it: NumPy keeps the change, "
                               "adjit's compiled function works on a copy, so the results would differ", stmt,
                               hint=f"work on a copy under another name: {g}_work = {g}.copy()")
            new = self.in_place_result(current, new, stmt)  # (self.w -= g, d["m"] += g: other names see it too)
        self.assign(stmt.target, new, stmt)

    def dict_item_target(self, target) -> bool:
        """`d["m"]` or `self.state["m"]` as an augmented assignment's target: the array the dict holds,
        written in place by NumPy (another name for it sees the write: aliasing.py)."""
        return isinstance(target, ast.Subscript) and isinstance(target.value, (ast.Name, ast.Attribute)) \
            and type(self.expr(target.value)).__name__ == "StructMap"

    def in_place_result(self, current: Value, new, stmt) -> Value:
        """`x += v` on an array writes into x, as NumPy does: the result keeps x's dtype and shape,
        and every other name for x's buffer sees it (frontend/aliasing.py checks those reads)."""
        new = self.value(new, stmt)
        cur, res = self.b.avals[current.id], self.b.avals[new.id]
        if new.type.rank != current.type.rank or (None not in cur.shape and None not in res.shape
                                                   and tuple(res.shape) != tuple(cur.shape)):
            raise self.err(AdjitTypeError, f"`{ast.unparse(stmt)}` would change the shape of the array it "
                           f"writes into ({tuple(cur.shape)} -> {tuple(res.shape)}); NumPy raises here", stmt,
                           hint="write `x = x + v` to make a new, broadcast array")
        if new.type.dtype != current.type.dtype:
            self.same_kind(current, new, stmt)
            new = self.b.emit("astype", [new], dtype=current.type.dtype)
        if new is not current:
            self.b.inplace_of[new.id] = current
        return new

    def binop(self, optype, left, right, node):
        if isinstance(left, str) and isinstance(right, str) and optype is ast.Add:  # s + "b", s += "b": a string
            return left + right  # known when compiled, joined as Python joins it
        if optype is ast.Mult and (isinstance(left, str) and type(right) is int or type(left) is int and isinstance(
                right, str)):  # "-" * 3
            return left * right
        return super().binop(optype, left, right, node)

    def attribute(self, base, node):
        if node.attr == "flat" and isinstance(base, Value) and base.type.kind == "array":  # A.flat[k], for v in
            return self.prim_call("reshape", np.reshape, (base, -1), {}, node)  # A.flat: its values in C order (read)
        return super().attribute(base, node)

    def view_of_name(self, node, before=()) -> bool:
        """rewrite_view_name's test: `Y[index]` a view (is_view), or `Y.T` of an array Y (or of such a
        view): NumPy's transpose is a view of any array, of its every dtype and layout; `Y.reshape(s)`,
        `Y.ravel()` where the statements `before` (its block's) last bound Y to a new C-order array
        (rowviews.fresh_c_order): a view then, as NumPy's reshape of a contiguous array always is."""
        if isinstance(node, ast.Attribute) and node.attr == "T":
            if isinstance(node.value, ast.Name):
                y = self.env.get(node.value.id)
                return isinstance(y, Value) and y.type.kind == "array"
            return self.view_of_name(node.value)
        if (name := reshape_of_name(node)) is not None:
            y = self.env.get(name)
            node.adjit_c_view = isinstance(y, Value) and y.type.kind == "array" and fresh_c_order(
                name, before, self._fresh_c_order)  # kept by the rewrite's copies: transposed_write reads it
            return node.adjit_c_view
        return self.is_view(node)

    def _fresh_c_order(self, value) -> bool:
        """`x.copy()`, np.zeros/ones/empty/full(...) without `order=`: a new C-order array."""
        if not isinstance(value, ast.Call) or any(k.arg == "order" for k in value.keywords):
            return False
        if isinstance(value.func, ast.Attribute) and value.func.attr == "copy" and not value.args:
            return True
        try:
            f = self.b.into([], lambda: self.expr(value.func))
        except Exception:  # noqa: BLE001 - not a function this can tell: no view
            return False
        return any(f is g for g in (np.zeros, np.ones, np.empty, np.full))

    def transposed_write(self, target, val, node) -> bool:
        """`B.T[index] = v` (`+=` too): NumPy writes through the transposed view into B; lowered as
        `t = copy of B.T; t[index] = v; B[...] = t.T`, B a name or a view chain (then written on).
        `B.flat[k] = v` the same way through B's C-order ravel, whatever B's layout, and `r[k] = v` of
        `r = B.reshape(s)` (a view: view_of_name): `B[...] = t.reshape(B.shape)`."""
        view = target.value
        if isinstance(view, ast.Name) and isinstance(self.env.get(view.id), Masked):
            return self.selection_filled(target, val, node)
        flat = isinstance(view, ast.Attribute) and view.attr == "flat" and self.view_of_name(
            ast.copy_location(ast.Attribute(view.value, "T", ast.Load()), view))
        reshaped = getattr(view, "adjit_c_view", False) and reshape_of_name(view) is not None
        if not (flat or reshaped or isinstance(view, ast.Attribute) and view.attr == "T" and self.view_of_name(view)):
            return False
        base = view.func.value if reshaped else view.value
        shape = tuple(self.b.aval(self.expr(base)).shape) if flat or reshaped else ()
        if None in shape:
            return False
        tv = self.prim_call("reshape", np.reshape, (self.expr(base), -1), {}, node) if flat else self.expr(view)
        tmp = f"_view{id(target)}"
        self.env[tmp] = self.b.emit("astype", [tv], dtype=tv.type.dtype)  # a copy, written back
        self.b.__dict__.setdefault("written_back", {})[self.env[tmp].id] = tv  # (aliasing.py)
        try:
            loc = lambda n: ast.fix_missing_locations(ast.copy_location(n, target))  # noqa: E731
            self.assign(loc(ast.Subscript(ast.Name(tmp, ast.Load()), target.slice, ast.Store())), val, node)
            back = self.prim_call("reshape", np.reshape, (self.env[tmp], shape), {}, node) if flat or reshaped else \
                self.expr(loc(ast.Attribute(ast.Name(tmp, ast.Load()), "T", ast.Load())))
            self.assign(loc(ast.Subscript(base, ast.Constant(Ellipsis), ast.Store())), back, node)
        finally:
            self.env.pop(tmp, None)
        return True

    def selection_filled(self, target, val, node) -> bool:
        """`y[:] = v` or `y[...] = v` of `y = x[mask]` (NumPy's copy: x unchanged): y's every element v, a
        number or a selection by the same mask; False (the located error) for any other write."""
        sel, sl = self.env[target.value.id], target.slice
        if not (isinstance(sl, ast.Slice) and sl.lower is None and sl.upper is None and sl.step is None
                or isinstance(sl, ast.Constant) and sl.value is Ellipsis):
            return False
        if isinstance(val, Masked) and (self.same_mask(val.mask, sel.mask) or self.same_selection(val, sel)):
            new = val.values
        elif isinstance(val, (int, float, np.number)) and not isinstance(val, bool) or isinstance(val, Value) and \
                val.type.kind == "scalar":
            new = self.b.emit("where", [sel.mask, self.value(val, node), sel.values])
        else:
            return False
        if new.type.dtype != sel.values.type.dtype:
            new = self.b.emit("astype", [new], dtype=sel.values.type.dtype)
        self.env[target.value.id] = Masked(new, sel.mask, sel.rows, sel.select, sel.axis)
        return True

    def same_kind(self, current: Value, new: Value, stmt) -> None:
        """`x op= v` computes into x (NumPy's ufunc with out=x): a result NumPy's same-kind casting
        cannot write into x's dtype (floats into ints, ints into booleans) is NumPy's error, located."""
        if new.type.dtype != current.type.dtype and not np.can_cast(new.type.dtype, current.type.dtype, "same_kind"):
            what = "floats" if new.type.dtype in ("float32", "float64") else f"{new.type.dtype} values"
            raise self.err(AdjitTypeError, f"`{ast.unparse(stmt)}` writes {what} into an array of "
                           f"{current.type.dtype}; NumPy raises here (same-kind casting)", stmt,
                           hint="make the array float first, e.g. x = x.astype(np.float64)")

    # -- control flow
    def assign(self, target, val, node) -> None:
        if isinstance(target, ast.Subscript) and self.list_item_write(target, val, node): return  # xs[k] = v: slots.py
        if isinstance(target, ast.Subscript) and self.list_item_assign(target, val, node): return  # listwrites.py
        if self.complex_assign(target, val, node): return  # z = <complex>, H[k] = v: complexvals.py
        if isinstance(target, ast.Name):
            self.record_return(target.id, val, node)  # a return inside a loop, while its type is learnt
            if isinstance(val, Value) and val.hint is None:
                val.hint = target.id
            self.env[target.id] = val
        elif isinstance(target, (ast.Tuple, ast.List)) and any(isinstance(t, ast.Starred) for t in target.elts):
            self.starred_assign(target, val, node)  # a, *rest = xs: closures.py
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.unpack(val, len(target.elts), node)
            for t, v in zip(target.elts, items):
                self.assign(t, v, node)
        elif isinstance(target, ast.Subscript):
            if isinstance(target.value, ast.Subscript) and self.dict_item_chain_write(target, val, node): return  # d["m"][i] = v
            if isinstance(target.value, ast.Subscript) and self.chained_mask_write(target, val, node):
                return  # A[i][mask] = v: through the view A[i] (morenumpy.py)
            if isinstance(target.value, ast.Subscript) and self.chained_view_write(target, val, node):
                return  # A[1:3][0] = v: through the view A[1:3] (morenumpy.py)
            if isinstance(target.value, ast.Subscript):
                target = self.chained_write_target(target)  # A[i][j] = v: A[i, j] (morenumpy.py)
            if self.transposed_write(target, val, node): return  # B.T[i] = v (`Bt = B.T; Bt[i] = v` too), B.flat[k] = v
            if not isinstance(target.value, ast.Name):  # self.mu[i] = v, self.state["m"] = v: procedures.py
                target = self.slot_target(target, val)
                if target is None: return  # written: an item of a dict an object holds
            if not isinstance(target.value, ast.Name):
                raise self.err(UnsupportedSyntaxError, "only `name[index] = value` writes are supported", target)
            target = self.bool_list_index(target)  # x[[True, False]] = v: a constant mask (forms/base.py)
            base = self.expr(target.value)
            if isinstance(base, Value) and any(base is c for c in (getattr(self.b, "captures", None) or {}).values()):
                g = target.value.id
                raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(node)}` changes in place the array '{g}' of "
                               "the module (or of an enclosing function): NumPy keeps the change for the next call "
                               "and for the code that reads it after the call, adjit's compiled function works on a "
                               "copy, so the results would differ", node,
                               hint=f"pass the state as an argument and return its new value, or work on a copy "
                                    f"under another name: {g}_work = {g}.copy()")
            if is_struct(base):
                raise self.struct_write_error(target, base)
            if not isinstance(base, Value) or base.type.kind != "array":
                raise self.err(AdjitTypeError, f"cannot write into {_describe(base)}", target, hint=(
                    "`[[0.0] * m] * n` holds one row object n times in Python (a write changes every row): build "
                    "the rows with [[0.0] * m for _ in range(n)], or use an array and write x[i, j] = v")
                    if type(base).__name__ == "BuiltList" else None)
            if isinstance(val, tuple) and (not is_struct(val) or type(val).__name__ == "StructTuple"):
                val = self._build(val, node)  # x[t] = a, b writes np.asarray((a, b)), as NumPy does
            if isinstance(target.slice, ast.Tuple) and not target.slice.elts:  # x[()] = v writes all of x: x[...]
                target = ast.copy_location(ast.Subscript(value=target.value, slice=ast.copy_location(
                    ast.Constant(Ellipsis), target.slice), ctx=ast.Store()), target)
            if self.mixed_mask_write(target, val, node): return  # x[i, mask] = v: maskmix.py
            mask, sl = self.mask_index(target.slice)
            if mask is not None:  # x[mask] = v: masks.py
                new = self.masked_write(base, mask, val, node)
                new.hint = target.value.id
                self.env[target.value.id] = new
                return
            try:
                index, ints = self.index_of(self.normalize_index(sl, base))  # `...`, np.newaxis: forms/
            finally:
                self.env.pop("<index>", None)
            self.at(target)
            if P.is_advanced(index):  # x[idx] = v, Q[:, rows, cols] = v (x[1:, idx]: into a copy, written back)
                src, a_index, a_ints, b_index, b_ints = self.split_advanced(base, index, ints, copy=True)
                new = self.b.emit("index_update", [src, self.value(val, node)] + a_ints, index=_shift_index(a_index, 1))
                if b_index is not None:
                    new = self.b.emit("index_update", [base, new] + b_ints, index=_shift_index(b_index, 1))
            else:
                new = self.b.emit("index_update", [base, self.value(val, node)] + ints, index=_shift_index(index, 1))
            new.hint = target.value.id
            self.env[target.value.id] = new
            if getattr(target, "adjit_holds", False) and isinstance(val, Value):  # a list's row (lists.py)
                self.b.__dict__.setdefault("holds", {})[new.id] = val
        elif isinstance(target, ast.Attribute) and is_struct(self.expr(target.value)):
            self.struct_attribute_write(target, self.expr(target.value), val)  # self.k = k in __init__
        elif isinstance(target, ast.Attribute) and isinstance(self.expr(target.value), types.FunctionType):
            self.set_function_attribute(self.expr(target.value), target, val)
        else:
            raise self.err(UnsupportedSyntaxError, f"cannot assign to {type(target).__name__}", target)

    def set_function_attribute(self, fn, target, val) -> None:
        """`f.count = 0` (ADBench's GMM keeps a running index on a function object): state of the
        compilation, read back by `f.count` in this call, never written to the real function. Only
        values known when the call is compiled (a run-time value would escape the loops that
        carry names)."""
        if isinstance(val, Value) and self.static_int(val) is not None:  # d = x.shape[1]: known when compiled
            val = self.static_int(val)
        if isinstance(val, Value) or not (val is None or _is_number(val) or isinstance(val, (str, tuple))):
            raise self.err(UnsupportedSyntaxError, f"an attribute of the function {fn.__name__} set to a value computed "
                           "at run time is not supported", target, hint="use a local variable, or pass it as an argument")
        self.b.__dict__.setdefault("function_attributes", {})[(id(fn), target.attr)] = val

    def unpack(self, val, n, node) -> list:
        if type(val).__name__ == "BuiltList" and isinstance(val.array, Value):  # a, b, c = list(x): its rows
            val = val.array
        if isinstance(val, tuple):
            items = list(val)
        elif isinstance(val, Value) and val.type.kind == "tuple":
            self.at(node)
            items = [self.b.emit("getitem", [val, self.b.const(k)], index=(("int", 1),)) for k in range(len(val.type.elems))]
        elif isinstance(val, Value) and val.type.kind == "array" and val.type.rank >= 1:
            # `a, b, c = np.exp(theta)`: NumPy iterates the first axis, whose extent must be n
            extent = self.b.aval(val).shape[0]
            if extent is None:
                raise self.err(AdjitTypeError, f"cannot unpack an array whose length is known only when the function "
                               f"runs into {n} names", node, hint=f"index it: a, b = x[0], x[1]")
            if extent != n:
                raise self.err(AdjitTypeError, f"cannot unpack an array of length {extent} into {n} names "
                               "(NumPy raises ValueError)", node)
            self.at(node)
            items = [self.b.emit("getitem", [val, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
        elif type(val).__name__ == "ComplexPair":  # B, C = M @ v: each part unpacked (complexvals.py)
            parts = [[None] * n if p is None else self.unpack(p, n, node) for p in (val.re, val.im)]
            items = [type(val)(r, i) for r, i in zip(*parts)]
        elif type(val).__name__ == "MaskIndex" and val.mask.type.rank == n:  # src, dst = np.nonzero(adj > 0)
            self.at(node)
            items = self.nonzero_arrays(val.mask, node)
        elif type(val).__name__ == "MaskIndex":
            raise self.err(AdjitTypeError, "np.nonzero(...) of a value computed in the function gives index arrays "
                           "whose length depends on the data: adjit takes them only as an index", node,
                           hint="index with them directly (x[np.nonzero(c)] is x[c]), keep the shape with "
                                "np.where(c, x, 0), or compute them at the top of the function from an argument that "
                                "is not differentiated (NumPy runs that line before the call)")
        else:
            what = val.type if isinstance(val, Value) else getattr(val, "__name__", type(val).__name__)
            raise self.err(UnsupportedSyntaxError, f"cannot unpack {what}", node)
        if len(items) != n:
            raise self.err(AdjitTypeError, f"cannot unpack {len(items)} values into {n} names", node)
        return items

    # -- expressions


def _refuse_default_array_writes(low, parsed: ParsedFunction):
    """`def f(x, buf=np.zeros(3)): buf += x` (or `buf[i] = v`): a call without buf writes into the
    default array itself, which NumPy keeps for the next call (its results change call to call);
    adjit's compiled function works on a copy. A located error, as for a module-level array."""
    fn = parsed.fn
    code = fn.__code__  # the positional parameters' defaults are the last ones's (not a keyword-only's)
    args = list(code.co_varnames[:code.co_argcount])
    given = getattr(fn, "__defaults__", None) or ()
    defaults = dict(zip(args[len(args) - len(given):], given))
    defaults.update(getattr(fn, "__kwdefaults__", None) or {})
    arrays = {k for k, d in defaults.items() if isinstance(d, np.ndarray)}
    for node in ast.walk(parsed.node) if arrays else ():
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign) else []
        for t in targets:
            root = t
            while isinstance(root, ast.Subscript):
                root = root.value
            if isinstance(root, ast.Name) and root.id in arrays and (t is not root or isinstance(node, ast.AugAssign)):
                raise low.err(UnsupportedSyntaxError, f"`{ast.unparse(node)}` changes in place the default array of "
                              f"'{root.id}': a call that leaves it out writes into the default itself, which NumPy "
                              "keeps for the next call; adjit's compiled function works on a copy, so the results "
                              "would differ from the second call on", node,
                              hint=f"default to None and make the array inside: `if {root.id} is None: {root.id} = "
                                   "np.zeros(...)`, or work on a copy under another name")


def lower(parsed: ParsedFunction, arg_avals: list[Abstract], trees=None, names=None) -> tuple[Function, Builder]:
    """Lower `parsed` for arguments with the given abstract values into a typed IR Function.
    trees: when some arguments are structures (jit/arguments.py), per argument (its tree, its
    leaves' texts) or None; arg_avals and names are then one per leaf: the Function's parameters."""
    b = Builder()
    names = list(parsed.param_names if names is None else names)
    params = []
    for name, av in zip(names, arg_avals):
        params.append(b.define(Value(name), av))
    low = Lowerer(parsed, b)
    low.params = params
    # global and closure arrays, passed as parameters (captures.py): a read of one maps to its parameter
    b.top_ops = b.ops  # the function's own block: a `raise` reached here runs on every call (closures.py)
    b.captures = {key: params[names.index(hidden)] for key, hidden in getattr(parsed, "captures", ())}
    b.captured_objects = {id(obj): b.captures[key] for key, obj in getattr(parsed, "captured_now", lambda: ())()}
    if trees is None:
        for name, p, av in zip(parsed.param_names, params, arg_avals):
            low.env[name] = av.value if isinstance(av.value, str) or av.type is NONE_TYPE else p  # static: str, None
    else:
        leaves = iter(zip(params, arg_avals))
        for name, tree in zip(parsed.param_names, trees):
            if tree is None:
                p, av = next(leaves)
                low.env[name] = av.value if isinstance(av.value, str) or av.type is NONE_TYPE else p
            else:  # a structure of its leaves' values (structures.py)
                low.env[name] = build(tree[0], (p for p, _ in leaves), name)
    _refuse_default_array_writes(low, parsed)
    result = low.lower_body(parsed.node.body)
    low.refuse_complex_result(result)
    if isinstance(result, Masked) or type(result).__name__ == "MaskedSquare":  # `return x[mask]`: the located error
        result = low.value(result, parsed.node.body[-1])
    if type(result).__name__ == "LocalFunction":  # `return act`: a closure is not a value adjit differentiates
        raise low.err(AdjitTypeError, "the function returns a function: adjit differentiates functions whose "
                      "result is a number, an array or a structure of them", parsed.node.body[-1],
                      hint="return the closure's value at a point (`return act(x)`), or differentiate the closure "
                           "itself: adjit.grad(make_act(0.1))")
    if type(result).__name__ in ("BuiltList", "DeferredList"):  # a list whose length is known only when it runs
        raise low.err(UnsupportedSyntaxError, "the function returns a list built in a loop (its length is known only "
                      "when the function runs): adjit's results are arrays, numbers and structures of a fixed shape",
                      parsed.node.body[-1], hint="return np.array(xs) or np.stack(xs) (NumPy's array of the items)")
    out_tree = None  # `return loss, aux`, a dict, NamedTuple or dataclass: one value of nested tuples (structout.py)
    if is_struct(result) or type(result) is tuple:
        result, out_tree = structured_result(low, result, parsed.node.body[-1])
    ret = parsed.node.body[-1]  # `return v`, or a statement after the returns (`raise ValueError(...)`)
    result_loc = parsed.loc(getattr(ret, "value", None) or ret, ret)
    if result.hint is None or any(result is p for p in params):
        if result.hint is None:
            result.hint = parsed.name
    fn = Function(parsed.name, params, names, Block(b.ops), [result],
                  parsed.filename, parsed.firstline, result_loc, b.avals)
    fn.out_tree = out_tree
    check_sharing(fn, b.inplace_of, b.__dict__.get("holds"), b.__dict__.get("opaque"), b.__dict__.get("written_back"),
                  b.__dict__.get("views_of"))
    return fn, b
