"""What the twelfth held-out corpus found (benchmarks/real_programs/heldout12.py): its constructs as
small programs (corpus_heldout12.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout12 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first compiles; the rest run lowered


def _max_where_without_initial(x):
    return np.max(x, where=x > 0)


def test_max_where_without_initial_is_located():
    """NumPy raises ValueError: the maximum has no identity for the unselected places."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_max_where_without_initial)(np.array([0.5, -0.2]))
    assert "needs initial=" in str(e.value) and "test_heldout12.py" in str(e.value)


def test_reductions_where_values_match_numpy():
    x = np.array([[0.5, -0.3, np.nan], [0.1, 0.7, -0.2]])

    def f(x):
        m = x > 0
        return (np.max(x, axis=0, where=m, initial=-2.0), np.nanmean(x, axis=1, where=x > -0.25),
                np.var(x, axis=1, where=x < 0.6, ddof=1), np.prod(x, axis=0, where=m), np.sum(x, where=m))

    got = adjit.jvp(f, (x,), (np.ones_like(x),))[0]
    with np.errstate(all="ignore"):
        want = f(x)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, equal_nan=True)


def test_logsumexp_return_sign_values_match_scipy():
    from scipy.special import logsumexp

    def f(x, w):
        return (logsumexp(x, b=w, return_sign=True), logsumexp(x, b=w - w, return_sign=True),
                logsumexp(x - np.inf, return_sign=True), logsumexp(np.stack([x, -x]), axis=1, b=w, return_sign=True))

    x, w = np.array([0.3, -0.5, 0.9]), np.array([1.0, -2.5, 0.4])
    got = adjit.jvp(f, (x, w), (np.ones(3), np.ones(3)))[0]
    for g, want in zip(got, f(x, w)):
        for a, b in zip(g, want):
            np.testing.assert_allclose(a, b, rtol=1e-12)


def _assigned_after_a_break(x, n):
    k = 0
    while k < n:
        if x[0] > 10:
            break
        y = x * k
        k += 1
    return np.sum(y)


def test_while_names_after_a_possible_jump_or_loop_not_entered_are_located():
    """Python raises NameError when the first iteration breaks before the assignment, or n is 0."""
    for n in (3, 0):
        with pytest.raises(adjit.AdjitError) as e:
            adjit.grad(_assigned_after_a_break)(np.ones(3), n)
        assert "'y' is assigned only inside the loop" in str(e.value) and "test_heldout12.py" in str(e.value)


def test_list_sort_statement_sorts():
    """`vals.sort(reverse=True)` of a list literal was silently ignored (the list kept its order)."""
    from corpus_heldout12 import list_sort_in_place

    x = np.array([0.5, 0.3, 0.9])
    assert adjit.value_and_grad(list_sort_in_place)(x)[0] == pytest.approx(list_sort_in_place(x), rel=1e-14)


def _aliased_sort(x):
    vals = list(x)
    other = vals
    vals.sort()
    return other[0]


def test_sort_of_a_list_another_name_holds_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_aliased_sort)(np.array([0.5, 0.3, 0.9]))
    assert "another name" in str(e.value) and "test_heldout12.py" in str(e.value)
