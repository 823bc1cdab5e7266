"""Array allocation for generated code: small cached functions, so a generated module links
compiled code instead of compiling NumPy's empty/full again at every build (about 0.3 s of a cold
first call went to typing and compiling them).

Generated code passes shapes of constants (`_alloc.full((56,), 0, np.float64)`), which Numba types
as literals (`UniTuple(Literal[int](56), 1)`) and, calling a plain njit function, compiles (and
caches) a copy per distinct value: 0.3-1.7 s each on a cold first call. These functions are typed
on their arguments' plain types instead (runtime/plainjit.njit_plain): one copy per rank and dtype."""
import numpy as np
from numba.core import cgutils, types
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic

from .plainjit import njit_plain


@njit_plain
def empty(shape, dtype):
    """np.empty(shape, dtype); shape is a tuple."""
    return np.empty(shape, dtype)


@njit_plain
def refill(a, value):
    """a with every element set to value, through a flat view (Numba's np.full walks `arr.flat`,
    whose iterator took 0.1-0.2 s more to compile per rank). Also an array made once per call,
    filled again per iteration (compiler/passes/loopbuffers.py)."""
    flat = _flat(a)
    for i in range(flat.size):
        flat[i] = value
    return a


@njit_plain
def full(shape, value, dtype):
    """np.full(shape, value, dtype); shape is a tuple (filled by refill)."""
    return refill(np.empty(shape, dtype), value)


@njit_plain
def copy_into1(src, out):
    """out (made once per call) with the vector src's elements: src.copy() without an allocation."""
    for i in range(src.shape[0]):
        out[i] = src[i]
    return out


@njit_plain
def copy_into2(src, out):
    """copy_into1 for a matrix."""
    for i in range(src.shape[0]):
        for j in range(src.shape[1]):
            out[i, j] = src[i, j]
    return out


@njit_plain
def copy_into3(src, out):
    """copy_into1 for an array of rank 3."""
    for i in range(src.shape[0]):
        for j in range(src.shape[1]):
            for k in range(src.shape[2]):
                out[i, j, k] = src[i, j, k]
    return out


@intrinsic
def _itemsize(typingctx, dtype):
    """The size in bytes of an element of `dtype` (a constant)."""
    if not isinstance(dtype, (types.DTypeSpec, types.NumberClass)):
        return None

    def codegen(context, builder, sig, args):
        return context.get_constant(types.intp, context.get_abi_sizeof(context.get_data_type(dtype.dtype)))

    return types.intp(dtype), codegen


@intrinsic
def _flat(typingctx, a):
    """A C-ordered array a seen as 1-D (a view sharing its memory)."""
    if not (isinstance(a, types.Array) and a.layout == "C"):
        return None
    retty = types.Array(a.dtype, 1, "C")

    def codegen(context, builder, sig, args):
        from numba.np.arrayobj import make_array, populate_array  # when compiling only: a warm process never imports it here

        src = make_array(sig.args[0])(context, builder, args[0])
        out = make_array(retty)(context, builder)
        populate_array(out, data=src.data, shape=[src.nitems], strides=[src.itemsize], itemsize=src.itemsize,
                       meminfo=src.meminfo, parent=src.parent)
        return impl_ret_borrowed(context, builder, retty, out._getvalue())

    return retty(a), codegen


@intrinsic
def _carve(typingctx, ws, start, shape, dtype):
    """ws[start:] seen as a C-ordered array of `shape` and `dtype`: a view sharing (and keeping
    alive) ws's memory, as ws[start:start + nbytes].view(dtype).reshape(shape) is, without Numba's
    view and reshape (their checks compiled in 1-2 s on a cold first call; the caller checked the
    bounds)."""
    if not (isinstance(ws, types.Array) and ws.dtype == types.uint8 and ws.ndim == 1 and ws.layout == "C"
            and isinstance(shape, types.BaseTuple) and all(isinstance(t, types.Integer) for t in shape)
            and isinstance(dtype, (types.DTypeSpec, types.NumberClass))):
        return None
    retty = types.Array(dtype.dtype, len(shape), "C")

    def codegen(context, builder, sig, args):
        from numba.np.arrayobj import make_array, populate_array

        src = make_array(sig.args[0])(context, builder, args[0])
        out = make_array(retty)(context, builder)
        itemsize = context.get_abi_sizeof(context.get_data_type(retty.dtype))
        dims = [context.cast(builder, d, t, types.intp)
                for d, t in zip(cgutils.unpack_tuple(builder, args[2], len(shape)), shape)]
        strides, step = [], context.get_constant(types.intp, itemsize)
        for d in reversed(dims):  # C order
            strides.append(step)
            step = builder.mul(step, d)
        data = builder.gep(src.data, [args[1]])
        populate_array(out, data=builder.bitcast(data, out.data.type), shape=dims, strides=strides[::-1],
                       itemsize=context.get_constant(types.intp, itemsize), meminfo=src.meminfo, parent=src.parent)
        return impl_ret_borrowed(context, builder, retty, out._getvalue())

    return retty(ws, start, shape, dtype), codegen


@njit_plain(apart=True)  # called by symbol from generated code (runtime/plainjit.py)
def take(ws, state, shape, dtype):
    """An uninitialized array of `shape` carved from the workspace `ws` (uint8), 64-byte aligned,
    at offset state[0]; state[1] records the most the call has needed, so the caller can give it a
    larger workspace next time. Falls back to np.empty while the workspace is too small."""
    n = 1
    for d in shape:
        n *= d
    nbytes = n * _itemsize(dtype)
    start = (state[0] + 63) // 64 * 64
    state[0] = start + nbytes
    if state[0] > state[1]:
        state[1] = state[0]
    if start + nbytes <= ws.size:
        return _carve(ws, start, shape, dtype)
    return np.empty(shape, dtype)
