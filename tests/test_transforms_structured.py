"""Structured results under the AD family (issue 13): a dict, NamedTuple or dataclass returned (nested
with tuples and lists), a structured aux, jvp of grad(f, has_aux=True), and the Jacobians and
Hessians by several arguments nested as JAX nests them. Checked against central differences in
float64 and against each other (the vjp/jvp dot-product test); a few compiled cases."""
import dataclasses
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import adjit
from adjit.compiler.jit import CompiledFunction

R = np.random.default_rng(1313)


@pytest.fixture
def as_python(monkeypatch):
    """Every specialization's generated module run as plain Python (no Numba compile: the suite's
    budget); the public API around it (structures, aux, nesting) runs as it is."""
    spec_for, found = CompiledFunction._spec_for, {}

    def python_spec(self, args):
        spec = spec_for(self, args)
        if spec.key not in found:
            text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", spec.lowered, flags=re.M)
            assert n == 1
            ns: dict = {"__name__": "adjit_test_lowered_structured"}
            exec(compile(text, "<lowered>", "exec"), ns)
            found[spec.key] = dataclasses.replace(spec, entry=ns[self.entry_name], forward=ns[self.name])
        return found[spec.key]

    monkeypatch.setattr(CompiledFunction, "_spec_for", python_spec)


class Q(NamedTuple):
    s: object
    y: object


@dataclass
class D:
    h2: object


def nested_out(x, W):
    h = np.tanh(W @ x)
    return {"h": h, "q": Q(np.sum(h * h), [x * 3.0, None]), "d": D(h * x[0]), "n": x.shape[0]}


def _fd(f, x, v, eps=1e-6):
    """The central difference of f's leaves along v (float leaves only; others as they are)."""
    plus, minus = f(x + eps * v), f(x - eps * v)
    leaves = adjit.outputs.leaves
    diffs = [(np.asarray(p) - np.asarray(m)) / (2 * eps) if np.asarray(p).dtype.kind == "f" else p
             for p, m in zip(leaves(plus), leaves(minus))]
    return adjit.outputs.rebuild(plus, diffs)


def test_dict_namedtuple_and_dataclass_results_under_jvp_vjp_and_jacobians(as_python):
    """A dict returned (with a NamedTuple, a list, a dataclass, None and an int inside) was a
    located error ('dicts, NamedTuples and dataclasses as results are not supported yet'); now the
    value, jvp's tangent, vjp's cotangent and the Jacobians have its structure, as in JAX."""
    x, W, v = R.standard_normal(3), R.standard_normal((4, 3)), R.standard_normal(3)
    out, t = adjit.jvp(nested_out, (x, W), (v, None))
    assert isinstance(out["q"], Q) and isinstance(out["d"], D) and out["q"].y[1] is None and out["n"] == 3
    assert isinstance(out["q"].y, list) and isinstance(t["q"], Q) and isinstance(t["d"], D)
    fd = _fd(lambda x: nested_out(x, W), x, v)
    for got, want in zip(adjit.outputs.leaves(t), adjit.outputs.leaves(fd)):
        if np.asarray(want).dtype.kind == "f":
            assert np.allclose(got, want, rtol=1e-7, atol=1e-9)
    out2, pull = adjit.vjp(nested_out, x, W)
    ct = {"d": D(R.standard_normal(4)), "h": R.standard_normal(4), "q": Q(0.7, [R.standard_normal(3), None]),
          "n": None}  # keys in another order: as JAX (which sorts them), any order
    dx, dW = pull(ct)
    tl, cl = adjit.outputs.leaves(t), adjit.outputs.leaves({k: ct[k] for k in out2})
    lhs = sum(float(np.sum(np.asarray(a) * np.asarray(b))) for a, b in zip(tl, cl) if np.asarray(a).dtype.kind == "f")
    assert lhs == pytest.approx(float(dx @ v), rel=1e-10)  # <ct, J v> = <J^T ct, v>
    with pytest.raises(adjit.ArgumentError, match="structure"):
        pull({"h": ct["h"]})
    Jf, Jr = adjit.jacfwd(nested_out)(x, W), adjit.jacrev(nested_out)(x, W)
    assert Jf["n"] is None and Jf["q"].y[1] is None and isinstance(Jr["d"], D)
    assert Jf["h"].shape == (4, 3) and np.allclose(Jf["h"], Jr["h"], rtol=1e-12)
    assert np.allclose(Jf["d"].h2 @ v, t["d"].h2, rtol=1e-12) and np.allclose(Jr["q"].s, Jf["q"].s, rtol=1e-12)


def test_a_dict_returned_compiled_keeps_float32_numbers():
    """The one compiled case: a dict of a float32 array and a float32 number (it came back as a
    Python float: the structure's leaves had no dtype of their own), through Numba."""
    def f(x):
        return {"a": np.sin(x), "b": Q(np.sum(x * x), None)}

    x, v = np.array([0.5, -1.0, 2.0], dtype=np.float32), np.array([1.0, 2.0, -1.0], dtype=np.float32)
    out, t = adjit.jvp(f, (x,), (v,))
    assert isinstance(out["b"], Q) and out["b"].y is None and type(out["b"].s) is np.float32
    assert type(t["b"].s) is np.float32 and t["a"].dtype == np.float32
    assert t["b"].s == pytest.approx(float(2 * x @ v), rel=1e-6) and np.allclose(t["a"], np.cos(x) * v, rtol=1e-6)


def test_jacobian_by_several_arguments_nests_the_output_outside(as_python):
    """jacobian(f, argnums=(0, 1)) of a structured result gave the tuple of per-argument Jacobians
    outside; JAX puts the output's structure outside and the tuple at each of its leaves."""
    def f(x, y):
        return {"a": np.sin(x) * y[0], "b": np.sum(x * x) * y}

    x, y = R.standard_normal(3), R.standard_normal(2)
    J = adjit.jacobian(f, argnums=(0, 1))(x, y)
    (Jax, Jay), (Jbx, Jby) = J["a"], J["b"]
    assert Jax.shape == (3, 3) and Jay.shape == (3, 2) and Jbx.shape == (2, 3) and Jby.shape == (2, 2)
    assert np.allclose(Jax, np.diag(np.cos(x)) * y[0], rtol=1e-12) and np.allclose(Jay[:, 0], np.sin(x), rtol=1e-12)
    assert np.allclose(Jbx, np.outer(y, 2 * x), rtol=1e-12) and np.allclose(Jby, np.eye(2) * np.sum(x * x), rtol=1e-12)


def test_structured_aux_and_jvp_of_a_gradient_with_aux(as_python):
    """aux a dict holding a list (was 'aux must be an array, a number or a tuple of them'), and
    jvp(grad(f, has_aux=True)) (was an ArgumentError): ((g, aux), (g_dot, aux_dot)) as jax.jvp
    gives it, aux differentiated too; jacrev of the gradient with has_aux=True."""
    def f(x, W):
        h = np.tanh(W @ x)
        return np.sum(h ** 2), {"h": h, "n": [np.sum(x), x * 2.0]}

    x, W, v = R.standard_normal(3), R.standard_normal((4, 3)), R.standard_normal(3)
    g, aux = adjit.grad(f, has_aux=True)(x, W)
    assert isinstance(aux["n"], list) and np.allclose(aux["h"], np.tanh(W @ x), rtol=1e-14)
    (g2, aux2), (g_dot, aux_dot) = adjit.jvp(adjit.grad(f, has_aux=True), (x, W), (v, None))
    assert np.allclose(g2, g, rtol=1e-13) and isinstance(aux_dot["n"], list)
    gfd = _fd(lambda x: adjit.grad(f, has_aux=True)(x, W)[0], x, v)
    assert np.allclose(g_dot, gfd, rtol=1e-6, atol=1e-8)
    assert np.allclose(aux_dot["h"], (1 - np.tanh(W @ x) ** 2) * (W @ v), rtol=1e-12)
    assert aux_dot["n"][0] == pytest.approx(np.sum(v)) and np.allclose(aux_dot["n"][1], 2 * v)
    H, aux3 = adjit.jacrev(adjit.grad(f, has_aux=True), has_aux=True)(x, W)
    assert np.allclose(H @ v, g_dot, rtol=1e-10) and isinstance(aux3["n"], list)


def test_an_object_of_a_plain_class_returned_is_a_located_error():
    class Box:
        def __init__(self, a):
            self.a = a

    def f(x):
        return Box(np.sin(x))

    with pytest.raises(adjit.AdjitTypeError, match="plain class") as e:
        adjit.jvp(f, (np.ones(2),), (np.ones(2),))
    assert "test_transforms_structured.py" in str(e.value).splitlines()[0] and "dataclass" in e.value.hint


def test_hvp_takes_any_vector_numpy_would_and_refuses_another_shape(as_python):
    """hvp's call path for one array argument (it skips the general tangent and gradient plumbing:
    6-12 us less Python per call, against a 250-300 us hvp of the seed loss): a list, a
    float32 or strided vector is read as the compiled code needs it, a number gives a float, and a
    vector of another shape is the ArgumentError it was."""
    def f(x, W):
        return np.sum(np.tanh(W @ x) ** 2) + np.sum(x ** 4)

    x, W, v = R.standard_normal(3), R.standard_normal((2, 3)), R.standard_normal(6)
    hvp = adjit.hvp(f)
    want = adjit.hessian(f)(x, W) @ v[::2]
    for given in (v[::2], list(v[::2]), v[::2].astype(np.float32)):
        assert np.allclose(hvp(x, W, given), want, rtol=1e-6 if isinstance(given, np.ndarray) and
                           given.dtype == np.float32 else 1e-12)
    with pytest.raises(adjit.ArgumentError, match="vector v for argument 0 has shape"):
        hvp(x, W, np.ones(2))
    got = adjit.hvp(lambda a, b: a ** 3 * b)(0.5, 2.0, 1.0)
    assert type(got) is float and got == pytest.approx(6.0)


def test_branches_returning_dicts_join_leaf_by_leaf(as_python):
    """`if ...: return {"a": ..., "b": ...} else: return {"b": ..., "a": ...}` (keys in any order)
    was 'the dict is used here as one array'; each leaf is now one output of the `if`. Branches
    returning different structures are a located error naming where they differ."""
    def f(x, y):
        if y[0] > 0:
            return {"a": np.sin(x), "b": np.sum(x)}
        return {"b": np.sum(x * x), "a": np.cos(x)}

    def g(x, y):
        if y[0] > 0:
            return {"a": np.sin(x), "b": np.sum(x)}
        return {"a": np.cos(x), "c": np.sum(x)}

    x, v = R.standard_normal(3), R.standard_normal(3)
    for y, da, db in ((np.ones(2), np.cos(x) * v, np.sum(v)), (-np.ones(2), -np.sin(x) * v, 2 * x @ v)):
        out, t = adjit.jvp(f, (x, y), (v, None))
        assert list(out) == ["a", "b"] and np.allclose(t["a"], da, rtol=1e-12) and t["b"] == pytest.approx(db)
        (dx, _) = adjit.vjp(f, x, y)[1]({"a": v, "b": 2.0})
        assert float(dx @ v) == pytest.approx(float(da @ v) + 2.0 * db, rel=1e-10)  # <J^T ct, v> = <ct, J v>
    with pytest.raises(adjit.AdjitTypeError, match="different structures") as e:
        adjit.jvp(g, (x, np.ones(2)), (v, None))
    assert "test_transforms_structured.py" in str(e.value).splitlines()[0]


class State(NamedTuple):
    h: object
    c: object


def test_namedtuple_replace_makes_a_new_one(as_python):
    """`s._replace(h=...)` of a NamedTuple (JAX code's state updates) was 'has no attribute
    _replace'; now a new NamedTuple of the class, in a loop too, returned as one."""
    def f(x):
        s = State(x * 1.0, 0.0)
        for i in range(3):
            s = s._replace(h=np.tanh(s.h) + 0.1 * i, c=s.c + 1.0)
        return s._replace(c=s.c * np.sum(s.h))

    x, v = R.standard_normal(3), R.standard_normal(3)
    out, t = adjit.jvp(f, (x,), (v,))
    assert isinstance(out, State) and out.c == pytest.approx(3.0 * np.sum(out.h))
    fd = _fd(f, x, v)
    assert np.allclose(t.h, fd.h, rtol=1e-7, atol=1e-9) and t.c == pytest.approx(fd.c, rel=1e-7)
    with pytest.raises(adjit.AdjitTypeError, match="no field 'z'"):
        adjit.jvp(lambda x: State(x, 1.0)._replace(z=x).h, (x,), (v,))


def test_hessian_with_aux_batches_its_tangents(as_python):
    """hessian(f, has_aux=True) took one hvp per element; the batched code now carries aux through
    (the (value, aux) tuple the split leaves dead is dropped before batching: 'no batching rule
    for tuple'), equal to the one-hvp Hessian, aux in its structure."""
    from adjit import batched

    def f(x, W):
        h = np.tanh(W @ x)
        return np.sum(h ** 2) + np.sum(x ** 3), {"h": h, "n": [np.sum(x), 3]}

    x, W = R.standard_normal(4), R.standard_normal((3, 4))
    H, aux = adjit.hessian(f, has_aux=True)(x, W)
    assert batched.BATCHED["last"].startswith("batched") and aux["n"][1] == 3
    one = adjit.hessian(f, has_aux=True)
    one.batched = False
    H1, aux1 = one(x, W)
    assert np.allclose(H, H1, rtol=1e-13, atol=1e-14) and np.allclose(aux["h"], aux1["h"], rtol=1e-15)


def test_jacfwd_of_a_structured_result_batches_its_tangents(as_python):
    """jacfwd of a function returning a structure took one JVP per input element; the batched
    forward mode now returns one tangent per leaf (the result's tuples dropped before batching),
    equal to jacrev's, None for an integer leaf."""
    from adjit import batched

    x, W = R.standard_normal(3), R.standard_normal((4, 3))
    J = adjit.jacfwd(nested_out)(x, W)
    assert batched.BATCHED["last"].startswith("batched")
    Jr = adjit.jacrev(nested_out)(x, W)
    assert J["n"] is None and J["q"].y[1] is None and isinstance(J["d"], D) and isinstance(J["q"].y, list)
    for a, b in zip(adjit.outputs.leaves(J), adjit.outputs.leaves(Jr)):
        assert np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-13, atol=1e-15)


def test_a_dict_returned_inside_a_loop(as_python):
    """`return {"h": ..., "s": ...}` inside a loop (every return the same constant keys) was
    'returning a tuple inside a loop is not supported': it is handed back as a tuple display is,
    and the dict rebuilt after the loop. Whether the loop's return is taken or not."""
    def f(x, y):
        h = x * 1.0
        for i in range(6):
            h = np.tanh(h + y[0])
            if np.sum(h) > y[1]:
                return {"h": h * (i + 1), "s": np.sum(h ** 2)}
        return {"h": h, "s": np.sum(h)}

    x, v = np.array([0.3, -0.2, 0.5]), np.array([1.0, 0.5, -1.0])
    for y in (np.array([0.4, 0.5]), np.array([0.4, 100.0])):  # returned at i = 0; never inside
        out, t = adjit.jvp(f, (x, y), (v, None))
        ref = f(x, y)
        assert np.allclose(out["h"], ref["h"], rtol=1e-14) and out["s"] == pytest.approx(ref["s"], rel=1e-14)
        fd = _fd(lambda x: f(x, y), x, v)
        assert np.allclose(t["h"], fd["h"], rtol=1e-7, atol=1e-9) and t["s"] == pytest.approx(fd["s"], rel=1e-7)
