"""Everyday Python in a differentiated function: cached helpers, f-strings, np.isclose/allclose,
a generator seeded inside the function. Each against NumPy's value and central differences."""
import numpy as np
import pytest

import everyday_python_corpus as C
from conftest import fd_check, run_grad

X = np.array([0.3, -0.2, 0.5])
Y = np.array([0.31, 0.4, 0.1])
CASES = [(C.cached_helpers, (X,), (0,)), (C.fstrings, (X,), (0,)), (C.closeness, (X, Y), (0, 1)),
         (C.seeded_draws, (X, Y), (0, 1)), (C.draws_inside_expressions, (X, Y), (0, 1)),
         (C.species_chain, (X,), (0,))]


@pytest.mark.parametrize("fun,args,wrt", CASES, ids=[f"{c[0].__name__}-{k}" for k, c in enumerate(CASES)])
def test_value_and_gradient(fun, args, wrt):
    value, grads = run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    fd_check(fun, list(args), wrt, grads)


def test_allclose_decides_a_branch():
    value, grads = run_grad(C.closeness, (X * 0, Y), (0, 1))
    assert value == 0.0 and not np.any(grads[0]) and not np.any(grads[1])  # the constant branch


def test_isclose_to_an_infinity():
    x = np.array([1.0, 2.0, 3.0])
    value, grads = run_grad(C.close_to_infinity, (x,), (0,))
    assert np.isclose(value, C.close_to_infinity(x)) and value == 15.0  # 14 + 1: only x[0] is close
    np.testing.assert_allclose(grads[0], [2.0, 4.0, 6.0])


def test_forward_mode_of_a_tuple():
    import adjit

    out, tangent = adjit.jvp(C.two_outputs, (np.array([1.0, 2.0]),), (np.array([1.0, -1.0]),))
    np.testing.assert_allclose(tangent[0], [2.0, -2.0])
    np.testing.assert_allclose(tangent[1], [1.0, -1.0])
    assert not np.any(tangent[2]) and out[2].dtype == C.COUNTS.dtype


@pytest.mark.parametrize("fun,args", [
    (C.turns, (np.arange(1.0, 7.0).reshape(2, 3) / 7,)),
    (C.nan_aware, (np.array([0.3, 0.9, 0.1, 0.6, 0.5]), np.array([0.2, 0.4, 0.1, 0.9, 0.3]))),
    (C.reductions_where, (np.array([0.35, 0.9, 0.1, 0.6, 0.5]),)),
    (C.zips_and_stars, (np.array([0.3, 0.9, 0.1, 0.6]),)),
], ids=["rot90-flips", "nanarg-corrcoef-vdot", "sum-mean-where", "zip-star"])
def test_everyday_numpy(fun, args):
    wrt = tuple(range(len(args)))
    with np.errstate(all="ignore"):
        value, grads = run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    fd_check(fun, list(args), wrt, grads)
