"""Oracle false alarm (campaign seed 9203, program 48, shrunk; not an adjit bug).

Outcome: wrong (fd:readable 0.75). A float32 program: B = x.astype(np.float64, copy=False) is a copy
of a float32 x, so writing B leaves x alone, and adjit's gradient is right. The oracle took its
finite differences of the program run on float64 inputs, where B is x itself: another function.
The oracle now takes them in float32 when the program's aliasing depends on the dtype (fd_plan).
"""
import numpy as np

STATUS = 'fixed'  # fixed in the oracle (tests/fuzz/oracles.py: fd_plan)
EXPECT = {'outcome': 'wrong', 'category': 'fd:readable'}
MODE = 'fast'
DTYPE = 'float32'
WRT = ('x', 's')
INPUTS = [
    np.array([0.02364325, 0.90092736, -0.71168077, 0.8972989], dtype=np.float32),  # x
    np.float32(-0.34053656),  # s
]


def f(x, s):
    B = x.astype(np.float64, copy=False)
    B[0] = 0.5
    return np.sum(x ** 2) * s + np.sum(B)
