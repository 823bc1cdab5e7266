"""Arrays the function reads from its module or its closure (`grid = np.linspace(0, 1, 50)` at
the top of the file, read inside the function or a helper it calls): passed to the compiled code
as extra parameters, read again on every call.

Python reads a global when the line runs, so a compiled function must not keep the array it saw
when it was compiled (rebinding the name or writing into the array would leave it stale). Each
global or closure name that holds a numeric array when the function is decorated is planned here,
from the ASTs of the function and of the Python functions it calls (inlined by the lowerer, each
with its own module's globals); the compiled function takes the array as a parameter named after
it, and the driver reads the name again before every call (`run`). The lowerer maps a read of the
name to that parameter (`Expressions.captured`); a name planned here but not read costs one
lookup per call. Arrays are only read through these parameters, never baked into the code, so a
new array under the name (another shape or dtype) selects or builds another specialization like
an argument would; a complex array is carried as its two real parts (two parameters, `name_re` and
`name_im`), the complex value complexvals.py makes of them. Numbers, strings and tuples read from
globals are compile-time constants:
compiled.py checks them before each call (jit/guards.py) and compiles again when one changed.
"""
from __future__ import annotations

import ast
import inspect
import types
from dataclasses import dataclass, replace

import numpy as np

from ..errors import AdjitTypeError
from .structvalues import is_user_object

MAX_FUNCTIONS = 200  # helpers scanned for one function (a large program reads its globals in a few)


@dataclass
class Capture:
    hidden: str  # the compiled function's parameter
    space: object  # the globals dict, or the closure cell
    name: str
    loc: object  # where it is first read
    module: str
    part: str | None = None  # "real" or "imag": one part of a complex array, a float parameter of its own

    @property
    def key(self):
        return capture_key(self.space, self.name) + ((self.part,) if self.part else ())

    def current(self):
        try:
            value = self.space.cell_contents if isinstance(self.space, types.CellType) else self.space[self.name]
        except (KeyError, ValueError, IndexError):
            raise AdjitTypeError(f"the global array '{self.name}' that this function reads no longer exists",
                                 self.loc, hint="define it again, or pass it as an argument") from None
        if not (isinstance(value, np.ndarray) and value.dtype.kind in ("c" if self.part else "biuf")):
            kind = "complex" if self.part else "numeric"
            raise AdjitTypeError(f"'{self.name}' (read from {self.module}) was a {kind} array when the function was "
                                 f"decorated and is now a {type(value).__name__} of dtype "
                                 f"{getattr(value, 'dtype', '-')}", self.loc,
                                 hint=f"keep a {kind} array under the name, or pass the value as an argument")
        if self.part:  # complexvals.py keeps a complex value as its two real parts
            return np.ascontiguousarray(value.real if self.part == "real" else value.imag)
        return value


def captured(low, ident: str, space=None, node=None):
    """The parameter that carries the global or closure array `ident` in the lowerer `low`,
    resolved as Expressions.name resolves it (a closure cell before the globals); `space`: the
    namespace of a module attribute `mod.ARRAY` (None when it is not planned). A name not planned
    (read in a way the plan does not follow) is the located error at `node`."""
    table = getattr(low.b, "captures", None) or {}

    def get(key):
        if key in table:
            return table[key]
        re, im = table.get(key + ("real",)), table.get(key + ("imag",))
        return None if re is None or im is None else low.cx(re, im)  # a complex array: its parts

    if space is not None:
        return get(capture_key(space, ident))
    fn = low.parsed.fn
    free = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    found = get(capture_key(free[ident], ident) if ident in free else capture_key(low.parsed.globals, ident))
    if found is None:  # a helper's parameter bound to its default array: the same object a capture reads
        found = (getattr(low.b, "captured_objects", None) or {}).get(id(low.name(ident, node)))
    if found is None:
        value = low.name(ident, node)
        why = f"has dtype {value.dtype}" if value.dtype.kind not in "biuf" else "is read in a way adjit does not follow"
        raise low.err(AdjitTypeError, f"the global array '{ident}' {why}", node, hint="pass it as an argument instead")
    return found


def attribute_value(low, base, attr: str, found):
    """`base.attr` of a module or a class, found: a module's array (`mod.ARRAY`) or a class's
    (`Model.TABLE`) is the parameter carrying it (read when the function runs), a module's object
    of the user's class (`mod.MODEL`) a structure as a global one is; anything else as it is."""
    if isinstance(found, np.ndarray) and isinstance(base, types.ModuleType):
        return captured(low, attr, base.__dict__) or found
    if isinstance(found, np.ndarray) and isinstance(base, type):
        return captured(low, attr, ClassAttributes.of(ClassAttributes.owner(base, attr))) or found
    if isinstance(base, types.ModuleType) and is_user_object(found):
        return low.plain_value(found, f"{base.__name__}.{attr}")
    return found


def capture_key(space, name: str):
    return ("cell", id(space)) if isinstance(space, types.CellType) else ("global", id(space), name)


@dataclass
class CapturePlan:
    """`kernel`: the function lowered, with one parameter per capture after its own (and after
    host.py's, when statements are hoisted too); `run(values)` the extra arguments, in `hidden`
    order."""

    kernel: object
    hidden: list
    checks: list  # per extra parameter: (loc, header text)
    host: object  # host.py's plan, or None
    captures: list
    asserts: object = None  # the function's asserts on its arguments, as Python runs them, or None

    def run(self, values: tuple) -> tuple:
        if self.asserts is not None:
            self.asserts(*values)
        head = tuple(self.host.run(values)) if self.host is not None else ()
        return head + tuple(c.current() for c in self.captures)


def _scope_names(fdef) -> set:
    """Names local to one function: its parameters and what its body binds (not nested bodies)."""
    a = fdef.args
    out = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}
    out |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
    stack = list(fdef.body) if isinstance(fdef.body, list) else [fdef.body]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
            continue
        if isinstance(n, ast.Lambda):
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out |= {(al.asname or al.name).split(".")[0] for al in n.names}
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out -= set(n.names) if isinstance(n, ast.Global) else set()
        stack.extend(ast.iter_child_nodes(n))
    return out


class _PerObject:
    """A namespace made once per object (a function, a class), so that the capture key of a name
    read from it (by the namespace's id) is the same at every read. Subclasses keep `_made`."""

    _made: dict = {}

    def __init__(self, obj):
        self.obj = obj

    @classmethod
    def of(cls, obj):
        made = cls._made.get(id(obj))
        if made is None or made.obj is not obj:
            made = cls._made[id(obj)] = cls(obj)
        return made


class _Defaults(_PerObject):
    """A function's default argument values as a namespace (`space[name]`), one per function."""

    _made: dict = {}

    @property
    def fn(self):
        return self.obj

    def names(self) -> list:
        code = self.fn.__code__
        args = code.co_varnames[:code.co_argcount]
        out = list(args[len(args) - len(self.fn.__defaults__ or ()):])
        return out + list(self.fn.__kwdefaults__ or {})

    def _all(self) -> dict:
        code = self.fn.__code__
        args = code.co_varnames[:code.co_argcount]
        d = dict(zip(args[len(args) - len(self.fn.__defaults__ or ()):], self.fn.__defaults__ or ()))
        d.update(self.fn.__kwdefaults__ or {})
        return d

    def __getitem__(self, name):
        return self._all()[name]

    def __contains__(self, name):
        return name in self._all()


class ClassAttributes(_PerObject):
    """A user class's own attributes as a namespace (`space[name]`), one per class: where a class
    attribute array (`Model.TABLE`, `self.TABLE`) is read from when the function runs."""

    _made: dict = {}

    @property
    def cls(self):
        return self.obj

    @staticmethod
    def owner(klass, attr: str):
        """The class of klass's MRO whose own attribute `attr` is (None if none is)."""
        return next((k for k in klass.__mro__ if attr in vars(k)), None)

    def __getitem__(self, name):
        return vars(self.cls)[name]

    def __contains__(self, name):
        return name in vars(self.cls)


class _Scan:
    def __init__(self, taken: set):
        self.found: dict = {}  # key -> Capture
        self.seen: set = set()
        self.objects: set = set()  # ids of the user's objects and classes whose methods were scanned
        self.taken = set(taken)

    def function(self, parsed, fn):
        code = getattr(fn, "__code__", None)
        if code in self.seen or len(self.seen) > MAX_FUNCTIONS:
            return
        self.seen.add(code)
        cells = {}
        for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
            cells[name] = cell
        if fn is not self.top:  # a helper's array defaults (def fk(q, dh=TABLE)): read from __defaults__
            defaults = _Defaults.of(fn)
            for name in defaults.names():
                if isinstance(defaults[name], np.ndarray):
                    self.value(parsed, parsed.node, defaults, name, defaults[name], f"the defaults of {fn.__qualname__}")
        self.body(parsed, parsed.node, (), cells, fn.__globals__, fn)

    def body(self, parsed, fdef, enclosing: tuple, cells, space, fn):
        local = _scope_names(fdef)
        scopes = enclosing + (local,)
        stack = list(fdef.body) if isinstance(fdef.body, list) else [fdef.body]
        if fdef is not parsed.node:  # a nested def's defaults are evaluated where it is (its own: __defaults__)
            stack += [d for d in fdef.args.defaults + fdef.args.kw_defaults if d is not None]
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.Lambda)) and n is not fdef:
                self.body(parsed, n, scopes, cells, space, fn)
                continue
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and not any(n.id in s for s in scopes):
                self.name(parsed, n, cells, space, fn)
            elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load):
                self.attribute(parsed, n, scopes, cells, space, fn)
            stack.extend(ast.iter_child_nodes(n))

    def attribute(self, parsed, node, scopes, cells, space, fn):
        """`mod.ARRAY` or `mod.helper` of a user module the function names (`import mod` at the top)."""
        parts = []
        root = node
        while isinstance(root, ast.Attribute):
            parts.append(root.attr)
            root = root.value
        if not isinstance(root, ast.Name) or any(root.id in s for s in scopes):
            return
        obj = cells[root.id].cell_contents if root.id in cells else space.get(root.id)
        if isinstance(obj, type) and len(parts) == 1 and not _library(obj):  # Model.TABLE: a class attribute
            owner = ClassAttributes.owner(obj, parts[0])
            if owner is not None and isinstance(vars(owner)[parts[0]], np.ndarray):
                self.value(parsed, node, ClassAttributes.of(owner), parts[0], vars(owner)[parts[0]],
                           f"class {owner.__qualname__}")
            return
        for attr in reversed(parts):
            if not isinstance(obj, types.ModuleType) or obj.__name__.split(".")[0] in _LIBRARIES():
                return
            value = obj.__dict__.get(attr)
            if isinstance(value, np.ndarray) or isinstance(value, types.FunctionType) or is_user_object(value) or (
                    isinstance(value, type) and not _library(value)):  # mod.MODEL.loss(x): its class's methods
                self.value(parsed, node, obj.__dict__, attr, value, f"module {obj.__name__}")
                return
            obj = value

    def name(self, parsed, node, cells, space, fn):
        ident = node.id
        if ident in cells:
            try:
                value, where = cells[ident].cell_contents, cells[ident]
            except ValueError:
                return
        elif ident in space:
            value, where = space[ident], space
        else:
            return
        module = f"module {getattr(fn, '__module__', None) or '?'}" if where is space else \
            f"the closure of {fn.__qualname__}"
        self.value(parsed, node, where, ident, value, module)

    def value(self, parsed, node, where, ident, value, module):
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biufc":
                return  # the lowerer's error stands
            for part in ("real", "imag") if value.dtype.kind == "c" else (None,):
                key = capture_key(where, ident) + ((part,) if part else ())
                if key not in self.found:
                    base = f"{ident}_{part[:2]}" if part else ident
                    hidden, k = base, 1
                    while hidden in self.taken:
                        hidden, k = f"{base}_{k}", k + 1
                    self.taken.add(hidden)
                    self.found[key] = Capture(hidden, where, ident, parsed.loc(node), module, part)
            return
        spec = getattr(value, "__adjit_nested__", None) if getattr(value, "__adjit_transform__", None) else None
        if isinstance(spec, dict) and spec.get("parsed") is not None:  # a grad object called: its innermost
            self.function(spec["parsed"], spec["parsed"].fn)  # function's arrays (its code is inlined: nested.py)
            return
        if isinstance(value, type) or is_user_object(value):  # Model(...) made, net.loss(x) or layer(x) called:
            self.methods(parsed, node, value)  # the arrays its methods read (inlined as helpers)
            return
        target = inspect.unwrap(value) if isinstance(value, types.FunctionType) else None
        if target is not None and not _library(target) and not getattr(target, "__adjit_transform__", None):
            from .parse import parse

            try:
                sub = parse(target, helper=True)
            except Exception:  # noqa: BLE001 - the lowerer reports what it cannot read
                return
            self.function(sub, target)


    def methods(self, parsed, node, obj, depth: int = 0):
        """The methods of a user's class (of an object of it, and of the objects its attributes
        hold, as structures.plain_value reads them), scanned as the helpers they are when called."""
        if id(obj) in self.objects or depth > 4 or len(self.objects) > MAX_FUNCTIONS:
            return
        self.objects.add(id(obj))
        cls = obj if isinstance(obj, type) else type(obj)
        for klass in cls.__mro__[:-1]:
            if (getattr(klass, "__module__", None) or "").split(".")[0] in _LIBRARIES():
                continue
            for name, v in vars(klass).items():
                if isinstance(v, np.ndarray):  # self.TABLE of a class attribute array
                    self.value(parsed, node, ClassAttributes.of(klass), name, v, f"class {klass.__qualname__}")
                    continue
                f = v.__func__ if isinstance(v, (staticmethod, classmethod)) else v.fget if isinstance(v, property) else v
                if isinstance(f, types.FunctionType):
                    self.value(parsed, node, None, f.__name__, f, None)
        for v in ([] if isinstance(obj, type) else list(vars(obj).values())):
            for item in (v if type(v) in (list, tuple) else v.values() if type(v) is dict else (v,)):
                if is_user_object(item):
                    self.methods(parsed, node, item, depth + 1)


def _LIBRARIES():
    from .expressions import _LIBRARIES as libs

    return libs


def _library(fn) -> bool:
    from .expressions import _library as lib

    return lib(fn)


def _names_used(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | {
        a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}


def plan(parsed, host=None):
    """The captures of `parsed` (the user's function), after `host` (host.py's plan or None):
    `host` itself when the function reads no global or closure array."""
    kernel = host.kernel if host is not None else parsed
    scan = _Scan(_names_used(kernel.node) | set(kernel.param_names))
    scan.top = parsed.fn
    scan.function(parsed, parsed.fn)
    asserts, checked = _argument_asserts(parsed, kernel)
    if not scan.found and asserts is None:
        return host
    captures = list(scan.found.values())
    node = kernel.node
    node = ast.FunctionDef(**{f: getattr(node, f) for f in node._fields})
    ast.copy_location(node, kernel.node)
    node.end_lineno, node.end_col_offset = kernel.node.end_lineno, kernel.node.end_col_offset
    args = node.args
    node.args = ast.arguments(posonlyargs=args.posonlyargs, args=args.args + [
        ast.copy_location(ast.arg(c.hidden), kernel.node) for c in captures], vararg=args.vararg,
        kwonlyargs=args.kwonlyargs, kw_defaults=args.kw_defaults, kwarg=args.kwarg, defaults=args.defaults)
    new = replace(kernel, node=node, param_names=list(kernel.param_names) + [c.hidden for c in captures],
                  _stmt_texts={})
    new.captures = [(c.key, c.hidden) for c in captures]
    new.captured_now = lambda: [(c.key, c.current()) for c in captures if c.part is None]  # the objects
    new.checked_asserts = checked
    checks = list(host.checks) if host is not None else []
    checks += [(c.loc, f"the {c.part + ' part of the ' if c.part else ''}array {c.name} of {c.module}, read again "
                "on every call") for c in captures]
    hidden = (list(host.hidden) if host is not None else []) + [c.hidden for c in captures]
    return CapturePlan(new, hidden, checks, host, captures, asserts)


def _argument_asserts(parsed, kernel):
    """(a Python function of the parameters running the top-level asserts that read only arguments
    no earlier line rebinds or writes into, compiled at the user's file and lines; the ids of those
    assert statements) or (None, set())."""
    import builtins
    import copy

    from .parse import assigned_names

    params = list(parsed.param_names)
    known = set(params) | set(parsed.globals) | set(vars(builtins))
    free = set(parsed.fn.__code__.co_freevars)
    picked, changed = [], set()
    for stmt in kernel.node.body:
        if isinstance(stmt, ast.Assert):
            names = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
            if names & set(params) and not names & changed and not names & free and names <= known:
                picked.append(stmt)
                continue
        if _writes_into_arrays(stmt):  # maybe through an alias of an argument (y = x; y[0] = -1): later
            break  # asserts are the lowerer's to decide
        changed |= assigned_names([stmt]) | _written_by_calls(stmt)
    if not picked:
        return None, set()
    body = []
    for stmt in picked:
        c = copy.deepcopy(stmt)
        ast.increment_lineno(c, parsed.firstline - 1)
        body.append(c)
    fdef = ast.FunctionDef(name=f"{parsed.name}_asserts", args=ast.arguments(
        posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None, kwonlyargs=[], kw_defaults=[],
        kwarg=None, defaults=[]), body=body, decorator_list=[], returns=None, type_comment=None)
    ast.copy_location(fdef, body[0])
    module = ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[]))
    namespace: dict = {}
    exec(compile(module, parsed.filename, "exec"), parsed.globals, namespace)
    return namespace[fdef.name], {id(s) for s in picked}


def _writes_into_arrays(stmt) -> bool:
    """Whether a statement may write into an array: x[i] = v, x[i] += v, an in-place method or
    NumPy call (`x.sort()`, `np.fill_diagonal(x, 0)`, `np.add.at(x, ...)`, `out=x`)."""
    for n in ast.walk(stmt):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if any(isinstance(e, ast.Subscript) for t in targets for e in ast.walk(t)):
                return True
        if isinstance(n, ast.Call):
            name = ast.unparse(n.func)
            if any(k.arg == "out" for k in n.keywords) or name.endswith((
                    ".sort", ".fill", ".put", ".resize", ".partition", ".at", "fill_diagonal", "copyto", "putmask",
                    "put_along_axis", "shuffle", ".place", ".itemset")):
                return True
    return False


def _written_by_calls(stmt) -> set:
    """Names a statement may write into through a call (`x.sort()`, `np.fill_diagonal(x, 0)`)."""
    out = set()
    for n in ast.walk(stmt):
        if isinstance(n, ast.Call):
            if isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name):
                out.add(n.func.value.id)
            for a in n.args:
                if isinstance(a, ast.Name):
                    out.add(a.id)
    return out


def plan_or_none(parsed, host=None):
    """plan(), never failing on a program it cannot analyse (the lowerer reports what it finds)."""
    try:
        return plan(parsed, host)
    except Exception:  # noqa: BLE001 - an analysis gap: lower as before (a located error on the read)
        return host
