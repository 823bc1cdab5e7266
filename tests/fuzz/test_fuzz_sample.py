"""A fixed-seed sample of the differential fuzzer, small enough for CI (about a minute on a 2-core
machine): FAST_PROGRAMS programs in fast mode (readable and lowered sources run as NumPy/Python,
forward mode, finite differences) and COMPILED_PROGRAMS through the Numba-compiled entry points,
each in a worker process.

The sample fails on a harness failure, a crash or a hang, on too few programs passing, and on a
wrong gradient or internal error of a kind that no open regression case records (a new bug:
shrink it with `python -m tests.fuzz --programs ... --seed ... --shrink 1 --save`)."""
from __future__ import annotations

import collections
import os
import tempfile
import time

from .campaign import make_tasks
from .runner import Pool
from .shrink import REGRESSIONS, existing_signatures

SEED = 20240601
FAST_PROGRAMS = 2  # the suite's budget (30 took 22-80 s once the generator wrote issue 12's constructs, 9 took 26 s of CPU in a clean-clone run, 3 about 19 s wall); campaigns run the fuzzer at scale (docs/testing.md)
COMPILED_PROGRAMS = 1


def _open_signatures() -> set:
    sigs = set()
    for outcome, cat in existing_signatures():
        sigs.add((outcome, cat))
    return sigs


def test_fuzz_sample():
    t0 = time.time()
    fast, _ = make_tasks(FAST_PROGRAMS, SEED, 0.0)
    comp, _ = make_tasks(COMPILED_PROGRAMS, SEED + 1, 1.0)
    for t in comp:
        t["id"] = f"c{t['id']}"
    # the suite's cache (tests/conftest.py): the runtime helpers compiled for the suite load from it,
    # which in a cache of its own the compiled program's worker compiled again (most of its minute)
    cache = os.environ.get("ADJIT_CACHE_DIR") or tempfile.mkdtemp(prefix="adjit-fuzz-sample-")
    pool = Pool(2, 100, cache)
    results = []
    try:
        pool.map(comp + fast, lambda t, r: results.append((t, r)), lambda t: 300.0 if t["mode"] == "compiled" else 60.0)
    finally:
        pool.close()
    seconds = time.time() - t0
    outcomes = collections.Counter(r["outcome"] for _, r in results)
    assert len(results) == FAST_PROGRAMS + COMPILED_PROGRAMS
    harness = [(t["id"], r["category"]) for t, r in results
               if r["category"].startswith(("harness", "crash", "timeout"))]
    assert not harness, f"harness failures, crashes or hangs: {harness}"
    valid = sum(outcomes[o] for o in ("ok", "wrong", "rejected", "internal", "skipped"))
    assert outcomes["ok"] >= 0.5 * valid, f"too few programs pass: {dict(outcomes)}"
    known = _open_signatures()
    new = [(t["id"], r["outcome"], r["category"]) for t, r in results
           if r["outcome"] in ("wrong", "internal") and (r["outcome"], r["category"]) not in known]
    print(f"fuzz sample: {dict(outcomes)} in {seconds:.0f} s; known open kinds in {REGRESSIONS}: {len(known)}")
    assert not new, f"failures of a kind no open regression case records: {new}"
