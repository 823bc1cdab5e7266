"""Shared test helpers: finite differences, random inputs, and running forward mode."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

# Machines like CI's set PYTHONDONTWRITEBYTECODE=1: every process then compiles adjit's ~170 modules
# from source (about 0.45 s of CPU each time), every xdist worker, subprocess and Dask worker of the
# suite included. The suite writes bytecode (__pycache__ is ignored by git), so the first process
# compiles them and the others load them.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# The suite (and every subprocess it starts) compiles into a fresh private cache directory, never
# the user's ~/.cache/adjit: set before adjit computes its directory, removed at exit.
_TEST_CACHE = tempfile.mkdtemp(prefix="adjit-test-cache-")
os.environ["ADJIT_CACHE_DIR"] = _TEST_CACHE
# a worker compiles more than the default bound's 1000 entries; eviction (tested on its own in
# tests/runtime/test_cache_security.py) must not remove, from a subprocess, a module a test is loading
os.environ["ADJIT_CACHE_MAX_ENTRIES"] = "1000000"
atexit.register(shutil.rmtree, _TEST_CACHE, True)
# LLVM at -O1 rather than Numba's -O3: the suite compiles ~1700 programs and checks values, not
# speed; without fastmath (adjit never sets it) every level keeps IEEE semantics, so the values are
# the same, and the SIMD kernels call libmvec explicitly (runtime/simd.py), not through the loop
# vectorizer. About a fifth of the suite's CPU time. Benchmarks and users keep Numba's default.
os.environ.setdefault("NUMBA_OPT", "1")
# The suite tests the compiled code: no first tier of readable NumPy while Numba compiles
# (compiler/jit/tiering.py; tests/compiler/test_first_tier.py turns it on for itself).
os.environ.setdefault("ADJIT_FIRST_TIER", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


# Most generated modules the suite builds run as plain Python, a sample through Numba (the suite's
# budget: about nine tenths of its CPU time was Numba compiling ~1,700 modules). A module is
# compiled when the hash of its generated code falls in one share of ADJIT_TEST_COMPILE_ONE_IN (by the
# program, not by the test: the same modules are compiled on every run and machine), or when the
# running test asks for compiled code (`@pytest.mark.compiled`, a module in COMPILED_FILES or under
# COMPILED_DIRS: the cache, start-up and example tests, whose subject is the compiled code itself;
# the compiled sample of a `family_tests` family).
# Interpreted modules run the very text Numba would compile, `_jit` bound to the identity; the
# runtime helpers they call stay compiled. ADJIT_TEST_COMPILE_ONE_IN=1 compiles every module.
COMPILE_ONE_IN = int(os.environ.get("ADJIT_TEST_COMPILE_ONE_IN", "12"))
# The hash's residue mod 12 picks the bucket; the compiled buckets are a prefix of this order, so a
# smaller share compiles a subset of what a larger one did (6 compiles half of the modules 3 compiled:
# the suite's budget, CI at 637 s and an idle clean clone at 745 s on 2026-12-03, without compiling
# modules never compiled before; 12 half of those of 6: CI at 758 s, 2026-12-03 evening, about 15 %
# of the CPU of the primitive, special-function, probe and distribution tests).
_BUCKET_ORDER = (0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11)
_COMPILED_BUCKETS = frozenset(_BUCKET_ORDER[:max(1, round(12 / max(COMPILE_ONE_IN, 1)))])


def _shared_switch() -> list:
    """The loader's switch (a one-item list: True compiles every module), one per process: this
    file can be imported twice in one process (pytest imports it as a conftest, and a test's
    `from conftest import ...` can import it again under another name), and both copies must share
    one loader and one switch."""
    from adjit.compiler.jit import modules as _modules

    if not hasattr(_modules, "_adjit_test_switch"):
        _modules._adjit_test_switch = [False]
    return _modules._adjit_test_switch


def _interpret_hook(compile_all: list) -> None:
    """Install the loader once, in the process pytest runs (pytest_configure): a script a test runs
    in a subprocess may import a test module, and with it this file, to reach a function; its
    modules must be compiled as a user's are (the parallel-threads and out-of-bounds tests ran the
    generated code as Python there, where NumPy's indexing raised what the compiled checks should)."""
    import hashlib
    import re
    import sys
    import types

    from adjit.compiler.jit import compiled as _compiled, modules as _modules

    if getattr(_modules._load_module, "compile_all", None) is not None:
        return
    original = _modules._load_module

    def load(path, modname, key, names=()):
        if compile_all[0] or COMPILE_ONE_IN <= 1:
            return original(path, modname, key, names)
        text = path.read_text(encoding="utf-8")
        if f"# key: {key}\n" not in text:
            raise ImportError("stale or damaged cache entry")
        code = "\n".join(line for line in text.splitlines() if not line.startswith(("# Generated by", "# key:")))
        if int(hashlib.sha256(code.encode()).hexdigest(), 16) % 12 in _COMPILED_BUCKETS:  # not the key: it names the file
            return original(path, modname, key, names)
        text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", text, flags=re.M)
        if n != 1:
            return original(path, modname, key, names)
        module = types.ModuleType(modname)
        module.__file__ = str(path)
        sys.modules[modname] = module
        try:
            exec(compile(text, str(path), "exec"), module.__dict__)
            for name in names:
                if not callable(getattr(module, name, None)):
                    raise ImportError(f"damaged cache entry: {name} missing")
        except BaseException:
            sys.modules.pop(modname, None)
            raise
        return module

    load.compile_all = compile_all
    _modules._load_module = load
    _compiled._load_module = load


_COMPILE_ALL = _shared_switch()

# Test modules about the compiled code itself (the cache, start-up, parallel code, the examples'
# and benchmarks' real runs, whose loops would be slow as Python): every module they build is
# compiled, as is every module a test marked `@pytest.mark.compiled` builds.
COMPILED_FILES = frozenset({
    "tests/compiler/test_compile_scale.py",
    "tests/compiler/test_jit_cache.py",
    "tests/compiler/test_llvm_opt.py",
    "tests/compiler/test_startup.py",
    "tests/runtime/test_cache_security.py",
    "tests/runtime/test_concurrent_compile.py",
    "tests/runtime/test_preload.py",
})
COMPILED_DIRS = ("tests/examples/",)


def pytest_configure(config):
    _interpret_hook(_COMPILE_ALL)
    config.addinivalue_line("markers", "compiled: every generated module this test builds is compiled with Numba")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    path = item.nodeid.split("::", 1)[0]
    _COMPILE_ALL[0] = (
        path in COMPILED_FILES or path.startswith(COMPILED_DIRS) or item.get_closest_marker("compiled") is not None
    )


def pytest_runtest_teardown(item, nextitem):
    _COMPILE_ALL[0] = False


# ADJIT_TEST_CPU_LOG=path: each test's CPU seconds (its worker's user + sys, and of the processes it
# started and waited for), a line "nodeid<TAB>seconds" appended per test, independent of the load
# that inflates --durations on a shared machine (docs/testing.md sums them per module).
_CPU_LOG = os.environ.get("ADJIT_TEST_CPU_LOG")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not _CPU_LOG:
        yield
        return
    t0 = os.times()
    yield
    t1 = os.times()
    cpu = sum(b - a for a, b in zip(t0[:4], t1[:4]))
    with open(_CPU_LOG, "a") as log:
        log.write(f"{item.nodeid}\t{cpu:.3f}\n")

from adjit.compiler.jit import CompiledFunction  # noqa: E402
from adjit.runtime.gradcheck import numerical_gradient, relative_error


def fd_check(fun, args, wrt, grads, rtol=1e-6):
    """Every gradient against central differences of the plain-Python function, in float64."""
    for k, g in zip(wrt, grads):
        num = numerical_gradient(fun, args, k, eps=1e-6)
        err = relative_error(g, num)
        assert err < rtol, f"d/d{fun.__code__.co_varnames[k]}: relative error {err:.3e} vs finite differences"


def run_jvp(fun, args, wrt, tangents, compiled: bool = False):
    """(value, directional derivative) from adjit's forward mode (the JVP column). By default the
    lowered module (what Numba would compile, loops and all) runs as plain Python, as the fuzzer's
    `lowered` oracle does: the tangent rules and their lowering are checked without a Numba
    compile per program (the suite's budget); compiled=True runs the compiled entry point."""
    import re

    from adjit.compiler.jit import workspace_args

    c = CompiledFunction(fun, tuple(wrt), mode="jvp")
    if compiled:
        return c._spec_for(tuple(args)).entry(*args, *tangents)
    text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(*args, lowered=True), flags=re.M)
    assert n == 1, "no `_jit = numba.njit(...)` line in the lowered module"
    ns: dict = {"__name__": "adjit_test_lowered_jvp"}
    exec(compile(text, "<lowered jvp>", "exec"), ns)
    f = ns[c.entry_name]
    args = c._bind(tuple(args), {})  # defaults filled, structures flattened, host values (frontend/host.py)
    return f(*args, *tangents, *workspace_args(f))


def run_grad(fun, args, wrt):
    """(value, gradients) from the lowered value_and_grad module run as plain Python, as run_jvp
    does for forward mode: the generated code checked without a Numba compile (the suite's budget;
    the compiled path is checked by the tests that pass compiled=True)."""
    import re

    from adjit.compiler.jit import workspace_args

    c = CompiledFunction(fun, tuple(wrt), mode="value_and_grad")
    text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(*args, lowered=True), flags=re.M)
    assert n == 1, "no `_jit = numba.njit(...)` line in the lowered module"
    ns: dict = {"__name__": "adjit_test_lowered_grad"}
    exec(compile(text, "<lowered grad>", "exec"), ns)
    f = ns[c.entry_name]
    args = c._bind(tuple(args), {})  # defaults filled, structures flattened, host values (frontend/host.py)
    out = f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args], *workspace_args(f))
    return out[0], tuple(out[1:])


def forward_check(fun, args, wrt, grads, seed=5, rtol=1e-9):
    """Forward mode against reverse mode: the JVP along random tangents v equals v . grad, and the
    JVP's value equals the plain-Python function's."""
    rng = np.random.default_rng(seed)
    tangents = [rng.standard_normal(np.shape(args[i])) if np.ndim(args[i]) else float(rng.standard_normal())
                for i in wrt]
    value, tangent = run_jvp(fun, args, wrt, tangents)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    lhs = sum(float(np.sum(np.asarray(g) * t)) for g, t in zip(grads, tangents))
    assert np.isclose(lhs, tangent, rtol=rtol, atol=1e-12)


def import_source(tmp_path, name: str, text: str):
    """Write generated source to a module file and import it (adjit reads a function's file)."""
    import importlib.util
    import sys

    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# The three checks every family of differentiable programs gets (issue 12's test files use them):
# value and gradient against NumPy and central differences, forward mode against reverse, and the
# readable source, executed as plain NumPy, against the compiled gradient.

def as_tuple(grads) -> tuple:
    return grads if isinstance(grads, tuple) else (grads,)


def check_against_fd(fun, args, wrt, compiled: bool = True):
    import adjit

    value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args) if compiled else run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12, atol=1e-12)
    grads = as_tuple(grads)
    for g, i in zip(grads, wrt):
        assert np.shape(g) == np.shape(args[i])
    fd_check(fun, args, wrt, grads)


def check_forward(fun, args, wrt, compiled: bool = True):
    import adjit

    grads = adjit.grad(fun, wrt=wrt)(*args) if compiled else run_grad(fun, args, wrt)[1]
    forward_check(fun, args, wrt, as_tuple(grads))


def check_readable(fun, args, wrt, rtol=1e-10, compiled: bool = True):
    import adjit

    g = adjit.grad(fun, wrt=wrt)
    grads = as_tuple(g(*args)) if compiled else run_grad(fun, args, wrt)[1]
    ns: dict = {}
    exec(compile(g.source(*args), "<readable>", "exec"), ns)
    c = g._compiled  # with what NumPy computes before the compiled code (frontend/host.py)
    readable = ns[fun.__name__ + "_grad"](*(c._bind(tuple(args), {}) if c.host is not None else args))
    assert np.isclose(readable[0], fun(*args), rtol=1e-12, atol=1e-12)
    for a, b in zip(readable[1:], grads):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


# Every family compiles every (every * COMPILE_STRIDE)-th case with Numba, its first case always (the
# suite's budget: the compiled cases were about a third of the suite's CPU time; the others run the
# same generated code lowered as Python; stride 3 -> 6 on 2026-12-03 when CI took 758 s: about a
# quarter of the CPU of the families measured). ADJIT_TEST_COMPILE_STRIDE=1 compiles as each family asks.
COMPILE_STRIDE = int(os.environ.get("ADJIT_TEST_COMPILE_STRIDE", "6"))


def family_tests(cases: list, ids: list, every: int = 6, skip: frozenset = frozenset()):
    """The two tests a family of programs gets, as (gradient test, forward test) for a test module
    to bind to `test_...` names. `cases`: (function, args maker, wrt) or (function, args maker),
    wrt (0,). The gradient against central differences: every `every`-th case (not those named
    in `skip`) through the Numba-compiled entry point, the rest through the lowered module run as
    plain Python (the same generated code; the suite's time budget); forward mode against the
    lowered gradient."""
    rows = [c if len(c) == 3 else (c[0], c[1], (0,)) for c in cases]
    compiled = set(ids[::every * COMPILE_STRIDE]) - set(skip)

    @pytest.mark.parametrize("fun,make,wrt", rows, ids=ids)
    def gradient(fun, make, wrt, request):
        chosen = request.node.callspec.id in compiled
        _COMPILE_ALL[0] = _COMPILE_ALL[0] or chosen  # the family's compiled sample is compiled whatever its hash
        check_against_fd(fun, make(), wrt, compiled=chosen)

    @pytest.mark.parametrize("fun,make,wrt", rows, ids=ids)
    def forward(fun, make, wrt):
        check_forward(fun, make(), wrt, compiled=False)

    return gradient, forward


# The modules that took longest in a cold clean-clone run (--durations, Dec 2, heaviest first) are
# collected first, each kept whole and in its own order; every other module follows in pytest's
# order. With `--dist worksteal` (pyproject.toml) each worker starts on a contiguous half of the
# list and an idle worker steals from the END of the other's queue: with the long modules first,
# the last tests left are short ones, so neither core waits at the end on a 5-20 s test (at the
# end of the default order stood tests/test_transforms.py and tests/test_structures.py, whose
# Hessian tests take 10-20 s each), and stealing never splits a heavy module's module-scoped
# fixture (the examples' training runs) between the workers. Only the order changes: no test is
# added, skipped or shortened. A module not listed here (a new one) runs after these, as before.
SLOW_FIRST = (
    "tests/runtime/test_cache_security.py", "tests/compiler/test_special_functions.py", "tests/test_nesting.py",
    "tests/compiler/test_statistics.py", "tests/runtime/test_nn.py", "tests/test_transforms.py",
    "tests/test_structures.py", "tests/compiler/test_linalg.py", "tests/fuzz/test_fuzz_sample.py",
    "tests/examples/test_train_digits.py", "tests/compiler/test_primitives.py",
    "tests/examples/test_vanishing_gradients_example.py", "tests/compiler/test_regressions.py",
    "tests/compiler/test_gather.py", "tests/test_custom_rules.py", "tests/compiler/test_startup.py",
    "tests/examples/test_distributed_training_example.py", "tests/distributed/test_dask.py",
    "tests/compiler/test_fusion.py", "tests/compiler/test_globals.py", "tests/compiler/test_tape_economy.py",
    "tests/compiler/test_numpy_forms.py", "tests/compiler/test_identity_and_inputs.py",
    "tests/compiler/test_bounds.py", "tests/compiler/test_api.py", "tests/runtime/test_optim.py",
    "tests/examples/test_rnn_example.py", "tests/compiler/test_jit_cache.py",
)


def pytest_collection_modifyitems(session, config, items):
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable
