"""Differentiable neural-network building blocks: activations, softmax family, losses, batch norm."""
import numpy as np

__all__ = ["relu", "leaky_relu", "sigmoid", "tanh", "softplus", "logsumexp", "softmax", "log_softmax",
           "cross_entropy", "cross_entropy_labels", "mse", "batch_norm"]

# Conventions (the seed's column batch): a batch is stored as columns, x has shape (features, batch),
# so logits are (classes, batch), the class axis is 0 and the batch axis is -1. Losses sum over the
# class/feature axis and average over the batch.
#
# Every function is straight-line NumPy in the subset adjit differentiates (docs/supported.md): when
# called inside a function given to adjit.grad it is inlined and differentiated through; called
# directly it is plain NumPy. Branch-free stability tricks use np.where on *finite* branches only,
# because the derivative of np.where multiplies the untaken branch's derivative by 0 and 0 * inf is nan.


def _stop_gradient(x):
    """x itself; adjit lets no derivative flow through it (the frontend knows the attribute below)."""
    return x


_stop_gradient.__adjit_primitive__ = "stop_gradient"


# ------------------------------------------------------------------------------------ activations


def relu(x):
    """max(0, x); derivative 1 if x > 0 else 0 (0 at the tie x == 0, as the seed writes it)."""
    return np.where(x > 0, x, 0.0)


def leaky_relu(x, alpha=0.01):
    """x if x > 0 else alpha * x; derivative 1 if x > 0 else alpha."""
    return np.where(x > 0, x, alpha * x)


def sigmoid(x):
    """1 / (1 + e^-x), derivative f * (1 - f); stable for any x (no overflow, full relative accuracy).

    With z = e^-|x| <= 1: f = 1 / (1 + z) for x >= 0 and z / (1 + z) for x < 0. |x| is written as
    a where() on the same condition so that the derivative at 0 is 1/4, not 0 (d|x|/dx = sign(0) = 0)."""
    z = np.exp(np.where(x >= 0, -x, x))
    return np.where(x >= 0, 1.0, z) / (1.0 + z)


def tanh(x):
    """Hyperbolic tangent; derivative 1 - f^2."""
    return np.tanh(x)


def softplus(x):
    """log(1 + e^x) computed as max(x, 0) + log1p(e^-|x|); derivative sigmoid(x), 1/2 at 0."""
    positive = x >= 0
    return np.where(positive, x, 0.0) + np.log1p(np.exp(np.where(positive, -x, x)))


# --------------------------------------------------------------------------------- softmax family


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x), axis)) shifted by the maximum so nothing overflows; derivative softmax(x).

    The shift is a constant for differentiation (the result does not depend on it)."""
    m = _stop_gradient(np.max(x, axis=axis, keepdims=True))
    s = np.sum(np.exp(x - m), axis=axis, keepdims=keepdims)
    return np.log(s) + np.sum(m, axis=axis, keepdims=keepdims)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x), axis), shifted by the maximum; sums to 1 along `axis`."""
    e = np.exp(x - _stop_gradient(np.max(x, axis=axis, keepdims=True)))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """x - logsumexp(x, axis): the log of softmax without forming softmax (finite for any finite x)."""
    shifted = x - _stop_gradient(np.max(x, axis=axis, keepdims=True))
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


# ------------------------------------------------------------------------------------------ losses


def cross_entropy(logits, targets, axis=0):
    """Mean over the batch of -sum(targets * log_softmax(logits, axis), axis).

    `targets` are probabilities (one-hot floats, or soft labels) with the shape of `logits`;
    `axis` is the class axis (0 for the column batch (classes, batch))."""
    return -np.mean(np.sum(targets * log_softmax(logits, axis), axis=axis))


def cross_entropy_labels(logits, labels):
    """cross_entropy for integer class labels: logits (classes, batch), labels (batch,) in [0, classes).

    The one-hot mask is a comparison with a broadcast arange (no fancy indexing)."""
    one_hot = labels[None, :] == np.arange(logits.shape[0])[:, None]
    return -np.mean(np.sum(np.where(one_hot, log_softmax(logits, 0), 0.0), axis=0))


def mse(y, t):
    """Mean squared error, mean(|y - t|^2) over every entry (as PyTorch's mse_loss)."""
    return np.mean(np.square(y - t))


# ------------------------------------------------------------------------------- normalization


def batch_norm(x, gamma, beta, eps=1e-5, axis=-1):
    """Training-mode batch normalization: gamma * (x - mean) / sqrt(var + eps) + beta.

    Mean and biased variance are taken over `axis`, the batch axis (or a tuple of axes): -1 for the
    column batch (features, batch), with gamma and beta of shape (features, 1)."""
    mean = np.mean(x, axis=axis, keepdims=True)
    centered = x - mean
    var = np.mean(np.square(centered), axis=axis, keepdims=True)
    return gamma * centered / np.sqrt(var + eps) + beta
