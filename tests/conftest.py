"""Shared test helpers: finite differences, random inputs, and running forward mode."""
from __future__ import annotations

import numpy as np
import pytest

from adjit.compiler.jit import CompiledFunction
from adjit.runtime.gradcheck import numerical_gradient, relative_error


def fd_check(fun, args, wrt, grads, rtol=1e-6):
    """Every gradient against central differences of the plain-Python function, in float64."""
    for k, g in zip(wrt, grads):
        num = numerical_gradient(fun, args, k, eps=1e-6)
        err = relative_error(g, num)
        assert err < rtol, f"d/d{fun.__code__.co_varnames[k]}: relative error {err:.3e} vs finite differences"


def run_jvp(fun, args, wrt, tangents):
    """(value, directional derivative) from adjit's forward mode (the JVP column)."""
    c = CompiledFunction(fun, tuple(wrt), mode="jvp")
    spec = c._spec_for(tuple(args))
    return spec.entry(*args, *tangents)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
