"""Multi-layer character-level LSTM (hidden 14; 2 and 4 layers; 1024 and 4096 steps): adjit's
gradient of the plain NumPy objective in lstm_models.py against a hand-written Numba BPTT
adjoint, JAX (jit(value_and_grad) over lax.scan) and PyTorch (eager autograd over the loop).

    python benchmarks/bench_lstm.py [--quick] [--out PATH] [--no-first-call] [--json PATH]

The per-size tables, checks and peer handling are bench_loops.py's (imported); the targets are
issue 14's: adjit's gradient <= 1.0x the fastest of hand-written Numba, JAX and PyTorch, cold
first call <= 1.5 s (and <= JAX's compile where JAX needs more than 1 s)."""
from __future__ import annotations

import bench_loops  # first: it pins the thread pools (common.pin_threads) before numpy loads

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

import common  # noqa: E402
from lstm_models import LSTM_PARAMS, VOCAB, lstm_data, lstm_grad  # noqa: E402

THREADS = bench_loops.THREADS
RTOL = 1e-8            # adjit and peers vs hand-written Numba (float64)
TARGET_PEER = 1.0      # adjit gradient <= 1.0 x the fastest of hand-written Numba, JAX, PyTorch
TARGET_FIRST = 1.5     # adjit cold first call <= 1.5 s
H_DEFAULT = 14

bench_loops.RTOL = RTOL
bench_loops.SKIP_CALL = 30.0   # PyTorch eager over 4096 x 4 layer steps takes seconds: time it


# =========================================================================== hand-written Numba

@numba.njit(nogil=True, error_model="numpy", inline="always")
def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


@numba.njit(nogil=True, error_model="numpy", inline="always")
def _layer_step(WTl, bl, xin, H, gates, c, tc, h):
    """z = WTl.T @ xin + bl, gates (i, f, o, g) written to `gates`; c updated in place;
    tc = tanh(c); h = o * tc. Explicit loops over the transposed weights WTl (2H, 4H), so the
    inner loop runs along contiguous memory and vectorises: for H = 14 the 56 x 28 product is
    too small for a BLAS call. Inlined into its callers, so a fresh dispatcher of theirs
    compiles it again (first call)."""
    n_in = xin.shape[0]
    gates[:] = bl
    for j in range(n_in):
        xj = xin[j]
        for k in range(4 * H):
            gates[k] += WTl[j, k] * xj
    for k in range(3 * H):
        gates[k] = _sigmoid(gates[k])
    for k in range(3 * H, 4 * H):
        gates[k] = math.tanh(gates[k])
    for j in range(H):
        cj = gates[H + j] * c[j] + gates[j] * gates[3 * H + j]
        c[j] = cj
        t = math.tanh(cj)
        tc[j] = t
        h[j] = gates[2 * H + j] * t


@numba.njit(nogil=True, error_model="numpy")
def lstm_numba_forward(W, b, E, Wy, by, tokens):
    L, H = W.shape[0], E.shape[1]
    T = tokens.shape[0] - 1
    h = np.zeros((L, H))
    c = np.zeros((L, H))
    xin = np.empty(2 * H)
    gates = np.empty(4 * H)
    tc = np.empty(H)
    Htop = np.empty((T, H))
    WT = np.ascontiguousarray(W.transpose(0, 2, 1))
    for t in range(T):
        xin[:H] = E[tokens[t]]
        for l in range(L):
            xin[H:] = h[l]
            _layer_step(WT[l], b[l], xin, H, gates, c[l], tc, h[l])
            xin[:H] = h[l]
        Htop[t] = h[L - 1]
    logits = Htop @ Wy.T
    loss = 0.0
    for t in range(T):
        m = -np.inf
        for v in range(by.shape[0]):
            logits[t, v] += by[v]
            m = max(m, logits[t, v])
        s = 0.0
        for v in range(by.shape[0]):
            s += math.exp(logits[t, v] - m)
        loss += m + math.log(s) - logits[t, tokens[t + 1]]
    return loss


@numba.njit(nogil=True, error_model="numpy")
def lstm_numba_grad(W, b, E, Wy, by, tokens):
    """BPTT by hand. The forward stores, per layer and step, the layer's input (x, h_prev) (2H),
    its four gate activations (4H), the cell state (H) and tanh of it (H); the output layer runs
    after the time loop as one GEMM over all steps (it feeds nothing back), and so does its
    adjoint. The backward loop carries dh and dc per layer, stores dz per layer and step, and
    the weight gradients are one GEMM per layer after it (dW[l] = dZ[l]^T Xin[l])."""
    L, H = W.shape[0], E.shape[1]
    T = tokens.shape[0] - 1
    V = by.shape[0]
    Xin = np.empty((L, T, 2 * H))
    G = np.empty((L, T, 4 * H))
    C = np.empty((L, T + 1, H))        # C[l, t] is the cell state before step t
    TC = np.empty((L, T, H))
    Htop = np.empty((T, H))
    h = np.zeros((L, H))
    C[:, 0, :] = 0.0
    WT = np.ascontiguousarray(W.transpose(0, 2, 1))
    for t in range(T):
        x = E[tokens[t]]
        for l in range(L):
            xin = Xin[l, t]
            xin[:H] = x
            xin[H:] = h[l]
            C[l, t + 1] = C[l, t]
            _layer_step(WT[l], b[l], xin, H, G[l, t], C[l, t + 1], TC[l, t], h[l])
            x = h[l]
        Htop[t] = h[L - 1]
    # output layer and softmax cross-entropy over all steps at once
    dLg = Htop @ Wy.T
    loss = 0.0
    for t in range(T):
        m = -np.inf
        for v in range(V):
            dLg[t, v] += by[v]
            m = max(m, dLg[t, v])
        s = 0.0
        for v in range(V):
            e = math.exp(dLg[t, v] - m)
            dLg[t, v] = e
            s += e
        tgt = tokens[t + 1]
        loss += m + math.log(s) - (math.log(dLg[t, tgt]) + m)
        inv = 1.0 / s
        for v in range(V):
            dLg[t, v] *= inv
        dLg[t, tgt] -= 1.0
    dWy = dLg.T @ Htop
    dby = dLg.sum(axis=0)
    dHtop = dLg @ Wy
    # backward through time
    dZ = np.empty((L, T, 4 * H))
    dh_carry = np.zeros((L, H))
    dc_carry = np.zeros((L, H))
    dE = np.zeros_like(E)
    dx = np.empty(H)
    din = np.empty(2 * H)
    for t in range(T - 1, -1, -1):
        dx[:] = dHtop[t]
        for l in range(L - 1, -1, -1):
            g = G[l, t]
            dz = dZ[l, t]
            cprev = C[l, t]
            tcl = TC[l, t]
            for j in range(H):
                ig, fg, og, gg = g[j], g[H + j], g[2 * H + j], g[3 * H + j]
                dh = dh_carry[l, j] + dx[j]
                tj = tcl[j]
                dc = dc_carry[l, j] + dh * og * (1.0 - tj * tj)
                dz[j] = dc * gg * ig * (1.0 - ig)
                dz[H + j] = dc * cprev[j] * fg * (1.0 - fg)
                dz[2 * H + j] = dh * tj * og * (1.0 - og)
                dz[3 * H + j] = dc * ig * (1.0 - gg * gg)
                dc_carry[l, j] = dc * fg
            Wl = W[l]
            din[:] = 0.0
            for k in range(4 * H):
                dzk = dz[k]
                for j in range(2 * H):
                    din[j] += Wl[k, j] * dzk
            dx[:] = din[:H]
            dh_carry[l] = din[H:]
        tok = tokens[t]
        for j in range(H):
            dE[tok, j] += dx[j]
    dW = np.empty_like(W)
    db = np.empty_like(b)
    for l in range(L):
        dW[l] = dZ[l].T @ Xin[l]
        db[l] = dZ[l].sum(axis=0)
    return loss, dW, db, dE, dWy, dby


def numba_bytes_per_step(L: int, H: int, V: int) -> dict[str, int]:
    """What an adjoint must keep per time step (float64), and what lstm_numba_grad keeps."""
    minimum = L * (4 * H + H + H) * 8            # gates, cell state, hidden state per layer
    ours = L * (2 * H + 4 * H + H + H) * 8 + (H + V + H + 4 * H * L) * 8
    return dict(minimum=minimum, ours=ours)


# =========================================================================== peers

def jax_lstm(jax, args):
    jnp, lax = jax.numpy, jax.lax
    W, b, E, Wy, by, tokens = args
    L, H = W.shape[0], E.shape[1]

    def objective(W, b, E, Wy, by, tokens):
        def step(carry, tt):
            hs, cs, loss = carry
            tok, nxt = tt
            x = E[tok]
            hs, cs = list(hs), list(cs)
            for l in range(L):
                z = W[l] @ jnp.concatenate((x, hs[l])) + b[l]
                i = jax.nn.sigmoid(z[:H])
                f = jax.nn.sigmoid(z[H:2 * H])
                o = jax.nn.sigmoid(z[2 * H:3 * H])
                g = jnp.tanh(z[3 * H:])
                cs[l] = f * cs[l] + i * g
                hs[l] = o * jnp.tanh(cs[l])
                x = hs[l]
            logits = Wy @ x + by
            m = jnp.max(logits)
            loss = loss + m + jnp.log(jnp.sum(jnp.exp(logits - m))) - logits[nxt]
            return (tuple(hs), tuple(cs), loss), None

        zeros = tuple(jnp.zeros(H) for _ in range(L))
        (_, _, loss), _ = lax.scan(step, (zeros, zeros, jnp.float64(0.0)),
                                   (tokens[:-1], tokens[1:]))
        return loss

    return common.jax_closures(jax, objective, tuple(jax.device_put(a) for a in args), (0, 1, 2, 3, 4))


def torch_lstm(torch, args):
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:5]]
    tokens = args[5].tolist()
    L, H = args[0].shape[0], args[2].shape[1]

    def objective(W, b, E, Wy, by):
        hs = [torch.zeros(H) for _ in range(L)]
        cs = [torch.zeros(H) for _ in range(L)]
        loss = torch.zeros(())
        for t in range(len(tokens) - 1):
            x = E[tokens[t]]
            for l in range(L):
                z = W[l] @ torch.cat((x, hs[l])) + b[l]
                i = torch.sigmoid(z[:H])
                f = torch.sigmoid(z[H:2 * H])
                o = torch.sigmoid(z[2 * H:3 * H])
                g = torch.tanh(z[3 * H:])
                cs[l] = f * cs[l] + i * g
                hs[l] = o * torch.tanh(cs[l])
                x = hs[l]
            logits = Wy @ x + by
            loss = loss + torch.logsumexp(logits, 0) - logits[tokens[t + 1]]
        return loss

    return common.torch_closures(torch, objective, params)


# =========================================================================== workloads

def workloads(quick: bool) -> list:
    sizes = [(2, 1024)] if quick else [(2, 1024), (2, 4096), (4, 1024), (4, 4096)]
    wl = []
    for L, T in sizes:
        wl.append(bench_loops.Workload(
            f"lstm{L}x{T}",
            f"LSTM, {L} layers, hidden {H_DEFAULT}, vocab {VOCAB}, T = {T} steps, d/d(W, b, E, Wy, by)",
            f"LSTM, L = {L}, T = {T}", LSTM_PARAMS,
            (lambda T, L=L: lstm_data(T, L)), T, probe_n=64, fd_n=6,
            adjit_grad=lstm_grad, numba_grad=lstm_numba_grad, numba_forward=lstm_numba_forward,
            peers={"jax": jax_lstm, "torch": torch_lstm},
            first_call=(f"from lstm_models import lstm_grad as g, lstm_data; "
                        f"args = lstm_data({T}, {L})", "g(*args)")))
    return wl


def small_fd_check() -> list[str]:
    """Quick self-check at a small size (L = 2, T = 5 steps, the timed H and V): hand-written Numba
    and adjit against central differences of the objective over every parameter element, and
    against each other. H and V stay those of the timed runs: adjit's lowered code bakes the
    concatenate adjoint's split offsets in from the first call's shapes (reported as a bug), so a
    process that mixes widths would check a gradient compiled for another one."""
    W, b, E, Wy, by, tokens = lstm_data(5, 2, H=H_DEFAULT, V=VOCAB, seed=3)
    args = [W, b, E, Wy, by, tokens]
    fd = []
    for pos in range(5):
        a = args[pos]
        d = np.empty_like(a)
        for idx in np.ndindex(a.shape):
            h = 1e-6
            p, m = a.copy(), a.copy()
            p[idx] += h
            m[idx] -= h
            plus, minus = list(args), list(args)
            plus[pos], minus[pos] = p, m
            d[idx] = (lstm_numba_forward(*plus) - lstm_numba_forward(*minus)) / (2 * h)
        fd.append(d)
    nb = lstm_numba_grad(*args)[1:]
    ad = lstm_grad(*args)
    fail = []
    for name, n_, a_, f_ in zip(LSTM_PARAMS, nb, ad, fd):
        for label, got, ref, tol in (("hand-written Numba vs central differences", n_, f_, 1e-6),
                                     ("adjit vs central differences", a_, f_, 1e-6),
                                     ("adjit vs hand-written Numba", a_, n_, RTOL)):
            err = common.rel_err(got, ref)
            if not err < tol:
                fail.append(f"{label}: d{name} relative error {err:.3g} (limit {tol:g})")
    return fail


# =========================================================================== main



def summary_table(results) -> str:
    header = ["workload", "adjit first call, cold", "warm cache", "adjit gradient",
              "hand-written Numba", "JAX (lax.scan)", "PyTorch eager", "adjit / fastest other",
              "adjit gradient / objective"]
    rows = []
    for s, fc, med in results:
        others = {k: v for k, v in med.items() if k != "adjit"}
        fastest = min(others.values())
        ratio = s["adjit"] / fastest
        mark = "✓" if ratio <= TARGET_PEER else "✗"
        if fc:
            cold = fc["cold"]["first"]
            cold_s = f"{common.fmt_time(cold)} {'✓' if cold <= TARGET_FIRST else '✗'}"
            warm_s = common.fmt_time(fc["warm"]["first"])
        else:
            cold_s = warm_s = "—"

        def cell(key):
            return common.fmt_time(med[key]) if key in med else "—"
        rows.append([s["size"], cold_s, warm_s, common.fmt_time(s["adjit"]),
                     cell("hand-written Numba"), cell("JAX jit(value_and_grad), lax.scan"),
                     cell("PyTorch eager, Python loop"), f"{common.fmt_ratio(ratio)} {mark}",
                     common.fmt_ratio(s["adjit"] / s["adjit_obj"])])
    return common.markdown_table(header, rows, align="lrrrrrrrr")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--no-first-call", action="store_true",
                        help="skip the cold/warm first-call subprocess measurements")
    parser.add_argument("--cpu", type=int, default=None,
                        help="bind this process and its children to this one CPU (default: "
                             "common.pin_threads' choice, the first CPUs)")
    opts = parser.parse_args(argv)
    target = 0.3 if opts.quick else 1.5
    if opts.cpu is not None:
        import os
        os.sched_setaffinity(0, {opts.cpu})

    print("  self-check at L = 2, T = 5 (central differences)", file=sys.stderr)
    fail = small_fd_check()
    if fail:
        sys.exit("ABORT: LSTM self-check failed:\n  " + "\n  ".join(fail))

    peer_mods, notes = common.load_peers(("jax", "torch"), THREADS)
    H, V = H_DEFAULT, VOCAB
    import datetime
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out = ["## Multi-layer LSTM, character level (float64)", "",
           common.environment_line(THREADS), "",
           f"Measured {stamp} by `python benchmarks/bench_lstm.py"
           + (" --quick" if opts.quick else "") + f"`; {common.code_version()} at its start.", "",
           "Peers: " + "; ".join(notes) + ".", "",
           "Measured on a **shared 2-core machine** (other engineers' jobs ran at the same time): "
           "medians over interleaved rounds, every implementation on 1 thread.", "",
           f"Objective (`lstm_models.py`, plain NumPy as adjit takes it): embedding "
           f"x = E[tokens[t]] (vocab {V}, width H = {H}); per layer l, "
           "z = W[l] @ concatenate(x, h[l]) + b[l], i, f, o = sigmoid, g = tanh of the four "
           "quarters, `c[l] = f * c[l] + i * g`, `h[l] = o * np.tanh(c[l])` (rows of (L, H) "
           "arrays updated in place, a time loop around a layer loop), then a max-shifted "
           "softmax cross-entropy of Wy @ h[L-1] + by against tokens[t + 1], summed over the "
           "steps; gradient w.r.t. W (L, 4H, 2H), b (L, 4H), E, Wy, by.", "",
           "*Hand-written Numba* is a BPTT adjoint written for the purpose (`bench_lstm.py`): "
           "explicit loops for the 56×28 gate products (too small for BLAS), the output layer "
           "and its adjoint as GEMMs over all steps after the time loop, a backward loop "
           "carrying dh and dc per layer, the weight gradients as one GEMM per layer. *JAX*: "
           "`jit(value_and_grad)` of the same program with `lax.scan` over the steps (layer "
           "loop unrolled inside the step). *PyTorch*: eager autograd over the Python loops, "
           "per-layer states in lists (`torch.set_num_threads(1)`). Before timing: hand-written "
           "Numba and adjit against central differences over every parameter at L = 2, "
           "T = 5 steps (< 1e-6) and against each other (< 1e-8); then every implementation against "
           f"hand-written Numba at the timed size (< {RTOL:g}, a peer beyond it is dropped). "
           f"Targets (issue 14): adjit ≤ {TARGET_PEER}× the fastest of hand-written Numba, JAX, "
           f"PyTorch; cold first call ≤ {TARGET_FIRST:g} s and ≤ JAX's compile where JAX needs "
           "more than 1 s.", "",
           common.COMPARISON_LEGEND, ""]
    if opts.quick:
        out += ["*Quick run: one size (2 layers, 1024 steps), few repeats; numbers are noisy.*", ""]
    sections, results = [], []
    collected = common.Results("lstm", THREADS)
    jax_first = {}
    for w in workloads(opts.quick):
        fc = None if opts.no_first_call else bench_loops.first_call(w)
        table, summary, rows = bench_loops.bench_workload(
            w, peer_mods, target, fc["cold"]["first"] if fc else None)
        med = {r["name"]: r["median"] for r in rows}
        results.append((summary, fc, med))
        jax_first[w.size] = next((r["first"] for r in rows if r["name"].startswith("JAX")), None)
        collected.add(w.size, rows)
        sections += [f"### {w.title}", "", table, ""]
        if fc:
            sections += ["adjit first call in fresh processes (cold: empty `ADJIT_CACHE_DIR`; "
                         "warm: second process on the same cache): "
                         f"first gradient call **{common.fmt_time(fc['cold']['first'])}** cold, "
                         f"{common.fmt_time(fc['warm']['first'])} warm; import adjit "
                         f"{common.fmt_time(fc['cold']['import_adjit'])}; second call "
                         f"{common.fmt_time(fc['cold']['second'])}.", ""]
    mem = ["| layers | minimum a hand-written adjoint keeps (gates 4H + c H + h H per layer) | "
           "what `lstm_numba_grad` keeps |", "|--:|--:|--:|"]
    for L in sorted({int(w.key[4]) for w in workloads(opts.quick)}):
        b = numba_bytes_per_step(L, H, V)
        mem.append(f"| {L} | {b['minimum']:,} B | {b['ours']:,} B |")
    out += ["### Summary", "", summary_table(results), "",
            "✓/✗: within the issue's target or not (gradient: ≤ 1.0× the fastest other row; "
            f"first call: ≤ {TARGET_FIRST:g} s). *warm cache*: the first call in a second fresh "
            "process that loads what the cold one cached. JAX's first call (trace + XLA "
            "compile of jit(value_and_grad)) per size: "
            + ", ".join(f"{k}: {common.fmt_time(v)}" for k, v in jax_first.items() if v) + ".", "",
            "#### Tape: bytes per time step (float64, H = 14)", "",
            "\n".join(mem), "",
            "The minimum is what a BPTT adjoint must keep per step to run backwards without "
            "recomputing the forward: the four gate activations, the cell state and the hidden "
            "state of every layer (6H floats per layer). `lstm_numba_grad` keeps per layer the "
            "layer's input (x, h_prev; 2H), the gates (4H), c (H) and tanh(c) (H), plus per step "
            "the top hidden state, the softmax adjoint (V) and dh of the top layer, and dz "
            "(4H per layer) for the weight GEMMs.", ""] + sections
    common.emit("\n".join(out), opts.out)
    collected.write(opts.json)


if __name__ == "__main__":
    main()
