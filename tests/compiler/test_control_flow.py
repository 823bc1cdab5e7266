"""Reverse (and forward) mode through branches, loops, in-place writes and helper calls: every
construct against central finite differences, loop versions against vectorized ones, and the
VJP against the JVP by the dot-product test."""
import numpy as np
import pytest

import adjit
import corpus
import corpus_control as C
from conftest import fd_check, forward_check, run_grad
from test_codegen import body, check_golden

R = np.random.default_rng(11)

CASES = [
    (C.branch_on_data, lambda: (R.standard_normal(4), R.standard_normal(4)), (0, 1)),
    (C.branch_on_data, lambda: (-np.abs(R.standard_normal(4)), np.abs(R.standard_normal(4))), (0, 1)),
    (C.elif_chain, lambda: (R.standard_normal(3) + 1.0,), (0,)),
    (C.elif_chain, lambda: (R.standard_normal(3) * 0.1,), (0,)),
    (C.elif_chain, lambda: (R.standard_normal(3) - 2.0,), (0,)),
    (C.early_return, lambda: (R.standard_normal(4), R.standard_normal(4)), (0, 1)),
    (C.euler, lambda: (1.3, 0.2, 1.0, 50), (0, 1, 2)),
    (C.nested_loops, lambda: (R.standard_normal((3, 4)),), (0,)),
    (C.recurrence, lambda: (R.standard_normal(6), 0.7), (0, 1)),
    (C.recurrence_reads_array, lambda: (R.standard_normal(6), 0.7), (0, 1)),
    (C.logsumexp_loop, lambda: (R.standard_normal(7),), (0,)),
    (C.newton_sqrt, lambda: (2.5,), (0,)),
    (C.rnn, lambda: (R.standard_normal((5, 3)) * 0.5, R.standard_normal((5, 5)) * 0.5, R.standard_normal(5),
                     R.standard_normal(5), R.standard_normal((4, 3))), (0, 1, 2, 3, 4)),
    (C.rows_loop, lambda: (R.standard_normal((3, 4)), R.standard_normal(4)), (0, 1)),
    (C.column_writes, lambda: (R.standard_normal(4),), (0,)),
    (C.break_continue, lambda: (R.standard_normal(8),), (0,)),
    (C.while_adaptive, lambda: (1.5, 0.8), (0, 1)),
    (C.calls_helper_in_loop, lambda: (R.standard_normal(3), R.standard_normal(3)), (0, 1)),
    (C.math_loop, lambda: (0.3,), (0,)),
]
IDS = [f"{f.__name__}-{k}" for k, (f, _, _) in enumerate(CASES)]


COMPILED = set(IDS[::3])  # every third case through Numba (the suite's time budget), the rest the lowered module


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_reverse_mode_matches_finite_differences(fun, make, wrt, request):
    args = make()
    value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args) if request.node.callspec.id in COMPILED \
        else run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    fd_check(fun, args, wrt, grads)


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_forward_mode_agrees_with_reverse_mode(fun, make, wrt):
    args = make()
    forward_check(fun, args, wrt, run_grad(fun, args, wrt)[1])


@pytest.mark.parametrize("loop,vectorized", [(C.logsumexp_loop, C.logsumexp_vectorized),
                                             (C.rows_loop, C.rows_vectorized)])
def test_loop_and_vectorized_versions_give_the_same_gradient(loop, vectorized):
    args = (R.standard_normal(9),) if loop is C.logsumexp_loop else (R.standard_normal((4, 5)), R.standard_normal(5))
    a = adjit.grad(loop, wrt=tuple(range(len(args))))(*args)
    b = adjit.grad(vectorized, wrt=tuple(range(len(args))))(*args)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


def test_logsumexp_loop_is_softmax_not_zero():
    """The classic that once gave all-zero gradients in an older tool."""
    a = R.standard_normal(10)
    g = adjit.grad(C.logsumexp_loop)(a)
    np.testing.assert_allclose(g, np.exp(a - a.max()) / np.exp(a - a.max()).sum(), rtol=1e-12)
    assert np.all(g > 0)


def test_writes_never_modify_the_callers_arrays():
    x = R.standard_normal(4)
    before = x.copy()
    g = adjit.grad(corpus.writes_element)(x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0])


def test_branch_taken_is_the_one_differentiated():
    x = np.array([1.0, 2.0])
    w = np.array([0.5, 0.5])
    s = float(np.sum(x * w))  # positive: the tanh branch
    g = adjit.grad(C.branch_on_data)(x, w)
    expected = (1 - np.tanh(s) ** 2) * w * np.sum(x) + np.tanh(s)
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_tape_grows_for_while_loops_without_per_iteration_allocation():
    low = adjit.grad(C.newton_sqrt).source(2.0, lowered=True)
    assert "_tape.grow_scalar(" in low and "_alloc.empty((0,)" in low  # grows by doubling, only when full
    assert adjit.grad(C.newton_sqrt)(2.0) == pytest.approx(0.5 / np.sqrt(2.0), rel=1e-10)


def test_long_loop_gradient_is_exact():
    n = 100_000
    x = R.standard_normal(n) * 0.1
    dx, da = adjit.grad(C.recurrence, wrt=(0, 1))(x, 0.9)
    # check a few entries by finite differences on the compiled forward
    f = adjit.grad(C.recurrence).forward
    for i in (0, n // 2, n - 1):
        e = np.zeros(n)
        e[i] = 1e-6
        num = (f(x + e, 0.9) - f(x - e, 0.9)) / 2e-6
        assert dx[i] == pytest.approx(num, rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("fun,make,wrt", [
    (C.branch_on_data, lambda: (np.ones(3), np.ones(3)), (0, 1)),
    (C.recurrence_reads_array, lambda: (np.ones(5), 0.5), (0, 1)),
    (C.newton_sqrt, lambda: (2.0,), (0,)),
])
def test_golden_control_flow_sources(fun, make, wrt):
    """The adjoint of a branch is a branch, of a loop a loop running backwards with its tape."""
    text = body(adjit.grad(fun, wrt=wrt).source(*make()))
    check_golden(f"{fun.__name__}.py.txt", text)


@pytest.mark.parametrize("checkpoint", ["sqrt", 3])
@pytest.mark.parametrize("fun,make,wrt", [
    (C.euler, lambda: (1.3, 0.2, 1.0, 50), (0, 1, 2)),
    (C.recurrence_reads_array, lambda: (R.standard_normal(11), 0.7), (0, 1)),
    (C.rnn, lambda: (R.standard_normal((5, 3)) * 0.5, R.standard_normal((5, 5)) * 0.5, R.standard_normal(5),
                     R.standard_normal(5), R.standard_normal((7, 3))), (0, 1, 2, 3, 4)),
    (C.nested_loops, lambda: (R.standard_normal((3, 4)),), (0,)),
])
def test_checkpointed_loops_give_the_same_gradient(fun, make, wrt, checkpoint):
    args = make()
    ours = adjit.grad(fun, wrt=wrt, checkpoint=checkpoint)(*args)
    plain = adjit.grad(fun, wrt=wrt)(*args)
    for a, b in zip(ours, plain):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    fd_check(fun, args, wrt, ours)


def test_checkpointed_source_shows_segments_and_replay():
    src = adjit.grad(C.euler, wrt=(0, 1, 2), checkpoint="sqrt").source(1.3, 0.2, 1.0, 50)
    assert "_S = np.int64(np.sqrt(np.float64(_T))) + 1" in src
    assert "for _segment in range(" in src and "replay this segment forward" in src
    with pytest.raises(adjit.ArgumentError, match="checkpoint must be"):
        adjit.grad(C.euler, checkpoint="binomial")
