"""Programs for tests/compiler/test_everyday_probe.py: idioms found by probing everyday NumPy
(itertools loops, a `raise` after the returns), in a plain module (adjit reads their source)."""
import functools
import itertools
import math
import warnings

import numpy as np
import scipy.linalg as sla
from scipy import ndimage, signal


def pairs_of_values(x):
    s = 0.0
    for i, j in itertools.combinations(range(len(x)), 2):
        s += (x[i] - x[j]) ** 2
    return s


def pairs_of_rows(X):
    e = 0.0
    for a, b in itertools.combinations(X, 2):
        e += 1.0 / np.sqrt(np.sum((a - b) ** 2) + 1.0)
    return e


def ordered_pairs(x):
    return sum(x[i] * x[j] ** 2 for i, j in itertools.permutations(range(4), 2))


def ordered_pairs_loop(x):
    s = 0.0
    for i, j in itertools.permutations(range(len(x)), 2):
        s += np.sin(x[i]) * x[j]
    return s


def pairs_with_replacement(x):
    s = 0.0
    for i, j in itertools.combinations_with_replacement(range(len(x)), 2):
        s += x[i] * x[j] * (i + 1)
    return s


def triples(x):
    s = 0.0
    for i, j, k in itertools.combinations(range(5), 3):
        s += x[i] * x[j] * x[k]
    return s


def grid_product(X):
    s = 0.0
    for k, (i, j) in enumerate(itertools.product(range(X.shape[0]), range(X.shape[1]))):
        s += k * X[i, j] ** 2
    return s


def product_repeat(x):
    s = 0.0
    for a, b in itertools.product(x[:3], repeat=2):
        s += a * b
    return s


def product_in_comprehension(x):
    return np.sum(np.array([x[i] * x[j] for i, j in itertools.product(range(3), range(2))]))


def penalty(x, mode="l2"):
    if mode == "l2":
        return np.sum(x ** 2)
    elif mode == "l1":
        return np.sum(np.abs(x))
    raise ValueError(f"unknown mode {mode}")


def pairs_up_to(x, n):
    s = 0.0
    for i, j in itertools.combinations(range(n), 2):
        s += x[i] * x[j]
    return s


def peak_value(X):
    i, j = np.unravel_index(np.argmax(X), X.shape)
    k = np.ravel_multi_index((i, j), X.shape)
    return X[i, j] * 2.0 + X.ravel()[k]


def unravel_many(X):
    rows, cols = np.unravel_index(np.array([0, 5, 7]), X.shape)
    return np.sum(X[rows, cols] ** 2)


def insert_columns(X):
    Y = np.insert(X, 1, 0.5, axis=1)
    Z = np.insert(Y, 0, Y[0], axis=0)
    return np.sum(Z ** 2 * np.arange(Z.shape[1]))


def insert_flat(x):
    return np.sum(np.insert(x, 2, x[0] * 3) ** 2) + np.sum(np.insert(x, -1, [1.0, 2.0]) * x[0])


def delete_rows(X):
    return np.sum(np.delete(X, [0, 2], axis=0) ** 2) + np.sum(np.delete(X, -1))


def resized(x):
    return np.sum(np.resize(x, 7) ** 2) + np.sum(np.resize(x, (2, 2)))


def partitioned(x):
    return np.sum(np.partition(x, 2)[:3]) + x[np.argpartition(x, -2)[-2:]].sum()


def vectorized_helper(x):
    def piece(v):
        if v > 0:
            return v * v
        return np.sin(v)
    return np.sum(np.vectorize(piece)(x))


def vectorized_lambda(X):
    g = np.vectorize(lambda a, b: a * b if a > b else a + b)
    return np.sum(g(X, X[0]))


@np.vectorize
def huber(r, delta=1.0):
    if abs(r) <= delta:
        return 0.5 * r * r
    return delta * (abs(r) - 0.5 * delta)


def vectorized_global(x):
    return np.mean(huber(x - 0.3)) + huber(x[0])


def fold_rows(x):
    return functools.reduce(lambda a, b: a * 0.5 + b, x) + functools.reduce(lambda a, b: a + b,
                                                                            [v * v for v in x])  # a comprehension


def over_ndindex(X):
    s = 0.0
    for i, j in np.ndindex(X.shape):
        s += X[i, j] * (i - j)
    for idx in np.ndindex(*X.shape):
        s += np.sin(X[idx]) * idx[0]
    return s


def over_ndenumerate(X):
    s = 0.0
    for (i, j), v in np.ndenumerate(X):
        s += v * v * (i + 2 * j)
    return s


def validated(x):
    if not np.isfinite(x).all():
        raise ValueError("x has non-finite entries")
    return np.sum(x ** 2)


def guarded_loop(x):
    s = 0.0
    for v in x:
        if v > 100.0:
            raise RuntimeError("diverged")
        s += v * v
    return s


class CustomFailure(Exception):
    pass


def custom_raise(x):
    if x[0] > 10.0:
        raise CustomFailure("too big")
    return np.sum(x)


def quiet_blocks(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.log(np.abs(x) + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"), np.printoptions(precision=3):
        z = np.where(x != 0, np.sin(x) / x, 1.0)
    return np.sum(y ** 2) + np.sum(z)


def sorted_in_place(X):
    Y = X.copy()
    Y.sort(axis=0)
    Y[0].sort()
    y = X[1].copy()
    y.sort()
    return np.sum(Y * np.arange(Y.shape[1])) + np.sum(y * np.arange(len(y)))


def filled(x):
    y = np.empty_like(x)
    y.fill(2.0)
    y[1:3] = x[:2]
    return np.sum(y * x)


def as_lists(X):
    rows = X.tolist()
    flat = X[0].tolist()
    return sum(r[0] * r[1] for r in rows) + sum(v * v for v in flat)


def sparse_grid(x):
    xx, yy = np.meshgrid(x, x[:3], sparse=True)
    return np.sum(np.sin(xx) * yy)


def sums_in_float64(x):
    return np.sum(x, dtype=np.float64) + np.mean(x ** 2, dtype=np.float64) + x.sum(dtype=float) * 2


def sorted_keys(w):
    d = {"b": w[1], "a": w[0], "c": w[2]}
    s = 0.0
    for k in sorted(d):
        s = s * 2 + d[k]
    return s


def orthogonal_series(x):
    c = x[:5]
    t = np.linspace(-0.9, 0.9, 7)
    P = np.polynomial
    return (np.sum(P.chebyshev.chebval(t, c) ** 2) + np.sum(P.legendre.legval(t, c))
            + np.sum(P.hermite.hermval(t, c)) + np.sum(P.hermite_e.hermeval(t, c) * t)
            + np.sum(P.laguerre.lagval(t + 1, c)) + np.sum(P.polynomial.polyval(t, c) ** 2)
            + P.legendre.legval(x[5], [1.0, 2.0, 0.5]) + P.chebyshev.chebval(x[0], [0.3]))


def string_options(x):
    params = {"w1": x[0], "w2": x[1], "bias": x[2]}
    s = 0.0
    for name, val in params.items():
        if name.startswith("w") and name.upper() != "W3":
            s += val ** 2
        else:
            s += val
    return s


def rounding_to_ints(x):
    k = int(abs(x[0]) * 3) % len(x)
    return x[k] ** 2 + math.floor(x[1] * 2) * x[2] + math.ceil(x[2]) * x[0] + math.trunc(-x[1] * 3) * x[1]


def unary_zoo(x):
    y = np.abs(x) + 0.5
    frac, whole = np.modf(x * 3)
    q, r = np.divmod(x * 10, 3.0)
    return np.sum(np.exp2(x) + np.cbrt(x + 3.0) + np.reciprocal(y) + np.fabs(x) + pow(y, 3) + math.pow(y[0], 0.5)
                  + frac ** 2 + whole * x + r * x)


def reductions_with_initial(x):
    return np.max(x, initial=0.0) + np.sum(x ** 2, initial=1.0) + x.min(initial=-0.5)


def iir_filtered(x):
    b = np.array([0.2, 0.3, 0.1])
    y = signal.lfilter(b, [1.0, -0.6, 0.2], x)
    return np.sum(y ** 2) + np.sum(signal.lfilter([0.5], [2.0], x) * x)


def smoothed(X):
    return (np.sum(ndimage.gaussian_filter(X, sigma=(1.0, 0.7), mode="nearest") ** 2)
            + np.sum(ndimage.gaussian_filter1d(X, 1.5, axis=0, mode="wrap") * X)
            + np.sum(ndimage.gaussian_filter(X, 2.0, mode="constant", cval=0.5)))


def convolved(X):
    x = X[0]
    return (np.sum(signal.convolve(x, x[:3]) ** 2) + np.sum(signal.correlate(x, x[:2], mode="same"))
            + np.sum(signal.fftconvolve(X, X[:2, :2], mode="valid")))


def vectorized_int_trap(x):
    def ramp(v):
        if v < 0:
            return 0
        return v ** 2
    return np.sum(np.vectorize(ramp)(x))


def vectorized_with_otypes(x):
    def ramp(v):
        if v < 0:
            return 0
        return v ** 2
    return np.sum(np.vectorize(ramp, otypes=[float])(x)) + np.sum(np.vectorize(lambda v: 1 if v > 0 else 0)(x) * x)


def insert_at(x, pos, v, axis):
    y = np.insert(x, pos, v, axis=axis)
    return np.sum(y * np.arange(y.size).reshape(y.shape))


def delete_at(x, pos, axis):
    y = np.delete(x, pos, axis=axis)
    return np.sum(y * np.arange(y.size).reshape(y.shape))


def scipy_convolution(x, k, mode, which):
    if which == 0:
        y = signal.convolve(x, k, mode=mode)
    elif which == 1:
        y = signal.correlate(x, k, mode=mode)
    else:
        y = signal.fftconvolve(x, k, mode=mode)
    return np.sum(y * np.arange(y.size))


def gaussian_modes(X):
    w = np.arange(X.size).reshape(X.shape)
    return sum(np.sum(ndimage.gaussian_filter(X, (0.6, 1.7), mode=m, truncate=2.5, cval=0.3) * w)
               for m in ("reflect", "mirror", "nearest", "wrap", "constant"))


def differences_with_edges(X):
    return (np.sum(np.diff(X, axis=0, prepend=X[:1] * 0.5) ** 2) + np.sum(np.diff(X, append=1.0) * X[0, 0])
            + np.sum(np.diff(X[0], prepend=[0.0, 1.0]) ** 2) + np.sum(np.diff(X[1], n=2, prepend=0.0) ** 2))


def stacked_linalg(A):
    B = np.stack([A @ A.T + k * np.eye(4) for k in range(1, 4)]).reshape(3, 1, 4, 4)
    w, V = np.linalg.eigh(B)
    Q, R = np.linalg.qr(B[:, 0, :, :3])
    s = np.linalg.svd(B[:, 0], compute_uv=False)
    sign, ld = np.linalg.slogdet(B)
    P = np.linalg.matrix_power(B[:, 0] * 0.1, 3)
    L = np.linalg.cholesky(B[:2, 0])
    return (np.sum(w ** 2) + np.sum(np.abs(np.diagonal(R, axis1=-2, axis2=-1))) + np.sum(s) + np.sum(ld)
            + np.sum(P) + np.sum(np.linalg.solve(B, np.arange(4.0))) + np.sum(np.linalg.inv(B[:, 0]))
            + np.sum(np.linalg.det(B)) + np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)))
            + np.sum(np.linalg.solve(B[:, 0], np.ones((3, 4, 2)))))


def structured_matrices(c, r):
    W = np.arange(20.0)
    T1 = sla.toeplitz(c)
    T2 = sla.toeplitz(c, r)
    Cm = sla.circulant(r)
    H1 = sla.hankel(c)
    H2 = sla.hankel(c, r)
    B = sla.block_diag(c[:2] * 1.0, np.outer(r[:2], c[:3]), 2.0)
    return sum(np.sum(M * W[:M.size].reshape(M.shape) if M.size <= 20 else M) for M in (T1, T2, Cm, H1, H2, B))


def chained_writes(x):
    A = np.zeros((3, 4))
    for i in range(3):
        for j in range(4):
            A[i][j] = x[i] * (j + 1)
    A[1][2] += x[0] ** 2
    A[2][1:3] = x[:2]
    return np.sum(A ** 2)


def chained_write_through_a_slice(x):
    A = np.zeros((3, 4))
    A[1:3][0] = x[0]
    return np.sum(A)


def bad_reciprocal_int(x):
    return np.sum(np.reciprocal((x > 0).astype(int) + 1) * x)  # an int array computed when run


def bad_floor_array(x):
    return math.floor(x) * 1.0


def bad_insert_list(x):  # a list of positions is NumPy's (test_api_probe2.py); one found when run is not
    return np.sum(np.insert(x, np.argmax(x), 1.0))


def bad_vectorize_signature(x):
    return np.sum(np.vectorize(lambda a: a * a, signature="()->()")(x))


def bad_gaussian_runtime_sigma(X, s):
    return np.sum(ndimage.gaussian_filter(X, s))


def bad_lfilter_2d(X):
    return np.sum(signal.lfilter([1.0], [1.0, -0.5], X))


def int_divmod(x):
    q, r = np.divmod(np.arange(7), 3)
    return np.sum(x[q] * r) + np.sum(x[r])  # ints, as NumPy's: usable as indices
