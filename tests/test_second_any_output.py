"""Second derivatives of any function (issue 13): adjit.hessian of a function returning an array or a
structure, and Jacobians of Jacobians (jacfwd(jacrev(f)), mixed argnums), nested as JAX nests them
(adjit/second.py); jacfwd by a structured argument with batched tangents. Each against second
central differences of the NumPy function in float64."""
from typing import NamedTuple

import numpy as np
import pytest

import adjit
from adjit.batched import BATCHED
from adjit.compiler.errors import ArgumentError

R = np.random.default_rng(7)


class Out(NamedTuple):
    h: object
    s: object


def vec(x, y):
    return np.sin(x) * np.sum(x ** 2) * y[1] + np.tanh(y[0] * x)


def structured(p, y):
    h = np.sin(p["a"]) * np.sum(p["b"] * y)
    return {"h": h, "o": Out(np.sum(np.tanh(p["a"] * 0.7)) * p["c"], p["b"] ** 3 * y[0]), "n": 3}


def second_differences(f, args, i, j, eps=1e-4):
    """d2 f / d args[i] d args[j] (arrays), shape out.shape + args[i].shape + args[j].shape."""
    args = [np.array(a, dtype=float) for a in args]
    out = np.asarray(f(*args))
    H = np.zeros(out.shape + args[i].shape + args[j].shape)
    for a in np.ndindex(*args[i].shape):
        for b in np.ndindex(*args[j].shape):
            total = 0.0
            for sa, sb in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                moved = [x.copy() for x in args]
                moved[i][a] += sa * eps
                moved[j][b] += sb * eps
                total = total + sa * sb * np.asarray(f(*moved))
            H[(Ellipsis,) + a + b] = total / (4 * eps * eps)
    return H


def test_hessian_of_a_vector_function():
    """adjit.hessian took a scalar only (a located error); jax.hessian gives out.shape + x.shape +
    x.shape. Batched (K tangents per call) and one tangent per call agree."""
    x, y = R.standard_normal(3), R.standard_normal(2)
    H = adjit.hessian(vec)(x, y)
    assert H.shape == (3, 3, 3)
    assert np.allclose(H, second_differences(vec, (x, y), 0, 0), rtol=1e-6, atol=1e-6)
    assert BATCHED["last"].startswith("batched")
    from adjit.second import second_derivative

    assert np.allclose(second_derivative(vec, 0, 0, (x, y), batched=False), H, rtol=1e-13, atol=1e-14)
    H01 = adjit.hessian(vec, argnums=(0, 1))(x, y)  # ((Hxx, Hxy), (Hyx, Hyy))
    for i in range(2):
        for j in range(2):
            assert H01[i][j].shape == (3,) + (x, y)[i].shape + (x, y)[j].shape
            assert np.allclose(H01[i][j], second_differences(vec, (x, y), i, j), rtol=1e-6, atol=1e-6)
    assert "forward mode over the vjp" in adjit.hessian(vec).source(x, y).splitlines()[0]


def test_jacobians_of_jacobians():
    """jacfwd(jacrev(f)) was a located error; any two modes and argnums give f's second derivative,
    the inner argnums outside the outer ones."""
    x, y = R.standard_normal(3), R.standard_normal(2)
    Hxy = second_differences(vec, (x, y), 0, 1)
    for J in (adjit.jacfwd(adjit.jacrev(vec), argnums=1), adjit.jacrev(adjit.jacfwd(vec), argnums=1),
              adjit.jacobian(adjit.jacobian(vec, argnums=0), argnums=1)):
        got = J(x, y)
        assert got.shape == (3, 3, 2) and np.allclose(got, Hxy, rtol=1e-6, atol=1e-6)
    got = adjit.jacfwd(adjit.jacrev(vec, argnums=(0, 1)), argnums=0)(x, y)  # (d2/dx dx, d2/dy dx)
    assert isinstance(got, tuple) and got[1].shape == (3, 2, 3)
    assert np.allclose(got[1], second_differences(vec, (x, y), 1, 0), rtol=1e-6, atol=1e-6)
    with pytest.raises(ArgumentError, match="has_aux=True on both"):
        adjit.jacfwd(adjit.jacrev(vec, has_aux=True))


def test_hessian_of_a_structured_result_by_a_structure():
    """jax.hessian of a dict result by a dict argument: the output's structure outside, then
    H[a][b] of shape out_leaf.shape + p[a].shape + p[b].shape; an integer result has None."""
    p = {"a": R.standard_normal(3), "b": R.standard_normal(2), "c": 0.7}
    y = R.standard_normal(2)
    H = adjit.hessian(structured)(p, y)
    assert H["n"] is None and isinstance(H["o"], Out)
    assert H["o"].s["b"]["b"].shape == (2, 2, 2) and H["h"]["a"]["c"].shape == (3, 3)
    flat = lambda a, b: structured({"a": a, "b": b, "c": p["c"]}, y)  # noqa: E731
    for leaf in ("h", "s"):
        pick = (lambda a, b: flat(a, b)["h"]) if leaf == "h" else (lambda a, b: flat(a, b)["o"].s)
        got = H["h"] if leaf == "h" else H["o"].s
        for i, u in enumerate("ab"):
            for j, v in enumerate("ab"):
                want = second_differences(pick, (p["a"], p["b"]), i, j)
                assert np.allclose(got[u][v], want, rtol=1e-6, atol=1e-6), (leaf, u, v)


def test_jacfwd_by_a_structure_batches_its_tangents():
    """jacfwd by a dict / NamedTuple argument took one JVP per element; now K tangents per call,
    equal to jacrev, an integer leaf None, a float32 leaf in its dtype."""
    q = Out(R.standard_normal(3), 0.4)
    p = {"a": R.standard_normal(3), "b": R.standard_normal(2).astype(np.float32), "k": 2, "q": q}

    def f(p, y):
        return {"u": np.sin(p["a"]) * p["q"].s * p["k"], "v": np.sum(p["b"] * y) * p["q"].h}

    y = R.standard_normal(2)
    BATCHED["last"] = None
    Jf = adjit.jacfwd(f)(p, y)
    assert BATCHED["last"].startswith("batched")
    Jr = adjit.jacrev(f)(p, y)
    for o in ("u", "v"):
        assert Jf[o]["k"] is None and isinstance(Jf[o]["q"], Out)
        for got, want in ((Jf[o]["a"], Jr[o]["a"]), (Jf[o]["b"], Jr[o]["b"]), (Jf[o]["q"].h, Jr[o]["q"].h),
                          (Jf[o]["q"].s, Jr[o]["q"].s)):
            assert np.shape(got) == np.shape(want) and np.allclose(got, want, rtol=1e-6, atol=1e-6)
    assert "batched tangents" in adjit.jacfwd(f).source(p, y).splitlines()[0]
