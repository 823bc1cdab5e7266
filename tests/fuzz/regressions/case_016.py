"""A list and a dict changed through a second name (ys = xs; ys.append(v); d2 = d; d2['a'] = v):
the first name keeps the old list/dict: a silent wrong value and gradient (hand probe for the
`--profile features` list-method and dict-copy groups; /tmp/h/FOUND_F3.md).

Outcome: wrong (value:readable): NumPy -3.6 + 9.6, adjit 0.9 + 2.1. listmethods.py
`_lm_changeable` (also behind structures.py dict_item_write) refuses a change when the changed
name was read before (ys = xs; xs.append: refused), not when it was bound from another name.
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


def f(x):
    xs = [x[0], x[1]]
    ys = xs
    ys.append(x[2] * 3.0)
    d = {"a": x[0], "b": 0.5}
    d2 = d
    d2["a"] = x[1] * 3.0
    return sum(xs) * 5.0 + sum(ys) + d["a"] * 5.0 + d2["a"]
