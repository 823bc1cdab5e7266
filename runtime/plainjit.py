"""`njit_plain`: `numba.njit(cache=True, ...)` for runtime helpers that generated code calls, typed
on the plain types of their arguments.

Numba types a call from compiled code on the caller's types of its arguments, and a constant is a
literal there (`Literal[int](0)`, `UniTuple(Literal[int](56), 1)`): a plain njit function called
with one compiles (and caches) a copy per distinct value. Worse, Numba's type inference resolves a
call as soon as its arguments' types are known, so a counter that starts at 0 and grows in a loop
(a tape's `_n_tape_v1 = 0` ... `+= 1`) is first seen as `Literal[int](0)` and the helper is compiled
for that too before the loop's `int64` reaches the call: the LSTM gradient's empty cache compiled
`tape.push_row1` four times (each literal/int64 combination of its count and capacity), and with it
`grow_array` four times and `_copy_rows` twice, where one copy serves them all (issue 14). A helper
decorated here types every call on `types.unliteral` of its arguments: one copy per plain signature.
The call converts each literal to its plain type, as Numba converts any argument."""
from __future__ import annotations

from numba.core import registry, types


class UnliteralDispatcher(registry.CPUDispatcher):
    """A Numba dispatcher whose calls from compiled code are typed (and compiled, and cached) on
    the plain types of their arguments: a constant 56 is an int64, a tuple of constants a tuple of
    int64."""

    def get_call_template(self, args, kws):
        return super().get_call_template([types.unliteral(a) for a in args],
                                         {k: types.unliteral(v) for k, v in kws.items()})


def njit_plain(fn=None, **options):
    """`numba.njit(cache=True, nogil=True, **options)(fn)`, typed as UnliteralDispatcher types its
    calls. Usable bare (`@njit_plain`) or with options (`@njit_plain(error_model="numpy")`)."""
    def decorate(f):
        targetoptions = {"nopython": True, "nogil": True}
        targetoptions.update(options)
        dispatcher = UnliteralDispatcher(f, targetoptions=targetoptions)
        dispatcher.enable_caching()
        return dispatcher

    return decorate if fn is None else decorate(fn)
