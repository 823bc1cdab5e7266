"""Every case the differential fuzzer shrank and saved (tests/fuzz/regressions/case_*.py) runs
through the same oracles as in the campaign: NumPy's value, finite differences, the readable and
lowered gradient sources, forward mode and (for cases that need it) the Numba-compiled entry points.

A case passes when every oracle agrees (outcome "ok"), or when adjit now refuses the program with
a located diagnostic (outcome "rejected": no silent wrong answer). Cases whose STATUS is "open"
are compiler bugs not fixed yet: xfail (not strict), so a fix shows up as XPASS; flip the case's
STATUS to "fixed" then."""
from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest

from . import oracles
from .runner import Pool
from .shrink import REGRESSIONS

CASES = sorted(REGRESSIONS.glob("case_*.py"))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"adjit_fuzz_case_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _status(path: Path) -> str:
    for line in path.read_text().splitlines():
        if line.startswith("STATUS = "):
            return line.split("=", 1)[1].split("#")[0].strip().strip("'\"")
    return "open"


def _params():
    out = []
    for p in CASES:
        marks = []
        if _status(p) == "open":
            marks.append(pytest.mark.xfail(strict=False, reason="open: found by fuzzer"))
        out.append(pytest.param(p, id=p.stem, marks=marks))
    return out


@pytest.fixture(scope="module")
def fuzz_cache():
    d = tempfile.mkdtemp(prefix="adjit-fuzz-regress-")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADJIT_CACHE_DIR", d)
        mp.setenv("ADJIT_FUZZ_CACHE_DIR", d)
        yield d


@pytest.mark.parametrize("path", _params())
def test_regression_case(path, fuzz_cache):
    mod = _load(path)
    expect = getattr(mod, "EXPECT", {})
    cat = expect.get("category", "")
    if cat.startswith("crash") or cat == "timeout":
        # a segfault or a hang must not take pytest down: run it in a worker process
        task = {"source": path.read_text(), "fname": "f", "wrt": list(mod.WRT), "dtype": mod.DTYPE,
                "inputs": oracles.inputs_to_json(mod.INPUTS), "mode": mod.MODE,
                "mutate": getattr(mod, "MUTATE", "")}
        pool = Pool(1, 1, fuzz_cache)
        try:
            res = pool.run_one(task, timeout=300)
        finally:
            pool.close()
    else:
        # MUTATE: globals changed between two checks of the same adjit objects (oracles.check_twice)
        res = oracles.check_twice(mod.f, list(mod.INPUTS), list(mod.WRT), mod.DTYPE, mod.MODE, getattr(mod, "MUTATE", ""))
    assert res["outcome"] in ("ok", "rejected"), (
        f"{path.name}: {res['outcome']} ({res['category']}) {res.get('detail', '')[-1500:]}")
