"""The front key (compiler/jit/frontkey.py) of a function calling a custom_vjp or custom_jvp
function (issue 13): it had none (the custom function object had no description), so a new
process lowered the caller again to find its cache entry. The key describes the custom function
as the frontend inlines it: its function and rules."""
import numpy as np

import adjit
from adjit.compiler.jit import CompiledFunction
from adjit.compiler.jit.frontkey import _dependencies
from adjit.compiler.jit.modules import STATS


@adjit.custom_vjp
def scaled(x):
    return 2.0 * x


def scaled_fwd(x):
    return scaled(x), None


def scaled_bwd(res, g):
    return (2.0 * g,)


scaled.defvjp(scaled_fwd, scaled_bwd)


@adjit.custom_vjp
def scaled_other(x):
    return 2.0 * x


def other_bwd(res, g):
    return (3.0 * g,)  # another rule: another key


scaled_other.defvjp(scaled_fwd, other_bwd)


@adjit.custom_jvp
def softplus(x):
    return np.log(1 + np.exp(x))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1 + np.exp(-x))


def loss(x):
    return np.sum(np.sin(scaled(x))) + np.sum(softplus(x * 0.5))


def loss_other(x):
    return np.sum(np.sin(scaled_other(x))) + np.sum(softplus(x * 0.5))


def test_a_caller_of_custom_functions_has_a_front_key(tmp_path, monkeypatch):
    deps = _dependencies(loss)
    assert deps is not None and "custom_vjp" in deps and "custom_jvp" in deps
    assert "return (2.0 * g,)" in deps and "t / (1 + np.exp(-x))" in deps  # the rules' source
    other = _dependencies(loss_other)
    assert other is not None and "return (3.0 * g,)" in other
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    x = np.array([0.3, -0.7, 1.1])
    CompiledFunction(loss, 0, "value_and_grad").specialize(x)
    before = STATS["front_hits"]
    spec = CompiledFunction(loss, 0, "value_and_grad").specialize(x)  # a new process's lookup
    assert STATS["front_hits"] == before + 1
    value, g = spec.forward(x), adjit.grad(loss)(x)
    assert np.isclose(value, loss(x))
    exact = 2.0 * np.cos(2.0 * x) + 0.5 / (1 + np.exp(-0.5 * x))
    assert np.allclose(g, exact, rtol=1e-12, atol=1e-14)
    assert np.allclose(adjit.grad(loss_other)(x), 3.0 * np.cos(2.0 * x) + 0.5 / (1 + np.exp(-0.5 * x)),
                       rtol=1e-12)  # the other rule, not the first one's cache entry


def energy(x, A):
    return np.sum(np.tanh(A @ x) ** 2) + 0.1 * np.sum(x ** 4)


def test_hvp_short_call_path_keeps_every_check():
    """hvp(f) remembers the specialization of a call of plain arrays (transforms._fast_key): later
    calls of that signature go straight to it, others (another layout, dtype or shape, a wrong v)
    take the full path, with its conversions and errors."""
    import pytest

    from adjit.compiler.errors import ArgumentError

    rng = np.random.default_rng(0)
    x, A, v = rng.standard_normal(4), rng.standard_normal((3, 4)), rng.standard_normal(4)
    fast, full = adjit.hvp(energy), adjit.hvp(energy)
    full.fast = False
    first = fast(x, A, v)
    assert fast._fast and not full._fast
    assert np.array_equal(fast(x, A, v), first) and np.array_equal(full(x, A, v), first)
    eps = 1e-6
    g = adjit.grad(energy)
    assert np.allclose(first, (g(x + eps * v, A) - g(x - eps * v, A)) / (2 * eps), rtol=1e-6, atol=1e-8)
    AF = np.asfortranarray(A)  # another layout: its own specialization, the same numbers
    assert np.allclose(fast(x, AF, v), first, rtol=1e-14)
    assert np.allclose(fast(x, A, v[::-1].copy()[::-1]), first, rtol=1e-14)  # a strided v: converted
    with pytest.raises(ArgumentError):
        fast(x, A, np.ones(3))  # v of another shape: refused as before
    assert np.allclose(fast(x, A, v * 2.0), 2.0 * first, rtol=1e-13)


def cubes(x):
    return np.sum(x ** 3)


d_cubes = adjit.grad(cubes)
d_cubes_value = adjit.value_and_grad(cubes)


def uses_d_cubes(x):
    return np.sum(d_cubes(x) * x)


def uses_d_cubes_value(x):
    v, d = d_cubes_value(x)
    return v + np.sum(d * x)


def test_a_caller_of_a_gradient_has_a_front_key(tmp_path, monkeypatch):
    """A function calling an adjit.grad object (gradient penalties, the helpers of higher.py) had no
    front key either: the key describes the grad object by its function and options."""
    deps = _dependencies(uses_d_cubes)
    assert deps is not None and "adjit.grad wrt=0 value=False" in deps and "return np.sum(x ** 3)" in deps
    other = _dependencies(uses_d_cubes_value)
    assert other is not None and "value=True" in other
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    x = np.array([0.3, -0.7, 1.1])
    CompiledFunction(uses_d_cubes, 0, "value_and_grad").specialize(x)
    before = STATS["front_hits"]
    CompiledFunction(uses_d_cubes, 0, "value_and_grad").specialize(x)
    assert STATS["front_hits"] == before + 1
    assert np.allclose(adjit.grad(uses_d_cubes)(x), 9 * x ** 2, rtol=1e-14)  # sum(3 x^3): 9 x^2
    assert np.allclose(adjit.grad(uses_d_cubes_value)(x), 12 * x ** 2, rtol=1e-14)  # 4 x^3 summed
