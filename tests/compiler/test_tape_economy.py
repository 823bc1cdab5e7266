"""Tape economy (issue 14): the reverse sweep records only what it cannot cheaply recompute, never
a value it needs only for its shape, and the source says what one iteration records."""
from __future__ import annotations

import re

import numpy as np

import adjit

from conftest import check_against_fd, check_forward


def lstm_cell(W, b, E, tokens):
    """Two stacked LSTM layers with their state as rows updated in place (as people write it)."""
    L = W.shape[0]
    H = E.shape[1]
    h = np.zeros((L, H))
    c = np.zeros((L, H))
    loss = 0.0
    for t in range(tokens.shape[0]):
        x = E[tokens[t]]
        for l in range(L):
            z = W[l] @ np.concatenate((x, h[l])) + b[l]
            i = 1.0 / (1.0 + np.exp(-z[:H]))
            f = 1.0 / (1.0 + np.exp(-z[H:2 * H]))
            o = 1.0 / (1.0 + np.exp(-z[2 * H:3 * H]))
            g = np.tanh(z[3 * H:])
            c[l] = f * c[l] + i * g
            h[l] = o * np.tanh(c[l])
            x = h[l]
        loss = loss + np.sum(x * x)
    return loss


def _lstm_args(H=3, L=2, T=5, V=6, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((L, 4 * H, 2 * H)) / np.sqrt(2 * H), 0.1 * rng.standard_normal((L, 4 * H)),
            0.5 * rng.standard_normal((V, H)), rng.integers(0, V, T).astype(np.int64))


def _tape_lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip().startswith("# tape per iteration")]


def test_lstm_records_what_a_hand_written_adjoint_keeps():
    args = _lstm_args()
    g = adjit.grad(lstm_cell, wrt=(0, 1, 2))
    lines = _tape_lines(g.source(*args))
    inner = next(line for line in lines if "for l in range(L)" in line)
    # per layer step: the matmul's input [x, h] (2H), exp(-z) of the three sigmoid gates, tanh(z)
    # of the cell gate, the old cell state and tanh of the new one: 6 rows of H. Not z (read only
    # for its slices' shapes), not 1 + exp(-z) or the gates (recomputed from exp(-z)).
    assert inner.endswith(": 6 x f64[3], 1 x f64[6] = 192 bytes"), inner
    check_against_fd(lstm_cell, args, (0, 1, 2))


def test_lstm_gradient_forward_mode_agrees():
    check_forward(lstm_cell, _lstm_args(seed=1), (0, 1))


def sliced(W, x):
    s = 0.0
    for k in range(3):
        z = W @ x
        s = s + np.sum(np.tanh(z[:2])) + z[3] * k
        x = np.sin(x) + 0.1
    return s


def test_a_value_read_only_for_its_slice_shape_is_not_recorded():
    rng = np.random.default_rng(3)
    W, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    src = adjit.grad(sliced, wrt=(0, 1)).source(W, x)
    pushed = re.findall(r"(\w+)\.append\((\w+)", src)
    assert not any(v.startswith("z") for _, v in pushed), pushed
    check_against_fd(sliced, (W, x), (0, 1))


def chain(a, x):
    s = 0.0
    for k in range(4):
        u = np.exp(-x * a)   # recorded: exp's derivative is its result
        v = 1.0 + u          # recomputed from u
        w = 2.0 / v          # recomputed from v
        x = w * x + 0.5      # x: the loop's carried value, recorded
        s = s + np.sum(w * w)
    return s


def test_cheap_chains_are_recomputed_not_recorded():
    rng = np.random.default_rng(4)
    args = (0.7, rng.standard_normal(5))
    src = adjit.grad(chain, wrt=(0, 1)).source(*args)
    line = _tape_lines(src)[0]
    assert line.endswith(": 2 x f64[5] = 80 bytes"), line  # u and x; not v, not w
    check_against_fd(chain, args, (0, 1))
    check_forward(chain, args, (0, 1))
