"""runtime/preload.py: a runtime helper compiled for fixed signatures (runtime/bounds.py) is loaded
from Numba's cache by a second process without Numba's target refresh (the refresh imports every
registry of Numba, numba.np.arraymath and SciPy's linalg among them: counted, never timed), and it
behaves as numba.njit(signatures) does."""
import os
import textwrap

import pytest

from procserver import Procs

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One process that imported NumPy, Numba and adjit with a fresh Numba cache directory (read
    when Numba is imported: the runtime helpers compile into it); each script runs in a new process
    forked from it (procserver.py: no interpreter start and imports per script, the suite's
    budget). Only the first test's processes use runtime/bounds.ix: its first one compiles it."""
    with Procs(dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path_factory.mktemp("numba")))) as procs:
        yield procs


SCRIPT = textwrap.dedent('''
    import sys
    import adjit.runtime.bounds as b
    refreshed = "numba.np.arraymath" in sys.modules
    try:
        b.ix(7, 5, 1)
        raised = ""
    except IndexError as e:
        raised = str(e)
    print(refreshed, sum(b.ix.stats.cache_hits.values()), b.ix._can_compile, b.ix(3, 5, 0), b.ix(-2, 5, 0), raised,
          sep="|")
''')


def test_fixed_signatures_load_without_numba_refresh(server):
    runs = []
    for _ in range(2):
        out = server.run(SCRIPT)
        assert out.returncode == 0, out.stderr
        runs.append(out.stdout.strip().splitlines()[-1].split("|"))
    cold, warm = runs
    assert cold[0] == "True" and cold[1] == "0", "the first process compiles (and refreshes)"
    assert warm[0] == "False", "loading the cached helpers ran Numba's target refresh"
    assert warm[1] == "1"
    for r in runs:  # one compiled signature, no more compiled later; NumPy's message, formatted in Python
        assert r[2:] == ["False", "3", "-2", "index 7 is out of bounds for axis 1 with size 5"]


BLAS_SCRIPT = textwrap.dedent('''
    import sys
    import numpy as np
    import numba
    from adjit.runtime import preload
    preload.bind_scipy_blas()
    loaded = [m for m in sys.modules if m.startswith("scipy.linalg")]

    @numba.njit
    def f(a, b):
        return a @ b, np.linalg.inv(a)  # Numba's BLAS and LAPACK, bound through the two tables

    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    p, inv = f(a, a)
    compiled_without_linalg = "scipy.linalg" not in sys.modules
    import scipy.linalg  # later, as a program would: the package as an ordinary import makes it
    import scipy.linalg.cython_blas as cb
    print(sorted(loaded), compiled_without_linalg, np.array_equal(p, a @ a), np.allclose(inv, np.linalg.inv(a)),
          scipy.linalg.cython_blas is sys.modules["scipy.linalg.cython_blas"] is cb,
          scipy.linalg.cython_lapack is sys.modules["scipy.linalg.cython_lapack"],
          np.allclose(scipy.linalg.inv(a), inv), preload._SetLinalgTables not in map(type, sys.meta_path), sep="|")
''')


def test_scipy_blas_tables_bound_without_scipy_linalg(server):
    """preload.bind_scipy_blas: Numba's BLAS and LAPACK work through the two Cython tables loaded
    alone (scipy.linalg's __init__, 0.3-0.4 s of CPU, not run), and a later `import scipy.linalg`
    gives the package with both tables as its attributes, the hook gone."""
    out = server.run(BLAS_SCRIPT)
    assert out.returncode == 0, out.stderr
    fields = out.stdout.strip().splitlines()[-1].split("|")
    assert fields[0] == "['scipy.linalg.cython_blas', 'scipy.linalg.cython_lapack']"
    assert fields[1:] == ["True"] * 7


LAZY_SCRIPT = textwrap.dedent('''
    import sys
    import adjit
    eager = [m for m in ("adjit.compiler.frontend.lower", "adjit.compiler.primitives", "adjit.compiler.builder")
             if m in sys.modules]
    from adjit.compiler import frontend
    import adjit.compiler.frontend.host  # submodules first: the package's names stay what they were
    from adjit.compiler.frontend.lower import Lowerer
    import types
    print(eager, isinstance(frontend.lower, types.FunctionType), frontend.Lowerer is Lowerer,
          frontend.lower.__module__, sep="|")
''')


def test_import_adjit_leaves_the_lowerer_for_the_first_build(server):
    """`import adjit` does not import the lowering (frontend.lower, the forms, the primitives
    table); `frontend.lower` and `frontend.Lowerer` are still the function and the class, also
    after the submodule `frontend/lower.py` was imported under the same name."""
    out = server.run(LAZY_SCRIPT)  # forked from a process that imported only what `import adjit` does
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].split("|") == ["[]", "True", "True", "adjit.compiler.frontend.lower"]


HVP_SCRIPT = textwrap.dedent('''
    import sys
    import numpy as np
    sys.path.insert(0, {here!r})
    import adjit
    from hvp_subject import f
    x, v = np.linspace(-1.0, 1.0, 5), np.linspace(0.5, 1.5, 5)
    hv = adjit.hvp(f)(x, v)
    t = np.tanh(x)
    hvp_ok = bool(np.allclose(hv, 2 * (1 - t ** 2) * (1 - 3 * t ** 2) * v, rtol=1e-10))
    value, dot = adjit.jvp(f, (x,), (v,))
    jvp_ok = bool(np.isclose(dot, np.sum(2 * t * (1 - t ** 2) * v), rtol=1e-12))
    print("numba.np.arraymath" in sys.modules, hvp_ok, jvp_ok, sep="|")
''')


def test_warm_hvp_and_jvp_load_without_numba_refresh(tmp_path, server):
    """A warm process loads an hvp's entry and a jvp's (whose calls also pass the tangents) from
    Numba's cache as it loads a gradient's, without the target refresh (0.15-0.2 s of CPU in each
    such process). One cold and one warm process for both (the suite's budget: this was a pair for
    the hvp alone and a pair for the hvp then the jvp): the hvp's entry loads first, so a refresh
    by either shows."""
    (tmp_path / "hvp_subject.py").write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(np.tanh(x) ** 2)\n")
    env = dict(server.env, ADJIT_CACHE_DIR=str(tmp_path / "adjit"))
    runs = []
    for _ in range(2):
        out = server.run(HVP_SCRIPT.format(here=str(tmp_path)), env=env)
        assert out.returncode == 0, out.stderr
        runs.append(out.stdout.strip().splitlines()[-1].split("|"))
    assert runs[0] == ["True", "True", "True"], "the first process compiles (and refreshes)"
    assert runs[1] == ["False", "True", "True"], "loading the cached hvp and jvp ran Numba's target refresh"
