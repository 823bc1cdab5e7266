"""examples/rnn.py (shortened): the gradient through the time loop checks out, gradients vanish for
a small recurrent scale and explode for a large one, and clipping keeps training finite where the
unclipped run blows up."""
from pathlib import Path

import numpy as np
import pytest

import adjit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "rnn.py"




@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    pytest.importorskip("matplotlib")
    return tmp_path_factory.mktemp("rnn") / "rnn.png"


@pytest.fixture(scope="module")
def results(example, plot_path):
    return example.main(steps=300, plot_path=plot_path)


def test_gradient_check_passes(results):
    report = results["gradient_check"]
    assert report.ok, str(report)
    assert report.names == ["Wx", "Wh", "b", "Wy", "by", "xs", "probe"]


def test_gradients_vanish_below_one_and_explode_above(results):
    norms = results["norms"]
    assert norms[0.5]["ratio"] < 1e-10          # 0.5^39 ~ 2e-12, times tanh' <= 1
    assert norms[0.9]["ratio"] < 1e-2
    assert norms[1.0]["ratio"] < 1.0            # tanh' < 1 makes even rho = 1 lose signal
    assert norms[2.0]["ratio"] > 1e2
    assert norms[3.0]["ratio"] > 1e4
    ratios = [norms[rho]["ratio"] for rho in sorted(norms)]
    assert all(a < b for a, b in zip(ratios, ratios[1:]))   # monotone in the scale
    for n in norms.values():  # the probe's gradient and the input's gradient tell the same story
        assert np.all(np.isfinite(n["h"])) and np.all(np.isfinite(n["x"]))
        assert (n["h"][0] < n["h"][-1]) == (n["x"][0] < n["x"][-1])


def test_clipping_tames_the_explosion(results):
    unclipped, clipped = results["unclipped"], results["clipped"]
    assert unclipped["diverged_at"] is not None and unclipped["diverged_at"] < 50
    with np.errstate(all="ignore"):
        assert not np.all(unclipped["losses"] < 1e6)          # overflowed to 1e6+ or inf/nan
    assert clipped["first_nonfinite"] is None and clipped["diverged_at"] is None
    assert np.all(np.isfinite(clipped["losses"]))
    assert np.mean(clipped["losses"][-30:]) < 0.25 * clipped["losses"][0]
    assert clipped["held_out"] < 0.25
    assert np.median(clipped["norms"]) < 1e3 < np.nanmax(unclipped["norms"])


def test_probe_gradient_is_the_hidden_state_gradient(example):
    """d loss / d probe[t] equals d loss / d h_t: check the last step against the closed form. The
    gradient check's wrt and sizes (4 units, batch 3), 5 steps rather than its 6: the sequence
    length is a loop bound, so this reuses the check's compiled gradient."""
    Wx, Wh, b, Wy, by, xs, y, probe = example.example_args(T=5, n_hidden=4, batch=3, rho=1.5, seed=3)
    wrt = example.PARAMS + ("xs", "probe")
    dprobe = adjit.grad(example.rnn_loss, wrt=wrt)(Wx, Wh, b, Wy, by, xs, y, probe)[-1]
    h = np.zeros((4, 3))
    for t in range(5):
        h = np.tanh(Wx @ xs[t] + Wh @ h + b)
    dh_last = Wy.T @ (2 * (Wy @ h + by - y) / y.size)
    np.testing.assert_allclose(dprobe[-1], dh_last, rtol=1e-12, atol=1e-15)


def test_plot_is_a_png(results, plot_path):
    assert results["plot"] == plot_path
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
