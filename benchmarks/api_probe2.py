"""A probe of everyday NumPy / SciPy calls with the keyword arguments people pass them.

    python benchmarks/api_probe2.py                # every case, the lowered module run as Python
    python benchmarks/api_probe2.py norm lstsq     # the cases whose name contains a word
    python benchmarks/api_probe2.py --compiled 8   # also every 8th case through Numba (first tier off)

Each case is a small scalar objective exercising one call. A case is
  ok        the value equals NumPy's (rtol 1e-12), the gradient matches central differences in
            float64 (relative error < 1e-6) and JAX's (where jax.numpy / jax.scipy has the call);
            the readable NumPy adjoint (grad.source) gives the same value and gradient;
  wrong     any of those numbers differ;
  refused   a located AdjitError (file:line);
  internal  any other exception (an unlocated AdjitError, an InternalCompilerError, a crash).

A script, not a test: JAX is a benchmark dependency; tests/compiler/test_api_probe2.py pins the
fixes the probe led to.

Tally (293 cases, lowered run; docs/testing.md, "benchmarks/api_probe2.py"):
  before (fa3312c): ok 248, wrong 4, refused 41, internal 0
  now:              ok 285, wrong 0, refused 8, internal 0
"""
from __future__ import annotations

import os
import re
import sys
import time
import traceback
import types

os.environ.setdefault("ADJIT_FIRST_TIER", "0")

import numpy as np  # noqa: E402
import scipy.special as sp  # noqa: E402
from scipy import stats  # noqa: E402

import adjit  # noqa: E402
from adjit.compiler.errors import AdjitError, InternalCompilerError  # noqa: E402
from adjit.runtime.gradcheck import numerical_gradient, relative_error  # noqa: E402

R = np.random.default_rng(2026)


def vec(n=6, lo=0.2, hi=1.4):
    return R.uniform(lo, hi, n) * np.array([1, -1, 1, 1, -1, 1, 1, -1, 1, -1][:n])


def pos(*shape):
    return R.uniform(0.3, 1.5, shape)


def nrm(*shape):
    return R.standard_normal(shape)


def spd(n=3, batch=()):
    M = R.standard_normal(batch + (n, n))
    return M @ np.swapaxes(M, -1, -2) + n * np.eye(n)


# --- reductions ---------------------------------------------------------------------------------

def sum_axis_tuple(T):
    return np.sum(np.sum(T ** 2, axis=(0, 2)) * np.arange(1.0, 4.0))


def mean_neg_axis_keepdims(T):
    return np.sum((T - np.mean(T, axis=-1, keepdims=True)) ** 2 * T)


def max_axis_tuple_keepdims(T):
    return np.sum(T / np.max(np.abs(T), axis=(1, 2), keepdims=True))


def sum_where(x):
    return np.sum(x ** 2, where=x > 0) + np.sum(x, where=np.array([True, False, True, True, False, True]))


def mean_where(A):
    return np.sum(np.mean(A ** 2, axis=1, where=A > -0.5))


def sum_dtype(x):
    return np.sum(x, dtype=np.float64) * np.prod(x[:3], dtype=np.float64) + x.sum(dtype=float)


def prod_neg_axis(A):
    return np.sum(np.prod(A, axis=-1) * np.array([1.0, 2.0, 3.0]))


def max_where_initial(x):
    return np.max(x, where=x < 1.0, initial=-10.0) + np.min(x, initial=0.5) * 2


def amax_amin_axis(A):
    return np.sum(np.amax(A, axis=0) * 2 + np.amin(A, axis=1, keepdims=True).sum())


def ptp_axis(A):
    return np.sum(np.ptp(A, axis=1) ** 2)


def method_keepdims(A):
    return np.sum(A / A.sum(axis=0, keepdims=True)) + A.max(axis=-1).sum() + A.mean(axis=(0, 1))


def std_ddof(A):
    return np.sum(np.std(A, axis=0, ddof=1))


def var_ddof_keepdims(A):
    return np.sum(A / np.var(A, axis=-1, ddof=1, keepdims=True))


def method_var_std(A):
    return A.var(ddof=1) + A.std(axis=1, ddof=1).sum()


def std_axis_tuple(T):
    return np.sum(np.std(T, axis=(0, 2)) * np.arange(1.0, 4.0))


def _nans(x):
    return np.where(np.abs(x) > 1.2, np.nan, x)


def nansum_axis(A):
    return np.sum(np.nansum(_nans(A) ** 2, axis=1) * np.array([1.0, 2.0, 3.0]))


def nanmean_keepdims(A):
    return np.sum(A * np.nanmean(_nans(A), axis=0, keepdims=True))


def nanstd_ddof(A):
    return np.sum(np.nanstd(_nans(A), axis=1, ddof=1))


def nanvar_axis(A):
    return np.sum(np.nanvar(_nans(A), axis=0))


def nanprod_axis(A):
    return np.sum(np.nanprod(_nans(A), axis=1))


def nanmax_nanmin(A):
    return np.sum(np.nanmax(_nans(A), axis=0)) + np.nanmin(_nans(A))


def nancumsum_axis(A):
    return np.sum(np.nancumsum(_nans(A), axis=1) ** 2)


def nanmedian_axis(A):
    return np.sum(np.nanmedian(_nans(A), axis=1) ** 2)


def median_axis_keepdims(A):
    return np.sum(A * np.median(A, axis=1, keepdims=True)) + np.median(A)


def percentile_list(A):
    return np.sum(np.percentile(A, [25, 75], axis=0) * np.arange(8.0).reshape(2, 4))


def quantile_nearest(x):
    return np.quantile(x, 0.3, method="nearest") + 2 * np.quantile(x, 0.6, method="lower") \
        + 3 * np.quantile(x, 0.6, method="higher") + 4 * np.quantile(x, 0.5, method="midpoint")


def quantile_axis_keepdims(A):
    return np.sum(A * np.quantile(A, 0.4, axis=-1, keepdims=True))


def nanpercentile_axis(A):
    return np.sum(np.nanpercentile(_nans(A), 60, axis=0))


def average_weights_axis(A):
    return np.sum(np.average(A ** 2, axis=1, weights=np.array([1.0, 2.0, 3.0, 4.0])))


def average_weights_2d(A):
    return np.average(A ** 2, weights=np.abs(A) + 1.0)


def cumsum_axis(A):
    return np.sum(np.cumsum(A, axis=0) ** 2) + np.sum(np.cumsum(A) * np.arange(12.0))


def cumprod_neg_axis(A):
    return np.sum(np.cumprod(A, axis=-1))


def diff_n_axis(A):
    return np.sum(np.diff(A, n=2, axis=1) ** 2) + np.sum(np.diff(A, axis=0) ** 2)


def diff_prepend_append(x):
    return np.sum(np.diff(x, prepend=0.0) ** 2) + np.sum(np.diff(x, append=x[-1:]) * np.arange(6.0))


def ediff1d_to_begin(x):
    return np.sum(np.ediff1d(x, to_begin=x[0]) ** 2)


# --- linear algebra -----------------------------------------------------------------------------

def norm_vec_ords(x):
    return np.linalg.norm(x, ord=1) + np.linalg.norm(x, ord=np.inf) + np.linalg.norm(x, 3) + np.linalg.norm(x)


def norm_matrix_ords(A):
    return np.linalg.norm(A, "fro") + np.linalg.norm(A, ord=1) + np.linalg.norm(A, ord=np.inf)


def norm_nuc_2(A):
    return np.linalg.norm(A, ord="nuc") + np.linalg.norm(A, ord=2)


def norm_axis_keepdims(A):
    return np.sum(A / np.linalg.norm(A, axis=1, keepdims=True))


def norm_axis_pair(T):
    return np.sum(np.linalg.norm(T, axis=(1, 2)) ** 3)


def norm_axis_ord1(A):
    return np.sum(np.linalg.norm(A, ord=1, axis=0))


def slogdet_pair(S):
    sign, logdet = np.linalg.slogdet(S)
    return sign * logdet


def slogdet_batched(B):
    res = np.linalg.slogdet(B)
    return np.sum(res.logabsdet * res.sign)


def det_batched(B):
    return np.sum(np.linalg.det(B))


def pinv_rect(A):
    return np.sum(np.linalg.pinv(A) ** 2)


def lstsq_solution(A, y):
    coef, res, rank, sv = np.linalg.lstsq(A.T, y, rcond=None)
    return np.sum(coef ** 2)


def inv_batched(B):
    return np.sum(np.linalg.inv(B) ** 2)


def solve_batched(B, y):
    return np.sum(np.linalg.solve(B, y[..., None]) ** 2)


def matrix_power_pos_neg(S):
    return np.sum(np.linalg.matrix_power(S, 3)) + np.sum(np.linalg.matrix_power(S, -2))


def cholesky_solve(S):
    L = np.linalg.cholesky(S)
    return np.sum(np.log(np.diagonal(L))) + np.sum(L)


def qr_reduced(A):
    Q, Rm = np.linalg.qr(A.T, mode="reduced")
    return np.sum(np.abs(np.diag(Rm))) + np.sum(Q[:, 0] ** 2 * np.arange(4.0))


def eigh_values(S):
    w, V = np.linalg.eigh(S)
    return np.sum(w ** 2) + np.sum(V[:, 0] ** 2 * np.array([1.0, 2.0, 3.0]))


def svd_values(A):
    return np.sum(np.linalg.svd(A, compute_uv=False) ** 3)


def eigvalsh_upper(S):
    return np.sum(np.linalg.eigvalsh(S, UPLO="U") ** 2)


def multi_dot_chain(A):
    return np.sum(np.linalg.multi_dot([A, A.T, A]))


def trace_offset(A):
    return np.trace(A, offset=1) + np.trace(A @ A.T) + A.trace(offset=-1)


def einsum_ellipsis(T, A):
    return np.sum(np.einsum("...ij,jk->...ik", T, A.T) ** 2)


def einsum_trace_diag(S):
    return np.einsum("ii->", S) + np.sum(np.einsum("ii->i", S) ** 2) + np.einsum("ij,ji->", S, S)


def einsum_batched_optimize(B):
    return np.sum(np.einsum("bij,bjk->bik", B, B, optimize=True))


def einsum_outer_sum(x):
    return np.sum(np.einsum("i,j->ij", x, x) * np.arange(36.0).reshape(6, 6)) + np.einsum("i,i", x, x)


def tensordot_pairs(T, A):
    return np.sum(np.tensordot(T, A.T, axes=([2], [0])) ** 2) + np.sum(np.tensordot(T, T, axes=([1, 2], [1, 2])))


def tensordot_int_axes(T):
    return np.tensordot(T, T, axes=3) + np.sum(np.tensordot(T[0], T[1], axes=0)[0, 0])


def matmul_broadcast(T, A):
    return np.sum((T @ A.T) ** 2) + np.sum(np.matmul(A[None], T.swapaxes(1, 2)))


def matmul_stack_vec(T, x):
    return np.sum((T @ x[:4]) ** 2) + np.sum(x[:3] @ T[1])


def kron_outer(x):
    return np.sum(np.kron(x[:2], x[2:5]) * np.arange(6.0)) + np.sum(np.kron(np.eye(2), np.outer(x[:2], x[:2])))


def cross_axis(A):
    return np.sum(np.cross(A[:, :3], A[:, 1:]) ** 2) + np.sum(np.cross(A[:2, :3].T, A[1:, :3].T, axis=0))


def inner_vdot_dot(A):
    return np.sum(np.inner(A, A)) + np.vdot(A, A ** 2) + np.dot(A[0], A[1]) + np.sum(np.outer(A[0], A[1]) ** 2)


# --- arranging ----------------------------------------------------------------------------------

def moveaxis_swapaxes(T):
    return np.sum(np.moveaxis(T, 0, -1) * np.arange(24.0).reshape(3, 4, 2)) \
        + np.sum(np.swapaxes(T, 0, 2) * np.arange(24.0).reshape(4, 3, 2)) \
        + np.sum(np.moveaxis(T, [0, 1], [2, 0]) * np.arange(24.0).reshape(3, 4, 2))


def expand_squeeze(x):
    y = np.expand_dims(x, axis=(0, 2))
    return np.sum(np.squeeze(y, axis=2) * x) + np.sum(y.squeeze(0) ** 2) + np.sum(np.expand_dims(x, -1) * x)


def broadcast_to_shape(x):
    return np.sum(np.broadcast_to(x, (3, 6)) * np.arange(18.0).reshape(3, 6))


def stacks(x):
    a, b = x[:3], x[3:]
    return np.sum(np.stack([a, b], axis=-1) * np.arange(6.0).reshape(3, 2)) + np.sum(np.hstack((a, b ** 2)) ** 2) \
        + np.sum(np.vstack([a, b]) * np.arange(6.0).reshape(2, 3)) + np.sum(np.dstack([a, b]) ** 3) \
        + np.sum(np.column_stack((a, b)) * np.arange(6.0).reshape(3, 2))


def block_matrix(A):
    return np.sum(np.block([[A[:, :2], A[:, 2:]], [A[:, 2:] * 2, A[:, :2]]]) ** 2)


def splits(x):
    p, q, r = np.split(x, 3)
    u = np.array_split(x, 4)
    v = np.split(x, [1, 4])
    return np.sum(p * q * r) + np.sum(u[0]) * np.sum(u[3] ** 2) + np.sum(v[1] ** 2) * v[2][0]


def hsplit_vsplit(A):
    left, right = np.hsplit(A, 2)
    top, rest = np.vsplit(A, [1])
    return np.sum(left * right) + np.sum(top ** 2) * np.sum(rest)


def concat_axis_none(A):
    return np.sum(np.concatenate([A, A[:2] * 2], axis=None) * np.arange(20.0)) \
        + np.sum(np.concatenate((A, A ** 2), axis=1) ** 2)


def append_insert_delete(x):
    return np.sum(np.append(x, x[:2] * 2) * np.arange(8.0)) + np.sum(np.insert(x, 2, 5.0) * np.arange(7.0)) \
        + np.sum(np.delete(x, 1) ** 2) + np.sum(np.delete(x, [0, 3]) * np.arange(4.0))


def append_axis(A):
    return np.sum(np.append(A, A[:1] ** 2, axis=0) ** 2) + np.sum(np.insert(A, 1, A[:, 0], axis=1) * np.arange(15.0).reshape(3, 5))


def delete_axis(A):
    return np.sum(np.delete(A, 1, axis=1) ** 2) + np.sum(np.delete(A, slice(0, 1), axis=0))


def repeat_array(x):
    return np.sum(np.repeat(x, np.array([1, 2, 0, 3, 1, 1])) * np.arange(8.0))


def repeat_axis(A):
    return np.sum(np.repeat(A, 2, axis=0) * np.arange(24.0).reshape(6, 4)) + np.sum(np.repeat(A, [1, 2, 1, 0], axis=1) ** 2)


def tile_reps(x):
    return np.sum(np.tile(x[:3], (2, 1)) * np.arange(6.0).reshape(2, 3)) + np.sum(np.tile(x, 2) * np.arange(12.0))


def flips(A):
    w = np.arange(12.0).reshape(3, 4)
    return np.sum(np.flip(A, axis=0) * w) + np.sum(np.flipud(A) * w ** 2) + np.sum(np.fliplr(A) * w) \
        + np.sum(np.flip(A) * w) + np.sum(np.flip(A, axis=(0, 1)) * A)


def rot90_k(A):
    return np.sum(np.rot90(A) * np.arange(12.0).reshape(4, 3)) + np.sum(np.rot90(A, k=2) * A) \
        + np.sum(np.rot90(A, 1, axes=(1, 0)) * np.arange(12.0).reshape(4, 3))


def roll_axis(A):
    w = np.arange(12.0).reshape(3, 4)
    return np.sum(np.roll(A, 1, axis=1) * w) + np.sum(np.roll(A, -1) * w) + np.sum(np.roll(A, (1, 2), axis=(0, 1)) * w)


def take_modes(A):
    return np.sum(np.take(A, [0, 2], axis=1) ** 2) + np.sum(np.take(A[0], [5, -1], mode="wrap")) \
        + np.sum(np.take(A[1], [7, 1], mode="clip") * 3)


def take_along(A):
    idx = np.argsort(A, axis=1)
    return np.sum(np.take_along_axis(A, idx, axis=1) * np.arange(4.0))


def put_along(A):
    B = A.copy()
    np.put_along_axis(B, np.argmax(A, axis=1)[:, None], 0.0, axis=1)
    return np.sum(B ** 2)


def select_default(x):
    return np.sum(np.select([x < -0.5, x > 0.5], [x ** 2, np.sin(x)], default=x))


def piecewise_funcs(x):
    return np.sum(np.piecewise(x, [x < 0, x >= 0], [lambda v: v ** 2, lambda v: 2 * v]))


def choose_rows(A):
    return np.sum(np.choose(np.array([0, 2, 1, 0]), A))


def searchsorted_side(x):
    edges = np.array([-1.0, 0.0, 0.5, 1.0])
    i = np.searchsorted(edges, x, side="right")
    return np.sum(x * i) + np.sum(x[np.searchsorted(np.sort(x), 0.3):] ** 2)


def clip_array_bounds(x):
    return np.sum(np.clip(x, -np.full(6, 0.5), np.linspace(0.3, 1.0, 6)) ** 2) + np.sum(np.clip(x, None, 0.7))


def clip_min_max_kw(x):
    return np.sum(np.clip(x, min=-0.5, max=0.7) ** 2) + np.sum(x.clip(max=0.6))


def where_one_arg(x):
    idx = np.where(x > 0)[0]
    return np.sum(x[idx] ** 2) + np.sum(np.where(x > 0.5, x, 0.0))


def nonzero_flatnonzero(A):
    r, c = np.nonzero(A > 0)
    return np.sum(A[r, c] ** 2) + np.sum(A.ravel()[np.flatnonzero(A < 0)])


def ufunc_accumulate(x):
    return np.sum(np.maximum.accumulate(x) * np.arange(6.0)) + np.sum(np.add.accumulate(x) ** 2) \
        + np.sum(np.multiply.accumulate(x[:3]))


def ufunc_outer_reduce(A):
    return np.sum(np.multiply.outer(A[0], A[1]) ** 2) + np.sum(np.add.reduce(A, axis=1) ** 2) \
        + np.sum(np.subtract.outer(A[0], A[2]) ** 2) + np.sum(np.maximum.reduce(A, axis=0))


# --- elementwise --------------------------------------------------------------------------------

def logaddexps(x):
    return np.sum(np.logaddexp(x, 2 * x)) + np.sum(np.logaddexp2(x, -x))


def hypot_arctan2(x):
    return np.sum(np.hypot(x, x[::-1])) + np.sum(np.arctan2(x, x[::-1] + 3))


def sinc_heaviside(x):
    return np.sum(np.sinc(x)) + np.sum(np.heaviside(x, 0.5) * x)


def float_power_cbrt(x):
    return np.sum(np.float_power(np.abs(x), 1.5)) + np.sum(np.cbrt(x))


def copysign_fmax(x):
    return np.sum(np.copysign(x, x[::-1]) * x) + np.sum(np.fmax(x, 0.1) + np.fmin(x, -0.2))


def misc_unary(x):
    return np.sum(np.expm1(x) + np.log1p(np.abs(x)) + np.square(x) + np.reciprocal(x) + np.deg2rad(x)
                  + np.sign(x) * x + np.positive(x) + np.negative(x) ** 2 + np.fabs(x) + np.exp2(x))


def trig_hyper(x):
    y = x * 0.5
    return np.sum(np.arcsinh(x) + np.arccosh(np.abs(x) + 1.5) + np.arctanh(y) + np.arcsin(y) + np.arccos(y)
                  + np.tan(y) + np.sinh(y) + np.cosh(y))


def trapezoid_kw(A):
    return np.trapezoid(A[0] ** 2, dx=0.5) + np.sum(np.trapezoid(A, x=np.array([0.0, 0.3, 0.7, 1.5]), axis=1))


def trapezoid_axis0(A):
    return np.sum(np.trapezoid(A ** 2, axis=0))


def cov_rowvar(A):
    return np.sum(np.cov(A, rowvar=False) ** 2) + np.sum(np.cov(A))


def cov_ddof_bias(A):
    return np.sum(np.cov(A, bias=True)) + np.sum(np.cov(A, ddof=0) * 2) + np.cov(A[0], A[1])[0, 1]


def cov_aweights(A):
    return np.sum(np.cov(A, aweights=np.array([1.0, 2.0, 0.5, 1.5])))


def corrcoef_rowvar(A):
    return np.sum(np.corrcoef(A, rowvar=False) * np.arange(16.0).reshape(4, 4)) + np.corrcoef(A[0], A[1])[0, 1]


def tri_k(A):
    w = np.arange(12.0).reshape(3, 4)
    return np.sum(np.triu(A, k=1) * w) + np.sum(np.tril(A, k=-1) * w) + np.sum(np.triu(A, 2) ** 2) + np.sum(np.tril(A) ** 2)


def diag_offsets(A):
    return np.sum(np.diag(A, k=1) ** 2) + np.sum(np.diag(A[0], k=1) * np.arange(25.0).reshape(5, 5)) \
        + np.sum(np.diag(A, -1))


def diagonal_axes(T):
    return np.sum(np.diagonal(T, offset=1, axis1=1, axis2=2) ** 2) + np.sum(T.diagonal(0, 0, 1))


def fill_diagonal_stmt(S):
    M = S.copy()
    np.fill_diagonal(M, 0.0)
    return np.sum(M ** 2)


def triu_indices_gather(S):
    i, j = np.triu_indices(3, k=1)
    r, c = np.tril_indices_from(S)
    return np.sum(S[i, j] ** 2) + np.sum(S[r, c])


def meshgrid_ij(x):
    X, Y = np.meshgrid(x[:3], x[3:], indexing="ij")
    return np.sum(X * Y ** 2) + np.sum(X * np.arange(9.0).reshape(3, 3))


def polyval_coeffs(p, x):
    return np.sum(np.polyval(p, x) ** 2)


def polyfit_deg2(y):
    coef = np.polyfit(np.linspace(0.0, 1.0, 6), y, 2)
    return np.sum(coef * np.array([1.0, 2.0, 3.0]))


def interp_left_right(x):
    xp = np.array([-1.0, 0.0, 0.5, 1.0])
    fp = np.array([0.0, 1.0, 0.5, 2.0])
    return np.sum(np.interp(x, xp, fp, left=-1.0, right=3.0) * x) + np.sum(np.interp(x, xp, x[:4] ** 2))


def interp_period(x):
    return np.sum(np.interp(x * 3, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.0]), period=2.0) * x)


# --- scipy.special ------------------------------------------------------------------------------

def logsumexp_b(x):
    return sp.logsumexp(x, b=np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0]))


def logsumexp_axis_keepdims(A):
    return np.sum(A - sp.logsumexp(A, axis=1, keepdims=True)) + np.sum(sp.logsumexp(A, axis=0) ** 2)


def logsumexp_return_sign(x):
    s, sign = sp.logsumexp(x, b=np.array([1.0, -0.1, 1.0, 1.0, -0.2, 1.0]), return_sign=True)
    return s * sign


def softmax_axis(A):
    return np.sum(sp.softmax(A, axis=1) * np.arange(12.0).reshape(3, 4)) + np.sum(sp.softmax(A, axis=0) ** 2)


def log_softmax_axis(A):
    return np.sum(sp.log_softmax(A, axis=-1) * np.arange(12.0).reshape(3, 4))


def expit_logit(x):
    return np.sum(sp.expit(x) ** 2) + np.sum(sp.logit(sp.expit(x) * 0.9 + 0.05))


def gammaln_digamma(x):
    y = np.abs(x) + 0.5
    return np.sum(sp.gammaln(y) + sp.digamma(y) * x + sp.gamma(y) + sp.polygamma(1, y))


def erfs(x):
    return np.sum(sp.erf(x) + sp.erfc(x) * x + sp.erfinv(x * 0.6) + sp.erfcx(np.abs(x)))


def xlogys(x):
    y = np.abs(x)
    return np.sum(sp.xlogy(y, y + 1) + sp.xlog1py(y, y) + sp.xlogy(2.0, y))


def entropies(x):
    p = np.abs(x) / np.sum(np.abs(x))
    q = np.linspace(0.1, 0.3, 6)
    return np.sum(sp.entr(p)) + np.sum(sp.rel_entr(p, q)) + np.sum(sp.kl_div(p, q))


def hubers(x):
    return np.sum(sp.huber(0.5, x)) + np.sum(sp.pseudo_huber(0.7, x))


def ndtrs(x):
    return np.sum(sp.ndtr(x) + sp.log_ndtr(x) + sp.ndtri(sp.ndtr(x) * 0.8 + 0.1))


def betaln_beta(x):
    y = np.abs(x) + 0.5
    return np.sum(sp.betaln(y, 2.0) + sp.beta(y, y[::-1]))


def bessels(x):
    return np.sum(sp.i0e(x) + sp.i1e(x) + sp.i0(x) + sp.i1(x))


def logit_log_expit(x):
    return np.sum(sp.log_expit(x)) + np.sum(sp.logit(np.linspace(0.1, 0.9, 6)) * x)


# --- scipy.stats --------------------------------------------------------------------------------

def norm_logpdf_loc_scale(x, mu, s):
    return np.sum(stats.norm.logpdf(x, loc=mu, scale=s)) + np.sum(stats.norm.logcdf(x, mu, s))


def norm_cdf_sf_pdf(x):
    return np.sum(stats.norm.cdf(x, loc=0.2, scale=1.5) + stats.norm.sf(x) * x + stats.norm.pdf(x, scale=2.0))


def t_logpdf(x, df):
    return np.sum(stats.t.logpdf(x, df, loc=0.1, scale=1.3)) + np.sum(stats.t.logpdf(x, df=df))


def gamma_logpdf(x, a):
    y = np.abs(x)
    return np.sum(stats.gamma.logpdf(y, a, scale=2.0)) + np.sum(stats.gamma.logpdf(y + 1, a=a, loc=0.5))


def beta_logpdf(x, a, b):
    y = np.abs(x) / 1.5
    return np.sum(stats.beta.logpdf(y, a, b))


def gamma_logcdf(x, a):
    return np.sum(stats.gamma.logcdf(np.abs(x), a))


def expon_laplace_logpdf(x):
    return np.sum(stats.expon.logpdf(np.abs(x), scale=2.0)) + np.sum(stats.laplace.logpdf(x, loc=0.1, scale=0.5))


def mvn_logpdf(X, mu):
    return np.sum(stats.multivariate_normal.logpdf(X, mean=mu, cov=np.diag([1.0, 2.0, 0.5, 1.5])))


def poisson_logpmf(lam):
    return np.sum(stats.poisson.logpmf(np.array([0, 1, 3, 2, 5, 1]), lam))


def binom_logpmf(p):
    return np.sum(stats.binom.logpmf(np.array([0, 1, 3, 2, 5, 1]), 6, p))


# --- the cases ----------------------------------------------------------------------------------

def _t():
    return nrm(2, 3, 4)


def _A():
    return nrm(3, 4)


def _S():
    return spd(3)


def _B():
    return spd(3, (2,))


_PA = lambda: [pos(3, 4)]  # noqa: E731
CASES = [
    (sum_axis_tuple, lambda: [_t()]),
    (mean_neg_axis_keepdims, lambda: [_t()]),
    (max_axis_tuple_keepdims, lambda: [_t()]),
    (sum_where, lambda: [vec()]),
    (mean_where, lambda: [_A()]),
    (sum_dtype, lambda: [vec()]),
    (prod_neg_axis, lambda: [_A()]),
    (max_where_initial, lambda: [vec()]),
    (amax_amin_axis, lambda: [_A()]),
    (ptp_axis, lambda: [_A()]),
    (method_keepdims, lambda: [pos(3, 4)]),
    (std_ddof, lambda: [_A()]),
    (var_ddof_keepdims, lambda: [_A()]),
    (method_var_std, lambda: [_A()]),
    (std_axis_tuple, lambda: [_t()]),
    (nansum_axis, lambda: [_A()]),
    (nanmean_keepdims, lambda: [_A()]),
    (nanstd_ddof, lambda: [_A()]),
    (nanvar_axis, lambda: [_A()]),
    (nanprod_axis, lambda: [_A()]),
    (nanmax_nanmin, lambda: [_A()]),
    (nancumsum_axis, lambda: [_A()]),
    (nanmedian_axis, lambda: [_A()]),
    (median_axis_keepdims, lambda: [_A()]),
    (percentile_list, lambda: [_A()]),
    (quantile_nearest, lambda: [vec()]),
    (quantile_axis_keepdims, lambda: [_A()]),
    (nanpercentile_axis, lambda: [_A()]),
    (average_weights_axis, lambda: [_A()]),
    (average_weights_2d, lambda: [_A()]),
    (cumsum_axis, lambda: [_A()]),
    (cumprod_neg_axis, lambda: [_A()]),
    (diff_n_axis, lambda: [_A()]),
    (diff_prepend_append, lambda: [vec()]),
    (ediff1d_to_begin, lambda: [vec()]),
    (norm_vec_ords, lambda: [vec()]),
    (norm_matrix_ords, lambda: [_A()]),
    (norm_nuc_2, lambda: [_A()]),
    (norm_axis_keepdims, lambda: [_A()]),
    (norm_axis_pair, lambda: [_t()]),
    (norm_axis_ord1, lambda: [_A()]),
    (slogdet_pair, lambda: [_S()]),
    (slogdet_batched, lambda: [_B()]),
    (det_batched, lambda: [_B()]),
    (pinv_rect, lambda: [_A()]),
    (lstsq_solution, lambda: [_A(), vec(4)]),
    (inv_batched, lambda: [_B()]),
    (solve_batched, lambda: [_B(), nrm(2, 3)]),
    (matrix_power_pos_neg, lambda: [_S() / 3]),
    (cholesky_solve, lambda: [_S()]),
    (qr_reduced, lambda: [_A()]),
    (eigh_values, lambda: [_S()]),
    (svd_values, lambda: [_A()]),
    (eigvalsh_upper, lambda: [_S()]),
    (multi_dot_chain, lambda: [_A()]),
    (trace_offset, lambda: [_A()]),
    (einsum_ellipsis, lambda: [_t(), _A()]),
    (einsum_trace_diag, lambda: [nrm(3, 3)]),
    (einsum_batched_optimize, lambda: [_B()]),
    (einsum_outer_sum, lambda: [vec()]),
    (tensordot_pairs, lambda: [_t(), _A()]),
    (tensordot_int_axes, lambda: [_t()]),
    (matmul_broadcast, lambda: [_t(), _A()]),
    (matmul_stack_vec, lambda: [_t(), vec()]),
    (kron_outer, lambda: [vec()]),
    (cross_axis, lambda: [_A()]),
    (inner_vdot_dot, lambda: [_A()]),
    (moveaxis_swapaxes, lambda: [_t()]),
    (expand_squeeze, lambda: [vec()]),
    (broadcast_to_shape, lambda: [vec()]),
    (stacks, lambda: [vec()]),
    (block_matrix, lambda: [_A()]),
    (splits, lambda: [vec()]),
    (hsplit_vsplit, lambda: [_A()]),
    (concat_axis_none, lambda: [_A()]),
    (append_insert_delete, lambda: [vec()]),
    (append_axis, lambda: [_A()]),
    (delete_axis, lambda: [_A()]),
    (repeat_array, lambda: [vec()]),
    (repeat_axis, lambda: [_A()]),
    (tile_reps, lambda: [vec()]),
    (flips, lambda: [_A()]),
    (rot90_k, lambda: [_A()]),
    (roll_axis, lambda: [_A()]),
    (take_modes, lambda: [_A()]),
    (take_along, lambda: [_A()]),
    (put_along, lambda: [_A()]),
    (select_default, lambda: [vec()]),
    (piecewise_funcs, lambda: [vec()]),
    (choose_rows, lambda: [_A()]),
    (searchsorted_side, lambda: [vec()]),
    (clip_array_bounds, lambda: [vec()]),
    (clip_min_max_kw, lambda: [vec()]),
    (where_one_arg, lambda: [vec()]),
    (nonzero_flatnonzero, lambda: [_A()]),
    (ufunc_accumulate, lambda: [vec()]),
    (ufunc_outer_reduce, lambda: [_A()]),
    (logaddexps, lambda: [vec()]),
    (hypot_arctan2, lambda: [vec()]),
    (sinc_heaviside, lambda: [vec()]),
    (float_power_cbrt, lambda: [vec()]),
    (copysign_fmax, lambda: [vec()]),
    (misc_unary, lambda: [vec()]),
    (trig_hyper, lambda: [vec(6, 0.2, 0.9)]),
    (trapezoid_kw, lambda: [_A()]),
    (trapezoid_axis0, lambda: [_A()]),
    (cov_rowvar, lambda: [_A()]),
    (cov_ddof_bias, lambda: [_A()]),
    (cov_aweights, lambda: [_A()]),
    (corrcoef_rowvar, lambda: [_A()]),
    (tri_k, lambda: [_A()]),
    (diag_offsets, lambda: [_A()]),
    (diagonal_axes, lambda: [_t()]),
    (fill_diagonal_stmt, lambda: [_S()]),
    (triu_indices_gather, lambda: [_S()]),
    (meshgrid_ij, lambda: [vec()]),
    (polyval_coeffs, lambda: [nrm(4), vec()], (0, 1)),
    (polyfit_deg2, lambda: [vec()]),
    (interp_left_right, lambda: [vec(6, 0.1, 1.3)]),
    (interp_period, lambda: [vec(6, 0.1, 0.9)]),
    (logsumexp_b, lambda: [vec()]),
    (logsumexp_axis_keepdims, lambda: [_A()]),
    (logsumexp_return_sign, lambda: [vec()]),
    (softmax_axis, lambda: [_A()]),
    (log_softmax_axis, lambda: [_A()]),
    (expit_logit, lambda: [vec()]),
    (gammaln_digamma, lambda: [vec()]),
    (erfs, lambda: [vec(6, 0.1, 0.9)]),
    (xlogys, lambda: [vec()]),
    (entropies, lambda: [vec()]),
    (hubers, lambda: [vec()]),
    (ndtrs, lambda: [vec()]),
    (betaln_beta, lambda: [vec()]),
    (bessels, lambda: [vec()]),
    (logit_log_expit, lambda: [vec()]),
    (norm_logpdf_loc_scale, lambda: [vec(), 0.3, 1.4], (0, 1, 2)),
    (norm_cdf_sf_pdf, lambda: [vec()]),
    (t_logpdf, lambda: [vec(), 4.5], (0, 1)),
    (gamma_logpdf, lambda: [vec(), 2.5], (0, 1)),
    (beta_logpdf, lambda: [vec(), 2.0, 3.0], (0, 1, 2)),
    (gamma_logcdf, lambda: [vec(), 2.5], (0,)),
    (expon_laplace_logpdf, lambda: [vec()]),
    (mvn_logpdf, lambda: [nrm(5, 4), nrm(4)], (0, 1)),
    (poisson_logpmf, lambda: [pos(6) * 3]),
    (binom_logpmf, lambda: [np.linspace(0.2, 0.8, 6)]),
]


# --- a second, harder batch: implicit conventions and less-trodden keyword arguments -------------

def sum_initial_keepdims(A):
    return np.sum(np.sum(A, axis=0, initial=1.0, keepdims=True) ** 2) + np.add.reduce(A, axis=None)


def std_tuple_keepdims_ddof(T):
    return np.sum(T / np.std(T, axis=(0, 1), keepdims=True, ddof=1))


def var_where(A):
    return np.sum(np.var(A, axis=1, where=A > -1.0))


def median_axis_tuple(T):
    return np.sum(np.median(T, axis=(0, 2)) ** 2) + np.median(T[0], axis=None)


def percentile_methods(A):
    return np.sum(np.percentile(A, 30, axis=1, method="midpoint")) + np.sum(np.percentile(A, 70, axis=0, method="nearest") * 2) \
        + np.percentile(A, [10, 90], method="lower").sum() + np.percentile(A, 40, method="higher")


def quantile_array_keepdims(A):
    return np.sum(np.quantile(A, np.array([0.2, 0.5, 0.9]), axis=1, keepdims=True) * np.arange(9.0).reshape(3, 3, 1))


def diff_prepend_axis(A):
    return np.sum(np.diff(A, axis=-1, prepend=A[:, :1]) ** 2) + np.sum(np.diff(A, axis=0, append=0.0) ** 2)


def gradient_spacing(x):
    return np.sum(np.gradient(x, 0.5) ** 2) + np.sum(np.gradient(x, edge_order=2) * np.arange(6.0))


def gradient_axis(A):
    gy, gx = np.gradient(A)
    return np.sum(np.gradient(A, axis=1) ** 2) + np.sum(gy * gx)


def convolve_modes(x):
    k = np.array([0.25, 0.5, 0.25])
    return np.sum(np.convolve(x, k, mode="same") ** 2) + np.sum(np.convolve(x, k, mode="valid") * np.arange(4.0)) \
        + np.sum(np.convolve(x, x[:2]) ** 2)


def correlate_modes(x):
    return np.sum(np.correlate(x, np.array([1.0, -1.0]), mode="valid") ** 2) + np.sum(np.correlate(x, x[:3], mode="full") ** 2)


def norm_neg_ords(x):
    return np.linalg.norm(x, ord=-np.inf) + np.linalg.norm(x, ord=-1) + np.linalg.norm(x, ord=0.5) \
        + np.linalg.norm(x, ord=0)


def norm_matrix_neg(A):
    return np.linalg.norm(A, ord=-1) + np.linalg.norm(A, ord=-np.inf) + np.linalg.norm(A, ord=-2)


def norm_batched_nuc(T):
    return np.sum(np.linalg.norm(T, ord="nuc", axis=(-2, -1))) + np.sum(np.linalg.norm(T, axis=-1) ** 2)


def lstsq_matrix_rhs(A, Y):
    coef = np.linalg.lstsq(A.T, Y, rcond=None)[0]
    return np.sum(coef ** 2)


def solve_vector_rhs(S, y):
    return np.sum(np.linalg.solve(S, y[:3]) ** 2) + np.sum(np.linalg.solve(S, np.outer(y[:3], y[3:])))


def inv_matrix_power0(S):
    return np.sum(np.linalg.inv(S[:2, :2])) + np.sum(np.linalg.matrix_power(S, 0) * S) + np.sum(np.linalg.matrix_power(S, 1))


def einsum_implicit(A):
    return np.sum(np.einsum("ji", A) * np.arange(12.0).reshape(4, 3)) + np.sum(np.einsum("ij,jk", A, A.T) ** 2) \
        + np.sum(np.einsum("ba,ac", A.T, A) * np.arange(16.0).reshape(4, 4))


def einsum_three_operands(A):
    return np.sum(np.einsum("ij,jk,kl->il", A, A.T, A) ** 2) + np.sum(np.einsum("bi,bi->b", A, A) * np.arange(3.0))


def einsum_ellipsis_dot(T):
    return np.sum(np.einsum("...i,...i->...", T, T) * np.arange(6.0).reshape(2, 3)) + np.sum(np.einsum("i...->...", T) ** 2)


def einsum_repeated_mixed(B):
    return np.sum(np.einsum("bii->b", B) ** 2) + np.sum(np.einsum("bii->bi", B) * np.arange(6.0).reshape(2, 3)) \
        + np.einsum("bij,bij->", B, B)


def tensordot_neg_axes(T, A):
    return np.sum(np.tensordot(T, A, axes=([-1], [-1])) ** 2) + np.sum(np.tensordot(A, A, axes=([0], [0])))


def tensordot_axes1(A):
    return np.sum(np.tensordot(A, A.T, axes=1) ** 2) + np.sum(np.tensordot(A, A, axes=2))


def dot_shapes(T, A):
    return np.sum(np.dot(T, A[0]) ** 2) + np.sum(np.dot(A.T, A[:, 0])) + np.sum(A.dot(A.T) ** 2)


def matmul_vec_stack(T, x):
    return np.sum((x[:3] @ T) ** 2) + np.sum(np.matmul(T, T.swapaxes(-1, -2)))


def outer_flattens(A, x):
    return np.sum(np.outer(A, x) * np.arange(72.0).reshape(12, 6)) + np.sum(np.inner(A[None], A[None]) ** 2)


def kron_matrices(A):
    return np.sum(np.kron(A[:2, :2], A[1:, 2:]) * np.arange(16.0).reshape(4, 4)) + np.sum(np.kron(A, np.eye(2)) ** 2)


def transposes(T):
    return np.sum(np.transpose(T, axes=(2, 0, 1)) * np.arange(24.0).reshape(4, 2, 3)) \
        + np.sum(T.transpose(1, 0, 2) * np.arange(24.0).reshape(3, 2, 4)) + np.sum(T.T * np.arange(24.0).reshape(4, 3, 2))


def squeeze_expand_neg(x):
    y = x.reshape(1, 6, 1)
    return np.sum(np.squeeze(y) * x) + np.sum(np.expand_dims(x, axis=(-1, 0)) * np.arange(6.0).reshape(1, 6, 1)) \
        + np.sum(np.squeeze(y, axis=(0, 2)) ** 2)


def broadcast_arrays_pair(x):
    a, b = np.broadcast_arrays(x[:3, None], x[None, 3:])
    return np.sum(a * b * np.arange(9.0).reshape(3, 3))


def stack_axis1(A):
    return np.sum(np.stack([A, A ** 2], axis=1) * np.arange(24.0).reshape(3, 2, 4)) \
        + np.sum(np.concatenate([A, A * 3], axis=-1) * np.arange(24.0).reshape(3, 8))


def split_axis1(A):
    a, b, c = np.split(A, [1, 3], axis=1)
    p, q = np.array_split(A, 2, axis=0)
    return np.sum(a * c) + np.sum(b ** 2) + np.sum(p) * np.sum(q ** 2)


def insert_many(A):
    return np.sum(np.insert(A[0], [1, 3], [9.0, 8.0]) * np.arange(6.0)) + np.sum(np.insert(A, 2, 0.5) * np.arange(13.0)) \
        + np.sum(np.insert(A, [0, 2], A[:, :1], axis=1) ** 2)


def delete_mask_flat(A):
    return np.sum(np.delete(A[0], np.array([True, False, True, False])) ** 2) + np.sum(np.delete(A, 5) * np.arange(11.0)) \
        + np.sum(np.append(A, A[0]) * np.arange(16.0))


def repeat_flat(A):
    return np.sum(np.repeat(A, 2) * np.arange(24.0)) + np.sum(A.repeat(2, axis=1) ** 2)


def tile_2d(A):
    return np.sum(np.tile(A, 2) * np.arange(24.0).reshape(3, 8)) + np.sum(np.tile(A, (2, 1, 1)) ** 2) \
        + np.sum(np.tile(A[0], (3, 2)) * np.arange(24.0).reshape(3, 8))


def roll_flat_rot_neg(A):
    return np.sum(np.roll(A, 5) * np.arange(12.0).reshape(3, 4)) + np.sum(np.rot90(A, k=-1) * np.arange(12.0).reshape(4, 3)) \
        + np.sum(np.rot90(A, 3) * np.arange(12.0).reshape(4, 3))


def take_flat_2d_index(A):
    return np.sum(np.take(A, [1, -1, 7])) + np.sum(np.take(A[0], np.array([[0, 1], [3, 2]])) * np.arange(4.0).reshape(2, 2)) \
        + np.sum(A.take(2, axis=1) ** 2)


def take_along_none(A):
    i = np.argsort(A, axis=None)
    return np.sum(np.take_along_axis(A, i, axis=None) * np.arange(12.0)) + np.sum(np.take_along_axis(A, np.argmax(A, axis=0)[None], axis=0))


def put_along_values(A):
    B = A.copy()
    np.put_along_axis(B, np.argsort(A, axis=1)[:, :2], A[:, :2] ** 2, axis=1)
    return np.sum(B * np.arange(12.0).reshape(3, 4))


def select_scalar_choices(x):
    return np.sum(np.select([x < 0, x < 0.8], [-1.0, x ** 2], 2.0) * x)


def piecewise_otherwise(x):
    return np.sum(np.piecewise(x, [x < -0.5, x > 0.5], [lambda v: -v, lambda v: v ** 2, lambda v: 0.5 * v])) \
        + np.sum(np.piecewise(x, [x < 0], [0.0, 1.0]) * x)


def choose_clip(A):
    return np.sum(np.choose(np.array([0, 3, 1, -1]), A, mode="clip") ** 2) + np.sum(np.choose(np.array([0, 4, 1, 2]), A, mode="wrap"))


def searchsorted_sorter(x):
    order = np.argsort(x)
    i = np.searchsorted(x, np.array([-0.5, 0.5]), sorter=order)
    return np.sum(x[order][: i[1]] ** 2) + np.sum(i * x[:2])


def ufunc_at_scatter(x):
    acc = np.zeros(3)
    np.add.at(acc, np.array([0, 1, 0, 2, 1, 0]), x)
    return np.sum(acc ** 2)


def logaddexp_reduce(A):
    return np.sum(np.logaddexp.reduce(A, axis=1)) + np.logaddexp.reduce(A[0]) + np.sum(np.logaddexp.accumulate(A[1]))


def ufunc_reduce_kw(A):
    return np.sum(np.add.reduce(A, axis=0, keepdims=True) ** 2) + np.multiply.reduce(A[:, :2], axis=(0, 1)) \
        + np.sum(np.minimum.accumulate(A, axis=1) * A) + np.sum(np.maximum.accumulate(A, axis=0) * np.arange(12.0).reshape(3, 4))


def elementwise_edges(x):
    z = np.concatenate([x, [0.0]])
    return np.sum(np.sinc(z) * z) + np.sum(np.heaviside(x, x) * x) + np.sum(np.arctan2(1.0, x)) + np.sum(np.cbrt(x) * x)


def power_int_array(x):
    return np.sum(np.power(x, np.array([1, 2, 3, 0, 2, 1]))) + np.sum(x ** np.arange(6)) + np.sum(np.float_power(x, 2))


def trapezoid_x2d(A):
    return np.trapezoid(A[0], x=np.cumsum(np.abs(A[1])) ) + np.sum(np.trapezoid(A, dx=0.1, axis=0))


def cov_y_fweights(A):
    return np.sum(np.cov(A[0], y=A[1])) + np.sum(np.cov(A, fweights=np.array([1, 2, 1, 3]))) + np.sum(np.cov(A.T, rowvar=False, ddof=2))


def corrcoef_y(A):
    return np.sum(np.corrcoef(A[0], y=A[2]) ** 2) + np.sum(np.corrcoef(A[:2], A[1:]) * np.arange(16.0).reshape(4, 4))


def triu_batched(T):
    return np.sum(np.triu(T, k=1) * np.arange(24.0).reshape(2, 3, 4)) + np.sum(np.tril(T, 1) ** 2)


def diagonal_offsets_3d(T):
    return np.sum(np.diagonal(T, axis1=0, axis2=2) ** 2) + np.sum(np.diagonal(T, offset=-1, axis1=1, axis2=2)) \
        + np.sum(np.diag(T[0], k=2) ** 2)


def fill_diagonal_wrap(A):
    M = np.vstack([A, A]).copy()
    np.fill_diagonal(M, A[0, :4], wrap=True)
    return np.sum(M * np.arange(24.0).reshape(6, 4))


def tri_indices_rect(A):
    i, j = np.triu_indices(3, k=1, m=4)
    r, c = np.triu_indices_from(A, k=-1)
    return np.sum(A[i, j] ** 2) + np.sum(A[r, c] * 2)


def meshgrid_sparse_three(x):
    X, Y = np.meshgrid(x[:3], x[3:], sparse=True)
    P, Q, Rr = np.meshgrid(x[:2], x[2:4], x[4:], indexing="ij")
    return np.sum(X * Y) + np.sum(P * Q * Rr * np.arange(8.0).reshape(2, 2, 2))


def polynomial_module(c, x):
    return np.sum(np.polynomial.polynomial.polyval(x, c) ** 2)


def polyfit_weights(y):
    t = np.linspace(0.0, 1.0, 6)
    return np.sum(np.polyfit(t, y, 1, w=np.linspace(1.0, 2.0, 6)) ** 2)


def linspace_endpoints(x):
    return np.sum(np.linspace(x[0], x[1], 5) ** 2) + np.sum(np.linspace(0.0, x[2], 4, endpoint=False) * np.arange(4.0))


def sort_axis_kinds(A):
    return np.sum(np.sort(A, axis=0) * np.arange(12.0).reshape(3, 4)) + np.sum(np.sort(A, axis=None) * np.arange(12.0)) \
        + np.sum(np.sort(A, kind="stable")[:, -1] ** 2)


def partition_kth(x):
    return np.sum(np.partition(x, 2)[:2] ** 2) + np.sum(np.sort(x)[-2:])


def scipy_linalg_solves(S, y):
    import scipy.linalg as sla
    c = sla.cho_factor(S)
    L = sla.cholesky(S, lower=True)
    return np.sum(sla.cho_solve(c, y[:3]) ** 2) + np.sum(sla.solve_triangular(L, y[:3], lower=True) ** 2) \
        + np.sum(sla.solve(S, y[3:], assume_a="pos"))


def scipy_linalg_funcs(S):
    import scipy.linalg as sla
    return np.sum(sla.expm(S / 4)) + np.sum(sla.block_diag(S, S[:2, :2]) * np.arange(25.0).reshape(5, 5)) \
        + np.sum(sla.toeplitz(S[0]) ** 2)


def lu_solve_pair(S, y):
    import scipy.linalg as sla
    lu, piv = sla.lu_factor(S)
    return np.sum(sla.lu_solve((lu, piv), y[:3]) ** 2)


def logsumexp_axis_tuple_none(T):
    return np.sum(sp.logsumexp(T, axis=(1, 2))) + sp.logsumexp(T) + np.sum(sp.logsumexp(T, axis=-1, b=2.0))


def softmax_none_tuple(A):
    return np.sum(sp.softmax(A) * np.arange(12.0).reshape(3, 4)) + np.sum(sp.log_softmax(A, axis=(0, 1)) * A)


def special_zeros(x):
    y = np.concatenate([np.abs(x), [0.0]])
    return np.sum(sp.xlogy(y, y + 0.5)) + np.sum(sp.entr(y)) + np.sum(sp.xlog1py(y, y))


def gammainc_pair(x):
    y = np.abs(x) + 0.2
    return np.sum(sp.gammainc(2.5, y)) + np.sum(sp.gammaincc(1.5, y) * x)


def special_more(x):
    y = np.abs(x) + 0.5
    return np.sum(sp.erfcinv(y / 2) + sp.log1p(y) + sp.boxcox(y, 0.5) + sp.softplus(x))


def multigammaln_d(a):
    return sp.multigammaln(a, 3)


def stats_ppf_isf(x):
    q = sp.expit(x) * 0.8 + 0.1
    return np.sum(stats.norm.ppf(q, loc=1.0, scale=2.0)) + np.sum(stats.norm.isf(q)) + np.sum(stats.norm.logsf(x, scale=1.5))


def stats_cdfs(x, df, a):
    return np.sum(stats.t.cdf(x, df)) + np.sum(stats.gamma.cdf(np.abs(x), a, scale=2.0)) + np.sum(stats.logistic.cdf(x))


def stats_more_logpdfs(x):
    y = np.abs(x) + 0.1
    return np.sum(stats.lognorm.logpdf(y, 0.5, scale=1.5) + stats.cauchy.logpdf(x, loc=0.2) + stats.logistic.logpdf(x, scale=0.7)
                  + stats.uniform.logpdf(x * 0.1, loc=-1.0, scale=2.0) + stats.invgamma.logpdf(y, 2.0) + stats.halfnorm.logpdf(y))


def stats_frozen(x, mu, s):
    dist = stats.norm(mu, s)
    g = stats.gamma(2.0, scale=s)
    return np.sum(dist.logpdf(x)) + np.sum(dist.cdf(x)) + np.sum(g.logpdf(np.abs(x)))


def stats_entropy_zscore(x):
    p = np.abs(x) + 0.1
    return stats.entropy(p) + stats.entropy(p, np.linspace(1.0, 2.0, 6)) + np.sum(stats.zscore(x) * np.arange(6.0))


def mvn_full_cov(X, mu):
    C = np.array([[2.0, 0.3, 0.1, 0.0], [0.3, 1.0, 0.2, 0.1], [0.1, 0.2, 1.5, 0.0], [0.0, 0.1, 0.0, 1.0]])
    return np.sum(stats.multivariate_normal.logpdf(X, mu, C)) + np.sum(stats.multivariate_normal(mean=mu, cov=C).logpdf(X[0]))


def discrete_logpmfs(p):
    k = np.array([0, 1, 1, 0, 1, 0])
    return np.sum(stats.bernoulli.logpmf(k, p)) + np.sum(stats.nbinom.logpmf(k + 2, 5, p)) + np.sum(stats.geom.logpmf(k + 1, p))


def dirichlet_logpdf(a):
    return stats.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), a)


CASES += [
    (sum_initial_keepdims, lambda: [_A()]),
    (std_tuple_keepdims_ddof, lambda: [_t()]),
    (var_where, lambda: [_A()]),
    (median_axis_tuple, lambda: [_t()]),
    (percentile_methods, lambda: [_A()]),
    (quantile_array_keepdims, lambda: [_A()]),
    (diff_prepend_axis, lambda: [_A()]),
    (gradient_spacing, lambda: [vec()]),
    (gradient_axis, lambda: [_A()]),
    (convolve_modes, lambda: [vec()]),
    (correlate_modes, lambda: [vec()]),
    (norm_neg_ords, lambda: [vec()]),
    (norm_matrix_neg, lambda: [_A()]),
    (norm_batched_nuc, lambda: [_t()]),
    (lstsq_matrix_rhs, lambda: [_A(), nrm(4, 2)], (0, 1)),
    (solve_vector_rhs, lambda: [_S(), vec()], (0, 1)),
    (inv_matrix_power0, lambda: [_S()]),
    (einsum_implicit, lambda: [_A()]),
    (einsum_three_operands, lambda: [_A()]),
    (einsum_ellipsis_dot, lambda: [_t()]),
    (einsum_repeated_mixed, lambda: [nrm(2, 3, 3)]),
    (tensordot_neg_axes, lambda: [_t(), _A()]),
    (tensordot_axes1, lambda: [_A()]),
    (dot_shapes, lambda: [_t(), _A()]),
    (matmul_vec_stack, lambda: [_t(), vec()]),
    (outer_flattens, lambda: [_A(), vec()]),
    (kron_matrices, lambda: [_A()]),
    (transposes, lambda: [_t()]),
    (squeeze_expand_neg, lambda: [vec()]),
    (broadcast_arrays_pair, lambda: [vec()]),
    (stack_axis1, lambda: [_A()]),
    (split_axis1, lambda: [_A()]),
    (insert_many, lambda: [_A()]),
    (delete_mask_flat, lambda: [_A()]),
    (repeat_flat, lambda: [_A()]),
    (tile_2d, lambda: [_A()]),
    (roll_flat_rot_neg, lambda: [_A()]),
    (take_flat_2d_index, lambda: [_A()]),
    (take_along_none, lambda: [_A()]),
    (put_along_values, lambda: [_A()]),
    (select_scalar_choices, lambda: [vec()]),
    (piecewise_otherwise, lambda: [vec()]),
    (choose_clip, lambda: [_A()]),
    (searchsorted_sorter, lambda: [vec()]),
    (ufunc_at_scatter, lambda: [vec()]),
    (logaddexp_reduce, lambda: [_A()]),
    (ufunc_reduce_kw, lambda: [_A()]),
    (elementwise_edges, lambda: [vec()]),
    (power_int_array, lambda: [vec()]),
    (trapezoid_x2d, lambda: [_A()]),
    (cov_y_fweights, lambda: [_A()]),
    (corrcoef_y, lambda: [_A()]),
    (triu_batched, lambda: [_t()]),
    (diagonal_offsets_3d, lambda: [nrm(3, 4, 3)]),
    (fill_diagonal_wrap, lambda: [_A()]),
    (tri_indices_rect, lambda: [_A()]),
    (meshgrid_sparse_three, lambda: [vec()]),
    (polynomial_module, lambda: [nrm(3), vec()], (0, 1)),
    (polyfit_weights, lambda: [vec()]),
    (linspace_endpoints, lambda: [vec()]),
    (sort_axis_kinds, lambda: [_A()]),
    (partition_kth, lambda: [vec()]),
    (scipy_linalg_solves, lambda: [_S(), vec()], (0, 1)),
    (scipy_linalg_funcs, lambda: [_S()]),
    (lu_solve_pair, lambda: [_S(), vec()], (0, 1)),
    (logsumexp_axis_tuple_none, lambda: [_t()]),
    (softmax_none_tuple, lambda: [_A()]),
    (special_zeros, lambda: [vec()]),
    (gammainc_pair, lambda: [vec()]),
    (special_more, lambda: [vec()]),
    (multigammaln_d, lambda: [3.5]),
    (stats_ppf_isf, lambda: [vec()]),
    (stats_cdfs, lambda: [vec(), 4.5, 2.5], (0, 1, 2)),
    (stats_more_logpdfs, lambda: [vec()]),
    (stats_frozen, lambda: [vec(), 0.3, 1.4], (0, 1, 2)),
    (stats_entropy_zscore, lambda: [vec()]),
    (mvn_full_cov, lambda: [nrm(5, 4), nrm(4)], (0, 1)),
    (discrete_logpmfs, lambda: [0.35]),
    (dirichlet_logpdf, lambda: [np.array([1.5, 2.0, 3.0])]),
]


# --- a third batch: the array API's axes, NumPy 2's keywords, structure SciPy reads -------------

def _lopsided():
    S = spd(3)
    return np.triu(S) + 0.7 * np.tril(S, -1)


def scipy_solve_assume(S, y):
    import scipy.linalg as sla
    return np.sum(sla.solve(S, y[:3], assume_a="sym") ** 2) + np.sum(sla.solve(S, y[:3], assume_a="pos", lower=True)) \
        + np.sum(sla.solve(S, y[3:], assume_a="diagonal") ** 2) + np.sum(sla.solve(S, y[3:], transposed=True) ** 2)


def scipy_inv_assume(S):
    import scipy.linalg as sla
    return np.sum(sla.inv(S, assume_a="pos") * np.arange(9.0).reshape(3, 3)) + np.sum(sla.inv(S, assume_a="upper triangular"))


def scipy_cholesky_default(S):
    import scipy.linalg as sla
    c, low = sla.cho_factor(S)
    return np.sum(sla.cholesky(S) * np.arange(9.0).reshape(3, 3)) + np.sum(sla.cho_solve((c, low), np.ones(3)) ** 2)


def numpy_cholesky_upper(S):
    return np.sum(np.linalg.cholesky(S, upper=True) * np.arange(9.0).reshape(3, 3))


def sla_eigvalsh(S):
    import scipy.linalg as sla
    return np.sum(sla.eigvalsh(S) ** 3)


def linalg_trace_diagonal_3d(T):
    return np.sum(np.linalg.trace(T[:, :, :3]) * np.array([1.0, 2.0])) + np.sum(np.linalg.diagonal(T) ** 2) \
        + np.sum(np.linalg.trace(T, offset=1))


def std_mean_correction(A):
    m = np.mean(A, axis=1, keepdims=True)
    return np.sum(np.std(A, axis=1, mean=m)) + np.sum(np.var(A, axis=0, correction=1)) + np.sum(np.std(A, correction=0.5))


def mean_dtype_ints(A):
    k = np.arange(12).reshape(3, 4)
    return np.sum(A * np.mean(k, axis=0, dtype=np.float64)) + np.sum(A * np.sum(k > 4, axis=1)[:, None])


def round_decimals(x):
    return np.sum(np.round(x, decimals=2) * x) + np.sum(np.around(x, 1) * x) + np.sum(x.round(decimals=1) * x)


def argmax_keepdims(A):
    i = np.argmax(A, axis=1, keepdims=True)
    return np.sum(np.take_along_axis(A, i, axis=1) ** 2) + np.sum(np.take_along_axis(A, np.argmin(A, axis=0, keepdims=True), axis=0))


def linspace_axis_retstep(x):
    pts, step = np.linspace(x[:2], x[2:4], 5, retstep=True)
    col = np.linspace(x[0], x[1], 4, axis=0)
    return np.sum(pts * np.arange(10.0).reshape(5, 2)) + np.sum(step ** 2) + np.sum(col ** 2)


def gradient_coordinates(A):
    t = np.array([0.0, 0.5, 1.5, 1.75])
    return np.sum(np.gradient(A, t, axis=1) ** 2) + np.sum(np.gradient(A[0], t, edge_order=2) * np.arange(4.0)) \
        + np.sum(np.gradient(A, 0.5, t)[1])


def quantile_weights(x):
    return np.quantile(x, 0.5, method="inverted_cdf", weights=np.array([1.0, 2.0, 1.0, 3.0, 1.0, 1.0])) * 2 + np.quantile(x, 0.3)


def nanquantile_method(A):
    return np.sum(np.nanquantile(_nans(A), 0.25, axis=1, method="linear")) + np.nanpercentile(_nans(A), 80.0)


def logsumexp_b_broadcast(A):
    return np.sum(sp.logsumexp(A, axis=1, b=np.array([1.0, 0.5, 2.0, 1.0]))) \
        + np.sum(sp.logsumexp(A, axis=0, b=np.array([[1.0], [0.0], [2.0]]), keepdims=True))


def softmax_negative_axis(T):
    return np.sum(sp.softmax(T, axis=-2) * np.arange(24.0).reshape(2, 3, 4)) + np.sum(sp.log_softmax(T, axis=(1, 2))[0])


def stats_broadcast_params(x, mu):
    return np.sum(stats.norm.logpdf(x[:, None], loc=mu[None, :], scale=np.array([1.0, 2.0, 0.5])[None, :3])) \
        + np.sum(stats.t.logpdf(x, df=np.linspace(2.0, 7.0, 6)))


def mvn_allow_singular(X, mu):
    return np.sum(stats.multivariate_normal.logpdf(X, mean=mu, cov=np.eye(4) * 2.0, allow_singular=True))


def where_broadcast_shapes(A, x):
    return np.sum(np.where(A > 0, A, x[:4]) ** 2) + np.sum(np.where(x[:3, None] > 0, A, 0.5) * A)


def bool_sum_int_reductions(A):
    k = np.arange(1, 13).reshape(3, 4)
    return np.sum(A * np.max(k, axis=0)) + np.sum(A) * np.prod(k[0]) + np.sum(A > 0) * np.sum(A ** 2) \
        + np.count_nonzero(A > 0, axis=1).sum() * A[0, 0]


def cumsum_dtype_axis(A):
    return np.sum(np.cumsum(A, axis=1, dtype=np.float64) ** 2) + np.sum(np.cumprod(A[0], dtype=float)) + np.sum(A.cumsum(0) * A)


def einsum_uppercase_scalar(A):
    return np.einsum("Ij,Ij->", A, A) + np.sum(np.einsum("ij,j->i", A, A[0]) ** 2) + np.einsum("i,i->", A[0], A[1]) * 2.0


def tensordot_scalar_axes0(x):
    return np.sum(np.tensordot(x[:2], x[2:5], 0) * np.arange(6.0).reshape(2, 3)) + np.tensordot(x, x, 1)


def unstack_concat(A):
    a, b, c = np.unstack(A)
    return np.sum(np.concat([a, b ** 2], axis=0) * np.arange(8.0)) + np.sum(np.unstack(A, axis=1)[2] * c[:3])


def matrix_norm_axis_pairs(T):
    return np.sum(np.linalg.norm(T, ord="fro", axis=(2, 1))) + np.sum(np.linalg.norm(T, ord=1, axis=(0, 2))) \
        + np.sum(np.linalg.norm(T, ord=np.inf, axis=(-1, -2), keepdims=True))


def vector_norm_axis_tuple(T):
    return np.sum(np.linalg.vector_norm(T, axis=(0, 2), ord=3)) + np.sum(np.linalg.norm(T, axis=(0,)))


def slogdet_result_fields(S):
    res = np.linalg.slogdet(S)
    return res.sign * res.logabsdet + np.linalg.slogdet(S)[1]


def eigh_result_fields(S):
    r = np.linalg.eigh(S)
    return np.sum(r.eigenvalues ** 2) + np.sum(r.eigenvectors[:, -1] ** 2 * np.arange(3.0))


def svd_result_fields(A):
    r = np.linalg.svd(A, full_matrices=False)
    return np.sum(r.S ** 2) + np.sum(np.abs(r.U[:, 0] * r.Vh[0, :3]))


def qr_result_fields(A):
    r = np.linalg.qr(A.T)
    return np.sum(np.abs(np.diag(r.R))) + np.sum(r.Q ** 2)


def interp_decreasing_fp_array(x):
    xp = np.linspace(-1.5, 1.5, 7)
    return np.sum(np.interp(x, xp, np.cos(xp) * 2.0, left=0.0)) + np.sum(np.interp(0.25, xp, np.sin(xp)) * x)


def sort_descending(x):
    return np.sum(np.sort(x)[::-1] * np.arange(6.0)) + np.sum(-np.sort(-x) * np.arange(6.0))


def clip_int_bounds(x):
    return np.sum(np.clip(x, -1, 1) ** 2) + np.sum(np.clip(x * 3, a_min=-2, a_max=None)) + np.sum(np.minimum(np.maximum(x, -0.3), 0.3))


def pad_modes(x):
    return np.sum(np.pad(x, (2, 1), mode="reflect") * np.arange(9.0)) + np.sum(np.pad(x, 1, mode="wrap") * np.arange(8.0)) \
        + np.sum(np.pad(x, (1, 2), mode="symmetric") * np.arange(9.0)) + np.sum(np.pad(x.reshape(2, 3), ((1, 0), (0, 2))) ** 2)


def histogram_weights(x):
    counts, edges = np.histogram(x, bins=3, range=(-1.5, 1.5), weights=x ** 2)
    return np.sum(counts * np.arange(3.0))


def bincount_weights(x):
    return np.sum(np.bincount(np.array([0, 2, 1, 0, 2, 2]), weights=x, minlength=4) ** 2)


def digitize_right(x):
    i = np.digitize(x, np.array([-0.5, 0.0, 0.5]), right=True)
    return np.sum(x * i)


def isclose_branch(x):
    s = np.sum(x ** 2)
    if np.isclose(s, 0.0, atol=1e-8) or np.allclose(x, 0.0, rtol=1e-5):
        return s
    return s * np.mean(x)


def outer_ufunc_kw(x):
    return np.sum(np.add.outer(x[:3], x[3:]) ** 2) + np.sum(np.power.outer(np.abs(x[:2]), np.array([1.0, 2.0]))) \
        + np.sum(np.minimum.outer(x[:3], x[3:]))


def ufunc_reduce_where_initial(A):
    return np.sum(np.add.reduce(A, axis=1, where=A > 0, initial=0.0)) + np.sum(np.maximum.reduce(A, axis=1, initial=-5.0))


def expand_dims_many(x):
    return np.sum(np.expand_dims(x, axis=(0, -1, 1)) * np.arange(6.0).reshape(1, 1, 6, 1)) + np.sum(x[None, :, None].squeeze() ** 2)


CASES += [
    (scipy_solve_assume, lambda: [_lopsided(), vec()], (0, 1)),
    (scipy_inv_assume, lambda: [_lopsided()]),
    (scipy_cholesky_default, lambda: [_lopsided()]),
    (numpy_cholesky_upper, lambda: [_lopsided()]),
    (sla_eigvalsh, lambda: [_S()]),
    (linalg_trace_diagonal_3d, lambda: [_t()]),
    (std_mean_correction, lambda: [_A()]),
    (mean_dtype_ints, lambda: [_A()]),
    (round_decimals, lambda: [vec()]),
    (argmax_keepdims, lambda: [_A()]),
    (linspace_axis_retstep, lambda: [vec()]),
    (gradient_coordinates, lambda: [_A()]),
    (quantile_weights, lambda: [vec()]),
    (nanquantile_method, lambda: [_A()]),
    (logsumexp_b_broadcast, lambda: [_A()]),
    (softmax_negative_axis, lambda: [_t()]),
    (stats_broadcast_params, lambda: [vec(), nrm(3)], (0, 1)),
    (mvn_allow_singular, lambda: [nrm(5, 4), nrm(4)], (0, 1)),
    (where_broadcast_shapes, lambda: [_A(), vec()], (0, 1)),
    (bool_sum_int_reductions, lambda: [_A()]),
    (cumsum_dtype_axis, lambda: [_A()]),
    (einsum_uppercase_scalar, lambda: [_A()]),
    (tensordot_scalar_axes0, lambda: [vec()]),
    (unstack_concat, lambda: [_A()]),
    (matrix_norm_axis_pairs, lambda: [_t()]),
    (vector_norm_axis_tuple, lambda: [_t()]),
    (slogdet_result_fields, lambda: [_S()]),
    (eigh_result_fields, lambda: [_S()]),
    (svd_result_fields, lambda: [_A()]),
    (qr_result_fields, lambda: [_A()]),
    (interp_decreasing_fp_array, lambda: [vec()]),
    (sort_descending, lambda: [vec()]),
    (clip_int_bounds, lambda: [vec()]),
    (pad_modes, lambda: [vec()]),
    (histogram_weights, lambda: [vec()]),
    (bincount_weights, lambda: [vec()]),
    (digitize_right, lambda: [vec()]),
    (isclose_branch, lambda: [vec()]),
    (outer_ufunc_kw, lambda: [vec()]),
    (ufunc_reduce_where_initial, lambda: [_A()]),
    (expand_dims_many, lambda: [vec()]),
]


# --- a fourth batch: float32 inputs (NumPy keeps float32, or promotes, call by call) -------------

def f32_reductions(A):
    return np.sum(np.mean(A, axis=0)) + np.sum(np.std(A, axis=1, ddof=1)) + np.var(A) + np.sum(np.median(A, axis=0)) \
        + np.sum(np.quantile(A, 0.3, axis=1)) + np.sum(np.cumsum(A, axis=1) ** 2) + np.sum(np.ptp(A, axis=0))


def f32_norms(A):
    return np.linalg.norm(A) + np.sum(np.linalg.norm(A, axis=1)) + np.linalg.norm(A, ord=1) + np.linalg.norm(A[0], ord=3)


def f32_special(x):
    return np.sum(sp.expit(x) + sp.gammaln(np.abs(x) + 1) + sp.erf(x) + sp.log_expit(x)) + sp.logsumexp(x) \
        + np.sum(sp.softmax(x) * np.arange(6.0, dtype=np.float32)) + np.sum(sp.xlogy(np.abs(x), np.abs(x) + 1))


def f32_linalg(S):
    sign, logdet = np.linalg.slogdet(S)
    return np.sum(np.linalg.inv(S)) + np.linalg.det(S) + logdet + np.sum(np.linalg.solve(S, S[0])) \
        + np.sum(np.linalg.eigvalsh(S) ** 2) + np.sum(np.linalg.cholesky(S))


def f32_promoting(x):
    xp = np.array([-1.0, 0.0, 1.0])
    return np.sum(np.interp(x, xp, xp ** 2)) + np.sum(np.polyval(np.array([1.0, -2.0, 0.5]), x)) \
        + np.sum(np.cov(x.reshape(2, 3))) + np.average(x, weights=np.arange(1.0, 7.0)) + np.sum(np.corrcoef(x.reshape(2, 3)))


def f32_shape_ops(A):
    return np.sum(np.trapezoid(A, axis=1)) + np.sum(np.diff(A, axis=0) ** 2) + np.sum(np.einsum("ij,ij->i", A, A)) \
        + np.sum(np.linspace(A[0, 0], A[0, 1], 4)) + np.sum(np.clip(A, -0.5, 0.5)) + np.sum(np.where(A > 0, A, 0.1))


def f32_stats(x):
    return np.sum(stats.norm.logpdf(x, loc=0.1, scale=2.0)) + np.sum(stats.norm.cdf(x)) + np.sum(stats.t.logpdf(x, 3.0))


def f32_mixed_literals(x):
    return np.sum(x * 0.5 + 1.0) + np.sum(x ** 2) + np.sum(np.exp(x) / 3) + np.sum(np.maximum(x, 0.0)) + np.sum(np.abs(x) ** 1.5) \
        + np.sum(x * np.float64(2.0)) + np.sum(x + np.arange(6))


def f32_sorting(x):
    return np.sum(np.sort(x) * np.arange(6.0, dtype=np.float32)) + np.max(x) - np.min(x) + np.sum(np.maximum.accumulate(x)) \
        + np.sum(np.take_along_axis(x, np.argsort(x), axis=0)[:3])


def _f32(*shape):
    return R.standard_normal(shape).astype(np.float32)


CASES += [
    (f32_reductions, lambda: [_f32(3, 4)]),
    (f32_norms, lambda: [_f32(3, 4)]),
    (f32_special, lambda: [_f32(6)]),
    (f32_linalg, lambda: [spd(3).astype(np.float32)]),
    (f32_promoting, lambda: [_f32(6)]),
    (f32_shape_ops, lambda: [_f32(3, 4)]),
    (f32_stats, lambda: [_f32(6)]),
    (f32_mixed_literals, lambda: [_f32(6)]),
    (f32_sorting, lambda: [_f32(6)]),
]


# --- a fifth batch: what a linear-algebra call reads of its matrix, and its tolerances ------------

def pinv_hermitian(S):
    return np.sum(np.linalg.pinv(S, hermitian=True) * np.arange(9.0).reshape(3, 3))


def pinv_rcond_rtol(A):
    return np.sum(np.linalg.pinv(A, rcond=1e-10) ** 2) + np.sum(np.linalg.pinv(A, rtol=1e-8) * 2)


def scipy_pinv_pinvh(S):
    import scipy.linalg as sla
    return np.sum(sla.pinv(S, atol=0.0, rtol=1e-10) * np.arange(9.0).reshape(3, 3)) \
        + np.sum(sla.pinvh(S) * np.arange(9.0).reshape(3, 3)) + np.sum(sla.pinvh(S, lower=False) ** 2)


def scipy_lstsq(A, y):
    import scipy.linalg as sla
    coef, res, rank, sv = sla.lstsq(A.T, y[:4])
    return np.sum(coef ** 2) + np.sum(sla.lstsq(A.T, y[:4], cond=1e-12, lapack_driver="gelss")[0]) + rank * np.sum(sv)


def scipy_matfuncs(S):
    import scipy.linalg as sla
    return np.sum(sla.sqrtm(S) * np.arange(9.0).reshape(3, 3)) + np.sum(sla.logm(S) ** 2)


def solve_triangular_trans(S, y):
    import scipy.linalg as sla
    return np.sum(sla.solve_triangular(S, y[:3], trans="T") ** 2) + np.sum(sla.solve_triangular(S, y[:3], lower=True, trans=1, unit_diagonal=True))


def lu_solve_trans(S, y):
    import scipy.linalg as sla
    f = sla.lu_factor(S)
    return np.sum(sla.lu_solve(f, y[:3], trans=1) ** 2) + np.sum(sla.lu_solve(f, y[3:]) * np.arange(3.0))


def scipy_eigh_subset(S):
    import scipy.linalg as sla
    w = sla.eigh(S, eigvals_only=True)
    w2, V = sla.eigh(S, lower=False)
    return np.sum(w ** 2) + np.sum(w2 * np.arange(3.0)) + np.sum(V[:, 0] ** 2 * np.arange(3.0))


def matrix_power_nonsym(A):
    M = A[:, :3]
    return np.sum(np.linalg.matrix_power(M, 4) * np.arange(9.0).reshape(3, 3)) + np.sum(np.linalg.matrix_power(M + 3 * np.eye(3), -1))


def cond_and_rank(S):
    return np.linalg.cond(S) + np.linalg.cond(S, p="fro") + np.linalg.cond(S, 1) + np.linalg.matrix_rank(S) * np.sum(S)


def lstsq_rcond_value(A, y):
    coef = np.linalg.lstsq(A.T, y[:4], rcond=1e-3)[0]
    return np.sum(coef ** 2)


CASES += [
    (pinv_hermitian, lambda: [_lopsided()]),
    (pinv_rcond_rtol, lambda: [_A()]),
    (scipy_pinv_pinvh, lambda: [_lopsided()]),
    (scipy_lstsq, lambda: [_A(), vec()], (0, 1)),
    (scipy_matfuncs, lambda: [_S()]),
    (solve_triangular_trans, lambda: [_lopsided(), vec()], (0, 1)),
    (lu_solve_trans, lambda: [_lopsided(), vec()], (0, 1)),
    (scipy_eigh_subset, lambda: [_lopsided()]),
    (matrix_power_nonsym, lambda: [_A()]),
    (cond_and_rank, lambda: [_lopsided()]),
    (lstsq_rcond_value, lambda: [_A(), vec()], (0, 1)),
]


# --- a sixth batch: rounding, remainders and NaN conventions ---------------------------------------

def rounding_half_even(x):
    y = x * 4.0  # ties at .5 after scaling by 2: np.round rounds them to even
    return np.sum(np.round(y * 0.5) * x) + np.sum(np.round(x, 1) * x) + np.sum(np.around(x * 100, -1) * x)


def remainders(x):
    return np.sum(np.mod(x, 0.7) ** 2) + np.sum(np.remainder(-x, 0.3)) + np.sum(np.fmod(x, 0.4) * 2) \
        + np.sum(np.floor_divide(x, 0.3) * x) + np.sum(np.divmod(x, 0.45)[1] ** 2)


def modf_frexp_ldexp(x):
    frac, whole = np.modf(x * 3)
    m, e = np.frexp(x)
    return np.sum(frac ** 2 + whole * x) + np.sum(m * e) + np.sum(np.ldexp(x, 2))


def nan_propagation(A):
    B = np.where(A > 1.0, np.nan, A)
    return np.nansum(np.maximum(B, 0.1)) + np.nansum(np.fmax(B, A * 0.5)) + np.nansum(np.clip(B, -0.5, 0.5)) \
        + np.sum(np.nan_to_num(np.sort(B, axis=1), nan=2.0) * np.arange(4.0))


def signs_and_steps(x):
    z = np.concatenate([x, [0.0]])
    return np.sum(np.sign(z) * z) + np.sum(np.heaviside(z, 0.25) * np.arange(7.0)) + np.sum(np.abs(z) * np.sign(z) ** 2)


def argsort_ties(x):
    k = np.round(x)  # ties: a stable order
    return np.sum(x[np.argsort(k, kind="stable")] * np.arange(6.0)) + np.sum(x[np.argsort(-k, kind="stable")][:2])


def logs_near_edges(x):
    p = 1.0 / (1.0 + np.exp(-x))
    return np.sum(np.log1p(-p)) + np.sum(np.expm1(x) / x) + np.sum(np.log(np.hypot(x, 1e-3)))


def integer_powers(x):
    return np.sum(x ** -2) + np.sum(np.power(x, 3)) + np.sum(np.float_power(x, -1)) + np.sum(np.square(x) ** 0.5)


CASES += [
    (rounding_half_even, lambda: [vec() + 0.013]),
    (remainders, lambda: [vec(6, 0.11, 1.3)]),
    (modf_frexp_ldexp, lambda: [vec(6, 0.11, 1.3)]),
    (nan_propagation, lambda: [_A()]),
    (signs_and_steps, lambda: [vec()]),
    (argsort_ties, lambda: [vec()]),
    (logs_near_edges, lambda: [vec()]),
    (integer_powers, lambda: [vec()]),
]


# --- the checks ---------------------------------------------------------------------------------

def _jax_twin():
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        import jax.scipy.special as jsp
        import jax.scipy.stats as jst
    except Exception:  # noqa: BLE001
        return None
    g = dict(globals())
    g.update(np=jnp, sp=jsp, stats=jst)

    def twin(f, wrt):
        tf = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
        return jax.grad(tf, argnums=wrt)
    return twin


def _lowered(fun, args, wrt):
    """(value, grads): the lowered value_and_grad module run as plain Python (what Numba would compile)."""
    from adjit.compiler.jit import CompiledFunction, workspace_args

    c = CompiledFunction(fun, tuple(wrt), mode="value_and_grad")
    text, n = re.subn(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(*args, lowered=True), flags=re.M)
    ns: dict = {"__name__": "adjit_probe_lowered"}
    exec(compile(text, "<lowered grad>", "exec"), ns)
    f = ns[c.entry_name]
    bound = c._bind(tuple(args), {})
    out = f(*[a.copy() if isinstance(a, np.ndarray) else a for a in bound], *workspace_args(f))
    return out[0], tuple(out[1:])


def _readable(fun, args, wrt):
    g = adjit.grad(fun, wrt=wrt)
    ns: dict = {}
    exec(compile(g.source(*args), "<readable>", "exec"), ns)
    c = g._compiled
    out = ns[fun.__name__ + "_grad"](*(c._bind(tuple(args), {}) if c.host is not None else args))
    return out[0], tuple(out[1:])


def _compiled(fun, args, wrt):
    value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args)
    return value, grads if isinstance(grads, tuple) else (grads,)


def _compare(name, fun, args, wrt, value, grads, ref, numeric, jax_grads):
    problems = []
    f32 = any(getattr(a, "dtype", None) == np.float32 for a in args)  # float32 inputs: NumPy's float32 rounding
    rtol, gtol = (1e-5, 1e-3) if f32 else (1e-12, 1e-6)
    if not np.allclose(value, ref, rtol=rtol, atol=rtol, equal_nan=True):
        problems.append(f"{name} value {value!r} != NumPy's {ref!r}")
    elif np.asarray(value).dtype != np.asarray(ref).dtype or np.shape(value) != np.shape(ref):
        problems.append(f"{name} value {np.asarray(value).dtype}{np.shape(value)} vs NumPy's "
                        f"{np.asarray(ref).dtype}{np.shape(ref)}")
    for k, g, num in zip(wrt, grads, numeric):
        if np.shape(g) != np.shape(args[k]):
            problems.append(f"{name} d/darg{k} shape {np.shape(g)} != {np.shape(args[k])}")
            continue
        if f32 and np.asarray(g).dtype != args[k].dtype:
            problems.append(f"{name} d/darg{k} dtype {np.asarray(g).dtype} != {args[k].dtype}")
        err = relative_error(g, num)
        if not err < gtol:
            problems.append(f"{name} d/darg{k} vs differences {err:.1e}")
        if jax_grads is not None:
            jerr = relative_error(g, jax_grads[wrt.index(k)])
            if not jerr < 1e-9:
                problems.append(f"{name} d/darg{k} vs JAX {jerr:.1e}")
    return problems


def probe(fun, make, wrt, twin, compiled):
    args = make()
    ref = fun(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    numeric = [numerical_gradient(fun, args, k, eps=1e-6) for k in wrt]
    jax_grads = None
    if twin is not None and not any(getattr(a, "dtype", None) == np.float32 for a in args):
        try:
            jg = twin(fun, wrt)(*args)
            jax_grads = [np.asarray(v) for v in jg]
            if not all(np.all(np.isfinite(v)) for v in jax_grads):
                jax_grads = None
            elif max(relative_error(j, n) for j, n in zip(jax_grads, numeric)) > 1e-5:
                jax_grads = None  # JAX itself disagrees with the differences (a different convention)
        except Exception:  # noqa: BLE001
            jax_grads = None
    paths = [("lowered", _lowered), ("readable", _readable)] + ([("compiled", _compiled)] if compiled else [])
    problems = []
    try:
        for name, run in paths:
            value, grads = run(fun, list(args), wrt)
            problems += _compare(name, fun, args, wrt, value, grads, ref, numeric, jax_grads)
    except InternalCompilerError as e:
        return "internal", str(e).splitlines()[0], jax_grads is not None
    except AdjitError as e:
        if e.loc is None:
            return "internal", "unlocated: " + str(e).splitlines()[0], jax_grads is not None
        return "refused", e.message.splitlines()[0], jax_grads is not None
    except Exception as e:  # noqa: BLE001
        tb = traceback.extract_tb(e.__traceback__)[-1]
        return "internal", f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} " \
                           f"({os.path.basename(tb.filename)}:{tb.lineno})", jax_grads is not None
    return ("wrong", "; ".join(problems), jax_grads is not None) if problems else ("ok", "", jax_grads is not None)


def main(argv):
    compiled_every = 0
    if "--compiled" in argv:
        i = argv.index("--compiled")
        compiled_every = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    words = argv
    twin = _jax_twin()
    tally: dict = {}
    rows = []
    import warnings
    warnings.simplefilter("ignore")
    for n, case in enumerate(CASES):
        fun, make = case[0], case[1]
        wrt = case[2] if len(case) > 2 else (0,)
        if words and not any(w in fun.__name__ for w in words):
            continue
        t0 = time.perf_counter()
        kind, msg, jaxed = probe(fun, make, wrt, twin, compiled_every and n % compiled_every == 0)
        tally[kind] = tally.get(kind, 0) + 1
        rows.append((fun.__name__, kind, msg))
        print(f"{fun.__name__:28s} {kind:9s} {'jax' if jaxed else '   '} {time.perf_counter() - t0:5.1f}s {msg[:300]}",
              flush=True)
    print("tally:", ", ".join(f"{k} {v}" for k, v in sorted(tally.items())), f"(of {len(rows)})")
    return 0 if set(tally) <= {"ok", "refused"} else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
