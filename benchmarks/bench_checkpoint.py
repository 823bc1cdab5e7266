"""Peak memory and time of a 10^6-step simulation's gradient, with and without sqrt(T) checkpointing.

Each configuration runs in a fresh process (peak resident memory is per process); the compiled
code comes from a warm disk cache, so the numbers are steady-state gradient cost."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import common

HERE = Path(__file__).parent

CHILD = r"""
import json, resource, sys, time
import numpy as np
sys.path.insert(0, {here!r})
import adjit
from checkpoint_models import coupled_pendulums
n = {n}
x0 = np.linspace(0.1, 0.8, 8)
g = adjit.grad(coupled_pendulums, wrt=(0, 1, 2, 3), checkpoint={checkpoint!r})
g(1.0, 0.1, 0.3, x0, 1000)          # compile (or load) and warm up on a short run
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
grads = g(1.0, 0.1, 0.3, x0, n)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_mb": peak / 1024, "extra_mb": (peak - base) / 1024,
                  "dk": grads[0]}}))
"""


def run(n: int, checkpoint, threads: int = 1) -> dict:
    code = CHILD.format(here=str(HERE), n=n, checkpoint=checkpoint)
    env = dict(os.environ, **{var: str(threads) for var in common.THREAD_VARS})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> str:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="10^5 steps")
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=1,
                    help="thread count exported to the subprocesses (the simulation is serial)")
    ap.add_argument("--json", help="accepted for run_all.py; nothing to chart (no Numba reference)")
    args = ap.parse_args(argv)
    n = 100_000 if args.quick else args.steps
    rows = []
    for checkpoint in (None, "sqrt"):
        run(1000, checkpoint, args.threads)  # make sure the disk cache is warm for both
        rows.append((checkpoint, run(n, checkpoint, args.threads)))
    same = abs(rows[0][1]["dk"] - rows[1][1]["dk"]) <= 1e-9 * abs(rows[0][1]["dk"])
    lines = [f"## Checkpointing: gradient of a {n:,}-step simulation (8 coupled pendulums, 16 floats of state)",
             "",
             f"adjit only, **threads: {args.threads}** ({', '.join(common.THREAD_VARS)} in each "
             "subprocess). Each row is a fresh process loading the gradient from a warm disk cache.",
             "",
             "| reverse sweep | gradient time | peak memory during the call (MB) | process peak (MB) |",
             "|:--|--:|--:|--:|"]
    for checkpoint, r in rows:
        name = "full tape" if checkpoint is None else "sqrt(T) checkpoints"
        lines.append(f"| {name} | {r['seconds']:.3f} s | {r['extra_mb']:.1f} | {r['peak_mb']:.1f} |")
    lines.append("")
    lines.append(f"Gradients agree: {same}. Time ratio checkpointed / full tape: "
                 f"{rows[1][1]['seconds'] / rows[0][1]['seconds']:.2f}x.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    return text


if __name__ == "__main__":
    main()
