"""Structured arguments (issue 13 items 5 and 6): dicts, lists of tuples, NamedTuples, dataclasses
and nested structures of arrays and numbers as parameters; gradients in the same structure,
checked against central finite differences in float64 over every float leaf; the readable
source; the training toolkit on structures; functools.partial, bound methods and callable
objects; the located errors."""
from __future__ import annotations

import dataclasses
import functools
from typing import NamedTuple

import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, AdjitNameError, AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from adjit.runtime.trees import flatten, unflatten

R = np.random.default_rng(13)


def fd_grad(fun, args: tuple, k: int, eps: float = 1e-6):
    """Central differences of fun with respect to argument k (a structure), in its structure."""
    leaves, tree, _ = flatten(args[k])
    out = []
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, (bool, int, np.integer)) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind != "f"):
            out.append(None)
            continue
        x = np.array(leaf, dtype=np.float64)
        g = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            vals = []
            for s in (eps, -eps):
                xp = x.copy()
                xp[j] += s
                new = list(leaves)
                new[i] = xp if isinstance(leaf, np.ndarray) else float(xp)
                a = list(args)
                a[k] = unflatten(tree, new)
                vals.append(fun(*a))
            g[j] = (vals[0] - vals[1]) / (2 * eps)
        out.append(g if isinstance(leaf, np.ndarray) else float(g))
    return unflatten(tree, out)


def assert_tree_close(got, want, rtol=1e-6, atol=1e-8):
    gl, gt, _ = flatten(got)
    wl, wt, _ = flatten(want)
    assert gt == wt, f"structure {gt} != {wt}"
    for a, b in zip(gl, wl):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# -------------------------------------------------------------------------------- functions

def mlp_dict(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    y = params["W2"] @ h + params["b2"]
    return np.sum(y ** 2) * params["scale"]


def mlp_layers(layers, x):
    for W, b in layers:
        x = np.tanh(W @ x + b)
    return np.sum(x ** 2)


class Linear(NamedTuple):
    W: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Net:
    first: Linear
    second: Linear
    temperature: float
    depth: int
    name: str = "net"


def namedtuple_loss(p, x):
    return np.sum(np.sin(p.W @ x + p.b)) + np.sum(p[0] ** 2) * 0.1


def dataclass_loss(net, x):
    h = np.tanh(net.first.W @ x + net.first.b)
    for _ in range(net.depth):
        h = np.tanh(h) * 0.9
    if net.name == "net":
        h = h * net.temperature
    return np.sum(net.second.W @ h + net.second.b)


def nested_loss(p, x):
    enc = p["enc"]
    h = x
    for k, layer in enumerate(enc["layers"]):
        h = np.tanh(layer["W"] @ h + layer["b"]) * (k + 1)
    w, c = p["head"]
    return np.sum(w * h) + c * np.sum(h)


def _dict_params(dtype=np.float64):
    return {"W1": R.normal(size=(4, 3)).astype(dtype), "b1": R.normal(size=4).astype(dtype),
            "W2": R.normal(size=(2, 4)).astype(dtype), "b2": R.normal(size=2).astype(dtype), "scale": 0.7}


# ---------------------------------------------------------------------------- gradients

def test_dict_params_gradient_against_finite_differences():
    params, x = _dict_params(), R.normal(size=3)
    g = adjit.grad(mlp_dict)(params, x)
    assert isinstance(g, dict) and list(g) == list(params)
    assert isinstance(g["scale"], float)
    assert_tree_close(g, fd_grad(mlp_dict, (params, x), 0))


def test_wrt_names_a_structure_and_a_plain_argument():
    params, x = _dict_params(), R.normal(size=3)
    value, (gp, gx) = adjit.value_and_grad(mlp_dict, wrt=("params", "x"))(params, x)
    assert value == pytest.approx(mlp_dict(params, x))
    assert_tree_close(gp, fd_grad(mlp_dict, (params, x), 0))
    np.testing.assert_allclose(gx, fd_grad(mlp_dict, (params, x), 1), rtol=1e-6, atol=1e-8)
    gx_only = adjit.grad(mlp_dict, wrt=1)(params, x)
    np.testing.assert_allclose(gx_only, gx, rtol=1e-12)


def test_list_of_tuples_gradient():
    layers = [(R.normal(size=(4, 3)), R.normal(size=4)), (R.normal(size=(2, 4)), R.normal(size=2))]
    x = R.normal(size=3)
    g = adjit.grad(mlp_layers)(layers, x)
    assert isinstance(g, list) and all(isinstance(t, tuple) and len(t) == 2 for t in g)
    assert_tree_close(g, fd_grad(mlp_layers, (layers, x), 0))
    # a tuple of tuples is another structure: its own specialization, a tuple back
    gt = adjit.grad(mlp_layers)(tuple(layers), x)
    assert isinstance(gt, tuple)
    assert_tree_close(list(gt), g, rtol=1e-12)


def test_namedtuple_gradient():
    p, x = Linear(R.normal(size=(3, 4)), R.normal(size=3)), R.normal(size=4)
    g = adjit.grad(namedtuple_loss)(p, x)
    assert type(g) is Linear
    assert_tree_close(g, fd_grad(namedtuple_loss, (p, x), 0))


def test_dataclass_with_int_and_str_fields():
    net = Net(Linear(R.normal(size=(4, 3)), R.normal(size=4)), Linear(R.normal(size=(2, 4)), R.normal(size=2)),
              1.3, 2)
    x = R.normal(size=3)
    g = adjit.grad(dataclass_loss)(net, x)
    assert type(g) is Net and type(g.first) is Linear
    assert g.depth is None and g.name == "net"  # integer leaves: None; str fields as they are
    want = fd_grad(dataclass_loss, (net, x), 0)
    want.depth = None
    assert_tree_close(g, want)


def test_nested_structure_gradient():
    p = {"enc": {"layers": [{"W": R.normal(size=(3, 3)), "b": R.normal(size=3)} for _ in range(2)]},
         "head": (R.normal(size=3), 0.4)}
    x = R.normal(size=3)
    g = adjit.grad(nested_loss)(p, x)
    assert_tree_close(g, fd_grad(nested_loss, (p, x), 0))


def test_float32_leaves_keep_their_dtype():
    params, x = _dict_params(np.float32), R.normal(size=3).astype(np.float32)
    g = adjit.grad(mlp_dict)(params, x)
    assert g["W1"].dtype == np.float32
    ref = adjit.grad(mlp_dict)({k: np.float64(v) if np.isscalar(v) else v.astype(np.float64)
                                for k, v in params.items()}, x.astype(np.float64))
    np.testing.assert_allclose(g["W1"], ref["W1"], rtol=1e-3, atol=1e-4)


def test_structures_are_part_of_the_specialization():
    g = adjit.grad(lambda_free_sum)
    a = g({"a": np.ones(3), "b": np.ones(3) * 2})
    b = g({"b": np.ones(3), "a": np.ones(3) * 2})  # the same leaves, other keys in other order
    assert list(a) == ["a", "b"] and list(b) == ["b", "a"]
    np.testing.assert_allclose(a["a"], 1.0)
    np.testing.assert_allclose(a["b"], 4.0)
    np.testing.assert_allclose(b["a"], 1.0)
    np.testing.assert_allclose(b["b"], 2.0)
    with pytest.raises(AdjitTypeError, match="p is a list argument: index it with an integer, not 'a'"):
        g([np.ones(3), np.ones(3)])


def lambda_free_sum(p):
    return np.sum(p["a"]) + np.sum(p["b"] ** 2)


def count_loss(p, x):
    s = 0.0
    for name in p:
        s = s + np.sum(p[name] * x)
    for name, w in p.items():
        s = s + np.sum(w ** 2)
    n = len(p)
    if "bias" in p:
        s = s + p["bias"][0]
    return s * n


def test_iteration_over_a_dict_len_and_in():
    p, x = {"a": R.normal(size=3), "bias": R.normal(size=3)}, R.normal(size=3)
    g = adjit.grad(count_loss)(p, x)
    assert_tree_close(g, fd_grad(count_loss, (p, x), 0))


def test_readable_source_names_the_leaves():
    params, x = _dict_params(), R.normal(size=3)
    src = adjit.grad(mlp_dict).source(params, x)
    assert "def mlp_dict(params_W1, params_b1, params_W2, params_b2, params_scale, x):" in src
    assert '# h = np.tanh(params["W1"] @ x + params["b1"])' in src
    assert "dparams_W1" in src
    layers = [(np.ones((2, 2)), np.ones(2))]
    assert "layers_0_0" in adjit.grad(mlp_layers).source(layers, np.ones(2))


# ----------------------------------------------------------------------------- training

def test_adam_step_on_a_dict_of_params():
    params, x = _dict_params(), R.normal(size=3)
    params["scale"] = np.array([0.7])  # optimizers update arrays in place
    nested = {"net": {k: v for k, v in params.items()}}

    def loss(p, x):
        q = p["net"]
        return np.sum((q["W2"] @ np.tanh(q["W1"] @ x + q["b1"]) + q["b2"]) ** 2) * q["scale"][0]

    before = {k: v.copy() for k, v in nested["net"].items()}
    opt = adjit.optim.Adam(nested, lr=0.01)
    g = adjit.grad(loss)(nested, x)
    clipped, norm = adjit.clip.clip_by_global_norm(g, 1.0)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(v ** 2) for v in g["net"].values())))
    assert adjit.clip.global_norm(clipped) <= 1.0 + 1e-9
    opt.step(clipped)
    for k, v in nested["net"].items():  # Adam's first step: lr * g / (|g| + eps), lr * sign(g) unless g is tiny
        c = clipped["net"][k]
        np.testing.assert_allclose(v, before[k] - 0.01 * c / (np.abs(c) + 1e-8), rtol=1e-6, atol=1e-9)
    assert loss(nested, x) < loss({"net": before}, x)


def test_sgd_on_a_list_of_tuples():
    layers = [(R.normal(size=(3, 3)), R.normal(size=3)) for _ in range(2)]
    old = [(W.copy(), b.copy()) for W, b in layers]
    g = adjit.grad(mlp_layers)(layers, np.ones(3))
    adjit.optim.SGD(layers, lr=0.1).step(g)
    for (W, b), (W0, b0), (gW, gb) in zip(layers, old, g):
        np.testing.assert_allclose(W, W0 - 0.1 * gW)
        np.testing.assert_allclose(b, b0 - 0.1 * gb)


# ------------------------------------------------------------------ partial, methods, objects

def three(W, b, x):
    return np.sum(np.tanh(W @ x + b) ** 2)


def test_functools_partial():
    W, b, x = R.normal(size=(3, 3)), R.normal(size=3), R.normal(size=3)
    g = adjit.grad(functools.partial(three, W), wrt=0)  # positions count the remaining arguments: b
    np.testing.assert_allclose(g(b, x), fd_grad(three, (W, b, x), 1), rtol=1e-6, atol=1e-8)
    gx = adjit.grad(functools.partial(three, x=x), wrt="W")
    np.testing.assert_allclose(gx(W, b), fd_grad(three, (W, b, x), 0), rtol=1e-6, atol=1e-8)
    with pytest.raises(ArgumentError, match="bound already"):
        adjit.grad(functools.partial(three, W), wrt="W")


class Model:
    scale = 2.0

    def __init__(self):
        self.W = R.normal(size=(3, 3))
        self.b = R.normal(size=3)
        self.rng = np.random.default_rng(0)  # never read by the loss: never flattened

    def predict(self, x):
        return np.tanh(self.W @ x + self.b)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2) * self.scale

    def bad(self, x):
        return np.sum(x) + self.rng

    def __call__(self, x):
        return self.loss(x)


def test_bound_method_and_callable_object():
    m, x = Model(), R.normal(size=3)
    plain = lambda x: m.loss(x)  # noqa: E731
    want = fd_grad(plain, (x,), 0)
    np.testing.assert_allclose(adjit.grad(m.loss)(x), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(adjit.grad(m)(x), want, rtol=1e-6, atol=1e-8)
    m.W = m.W * 2  # the attributes are read at each call: a new value, a new result
    np.testing.assert_allclose(adjit.grad(m.loss)(x), fd_grad(plain, (x,), 0), rtol=1e-6, atol=1e-8)


def test_method_reading_an_unreadable_attribute():
    with pytest.raises(AdjitTypeError, match=r"self.rng is a Generator") as e:
        adjit.grad(Model().bad)(np.ones(3))
    assert "test_structures.py" in str(e.value)


# ------------------------------------------------------------------------------ jvp and vjp

def test_jvp_and_vjp_with_structures_agree_with_grad():
    params, x = _dict_params(), R.normal(size=3)
    t = {k: R.normal(size=np.shape(v)) if isinstance(v, np.ndarray) else 0.3 for k, v in params.items()}
    value, dot = adjit.jvp(mlp_dict, (params, x), (t, None))
    g = adjit.grad(mlp_dict)(params, x)
    assert value == pytest.approx(mlp_dict(params, x))
    assert dot == pytest.approx(sum(np.sum(g[k] * t[k]) for k in params), rel=1e-10)
    out, pull = adjit.vjp(mlp_dict, params, x)
    gp, gx = pull(1.0)
    assert_tree_close(gp, g, rtol=1e-12)
    np.testing.assert_allclose(gx, adjit.grad(mlp_dict, wrt=1)(params, x), rtol=1e-12)


# ------------------------------------------------------------- jacobian, hessian, hvp (JAX's pytrees)

def mlp_out(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    return (params["W2"] @ h + params["b2"]) * params["scale"]


def _blocks_close(got, want, rtol, atol=1e-9):
    assert (got is None) == (want is None)
    if got is not None:
        np.testing.assert_allclose(np.asarray(got, float), np.asarray(want, float), rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_jacobian_of_a_structure_has_one_block_per_leaf(mode):
    params, x = _dict_params(), R.normal(size=3)
    params["steps"] = 2  # an integer leaf: no derivative, None in its place
    J = adjit.jacobian(mlp_out, mode=mode)(params, x)
    assert list(J) == list(params) and J["steps"] is None
    for k, leaf in params.items():
        if k == "steps":
            continue
        assert np.shape(J[k]) == (2,) + np.shape(leaf)
        for i in range(2):  # row i: the gradient of output i, against differences
            want = fd_grad(lambda p, x: mlp_out(p, x)[i], (params, x), 0)[k]
            _blocks_close(np.asarray(J[k])[i], want, rtol=1e-6)
    assert adjit.jacobian(mlp_out)(params, x)["W1"].shape == (2, 4, 3)


def test_hessian_of_a_structure_is_nested_and_matches_second_differences():
    params, x = _dict_params(), R.normal(size=3)
    params["steps"] = 2
    H = adjit.hessian(mlp_dict)(params, x)
    g = adjit.grad(mlp_dict)
    floats = [k for k in params if k != "steps"]
    assert list(H) == list(params) and H["steps"] is None
    for a in floats:
        assert H[a]["steps"] is None
        for b in floats:
            assert np.shape(H[a][b]) == np.shape(params[a]) + np.shape(params[b])
            _blocks_close(H[a][b], np.swapaxes(np.asarray(H[b][a]).reshape(np.size(params[b]), np.size(params[a])),
                                               0, 1).reshape(np.shape(H[a][b])), rtol=1e-12)
        # row a of blocks against second differences: the differences of probe . (the gradient's leaf a)
        col = fd_grad(lambda p, x, a=a: np.sum(g(p, x)[a] * _probe(a)), (params, x), 0)
        for b in floats:
            # atol: central differences of a gradient at eps = 1e-6 are good to about 1e-9 absolute
            _blocks_close(np.tensordot(_probe(a), np.asarray(H[a][b]), axes=np.ndim(_probe(a))), col[b], rtol=1e-6,
                          atol=1e-8)


def test_hessian_of_a_structure_and_an_array_together():
    params, x = _dict_params(), R.normal(size=3)
    Hp, (Hxp, Hxx) = adjit.hessian(mlp_dict, argnums=(0, 1))(params, x)  # as jax.hessian nests them: H[0] has
    H = adjit.hessian(mlp_dict)(params, x)                                # p's structure, at each leaf (by p, by x)
    gx = adjit.grad(mlp_dict, wrt=1)
    for a in params:
        Hpp_a, Hpx_a = Hp[a]
        for b in params:
            _blocks_close(Hpp_a[b], H[a][b], rtol=1e-12)
        assert np.shape(Hpx_a) == np.shape(params[a]) + (3,) and np.shape(Hxp[a]) == (3,) + np.shape(params[a])
        # d/dp[a] of the gradient by x, against differences
        want = fd_grad(lambda p, x: np.sum(gx(p, x) * _probe_x()), (params, x), 0)[a]
        _blocks_close(np.tensordot(_probe_x(), np.asarray(Hxp[a]), axes=1), want, rtol=1e-6)
    _blocks_close(Hxx, adjit.hessian(mlp_dict, argnums=1)(params, x), rtol=1e-12)


def _probe_x():
    return np.array([0.3, -1.1, 0.7])


def _probe(key):
    """A fixed direction per leaf (to check a whole block column with one difference per element)."""
    shapes = {"W1": (4, 3), "b1": (4,), "W2": (2, 4), "b2": (2,), "scale": ()}
    return np.cos(np.arange(int(np.prod(shapes[key]))) + len(key)).reshape(shapes[key])


def test_hvp_of_a_structure_takes_and_returns_the_structure():
    params, x = _dict_params(), R.normal(size=3)
    v = {k: R.normal(size=np.shape(p)) if isinstance(p, np.ndarray) else 0.4 for k, p in params.items()}
    hv = adjit.hvp(mlp_dict)(params, x, v)
    H = adjit.hessian(mlp_dict)(params, x)
    assert list(hv) == list(params)
    for a in params:  # hvp = H v, block by block
        want = sum(np.tensordot(np.asarray(H[a][b]), np.asarray(v[b]), axes=np.ndim(v[b])) for b in params)
        _blocks_close(hv[a], want, rtol=1e-12)
    _, gdot = adjit.jvp(adjit.grad(mlp_dict), (params, x), (v, None))  # jvp of grad: the same, in the structure
    assert_tree_close(gdot, hv, rtol=1e-12)
    with pytest.raises(ArgumentError, match="structure"):  # v must have the structure of the argument
        adjit.hvp(mlp_dict)(params, x, [1.0])
    with pytest.raises(ArgumentError, match="shape"):
        adjit.hvp(mlp_dict)(params, x, {**v, "W1": np.ones(3)})


# ---------------------------------------------------------------------------------- errors

def writes(params, x):
    params["W1"] = params["W1"] * 2
    return np.sum(params["W1"] @ x)


def missing_key(params, x):
    return np.sum(params["W3"] @ x)


def index_in_loop(layers, x):
    for i in range(len(layers)):
        x = layers[i][0] @ x
    return np.sum(x)


def test_located_errors():
    params, x = _dict_params(), R.normal(size=3)
    with pytest.raises(UnsupportedSyntaxError, match="read-only") as e:
        adjit.grad(writes)(params, x)
    assert 'params["W1"] = params["W1"] * 2' in str(e.value) and "^" in str(e.value)
    with pytest.raises(AdjitNameError, match="has no key 'W3'"):
        adjit.grad(missing_key)(params, x)
    with pytest.raises(AdjitTypeError, match="constant") as e:
        adjit.grad(index_in_loop)([(np.ones((2, 2)), np.ones(2))], np.ones(2))
    assert "for item in layers" in str(e.value)
    with pytest.raises(AdjitTypeError, match="holds no float"):
        adjit.grad(lambda_free_sum)({"a": np.ones(3, dtype=int), "b": np.ones(3, dtype=int)})
    with pytest.raises(AdjitTypeError, match=r"argument 'params': params\['W1'\] is a set"):
        adjit.grad(mlp_dict)({"W1": {1, 2}}, x)


def test_source_that_cannot_be_read():
    ns: dict = {}
    exec("import numpy as np\ndef f(x):\n    return np.sum(x)\n", ns)
    with pytest.raises(AdjitError, match=r"cannot read the source of f: it was made from a string") as e:
        adjit.grad(ns["f"])
    assert "<string>:2" in str(e.value)
    with pytest.raises(ArgumentError, match="no Python source"):
        adjit.grad(np.sin)


def doubles(x):
    return np.sum(x * 2.0)


def test_a_list_used_as_an_array_is_a_located_error():
    # a list argument times a float: Python's TypeError (a list with an array is NumPy's elementwise product)
    with pytest.raises(AdjitTypeError, match="can't multiply sequence by non-int of type 'float'") as e:
        adjit.grad(doubles)([1.0, 2.0])
    assert "x * 2.0" in str(e.value) and "np.array([...])" in str(e.value)
