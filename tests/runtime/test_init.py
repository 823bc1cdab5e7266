"""Initializers: fan convention, promised variance and bounds, seeding, dtype."""

import math

import numpy as np
import pytest

from adjit.runtime.init import fan_in_and_fan_out, he_normal, he_uniform, xavier_normal, xavier_uniform

# Non-square on purpose: fan_in = 1000 and fan_out = 400 give different He variances,
# so mixing up the two axes fails the tests.
SHAPE = (400, 1000)
FAN_IN, FAN_OUT = 1000, 400
XAVIER_VARIANCE = 2.0 / (FAN_IN + FAN_OUT)
HE_VARIANCE = 2.0 / FAN_IN

ALL_INITIALIZERS = [xavier_uniform, xavier_normal, he_uniform, he_normal]


def test_fans_of_a_matrix_are_columns_in_rows_out():
    assert fan_in_and_fan_out((400, 1000)) == (1000, 400)


def test_fans_of_a_conv_kernel_include_the_receptive_field():
    assert fan_in_and_fan_out((16, 3, 5, 5)) == (3 * 25, 16 * 25)


@pytest.mark.parametrize("shape", [(7,), 7, ()])
def test_fans_need_two_dimensions(shape):
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        fan_in_and_fan_out(shape)


@pytest.mark.parametrize("initializer, variance", [
    (xavier_uniform, XAVIER_VARIANCE),
    (xavier_normal, XAVIER_VARIANCE),
    (he_uniform, HE_VARIANCE),
    (he_normal, HE_VARIANCE),
])
def test_empirical_variance_matches_promise(initializer, variance):
    weights = initializer(SHAPE, rng=0)
    assert weights.shape == SHAPE
    # With 4e5 samples the variance estimate is off by well under 1 % (≈0.2 % s.d.).
    assert weights.var() == pytest.approx(variance, rel=0.02)
    assert abs(weights.mean()) < 0.01 * math.sqrt(variance)


@pytest.mark.parametrize("initializer, bound", [
    (xavier_uniform, math.sqrt(6.0 / (FAN_IN + FAN_OUT))),
    (he_uniform, math.sqrt(6.0 / FAN_IN)),
])
def test_uniform_initializers_fill_exactly_their_bounds(initializer, bound):
    weights = initializer(SHAPE, rng=1)
    assert np.abs(weights).max() <= bound
    assert weights.max() > 0.999 * bound and weights.min() < -0.999 * bound


@pytest.mark.parametrize("initializer", [xavier_normal, he_normal])
def test_normal_initializers_have_gaussian_tails(initializer):
    weights = initializer(SHAPE, rng=2)
    beyond_two_sigma = np.mean(np.abs(weights) > 2.0 * weights.std())
    assert beyond_two_sigma == pytest.approx(0.0455, abs=0.002)  # a uniform would give 0


@pytest.mark.parametrize("initializer", ALL_INITIALIZERS)
def test_gain_scales_the_standard_deviation(initializer):
    plain = initializer((300, 200), rng=3)
    scaled = initializer((300, 200), rng=3, gain=2.5)
    # uniform(-a, a) computes -a + 2a·u, which cancels near zero: hence the atol.
    np.testing.assert_allclose(scaled, 2.5 * plain, rtol=1e-12, atol=1e-15)


def test_conv_kernel_variance_uses_receptive_field():
    weights = he_normal((64, 32, 3, 3), rng=4)
    assert weights.var() == pytest.approx(2.0 / (32 * 9), rel=0.03)


@pytest.mark.parametrize("initializer", ALL_INITIALIZERS)
def test_same_seed_same_weights_and_generators_are_advanced(initializer):
    np.testing.assert_array_equal(initializer((30, 20), rng=7), initializer((30, 20), rng=7))
    assert not np.array_equal(initializer((30, 20), rng=7), initializer((30, 20), rng=8))

    generator = np.random.default_rng(7)
    first = initializer((30, 20), rng=generator)
    second = initializer((30, 20), rng=generator)
    np.testing.assert_array_equal(first, initializer((30, 20), rng=np.random.default_rng(7)))
    assert not np.array_equal(first, second)

    assert not np.array_equal(initializer((30, 20)), initializer((30, 20)))  # rng=None: fresh entropy


@pytest.mark.parametrize("initializer", ALL_INITIALIZERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, "float32"])
def test_dtype_is_honoured(initializer, dtype):
    weights = initializer((10, 5), rng=0, dtype=dtype)
    assert weights.dtype == np.dtype(dtype)
    np.testing.assert_allclose(weights, initializer((10, 5), rng=0), rtol=1e-6)


def test_float32_uniform_stays_inside_rounded_bound():
    weights = xavier_uniform(SHAPE, rng=5, dtype=np.float32)
    assert np.abs(weights).max() <= np.float32(math.sqrt(6.0 / (FAN_IN + FAN_OUT)))


@pytest.mark.parametrize("kwargs, message", [
    (dict(dtype=np.int32), "dtype must be float32 or float64"),
    (dict(rng="seed"), "rng must be a numpy.random.Generator"),
    (dict(rng=1.5), "rng must be a numpy.random.Generator"),
    (dict(gain=0.0), "gain must be a positive finite number"),
    (dict(gain=float("inf")), "gain must be a positive finite number"),
])
def test_invalid_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xavier_uniform((3, 4), **kwargs)


@pytest.mark.parametrize("shape", [(3, 0), (3, -1), (3, 2.0), "ab"])
def test_invalid_shapes_are_rejected(shape):
    with pytest.raises(ValueError, match="shape must"):
        he_normal(shape, rng=0)


def test_rejected_call_does_not_advance_the_generator():
    generator = np.random.default_rng(9)
    with pytest.raises(ValueError):
        he_uniform((3, 4), rng=generator, dtype=np.int64)
    np.testing.assert_array_equal(he_uniform((3, 4), rng=generator), he_uniform((3, 4), rng=9))
