"""Where adjit keeps generated source files (and Numba keeps their compiled code, in __pycache__
next to them): $ADJIT_CACHE_DIR, else $XDG_CACHE_HOME/adjit, else ~/.cache/adjit."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

VERSION = "0.1.0"


def cache_dir() -> Path:
    """The directory for this adjit version, created if missing."""
    root = os.environ.get("ADJIT_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "adjit")
    path = Path(root) / VERSION
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
