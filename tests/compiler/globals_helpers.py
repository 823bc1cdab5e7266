"""A helper module whose functions read their own module's arrays and constants, and functions with
asserts (here, not in the test module: pytest rewrites a test module's asserts) for test_globals.py."""
from dataclasses import dataclass, field

import numpy as np

KNOTS = np.array([0.0, 0.5, 1.0])
WEIGHT = 2.0


def basis(x):
    return np.exp(-(x[:, None] - KNOTS[None, :]) ** 2) * WEIGHT


def asserting(x, sigma, mode="sq"):
    import scipy.special as sp
    from scipy.special import gammaln as lg
    assert x.ndim == 1, "x must be 1-D"
    assert np.all(sigma > 0), "sigma must be positive"
    assert mode in ("sq", "abs")
    y = x / sigma
    return np.sum(sp.expit(y) + lg(1.0 + y ** 2))


def asserting_computed(x):
    y = x * 2
    assert np.all(y > 0)
    return np.sum(y)


def asserting_in_loop(lam, mu):
    """Jackson-network style: asserts on computed values, checked when the function runs."""
    rho = lam / mu
    assert np.all(rho < 1), "network is unstable"
    L = rho / (1 - rho)
    total = 0.0
    for i in range(lam.shape[0]):
        assert L[i] < 50.0, f"queue {i} too long"
        if L[i] > 0.5:
            assert L[i] * 2 > 1.0, "unreachable"
        total = total + L[i] ** 2
    return total


def optional(logits, pi=None, scale=None):
    K = len(logits)
    if pi is None:
        pi = np.full(K, 1.0 / K)
    s = 1.0 if scale is None else scale
    return np.sum(pi * np.exp(logits)) * s


TABLE = np.array([[0.0, 1.5, 0.6], [0.4, 0.0, 0.1]])
LIGHTS = [dict(pos=np.array([2.0, 3.0, 4.0]), power=1.0), dict(pos=np.array([-3.0, 1.0, 2.0]), power=0.5)]
PARTS = {"a": [1.0, 2.0], "b": (0.5, 0.25)}


def _fk(q, dh=TABLE):
    total = 0.0
    for i, (a, alpha, d) in enumerate(dh):
        total = total + a * np.cos(q[i]) + d * q[i] ** 2 + alpha
    return total


def records(q):
    total = _fk(q[:2])
    for light in LIGHTS:
        total = total + light["power"] * np.sum((q - light["pos"]) ** 2)
    return total + sum(a * np.exp(-b * q[0]) for a, b in zip(PARTS["a"], PARTS["b"])) + len(LIGHTS)


def asserting_shapes(p):
    k = np.exp(p)
    assert k.shape == (3,), f"expected 3 shapes, got {k.shape}"
    assert k.ndim == 1 and len(k) == 3 and k.shape != (2,)
    return np.sum(k)


def raising(x, kind="a"):
    if kind not in ("a", "b"):
        raise ValueError(f"unknown kind {kind!r}")
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    return np.sum(x ** 2)


def raising_at_run_time(x):
    if x[0] > 0:
        raise ValueError("positive")
    return np.sum(x)


ACTIVATION = "tanh"


def by_name(x, W, dist="norm", method="logpdf"):
    """getattr/hasattr with names known when compiled: a module's function, a distribution's method."""
    import scipy.stats as st
    act = getattr(np, ACTIVATION)
    h = act(W @ x)
    ll = getattr(getattr(st, dist), method)(h)
    extra = getattr(np, "no_such_function", np.sin)(h[0])
    if hasattr(np, "logaddexp") and not hasattr(np, "no_such_function"):
        extra = extra + np.logaddexp(h[0], h[1])
    return np.sum(ll) + extra


COEFS = [0.5, 0.2]


def _scaled(v, coefs=COEFS, *, scale=1.0):
    return (np.sum(v ** 2) * coefs[0] + coefs[1]) * scale


def with_defaults(x):
    """A helper called without its defaults: they are compiled in, and guarded (guards.py)."""
    return _scaled(x)


@dataclass
class Layer:
    scale: float = 2.0
    w: np.ndarray = field(default_factory=lambda: np.array([1.0, 2.0, 3.0]))


def dataclass_defaults(x):
    layer = Layer()
    return np.sum(layer.w * x) * layer.scale


def _make_scaler(s):
    def scaled(v, c=s):
        return v * c
    return scaled


def _make_closure(s):
    def scaled(v):
        return v * s
    return scaled


H1, H2 = _make_scaler(1.0), _make_scaler(2.0)  # two closures of one factory: one code object
C1, C2 = _make_closure(1.0), _make_closure(2.0)


def shared_code(x):
    return np.sum(H1(x) + H2(x) ** 2 + C1(x) * C2(x))


def none_above(v, t):
    """`for ... else: assert False`: the assert is on the path Python takes only without a break."""
    for i in range(v.shape[0]):
        if v[i] > t:
            break
    else:
        assert False, "no element above t"
    return v[i] * 3.0
