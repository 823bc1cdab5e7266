"""Forward mode refuses a dead line reverse mode drops (campaign seed 9301, program 166, shrunk;
also seed 9203, programs 50 and 185). Not a wrong value.

Outcome: internal (jvp-build: UnsupportedSyntaxError: the derivative of scipy.stats.beta.cdf with
respect to `a` is not supported). The result never uses W's new value, so reverse mode drops the
line; forward mode refuses it with a located error. The oracle counted that as internal; a
located AdjitError while the JVP is built is now a rejection (category 'jvp-build: ...').
"""
import numpy as np
import scipy.stats

STATUS = 'fixed'  # fixed in the oracle (tests/fuzz/oracles.py: error_category)
EXPECT = {'outcome': 'internal', 'category': 'jvp-build: UnsupportedSyntaxError'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 'W')
INPUTS = [
    np.array([0.3, -0.2, 0.6], dtype=np.float64),  # x
    np.array([[0.1, -0.4], [0.7, 0.2]], dtype=np.float64),  # W
]


def f(x, W):
    W = scipy.stats.beta.cdf(0.5, (1.5 + np.tanh(W[0, 0])), 1.3, scale=np.exp(0.3 * np.tanh(x[0])))
    return np.sum(x ** 2)
