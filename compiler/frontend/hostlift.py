"""host.py's reach into the user's helpers: which arguments a helper may write into (so that a
line passing it an argument can still run before the compiled code), and the calls lifted out of a
top-level line to run there (a generator's draws, a helper that draws numbers, a comprehension of
draws, the data part of a line around a NumPy/SciPy call adjit has no rule for), in Python's order."""
from __future__ import annotations

import ast
import copy
import inspect
import textwrap
import types
from dataclasses import replace

from .host import _LIST, _Resolver, _lowerable, _may_mutate, _root, _shape_read, _unknown_call, _view_root


def _helper_source(fn):
    """A user helper's FunctionDef, or None when its source cannot be read."""
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(fn.__code__))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    return node if isinstance(node, ast.FunctionDef) else None


def _helper_may_mutate(fn, call: ast.Call, name: str, depth: int) -> bool:
    """Whether the user helper `fn`, called by `call` with `name` (or a view of it) among its
    arguments, may write into it: its parameters that receive it, and every name bound to a view
    of those, are never written into, passed to a call that may write them, or returned (the
    caller would then hold the same array under another name). Conservative: True when unsure."""
    node = _helper_source(fn) if depth < 3 else None
    if node is None or node.args.vararg is not None or node.args.kwarg is not None:
        return True
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    hit = set()
    for i, a in enumerate(call.args):
        if isinstance(a, ast.Starred):
            return True
        if _view_root(a) == name or _root(a) == name and not _shape_read(a):
            if i >= len(params):
                return True
            hit.add(params[i])
    for k in call.keywords:
        if k.arg is None:
            return True
        if _view_root(k.value) == name or _root(k.value) == name and not _shape_read(k.value):
            hit.add(k.arg)
    if not hit:
        return False
    local = set(params) | {a.arg for a in node.args.kwonlyargs} | \
        {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if any(isinstance(n, (ast.Global, ast.Nonlocal, ast.FunctionDef, ast.Lambda)) and n is not node
           for n in ast.walk(node)):
        return True  # a closure or a global statement: not followed
    aliases, grown = set(hit), True
    while grown:  # the names bound to views of the argument (b = a[1:], for row in a:)
        grown = False
        for n in ast.walk(node):
            src = n.value if isinstance(n, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) else \
                n.iter if isinstance(n, (ast.For, ast.comprehension)) else None
            if src is not None and _view_root(src) in aliases:
                new = {m.id for m in ast.walk(n.target if not isinstance(n, ast.Assign) else ast.Tuple(n.targets))
                       if isinstance(m, ast.Name)} - aliases
                if new:
                    aliases |= new
                    grown = True
    for n in ast.walk(node):
        if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)) and n.value is not None:
            parts = n.value.elts if isinstance(n.value, (ast.Tuple, ast.List)) else [n.value]
            if any(_view_root(p) in aliases for p in parts):
                return True
    hres = _Resolver(fn, local, node)
    return any(_may_mutate(st, a, hres, depth + 1) for st in node.body for a in aliases)


_CONDITIONAL = (ast.Lambda, ast.IfExp, ast.BoolOp, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp,
                ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)  # what may run only sometimes, or later


def _unknown_library_call(obj) -> bool:
    """A NumPy or SciPy function adjit has no rule for (np.linalg.eigvals): the largest expression
    around it that reads only data (data_expr) is lifted out of its line, so that it runs before
    the compiled code even inside a line that reads differentiated values (else the lowerer's
    located error, at the same place)."""
    import numpy as np

    if obj is None or isinstance(obj, type) or any(obj is f for f in (np.nonzero, np.flatnonzero, np.argwhere)):
        return False
    module = getattr(obj, "__module__", None) or ""
    if "random" in module or "random" in type(getattr(obj, "__self__", None)).__module__:
        return False  # draws (np.random.rand, a generator's methods): the line's own, as before
    return module.split(".")[0] in ("numpy", "scipy") and callable(obj) and not _lowerable(obj)


def _libcall(n, res) -> bool:
    return isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute)) and \
        _unknown_library_call(res.resolve(n.func))


def _data_expr(e, res, data) -> bool:
    """An expression around a NumPy/SciPy call adjit has no rule for that reads nothing but what
    that call reads, globals and `data` (names of arguments not differentiated), calling only
    NumPy/SciPy/builtins (and methods of what those make): `np.max(np.abs(np.linalg.eigvals(W)))`,
    lifted whole."""
    if not isinstance(e, ast.expr) or isinstance(e, (ast.Name, ast.Constant, ast.Starred, ast.Slice)):
        return False
    calls = []
    for c in ast.walk(e):
        if isinstance(c, _CONDITIONAL):
            return False
        if not isinstance(c, ast.Call):
            continue
        if _libcall(c, res):
            calls.append(c)
            continue
        obj = res.resolve(c.func) if isinstance(c.func, (ast.Name, ast.Attribute)) else None
        if obj is None and not (isinstance(c.func, ast.Attribute) and any(_libcall(k, res) for k in ast.walk(c.func.value))):
            return False
        if obj is not None and (getattr(obj, "__module__", None) or "").split(".")[0] not in ("numpy", "scipy") \
                and not any(obj is b for b in (abs, max, min, float, int, len, sum, round)):
            return False
    inner = {n.id for c in calls for n in ast.walk(c) if isinstance(n, ast.Name)} | data
    return bool(calls) and all(n.id in inner or n.id not in res.local for n in ast.walk(e) if isinstance(n, ast.Name))


def _lift_method_calls(parsed, res: "_Resolver", local: set, params, differentiated=None):
    """`return np.sum(x * rng.uniform(size=3))` after `rng = np.random.default_rng(11)`: a method
    call on a name an earlier top-level line bound from a call adjit has no rule for (a generator,
    a fitted object), or a call of a helper of the user's that calls one (`x * noise(3)`), is lifted
    out of its statement into `_host_call<k> = rng.uniform(size=3)` just before it, in Python's
    order, so that it can be hoisted like any such line; a comprehension that makes such calls is
    lifted whole (each of its draws made); one under `if`/`and`/`or`/lambda is left where it is
    (it may not run). An expression around a NumPy/SciPy call adjit has no rule for that reads only
    data is lifted whole (_data_expr) when the line as a whole cannot run before the compiled code.
    The parsed function unchanged when there is none.

    (Over 80 lines: the transformer's cases share the line's lifted statements and their count.)"""
    from .expressions import _library

    from .host import draw_params

    bound_unknown: set = draw_params(parsed.node, params)  # a generator argument's draws too
    body, changed, count = [], False, 0
    data = set(params) - set(differentiated if differentiated is not None else params)
    for stmt in parsed.node.body:
        lifted = []

        def draws(n) -> bool:  # a call NumPy must make here: a helper drawing numbers, a generator's method,
            f = n.func  # a NumPy/SciPy function adjit has no rule for (np.linalg.eigvals(W) of data)
            obj = res.resolve(f) if isinstance(f, (ast.Name, ast.Attribute)) else None
            return isinstance(obj, types.FunctionType) and not _library(obj) and not _lowerable(obj) or \
                isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in bound_unknown or \
                _legacy_draw(n, res)  # np.random.randn(6) inside a line: NumPy's global generator, in order

        def lift(n):
            nonlocal count
            count += 1
            comp = isinstance(n, (ast.ListComp, ast.GeneratorExp))
            name = f"{_LIST if comp else '_host_call'}{count}"
            lifted.append(ast.copy_location(ast.Assign(targets=[ast.copy_location(ast.Name(name, ast.Store()), n)],
                                                       value=n), n))
            out = ast.copy_location(ast.Name(name, ast.Load()), n)
            if comp:  # NumPy hands its items over as an array (HostPlan.run); the compiled code's list of them
                out = ast.copy_location(ast.Call(ast.copy_location(ast.Name("list", ast.Load()), n), [out], []), n)
                ast.fix_missing_locations(out)
            return out

        class Lift(ast.NodeTransformer):
            def visit(self, n):  # a line NumPy cannot run whole before the compiled code: its data parts
                if lib_parts and n is not top and _data_expr(n, res, data):
                    return lift(n)
                return super().visit(n)

            def visit_Attribute(self, n):  # rng's method (np.random.default_rng(1).permutation(n)): not alone
                return n if _libcall(n.value, res) else self.generic_visit(n)

            def visit_Lambda(self, n):  # what runs only sometimes, or later, stays where it is
                return n

            visit_IfExp = visit_BoolOp = visit_Lambda

            def visit_ListComp(self, n):  # [rng.uniform() for _ in range(3)]: every draw, lifted whole
                if (n is not top or named_list) and any(isinstance(c, ast.Call) and draws(c) for c in ast.walk(n)):
                    return lift(n)  # (E = [rng.normal(size=3) for t in range(n)]: E = list(<its array>))
                return n

            visit_GeneratorExp = visit_ListComp

            def visit_SetComp(self, n):
                return n

            visit_DictComp = visit_SetComp

            def visit_Call(self, n):
                self.generic_visit(n)
                # (a helper bound whole, `u = noise(3)`, is a line of its own already)
                return lift(n) if n is not top and draws(n) else n

        if isinstance(stmt, ast.For):  # for _ in range(n): e = rng.normal(size=3): every iteration's draws, before
            count, loop = _lift_loop_draws(stmt, lambda n: draws(n) or _legacy_draw(n, res), count, lifted)
            if loop is not stmt:
                changed = True
                body.extend(lifted)
                body.append(loop)
                continue
        # not out of a loop or a branch (a call there runs as often as the line runs, or not at all)
        compound = isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef))
        new = copy.deepcopy(stmt) if not compound else stmt
        top = getattr(new, "value", None)
        named_list = isinstance(new, ast.Assign) and isinstance(top, ast.ListComp) and len(new.targets) == 1 \
            and isinstance(new.targets[0], ast.Name)
        lib_parts = not compound and not (top is not None and _data_expr(top, res, data))
        new = Lift().visit(new) if not compound else stmt
        if lifted:
            changed = True
            for a in lifted:
                ast.fix_missing_locations(a)
            body.extend(lifted)
        body.append(new)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _unknown_call(stmt.value, res, local, 0, set(params)) is not None:
            bound_unknown.add(stmt.targets[0].id)
    if not changed:
        return parsed
    node = copy.copy(parsed.node)
    node.body = body
    return replace(parsed, node=node, _stmt_texts={})


def shares_with_later_writes(body: list, k: int, res) -> bool:
    """Whether top-level statement k, run before the compiled code, would hand it a view of an
    array the compiled code also holds, where one of the two is written after k: `r = A.ravel()`
    (a method adjit has no rule for; NumPy's ravel is a view of A) then `r[1] = v` (NumPy changes
    A) or `A[0] = v` (NumPy changes r). The prologue's r is a view of the prologue's A, not of the
    compiled code's, so the write would not be seen: such a statement stays in the compiled code
    (its located error, or its rule). A fresh result (np.unique(...), a draw) shares nothing."""
    from .host import _bound

    stmt = body[k]
    value = getattr(stmt, "value", None)
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or value is None:
        return False
    roots = {_view_root(value)} - {None}
    if not roots and isinstance(value, ast.Call):  # a helper of the user's may return its argument or a view of it
        from .expressions import _library

        fn = res.resolve(value.func)
        if isinstance(fn, types.FunctionType) and not _library(fn):
            roots = {_view_root(a) for a in list(value.args) + [k.value for k in value.keywords]} - {None}
    if not roots:
        return False
    group = set(_bound(stmt)) | roots
    for i in range(k - 1, -1, -1):  # A = B.T before k: B too
        s = body[i]
        if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None and _bound(s) & group:
            src = _view_root(s.value)
            if src is not None:
                group.add(src)
    later = [n for st in body[k + 1:] for n in ast.walk(st)]
    changed = True
    while changed:  # names bound after k to a view of the group (s = r; t = A[0]) share it too
        changed = False
        for n in later:
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None and _view_root(n.value) in group:
                new = _bound(n) - group
                if new:
                    group |= new
                    changed = True
    return any(_may_mutate(st, name, res) for st in body[k + 1:] for name in group)


def _legacy_draw(n, res) -> bool:
    """np.random.randn(3), np.random.normal(...): a draw from NumPy's global generator."""
    import numpy as np

    obj = res.resolve(n.func) if isinstance(n.func, (ast.Name, ast.Attribute)) else None
    return isinstance(getattr(obj, "__self__", None), np.random.RandomState) and \
        getattr(obj, "__name__", "") not in ("seed", "set_state", "get_state", "shuffle")


def _lift_loop_draws(loop: ast.For, draws, count: int, lifted: list):
    """A top-level `for v in range(...)` whose body makes draws (a generator's methods, NumPy's
    global ones, helpers that draw) on every iteration, at the statement level of its body and in
    the values assigned, with no break/continue/return/raise in it and arguments that read nothing
    the body binds: NumPy makes them all before the compiled code, in Python's order (iteration by
    iteration, each iteration's in turn), as one comprehension per draw, `_host_list<k>`; the loop
    reads row `(v - start) // step` of each. (count, the loop rewritten) or (count, loop) as it was
    when it does not qualify."""
    from .host import _LIST

    orig, loop = loop, copy.deepcopy(loop)  # rewritten in place when it qualifies; else `orig` as it was
    it = loop.iter
    if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
            and it.func.id == "range" and 1 <= len(it.args) <= 3 and not it.keywords) or loop.orelse:
        return count, orig
    v = loop.target.id
    bound = {n.id for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if v in bound or any(isinstance(n, (ast.Break, ast.Continue, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom,
                                        ast.FunctionDef, ast.Lambda)) for st in loop.body for n in ast.walk(st)):
        return count, orig
    if any(isinstance(n, ast.Name) and n.id in bound for a in it.args for n in ast.walk(a)):
        return count, orig
    found = _iteration_draws(loop, draws, bound)
    if not found:  # none, or one that may not run on every iteration
        return count, orig
    start = it.args[0] if len(it.args) > 1 else ast.Constant(0)
    step = it.args[2] if len(it.args) == 3 else ast.Constant(1)
    names = []
    for c in found:
        count += 1
        names.append(f"{_LIST}{count}")
    comp = ast.ListComp(ast.Tuple([copy.deepcopy(c) for c in found], ast.Load()) if len(found) > 1
                        else copy.deepcopy(found[0]),
                        [ast.comprehension(ast.Name(v, ast.Store()), copy.deepcopy(it), [], 0)])
    if len(found) == 1:
        stmt = ast.Assign(targets=[ast.Name(names[0], ast.Store())], value=comp)
    else:  # NumPy's order across the draws of one iteration: one comprehension of tuples, unzipped
        zipped = ast.Call(ast.Name("zip", ast.Load()), [ast.Starred(comp, ast.Load())], [])
        empty = ast.Tuple([ast.Tuple([], ast.Load()) for _ in names], ast.Load())
        stmt = ast.Assign(targets=[ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())],
                          value=ast.IfExp(ast.Call(ast.Name("len", ast.Load()), [copy.deepcopy(it)], []), zipped, empty))
    for n in ast.walk(stmt):
        ast.copy_location(n, loop)
    lifted.append(stmt)
    row = ast.Name(v, ast.Load())
    if not (isinstance(start, ast.Constant) and start.value == 0):
        row = ast.BinOp(row, ast.Sub(), copy.deepcopy(start))
    if not (isinstance(step, ast.Constant) and step.value == 1):
        row = ast.BinOp(row, ast.FloorDiv(), copy.deepcopy(step))
    by_id = {id(c): name for c, name in zip(found, names)}

    class Read(ast.NodeTransformer):
        def visit_Call(self, n):
            if id(n) in by_id:
                return ast.copy_location(ast.Subscript(ast.Name(by_id[id(n)], ast.Load()), copy.deepcopy(row),
                                                       ast.Load()), n)
            return self.generic_visit(n)

    loop.body = [Read().visit(st) for st in loop.body]  # (loop is this function's own copy)
    ast.fix_missing_locations(loop)
    return count, loop


def _iteration_draws(loop: ast.For, draws, bound: set):
    """The draws of one iteration of `loop` in Python's order (per statement, the value's calls,
    arguments first), or None when one of them may not run on every iteration (under a branch,
    an inner loop, an `if` expression, an assignment's target) or reads what the iteration computes."""
    found = []
    for st in loop.body:
        value = st.value if isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)) else None
        targets = st.targets if isinstance(st, ast.Assign) else [getattr(st, "target", None)]
        if value is None or any(isinstance(n, ast.Call) and draws(n) for t in targets if t is not None
                                for n in ast.walk(t)):
            if any(isinstance(n, ast.Call) and draws(n) for n in ast.walk(st)):
                return None  # a draw under a branch, an inner loop or a target: it may not run every time
            continue
        conditional = set()
        for n in ast.walk(value):
            if isinstance(n, _CONDITIONAL):
                conditional |= {id(m) for m in ast.walk(n) if m is not n}

        def order(n):
            for c in ast.iter_child_nodes(n):
                yield from order(c)
            if isinstance(n, ast.Call) and draws(n):
                yield n
        for c in order(value):
            if id(c) in conditional or any(isinstance(m, ast.Call) and draws(m) and m is not c for m in ast.walk(c)):
                return None  # under an `if` expression, or a draw whose arguments draw
            if any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(c)):
                return None  # its arguments read what the iteration computes
            found.append(c)
    return found
