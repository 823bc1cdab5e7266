"""`dot_into(a, b, out)`: Numba's `np.dot(a, b, out)` for contiguous float or complex operands (a
matrix times a matrix or a vector, a vector times a matrix), the same BLAS call made the same way,
cheaper to compile.

Numba's own implementation compiles a chain of internal functions for each pair of layouts (the
new array, the shape checks, a check per extent that it fits a C int, each through Numba's whole
pipeline): 0.4-0.6 s of CPU per signature, paid by every process that compiles one and never
cached (Numba's library), about half a second to 4 s of a cold first call (issue 14). Here the
checks are plain code in the caller and `_call` emits only what Numba's `dot_3_mm` / `dot_3_vm`
emit for non-empty operands, with Numba's own `call_xxgemm`, `call_xxgemv` and `call_xxdot`: the
same BLAS function with the same arguments, so the same bits. Operands Numba would first copy (a
non-contiguous layout) or cannot hand BLAS (integers) keep `np.dot` itself.

`gemm(like, ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc)`: the same BLAS function with every argument
given (addresses and leading dimensions), for runtime/linalg's products of stacks, which hand BLAS
each slice where it lies."""
from __future__ import annotations

import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic, overload

_MAXINT = 2 ** 31 - 1  # Numba's check_c_int: BLAS takes C ints
_BLAS_DTYPES = (types.float32, types.float64, types.complex64, types.complex128)


def takes(a, b) -> bool:
    """Whether dot_into makes the BLAS call itself for operand types a and b."""
    return (isinstance(a, types.Array) and isinstance(b, types.Array) and a.dtype == b.dtype
            and a.dtype in _BLAS_DTYPES and a.layout in "CF" and b.layout in "CF"
            and (a.ndim, b.ndim) in ((2, 2), (2, 1), (1, 2)))


@intrinsic
def _call(typingctx, a, b, out):
    """The BLAS call of Numba's np.dot(a, b, out) for non-empty operands whose shapes were checked
    (dot_3_mm's and dot_3_vm's code after their checks, without them)."""
    if not (takes(a, b) and isinstance(out, types.Array) and out.layout == "C" and out.dtype == a.dtype):
        return None

    def codegen(context, builder, sig, args):
        from numba.np import linalg as _nla  # when compiling only: a warm process never imports them here
        from numba.np.arrayobj import make_array

        _nla.ensure_blas()
        xty, yty, outty = sig.args
        x = make_array(xty)(context, builder, args[0])
        y = make_array(yty)(context, builder, args[1])
        o = make_array(outty)(context, builder, args[2])
        x_shapes = cgutils.unpack_tuple(builder, x.shape)
        y_shapes = cgutils.unpack_tuple(builder, y.shape)
        if xty.ndim == 2 and yty.ndim == 2:  # dot_3_mm: a (1, k) or (k, 1) operand goes to gemv/dot
            m, k = x_shapes
            _k, n = y_shapes
            one = context.get_constant(types.intp, 1)
            is_left_vec = builder.icmp_signed("==", m, one)
            is_right_vec = builder.icmp_signed("==", n, one)
            with builder.if_else(is_right_vec) as (r_vec, r_mat):
                with r_vec:
                    with builder.if_else(is_left_vec) as (v_v, m_v):
                        with v_v:
                            _nla.call_xxdot(context, builder, False, xty.dtype, k, x.data, y.data, o.data)
                        with m_v:
                            _nla.call_xxgemv(context, builder, xty.layout == outty.layout,
                                             xty, x_shapes, x.data, y.data, o.data)
                with r_mat:
                    with builder.if_else(is_left_vec) as (v_m, m_m):
                        with v_m:
                            _nla.call_xxgemv(context, builder, yty.layout != outty.layout,
                                             yty, y_shapes, y.data, x.data, o.data)
                        with m_m:
                            _nla.call_xxgemm(context, builder, xty, x_shapes, x.data, yty, y_shapes, y.data,
                                             outty, cgutils.unpack_tuple(builder, o.shape), o.data)
        elif xty.ndim < yty.ndim:  # dot_3_vm, vector * matrix: y.T * x
            _nla.call_xxgemv(context, builder, yty.layout == "F", yty, y_shapes, y.data, x.data, o.data)
        else:  # dot_3_vm, matrix * vector
            _nla.call_xxgemv(context, builder, xty.layout == "C", xty, x_shapes, x.data, y.data, o.data)
        return context.get_dummy_value()

    return types.none(a, b, out), codegen


def dot_into(a, b, out):
    """np.dot(a, b, out) (typed by the overload below); returns out."""
    raise NotImplementedError("called from compiled code only")


@overload(dot_into, jit_options={"nogil": True})
def _dot_into_typed(a, b, out):
    if not (takes(a, b) and isinstance(out, types.Array) and out.layout == "C" and out.dtype == a.dtype):
        return lambda a, b, out: np.dot(a, b, out)
    if a.ndim == 2 and b.ndim == 2:
        def mm(a, b, out):
            m, k = a.shape
            _k, n = b.shape
            if k != _k:
                raise ValueError("incompatible array sizes for np.dot(a, b) (matrix * matrix)")
            if out.shape[0] != m or out.shape[1] != n:
                raise ValueError("incompatible output array size for np.dot(a, b, out) (matrix * matrix)")
            if m > _MAXINT or k > _MAXINT or n > _MAXINT:
                raise OverflowError("array size too large to fit in C int")
            if k == 0 or m == 0 or n == 0:
                for i in range(m):
                    for j in range(n):
                        out[i, j] = 0
            else:
                _call(a, b, out)
            return out
        return mm
    if a.ndim == 2:
        def mv(a, b, out):
            m, _n = a.shape
            if b.shape[0] != _n:
                raise ValueError("incompatible array sizes for np.dot(a, b) (matrix * vector)")
            if out.shape[0] != m:
                raise ValueError("incompatible output array size for np.dot(a, b, out) (matrix * vector)")
            if m > _MAXINT or _n > _MAXINT:
                raise OverflowError("array size too large to fit in C int")
            if _n == 0 or m == 0:
                for i in range(m):
                    out[i] = 0
            else:
                _call(a, b, out)
            return out
        return mv

    def vm(a, b, out):
        _m, n = b.shape
        if a.shape[0] != _m:
            raise ValueError("incompatible array sizes for np.dot(a, b) (vector * matrix)")
        if out.shape[0] != n:
            raise ValueError("incompatible output array size for np.dot(a, b, out) (vector * matrix)")
        if _m > _MAXINT or n > _MAXINT:
            raise OverflowError("array size too large to fit in C int")
        if _m == 0 or n == 0:
            for i in range(n):
                out[i] = 0
        else:
            _call(a, b, out)
        return out
    return vm


@intrinsic
def gemm(typingctx, like, ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc):
    """BLAS's column-major C = op(A) op(B) (beta 0) for matrices of `like`'s dtype given by the byte
    addresses of their first elements (pa, pb, pc: from `x.ctypes.data`, the caller keeps x alive)
    and their leading dimensions: strided slices of stacks, without a copy. ta/tb true: transpose.
    The caller checks the shapes, the leading dimensions, that they fit C ints and that k > 0."""
    ints = (ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc)
    if not (isinstance(like, types.Array) and like.dtype in _BLAS_DTYPES
            and all(isinstance(i, (types.Integer, types.Boolean)) for i in ints)):
        return None

    def codegen(context, builder, sig, args):
        from llvmlite import ir
        from numba.np import linalg as _nla

        _nla.ensure_blas()
        intp = context.get_value_type(types.intp)
        char = ir.IntType(8)
        void_p = ir.IntType(8).as_pointer()

        def size(v):  # an integer argument as intp
            return builder.sext(v, intp) if v.type.width < intp.width else v

        def flag(t):
            t = builder.icmp_signed("!=", t, ir.Constant(t.type, 0))
            return builder.select(t, ir.Constant(char, ord("t")), ir.Constant(char, ord("n")))

        _, ta_, tb_, m_, n_, k_, pa_, lda_, pb_, ldb_, pc_, ldc_ = args
        fnty = ir.FunctionType(ir.IntType(32), [char, char, char, intp, intp, intp, void_p, void_p, intp,
                                                void_p, intp, void_p, void_p, intp])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "numba_xxgemm")
        dtype = sig.args[0].dtype
        alpha = _nla.make_constant_slot(context, builder, dtype, 1.0)
        beta = _nla.make_constant_slot(context, builder, dtype, 0.0)
        kind = ir.Constant(char, ord(_nla.get_blas_kind(dtype)))
        res = builder.call(fn, (kind, flag(ta_), flag(tb_), size(m_), size(n_), size(k_),
                                builder.bitcast(alpha, void_p), builder.inttoptr(size(pa_), void_p), size(lda_),
                                builder.inttoptr(size(pb_), void_p), size(ldb_), builder.bitcast(beta, void_p),
                                builder.inttoptr(size(pc_), void_p), size(ldc_)))
        _nla.check_blas_return(context, builder, res)
        return context.get_dummy_value()

    return types.none(like, ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc), codegen
