"""The AD-family API against JAX's conventions (tests/fuzz/jax_oracle.py runs the comparison).

The hunt of 2026-12-03 found no wrong value; these pin the deliberate divergences that
docs/transformations.md#where-the-results-differ-from-jaxs documents, with values by hand.
"""
import numpy as np

import adjit


def squares(x):
    return x * x


def test_a_cotangent_of_another_dtype_is_cast_to_the_outputs():
    """JAX raises for a float32 cotangent of a float64 output; adjit casts it, and the pullback's
    cotangents keep the argument's dtype (2 x ct, by hand)."""
    x = np.array([0.25, -0.5])
    ct = np.array([1.5, 2.0])
    _, pull = adjit.vjp(squares, x)
    (d64,) = pull(ct.astype(np.float32))
    assert d64.dtype == np.float64 and np.array_equal(d64, 2 * x * ct)
    (dint,) = pull(np.array([1, 2]))
    assert dint.dtype == np.float64 and np.array_equal(dint, 2 * x * np.array([1.0, 2.0]))


def scaled_sines(x, y, scale=2.0):
    return scale * np.sum(np.sin(x) * y)


def test_jacobian_and_hessian_pass_keyword_arguments_through_as_jax_does():
    """jacobian(f)(x, y=y) and hessian(f)(x, y=y) raised Python's TypeError (positional only); JAX
    passes keyword arguments through undifferentiated, at their places in f's signature (by hand:
    d/dx = scale cos(x) y, d2/dx2 = diag(-scale sin(x) y))."""
    x, y = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
    assert np.allclose(adjit.jacobian(scaled_sines)(x, y=y, scale=3.0), 3.0 * np.cos(x) * y, rtol=1e-14)
    assert np.allclose(adjit.hessian(scaled_sines)(x, y=y), np.diag(-2.0 * np.sin(x) * y), rtol=1e-14)
    from adjit.compiler.errors import ArgumentError
    from adjit.transforms import positional

    def keyword_only(x, *, y):
        return np.sum(x * y)

    try:
        positional(keyword_only, (x,), {"y": y}, "jacobian")
    except ArgumentError as e:
        assert "keyword-only" in str(e) and "lambda" in str(e)
    else:
        raise AssertionError("a keyword-only parameter has no position")
