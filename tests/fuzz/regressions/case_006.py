"""Regression case found by the differential fuzzer (campaign seed 3, program 225, fast mode).

Outcome: wrong (value:lowered).
Errors: value:lowered=0.0587
"""
import numpy as np

STATUS = 'fixed'  # 'open': a compiler bug not fixed yet (the test is xfail)
EXPECT = {'outcome': 'wrong', 'category': 'value:lowered'}
MODE = 'fast'
DTYPE = 'float64'
WRT = ('x',)
INPUTS = [
    np.array([0.9834460151825595, 0.881593106174263, -0.6403000027925494, -0.3274918222892216], dtype=np.float64),  # x
    np.array([[0.926616043153764, 0.18809564452667527, 0.3069480804403357, -0.9878228090322267], [0.46295668054436057, -0.5965458727810855, 0.24316642259501986, 0.4127901434754444], [-0.30424392603552675, -0.6387850331153826, -0.45303460020559116, -0.07157125386413088], [0.420316757022803, 0.00630728080760834, -0.6453217016801394, -0.8124705320169254]], dtype=np.float64),  # W
    -0.8322588446729333,  # s
]


def f(x, W, s):
    for k7 in range(1):
        W = np.square((W[1:2] + W))
    return np.max(W)
