"""Loop workloads for bench_loops.py: objectives with control flow, their adjit gradients and data.

Each objective is plain NumPy/Python (for loops, in-place writes), so adjit reads it from this
file. Also imported by the first-call subprocesses, so it must stay cheap to import."""
from __future__ import annotations

import math

import numpy as np

import adjit

# --------------------------------------------------------------------------- 1. Euler integration

EULER_T = 10.0   # simulated time; dt = EULER_T / n keeps explicit Euler stable at every n


def euler_objective(k, c, x0, n, dt):
    """Damped pendulum x'' = -k sin(x) - c x', explicit Euler from (x0, 0) for n steps.

    Loss: dt * Σ x_i² (running sum over the trajectory) + final energy-like x² + v²."""
    x = x0
    v = 0.0
    s = 0.0
    for i in range(n):
        a = -k * math.sin(x) - c * v
        x = x + dt * v
        v = v + dt * a
        s = s + x * x
    return dt * s + x * x + v * v


euler_grad = adjit.grad(euler_objective, wrt=("k", "c", "x0"))


def euler_data(n: int) -> tuple:
    """(k, c, x0, n, dt) as Python float, float, float, int, float."""
    return 2.0, 0.3, 1.2, int(n), EULER_T / n


# --------------------------------------------------------------------------- 2. tanh recurrence

def recurrence_objective(x, a):
    """y[0] = tanh(x[0]), y[i] = tanh(a y[i-1] + x[i]); loss Σ y²."""
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = np.tanh(x[0])
    for i in range(1, n):
        y[i] = np.tanh(a * y[i - 1] + x[i])
    return np.sum(y * y)


recurrence_grad = adjit.grad(recurrence_objective, wrt=("x", "a"))


def recurrence_data(n: int, seed: int = 0) -> tuple:
    """(x, a): x of n standard normals (float64), a a Python float."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), 0.9


# --------------------------------------------------------------------------- 3. vanilla RNN

def rnn_objective(Wx, Wh, b, h0, xs):
    """h_t = tanh(Wx xs[t] + Wh h_{t-1} + b) for t < T; loss Σ_t Σ h_t²."""
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wx @ xs[t] + Wh @ h + b)
        loss = loss + np.sum(h * h)
    return loss


RNN_PARAMS = ("Wx", "Wh", "b", "h0")
rnn_grad = adjit.grad(rnn_objective, wrt=RNN_PARAMS)


def rnn_data(T: int = 100, H: int = 64, I: int = 32, seed: int = 0) -> tuple:
    """(Wx (H, I), Wh (H, H), b (H,), h0 (H,), xs (T, I)), float64, C order."""
    rng = np.random.default_rng(seed)
    Wx = rng.standard_normal((H, I)) / np.sqrt(I)
    Wh = 0.9 * rng.standard_normal((H, H)) / np.sqrt(H)
    b = 0.1 * rng.standard_normal(H)
    h0 = 0.1 * rng.standard_normal(H)
    xs = rng.standard_normal((T, I))
    return Wx, Wh, b, h0, xs
