"""A functools.lru_cache helper that reads a module global: after the global changes, Python's
cache still answers the old value, adjit (which inlines the wrapped function) the new one: a
silent wrong value and gradient against Python (found while writing `ft_lrucache` for the
`--profile features` fuzzer; /tmp/h/FOUND_F1.md).

Outcome: wrong (2nd call: value:readable): f = lc(3) * sum(x) with lc(3) cached as 1.5 by the
first call; after MUTATE (GC = -2.0) NumPy says 1.5 * sum(x), adjit -6 * sum(x) (errors 2.25 in the value, 5.0 in the gradient, on
these inputs, value and gradient, readable and lowered). compiler/frontend/expressions.py inlines
`func.__wrapped__` for a cached helper ("same values"), guards.py/frontkey.py guard the wrapped
function's globals: true only for a pure cached function.
"""
import functools

import numpy as np

STATUS = 'fixed'  # fixed in compiler/frontend/closures.py cached_call (Python's own call of the cache when every argument is known when compiled)
EXPECT = {'outcome': 'wrong', 'category': '2nd call: value:readable'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x', 'W')
MUTATE = 'GC = -2.0'
INPUTS = [
    np.array([0.3, -0.2, 0.5], dtype=np.float64),  # x
    np.array([[0.1, -0.4, 0.2], [0.7, 0.2, -0.6]], dtype=np.float64),  # W
]

GC = 0.5


@functools.lru_cache(maxsize=None)
def lc(m):
    return GC * m


def f(x, W):
    return lc(3) * np.sum(x) + np.sum(W ** 2)
