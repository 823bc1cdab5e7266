"""Test rows of the scans primitives (merged into primitive_cases.CASES): primitive name -> list of
(function, args maker, wrt)."""
import math

import numpy as np

from primitive_cases import normal, positive, away_from_zero  # noqa: F401


def cumsum_axis(x, u): return np.sum(u * np.cumsum(x, axis=1) ** 2)
def cumsum_flat(x, u): return np.sum(u * x.cumsum() ** 2) + np.sum(np.cumsum(x, axis=0) ** 3)
def cumprod_axis(x, u): return np.sum(u * np.cumprod(x, axis=0))
def cumprod_zeros(x, u):
    y = x * np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])  # zeros inside the lane: no division by them
    return np.sum(u * np.cumprod(y)) + np.sum(np.cumprod(x) ** 2)
def cumprod_3d(x, u): return np.sum(u * x.cumprod(axis=-1) ** 2)
def sort_lanes(x, u): return np.sum(u * np.sort(x)) + np.sum(np.sort(x, axis=0) ** 3 * u)
def sort_flat(x, u): return np.sum(u * np.sort(x, axis=None) ** 2)


CASES: dict = {
    "cumsum": [(cumsum_axis, lambda: (normal(3, 4), normal(3, 4)), (0,)),
               (cumsum_flat, lambda: (normal(3, 4), normal(12)), (0,))],
    "cumprod": [(cumprod_axis, lambda: (away_from_zero(4, 3), normal(4, 3)), (0,)),
                (cumprod_zeros, lambda: (away_from_zero(6), normal(6)), (0,))],
    # linrec is cumprod's VJP and JVP (no user spelling): exercised through them
    "linrec": [(cumprod_3d, lambda: (away_from_zero(2, 3, 5), normal(2, 3, 5)), (0,))],
    # np.sort is argsort (not differentiable) and a gather: rendered and differentiated through both
    "argsort": [(sort_lanes, lambda: (normal(4, 3), normal(4, 3)), (0,))],
    "gather": [(sort_lanes, lambda: (normal(3, 5), normal(3, 5)), (0,)),
               (sort_flat, lambda: (normal(2, 3), normal(6)), (0,))],
}
