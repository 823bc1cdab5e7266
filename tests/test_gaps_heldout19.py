"""What the nineteenth held-out corpus found (benchmarks/real_programs/heldout19.py), as small programs
written the way its programs are: a batch-norm class keeping its running mean and variance in a state dict
(`self.state["running_mean"] = (1 - m) * self.state["running_mean"] + m * mu` in a method) was refused
('only `name[index] = value` writes are supported'), as was filling such a dict in `__init__` (`self.state = {}`
then `self.state["m"] = ...`); LFM pulse compression by `np.correlate(tx, ref,
mode='full')` of complex chirps was refused (no expansion of np.correlate / np.convolve of complex values;
scipy.signal.correlate / convolve of them: 'a complex value is used where adjit needs a real one').
Found on the way: `d["m"] += v` on an array a dict made in the function holds, with another name for that
array read afterwards (`m0 = d["m"]` before), gave the old values where NumPy's in-place add changes both: a
silently wrong value, now the located aliasing error that `x += v` gets; and `d["h"][t] = v`, `d["m"][1:] *= 2`
into the array a dict holds was refused ('a write through a chained index whose first index is not an int'),
np.add.at(d["m"], ...) and np.copyto(d["m"], v) too ('takes an array name'), d["m"].sort() as 'a selection that is
not a view'. Gradients against central
differences, forward mode against reverse (the lowered module run as plain Python)."""
import numpy as np
import pytest
import scipy.signal

import adjit
from tests.conftest import family_tests, run_grad


# ------------------------------------------------ an object's dict of running statistics, written by its methods
class RunningNorm:
    def __init__(self, scale, momentum=0.2):
        self.scale = scale
        self.momentum = momentum
        self.state = {"mean": np.zeros(scale.shape[0]), "var": np.ones(scale.shape[0]), "count": 0}

    def forward(self, x, training=True):
        if training:
            mu, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.state["mean"] = (1 - m) * self.state["mean"] + m * mu
            self.state["var"] = (1 - m) * self.state["var"] + m * var
            self.state["count"] += 1
        else:
            mu, var = self.state["mean"], self.state["var"]
        return (x - mu) / np.sqrt(var + 1e-5) * self.scale

    def decay(self, rate):
        if rate > 0.5:
            self.state["var"][0] = self.state["var"][0] * rate  # an element of the item
        else:
            self.state["var"][1:] *= rate


def running_stats(scale, X):
    net = RunningNorm(scale)
    shared = net.state  # another name for the same dict: reads the current items
    total = 0.0
    for start in range(0, X.shape[0], 4):
        total = total + np.sum(np.tanh(net.forward(X[start:start + 4])) ** 2)
    return total + np.sum(net.forward(X, training=False) ** 2) + np.sum(shared["mean"] * scale) + shared["count"]


def running_stats_branches(scale, X):
    net = RunningNorm(scale)
    for k in range(3):
        net.forward(X[2 * k:2 * k + 4] * scale)
        net.decay(0.9 if k == 1 else 0.3)
        if np.sum(net.state["mean"]) > 0.0:  # decided when the function runs
            net.state["mean"] = net.state["mean"] * scale
    return np.sum(net.state["var"] * scale) + np.sum(net.state["mean"] ** 2)


class FilledInInit:
    def __init__(self, w):
        s = {}
        self.state = s
        self.state["m"] = w * 2.0  # straight-line writes of the __init__ that made the dict
        self.state["count"] = 0
        self.mirror = s  # the same dict
        self.state["m"] = self.state["m"] + 1.0
        for i in range(2):  # a loop unrolled when compiled (its keys are made of the int)
            self.state[f"W{i}"] = w * (i + 1)
        for name, k in zip(("a", "b"), (0, 2)):  # a loop over a tuple: unrolled
            self.state[name] = w[k]

    def step(self, x):
        self.state["m"] = self.state["m"] * x
        self.state["count"] += 1


def dict_filled_in_init(scale, X):
    o = FilledInInit(scale)
    for x in X[:4]:
        o.step(x)
    return np.sum(o.mirror["m"] ** 2) + o.state["count"] + np.sum(o.state["W1"] * o.state["W0"]) \
        + o.state["a"] * o.state["b"]


# ------------------------------------------------ writes into the array a dict holds: d["h"][t] = v
def dict_item_element_writes(scale, X):
    d = {"h": np.zeros(4), "c": scale * 1.0, "k": 0}
    for t in range(4):  # a loop lowered once carries the item
        d["c"] = np.tanh(d["c"] * X[t] + scale)
        d["h"][t] = np.sum(d["c"] ** 2)
    while d["k"] < 2:
        d["c"][d["k"]] = d["c"][d["k"]] * X[5, d["k"]] + 1.0
        d["k"] += 1
    if np.sum(d["c"]) > 0.0:  # decided when the function runs
        d["h"][0] = d["h"][0] * scale[1]
    else:
        d["h"][1] = 2.0
    return np.sum(d["h"] * np.arange(1.0, 5.0)) + np.sum(d["c"] ** 2)


def dict_item_slice_writes(scale, X):
    d = {"m": np.outer(scale, X[1])}
    d["m"][1:] *= 2.0
    d["m"][:, 0] += scale
    d["m"][0, 1:] = X[2, 1:] * scale[0]
    d["m"][d["m"] > 0.5] = 0.5
    d["m"][[0, 2], 1] = scale[[1, 1]] ** 2
    return np.sum(d["m"] ** 2)


class Tally:
    def __init__(self, scale):
        self.state = {"m": scale * 1.0}

    def add(self, x):
        np.add.at(self.state["m"], [0, 2, 0], x[:3])  # written by a call: still one of the object's dict items
        self.state["m"].sort()


def dict_item_in_place_calls(scale, X):
    d = {"m": np.zeros(3), "M": np.outer(scale, X[0]), "z": scale * X[1]}
    for k in range(3):  # a loop lowered once carries the item np.add.at writes
        np.add.at(d["m"], [k, (k + 1) % 3], scale[:2] * X[k, 0])
    np.maximum.at(d["m"], [1, 1], X[2, :2])
    np.fill_diagonal(d["M"], scale)
    np.copyto(d["z"], d["z"] ** 2)
    d["z"].sort()
    d["M"][2].fill(0.5)
    t = Tally(scale)
    t.add(X[3])
    t.add(X[4] * 2)
    return np.sum(d["m"] ** 2) + np.sum(d["M"] ** 2) + np.sum(d["z"] * np.arange(3.0)) \
        + np.sum(t.state["m"] * np.arange(3.0))


class Holder:
    def __init__(self, d):
        self.state = d  # a dict the caller made, held by two objects

    def step(self, x):
        self.state["m"] = self.state["m"] * x + 1.0


def shared_dict_two_objects(scale, X):
    d = {"m": scale * 1.0}
    a, b = Holder(d), Holder(d)
    for x in X[:4]:  # only b's method runs in the loop: the loop carries the dict's items all the same
        b.step(x)
    return np.sum(d["m"] ** 2) + np.sum(a.state["m"])


def _stats_args():
    return [np.array([0.7, 1.3, -0.4]), np.sin(np.arange(36.0)).reshape(12, 3) + np.linspace(0, 1, 12)[:, None]]


# ------------------------------------------------ np.correlate and np.convolve of complex values
def _chirp(n, bw):
    t = np.arange(n) - (n - 1) / 2
    return np.exp(1j * np.pi * bw * t ** 2 / n)


def pulse_compression(coeffs, bw):
    n = 12
    tx = _chirp(n, bw)
    k = np.arange(n)
    ref = tx * (coeffs[0] - coeffs[1] * np.cos(2 * np.pi * k / (n - 1)))
    p = np.abs(np.correlate(tx, ref, mode='full')) ** 2
    return np.log(p[n - 1]) - np.log(np.sum(p) - p[n - 1]) + np.sum(np.angle(np.correlate(tx, ref, 'same'))[:3])


def correlate_modes(w, bw):
    a = _chirp(9, bw) * (1 + 0.1 * np.arange(9))
    v = w[:3] + 1j * w[3:]
    valid = np.correlate(a, v)  # mode 'valid', NumPy's default
    real_v = np.correlate(a, w, 'same')
    real_a = np.correlate(w * np.arange(6), _chirp(4, bw), mode='full')
    conv = np.convolve(a, v * (1 - 0.5j))
    sig = scipy.signal.correlate(v, a, mode="valid") + scipy.signal.convolve(a[:7], w * 1j, mode="same")
    return np.sum(valid.real * 2 + valid.imag ** 2) + np.sum(np.abs(real_v)) + np.sum(real_a.imag) \
        + np.sum(np.abs(conv) ** 2 * np.arange(11)) + np.sum(np.abs(sig) ** 2 * np.arange(len(sig)))


def _corr_args():
    return [np.array([0.54, 0.46]), 0.7]


CASES = [
    (running_stats, _stats_args),
    (running_stats_branches, _stats_args),
    (dict_filled_in_init, _stats_args),
    (dict_item_element_writes, _stats_args),
    (dict_item_slice_writes, _stats_args),
    (dict_item_in_place_calls, _stats_args),
    (shared_dict_two_objects, _stats_args),
    (pulse_compression, _corr_args, (0, 1)),
    (correlate_modes, lambda: [np.linspace(0.5, 1.2, 6), 0.8], (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]

test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


def test_complex_correlate_values_are_numpys():
    """The expansion is NumPy's definition, sum_n a[n + k] conj(v[n]): the value as NumPy computes it."""
    w, bw = np.linspace(0.5, 1.2, 6), 0.8
    value, _ = run_grad(correlate_modes, [w, bw], (0,))
    assert np.isclose(value, correlate_modes(w, bw), rtol=1e-13)


# ------------------------------------------------ what stays refused: located, naming the rewrite
def dict_item_element_written(w, x):
    d = {"m": w * 1.0}
    m0 = d["m"]
    for k in range(2):
        d["m"][k] = x[k] * w[2]  # NumPy writes into the array m0 names too
    return np.sum(m0 * w)


def dict_item_added_at(w, x):
    d = {"m": w * 1.0}
    m0 = d["m"]
    np.add.at(d["m"], [0, 0], x[:2])
    return np.sum(m0 * w)


def dict_item_added_in_place(w, x):
    d = {"m": w * 1.0}
    m0 = d["m"]
    d["m"] += x  # NumPy adds into the array m0 names too
    return np.sum(m0 * w)


class Accumulator:
    def __init__(self, w):
        self.state = {"m": w * 1.0}

    def add(self, x):
        self.state["m"] += x

    def grow(self, x):
        self.state["total"] = np.sum(x)


def object_item_added_in_place(w, x):
    acc = Accumulator(w)
    m0 = acc.state["m"]
    acc.add(x)
    return np.sum(m0 * w)


def object_key_added(w, x):
    acc = Accumulator(w)
    acc.grow(x)
    return acc.state["total"]


class FilledUnderIf:
    def __init__(self, w):
        self.params = {}
        for i in range(2):
            if np.sum(w) > i:  # decided when the function runs
                self.params[f"W{i}"] = w * (i + 1)


def dict_filled_in_init_under_if(w, x):
    return np.sum(FilledUnderIf(w).params["W1"] * x)


@pytest.mark.parametrize("fun,match", [(dict_item_added_in_place, "would also change the old m0"),
                                       (dict_item_element_written, "would also change"),
                                       (dict_item_added_at, "would also change the old m0"),
                                       (object_item_added_in_place, "would also change m0"),
                                       (object_key_added, "adds the key 'total'"),
                                       (dict_filled_in_init_under_if, "all its items at once")])
def test_refusals_are_located_and_name_the_rewrite(fun, match):
    with pytest.raises(adjit.AdjitError, match=match) as info:
        run_grad(fun, [np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])], (0,))
    assert "test_gaps_heldout19.py:" in str(info.value)  # located at the user's line


def test_in_place_item_without_another_name_is_exact():
    """The in-place add into a dict's array that no other name holds: the value and gradient as before."""
    def f(w, x):
        d = {"m": w * 1.0, "n": 0.0}
        for k in range(3):
            d["m"] += x * w
            d["n"] += np.sum(d["m"])
        return d["n"] + np.sum(d["m"] ** 2)

    w, x = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    value, (g,) = run_grad(f, [w, x], (0,))
    assert np.isclose(value, f(w, x), rtol=1e-13)
    fd = np.array([(f(w + e, x) - f(w - e, x)) / 2e-6 for e in np.eye(3) * 1e-6])
    assert np.allclose(g, fd, rtol=1e-6)
