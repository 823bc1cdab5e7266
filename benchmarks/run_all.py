"""Run every benchmarks/bench_*.py script, concatenate their Markdown reports and, with --out, draw
a bar chart (PNG, next to the Markdown) from the same run's measurements."""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import subprocess
import sys
import tempfile
import textwrap

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REFERENCE = "hand-written Numba"

# bar colours per implementation family, in legend order; adjit is drawn highlighted
FAMILIES = [
    ("adjit", "#d62728"),
    ("hand-written NumPy", "#7f7f7f"),
    ("hand-written Numba + libmvec tanh", "#bcbd22"),
    ("JAX", "#1f77b4"),
    ("PyTorch", "#ff7f0e"),
    ("autograd", "#2ca02c"),
]


def family(name: str) -> str | None:
    """The legend entry of a row name (JAX/PyTorch rows differ per benchmark: one colour each)."""
    for fam, _ in FAMILIES:
        if name == fam or (fam in ("JAX", "PyTorch") and name.startswith(fam)):
            return fam
    return None


def chart_groups(collected: list[dict]) -> list[tuple[str, dict[str, float]]]:
    """[(group label, {family: median ÷ hand-written Numba median})] for every table that has a
    hand-written Numba row; the ratios come straight from the rows the tables were printed from."""
    groups = []
    for bench in collected:
        for g in bench["groups"]:
            medians = {r["name"]: r["median"] for r in g["rows"]}
            ref = medians.get(REFERENCE)
            if not ref:
                continue
            ratios = {}
            for name, t in medians.items():
                fam = family(name)
                if fam is not None:
                    ratios[fam] = t / ref
            groups.append((g["label"], ratios))
    return groups


def draw_chart(groups, path: str, threads: int, quick: bool) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    present = [(f, c) for f, c in FAMILIES if any(f in r for _, r in groups)]
    colours = dict(present)
    most = max((len(r) for _, r in groups), default=1)
    width = 0.84 / max(most, 1)
    fig, ax = plt.subplots(figsize=(max(9.0, 0.9 * len(groups) + 3), 6.4))
    for i, (_, ratios) in enumerate(groups):
        fams = [f for f, _ in present if f in ratios]      # only this group's bars, centred
        for k, fam in enumerate(fams):
            x = i + width * (k - (len(fams) - 1) / 2)
            y = ratios[fam]
            adj = fam == "adjit"
            ax.bar(x, y, width=width * 0.92, color=colours[fam],
                   edgecolor="black" if adj else "none", linewidth=1.2 if adj else 0,
                   zorder=3 if adj else 2)
            if adj:
                ax.annotate(f"{y:.2f}", (x, y), textcoords="offset points", xytext=(0, 3),
                            ha="center", va="bottom", fontsize=7, fontweight="bold",
                            color=colours[fam])
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=1.2, zorder=4)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([textwrap.fill(label, 16) for label, _ in groups], fontsize=7.5)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel("median gradient time ÷ hand-written Numba (log scale; below 1 is faster)")
    ax.grid(axis="y", which="both", alpha=0.3, zorder=0)
    handles = [Patch(facecolor=c, edgecolor="black" if f == "adjit" else "none", label=f)
               for f, c in present]
    handles.append(plt.Line2D([], [], color="black", label="hand-written Numba (= 1)"))
    ax.legend(handles=handles, fontsize=8, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0),
              frameon=False)
    fig.suptitle(f"Gradient time relative to hand-written Numba, threads = {threads}"
                 + (" (quick run)" if quick else ""), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="pass --quick to every script")
    parser.add_argument("--threads", type=int, default=1, help="thread count for every script")
    parser.add_argument("--out", metavar="PATH",
                        help="also write the combined report to PATH and the chart next to it "
                             "(PATH with .png)")
    parser.add_argument("--only", metavar="NAME", action="append", default=[],
                        help="run only bench_NAME.py (repeatable)")
    opts = parser.parse_args(argv)

    scripts = sorted(glob.glob(os.path.join(BENCH_DIR, "bench_*.py")))
    if opts.only:
        wanted = {f"bench_{n.removeprefix('bench_').removesuffix('.py')}.py" for n in opts.only}
        scripts = [s for s in scripts if os.path.basename(s) in wanted]
    if not scripts:
        print("no benchmark scripts matched", file=sys.stderr)
        return 2

    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    command = "python benchmarks/run_all.py" + (" --quick" if opts.quick else "") + \
        (f" --threads {opts.threads}" if opts.threads != 1 else "") + \
        (f" --out {opts.out}" if opts.out else "")
    sections, collected = [], []
    with tempfile.TemporaryDirectory(prefix="adjit-bench-json-") as tmp:
        for script in scripts:
            name = os.path.basename(script)
            json_path = os.path.join(tmp, name + ".json")
            cmd = [sys.executable, script, "--threads", str(opts.threads), "--json", json_path]
            if opts.quick:
                cmd.append("--quick")
            print(f"running {name} ...", file=sys.stderr)
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=BENCH_DIR)
            if proc.returncode != 0:
                print(f"{name} failed (exit {proc.returncode}); no report written", file=sys.stderr)
                return proc.returncode
            sections += [proc.stdout.strip(), ""]
            if os.path.exists(json_path):
                with open(json_path, encoding="utf-8") as f:
                    collected.append(json.load(f))

    parts = ["# adjit performance", "",
             f"Generated by `{command}` on {stamp}. Ratios are measured within one run; absolute "
             "times depend on the machine and its load. **Every table runs with "
             f"{opts.threads} thread{'s' if opts.threads != 1 else ''}** (OMP, OpenBLAS, MKL and "
             "Numba thread counts; JAX via `XLA_FLAGS`; `torch.set_num_threads`) except the "
             "`parallel=True` table, which says its own thread count.", ""]
    if opts.out:
        os.makedirs(os.path.dirname(os.path.abspath(opts.out)), exist_ok=True)
        png = os.path.splitext(os.path.abspath(opts.out))[0] + ".png"
        groups = chart_groups(collected)
        try:
            draw_chart(groups, png, opts.threads, opts.quick)
            parts += [f"![Gradient time of each implementation relative to hand-written Numba, "
                      f"per workload and size]({os.path.basename(png)})", "",
                      "Each group of bars is one table below (workload and size); each bar is that "
                      "implementation's median gradient time divided by hand-written Numba's in the "
                      "same table (log scale; the black line at 1 is hand-written Numba; adjit is "
                      "red with its ratio printed). Drawn from the same measurements as the tables "
                      "in this run.", ""]
            print(f"wrote {png}", file=sys.stderr)
        except ImportError:
            parts += ["*(Chart skipped: matplotlib is not installed.)*", ""]
    report = "\n".join(parts + sections).rstrip() + "\n"
    print(report, end="")
    if opts.out:
        os.makedirs(os.path.dirname(os.path.abspath(opts.out)), exist_ok=True)
        with open(opts.out, "w", encoding="utf-8") as f:
            f.write(report)
        print(f"wrote {opts.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
