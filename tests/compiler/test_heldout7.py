"""What the seventh held-out corpus found (benchmarks/real_programs/heldout7.py): its constructs as
small programs (corpus_heldout7.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout7 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=6)


def _two_masks(x):
    return np.sum(x[x[:, 0] > 0, x[0] > 0])


def _array_into_columns(x, u):
    y = x.copy()
    y[:, x[0] > 0] = u
    return np.sum(y)


def test_two_masks_in_one_index_are_located():
    with pytest.raises(adjit.UnsupportedSyntaxError, match="several boolean masks in one index"):
        adjit.grad(_two_masks)(np.ones((2, 2)))


def test_array_written_along_a_later_masked_axis_is_located():
    with pytest.raises(adjit.UnsupportedSyntaxError, match="selects along axis 1"):
        adjit.grad(_array_into_columns)(np.ones((2, 2)), np.ones((2, 2)))
