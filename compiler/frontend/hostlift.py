"""host.py's reach into the user's helpers: which arguments a helper may write into (so that a
line passing it an argument can still run before the compiled code), and the calls lifted out of a
top-level line to run there (a generator's draws, a helper that draws numbers, a comprehension of
draws), in Python's order."""
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


def _lift_method_calls(parsed, res: "_Resolver", local: set, params):
    """`return np.sum(x * rng.uniform(size=3))` after `rng = np.random.default_rng(11)`: a method
    call on a name an earlier top-level line bound from a call adjit has no rule for (a generator,
    a fitted object), or a call of a helper of the user's that calls one (`x * noise(3)`), is lifted
    out of its statement into `_host_call<k> = rng.uniform(size=3)` just before it, in Python's
    order, so that it can be hoisted like any such line; a comprehension that makes such calls is
    lifted whole (each of its draws made); one under `if`/`and`/`or`/lambda is left where it is
    (it may not run). The parsed function unchanged when there is none."""
    from .expressions import _library

    bound_unknown: set = set()
    body, changed, count = [], False, 0
    for stmt in parsed.node.body:
        lifted = []

        def draws(n) -> bool:  # a call NumPy must make here: a helper drawing numbers, a generator's method
            f = n.func
            obj = res.resolve(f) if isinstance(f, (ast.Name, ast.Attribute)) else None
            return isinstance(obj, types.FunctionType) and not _library(obj) and not _lowerable(obj) or \
                isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in bound_unknown

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
            def visit_Lambda(self, n):  # what runs only sometimes, or later, stays where it is
                return n

            visit_IfExp = visit_BoolOp = visit_Lambda

            def visit_ListComp(self, n):  # [rng.uniform() for _ in range(3)]: every draw, lifted whole
                if n is not top and any(isinstance(c, ast.Call) and draws(c) for c in ast.walk(n)):
                    return lift(n)
                return n

            visit_GeneratorExp = visit_ListComp

            def visit_SetComp(self, n):
                return n

            visit_DictComp = visit_SetComp

            def visit_Call(self, n):
                self.generic_visit(n)
                # (a helper bound whole, `u = noise(3)`, is a line of its own already)
                return lift(n) if n is not top and draws(n) else n

        # not out of a loop or a branch (a call there runs as often as the line runs, or not at all)
        compound = isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef))
        new = copy.deepcopy(stmt) if not compound else stmt
        top = getattr(new, "value", None)
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
