"""A probe of the NumPy semantics everyday code relies on: how values behave, not which calls exist.

    python benchmarks/api_probe3.py                # every case, the lowered module run as Python
    python benchmarks/api_probe3.py mask view      # the cases whose name contains a word
    python benchmarks/api_probe3.py --compiled 8   # also every 8th case through Numba (first tier off)

benchmarks/api_probe2.py covered calls and their keyword arguments; this one covers indexing (negative
steps, Ellipsis, None, integer arrays and masks, NumPy's rule that advanced indices separated by a
slice move to the front, np.ix_, duplicates), writes through those forms and through views (buffered
`x[idx] += v` applies a duplicate once, np.add.at every time; `v = x[1:]; v[0] = ...` changes x),
dtypes and promotion (float32, ints, Python scalars, bools used as numbers, complex intermediates of
a real loss), broadcasting, methods and attributes, iteration and unpacking, copies against aliases,
and the edges of reductions (ties of max, abs and sqrt at 0, np.where's unselected nan, norm at 0).

Each case is a small scalar objective, classified as in api_probe2 (its checks are imported):
  ok        the value equals NumPy's (rtol 1e-12; its dtype and shape too), the gradient matches
            central differences in float64 (relative error < 1e-6) and JAX's where jax.numpy runs the
            function and agrees with the differences; the readable adjoint (grad.source) agrees too;
  wrong     any of those numbers differ;
  refused   a located AdjitError (file:line);
  internal  any other exception.
At a kink or singular point (ties, abs/sqrt/norm at 0) central differences are not the derivative
adjit documents (docs/guide.md, "Derivatives at kinks and singular points"): such a case carries its
expected gradient, written from that table, and is compared with it (inf and nan must match).
Arguments are copied for every run: a case that writes into its argument must not change the others.

Tally (lowered run; docs/testing.md, "benchmarks/api_probe3.py"):
  before (16419f6, the first 270 cases): ok 258, wrong 0, refused 12, internal 0 (a first run counted 2
                    wrong that were the probe's references: JAX's jnp.mean of a bool array is float32,
                    and central differences of a float32 value are noise; the twin and that case were
                    corrected); the 57 cases added later, at their first run: ok 51, refused 5, internal 1;
                    the last 37 (iteration, unpacking, augmented assignment), before the fixes they led
                    to: ok 27, refused 10
  now (2dc7d83, 364 cases): ok 356, wrong 0, refused 8, internal 0 (`--compiled 8`: 46 of them also
                    through Numba, all agreeing)
"""
from __future__ import annotations

import math
import os
import sys
import time
import traceback
import types

os.environ.setdefault("ADJIT_FIRST_TIER", "0")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from adjit.compiler.errors import AdjitError, InternalCompilerError  # noqa: E402
from adjit.runtime.gradcheck import numerical_gradient, relative_error  # noqa: E402
from api_probe2 import _compare, _compiled, _lowered, _readable  # noqa: E402

R = np.random.default_rng(3)
W6 = np.arange(1.0, 7.0)
W12 = np.arange(12.0).reshape(3, 4) - 4.5


def vec(n=6):
    return R.uniform(0.2, 1.4, n) * np.array([1, -1, 1, 1, -1, 1, 1, -1, 1, -1][:n])


def mat(*shape):
    return R.standard_normal(shape)


def f32(*shape):
    return R.standard_normal(shape).astype(np.float32)


CASES = []


# --- indexing: reads ------------------------------------------------------------------------------

def neg_step(x): return np.sum(x[::-1] * W6)
def neg_step_bounds(x): return np.sum(x[4:0:-2] ** 2 * np.array([1.0, 3.0]))
def neg_step_from_end(x): return np.sum(x[-2::-3] * np.array([2.0, -1.0]))
def neg_step_2d(A): return np.sum(A[::-1, ::-2] * np.arange(6.0).reshape(3, 2))
def neg_step_empty(x): return np.sum(x[1:4:-1]) + np.sum(x[::-1][:2] ** 2)
def ellipsis_last(T): return np.sum(T[..., 1] ** 2 * np.arange(6.0).reshape(2, 3))
def ellipsis_first(T): return np.sum(T[0, ...] * W12)
def ellipsis_middle(T): return np.sum(T[1, ..., 2] ** 2) + np.sum(T[..., ::2].sum(axis=-1))
def ellipsis_alone(A): return np.sum(A[...] * W12)
def newaxis_outer(x): return np.sum(x[:, np.newaxis] * x[np.newaxis, :] * np.arange(36.0).reshape(6, 6))
def none_index(A): return np.sum(A[None, :, 1] * A[:, None, 2])
def none_trailing(x): return np.sum((x[..., None] * x[None]) ** 2)
def none_and_ellipsis(T): return np.sum(T[None, ..., 0] ** 2) + np.sum(T[..., None].shape) * T[0, 0, 0]
def int_array_read(x): return np.sum(x[np.array([3, 0, 5])] * np.array([1.0, 2.0, 3.0]))
def int_list_read(x): return np.sum(x[[3, 0, 5]] ** 2)
def duplicate_gather(x): return np.sum(x[[0, 0, 1]] * np.array([1.0, 2.0, 3.0]))
def duplicate_gather_2d(A): return np.sum(A[[1, 1, 0, 1]] * np.arange(16.0).reshape(4, 4))
def negative_ints(x): return x[-1] * 3 + x[-6] + np.sum(x[-3:] ** 2) + np.sum(x[[-1, -2, -1]])
def negative_array_2d(A): return np.sum(A[[-1, 0], [-2, -4]] * np.array([2.0, 5.0]))
def int_rows(A): return np.sum(A[[2, 0]] * np.arange(8.0).reshape(2, 4))
def paired_arrays(A): return np.sum(A[[0, 2, 1], [3, 0, 0]] * np.array([1.0, 2.0, 3.0]))
def paired_broadcast(A): return np.sum(A[np.array([[0], [2]]), np.array([1, 3])] * np.arange(4.0).reshape(2, 2))
def adv_then_slice(A): return np.sum(A[[0, 2], 1:3] * np.arange(4.0).reshape(2, 2))
def slice_then_adv(A): return np.sum(A[:, [3, 1, 1]] * np.arange(9.0).reshape(3, 3))
def adv_split_by_slice(T):
    y = T[[0, 1], :, [2, 3]]  # advanced axes separated by a slice: the broadcast axis goes first
    return np.sum(y * np.arange(6.0).reshape(2, 3))
def adv_adjacent(T): return np.sum(T[:, [0, 2], [1, 3]] * np.arange(4.0).reshape(2, 2))
def int_and_array_split(T):
    y = T[1, :, [0, 2]]  # the int counts as an advanced index: shape (2, 3)
    return np.sum(y * np.arange(6.0).reshape(2, 3))
def int_and_array_adjacent(T): return np.sum(T[:, 1, [0, 2, 3]] * np.arange(6.0).reshape(2, 3))
def adv_split_shape(T): return T[[0, 1], :, [2, 3]].shape[0] * np.sum(T[[1], :, [0]])
def ix_read(A): return np.sum(A[np.ix_([0, 2], [1, 3])] * np.arange(4.0).reshape(2, 2))
def ix_duplicates(A): return np.sum(A[np.ix_([0, 0], [1, 1, 2])] * np.arange(6.0).reshape(2, 3))
def ix_mask(A): return np.sum(A[np.ix_(np.array([True, False, True]), np.array([0, 3]))] ** 2)
def mask_1d(x): return np.sum(x[x > 0] ** 2)
def mask_const(x): return np.sum(x[np.array([True, False, True, True, False, False])] * np.array([1.0, 2.0, 3.0]))
def mask_2d_all(A): return np.sum(A[A > 0] ** 2) + np.sum(A[np.abs(A) < 0.5])
def mask_rows_const(A): return np.sum(A[np.array([True, False, True])] * np.arange(8.0).reshape(2, 4))
def mask_rows_computed(A): return np.sum(A[A[:, 0] > 0] ** 2)
def mask_with_slice(A): return np.sum(A[np.array([True, False, True]), 1:] * np.arange(6.0).reshape(2, 3))
def mask_cols(A): return np.sum(A[:, A[0] > 0] ** 2)
def mask_mean(x): return np.mean(x[x < 0.5]) + x[x > 0].size
def int_matrix_index(x): return np.sum(x[np.array([[0, 1], [2, 5]])] * np.arange(4.0).reshape(2, 2))
def loop_ints(A):
    s = 0.0
    for i in range(3):
        for j in range(4):
            s = s + A[i, j] * (i - j) + A[i, -j - 1] ** 2
    return s
def loop_neg_index(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[-i - 1] * x[i] * (i + 1)
    return s
def argmax_index(x): return x[np.argmax(x)] * 2 + x[np.argmin(x)] + np.sum(x[np.argsort(x)[:2]])
def len_index(x): return x[len(x) // 2] * x[len(x) - 1]
def nonzero_index(x): return np.sum(x[np.nonzero(x > 0)] ** 2)
def where_index(x): return np.sum(x[np.where(x > 0)[0]] * 2) + np.sum(x[np.flatnonzero(x < 0)] ** 3)
def take_dupes(x): return np.sum(np.take(x, [1, 1, 2]) * np.array([1.0, 2.0, 3.0]))
def tuple_index(A):
    k = (1, 2)
    return A[k] * 3 + np.sum(A[(slice(None), 0)] ** 2)
def chained_index(T): return np.sum(T[1][2][::-1] * np.arange(4.0)) + T[0][1, 2]
def index_of_index(x): return np.sum(x[1:][::2][[0, 2]] * np.array([2.0, 3.0]))
def step_slice_2d(A): return np.sum(A[::2, 1::2] * np.arange(4.0).reshape(2, 2))
def out_of_range_slice(x): return np.sum(x[4:100] ** 2) + np.sum(x[-100:2])
def int_param_index(x, k): return x[k] * 2 + np.sum(x[k:] ** 2)
def int_array_param(x, idx): return np.sum(x[idx] ** 2 * np.arange(4.0))
def mask_param(x, m): return np.sum(x[m] * 3) + np.sum(x[~m] ** 2)


CASES += [
    (neg_step, lambda: [vec()]), (neg_step_bounds, lambda: [vec()]), (neg_step_from_end, lambda: [vec()]),
    (neg_step_2d, lambda: [mat(3, 4)]), (neg_step_empty, lambda: [vec()]),
    (ellipsis_last, lambda: [mat(2, 3, 4)]), (ellipsis_first, lambda: [mat(2, 3, 4)]),
    (ellipsis_middle, lambda: [mat(2, 3, 4)]), (ellipsis_alone, lambda: [mat(3, 4)]),
    (newaxis_outer, lambda: [vec()]), (none_index, lambda: [mat(3, 4)]), (none_trailing, lambda: [vec()]),
    (none_and_ellipsis, lambda: [mat(2, 3, 4)]), (int_array_read, lambda: [vec()]), (int_list_read, lambda: [vec()]),
    (duplicate_gather, lambda: [vec()]), (duplicate_gather_2d, lambda: [mat(3, 4)]), (negative_ints, lambda: [vec()]),
    (negative_array_2d, lambda: [mat(3, 4)]), (int_rows, lambda: [mat(3, 4)]), (paired_arrays, lambda: [mat(3, 4)]),
    (paired_broadcast, lambda: [mat(3, 4)]), (adv_then_slice, lambda: [mat(3, 4)]),
    (slice_then_adv, lambda: [mat(3, 4)]), (adv_split_by_slice, lambda: [mat(2, 3, 4)]),
    (adv_adjacent, lambda: [mat(2, 3, 4)]), (int_and_array_split, lambda: [mat(2, 3, 4)]),
    (int_and_array_adjacent, lambda: [mat(2, 3, 4)]), (adv_split_shape, lambda: [mat(2, 3, 4)]),
    (ix_read, lambda: [mat(3, 4)]), (ix_duplicates, lambda: [mat(3, 4)]), (ix_mask, lambda: [mat(3, 4)]),
    (mask_1d, lambda: [vec()]), (mask_const, lambda: [vec()]), (mask_2d_all, lambda: [mat(3, 4)]),
    (mask_rows_const, lambda: [mat(3, 4)]), (mask_rows_computed, lambda: [mat(3, 4)]),
    (mask_with_slice, lambda: [mat(3, 4)]), (mask_cols, lambda: [mat(3, 4)]), (mask_mean, lambda: [vec()]),
    (int_matrix_index, lambda: [vec()]), (loop_ints, lambda: [mat(3, 4)]), (loop_neg_index, lambda: [vec()]),
    (argmax_index, lambda: [vec()]), (len_index, lambda: [vec()]), (nonzero_index, lambda: [vec()]),
    (where_index, lambda: [vec()]), (take_dupes, lambda: [vec()]), (tuple_index, lambda: [mat(3, 4)]),
    (chained_index, lambda: [mat(2, 3, 4)]), (index_of_index, lambda: [vec()]), (step_slice_2d, lambda: [mat(3, 4)]),
    (out_of_range_slice, lambda: [vec()]), (int_param_index, lambda: [vec(), 2]),
    (int_array_param, lambda: [vec(), np.array([5, 0, 0, 3])]),
    (mask_param, lambda: [vec(), np.array([True, False, False, True, True, False])]),
]


# --- indexing: writes, views, copies and aliases --------------------------------------------------

def mask_write_scalar(x):
    y = x.copy()
    y[y < 0] = 0.0
    return np.sum(y ** 2 * W6)
def mask_write_values(x):
    y = x.copy()
    m = x > 0
    y[m] = x[m] ** 3
    return np.sum(y * W6)
def mask_write_other(x):
    y = np.zeros(6)
    z = x * 2
    y[x < 0] = z[x < 0]
    return np.sum(y ** 2 * W6)
def index_write(x):
    y = x.copy()
    y[[1, 3]] = x[:2] * 2
    return np.sum(y ** 2 * W6)
def index_iadd_duplicates(x):
    y = x.copy()
    y[[0, 0, 1]] += x[3:]  # buffered: y[0] gets x[0] + x[4] once (the last duplicate's value)
    return np.sum(y ** 2 * W6)
def index_iadd_dup_zeros(x):
    y = np.zeros(4)
    y[[0, 0, 2]] += x[:3]
    return np.sum(y * np.array([1.0, 2.0, 3.0, 4.0])) + np.sum(y ** 2)
def index_isub_duplicates(x):
    y = x ** 2
    y[[2, 2, 2]] -= x[:3] * 3
    return np.sum(y * W6)
def index_imul_duplicates(x):
    y = x.copy()
    y[[1, 1]] *= x[2:4]
    return np.sum(y * W6)
def add_at_duplicates(x):
    y = x.copy()
    np.add.at(y, [0, 0, 1], x[3:])
    return np.sum(y ** 2 * W6)
def add_at_2d(A):
    B = np.zeros((3, 4))
    np.add.at(B, ([0, 0, 2], [1, 1, 3]), A[0, :3])
    return np.sum(B ** 2) + np.sum(B * W12)
def subtract_at(x):
    y = x.copy()
    np.subtract.at(y, [2, 2], x[:2] ** 2)
    return np.sum(y * W6)
def view_write(x):
    y = x.copy()
    v = y[1:]
    v[0] = x[0] * 3
    return np.sum(y ** 2 * W6)
def view_iadd(x):
    y = x.copy()
    v = y[::2]
    v += x[:3] ** 2
    return np.sum(y * W6)
def view_of_view_write(x):
    y = x.copy()
    v = y[1:][::-1]
    v[1] = 7.0 * x[2]
    return np.sum(y ** 2 * W6)
def view_then_read(x):
    y = x.copy()
    v = y[2:]
    y[3] = x[0] ** 2  # v sees it
    return np.sum(v * np.arange(4.0))
def transpose_view_write(A):
    B = A.copy()
    Bt = B.T
    Bt[0, 1] = 5 * A[0, 0]  # B[1, 0]
    return np.sum(B ** 2 * W12)
def transpose_view_iadd(A):
    B = A.copy()
    B.T[1] += A[2, :3]  # B[:, 1]
    return np.sum(B * W12) + np.sum(B ** 2)
def reshape_view_write(A):
    B = A.copy()
    r = B.reshape(-1)
    r[5] = A[0, 0] * 2  # B[1, 1]
    return np.sum(B ** 2 * W12)
def ravel_view_write(A):
    B = A.copy()
    r = B.ravel()
    r[:4] = 0.0
    return np.sum(B ** 2 * W12)
def flatten_is_copy(A):
    B = A.copy()
    r = B.flatten()
    r[:4] = 0.0  # B unchanged
    return np.sum(B ** 2 * W12) + np.sum(r)
def row_view_imul(A):
    B = A.copy()
    r = B[1]
    r *= 2.0
    return np.sum(B ** 2 * W12)
def slice_assign_2d(A):
    B = A.copy()
    B[1:, :2] = A[:2, 2:] ** 2
    return np.sum(B * W12)
def neg_step_write(x):
    y = np.zeros(6)
    y[::-1] = x ** 2
    return np.sum(y * W6)
def ellipsis_write(T):
    U = T.copy()
    U[..., 0] = 0.0
    U[0, ...] *= 2.0
    return np.sum(U ** 2)
def paired_write(A):
    B = A.copy()
    B[[0, 2], [1, 3]] = A[1, :2] * 4
    return np.sum(B ** 2 * W12)
def ix_write(A):
    B = A.copy()
    B[np.ix_([0, 2], [1, 3])] = 0.0
    return np.sum(B ** 2 * W12)
def ix_iadd(A):
    B = A.copy()
    B[np.ix_([0, 2], [1, 3])] += A[1, :2]
    return np.sum(B ** 2 * W12)
def mask_2d_write(A):
    B = A.copy()
    B[B > 0.5] = 0.5
    return np.sum(B * W12)
def mask_iadd(A):
    B = A * 2
    B[B < 0] += 1.0
    return np.sum(B ** 2)
def mask_imul_leaky(x):
    y = x.copy()
    y[y < 0] *= 0.1
    return np.sum(y * W6)
def mask_write_param(x, m):
    y = x.copy()
    y[m] = x[m] * x[m]
    return np.sum(y * W6)
def mask_rows_write(A):
    B = A.copy()
    B[np.array([True, False, True])] = A[1] * 2
    return np.sum(B ** 2 * W12)
def adv_split_write(T):
    U = T.copy()
    U[[0, 1], :, [2, 3]] = np.arange(6.0).reshape(2, 3) * T[0, 0, 0]
    return np.sum(U ** 2)
def loop_recurrence_write(x):
    y = x.copy()
    for i in range(1, 6):
        y[i] = y[i - 1] * 0.5 + x[i]
    return np.sum(y ** 2)
def loop_ij_iadd(A):
    B = np.zeros((3, 3))
    for i in range(3):
        for j in range(4):
            B[i, j % 3] += A[i, j] * (j + 1)
    return np.sum(B ** 2)
def alias_then_write(x):
    y = x  # the same array: writing y writes x
    y[0] = 0.0
    return np.sum(x ** 2 * W6)
def asarray_aliases(x):
    y = np.asarray(x)
    y[1] = 2.0
    return np.sum(x ** 2 * W6)
def array_copies(x):
    y = np.array(x)
    y[1] = 2.0
    return np.sum(x ** 2 * W6) + np.sum(y)
def copy_then_write(x):
    y = x.copy()
    y[0] = 0.0
    return np.sum(x ** 2) + np.sum(y * W6)
def np_copy_then_write(A):
    B = np.copy(A)
    B[0] = B[1]
    return np.sum(A * B)
def param_view_write(x):
    v = x[1:]
    v[0] = 0.0  # x[1] becomes 0
    return np.sum(x ** 2 * W6)
def param_inplace_scale(x):
    x *= 2.0
    return np.sum(x ** 2)
def swap_fancy(x):
    y = x.copy()
    y[[0, 1]] = y[[1, 0]]
    return np.sum(y * W6)
def swap_tuple(x):
    y = x.copy()
    y[0], y[1] = y[1], y[0] * 2
    return np.sum(y * W6)
def stepped_write(x):
    y = np.zeros(6)
    y[1::2] = x[::2] ** 2
    y[::2] = x[1::2]
    return np.sum(y * W6)
def column_write(A, x):
    B = A.copy()
    B[:, 1] = x[:3]
    B[0] = x[3]
    return np.sum(B ** 2 * W12)
def broadcast_row_write(A):
    B = np.zeros((3, 4))
    B[:] = A[0]
    return np.sum(B * W12)
def fill_method(x):
    y = x.copy()
    y[:2].fill(x[5])
    return np.sum(y ** 2 * W6)
def sort_in_place(x):
    y = x.copy()
    y.sort()
    return np.sum(y * W6)
def write_neg_index(x):
    y = x.copy()
    y[-1] = x[0] * 5
    y[-3:-1] = 0.0
    return np.sum(y ** 2 * W6)
def int_array_write_2d(A):
    B = A.copy()
    B[[0, 0]] = A[1:]  # duplicate rows: the last write wins
    return np.sum(B ** 2 * W12)
def where_write_equiv(x):
    y = x.copy()
    y[np.where(x > 0)] = 1.0
    return np.sum(y ** 2 * W6) + np.sum(y * x)


CASES += [
    (mask_write_scalar, lambda: [vec()]), (mask_write_values, lambda: [vec()]), (mask_write_other, lambda: [vec()]),
    (index_write, lambda: [vec()]), (index_iadd_duplicates, lambda: [vec()]), (index_iadd_dup_zeros, lambda: [vec()]),
    (index_isub_duplicates, lambda: [vec()]), (index_imul_duplicates, lambda: [vec()]),
    (add_at_duplicates, lambda: [vec()]), (add_at_2d, lambda: [mat(3, 4)]), (subtract_at, lambda: [vec()]),
    (view_write, lambda: [vec()]), (view_iadd, lambda: [vec()]), (view_of_view_write, lambda: [vec()]),
    (view_then_read, lambda: [vec()]), (transpose_view_write, lambda: [mat(3, 4)]),
    (transpose_view_iadd, lambda: [mat(3, 4)]), (reshape_view_write, lambda: [mat(3, 4)]),
    (ravel_view_write, lambda: [mat(3, 4)]), (flatten_is_copy, lambda: [mat(3, 4)]),
    (row_view_imul, lambda: [mat(3, 4)]), (slice_assign_2d, lambda: [mat(3, 4)]), (neg_step_write, lambda: [vec()]),
    (ellipsis_write, lambda: [mat(2, 3, 4)]), (paired_write, lambda: [mat(3, 4)]), (ix_write, lambda: [mat(3, 4)]),
    (ix_iadd, lambda: [mat(3, 4)]), (mask_2d_write, lambda: [mat(3, 4)]), (mask_iadd, lambda: [mat(3, 4)]),
    (mask_imul_leaky, lambda: [vec()]),
    (mask_write_param, lambda: [vec(), np.array([True, False, False, True, True, False])]),
    (mask_rows_write, lambda: [mat(3, 4)]), (adv_split_write, lambda: [mat(2, 3, 4)]),
    (loop_recurrence_write, lambda: [vec()]), (loop_ij_iadd, lambda: [mat(3, 4)]),
    (alias_then_write, lambda: [vec()]), (asarray_aliases, lambda: [vec()]), (array_copies, lambda: [vec()]),
    (copy_then_write, lambda: [vec()]), (np_copy_then_write, lambda: [mat(3, 4)]),
    (param_view_write, lambda: [vec()]), (param_inplace_scale, lambda: [vec()]), (swap_fancy, lambda: [vec()]),
    (swap_tuple, lambda: [vec()]), (stepped_write, lambda: [vec()]), (column_write, lambda: [mat(3, 4), vec()], (0, 1)),
    (broadcast_row_write, lambda: [mat(3, 4)]), (fill_method, lambda: [vec()]), (sort_in_place, lambda: [vec()]),
    (write_neg_index, lambda: [vec()]), (int_array_write_2d, lambda: [mat(3, 4)]), (where_write_equiv, lambda: [vec()]),
]


# --- copies against views: which writes NumPy shows through another name --------------------------

def fancy_is_copy(x):
    y = x[[0, 1, 2]]  # an integer-array index copies: x unchanged
    y[0] = 0.0
    return np.sum(x ** 2 * W6) + np.sum(y)
def mask_is_copy(x):
    y = x[x > 0]
    y[:] = 1.0
    return np.sum(x ** 2 * W6) + np.sum(y)
def column_view_write(A):
    B = A.copy()
    c = B[:, 0]
    c[1] = A[2, 2] * 3  # B[1, 0]
    return np.sum(B ** 2 * W12)
def column_view_iadd(A):
    B = A.copy()
    c = B[:, 2]
    c += 1.0
    return np.sum(B ** 2 * W12)
def chained_assign_alias(x):
    a = b = np.zeros(6)
    a[0] = x[0]
    return np.sum(b * x) + x[1]
def selection_imul(x):
    y = x[x > 0]  # a copy
    y *= 2.0
    return np.sum(y ** 2 * 3) + np.sum(x * W6)
def helper_mutates(x):
    def bump(arr):
        arr[0] = arr[0] * 3
    y = x.copy()
    bump(y)
    return np.sum(y ** 2 * W6)
def helper_returns_view(x):
    def tail(arr):
        return arr[2:]
    y = x.copy()
    t = tail(y)
    t[0] = 0.0
    return np.sum(y ** 2 * W6)
def noncontig_reshape_copy(A):
    B = A.copy()
    r = B.T.reshape(-1)  # not contiguous: a copy
    r[0] = 100.0
    return np.sum(B ** 2 * W12) + np.sum(r)
def slice_of_mask_write(x):
    y = x.copy()
    y[1:][x[1:] > 0] = 0.0
    return np.sum(y ** 2 * W6)
def view_write_in_loop(A):
    B = A.copy()
    for i in range(3):
        r = B[i]
        r[i] = r[i] * 2 + 1.0
    return np.sum(B ** 2 * W12)
def list_holds_array(x):
    y = x.copy()
    lst = [y, y * 2]
    lst[0][1] = 5.0  # y[1]
    return np.sum(y * W6) + np.sum(lst[1])
def iadd_on_alias(x):
    y = x * 1.0
    z = y
    z += 1.0  # y too
    return np.sum(y ** 2 * W6)
def add_not_inplace_on_alias(x):
    y = x * 1.0
    z = y
    z = z + 1.0  # a new array: y unchanged
    return np.sum(y ** 2 * W6) + np.sum(z)
def row_iteration_writes(A):
    B = A.copy()
    for row in B:
        row *= 2.0  # each row a view
    return np.sum(B ** 2 * W12)
def reshape_param_view_write(A):
    r = A.reshape(-1)
    r[0] = 0.0  # A[0, 0]
    return np.sum(A ** 2 * W12)


CASES += [
    (fancy_is_copy, lambda: [vec()]), (mask_is_copy, lambda: [vec()]), (selection_imul, lambda: [vec()]), (column_view_write, lambda: [mat(3, 4)]),
    (column_view_iadd, lambda: [mat(3, 4)]), (chained_assign_alias, lambda: [vec()]), (helper_mutates, lambda: [vec()]),
    (helper_returns_view, lambda: [vec()]), (noncontig_reshape_copy, lambda: [mat(3, 4)]),
    (slice_of_mask_write, lambda: [vec()]), (view_write_in_loop, lambda: [mat(3, 4)]),
    (list_holds_array, lambda: [vec()]), (iadd_on_alias, lambda: [vec()]), (add_not_inplace_on_alias, lambda: [vec()]),
    (row_iteration_writes, lambda: [mat(3, 4)]), (reshape_param_view_write, lambda: [mat(3, 4)]),
]


# --- dtypes and promotion -------------------------------------------------------------------------

def f32_sum_squares(x): return np.sum(x * x)
def f32_mean_exp(x): return np.mean(np.exp(x)) + np.sum(np.log1p(x * x))
def f32_python_float(x): return np.sum(x * 0.5 + 1.5) * 2.0
def f32_python_int(x): return np.sum(x * 3 + 1) + np.sum(x ** 2)
def f32_with_f64_array(x): return np.sum(x * np.linspace(0.0, 1.0, 6))
def f32_with_int_array(x): return np.sum(x * np.arange(6))
def f32_np_float64_scalar(x): return np.sum(x * np.float64(1.5))
def f32_np_float32_scalar(x): return np.sum(x * np.float32(1.5)) + np.sum(x / np.float32(3))
def f32_matmul(A): return np.sum((A @ A.T) ** 2)
def f32_astype_f64(x): return np.sum(x.astype(np.float64) ** 2)
def f64_astype_f32(x): return np.sum(x.astype(np.float32) ** 2)
def f32_zeros_like(x):
    y = np.zeros_like(x)
    y[1:] = x[:-1] * 2
    return np.sum(y * x)
def f32_empty_accumulate(x):
    s = np.zeros(3, dtype=np.float32)
    for i in range(2):
        s = s + x[3 * i:3 * i + 3] ** 2
    return np.sum(s)
def f32_where_literal(x): return np.sum(np.where(x > 0, x, 0.01 * x))
def f32_max_norm(A): return np.max(A) + np.linalg.norm(A) + np.sum(np.abs(A))
def f32_item(x): return x[0].item() * 2.0 + float(x[1]) * x[2]
def int_times_float(x, k): return np.sum(x * k) + np.sum(k ** 2 * x ** 2)
def int_array_plus_float(x): return np.sum((np.arange(6) + x) ** 2) + np.sum(np.arange(6) / 4 * x)
def python_scalars(x): return np.sum(x * True + 1 + 0.5 * x * False) + np.sum(2 ** x) + np.sum(x / 2)
def bool_scalar_mixing(x):
    flag = x[0] > 0
    return np.sum(x * flag) + flag * x[1] + (flag + True) * x[2]
def int_floor_division(x):
    n = len(x) // 4
    k = 7 // 2 - (-7) // 2
    return x[n] * k + np.sum(x[:k]) * (-7 % 3) + x[-7 % 3] * (7 % -3)
def float_floor_division(x): return np.sum((x // 0.5) * x) + np.sum(x % 0.7) + np.sum(np.floor_divide(x, 0.3))
def python_mod_scalar(x):
    s = 0.0
    for i in range(6):
        s = s + x[i] * (i % 2) - x[i] ** 2 * (i // 2)
    return s
def float_mod_of_param(x): return np.sum((x * 3) % 1.0) + x[0] % 0.4 + math.fmod(x[1], 0.3)
def zero_derivative_rounding(x):
    return np.sum(np.floor(x * 3) * x) + np.sum(np.round(x) * x) + np.sum(np.sign(x) * x) \
        + np.sum(np.ceil(x) + np.trunc(x * 2) + np.rint(x * 5)) + np.sum(np.fix(x))
def builtin_round(x): return round(x[0] * 3) * x[1] + round(float(x[2]), 1) * x[2] + math.floor(x[3] * 4) * x[3]
def mask_times_x(x): return np.sum((x > 0) * x) + np.sum((x < 0.5) * x ** 2)
def mask_astype(x): return np.sum((x > 0).astype(float) * x) + np.sum((x > 0).astype(np.float64) * x ** 2)
def mask_count(x): return np.sum(x > 0) * np.sum(x) + np.count_nonzero(x < 0) * x[0] + (x > 0).sum() * x[1]
def mask_mean_weight(x): return np.mean(x > 0) * np.sum(x ** 2) + (x > 0).mean() * x[0]
def mask_logic(x):
    a = x > 0
    b = np.abs(x) < 1.0
    return np.sum((a & b) * x) + np.sum((a | b) * x ** 2) + np.sum((~a) * x * 3) + np.sum((a ^ b) * x)
def mask_logical_funcs(x):
    return np.sum(np.logical_and(x > 0, x < 1) * x) + np.sum(np.logical_not(x > 0) * x ** 2) \
        + np.sum(np.logical_or(x > 1, x < -1) * x)
def bool_sum_python(x): return (True + True) * x[0] + sum([x[1] > 0, x[2] > 0]) * x[3]
def astype_int(x): return np.sum(x.astype(int) * x) + np.sum((x * 10).astype(np.int64) * 0.1) + np.sum(x)
def astype_bool(x): return np.sum(x.astype(bool) * x) + np.sum(np.round(x).astype(bool) * x ** 2)
def int_division_true(x): return np.sum(x * (7 / 2)) + np.sum(np.arange(6) / np.arange(1, 7) * x)
def int_power_float(x): return np.sum(np.arange(6) ** 2 * x) + np.sum(x ** np.arange(1, 7))
def numpy_int_scalar(x):
    k = np.int64(3)
    return x[k] * k + np.sum(x[:k]) / k + np.sum(x * np.int32(2))
def complex_abs(x, y): return np.sum(np.abs(x + 1j * y) * W6)
def complex_real_imag(x, y):
    z = (x + 1j * y) ** 2
    return np.sum(z.real * W6) + np.sum(z.imag ** 2) + np.sum(np.real(z * 1j)) + np.sum(np.imag(z))
def complex_angle(x, y): return np.sum(np.angle(x + 1j * y) * W6)
def complex_conj(x, y):
    z = x + 1j * y
    return np.sum((z * np.conj(z)).real) + np.sum((z * z.conj()).real * W6)
def complex_exp(x): return np.sum(np.exp(1j * x).real * W6) + np.sum(np.exp(1j * x).imag ** 2)
def complex_abs_squared(x, y):
    z = np.exp(x) * (np.cos(y) + 1j * np.sin(y))
    return np.sum(np.abs(z) ** 2) + np.abs(np.sum(z * W6))
def complex_builtin_abs(x): return abs(complex(x[0], x[1])) + abs(x[2] + 1j * x[3]) ** 2
def complex_array_dtype(x):
    z = x.astype(complex) * (1 + 2j)
    return np.sum(np.abs(z) * W6) + np.sum(z.real)
def complex_fft_power(x): return np.sum(np.abs(np.fft.fft(x)) ** 2 * W6)


CASES += [
    (f32_sum_squares, lambda: [f32(6)]), (f32_mean_exp, lambda: [f32(6)]), (f32_python_float, lambda: [f32(6)]),
    (f32_python_int, lambda: [f32(6)]), (f32_with_f64_array, lambda: [f32(6)]), (f32_with_int_array, lambda: [f32(6)]),
    (f32_np_float64_scalar, lambda: [f32(6)]), (f32_np_float32_scalar, lambda: [f32(6)]),
    (f32_matmul, lambda: [f32(3, 4)]), (f32_astype_f64, lambda: [f32(6)]), (f64_astype_f32, lambda: [vec()], (0,), lambda x: [2.0 * x.astype(np.float32).astype(np.float64)]),
    (f32_zeros_like, lambda: [f32(6)]), (f32_empty_accumulate, lambda: [f32(6)]), (f32_where_literal, lambda: [f32(6)]),
    (f32_max_norm, lambda: [f32(3, 4)]), (f32_item, lambda: [f32(6)]),
    (int_times_float, lambda: [vec(), np.arange(6) - 2]), (int_array_plus_float, lambda: [vec()]),
    (python_scalars, lambda: [vec()]), (bool_scalar_mixing, lambda: [vec()]), (int_floor_division, lambda: [vec()]),
    (float_floor_division, lambda: [vec() + 0.013]), (python_mod_scalar, lambda: [vec()]),
    (float_mod_of_param, lambda: [vec() + 0.013]), (zero_derivative_rounding, lambda: [vec() + 0.013]),
    (builtin_round, lambda: [vec() + 0.013]), (mask_times_x, lambda: [vec()]), (mask_astype, lambda: [vec()]),
    (mask_count, lambda: [vec()]), (mask_mean_weight, lambda: [vec()]), (mask_logic, lambda: [vec()]),
    (mask_logical_funcs, lambda: [vec() * 1.2]), (bool_sum_python, lambda: [vec()]),
    (astype_int, lambda: [vec() * 3 + 0.013]), (astype_bool, lambda: [vec()]), (int_division_true, lambda: [vec()]),
    (int_power_float, lambda: [np.abs(vec())]), (numpy_int_scalar, lambda: [vec()]),
    (complex_abs, lambda: [vec(), vec()], (0, 1)), (complex_real_imag, lambda: [vec(), vec()], (0, 1)),
    (complex_angle, lambda: [vec(), vec()], (0, 1)), (complex_conj, lambda: [vec(), vec()], (0, 1)),
    (complex_exp, lambda: [vec()]), (complex_abs_squared, lambda: [vec(), vec()], (0, 1)),
    (complex_builtin_abs, lambda: [vec()]), (complex_array_dtype, lambda: [vec()]), (complex_fft_power, lambda: [vec()]),
]


# --- broadcasting ---------------------------------------------------------------------------------

def keepdims_sum(A): return np.sum(A / np.sum(A ** 2, axis=1, keepdims=True))
def keepdims_mean_std(A): return np.sum(((A - A.mean(axis=0, keepdims=True)) / A.std(axis=0, keepdims=True)) * W12)
def keepdims_max(A): return np.sum(np.exp(A - np.max(A, axis=1, keepdims=True)) * W12)
def keepdims_shape(A): return A.sum(axis=1, keepdims=True).shape[1] * np.sum(A.mean(axis=0, keepdims=True) ** 2)
def size_one_axis(A): return np.sum(A[:, :1] * A) + np.sum(A[1:2] * A)
def reshape_outer(x): return np.sum((x.reshape(1, -1) + x.reshape(-1, 1)) ** 2)
def outer_none(x, y): return np.sum(x[:, None] * y[None, :] * np.arange(36.0).reshape(6, 6))
def pairwise_sq(x): return np.sum((x[:, None] - x[None, :]) ** 2 * np.arange(36.0).reshape(6, 6))
def pairwise_3d(A): return np.sum(np.sum((A[:, None, :] - A[None, :, :]) ** 2, axis=-1) * np.arange(9.0).reshape(3, 3))
def inplace_row_add(A, x):
    B = A.copy()
    B += x[:4]
    return np.sum(B ** 2 * W12)
def inplace_col_sub(A, x):
    B = A * 1.0
    B -= x[:3, None]
    return np.sum(B ** 2 * W12)
def inplace_broadcast_mul_div(A):
    B = A.copy()
    B *= A[0]
    B /= (1.0 + A[:, :1] ** 2)
    return np.sum(B * W12)
def broadcast_to_sum(x): return np.sum(np.broadcast_to(x, (3, 6)) * np.arange(18.0).reshape(3, 6))
def broadcast_to_col(x): return np.sum(np.broadcast_to(x[:3, None], (3, 4)).sum(axis=0) ** 2)
def scalar_0d_array(x): return np.sum(np.array(2.0) * x) + np.sum(x * np.float64(0.5))
def zero_d_param(s, x): return np.sum(s * x ** 2) + s ** 2
def zero_d_reduction(x):
    s = np.sum(x)
    return s * s.item() + float(s) + s[()] * 2
def item_method(x): return x[0].item() * x[1] + x.max().item() + np.sum(x).item() * x[2]
def float_of_element(x): return float(x[0]) * 2 + float(x[1]) ** 2 + math.exp(float(x[2]))
def expand_squeeze(x): return np.sum(np.squeeze(np.expand_dims(x, 0) * np.expand_dims(x, 1)) ** 2)
def broadcast_3_1_1_4(A): return np.sum(A[:, :1] * A[:1, :] * W12)
def ones_like_broadcast(A): return np.sum((np.ones_like(A) * A[0]) ** 2) + np.sum(np.zeros((3, 1)) + A)
def newaxis_3d(A): return np.sum(A[:, :, np.newaxis] * A[:, np.newaxis, :])
def reduction_then_broadcast(A): return np.sum(A - A.mean()) + np.sum((A - A.mean(0)) ** 2) + np.sum((A.T - A.mean(1)) ** 3)
def broadcast_compare(A, x): return np.sum(np.where(A > x[:4], A, x[:4]) * W12)
def broadcast_arrays_sum(A, x):
    a, b = np.broadcast_arrays(A, x[:4])
    return np.sum(a * b * W12)
def atleast_2d_rows(x): return np.sum(np.atleast_2d(x).T @ np.atleast_2d(x)) + np.sum(np.atleast_1d(x[0]) * 2)
def scalar_array_mix(x):
    c = np.float64(x[0])
    return np.sum(c * x) + c ** 2


CASES += [
    (keepdims_sum, lambda: [mat(3, 4)]), (keepdims_mean_std, lambda: [mat(3, 4)]), (keepdims_max, lambda: [mat(3, 4)]),
    (keepdims_shape, lambda: [mat(3, 4)]), (size_one_axis, lambda: [mat(3, 4)]), (reshape_outer, lambda: [vec()]),
    (outer_none, lambda: [vec(), vec()], (0, 1)), (pairwise_sq, lambda: [vec()]), (pairwise_3d, lambda: [mat(3, 4)]),
    (inplace_row_add, lambda: [mat(3, 4), vec()], (0, 1)), (inplace_col_sub, lambda: [mat(3, 4), vec()], (0, 1)),
    (inplace_broadcast_mul_div, lambda: [mat(3, 4)]), (broadcast_to_sum, lambda: [vec()]),
    (broadcast_to_col, lambda: [vec()]), (scalar_0d_array, lambda: [vec()]),
    (zero_d_param, lambda: [np.array(0.7), vec()], (0, 1)), (zero_d_reduction, lambda: [vec()]),
    (item_method, lambda: [vec()]), (float_of_element, lambda: [vec()]), (expand_squeeze, lambda: [vec()]),
    (broadcast_3_1_1_4, lambda: [mat(3, 4)]), (ones_like_broadcast, lambda: [mat(3, 4)]), (newaxis_3d, lambda: [mat(3, 4)]),
    (reduction_then_broadcast, lambda: [mat(3, 4)]), (broadcast_compare, lambda: [mat(3, 4), vec()], (0, 1)),
    (broadcast_arrays_sum, lambda: [mat(3, 4), vec()], (0, 1)), (atleast_2d_rows, lambda: [vec()]),
    (scalar_array_mix, lambda: [vec()]),
]


# --- methods, attributes, iteration and unpacking -------------------------------------------------

def method_sum_mean(A): return A.sum() * A.mean() + np.sum(A.sum(0) * A.mean(axis=1).sum())
def method_max_min(A): return A.max() - A.min() + np.sum(A.max(axis=0)) + np.sum(A.min(1) ** 2)
def method_argmax(x): return x[x.argmax()] + x[x.argmin()] * 2
def method_argmax_axis(A): return np.sum(np.take_along_axis(A, A.argmax(axis=1)[:, None], axis=1))
def method_cumsum(x): return np.sum(x.cumsum() ** 2) + np.sum(x.cumprod())
def method_cumsum_axis(A): return np.sum(A.cumsum(axis=1) * W12)
def method_clip(x): return np.sum(x.clip(-0.5, 0.5) * W6) + np.sum(x.clip(min=0) ** 2)
def method_round(x): return np.sum(x.round(1) * x) + np.sum(x.round() ** 2)
def method_dot(x, A): return x.dot(x) + np.sum(A.dot(x[:4]) ** 2) + x[:3].dot(A).sum()
def method_reshape(A): return np.sum(A.reshape(-1) * np.arange(12.0)) + np.sum(A.reshape(2, -1) ** 2) + np.sum(A.reshape((4, 3))[0])
def method_ravel_flatten(A): return np.sum(A.ravel() * np.arange(12.0)) + np.sum(A.flatten() ** 2) + np.sum(A.T.ravel()[:3])
def method_transpose(A): return np.sum(A.T @ A) + np.sum(A.transpose() * W12.T) + np.sum(A.transpose(1, 0)[0])
def method_swapaxes(T): return np.sum(T.swapaxes(0, 2) * np.arange(24.0).reshape(4, 3, 2))
def attributes(A):
    n, m = A.shape
    return np.sum(A) * n / m + A.ndim * A[0, 0] + A.size * A[1, 1] + A.shape[-1] * A[2, 3]
def builtin_len(A): return len(A) * np.sum(A[0]) + len(A[0]) * np.sum(A[:, 0])
def method_std_var(A): return A.std() + A.var(axis=0).sum() + A.std(axis=1, ddof=1).sum()
def method_prod(x): return x.prod() + x[:3].prod() ** 2
def method_any_all(x): return x.any() * x[0] + (x > -2).all() * x[1] + np.any(x > 1) * x[2]
def method_argsort(x): return np.sum(x[x.argsort()] * W6)
def method_diagonal_trace(A): return np.sum(A.diagonal() ** 2) + A.trace() + A[:, :3].diagonal(1).sum()
def method_take_repeat(x): return np.sum(x.take([0, 2]) ** 2) + np.sum(x.repeat(2) * np.arange(12.0))
def method_squeeze(A): return np.sum(A[:1].squeeze() * np.arange(4.0)) + np.sum(A[:, 1:2].squeeze(axis=1) ** 2)
def method_astype_copy(x):
    y = x.astype(np.float64)  # a copy: x stays
    y[0] = 0.0
    return np.sum(x * W6) + np.sum(y ** 2)
def method_conj_real(x): return np.sum(x.conj() * x) + np.sum(x.real ** 2) + np.sum(x.imag)
def method_nonzero(x): return np.sum(x[(x > 0).nonzero()] * 2)
def method_tolist(x): return sum(x.tolist()) * x[0] + x[1]
def builtin_sum_max(x): return sum(x) * 2 + max(x) + min(x) ** 2 + sum(x ** 2)
def builtin_abs_array(x): return np.sum(abs(x) * W6)
def iterate_rows(A):
    s = 0.0
    for row in A:
        s = s + np.sum(row * np.arange(4.0)) ** 2
    return s
def iterate_elements(x):
    s = 0.0
    for v in x:
        s = s + v ** 2 * (v > 0)
    return s
def enumerate_rows(A):
    s = 0.0
    for i, row in enumerate(A):
        s = s + (i + 1) * np.sum(row ** 2)
    return s
def zip_arrays(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b ** 2
    return s
def zip_rows(A):
    s = 0.0
    for r1, r2 in zip(A[:-1], A[1:]):
        s = s + np.sum((r2 - r1) ** 2)
    return s
def iterate_3d(T):
    s = 0.0
    for M in T:
        for row in M:
            s = s + row[0] * row[-1]
    return s
def comprehension_array(x): return np.sum(np.array([v ** 2 for v in x]) * W6)
def comprehension_stack(A): return np.sum(np.stack([row * (i + 1) for i, row in enumerate(A)]) ** 2)
def comprehension_row_sums(A): return np.sum(np.array([np.sum(r ** 2) for r in A]) * np.array([1.0, 2.0, 3.0]))
def generator_sum(x): return sum(v * v for v in x) + sum(x[i] * i for i in range(6))
def array_of_scalars(x): return np.sum(np.array([x[0], x[1] * 2, 3.0]) ** 2) + np.sum(np.array([[x[2], x[3]], [x[4], 1.0]]))
def stack_columns(x, y): return np.sum(np.stack([x, y], axis=1) * np.arange(12.0).reshape(6, 2)) + np.sum(np.column_stack([x, y]) ** 2)
def unpack_rows(A):
    a, b, c = A
    return np.sum(a * b) + np.sum(c ** 2)
def unpack_elements(x):
    a, b = x[:2]
    u, v, *rest = x
    return a * b + u ** 2 + v + np.sum(rest)
def unpack_shape_loop(A):
    n, m = A.shape
    s = 0.0
    for i in range(n):
        for j in range(m):
            s = s + A[i, j] ** 2 * (i + 1)
    return s
def unpack_columns(A):
    x, y, z, w = A.T
    return np.sum(x * y) + np.sum(z * w ** 2)
def list_of_arrays_append(x):
    parts = []
    for i in range(3):
        parts.append(x[2 * i:2 * i + 2] * (i + 1))
    return np.sum(np.concatenate(parts) ** 2) + np.sum(np.vstack(parts))
def list_index_then_array(x):
    vals = [x[0], x[3], x[5]]
    return np.sum(np.asarray(vals) ** 2) + vals[-1] * 2


CASES += [
    (method_sum_mean, lambda: [mat(3, 4)]), (method_max_min, lambda: [mat(3, 4)]), (method_argmax, lambda: [vec()]),
    (method_argmax_axis, lambda: [mat(3, 4)]), (method_cumsum, lambda: [vec()]), (method_cumsum_axis, lambda: [mat(3, 4)]),
    (method_clip, lambda: [vec()]), (method_round, lambda: [vec() + 0.013]), (method_dot, lambda: [vec(), mat(3, 4)], (0, 1)),
    (method_reshape, lambda: [mat(3, 4)]), (method_ravel_flatten, lambda: [mat(3, 4)]),
    (method_transpose, lambda: [mat(3, 4)]), (method_swapaxes, lambda: [mat(2, 3, 4)]), (attributes, lambda: [mat(3, 4)]),
    (builtin_len, lambda: [mat(3, 4)]), (method_std_var, lambda: [mat(3, 4)]), (method_prod, lambda: [vec()]),
    (method_any_all, lambda: [vec()]), (method_argsort, lambda: [vec()]), (method_diagonal_trace, lambda: [mat(3, 4)]),
    (method_take_repeat, lambda: [vec()]), (method_squeeze, lambda: [mat(3, 4)]), (method_astype_copy, lambda: [vec()]),
    (method_conj_real, lambda: [vec()]), (method_nonzero, lambda: [vec()]), (method_tolist, lambda: [vec()]),
    (builtin_sum_max, lambda: [vec()]), (builtin_abs_array, lambda: [vec()]), (iterate_rows, lambda: [mat(3, 4)]),
    (iterate_elements, lambda: [vec()]), (enumerate_rows, lambda: [mat(3, 4)]), (zip_arrays, lambda: [vec(), vec()], (0, 1)),
    (zip_rows, lambda: [mat(3, 4)]), (iterate_3d, lambda: [mat(2, 3, 4)]), (comprehension_array, lambda: [vec()]),
    (comprehension_stack, lambda: [mat(3, 4)]), (comprehension_row_sums, lambda: [mat(3, 4)]),
    (generator_sum, lambda: [vec()]), (array_of_scalars, lambda: [vec()]),
    (stack_columns, lambda: [vec(), vec()], (0, 1)), (unpack_rows, lambda: [mat(3, 4)]),
    (unpack_elements, lambda: [vec()]), (unpack_shape_loop, lambda: [mat(3, 4)]), (unpack_columns, lambda: [mat(3, 4)]),
    (list_of_arrays_append, lambda: [vec()]), (list_index_then_array, lambda: [vec()]),
]


# --- the edges of reductions: ties, kinks and singular points ---------------------------------------
# A fourth entry is the expected gradient from docs/guide.md's table (central differences see the
# mean of the two sides there, or nothing finite).

def _ties():
    return [np.array([1.0, 3.0, 3.0, 0.0, -1.0, 2.0])]
def _ties3():
    return [np.array([3.0, 1.0, 3.0, 3.0, 0.0, 2.0])]
def _zeros():
    return [np.array([0.0, 0.4, 0.0, 1.1, 0.7, 0.0])]
def _signed_zeros():
    return [np.array([0.0, -0.4, 0.0, 1.1, -0.7, 0.0])]
def _with_bound():
    return [np.array([0.5, -0.5, 0.2, 1.1, -0.7, 0.0])]
def _e(*pairs, n=6):
    g = np.zeros(n)
    for i, v in pairs:
        g[i] = v
    return g


def max_ties(x): return np.max(x) * 2
def max_ties_three(x): return np.max(x) + np.amax(x * 2)
def min_ties(x): return np.min(-x) * 3
def max_axis_ties(A): return np.sum(A.max(axis=1) * np.array([1.0, 2.0]))
def max_keepdims_ties(A): return np.sum(A / np.max(A, axis=1, keepdims=True))
def builtin_max_tie(x): return max(x[1], x[2]) * 2 + min(x[1], x[2])
def maximum_tie_order(x): return np.sum(np.maximum(x, 0.0)) + np.sum(np.minimum(0.0, x) * 2)
def argmax_tie_first(x): return x[np.argmax(x)] * 5 + x[np.argmin(-x)]
def sort_ties_stable(x): return np.sum(np.sort(x) * W6)
def abs_at_zero(x): return np.sum(np.abs(x) * W6)
def sqrt_at_zero(x): return np.sum(np.sqrt(x))
def power_half_at_zero(x): return np.sum(x ** 0.5) + np.sum(x ** 1.5)
def log_at_zero(x): return np.sum(np.log(x))
def reciprocal_at_zero(x): return np.sum(1.0 / (x + 1.0)) + 1.0 / x[0]
def where_sqrt_nan_branch(x): return np.sum(np.where(x > 0, np.sqrt(x), 0.0) * W6)
def where_log_nan_branch(x): return np.sum(np.where(x > 0, np.log(x), x) ** 2)
def where_sinc_at_zero(x): return np.sum(np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x)))
def where_div_at_zero(x): return np.sum(np.where(x != 0, 1.0 / x, 0.0) * W6)
def where_sinc_single(x): return np.sum(np.where(x == 0, 1.0, np.sin(x) / x))
def norm_at_zero(x): return np.linalg.norm(x) + np.linalg.norm(x[:3] * 0.0 + x[:3])
def norm_2d_at_zero(x): return np.linalg.norm(x.reshape(2, 3)) + np.sum(np.linalg.norm(x.reshape(2, 3), axis=1))
def handwritten_norm_at_zero(x): return np.sqrt(np.sum(x ** 2)) + np.sqrt(x @ x)
def relu_mask_at_zero(x): return np.sum(x * (x > 0) * W6)
def clip_at_bound(x): return np.sum(np.clip(x, -0.5, 0.5) * W6)
def maximum_at_zero(x): return np.sum(np.maximum(x, 0.0) * W6) + np.sum(np.maximum(0.0, x))
def nan_in_unselected_sum(x):
    r = np.sqrt(x)  # nan where x < 0, never selected
    return np.sum(np.where(x >= 0, r, -x) * W6)


CASES += [
    (max_ties, _ties, (0,), lambda x: [_e((1, 1.0), (2, 1.0))]),
    (max_ties_three, _ties3, (0,), lambda x: [_e((0, 1.0), (2, 1.0), (3, 1.0))]),
    (min_ties, _ties, (0,), lambda x: [_e((1, -1.5), (2, -1.5))]),
    (max_axis_ties, lambda: [np.array([[1.0, 2.0, 2.0], [0.5, 0.5, 0.5]])], (0,),
     lambda A: [np.array([[0.0, 0.5, 0.5], [2 / 3, 2 / 3, 2 / 3]])]),
    (max_keepdims_ties, lambda: [np.array([[1.0, 2.0, 2.0], [0.5, 0.75, 0.75]])], (0,),
     lambda A: [np.array([[0.5, 0.5 - 1.25 / 2, 0.5 - 1.25 / 2],
                          [1 / 0.75, 1 / 0.75 - 0.5 * (0.5 + 1.5) / 0.75 ** 2, 1 / 0.75 - 0.5 * (0.5 + 1.5) / 0.75 ** 2]])]),
    (builtin_max_tie, _ties, (0,), lambda x: [_e((1, 3.0))]),
    (maximum_tie_order, _signed_zeros, (0,), lambda x: [np.array([1.0, -0.0, 1.0, 1.0, -0.0, 1.0]) + 2 * np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0])]),
    (argmax_tie_first, _ties, (0,), lambda x: [_e((1, 6.0))]),
    (sort_ties_stable, _ties, (0,), lambda x: [np.array([3.0, 5.0, 6.0, 2.0, 1.0, 4.0])]),
    (abs_at_zero, _signed_zeros, (0,), lambda x: [np.sign(x) * W6]),
    (sqrt_at_zero, _zeros, (0,), lambda x: [np.where(x == 0, np.inf, 0.5 / np.sqrt(np.where(x == 0, 1.0, x)))]),
    (power_half_at_zero, _zeros, (0,), lambda x: [np.where(x == 0, np.inf, 0.5 / np.sqrt(np.where(x == 0, 1.0, x))) + 1.5 * np.sqrt(x)]),
    (log_at_zero, _zeros, (0,), lambda x: [np.where(x == 0, np.inf, 1 / np.where(x == 0, 1.0, x))]),
    (reciprocal_at_zero, _zeros, (0,), lambda x: [-1.0 / (x + 1.0) ** 2 + _e((0, -np.inf))]),
    (where_sqrt_nan_branch, lambda: [vec()]),
    (where_log_nan_branch, lambda: [vec()]),
    (where_sinc_at_zero, _signed_zeros),
    (where_div_at_zero, _signed_zeros, (0,), lambda x: [np.where(x != 0, -W6 / np.where(x == 0, 1.0, x) ** 2, 0.0)]),
    (where_sinc_single, _signed_zeros, (0,), lambda x: [np.where(x == 0, 0.0, (np.cos(x) * x - np.sin(x)) / np.where(x == 0, 1.0, x) ** 2)]),
    (norm_at_zero, lambda: [np.zeros(6)], (0,), lambda x: [np.zeros(6)]),
    (norm_2d_at_zero, lambda: [np.array([0.0, 0.0, 0.0, 1.0, 2.0, 2.0])], (0,),
     lambda x: [np.array([0.0, 0.0, 0.0, 1 / 3, 2 / 3, 2 / 3]) * 2]),
    (handwritten_norm_at_zero, lambda: [np.zeros(6)], (0,), lambda x: [np.zeros(6)]),
    (relu_mask_at_zero, _signed_zeros, (0,), lambda x: [(x > 0) * W6]),
    (clip_at_bound, _with_bound, (0,), lambda x: [np.array([1.0, 1.0, 1.0, 0.0, 0.0, 1.0]) * W6]),
    (maximum_at_zero, _signed_zeros, (0,), lambda x: [(x >= 0) * W6 + (x > 0) * 1.0]),
    (nan_in_unselected_sum, lambda: [vec()]),
]


# --- indices known only when run, overlapping writes, and the row-swap trap -----------------------

def iadd_runtime_dupes(x, idx):
    y = x.copy()
    y[idx] += x[:4] * 2  # buffered: a duplicate index takes one (the last) of its values
    return np.sum(y ** 2 * W6)
def assign_runtime_dupes(x, idx):
    y = np.zeros(6)
    y[idx] = x[:4] ** 2  # the last write of a duplicate wins
    return np.sum(y * W6)
def imul_runtime_dupes(x, idx):
    y = x + 2.0
    y[idx] *= x[2:]
    return np.sum(y * W6)
def add_at_runtime(x, idx):
    y = np.zeros(6)
    np.add.at(y, idx, x[:4])
    return np.sum(y ** 2 * W6)
def paired_iadd_runtime(A, rows, cols):
    B = A.copy()
    B[rows, cols] += A[0] * 3
    return np.sum(B ** 2 * W12)
def scatter_permutation(x, p):
    y = np.empty(6)
    y[p] = x * W6
    return np.sum(y ** 2 * np.arange(6.0))
def argmax_write(x):
    y = x.copy()
    y[np.argmax(x)] = 0.0
    y[x.argmin()] *= 3.0
    return np.sum(y ** 2 * W6)
def rank_write(x):
    r = np.empty(6)
    r[np.argsort(x)] = np.arange(6.0)
    return np.sum(r * x)
def runtime_mask_iadd(x, m):
    y = x * 1.0
    y[m] += x[::-1][m]
    return np.sum(y ** 2 * W6)
def runtime_slice_bounds(x):
    s = 0.0
    for k in range(1, 6):
        s = s + np.sum(x[:k]) * k + np.sum(x[k::-1] ** 2) + np.sum(x[-k:])
    return s
def overlap_shift_assign(x):
    y = x.copy()
    y[1:] = y[:-1]  # NumPy copies as if through a buffer
    return np.sum(y * W6)
def overlap_iadd(x):
    y = x.copy()
    y[1:] += y[:-1]
    y += y[::-1]
    return np.sum(y ** 2 * W6)
def row_swap_trap(A):
    B = A.copy()
    B[0], B[1] = B[1], B[0]  # views: both rows end as the old B[1] in NumPy
    return np.sum(B * W12)
def row_swap_copy(A):
    B = A.copy()
    B[0], B[1] = B[1].copy(), B[0].copy()
    return np.sum(B * W12)
def row_swap_fancy(A):
    B = A.copy()
    B[[0, 1]] = B[[1, 0]]
    return np.sum(B * W12)
def element_swap(x):
    y = x.copy()
    y[0], y[5] = y[5], y[0]  # numbers, not views: a real swap
    return np.sum(y * W6)
def cumulative_in_place(x):
    y = x.copy()
    for i in range(5):
        y[i + 1] += y[i]
    return np.sum(y ** 2)
def int_array_modified(x):
    k = np.arange(6)
    k[2] = 7
    return np.sum(x[k % 6] * W6)
def mask_2d_array_value(A):
    B = A.copy()
    B[B > 0] = A[B > 0] * 2 + 1.0
    return np.sum(B ** 2 * W12)
def view_read_after_base_write(x):
    y = x.copy()
    t = y[:3]
    y[:] = y * 2  # t shows the doubled values
    return np.sum(t * np.array([1.0, 2.0, 3.0])) + np.sum(y)
def col_swap_trap(A):
    B = A.copy()
    B[:, 0], B[:, 1] = B[:, 1], B[:, 0]
    return np.sum(B * W12)
def int_from_comparison(x): return int(x[0] > 0) * x[1] + float(x[2] > 0) * x[3] + np.sum(x * int(x[4] < 0))
def runtime_negative_index(x):
    i = np.argmax(x) - 6  # a negative index computed when run
    return x[i] * 3 + np.sum(x[i:] ** 2)


_DUP = lambda: [vec(), np.array([2, 0, 2, 5])]  # noqa: E731
CASES += [
    (iadd_runtime_dupes, _DUP), (assign_runtime_dupes, _DUP), (imul_runtime_dupes, _DUP), (add_at_runtime, _DUP),
    (paired_iadd_runtime, lambda: [mat(3, 4), np.array([0, 2, 0, 0]), np.array([1, 3, 1, 1])]),
    (scatter_permutation, lambda: [vec(), np.array([3, 0, 5, 1, 4, 2])]),
    (argmax_write, lambda: [vec()]), (rank_write, lambda: [vec()]),
    (runtime_mask_iadd, lambda: [vec(), np.array([True, False, False, True, True, False])]),
    (runtime_slice_bounds, lambda: [vec()]), (overlap_shift_assign, lambda: [vec()]), (overlap_iadd, lambda: [vec()]),
    (row_swap_trap, lambda: [mat(3, 4)]), (row_swap_copy, lambda: [mat(3, 4)]), (row_swap_fancy, lambda: [mat(3, 4)]),
    (element_swap, lambda: [vec()]), (cumulative_in_place, lambda: [vec()]), (int_array_modified, lambda: [vec()]),
    (mask_2d_array_value, lambda: [mat(3, 4)]), (view_read_after_base_write, lambda: [vec()]),
    (col_swap_trap, lambda: [mat(3, 4)]), (int_from_comparison, lambda: [vec()]), (runtime_negative_index, lambda: [vec()]),
]


# --- more everyday idioms: picks, runtime-length selections, casts on write, builtins over arrays --

def pick_by_argmax(A): return np.sum(A[np.arange(3), np.argmax(A, axis=1)] * np.array([1.0, 2.0, 3.0]))
def pick_by_range(A): return np.sum(A[range(3), [1, 2, 0]] ** 2) + np.sum(A[list(range(2))] * 2)
def where_2d_index(A):
    rows, cols = np.nonzero(A > 0)
    return np.sum(A[np.where(A > 0)] ** 2) + np.sum(A[rows, cols] * 3)
def selection_length(x): return len(x[x > 0]) * np.sum(x) + x[x > 0].shape[0] * x[0]
def selection_max(x): return x[x > -0.5].max() + np.min(x[x < 0.9]) * 2
def top_k(x): return np.sum(np.sort(x)[::-1][:3] * np.array([3.0, 2.0, 1.0])) + np.sum(x[np.argsort(x)[::-1][:2]])
def flip_roll(A): return np.sum(np.flip(A, axis=0) * W12) + np.sum(np.roll(A[0], 2) * np.arange(4.0)) + np.sum(A[::-1].T[0])
def flat_index(A): return A.flat[3] * 2 + np.sum(A.flat[::5] ** 2)
def item_index(A): return A.item(3) * A.item((1, 2)) + A[2, 3].item()
def int_buffer_truncates(x):
    k = np.zeros(3, dtype=int)
    k[0] = x[0] * 10  # cast to int on the write: no derivative
    k[1:] = x[1:3] * 10
    return np.sum(k * x[:3]) + np.sum(x)
def f32_buffer_rounds(x):
    y = np.zeros(6, dtype=np.float32)
    y[:] = x * 1.1
    return np.sum(y.astype(np.float64) * W6) + np.sum(y * x)
def bool_array_write(x):
    b = x > 0
    b[0] = True
    b[1:3] = x[1:3] < 0
    return np.sum(b * x)
def builtin_max_of_scalars(x): return max(np.max(x), 0.5) + min(np.min(x), -0.1) * 2 + max(x[0], x[1], x[2])
def sorted_builtin(x): return sum(sorted(x)[:2]) + sorted(x, reverse=True)[0] * 3
def builtin_any_all(x): return any(x > 1.3) * x[0] + all(np.abs(x) < 2) * x[1] + (x[2] if any(x < 0) else 0.0)
def value_branch(x):
    s = x.sum()
    return s ** 2 if s > 0 else -s + np.sum(x ** 2)
def matmul_stacks(T, A): return np.sum((T @ A.T) ** 2) + np.sum(np.matmul(A, T.transpose(0, 2, 1)) * 0.5)
def reshape_chain(x): return np.sum(x.reshape(2, 3)[:, ::-1].ravel() * W6) + np.sum(x.reshape(3, 2).T.reshape(-1) * W6)
def inplace_int_param_safe(x, k):
    k = k + 1  # a new array: the argument stays
    return np.sum(x[k % 6] * np.arange(4.0))
def divide_by_int_array(x): return np.sum(x / np.array([1, 2, 3, 4, 5, 6])) + np.sum(np.arange(1, 7) / x ** 2)
def true_div_ints(x):
    n = 7
    m = np.int64(2)
    return x[0] * (n / m) + x[1] * (n // m) + x[2] * (n % m) + x[3] * (-n // m) + x[4] * divmod(n, 3)[1]


CASES += [
    (pick_by_argmax, lambda: [mat(3, 4)]), (pick_by_range, lambda: [mat(3, 4)]), (where_2d_index, lambda: [mat(3, 4)]),
    (selection_length, lambda: [vec()]), (selection_max, lambda: [vec()]), (top_k, lambda: [vec()]),
    (flip_roll, lambda: [mat(3, 4)]), (flat_index, lambda: [mat(3, 4)]), (item_index, lambda: [mat(3, 4)]),
    (int_buffer_truncates, lambda: [vec()]),  # the cotangent of float32 y is float32 (as JAX's): not differences
    (f32_buffer_rounds, lambda: [vec()], (0,), lambda x: [
        (x * 1.1).astype(np.float32) + (x.astype(np.float32) + W6.astype(np.float32)).astype(np.float64) * 1.1]),
    (bool_array_write, lambda: [vec()]), (builtin_max_of_scalars, lambda: [vec()]), (sorted_builtin, lambda: [vec()]),
    (builtin_any_all, lambda: [vec()]), (value_branch, lambda: [vec()]),
    (matmul_stacks, lambda: [mat(2, 3, 4), mat(3, 4)], (0, 1)), (reshape_chain, lambda: [vec()]),
    (inplace_int_param_safe, lambda: [vec(), np.array([0, 5, 2, 2])]), (divide_by_int_array, lambda: [vec()]),
    (true_div_ints, lambda: [vec()]),
]


# --- more promotion: float32 in place, scalars of each kind, integer arrays ------------------------

def f32_inplace(x):
    y = x.copy()
    y += 1e-3
    y *= np.float64(2.0)  # in place: stays float32
    return np.sum(y * x)
def f32_scalars(x):
    a = x[0] + 1.0  # a float32 scalar (Python float weak)
    b = x[1] * np.float32(2.0)
    return a * b + float(x[2]) * x[3] + np.float64(x[4]) * 2.0
def f32_sum_dtype(A): return np.sum(A, dtype=np.float64) + np.mean(A) + np.sum(A @ A.T) + np.linalg.norm(A[0])
def f32_mixed_scalar64(x, y): return np.sum(x * y[0]) + np.sum(x[0] * y)
def where_int_mask(x): return np.sum(np.where(x > 0, 1, 0) * x) + np.sum(np.where(x > 0.5, 2, -1) * x ** 2)
def int_ops(x):
    k = np.arange(-3, 3)
    return np.sum(np.abs(k) * x) + np.sum(np.clip(k, -1, 1) * x ** 2) + np.sum(k ** 2 * x) \
        + np.sum((2 ** np.abs(k)) * x) + np.sum((k // 2) * x) + np.sum((k % 4) * x)
def float_to_int_ops(x): return np.sum((x * 10).astype(np.int32) // 3 * x) + np.sum(np.floor(x * 4).astype(int) % 3 * x)
def int_mean(x):
    k = np.array([1, 2, 2, 5])
    return np.mean(k) * x[0] + np.sum(k) / len(k) * x[1] + np.median(k) * x[2] + np.std(k) * x[3]
def float_int_power(x):
    k = np.array([2, -1, 3, 0, -2, 1])
    return np.sum(np.abs(x) ** k) + np.sum(x ** 2 * k)
def f64_scalar_into_f32(x, y):
    z = x.copy()
    z[0] = y[0] * 3  # float64 into float32: rounded
    z[1:3] = y[1:3]
    return np.sum(z * x)
def bool_arith(x):
    m = x > 0
    return np.sum(m + m) * x[0] + np.sum(m * 2.5 * x) + np.sum(-m.astype(int) * x) + np.sum(m.astype(np.float32) * x)
def int_inplace_div(x):
    k = np.arange(6)
    k //= 2
    k += 1
    return np.sum(x * k) + np.sum(x[k])


CASES += [
    (f32_inplace, lambda: [f32(6)]), (f32_scalars, lambda: [f32(6)]), (f32_sum_dtype, lambda: [f32(3, 4)]),
    (f32_mixed_scalar64, lambda: [f32(6), vec()], (0, 1)), (where_int_mask, lambda: [vec()]), (int_ops, lambda: [vec()]),
    (float_to_int_ops, lambda: [vec() + 0.013]), (int_mean, lambda: [vec()]), (float_int_power, lambda: [vec()]),
    (f64_scalar_into_f32, lambda: [f32(6), vec()], (0,)), (bool_arith, lambda: [vec()]), (int_inplace_div, lambda: [vec()]),
]


# --- iteration, unpacking and augmented assignment of every kind of value --------------------

def it_enum_zip(x, A):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, x[::-1])):
        s = s + a * b * i
    return s
def it_rows_unpack(x, A):
    s = 0.0
    for a, b, c, d in A:
        s = s + a * d - b * c
    return s
def it_single_unpack(x, A):
    v, = x[0:1]
    (a, b), c = (x[0], x[1]), x[2]
    return v * a + b * c
def it_cols(x, A):
    s = 0.0
    for col in A.T:
        s = s + np.sum(col) ** 2
    return s
def it_reversed(x, A):
    s = 0.0
    for v in reversed(x):
        s = s * 0.5 + v
    for i in range(len(x) - 1, -1, -1):
        s = s + x[i] * i
    return s
def it_dict_comp(x, A):
    d = {i: x[i] ** 2 for i in range(3)}
    return sum(d.values()) + d[2]
def it_gen_builtins(x, A):
    return sum(np.sum(r) for r in A) + max(row.sum() for row in A) + any(v > 1 for v in x) * x[0]
def it_map(x, A):
    return sum(map(np.sum, A)) + sum(list(map(lambda v: v ** 2, x)))
def it_starred(x, A):
    return np.sum(np.array([*x[:2], 3.0]) ** 2) + np.sum(np.array([*x, 1.0]) * np.arange(7.0))
def it_comp_index(x, A):
    return np.sum(x[[i for i in range(3)]] ** 2) + np.sum(x[[i for i in range(6) if i % 2]])
def it_zip_star(x, A):
    s = 0.0
    for col in zip(*A):
        s = s + col[0] * col[2]
    return s
def it_enum_start(x, A):
    s = 0.0
    for k, v in enumerate(x, 1):
        s = s + k * v ** 2
    return s
def it_while(x, A):
    i, s = 0, 0.0
    while i < len(x):
        s = s + x[i] * (i + 1)
        i += 2
    return s
def it_array_row_loop_write(x, A):
    out = np.zeros_like(A)
    for i, row in enumerate(A):
        out[i] = row / np.sum(row ** 2)
    return np.sum(out * np.arange(12.0).reshape(3, 4))
def it_sorted_pairs(x, A):
    pairs = sorted(zip(x[:3], x[3:]))
    return sum(a * b for a, b in pairs)
def it_tuple_of_arrays(x, A):
    parts = (x[:2], x[2:4], x[4:])
    s = 0.0
    for p in parts:
        s = s + p[0] * p[1]
    a, b, c = parts
    return s + np.sum(a * c)
def it_range_step(x, A):
    return sum(x[i] * x[i + 1] for i in range(0, 6, 2))
def it_nditer_like(x, A):
    s = 0.0
    for (i, j), v in np.ndenumerate(A):
        s = s + v * (i - j)
    return s
def it_flat_iter(x, A):
    s = 0.0
    for v in A.flat:
        s = s + v ** 2
    return s
def flat_iter(x, A):
    s = 0.0
    for v in A.flat:
        s = s + v ** 2
    return s + sum(A.flat) + len(A.flat) * A[0, 0] + np.sum(np.array(A.flat) * 2)
def flat_T_iter(x, A):
    return sum(v * i for i, v in enumerate(A.T.flat))
def star_call(x, A):
    def f(a, b, c):
        return a * b + c
    args = (x[0], x[1], x[2])
    return f(*args) + np.sum(np.stack([*A]) ** 2) + max(*x[:3])
def zip_star_loop(x, A):
    s = 0.0
    for col in zip(*A):
        s = s + col[0] * col[2]
    return s
def unzip(x, A):
    pairs = [(x[0], x[1]), (x[2], x[3])]
    a, b = zip(*pairs)
    return a[0] * b[1] + sum(a)
def zip_star_more(x, A):
    pairs = [(x[0], x[1]), (x[2], x[3]), (x[4], x[5])]
    s = 0.0
    for a, b, c in zip(*pairs):
        s = s + a * b * c
    for i, col in enumerate(zip(*A)):
        s = s + i * np.sum(np.array(col) ** 2) + len(col * 2)
    for r, c in zip(A[0], *A[1:2]):
        s = s + r * c
    return s
def aug_list(x):
    l = [x[0], x[1]]
    l += [x[2]]
    l *= 2
    return sum(l)
def aug_tuple(x):
    t = (x[0],)
    t += (x[1], x[2])
    return t[0] * t[2] + len(t)
def aug_complex(x):
    z = x + 1j * x[::-1]
    z *= 1j
    z += 2.0
    z[0] *= 3
    return np.sum(np.abs(z))
def aug_comprehension(x):
    ys = [v * 2 for v in x]
    ys += [x[0]]
    return sum(ys)
def aug_dict(x):
    d = {"a": x[0], "b": x[:3]}
    d["a"] += 1.0
    d["b"] *= 2.0
    d["b"][0] -= x[5]
    return d["a"] * np.sum(d["b"])
def aug_masked_rows(A):
    R = A[A[:, 0] > 0]
    R *= 2.0
    R[:] = 1.0
    return np.sum(R) + np.sum(A)
def aug_T(A):
    B = A.T
    B *= 2.0   # writes A (the argument) through its view
    return np.sum(A * np.arange(12.0).reshape(3, 4))
def aug_string(x):
    s = "a"
    s += "b"
    return x[0] * len(s)
def aug_slice_of_masked(x):
    y = x[x > 0]
    y[1:] = 0.0
    return np.sum(y)
def aug_int_scalar(x):
    k = 0
    k += 2
    k //= 2
    k <<= 1
    return x[k]
def aug_matmul(A):
    B = A[:, :3].copy()
    B @= B.T
    return np.sum(B)
def aug_element_tuple_index(A):
    B = A.copy()
    B[(0, 1)] += 3.0
    B[0, ...] *= 2
    B[..., 1] -= A[:, 0]
    B[None, 0] += 1.0
    return np.sum(B ** 2)


CASES += [
    (it_enum_zip, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_rows_unpack, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_single_unpack, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_cols, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_reversed, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_dict_comp, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_gen_builtins, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_map, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_starred, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_comp_index, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_zip_star, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_enum_start, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_while, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_array_row_loop_write, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_sorted_pairs, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_tuple_of_arrays, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_range_step, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_nditer_like, lambda: [vec(), mat(3, 4)], (0, 1)),
    (it_flat_iter, lambda: [vec(), mat(3, 4)], (0, 1)),
    (flat_iter, lambda: [vec(), mat(3, 4)], (0, 1)),
    (flat_T_iter, lambda: [vec(), mat(3, 4)], (0, 1)),
    (star_call, lambda: [vec(), mat(3, 4)], (0, 1)),
    (zip_star_loop, lambda: [vec(), mat(3, 4)], (0, 1)),
    (unzip, lambda: [vec(), mat(3, 4)], (0, 1)),
    (zip_star_more, lambda: [vec(), mat(3, 4)], (0, 1)),
    (aug_list, lambda: [vec()]),
    (aug_tuple, lambda: [vec()]),
    (aug_complex, lambda: [vec()]),
    (aug_comprehension, lambda: [vec()]),
    (aug_dict, lambda: [vec()]),
    (aug_masked_rows, lambda: [mat(3, 4)]),
    (aug_T, lambda: [mat(3, 4)]),
    (aug_string, lambda: [vec()]),
    (aug_slice_of_masked, lambda: [vec()]),
    (aug_int_scalar, lambda: [vec()]),
    (aug_matmul, lambda: [mat(3, 4)]),
    (aug_element_tuple_index, lambda: [mat(3, 4)]),
]


# --- the checks (api_probe2's, with copies of the arguments and the expected gradients above) -----

def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _jax_twin():
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
    except Exception:  # noqa: BLE001
        return None
    g = dict(globals(), np=jnp)

    def twin(f, wrt):
        return jax.grad(types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__), argnums=wrt)
    return twin


def probe(fun, make, wrt, expect, twin, compiled):
    args = make()
    ref = fun(*_copies(args))
    plain = lambda *a: fun(*_copies(a))  # noqa: E731
    if expect is not None:
        numeric = expect(*_copies(args))
    else:
        numeric = [numerical_gradient(plain, args, k, eps=1e-6) for k in wrt]
    jax_grads = None
    if twin is not None and expect is None and not any(getattr(a, "dtype", None) == np.float32 for a in args):
        try:
            jax_grads = [np.asarray(v) for v in twin(fun, wrt)(*_copies(args))]
            if not all(np.all(np.isfinite(v)) for v in jax_grads) \
                    or max(relative_error(j, n) for j, n in zip(jax_grads, numeric)) > 1e-8:
                jax_grads = None  # JAX's nan, a different convention, or float32 (jnp.mean of a bool array)
        except Exception:  # noqa: BLE001
            jax_grads = None
    paths = [("lowered", _lowered), ("readable", _readable)] + ([("compiled", _compiled)] if compiled else [])
    problems = []
    try:
        for name, run in paths:
            value, grads = run(fun, _copies(args), wrt)
            if expect is None:
                problems += _compare(name, fun, args, wrt, value, grads, ref, numeric, jax_grads)
                continue
            problems += _compare(name, fun, args, wrt, value, [np.zeros(np.shape(args[k])) for k in wrt], ref,
                                 [np.zeros(np.shape(args[k])) for k in wrt], None)
            for k, g, e in zip(wrt, grads, numeric):
                if np.shape(g) != np.shape(e) or not np.allclose(g, e, rtol=1e-9, atol=1e-12, equal_nan=True):
                    problems.append(f"{name} d/darg{k} {np.asarray(g).tolist()} != documented {np.asarray(e).tolist()}")
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
    twin = _jax_twin()
    tally: dict = {}
    import warnings
    warnings.simplefilter("ignore")
    for n, case in enumerate(CASES):
        fun, make = case[0], case[1]
        wrt = case[2] if len(case) > 2 else (0,)
        expect = case[3] if len(case) > 3 else None
        if argv and not any(w in fun.__name__ for w in argv):
            continue
        t0 = time.perf_counter()
        kind, msg, jaxed = probe(fun, make, wrt, expect, twin, compiled_every and n % compiled_every == 0)
        tally[kind] = tally.get(kind, 0) + 1
        print(f"{fun.__name__:28s} {kind:9s} {'jax' if jaxed else '   '} {time.perf_counter() - t0:5.1f}s {msg[:300]}",
              flush=True)
    print("tally:", ", ".join(f"{k} {v}" for k, v in sorted(tally.items())), f"(of {sum(tally.values())})")
    return 0 if set(tally) <= {"ok", "refused"} else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
