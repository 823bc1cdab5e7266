"""What the eighth held-out corpus found (benchmarks/real_programs/heldout8.py): its constructs as
small programs (corpus_heldout8.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout8 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=8)


def _kwargs_entry(x, **opts):
    return np.sum(x)


def _twice(x, scale=1.0):
    return scale * np.sum(x)


def _duplicate_keyword(x):
    return _twice(x, **{"scale": 2.0}, scale=3.0)


def _math_comb_array(x):
    import math
    return np.sum(math.comb(3, np.arange(4)) * x)


@pytest.mark.parametrize("fun,needle", [
    (_kwargs_entry, "**kwargs parameters of the differentiated function"),
    (_duplicate_keyword, "multiple values for keyword argument 'scale'"),
    (_math_comb_array, "math.comb does not"),
])
def test_located_errors(fun, needle):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(np.ones(4))
    assert needle in str(e.value) and "test_heldout8.py" in str(e.value)
