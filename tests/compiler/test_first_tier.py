"""The first tier (compiler/jit/tiering.py): while Numba compiles a new gradient in a background
thread, calls run the readable NumPy adjoint. The first call's value and gradient equal NumPy's and
central differences, the caller's arrays stay untouched, the call after the compile runs the
compiled code with the same results to rounding, and what cannot be estimated as cheap (a `while`
loop) waits for Numba as before. One small compile (about 1 s of CPU)."""
import numpy as np
import pytest

import adjit
from adjit.compiler.jit import sharedargs, tiering
from conftest import fd_check


def layer(W, x, b):
    h = np.tanh(W @ x + b)
    W[0, 0] = 0.5  # written in place: a copy, in either tier
    return np.sum(h ** 2) + np.sum(W * W)


def converge(x):
    y = x.copy()
    k = 0
    while np.max(np.abs(y)) > 0.1 and k < 50:
        y = y * 0.5
        k += 1
    return np.sum(y * y)


def _spec(g):
    return next(iter(g._compiled._by_shapes.values()))


@pytest.mark.compiled  # the module through Numba (tests/conftest.py), in the background here
def test_readable_numpy_answers_while_numba_compiles(monkeypatch):
    monkeypatch.setenv("ADJIT_FIRST_TIER", "1")
    rng = np.random.default_rng(3)
    W, x, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    W0 = W.copy()
    g = adjit.value_and_grad(layer, wrt=(0, 1))
    value, grads = g(W, x, b)
    spec = _spec(g)
    done = getattr(spec.entry, "first_tier", None)
    assert done is not None, "a new specialization of a cheap gradient gets the first tier"
    assert np.array_equal(W, W0)
    assert np.isclose(value, layer(W.copy(), x, b), rtol=1e-14)
    fd_check(lambda W, x, b: layer(W.copy(), x, b), [W, x, b], (0, 1), grads)
    assert done.wait(120), "the background compile finishes"
    value2, grads2 = g(W, x, b)  # the compiled entry from now on
    assert not hasattr(spec.entry, "first_tier")
    assert np.isclose(value2, value, rtol=1e-13) and all(np.allclose(a, c, rtol=1e-12) for a, c in zip(grads, grads2))
    assert np.array_equal(W, W0)


def power_iteration(A):
    v = A[0] * 1.0
    k = 0
    while k < 200:  # a product of 400 x 400 per trip: WHILE_TRIPS of them is not cheap
        v = A @ (A @ v) / np.sum(v * v)
        k += 1
    return np.sum(v)


def test_a_while_loop_is_estimated_at_its_assumed_trips():
    """A `while` loop's trip count is unknown: tiering assumes WHILE_TRIPS (RETRIES for one inside
    another); a cheap body is cheap (an ODE solver's steps), a costly one is not."""
    from adjit.compiler.jit.compiled import CompiledFunction

    fn, _ = CompiledFunction(converge, (0,))._lower((np.linspace(0.5, 2.0, 4),))
    assert tiering.cheap(fn)
    fn, _ = CompiledFunction(power_iteration, (0,))._lower((np.ones((2000, 2000)),))
    assert not tiering.cheap(fn)
    fn, _ = CompiledFunction(layer, (0,))._lower((np.ones((3, 4)), np.ones(4), np.ones(3)))
    assert tiering.cheap(fn)


def test_the_first_tier_checks_shared_arguments():
    spec = type("S", (), {"hazards": ((0, 1, "shared", None, None),)})()
    with pytest.raises(sharedargs.SharedArgumentsError):
        a = np.ones(3)
        sharedargs.check(spec.hazards, (a, a[:]))


def test_wait_compiled_is_public_and_returns_when_nothing_compiles():
    assert adjit.wait_compiled(0.0) in (True, False)
    assert adjit.wait_compiled() is True  # nothing left once every background compile has ended
