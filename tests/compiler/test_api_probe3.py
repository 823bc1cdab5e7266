"""What benchmarks/api_probe3.py (NumPy semantics everyday code relies on) found refused, pinned:
values against NumPy (computed on copies: a case may write into its argument), gradients against
central differences and forward mode, run as the lowered Python module (no Numba compile)."""
import math

import numpy as np
import pytest

from adjit.compiler.errors import AdjitError
from adjit.runtime.gradcheck import numerical_gradient, relative_error
from conftest import run_grad, run_jvp

R = np.random.default_rng(11)
W12 = np.arange(12.0).reshape(3, 4) - 4.5


def complex_casts(x, y):
    z = x.astype(complex) * (1 + 2j) + y.astype(np.complex128) * 1j
    w = x[0].astype("complex128")
    return np.sum(np.abs(z) * np.arange(6.0)) + np.sum(z.real ** 2) + np.sum(np.angle(z)) + np.abs(w * 1j + 2.0)


def math_fmod(x, k):
    return math.fmod(x[0] * 3, 0.4) + math.fmod(k, 3) * x[1] + math.fmod(-x[2], 0.3) ** 2 + math.fmod(7, -2) * x[3]


def transposed_views(A, x):
    B = A.copy()
    Bt = B.T
    Bt[0, 1] = 5 * A[0, 0]  # B[1, 0]
    Bt[::-1, 2] += x[:4] ** 2  # B[2, ::-1]
    s = np.sum(B * W12)
    B.T[1] *= x[4]  # B[:, 1]
    B.T[B.T > 1.0] = 1.0
    T = np.stack([A, A ** 2])
    T.T[0, 1, :] = x[:2]  # T[:, 1, 0]
    B[1:].T[0] = x[3:5]  # B[1:, 0]
    return s + np.sum(B ** 2 * W12) + np.sum(Bt[0]) + np.sum(T * np.arange(24.0).reshape(2, 3, 4))


def transposed_view_of_argument(A, x):
    A.T[2] = x[:3]  # A[:, 2], the caller's array
    return np.sum(A ** 2 * W12)


def transposed_view_in_loop(A):
    B = A.copy()
    Bt = B.T
    for i in range(3):
        Bt[i, i] = Bt[i, i] * 2 + A[0, i]
        B.T[3, i] += A[i, 0] ** 2
    return np.sum(B ** 2 * W12)


def flat_items_ranges(A, x):
    B = A.copy()
    B.flat[::5] = x[:3]  # the diagonal
    B.flat[1] += x[3] ** 2
    B.T.flat[2] = x[4]  # B.T's C order: B[2, 0]
    i = int(np.argmax(x)) % 4
    r = range(1, 6, 2)
    return A.flat[3] * 2 + np.sum(A.flat[::5] ** 2) + np.sum(B ** 2 * W12) + B.flat[-1] \
        + A.item(3) * A.item((1, 2)) + A.item(2, 3) ** 2 + A.item(-1) + A.item(i) * 2 + x.item(-2) + A[1].item(i) \
        + np.sum(np.array(range(4)) * x[:4]) + np.sum(x[list(range(3))] ** 2) + np.sum(x[r] * 3) \
        + sum(range(4)) * x[0] + len(range(2, 9)) * x[1] + np.sum(A[range(3), [1, 2, 0]] ** 2) \
        + sum(v * i for i, v in enumerate(A.T.flat)) + len(A.flat) * A[0, 0]


def chained_names(x):
    a = b = np.zeros(6)  # one array under two names
    a[0] = x[0]
    b += x ** 2
    s = t = 0.0  # numbers: a rebinding of one leaves the other
    for i in range(3):
        s += x[i]
        m = v = x[i:i + 3] * 1.0
        m *= 2.0
        t += np.sum(v * x[:3])
    return np.sum(b * x) + np.sum(a) + s * t


def reshaped_views(A, x):
    B = A.copy()
    B += 1.0  # in place: B stays the new C-order array A.copy() made
    r = B.reshape(2, 6)  # a view of B
    r[1, 2] = x[0] * 3
    r[0] *= x[1]
    r += x[2]
    Z = np.zeros((3, 4))
    z = Z.ravel()
    for i in range(12):
        z[i] = A[i % 3, i % 4] * i
    y = np.full(6, 2.0)
    M = y.reshape(3, 2)
    M[1, :] = x[:2]
    Bt = B.T
    Bt *= A.T
    return np.sum(B ** 2 * W12) + np.sum(Z ** 2 * W12) + np.sum(y * x)


def selections_written(x, A):
    y = x[x > 0]  # a copy in NumPy: x stays
    y *= 2.0  # was an internal error (an AttributeError in the lowerer)
    y += x[x > 0] ** 2
    y **= 2
    Y = A[A > 0]
    Y /= 2.0
    Z = A[A < 0.5]
    Z[:] = 0.25
    U = x[x < 0.3]
    U[...] = x[x < 0.3] ** 3
    return np.sum(y) + np.sum(Y ** 2) + np.sum(Z * 3) + np.sum(U * 2) + np.sum(A) + np.sum(x ** 2)


def zips_of_starred(x, A):
    pairs = [(x[0], x[1]), (x[2], x[3]), (x[4], x[5])]
    s = 0.0
    for a, b, c in zip(*pairs):  # was "Starred expressions are not supported"
        s = s + a * b * c
    for i, col in enumerate(zip(*A)):  # A's columns as tuples (col * 2 repeats the tuple, as Python's)
        s = s + i * np.sum(np.array(col) ** 2) + len(col * 2) * col[0]
    for r, c in zip(A[0], *A[1:2]):
        s = s + r * c
    return s


def comprehensions_joined(x, A):
    ys = [v * 2 for v in x]
    ys += [x[0]]  # was a located error: a comprehension's list of a length known when compiled joins as Python's
    zs = [r ** 2 for r in A] + [A[0]]
    ws = [v for v in x[:2]] * 2
    return sum(ys) + np.sum(np.array(zs)) + sum(ws) * len(ys)


def strings_joined(x):
    s = "w"
    s += "0"  # was "str cannot be used as a value here": strings known when compiled join as Python's
    d = {"w0": x[0], "w1": x[1], "aa": x[2]}
    label = ""
    for i in range(3):
        label += "-"
    return d[s] * len(label) + d["w" + "1"] ** 2 + d["a" * 2] * len("-" * 3)


def string_decided_when_run(x):
    s = "a"
    if x[0] > 0:
        s += "b"  # which string is known only when run
    return x[1] * len(s)


CASES = [
    (complex_casts, lambda: [R.standard_normal(6), R.standard_normal(6)], (0, 1)),
    (math_fmod, lambda: [R.uniform(0.2, 1.3, 4), 7], (0,)),
    (transposed_views, lambda: [R.standard_normal((3, 4)), R.standard_normal(6)], (0, 1)),
    (flat_items_ranges, lambda: [R.standard_normal((3, 4)), R.standard_normal(6)], (0, 1)),
    (strings_joined, lambda: [R.standard_normal(6)], (0,)),
    (comprehensions_joined, lambda: [R.standard_normal(6), R.standard_normal((3, 4))], (0, 1)),
    (zips_of_starred, lambda: [R.standard_normal(6), R.standard_normal((3, 4))], (0, 1)),
    (selections_written, lambda: [R.standard_normal(6), R.standard_normal((3, 4))], (0, 1)),
    (reshaped_views, lambda: [R.standard_normal((3, 4)), R.standard_normal(6)], (0, 1)),
    (chained_names, lambda: [R.standard_normal(6)], (0,)),
    (transposed_view_in_loop, lambda: [R.standard_normal((3, 4))], (0,)),
    (transposed_view_of_argument, lambda: [R.standard_normal((3, 4)), R.standard_normal(6)], (0, 1)),
]


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_numpy_semantics(fun, make, wrt):
    """Value (and dtype) as NumPy's, gradient as central differences of NumPy's function, forward mode
    as reverse; every run on copies, since a case may write into its argument as NumPy allows."""
    args = make()
    ref = fun(*_copies(args))
    value, grads = run_grad(fun, _copies(args), wrt)
    assert np.isclose(value, ref, rtol=1e-12, atol=1e-12) and np.asarray(value).dtype == np.asarray(ref).dtype
    for k, g in zip(wrt, grads):
        num = numerical_gradient(lambda *a: fun(*_copies(a)), args, k, eps=1e-6)
        assert relative_error(g, num) < 1e-6, f"d/darg{k}: {relative_error(g, num):.2e}"
    rng = np.random.default_rng(5)
    tangents = [rng.standard_normal(np.shape(args[k])) for k in wrt]
    v, tangent = run_jvp(fun, _copies(args), wrt, tangents)
    assert np.isclose(v, ref, rtol=1e-12, atol=1e-12)
    assert np.isclose(sum(float(np.sum(g * d)) for g, d in zip(grads, tangents)), tangent, rtol=1e-9, atol=1e-12)


def math_fmod_of_array(x):
    return math.fmod(x, 0.4)


def transposed_then_older_name(A):
    B = A.copy()
    C = B
    Bt = B.T
    Bt[0, 0] = 1.0  # C is B: NumPy shows the write there
    return np.sum(C * A)


def transposed_name_rebound(A):
    B = A.copy()
    Bt = B.T
    Bt[0, 1] = 3.0
    Bt = Bt * 2  # a new array from here on
    Bt[0, 0] = 1.0
    return np.sum(B * A) + np.sum(Bt)


def reshape_of_a_computed_array(A):
    B = A * 2  # its layout is A's (NumPy's order K): a reshape of it may be a copy
    r = B.reshape(-1)
    r[0] = 1.0
    return np.sum(B * W12)


def reshape_of_a_transpose(A):
    B = np.zeros((3, 4))
    B = B.T  # not C-contiguous: NumPy's reshape copies, the write does not reach B
    r = B.reshape(-1)
    r[0] = A[0, 0]
    return np.sum(B * W12.T) + np.sum(r)


def selection_written_at_a_position(x):
    y = x[x > 0]
    y[0] = 1.0  # which element depends on the data
    return np.sum(y)


def flat_iterator_named_and_written(A):
    B = A.copy()
    f = B.flat
    f[0] = 1.0  # NumPy writes B through its flat iterator
    return np.sum(B * A)


def item_of_too_many_indices(A):
    return A.item(1, 2, 3)


REFUSALS = [
    (math_fmod_of_array, [np.ones(3)], "math.fmod of an array"),
    (transposed_then_older_name, [np.ones((3, 4))], "would also change"),
    (transposed_name_rebound, [np.ones((3, 4))], "would also change"),
    (item_of_too_many_indices, [np.ones((3, 4))], "3 indices for an array of 2"),
    (reshape_of_a_computed_array, [np.ones((3, 4))], "would also change B"),
    (reshape_of_a_transpose, [np.ones((3, 4))], "would also change B"),
    (selection_written_at_a_position, [np.ones(3)], "cannot write into a boolean-mask selection"),
    (flat_iterator_named_and_written, [np.ones((3, 4))], "would also change B"),
    (string_decided_when_run, [np.ones(3)], "str cannot be used as a value here"),
]


@pytest.mark.parametrize("fun,args,words", REFUSALS, ids=[c[0].__name__ for c in REFUSALS])
def test_located_refusals(fun, args, words):
    with pytest.raises(AdjitError, match=words) as e:
        run_grad(fun, args, (0,))
    assert e.value.loc is not None
