"""examples/vanishing_gradients.py: per-layer gradient norms of a 10-layer network show sigmoid's
gradients vanishing toward the input while tanh + Xavier and relu + He keep their scale."""
from pathlib import Path

import numpy as np
import pytest

import adjit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "vanishing_gradients.py"




@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    pytest.importorskip("matplotlib")
    return tmp_path_factory.mktemp("vanishing") / "layers.png"


@pytest.fixture(scope="module")
def results(example, plot_path):
    return example.main(draws=3, plot_path=plot_path)


def test_gradient_checks_pass(results):
    reports = results["gradient_check"]
    assert set(reports) == {"sigmoid", "tanh", "relu"}
    for name, report in reports.items():
        assert report.ok, f"{name}: {report}"


def test_every_combination_is_measured(results):
    norms = results["norms"]
    assert set(norms) == {(a, i) for a in ("sigmoid", "tanh", "relu") for i in ("xavier", "he")}
    for r in norms.values():
        for key in ("W", "h", "rms"):
            assert r[key].shape == (10,) and np.all(np.isfinite(r[key])) and np.all(r[key] > 0)


@pytest.mark.parametrize("init", ["xavier", "he"])
def test_sigmoid_gradients_vanish_toward_the_input(results, init):
    r = results["norms"]["sigmoid", init]
    assert r["W_first_over_last"] < 1e-4
    assert r["h_first_over_last"] < 1e-3
    assert np.all(np.diff(r["W"]) > 0) and np.all(np.diff(r["h"]) > 0)   # shrinks at every layer
    assert r["W"][0] < 1e-4 * results["norms"]["relu", "he"]["W"][0]


def test_relu_with_he_keeps_the_scale(results):
    r = results["norms"]["relu", "he"]
    assert r["W_max_over_min"] < 10                      # within an order of magnitude
    assert 1 / 3 < r["h_first_over_last"] < 3
    assert 0.5 < r["rms"].min() and r["rms"].max() < 2   # He keeps the activations at unit scale


def test_tanh_with_xavier_keeps_the_scale(results):
    r = results["norms"]["tanh", "xavier"]
    assert r["W_max_over_min"] < 3
    assert 0.1 < r["h_first_over_last"] < 1


def test_relu_with_xavier_loses_a_factor_sqrt2_per_layer(results):
    xavier, he = results["norms"]["relu", "xavier"], results["norms"]["relu", "he"]
    assert 0.02 < xavier["h_first_over_last"] < 0.1      # 2 ** -4.5 = 0.044
    assert xavier["rms"][-1] < 0.1 * xavier["rms"][0]
    assert he["W"][-1] > 30 * xavier["W"][-1]


def test_other_depths_share_the_compiled_loss(example):
    """The depth is a run-time loop bound: stacks of 4 and 7 layers run through one compiled
    specialization (the gradient check's tanh one: the width, outputs and batch are the check's),
    and their gradients match the closed form of the last layer."""
    grads = adjit.grad(example.loss, wrt=("W", "b", "V", "probe"))
    c = grads._compiled
    keys = set()
    for depth in (4, 7):
        W, b, V, x, t, probe = example.make_network("he", depth, 5, 2, 4, np.random.default_rng(depth))
        args = (W, b, V, x, t, probe, 1)
        dW, db, dV, dprobe = grads(*args)
        keys.add(c._spec_for(c._bind(args, {})).key)
        assert dW.shape == (depth, 5, 5) and dprobe.shape == (depth, 5, 4)
        hs = [x]
        for l in range(depth):
            hs.append(np.tanh(W[l] @ hs[-1] + b[l]))
        dy = 2 * (V @ hs[-1] - t) / t.size              # d mse / d (V h_L)
        dh = V.T @ dy                                   # d mse / d h_L
        np.testing.assert_allclose(dprobe[-1], dh, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(dV, dy @ hs[-1].T, rtol=1e-12, atol=1e-15)
        dz = dh * (1 - hs[-1] ** 2)
        np.testing.assert_allclose(dW[-1], dz @ hs[-2].T, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db[-1], dz.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-15)
    assert len(keys) == 1, keys


def test_plot_is_a_png(results, plot_path):
    assert results["plot"] == plot_path
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
