"""Train the seed's network on scikit-learn's 8x8 digits, data-parallel on a Dask cluster.

The model is train_digits.py's: h = relu(W1 x + b1), y = W2 h + b2 on a batch of columns, the mean
softmax cross-entropy of adjit.nn, Adam from adjit.optim. The training set is split into chunks
along the batch axis and scattered over the workers; each step is one task per worker (the update
of its copy of the parameters and Adam's moments, then the gradient of its chunks), so the
parameters stay on the cluster and the client only submits (adjit.distributed.Trainer). Full-batch
training: the step's gradient is the whole training set's, exactly (to rounding) the single-process
one, which the script checks at the end.

By default the script starts a LocalCluster (worker processes with one thread each) on this
machine; `--scheduler tcp://host:port` runs the same training on an existing cluster (the workers
need adjit installed; the loss below travels as its source text, since it is defined in __main__).
It prints the time per step, the per-step overhead (the same steps on a 2-example batch, where the
arithmetic costs nothing) and the single-process time per step beside them.

Run it:   python examples/distributed_training.py [--workers 2] [--steps 300] [--scheduler tcp://...]
"""
import argparse
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # the single-process baseline runs in this process on one thread, like a worker
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import adjit  # noqa: E402
from adjit import nn  # noqa: E402


def loss(W1, b1, W2, b2, x, labels):
    """The seed's network with relu, mean cross-entropy over the batch's columns."""
    h = nn.relu(W1 @ x + b1)
    return nn.cross_entropy_labels(W2 @ h + b2, labels)


def forward(W1, b1, W2, b2, x):
    return W2 @ np.maximum(W1 @ x + b1, 0) + b2


def load_data():
    """train_digits.py's standardized digits: (64, 1437) columns, labels; (64, 360), labels."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from train_digits import load_data as digits
    finally:
        sys.path.pop(0)
    return digits()


def init_params(rng, hidden=64):
    return [adjit.init.he_uniform((hidden, 64), rng=rng), np.zeros((hidden, 1)),
            adjit.init.xavier_uniform((10, hidden), rng=rng), np.zeros((10, 1))]


def start_client(scheduler, workers):
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           host="127.0.0.1", scheduler_port=0, silence_logs=40)
    return Client(cluster), cluster


def single_process(g, params, x, labels, lr, steps):
    """The same full-batch training in this process: (losses, final parameters, seconds per step)."""
    opt = adjit.optim.Adam([p.copy() for p in params], lr=lr)
    g(*opt.params, x, labels)  # compiled (or loaded) before the clock starts
    adjit.wait_compiled()  # (the first call ran NumPy while Numba compiled in the background)
    losses, t0 = [], time.perf_counter()
    for _ in range(steps):
        value, grads = g(*opt.params, x, labels)
        losses.append(value)
        opt.step(list(grads))
    return losses, opt.params, (time.perf_counter() - t0) / steps


def main(steps=300, workers=2, chunks=None, scheduler=None, lr=0.01, seed=0, check=True, overhead_steps=100):
    import adjit.distributed as ad

    x_train, y_train, x_test, y_test = load_data()
    params = init_params(np.random.default_rng(seed))
    g = adjit.value_and_grad(loss, wrt=(0, 1, 2, 3))
    started = time.perf_counter()
    client, cluster = start_client(scheduler, workers)
    n_workers = len(client.scheduler_info()["workers"])
    print(f"cluster: {n_workers} workers ({'LocalCluster, processes, 1 thread each' if cluster else scheduler}), "
          f"started in {time.perf_counter() - started:.1f} s")
    try:
        # compiled here once, on the chunks' own shapes (a specialization may depend on the batch size):
        # the workers load it from the disk cache
        for chunk in {c[0].shape: c for c in ad.split((x_train, y_train), n_chunks=chunks or n_workers,
                                                      axis=(1, 0))}.values():
            g(*params, *chunk)
        batches = ad.scatter_batches(client, (x_train, y_train), n_chunks=chunks or n_workers, axis=(1, 0))
        with ad.Trainer(client, g, adjit.optim.Adam([p.copy() for p in params], lr=lr), batches,
                        weights="mean") as trainer:
            trainer.run(2)  # the workers build the gradient (from the disk cache) and warm up
            t0 = time.perf_counter()
            losses = trainer.run(steps)
            step_time = (time.perf_counter() - t0) / steps
            final = trainer.params()
            losses = trainer.loss_values()  # every step, the warm-up's included
        overhead_time = None
        if overhead_steps:
            tiny_data = (x_train[:, :n_workers], y_train[:n_workers])
            g(*params, *ad.split(tiny_data, n_chunks=n_workers, axis=(1, 0))[0])  # its specialization, here too
            tiny = ad.scatter_batches(client, tiny_data, n_chunks=n_workers, axis=(1, 0))
            with ad.Trainer(client, g, adjit.optim.Adam([p.copy() for p in params], lr=lr), tiny) as overhead:
                overhead.run(5)
                t0 = time.perf_counter()
                overhead.run(overhead_steps)
                overhead_time = (time.perf_counter() - t0) / overhead_steps
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    ref_losses, ref_params, single_time = single_process(g, params, x_train, y_train, lr, steps + 2)
    accuracy = float(np.mean(np.argmax(forward(*final, x_test), axis=0) == y_test))
    print(f"trained {steps + 2} full-batch steps on {x_train.shape[1]} digits in {len(batches)} chunks: "
          f"loss {losses[0]:.3f} -> {losses[-1]:.4f}, test accuracy {accuracy:.1%}")
    overhead_text = "" if overhead_time is None else \
        f"; per-step overhead {overhead_time * 1e3:.2f} ms (a batch of one example per worker)"
    print(f"time per step: {step_time * 1e3:.2f} ms on the cluster{overhead_text}; "
          f"single process (this one, one thread): {single_time * 1e3:.2f} ms")
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(final, ref_params))
    print(f"largest difference from the single-process parameters: {difference:.2e}")
    if check:
        assert np.allclose(losses, ref_losses, rtol=1e-9), "the cluster's losses differ from one process's"
    return {"losses": losses, "accuracy": accuracy, "step_time": step_time, "overhead": overhead_time,
            "single_time": single_time, "difference": difference, "workers": n_workers}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (one thread each)")
    parser.add_argument("--chunks", type=int, default=None, help="chunks of the training set (default: one per worker)")
    parser.add_argument("--scheduler", default=None, help="tcp://host:port of an existing Dask scheduler")
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    main(args.steps, args.workers, args.chunks, args.scheduler, args.lr)
