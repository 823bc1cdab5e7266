"""The cache directory holds code every later process runs: nobody else may write it, nothing in
it is trusted blindly, and a broken cache never stops a gradient (issue 10)."""
from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import adjit
from adjit.compiler import jit
from adjit.runtime import cachedir
from adjit.runtime.cachedir import CacheWarning

from procserver import Procs

VICTIM = '''
import numpy as np


def loss(w):
    return np.sum(w * w)  # the smallest function: each run that compiles compiles it (was + sum(sin(w)))


def other(w):
    return np.sum(w * w * w)
'''

DRIVER = textwrap.dedent('''
    import importlib.util, json, sys, warnings
    import numpy as np
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import adjit, os
        from adjit.compiler import jit
        # the parent's compiler fingerprint: keys stay put even if compiler/ is edited meanwhile
        jit.frontkey._FINGERPRINT = os.environ["ADJIT_TEST_FINGERPRINT"]  # where the keys read it
        spec = importlib.util.spec_from_file_location("victim", sys.argv[1])
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        w = np.linspace(-1.0, 1.0, 7)
        g = adjit.grad(mod.loss)
        d = g(w)
        g(w)
        s = g._compiled.specialize(w)
        d2 = adjit.grad(mod.other)(w)
    disp = s.entry_dispatcher
    print(json.dumps({"grad": d.tolist(), "other": d2.tolist(), "module": str(s.module_path),
                      "from_disk": s.loaded_from_disk, "front_hit": s.front_hit,
                      "numba_loaded": sum(disp.stats.cache_hits.values()),
                      "source_ok": "def loss_grad" in s.readable,
                      "warnings": [str(x.message) for x in caught if x.category.__name__ == "CacheWarning"]}))
''')

W = np.linspace(-1.0, 1.0, 7)
EXPECTED = 2 * W


def run(server: Procs, cache, victim: Path, marker: Path | None = None) -> dict:
    """The driver in a new process (forked from the module's server, see procserver.py)."""
    env = dict(server.env, ADJIT_CACHE_DIR=str(cache), ADJIT_TEST_FINGERPRINT=jit._FINGERPRINT)
    if marker is not None:
        env["ADJIT_MARKER"] = str(marker)
    out = server.run(DRIVER, str(victim), env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(result["grad"], EXPECTED, rtol=1e-12)
    np.testing.assert_allclose(result["other"], 3 * W * W, rtol=1e-12)
    assert result["source_ok"]
    return result


@pytest.fixture(scope="module")
def server():
    """One process that imported NumPy, Numba and adjit; each driver run is a child forked from it."""
    with Procs() as procs:
        yield procs


@pytest.fixture
def victim(tmp_path) -> Path:
    path = tmp_path / "victim.py"
    path.write_text(VICTIM)
    return path


@pytest.fixture
def fresh_state():
    """Forget refused directories and the fallback before and after (in-process tests)."""
    cachedir._reset_for_tests()
    yield
    cachedir._reset_for_tests()


def plant(version: Path, marker: Path) -> None:
    """What an attacker who can write the directory does: code in the generated module that the
    next process would import, and a pickle in Numba's index that it would load."""
    for module in version.glob("loss_*.py"):
        if module.name.endswith(".readable.py"):
            continue
        lines = module.read_text().splitlines(True)
        lines.insert(3, "import os; open(os.environ['ADJIT_MARKER'], 'w').close()\n")
        module.write_text("".join(lines))

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    for index in (version / "__pycache__").glob("loss_*.nbi"):
        index.write_bytes(pickle.dumps(Payload()))


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory, server):
    """A cache built once by a process in a fresh directory (its files where adjit puts them, no
    warning); each test plants code in, chmods, chowns or damages a copy (the victim stays in
    place: its path is part of the key). Checked once here for all of them (the suite's budget):
    a copy loads warm, and code planted in a copy runs in the next process, so the refusals the
    tests see are the checks' doing, not code planted where adjit does not look."""
    base = tmp_path_factory.mktemp("built")
    victim = base / "victim.py"
    victim.write_text(VICTIM)
    first = run(server, base / "cache", victim)
    assert Path(first["module"]).parent == base / "cache" / cachedir.VERSION and not first["warnings"]
    copy = base / "copy"
    shutil.copytree(base / "cache", copy, symlinks=True)
    assert run(server, copy, victim)["numba_loaded"], "a copy of the built cache is not a warm cache"
    marker = base / "marker"
    plant(copy / cachedir.VERSION, marker)
    # the planted code is where a process would run it: in the user's own private cache it does
    run(server, copy, victim, marker)
    assert marker.exists(), "the test plants its code where adjit does not look"
    shutil.rmtree(copy)
    return base / "cache", victim


# ------------------------------------------------------------------------------ refused dirs


def test_cache_directories_are_created_private(tmp_path, monkeypatch, fresh_state):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path / "new" / "adjit"))
    version = cachedir.cache_dir()
    assert version == tmp_path / "new" / "adjit" / cachedir.VERSION
    for d in (version.parent, version, version / "__pycache__"):
        assert d.stat().st_mode & 0o777 == 0o700, d


def test_a_user_symlink_to_a_private_directory_is_followed(tmp_path, monkeypatch, fresh_state):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "adjit").symlink_to(target)
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path / "adjit"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        assert cachedir.cache_dir() == tmp_path / "adjit" / cachedir.VERSION
    assert (target / cachedir.VERSION / "__pycache__").is_dir()


@pytest.mark.parametrize("where", ["root", "version", "__pycache__"])
def test_world_writable_cache_is_refused_and_planted_code_never_runs(tmp_path, server, built_cache, where):
    built, victim = built_cache  # a copy of a cache one process built (the suite's budget: no cold build per case)
    cache = tmp_path / "cache"
    shutil.copytree(built, cache, symlinks=True)
    version = cache / cachedir.VERSION
    marker = tmp_path / "marker"
    plant(version, marker)  # code that runs in the next process of a private copy (built_cache checks)
    {"root": cache, "version": version, "__pycache__": version / "__pycache__"}[where].chmod(0o777)
    refused = run(server, cache, victim, marker)
    assert not marker.exists(), "code planted in a world-writable cache directory ran"
    assert len(refused["warnings"]) == 1, refused["warnings"]
    assert "writable by others" in refused["warnings"][0] and str(version) in refused["warnings"][0]
    assert not Path(refused["module"]).is_relative_to(cache)


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="changing a directory's owner needs root")


@needs_root
def test_cache_owned_by_another_user_is_refused(tmp_path, server, built_cache):
    built, victim = built_cache
    cache = tmp_path / "cache"
    shutil.copytree(built, cache, symlinks=True)
    version = cache / cachedir.VERSION
    marker = tmp_path / "marker"
    plant(version, marker)
    for p in [version, *version.rglob("*")]:
        os.lchown(p, 65534, 65534)
    refused = run(server, cache, victim, marker)
    assert not marker.exists(), "code planted in another user's directory ran"
    assert len(refused["warnings"]) == 1 and "owned by uid 65534" in refused["warnings"][0]


@needs_root
def test_symlink_owned_by_another_user_is_refused(tmp_path, monkeypatch, fresh_state):
    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    (tmp_path / "adjit").symlink_to(target)
    os.lchown(tmp_path / "adjit", 65534, 65534)
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path / "adjit"))
    with pytest.warns(CacheWarning, match="symbolic link owned by uid 65534"):
        fallback = cachedir.cache_dir()
    assert fallback is not None and not fallback.is_relative_to(tmp_path)
    assert fallback.stat().st_mode & 0o777 == 0o700


def test_newline_in_the_source_path_cannot_inject_code(tmp_path, server):
    evil = tmp_path / "src\nimport os; open(os.environ['ADJIT_MARKER'], 'w').close()\n#"
    evil.mkdir()
    victim = evil / "victim.py"
    victim.write_text(VICTIM)
    marker = tmp_path / "marker"
    result = run(server, tmp_path / "cache", victim, marker)
    assert not marker.exists(), "a newline in a directory name injected code into the generated module"
    text = Path(result["module"]).read_text()
    first = text.splitlines()[0]
    assert first.startswith("# Generated by adjit") and "src\\nimport os" in first
    assert not any(line.startswith("import os; open(") for line in text.splitlines())
    marker.unlink(missing_ok=True)
    again = run(server, tmp_path / "cache", victim, marker)  # and loading it again runs nothing either
    assert again["front_hit"] and not marker.exists()


# ---------------------------------------------------------------------------- the size bound


def _entry(directory: Path, stem: str, age: float, fronts: int = 0) -> None:
    t = time.time() - age
    files = [directory / f"{stem}.py", directory / f"{stem}.readable.py",
             directory / "__pycache__" / f"{stem}.{stem.split('_')[0]}_grad-9.py311.nbi",
             directory / "__pycache__" / f"{stem}.{stem.split('_')[0]}_grad-9.py311.1.nbc"]
    for k in range(fronts):
        f = directory / f"{stem.split('_')[0]}_{k:03d}{stem[-4:]}.front.json"
        f.write_text(json.dumps({"key": stem.split("_", 1)[1]}))
        files.append(f)
    for f in files[:4]:
        f.write_text("x")
    for f in files:
        os.utime(f, (t, t))


def test_lru_eviction_removes_whole_entries_oldest_first(tmp_path):
    d = tmp_path / "v"
    (d / "__pycache__").mkdir(parents=True)
    _entry(d, "f_00000000000000000aaa", age=400, fronts=2)
    _entry(d, "f_00000000000000000bbb", age=300, fronts=1)
    _entry(d, "f_00000000000000000ccc", age=200)
    _entry(d, "f_00000000000000000ddd", age=100)
    # aaa was used just now through its front keys: the newest
    cachedir.touch(d / "f_00000000000000000aaa.readable.py", *d.glob("f_*aaa.front.json"))
    # 7 entries (4 modules, 3 front keys) over a bound of 5: down to 5 - 1; bbb goes with its front key
    assert cachedir.evict(d, max_entries=5, max_bytes=1 << 30) == 2
    left = sorted(p.name for p in d.rglob("*"))
    assert not any("bbb" in n or "ccc" in n for n in left), left
    assert sum("aaa" in n for n in left) == 6 and sum("ddd" in n for n in left) == 4


def test_lru_eviction_by_size(tmp_path):
    d = tmp_path / "v"
    (d / "__pycache__").mkdir(parents=True)
    for k, stem in enumerate(["f_0000000000000000000a", "f_0000000000000000000b", "f_0000000000000000000c"]):
        _entry(d, stem, age=100 - k)
        (d / "__pycache__" / f"{stem}.f_grad-9.py311.1.nbc").write_bytes(b"x" * 4000)
    cachedir.evict(d, max_entries=100, max_bytes=9000)
    assert not list(d.glob("f_0000000000000000000a*")) and list(d.glob("f_0000000000000000000c*"))


def bounded(w):
    return np.sum(w * w)


def test_distinct_shapes_stay_within_the_bound(tmp_path, monkeypatch, fresh_state):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ADJIT_CACHE_MAX_ENTRIES", "8")
    g = adjit.grad(bounded)
    for n in range(2, 40):
        w = np.arange(float(n))
        np.testing.assert_array_equal(g(w), 2 * w)
    version = tmp_path / cachedir.VERSION
    fronts = list(version.glob("*.front.json"))
    modules = [p for p in version.glob("*.py") if not p.name.endswith(".readable.py")]
    assert len(fronts) + len(modules) <= 8, (len(fronts), len(modules))
    assert modules, "the module in use was evicted"
    w = np.arange(39.0)
    np.testing.assert_array_equal(adjit.grad(bounded)(w), 2 * w)


# ------------------------------------------------------------------------- damaged entries


def _damage(version: Path, kind: str) -> None:
    pattern = {"py": "loss_*.py", "front": "loss_*.front.json", "nbi": "__pycache__/loss_*.nbi",
               "nbc": "__pycache__/loss_*.nbc"}[kind]
    files = [p for p in version.glob(pattern) if not p.name.endswith(".readable.py")]
    assert files, pattern
    for p in files:
        data = p.read_bytes()
        p.write_bytes(data[:len(data) // 3] if kind in ("py", "nbc") else b"\x80\x04garbage\x00" * 7)


@pytest.mark.parametrize("kind", ["py", "front", "nbi", "nbc"])
def test_damaged_entries_are_rebuilt(tmp_path, server, built_cache, kind):
    built, victim = built_cache
    cache = tmp_path / "cache"
    shutil.copytree(built, cache, symlinks=True)  # a warm cache (built_cache checks a copy loads warm)
    _damage(cache / cachedir.VERSION, kind)
    rebuilt = run(server, cache, victim)
    assert not rebuilt["warnings"]
    again = run(server, cache, victim)  # the rebuilt entry is whole: loaded, not compiled
    assert again["from_disk"] and again["numba_loaded"], again


# ------------------------------------------------------------------- unwritable directories


def test_uncreatable_cache_dir_falls_back_with_one_warning(tmp_path, server, victim):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run(server, blocker / "cache", victim)
    assert len(result["warnings"]) == 1 and "cannot be created" in result["warnings"][0], result["warnings"]
    assert not Path(result["module"]).is_relative_to(tmp_path)


def read_only_loss(w):
    return np.sum(np.cos(w) * w)


def full_disk_loss(w):
    return np.sum(np.exp(w) * w)


def test_read_only_cache_dir_uses_the_private_fallback(tmp_path, monkeypatch, fresh_state):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    real = cachedir.write_atomic

    def write(path, text, mode=0o600):
        if Path(path).is_relative_to(tmp_path):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(path, text, mode)

    monkeypatch.setattr(cachedir, "write_atomic", write)
    w = np.linspace(-1.0, 1.0, 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = adjit.grad(read_only_loss)
        np.testing.assert_allclose(g(w), np.cos(w) - w * np.sin(w), rtol=1e-12)
        np.testing.assert_allclose(g(w + 1), np.cos(w + 1) - (w + 1) * np.sin(w + 1), rtol=1e-12)
        spec = g._compiled.specialize(w)
    found = [x for x in caught if issubclass(x.category, CacheWarning)]
    assert len(found) == 1 and "Read-only file system" in str(found[0].message)
    assert not spec.module_path.is_relative_to(tmp_path) and spec.module_path.exists()


def test_full_disk_compiles_in_memory_with_one_warning(tmp_path, monkeypatch, fresh_state):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))

    def full(path, text, mode=0o600):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cachedir, "write_atomic", full)
    w = np.linspace(-1.0, 1.0, 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = adjit.grad(full_disk_loss)
        for _ in range(3):
            np.testing.assert_allclose(g(w), np.exp(w) * (1 + w), rtol=1e-12)
        assert "def full_disk_loss_grad" in g.source(w)
    found = [x for x in caught if issubclass(x.category, CacheWarning)]
    assert len(found) == 1 and "No space left on device" in str(found[0].message), [str(x.message) for x in found]
