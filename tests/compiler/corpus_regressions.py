"""Programs that once got a wrong gradient with no error, or an internal compiler error (issue 9),
and their siblings: the whole class each one stands for."""
import numpy as np


def rows_written_then_read(w, state):
    """A row written, then bound to a name and carried into the next inner iteration."""
    h = state.copy()
    for t in range(2):
        x = w * 1.0
        for i in range(2):
            h[i] = h[i] * x
            x = h[i]
    return np.sum(h)


def rows_written_then_read_deeper(w, state):
    h = state.copy()
    for t in range(3):
        x = np.tanh(w)
        for i in range(state.shape[0]):
            h[i] = np.tanh(h[i] * x + 0.1)
            x = h[i]
        h[0] = h[0] + x
    return np.sum(h * h)


def columns_written_then_read(w, state):
    h = state.copy()
    for t in range(2):
        x = w * 1.0
        for i in range(2):
            h[:, i] = h[:, i] * x
            x = h[:, i]
    return np.sum(h)


def view_carried_through_branch(w, state):
    """A view (or a fresh value) merged by a branch and carried: the phi must own its buffer."""
    h = state.copy()
    x = w * 1.0
    for i in range(state.shape[0]):
        half = x * 0.5
        h[i] = np.tanh(h[i] * x)
        if np.sum(h[i]) > 0.0:
            x = h[i]
        else:
            x = half
    return np.sum(h * h) + np.sum(x)


def assign_before_break(x, a):
    for i in range(5):
        y = x + a
        if i == 2:
            x = y
            break
        x = y
    return x * x


def assign_copy_before_break(x, a):
    for i in range(5):
        y = x + a
        if i == 2:
            x = y * 1.0
            break
        x = y
    return x * x


def assign_before_continue(x, a):
    s = 0.0
    for i in range(5):
        y = x * a
        if i % 2 == 0:
            s = y
            continue
        s = s + y
    return s * x


def assign_before_break_in_while(x, a):
    i = 0
    while i < 10:
        y = x + a
        if i == 3:
            x = y
            break
        x = y
        i = i + 1
    return x * x


def branch_passes_outer_value(x, a):
    y = x * a
    s = 0.0
    for i in range(3):
        if i == 1:
            s = y
        else:
            s = s + x
    return s * s


def loop_yields_outer_value(x, a):
    y = np.sin(a) * x
    s = x
    for i in range(3):
        s = y
    return s * s


def array_assign_before_break(x, a):
    h = x * 1.0
    for i in range(4):
        y = np.tanh(h + a)
        if (np.sum(y) > 10.0) | (i == 2):
            h = y
            break
        h = y
    return np.sum(h * h)


def convolution(k, x):
    L = x.shape[0] - k.shape[0] + 1
    out = np.zeros(L)
    for j in range(k.shape[0]):
        out = out + k[j] * x[j:j + L]
    return np.sum(out * out)


def convolution_inplace(k, x):
    L = x.shape[0] - k.shape[0] + 1
    out = np.zeros(L)
    for j in range(k.shape[0]):
        out += k[j] * x[j:j + L]
    return np.sum(np.tanh(out))


def sliding_window(x, w):
    K = w.shape[0]
    s = 0.0
    for i in range(x.shape[0] - K + 1):
        s = s + np.sum(x[i:i + K] * w) ** 2
    return s


# --- NumPy sharing that adjit cannot follow: rejected at the write, never silently different


def view_read_after_base_written(h0):
    h = h0 * 1.0
    x = h[0]
    h[0] = 2.0 * x
    return np.sum(x)


def second_name_read_after_inplace_add(x):
    y = x * 1.0
    z = y
    z += 1.0
    return np.sum(y * x)


def view_carried_read_after_write(h0):
    h = h0 * 1.0
    for t in range(2):
        x = h[0]
        h[0] = 2.0 * x
        h[1] = x + h[1]
    return np.sum(h)


def view_merged_by_branch_then_base_written(w, state):
    h = state.copy()
    x = w * 1.0
    for i in range(state.shape[0]):
        if np.sum(h[i]) > 0.0:
            x = h[i]
        else:
            x = x * 0.5
        h[i] = h[i] + x
    return np.sum(h * h) + np.sum(x)


def written_then_rebound_adjoint(x, W):
    """Found by the fuzzer: the adjoint of x after `x[1] = ...` lived in place under the name dx,
    and the readable source reused `dx` for another value while it was still read."""
    x = 0.5 * x + (np.maximum(x, x) - (W[-1] * 0.5 + x * 0.25))
    x[1] = 0.0
    return np.sum(W[:, 0] * W[:, 0] * 2.0 * W[:, 0]) - 1.2 * np.dot(x, x)


def shift_along_one_axis(x):
    x = x * 1.0
    x[1:] = x[:-1]
    return np.sum(x * x * np.arange(5.0))


def rows_shifted(W):
    W = W * 1.0
    W[1:] = W[:-1]
    return np.sum(W * W * np.arange(9.0).reshape(3, 3))


def row_from_own_column(W):
    W = W * 1.0
    W[1] = W[:, -1]
    return np.sum(W * W)


def float32_state_promoted_in_while(x, W, s):
    """Found by the fuzzer (float32): W becomes float64 through np.outer of float32 x and the carried
    W; the lowered JVP's fused loop overwrote W while an np.outer inlined into it still read W[0]."""
    c3 = 0
    while c3 < 2:
        c3 += 1
        W = np.tanh(W + np.full((3, 3), 0.5) @ np.outer(x[:3], W[0]))
    return W[0, -1] + x[1] + s


def view_read_after_possible_break(x, W):
    """Found by the fuzzer: a view taken in a loop body, read in the statements after a possible
    `break` (lowered into a branch); the branch's zero adjoint re-derived the view's index outside
    the branch's scope (an internal compiler error)."""
    h1 = np.zeros(4)
    for i3 in range(W.shape[0]):
        r4 = W[:, i3 % 3]
        if np.sum(h1) > 100.0:
            break
        h1[i3 - 1] = r4[i3] * 0.25
    return np.dot(h1, h1) + np.sum(x)


def carried_state_row_written(x, W, s):
    """Fuzzer case 008 (seed 7, program 155, shrunk by hand): dx was about 7% off. The cotangents of
    h1 and W at the result are both 0.5 everywhere; CSE merged them, and the two loop-carried
    adjoints took over one array, so `dh1[1] += ...` also changed dW."""
    h1 = np.ones((2, 3))
    for c4 in range(3):
        W = 0.5 * h1
        h1[1] = np.exp(0.5 * np.tanh(W[1] + x))
        s = s + np.tanh(np.sum(h1[1]))
    return s + np.sum(h1 * 0.5 + 0.5 * W)


def likes_of_numbers(x):
    """np.zeros_like / ones_like / full_like of a number (an item of x): NumPy's 0-d array, used
    as a number (its lowered code read `.shape` of a float: a Numba typing error)."""
    z = np.zeros_like(x[0])
    for i in range(3):
        z = z + x[i] ** 2
    o = np.ones_like(np.sum(x)) * 2
    return z * o + np.full_like(x[1], 3.0) * x[2]


def add_at_of_itself(x, W):
    """np.add.at(x, idx, x) in a loop: NumPy reads the values as they were before the call (the
    lowered helper read rows it had already written: 0.90 for 0.88, a gradient of the wrong sign;
    fuzz seed 9402, program 421)."""
    for _ in W:
        np.add.at(x, np.array([-4, 1, 3, 2]), x)
    y = x * 1.0
    y[1:] += y[:-1]
    return np.sum(x ** 2) + np.sum(y)


def tapes_named_alike(x, W, b):
    """Fuzz seed 9405, program 659: the tape of `v1` (counter 3) and an unnamed value (counter 13)
    were both named `_tape_v13`: two tapes under one name (a SyntaxError in the lowered module)."""
    import scipy.stats
    W = 0.5 * W + np.tanh(W)
    v1 = (W[:, 1] + W[:, 3]) * (W[0, 1] * b[:, -1])
    for i2 in range(4):
        c = scipy.stats.halfcauchy.logcdf(np.exp(0.5 * np.tanh(x[1])))
        v1 = c * v1[1:] + (1.0 - c) * v1[:-1]
    t3 = v1[0]
    v4 = (b[:, -1] @ W) * np.array([v7 for i6, v7 in enumerate(x)])
    for i5 in range(4):
        v4 = (-0.7 + t3) * v4[1:] + 0.45 * v4[:-1]
    t8 = v4[0]
    x[0] += t8
    return t3 + W[1, 0]


def power_of_zero(c, x):
    """d(0 ** c)/dc is 0 for c > 0 (0 ** c is 0 for every such c); log(0) * 0 made it NaN."""
    return np.sum(x ** c) + np.sum((x * 2.0) ** (c * c))


def branch_not_taken(p, x):
    """np.where's branch not taken: its log or sqrt has an inf or nan derivative there, times the
    zero cotangent (0 * inf is nan): the gradient is 0 there."""
    return (-np.sum(np.where(p > 0, p * np.log(p), 0.0)) + np.sum(np.where(x > 0, np.log(x) ** 2, 0.0))
            + np.sum(np.where(x > 0.4, np.sqrt(x - 0.4), 0.0)))
