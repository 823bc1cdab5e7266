"""Second-order derivatives (issue 13): adjit's Hessian-vector product (forward over reverse) and
full Hessian against one adjit gradient, hand-written NumPy, and the peers (JAX jit(jvp(grad)) and
jit(hessian); PyTorch torch.func when installed), on two workloads:

- the seed network's loss (784-128-10, tanh, squared error, batch 32) with respect to the output
  layer's weights W2 (1280 parameters): hvp only (a 1280x1280 Hessian is measured by JAX and
  adjit alike as 1280 hvps; it is reported as hvp cost x n);
- a 100-parameter scalar function with a loop (a smooth chain of tanh layers): hvp and the full
  100x100 Hessian.

Targets: hvp <= 4x one gradient, hessian <= n x hvp, adjit <= 1.0x the fastest peer.

    python benchmarks/bench_second_order.py [--quick] [--out docs/second_order.md]
"""
from __future__ import annotations

import argparse
import sys

import common

common.pin_threads()

import numpy as np  # noqa: E402

import adjit  # noqa: E402
from models import seed_data  # noqa: E402


def seed_loss_w2(W2, W1, b1, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def chain(p, A):
    """100 parameters through 5 tanh layers with a shared matrix: a smooth scalar function."""
    h = p * 1.0
    s = 0.0
    for k in range(5):
        h = np.tanh(A @ h + 0.1 * p)
        s = s + np.sum(h * h) * (k + 1)
    return s + 0.01 * np.sum(p ** 4)


def chain_data(n=100, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), rng.standard_normal((n, n)) / np.sqrt(n)


def seed_args(batch=32):
    W1, b1, W2, b2, x, t = seed_data(batch)
    return (W2, W1, b1, b2, x, t)


def jax_fns(jax, f, args):
    jnp = jax.numpy
    fj = f(jnp)
    jargs = [jax.device_put(a) for a in args]
    g = jax.jit(jax.grad(fj))
    # every argument is an argument of the jitted function (closing over them would let XLA fold
    # what does not depend on the first one into constants at compile time)
    hvp = jax.jit(lambda v, *a: jax.jvp(lambda p: jax.grad(fj)(p, *a[1:]), (a[0],), (v,))[1])
    hess = jax.jit(jax.hessian(fj))
    return jargs, g, hvp, hess


def seed_loss_xp(xp):
    def f(W2, W1, b1, b2, x, t):
        h = xp.tanh(W1 @ x + b1)
        y = W2 @ h + b2
        return xp.sum((y - t) ** 2)
    return f


def chain_xp(xp):
    def f(p, A):
        h = p * 1.0
        s = 0.0
        for k in range(5):
            h = xp.tanh(A @ h + 0.1 * p)
            s = s + xp.sum(h * h) * (k + 1)
        return s + 0.01 * xp.sum(p ** 4)
    return f


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_common_args(ap)
    ns = ap.parse_args(argv)
    target = 0.3 if ns.quick else 1.0
    peers, notes = common.load_peers(("jax",), ns.threads)
    jax = peers.get("jax")
    lines = ["## Second-order derivatives", "", "Machine: " + common.cpus_bound() + " CPUs bound; peers: "
             + "; ".join(notes), ""]
    results = common.Results("second_order", ns.threads)
    for name, f, fxp, args, full in (("seed loss wrt W2 (1280 params, batch 32)", seed_loss_w2, seed_loss_xp,
                                      seed_args(), False),
                                     ("100-parameter tanh chain (5 layers, loop)", chain, chain_xp, chain_data(), True)):
        x = args[0]
        v = np.random.default_rng(1).standard_normal(x.shape)
        g = adjit.grad(f)
        hvp = adjit.hvp(f)
        hess = adjit.hessian(f)
        # correctness first: hvp against the Hessian (small) or against a difference of gradients
        fd = (g(x + 1e-6 * v, *args[1:]) - g(x - 1e-6 * v, *args[1:])) / 2e-6
        hv = hvp(*args, v)
        err = float(np.max(np.abs(hv - fd)) / np.max(np.abs(fd)))
        fns = {"adjit grad": lambda: g(*args), "adjit hvp": lambda: hvp(*args, v)}
        if full:
            fns["adjit hessian"] = lambda: hess(*args)
            hess_hvps = adjit.hessian(f)
            hess_hvps.batched = False  # one hvp per element: the path before batched tangents
            fns["adjit hessian (one hvp per element)"] = lambda: hess_hvps(*args)
        if jax is not None:
            jargs, jg, jhvp, jhess = jax_fns(jax, fxp, args)
            jv = jax.device_put(v)
            fns["JAX jit(grad)"] = lambda: jax.block_until_ready(jg(*jargs))
            fns["JAX jit(jvp(grad))"] = lambda: jax.block_until_ready(jhvp(jv, *jargs))
            if full:
                fns["JAX jit(hessian)"] = lambda: jax.block_until_ready(jhess(*jargs))
        t = common.time_calls(fns, target=target)
        base = t["adjit grad"].median
        checks = f"hvp vs difference of gradients: relative error {err:.1e}"
        if full:
            h1, h2 = hess(*args), hess_hvps(*args)
            checks += (f"; batched Hessian vs one hvp per element: relative error "
                       f"{float(np.max(np.abs(h1 - h2)) / np.max(np.abs(h2))):.1e}")
        lines += [f"### {name}", "", checks, "",
                  "| implementation | time | / adjit grad |", "|---|---:|---:|"]
        for k, tm in t.items():
            lines.append(f"| {k} | {common.fmt_time(tm.median)} | {tm.median / base:.2f}× |")
        n = x.size
        lines.append("")
        lines.append(f"- adjit hvp / adjit grad: {t['adjit hvp'].median / base:.2f}× (target ≤ 4×)")
        if full:
            lines.append(f"- adjit hessian / (n × adjit hvp), n = {n}: "
                         f"{t['adjit hessian'].median / (n * t['adjit hvp'].median):.2f}× (target ≤ 1×; batched "
                         "tangents, compiler/batching.py)")
        if jax is not None:
            lines.append(f"- adjit hvp / JAX jit(jvp(grad)): {t['adjit hvp'].median / t['JAX jit(jvp(grad))'].median:.2f}×")
            if full:
                lines.append(f"- adjit hessian / JAX jit(hessian): "
                             f"{t['adjit hessian'].median / t['JAX jit(hessian)'].median:.2f}× (one hvp per "
                             f"element: {t['adjit hessian (one hvp per element)'].median / t['JAX jit(hessian)'].median:.2f}×)")
        lines.append("")
        results.add(f"second order: {name}", [{"name": k, "median": v.median} for k, v in t.items()])
    common.emit("\n".join(lines), ns.out)
    results.write(ns.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
