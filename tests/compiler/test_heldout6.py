"""What the sixth held-out corpus found (benchmarks/real_programs/heldout6.py): its constructs as
small programs (corpus_heldout6.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout6 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=8)


def _cumtrapz_initial_one(y):
    from scipy.integrate import cumulative_trapezoid

    return np.sum(cumulative_trapezoid(y, initial=1.0))


def test_cumulative_trapezoid_initial_must_be_zero():
    with pytest.raises(adjit.AdjitTypeError, match="`initial` must be `None` or `0`"):
        adjit.grad(_cumtrapz_initial_one)(np.ones(4))


def _selection_returned(x):
    return x[x > 0]


def test_selection_as_the_result_is_located():
    with pytest.raises(adjit.AdjitTypeError, match="boolean-mask selection"):
        adjit.grad(_selection_returned)(np.array([1.0, -2.0]))
