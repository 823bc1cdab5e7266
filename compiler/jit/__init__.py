"""Specialization and caching: one compiled module per argument signature (dtype, ndim, layout
and broadcast pattern), kept in memory and on disk as real source files that Numba caches.

A call checks its arguments (count, dtypes, shapes through the whole program) in Python before
any compiled loop runs; the check is memoized per tuple of argument shapes.

The package, by responsibility (each module imports only those above it in this list):

- `arguments`: what the code is specialized on (`abstract_arg`, layouts, `_shape_key`) and a
  call's arguments bound and converted as NumPy would compute with them;
- `modules`: generated modules' text, writing, loading (with runtime/cachedir.py and
  runtime/cachelock.py), Numba cache preloading, and the cache's process state (`_MODULES`,
  `_LOCK`, `STATS`, `cache_dir`);
- `frontkey`: the compiler fingerprint (`_FINGERPRINT`) and the description of everything a
  function reads (`_dependencies`) that the front key hashes;
- `workspace`: the call wrapper with its workspace pool, and the parallel-call lock;
- `compiled`: `CompiledFunction` (the public callable's machinery) and `Specialization`.

This module re-exports their names. Values are copies of the bindings: to replace one (a test
pretending to be another compiler), assign it in the module that owns it, which is where the code
reads it: `jit.frontkey._FINGERPRINT`, `jit.modules.cache_dir`. Mutable state (`STATS`,
`_MODULES`, `_MEMORY_TEXTS`) is shared, not copied.
"""
from __future__ import annotations

# The names jit.py had, re-exported: code and tests import them from here.
from . import arguments, compiled, frontkey, modules, workspace  # noqa: F401
from .arguments import (  # noqa: F401
    _FLOATS, _MISSING, _NUMERIC_KINDS, _layout, _Missing, _shape_key, abstract_arg)
from .compiled import CompiledFunction, Specialization  # noqa: F401
from .frontkey import (  # noqa: F401
    _FINGERPRINT, _LIBRARIES, _args_key, _code_names, _dependencies, _fingerprint)
from .modules import (  # noqa: F401
    _LOCK, _MEMORY_TEXTS, _MODULES, STATS, VERSION, _comment, _exec_module, _load_module, _preload, _read_text,
    _signature_text, _store_module, _write_atomic, cache_dir, module_text)
from .workspace import (  # noqa: F401
    _EMPTY_WORKSPACE, _LAYER, _PARALLEL_LOCK, WORKSPACE_EXAMPLE, _serial_parallel_calls, _with_workspace,
    takes_workspace, workspace_args)
