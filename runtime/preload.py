"""Compiled code loaded from Numba's on-disk cache without Numba's target refresh.

Numba's own path from a cached function to its machine code (Dispatcher.compile ->
cache.load_overload) first refreshes the target context: it imports and installs every typing and
lowering registry Numba has, SciPy's linalg with them (numba.np.arraymath checks for BLAS), about
0.4-0.7 s of CPU in a new process, although loading cached machine code needs none of it, only
Numba's runtime (NRT). A process that finds everything in the cache (a warm cache) never needs the
refresh; a compilation still does it as usual.

`load_cached` loads one signature that way (compiler/jit/modules._preload: the generated entry
points); `njit_signatures` is `numba.njit(signatures, cache=True)` whose signatures load that way
when cached (runtime/bounds.py: compiled when imported, and a generated module imports it).
"""
from __future__ import annotations

import numba


def load_cached(dispatcher, sig) -> bool:
    """Load `dispatcher`'s compiled code for `sig` (a tuple of argument types, or the signature as
    given to numba.njit: Numba keys its cache index by it) from Numba's disk cache. True when it is
    loaded (or was already); False, and no harm done, when the cache lacks it or Numba's internals
    differ from what this expects: the caller then compiles through Numba as before."""
    try:
        from numba.core import sigutils
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.runtime import rtsys

        args, _ = sigutils.normalize_signature(sig)
        if tuple(args) in dispatcher.overloads:
            return True
        load = getattr(dispatcher._cache, "_load_overload", None)
        if load is None:
            return False
        ctx = dispatcher.targetctx
        with global_compiler_lock:
            rtsys.initialize(ctx)
            cres = load(sig, ctx)
            if cres is None or cres.objectmode:
                return False
            ctx.insert_user_function(cres.entry_point, cres.fndesc, [cres.library])
            dispatcher.add_overload(cres)
            dispatcher._cache_hits[sig] += 1
        return True
    except Exception:
        return False


def njit_signatures(*signatures: str, **options):
    """`numba.njit(list(signatures), cache=True, **options)`: compiled for these signatures only (a
    call of other argument types converts to them), each loaded from Numba's cache without the
    target refresh when it is there, compiled (and cached) when it is not."""
    def decorate(fn):
        dispatcher = numba.njit(cache=True, **options)(fn)
        for sig in signatures:
            if not load_cached(dispatcher, sig):
                dispatcher.compile(sig)
        dispatcher.disable_compile()
        return dispatcher

    return decorate
