"""What the eleventh held-out corpus found (benchmarks/real_programs/heldout11.py): its constructs as
small programs (corpus_heldout11.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout11 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first compiles; the rest run lowered


def _accumulate_zero_trips(x, w):
    total = 0.0
    for k in range(0):
        total = total + w[k] * x
    return total * 2.0


def _accumulate_in_while(x, w):
    total = 0.0
    k = 0
    while k < w.shape[0]:
        total = total + w[k] * x
        k += 1
    return np.sum(total)


def test_number_made_array_by_a_loop_that_may_not_run_is_located():
    """Python leaves the number a number when the loop does not run: no single type to carry. A
    range known to be empty when compiled is not lowered at all (heldout12), as Python never runs it."""
    value, grads = adjit.value_and_grad(_accumulate_zero_trips, wrt=(0, 1))(np.ones(3), np.ones(3))
    assert value == 0.0 and not np.any(grads[0]) and not np.any(grads[1])
    for f in (_accumulate_in_while,):
        with pytest.raises(adjit.AdjitError) as e:
            adjit.grad(f)(np.ones(3), np.ones(3))
        assert "'total' changes type between branches or iterations" in str(e.value)
        assert "test_heldout11.py" in str(e.value)


def _divide_at(x, idx):
    a = np.ones(3)
    np.divide.at(a, idx, x)
    return np.sum(a)


def _maximum_at_2d_index(x, idx):
    a = np.zeros(3)
    np.maximum.at(a, idx.reshape(2, 2), x.reshape(2, 2))
    return np.sum(a)


def test_ufunc_at_left_out_is_located():
    for f, words in ((_divide_at, "`np.divide.at` is not supported"), (_maximum_at_2d_index, "1-D int arrays")):
        with pytest.raises(adjit.AdjitError) as e:
            adjit.grad(f)(np.array([0.5, 2.0, 1.5, 0.7]), np.array([0, 2, 2, 1]))
        assert words in str(e.value) and "test_heldout11.py" in str(e.value)


def _list_written_and_appended(x, isi):
    t = list(np.arange(4) * isi[0])
    for k in range(2):
        t[k] = t[k] * 2.0
        t.append(t[-1] + 5.0)
    return np.sum(np.exp(-np.array(t) * x[0]))


def _list_appended_through_alias(x, isi):
    t = list(np.arange(4) * isi[0])
    u = t
    t.append(t[-1] + 5.0)
    return np.sum(np.exp(-np.array(u) * x[0]))


def test_list_of_array_appended_where_it_cannot_be_followed_is_located():
    for f, words in ((_list_written_and_appended, "both writes items of 't'"),
                     (_list_appended_through_alias, "that another name also holds")):
        with pytest.raises(adjit.AdjitError) as e:
            adjit.grad(f)(np.array([0.3]), np.array([0.7, 3.0]))
        assert words in str(e.value) and "test_heldout11.py" in str(e.value)
