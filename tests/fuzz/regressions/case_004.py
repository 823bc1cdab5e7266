"""Regression case found by the differential fuzzer (campaign seed 3, program 112, fast mode).

Outcome: internal (readable: ValueError: assignment destination is read-only).
"""
import numpy as np

STATUS = 'fixed'  # 'open': a compiler bug not fixed yet (the test is xfail)
EXPECT = {'outcome': 'internal', 'category': 'readable: ValueError: assignment destination is read-only'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('W',)
INPUTS = [
    np.array([0.46790674603448656, 0.2954049273084469, -0.49396403559558055], dtype=np.float64),  # x
    np.array([[0.13495303663603075, 0.45652552515553246, 0.16167565224004243], [-0.057679925349457095, 0.6113103602069514, 0.9305338081479584], [0.43872574062143865, 0.899705686855037, 0.8860663255465016], [0.011964741926122624, -0.21040267443990013, 0.2866673671388953]], dtype=np.float64),  # W
]


def f(x, W):
    W[-1] = 0.5
    return np.sum(W.T)
