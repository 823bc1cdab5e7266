"""The seed's network (784→128→10) as adjit gradients, plus data: tanh + squared error (the
seed's own), and a ReLU + softmax cross-entropy variant."""
from __future__ import annotations

import numpy as np

import adjit

N_IN, N_HIDDEN, N_OUT = 784, 128, 10
PARAMS = ("W1", "b1", "W2", "b2")


def seed_objective(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


seed_grad = adjit.grad(seed_objective, wrt=PARAMS)


def seed_data(batch: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """(W1, b1, W2, b2, x, t) in float64, C order, Glorot-scaled weights, inputs in [0, 1)."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((N_HIDDEN, N_IN)) / np.sqrt(N_IN)
    b1 = 0.1 * rng.standard_normal((N_HIDDEN, 1))
    W2 = rng.standard_normal((N_OUT, N_HIDDEN)) / np.sqrt(N_HIDDEN)
    b2 = 0.1 * rng.standard_normal((N_OUT, 1))
    x = rng.random((N_IN, batch))
    t = np.eye(N_OUT)[:, rng.integers(0, N_OUT, batch)].copy()
    return W1, b1, W2, b2, x, t


# --------------------------------------------------------------------------- ReLU / softmax CE

def softmax_objective(W1, b1, W2, b2, X, Y):
    """784→128→10 with ReLU and a numerically stable softmax cross-entropy, mean over the batch.

    Row batches: X (batch, 784), Y (batch, 10) one-hot float labels."""
    h = np.maximum(X @ W1 + b1, 0)
    logits = h @ W2 + b2
    s = logits - np.max(logits, axis=1, keepdims=True)
    logp = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * logp, axis=1))


softmax_grad = adjit.grad(softmax_objective, wrt=PARAMS)


def softmax_data(batch: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """(W1 (784, 128), b1 (128,), W2 (128, 10), b2 (10,), X (batch, 784), Y (batch, 10)) in
    float64, C order, Glorot-scaled weights, inputs in [0, 1), one-hot float labels."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((N_IN, N_HIDDEN)) / np.sqrt(N_IN)
    b1 = 0.1 * rng.standard_normal(N_HIDDEN)
    W2 = rng.standard_normal((N_HIDDEN, N_OUT)) / np.sqrt(N_HIDDEN)
    b2 = 0.1 * rng.standard_normal(N_OUT)
    X = rng.random((batch, N_IN))
    Y = np.eye(N_OUT)[rng.integers(0, N_OUT, batch)].copy()
    return W1, b1, W2, b2, X, Y
