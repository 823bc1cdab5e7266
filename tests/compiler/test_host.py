"""Statements NumPy runs before the compiled code (compiler/frontend/host.py): a call adjit has no
rule for, on data that is not differentiated, computed by NumPy on every call and handed to the
compiled gradient; everything else keeps its located error."""
import math

import numpy as np
import pytest

from scipy.stats import norm

import adjit
from adjit.compiler.jit import CompiledFunction

from conftest import check_against_fd, check_forward, check_readable


def mesh_edges(verts, faces):
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = np.unique(np.sort(edges, axis=1), axis=0)
    d = verts[edges[:, 0]] - verts[edges[:, 1]]
    return np.sum(np.sum(d * d, axis=1) ** 2)


def seeded_noise(w, X):
    np.random.seed(3)
    n = X.shape[0]
    noise = np.random.randn(n)
    perm = np.random.default_rng(1).permutation(n)
    return np.sum((X[perm] @ w + noise) ** 2)


def cox_ties(beta, X, time, event):
    eta = X @ beta
    ll = 0.0
    for t in np.unique(time[event == 1]):
        dead = (time == t) & (event == 1)
        ll = ll + np.sum(np.where(dead, eta, 0.0)) \
            - np.sum(dead) * np.log(np.sum(np.where(time >= t, np.exp(eta), 0.0)))
    return -ll


def quadrature(a, b, n_nodes=7):
    nodes, weights = np.polynomial.hermite.hermgauss(n_nodes)
    theta = np.sqrt(2.0) * nodes
    p = 1.0 / (1.0 + np.exp(-(a[:, None] * theta[None, :] - b[:, None])))
    return np.sum(np.log(p @ (weights / np.sqrt(np.pi))))


def written_before(x, labels):
    idx = labels.copy()
    idx[0] = 2  # a write the prologue must see: it runs this line too
    u = np.unique(idx)
    return np.sum(x[u] ** 2)


def _mesh():
    rng = np.random.default_rng(0)
    gx, gy = np.meshgrid(np.arange(3.0), np.arange(3.0))
    verts = np.column_stack([gx.ravel(), gy.ravel(), 0.1 * rng.standard_normal(9)])
    faces = np.array([[0, 1, 4], [0, 4, 3], [1, 2, 5], [1, 5, 4], [3, 4, 7], [3, 7, 6], [4, 5, 8], [4, 8, 7]])
    return [verts, faces]


def nonzero_pairs(W, X):  # np.nonzero / np.flatnonzero of data: NumPy's, before the call (GloVe)
    rows, cols = np.nonzero(X)
    flat = np.flatnonzero(X > 1.5)
    diff = np.sum(W[rows] * W[cols], axis=1) - np.log(X[rows, cols])
    return np.sum(diff ** 2) + np.sum(W.ravel()[flat % W.size])


def legacy_draws(w, X, seed=3):  # the legacy RandomState: NumPy's draws, before the call, as default_rng's
    rs = np.random.RandomState(seed)
    idx = rs.choice(X.shape[0], size=3, replace=False)
    return np.sum(X[idx] @ w) + np.sum(w * rs.normal(size=3))


def _cox():
    rng = np.random.default_rng(1)
    return [rng.standard_normal(3), rng.standard_normal((12, 3)), rng.integers(1, 6, 12).astype(float),
            (rng.random(12) < 0.7).astype(np.int64)]


CASES = [
    (mesh_edges, _mesh, (0,)),
    (seeded_noise, lambda: [np.random.default_rng(2).standard_normal(3), np.random.default_rng(3).standard_normal((7, 3))], (0,)),
    (cox_ties, _cox, (0,)),
    (quadrature, lambda: [1.0 + 0.1 * np.arange(4.0), np.linspace(-1, 1, 4)], (0, 1)),
    (written_before, lambda: [np.linspace(0.5, 2.0, 5), np.array([4, 1, 1, 3], dtype=np.int64)], (0,)),
    (legacy_draws, lambda: [np.array([0.3, 1.2, 0.7]), np.arange(15.0).reshape(5, 3) / 7], (0, 1)),
    (nonzero_pairs, lambda: [0.1 * np.arange(6.0).reshape(3, 2), np.array([[0.0, 2.0, 1.0], [2.0, 0.0, 3.0],
                                                                          [1.0, 3.0, 0.0]])], (0,)),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_gradient_and_forward(fun, make, wrt):
    args = make()
    check_against_fd(fun, args, wrt, compiled=fun is mesh_edges)
    check_forward(fun, args, wrt, compiled=False)


def test_readable_source_names_what_numpy_computes():
    args = _mesh()
    check_readable(mesh_edges, args, (0,), compiled=False)
    text = adjit.grad(mesh_edges).source(*args)
    assert "def mesh_edges_grad(verts, faces, host_edges):" in text
    assert "# host_edges: computed by NumPy before this code, on every call, by line" in text
    assert "np.unique(np.sort(edges, axis=1), axis=0)" in text


def test_hoisted_values_follow_the_data():
    """The prologue runs on every call: other faces, other edges (and their own specialization
    when their number differs)."""
    g = adjit.grad(mesh_edges)
    verts, faces = _mesh()
    for f in (faces, faces[::-1].copy(), np.roll(faces, 1, axis=1)):  # one specialization (the suite's time)
        from adjit.runtime.gradcheck import numerical_gradient, relative_error

        assert relative_error(g(verts, f), numerical_gradient(mesh_edges, [verts, f], 0, eps=1e-6)) < 1e-6


def reads_differentiated(x):
    s = np.trim_zeros(x)  # (np.unwrap until 76b314d gave it a rule, np.unique until forms/setops.py)
    return np.sum(s)


def unpassable(x, seed):
    table = {"g": np.random.default_rng(seed)}
    return np.sum(x * table["g"].random(3))


def drawn_into_a_dict(x, seed):
    rng = np.random.default_rng(seed)
    table = dict(a=rng.random(3))  # rng.random(3) is lifted out and drawn before the compiled code
    return np.sum(x * table["a"])


def bound_in_loop(x, n):
    for i in range(2):
        k = n + i
    u = np.trim_zeros(np.arange(k))
    return np.sum(x[u])


def test_what_stays_a_located_error():
    # the statement reads a differentiated value: the lowerer's error, at the call
    with pytest.raises(adjit.AdjitNameError, match="`np.trim_zeros` is not supported by adjit"):
        adjit.grad(reads_differentiated)(np.ones(3))
    assert CompiledFunction(reads_differentiated, 0).host is None
    # a name bound inside a loop cannot be computed before the compiled code
    assert CompiledFunction(bound_in_loop, 0).host is None
    with pytest.raises(adjit.AdjitNameError, match="np.trim_zeros"):
        adjit.grad(bound_in_loop)(np.ones(5), 1)


def test_a_value_the_compiled_code_cannot_take_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(unpassable)(np.ones(3), 0)
    assert "test_host.py" in str(e.value) and "table" in str(e.value)
    np.testing.assert_allclose(adjit.grad(drawn_into_a_dict)(np.ones(3), 0), np.random.default_rng(0).random(3))


def writes_argument_through_alias(x, labels):
    idx = labels
    idx[0] = 2  # NumPy changes the caller's array here: not run before the compiled code
    u = np.unique(labels)
    return np.sum(x[u])


def test_a_line_writing_into_an_argument_is_not_hoisted():
    assert CompiledFunction(writes_argument_through_alias, 0).host is None
    assert CompiledFunction(written_before, 0).host is not None  # a copy written: hoisted, with the write


def frozen_prior_and_fixed_noise(x, n=5):
    prior = norm(0, 1)  # frozen: lowered (forms/distributions.py), never run before the compiled code
    noise = norm.rvs(size=n, random_state=0)  # a draw on fixed data: run by NumPy/SciPy
    return np.sum(prior.logpdf(x + noise))


def test_scipy_stats_frozen_and_draws():
    c = CompiledFunction(frozen_prior_and_fixed_noise, 0)
    assert c.host is not None and c.host.hidden == ["host_noise"]
    check_against_fd(frozen_prior_and_fixed_noise, [np.linspace(0, 1, 5), 5], (0,), compiled=False)


def written_from_differentiated(s, f):
    L = np.zeros((3, 3))
    L[0, :] = f  # L now depends on f's values: nothing computed from it may be hoisted
    M = L
    M[1, 0] = s
    lam = np.max(np.abs(np.roots(L[0])))  # np.roots: a function adjit has no rule for
    return np.sum(L ** 2) + lam


def aliased_then_written(s, f):
    L = np.zeros((3, 3))
    M = L  # M shares L's memory
    L[0, :] = f
    lam = np.max(np.abs(np.roots(M[0])))
    return np.sum(L ** 2) + lam


@pytest.mark.parametrize("fun", [written_from_differentiated, aliased_then_written])
def test_an_array_written_from_a_differentiated_value_is_not_hoisted(fun):
    """A line reading an array that earlier lines wrote differentiated values into (directly or
    through a name sharing its memory) carries a derivative: never computed by NumPy before the
    compiled code (the held-out Leslie-matrix program's eigenvalues got a gradient 2e-4 off)."""
    assert CompiledFunction(fun, (0, 1)).host is None
    with pytest.raises(adjit.AdjitNameError, match="np.roots"):
        adjit.grad(fun, wrt=(0, 1))(0.5, np.array([0.1, 0.8, 1.2]))


def scattered_from_differentiated(s, f):
    L = np.zeros(3)
    np.add.at(L, np.array([0, 0, 2]), f)  # an in-place ufunc method: a write into L
    u = np.unique(np.round(L, 1))
    return np.sum(L ** 2) * s + np.sum(u)


def test_an_in_place_ufunc_method_is_a_write():
    assert CompiledFunction(scattered_from_differentiated, (0, 1)).host is None


def _after_an_early_return(x, d):
    if np.sum(d) > 0:
        return np.sum(x ** 2)
    M = np.roots(d)
    return np.sum(x) * np.max(np.abs(M))


def test_a_line_after_an_early_return_is_not_run_first():
    """NumPy may never reach it (here it returns first): it is not run before the compiled code
    (it raised NumPy's errors where NumPy returned a value; found by the fuzzing helper)."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.value_and_grad(_after_an_early_return, wrt=0)(np.ones(3), np.ones(3))
    assert "np.roots" in str(e.value) and e.value.loc is not None


def periods(r, period):  # a loop over a list of numbers NumPy computes before the call
    total = 0.0
    for t in sorted(set(period.tolist())):
        total = total + np.sum(r[period == t]) * (t + 1)
    return total


def test_a_hoisted_loop_over_a_list_of_numbers():
    r, period = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 2, 2, 0])
    check_against_fd(periods, [r, period], (0,), compiled=True)


def reparameterized(mu, logvar, rng):  # a VAE's sample: the generator argument's draws are NumPy's
    eps = rng.normal(size=mu.shape)
    z = mu + np.exp(0.5 * logvar) * eps
    return np.sum(z ** 2) - 0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar)) + np.sum(mu) * rng.standard_normal()


def test_a_generator_argument_draws_as_numpy_does_on_every_call():
    g = adjit.grad(reparameterized, wrt=(0, 1))
    mu, logvar = np.array([0.3, -1.2, 0.7]), np.array([0.1, 0.2, -0.3])
    for rng, twin in ((np.random.default_rng(5), np.random.default_rng(5)),
                      (np.random.RandomState(2), np.random.RandomState(2))):
        for _ in range(2):  # the generator's state advances per call, as NumPy's would
            gmu, glv = g(mu, logvar, rng)
            eps, u = twin.normal(size=3), twin.standard_normal()
            z = mu + np.exp(0.5 * logvar) * eps
            np.testing.assert_allclose(gmu, 2 * z + mu + u, rtol=1e-12)
            np.testing.assert_allclose(glv, z * np.exp(0.5 * logvar) * eps - 0.5 + 0.5 * np.exp(logvar), rtol=1e-12)
    with pytest.raises(adjit.AdjitError, match="'rng' \\(a Generator\\)"):
        adjit.grad(lambda x, rng: np.sum(x) + rng)(mu, np.random.default_rng(0))
