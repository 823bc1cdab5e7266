"""`out_of_line()`: called first in a runtime helper, it marks the helper's compiled function
`noinline`. Numba links a helper's code into every generated module that calls it, and LLVM then
inlines a small one at every call site: a tape's growth path (allocate, copy), taken O(log n)
times, was copied into the hot loop of each push (ten copies in the LSTM gradient, whose steps
ran slower for it) and compiled again at each site."""
import numba
from numba import types
from numba.core.caching import NullCache
from numba.core.dispatcher import Dispatcher
from numba.extending import intrinsic, overload


@intrinsic
def out_of_line(typingctx):
    def codegen(context, builder, signature, args):
        builder.function.attributes.add("noinline")
        return context.get_dummy_value()

    return types.none(), codegen


@intrinsic
def inline_here(typingctx):
    """Called first in a small runtime helper: its compiled function is marked `alwaysinline`, so
    LLVM copies it into each caller as if the generated code had written it there (a tape push:
    the generated code calls one helper instead of writing a branch and a copy loop, which Numba's
    SSA pass walked once per variable: issue 14), and the call costs nothing when run."""
    def codegen(context, builder, signature, args):
        builder.function.attributes.add("alwaysinline")
        return context.get_dummy_value()

    return types.none(), codegen


def keep_apart():
    """Called first in a part of a generated function: compiled, the part is `noinline`
    (out_of_line), so LLVM never optimizes it again as one function with its caller; run as
    Python, nothing."""


@overload(keep_apart, inline="always")  # inlined into the part by Numba, so the part is what is marked
def _keep_apart():
    def impl():
        out_of_line()

    return impl


def part(jit, fn, apart=False):
    """`fn`, a helper or a part of a large generated function (compiler/codegen/outline.py),
    decorated as the module's `_jit` decorates, less the wrappers that let Python call it: only
    compiled code does (for a part taking a hundred arrays, the wrapper cost more to compile than
    the part). `apart` (the parts): called by symbol (runtime/plainjit.py), so it is compiled, and
    optimized by LLVM, once on its own instead of again inside its caller. With `_jit` a plain
    function (tests run the lowered module as Python), `_jit(fn)` as it is."""
    d = jit(fn)
    if not isinstance(d, Dispatcher):
        return d
    options = {k: v for k, v in d.targetoptions.items() if k != "nopython"}  # njit says so itself
    options.update(no_cpython_wrapper=True, no_cfunc_wrapper=True)
    cache = not isinstance(d._cache, NullCache)
    if apart:
        from .plainjit import njit_plain

        return njit_plain(fn, apart=True, cache=cache, **options)
    return numba.njit(cache=cache, **options)(fn)


# Rows of a slab (codegen/outline.py): the arrays a cut function makes at its top level, of one
# shape and dtype, are rows of one flat array its parts take instead of each array. A part makes
# the rows it reads with `row_at(address(slab), start, n, dtype)`: a whole C-contiguous array of n
# elements at `start`, its data pointer made from an integer, so that LLVM sees each row as an
# array of its own (as it saw the separate arrays they replace; rows made by slicing the slab cost
# LLVM four to six times as much in a part holding 150 of them). A row holds no reference: the
# caller keeps the slab alive (`keep_alive` before each of its returns). As Python: the slab
# itself, and a slice of it.


# elements between rows: 512 float64 rows (4 KB) 64 bytes apart modulo 4 KB, not in the same cache sets
PAD = 8


def keep_alive(*arrays):
    """A use of the slabs where the caller returns: they outlive every row made of them."""


@intrinsic
def address(typingctx, slab):
    """The address of the slab's first element (compiled); as Python, the slab."""
    if not (isinstance(slab, types.Array) and slab.layout == "C"):
        return None

    def codegen(context, builder, signature, args):
        from numba.np.arrayobj import make_array

        whole = make_array(signature.args[0])(context, builder, value=args[0])
        return builder.ptrtoint(whole.data, context.get_value_type(types.intp))

    return types.intp(slab), codegen


@intrinsic
def row_at(typingctx, at, k, n, dtype):
    """Row k of n elements of the slab at `at`, rows `n + PAD` elements apart: a C-contiguous array
    that holds no reference to the slab (compiled); as Python, a slice of it. LLVM sees the rows'
    distance, so it can tell they do not overlap (given a pitch it could not relate to n, it
    checked every pair of rows at run time: minutes to compile a part of 150 rows)."""
    if not (isinstance(at, types.Integer) and isinstance(dtype, (types.DTypeSpec, types.NumberClass))):
        return None
    dt = dtype.dtype
    rowtype = types.Array(dt, 1, "C")

    def codegen(context, builder, signature, args):
        from numba.np.arrayobj import make_array, populate_array

        intp = context.get_value_type(types.intp)
        item = intp(context.get_abi_sizeof(context.get_data_type(dt)))
        a, row, count = (context.cast(builder, v, t, types.intp) for v, t in zip(args[:3], signature.args[:3]))
        first = builder.mul(row, builder.add(count, intp(PAD)))
        data = builder.inttoptr(builder.add(a, builder.mul(first, item)), context.get_data_type(dt).as_pointer())
        out = make_array(rowtype)(context, builder)
        populate_array(out, data=data, shape=[count], strides=[item], itemsize=item, meminfo=None)
        return out._getvalue()

    return rowtype(at, k, n, dtype), codegen


def _as_python(fn, python):
    """The intrinsic `fn`, which Python calls as `python` (the tests run lowered modules as Python;
    Numba's intrinsics refuse a call from Python). An overload would serve both, but Numba types an
    inlined overload anew at every call (150 rows in a part), and LLVM took ten times as long to
    optimize a part whose rows came from a called one."""
    class Both(type(fn)):
        def __call__(self, *args, **kwargs):
            return python(*args, **kwargs)

    fn.__class__ = Both
    return fn


address = _as_python(address, lambda slab: slab)
row_at = _as_python(row_at, lambda at, k, n, dtype: at[k * (n + PAD):k * (n + PAD) + n])


@overload(keep_alive)  # a call, not inlined: the arrays stay used until it
def _keep_alive_ol(*arrays):
    return lambda *arrays: None
