"""The seed's "Vanishing and Exploding Gradients", made visible: per-layer gradients of a 10-layer network.

The network has L = 10 hidden layers of the same width, their weights stacked into one array W of
shape (L, n, n) (and biases b of shape (L, n, 1)), applied in a loop over the layers,

    h_0 = x,    h_l = act(W[l] h_{l-1} + b[l]),    loss = mse(V h_L, t),

with act one of adjit.nn's sigmoid, tanh and relu, chosen by an `if` inside the loop. adjit
differentiates through the loop and the branch. For each activation and for Xavier and He
initialization (adjit.init) we measure, per layer,

- ||∂L/∂W[l]||: the gradient each layer's weights receive (what an optimizer sees);
- ||∂L/∂h_l||: the error signal backpropagated to layer l's output, from a zero "probe" added to
  every h_l (its gradient, probe[l], is exactly ∂L/∂h_l);
- rms(h_l): the size of the forward activations, for context.

What it shows: sigmoid's gradients shrink by roughly a factor 4 or more per layer going back
(σ' <= 1/4), so the first layer's gradient is about a million times smaller than the last's, whatever
the initialization. tanh with Xavier and relu with He keep the gradients at the same scale through
all ten layers. relu with Xavier loses a factor √2 per layer in both directions (Xavier's variance
is half of what relu needs), so the error signal reaching layer 1 is ~2^-4.5 of the top one and the
weight gradients are hundreds of times smaller than with He. (With relu + He, layer 1's weight
gradient is still a few times below the others: its input x has zero mean, while every later layer
reads positive relu outputs, whose common mean adds up over the batch in ∂L/∂W = Σ δ hᵀ; feeding |x|
instead brings layer 1 in line.)

Run it:            python examples/vanishing_gradients.py [--layers L] [--width n] [--plot PATH]
See the adjoint:   python -m adjit show examples/vanishing_gradients.py:loss --wrt W b V probe
"""
import argparse
import time
from pathlib import Path

import numpy as np

import adjit
from adjit import nn

DEFAULT_PLOT = Path(__file__).resolve().parent / "out" / "vanishing_gradients.png"
ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = {"xavier": adjit.init.xavier_normal, "he": adjit.init.he_normal}


# ------------------------------------------------------------------------------------ the model


def loss(W, b, V, x, t, probe, activation):
    """Mean squared error of a deep network with stacked layers W[l], b[l] and readout V.

    activation: 0 sigmoid, 1 tanh, 2 relu; probe: (L, n, batch) zeros, d loss / d probe[l] = d loss / d h_l."""
    h = x
    for l in range(W.shape[0]):
        z = W[l] @ h + b[l]
        if activation == 0:
            h = nn.sigmoid(z)
        elif activation == 1:
            h = nn.tanh(z)
        else:
            h = nn.relu(z)
        h = h + probe[l]
    return nn.mse(V @ h, t)


def forward_rms(W, b, x, activation):
    """rms of every layer's output, in plain NumPy (adjit.nn's functions are plain NumPy outside adjit)."""
    act = getattr(nn, ACTIVATIONS[activation])
    h, out = x, []
    for l in range(W.shape[0]):
        h = act(W[l] @ h + b[l])
        out.append(np.sqrt(np.mean(h ** 2)))
    return np.array(out)


def make_network(init, layers, width, n_out, batch, rng):
    """Weights drawn by `init` (Xavier or He, normal), zero biases, Xavier readout, Gaussian inputs
    and random regression targets."""
    W = np.stack([INITS[init]((width, width), rng=rng) for _ in range(layers)])
    b = np.zeros((layers, width, 1))
    V = adjit.init.xavier_normal((n_out, width), rng=rng)
    x = rng.standard_normal((width, batch))
    t = rng.standard_normal((n_out, batch))
    return W, b, V, x, t, np.zeros((layers, width, batch))


ADJIT_EXAMPLES = {"loss": lambda: (*make_network("xavier", 10, 64, 10, 256, np.random.default_rng(0)), 0)}


# ------------------------------------------------------------------------------------ measuring


def gradient_check():
    """check_grad on a 3-layer, width-5 copy, for every activation.

    The biases are small random numbers, not zeros: in so narrow a relu network a sample whose
    units are all dead gives z = W @ 0 + b = 0 exactly at the next layer, the kink of relu, where
    central differences see slope 1/2 and the derivative is 0 by convention."""
    reports = {}
    for k, name in enumerate(ACTIVATIONS):
        rng = np.random.default_rng(7)
        W, b, V, x, t, probe = make_network("he", 3, 5, 2, 4, rng)
        b = 0.1 * rng.standard_normal(b.shape)
        reports[name] = adjit.check_grad(loss, W, b, V, x, t, probe, k, wrt=("W", "b", "V", "probe"))
        print(f"{name}: {reports[name]}")
    return reports


def measure(layers=10, width=64, batch=256, n_out=10, draws=5, seed=0):
    """Per-layer norms for every (activation, init), averaged over `draws` random networks."""
    grads = adjit.grad(loss, wrt=("W", "probe"))
    results = {}
    for k, act in enumerate(ACTIVATIONS):
        for init in INITS:
            rng = np.random.default_rng(seed)
            per_draw = []
            for _ in range(draws):
                W, b, V, x, t, probe = make_network(init, layers, width, n_out, batch, rng)
                dW, dprobe = grads(W, b, V, x, t, probe, k)
                per_draw.append((np.linalg.norm(dW, axis=(1, 2)), np.linalg.norm(dprobe, axis=(1, 2)),
                                 forward_rms(W, b, x, k)))
            dW_norm, dh_norm, rms = (np.mean(a, axis=0) for a in zip(*per_draw))
            results[act, init] = {"W": dW_norm, "h": dh_norm, "rms": rms,
                                  "W_first_over_last": dW_norm[0] / dW_norm[-1],
                                  "W_max_over_min": dW_norm.max() / dW_norm.min(),
                                  "h_first_over_last": dh_norm[0] / dh_norm[-1]}
    return results


def print_table(results, key, title, ratio):
    layers = len(next(iter(results.values()))[key])
    print(title)
    header = "".join(f"{f'layer {l + 1}':>9}" for l in range(layers))
    print(f"{'':17}{header}" + (f"{'first/last':>12}" if ratio else ""))
    for (act, init), r in results.items():
        label = f"{act} + {init}"
        print(f"{label:17}" + "".join(f"{v:9.1e}" for v in r[key]) + f"{r[ratio]:12.1e}"
              if ratio else f"{label:17}" + "".join(f"{v:9.2f}" for v in r[key]))
    print()


def plot(results, path, layers, width):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"sigmoid": "tab:red", "tanh": "tab:green", "relu": "tab:blue"}
    styles = {"xavier": ("-", "o"), "he": ("--", "s")}
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    panels = (("W", "||∂L/∂W[l]||", "gradient of each layer's weights"),
              ("h", "||∂L/∂h_l||", "error signal backpropagated to layer l"),
              ("rms", "rms(h_l)", "forward activations"))
    depth = np.arange(1, layers + 1)
    for ax, (key, ylabel, title) in zip(axes, panels):
        for (act, init), r in results.items():
            ls, marker = styles[init]
            ax.plot(depth, r[key], ls=ls, marker=marker, ms=4, color=colors[act], label=f"{act}, {init}")
        ax.set(yscale="log", xlabel="layer (1 = next to the input)", ylabel=ylabel, title=title, xticks=depth)
        ax.grid(alpha=0.3, which="both")
    axes[0].legend(fontsize=8, ncol=2)
    fig.suptitle(f"{layers} layers of width {width}: solid = Xavier, dashed = He initialization")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(layers=10, width=64, batch=256, draws=5, plot_path=None, seed=0):
    """Gradient check, measurements, tables; returns the numbers as a dict."""
    started = time.perf_counter()
    print("=== 1. gradient check (central differences, 3 layers of width 5) ===\n")
    reports = gradient_check()
    print(f"\n=== 2. per-layer norms, {layers} layers of width {width}, batch {batch},"
          f" mean over {draws} random networks ===\n")
    results = measure(layers, width, batch, draws=draws, seed=seed)
    print_table(results, "W", "||∂L/∂W[l]||: the gradient each layer's weights get", "W_first_over_last")
    print_table(results, "h", "||∂L/∂h_l||: the error signal backpropagated to layer l's output",
                "h_first_over_last")
    print_table(results, "rms", "rms(h_l): the forward activations", None)
    sig = results["sigmoid", "xavier"]
    print(f"sigmoid + xavier: layer 1 gets {sig['W_first_over_last']:.0e} of layer {layers}'s gradient"
          f" (about {sig['W_first_over_last'] ** (1 / (layers - 1)):.2f} per layer)")
    for combo in (("tanh", "xavier"), ("relu", "he")):
        r = results[combo]
        print(f"{' + '.join(combo)}: largest / smallest layer gradient {r['W_max_over_min']:.1f}")
    r = results["relu", "xavier"]
    print(f"relu + xavier: error signal at layer 1 / layer {layers} = {r['h_first_over_last']:.3f}"
          f" (2^-{(layers - 1) / 2:g} = {2 ** (-(layers - 1) / 2):.3f}); weight gradients"
          f" {results['relu', 'he']['W'][-1] / r['W'][-1]:.0f}x smaller than with He")
    out = None
    if plot_path is not None:
        out = plot(results, plot_path, layers, width)
        print(f"\nplot: {out}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return {"gradient_check": reports, "norms": results, "plot": out}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", type=int, default=10)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--draws", type=int, default=5, help="random networks to average over")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", default=str(DEFAULT_PLOT), help="PNG path")
    return p.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    main(layers=args.layers, width=args.width, batch=args.batch, draws=args.draws, plot_path=args.plot,
         seed=args.seed)
