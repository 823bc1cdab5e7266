"""A NamedTuple or dataclass returned inside a loop (was 'returning a tuple inside a loop is not
supported'), and the front cache entry of a function returning or reading one (a new process
lowered it again: no front key, no front entry). Issue 13."""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import adjit
from adjit.compiler.jit import frontkey
from adjit.compiler.jit.compiled import STATS, CompiledFunction, _dependencies


class St(NamedTuple):
    h: object
    s: object


@dataclass
class Dc:
    h: object
    s: object


def nt_for(x, thr):
    h = x
    for i in range(5):
        h = np.tanh(h * 1.3 + 0.1)
        if np.sum(h) > thr:
            return St(h, np.sum(h ** 2))
    return St(h * 2.0, np.sum(h))


def dc_while(x, thr):
    h = x
    i = 0
    while i < 5:
        h = np.sin(h) + 0.2
        if np.sum(h) > thr:
            return Dc(h=h, s=np.sum(h ** 3))
        i += 1
    return Dc(h * 3.0, s=np.sum(h))


def test_record_returned_inside_a_loop():
    """The return taken at the first iteration, a later one, or never: values as NumPy's, the
    tangent against central differences, and the vjp/jvp dot product."""
    x, v = np.array([0.3, -0.2, 0.5]), np.array([0.7, 0.1, -0.4])
    eps = 1e-6
    for f in (nt_for, dc_while):
        for thr in (-10.0, 0.9, 1.3, 10.0):
            out, t = adjit.jvp(f, (x, thr), (v, None))
            want, plus, minus = f(x, thr), f(x + eps * v, thr), f(x - eps * v, thr)
            assert type(out) is type(want) and type(t) is type(want)
            for name in ("h", "s"):
                assert np.allclose(getattr(out, name), getattr(want, name), rtol=1e-13)
                fd = (np.asarray(getattr(plus, name)) - np.asarray(getattr(minus, name))) / (2 * eps)
                assert np.allclose(getattr(t, name), fd, rtol=1e-6, atol=1e-8)
            u = type(want)(np.array([0.3, -0.1, 0.2]), 0.5)
            (dx, _) = adjit.vjp(f, x, thr)[1](u)
            assert abs(np.dot(dx, v) - (np.dot(u.h, t.h) + u.s * t.s)) < 1e-12


def layer(x, W):
    h = np.tanh(W @ x)
    return St(h, np.sum(h ** 2))


def test_front_entry_of_a_function_returning_a_namedtuple(tmp_path, monkeypatch):
    """Its front key describes the class (source and place); the entry names the class by module
    and qualified name and fields, and a second CompiledFunction (a new process's) finds it."""
    deps = _dependencies(layer)
    assert deps is not None and "class " in deps and "St(NamedTuple)" in deps
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    x, W = np.array([0.1, 0.2]), np.array([[0.5, -0.3], [0.2, 0.4], [0.1, 0.1]])
    first = CompiledFunction(layer, 0, "jvp")
    first.specialize(x, W)
    before = STATS["front_hits"]
    spec = CompiledFunction(layer, 0, "jvp").specialize(x, W)
    assert STATS["front_hits"] == before + 1 and spec.out_tree[1] is St
    entry = {}
    assert frontkey.tree_to_json(("dataclass", Dc, ("h", "s"), (("leaf",), ("leaf",))), entry)
    assert frontkey.tree_from_json(entry)[1] is Dc
    entry["out_tree"][1][1] = "Missing"  # a class no longer there: no front hit (the full path)
    try:
        frontkey.tree_from_json(entry)
        raise AssertionError("a missing class was accepted")
    except (ValueError, AttributeError, TypeError):
        pass
