"""Train the seed's network on scikit-learn's 8x8 digits with adjit, and time it against PyTorch eager.

The model is the seed's one-hidden-layer network, h = relu(W1 x + b1), y = W2 h + b2, on a batch
of columns (x is (64, batch), logits y are (10, batch)), trained on the softmax cross-entropy of
adjit.nn with Adam (or the seed's momentum) from adjit.optim and He/Xavier init from adjit.init.
`--deep` adds a second hidden layer. The digits (1797 images, bundled with scikit-learn, no
download) are split 80/20 and standardized with the training set's statistics.

When PyTorch is installed, the same training (same initial weights, data order and optimizer
settings, float64, CPU, eager) runs too, to compare time per epoch and the final weights.

Run it:            python examples/train_digits.py [--deep] [--optimizer momentum] [--plot out.png]
See the adjoint:   python -m adjit show examples/train_digits.py:loss --wrt W1 b1 W2 b2
"""
import argparse
import contextlib
import importlib.util
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

import adjit
from adjit import nn

DEFAULT_PLOT = Path(__file__).resolve().parent / "out" / "digits.png"


# ------------------------------------------------------------------------------ the models


def logits(W1, b1, W2, b2, x):
    """The seed's network: h = σ(W1 x + b1), y = W2 h + b2, with σ = relu."""
    h = nn.relu(W1 @ x + b1)
    return W2 @ h + b2


def loss(W1, b1, W2, b2, x, labels):
    """Mean softmax cross-entropy of the batch's columns against integer labels."""
    return nn.cross_entropy_labels(logits(W1, b1, W2, b2, x), labels)


def logits_deep(W1, b1, W2, b2, W3, b3, x):
    """Two hidden relu layers."""
    h1 = nn.relu(W1 @ x + b1)
    h2 = nn.relu(W2 @ h1 + b2)
    return W3 @ h2 + b3


def loss_deep(W1, b1, W2, b2, W3, b3, x, labels):
    return nn.cross_entropy_labels(logits_deep(W1, b1, W2, b2, W3, b3, x), labels)


MODELS = {False: (logits, loss, ("W1", "b1", "W2", "b2")),
          True: (logits_deep, loss_deep, ("W1", "b1", "W2", "b2", "W3", "b3"))}


def init_params(sizes, rng):
    """He-uniform weights for the relu layers, Xavier-uniform for the output layer, zero biases
    (columns, so they broadcast across the batch)."""
    params = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = k == len(sizes) - 2
        init = adjit.init.xavier_uniform if last else adjit.init.he_uniform
        params += [init((n_out, n_in), rng=rng), np.zeros((n_out, 1))]
    return params


def example_args(batch=32, seed=0):
    """Parameters of the one-hidden-layer model and a random batch (for `python -m adjit show`)."""
    rng = np.random.default_rng(seed)
    params = init_params((64, 64, 10), rng)
    return (*params, rng.standard_normal((64, batch)), rng.integers(0, 10, batch))


ADJIT_EXAMPLES = {"loss": example_args}


# -------------------------------------------------------------------------------- the data


def load_data(seed=0, test_size=0.2):
    """Digits as standardized columns: x_train (64, n_train), y_train (n_train,) int64, ..."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=test_size, random_state=seed, stratify=digits.target)
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0  # a few border pixels are always 0
    columns = lambda a: np.ascontiguousarray(((a - mean) / std).T)  # noqa: E731
    return columns(x_train), y_train.astype(np.int64), columns(x_test), y_test.astype(np.int64)


def batches(n, batch_size, epochs, seed):
    """The shuffled minibatch index arrays of every epoch, drawn up front so adjit and PyTorch
    see exactly the same data order."""
    rng = np.random.default_rng(seed)
    return [[order[i:i + batch_size] for i in range(0, n, batch_size)]
            for order in (rng.permutation(n) for _ in range(epochs))]


def make_optimizer(name, params, lr):
    if name == "adam":
        return adjit.optim.Adam(params, lr=lr)
    return adjit.optim.Momentum(params, lr=lr, beta=0.9)


DEFAULT_LR = {"adam": 2e-3, "momentum": 0.02}


# ----------------------------------------------------------------------------- training


def evaluate(forward, params, data, history):
    """Append loss and accuracy on both splits to `history`. The model runs as plain NumPy here:
    adjit.nn's functions are ordinary NumPy when called directly."""
    x_train, y_train, x_test, y_test = data
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        y_hat = forward(*params, x)
        history[f"{split}_loss"].append(float(nn.cross_entropy_labels(y_hat, y)))
        history[f"{split}_accuracy"].append(float(np.mean(np.argmax(y_hat, axis=0) == y)))


def train_adjit(data, params, schedule, deep, optimizer_name, lr, progress=True):
    """Train `params` in place; returns the history (index k: after k epochs) and the timings."""
    x_train, y_train = data[:2]
    forward, objective, names = MODELS[deep]
    value_and_grads = adjit.value_and_grad(objective, wrt=names)
    optimizer = make_optimizer(optimizer_name, params, lr)

    started = time.perf_counter()  # the first call of each batch shape compiles (or loads the cache)
    for cols in {len(c): c for c in schedule[0]}.values():
        value_and_grads(*params, x_train[:, cols], y_train[cols])
    # the optimizer's fused kernel too, on throwaway copies (the real state must start fresh)
    make_optimizer(optimizer_name, [p.copy() for p in params], lr).step([np.zeros_like(p) for p in params])
    adjit.wait_compiled()  # the first calls ran NumPy while Numba compiled in the background: timed compiled
    compile_time = time.perf_counter() - started

    history = {"train_loss": [], "test_loss": [], "train_accuracy": [], "test_accuracy": []}
    evaluate(forward, params, data, history)  # epoch 0: the untrained network
    epoch_times, grad_time, step_time = [], 0.0, 0.0
    bar = tqdm(schedule, desc=f"adjit ({optimizer_name})", unit="epoch", disable=not progress)
    for epoch_batches in bar:
        epoch_start = time.perf_counter()
        for cols in epoch_batches:
            t0 = time.perf_counter()
            _, grads = value_and_grads(*params, x_train[:, cols], y_train[cols])
            t1 = time.perf_counter()
            optimizer.step(grads)
            t2 = time.perf_counter()
            grad_time += t1 - t0
            step_time += t2 - t1
        epoch_times.append(time.perf_counter() - epoch_start)
        evaluate(forward, params, data, history)
        bar.set_postfix(loss=f"{history['train_loss'][-1]:.4f}", test_acc=f"{history['test_accuracy'][-1]:.4f}")
    return history, {"compile_time": compile_time, "epoch_times": epoch_times,
                     "optimizer_fraction": step_time / (grad_time + step_time)}


@contextlib.contextmanager
def torch_threads(torch, n):
    """Run PyTorch on `n` intra-op threads inside the block, then restore the previous setting."""
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def train_torch(data, params, schedule, optimizer_name, lr, progress=True):
    """The same training in PyTorch eager (float64, CPU; the depth follows `params`); returns the
    final weights and the timings."""
    import torch
    import torch.nn.functional as F

    x_train, y_train = data[:2]
    batch_size = len(schedule[0][0])
    x_train_t, y_train_t = torch.from_numpy(x_train), torch.from_numpy(y_train)
    weights = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    if optimizer_name == "adam":
        optimizer = torch.optim.Adam(weights, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    else:  # PyTorch's v = βv + g, θ -= η·v is the seed's v = βv + ηg, θ -= v scaled by η
        optimizer = torch.optim.SGD(weights, lr=lr, momentum=0.9)

    def forward(x):
        h = x
        for k in range(0, len(weights) - 2, 2):
            h = torch.relu(weights[k] @ h + weights[k + 1])
        return weights[-2] @ h + weights[-1]

    epoch_times, grad_time, step_time = [], 0.0, 0.0
    # One thread, like adjit's compiled loops and its BLAS calls at these sizes: on 64 x 32 matrices
    # intra-op threads only add overhead, and on a busy machine their spin-waiting made PyTorch's
    # epochs up to 100x slower and erratic when measured.
    with torch_threads(torch, 1):
        # Warm-up (the first backward pays one-off set-up costs): gradients only, no update.
        F.cross_entropy(forward(x_train_t[:, :batch_size]).T, y_train_t[:batch_size]).backward()
        optimizer.zero_grad(set_to_none=True)
        for epoch_batches in tqdm(schedule, desc=f"torch ({optimizer_name})", unit="epoch", disable=not progress):
            epoch_start = time.perf_counter()
            for cols in epoch_batches:
                cols_t = torch.from_numpy(cols)
                t0 = time.perf_counter()
                optimizer.zero_grad(set_to_none=True)
                value = F.cross_entropy(forward(x_train_t[:, cols_t]).T, y_train_t[cols_t])
                value.backward()
                t1 = time.perf_counter()
                optimizer.step()
                t2 = time.perf_counter()
                grad_time += t1 - t0
                step_time += t2 - t1
            epoch_times.append(time.perf_counter() - epoch_start)
    final = [w.detach().numpy() for w in weights]
    return final, {"epoch_times": epoch_times, "optimizer_fraction": step_time / (grad_time + step_time),
                   "threads": 1}


def plot_history(history, path, title):
    """Loss and accuracy per epoch, train and test, as a PNG (matplotlib's Agg backend)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(len(history["train_loss"]))
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "test"):
        ax_loss.plot(epochs, history[f"{split}_loss"], label=split)
        ax_acc.plot(epochs, history[f"{split}_accuracy"], label=split)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def torch_available():
    return importlib.util.find_spec("torch") is not None


def main(epochs=30, quick=False, plot=None, deep=False, optimizer="adam", lr=None, batch_size=32,
         hidden=64, seed=0, compare_torch=None, progress=True):
    """Train and report. `quick=True` skips the PyTorch comparison and the progress bar (for tests);
    `plot` is a PNG path or None; `compare_torch=None` means: when PyTorch is installed.
    Returns the metrics as a dict."""
    started = time.perf_counter()
    lr = DEFAULT_LR[optimizer] if lr is None else lr
    if compare_torch is None:
        compare_torch = torch_available() and not quick
    progress = progress and not quick
    data = load_data(seed)
    sizes = (64, hidden, hidden, 10) if deep else (64, hidden, 10)
    params = init_params(sizes, np.random.default_rng(seed))
    initial = [p.copy() for p in params]
    schedule = batches(data[0].shape[1], batch_size, epochs, seed + 1)
    arch = " -> ".join(map(str, sizes))
    print(f"digits: {data[0].shape[1]} train / {data[2].shape[1]} test images, network {arch} (relu), "
          f"{optimizer} lr={lr:g}, batch {batch_size}, {epochs} epochs")

    history, timing = train_adjit(data, params, schedule, deep, optimizer, lr, progress)
    per_epoch = float(np.median(timing["epoch_times"]))
    metrics = {
        "test_accuracy": history["test_accuracy"][-1], "train_accuracy": history["train_accuracy"][-1],
        "train_loss": history["train_loss"][-1], "test_loss": history["test_loss"][-1], "history": history,
        "compile_time": timing["compile_time"], "time_per_epoch": per_epoch,
        "optimizer_fraction": timing["optimizer_fraction"], "torch": None, "plot": None,
    }
    print(f"adjit:   test accuracy {metrics['test_accuracy']:.4f} (train {metrics['train_accuracy']:.4f}), "
          f"test loss {metrics['test_loss']:.4f}")
    print(f"adjit:   {1e3 * per_epoch:7.2f} ms/epoch ({len(schedule[0])} steps), optimizer step "
          f"{100 * timing['optimizer_fraction']:.1f}% of a training step; first call (compile or cache load) "
          f"{timing['compile_time']:.2f} s")

    if compare_torch and torch_available():
        final, torch_timing = train_torch(data, initial, schedule, optimizer, lr, progress)
        torch_per_epoch = float(np.median(torch_timing["epoch_times"]))
        difference = max(float(np.max(np.abs(a - b))) for a, b in zip(params, final))
        metrics["torch"] = {"time_per_epoch": torch_per_epoch, "optimizer_fraction": torch_timing["optimizer_fraction"],
                            "max_weight_difference": difference, "threads": torch_timing["threads"]}
        print(f"pytorch: {1e3 * torch_per_epoch:7.2f} ms/epoch (eager, float64, {torch_timing['threads']} thread), "
              f"optimizer step {100 * torch_timing['optimizer_fraction']:.1f}% of a training step")
        ratio = per_epoch / torch_per_epoch
        faster = f"adjit {1 / ratio:.1f}x faster" if ratio < 1 else f"adjit {ratio:.1f}x slower"
        print(f"adjit / pytorch time per epoch: {ratio:.2f} ({faster}); "
              f"largest final weight difference {difference:.1e} (same initial weights, batches and optimizer)")
    elif compare_torch:
        print("pytorch: not installed, comparison skipped")

    if plot is not None:
        title = f"adjit on digits, {arch}, {optimizer}: test accuracy {metrics['test_accuracy']:.2%}"
        metrics["plot"] = plot_history(history, plot, title)
        print(f"plot:    {metrics['plot']}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return metrics


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--deep", action="store_true", help="two hidden layers instead of one")
    p.add_argument("--optimizer", choices=("adam", "momentum"), default="adam")
    p.add_argument("--lr", type=float, default=None, help="default: 2e-3 for adam, 0.02 for momentum")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--hidden", type=int, default=64, help="units per hidden layer")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", default=str(DEFAULT_PLOT), help="PNG path for the loss/accuracy curves")
    p.add_argument("--compare-torch", action=argparse.BooleanOptionalAction, default=torch_available(),
                   help="also time the same training in PyTorch eager (default: on when torch is installed)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="hide the progress bars")
    return p.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    main(epochs=args.epochs, plot=args.plot, deep=args.deep, optimizer=args.optimizer, lr=args.lr,
         batch_size=args.batch_size, hidden=args.hidden, seed=args.seed, compare_torch=args.compare_torch,
         progress=args.progress)
