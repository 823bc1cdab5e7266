"""The compiler's fingerprint and the front key's description of a function.

The front key (CompiledFunction._front_key) finds a specialization without running the IR
pipeline: it hashes the function's source and place, everything it reads (`_dependencies`), the
compiler's fingerprint (`_FINGERPRINT`), the options and the arguments (`_args_key`). The full key
(CompiledFunction._build_full) hashes the printed IR with the same fingerprint.

`_FINGERPRINT` is read from this module at every use (`frontkey._FINGERPRINT`): a test that
pretends to be another compiler assigns `adjit.compiler.jit.frontkey._FINGERPRINT`.
"""
from __future__ import annotations

import builtins
import hashlib
import inspect
import types
from pathlib import Path

import numpy as np

from .arguments import _shape_key
from .modules import VERSION


def _fingerprint() -> str:
    """Hash of the compiler's own source: a changed compiler never reuses old generated code.
    Every file under compiler/ (this package's parent), this package included, and under
    runtime/: the generated modules call its Numba functions (_la, _special, _alloc, _simd,
    _bounds), whose compiled code Numba caches inside each generated module's cache. Not what
    __pycache__ holds: runtime/simd.py writes its kernel module there at first use (derived from
    simd.py, hashed already), and counting it made the first process of an installation key every
    program differently from all later ones, so the second process rebuilt what the first cached."""
    h = hashlib.sha256(VERSION.encode())
    root = Path(__file__).parent.parent
    runtime = root.parent / "runtime"
    for base in (root, runtime):
        for path in sorted(base.rglob("*.py")):
            if "__pycache__" in path.relative_to(base).parts:
                continue
            h.update(f"{base.name}/{path.relative_to(base).as_posix()}".encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


_FINGERPRINT = _fingerprint()

# Modules whose functions and classes the front key names instead of reading: the frontend maps
# them to primitives by identity. (adjit's own helpers are read like user code: runtime/ is not in
# the compiler fingerprint, and a plain Python function there would be inlined from its source.)
_LIBRARIES = ("numpy", "math", "cmath", "builtins", "numba", "scipy")


def _code_names(code) -> set:
    """Every global or attribute name a code object (and the code objects nested in it) reads."""
    names = set(code.co_names)
    for c in code.co_consts:
        if hasattr(c, "co_names"):
            names |= _code_names(c)
    return names


def _imported_modules(code) -> list:
    """[(name, module)] for the modules a code object (and the code objects nested in it) imports
    inside the function (`import mod`, `from mod import S`, `from pkg import submodule`): read when
    the line runs, so what the code reads from them is a dependency as a global is. Absolute
    imports only (the frontend refuses relative ones); a module that cannot be imported is left
    out (the lowerer reports it)."""
    import dis
    import importlib
    import sys

    out, seen = [], set()

    def add(name):
        if name in seen:
            return
        seen.add(name)
        module = sys.modules.get(name)
        if module is None:
            try:
                module = importlib.import_module(name)
            except Exception:  # noqa: BLE001 - not a module (a name imported from one) or not importable
                return
        out.append((name, module))

    def walk(c):
        ins = list(dis.get_instructions(c))
        current = None
        for k, i in enumerate(ins):
            if i.opname == "IMPORT_NAME":
                level = ins[k - 2].argval if k >= 2 and ins[k - 2].opname == "LOAD_CONST" else 0
                current = i.argval if level == 0 else None
                if current:
                    add(current)
            elif i.opname == "IMPORT_FROM" and current and f"{current}.{i.argval}" in sys.modules:
                add(f"{current}.{i.argval}")
        for k in c.co_consts:
            if hasattr(k, "co_code"):
                walk(k)

    walk(code)
    return out


def _dependencies(fn, classes: tuple = ()) -> str | None:
    """A description of everything `fn` reads besides its arguments, for the front key: the
    values of the globals and closure cells it names, and for each Python function it calls
    (which the frontend inlines) that function's source, place and dependencies in turn.
    Library functions (NumPy, math) are named, not read. None when a value has no
    stable description (an arbitrary object): then no front key, and every new process runs
    the IR pipeline to find its cache entry, as before."""
    walk = _Description()
    try:  # classes: a bound method's self's (what it reads through self besides the instance's attributes)
        return "\n".join(walk.out) if walk.function(fn, 0) and all(map(walk.self_class, classes)) else None
    except Exception:  # an odd object somewhere: no front key, never a wrong one
        return None


class _Description:
    """The walk behind _dependencies: `out` collects the description's lines, `seen` the code
    objects already described (a recursive or shared helper is described once)."""

    def __init__(self):
        self.out: list[str] = []
        self.seen: set = set()
        self.keep: list = []  # the functions seen, alive while the key is made (their ids stay theirs)

    def value(self, v, names: set, depth: int) -> bool:
        """Describe one value a function reads; `names`: the names that function's code reads
        (the attributes of a user module that matter). False: no stable description."""
        out = self.out
        if depth > 8:
            return False
        if v is None or isinstance(v, (bool, int, float, complex, str, bytes)):
            out.append(f"{type(v).__name__}:{v!r}")
            return True
        if isinstance(v, np.generic):
            out.append(f"np:{v.dtype.str}:{v!r}")
            return True
        if isinstance(v, (tuple, list, frozenset)):
            out.append(f"{type(v).__name__}[{len(v)}]")
            return all(self.value(x, names, depth + 1)
                       for x in (sorted(v, key=repr) if isinstance(v, frozenset) else v))
        if isinstance(v, np.dtype):
            out.append(f"dtype:{v.str}")
            return True
        prim = getattr(v, "__adjit_primitive__", None)
        if isinstance(prim, str):
            out.append(f"primitive:{prim}")
            return True
        if isinstance(v, np.ufunc):
            out.append(f"ufunc:{v.__name__}")
            return True
        if isinstance(v, types.ModuleType):
            return self.module(v, names, depth)
        module = getattr(v, "__module__", None) or ""
        if isinstance(v, type) or isinstance(v, (types.BuiltinFunctionType, np.ufunc)):
            if module.split(".")[0] in _LIBRARIES:
                out.append(f"lib:{module}.{getattr(v, '__qualname__', v)}")
                return True
            return isinstance(v, type) and self.record_class(v, depth)
        return self.other(v, module, depth)

    def record_class(self, cls, depth: int) -> bool:
        """A user NamedTuple or dataclass (read, constructed or returned: its fields shape the
        result): its source and place, the functions defined in its body (as functions are) and
        its other class-level values. Any other class: no stable description."""
        import dataclasses

        if not ((issubclass(cls, tuple) and hasattr(cls, "_fields")) or dataclasses.is_dataclass(cls)):
            return False
        if id(cls) in self.seen:
            self.out.append(f"seen:{cls.__qualname__}")
            return True
        self.seen.add(id(cls))
        self.keep.append(cls)
        try:
            lines, first = inspect.getsourcelines(cls)
            filename = inspect.getsourcefile(cls)
        except (OSError, TypeError):
            return False
        self.out.append(f"class {cls.__module__}.{cls.__qualname__} at {filename}:{first}")
        self.out.append("".join(lines))
        if any(b not in (object, tuple) and not self.record_class(b, depth + 1) for b in cls.__bases__):
            return False
        for n, a, own in _class_items(cls, filename):
            if isinstance(a, types.FunctionType):
                if own:
                    self.out.append(f"attr {n}")
                    if not self.function(a, depth + 1):
                        return False
                continue  # made by namedtuple / dataclass (no source of the user's)
            if n.startswith("__") or n in ("_fields", "_field_defaults") or n in getattr(cls, "_fields", ()):
                continue  # a NamedTuple's field accessors
            self.out.append(f"attr {n}")
            if not self.value(a, set(), depth + 1):
                return False
        return True

    def self_class(self, cls) -> bool:
        """The class of a bound method's self (a callable object's): its methods defined in its body
        (and its bases'), described as functions are, and its class-level values (self.scale
        compiled in: 2.0 and 3.0 are two keys)."""
        for k in cls.__mro__:
            if (k.__module__ or "").split(".")[0] in _LIBRARIES:
                continue
            try:
                filename = inspect.getsourcefile(k)
            except (OSError, TypeError):
                return False
            self.out.append(f"self class {k.__module__}.{k.__qualname__} at {filename}")
            for n, a, own in _class_items(k, filename):
                if isinstance(a, types.FunctionType):
                    if own:
                        self.out.append(f"attr {n}")
                        if not self.function(a, 1):
                            return False
                elif not n.startswith("__"):
                    self.out.append(f"attr {n}")
                    if not self.value(a, set(), 1):
                        return False
        return True

    def other(self, v, module: str, depth: int) -> bool:
        out = self.out
        if hasattr(v, "cache_info") and isinstance(getattr(v, "__wrapped__", None), types.FunctionType):
            out.append("lru_cache")  # functools.lru_cache / cache: the function it caches is what is inlined
            return self.function(v.__wrapped__, depth + 1)
        if isinstance(getattr(type(v), "__adjit_custom__", None), property):  # adjit.custom_vjp / custom_jvp
            return self.custom(v, depth)
        if type(v).__name__ == "_Transformed" and module == "adjit.api":  # a grad object called inside: its
            c = v._compiled  # gradient code is inlined (frontend/nested.py), made from its function and options
            out.append(f"adjit.grad wrt={v.wrt!r} value={v._with_value} aux={v.has_aux} checkpoint={c.checkpoint!r} "
                       f"parallel={c.parallel}")
            return self.value(v.fun, set(), depth + 1)
        if isinstance(v, types.FunctionType) and module == "adjit.api" and getattr(v, "__adjit_transform__", None):
            out.append(f"adjit.{v.__name__}")  # adjit.grad(h)(x) written inside: made when compiled (nested.py)
            return True
        if isinstance(v, types.FunctionType):
            wrapped = getattr(v, "__wrapped__", None)
            if module.split(".")[0] in _LIBRARIES and not isinstance(wrapped, types.FunctionType):
                out.append(f"lib:{module}.{v.__qualname__}")
                return True
            return self.function(v, depth + 1)
        return False

    def custom(self, v, depth: int) -> bool:
        """A custom_vjp / custom_jvp function (adjit/custom.py): what the frontend inlines of it is
        its function and rules (fwd, bwd; the jvp rule), each described as a function is."""
        if id(v) in self.seen:  # its own rules call it
            self.out.append(f"seen:custom {v!r}")
            return True
        self.seen.add(id(v))
        self.keep.append(v)
        self.out.append(f"custom_{v.kind} nondiff={v.nondiff!r}")
        for what in ("fun", "fwd", "bwd", "jvp_rule"):
            self.out.append(f"rule {what}")
            if not self.value(getattr(v, what, None), set(), depth + 1):
                return False
        return True

    def module(self, v, names: set, depth: int) -> bool:
        self.out.append(f"module:{v.__name__}")
        if v.__name__.split(".")[0] in _LIBRARIES:
            return True
        for n in sorted(names):  # a user module: the attributes this code could read from it
            if n in v.__dict__:
                self.out.append(f".{n}")
                if not self.value(v.__dict__[n], names, depth + 1):
                    return False
        return True

    def function(self, f, depth: int) -> bool:
        """Describe a Python function the frontend would inline: its source and place, then the
        globals, closure cells and defaults it reads."""
        out = self.out
        f = inspect.unwrap(f)
        code = f.__code__
        if id(f) in self.seen:  # by the function object: closures of one factory share their code only
            out.append(f"seen:{f.__qualname__}")
            return True
        self.seen.add(id(f))
        self.keep.append(f)
        try:
            lines, first = inspect.getsourcelines(f)
            filename = inspect.getsourcefile(f) or code.co_filename
        except (OSError, TypeError):
            return False
        out.append(f"def {f.__module__}.{f.__qualname__} at {filename}:{first}")
        out.append("".join(lines))
        names = _code_names(code)
        g = f.__globals__
        for n in sorted(names):
            if n in g:
                out.append(f"global {n}")
                if not self.value(g[n], names, depth):
                    return False
            elif hasattr(builtins, n):
                out.append(f"builtin {n}")
        for n, module in _imported_modules(code):  # import mod / from mod import S inside the function
            out.append(f"import {n}")
            if not self.module(module, names, depth + 1):
                return False
        for n, cell in zip(code.co_freevars, f.__closure__ or ()):
            out.append(f"free {n}")
            try:
                value = cell.cell_contents
            except ValueError:
                out.append("<empty>")
                continue
            if not self.value(value, names, depth):
                return False
        if f.__defaults__:
            out.append("defaults")
            if not self.value(tuple(f.__defaults__), names, depth):
                return False
        if f.__kwdefaults__:  # keyword-only defaults, compiled in as the positional ones
            out.append("kwdefaults")
            if not self.value(dict(f.__kwdefaults__), names, depth):
                return False
        return True


def _class_items(cls, filename):
    """(name, value, own) for each attribute of cls, a staticmethod, classmethod or property unwrapped to
    its function; own: a function defined in cls's body in `filename` (not one namedtuple or dataclass made)."""
    for n, a in sorted(vars(cls).items()):
        if isinstance(a, (staticmethod, classmethod)):
            a = a.__func__
        if isinstance(a, property):
            a = a.fget
        own = isinstance(a, types.FunctionType) and a.__qualname__.startswith(cls.__qualname__ + ".") \
            and a.__code__.co_filename == filename
        yield n, a, own


def _args_key(args: tuple) -> str:
    """The arguments as the front key sees them: exactly what the in-memory memo (_shape_key)
    distinguishes, plus the dtype's byte order."""
    return repr((_shape_key(args), tuple(a.dtype.str for a in args if isinstance(a, np.ndarray))))


def _class_ref(cls) -> list:
    """[module, qualified name] of a NamedTuple or dataclass that a later process finds by them
    (ValueError for a class defined in a function, or not reachable by its name)."""
    mod, qual = getattr(cls, "__module__", None), getattr(cls, "__qualname__", "")
    if not isinstance(mod, str) or "<locals>" in qual or _find_class([mod, qual]) is not cls:
        raise ValueError(qual)
    return [mod, qual]


def _find_class(ref):
    """The class a front entry names, from a module already imported (never imports one)."""
    import sys

    found = sys.modules.get(ref[0])
    for part in ref[1].split("."):
        found = getattr(found, part, None)
    return found


def tree_to_json(tree, entry: dict) -> bool:
    """Puts a structured result's tree (frontend/structout.py) into a front entry as JSON; a
    NamedTuple or dataclass by its module, qualified name and fields (tree_from_json checks them);
    False when it names another class (a dict subclass, a class defined in a function: then no
    front entry is written, and a new process lowers the function to find its cache entry)."""
    import dataclasses

    def enc(t):
        kind = t[0]
        if kind == "namedtuple" and isinstance(t[1], type) and hasattr(t[1], "_fields"):
            return ["namedtuple", _class_ref(t[1]), list(t[1]._fields), [enc(c) for c in t[2]]]
        if kind == "dataclass" and dataclasses.is_dataclass(t[1]):
            return ["dataclass", _class_ref(t[1]), list(t[2]), [enc(c) for c in t[3]]]
        if kind == "leaf":
            return "leaf" if len(t) == 1 else ["leaf", t[1]]
        if kind == "static" and (t[1] is None or isinstance(t[1], str)):
            return ["static", t[1]]
        if kind in ("tuple", "list"):
            return [kind, [enc(c) for c in t[1]]]
        if kind == "dict" and t[1] is dict and all(isinstance(k, str) for k in t[2]):
            return ["dict", list(t[2]), [enc(c) for c in t[3]]]
        raise ValueError(kind)
    if tree is None:
        return True
    try:
        entry["out_tree"] = enc(tree)
    except ValueError:
        return False
    return True


def tree_from_json(entry: dict):
    """The tree tree_to_json wrote (None: an array or number returned)."""
    import dataclasses

    def dec(t):
        if t == "leaf":
            return ("leaf",)
        if t[0] in ("namedtuple", "dataclass"):  # the class as it is now must have the fields recorded
            cls = _find_class(t[1])
            if t[0] == "namedtuple" and (not isinstance(cls, type) or list(getattr(cls, "_fields", ())) != t[2]):
                raise ValueError(f"the NamedTuple {t[1][1]} changed")
            if t[0] == "dataclass" and not (dataclasses.is_dataclass(cls) and isinstance(cls, type) and
                                            set(t[2]) <= {f.name for f in dataclasses.fields(cls)}):
                raise ValueError(f"the dataclass {t[1][1]} changed")
            children = tuple(dec(c) for c in t[3])
            return ("namedtuple", cls, children) if t[0] == "namedtuple" else ("dataclass", cls, tuple(t[2]), children)
        if t[0] == "leaf":  # a float32 number
            return ("leaf", t[1])
        if t[0] == "static":
            return ("static", t[1])
        if t[0] == "dict":
            return ("dict", dict, tuple(t[1]), tuple(dec(c) for c in t[2]))
        return (t[0], tuple(dec(c) for c in t[1]))
    found = entry.get("out_tree")
    return None if found is None else dec(found)
