"""Programs for tests/compiler/test_everyday_probe.py: idioms found by probing everyday NumPy
(itertools loops, a `raise` after the returns), in a plain module (adjit reads their source)."""
import functools
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


def peak_value(X):
    i, j = np.unravel_index(np.argmax(X), X.shape)
    k = np.ravel_multi_index((i, j), X.shape)
    return X[i, j] * 2.0 + X.ravel()[k]


def unravel_many(X):
    rows, cols = np.unravel_index(np.array([0, 5, 7]), X.shape)
    return np.sum(X[rows, cols] ** 2)


def insert_columns(X):
    Y = np.insert(X, 1, 0.5, axis=1)
    Z = np.insert(Y, 0, Y[0], axis=0)
    return np.sum(Z ** 2 * np.arange(Z.shape[1]))


def insert_flat(x):
    return np.sum(np.insert(x, 2, x[0] * 3) ** 2) + np.sum(np.insert(x, -1, [1.0, 2.0]) * x[0])


def delete_rows(X):
    return np.sum(np.delete(X, [0, 2], axis=0) ** 2) + np.sum(np.delete(X, -1))


def resized(x):
    return np.sum(np.resize(x, 7) ** 2) + np.sum(np.resize(x, (2, 2)))


def partitioned(x):
    return np.sum(np.partition(x, 2)[:3]) + x[np.argpartition(x, -2)[-2:]].sum()


def vectorized_helper(x):
    def piece(v):
        if v > 0:
            return v * v
        return np.sin(v)
    return np.sum(np.vectorize(piece)(x))


def vectorized_lambda(X):
    g = np.vectorize(lambda a, b: a * b if a > b else a + b)
    return np.sum(g(X, X[0]))


@np.vectorize
def huber(r, delta=1.0):
    if abs(r) <= delta:
        return 0.5 * r * r
    return delta * (abs(r) - 0.5 * delta)


def vectorized_global(x):
    return np.mean(huber(x - 0.3)) + huber(x[0])


def fold_rows(x):
    return functools.reduce(lambda a, b: a * 0.5 + b, x)


def over_ndindex(X):
    s = 0.0
    for i, j in np.ndindex(X.shape):
        s += X[i, j] * (i - j)
    for idx in np.ndindex(*X.shape):
        s += np.sin(X[idx]) * idx[0]
    return s


def over_ndenumerate(X):
    s = 0.0
    for (i, j), v in np.ndenumerate(X):
        s += v * v * (i + 2 * j)
    return s
