"""Multi-layer character-level LSTM for bench_lstm.py: the objective as a NumPy user writes it,
its adjit gradient and data.

Per time step t the input character tokens[t] is looked up in an embedding E (vocab V, width H);
layer l of L computes its four gates from W[l] @ concatenate(x, h[l]) + b[l] (i, f, o sigmoid,
g tanh), updates its cell state c[l] and hidden state h[l] in place (rows of (L, H) arrays) and
hands h[l] to the layer above; the top layer's h feeds a softmax cross-entropy against the next
character tokens[t + 1]. The loss is summed over the T - 1 predictions.

Also imported by the first-call subprocesses (bench_lstm.py, bench_compile.py), so it must stay
cheap to import."""
from __future__ import annotations

import numpy as np

import adjit

LSTM_PARAMS = ("W", "b", "E", "Wy", "by")
VOCAB = 40


def lstm_objective(W, b, E, Wy, by, tokens):
    """W (L, 4H, 2H), b (L, 4H), E (V, H), Wy (V, H), by (V,), tokens (T,) int64."""
    L = W.shape[0]
    H = E.shape[1]
    h = np.zeros((L, H))
    c = np.zeros((L, H))
    loss = 0.0
    for t in range(tokens.shape[0] - 1):
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
        logits = Wy @ x + by
        m = np.max(logits)
        loss = loss + m + np.log(np.sum(np.exp(logits - m))) - logits[tokens[t + 1]]
    return loss


lstm_grad = adjit.grad(lstm_objective, wrt=LSTM_PARAMS)


def lstm_data(T: int, L: int, H: int = 14, V: int = VOCAB, seed: int = 0) -> tuple:
    """(W, b, E, Wy, by, tokens): float64 C-order parameters (Glorot-scaled, forget-gate bias 1),
    tokens T + 1 int64 characters in [0, V) (T predictions)."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((L, 4 * H, 2 * H)) / np.sqrt(2 * H)
    b = 0.1 * rng.standard_normal((L, 4 * H))
    b[:, H:2 * H] += 1.0
    E = 0.5 * rng.standard_normal((V, H))
    Wy = rng.standard_normal((V, H)) / np.sqrt(H)
    by = 0.1 * rng.standard_normal(V)
    tokens = rng.integers(0, V, T + 1).astype(np.int64)
    return W, b, E, Wy, by, tokens
