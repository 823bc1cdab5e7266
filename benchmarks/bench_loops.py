"""Gradients through loops: Euler integration, a tanh recurrence and a vanilla RNN, adjit vs
hand-written Numba (forward that stores what it needs + backward loop) and optional peers."""
from __future__ import annotations

import common

THREADS = common.pin_threads()  # before numpy is imported anywhere

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

import libmvec  # noqa: E402
from loop_models import (RNN_PARAMS, euler_data, euler_grad, recurrence_data,  # noqa: E402
                         recurrence_grad, rnn_data, rnn_grad)

RTOL = 1e-10          # adjit and peers vs hand-written Numba
FD_RTOL = 1e-6        # central differences vs hand-written Numba and adjit, small instances
SLOW_CALL = 0.3       # s: implementations slower than this per call are timed apart, 3 repeats
SKIP_CALL = 3.0       # s: a peer whose (extrapolated) gradient call exceeds this is skipped
TARGET_RATIO = 1.2    # the goal: adjit steady state ≤ 1.2 × hand-written Numba
TARGET_FIRST = 2.0    # the goal: cold first call ≤ 2 s


# =========================================================================== hand-written Numba

# --------------------------------------------------------------------------- 1. Euler

@numba.njit(nogil=True)
def euler_numba_forward(k, c, x0, n, dt):
    x = x0
    v = 0.0
    s = 0.0
    for i in range(n):
        a = -k * math.sin(x) - c * v
        x = x + dt * v
        v = v + dt * a
        s = s + x * x
    return dt * s + x * x + v * v


@numba.njit(nogil=True)
def euler_numba_grad(k, c, x0, n, dt):
    """Forward stores the trajectory (x_0..x_n, v_0..v_{n-1}) and the local partials sin x_i and
    cos x_i, computed together (LLVM turns the pair into one `sincos` call); the backward loop
    carries the adjoints of x and v in scalars and calls no transcendental."""
    xs = np.empty(n + 1)
    vs = np.empty(n)
    sins = np.empty(n)
    coss = np.empty(n)
    x = x0
    v = 0.0
    s = 0.0
    for i in range(n):
        xs[i] = x
        vs[i] = v
        si = math.sin(x)
        sins[i] = si
        coss[i] = math.cos(x)
        a = -k * si - c * v
        x = x + dt * v
        v = v + dt * a
        s = s + x * x
    xs[n] = x
    loss = dt * s + x * x + v * v
    xb = 2.0 * x
    vb = 2.0 * v
    kb = 0.0
    cb = 0.0
    two_dt = 2.0 * dt
    for i in range(n - 1, -1, -1):
        xb += two_dt * xs[i + 1]          # s += x_{i+1}²  (adjoint of s is dt)
        ab = dt * vb                      # v_{i+1} = v_i + dt a
        vb = vb + dt * xb - c * ab        # x_{i+1} = x_i + dt v_i ; a = ... - c v_i
        xb = xb - k * coss[i] * ab        # a = -k sin(x_i) ...
        kb -= sins[i] * ab
        cb -= vs[i] * ab
    return loss, kb, cb, xb


# --------------------------------------------------------------------------- 2. recurrence

@numba.njit(nogil=True)
def recurrence_numba_forward(x, a):
    prev = math.tanh(x[0])
    s = prev * prev
    for i in range(1, x.shape[0]):
        prev = math.tanh(a * prev + x[i])
        s += prev * prev
    return s


@numba.njit(nogil=True)
def recurrence_numba_grad(x, a):
    """Forward stores y; the backward loop carries dL/dy[i-1] from step i in a scalar."""
    n = x.shape[0]
    y = np.empty(n)
    prev = math.tanh(x[0])
    y[0] = prev
    s = prev * prev
    for i in range(1, n):
        prev = math.tanh(a * prev + x[i])
        y[i] = prev
        s += prev * prev
    dx = np.empty(n)
    da = 0.0
    carry = 0.0
    for i in range(n - 1, 0, -1):
        yi = y[i]
        g = (2.0 * yi + carry) * (1.0 - yi * yi)
        dx[i] = g
        da += g * y[i - 1]
        carry = a * g
    y0 = y[0]
    dx[0] = (2.0 * y0 + carry) * (1.0 - y0 * y0)
    return s, dx, da


# --------------------------------------------------------------------------- 3. RNN

@numba.njit(nogil=True)
def _tanh_row_scalar(z, out):
    """out = tanh(z), Σ out²: scalar libm tanh."""
    s = 0.0
    for i in range(z.shape[0]):
        hi = math.tanh(z[i])
        out[i] = hi
        s += hi * hi
    return s


@numba.njit(nogil=True)
def _tanh_row_simd(z, out):
    """out = tanh(z), Σ out²: four lanes at a time through libmvec."""
    n = z.shape[0]
    s = 0.0
    i = 0
    while i + 4 <= n:
        a, b, c, d = libmvec.tanh4(z[i], z[i + 1], z[i + 2], z[i + 3])
        out[i], out[i + 1], out[i + 2], out[i + 3] = a, b, c, d
        s += a * a + b * b + c * c + d * d
        i += 4
    for j in range(i, n):
        hj = math.tanh(z[j])
        out[j] = hj
        s += hj * hj
    return s


def make_rnn_numba(tanh_row):
    """Hand-written BPTT: the input projection xs Wxᵀ + b for all steps is one GEMM before the
    loop; each step is one GEMV (Wh h) and a fused tanh; the forward stores every h. The backward
    loop only does the per-step dependency (dz_t and the GEMV dz_t Wh); the weight gradients are
    two GEMMs over all steps afterwards (dWx = dZᵀ xs, dWh = dZᵀ H_{0..T-1})."""

    @numba.njit(nogil=True)
    def forward(Wx, Wh, b, h0, xs):
        T = xs.shape[0]
        U = xs @ Wx.T
        h = h0.copy()
        z = np.empty_like(h)
        loss = 0.0
        for t in range(T):
            r = Wh @ h
            for i in range(z.shape[0]):
                z[i] = U[t, i] + r[i] + b[i]
            loss += tanh_row(z, h)
        return loss

    @numba.njit(nogil=True)
    def grad(Wx, Wh, b, h0, xs):
        T = xs.shape[0]
        H = h0.shape[0]
        U = xs @ Wx.T
        Hs = np.empty((T + 1, H))
        Hs[0] = h0
        z = np.empty(H)
        loss = 0.0
        for t in range(T):
            r = Wh @ Hs[t]
            for i in range(H):
                z[i] = U[t, i] + r[i] + b[i]
            loss += tanh_row(z, Hs[t + 1])
        dZ = np.empty((T, H))
        dh = np.zeros(H)
        db = np.zeros(H)
        for t in range(T - 1, -1, -1):
            for i in range(H):
                hi = Hs[t + 1, i]
                g = (dh[i] + 2.0 * hi) * (1.0 - hi * hi)
                dZ[t, i] = g
                db[i] += g
            dh = dZ[t] @ Wh
        dWx = dZ.T @ xs
        dWh = dZ.T @ Hs[:T]
        return loss, dWx, dWh, db, dh

    return forward, grad


rnn_numba_forward, rnn_numba_grad = make_rnn_numba(_tanh_row_scalar)
rnn_simd_forward, rnn_simd_grad = make_rnn_numba(_tanh_row_simd)


# =========================================================================== peers

def jax_euler(jax, args):
    jnp, lax = jax.numpy, jax.lax
    k, c, x0, n, dt = args

    def objective(k, c, x0):
        def step(carry, _):
            x, v, s = carry
            a = -k * jnp.sin(x) - c * v
            x = x + dt * v
            v = v + dt * a
            return (x, v, s + x * x), None
        (x, v, s), _ = lax.scan(step, (x0, jnp.float64(0.0), jnp.float64(0.0)), None, length=n)
        return dt * s + x * x + v * v

    return common.jax_closures(jax, objective, tuple(jnp.float64(a) for a in (k, c, x0)), (0, 1, 2))


def jax_recurrence(jax, args):
    jnp, lax = jax.numpy, jax.lax
    x, a = args

    def objective(x, a):
        def step(prev, xi):
            y = jnp.tanh(a * prev + xi)
            return y, y
        y0 = jnp.tanh(x[0])
        _, ys = lax.scan(step, y0, x[1:])
        return y0 * y0 + jnp.sum(ys * ys)

    return common.jax_closures(jax, objective, (jax.device_put(x), jnp.float64(a)), (0, 1))


def jax_rnn(jax, args):
    jnp, lax = jax.numpy, jax.lax

    def objective(Wx, Wh, b, h0, xs):
        def step(carry, x):
            h, loss = carry
            h = jnp.tanh(Wx @ x + Wh @ h + b)
            return (h, loss + jnp.sum(h * h)), None
        (_, loss), _ = lax.scan(step, (h0, jnp.float64(0.0)), xs)
        return loss

    return common.jax_closures(jax, objective, tuple(jax.device_put(a) for a in args), (0, 1, 2, 3))


def torch_euler(torch, args):
    k, c, x0, n, dt = args
    params = [torch.tensor(p, requires_grad=True) for p in (k, c, x0)]

    def objective(k, c, x0):
        x, v, s = x0, torch.zeros(()), torch.zeros(())
        for _ in range(n):
            a = -k * torch.sin(x) - c * v
            x = x + dt * v
            v = v + dt * a
            s = s + x * x
        return dt * s + x * x + v * v

    return common.torch_closures(torch, objective, params)


def torch_recurrence(torch, args):
    x = torch.from_numpy(args[0].copy()).requires_grad_()
    a = torch.tensor(args[1], requires_grad=True)

    def objective(x, a):
        prev = torch.tanh(x[0])
        s = prev * prev
        for i in range(1, x.shape[0]):
            prev = torch.tanh(a * prev + x[i])
            s = s + prev * prev
        return s

    return common.torch_closures(torch, objective, [x, a])


def torch_rnn(torch, args):
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]
    xs = torch.from_numpy(args[4])

    def objective(Wx, Wh, b, h0):
        h, loss = h0, torch.zeros(())
        for t in range(xs.shape[0]):
            h = torch.tanh(Wx @ xs[t] + Wh @ h + b)
            loss = loss + (h * h).sum()
        return loss

    return common.torch_closures(torch, objective, params)


# =========================================================================== workloads

@dataclass
class Impl:
    """`grad()` returns (loss, *gradients) as floats / NumPy arrays; `run_grad`/`run_forward` are
    the timed callables; `peer` marks an optional library (JAX, PyTorch)."""
    name: str
    grad: Callable[[], tuple]
    run_grad: Callable[[], Any]
    run_forward: Callable[[], Any] | None = None
    peer: bool = False


@dataclass
class Workload:
    key: str                        # euler / recurrence / rnn
    title: str                      # section heading
    size: str                       # the size, for the summary
    names: tuple[str, ...]          # gradient names in wrt order
    data: Callable[[int], tuple]    # size -> arguments
    n: int                          # size passed to data
    probe_n: int                    # small size to estimate slow peers from
    fd_n: int                       # small size for the finite-difference check
    adjit_grad: Any
    numba_grad: Callable
    numba_forward: Callable
    extra_numba: list[tuple[str, Callable, Callable]] = field(default_factory=list)
    peers: dict[str, Callable] = field(default_factory=dict)  # library name -> factory
    first_call: tuple[str, str] = ("", "")  # (setup, call) for common.first_call_times
    notes: list[str] = field(default_factory=list)


def workloads(quick: bool, simd: bool) -> list[Workload]:
    wl = []
    for n in ((10 ** 5,) if quick else (10 ** 5, 10 ** 6)):
        wl.append(Workload(
            "euler", f"Euler integration, damped pendulum, n = {n:,} steps, d/d(k, c, x0)",
            f"Euler, n = 10^{round(math.log10(n))}", ("k", "c", "x0"), euler_data, n,
            probe_n=2000, fd_n=200, adjit_grad=euler_grad,
            numba_grad=euler_numba_grad, numba_forward=euler_numba_forward,
            peers={"jax": jax_euler, "torch": torch_euler},
            first_call=(f"from loop_models import euler_grad as g, euler_data; "
                        f"args = euler_data({n})", "g(*args)")))
    n = 10 ** 5 if quick else 10 ** 6
    wl.append(Workload(
        "recurrence", f"Recurrence y[i] = tanh(a·y[i-1] + x[i]), n = {n:,}, loss Σy², d/d(x, a)",
        f"recurrence, n = 10^{round(math.log10(n))}", ("x", "a"), recurrence_data, n,
        probe_n=2000, fd_n=40, adjit_grad=recurrence_grad,
        numba_grad=recurrence_numba_grad, numba_forward=recurrence_numba_forward,
        peers={"jax": jax_recurrence, "torch": torch_recurrence},
        first_call=(f"from loop_models import recurrence_grad as g, recurrence_data; "
                    f"args = recurrence_data({n})", "g(*args)")))
    extra = [("hand-written Numba + libmvec tanh", rnn_simd_grad, rnn_simd_forward)] if simd else []
    wl.append(Workload(
        "rnn", "Vanilla RNN, T = 100, H = 64, input 32, loss Σ_t Σ h_t², d/d(Wx, Wh, b, h0)",
        "RNN, T = 100, H = 64", RNN_PARAMS, lambda T: rnn_data(T=T), 100,
        probe_n=100, fd_n=5, adjit_grad=rnn_grad,
        numba_grad=rnn_numba_grad, numba_forward=rnn_numba_forward, extra_numba=extra,
        peers={"jax": jax_rnn, "torch": torch_rnn},
        first_call=("from loop_models import rnn_grad as g, rnn_data; args = rnn_data()",
                    "g(*args)")))
    return wl


# =========================================================================== checks

def _adjit_value_and_grad(g, args):
    grads = g(*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    return (g.forward(*args),) + grads


def check_finite_differences(w: Workload) -> list[str]:
    """Central differences of the hand-written objective at a small size vs hand-written Numba's
    and adjit's gradients. For arrays every element is perturbed (the instances are tiny)."""
    args = list(w.data(w.fd_n))
    positions = range(len(w.names))   # every workload's wrt arguments come first
    fd = []
    for pos in positions:
        a = args[pos]
        if isinstance(a, float):
            h = 1e-6 * max(1.0, abs(a))
            plus, minus = list(args), list(args)
            plus[pos], minus[pos] = a + h, a - h
            fd.append((w.numba_forward(*plus) - w.numba_forward(*minus)) / (2 * h))
        else:
            d = np.empty_like(a)
            for idx in np.ndindex(a.shape):
                h = 1e-6 * max(1.0, abs(a[idx]))
                p, m = a.copy(), a.copy()
                p[idx] += h
                m[idx] -= h
                plus, minus = list(args), list(args)
                plus[pos], minus[pos] = p, m
                d[idx] = (w.numba_forward(*plus) - w.numba_forward(*minus)) / (2 * h)
            fd.append(d)
    failures = []
    for label, got in (("hand-written Numba", w.numba_grad(*args)[1:]),
                       ("adjit", _adjit_value_and_grad(w.adjit_grad, tuple(args))[1:])):
        for name, g, f in zip(w.names, got, fd):
            err = common.rel_err(g, f)
            if not err < FD_RTOL:
                failures.append(f"{label}: d{name} vs central differences at size {w.fd_n}: "
                                f"relative error {err:.3g} (limit {FD_RTOL:g})")
    return failures


def check_agreement(w: Workload, impls: list[Impl]) -> tuple[list[str], list[str]]:
    """(failures of hand-written/adjit rows: abort, peer disagreements: the peer is dropped)."""
    ref = impls[0].grad()
    fatal, peer_fail = [], []
    for impl in impls[1:]:
        got = impl.grad()
        for name, a, b in zip(("loss",) + tuple("d" + n for n in w.names), got, ref):
            err = common.rel_err(a, b)
            if not err < RTOL:
                msg = f"{impl.name}: {name} relative error {err:.3g} vs hand-written Numba"
                (peer_fail if impl.peer else fatal).append(msg)
    return fatal, peer_fail


# =========================================================================== one workload

def build_impls(w: Workload, args, peer_mods) -> tuple[list[Impl], list[str]]:
    """Freshly built implementations (new Numba dispatchers, new jax.jit objects), so that each
    one's first call includes its compilation."""
    nb_grad, nb_forward = common.fresh_njit(w.numba_grad), common.fresh_njit(w.numba_forward)
    impls = [Impl("hand-written Numba", lambda: nb_grad(*args),
                  lambda: nb_grad(*args), lambda: nb_forward(*args))]
    for name, grad, fwd in w.extra_numba:
        grad, fwd = common.fresh_njit(grad), common.fresh_njit(fwd)
        impls.append(Impl(name, (lambda grad=grad: grad(*args)), (lambda grad=grad: grad(*args)),
                          (lambda fwd=fwd: fwd(*args))))
    impls.append(Impl("adjit", lambda: _adjit_value_and_grad(w.adjit_grad, args),
                      lambda: w.adjit_grad(*args), lambda: w.adjit_grad.forward(*args)))
    notes = []
    labels = {"jax": "JAX jit(value_and_grad), lax.scan", "torch": "PyTorch eager, Python loop"}
    for lib, factory in w.peers.items():
        mod = peer_mods.get(lib)
        if mod is None:
            continue
        # Estimate from a small instance first: eager PyTorch over 10^6 scalar steps would take
        # minutes per call, which says all there is to say without running it.
        if w.probe_n < w.n:
            _, probe_run, _ = factory(mod, w.data(w.probe_n))
            probe_run()
            t0 = time.perf_counter()
            probe_run()
            est = (time.perf_counter() - t0) * w.n / w.probe_n
            if est > SKIP_CALL:
                notes.append(f"{labels[lib]} skipped: ≈ {common.fmt_time(est)} per gradient call "
                             f"(extrapolated linearly from size {w.probe_n:,})")
                continue
        grad, run_grad, run_forward = factory(mod, args)
        impls.append(Impl(labels[lib], grad, run_grad, run_forward, peer=True))
    return impls, notes


def bench_workload(w: Workload, peer_mods, target: float,
                   adjit_first: float | None) -> tuple[str, dict, list[dict]]:
    """(Markdown, summary, rows). `adjit_first`: adjit's cold first call (s) or None."""
    print(f"  {w.title}", file=sys.stderr)
    fd_fail = check_finite_differences(w)
    if fd_fail:
        sys.exit(f"ABORT: {w.title}: finite-difference check failed:\n  " + "\n  ".join(fd_fail))
    args = w.data(w.n)
    impls, notes = build_impls(w, args, peer_mods)
    # first call of each freshly built implementation (before the agreement check compiles it)
    first = {impl.name: common.time_first(impl.run_grad) for impl in impls}
    first["adjit"] = adjit_first   # in this process adjit loads from its disk cache
    fatal, peer_fail = check_agreement(w, impls)
    if fatal:
        sys.exit(f"ABORT: {w.title}: gradients disagree with hand-written Numba:\n  "
                 + "\n  ".join(fatal))
    if peer_fail:
        bad = {m.split(":")[0] for m in peer_fail}
        impls = [i for i in impls if i.name not in bad]
        notes += [f"dropped, disagrees with hand-written Numba beyond {RTOL:g}: {m}"
                  for m in peer_fail]

    fast, slow = {}, {}
    for impl in impls:   # one more call each (all are compiled now) to sort fast from slow
        t0 = time.perf_counter()
        impl.run_grad()
        dest = slow if time.perf_counter() - t0 > SLOW_CALL else fast
        dest[impl.name, "grad"] = impl.run_grad
        if impl.run_forward:
            dest[impl.name, "forward"] = impl.run_forward
    # many short rounds: the ratios then hold up better when other processes come and go
    times = common.time_calls(fast, target=target, rounds=20 if target >= 1.0 else 10)
    for key, fn in slow.items():
        times[key] = common.time_call(fn, target=target, warmup=1, min_repeats=3)
        notes.append(f"{key[0]} ({key[1]}) timed on its own, not interleaved: "
                     f"{times[key].repeats} calls of > {SLOW_CALL:g} s")

    t_nb = times["hand-written Numba", "grad"].median
    peer_times = {i.name: times[i.name, "grad"].median for i in impls if i.peer}
    fastest_peer = min(peer_times, key=peer_times.get) if peer_times else None
    rows = common.comparison_rows([i.name for i in impls], times, first, {"adjit": " †"})
    table = common.comparison_table(rows)
    t_ad = times["adjit", "grad"].median
    summary = dict(size=w.size, adjit=t_ad, numba=t_nb,
                   adjit_obj=times["adjit", "forward"].median,
                   peer=(fastest_peer, peer_times[fastest_peer]) if fastest_peer else None)
    return table + ("\n\n" + "\n".join(f"- {n}" for n in notes) if notes else ""), summary, rows


def first_call(w: Workload) -> dict:
    print(f"  first call: {w.size} (cold and warm cache subprocesses)", file=sys.stderr)
    return common.first_call_times(setup=w.first_call[0], call=w.first_call[1])


# =========================================================================== main

def summary_table(results: list[tuple[dict, dict | None]]) -> str:
    header = ["workload", "adjit first call, cold", "warm cache", "adjit gradient",
              "hand-written Numba", "adjit / Numba", "fastest peer", "adjit / fastest peer",
              "adjit gradient / objective"]
    rows = []
    for s, fc in results:
        ratio = s["adjit"] / s["numba"]
        mark = "✓" if ratio <= TARGET_RATIO else "✗"
        if fc:
            cold = fc["cold"]["first"]
            cold_s = f"{common.fmt_time(cold)} {'✓' if cold <= TARGET_FIRST else '✗'}"
            warm_s = common.fmt_time(fc["warm"]["first"])
        else:
            cold_s = warm_s = "—"
        peer = s["peer"]
        rows.append([s["size"], cold_s, warm_s, common.fmt_time(s["adjit"]),
                     common.fmt_time(s["numba"]), f"{common.fmt_ratio(ratio)} {mark}",
                     f"{peer[0]}: {common.fmt_time(peer[1])}" if peer else "—",
                     common.fmt_ratio(s["adjit"] / peer[1]) if peer else "—",
                     common.fmt_ratio(s["adjit"] / s["adjit_obj"])])
    return common.markdown_table(header, rows, align="lrrrrrlrr")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--no-first-call", action="store_true",
                        help="skip the cold/warm first-call subprocess measurements")
    parser.add_argument("--only", choices=("euler", "recurrence", "rnn"), action="append",
                        help="run only these workloads (repeatable)")
    opts = parser.parse_args(argv)
    target = 0.15 if opts.quick else 1.0

    peer_mods, notes = common.load_peers(("jax", "torch"), THREADS)
    simd, simd_note = libmvec.available()

    out = ["## Loops: Euler integration, tanh recurrence, vanilla RNN (float64)", "",
           common.environment_line(THREADS), "",
           "Peers: " + "; ".join(notes) + ".", "",
           "Every implementation returns the loss and all gradients (adjit: `adjit.grad`, which "
           "computes the loss internally). *Hand-written Numba* is `@numba.njit` code written for "
           "the purpose: a forward loop that stores what the backward needs, then a backward loop "
           "carrying the adjoints in scalars (Euler: the forward stores x, v and the partials "
           "sin x, cos x, computed by one `sincos`; RNN: per-step GEMV in the loop, the weight "
           "gradients as GEMMs over all steps afterwards; scalar libm tanh). Before timing, "
           "hand-written Numba and adjit were checked against central differences on a small "
           f"instance (relative error < {FD_RTOL:g}), and adjit and every peer against "
           f"hand-written Numba at the timed size (< {RTOL:g}). Ratios divide by times from "
           "this run; \"gradient / objective\" divides by the same implementation's objective-only "
           "time (adjit: `g.forward`). Goals from the issue: adjit ≤ "
           f"{TARGET_RATIO}× hand-written Numba, cold first call ≤ {TARGET_FIRST:g} s.", "",
           common.COMPARISON_LEGEND, ""]
    if opts.quick:
        out += ["*Quick run: smaller sizes (10^5) and few repeats; numbers are noisy.*", ""]
    sections, results = [], []
    collected = common.Results("loops", THREADS)
    for w in workloads(opts.quick, simd):
        if opts.only and w.key not in opts.only:
            continue
        fc = None if opts.no_first_call else first_call(w)
        table, summary, rows = bench_workload(w, peer_mods, target,
                                              fc["cold"]["first"] if fc else None)
        results.append((summary, fc))
        collected.add(w.size, rows)
        sections += [f"### {w.title}", "", table, ""]
        if fc:
            sections += ["adjit first call in fresh processes (cold: empty `ADJIT_CACHE_DIR`; "
                         "warm: second process on the same cache): "
                         f"first gradient call **{common.fmt_time(fc['cold']['first'])}** cold, "
                         f"{common.fmt_time(fc['warm']['first'])} warm; import adjit "
                         f"{common.fmt_time(fc['cold']['import_adjit'])}; second call "
                         f"{common.fmt_time(fc['cold']['second'])}.", ""]
    out += ["### Summary", "", summary_table(results), "",
            "✓/✗: within the issue's goal or not. *warm cache*: the first call in a second fresh "
            "process that loads what the cold one cached.", ""] + sections
    if not simd:
        out += [f"(The RNN's libmvec tanh variant is skipped: {simd_note}.)", ""]
    common.emit("\n".join(out), opts.out)
    collected.write(opts.json)


if __name__ == "__main__":
    main()
