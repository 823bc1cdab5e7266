"""What the thirteenth held-out corpus found (benchmarks/real_programs/heldout13.py): its constructs as
small programs (corpus_heldout13.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout13 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=40)  # the first compiles; the rest run lowered


def test_sliding_window_view_values_match_numpy():
    from numpy.lib.stride_tricks import sliding_window_view

    def f(x):
        return (sliding_window_view(x, (2, 3)), sliding_window_view(x, 3, axis=1), sliding_window_view(x, (2, 2), axis=(1, 1)))

    x = np.arange(20.0).reshape(4, 5) ** 1.5
    got = adjit.jvp(f, (x,), (np.ones_like(x),))[0]
    for g, w in zip(got, f(x)):
        np.testing.assert_array_equal(g, w)


def _window_too_large(x):
    from numpy.lib.stride_tricks import sliding_window_view
    return np.sum(sliding_window_view(x, 5))


def test_sliding_window_too_large_is_located():
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_window_too_large)(np.ones(3))
    assert "window shape cannot be larger" in str(e.value) and "test_heldout13.py" in str(e.value)


def test_nonzero_unpacked_values_match_numpy():
    def f(a):
        i, j = np.nonzero(a > 0.2)
        return i * 1.0, j * 1.0, a[i, j], np.nonzero(a < 0)[1] * 1.0

    a = np.array([[0.5, -0.3, 0.9], [0.1, 0.7, -0.2]])
    got = adjit.jvp(f, (a,), (np.ones_like(a),))[0]
    for g, w in zip(got, f(a)):
        np.testing.assert_array_equal(g, w)


def _eigvals_of_parameter(a, W):
    return np.sum(np.linalg.eigvals(W * a[0]).real)


def _roots_of_parameter(a, W):
    return np.sum(np.roots(W[0] * a[0]).real)


def test_eigvals_of_a_differentiated_value():
    """Only the data part of a line is run by NumPy before the compiled code; a function adjit has
    no rule for (np.roots) of a differentiated value is still the located refusal, at the call.
    np.linalg.eigvals has a rule since 2026-12-03 (sum of the eigenvalues: a[0] trace(W))."""
    W = np.eye(4) + 0.1
    g = adjit.grad(_eigvals_of_parameter)(np.ones(4), W)
    np.testing.assert_allclose(g, [np.trace(W), 0.0, 0.0, 0.0], atol=1e-12)
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_roots_of_parameter)(np.ones(4), W)
    assert "np.roots" in str(e.value) and "test_heldout13.py" in str(e.value)


def _helper_keeps_list(hist):
    return hist


def _list_kept_by_helper(x):
    hist = [x]
    out = 0.0
    for k in range(3):
        kept = _helper_keeps_list(hist)
        hist.append(x * k)
        out = out + len(kept)
    return np.sum(x) * out


def test_list_a_helper_returns_stays_refused():
    """A helper that returns (keeps) the list: appending to it afterwards changes what the helper's
    result holds in Python; still the located refusal."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(_list_kept_by_helper)(np.ones(2))
    assert "test_heldout13.py" in str(e.value)


def test_series_of_runtime_length_values_match_numpy():
    from numpy.polynomial import chebyshev, hermite, hermite_e, laguerre, legendre, polynomial

    mods = (hermite_e.hermeval, chebyshev.chebval, legendre.legval, hermite.hermval, laguerre.lagval, polynomial.polyval)

    def f(c, x):
        out = np.zeros((5, 6, 7))
        for n in range(1, 6):  # c[:n]: a length known only when the function runs
            e = c[:n] * 1.0
            out[n - 1] = np.stack([fn(x, e) for fn in mods])
        return out

    c, x = np.array([0.7, -0.3, 1.3, 0.2, -1.1]), np.linspace(-1.2, 1.5, 7)
    np.testing.assert_array_equal(adjit.jvp(f, (c, x), (np.ones(5), np.ones(7)))[0], f(c, x))

    def g(c, x):  # the same of lengths known when compiled (legval's (nd - 1) / nd as NumPy groups it)
        return np.stack([np.stack([fn(x, c[:n]) for fn in mods]) for n in (1, 2, 3, 4, 5)])

    np.testing.assert_array_equal(adjit.jvp(g, (c, x), (np.ones(5), np.ones(7)))[0], g(c, x))


def _returns_appended_list(x):
    out = []
    for k in range(3):
        out.append(x * k)
    return out


def test_returning_a_list_built_in_a_loop_is_located():
    """It was an internal AttributeError ('BuiltList' object has no attribute 'hint')."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.jvp(_returns_appended_list, (np.ones(3),), (np.ones(3),))
    assert "returns a list built in a loop" in str(e.value) and "test_heldout13.py" in str(e.value)
