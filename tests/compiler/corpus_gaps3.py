"""Small programs for the third batch of fuzzer gaps (valid NumPy that adjit refused with a located
error); test_gaps3.py runs them through the lowered module as plain Python (no Numba compile)."""
import numpy as np


# ---------------------------------------------------------- max/min/sum of a comprehension of run-time length
def fold_deferred_list(W, x):
    ys = [np.sum(row * x) for row in W]
    return max(ys) + 2.0 * min(ys) + sum(ys)


def fold_generator(W, x):
    return max(np.sum(row * x) for row in W) - min([np.sum(np.sin(row) * x) for row in W])


def fold_filtered(W, x):
    ys = [np.sum(row * x) for row in W if row[0] > 0]
    return max(ys)


def fold_rows(W, x):
    ys = [row * x for row in W]
    return max(ys)
