"""adjit.distributed on a real LocalCluster on loopback (2 worker processes, 1 thread each, one
cluster for the module): sums of per-chunk gradients equal to one process, a training trajectory
equal to one process's, a worker killed mid-step, and a function defined in a script's __main__.
The chunk shapes are few (a gradient's specialization depends on its size class, and every
worker process compiles or loads each one it meets)."""
from __future__ import annotations

import os
import pickle
import signal
import time

import numpy as np
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import adjit  # noqa: E402
import adjit.distributed as ad  # noqa: E402


def mean_loss(W, b, x, t):
    """A mean over the examples (columns), with a parameter per layer: weights="mean"."""
    return np.sum((np.tanh(W @ x + b) - t) ** 2) / x.shape[1]


def sum_loss(w, x, t):
    """A sum over the examples (rows)."""
    return np.sum((np.tanh(x @ w) - t) ** 2)


def _cluster(n_workers=2, amm=True):
    """A LocalCluster on loopback; amm=False: without the Active Memory Manager, which would
    remove the extra copies of chunks kept for resilience (scatter_batches(replicas=2))."""
    with dask.config.set({"distributed.scheduler.active-memory-manager.start": amm}):
        return _start(n_workers)


def _start(n_workers):
    cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1", scheduler_port=0,
                                       silence_logs=50)
    return cluster, distributed.Client(cluster)


@pytest.fixture(scope="module")
def client():
    cluster, client = _cluster(amm=False)
    yield client
    client.close()
    cluster.close()


def _mean_data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal((5, 8)) * 0.3, np.zeros((5, 1))]
    return params, rng.standard_normal((8, n)), rng.standard_normal((5, n))


def _close(a, b, rtol=1e-12):
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-15)


def _warm(client, g, *args):
    """Every worker ready for g's specialization at these arguments: one worker compiles it into
    the disk cache, then the others load it (two processes meeting a new specialization at once
    both compile it: Numba locks only the writes of its cache index)."""
    first = sorted(client.scheduler_info()["workers"])[0]
    client.submit(g, *args, workers=[first], pure=False).result()
    client.run(g, *args)


def test_split_sizes_and_axes():
    x, y = np.arange(20.0).reshape(2, 10), np.arange(10)
    chunks = ad.split((x, y), n_chunks=3, axis=(1, 0))
    assert [c[1].tolist() for c in chunks] == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert all(c[0].shape == (2, len(c[1])) and c[0].flags.c_contiguous for c in chunks)
    assert [len(c[0]) for c in ad.split((y,), chunk_size=4)] == [4, 4, 2]
    with pytest.raises(ValueError, match="same batch size"):
        ad.split((x, y[:5]), n_chunks=2, axis=(1, 0))
    with pytest.raises(ValueError, match="exactly one"):
        ad.split((y,))


def test_sum_of_chunks_equals_one_process(client):
    rng = np.random.default_rng(1)
    w, x, t = rng.standard_normal(6), rng.standard_normal((100, 6)), rng.standard_normal(100)
    g = adjit.value_and_grad(sum_loss)
    v1, g1 = g(w, x, t)
    _warm(client, g, w, x[:14], t[:14])  # the chunks' specialization (a size class of its own)
    batches = ad.scatter_batches(client, (x, t), n_chunks=7)
    assert batches.sizes == [14, 14, 14, 15, 14, 14, 15] and batches.total == 100
    value, grad = ad.value_and_grad_sum(client, g, (w,), batches, fan_in=3)
    assert value == pytest.approx(v1, rel=1e-13)
    np.testing.assert_allclose(grad, g1, rtol=1e-12)

    # a mean over the batch: chunk k weighted by n_k / N (uneven: 90, 90, 60)
    params, x, t = _mean_data()
    g = adjit.value_and_grad(mean_loss, wrt=(0, 1))
    v1, g1 = g(*params, x, t)
    # one specialization for 90 and 60 (and 240); C-ordered as the chunks are
    _warm(client, g, *params, np.ascontiguousarray(x[:, :90]), np.ascontiguousarray(t[:, :90]))
    batches = ad.scatter_batches(client, (x, t), chunk_size=90, axis=1)
    assert batches.sizes == [90, 90, 60]
    value, grads = ad.value_and_grad_sum(client, g, params, batches, weights="mean")
    assert value == pytest.approx(v1, rel=1e-13)
    _close(grads, g1)


def test_rescattering_identical_data_cancels_nothing(client):
    x = np.ones(50)
    first = ad.scatter_batches(client, (x,), n_chunks=2)
    pending = [client.submit(np.sum, f, pure=False) for f in first.futures]
    second = ad.scatter_batches(client, (x,), n_chunks=2)  # the same bytes: new keys all the same
    assert {f.key for f in first.futures}.isdisjoint(f.key for f in second.futures)
    del second
    assert [float(np.sum(r[0])) for r in client.gather([client.submit(lambda c: c, f) for f in first.futures])] == [25, 25]
    assert len(client.gather(pending)) == 2


def test_training_trajectory_equals_one_process(client):
    params, x, t = _mean_data()
    g = adjit.value_and_grad(mean_loss, wrt=(0, 1))
    batches = ad.scatter_batches(client, (x, t), n_chunks=4, axis=1)
    with ad.Trainer(client, g, adjit.optim.Adam([p.copy() for p in params], lr=0.01), batches,
                    weights="mean") as trainer:
        losses = trainer.run(6)
        final = trainer.params()
    ref = adjit.optim.Adam([p.copy() for p in params], lr=0.01)
    expected = []
    for _ in range(6):
        v, grads = g(*ref.params, x, t)
        expected.append(v)
        ref.step(list(grads))
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert losses[-1] < losses[0]
    _close(final, ref.params, rtol=1e-10)


def test_dask_array_map_blocks(client):
    params, x, t = _mean_data()
    g = adjit.value_and_grad(mean_loss, wrt=(0, 1))
    da = pytest.importorskip("dask.array")  # not at the top: every worker imports this module (its losses)
    X, L = da.from_array(x, chunks=(8, 60)), da.from_array(t, chunks=(5, 60))
    value, grads = ad.value_and_grad_blocks(g, params, X, L, axis=1, weights="mean")
    v1, g1 = g(*params, x, t)
    assert value == pytest.approx(v1, rel=1e-13)
    _close(grads, g1)


MAIN_SCRIPT = '''
import numpy as np

def loss(w, x, t):
    return np.sum((np.tanh(x @ w) - t) ** 2)
'''


def test_function_defined_in_main(client, tmp_path):
    """A loss defined in a script run as __main__: the workers rebuild it from its source. The
    script's file runs here as `python script.py` runs it, in a namespace named __main__ (a
    subprocess proved nothing more and cost a third interpreter): the loss's module is __main__,
    which no worker can import, so only its source can travel."""
    script = tmp_path / "main_loss.py"
    script.write_text(MAIN_SCRIPT)
    ns = {"__name__": "__main__", "__file__": str(script)}
    exec(compile(MAIN_SCRIPT, str(script), "exec"), ns)
    assert ns["loss"].__module__ == "__main__"
    rng = np.random.default_rng(2)
    w, x, t = rng.standard_normal(4), rng.standard_normal((40, 4)), rng.standard_normal(40)
    g = adjit.value_and_grad(ns["loss"])
    v1, g1 = g(w, x, t)
    _warm(client, g, w, x[:10], t[:10])
    value, grad = ad.value_and_grad_sum(client, g, (w,), ad.scatter_batches(client, (x, t), n_chunks=4))
    assert value == pytest.approx(v1, rel=1e-13)
    np.testing.assert_allclose(grad, g1, rtol=1e-12)
    assert b"np.tanh(x @ w)" in pickle.dumps(g)  # what the workers received: the loss's source


class Slow:
    """A gradient that takes a while per chunk (so a worker can be killed while it runs)."""

    def __init__(self, g, seconds):
        self.g, self.seconds = g, seconds

    def __call__(self, *args):
        time.sleep(self.seconds)
        return self.g(*args)


def test_worker_killed_mid_step(client):
    """Chunks kept on both workers: one worker is killed while the chunks' gradients run; the sum
    completes on the other and equals one process's (no chunk counted twice), and training either
    completes with one process's trajectory or fails with StateLost."""
    try:
        rng = np.random.default_rng(4)
        w, x, t = rng.standard_normal(5), rng.standard_normal((60, 5)), rng.standard_normal(60)
        g = adjit.value_and_grad(sum_loss)
        _warm(client, g, w, x[:10], t[:10])  # every worker ready before the clock starts
        batches = ad.scatter_batches(client, (x, t), n_chunks=6, replicas=2)
        pids = client.run(os.getpid)
        future = ad.value_and_grad_sum(client, Slow(g, 0.3), (w,), batches, sync=False)
        time.sleep(0.5)
        os.kill(pids[sorted(pids)[0]], signal.SIGKILL)
        value, grad = future.result(timeout=60)
        v1, g1 = g(w, x, t)
        assert value == pytest.approx(v1, rel=1e-13)
        np.testing.assert_allclose(grad, g1, rtol=1e-12)

        client.wait_for_workers(2, timeout=60)
        batches = ad.scatter_batches(client, (x, t), n_chunks=4, replicas=2)
        trainer = ad.Trainer(client, Slow(g, 0.1), adjit.optim.SGD([w.copy()], lr=1e-3), batches)
        for _ in range(3):
            trainer.step()
        pids = client.run(os.getpid)
        time.sleep(0.15)
        os.kill(pids[sorted(pids)[-1]], signal.SIGKILL)
        try:
            losses = trainer.loss_values()
        except ad.StateLost as e:
            assert "step" in str(e)
        else:
            ref, expected = w.copy(), []
            for _ in range(3):
                v, gr = g(ref, x, t)
                expected.append(v)
                ref -= 1e-3 * gr
            np.testing.assert_allclose(losses, expected, rtol=1e-12)
    finally:  # the nanny restarts a killed worker: the other tests find two again
        client.wait_for_workers(2, timeout=60)
