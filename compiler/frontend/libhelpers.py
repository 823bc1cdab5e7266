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
