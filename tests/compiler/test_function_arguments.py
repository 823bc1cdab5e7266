"""Functions passed as arguments (`def loss(x, act=np.tanh)`, `grad(loss)(x, relu)`, a lambda, a
functools.partial): static, like a string option. Each function is its own specialization (keyed by
the object, which the memo holds, so no other function reuses its id), inlined where it is called;
the compiled entry points take None in its place; what a def passed in reads from its globals is
guarded as the function's own globals are. Was "argument 'act' is a ufunc; adjit takes NumPy arrays
and numbers" (2026-12-03 evening)."""
import functools

import numpy as np
import pytest

import adjit
from conftest import check_against_fd

SCALE = 2.0


def scaled(z):
    return SCALE * np.tanh(z)


def with_activation(x, act=np.tanh, out=None):
    h = act(x * 1.5)
    return np.sum(h * h if out is None else out(h))


@pytest.mark.compiled
def test_functions_as_arguments():
    global SCALE
    x = np.array([0.3, -0.7, 1.1])
    g = adjit.grad(with_activation)
    np.testing.assert_allclose(g(x), 3.0 * np.tanh(1.5 * x) * (1 - np.tanh(1.5 * x) ** 2), rtol=1e-12)
    np.testing.assert_allclose(g(x, np.sin), 3.0 * np.sin(1.5 * x) * np.cos(1.5 * x), rtol=1e-12)
    np.testing.assert_allclose(g(x, lambda z: z ** 3, np.exp), 10.125 * x ** 2 * np.exp(3.375 * x ** 3),
                               rtol=1e-12)
    np.testing.assert_allclose(g(x, scaled), 3.0 * SCALE ** 2 * np.tanh(1.5 * x) * (1 - np.tanh(1.5 * x) ** 2),
                               rtol=1e-12)
    SCALE = 3.0  # read by the def passed in: the specialization built with 2.0 is not reused
    try:
        np.testing.assert_allclose(g(x, scaled), 27.0 * np.tanh(1.5 * x) * (1 - np.tanh(1.5 * x) ** 2), rtol=1e-12)
    finally:
        SCALE = 2.0
    clip = functools.partial(np.clip, a_min=0.0, a_max=1.0)
    check_against_fd(with_activation, [x, clip], (0,), compiled=False)
    with pytest.raises(adjit.AdjitError, match="is the function") as e:
        adjit.grad(with_activation, wrt=1)(x, np.sin)
    assert e.value.loc is not None
