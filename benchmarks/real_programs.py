"""Real programs, written the natural way, under adjit and under HIPS autograd (issue 12's target).

The corpus is `benchmarks/real_programs/`: plain-NumPy scalar objectives as a scientist writes them
without knowing adjit (GMM and bundle adjustment as ADBench writes them, embeddings, matrix
factorization, GP likelihoods, attention with a causal mask, n-body energy, ELBOs, t-SNE, Sinkhorn,
integrators, finance, ...). Each program runs in a fresh subprocess with a timeout, once per tool:

- adjit: `adjit.grad(f, wrt=...)` compiled and called, the gradient checked against central finite
  differences in float64. Classes: pass; wrong (a gradient off by more than the tolerance, or not
  finite); rejected (an AdjitError: its first line and the source line it points at are recorded);
  internal (an InternalCompilerError, or any exception that is not an AdjitError); crash (the
  process died); timeout.
- autograd: the same module source executed with `numpy` bound to `autograd.numpy` and `scipy.X`
  to `autograd.scipy.X` where autograd has the name (else SciPy's own function stays), then
  `autograd.grad` of the same function; pass, wrong, error, crash or timeout. It runs under the
  Python given by `--autograd-python` (default: /tmp/agenv/bin/python when it exists, else this one).

The check: for each differentiated argument, max |g - fd| <= rtol * scale, with rtol 1e-6 and scale
the larger of max |fd| over that argument and 1e-3 times max |fd| over all arguments. fd is central
differences with h = 1e-6 (1 + |x|); where that disagrees, a fourth-order stencil with h = 1e-3, h = 1e-4
and h = 1e-5 (1 + |x|) is tried, and the closest estimate counts (kinks and rounding differ per step; the
smallest fourth-order step is for stiff phases and peaks, where central differences at 1e-6 are off by
1e-5 and the larger fourth-order steps by more).

The held-out sets are not in the default run: `real_programs/heldout.py` (written after adjit passed
the five main modules) runs alone with `--modules heldout`; `real_programs/heldout2.py` (thirty more,
in other domains, written without reading adjit's docs or source) with `--modules heldout2`;
`real_programs/heldout3.py` (thirty more, again in new domains and written the same way) with
`--modules heldout3`; `real_programs/heldout4.py` (thirty more, the same way) with `--modules heldout4`;
`real_programs/heldout5.py` (thirty more, the same way, in deliberately varied styles: classes, config dicts,
while loops, list accumulation, einsum, complex phasors, np.fft) with `--modules heldout5`;
`real_programs/heldout6.py` (thirty more, the same way: dataclasses and NamedTuples, dict parameters, while
loops with tolerances, lstsq/eigh/det, scipy.special and scipy.stats, complex transfer matrices) with
`--modules heldout6`;
`real_programs/heldout7.py` (twenty more, the same way: classes with __call__ and properties, loop-else,
matrix_power/expm/qr/pinv, np.unique and np.digitize on data, Lambert W, fft2) with `--modules heldout7`;
`real_programs/heldout8.py` (twenty-five more, the same way: Newton and fixed-point solvers with tolerances,
Furness balancing, blade-element iterations, scipy.special.exp1/comb, np.convolve, np.gradient, np.interp
on parameters, argsort on computed values, complex impedance recursions) with `--modules heldout8`;
`real_programs/heldout9.py` (twenty-five more, the same way: Newton, secant, Gauss-Newton and power
iterations, scipy.optimize.brentq, a Lyapunov equation, Bessel functions, Gauss-Hermite quadrature,
np.add.reduceat, dataclasses and NamedTuples) with `--modules heldout9`;
`real_programs/heldout10.py` (twenty-five more, the same way: dosing event tables, counting-process risk sets,
SCF with a generalized eigenproblem, secant shooting, solve_banded, np.polyfit on a masked decay curve,
np.add.at, -inf written into a masked logit matrix, Vincenty's iteration) with `--modules heldout10`;
`real_programs/heldout11.py` (twenty-five more, the same way: np.maximum.at segment softmax over an edge list,
np.bincount with weights of a differentiated argument, mixed fancy/slice indexing, a Laplace-approximation
Newton loop with cho_solve, secant and Newton solvers, np.linalg.solve in a time loop, scipy.stats.binom,
np.fft pulse propagation, a soft Needleman-Wunsch DP) with `--modules heldout11`;
`real_programs/heldout12.py` (twenty-five more, the same way: np.ix_ and np.setdiff1d on index data, rank
scatters from argsort, -inf logits under np.where, an active-set while loop, an adaptive Dormand-Prince step
controller, solve_triangular, svd and det, np.pad, np.tile, np.diff with prepend) with `--modules heldout12`;
`real_programs/heldout13.py` (twenty-five more, the same way: patchify by reshape/transpose, einsum attention,
np.nonzero edge lists with np.add.at, sliding_window_view convolutions and reshape max-pooling, np.roll stencils,
numpy.polynomial.hermite_e, cho_factor/cho_solve, eigvals of a constant matrix, take_along_axis, list histories
with pop(0), ragged lists of sentences, in-place slice updates of field arrays) with `--modules heldout13`;
`real_programs/heldout14.py` (twenty-five more, the same way: Stan-style transforms with log-Jacobians, lists of
per-link dicts, int(delay) of a differentiated delay indexing a delay line, incidence matrices from edge lists, ragged
index groups, an int lineage counter, LU-parameterized 1x1 convolutions, hand-propagated PINN derivatives, norm.ppf of a
differentiated probability, complex structure factors, a joint tree filled through [None] * n) with `--modules heldout14`;
`real_programs/heldout15.py` (twenty-five more, the same way: try/except around np.linalg.cholesky, a loop that breaks at
impact, np.linalg.eig of a covariance, lists of (kind, params) tuples, a terms dict filled under ifs, iter/next over
np.array_split batches, pop(0) of a list of (time, dose) tuples in a while loop, np.ix_ assembly with +=, np.add.at
message passing, a conditional expression of a number or an array) with `--modules heldout15`;
`real_programs/heldout16.py` (twenty-five more, the same way: np.add.at FEM assembly under a Newton while loop, implicit
Euler with inner Newton solves, np.repeat person-period tables, np.argmin/np.nonzero look-ahead, country-name index dicts,
ragged DNA strings, a complex Hermitian eigvalsh, padding masks in einsum attention, segment sums over batched graphs;
`python benchmarks/real_programs/heldout16.py` checks its jacobian, hvp, has_aux, dict and dataclass uses) with
`--modules heldout16`;
`real_programs/heldout17.py` (twenty more, the same way: dosing events in an Euler loop, a Kalman filter skipping NaN
readings, a superbee limiter by np.minimum/np.maximum, np.kron coregionalization, a batched complex eigvalsh, np.triu_indices
with a cutoff mask, ALiBi causal attention, np.bincount and np.add.at group sums, np.interp of warped times, an ISTA while
loop with an early exit, np.cov, beam assembly by slices, np.log1p/np.expm1, np.arctan2 and np.angle wrapping, np.convolve,
np.apply_along_axis, flux-form slice updates, logsumexp with b=, np.einsum chains, a dict of layers by f-string keys;
`python benchmarks/real_programs/heldout17.py` checks its jacobian, hvp, has_aux and dict uses) with `--modules heldout17`;
`real_programs/heldout18.py` (twenty more, the same way: a convective-adjustment while loop mixing down to an np.argmax level,
a budburst date from the first crossing of a cumsum, a frame element class with np.ix_ assembly over free dofs, an if on a
differentiated threshold inside enumerate, np.diff of padded norm.cdf, np.cross/arctan2 dihedrals with np.subtract.outer
pairs, np.argsort of differentiated fares, a broadcast np.clip against np.inf, a batched np.linalg.eigh, an underdetermined
lstsq, np.searchsorted layer lookups, a wrapped phase by %, an OAS Newton while loop, scipy.special.i0e/i1e over a list of
dicts, rainflow counting with a list stack, an RK4 class with a switched feed, np.interp arc length, np.roll pipelines on
float32 demand, SAR small areas with np.add.at, embedding columns with erf GELU; `python benchmarks/real_programs/heldout18.py`
checks its jacobian, hvp, has_aux and dict uses) with `--modules heldout18`;
`real_programs/heldout19.py` (twenty more, the same way: q, k, v by np.split with heads by np.swapaxes/np.moveaxis, a
batch-norm class keeping running statistics in a state dict, SVI smiles by Black-76 norm.cdf, Crank-Nicolson with
solve_banded and early exercise, a quaternion product helper over an IMU history, np.piecewise with lambdas and np.cumprod
survival, a double-np.where Langevin function, value-function iteration in a while loop, a Goertzel recursion, per-site
np.linalg.solve over a dict, np.nanmean over CGM dropouts, Bahdanau attention over ragged sentences, np.flip mixup with
log_softmax, a reversed np.cumsum with np.ediff1d, np.select regimes in a fixed point, np.linalg.multi_dot Riccati
iterations, depth-sorted splats by np.argsort and np.cumprod, complex np.correlate, np.maximum.accumulate drawdowns,
np.logaddexp.accumulate over ragged races; `python benchmarks/real_programs/heldout19.py` checks its jacobian, hvp,
has_aux and dict uses) with `--modules heldout19`;
`real_programs/heldout20.py` (twenty more, the same way: a thermostat bool flipped by if/elif in a building class, in-place
flux arrays of a spherical battery model, RK4 on a complex Lindblad density matrix, cho_factor/solve_triangular expected
improvement, an einsum MDP solved for values and occupancy, np.fill_diagonal kernels (LOO KDE, t-SNE with a bisection
on perplexity), a secant CDS bootstrap over a closure appending to a list, Counter-dict trigram weights, an IPFP
while True loop, Jaakkola-Jordan VB, Meta-SGD over task dicts, a hypernetwork splitting at np.cumsum offsets,
np.corrcoef soft ranks, EOS-80 with np.gradient on a coordinate array, a vectorised golden-section while loop, Fourier
interpolated ultrasound delays, np.polymul/np.polyval loop shaping, TOPMODEL boolean-mask writes and comb/allpass
reverb classes; `python benchmarks/real_programs/heldout20.py` checks its jacobian, hvp, has_aux and dict uses) with
`--modules heldout20`;
`--modules all` runs everything.

    python benchmarks/real_programs.py [--modules ml,stats,...|heldout|heldout2|...|heldout20|all] [--only NAME[,NAME]] [--jobs 1] [--timeout 300]
        [--out docs/real_programs.md] [--json docs/real_programs.json] [--no-autograd]
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "real_programs"
if str(CORPUS) not in sys.path:  # heldout16..20's TRANSFORMS import their shared `checks` module by name
    sys.path.insert(0, str(CORPUS))
MODULES = ("ml", "stats", "physics", "finance", "misc")  # the main corpus (the default run)
HELDOUT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
           "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13",
           "heldout14", "heldout15", "heldout16", "heldout17", "heldout18",
           "heldout19", "heldout20")  # held out from MODULES: run alone with --modules heldout (2, ..., 20)
ALL_MODULES = MODULES + HELDOUT
MARK = "@@REAL_PROGRAMS_RESULT@@"
RTOL = 1e-6
SEED = 12


# ------------------------------------------------------------------------------------ loading
def load_module(name: str):
    spec = importlib.util.spec_from_file_location(f"real_programs_corpus_{name}", CORPUS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def all_programs(modules=MODULES):
    """[(module name, entry)] in corpus order."""
    out = []
    for m in modules:
        for entry in load_module(m).PROGRAMS:
            out.append((m, entry))
    return out


class _AutogradImports(ast.NodeTransformer):
    """numpy -> autograd.numpy; scipy.special/stats names -> autograd's where it has them."""

    def visit_Import(self, node):
        out = []
        for a in node.names:
            if a.name == "numpy":
                out.append(ast.Import(names=[ast.alias("autograd.numpy", a.asname or "numpy")]))
            elif a.name.startswith("scipy.") and a.asname:
                out.append(_try_import(ast.Import(names=[ast.alias("autograd." + a.name, a.asname)]),
                                       ast.Import(names=[a])))
            else:
                out.append(ast.Import(names=[a]))
        return out

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        if mod == "numpy" or mod.startswith(("numpy.", "scipy")):
            out = []
            for a in node.names:  # one name at a time: a missing one falls back alone
                out.append(_try_import(ast.ImportFrom(module="autograd." + mod, names=[a], level=0),
                                       ast.ImportFrom(module=mod, names=[a], level=0)))
            return out
        return node


def _try_import(first, fallback):
    return ast.Try(body=[first], handlers=[ast.ExceptHandler(type=ast.Name("ImportError", ast.Load()), name=None,
                                                             body=[fallback])], orelse=[], finalbody=[])


def load_module_autograd(name: str):
    path = CORPUS / f"{name}.py"
    tree = _AutogradImports().visit(ast.parse(path.read_text()))
    ast.fix_missing_locations(tree)
    import types
    mod = types.ModuleType(f"real_programs_autograd_{name}")
    mod.__file__ = str(path)
    sys.modules[mod.__name__] = mod
    exec(compile(tree, str(path), "exec"), mod.__dict__)
    return mod


def find(name: str, autograd: bool = False):
    for m in ALL_MODULES:
        mod = load_module_autograd(m) if autograd else load_module(m)
        for entry in mod.PROGRAMS:
            if entry["name"] == name:
                return m, entry
    raise KeyError(name)


def make_args(entry, np):
    """Positional arguments (defaults left to the function) and the wrt positions."""
    rng = np.random.default_rng(SEED)
    values = entry["inputs"](rng)
    params = list(inspect.signature(entry["f"]).parameters)
    unknown = set(values) - set(params)
    if unknown:
        raise ValueError(f"make_inputs gives arguments the function does not take: {sorted(unknown)}")
    n = max(params.index(k) for k in values) + 1
    args = [values[p] for p in params[:n]]
    wrt = [params.index(w) for w in entry["wrt"]]
    return args, wrt


# --------------------------------------------------------------------------- finite differences
def _with(args, k, value):
    out = list(args)
    out[k] = value
    return out


def fd_gradients(f, args, wrt, np, step, order):
    grads = []
    for k in wrt:
        x0 = args[k]
        if isinstance(x0, np.ndarray):
            x = x0.astype(np.float64).copy()
            g = np.zeros_like(x)
            flat, gflat = x.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                v = flat[i]
                h = step * (1.0 + abs(v))
                vals = {}
                for s in ((-2, -1, 1, 2) if order == 4 else (-1, 1)):
                    flat[i] = v + s * h
                    vals[s] = float(f(*_with(args, k, x.copy())))
                flat[i] = v
                gflat[i] = ((vals[-2] - 8 * vals[-1] + 8 * vals[1] - vals[2]) / (12 * h) if order == 4
                            else (vals[1] - vals[-1]) / (2 * h))
            grads.append(g)
        else:
            v = float(x0)
            h = step * (1.0 + abs(v))
            if order == 4:
                fs = [float(f(*_with(args, k, v + s * h))) for s in (-2, -1, 1, 2)]
                grads.append((fs[0] - 8 * fs[1] + 8 * fs[2] - fs[3]) / (12 * h))
            else:
                grads.append((float(f(*_with(args, k, v + h))) - float(f(*_with(args, k, v - h)))) / (2 * h))
    return grads


def compare(grads, fd, np):
    """(worst error relative to its scale, index of the argument where it is)."""
    fd = [np.asarray(g, dtype=np.float64) for g in fd]
    overall = max([float(np.max(np.abs(g))) if g.size else 0.0 for g in fd] + [0.0])
    worst, where = 0.0, None
    for j, (g, ref) in enumerate(zip(grads, fd)):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != ref.shape:
            return float("inf"), j
        if not np.all(np.isfinite(g)):
            return float("inf"), j
        scale = max(float(np.max(np.abs(ref))) if ref.size else 0.0, 1e-3 * overall, 1e-300)
        err = float(np.max(np.abs(g - ref))) / scale if g.size else 0.0
        if err > worst:
            worst, where = err, j
    return worst, where


def check(f, args, wrt, grads, np):
    """The smallest error over the finite-difference estimates tried (see the module docstring)."""
    best = (float("inf"), None)
    for step, order in ((1e-6, 2), (1e-3, 4), (1e-4, 4), (1e-5, 4)):
        fd = fd_gradients(f, args, wrt, np, step, order)
        err = compare(grads, fd, np)
        if err[0] < best[0]:
            best = err
        if best[0] <= RTOL:
            break
    return best


# ------------------------------------------------------------------------------------- workers
def first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"


def construct_of(e) -> str:
    """The source line an AdjitError points at (its located construct), when it has one."""
    loc = getattr(e, "loc", None)
    if loc is not None and getattr(loc, "text", ""):
        return f"{Path(loc.filename).name}:{loc.line}: {loc.text.strip()}"
    return ""


def worker_adjit(name: str) -> dict:
    import numpy as np
    import adjit
    from adjit import AdjitError, InternalCompilerError

    _, entry = find(name)
    f = entry["f"]
    args, wrt = make_args(entry, np)
    f(*args)  # the program runs under NumPy
    t0 = time.perf_counter()
    try:
        g = adjit.grad(f, wrt=tuple(entry["wrt"]))
        grads = g(*args)
    except InternalCompilerError as e:
        return dict(result="internal", error=first_line(e), construct="", trace=traceback.format_exc()[-3000:])
    except AdjitError as e:
        msg = (getattr(e, "message", "") or str(e)).strip().splitlines()
        return dict(result="rejected", error=f"{type(e).__name__}: {msg[0] if msg else ''}",
                    construct=construct_of(e), message=str(e)[:2000])
    except Exception as e:  # noqa: BLE001 - anything else is adjit's bug
        return dict(result="internal", error=first_line(e), construct="", trace=traceback.format_exc()[-3000:])
    seconds = time.perf_counter() - t0
    if not isinstance(grads, tuple):
        grads = (grads,)
    err, where = check(f, args, wrt, grads, np)
    res = "pass" if err <= RTOL else "wrong"
    out = dict(result=res, rel_error=err, seconds=round(seconds, 2))
    if res == "wrong":
        out["argument"] = entry["wrt"][where] if where is not None else None
    return out


def worker_autograd(name: str) -> dict:
    import numpy as onp
    try:
        import autograd
    except ImportError as e:
        return dict(result="unavailable", error=first_line(e))
    _, entry_np = find(name)
    args, wrt = make_args(entry_np, onp)  # inputs made by NumPy, the same as adjit's
    try:
        _, entry = find(name, autograd=True)
    except Exception as e:  # noqa: BLE001
        return dict(result="error", error=first_line(e))
    f = entry["f"]

    def packed(ws):
        full = list(args)
        for k, w in zip(wrt, ws):
            full[k] = w
        return f(*full)

    t0 = time.perf_counter()
    try:
        grads = autograd.grad(packed)(tuple(args[k] for k in wrt))
    except Exception as e:  # noqa: BLE001
        return dict(result="error", error=first_line(e))
    seconds = time.perf_counter() - t0
    err, where = check(entry_np["f"], args, wrt, list(grads), onp)
    res = "pass" if err <= RTOL else "wrong"
    out = dict(result=res, rel_error=err, seconds=round(seconds, 2))
    if res == "wrong":
        out["argument"] = entry["wrt"][where] if where is not None else None
    return out


# --------------------------------------------------------------------------------------- driver
def snapshot(rev: str) -> tuple[str, str]:
    """adjit as committed at `rev`, laid out as installed (pyproject's package-dir) in a temporary
    folder: the measurement is of a commit, not of a working tree others may be editing."""
    import io
    import tarfile
    import tempfile
    import tomllib
    root = HERE.parent
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=root, capture_output=True, text=True,
                         check=True).stdout.strip()
    data = subprocess.run(["git", "archive", sha], cwd=root, capture_output=True, check=True).stdout
    src = Path(tempfile.mkdtemp(prefix=f"real-programs-{sha}-"))
    tarfile.open(fileobj=io.BytesIO(data)).extractall(src, filter="data")
    site = src / "site"
    layout = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    for pkg, folder in sorted(layout.items(), key=lambda kv: kv[0].count(".")):
        dest = site.joinpath(*pkg.split("."))
        dest.mkdir(parents=True, exist_ok=True)
        for f in (src / folder).glob("*.py"):
            (dest / f.name).write_bytes(f.read_bytes())
        for f in (src / folder).iterdir():  # data files beside the modules (not subpackages)
            if f.is_file() and f.suffix != ".py":
                (dest / f.name).write_bytes(f.read_bytes())
    return str(site), sha


def run_one(tool: str, name: str, timeout: float, python: str, pythonpath: str | None = None) -> dict:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[v] = "1"
    cmd = [python, str(Path(__file__).resolve()), "--worker", tool, name]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return dict(result="timeout", error=f"no result within {timeout:.0f} s", wall=round(time.perf_counter() - t0, 1))
    wall = round(time.perf_counter() - t0, 1)
    for line in p.stdout.splitlines():
        if line.startswith(MARK):
            out = json.loads(line[len(MARK):])
            out["wall"] = wall
            return out
    tail = (p.stderr or p.stdout).strip().splitlines()
    return dict(result="crash", error=f"exit status {p.returncode}: {tail[-1] if tail else ''}", wall=wall)


def render(results: list, with_autograd: bool, version: str = "the working tree") -> str:
    n = len(results)
    a_pass = sum(r["adjit"]["result"] == "pass" for r in results)
    lines = ["# Real programs, written the natural way", "",
             "<!-- Generated by benchmarks/real_programs.py; do not edit. -->", "",
             f"{n} plain-NumPy objectives from `benchmarks/real_programs/` (issue 12), each differentiated as written "
             "and checked against central finite differences (float64, relative error <= 1e-6; see the runner's "
             "docstring). adjit: `adjit.grad(f, wrt=...)`; autograd: HIPS autograd on the same source with "
             "`numpy` bound to `autograd.numpy`. adjit measured at " + version + ".", ""]
    counts = {}
    for r in results:
        counts[r["adjit"]["result"]] = counts.get(r["adjit"]["result"], 0) + 1
    lines.append(f"**adjit: {a_pass} of {n} pass** (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")")
    if with_autograd:
        g_pass = sum(r["autograd"]["result"] == "pass" for r in results)
        lines.append("")
        lines.append(f"**autograd: {g_pass} of {n} pass**")
    lines += ["", "| program | domain | adjit | autograd | adjit's error (first line) | construct (the line it points at) |",
              "|---|---|---|---|---|---|"]
    for r in results:
        a, g = r["adjit"], r.get("autograd", {})
        err = a.get("error", "")
        if a["result"] == "wrong":
            err = f"relative error {a['rel_error']:.2e} in d/d{a.get('argument')}"
        gcell = g.get("result", "—")
        if gcell not in ("pass", "—"):
            gcell += ": " + (g.get("error", "") or (f"relative error {g.get('rel_error', 0):.1e}"))[:90]
        cells = [r["name"], r["module"], a["result"], gcell, err.replace("|", "\\|"),
                 ("`" + a["construct"].replace("|", "\\|") + "`") if a.get("construct") else ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", nargs=2, metavar=("TOOL", "NAME"), help=argparse.SUPPRESS)
    ap.add_argument("--only", help="comma-separated program names")
    ap.add_argument("--modules", default=",".join(MODULES),
                    help=f"comma-separated corpus modules (default: {','.join(MODULES)}; held out: {','.join(HELDOUT)}; "
                         "'all' for both)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per program and tool")
    ap.add_argument("--no-autograd", action="store_true")
    default_ag = "/tmp/agenv/bin/python" if Path("/tmp/agenv/bin/python").exists() else sys.executable
    ap.add_argument("--autograd-python", default=default_ag)
    ap.add_argument("--rev", default=None,
                    help="measure adjit as committed at this git revision (e.g. HEAD), not the working tree")
    ap.add_argument("--out", default=None, help="Markdown report (e.g. docs/real_programs.md)")
    ap.add_argument("--json", default=None, help="JSON results (e.g. docs/real_programs.json)")
    ns = ap.parse_args(argv)

    if ns.worker:
        tool, name = ns.worker
        try:
            out = worker_adjit(name) if tool == "adjit" else worker_autograd(name)
        except Exception as e:  # noqa: BLE001 - the program itself failed under NumPy
            out = dict(result="program-error", error=first_line(e), trace=traceback.format_exc()[-2000:])
        print(MARK + json.dumps(out), flush=True)
        return 0

    modules = ALL_MODULES if ns.modules == "all" else tuple(m.strip() for m in ns.modules.split(",") if m.strip())
    unknown = [m for m in modules if m not in ALL_MODULES]
    if unknown:
        ap.error(f"unknown module(s) {unknown}; known: {', '.join(ALL_MODULES)}")
    progs = all_programs(modules)
    if ns.only:
        wanted = set(ns.only.split(","))
        progs = [p for p in progs if p[1]["name"] in wanted]
    jobs = [(m, e["name"], tool) for m, e in progs for tool in (("adjit",) if ns.no_autograd else ("adjit", "autograd"))]
    table = {(m, n): dict(name=n, module=m) for m, n, _ in jobs}

    site, version = None, "the working tree"
    if ns.rev:
        site, sha = snapshot(ns.rev)
        version = f"commit {sha}"
    os.environ.setdefault("ADJIT_CACHE_DIR", str(Path(__import__("tempfile").mkdtemp(prefix="real-programs-cache-"))))

    def task(job):
        m, n, tool = job
        if tool == "autograd":
            return job, run_one(tool, n, ns.timeout, ns.autograd_python)
        return job, run_one(tool, n, ns.timeout, sys.executable, site)

    with cf.ThreadPoolExecutor(max_workers=max(1, ns.jobs)) as ex:
        for (m, n, tool), res in ex.map(task, jobs):
            table[(m, n)][tool] = res
            print(f"{n:28s} {tool:8s} {res['result']:9s} {res.get('error', '')[:110]}", file=sys.stderr, flush=True)
    results = list(table.values())
    if modules != MODULES:
        version += f" (modules: {', '.join(modules)})"
    report = render(results, not ns.no_autograd, version)
    print(report)
    if ns.out:
        Path(ns.out).write_text(report)
    if ns.json:
        Path(ns.json).write_text(json.dumps(dict(adjit=version, programs=results), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
