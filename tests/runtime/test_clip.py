"""Gradient clipping by global norm and by value."""

import math

import numpy as np
import pytest

from adjit.runtime.clip import clip_by_global_norm, clip_by_value, global_norm


def random_grads(dtype=np.float64, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in [(4, 3), (7,), (2, 2, 2)]]


def concatenated_norm(grads):
    return float(np.linalg.norm(np.concatenate([np.ravel(g).astype(np.float64) for g in grads])))


# --- global_norm -----------------------------------------------------------------------------

def test_global_norm_by_hand():
    assert global_norm([np.array([3.0, 4.0]), np.array([[12.0]])]) == 13.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_global_norm_is_the_norm_of_everything_together(dtype):
    grads = random_grads(dtype, seed=1, scale=5.0)
    assert global_norm(grads) == pytest.approx(concatenated_norm(grads), rel=1e-12)
    assert global_norm(tuple(grads)) == global_norm(grads)
    assert global_norm(grads[0]) == pytest.approx(concatenated_norm(grads[:1]), rel=1e-12)


def test_global_norm_does_not_overflow():
    # Squares of 1e200 overflow float64 and squares of 1e25 overflow float32.
    assert global_norm([np.array([1e200, 1e200]), np.array([1e199])]) == pytest.approx(
        1e199 * math.sqrt(201.0), rel=1e-12)
    assert global_norm([np.full(4, 1e25, np.float32)]) == pytest.approx(2e25, rel=1e-6)


def test_global_norm_of_non_finite_gradients():
    assert global_norm([np.array([1.0, np.inf])]) == math.inf
    assert math.isnan(global_norm([np.array([1e200, 1e200]), np.array([np.nan])]))


# --- clip_by_global_norm -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clipping_scales_to_max_norm_and_keeps_direction(dtype):
    grads = random_grads(dtype, seed=2, scale=10.0)
    originals = [g.copy() for g in grads]
    norm_before = concatenated_norm(grads)
    assert norm_before > 5.0
    clipped, reported = clip_by_global_norm(grads, 5.0)
    assert reported == pytest.approx(norm_before, rel=1e-12)
    rel = 1e-6 if dtype == np.float64 else 1e-5
    assert concatenated_norm(clipped) == pytest.approx(5.0, rel=rel)
    assert concatenated_norm(clipped) <= 5.0 * (1 + 1e-7)
    for c, g in zip(clipped, originals):
        assert c.dtype == dtype and c.shape == g.shape
        np.testing.assert_allclose(c, g * (5.0 / norm_before), rtol=rel)
    for g, original in zip(grads, originals):
        np.testing.assert_array_equal(g, original)  # inputs untouched


def test_clipping_by_hand():
    (clipped,), norm = clip_by_global_norm([np.array([3.0, 4.0])], 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, [3.0 / (5.0 + 1e-6), 4.0 / (5.0 + 1e-6)], rtol=1e-15)


def test_under_the_limit_values_are_unchanged_but_copied():
    grads = random_grads(seed=3)
    norm = concatenated_norm(grads)
    clipped, reported = clip_by_global_norm(grads, norm * 1.01)
    assert reported == pytest.approx(norm, rel=1e-12)
    for c, g in zip(clipped, grads):
        np.testing.assert_array_equal(c, g)
        assert not np.shares_memory(c, g)


def test_clipping_in_place():
    grads = random_grads(seed=4, scale=10.0)
    ids = [id(g) for g in grads]
    clipped, _ = clip_by_global_norm(grads, 1.0, inplace=True)
    assert [id(c) for c in clipped] == ids
    assert concatenated_norm(grads) == pytest.approx(1.0, rel=1e-6)


def test_container_kind_is_preserved():
    grads = random_grads(seed=5, scale=10.0)
    clipped_tuple, _ = clip_by_global_norm(tuple(grads), 1.0)
    assert isinstance(clipped_tuple, tuple) and len(clipped_tuple) == 3
    clipped_array, norm = clip_by_global_norm(grads[0], 1.0)
    assert isinstance(clipped_array, np.ndarray) and clipped_array.shape == grads[0].shape
    assert np.linalg.norm(clipped_array) == pytest.approx(1.0, rel=1e-6)
    assert norm == pytest.approx(np.linalg.norm(grads[0]), rel=1e-12)
    clipped_dict, _ = clip_by_global_norm({"W": grads[0], "b": grads[1]}, 1.0)
    assert set(clipped_dict) == {"W", "b"}
    assert concatenated_norm(clipped_dict.values()) == pytest.approx(1.0, rel=1e-6)


def test_non_finite_norm_leaves_gradients_unscaled():
    grads = [np.array([1.0, np.nan]), np.array([100.0])]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert math.isnan(norm)
    np.testing.assert_array_equal(clipped[1], [100.0])


# --- clip_by_value -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clip_by_value_bounds_and_keeps_inner_values(dtype):
    grads = random_grads(dtype, seed=6, scale=3.0)
    clipped = clip_by_value(grads, 1.5)
    for c, g in zip(clipped, grads):
        assert c.dtype == dtype and c.shape == g.shape
        assert np.all(np.abs(c) <= 1.5)
        inside = np.abs(g) <= 1.5
        np.testing.assert_array_equal(c[inside], g[inside])
        np.testing.assert_array_equal(c[~inside], np.sign(g[~inside]) * dtype(1.5))
        assert (~inside).any()  # the data really exercises clipping
        assert not np.shares_memory(c, g)


def test_clip_by_value_in_place_and_single_array():
    grad = np.array([-3.0, 0.25, 2.0])
    assert clip_by_value(grad, 1.0, inplace=True) is grad
    np.testing.assert_array_equal(grad, [-1.0, 0.25, 1.0])
    fresh = clip_by_value(np.array([[5.0, -0.5]]), 0.5)
    np.testing.assert_array_equal(fresh, [[0.5, -0.5]])
    assert isinstance(clip_by_value((np.ones(2),), 0.5), tuple)


# --- Validation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: clip_by_global_norm([np.ones(2)], 0.0), "max_norm must be a positive finite number"),
    (lambda: clip_by_global_norm([np.ones(2)], float("nan")), "max_norm must be a positive"),
    (lambda: clip_by_value([np.ones(2)], -1.0), "clip_value must be a positive finite number"),
    (lambda: global_norm(1.5), r"arrays only"),
    (lambda: clip_by_value([np.ones(2), [1.0]], 1.0), r"gradient 1 must be a NumPy array \(arrays only\)"),
    (lambda: clip_by_global_norm({"b": np.ones(2, np.int64)}, 1.0), r"gradient 'b' has dtype int64"),
])
def test_invalid_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
