"""examples/distributed_training.py trains the digits network on a LocalCluster it starts (shortened),
with the single-process losses, and reports its timings."""
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "distributed_training.py"


@pytest.fixture(scope="module")
def results(example):
    return example.main(steps=8, overhead_steps=0)  # check=True: the losses equal one process's


def test_trains_on_two_workers_like_one_process(results):
    assert results["workers"] == 2
    assert results["losses"][-1] < 0.5 * results["losses"][0]
    assert results["difference"] < 1e-9
    assert results["accuracy"] > 0.5


def test_timings_are_reported(results):
    assert results["step_time"] > 0 and results["single_time"] > 0
