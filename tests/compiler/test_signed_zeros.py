"""The sign of a zero, as NumPy computes it (docs/reliability.md, 2026-12-02): complex values are
pairs of real parts (complexvals.py), and a part that is exactly zero was dropped and simplified
(`0 - b` -> `-b`, `x + 0.0` -> `x`), so the zero imaginary part of `a - 1j * b` at b = 0 was -0.0
where NumPy's is +0.0: np.angle, np.log, np.sqrt and non-integer powers read that sign on the
negative real axis (pi against -pi). Each program against NumPy's value elementwise (the weights
tell the elements apart), central differences and forward mode, through the lowered module run as
Python; one compiled with Numba."""
import numpy as np

import adjit
from tests.conftest import check_against_fd, check_forward, run_grad

A = np.array([-1.5, -2.0, 0.7, -0.4])
B = np.array([0.0, -0.0, 0.3, -0.0])
W = np.array([1.0, 10.0, 100.0, 1000.0])


def angle_of_a_difference(a, b):
    return np.sum(np.angle(a - 1j * b) * a * W)


def sqrt_and_log_through_products(a, b):
    z = (a - 1j * b) * 2.0 + 1.0
    w = (a + 1j * b) / a - 2.0
    return np.sum((np.sqrt(z).imag + np.log(w).imag + np.angle(-(a + 1j * b))) * a * W)


def sine_and_conjugate_of_reals(a, b):
    s = np.sin(a + 0j) * (1.0 + 0.0 * b)
    c = np.conj(a * (1 + 0j))
    return np.sum((np.log(s).imag + np.angle(c) + np.angle(np.cos(a + 0j) - 3.0)) * a * W)


def parts_set_by_complex(a, b):
    return np.sum(np.angle(complex(-0.5, -0.0) * a[0] + a) * a * W) + np.angle(complex(a[1], -0.0))


def real_zero_before_arctan2(x):
    return np.sum(np.arctan2(x * 0.0 + 0.0, -1.0) * x * W)


def sum_of_a_constant_imaginary_part(a):
    return np.sum(a + 2j).imag * a[0] + np.sum(np.cumsum(a - 3j).imag * a)


def power_and_log10_at_zero(a, b):
    z = np.where(np.abs(a) > 1.0, a, 0.0) + 1j * b
    return np.sum((z ** 0.5).real * W + np.log10(z + 1.0).imag * a)


def _checked(fun, *args):
    ref = fun(*args)
    value, _ = run_grad(fun, list(args), (0,))
    assert value == ref or np.isclose(value, ref, rtol=1e-12, atol=0.0), (value, ref)
    check_against_fd(fun, list(args), (0,), compiled=False)
    check_forward(fun, list(args), (0,), compiled=False)


def test_a_zero_imaginary_part_has_numpys_sign():
    """angle(a - 1j * b) at b = 0, a < 0: -pi for NumPy's pi (the open item of the third hunt)."""
    _checked(angle_of_a_difference, A, B)
    _checked(sqrt_and_log_through_products, A, B)
    _checked(sine_and_conjugate_of_reals, A, B)
    _checked(parts_set_by_complex, A, B)


def test_a_real_plus_zero_keeps_ieee_sign():
    """`x * 0.0 + 0.0` is +0.0 for a negative x in NumPy; the simplifier's `x + 0 -> x` kept -0.0
    (real programs too): arctan2 gave -pi, 12.57 for NumPy's 0.0. Compiled with Numba."""
    g = adjit.value_and_grad(real_zero_before_arctan2)
    value, grad = g(A)
    assert value == real_zero_before_arctan2(A)
    check_against_fd(real_zero_before_arctan2, [A], (0,), compiled=False)
    assert "+ 0.0" in g.source(A)


def test_a_constant_part_is_summed_over_the_array():
    """np.sum(x + 2j).imag summed the Python number 2.0 once (-3.0 for NumPy's -9.0 here), and
    np.cumsum the same: a constant part is the array NumPy has there."""
    _checked(sum_of_a_constant_imaginary_part, A)


def test_a_real_power_and_log10_at_zero_stay_finite():
    """0 ** 0.5 is 0 in NumPy; computed as NumPy's complex product w * log(z), 0 * (-inf) would be
    nan (a real exponent and log10's scale multiply each part)."""
    _checked(power_and_log10_at_zero, A, np.array([0.0, 0.0, 0.5, -0.0]))


def conjugate_of_a_constant(a, b):
    e = np.conj(0.5 - 1j)
    return np.sum(np.abs(a + e * b) * W) + np.angle(e) * a[0]


def test_a_complex_function_of_constants_is_lowered():
    """`e = np.conj(0.5 - 1j)` was run by NumPy before the compiled code (host.py took np.conj,
    np.angle, np.real, np.vdot, ... for functions without a rule), whose complex128 result the
    compiled code cannot take: a located refusal of a program adjit computes."""
    _checked(conjugate_of_a_constant, A, B)


def reciprocal_of_a_conjugated_zero(a, b):
    return np.sum(a * W) * np.exp(-1.0 / np.conj(0.0)) + np.sum(np.exp(1j * a).real)


def test_a_numpy_scalar_of_constants_divides_as_numpy():
    """np.conj(0.0) of a constant, folded when compiled, became the Python float 0.0, so `-1.0 /`
    it raised Python's ZeroDivisionError inside the compiler (NumPy: -inf, and exp of it 0)."""
    _checked(reciprocal_of_a_conjugated_zero, A, B)


def parts_of_two_shapes(a, B):
    B = np.outer(B, B)[:3, :3]
    return np.sum(np.sum((a[:3] + 1j * a[:3]) - B, axis=0).imag * np.arange(3.0)) + \
        np.sum(np.cumsum(B + 1j * a[:3], axis=0).imag * B) + np.sum((B + 1j * a[:3]).T.imag * B) + \
        np.sum((np.ones(3) @ (B + 1j * a[:3])).imag * a[:3]) + np.sum(np.mean(B - 2j, axis=1).imag * a[:3])


def test_a_function_of_the_parts_sees_them_broadcast():
    """`np.sum(B + 1j * a, axis=0)` with a (3,) and B (3, 3): the parts were the (3, 3) real part and
    the (3,) imaginary one, and np.sum, np.cumsum, .T and @ took each as it was (the imaginary part
    summed to one number: -0.45 for NumPy's -1.2 here); they are broadcast first, as NumPy's array."""
    _checked(parts_of_two_shapes, A, B + 0.5)
