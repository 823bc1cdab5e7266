"""Startup: a new process with a warm cache finds its specialization through the front key without
running the IR pipeline (counted, never timed), and anything the generated code depends on - the
function's source, a global it reads, a helper it calls, the compiler - misses that key."""
import json
import os
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjit
from adjit.compiler import jit
from adjit.runtime import simd

sys.path.insert(0, str(Path(__file__).parents[1] / "runtime"))
from procserver import Procs  # noqa: E402

MODULE = '''
import numpy as np

SCALE = {scale}


def helper(u):
    return np.sum(u * u) * {power}


def loss(w, x):
    return SCALE * helper(w * x) + np.sum(w)
'''

DRIVER = textwrap.dedent('''
    import importlib.util, json, sys
    sys.dont_write_bytecode = True  # the module is edited between runs: never a stale .pyc of it
    import numpy as np
    import adjit
    from adjit.compiler import jit
    if sys.argv[2] == "new-compiler":
        jit.frontkey._FINGERPRINT = "another-compiler"  # where the keys read it
    spec = importlib.util.spec_from_file_location("startup_case", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    g = adjit.value_and_grad(mod.loss, wrt=(0, 1))
    w = np.linspace(-1.0, 1.0, 7)
    x = np.cos(np.arange(7.0))
    value, (dw, dx) = g(w, x)
    s = g._compiled.specialize(w, x)
    print(json.dumps({"stats": jit.STATS, "front_hit": s.front_hit, "key": s.key,
                      "value": float(value).hex(), "dw": [v.hex() for v in dw.tolist()],
                      "dx": [v.hex() for v in dx.tolist()]}))
''')


@pytest.fixture(scope="module")
def server():
    """One process that imported NumPy, Numba and adjit; each run is a new process forked from it
    (tests/runtime/procserver.py: no interpreter start and imports per run, the suite's budget)."""
    with Procs() as procs:
        yield procs


def run(server, cache, module_path, variant="same"):
    out = server.run(DRIVER, str(module_path), variant, env=dict(server.env, ADJIT_CACHE_DIR=str(cache)))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_warm_process_skips_the_ir_pipeline_and_edits_miss(tmp_path, server):
    cache = tmp_path / "cache"
    module = tmp_path / "startup_case.py"
    module.write_text(MODULE.format(scale=2.0, power=1.0))
    cold = run(server, cache, module)
    assert cold["stats"]["lowered"] > 0 and cold["stats"]["front_hits"] == 0 and not cold["front_hit"]

    warm = run(server, cache, module)
    assert warm["stats"]["lowered"] == 0, "a warm hit must not run the frontend / reverse mode / passes"
    assert warm["stats"]["front_hits"] == 1 and warm["front_hit"]
    assert warm["stats"]["numba_preloads"] == 1
    for k in ("key", "value", "dw", "dx"):
        assert warm[k] == cold[k], f"{k} differs between the cold build and the warm hit"

    # a new compiler (fingerprint) misses, and builds the same code under another key
    other = run(server, cache, module, "new-compiler")
    assert other["stats"]["lowered"] > 0 and not other["front_hit"]
    assert other["key"] != cold["key"] and other["dw"] == cold["dw"]

    # editing a global the function reads
    module.write_text(MODULE.format(scale=3.0, power=1.0))
    edited = run(server, cache, module)
    assert edited["stats"]["lowered"] > 0 and not edited["front_hit"]
    assert edited["value"] != cold["value"]

    # editing a helper the function calls (inlined by the frontend)
    module.write_text(MODULE.format(scale=3.0, power=2.0))
    helper = run(server, cache, module)
    assert helper["stats"]["lowered"] > 0 and not helper["front_hit"]
    assert helper["value"] != edited["value"]
    again = run(server, cache, module)
    assert again["front_hit"] and again["stats"]["lowered"] == 0 and again["dw"] == helper["dw"]

    # editing the function's own source
    module.write_text(MODULE.format(scale=3.0, power=2.0).replace("+ np.sum(w)", "- np.sum(w)"))
    source = run(server, cache, module)
    assert source["stats"]["lowered"] > 0 and not source["front_hit"]
    assert source["dw"] != helper["dw"]


SHIFT = 0.5


class _Opaque:
    pass


T = _Opaque()  # never read by opaque_reader, but `.T` puts the name in its co_names


def shifted(w):
    return np.sum((w - SHIFT) ** 2)


def opaque_reader(w):
    return np.sum(w.T * w)


def test_front_key_follows_globals_in_process(tmp_path, monkeypatch):
    global SHIFT
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    w = np.arange(5.0)
    first = jit.CompiledFunction(shifted, 0)
    key = first._front_key((w,))
    assert key is not None
    s1 = first.specialize(w)
    lowered = jit.STATS["lowered"]
    again = jit.CompiledFunction(shifted, 0)  # a new wrapper of the same function: front hit
    assert again._front_key((w,)) == key
    s2 = again.specialize(w)
    assert s2.front_hit and jit.STATS["lowered"] == lowered and s2.key == s1.key
    np.testing.assert_array_equal(s2.entry(w)[1], s1.entry(w)[1])
    assert jit.CompiledFunction(shifted, 0)._front_key((w.astype(np.float32),)) != key
    assert jit.CompiledFunction(shifted, 0)._front_key((np.arange(6.0),)) != key
    assert jit.CompiledFunction(shifted, 0)._front_key((np.asfortranarray(np.ones((2, 3))),)) != \
        jit.CompiledFunction(shifted, 0)._front_key((np.ones((2, 3)),))
    old = SHIFT
    try:
        SHIFT = 1.5
        changed = jit.CompiledFunction(shifted, 0)
        assert changed._front_key((w,)) != key
        s3 = changed.specialize(w)
        assert not s3.front_hit and jit.STATS["lowered"] > lowered
        np.testing.assert_allclose(s3.entry(w)[1], 2 * (w - 1.5))
    finally:
        SHIFT = old


def test_unknown_globals_disable_the_front_key_but_not_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    assert jit._dependencies(opaque_reader) is None
    g = jit.CompiledFunction(opaque_reader, 0)
    w = np.arange(3.0)
    assert g._front_key((w,)) is None
    assert not g.specialize(w).front_hit


def test_library_functions_are_named_not_read():
    text = jit._dependencies(shifted)
    assert "module:numpy" in text and "float:0.5" in text
    assert jit._dependencies(adjit.stop_gradient) is not None


def test_simd_kernels_come_from_numba_cache(server):
    assert type(simd.tanh_inplace._cache).__name__ != "NullCache"
    y = np.linspace(-1, 1, 9)
    simd.tanh_inplace(y)  # in this process (compiled or loaded: in the cache now), then in a new one
    code = ("import numpy as np; from adjit.runtime import simd; y = np.linspace(-1, 1, 9); simd.tanh_inplace(y); "
            "print(sum(simd.tanh_inplace.stats.cache_hits.values()), sum(simd.tanh_inplace.stats.cache_misses.values()))")
    out = server.run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "0"], "the new process compiled the kernel again instead of loading it"


def test_import_adjit_leaves_scipy_special_unimported_until_a_program_uses_it(tmp_path, server):
    """scipy.special's functions are matched by name (primitives.table.Lazy), not imported by
    `import adjit` (0.3 s of a cold start); a program that calls one still compiles, also after
    another program was lowered before scipy.special was imported."""
    (tmp_path / "progs.py").write_text("import numpy as np\n\n\ndef plain(x):\n    return np.sum(np.tanh(x) ** 2)\n")
    (tmp_path / "progs_special.py").write_text(textwrap.dedent('''
        import numpy as np
        import scipy.special as sp


        def special(x):
            return np.sum(sp.expit(x) * sp.logsumexp(x))
    '''))
    script = textwrap.dedent('''
        import sys
        import numpy as np
        import adjit
        print("imported", "scipy.special" in sys.modules)
        import progs
        x = np.linspace(-1.0, 1.0, 5)
        adjit.grad(progs.plain)(x)  # lowered while scipy.special is not imported
        print("after plain", "scipy.special" in sys.modules)
        import progs_special
        import scipy.special as sp
        g = adjit.grad(progs_special.special)(x)
        s = sp.expit(x); lse = sp.logsumexp(x); e = np.exp(x - lse)
        expected = s * (1 - s) * lse + np.sum(s) * e
        print("grad ok", bool(np.allclose(g, expected, rtol=1e-12)))
    ''')
    env = dict(server.env, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               ADJIT_CACHE_DIR=str(tmp_path / "cache"))
    out = server.run(script, env=env, cwd=tmp_path)  # a fresh process's modules: the server imported only adjit
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["imported False", "after plain False", "grad ok True"], out.stdout
