"""Numba implementations whose compile time is out of all proportion to what they do, replaced in
every process that compiles adjit's code: modules._load_module installs a listener that applies the
replacement at the process's first real compile (a process that only loads cached code is untouched).

The first array-to-array slice assignment a process compiles (`a[i:j] = b`, `a[:, k] = row`: every
generated strip, tape and workspace copy writes one) made Numba compile its CPU error message for
a shape mismatch, `raise_with_shape_context`: an f-string of both shapes, which pulls in `str` of
integers, `', '.join` of a list and `repr`, about 4 s of CPU per tuple length on this machine,
for a message only a mismatch reaches (2026-12-03, `a[1:3] = b` alone: 4.0 s before, 0.29 s after).
The replacement raises the same ValueError with both shapes as its arguments (no formatting
compiled): `('cannot assign slice of shape (index shape) from input of shape (source shape)',
(2,), (3,))`. It is registered for the CPU target and Numba's own CPU overload is dropped from the
function's templates, so the choice is the same for every caller in the process, a user's own
`numba.njit` code included (its message reads as above). Numba's generic-target overload (a fixed
message) stays as the fallback. If Numba's internals change shape, nothing is patched (the cost
comes back, never a wrong result)."""
from __future__ import annotations

_DONE: list = []  # install() ran (the listener is registered)
_APPLIED: list = []  # the replacement is in place

MESSAGE = "cannot assign slice of shape (index shape) from input of shape (source shape)"


def install() -> None:
    """Once per process: a listener on Numba's `numba:compile` event applies the replacement at the
    first real compile. Not before: it refreshes Numba's typing context, which a process that only
    loads cached code never does (tests/runtime/test_preload.py: a warm hvp loads without it)."""
    if _DONE:
        return
    _DONE.append(True)
    try:
        from numba.core import event
    except ImportError:
        return

    class _FirstCompile(event.Listener):
        def on_start(self, ev):
            if not _APPLIED:
                _APPLIED.append(True)
                _apply()

        def on_end(self, ev):
            pass

    event.register("numba:compile", _FirstCompile())


def _apply() -> None:
    try:
        from numba.core import registry, types
        from numba.core.extending import overload
        from numba.np import arrayobj

        stub, expensive = arrayobj.raise_with_shape_context, arrayobj.ol_raise_with_shape_context_cpu
    except (ImportError, AttributeError):  # another Numba: leave it as it is
        return

    def cheap(src_shapes, index_shape):
        if isinstance(src_shapes, types.UniTuple) and isinstance(index_shape, types.UniTuple):
            def impl(src_shapes, index_shape):
                raise ValueError(MESSAGE, index_shape, src_shapes)
            return impl
        return None

    overload(stub, target="CPU")(cheap)
    context = registry.cpu_target.typing_context
    context.refresh()
    function_type = context.resolve_value_type(stub)
    kept = tuple(t for t in function_type.templates if getattr(t, "_overload_func", None) is not expensive)
    if len(kept) < len(function_type.templates):
        function_type.templates = kept
