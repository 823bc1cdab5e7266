"""A Numba intrinsic calling glibc's libmvec AVX2 tanh on 4 doubles, for the SIMD hand-written baseline."""
from __future__ import annotations

import platform

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

VECTOR_TANH = "_ZGVdN4v_tanh"  # AVX2, <4 x double> -> <4 x double>


def available() -> tuple[bool, str]:
    """Whether tanh4 can run here (x86-64 with AVX2 and libmvec.so.1), and why not otherwise."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return False, f"libmvec tanh needs x86-64, this is {platform.machine()}"
    try:
        with open("/proc/cpuinfo") as f:
            if " avx2" not in f.read():
                return False, "libmvec tanh needs AVX2, which this CPU lacks"
    except OSError:
        return False, "cannot read /proc/cpuinfo to check for AVX2"
    try:
        import llvmlite.binding as llvm
        llvm.load_library_permanently("libmvec.so.1")
    except Exception as e:  # missing on non-glibc systems
        return False, f"libmvec.so.1 not loadable ({e})"
    return True, f"glibc libmvec {VECTOR_TANH}"


@intrinsic
def tanh4(typingctx, a, b, c, d):
    """(tanh(a), tanh(b), tanh(c), tanh(d)) in one AVX2 libmvec call; arguments are float64."""
    sig = types.UniTuple(types.float64, 4)(types.float64, types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        vec = ir.VectorType(ir.DoubleType(), 4)
        fn = builder.module.globals.get(VECTOR_TANH)
        if fn is None:
            fn = ir.Function(builder.module, ir.FunctionType(vec, [vec]), VECTOR_TANH)
        v = ir.Constant(vec, ir.Undefined)
        for i, x in enumerate(args):
            v = builder.insert_element(v, x, ir.Constant(ir.IntType(32), i))
        r = builder.call(fn, [v])
        lanes = [builder.extract_element(r, ir.Constant(ir.IntType(32), i)) for i in range(4)]
        return context.make_tuple(builder, signature.return_type, lanes)

    return sig, codegen
