"""Tangent's test-function corpus under adjit (issue 12's target: >= 95% exact).

google/tangent's `tests/functions.py` is the corpus its own test-suite differentiates; this script
reads it from a path you give (it is not vendored here: fetch it from the Tangent repository) and
runs the functions that run under plain NumPy (no TensorFlow, no `tangent.*` calls), minus the
ones Tangent's own conftest blacklists, the way Tangent's harness does: parameters named a, b, c
take scalars in [-2, 2], n the integers 1..3, x vectors of 3, 5 and 10 elements; the functions its
reverse-mode tests call by hand (logistic_regression, rnn, bilinear) get those tests' inputs.
Every float argument is differentiated. A function passes when, on every input, adjit's gradient
matches central finite differences (float64, rtol 1e-6) - or adjit raises a located AdjitError
where NumPy itself fails; it fails on a wrong gradient, on a rejection, or on an internal error.

    python benchmarks/tangent_corpus.py --functions /path/to/tangent/tests/functions.py [--out docs/tangent_corpus.md]
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import itertools
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

import adjit
from adjit.compiler.errors import AdjitError, InternalCompilerError

BLACKLIST = {"inlining_contextmanager", "listcomp", "cart2polar", "iterpower_with_nested_def", "fn_multiple_return",
             "insert_grad_of", "_trace_mul", "_nontrace_mul", "active_subscript", "init_array_grad_maybe_active"}
HARNESS = {"a", "b", "c", "n", "x"}
SCALARS = [-2.0, -1.5, -1.0, -0.5, -0.1, 0.1, 0.5, 1.0, 1.5, 2.0]


def numpy_functions(path: Path) -> str:
    """The corpus's module text without TensorFlow and without functions that use tf or tangent."""
    tree = ast.parse(path.read_text())
    keep = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            mod = getattr(node, "module", None) or ""
            if any(n.startswith(("tensorflow", "tangent")) for n in names) or mod.startswith("tangent"):
                continue
            keep.append(node)
        elif isinstance(node, ast.FunctionDef):
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if {"tf", "tangent", "insert_grad_of"} & used or node.decorator_list:
                continue
            keep.append(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            keep.append(node)
    return ast.unparse(ast.Module(body=keep, type_ignores=[])) + "\n"


def load(text: str):
    d = Path(tempfile.mkdtemp(prefix="tangent-corpus-"))
    f = d / "tangent_functions_numpy.py"
    f.write_text(text)
    spec = importlib.util.spec_from_file_location("tangent_functions_numpy", f)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def inputs_for(name: str, params: list, rng) -> list | None:
    if name == "logistic_regression":
        label = np.zeros(5)
        label[1] = 1
        return [(rng.random(3), label, rng.standard_normal((3, 5)), rng.standard_normal(5))]
    if name == "rnn":
        return [(rng.standard_normal((3, 2)), rng.standard_normal((2, 3)))]
    if name == "bilinear":
        return [(rng.standard_normal((1, 3)), rng.standard_normal((1, 3)), rng.standard_normal((3, 3)),
                 rng.standard_normal((3, 3)), rng.standard_normal((1, 3)))]
    if not params or not set(params) <= HARNESS:
        return None
    choices = []
    for p in params:
        if p in "abc":
            choices.append(SCALARS)
        elif p == "n":
            choices.append([1, 2, 3])
        else:
            choices.append([rng.standard_normal(k) for k in (3, 5, 10)])
    return list(itertools.product(*choices))


def fd(fun, args, k, eps=1e-6):
    x = args[k]
    if isinstance(x, np.ndarray):
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            up, dn = [a.copy() if isinstance(a, np.ndarray) else a for a in args], \
                     [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            up[k][i] += eps
            dn[k][i] -= eps
            g[i] = (fun(*up) - fun(*dn)) / (2 * eps)
        return g
    up, dn = list(args), list(args)
    up[k] = x + eps
    dn[k] = x - eps
    return (fun(*up) - fun(*dn)) / (2 * eps)


def _kink(fun, args, k, eps=1e-6) -> bool:
    """Whether the one-sided differences at args disagree in some coordinate of argument k."""
    x = args[k]
    f0 = fun(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    coords = list(np.ndindex(x.shape)) if isinstance(x, np.ndarray) else [None]
    for i in coords:
        vals = []
        for sgn in (1, -1):
            a = [v.copy() if isinstance(v, np.ndarray) else v for v in args]
            if i is None:
                a[k] = a[k] + sgn * eps
            else:
                a[k][i] += sgn * eps
            vals.append(sgn * (fun(*a) - f0) / eps)
        if abs(vals[0] - vals[1]) > 1e-4 * max(1.0, abs(vals[0])):
            return True
    return False


def check(fun, name, params, combos) -> tuple[str, str]:
    floats = [k for k, p in enumerate(params) if p != "n" and name not in ("logistic_regression",)]
    if name == "logistic_regression":
        floats = [2, 3]
    g = adjit.grad(fun, wrt=tuple(floats))
    for args in combos:
        copies = lambda: [a.copy() if isinstance(a, np.ndarray) else a for a in args]  # noqa: E731
        try:
            with np.errstate(all="ignore"):
                value = fun(*copies())
            if not np.all(np.isfinite(value)):
                continue
        except Exception:
            continue  # NumPy itself fails here: not a case
        try:
            got = g(*copies())
        except InternalCompilerError as e:
            return "internal", str(e).splitlines()[0][:160]
        except AdjitError as e:
            return "rejected", str(e).splitlines()[0][:160]
        except Exception as e:
            return "internal", f"{type(e).__name__}: {e}"[:160]
        got = got if isinstance(got, tuple) else (got,)
        for k, gk in zip(floats, got):
            num = fd(fun, copies(), k)
            scale = max(1.0, float(np.max(np.abs(num))))
            if float(np.max(np.abs(np.asarray(gk) - num))) > 1e-6 * scale:
                # a kink or a branch threshold within eps (a == b in `if a > b`): one-sided
                # differences disagree there, and the derivative is not defined; skip such points
                if _kink(fun, copies(), k):
                    continue
                return "wrong", f"d/d{params[k]} at {args}: adjit {gk} vs finite differences {num}"
    return "ok", ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--functions", type=Path, required=True, help="tangent/tests/functions.py")
    ap.add_argument("--out", type=Path, help="write the Markdown report here")
    ns = ap.parse_args(argv)
    mod = load(numpy_functions(ns.functions))
    rng = np.random.default_rng(0)
    rows = []
    for name, fun in list(vars(mod).items()):
        if not callable(fun) or getattr(fun, "__module__", "") != mod.__name__ or name in BLACKLIST:
            continue
        params = list(fun.__code__.co_varnames[:fun.__code__.co_argcount])
        combos = inputs_for(name, params, rng)
        if combos is None:
            continue  # called by Tangent's tests only with structures or as a helper
        try:
            outcome, detail = check(fun, name, params, combos)
        except Exception:
            outcome, detail = "internal", traceback.format_exc().splitlines()[-1][:160]
        rows.append((name, outcome, detail))
        print(f"{outcome:9s} {name} {detail}", flush=True)
    n_ok = sum(1 for r in rows if r[1] == "ok")
    lines = ["# Tangent's test-function corpus", "",
             f"`python benchmarks/tangent_corpus.py --functions tangent/tests/functions.py`: the {len(rows)} "
             "functions of google/tangent's corpus that its harness runs under plain NumPy (see the script's "
             "docstring for the selection and inputs), each differentiated in every float argument on every "
             "input and checked against central finite differences.", "",
             f"**{n_ok} of {len(rows)} pass ({100.0 * n_ok / max(1, len(rows)):.0f}%).**", "",
             "Not counted: Tangent's blacklist (its own known failures), the TensorFlow functions, the ones "
             "that call `tangent.*`, and the ones whose arguments are structures, which Tangent's harness "
             "calls by hand (`dict_saxpy`, `nested_dict`, `unpacking_args_saxpy`, `passthru_*`): "
             "structured arguments are issue 13's work.", "",
             "| function | outcome | detail |", "|---|---|---|"]
    lines += [f"| `{n}` | {o} | {d.replace('|', '/')} |" for n, o, d in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if ns.out:
        ns.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
