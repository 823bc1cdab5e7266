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
            C.layers, C.array_items, C.run_time_item]


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
    (C.list_of_lists, "itself a list or a number"),
    (C.through_helper, "the caller passed in"),
])
def test_list_writes_python_cannot_share_are_located_errors(fun, words):
    from tests.conftest import run_grad

    with pytest.raises(AdjitError) as e:
        run_grad(fun, (X.copy(),), (0,))
    assert words in str(e.value) and "list_writes_corpus.py:" in str(e.value)
