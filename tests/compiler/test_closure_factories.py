"""Closures made by a helper (`act = make_act(0.1)`, `layer = make_layer(W, b)`): the helper's
`return act` hands its nested def (or lambda) back to the caller, which inlines it where it is
called, reading the helper's names as Python's closure does. Was the located error 'a function
defined in the function is used as a value here' (2026-12-03 evening). Run as Python."""
import numpy as np
import pytest

import adjit
from conftest import check_against_fd


def make_act(alpha):
    def act(z):
        return np.where(z > 0, z, alpha * z)
    return act


def make_layer(W, b):
    def layer(h):
        return np.tanh(W @ h + b)
    return layer


def compose(f, g):
    return lambda z: f(g(z))


def make_scaled(W):
    scale = np.sum(W ** 2)  # computed once in the helper, read by the closure
    return lambda h: scale * h


def layers_as_closures(W, b, x):
    layers = [make_layer(W[i], b[i]) for i in range(2)]  # over the differentiated parameters
    h = x
    for L in layers:
        h = make_act(0.1)(L(h))
    return np.sum(h ** 2)


def composed_and_scaled(W, b, x):
    h = compose(np.tanh, make_act(0.2))(W[0] @ x)
    acts = {"a": make_act(0.3), "scaled": make_scaled(W[1])}
    return np.sum(h * b[0]) + np.sum(acts["scaled"](x) * acts["a"](b[1]))


def returns_a_closure(x):
    return make_act(0.1)


def test_closures_made_by_helpers():
    rng = np.random.default_rng(3)
    W, b, x = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3)), rng.standard_normal(3)
    check_against_fd(layers_as_closures, [W, b, x], (0, 1), compiled=False)
    check_against_fd(composed_and_scaled, [W, b, x], (0, 1, 2), compiled=False)


def test_a_function_returning_a_closure_is_located():
    with pytest.raises(adjit.AdjitError, match="the function returns a function") as e:
        adjit.grad(returns_a_closure)(np.ones(3))
    assert e.value.loc is not None and "adjit.grad(make_act(0.1))" in str(e.value)


def nested_defs_with_keywords(x):
    def shifted(z, *a, **kw):  # was "**kwargs parameters are not supported" in a nested def
        for k, v in kw.items():
            z = z + v
        return z * a[0] * kw.get("scale", 1.0)
    opts = {"scale": x[1]}
    return np.sum(shifted(x, 2.0, b=x ** 2, **opts)) + np.sum((lambda z, **kw: z * kw["s"])(x, s=3.0))


def test_nested_defs_take_keyword_dicts():
    check_against_fd(nested_defs_with_keywords, [np.array([0.3, -0.7, 1.1])], (0,), compiled=False)


def local_subclass_names_its_base(x, W):
    class Layer:
        K = 0.7

        def __init__(self, w, s):
            self.w, self.s = w, s * 2.0

        def apply(self, v):
            return np.tanh(self.w @ v) * self.s * self.K

        def __call__(self, v):
            return np.sum(self.apply(v)) + self.s ** 2

    class Scaled(Layer):
        def apply(self, v):  # names the local base class: a cell in Python (was "name 'Layer' is not defined")
            return Layer.apply(self, v) * 0.5 + self.K

    return Scaled(W, np.tanh(x[1]))(x) + Layer(W, 0.3)(x * 0.5)


def test_a_local_class_method_reads_an_earlier_local_class():
    rng = np.random.default_rng(2)
    check_against_fd(local_subclass_names_its_base, [rng.standard_normal(3), rng.standard_normal((3, 3))], (0, 1),
                     compiled=False)
