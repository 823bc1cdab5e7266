"""Shared test helpers: finite differences, random inputs, and running forward mode."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# The suite (and every subprocess it starts) compiles into a fresh private cache directory, never
# the user's ~/.cache/adjit: set before adjit computes its directory, removed at exit.
_TEST_CACHE = tempfile.mkdtemp(prefix="adjit-test-cache-")
os.environ["ADJIT_CACHE_DIR"] = _TEST_CACHE
atexit.register(shutil.rmtree, _TEST_CACHE, True)

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from adjit.compiler.jit import CompiledFunction  # noqa: E402
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
