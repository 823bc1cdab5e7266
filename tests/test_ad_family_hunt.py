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
