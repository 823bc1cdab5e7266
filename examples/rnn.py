"""A vanilla RNN differentiated through its time loop: vanishing and exploding gradients, and clipping.

The network reads a sequence one step at a time with a plain Python for loop,

    h_t = tanh(Wx x_t + Wh h_{t-1} + b),        prediction = Wy h_T + by,

and adjit differentiates straight through the loop (backpropagation through time, generated as a
reverse loop over the recorded hidden states). The task: read T samples of a sine wave with a random
frequency and phase and predict the next sample; the loss (mean squared error) is taken at the end.

1. `adjit.check_grad` against central differences on a tiny instance.
2. The seed's "Vanishing and Exploding Gradients", measured: how much the final loss depends on the
   hidden state h_t (and on the input x_t) at each step t, as a function of the scale of the recurrent
   weights. Wh = rho * Q with Q a random orthogonal matrix, so every singular value of Wh is rho.
   Going back one step multiplies the gradient by Wh^T diag(1 - h_t^2), so for rho < 1 it shrinks
   geometrically (vanishes); for rho > 1 it grows geometrically (explodes) as it travels back.
   ∂L/∂h_t comes from a "probe": an argument `probe` of zeros added to every hidden state, which
   changes nothing in the forward pass and whose gradient, probe[t], is exactly ∂L/∂h_t.
3. Training with a large recurrent scale (rho = 2) by plain SGD, with and without
   `adjit.clip.clip_by_global_norm` (the seed's remedy): unclipped, the first steps take the huge
   gradients at face value and the loss overflows to inf/nan; clipped, the same learning rate trains.

Run it:            python examples/rnn.py [--steps N] [--rho R] [--plot PATH]
See the adjoint:   python -m adjit show examples/rnn.py:rnn_loss --wrt Wx Wh b Wy by
"""
import argparse
import time
from pathlib import Path

import numpy as np

import adjit
from adjit import nn

DEFAULT_PLOT = Path(__file__).resolve().parent / "out" / "rnn.png"
PARAMS = ("Wx", "Wh", "b", "Wy", "by")
SCALES = (0.5, 0.9, 1.0, 1.5, 2.0, 3.0)


# ------------------------------------------------------------------------------------ the model


def rnn_loss(Wx, Wh, b, Wy, by, xs, y, probe):
    """Final-step squared error of a tanh RNN.

    xs: (T, n_in, batch) inputs, one column per sequence; y: (n_out, batch) targets;
    probe: (T, n_hidden, batch) zeros, so that d loss / d probe[t] = d loss / d h_t."""
    h = np.zeros((Wh.shape[0], xs.shape[2]))
    for t in range(xs.shape[0]):
        h = np.tanh(Wx @ xs[t] + Wh @ h + b) + probe[t]
    return nn.mse(Wy @ h + by, y)


def sine_batch(T, batch, rng):
    """`batch` sine waves sin(w t + phase), w in [0.1, 0.5], as inputs xs (T, 1, batch) and the
    next sample as the target y (1, batch)."""
    w = rng.uniform(0.1, 0.5, batch)
    phase = rng.uniform(0.0, 2 * np.pi, batch)
    s = np.sin(w * np.arange(T + 1)[:, None] + phase)
    return np.ascontiguousarray(s[:T, None, :]), np.ascontiguousarray(s[T][None, :])


def orthogonal(n, rng):
    """A random orthogonal n x n matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def init_params(n_hidden, rho, rng, n_in=1, n_out=1):
    """Xavier-uniform input and output weights, zero biases, Wh = rho * (random orthogonal)."""
    Wx = adjit.init.xavier_uniform((n_hidden, n_in), rng=rng)
    Wh = rho * orthogonal(n_hidden, rng)
    Wy = adjit.init.xavier_uniform((n_out, n_hidden), rng=rng)
    return [Wx, Wh, np.zeros((n_hidden, 1)), Wy, np.zeros((n_out, 1))]


def example_args(T=40, n_hidden=32, batch=64, rho=1.0, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(n_hidden, rho, rng)
    xs, y = sine_batch(T, batch, rng)
    return (*params, xs, y, np.zeros((T, n_hidden, batch)))


ADJIT_EXAMPLES = {"rnn_loss": example_args}


# ----------------------------------------------------------------------------- 1. gradient check


def gradient_check():
    """Every parameter, the inputs and the probe of a 4-unit RNN over 6 steps, batch 3."""
    rng = np.random.default_rng(1)
    Wx, Wh, b, Wy, by, xs, y, probe = example_args(T=6, n_hidden=4, batch=3, rho=1.2, seed=1)
    b = 0.1 * rng.standard_normal(b.shape)
    report = adjit.check_grad(rnn_loss, Wx, Wh, b, Wy, by, xs, y, probe, wrt=PARAMS + ("xs", "probe"))
    print(report)
    return report


# ------------------------------------------------------------------ 2. gradients through time


def gradient_through_time(scales=SCALES, T=40, n_hidden=32, batch=64, seed=0):
    """||∂L/∂h_t|| and ||∂L/∂x_t|| for t = 0..T-1 (Frobenius norm over units and batch) for each
    recurrent scale rho; the same input weights, data and orthogonal Q for every rho."""
    grads = adjit.grad(rnn_loss, wrt=("xs", "probe"))
    Wx, Q, b, Wy, by, xs, y, probe = example_args(T, n_hidden, batch, rho=1.0, seed=seed)
    norms = {}
    for rho in scales:
        dxs, dprobe = grads(Wx, rho * Q, b, Wy, by, xs, y, probe)
        norms[rho] = {"h": np.linalg.norm(dprobe, axis=(1, 2)), "x": np.linalg.norm(dxs, axis=(1, 2))}
    steps = [0, T // 4, T // 2, 3 * T // 4, T - 1]
    print(f"||∂L/∂h_t|| at step t (the loss is taken after step {T - 1}); Wh = rho * orthogonal")
    print(f"{'rho':>5} " + " ".join(f"{f't={t}':>9}" for t in steps) + f" {'first/last':>11} {'per step':>9}")
    for rho, n in norms.items():
        ratio = n["h"][0] / n["h"][-1]
        n["ratio"] = ratio
        n["per_step"] = ratio ** (1 / (T - 1))
        print(f"{rho:5.2f} " + " ".join(f"{n['h'][t]:9.2e}" for t in steps)
              + f" {ratio:11.2e} {n['per_step']:9.3f}")
    print("(first/last < 1: the signal from early steps vanishes; > 1: it explodes. 'per step' is the"
          " average factor by which going back one step multiplies the gradient.)")
    return norms


# --------------------------------------------------------------------- 3. training, clipped or not


def train(rho=2.0, clip=True, max_norm=1.0, lr=0.1, steps=1000, T=40, n_hidden=32, batch=64, seed=0,
          label=""):
    """Plain SGD on fresh sine batches; returns losses and (pre-clipping) gradient norms per step,
    and the loss on a fixed held-out set of 512 sequences at the end."""
    rng = np.random.default_rng(seed)
    params = init_params(n_hidden, rho, rng)
    optimizer = adjit.optim.SGD(params, lr=lr)
    value_and_grads = adjit.value_and_grad(rnn_loss, wrt=PARAMS)
    probe = np.zeros((T, n_hidden, batch))
    losses, norms = np.empty(steps), np.empty(steps)
    for step in range(steps):
        xs, y = sine_batch(T, batch, rng)
        value, grads = value_and_grads(*params, xs, y, probe)
        if clip:
            grads, norm = adjit.clip.clip_by_global_norm(grads, max_norm)
        else:
            norm = adjit.clip.global_norm(grads)
        optimizer.step(grads)
        losses[step], norms[step] = value, norm
    xs, y = sine_batch(T, 512, np.random.default_rng(12345))
    held_out = float(value_and_grads.forward(*params, xs, y, np.zeros((T, n_hidden, 512))))
    bad = ~np.isfinite(losses)
    first_bad = int(np.argmax(bad)) if bad.any() else None
    blown = bad | (losses > 100 * losses[0])
    diverged = int(np.argmax(blown)) if blown.any() else None
    Wh = params[1]
    radius = float(np.max(np.abs(np.linalg.eigvals(Wh)))) if np.all(np.isfinite(Wh)) else float("nan")
    result = {"losses": losses, "norms": norms, "held_out": held_out, "first_nonfinite": first_bad,
              "diverged_at": diverged, "spectral_radius": radius, "clip": clip, "max_norm": max_norm,
              "lr": lr, "rho": rho}
    tail = losses[-max(1, steps // 10):]
    finite_norms = norms[np.isfinite(norms)]
    if diverged is None:
        fate = "the loss stayed finite and below 100x its initial value"
    else:
        fate = f"the loss passed 100x its initial value at step {diverged}"
        fate += f" and became inf/nan at step {first_bad}" if first_bad is not None else " (finite throughout)"
    print(f"{label}: {fate}")
    print(f"    loss: initial {losses[0]:.3g}, mean of the last {len(tail)} steps {np.mean(tail):.3g},"
          f" held-out {held_out:.3g};   gradient norm: median {np.median(norms):.3g},"
          f" largest finite {np.max(finite_norms) if finite_norms.size else np.nan:.3g}")
    return result


# ---------------------------------------------------------------------------------------- plot


LOSS_CEILING, NORM_CEILING = 1e8, 1e12  # the unclipped run reaches 1e300 and more: cut the plots there


def plot(norms, runs, path, T):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_loss, ax_norm) = plt.subplots(1, 3, figsize=(16, 4.5))
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(norms)))
    for color, (rho, n) in zip(colors, norms.items()):
        ax_t.semilogy(np.arange(T), n["h"], color=color, label=f"rho = {rho:g}")
    ax_t.set(xlabel="step t", ylabel="||∂L/∂h_t||", title="gradient w.r.t. the hidden state h_t\n"
             f"(loss after step {T - 1}; Wh = rho * orthogonal)")
    ax_t.legend(fontsize=8)
    for run, color in zip(runs, ("tab:red", "tab:blue")):
        name = f"max_norm = {run['max_norm']:g}" if run["clip"] else "no clipping"
        steps = np.arange(len(run["losses"]))
        finite = np.isfinite(run["losses"])
        ax_loss.semilogy(steps[finite], np.minimum(run["losses"][finite], LOSS_CEILING), color=color, lw=0.8,
                         label=name)
        if run["first_nonfinite"] is not None:
            ax_loss.axvline(run["first_nonfinite"], color=color, ls=":",
                            label=f"inf/nan from step {run['first_nonfinite']}")
        finite = np.isfinite(run["norms"])
        ax_norm.semilogy(steps[finite], np.minimum(run["norms"][finite], NORM_CEILING), color=color, lw=0.8,
                         label=name)
    clipped = [r for r in runs if r["clip"]]
    if clipped:
        ax_norm.axhline(clipped[0]["max_norm"], color="k", ls="--", lw=0.8, label="max_norm")
    rho, lr = runs[0]["rho"], runs[0]["lr"]
    ax_loss.set(xlabel="SGD step", ylabel="batch loss (MSE)", ylim=(None, 3 * LOSS_CEILING),
                title=f"training, rho = {rho:g}, SGD lr = {lr:g} (values cut at {LOSS_CEILING:.0e})")
    ax_norm.set(xlabel="SGD step", ylabel="global gradient norm (before clipping)", ylim=(None, 3 * NORM_CEILING),
                title=f"gradient norm (values cut at {NORM_CEILING:.0e})")
    for ax in (ax_t, ax_loss, ax_norm):
        ax.grid(alpha=0.3, which="both")
    ax_loss.legend(fontsize=8)
    ax_norm.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------- main


def main(steps=1000, rho=2.0, lr=0.1, max_norm=1.0, T=40, plot_path=None, seed=0):
    """Run the three parts; returns the numbers as a dict (for tests: a smaller `steps`)."""
    started = time.perf_counter()
    print("=== 1. gradient check (central differences, 4 hidden units, 6 steps) ===\n")
    report = gradient_check()
    print("\n=== 2. gradients through time, for several recurrent scales ===\n")
    norms = gradient_through_time(T=T, seed=seed)
    print(f"\n=== 3. training with rho = {rho:g} (SGD, lr = {lr:g}, {steps} steps, sine continuation) ===\n")
    runs = [train(rho, clip=False, lr=lr, steps=steps, T=T, seed=seed, label="without clipping"),
            train(rho, clip=True, max_norm=max_norm, lr=lr, steps=steps, T=T, seed=seed,
                  label=f"clipped at {max_norm:g}")]
    print(f"(for scale: predicting 0 would give a loss of about 0.5; the clipped run's Wh ends with spectral"
          f" radius {runs[1]['spectral_radius']:.2f})")
    path = None
    if plot_path is not None:
        path = plot(norms, runs, plot_path, T)
        print(f"\nplot: {path}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return {"gradient_check": report, "norms": norms, "unclipped": runs[0], "clipped": runs[1], "plot": path}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=1000, help="SGD steps per training run")
    p.add_argument("--rho", type=float, default=2.0, help="recurrent scale for the training runs")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--max-norm", type=float, default=1.0, help="global-norm clipping threshold")
    p.add_argument("--T", type=int, default=40, help="sequence length")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", default=str(DEFAULT_PLOT), help="PNG path")
    return p.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    main(steps=args.steps, rho=args.rho, lr=args.lr, max_norm=args.max_norm, T=args.T,
         plot_path=args.plot, seed=args.seed)
