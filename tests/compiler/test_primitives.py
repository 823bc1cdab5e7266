"""Every row of the primitives table: gradient against central differences (float64, rel < 1e-6),
and the VJP column against the JVP column by the dot-product test."""
import numpy as np
import pytest

import adjit
from adjit.compiler.primitives import DIFFERENTIABLE, PRIMITIVES
from conftest import fd_check, forward_check, run_grad
from primitive_cases import CASES, INTERNAL

ROWS = [(name, k, case) for name, cases in CASES.items() for k, case in enumerate(cases)]
IDS = [f"{name}-{case[0].__name__}" for name, k, case in ROWS]


def test_every_differentiable_primitive_has_a_test_row():
    missing = set(DIFFERENTIABLE) - set(CASES) - INTERNAL
    assert not missing, f"primitives without a finite-difference test row: {sorted(missing)}"
    for name in DIFFERENTIABLE:
        assert PRIMITIVES[name].vjp is not None and PRIMITIVES[name].jvp is not None, name


# the rows whose first case compiles with Numba: every other one, by name (the suite's time budget;
# the rest, and every other case, run the same generated lowered module as Python)
COMPILED = {name for k, name in enumerate(sorted(CASES)) if k % 2 == 0}


@pytest.mark.parametrize("name,k,case", ROWS, ids=IDS)
def test_vjp_matches_finite_differences(name, k, case):
    """A row's first case through the Numba-compiled entry point for every other row (COMPILED), its
    other cases through the lowered module run as Python (the same generated code)."""
    fun, make, wrt = case
    args = make()
    compiled = k == 0 and name in COMPILED
    value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args) if compiled else run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12, atol=1e-12)
    for g, i in zip(grads, wrt):
        assert np.shape(g) == np.shape(args[i])
    fd_check(fun, args, wrt, grads)


@pytest.mark.parametrize("name,k,case", ROWS, ids=IDS)
def test_vjp_agrees_with_jvp(name, k, case):
    """<vjp(1), v> == jvp(v): the two columns of a row cannot drift apart."""
    fun, make, wrt = case
    args = make()
    forward_check(fun, args, wrt, run_grad(fun, args, wrt)[1], seed=99, rtol=1e-10)
