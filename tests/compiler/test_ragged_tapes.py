"""Ragged tapes: a value recorded for the reverse sweep whose extent is known only at run time (a
slice or a gather of data-dependent length, a window clipped at the end of its array) may change
extent from one iteration to the next. Compiled code records such a value as its elements in one
flat buffer plus each entry's start, end and extents (codegen/emitter.ragged_push), and the reverse
sweep pops each entry back at its own shape; tapes of static shape keep their rows
(codegen/emitter.ragged_tapes decides, when the code is generated).

Every program here is checked against central finite differences (value and gradient), the
readable source (Python lists as tapes), forward mode where it applies, and the generated code is
checked to record the value ragged."""
import numpy as np
import pytest
from scipy.special import logsumexp

import adjit
from conftest import check_against_fd, check_forward, check_readable, fd_check

R = np.random.default_rng(3)


def embedding_bag(E, W, tokens, offsets, labels):  # benchmarks/real_programs/ml.py
    loss = 0.0
    for s in range(len(offsets) - 1):
        ids = tokens[offsets[s]:offsets[s + 1]]
        v = E[ids].mean(axis=0)
        scores = W @ v
        loss += logsumexp(scores) - scores[labels[s]]
    return loss / (len(offsets) - 1)


def bags(E, tokens, offsets):
    loss = 0.0
    for s in range(len(offsets) - 1):
        loss += np.sum(np.tanh(E[tokens[offsets[s]:offsets[s + 1]]]))
    return loss


def bags_nested(E, tokens, offsets):
    loss = 0.0
    for r in range(2):
        for s in range(len(offsets) - 1):
            v = np.tanh(E[tokens[offsets[s]:offsets[s + 1]]] * (r + 1.0))
            loss += np.sum(v ** 2)
    return loss


def bags_while(E, tokens, offsets):
    loss = 0.0
    s = 0
    while s < len(offsets) - 1:
        loss += np.sum(np.tanh(E[tokens[offsets[s]:offsets[s + 1]]]))
        s += 1
    return loss


def windows_2d(x, starts, sizes):
    acc = 0.0
    for s in range(len(starts)):
        a = starts[s]
        w = np.tanh(x[a:a + sizes[s], a:a + sizes[s] + 1])
        acc += np.sum(w ** 2)
    return acc


def clipped_windows(x, starts, stops):
    acc = 0.0
    for j in range(len(starts)):  # windows of 3, the last ones clipped at the end of x
        acc += np.sum(np.tanh(x[starts[j]:stops[j]]) ** 2)
    return acc


def bags_and_recurrence(E, W, tokens, offsets):
    h = np.zeros(W.shape[0])
    loss = 0.0
    for s in range(len(offsets) - 1):
        v = np.tanh(E[tokens[offsets[s]:offsets[s + 1]]]).mean(axis=0)
        h = np.tanh(W @ h + v)
        loss += np.sum(h * h)
    return loss


def bags_branch(E, tokens, offsets):
    loss = 0.0
    for s in range(len(offsets) - 1):
        v = np.tanh(E[tokens[offsets[s]:offsets[s + 1]]])
        if offsets[s + 1] - offsets[s] > 2:
            loss += np.sum(v ** 2)
        else:
            loss += np.sum(np.sin(v))
    return loss


def _bag_data(n_rows=5, dim=2, lengths=(3, 2)):
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    tokens = R.integers(0, n_rows, int(offsets[-1]))
    return R.standard_normal((n_rows, dim)), tokens, offsets


def _embedding_bag_data():
    rng = np.random.default_rng(0)
    lengths = rng.integers(2, 6, 8)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return (0.1 * rng.standard_normal((20, 6)), 0.1 * rng.standard_normal((3, 6)),
            rng.integers(0, 20, offsets[-1]), offsets, rng.integers(0, 3, 8))


def _windows_data():
    return R.standard_normal((6, 7)), np.array([0, 2, 1, 3]), np.array([3, 1, 4, 2])


def _small_bags():
    return R.standard_normal((5, 2)), np.arange(5), np.array([0, 3, 5])


CASES = [
    (embedding_bag, _embedding_bag_data, (0, 1)),
    (bags, _small_bags, (0,)),
    (bags, lambda: _bag_data(7, 3, (4, 1, 3, 2, 5)), (0,)),
    (bags_nested, lambda: _bag_data(6, 2, (2, 4, 1)), (0,)),
    (bags_while, lambda: _bag_data(6, 2, (2, 4, 1)), (0,)),
    (bags_branch, lambda: _bag_data(6, 2, (2, 4, 1, 3)), (0,)),
    (windows_2d, _windows_data, (0,)),
    (clipped_windows, lambda: (R.standard_normal(7), np.arange(7), np.arange(7) + 3), (0,)),
    (bags_and_recurrence, lambda: _bag_data(6, 3, (2, 4, 1, 3))[:1] + (0.5 * R.standard_normal((3, 3)),)
     + _bag_data(6, 3, (2, 4, 1, 3))[1:], (0, 1)),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)]


COMPILED = set(IDS[::3])  # every third case through Numba (the suite's time budget), the rest the lowered module


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_gradient_against_fd(fun, make, wrt, request):
    args = make()
    check_against_fd(fun, args, wrt, compiled=request.node.callspec.id in COMPILED)
    src = adjit.grad(fun, wrt=wrt).source(*args, lowered=True)
    assert "_tape.grow_flat(" in src and "same_tape_extent" not in src


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_readable_source(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)  # against the lowered gradient; FD checks the compiled one


@pytest.mark.parametrize("fun,make,wrt", CASES[1:6], ids=IDS[1:6])
def test_forward_mode(fun, make, wrt):
    check_forward(fun, make(), wrt, compiled=False)  # the lowered gradient (time budget; FD checks the compiled one)


def test_one_compiled_function_for_other_lengths():
    """The extents are data: the same compiled gradient serves other bag lengths exactly."""
    g = adjit.value_and_grad(bags, wrt=0)
    for lengths in [(3, 2), (1, 4), (5, 0)]:
        E, tokens, offsets = _bag_data(5, 2, lengths)
        value, grad = g(E, tokens, offsets)
        assert np.isclose(value, bags(E, tokens, offsets), rtol=1e-12)
        fd_check(bags, (E, tokens, offsets), (0,), (grad,))


def test_fixed_tapes_keep_their_rows():
    """A value of static shape keeps the fixed-extent tape: rows of one shape, no ragged buffer."""
    def rnn(W, xs):
        h = np.zeros(W.shape[0])
        for t in range(xs.shape[0]):
            h = np.tanh(W @ h + xs[t])
        return np.sum(h)

    src = adjit.grad(rnn).source(0.5 * R.standard_normal((3, 3)), R.standard_normal((4, 3)), lowered=True)
    assert "grow_flat" not in src and "_tape.push_row1(" in src


def test_mixed_loop_records_both_kinds():
    E, tokens, offsets = _bag_data(6, 3, (2, 4, 1, 3))
    W = 0.5 * R.standard_normal((3, 3))
    src = adjit.grad(bags_and_recurrence, wrt=(0, 1)).source(E, W, tokens, offsets, lowered=True)
    assert "grow_flat" in src and "_tape.push_row1(" in src


def test_parallel():
    E, tokens, offsets = _bag_data(7, 3, (4, 1, 3, 2))
    g = adjit.grad(bags, wrt=0, parallel=True)
    np.testing.assert_allclose(g(E, tokens, offsets), adjit.grad(bags, wrt=0)(E, tokens, offsets), rtol=1e-12)


def test_checkpointed_loop():
    E, tokens, offsets = _bag_data(7, 3, (4, 1, 3, 2, 2, 3, 1, 4, 2))
    expected = adjit.grad(bags, wrt=0)(E, tokens, offsets)
    got = adjit.grad(bags, wrt=0, checkpoint=2)(E, tokens, offsets)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_hvp_through_ragged_tape():
    """Forward over reverse: the tangent of a ragged value rides on a ragged companion tape."""
    E, tokens, offsets = _bag_data(5, 2, (3, 2))
    v = R.standard_normal(E.shape)
    hv = adjit.hvp(bags)(E, tokens, offsets, v)
    gf = adjit.grad(bags)  # the gradient's derivative along v, by central differences
    eps = 1e-6
    fd = (gf(E + eps * v, tokens, offsets) - gf(E - eps * v, tokens, offsets)) / (2 * eps)
    np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-8)


def test_hessian_through_ragged_tape():
    E, tokens, offsets = _bag_data(3, 2, (3, 1, 2))
    H = adjit.hessian(bags)(E, tokens, offsets)
    gf = adjit.grad(bags)
    eps = 1e-6
    for i in range(E.shape[0]):
        for j in range(E.shape[1]):
            d = np.zeros_like(E)
            d[i, j] = eps
            fd = (gf(E + d, tokens, offsets) - gf(E - d, tokens, offsets)) / (2 * eps)
            np.testing.assert_allclose(H[i, j], fd, rtol=1e-6, atol=1e-8)


def test_tape_summary_counts_ragged_values():
    src = adjit.grad(bags).source(*_small_bags(), lowered=True)
    line = next(x for x in src.splitlines() if "# tape per iteration" in x)
    assert line.endswith(": 1 x f64[?, 2] = 0 bytes + 1 ragged (extents known at run time)"), line
