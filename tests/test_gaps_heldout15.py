"""What the fifteenth held-out corpus found (benchmarks/real_programs/heldout15.py), as small programs
written the way its programs are: `logp[idx, labels[idx]]` of `idx = np.where(train_mask)[0]` (a mask
among index arrays, which NumPy pairs element by element; adjit read it as an outer product, a wrong
gradient); `for W, b in params[:-1]:` of a list of (W, b) pairs made in the function; a loop appending
(kind, params) records to an empty list (`layers.append(("planar", (u, w, b)))`); try/except
np.linalg.LinAlgError around np.linalg.cholesky / solve (the handler's return in a loop, an else block,
a fallback value), and the located errors of the other handlers; iter()/next() of a sequence known when
compiled (a warm-up batch, then `for b in batches:` over the rest: next() did not advance, so the
loop ran over the first item again, a wrong value and gradient); a dict item that exists written under
an `if` decided when the function runs (`if lam > 0: terms["l2"] = ...`, then `sum(terms.values())`). Gradients against central
differences, forward mode against reverse; the handler's path against NumPy's value."""
import numpy as np
import pytest

import adjit
from tests.conftest import family_tests, run_grad


# ------------------------------------------------ a mask's positions paired with index arrays (GCN's train nodes)
def masked_nll(L, labels, train_mask):
    logp = L - np.log(np.sum(np.exp(L), axis=1, keepdims=True))
    idx = np.where(train_mask)[0]
    return -np.mean(logp[idx, labels[idx]]) + np.sum(np.sin(L[labels[idx], idx]))


def mask_with_arrays(L, labels, train_mask):
    return np.sum(np.sin(L[train_mask, labels[train_mask]]) * L[train_mask, np.array([0, 1, 2, 0])])


def _mask_args():
    return [np.linspace(-1.0, 1.2, 36).reshape(6, 6), np.array([0, 2, 1, 4, 0, 2]),
            np.array([True, False, True, True, False, True])]


# ------------------------------------------------ lists of tuples: sliced in a loop header, records appended in a loop
def mlp_pairs(W1, b1, W2, b2, X):
    params = [(W1, b1), (W2, b2), (W2.T, b1)]
    h = X
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    return np.sum((h @ W + b) ** 2)


def flow_records(U, b, z):
    layers = []
    for k in range(len(b)):
        layers.append(("shift", (U[k], b[k])))
        layers.append(("squash", (U[k],)))
    ld = 0.0
    for kind, p in layers:
        if kind == "shift":
            z = z + np.tanh(z @ p[0] + p[1])[:, None] * p[0]
        else:
            z = z * np.exp(0.1 * p[0])
            ld = ld + 0.1 * np.sum(p[0])
    return np.sum(z ** 2) - ld


def _mlp_args():
    rng = np.random.default_rng(4)
    return [0.5 * rng.standard_normal((2, 3)), np.array([0.1, -0.2, 0.3]), 0.5 * rng.standard_normal((3, 2)),
            np.array([0.05, -0.1]), rng.standard_normal((4, 2))]


# ------------------------------------------------ try/except np.linalg.LinAlgError (Kalman, GP fallbacks)
def kalman_like(a, y):
    ll = 0.0
    for t in range(len(y)):
        S = np.array([[a ** 2 + 0.1 * t, 0.1], [0.1, 1.0]])
        try:
            L = np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            return -np.inf
        ll += np.sum(np.log(np.diag(L))) * y[t]
    return ll


def solve_or_fallback(a, y):
    A = np.array([[a, 1.0], [1.0, 1.0]])
    try:
        x = np.linalg.solve(A, y)
        s = 1.0
    except np.linalg.LinAlgError:
        x = y * a
        s = 0.5
    else:
        x = x * 2.0
    finally:
        x = x + 0.1
    return np.sum(x ** 2) * s


# ------------------------------------------------ iterators: a warm-up batch, a generator advanced by next()
def warmup_then_rest(w, X, y):
    batches = iter(np.array_split(np.arange(len(y)), 3))
    warm = next(batches)
    z = X[warm] @ w
    total = 10.0 * np.mean((z - y[warm]) ** 2)
    for b in batches:
        total = total + np.sum(np.log1p(np.exp(X[b] @ w)) - y[b] * (X[b] @ w))
    rest = [np.sum(v) for v in iter((w, 2.0 * w))]
    g = (v for v in (w[0], w[1], w[2]))
    a = next(g)
    b2 = next(g)
    return total + a * 2.0 + b2 * 3.0 + rest[1] + sum(g) * 5.0


def _batch_args():
    rng = np.random.default_rng(6)
    return [np.array([0.3, -0.2, 0.5]), rng.standard_normal((7, 3)), (rng.uniform(size=7) < 0.5).astype(float)]


# ------------------------------------------------ a dict's existing key written under a run-time if
def terms_dict(w, lam):
    terms = {"data": np.sum(w ** 2), "l2": 0.0}
    if lam > 0.1:
        terms["l2"] = lam * np.sum(np.sin(w))
    else:
        terms["data"] = terms["data"] * 2.0
    if np.sum(w) > 10.0:
        terms["l2"] += 1.0
    return sum(terms.values()) + terms["l2"] * w[0]


CASES = [
    (mlp_pairs, _mlp_args, (0, 1, 2, 3)),
    (kalman_like, lambda: [0.7, np.array([0.5, 1.5, -0.3])]),
    (warmup_then_rest, _batch_args),
    (terms_dict, lambda: [np.array([0.5, 1.0, -0.3]), 0.3]),
    (solve_or_fallback, lambda: [2.0, np.array([0.5, -1.5])]),
    (flow_records, lambda: [np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([0.2, -0.1]),
                            np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]])], (0, 1, 2)),
    (masked_nll, _mask_args),
    (mask_with_arrays, _mask_args),
]
IDS = [c[0].__name__ for c in CASES]

# compiled once by hand (ADJIT_TEST_COMPILE_ONE_IN=1, 14-21 s of Numba at this load): the suite runs the lowered modules
test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


def _joint_write(L, labels, train_mask):
    L = L.copy()
    idx = np.where(train_mask)[0]
    L[idx, labels[idx]] = 0.0
    return np.sum(L ** 2)


def test_mask_among_index_arrays_written_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_joint_write)(*_mask_args())
    assert "index array" in str(e.value) and "test_gaps_heldout15.py" in str(e.value)


def test_try_handler_paths_match_numpy():
    y = np.array([0.5, 1.5, -0.3])
    value, grad = run_grad(kalman_like, [0.0, y], (0,))  # not positive definite at t = 0: the handler's return
    assert value == -np.inf and np.all(np.asarray(grad) == 0.0)
    v, g = run_grad(solve_or_fallback, [1.0, y[:2]], (0,))  # exactly singular: the fallback's path
    assert v == solve_or_fallback(1.0, y[:2]) and np.isclose(np.asarray(g).sum(), np.sum((y[:2] + 0.1) * y[:2]))


def _catch_all(a):
    try:
        L = np.linalg.cholesky(np.eye(2) * a)
    except Exception:
        return 0.0
    return np.sum(L)


def _eigh_in_try(a):
    try:
        w, V = np.linalg.eigh(np.eye(2) * a)
    except np.linalg.LinAlgError:
        return 0.0
    return np.sum(w)


@pytest.mark.parametrize("fn,what", [(_catch_all, "except Exception"), (_eigh_in_try, "np.linalg.eigh")])
def test_try_forms_adjit_cannot_ask_are_located(fn, what):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fn)(1.0)
    assert what in str(e.value) and "test_gaps_heldout15.py" in str(e.value)


def _next_under_runtime_if(x):
    it = iter((x[0], x[1]))
    a = 0.0
    if x[0] > 0:
        a = next(it)
    return a + next(it)


def test_next_on_a_path_decided_when_run_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_next_under_runtime_if)(np.array([1.0, 2.0]))
    assert "iterator under an `if`" in str(e.value) and "test_gaps_heldout15.py" in str(e.value)
