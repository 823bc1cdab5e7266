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

`bind_scipy_blas` imports SciPy's two Cython BLAS/LAPACK tables without the rest of `scipy.linalg`
(compiler/jit/modules.py calls it before a generated module loads or compiles).
"""
from __future__ import annotations

import importlib.util
import os
import sys
import threading

import numba

_BLAS_TABLES = ("cython_blas", "cython_lapack")
_BLAS_LOCK = threading.Lock()
_blas_bound = False


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


def bind_scipy_blas() -> None:
    """Import `scipy.linalg.cython_blas` and `cython_lapack` alone, from their extension files, when
    `scipy.linalg` is not imported yet. Numba binds its BLAS and LAPACK calls through these two
    tables (`numba.np.linalg.ensure_blas`: at its target refresh, when a compilation starts, and
    when cached machine code calling BLAS is loaded), by `import scipy.linalg.cython_blas`, which
    runs `scipy.linalg`'s whole `__init__`, and that SciPy's array-API layer with it (it clones
    NumPy's namespace, `numpy.f2py` included): 0.33-0.38 s of CPU in every process that compiles
    or calls a matrix product, against 0.01 s for the two tables. They are the same modules under
    the same names as an ordinary import makes (Numba finds them in sys.modules); when the program
    imports `scipy.linalg` later, a one-shot import hook sets them as its attributes, as the
    ordinary import would have. Nothing happens when SciPy is missing, `scipy.linalg` is already
    imported, or a table's file is not where SciPy installs it."""
    global _blas_bound
    if _blas_bound:
        return
    with _BLAS_LOCK:
        if _blas_bound:
            return
        _blas_bound = True
        if "scipy.linalg" in sys.modules:
            return
        try:
            import scipy
            from importlib.machinery import EXTENSION_SUFFIXES

            where = os.path.join(os.path.dirname(scipy.__file__), "linalg")
            loaded = []
            for table in _BLAS_TABLES:
                name = f"scipy.linalg.{table}"
                if name in sys.modules:
                    continue
                path = next((os.path.join(where, table + sfx) for sfx in EXTENSION_SUFFIXES
                             if os.path.isfile(os.path.join(where, table + sfx))), None)
                if path is None:
                    break
                spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules[name]
                    raise
                loaded.append(table)
        except Exception:  # SciPy missing or laid out otherwise: Numba imports scipy.linalg as before
            return
        if loaded:
            sys.meta_path.insert(0, _SetLinalgTables(loaded))


class _SetLinalgTables:
    """A one-shot import hook: when `scipy.linalg` is imported after `bind_scipy_blas`, the tables
    it loaded become attributes of the package once its `__init__` has run (the import system sets
    a submodule as its parent's attribute only when it loads it, and here it found them loaded)."""

    def __init__(self, tables: list):
        self.tables = tables
        self.done = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "scipy.linalg" or self.done:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        self.done = True
        run, tables = spec.loader.exec_module, self.tables

        def exec_module(module):
            if self in sys.meta_path:  # the import system no longer walks the list here
                sys.meta_path.remove(self)
            run(module)
            for table in tables:
                loaded = sys.modules.get(f"scipy.linalg.{table}")
                if loaded is not None and not hasattr(module, table):
                    setattr(module, table, loaded)

        spec.loader.exec_module = exec_module
        return spec
