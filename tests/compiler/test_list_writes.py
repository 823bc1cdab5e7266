"""Item writes into Python lists (compiler/frontend/listwrites.py): exact values and gradients
against NumPy and central differences, forward mode against reverse, and the located errors where
Python's meaning (one list object every name shares, a loop that sees items written ahead of it)
cannot be kept."""
import numpy as np
import pytest

from adjit.compiler.errors import AdjitError
from tests.conftest import check_against_fd, check_forward
from tests.compiler import list_writes_corpus as C

X = np.array([0.7, -0.4, 1.1, 0.3, -0.9])
ACCEPTED = [C.literal_items, C.appended_items, C.rewrite_in_loop, C.normalize_each, C.slices_and_swaps,
            C.layers, C.array_items, C.run_time_item, C.list_of_lists]


@pytest.mark.parametrize("fun", ACCEPTED, ids=lambda f: f.__name__)
def test_list_item_writes_are_exact(fun):
    compiled = fun is C.layers  # one compiled with Numba (the suite's budget); the rest run as Python
    check_against_fd(fun, (X.copy(),), (0,), compiled=compiled)
    check_forward(fun, (X.copy(),), (0,), compiled=False)


@pytest.mark.parametrize("fun, words", [
    (C.under_data_if, "under an `if` decided when"),
    (C.write_ahead, "writes into the list the loop at line"),
    (C.through_alias, "another name holds too"),
    (C.tuple_item, "'tuple' object does not support item assignment"),
    (C.out_of_range, "list assignment index 2 out of range"),
    (C.shared_rows, "holds one row object n times"),
    (C.row_held_by_a_name, "itself a list held elsewhere too"),
    (C.through_helper, "the caller passed in"),
])
def test_list_writes_python_cannot_share_are_located_errors(fun, words):
    from tests.conftest import run_grad

    with pytest.raises(AdjitError) as e:
        run_grad(fun, (X.copy(),), (0,))
    assert words in str(e.value) and "list_writes_corpus.py:" in str(e.value)


def _grown_while(x):
    hs = []
    s, i = 0.0, 0
    while s < 1.5:  # three items for X: a length known only when the function runs
        hs.append(x * (i + 1))
        s += x[i]
        i += 1
    return hs


def _reads_past_the_end(x):
    hs = _grown_while(x)
    return np.sum(hs[7])


def _writes_past_the_end(x):
    hs = _grown_while(x)
    hs[7] = hs[0] * 10
    return sum(np.sum(h) for h in hs)


def _writes_the_last(x):
    hs = _grown_while(x)
    hs[-1] = hs[-1] * 10
    hs[0] = hs[0] + 1
    return sum(np.sum(h) for h in hs)


def test_a_constant_index_into_a_list_of_run_time_length_is_checked():
    """hs[7] of a list grown in a while loop read (and, written, wrote) past the end of its rows in the
    compiled code: 0.0 for Python's IndexError, and memory it did not own (codegen/bounds.py checked
    constants only against the call's shapes). Now IndexError with NumPy's message."""
    import adjit

    x = np.array([0.3, 0.9, 1.4, 0.2, 0.7])
    for f in (_reads_past_the_end, _writes_past_the_end):
        with pytest.raises(IndexError, match="index 7 is out of bounds for axis 0 with size 3"):
            adjit.value_and_grad(f)(x)
    value, grad = adjit.value_and_grad(_writes_the_last)(x)
    assert np.isclose(value, _writes_the_last(x), rtol=1e-13)
    np.testing.assert_allclose(grad, np.full(5, 1 + 2 + 30.0))
