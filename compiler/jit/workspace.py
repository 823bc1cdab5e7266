"""The call wrapper of a compiled entry point: a workspace per call from a per-function pool
(`_with_workspace`), and the lock that makes parallel calls take turns under Numba's workqueue
threading layer (`_PARALLEL_LOCK`)."""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np


def takes_workspace(dispatcher) -> bool:
    """Whether a generated function takes the workspace (its last two parameters `_ws`, `_wst`):
    only those whose temporaries the workspace can hold do (codegen.emitter.render)."""
    code = getattr(getattr(dispatcher, "py_func", dispatcher), "__code__", None)
    return code is not None and code.co_varnames[:code.co_argcount][-2:] == ("_ws", "_wst")


def workspace_args(dispatcher) -> tuple:
    """The example workspace arguments `dispatcher` takes (for typing a call): two or none."""
    return WORKSPACE_EXAMPLE if takes_workspace(dispatcher) else ()


def _with_workspace(dispatcher, pool: list) -> Callable:
    """Call `dispatcher` with a workspace: a byte buffer the generated code carves its temporary
    arrays from (runtime/alloc.take), kept between calls so large temporaries do not fault in fresh
    pages every time. Each call takes a workspace from the pool (concurrent calls get separate
    ones) and gives it back, enlarged when the call needed more than it had; until then the
    generated code falls back to new arrays."""
    parallel = bool(getattr(dispatcher, "targetoptions", {}).get("parallel"))
    if not takes_workspace(dispatcher):  # nothing to lend: call it as it is
        def direct(*args):
            if parallel and _serial_parallel_calls():
                with _PARALLEL_LOCK:
                    return _interruptible(dispatcher, args)
            return _interruptible(dispatcher, args)

        direct.dispatcher = dispatcher
        direct.pool = pool
        return direct

    def call(*args):
        if parallel and _serial_parallel_calls():
            with _PARALLEL_LOCK:
                return run(*args)
        return run(*args)

    def run(*args):
        try:
            ws, state = pool.pop()
        except IndexError:
            ws, state = _EMPTY_WORKSPACE, np.zeros(2, np.int64)
        out = _interruptible(dispatcher, args + (ws, state))
        need = state[1]
        if need > ws.size:
            ws = np.empty(int(need), np.uint8)
        pool.append((ws, state))
        return out

    call.dispatcher = dispatcher
    call.pool = pool
    return call


def _quiet_compile(dispatcher, args: tuple):
    """Call `dispatcher` for the first time with Numba's performance notes silenced: they are about
    the generated code (a product on a non-contiguous view, a loop left serial), name lines of a
    cache file, and are nothing the user's program can change."""
    import warnings

    from numba.core.errors import NumbaExperimentalFeatureWarning, NumbaPerformanceWarning

    from numba.core.errors import NumbaError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaPerformanceWarning)
        warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
        try:
            return dispatcher(*args)
        except NumbaError as e:  # Numba refused the generated code: adjit's bug, said as one (never a TypingError)
            import re

            from ..errors import InternalCompilerError

            code = getattr(getattr(dispatcher, "py_func", None), "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno} ({code.co_name})" if code is not None else "?"
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip()
            raise InternalCompilerError(f"Numba could not compile the generated code at {where}: {text}") from None


def _interruptible(dispatcher, args: tuple):
    try:
        if not getattr(dispatcher, "overloads", True):  # its first call compiles it
            return _quiet_compile(dispatcher, args)
        return dispatcher(*args)
    except SystemError as e:  # Ctrl-C while compiled code ran: Python sees it on return
        if isinstance(e.__cause__ or e.__context__, KeyboardInterrupt) or "KeyboardInterrupt" in str(e):
            raise KeyboardInterrupt from None
        raise
    except RecursionError:  # only Numba's compiler recurses here (its SSA pass on a huge function)
        from ..errors import AdjitError

        name = getattr(getattr(dispatcher, "py_func", None), "__name__", "the generated function")
        raise AdjitError(f"Numba could not compile {name}: the generated code is too large for its SSA pass "
                         "(a RecursionError inside Numba's compiler)",
                         hint="keep long unrolled work in a loop (a `for` over an array or a range whose length is "
                              "an argument stays a loop), move repeated blocks into a helper called in a loop, or "
                              "raise Python's limit: sys.setrecursionlimit(100000)") from None


# Numba's `workqueue` threading layer (the one it picks when neither TBB nor OpenMP is installed)
# aborts the process when two threads launch parallel regions at once: such calls take turns.
_PARALLEL_LOCK = threading.Lock()
_LAYER: list = []


def _serial_parallel_calls() -> bool:
    if not _LAYER:
        try:
            import numba

            _LAYER.append(numba.threading_layer())
        except ValueError:  # no parallel region has run yet: the layer is not chosen
            return True
    return _LAYER[0] not in ("tbb", "omp")


_EMPTY_WORKSPACE = np.empty(0, np.uint8)
WORKSPACE_EXAMPLE = (_EMPTY_WORKSPACE, np.zeros(2, np.int64))  # argument types of the two extra parameters


def without_functions(spec, args: tuple, functions: tuple) -> None:
    """A specialization for function arguments (`act=np.tanh`, a def: inlined when it was built,
    arguments.abstract_arg): its entry points take None in their places (Numba has no type for a
    function object; the generated code does not read them). Only such specializations pay for it."""
    places = [k for k, a in enumerate(args) if isinstance(a, functions)]

    def dropping(call):
        def call_without(*a):
            a = list(a)
            for k in places:
                a[k] = None
            return call(*a)
        return call_without

    spec.entry, spec.forward = dropping(spec.entry), dropping(spec.forward)
