"""What the fourteenth held-out corpus found (benchmarks/real_programs/heldout14.py), as small programs
written the way its programs are: NumPy's set routines on index data inside helpers and loops
(`free = np.setdiff1d(np.arange(n), fixed)`, `np.unique(labels)` per episode), np.concatenate /
hstack / vstack of a list appended to in a loop of a run-time count, a list argument indexed by a loop
variable (`parents[j]` of ints, ragged `thresholds[k]`), and a list that a loop appends items of
another shape to. Gradients against central differences, forward mode against reverse; values of
the set routines against NumPy's."""
import numpy as np
import pytest

import adjit
from tests.conftest import family_tests


# ------------------------------------------------ set routines on index data (force density, episodes)
def free_nodes_solve(log_q, edges, n_nodes, fixed, x_fixed, loads):
    q = np.exp(log_q)
    C = np.zeros((len(edges), n_nodes))
    for e, (i, j) in enumerate(edges):
        C[e, i] = 1.0
        C[e, j] = -1.0
    free = np.setdiff1d(np.arange(n_nodes), fixed)
    Cf, Cx = C[:, free], C[:, fixed]
    D = Cf.T @ np.diag(q) @ Cf
    x = np.zeros(n_nodes)
    x[fixed] = x_fixed
    x[free] = np.linalg.solve(D, loads[free] - Cf.T @ np.diag(q) @ Cx @ x_fixed)
    return np.sum(x ** 2) + np.sum(np.sin(x[np.union1d(fixed, [1])]))


def _free_nodes_args():
    edges = np.array([(0, 1), (1, 2), (2, 3), (3, 4), (1, 3), (0, 2)])
    return [np.array([0.1, -0.2, 0.3, 0.0, 0.2, -0.1]), edges, 5, np.array([4, 0]), np.array([0.5, -0.3]),
            np.array([0.0, 0.2, -0.1, 0.3, 0.0])]


def class_means_per_episode(W, episodes):
    total = 0.0
    for ep in episodes:
        z = np.tanh(ep["x"] @ W)
        classes = np.unique(ep["y"])
        protos = np.stack([z[ep["y"] == c].mean(axis=0) for c in classes])
        total += np.sum(protos ** 2) / len(classes)
    return total


def _episodes_args():
    rng = np.random.default_rng(3)
    eps = [dict(x=rng.standard_normal((6, 3)), y=np.array([5, 2, 5, 2, 7, 7])),
           dict(x=rng.standard_normal((4, 3)), y=np.array([1, 1, 3, 3]))]
    return [0.5 * rng.standard_normal((3, 2)), eps]


def unique_returns(x, labels):
    u, first, inv, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    sums = np.zeros(len(u))
    np.add.at(sums, inv, x)
    common = np.intersect1d(labels, [2, 9, 4])
    return np.sum((sums / counts) ** 2 * u) + np.sum(x[first]) + np.sum(x[common // 2]) * len(common)


def group_means_bincount(x, labels):
    u, inv = np.unique(labels, return_inverse=True)  # in a helper or loop: lowered, of a run-time length
    sums = np.bincount(inv, weights=x)
    big = np.bincount(inv, weights=x ** 2, minlength=len(u) + 2)
    return np.sum((sums / np.bincount(inv)) ** 2) + np.sum(big * np.arange(len(big)))


def group_means_per_batch(x, batches):
    return sum(group_means_bincount(x, b) for b in batches)


def unique_of_parameter(x):
    u = np.unique(np.concatenate([x, x[:2]]))  # the repeated values collapse; sorted
    return np.sum(u * np.arange(1.0, len(u) + 1.0)) + np.sum(np.setdiff1d(x, x[1:3]) ** 2)


# ------------------------------------------------ concatenate / hstack / vstack of a list built in a loop
def encode_concat(x, W, n_freq=3):
    feats = [x]
    for k in range(n_freq):
        feats.append(np.sin(2.0 ** k * x))
        feats.append(np.cos(2.0 ** k * x))
    h = np.concatenate(feats, axis=-1) @ W
    rows = np.vstack(feats)
    return np.sum(np.tanh(h)) + np.sum(rows[::3] ** 2) + np.sum(np.hstack(feats)[:, 1] * 0.5)


# ------------------------------------------------ list arguments indexed by a loop variable
def parents_tree(x, parents, scale):
    tot = 0.0
    for j in range(len(parents)):
        p = parents[j]
        if p >= 0:
            tot = tot + np.sin(x[p] * x[j]) * scale[j]
    return tot


def ragged_hinges(lam, env, thresholds):
    feats = [env, env ** 2]
    for k in range(env.shape[1]):
        for th in thresholds[k]:
            feats.append(np.maximum(env[:, k] - th, 0.0)[:, None])
    F = np.hstack(feats)
    total = np.sum(np.tanh(F @ lam))
    for k in range(len(thresholds)):
        total = total + np.sum(np.maximum(env[:, k, None] - thresholds[k], 0.0)) * lam[k]
    return total


def shifted_appends(x):
    out = [x]
    for k in range(3):
        out.append(x[k:] * 2.0)
    return sum(np.sum(o ** 2) for o in out)


def _hinge_args():
    rng = np.random.default_rng(5)
    return [np.linspace(-1.0, 1.0, 12), rng.standard_normal((7, 3)),
            [np.array([-1.1, 0.1, 0.9]), np.array([-0.45, 0.55]), np.array([0.05])]]


CASES = [
    (free_nodes_solve, _free_nodes_args),
    (class_means_per_episode, _episodes_args),
    (unique_returns, lambda: [np.linspace(0.2, 1.6, 7), np.array([4, 2, 9, 2, 4, 4, 7])]),
    (group_means_per_batch, lambda: [np.array([0.5, 1.5, -0.3, 2.0, 0.7]), [np.array([3, 1, 3, 7, 1]), np.array([0, 0, 2, 2, 2])]]),
    (unique_of_parameter, lambda: [np.array([0.3, -1.2, 0.7, 2.1, -0.4])]),
    (encode_concat, lambda: [np.linspace(-1.0, 1.0, 6).reshape(3, 2), np.linspace(-0.5, 0.5, 28).reshape(14, 2)]),
    (parents_tree, lambda: [np.linspace(0.5, 1.5, 5), [-1, 0, 1, 1, 3], [0.5, 1.0, 2.0, 3.0, 4.0]]),
    (ragged_hinges, _hinge_args),
    (shifted_appends, lambda: [np.array([1.0, -2.0, 0.5, 3.0])]),
]
IDS = [c[0].__name__ for c in CASES]

test_gradient, test_forward = family_tests(CASES, IDS, every=4)


def test_set_routines_values_match_numpy():
    def f(a, b):
        fa = a * 1.5
        u2, i2, v2, c2 = np.unique(np.array([[2, 1], [2, 3]]), return_index=True, return_inverse=True,
                                   return_counts=True)
        return (np.unique(fa), np.unique(np.array([np.nan, 1.0, np.nan, -2.0]) * a[0]),
                np.setdiff1d(fa, b), np.setdiff1d([3, 1, 1, 5], [5], assume_unique=True),
                np.intersect1d(fa, b), np.intersect1d([3, 1, 2], [2.0, 3.0], assume_unique=True),
                np.union1d(fa, b), np.union1d([True, False], [2]), np.setdiff1d(fa, fa),
                u2, i2, v2, c2,
                np.unique(np.array([True, False, True])), np.unique(np.zeros((0,))))

    a = np.array([1.0, 3.0, 1.0, 2.0, 3.0])
    b = np.array([4.5, 1.5, 3.0])
    got = adjit.jvp(f, (a, b), (np.ones_like(a), np.ones_like(b)))[0]
    for g, w in zip(got, f(a, b)):
        g = np.asarray(g)
        assert g.shape == w.shape and g.dtype == w.dtype, (g, w)
        np.testing.assert_array_equal(g, w)


def _unique_rows(x):
    return np.sum(np.unique(x, axis=0))


def test_unique_axis_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_unique_rows)(np.ones((3, 2)))
    assert "axis" in str(e.value) and "test_gaps_heldout14.py" in str(e.value)


def _write_through_item(x, xs):
    tot = 0.0
    for k in range(len(x)):
        r = xs[k]
        r[0] = x[k]  # NumPy changes the caller's array xs[k]: refused, never a copy's value
        tot = tot + np.sum(r)
    return tot + np.sum(xs[0])


def test_array_items_of_a_list_argument_at_a_run_time_position_stay_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_write_through_item)(np.array([2.0, 3.0]), [np.ones(2), np.ones(2)])
    assert "xs" in str(e.value) and "test_gaps_heldout14.py" in str(e.value)
