"""A fuzzing campaign: generate programs, run them through the oracles in worker processes,
count the outcomes, shrink the failures, save regression cases, write the report."""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import tempfile
import time
from pathlib import Path

from .generator import generate
from .oracles import OUTCOMES
from .runner import REPO, Pool
from .shrink import existing_signatures, same_failure, save_case, shrink

BEGIN = "<!-- fuzz-campaign:begin (written by `python -m tests.fuzz --report`) -->"
END = "<!-- fuzz-campaign:end -->"
SECTION = "## Differential fuzzer"


def program_seed(seed: int, i: int) -> int:
    return seed * 1_000_003 + i


def is_compiled(seed: int, i: int, fraction: float) -> bool:
    return random.Random(program_seed(seed, i) ^ 0x5EED).random() < fraction


def make_tasks(n: int, seed: int, fraction: float, start: int = 0, profile: str = "mixed") -> tuple:
    tasks, programs = [], {}
    for i in range(start, start + n):
        ps = program_seed(seed, i)
        prog = generate(ps, profile=profile)
        t = prog.to_task()
        t.update(id=i, mode="compiled" if is_compiled(seed, i, fraction) else "fast", input_seed=ps)
        tasks.append(t)
        programs[i] = prog
    return tasks, programs


class Stats:
    def __init__(self):
        self.outcomes = collections.Counter()
        self.by_mode = collections.defaultdict(collections.Counter)
        self.categories = collections.defaultdict(collections.Counter)  # outcome -> category -> count
        self.tags = collections.Counter()
        self.tags_failing = collections.Counter()
        self.examples = {}  # (outcome, category) -> first id
        self.results = {}
        self.seconds = collections.Counter()

    def add(self, task: dict, res: dict):
        out = res.get("outcome", "internal")
        self.outcomes[out] += 1
        self.by_mode[task["mode"]][out] += 1
        self.seconds[task["mode"]] += res.get("seconds", 0.0) or 0.0
        cat = res.get("category", "")
        if out in ("wrong", "rejected", "internal", "invalid"):
            self.categories[out][cat] += 1
            self.examples.setdefault((out, cat), task["id"])
        for t in task.get("tags", []):
            self.tags[t] += 1
            if out in ("wrong", "internal"):
                self.tags_failing[t] += 1
        self.results[task["id"]] = res


def summary_text(stats: Stats, args, elapsed: float, shrunk: list) -> str:
    n = sum(stats.outcomes.values())
    L = []
    fast = sum(stats.by_mode["fast"].values())
    comp = sum(stats.by_mode["compiled"].values())
    L.append(f"Campaign: seed {args.seed}, profile {getattr(args, 'profile', 'mixed')}, {n} programs run ({fast} fast mode: readable source, lowered source "
             f"run as Python, JVP sources; {comp} compiled mode: the same plus the Numba-compiled gradient and JVP), "
             f"{args.jobs} worker processes, {elapsed:.0f} s wall time "
             f"(fast mode {stats.seconds['fast'] / max(1, fast):.2f} s per program, compiled "
             f"{stats.seconds['compiled'] / max(1, comp):.2f} s per program).")
    L.append("")
    L.append("| outcome | programs | fast | compiled |")
    L.append("|---|---:|---:|---:|")
    for o in OUTCOMES:
        L.append(f"| {o} | {stats.outcomes[o]} | {stats.by_mode['fast'][o]} | {stats.by_mode['compiled'][o]} |")
    for out, title in (("wrong", "Wrong gradients, by first failing oracle"),
                       ("internal", "Internal errors, by stage and kind"),
                       ("rejected", "Located rejections, by message"),
                       ("invalid", "Invalid programs (NumPy rejected them), by reason")):
        cats = stats.categories.get(out)
        if not cats:
            continue
        L.append("")
        L.append(f"{title}:")
        L.append("")
        for cat, c in cats.most_common(12 if out != "invalid" else 5):
            cat1 = cat.replace("|", "\\|").replace("\n", " ")
            L.append(f"- {c} × `{cat1}` (e.g. program {stats.examples[(out, cat)]})")
        rest = len(cats) - (12 if out != "invalid" else 5)
        if rest > 0:
            L.append(f"- … and {rest} more categories")
    L.append("")
    L.append("Constructs in the generated programs (programs using each; of those, wrong or internal):")
    L.append("")
    items = [f"{t} {c} ({stats.tags_failing[t]})" for t, c in sorted(stats.tags.items(), key=lambda kv: -kv[1])]
    L.append(", ".join(items) + ".")
    if shrunk:
        L.append("")
        L.append("Failures shrunk and saved this run:")
        L.append("")
        for line in shrunk:
            L.append(f"- {line}")
    return "\n".join(L)


def update_report(path: Path, block: str) -> None:
    """Replace the campaign block inside the `## Differential fuzzer` section (creating the file,
    the section or the block as needed); other sections are left as they are."""
    text = path.read_text() if path.exists() else "# Reliability\n"
    new_block = f"{BEGIN}\n{block}\n{END}"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{new_block}\n"
    else:
        start = text.index(SECTION)
        m = re.search(r"^## ", text[start + len(SECTION):], re.M)
        end = start + len(SECTION) + m.start() if m else len(text)
        section = text[start:end]
        if BEGIN in section and END in section:
            a, b = section.index(BEGIN), section.index(END) + len(END)
            section = section[:a] + new_block + section[b:]
        else:
            section = section.rstrip("\n") + f"\n\n{new_block}\n\n"
        text = text[:start] + section + text[end:]
    path.write_text(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    ap.add_argument("--programs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)))
    ap.add_argument("--compiled-fraction", type=float, default=0.05,
                    help="fraction of programs also run through the Numba-compiled entry points")
    ap.add_argument("--report", type=Path, default=None, help="update this file's '## Differential fuzzer' figures")
    ap.add_argument("--time-budget", type=float, default=None, help="stop starting new programs after this many seconds")
    ap.add_argument("--timeout", type=float, default=60.0, help="per program, fast mode (compiled: x5)")
    ap.add_argument("--batch", type=int, default=40, help="programs per worker process before it is replaced")
    ap.add_argument("--shrink", type=int, default=0, help="shrink up to this many distinct failures")
    ap.add_argument("--shrink-budget", type=float, default=120.0, help="seconds per shrink")
    ap.add_argument("--save", action="store_true", help="save shrunk failures under tests/fuzz/regressions/")
    ap.add_argument("--json", type=Path, default=None, help="write every result here")
    ap.add_argument("--log", type=str, default=None, help="worker stderr goes here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--profile", choices=["mixed", "recent", "classic", "features"], default="mixed",
                    help="constructs to weight: mixed (default), recent (mostly gen_recent*.py's: host hoisting, "
                         "filled lists, masked assignment, distributions, run-time extents, ...), classic (the "
                         "generator as it was before those: the programs older campaigns ran), features (gen_features.py: "
                         "globals changed between two calls, classes, complex, fft, loop else, assert, ...)")
    ap.add_argument("--show", type=int, default=None, metavar="ID",
                    help="print program ID of this seed's campaign, run it in fast mode (or compiled with "
                         "--compiled-fraction 1) and print the result; with --shrink, shrink it too")
    args = ap.parse_args(argv)
    if args.show is not None:
        return show(args)

    t0 = time.time()
    cache = tempfile.mkdtemp(prefix="adjit-fuzz-cache-")
    os.environ["ADJIT_CACHE_DIR"] = cache
    os.environ["ADJIT_FUZZ_CACHE_DIR"] = cache
    tasks, programs = make_tasks(args.programs, args.seed, args.compiled_fraction, profile=args.profile)
    stats = Stats()
    pool = Pool(args.jobs, args.batch, cache, args.log)
    done = [0]

    def on_result(task, res):
        stats.add(task, res)
        done[0] += 1
        out = res.get("outcome")
        if not args.quiet and (out in ("wrong", "internal") or done[0] % 50 == 0):
            print(f"[{time.time() - t0:6.0f}s] {done[0]}/{len(tasks)} program {task['id']} ({task['mode']}): "
                  f"{out} {res.get('category', '')[:110]}", flush=True)

    deadline = t0 + args.time_budget if args.time_budget else None
    timeout_for = lambda t: args.timeout * (5 if t["mode"] == "compiled" else 1)  # noqa: E731
    # compiled programs first, so a time budget cannot starve them
    ordered = sorted(tasks, key=lambda t: t["mode"] != "compiled")
    try:
        pool.map(ordered, on_result, timeout_for, deadline)
    finally:
        pool.close()
    elapsed = time.time() - t0

    shrunk_lines = []
    if args.shrink:
        pool = Pool(1, 200, cache, args.log)
        try:
            seen = existing_signatures() if args.save else set()
            n_shrunk = 0
            for (out, cat), pid in sorted(stats.examples.items(), key=lambda kv: kv[1]):
                if out not in ("wrong", "internal") or n_shrunk >= args.shrink:
                    continue
                res = stats.results[pid]
                if (out, cat) in seen or "inputs" not in res:
                    continue
                n_shrunk += 1
                prog = programs[pid]
                print(f"shrinking program {pid}: {out} {cat[:100]} ({len(prog.source())} chars)", flush=True)
                evaluate = lambda t: pool.run_one(t, timeout=args.timeout * 5)  # noqa: E731
                small, sres, evals = shrink(prog, res["inputs"], res, evaluate, args.shrink_budget,
                                            log=None if args.quiet else print)
                line = f"program {pid} ({out}: `{cat[:90]}`): {len(prog.source())} → {len(small.source())} chars in {evals} tries"
                if args.save and same_failure(res, sres):
                    path = save_case(small, sres, sres.get("inputs", res["inputs"]),
                                     f"campaign seed {args.seed}, program {pid}, {stats_mode(tasks, pid)} mode")
                    seen.add((out, cat))
                    line += f" → `{path.relative_to(REPO)}`"
                print("  " + line, flush=True)
                print("  " + small.source().replace("\n", "\n  "), flush=True)
                shrunk_lines.append(line)
        finally:
            pool.close()

    text = summary_text(stats, args, elapsed, shrunk_lines)
    print()
    print(text)
    if args.report:
        update_report(args.report, text)
        print(f"\nupdated {args.report}")
    if args.json:
        args.json.write_text(json.dumps({"results": stats.results,
                                         "tasks": {t["id"]: {k: t[k] for k in ("source", "mode", "wrt", "dtype", "tags")}
                                                   for t in tasks}}, default=str, indent=1))
    return 0


def show(args) -> int:
    from . import oracles

    oracles.ensure_cache_dir()
    tasks, programs = make_tasks(1, args.seed, args.compiled_fraction, start=args.show, profile=args.profile)
    t = tasks[0]
    print(t["source"])
    print(f"# wrt={t['wrt']} dtype={t['dtype']} mode={t['mode']} params={t['params']}")
    res = oracles.check_task(t)
    print(json.dumps({k: v for k, v in res.items() if k != "inputs"}, indent=1, default=str))
    if args.shrink and res.get("outcome") in ("wrong", "internal") and "inputs" in res:
        cache = os.environ.get("ADJIT_CACHE_DIR") or tempfile.mkdtemp(prefix="adjit-fuzz-cache-")
        pool = Pool(1, 200, cache, args.log)
        try:
            evaluate = lambda task: pool.run_one(task, timeout=args.timeout * 5)  # noqa: E731
            small, sres, evals = shrink(programs[args.show], res["inputs"], res, evaluate, args.shrink_budget,
                                        log=None if args.quiet else print)
        finally:
            pool.close()
        print(f"# shrunk in {evals} tries; still failing the same way: {same_failure(res, sres)}")
        print(small.source())
        print(json.dumps({k: v for k, v in sres.items() if k != "inputs"}, indent=1, default=str))
        if args.save and same_failure(res, sres):
            path = save_case(small, sres, sres.get("inputs", res["inputs"]),
                             f"campaign seed {args.seed}, program {args.show}, {t['mode']} mode")
            print(f"saved {path.relative_to(REPO)}")
    return 0


def stats_mode(tasks, pid):
    for t in tasks:
        if t["id"] == pid:
            return t["mode"]
    return "?"
