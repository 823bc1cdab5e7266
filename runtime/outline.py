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
