"""Inter-process locks for adjit's cache directory, and a hardened Numba on-disk cache.

`locked(directory)` holds an exclusive fcntl.flock on `<directory>/<name>` (re-entrant within a
thread, serialized between threads and between processes). adjit holds it while it builds and
writes a specialization, and while Numba updates a function's cache index: Numba reads the index
(`<module>.<function>-<line>.pyXY.nbi`), adds its new signature and writes it back without a lock,
so two processes compiling different signatures of one function at once could drop each other's
entry or give both the same data file (`.nbc`), one overwriting the other's machine code.

`harden(module)` makes the cached dispatchers of a module robust: a damaged index or data file
(truncated, garbage: UnpicklingError, EOFError, ...) is deleted and counts as a miss, so Numba
compiles again and writes a good one instead of failing every later process; and saving a new
signature into the index happens under the lock of the cache directory."""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; the locks are in-process only
    fcntl = None

BUILD_LOCK = ".adjit-build.lock"
NUMBA_LOCK = ".adjit-numba.lock"
SIMD_LOCK = ".adjit-simd.lock"


class _FileLock:
    """One lock file: a thread lock (re-entrant) plus the flock held while depth > 0."""

    def __init__(self, path: str):
        self.path = path
        self.rlock = threading.RLock()
        self.depth = 0
        self.fd = None

    def acquire(self) -> None:
        self.rlock.acquire()
        if self.depth == 0:
            self.fd = None
            if fcntl is not None:
                try:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                                 | getattr(os, "O_NOFOLLOW", 0), 0o600)
                except OSError:  # an unwritable directory: nothing to protect in it
                    fd = None
                if fd is not None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX)
                        self.fd = fd
                    except OSError:
                        os.close(fd)
        self.depth += 1

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fd, self.fd = self.fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        self.rlock.release()


_LOCKS: dict[str, _FileLock] = {}
_REGISTRY = threading.Lock()


def _reset_after_fork() -> None:
    # a child must not inherit locks held by threads of its parent (they do not exist in it)
    global _REGISTRY
    _LOCKS.clear()
    _REGISTRY = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


@contextlib.contextmanager
def locked(directory, name: str = BUILD_LOCK):
    """Hold the exclusive lock `name` of `directory` (a no-op for None: compiling in memory)."""
    if directory is None:
        yield
        return
    path = os.path.join(os.fspath(directory), name)
    with _REGISTRY:
        lock = _LOCKS.get(path)
        if lock is None:
            lock = _LOCKS[path] = _FileLock(path)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


# ------------------------------------------------------------------------ Numba's disk cache


def _discard(path: str, directory: str) -> None:
    with locked(directory, NUMBA_LOCK):
        try:
            os.unlink(path)
        except OSError:
            pass


_SAFE_CLASS = None


def _safe_class():
    """A subclass of Numba's IndexDataCacheFile that treats damage as a miss and locks saves."""
    global _SAFE_CLASS
    if _SAFE_CLASS is not None:
        return _SAFE_CLASS
    from numba.core.caching import IndexDataCacheFile

    class SafeIndexDataCacheFile(IndexDataCacheFile):
        def _load_index(self):
            try:
                overloads = super()._load_index()
                if not isinstance(overloads, dict):
                    raise TypeError("index is not a mapping")
                return overloads
            except OSError:
                return {}
            except Exception:  # damaged: rebuilt by the next save
                _discard(self._index_path, self._cache_path)
                return {}

        def _load_data(self, name):
            try:
                return super()._load_data(name)
            except OSError:
                raise
            except Exception as e:  # damaged: load() takes an OSError as a miss
                _discard(self._data_path(name), self._cache_path)
                raise OSError(f"damaged Numba cache file {name}") from e

        def save(self, key, data):
            with locked(self._cache_path, NUMBA_LOCK):
                super().save(key, data)

    _SAFE_CLASS = SafeIndexDataCacheFile
    return _SAFE_CLASS


def _inside(path, root) -> bool:
    try:
        return os.path.commonpath([os.path.realpath(path), os.path.realpath(root)]) == os.path.realpath(root)
    except ValueError:
        return False


def harden_dispatcher(dispatcher, root=None) -> None:
    """Make one Numba dispatcher's disk cache robust (see the module docstring). With `root`,
    its cache must lie inside that checked directory (or in a private $NUMBA_CACHE_DIR): Numba
    falls back to ~/.cache/numba when __pycache__ is not writable, and nothing compiled there is
    trusted; such a dispatcher compiles without a disk cache."""
    cache = getattr(dispatcher, "_cache", None)
    if cache is None or getattr(cache, "_adjit_hardened", False):
        return
    try:
        from numba.core import caching, config

        if not isinstance(cache, caching.Cache):
            return
        if root is not None and not _inside(cache.cache_path, root):
            from .cachedir import check_private

            provided = config.CACHE_DIR and _inside(cache.cache_path, config.CACHE_DIR)
            if not provided or check_private(cache.cache_path) or check_private(config.CACHE_DIR):
                dispatcher._cache = caching.NullCache()
                return
        cache_file = cache._cache_file
        if type(cache_file) is caching.IndexDataCacheFile:
            cache_file.__class__ = _safe_class()
        load = cache._load_overload

        def safe_load(sig, target_context):
            try:
                return load(sig, target_context)
            except Exception:  # unreadable machine code: forget the index, compile again
                _discard(cache_file._index_path, cache.cache_path)
                return None

        cache._load_overload = safe_load
        cache._adjit_hardened = True
    except Exception:  # Numba's internals differ: leave the cache as Numba made it
        pass


def harden(module, root=None) -> None:
    """harden_dispatcher for every cached Numba dispatcher defined in `module`."""
    for value in list(vars(module).values()):
        if getattr(value, "_cache", None) is not None and hasattr(value, "py_func"):
            harden_dispatcher(value, root)


_RUNTIME_HARDENED: set = set()


def harden_runtime() -> None:
    """harden() adjit's runtime modules that generated code calls (alloc, tape, linalg, bounds...;
    their Numba caches live in the
    installation's __pycache__ and are shared by every signature and process)."""
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("adjit.runtime.") and module is not None and name not in _RUNTIME_HARDENED:
            harden(module)
            _RUNTIME_HARDENED.add(name)


def pycache(directory) -> Path | None:
    return None if directory is None else Path(directory) / "__pycache__"
