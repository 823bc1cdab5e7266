"""What benchmarks/api_probe3.py (NumPy semantics everyday code relies on) found refused, pinned:
values against NumPy (computed on copies: a case may write into its argument), gradients against
central differences and forward mode, run as the lowered Python module (no Numba compile)."""
import math

import numpy as np
import pytest

from adjit.compiler.errors import AdjitError
from conftest import check_against_fd, check_forward, run_grad

R = np.random.default_rng(11)
W12 = np.arange(12.0).reshape(3, 4) - 4.5


def complex_casts(x, y):
    z = x.astype(complex) * (1 + 2j) + y.astype(np.complex128) * 1j
    w = x[0].astype("complex128")
    return np.sum(np.abs(z) * np.arange(6.0)) + np.sum(z.real ** 2) + np.sum(np.angle(z)) + np.abs(w * 1j + 2.0)


def math_fmod(x, k):
    return math.fmod(x[0] * 3, 0.4) + math.fmod(k, 3) * x[1] + math.fmod(-x[2], 0.3) ** 2 + math.fmod(7, -2) * x[3]


CASES = [
    (complex_casts, lambda: [R.standard_normal(6), R.standard_normal(6)], (0, 1)),
    (math_fmod, lambda: [R.uniform(0.2, 1.3, 4), 7], (0,)),
]


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_numpy_semantics(fun, make, wrt):
    args = make()
    ref = fun(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    value, grads = run_grad(fun, [a.copy() if isinstance(a, np.ndarray) else a for a in args], wrt)
    assert np.isclose(value, ref, rtol=1e-12, atol=1e-12) and np.asarray(value).dtype == np.asarray(ref).dtype
    check_against_fd(fun, args, wrt, compiled=False)
    check_forward(fun, args, wrt, compiled=False)


def math_fmod_of_array(x):
    return math.fmod(x, 0.4)


@pytest.mark.parametrize("fun,args,words", [
    (math_fmod_of_array, [np.ones(3)], "math.fmod of an array"),
], ids=["math_fmod_of_array"])
def test_located_refusals(fun, args, words):
    with pytest.raises(AdjitError, match=words) as e:
        run_grad(fun, args, (0,))
    assert e.value.loc is not None
