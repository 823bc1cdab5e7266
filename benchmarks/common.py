"""Shared helpers for the benchmarks: thread pinning, timing, peer detection, first-call runs, Markdown."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Callable

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
# The benchmarks time compiled code: no first tier of readable NumPy answering while Numba
# compiles (compiler/jit/tiering.py), unless a run asks for it (bench_compile.py measures both).
os.environ.setdefault("ADJIT_FIRST_TIER", "0")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
XLA_ONE_THREAD = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")


# --------------------------------------------------------------------------- threads

def pin_threads(argv: list[str] | None = None) -> int:
    """Read `--threads N` (default 1) from argv and export it to every BLAS/OpenMP/Numba thread pool.

    Must run before numpy (or anything that imports it) is imported: the pools read these
    variables once, when their library loads. Returns N."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--threads", type=int, default=1)
    n = pre.parse_known_args(sys.argv[1:] if argv is None else argv)[0].threads
    if "numpy" in sys.modules:
        print("warning: numpy was imported before pin_threads(); thread settings may not apply",
              file=sys.stderr)
    for var in THREAD_VARS:
        os.environ[var] = str(n)
    if n == 1:  # XLA's CPU backend ignores the variables above; this keeps JAX single-threaded
        flags = os.environ.get("XLA_FLAGS", "")
        for flag in XLA_ONE_THREAD:
            if flag.split("=")[0] not in flags:
                flags = f"{flags} {flag}".strip()
        os.environ["XLA_FLAGS"] = flags
    # Even with those flags XLA's CPU client ran matrix products on a second thread here (process
    # CPU time 1.8x wall time), so the process itself is bound to n CPUs: no library can use more.
    set_cpus(n)
    return n


def set_cpus(n: int | None) -> None:
    """Bind this process (and the children it starts) to its first n CPUs; None: to all of them."""
    if not hasattr(os, "sched_setaffinity"):
        return
    cpus = sorted(range(os.cpu_count() or 1))
    try:
        os.sched_setaffinity(0, set(cpus if n is None else cpus[:max(n, 1)]))
    except OSError:  # CPUs outside this container's set: keep what we have
        pass


def cpus_bound() -> str:
    """How many CPUs this process may run on, for the report header."""
    if hasattr(os, "sched_getaffinity"):
        return f"{len(os.sched_getaffinity(0))} (sched_setaffinity)"
    return "not bound"


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The flags every bench_*.py script accepts."""
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for BLAS, OpenMP, Numba, JAX and torch (default 1)")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats (smoke test)")
    parser.add_argument("--out", metavar="PATH", help="also write the Markdown report to PATH")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the measured rows as JSON to PATH (run_all.py's chart)")


# --------------------------------------------------------------------------- timing

@dataclass
class Timing:
    median: float   # seconds per call
    repeats: int


def _median(samples: list[float]) -> float:
    samples = sorted(samples)
    mid = len(samples) // 2
    return samples[mid] if len(samples) % 2 else 0.5 * (samples[mid - 1] + samples[mid])


def time_call(fn: Callable[[], Any], target: float = 1.0, warmup: int = 3,
              min_repeats: int = 5) -> Timing:
    """Median wall time of fn() after `warmup` calls, repeated so that timing takes ~`target` s."""
    return time_calls({"fn": fn}, target, warmup, min_repeats, rounds=1)["fn"]


def time_calls(fns: dict[str, Callable[[], Any]], target: float = 1.0, warmup: int = 3,
               min_repeats: int = 5, rounds: int = 10) -> dict[str, Timing]:
    """Median wall time of each fn() after warm-up, spending about `target` seconds on each.

    The calls are interleaved over `rounds` rounds (each round times every function a few
    times in turn), so a change in machine load during the run shifts all of them alike and
    the ratios between them stay meaningful."""
    per_call = {}
    for name, fn in fns.items():
        fastest = float("inf")
        for _ in range(max(warmup, 1)):
            t0 = time.perf_counter()
            fn()
            fastest = min(fastest, time.perf_counter() - t0)
        per_call[name] = max(fastest, 1e-9)
    per_round = {name: max(1, round(target / rounds / t), -(-min_repeats // rounds))
                 for name, t in per_call.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            acc = samples[name]
            for _ in range(per_round[name]):
                t0 = time.perf_counter()
                fn()
                acc.append(time.perf_counter() - t0)
    return {name: Timing(_median(s), len(s)) for name, s in samples.items()}


def fmt_time(seconds: float) -> str:
    """Seconds as a short human-readable string (ns/µs/ms/s)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}×"


# --------------------------------------------------------------------------- peers

def load_peer(name: str, threads: int = 1) -> tuple[Any, str]:
    """Import an optional peer library configured for float64 CPU work.

    Returns (module, version note) or (None, reason it is skipped). `name` is one of
    "jax", "torch", "autograd"."""
    try:
        if name == "jax":
            import jax
            jax.config.update("jax_enable_x64", True)
            jax.config.update("jax_platforms", "cpu")
            return jax, f"jax {jax.__version__} (jit, x64, CPU)"
        if name == "torch":
            import torch
            torch.set_num_threads(threads)
            try:  # the inter-op pool too; torch refuses once it has started, which is harmless
                torch.set_num_interop_threads(threads)
            except RuntimeError:
                pass
            torch.set_default_dtype(torch.float64)
            return torch, f"torch {torch.__version__} (eager, float64, CPU)"
        if name == "autograd":
            import autograd
            from importlib.metadata import version
            return autograd, f"autograd {version('autograd')}"
    except ImportError:
        return None, f"{name} not installed, skipped"
    except Exception as e:  # a broken install should not sink the whole report
        return None, f"{name} failed to load ({type(e).__name__}: {e}); skipped"
    raise ValueError(f"unknown peer {name!r}")


def load_peers(names, threads: int = 1) -> tuple[dict, list]:
    """load_peer for each name: ({name: module or None}, [version or skip note per name])."""
    peers, notes = {}, []
    for name in names:
        peers[name], note = load_peer(name, threads)
        notes.append(note)
    return peers, notes


# --------------------------------------------------------------------------- first call

_FIRST_CALL_TEMPLATE = """
import json, sys, time
t0 = time.perf_counter()
import numpy
t_numpy = time.perf_counter() - t0
t0 = time.perf_counter()
import adjit
t_adjit = time.perf_counter() - t0
sys.path.insert(0, {bench_dir!r})
t0 = time.perf_counter()
{setup}
t_setup = time.perf_counter() - t0
t0 = time.perf_counter()
{call}
t_first = time.perf_counter() - t0
t0 = time.perf_counter()
{call}
t_second = time.perf_counter() - t0
print("@@FIRST_CALL@@" + json.dumps(dict(import_numpy=t_numpy, import_adjit=t_adjit,
      setup=t_setup, first=t_first, second=t_second)))
"""



def _run_first_call(code: str, cache_dir: str) -> dict[str, float]:
    env = dict(os.environ, ADJIT_CACHE_DIR=cache_dir)
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=BENCH_DIR,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"first-call subprocess failed (exit {proc.returncode}):\n{proc.stderr}")
    for line in proc.stdout.splitlines():
        if line.startswith("@@FIRST_CALL@@"):
            return json.loads(line[len("@@FIRST_CALL@@"):])
    raise RuntimeError(f"first-call subprocess printed no result:\n{proc.stdout}\n{proc.stderr}")


def cold_first_call(setup: str, call: str) -> dict[str, float]:
    """Like first_call_times, but only the cold process (empty ADJIT_CACHE_DIR)."""
    code = _FIRST_CALL_TEMPLATE.format(bench_dir=BENCH_DIR, setup=setup, call=call)
    with tempfile.TemporaryDirectory(prefix="adjit-bench-cache-") as cache_dir:
        return _run_first_call(code, cache_dir)


def time_first(fn: Callable[[], Any]) -> float:
    """Seconds taken by one call of fn (meant for the first call of a fresh implementation)."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def fresh_njit(dispatcher):
    """A new Numba dispatcher of the same Python function and options: its first call compiles
    again, so a "first call" column includes Numba compilation at every size."""
    import numba
    options = {k: v for k, v in dispatcher.targetoptions.items() if k != "nopython"}
    return numba.njit(**options)(dispatcher.py_func)


def first_call_times(setup: str, call: str) -> dict[str, dict[str, float]]:
    """Time the first gradient call in fresh interpreters: cold, then warm disk cache.

    `setup` (one line; the bench folder is on sys.path) builds the function and its arguments;
    `call` (one line) is the call to time. Both run after `import numpy` and `import adjit`, which
    are timed separately. "cold" uses a new empty ADJIT_CACHE_DIR (generate + Numba compile),
    "warm" a second process on the same directory (load from the disk cache). Times in seconds;
    keys: import_numpy, import_adjit, setup, first, second."""
    code = _FIRST_CALL_TEMPLATE.format(bench_dir=BENCH_DIR, setup=setup, call=call)
    with tempfile.TemporaryDirectory(prefix="adjit-bench-cache-") as cache_dir:
        cold = _run_first_call(code, cache_dir)
        warm = _run_first_call(code, cache_dir)
    return {"cold": cold, "warm": warm}


# --------------------------------------------------------------------------- comparison tables

REFERENCE = "hand-written Numba"


def rel_err(a, b) -> float:
    """max |a - b| / max |b| (inf on a shape mismatch): the agreement check of every script."""
    import numpy as np
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(np.float64).tiny))


def comparison_rows(names: list[str], times: dict, first: dict[str, float | None],
                    first_marks: dict[str, str] | None = None) -> list[dict]:
    """One dict per implementation, in `names` order, from the same run's measurements.

    `times[name, "grad"]` / `times[name, "forward"]` are Timings (forward optional), `first[name]`
    the first-call seconds (None: not measured), `first_marks[name]` a footnote mark for it. Keys:
    name, first, first_mark, median, repeats, objective, vs_numba (÷ hand-written Numba),
    vs_fastest_other (÷ the fastest *other* row), grad_over_obj."""
    medians = {n: times[n, "grad"].median for n in names}
    ref = medians.get(REFERENCE)
    rows = []
    for n in names:
        g, f = times[n, "grad"], times.get((n, "forward"))
        others = [medians[o] for o in names if o != n]
        rows.append(dict(
            name=n, first=first.get(n), first_mark=(first_marks or {}).get(n, ""),
            median=g.median, repeats=g.repeats, objective=f.median if f else None,
            vs_numba=g.median / ref if ref else None,
            vs_fastest_other=g.median / min(others) if others else None,
            grad_over_obj=g.median / f.median if f else None))
    return rows


COMPARISON_HEADER = ["implementation", "first call", "median gradient time",
                     "vs hand-written Numba", "vs fastest other", "objective time",
                     "gradient / objective", "repeats"]

COMPARISON_LEGEND = (
    "Columns: *first call* is the first gradient call of a freshly built implementation at this "
    "size (hand-written Numba: a new dispatcher, so Numba compiles; JAX: a new `jit`, so it traces "
    "and compiles; NumPy, PyTorch eager, autograd: nothing to compile); for **adjit** (†) it is "
    "the first call in a fresh Python process with an empty `ADJIT_CACHE_DIR` (generate + Numba "
    "compile). *Median gradient time* is the steady state (after warm-up, timed interleaved in "
    "rounds); *vs hand-written Numba* and *vs fastest other* divide it by the hand-written Numba "
    "median and by the fastest *other* row's median from the same table (below 1× is faster); "
    "*gradient / objective* divides it by the same implementation's objective-only median "
    "(adjit: `g.forward`; JAX: `jit(f)`; PyTorch: forward under `no_grad`).")


def comparison_table(rows: list[dict]) -> str:
    """Markdown for comparison_rows' output, with COMPARISON_HEADER's columns."""
    out = []
    for r in rows:
        first = "—" if r["first"] is None else fmt_time(r["first"]) + r["first_mark"]
        out.append([r["name"], first, fmt_time(r["median"]), fmt_ratio(r["vs_numba"]),
                    fmt_ratio(r["vs_fastest_other"]),
                    "—" if r["objective"] is None else fmt_time(r["objective"]),
                    fmt_ratio(r["grad_over_obj"]), r["repeats"]])
    return markdown_table(COMPARISON_HEADER, out)


class Results:
    """The rows behind every comparison table of one script, for `--json` (run_all.py's chart)."""

    def __init__(self, bench: str, threads: int):
        self.data = dict(bench=bench, threads=threads, groups=[])

    def add(self, label: str, rows: list[dict]) -> None:
        """One table: `label` names the workload and size (a group of bars in the chart)."""
        self.data["groups"].append(dict(label=label, rows=rows))

    def write(self, path: str | None) -> None:
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(self.data, f, indent=1)


# --------------------------------------------------------------------------- report

def markdown_table(header: list[str], rows: list[list[Any]], align: str | None = None) -> str:
    """A Markdown table; `align` is one char per column: l(eft) or r(ight), default l then r."""
    align = align or "l" + "r" * (len(header) - 1)
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r):
        return "| " + " | ".join(c.ljust(w) if a == "l" else c.rjust(w)
                                 for c, w, a in zip(r, widths, align)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else (":" + "-" * (w + 1))
                          for w, a in zip(widths, align)) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def environment_line(threads: int) -> str:
    """One Markdown line describing the machine and the library versions."""
    import numba
    import numpy as np
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas['name']} {blas.get('version', '')}".strip()
    except Exception:
        blas = "unknown"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"Machine: {cpu}, {os.cpu_count()} logical CPUs; **threads: {threads}** "
            f"({', '.join(THREAD_VARS)}={threads}; process bound to CPUs: {cpus_bound()}). "
            f"Python {platform.python_version()}, "
            f"NumPy {np.__version__} ({blas}), Numba {numba.__version__}.")


def emit(report: str, out: str | None) -> None:
    """Print the report and, with --out, write it to a file too."""
    print(report)
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(report.rstrip("\n") + "\n")


# --------------------------------------------------------------------------- implementations

class Impl:
    """One implementation in a comparison table: `grad()` returns (loss or None, *gradients) as
    NumPy arrays; `run_grad`/`run_forward` are the timed callables (results forced to completion)."""

    def __init__(self, name, grad, run_grad, run_forward=None):
        self.name, self.grad, self.run_grad, self.run_forward = name, grad, run_grad, run_forward


def jax_closures(jax, objective, jargs: tuple, argnums: tuple):
    """(grad, value_and_grad, forward) of `jax.jit`: `grad()` returns NumPy arrays (numbers for
    0-d results); the timed callables block until JAX's results are ready."""
    import numpy as np  # (not at import: pin_threads must run before NumPy loads)

    vg = jax.jit(jax.value_and_grad(objective, argnums=argnums))
    fwd = jax.jit(objective)

    def grad():
        value, grads = vg(*jargs)
        return (float(value),) + tuple(float(g) if np.ndim(g) == 0 else np.asarray(g) for g in grads)

    return grad, (lambda: jax.block_until_ready(vg(*jargs))), (lambda: jax.block_until_ready(fwd(*jargs)))


def torch_closures(torch, objective, params: list, data: tuple = ()):
    """(grad, value_and_grad, forward) of PyTorch eager autograd: `objective(*params, *data)`
    differentiated w.r.t. `params`. `grad()` returns NumPy arrays (numbers for 0-d tensors)."""

    def value_and_grad():
        loss = objective(*params, *data)
        return (loss,) + torch.autograd.grad(loss, params)

    def grad():
        return tuple(t.item() if t.dim() == 0 else t.numpy() for t in value_and_grad())

    def forward():
        with torch.no_grad():
            return objective(*params, *data)

    return grad, value_and_grad, forward


def code_version() -> str:
    """The adjit commit measured, and whether compiler/, runtime/ or adjit/ had uncommitted edits
    (the working tree is shared: other edits can land while a benchmark runs)."""
    root = os.path.dirname(BENCH_DIR)
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "compiler", "runtime",
                                "adjit"], cwd=root, text=True, capture_output=True).stdout
    except OSError:
        return "adjit at an unknown commit"
    n = len([ln for ln in dirty.splitlines() if ln.strip()])
    return f"adjit at commit `{head}`" + (f" ({n} uncommitted files under compiler/, runtime/, "
                                          "adjit/)" if n else "")


def autograd_impl(autograd, objective, args, argnum: tuple) -> Impl:
    """HIPS autograd's value_and_grad of `objective(autograd.numpy)` w.r.t. `argnum`."""
    f = objective(autograd.numpy)
    vg = autograd.value_and_grad(f, argnum=argnum)

    def grad():
        value, grads = vg(*args)
        return (value,) + tuple(grads)

    return Impl("autograd", grad, lambda: vg(*args), lambda: f(*args))


def check_agreement(impls: list, names: tuple, label: str, rtol: float) -> None:
    """Every implementation's loss and gradients (`names`, in order) must match the first
    implementation's (hand-written NumPy) to rtol; otherwise abort the benchmark."""
    ref = impls[0].grad()
    failures = []
    for impl in impls[1:]:
        for name, a, b in zip(names, impl.grad(), ref):
            err = rel_err(a, b)
            if not err < rtol:
                failures.append(f"{impl.name}: {name} relative error {err:.3g} (limit {rtol:g})")
    if failures:
        sys.exit(f"ABORT: gradients disagree with hand-written NumPy ({label}):\n  " + "\n  ".join(failures))
