"""adjit differentiates exactly the function object it is given, with its own closure and globals,
from the source it was compiled from; arguments are read as NumPy reads them; bad arguments and
programs get located errors (issue 10)."""
import importlib.util
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError
from conftest import fd_check  # at import: in a whole run, `conftest` later names tests/examples/conftest.py


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FACTORY = """
import numpy as np

SCALE = {scale}


def make(c):
    def f(x):
        return np.sum(c * x * x) / 2.0
    return f


def g(x):
    return np.sum(SCALE * x)
"""


def test_closures_of_one_factory_keep_their_own_cells(tmp_path):
    path = tmp_path / "factory_a.py"
    path.write_text(FACTORY.format(scale=1.0))
    mod = _load(path, "factory_a")
    x = np.ones(3)
    np.testing.assert_array_equal(adjit.grad(mod.make(2.0))(x), [2, 2, 2])
    np.testing.assert_array_equal(adjit.grad(mod.make(3.0))(x), [3, 3, 3])


def test_same_text_in_two_modules_keeps_each_modules_globals(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.py").write_text(FACTORY.format(scale=2.0))
    (tmp_path / "two" / "same.py").write_text(FACTORY.format(scale=5.0))
    a = _load(tmp_path / "one" / "same.py", "same_one")
    b = _load(tmp_path / "two" / "same.py", "same_two")
    x = np.ones(2)
    np.testing.assert_array_equal(adjit.grad(a.g)(x), [2, 2])
    np.testing.assert_array_equal(adjit.grad(b.g)(x), [5, 5])


@pytest.mark.parametrize("edit", ["body", "lines_above"])
def test_source_edited_after_import_is_a_located_error(tmp_path, edit):
    path = tmp_path / f"edited_{edit}.py"
    path.write_text(FACTORY.format(scale=1.0))
    mod = _load(path, f"edited_{edit}")
    text = FACTORY.format(scale=1.0)
    if edit == "body":
        text = text.replace("np.sum(SCALE * x)", "np.sum(SCALE * x * x)")
    else:
        text = "\n\n\n" + text
    path.write_text(text)
    import linecache
    linecache.checkcache(str(path))
    with pytest.raises(AdjitError) as e:
        adjit.grad(mod.g)(np.ones(2))
    assert "changed after it was imported" in str(e.value) and "reload" in str(e.value)
    if edit == "lines_above":  # every function below the edit moved
        with pytest.raises(AdjitError):
            adjit.grad(mod.make(2.0))(np.ones(2))
    else:  # a function whose own text is unchanged is still the code that runs
        np.testing.assert_array_equal(adjit.grad(mod.make(2.0))(np.ones(2)), [2, 2])


def test_decorated_functions_are_not_looked_through():
    import functools

    def scale(f):
        @functools.wraps(f)
        def wrapper(*args):
            return 2.0 * f(*args)
        return wrapper

    @scale
    def f(x):
        return np.sum(x)

    with pytest.raises(adjit.ArgumentError, match="takes \\*args"):  # the wrapper is what runs, not f: its
        adjit.grad(f)(np.ones(2))  # wrt=0 is the first of *args (JAX's argnums count the call's arguments)
    (g,) = adjit.grad(f, wrt="args")(np.ones(2))  # named: every extra argument, a tuple
    np.testing.assert_array_equal(g, [2.0, 2.0])


def _lin(x, a):
    if a > 0:
        return np.sum(x * a)
    return np.sum(x)


def _peak(x):
    return np.max(x)


def test_non_native_byte_order_is_converted():
    x = (np.arange(3.0) + 1).astype(">f8")
    for _ in range(2):  # the second call once read the bytes as native
        g = adjit.grad(_lin, wrt=(0, 1))(x, 3.0)
        np.testing.assert_array_equal(g[0], [3, 3, 3])
        assert g[1] == 6.0
        assert g[0].dtype.isnative


@pytest.mark.parametrize("arg,cls,words", [
    (np.ma.array(np.ones(3), mask=[0, 1, 0]), ArgumentError, "masked array"),
    (np.matrix(np.ones((2, 2))), ArgumentError, "np.matrix"),
    (np.ones(3, np.float16), AdjitTypeError, "float16"),
])
def test_arrays_numba_would_read_differently_are_refused(arg, cls, words):
    with pytest.raises(cls) as e:
        adjit.grad(_lin)(arg, 2.0)
    assert words in str(e.value) and "test_identity_and_inputs.py:" in str(e.value)


def test_python_int_beyond_int64_is_refused():
    with pytest.raises(AdjitTypeError, match="64-bit"):
        adjit.grad(_lin)(np.ones(3), 2 ** 70)


def test_shape_one_array_where_a_scalar_is_tested_is_located():
    with pytest.raises(AdjitTypeError, match="truth value"):
        adjit.grad(_lin)(np.ones(3), np.array([1.0]))


def test_empty_extremum_raises_numpys_value_error():
    with pytest.raises(ValueError):
        np.max(np.ones(0))
    with pytest.raises(ValueError) as e:
        adjit.grad(_peak)(np.ones(0))
    assert isinstance(e.value, ShapeError) and "zero-size array" in str(e.value)


def test_wrt_of_the_wrong_kind_is_an_argument_error():
    with pytest.raises(ArgumentError, match="wrt must be"):
        adjit.grad(_lin, wrt=0.0)
    with pytest.raises(ArgumentError):
        adjit.grad(_lin, wrt=True)


@pytest.mark.parametrize("name", ["_ws", "_wst", "_la", "_alloc", "_simd", "_tape", "_bounds", "_i0", "_j1", "_tape_x1", "_n_tape_h2"])
def test_generated_names_are_reserved(tmp_path, name):
    path = tmp_path / f"reserved{name}.py"
    path.write_text(f"import numpy as np\n\n\ndef f(x):\n    {name} = x * 2.0\n    return np.sum({name})\n")
    mod = _load(path, f"reserved{name}")
    with pytest.raises(UnsupportedSyntaxError) as e:
        adjit.grad(mod.f)(np.ones(2))
    assert f"'{name}' is reserved" in str(e.value) and "^" in str(e.value)


def test_numba_disable_jit_is_a_located_error(tmp_path):
    script = textwrap.dedent("""
        import numpy as np, adjit
        def f(x):
            return np.sum(x * x)
        try:
            adjit.grad(f)(np.ones(2))
        except adjit.AdjitError as e:
            print("LOCATED", str(e).splitlines()[0])
    """)
    path = tmp_path / "nojit.py"
    path.write_text(script)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert "LOCATED" in out.stdout and "NUMBA_DISABLE_JIT" in out.stdout, out.stderr[-2000:]


@pytest.mark.parametrize("layer", ["workqueue", "default"])
def test_parallel_from_many_threads_is_safe(tmp_path, layer):
    """Under Numba's workqueue layer concurrent parallel regions abort the process: run it apart.
    The function comes from a module of its own: importing it from this file imported the suite's
    conftest, whose loader ran the generated module as Python (the threads then took 22 s of CPU
    in interpreted loops, and the compiled parallel code this test is about was not run)."""
    (tmp_path / "smooth_mod.py").write_text("import numpy as np\n\n\ndef _smooth(x):\n"
                                            "    return np.sum(np.tanh(x) * x)\n")
    script = textwrap.dedent(f"""
        import sys, threading, numpy as np, adjit
        sys.path.insert(0, {str(tmp_path)!r})
        from smooth_mod import _smooth
        g = adjit.grad(_smooth, parallel=True)
        x = np.random.default_rng(0).standard_normal(200_000)
        ref = g(x)
        bad = []
        def work():
            for _ in range(10):
                if not np.array_equal(g(x), ref):
                    bad.append(1)
        ts = [threading.Thread(target=work) for _ in range(8)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        print("BAD", len(bad))
    """)
    path = tmp_path / "threads.py"
    path.write_text(script)
    env = dict(os.environ)
    if layer != "default":
        env["NUMBA_THREADING_LAYER"] = layer
    out = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "BAD 0" in out.stdout


def _underscored(x, w):
    _e = np.tanh(x * 2.0)
    _acc_f = np.sum(_e * w)
    _t0 = 1.0
    _d0 = 2.0
    _k = 0.0
    s_ = 0.0
    h = x * 1.0
    for i in range(3):
        s_ = s_ + np.sum(np.sin(h * s_ + w))
        _k = _k * 0.5 + s_
        h = np.tanh(h * w)
    return _acc_f + s_ * _t0 + _d0 * _k + np.sum(h)


@pytest.mark.parametrize("parallel", [False, True])
def test_names_like_generated_temporaries_that_stay_allowed_are_exact(parallel):
    rng = np.random.default_rng(2)
    x, w = rng.random(4), rng.random(4)
    fd_check(_underscored, (x, w), (0, 1), adjit.grad(_underscored, wrt=(0, 1), parallel=parallel)(x, w))
