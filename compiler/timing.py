"""Where a cold first call's time goes: `ADJIT_TIMING=1` prints, for every specialization a process
builds or loads, the time of each phase to stderr (`ADJIT_TIMING=<file>` appends it to that file).

Phases: adjit's own (front key and cache lookup, the frontend, the AD transformation, each IR pass,
codegen, writing and importing the module) and Numba's, read from Numba's compiler events
(`numba:run_pass`, `numba:llvm_lock`) as exclusive times: typing, lowering to LLVM IR, LLVM
(optimization and machine code), and the rest of Numba's passes. With timing on, the compiled
entry point is compiled (or loaded from Numba's cache) before the first call returns, so the
profile covers all of it; without it nothing here runs but one dictionary lookup per phase.
`ADJIT_TIMING_CLOCK=cpu` times with the process's CPU time instead of the wall clock (on a shared
machine a compile's wall time grows with the load, its CPU time much less).
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

_STACK: list = []  # the profiles being recorded (a specialization built inside another's build)


def _clock() -> float:
    return time.process_time() if os.environ.get("ADJIT_TIMING_CLOCK", "") == "cpu" else time.perf_counter()


def enabled() -> bool:
    return os.environ.get("ADJIT_TIMING", "") not in ("", "0")


class Profile:
    def __init__(self, title: str):
        self.title = title
        self.phases: dict[str, float] = {}
        self.t0 = _clock()
        self.total = 0.0
        self.beside: dict[str, float] = {}  # functions Numba compiled for the entry point: inclusive s

    def add(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def report(self) -> str:
        lines = [f"adjit timing: {self.title}: {self.total:.3f} s"]
        accounted = sum(self.phases.values())
        width = max([len(k) for k in self.phases] + [24])
        for name, t in self.phases.items():
            lines.append(f"  {name:<{width}} {t:8.3f} s {100 * t / max(self.total, 1e-9):5.1f}%")
        rest = self.total - accounted
        lines.append(f"  {'(other: argument checks, glue)':<{width}} {rest:8.3f} s {100 * rest / max(self.total, 1e-9):5.1f}%")
        if self.beside:  # already counted in Numba's phases above: where that time went, by function
            top = sorted(self.beside.items(), key=lambda kv: -kv[1])
            shown = ", ".join(f"{name} {t:.2f} s" for name, t in top[:6])
            lines.append(f"  (included above) functions compiled beside the entry point: {sum(self.beside.values()):.3f} s: "
                         f"{shown}{', ...' if len(top) > 6 else ''}")
        return "\n".join(lines)


@contextmanager
def profile(title: str):
    """Record a specialization's build; print the report at the end (when ADJIT_TIMING is set)."""
    if not enabled():
        yield None
        return
    p = Profile(title)
    _STACK.append(p)
    try:
        yield p
    finally:
        _STACK.pop()
        p.total = _clock() - p.t0
        _emit(p.report())


@contextmanager
def phase(name: str):
    """Time a phase of the current profile (nothing when none is being recorded). Nested phases
    count in both (the report lists them flat; the outer one names its own share)."""
    if not _STACK:
        yield
        return
    t = _clock()
    try:
        yield
    finally:
        _STACK[-1].add(name, _clock() - t)


def compile_now(dispatcher, args: tuple) -> None:
    """Compile (or load from Numba's cache) `dispatcher` for `args` now, timing Numba's phases."""
    if not _STACK or dispatcher is None:
        return
    if not _arity_matches(dispatcher, args):  # an entry taking tangents the build does not see (hvp's v)
        _STACK[-1].add("(numba's phases not timed: they fall in the first call)", 0.0)
        return
    from numba.core import event

    listener = _listener(_STACK[-1])
    compiles = _compiles(_STACK[-1])
    with event.install_listener("numba:run_pass", listener), event.install_listener("numba:llvm_lock", listener), \
            event.install_listener("numba:compile", compiles):
        t = _clock()
        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
        dispatcher.compile(sig)
        listener.outside = _clock() - t - listener.total
    if listener.outside > 0:
        _STACK[-1].add("numba: dispatch, cache index", listener.outside)


def _arity_matches(dispatcher, args: tuple) -> bool:
    """Whether `args` fill the entry's parameters: a forward-over-reverse entry (hvp) also takes the
    tangents, which only its call supplies; compiling it for fewer arguments raised Numba's
    'Signature mismatch' out of the user's call when ADJIT_TIMING was set."""
    import inspect

    try:
        params = inspect.signature(dispatcher.py_func).parameters.values()
    except (TypeError, ValueError, AttributeError):
        return False
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return False
    return len(params) == len(args)


def _category(kind: str, data) -> str:
    if kind == "numba:llvm_lock":
        return "numba: LLVM optimize + machine code"
    name = (data or {}).get("name", "") if isinstance(data, dict) else ""
    name = name.split(" [")[0]
    if "type_inference" in name:
        return "numba: typing"
    if name in ("native_lowering", "nopython_backend"):
        return "numba: lowering to LLVM IR"
    return "numba: bytecode, rewrites, SSA"


def _listener(prof: Profile):
    """A Numba event listener keeping exclusive time per category: a pass's time less the events
    nested in it (a callee compiled while its caller is typed, LLVM inside lowering). Numba is
    imported here, when timing is on, not by `import adjit`."""
    from numba.core.event import Listener

    class NumbaListener(Listener):
        def __init__(self):
            self.stack: list = []
            self.total = 0.0
            self.outside = 0.0

        def on_start(self, ev):
            self.stack.append([_clock(), 0.0, _category(ev.kind, ev.data)])

        def on_end(self, ev):
            if not self.stack:
                return
            t0, children, cat = self.stack.pop()
            spent = _clock() - t0
            prof.add(cat, spent - children)
            if self.stack:
                self.stack[-1][1] += spent
            else:
                self.total += spent

    return NumbaListener()


def _compiles(prof: Profile):
    """A listener for Numba's `numba:compile` events: the inclusive time of each function compiled
    inside the entry point's compile (adjit's runtime helpers when Numba's cache of them is empty,
    NumPy implementations from Numba's library, which Numba compiles again in every process)."""
    from numba.core.event import Listener

    class CompileListener(Listener):
        def __init__(self):
            self.stack: list = []

        def on_start(self, ev):
            data = ev.data if isinstance(ev.data, dict) else {}
            fn = data.get("dispatcher")
            name = getattr(getattr(fn, "py_func", None), "__qualname__", None) or getattr(fn, "__qualname__", "?")
            self.stack.append((_clock(), name.replace(".<locals>.", ".")))

        def on_end(self, ev):
            if not self.stack:
                return
            t0, name = self.stack.pop()
            if len(self.stack) == 1:  # compiled directly for the entry point (what it compiles included)
                prof.beside[name] = prof.beside.get(name, 0.0) + _clock() - t0

    return CompileListener()


def _emit(text: str) -> None:
    where = os.environ.get("ADJIT_TIMING", "")
    if where in ("1", "stderr", "true", "yes"):
        print(text, file=sys.stderr, flush=True)
        return
    try:
        with open(where, "a", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError:
        print(text, file=sys.stderr, flush=True)
