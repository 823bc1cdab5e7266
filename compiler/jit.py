"""Specialization and caching: one compiled module per argument signature (dtype, ndim, layout
and broadcast pattern), kept in memory and on disk as real source files that Numba caches.

A call checks its arguments (count, dtypes, shapes through the whole program) in Python before
any compiled loop runs; the check is memoized per tuple of argument shapes.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import frontend
from .errors import AdjitError, AdjitTypeError, ArgumentError, InternalCompilerError
from .ir import Abstract, Function, array_type, print_function, scalar_type
from ..runtime import cachedir, cachelock, simd

# codegen, reverse, forward and the passes are imported when a specialization is first built
# (not by `import adjit`, and not at all by a process whose calls all hit the cache).

VERSION = "0.1.0"
_FLOATS = ("float32", "float64")
_NUMERIC_KINDS = "biuf"


def _fingerprint() -> str:
    """Hash of the compiler's own source: a changed compiler never reuses old generated code."""
    h = hashlib.sha256(VERSION.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


_FINGERPRINT = _fingerprint()


def cache_dir() -> Path | None:
    """Where generated modules live: $ADJIT_CACHE_DIR, else $XDG_CACHE_HOME/adjit, else
    ~/.cache/adjit (checked: private to the user, see runtime/cachedir.py), else a private
    temporary directory; None when nothing can be written (compiled in memory)."""
    return cachedir.cache_dir()


# ----------------------------------------------------------------------------------- arguments


def abstract_arg(x: Any, name: str, loc=None) -> Abstract:
    """The abstract value of one call argument (what the compiled code is specialized on)."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in _NUMERIC_KINDS or x.dtype == np.float16:
            hint = "pass x.astype(np.float32)" if x.dtype == np.float16 else None
            raise AdjitTypeError(f"argument '{name}' has unsupported dtype {x.dtype}", loc, hint)
        if x.ndim == 0:
            return Abstract(scalar_type(x.dtype.name), ())
        return Abstract(array_type(x.dtype.name, x.ndim), tuple(x.shape))
    if isinstance(x, bool):
        return Abstract(scalar_type("bool", True), (), x)
    if isinstance(x, int):
        if not -2 ** 63 <= x < 2 ** 63:
            raise AdjitTypeError(f"argument '{name}' = {x} does not fit in a 64-bit integer", loc,
                                 hint="pass it as a float, or reduce it")
        return Abstract(scalar_type("int64", True), (), x)
    if isinstance(x, float):
        return Abstract(scalar_type("float64", True), ())
    if isinstance(x, np.generic) and x.dtype.kind in _NUMERIC_KINDS:
        value = x.item() if x.dtype.kind in "iub" else None
        return Abstract(scalar_type(x.dtype.name), (), value)
    raise AdjitTypeError(f"argument '{name}' is a {type(x).__name__}; adjit takes NumPy arrays and numbers",
                         loc, hint="convert lists with np.asarray(...)")


def _layout(x) -> str:
    if isinstance(x, np.ndarray):
        return "C" if x.flags.c_contiguous else ("F" if x.flags.f_contiguous else "A")
    return ""


def _shape_key(args: tuple) -> tuple:
    """Everything about the arguments that the checks and the specialization depend on."""
    key = []
    for a in args:
        if isinstance(a, np.ndarray):
            flags = a.flags
            key.append((a.dtype.char, a.shape, flags.c_contiguous, flags.f_contiguous))
        elif isinstance(a, (bool, int)):
            key.append((type(a), a))
        elif isinstance(a, float):
            key.append(float)
        elif isinstance(a, np.generic):
            key.append((a.dtype.char, a.item() if a.dtype.kind in "iub" else None))
        else:
            key.append(type(a))
    return tuple(key)


# ------------------------------------------------------------------------------------ compiling


@dataclass
class Specialization:
    """One compiled module: the gradient (and forward) entry points and their sources."""

    key: str
    signature: str
    module_path: Path
    entry: Callable
    forward: Callable
    readable_path: Path
    result_dtype: str = "float64"
    compile_seconds: float = 0.0
    loaded_from_disk: bool = False
    front_hit: bool = False  # found through the front key: the IR pipeline did not run

    def __post_init__(self):
        # The compiled functions take two more arguments, the call's workspace; entry/forward
        # supply them (see _with_workspace), the Numba dispatchers stay reachable.
        self.entry_dispatcher, self.forward_dispatcher = self.entry, self.forward
        pool: list = []
        self.entry = _with_workspace(self.entry_dispatcher, pool)
        self.forward = _with_workspace(self.forward_dispatcher, pool)

    @property
    def readable(self) -> str:
        return _read_text(self.readable_path)

    @property
    def lowered(self) -> str:
        return _read_text(self.module_path)


def _with_workspace(dispatcher, pool: list) -> Callable:
    """Call `dispatcher` with a workspace: a byte buffer the generated code carves its temporary
    arrays from (runtime/alloc.take), kept between calls so large temporaries do not fault in fresh
    pages every time. Each call takes a workspace from the pool (concurrent calls get separate
    ones) and gives it back, enlarged when the call needed more than it had; until then the
    generated code falls back to new arrays."""
    parallel = bool(getattr(dispatcher, "targetoptions", {}).get("parallel"))

    def call(*args):
        if parallel and _serial_parallel_calls():
            with _PARALLEL_LOCK:
                return run(*args)
        return run(*args)

    def run(*args):
        try:
            ws, state = pool.pop()
        except IndexError:
            ws, state = _EMPTY_WORKSPACE, np.zeros(2, np.int64)
        try:
            out = dispatcher(*args, ws, state)
        except SystemError as e:  # Ctrl-C while compiled code ran: Python sees it on return
            if isinstance(e.__cause__ or e.__context__, KeyboardInterrupt) or "KeyboardInterrupt" in str(e):
                raise KeyboardInterrupt from None
            raise
        need = state[1]
        if need > ws.size:
            ws = np.empty(int(need), np.uint8)
        pool.append((ws, state))
        return out

    call.dispatcher = dispatcher
    call.pool = pool
    return call


# Numba's `workqueue` threading layer (the one it picks when neither TBB nor OpenMP is installed)
# aborts the process when two threads launch parallel regions at once: such calls take turns.
_PARALLEL_LOCK = threading.Lock()
_LAYER: list = []


def _serial_parallel_calls() -> bool:
    if not _LAYER:
        try:
            import numba

            _LAYER.append(numba.threading_layer())
        except ValueError:  # no parallel region has run yet: the layer is not chosen
            return True
    return _LAYER[0] not in ("tbb", "omp")


_EMPTY_WORKSPACE = np.empty(0, np.uint8)
WORKSPACE_EXAMPLE = (_EMPTY_WORKSPACE, np.zeros(2, np.int64))  # argument types of the two extra parameters


def _signature_text(fn: Function, layouts: list) -> str:
    """Argument types and layouts, then the broadcasts the code was specialized on."""
    parts = []
    for p, lay in zip(fn.params, layouts):
        parts.append(f"{p.hint}: {p.type}" + (f" {lay}" if lay else ""))
    text = ", ".join(parts)
    stretched = []
    for op in fn.ops():
        for v, b in zip(op.inputs, op.attrs.get("bcast", ())):
            if b and b[1] and v.type.kind == "array":
                where = f"line {op.loc.line}" if op.loc else op.prim
                stretched.append(f"{v.hint or 'operand'} along axis {','.join(map(str, b[1]))} ({where})")
    if stretched:
        text += "; broadcasts " + "; ".join(stretched)
    return text


def _write_atomic(path: Path, text: str) -> None:
    cachedir.write_atomic(path, text)


def _load_module(path: Path, modname: str, key: str, names: tuple = ()):
    """Import a generated module; registered in sys.modules first so Numba's cache can find it.
    Only a regular file of this user whose `# key:` line matches and that defines `names` is
    imported (else ImportError: the caller rebuilds the entry); its Numba dispatchers are then
    hardened (runtime/cachelock.py: a damaged Numba cache file is a miss, not an error)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise ImportError(f"{path} is not a regular file of this user")
    text = path.read_text(encoding="utf-8")
    if f"# key: {key}\n" not in text:
        raise ImportError("stale or damaged cache entry")
    if "_simd." in text:
        # Numba's cached code names the kernel module; it must be imported before that code loads.
        simd.ensure_kernels()
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
        for n in names:
            if not callable(getattr(module, n, None)):
                raise ImportError(f"damaged cache entry: {n} missing")
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    cachelock.harden(module, path.parent)
    cachelock.harden_runtime()
    return module


_MEMORY_TEXTS: dict[str, str] = {}  # generated files kept in memory when no directory can be written


def _exec_module(path: Path, text: str, modname: str, names: tuple = ()):
    """Import a generated module from its text, without Numba's disk cache: the last resort when
    no cache directory can be written (the text stays in memory for source() and tracebacks)."""
    import linecache
    import types

    if "_simd." in text:
        simd.ensure_kernels()
    filename = str(path)
    _MEMORY_TEXTS[filename] = text
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    code = compile(text.replace("numba.njit(cache=True,", "numba.njit(cache=False,"), filename, "exec")
    module = types.ModuleType(modname)
    module.__file__ = filename
    sys.modules[modname] = module
    try:
        exec(code, module.__dict__)
        for n in names:
            getattr(module, n)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    cachelock.harden_runtime()
    return module


def _read_text(path: Path) -> str:
    text = _MEMORY_TEXTS.get(str(path))
    return text if text is not None else path.read_text(encoding="utf-8")


def _store_module(stem: str, modname: str, key: str, readable: str, lowered: str, names: tuple):
    """Write one entry's two files and import it: into the cache directory, else (a write failed:
    read-only, full) the private fallback directory, else in memory. Returns the module."""
    while True:
        directory = cache_dir()
        if directory is None:
            _MEMORY_TEXTS[f"<adjit-memory>/{stem}.readable.py"] = readable
            return _exec_module(Path(f"<adjit-memory>/{stem}.py"), lowered, modname, names)
        module_path = directory / f"{stem}.py"
        try:
            with cachelock.locked(directory):
                _write_atomic(directory / f"{stem}.readable.py", readable)
                _write_atomic(module_path, lowered)
                cachedir.note_write(directory)
        except OSError as e:
            cachedir.unusable(directory, e)  # one warning; the next round uses the fallback
            continue
        cachedir.protect(stem)
        return _load_module(module_path, modname, key, names)


def _comment(text: str) -> str:
    """`text` made safe for one comment line of generated source: backslashes and every character
    that is not printable (a newline in a directory name...) are written as escapes, so no path or
    name can end the comment and inject code."""
    return "".join("\\\\" if c == "\\" else c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


_MODULES: dict[str, Any] = {}
_LOCK = threading.RLock()


def module_text(title: str, signature: str, key: str, functions: list[str], helpers: list[str], lowered: bool,
                parallel: bool = False) -> str:
    head = [f"# Generated by adjit {VERSION} from {_comment(title)}; do not edit.",
            f"# signature: {_comment(signature)}",
            f"# key: {key}",
            "import numpy as np"]
    if not lowered and any("stop_gradient(" in f for f in functions):
        head.append("from adjit import stop_gradient")
    if lowered:
        head.append("import numba")
        head.append("from adjit.runtime import simd as _simd")
        head.append("from adjit.runtime import tape as _tape")
        head.append("from adjit.runtime import linalg as _la")
        head.append("from adjit.runtime import alloc as _alloc")
        if any("_bounds." in t for t in functions + helpers):  # bounds checks (compiler/codegen/bounds.py)
            head.append("from adjit.runtime import bounds as _bounds")
        head.append("")
        if parallel:
            head.append("_jit = numba.njit(cache=True, nogil=True, error_model='numpy', parallel=True)")
            head.append("_CHUNKS = 64  # fixed work split for reductions: the same sum whatever the thread count")
        else:
            head.append("_jit = numba.njit(cache=True, nogil=True, error_model='numpy')")
    body = []
    for h in helpers:
        body.append(("@_jit\n" if lowered else "") + h)
    for f in functions:
        body.append(("@_jit\n" if lowered else "") + f)
    return "\n".join(head) + "\n\n\n" + "\n\n\n".join(body) + "\n"


# ---------------------------------------------------------------------------------- front key

STATS = {"lowered": 0, "front_hits": 0, "numba_preloads": 0}
"""Counters for tests and benchmarks: calls of the frontend (`lowered`), specializations found
through the front key without running the IR pipeline (`front_hits`), and compiled entry points
loaded from Numba's cache without initializing Numba's compiler (`numba_preloads`)."""

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


def _dependencies(fn) -> str | None:
    """A description of everything `fn` reads besides its arguments, for the front key: the
    values of the globals and closure cells it names, and for each Python function it calls
    (which the frontend inlines) that function's source, place and dependencies in turn.
    Library functions (NumPy, math) are named, not read. None when a value has no
    stable description (an arbitrary object): then no front key, and every new process runs
    the IR pipeline to find its cache entry, as before."""
    import builtins
    import inspect
    import types

    out: list[str] = []
    seen: set = set()

    def describe(v, names: set, depth: int) -> bool:
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
            return all(describe(x, names, depth + 1) for x in (sorted(v, key=repr) if isinstance(v, frozenset) else v))
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
            out.append(f"module:{v.__name__}")
            if v.__name__.split(".")[0] in _LIBRARIES:
                return True
            for n in sorted(names):  # a user module: the attributes this code could read from it
                if n in v.__dict__:
                    out.append(f".{n}")
                    if not describe(v.__dict__[n], names, depth + 1):
                        return False
            return True
        module = getattr(v, "__module__", None) or ""
        if isinstance(v, type) or isinstance(v, (types.BuiltinFunctionType, np.ufunc)):
            if module.split(".")[0] in _LIBRARIES:
                out.append(f"lib:{module}.{getattr(v, '__qualname__', v)}")
                return True
            return False
        if isinstance(v, types.FunctionType):
            if module.split(".")[0] in _LIBRARIES and not isinstance(getattr(v, "__wrapped__", None), types.FunctionType):
                out.append(f"lib:{module}.{v.__qualname__}")
                return True
            return function(v, depth + 1)
        return False

    def function(f, depth: int) -> bool:
        f = inspect.unwrap(f)
        code = f.__code__
        if code in seen:
            out.append(f"seen:{f.__qualname__}")
            return True
        seen.add(code)
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
                if not describe(g[n], names, depth):
                    return False
            elif hasattr(builtins, n):
                out.append(f"builtin {n}")
        for n, cell in zip(code.co_freevars, f.__closure__ or ()):
            out.append(f"free {n}")
            try:
                value = cell.cell_contents
            except ValueError:
                out.append("<empty>")
                continue
            if not describe(value, names, depth):
                return False
        if f.__defaults__:
            out.append("defaults")
            if not describe(tuple(f.__defaults__), names, depth):
                return False
        return True

    try:
        return "\n".join(out) if function(fn, 0) else None
    except Exception:  # an odd object somewhere: no front key, never a wrong one
        return None


def _args_key(args: tuple) -> str:
    """The arguments as the front key sees them: exactly what the in-memory memo (_shape_key)
    distinguishes, plus the dtype's byte order."""
    return repr((_shape_key(args), tuple(a.dtype.str for a in args if isinstance(a, np.ndarray))))


def _preload(dispatcher, args: tuple) -> bool:
    """Load `dispatcher`'s compiled code for `args` from Numba's on-disk cache directly.

    Numba's own path (Dispatcher.compile -> cache.load_overload) first refreshes the target
    context, which imports and installs every typing and lowering registry Numba has (about
    0.1-0.2 s in a new process, SciPy's linalg included) although loading cached machine code
    needs none of them: only the runtime (NRT) must be up. Any later compilation still
    refreshes as usual. False, and no harm done, when the entry is not in the cache or Numba's
    internals differ from what this expects; the call then goes through Numba as before."""
    try:
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.runtime import rtsys

        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
        if sig in dispatcher.overloads:
            return True
        cache = dispatcher._cache
        load = getattr(cache, "_load_overload", None)
        if load is None:
            return False
        ctx = dispatcher.targetctx
        with global_compiler_lock:
            rtsys.initialize(ctx)
            cres = load(sig, ctx)
            if cres is None or cres.objectmode:
                return False
            ctx.insert_user_function(cres.entry_point, cres.fndesc, [cres.library])
            dispatcher.add_overload(cres)
            dispatcher._cache_hits[sig] += 1
        STATS["numba_preloads"] += 1
        return True
    except Exception:
        return False


# ------------------------------------------------------------------------------------- function


class CompiledFunction:
    """A user function turned into a compiled transformation (value_and_grad or jvp) of it.

    Calls are specialized per argument signature; `source(*args)` shows the generated code."""

    def __init__(self, fun: Callable, wrt, mode: str = "value_and_grad", checkpoint=None, parallel: bool = False):
        self.fun = fun
        self.parallel = bool(parallel)
        if checkpoint not in (None, "sqrt") and not (isinstance(checkpoint, int) and checkpoint >= 1):
            raise ArgumentError(f"checkpoint must be None, 'sqrt' or a segment length >= 1, not {checkpoint!r}")
        self.checkpoint = checkpoint
        self.parsed = frontend.parse(fun)
        if os.environ.get("NUMBA_DISABLE_JIT", "0").strip() not in ("", "0"):
            raise AdjitError("NUMBA_DISABLE_JIT is set, and adjit compiles every gradient with Numba",
                             self.parsed.loc(self.parsed.node),
                             hint="unset NUMBA_DISABLE_JIT; to step through the gradient in Python, run the "
                                  "NumPy source that g.source(*args) prints")
        self.mode = mode
        self.single = isinstance(wrt, (int, str))
        self.wrt = self._resolve_wrt(wrt)
        self._by_shapes: OrderedDict = OrderedDict()
        self._specs: dict[str, Specialization] = {}
        self.__name__ = getattr(fun, "__name__", "f")
        self.__doc__ = getattr(fun, "__doc__", None)
        self.__wrapped__ = fun

    def _resolve_wrt(self, wrt) -> list[int]:
        names = self.parsed.param_names
        if not isinstance(wrt, (int, str, tuple, list)) or isinstance(wrt, bool):
            raise ArgumentError(f"wrt must be an argument position, a name, or a tuple of them, not {wrt!r}",
                                self.parsed.loc(self.parsed.node), hint="e.g. wrt=0 or wrt=('W', 'b')")
        items = [wrt] if isinstance(wrt, (int, str)) else list(wrt)
        if not items:
            raise ArgumentError("wrt must name at least one argument")
        out = []
        for w in items:
            if isinstance(w, str):
                if w not in names:
                    raise ArgumentError(f"wrt={w!r}: {self.parsed.name}() has no argument named {w!r} "
                                        f"(its arguments: {', '.join(names)})", self.parsed.loc(self.parsed.node))
                k = names.index(w)
            elif isinstance(w, int) and not isinstance(w, bool):
                if not -len(names) <= w < len(names):
                    raise ArgumentError(f"wrt={w}: {self.parsed.name}() takes {len(names)} arguments",
                                        self.parsed.loc(self.parsed.node))
                k = w % len(names)
            else:
                raise ArgumentError(f"wrt entries must be argument positions or names, got {w!r}")
            if k in out:
                raise ArgumentError(f"wrt names argument '{names[k]}' twice", self.parsed.loc(self.parsed.node.args.args[k]))
            out.append(k)
        return out

    # -- calling
    def _bind(self, args: tuple, kwargs: dict) -> tuple:
        args = tuple(self._as_numpy(a, k) for k, a in enumerate(self._bind_names(args, kwargs)))
        for a in args:
            if isinstance(a, np.ndarray) and a.ndim == 0:  # 0-d arrays run as NumPy scalars
                return tuple(x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in args)
        return args

    def _as_numpy(self, a, k: int):
        """An argument as NumPy itself would compute with it: arrays in native byte order (Numba
        would read the bytes as native), subclasses that change what operators mean refused."""
        if not isinstance(a, np.ndarray):
            return a
        name = self.parsed.param_names[k]
        where = self.parsed.loc(self.parsed.node.args.args[k])
        if type(a) is not np.ndarray:
            if isinstance(a, np.ma.MaskedArray):
                raise ArgumentError(f"argument '{name}' is a masked array; adjit would ignore its mask", where,
                                    hint=f"pass {name}.filled(value) or np.ma.getdata({name}) explicitly")
            if isinstance(a, np.matrix):
                raise ArgumentError(f"argument '{name}' is an np.matrix, where * is a matrix product", where,
                                    hint=f"pass np.asarray({name}) and write @ for matrix products")
            if not isinstance(a, np.memmap):
                raise ArgumentError(f"argument '{name}' is a {type(a).__name__}, a subclass of ndarray whose "
                                    "operations adjit cannot know", where,
                                    hint=f"pass np.asarray({name}) if it computes like a plain array")
            a = np.asarray(a)
        if not a.dtype.isnative:
            a = a.astype(a.dtype.newbyteorder("="))
        return a

    def _bind_names(self, args: tuple, kwargs: dict) -> tuple:
        names = self.parsed.param_names
        if not kwargs and len(args) == len(names):
            return args
        defaults = self.fun.__defaults__ or ()
        if len(args) > len(names):
            raise ArgumentError(f"{self.parsed.name}() takes {len(names)} arguments but {len(args)} were given",
                                self.parsed.loc(self.parsed.node))
        bound = list(args) + [_MISSING] * (len(names) - len(args))
        for k, v in kwargs.items():
            if k not in names:
                raise ArgumentError(f"{self.parsed.name}() got an unexpected keyword argument '{k}'",
                                    self.parsed.loc(self.parsed.node))
            i = names.index(k)
            if bound[i] is not _MISSING:
                raise ArgumentError(f"{self.parsed.name}() got multiple values for argument '{k}'",
                                    self.parsed.loc(self.parsed.node))
            bound[i] = v
        first_default = len(names) - len(defaults)
        for i, v in enumerate(bound):
            if v is _MISSING:
                if i >= first_default:
                    bound[i] = defaults[i - first_default]
                else:
                    raise ArgumentError(f"{self.parsed.name}() missing required argument '{names[i]}'",
                                        self.parsed.loc(self.parsed.node))
        return tuple(bound)

    def specialize(self, *args, **kwargs) -> Specialization:
        return self._spec_for(self._bind(args, kwargs))

    def _spec_for(self, args: tuple) -> Specialization:
        key = _shape_key(args)
        spec = self._by_shapes.get(key)
        if spec is not None:
            return spec
        with _LOCK:
            spec = self._build(args)
            self._by_shapes[key] = spec
            if len(self._by_shapes) > 256:
                self._by_shapes.popitem(last=False)
        return spec

    def _lower(self, args: tuple):
        names = self.parsed.param_names
        params = self.parsed.node.args.args
        avals = [abstract_arg(a, n, self.parsed.loc(node)) for a, n, node in zip(args, names, params)]
        for k in self.wrt:
            t = avals[k].type
            if not t.is_float:
                raise AdjitTypeError(
                    f"argument '{names[k]}' is differentiated (wrt) but has type {t}; it must be float32 or float64",
                    self.parsed.loc(self.parsed.node.args.args[k]),
                    hint="pass floats (e.g. x.astype(np.float64)), or leave it out of wrt")
        STATS["lowered"] += 1
        return frontend.lower(self.parsed, avals)

    def _build(self, args: tuple) -> Specialization:
        """The specialization for these arguments: through the front key when a process has built
        it before (no IR pipeline), else by lowering and then the cache keyed by the printed IR."""
        front = self._front_key(args)
        if front is not None:
            spec = self._from_front(front, args)
            if spec is not None:
                return spec
        # A miss is built under the cache directory's inter-process lock (runtime/cachelock.py):
        # a process that waited finds the entry another one just built, and writing and evicting
        # never interleave.
        with cachelock.locked(cache_dir()):
            if front is not None:
                spec = self._from_front(front, args)
                if spec is not None:
                    return spec
            spec = self._build_full(args)
            if front is not None:
                self._write_front(front, spec)
        return spec

    def _front_key(self, args: tuple) -> str | None:
        """A key computable without the IR: the function's source and place, what it reads
        (globals, closure cells, called functions, recursively), the compiler's fingerprint,
        the options and the arguments' dtypes, shapes and layouts."""
        deps = _dependencies(self.parsed.fn)
        if deps is None:
            return None
        text = "\n".join([_FINGERPRINT, np.__version__, simd.ISA, self.mode, repr(self.wrt), repr(self.checkpoint),
                          repr(self.parallel), self.parsed.filename, str(self.parsed.firstline),
                          self.parsed.source, deps, _args_key(args)])
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def _front_path(self, front: str) -> Path | None:
        directory = cache_dir()
        return None if directory is None else directory / f"{self.parsed.name}_{front}.front.json"

    def _from_front(self, front: str, args: tuple) -> Specialization | None:
        t0 = time.perf_counter()
        name = self.parsed.name
        try:
            front_path = self._front_path(front)
            if front_path is None:  # compiling in memory
                return None
            entry = json.loads(front_path.read_text(encoding="utf-8"))
            digest = entry["key"]
            if not (isinstance(digest, str) and digest.isalnum()):
                return None
            spec = self._specs.get(digest)
            if spec is not None:
                return spec
            stem = f"{name}_{digest}"
            modname = f"adjit_generated_{stem}"
            module = _MODULES.get(modname)
            from_disk = module is None
            if from_disk:
                module_path = front_path.with_name(f"{stem}.py")
                if not front_path.with_name(f"{stem}.readable.py").exists():
                    return None
                module = _load_module(module_path, modname, digest, (self.entry_name, name))
            module_path = Path(module.__file__)
            readable_path = module_path.with_name(f"{stem}.readable.py")
            spec = Specialization(digest, entry["signature"], module_path, getattr(module, self.entry_name),
                                  getattr(module, name), readable_path, entry["result_dtype"],
                                  time.perf_counter() - t0, from_disk, True)
        except Exception:  # missing, stale or damaged: the full path decides (and rebuilds)
            return None
        cachedir.protect(stem)
        cachedir.touch(front_path, readable_path)  # least recently used goes first (cachedir.evict)
        _MODULES[modname] = module
        self._specs[digest] = spec
        STATS["front_hits"] += 1
        if self.mode == "value_and_grad":
            _preload(spec.entry_dispatcher, tuple(args) + WORKSPACE_EXAMPLE)
        return spec

    def _write_front(self, front: str, spec: Specialization) -> None:
        entry = {"key": spec.key, "signature": spec.signature, "result_dtype": spec.result_dtype}
        path = self._front_path(front)
        if path is None or path.parent != spec.module_path.parent:  # in memory, or the directory changed
            return
        try:
            _write_atomic(path, json.dumps(entry))
            cachedir.note_write(path.parent)
        except OSError:  # a read-only cache still works, through the full path
            pass

    def _build_full(self, args: tuple) -> Specialization:
        primal, builder = self._lower(args)
        layouts = [_layout(a) for a in args]
        sig = _signature_text(primal, layouts)
        ir_text = print_function(primal)
        digest = hashlib.sha256("\n".join([_FINGERPRINT, simd.ISA, self.mode, repr(self.wrt), repr(self.checkpoint),
                                           repr(self.parallel), self.parsed.filename,
                                           self.parsed.source, ir_text, sig]).encode()).hexdigest()[:20]
        spec = self._specs.get(digest)
        if spec is not None:
            return spec
        t0 = time.perf_counter()
        name = self.parsed.name
        stem = f"{name}_{digest}"
        modname = f"adjit_generated_{stem}"
        names = (self.entry_name, name)
        directory = cache_dir()
        module = _MODULES.get(modname)
        from_disk = False
        if module is None and directory is not None:
            module_path = directory / f"{stem}.py"
            readable_path = directory / f"{stem}.readable.py"
            if module_path.exists() and readable_path.exists():
                try:
                    module = _load_module(module_path, modname, digest, names)
                    from_disk = True
                    cachedir.protect(stem)
                    cachedir.touch(readable_path)
                except Exception:  # a damaged entry is deleted and rebuilt, never trusted
                    module = None
                    with cachelock.locked(directory):
                        cachedir.discard_entry(directory, stem)
        if module is None:
            title = f"{self.parsed.filename}:{self.parsed.firstline} ({name})"  # escaped by module_text
            readable, lowered = self.generate(args, primal, builder)
            module = _store_module(stem, modname, digest,
                                   module_text(title, sig, digest, readable[0], readable[1], False),
                                   module_text(title, sig, digest, lowered[0], lowered[1], True, self.parallel),
                                   names)
        module_path = Path(module.__file__)
        readable_path = module_path.with_name(f"{stem}.readable.py")
        _MODULES[modname] = module
        spec = Specialization(digest, sig, module_path, getattr(module, self.entry_name),
                              getattr(module, name), readable_path, primal.results[0].type.dtype,
                              time.perf_counter() - t0, from_disk)
        self._specs[digest] = spec
        if from_disk and self.mode == "value_and_grad":
            _preload(spec.entry_dispatcher, tuple(args) + WORKSPACE_EXAMPLE)
        return spec

    @property
    def entry_name(self) -> str:
        return self.parsed.name + ("_grad" if self.mode == "value_and_grad" else "_jvp")

    def generate(self, args: tuple, primal: Function, builder) -> tuple:
        """(readable functions, helpers), (lowered functions, helpers) for these arguments."""
        from . import codegen, forward, reverse
        from .passes.pipeline import optimize

        try:  # the transformations leave `primal` as it is (they work on a clone of it)
            if self.mode == "value_and_grad":
                transformed = reverse.value_and_grad(primal, builder, self.wrt, self.checkpoint)
            else:
                transformed = forward.jvp(primal, builder, self.wrt)
            transformed = optimize(transformed)
            primal = optimize(primal)
        except AdjitError:
            raise
        except Exception as e:  # a bug in a pass: say so, with the IR
            raise InternalCompilerError(f"{type(e).__name__}: {e}", print_function(primal)) from e
        out = []
        for lowered in (False, True):
            f = codegen.render(primal, self.parsed.name, lowered, self.parsed.name, self.parallel)
            g = codegen.render(transformed, self.entry_name, lowered, self.parsed.name, self.parallel)
            helpers = sorted(set(f.helpers) | set(g.helpers))
            out.append(([f.source, g.source], helpers))
        return out[0], out[1]

    # -- inspection
    def source(self, *args, lowered: bool = False, **kwargs) -> str:
        """The generated Python source (forward and adjoint) for these example arguments."""
        spec = self.specialize(*args, **kwargs)
        return spec.lowered if lowered else spec.readable

    def ir(self, *args, adjoint: bool = False, **kwargs) -> str:
        """The printed IR for these example arguments: the primal function, or with adjoint=True
        the optimized transformed function (forward sweep + reverse sweep) that codegen renders."""
        from . import forward, reverse
        from .passes.pipeline import optimize

        primal, builder = self._lower(self._bind(args, kwargs))
        if not adjoint:
            return print_function(primal)
        if self.mode == "value_and_grad":
            return print_function(optimize(reverse.value_and_grad(primal, builder, self.wrt, self.checkpoint)))
        return print_function(optimize(forward.jvp(primal, builder, self.wrt)))

    @property
    def signatures(self) -> list[str]:
        """The argument signatures compiled so far."""
        return [s.signature for s in self._specs.values()]


class _Missing:
    pass


_MISSING = _Missing()
