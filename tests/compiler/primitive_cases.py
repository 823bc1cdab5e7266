"""One or more small functions per differentiable primitive: the test rows of the primitives table."""
import math

import numpy as np

R = np.random.default_rng(7)


def normal(*shape):
    return R.standard_normal(shape)


def positive(*shape):
    return R.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    return R.uniform(0.3, 1.5, shape) * R.choice([-1.0, 1.0], shape)


# each: primitive name -> list of (function, args maker, wrt)
def add_bcast(x, y, u): return np.sum(u * (x + y))
def add_scalar(x, s, u): return np.sum(u * (s + x))
def sub_rowcol(x, y, u): return np.sum(u * (x - y))
def mul_bcast(x, y, u): return np.sum(u * (x * y))
def div_arrays(x, y, u): return np.sum(u * (x / y))
def div_scalar(x, s, u): return np.sum(u * (s / x))
def pow_array(x, p, u): return np.sum(u * x ** p)
def pow_const(x, u): return np.sum(u * x ** 3) + np.sum(u * x ** 2.5)
def pow_scalar_exp(x, s, u): return np.sum(u * x ** s)
def maximum_(x, y, u): return np.sum(u * np.maximum(x, y))
def minimum_(x, y, u): return np.sum(u * np.minimum(x, 0.1 * y))
def where_(x, y, u): return np.sum(u * np.where(x > 0, x * y, y))
def clip_(x, lo, hi, u): return np.sum(u * np.clip(x, lo, hi))
def clip_const(x, u): return np.sum(u * np.clip(x, -0.5, 0.5))
def neg_(x, u): return np.sum(u * -x)
def exp_(x, u): return np.sum(u * np.exp(x))
def log_(x, u): return np.sum(u * np.log(x))
def log1p_(x, u): return np.sum(u * np.log1p(x))
def expm1_(x, u): return np.sum(u * np.expm1(x))
def sqrt_(x, u): return np.sum(u * np.sqrt(x))
def cbrt_(x, u): return np.sum(u * np.cbrt(x))  # negative x too
def square_(x, u): return np.sum(u * np.square(x))
def sin_(x, u): return np.sum(u * np.sin(x))
def cos_(x, u): return np.sum(u * np.cos(x))
def tan_(x, u): return np.sum(u * np.tan(x))
def tanh_(x, u): return np.sum(u * np.tanh(x))
def sinh_(x, u): return np.sum(u * np.sinh(x))
def cosh_(x, u): return np.sum(u * np.cosh(x))
def arctan_(x, u): return np.sum(u * np.arctan(x))
def abs_(x, u): return np.sum(u * np.abs(x))
def arctan2_(y, x, u): return np.sum(u * np.arctan2(y, x)) + math.atan2(y[0, 1], x[2])
def astype_(x, u): return np.sum(u * x.astype(np.float64))
def math_scalars(a, b): return math.exp(a) * math.sin(b) + math.sqrt(a) * math.tanh(b) + math.log(a) - math.cos(a * b) + abs(b) ** 1.5
def sum_all(x): return np.sum(x * x)
def sum_axis(x, u): return np.sum(u * np.sum(x, axis=1))
def sum_neg_keep(x, u): return np.sum(u * np.sum(x, axis=-1, keepdims=True))
def sum_tuple(x, u): return np.sum(u * x.sum(axis=(0, 2)))
def mean_(x, u): return np.sum(u * np.mean(x, axis=0)) + x.mean()
def mean_keep(x, u): return np.sum(u * np.mean(x, axis=(1, 2), keepdims=True))
def max_(x, u): return np.sum(u * np.max(x, axis=1)) + x.max()
def min_(x, u): return np.sum(u * np.min(x, axis=0, keepdims=True)) + np.min(x)
def matmul_mm(a, b, u): return np.sum(u * (a @ b))
def matmul_mv(a, v, u): return np.sum(u * (a @ v))
def matmul_vm(v, b, u): return np.sum(u * np.matmul(v, b))
def dot_vv(v, w): return np.dot(v, w) * 2.0
def dot_scalar(v, s, u): return np.sum(u * np.dot(s, v))
def outer_(v, w, u): return np.sum(u * np.outer(v, w))
def transpose_T(a, u): return np.sum(u * a.T)
def transpose_axes(a, u): return np.sum(u * np.transpose(a, (2, 0, 1)))
def transpose_method(a, u): return np.sum(u * a.transpose(1, 0, 2))
def reshape_(a, u): return np.sum(u * a.reshape(4, -1))
def reshape_shape(a, u): return np.sum(u * np.reshape(a, (a.shape[0] * a.shape[1],)))
def broadcast_to_(v, u): return np.sum(u * np.broadcast_to(v, (3, 4)))
def expand_dims_(v, u): return np.sum(u * np.expand_dims(v, 0))
def getitem_int(a, u): return np.sum(u * a[1]) + a[-1, 2]
def getitem_slices(a, u): return np.sum(u * a[:, 1:3]) + np.sum(a[::2, -2:] ** 2)
def getitem_none(a, u): return np.sum(u * a[:, None, 1:])
def full_(s, u): return np.sum(u * np.full((3, 4), s))
def concatenate_(a, b, u): return np.sum(u * np.concatenate([a, b], axis=1))
def stack_arrays(a, b, u): return np.sum(u * np.stack((a, b), axis=1))
def stack_scalars(s, t, u): return np.sum(u * np.array([[s, -t], [t, s]]))
def diagonal_(x, u): return np.sum(u * np.diagonal(x, 1)) + np.trace(x)
def diag_embed_(v, u): return np.sum(u * np.diag(v, -1))
def gather_rows(a, idx, u): return np.sum(u * a[idx])
def gather_pair(a, rows, cols, u): return np.sum(u * a[:, rows, cols]) + np.sum(a[rows, 1:, cols] ** 2)


def index_update_array(x, v, idx, u):
    y = x * 1.0
    y[idx] = v
    y[idx] += v * v
    return np.sum(u * y)


def index_update_(x, v, u):
    y = x * 1.0
    y[1] = v
    y[:, 0] = v[2] * 3.0
    return np.sum(u * y)


def index_update_aug(x, s, u):
    y = x * 2.0
    y[1:3, 1] += s
    y[0] *= s
    return np.sum(u * y * y)


CASES = {
    "add": [(add_bcast, lambda: (normal(3, 4), normal(4), normal(3, 4)), (0, 1)),
            (add_scalar, lambda: (normal(3, 4), 0.7, normal(3, 4)), (0, 1))],
    "sub": [(sub_rowcol, lambda: (normal(3, 1), normal(1, 4), normal(3, 4)), (0, 1))],
    "mul": [(mul_bcast, lambda: (normal(2, 3, 4), normal(3, 1), normal(2, 3, 4)), (0, 1))],
    "div": [(div_arrays, lambda: (normal(3, 4), away_from_zero(3, 4), normal(3, 4)), (0, 1)),
            (div_scalar, lambda: (away_from_zero(5), 1.3, normal(5)), (0, 1))],
    "pow": [(pow_array, lambda: (positive(3, 4), normal(3, 4), normal(3, 4)), (0, 1)),
            (pow_const, lambda: (positive(6), normal(6)), (0,)),
            (pow_scalar_exp, lambda: (positive(6), 1.7, normal(6)), (0, 1))],
    "maximum": [(maximum_, lambda: (normal(3, 4), normal(4), normal(3, 4)), (0, 1))],
    "minimum": [(minimum_, lambda: (normal(3, 4), normal(3, 4), normal(3, 4)), (0, 1))],
    "where": [(where_, lambda: (away_from_zero(3, 4), normal(3, 4), normal(3, 4)), (0, 1))],
    "clip": [(clip_, lambda: (np.linspace(-2, 2, 12).reshape(3, 4) + 0.05, -0.77, 0.61, normal(3, 4)), (0, 1, 2)),
             (clip_const, lambda: (np.linspace(-1, 1, 10) + 0.013, normal(10)), (0,))],
    "neg": [(neg_, lambda: (normal(4), normal(4)), (0,))],
    "exp": [(exp_, lambda: (normal(3, 4), normal(3, 4)), (0,)),
            (math_scalars, lambda: (1.3, 0.4), (0, 1))],
    "log": [(log_, lambda: (positive(3, 4), normal(3, 4)), (0,))],
    "log1p": [(log1p_, lambda: (positive(5) - 0.4, normal(5)), (0,))],
    "expm1": [(expm1_, lambda: (normal(5), normal(5)), (0,))],
    "sqrt": [(sqrt_, lambda: (positive(5), normal(5)), (0,))],
    "cbrt": [(cbrt_, lambda: (away_from_zero(5), normal(5)), (0,))],
    "square": [(square_, lambda: (normal(5), normal(5)), (0,))],
    "sin": [(sin_, lambda: (normal(5), normal(5)), (0,))],
    "cos": [(cos_, lambda: (normal(5), normal(5)), (0,))],
    "tan": [(tan_, lambda: (R.uniform(-1.2, 1.2, 5), normal(5)), (0,))],
    "tanh": [(tanh_, lambda: (normal(3, 4), normal(3, 4)), (0,))],
    "sinh": [(sinh_, lambda: (normal(5), normal(5)), (0,))],
    "cosh": [(cosh_, lambda: (normal(5), normal(5)), (0,))],
    "arctan": [(arctan_, lambda: (normal(5), normal(5)), (0,))],
    "arctan2": [(arctan2_, lambda: (away_from_zero(3, 4), away_from_zero(4), normal(3, 4)), (0, 1))],
    "abs": [(abs_, lambda: (away_from_zero(5), normal(5)), (0,))],
    "astype": [(astype_, lambda: (normal(5), normal(5)), (0,))],
    "sum": [(sum_all, lambda: (normal(3, 4),), (0,)),
            (sum_axis, lambda: (normal(3, 4), normal(3)), (0,)),
            (sum_neg_keep, lambda: (normal(3, 4), normal(3, 1)), (0,)),
            (sum_tuple, lambda: (normal(2, 3, 4), normal(3)), (0,))],
    "mean": [(mean_, lambda: (normal(3, 4), normal(4)), (0,)),
             (mean_keep, lambda: (normal(2, 3, 4), normal(2, 1, 1)), (0,))],
    "max": [(max_, lambda: (normal(3, 4), normal(3)), (0,))],
    "min": [(min_, lambda: (normal(3, 4), normal(1, 4)), (0,))],
    "matmul": [(matmul_mm, lambda: (normal(3, 4), normal(4, 2), normal(3, 2)), (0, 1)),
               (matmul_mv, lambda: (normal(3, 4), normal(4), normal(3)), (0, 1)),
               (matmul_vm, lambda: (normal(4), normal(4, 2), normal(2)), (0, 1)),
               (dot_vv, lambda: (normal(5), normal(5)), (0, 1)),
               (dot_scalar, lambda: (normal(5), 0.3, normal(5)), (0, 1))],
    "outer": [(outer_, lambda: (normal(3), normal(4), normal(3, 4)), (0, 1))],
    "transpose": [(transpose_T, lambda: (normal(3, 4), normal(4, 3)), (0,)),
                  (transpose_axes, lambda: (normal(2, 3, 4), normal(4, 2, 3)), (0,)),
                  (transpose_method, lambda: (normal(2, 3, 4), normal(3, 2, 4)), (0,))],
    "reshape": [(reshape_, lambda: (normal(2, 6), normal(4, 3)), (0,)),
                (reshape_shape, lambda: (normal(3, 4), normal(12)), (0,))],
    "broadcast_to": [(broadcast_to_, lambda: (normal(4), normal(3, 4)), (0,))],
    "expand_dims": [(expand_dims_, lambda: (normal(4), normal(1, 4)), (0,))],
    "getitem": [(getitem_int, lambda: (normal(3, 4), normal(4)), (0,)),
                (getitem_slices, lambda: (normal(5, 4), normal(5, 2)), (0,)),
                (getitem_none, lambda: (normal(3, 4), normal(3, 1, 3)), (0,))],
    "full": [(full_, lambda: (0.8, normal(3, 4)), (0,))],
    "concatenate": [(concatenate_, lambda: (normal(3, 2), normal(3, 4), normal(3, 6)), (0, 1))],
    "stack": [(stack_arrays, lambda: (normal(3, 4), normal(3, 4), normal(3, 2, 4)), (0, 1)),
              (stack_scalars, lambda: (0.7, -1.2, normal(2, 2)), (0, 1))],
    "diagonal": [(diagonal_, lambda: (normal(3, 4), normal(3)), (0,))],
    "diag_embed": [(diag_embed_, lambda: (normal(3), normal(4, 4)), (0,))],
    "gather": [(gather_rows, lambda: (normal(4, 3), np.array([3, 0, 3, -1]), normal(4, 3)), (0,)),
               (gather_pair, lambda: (normal(4, 4, 3), np.array([0, 3, 3]), np.array([2, -1, 2]), normal(4, 3)), (0,))],
    "index_update": [(index_update_, lambda: (normal(3, 4), normal(4), normal(3, 4)), (0, 1)),
                     (index_update_aug, lambda: (normal(3, 4), 0.6, normal(3, 4)), (0, 1)),
                     (index_update_array, lambda: (normal(5), normal(3), np.array([4, 0, 4]), normal(5)), (0, 1))],
}

# Test rows of the newer families live beside them (one module per family), merged here.
from primitive_cases_special import CASES as _SPECIAL  # noqa: E402
from primitive_cases_scans import CASES as _SCANS  # noqa: E402
from primitive_cases_linalg import CASES as _LINALG  # noqa: E402

for _part in (_SPECIAL, _SCANS, _LINALG):
    for _name, _rows in _part.items():
        CASES.setdefault(_name, []).extend(_rows)

# Primitives adjit emits itself and a user cannot write: checked by building IR directly.
INTERNAL = {"index_add"}
# the calls of adjit.custom_vjp / custom_jvp functions (tests/test_custom_rules.py): each has one mode only
INTERNAL |= {"custom_vjp_call", "custom_jvp_call"}
INTERNAL |= {"pin_extent"}  # emitted by the builder for run-time extents: tests/compiler/test_run_time_extents.py
INTERNAL |= {"cofactor"}  # det's derivative (primitives/linalg.py): first and second order in test_probe_semantics7.py
INTERNAL |= {"cofactor_jvp"}  # det's second derivative: tests/test_second_singular.py
INTERNAL |= {"eig_bar_re", "eig_bar_im", "eig_dot_re", "eig_dot_im"}  # eigvals' rule rows: tests/compiler/test_eigvals.py
INTERNAL |= {"require_tall"}  # np.linalg.svd of a run-time row count: tests/compiler/test_matfuncs.py
