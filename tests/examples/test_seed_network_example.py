"""examples/seed_network.py runs (shortened), agrees with the seed's hand-written backward pass,
passes its gradient check, trains, and works with `python -m adjit show`."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "seed_network.py"




@pytest.fixture(scope="module")
def results(example):
    return example.main(steps=40, quick=True)


def test_gradients_agree_with_the_seeds_formulas(results):
    assert set(results["agreement"]) == {"W1", "b1", "W2", "b2"}
    for name, difference in results["agreement"].items():
        assert difference < 1e-10, (name, difference)


def test_gradient_check_passes(results):
    report = results["gradient_check"]
    assert report.ok, str(report)
    assert report.names == ["W1", "b1", "W2", "b2"]


def test_training_lowers_the_loss(results):
    history = results["history"]
    steps = [step for step, _, _ in history]
    assert steps[0] == 0 and steps[-1] == 40
    train_errors = [train for _, train, _ in history]
    assert train_errors[-1] < 0.5 * train_errors[0]
    assert all(later < earlier for earlier, later in zip(train_errors, train_errors[1:]))


def test_hand_backward_matches_adjit_on_other_shapes(example):
    args = example.example_args(batch=3, sizes=(7, 4, 2), seed=5)
    for name, ours, theirs in zip(example.PARAMS, example.loss(*args), example.seed_backward(*args)):
        assert ours.shape == theirs.shape, name
        assert example.max_relative_difference(ours, theirs) < 1e-10, name


def test_cli_shows_the_adjoint():
    proc = subprocess.run([sys.executable, "-m", "adjit", "show", "examples/seed_network.py:loss"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "dW2 = " in proc.stdout
    assert "# h = np.tanh(W1 @ x + b1)" in proc.stdout
    for name in ("dW1", "db1", "db2"):
        assert f"{name} = " in proc.stdout
