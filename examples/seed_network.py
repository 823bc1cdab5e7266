"""The seed's network, end to end: h = tanh(W1 x + b1), y = W2 h + b2, squared error.

1. adjit writes the backward pass; we print it next to the seed's hand-derived formulas and
   check numerically that the two agree.
2. A gradient check against central differences on a small copy of the network
   (the seed's "Practical Tips": verify your implementation numerically).
3. Training: the network (784 -> 128 -> 10, Xavier init) learns to imitate a fixed random
   "teacher" network of the same shape, with SGD + momentum and gradient clipping.

Run it:            python examples/seed_network.py
See the adjoint:   python -m adjit show examples/seed_network.py:loss
"""
import re
import time

import numpy as np

import adjit

PARAMS = ("W1", "b1", "W2", "b2")


@adjit.grad(wrt=PARAMS)
def loss(W1, b1, W2, b2, x, t):
    h = np.tanh(W1 @ x + b1)
    y = W2 @ h + b2
    return np.sum((y - t) ** 2)


def init_params(n_in, n_hidden, n_out, rng):
    """Xavier-uniform weights (the seed's tip for tanh), zero biases (column vectors)."""
    W1 = adjit.init.xavier_uniform((n_hidden, n_in), rng=rng)
    b1 = np.zeros((n_hidden, 1))
    W2 = adjit.init.xavier_uniform((n_out, n_hidden), rng=rng)
    b2 = np.zeros((n_out, 1))
    return [W1, b1, W2, b2]


def example_args(batch=32, sizes=(784, 128, 10), seed=0):
    """Parameters and a batch of columns: x is (n_in, batch), t is (n_out, batch)."""
    rng = np.random.default_rng(seed)
    n_in, _, n_out = sizes
    params = init_params(*sizes, rng)
    x = rng.standard_normal((n_in, batch))
    t = rng.standard_normal((n_out, batch))
    return (*params, x, t)


# `python -m adjit show examples/seed_network.py:loss` takes its example arguments from here.
ADJIT_EXAMPLES = {"loss": lambda: example_args()}


def seed_backward(W1, b1, W2, b2, x, t):
    """The seed's backward pass, written by hand, formula by formula."""
    z1 = W1 @ x + b1
    h = np.tanh(z1)
    y = W2 @ h + b2
    dL_dy = 2 * (y - t)                               # L = sum((y - t)^2)
    dL_dW2 = dL_dy @ h.T                              # dL/dW2 = (dL/dy) . h^T
    dL_db2 = dL_dy.sum(axis=1, keepdims=True)         # dL/db2 = dL/dy  (summed over the batch)
    dL_dh = W2.T @ dL_dy                              # dL/dh  = W2^T . (dL/dy)
    dL_dz1 = dL_dh * (1 - np.tanh(z1) ** 2)           # dL/dz1 = dL/dh (.) sigma'(z1), tanh' = 1 - tanh^2
    dL_dW1 = dL_dz1 @ x.T                             # dL/dW1 = (dL/dz1) . x^T
    dL_db1 = dL_dz1.sum(axis=1, keepdims=True)        # dL/db1 = dL/dz1  (summed over the batch)
    return dL_dW1, dL_db1, dL_dW2, dL_db2


SEED_FORMULAS = {
    "W1": "∂L/∂W₁ = (∂L/∂z₁)·xᵀ",
    "b1": "∂L/∂b₁ = ∂L/∂z₁",
    "W2": "∂L/∂W₂ = (∂L/∂y)·hᵀ",
    "b2": "∂L/∂b₂ = ∂L/∂y",
}


def max_relative_difference(a, b):
    """max |a - b| / max |b|: 0 for identical arrays, ~1e-16 for rounding differences."""
    scale = float(np.max(np.abs(b)))
    return float(np.max(np.abs(a - b))) / scale if scale > 0 else float(np.max(np.abs(a - b)))


def adjoint_line(source, name):
    """The generated statement that assigns `d<name>` (the last one, if it is accumulated)."""
    found = re.findall(rf"^\s*(d{name} = .*)$", source, flags=re.M)
    return found[-1] if found else "(not found)"


def compare_with_seed(args):
    """Print adjit's adjoint source, then compare each gradient with the seed's formula."""
    source = loss.source(*args)
    print(source)
    ours = loss(*args)
    theirs = seed_backward(*args)
    print(f"{'':3} {'the seed, by hand':24} {'adjit, generated':41} max relative difference")
    agreement = {}
    for name, a, b in zip(PARAMS, ours, theirs):
        agreement[name] = max_relative_difference(a, b)
        print(f"{name:3} {SEED_FORMULAS[name]:24} {adjoint_line(source, name):41} {agreement[name]:.1e}")
    dz1 = re.search(r"dW1 = (\w+) @ x\.T", source)
    if dz1 and dz1.group(1) != "dz1":
        print(f"(adjit's {dz1.group(1)} is the seed's ∂L/∂z₁: z₁ = W1 @ x + b1 has no name in the source,")
        print(" so its adjoint gets a temporary name. Both biases get a sum over the batch axis, because")
        print(" b1 and b2 are (n, 1) columns broadcast across the batch.)")
    return agreement


def gradient_check():
    """adjit.check_grad on a 6 -> 5 -> 3 network with a batch of 4."""
    args = example_args(batch=4, sizes=(6, 5, 3), seed=1)
    report = adjit.check_grad(loss, *args, wrt=PARAMS)
    print(report)
    return report


def make_teacher_data(n_samples, sizes, rng):
    """Inputs x ~ N(0, 1) and targets t from a fixed random network of the same shape."""
    W1, b1, W2, b2 = init_params(*sizes, rng)
    b1 = 0.1 * rng.standard_normal(b1.shape)
    b2 = 0.1 * rng.standard_normal(b2.shape)
    x = rng.standard_normal((sizes[0], n_samples))
    t = W2 @ np.tanh(W1 @ x + b1) + b2
    return x, t


def train(steps=300, batch=64, n_train=2048, n_test=1024, lr=1e-4, beta=0.9, max_norm=1000.0,
          every=None, seed=0):
    """Fit a student network to the teacher's outputs with SGD + momentum (the seed's
    v = βv + η∇L; θ = θ - v) on minibatches of columns, clipping the global gradient norm at
    `max_norm`. Returns [(step, train error, held-out error)], errors being the mean squared
    error per output on all of each set, at step 0 and then every `every` steps."""
    rng = np.random.default_rng(seed)
    sizes = (784, 128, 10)
    x_all, t_all = make_teacher_data(n_train + n_test, sizes, rng)
    x_train, t_train = np.ascontiguousarray(x_all[:, :n_train]), np.ascontiguousarray(t_all[:, :n_train])
    x_test, t_test = np.ascontiguousarray(x_all[:, n_train:]), np.ascontiguousarray(t_all[:, n_train:])
    params = init_params(*sizes, rng)
    optimizer = adjit.optim.Momentum(params, lr=lr, beta=beta)  # updates `params` in place
    value_and_grads = adjit.value_and_grad(loss.__wrapped__, wrt=PARAMS)  # the plain function under @grad
    every = every or max(1, steps // 10)

    def errors(step):
        train_error = loss.forward(*params, x_train, t_train) / t_train.size
        test_error = loss.forward(*params, x_test, t_test) / t_test.size
        return step, train_error, test_error

    history = [errors(0)]
    print(f"step {0:4d}   train error {history[-1][1]:.4f}   held-out error {history[-1][2]:.4f}")
    order = rng.permutation(n_train)
    clipped = 0
    for step in range(1, steps + 1):
        start = (step - 1) * batch % n_train
        cols = order[start:start + batch]
        value, grads = value_and_grads(*params, x_train[:, cols], t_train[:, cols])
        grads, norm = adjit.clip.clip_by_global_norm(grads, max_norm)
        clipped += norm > max_norm
        optimizer.step(grads)
        if step % every == 0 or step == steps:
            history.append(errors(step))
            print(f"step {step:4d}   train error {history[-1][1]:.4f}   held-out error {history[-1][2]:.4f}"
                  f"   (batch loss {value:8.2f}, gradient norm {norm:7.1f})")
    print(f"(the gradient norm exceeded {max_norm:g} and was clipped in {clipped} of {steps} steps)")
    return history


def main(steps=300, quick=False):
    """Run all three parts; `quick=True` trains on less data (for tests). Returns the numbers."""
    started = time.perf_counter()
    print("=== 1. adjit's backward pass next to the seed's formulas ===\n")
    agreement = compare_with_seed(example_args())
    print("\n=== 2. gradient check (central differences, 6 -> 5 -> 3 network) ===\n")
    report = gradient_check()
    print("\n=== 3. training 784 -> 128 -> 10 to imitate a teacher network ===\n")
    n_train, n_test = (256, 256) if quick else (2048, 1024)
    history = train(steps=steps, n_train=n_train, n_test=n_test)
    print(f"\ndone in {time.perf_counter() - started:.1f} s. loss ran on batches of 32, {n_train} and {n_test} columns"
          f" with {len(loss.signatures)} compiled specialization(s):")
    for signature in loss.signatures:
        print("   ", signature)
    return {"agreement": agreement, "gradient_check": report, "history": history}


if __name__ == "__main__":
    main()
