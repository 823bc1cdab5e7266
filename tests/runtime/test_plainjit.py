"""runtime/plainjit.py: helpers compiled `apart` (allocation, matrix products) are called by symbol
from generated code, not linked into it; anything else still links them; cached generated code
loads in a new process only once every symbol it names is bound, and when one cannot be (the
helper's cache entry gone), the load is a miss and the code compiles again, never a call to an
unbound address."""
import os
import textwrap
import types

import numba
import numpy as np
import pytest

from adjit.runtime import alloc, linalg, plainjit

from procserver import Procs

SOURCE = '''
def f(a, b):
    out = _la.matmul_into(a, b, np.empty(a.shape[0]))
    return out + _alloc.full((out.shape[0],), 1.0, np.float64)  # full: linked
'''


def _module(name: str):
    """A module of that name defining the njit function `f` above (calling two apart helpers)."""
    mod = types.ModuleType(name)
    mod.__dict__.update(np=np, _la=linalg, _alloc=alloc)
    exec(compile(SOURCE, f"<{name}>", "exec"), mod.__dict__)
    return numba.njit(mod.f)


def test_generated_code_calls_apart_helpers_by_symbol():
    a = np.arange(12.0).reshape(3, 4)
    b = np.linspace(0.0, 1.0, 4)
    generated, other = _module("adjit_generated_plainjit_test"), _module("plainjit_test_user_module")
    for fn in (generated, other):
        np.testing.assert_array_equal(fn(a, b), a @ b + 1.0)
    ir = generated.inspect_llvm(generated.signatures[0])
    name = plainjit.symbol_name(linalg.matmul_into, (numba.typeof(a), numba.typeof(b), numba.typeof(b[:3])))
    assert f'@"{name}"(' in ir
    assert "adjit7runtime6linalg11matmul_into" not in ir, "the matrix product's code was linked into generated code"
    assert "adjit$adjit.runtime.alloc$full$" not in ir and "adjit7runtime5alloc4full" in ir
    linked = other.inspect_llvm(other.signatures[0])
    assert "adjit$" not in linked and "adjit7runtime6linalg11matmul_into" in linked


def _checked(i, n):
    if i >= n:
        raise IndexError("index out of range")
    return i


CHECK = '''
def f(i):
    return _checked(i, 7) + 1
'''


def test_an_error_raised_by_symbol_reaches_the_caller():
    checked = plainjit.ApartDispatcher(_checked, targetoptions={"nopython": True})  # apart, not cached
    mod = types.ModuleType("adjit_generated_plainjit_check")
    mod.__dict__.update(_checked=checked)
    exec(compile(CHECK, "<check>", "exec"), mod.__dict__)
    f = numba.njit(mod.f)
    assert f(3) == 4
    with pytest.raises(IndexError, match="index out of range"):
        f(7)
    assert "plainjit$_checked$" in f.inspect_llvm(f.signatures[0])


def test_names_that_cannot_be_bound_refuse_the_load():
    a = np.ones((2, 3))
    linalg.matmul_into(a, a.T, np.empty((2, 2)))  # compiled (or loaded) here: its name is bound
    good = plainjit.symbol_name(linalg.matmul_into, linalg.matmul_into.signatures[0])
    assert plainjit.bind_names(("lib", "object", (b"\0" + good.encode() + b"\0", b""))) is True
    for bad in ("adjit$os$system$v", "adjit$adjit.runtime.linalg$LONG_K$v", "adjit$adjit.runtime.linalg$matmul_into$nosuchsig",
                "adjit$adjit.runtime.alloc$full$v", "adjit$adjit.runtime.bounds$ix$xx"):  # not apart
        assert plainjit.bind_names(("lib", "object", (b"\0" + bad.encode() + b"\0", b""))) is False, bad
    assert plainjit.bind_names(("lib", "bitcode", good.encode())) is False
    assert plainjit.bind_names(("lib", "object", (b"no names here", b""))) is True


PROGRAM = '''
import numpy as np


def f(W, x):
    return np.sum(np.tanh(W @ x) ** 2)
'''

SCRIPT = textwrap.dedent('''
    import sys
    sys.path.insert(0, sys.argv[1])
    import numpy as np
    import adjit
    from adjit.compiler import jit
    import prog
    W = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    x = np.linspace(0.5, 2.0, 8).reshape(4, 2)
    g = adjit.grad(prog.f, wrt=(0, 1))(W, x)
    print(repr([v.tolist() for v in g]), jit.STATS["numba_preloads"], sep="|")
''')


@pytest.mark.compiled
def test_cached_code_loads_only_with_its_helpers(tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM)
    numba_cache = tmp_path / "numba"
    env = dict(os.environ, ADJIT_CACHE_DIR=str(tmp_path / "adjit"), NUMBA_CACHE_DIR=str(numba_cache))
    with Procs(env) as server:  # each run a new process, forked from one that imported adjit (procserver.py)
        def run():
            out = server.run(SCRIPT, str(tmp_path), timeout=600)
            assert out.returncode == 0, out.stderr[-3000:]
            return out.stdout.strip().splitlines()[-1].split("|")

        cold, warm = run(), run()
        assert warm == [cold[0], "1"], "a second process did not load the cached gradient"
        W = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
        x = np.linspace(0.5, 2.0, 8).reshape(4, 2)
        t = np.tanh(W @ x)
        d = 2.0 * t * (1.0 - t ** 2)
        gW, gx = eval(cold[0])
        np.testing.assert_allclose(gW, d @ x.T, rtol=1e-13)
        np.testing.assert_allclose(gx, W.T @ d, rtol=1e-13)
        # the gradient calls alloc.take and linalg.matmul_into by symbol: their cache entries gone
        gone = [p for pat in ("alloc.take-*.nbi", "linalg.matmul_into-*.nbi") for p in numba_cache.rglob(pat)]
        assert gone, sorted(str(p) for p in numba_cache.rglob("*.nbi"))
        for p in gone:
            p.unlink()
        again = run()
        assert again == [cold[0], "0"], "the gradient loaded without its helpers' code"
