"""The on-disk cache: a second process reaches its first gradient without regenerating or
recompiling, and a damaged entry is rebuilt rather than trusted."""
import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "runtime"))
from procserver import Procs  # noqa: E402

SCRIPT = textwrap.dedent('''
    import json, sys, time
    import numpy as np
    sys.path.insert(0, {here!r})
    import adjit, corpus
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s) for s in [(5, 6), (5, 1), (3, 5), (3, 1), (6, 4), (3, 4)]]
    g = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3))
    t0 = time.perf_counter()
    spec = g._compiled.specialize(*args)
    grads = g(*args)
    print(json.dumps({{"seconds": time.perf_counter() - t0, "from_disk": spec.loaded_from_disk,
                      "dW1": float(grads[0].sum()), "module": str(spec.module_path)}}))
''')


def run(server, cache_dir):
    out = server.run(SCRIPT.format(here=str(Path(__file__).parent)), env=dict(server.env, ADJIT_CACHE_DIR=str(cache_dir)))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cache a first process built and a second one loaded, once for both tests (the suite's
    budget: the network compiled once, not once per test); each run is a new process forked from
    a process that imported adjit (tests/runtime/procserver.py)."""
    cache = tmp_path_factory.mktemp("jit_cache")
    with Procs() as server:
        first = run(server, cache)
        second = run(server, cache)
        yield server, cache, first, second


def test_second_process_loads_generated_module_and_numba_cache(built):
    _, _, first, second = built
    assert not first["from_disk"]
    module = Path(first["module"])
    assert module.exists() and module.with_name(module.stem + ".readable.py").exists()
    assert second["from_disk"]
    assert second["dW1"] == first["dW1"]
    assert list((module.parent / "__pycache__").glob("*.nbi")), "Numba's cache index was not written"


def test_damaged_entry_is_rebuilt(built, tmp_path):
    server, built_cache, first, _ = built
    cache = tmp_path / "cache"
    shutil.copytree(built_cache, cache, symlinks=True)  # a copy: the built cache stays whole for the other test
    module = cache / Path(first["module"]).relative_to(built_cache)
    module.write_text(module.read_text()[:200])  # truncated, as by a crash mid-write
    again = run(server, cache)
    assert not again["from_disk"]
    assert again["dW1"] == first["dW1"]
    assert "def seed_loss_grad" in module.read_text()


def test_fingerprint_ignores_what_pycache_holds():
    """runtime/simd.py writes its kernel module into runtime/__pycache__ at first use; the compiler
    fingerprint must not count it (it did: the first process of an installation keyed every program
    differently from the later ones, and the second process rebuilt what the first had cached)."""
    from adjit.compiler.jit import frontkey
    import adjit.runtime as rt

    before = frontkey._fingerprint()
    extra = Path(rt.__file__).parent / "__pycache__" / "adjit_fingerprint_probe.py"
    extra.parent.mkdir(exist_ok=True)
    try:
        extra.write_text("# written by tests/compiler/test_jit_cache.py\n")
        assert frontkey._fingerprint() == before
    finally:
        extra.unlink(missing_ok=True)
