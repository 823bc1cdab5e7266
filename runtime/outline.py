"""`out_of_line()`: called first in a runtime helper, it marks the helper's compiled function
`noinline`. Numba links a helper's code into every generated module that calls it, and LLVM then
inlines a small one at every call site: a tape's growth path (allocate, copy), taken O(log n)
times, was copied into the hot loop of each push (ten copies in the LSTM gradient, whose steps
ran slower for it) and compiled again at each site."""
from numba import types
from numba.extending import intrinsic


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
