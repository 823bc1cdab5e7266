"""Specialization and caching: one compiled module per argument signature (dtype, ndim, layout
and broadcast pattern), kept in memory and on disk as real source files that Numba caches.

A call checks its arguments (count, dtypes, shapes through the whole program) in Python before
any compiled loop runs; the check is memoized per tuple of argument shapes.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import codegen, forward, frontend, reverse
from .errors import AdjitError, AdjitTypeError, ArgumentError, InternalCompilerError
from .ir import Abstract, Function, array_type, print_function, scalar_type
from .passes.pipeline import optimize
from ..runtime import simd

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


def cache_dir() -> Path:
    """Where generated modules live: $ADJIT_CACHE_DIR, else $XDG_CACHE_HOME/adjit, else ~/.cache/adjit."""
    root = os.environ.get("ADJIT_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "adjit")
    path = Path(root) / VERSION
    path.mkdir(parents=True, exist_ok=True)
    return path


# ----------------------------------------------------------------------------------- arguments


def abstract_arg(x: Any, name: str, loc=None) -> Abstract:
    """The abstract value of one call argument (what the compiled code is specialized on)."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in _NUMERIC_KINDS:
            raise AdjitTypeError(f"argument '{name}' has unsupported dtype {x.dtype}", loc)
        if x.ndim == 0:
            return Abstract(scalar_type(x.dtype.name), ())
        return Abstract(array_type(x.dtype.name, x.ndim), tuple(x.shape))
    if isinstance(x, bool):
        return Abstract(scalar_type("bool", True), (), x)
    if isinstance(x, int):
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

    @property
    def readable(self) -> str:
        return self.readable_path.read_text()

    @property
    def lowered(self) -> str:
        return self.module_path.read_text()


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".py")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def _load_module(path: Path, modname: str, key: str):
    """Import a generated module; registered in sys.modules first so Numba's cache can find it."""
    text = path.read_text()
    if f"# key: {key}\n" not in text:
        raise ImportError("stale or damaged cache entry")
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return module


_MODULES: dict[str, Any] = {}
_LOCK = threading.RLock()


def module_text(title: str, signature: str, key: str, functions: list[str], helpers: list[str], lowered: bool,
                parallel: bool = False) -> str:
    head = [f"# Generated by adjit {VERSION} from {title}; do not edit.",
            f"# signature: {signature}",
            f"# key: {key}",
            "import numpy as np"]
    if not lowered and any("stop_gradient(" in f for f in functions):
        head.append("from adjit import stop_gradient")
    if lowered:
        head.append("import numba")
        head.append("from adjit.runtime import simd as _simd")
        head.append("from adjit.runtime import tape as _tape")
        head.append("from adjit.runtime import linalg as _la")
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
        args = self._bind_names(args, kwargs)
        for a in args:
            if isinstance(a, np.ndarray) and a.ndim == 0:  # 0-d arrays run as NumPy scalars
                return tuple(x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in args)
        return args

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
        return frontend.lower(self.parsed, avals)

    def _build(self, args: tuple) -> Specialization:
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
        directory = cache_dir()
        module_path = directory / f"{name}_{digest}.py"
        readable_path = directory / f"{name}_{digest}.readable.py"
        modname = f"adjit_generated_{name}_{digest}"
        module = _MODULES.get(modname)
        from_disk = False
        if module is None and module_path.exists() and readable_path.exists():
            try:
                module = _load_module(module_path, modname, digest)
                from_disk = True
            except Exception:  # a damaged entry is rebuilt, never trusted
                module = None
        if module is None:
            title = f"{self.parsed.filename}:{self.parsed.firstline} ({name})"
            readable, lowered = self.generate(args, primal, builder)
            _write_atomic(readable_path, module_text(title, sig, digest, readable[0], readable[1], False))
            _write_atomic(module_path, module_text(title, sig, digest, lowered[0], lowered[1], True, self.parallel))
            module = _load_module(module_path, modname, digest)
        _MODULES[modname] = module
        spec = Specialization(digest, sig, module_path, getattr(module, self.entry_name),
                              getattr(module, name), readable_path, primal.results[0].type.dtype,
                              time.perf_counter() - t0, from_disk)
        self._specs[digest] = spec
        return spec

    @property
    def entry_name(self) -> str:
        return self.parsed.name + ("_grad" if self.mode == "value_and_grad" else "_jvp")

    def generate(self, args: tuple, primal: Function, builder) -> tuple:
        """(readable functions, helpers), (lowered functions, helpers) for these arguments."""
        second, b2 = self._lower(args)
        try:
            if self.mode == "value_and_grad":
                transformed = reverse.value_and_grad(second, b2, self.wrt, self.checkpoint)
            else:
                transformed = forward.jvp(second, b2, self.wrt)
            transformed = optimize(transformed)
            primal = optimize(primal)
        except AdjitError:
            raise
        except Exception as e:  # a bug in a pass: say so, with the IR
            raise InternalCompilerError(f"{type(e).__name__}: {e}", print_function(second)) from e
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
