"""Long elementwise loss for bench_elementwise.py: the objective, its adjit gradients and data.

A scalar loss of two float64 arrays x and w built from 20-odd elementwise operations
(tanh, exp, log1p, sin, sqrt among them) and three reductions (sum, mean, max): the
"long elementwise loss" workload of the fusion issue. Plain NumPy, so adjit reads it from
this file; also imported by the first-call subprocesses, so it must stay cheap to import."""
from __future__ import annotations

import numpy as np

import adjit


def elementwise_objective(x, w):
    """sum(u²) + mean(a·e) + max(d·b), with u = a·b + c·d − 0.1·e and
    a = tanh(x·w + 0.5), b = exp(−x²/2), c = log1p(w²), d = sin(x + w), e = sqrt(1 + x² + c)."""
    a = np.tanh(x * w + 0.5)
    b = np.exp(-0.5 * (x * x))
    c = np.log1p(w * w)
    d = np.sin(x + w)
    e = np.sqrt(1.0 + x * x + c)
    u = a * b + c * d - 0.1 * e
    return np.sum(u * u) + np.mean(a * e) + np.max(d * b)


elementwise_grad = adjit.grad(elementwise_objective, wrt=(0, 1))
elementwise_grad_parallel = adjit.grad(elementwise_objective, wrt=(0, 1), parallel=True)


def elementwise_data(n: int, seed: int = 0) -> tuple:
    """(x, w): two float64 arrays of n standard normals."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(int(n)), rng.standard_normal(int(n))
