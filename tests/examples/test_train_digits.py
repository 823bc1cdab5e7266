"""examples/train_digits.py trains (shortened), lowers its loss, plots, and matches PyTorch step for step."""
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("tqdm")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "train_digits.py"
# Batches of 24: the last batch of an epoch (1437 = 59 x 24 + 21) gets the same specialization of the
# gradient as the others, one compile per model (the default 32 leaves 29, a second one: the
# generated code depends on the batch's size class).
BATCH = 24




@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    pytest.importorskip("matplotlib")
    return tmp_path_factory.mktemp("digits") / "curves.png"


@pytest.fixture(scope="module")
def results(example, plot_path):
    return example.main(epochs=5, quick=True, plot=plot_path, batch_size=BATCH)


def test_short_run_learns_the_digits(results):
    assert results["test_accuracy"] > 0.93
    assert results["train_accuracy"] > 0.93
    assert results["torch"] is None  # quick runs skip the comparison


def test_loss_goes_down(results):
    history = results["history"]
    assert len(history["train_loss"]) == 6  # the untrained network, then after each of 5 epochs
    assert history["train_loss"][0] > 2.0  # about log(10) before training
    assert history["train_loss"][-1] < 0.25 * history["train_loss"][0]
    assert all(b < a for a, b in zip(history["train_loss"], history["train_loss"][1:]))
    assert history["test_loss"][-1] < history["test_loss"][0]


def test_timings_are_reported(results):
    assert results["time_per_epoch"] > 0
    assert 0 < results["optimizer_fraction"] < 1


def test_plot_is_a_png(results, plot_path):
    assert results["plot"] == plot_path
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_is_standardized_columns(example):
    x_train, y_train, x_test, y_test = example.load_data()
    assert x_train.shape == (64, 1437) and x_test.shape == (64, 360)
    assert y_train.dtype == np.int64 and set(np.unique(y_train)) == set(range(10))
    np.testing.assert_allclose(x_train.mean(axis=1), 0.0, atol=1e-12)
    assert x_train.flags.c_contiguous


def test_deep_variant_with_momentum_learns(example):
    results = example.main(epochs=3, quick=True, deep=True, optimizer="momentum", batch_size=BATCH)
    assert results["test_accuracy"] > 0.9
    assert results["history"]["train_loss"][-1] < results["history"]["train_loss"][0]


@pytest.mark.parametrize("deep, optimizer", [(False, "adam"), (True, "momentum")])
def test_pytorch_run_reaches_the_same_weights(example, deep, optimizer):
    pytest.importorskip("torch")
    results = example.main(epochs=1, quick=True, deep=deep, optimizer=optimizer, compare_torch=True, batch_size=BATCH)
    comparison = results["torch"]
    assert comparison["max_weight_difference"] < 1e-10
    assert comparison["time_per_epoch"] > 0 and 0 < comparison["optimizer_fraction"] < 1


def test_command_line_flags(example):
    args = example.parse_args(["--deep", "--optimizer", "momentum", "--no-compare-torch", "--epochs", "7"])
    assert args.deep and args.optimizer == "momentum" and not args.compare_torch and args.epochs == 7
    assert Path(example.parse_args([]).plot) == ROOT / "examples" / "out" / "digits.png"


def test_cli_shows_the_adjoint(capsys, monkeypatch):
    """`python -m adjit show examples/train_digits.py:loss --wrt W1 b1 W2 b2`, its main() called here
    (the `-m` entry itself runs in a subprocess in tests/compiler/test_errors.py)."""
    from adjit.__main__ import main

    monkeypatch.setattr(sys, "path", list(sys.path))  # the command puts the script's folder first
    assert main(["show", f"{EXAMPLE}:loss", "--wrt", "W1", "b1", "W2", "b2"]) == 0
    out = capsys.readouterr().out
    for name in ("dW1", "db1", "dW2", "db2"):
        assert f"{name} = " in out
