"""A @staticmethod called through the instance (self.offset(v)): adjit binds the instance to its
first parameter, as for an ordinary method: a silent wrong value and gradient (hand probe while
extending `--profile features`; /tmp/h/FOUND_F2.md).

Outcome: wrong (value:readable): NumPy 1.38 (offset(x[0]) = 0.5 * 2.0), adjit 0.98 (a = self,
b = x[0]: 2 * x[0]); gradient [2.6, -0.4, 1.0] for [0.6, -0.4, 1.0].
compiler/frontend/structures.py class_attribute: getattr(cls, attr) is the plain function for a
staticmethod, so the FunctionType test binds self before the staticmethod test is reached.
"""
import numpy as np

STATUS = 'fixed'  # 2026-12-02: fixed in the compiler (see docs/reliability.md)
EXPECT = {'outcome': 'wrong', 'category': 'value:readable'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x',)
INPUTS = [
    np.array([0.3, -0.2, 0.5], dtype=np.float64),  # x
]


class M:
    def __init__(self, v):
        self.v = v

    @staticmethod
    def offset(a, b=0.5):
        return b * 2.0

    def total(self):
        return np.sum(self.v ** 2) + self.offset(self.v[0])


def f(x):
    return M(x).total()
