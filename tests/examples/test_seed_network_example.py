"""examples/seed_network.py runs (shortened), agrees with the seed's hand-written backward pass,
passes its gradient check, trains, and works with `python -m adjit show`."""
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
    # the gradient check's sizes (so its compiled gradient is reused), other values
    args = example.example_args(batch=4, sizes=(6, 5, 3), seed=5)
    for name, ours, theirs in zip(example.PARAMS, example.loss(*args), example.seed_backward(*args)):
        assert ours.shape == theirs.shape, name
        assert example.max_relative_difference(ours, theirs) < 1e-10, name


def test_cli_shows_the_adjoint(capsys, monkeypatch):
    """`python -m adjit show examples/seed_network.py:loss`, its main() called here (the `-m`
    entry itself runs in a subprocess in tests/compiler/test_errors.py)."""
    from adjit.__main__ import main

    monkeypatch.setattr(sys, "path", list(sys.path))  # the command puts the script's folder first
    assert main(["show", f"{ROOT / 'examples' / 'seed_network.py'}:loss"]) == 0
    out = capsys.readouterr().out
    assert "dW2 = " in out
    assert "# h = np.tanh(W1 @ x + b1)" in out
    for name in ("dW1", "db1", "db2"):
        assert f"{name} = " in out
