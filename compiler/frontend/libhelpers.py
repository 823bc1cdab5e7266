"""Library functions whose algorithm is a short loop, written as the plain NumPy adjit compiles and
inlined where they are called, as a user's helper is (frontend/signalforms.py sends the calls
here): their adjoints come from the same rules as everything else, and the generated source shows
these lines. Never NumPy's or SciPy's own source: these are adjit's."""
import numpy as np


def lfilter(b, a, x):
    """scipy.signal.lfilter(b, a, x) of a 1-D x, zero initial state: the direct-form recurrence
    a[0] y[i] = sum_k b[k] x[i - k] - sum_{k >= 1} a[k] y[i - k]."""
    bn = np.asarray(b) / a[0]
    an = np.asarray(a) / a[0]
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for k in range(min(i + 1, bn.shape[0])):
            acc = acc + bn[k] * x[i - k]
        for k in range(1, min(i + 1, an.shape[0])):
            acc = acc - an[k] * y[i - k]
        y[i] = acc
    return y


def convolve(a, v, mode):
    """np.convolve(a, v, mode) of 1-D float arrays whose lengths are known only when the function runs
    (forms/signal.py unrolls the taps when they are known): the full convolution, one shifted copy
    of a per tap of v, then NumPy's window of it for 'same' and 'valid'."""
    n = a.shape[0]
    m = v.shape[0]
    assert n > 0 and m > 0, "np.convolve: an operand is empty"
    full = np.zeros(n + m - 1)
    for j in range(m):
        full[j:j + n] += v[j] * a
    if mode == "same":
        lo = (min(n, m) - 1) // 2
        return full[lo:lo + max(n, m)]
    if mode == "valid":
        return full[min(n, m) - 1:max(n, m)]
    return full


def series(kind, x, c):
    """np.polynomial's polyval/chebval/legval/hermval/hermeval/lagval(x, c) of a 1-D c whose length
    is known only when the function runs (morenumpy.py unrolls a known one): the recurrence NumPy
    runs (Horner, Clenshaw), one loop step per coefficient; each accumulator starts as zeros of x's
    shape plus a coefficient (so the loop carries arrays), equal to NumPy's for finite x."""
    n = c.shape[0]
    assert n > 0, "np.polynomial: c must not be empty"
    z = x * 0.0
    if kind == "poly":
        c0 = z + c[n - 1]
        for i in range(2, n + 1):
            c0 = c[n - i] + c0 * x
        return c0
    x2 = x * 2 if kind == "cheb" or kind == "herm" else x
    c0 = z + c[max(n - 2, 0)] if n >= 2 else z + c[0]
    c1 = z + c[n - 1] if n >= 2 else z
    nd = n
    for i in range(3, n + 1):
        tmp = c0
        nd = nd - 1
        if kind == "cheb":
            c0 = c[n - i] - c1
            c1 = tmp + c1 * x2
        elif kind == "leg":
            c0 = c[n - i] - c1 * ((nd - 1) / nd)
            c1 = tmp + c1 * x * ((2 * nd - 1) / nd)
        elif kind == "herm":
            c0 = c[n - i] - c1 * (2 * (nd - 1))
            c1 = tmp + c1 * x2
        elif kind == "herme":
            c0 = c[n - i] - c1 * (nd - 1)
            c1 = tmp + c1 * x
        else:
            c0 = c[n - i] - (c1 * (nd - 1)) / nd
            c1 = tmp + (c1 * ((2 * nd - 1) - x)) / nd
    if kind == "herm":
        return c0 + c1 * x2
    if kind == "lag":
        return c0 + c1 * (1 - x)
    return c0 + c1 * x
