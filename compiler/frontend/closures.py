"""Nested functions and lambdas bound to names (inlined where they are called, reading the
enclosing names as they are at the call, as Python's closures do), and the NumPy calls made as
statements for what they write: `np.fill_diagonal(a, v)`, `np.copyto(dst, src)`,
`np.add.at(a, idx, v)` and `np.subtract.at` (unbuffered: a duplicated index adds each time), and
`np.maximum.at` (minimum, fmax, fmin, multiply) as the loop NumPy's unbuffered update is."""
from __future__ import annotations

import ast
import importlib
import types

import numpy as np

from ..errors import AdjitError, AdjitNameError, AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..ir import Value
from .expressions import MAX_RECURSION, MAX_RECURSIVE_CALLS, _describe, _library, _shift_index
from .parse import ParsedFunction, assigned_names
from .staticloops import StaticLoops
from .values import LocalFunction, Method


_AT_AS_LOOP = (np.maximum, np.minimum, np.fmax, np.fmin, np.multiply)  # ufunc.at lowered as its loop


class LocalFunctions(StaticLoops):
    """The Lowerer's half for functions defined inside the function being lowered (a for loop
    carrying a compile-time Python value, staticloops.py, comes in through this class's base, so
    that it is asked before structures.py's loops)."""

    def local_function(self, node: ast.FunctionDef) -> LocalFunction:
        """A `def` statement: its defaults evaluated now, as Python does."""
        args = node.args
        defaults = {}
        for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults):
            defaults[a.arg] = self.expr(d)
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                defaults[a.arg] = self.expr(d)
        return LocalFunction(node, defaults, self.env, self.parsed)

    def local_class(self, stmt: ast.ClassDef):
        """A `class` statement inside the function: the class made now by Python, from the
        statement's own lines (its methods keep their file and line numbers, so they are read and
        inlined as a module-level class's are), in the function's module globals. A name of the
        function's own (a parameter, a value it computed) read by the class body is the located
        error: the class would close over a value adjit computes only when the function runs."""
        import copy

        outer = assigned_names(self.parsed.node.body) | {a.arg for a in ast.walk(self.parsed.node.args)
                                                          if isinstance(a, ast.arg)}
        own = assigned_names(stmt.body) | {n.arg for n in ast.walk(stmt) if isinstance(n, ast.arg)}
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in outer and n.id not in own \
                    and n.id not in self.parsed.globals:
                raise self.err(UnsupportedSyntaxError, f"the class {stmt.name} defined inside the function reads "
                               f"'{n.id}', a name of the function", n,
                               hint=f"pass {n.id} to the class (an argument of __init__ or of the method), or define "
                                    "the class at module level")
        node = copy.deepcopy(stmt)
        ast.increment_lineno(node, self.parsed.firstline - 1)
        for sub in ast.walk(node):  # the dedented source's columns back to the file's
            if hasattr(sub, "col_offset"):
                sub.col_offset += self.parsed.indent
                if getattr(sub, "end_col_offset", None) is not None:
                    sub.end_col_offset += self.parsed.indent
        # classes made earlier in the function, for its bases (`class Deep(Layer)` after `class Layer`)
        made: dict = {n: v for n, v in self.env.items() if isinstance(v, type) and isinstance(n, str)}
        try:
            # and for its methods (`L1.apply(self, v)` in a subclass's method: Python reads L1 from the
            # function's scope, a cell): module globals with those classes, for this class's methods
            space = {**self.parsed.globals, **made} if made else self.parsed.globals
            exec(compile(ast.Module(body=[node], type_ignores=[]), self.parsed.filename, "exec"), space, made)
        except Exception as e:  # noqa: BLE001 - Python's own error making the class, located
            raise self.err(AdjitTypeError, f"making the class {stmt.name}: {type(e).__name__}: {e}", stmt) from None
        self._local_classes = {**getattr(self, "_local_classes", {}), stmt.name: made[stmt.name]}
        return made[stmt.name]

    def python_statement(self, stmt) -> None:
        """`import scipy.linalg`, `from scipy.special import gammaln as lg`: the names bound when the
        call is compiled, as Python binds them. `assert cond, msg`: decided when compiled where the
        condition is (shapes, options); a condition on the values of unchanged arguments is checked
        by Python before every call (captures.py); any other is checked where it stands when the
        function runs (the `check` row: AssertionError(msg), a run-time f-string as its template)."""
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                module = importlib.import_module(a.name)
                if a.asname:
                    self.env[a.asname] = module
                else:  # `import scipy.linalg` binds `scipy`
                    self.env[a.name.split(".")[0]] = importlib.import_module(a.name.split(".")[0])
            return
        if isinstance(stmt, ast.ImportFrom):
            module = importlib.import_module(stmt.module)
            for a in stmt.names:
                try:
                    value = getattr(module, a.name)
                except AttributeError:
                    value = importlib.import_module(f"{stmt.module}.{a.name}")
                self.env[a.asname or a.name] = value
            return
        if isinstance(stmt, ast.Raise):  # reached when compiled on the function's own path: raised then
            exc = self._exception(stmt.exc, stmt)
            if self.b.ops is not getattr(self.b, "top_ops", None):
                # in a branch or loop decided when the function runs (`if not np.isfinite(x).all(): raise
                # ValueError(...)`): raised there if that path runs, as Python would (the `check` row); a
                # builtin exception class, which the generated code names
                if type(exc).__module__ != "builtins" or stmt.cause is not None:
                    raise self.err(UnsupportedSyntaxError, f"`raise {type(exc).__name__}` inside a branch or loop "
                                   "decided when the function runs (adjit raises Python's built-in exceptions there)",
                                   stmt, hint="raise ValueError, RuntimeError, ... (a built-in exception) there")
                msg = str(exc.args[0]) if len(exc.args) == 1 else (str(exc.args) if exc.args else None)
                self.at(stmt)
                self.b.emit("check", [self.b.emit("astype", [self.b.const(0)], dtype="bool")],
                            exc=type(exc).__name__, msg=msg)
                return
            raise exc
        if id(stmt) in getattr(self.parsed, "checked_asserts", ()):
            return  # Python checks it before the call (captures.py)
        cond = self.expr(stmt.test)
        if isinstance(cond, Value) and self.b.aval(cond).value is not None:  # x.shape == (3,): known now
            cond = bool(np.all(self.b.aval(cond).value))
        if isinstance(cond, Value):  # known when the function runs: checked there (the `check` row)
            if cond.type.kind != "scalar":
                raise self.err(AdjitTypeError, f"the truth value of an array ({cond.type}) is ambiguous", stmt.test,
                               hint="reduce it first: assert np.all(...) or assert np.any(...)")
            return self._runtime_assert(stmt, cond)
        if not cond and self.b.ops is not getattr(self.b, "top_ops", self.b.ops):
            # false when compiled, inside a branch or loop decided when the function runs (`for ... else:
            # assert False, "none found"`): raised there only if that path runs, as Python would
            cond = self.b.emit("astype", [self.b.const(0)], dtype="bool")
            return self._runtime_assert(stmt, cond)
        if not cond:
            try:
                msg = None if stmt.msg is None else self._fstring(stmt.msg) if isinstance(stmt.msg, ast.JoinedStr) \
                    else self.expr(stmt.msg)
            except AdjitError:
                msg = None
            if stmt.msg is not None and not isinstance(msg, str):  # known only at run time: its text
                msg = ast.unparse(stmt.msg)
            raise AssertionError(*(() if msg is None else (msg if isinstance(msg, str) else str(msg),)))

    def getattr_call(self, func, node):
        """getattr(obj, name[, default]) and hasattr(obj, name) with a name known when compiled:
        `obj.name` as the source would write it (a module's function, a record's field, an object's
        attribute); the default (hasattr: the answer) decided when compiled on what obj holds."""
        what = func.__name__
        if node.keywords or len(node.args) not in ((2, 3) if func is getattr else (2,)):
            raise self.err(AdjitTypeError, f"{what}() takes an object, a name{' and a default' if func is getattr else ''}",
                           node)
        name = self.expr(node.args[1])
        if not isinstance(name, str):
            raise self.err(UnsupportedSyntaxError, f"{what}() of a name known only when the function runs", node.args[1],
                           hint="pass the name as a string constant or option known when the call is compiled")
        if not name.isidentifier():
            raise self.err(AdjitNameError, f"{what}(): {name!r} is not an attribute name", node.args[1])
        attribute = ast.copy_location(ast.Attribute(value=node.args[0], attr=name, ctx=ast.Load()), node)
        if func is getattr and len(node.args) == 2:
            return self.expr(attribute)
        from .structures import StructObj

        base = self.expr(node.args[0])
        if isinstance(base, StructObj):  # a dataclass argument or an object made in the function
            present = name in base.items or hasattr(base.cls, name)
            return present if func is hasattr else self.expr(attribute) if present else self.expr(node.args[2])
        if isinstance(base, Value) and base.type.kind in ("array", "scalar"):  # decided by its Python type
            t = base.type
            py = np.ndarray if t.kind == "array" else {"float64": float, "int64": int, "bool": bool,
                                                       "complex128": complex}.get(t.dtype) if t.weak else None
            present = hasattr(py if py is not None else np.dtype(t.dtype).type, name)
            if func is hasattr:
                return present
            return self.expr(attribute) if present else self.expr(node.args[2])
        if isinstance(base, Value) or not hasattr(base, "__dict__") and not isinstance(base, type):
            raise self.err(UnsupportedSyntaxError, f"{what}() with a default of a value computed when the function "
                           "runs", node.args[0], hint=f"read the attribute directly: x.{name}")
        present = hasattr(base, name)
        if func is hasattr:
            return present
        return self.expr(attribute) if present else self.expr(node.args[2])

    def cached_call(self, func, node):
        """A call of a functools.lru_cache / cache wrapper: Python's own call when every argument is
        a number, str, None or tuple of those known now (the cache's answer, as Python would get
        it); else the cached function inlined (the same value for a pure function)."""
        from .values import _is_number

        def static(v):
            return v is None or isinstance(v, str) or _is_number(v) or type(v) is tuple and all(map(static, v))

        if not any(isinstance(a, ast.Starred) for a in node.args) and all(k.arg for k in node.keywords):
            args = [self.expr(a) for a in node.args]
            kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
            if all(static(v) for v in args + list(kwargs.values())):
                try:
                    out = func(*args, **kwargs)
                except Exception as e:  # noqa: BLE001 - the helper's own error, located at the call
                    raise self.err(AdjitTypeError, f"{getattr(func, '__name__', 'the cached helper')}: "
                                   f"{type(e).__name__}: {e}", node) from None
                return self.plain_value(out, f"{getattr(func, '__name__', 'cached')}(...)")
        wrapped = ast.copy_location(ast.Call(func=ast.Name(id="<cached>", ctx=ast.Load()), args=node.args,
                                             keywords=node.keywords), node)
        self.env["<cached>"] = func.__wrapped__
        try:
            return self.call(wrapped)
        finally:
            self.env.pop("<cached>", None)

    def _runtime_assert(self, stmt, cond) -> None:
        """`assert cond, msg` checked where it stands when the function runs (the `check` row): msg
        when known when compiled, else its text (`{i}` for a formatted value)."""
        msg = None
        if stmt.msg is not None:
            try:
                msg = self._fstring(stmt.msg) if isinstance(stmt.msg, ast.JoinedStr) else self.expr(stmt.msg)
            except AdjitError:
                msg = None
            if not isinstance(msg, str):
                msg = "".join(str(p.value) if isinstance(p, ast.Constant) else "{" + ast.unparse(p.value) + "}"
                              for p in stmt.msg.values) if isinstance(stmt.msg, ast.JoinedStr) else ast.unparse(stmt.msg)
        self.b.emit("check", [self.b.emit("astype", [cond], dtype="bool") if cond.type.dtype != "bool" else cond], msg=msg)

    def starred_assign(self, target, val, node) -> None:
        """`a, *rest = xs` (and `*init, last = xs`): the starred name takes a list of the items the
        others leave, as Python's unpacking does; the length must be known when compiled."""
        star = next(k for k, t in enumerate(target.elts) if isinstance(t, ast.Starred))
        if isinstance(val, tuple):
            total = len(val)
        elif isinstance(val, Value) and val.type.kind == "array" and val.type.rank >= 1 \
                and self.b.aval(val).shape[0] is not None:
            total = self.b.aval(val).shape[0]
        else:
            raise self.err(UnsupportedSyntaxError, "starred unpacking of a value whose length is known only when "
                           "the function runs", target, hint="index it: a, rest = x[0], x[1:]")
        fixed = len(target.elts) - 1
        if total < fixed:
            raise self.err(AdjitTypeError, f"not enough values to unpack (expected at least {fixed}, got {total})",
                           node)
        items = self.unpack(val, total, node)
        after = len(target.elts) - star - 1
        for t, v in zip(target.elts[:star], items[:star]):
            self.assign(t, v, node)
        self.assign(target.elts[star].value, self.mark_list(tuple(items[star:total - after])), node)
        for t, v in zip(target.elts[star + 1:], items[total - after:]):
            self.assign(t, v, node)

    def _exception(self, node, stmt):
        """The exception a `raise` makes: its class called with its arguments when they are known
        when compiled (an f-string: its text)."""
        if node is None:
            return RuntimeError("No active exception to reraise")
        call = node if isinstance(node, ast.Call) else None
        cls = self.expr(call.func if call else node)
        if isinstance(cls, BaseException):
            return cls
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            raise self.err(UnsupportedSyntaxError, "`raise` of something that is not an exception", stmt)
        args = []
        for a in (call.args if call else []):
            try:
                v = self._fstring(a) if isinstance(a, ast.JoinedStr) else self.expr(a)
            except AdjitError:
                v = None
            args.append(v if isinstance(v, (str, int, float, bool, tuple)) and not isinstance(v, Value)
                        else ast.unparse(a))  # (a value known only at run time: the text that computes it)
        return cls(*args)

    def _fstring(self, node: ast.JoinedStr) -> str | None:
        """An f-string whose fields are known when compiled (strings, numbers, shapes), or None."""
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
                continue
            v = self.expr(part.value)
            if isinstance(v, Value):
                v = self.b.aval(v).value
            if v is None or isinstance(v, Value):
                return None
            v = {115: str, 114: repr, 97: ascii}.get(part.conversion, lambda y: y)(v)
            spec = self._fstring(part.format_spec) if part.format_spec is not None else ""
            out.append(format(v, spec or ""))
        return "".join(out)

    def lambda_function(self, node: ast.Lambda) -> LocalFunction:
        late = _late_bound(self.parsed.node, node)
        if late:
            raise self.err(UnsupportedSyntaxError, f"the lambda reads '{late}', a variable of the comprehension it is "
                           "made in: Python's closure reads it when the lambda is called, after the comprehension "
                           f"has ended (every such lambda sees the last '{late}'), not this item's", node,
                           hint=f"bind this item's value as a default: lambda ..., {late}={late}: ...")
        ret = ast.copy_location(ast.Return(value=node.body), node.body)
        fdef = ast.copy_location(ast.FunctionDef(name="<lambda>", args=node.args, body=[ret], decorator_list=[],
                                                 returns=None, type_comment=None), node)
        return self.local_function(fdef)

    def inline_local(self, func: LocalFunction, args: list, kwargs: dict, node):
        fdef = func.node
        calls = self.b.__dict__.setdefault("recursive_calls", {})
        if fdef in self.stack:  # a recursion of a nested function: unrolled, bounded as a module helper's
            calls[fdef] = calls.get(fdef, 0) + 1
        if self.stack.count(fdef) >= MAX_RECURSION or calls.get(fdef, 0) > MAX_RECURSIVE_CALLS:
            e = self.err(UnsupportedSyntaxError, f"{fdef.name} recurses deeper than {MAX_RECURSION} calls (or into "
                         f"more than {MAX_RECURSIVE_CALLS}) while adjit inlines it: a recursion is unrolled when "
                         "compiled, so its depth must be decided by values known then", node,
                         hint="recurse over a depth that is a constant, or write it as a loop")
            e.recursion_of = fdef
            raise e
        names = [a.arg for a in fdef.args.args]
        kwonly = [a.arg for a in fdef.args.kwonlyargs]
        star = fdef.args.vararg.arg if fdef.args.vararg is not None else None
        if len(args) > len(names) and star is None:
            raise self.err(ArgumentError, f"{fdef.name}() takes {len(names)} positional arguments but "
                           f"{len(args)} were given", node)
        bound = dict(zip(names, args))
        if star is not None:  # def f(z, *params): the extra arguments as a tuple
            bound[star] = tuple(args[len(names):])
        kwname, extra = fdef.args.kwarg.arg if fdef.args.kwarg is not None else None, {}
        for k, v in kwargs.items():
            if k not in names + kwonly and kwname is not None:  # def f(z, **kw): the extra keywords as a dict
                extra[k] = v
                continue
            if k not in names + kwonly:
                raise self.err(ArgumentError, f"{fdef.name}() got an unexpected keyword argument '{k}'", node)
            if k in bound:
                raise self.err(ArgumentError, f"{fdef.name}() got multiple values for argument '{k}'", node)
            bound[k] = v
        for p in names + kwonly:
            if p not in bound:
                if p not in func.defaults:
                    raise self.err(ArgumentError, f"{fdef.name}() missing required argument '{p}'", node)
                bound[p] = func.defaults[p]
        outer = func.parsed
        parsed = ParsedFunction(outer.fn, fdef.name, fdef, outer.filename, outer.firstline, outer.indent,
                                outer.lines, names + kwonly + [n for n in (star, kwname) if n], outer.source,
                                outer.globals)
        sub = type(self)(parsed, self.b, self.stack)
        if kwname is not None:
            bound[kwname] = sub.made_dict(extra)
        sub.stack = self.stack + (fdef,)
        # the enclosing names as they are now (the caller's, when the def is the caller's own)
        enclosing = self.env if func.env is self.env or func.parsed is self.parsed else func.env
        own = assigned_names(fdef.body) | set(bound)
        sub.env = {k: v for k, v in enclosing.items() if k not in own}
        sub.env.update(bound)
        outer_loc = self.b.loc
        try:
            result = sub.lower_body(fdef.body)
        except AdjitError as e:
            if getattr(e, "recursion_of", None) is fdef and fdef in self.stack:
                raise  # one note for the outermost call of a recursion
            raise e.called_from(self.loc(node), fdef.name) from None
        self.b.loc = outer_loc
        return result

    # -- calls made for what they write
    def call_statement(self, stmt: ast.Expr) -> None:
        """A call made as a statement, for what it writes: np.fill_diagonal, np.copyto, np.add.at,
        np.subtract.at. Anything else is a located error naming what is called."""
        call = stmt.value
        written = ast.unparse(call.func)
        f = call.func
        if self.dict_method_statement(stmt):  # d.update({...}), d.setdefault(k, v): listmethods.py
            return
        if isinstance(f, ast.Attribute) and f.attr == "sort" and isinstance(f.value, ast.Name) and not call.args \
                and (self.is_list(self.env.get(f.value.id)) or type(self.env.get(f.value.id)).__name__ == "BuiltList"):
            self._lm_changeable(f.value.id, call, f"{f.value.id}.sort()")  # xs.sort(): xs = sorted(xs, ...)
            lst, src = self.env[f.value.id], f.value.id
            if type(lst).__name__ == "BuiltList" and getattr(lst, "slots", None) is not None \
                    and isinstance(lst.slots.length, int):  # list(x): its items now
                src = self.list_hidden_name("_sorting")
                self.env[src] = self.mark_list(self.slot_items(lst, call))
            at = lambda n: ast.fix_missing_locations(ast.copy_location(n, stmt))  # noqa: E731
            return self.lower_stmts([at(ast.Assign(targets=[ast.Name(f.value.id, ast.Store())], value=ast.Call(
                ast.Name("sorted", ast.Load()), [ast.Name(src, ast.Load())], call.keywords)))], None)
        try:
            func = self.expr(call.func)
        except AdjitError:
            if isinstance(call.func, ast.Attribute) and isinstance(self.expr(call.func.value), Value):
                raise self.err(UnsupportedSyntaxError, f"`{written}()` as a statement: adjit has no rule for this "
                               "method", stmt, hint="use the NumPy function that returns a new array and assign "
                               "it (x = np.sort(x))") from None
            raise
        self.refuse_global_target(func, call, written)  # np.add.at(G, ...), G.sort() of a module's array: inplace.py
        if isinstance(func, LocalFunction) and any(func.node is i for i in getattr(func.env.get(
                next(iter(func.env), None)), "building", None) or ()):  # super().__init__(...): structures.py
            self.expr(call)
            return
        if self.dict_item_call(func, call, stmt):  # np.add.at(d["m"], i, v): into the dict's array (structures.py)
            return
        if func is np.fill_diagonal or func is np.copyto:
            if call.keywords and not (func is np.fill_diagonal and [k.arg for k in call.keywords] == ["wrap"]):
                raise self.err(UnsupportedSyntaxError, f"{written}: keyword arguments are not supported", call)
            if len(call.args) == 2 and isinstance(call.args[0], ast.Subscript) and self.view_call(call, stmt):
                return  # np.fill_diagonal(A[0], v): through the view (below)
            if len(call.args) != 2 or not isinstance(call.args[0], ast.Name):
                raise self.err(UnsupportedSyntaxError, f"{written} takes an array name and a value here", call,
                               hint=f"{written}(a, v) with `a` a name")
            base = self.expr(call.args[0])
            val = self.value(self.expr(call.args[1]), call.args[1])
            if not isinstance(base, Value) or base.type.kind != "array":
                raise self.err(AdjitTypeError, f"{written} writes into an array, not {base}", call.args[0])
            self.at(call)
            new = self.fill_diagonal(base, val, call, written) if func is np.fill_diagonal \
                else self.copy_into(base, val, call, written)
            new.hint = call.args[0].id
            self.env[call.args[0].id] = new
            return
        if self.is_inplace_numpy(func):  # np.put_along_axis, np.putmask, np.place: inplace.py
            return self.inplace_numpy(func, call, written)
        if self.takes_out(func, call):  # np.exp(x, out=x), np.add(a, b, out=a): inplace.py
            self.out_call(func, call)
            return
        if getattr(func, "__name__", None) == "at" and isinstance(getattr(func, "__self__", None), np.ufunc):
            return self.ufunc_at(func.__self__, call, written)
        if isinstance(func, Method) and self.method_statement(func, call, stmt):  # x.sort(), x.fill(v): morenumpy.py
            return
        if isinstance(func, Method):
            raise self.err(UnsupportedSyntaxError, f"`{written}()` as a statement: adjit has no rule for this method "
                           "(called for what it does to the array in place)", stmt,
                           hint="use the NumPy function that returns a new array and assign it (x = np.sort(x))")
        if func is print:  # the compiled code does not print: said once, when it is compiled
            import warnings

            loc = self.loc(stmt)
            warnings.warn_explicit(f"{loc.filename}:{loc.line}: print(...) is skipped: adjit's compiled code does not "
                                   "print (print what adjit.value_and_grad returns, or run the readable source "
                                   "g.source(*args))", RuntimeWarning, loc.filename, loc.line)
            return
        if isinstance(func, LocalFunction) or isinstance(func, types.FunctionType) and not _library(func):
            raise self.err(UnsupportedSyntaxError, f"`{written}(...)` as a statement: its result is not used, and a "
                           "write it makes into an array it is given does not reach this function in adjit", stmt,
                           hint=f"return the new value and assign it: a = {written}(a)")
        raise self.err(UnsupportedSyntaxError, f"`{written}(...)` as a statement: adjit has no rule for it", stmt,
                       hint="assign the result to a name; the calls made for what they write are np.fill_diagonal, "
                       "np.copyto, np.add.at, np.subtract.at, np.put_along_axis, np.putmask and np.place")

    def view_call(self, call, stmt) -> bool:
        """An in-place call on a view made by basic indexing (`np.fill_diagonal(A[0], v)`,
        `np.copyto(A[:, :2], B)`): `t = A[...]; call(t, ...); A[...] = t`, as the view's write
        reaches A in NumPy. False where the index is not basic (a gather's copy: NumPy changes
        only the copy)."""
        view = call.args[0]
        node = view
        while isinstance(node, ast.Subscript):
            items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            if not all(self._basic_index(e) for e in items):
                return False
            node = node.value
        if not isinstance(node, ast.Name):
            return False
        view_value = self.expr(view)
        if not isinstance(view_value, Value) or view_value.type.kind != "array":
            return False
        tmp = f"_view{id(call)}"
        self.env[tmp] = self.b.emit("astype", [view_value], dtype=view_value.type.dtype)  # a copy, written back
        self.b.__dict__.setdefault("written_back", {})[self.env[tmp].id] = view_value  # (aliasing.py)
        try:
            inner = ast.fix_missing_locations(ast.copy_location(
                ast.Expr(ast.Call(call.func, [ast.Name(tmp, ast.Load())] + list(call.args[1:]), call.keywords)), stmt))
            self.call_statement(inner)
            target = ast.fix_missing_locations(ast.copy_location(
                ast.Subscript(view.value, view.slice, ast.Store()), view))
            self.assign(target, self.env[tmp], call)
        finally:
            self.env.pop(tmp, None)
        return True

    def ufunc_at_target(self, call, written) -> Value:
        """The array `np.<ufunc>.at(a, idx, v)` writes into: `a` a name bound to an array, three
        positional arguments (else a located error)."""
        if call.keywords or len(call.args) != 3 or not isinstance(call.args[0], ast.Name):
            raise self.err(UnsupportedSyntaxError, f"{written} takes an array name, the indices and the values here",
                           call, hint=f"{written}(a, idx, v) with `a` a name")
        base = self.expr(call.args[0])
        if not isinstance(base, Value) or base.type.kind != "array":
            raise self.err(AdjitTypeError, f"{written} writes into an array, not {_describe(base)}", call.args[0])
        return base

    def ufunc_at(self, ufunc, call, written) -> None:
        """np.add.at(a, indices, b): NumPy's unbuffered a[indices] += b, a duplicated index adding
        once per occurrence (the `index_add` row: a's gradient passes through, b's is the gather at
        the indices); np.subtract.at adds -b."""
        if ufunc in _AT_AS_LOOP:
            return self.ufunc_at_loop(ufunc, call, written)
        if ufunc not in (np.add, np.subtract):
            raise self.err(UnsupportedSyntaxError, f"`{written}` is not supported by adjit", call,
                           hint="np.add.at, np.subtract.at, np.multiply.at, np.maximum.at and np.minimum.at are; "
                           "otherwise a loop over the indices: for k in range(len(idx)): a[idx[k]] /= v[k]")
        base = self.ufunc_at_target(call, written)
        try:
            index, ints = self.index_of(call.args[1])  # as the index of a[indices] (indexing.py)
        finally:
            self.env.pop("<index>", None)
        val = self.array_like(self.expr(call.args[2]), call.args[2])
        if val.type.dtype != base.type.dtype:
            if base.type.dtype not in ("float32", "float64") and val.type.dtype in ("float32", "float64"):
                raise self.err(AdjitTypeError, f"{written} of floats into an array of {base.type.dtype} (NumPy "
                               "truncates after each addition) is not supported", call,
                               hint="make the array float first: a = a.astype(np.float64)")
            val = self.b.emit("astype", [val], dtype=base.type.dtype)
        self.at(call)
        if ufunc is np.subtract:
            val = self.b.emit("neg", [val])
        src, a_index, a_ints, b_index, b_ints = self.split_advanced(base, index, ints, copy=True)
        new = self.b.emit("index_add", [src, val] + a_ints, index=_shift_index(a_index, 1))
        if b_index is not None:
            new = self.b.emit("index_update", [base, new] + b_ints, index=_shift_index(b_index, 1))
        new.hint = call.args[0].id
        self.env[call.args[0].id] = new

    def ufunc_at_loop(self, ufunc, call, written) -> None:
        """np.maximum.at(a, idx, v) (minimum, fmax, fmin, multiply): NumPy's unbuffered
        a[idx[k]] = ufunc(a[idx[k]], v[k]) for each k in order (a duplicated index applies once per
        occurrence), lowered as that loop over 1-D int index arrays (a tuple of them indexes
        several axes); each step's gradient follows the ufunc's own rule."""
        base = self.ufunc_at_target(call, written)
        parts = call.args[1].elts if isinstance(call.args[1], ast.Tuple) else [call.args[1]]
        tag = f"_{ufunc.__name__}_at"
        names = [f"{tag}_i{j}" for j in range(len(parts))]
        for name, p in zip(names, parts):
            v = self.value(self.array_like(self.expr(p), p), p)
            if v.type.kind != "array" or v.type.rank != 1 or not v.type.dtype.startswith("int") \
                    or len(parts) > base.type.rank:
                raise self.err(UnsupportedSyntaxError, f"{written}: the indices must be 1-D int arrays (a tuple of "
                               f"at most {base.type.rank})", p, hint="for k in range(len(idx)): a[idx[k]] = "
                               "np.maximum(a[idx[k]], v[k])")
            self.env[name] = v
        val = self.value(self.array_like(self.expr(call.args[2]), call.args[2]), call.args[2])
        if base.type.dtype.startswith(("int", "uint", "bool")) and val.type.dtype in ("float32", "float64"):
            raise self.err(AdjitTypeError, f"{written} of floats into an array of {base.type.dtype} (NumPy cannot "
                           "cast them) is not supported", call, hint="make the array float first: a = a.astype(np.float64)")
        per_item = val.type.kind == "array" and val.type.rank == base.type.rank - len(parts) + 1
        self.env[f"{tag}_v"], self.env[f"{tag}_f"] = val, ufunc

        def name(n, ctx=ast.Load):
            return ast.Name(n, ctx())
        k = name(f"{tag}_k")
        item = ast.Tuple([ast.Subscript(name(n), k, ast.Load()) for n in names], ast.Load()) if len(names) > 1 \
            else ast.Subscript(name(names[0]), k, ast.Load())
        v = ast.Subscript(name(f"{tag}_v"), k, ast.Load()) if per_item else name(f"{tag}_v")
        step = ast.Assign([ast.Subscript(name(call.args[0].id), item, ast.Store())],
                          ast.Call(name(f"{tag}_f"), [ast.Subscript(name(call.args[0].id), item, ast.Load()), v], []))
        loop = ast.For(name(f"{tag}_k", ast.Store), ast.Call(name("range"), [ast.Call(name("len"), [name(names[0])],
                                                                                        [])], []), [step], [])
        for n in ast.walk(loop):
            ast.copy_location(n, call)
        try:
            self.lower_stmts([loop], None)
        finally:
            for n in names + [f"{tag}_v", f"{tag}_f", f"{tag}_k"]:
                self.env.pop(n, None)

    # -- index helpers
    def tri_indices(self, func, args, kwargs, node, written: str):
        """np.triu_indices(n, k=0, m=None) / np.tril_indices: n, k, m known when the call is
        compiled; the row indices count the row starts passed (one comparison per row), the
        column indices follow from the row's first column: int64 arrays for gathers and writes."""
        n, k, m = self.bind_args(written, ("n", "k", "m"), args, kwargs, node, k=0, m=None)
        n = self.static(n, node, f"{written}: n")
        k = self.static(k, node, f"{written}: k")
        m = n if m is None else self.static(m, node, f"{written}: m")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, k, m)) or n < 0 or m < 0:
            raise self.err(AdjitTypeError, f"{written} takes integers n >= 0, k, m >= 0", node)
        rows_py, _ = func(n, k, m)
        total = len(rows_py)
        if n > 512:
            raise self.err(UnsupportedSyntaxError, f"{written}({n}): at most 512 rows here", node,
                           hint="build the indices with np.arange arithmetic, or pass them as an int argument")
        counts = np.bincount(rows_py, minlength=n) if total else np.zeros(n, dtype=int)
        starts = np.concatenate([[0], np.cumsum(counts)])
        t = self.b.emit("arange", [self.value(0, node), self.value(total, node), self.value(1, node)])
        rows = self.b.emit("mul", [t, self.value(0, node)])
        offset = None
        for r in range(1, n):
            if starts[r] >= total:
                break
            mask = self.b.emit("astype", [self.b.emit("ge", [t, self.value(int(starts[r]), node)])], dtype="int64")
            rows = self.b.emit("add", [rows, mask])
            step = int(starts[r] - starts[r - 1])
            if step:
                part = mask if step == 1 else self.b.emit("mul", [mask, self.value(step, node)])
                offset = part if offset is None else self.b.emit("add", [offset, part])
        cols = t if offset is None else self.b.emit("sub", [t, offset])
        if func is np.triu_indices:  # a row's first column: max(0, row + k)
            first = self.b.emit("maximum", [self.b.emit("add", [rows, self.value(k, node)]), self.value(0, node)])
            cols = self.b.emit("add", [cols, first])
        rows.hint, cols.hint = "rows", "cols"
        return rows, cols


def _late_bound(tree, lam: ast.Lambda) -> str | None:
    """A name the lambda reads that is a target of a comprehension whose items hold the lambda
    itself (`[lambda: x[k] for k in ...]`, in a tuple or a conditional there too): Python binds it
    late, so every kept lambda sees the comprehension's last value. A lambda called or passed on
    inside the item (`sorted(r, key=lambda v: v[k])`) reads this item's value, as adjit does."""
    found: list = []

    def walk(n, targets, kept):
        if n is lam:
            params = {a.arg for a in lam.args.args + lam.args.kwonlyargs + lam.args.posonlyargs}
            reads = {m.id for m in ast.walk(lam.body) if isinstance(m, ast.Name) and isinstance(m.ctx, ast.Load)}
            found.extend(sorted((reads - params) & kept))
            return
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            targets = targets | {t.id for g in n.generators for t in ast.walk(g.target) if isinstance(t, ast.Name)}
            items = [n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt]
            for c in ast.iter_child_nodes(n):
                walk(c, targets, targets if any(c is e for e in items) else frozenset())
            return
        display = isinstance(n, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.IfExp, ast.Starred))
        for c in ast.iter_child_nodes(n):
            walk(c, targets, kept if display and not (isinstance(n, ast.IfExp) and c is n.test) else frozenset())

    walk(tree, frozenset(), frozenset())
    return found[0] if found else None
