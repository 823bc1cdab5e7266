"""The adjit command line: `python -m adjit show path/to/file.py:function` prints the generated
forward and adjoint source of a function; `--transform jvp|vjp|hvp` the tangent code, the
pullback, or the Hessian-vector product (forward over reverse, what hessian() calls)."""
from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np

from .api import grad
from .compiler.errors import AdjitError

_SPEC = re.compile(r"^\s*(f64|f32|i64|i32|float64|float32|int64|int32|float|int)\s*(?:\[([\d,\s]*)\])?\s*$")
_DTYPES = {"f64": np.float64, "float64": np.float64, "f32": np.float32, "float32": np.float32,
           "i64": np.int64, "int64": np.int64, "i32": np.int32, "int32": np.int32}


def parse_args_spec(spec: str) -> tuple:
    """'f64[128,784], f64[128,1], float' -> example arguments (arrays of those shapes, a float)."""
    items = re.split(r",(?![^\[]*\])", spec)
    rng = np.random.default_rng(0)
    out = []
    for item in items:
        m = _SPEC.match(item)
        if not m:
            raise SystemExit(f"adjit: cannot read argument spec {item.strip()!r} (expected e.g. f64[3,4] or float)")
        kind, dims = m.group(1), m.group(2)
        if kind == "float":
            out.append(0.5)
        elif kind == "int":
            out.append(1)
        else:
            shape = tuple(int(d) for d in dims.split(",") if d.strip()) if dims else ()
            out.append(rng.standard_normal(shape).astype(_DTYPES[kind]) if _DTYPES[kind] in (np.float64, np.float32)
                       else np.ones(shape, _DTYPES[kind]))
    return tuple(out)


def _load(path: str):
    file = Path(path)
    if not file.exists():
        raise SystemExit(f"adjit: no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"_adjit_cli_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(file.parent.resolve()))
    spec.loader.exec_module(module)
    return module


def show(target: str, wrt: list | None, args_spec: str | None, lowered: bool, ir: bool,
         checkpoint=None, parallel: bool = False, transform: str = "grad") -> int:
    if ":" not in target:
        raise SystemExit("adjit: expected path/to/file.py:function")
    path, name = target.rsplit(":", 1)
    module = _load(path)
    obj = getattr(module, name, None)
    if obj is None:
        raise SystemExit(f"adjit: {path} has no function {name!r}")
    fun = getattr(obj, "fun", obj)
    default_wrt = getattr(obj, "wrt", 0)
    if wrt:
        w = [int(x) if x.lstrip("-").isdigit() else x for x in wrt]
        chosen = w[0] if len(w) == 1 else tuple(w)
    else:
        chosen = default_wrt
    if args_spec:
        args = parse_args_spec(args_spec)
    else:
        examples = getattr(module, "ADJIT_EXAMPLES", {})
        make = examples.get(name)
        if make is None:
            raise SystemExit(f"adjit: need example arguments for {name}: pass --args 'f64[3,4], f64[4], float' "
                             f"or define ADJIT_EXAMPLES = {{{name!r}: lambda: (...)}} in {path}")
        args = make() if callable(make) else make
    compiled = getattr(obj, "_compiled", None)  # a decorated function keeps its own options
    checkpoint = checkpoint if checkpoint is not None else getattr(compiled, "checkpoint", None)
    parallel = parallel or getattr(compiled, "parallel", False)
    if transform != "grad":
        from .compiler.jit import CompiledFunction

        mode = {"jvp": "jvp", "vjp": "vjp", "hvp": "grad_jvp"}[transform]
        g = CompiledFunction(fun, chosen, mode, wrt_fwd=chosen if mode == "grad_jvp" else None)
    else:
        g = grad(fun, wrt=chosen, checkpoint=checkpoint, parallel=parallel)
    if ir:
        print(g.ir(*args))
        print()
    print(g.source(*args, lowered=lowered), end="")
    return 0


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adjit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("show", help="print the generated forward and adjoint source of a function")
    s.add_argument("target", help="path/to/file.py:function")
    s.add_argument("--wrt", nargs="+", help="argument names or positions to differentiate with respect to")
    s.add_argument("--args", dest="args_spec", help="example argument types, e.g. 'f64[128,784], f64[128,1], float'")
    s.add_argument("--lowered", action="store_true", help="show the module exactly as Numba compiles it")
    s.add_argument("--ir", action="store_true", help="also print the typed IR")
    s.add_argument("--checkpoint", help="'sqrt' or a segment length: show the checkpointed reverse sweep")
    s.add_argument("--parallel", action="store_true", help="show the parallel lowering")
    s.add_argument("--transform", choices=("grad", "jvp", "vjp", "hvp"), default="grad",
                   help="grad (default), jvp (tangent code), vjp (the pullback) or hvp (forward over reverse)")
    ns = parser.parse_args(argv)
    checkpoint = ns.checkpoint if ns.checkpoint in (None, "sqrt") else int(ns.checkpoint)
    try:
        return show(ns.target, ns.wrt, ns.args_spec, ns.lowered, ns.ir, checkpoint, ns.parallel, ns.transform)
    except AdjitError as e:
        print(e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
