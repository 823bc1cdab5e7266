"""Small user functions exercised by the API, broadcasting, float32 and error tests."""
import math

import numpy as np

SCALE = 0.5
GLOBAL_ARRAY = np.ones(3)


def seed_loss(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def seed_loss_named(W1, b1, W2, b2, x, t):
    z1 = W1 @ x + b1
    h = np.tanh(z1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def rebinding(x, y):
    h = x * y
    h = np.sin(h) + h
    h = h * SCALE
    a, b = x.shape
    return np.sum(h) / (a * b)


def helper_square(v):
    return v * v


def helper_user(x, w):
    return np.sum(helper_square(x * w) + np.exp(-x))


def keepdims_norm(x):
    m = x - np.mean(x, axis=1, keepdims=True)
    return np.sum(m * m / np.sum(x * x, axis=-1, keepdims=True))


def scalar_only(a, b):
    return math.exp(a) * b + a / b


def two_dtypes(x, y):
    return np.sum(x * y)


def unused_arg(x, y):
    return np.sum(x * 2.0)


def returns_param_sum(x):
    return np.sum(x)


def returns_vector(x):
    return x * 2.0


def uses_if(x):
    if np.sum(x) > 0:
        return np.sum(x)
    return np.sum(-x)


def uses_try(x):
    try:
        y = x
    except ValueError:
        y = x
    return np.sum(y)


def unknown_function(x):
    return np.sum(np.roots(x))


def undefined_name(x):
    return np.sum(x * not_defined_anywhere)  # noqa: F821


def captures_global_array(x):
    return np.sum(x * GLOBAL_ARRAY)


def matmul_mismatch(a, b):
    return np.sum(a @ b)


def bcast_mismatch(a, b):
    h = a + b
    return np.sum(h)


def writes_element(x):
    x[0] = 1.0
    return np.sum(x)


def recursive(x):
    return recursive(x)


def prints(x):
    print(x)
    return np.sum(x)


def slice_of_rebound(x):
    z = x * 2
    z = z[1:]
    return np.sum(z * z)


def sum_of_scalars(x, y):
    return np.sum(x * x * y) + np.mean(x * y).sum()


def returns_in_loop(x):
    s = 0.0
    for i in range(3):
        s = s + x[i]
        if s > 1.0:
            return s
    return s


def loop_local_used_after(x):
    for i in range(3):
        y = x * i
    return np.sum(y)


def one_branch_only(x):
    if np.sum(x) > 0:
        y = x * 2.0
    return np.sum(y)


def shape_changing_loop(x):
    h = x
    for i in range(2):
        h = h[1:]
    return np.sum(h)


def shape_changing_branch(x):
    h = x
    if np.sum(x) > 0:
        h = x[1:]
    return np.sum(h)


def rank_changing_loop(x):
    h = x
    for i in range(2):
        h = np.sum(h)
    return h


def array_condition(x):
    if x > 0:
        return np.sum(x)
    return np.sum(-x)


def uses_generator(x):
    return sum(v * v for v in x)


def defines_closure(x):
    def inner(v):
        return v * x
    return np.sum(inner(x))


COUNTER = 0


def writes_global(x):
    global COUNTER
    return np.sum(x)


def helper_with_bad_shapes(a, b):
    return a + b


def calls_bad_helper(x, y):
    z = helper_with_bad_shapes(x, y)
    return np.sum(z)


def long_elementwise_loss(x, w):
    a = np.tanh(x * w) + 0.5 * np.exp(-x * x)
    b = np.log1p(a * a) * w - np.sin(x) * 0.3
    c = np.sqrt(b * b + 1.0) + np.abs(x) * 0.1
    return np.sum(c * c) + np.mean(a * b) + np.max(c)


def writes_through_alias(x):
    y = x
    y[0] = 5.0
    return np.sum(x * x)


def writes_through_view(x):
    y = x[1:]
    y[0] = 5.0
    return np.sum(x * x)


def writes_through_view_then_rebinds(x):
    y = x[1:]
    y[0] = 5.0
    x = x * 2.0
    return np.sum(y * x[1:])


def writes_into_copy(x):
    y = x.copy()
    y[0] = 5.0
    return np.sum(x * x) + np.sum(y)


def loop_writes_through_alias(x):
    y = x
    for i in range(2):
        y[i] = y[i] * 2.0
    return np.sum(x)


def bias_tanh_square(x, b):
    """The adjoint of x + b with b a row: db accumulates in the same fused loop as dz."""
    z = x + b
    return np.sum(np.tanh(z) ** 2)


def softmax_rows(z, y):
    """Row-wise stable softmax cross-entropy: reductions over the last axis, exp and log."""
    s = z - np.max(z, axis=1, keepdims=True)
    logp = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return -np.mean(np.sum(y * logp, axis=1))
