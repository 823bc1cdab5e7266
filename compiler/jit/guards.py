"""What the compiled code took from globals and closures as constants, checked before each call.

The lowerer reads a global or closure number, string, tuple or configuration object when it
compiles (`SIGMA = 0.5` at the top of the module, `n_layers` in a closure) and writes its value
into the code, as Numba and `jax.jit` do. Python reads it when the line runs, so a function called
after `SIGMA = 2.0` must see 2.0: `snapshot(fn)` records, for the function and every Python
function it may inline (recursively, as the front key's walk does), each global and closure value
it names that is not a library's module or function, its defaults (`__defaults__`,
`__kwdefaults__`: a helper called without them has them compiled in) (and, for a user's class it names or a
global object's class, what its methods and properties read and its class attributes), and `holds(guards)` tells whether they are
all unchanged (values by equality, functions, modules and classes by identity). compiled.py drops
its compiled specializations when they are not, and compiles again (the disk cache is keyed by
the same values, so switching back finds the earlier build). Arrays are not guarded: the compiled
code takes them as parameters (frontend/captures.py) or refuses them.
"""
from __future__ import annotations

import functools
import inspect
import math
import sys
import types

import numpy as np

from .frontkey import _LIBRARIES, _code_names, _imported_modules

MAX_FUNCTIONS = 200
_MISSING = object()
_IMPORTED = sys.modules  # the namespace of a module imported inside the function


def _is_library(v) -> bool:
    if isinstance(v, types.ModuleType):
        return v.__name__.split(".")[0] in _LIBRARIES
    if isinstance(v, np.ufunc):
        return True
    module = getattr(v, "__module__", None) or ""
    if isinstance(v, (type, types.BuiltinFunctionType, types.FunctionType, types.MethodType)) \
            or callable(v) and not isinstance(v, (list, tuple, dict)):
        return module.split(".")[0] in _LIBRARIES or module == "builtins"
    return False


def _library_instance(v) -> bool:
    """An object of a library's class (not the library's function, class, ufunc or module itself)."""
    return not isinstance(v, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                              types.MethodType, np.ufunc))


_PLAIN = (bool, int, float, complex, str, bytes, np.generic, type(None))
MAX_ITEMS = 10000  # a larger container is compared by identity (an array of data, not a setting)


def _freeze(v, depth: int = 0):
    """What is compared later: plain values as they are, containers and objects' attributes
    item by item, anything else (code, modules, classes, arrays, large containers) by identity."""
    if isinstance(v, _PLAIN):
        return ("val", v)
    if depth < 6:
        if isinstance(v, (tuple, list)) and len(v) <= MAX_ITEMS:
            if all(type(x) in (float, int, bool, str) for x in v):  # numbers: one comparison of copies
                return ("flat", type(v), tuple(v), tuple(map(type, v)))
            return ("seq", type(v), tuple(_freeze(x, depth + 1) for x in v))
        if isinstance(v, dict) and len(v) <= MAX_ITEMS:
            return ("map", type(v), tuple((k, _freeze(x, depth + 1)) for k, x in v.items()))
        if isinstance(v, np.ndarray) and depth > 0 and v.size <= 256:  # an array in a container, compiled in
            return ("arr", v, v.copy())
        d = getattr(v, "__dict__", None)
        if isinstance(d, dict) and _object_with_state(v):
            return ("obj", type(v), _freeze(d, depth + 1))
    return ("is", v)


def _object_with_state(v) -> bool:
    """An object whose attributes the compiled code may have taken in: not a function, partial,
    builtin, class or module (compared by identity), but any other object, also one whose class
    defines `__call__` (a layer called as `layer(x)` reads its weights and settings as any object's)."""
    if isinstance(v, (type, types.ModuleType)):
        return False
    return not callable(v) or isinstance(getattr(type(v), "__call__", None), types.FunctionType) and not _is_library(v)


def _matches(now, frozen) -> bool:
    kind = frozen[0]
    if kind == "is":
        return now is frozen[1]
    if kind == "arr":
        return now is frozen[1] and np.array_equal(now, frozen[2], equal_nan=True)
    if kind == "val":
        v = frozen[1]
        if type(now) is not type(v):
            return False
        if isinstance(v, float):
            if v != v:
                return now != now
            return now == v and (v != 0.0 or math.copysign(1.0, now) == math.copysign(1.0, v))  # 0.0 vs -0.0
        return bool(now == v)
    if type(now) is not frozen[1]:
        return False
    if kind == "flat":  # Python's == on the items: identity first, so a NaN that is the same object is equal
        return len(now) == len(frozen[2]) and tuple(now) == frozen[2] and tuple(map(type, now)) == frozen[3] \
            and (0.0 not in frozen[2] or _zero_signs(now) == _zero_signs(frozen[2]))
    if kind == "seq":
        return len(now) == len(frozen[2]) and all(_matches(x, f) for x, f in zip(now, frozen[2]))
    if kind == "map":
        items = frozen[2]
        return len(now) == len(items) and all(k in now and _matches(now[k], f) for k, f in items)
    return _matches(getattr(now, "__dict__", None), frozen[2])  # obj


def _zero_signs(items) -> tuple:
    """Where the items are -0.0 (equal to 0.0, yet np.copysign and 1/x tell them apart)."""
    return tuple(i for i, x in enumerate(items) if type(x) is float and x == 0.0 and math.copysign(1.0, x) < 0)


def _flat(v) -> bool:
    return not isinstance(v, dict) and all(type(x) in (float, int, bool, str) for x in v)


def _custom(v) -> bool:
    """An adjit.custom_vjp / custom_jvp function (adjit/custom.py)."""
    return isinstance(getattr(type(v), "__adjit_custom__", None), property)


def _user_classes(cls) -> list:
    """`cls` and its bases that are not a library's (object, NumPy's, a NamedTuple's tuple)."""
    return [k for k in cls.__mro__ if not _is_library(k)]


def snapshot(fn, classes: tuple = ()) -> list:
    """[(namespace or cell, name, (kind, value))] for what `fn` and the functions it calls read;
    `classes`: those of the objects read as `self` (a bound method's: its class attributes and
    what its other methods read, compiled in as a global class's are).

    (Over 80 lines: the walk's four closures share its `out`, `seen` and `taken`: a function, a
    value's code, a class, and the value taken.)"""
    out: list = []
    seen: set = set()
    keep: list = []
    taken: set = set()

    def visit(f):
        f = inspect.unwrap(f) if isinstance(f, types.FunctionType) else f
        code = getattr(f, "__code__", None)
        # by the function object: two closures of one factory (or lambdas of one comprehension) share
        # their code, not their cells and defaults
        if code is None or id(f) in seen or len(seen) > MAX_FUNCTIONS:
            return
        seen.add(id(f))
        keep.append(f)  # (alive while the snapshot is taken: its id is not reused)
        names = _code_names(code)
        g = f.__globals__
        for n in sorted(names):
            if n in g:
                take(g, n, g[n], names)
        for n, module in _imported_modules(code):  # imported inside the function: what it reads from them
            take(_IMPORTED, n, module, names)
        for n, cell in zip(code.co_freevars, f.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            take(cell, n, value, names)
        if isinstance(f, types.FunctionType):  # a helper's defaults, compiled in where it is called without them
            for n in ("__defaults__", "__kwdefaults__"):
                if getattr(f, n) is not None:
                    take(f, n, getattr(f, n), names)

    def take(space, n, v, names):
        if isinstance(v, np.ndarray) or (id(space), n) in taken:
            return
        if _is_library(v):
            if not _library_instance(v):
                # a library's function, class or module: its code never changes, but the name may be
                # rebound (ACT = np.sin, then ACT = np.cos): guarded by identity
                taken.add((id(space), n))
                out.append((space, n, ("is", v)))
                return
            # an object of a library's class (np.vectorize(h), np.poly1d(c), a frozen distribution): what
            # it holds is compiled in, so the name is guarded by identity, and a vectorized function followed
            taken.add((id(space), n))
            out.append((space, n, ("is", v)))
            if isinstance(v, np.vectorize):
                follow(v.pyfunc, names)
            return
        taken.add((id(space), n))
        if getattr(v, "__adjit_transform__", None) is not None or _custom(v):
            out.append((space, n, ("is", v)))  # by identity; what its code reads, followed below
            follow(v, names)
            return
        out.append((space, n, _freeze(v)))
        follow(v, names)

    def follow(v, names, depth=0):
        """The code a value may run: a function, a class, a global object's class, and those held in
        a tuple, list or dict (ACTS['relu'](x), LAYERS[0](x): what they read is guarded too)."""
        if isinstance(v, types.FunctionType):
            visit(v)
        elif getattr(v, "__adjit_transform__", None) is not None:  # a grad helper called inside: its
            if isinstance(getattr(v, "fun", None), types.FunctionType):  # function's code is inlined
                visit(v.fun)  # (SIGMA changed after the first call: the helper's gradient changes)
        elif _custom(v):  # custom_vjp / custom_jvp: its function and rules are inlined (not adjit's class)
            for what in ("fun", "fwd", "bwd", "jvp_rule"):
                if what in vars(v):
                    take(vars(v), what, vars(v)[what], names)
        elif isinstance(v, functools.partial):  # the function it calls, and the arguments it binds
            for a in ("args", "keywords"):
                if (id(v), a) not in taken:
                    taken.add((id(v), a))
                    keep.append(v)
                    out.append((v, a, _freeze(getattr(v, a))))
            if not _is_library(v.func):  # (functools.partial(np.clip, ...): NumPy's own code is not read)
                follow(v.func, names, depth + 1)
            for item in list(v.args) + list(v.keywords.values()):
                if not (_is_library(item) or isinstance(item, (np.ndarray,) + _PLAIN)):
                    follow(item, names, depth + 1)
        elif callable(v) and hasattr(v, "cache_info") and isinstance(getattr(v, "__wrapped__", None), types.FunctionType):
            visit(v.__wrapped__)  # functools.lru_cache / cache: the function it caches is what is inlined
        elif isinstance(v, (tuple, list, dict)):
            if depth < 6 and len(v) <= MAX_ITEMS and not _flat(v):
                for item in (v.values() if isinstance(v, dict) else v):
                    if not (_is_library(item) or isinstance(item, (np.ndarray,) + _PLAIN)):
                        follow(item, names, depth + 1)
        elif isinstance(v, type):
            visit_class(v, names)
        elif not isinstance(v, (types.ModuleType, types.MethodType)) and not _is_library(type(v)) \
                and not type(v).__module__.startswith("adjit."):  # (adjit's own objects: not user code)
            visit_class(type(v), names)  # a global object: its methods, properties and class attributes
        elif isinstance(v, types.ModuleType):  # a user module: the attributes this code names
            for a in sorted(names):
                if a in v.__dict__ and not isinstance(v.__dict__[a], types.ModuleType):
                    take(v.__dict__, a, v.__dict__[a], names)

    def visit_class(cls, names):
        """A user's class the code makes or calls: what its methods and properties read (inlined
        like helpers), and its class attributes (a default or rate read through self)."""
        classes = _user_classes(cls)
        defined = {a for k in classes for a in vars(k) if not (a.startswith("__") and a.endswith("__"))}
        for i, k in enumerate(classes):  # an attribute a base defines, set later on a class before it in the MRO
            for a in sorted(defined - set(vars(k))):  # (B.W = ... shadowing A.W) changes what self.W reads
                if (id(k), a) not in taken and any(a in vars(b) for b in classes[i + 1:]):
                    taken.add((id(k), a))
                    out.append((k, a, ("is", _MISSING)))
        for k in classes:
            for a, v in list(vars(k).items()):
                if isinstance(v, (staticmethod, classmethod)):
                    v = v.__func__
                if isinstance(v, property):
                    for acc in (v.fget, v.fset):
                        if isinstance(acc, types.FunctionType):
                            visit(acc)
                elif isinstance(v, types.FunctionType):
                    visit(v)
                elif not (a.startswith("__") and a.endswith("__")) and (id(k), a) not in taken:
                    taken.add((id(k), a))
                    out.append((k, a, _freeze(v)))

    visit(fn)
    for cls in classes:
        visit_class(cls, set())
    return out


def _current(space, name):
    if isinstance(space, types.CellType):
        try:
            return space.cell_contents
        except ValueError:
            return _MISSING
    if isinstance(space, (types.FunctionType, functools.partial)):  # __defaults__, a partial's args / keywords
        return getattr(space, name, _MISSING)
    if isinstance(space, type):  # a class attribute
        return vars(space).get(name, _MISSING)
    return space.get(name, _MISSING)


def holds(guards: list) -> bool:
    """Whether every value in `guards` is as it was."""
    for space, name, frozen in guards:
        if frozen[0] == "is" and type(space) is dict:  # a global bound to a function or module: every call
            if space.get(name, _MISSING) is not frozen[1]:
                return False
        elif not _matches(_current(space, name), frozen):
            return False
    return True


