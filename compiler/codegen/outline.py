"""Large lowered functions cut into parts that Numba compiles one by one (issue 14).

Numba's passes and LLVM's grow faster than the size of one function: its SSA pass costs each
block once per reassigned variable, and LLVM's (SROA, value propagation, register allocation) about
as n^1.5 on a long straight-line gradient (docs/performance.md). Above `THRESHOLD` statements, runs
of consecutive statements of the function body, and of the bodies of the loops and branches too
large to be one part (the strip loop that holds a whole fused gradient), become functions

    def f_grad_part3(x, _b_4, _s, _n):
        _tape.keep_apart()
        ...the statements, unchanged...
        return a7, _acc_f

called where they stood: `a7, _acc_f = f_grad_part3(x, _b_4, _s, _n)`. A part's arguments are the
names it reads that were bound before it (or that it may leave unbound), its results the names it
binds that are read anywhere outside it; arrays are passed by reference, so writes into them are
seen by the caller as before. A loop of straight-line code too large for one part (an elementwise
loop holding a whole reverse sweep) is a part of its own, called once, never per iteration.

Compiled, each part is called by a stable symbol (`_tape.part(..., apart=True)`:
runtime/plainjit.py's ApartDispatcher), so Numba compiles it and LLVM optimizes it once, on its
own, and never links it into its caller's module to optimize it again there: the cost grows with
the number of parts. A cached caller loads in a new process once its parts' symbols are bound
from Numba's cache (plainjit._bind). Functions below THRESHOLD are left whole: cut, a gradient of
630 statements compiled no faster (Numba's time per statement, in Python, does not depend on the
function's size; what grows faster is LLVM on one large function).

*Slabs* (codegen/slabs.py). A cut function's top-level arrays (hundreds of workspace temporaries
and strip buffers in a long gradient) would each be an allocation of the caller and an argument of
every part that reads them, and the caller grew faster than its parts; those of one length and
dtype are rows of one flat slab instead, which the parts take, each making the rows it reads.

A statement that returns, yields, defines a function or breaks out of a loop it does not contain
is never moved. The cut works on the text's syntax tree, after everything else: the readable
rendering and every IR pass are unchanged."""
from __future__ import annotations

import ast
import os
import threading

from .slabs import entry_rows, make_rows, slab

# statements in a function (nested ones counted) from which it is cut, and per part (measured:
# docs/performance.md); ADJIT_OUTLINE=<threshold>[,<part>] sets them, for such measurements
_SET = os.environ.get("ADJIT_OUTLINE", "").split(",")
THRESHOLD = int(_SET[0]) if _SET[0] else 1000
PART = int(_SET[1]) if len(_SET) > 1 else 160


def outline(text: str, name: str) -> tuple[str, list[str]]:
    """(the function's text, the parts' texts): `text` itself and no parts below THRESHOLD. The
    parts are cut out of the text by lines, so the comments inside them stay with them."""
    if text.count("\n") < THRESHOLD:  # fewer lines than statements to cut at: nothing to parse
        return text, []
    fn = ast.parse(text).body[0]
    _reset()
    try:
        return _outline(text, fn, name)
    finally:
        _reset()


def _outline(text: str, fn, name: str, slabs: bool = True) -> tuple[str, list[str]]:
    if not isinstance(fn, ast.FunctionDef) or sum(_size(s) for s in fn.body) < THRESHOLD:
        return text, []
    slabbed, views, made = slab(text, fn) if slabs else (text, {}, {})
    if views:  # the top-level arrays are rows of slabs now: cut that text
        _reset()
        fn = ast.parse(slabbed).body[0]
    local = {a.arg for a in fn.args.args} | {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                                             and not isinstance(n.ctx, ast.Load)}
    cutter = _Cutter(name, local, slabbed.split("\n"), views, made)
    cutter.cut(fn.body, 0)
    if not cutter.parts:
        return text, []
    lines = cutter.lines
    for first, last, call in sorted(cutter.calls, reverse=True):  # bottom up: line numbers hold
        lines[first:last] = [call]
    if views:
        lines = entry_rows(lines, views, made)
        if lines is None:  # a return sharing its line: cut without slabs
            _reset()
            return _outline(text, ast.parse(text).body[0], name, slabs=False)
    return "\n".join(lines), cutter.parts


# for the tree being cut (per thread: Dask workers compile in threads): id(node) -> its statements
# (sizes), id(node) -> (names read, names bound) and ("kill", id(node)) -> names rebound (names),
# name -> its bit in the sets of names below (bits)
_MEMO = threading.local()


def _reset() -> None:
    _MEMO.sizes, _MEMO.names, _MEMO.bits = {}, {}, {}


def _size(node: ast.AST) -> int:
    n = _MEMO.sizes.get(id(node))
    if n is None:
        n = _MEMO.sizes[id(node)] = 1 + sum(_size(c) for c in _children(node)) if isinstance(node, ast.stmt) else 0
    return n


def _children(node) -> list:
    """The statements directly inside a compound statement."""
    return [c for f in ("body", "orelse", "finalbody", "handlers") for c in getattr(node, f, ())]


# Sets of names are bit sets (Python ints, a bit per name): liveness copies a set per statement
# visited, and at a thousand lowered statements hundreds of buffers are live across a strip loop
# (set copies made the cutter grow as statements x live names).
def _bits(names) -> int:
    table, out = _MEMO.bits, 0
    for name in names:
        b = table.get(name)
        if b is None:
            b = table[name] = 1 << len(table)
        out |= b
    return out


def _has(bits: int, name: str) -> bool:
    b = _MEMO.bits.get(name)
    return b is not None and bits & b != 0


def _names(node: ast.AST) -> tuple[int, int]:
    """(names read, names bound) by a simple statement or an expression, as bit sets."""
    got = _MEMO.names.get(id(node))
    if got is not None:
        return got
    read, bound = _walk_names(node)
    _MEMO.names[id(node)] = got = _bits(read), _bits(bound)
    return got


def _walk_names(node: ast.AST) -> tuple[set, set]:
    read, bound = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            (read if isinstance(n.ctx, ast.Load) else bound).add(n.id)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        read.add(node.target.id)  # x += v reads x
    return read, bound


def _live_in(stmts: list, live: int, loop: int = 0) -> int:
    """Names live before `stmts` when `live` are live after them (backward, through the structured
    control flow; `loop`: what is live where a break or continue goes), as bit sets."""
    for s in reversed(stmts):
        live = _live_stmt(s, live, loop)
    return live


def _live_stmt(s: ast.stmt, live: int, loop: int) -> int:
    if isinstance(s, ast.If):
        return _names(s.test)[0] | _live_in(s.body, live, loop) | _live_in(s.orelse, live, loop)
    if isinstance(s, (ast.For, ast.While)):
        head = _loop_head(s, live)
        return head | (_names(s.iter)[0] if isinstance(s, ast.For) else 0)
    if isinstance(s, (ast.Break, ast.Continue)):
        return live | loop
    read, bound = _names(s)
    if isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return (live & ~_kills(s)) | read
    return live | read


def _kills(s) -> int:
    """The names an assignment rebinds (not those whose item or attribute it writes), memoized:
    a loop's liveness is a fixed point that visits its body's statements several times."""
    key = ("kill", id(s))
    kill = _MEMO.names.get(key)
    if kill is None:
        targets = s.targets if isinstance(s, ast.Assign) else [s.target]
        kill = _MEMO.names[key] = _bits(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
                                        and isinstance(n.ctx, ast.Store) and not isinstance(t, (ast.Subscript, ast.Attribute)))
    return kill


def _loop_head(s, live: int) -> int:
    """Names live at a loop's head (a fixed point: what the body reads comes around again)."""
    head = live | (_names(s.test)[0] if isinstance(s, ast.While) else 0)
    while True:
        body = _live_in(s.body, head, head | live)
        if isinstance(s, ast.For):
            body = body & ~_names(s.target)[1]
        new = head | body | _live_in(s.orelse, live)
        if new == head:
            return head
        head = new


class _Cutter:
    def __init__(self, name: str, local: set, lines: list, views: dict, slabs: dict):
        self.name, self.local, self.lines = name, local, lines
        self.views, self.slabs = views, slabs  # array -> (slab, row), made in each part that reads it
        self.fixed = set(slabs) | {length for length, _ in slabs.values()}  # stay in the caller
        self.parts: list[str] = []
        self.calls: list[tuple] = []  # (first line, end line, the call's line), 0-based, end exclusive

    def cut(self, body: list, live_out: int) -> list:
        """`body` (followed by code where `live_out` are live) with runs of movable statements
        replaced by calls to parts; a statement too large for one part keeps its place and has its
        own bodies cut."""
        after = [0] * len(body)  # live after each statement (bit sets)
        live = live_out
        for i in range(len(body) - 1, -1, -1):
            after[i] = live
            live = _live_stmt(body[i], live, 0)
        out, run, size = [], [], 0
        for i, stmt in enumerate(body):
            n = _size(stmt)
            if n > PART and _innermost(stmt) and _movable(stmt):
                # a loop of straight-line code (an elementwise strip loop holding a whole reverse
                # sweep): one part of its own, called once, never a call per iteration
                out += self._close(run, after[i - 1] if i else 0)
                out += self._close([stmt], after[i])
                run, size = [], 0
                continue
            if n > PART and isinstance(stmt, (ast.For, ast.While, ast.If)):
                out += self._close(run, after[i - 1] if i else 0)
                run, size = [], 0
                inner = _loop_head(stmt, after[i]) if isinstance(stmt, (ast.For, ast.While)) else after[i]
                stmt.body = self.cut(stmt.body, inner)
                if stmt.orelse:
                    stmt.orelse = self.cut(stmt.orelse, after[i])
                out.append(stmt)
                continue
            if not _movable(stmt) or self._makes_slab(stmt):  # a slab stays in the caller, which passes it
                out += self._close(run, after[i - 1] if i else 0)
                run, size = [], 0
                out.append(stmt)
                continue
            run.append(stmt)
            size += n
            if size >= PART:
                out += self._close(run, after[i])
                run, size = [], 0
        out += self._close(run, after[-1] if body else 0)
        return out

    def _makes_slab(self, stmt: ast.stmt) -> bool:
        return (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id in self.fixed)

    def _close(self, run: list, live_after: int) -> list:
        """The run as a call to a new part, or as it is when it is too small to be worth one."""
        if sum(_size(s) for s in run) < PART // 4:
            return run  # a few statements are cheap where they are
        bound = set()
        for s in run:
            bound |= {n.id for n in ast.walk(s) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        results = sorted(n for n in bound & self.local if _has(live_after, n))
        if not any(isinstance(s, (ast.For, ast.While)) for s in run) and len(results) > 4:
            return run  # straight-line code making many values (allocations) stays where they are used
        # what the run reads before binding it, and the results it may leave unbound
        live_in = _live_in(run, _bits(results))
        args = {n for n in self.local if _has(live_in, n)}
        rows = {n.id for s in run for n in ast.walk(s) if isinstance(n, ast.Name) and n.id in self.views}
        for slab in {self.views[v][0] for v in rows}:
            args |= {slab, self.slabs[slab][0]}
        args = sorted(args)
        pname = f"{self.name}_part{len(self.parts)}"
        first, last, col = run[0].lineno - 1, run[-1].end_lineno, run[0].col_offset
        body = [line[col:] if line[:col].isspace() or not line[:col] else line.lstrip()
                for line in self.lines[first:last]]
        text = [f"# {pname}: a part of {self.name} (codegen/outline.py), jitted without a Python wrapper",
                f"def {pname}({', '.join(args)}):",
                "    _tape.keep_apart()  # noinline: LLVM never optimizes it as one function with its caller"]
        text += make_rows(self.views, self.slabs, rows, "    ")
        text += ["    " + line if line else line for line in body]
        lhs = ""
        if results:
            text.append(f"    return {', '.join(results)}" + ("," if len(results) == 1 else ""))
            lhs = f"{', '.join(results)}{',' if len(results) == 1 else ''} = "
        text.append(f"\n\n{pname} = _tape.part(_jit, {pname}, apart=True)")
        self.parts.append("\n".join(text))
        self.calls.append((first, last, " " * col + f"{lhs}{pname}({', '.join(args)})"))
        return run


def _innermost(stmt: ast.stmt) -> bool:
    """Whether `stmt` is a loop with no loop inside it."""
    return isinstance(stmt, (ast.For, ast.While)) and not any(
        isinstance(n, (ast.For, ast.While)) for s in stmt.body + stmt.orelse for n in ast.walk(s))


def _movable(stmt: ast.stmt) -> bool:
    """Whether `stmt` can run inside another function: it returns nothing, defines nothing, and
    breaks or continues only loops of its own."""
    stack = [(stmt, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.FunctionDef, ast.Lambda, ast.ClassDef,
                             ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await, ast.ListComp,
                             ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return False
        if isinstance(node, (ast.Break, ast.Continue)) and not in_loop:
            return False
        inner = in_loop or isinstance(node, (ast.For, ast.While))
        stack.extend((c, inner) for c in ast.iter_child_nodes(node))
    return True
