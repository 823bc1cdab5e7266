"""Shrinking a failing program to a small one that fails the same way, and saving it as a
regression case under tests/fuzz/regressions/.

Candidates, tried greedily until none is accepted (or the budget runs out): delete a statement,
unwrap a loop or an `if` (its body in its place, the loop variable bound to its first value),
drop an `else`, run a loop fewer times, replace an expression by one of its parts or by a
constant, drop the helper, take an argument out of `wrt`. A candidate is accepted when it fails
the same way: the same outcome and the same failing oracle (wrong gradients) or error category
(internal errors), on the same inputs."""
from __future__ import annotations

import re
import time
from pathlib import Path

from .program import E, For, If, Line, Program, Raw, While, child_blocks, leaf, walk_stmts

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def signature(res: dict) -> tuple:
    return res.get("outcome"), res.get("category")


def same_failure(orig: dict, new: dict) -> bool:
    """The same outcome and oracle (or error category). A wrong gradient must also stay about as
    wrong (within 10x of the original error), so that shrinking does not drift from a real bug to
    rounding noise that happens to cross the tolerance."""
    if orig["outcome"] == "wrong":
        cat = orig["category"]
        if new.get("outcome") != "wrong" or cat not in new.get("failing", []):
            return False
        e0, e1 = orig.get("errors", {}).get(cat), new.get("errors", {}).get(cat)
        return e0 is None or e1 is None or e1 >= 0.1 * e0
    return new.get("outcome") == orig["outcome"] and new.get("category") == orig["category"]


def needs_compiled(res: dict) -> bool:
    cat = res.get("category", "")
    return "compiled" in cat or cat.startswith("crash") or cat == "timeout"


def needs_jvp(res: dict) -> bool:
    return "jvp" in res.get("category", "")


# ---------------------------------------------------------------------------------- candidates

def _paths(prog: Program):
    """(function, holder list, index, stmt) for every statement of the helper and main."""
    for fn in ([prog.helper] if prog.helper else []) + [prog.main]:
        for holder, i, s in walk_stmts(fn.body):
            yield fn, holder, i, s


def _locate(prog: Program, k: int):
    for j, item in enumerate(_paths(prog)):
        if j == k:
            return item
    return None


def _expr_nodes(e: E, parent=None, idx=None):
    yield e, parent, idx
    for i, kid in enumerate(e.kids):
        if isinstance(kid, E):
            yield from _expr_nodes(kid, e, i)


def candidates(prog: Program):
    """Yield (description, new program) from the biggest simplifications to the smallest."""
    n = sum(1 for _ in _paths(prog))
    # blocks first: deleting or unwrapping a loop removes the most
    for k in range(n):
        fn, holder, i, s = _locate(prog, k)
        if isinstance(s, (For, While, If)):
            p = prog.clone()
            _, h, j, t = _locate(p, k)
            del h[j]
            yield f"delete block {k}", p
    for k in range(n):
        fn, holder, i, s = _locate(prog, k)
        if isinstance(s, (For, While, If)):
            for variant in _unwraps(s):
                p = prog.clone()
                _, h, j, t = _locate(p, k)
                h[j:j + 1] = variant(t)
                yield f"unwrap {type(s).__name__} {k}", p
    for k in range(n):
        fn, holder, i, s = _locate(prog, k)
        if isinstance(s, Raw) or (isinstance(s, Line) and not (s.lhs == "return" and holder is fn.body and i == len(fn.body) - 1)):
            p = prog.clone()
            _, h, j, t = _locate(p, k)
            del h[j]
            yield f"delete line {k}", p
    if prog.helper is not None:
        p = prog.clone()
        p.helper = None
        yield "drop helper", p
    for k in range(n):
        fn, holder, i, s = _locate(prog, k)
        if isinstance(s, If) and s.orelse:
            p = prog.clone()
            _locate(p, k)[3].orelse = []
            yield f"drop else {k}", p
        if isinstance(s, For) and s.header.startswith("range(") and s.header not in ("range(1)",):
            for hdr in ("range(1)", "range(2)"):
                p = prog.clone()
                _locate(p, k)[3].header = hdr
                yield f"fewer trips {k}", p
        if isinstance(s, While):
            txt = s.cond.render()
            m = re.match(rf"^\(?{s.counter} < (\d+)\)?", txt)
            if txt != f"{s.counter} < 1":
                for lim in (1, 2):
                    p = prog.clone()
                    _locate(p, k)[3].cond = leaf(f"{s.counter} < {lim}")
                    yield f"fewer trips {k}", p
    if sum(q.wrt for q in prog.params) > 1:
        for qi, q in enumerate(prog.params):
            if q.wrt:
                p = prog.clone()
                p.params[qi].wrt = False
                yield f"not wrt {q.name}", p
    # expressions
    for k in range(n):
        fn, holder, i, s = _locate(prog, k)
        for attr in ("expr", "cond"):
            e = getattr(s, attr, None)
            if not isinstance(e, E):
                continue
            nodes = list(_expr_nodes(e))
            for ni, (node, parent, idx) in enumerate(nodes):
                repls = [kid for kid in node.kids if isinstance(kid, E)]
                if node.kids or node.fmt not in ("0.5",):
                    repls.append(leaf("0.5"))
                for rep in repls:
                    p = prog.clone()
                    ps = _locate(p, k)[3]
                    pe = getattr(ps, attr)
                    pnodes = list(_expr_nodes(pe))
                    _, pparent, pidx = pnodes[ni]
                    repc = _find_same(pnodes[ni][0], rep, node)
                    if pparent is None:
                        setattr(ps, attr, repc)
                    else:
                        pparent.kids[pidx] = repc
                    yield f"simplify expr {k}.{ni}", p


def _find_same(pnode: E, rep: E, node: E) -> E:
    """The copy of `rep` (a child of `node`) inside the cloned `pnode`, or `rep` itself."""
    for kid, pkid in zip(node.kids, pnode.kids):
        if kid is rep:
            return pkid
    return rep


def _unwraps(s):
    out = []
    if isinstance(s, For):
        m = re.match(r"range\((.*)\)$", s.header)
        if m:
            first = "0"
            args = [a.strip() for a in m.group(1).split(",")]
            if len(args) >= 2:
                first = args[0]
                if len(args) == 3 and args[2].startswith("-"):
                    first = f"{args[0]}"
            out.append(lambda t, first=first: [Line(t.var, "=", leaf(first))] + t.body)
        else:
            out.append(lambda t: [Line(t.var, "=", leaf(f"{t.header}[0]"))] + t.body)
    elif isinstance(s, While):
        out.append(lambda t: [Line(t.counter, "=", leaf("1"))] + _no_jumps(t.body))
    elif isinstance(s, If):
        out.append(lambda t: t.body)
        if s.orelse:
            out.append(lambda t: t.orelse)
    return out


def _no_jumps(body):
    return [s for s in body if not (isinstance(s, Line) and s.lhs in ("break", "continue"))]


# ---------------------------------------------------------------------------------- driver

def shrink(prog: Program, inputs: list, orig: dict, evaluate, budget_s: float = 180.0, max_evals: int = 600,
           log=None) -> tuple:
    """(smallest program found, its result, evaluations). evaluate(task) -> result."""
    mode = "compiled" if needs_compiled(orig) else "fast"
    jvp = needs_jvp(orig)
    t0 = time.time()
    evals = 0
    best, best_res = prog, orig

    def task_of(p: Program) -> dict:
        t = p.to_task()
        t.update(inputs=inputs, mode=mode, jvp=jvp)
        return t

    improved = True
    seen = {prog.source() + repr(prog.wrt)}
    while improved and time.time() - t0 < budget_s and evals < max_evals:
        improved = False
        for desc, cand in candidates(best):
            if time.time() - t0 > budget_s or evals >= max_evals:
                break
            key = cand.source() + repr(cand.wrt)
            if key in seen:
                continue
            seen.add(key)
            evals += 1
            res = evaluate(task_of(cand))
            if same_failure(orig, res):
                best, best_res = cand, res
                improved = True
                if log:
                    log(f"    shrink: {desc} -> {len(cand.source())} chars")
                break
    return best, best_res, evals


def case_text(prog: Program, res: dict, inputs: list, origin: str, status: str = "open") -> str:
    """A regression case file: metadata, the inputs, the program."""
    from .oracles import inputs_from_json

    args = inputs_from_json(inputs)
    lines = [f'"""Regression case found by the differential fuzzer ({origin}).',
             "",
             f"Outcome: {res['outcome']} ({res['category']}).",
             ]
    if res.get("detail") and res["outcome"] == "wrong":
        lines.append(f"Errors: {res['detail'][:300]}")
    lines += ['"""', "import numpy as np", "", f"STATUS = {status!r}  # 'open': a compiler bug not fixed yet (the test is xfail)",
              f"EXPECT = {{'outcome': {res['outcome']!r}, 'category': {res['category']!r}}}",
              f"MODE = {('compiled' if needs_compiled(res) else 'fast')!r}",
              f"DTYPE = {prog.dtype!r}", f"WRT = {tuple(prog.wrt)!r}"]
    if prog.mutate:  # run between two checks (oracles.check_twice)
        lines.append(f"MUTATE = {chr(10).join(prog.mutate)!r}")
    lines.append("INPUTS = [")
    for a, p in zip(args, prog.params):
        if hasattr(a, "shape") and getattr(a, "ndim", 0) > 0:
            lines.append(f"    np.array({a.tolist()!r}, dtype=np.{a.dtype.name}),  # {p.name}")
        elif p.kind == "scalar":
            lines.append(f"    np.{a.dtype.name}({a.item()!r}),  # {p.name}")
        elif p.kind == "pyfloat":
            lines.append(f"    {float(a)!r},  # {p.name}")
        else:
            lines.append(f"    {int(a)!r},  # {p.name}")
    lines.append("]")
    src = prog.source().replace("import numpy as np\n", "", 1).strip("\n")
    return "\n".join(lines) + "\n\n\n" + src + "\n"


def save_case(prog: Program, res: dict, inputs: list, origin: str, name: str | None = None) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    if name is None:
        k = 1
        while (REGRESSIONS / f"case_{k:03d}.py").exists():
            k += 1
        name = f"case_{k:03d}"
    path = REGRESSIONS / f"{name}.py"
    path.write_text(case_text(prog, res, inputs, origin))
    return path


def existing_signatures() -> set:
    """The (outcome, category) of every saved case, read from its EXPECT line."""
    out = set()
    for p in sorted(REGRESSIONS.glob("case_*.py")):
        m = re.search(r"^EXPECT = \{'outcome': '([^']*)', 'category': (.*)\}$", p.read_text(), re.M)
        if m:
            try:
                out.add((m.group(1), eval(m.group(2))))
            except Exception:
                pass
    return out
