"""Programs with branches, loops, in-place writes and helper calls: the control-flow corpus."""
import math

import numpy as np


def branch_on_data(x, w):
    s = np.sum(x * w)
    if s > 0:
        y = np.tanh(s) * x
    else:
        y = s * s * w
    return np.sum(y)


def elif_chain(x):
    s = np.sum(x)
    if s > 1.0:
        r = s * 2.0
    elif s > -1.0:
        r = np.sin(s)
    else:
        r = -s
    return r


def early_return(x, a):
    s = np.sum(x * a)
    if s < 0:
        return s * s
    t = np.exp(-s) * a
    return np.sum(t * x)


def euler(k, c, x0, n):
    x = x0
    v = 0.0
    dt = 0.01
    for i in range(n):
        acc = -k * x - c * v
        x = x + dt * v
        v = v + dt * acc
    return x * x + v


def nested_loops(x):
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(i, x.shape[1]):
            total = total + x[i, j] * x[j % x.shape[0], i]
    return total


def recurrence(x, a):
    y = np.zeros(x.shape[0])
    prev = 0.0
    for i in range(x.shape[0]):
        prev = np.tanh(a * prev + x[i])
        y[i] = prev
    return np.sum(y * y)


def recurrence_reads_array(x, a):
    y = np.zeros(x.shape[0])
    y[0] = np.tanh(x[0])
    for i in range(1, x.shape[0]):
        y[i] = np.tanh(a * y[i - 1] + x[i])
    return np.sum(y)


def logsumexp_loop(a):
    m = a[0]
    for i in range(a.shape[0]):
        m = max(m, a[i])
    s = 0.0
    for i in range(a.shape[0]):
        s += np.exp(a[i] - m)
    return m + np.log(s)


def logsumexp_vectorized(a):
    m = np.max(a)
    return m + np.log(np.sum(np.exp(a - m)))


def newton_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
    return x


def rnn(Wx, Wh, b, h0, xs):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wx @ xs[t] + Wh @ h + b)
        loss = loss + np.sum(h * h)
    return loss


def rows_loop(x, w):
    total = 0.0
    for row in x:
        total = total + np.sum(np.sin(row * w))
    return total


def rows_vectorized(x, w):
    return np.sum(np.sin(x * w))


def column_writes(x):
    out = np.zeros((x.shape[0], 3))
    for k in range(3):
        out[:, k] = x * (k + 1.0)
    out[1, 2] += x[0] * 5.0
    return np.sum(out * out)


def break_continue(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] < 0:
            continue
        s = s + x[i] * x[i]
        if s > 3.0:
            break
    return s


def while_adaptive(y0, k):
    y = y0
    t = 0.0
    h = 0.1
    while t < 1.0:
        y = y + h * (-k * y)
        t = t + h
        h = h * 1.1
    return y


def helper_step(x, w):
    return np.tanh(x * w)


def calls_helper_in_loop(x, w):
    h = x
    for i in range(3):
        h = helper_step(h, w)
    return np.sum(h)


def math_loop(a):
    s = 0.0
    for i in range(5):
        s = s + math.sin(a * i)
    return s


def newton_for_else(a, x0):
    """A loop's `else:` runs when no `break` ended the loop (here: never converged)."""
    x = x0
    for it in range(50):
        dx = (x * x - a) / (2 * x)
        x = x - dx
        if abs(dx) < 1e-12:
            break
    else:
        x = x * 0.0 + 99.0
    return x


def while_else(a, x0):
    x = x0
    k = 0
    while k < 3:
        x = x * a
        k += 1
    else:
        x = x + np.sin(a)
    return x


def search_for_else(v, t):
    total = 0.0
    for i in range(v.shape[0]):
        for j in range(2):  # an inner loop's break is its own
            if v[i] * j > 10.0:
                break
        if v[i] > t:
            total = total + v[i] ** 2
            break
    else:
        total = np.sum(v * v * v)
    return total


def else_breaks_outer(v, t):
    s = 0.0
    for r in range(3):
        for i in range(v.shape[0]):
            if v[i] > t + r:
                s = s + v[i]
                break
        else:
            s = s * 2.0
            break
        s = s + np.tanh(v[r])
    return s
