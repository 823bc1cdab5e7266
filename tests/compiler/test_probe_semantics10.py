"""Silent wrong results and internal errors found by the tenth semantics hunt (2026-12-03: views and
aliasing, dtypes, axes, data-dependent control flow, one compiled gradient called with arguments of
other shapes, dtypes and layouts, globals and closures changed between calls): each program against
NumPy's value and central differences, through the lowered module run as Python unless the
compiled code is the subject. Each failed on the code before its fix (docs/reliability.md)."""
import types

import numpy as np
import pytest

import adjit
from tests.conftest import fd_check, run_grad


def _size_of_a_number(x):
    return x ** 2 * x.size + len(x.shape) * x


@pytest.mark.compiled
def test_size_and_shape_of_a_0d_argument_in_compiled_code():
    """A 0-d array argument is a number in the compiled code: `x.size` was rendered as the
    attribute, which Numba's float64 lacks (an internal error); its size is 1, its shape ()."""
    value, g = adjit.value_and_grad(_size_of_a_number)(np.array(0.7))
    assert np.isclose(value, 0.49) and np.isclose(g, 1.4)


ACT = np.sin


def _global_activation(x):
    return np.sum(ACT(x) ** 2)


def test_a_global_rebound_from_one_library_function_to_another_is_seen():
    """`ACT = np.sin`, then `ACT = np.cos` between two calls: guards.py took a library's function
    for a constant and guarded no name holding one, so the compiled function kept computing sin,
    value and gradient, silently (0.0077 for NumPy's 2.08 in the probe). The name is now guarded
    by identity (the front key of the disk cache already named the ufunc)."""
    from adjit.compiler.jit import guards

    global ACT
    snap = guards.snapshot(_global_activation)
    assert guards.holds(snap)
    ACT = np.cos
    try:
        assert not guards.holds(snap)
    finally:
        ACT = np.sin
    assert guards.holds(snap)


def _flatten_written(A):
    r = A.T.flatten()
    r[1:] += r[:-1]
    r *= 2.0
    return np.sum(A * np.arange(9.0).reshape(3, 3)) + np.sum(r * np.arange(9.0))


def test_flatten_is_a_copy_that_may_be_written():
    """`r = A.flatten(); r *= 2` then a read of A: NumPy's flatten always copies, adjit's form made
    a reshape (a view) of an array of two or more dimensions, so the sharing check refused the
    write as one into A."""
    A = np.array([[0.3, -1.2, 0.7], [2.1, 0.4, -0.5], [1.0, 0.2, 0.8]])
    value, grads = run_grad(_flatten_written, (A,), (0,))
    assert np.isclose(value, _flatten_written(A.copy()), rtol=1e-13)
    fd_check(_flatten_written, (A,), (0,), grads)


CFG = types.SimpleNamespace(W=np.full((2, 3), 0.1), k=2.0, act="tanh")


def _namespace_settings(x):
    h = CFG.W @ x
    if CFG.act == "tanh":
        h = np.tanh(h)
    return np.sum(h ** 2) * CFG.k


def test_a_global_simple_namespace_of_settings_and_arrays():
    """`CFG = types.SimpleNamespace(W=..., k=2.0)` read as CFG.W: the standard library's class was
    not taken for the user's object (as a class of the user's with the same attributes is), so
    CFG.W was 'ndarray cannot be used as a value here'; its changes between calls are guarded."""
    from adjit.compiler.jit import guards

    x = np.array([0.3, -1.2, 0.7])
    value, grads = run_grad(_namespace_settings, (x,), (0,))
    assert np.isclose(value, _namespace_settings(x), rtol=1e-13)
    fd_check(_namespace_settings, (x,), (0,), grads)
    snap = guards.snapshot(_namespace_settings)
    CFG.W[0, 0] = 0.5
    try:
        assert not guards.holds(snap)
    finally:
        CFG.W[0, 0] = 0.1


def _column_through_transpose(X):
    W = X * 1.0
    W[1] = W.T[-1]  # also c = W.T; W[1] = c[2] and np.transpose(W)[2]
    return np.sum(W * np.arange(9.0).reshape(3, 3))


def _every_other(x):
    y = x * 1.0
    y[1:5] = y[0:8:2]
    return np.sum(y * np.arange(8.0))


def _through_a_view(x):
    y = x * 1.0
    z = y[1:5]
    z[:] = y[0:8:2]  # also y[1:5][:] = ..., np.copyto(y[1:5], y[0:8:2])
    return np.sum(y * np.arange(8.0))


def _copies_numpy_makes_as_values(X, x):
    W = X * 1.0
    W[1] = W.T[1]  # the one shared element read into its own place
    r = W[2]
    r[:] = r[::-1]  # opposite strides: NumPy copies the value first
    r[1:] = r[:-1]  # a shift, through the view
    y = x * 1.0
    y[4:8] = y[0:8:2]  # copied backwards: each element read before it is overwritten
    y[1:8:2] = y[0:4]
    return np.sum(W * np.arange(9.0).reshape(3, 3)) + np.sum(y * np.arange(8.0))


def test_an_overlapping_copy_numpy_makes_in_its_own_order_is_refused():
    """`W[1] = W.T[-1]` and `y[1:5] = y[0:8:2]`: NumPy copies element by element in an order of its
    own (backwards here), so an element is read after it was overwritten: 89.44 where adjit, which
    reads the value first, gave 85.0 (and 60.52 for 58.3), silently. The sharing check compared only
    the kinds of the two indices (int, slice), not the axis a transpose walks nor the steps. Now a
    located error with the .copy() rewrite; the copies NumPy makes as values are still accepted."""
    X = np.arange(9.0).reshape(3, 3) * 0.37 + 0.1
    x = np.arange(8.0) * 0.37 + 0.1
    for f, a in ((_column_through_transpose, X), (_every_other, x), (_through_a_view, x)):
        with pytest.raises(adjit.UnsupportedSyntaxError, match="walks it along another axis or at another stride"):
            run_grad(f, (a,), (0,))
    value, grads = run_grad(_copies_numpy_makes_as_values, (X, x), (0, 1))
    assert np.isclose(value, _copies_numpy_makes_as_values(X, x), rtol=1e-13)
    fd_check(_copies_numpy_makes_as_values, (X, x), (0, 1), grads)


def _penalized(x, lam=0.1):
    return np.sum(x ** 2) * lam


def test_a_partials_keywords_changed_in_place_are_bound_at_the_call():
    """`p = functools.partial(f, lam=0.1); g = adjit.value_and_grad(p)`, then
    `p.keywords['lam'] = 2.0`: Python's p reads its keywords at each call, adjit had copied them
    when g was made, so g kept computing with 0.1, value and gradient, silently (3.13 for 5.97 in
    the probe). The keywords are now read at each call."""
    import functools

    from adjit.compiler.jit.arguments import callee_of

    p = functools.partial(_penalized, lam=0.1)
    callee = callee_of(p)
    p.keywords["lam"] = 2.0
    assert dict(callee.kwargs) == {"lam": 2.0}
