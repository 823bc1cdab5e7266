"""`*rest` and `**kw` on the differentiated function: the extra positional arguments are one
parameter, a tuple, and the extra keywords a dict (frontend/parse.py, jit/arguments.bind_names),
as Python binds them; wrt names them (a tuple or dict of gradients). jvp/vjp take one tangent and
give one cotangent per argument, as JAX's. A position in wrt past the named parameters is refused
(JAX's argnums count the call's arguments, adjit's the parameters)."""
import numpy as np
import pytest

import adjit

X = np.array([0.3, 1.2, 2.0])
Y = np.array([1.0, -1.0, 0.5])


def scaled(x, *rest):
    return np.sum(x ** 2) * rest[0] + np.sum(rest[1] * np.sin(x))


def weighted(x, *data, k=2, **opts):
    s = 0.0
    for d in data:
        s = s + np.sum(d * x)
    return s * k * opts.get("w", 1.0) + len(opts)


def keywords(x, scale=1.0, **kw):
    return np.sum(x * kw["a"]) * scale


def _fd(f, x, *args, eps=1e-6, **kwargs):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = eps
        g.flat[i] = (f(x + e, *args, **kwargs) - f(x - e, *args, **kwargs)) / (2 * eps)
    return g


def test_extra_positional_arguments_are_a_tuple():
    np.testing.assert_allclose(adjit.grad(scaled)(X, 2.0, Y), _fd(scaled, X, 2.0, Y), rtol=1e-7)
    v, (ga, gy) = adjit.value_and_grad(scaled, wrt="rest")(X, 2.0, Y)
    assert v == pytest.approx(scaled(X, 2.0, Y))
    assert ga == pytest.approx(np.sum(X ** 2)) and isinstance(ga, float)
    np.testing.assert_allclose(gy, np.sin(X))


def test_keyword_only_and_extra_keywords():
    g = adjit.grad(weighted)
    np.testing.assert_allclose(g(X, Y, 2 * Y, k=3, w=0.5), _fd(weighted, X, Y, 2 * Y, k=3, w=0.5), rtol=1e-7)
    np.testing.assert_array_equal(g(X), np.zeros(3))  # no extra argument: an empty tuple, an empty dict
    gx, gdata = adjit.grad(weighted, wrt=(0, "data"))(X, Y, Y, w=2.0)
    np.testing.assert_allclose(gdata[0], 4.0 * X)
    gkw = adjit.grad(keywords, wrt="kw")(X, 2.0, a=Y, b=3.0)
    assert set(gkw) == {"a", "b"} and gkw["b"] == 0.0
    np.testing.assert_allclose(gkw["a"], 2.0 * X)


def test_jvp_vjp_hessian_count_the_calls_arguments():
    out, t = adjit.jvp(scaled, (X, 2.0, Y), (np.ones(3), 1.0, None))
    assert out == pytest.approx(scaled(X, 2.0, Y))
    assert t == pytest.approx(np.sum(_fd(scaled, X, 2.0, Y)) + np.sum(X ** 2))
    out, pullback = adjit.vjp(weighted, X, Y, 2 * Y, 3)  # the int 3 lands in *data: no cotangent
    gx, gy, g2y, g3 = pullback(1.0)
    np.testing.assert_allclose(gx, 2 * (3 * Y + 3))
    np.testing.assert_allclose(gy, 2 * X)
    assert g3 is None
    np.testing.assert_allclose(adjit.hessian(scaled)(X, 2.0, Y), np.diag(4.0 - Y * np.sin(X)), rtol=1e-12)


def test_a_position_past_the_named_parameters_is_refused():
    with pytest.raises(adjit.ArgumentError, match=r"wrt=1: scaled\(\) takes \*rest") as e:
        adjit.grad(scaled, wrt=1)(X, 2.0, Y)
    assert "test_star_parameters.py:15" in str(e.value) and "wrt='rest'" in str(e.value)
    with pytest.raises(adjit.ArgumentError, match="got an unexpected keyword argument 'b'"):
        adjit.grad(scaled)(X, 2.0, Y, b=1.0)


def fills_default(x, buf=None, *, out=np.zeros(3)):
    out[0] = 1.0  # the keyword-only default array, written
    return np.sum(x * out)


def reads_default(x, scale=np.ones(3), *, k=2):
    scale = scale * 2.0  # a new array: the default is not written
    return np.sum(x * scale) * k


def test_default_arrays_of_keyword_only_parameters():
    with pytest.raises(adjit.AdjitError, match="changes in place the default array of 'out'"):
        adjit.grad(fills_default)(X)
    np.testing.assert_allclose(adjit.grad(reads_default)(X), np.full(3, 4.0))


def _logged(f):
    def wrapper(*args, **kwargs):  # a decorator's wrapper: the user's function called with the tuple, the dict
        return f(*args, **kwargs)
    return wrapper


@_logged
def tanh_loss(W, x, scale=1.0):
    return np.sum(np.tanh(W @ x)) * scale


def test_a_decorators_wrapper_passes_its_tuple_and_dict_on():
    W = np.arange(12.0).reshape(3, 4) / 10
    gW, gx = adjit.grad(tanh_loss, wrt="args")(W, X[:2].repeat(2), scale=2.0)
    np.testing.assert_allclose(gW, _fd(lambda w: tanh_loss(w, X[:2].repeat(2), scale=2.0), W), rtol=1e-6)
    np.testing.assert_allclose(gx, _fd(lambda v: tanh_loss(W, v, scale=2.0), X[:2].repeat(2)), rtol=1e-6)
