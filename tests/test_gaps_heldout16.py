"""What the sixteenth held-out corpus found (benchmarks/real_programs/heldout16.py), as small programs
written the way its programs are: a real number over a complex array whose parts are known only when
run (`np.exp(log_d) / (1 + 1j * omega * tau)`, a Debye term) had a nan gradient in the numerator: the
quotient's zero-divisor branch was `x * inf`, whose derivative inf times the zero cotangent np.where sends
it away from a zero divisor is nan; `ahead = np.nonzero(mask)[0]` then `len(ahead)`, `ahead[0]`, `ahead.size`,
`for i in ahead` (a pure-pursuit look-ahead) were refused ('len() of an unsized object'), and `ahead[0]` read
as the whole array; np.repeat with counts known only when run (`np.repeat(np.arange(n), time)`, a person-period
table) was refused ('repeats must be a constant'); np.linalg.eigvalsh of a complex Hermitian matrix (a phonon
dynamical matrix) was refused; `np.concatenate([np.arange(t) for t in time])` (items of lengths known only when run)
was refused ('np.array of a comprehension ...'). Gradients against central differences, forward mode against reverse;
the zero divisor's value against NumPy's."""
import numpy as np
import pytest

import adjit
from tests.conftest import family_tests, run_grad


# ------------------------------------------------ a real number over a complex value known when run (Cole-Cole, Debye)
def debye_fit(theta, omega, meas):
    eps_inf, log_d, log_tau = theta
    eps = eps_inf + np.exp(log_d) / (1 + 1j * omega * np.exp(log_tau))
    r = (eps - meas) / np.abs(meas)
    return np.sum(r.real ** 2 + r.imag ** 2)


def real_over_imaginary(a, w):
    z = a / (1j * w) + (a * w) / (w + 0j)
    return np.sum(z.imag ** 2 + z.real)


def _debye_args():
    omega = np.array([0.3, 1.0, 3.0, 10.0])
    return [np.array([2.0, 0.4, -0.2]), omega, 2.0 + 3.0 / (1 + 1j * omega) + 0.05j]


# ------------------------------------------------ np.nonzero(c)[0] as NumPy's array: len, [0], .size, iterated (look-ahead)
def lookahead(x, d):
    ahead = np.nonzero(d >= x[0])[0]
    j = ahead[0] if len(ahead) > 0 else len(d) - 1
    idx = np.where(d > x[1])[0]
    s = 0.0
    for i in idx:
        s = s + d[i] * x[2]
    return x[0] * d[j] + np.sum(x * idx.size) + x[1] * idx[-1] + s + np.sum(x[1] * d[idx[1:]])


def _lookahead_args(x0=0.4):
    return [np.array([x0, 0.2, 0.7]), np.array([0.1, 0.5, 0.9, 0.3, 0.6])]


# ------------------------------------------------ np.repeat by counts known when run (person-period tables)
def repeat_counts(x, X, r):
    rows = np.repeat(np.arange(len(r)), r)
    return np.sum(np.repeat(x, r) ** 2 * np.arange(np.sum(r))) + np.sum(np.sin(np.repeat(X, r, axis=1))) \
        + np.sum(np.tanh(X.T[rows] @ x[:2]))


def _repeat_args():
    return [np.array([1.0, 2.0, 3.0]), np.array([[0.5, -1.0, 0.3], [0.2, 0.1, -0.4]]), np.array([2, 0, 3])]


# ------------------------------------------------ np.linalg.eigvalsh of a complex matrix (NumPy reads its lower triangle)
def bands(c, q, B):
    off = -(c[0] + c[1] * np.exp(-1j * q)) / np.sqrt(c[2])
    D = np.array([[c[0] + c[1], off], [np.conj(off), (c[0] + c[1]) / c[2]]])
    H = np.outer(c, c) + 1j * B * c[0]  # not Hermitian: the lower triangle's Hermitian matrix, as NumPy
    return np.sum(np.sqrt(np.linalg.eigvalsh(D)) * np.array([1.0, 3.0])) + np.sum(np.linalg.eigvalsh(H) ** 3)


def _bands_args():
    return [np.array([1.0, 1.6, 2.5]), 0.7, np.array([[0.3, -1.0, 0.5], [0.8, 0.2, -0.4], [0.1, 0.6, -0.2]])]


# ------------------------------------------------ np.concatenate of a comprehension whose items' lengths are known when run
def person_period(x, time):
    period = np.concatenate([np.arange(t) for t in time])
    v = np.concatenate([np.arange(t) * x[0] + x[1] for t in time if t > 0])
    M = np.concatenate([np.outer(x, x) * t for t in time])  # 2-D items: NumPy's array of them, joined
    return np.sum(x[period % 3] ** 2) + np.sum(v ** 2) + np.sum(np.sin(np.hstack([x[:2] * t for t in time]))) \
        + np.sum(M ** 2)


CASES = [
    (person_period, lambda: [np.array([0.5, -0.2, 0.3]), np.array([2, 0, 3, 1])]),
    (bands, _bands_args),
    (repeat_counts, _repeat_args, (0, 1)),
    (lookahead, _lookahead_args),
    (debye_fit, _debye_args),
    (real_over_imaginary, lambda: [0.7, np.array([0.5, -2.0, 3.0])], (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]

test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


def _over(a, w):
    return np.sum((a / (w + 0j)).real)


def test_zero_divisor_value_is_numpys():
    w = np.array([0.0, 2.0])
    with np.errstate(all="ignore"):
        assert np.isinf(adjit.value_and_grad(_over)(1.5, w)[0]) and np.isinf(_over(1.5, w))


def test_nonzero_positions_when_none_is_selected():
    args = _lookahead_args(x0=1.0)  # ahead is empty: the else branch, as NumPy
    value, (g,) = run_grad(lookahead, args, (0,))
    assert np.isclose(value, lookahead(*args), rtol=1e-14) and np.isclose(g[0], args[1][-1] + 4.0)


def test_repeat_negative_count_raises_as_numpy():
    args = _repeat_args()
    args[2] = np.array([2, -1, 3])
    with pytest.raises(ValueError, match="negative"):
        run_grad(repeat_counts, args, (0,))
