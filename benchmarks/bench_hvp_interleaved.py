"""Issue 13's hvp target, timed as docs/performance.md reports it: the seed loss with respect to W2
(batch 32; `--workload chain`: the 100-parameter tanh chain, with the full Hessian too), adjit's hvp against JAX jit(jvp(grad)) (and torch.func jvp(grad), and hessian for the chain, when installed), the
generated code's own Numba call and one adjit gradient, each the minimum (and the median) over
interleaved rounds of 10 calls (every implementation alternated within a round, the order rotated from round to
round, each block's first call untimed: its data is cold after another implementation's), 1
thread, one core. Minimums of
interleaved rounds are what a shared, loaded machine can measure; medians move with the load.

    python benchmarks/bench_hvp_interleaved.py [--rounds 100] [--workload seed|chain] [--clock wall|process]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import common

common.pin_threads()

import numpy as np  # noqa: E402

import adjit  # noqa: E402
from bench_second_order import chain, chain_data, chain_xp, jax_fns, seed_args, seed_loss_w2, seed_loss_xp  # noqa: E402,E501


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-torch", action="store_true", help="leave torch.func out (its thread pool shares the core)")
    ap.add_argument("--clock", choices=("wall", "process"), default="wall",
                    help="process: the process's CPU time (every thread's; the process is bound to one CPU), "
                         "which leaves out the time other processes hold the core (a loaded machine)")
    ap.add_argument("--workload", choices=("seed", "chain"), default="seed",
                    help="seed: the seed loss wrt W2 (hvp); chain: the 100-parameter tanh chain (hvp and hessian)")
    ns = ap.parse_args(argv)
    f, fxp, args = (seed_loss_w2, seed_loss_xp, seed_args()) if ns.workload == "seed" else (chain, chain_xp, chain_data())
    v = np.random.default_rng(1).standard_normal(args[0].shape)
    hvp, g = adjit.hvp(f), adjit.grad(f)
    spec = adjit.transforms._compiled(f, (0,), "grad_jvp", wrt_fwd=(0,))._spec_for(args)
    workspace = (np.empty(10_000_000, np.uint8), np.zeros(2, np.int64))
    extra = workspace if spec.entry_dispatcher.py_func.__code__.co_argcount > len(args) + 1 else ()
    fns = {"adjit hvp": lambda: hvp(*args, v), "adjit grad": lambda: g(*args),
           "generated hvp (the Numba call alone)": lambda: spec.entry_dispatcher(*args, v, *extra)}
    if ns.workload == "chain":
        hess = adjit.hessian(f)
        fns["adjit hessian"] = lambda: hess(*args)
    peers = {}
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        jargs, _, jhvp, jhess = jax_fns(jax, fxp, args)
        jv = jax.device_put(v)
        fns["JAX jit(jvp(grad))"] = peers["JAX"] = lambda: jax.block_until_ready(jhvp(jv, *jargs))
        assert np.allclose(np.asarray(jhvp(jv, *jargs)), hvp(*args, v), rtol=1e-10, atol=1e-10)
        if ns.workload == "chain":
            fns["JAX jit(hessian)"] = lambda: jax.block_until_ready(jhess(*jargs))
            assert np.allclose(np.asarray(jhess(*jargs)), hess(*args), rtol=1e-10, atol=1e-10)
    except ImportError:
        pass
    try:
        if ns.no_torch:
            raise ImportError
        import torch
        from torch.func import grad as tgrad, hessian as thessian, jvp as tjvp

        torch.set_num_threads(ns.threads)
        targs = [torch.from_numpy(a) for a in args]
        tv = torch.from_numpy(v)

        def tloss(W2, W1, b1, b2, x, t):
            return torch.sum((W2 @ torch.tanh(W1 @ x + b1) + b2 - t) ** 2)

        def tchain(p, A):
            h = p * 1.0
            s = 0.0
            for k in range(5):
                h = torch.tanh(A @ h + 0.1 * p)
                s = s + torch.sum(h * h) * (k + 1)
            return s + 0.01 * torch.sum(p ** 4)
        tf = tloss if ns.workload == "seed" else tchain
        fns["torch.func jvp(grad)"] = peers["torch"] = \
            lambda: tjvp(lambda p: tgrad(tf)(p, *targs[1:]), (targs[0],), (tv,))[1]
        assert np.allclose(fns["torch.func jvp(grad)"]().numpy(), hvp(*args, v), rtol=1e-10, atol=1e-10)
        if ns.workload == "chain":
            fns["torch.func hessian"] = lambda: thessian(tf)(*targs)
            assert np.allclose(fns["torch.func hessian"]().numpy(), hess(*args), rtol=1e-10, atol=1e-10)
    except ImportError:
        pass
    for f in fns.values():
        for _ in range(20):
            f()
    clock = time.perf_counter if ns.clock == "wall" else time.process_time
    best = {k: float("inf") for k in fns}
    rounds: dict = {k: [] for k in fns}  # each round's mean of 10 calls: the medians, for comparison
    names = list(fns)
    for r in range(ns.rounds):  # the order rotates each round, and each block's first call (its data
        for k in names[r % len(names):] + names[:r % len(names)]:  # cold after another's) is not timed
            f = fns[k]
            f()
            t0 = clock()
            for _ in range(10):
                f()
            rounds[k].append((clock() - t0) / 10)
            best[k] = min(best[k], rounds[k][-1])
    for k, b in best.items():
        print(f"{k:40s} min {b * 1e6:8.1f} us   median {float(np.median(rounds[k])) * 1e6:8.1f} us ({ns.clock})")
    timed = {p: best[k] for k in fns for p, fn in peers.items() if fns[k] is fn}
    if timed:
        fastest = min(timed, key=timed.get)
        med = {p: float(np.median(rounds[k])) for k in fns for p, fn in peers.items() if fns[k] is fn}
        print(f"adjit hvp / the fastest peer ({fastest}): {best['adjit hvp'] / timed[fastest]:.2f}x by minimums, "
              f"{np.median(rounds['adjit hvp']) / med[fastest]:.2f}x by medians (target <= 1.0x); "
              f"load {os.getloadavg()[0]:.1f}")
    print(f"adjit hvp / adjit grad: {best['adjit hvp'] / best['adjit grad']:.2f}x (target <= 4x)")
    if "adjit hessian" in best:
        n = args[0].size
        print(f"adjit hessian / (n x adjit hvp), n = {n}: {best['adjit hessian'] / (n * best['adjit hvp']):.2f}x "
              "(target <= 1x)")
        for peer in ("JAX jit(hessian)", "torch.func hessian"):
            if peer in best:
                print(f"adjit hessian / {peer}: {best['adjit hessian'] / best[peer]:.2f}x by minimums, "
                      f"{np.median(rounds['adjit hessian']) / np.median(rounds[peer]):.2f}x by medians")
    return 0


if __name__ == "__main__":
    sys.exit(main())
