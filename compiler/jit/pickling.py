"""Pickling compiled functions: what a gradient is, never what it has compiled.

`reduce(obj, factory, args)` is the `__reduce__` of adjit's public callables (grad, value_and_grad,
the transformations of adjit/transforms.py, CompiledFunction): it returns `rebuild` with a small
payload, the constructor (`factory`, a module-level class or function) and its arguments, in which
every user function is replaced by a description of it:

- `FunctionRef(module, qualname)`: a function importable from a real module file, found again by
  importing the module (the decorated object found there is unwrapped);
- `FunctionSource`: any other function (defined in `__main__`, a notebook cell, by `exec`, or
  nested in another function): its source text, name, file name and first line, the values of
  only the globals its code names (those the front key describes, frontkey._dependencies), its
  closure values and defaults. Functions among those values are described the same way.

Compiled state (Numba dispatchers, generated modules, specializations, workspaces) is never part
of the payload. Unpickling builds the object once per process: a registry keyed by the payload's
hash returns the same object to every later unpickling (and the original object in the process
that pickled it), so a specialization compiles or loads once per process. A function rebuilt from
its source gets the code object its text compiles to at its own line, without running its
decorators; its text is read from its file when that file holds it unchanged (the front key is
then the original process's, and the first call loads the original process's build from the disk
cache), else it is registered in `linecache` under a label unique to the text, where inspect and
the frontend read it (the first process to build it writes the cache; later ones load)."""
from __future__ import annotations

import builtins
import functools
import hashlib
import importlib
import inspect
import linecache
import pickle
import sys
import textwrap
import threading
import types
import weakref
from dataclasses import dataclass, field

from ..frontend.parse import _FUTURE_FLAGS, _find_codes
from .frontkey import _LIBRARIES, _code_names

_REGISTRY: dict = {}  # payload hash -> the object unpickled in this process (kept: compiled once)
_ORIGINS: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()  # hash -> the object pickled here
_LOCK = threading.RLock()
_MAIN_MODULES = ("__main__", "__mp_main__")


@dataclass
class FunctionRef:
    """A function found by importing its module: `module.qualname`, unwrapped when what is found
    there wraps it (a decorated function: `@adjit.grad def f` leaves the transformation in the
    module)."""

    module: str
    qualname: str


@dataclass
class FunctionSource:
    """A function rebuilt from its source text (see the module docstring)."""

    name: str
    qualname: str
    module: str
    filename: str
    firstline: int
    source: str
    flags: int
    freevars: tuple
    closure: tuple  # encoded values, one per free variable (a missing one: _EMPTY)
    defaults: tuple | None
    kwdefaults: dict | None
    globals: dict = field(default_factory=dict)  # name -> encoded value, only the names the code reads


@dataclass
class ModuleRef:
    name: str


@dataclass
class PartialRef:
    func: object
    args: tuple
    keywords: dict


@dataclass
class MethodRef:
    obj: object
    name: str


_EMPTY = "<adjit: empty cell>"


# ----------------------------------------------------------------------------------- pickling

def reduce(obj, factory, args: tuple):
    """`obj.__reduce__()`: `factory(*args)` rebuilds it, functions in `args` carried as descriptions."""
    payload = (factory, encode(args, {}))
    key = _digest(payload)
    with _LOCK:
        _ORIGINS[key] = obj
    return rebuild, (key,) + payload


def rebuild(key: str, factory, args):
    """The unpickled object: the one this process already has for this payload, else built once."""
    with _LOCK:
        obj = _REGISTRY.get(key)
        if obj is None:
            obj = _ORIGINS.get(key)
        if obj is None:
            obj = factory(*decode(args, {}))
            _REGISTRY[key] = obj
        return obj


def _digest(payload) -> str:
    """The payload's hash: the registry's key."""
    try:
        data = pickle.dumps(payload, protocol=4)
    except Exception:  # something only cloudpickle can send (a class defined in __main__)
        try:
            import cloudpickle

            data = cloudpickle.dumps(payload, protocol=4)
        except Exception:
            return f"unique-{id(payload)}-{threading.get_ident()}-{len(_REGISTRY)}"  # no deduplication
    return hashlib.sha256(data).hexdigest()


def encode(v, memo: dict):
    """`v` with every function replaced by a FunctionRef or FunctionSource (recursively through
    tuples, lists, dicts, functools.partial and bound methods); modules by name."""
    t = type(v)
    if t is types.FunctionType:
        return _encode_function(v, memo)
    if t is types.ModuleType:
        return ModuleRef(v.__name__)
    if t is functools.partial:
        return PartialRef(encode(v.func, memo), encode(v.args, memo), encode(v.keywords, memo))
    if t is types.MethodType:
        return MethodRef(encode(v.__self__, memo), v.__func__.__name__)
    if t in (tuple, list):
        return t(encode(x, memo) for x in v)
    if t is dict:
        return {k: encode(x, memo) for k, x in v.items()}
    return v


def _importable(f) -> FunctionRef | None:
    module, qualname = getattr(f, "__module__", None), f.__qualname__
    if not module or module in _MAIN_MODULES or "<locals>" in qualname:
        return None
    mod = sys.modules.get(module)
    if mod is None or not getattr(mod, "__file__", None) or not _findable(module.partition(".")[0]):
        return None
    try:
        found = _resolve(mod, qualname)
    except AttributeError:
        return None
    return FunctionRef(module, qualname) if _unwrap_to(found, f) is f else None


_FINDABLE: dict = {}


def _findable(top: str) -> bool:
    """Whether another process importing `top` finds the module this one has: a module loaded from
    a file under a name of its own (importlib's spec_from_file_location, as scripts loaded for
    tests are) is not, and its functions travel as their source."""
    known = _FINDABLE.get(top)
    if known is None:
        mod = sys.modules.get(top)
        origin = getattr(getattr(mod, "__spec__", None), "origin", None)
        known = False
        for finder in sys.meta_path:
            try:
                spec = finder.find_spec(top, None)
            except Exception:
                continue
            if spec is not None:
                known = spec.origin == origin
                break
        _FINDABLE[top] = known
    return known


def _resolve(mod, qualname: str):
    obj = mod
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _unwrap_to(found, f):
    for _ in range(8):
        if found is f or found is None:
            return found
        found = getattr(found, "__wrapped__", None)
    return None


def _encode_function(f, memo: dict):
    if id(f) in memo:
        return memo[id(f)][1]
    ref = _importable(f)
    if ref is not None:
        memo[id(f)] = (f, ref)
        return ref
    code = f.__code__
    try:
        lines, firstline = inspect.getsourcelines(code)
        filename = inspect.getsourcefile(code) or code.co_filename
    except (OSError, TypeError) as e:
        raise pickle.PicklingError(f"cannot pickle {f.__qualname__}: its source cannot be read ({e})") from None
    out = FunctionSource(f.__name__, f.__qualname__, f.__module__ or "__main__", filename, firstline, "".join(lines),
                         code.co_flags & _FUTURE_FLAGS, code.co_freevars, (), None, None)
    memo[id(f)] = (f, out)  # before the values: a function among its own globals is described once
    g = f.__globals__
    out.globals = {n: _encode_global(g[n], memo) for n in sorted(_code_names(code)) if n in g}
    cells = []
    for cell in f.__closure__ or ():
        try:
            cells.append(encode(cell.cell_contents, memo))
        except ValueError:
            cells.append(_EMPTY)
    out.closure = tuple(cells)
    out.defaults = encode(f.__defaults__, memo)
    out.kwdefaults = encode(f.__kwdefaults__, memo)
    return out


def _encode_global(v, memo: dict):
    """A global's value: library objects (NumPy's functions, math's) are pickled by reference as
    they are; modules by name; user functions described."""
    module = getattr(v, "__module__", None) or ""
    if type(v) is types.FunctionType and module.split(".")[0] in _LIBRARIES:
        return v
    return encode(v, memo)


# --------------------------------------------------------------------------------- unpickling

def decode(v, memo: dict):
    t = type(v)
    if t is FunctionRef:
        return _unwrap_to_function(_resolve(importlib.import_module(v.module), v.qualname))
    if t is FunctionSource:
        return _build_function(v, memo)
    if t is ModuleRef:
        return importlib.import_module(v.name)
    if t is PartialRef:
        return functools.partial(decode(v.func, memo), *decode(v.args, memo), **decode(v.keywords, memo))
    if t is MethodRef:
        return getattr(decode(v.obj, memo), v.name)
    if t in (tuple, list):
        return t(decode(x, memo) for x in v)
    if t is dict:
        return {k: decode(x, memo) for k, x in v.items()}
    return v


def _unwrap_to_function(found):
    for _ in range(8):
        if isinstance(found, types.FunctionType):
            return found
        found = getattr(found, "__wrapped__", None)
    raise pickle.UnpicklingError("the pickled function is no longer a function in its module")


def _build_function(d: FunctionSource, memo: dict):
    """The function `d` describes: its code compiled from its text at its line (decorators are not
    run), its globals in a namespace shared by the functions of its module in this payload."""
    if id(d) in memo:
        return memo[id(d)]
    filename = _place(d)
    code = _compile(d, filename)
    namespaces = memo.setdefault("<namespaces>", {})
    ns = namespaces.get((d.module, d.filename))
    if ns is None:
        ns = namespaces[(d.module, d.filename)] = {"__name__": d.module, "__builtins__": builtins}
    closure = None
    if d.freevars:  # the cells first, filled once every function of the payload exists
        closure = tuple(types.CellType() for _ in d.freevars)
    f = types.FunctionType(code, ns, d.name, None, closure)
    f.__qualname__ = d.qualname
    memo[id(d)] = f
    for n, v in d.globals.items():
        ns.setdefault(n, decode(v, memo))
    for cell, v in zip(closure or (), d.closure):
        if not (isinstance(v, str) and v == _EMPTY):
            cell.cell_contents = decode(v, memo)
    f.__defaults__ = decode(d.defaults, memo)
    f.__kwdefaults__ = decode(d.kwdefaults, memo)
    return f


def _place(d: FunctionSource) -> str:
    """The file name the rebuilt function's source is read from: its own file when that file holds
    the same text at the same line here, else a linecache entry under a label unique to the text."""
    lines = d.source.splitlines(keepends=True)
    if not d.filename.startswith("<"):
        here = linecache.getlines(d.filename)
        if here[d.firstline - 1:d.firstline - 1 + len(lines)] == lines:
            return d.filename
    digest = hashlib.sha256(f"{d.filename}\n{d.firstline}\n{d.source}".encode()).hexdigest()[:16]
    label = f"<adjit-pickled {digest} {d.filename}>"
    if label not in linecache.cache:
        padded = ["\n"] * (d.firstline - 1) + lines
        linecache.cache[label] = (sum(map(len, padded)), None, padded, label)
    return label


def _compile(d: FunctionSource, filename: str):
    """The code object of the function's text compiled at its line, as the frontend's check
    (parse._check_source_matches) compiles it: inside an enclosing function owning its free
    variables when it has some."""
    body = textwrap.dedent(d.source)
    head = ""
    if d.freevars:
        body = textwrap.indent(body, "    ")
        head = f"def __adjit_enclosing__({', '.join(d.freevars)}):\n"
    pad = d.firstline - 1 - (1 if d.freevars else 0)
    if pad < 0:
        raise pickle.UnpicklingError(f"cannot rebuild {d.qualname}: a closure defined on line 1")
    module = compile("\n" * pad + head + body, filename, "exec", flags=d.flags, dont_inherit=True)
    code = next(iter(_find_codes(module, d.name, d.firstline)), None)
    if code is None:
        raise pickle.UnpicklingError(f"cannot rebuild {d.qualname}: its source does not define it at line {d.firstline}")
    return code
