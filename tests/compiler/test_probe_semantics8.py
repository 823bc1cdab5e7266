"""Silent wrong results found by the eighth semantics hunt (2026-12-03: integers narrower than 64
bits, np.select's promotion, Python ints to negative powers, same-kind casting of augmented writes,
masked cotangents summed, unpacking lists of arrays): each program against NumPy's value and dtype, central differences and forward mode,
through the lowered module run as Python (no Numba compile: the suite's budget) unless the compiled
code is the subject. Each failed on the code before its fix (docs/reliability.md)."""
import warnings

import numpy as np
import pytest

import adjit
from tests.conftest import check_against_fd, forward_check, run_grad


def narrow_int_arithmetic(x, img):
    t = 0
    for v in img:  # a NumPy uint8 scalar: t + v stays uint8 (NEP 50) and wraps
        t = t + v
    s = img.reshape(3, 2).sum(axis=1)  # uint64 in NumPy
    return (np.sum(x * (img * img)) + x[0] * (img[3] - img[0]) + x[1] * (-img[1]) + x[2] * t
            + np.sum(x[:3] * s) + x[3] * (np.max(img) + 10) + x[4] * (np.sum(img) - 1000) * 1e-16)


@pytest.mark.compiled
def test_integers_narrower_than_64_bits_wrap_as_numpys():
    """uint8/int8/int16/uint16/uint32 arithmetic wraps at its width in NumPy (`img * img`,
    `img[3] - img[0]`, `-img[1]`, `np.max(img) + 10` of a uint8 image, `t + v` of uint8 scalars);
    Numba computes them in int64, so compiled code gave the unwrapped values (55931.4 for NumPy's
    -977.4 in a probe), as int32 did before its own fix. And NumPy sums uint8/16/32 in uint64
    (adjit kept uint8: `img.reshape(3, 2).sum(axis=1)` wrapped, 100.9 for NumPy's 49.7), where
    `np.sum(img) - 1000` wraps at 2**64."""
    x = np.array([0.3, -1.2, 0.7, 2.1, -0.4, 0.5])
    for dt in (np.uint8, np.int8, np.int16, np.uint16, np.uint32):
        img = np.array([200, 100, 250, 7, 128, 255]).astype(dt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
            ref = narrow_int_arithmetic(x, img)
            value, grad = adjit.value_and_grad(narrow_int_arithmetic)(x, img)
            lvalue, lgrads = run_grad(narrow_int_arithmetic, [x, img], (0,))
        assert np.isclose(value, ref, rtol=1e-12) and np.isclose(lvalue, ref, rtol=1e-12), (dt, value, lvalue, ref)
        assert np.allclose(grad, lgrads[0], rtol=1e-12)


def select_of_numbers(x):
    y = np.select([x > 1, x < 0], [x, 2], 0.5)
    return np.sum(y * x) + y.dtype.itemsize


def test_select_promotes_its_choices_at_once():
    """np.select([c1, c2], [x32, 2], 0.5) is float32 in NumPy (the choices and the default promoted
    together, Python numbers weak); adjit nested np.where's, the inner `np.where(c2, 2, 0.5)` a
    float64 array, so the result was float64 (itemsize 8 for NumPy's 4)."""
    x32 = np.array([0.3, -1.2, 0.7, 2.1, -0.4], dtype=np.float32)
    value, grads = run_grad(select_of_numbers, [x32], (0,))
    assert np.asarray(value).dtype == np.float32 and np.isclose(value, select_of_numbers(x32), rtol=1e-6)
    x = x32.astype(np.float64)
    value, grads = run_grad(select_of_numbers, [x], (0,))
    check_against_fd(select_of_numbers, [x], (0,), compiled=False)
    forward_check(select_of_numbers, [x], (0,), grads)


def python_int_negative_powers(x):
    k = int(x[0] * 10)  # 3
    acc = x[1] * pow(k, -2) + x[2] * (k ** -1) + x[3] * (True ** -1) + x[4] * (2 ** k)
    for i in range(1, 4):
        acc = acc + x[i] * i ** -1
    return acc


def numpy_int_negative_power(x):
    return np.sum(x[:3] * np.arange(1, 4) ** -1)


def test_python_int_to_a_negative_power_is_a_float():
    """`i ** -1` of Python ints is a float in Python (0.5 for i = 2); adjit computed an integer
    power, which Numba's compiled code gives as 0 (the value -1.2 for Python's -0.15 in a probe) and
    the lowered module run as Python raised NumPy's ValueError; `pow(k, -2)` the same. NumPy
    integers to a negative power raise ValueError in NumPy: a located error."""
    x = np.array([0.3, -1.2, 0.7, 2.1, -0.4])
    _value, grads = run_grad(python_int_negative_powers, [x], (0,))
    assert np.isclose(_value, python_int_negative_powers(x), rtol=1e-14)
    assert np.allclose(grads[0], [0.0, 1 / 9 + 1.0, 1 / 3 + 0.5, 1.0 + 1 / 3, 8.0], rtol=1e-14)
    forward_check(python_int_negative_powers, [x], (0,), grads)
    with pytest.raises(adjit.AdjitError, match="negative power"):
        adjit.grad(numpy_int_negative_power)(x)


def int_view_plus_floats(x):
    k = np.arange(3)
    k[1:] += x[:2]
    return np.sum(k * x[:3])


def bool_plus_int(x):
    b = x[:3] > 0
    b += 1
    return np.sum(b * x[:3])


def casting_writes_numpy_allows(x):
    k = np.arange(3)
    k[0] += 1.5  # k[0] is a number: k[0] = k[0] + 1.5, cast when stored
    k[1:] += 2
    b = x[:3] > 0
    b[1:] += True
    y = x * 1
    y[1:3] += np.arange(2)
    return np.sum(k * x[:3]) + np.sum(b * x[:3]) + np.sum(y)


def test_augmented_writes_follow_same_kind_casting():
    """`k[1:] += x[:2]` of an int array (floats into ints, NumPy's ufunc with out= the view) and
    `b += 1` of a boolean array raise in NumPy (same-kind casting); adjit truncated and computed
    (-1.2 for NumPy's UFuncTypeError). Only `k += 0.5` of a whole int array was refused. Now a
    located error for every augmented write whose result NumPy cannot cast into the array; what
    NumPy allows (an element `k[0] += 1.5`, ints into floats, bools into bools) still runs."""
    x = np.array([0.3, -1.2, 0.7, 2.1, -0.4, 1.5])
    for f in (int_view_plus_floats, bool_plus_int):
        with pytest.raises(adjit.AdjitError, match="same-kind casting"):
            adjit.grad(f)(x)
    value, grads = run_grad(casting_writes_numpy_allows, [x], (0,))
    assert value == casting_writes_numpy_allows(x)
    check_against_fd(casting_writes_numpy_allows, [x], (0,), compiled=False)


def clamped_logs(x):
    l = np.log(x)
    return (np.sum(np.fmax(l, -2.0)) + np.sum(np.fmin(-l, 3.0))
            + np.sum(np.where(x > 0, l, 0.0) + np.where(x > 0.5, l * 2, 0.0)))


def test_two_masked_cotangents_keep_their_zero():
    """The cotangent of a value read by two np.where's of different conditions is a sum of two
    masked wheres; their product by the value's derivative (1/x of np.log at x = 0) was 0 * inf,
    nan, where the exact derivative is 0 (np.fmax(np.log(x), -2.0) at x = 0 was nan while
    np.maximum's was 0; `np.where(x > 0, l, 0) + np.where(x > 0.5, 2 l, 0)` the same). simplify's
    _mask_union makes the sum one where over the union of the places chosen."""
    x = np.array([0.5, 0.0, 2.0, 0.3])
    with np.errstate(divide="ignore", invalid="ignore"):
        value, grads = run_grad(clamped_logs, [x], (0,))
        ref = clamped_logs(x)
    assert np.isclose(value, ref, rtol=1e-14)
    want = 1 / x[0] * (1 - 1 + 1), 0.0, 1 / x[2] * (1 - 1 + 1 + 2), 1 / x[3] * (1 - 1 + 1)
    assert np.allclose(grads[0], want, rtol=1e-14)


def unpack_list_of_array(x):
    a, b, c = tuple(x[:3])
    p, q = list(x[1:3] * 2.0)
    return a * b * c + p * q


def test_unpacking_a_list_made_of_an_array():
    """`a, b, c = tuple(x[:3])` (or `list(...)`) is Python's unpacking of the array's items; adjit
    refused it ('cannot unpack the list 't''), where `a, b, c = x[:3]` worked."""
    x = np.array([0.3, -1.2, 0.7, 2.1])
    value, grads = run_grad(unpack_list_of_array, [x], (0,))
    assert np.isclose(value, unpack_list_of_array(x), rtol=1e-14)
    check_against_fd(unpack_list_of_array, [x], (0,), compiled=False)


def run_time_negative_exponent(x):
    k = int(x[0] * 10)
    j = int(x[1] * 10)
    s = 0.0
    for i in range(3):
        s = s + (-1) ** i * x[i] + 2 ** i * x[i]  # a counter from 0 up: no check
    return x[2] * (k ** j) + s


def test_python_int_to_a_negative_power_known_only_when_run_is_an_error():
    """`k ** j` of Python ints with j < 0 only when run: Python's value is a float, compiled code's
    integer power gave 0 silently; now a ValueError there naming the line (j >= 0 runs as before)."""
    x = np.array([0.3, 0.2, 0.7])
    value, grads = run_grad(run_time_negative_exponent, [x], (0,))
    assert np.isclose(value, run_time_negative_exponent(x), rtol=1e-14)
    with pytest.raises(ValueError, match="negative exponent"):
        run_grad(run_time_negative_exponent, [np.array([0.3, -1.2, 0.7])], (0,))


def transposed_masked_log(X):
    l = np.log(X)
    return np.sum(np.where(X > 0, l, 0.0) * np.arange(6.0).reshape(2, 3)) + np.sum(np.where(X.T > 0.5, l.T, 0.0))


def test_transposed_masked_cotangent_keeps_its_zero():
    """`np.where(X.T > 0.5, l.T, 0)` with l = np.log(X) at an exact 0: the cotangent of l is the
    transpose of a masked where, which the rules keeping the zero did not see through (a nan
    gradient where the derivative is 0); simplify._masked_transpose moves the transpose inside."""
    X = np.array([[0.5, 0.0, 2.0], [0.3, 0.7, 0.0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        value, grads = run_grad(transposed_masked_log, [X], (0,))
    want = np.where(X > 0, np.arange(6.0).reshape(2, 3), 0.0) + (X > 0.5)
    assert np.allclose(grads[0], np.divide(want, X, out=np.zeros_like(X), where=X > 0), rtol=1e-14)


def narrow_int_indices(x, img):
    return np.sum(x[img % 6]) + x[np.sum(img) % 4] + x[img[3] - 2] * 2.0


def test_integers_of_any_width_index():
    """NumPy indexes with integers of any width: `x[img % 6]` of a uint8 array, `x[np.sum(img) % 4]`
    (a uint64, since 10752c0) and `x[img[3] - 2]` were 'array indices must be integers, not
    uint64' / 'arrays used as indices must be of integer type'; now cast to int64."""
    x = np.array([0.3, -1.2, 0.7, 2.1, -0.4, 0.5])
    for dt in (np.uint8, np.int16):
        img = np.array([200, 100, 250, 7, 128, 255]).astype(dt)
        value, grads = run_grad(narrow_int_indices, [x, img], (0,))
        assert np.isclose(value, narrow_int_indices(x, img), rtol=1e-14)
        check_against_fd(narrow_int_indices, [x, img], (0,), compiled=False)
