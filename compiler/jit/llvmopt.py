"""LLVM's optimization level for adjit's generated code alone: `ADJIT_OPT` (0-3; unset: Numba's
own setting, NUMBA_OPT, 3 by default, which measured best, docs/performance.md).

Numba reads `numba.core.config.OPT` each time it builds an LLVM pass manager (its per-function
passes and the module pipeline of every compiled library), and it compiles one function at a time
under its global compiler lock, announcing each with a `numba:compile` event. While a function of a
generated module (`adjit_generated_...`) compiles, `_Scope` sets the level to ADJIT_OPT; while
anything else compiles inside it (adjit's runtime helpers, whose Numba cache is shared by every
setting, or any other function), it puts back the level the process had outside; at the end of each
compile the level before it. A user's own numba.njit functions therefore never compile under
ADJIT_OPT, whenever they compile. Two things stay process-wide, as Numba sets them up once: the
machine-code generator's level, and NumPy implementations Numba compiles without a function of
their own (its `compile_internal`), kept for the process and optimized again, at the level of
whatever links them, inside every caller.

Code compiled under another level is cached under other keys (`key_text`), so a process never loads
what another one compiled at a level it did not ask for. Gradients are the same at every level
(Numba compiles without fast-math: LLVM may not reorder floating-point arithmetic).
"""
from __future__ import annotations

import os
import threading
import warnings

ENV = "ADJIT_OPT"
_WARNED: set = set()


def level() -> int | None:
    """ADJIT_OPT as an LLVM level, None when unset (or not 0-3: warned once, then ignored)."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    if text in ("0", "1", "2", "3"):
        return int(text)
    if text not in _WARNED:
        _WARNED.add(text)
        warnings.warn(f"{ENV}={text!r} is not 0, 1, 2 or 3; adjit compiles with Numba's own optimization level",
                      stacklevel=3)
    return None


def key_text() -> str:
    """What the cache keys add for the level: nothing when ADJIT_OPT is unset (the keys of code
    compiled at Numba's own level stay as they were)."""
    n = level()
    return "" if n is None else f"{ENV}={n}"


def _generated(dispatcher) -> bool:
    module = getattr(getattr(dispatcher, "py_func", None), "__module__", None) or ""
    return module.startswith("adjit_generated_")


_INSTALLED: list = []
_INSTALL_LOCK = threading.Lock()


def install() -> None:
    """Register the listener once per process (at the first build; `import adjit` does not)."""
    if _INSTALLED:
        return
    with _INSTALL_LOCK:
        if _INSTALLED:
            return
        from numba.core import config, event

        class _Scope(event.Listener):
            def __init__(self):
                self.frames: list = []  # the level at the start of each compile in progress

            def on_start(self, ev):
                data = ev.data if isinstance(ev.data, dict) else {}
                self.frames.append(config.OPT)
                n = level()
                if n is not None and _generated(data.get("dispatcher")):
                    config.OPT = config._OptLevel(n)
                else:  # anything else compiles at the level outside adjit's compiles
                    config.OPT = self.frames[0]

            def on_end(self, ev):
                if self.frames:
                    config.OPT = self.frames.pop()

        scope = _Scope()
        event.register("numba:compile", scope)
        _INSTALLED.append(scope)
