"""SIMD transcendental functions for generated loops: glibc's libmvec vector variants
(`_ZGVeN8v_tanh` on AVX-512, `_ZGVdN4v_tanh` on AVX2) called from Numba through llvmlite, with a
scalar fallback where libmvec or the instruction set is missing (or ADJIT_SIMD=off).

Each kernel `<fn>_inplace(buf)` overwrites a C-contiguous float array with fn(buf)."""
from __future__ import annotations

import os
import platform

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

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


_KERNEL_SOURCE = '''
def {name}_inplace(buf):
    flat = buf.reshape(buf.size)
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
    flat = buf.reshape(buf.size)
    for j in range(flat.size):
        flat[j] = np.{npname}(flat[j])
'''


def _build_kernels() -> dict:
    kernels = {}
    for prim, base in FUNCTIONS.items():
        scope = {"np": np}
        if ISA == "off":
            src = _SCALAR_SOURCE + _SCALAR_RANGE_SOURCE
        else:
            scope["_vector"] = _make_vector_intrinsic(base)
            scope["_lanes"] = _lanes
            src = _KERNEL_SOURCE + _RANGE_SOURCE
        exec(compile(src.format(name=prim, npname=prim), f"<adjit.runtime.simd.{prim}>", "exec"), scope)
        jit = numba.njit(nogil=True, error_model="numpy")
        kernels[prim] = jit(scope[f"{prim}_inplace"])
        kernels[prim + "_range"] = jit(scope[f"{prim}_range"])
    return kernels


_KERNELS = _build_kernels()
exp_inplace = _KERNELS["exp"]
log_inplace = _KERNELS["log"]
log1p_inplace = _KERNELS["log1p"]
expm1_inplace = _KERNELS["expm1"]
sin_inplace = _KERNELS["sin"]
cos_inplace = _KERNELS["cos"]
tan_inplace = _KERNELS["tan"]
tanh_inplace = _KERNELS["tanh"]
sinh_inplace = _KERNELS["sinh"]
cosh_inplace = _KERNELS["cosh"]
arctan_inplace = _KERNELS["arctan"]
# <fn>_range(flat, start, stop): fn applied in place to flat[start:stop] of a 1-D C-contiguous array
# (a strip of a fused loop, without the cost of typing a slice)
exp_range = _KERNELS["exp_range"]
log_range = _KERNELS["log_range"]
log1p_range = _KERNELS["log1p_range"]
expm1_range = _KERNELS["expm1_range"]
sin_range = _KERNELS["sin_range"]
cos_range = _KERNELS["cos_range"]
tan_range = _KERNELS["tan_range"]
tanh_range = _KERNELS["tanh_range"]
sinh_range = _KERNELS["sinh_range"]
cosh_range = _KERNELS["cosh_range"]
arctan_range = _KERNELS["arctan_range"]
