"""The pass pipeline: every pass the compiler runs, in two lists, with the IR verifier after each
pass (and the loop-nest verifier, passes/loopnest.LoopNest.verify, on every planned nest) and, with
ADJIT_DUMP_IR set, the IR printed after each, followed by its planned loop nests (ADJIT_DUMP_IR=1:
to stderr; ADJIT_DUMP_IR=<directory>: one file per function and pass there).

- OPTIMIZE runs on every generated function (primal, gradient, JVP): simplify, cse, simplify, dce.
- LOWER runs on a copy for the lowered rendering only (the readable one keeps array statements):
  hoist the outer-product accumulations of recurrences, dce, add the regions of a gather's adjoint
  straight into the gradient (scatter), fuse elementwise stretches into
  loop groups, plan each group's loop nest (stages, extents, storage, reductions: loopplan), then
  which of the nests' arrays come from the call's workspace (workspace) and which, inside loops,
  are made once per call (loopbuffers). codegen renders the plans.
"""
from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

from .. import timing
from ..ir import Block, Function, print_function, verify
from .cse import eliminate_common_subexpressions
from .dce import eliminate_dead_code
from .fusion import fuse
from .hoist import hoist_outer_accumulations
from .loopbuffers import hoist_loop_buffers
from .loopplan import plan_loops
from .scatter import scatter_into_gradients
from .workspace import plan_workspace
from .simplify import simplify

OPTIMIZE = (simplify, eliminate_common_subexpressions, simplify, eliminate_dead_code)
LOWER = (hoist_outer_accumulations, eliminate_dead_code, scatter_into_gradients, fuse, plan_loops, plan_workspace,
         hoist_loop_buffers)
PIPELINE = OPTIMIZE  # the name earlier code imports


def _run(fn: Function, passes: tuple, stage: str) -> Function:
    verify(fn)
    _dump(fn, f"{stage}.input")
    for k, p in enumerate(passes):
        with timing.phase(f"pass: {p.__name__}"):
            fn = p(fn)
        with timing.phase("pass: verify"):
            fn = verify(fn)
            for nest in fn.nests.values():
                nest.verify()
        _dump(fn, f"{stage}.{k}.{p.__name__}")
    return fn


def optimize(fn: Function) -> Function:
    """The optimizing passes, in place (transformations hand over IR nobody else holds)."""
    return _run(fn, OPTIMIZE, "optimize")


def lower(fn: Function) -> Function:
    """The lowering passes on a copy of fn (blocks and ops copied; values, types and locations
    shared), so the readable rendering can use fn as it is."""
    return _run(copy_structure(fn), LOWER, "lower")


def copy_structure(fn: Function) -> Function:
    """A copy whose blocks and ops can be rewritten; values keep their ids (fn.avals stays valid).
    Blocks, nodes, their lists and dicts are copied; values, types and locations are shared (a
    structural copy, linear in the function's size: deepcopy's memo cost 2.7 s at 2000 terms)."""
    new = copy.copy(fn)
    for k, v in vars(fn).items():
        if isinstance(v, Block):
            setattr(new, k, _copy_block(v))
        elif isinstance(v, (list, dict, set)):
            setattr(new, k, _copy_container(v))
    return new


def _copy_block(b: Block) -> Block:
    new = copy.copy(b)
    new.ops = [_copy_node(n) for n in b.ops]
    return new


def _copy_node(node):
    new = copy.copy(node)
    for k, v in vars(node).items():
        if isinstance(v, Block):
            setattr(new, k, _copy_block(v))
        elif isinstance(v, (list, dict, set)):
            setattr(new, k, _copy_container(v))
    return new


def _copy_container(c):
    """A list, dict or set copied one level down too (an attrs dict holding a list); values shared."""
    if isinstance(c, dict):
        return {k: (copy.copy(v) if isinstance(v, (list, dict, set)) else v) for k, v in c.items()}
    if isinstance(c, list):
        return [copy.copy(v) if isinstance(v, (list, dict, set)) else v for v in c]
    return set(c)


def print_planned(fn: Function) -> str:
    """The IR as print_function writes it, followed by its planned loop nests (LoopNest.describe)
    in the same value names: what ADJIT_DUMP_IR shows after each pass."""
    numbers: dict = {}
    text = print_function(fn, numbers)
    if not fn.nests:
        return text

    def name(v) -> str:
        n = numbers.setdefault(v.id, len(numbers))
        return f"%{v.hint}.{n}" if v.hint else f"%{n}"

    return text + "\n\n" + "\n\n".join(fn.nests[g].describe(name) for g in sorted(fn.nests))


_DUMPED: dict = {}


def _dump(fn: Function, what: str) -> None:
    where = os.environ.get("ADJIT_DUMP_IR", "")
    if not where or where == "0":
        return
    text = print_planned(fn)
    if where == "1":
        print(f"=== {fn.name}: after {what} ===\n{text}\n", file=sys.stderr)
        return
    directory = Path(where)
    directory.mkdir(parents=True, exist_ok=True)
    n = _DUMPED[fn.name] = _DUMPED.get(fn.name, 0) + 1
    (directory / f"{fn.name}.{n:03d}.{what}.ir").write_text(text + "\n")
