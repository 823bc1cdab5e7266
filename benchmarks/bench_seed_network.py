"""Gradient of the seed's 784→128→10 network (tanh + squared error, and a ReLU + softmax
cross-entropy variant): adjit vs hand-written NumPy/Numba and peers."""
from __future__ import annotations

import common

THREADS = common.pin_threads()  # before numpy is imported anywhere

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

import libmvec  # noqa: E402
from models import PARAMS, seed_data, seed_grad, softmax_data, softmax_grad  # noqa: E402

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


def fresh_numba(simd=False):
    """New dispatchers (kernel included) each call, so their first call compiles."""
    return make_numba(common.fresh_njit(_tanh_bias_simd if simd else _tanh_bias_scalar))


# --------------------------------------------------------------------------- ReLU / softmax CE

def softmax_numpy_forward(W1, b1, W2, b2, X, Y):
    h = np.maximum(X @ W1 + b1, 0.0)
    logits = h @ W2 + b2
    s = logits - logits.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def softmax_numpy_grad(W1, b1, W2, b2, X, Y):
    """Backpropagation by hand; returns (loss, dW1, db1, dW2, db2)."""
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2 + b2
    s = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(s)
    se = e.sum(axis=1, keepdims=True)
    logp = s - np.log(se)
    batch = X.shape[0]
    loss = -np.sum(Y * logp) / batch
    dlogits = (e / se * Y.sum(axis=1, keepdims=True) - Y) / batch   # (softmax - Y) / batch
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(axis=0)
    dz1 = (dlogits @ W2.T) * (z1 > 0.0)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, dW1, db1, dW2, db2


def make_softmax_numba():
    """Hand-written Numba (fastmath off, error_model='numpy'): np.dot products, ReLU and bias in
    one pass, the softmax cross-entropy in three passes over each row of logits (max; exp, sums and
    loss; the adjoint (softmax - Y) / batch written in place with db2), ReLU mask with db1 in one
    pass. New dispatchers each call, so their first call compiles."""

    @numba.njit(nogil=True, error_model="numpy")
    def forward(W1, b1, W2, b2, X, Y):
        batch, hidden = X.shape[0], W1.shape[1]
        h = np.dot(X, W1)
        for i in range(batch):
            for j in range(hidden):
                v = h[i, j] + b1[j]
                h[i, j] = v if v > 0.0 else 0.0
        z = np.dot(h, W2)
        loss = 0.0
        for i in range(batch):
            m = -np.inf
            for k in range(z.shape[1]):
                v = z[i, k] + b2[k]
                z[i, k] = v
                if v > m:
                    m = v
            se = 0.0
            sy = 0.0
            sys_ = 0.0
            for k in range(z.shape[1]):
                s = z[i, k] - m
                se += math.exp(s)
                sy += Y[i, k]
                sys_ += Y[i, k] * s
            loss -= sys_ - sy * math.log(se)
        return loss / batch

    @numba.njit(nogil=True, error_model="numpy")
    def grad(W1, b1, W2, b2, X, Y):
        batch, hidden, classes = X.shape[0], W1.shape[1], W2.shape[1]
        h = np.dot(X, W1)
        for i in range(batch):                  # h = relu(X W1 + b1), in place
            for j in range(hidden):
                v = h[i, j] + b1[j]
                h[i, j] = v if v > 0.0 else 0.0
        d = np.dot(h, W2)                       # logits, then exp, then their adjoint, in place
        db2 = np.zeros(classes)
        inv_b = 1.0 / batch
        loss = 0.0
        for i in range(batch):
            m = -np.inf
            for k in range(classes):
                v = d[i, k] + b2[k]
                d[i, k] = v
                if v > m:
                    m = v
            se = 0.0
            sy = 0.0
            sys_ = 0.0
            for k in range(classes):
                s = d[i, k] - m
                e = math.exp(s)
                d[i, k] = e
                se += e
                sy += Y[i, k]
                sys_ += Y[i, k] * s
            loss -= sys_ - sy * math.log(se)
            scale = sy / se
            for k in range(classes):
                g = (d[i, k] * scale - Y[i, k]) * inv_b
                d[i, k] = g
                db2[k] += g
        dW2 = np.dot(h.T, d)
        dz1 = np.dot(d, W2.T)
        db1 = np.zeros(hidden)
        for i in range(batch):                  # ReLU mask, db1 = Σ dz1
            for j in range(hidden):
                if h[i, j] > 0.0:
                    db1[j] += dz1[i, j]
                else:
                    dz1[i, j] = 0.0
        dW1 = np.dot(X.T, dz1)
        return loss * inv_b, dW1, db1, dW2, db2

    return forward, grad


# --------------------------------------------------------------------------- variants

def tanh_objective(xp):
    """The seed's objective for a NumPy-like module (jax.numpy, torch, autograd.numpy)."""
    def f(W1, b1, W2, b2, x, t):
        h = xp.tanh(W1 @ x + b1)
        y = W2 @ h + b2
        return xp.sum((y - t) ** 2)
    return f


def softmax_objective(xp):
    """The ReLU / softmax cross-entropy objective for jax.numpy or autograd.numpy."""
    def f(W1, b1, W2, b2, X, Y):
        h = xp.maximum(X @ W1 + b1, 0.0)
        logits = h @ W2 + b2
        s = logits - xp.max(logits, axis=1, keepdims=True)
        logp = s - xp.log(xp.sum(xp.exp(s), axis=1, keepdims=True))
        return -xp.mean(xp.sum(Y * logp, axis=1))
    return f


def softmax_objective_torch(torch):
    def f(W1, b1, W2, b2, X, Y):
        h = torch.clamp_min(X @ W1 + b1, 0.0)
        logits = h @ W2 + b2
        s = logits - torch.amax(logits, dim=1, keepdim=True)
        logp = s - torch.log(torch.exp(s).sum(dim=1, keepdim=True))
        return -(Y * logp).sum(dim=1).mean()
    return f


class Variant:
    """One network: its data, reference and hand-written gradients, adjit gradient and peers."""

    def __init__(self, key, title, heading, data, data_name, adjit_grad, adjit_name,
                 numpy_fns, numba_factory, simd_factory, xp_objective, torch_objective):
        self.key, self.title, self.heading = key, title, heading
        self.data, self.data_name = data, data_name
        self.adjit_grad, self.adjit_name = adjit_grad, adjit_name
        self.numpy_forward, self.numpy_grad = numpy_fns
        self.numba_factory, self.simd_factory = numba_factory, simd_factory
        self.xp_objective, self.torch_objective = xp_objective, torch_objective


VARIANTS = {
    "tanh": Variant(
        "tanh", "seed network, tanh + squared error",
        "x (784, {b}), column batch", seed_data, "seed_data", seed_grad, "seed_grad",
        (numpy_forward, numpy_grad), lambda: fresh_numba(False), lambda: fresh_numba(True),
        tanh_objective, tanh_objective),
    "softmax": Variant(
        "softmax", "seed network, ReLU + softmax cross-entropy",
        "X ({b}, 784), row batch", softmax_data, "softmax_data", softmax_grad, "softmax_grad",
        (softmax_numpy_forward, softmax_numpy_grad), make_softmax_numba, None,
        softmax_objective, softmax_objective_torch),
}


# --------------------------------------------------------------------------- implementations

def make_impls(v, args, peers, simd):
    """Freshly built implementations (new Numba dispatchers, new jax.jit objects)."""
    nb_forward, nb_grad = v.numba_factory()
    impls = [
        common.Impl("hand-written NumPy", lambda: v.numpy_grad(*args),
             lambda: v.numpy_grad(*args), lambda: v.numpy_forward(*args)),
        common.Impl("hand-written Numba", lambda: nb_grad(*args),
             lambda: nb_grad(*args), lambda: nb_forward(*args)),
    ]
    if simd and v.simd_factory:
        sd_forward, sd_grad = v.simd_factory()
        impls.append(common.Impl("hand-written Numba + libmvec tanh", lambda: sd_grad(*args),
                          lambda: sd_grad(*args), lambda: sd_forward(*args)))
    g = v.adjit_grad
    impls.append(common.Impl("adjit", lambda: (g.forward(*args),) + tuple(g(*args)),
                      lambda: g(*args), lambda: g.forward(*args)))
    if peers.get("jax"):
        impls.append(_jax_impl(peers["jax"], v.xp_objective, args))
    if peers.get("torch"):
        impls.append(_torch_impl(peers["torch"], v.torch_objective, args))
    if peers.get("autograd"):
        impls.append(common.autograd_impl(peers["autograd"], v.xp_objective, args, (0, 1, 2, 3)))
    return impls


def _jax_impl(jax, objective, args):
    f = objective(jax.numpy)
    jargs = tuple(jax.device_put(a) for a in args)
    return common.Impl("JAX jit(value_and_grad)", *common.jax_closures(jax, f, jargs, (0, 1, 2, 3)))


def _torch_impl(torch, objective, args):
    f = objective(torch)
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]
    data = [torch.from_numpy(a) for a in args[4:]]

    return common.Impl("PyTorch eager", *common.torch_closures(torch, f, params, tuple(data)))


# --------------------------------------------------------------------------- checks and timing

def adjit_cold_first_call(v, batch):
    """adjit's first gradient call in a fresh process with an empty ADJIT_CACHE_DIR."""
    return common.cold_first_call(
        setup=f"from models import {v.adjit_name} as g, {v.data_name}; args = {v.data_name}({batch})",
        call="g(*args)")


def bench_batch(v, batch, peers, simd, target, adjit_first):
    """One table: (Markdown, rows). `adjit_first`: adjit's cold first call (s) or None."""
    args = v.data(batch)
    impls = make_impls(v, args, peers, simd)
    # first call of each freshly built implementation (before the agreement check compiles it)
    first = {impl.name: common.time_first(impl.run_grad) for impl in impls}
    first["adjit"] = adjit_first   # in this process adjit may load from its disk cache
    common.check_agreement(impls, ("loss",) + tuple("d" + p for p in PARAMS), f"{v.title}, batch {batch}", RTOL)
    print(f"  {v.key}, batch {batch}: timing {len(impls)} implementations, interleaved",
          file=sys.stderr)
    fns = {}
    for impl in impls:
        fns[impl.name, "grad"] = impl.run_grad
        if impl.run_forward:
            fns[impl.name, "forward"] = impl.run_forward
    times = common.time_calls(fns, target=target)
    rows = common.comparison_rows([i.name for i in impls], times, first, {"adjit": " †"})
    return common.comparison_table(rows), rows


def first_call_table(v):
    print(f"  {v.key}, first call, batch {FIRST_CALL_BATCH}: cold and warm cache subprocesses",
          file=sys.stderr)
    res = common.first_call_times(
        setup=f"from models import {v.adjit_name} as g, {v.data_name}; "
              f"args = {v.data_name}({FIRST_CALL_BATCH})",
        call="g(*args)")
    phases = [("import numpy", "import_numpy"), ("import adjit", "import_adjit"),
              ("decorate + build data", "setup"), ("**first gradient call**", "first"),
              ("second gradient call", "second")]
    rows = [[label, common.fmt_time(res["cold"][k]), common.fmt_time(res["warm"][k])]
            for label, k in phases]
    return common.markdown_table(["phase (fresh process)", "cold (empty cache)", "warm disk cache"],
                                 rows), res


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--no-first-call", action="store_true",
                        help="skip adjit's cold/warm first-call subprocess measurements")
    parser.add_argument("--only", choices=tuple(VARIANTS), action="append",
                        help="run only these variants (repeatable)")
    opts = parser.parse_args(argv)
    batches = QUICK_BATCHES if opts.quick else BATCHES
    target = 0.15 if opts.quick else 1.0

    peers, notes = common.load_peers(("jax", "torch", "autograd"), THREADS)
    simd, simd_note = libmvec.available()
    results = common.Results("seed_network", THREADS)

    out = ["## Seed network: 784→128→10, float64 (tanh + squared error; ReLU + softmax cross-entropy)",
           "", common.environment_line(THREADS), "",
           "Peers: " + "; ".join(notes) + ".", "",
           "Every implementation returns the loss and the four parameter gradients "
           "(adjit: `adjit.grad(f, wrt=(\"W1\", \"b1\", \"W2\", \"b2\"))` on the plain NumPy "
           "objective in `models.py`, which computes the loss internally); all were checked "
           f"against hand-written NumPy (relative error < {RTOL:g}) before timing. "
           "Implementations are timed interleaved, in rounds, so load changes hit all alike.",
           "", common.COMPARISON_LEGEND, "",
           "*Hand-written Numba* is `@numba.njit` (fastmath off) with BLAS products and one fused "
           "loop per elementwise stage, scalar libm transcendentals. "
           + ("*+ libmvec tanh* (tanh network only) is the same code with the tanh loop calling "
              "glibc's AVX2 `_ZGVdN4v_tanh` four lanes at a time (the SIMD speed limit the design "
              "asks for)." if simd else f"(The libmvec SIMD variant is skipped: {simd_note}.)"),
           ""]
    if opts.quick:
        out += ["*Quick run: fewer sizes and repeats; numbers are noisy.*", ""]
    for key, v in VARIANTS.items():
        if opts.only and key not in opts.only:
            continue
        if key == "tanh":
            out += ["### tanh + squared error (the seed's network)", "",
                    "h = tanh(W1 x + b1), y = W2 h + b2, loss = Σ (y − t)², column batches "
                    "x (784, batch).", ""]
        else:
            out += ["### ReLU + softmax cross-entropy", "",
                    "h = max(X W1 + b1, 0) (`np.maximum(z, 0)`), logits = h W2 + b2, "
                    "s = logits − max(logits, axis=1), loss = −mean_batch Σ_classes "
                    "Y ⊙ (s − log Σ exp s), row batches X (batch, 784), Y one-hot float (batch, 10). "
                    "Hand-written Numba: `njit(error_model='numpy')`, `np.dot` products, the "
                    "softmax cross-entropy and its adjoint (softmax − Y)/batch fused per row.", ""]
        detail = None
        for batch in batches:
            adjit_first = None
            if not opts.no_first_call:
                if batch == FIRST_CALL_BATCH:
                    detail = first_call_table(v)
                    adjit_first = detail[1]["cold"]["first"]
                else:
                    print(f"  {key}, batch {batch}: adjit cold first call (subprocess)",
                          file=sys.stderr)
                    adjit_first = adjit_cold_first_call(v, batch)["first"]
            table, rows = bench_batch(v, batch, peers, simd, target, adjit_first)
            results.add(f"{v.title}, batch {batch}", rows)
            out += [f"#### {v.title}, batch {batch}: {v.heading.format(b=batch)}", "", table, ""]
        if detail:
            out += [f"#### adjit first call, {v.title}, batch {FIRST_CALL_BATCH}", "",
                    "Each column is a new Python process; times are measured inside it. *Cold*: "
                    "empty `ADJIT_CACHE_DIR` (generate code + Numba compile; the † value above). "
                    "*Warm*: a second process on the same cache directory (load generated code "
                    "and Numba's cached machine code).", "", detail[0], ""]
    common.emit("\n".join(out), opts.out)
    results.write(opts.json)


if __name__ == "__main__":
    main()
