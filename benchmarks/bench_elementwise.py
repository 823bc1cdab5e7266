"""Long elementwise loss of two arrays: adjit vs hand-written NumPy/Numba and peers, plus adjit parallel=True."""
from __future__ import annotations

import common

THREADS = common.pin_threads()  # before numpy is imported anywhere

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

from elementwise_models import elementwise_data, elementwise_grad  # noqa: E402

SIZES = (10**3, 10**5, 10**7)
QUICK_SIZES = (10**3, 10**5)
FIRST_CALL_SIZE = 10**5
PARALLEL_SIZE = 10**7
PARALLEL_THREADS = 2
RTOL = 1e-10


# --------------------------------------------------------------------------- hand-written NumPy

def numpy_forward(x, w):
    a = np.tanh(x * w + 0.5)
    b = np.exp(-0.5 * (x * x))
    c = np.log1p(w * w)
    d = np.sin(x + w)
    e = np.sqrt(1.0 + x * x + c)
    u = a * b + c * d - 0.1 * e
    return np.sum(u * u) + np.mean(a * e) + np.max(d * b)


def numpy_grad(x, w):
    """Reverse mode by hand; returns (loss, dx, dw)."""
    n = x.size
    a = np.tanh(x * w + 0.5)
    b = np.exp(-0.5 * (x * x))
    c = np.log1p(w * w)
    xw = x + w
    d = np.sin(xw)
    e = np.sqrt(1.0 + x * x + c)
    u = a * b + c * d - 0.1 * e
    m = d * b
    k = np.argmax(m)
    loss = np.sum(u * u) + np.mean(a * e) + m[k]
    gu = 2.0 * u
    ga = gu * b + e / n
    gb = gu * a
    gc = gu * d
    gd = gu * c
    ge = a / n - 0.1 * gu
    gd[k] += b[k]                      # max: the adjoint goes to the (first) maximiser
    gb[k] += d[k]
    gc += 0.5 * ge / e                 # e = sqrt(1 + x² + c)
    gs = ga * (1.0 - a * a)            # a = tanh(s), s = x w + 0.5
    gdc = gd * np.cos(xw)
    dx = gs * w + gdc - gb * b * x + ge * x / e
    dw = gs * x + gdc + gc * 2.0 * w / (1.0 + w * w)
    return loss, dx, dw


# --------------------------------------------------------------------------- hand-written Numba

@numba.njit(nogil=True, error_model="numpy")
def numba_forward(x, w):
    n = x.shape[0]
    s = 0.0
    t = 0.0
    mx = -np.inf
    for i in range(n):
        xi = x[i]
        wi = w[i]
        a = math.tanh(xi * wi + 0.5)
        b = math.exp(-0.5 * (xi * xi))
        c = math.log1p(wi * wi)
        d = math.sin(xi + wi)
        e = math.sqrt(1.0 + xi * xi + c)
        u = a * b + c * d - 0.1 * e
        s += u * u
        t += a * e
        m = d * b
        if m > mx:
            mx = m
    return s + t / n + mx


@numba.njit(nogil=True, error_model="numpy")
def numba_grad(x, w):
    """One fused forward loop (stores a, b, c, d, e and finds the max), one fused backward loop."""
    n = x.shape[0]
    A = np.empty(n)
    B = np.empty(n)
    C = np.empty(n)
    D = np.empty(n)
    E = np.empty(n)
    s = 0.0
    t = 0.0
    mx = -np.inf
    k = 0
    for i in range(n):
        xi = x[i]
        wi = w[i]
        a = math.tanh(xi * wi + 0.5)
        b = math.exp(-0.5 * (xi * xi))
        c = math.log1p(wi * wi)
        d = math.sin(xi + wi)
        e = math.sqrt(1.0 + xi * xi + c)
        u = a * b + c * d - 0.1 * e
        s += u * u
        t += a * e
        m = d * b
        if m > mx:
            mx = m
            k = i
        A[i] = a
        B[i] = b
        C[i] = c
        D[i] = d
        E[i] = e
    loss = s + t / n + mx
    dx = np.empty(n)
    dw = np.empty(n)
    inv_n = 1.0 / n
    for i in range(n):
        xi = x[i]
        wi = w[i]
        a = A[i]
        b = B[i]
        c = C[i]
        d = D[i]
        e = E[i]
        gu = 2.0 * (a * b + c * d - 0.1 * e)
        ga = gu * b + e * inv_n
        gb = gu * a
        gc = gu * d
        gd = gu * c
        ge = a * inv_n - 0.1 * gu
        if i == k:
            gd += b
            gb += d
        gc += 0.5 * ge / e
        gs = ga * (1.0 - a * a)
        gdc = gd * math.cos(xi + wi)
        dx[i] = gs * wi + gdc - gb * b * xi + ge * xi / e
        dw[i] = gs * xi + gdc + gc * 2.0 * wi / (1.0 + wi * wi)
    return loss, dx, dw


# --------------------------------------------------------------------------- implementations

def make_impls(args, peers):
    """Freshly built implementations (new Numba dispatchers, new jax.jit objects)."""
    nb_grad, nb_forward = common.fresh_njit(numba_grad), common.fresh_njit(numba_forward)
    impls = [
        common.Impl("hand-written NumPy", lambda: numpy_grad(*args),
             lambda: numpy_grad(*args), lambda: numpy_forward(*args)),
        common.Impl("hand-written Numba", lambda: nb_grad(*args),
             lambda: nb_grad(*args), lambda: nb_forward(*args)),
        common.Impl("adjit", lambda: (elementwise_grad.forward(*args),) + tuple(elementwise_grad(*args)),
             lambda: elementwise_grad(*args), lambda: elementwise_grad.forward(*args)),
    ]
    if peers.get("jax"):
        impls.append(_jax_impl(peers["jax"], args))
    if peers.get("torch"):
        impls.append(_torch_impl(peers["torch"], args))
    if peers.get("autograd"):
        impls.append(common.autograd_impl(peers["autograd"], _objective, args, (0, 1)))
    return impls


def _objective(xp):
    def f(x, w):
        a = xp.tanh(x * w + 0.5)
        b = xp.exp(-0.5 * (x * x))
        c = xp.log1p(w * w)
        d = xp.sin(x + w)
        e = xp.sqrt(1.0 + x * x + c)
        u = a * b + c * d - 0.1 * e
        return xp.sum(u * u) + xp.mean(a * e) + xp.max(d * b)
    return f


def _jax_impl(jax, args):
    f = _objective(jax.numpy)
    g = jax.jit(jax.grad(f, argnums=(0, 1)))
    fwd = jax.jit(f)
    jargs = [jax.device_put(a) for a in args]

    def grad():
        return (float(fwd(*jargs)),) + tuple(np.asarray(v) for v in g(*jargs))

    return common.Impl("JAX jit(grad)", grad, lambda: jax.block_until_ready(g(*jargs)),
                lambda: jax.block_until_ready(fwd(*jargs)))


def _torch_impl(torch, args):
    f = _objective(torch)
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args]

    return common.Impl("PyTorch eager", *common.torch_closures(torch, f, params))


# --------------------------------------------------------------------------- checks and timing

def bench_size(n, peers, target, adjit_first):
    """One table: (Markdown, rows). `adjit_first`: adjit's cold first call (s) or None."""
    args = elementwise_data(n)
    impls = make_impls(args, peers)
    # first call of each freshly built implementation (before the agreement check compiles it)
    first = {impl.name: common.time_first(impl.run_grad) for impl in impls}
    first["adjit"] = adjit_first   # in this process adjit may load from its disk cache
    common.check_agreement(impls, ("loss", "dx", "dw"), f"n = {n}", RTOL)
    print(f"  n = {n}: timing {len(impls)} implementations, interleaved", file=sys.stderr)
    fns = {}
    for impl in impls:
        fns[impl.name, "grad"] = impl.run_grad
        if impl.run_forward:
            fns[impl.name, "forward"] = impl.run_forward
    # at 10^7 a NumPy/torch/autograd gradient takes ~0.1-1 s: fewer rounds keep the run short
    rounds = 10 if n < 10**7 else 4
    times = common.time_calls(fns, target=target, rounds=rounds, min_repeats=rounds)
    rows = common.comparison_rows([i.name for i in impls], times, first, {"adjit": " †"})
    return common.comparison_table(rows), rows


# --------------------------------------------------------------------------- parallel=True

_PARALLEL_CODE = """
import json, sys
sys.path.insert(0, {bench_dir!r})
import numpy as np
import numba
import common
from elementwise_models import elementwise_data, elementwise_grad, elementwise_grad_parallel
x, w = elementwise_data({n})
g1 = elementwise_grad(x, w)
g2 = elementwise_grad_parallel(x, w)
err = max(float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in zip(g2, g1))
t = common.time_calls({{
    "serial": lambda: elementwise_grad(x, w),
    "parallel": lambda: elementwise_grad_parallel(x, w),
    "serial_fwd": lambda: elementwise_grad.forward(x, w),
    "parallel_fwd": lambda: elementwise_grad_parallel.forward(x, w),
}}, target={target})
print("@@PARALLEL@@" + json.dumps(dict(err=err, threads=numba.get_num_threads(),
      **{{k: [v.median, v.repeats] for k, v in t.items()}})))
"""


def parallel_table(target):
    """adjit parallel=True vs single-thread adjit in a subprocess with NUMBA_NUM_THREADS=2.

    The main process pinned every pool to --threads (default 1) before Numba loaded, so the
    parallel build must run in a fresh interpreter with the variables set to 2."""
    print(f"  parallel: n = {PARALLEL_SIZE}, subprocess with {PARALLEL_THREADS} threads",
          file=sys.stderr)
    env = dict(os.environ)
    for var in common.THREAD_VARS:
        env[var] = str(PARALLEL_THREADS)
    code = _PARALLEL_CODE.format(bench_dir=common.BENCH_DIR, n=PARALLEL_SIZE, target=target)
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=common.BENCH_DIR,
                          capture_output=True, text=True,
                          preexec_fn=lambda: common.set_cpus(PARALLEL_THREADS))  # not the parent's 1 CPU
    line = next((s for s in proc.stdout.splitlines() if s.startswith("@@PARALLEL@@")), None)
    if proc.returncode != 0 or line is None:
        return f"*Parallel measurement failed (exit {proc.returncode}):*\n\n```\n" \
               f"{proc.stderr[-2000:]}\n```", None
    res = json.loads(line[len("@@PARALLEL@@"):])
    if not res["err"] < RTOL:
        return (f"*ABORT parallel: parallel=True gradient differs from single-thread adjit "
                f"(relative error {res['err']:.3g}); not timed.*", res)
    ts = res["serial"][0]
    rows = []
    for label, key in (("adjit (single-thread build)", "serial"),
                       (f"adjit parallel=True ({res['threads']} threads)", "parallel")):
        t, reps = res[key]
        rows.append([label, common.fmt_time(t), common.fmt_ratio(t / ts),
                     common.fmt_ratio(ts / t), common.fmt_ratio(t / res[key + "_fwd"][0]), reps])
    header = ["implementation", "median gradient time", "vs single-thread", "speed-up",
              "gradient / objective", "repeats"]
    return common.markdown_table(header, rows), res


# --------------------------------------------------------------------------- first call

def first_call_table():
    print(f"  first call, n = {FIRST_CALL_SIZE}: cold and warm cache subprocesses", file=sys.stderr)
    res = common.first_call_times(
        setup="from elementwise_models import elementwise_grad, elementwise_data; "
              f"args = elementwise_data({FIRST_CALL_SIZE})",
        call="elementwise_grad(*args)")
    phases = [("import numpy", "import_numpy"), ("import adjit", "import_adjit"),
              ("decorate + build data", "setup"), ("**first gradient call**", "first"),
              ("second gradient call", "second")]
    rows = [[label, common.fmt_time(res["cold"][k]), common.fmt_time(res["warm"][k])]
            for label, k in phases]
    return common.markdown_table(["phase (fresh process)", "cold (empty cache)", "warm disk cache"],
                                 rows), res


def _first_call_or_note():
    """(Markdown, cold first call in s or None)."""
    try:
        table, res = first_call_table()
        return table, res["cold"]["first"]
    except RuntimeError as e:  # report the failure rather than lose the tables
        print(e, file=sys.stderr)
        return f"*First-call measurement failed:*\n\n```\n{str(e)[-1500:]}\n```", None


def _cold_first_call(n):
    print(f"  n = {n}: adjit cold first call (subprocess)", file=sys.stderr)
    try:
        return common.cold_first_call(
            setup=f"from elementwise_models import elementwise_grad, elementwise_data; "
                  f"args = elementwise_data({n})", call="elementwise_grad(*args)")["first"]
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--no-first-call", action="store_true",
                        help="skip the cold/warm first-call subprocess measurement")
    parser.add_argument("--no-parallel", action="store_true",
                        help="skip the adjit parallel=True subprocess measurement")
    opts = parser.parse_args(argv)
    sizes = QUICK_SIZES if opts.quick else SIZES
    target = 0.15 if opts.quick else 1.0

    peers, notes = common.load_peers(("jax", "torch", "autograd"), THREADS)
    results = common.Results("elementwise", THREADS)

    out = ["## Long elementwise loss: two float64 arrays, 21 elementwise ops, 3 reductions", "",
           common.environment_line(THREADS), "",
           "Peers: " + "; ".join(notes) + ".", "",
           "Objective (`elementwise_models.py`): with a = tanh(x·w + 0.5), b = exp(−x²/2), "
           "c = log1p(w²), d = sin(x + w), e = sqrt(1 + x² + c) and u = a·b + c·d − 0.1·e, "
           "loss = sum(u²) + mean(a·e) + max(d·b); gradient w.r.t. both arrays "
           "(adjit: `adjit.grad(f, wrt=(0, 1))`). Every implementation's loss and gradients were "
           f"checked against hand-written NumPy (relative error < {RTOL:g}) before timing. "
           "*Hand-written Numba* is `@numba.njit(error_model='numpy')` with one fused forward "
           "loop (storing a, b, c, d, e and the arg-max) and one fused backward loop, scalar "
           "libm transcendentals. Timed interleaved, in rounds.", "", common.COMPARISON_LEGEND, ""]
    if opts.quick:
        out += ["*Quick run: fewer sizes and repeats; numbers are noisy.*", ""]
    first_detail, first_cold = (None, None) if opts.no_first_call else _first_call_or_note()
    for n in sizes:
        adjit_first = None
        if not opts.no_first_call:
            adjit_first = first_cold if n == FIRST_CALL_SIZE else _cold_first_call(n)
        table, rows = bench_size(n, peers, target, adjit_first)
        label = f"{n:.0e}".replace("e+0", "e")
        results.add(f"elementwise loss, n = 10^{label.split('e')[1]}", rows)
        out += [f"### n = {label}", "", table, ""]
    if not opts.no_parallel:
        table, _ = parallel_table(target)
        out += [f"### adjit parallel=True, n = 10^7, {PARALLEL_THREADS} threads", "",
                "Measured in a **separate Python process with NUMBA_NUM_THREADS (and the BLAS/"
                f"OpenMP variables) = {PARALLEL_THREADS}**: the tables above pin every thread "
                f"pool to {THREADS} before Numba loads, which would leave parallel=True a single "
                "thread. Both rows run in that same process, interleaved; the single-thread "
                "build never uses the extra thread.", "", table, ""]
    if not opts.no_first_call:
        out += ["### adjit first call, n = 10^5", "",
                "Each column is a new Python process; times are measured inside it. *Cold*: empty "
                "`ADJIT_CACHE_DIR` (generate code + Numba compile). *Warm*: a second process on "
                "the same cache directory.", "", first_detail, ""]
    common.emit("\n".join(out), opts.out)
    results.write(opts.json)


if __name__ == "__main__":
    main()
