"""`try: ... except np.linalg.LinAlgError:` as the branch Python takes (issue 12: the retries and
fallbacks numerical code writes around a Cholesky).

Compiled code cannot run a handler when an operation fails, but the operations that raise
LinAlgError can be asked first whether they will: np.linalg.cholesky (not positive definite),
np.linalg.inv and np.linalg.solve (exactly singular), each tested by calling the same LAPACK
routine (runtime/checks.py, the `cholesky_ok` and `lu_ok` rows of primitives/linalg.py). The
function's AST is rewritten when it is parsed, before anything reads it:

    try:                                     A
        A                                    _adjit_try1 = K + jitter * I
        L = np.linalg.cholesky(K + jitter*I) if cholesky_ok(_adjit_try1):
        B                                        L = np.linalg.cholesky(_adjit_try1)
    except np.linalg.LinAlgError:                B
        H                                        E  (the try's else:)
    else:                                    else:
        E                                        H
    finally:                                 F
        F

with one such test per raising call of the body, in order (the rest of the body nested in the
test's true branch, the handler in each false branch; a handler that always leaves by return,
raise, break or continue is `if not ok: H` before the call, the rest of the body after it). Exact: the branch taken is the one Python
takes; the derivative is that of the path taken (the test is a bool, the handler's values
differentiated as any branch's).

Refused, with a located error and a rewrite: handlers of other exception types (`except
Exception`, bare `except:`, ValueError: compiled code does not raise Python's exceptions where
NumPy would, nor can it ask each operation), a name bound by `as` and read in the handler, a raising
call inside a block nested in the body or two in one statement, a call in the body of a function of
the user's (it may raise inside) or of another np.linalg/scipy.linalg function (eigh, svd, lstsq:
failures to converge cannot be asked first), and `finally:` together with return/break/continue."""
from __future__ import annotations

import ast
import builtins
import copy
import types

import numpy as np

from ..errors import UnsupportedSyntaxError

_TESTED = {np.linalg.cholesky: "cholesky", np.linalg.inv: "lu", np.linalg.solve: "lu"}
# np.linalg / scipy.linalg functions that never raise LinAlgError for a square float input
_SAFE = {"det", "slogdet", "norm", "multi_dot", "matrix_power", "trace", "outer", "cross", "matmul", "vector_norm",
         "matrix_norm", "diagonal", "matrix_transpose", "tensordot", "vecdot"}
_HINT = ("catch np.linalg.LinAlgError around np.linalg.cholesky, inv or solve (each asked first whether it raises), "
         "or test the condition with `if` before the call")


# the tests the rewritten AST calls, by names no user's name can be (expressions.py resolves them)
TRY_TESTS = frozenset({"<try cholesky_ok>", "<try lu_ok>"})


def try_test(name: str):
    """The function a TRY_TESTS name calls (primitives/linalg.py's row sources, imported when a
    program is lowered: `import adjit` leaves the primitives table unimported)."""
    from ..primitives.linalg import cholesky_ok, lu_ok

    return {"<try cholesky_ok>": cholesky_ok, "<try lu_ok>": lu_ok}[name]


def rewrite_tries(parsed) -> None:
    """Every try statement of the parsed function (and of functions nested in it), rewritten."""
    if any(isinstance(n, ast.Try) for n in ast.walk(parsed.node)):
        _Rewriter(parsed).body_of(parsed.node)


class _Rewriter:
    def __init__(self, parsed):
        self.parsed = parsed
        self.count = 0

    def err(self, what, node, hint=_HINT):
        return UnsupportedSyntaxError(what, self.parsed.loc(node), hint)

    def body_of(self, node) -> None:
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                setattr(node, field, self.stmts(stmts))
        for h in getattr(node, "handlers", []):
            h.body = self.stmts(h.body)

    def stmts(self, stmts: list) -> list:
        out = []
        for st in stmts:
            if isinstance(st, ast.Try):
                out.extend(self.rewrite(st))
                continue
            if isinstance(st, (ast.If, ast.For, ast.While, ast.With, ast.FunctionDef)):
                self.body_of(st)
            out.append(st)
        return out

    # -- one try statement
    def rewrite(self, st: ast.Try) -> list:
        if not st.handlers:  # try/finally alone: the body, then the finally block
            return self._finally(st, self.stmts(st.body) + self.stmts(st.orelse))
        for h in st.handlers:
            self._check_handler(h)
        handler = self.stmts(st.handlers[0].body) or [ast.copy_location(ast.Pass(), st)]
        body = self.split(self.stmts(st.body), handler, self.stmts(st.orelse))
        return self._finally(st, body)

    def _finally(self, st: ast.Try, body: list) -> list:
        if not st.finalbody:
            return body
        jumps = (ast.Return, ast.Break, ast.Continue)
        for n in ast.walk(ast.Module(body=body, type_ignores=[])):
            if isinstance(n, jumps):
                raise self.err("`finally:` together with return, break or continue in the try statement is not "
                               "supported", n, hint="move the finally block's statements before the jump")
        return body + self.stmts(st.finalbody)

    def _check_handler(self, h: ast.ExceptHandler) -> None:
        types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for t in types:
            if t is None or self._resolve(t) is not np.linalg.LinAlgError:
                what = "a bare `except:`" if t is None else f"`except {ast.unparse(t)}`"
                raise self.err(f"{what}: adjit can run a handler only for np.linalg.LinAlgError (compiled code asks "
                               "np.linalg.cholesky, inv and solve first whether they raise it; other exceptions are "
                               "not raised where NumPy raises them)", h if t is None else t)
        if h.name and any(isinstance(n, ast.Name) and n.id == h.name for b in h.body for n in ast.walk(b)):
            raise self.err(f"the exception object '{h.name}' is not available in compiled code", h,
                           hint=f"drop `as {h.name}` and its uses")

    def split(self, stmts: list, handler: list, orelse: list) -> list:
        for i, s in enumerate(stmts):
            calls = self._raising_calls(s)
            if not calls:
                continue
            if not isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
                raise self.err("a call that may raise LinAlgError inside a block nested in a try body is not supported",
                               calls[0], hint="move the call to the try body's own statements")
            if len(calls) > 1:
                raise self.err("two calls that may raise LinAlgError in one statement of a try body", calls[1],
                               hint="give each its own statement")
            call, kind = calls[0]
            if not call.args or call.keywords:
                raise self.err("write the matrix as the first positional argument here", call)
            self.count += 1
            tmp = f"_adjit_try{self.count}"
            arg = ast.copy_location(ast.Assign(targets=[ast.Name(tmp, ast.Store())], value=call.args[0]), s)
            call.args[0] = ast.copy_location(ast.Name(tmp, ast.Load()), call)
            test = ast.copy_location(ast.Call(func=ast.Name(f"<try {kind}_ok>", ast.Load()),
                                              args=[ast.Name(tmp, ast.Load())], keywords=[]), call)
            rest = self.split(stmts[i + 1:], handler, orelse)
            if _ends_in_jump(handler):  # `except LinAlgError: return -np.inf`: the test first, the rest after it
                fail = ast.copy_location(ast.UnaryOp(op=ast.Not(), operand=test), call)
                out = stmts[:i] + [arg, ast.copy_location(ast.If(test=fail, body=copy.deepcopy(handler), orelse=[]), s),
                                   s] + rest
            else:
                out = stmts[:i] + [arg, ast.copy_location(ast.If(test=test, body=[s] + rest,
                                                                 orelse=copy.deepcopy(handler)), s)]
            for n in out:
                ast.fix_missing_locations(n)
            return out
        return stmts + orelse

    def _raising_calls(self, s) -> list:
        """[(call, 'cholesky' | 'lu')] of the calls in s that may raise LinAlgError; a located error
        for a call adjit cannot ask (a function of the user's, another linalg function)."""
        found = []
        for n in ast.walk(s):
            if isinstance(n, (ast.FunctionDef, ast.Lambda)):
                raise self.err("a function defined inside a try body is not supported", n)
            if not isinstance(n, ast.Call):
                continue
            fn = self._resolve(n.func)
            kind = _TESTED.get(fn) if _hashable(fn) else None
            if kind is not None:
                found.append((n, kind))
                continue
            mod = getattr(fn, "__module__", None) or ""
            name = getattr(fn, "__name__", "")
            if mod.startswith(("numpy.linalg", "scipy.linalg")) and name not in _SAFE:
                raise self.err(f"`{ast.unparse(n.func)}` inside a try body: adjit cannot ask it first whether it "
                               "raises LinAlgError", n.func)
            if fn is _UNKNOWN or fn is _LOCAL and isinstance(n.func, ast.Name) or isinstance(fn, types.FunctionType) \
                    and not mod.startswith(("numpy", "scipy", "math")):
                raise self.err(f"the call of `{ast.unparse(n.func)}` inside a try body: adjit cannot ask it first "
                               "whether it raises LinAlgError", n.func,
                               hint="call it before the try, or put the try/except inside it around np.linalg.cholesky, "
                                    "inv or solve")
        return [(c, k) for c, k in found]

    def _resolve(self, node):
        """A name or attribute chain's object when it is a module-level or builtin one (np.linalg.cholesky,
        LinAlgError), _LOCAL for a method of a value of the function (K.sum), else _UNKNOWN."""
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            if base is _LOCAL or base is _UNKNOWN:
                return _LOCAL if base is _LOCAL else _UNKNOWN
            return getattr(base, node.attr, _UNKNOWN)
        if isinstance(node, ast.Name):
            if node.id in self._locals():
                return _LOCAL
            fn = self.parsed.fn
            free = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
            if node.id in free:
                try:
                    return free[node.id].cell_contents
                except ValueError:
                    return _UNKNOWN
            if node.id in self.parsed.globals:
                return self.parsed.globals[node.id]
            return getattr(builtins, node.id, _UNKNOWN)
        return _LOCAL  # a call's result, a subscript: a value of the function

    def _locals(self) -> set:
        names = getattr(self, "_names", None)
        if names is None:
            node = self.parsed.node
            names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            self._names = names
        return names


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_LOCAL = _Marker("a value of the function")
_UNKNOWN = _Marker("unknown")


def _ends_in_jump(stmts: list) -> bool:
    """Whether the statements always leave by return, raise, break or continue."""
    last = stmts[-1] if stmts else None
    if isinstance(last, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
        return True
    return isinstance(last, ast.If) and _ends_in_jump(last.body) and _ends_in_jump(last.orelse)


def _hashable(x) -> bool:
    try:
        hash(x)
        return True
    except TypeError:
        return False
