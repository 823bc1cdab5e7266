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
