"""Programs for tests/compiler/test_everyday_probe2.py: a second probe of everyday NumPy and Python
(keyed sorted/max/min, any/all, functools.partial, np.fmod/copysign, in-place NumPy calls), in a
plain module (adjit reads their source)."""
import functools
import math

import numpy as np

CLIP = functools.partial(np.clip, a_min=-0.5, a_max=0.9)


def sorted_indices(x):
    idx = sorted(range(len(x)), key=lambda i: x[i])
    return sum(x[i] * (k + 1) for k, i in enumerate(idx))


def sorted_abs_reverse(x):
    ys = sorted(x, key=abs, reverse=True)
    return ys[0] * 3 + ys[1] * 2 + ys[-1]


def sorted_rows(X):
    rows = sorted(X, key=lambda r: r[0] - 0.5 * r[1])
    return np.sum(rows[0] * rows[-1]) + np.sum(rows[1] ** 2)


def sorted_pairs_known(x):
    items = [(2.0, x[0]), (1.0, x[1]), (3.0, x[2])]
    ordered = sorted(items, key=lambda p: p[0])
    return ordered[0][1] * 3 + ordered[1][1] * 2 + ordered[2][1]


def best_by_key(x):
    i = max(range(len(x)), key=lambda k: x[k])
    j = min(range(len(x)), key=lambda k: abs(x[k] - 0.5))
    return x[i] * 2 + x[j]


def best_row(X):
    best = max(X, key=lambda r: np.sum(r ** 2))
    return np.sum(best ** 2) + min([X[0, 0], X[1, 1], X[2, 0]], key=abs)


def any_all(x):
    s = np.sum(x ** 2)
    if all(v < 5 for v in x) and not any(np.isnan(x)):
        s = s + np.sum(x)
    if any([x[0] > 0.5, x[1] > 0.5]):
        s = s * 2
    return s


def fmod_copysign(x, k):
    a = np.fmod(k, 3) + np.fmod(-7, 3) + np.fmod(k, -4)
    return np.sum(np.fmod(x, 0.7) * a) + np.sum(np.copysign(x, -x) * x) + math.copysign(2.0, x[0]) * x[1]


def stacking(A):
    D = np.dstack([A, A ** 2])
    C = np.ascontiguousarray(A.T)
    return np.sum(D ** 2) + np.sum(C * A) + np.sum(np.asfortranarray(A[0]))


def math_predicates(x):
    s = np.sum(x ** 2)
    if math.isnan(s) or math.isinf(s) or not math.isfinite(x[0]) or math.isclose(s, 0.0, abs_tol=1e-12):
        return 0.0
    return s


def partials(x):
    def act(v, kind="tanh", scale=1.0):
        return scale * (np.tanh(v) if kind == "tanh" else np.maximum(v, 0.0))
    relu = functools.partial(act, kind="relu")
    tanh2 = functools.partial(act, scale=2.0)
    p = functools.partial(np.power, x)
    return np.sum(relu(x) + tanh2(x) + p(2)) + np.sum(CLIP(x) ** 2)


def has_attributes(A):
    extra = np.sum(np.ptp(A, axis=0)) if not hasattr(A, "ptp") else 0.0
    return extra + (np.sum(A ** 2) if hasattr(A, "shape") else 0.0) + getattr(A, "nope", 1.0)


def put_along(A):
    B = A ** 2
    idx = np.argmax(A, axis=1, keepdims=True)
    np.put_along_axis(B, idx, -A[:, :1] * 3, axis=1)
    return np.sum(B * A)


def put_mask(A):
    B = A.copy()
    np.putmask(B, B < 0, 0.1 * B)
    C = A * 2
    np.place(C, C > 3, 3.0)
    return np.sum(B ** 2) + np.sum(C ** 2)


def sorted_numbers(x):
    ys = sorted([x[0], x[1], x[2]])
    return ys[0] * 3 + ys[2]


def guarded(A):
    try:
        L = np.linalg.cholesky(A @ A.T + np.eye(4))
    except np.linalg.LinAlgError:
        L = np.eye(4)
    return np.sum(np.log(np.diag(L)))


def nan_statistics(X):
    Y = np.where(X > 1.0, np.nan, X)
    return (np.sum(np.nanmedian(Y, axis=0) ** 2) + np.sum(np.nanpercentile(Y, 70, axis=1))
            + np.nanquantile(Y, 0.2) + np.sum(np.nanmedian(Y, axis=1, keepdims=True)) + np.nanmedian(Y[0]))


def segment_reductions(A):
    return (np.sum(np.add.reduceat(A, [0, 2, 2, 3], axis=1) ** 2) + np.sum(np.maximum.reduceat(A, [1, 0, 3]))
            + np.sum(np.add.reduceat(A[0], [0, 1]) * np.multiply.reduceat(A[1], [0, 2])))


def normalize_rows_in_place(X):
    Y = X ** 2 + 0.1
    for row in Y:
        row /= row.sum()
    return np.sum(Y * X)


def rows_enumerated_in_place(X):
    Y = X.copy()
    for i, row in enumerate(Y, start=1):
        row[0] = row[0] * i
        row += X[0]
        row.sort()
    return np.sum(Y ** 3) + np.sum(Y[:, -1])


def matrices_in_place(X):
    T = np.stack([X, X * 2])
    for M in T:
        M[M > 0.5] = 0.5
        np.fill_diagonal(M[:3], 1.0)
    T[1][T[0] < -0.5] = -1.0
    return np.sum(T ** 2)


def nested_recursion(x, n):
    def horner(v, k):
        if k == 0:
            return 1.0
        return 1.0 + v * horner(v, k - 1)
    return np.sum(horner(x, n))


def interpolated(x):
    from scipy import interpolate

    t = np.linspace(0, 1, len(x))
    f = interpolate.interp1d(t, x ** 2, fill_value="extrapolate")
    g = interpolate.interp1d(t, x, kind="nearest")
    h = interpolate.interp1d(t[::-1], np.stack([x, 2 * x]), axis=1, bounds_error=False, fill_value=(0.5, -1.0))
    p = interpolate.interp1d(t, x, kind="previous")
    n = interpolate.interp1d(t, x, kind="next", assume_sorted=True)
    q = np.array([0.12, 0.5, 0.93])
    return (np.sum(f(np.array([-0.1, 0.4, 1.2]))) + np.sum(g(q) * q) + np.sum(h(np.array([-0.2, 0.3, 1.5])) ** 2)
            + f(0.77) + np.sum(p(q) * n(q)))


def interpolated_outside(x, at):
    from scipy import interpolate

    t = np.linspace(0, 1, len(x))
    return interpolate.interp1d(t, x)(at)


def fortran_order(A):
    return (np.sum(A.flatten("F") * np.arange(16)) + np.sum(A.reshape(2, 8, order="F")[0] ** 2)
            + np.sum(np.reshape(A, (8, 2), order="F")[:, 1] * np.arange(8)) + np.sum(A.ravel(order="F")[:5]))


def shape_arithmetic(A):
    n = np.prod(A.shape)
    eps = np.finfo(float).eps + np.finfo(A.dtype).tiny
    return np.sum(np.log(np.abs(A) + eps)) / n + (np.sum(A ** 2) if np.isscalar(n) else 0.0)


def index_tables(A):
    B = A.copy()
    B[np.diag_indices_from(B)] += 1.0
    keys = np.array([1, 0, 1, 0])
    order = np.lexsort((A[0], keys))
    return np.sum(B ** 2) + np.sum(A[1][order] * np.arange(4))


def string_keys(x):
    d = {}
    for i in range(3):
        d["_".join(["w", str(i)])] = x[i]
    return d["w_0"] * d["w_2"] + d["w_1"]


class Poly:
    def __init__(self, c):
        self.c = c

    def __getitem__(self, k):
        return self.c[k]

    def __len__(self):
        return len(self.c)

    def __call__(self, t):
        return sum(self[k] * t ** k for k in range(len(self)))


def user_sequence(x):
    p = Poly(x)
    return p(0.5) + p[2] * len(p)


def polynomials(x):
    from numpy.polynomial import Polynomial
    from numpy.polynomial import polynomial as P

    p = np.poly1d(x[:4])
    q, r = p.deriv(), p.integ(k=0.5)
    P2 = Polynomial(x[:3], domain=[0, 2])
    return (np.sum(q(x) * r(x)) + np.sum(P2(x) ** 2) + np.sum(P2.deriv(2)(x)) + np.sum(P2.integ()(x)) + p.order
            + np.polyval(np.polyder(x[:4], 2), 0.5) + np.sum(np.polyint(x[:3]) * x[:4])
            + np.sum(P.polyder(x[:4]) ** 2) + np.sum(P.polyint(x[:3], k=1.0, lbnd=0.5) * x[:4]))


def unwrapped(x):
    phase = np.angle(np.exp(1j * np.cumsum(x) * 2.0))
    return np.sum(np.unwrap(phase) * x) + np.sum(np.unwrap(phase[None, :], axis=1, period=np.pi))


def scipy_factorizations(A):
    import scipy.linalg as sla

    S = A @ A.T + np.eye(4)
    Q, R = sla.qr(A)
    (R2,) = sla.qr(A, mode="r")
    return (np.sum(sla.svd(A, compute_uv=False)) + np.sum(np.abs(R)) + np.sum(R2 * R)
            + np.sum(sla.solve(S, np.ones(4), assume_a="pos")) + np.abs(Q[0, 0]))


def takes_and_repeats(A):
    return (np.sum(A.take([0, 2], axis=1) ** 2) + np.sum(A.take([1, 3]) * 2.0)
            + np.sum(np.repeat(A, [1, 2, 0], axis=0) * np.arange(12.0).reshape(3, 4)) + np.sum(np.repeat(A[0], [2])))


def special_compositions(x):
    import scipy.special as sp

    a = np.abs(x) + 0.3
    return np.sum(np.arange(1.0, 7.0) * (
        sp.expm1(x) + sp.log1p(a) + sp.exp2(x) + sp.exp10(0.1 * x) + sp.cbrt(x) + sp.rgamma(a) + sp.exprel(x)
        + sp.entr(a) + sp.rel_entr(a, 0.5) + sp.kl_div(a, a[::-1]) + sp.huber(0.7, x) + sp.pseudo_huber(0.5, x)
        + sp.boxcox(a, 0.3) + sp.boxcox1p(a, 0.0) + sp.inv_boxcox(x, 0.4) + sp.inv_boxcox1p(x, 0.2)
        + sp.eval_legendre(3, np.tanh(x)) + sp.eval_hermite(2, x) + sp.eval_hermitenorm(3, x)
        + sp.eval_chebyt(4, np.tanh(x)) + sp.eval_chebyu(2, x) + sp.eval_laguerre(3, x) + sp.loggamma(a)
        + sp.binom(5.0, 2.0 + 0.1 * x) + sp.stdtr(3.0, x) + sp.chdtr(2.0, a) + sp.gdtr(1.5, 2.0, a)
        + sp.pdtr(3, a) + sp.bdtr(2, 5, sp.expit(x)) + sp.round(x) * 0.0))


def special_edges(x):
    import scipy.special as sp

    return (sp.entr(x), sp.rel_entr(x, x[::-1]), sp.kl_div(x, 0.5), sp.huber(-1.0, x), sp.pseudo_huber(0.0, x),
            sp.exprel(x), sp.loggamma(x), sp.boxcox(x, 0.0))


# located refusals of this session's forms (test_everyday_probe2.py::test_located_refusals)
def refuse_interp_extrapolate_and_raise(x):
    from scipy import interpolate

    t = np.linspace(0, 1, len(x))
    return np.sum(interpolate.interp1d(t, x, fill_value="extrapolate", bounds_error=True)(t))


def refuse_interp_one_point(x):
    from scipy import interpolate

    return np.sum(interpolate.interp1d(x[:1], x[:1])(x[:1]))


def refuse_reshape_order(A):
    return np.sum(A.reshape(2, 8, order="K"))


def refuse_put_along_raveled(A):
    B = A.copy()
    np.put_along_axis(B, np.array([0, 1]), 0.0, axis=None)
    return np.sum(B)


def refuse_putmask_cycled(A):
    B = A.copy()
    np.putmask(B, B > 0, A[0])
    return np.sum(B)


def refuse_reduceat_out_of_range(A):
    return np.sum(np.add.reduceat(A, [0, 9], axis=1))


def refuse_str_of_run_time(A):
    d = {str(A.shape[0] + int(A[0, 0] > 0)): A[0, 0]}
    return d["1"]


def refuse_math_isnan_of_array(A):
    return 0.0 if math.isnan(A) else np.sum(A)


def refuse_repeat_counts(A):
    return np.sum(np.repeat(A, [1, 2], axis=0))


def refuse_spline_kind(x):
    from scipy import interpolate

    t = np.linspace(0, 1, len(x))
    return np.sum(interpolate.interp1d(t, x, kind="cubic")(t))
