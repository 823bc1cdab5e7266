"""Python source -> IR: reads a function with inspect + ast, resolves every name, and lowers the
supported subset into typed SSA ops; anything outside the subset is rejected here with a caret.

Two stages: `parse` (at decoration: syntax checks) and `lower` (per argument signature: names,
types and, when the call's shapes are known, a full shape check).
"""
from __future__ import annotations

import ast
import builtins
import inspect
import math
import textwrap
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import primitives as P
from .builder import Builder
from .errors import AdjitError, AdjitNameError, AdjitTypeError, ArgumentError, Loc, UnsupportedSyntaxError
from .ir import Abstract, Block, For, Function, If, Value, While
from . import shapes as S

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


def parse(fn) -> ParsedFunction:
    """Read `fn`'s source and check its statements are in the supported subset."""
    if isinstance(fn, ParsedFunction):
        return fn
    target = inspect.unwrap(fn)
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


# -------------------------------------------------------------------------------------- lowering


@dataclass
class Method:
    """`x.sum` before it is called."""

    name: str
    obj: Value


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
           ast.MatMult: "matmul", ast.FloorDiv: "floordiv", ast.Mod: "mod",
           ast.BitAnd: "logical_and", ast.BitOr: "logical_or"}
_PY_BINOPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
              "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "floordiv": lambda a, b: a // b,
              "mod": lambda a, b: a % b}
_CMPOPS = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq", ast.NotEq: "ne"}
_DTYPES = {np.float64: "float64", np.float32: "float32", float: "float64", np.int64: "int64",
           int: "int64", np.int32: "int32", bool: "bool", np.bool_: "bool"}
_SOURCES = None


def _sources() -> dict:
    global _SOURCES
    if _SOURCES is None:
        _SOURCES = P.by_source()
    return _SOURCES


def _is_number(x) -> bool:
    return isinstance(x, (bool, int, float, np.integer, np.floating)) and not isinstance(x, np.ndarray)


class Lowerer:
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
            return self.b.const(x.item() if isinstance(x, np.generic) and not isinstance(x, (np.float32,)) else x)
        if isinstance(x, tuple):
            return self.b.emit("tuple", [self.value(e, node) for e in x])
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
        result = self.lower_stmts(body)
        if result is None:
            raise self.err(AdjitTypeError, "the function must end with `return <scalar>`", self.parsed.node)
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
                return self.value(self.expr(stmt.value), stmt.value)
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
        return None

    def lower_augassign(self, stmt: ast.AugAssign) -> None:
        if isinstance(stmt.target, ast.Subscript):
            current = self.subscript(stmt.target)
        elif isinstance(stmt.target, ast.Name):
            current = self.name(stmt.target.id, stmt.target)
        else:
            raise self.err(UnsupportedSyntaxError, "unsupported augmented assignment target", stmt.target)
        rhs = self.expr(stmt.value)
        self.at(stmt)
        self.assign(stmt.target, self.binop(type(stmt.op), current, rhs, stmt), stmt)

    # -- control flow
    def condition(self, node) -> Any:
        """A branch or loop condition: a static Python bool, or a scalar bool value."""
        c = self.expr(node)
        if c is None or _is_number(c):
            return bool(c)
        c = self.value(c, node)
        if c.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"the truth value of an array ({c.type}) is ambiguous", node,
                           hint="reduce it first, e.g. np.any(...) is not supported: use np.sum(x > 0) > 0")
        if c.type.dtype != "bool":
            self.at(node)
            c = self.b.emit("ne", [c, self.b.const(0)])
        return c

    def branch(self, stmts: list, loop=None) -> tuple:
        """Lower stmts into a fresh block with a copy of the environment: (ops, env, result)."""
        saved_env, saved_ops = self.env, self.b.ops
        self.env = dict(saved_env)
        self.b.ops = []
        try:
            result = self.lower_stmts(stmts, loop)
            return self.b.ops, self.env, result
        finally:
            self.env, self.b.ops = saved_env, saved_ops

    def in_block(self, ops: list, fn):
        return self.b.into(ops, fn)

    def join(self, name: str, vals: list, blocks: list, node) -> tuple:
        """Make the values a name has at the end of several blocks agree in type, casting weak
        Python numbers to the common dtype inside their own block. Returns (values, abstract)."""
        vals = [self.in_block(blk, lambda v=v: self.value(v, node)) for v, blk in zip(vals, blocks)]
        avs = [self.b.aval(v) for v in vals]
        kinds = {a.type.kind for a in avs}
        ranks = {a.type.rank for a in avs}
        if len(kinds) > 1 or len(ranks) > 1:
            raise self.err(AdjitTypeError, f"'{name}' changes type between branches or iterations: "
                           + " vs ".join(str(a.type) for a in avs), node,
                           hint="give it the same type and shape on every path")
        shapes = {a.shape for a in avs}
        if len(shapes) > 1:
            raise self.err(AdjitTypeError, f"'{name}' changes shape between branches or iterations: "
                           + " vs ".join(str(a.shape) for a in avs), node,
                           hint="a carried or merged value must keep its shape")
        t = S.promote(*(a.type for a in avs)) if avs[0].type.kind == "scalar" else None
        out = []
        for v, a, blk in zip(vals, avs, blocks):
            if t is not None and (a.type.dtype != t.dtype or a.type.weak != t.weak):
                if t.weak:
                    v = self.in_block(blk, lambda v=v: self.b.emit("astype", [v], dtype=t.dtype))
                    self.b.avals[v.id] = Abstract(t, ())
                    v.type = t
                else:
                    v = self.in_block(blk, lambda v=v: self.b.emit("astype", [v], dtype=t.dtype))
            out.append(v)
        av = self.b.aval(out[0])
        if t is not None:
            av = Abstract(t if t.weak else S.scalar_type(t.dtype), ())
        else:
            av = Abstract(av.type, av.shape)
        return out, av

    def lower_if(self, stmt, then_stmts, else_stmts, loop, cond=None) -> None:
        self.at(stmt)
        if cond is None:
            cond = self.condition(stmt.test)
        if isinstance(cond, bool):  # decided at compile time (a global flag, a shape test)
            self.lower_stmts(then_stmts if cond else else_stmts, loop)
            return
        env0 = self.env
        then_ops, env_t, _ = self.branch(then_stmts, loop)
        else_ops, env_e, _ = self.branch(else_stmts, loop)
        self.stmt = stmt
        outputs, ty, ey = [], [], []
        for name in sorted(set(env_t) | set(env_e)):
            vt, ve = env_t.get(name, _UNDEFINED), env_e.get(name, _UNDEFINED)
            if vt is env0.get(name, _UNDEFINED) and ve is env0.get(name, _UNDEFINED):
                continue
            if vt is _UNDEFINED or ve is _UNDEFINED or isinstance(vt, Undefined) or isinstance(ve, Undefined):
                self.env[name] = Undefined(name, f"is assigned in only one branch of the `if` at line {self.loc(stmt).line}")
                continue
            if not isinstance(vt, Value) and not isinstance(ve, Value) and _same_static(vt, ve):
                self.env[name] = vt
                continue
            (vt, ve), av = self.join(name, [vt, ve], [then_ops, else_ops], stmt)
            out = self.b.define(Value(name), av)
            outputs.append(out)
            ty.append(vt)
            ey.append(ve)
            self.env[name] = out
        self.b.ops.append(If(cond, Block(then_ops), Block(else_ops), ty, ey, outputs, self.loc(stmt)))

    def lower_if_returning(self, stmt, rest: list):
        """An `if` with a return inside: the statements after it continue each branch that falls
        through, so both branches end by returning and the `if` yields the result."""
        self.at(stmt)
        cond = self.condition(stmt.test)
        if isinstance(cond, bool):
            return self.lower_stmts((stmt.body if cond else stmt.orelse) + rest)
        then_ops, _, rt = self.branch(stmt.body + ([] if _always_returns(stmt.body) else rest))
        else_ops, _, re_ = self.branch(stmt.orelse + ([] if _always_returns(stmt.orelse) else rest))
        if rt is None or re_ is None:
            raise self.err(AdjitTypeError, "not every path through this `if` returns a value", stmt)
        (rt, re_), av = self.join("the result", [rt, re_], [then_ops, else_ops], stmt)
        out = self.b.define(Value(None), av)
        self.b.ops.append(If(cond, Block(then_ops), Block(else_ops), [rt], [re_], [out], self.loc(stmt)))
        return out

    def lower_guarded(self, stmts: list, loop) -> None:
        """`if not (broke or continued): stmts` for the statements after a break/continue."""
        flags = [self.env.get(loop.brk), self.env.get(loop.cont)]
        if any(f is True for f in flags):
            return  # a jump certainly happened: the rest is dead
        live = [f for f in flags if isinstance(f, Value)]
        if not live:
            self.lower_stmts(stmts, loop)
            return
        self.at(stmts[0])
        jumped = live[0] if len(live) == 1 else self.b.emit("logical_or", live)
        guard = ast.If(test=ast.Constant(True), body=[], orelse=stmts)
        ast.copy_location(guard, stmts[0])
        self.lower_if(guard, [], stmts, loop, cond=jumped)

    def check_loop_aliases(self, stmt, carried: list) -> None:
        """An array the loop writes into element-wise must not be shared with another name."""
        written = set()
        for node in ast.walk(ast.Module(body=stmt.body, type_ignores=[])):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
            for t in targets:
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                    written.add(t.value.id)
        for name in carried:
            v = self.env.get(name)
            if name in written and isinstance(v, Value) and v.type.kind == "array":
                self.check_unaliased(name, v, stmt)

    def loop_carried(self, body: list, extra: tuple = ()) -> list[str]:
        names = sorted(assigned_names(body) | set(extra))
        return [n for n in names if n in self.env and not isinstance(self.env[n], (Undefined, Method))
                and (isinstance(self.env[n], Value) or _is_number(self.env[n]))]

    def lower_loop_body(self, carried: list, init_avals: list, body_fn, node) -> tuple:
        """Lower a loop body until the carried values' types are stable (a weak Python float that
        becomes a float64 array element is widened once). Returns (params, ops, env, yields, avals)."""
        avals = list(init_avals)
        for _ in range(4):
            params = [self.b.define(Value(n), av) for n, av in zip(carried, avals)]
            saved_env, saved_ops = self.env, self.b.ops
            self.env = dict(saved_env)
            self.env.update(zip(carried, params))
            self.b.ops = []
            try:
                extra = body_fn()
                ops, env = self.b.ops, self.env
            finally:
                self.env, self.b.ops = saved_env, saved_ops
            yields = []
            for n, p in zip(carried, params):
                v = env.get(n, p)
                if isinstance(v, Undefined):
                    raise self.err(AdjitTypeError, f"'{n}' {v.why}", node)
                yields.append(v)
            vals, joined = [], []
            changed = False
            for n, p, y, av in zip(carried, params, yields, avals):
                (py, yy), j = self.join(n, [p, y], [[], ops], node)
                vals.append(yy)
                joined.append(j)
                if j.type != av.type:
                    changed = True
            if not changed:
                return params, ops, env, vals, avals, extra
            avals = joined
        raise self.err(AdjitTypeError, "the types of the loop's variables do not settle", node)

    def cast_inits(self, carried: list, avals: list, node) -> list:
        inits = []
        for n, av in zip(carried, avals):
            v = self.value(self.env[n], node)
            if v.type != av.type:
                v = self.b.emit("astype", [v], dtype=av.type.dtype)
                if av.type.weak:
                    v.type = av.type
                    self.b.avals[v.id] = av
            inits.append(v)
        return inits

    def lower_for(self, stmt: ast.For) -> None:
        self.at(stmt)
        if not isinstance(stmt.target, ast.Name):
            raise self.err(UnsupportedSyntaxError, "the loop variable must be a single name", stmt.target)
        it = stmt.iter
        over_array = None
        if isinstance(it, ast.Call) and self.expr(it.func) is range:
            if it.keywords or not 1 <= len(it.args) <= 3:
                raise self.err(UnsupportedSyntaxError, "range() takes 1 to 3 positional arguments", it)
            args = [self.expr(a) for a in it.args]
            start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        else:
            seq = self.expr(it)
            if not isinstance(seq, Value) or seq.type.kind != "array":
                raise self.err(UnsupportedSyntaxError, "for loops run over range(...) or an array's first axis", it)
            over_array = seq
            start, stop, step = 0, self.b.emit("getitem", [self.b.emit("shape", [seq]), self.b.const(0)],
                                               index=(("int", 1),)), 1
        self.at(stmt)
        start, stop, step = (self.value(x, stmt.iter) for x in (start, stop, step))
        for x in (start, stop, step):
            if x.type.kind != "scalar" or x.type.dtype not in ("int64", "int32"):
                raise self.err(AdjitTypeError, f"range() arguments must be integers, not {x.type}", stmt.iter)
        if self.b.aval(step).value == 0:
            raise self.err(AdjitError, "range() step must not be zero", stmt.iter)
        if _contains_jump(stmt.body):
            return self.lower_for_as_while(stmt, start, stop, step, over_array)
        carried = self.loop_carried(stmt.body)
        carried = [n for n in carried if n != stmt.target.id]
        self.check_loop_aliases(stmt, carried)
        init_avals = [Abstract(self.b.aval(self.value(self.env[n], stmt)).type,
                               self.b.aval(self.value(self.env[n], stmt)).shape) for n in carried]
        index = self.b.define(Value(stmt.target.id), Abstract(S.scalar_type("int64", True), ()))

        def body():
            self.env[stmt.target.id] = index
            if over_array is not None:
                self.at(stmt.target)
                self.env[stmt.target.id] = self.b.emit("getitem", [over_array, index], index=(("int", 1),))
                self.env[stmt.target.id].hint = stmt.target.id
            self.lower_stmts(stmt.body, None)

        params, ops, env, yields, avals, _ = self.lower_loop_body(carried, init_avals, body, stmt)
        self.stmt = stmt
        self.at(stmt)
        inits = self.cast_inits(carried, avals, stmt)
        outputs = [self.b.define(Value(n), av) for n, av in zip(carried, avals)]
        self.b.ops.append(For(index, start, stop, step, inits, params, Block(ops), yields, outputs, self.loc(stmt)))
        for n in assigned_names(stmt.body) | {stmt.target.id}:
            if n not in carried:
                self.env[n] = Undefined(n, f"is assigned only inside the loop at line {self.loc(stmt).line}; "
                                           "assign it before the loop to use it after")
        self.env.update(zip(carried, outputs))

    def lower_for_as_while(self, stmt, start, stop, step, over_array) -> None:
        """A for loop with break/continue: a while loop over its index with break/continue flags."""
        counter = f"_{stmt.target.id}_next"
        self.env[counter] = start
        test = _loop_test(counter, stop, step)
        self.lower_while(stmt, counter=(counter, stmt.target.id, step, over_array, test))

    def lower_while(self, stmt, counter=None) -> None:
        self.at(stmt)
        self._loops = getattr(self, "_loops", 0) + 1
        frame = LoopFrame(jumps=_contains_jump(stmt.body), brk=f"_break{self._loops}", cont=f"_continue{self._loops}")
        extra = (counter[0],) if counter else ()
        if frame.jumps:
            self.env[frame.brk] = False
            extra += (frame.brk,)
        carried = self.loop_carried(stmt.body, extra)
        self.check_loop_aliases(stmt, carried)
        if counter:
            carried = [n for n in carried if n != counter[1]]
        init_avals = []
        for n in carried:
            av = self.b.aval(self.value(self.env[n], stmt)) if not isinstance(self.env[n], bool) else None
            if av is None:  # a flag starting as a Python bool
                self.env[n] = self.b.const(bool(self.env[n]))
                av = self.b.aval(self.env[n])
            init_avals.append(Abstract(av.type, av.shape))
        cond_holder = {}

        def body():
            if counter is None:
                self.b.loc = self.loc(stmt.test)
                c = self.condition(stmt.test)
            else:
                c = counter[4](self)
            if frame.jumps:
                c = c if not isinstance(c, bool) else self.b.const(c)
                c = self.b.emit("logical_and", [c, self.b.emit("logical_not", [self.value(self.env[frame.brk], stmt)])])
            if isinstance(c, bool):
                if c:
                    raise self.err(UnsupportedSyntaxError, "`while True` needs a data-dependent exit", stmt)
                c = self.b.const(False)
            cond_holder["cond"] = c
            cond_ops = self.b.ops
            self.b.ops = []
            if frame.jumps:
                self.env[frame.cont] = False
            if counter is not None:
                name, target, stp, arr, _ = counter
                idx = self.value(self.env[name], stmt)
                self.env[target] = idx
                if arr is not None:
                    self.env[target] = self.b.emit("getitem", [arr, idx], index=(("int", 1),))
                    self.env[target].hint = target
                self.env[name] = self.b.emit("add", [idx, stp])
            self.lower_stmts(stmt.body, frame)
            return cond_ops

        params, ops, env, yields, avals, cond_ops = self.lower_loop_body(carried, init_avals, body, stmt)
        self.stmt = stmt
        self.at(stmt)
        inits = self.cast_inits(carried, avals, stmt)
        outputs = [self.b.define(Value(n), av) for n, av in zip(carried, avals)]
        self.b.ops.append(While(inits, params, Block(cond_ops), cond_holder["cond"], Block(ops), yields, outputs,
                                self.loc(stmt)))
        for n in assigned_names(stmt.body) | ({counter[1]} if counter else set()):
            if n not in carried:
                self.env[n] = Undefined(n, f"is assigned only inside the loop at line {self.loc(stmt).line}; "
                                           "assign it before the loop to use it after")
        self.env.update(zip(carried, outputs))
        for flag in (frame.brk, frame.cont, extra[0] if counter else None):
            self.env.pop(flag, None)

    def assign(self, target, val, node) -> None:
        if isinstance(target, ast.Name):
            if isinstance(val, Value) and val.hint is None:
                val.hint = target.id
            self.env[target.id] = val
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.unpack(val, len(target.elts), node)
            for t, v in zip(target.elts, items):
                self.assign(t, v, node)
        elif isinstance(target, ast.Subscript):
            if not isinstance(target.value, ast.Name):
                raise self.err(UnsupportedSyntaxError, "only `name[index] = value` writes are supported", target)
            base = self.expr(target.value)
            if not isinstance(base, Value) or base.type.kind != "array":
                raise self.err(AdjitTypeError, f"cannot write into {_describe(base)}", target)
            self.check_unaliased(target.value.id, base, target)
            index, ints = self.index_of(target.slice)
            self.at(target)
            new = self.b.emit("index_update", [base, self.value(val, node)] + ints, index=_shift_index(index, 1))
            new.hint = target.value.id
            self.env[target.value.id] = new
        else:
            raise self.err(UnsupportedSyntaxError, f"cannot assign to {type(target).__name__}", target)

    def check_unaliased(self, name: str, base: Value, node) -> None:
        """A write through `name` must not be visible through another name: adjit's arrays are
        values, so NumPy's sharing (y = x, y = x[1:]) would silently differ. Ask for a copy."""
        others = sorted(n for n, v in self.env.items() if v is base and n != name and not n.startswith("_"))
        viewed = self.b.view_of.get(base.id)
        if viewed is not None:
            holder = sorted(n for n, v in self.env.items() if v is viewed and not n.startswith("_"))
            others += [f"{h} (of which it is a view)" for h in holder]
        if others or (viewed is not None and viewed in self.params):
            shared = ", ".join(others) or "an argument"
            raise self.err(UnsupportedSyntaxError, f"writing into '{name}' would also change {shared}", node,
                           hint=f"write into a copy: {name} = {name}.copy() first (adjit treats arrays as values)")

    def unpack(self, val, n, node) -> list:
        if isinstance(val, tuple):
            items = list(val)
        elif isinstance(val, Value) and val.type.kind == "tuple":
            self.at(node)
            items = [self.b.emit("getitem", [val, self.b.const(k)], index=(("int", 1),)) for k in range(len(val.type.elems))]
        else:
            raise self.err(UnsupportedSyntaxError, "only tuples can be unpacked (arrays cannot)", node)
        if len(items) != n:
            raise self.err(AdjitTypeError, f"cannot unpack {len(items)} values into {n} names", node)
        return items

    # -- expressions
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
        if hasattr(builtins, ident):
            return getattr(builtins, ident)
        raise self.err(AdjitNameError, f"name '{ident}' is not defined", node)

    def expr(self, node):
        if isinstance(node, ast.Name):
            val = self.name(node.id, node)
            if isinstance(val, np.ndarray):
                raise self.err(AdjitTypeError, f"global array '{node.id}' cannot be captured", node,
                               hint="pass it as an argument instead")
            return val
        if isinstance(node, ast.Constant):
            if node.value is None or _is_number(node.value):
                return node.value
            raise self.err(UnsupportedSyntaxError, f"{type(node.value).__name__} constants are not supported", node)
        if isinstance(node, ast.Tuple) or isinstance(node, ast.List):
            return tuple(self.expr(e) for e in node.elts)
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left), self.expr(node.right)
            self.at(node)
            return self.binop(type(node.op), left, right, node)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            self.at(node)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.USub):
                if _is_number(operand):
                    return -operand
                return self.b.emit("neg", [self.value(operand, node)])
            if isinstance(node.op, (ast.Not, ast.Invert)):
                if _is_number(operand):
                    return not operand
                return self.b.emit("logical_not", [self.value(operand, node)])
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1:
                raise self.err(UnsupportedSyntaxError, "chained comparisons are not supported", node,
                               hint="split `a < b < c` into (a < b) & (b < c)")
            left, right = self.expr(node.left), self.expr(node.comparators[0])
            op = _CMPOPS.get(type(node.ops[0]))
            if op is None:
                raise self.err(UnsupportedSyntaxError, f"comparison {type(node.ops[0]).__name__} is not supported", node)
            self.at(node)
            return self.b.emit(op, [self.value(left, node), self.value(right, node)])
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value), node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        what = {ast.IfExp: f"conditional expressions: {_CONTROL_FLOW_HINT}",
                ast.Lambda: "lambda expressions are not supported",
                ast.ListComp: "comprehensions are not supported", ast.GeneratorExp: "generators are not supported",
                ast.Dict: "dicts are not supported", ast.JoinedStr: "strings are not supported",
                ast.BoolOp: "`and` / `or` are not supported; use & and | on boolean arrays"}.get(
            type(node), f"{type(node).__name__} expressions are not supported")
        raise self.err(UnsupportedSyntaxError, what, node)

    def binop(self, optype, left, right, node):
        prim = _BINOPS.get(optype)
        if prim is None:
            raise self.err(UnsupportedSyntaxError, f"operator {optype.__name__} is not supported", node)
        if _is_number(left) and _is_number(right) and prim in _PY_BINOPS:
            return _PY_BINOPS[prim](left, right)
        self.at(node)
        return self.b.emit(prim, [self.value(left, node), self.value(right, node)])

    def attribute(self, base, node):
        attr = node.attr
        if isinstance(base, Value):
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
            if attr in ("sum", "mean", "max", "min", "reshape", "transpose", "astype", "copy"):
                return Method(attr, base)
            raise self.err(UnsupportedSyntaxError, f"attribute .{attr} is not supported", node)
        if isinstance(base, (types.ModuleType, type)) or base is np or hasattr(base, attr):
            try:
                return getattr(base, attr)
            except AttributeError:
                pass
        raise self.err(AdjitNameError, f"{_describe(base)} has no attribute '{attr}'", node)

    def subscript(self, node):
        base = self.expr(node.value)
        sl = node.slice
        if isinstance(base, tuple):
            k = self.static(self.expr(sl), sl, "a tuple index")
            return base[k]
        if not isinstance(base, Value):
            raise self.err(AdjitTypeError, f"cannot index {_describe(base)}", node)
        if base.type.kind == "tuple":
            k = self.static(self.expr(sl), sl, "a tuple index")
            self.at(node)
            return self.b.emit("getitem", [base, self.b.const(k)], index=(("int", 1),))
        index, ints = self.index_of(sl)
        self.at(node)
        return self.b.emit("getitem", [base] + ints, index=index)

    def index_of(self, sl) -> tuple:
        """An index expression as (index spec, int values); see primitives' getitem."""
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        ints: list = []
        index = []

        def int_input(e):
            v = self.value(self.expr(e), e)
            if v.type.kind != "scalar" or v.type.dtype not in ("int64", "int32"):
                if v.type.kind == "array":
                    raise self.err(UnsupportedSyntaxError, "indexing with an array (fancy indexing) is not supported", e)
                raise self.err(AdjitTypeError, f"array indices must be integers, not {v.type}", e)
            ints.append(v)
            return len(ints)

        for it in items:
            if isinstance(it, ast.Slice):
                index.append(("slice",) + tuple(None if e is None else int_input(e) for e in (it.lower, it.upper, it.step)))
            elif isinstance(it, ast.Constant) and it.value is None:
                index.append(("none",))
            elif isinstance(it, ast.Constant) and it.value is Ellipsis:
                raise self.err(UnsupportedSyntaxError, "`...` in an index is not supported", it)
            else:
                index.append(("int", int_input(it)))
        return tuple(index), ints

    # -- calls
    def call(self, node: ast.Call):
        func = self.expr(node.func)
        args = [self.expr(a) for a in node.args]
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(UnsupportedSyntaxError, "*args in a call is not supported", node)
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.err(UnsupportedSyntaxError, "**kwargs in a call is not supported", node)
            kwargs[kw.arg] = self.expr(kw.value)
        self.at(node)
        if isinstance(func, Method):
            return self.method(func, args, kwargs, node)
        prim = _sources().get(id(func))
        if prim is not None:
            return self.prim_call(prim, func, args, kwargs, node)
        if func in (float, np.float64, np.float32) and len(args) == 1 and not kwargs:
            if _is_number(args[0]):
                return float(args[0]) if func is float else func(args[0])
            return self.b.emit("astype", [self.value(args[0], node)], dtype=_DTYPES[func])
        if getattr(func, "__adjit_primitive__", None) == "stop_gradient":
            if len(args) != 1 or kwargs:
                raise self.err(ArgumentError, "stop_gradient takes one argument", node)
            return self.b.emit("stop_gradient", [self.value(args[0], node)])
        if isinstance(func, types.FunctionType):
            return self.inline(func, args, kwargs, node)
        raise self.err(AdjitNameError, f"{_describe(func)} is not supported by adjit", node.func,
                       hint="see docs/supported.md for the supported NumPy subset")

    def method(self, m: Method, args, kwargs, node):
        x = m.obj
        if m.name in ("sum", "mean", "max", "min"):
            return self.reduction(m.name, x, args, kwargs, node)
        if m.name == "reshape":
            shape = args[0] if len(args) == 1 else tuple(args)
            return self.b.emit("reshape", [x, self.value(shape if isinstance(shape, (tuple, Value)) else (shape,), node)])
        if m.name == "transpose":
            axes = args[0] if len(args) == 1 else (tuple(args) if args else None)
            return self.transpose(x, axes, node)
        if m.name == "astype":
            return self.b.emit("astype", [x], dtype=self.dtype(args[0] if args else kwargs.get("dtype"), node))
        if m.name == "copy":  # a new value: writes into it are not writes into x
            return self.b.emit("astype", [x], dtype=x.type.dtype)
        raise self.err(UnsupportedSyntaxError, f"method .{m.name}() is not supported", node)

    def reduction(self, prim, x, args, kwargs, node):
        names = ("axis", "dtype", "out", "keepdims")
        params = dict(zip(names, args))
        params.update(kwargs)
        unknown = set(params) - {"axis", "keepdims"}
        if unknown - {"dtype", "out"} or params.get("dtype") is not None or params.get("out") is not None:
            raise self.err(UnsupportedSyntaxError, f"np.{prim}: only `axis` and `keepdims` are supported", node)
        return self._reduce(prim, x, params.get("axis"), params.get("keepdims", False), node)

    def _reduce(self, prim, x, axis, keepdims, node):
        from .shapes import normalize_axis

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

    def prim_call(self, prim, func, args, kwargs, node):
        def bind(*names, **defaults):
            if len(args) > len(names):
                raise self.err(ArgumentError, f"{_describe(func)} takes at most {len(names)} arguments here", node)
            bound = dict(defaults)
            bound.update(zip(names, args))
            for k, v in kwargs.items():
                if k not in names:
                    raise self.err(UnsupportedSyntaxError, f"{_describe(func)}: argument '{k}' is not supported", node)
                bound[k] = v
            missing = [n for n in names if n not in bound]
            if missing:
                raise self.err(ArgumentError, f"{_describe(func)} is missing argument '{missing[0]}'", node)
            return [bound[n] for n in names]

        v = lambda x: self.value(x, node)  # noqa: E731
        if prim in ("sum", "mean", "max", "min"):
            x, axis, keepdims = bind("a", "axis", "keepdims", axis=None, keepdims=False)
            return self._reduce(prim, x, axis, keepdims, node)
        if prim in ("maximum", "minimum") and func in (max, min):
            if len(args) != 2 or kwargs:
                raise self.err(UnsupportedSyntaxError, f"{func.__name__}() takes exactly two arguments here", node,
                               hint=f"use np.{func.__name__} for reductions")
        if prim == "clip":
            x, lo, hi = bind("a", "a_min", "a_max")
            if lo is None and hi is None:
                raise self.err(ArgumentError, "np.clip needs a_min or a_max", node)
            if lo is None:
                return self.b.emit("minimum", [v(x), v(hi)])
            if hi is None:
                return self.b.emit("maximum", [v(x), v(lo)])
            return self.b.emit("clip", [v(x), v(lo), v(hi)])
        if prim == "matmul":
            a, c = bind("a", "b")
            if func is np.dot and (_is_number(a) or _is_number(c) or v(a).type.rank == 0 or v(c).type.rank == 0):
                return self.b.emit("mul", [v(a), v(c)])
            return self.b.emit("matmul", [v(a), v(c)])
        if prim == "transpose":
            x, axes = bind("a", "axes", axes=None)
            return self.transpose(x, axes, node)
        if prim == "reshape":
            x, shape = bind("a", "newshape" if "newshape" in kwargs else "shape")
            return self.b.emit("reshape", [v(x), v(shape if isinstance(shape, (tuple, Value)) else (shape,))])
        if prim == "broadcast_to":
            x, shape = bind("array", "shape")
            return self.b.emit("broadcast_to", [v(x), v(shape if isinstance(shape, (tuple, Value)) else (shape,))])
        if prim == "expand_dims":
            x, axis = bind("a", "axis")
            axis = self.static(axis, node, "axis")
            axis = (axis,) if isinstance(axis, int) else tuple(axis)
            nd = v(x).type.rank + len(axis)
            return self.b.emit("expand_dims", [v(x)], axis=tuple(sorted(a % nd for a in axis)))
        if prim == "arange":
            if kwargs or not 1 <= len(args) <= 3:
                raise self.err(ArgumentError, "np.arange takes (stop), (start, stop) or (start, stop, step) here", node)
            start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
            return self.b.emit("arange", [v(start), v(stop), v(step)])
        if prim in ("zeros", "ones"):
            shape, dtype = bind("shape", "dtype", dtype=float)
            return self.b.emit(prim, [v(shape if isinstance(shape, (tuple, Value)) else (shape,))], dtype=self.dtype(dtype, node))
        if prim in ("zeros_like", "ones_like"):
            x, dtype = bind("a", "dtype", dtype=None)
            xv = v(x)
            return self.b.emit(prim, [xv], dtype=xv.type.dtype if dtype is None else self.dtype(dtype, node))
        if prim == "full":
            shape, fill, dtype = bind("shape", "fill_value", "dtype", dtype=None)
            shape_v = v(shape if isinstance(shape, (tuple, Value)) else (shape,))
            attrs = {} if dtype is None else {"dtype": self.dtype(dtype, node)}
            return self.b.emit("full", [shape_v, v(fill)], **attrs)
        if prim in ("shape", "size"):
            (x,) = bind("a")
            return self.b.emit(prim, [v(x)])
        if func is math.log and len(args) == 2:
            raise self.err(UnsupportedSyntaxError, "math.log with a base is not supported; divide by math.log(base)", node)
        if func is np.where and len(args) != 3:
            raise self.err(UnsupportedSyntaxError, "np.where needs three arguments (condition, x, y)", node)
        p = P.PRIMITIVES[prim]
        arity = _ARITY.get(prim, 1)
        if len(args) != arity or kwargs:
            raise self.err(ArgumentError, f"{_describe(func)} takes {arity} positional argument(s) here", node)
        if all(_is_number(a) for a in args) and isinstance(func, types.BuiltinFunctionType) and func.__module__ == "math":
            return func(*args)
        return self.b.emit(p.name, [v(a) for a in args])

    def inline(self, func, args, kwargs, node):
        """Calls of other plain Python functions are differentiated through by inlining them."""
        if func in self.stack:
            raise self.err(UnsupportedSyntaxError, f"recursive call of {func.__name__} is not supported", node)
        callee = parse(func)
        sig = inspect.signature(func)
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise self.err(ArgumentError, f"{func.__name__}(): {e}", node) from None
        bound.apply_defaults()
        sub = Lowerer(callee, self.b, self.stack)
        for name, val in bound.arguments.items():
            sub.env[name] = val
        outer_loc = self.b.loc
        try:
            result = sub.lower_body(callee.node.body)
        except AdjitError as e:  # say where the user's code called the function that failed
            raise e.called_from(self.loc(node), func.__name__) from None
        self.b.loc = outer_loc
        return result


@dataclass
class Undefined:
    """A name bound on some paths only: using it is an error that says why."""

    name: str
    why: str


_UNDEFINED = object()


@dataclass
class LoopFrame:
    """The flags a loop with break/continue carries."""

    jumps: bool
    brk: str
    cont: str


def _same_static(a, b) -> bool:
    return type(a) is type(b) and a == b


def _shift_index(index: tuple, by: int) -> tuple:
    return tuple((it[0],) + tuple(None if k is None else k + by for k in it[1:]) for it in index)


def _loop_test(counter: str, stop, step):
    """The condition of a for loop turned while loop: counter < stop (or > for negative steps)."""

    def test(low: "Lowerer"):
        i = low.value(low.env[counter], None)
        negative = low.b.aval(step).value is not None and low.b.aval(step).value < 0
        return low.b.emit("gt" if negative else "lt", [i, stop])

    return test


_ARITY = {"add": 2, "sub": 2, "mul": 2, "div": 2, "pow": 2, "maximum": 2, "minimum": 2, "where": 3,
          "outer": 2, "logical_and": 2, "logical_or": 2}


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


def lower(parsed: ParsedFunction, arg_avals: list[Abstract]) -> tuple[Function, Builder]:
    """Lower `parsed` for arguments with the given abstract values into a typed IR Function."""
    b = Builder()
    params = []
    for name, av in zip(parsed.param_names, arg_avals):
        params.append(b.define(Value(name), av))
    low = Lowerer(parsed, b)
    low.params = params
    for name, p in zip(parsed.param_names, params):
        low.env[name] = p
    result = low.lower_body(parsed.node.body)
    ret = parsed.node.body[-1]
    result_loc = parsed.loc(ret.value, ret)
    if result.hint is None or any(result is p for p in params):
        if result.hint is None:
            result.hint = parsed.name
    fn = Function(parsed.name, params, list(parsed.param_names), Block(b.ops), [result],
                  parsed.filename, parsed.firstline, result_loc, b.avals)
    return fn, b
