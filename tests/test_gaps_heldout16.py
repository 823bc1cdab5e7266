"""What the sixteenth held-out corpus found (benchmarks/real_programs/heldout16.py), as small programs
written the way its programs are: a real number over a complex array whose parts are known only when
run (`np.exp(log_d) / (1 + 1j * omega * tau)`, a Debye term) had a nan gradient in the numerator: the
quotient's zero-divisor branch was `x * inf`, whose derivative inf times the zero cotangent np.where sends
it away from a zero divisor is nan. Gradients against central differences, forward mode against reverse;
the zero divisor's value against NumPy's."""
import numpy as np

import adjit
from tests.conftest import family_tests


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


CASES = [
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
