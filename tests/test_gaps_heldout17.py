"""What the seventeenth held-out corpus found (benchmarks/real_programs/heldout17.py), as small programs
written the way its programs are: `t, dose = events[k]` and `events[k][0]` of a list argument of (time, dose)
tuples at a position known only when run (a dosing table walked by a while loop inside an Euler loop) were
refused ('indexed only with a constant'); np.linalg.eigvalsh of a stack of complex Hermitian matrices (bands
over a k-grid, H of shape (nk, 3, 3)) was refused; probes around the corpus's constructs found np.cov's `y`,
`fweights` and `aweights`, np.interp's `period`, and np.tanh/np.sinh/np.cosh/np.tan and np.prod of complex values
(a transmission line's input impedance, a product over poles) refused, and `psi *= np.exp(1j * np.abs(psi) ** 2 * dt)`
(split-step Fourier) refused with a message about adjit's own 'psi_re': the new real part was written before the new
imaginary part, which reads the old real part, was computed; np.interp, np.polyfit and np.quantile of a list of q
computed float32 data in float32 where NumPy computes and returns float64 (values 1e-7 apart). Gradients against central differences, forward mode
against reverse (the lowered module run as plain Python)."""
from typing import NamedTuple

import numpy as np
import pytest

import adjit
from tests.conftest import family_tests, run_grad


# ------------------------------------------------ a list of (time, dose) tuples indexed by a counter known when run
class Dose(NamedTuple):
    t: float
    amount: float


def dosing_events(x, events, named):
    s, k = 0.0, 0
    for step in range(6):
        t = 0.5 * step
        while k < len(events) and events[k][0] <= t + x[2] * 0.0:
            when, amount = events[k]
            s = s + amount * np.exp(-x[0] * (t - when)) + x[1] * events[k][1]
            k += 1
        s = s * (1.0 - 0.1 * x[0])
    d = named[k - 2]  # a NamedTuple item: its fields by name
    return s + x[2] * events[-k][0] + d.amount * x[1] ** 2 + d[0] * x[0]


def _dosing_args():
    return [np.array([0.3, 0.7, 1.1]), [(0.0, 2.0), (1.0, 3.0), (2.2, 0.5)], [Dose(0.5, 1.5), Dose(1.0, 2.5)]]


def pairs_by_counter(x, pairs):
    s, k = 0.0, 0
    while s < 10.0 and k < len(pairs):
        i, j = pairs[k]  # ints: positions into x
        s = s + x[i] * x[j]
        k += 1
    return s


# ------------------------------------------------ np.linalg.eigvalsh of a stack of complex Hermitian matrices
def stacked_bands(c, k):
    H = np.zeros((len(k), 3, 3), dtype=complex)
    H[:, 0, 1] = -c[0] * np.exp(1j * c[1]) * np.cos(k)
    H[:, 1, 2] = -c[0] * np.cos(2 * k) + 0.3j
    H[:, 1, 0] = np.conj(H[:, 0, 1])
    H[:, 2, 1] = np.conj(H[:, 1, 2])
    H[:, 2, 0] = 0.2 * c[2]  # the upper triangle left zero: NumPy reads the lower one
    for s in range(3):
        H[:, s, s] = c[2] * s
    G = np.stack([H, 2 * H])  # (2, nk, 3, 3)
    return np.sum(np.linalg.eigvalsh(H) ** 3 * np.arange(1.0, 4.0)) + np.sum(np.sin(np.linalg.eigvalsh(G)))


# ------------------------------------------------ np.cov(x, y), fweights, aweights; np.interp(period=) (probes around the corpus)
def weighted_cov(X, w):
    C = np.cov(X[:, 0], X[:, 1]) + np.cov(X[:, :2], X[:, 2:], rowvar=False)[:2, 1:]
    A = np.cov(X.T, fweights=np.array([1, 2, 1, 3, 1, 2]), aweights=w, bias=True)
    return np.sum(C * np.array([[1.0, 2.0], [3.0, 4.0]])) + np.sum(A * np.arange(9.0).reshape(3, 3)) \
        + np.sum(np.cov(X, rowvar=False, aweights=w ** 2) ** 2) + np.cov(X[:, 0], aweights=w) + np.cov(X[:, 1:2].T)


def wind_direction_table(x):
    xp = np.array([350.0, 10.0, 90.0, 180.0, 270.0])  # degrees, unsorted and wrapping
    d = np.array([355.0, 5.0, -20.0, 400.0, 95.0]) * (1 + 0.01 * x[0])
    return np.sum(np.interp(d, xp, x[:5] ** 2, period=360) * np.arange(5.0)) \
        + np.interp(x[0] * 10, np.array([0.0, 3.0, 5.0]), x[1:4], period=x[4] + 8.0)


# ------------------------------------------------ np.tanh, np.sinh, np.cosh, np.tan and np.prod of complex values
def line_impedance(x):
    gamma = x[0] * 1e-2 + 1j * 2 * np.pi * np.linspace(1e6, 5e6, 4) / 2e8  # a lossy line's propagation constant
    Z0, ZL = 50.0 * x[1], 75.0 + 20j * x[2]
    Zin = Z0 * (ZL + Z0 * np.tanh(gamma * 3.0)) / (Z0 + ZL * np.tanh(gamma * 3.0))
    z = x[:3] + 1j * (x[3:] - 0.8)
    big = 400.0 * x[:3] + 1j * x[3:]  # tanh's +-1 where cosh overflows, as NumPy
    poles = 1 / np.prod(1j * np.linspace(0.1, 3, 3)[:, None] + x[:3] - 1j * x[3:], axis=1)
    return np.sum(np.abs((Zin - 50) / (Zin + 50)) ** 2) + np.sum(np.sinh(z).imag + np.cosh(z).real * x[:3]
                                                                  + np.tan(z).real + np.tan(z).imag ** 2) \
        + np.sum(np.tanh(big).real + np.tanh(-big).imag) + np.sum(np.log(np.abs(poles))) + np.angle(np.prod(z))


# ------------------------------------------------ `z *= w` of a complex array: both new parts before either write
def split_step(p):
    x = np.linspace(-4, 4, 8, endpoint=False)
    k = 2 * np.pi * np.fft.fftfreq(8, d=1.0)
    psi = p[0] / np.cosh(x) * np.exp(1j * p[1] * x)
    for _ in range(3):
        psi = np.fft.ifft(np.exp(-0.05j * k ** 2) * np.fft.fft(psi))
        psi *= np.exp(0.1j * np.abs(psi) ** 2)  # the nonlinear phase: reads psi, then writes it
        psi /= 1 + 0.1j * p[0]
    return np.sum(np.abs(psi[:4]) ** 2) + np.angle(psi[2])


# ------------------------------------------------ a Kalman filter with some entries of a reading missing
_F = np.array([[1.0, 1.0], [0.0, 1.0]])
_Z = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])


def kalman_selected_rows(p, Y):  # Zt = Z[obs]: refused (the hint's rewrite below)
    a, P, nll = np.zeros(2), np.eye(2) * 10, 0.0
    for t in range(len(Y)):
        obs = ~np.isnan(Y[t])
        Zt = _Z[obs]
        S = Zt @ P @ Zt.T + np.exp(p[2]) * np.eye(int(obs.sum()))
        v = Y[t][obs] - Zt @ a
        K = P @ Zt.T @ np.linalg.inv(S)
        a, P = a + K @ v, P - K @ Zt @ P
        nll += 0.5 * (np.linalg.slogdet(S)[1] + v @ np.linalg.solve(S, v))
        a, P = _F @ a, _F @ P @ _F.T + np.diag(np.exp(p[:2]))
    return nll


def kalman_full_shape(p, Y):
    a, P, nll = np.zeros(2), np.eye(2) * 10, 0.0
    for t in range(len(Y)):
        obs = ~np.isnan(Y[t])
        Zt = _Z * obs[:, None]
        v = np.where(obs, np.nan_to_num(Y[t]) - _Z @ a, 0.0)
        S = Zt @ P @ Zt.T + np.diag(np.where(obs, np.exp(p[2]), 1.0))
        K = P @ Zt.T @ np.linalg.inv(S)
        a, P = a + K @ v, P - K @ Zt @ P
        nll += 0.5 * (np.linalg.slogdet(S)[1] + v @ np.linalg.solve(S, v))
        a, P = _F @ a, _F @ P @ _F.T + np.diag(np.exp(p[:2]))
    return nll


def _kalman_args():
    Y = np.array([[0.3, -0.2, 0.5], [0.1, np.nan, 0.4], [np.nan, np.nan, 1.1], [np.nan] * 3, [0.9, 0.2, 1.0]])
    return [np.array([-1.0, -2.0, -0.5]), Y]


def test_selected_rows_refused_with_the_full_shape_rewrite():
    with pytest.raises(adjit.AdjitError, match="keep the full shape"):
        run_grad(kalman_selected_rows, _kalman_args(), (0,))
    assert np.isclose(kalman_selected_rows(*_kalman_args()), kalman_full_shape(*_kalman_args()), rtol=1e-12)


# ------------------------------------------------ np.linalg of a stack of more than 64 matrices (a k-path of 70 points)
def long_k_path(c):
    k = np.linspace(0, 3, 70)
    H = np.zeros((70, 2, 2), dtype=complex)
    H[:, 0, 1] = -c[0] * (1 + np.exp(1j * k))
    H[:, 1, 0] = np.conj(H[:, 0, 1])
    H[:, 0, 0] = c[1]
    S = np.stack([np.outer(c, c) * np.cos(t) + 3 * np.eye(2) for t in k]).reshape(2, 35, 2, 2)
    return np.sum(np.linalg.eigvalsh(H)[:, 0]) + np.sum(np.log(np.linalg.det(S))) + np.sum(np.linalg.inv(S)[..., 0, 1]) \
        + np.sum(np.linalg.cholesky(S)[..., 1, 0] ** 2)


CASES = [
    (dosing_events, _dosing_args),
    (pairs_by_counter, lambda: [np.array([0.5, -1.2, 0.8]), [(0, 1), (2, 2), (1, 0), (0, 0)]]),
    (stacked_bands, lambda: [np.array([1.0, 0.4, 0.25]), np.array([0.3, 1.1, 2.0, 2.9])]),
    (weighted_cov, lambda: [np.random.default_rng(3).standard_normal((6, 3)), np.array([0.5, 1.0, 2.0, 1.5, 0.7, 1.2])],
     (0, 1)),
    (wind_direction_table, lambda: [np.array([0.33, -0.8, 0.5, 1.2, 0.4])]),
    (line_impedance, lambda: [np.array([0.4, 1.1, 0.7, 0.5, 1.3, 0.9])]),
    (split_step, lambda: [np.array([1.2, 0.4])]),
    (kalman_full_shape, _kalman_args),
    (long_k_path, lambda: [np.array([1.0, 0.3])]),
]
IDS = [c[0].__name__ for c in CASES]

test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


# ------------------------------------------------ mini-batches from a helper: located refusals that name the rewrite
def _batches_gen(X, y, bs):
    for i in range(0, len(X), bs):
        yield X[i:i + bs], y[i:i + bs]


def _batches_list(X, y, bs):
    return [(X[i:i + bs], y[i:i + bs]) for i in range(0, len(X), bs)]


def generator_batches(w, X, y):
    return sum(np.sum((xb @ w - yb) ** 2) for xb, yb in _batches_gen(X, y, 2))


def batches_from_call(w, X, y):
    total = 0.0
    for xb, yb in _batches_list(X, y, 2):
        total += np.sum((xb @ w - yb) ** 2)
    return total


def batches_named(w, X, y):
    total = 0.0
    parts = _batches_list(X, y, 2)
    for xb, yb in parts:
        total += np.sum((xb @ w - yb) ** 2)
    return total


@pytest.mark.parametrize("fun,match", [(generator_batches, "generator function"),
                                       (batches_from_call, "bind the list to a name first")])
def test_batches_refused_with_the_rewrite(fun, match):
    args = [np.array([0.5, -0.3]), np.arange(10.0).reshape(5, 2) / 5, np.linspace(0, 1, 5)]
    with pytest.raises(adjit.AdjitError, match=match):
        run_grad(fun, args, (0,))
    value, (g,) = run_grad(batches_named, args, (0,))  # the rewrite the hint names
    assert np.isclose(value, batches_named(*args), rtol=1e-13)


# ------------------------------------------------ float32 data: np.interp, np.polyfit and np.quantile of a list compute in float64
def float32_results(x):
    t = np.linspace(0, 1, 7).astype(np.float32)
    return np.sum(np.interp(x, t[::2], x[:4])) + np.sum(np.polyfit(t, x, 2) * np.arange(3)) \
        + np.sum(np.quantile(x, [0.2, 0.7])) + np.interp(0.3, t[:2], x[:2], period=0.9)


def test_float32_results_are_numpys_float64():
    x = (np.linspace(0.1, 1.3, 7) ** 1.3).astype(np.float32)
    value, (g,) = run_grad(float32_results, [x], (0,))
    ref = float32_results(x)
    assert np.asarray(value).dtype == np.float64 == np.asarray(ref).dtype  # adjit computed these in float32
    assert np.isclose(value, ref, rtol=1e-13) and g.dtype == np.float32
