"""Names the generated code spells literally (codegen/text.safe_ident): a user's variable `_n` or
`_s` (or `_k`, the strip loops' index until it became `_sk`) lived across a strip-mined loop,
whose `_s`/`_n`/`_k` overwrote it (a wrong value, 2026-12-03)."""
import numpy as np

import adjit
from conftest import fd_check, run_grad


def strip_names(x):
    _n = x[0] * 3.0
    _s = x[1] * 2.0
    _k, _sk = x[2] * 1.5, x[3] * 0.5
    y = np.tanh(x) * 2.0
    z = np.exp(x * 0.1) * 3.0
    return np.sum(y) * _n + _n * _n + np.sum(z) * _s + _s + np.sum(y * z) * _k * _sk + _k * _k


def test_user_names_of_strip_loop_variables_keep_their_values():
    x = np.linspace(-1.0, 1.0, 40)
    assert "for _s in range" in adjit.grad(strip_names).source(x, lowered=True)
    value, grads = run_grad(strip_names, (x,), (0,))
    np.testing.assert_allclose(value, strip_names(x), rtol=1e-12)
    fd_check(strip_names, (x,), (0,), grads)

