"""Regression case found by the differential fuzzer (campaign seed 3, program 210, compiled mode).

Outcome: internal (compiled: TypingError: Failed in nopython mode pipeline (step: nopython frontend)).
"""
import numpy as np

STATUS = 'fixed'  # 'open': a compiler bug not fixed yet (the test is xfail)
EXPECT = {'outcome': 'internal', 'category': 'compiled: TypingError: Failed in nopython mode pipeline (step: nopython frontend)'}
MODE = 'compiled'
DTYPE = 'float64'
WRT = ('W',)
INPUTS = [
    np.array([0.1392562349796005, -0.3990462712938887, 0.2672373949638127], dtype=np.float64),  # x
    np.array([[-0.5901405591445801, -0.7036897382243203, -0.19495279702816926], [0.2316176657537239, 0.9823352686456177, 0.4716903941046875], [0.4064456825492069, 0.6403352580417183, 0.35370959511236055], [-0.9755304262241946, -0.4484771542007919, 0.028189573854793037]], dtype=np.float64),  # W
]


def f(x, W):
    return np.minimum(np.maximum(0.5, W[1, -1]), 0.5)
