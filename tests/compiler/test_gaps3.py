"""The third batch of fuzzer gaps (corpus_gaps3.py): values and gradients from the lowered module run
as plain Python against NumPy and central differences (cheap: no Numba compile), and the located
errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import fd_check, run_grad

import corpus_gaps3 as C

_r = np.random.RandomState(3)
W = _r.randn(5, 3)
X3 = _r.randn(3)

CASES = [
    (C.fold_deferred_list, (W, X3), (0, 1)),
    (C.fold_generator, (W, X3), (0, 1)),
]


@pytest.mark.parametrize("fun,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_value_and_gradient(fun, args, wrt):
    value, grads = run_grad(fun, args, wrt)
    expected = fun(*args)
    assert np.asarray(value).dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    fd_check(fun, args, wrt, grads)


@pytest.mark.parametrize("fun,match", [
    (C.fold_filtered, "max\\(\\) of a filtered or nested comprehension"),
    (C.fold_rows, "max\\(\\) of a 2-d array compares its rows"),
])
def test_located_refusals(fun, match):
    with pytest.raises(adjit.AdjitError, match=match):
        run_grad(fun, (W, X3), (0, 1))
