"""Silent wrong results found by the sixth semantics hunt (2026-12-03: dtype promotion, integer
division, in-place broadcasting and aliasing, reductions with axes, ties, NaN and inf, singular
points): each program against NumPy's value and dtype, central differences and forward mode,
through the lowered module run as Python (no Numba compile: the suite's budget). Each failed on the
code before its fix (docs/reliability.md)."""
import numpy as np
import pytest

import adjit
from tests.conftest import check_against_fd, forward_check, run_grad

S64 = np.int64(3)
U32 = np.uint32(5)


def _checked(fun, *args, fd=True):
    value, _ = run_grad(fun, list(args), (0,))
    ref = fun(*args)
    assert np.asarray(value).dtype == np.asarray(ref).dtype, (np.asarray(value).dtype, np.asarray(ref).dtype)
    assert np.isclose(value, ref, rtol=1e-12, atol=1e-12), (value, ref)
    if fd:
        check_against_fd(fun, list(args), (0,), compiled=False)
    grads = run_grad(fun, list(args), (0,))[1]
    forward_check(fun, list(args), (0,), grads, rtol=1e-9 if fd else 1e-5)


def float32_times_numpy_int64(x):
    return np.sum(x * np.int64(3) + x / np.int32(7))


def float32_times_global_numpy_ints(x):
    return np.sum(x * S64) + np.sum(x * U32)


def float32_times_numpy_functions_of_numbers(x):
    return np.sum(x * np.sqrt(2.0)) + np.sum(x * np.exp(1.0)) + np.sum(x * np.log(3))


def int32_times_numpy_int64(x):
    k = (x * 100).astype(np.int32)
    return np.sum(x * (k * np.int64(2 ** 25)))


def test_numpy_integer_scalars_promote_as_numpy_scalars():
    """np.int64(3) (also np.int32, np.uint32, a global bound to one) is a strong type in NumPy 2:
    a float32 array times it is float64. adjit made such constants Python ints, so the product
    stayed float32 (11.549998 for NumPy's 11.549999445676804), and an int32 array times np.int64(c)
    wrapped at 32 bits where NumPy computes in int64. np.sqrt(2.0) (any ufunc of Python numbers)
    is an np.float64 too: x32 * np.sqrt(2.0) is float64 (adjit's was float32)."""
    x32 = np.array([-1.7, 2.3, 0.4, -0.25, 3.1], dtype=np.float32)
    _checked(float32_times_numpy_int64, x32, fd=False)
    _checked(float32_times_global_numpy_ints, x32, fd=False)
    _checked(int32_times_numpy_int64, np.array([0.31, 0.72, 0.55]), fd=False)
    _checked(float32_times_numpy_functions_of_numbers, x32, fd=False)
    value, grad = adjit.value_and_grad(float32_times_numpy_int64)(x32)
    assert np.asarray(value).dtype == np.float64 and value == float32_times_numpy_int64(x32)


def complex_at_infinities(x, y):
    z = (1.0 + 2j) / (x + 1j * y)
    e = np.exp(x + 1j * y)
    s = np.sqrt(x + 1j * y)
    parts = [z.real, z.imag, e.real, e.imag, s.real, s.imag]
    return sum(np.sum(np.isnan(p) * 1.0 + (p == np.inf) * 2.0 + (p == -np.inf) * 4.0 + (p == 0) * 8.0) * 16.0 ** k
               for k, p in enumerate(parts)) + np.sum(np.where(np.isfinite(s.real * x), s.real * x, 0.0))


def complex_sqrt_on_the_axes(x, y):
    s = np.sqrt(x + 1j * y) + np.sqrt(x * 1j + y) + 1j * np.sqrt(y - 3.0 + 0j)
    return np.sum(s.real * np.arange(1.0, 6.0) + s.imag ** 2) + np.sum(np.sqrt(x - 3.0 + 0j).real == 0) * 100.0


def test_complex_division_exp_sqrt_at_zeros_and_infinities():
    """(1 + 2j) / (x + 1j * y) with x = y = 0 when run gave nan + nan j where NumPy divides each
    part by |0| (inf + inf j; 1 / (0 + 0j) is inf + nan j); np.exp(inf + 0j) gave inf + nan j
    (NumPy: inf + 0j); np.sqrt of x + inf j, inf + 0j and -inf + 2j gave nan parts, and
    np.sqrt(-4 + 0j)'s real part was 1.2e-16 (the polar form's cos(pi / 2)) where NumPy's is 0."""
    x = np.array([0.0, 0.0, 0.8, np.inf, 0.4, -np.inf, -4.0, -0.0])
    y = np.array([0.0, 1.0, np.inf, 0.0, 0.5, 2.0, 0.0, -0.0])
    with np.errstate(all="ignore"):
        value, _ = run_grad(complex_at_infinities, [x, y], (0,))
        assert value == complex_at_infinities(x, y)
    x = np.array([0.0, -2.0, 0.7, -0.3, 1.2])
    y = np.array([1.5, 0.0, -0.4, 0.9, 0.0])
    value, grads = run_grad(complex_sqrt_on_the_axes, [x, y], (0, 1))
    assert value > 500 and np.isclose(value, complex_sqrt_on_the_axes(x, y), rtol=1e-14)
    # the derivative in x at x = 0 (purely imaginary z) is the analytic one, not abs's 0 at 0
    check_against_fd(complex_sqrt_on_the_axes, [x + np.array([0, 0.1, 0, 0, 0]), y + np.array([0, 0.2, 0, 0, 0.3])],
                     (0, 1), compiled=False)
    forward_check(complex_sqrt_on_the_axes, [x, y], (0, 1), grads)


def write_into_a_row_a_comprehension_holds(X, n):
    A = X * 1.0
    ys = [A[i] for i in range(n)]
    A[0] = 0.0
    return np.sum(np.array(ys))


def write_into_a_list_item_that_is_a_view(X, n):
    A = X * 1.0
    ys = [A[i] for i in range(n)]
    ys[0] += 1.0
    return np.sum(A * X) + np.sum(np.array(ys))


def test_sharing_refusals_name_what_the_program_wrote():
    """The sharing check's refusal named values without a name as 'a temporary' and 'an array',
    and its hint said "bind 'a temporary' to a copy" / "an array = an array.copy()"; a list item
    written with += was said to add "into the array object the slot holds". Now the source text
    read or written is quoted."""
    X = np.arange(12.0).reshape(4, 3)
    for fun, said in ((write_into_a_row_a_comprehension_holds, "the value `np.array(ys)`"),
                      (write_into_a_list_item_that_is_a_view, "writing into the array `ys[0]`")):
        with pytest.raises(adjit.UnsupportedSyntaxError) as e:
            adjit.grad(fun)(X, 3)
        text = str(e.value)
        assert said in text and "temporary" not in text and "an array =" not in text and "_comp" not in text, text


def rounded_to_a_signed_zero(x):
    w = np.arange(1.0, x.size + 1)
    return np.sum(np.copysign(w, np.round(x)) + np.copysign(w, np.rint(x)) * 10 + np.copysign(w, np.round(x, 1)) * 100
                  + np.copysign(w, np.clip(x * 0.0, 0.0, 1.0)) * 1000) + np.sum(np.round(x * 3 + 0.1) * x)


def test_rounding_to_zero_and_clipping_at_a_bound_keep_numpys_sign():
    """np.round(-0.3) is -0.0 in NumPy (also np.rint, np.around, np.round(x, 1) of -0.04); adjit's
    floor(x + 0.5) made +0.0, so np.copysign(1, np.round(x)) was 1 (5.0 for NumPy's -23.0). And
    np.clip(-0.0, 0.0, 1.0) is -0.0 in NumPy (x kept where it equals a bound); the scalar form
    np.minimum(np.maximum(x, lo), hi) returned the bound."""
    x = np.array([-0.3, -0.5, -0.04, 0.3, -1e-300, -2.5, -1.5, 0.7])
    _checked(rounded_to_a_signed_zero, x, fd=False)  # central differences cross the zero of -1e-300


def positives_or_zero(x):
    r = []
    for v in x:
        if v > 0.5:
            r.append(v)
    head = (sum(r) if r else 0.0) + (1.0 if not r else 2.0) * x[0]
    if not r:
        return head + np.sum(x ** 2)
    return head + sum(r)


def products_while_building(x):
    r = []
    i = 0
    while not r or i < 3:
        if r and x[i] > 0:
            r.append(x[i] * r[-1])
        else:
            r.append(x[i])
        i += 1
    return sum(r)


def test_truth_of_a_list_built_by_append():
    """`if r:`, `not r`, `r and ...` of a list built by .append (Python: non-empty) were refused as
    'the truth value of an array (f64[:]) is ambiguous' (or 'of _Probe', an adjit class, inside
    the loop that builds it); now its length > 0. `ys = r or [v]` (the list as a value) stays a
    located error naming the list."""
    x = np.array([0.3, -1.2, 0.8, 1.5, 0.4, -0.7])
    _checked(positives_or_zero, x)
    _checked(positives_or_zero, x - 5.0)
    _checked(products_while_building, x)
    _checked(products_while_building, -x)
    with pytest.raises(adjit.AdjitError, match="the list 'r' as a value") as e:
        adjit.grad(list_or_default)(x)
    assert e.value.loc is not None


def list_or_default(x):
    r = []
    for v in x:
        if v > 0.5:
            r.append(v)
    ys = r or [x[0]]
    return sum(ys)


def clip_with_crossed_bounds(x, lo):
    s = np.sum(np.clip(x, x * 0.0, x[::-1]) * np.arange(1.0, 7.0))
    for i in range(6):
        s += np.clip(x[i], lo[i], x[5 - i] * 0.5) * (i + 1)
    return s


def test_clip_where_the_lower_bound_is_above_the_upper():
    """np.clip(x, a_min, a_max) with a_min > a_max is a_max in NumPy; its gradient went to a_min
    (where x < a_min) and none to a_max where x <= a_max (found by gen_features6.py's cliparr
    snippet, `np.clip(x, x * 0.0, x[::-1])`: 3 programs of 120, fd 0.5 off)."""
    x = np.array([-0.3, -1.2, 0.8, 1.5, 0.4, -0.7])
    lo = np.array([0.0, -0.5, 1.0, 0.2, 0.5, -1.0])
    value, grads = run_grad(clip_with_crossed_bounds, [x, lo], (0, 1))
    assert np.isclose(value, clip_with_crossed_bounds(x, lo), rtol=1e-14)
    check_against_fd(clip_with_crossed_bounds, [x, lo], (0, 1), compiled=False)
    forward_check(clip_with_crossed_bounds, [x, lo], (0, 1), grads)


def first_true(x, W):
    return (x[np.argmax(x > 0)] * 2 + x[np.argmin(x > 0)] + float(np.argmax(x > 5)) * x[0]
            + np.sum(np.argmax(W > 0.5, axis=1) * W[:, 0]))


def test_argmax_of_a_mask():
    """np.argmax(mask) (the first True; 0 where none) was refused: 'argsort of a bool array'."""
    x = np.array([-0.3, -1.2, 0.8, 1.5, 0.4, -0.7])
    W = np.array([[0.3, -1.2, 0.8], [1.5, 0.4, -0.7], [-0.2, 0.9, 1.1], [0.6, -0.5, 0.25]])
    _checked(first_true, x, W)


K_GLOBAL = 1


def lambdas_of_a_comprehension(x):
    fs = [lambda: x[K_GLOBAL] for K_GLOBAL in range(3)]  # noqa: F812 (the global's name, as the test needs)
    return sum(f() for f in fs)


def lambdas_used_inside_their_item(x):
    rows = [x[:3], x[3:]]
    out = [sorted(rows, key=lambda r: r[k])[0][0] for k in range(2)]
    return out[0] * 2 + out[1] + sum((lambda: x[k] * 2)() for k in range(3))


def lambdas_kept_in_a_list(x):
    fs = []
    for k in range(3):
        fs.append(lambda v: v * x[k])
    return fs[0](2.0)


def test_lambdas_made_in_a_comprehension_bind_late():
    """`fs = [lambda: x[k] for k in range(3)]` then calling them: Python's closures read k when
    called, after the comprehension (2, for every lambda: NumPy's 2.4 in the test); adjit read a
    global of the same name (-3.6), or said "name 'k' is not defined". Such a lambda is now a
    located error (hint: `lambda k=k: ...`); one called or passed on inside its item reads this
    item's value, as Python does. A lambda kept in a list said 'LocalFunction cannot be used as
    a value here' (an adjit class)."""
    x = np.array([-0.3, -1.2, 0.8, 1.5, 0.4, -0.7])
    with pytest.raises(adjit.UnsupportedSyntaxError, match="a variable of the comprehension") as e:
        adjit.grad(lambdas_of_a_comprehension)(x)
    assert e.value.loc is not None and "K_GLOBAL=K_GLOBAL" in str(e.value)
    _checked(lambdas_used_inside_their_item, x)
    with pytest.raises(adjit.UnsupportedSyntaxError, match="a function defined in the function is used as a value"):
        adjit.grad(lambdas_kept_in_a_list)(x)


STATE = np.zeros(3)


def accumulates_into_a_global(x):
    STATE[1] += x[0]
    return np.sum(STATE * x[:3])


def reads_then_writes_a_global(x):
    out = np.sum(STATE * x[:3])  # NumPy's second call reads the STATE[0] the first call wrote
    STATE[0] = x[1]
    return out


def works_on_a_copy_of_a_global(x):
    s = STATE.copy()
    s[1] += x[0]
    return np.sum(s * x[:3])


def test_augmented_write_into_a_global_array():
    """`STATE[1] += x[0]` in the function: NumPy changes the module's array, so its second call
    gives 0.72 where the first gave 0.36; adjit's compiled code worked on a copy and gave 0.36
    every time (and left STATE unchanged). Now a located error, and so is a plain write
    (`STATE[0] = x[1]` after reading STATE: NumPy's next call reads the new value); a copy under
    another name works."""
    x = np.array([-0.3, -1.2, 0.8])
    for fun in (accumulates_into_a_global, reads_then_writes_a_global):  # a plain write too: the next call reads it
        with pytest.raises(adjit.UnsupportedSyntaxError, match="changes in place the array 'STATE'") as e:
            adjit.grad(fun)(x)
        assert e.value.loc is not None and "STATE_work = STATE.copy()" in str(e.value)
    _checked(works_on_a_copy_of_a_global, x)
    assert not STATE.any()


ROWS32, COLS64 = np.int32(2), np.int64(3)


def reshaped_by_numpy_ints(x):
    return np.sum(x.reshape(ROWS32, COLS64) * np.arange(6.0).reshape(2, 3)) + x[ROWS32] * COLS64


@pytest.mark.compiled
def test_a_shape_of_numpy_int32_and_int64_compiles():
    """x.reshape(np.int32(2), np.int64(3)) with NumPy ints kept strong (their promotion above):
    the shape tuple's items had two types, which Numba's reshape refuses (an internal error)."""
    x = np.array([-0.3, -1.2, 0.8, 1.5, 0.4, -0.7])
    value, grad = adjit.value_and_grad(reshaped_by_numpy_ints)(x)
    assert np.isclose(value, reshaped_by_numpy_ints(x), rtol=1e-14)
    check_against_fd(reshaped_by_numpy_ints, [x], (0,), compiled=False)
