"""passes/hoist.py: a row of an accumulator updated by a rank-1 product per index of an inner
loop inside an outer loop (`acc[l] += np.outer(a, b)` in `for l` in `for t`, as the reverse sweep
of stacked layers writes it) is collected per index and added as one matrix product per row
after the loops; an accumulator read inside the loops, an inner range that changes from one outer
iteration to the next, or a row that is not the inner loop's index keeps the update in place.
Values against NumPy, gradients against central differences (lowered modules run as Python)."""
import re

import numpy as np
import pytest

import adjit
from adjit.compiler.passes import hoist
from conftest import fd_check, run_grad

R = np.random.default_rng(3)


@pytest.fixture
def small_rows(monkeypatch):
    """Collect rows of any size (the benchmark's threshold keeps these small rows in place)."""
    monkeypatch.setattr(hoist, "ROW_BYTES_UPDATED_IN_PLACE", 0)


def _collected(source: str) -> int:
    """How many vectors the generated code writes into a row buffer at [inner trip, outer trip]."""
    return len(re.findall(r"_rows\w* *\[_j\w*, _row\w*, _j0\] = ", source))


def stacked_layers(W, X):
    L = W.shape[0]
    s = 0.0
    for t in range(X.shape[0]):
        v = X[t]
        for l in range(L):
            v = np.tanh(W[l] @ v)
        s = s + np.sum(v * v)
    return s


def two_stacks(W, U, X):
    v = X[0]
    s = 0.0
    for t in range(X.shape[0]):
        u = X[t]
        for l in range(W.shape[0]):
            v = np.tanh(W[l] @ v + U[l] @ u)
        s = s + np.sum(v * v)
    return s


def outer_sums(W, X):
    A = np.zeros(W.shape)
    for t in range(X.shape[0]):
        for l in range(W.shape[0]):
            A[l] += np.outer(np.tanh(W[l] @ X[t]), X[t])
    return np.sum(A * W)


def outer_sums_read_inside(W, X):
    A = np.zeros(W.shape)
    s = 0.0
    for t in range(X.shape[0]):
        for l in range(W.shape[0]):
            A[l] += np.outer(np.tanh(W[l] @ X[t]), X[t])
            s = s + np.sum(A[l])
    return s + np.sum(A * W)


def outer_sums_varying_range(W, X):
    A = np.zeros(W.shape)
    for t in range(X.shape[0]):
        for l in range(t % W.shape[0] + 1):
            A[l] += np.outer(np.tanh(W[l] @ X[t]), X[t])
    return np.sum(A * W)


def outer_sums_other_row(W, X):
    A = np.zeros(W.shape)
    L = W.shape[0]
    for t in range(X.shape[0]):
        for l in range(L):
            A[L - 1 - l] += np.outer(np.tanh(W[l] @ X[t]), X[t])
    return np.sum(A * W)


# (program, vectors collected in its objective, in its gradient's reverse sweep): two per
# accumulator; the user's own A[l] += outer(...) in the objective (and the gradient's forward
# sweep), the reverse sweep's dW[l] += outer(dz, x) of the layers W[l] @ v
CASES = [(stacked_layers, 0, 2), (two_stacks, 0, 4), (outer_sums, 2, 2), (outer_sums_read_inside, 0, 2),
         (outer_sums_varying_range, 0, 0), (outer_sums_other_row, 0, 2)]


@pytest.mark.parametrize("fun, in_objective, in_reverse", CASES, ids=[c[0].__name__ for c in CASES])
def test_nested_row_updates_collected_only_when_equivalent(small_rows, fun, in_objective, in_reverse):
    W, X = 0.5 * R.standard_normal((3, 4, 4)), R.standard_normal((5, 4))
    args = (W, 0.5 * R.standard_normal((3, 4, 4)), X) if fun is two_stacks else (W, X)
    wrt = tuple(range(len(args)))
    source = adjit.value_and_grad(fun, wrt=wrt).source(*args, lowered=True)
    grad_at, reverse_at = source.index(f"def {fun.__name__}_grad("), source.index("--- reverse sweep")
    assert (_collected(source[:grad_at]), _collected(source[reverse_at:])) == (in_objective, in_reverse), source
    if in_reverse:
        assert "_la.matmul_into(_rows" in source[reverse_at:], source  # the products after the loops
    value, grads = run_grad(fun, args, wrt)
    np.testing.assert_allclose(value, fun(*args), rtol=1e-12)
    fd_check(fun, args, wrt, grads)


def test_outer_loop_without_iterations_touches_no_row(small_rows):
    """No outer iteration: the rows added after the loops are none, so an inner range past the
    accumulator's rows raises nothing (as the loops themselves do not run)."""
    def f(W, X, L):
        A = np.zeros(W.shape)
        for t in range(X.shape[0]):
            for l in range(L):
                A[l] += np.outer(W[l] @ X[t], X[t])
        return np.sum(A * W) + np.sum(W * W)

    W = R.standard_normal((2, 3, 3))
    source = adjit.value_and_grad(f, wrt=(0,)).source(W, R.standard_normal((3, 3)), 2, lowered=True)
    assert _collected(source[:source.index("def f_grad(")]) == 2, source
    for X, L in ((R.standard_normal((0, 3)), 5), (R.standard_normal((3, 3)), 2)):
        value, grads = run_grad(f, (W, X, L), (0,))
        np.testing.assert_allclose(value, f(W, X, L), rtol=1e-12)
        fd_check(f, (W, X, L), (0,), grads)
    with pytest.raises(IndexError):
        run_grad(f, (W, R.standard_normal((3, 3)), 3), (0,))


def test_collected_rows_beside_strip_loops(small_rows):
    """The buffers' bounds keep their names where strip-mined loops (`_n`, `_s`, `_k`, literal
    names of codegen/loops.py) run between them and the product after the loops (64-wide rows:
    tanh in strips); against the readable step-by-step rendering."""
    W, X = 0.2 * R.standard_normal((3, 64, 64)), R.standard_normal((4, 64))
    g = adjit.value_and_grad(outer_sums, wrt=(0, 1))
    source = g.source(W, X, lowered=True)
    assert "for _s in range" in source and _collected(source) >= 2, source
    readable: dict = {}
    exec(compile(g.source(W, X), "<readable>", "exec"), readable)
    expected = readable["outer_sums_grad"](W, X)
    value, grads = run_grad(outer_sums, (W, X), (0, 1))
    np.testing.assert_allclose(value, expected[0], rtol=1e-12)
    for a, b in zip(grads, expected[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)
