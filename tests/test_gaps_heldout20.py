"""What the twentieth held-out corpus found (benchmarks/real_programs/heldout20.py), as small programs written the way
its programs are: PID loop shaping through `np.polymul` of traced coefficient arrays was refused (not supported),
and so was np.polyval at complex frequencies (`np.polyval(L_num, 1j * w)`: 'no expansion'); a complex array
selected by a boolean mask (`S[low]` of a complex sensitivity) was an internal error, and a real selection met by a
complex value of more dimensions (`np.exp(2j * np.pi * tau[..., None] * freqs[band])`, band-limited interpolation)
was refused ('an array of 3 dimensions paired with a boolean-mask selection of 1'); module-level complex arrays
(Pauli matrices and a jump operator of a Lindblad equation, `SX = np.array(..., dtype=complex)`) were refused ('the
global array 'SZ' has dtype complex128'); a hypernetwork cutting its generated weights by `np.split(flat,
np.cumsum(sizes)[:-1])`, sizes `[int(np.prod(s)) for s in shapes]` of shapes known when compiled, was refused ('the
split indices must be a constant'). Gradients against central differences, forward mode against reverse (the
lowered module run as plain Python)."""
from collections import Counter

import numpy as np
import pytest
from scipy.special import softmax
from scipy.stats import rankdata

import adjit
from tests.conftest import family_tests, run_grad


# ------------------------------------------------ np.polymul / polyadd / polysub, np.polyval at complex points
def pid_tf(kp, ki, kd, tf=0.02):
    return np.array([kp * tf + kd, kp + ki * tf, ki]), np.array([tf, 1.0, 0.0])


def loop_shaping(log_gains, plant_num, plant_den, w):
    kp, ki, kd = np.exp(log_gains)
    c_num, c_den = pid_tf(kp, ki, kd)
    L_num, L_den = np.polymul(c_num, plant_num), np.polymul(c_den, plant_den)
    L = np.polyval(L_num, 1j * w) / np.polyval(L_den, 1j * w)
    S = 1.0 / (1.0 + L)
    return np.sum(np.abs(S) ** 2) + 0.1 * np.max(np.abs(L * S))


def _loop_args():
    return [np.log([1.5, 0.8, 0.3]), np.array([2.0]), np.polymul([1.0, 1.0], [0.5, 1.0]), np.logspace(-1, 1, 7)]


def poly_sums(c, w):
    trimmed = np.polymul([0.0, 0.0, 1.0, c[0]], c)  # known leading zeros: NumPy's poly1d trims them
    added = np.polyadd(trimmed, [c[1], 1.0]) * np.polysub([1.0], c)[:1]
    z = np.polyval([1.0 + 0.5j, c[0], 2.0], w)  # complex coefficients at real points
    y = np.polyval(p=np.array([c[1]]), x=1j * w.reshape(2, 3))  # one coefficient at 2-D complex points
    q = np.polyval(c * (1 - 2j), w[0] + 1j)  # complex array coefficients at a complex number
    return np.sum(added ** 2) + np.sum(np.abs(z) ** 2) + np.sum(np.real(y) + np.imag(y)) + np.abs(q)


def _poly_args():
    return [np.array([0.7, -1.3, 0.4]), np.linspace(0.1, 2.0, 6)]


# ------------------------------------------------ boolean-mask selections with complex values
def band_limited(tau, trace, fs):
    spec = np.fft.rfft(trace)
    freqs = np.fft.rfftfreq(len(trace), d=1.0 / fs)
    band = (freqs > 0.1 * fs) & (freqs < 0.3 * fs)  # decided when the function runs (fs is an argument)
    phase = np.exp(2j * np.pi * tau[..., None] * freqs[band])
    return np.sum((2.0 / len(trace) * np.real(phase @ spec[band])) ** 2)


def _band_args():
    t = np.arange(32)
    return [np.array([[1.3, 2.7], [4.1, 9.6]]), np.cos(0.7 * t) * np.exp(-0.05 * t), 1.0]


def complex_selection(x, w, t):
    s = 1j * w + x[0]
    low = w < t
    a = np.mean(np.abs(s[low] * x[1] + x[2] * 1j))  # a complex selection, then a real mean
    b = np.sum(np.real(np.exp(1j * x[:2, None] * w[low])))  # a real selection with a complex 2-D value
    c = np.sum(np.abs(s[low] + s[low][0] * x[2]))  # broadcast of one selected element
    return a + b + c


# ------------------------------------------------ module-level complex arrays: a Lindblad equation by RK4
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
SY = np.array([[0.0, -1j], [1j, 0.0]])
SM = np.array([[0.0, 0.0], [1.0, 0.0]], dtype=complex)


def lindblad_rhs(rho, H, c_ops):
    out = -1j * (H @ rho - rho @ H)
    for L in c_ops:
        Ld = L.conj().T
        out = out + L @ rho @ Ld - 0.5 * (Ld @ L @ rho + rho @ Ld @ L)
    return out


def rabi(log_rates, delta, n_steps=6, dt=0.1):
    omega, gamma = np.exp(log_rates)
    H = 0.5 * delta * SY + 0.5 * omega * SX
    c_ops = [np.sqrt(gamma) * SM]
    rho = np.zeros((2, 2), dtype=complex)
    rho[1, 1] = 1.0
    pops = []
    for _ in range(n_steps):
        k1 = lindblad_rhs(rho, H, c_ops)
        k2 = lindblad_rhs(rho + 0.5 * dt * k1, H, c_ops)
        rho = rho + dt * k2
        pops.append(np.real(rho[0, 0]) + np.imag(rho[0, 1]))
    return np.sum(np.array(pops) ** 2)


def pauli_elements(a):
    """Items and slices of a module's complex arrays, read."""
    return np.abs(SM[1, 0] * a[0] + 1j) + np.sum(np.real(SY[:, 0] * a[1] - SX[0]) ** 2) + np.imag(SY[0, 1]) * a[0]


# ------------------------------------------------ split indices computed from sizes known when compiled
class HyperNet:
    def __init__(self, params, n_in=2, n_hidden=3):
        self.p = params
        self.shapes = [(n_in, n_hidden), (n_hidden,), (n_hidden, 1), (1,)]

    def weights(self, z):
        flat = np.tanh(z @ self.p["H"])
        sizes = [int(np.prod(s)) for s in self.shapes]
        pieces = np.split(flat, np.cumsum(sizes)[:-1])
        return [piece.reshape(shape) for piece, shape in zip(pieces, self.shapes)]


def hypernet(H, z, x):
    W1, b1, W2, b2 = HyperNet({"H": H}).weights(z)
    parts = np.array_split(H[0], np.cumsum([2, 1 + 1]) * 2)  # 13 columns cut at 4 and 8
    return np.sum((np.tanh(x @ W1 + b1) @ W2 + b2) ** 2) + np.sum(parts[2] ** 2) - np.sum(parts[0])


def _hyper_args():
    rng = np.random.default_rng(3)
    return [0.4 * rng.standard_normal((2, 13)), np.array([0.3, -0.8]), rng.standard_normal((4, 2))]


# ------------------------------------------------ scipy.stats.rankdata in a loop over query groups
def spearman(w, Xs, ys, temperature=0.3):
    loss = 0.0
    for X, y in zip(Xs, ys):
        s = X @ w
        r = 0.5 + np.sum(1.0 / (1.0 + np.exp(-(s[:, None] - s[None, :]) / temperature)), axis=1)
        loss += 1.0 - np.corrcoef(r, rankdata(y))[0, 1]
    return loss


def _spearman_args():
    rng = np.random.default_rng(4)
    Xs = [rng.standard_normal((n, 3)) for n in (5, 7)]
    ys = [np.round(X @ np.array([1.0, -0.5, 0.2]), 1) for X in Xs]
    ys[0][1] = ys[0][3]  # a tie
    return [np.array([0.4, 0.1, -0.3]), Xs, ys]


# ------------------------------------------------ stateful objects made in a comprehension or appended in a loop
class Comb:
    def __init__(self, delay, feedback, damp=0.2):
        self.buf = np.zeros(delay)
        self.idx = 0
        self.feedback, self.damp, self.store = feedback, damp, 0.0

    def process(self, x):
        y = self.buf[self.idx]
        self.store = y * (1.0 - self.damp) + self.store * self.damp
        self.buf[self.idx] = x + self.store * self.feedback
        self.idx = (self.idx + 1) % len(self.buf)
        return y


def _decay(combs, n=14):
    out = 0.0
    for k in range(n):
        x = 1.0 if k == 0 else 0.0
        y = 0.0
        for c in combs:
            y = y + c.process(x)
        out = out + y * y * (k + 1)
    return out


def combs_comprehension(g):
    return _decay([Comb(d, gg) for d, gg in zip((3, 4, 5), g)])


def combs_appended(g):
    combs = []
    for d, gg in zip((3, 4, 5), g):
        combs.append(Comb(d, gg))
    return _decay(combs) + combs[0].store * g[1]


# ------------------------------------------------ Counter tables of n-gram counts keyed by tuples of tokens
TRAIN = "the cat sat on the mat . the dog sat on the log . a cat saw the dog ."
TOKS = TRAIN.split()
BI, UNI = Counter(zip(TOKS[:-1], TOKS[1:])), Counter(TOKS)


def bigram_globals(lam_logits, text):
    lam = softmax(lam_logits)
    toks = text.split()
    nll = 0.0
    for i in range(1, len(toks)):
        w1, w = toks[i - 1], toks[i]
        p_bi = BI.get((w1, w), 0) / UNI[w1] if UNI.get(w1, 0) > 0 else 0.0
        nll = nll - np.log(lam[0] * p_bi + lam[1] * UNI[w] / len(TOKS) + lam[2] / 12)  # UNI[w]: 0 if unseen
    return nll


def ngram_counts(text):
    toks = ["<s>"] + text.split()
    return {"bi": Counter(zip(toks[:-1], toks[1:])), "uni": Counter(toks), "total": len(toks),
            "vocab": sorted(set(toks))}


def bigram_hoisted(lam_logits, train, text):
    c = ngram_counts(train)  # run by NumPy before the compiled code: a dict of Counters
    lam = softmax(lam_logits, axis=-1)
    toks = ["<s>"] + text.split()
    nll = 0.0
    for i in range(1, len(toks)):
        ctx = c["uni"].get(toks[i - 1], 0)
        bucket = min(ctx, 1)
        p_bi = c["bi"][(toks[i - 1], toks[i])] / ctx if ctx > 0 else 0.0
        p = lam[bucket, 0] * p_bi + lam[bucket, 1] * c["uni"][toks[i]] / c["total"] + lam[bucket, 2] / len(c["vocab"])
        nll = nll - np.log(p)
    return nll


def _bigram_args():
    return [np.array([[0.1, -0.2, 0.3], [0.4, 0.0, -0.5]]), TRAIN, "the cat sat on the log . a bird saw the mat ."]


CASES = [
    (bigram_globals, lambda: [np.array([0.1, -0.2, 0.3]), "the cat sat on the log . a bird sat"]),
    (bigram_hoisted, _bigram_args),
    (combs_comprehension, lambda: [np.array([0.7, 0.5, 0.6])]),
    (combs_appended, lambda: [np.array([0.7, 0.5, 0.6])]),
    (spearman, _spearman_args),
    (hypernet, _hyper_args),
    (pauli_elements, lambda: [np.array([0.5, 2.0])]),
    (rabi, lambda: [np.log([1.8, 0.15]), 0.3], (0, 1)),
    (loop_shaping, _loop_args),
    (poly_sums, _poly_args),
    (band_limited, _band_args),
    (complex_selection, lambda: [np.array([0.3, -1.2, 0.7]), np.linspace(0.1, 2.0, 7), 1.0]),
    (complex_selection, lambda: [np.array([0.3, -1.2, 0.7]), np.linspace(0.1, 2.0, 7), 0.2]),  # one selected
]
IDS = [c[0].__name__ + ("_one" if i == 12 else "") for i, c in enumerate(CASES)]

test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


@pytest.mark.parametrize("fun,make", [(bigram_hoisted, _bigram_args), (combs_appended, lambda: [np.array([0.7, 0.5, 0.6])]),
                                      (spearman, _spearman_args), (hypernet, _hyper_args), (rabi, lambda: [np.log([1.8, 0.15]), 0.3]), (loop_shaping, _loop_args), (poly_sums, _poly_args),
                                      (band_limited, _band_args)])
def test_values_are_numpys(fun, make):
    value, _ = run_grad(fun, make(), (0,))
    assert np.isclose(value, fun(*make()), rtol=1e-12)


def test_polymul_of_a_zero_leading_coefficient_is_a_located_run_time_error():
    """NumPy's poly1d trims a leading zero (a shorter product): adjit keeps the compiled length, so a
    leading coefficient computed when the function runs is checked nonzero there."""
    def f(c, d):
        return np.sum(np.polymul(c, d) ** 2)

    g = adjit.grad(f, wrt=0)
    c, d = np.array([1.0, 2.0]), np.array([0.5, -1.0, 3.0])
    fd = [(f(c + 1e-6 * e, d) - f(c - 1e-6 * e, d)) / 2e-6 for e in np.eye(2)]
    assert np.allclose(g(c, d), fd, rtol=1e-7)
    with pytest.raises(ValueError, match="a leading coefficient is 0"):
        g(c, np.array([0.0, -1.0, 3.0]))


def test_complex_global_is_read_again_on_every_call():
    """A module's complex array is read when the function runs, as Python reads it: a new value under the
    name gives the new result; a real array there later is the located error naming it."""
    global SM
    g = adjit.value_and_grad(rabi, wrt=0)
    args = (np.log([1.8, 0.15]), 0.3)
    old = SM
    try:
        v0, _ = g(*args)
        SM = np.array([[0.0, 0.5j], [1.0, 0.0]])
        v1, g1 = g(*args)
        assert np.isclose(v1, rabi(*args), rtol=1e-12) and not np.isclose(v0, v1)
        fd = [(rabi(args[0] + 1e-6 * e, args[1]) - rabi(args[0] - 1e-6 * e, args[1])) / 2e-6 for e in np.eye(2)]
        assert np.allclose(g1, fd, rtol=1e-6)
        SM = np.zeros((2, 2))
        with pytest.raises(adjit.AdjitError, match="'SM' .* was a complex array"):
            g(*args)
    finally:
        SM = old


def global_element_written(a):
    SM[0, 0] = a[0]
    return np.sum(np.abs(SM * a[1]) ** 2)


def global_element_added(a):
    SM[1, 0] += 1j * a[0]
    return np.sum(np.abs(SM * a[1]) ** 2)


def global_alias_scaled(a):
    M = SM
    M *= a[0]
    return np.sum(np.abs(M) ** 2)


@pytest.mark.parametrize("fun", [global_element_written, global_element_added, global_alias_scaled])
def test_writes_into_a_complex_global_are_located_errors(fun):
    """NumPy keeps the write in the module's array; the compiled code holds copies of its parts: refused, as
    for a real global array."""
    with pytest.raises(adjit.AdjitError, match="changes in place a complex array of the module") as info:
        run_grad(fun, [np.array([0.5, 2.0])], (0,))
    assert "test_gaps_heldout20.py:" in str(info.value)


def test_split_at_run_time_indices_stays_refused():
    """Indices computed from the data give pieces of run-time lengths: the located error stays."""
    def f(w, k):
        a, b = np.split(w, np.cumsum(k)[:1])
        return np.sum(a) + np.sum(b ** 2)

    with pytest.raises(adjit.AdjitError, match="split indices must be a constant"):
        run_grad(f, [np.arange(4.0), np.array([2, 2])], (0,))


_RANKED = [np.array([0.0, 2.0, 3.0, 2.0, 2.0, -1.0]), np.array([[3.0, 1, 3, 2], [0, 0, 5, -1], [2, 2, 2, 2]]),
           np.array([3, 1, 3]), np.array([True, False, True])]


@pytest.mark.parametrize("method", ["average", "min", "max", "dense", "ordinal"])
def test_rankdata_is_scipys(method):
    """Every method, ties, axis None / 0 / 1, ints and bools: SciPy's ranks (one lowered module per method)."""
    def f(w, a, b, c, d):
        out = 0.0
        for k, (x, ax) in enumerate(((a, None), (b, 1), (b, 0), (b, None), (c, 0), (d, None))):
            r = rankdata(x, method=method, axis=ax)
            out = out + np.sum(w * r * (np.arange(r.size).reshape(r.shape) + 7.0 ** k))
        return out

    value, (g,) = run_grad(f, [1.5] + _RANKED, (0,))
    assert np.isclose(value, f(1.5, *_RANKED), rtol=1e-13) and np.isclose(g, f(1.0, *_RANKED), rtol=1e-13)


def test_rankdata_nan():
    """A NaN makes its lane NaN ('average', as SciPy); the integer methods, whose SciPy dtype would change,
    check there is none when the function runs."""
    def avg(w, y):
        return np.nansum(w * rankdata(y, axis=1))

    def low(w, y):
        return np.sum(w * rankdata(y, method="min"))

    y = np.array([[1.0, np.nan, 2.0], [3.0, 1.0, 2.0]])
    value, _ = run_grad(avg, [np.ones(3), y], (0,))
    assert np.isclose(value, avg(np.ones(3), y), rtol=1e-13)
    with pytest.raises(ValueError, match="holding NaN"):
        run_grad(low, [np.ones(3), y[0]], (0,))


def test_hoisted_counts_follow_the_training_text():
    """The table is made again on every call: another training text (other keys) gives its own result."""
    g = adjit.value_and_grad(bigram_hoisted, wrt=0)
    lam, train, text = _bigram_args()
    other = "a bird saw the cat . the mat sat on a log ."
    for t in (train, other, train):
        v, grad = g(lam, t, text)
        fd = np.array([(bigram_hoisted(lam + 1e-6 * e.reshape(2, 3), t, text)
                        - bigram_hoisted(lam - 1e-6 * e.reshape(2, 3), t, text)) / 2e-6 for e in np.eye(6)])
        assert np.isclose(v, bigram_hoisted(lam, t, text), rtol=1e-13) and np.allclose(grad.ravel(), fd, rtol=1e-6)


def test_missing_key_of_a_plain_dict_is_a_located_error():
    """A dict (not a Counter) has no key Python would read as 0: NumPy's KeyError, located."""
    table = dict(BI)

    def f(x, toks):
        return x * table[(toks[0], toks[0])]

    with pytest.raises(adjit.AdjitError, match="has no key"):
        run_grad(f, [1.0, ["cat", "sat"]], (0,))


G = np.array([[0.0, 0.0], [1.0, 0.0]])


def global_alias_added(a):
    M = G
    M *= a[0]  # NumPy scales the module's G: the next call sees it
    return np.sum(M ** 2)


def global_added_at(a):
    np.add.at(G, [0, 0], a[0])
    return np.sum(G ** 2)


def global_alias_copied_into(a):
    M = G[1]
    np.copyto(M, a)
    return np.sum(G ** 2)


@pytest.mark.parametrize("fun", [global_alias_added, global_added_at, global_alias_copied_into])
def test_in_place_writes_into_a_global_are_located_errors(fun):
    """Found on the way (a real module array, as the complex one above): `M = G; M *= a`, np.add.at(G, ...) and
    np.copyto of a view of G were lowered on a copy, the first call's value right and G left unchanged where
    NumPy changes it (the next call differs): now the located error `G[i] = v` gets."""
    with pytest.raises(adjit.AdjitError, match="changes in place the array 'G' of the module") as info:
        run_grad(fun, [np.array([0.5, 2.0])], (0,))
    assert "test_gaps_heldout20.py:" in str(info.value)
