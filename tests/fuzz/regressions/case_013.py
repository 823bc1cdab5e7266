"""np.logaddexp.reduce of a 1-D array (a 0-d result) used in a product: the readable gradient
source says `1.0.reshape(_t4.shape)` (AttributeError: 'float' object has no attribute 'reshape'),
and the Numba-compiled gradient fails to type `dx[2] += <0-d array>` (TypingError: iadd(float64,
array(float64, 0d, C))). Found by the `--profile features` campaign (seed 9650 program 17, shrunk
by hand). Not a wrong value: a crash in both gradient paths.

Outcome: internal (readable: AttributeError). `return np.logaddexp.reduce(x)` alone works
compiled; the reduce's result reshaped to () gets a constant cotangent that is emitted as a
literal with .reshape, and a 0-d cotangent that is added into a scalar element.
"""
import numpy as np

STATUS = 'fixed'  # 2026-12-02: the reduce's result is a sum over the reduced axes (a number), not a reshape to ()
EXPECT = {'outcome': 'internal', 'category': 'readable: AttributeError'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 'W')
INPUTS = [
    np.array([0.3, -0.2, 0.5], dtype=np.float64),  # x
    np.array([[0.1, -0.4, 0.2], [0.7, 0.2, -0.6]], dtype=np.float64),  # W
]


def f(x, W):
    fe3 = np.logaddexp.reduce(x)
    return np.sum(W) + 0.3 * fe3
