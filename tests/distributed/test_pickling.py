"""Compiled gradients pickle as their function, wrt and options (compiler/jit/pickling.py): small
payloads, functions from __main__ and exec rebuilt from their source, one object per process, and
a fresh process's first call loading from the disk cache."""
from __future__ import annotations

import linecache
import multiprocessing
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjit
from adjit.compiler.jit import CompiledFunction, pickling

ROOT = Path(__file__).resolve().parents[2]
UNRELATED = np.zeros(2_000_000)  # 16 MB the gradients below never read: never pickled


def loss(w, x):
    return np.sum(np.tanh(w * x) * w)


def expected(w, x):
    t = np.tanh(w * x)
    return t + w * x * (1 - t * t)


def _call(g, args):
    """What a pool worker runs: the unpickled gradient on the arguments, and whether its
    specialization was loaded from the disk cache (through the front key or the full key)."""
    out = g(*args)
    c = g._compiled
    spec = c._spec_for(c._bind(args, {}))
    return out, spec.front_hit or spec.loaded_from_disk


def _args(n=9):
    rng = np.random.default_rng(3)
    return rng.standard_normal(n), rng.standard_normal(n)


def test_payload_is_small_and_names_the_function():
    g = adjit.grad(loss)
    args = _args()
    g(*args)  # compiled state and a workspace exist: none of it is pickled
    data = pickle.dumps(g)
    assert len(data) < 1000
    assert b"test_pickling" in data and b"UNRELATED" not in data
    assert pickle.loads(data) is g  # the process that pickled it gets the object itself


def test_same_payload_same_object_and_options_kept():
    g = adjit.value_and_grad(loss, wrt=("w", "x"), checkpoint="sqrt", parallel=True)
    key, factory, args = g.__reduce__()[1]
    built = pickling.rebuild(key + "-fresh", factory, args)  # as another process would build it
    assert built is not g and built is pickling.rebuild(key + "-fresh", factory, args)
    c = built._compiled
    assert (built.wrt, built._with_value, c.checkpoint, c.parallel) == (("w", "x"), True, "sqrt", True)
    assert c.wrt == [0, 1] and built.fun is loss  # (its gradients: test_multiprocessing, in another process)


def test_source_function_ships_only_the_globals_it_reads(tmp_path):
    """A function made by exec (its text registered as a notebook registers a cell's), reading a
    helper and a constant, beside a large unrelated global: the payload holds its text, the helper's
    and the constant, and builds the same gradient from them."""
    src = textwrap.dedent("""
        import numpy as np
        SCALE = 3.0
        BIG = np.ones(1_000_000)

        def helper(u):
            return np.sin(u) * SCALE

        def cell_loss(w, x):
            return np.sum(helper(w * x) ** 2)
    """)
    name = "<adjit-test-cell-1>"
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    ns = {"__name__": "__main__"}
    exec(compile(src, name, "exec"), ns)
    g = adjit.grad(ns["cell_loss"])
    payload = pickle.dumps(g)
    assert len(payload) < 3000 and b"cell_loss" in payload and b"BIG" not in payload
    f = pickling.decode(pickling.encode(ns["cell_loss"], {}), {})  # rebuilt from the payload's description
    assert f is not ns["cell_loss"] and f.__globals__ is not ns and "BIG" not in f.__globals__
    w, x = _args()
    u = w * x  # d/dw sum((3 sin(wx))^2) = 18 sin(wx) cos(wx) x
    np.testing.assert_allclose(adjit.grad(f)(w, x), 18 * np.sin(u) * np.cos(u) * x, rtol=1e-12)


def test_closure_rebuilt_with_its_cells_and_the_same_front_key():
    """A nested function is rebuilt from its text with its cells; its file holds the same text at
    the same line, so the front key is the original's: a fresh process loads, never recompiles."""
    a = 2.5

    def inner(w, x):
        return np.sum(a * w * x ** 2)

    f = pickling.decode(pickling.encode(inner, {}), {})
    assert f is not inner and f.__closure__[0].cell_contents == 2.5
    args = _args()
    c1, c2 = CompiledFunction(inner, 0), CompiledFunction(f, 0)
    assert c1._front_key(args) == c2._front_key(args) is not None
    np.testing.assert_allclose(adjit.grad(f)(*args), 2.5 * args[1] ** 2, rtol=1e-14)


def test_transformations_and_custom_rules_pickle():
    w, x = _args(4)
    for t in (adjit.hessian(loss), adjit.jacobian(loss), adjit.hvp(loss), adjit.jvp(loss),
              adjit.grad(adjit.grad(lambda_free)), adjit.custom_vjp(loss)):
        assert pickle.loads(pickle.dumps(t)) is t
        key, factory, args = t.__reduce__()[1]
        assert type(pickling.rebuild(key + "-fresh", factory, args)) is type(t)
    h = adjit.hessian(loss)
    key, factory, args = h.__reduce__()[1]
    np.testing.assert_allclose(pickling.rebuild(key + "-h", factory, args)(w, x), h(w, x), rtol=1e-13)


def lambda_free(x):
    return np.sin(x) * x


def spawned_loss(w, x):
    """loss, a second time: built by test_multiprocessing[spawn] alone, so that this process writes
    it into that test's fresh cache directory (a module it already holds is not written again)."""
    return np.sum(np.tanh(w * x) * w)


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_multiprocessing(method, tmp_path, monkeypatch):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    # a cache directory of its own, inherited by the workers: this process may already hold the
    # module in memory (loaded from the suite's directory by an earlier test), and then writes
    # nothing new
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path / "cache"))
    g = adjit.grad(loss)
    args = _args()
    ctx = multiprocessing.get_context(method)
    if method == "spawn":  # built into the cache here; a fresh process loads it from there
        g = adjit.grad(spawned_loss)
        np.testing.assert_allclose(g(*args), expected(*args), rtol=1e-12)
        with ctx.Pool(1) as pool:
            out, from_cache = pool.apply(_call, (g, args))
        assert from_cache
    else:  # a forked worker inherits the compiled code this process holds
        g(*args)
        with ctx.Pool(1) as pool:
            out, _ = pool.apply(_call, (g, args))
    np.testing.assert_allclose(out, expected(*args), rtol=1e-12)


MAIN_SCRIPT = '''
import pickle, sys
import numpy as np
import adjit

BIG = np.zeros(6_000_000)  # 48 MB in __main__ that the gradient never reads

@adjit.grad(wrt=("W1", "b1", "W2", "b2"))
def loss(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)

rng = np.random.default_rng(0)
args = (rng.standard_normal((128, 784)) * 0.05, np.zeros((128, 1)), rng.standard_normal((10, 128)) * 0.1,
        np.zeros((10, 1)), rng.standard_normal((784, 16)), rng.standard_normal((10, 16)))
grads = loss(*args)
with open(sys.argv[1], "wb") as f:
    pickle.dump((loss, args, grads), f)
'''

LOAD_SCRIPT = '''
import pickle, sys
import numpy as np
with open(sys.argv[1], "rb") as f:
    g, args, grads = pickle.load(f)
again = pickle.loads(open(sys.argv[1], "rb").read())[0]
assert again is g, "unpickled twice: one object"
out = g(*args)
c = g._compiled
spec = c._spec_for(c._bind(args, {}))
assert all(np.array_equal(a, b) for a, b in zip(out, grads)), "a different gradient"
print("front_hit", spec.front_hit, "loaded_from_disk", spec.loaded_from_disk)
'''


def test_main_defined_seed_network_gradient_loads_warm(tmp_path):
    """The seed network's gradient defined in a script's __main__ (beside a large unrelated
    global) pickles small; a fresh process rebuilds it from its source and its first call loads
    the script's build from the shared disk cache (ADJIT_CACHE_DIR, set by conftest). Both are
    subprocesses, so that their BLAS runs on the same threads and the loader's gradient can be
    compared bit for bit (a LocalCluster started earlier in this process leaves
    OPENBLAS_NUM_THREADS=1 in its environment: this process and a child of it then differ)."""
    script, loader, out = tmp_path / "train.py", tmp_path / "load.py", tmp_path / "g.pkl"
    script.write_text(MAIN_SCRIPT)
    loader.write_text(LOAD_SCRIPT)
    subprocess.run([sys.executable, str(script), str(out)], check=True, cwd=tmp_path, timeout=120)
    g_size = len(pickle.dumps(pickle.loads(out.read_bytes())[0]))  # the gradient alone, rebuilt here
    assert g_size < 20_000
    done = subprocess.run([sys.executable, str(loader), str(out)], check=True, cwd=tmp_path, timeout=120,
                          capture_output=True, text=True)
    assert "front_hit True loaded_from_disk True" in done.stdout, done.stdout + done.stderr


def test_cloudpickle_ships_the_same_small_payload():
    """cloudpickle uses the same __reduce__: neither the module's namespace (16 MB here) nor the
    compiled state travels."""
    cloudpickle = pytest.importorskip("cloudpickle")
    g = adjit.value_and_grad(loss)
    args = _args()
    g(*args)
    data = cloudpickle.dumps(g)
    assert len(data) < 2000
    assert cloudpickle.loads(data) is g
    key, factory, payload = g.__reduce__()[1]
    rebuilt = pickling.rebuild(key + "-cloud", factory, cloudpickle.loads(cloudpickle.dumps(payload)))
    v, gw = rebuilt(*args)
    assert np.isclose(v, loss(*args)) and np.allclose(gw, expected(*args), rtol=1e-12)
