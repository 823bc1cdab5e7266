"""Reading a user function: its source, its AST, where it came from, and the decoration-time
check that its statements are in the supported subset."""
from __future__ import annotations

import ast
import copy
import dataclasses
import dis
import inspect
import linecache
import re
import textwrap
import types
import weakref
from dataclasses import dataclass, field
from typing import Any


from .contexts import SUPPORTED, splice_no_op_withs
from ..errors import AdjitError, AdjitTypeError, Loc, UnsupportedSyntaxError
from .returns import contains_return
from .trystmt import rewrite_tries


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
    _stmt_texts: dict = field(default_factory=dict, repr=False, compare=False)
    must_return: Any = field(default=None, repr=False, compare=False)  # (message, node): refused unless a helper
    # the differentiated function's `*rest` and `**kw` as parameters: (rest's position, kw's), None if absent
    star: Any = field(default=None, repr=False, compare=False)

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
            span = (stmt.lineno - 1, getattr(stmt, "end_lineno", stmt.lineno))
            stmt_text = self._stmt_texts.get(span)
            if stmt_text is None:  # once per statement (a loc is made per node of it)
                stmt_text = self._stmt_texts[span] = textwrap.dedent("".join(self.lines[span[0]:span[1]])).strip()
        return Loc(self.filename, line, col, end_col, text, stmt_text, self.name)


# Parsed functions by function object (weakly): two closures of one factory, or two modules with
# the same text at the same line, share a code object but not their cells or globals.
_PARSE_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def nested_transform_error(fn) -> AdjitError:
    """An adjit transformation that adjit cannot compile inside a differentiated function or
    transform again (adjit.grad / value_and_grad objects can: frontend/nested.py): say so where
    its function is defined, never differentiate the function underneath it."""
    inner = getattr(fn, "fun", None) or getattr(fn, "f", None)
    loc = None
    if isinstance(inner, types.FunctionType):
        try:
            lines, first = inspect.getsourcelines(inner)
            filename = inspect.getsourcefile(inner) or inner.__code__.co_filename
            loc = Loc(filename, first, len(lines[0]) - len(lines[0].lstrip()), len(lines[0].rstrip()), lines[0])
        except (OSError, TypeError):
            pass
    what = f"adjit.{fn.__name__}" if isinstance(fn, types.FunctionType) else repr(fn)
    return UnsupportedSyntaxError(
        f"{what} is an adjit transformation that adjit cannot compile inside a differentiated function or "
        "transform again: only adjit.grad and adjit.value_and_grad objects nest (and hessian, jacobian, jacfwd, "
        "jacrev and grad objects in each other, with one int argnums and no has_aux on each level)", loc,
        hint="make the gradient outside (dh = adjit.grad(h)) and call dh inside, or transform it: "
             "adjit.grad(adjit.grad(f)), adjit.jvp(adjit.grad(f), ...), adjit.hvp(f), adjit.hessian(f) (any "
             "output), adjit.jacfwd(adjit.jacrev(f)), adjit.hessian(adjit.hessian(f)), any depth")


def parse(fn, helper: bool = False) -> ParsedFunction:
    """Read `fn`'s source and check its statements are in the supported subset. `helper`: a
    function called from compiled code (inlined), which may take `*args` (bound to a tuple of the
    extra arguments) and `**kwargs` (a dict of the extra keyword arguments, keys known when
    compiled); the differentiated function takes its parameters by name."""
    if isinstance(fn, ParsedFunction):
        return fn
    parsed = _parse(fn)
    if parsed.must_return is not None and not helper:
        msg, where = parsed.must_return
        raise AdjitTypeError(msg, parsed.loc(where))
    if not helper and (parsed.node.args.vararg is not None or parsed.node.args.kwarg is not None):
        return _with_star_parameters(parsed)
    return parsed


_STAR_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _with_star_parameters(parsed: ParsedFunction) -> ParsedFunction:
    """The differentiated function's `*rest` and `**kw` as parameters of their own: `rest`, the
    tuple of the extra positional arguments (after the positional parameters), and `kw`, the dict
    of the extra keyword arguments (last), as a call binds them (jit/arguments.bind_names); both
    are structures, so their float leaves can be differentiated (wrt='rest' gives a tuple)."""
    made = _STAR_CACHE.get(parsed.fn)
    if made is not None:
        return made
    node = copy.deepcopy(parsed.node)
    a = node.args
    npos = parsed.fn.__code__.co_argcount
    params = a.args[:npos] + ([a.vararg] if a.vararg is not None else []) + a.args[npos:] + \
        ([a.kwarg] if a.kwarg is not None else [])
    rest = npos if a.vararg is not None else None
    kw = len(params) - 1 if a.kwarg is not None else None
    a.args, a.vararg, a.kwarg = params, None, None
    made = dataclasses.replace(parsed, node=node, param_names=[p.arg for p in params], star=(rest, kw))
    _STAR_CACHE[parsed.fn] = made
    return made


def _parse(fn) -> ParsedFunction:
    if getattr(fn, "__adjit_transform__", None):
        raise nested_transform_error(fn)
    target = fn  # exactly the object given: a wrapper (functools.wraps) is not looked through
    if not isinstance(target, types.FunctionType):
        raise AdjitTypeError(f"adjit can only differentiate Python functions, got {type(fn).__name__}")
    cached = _PARSE_CACHE.get(target)
    if cached is not None:
        return cached
    try:
        # the code object, not the function: inspect would follow __wrapped__ to another function
        lines, firstline = inspect.getsourcelines(target.__code__)
        filename = inspect.getsourcefile(target.__code__) or target.__code__.co_filename
    except (OSError, TypeError) as e:
        raise AdjitError(f"cannot read the source of {target.__qualname__}: {e}",
                         hint="adjit needs the function's source file (not a lambda typed into a REPL)") from None
    name = target.__name__
    if name == "<lambda>":  # `f = lambda x: ...`: the lambda as `def lambda_<line>_<col>(x): return ...`,
        # found in its whole file (the lines around a lambda need not parse alone: a dict entry)
        here = Loc(filename, firstline, 0, len(lines[0].rstrip()), lines[0])
        lines = linecache.getlines(filename)
        source, firstline, indent = "".join(lines), 1, 0
        _check_source_matches(target, source, firstline, indent, here, whole_file=True)
        node, name = _lambda_as_def(ast.parse(source), target.__code__, 1, 0, here)
    else:
        source = "".join(lines)
        indent = len(lines[0]) - len(lines[0].lstrip())
        _check_source_matches(target, source, firstline, indent,
                              Loc(filename, firstline, indent, len(lines[0].rstrip()), lines[0]))
        node = ast.parse(textwrap.dedent(source)).body[0]
    if not isinstance(node, ast.FunctionDef):
        raise UnsupportedSyntaxError(f"{target.__qualname__} is not a plain def function")
    splice_no_op_withs(node, target.__globals__)  # `with np.errstate(...):` is its body (contexts.py)
    parsed = ParsedFunction(target, name, node, filename, firstline, indent, lines, [], source,
                            target.__globals__)
    args = node.args
    if args.posonlyargs:
        raise UnsupportedSyntaxError("positional-only parameters are not supported", parsed.loc(args.posonlyargs[0]),
                                     hint="drop the `/`")
    # keyword-only parameters follow the positional ones: node.args.args is every parameter, in the
    # order the compiled code takes them (jit/arguments.bind_names fills them from __kwdefaults__)
    args.args = args.args + args.kwonlyargs
    args.kwonlyargs, args.kw_defaults = [], []
    parsed.param_names = [a.arg for a in args.args]
    _check_reserved(parsed, node)
    rewrite_tries(parsed)  # try/except np.linalg.LinAlgError: the branch Python takes (trystmt.py)
    _check_body(parsed, node.body)
    _PARSE_CACHE[target] = parsed
    return parsed


def _lambda_as_def(tree, code, firstline: int, indent: int, loc: Loc):
    """The lambda of `code` in the statement `tree` (found by where its body's first instruction
    starts, so two lambdas on one line are told apart) as an equivalent FunctionDef, and the name
    its generated code takes (`lambda_<line>_<column>`: the name is part of the cache keys, which
    two lambdas of one line must not share)."""
    starts = {(ln, col) for ln, _, col, _ in code.co_positions() if ln is not None and col is not None}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
             and (firstline + n.body.lineno - 1, n.body.col_offset + indent) in starts]
    if len(found) != 1:
        raise UnsupportedSyntaxError("cannot tell which lambda of this line is the one to differentiate", loc,
                                     hint="define the function with def")
    lam = found[0]
    ret = ast.copy_location(ast.Return(value=lam.body), lam.body)
    fd = ast.FunctionDef(name=f"lambda_{code.co_firstlineno}_{lam.col_offset + indent}", args=lam.args, body=[ret],
                         decorator_list=[],
                         returns=None, type_comment=None)
    ast.copy_location(fd, lam)
    ast.fix_missing_locations(fd)
    return fd, fd.name


def _check_source_matches(fn, source: str, firstline: int, indent: int, loc: Loc, whole_file: bool = False) -> None:
    """The text read from the file must be the text the function was compiled from: a file edited
    after import (without a reload) would otherwise be differentiated in place of the function
    that runs. Compiled again at the same line, inside a function owning its free variables, the
    text must give the same bytecode (whole_file: the source is the whole file, a lambda's, where
    the enclosing function that owns them is already around it)."""
    code = fn.__code__
    free = () if whole_file else code.co_freevars
    body = textwrap.indent(textwrap.dedent(source), "    ") if free else textwrap.dedent(source)
    head = f"def __adjit_enclosing__({', '.join(free)}):\n" if free else ""
    pad = firstline - 1 - (1 if free else 0)
    module = None
    try:
        if pad >= 0:
            module = compile("\n" * pad + head + body, code.co_filename, "exec",
                             flags=code.co_flags & _FUTURE_FLAGS, dont_inherit=True)
    except SyntaxError:
        pass
    candidates = _find_codes(module, code.co_name, code.co_firstlineno) if module is not None else []
    if not any(_instructions(found) == _instructions(code) and found.co_varnames == code.co_varnames
               and _plain_consts(found) == _plain_consts(code) for found in candidates):
        raise AdjitError(f"the source of {fn.__qualname__} in {code.co_filename} is not the code that runs: "
                         "the file was changed after it was imported", loc,
                         hint="reload the module (importlib.reload) or restart, so that the function and its "
                              "source agree")


_FUTURE_FLAGS = 0
for _feature in __import__("__future__").all_feature_names:
    _FUTURE_FLAGS |= getattr(__import__("__future__"), _feature).compiler_flag


_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


def _instructions(code) -> list:
    """The bytecode as (operation, operand) pairs, blind to what compiling a function apart from
    its module changes: a call on an imported module's attribute may be LOAD_ATTR or LOAD_METHOD,
    and jump offsets move with instruction sizes."""
    out = []
    for ins in dis.get_instructions(code):
        if ins.opname in ("EXTENDED_ARG", "PUSH_NULL"):  # present or not with the size of a jump's offset;
            continue  # a NULL pushed apart with LOAD_ATTR where the function alone compiles to LOAD_METHOD
        name = "LOAD_ATTR" if ins.opname == "LOAD_METHOD" else ins.opname
        arg = None if ins.opcode in _JUMPS or isinstance(ins.argval, types.CodeType) else ins.argval
        out.append((name, repr(arg)))
    return out


def _plain_consts(code) -> tuple:
    return tuple(c for c in code.co_consts if not isinstance(c, types.CodeType))


def _find_codes(code, name: str, line: int) -> list:
    """Every code object named `name` defined at `line` (two lambdas can share a line)."""
    out = []
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            if c.co_name == name and c.co_firstlineno == line:
                out.append(c)
            out.extend(_find_codes(c, name, line))
    return out


# Names the generated modules define or use themselves (runtime modules, workspace parameters,
# loop and tape temporaries): a user name among them would shadow or be shadowed.
_RESERVED = frozenset({"_ws", "_wst", "_la", "_alloc", "_simd", "_tape", "_bounds", "_jit", "_CHUNKS", "numba"})
_RESERVED_PATTERN = re.compile(r"^_((i|j)\d+|(n_)?tape_\w*|ckpt_\w*|ix)$")  # fixed names of loops and tapes


def _check_reserved(parsed: ParsedFunction, node: ast.FunctionDef) -> None:
    for sub in ast.walk(node):
        name = sub.arg if isinstance(sub, ast.arg) else sub.id if isinstance(sub, ast.Name) else None
        if name is not None and (name in _RESERVED or _RESERVED_PATTERN.match(name)):
            raise UnsupportedSyntaxError(f"the name '{name}' is reserved for adjit's generated code", parsed.loc(sub),
                                         hint=f"rename it (e.g. '{name.lstrip('_')}_')")


def _check_body(parsed: ParsedFunction, body: list, top: bool = True, in_loop: bool = False,
                nested: bool = False) -> None:
    """Reject, at decoration, statements outside the subset (names are resolved at first call).
    A body that may end without a value is refused by parse() for the differentiated function
    only (`must_return`): a helper or a nested def may return nothing (procedures.py)."""
    for k, stmt in enumerate(body):
        if isinstance(stmt, ast.If):
            _check_body(parsed, stmt.body, False, in_loop, nested)
            _check_body(parsed, stmt.orelse, False, in_loop, nested)
            continue
        if isinstance(stmt, (ast.For, ast.While)):
            _check_body(parsed, stmt.body, False, True, nested)
            _check_body(parsed, stmt.orelse, False, in_loop, nested)  # a loop's `else:` (returns.py)
            continue
        if isinstance(stmt, (ast.Break, ast.Continue)):
            if not in_loop:
                raise UnsupportedSyntaxError(f"`{type(stmt).__name__.lower()}` outside a loop", parsed.loc(stmt))
            continue
        if isinstance(stmt, ast.Return):  # inside a loop too: frontend/returns.py
            if k != len(body) - 1:
                raise UnsupportedSyntaxError("code after `return` is unreachable", parsed.loc(body[k + 1]))
            if stmt.value is None and not nested:  # a helper's bare `return` ends it (procedures.py)
                parsed.must_return = parsed.must_return or ("the function must return a scalar value", stmt)
            continue
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Pass, ast.Assert, ast.Import, ast.Raise)):
            continue  # assert and import: closures.py
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and all(a.name != "*" for a in stmt.names):
            continue
        if isinstance(stmt, ast.ClassDef) and not stmt.keywords:  # made by Python when compiled (closures.py)
            continue
        if isinstance(stmt, ast.FunctionDef):  # a nested function: inlined where it is called
            _check_nested_def(parsed, stmt)
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            continue  # an in-place call (np.fill_diagonal(a, v)); any other call is rejected when lowered
        if isinstance(stmt, ast.Expr) and k == 0 and top and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # docstring
        what = {
            ast.Expr: "an expression statement has no effect on the result (printing is not supported)",
            ast.Try: "`try` is not supported",
            ast.With: f"`with` is supported for {SUPPORTED} (its body is compiled), not this context manager",
            ast.Global: "`global` is not supported",
            ast.Nonlocal: "`nonlocal` is not supported",
            ast.Delete: "`del` is not supported",
            ast.ImportFrom: "`from . import` and `import *` inside the function are not supported",
            ast.FunctionDef: "nested functions (closures) are not supported",
            ast.AsyncFunctionDef: "async functions are not supported",
            ast.ClassDef: "class definitions are not supported",
            ast.AsyncFor: "`async for` is not supported",
        }.get(type(stmt), f"`{type(stmt).__name__}` statements are not supported")
        hint = None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            what = "a generator function (`yield`) is not supported"
            hint = ("return a list of what it yields (`return [(X[i:i + bs], y[i:i + bs]) for i in range(0, len(X), "
                    "bs)]`), bind it to a name and loop over that, or write the loop where the items are used")
        if isinstance(stmt, ast.Try):
            what = ("`try`/`except` is not supported: compiled code cannot run a handler when an operation in the "
                    "`try` body fails")
            hint = ("test the condition the exception stands for with `if` (e.g. `if np.all(np.linalg.eigvalsh(K) "
                    "> 0):` before a Cholesky, `if d != 0:` before a division), or put the try/except around the "
                    "call of the differentiated function")
        raise UnsupportedSyntaxError(what, parsed.loc(stmt), hint)
    if top and not nested and not _always_returns(body) and parsed.node.name != "__init__":  # a class made inside
        # (structures.py); a helper may return nothing (procedures.py): refused for the differentiated function
        parsed.must_return = ("the function must end with `return <scalar>`", parsed.node)


def _check_nested_def(parsed: ParsedFunction, node: ast.FunctionDef) -> None:
    if node.decorator_list:
        raise UnsupportedSyntaxError("decorators on a nested function are not supported", parsed.loc(node.decorator_list[0]))
    args = node.args
    if args.posonlyargs:
        raise UnsupportedSyntaxError("positional-only parameters are not supported", parsed.loc(args.posonlyargs[0]))
    _check_body(parsed, node.body, True, False, True)


def _always_returns(stmts: list) -> bool:
    for st in stmts:
        if isinstance(st, (ast.Return, ast.Raise)):  # a raise ends the path too (closures.py)
            return True
        if isinstance(st, ast.If) and _always_returns(st.body) and _always_returns(st.orelse):
            return True
    return False


def _contains_return(stmts: list) -> bool:
    return contains_return(stmts)


def _contains_jump(stmts: list) -> bool:
    """Whether a break/continue of the enclosing loop appears (not inside a nested loop)."""
    for st in stmts:
        if isinstance(st, (ast.Break, ast.Continue)):
            return True
        if isinstance(st, ast.If) and (_contains_jump(st.body) or _contains_jump(st.orelse)):
            return True
        if isinstance(st, (ast.For, ast.While)) and _contains_jump(st.orelse):  # a loop's `else:` is outside it
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
        elif isinstance(t, ast.Starred):  # a, *rest = ...
            target(t.value)
        elif isinstance(t, ast.Subscript):
            base = t.value
            while isinstance(base, ast.Subscript) or isinstance(base, ast.Attribute) and base.attr in ("T", "flat") \
                    or isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr in (
                        "reshape", "ravel"):  # B.T[i] = v, B.flat[k] = v, B.reshape(-1)[k] = v write B (lower.py)
                base = base.func.value if isinstance(base, ast.Call) else base.value
            if isinstance(base, ast.Name):
                out.add(base.id)

    def walk(node):  # ast.walk, not into nested functions (their names are their own)
        yield node
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            return
        for child in ast.iter_child_nodes(node):
            yield from walk(child)

    for st in stmts:
        for node in walk(st):
            if isinstance(node, ast.FunctionDef):
                out.add(node.name)
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    target(t)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                target(node.target)
            elif isinstance(node, (ast.For, ast.NamedExpr)):  # (n := ...) binds n
                target(node.target)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                call = node.value  # in-place calls: np.add.at(a, ...), np.fill_diagonal(a, v), np.copyto(a, b)
                name = ast.unparse(call.func)
                if name.endswith((".at", "fill_diagonal", "copyto")) and call.args:
                    target(call.args[0])
            if isinstance(node, ast.Call):  # np.exp(x, out=a)
                for kw in node.keywords:
                    if kw.arg == "out":
                        target(kw.value)
    return out


def _walk(node):
    """ast.walk, not into nested functions and lambdas (their names are their own)."""
    yield node
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk(child)
