"""Fit the parameters of a damped pendulum by differentiating through its simulation loop.

The model is the damped nonlinear pendulum  x'' = -k sin(x) - c x'  (k = g/L, c the damping),
integrated with explicit Euler for n steps of size dt; each step writes the angle into an array,
`traj[i] = x`, inside a plain Python for loop. The loss is the mean squared error between that
simulated trajectory and a target: a trajectory simulated with known "true" parameters plus
Gaussian measurement noise. adjit differentiates the loss through all n steps with respect to the
physical parameters k, c and the initial condition x0, v0, and Adam (adjit.optim) fits them.

Run it:            python examples/oscillator.py [--steps N] [--noise S] [--plot PATH]
See the adjoint:   python -m adjit show examples/oscillator.py:loss --wrt k c x0 v0
"""
import argparse
import time
from pathlib import Path

import numpy as np

import adjit

DEFAULT_PLOT = Path(__file__).resolve().parent / "out" / "oscillator.png"
PARAMS = ("k", "c", "x0", "v0")
TRUTH = {"k": 4.0, "c": 0.3, "x0": 1.2, "v0": 0.5}
GUESS = {"k": 2.5, "c": 0.05, "x0": 0.8, "v0": 0.0}
DT, N = 0.01, 1000  # ten seconds: about three periods, the amplitude decaying by a factor ~4


# ------------------------------------------------------------------------------------ the model


def simulate(k, c, x0, v0, dt, n):
    """Explicit Euler for x'' = -k sin(x) - c x': the angle at times 0, dt, ..., (n-1) dt."""
    traj = np.zeros(n)
    x = x0
    v = v0
    for i in range(n):
        traj[i] = x
        a = -k * np.sin(x) - c * v
        x = x + dt * v
        v = v + dt * a
    return traj


def loss(k, c, x0, v0, target, dt):
    """Mean squared error between the simulated angles and the target trajectory."""
    traj = simulate(k, c, x0, v0, dt, target.shape[0])
    return np.mean((traj - target) ** 2)


def make_target(noise=0.02, n=N, dt=DT, seed=0):
    """The true trajectory and a noisy measurement of it."""
    clean = simulate(*(TRUTH[p] for p in PARAMS), dt, n)
    noisy = clean + noise * np.random.default_rng(seed).standard_normal(n)
    return clean, noisy


ADJIT_EXAMPLES = {"loss": lambda: (*GUESS.values(), make_target()[1], DT)}


# ------------------------------------------------------------------------------------ the steps


def gradient_check():
    """check_grad on a 60-step trajectory (central differences run the loop in plain Python)."""
    _, target = make_target(n=60)
    report = adjit.check_grad(loss, *GUESS.values(), target, DT, wrt=PARAMS)
    print(report)
    return report


def fit(target, steps=400, lr=0.05, initial=GUESS, dt=DT, every=None):
    """Adam on (k, c, x0, v0) from `initial`; returns the fitted values and the loss per step."""
    value_and_grad = adjit.value_and_grad(loss, wrt=PARAMS)
    theta = np.array([initial[p] for p in PARAMS])   # one array, updated in place by the optimizer
    optimizer = adjit.optim.Adam([theta], lr=lr)
    losses, path = np.empty(steps), np.empty((steps + 1, len(PARAMS)))
    path[0] = theta
    every = every or max(1, steps // 8)
    for step in range(steps):
        value, grads = value_and_grad(*theta, target, dt)   # scalar arguments give float gradients
        optimizer.step([np.array(grads)])
        losses[step] = value
        path[step + 1] = theta
        if step % every == 0 or step == steps - 1:
            print(f"step {step:4d}   loss {value:.3e}   " + "  ".join(f"{p} {v:7.4f}" for p, v in zip(PARAMS, theta)))
    return dict(zip(PARAMS, map(float, theta))), losses, path


def plot(target, clean, initial_traj, fitted_traj, losses, noise, path, dt=DT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = dt * np.arange(len(target))
    fig, (ax_traj, ax_loss) = plt.subplots(1, 2, figsize=(14, 4.5), gridspec_kw={"width_ratios": [2.2, 1]})
    ax_traj.plot(t, target, ".", ms=2, color="0.6", label=f"target (truth + noise, sd {noise:g})")
    ax_traj.plot(t, clean, color="k", lw=1.5, label="true trajectory")
    ax_traj.plot(t, initial_traj, color="tab:orange", lw=1, ls="--", label="initial guess")
    ax_traj.plot(t, fitted_traj, color="tab:blue", lw=1.2, ls=(0, (4, 2)), label="fitted")
    ax_traj.set(xlabel="time", ylabel="angle x", title="damped pendulum x'' = -k sin x - c x' (explicit Euler)")
    ax_traj.legend(fontsize=8, loc="upper right")
    ax_loss.semilogy(np.arange(len(losses)), losses, color="tab:blue")
    ax_loss.axhline(noise ** 2, color="k", ls=":", lw=0.8, label="noise variance")
    ax_loss.set(xlabel="Adam step", ylabel="mean squared error", title="loss")
    ax_loss.legend(fontsize=8)
    for ax in (ax_traj, ax_loss):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(steps=400, lr=0.05, noise=0.02, plot_path=None, seed=0):
    """Gradient check, fit, report; returns the numbers as a dict."""
    started = time.perf_counter()
    print("=== 1. gradient check (central differences, 60 Euler steps) ===\n")
    report = gradient_check()
    print(f"\n=== 2. fitting k, c, x0, v0 to a noisy trajectory ({N} Euler steps, dt = {DT}) ===\n")
    clean, target = make_target(noise=noise, seed=seed)
    fitted, losses, path = fit(target, steps=steps, lr=lr)
    errors = {p: abs(fitted[p] - TRUTH[p]) / abs(TRUTH[p]) for p in PARAMS}
    print(f"\n{'':4}{'truth':>9}{'guess':>9}{'fitted':>10}{'error':>9}")
    for p in PARAMS:
        print(f"{p:4}{TRUTH[p]:9.4f}{GUESS[p]:9.4f}{fitted[p]:10.4f}{100 * errors[p]:8.2f}%")
    fitted_traj = simulate(*fitted.values(), DT, N)
    fit_rmse = float(np.sqrt(np.mean((fitted_traj - clean) ** 2)))
    print(f"final loss {losses[-1]:.3e} (the noise alone gives {noise ** 2:.1e});"
          f" fitted vs true trajectory: rms difference {fit_rmse:.2e}")
    out = None
    if plot_path is not None:
        initial_traj = simulate(*GUESS.values(), DT, N)
        out = plot(target, clean, initial_traj, fitted_traj, losses, noise, plot_path)
        print(f"plot: {out}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return {"gradient_check": report, "fitted": fitted, "relative_errors": errors, "losses": losses,
            "path": path, "fit_rmse": fit_rmse, "plot": out}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=400, help="Adam steps")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--noise", type=float, default=0.02, help="standard deviation of the measurement noise")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", default=str(DEFAULT_PLOT), help="PNG path")
    return p.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    main(steps=args.steps, lr=args.lr, noise=args.noise, plot_path=args.plot, seed=args.seed)
