"""Reading a user function: its source, its AST, where it came from, and the decoration-time
check that its statements are in the supported subset."""
from __future__ import annotations

import ast
import inspect
import textwrap
import types
from dataclasses import dataclass, field
from typing import Any


from ..errors import AdjitError, AdjitTypeError, Loc, UnsupportedSyntaxError


_CONTROL_FLOW_HINT = "use an `if` statement"


@dataclass
class ParsedFunction:
    """A user function's AST plus where it came from."""

    fn: Any
    name: str
    node: ast.FunctionDef
    filename: str
    firstline: int
    indent: int
    lines: list
    param_names: list
    source: str
    globals: dict = field(default_factory=dict)

    def loc(self, node: ast.AST, stmt: ast.AST | None = None) -> Loc:
        line = node.lineno + self.firstline - 1
        text = self.lines[line - self.firstline] if 0 <= line - self.firstline < len(self.lines) else ""
        col = node.col_offset + self.indent
        if getattr(node, "end_lineno", None) == node.lineno:
            end_col = node.end_col_offset + self.indent
        else:
            end_col = len(text.rstrip())
        stmt_text = ""
        if stmt is not None:
            first = stmt.lineno - 1
            last = getattr(stmt, "end_lineno", stmt.lineno)
            stmt_text = textwrap.dedent("".join(self.lines[first:last])).strip()
        return Loc(self.filename, line, col, end_col, text, stmt_text, self.name)


_PARSE_CACHE: dict = {}


def nested_transform_error(fn) -> AdjitError:
    """Transforming an adjit transformation (grad of grad) is not implemented yet: say so where the
    inner function is defined, never differentiate the function underneath it."""
    inner = getattr(fn, "fun", None)
    loc = None
    if isinstance(inner, types.FunctionType):
        try:
            lines, first = inspect.getsourcelines(inner)
            filename = inspect.getsourcefile(inner) or inner.__code__.co_filename
            loc = Loc(filename, first, len(lines[0]) - len(lines[0].lstrip()), len(lines[0].rstrip()), lines[0])
        except (OSError, TypeError):
            pass
    return UnsupportedSyntaxError(
        f"{fn!r} is itself an adjit transformation; transforming it again (a higher derivative, grad of "
        "grad) is not supported yet", loc,
        hint="differentiate a function written out by hand for the first derivative, or use finite "
             "differences of the gradient (adjit.check_grad) until nested transformations land")


def parse(fn) -> ParsedFunction:
    """Read `fn`'s source and check its statements are in the supported subset."""
    if isinstance(fn, ParsedFunction):
        return fn
    if getattr(fn, "__adjit_transform__", None):
        raise nested_transform_error(fn)
    target = fn  # exactly the object given: a wrapper (functools.wraps) is not looked through
    if not isinstance(target, types.FunctionType):
        raise AdjitTypeError(f"adjit can only differentiate Python functions, got {type(fn).__name__}")
    key = target.__code__
    cached = _PARSE_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        lines, firstline = inspect.getsourcelines(target)
        filename = inspect.getsourcefile(target) or target.__code__.co_filename
    except (OSError, TypeError) as e:
        raise AdjitError(f"cannot read the source of {target.__qualname__}: {e}",
                         hint="adjit needs the function's source file (not a lambda typed into a REPL)") from None
    if target.__name__ == "<lambda>":
        raise UnsupportedSyntaxError("lambda functions cannot be differentiated", None,
                                     hint="define the function with def")
    source = "".join(lines)
    indent = len(lines[0]) - len(lines[0].lstrip())
    tree = ast.parse(textwrap.dedent(source))
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef):
        raise UnsupportedSyntaxError(f"{target.__qualname__} is not a plain def function")
    parsed = ParsedFunction(target, target.__name__, node, filename, firstline, indent, lines, [], source,
                            target.__globals__)
    args = node.args
    for bad, what in ((args.vararg, "*args"), (args.kwarg, "**kwargs")):
        if bad is not None:
            raise UnsupportedSyntaxError(f"{what} parameters are not supported", parsed.loc(bad))
    if args.kwonlyargs or args.posonlyargs:
        raise UnsupportedSyntaxError("keyword-only and positional-only parameters are not supported",
                                     parsed.loc((args.kwonlyargs or args.posonlyargs)[0]))
    parsed.param_names = [a.arg for a in args.args]
    _check_body(parsed, node.body)
    _PARSE_CACHE[key] = parsed
    return parsed


def _check_body(parsed: ParsedFunction, body: list, top: bool = True, in_loop: bool = False) -> None:
    """Reject, at decoration, statements outside the subset (names are resolved at first call)."""
    for k, stmt in enumerate(body):
        if isinstance(stmt, ast.If):
            _check_body(parsed, stmt.body, False, in_loop)
            _check_body(parsed, stmt.orelse, False, in_loop)
            continue
        if isinstance(stmt, (ast.For, ast.While)):
            if stmt.orelse:
                raise UnsupportedSyntaxError("a loop `else:` clause is not supported", parsed.loc(stmt))
            _check_body(parsed, stmt.body, False, True)
            continue
        if isinstance(stmt, (ast.Break, ast.Continue)):
            if not in_loop:
                raise UnsupportedSyntaxError(f"`{type(stmt).__name__.lower()}` outside a loop", parsed.loc(stmt))
            continue
        if isinstance(stmt, ast.Return):
            if in_loop:
                raise UnsupportedSyntaxError("`return` inside a loop is not supported", parsed.loc(stmt),
                                             hint="set a flag and `break`, then return after the loop")
            if k != len(body) - 1:
                raise UnsupportedSyntaxError("code after `return` is unreachable", parsed.loc(body[k + 1]))
            if stmt.value is None:
                raise AdjitTypeError("the function must return a scalar value", parsed.loc(stmt))
            continue
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Pass)):
            continue
        if isinstance(stmt, ast.Expr) and k == 0 and top and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # docstring
        what = {
            ast.Expr: "an expression statement has no effect on the result (printing is not supported)",
            ast.Try: "`try` is not supported",
            ast.With: "`with` is not supported",
            ast.Raise: "`raise` is not supported",
            ast.Assert: "`assert` is not supported",
            ast.Global: "`global` is not supported",
            ast.Nonlocal: "`nonlocal` is not supported",
            ast.Delete: "`del` is not supported",
            ast.Import: "`import` inside the function is not supported",
            ast.ImportFrom: "`import` inside the function is not supported",
            ast.FunctionDef: "nested functions (closures) are not supported",
            ast.AsyncFunctionDef: "async functions are not supported",
            ast.ClassDef: "class definitions are not supported",
            ast.AsyncFor: "`async for` is not supported",
        }.get(type(stmt), f"`{type(stmt).__name__}` statements are not supported")
        raise UnsupportedSyntaxError(what, parsed.loc(stmt))
    if top and not _always_returns(body):
        raise AdjitTypeError("the function must end with `return <scalar>`", parsed.loc(parsed.node))


def _always_returns(stmts: list) -> bool:
    for st in stmts:
        if isinstance(st, ast.Return):
            return True
        if isinstance(st, ast.If) and _always_returns(st.body) and _always_returns(st.orelse):
            return True
    return False


def _contains_return(stmts: list) -> bool:
    for st in stmts:
        if isinstance(st, ast.Return):
            return True
        if isinstance(st, ast.If) and (_contains_return(st.body) or _contains_return(st.orelse)):
            return True
    return False


def _contains_jump(stmts: list) -> bool:
    """Whether a break/continue of the enclosing loop appears (not inside a nested loop)."""
    for st in stmts:
        if isinstance(st, (ast.Break, ast.Continue)):
            return True
        if isinstance(st, ast.If) and (_contains_jump(st.body) or _contains_jump(st.orelse)):
            return True
    return False


def assigned_names(stmts: list) -> set:
    """Names a statement list may (re)bind, including arrays written by x[i] = v."""
    out: set = set()

    def target(t):
        if isinstance(t, ast.Name):
            out.add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                target(e)
        elif isinstance(t, ast.Subscript):
            base = t.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)

    for st in stmts:
        for node in ast.walk(st):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    target(t)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                target(node.target)
            elif isinstance(node, ast.For):
                target(node.target)
    return out


