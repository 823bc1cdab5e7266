"""Regression case found by the differential fuzzer (campaign seed 3, program 12, compiled mode).

Outcome: internal (build: SyntaxError: invalid syntax (<file>, line N)).
"""
import numpy as np

STATUS = 'fixed'  # 'open': a compiler bug not fixed yet (the test is xfail)
EXPECT = {'outcome': 'internal', 'category': 'build: SyntaxError: invalid syntax (<file>, line N)'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x',)
INPUTS = [
    np.array([0.32185731831178144, -0.14755923263835946, -0.1940121340962353], dtype=np.float64),  # x
    np.array([[0.5873021805754473, 0.04463175719786805, 0.9667448364793516], [-0.34979344787163447, 0.21698730481548711, 0.5861589611766691], [0.0157815203432079, 0.3331017327081498, -0.7002337890612467]], dtype=np.float64),  # W
]


def f(x, W):
    W = x[None]
    return (np.min(W, axis=0) @ x)
