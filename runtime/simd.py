"""SIMD transcendental functions for generated loops: glibc's libmvec vector variants
(`_ZGVeN8v_tanh` on AVX-512, `_ZGVdN4v_tanh` on AVX2) called from Numba through llvmlite, with a
scalar fallback where libmvec or the instruction set is missing (or ADJIT_SIMD=off).

Each kernel `<fn>_inplace(buf)` overwrites a C-contiguous float array with fn(buf)."""
from __future__ import annotations

import os
import platform
import threading
from pathlib import Path

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

# adjit primitive -> libmvec base name
FUNCTIONS = {"exp": "exp", "log": "log", "log1p": "log1p", "expm1": "expm1", "sin": "sin", "cos": "cos",
             "tan": "tan", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "arctan": "atan"}


def _detect() -> str:
    """'avx512', 'avx2' or 'off': what the vector kernels use on this machine."""
    forced = os.environ.get("ADJIT_SIMD", "").lower()
    if forced in ("off", "0", "none", "scalar"):
        return "off"
    if platform.machine() not in ("x86_64", "AMD64"):
        return "off"
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return "off"
    try:
        import llvmlite.binding as llvm

        llvm.load_library_permanently("libmvec.so.1")
    except Exception:
        return "off"
    if forced in ("avx2", "avx512"):
        return forced
    if " avx512f" in flags:
        return "avx512"
    if " avx2" in flags:
        return "avx2"
    return "off"


ISA = _detect()


def _symbol(base: str, dtype) -> tuple[str, int]:
    """libmvec's vector-ABI name and lane count for base on this ISA and dtype."""
    f32 = dtype == types.float32
    if ISA == "avx512":
        lanes = 16 if f32 else 8
        return f"_ZGVeN{lanes}v_{base}{'f' if f32 else ''}", lanes
    lanes = 8 if f32 else 4
    return f"_ZGVdN{lanes}v_{base}{'f' if f32 else ''}", lanes


def _make_vector_intrinsic(base: str):
    @intrinsic
    def apply_lanes(typingctx, flat, start):
        """flat[start:start+lanes] = base(flat[start:start+lanes]) in one libmvec call."""
        if not isinstance(flat, types.Array) or flat.dtype not in (types.float32, types.float64):
            return None
        sig = types.void(flat, types.intp)

        def codegen(context, builder, signature, args):
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            name, lanes = _symbol(base, aryty.dtype)
            elt = context.get_value_type(aryty.dtype)
            vec = ir.VectorType(elt, lanes)
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(vec, [vec]), name)
            ptr = builder.gep(ary.data, [args[1]])
            vptr = builder.bitcast(ptr, vec.as_pointer())
            align = context.get_abi_sizeof(elt)  # arrays are only element-aligned: no aligned vector moves
            value = builder.load(vptr, align=align)
            builder.store(builder.call(fn, [value]), vptr, align=align)
            return context.get_dummy_value()

        return sig, codegen

    return apply_lanes


@intrinsic
def _lanes(typingctx, flat):
    """How many elements of flat's dtype one libmvec call processes (a compile-time constant)."""
    if not isinstance(flat, types.Array):
        return None

    def codegen(context, builder, signature, args):
        return context.get_constant(types.intp, _symbol("tanh", signature.args[0].dtype)[1])

    return types.intp(flat), codegen


def _flat_of(buf):
    """buf as a 1-D array (typed by the overload below)."""
    raise NotImplementedError("called from compiled code only")


@overload(_flat_of, jit_options={"nogil": True})
def _flat_of_typed(buf):
    """A C-ordered buffer (what generated code passes) through a flat view (alloc._flat), others by
    Numba's reshape, which compiles its checks in about 0.1 s more per rank."""
    from .alloc import _flat

    if isinstance(buf, types.Array) and buf.layout == "C":
        return lambda buf: _flat(buf)
    return lambda buf: buf.reshape(buf.size)


_KERNEL_SOURCE = '''
def {name}_inplace(buf):
    flat = _flat_of(buf)
    n = flat.size
    lanes = _lanes(flat)
    i = 0
    while i + lanes <= n:
        _vector(flat, i)
        i += lanes
    for j in range(i, n):
        flat[j] = np.{npname}(flat[j])
'''

_RANGE_SOURCE = '''
def {name}_range(flat, start, stop):
    lanes = _lanes(flat)
    i = start
    while i + lanes <= stop:
        _vector(flat, i)
        i += lanes
    for j in range(i, stop):
        flat[j] = np.{npname}(flat[j])
'''

_SCALAR_RANGE_SOURCE = '''
def {name}_range(flat, start, stop):
    for j in range(start, stop):
        flat[j] = np.{npname}(flat[j])
'''

_SCALAR_SOURCE = '''
def {name}_inplace(buf):
    flat = _flat_of(buf)
    for j in range(flat.size):
        flat[j] = np.{npname}(flat[j])
'''


def _exec_kernels() -> dict:
    """The kernels compiled from strings in this process (no Numba cache): the fallback when the
    cache directory cannot be written."""
    kernels = {}
    for prim, base in FUNCTIONS.items():
        scope = {"np": np, "_flat_of": _flat_of}
        if ISA == "off":
            src = _SCALAR_SOURCE + _SCALAR_RANGE_SOURCE
        else:
            scope["_vector"] = _VECTORS[base]
            scope["_lanes"] = _lanes
            src = _KERNEL_SOURCE + _RANGE_SOURCE
        exec(compile(src.format(name=prim, npname=prim), f"<adjit.runtime.simd.{prim}>", "exec"), scope)
        jit = numba.njit(nogil=True, error_model="numpy")
        kernels[prim] = jit(scope[f"{prim}_inplace"])
        kernels[prim + "_range"] = jit(scope[f"{prim}_range"])
    return kernels


def _kernel_module_text(digest: str) -> str:
    """A real source file holding every kernel for this ISA, so that Numba can cache them
    (cache=True needs a file): compiled once, then loaded by every later process."""
    head = [f"# SIMD kernels of adjit.runtime.simd for ISA {ISA} (source {digest}); generated, do not edit.",
            "import numba",
            "import numpy as np",
            "from adjit.runtime.simd import _VECTORS, _flat_of, _lanes",
            "from adjit.runtime.plainjit import njit_plain",
            "",
            "_jit = njit_plain(error_model='numpy')  # _range(flat, 0, n): one copy for every start",
            ""]
    body = []
    for prim, base in FUNCTIONS.items():
        if ISA == "off":
            sources = [_SCALAR_SOURCE, _SCALAR_RANGE_SOURCE]
        else:
            head.append(f"_vector_{prim} = _VECTORS[{base!r}]")
            sources = [_KERNEL_SOURCE, _RANGE_SOURCE]
        for src in sources:
            src = src.format(name=prim, npname=prim).replace("_vector(", f"_vector_{prim}(")
            body.append("@_jit" + src.rstrip())
    return "\n".join(head) + "\n\n\n" + "\n\n\n".join(body) + "\n"


def _build_kernels() -> dict:
    """Import the kernel module for this ISA and this version of this file, writing it first if
    missing: next to this file in __pycache__ (compiled once per installation, like the other
    runtime helpers' Numba caches; used only when it belongs to this user or root and nobody else
    can write it), else in adjit's checked cache directory; uncached kernels if neither can be
    written. Writing and importing happen under an inter-process lock in that directory, and the
    kernels' Numba caches are hardened (runtime/cachelock.py)."""
    import hashlib
    import importlib.util
    import sys

    from . import cachelock
    from .cachedir import cache_dir, check_private, write_atomic

    with open(__file__, "rb") as f:
        digest = hashlib.sha256(f.read() + numba.__version__.encode()).hexdigest()[:16]
    text = _kernel_module_text(digest)
    modname = f"adjit_simd_{ISA}_{digest}"

    def installation():
        directory = Path(__file__).parent / "__pycache__"
        directory.mkdir(exist_ok=True)
        owners = {0, os.getuid()} if hasattr(os, "getuid") else None
        return None if check_private(directory, owners) else (directory, 0o644)

    def private():
        directory = cache_dir()
        return None if directory is None else (directory, 0o600)

    for where in (installation, private):
        try:
            found = where()
            if found is None:
                continue
            directory, mode = found
            with cachelock.locked(directory, cachelock.SIMD_LOCK):
                path = directory / f"{modname}.py"
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    write_atomic(path, text, mode)
                spec = importlib.util.spec_from_file_location(modname, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[modname] = module
                spec.loader.exec_module(module)
            cachelock.harden(module, directory)
            kernels = {prim: getattr(module, f"{prim}_inplace") for prim in FUNCTIONS}
            kernels.update({f"{prim}_range": getattr(module, f"{prim}_range") for prim in FUNCTIONS})
            return kernels
        except Exception:
            sys.modules.pop(modname, None)
    return _exec_kernels()


_VECTORS = {base: _make_vector_intrinsic(base) for base in set(FUNCTIONS.values())} if ISA != "off" else {}
_KERNEL_CACHE: dict = {}
_KERNEL_LOCK = threading.Lock()


def ensure_kernels() -> dict:
    """The kernels by primitive name, made (or loaded from the cache) on first use."""
    if not _KERNEL_CACHE:
        with _KERNEL_LOCK:
            if not _KERNEL_CACHE:
                _KERNEL_CACHE.update(_build_kernels())
    return _KERNEL_CACHE


def __getattr__(name: str):
    """`<fn>_inplace`, `<fn>_range` and `_KERNELS` are made on first use (not at import): the first
    use writes or loads the cached kernel module. `<fn>_range(flat, start, stop)` applies fn in
    place to flat[start:stop] of a 1-D C-contiguous array: a strip of a fused loop."""
    if name == "_KERNELS":
        ensure_kernels()
        return dict(_KERNEL_CACHE)
    if name.endswith("_inplace") and name[:-len("_inplace")] in FUNCTIONS:
        return ensure_kernels()[name[:-len("_inplace")]]
    if name.endswith("_range") and name[:-len("_range")] in FUNCTIONS:
        return ensure_kernels()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
