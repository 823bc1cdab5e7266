"""adjit.distributed on a LocalCluster (issue 15): what a data-parallel step costs and when it pays.

The workload is the seed network (784-128-10, tanh, squared error summed over the batch), one
training step = value_and_grad of the whole batch + an Adam update. Measured:

- the Dask floor: per-task cost (independent tasks) and latency (a chain of dependent tasks);
- the per-step overhead of adjit.distributed.Trainer (a 2-example batch: the arithmetic is free);
- step time vs number of workers (1, 2; one thread each) and chunks per worker, at one batch;
- batch 65536: 2 workers against one process on one thread (target <= 0.65x);
- the crossover: step time vs batch for 2 workers and for one process with parallel=True on
  2 threads;
- memory per worker (resident set after the largest run);
- the size of a pickled seed-network gradient.

Single-process baselines run in subprocesses with their thread counts fixed before NumPy loads
(one thread: BLAS and Numba at 1; parallel=True: 2). Workers are LocalCluster processes, one
thread each (Dask sets their BLAS to one thread).

    python benchmarks/bench_distributed.py [--quick] [--out docs/distributed.md]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import time

import numpy as np

BENCH = os.path.abspath(__file__)


def seed_loss(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def seed_data(batch: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((128, 784)) / np.sqrt(784)
    b1 = 0.1 * rng.standard_normal((128, 1))
    W2 = rng.standard_normal((10, 128)) / np.sqrt(128)
    b2 = 0.1 * rng.standard_normal((10, 1))
    x = rng.random((784, batch))
    t = np.eye(10)[:, rng.integers(0, 10, batch)].copy()
    return [W1, b1, W2, b2], x, t


# ------------------------------------------------------------------------ single process

def baseline(batch: int, parallel: bool, repeats: int) -> dict:
    """Seconds per step (value_and_grad + Adam) in this process (threads fixed by the caller)."""
    import adjit

    params, x, t = seed_data(batch)
    g = adjit.value_and_grad(seed_loss, wrt=(0, 1, 2, 3), parallel=parallel)
    opt = adjit.optim.Adam([p.copy() for p in params], lr=1e-4)
    g(*opt.params, x, t)
    times = []  # the fastest of the repeats: the machine may be shared
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, grads = g(*opt.params, x, t)
        opt.step(list(grads))
        times.append(time.perf_counter() - t0)
    return {"step": min(times)}


def run_baseline(batch: int, threads: int, parallel: bool, repeats: int) -> float:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(threads)
    args = [sys.executable, BENCH, "--baseline", str(batch), "--repeats", str(repeats)] + (["--parallel"] if parallel else [])
    out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["step"]


# --------------------------------------------------------------------------------- cluster

def start(n_workers: int):
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.active-memory-manager.start": False}):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1", scheduler_port=0, silence_logs=50)
    return Client(cluster), cluster


def dask_floor(client) -> dict:
    """Per-task cost of independent tasks (throughput) and latency of dependent ones (a chain)."""
    client.gather([client.submit(abs, i, pure=False) for i in range(50)])
    t0 = time.perf_counter()
    client.gather([client.submit(abs, i, pure=False) for i in range(400)])
    independent = (time.perf_counter() - t0) / 400
    f = client.submit(abs, 1, pure=False)
    t0 = time.perf_counter()
    for _ in range(100):
        f = client.submit(abs, f, pure=False)
    f.result()
    chain = (time.perf_counter() - t0) / 100
    return {"independent": independent, "chain": chain}


def trainer_step(client, g, batch: int, chunks: int, steps: int, memory: list | None = None, rounds: int = 2) -> float:
    """Seconds per Trainer step (value_and_grad of the batch in `chunks` chunks + Adam); `memory`
    gets the workers' resident sets (MiB) measured while the batch is on them."""
    import adjit
    import adjit.distributed as ad

    params, x, t = seed_data(batch)
    batches = ad.scatter_batches(client, (x, t), n_chunks=chunks, axis=1)
    del x, t
    with ad.Trainer(client, g, adjit.optim.Adam([p.copy() for p in params], lr=1e-4), batches) as trainer:
        trainer.run(2)  # the workers build the gradient (disk cache) and allocate their workspaces
        dt = float("inf")
        for _ in range(rounds):  # the fastest round: the machine may be shared
            t0 = time.perf_counter()
            trainer.run(steps)
            dt = min(dt, (time.perf_counter() - t0) / steps)
        if memory is not None:
            memory[:] = worker_memory(client)
    del batches
    return dt


def worker_memory(client) -> list[float]:
    import psutil

    return sorted(v / 2**20 for v in client.run(lambda: psutil.Process().memory_info().rss).values())


def pickled_size() -> int:
    import adjit

    params, x, t = seed_data(32)
    g = adjit.value_and_grad(seed_loss, wrt=(0, 1, 2, 3))
    g(*params, x, t)
    return len(pickle.dumps(g))


# ----------------------------------------------------------------------------------- main

def _crossover_text(sweep, crossover, what: str) -> str:
    if crossover is None:
        return f"Against {what}: one process was faster at every batch measured (up to {max(sweep)})."
    if crossover == min(sweep):
        return f"Against {what}: 2 workers were faster at every batch measured, from {crossover}."
    below = max(b for b in sweep if b < crossover)
    return (f"Against {what}: the crossover is between batch {below} and {crossover}; below it one process "
            "is faster.")


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.2f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--baseline", type=int)
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    a = parser.parse_args()
    if a.baseline:
        print(json.dumps(baseline(a.baseline, a.parallel, a.repeats)))
        return
    import adjit
    sys.path.insert(0, os.path.dirname(BENCH))
    import common

    big = 16384 if a.quick else 65536
    sweep = [256, 1024, 4096, 16384] + ([] if a.quick else [65536])
    g = adjit.value_and_grad(seed_loss, wrt=(0, 1, 2, 3))
    params, x, t = seed_data(64)
    g(*params, x, t)  # compiled here: every worker loads it from the disk cache
    size = pickled_size()
    print(f"pickled gradient: {size} bytes", flush=True)

    load = [os.getloadavg()[0]]
    single, par, dist, floor, overhead, memory, rows_workers = {}, {}, {}, {}, {}, [], {}
    for n in (2, 1):
        client, cluster = start(n)
        try:
            client.gather(client.map(lambda i: i, range(n)))
            floor[n] = dask_floor(client)
            overhead[n] = trainer_step(client, g, n, n, 30, rounds=3)
            print("floor", n, floor[n], "overhead", overhead[n], flush=True)
            if n == 2:  # interleaved, so that each row's three figures share the machine's load
                for b in sweep:
                    reps = 3 if b >= 16384 else 10
                    single[b] = run_baseline(b, 1, False, reps)
                    par[b] = run_baseline(b, 2, True, reps)
                    dist[b] = trainer_step(client, g, b, 2, 2 if b >= 16384 else 10,
                                           memory if b == max(sweep) else None)
                    print(b, single[b], par[b], dist[b], flush=True)
            for per in (1, 2, 4):
                mid = 16384
                step = trainer_step(client, g, mid, n * per, 2)
                rows_workers[(n, per)] = [n, n * per, mid // (n * per), fmt_ms(step), f"{single[mid] / step:.2f}x"]
                print(rows_workers[(n, per)], flush=True)
        finally:
            client.close()
            cluster.close()
    load.append(os.getloadavg()[0])
    rows_workers = [rows_workers[k] for k in sorted(rows_workers)]

    crossover = next((b for b in sweep if dist[b] < par[b]), None)
    best_one = {b: min(single[b], par[b]) for b in sweep}
    crossover_best = next((b for b in sweep if dist[b] < best_one[b]), None)
    ratio = dist[big] / single[big]
    lines = [
        "# Distributed training on Dask: measured costs",
        "",
        "Written by `python benchmarks/bench_distributed.py --out docs/distributed.md`" + (" (--quick)" if a.quick else "") + ".",
        common.environment_line(1) if hasattr(common, "environment_line") else "",
        f"Cores: {os.cpu_count()} (`nproc`), shared with other work during the run (1-minute load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end, on {os.cpu_count()} cores): the figures are what "
        "this machine gave then, each the fastest of a few repeats, not a quiet machine's. Workers: "
        "LocalCluster processes, one thread each, on loopback.",
        "Workload: the seed network (784-128-10, tanh, squared error summed over the batch), float64; "
        "a step is `value_and_grad` of the whole batch and an Adam update.",
        "",
        "## What runs where",
        "",
        "`adjit.distributed` (API: [api.md](api.md#pickling-and-adjitdistributed)) splits a batch along its "
        "batch axis into chunks scattered over the workers. The gradient of a loss that is a sum over examples "
        "is the sum of the chunks' gradients (a mean: their sum weighted by n_k / N), so "
        "`value_and_grad_sum` runs `g` where each chunk is and sums the results as a fixed tree on the cluster, "
        "and `Trainer` keeps a replica of the parameters and the `adjit.optim` optimizer's moments in each "
        "worker: a step is one task per worker that applies the previous step's summed gradients to its "
        "replica (every replica sums the same partial results in the same order, so they stay equal) and "
        "returns the gradient of its chunks. Only the partial gradients travel, worker to worker; the client "
        "submits steps without waiting and fetches the losses at the end. The gradient travels as its "
        "function and options (under 1 KB); each worker builds it once and loads its compiled code from the "
        "disk cache.",
        "",
        "## Targets",
        "",
        common.markdown_table(["target", "measured", "met"], [
            ["per-step overhead, parameters on the cluster, <= 15 ms", fmt_ms(overhead[2]) + " (2 workers)",
             "yes" if overhead[2] <= 0.015 else "no"],
            [f"batch {big}: 2 workers <= 0.65x one process on one thread", f"{ratio:.2f}x ({fmt_ms(dist[big])} vs "
             f"{fmt_ms(single[big])})", "yes" if ratio <= 0.65 else "no"],
            ["pickled seed-network gradient <= 20 KB", f"{size} bytes", "yes" if size <= 20_000 else "no"],
        ]),
        "",
        "## The Dask floor and the per-step overhead",
        "",
        common.markdown_table(["workers", "per task (independent tasks)", "per task (dependent chain)",
                               "Trainer step, 2-example batch"],
                              [[n, fmt_ms(floor[n]["independent"]), fmt_ms(floor[n]["chain"]), fmt_ms(overhead[n])]
                               for n in (1, 2)]),
        "",
        "A Trainer step is one task per worker, each depending on every task of the step before (the "
        "partial gradients travel; the parameters and Adam's moments stay in the workers), so its cost "
        "with nothing to compute is about one dependent-task latency plus the exchange of the partial sums.",
        "",
        "## Step time vs workers and chunk size (batch 16384)",
        "",
        common.markdown_table(["workers", "chunks", "chunk size", "step", "speedup vs one process, one thread"],
                              rows_workers),
        "",
        f"One process, one thread, batch 16384: {fmt_ms(single[16384])} per step.",
        "",
        "## Crossover: 2 workers against one process with parallel=True (2 threads)",
        "",
        common.markdown_table(["batch", "one process, 1 thread", "one process, parallel=True, 2 threads",
                               "2 workers (1 thread each)", "2 workers / parallel"],
                              [[b, fmt_ms(single[b]), fmt_ms(par[b]), fmt_ms(dist[b]), f"{dist[b] / par[b]:.2f}x"]
                               for b in sweep]),
        "",
        _crossover_text(sweep, crossover, "one process with `parallel=True` (2 threads)"),
        _crossover_text(sweep, crossover_best, "the faster of the two one-process configurations"),
        "`parallel=True` shares the 2 cores with the other work on the machine; its threads wait for each "
        "other at every parallel loop, which costs most when a core is taken away, so on this loaded machine it "
        "was slower than one thread at every batch. On a quiet machine it is the one-process configuration "
        "to beat (docs/performance.md).",
        "",
        "## Memory per worker",
        "",
        f"Resident set of each worker while training at batch {max(sweep)} (2 workers, one chunk of "
        f"{max(sweep) // 2} columns each, {max(sweep) // 2 * 794 * 8 / 2**20:.0f} MiB of data): "
        f"{', '.join(f'{m:.0f} MiB' for m in memory)}: the interpreter with NumPy, Numba, adjit and Dask "
        "loaded, the chunk, the gradient's workspace and temporaries, the parameters and Adam's moments.",
        "",
    ]
    common.emit("\n".join(lines), a.out)


if __name__ == "__main__":
    main()
