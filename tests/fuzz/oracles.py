"""The oracles: run one program through adjit every way it can be run and compare.

For a program and its inputs:

* NumPy runs it first (on copies); an exception or a non-finite value makes it *invalid*.
* adjit builds it (`adjit.value_and_grad(f, wrt=...)`, `.source(*args)`, and the JVP): an
  `AdjitError` with a place in the program is a *located rejection*, anything else
  (InternalCompilerError, an AdjitError without a place, a Python exception) *internal*
  (`error_category`).
* The gradients, each compared with central finite differences of the NumPy function in float64
  (three step sizes plus a one-sided test per coordinate; a coordinate where they disagree sits on
  a kink and is left out; a program with too many such coordinates is *skipped* for this oracle;
  a program that rounds to float32 itself, or whose aliasing depends on the dtype, see `fd_plan`):
  - `readable`: the readable source (`g.source(*args)`) executed as plain NumPy;
  - `lowered`: the lowered source (`g.source(*args, lowered=True)`) executed as plain Python with
    the `numba.njit` decoration replaced by the identity (the runtime helpers it calls are Numba
    functions, callable from Python), which finds lowering and buffer bugs without a Numba compile;
  - `compiled` (compiled mode only): the Numba-compiled entry point that `g(*args)` calls.
* Their values against NumPy's, and each against the readable gradient (`agree:*`).
* Forward mode: for a random direction v, JVP(f)(x; v) must equal v . grad (`jvp:*`; the readable
  and lowered JVP sources, and in compiled mode the compiled JVP).
* The arguments must not be modified by any adjit call (`mutation:*`).

The result is a dict: outcome (ok, wrong, rejected, internal, invalid, skipped), category (the
failing oracles, or the error's kind), detail."""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import os
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

OUTCOMES = ("ok", "wrong", "rejected", "internal", "invalid", "skipped")

# order of precedence when naming a wrong gradient's primary oracle
ORACLE_ORDER = ["value:readable", "fd:readable", "agree:lowered", "fd:lowered", "value:lowered",
                "agree:compiled", "fd:compiled", "value:compiled", "jvp:readable", "jvp:lowered", "jvp:compiled",
                "mutation:readable", "mutation:lowered", "mutation:compiled", "mutation:jvp"]

_JIT_LINE = re.compile(r"^_jit = numba\.njit\(.*\)$", re.M)


def ensure_cache_dir() -> str:
    """A temporary ADJIT_CACHE_DIR for this process (never ~/.cache/adjit)."""
    d = os.environ.get("ADJIT_FUZZ_CACHE_DIR")
    if not d:
        d = tempfile.mkdtemp(prefix="adjit-fuzz-cache-")
        os.environ["ADJIT_FUZZ_CACHE_DIR"] = d
    os.environ["ADJIT_CACHE_DIR"] = d
    return d


# ---------------------------------------------------------------------------------- loading

_loaded: dict = {}


def load_source(source: str, fname: str = "f", fresh: bool = False):
    """The function `fname` of a module holding `source`, written to a real file (adjit reads
    functions' source through inspect). fresh: execute the module again (a program whose globals
    the oracle changes, see check_task, must start from the module as written)."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    if digest in _loaded and not fresh:
        return getattr(_loaded[digest], fname)
    d = Path(ensure_cache_dir()) / "programs"
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"fz_{digest}.py"
    if not path.exists():
        path.write_text(source)
    modname = f"adjit_fuzz_prog_{digest}"
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    _loaded[digest] = mod
    return getattr(mod, fname)


# ---------------------------------------------------------------------------------- inputs

def make_inputs(params: list, dtype: str, seed: int) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for p in params:
        kind = p["kind"]
        if kind == "array":
            out.append(rng.uniform(-1.0, 1.0, tuple(p["shape"])).astype(dtype))
        elif kind == "scalar":
            out.append(np.dtype(dtype).type(rng.uniform(-1.0, 1.0)))
        elif kind == "pyfloat":
            out.append(float(rng.uniform(-1.0, 1.0)))
        else:
            out.append(int(p["value"]))
    return out


def inputs_to_json(args: list) -> list:
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append({"array": a.tolist(), "dtype": a.dtype.name})
        elif isinstance(a, np.generic):
            out.append({"scalar": a.item(), "dtype": a.dtype.name})
        elif isinstance(a, float):
            out.append({"float": a})
        else:
            out.append({"int": int(a)})
    return out


def inputs_from_json(items: list) -> list:
    out = []
    for it in items:
        if "array" in it:
            out.append(np.array(it["array"], dtype=it["dtype"]))
        elif "scalar" in it:
            out.append(np.dtype(it["dtype"]).type(it["scalar"]))
        elif "float" in it:
            out.append(float(it["float"]))
        else:
            out.append(int(it["int"]))
    return out


def copies(args) -> list:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def to64(args) -> list:
    out = []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            out.append(a.astype(np.float64))
        elif isinstance(a, np.floating):
            out.append(np.float64(a))
        else:
            out.append(a)
    return out


def same_args(a, b) -> bool:
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            if not (isinstance(y, np.ndarray) and x.shape == y.shape and x.dtype == y.dtype
                    and np.array_equal(x, y, equal_nan=True)):
                return False
        elif type(x) is not type(y) or not (x == y or (x != x and y != y)):
            return False
    return True


# ---------------------------------------------------------------------------------- NumPy

class Invalid(Exception):
    pass


def run_numpy(fun, args) -> float:
    try:
        # an overflow or a NaN on the way (even when the result comes out finite) makes the
        # derivative meaningless: such programs are invalid
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            v = fun(*copies(args))
    except FloatingPointError as e:
        raise Invalid(f"floating-point error in NumPy: {e}") from None
    except Exception as e:  # NumPy (or Python) rejected the program
        raise Invalid(f"{type(e).__name__}: {e}") from None
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    if not isinstance(v, (float, int, np.floating, np.integer)) or isinstance(v, bool):
        raise Invalid(f"result is {type(v).__name__}, not a scalar")
    if not np.isfinite(v):
        raise Invalid("non-finite result")
    return float(v)


def fd_gradients(fun, args64: list, wrt_idx: list, coarse: bool = False):
    """Central differences in float64 with three step sizes and a one-sided test per coordinate:
    (grads, reliable masks, f0). A coordinate is unreliable when the tests disagree (a kink, a tie
    of a max, a branch threshold nearby, or a function that oscillates on the scale of the step,
    such as cos of a large product, where the 1e-5 and 1e-6 steps can agree by chance while both
    are far from the derivative: the 1e-7 step catches that).

    coarse: the function rounds to float32 on the way (a float32 program's differences taken in
    float32, see `fd_plan`, or a program that casts to np.float32 itself): steps of 1e-3, 1e-2 and
    1e-4 and a float32 noise level, as a step of 1e-6 moves a float32 value by a few ulps only (or
    none) and its quotients are rounding. The inputs keep their dtype; each quotient divides by
    the step the rounded inputs really took."""
    def ev(a):
        # a step can make NumPy raise where the program itself ran (a boolean-mask selection
        # emptied by the step: NumPy's max/min of it raise): that coordinate is unreliable (nan)
        try:
            with np.errstate(all="ignore"):
                return float(fun(*copies(a)))
        except Exception:
            return float("nan")

    f0 = ev(args64)
    noise = (1e-7 if coarse else 1e-9) * max(1.0, abs(f0))
    steps = (1e-3, 1e-2, 1e-4) if coarse else (1e-6, 1e-5, 1e-7)
    grads, masks = [], []
    for k in wrt_idx:
        x = args64[k]
        is_arr = isinstance(x, np.ndarray)
        xdt = x.dtype if isinstance(x, (np.ndarray, np.generic)) else np.dtype(np.float64)
        base = np.array(x, dtype=np.float64).reshape(-1) if is_arr else np.array([float(x)])
        g = np.zeros(base.size)
        ok = np.ones(base.size, bool)
        for i in range(base.size):
            vals = {}
            for h_rel in steps:
                h = h_rel * max(1.0, abs(base[i]))
                for sgn in (1, -1):
                    b = base.copy()
                    b[i] += sgn * h
                    b = b.astype(xdt)  # in float32 the step is rounded: divide by the one taken
                    a = list(args64)
                    a[k] = b.reshape(x.shape) if is_arr else (b[0] if isinstance(x, np.generic) else float(b[0]))
                    vals[(h_rel, sgn)] = (ev(a), abs(float(b[i]) - base[i]))
            s1, s2, s3 = steps
            (up1, u1), (dn1, d1) = vals[(s1, 1)], vals[(s1, -1)]
            (up2, u2), (dn2, d2) = vals[(s2, 1)], vals[(s2, -1)]
            (up3, u3), (dn3, d3) = vals[(s3, 1)], vals[(s3, -1)]
            h1, h3 = (u1 + d1) / 2, (u3 + d3) / 2
            c1 = (up1 - dn1) / (u1 + d1)
            c2 = (up2 - dn2) / (u2 + d2)
            c3 = (up3 - dn3) / (u3 + d3)
            fwd, bwd = (up1 - f0) / u1, (f0 - dn1) / d1
            g[i] = c1
            finite = all(np.isfinite(v) for v in (up1, dn1, up2, dn2, up3, dn3))
            scale = max(1.0, abs(c1))
            if (not finite or abs(c1 - c2) > 1e-5 * scale + 10 * noise / h1
                    or 1e-15 * max(1.0, abs(f0)) / h1 > 1e-3 * scale  # a step below the value's ulps (f0 7e19)
                    or abs(c1 - c3) > 1e-5 * scale + 10 * noise / h3
                    or abs(fwd - bwd) > 1e-3 * scale + 10 * noise / h1):
                ok[i] = False
        grads.append(g.reshape(x.shape) if is_arr else g)
        masks.append(ok.reshape(x.shape) if is_arr else ok)
    return grads, masks, f0


_NARROW = re.compile(r"\b(float16|float32|half|single)\b")
_FLOAT_NAMES = re.compile(r"\b(float16|float32|float64|half|single|double|longdouble|itemsize|nbytes|dtype)\b")  # (.dtype.itemsize: a value that depends on the dtype)


def _program_text(fun) -> str:
    """The source of the module `fun` is defined in (its helpers included); '' if unknown."""
    try:
        return Path(inspect.getsourcefile(fun)).read_text()
    except (OSError, TypeError):
        try:
            return inspect.getsource(fun)
        except (OSError, TypeError):
            return ""


def _same_in_float64(fun, args: list) -> bool:
    """Whether a float32 program computes the same function on its inputs in float64: the same
    argument elements written (np.asarray(x, dtype=np.float32) is x itself for a float32 x and a
    copy for a float64 one; x.astype(np.float64, copy=False) the other way round) and the same
    value to within float32 rounding (1e-3: rounding is rarely above 1e-5, a write through an
    alias that one dtype makes and the other does not is of the order of the values)."""
    a32, a64 = copies(args), [c.copy() if isinstance(c, np.ndarray) else c for c in to64(args)]
    try:
        with np.errstate(all="ignore"):
            v32, v64 = float(fun(*a32)), float(fun(*a64))
    except Exception:
        return True  # NumPy's own verdict on the program comes from run_numpy
    for x, y32, y64 in zip(args, a32, a64):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            if not np.array_equal(y32 != x, y64 != x.astype(np.float64)):
                return False
    return np.isfinite(v32) == np.isfinite(v64) and not abs(v32 - v64) > 1e-3 * max(1.0, abs(v64))


def fd_plan(fun, args: list, dtype: str) -> tuple:
    """(the inputs to take finite differences at, coarse (see fd_gradients), why (or '')).

    The differences are those of the program in float64 at the inputs made float64, which for a
    float32 program is the same function without float32's rounding, except where the program's
    meaning depends on the dtype: a call that returns its argument itself in one dtype and a copy
    in the other, written after, reads another array in float64 (an oracle false alarm of seed
    9203, program 48, and of the brief after it: np.asarray(x, dtype=np.float32) written into).
    Such a program's differences are taken in float32 itself, with coarse steps (their own
    tolerance, `Tol.fd_float32`). A program that names float32 (or float16) rounds there in
    float64 as well: coarse steps, at float32's tolerances (its working precision)."""
    text = _program_text(fun)
    narrow = bool(_NARROW.search(text))
    if dtype == "float32" and _FLOAT_NAMES.search(text) and not _same_in_float64(fun, args):
        return copies(args), True, "float32: the program's aliasing depends on the dtype"
    return to64(args), narrow, "float32 casts in the program" if narrow else ""


def refine_fd(fun, args64: list, wrt_idx: list, grads: list, fd: list, masks: list, limit: float) -> int:
    """Where adjit's gradient and float64 finite differences disagree by more than `limit` (relative
    to the largest difference quotient), recompute those quotients in long double with steps from
    1e-5 down to 1e-14 (relative), stopping where two successive steps agree (within 1e-4): that
    value, with their difference (at least 1e-4 of it) as its uncertainty, replaces the float64
    one, which was not yet converged (a function oscillating on the scale of the step: cos of a
    product of 1e8) or drowned in rounding (a value of 1e10 whose float64 differences at a 1e-6
    step carry an error of about 2: long double's is 2000 times smaller). fd is updated in place; returns the number of coordinates refined. A
    coordinate whose long-double quotients never settle keeps its float64 value, so nothing here
    can hide a wrong gradient."""
    ld = np.longdouble
    if np.finfo(ld).eps >= np.finfo(np.float64).eps:
        return 0
    # a program whose meaning depends on the dtype (x.astype(np.float64, copy=False) or
    # np.array(x, copy=None, dtype=np.float64) share memory in float64 and copy in long double)
    # is not the same function in long double: keep float64's differences
    try:
        with np.errstate(all="ignore"):
            v64 = float(fun(*copies(args64)))
            vld = float(fun(*[np.asarray(v).astype(ld) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
                              for v in copies(args64)]))
    except Exception:
        return 0
    if not abs(v64 - vld) <= 1e-9 * max(1.0, abs(v64)):
        return 0
    scale = max(1.0, float(np.max(np.abs(_flat(fd)), initial=0.0)))
    n = 0
    for j, (k, g, ref, ok) in enumerate(zip(wrt_idx, grads, fd, masks)):
        g = np.asarray(g, dtype=np.float64).reshape(np.shape(ref))
        bad = np.flatnonzero((np.abs(g - ref) > limit * scale).reshape(-1) & np.asarray(ok).reshape(-1))
        for i in bad[:64]:
            est = []
            for h_rel in (1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14):
                vals = []
                for sgn in (1, -1):
                    a = [np.asarray(v).astype(ld) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
                         for v in copies(args64)]
                    x = a[k]
                    if isinstance(x, np.ndarray):
                        h = h_rel * max(1.0, abs(float(x.reshape(-1)[i])))
                        x.reshape(-1)[i] += sgn * ld(h)
                    else:
                        h = h_rel * max(1.0, abs(float(x)))
                        a[k] = ld(x) + sgn * ld(h)
                    try:
                        with np.errstate(all="ignore"):
                            vals.append(ld(fun(*a)))
                    except Exception:
                        vals.append(ld("nan"))
                est.append(float((vals[0] - vals[1]) / (2 * ld(h))))
                if not np.isfinite(est[-1]):
                    break
                spread = abs(est[-1] - est[-2]) if len(est) > 1 else np.inf
                if spread <= 1e-4 * max(1.0, abs(est[-1])):
                    # adjit within the settled value's own uncertainty (at least 1e-4 of it) agrees
                    gi = float(g.reshape(-1)[i])
                    allow = max(spread, 1e-4 * abs(est[-1])) + limit * scale
                    ref.reshape(-1)[i] = gi if abs(gi - est[-1]) <= allow else est[-1]
                    n += 1
                    break
    return n


def noise_floor(grad_fn, args: list, value: float, ref_grads: list, dtype: str, trials: int = 3) -> dict:
    """How much the value, the gradient and a JVP move when every float input moves by 16 ulps:
    rounding (another summation order, a fused loop, BLAS) can move them about as much, so two
    ways of computing them that differ by no more than 10x this are not told apart. Measured with
    the readable gradient (NumPy) in the oracles' own normalizations; 0 where it cannot be."""
    rng = np.random.default_rng(2024)
    eps = float(np.finfo(np.float32 if dtype == "float32" else np.float64).eps)
    gscale = max(1.0, float(np.max(np.abs(_flat(ref_grads)), initial=0.0)))
    gsum = max(1.0, float(np.sum(np.abs(_flat(ref_grads)))))
    out = {"value": 0.0, "agree": 0.0, "jvp": 0.0}
    for _ in range(trials):
        new = []
        for a in args:
            if isinstance(a, np.ndarray) and a.dtype.kind == "f":
                new.append((a * (1 + 16 * eps * rng.uniform(-1, 1, a.shape))).astype(a.dtype))
            elif isinstance(a, (float, np.floating)):
                new.append(type(a)(a * (1 + 16 * eps * rng.uniform(-1, 1))))
            else:
                new.append(copies([a])[0])
        try:
            with np.errstate(all="ignore"):
                res = grad_fn(*new)
            d = _flat(res[1:]) - _flat(ref_grads)
        except Exception:
            return {"value": 0.0, "agree": 0.0, "jvp": 0.0}
        if not np.all(np.isfinite(d)) or not np.isfinite(float(res[0])):
            return {"value": 0.0, "agree": 0.0, "jvp": 0.0}
        out["value"] = max(out["value"], abs(float(res[0]) - value) / max(1.0, abs(value)))
        out["agree"] = max(out["agree"], float(np.max(np.abs(d), initial=0.0)) / gscale)
        out["jvp"] = max(out["jvp"], 2 * float(np.sum(np.abs(d))) / gsum)
    return out


# ---------------------------------------------------------------------------------- categories

def normalize(msg: str) -> str:
    """An error message without the names and numbers that differ from program to program."""
    first = msg.strip().splitlines()[0] if msg.strip() else ""
    first = re.sub(r"^.*?:\d+:\d+: error: ", "", first)
    first = first.replace("internal compiler error (a bug in adjit, please report it): ", "ICE: ")
    first = re.sub(r"[\w./-]+\.py\b", "<file>", first)
    first = re.sub(r"'[^']*'", "'_'", first)
    first = re.sub(r"\b(_?[a-z]+_?\d+|_[a-z]+\d*)\b", "_", first)
    first = re.sub(r"\(\d+(, \d+)*,?\)", "(shape)", first)
    first = re.sub(r"\d+", "N", first)
    return first[:140]


def error_category(stage: str, e: BaseException) -> tuple:
    """(outcome, category) for an exception raised at `stage`.

    A refusal is an AdjitError (not an InternalCompilerError) with a place in the program (e.loc),
    raised while adjit builds the gradient (`build`) or the forward-mode JVP (`jvp-build`: forward
    mode refuses a line reverse mode drops as dead, e.g. a derivative adjit has no rule for in a
    result never used, seed 9203, programs 50 and 185: a gap, not a wrong value; its category
    says jvp-build). An AdjitError without a place, or one raised while a built gradient runs, or
    any other exception, is internal."""
    from adjit.compiler.errors import AdjitError, InternalCompilerError

    if isinstance(e, AdjitError) and not isinstance(e, InternalCompilerError) and stage in ("build", "jvp-build"):
        msg = normalize(getattr(e, 'message', str(e)))
        if getattr(e, "loc", None) is None:
            return "internal", f"{stage}: unlocated {type(e).__name__}: {msg}"
        return "rejected", f"{'jvp-build: ' if stage == 'jvp-build' else ''}{type(e).__name__}: {msg}"
    return "internal", f"{stage}: {type(e).__name__}: {normalize(str(e))}"


# ---------------------------------------------------------------------------------- comparing

def _flat(vals) -> np.ndarray:
    parts = [np.asarray(v, dtype=np.float64).reshape(-1) for v in vals]
    return np.concatenate(parts) if parts else np.zeros(0)


def max_err(a_list, b_list, masks=None) -> float:
    """max |a - b| over the (reliable) entries; inf on a shape mismatch."""
    worst = 0.0
    for i, (a, b) in enumerate(zip(a_list, b_list)):
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if a.size != b.size or (a.ndim and b.ndim and a.shape != b.shape):
            return float("inf")
        d = np.abs(a.reshape(-1) - b.reshape(-1))
        if masks is not None:
            d = d[np.asarray(masks[i]).reshape(-1)]
        if d.size:
            m = float(np.max(d)) if np.all(np.isfinite(d)) else float("inf")
            worst = max(worst, m)
    return worst


class Tol:
    def __init__(self, dtype: str):
        f32 = dtype == "float32"
        self.fd = 2e-3 if f32 else 1e-5  # adjit against float64 finite differences
        self.fd_float32 = 5e-3  # against finite differences taken in float32 (fd_plan)
        self.agree = 1e-4 if f32 else 1e-8  # adjit against adjit
        self.value = 1e-4 if f32 else 1e-9  # adjit's value against NumPy's
        self.jvp = 1e-3 if f32 else 1e-8


# ---------------------------------------------------------------------------------- running

def exec_module(text: str, lowered: bool) -> dict:
    if lowered:
        text, n = _JIT_LINE.subn("_jit = lambda fn: fn", text)
        if n != 1:
            raise RuntimeError("harness: no `_jit = numba.njit(...)` line in the lowered module")
    ns: dict = {"__name__": "adjit_fuzz_exec"}
    exec(compile(text, "<adjit lowered>" if lowered else "<adjit readable>", "exec"), ns)
    return ns


WS = lambda: (np.empty(0, np.uint8), np.zeros(2, np.int64))  # noqa: E731


def ws_for(fn) -> tuple:
    """The workspace arguments a lowered function takes: two (`_ws`, `_wst`) or none."""
    code = fn.__code__
    return WS() if code.co_varnames[:code.co_argcount][-2:] == ("_ws", "_wst") else ()


def with_host(c, args) -> tuple:
    """The arguments a generated module's entry takes: `args`, and where NumPy runs lines before
    the compiled code (compiler/frontend/host.py), the values those lines bind (`host_<name>`),
    computed from `args` as `g(*args)` computes them."""
    if getattr(c, "host", None) is None:
        return tuple(args)
    return tuple(c._bind(tuple(args), {}))


def check(fun, args: list, wrt: list, dtype: str, mode: str = "fast", fd_retry=None, jvp: bool = True,
          keep: dict | None = None) -> dict:
    """Run every oracle on `fun` at `args` (see the module docstring). `fd_retry(attempt)` gives
    new inputs (same shapes) when finite differences are unreliable at these. keep: a dict that
    holds the adjit objects built (value_and_grad and the JVP's CompiledFunction) and hands them
    to the next call, so that a second check after a global changed asks the same objects."""
    import adjit
    from adjit.compiler.jit import CompiledFunction

    t0 = time.perf_counter()
    res = {"outcome": None, "category": "", "detail": "", "failing": [], "mode": mode}

    def done(outcome, category="", detail=""):
        if len(detail) > 4000:  # a traceback: its start (where in the harness) and its end (the error)
            detail = detail[:1000] + "\n[...]\n" + detail[-3000:]
        res.update(outcome=outcome, category=category, detail=detail, seconds=time.perf_counter() - t0,
                   inputs=inputs_to_json(args))
        return res

    names = list(fun.__code__.co_varnames[:fun.__code__.co_argcount])
    wrt_idx = [names.index(w) for w in wrt]
    fname = fun.__name__
    tol = Tol(dtype)

    # 1. NumPy decides validity
    try:
        value = run_numpy(fun, args)
        run_numpy(fun, to64(args))
    except Invalid as e:
        return done("invalid", str(e)[:100])

    # 2. adjit builds it
    stage = "build"
    try:
        vg = keep["vg"] if keep and "vg" in keep else adjit.value_and_grad(fun, wrt=tuple(wrt))
        if keep is not None:
            keep["vg"] = vg
        readable = vg.source(*args)
        lowered = vg.source(*args, lowered=True)
    except Exception as e:
        out, cat = error_category(stage, e)
        return done(out, cat, traceback.format_exc())

    # 3. finite differences (new inputs when too many coordinates sit on kinks)
    attempt = 0
    while True:
        fd_args, coarse, fd_why = fd_plan(fun, args, dtype)
        fd, masks, _ = fd_gradients(fun, fd_args, wrt_idx, coarse)
        total = sum(np.asarray(m).size for m in masks)
        good = sum(int(np.sum(m)) for m in masks)
        if good >= max(1, total // 2) or fd_retry is None or attempt >= 2:
            break
        attempt += 1
        new = fd_retry(attempt)
        try:
            value = run_numpy(fun, new)
            run_numpy(fun, to64(new))
        except Invalid:
            continue
        args = new
    fd_ok = good >= max(1, total // 2)
    res["fd_reliable"] = f"{good}/{total}"
    if coarse:  # the program computes in float32 somewhere: that is its precision (fd_plan)
        tol = Tol("float32")
        if fd_why.startswith("float32:"):
            tol.fd = tol.fd_float32  # differences taken in float32 itself
        res["fd_plan"] = fd_why

    saved = copies(args)
    failing = []
    errors = {}

    def note(name, err, limit):
        if not err <= limit:
            failing.append(name)
            errors[name] = err

    scale_fd = max(1.0, float(np.max(np.abs(_flat(fd)), initial=0.0)))

    def grad_oracles(tag, out):
        """out = (value, *grads) from one way of running adjit's gradient."""
        val, grads = out[0], list(out[1:])
        note(f"value:{tag}", abs(float(val) - value) / max(1.0, abs(value)), tol.value)
        if tag != "readable":
            note(f"agree:{tag}", max_err(grads, ref_grads) / max(1.0, float(np.max(np.abs(_flat(ref_grads)), initial=0))),
                 tol.agree)
        if fd_ok:
            err = max_err(grads, fd, masks) / scale_fd
            if not err <= tol.fd and not coarse:  # float64 differences not converged? refine them in long double
                refined = refine_fd(fun, to64(args), wrt_idx, grads, fd, masks, tol.fd)
                if refined:
                    res["fd_refined"] = res.get("fd_refined", 0) + refined
                    err = max_err(grads, fd, masks) / scale_fd
            note(f"fd:{tag}", err, tol.fd)
        if not same_args(args, saved):
            failing.append(f"mutation:{tag}")

    # 4. readable source as NumPy
    stage = "readable"
    try:
        ns = exec_module(readable, False)
        hv = lambda a: with_host(vg._compiled, a)  # noqa: E731
        ref = ns[fname + "_grad"](*hv(args))
        ref_grads = list(ref[1:])
        grad_oracles("readable", ref)
        stage = "lowered"
        ns_low = exec_module(lowered, True)
        low_fn = ns_low[fname + "_grad"]
        grad_oracles("lowered", low_fn(*hv(args), *ws_for(low_fn)))
        if mode == "compiled":
            stage = "compiled"
            out = vg(*args)
            grad_oracles("compiled", (out[0],) + (tuple(out[1]) if isinstance(out[1], tuple) else (out[1],)))
    except Exception as e:
        out, cat = error_category(stage, e)
        return done(out, cat, traceback.format_exc())

    # 5. forward mode against v . grad
    if jvp:
        rng = np.random.default_rng(12345)
        tangents = []
        vdotg = 0.0
        vscale = 0.0
        for k, g, m in zip(wrt_idx, ref_grads, masks):
            a = args[k]
            if isinstance(a, np.ndarray):
                v = rng.uniform(-1, 1, a.shape) * m
                tangents.append(v.astype(a.dtype))
            else:
                v = float(rng.uniform(-1, 1)) * float(np.asarray(m).reshape(-1)[0])
                tangents.append(type(a)(v) if isinstance(a, np.generic) else v)
            vdotg += float(np.sum(np.asarray(tangents[-1], np.float64) * np.asarray(g, np.float64)))
            vscale += float(np.sum(np.abs(np.asarray(tangents[-1], np.float64) * np.asarray(g, np.float64))))
        stage = "jvp-build"
        try:
            cj = keep["cj"] if keep and "cj" in keep else CompiledFunction(fun, tuple(wrt), mode="jvp")
            if keep is not None:
                keep["cj"] = cj
            jread = cj.source(*args)
            jlow = cj.source(*args, lowered=True)
            for tag, text, low in (("readable", jread, False), ("lowered", jlow, True)):
                stage = f"jvp-{tag}"
                ns = exec_module(text, low)
                fn_jvp = ns[fname + "_jvp"]
                out = fn_jvp(*with_host(cj, args), *tangents, *(ws_for(fn_jvp) if low else ()))
                note(f"jvp:{tag}", abs(float(out[1]) - vdotg) / max(1.0, vscale), tol.jvp)
            if mode == "compiled":
                stage = "jvp-compiled"
                out = cj._spec_for(with_host(cj, args)).entry(*with_host(cj, args), *tangents)
                note("jvp:compiled", abs(float(out[1]) - vdotg) / max(1.0, vscale), tol.jvp)
            if not same_args(args, saved):
                failing.append("mutation:jvp")
        except Exception as e:
            out_, cat = error_category(stage, e)
            return done(out_, cat, traceback.format_exc())

    rounding = [n for n in failing if n.split(":")[0] in ("value", "agree", "jvp")]
    if any(n.startswith("fd:") for n in failing):
        # a gradient that moves by a percent or more when the inputs move by 16 ulps (sin of
        # x - W with W near 1e31: a period of 1e-31 in x) has no finite-difference check: the
        # exact derivative adjit computes and what any step can see are unrelated
        floor = noise_floor(_hosted(exec_module(readable, False)[fname + "_grad"], vg), args, float(ref[0]), ref_grads, dtype)
        res["noise_floor"] = floor
        if floor["agree"] >= 1e-2:
            failing[:] = [n for n in failing if not n.startswith("fd:")]
            for n in list(errors):
                if n.startswith("fd:"):
                    del errors[n]
            fd_ok = False
            res["ill_conditioned"] = True
    if rounding:
        # adjit against adjit (or NumPy) differ only in rounding (summation order, fused loops, BLAS)
        # unless the difference is well above what rounding-sized changes of the inputs do here
        floor = noise_floor(_hosted(exec_module(readable, False)[fname + "_grad"], vg), args, float(ref[0]), ref_grads, dtype)
        res["noise_floor"] = floor
        for n in rounding:
            kind = n.split(":")[0]
            if errors[n] <= 10 * floor[kind] or floor[kind] >= 1e-2:
                # within rounding, or a program whose result moves by a percent or more when its
                # inputs move by 16 ulps: two correct evaluations need not agree to any digit
                failing.remove(n)
                del errors[n]
                if floor[kind] >= 1e-2:
                    res["ill_conditioned"] = True
    if failing:
        failing.sort(key=lambda n: ORACLE_ORDER.index(n) if n in ORACLE_ORDER else 99)
        res["failing"] = failing
        res["errors"] = errors
        return done("wrong", failing[0], ", ".join(f"{k}={errors.get(k, 'x'):.3g}" if k in errors else k for k in failing))
    if res.get("ill_conditioned"):
        return done("skipped", "ill-conditioned: the gradient moves 1% or more when the inputs move 16 ulps")
    if not fd_ok:
        return done("skipped", "finite differences unstable")
    return done("ok")


def _hosted(fn, vg):
    """`fn` (a generated entry) called with the plain arguments, host values added (see with_host)."""
    return lambda *a: fn(*with_host(vg._compiled, a))


def check_twice(fun, args, wrt, dtype, mode, mutate: str, fd_retry=None, jvp: bool = True) -> dict:
    """`check`, then (when the first passes) `mutate` run in the program's module (a global array
    rebound or written into, a number, dict, list or class attribute changed) and `check` again
    with the same adjit objects: they must follow the change as Python does (the second NumPy run
    is the reference), never return what the first call compiled in. A failure of the second
    check is reported with the category prefixed '2nd call: '."""
    keep: dict = {}
    res = check(fun, args, wrt, dtype, mode, fd_retry, jvp, keep)
    if not mutate or res["outcome"] not in ("ok", "skipped"):
        return res
    args = inputs_from_json(res["inputs"])  # the inputs the first check settled on
    exec(compile(mutate, "<mutate>", "exec"), fun.__globals__)
    res2 = check(fun, args, wrt, dtype, mode, None, jvp, keep)
    if res2["outcome"] in ("ok", "skipped"):
        if res["outcome"] == "ok":
            res2.update(outcome="ok", category="")
        return res2
    res2["category"] = "2nd call: " + res2["category"]
    if res2["outcome"] == "wrong":
        res2["failing"] = ["2nd call: " + n for n in res2.get("failing", [])]
        res2["errors"] = {"2nd call: " + k: v for k, v in res2.get("errors", {}).items()}
    return res2


def check_task(task: dict) -> dict:
    """Run a task (a program as the runner sends it) through `check` (`check_twice` for a program
    with a `mutate` snippet)."""
    ensure_cache_dir()
    mutate = task.get("mutate") or ""
    fun = load_source(task["source"], task.get("fname", "f"), fresh=bool(mutate))
    if "inputs" in task:
        args = inputs_from_json(task["inputs"])
        retry = None
    else:
        seed = task.get("input_seed", 0)
        args = make_inputs(task["params"], task["dtype"], seed)
        retry = lambda k: make_inputs(task["params"], task["dtype"], seed + 1000 * k)  # noqa: E731
    return check_twice(fun, args, task["wrt"], task["dtype"], task.get("mode", "fast"), mutate, retry,
                       task.get("jvp", True))
