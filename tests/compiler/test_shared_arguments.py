"""Arguments that share memory where the function writes into one and reads another (jit/sharedargs.py,
frontend/aliasing._param_hazards): `def f(a, b): a *= 2.0; return np.sum(a * b)` called as f(x, x)
gave 28.0 where NumPy gives 56.0 (NumPy's write into a is seen through b; adjit writes into a copy
of a). Such a call is refused with a located error; other calls, and functions without such a
pair, run as before. The analysis is checked on the lowered IR (no Numba compile), the call once
end to end."""
import numpy as np
import pytest

import adjit
from adjit.compiler.jit import sharedargs
from adjit.compiler.jit.compiled import CompiledFunction


def _pairs(fun, *args):
    fn, _ = CompiledFunction(fun, (0,))._lower(args)
    return [(i, j) for i, j, *_ in fn.param_hazards]


def scaled_then_product(a, b):
    a *= 2.0
    return np.sum(a * b)


def read_before_write(a, b):
    s = np.sum(b)
    a *= 2.0
    return s + np.sum(a)


def written_in_loop(a, b):
    t = 0.0
    for i in range(a.shape[0]):
        t = t + np.sum(b * a)  # the next iteration reads b after a[i] was written
        a[i] = 3.0 * a[i]
    return t


def through_a_view(a, b, c):
    v = a[1:]
    v[0] = 5.0
    return np.sum(b) + np.sum(a * c)


def other_branch(a, b, flag):
    if flag > 0:
        a *= 2.0
        s = np.sum(a)
    else:
        s = np.sum(b)
    return s


def test_the_frontend_lists_written_and_later_read_pairs():
    x = np.arange(1.0, 4.0)
    assert _pairs(scaled_then_product, x, x) == [(0, 1)]
    assert _pairs(read_before_write, x, x) == []  # b read only before the write: as NumPy
    assert _pairs(written_in_loop, x, x) == [(0, 1)]
    assert _pairs(through_a_view, x, x, x) == [(0, 1), (0, 2)]  # a written through its view v
    assert _pairs(other_branch, x, x, 1.0) == []  # never both


def test_a_call_with_arguments_sharing_memory_is_refused_where_numpy_would_differ():
    x = np.arange(1.0, 4.0)
    g = adjit.value_and_grad(scaled_then_product)
    value, da = g(x.copy(), x.copy())
    assert value == 28.0 and np.array_equal(da, 2.0 * x)
    with pytest.raises(sharedargs.SharedArgumentsError) as err:
        g(x, x)
    text = str(err.value)
    assert "test_shared_arguments.py:" in text and "a *= 2.0" in text and "share memory" in text and "b.copy()" in text
    with pytest.raises(ValueError):  # overlapping views too (a ValueError, as NumPy's argument errors are)
        g(x[1:], x[:-1])
    y = np.arange(1.0, 7.0)
    assert g(y[::2], y[1::2])[0] == scaled_then_product(y[::2].copy(), y[1::2].copy())  # interleaved: disjoint
