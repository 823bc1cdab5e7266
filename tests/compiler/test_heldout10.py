"""What the tenth held-out corpus found (benchmarks/real_programs/heldout10.py): its constructs as
small programs (corpus_heldout10.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests, run_grad

from corpus_heldout10 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first compiles; the rest run lowered


def _banded_wrong_rows(ab, b):
    from scipy.linalg import solve_banded
    return np.sum(solve_banded((1, 1), ab, b))


def _eigh_by_value(a, b):
    from scipy.linalg import eigh
    return np.sum(eigh(a, b, subset_by_value=(0.0, 1.0))[0])


def test_solve_banded_and_eigh_refusals_are_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_banded_wrong_rows)(np.ones((4, 5)), np.ones(5))
    assert "l+u+1 (3) does not equal ab.shape[0] (4)" in str(e.value) and "test_heldout10.py" in str(e.value)
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_eigh_by_value)(np.eye(3), np.eye(3))
    assert "subset_by_value" in str(e.value) and "test_heldout10.py" in str(e.value)


def _break_before_binding(x):
    for i in range(5):
        if x[0] > 10:
            break
        c = x[0] * i
    return c


def test_a_name_a_genuine_break_may_skip_stays_refused():
    """Only a return may skip the binding (the code after the loop then never runs): after a break
    at the first pass Python raises NameError, so adjit keeps its located error."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_break_before_binding)(np.array([0.7, 1.0]))
    assert "'c' is assigned only inside the loop" in str(e.value) and "test_heldout10.py" in str(e.value)


def _polyfit_two_masks(y, t):
    return np.sum(np.polyfit(t[t > 0.2], y[y > 0.0], 1))


def _polyfit_empty(y, t):
    return np.sum(np.polyfit(t[t > 5.0], y[t > 5.0], 1))


def test_polyfit_of_selections_by_different_masks_is_located_and_empty_raises():
    y, t = np.cos(np.linspace(0.0, 1.0, 9)), np.linspace(0.0, 1.0, 9)
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_polyfit_two_masks)(y, t)
    assert "selected by the same mask" in str(e.value) and "test_heldout10.py" in str(e.value)
    with pytest.raises(TypeError, match="expected non-empty vector for x"):
        run_grad(_polyfit_empty, (y, t), (0,))


def _loop_name_after_break(x):
    for s in (1.0, 2.0, 3.0):
        if x[0] * s > 2.5:
            break
    return x[1] * s


def test_an_unrolled_loop_name_read_after_a_break_stays_refused():
    """After a break the loop's name holds the item it broke at; the unrolled loop would leave the last."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_loop_name_after_break)(np.array([1.0, 2.0]))
    assert "break, return and else inside it are not supported" in str(e.value) and "test_heldout10.py" in str(e.value)


def _row_from_other_column(g):
    W = np.outer(g, g + 1)
    W[1] = W[:, -1]  # NumPy gives [2, 8, 8] for a 3x3 arange here: its copy order shows
    return np.sum(W)


def test_a_row_from_another_column_of_the_same_array_stays_refused():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_row_from_other_column)(np.array([0.3, -0.5, 1.2]))
    assert "walks it along another axis" in str(e.value) and "test_heldout10.py" in str(e.value)
