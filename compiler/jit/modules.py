"""Generated modules: their text (`module_text`, `_signature_text`), writing them into the cache
directory (`_store_module`, `_write_atomic`: runtime/cachedir.py), loading them (`_load_module`,
hardened by runtime/cachelock.py; `_exec_module` when nothing can be written) and loading their
compiled code from Numba's cache (`_preload`). Also the process-wide state of the cache: the
loaded modules (`_MODULES`), the build lock (`_LOCK`) and the counters (`STATS`).

`cache_dir` is read from this module at every use (`modules.cache_dir()`).
"""
from __future__ import annotations

import importlib.util
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from ..ir import Function
from ...runtime import cachedir, cachelock, preload, simd
from . import numbacosts

VERSION = "0.1.0"

STATS = {"lowered": 0, "front_hits": 0, "numba_preloads": 0}
"""Counters for tests and benchmarks: calls of the frontend (`lowered`), specializations found
through the front key without running the IR pipeline (`front_hits`), and compiled entry points
loaded from Numba's cache without initializing Numba's compiler (`numba_preloads`)."""


def cache_dir() -> Path | None:
    """Where generated modules live: $ADJIT_CACHE_DIR, else $XDG_CACHE_HOME/adjit, else
    ~/.cache/adjit (checked: private to the user, see runtime/cachedir.py), else a private
    temporary directory; None when nothing can be written (compiled in memory)."""
    return cachedir.cache_dir()


def _signature_text(fn: Function, layouts: list) -> str:
    """Argument types and layouts, then the broadcasts the code was specialized on."""
    parts = []
    for p, lay in zip(fn.params, layouts):
        parts.append(f"{p.hint}: {p.type}" + (f" {lay}" if lay else ""))
    text = ", ".join(parts)
    stretched = []
    for op in fn.ops():
        for v, b in zip(op.inputs, op.attrs.get("bcast", ())):
            if b and b[1] and v.type.kind == "array":
                where = f"line {op.loc.line}" if op.loc else op.prim
                stretched.append(f"{v.hint or 'operand'} along axis {','.join(map(str, b[1]))} ({where})")
    if stretched:
        text += "; broadcasts " + "; ".join(stretched)
    return text


def _write_atomic(path: Path, text: str) -> None:
    cachedir.write_atomic(path, text)


def _load_module(path: Path, modname: str, key: str, names: tuple = ()):
    """Import a generated module; registered in sys.modules first so Numba's cache can find it.
    Only a regular file of this user whose `# key:` line matches and that defines `names` is
    imported (else ImportError: the caller rebuilds the entry); its Numba dispatchers are then
    hardened (runtime/cachelock.py: a damaged Numba cache file is a miss, not an error)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise ImportError(f"{path} is not a regular file of this user")
    text = path.read_text(encoding="utf-8")
    if f"# key: {key}\n" not in text:
        raise ImportError("stale or damaged cache entry")
    numbacosts.install()  # before anything compiles (Numba's typing context is refreshed by the first compile or load anyway)
    preload.bind_scipy_blas()  # before anything Numba binds BLAS for: without all of scipy.linalg
    if "_simd." in text:
        # Numba's cached code names the kernel module; it must be imported before that code loads.
        simd.ensure_kernels()
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
        for n in names:
            if not callable(getattr(module, n, None)):
                raise ImportError(f"damaged cache entry: {n} missing")
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    cachelock.harden(module, path.parent)
    cachelock.harden_runtime()
    return module


_MEMORY_TEXTS: dict[str, str] = {}  # generated files kept in memory when no directory can be written


def _exec_module(path: Path, text: str, modname: str, names: tuple = ()):
    """Import a generated module from its text, without Numba's disk cache: the last resort when
    no cache directory can be written (the text stays in memory for source() and tracebacks)."""
    import linecache
    import types

    preload.bind_scipy_blas()
    if "_simd." in text:
        simd.ensure_kernels()
    filename = str(path)
    _MEMORY_TEXTS[filename] = text
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    code = compile(text.replace("numba.njit(cache=True,", "numba.njit(cache=False,"), filename, "exec")
    module = types.ModuleType(modname)
    module.__file__ = filename
    sys.modules[modname] = module
    try:
        exec(code, module.__dict__)
        for n in names:
            getattr(module, n)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    cachelock.harden_runtime()
    return module


def _read_text(path: Path) -> str:
    text = _MEMORY_TEXTS.get(str(path))
    return text if text is not None else path.read_text(encoding="utf-8")


def _store_module(stem: str, modname: str, key: str, readable: str, lowered: str, names: tuple):
    """Write one entry's two files and import it: into the cache directory, else (a write failed:
    read-only, full) the private fallback directory, else in memory. Returns the module."""
    while True:
        directory = cache_dir()
        if directory is None:
            _MEMORY_TEXTS[f"<adjit-memory>/{stem}.readable.py"] = readable
            return _exec_module(Path(f"<adjit-memory>/{stem}.py"), lowered, modname, names)
        module_path = directory / f"{stem}.py"
        cachedir.protect(stem)  # before its write counts: the eviction that write may run never takes it
        try:
            with cachelock.locked(directory):
                _write_atomic(directory / f"{stem}.readable.py", readable)
                _write_atomic(module_path, lowered)
                cachedir.note_write(directory)
        except OSError as e:
            cachedir.unusable(directory, e)  # one warning; the next round uses the fallback
            continue
        return _load_module(module_path, modname, key, names)


def _comment(text: str) -> str:
    """`text` made safe for one comment line of generated source: backslashes and every character
    that is not printable (a newline in a directory name...) are written as escapes, so no path or
    name can end the comment and inject code."""
    return "".join("\\\\" if c == "\\" else c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


_MODULES: dict[str, Any] = {}
_LOCK = threading.RLock()


def module_text(title: str, signature: str, key: str, functions: list[str], helpers: list[str], lowered: bool,
                parallel: bool = False) -> str:
    head = [f"# Generated by adjit {VERSION} from {_comment(title)}; do not edit.",
            *(f"# {'signature: ' if k == 0 else ''}{_comment(line)}" for k, line in enumerate(signature.split("\n"))),
            f"# key: {key}",
            "import numpy as np"]
    if not lowered and any("stop_gradient(" in f for f in functions):
        head.append("from adjit import stop_gradient")
    if not lowered and any("scipy.special." in t for t in functions + helpers):  # erf, gammaln, expit...
        head.append("import scipy.special")
    if not lowered and any("scipy.linalg." in t for t in functions + helpers):  # expm (primitives/matfuncs.py)
        head.append("import scipy.linalg")
    if any("_eig." in t for t in functions + helpers):  # np.linalg.eigvals (primitives/eigen.py)
        head.append("from adjit.runtime import eigen as _eig")
    if any("_chk." in t for t in functions + helpers):  # a try's LinAlgError test (runtime/checks.py)
        head.append("from adjit.runtime import checks as _chk")
    if lowered:
        head.append("import numba")
        head.append("from adjit.runtime import simd as _simd")
        head.append("from adjit.runtime import tape as _tape")
        head.append("from adjit.runtime import linalg as _la")
        head.append("from adjit.runtime import alloc as _alloc")
        if any("_bounds." in t for t in functions + helpers):  # bounds checks (compiler/codegen/bounds.py)
            head.append("from adjit.runtime import bounds as _bounds")
        if any("_special." in t for t in functions + helpers):  # scipy.special's functions (primitives/special.py)
            head.append("from adjit.runtime import special as _special")
        if any("_mf." in t for t in functions + helpers):  # expm, expm_frechet (primitives/matfuncs.py)
            head.append("from adjit.runtime import matfuncs as _mf")
        if any("_sm." in t for t in functions + helpers):  # fast scalar tanh in sequential loops
            head.append("from adjit.runtime import scalarmath as _sm")
        head.append("")
        if parallel:
            head.append("_jit = numba.njit(cache=True, nogil=True, error_model='numpy', parallel=True)")
            head.append("_CHUNKS = 64  # fixed work split for reductions: the same sum whatever the thread count")
        else:
            head.append("_jit = numba.njit(cache=True, nogil=True, error_model='numpy')")
    body = []
    for h in helpers:  # functions, or an alias of a runtime function (`_ix = _bounds.ix`)
        if lowered and h.startswith("def ") and not parallel:
            # only compiled code calls a helper: compiled without the wrappers that let Python call
            # it (runtime/outline.part), which Numba would otherwise compile for each helper
            name = h[4:h.index("(")].strip()
            body.append(f"{h}\n\n\n{name} = _tape.part(_jit, {name})")
        else:
            body.append(("@_jit\n" if lowered and h.startswith("def ") else "") + h)
    for f in functions:
        body.append(("@_jit\n" if lowered else "") + f)
    return "\n".join(head) + "\n\n\n" + "\n\n\n".join(body) + "\n"


def _preload(dispatcher, args: tuple) -> bool:
    """Load `dispatcher`'s compiled code for `args` from Numba's on-disk cache directly, without
    Numba's target refresh (runtime/preload.py: about 0.1-0.2 s in a new process, SciPy's linalg
    included, that loading cached machine code does not need). Any later compilation still
    refreshes as usual. False, and no harm done, when the entry is not in the cache or Numba's
    internals differ from what this expects; the call then goes through Numba as before."""
    try:
        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
    except Exception:
        return False
    if sig in dispatcher.overloads:
        return True
    if not preload.load_cached(dispatcher, sig):
        return False
    STATS["numba_preloads"] += 1
    return True
