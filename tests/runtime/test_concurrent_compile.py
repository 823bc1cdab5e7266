"""Processes compiling different signatures of one function at once, against one shared fresh
cache directory, never lose or swap each other's Numba cache entries.

Each round starts four processes on a fresh cache (adjit's directory and Numba's, so the runtime
helpers compile again too): float64 and float32 arguments, each writable and read-only. A
writable and a read-only array of one dtype share adjit's generated module (same shapes, dtypes,
layouts) but are two Numba signatures of its dispatchers: Numba adds both to the same index file,
which it rewrites without a lock. Every process checks its gradient; then a fifth process loads
all four signatures from the cache and checks them again (a swapped data file gives wrong code for
a signature; a lost index entry shows as a compile instead of a load). The five processes are
forked from one that imported NumPy, Numba and adjit with the round's environment (procserver.py:
each is a new process to adjit and Numba, without an interpreter start and imports of its own).

    python tests/runtime/test_concurrent_compile.py --rounds 50 [--unlocked]

prints one line per round and a summary (`--unlocked` turns adjit's inter-process lock off, to
show what it prevents). The pytest test runs one round."""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np

from procserver import Procs

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = "import json, sys; sys.path.insert(0, sys.argv[1]); import test_concurrent_compile as t; " \
         "print(json.dumps(t._check([t.VARIANTS[int(k)] for k in sys.argv[3:]], sys.argv[2] == 'unlocked')))"

VARIANTS = [("float64", True), ("float32", True), ("float64", False), ("float32", False)]  # (dtype, writable)


def loss(w, x):
    return np.sum(np.tanh(w * x) * w) + 0.5 * np.sum(w * w)


def expected_grad(w, x):
    t = np.tanh(w * x)
    return t + w * x * (1.0 - t * t) + w


def _arrays(dtype: str, writable: bool, n: int = 37):
    w = np.linspace(-1.5, 1.5, n).astype(dtype)
    x = np.cos(np.arange(n)).astype(dtype)
    if not writable:
        w.flags.writeable = False
        x.flags.writeable = False
    return w, x


def _check(variants, unlocked: bool) -> dict:
    """Run in a worker: the gradient of every variant, checked; how each was obtained."""
    if unlocked:
        from adjit.runtime import cachelock

        cachelock.fcntl = None  # in-process locks only: what the lock prevents
    import adjit
    from adjit.compiler import jit

    # one compiler fingerprint for the whole round, even if compiler/ is edited while it runs
    jit.frontkey._FINGERPRINT = os.environ.get("ADJIT_TEST_FINGERPRINT", jit.frontkey._FINGERPRINT)
    g = adjit.grad(loss, wrt=0)
    out = []
    for dtype, writable in variants:
        w, x = _arrays(dtype, writable)
        got = g(w, x)
        want = expected_grad(w.astype(np.float64), x.astype(np.float64))
        tol = 1e-4 if dtype == "float32" else 1e-12
        ok = bool(got.dtype == np.dtype(dtype) and np.allclose(got, want, rtol=tol, atol=tol))
        disp = g._compiled.specialize(w, x).entry_dispatcher
        sig = tuple(disp.typeof_pyval(a) for a in (w, x) + jit.workspace_args(disp))
        out.append({"variant": f"{dtype}{'' if writable else '-readonly'}", "ok": ok,
                    "loaded": bool(disp._cache_hits.get(sig, 0) or disp.stats.cache_hits.get(sig, 0))})
    return {"results": out, "preloads": jit.STATS["numba_preloads"]}


def _env(cache: str) -> dict:
    from adjit.compiler import jit

    env = dict(os.environ, ADJIT_CACHE_DIR=os.path.join(cache, "adjit"), NUMBA_CACHE_DIR=os.path.join(cache, "numba"),
               ADJIT_TEST_FINGERPRINT=jit._FINGERPRINT)
    env.pop("PYTHONWARNINGS", None)
    return env


def run_round(unlocked: bool = False, workers: int = 4) -> dict:
    """One round on a fresh cache: `workers` processes at once, then a checking process."""
    def argv(variants):
        return [HERE, "unlocked" if unlocked else "locked", *variants]

    with tempfile.TemporaryDirectory(prefix="adjit-concurrent-") as cache, Procs(_env(cache)) as server:
        bad = []
        runs = server.run_all([dict(code=WORKER, args=argv([k % len(VARIANTS)])) for k in range(workers)], timeout=600)
        for p in runs:
            if p.returncode != 0:
                bad.append(f"worker failed: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
                continue
            for r in json.loads(p.stdout.strip().splitlines()[-1])["results"]:
                if not r["ok"]:
                    bad.append(f"worker {r['variant']}: wrong gradient")
        check = server.run(WORKER, *argv(range(len(VARIANTS))), timeout=600)
        if check.returncode != 0:
            bad.append(f"checker failed: {check.stderr.strip().splitlines()[-1] if check.stderr.strip() else ''}")
            return {"corrupted": bad, "lost": []}
        results = json.loads(check.stdout.strip().splitlines()[-1])["results"]
        bad += [f"checker {r['variant']}: wrong gradient" for r in results if not r["ok"]]
        lost = [r["variant"] for r in results if not r["loaded"]]
        return {"corrupted": bad, "lost": lost}


def test_concurrent_compiles_keep_every_signature():
    for _ in range(1):  # one round (the suite's budget; the script runs 50)
        r = run_round()
        assert not r["corrupted"], r
        assert not r["lost"], f"the checking process compiled instead of loading: {r}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--unlocked", action="store_true", help="turn adjit's inter-process lock off")
    a = ap.parse_args()
    corrupted = lost = 0
    t0 = time.perf_counter()
    for k in range(a.rounds):
        r = run_round(a.unlocked, a.workers)
        corrupted += bool(r["corrupted"])
        lost += bool(r["lost"])
        print(f"round {k + 1}: corrupted {r['corrupted'] or 'none'}, lost entries {r['lost'] or 'none'}", flush=True)
    print(f"{a.rounds} rounds of {a.workers} processes ({'unlocked' if a.unlocked else 'locked'}): "
          f"{corrupted} with corrupted results, {lost} with lost cache entries, "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
