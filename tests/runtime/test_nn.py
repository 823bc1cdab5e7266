"""adjit.nn: values against NumPy/SciPy, gradients through adjit against finite differences, extremes."""
import ast
from pathlib import Path

import numpy as np
import pytest
import scipy.special as sp

import adjit
from adjit import nn
from adjit.runtime import nn as runtime_nn

ROOT = Path(__file__).resolve().parents[2]
EXTREMES = np.array([-1000.0, -745.0, -40.0, -1.0, -1e-12, 0.0, 1e-12, 1.0, 40.0, 710.0, 1000.0])


def away_from_zero(rng, shape):
    """Random entries with |x| in [0.1, 2]: finite differences never straddle the relu kink."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)


def one_hot_columns(labels, n_classes):
    return (labels[None, :] == np.arange(n_classes)[:, None]).astype(np.float64)


def no_overflow():
    """Overflow, 0/0 and inf - inf raise; underflow to 0 (e^-1000) is expected and allowed."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# ------------------------------------------------------------------------------- the module


def test_adjit_nn_reexports_runtime_nn():
    assert nn.__all__ == runtime_nn.__all__
    assert {"relu", "leaky_relu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "logsumexp",
            "cross_entropy", "cross_entropy_labels", "mse", "batch_norm"} <= set(nn.__all__)
    for name in nn.__all__:
        assert getattr(nn, name) is getattr(runtime_nn, name)


def test_runtime_nn_imports_numpy_only():
    tree = ast.parse((ROOT / "runtime" / "nn.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "." for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"numpy"}


# ----------------------------------------------------------------------- values (plain NumPy)


def test_relu_and_leaky_relu_values(rng):
    x = np.append(rng.standard_normal(50), 0.0)
    np.testing.assert_array_equal(nn.relu(x), np.maximum(x, 0.0))
    np.testing.assert_array_equal(nn.leaky_relu(x), np.where(x > 0, x, 0.01 * x))
    np.testing.assert_array_equal(nn.leaky_relu(x, 0.2), np.where(x > 0, x, 0.2 * x))


def test_sigmoid_tanh_softplus_match_references_everywhere():
    x = np.concatenate([EXTREMES, np.linspace(-50, 50, 1001)])
    with no_overflow():
        s, t, p = nn.sigmoid(x), nn.tanh(x), nn.softplus(x)
    np.testing.assert_allclose(s, sp.expit(x), rtol=1e-15, atol=1e-300)  # full relative accuracy in the tails
    np.testing.assert_array_equal(t, np.tanh(x))
    np.testing.assert_allclose(p, np.logaddexp(0.0, x), rtol=1e-15, atol=0)
    assert nn.sigmoid(-1000.0) == 0.0 and nn.sigmoid(1000.0) == 1.0 and nn.sigmoid(0.0) == 0.5
    assert nn.softplus(1000.0) == 1000.0 and nn.softplus(-1000.0) == 0.0


@pytest.mark.parametrize("axis", [0, 1, -1, None, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(rng, axis, keepdims):
    x = 30 * rng.standard_normal((4, 6))
    np.testing.assert_allclose(nn.logsumexp(x, axis=axis, keepdims=keepdims),
                               sp.logsumexp(x, axis=axis, keepdims=keepdims), rtol=1e-14)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_match_scipy(rng, axis):
    x = 30 * rng.standard_normal((4, 6))
    np.testing.assert_allclose(nn.softmax(x, axis=axis), sp.softmax(x, axis=axis), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(nn.log_softmax(x, axis=axis), sp.log_softmax(x, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(np.sum(nn.softmax(x, axis=axis), axis=axis), 1.0, rtol=1e-15)


def test_softmax_family_at_extremes_has_the_right_limits():
    x = np.array([[1000.0, -1000.0, 1000.0, -1000.0],
                  [-1000.0, 1000.0, 1000.0, -1000.0],
                  [0.0, 0.0, -1000.0, -1000.0]])  # columns are examples: class axis 0
    with no_overflow():
        s, ls, lse = nn.softmax(x, axis=0), nn.log_softmax(x, axis=0), nn.logsumexp(x, axis=0)
    np.testing.assert_allclose(s, [[1, 0, 0.5, 1 / 3], [0, 1, 0.5, 1 / 3], [0, 0, 0, 1 / 3]], rtol=1e-15, atol=0)
    np.testing.assert_allclose(lse, [1000.0, 1000.0, 1000 + np.log(2), -1000 + np.log(3)], rtol=1e-15)
    np.testing.assert_allclose(lse, sp.logsumexp(x, axis=0), rtol=1e-15)
    np.testing.assert_allclose(ls, sp.log_softmax(x, axis=0), rtol=1e-15)
    assert np.all(np.isfinite(ls))


def test_cross_entropy_matches_log_softmax_reference(rng):
    logits = 3 * rng.standard_normal((5, 8))
    labels = rng.integers(0, 5, 8)
    targets = one_hot_columns(labels, 5)
    expected = -np.mean(sp.log_softmax(logits, axis=0)[labels, np.arange(8)])
    np.testing.assert_allclose(nn.cross_entropy(logits, targets), expected, rtol=1e-14)
    np.testing.assert_allclose(nn.cross_entropy_labels(logits, labels), expected, rtol=1e-14)
    soft = sp.softmax(rng.standard_normal((5, 8)), axis=0)  # soft labels, rows as examples with axis=1
    np.testing.assert_allclose(nn.cross_entropy(logits.T, soft.T, axis=1),
                               -np.mean(np.sum(soft * sp.log_softmax(logits, axis=0), axis=0)), rtol=1e-14)


def test_mse_is_the_mean_over_every_entry(rng):
    y, t = rng.standard_normal((3, 7)), rng.standard_normal((3, 7))
    np.testing.assert_allclose(nn.mse(y, t), np.mean((y - t) ** 2), rtol=1e-15)


def test_batch_norm_normalizes_over_the_batch_axis(rng):
    x = 5 + 3 * rng.standard_normal((4, 16))  # (features, batch)
    out = nn.batch_norm(x, np.ones((4, 1)), np.zeros((4, 1)), eps=0.0)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-14)
    np.testing.assert_allclose(out.var(axis=1), 1.0, rtol=1e-13)  # biased variance
    gamma, beta = rng.standard_normal((4, 1)), rng.standard_normal((4, 1))
    expected = gamma * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-5) + beta
    np.testing.assert_allclose(nn.batch_norm(x, gamma, beta), expected, rtol=1e-14)
    images = rng.standard_normal((3, 5, 6))  # (channels, pixels, batch): normalize over axes 1 and 2
    out = nn.batch_norm(images, np.ones((3, 1, 1)), np.zeros((3, 1, 1)), eps=0.0, axis=(1, 2))
    np.testing.assert_allclose(out.var(axis=(1, 2)), 1.0, rtol=1e-13)


def test_batch_norm_matches_torch_training_mode(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((4, 16))
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    expected = torch.nn.functional.batch_norm(torch.from_numpy(x.T), None, None, torch.from_numpy(gamma),
                                              torch.from_numpy(beta), training=True, eps=1e-5).numpy().T
    np.testing.assert_allclose(nn.batch_norm(x, gamma[:, None], beta[:, None]), expected, rtol=1e-12)


# ------------------------------------------------------------------- gradients through adjit
# Each objective weights the output with a fixed random array so every output entry matters.


def obj_relu(x, w):
    return np.sum(w * nn.relu(x))


def obj_leaky_relu(x, w):
    return np.sum(w * nn.leaky_relu(x, 0.1))


def obj_sigmoid(x, w):
    return np.sum(w * nn.sigmoid(x))


def obj_tanh(x, w):
    return np.sum(w * nn.tanh(x))


def obj_softplus(x, w):
    return np.sum(w * nn.softplus(x))


def obj_logsumexp(x, w):
    return np.sum(w[0] * nn.logsumexp(x, axis=0))


def obj_logsumexp_keepdims(x, w):
    return np.sum(w * nn.logsumexp(x, axis=-1, keepdims=True))


def obj_logsumexp_all(x, w):
    return nn.logsumexp(x * w, axis=None)


def obj_softmax(x, w):
    return np.sum(w * nn.softmax(x, axis=0))


def obj_log_softmax(x, w):
    return np.sum(w * nn.log_softmax(x))


def obj_cross_entropy(x, w):
    return nn.cross_entropy(x, nn.softmax(w, axis=0))


def obj_mse(x, w):
    return nn.mse(x, w)


def obj_batch_norm(x, w):
    return np.sum(w * nn.batch_norm(x, w[:, :1], w[:, 1:2]))


GRADIENT_CASES = [obj_relu, obj_leaky_relu, obj_sigmoid, obj_tanh, obj_softplus, obj_logsumexp,
                  obj_logsumexp_keepdims, obj_logsumexp_all, obj_softmax, obj_log_softmax, obj_cross_entropy,
                  obj_mse, obj_batch_norm]


@pytest.mark.parametrize("objective", GRADIENT_CASES, ids=lambda f: f.__name__[4:])
def test_gradient_matches_central_differences(objective, rng):
    x, w = away_from_zero(rng, (4, 5)), rng.standard_normal((4, 5))
    report = adjit.check_grad(objective, x, w, wrt=(0, 1))
    assert report.ok, f"{objective.__name__}\n{report}"


def single_example_cross_entropy(logits, targets):
    return nn.cross_entropy(logits, targets)


def leaky_relu_with_alpha_argument(x, alpha):
    return np.sum(nn.leaky_relu(x, alpha) ** 2)


def batch_norm_over_two_axes(x, gamma, beta):
    return np.sum(nn.batch_norm(x, gamma, beta, axis=(1, 2)) ** 3)


def scalar_activations(x):
    return nn.sigmoid(x) * nn.softplus(x) + nn.tanh(x)


def other_cases(rng):
    return [
        (single_example_cross_entropy, (rng.standard_normal(5), np.eye(5)[2]), 0),
        (leaky_relu_with_alpha_argument, (away_from_zero(rng, 6), 0.2), (0, 1)),
        (batch_norm_over_two_axes, (rng.standard_normal((3, 5, 2)), rng.standard_normal((3, 1, 1)),
                                    rng.standard_normal((3, 1, 1))), (0, 1, 2)),
        (scalar_activations, (0.3,), 0),
    ]


@pytest.mark.parametrize("case", range(4), ids=["1-D cross_entropy", "alpha argument", "batch_norm axes",
                                                "Python float"])
def test_other_shapes_and_arguments_pass_the_gradient_check(case, rng):
    objective, args, wrt = other_cases(rng)[case]
    report = adjit.check_grad(objective, *args, wrt=wrt)
    assert report.ok, f"{objective.__name__}\n{report}"


def cross_entropy_labels_loss(logits, labels):
    return nn.cross_entropy_labels(logits, labels)


def test_cross_entropy_labels_gradient_is_softmax_minus_one_hot_over_batch(rng):
    logits, labels = rng.standard_normal((6, 9)), rng.integers(0, 6, 9)
    report = adjit.check_grad(cross_entropy_labels_loss, logits, labels, wrt=0)
    assert report.ok, str(report)
    value, grad = adjit.value_and_grad(cross_entropy_labels_loss)(logits, labels)
    np.testing.assert_allclose(value, nn.cross_entropy_labels(logits, labels), rtol=1e-14)
    np.testing.assert_allclose(grad, (sp.softmax(logits, axis=0) - one_hot_columns(labels, 6)) / 9, rtol=1e-12,
                               atol=1e-16)


def sum_relu(x):
    return np.sum(nn.relu(x))


def sum_leaky_relu(x):
    return np.sum(nn.leaky_relu(x, 0.25))


def sum_sigmoid(x):
    return np.sum(nn.sigmoid(x))


def sum_tanh(x):
    return np.sum(nn.tanh(x))


def sum_softplus(x):
    return np.sum(nn.softplus(x))


def test_activation_derivatives_are_the_seeds_formulas():
    x = np.concatenate([np.linspace(-6, 6, 25), [0.0, -0.0]])  # includes the tie x == 0
    np.testing.assert_array_equal(adjit.grad(sum_relu)(x), np.where(x > 0, 1.0, 0.0))  # 1 if x > 0 else 0
    np.testing.assert_array_equal(adjit.grad(sum_leaky_relu)(x), np.where(x > 0, 1.0, 0.25))  # 1 if x > 0 else α
    f = sp.expit(x)
    np.testing.assert_allclose(adjit.grad(sum_sigmoid)(x), f * sp.expit(-x), rtol=1e-14)  # f·(1 − f)
    # 1 − f²: its rounding is absolute (about one ulp of 1), and adjit's tanh kernel (by the CPU's ISA) may
    # differ from NumPy's in the last bit
    np.testing.assert_allclose(adjit.grad(sum_tanh)(x), 1 - np.tanh(x) ** 2, rtol=1e-14, atol=4.5e-16)
    np.testing.assert_allclose(adjit.grad(sum_softplus)(x), f, rtol=1e-15)  # softplus' = sigmoid
    assert adjit.grad(sum_sigmoid)(np.array([0.0]))[0] == 0.25
    assert adjit.grad(sum_softplus)(np.array([0.0]))[0] == 0.5


def lse_rows(x):
    return np.sum(nn.logsumexp(x, axis=-1))


def test_logsumexp_gradient_is_softmax(rng):
    x = 10 * rng.standard_normal((3, 7))
    np.testing.assert_allclose(adjit.grad(lse_rows)(x), sp.softmax(x, axis=-1), rtol=1e-13, atol=1e-300)


# ------------------------------------------------------------------ extremes through adjit


def weighted_softmax(x, w):
    return np.sum(w * nn.softmax(x, axis=0))


def weighted_log_softmax(x, w):
    return np.sum(w * nn.log_softmax(x, axis=0))


def weighted_logsumexp(x, w):
    return np.sum(w[0] * nn.logsumexp(x, axis=0))


def sum_cross_entropy(x, w):
    return nn.cross_entropy(x, w)


EXTREME_LOGITS = np.array([[1000.0, -1000.0, 1000.0, -1000.0, 3.0],
                           [-1000.0, 1000.0, 1000.0, -1000.0, -2.0],
                           [0.0, 0.0, -1000.0, -1000.0, 1000.0]])


def test_sigmoid_and_softplus_at_extremes_through_adjit():
    value, grad = adjit.value_and_grad(sum_sigmoid)(EXTREMES)
    assert np.all(np.isfinite(grad)) and np.isfinite(value)
    np.testing.assert_allclose(value, np.sum(sp.expit(EXTREMES)), rtol=1e-15)
    f = sp.expit(EXTREMES)
    np.testing.assert_allclose(grad, f * sp.expit(-EXTREMES), rtol=1e-14, atol=1e-300)  # f·(1 − f), 1 − f exact
    assert grad[0] == 0.0 and grad[-1] == 0.0  # the limits at ±1000
    value, grad = adjit.value_and_grad(sum_softplus)(EXTREMES)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, sp.expit(EXTREMES), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("objective", [weighted_softmax, weighted_log_softmax, weighted_logsumexp,
                                       sum_cross_entropy], ids=lambda f: f.__name__)
def test_softmax_family_at_extremes_through_adjit(objective, rng):
    w = sp.softmax(rng.standard_normal(EXTREME_LOGITS.shape), axis=0)
    value, (dx, dw) = adjit.value_and_grad(objective, wrt=(0, 1))(EXTREME_LOGITS, w)
    assert np.isfinite(value) and np.all(np.isfinite(dx)) and np.all(np.isfinite(dw))
    with no_overflow():
        np.testing.assert_allclose(value, objective(EXTREME_LOGITS, w), rtol=1e-14)


def test_extreme_gradients_have_the_right_limits(rng):
    w = rng.standard_normal(EXTREME_LOGITS.shape)
    s = sp.softmax(EXTREME_LOGITS, axis=0)
    dx, dw = adjit.grad(weighted_logsumexp, wrt=(0, 1))(EXTREME_LOGITS, w)
    np.testing.assert_allclose(dx, w[0] * s, rtol=1e-14, atol=0)  # d logsumexp = softmax, exactly 0 or 1/2 here
    np.testing.assert_allclose(dw[0], sp.logsumexp(EXTREME_LOGITS, axis=0), rtol=1e-15)
    dx = adjit.grad(weighted_softmax)(EXTREME_LOGITS, w)
    np.testing.assert_allclose(dx, s * (w - np.sum(w * s, axis=0)), rtol=1e-12, atol=1e-300)
    assert np.all(dx[:, :2] == 0.0)  # saturated columns: no gradient
    targets = one_hot_columns(np.array([0, 0, 2, 1, 2]), 3)
    value, dx = adjit.value_and_grad(sum_cross_entropy)(EXTREME_LOGITS, targets)
    np.testing.assert_allclose(value, (0 + 2000 + (2000 + np.log(2)) + np.log(3) + 0) / 5, rtol=1e-14)
    np.testing.assert_allclose(dx, (s - targets) / 5, rtol=1e-14, atol=1e-300)


# ------------------------------------------------------------------------ dtypes and networks


def test_float32_gradients_stay_float32_and_agree_with_float64(rng):
    x, w = away_from_zero(rng, (4, 5)), rng.standard_normal((4, 5))
    for objective in (obj_sigmoid, obj_softplus, obj_log_softmax, obj_batch_norm):
        g64 = adjit.grad(objective)(x, w)
        g32 = adjit.grad(objective)(x.astype(np.float32), w.astype(np.float32))
        assert g32.dtype == np.float32, objective.__name__
        np.testing.assert_allclose(g32, g64, rtol=2e-4, atol=2e-5, err_msg=objective.__name__)


def network_loss(W1, gamma, beta, W2, b2, x, labels):
    """Linear (no bias: batch norm would cancel it) -> batch norm -> activations -> linear -> cross-entropy."""
    h = nn.leaky_relu(nn.batch_norm(W1 @ x, gamma, beta), 0.1)
    h = nn.sigmoid(h) * nn.tanh(h) + nn.softplus(h)
    return nn.cross_entropy_labels(W2 @ h + b2, labels) + 1e-2 * nn.mse(W2, 0.0)


def test_a_network_built_from_the_blocks_passes_the_gradient_check(rng):
    args = (rng.standard_normal((5, 4)), 1 + 0.1 * rng.standard_normal((5, 1)), 0.1 * rng.standard_normal((5, 1)),
            rng.standard_normal((3, 5)), rng.standard_normal((3, 1)), rng.standard_normal((4, 6)),
            rng.integers(0, 3, 6))
    report = adjit.check_grad(network_loss, *args, wrt=("W1", "gamma", "beta", "W2", "b2"))
    assert report.ok, str(report)
