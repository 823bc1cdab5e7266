"""Regression case found by the differential fuzzer (campaign seed 7, program 155, fast mode).

Outcome: wrong (fd:readable): the gradient with respect to x is 8-14% off finite differences (both
renderings). Cause: two equal cotangents merged by CSE became two loop-carried adjoints sharing
one array, so an in-place row write into one changed the other; a phi now copies a buffer another
phi already owns.
"""
import numpy as np

STATUS = 'fixed'  # fixed: two loop-carried adjoints took over one array (equal cotangents merged by CSE)
EXPECT = {'outcome': 'wrong', 'category': 'fd:readable'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 'W', 's')
INPUTS = [
    np.array([0.2739233746429086, -0.4604265724722594, -0.9180529521276106], dtype=np.float64),  # x
    np.array([[-0.9669447289429418, 0.6265404784005448, 0.8255111545554434], [0.21327155153435973, 0.4589931219679968, 0.08724998293084574]], dtype=np.float64),  # W
    0.8701448475755365,  # s
]


def f(x, W, s):
    W = np.tanh(W + np.maximum(np.log(1.5 + np.tanh(W)), (0.5 * W)))
    h1 = np.ones((2, 3))
    h1[0] *= (1.0 + 0.5 * np.tanh((np.sqrt(0.5 + np.tanh(W[0]) ** 2) + h1[0])))
    s = s + np.tanh(np.sum(h1[0]))
    for j2 in range(1, W.shape[0]):
        for j3 in range(3):
            c4 = 0
            while c4 < 3:
                c4 += 1
                W = (0.5 * h1)
                h1[j2] = np.exp(0.5 * np.tanh((W[j2] + x)))
                s = s + np.tanh(np.sum(h1[j2]))
                if (s * x[j2]) >= 0.5:
                    s = s
                    break
            h1 = h1 * 0.5 + (0.5 * W)
            W = (h1).copy()
    if np.sum(W[-1]) > 0.1:
        h1 = (h1).copy()
    return (s + np.exp(-np.square(((W[1, 1] / (2.0 + np.tanh(s))) * (s + s)))))
