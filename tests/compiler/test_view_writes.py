"""Writes through views (compiler/frontend/rowviews.rewrite_view_name, rewrite_loop_views;
morenumpy.chained_view_write): NumPy's values and gradients against central differences, forward
mode against reverse, and the located errors that remain."""
import numpy as np
import pytest

from adjit.compiler.errors import AdjitError
from tests.conftest import check_against_fd, check_forward, run_grad
from tests.compiler import view_writes_corpus as C

A = np.array([[0.7, -0.4, 1.1, 0.3], [-0.9, 0.5, 0.2, -1.3], [0.6, 1.4, -0.8, 0.1]])
ACCEPTED = [C.chained_slices, C.named_row, C.named_block, C.pieces, C.in_branches, C.in_loops, C.view_of_a_view,
            C.alias_of_a_view, C.view_read_after_base_written, C.second_names_written]


@pytest.mark.parametrize("fun", ACCEPTED, ids=lambda f: f.__name__)
def test_writes_through_views_are_numpys(fun):
    check_against_fd(fun, (A.copy(),), (0,), compiled=fun is C.named_row)  # one compiled: the suite's budget
    check_forward(fun, (A.copy(),), (0,), compiled=False)


@pytest.mark.parametrize("fun, args, words", [
    (C.view_read_after_rebind, (A,), "writing into 'r' would also change B"),
])
def test_views_not_followed_are_located_errors(fun, args, words):
    with pytest.raises(AdjitError) as e:
        run_grad(fun, tuple(a.copy() for a in args), (0,))
    assert words in str(e.value) and "view_writes_corpus.py:" in str(e.value)
