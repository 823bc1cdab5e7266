"""Statements NumPy runs for the compiled code: a call adjit has no rule for, on data that is not
differentiated, runs as NumPy runs it, before the compiled code, and hands it the result.

`perm = np.random.default_rng(seed).permutation(n)`, `edges = np.unique(np.sort(edges, axis=1),
axis=0)`, `np.random.seed(0)`: a top-level statement that calls a function adjit does not lower
(no primitive, no form; a library function, or a method of a value such a call made) is planned
here, at decoration, from the AST alone. It is *hoisted* when everything it reads can be computed
by NumPy from the arguments before the compiled code runs: the arguments themselves, globals, and
the names earlier top-level statements bind from those (its *closure*, computed again by the
prologue). The prologue (a Python function made from the user's own statements, compiled at the
user's file and lines) runs them on every call; the compiled function takes the value each hoisted
statement binds as an extra parameter (`host_<name>`), and the statement itself becomes
`name = host_<name>` at its place, so that everything before and after it keeps its meaning.

Exactness: a hoisted value carries no derivative, so a statement that reads the value (not only
the shape: `.shape`, `.ndim`, `.size`, `len()`) of a differentiated argument, directly or through
earlier lines (rebinding it, or writing it into an array, a view or an alias), is never hoisted.
Statements are not hoisted (the usual located error remains) where another statement before them
may change what they read (an in-place write, a mutating method, a call that may write its
argument), where they read a name bound inside a loop or branch, or where they would change an
argument in place.
"""
from __future__ import annotations

import ast
import builtins
import collections
import copy
import types
from dataclasses import dataclass, replace

import numpy as np

from ..errors import AdjitError, AdjitTypeError
from .scopes import _comprehension_locals

_SHAPE_ATTRS = frozenset({"shape", "ndim", "size", "dtype"})
# builtins the lowerer handles itself (expressions.call, comprehensions, iteration), besides the
# primitives' and forms' sources
# (print too: it stays an error, since what it prints would be computed again outside the compiled code)
_KNOWN_BUILTINS = frozenset({builtins.sum, builtins.max, builtins.min, tuple, list, int, round, float, range,
                             enumerate, zip, reversed, abs, len, bool, isinstance, np.float64, np.float32, print, set, frozenset,
                             getattr, hasattr, next, iter})
_MUTATING_METHODS = frozenset({"sort", "fill", "resize", "put", "partition", "shuffle", "append", "extend", "insert",
                               "pop", "remove", "clear", "update", "add", "discard", "setflags", "itemset",
                               "reverse", "__setitem__", "__iadd__"})
# a generator's draws, which no array has (rng.normal(size=3) of a np.random.Generator argument)
_DRAWS = frozenset(m for m in set(dir(np.random.Generator)) | set(dir(np.random.RandomState))
                   if not m.startswith("_")) - set(dir(np.ndarray))
def draw_params(node, params) -> set:
    """The parameters whose draws the function makes (rng.normal(size=3)): generator arguments."""
    return {n.func.value.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id in params and n.func.attr in _DRAWS}


_INPLACE_FUNCS = ("fill_diagonal", "copyto", "put", "place", "putmask", "put_along_axis", "shuffle", "at")


@dataclass
class HostPlan:
    """What runs before the compiled code: `run(values)` -> the extra arguments (in `hidden`
    order); `kernel` is the function the compiler lowers (hoisted statements replaced, parameters
    added)."""

    kernel: object  # ParsedFunction
    hidden: list  # the compiled function's extra parameters
    prologue: object  # the user's statements as a Python function of the parameters
    checks: list  # per extra parameter: (statement loc, what it calls, depends on a differentiated value)

    def run(self, values: tuple) -> tuple:
        out = list(self.prologue(*values))
        for k, (x, (loc, written, name)) in enumerate(zip(out, self.checks)):
            if name == _ITER and isinstance(x, (list, tuple)) and x and all(
                    isinstance(e, (bool, int, float, np.generic)) for e in x):
                out[k] = x = np.asarray(x)  # a loop over a list of numbers (sorted(set(...))): over its array
            elif name.startswith(_LIST) and isinstance(x, (list, tuple, types.GeneratorType)):
                x = list(x)  # a lifted comprehension's items: their array (the kernel reads list(...) of it)
                if x and all(isinstance(e, (bool, int, float, np.generic, np.ndarray)) for e in x) and \
                        len({np.shape(e) for e in x}) == 1:
                    out[k] = x = np.asarray(x)
            _check_value(x, loc, written, name)
        return tuple(out)


def _check_value(x, loc, written, name) -> None:
    """A hoisted value must be an array or a number of a kind the compiled code takes."""
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in "biuf" or isinstance(x, (bool, int, float)):
        return
    if _table(x):  # counts in a dict or Counter (by str or tuple keys): a dict argument's leaves (jit/compiled.py)
        return
    if isinstance(x, (np.random.Generator, np.random.RandomState)):
        raise AdjitTypeError(
            f"'{name}' is a random generator, and the compiled code draws from it where NumPy cannot make the draws "
            "before it: under an `if`, in a `while` loop or a loop with break/continue, or with arguments the "
            "loop computes (adjit makes every draw with NumPy before the compiled code, in Python's order)", loc,
            hint=f"draw them all before the loop, e.g. E = {name}.normal(size=(n, 3)), and read E[i] in it")
    raise AdjitTypeError(
        f"'{name}' is a {type(x).__name__}, made by `{written}` (run by NumPy before the compiled code), and "
        "the compiled code reads it: it takes arrays and numbers", loc,
        hint="compute what the compiled code needs from it on the same line (an array of numbers), e.g. "
             "np.asarray(...)")


def _table(x, depth: int = 0) -> bool:
    """A dict (a Counter, an OrderedDict) of numbers, numeric arrays or lists of str and numbers by str, number
    or tuple keys, nested at most twice: the compiled code takes it as a dict argument (its keys known when
    compiled, its numbers read on every call)."""
    if type(x) not in (dict, collections.Counter, collections.OrderedDict) or depth > 2:
        return False
    return all(isinstance(k, (str, int, tuple)) and (
        isinstance(v, (bool, int, float)) or isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind in "biuf"
        or type(v) in (list, tuple) and all(isinstance(e, (str, bool, int, float)) for e in v)  # a vocabulary
        or _table(v, depth + 1)) for k, v in x.items())


# ------------------------------------------------------------------------------------ analysis

def _names_loaded(node) -> tuple[set, set]:
    """(names read for their values, names read only for their shapes) in `node`."""
    values, shapes = set(), set()
    skip = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in _SHAPE_ATTRS and isinstance(n.value, ast.Name):
            skip.add(id(n.value))
            shapes.add(n.value.id)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1 \
                and isinstance(n.args[0], ast.Name):
            skip.add(id(n.args[0]))
            shapes.add(n.args[0].id)
    local = _comprehension_locals(node)  # `t` of [rng.normal(loc=t) for t in range(3)] is the comprehension's
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in skip and id(n) not in local:
            values.add(n.id)
    shapes = {n for n in shapes if any(isinstance(m, ast.Name) and m.id == n and id(m) not in local
                                       for m in ast.walk(node))}
    return values, shapes - values


def _bound(stmt) -> set:
    """Names a statement binds (rebinding, not writes into)."""
    out = set()
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    for t in targets:
        if t is None:
            continue
        for n in ast.walk(t):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)
    if isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.FunctionDef)):
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)
        if isinstance(stmt, ast.FunctionDef):
            out.add(stmt.name)
    return out


# NumPy's functions that may hand back their first argument itself or a view of it (np.asarray(x) is x)
_VIEW_FUNCS = frozenset({"asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "atleast_1d", "atleast_2d",
                         "atleast_3d", "expand_dims", "moveaxis", "rollaxis", "flip", "fliplr", "flipud", "rot90",
                         "real", "imag", "broadcast_to", "broadcast_arrays", "split", "array_split", "hsplit",
                         "vsplit", "dsplit", "matrix_transpose", "permute_dims", "unstack", "sliding_window_view",
                         "as_strided"})
_VIEW_METHODS = ("reshape", "ravel", "transpose", "view", "swapaxes", "squeeze", "diagonal")  # also np.<name>(x)


def _view_root(node):
    """The name `node` may share memory with: a name, its slices and views (`x[1:]`, `x.T`,
    `x.reshape(...)`, `np.asarray(x)`, `np.reshape(x, s)`); None for anything else (shapes, results
    of other calls)."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript) or (isinstance(node, ast.Attribute) and node.attr in ("T", "mT", "real", "imag")):
            node = node.value
        elif isinstance(node, ast.Call) and node.args and (
                isinstance(node.func, ast.Name) and (node.func.id in _VIEW_FUNCS or node.func.id in _VIEW_METHODS)
                or isinstance(node.func, ast.Attribute) and (node.func.attr in _VIEW_FUNCS or node.func.attr in
                                                             _VIEW_METHODS and isinstance(node.func.value, ast.Name)
                                                             and node.func.value.id in ("np", "numpy"))):
            node = node.args[0]  # np.asarray(x), np.reshape(x, s), asarray(x): x or a view of it
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _VIEW_METHODS:
            node = node.func.value
        else:
            return None


def _root(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Resolver:
    """Names to objects as the lowerer would find them: closure cells, globals, builtins."""

    def __init__(self, fn, local: set, node=None):
        self.globals = fn.__globals__
        self.generators = set()  # names bound to np.random.default_rng(...), RandomState(...) in `node`
        self.cells = {}
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
            try:
                self.cells[name] = cell.cell_contents
            except ValueError:
                pass
        self.local = local
        # names bound only to dict displays with constant keys: sorted() of one is the lowerer's (its keys known)
        binds: dict = {}
        for n in ast.walk(node) if node is not None else ():
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, (ast.AugAssign, ast.For))
                      else []):
                for m in ast.walk(t):
                    if isinstance(m, ast.Name):
                        binds.setdefault(m.id, []).append(n.value if isinstance(n, ast.Assign) and t is m else None)
        self.displays = {k for k, vs in binds.items() if all(
            isinstance(v, ast.Dict) and all(isinstance(key, ast.Constant) for key in v.keys) for v in vs)}
        makers = (np.random.default_rng, np.random.RandomState, np.random.Generator)
        for n in ast.walk(node) if node is not None else ():
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and \
                    isinstance(n.value, ast.Call) and any(self.resolve(n.value.func) is m for m in makers):
                self.generators.add(n.targets[0].id)

    def resolve(self, node):
        """The object `node` (a name or a dotted name) stands for; None when it is local or unknown."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id in self.local:
            return None
        for space in (self.cells, self.globals, vars(builtins)):
            if node.id in space:
                obj = space[node.id]
                break
        else:
            return None
        for p in reversed(parts):
            obj = getattr(obj, p, None)
            if obj is None:
                return None
        return obj


def _lowerable(obj, depth: int = 0) -> bool:
    """Whether the lowerer has a rule for a call of `obj` (mirrors expressions.call's dispatch)."""
    from .expressions import _is_comb, _library, _sources
    from .forms import FUNCTIONS

    if any(obj is f for f in (np.nonzero, np.flatnonzero, np.argwhere)):
        return False  # index arrays of data-dependent length: NumPy's, before the call, on data (else masks.py)
    if any(obj is f for f in (np.unique, np.setdiff1d, np.intersect1d, np.union1d)):
        return False  # likewise (and np.unique's axis=): NumPy's on data, else forms/setops.py
    if obj is np.random.RandomState or obj is np.random.Generator:
        return False  # the legacy generator (RandomState(seed).choice(...)): NumPy's draws, as default_rng's
    if obj is None or isinstance(obj, type) and obj not in _KNOWN_BUILTINS and not issubclass(obj, np.generic):
        return True  # unknown names, classes (NamedTuple constructors...): the lowerer's to report
    if any(obj is b for b in _KNOWN_BUILTINS) or id(obj) in _sources() or id(obj) in FUNCTIONS():
        return True
    from .fft import is_fft

    if is_fft(obj):
        return True  # np.fft (fft.py): its complex result could not be handed to the compiled code
    from .complexcalls import _EXPANDED, _get

    if _get(_EXPANDED, obj) is not None:  # np.conj, np.angle, np.real, np.vdot, ...: complexcalls.py expands them
        return True
    if any(getattr(obj, a, None) is not None for a in ("__adjit_custom__", "__adjit_transform__", "__adjit_primitive__")):
        return True
    if any(obj is f for f in (np.triu_indices, np.tril_indices, np.fill_diagonal, np.copyto)) or _is_comb(obj) or \
            isinstance(getattr(obj, "__self__", None), np.ufunc):
        return True
    owner = getattr(obj, "__self__", None)
    if type(owner) is dict and getattr(obj, "__name__", "") in ("items", "keys", "values"):
        return True  # a global dict's loop: structures.py
    if owner is not None and type(owner).__module__.startswith("scipy.stats"):
        return getattr(obj, "__name__", "") not in ("rvs", "fit")  # norm.cdf: forms/distributions.py decides
    if type(obj).__module__.startswith("scipy.stats") and (hasattr(obj, "logpdf") or hasattr(obj, "logpmf")):
        return True  # a distribution called to freeze it (norm(0, 1)): forms/distributions.py
    if isinstance(obj, types.FunctionType) and not _library(obj):
        return depth >= 3 or not _calls_unknown_in(obj, depth + 1)
    return False


def _calls_unknown_in(fn, depth: int) -> bool:
    """Whether a user helper (inlined by the lowerer) calls a library function adjit has no rule for."""
    from .hostlift import _helper_source

    node = _helper_source(fn)
    if node is None:
        return False
    local = {a.arg for a in node.args.args + node.args.kwonlyargs}
    for s in ast.walk(node):
        if isinstance(s, (ast.Name,)) and isinstance(s.ctx, ast.Store):
            local.add(s.id)
    return _unknown_call(node, _Resolver(fn, local, node), local, depth) is not None


def _unknown_call(stmt, res: _Resolver, local: set, depth: int = 0, params=()):
    """The first call in `stmt` adjit has no rule for (its text), or None."""
    from ..primitives import METHODS

    for n in ast.walk(stmt):
        if not isinstance(n, ast.Call):
            continue
        f = n.func
        root = _root(f)
        if isinstance(f, ast.Attribute) and root in local:  # a method of a local value
            if f.attr not in METHODS and f.attr not in ("copy", "clip", "item", "append", "reshape", "astype", "T",
                                                        "transpose", "items", "keys", "values", "pop", "insert",
                                                        "extend", "remove", "reverse", "clear", "index", "count") \
                    and isinstance(f.value, ast.Name) \
                    and (f.value.id not in params or f.attr in _DRAWS):  # a parameter's methods (a bound method's
                # self): the lowerer's; a generator argument's draws (rng.standard_normal(3)): NumPy's
                return ast.unparse(f)
            continue
        if root is None or root in local:
            continue
        if res.resolve(f) is builtins.sorted and not any(
                isinstance(a, ast.Name) and (a.id in local and a.id not in getattr(res, "displays", ()) or a.id in params)
                for arg in n.args for a in ast.walk(arg)):
            continue  # sorted() of values known when compiled (a global or local dict's keys): the lowerer's, unrolled
        if res.resolve(f) is builtins.sorted and len(n.args) == 1 and isinstance(n.args[0], ast.Call) \
                and isinstance(n.args[0].func, ast.Attribute) and n.args[0].func.attr in ("items", "keys") \
                and not n.args[0].args and isinstance(n.args[0].func.value, ast.Name):
            continue  # sorted(d.items()) of a dict argument: its keys are known when compiled (the lowerer's)
        if not _lowerable(res.resolve(f), depth):
            return ast.unparse(f)
    return None


def _shape_read(node) -> bool:
    """`x.shape`, `x.shape[0]`, `x.ndim`, `x.size`, `len(x)`: a number or tuple read from x, not x."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr in _SHAPE_ATTRS
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _may_mutate(stmt, name: str, res: _Resolver, depth: int = 0) -> bool:
    """Whether `stmt` may write into the array (or object) `name` is bound to. A helper of the
    user's it is passed to is read (_helper_may_mutate); any other call may write it."""
    from .expressions import _library, _sources

    if name not in res.local and isinstance(res.resolve(ast.Name(name, ast.Load())), types.ModuleType):
        return False  # `np.add(a, b)` is no set's .add: a module is not data a statement writes into
    for n in ast.walk(stmt):
        if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store) and _root(n) == name:
            return True
        if isinstance(n, ast.AugAssign) and _root(n.target) == name:
            return True  # `x += v` of an array is in place too (NumPy's __iadd__), not only `x[i] += v`
        if isinstance(n, ast.Call):
            f = n.func
            if isinstance(f, ast.Attribute) and _root(f.value) == name and f.attr in _MUTATING_METHODS:
                return True
            passed = any(_root(a) == name and not _shape_read(a) for a in list(n.args) + [k.value for k in n.keywords])
            if passed and isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and \
                    f.value.id in res.generators and f.attr not in ("shuffle", "permuted"):
                continue  # rng.uniform(size=n), rng.choice(a, 3): a generator's draws read their arguments
            if passed:
                if any(k.arg == "out" for k in n.keywords):
                    return True  # np.exp(f, out=L)
                obj = res.resolve(f)
                if isinstance(obj, types.FunctionType) and not _library(obj) and id(obj) not in _sources():
                    from .hostlift import _helper_may_mutate

                    if _helper_may_mutate(obj, n, name, depth):
                        return True
                elif obj is None or getattr(obj, "__name__", "") in _INPLACE_FUNCS:
                    if not any(obj is b for b in _KNOWN_BUILTINS):
                        return True
    return False


# ------------------------------------------------------------------------------------ planning

def plan(parsed, differentiated: set):
    """The HostPlan for `parsed` (a ParsedFunction) when some top-level statements are hoisted;
    None when none is. differentiated: the parameter names whose values carry derivatives."""
    body = parsed.node.body
    params = list(parsed.param_names)
    local = set(params)
    for n in ast.walk(parsed.node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            local.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.Lambda)) and n is not parsed.node:
            local.add(getattr(n, "name", ""))
    res = _Resolver(parsed.fn, local, parsed.node)
    res.generators |= draw_params(parsed.node, params)
    from .hostlift import _lift_method_calls

    lifted = _lift_method_calls(parsed, res, local, params, differentiated)
    if lifted is not parsed:
        parsed, body = lifted, lifted.node.body
        local |= {n.id for st in body for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        res = _Resolver(parsed.fn, local, parsed.node)
        res.generators |= draw_params(parsed.node, params)
    # a top-level loop's iterable (`for t in np.unique(times):`) is analysed as the statement
    # `host_iter = <iterable>` at the loop's place
    body = list(body)
    loops = {}
    for k, stmt in enumerate(body):
        if isinstance(stmt, ast.For) and _unknown_call(stmt.iter, res, local, 0, set(params)) is not None:
            loops[k] = stmt
            body[k] = ast.copy_location(ast.Assign(targets=[ast.Name(_ITER, ast.Store())], value=stmt.iter), stmt)
    # a statement after one that may return (`if ...: return v`) may not run at all in NumPy: it is
    # never run before the compiled code (a LinAlgError NumPy would not raise)
    exits = [j for j, st in enumerate(body) if any(isinstance(n, ast.Return) for n in ast.walk(st))]
    first_exit = exits[0] if exits else len(body)
    candidates = []
    for k, stmt in enumerate(body):
        if k > first_exit:
            break
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)) and not (
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            written = _unknown_call(stmt, res, local, 0, set(params))
            if written is not None:
                candidates.append((k, written))
    if not candidates:
        return None
    hoisted: dict = {}  # statement index -> what it calls
    closure: set = set()
    for k, written in candidates:
        need = _closure(body, k, params, res)
        if need is None or _tainted(body, need, differentiated, local)[k]:
            continue  # (a value computed from a differentiated one: the lowerer's located error)
        from .hostlift import shares_with_later_writes

        if shares_with_later_writes(body, k, res):
            continue  # a view written through after it (r = A.ravel(); r[1] = v): the compiled code's
        hoisted[k] = written
        closure |= need
    for k in loops:  # a loop whose iterable is not hoisted: analysed as the loop it is
        if k not in hoisted:
            body[k] = loops[k]
    if not hoisted:
        return None
    return _build(parsed, body, hoisted, closure, local)


_ITER = "host_iter"  # the name a hoisted loop iterable is analysed under
_LIST = "_host_list"  # the names of lifted comprehensions (_lift_method_calls)


def _closure(body, k, params, res):
    """The statements before k that the prologue must run again for statement k (with k), or
    None when k cannot run before the compiled code."""
    # where each name read is bound: the last top-level statement before k binding it
    need = {k}
    todo = [k]
    while True:
        while todo:
            j = todo.pop()
            values, shapes = _names_loaded(body[j])
            if isinstance(body[j], ast.AugAssign) and isinstance(body[j].target, ast.Name):
                values.add(body[j].target.id)
            for name in values | shapes:
                src = next((i for i in range(j - 1, -1, -1) if name in _bound(body[i])), None)
                if src is None:
                    if name in params or name not in res.local:
                        continue  # an argument, or a global
                    return None  # read before it is bound
                if not isinstance(body[src], (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    return None  # bound in a loop, a branch, a def
                if src not in need:
                    need.add(src)
                    todo.append(src)
        # a statement before k that may write into what the closure reads (or into a view of it)
        # joins the closure when it is a plain statement; else k stays in the compiled code
        names = set()
        for j in need:
            v, sh = _names_loaded(body[j])
            names |= _bound(body[j]) | v | sh
        aliases = set(names)
        for i in range(k):
            s = body[i]
            if i not in need and isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None \
                    and _view_root(s.value) in aliases:
                aliases |= _bound(s)
        writers = [i for i in range(k) if i not in need and any(_may_mutate(body[i], a, res) for a in aliases)]
        if not writers:
            break
        for i in writers:
            if not isinstance(body[i], (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
                return None
            need.add(i)
            todo.append(i)
    owned = set(params)  # the arguments and the names the closure binds to them or their views
    for j in sorted(need):  # (never dropped on a rebinding: np.asarray(x), np.atleast_1d(x) are x itself)
        s = body[j]
        if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None and _view_root(s.value) in owned:
            owned |= _bound(s)
    if any(_may_mutate(body[j], p, res) for j in need for p in owned):
        return None  # NumPy would change the caller's array (x[0] = v, x += v, a method, a helper)
    return need


def _tainted(body, closure: set, differentiated: set, local: set) -> dict:
    """Per statement of the closure: whether it reads the value (not only the shape) of a
    differentiated argument, directly or through the closure's names."""
    tainted = set(differentiated)
    taint_of = {}
    groups: dict = {}  # name -> the names sharing its memory (a = b, views), as far as the closure binds them
    for j in sorted(closure):
        st = body[j]
        values, _ = _names_loaded(st)
        if isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name):
            values.add(st.target.id)
        taint_of[j] = bool(values & tainted)
        if taint_of[j]:
            # everything the statement binds, and everything it may write into (`L[0, :] = fec`,
            # np.copyto(L, fec), a method of L), with every name sharing that memory
            hit = _bound(st) | (_written_into(st) & local)  # (never a module: np.exp(...) writes nothing)
            for name in list(hit):
                hit |= groups.get(name, set())
            tainted |= hit
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:
            src = _view_root(st.value)
            if src is not None:
                group = groups.get(src, {src}) | _bound(st)
                for name in group:
                    groups[name] = group
    return taint_of


def _written_into(stmt) -> set:
    """Names whose arrays `stmt` may write into: the roots of its subscript and attribute stores,
    the receivers of the methods it calls, the names it passes to calls (conservatively)."""
    out = set()
    for n in ast.walk(stmt):
        if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            out.add(_root(n))
        elif isinstance(n, ast.AugAssign):
            out.add(_root(n.target))
        elif isinstance(n, ast.Call):
            if isinstance(n.func, ast.Attribute):
                out.add(_root(n.func.value))
            out |= {_view_root(a) for a in list(n.args) + [k.value for k in n.keywords]}
    return out - {None}


def _build(parsed, body, hoisted: dict, closure: set, local: set):
    params = list(parsed.param_names)
    res = _Resolver(parsed.fn, local, parsed.node)
    rest = [i for i in range(len(body)) if i not in hoisted]
    read_later = set()
    for i in rest:
        v, s = _names_loaded(body[i])
        read_later |= v | s
        if isinstance(body[i], ast.AugAssign) and isinstance(body[i].target, ast.Name):
            read_later.add(body[i].target.id)
    taken = set(local) | set(params)
    hidden, checks, snaps, replaced = [], [], {}, {}
    for k in sorted(hoisted):
        outs = sorted(n for n in _bound(body[k]) | {a for a in local if _may_mutate(body[k], a, res)}
                      if n in read_later or n == _ITER)
        names = []
        for n in outs:
            h = f"host_{n}" if n != _ITER else _ITER
            while h in taken:
                h += "_"
            taken.add(h)
            names.append((n, h))
            hidden.append(h)
            checks.append((parsed.loc(body[k], body[k]), hoisted[k], n))
        snaps[k] = names
        replaced[k] = names
    prologue = _prologue(parsed, body, closure, snaps, res)
    kernel = _kernel(parsed, body, replaced)
    return HostPlan(kernel, hidden, prologue, checks)


def _prologue(parsed, body, closure: set, snaps: dict, res):
    """The closure's statements as `def __adjit_host(<params>): ...; return (<snapshots>)`,
    compiled at the user's file and lines, with the user's globals and closure cells."""
    stmts = []
    out = []
    order = sorted(closure)
    for i, k in enumerate(order):
        stmts.append(copy.deepcopy(body[k]))
        for n, h in snaps.get(k, ()):
            value = ast.Name(n, ast.Load())
            if any(_may_mutate(body[j], n, res) for j in order[i + 1:]):  # written later: this value, copied
                value = ast.Call(ast.Attribute(ast.Call(ast.Name("__import__", ast.Load()), [ast.Constant("copy")], []),
                                               "copy", ast.Load()), [value], [])
            stmts.append(ast.Assign(targets=[ast.Name(h, ast.Store())], value=value))
            out.append(h)
    ret = ast.Return(value=ast.Tuple([ast.Name(h, ast.Load()) for h in out], ast.Load()))
    args = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in parsed.param_names], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    inner = ast.FunctionDef("__adjit_host", args, stmts + [ret], [], None, None)
    free = [n for n in parsed.fn.__code__.co_freevars]
    outer = ast.FunctionDef("__adjit_host_factory", ast.arguments(
        posonlyargs=[], args=[ast.arg(n) for n in free], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), [inner, ast.Return(ast.Name("__adjit_host", ast.Load()))], [], None, None)
    module = ast.Module([outer], [])
    for node in (outer, inner, ret, *stmts):
        if not hasattr(node, "lineno"):
            ast.copy_location(node, parsed.node)
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, parsed.firstline - 1)  # the user's lines: tracebacks point into their file
    code = compile(module, parsed.filename, "exec")
    factory = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner_code = next(c for c in factory.co_consts if isinstance(c, types.CodeType))
    cells = dict(zip(parsed.fn.__code__.co_freevars, parsed.fn.__closure__ or ()))
    closure_cells = tuple(cells[n] for n in inner_code.co_freevars)
    return types.FunctionType(inner_code, parsed.fn.__globals__, "__adjit_host", None, closure_cells)


def _kernel(parsed, body, replaced: dict):
    """`parsed` with each hoisted statement replaced by `name = host_name` and the parameters."""
    node = copy.deepcopy(parsed.node)
    new_body = []
    for k, stmt in enumerate(node.body):
        if k not in replaced:
            new_body.append(stmt)
            continue
        names = replaced[k]
        if isinstance(stmt, ast.For):  # its iterable, computed by NumPy
            stmt.iter = ast.copy_location(ast.Name(names[0][1], ast.Load()), stmt.iter)
            new_body.append(stmt)
            continue
        if not names:
            new_body.append(ast.copy_location(ast.Pass(), stmt))
        for n, h in names:
            a = ast.Assign(targets=[ast.Name(n, ast.Store())], value=ast.Name(h, ast.Load()))
            for x in ast.walk(a):
                ast.copy_location(x, stmt)
                x.end_lineno, x.end_col_offset = stmt.end_lineno, stmt.end_col_offset
            new_body.append(a)
    node.body = new_body
    hidden = [h for k in sorted(replaced) for _, h in replaced[k]]
    node.args.args = node.args.args + [ast.copy_location(ast.arg(h), node) for h in hidden]
    return replace(parsed, node=node, param_names=list(parsed.param_names) + hidden, _stmt_texts={})


def plan_or_none(parsed, differentiated: set):
    """plan(), never failing on a program it cannot analyse (the lowerer reports what it finds)."""
    try:
        return plan(parsed, differentiated)
    except AdjitError:
        raise
    except Exception:  # noqa: BLE001 - an analysis gap is not the user's error: lower as before
        return None
