"""List comprehensions, generator expressions, and the builtins that fold an iterable (sum, max,
min).

- Over a sequence whose length is known when the call is compiled (a range of constants, up to 64
  items; a range whose bounds come from shapes or int arguments, up to 16; a list or tuple
  literal, a structure argument, zip/enumerate/reversed of those), a comprehension is unrolled
  into a Python tuple of its items, so np.array, np.stack, sum, len, indexing and
  unpacking see a list, as in Python. Its filters must then be decided when compiled too.
- Over a sequence whose length is known only when the function runs (range(n), an array's rows),
  a comprehension passed to sum(), np.sum(), np.mean(), or (items that are numbers, no filter)
  np.array()/np.asarray()/np.stack() (complex items too: a complex array's two real parts) is lowered
  as the for loop it stands for: an accumulator, or
  an array filled item by item; max()/min() of it (numbers, no filter) are the max/min of that array
  (the reduction rows' tie rule). A filtered or nested one (`[v for v in x if v > 0]`) is the loop
  it stands for with `.append` (`append_loop`): the list it builds (lists.py's BuiltList), which
  len(), indexing, iteration, truth and the folds read as Python's list; sum() of a nested one of
  arrays adds that list's items. Anywhere else it is a located error with that rewrite.

The comprehension's variables are its own, as in Python 3: the names it binds are restored after.
"""
from __future__ import annotations

import ast
import builtins
import itertools
import math

import numpy as np

from ..errors import AdjitError, AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from ..ir import Value
from .iteration import _COMBINATORIC, target_names
from .complexvals import is_complex
from .iterators import CompileIter, advance_here
from .structures import is_struct
from .values import Undefined, _is_number

MAX_UNROLL = 64  # a longer static sequence is lowered as a loop, where a loop can take it
MAX_UNROLL_KNOWN = 16  # the same for a range whose bounds come from shapes or int arguments

_MISSING = object()
_ACCUMULATE = {"sum": "sum() of", "npsum": "np.sum of", "mean": "np.mean of"}
_HINT = ("write the loop it stands for: `total = 0.0; for i in range(n): total += ...`, or fill "
         "`out = np.zeros(n)` with `out[i] = ...`")


def _literal_int(node) -> bool:
    """An int written in the source (5, -1)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def _filtered_or_nested(comp) -> bool:
    """A list comprehension or generator with an `if` or more than one `for`."""
    return isinstance(comp, (ast.ListComp, ast.GeneratorExp)) and \
        (len(comp.generators) > 1 or any(g.ifs for g in comp.generators))


def _consumer(func):
    """What a call does with a comprehension argument whose length is known only at run time."""
    for obj, kind in ((builtins.sum, "sum"), (np.sum, "npsum"), (np.mean, "mean"), (np.array, "array"),
                      (np.asarray, "array"), (np.stack, "array"), (np.concatenate, "concat"), (np.hstack, "concat")):
        if func is obj:
            return kind
    return None


def _walrus_names(node) -> set:
    """The names a comprehension's walruses bind (in the enclosing function's scope, as in Python)."""
    return {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)}


class DeferredList:
    """A comprehension of run-time length bound to a name (`ys = [f(x) for x in xs]`): lowered
    where it is used, as np.array(...) of it (what NumPy makes of a list), in the environment of
    the line that built it."""

    def __init__(self, node, env: dict):
        self.node, self.env = node, env
        self.__name__ = "a list built by a comprehension"


class Comprehensions:
    """The Lowerer's comprehensions, and sum/max/min over an iterable."""

    def map_call(self, node: ast.Call):
        """`map(f, xs)`, `map(f, xs, ys)`: the list comprehension `[f(a) for a in xs]` (over zip of
        the iterables), f evaluated where the call is; a list (Python's map is an iterator: list(),
        sum(), np.array(list(...)) and loops read it the same)."""
        if len(node.args) < 2 or node.keywords:
            raise self.err(UnsupportedSyntaxError, "map() takes a function and one or more iterables", node)
        names = [f"_map{id(node)}_{k}" for k in range(len(node.args) - 1)]
        fn = node.args[0]
        if not isinstance(fn, (ast.Name, ast.Attribute)):  # a lambda: made once, called by a hidden name
            self.env[f"_map{id(node)}_f"] = self.expr(fn)
            fn = ast.copy_location(ast.Name(f"_map{id(node)}_f", ast.Load()), node)

        def loc(n):
            return ast.copy_location(n, node)

        target = loc(ast.Tuple([loc(ast.Name(n, ast.Store())) for n in names], ast.Store())) if len(names) > 1 \
            else loc(ast.Name(names[0], ast.Store()))
        it = node.args[1] if len(names) == 1 else loc(ast.Call(loc(ast.Name("zip", ast.Load())), list(node.args[1:]), []))
        elt = loc(ast.Call(fn, [loc(ast.Name(n, ast.Load())) for n in names], []))  # f as written: its name in errors
        comp = loc(ast.ListComp(elt, [ast.comprehension(target, it, [], 0)]))
        for n in ast.walk(comp):
            if not hasattr(n, "lineno") and not isinstance(n, (ast.comprehension, ast.expr_context)):
                ast.copy_location(n, node)
            if hasattr(n, "lineno"):
                n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        return self.expr(comp)

    def comprehension(self, node):
        """A comprehension met anywhere but as a consumer's argument: its items, unrolled."""
        items = self.comprehension_items(node)
        if items is None and self.makes_objects(node.elt):  # [Comb(d, g) for d, g in zip(delays, gains)]: the
            self._rows_unrolled = True  # objects made here, once, over the rows of short arrays (their state
            try:  # lives on in the names of the loops that use them: procedures.py)
                items = self.comprehension_items(node)
            finally:
                self._rows_unrolled = False
        if items is None and _filtered_or_nested(node):  # a run-time number of items: Python's list of them
            return self.append_loop(node)
        if items is None:  # of run-time length: lowered where it is used
            lst = DeferredList(node, dict(self.env))
            line = self.loc(node).line
            for n in _walrus_names(node):  # Python binds them here, to a value known only when run
                self.env[n] = Undefined(n, f"is bound by a walrus in the comprehension at line {line}, whose "
                                           "items are known only when the function runs (a run-time length or "
                                           "filter): its last value is not kept after it; to keep it, write "
                                           "the loop the comprehension stands for")
            return lst
        return items

    def makes_objects(self, expr) -> bool:
        """The expression (a comprehension's item, an appended item) calls a class the user wrote."""
        for n in ast.walk(expr):
            if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute)):
                try:
                    f = self.b.into([], lambda n=n: self.expr(n.func))
                except AdjitError:  # a name the comprehension binds: not a class
                    continue
                home = (getattr(f, "__module__", None) or "builtins").split(".")[0]
                if isinstance(f, type) and home not in ("builtins", "numpy", "scipy", "collections", "fractions"):
                    return True
        return False

    def append_loop(self, comp):
        """A filtered or nested comprehension over a sequence of run-time length: the loop it stands
        for, `_compN = []; for x in xs: if c: _compN.append(f(x))`, lowered here; the list it builds
        (a BuiltList: len(), iteration, truth, np.array and the folds read it as Python's list)."""
        self._comps = getattr(self, "_comps", 0) + 1
        tag = f"_comp{self._comps}"
        st = self.stmt  # `ys = [...]`: the loop builds `ys` (the generated code reads as the user's loop would)
        if isinstance(st, ast.Assign) and st.value is comp and len(st.targets) == 1 and \
                isinstance(st.targets[0], ast.Name) and st.targets[0].id not in {
                    n.id for n in ast.walk(comp) if isinstance(n, ast.Name)}:
            tag = st.targets[0].id
        names = {tag} | set().union(*(target_names(g.target) for g in comp.generators))
        saved = {n: self.env.get(n, _MISSING) for n in names}

        def at(new):
            return ast.copy_location(new, comp)

        body = [at(ast.Expr(value=at(ast.Call(func=at(ast.Attribute(value=at(ast.Name(id=tag, ctx=ast.Load())),
                                                                       attr="append", ctx=ast.Load())),
                                               args=[comp.elt], keywords=[]))))]
        for g in reversed(comp.generators):
            if g.is_async:
                raise self.err(UnsupportedSyntaxError, "async comprehensions are not supported", comp)
            for cond in reversed(g.ifs):
                body = [at(ast.If(test=cond, body=body, orelse=[]))]
            body = [at(ast.For(target=g.target, iter=g.iter, body=body, orelse=[]))]
        stmts = [at(ast.Assign(targets=[at(ast.Name(id=tag, ctx=ast.Store()))], value=at(ast.List(elts=[],
                                                                                                  ctx=ast.Load()))))]
        stmts += body
        for st in stmts:
            ast.fix_missing_locations(st)
        saved_stmt = self.stmt
        try:
            self.lower_stmts(stmts)
            result = self.env[tag]
        finally:
            self._restore(saved)
            self.stmt = saved_stmt
        if hasattr(result, "__name__"):
            result.__name__ = f"the list built by the comprehension at line {self.loc(comp).line}"
        return result

    def deferred(self, lst: DeferredList, func, call, label=None):
        """A DeferredList used: as the argument of `func` in `call` (a consumer), else (func None) as
        the array NumPy makes of it."""
        saved = self.env
        self.env = dict(lst.env)
        try:
            return self.comprehension_loop(np.array if func is None else func, call, lst.node, label)
        finally:
            self.env = saved

    def consumes(self, func) -> bool:
        return _consumer(func) is not None

    def comprehension_arg(self, func, arg):
        """A consumer's comprehension argument: its items when unrolled, else None."""
        if _consumer(func) is None and not any(func is f for f in (builtins.max, builtins.min, len)):
            return self.comprehension(arg)
        return self.comprehension_items(arg)

    # -- unrolled when compiled
    def comprehension_items(self, node):
        """The items of the comprehension as a tuple, or None when a sequence it runs over has a
        length known only at run time."""
        names = set().union(*(target_names(g.target) for g in node.generators))
        saved = {n: self.env.get(n, _MISSING) for n in names}
        walrus = {n: self.env.get(n, _MISSING) for n in _walrus_names(node)}
        out: list = []
        done = False
        try:
            done = self._unroll(node, 0, out)
            return tuple(out) if done else None
        finally:
            self._restore(saved)
            if not done:  # an unrolling given up part way: a walrus name keeps no value of it
                self._restore(walrus)

    def _restore(self, saved: dict) -> None:
        for n, v in saved.items():
            if v is _MISSING:
                self.env.pop(n, None)
            else:
                self.env[n] = v

    def _unroll(self, node, k: int, out: list) -> bool:
        if k == len(node.generators):
            out.append(self.expr(node.elt))
            return True
        g = node.generators[k]
        if g.is_async:
            raise self.err(UnsupportedSyntaxError, "async comprehensions are not supported", node)
        items = self.static_sequence(g.iter)
        if items is None:
            return False
        for item in items:
            self.at(g.target)
            self.assign(g.target, item, g.target)
            keep = True
            for cond in g.ifs:
                c = self.condition(cond)
                if not isinstance(c, bool):
                    return False  # a filter decided only at run time: a loop, where one can take it
                if not c:
                    keep = False
                    break
            if keep and not self._unroll(node, k + 1, out):
                return False
        return True

    def _static_combinatoric(self, func, it):
        """itertools.product/combinations/...(static sequences, static repeat or r) of at most
        MAX_UNROLL tuples: the tuples of items; otherwise None (a loop: iteration.combinatoric_seq)."""
        seqs = it.args if func is itertools.product else it.args[:1]
        parts = [self.static_sequence(a) for a in seqs]
        ints = [self.static_int(self.expr(a)) for a in it.args[len(seqs):]]
        kw = {k.arg: self.static_int(self.expr(k.value)) for k in it.keywords}
        if not parts or any(v is None for v in parts + ints + list(kw.values())):
            return None
        try:
            out = list(itertools.islice(func(*parts, *ints, **kw), MAX_UNROLL + 1))
        except TypeError:
            return None  # the loop's located error (iteration.combinatoric_seq)
        return out if len(out) <= MAX_UNROLL else None

    def static_sequence(self, it):
        """The items of an iterable known (in number) when the call is compiled, or None."""
        items = self.struct_sequence(it)  # a structure argument (structures.py)
        if items is not None:
            return list(items)
        if isinstance(it, ast.Call) and not any(isinstance(a, ast.Starred) for a in it.args):
            func = self.expr(it.func)
            if func is range and not it.keywords and 1 <= len(it.args) <= 3:
                literal = all(_literal_int(a) for a in it.args)
                bounds = [self.static_int(self.expr(a)) for a in it.args]
                if any(b is None for b in bounds) or len(bounds) == 3 and bounds[2] == 0:
                    return None
                r = range(*bounds)
                # written bounds unroll up to MAX_UNROLL items; bounds read from a shape or an int
                # argument up to MAX_UNROLL_KNOWN (as jax.jit unrolls a Python loop), longer ones stay
                # a loop, whose code serves every size
                return list(r) if len(r) <= (MAX_UNROLL if literal else MAX_UNROLL_KNOWN) else None
            if func is zip and not it.keywords:
                parts = [self.static_sequence(a) for a in it.args]
                return None if any(p is None for p in parts) else list(zip(*parts))
            if func is reversed and len(it.args) == 1 and not it.keywords:
                inner = self.static_sequence(it.args[0])
                return None if inner is None else list(reversed(inner))
            if func is enumerate and it.args:
                inner = self.static_sequence(it.args[0])
                if inner is None:
                    return None
                start = self.expr(it.args[1]) if len(it.args) > 1 else \
                    (self.expr(it.keywords[0].value) if it.keywords else 0)
                start = self.static(start, it, "enumerate's start")
                return [(start + j, v) for j, v in enumerate(inner)]
            if func in _COMBINATORIC:
                return self._static_combinatoric(func, it)
            if func in (range, zip, reversed, enumerate):
                return None
        val = self.expr(it)
        if isinstance(val, CompileIter):  # a comprehension over iter(...): the items not yet taken (iterators.py)
            return val.rest()
        if isinstance(val, tuple) and not is_struct(val):
            return list(val)
        if isinstance(val, Value) and val.type.kind == "array":
            n = self.b.aval(val).shape[0] if val.type.rank else None
            if getattr(self, "_rows_unrolled", False) and n is not None and n <= MAX_UNROLL_KNOWN:
                self.at(it)  # a loop over the comprehension (struct_for): the rows of a short array
                return [self.b.emit("getitem", [val, self.b.const(k)], index=(("int", 1),)) for k in range(n)]
            return None  # an array's rows: a loop
        if type(val).__name__ == "BuiltList":
            return None  # a list built by .append or [x] * n: its rows, a loop
        if isinstance(val, str):  # a string known when compiled: its characters, as Python iterates it
            return list(val)
        raise self.err(UnsupportedSyntaxError, f"a comprehension cannot run over {type(val).__name__}", it,
                       hint="run over range(...), an array, a list, or zip/enumerate/reversed of those")

    def struct_for(self, stmt: ast.For) -> bool:
        """`for c in coils:` over a comprehension of run-time length by its iterables' kinds, bound
        to a name (`coils = [Coil(r, z) for r, z in zip(radii, zs)]`): when those arrays have at
        most MAX_UNROLL_KNOWN rows, known when compiled, the comprehension is unrolled (in the
        environment of the line that built it) and the loop over its items too, as over a list
        literal (its items may be records, which no array holds)."""
        lst = self.env.get(stmt.iter.id) if isinstance(stmt.iter, ast.Name) else None
        if isinstance(lst, DeferredList):
            saved, self.env, self._rows_unrolled = self.env, dict(lst.env), True
            try:
                items = self.comprehension_items(lst.node)
            finally:
                self.env, self._rows_unrolled = saved, False
            if items is not None:
                self.env[stmt.iter.id] = self.mark_list(items)
        return super().struct_for(stmt)

    # -- lowered as a loop
    def comprehension_loop(self, func, node: ast.Call, comp=None, label=None):
        """`sum(f(x) for x in seq)` and its kin over a sequence of run-time length: the for loop.
        `comp` is the comprehension when it is not node's first argument (a DeferredList); `label`
        the call as errors name it, when not `func` (max() of the array NumPy makes of it).

        (Over 80 lines: the statements synthesized for the accumulating and the array-filling
        consumers share the hidden names and the restoring of the comprehension's scope.)"""
        if (func is builtins.max or func is builtins.min) and comp is None and len(node.args) == 1 \
                and not node.keywords:  # max(f(x) for x in xs): of the array NumPy makes of the items
            return self.builtin_fold(func, [self.comprehension_loop(np.array, node)], {}, node)
        kind = _consumer(func)
        own = comp is None
        comp = node.args[0] if own else comp
        called = ast.unparse(node.func) if isinstance(node, ast.Call) else "np.array"  # node: the call, when there is one
        what = {"sum": "sum()", "npsum": "np.sum", "mean": "np.mean", "concat": called,
                "array": called if own else "np.array"}.get(kind) if label is None else label
        if kind == "concat" and (not own or len(node.args) > 1 or node.keywords or len(comp.generators) > 1
                                 or self._item_rank(comp) != 1):  # NumPy's array of the items, then joined
            self.at(node)
            return self.call_value(func, [self.comprehension_loop(np.array, node, comp, what)], {}, node)
        if kind is None:
            raise self.err(UnsupportedSyntaxError, f"{ast.unparse(node.func)}() of a comprehension over a sequence whose "
                           "length is known only when the function runs is not supported", comp, hint=_HINT)
        stack_axis = 0  # np.stack(..., axis=k): the items stacked along axis 0, that axis then moved to k
        if own and func is np.stack and len(node.args) == 1 and [k.arg for k in node.keywords] == ["axis"]:
            stack_axis = self.static(self.expr(node.keywords[0].value), node, "axis")
            if not isinstance(stack_axis, (int, np.integer)):
                raise self.err(AdjitTypeError, "np.stack: axis must be an int", node)
        elif own and (len(node.args) > 1 or node.keywords):
            raise self.err(UnsupportedSyntaxError, f"{what} of a comprehension of run-time length takes no other "
                           "argument here", node, hint=_HINT)
        if kind == "array" and _filtered_or_nested(comp):  # the list its loop builds, then NumPy's array of it
            lst = self.append_loop(comp)
            self.at(node)
            return self._stacked_at(self.value(lst, node), stack_axis, node)
        if kind == "sum" and len(comp.generators) > 1 and not self._items_are_numbers(comp):
            # sum() of a nested comprehension of arrays: Python adds the items the loops make
            return self.builtin_fold(builtins.sum, [self.append_loop(comp)], {}, node)
        self._comps = getattr(self, "_comps", 0) + 1
        tag = f"_comp{self._comps}"
        hidden = {f"{tag}_{k}": v for k, v in (("sum", np.sum), ("zeros", np.zeros), ("enum", enumerate),
                                               ("size", np.size))}
        names = set(hidden) | {tag, f"{tag}_n", f"{tag}_k", f"{tag}_i"} | \
            set().union(*(target_names(g.target) for g in comp.generators))
        saved = {n: self.env.get(n, _MISSING) for n in names}
        saved_stmt = self.stmt

        def at(new):
            return ast.copy_location(new, comp)

        def name(n, ctx=ast.Load):
            return at(ast.Name(id=n, ctx=ctx()))

        try:
            self.env.update(hidden)
            if kind == "concat":
                stmts = self._joined_stmts(comp, tag, at, name)
            elif kind == "array":
                g = comp.generators[0]
                seq = self.loop_sequence(g.iter)
                self.env[f"{tag}_n"] = self.value(self.seq_length(seq, g.iter), g.iter)
                dims, cplx, _ = self._item_dims(comp, seq, what)
                shape = at(ast.Tuple(elts=[name(f"{tag}_n")] + [at(ast.Constant(d)) for d in dims], ctx=ast.Load()))
                store = at(ast.Subscript(value=name(tag), slice=name(f"{tag}_k"), ctx=ast.Store()))
                # complex items: a complex array, filled as its two real parts (complexvals.py)
                kw = [at(ast.keyword(arg="dtype", value=at(ast.Constant("complex128"))))] if cplx else []
                stmts = [at(ast.Assign(targets=[name(tag, ast.Store)],
                                       value=at(ast.Call(func=name(f"{tag}_zeros"), args=[shape], keywords=kw)))),
                         at(ast.For(target=at(ast.Tuple(elts=[name(f"{tag}_k", ast.Store), g.target], ctx=ast.Store())),
                                    iter=at(ast.Call(func=name(f"{tag}_enum"), args=[g.iter], keywords=[])),
                                    body=[at(ast.Assign(targets=[store], value=comp.elt))], orelse=[]))]
            else:
                elt = name(f"{tag}_i") if kind == "mean" else comp.elt  # np.mean: every element of every item
                item = elt if kind == "sum" else at(ast.Call(func=name(f"{tag}_sum"), args=[elt], keywords=[]))
                body = [at(ast.Assign(targets=[name(tag, ast.Store)],
                                      value=at(ast.BinOp(left=name(tag), op=ast.Add(), right=item))))]
                if kind == "mean":  # NumPy divides by the number of elements, not of items
                    body.insert(0, at(ast.Assign(targets=[name(f"{tag}_i", ast.Store)], value=comp.elt)))
                    body.append(at(ast.AugAssign(target=name(f"{tag}_n", ast.Store), op=ast.Add(),
                                                 value=at(ast.Call(func=name(f"{tag}_size"), args=[elt],
                                                                   keywords=[])))))
                for g in reversed(comp.generators):
                    for cond in reversed(g.ifs):
                        body = [at(ast.If(test=cond, body=body, orelse=[]))]
                    body = [at(ast.For(target=g.target, iter=g.iter, body=body, orelse=[]))]
                stmts = [at(ast.Assign(targets=[name(tag, ast.Store)], value=self._sum_start(kind, comp, what, at,
                                                                                              name(f"{tag}_zeros"))))]
                if kind == "mean":
                    stmts.append(at(ast.Assign(targets=[name(f"{tag}_n", ast.Store)], value=at(ast.Constant(0)))))
                stmts += body
            for st in stmts:
                ast.fix_missing_locations(st)
            try:
                self.lower_stmts(stmts)
            except AdjitError as e:
                if tag not in str(e):
                    raise
                raise self.err(AdjitTypeError, f"{what} of a comprehension over a sequence whose length is known only "
                               "when the function runs: its items must be numbers (this one's are arrays, or change "
                               "type)", comp, hint=_HINT) from None
            result = self.env[tag]
            if stack_axis != 0:
                self.at(node)
                result = self._stacked_at(self.value(result, node), stack_axis, node)
            if kind == "mean":
                self.at(node)
                result = self.b.emit("div", [self.value(result, node),
                                             self.b.emit("astype", [self.value(self.env[f"{tag}_n"], node)],
                                                         dtype="float64")])
            return result
        finally:
            self._restore(saved)
            self.stmt = saved_stmt

    def _sum_start(self, kind, comp, what, at, zeros):
        """Where sum(f(x) for x in xs) starts: 0, or, for items that are arrays of one real shape
        (a polynomial's terms c[i] * x ** i), zeros of that shape and dtype (0 + item0 + ... is
        that array, and the loop carries one type)."""
        if kind == "sum" and len(comp.generators) == 1:
            try:
                dims, cplx, dtype = self._item_dims(comp, self.loop_sequence(comp.generators[0].iter), what)
            except AdjitError:
                dims, cplx = (), False
            if dims and not cplx:
                shape = at(ast.Tuple(elts=[at(ast.Constant(d)) for d in dims], ctx=ast.Load()))
                return at(ast.Call(func=zeros, args=[shape], keywords=[at(ast.keyword(
                    arg="dtype", value=at(ast.Constant(dtype))))]))
        return at(ast.Constant(0))

    def _stacked_at(self, result, axis: int, node):
        """The items stacked along axis 0 (`result`), that axis moved to `axis` (np.stack(..., axis=k))."""
        if axis == 0:
            return result
        rank = result.type.rank
        if not -rank <= axis < rank:
            raise self.err(ShapeError, f"np.stack: axis {axis} is out of bounds for array of dimension {rank}", node)
        order = list(range(1, rank))
        order.insert(axis % rank, 0)
        return self.b.emit("transpose", [result], axes=tuple(order))

    def _items_are_numbers(self, comp) -> bool:
        """Whether a comprehension's item, lowered for the first element of every `for` in a scratch
        block that is thrown away, is a number (True too when that cannot be learnt: the caller's
        own path then reports what it meets)."""
        saved_ops, saved_env = self.b.ops, self.env
        self.b.ops, self.env = [], dict(saved_env)
        try:
            for g in comp.generators:
                self.assign(g.target, self.seq_item(self.loop_sequence(g.iter), 0, g.iter), g.target)
            item = self.expr(comp.elt)
            return not (isinstance(item, Value) and item.type.kind == "array")
        except AdjitError:
            return True
        finally:
            self.b.ops, self.env = saved_ops, saved_env

    def _item_rank(self, comp):
        """The rank of the comprehension's first item (lowered in a scratch block), None if unknown."""
        g = comp.generators[0]
        saved_ops, saved_env = self.b.ops, self.env
        self.b.ops, self.env = [], dict(saved_env)
        try:
            self.assign(g.target, self.seq_item(self.loop_sequence(g.iter), 0, g.iter), g.target)
            item = self.expr(comp.elt)
            return item.type.rank if isinstance(item, Value) and item.type.kind == "array" else None
        except AdjitError:
            return None
        finally:
            self.b.ops, self.env = saved_ops, saved_env

    def _joined_stmts(self, comp, tag, at, name) -> list:
        """np.concatenate([f(t) for t in seq]) of 1-D items whose lengths are known only when run
        (`np.concatenate([np.arange(t) for t in time])`): a loop adding up the items' sizes, zeros
        of that length (of the items' dtype, NumPy's result type of one kind), and a loop writing
        each item at its offset (the item computed twice: once for its size)."""
        g = comp.generators[0]
        k, i, n = name(f"{tag}_k"), name(f"{tag}_i"), name(f"{tag}_n")
        size = lambda v: at(ast.Call(func=name(f"{tag}_size"), args=[v], keywords=[]))  # noqa: E731

        def loop(body):
            for cond in reversed(g.ifs):
                body = [at(ast.If(test=cond, body=body, orelse=[]))]
            return at(ast.For(target=g.target, iter=g.iter, body=body, orelse=[]))

        saved_ops, saved_env = self.b.ops, self.env
        self.b.ops, self.env = [], dict(saved_env)
        try:
            self.assign(g.target, self.seq_item(self.loop_sequence(g.iter), 0, g.iter), g.target)
            dtype = self.value(self.expr(comp.elt), comp.elt).type.dtype
        finally:
            self.b.ops, self.env = saved_ops, saved_env
        upto = at(ast.BinOp(left=name(f"{tag}_k"), op=ast.Add(), right=size(i)))
        store = at(ast.Subscript(value=name(tag), slice=at(ast.Slice(lower=k, upper=upto)), ctx=ast.Store()))
        zeros = at(ast.Call(func=name(f"{tag}_zeros"), args=[n], keywords=[at(ast.keyword(
            arg="dtype", value=at(ast.Constant(dtype))))]))
        return [at(ast.Assign(targets=[name(f"{tag}_n", ast.Store)], value=at(ast.Constant(0)))),
                loop([at(ast.AugAssign(target=name(f"{tag}_n", ast.Store), op=ast.Add(), value=size(comp.elt)))]),
                at(ast.Assign(targets=[name(tag, ast.Store)], value=zeros)),
                at(ast.Assign(targets=[name(f"{tag}_k", ast.Store)], value=at(ast.Constant(0)))),
                loop([at(ast.Assign(targets=[name(f"{tag}_i", ast.Store)], value=comp.elt)),
                      at(ast.Assign(targets=[store], value=i)),
                      at(ast.AugAssign(target=name(f"{tag}_k", ast.Store), op=ast.Add(), value=size(i)))])]

    def _item_dims(self, comp, seq, what) -> tuple:
        """The shape of the comprehension's items (and whether they are complex, and their dtype),
        learnt by lowering the item for the first element in a scratch block that is thrown away
        (every item of a NumPy array of them has one shape)."""
        g = comp.generators[0]
        saved_ops, saved_env = self.b.ops, self.env
        self.b.ops, self.env = [], dict(saved_env)
        try:
            self.assign(g.target, self.seq_item(seq, 0, g.iter), g.target)
            item = self.expr(comp.elt)
            cplx = is_complex(item)
            item = self.cx_full(item, comp.elt)[0] if cplx else self.value(item, comp.elt)
        finally:
            self.b.ops, self.env = saved_ops, saved_env
        shape = self.b.aval(item).shape if item.type.kind == "array" else ()
        if item.type.kind not in ("array", "scalar") or any(not isinstance(d, int) for d in shape):
            raise self.err(AdjitTypeError, f"{what} of a comprehension over a sequence whose length is known only when "
                           "the function runs: its items must be numbers or arrays of a shape known when the call is "
                           f"compiled, not {item.type}", comp, hint=_HINT)
        return tuple(shape), cplx, item.type.dtype

    # -- sum, max, min of an iterable
    def builtin_fold(self, func, args, kwargs, node):
        """Python's sum(iterable, start=0), and max/min of one iterable or of several arguments."""
        label = func.__name__
        if func is not builtins.sum and len(args) == 1 and isinstance(args[0], DeferredList) and not kwargs:
            args = [self.deferred(args[0], None, node, f"{label}()")]  # ys = [f(x) for x in xs]; max(ys): of np.array(ys)
        args = [a.array if type(a).__name__ == "BuiltList" else a for a in args]  # lists.py
        if any(isinstance(a, CompileIter) for a in args):  # sum(it): the items left (iterators.py)
            advance_here(self, node, f"{label}()")
            args = [tuple(a.rest()) if isinstance(a, CompileIter) else a for a in args]
        if func is builtins.sum:
            if not 1 <= len(args) <= 2 or set(kwargs) - {"start"}:
                raise self.err(ArgumentError, "sum() takes an iterable and `start`", node)
            items, acc = args[0], (args[1] if len(args) == 2 else kwargs.get("start", 0))
        else:
            if kwargs:
                raise self.err(UnsupportedSyntaxError, f"{label}(): `key` and `default` are not supported", node,
                               hint=f"use np.{label}(...) or np.{'maximum' if label == 'max' else 'minimum'}(a, b)")
            if not args:
                raise self.err(AdjitTypeError, f"{label}() needs at least one argument", node)
            items, acc = (tuple(args) if len(args) > 1 else args[0]), None
        if isinstance(items, Value) and items.type.kind == "array":
            if func is builtins.sum:  # Python adds the rows: the sum over the first axis
                items = (self.b.emit("sum", [items], axis=(0,), keepdims=False),)
            elif items.type.rank == 1:
                return self._python_extreme(label, items)
            else:
                raise self.err(AdjitTypeError, f"{label}() of a {items.type.rank}-d array compares its rows: their "
                               "truth value is ambiguous", node, hint=f"use np.{label}(x) or np.{label}(x, axis=0)")
        if not isinstance(items, tuple):
            raise self.err(AdjitTypeError, f"{label}() needs a list, a tuple or an array, not "
                           f"{items.type if isinstance(items, Value) else type(items).__name__}", node)
        items = tuple(self.struct_read(x, node) for x in items)  # a dict item in a slot (d.values()): its value
        if func is not builtins.sum and not items:
            raise self.err(AdjitTypeError, f"{label}() of an empty sequence", node)
        prim = {"sum": "add", "max": "maximum", "min": "minimum"}[label]
        for x in items:
            if acc is None:
                acc = x
            elif _is_number(acc) and _is_number(x):
                acc = {"add": lambda a, b: a + b, "maximum": max, "minimum": min}[prim](acc, x)
            elif prim == "add":
                self.at(node)
                acc = self.b.emit(prim, [self.value(acc, node), self.value(x, node)])
            else:  # Python's max keeps acc unless x > acc (min: x < acc): a NaN never replaces acc, nor is replaced
                self.at(node)
                acc, x = self.value(acc, node), self.value(x, node)
                acc = self.b.emit("where", [self.b.emit("gt" if label == "max" else "lt", [x, acc]), x, acc])
        return acc

    def _python_extreme(self, label, x):
        """Python's max/min of a 1-D array: NumPy's reduction where no NaN is met, as Python compares
        (`v > m`, never true with a NaN): a NaN first element is the answer, a later NaN is skipped."""
        out = self.b.emit(label, [x], axis=(0,), keepdims=False)
        if x.type.dtype not in ("float32", "float64"):
            return out
        nan = self.b.emit("ne", [x, x])
        fill = self.b.const(-math.inf if label == "max" else math.inf)
        out = self.b.emit(label, [self.b.emit("where", [nan, fill, x])], axis=(0,), keepdims=False)
        first = self.b.emit("getitem", [x, self.b.const(0)], index=(("int", 1),))
        return self.b.emit("where", [self.b.emit("ne", [first, first]), first, out])

