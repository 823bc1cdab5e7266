"""Gradient clipping against exploding gradients: by value and by global L2 norm."""

import math
from collections.abc import Mapping

import numpy as np

from .trees import holds_arrays, flatten, is_namedtuple, is_structure, path_text, unflatten

__all__ = ["global_norm", "clip_by_global_norm", "clip_by_value"]

# Added to the norm before dividing (as PyTorch does) so rounding cannot leave the
# clipped norm above max_norm.
NORM_EPSILON = 1e-6


def _nested(grads) -> bool:
    """A structure beyond a flat list/tuple/dict of arrays: nested, a NamedTuple or dataclass,
    or holding None (the gradient of an integer leaf)."""
    if is_namedtuple(grads) or (is_structure(grads) and not isinstance(grads, (dict, list, tuple))):
        return True
    values = grads.values() if isinstance(grads, Mapping) else grads if isinstance(grads, (list, tuple)) else ()
    return any(v is None or (is_structure(v) and holds_arrays(v)) for v in values)


def _as_array_list(grads):
    """Return the arrays inside `grads` and a function that puts arrays back into the
    same kind of container (single array, list, tuple or dict; or any structure of them,
    nested, as runtime/trees.py reads it: None entries stay None)."""
    if _nested(grads):
        arrays, tree, paths = flatten(grads)
        labels = [f"gradient {path_text('', p)}" for p in paths]
        rebuild = lambda new: unflatten(tree, new)  # noqa: E731
    elif isinstance(grads, np.ndarray):
        arrays, labels, rebuild = [grads], ["gradient"], lambda new: new[0]
    elif isinstance(grads, (list, tuple)):
        arrays, rebuild = list(grads), type(grads)
        labels = [f"gradient {index}" for index in range(len(arrays))]
    elif isinstance(grads, Mapping):
        keys = list(grads)
        arrays, rebuild = [grads[key] for key in keys], lambda new: dict(zip(keys, new))
        labels = [f"gradient {key!r}" for key in keys]
    else:
        raise ValueError(
            "grads must be a NumPy array or a list, tuple, dict, NamedTuple or dataclass of NumPy arrays "
            "(arrays only; nested), "
            f"got {type(grads).__name__}"
        )
    for label, array in zip(labels, arrays):
        if not isinstance(array, np.ndarray):
            raise ValueError(f"{label} must be a NumPy array (arrays only), got {type(array).__name__}")
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"{label} has dtype {array.dtype}; only floating dtypes are supported")
    return arrays, rebuild


def _positive_limit(name, value):
    value = float(value)
    if not (value > 0.0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def _global_norm_of(arrays):
    with np.errstate(over="ignore"):
        sum_of_squares = sum(float(np.sum(np.square(a, dtype=np.float64))) for a in arrays)
    if math.isfinite(sum_of_squares):
        return math.sqrt(sum_of_squares)
    # Squares overflowed (or an entry is inf/nan): rescale by the largest magnitude,
    # which is exactly the situation clipping exists for.
    if any(np.isnan(a).any() for a in arrays):
        return math.nan
    largest = max(float(np.max(np.abs(a))) for a in arrays if a.size)
    if math.isinf(largest):
        return math.inf
    rescaled = sum(float(np.sum(np.square(a / largest, dtype=np.float64))) for a in arrays)
    return largest * math.sqrt(rescaled)


def global_norm(grads):
    """L2 norm of all gradient entries taken together, as a Python float.

    Accumulates in float64 and does not overflow for finite inputs; returns inf if
    any entry is inf and nan if any entry is nan.
    """
    arrays, _ = _as_array_list(grads)
    return _global_norm_of(arrays)


def clip_by_global_norm(grads, max_norm, *, inplace=False):
    """Scale all gradients together so their global L2 norm is at most `max_norm`.

    Returns (clipped_grads, norm) where `norm` is the global norm before clipping and
    `clipped_grads` has the same kind as `grads` (array, list, tuple or dict). When
    norm > max_norm every array is multiplied by max_norm / (norm + 1e-6); otherwise
    values are unchanged. New arrays are returned unless `inplace=True`, which scales
    the given arrays and returns them. A non-finite norm is returned as is with the
    gradients unscaled, so the caller can detect it and skip the step.
    """
    arrays, rebuild = _as_array_list(grads)
    max_norm = _positive_limit("max_norm", max_norm)
    norm = _global_norm_of(arrays)
    if not inplace:
        arrays = [array.copy() for array in arrays]
    if math.isfinite(norm) and norm > max_norm:
        scale = max_norm / (norm + NORM_EPSILON)
        for array in arrays:
            array *= scale
    return rebuild(arrays), norm


def clip_by_value(grads, clip_value, *, inplace=False):
    """Clip every gradient entry to [−clip_value, clip_value].

    Returns the same kind as `grads` (array, list, tuple or dict): new arrays unless
    `inplace=True`, which clips the given arrays and returns them. NaNs stay NaN.
    """
    arrays, rebuild = _as_array_list(grads)
    clip_value = _positive_limit("clip_value", clip_value)
    if not inplace:
        arrays = [array.copy() for array in arrays]
    for array in arrays:
        np.clip(array, -clip_value, clip_value, out=array)
    return rebuild(arrays)
