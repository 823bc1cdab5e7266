"""Programs for tests/compiler/test_everyday_probe.py: idioms found by probing everyday NumPy
(itertools loops, a `raise` after the returns), in a plain module (adjit reads their source)."""
import itertools

import numpy as np


def pairs_of_values(x):
    s = 0.0
    for i, j in itertools.combinations(range(len(x)), 2):
        s += (x[i] - x[j]) ** 2
    return s


def pairs_of_rows(X):
    e = 0.0
    for a, b in itertools.combinations(X, 2):
        e += 1.0 / np.sqrt(np.sum((a - b) ** 2) + 1.0)
    return e


def ordered_pairs(x):
    return sum(x[i] * x[j] ** 2 for i, j in itertools.permutations(range(4), 2))


def ordered_pairs_loop(x):
    s = 0.0
    for i, j in itertools.permutations(range(len(x)), 2):
        s += np.sin(x[i]) * x[j]
    return s


def pairs_with_replacement(x):
    s = 0.0
    for i, j in itertools.combinations_with_replacement(range(len(x)), 2):
        s += x[i] * x[j] * (i + 1)
    return s


def triples(x):
    s = 0.0
    for i, j, k in itertools.combinations(range(5), 3):
        s += x[i] * x[j] * x[k]
    return s


def grid_product(X):
    s = 0.0
    for k, (i, j) in enumerate(itertools.product(range(X.shape[0]), range(X.shape[1]))):
        s += k * X[i, j] ** 2
    return s


def product_repeat(x):
    s = 0.0
    for a, b in itertools.product(x[:3], repeat=2):
        s += a * b
    return s


def product_in_comprehension(x):
    return np.sum(np.array([x[i] * x[j] for i, j in itertools.product(range(3), range(2))]))


def penalty(x, mode="l2"):
    if mode == "l2":
        return np.sum(x ** 2)
    elif mode == "l1":
        return np.sum(np.abs(x))
    raise ValueError(f"unknown mode {mode}")


def pairs_up_to(x, n):
    s = 0.0
    for i, j in itertools.combinations(range(n), 2):
        s += x[i] * x[j]
    return s
