"""adjit.distributed on a LocalCluster (issue 15): what a data-parallel step costs and when it pays.

The workload is the seed network (784-128-10, tanh, squared error summed over the batch), one
training step = value_and_grad of the whole batch + an Adam update. Measured:

- the Dask floor: per-task cost (independent tasks) and latency (a chain of dependent tasks);
- the per-step overhead of adjit.distributed.Trainer (one example per worker: the arithmetic is
  free), for the seed network and for a 3-parameter model (nothing to move);
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
    times, cpu = [], []  # the fastest of the repeats: the machine may be shared
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        _, grads = g(*opt.params, x, t)
        opt.step(list(grads))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"step": min(times), "cpu": min(cpu)}


def run_baseline(batch: int, threads: int, parallel: bool, repeats: int, cpu: bool = False):
    """The step time of a fresh process (with cpu=True: (wall, CPU) seconds)."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(threads)
    args = [sys.executable, BENCH, "--baseline", str(batch), "--repeats", str(repeats)] + (["--parallel"] if parallel else [])
    for attempt in range(3):  # the working tree may be mid-edit by someone else: a failed start is retried
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            out = json.loads(done.stdout.strip().splitlines()[-1])
            return (out["step"], out["cpu"]) if cpu else out["step"]
        time.sleep(5)
    raise RuntimeError(f"the single-process baseline failed:\n{done.stderr[-3000:]}")


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
    workers = sorted(client.scheduler_info()["workers"])
    prev: list = []
    t0 = time.perf_counter()
    for _ in range(100):  # a Trainer step's pattern with nothing in it: one task per worker, each
        prev = [client.submit(_nothing, *prev, workers=[w], allow_other_workers=True, pure=False)  # after all
                for w in workers]                                                                   # of the last
    client.gather(prev)
    exchange = (time.perf_counter() - t0) / 100
    return {"independent": independent, "chain": chain, "exchange": exchange}


def _nothing(*args):
    return 0


def tiny_loss(w, x, t):
    """3 parameters: a Trainer step with nothing to move but the step itself."""
    return np.sum((np.tanh(w * x) - t) ** 2)


def tiny_trainer_step(client, steps: int, rounds: int = 3) -> float:
    import adjit
    import adjit.distributed as ad

    n = len(client.scheduler_info()["workers"])
    g = adjit.value_and_grad(tiny_loss)
    x, t = np.ones((n, 3)), np.ones((n, 3))
    batches = ad.scatter_batches(client, (x, t), n_chunks=n)
    with ad.Trainer(client, g, adjit.optim.Adam([np.ones(3)], lr=0.1), batches) as trainer:
        trainer.run(3)
        best = float("inf")
        for _ in range(rounds):
            t0 = time.perf_counter()
            trainer.run(steps)
            best = min(best, (time.perf_counter() - t0) / steps)
    return best


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


def big_rounds(client, g, batch: int, rounds: int) -> list[tuple]:
    """(one process on one thread, 2 workers) seconds per step, `rounds` times in turn (the load of
    a shared machine changes from minute to minute, and each pair shares it), with the CPU seconds
    per step of the one process and of the busiest worker (what no other load changes)."""
    import adjit
    import adjit.distributed as ad

    params, x, t = seed_data(batch)
    batches = ad.scatter_batches(client, (x, t), n_chunks=len(client.scheduler_info()["workers"]), axis=1)
    del x, t
    out = []
    with ad.Trainer(client, g, adjit.optim.Adam([p.copy() for p in params], lr=1e-4), batches) as trainer:
        trainer.run(2)
        for _ in range(rounds):
            one, one_cpu = run_baseline(batch, 1, False, 2, cpu=True)
            c0 = client.run(time.process_time)
            t0 = time.perf_counter()
            trainer.run(2)
            wall = (time.perf_counter() - t0) / 2
            c1 = client.run(time.process_time)
            out.append((one, wall, one_cpu, max(c1[w] - c0[w] for w in c0) / 2))
            print("round", out[-1], flush=True)
    return out


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

def _parallel_text(sweep, single, par) -> str:
    """What this run measured of parallel=True against one thread (not a fixed sentence)."""
    slower = [b for b in sweep if par[b] > single[b]]
    faster = [b for b in sweep if par[b] <= single[b]]
    if not faster:
        what = "slower than one thread at every batch"
    elif not slower:
        what = "faster than one thread at every batch"
    else:
        what = (f"slower than one thread at batch {', '.join(map(str, slower))} and faster at "
                f"{', '.join(map(str, faster))}")
    return (f"In this run `parallel=True` (its 2 threads wait for each other at every parallel loop, which "
            f"costs most at small batches or when another job takes a core) was {what}.")


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
    parser.add_argument("--json", help="also write the measurements to this JSON file")
    parser.add_argument("--render", help="write the report from measurements saved with --json (no measuring)")
    a = parser.parse_args()
    if a.baseline:
        print(json.dumps(baseline(a.baseline, a.parallel, a.repeats)))
        return
    sys.path.insert(0, os.path.dirname(BENCH))
    import common

    if a.render:
        with open(a.render) as f:
            m = json.load(f)
    else:
        m = measure(a.quick)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(m, f, indent=1)
    common.emit(render(m, common), a.out)


def measure(quick: bool) -> dict:
    import adjit
    import common

    a = argparse.Namespace(quick=quick)
    big = 16384 if a.quick else 65536
    sweep = [256, 1024, 4096, 16384] + ([] if a.quick else [65536])
    g = adjit.value_and_grad(seed_loss, wrt=(0, 1, 2, 3))
    params, x, t = seed_data(64)
    g(*params, x, t)  # compiled here: every worker loads it from the disk cache
    adjit.value_and_grad(tiny_loss)(np.ones(3), np.ones((1, 3)), np.ones((1, 3)))
    size = pickled_size()
    print(f"pickled gradient: {size} bytes", flush=True)

    load = [os.getloadavg()[0]]
    single, par, dist, floor, overhead, memory, rows_workers, overhead_tiny = {}, {}, {}, {}, {}, [], {}, {}
    for n in (2, 1):
        client, cluster = start(n)
        try:
            client.gather(client.map(lambda i: i, range(n)))
            floor[n] = dask_floor(client)
            overhead[n] = trainer_step(client, g, n, n, 30, rounds=3)
            overhead_tiny[n] = tiny_trainer_step(client, 30)
            print("floor", n, floor[n], "overhead", overhead[n], flush=True)
            if n == 2:  # interleaved, so that each row's three figures share the machine's load
                for b in sweep:
                    reps = 3 if b >= 16384 else 10
                    single[b] = run_baseline(b, 1, False, reps)
                    par[b] = run_baseline(b, 2, True, reps)
                    dist[b] = trainer_step(client, g, b, 2, 2 if b >= 16384 else 10,
                                           memory if b == max(sweep) else None)
                    print(b, single[b], par[b], dist[b], flush=True)
            if n == 2:
                pairs = big_rounds(client, g, big, 2 if a.quick else 4)
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
    return dict(quick=quick, big=big, sweep=sweep, size=size, load=load, single=single, par=par, dist=dist,
                floor=floor, overhead=overhead, overhead_tiny=overhead_tiny, memory=memory, rows_workers=rows_workers, pairs=pairs,
                cpus=os.cpu_count(), environment=common.environment_line(1))


def render(m: dict, common) -> str:
    """The report (docs/distributed.md) from the measurements."""
    num = lambda d: {int(k): v for k, v in d.items()}  # noqa: E731 (JSON made the keys strings)
    big, sweep, size, load, memory, rows_workers = m["big"], m["sweep"], m["size"], m["load"], m["memory"], m["rows_workers"]
    single, par, dist, floor, overhead, tiny = (num(m[k]) for k in ("single", "par", "dist", "floor", "overhead",
                                                                    "overhead_tiny"))
    pairs = [tuple(p) for p in m["pairs"]]
    quick, cpus = m["quick"], m["cpus"]

    crossover = next((b for b in sweep if dist[b] < par[b]), None)
    best_one = {b: min(single[b], par[b]) for b in sweep}
    crossover_best = next((b for b in sweep if dist[b] < best_one[b]), None)
    ratios = sorted(p[1] / p[0] for p in pairs)
    cpu_ratios = sorted(p[3] / p[2] for p in pairs)
    ratio = float(np.median(ratios))
    lines = [
        "# Distributed training on Dask: measured costs",
        "",
        "Written by `python benchmarks/bench_distributed.py --out docs/distributed.md`" + (" (--quick)" if quick else "") + ".",
        m["environment"],
        f"Cores: {cpus} (`nproc`), shared with other work during the run (1-minute load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end, on {cpus} cores): the figures are what "
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
            ["per-step overhead, parameters on the cluster, <= 15 ms",
             f"seed network {fmt_ms(overhead[2])}, 3-parameter model {fmt_ms(tiny[2])} (2 workers); "
             f"{fmt_ms(overhead[1])} with 1 worker", "yes" if overhead[2] <= 0.015 else "no"],
            [f"batch {big}: 2 workers <= 0.65x one process on one thread", f"median {ratio:.2f}x of {len(pairs)} "
             f"rounds (best {ratios[0]:.2f}x, worst {ratios[-1]:.2f}x)", "yes" if ratio <= 0.65 else "no"],
            ["(the same in CPU time, busiest worker / one process: what 2 free cores would give, less the "
             "per-step overhead)", f"median {float(np.median(cpu_ratios)):.2f}x", "not the target's measure"],
            ["pickled seed-network gradient <= 20 KB", f"{size} bytes", "yes" if size <= 20_000 else "no"],
        ]),
        "",
        "## The Dask floor and the per-step overhead",
        "",
        common.markdown_table(["workers", "per task (independent tasks)", "per task (dependent chain)",
                               "empty step: one task per worker after all of the last",
                               "Trainer step, 3-parameter model", "Trainer step, seed network, 1 example per worker"],
                              [[n, fmt_ms(floor[n]["independent"]), fmt_ms(floor[n]["chain"]),
                                fmt_ms(floor[n]["exchange"]), fmt_ms(tiny[n]), fmt_ms(overhead[n])] for n in (1, 2)]),
        "",
        "A Trainer step is one task per worker, each depending on every task of the step before (the "
        "partial gradients travel; the parameters and Adam's moments stay in the workers): with nothing to "
        "compute it costs what Dask's scheduling of that pattern costs (the empty-step column: the scheduler "
        "hears that the tasks finished, sends the next ones, each worker fetches the other's result), plus "
        "moving the partial gradients (0.8 MB for the seed network) and the update itself: the 3-parameter "
        "model's step costs about what the empty step costs (the figures move by several ms from run to run here), the seed network's adds the move. With one worker "
        "nothing travels between workers and the step costs one dependent-task latency. The client only "
        "submits: it never waits inside a run.",
        "",
        f"## Batch {big}: 2 workers against one process on one thread",
        "",
        f"Measured in turn, {len(pairs)} rounds (each: the one-process step, the fastest of 2, in a fresh "
        "process; then 2 Trainer steps on the 2-worker cluster, which keeps the batch between rounds):",
        "",
        common.markdown_table(["round", "one process, 1 thread", "2 workers, 1 thread each", "ratio",
                               "CPU per step: one process", "CPU per step: busiest worker", "CPU ratio"],
                              [[k + 1, fmt_ms(o), fmt_ms(d), f"{d / o:.2f}x", fmt_ms(oc), fmt_ms(dc), f"{dc / oc:.2f}x"]
                               for k, (o, d, oc, dc) in enumerate(pairs)]),
        "",
        f"The CPU columns are what the machine's other load does not change: the busiest worker needs "
        f"{float(np.median(cpu_ratios)):.2f}x the single process's CPU time per step (median), which is the "
        "wall-clock ratio 2 free cores would give, plus the per-step overhead above. The wall-clock ratios are "
        "what this shared machine gave.",
        "",
        "Each worker computes half the batch; the step adds the exchange of the partial gradients and the "
        "Adam update in each replica (100k parameters). When the other work on the machine takes a core, a "
        "2-worker step waits for the slower worker, and the ratio moves toward 1.",
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
        _parallel_text(sweep, single, par),
        "",
        "## Memory per worker",
        "",
        f"Resident set of each worker while training at batch {max(sweep)} (2 workers, one chunk of "
        f"{max(sweep) // 2} columns each, {max(sweep) // 2 * 794 * 8 / 2**20:.0f} MiB of data): "
        f"{', '.join(f'{m:.0f} MiB' for m in memory)}: the interpreter with NumPy, Numba, adjit and Dask "
        "loaded, the chunk, the gradient's workspace and temporaries, the parameters and Adam's moments.",
        "",
        "## Notes and limits",
        "",
        "- On this 2-core machine shared with other work, a cluster pays where the arithmetic of a step is "
        "large next to Dask's scheduling (tens of milliseconds per step here); below that one process is "
        "faster. Each worker is a whole Python process with NumPy, Numba, adjit and Dask loaded.",
        "- The losses and parameters of a Trainer equal one process's to rounding (the tests check 1e-12 "
        "relative on short runs): the partial sums are added in a fixed order, not in the order workers finish.",
        "- A worker lost mid-step: its tasks run again on another worker from their inputs, and a replica "
        "applies each update once (by step number), so nothing is counted twice. The step completes when the "
        "chunks were scattered with `replicas=2` and the cluster's Active Memory Manager is off (it would "
        "remove the extra copies); otherwise it fails with `adjit.distributed.StateLost` naming the step.",
        "- `Trainer` trains on the same scattered batch every step (full-batch gradient descent); for "
        "minibatches, scatter them and call `value_and_grad_sum` per step, or build one Trainer per epoch from "
        "the last one's `optimizer()`.",
        "- A Trainer's replicas live in the workers' memory until `close()` (or the end of its `with`).",
        "",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
