"""A helper's mutable default changed between two calls: adjit returns the stale value and
gradient (found by hand while building the fuzzer's `--profile features`, which changes globals
between two checks of the same adjit objects: oracles.check_twice runs MUTATE between them).

Outcome: wrong (2nd call: value:readable): 0.39 for NumPy's 1.34, gradient [0.3, -0.2, 0.5] for
[1.8, -1.2, 3.0]. compiler/jit/guards.py snapshots the globals and closure cells of the
functions it follows, not their __defaults__/__kwdefaults__, which the lowerer compiles in.
"""
import numpy as np

STATUS = 'fixed'  # fixed in compiler/jit/guards.py and frontkey.py (a function's defaults are guarded and keyed)
EXPECT = {'outcome': 'wrong', 'category': '2nd call: value:readable'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x',)
MUTATE = 'COEFS[0] = 3.0'
INPUTS = [
    np.array([0.3, -0.2, 0.5], dtype=np.float64),  # x
]

COEFS = [0.5, 0.2]


def g(v, coefs=COEFS):
    return np.sum(v ** 2) * coefs[0] + coefs[1]


def f(x):
    return g(x)
