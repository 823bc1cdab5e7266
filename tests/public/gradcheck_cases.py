"""Functions for the check_grad tests: one differentiable everywhere, one with a deliberate kink."""
import numpy as np

import adjit


def smooth(x, w):
    return np.sum(np.tanh(x * w) ** 2)


@adjit.grad(wrt="w")
def decorated(x, w):
    return np.sum(np.sin(x) * w)


def kinked(x):
    return np.sum(np.abs(x))
