"""Where a generated gradient's time goes, per source line: the lowered module of the GMM or BA
gradient (bench_gmm_ba.py's objectives), with a cycle counter read between its top-level
sections (each `# <source line>` comment of the gradient function starts one, labelled with its
sweep), run 300 times on one thread. Prints each line's share of the cycles, largest first.

    python benchmarks/profile_sections.py gmm|ba [--reps N]

A diagnostic, not a benchmark: the counter (llvm.readcyclecounter behind a compiler barrier)
keeps the sections' order, and the shares, not the wall time, are what it is for."""
from __future__ import annotations

import argparse
import re
import sys
import types

import common

common.pin_threads()

import numba  # noqa: E402
import numpy as np  # noqa: E402
from llvmlite import ir  # noqa: E402
from numba import types as nt  # noqa: E402
from numba.core import cgutils  # noqa: E402
from numba.extending import intrinsic  # noqa: E402

import adjit  # noqa: E402
import bench_gmm_ba as bench  # noqa: E402


@intrinsic
def _cycles(typingctx):
    def codegen(context, builder, sig, args):
        counter = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(64), []),
                                                 "llvm.readcyclecounter")
        barrier = ir.InlineAsm(ir.FunctionType(ir.VoidType(), []), "", "~{memory}", side_effect=True)
        builder.call(barrier, [])
        out = builder.call(counter, [])
        builder.call(barrier, [])
        return out
    return nt.int64(), codegen


@intrinsic
def _pointer(typingctx, addr):
    def codegen(context, builder, sig, args):
        return builder.inttoptr(args[0], ir.IntType(64).as_pointer())
    return nt.CPointer(nt.int64)(nt.int64), codegen


def instrument(source: str, fname: str, counts: np.ndarray) -> tuple:
    """(the module text with a counter between the sections of `fname`, the sections' labels)."""
    lines = source.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {fname}("))
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    tick = "    _PNOW = _cycles(); _PROF[{k}] += _PNOW - _PT0; _PT0 = _PNOW"
    body, labels, sweep = [], [], "forward"
    for i in range(start + 1, end):
        line = lines[i]
        header = re.match(r"^    # --- (.*) ---$", line)
        if header:  # "forward sweep", "reverse sweep", "forward and reverse sweeps, fused"
            sweep = header.group(1).split(" sweep")[0]
        opens = re.match(r"^    # (?!    )", line) and not re.match(r"^    # ", lines[i - 1])
        if (opens or line.startswith("    return ")) and labels:
            body.append(tick.format(k=len(labels) - 1))
        if opens:
            labels.append(f"[{sweep}] {line.strip()[2:]}")
        body.append(line)
    head = [lines[start], f"    _PROF = numba.carray(_pointer({counts.ctypes.data}), ({counts.size},))",
            "    _PT0 = _cycles()"]
    text = "\n".join(lines[:start] + head + body + lines[end:])
    return text.replace("numba.njit(cache=True", "numba.njit(cache=False"), labels


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("which", choices=("gmm", "ba"))
    ap.add_argument("--reps", type=int, default=300)
    ns = ap.parse_args(argv)
    if ns.which == "gmm":
        f, args, fname = bench.gmm_objective, bench.gmm_data(1000, 10, 5), "gmm_objective_grad"
    else:
        f, args, fname = bench.ba_objective, bench.ba_data(20, 500, 2000), "ba_objective_grad"
    source = adjit.grad(f, wrt=(0, 1, 2)).source(*args, lowered=True)
    counts = np.zeros(1000, np.int64)
    text, labels = instrument(source, fname, counts)
    mod = types.ModuleType("profiled")
    mod.__dict__.update(_cycles=_cycles, _pointer=_pointer)
    exec(compile(text, f"<profiled {fname}>", "exec"), mod.__dict__)
    grad = mod.__dict__[fname]
    ws, wst = np.zeros(1 << 27, np.uint8), np.zeros(2, np.int64)
    grad(*args, ws, wst)
    counts[:] = 0
    for _ in range(ns.reps):
        grad(*args, ws, wst)
    total = counts[:len(labels)].sum()
    share: dict = {}
    for k, label in enumerate(labels):
        share[label] = share.get(label, 0) + counts[k]
    print(f"{fname}: share of cycles per source line ({ns.reps} calls, 1 thread)")
    for label, c in sorted(share.items(), key=lambda kv: -kv[1]):
        if c / total >= 0.005:
            print(f"{100 * c / total:5.1f} %  {label[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
