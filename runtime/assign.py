"""What lowered code calls to write an array into a region of another (compiler/codegen/gather.py's
region_helper): `unshared(region, v)` is v, or a copy of v when their memory may overlap, so that
an element loop writing the region reads v as it was before the write, as NumPy's assignment does.

Generated code writes `x[1:n] = v` / `x[1:n] += v` element by element, not by Numba's array setitem:
Numba compiles that with a shape-mismatch message formatted at run time (str of each extent, join),
2.6-4 s of CPU the first time a process compiles one, never cached across processes (issue 14)."""
from __future__ import annotations

import numba
from numba.core import cgutils, types
from numba.extending import intrinsic


@intrinsic
def _span(typingctx, a):
    """(first byte, one past the last byte) that a's elements occupy; a must not be empty. Emitted
    directly (Numba's `a.ctypes.data` and a loop indexing `a.strides` by a variable compiled in
    about 0.15 s more per signature)."""
    if not isinstance(a, types.Array):
        return None

    def codegen(context, builder, sig, args):
        from numba.np.arrayobj import make_array  # when compiling only

        ary = make_array(sig.args[0])(context, builder, args[0])
        i64 = context.get_value_type(types.int64)
        lo = builder.ptrtoint(ary.data, i64)
        hi = lo
        one = context.get_constant(types.intp, 1)
        for extent, stride in zip(cgutils.unpack_tuple(builder, ary.shape, a.ndim),
                                  cgutils.unpack_tuple(builder, ary.strides, a.ndim)):
            step = builder.mul(builder.sub(extent, one), stride)
            negative = builder.icmp_signed("<", step, context.get_constant(types.intp, 0))
            lo = builder.select(negative, builder.add(lo, step), lo)
            hi = builder.select(negative, hi, builder.add(hi, step))
        hi = builder.add(hi, ary.itemsize)
        return context.make_tuple(builder, sig.return_type, (lo, hi))

    return types.UniTuple(types.int64, 2)(a), codegen


@numba.njit(cache=True, nogil=True)
def overlaps(a, b):
    """Whether the byte ranges of a's and b's elements intersect (NumPy's may_share_memory bound)."""
    if a.size == 0 or b.size == 0:
        return False
    alo, ahi = _span(a)
    blo, bhi = _span(b)
    return alo < bhi and blo < ahi


@numba.njit(cache=True, nogil=True)
def unshared(region, v):
    """v, or a copy of v when it may share memory with region."""
    if overlaps(region, v):
        return v.copy()
    return v
