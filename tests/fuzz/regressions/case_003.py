"""Regression case found by the differential fuzzer (campaign seed 11, program 1003, fast mode).

Outcome: internal (jvp-build: SyntaxError: duplicate argument '_' in function definition (<file>, line N)).
"""
import numpy as np

STATUS = 'fixed'  # fixed: forward mode renamed the tangent parameters it passed through (duplicate '_t_dot' arguments)
EXPECT = {'outcome': 'internal', 'category': "jvp-build: SyntaxError: duplicate argument '_' in function definition (<file>, line N)"}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 's')
INPUTS = [
    np.array([0.45965434113741543, 0.8575384830657458, -0.0920474961452582], dtype=np.float64),  # x
    np.array([[-0.9552052999383549, -0.7171947305046695, 0.9982464483114735], [0.47468452448423415, -0.23507398003135638, 0.7690726417548079], [0.06335736653216362, -0.5973504961364751, -0.9375690256857379]], dtype=np.float64),  # W
    0.30253279867159666,  # s
]


def f(x, W, s):
    x = (0.5 * (x - 0.5))
    t2 = np.sqrt(1.0 + np.square((0.5 + s)))
    return 0.5
