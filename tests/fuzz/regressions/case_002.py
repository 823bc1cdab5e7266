"""Regression case found by the differential fuzzer (campaign seed 3, program 21, compiled mode).

Outcome: internal (jvp-compiled: TypingError: Failed in nopython mode pipeline (step: nopython frontend)).
"""
import numpy as np

STATUS = 'fixed'  # 'open': a compiler bug not fixed yet (the test is xfail)
EXPECT = {'outcome': 'internal', 'category': 'jvp-compiled: TypingError: Failed in nopython mode pipeline (step: nopython frontend)'}
MODE = 'compiled'
DTYPE = 'float64'
WRT = ('x',)
INPUTS = [
    np.array([-0.22413223799394744, -0.8565216846727199, 0.5182539376178423], dtype=np.float64),  # x
    np.array([[0.3371197510578696, 0.47226627669509513, -0.2321147872565703], [-0.019913968717460095, 0.27209275798304633, -0.5596340901879411], [-0.4292361928590791, 0.6093371660657507, -0.22802809978532856]], dtype=np.float64),  # W
    np.array([[-0.7331587689992038], [-0.33982870164681556], [-0.21479492896708852]], dtype=np.float64),  # b
]


def f(x, W, b):
    acc = 0.5
    acc = acc + np.tanh(x[2])
    if np.dot((x + x), (x[0] * x)) < 0:
        u1 = np.sum(b[2]) * 0.5
        return np.minimum(acc, np.maximum((u1 / (2.0 + np.tanh(b[0, 0]))), acc))
    t6 = np.log(1.5 + np.tanh(W))
    t7 = (t6 + W)
    return (acc + (np.sin((W[:, 2] + t7[:, 0])) @ (np.sqrt(1.0 + np.square(W[:, 0]))) ** 2))
