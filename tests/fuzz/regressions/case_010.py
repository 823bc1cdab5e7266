"""Oracle false alarm (found writing the fix for case_009; not an adjit bug).

Outcome: wrong (fd:readable 0.094). A float64 program that rounds to float32 on the way
(B = np.asarray(y, dtype=np.float32)): its float64 differences at a step of 1e-6 are float32
rounding, and their long-double refinement settled on a derivative of 0 at steps too small to move
a float32 value. The oracle now takes coarse steps for a program that names float32, at float32's
tolerances, without the long-double refinement (fd_plan).
"""
import numpy as np

STATUS = 'fixed'  # fixed in the oracle (tests/fuzz/oracles.py: fd_plan)
EXPECT = {'outcome': 'wrong', 'category': 'fd:readable'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 's')
INPUTS = [
    np.array([0.023643249400513433, 0.9009273926518706, -0.7116807745607325, 0.8972988942744877], dtype=np.float64),  # x
    np.float64(-0.34053656700181567),  # s
]


def f(x, s):
    y = x * 2.0
    B = np.asarray(y, dtype=np.float32)
    B[1] = 0.5
    return np.sum(y ** 2) + np.sum(B) * s
