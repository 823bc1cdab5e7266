"""What the eighth held-out corpus found (benchmarks/real_programs/heldout8.py): its constructs as
small programs (corpus_heldout8.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests, run_grad

from corpus_heldout8 import CASES, IDS, MOLECULES

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first (exp1/expi kernels) compiles; the rest run lowered


def _twice(x, scale=1.0):
    return scale * np.sum(x)


def _duplicate_keyword(x):
    return _twice(x, **{"scale": 2.0}, scale=3.0)


def _math_comb_array(x):
    import math
    return np.sum(math.comb(3, np.arange(4)) * x)


def _write_global_object(x):
    MOLECULES[0].n_atoms = 3
    return np.sum(x)


def _runtime_dict_key(x):
    d = {0: 1.0, 1: 2.0}
    k = int(np.argmax(x))
    return x[0] * d.get(k, 0.0)


def _next_of_runtime(x):
    return next(iter(x))


def _gradient_order_3(x):
    return np.sum(np.gradient(x, edge_order=3))


def _gradient_short_coordinates(x):
    return np.sum(np.gradient(x, x[:-1]))


def _dict_rebound_in_while(p):
    s = {"a": p[0]}
    t = 0.0
    while t < 5.0:
        t = t + s["a"]
        s = {"a": s["a"] * 2 + 1.0}
    return t


class _Big:
    def __init__(self):
        self.scale = 1.5
        self.table = np.linspace(0.0, 1.0, 5000)


BIG = _Big()


def _big_global_attribute(x):
    return np.sum(x * BIG.table[:4]) * BIG.scale


def test_global_object_with_a_large_array_reads_its_numbers():
    value, (g,) = run_grad(lambda_free_scale, (np.ones(4),), (0,))
    assert np.isclose(value, 6.0) and np.allclose(g, 1.5)


def lambda_free_scale(x):
    return np.sum(x) * BIG.scale


@pytest.mark.parametrize("fun,needle", [
    (_big_global_attribute, "BIG.table is a value adjit cannot embed"),
    (_dict_rebound_in_while, "'s' is a dict, a record or an object that each iteration of this `while` loop"),
    (_gradient_order_3, "'edge_order' greater than 2"),
    (_gradient_short_coordinates, "a spacing must match the length of its axis"),
    (_write_global_object, "made outside the function (a global or closure value), read-only"),
    (_runtime_dict_key, "the key of dict.get must be a constant"),
    (_next_of_runtime, "iter() of a sequence whose items are known only when the function runs"),
    (_duplicate_keyword, "multiple values for keyword argument 'scale'"),
    (_math_comb_array, "math.comb does not"),
])
def test_located_errors(fun, needle):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(np.full(4, 0.5))
    assert needle in str(e.value) and "test_heldout8.py" in str(e.value)
