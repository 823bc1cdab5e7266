"""Where adjit keeps generated source files (and Numba keeps their compiled code, in __pycache__
next to them): $ADJIT_CACHE_DIR, else $XDG_CACHE_HOME/adjit, else ~/.cache/adjit, with a
subdirectory per adjit version.

The cache holds code that every later process imports and runs, so nobody else may be able to
write it: the directories adjit uses (the root, the version directory and its __pycache__) are
created 0700 and refused, with one CacheWarning, when one of them is not owned by the current
user or is writable by group or others (a symbolic link is followed only when the user owns it).
A refused, uncreatable, read-only or full directory is replaced for the rest of the process by a
private temporary directory (0700, removed at exit), and when nothing can be written at all
cache_dir() answers None: the caller compiles in memory.

The cache is bounded: at most $ADJIT_CACHE_MAX_ENTRIES entries (default 1000; a generated module
is one entry and each front-key file is one) and $ADJIT_CACHE_MAX_MB megabytes (default 512),
least recently used first out (see evict)."""
from __future__ import annotations

import atexit
import errno
import json
import os
import shutil
import stat
import tempfile
import threading
import time
import warnings
from pathlib import Path

VERSION = "0.1.0"

DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_MB = 512


class CacheWarning(RuntimeWarning):
    """adjit does not use its cache directory (unsafe or unusable) and compiles elsewhere."""


_STATE_LOCK = threading.RLock()
_UNUSABLE: dict[str, str] = {}  # directory -> why it is not used (for the rest of the process)
_WARNED: set = set()
_FALLBACK: list = []  # [Path] once a private directory has been made
_MEMORY = False  # nothing can be written: compile in memory


def configured_dir() -> Path:
    """The version directory the environment asks for (not checked, not created)."""
    root = os.environ.get("ADJIT_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "adjit")
    return Path(root) / VERSION


def check_private(path, owners=None) -> str | None:
    """Why `path` may not hold code this user runs (None when it may): it must be a directory
    owned by the user (or one of `owners`) and not writable by group or others; a symbolic link
    must itself belong to the user, and its target passes the same checks."""
    if not hasattr(os, "getuid"):  # no POSIX ownership (Windows): nothing to check
        return None
    uid = os.getuid()
    owners = {uid} if owners is None else set(owners)
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if st.st_uid not in owners:
                return f"it is a symbolic link owned by uid {st.st_uid}, not by you (uid {uid})"
            st = os.stat(path)
    except OSError as e:
        return f"it cannot be examined ({e.strerror or e})"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a directory"
    if st.st_uid not in owners:
        return f"it is owned by uid {st.st_uid}, not by you (uid {uid})"
    if st.st_mode & 0o022:
        who = "others" if st.st_mode & 0o002 else "its group"
        return f"it is writable by {who} (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def _prepare(version: Path) -> str | None:
    """Create the root, version and __pycache__ directories (0700) where missing and check all
    three; the reason for refusing them, or None."""
    root = version.parent
    pycache = version / "__pycache__"
    try:
        if not os.path.lexists(root):
            os.makedirs(root.parent, exist_ok=True)  # e.g. ~/.cache: an ordinary directory
        for d in (root, version, pycache):
            try:
                os.mkdir(d, 0o700)
            except FileExistsError:
                pass
    except OSError as e:
        return f"it cannot be created ({e.strerror or e})"
    for d in (root, version, pycache):
        why = check_private(d)
        if why is not None:
            return why if d == version else f"{d}: {why}"
    return None


def cache_dir() -> Path | None:
    """The checked directory for this adjit version, created if missing; a private temporary
    directory in its place when it is refused or cannot be written (one CacheWarning); None
    when no directory can be written at all (compile in memory)."""
    version = configured_dir()
    key = str(version)
    if key not in _UNUSABLE:
        why = _prepare(version)
        if why is None:
            return version
        _give_up(version, why)
    return _fallback()


def _fallback() -> Path | None:
    global _MEMORY
    with _STATE_LOCK:
        if _MEMORY:
            return None
        if _FALLBACK:
            return _FALLBACK[0]
        try:
            path = Path(tempfile.mkdtemp(prefix=f"adjit-{os.getuid() if hasattr(os, 'getuid') else 'user'}-"))
            os.mkdir(path / "__pycache__", 0o700)
        except OSError:
            _MEMORY = True
            return None
        atexit.register(shutil.rmtree, str(path), True)
        _FALLBACK.append(path)
        return path


def _give_up(directory: Path, why: str) -> None:
    """Stop using `directory` in this process and say so once."""
    global _MEMORY
    with _STATE_LOCK:
        key = str(directory)
        if key in _UNUSABLE:
            return
        _UNUSABLE[key] = why
        was_fallback = bool(_FALLBACK) and key == str(_FALLBACK[0])
        if was_fallback:
            _MEMORY = True
            instead = None
        else:
            instead = _fallback()
        if was_fallback and _WARNED:
            return  # the private directory failed too: the first warning stands
        _WARNED.add(key)
        where = (f"compiling into a private temporary directory ({instead}) instead; nothing is kept "
                 f"for later processes" if instead is not None else "compiling in memory instead")
    warnings.warn(f"adjit: not using the cache directory {str(directory)!r}: {why}; {where}",
                  CacheWarning, stacklevel=3)


def unusable(directory: Path, error: OSError) -> None:
    """A write into `directory` failed (read-only, full, removed): use the fallback from now on."""
    _give_up(directory, f"it cannot be written ({error.strerror or error})")


def memory_only() -> bool:
    return _MEMORY


def write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    """Write text to path so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --------------------------------------------------------------------------- size bound (LRU)


def touch(*paths) -> None:
    """Mark cache files as used now (their mtime: the LRU order). Never the generated `.py`
    itself, whose timestamp Numba may compare."""
    for p in paths:
        try:
            os.utime(p)
        except OSError:
            pass


def limits() -> tuple[int, int]:
    """(most entries, most bytes) from $ADJIT_CACHE_MAX_ENTRIES and $ADJIT_CACHE_MAX_MB."""
    def number(name, default):
        try:
            return max(1, int(float(os.environ.get(name, default))))
        except ValueError:
            return default
    return number("ADJIT_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES), number("ADJIT_CACHE_MAX_MB", DEFAULT_MAX_MB) << 20


_PROTECTED: set = set()  # stems of modules this process loaded: never evicted under it
_WRITES: dict[str, int] = {}


def protect(stem: str) -> None:
    _PROTECTED.add(stem)


def note_write(directory: Path) -> None:
    """Count a new cache entry; every few entries (every one for small bounds) check the bound
    and evict. Called with the directory's build lock held."""
    if directory is None:
        return
    key = str(directory)
    n = _WRITES.get(key, -1) + 1
    max_entries, _ = limits()
    if n == 0 or n >= max(1, min(16, max_entries // 10)):
        n = 0
        try:
            evict(directory)
        except OSError:
            pass
    _WRITES[key] = n


def _unlink(path) -> int:
    try:
        size = os.lstat(path).st_size
        os.unlink(path)
        return size
    except OSError:
        return 0


def discard_entry(directory: Path, stem: str) -> None:
    """Delete one generated module entry: `<stem>.py`, `<stem>.readable.py` and everything in
    __pycache__ compiled from it (Python's .pyc, Numba's .nbi/.nbc)."""
    for suffix in (".py", ".readable.py"):
        _unlink(directory / f"{stem}{suffix}")
    try:
        with os.scandir(directory / "__pycache__") as it:
            for e in it:
                if e.name.split(".", 1)[0] == stem:
                    _unlink(e.path)
    except OSError:
        pass


def evict(directory: Path, max_entries: int | None = None, max_bytes: int | None = None) -> int:
    """Delete least recently used entries until the cache is within its bounds (down to 90% of
    them, so that this runs rarely). An entry is a generated module with everything compiled from
    it and the front-key files that point to it, or a front-key file alone; its last use is the
    newest mtime among its own files (touch marks a use). Returns the number of entries removed.

    (Over 80 lines: one scan of the directory, then one ordered deletion, sharing the grouping of
    files into entries; each step is commented.)"""
    if max_entries is None or max_bytes is None:
        e, b = limits()
        max_entries = e if max_entries is None else max_entries
        max_bytes = b if max_bytes is None else max_bytes
    now = time.time()
    groups: dict[str, list] = {}  # stem -> [stamp, bytes, count of own top-level files]
    fronts: dict[str, list] = {}  # file name -> [stamp, bytes]
    with os.scandir(directory) as it:
        for e in it:
            name = e.name
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if name.startswith(".tmp-"):
                if now - st.st_mtime > 3600:  # left by a crashed writer
                    _unlink(e.path)
                continue
            if name.startswith(".") or not stat.S_ISREG(st.st_mode):
                continue
            if name.endswith(".front.json"):
                fronts[name] = [st.st_mtime, st.st_size]
                continue
            if name.endswith(".readable.py"):
                stem = name[:-len(".readable.py")]
            elif name.endswith(".py") and not name.startswith("adjit_simd_"):
                stem = name[:-3]
            else:
                continue
            g = groups.setdefault(stem, [0.0, 0, 0])
            g[0] = max(g[0], st.st_mtime)
            g[1] += st.st_size
            g[2] += 1
    pycache = directory / "__pycache__"
    try:
        with os.scandir(pycache) as it:
            for e in it:
                stem = e.name.split(".", 1)[0]
                if not stem or stem.startswith("adjit_simd_"):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                g = groups.setdefault(stem, [0.0, 0, 0])
                g[1] += st.st_size
                if g[2] == 0:  # compiled files whose module is gone: their own age
                    g[0] = max(g[0], st.st_mtime)
    except OSError:
        pass
    count = len(groups) + len(fronts)
    total = sum(g[1] for g in groups.values()) + sum(f[1] for f in fronts.values())
    if count <= max_entries and total <= max_bytes:
        return 0
    target_entries = max_entries - max(1, max_entries // 10) if count > max_entries else max_entries
    target_bytes = int(max_bytes * 0.9) if total > max_bytes else max_bytes
    pointing: dict[str, list] = {}  # stem -> front files naming it
    for name in fronts:
        try:
            with open(directory / name, encoding="utf-8") as f:
                digest = json.load(f)["key"]
            stem = name.rsplit("_", 1)[0] + "_" + str(digest)
        except Exception:
            continue
        pointing.setdefault(stem, []).append(name)
    order = sorted([(g[0], 0, stem) for stem, g in groups.items()] + [(f[0], 1, name) for name, f in fronts.items()])
    removed = 0
    for _, kind, key in order:
        if count <= target_entries and total <= target_bytes:
            break
        if kind == 1:
            if key not in fronts:
                continue
            total -= fronts.pop(key)[1]
            _unlink(directory / key)
            count -= 1
        else:
            if key in _PROTECTED:
                continue
            discard_entry(directory, key)
            total -= groups[key][1]
            count -= 1
            for name in pointing.get(key, ()):
                if name in fronts:
                    total -= fronts.pop(name)[1]
                    _unlink(directory / name)
                    count -= 1
        removed += 1
    return removed


def _reset_for_tests() -> None:
    """Forget refused directories and the fallback (tests that change the environment)."""
    global _MEMORY
    with _STATE_LOCK:
        _UNUSABLE.clear()
        _WARNED.clear()
        _FALLBACK.clear()
        _MEMORY = False
        _WRITES.clear()
