"""Functions in a module that imports NumPy under another name and pieces of it directly."""
import numpy as xp
from numpy import tanh as hyperbolic_tangent

import adjit


def aliased(x, w):
    return xp.sum(hyperbolic_tangent(x * w) + xp.zeros(x.shape) + xp.ones_like(x) * 2.0)


def with_arange(x):
    idx = xp.arange(x.shape[0])
    return xp.sum(x * idx) + xp.sum(x[xp.arange(1, 3).shape[0]:] ** 2)


def with_stop_gradient(x):
    m = adjit.stop_gradient(xp.max(x))
    return m + xp.log(xp.sum(xp.exp(x - m)))
