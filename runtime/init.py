"""Weight initializers (Xavier/Glorot and He/Kaiming, uniform and normal) that draw
from a seedable NumPy random generator."""

import math
import numbers

import numpy as np

__all__ = ["fan_in_and_fan_out", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"]

SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _normalized_shape(shape):
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(f"shape must be an int or a tuple of ints, got {shape!r}") from None
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ValueError(f"shape must contain positive ints only, got {shape!r}")
    return tuple(int(n) for n in shape)


def fan_in_and_fan_out(shape):
    """Return (fan_in, fan_out) of a weight array of the given shape.

    A weight matrix has shape (fan_out, fan_in), as in the seed's h = σ(W₁x + b₁):
    W₁ @ x maps fan_in inputs (x is a column, or a batch of columns) to fan_out
    outputs. For more than two dimensions, e.g. a convolution kernel of shape
    (out_channels, in_channels, kh, kw), both fans are multiplied by the receptive
    field size prod(shape[2:]), as in PyTorch. Vectors (biases) have no fan.
    """
    shape = _normalized_shape(shape)
    if len(shape) < 2:
        raise ValueError(
            f"fan_in and fan_out need a weight with at least 2 dimensions, got shape {shape}; "
            "biases are usually initialised with zeros"
        )
    receptive_field_size = math.prod(shape[2:])
    return shape[1] * receptive_field_size, shape[0] * receptive_field_size


def _as_generator(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise ValueError(f"rng must be a numpy.random.Generator, an int seed or None, got {rng!r}")


def _validated_arguments(shape, rng, gain, dtype):
    """Check every argument before drawing, so a rejected call leaves `rng` untouched."""
    shape = _normalized_shape(shape)
    fan_in, fan_out = fan_in_and_fan_out(shape)
    dtype = np.dtype(dtype)
    if dtype not in SUPPORTED_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    gain = float(gain)
    if not (math.isfinite(gain) and gain > 0.0):
        raise ValueError(f"gain must be a positive finite number, got {gain}")
    return shape, fan_in, fan_out, _as_generator(rng), gain, dtype


# Samples are drawn in float64 and then rounded, so one seed gives the same weights
# (up to rounding) whichever dtype is asked for.

def xavier_uniform(shape, rng=None, gain=1.0, dtype=np.float64):
    """U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), so Var = gain²·2 / (fan_in + fan_out).

    `shape` is (fan_out, fan_in, ...) (see fan_in_and_fan_out); `rng` is a
    numpy.random.Generator, an int seed, or None for fresh entropy; `dtype` is
    float32 or float64.
    """
    shape, fan_in, fan_out, generator, gain, dtype = _validated_arguments(shape, rng, gain, dtype)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return generator.uniform(-bound, bound, size=shape).astype(dtype)


def xavier_normal(shape, rng=None, gain=1.0, dtype=np.float64):
    """N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)); arguments as in xavier_uniform."""
    shape, fan_in, fan_out, generator, gain, dtype = _validated_arguments(shape, rng, gain, dtype)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return generator.normal(0.0, std, size=shape).astype(dtype)


def he_uniform(shape, rng=None, gain=1.0, dtype=np.float64):
    """U(−a, a) with a = gain·√(6 / fan_in), so Var = gain²·2 / fan_in (suits ReLU).

    `shape` is (fan_out, fan_in, ...) (see fan_in_and_fan_out); arguments as in xavier_uniform.
    """
    shape, fan_in, _, generator, gain, dtype = _validated_arguments(shape, rng, gain, dtype)
    bound = gain * math.sqrt(6.0 / fan_in)
    return generator.uniform(-bound, bound, size=shape).astype(dtype)


def he_normal(shape, rng=None, gain=1.0, dtype=np.float64):
    """N(0, σ²) with σ = gain·√(2 / fan_in) (suits ReLU); arguments as in he_uniform."""
    shape, fan_in, _, generator, gain, dtype = _validated_arguments(shape, rng, gain, dtype)
    std = gain * math.sqrt(2.0 / fan_in)
    return generator.normal(0.0, std, size=shape).astype(dtype)
