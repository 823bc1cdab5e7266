"""Globals and closures: arrays are read on every call (frontend/captures.py), constants are
compiled in and compiled again when they change (jit/guards.py), dicts are read as dicts."""
import numpy as np
import pytest

import adjit
from conftest import fd_check, run_grad
from tests.compiler import globals_helpers as gh

GRID = np.linspace(0.0, 1.0, 6)
SCALE = 1.5
CFG = {"scale": 2.0, "mode": "sq", "powers": (1, 2)}


def interp_loss(y):
    return np.sum(np.interp(GRID * 0.9 + 0.05, GRID, y) ** 2) * SCALE


def helper_loss(x):
    return np.sum(gh.basis(x) * x[:, None])


def config_loss(x):
    s = 0.0
    for k, v in CFG.items():
        if k == "scale":
            s = s + v * np.sum(x)
    out = np.sum(x ** CFG["powers"][1]) if CFG["mode"] == "sq" else np.sum(x)
    return s + out


def local_dict_loss(x):
    p = {"a": x[0], "b": x[1] * 2.0, "w": x}
    q = {**p, "c": 3.0}
    return q["a"] * q["b"] + np.sum(q["w"] ** 2) * q["c"] + len(q)


def make_closure(w):
    def f(x):
        return np.sum(np.sin(x) * w)
    return f


def fd(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_global_array_follows_rebinding_and_writes():
    global GRID
    g = adjit.grad(interp_loss)
    y = np.linspace(0.2, 1.4, 6)
    assert np.allclose(g(y), fd(interp_loss, y), atol=1e-7)
    saved = GRID
    try:
        GRID = np.linspace(0.0, 2.0, 6)  # rebound: the next call reads the new array
        assert np.allclose(g(y), fd(interp_loss, y), atol=1e-7)
        GRID[1] = 0.1  # written into: read again too
        assert np.allclose(g(y), fd(interp_loss, y), atol=1e-7)
        GRID = np.linspace(0.0, 1.0, 4)  # another shape: another specialization
        assert np.allclose(g(y[:4]), fd(interp_loss, y[:4]), atol=1e-7)
        GRID = [0.0, 1.0]
        with pytest.raises(adjit.AdjitTypeError, match="was a numeric array"):
            g(y)
    finally:
        GRID = saved


def test_helper_module_arrays_and_constants():
    g = adjit.grad(helper_loss)
    x = np.array([0.1, 0.7, 0.4])
    assert np.allclose(g(x), fd(helper_loss, x), atol=1e-7)
    saved = gh.KNOTS, gh.WEIGHT
    try:
        gh.KNOTS = np.array([0.2, 0.3, 0.9])
        gh.WEIGHT = -1.0  # a constant compiled in: the guard compiles again
        assert np.allclose(g(x), fd(helper_loss, x), atol=1e-7)
    finally:
        gh.KNOTS, gh.WEIGHT = saved
    assert np.allclose(g(x), fd(helper_loss, x), atol=1e-7)


def test_global_constants_and_dicts_are_guarded():
    global SCALE
    x = np.array([0.5, 1.5, -0.3])
    g, h = adjit.grad(config_loss), adjit.grad(interp_loss)
    assert np.allclose(g(x), fd(config_loss, x), atol=1e-7)
    try:
        CFG["scale"] = -1.0
        CFG["mode"] = "lin"
        assert np.allclose(g(x), fd(config_loss, x), atol=1e-7)
        y = np.linspace(0.2, 1.4, 6)
        h(y)
        SCALE = 3.0
        assert np.allclose(h(y), fd(interp_loss, y), atol=1e-7)
    finally:
        CFG.update(scale=2.0, mode="sq")
        SCALE = 1.5


RATE = 2.0
ZERO = 0.0
SIGNS = (0.0, 1.0)


class Spring:
    DAMP = 0.5

    def __init__(self, k):
        self.k = k

    @property
    def stiff(self):
        return self.k * RATE

    def energy(self, x):
        return self.stiff * np.sum(x ** 2) * self.DAMP * np.copysign(1.0, ZERO) * np.copysign(1.0, SIGNS[0])


def spring_loss(x):
    return Spring(1.5).energy(x)


def test_guards_follow_classes_and_signed_zeros():
    """What a class's methods and properties read (RATE), its class attributes (DAMP), and 0.0
    turned -0.0 (np.copysign tells them apart) are guarded: the compiled code was stale before."""
    global RATE, ZERO, SIGNS
    from adjit.compiler.jit import guards

    saved = (RATE, ZERO, SIGNS, Spring.DAMP)
    for change in (lambda: globals().update(RATE=3.0), lambda: setattr(Spring, "DAMP", 0.25),
                   lambda: globals().update(ZERO=-0.0), lambda: globals().update(SIGNS=(-0.0, 1.0))):
        snap = guards.snapshot(spring_loss)
        assert guards.holds(snap)
        change()
        try:
            assert not guards.holds(snap)
        finally:
            RATE, ZERO, SIGNS, Spring.DAMP = saved


def test_closure_arrays_and_local_dicts():
    x = np.array([0.3, -0.2, 0.8])
    w = np.array([1.0, 2.0, 3.0])
    f = make_closure(w)
    g = adjit.grad(f)
    assert np.allclose(g(x), np.cos(x) * w)
    w[0] = 5.0  # the closure's array written after compiling: read again
    assert np.allclose(g(x), np.cos(x) * w)
    assert np.allclose(adjit.grad(local_dict_loss)(x), fd(local_dict_loss, x), atol=1e-7)


def test_source_names_the_global():
    src = adjit.grad(interp_loss).source(np.ones(6))
    assert "# GRID: the array GRID of module " in src and "test_globals, read again on every call" in src
    assert "def interp_loss_grad(y, GRID)" in src


def test_imports_and_asserts_inside_the_function():
    g = adjit.grad(gh.asserting)
    x, s = np.array([0.3, -1.2, 0.5]), np.array([1.0, 2.0, 0.5])
    assert np.allclose(g(x, s), fd(lambda v: gh.asserting(v, s), x), atol=1e-7)
    with pytest.raises(AssertionError, match="sigma must be positive"):
        g(x, -s)  # run by Python before every call
    with pytest.raises(AssertionError, match="x must be 1-D"):
        g(np.ones((2, 3)), s)
    assert np.allclose(adjit.grad(gh.asserting_shapes)(np.zeros(3)), 1.0)  # shapes: known when compiled
    with pytest.raises(AssertionError, match="expected 3 shapes"):
        adjit.grad(gh.asserting_shapes)(np.zeros(4))
    with pytest.raises(AssertionError):  # computed: checked when the function runs
        adjit.grad(gh.asserting_computed)(x)
    assert np.allclose(adjit.grad(gh.asserting_computed)(np.abs(x)), 2.0)


def test_asserts_on_computed_values_run_in_the_compiled_code():
    lam, mu = np.array([0.3, 0.5, 0.9]), np.array([1.0, 2.0, 1.0])
    value, grads = run_grad(gh.asserting_in_loop, (lam, mu), (0, 1))
    assert np.isclose(value, gh.asserting_in_loop(lam, mu))
    fd_check(gh.asserting_in_loop, [lam, mu], [0, 1], grads)
    g = adjit.value_and_grad(gh.asserting_in_loop, wrt=(0, 1))
    assert np.allclose(g(lam, mu)[1][0], grads[0])
    with pytest.raises(AssertionError, match="network is unstable"):
        g(np.array([0.3, 2.5, 0.9]), mu)
    with pytest.raises(AssertionError, match="queue {i} too long"):  # a run-time f-string: its template
        g(np.array([0.3, 0.5, 0.99]), mu)
    assert "raise AssertionError('network is unstable')" in g.source(lam, mu)
    assert np.allclose(adjit.jvp(gh.asserting_in_loop, (lam, mu), (np.ones(3), np.zeros(3)))[1], np.sum(grads[0]))


def cubic(x):
    return np.sum(gh.KNOTS * x ** 3) * SCALE


def test_transformations_pass_the_global_arrays():
    x = np.array([0.5, 1.0, 1.5])
    out, pullback = adjit.vjp(cubic, x)  # (the hidden parameter is not an argument to differentiate)
    assert np.allclose(pullback(1.0)[0], 3 * gh.KNOTS * x ** 2 * SCALE)
    assert np.allclose(adjit.hvp(cubic)(x, np.ones(3)), 6 * gh.KNOTS * x * SCALE)


def test_optional_arguments_left_as_none():
    x, p = np.array([0.1, 0.2, 0.3]), np.array([0.2, 0.3, 0.5])
    g = adjit.grad(gh.optional)
    assert np.allclose(g(x), np.exp(x) / 3)
    assert np.allclose(g(x, p), p * np.exp(x))
    assert np.allclose(g(x, None, 2.0), 2 * np.exp(x) / 3)
    assert np.allclose(adjit.grad(gh.optional, wrt=(0, 1))(x, p)[1], np.exp(x))


def test_records_in_globals_and_default_arrays():
    q = np.array([0.3, -0.2, 0.7])
    g = adjit.grad(gh.records)
    assert np.allclose(g(q), fd(gh.records, q), atol=1e-7)
    saved = gh.LIGHTS[0]["power"], gh.TABLE
    try:
        gh.LIGHTS[0]["power"] = 3.0  # a number in a global list of dicts: compiled in, guarded
        gh.LIGHTS[1]["pos"][0] = 1.0  # an array in it, written in place: compared by value
        gh.TABLE = np.ones((2, 3))  # rebinding the name: _fk's default keeps the array it was given
        assert np.allclose(g(q), fd(gh.records, q), atol=1e-7)
        gh._fk.__defaults__[0][0, 0] = 5.0  # the default array written in place: read on every call
        assert np.allclose(g(q), fd(gh.records, q), atol=1e-7)
    finally:
        gh.LIGHTS[0]["power"], gh.TABLE = saved
        gh.LIGHTS[1]["pos"][0] = -3.0
        gh._fk.__defaults__[0][0, 0] = 0.0


def imports_inside(x):
    from tests.compiler.globals_helpers import WEIGHT
    import tests.compiler.globals_helpers as helpers
    return np.sum(x) * WEIGHT + np.sum(x ** 2) * helpers.WEIGHT


def test_modules_imported_inside_the_function_are_guarded_and_keyed():
    """A number read from a module the function imports itself (from mod import S) was neither
    guarded nor in the front key: a changed value returned the stale gradient, in this process
    and from the disk cache in the next."""
    from adjit.compiler.jit import guards
    from adjit.compiler.jit.frontkey import _dependencies

    snap, key = guards.snapshot(imports_inside), _dependencies(imports_inside)
    assert guards.holds(snap) and "WEIGHT" in key
    saved = gh.WEIGHT
    try:
        gh.WEIGHT = 3.0
        assert not guards.holds(snap) and _dependencies(imports_inside) != key
    finally:
        gh.WEIGHT = saved


def test_raise_decided_when_compiled():
    g = adjit.grad(gh.raising)
    assert np.allclose(g(np.ones(2)), 2.0)
    with pytest.raises(ValueError, match="unknown kind 'c'"):
        g(np.ones(2), "c")
    with pytest.raises(ValueError, match="x must be 1-D"):
        g(np.ones((2, 2)))
    g = adjit.grad(gh.raising_at_run_time)  # on a path decided when the function runs: raised there
    assert np.allclose(g(-np.ones(2)), 1.0)
    with pytest.raises(ValueError, match="positive"):
        g(np.ones(2))


def _gain_act(v):
    return np.tanh(v) * RATE


ACTS = {"gain": _gain_act}
STACK = (_gain_act,)


def table_loss(x):
    return np.sum(ACTS["gain"](x)) + np.sum(STACK[0](x))


def test_functions_held_in_a_global_table_are_followed():
    """A helper called through a global dict or tuple (ACTS['gain'](x)): the global it reads (RATE)
    is guarded as a directly named helper's is (a changed RATE returned the stale gradient)."""
    global RATE
    from adjit.compiler.jit import guards

    snap = guards.snapshot(table_loss)
    saved = RATE
    try:
        RATE = -1.0
        assert not guards.holds(snap)
    finally:
        RATE = saved


def test_getattr_and_hasattr_of_names_known_when_compiled():
    x, W = np.array([0.1, 0.2, 0.3]), np.arange(6.0).reshape(2, 3) / 10
    for dist, method in (("norm", "logpdf"), ("logistic", "logcdf")):
        value, grads = run_grad(gh.by_name, (x, W, dist, method), (0, 1))
        assert np.isclose(value, gh.by_name(x, W, dist, method))
        fd_check(lambda a, b: gh.by_name(a, b, dist, method), [x, W], [0, 1], grads)


def test_changed_defaults_of_a_helper_are_seen():
    x = np.array([0.3, -0.2, 0.5])
    vg = adjit.value_and_grad(gh.with_defaults)
    saved = (gh.COEFS[0], gh._scaled.__kwdefaults__["scale"], gh._scaled.__defaults__)
    try:
        for change in (lambda: gh.COEFS.__setitem__(0, 3.0), lambda: gh._scaled.__kwdefaults__.__setitem__("scale", 2.0),
                       lambda: setattr(gh._scaled, "__defaults__", ([1.0, 0.0],))):
            change()
            value, grad = vg(x)
            assert np.isclose(value, gh.with_defaults(x)) and np.allclose(grad, fd(gh.with_defaults, x), atol=1e-7)
    finally:
        gh.COEFS[0], gh._scaled.__kwdefaults__["scale"], gh._scaled.__defaults__ = saved
    value, grad = adjit.value_and_grad(gh.dataclass_defaults)(x)
    assert np.isclose(value, gh.dataclass_defaults(x)) and np.allclose(grad, [2.0, 4.0, 6.0])


def test_closures_sharing_their_code_are_guarded_each():
    """Two closures of one factory share a code object, not their defaults or cells: a change to
    the second one's is seen (it was skipped as already visited: a stale value, silently)."""
    x = np.array([0.3, -0.2, 0.5])
    vg = adjit.value_and_grad(gh.shared_code)
    saved = (gh.H2.__defaults__, gh.C2.__closure__[0].cell_contents)
    try:
        assert np.isclose(vg(x)[0], gh.shared_code(x))
        gh.H2.__defaults__ = (5.0,)
        assert np.isclose(vg(x)[0], gh.shared_code(x))
        gh.C2.__closure__[0].cell_contents = 7.0
        value, grad = vg(x)
        assert np.isclose(value, gh.shared_code(x)) and np.allclose(grad, fd(gh.shared_code, x), atol=1e-6)
    finally:
        gh.H2.__defaults__, gh.C2.__closure__[0].cell_contents = saved


def test_an_assert_false_on_a_path_decided_when_run_raises_only_there():
    v = np.array([0.1, 0.5, 0.9, 0.3])
    value, grads = run_grad(gh.none_above, (v, 0.2), (0,))
    assert value == 1.5 and np.allclose(grads[0], [0.0, 3.0, 0.0, 0.0])
    with pytest.raises(AssertionError, match="no element above t"):
        run_grad(gh.none_above, (v, 2.0), (0,))
