"""Numerical gradients by central differences, the seed's "verify your implementation numerically"."""
from __future__ import annotations

import numpy as np


def numerical_gradient(f, args: tuple, k: int, eps: float = 1e-6) -> np.ndarray | float:
    """d f(*args) / d args[k] by central differences, (f(x+h) - f(x-h)) / 2h, one entry at a time.

    Runs `f` as plain Python on float64 copies, so it is independent of any compiled code."""
    args = list(args)
    x = args[k]
    if isinstance(x, np.ndarray):
        base = np.array(x, dtype=np.float64, order="C")  # C order: flat is a view (an F-ordered copy would not be)
        grad = np.zeros_like(base)
        flat = base.reshape(-1)
        gflat = grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            h = eps * max(1.0, abs(old))
            flat[i] = old + h
            args[k] = base
            up = float(f(*args))
            flat[i] = old - h
            down = float(f(*args))
            flat[i] = old
            gflat[i] = (up - down) / (2 * h)
        return grad
    old = float(x)
    h = eps * max(1.0, abs(old))
    args[k] = old + h
    up = float(f(*args))
    args[k] = old - h
    down = float(f(*args))
    return (up - down) / (2 * h)


def relative_error(analytic, numeric) -> float:
    """max |a - n| / max(max |a|, max |n|): a scale-aware error that near-zero entries cannot blow up."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        return float("inf")
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(n), initial=0.0)))
    err = float(np.max(np.abs(a - n), initial=0.0))
    if err == 0.0:
        return 0.0
    return err / scale if scale > 0 else float("inf")
