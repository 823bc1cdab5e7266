"""Gradient of the seed's 784→128→10 tanh network: adjit vs hand-written NumPy/Numba and peers."""
from __future__ import annotations

import common

THREADS = common.pin_threads()  # before numpy is imported anywhere

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

import libmvec  # noqa: E402
from models import PARAMS, seed_data, seed_grad  # noqa: E402

BATCHES = (32, 256, 2048)
QUICK_BATCHES = (256,)
FIRST_CALL_BATCH = 256
RTOL = 1e-10


# --------------------------------------------------------------------------- hand-written NumPy

def numpy_forward(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def numpy_grad(W1, b1, W2, b2, x, t):
    """The seed's backpropagation formulas; returns (loss, dW1, db1, dW2, db2)."""
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    r = y - t
    loss = np.sum(r * r)
    dy = 2.0 * r
    dW2 = dy @ h.T
    db2 = dy.sum(axis=1, keepdims=True)
    dh = W2.T @ dy
    dz1 = dh * (1.0 - h * h)
    dW1 = dz1 @ x.T
    db1 = dz1.sum(axis=1, keepdims=True)
    return loss, dW1, db1, dW2, db2


# --------------------------------------------------------------------------- hand-written Numba

@numba.njit(nogil=True)
def _tanh_bias_scalar(h, b):
    """h = tanh(h + b) in place, with Numba's scalar libm tanh."""
    for i in range(h.shape[0]):
        for j in range(h.shape[1]):
            h[i, j] = math.tanh(h[i, j] + b[i, 0])


@numba.njit(nogil=True)
def _tanh_bias_simd(h, b):
    """h = tanh(h + b) in place, four lanes at a time through libmvec."""
    n = h.shape[1]
    for i in range(h.shape[0]):
        bi = b[i, 0]
        j = 0
        while j + 4 <= n:
            h[i, j], h[i, j + 1], h[i, j + 2], h[i, j + 3] = libmvec.tanh4(
                h[i, j] + bi, h[i, j + 1] + bi, h[i, j + 2] + bi, h[i, j + 3] + bi)
            j += 4
        for k in range(j, n):
            h[i, k] = math.tanh(h[i, k] + bi)


def make_numba(tanh_bias):
    """Hand-written Numba objective and gradient (the seed's formulas): BLAS for the products,
    one fused loop per elementwise stage; `tanh_bias` is the kernel for h = tanh(W1 x + b1)."""

    @numba.njit(nogil=True)
    def forward(W1, b1, W2, b2, x, t):
        h = W1 @ x
        tanh_bias(h, b1)
        y = W2 @ h
        loss = 0.0
        for i in range(y.shape[0]):
            for j in range(y.shape[1]):
                r = y[i, j] + b2[i, 0] - t[i, j]
                loss += r * r
        return loss

    @numba.njit(nogil=True)
    def grad(W1, b1, W2, b2, x, t):
        h = W1 @ x
        tanh_bias(h, b1)
        dy = W2 @ h
        db2 = np.empty((dy.shape[0], 1))
        loss = 0.0
        for i in range(dy.shape[0]):            # loss, dy = 2(y - t), db2 = Σ dy: one pass
            s = 0.0
            for j in range(dy.shape[1]):
                r = dy[i, j] + b2[i, 0] - t[i, j]
                loss += r * r
                d = 2.0 * r
                dy[i, j] = d
                s += d
            db2[i, 0] = s
        dW2 = dy @ h.T
        dz1 = W2.T @ dy
        db1 = np.empty((dz1.shape[0], 1))
        for i in range(dz1.shape[0]):           # dz1 = dh ⊙ (1 - h²), db1 = Σ dz1: one pass
            s = 0.0
            for j in range(dz1.shape[1]):
                hij = h[i, j]
                d = dz1[i, j] * (1.0 - hij * hij)
                dz1[i, j] = d
                s += d
            db1[i, 0] = s
        dW1 = dz1 @ x.T
        return loss, dW1, db1, dW2, db2

    return forward, grad


numba_forward, numba_grad = make_numba(_tanh_bias_scalar)
simd_forward, simd_grad = make_numba(_tanh_bias_simd)


# --------------------------------------------------------------------------- implementations

class Impl:
    """One implementation: `grad()` returns (loss or None, dW1, db1, dW2, db2) as NumPy arrays;
    `run_grad`/`run_forward` are the timed callables (results forced to completion)."""

    def __init__(self, name, grad, run_grad, run_forward=None):
        self.name, self.grad, self.run_grad, self.run_forward = name, grad, run_grad, run_forward


def make_impls(args, peers, simd):
    impls = [
        Impl("hand-written NumPy", lambda: numpy_grad(*args),
             lambda: numpy_grad(*args), lambda: numpy_forward(*args)),
        Impl("hand-written Numba", lambda: numba_grad(*args),
             lambda: numba_grad(*args), lambda: numba_forward(*args)),
    ]
    if simd:
        impls.append(Impl("hand-written Numba + libmvec tanh", lambda: simd_grad(*args),
                          lambda: simd_grad(*args), lambda: simd_forward(*args)))
    impls += [
        Impl("adjit", lambda: (seed_grad.forward(*args),) + tuple(seed_grad(*args)),
             lambda: seed_grad(*args), lambda: seed_grad.forward(*args)),
    ]
    if peers.get("jax"):
        impls.append(_jax_impl(peers["jax"], args))
    if peers.get("torch"):
        impls.append(_torch_impl(peers["torch"], args))
    if peers.get("autograd"):
        impls.append(_autograd_impl(peers["autograd"], args))
    return impls


def _jax_impl(jax, args):
    jnp = jax.numpy

    def objective(W1, b1, W2, b2, x, t):
        h = jnp.tanh(W1 @ x + b1)
        y = W2 @ h + b2
        return jnp.sum((y - t) ** 2)

    vg = jax.jit(jax.value_and_grad(objective, argnums=(0, 1, 2, 3)))
    fwd = jax.jit(objective)
    jargs = [jax.device_put(a) for a in args]

    def grad():
        value, grads = vg(*jargs)
        return (float(value),) + tuple(np.asarray(g) for g in grads)

    return Impl("JAX jit(value_and_grad)", grad,
                lambda: jax.block_until_ready(vg(*jargs)),
                lambda: jax.block_until_ready(fwd(*jargs)))


def _torch_impl(torch, args):
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]
    x, t = (torch.from_numpy(a) for a in args[4:])

    def objective():
        h = torch.tanh(params[0] @ x + params[1])
        y = params[2] @ h + params[3]
        return ((y - t) ** 2).sum()

    def value_and_grad():
        loss = objective()
        return (loss,) + torch.autograd.grad(loss, params)

    def grad():
        out = value_and_grad()
        return (out[0].item(),) + tuple(g.numpy() for g in out[1:])

    def forward():
        with torch.no_grad():
            return objective()

    return Impl("PyTorch eager", grad, value_and_grad, forward)


def _autograd_impl(autograd, args):
    anp = autograd.numpy

    def objective(W1, b1, W2, b2, x, t):
        h = anp.tanh(W1 @ x + b1)
        y = W2 @ h + b2
        return anp.sum((y - t) ** 2)

    vg = autograd.value_and_grad(objective, argnum=(0, 1, 2, 3))

    def grad():
        value, grads = vg(*args)
        return (value,) + tuple(grads)

    return Impl("autograd", grad, lambda: vg(*args), lambda: objective(*args))


# --------------------------------------------------------------------------- checks and timing

def check_agreement(impls, batch):
    """Every implementation's loss and gradients must match hand-written NumPy to RTOL."""
    ref = impls[0].grad()
    failures = []
    for impl in impls[1:]:
        got = impl.grad()
        for name, a, b in zip(("loss",) + PARAMS, got, ref):
            a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if a.shape != b.shape:
                failures.append(f"{impl.name}: d{name} has shape {a.shape}, expected {b.shape}")
                continue
            err = np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(np.float64).tiny)
            if not err < RTOL:
                failures.append(f"{impl.name}: {'loss' if name == 'loss' else 'd' + name} "
                                f"relative error {err:.3g} (limit {RTOL:g})")
    if failures:
        sys.exit(f"ABORT: gradients disagree with hand-written NumPy at batch {batch}:\n  "
                 + "\n  ".join(failures))


def bench_batch(batch, peers, simd, target):
    args = seed_data(batch)
    impls = make_impls(args, peers, simd)
    check_agreement(impls, batch)
    print(f"  batch {batch}: timing {len(impls)} implementations, interleaved", file=sys.stderr)
    fns = {}
    for impl in impls:
        fns[impl.name, "grad"] = impl.run_grad
        if impl.run_forward:
            fns[impl.name, "forward"] = impl.run_forward
    times = common.time_calls(fns, target=target)
    t_np = times["hand-written NumPy", "grad"].median
    t_nb = times["hand-written Numba", "grad"].median
    rows = []
    for impl in impls:
        g, f = times[impl.name, "grad"], times.get((impl.name, "forward"))
        rows.append([impl.name, common.fmt_time(g.median), common.fmt_ratio(g.median / t_np),
                     common.fmt_ratio(g.median / t_nb),
                     common.fmt_ratio(g.median / f.median if f else None), g.repeats])
    header = ["implementation", "median gradient time", "vs NumPy", "vs Numba",
              "gradient / objective", "repeats"]
    return common.markdown_table(header, rows)


def first_call_table():
    print(f"  first call, batch {FIRST_CALL_BATCH}: cold and warm cache subprocesses",
          file=sys.stderr)
    res = common.first_call_times(
        setup=f"from models import seed_grad, seed_data; args = seed_data({FIRST_CALL_BATCH})",
        call="seed_grad(*args)")
    phases = [("import numpy", "import_numpy"), ("import adjit", "import_adjit"),
              ("decorate + build data", "setup"), ("**first gradient call**", "first"),
              ("second gradient call", "second")]
    rows = [[label, common.fmt_time(res["cold"][k]), common.fmt_time(res["warm"][k])]
            for label, k in phases]
    return common.markdown_table(["phase (fresh process)", "cold (empty cache)", "warm disk cache"],
                                 rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--no-first-call", action="store_true",
                        help="skip the cold/warm first-call subprocess measurement")
    opts = parser.parse_args(argv)
    batches = QUICK_BATCHES if opts.quick else BATCHES
    target = 0.15 if opts.quick else 1.0

    peers, notes = common.load_peers(("jax", "torch", "autograd"), THREADS)
    simd, simd_note = libmvec.available()

    out = ["## Seed network: 784→128→10, tanh, squared error, float64", "",
           common.environment_line(THREADS), "",
           "Peers: " + "; ".join(notes) + ".", "",
           "Every implementation returns the loss and the four parameter gradients "
           "(adjit: `adjit.grad`, which computes the loss internally); all were checked against "
           f"hand-written NumPy (relative error < {RTOL:g}) before timing. Ratios are times "
           "divided by the reference's time in this run (below 1× is faster); "
           "\"gradient / objective\" divides by the same implementation's objective-only time. "
           "Implementations are timed interleaved, in rounds, so load changes hit all alike.",
           "",
           "*Hand-written Numba* is `@numba.njit` of the seed's formulas with BLAS products and "
           "one fused loop per elementwise stage; its tanh is Numba's scalar libm call. "
           + ("*+ libmvec tanh* is the same code with the tanh loop calling glibc's AVX2 "
              "`_ZGVdN4v_tanh` four lanes at a time (the SIMD speed limit the design asks for)."
              if simd else f"(The libmvec SIMD variant is skipped: {simd_note}.)"),
           ""]
    if opts.quick:
        out += ["*Quick run: fewer sizes and repeats; numbers are noisy.*", ""]
    for batch in batches:
        out += [f"### Batch {batch}: x (784, {batch}), steady state", "",
                bench_batch(batch, peers, simd, target), ""]
    if not opts.no_first_call:
        out += [f"### adjit first call, batch {FIRST_CALL_BATCH}", "",
                "Each column is a new Python process; times are measured inside it. *Cold*: empty "
                "`ADJIT_CACHE_DIR` (generate code + Numba compile). *Warm*: a second process on "
                "the same cache directory (load generated code and Numba's cached machine code).",
                "", first_call_table(), ""]
    common.emit("\n".join(out), opts.out)


if __name__ == "__main__":
    main()
