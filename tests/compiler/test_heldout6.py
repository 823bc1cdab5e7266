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


def _reads_the_previous_inner_index(x, a, b):
    t = 0
    y = 0.0
    for i in range(2):
        y += x[t]  # the index the inner loop left in the previous iteration: still refused
        for t in range(a[i], b[i]):
            y += x[t] ** 2
    return y


def test_inner_loop_index_read_in_the_next_iteration_is_located():
    with pytest.raises(adjit.AdjitTypeError, match="'t' is assigned only inside the loop"):
        adjit.grad(_reads_the_previous_inner_index)(np.ones(4), np.array([0, 1]), np.array([2, 3]))


def _count_axis_indexed(x):
    return x[x > 0][0]


def test_indexing_the_count_axis_of_a_selection_is_located():
    with pytest.raises(adjit.UnsupportedSyntaxError, match="count axis of a boolean-mask selection"):
        adjit.grad(_count_axis_indexed)(np.array([1.0, -2.0, 3.0]))
