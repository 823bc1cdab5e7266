"""examples/oscillator.py (shortened): the gradient through the Euler loop checks out and gradient
descent recovers the pendulum's parameters from a noisy trajectory."""
from pathlib import Path

import numpy as np
import pytest

import adjit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "oscillator.py"




@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    pytest.importorskip("matplotlib")
    return tmp_path_factory.mktemp("oscillator") / "oscillator.png"


@pytest.fixture(scope="module")
def results(example, plot_path):
    return example.main(steps=200, plot_path=plot_path)


def test_gradient_check_passes(results):
    report = results["gradient_check"]
    assert report.ok, str(report)
    assert report.names == ["k", "c", "x0", "v0"]


def test_parameters_are_recovered(results, example):
    for name, error in results["relative_errors"].items():
        assert error < 0.03, (name, results["fitted"][name], example.TRUTH[name])
    assert results["fit_rmse"] < 0.01


def test_loss_reaches_the_noise_floor(results):
    losses = results["losses"]
    assert losses[0] > 0.1
    assert losses[-1] < 1.1 * 0.02 ** 2      # the measurement noise's variance is 4e-4
    assert np.all(np.isfinite(losses))


@pytest.mark.parametrize("seed", [1, 2])
def test_other_noise_draws(example, seed):
    clean, target = example.make_target(noise=0.05, seed=seed)
    fitted, losses, _ = example.fit(target, steps=200)
    for name in example.PARAMS:
        assert abs(fitted[name] - example.TRUTH[name]) < 0.05 * abs(example.TRUTH[name]), name


def test_gradient_matches_hand_written_adjoint(example):
    """The reverse of explicit Euler written by hand, against adjit's generated one."""
    k, c, x0, v0 = 3.0, 0.2, 0.9, -0.3
    dt, n = 0.02, 80
    _, target = example.make_target(n=n, dt=dt)
    grads = adjit.grad(example.loss, wrt=example.PARAMS)(k, c, x0, v0, target, dt)
    xs, vs = np.empty(n), np.empty(n)
    x, v = x0, v0
    for i in range(n):
        xs[i], vs[i] = x, v
        x, v = x + dt * v, v + dt * (-k * np.sin(x) - c * v)
    dtraj = 2 * (xs - target) / n
    dx = dv = dk = dc = 0.0
    for i in reversed(range(n)):  # adjoints of x_{i+1}, v_{i+1} -> of x_i, v_i
        dk += dv * dt * -np.sin(xs[i])
        dc += dv * dt * -vs[i]
        dx, dv = dx + dv * dt * -k * np.cos(xs[i]) + dtraj[i], dv + dx * dt - dv * dt * c
    np.testing.assert_allclose(grads, (dk, dc, dx, dv), rtol=1e-10)


def test_plot_is_a_png(results, plot_path):
    assert results["plot"] == plot_path
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
