"""A first tier while Numba compiles: the readable NumPy adjoint answers the first calls.

A cold first call used to wait for Numba to type, lower and optimize the generated module (1.5 to
35 s on the benchmarks' workloads), while the readable adjoint adjit generates before that, the
same computation written with NumPy, runs in milliseconds on most of them. So when a gradient's
specialization is built in this process (not found compiled in the cache), Numba compiles its
entry point in a background thread, and until that is done each call runs the readable module's
gradient function on the same arguments (host values included). The first call that finds the
compile finished, or failed, calls the compiled entry point, as every call did before (a failed
compile then raises its error there). Results agree to rounding: the readable code is checked
against NumPy, finite differences and the compiled code by the same oracles (tests, fuzzer).

Used only where the readable code is cheap: an estimate of its run (each op's trip count, a `while`
loop's assumed to be WHILE_TRIPS, one inside it RETRIES, times the cost of a Python scalar operation, a NumPy
ufunc call and its elements, or a product's multiply-adds) under BUDGET_US or three quarters of the
compile's estimate (cheap()); else the call waits for the compile as before. Every mode (grad, jvp, vjp, hvp, the
batched Hessian and Jacobian entries): the readable module defines the entry's function with the
same parameters and results. ADJIT_FIRST_TIER=0 turns it off (the test suite does; the compiled
code is what it tests), as does ADJIT_TIMING (its profile times the compile).

The thread holds Python's GIL while Numba compiles, so a first-tier call runs more slowly while it
does: it starts when the first call has returned (an ODE fit's first gradient, 24 ms of readable
NumPy, took 5 s with the compile running beside it); at exit, and before os.fork (a child would inherit Numba's compiler lock held by a thread it
does not have), the interpreter waits for compiles in progress (the next process finds them cached).
"""
from __future__ import annotations

import atexit
import os
import threading

import numpy as np

from ..ir import For, If, Op, While
from . import sharedargs

BUDGET_US = 600_000.0  # estimated microseconds of one readable gradient call (Numba's compile: 1.5-35 s)
CAP_US = 5e6  # never more, whatever the compile is estimated to take
_THREADS: list = []
_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("ADJIT_FIRST_TIER", "1") != "0"


WHILE_TRIPS = 100  # what a `while` loop is assumed to run (Newton iterations, an ODE solver's steps)
RETRIES = 4  # a `while` inside one (a rejected step tried again)


def cheap(fn) -> bool:
    """Whether the readable adjoint of `fn` (the lowered primal) runs with NumPy in less time than
    BUDGET_US or than three quarters of what Numba's compile of its gradient is estimated to take (about 1 s
    and 15 ms per op of the primal: the gradient's code is about three times the primal's)."""
    cost = _block_cost(fn.body, 1.0, fn.avals, 3.0 * CAP_US)
    if cost is None:
        return False
    compile_us = 1e6 + 15e3 * sum(1 for _ in fn.ops())
    return 3.0 * cost <= max(BUDGET_US, min(0.75 * compile_us, CAP_US))  # the reverse sweep: about twice the forward


def _elements(v, avals) -> float:
    av = avals.get(v.id)
    shape = getattr(av, "shape", None) if av is not None else None
    if shape is None:
        return 1.0 if getattr(v.type, "rank", 0) == 0 else 1000.0
    n = 1.0
    for d in shape:
        n *= d if isinstance(d, int) else 1000
    return n


def _op_cost(op, avals) -> float:
    """Microseconds of one readable op: a NumPy scalar's arithmetic, or a NumPy call and its
    elements, and a product's multiply-adds (the constants measured on the benchmarks' workloads)."""
    out = op.outputs[0] if op.outputs else None
    if op.prim in ("index_update", "index_add") and len(op.inputs) > 1:  # in place: what is written
        out = op.inputs[1]
    if out is None or getattr(out.type, "rank", 0) == 0 and op.prim not in _PRODUCTS:
        return 0.1 if op.prim in _SCALAR_ARITHMETIC else 0.8  # Python's arithmetic, or a NumPy ufunc call
    n = _elements(out, avals)
    cost = 2.0 + 0.005 * n
    if op.prim in _PRODUCTS and op.inputs:
        av = avals.get(op.inputs[0].id)
        shape = getattr(av, "shape", None) or ()
        inner = shape[-1] if shape and isinstance(shape[-1], int) else 1000
        cost += 0.001 * n * inner
    return cost


_SCALAR_ARITHMETIC = frozenset({"add", "sub", "mul", "div", "neg", "const", "getitem", "tuple", "lt", "le", "gt",
                                "ge", "eq", "ne", "logical_and", "logical_or", "logical_not", "floordiv", "mod",
                                "square"})
_PRODUCTS = frozenset({"matmul"})  # the primitive every product lowers to (np.dot, einsum pairs, @)


def _trips(loop, avals):
    vals = []
    for v in (loop.start, loop.stop, loop.step):
        av = avals.get(v.id)
        value = getattr(av, "value", None) if av is not None else None
        if not isinstance(value, int):
            return None
        vals.append(value)
    start, stop, step = vals
    return max(0, len(range(start, stop, step))) if step else None


def _block_cost(block, mult: float, avals, limit: float, inner: bool = False):
    total = 0.0
    for node in block.ops:
        if isinstance(node, Op):
            total += mult * _op_cost(node, avals)
        elif isinstance(node, If):
            for b in (node.then_block, node.else_block):
                c = _block_cost(b, mult, avals, limit, inner)
                if c is None:
                    return None
                total += c
        elif isinstance(node, For):
            n = _trips(node, avals)
            if n is None:
                return None
            c = _block_cost(node.body, mult * n, avals, limit, inner)
            if c is None:
                return None
            total += c
        elif isinstance(node, While):  # trip count unknown: WHILE_TRIPS assumed (an adaptive solver's steps),
            c = _block_cost(node.body, mult * (WHILE_TRIPS if not inner else RETRIES), avals, limit, True)
            if c is None:
                return None
            total += c
        if total > limit:
            return None
    return total


def first_tier(spec, entry_args: tuple, name: str):
    """Start compiling `spec`'s entry point in the background and make `spec.entry` answer with the
    readable module's `name` function until that is done. Nothing changes where the readable
    module cannot be run (a failure here only means the call waits for Numba, as before)."""
    try:
        ns: dict = {"__name__": f"adjit_readable_{spec.key}"}
        text = spec.readable
        exec(compile(text, str(spec.readable_path), "exec"), ns)
        readable = ns[name]
    except Exception:  # noqa: BLE001 - the compiled path is always there
        return
    dispatcher = spec.entry_dispatcher
    compiled = spec.entry
    done = threading.Event()

    def build():
        try:
            import warnings

            from numba.core.errors import NumbaExperimentalFeatureWarning, NumbaPerformanceWarning

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NumbaPerformanceWarning)
                warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
                dispatcher.compile(tuple(dispatcher.typeof_pyval(a) for a in entry_args))
        except BaseException:  # noqa: BLE001 - the next call compiles in the caller, and raises there
            pass
        finally:
            done.set()

    thread = threading.Thread(target=build, name=f"adjit-compile-{name}", daemon=True)

    started: list = []

    def start():
        with _LOCK:
            if started:
                return
            started.append(True)
            if not _REGISTERED:
                _REGISTERED.append(True)
                atexit.register(_join)
                if hasattr(os, "register_at_fork"):  # a child forked mid-compile would inherit Numba's lock held
                    os.register_at_fork(before=_join)
            _THREADS.append(thread)
        thread.start()

    def tiered(*args):
        if done.is_set():
            spec.entry = compiled  # from now on, straight to the compiled code
            return compiled(*args)
        sharedargs.check(spec.hazards, args)  # as the compiled entry does (sharedargs.guarded)
        try:
            with np.errstate(all="ignore"):  # the compiled code never warns (an inf, a nan: the same values)
                return readable(*args)
        finally:  # the compile starts after the first call: its thread would hold the GIL the call needs
            start()

    tiered.__dict__.update(compiled.__dict__)
    tiered.first_tier = done
    spec.entry = tiered


_REGISTERED: list = []


def _join() -> None:
    """At exit and before a fork: wait for compiles in progress (Numba's cache files complete, no
    thread inside LLVM while the interpreter shuts down, no compiler lock held in a child)."""
    wait()


def wait(timeout: float | None = None) -> bool:
    """Wait for this process's background compiles (adjit.wait_compiled): True when none is left.
    adjit.distributed waits before it ships a gradient to workers, so that they load its compiled
    code from the disk cache instead of each compiling it."""
    import time

    end = None if timeout is None else time.monotonic() + timeout
    for t in list(_THREADS):
        if t is not threading.current_thread():
            t.join(None if end is None else max(0.0, end - time.monotonic()))
    _THREADS[:] = [t for t in _THREADS if t.is_alive()]
    return not _THREADS
