"""Bit operators on integers (compiler/frontend/bitwise.py): shifts and low-bit masks as NumPy
computes them, every other bitwise operator on integers a located error (it was read as a
logical and: `6 & 1` gave 1)."""
import numpy as np
import pytest

import adjit
from adjit import AdjitError
from tests.conftest import run_grad


def shifts_and_masks(x, k):
    bits = (np.arange(8)[:, None] >> np.arange(3)[::-1]) & 1
    c = (k & 1) + (k >> 1) + (k << 2) + (k >> np.array([0, 1, 2])) + (k & 7) + (5 >> 1) + (3 & 6)
    return np.sum(x * c) + np.sum(bits[:3] * x)


def general_and(x, k):
    return np.sum(x * (k & k))


def test_shifts_and_masks_as_numpy():
    x, k = np.array([1.0, 2.0, 3.0]), np.array([2, 3, -5])
    value, (g,) = run_grad(shifts_and_masks, [x, k], (0,))
    assert np.isclose(value, shifts_and_masks(x, k))
    bits = (np.arange(8)[:, None] >> np.arange(3)[::-1]) & 1
    expected = (k & 1) + (k >> 1) + (k << 2) + (k >> np.array([0, 1, 2])) + (k & 7) + 2 + 2 + bits[:3].sum(axis=0)
    np.testing.assert_array_equal(g, expected)


def test_general_bitwise_and_of_integers_refused():
    with pytest.raises(AdjitError, match="bitwise `&` of integers"):
        adjit.grad(general_and)(np.ones(3), np.array([2, 3, 5]))
